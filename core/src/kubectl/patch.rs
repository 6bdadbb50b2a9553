//! `kubectl patch`: changes fields of objects named as `TYPE NAME`,
//! `TYPE/NAME` or `-f FILE`, with a strategic merge (the default), JSON
//! merge or JSON patch given by `-p` or `--patch-file`, in YAML or JSON.
//!
//! As kubectl does, the patch goes to the API server (core's
//! `apiserver::patch::patched_object`, the same code the server's PATCH
//! runs), which reports unknown fields as warnings; the line says
//! `patched`, or `patched (no change)` when the object came back equal.
//! `--dry-run=client` and `--local` patch the object on this side instead.

use std::sync::Arc;

use serde_json::Value;

use super::args::{Flag, Parsed};
use super::errors::format_status;
use super::print_flags::{self, DryRun, Format, Printer};
use super::resource_args::{self, Request};
use super::{apply, Context, Output};
use crate::api::{decode, Object, StatusError};
use crate::apiserver::patch::{self, FieldValidation, PatchType};
use crate::apiserver::WriteOptions;
use crate::controllers::deployment::util::CHANGE_CAUSE;

const FLAGS: &[Flag] = &[
    Flag::string("patch", Some('p')),
    Flag::string("patch-file", None),
    Flag::string("type", None),
    Flag::strings("filename", Some('f')),
    Flag::string("kustomize", Some('k')),
    Flag::bool("recursive", Some('R')),
    Flag::bool("local", None),
    Flag::string("output", Some('o')),
    Flag::string("dry-run", None),
    Flag::string("template", None),
    Flag::bool("show-managed-fields", None),
    Flag::bool("allow-missing-template-keys", None),
    Flag::string("field-manager", None),
    Flag::string("subresource", None),
    Flag::RECORD,
];

/// The patch types `--type` names, as kubectl lists them.
const TYPES: &str = "[json merge strategic]";

/// The validated command line.
struct Settings {
    patch_type: PatchType,
    /// The patch as JSON.
    patch: Value,
    dry_run: DryRun,
    local: bool,
    field_manager: String,
    change_cause: Option<String>,
}

/// Runs `kubectl patch`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let (parsed, mut out) = match print_flags::parse_changing("patch", rest, FLAGS) {
        Ok(ready) => ready,
        Err(usage) => return *usage,
    };
    let (settings, format) = match settings(ctx, &parsed, &mut out) {
        Ok(ready) => ready,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let request = Request {
        args: &parsed.positionals,
        filenames: parsed.all("filename"),
        recursive: parsed.flag("recursive"),
        namespace: parsed.value("namespace").unwrap_or("default"),
        local: settings.local,
        ..Request::default()
    };
    let infos = match resource_args::fetch(ctx, &request) {
        Ok(infos) => infos,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let mut printer = Printer::new(format, "patched");
    for object in &infos.objects {
        let patched = patch_one(ctx, object, &settings);
        for warning in &patched.warnings {
            out.err(format!("Warning: {warning}"));
        }
        let (object, changed) = match patched.result {
            Ok(done) => done,
            Err(message) => {
                out.fail(message);
                return out;
            }
        };
        // kubectl patch sets the verb after the dry-run suffix was added,
        // so a dry run reads as a real patch.
        printer.set_operation(if changed {
            "patched"
        } else {
            "patched (no change)"
        });
        out.stdout.push_str(&printer.print_object(&object));
    }
    for error in &infos.errors {
        out.fail(error);
    }
    if infos.objects.is_empty() && infos.errors.is_empty() {
        out.fail("error: no objects passed to patch");
    }
    out
}

/// Reads the flags in kubectl's order: the printer and dry run, then the
/// patch's sources and type, then the patch itself. A dry-run warning goes
/// to `out`.
fn settings(
    ctx: &Context<'_>,
    parsed: &Parsed,
    out: &mut Output,
) -> Result<(Settings, Format), String> {
    let (dry_run, warning) = print_flags::parse_dry_run(parsed, ctx.cluster.now())?;
    let format = print_flags::parse_format(parsed)?;
    if let Some(warning) = warning {
        out.err(warning);
    }
    let inline = parsed.value("patch").unwrap_or_default();
    let file = parsed.value("patch-file").unwrap_or_default();
    let local = parsed.flag("local");
    if !inline.is_empty() && !file.is_empty() {
        return Err("error: cannot specify --patch and --patch-file together".into());
    }
    if inline.is_empty() && file.is_empty() {
        return Err(
            "error: must specify --patch or --patch-file containing the contents of the patch"
                .into(),
        );
    }
    if local && !parsed.positionals.is_empty() {
        return Err("error: cannot specify --local and server resources".into());
    }
    if local && dry_run == DryRun::Server {
        return Err(
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?"
                .into(),
        );
    }
    let requested = parsed.value("type").unwrap_or("strategic");
    let patch_type = match requested.to_ascii_lowercase().as_str() {
        "strategic" | "" => PatchType::StrategicMerge,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        _ => {
            return Err(format!(
                "error: --type must be one of {TYPES}, not {requested:?}"
            ))
        }
    };
    let text = if file.is_empty() {
        inline.to_string()
    } else {
        ctx.files.read(file).ok_or_else(|| {
            format!("error: unable to read patch file: open {file}: no such file or directory")
        })?
    };
    let patch =
        patch_as_json(&text).map_err(|why| format!("error: unable to parse {inline:?}: {why}"))?;
    let change_cause = parsed
        .flag("record")
        .then(|| apply::change_cause(&["patch".to_string()], parsed));
    let settings = Settings {
        patch_type,
        patch,
        dry_run,
        local,
        field_manager: parsed
            .value("field-manager")
            .unwrap_or("kubectl-patch")
            .to_string(),
        change_cause,
    };
    Ok((settings, format))
}

/// The patch text (YAML or JSON) as JSON, as kubectl's `yaml.ToJSON` reads it.
fn patch_as_json(text: &str) -> Result<Value, String> {
    let mut documents = decode::parse_documents(text).map_err(|err| err.message())?;
    Ok(match documents.len() {
        0 => Value::Null,
        _ => documents.swap_remove(0),
    })
}

/// What patching one object came to: the server's warnings (unknown
/// fields), and the object with whether it changed, or the error line.
struct Patched {
    warnings: Vec<String>,
    result: Result<(Arc<Object>, bool), String>,
}

/// Patches one object on the server (or, for `--local` and
/// `--dry-run=client`, here).
fn patch_one(ctx: &mut Context<'_>, object: &Arc<Object>, settings: &Settings) -> Patched {
    if settings.local || settings.dry_run == DryRun::Client {
        let result = patch_here(object, settings)
            .map(|patched| {
                let changed = patched.to_value() != object.to_value();
                (Arc::new(patched), changed)
            })
            .map_err(|message| format!("error: {message}"));
        return Patched {
            warnings: Vec::new(),
            result,
        };
    }
    let (patched, warnings) = match patch::patched_object(
        object,
        settings.patch_type,
        &settings.patch,
        FieldValidation::Warn,
    ) {
        Ok(done) => done,
        Err(err) => {
            return Patched {
                warnings: Vec::new(),
                result: Err(format_status(&err, None)),
            }
        }
    };
    let result = write(ctx, object, patched, settings).map_err(|err| format_status(&err, None));
    Patched { warnings, result }
}

/// Stores the patched object (unless it is a server dry run) and records
/// the change cause; returns it and whether it differs from `before`.
fn write(
    ctx: &mut Context<'_>,
    before: &Arc<Object>,
    patched: Object,
    settings: &Settings,
) -> Result<(Arc<Object>, bool), StatusError> {
    let options = WriteOptions {
        dry_run: settings.dry_run == DryRun::Server,
        field_manager: Some(settings.field_manager.clone()),
    };
    let updated = ctx.cluster.update_with(patched, &options)?;
    let changed = *updated != **before;
    if let (Some(cause), DryRun::None) = (&settings.change_cause, settings.dry_run) {
        return Ok((record(ctx, &updated, cause).unwrap_or(updated), changed));
    }
    Ok((updated, changed))
}

/// The patch applied on this side, as `--local` and `--dry-run=client` do.
fn patch_here(object: &Object, settings: &Settings) -> Result<Object, String> {
    let patched = patch::apply(settings.patch_type, &object.to_value(), &settings.patch)
        .map_err(|err| err.message().to_string())?;
    Object::from_value(object.kind(), &patched).map_err(|err| err.to_string())
}

/// `--record`: the change cause, merged into the patched object.
fn record(ctx: &mut Context<'_>, object: &Object, cause: &str) -> Option<Arc<Object>> {
    let mut annotated = object.clone();
    let annotations = annotated
        .metadata_mut()
        .annotations
        .get_or_insert_with(Default::default);
    if annotations.get(CHANGE_CAUSE).map(String::as_str) == Some(cause) {
        return None;
    }
    annotations.insert(CHANGE_CAUSE.to_string(), cause.to_string());
    annotated.metadata_mut().resource_version = None;
    ctx.cluster.update(annotated).ok()
}

//! `kubectl apply -f` (client-side apply with the last-applied
//! configuration and a three-way merge) and `kubectl create -f`.

use std::cell::RefCell;

use serde_json::{json, Value};

use super::args::{self, Flag, Parsed};
use super::errors::{format_status, Verb};
use super::manifests::{read_sources, Source};
use super::print_flags::{self, Printed, Printer};
use super::{merge, usage_error, Context, Output};
use crate::api::decode::{self, DecodeError};
use crate::api::kinds::KindLookup;
use crate::api::{Kind, Object, StatusError};
use crate::apiserver::WriteOptions;

/// The annotation that holds what `apply` last sent.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

const FLAGS: &[Flag] = &[
    Flag::strings("filename", Some('f')),
    Flag::bool("recursive", Some('R')),
    Flag::string("dry-run", None),
    Flag::string("output", Some('o')),
    Flag::string("validate", None),
    Flag::bool("server-side", None),
    Flag::bool("force-conflicts", None),
    Flag::string("field-manager", None),
    Flag::strings("selector", Some('l')),
    Flag::bool("force", None),
    Flag::bool("prune", None),
    Flag::bool("save-config", None),
    Flag::RECORD,
];

/// Whether objects are created only, or created-or-updated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Apply,
    Create,
}

/// Runs `kubectl apply`.
pub fn run(ctx: &mut Context<'_>, rest: &[String], full: &[String]) -> Output {
    run_mode(ctx, rest, full, Mode::Apply)
}

/// Runs `kubectl create -f` (the generators are separate subcommands).
pub fn run_create(ctx: &mut Context<'_>, rest: &[String], full: &[String]) -> Output {
    run_mode(ctx, rest, full, Mode::Create)
}

fn run_mode(ctx: &mut Context<'_>, rest: &[String], full: &[String], mode: Mode) -> Output {
    let command = if mode == Mode::Apply {
        "apply"
    } else {
        "create"
    };
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(command, &e),
    };
    let mut out = Output::default();
    for warning in &parsed.warnings {
        out.err(warning);
    }
    if parsed.all("filename").is_empty() {
        out.fail(format!(
            "error: must specify one of -f and -k\n\nSee 'kubectl {command} -h' for help and examples"
        ));
        return out;
    }
    let dry_run = match parsed.value("dry-run") {
        None | Some("none") => DryRun::None,
        Some("client") | Some("true") => DryRun::Client,
        Some("server") => DryRun::Server,
        Some(other) => {
            out.fail(format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."));
            return out;
        }
    };
    let sources = match read_sources(ctx.files, parsed.all("filename"), parsed.flag("recursive")) {
        Ok(sources) => sources,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let change_cause = parsed.flag("record").then(|| change_cause(full, &parsed));
    let format = match print_flags::parse_format(&parsed) {
        Ok(format) => format,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let settings = Settings {
        mode,
        dry_run,
        namespace: parsed.value("namespace").map(str::to_string),
        change_cause,
        printer: RefCell::new(Printer::new(format, "")),
        server_side: (mode == Mode::Apply && parsed.flag("server-side")).then(|| ServerSide {
            manager: parsed
                .value("field-manager")
                .unwrap_or("kubectl")
                .to_string(),
            force: parsed.flag("force-conflicts"),
        }),
    };
    let mut applied_any = false;
    for source in &sources {
        applied_any |= apply_source(ctx, source, &settings, &mut out);
    }
    if !applied_any && out.exit_code == 0 {
        let command = match mode {
            Mode::Apply => "apply",
            Mode::Create => "create",
        };
        out.fail(format!("error: no objects passed to {command}"));
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DryRun {
    None,
    Client,
    Server,
}

struct Settings {
    mode: Mode,
    dry_run: DryRun,
    namespace: Option<String>,
    change_cause: Option<String>,
    /// `-o`: the default `kind/name created` line, or the object.
    printer: RefCell<Printer>,
    /// `--server-side`: the field manager, and whether conflicts are forced.
    server_side: Option<ServerSide>,
}

/// What `-o` prints of an object: the document as it would be sent
/// (`--dry-run=client`), or the object as the server has it.
enum Shown<'a> {
    Sent(&'a Value),
    Stored(&'a Object),
}

/// How `apply --server-side` applies.
struct ServerSide {
    manager: String,
    force: bool,
}

/// What kubectl adds to a server-side apply's conflicts.
const CONFLICT_ADVICE: &str =
    "Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts";

/// `kubectl` + the command path and arguments + each flag as `--name=value`, sorted by name.
pub fn change_cause(full: &[String], parsed: &Parsed) -> String {
    let mut flags: Vec<(&str, String)> =
        parsed.given.iter().map(|(k, v)| (*k, v.clone())).collect();
    flags.sort_by(|a, b| a.0.cmp(b.0));
    flags.dedup_by(|a, b| a.0 == b.0);
    let mut words = vec![
        "kubectl".to_string(),
        full.first().cloned().unwrap_or_default(),
    ];
    words.extend(parsed.positionals.iter().cloned());
    words.extend(flags.into_iter().map(|(k, v)| format!("--{k}={v}")));
    words.join(" ")
}

fn apply_source(
    ctx: &mut Context<'_>,
    source: &Source,
    settings: &Settings,
    out: &mut Output,
) -> bool {
    let documents = match decode::parse_documents(&source.text) {
        Ok(documents) => documents,
        Err(err @ DecodeError::Syntax { .. }) => {
            out.fail(format!(
                "error: error parsing {}: error converting YAML to JSON: {}",
                source.name,
                err.message()
            ));
            return false;
        }
        Err(other) => {
            out.fail(format!(
                "error: error parsing {}: {}",
                source.name,
                other.message()
            ));
            return false;
        }
    };
    let mut any = false;
    for document in documents {
        any |= apply_document(ctx, source, document, settings, out);
    }
    any
}

fn apply_document(
    ctx: &mut Context<'_>,
    source: &Source,
    mut document: Value,
    settings: &Settings,
    out: &mut Output,
) -> bool {
    let api_version = document
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let kind_name = document
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let name = document
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let missing: Vec<&str> = [
        ("apiVersion not set", api_version.is_empty()),
        ("kind not set", kind_name.is_empty()),
    ]
    .into_iter()
    .filter_map(|(m, is)| is.then_some(m))
    .collect();
    if !missing.is_empty() {
        let listed = if missing.len() == 1 {
            missing[0].to_string()
        } else {
            format!("[{}]", missing.join(", "))
        };
        out.fail(format!(
            "error: error validating \"{}\": error validating data: {listed}; if you choose to ignore these errors, turn validation off with --validate=false",
            source.name
        ));
        return false;
    }
    let kind = match Kind::lookup(&api_version, &kind_name) {
        KindLookup::Known(kind) => kind,
        KindLookup::NotSimulated => {
            let message = DecodeError::NotSimulated { kind: kind_name }.message();
            out.fail(format_status(
                &StatusError::forbidden(message),
                Some((Verb::Creating, &source.name)),
            ));
            return false;
        }
        KindLookup::Unknown => {
            let ns = document
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("");
            out.fail(format!(
                "error: resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{}\": no matches for kind \"{kind_name}\" in version \"{api_version}\"\nensure CRDs are installed first",
                source.name
            ));
            return false;
        }
    };
    let namespace = match resolve_namespace(kind, &document, settings.namespace.as_deref()) {
        Ok(namespace) => namespace,
        Err(message) => {
            out.fail(message);
            return false;
        }
    };
    if kind.is_namespaced() {
        document["metadata"]["namespace"] = json!(namespace);
    }
    if let Some(cause) = &settings.change_cause {
        annotations(&mut document).insert("kubernetes.io/change-cause".into(), json!(cause));
    }
    if let Some(server_side) = &settings.server_side {
        return apply_server_side(ctx, kind, &namespace, &document, server_side, settings, out);
    }
    if settings.mode == Mode::Apply {
        let last_applied = last_applied_text(&document);
        annotations(&mut document).insert(LAST_APPLIED.into(), json!(last_applied));
    }
    let suffix = match settings.dry_run {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    };
    let report = |out: &mut Output, verb: &str, shown: Shown<'_>| {
        let mut printer = settings.printer.borrow_mut();
        printer.set_operation(format!("{verb}{suffix}"));
        let text = match shown {
            Shown::Sent(value) => printer.print(&Printed {
                kind,
                name: &name,
                value,
                typed: false,
            }),
            Shown::Stored(object) => printer.print_object(object),
        };
        out.stdout.push_str(&text);
    };
    let live = match settings.mode {
        Mode::Apply => ctx
            .cluster
            .api()
            .store()
            .find(kind, &namespace, &name)
            .cloned(),
        Mode::Create => None,
    };
    match live {
        None => create(ctx, source, kind, &document, settings, out, report),
        Some(live) => configure(ctx, source, kind, &live, &document, settings, out, report),
    }
}

/// `apply --server-side`: the API server merges the document as the
/// field manager's (`serverside-applied`), or refuses its conflicts.
fn apply_server_side(
    ctx: &mut Context<'_>,
    kind: Kind,
    namespace: &str,
    document: &Value,
    server_side: &ServerSide,
    settings: &Settings,
    out: &mut Output,
) -> bool {
    let options = WriteOptions {
        dry_run: settings.dry_run != DryRun::None,
        field_manager: Some(server_side.manager.clone()),
    };
    let applied = ctx.cluster.server_side_apply(
        kind,
        namespace,
        document,
        &server_side.manager,
        server_side.force,
        &options,
    );
    match applied {
        Ok((applied, _)) => {
            let suffix = match settings.dry_run {
                DryRun::None => "",
                DryRun::Client | DryRun::Server => " (server dry run)",
            };
            let mut printer = settings.printer.borrow_mut();
            printer.set_operation(format!("serverside-applied{suffix}"));
            out.stdout.push_str(&printer.print_object(&applied));
        }
        Err(err) if err.code() == 409 => {
            out.fail(format!("error: {}\n{CONFLICT_ADVICE}", err.message()));
            return false;
        }
        Err(err) => {
            out.fail(format!("error: {}", err.message()));
            return false;
        }
    }
    true
}

#[allow(clippy::too_many_arguments)]
fn create(
    ctx: &mut Context<'_>,
    source: &Source,
    kind: Kind,
    document: &Value,
    settings: &Settings,
    out: &mut Output,
    report: impl Fn(&mut Output, &str, Shown<'_>),
) -> bool {
    let object = match decode::decode_strict(kind, document) {
        Ok(object) => object,
        Err(err) => {
            out.fail(format_status(
                &StatusError::bad_request(err.message()),
                Some((Verb::Creating, &source.name)),
            ));
            return false;
        }
    };
    if settings.dry_run == DryRun::Client {
        report(out, "created", Shown::Sent(document));
        return true;
    }
    let options = WriteOptions {
        dry_run: settings.dry_run == DryRun::Server,
        field_manager: Some(
            if settings.mode == Mode::Apply {
                "kubectl-client-side-apply"
            } else {
                "kubectl-create"
            }
            .into(),
        ),
    };
    match ctx.cluster.create_with(object, &options) {
        Ok(created) => {
            report(out, "created", Shown::Stored(&created));
            true
        }
        Err(err) => {
            out.fail(format_status(&err, Some((Verb::Creating, &source.name))));
            false
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn configure(
    ctx: &mut Context<'_>,
    source: &Source,
    kind: Kind,
    live: &Object,
    document: &Value,
    settings: &Settings,
    out: &mut Output,
    report: impl Fn(&mut Output, &str, Shown<'_>),
) -> bool {
    let live_value = live.to_value();
    let previous = live
        .metadata()
        .annotations
        .as_ref()
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(|text| serde_json::from_str::<Value>(text).ok());
    if previous.is_none() {
        out.err(format!(
            "Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
            kind.qualified_plural(),
            live.name()
        ));
    }
    let merged = merge::three_way(
        &live_value,
        previous.as_ref().unwrap_or(&Value::Null),
        document,
    );
    if merged == live_value {
        report(out, "unchanged", Shown::Stored(live));
        return true;
    }
    let mut object = match decode::decode_strict(kind, &merged) {
        Ok(object) => object,
        Err(DecodeError::UnknownFields { fields, .. }) => {
            // The API server refuses the patch kubectl sent, quoting it.
            let patch = merge::three_way_patch(
                &live_value,
                previous.as_ref().unwrap_or(&Value::Null),
                document,
            );
            let unknown: Vec<String> = fields
                .iter()
                .map(|f| format!("unknown field {:?}", f.path))
                .collect();
            let quoted = format!("{:?}", crate::apiserver::patch::go_value_text(&patch));
            let err = crate::apiserver::patch::strict_patch_error(
                crate::apiserver::patch::PatchType::StrategicMerge,
                &quoted,
                &unknown,
            );
            out.fail(format_status(&err, Some((Verb::Patching, &source.name))));
            return false;
        }
        Err(err) => {
            out.fail(format!(
                "Error from server (BadRequest): error when patching \"{}\": {}",
                source.name,
                err.message()
            ));
            return false;
        }
    };
    if settings.dry_run == DryRun::Client {
        report(out, "configured", Shown::Sent(&merged));
        return true;
    }
    object.metadata_mut().resource_version = live.metadata().resource_version.clone();
    let options = WriteOptions {
        dry_run: settings.dry_run == DryRun::Server,
        field_manager: Some("kubectl-client-side-apply".into()),
    };
    match ctx.cluster.update_with(object, &options) {
        Ok(updated) => {
            report(out, "configured", Shown::Stored(&updated));
            true
        }
        Err(err) => {
            out.fail(format_status(&err, Some((Verb::Patching, &source.name))));
            false
        }
    }
}

fn annotations(document: &mut Value) -> &mut serde_json::Map<String, Value> {
    let metadata = document
        .as_object_mut()
        .map(|m| m.entry("metadata").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut);
    let Some(metadata) = metadata else {
        unreachable_document()
    };
    let annotations = metadata.entry("annotations").or_insert_with(|| json!({}));
    if !annotations.is_object() {
        *annotations = json!({});
    }
    match annotations.as_object_mut() {
        Some(map) => map,
        None => unreachable_document(),
    }
}

fn unreachable_document() -> ! {
    // Documents reaching here are JSON objects with an object `metadata`.
    panic!("a manifest document is not an object")
}

/// The annotation's text: the submitted object as compact JSON with sorted
/// keys, without the annotation itself, and a trailing newline.
fn last_applied_text(document: &Value) -> String {
    let mut copy = document.clone();
    let _ = annotations(&mut copy);
    if let Some(map) = copy
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        map.remove(LAST_APPLIED);
    }
    format!("{}\n", serde_json::to_string(&copy).unwrap_or_default())
}

fn resolve_namespace(kind: Kind, document: &Value, flag: Option<&str>) -> Result<String, String> {
    if !kind.is_namespaced() {
        return Ok(String::new());
    }
    let own = document
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    match (own, flag) {
        (Some(own), Some(flag)) if own != flag => Err(format!(
            "error: the namespace from the provided object \"{own}\" does not match the namespace \"{flag}\". You must pass '--namespace={own}' to perform this operation."
        )),
        (Some(own), _) => Ok(own.to_string()),
        (None, Some(flag)) => Ok(flag.to_string()),
        (None, None) => Ok("default".to_string()),
    }
}

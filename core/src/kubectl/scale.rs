//! `kubectl scale`: sets `spec.replicas` of Deployments and ReplicaSets
//! named as `TYPE NAME`, `TYPE/NAME`, `-l`, `--all` or `-f`, with the
//! `--current-replicas` and `--resource-version` preconditions, and prints
//! `deployment.apps/echo scaled`.
//!
//! As kubectl 1.32 does, `-o yaml` prints the object as it was fetched,
//! before the new size.

use super::args::{ArgError, Flag, Parsed};
use super::errors::format_status;
use super::print_flags::{self, DryRun, Printer};
use super::resource_args::{self, Request};
use super::{apply, usage_error, Context, Output};
use crate::api::{Object, StatusError};
use crate::apiserver::WriteOptions;
use crate::controllers::deployment::util::CHANGE_CAUSE;

const FLAGS: &[Flag] = &[
    Flag::string("replicas", None),
    Flag::string("current-replicas", None),
    Flag::string("resource-version", None),
    Flag::bool("all", None),
    Flag::string("selector", Some('l')),
    Flag::strings("filename", Some('f')),
    Flag::string("kustomize", Some('k')),
    Flag::bool("recursive", Some('R')),
    Flag::string("output", Some('o')),
    Flag::string("dry-run", None),
    Flag::string("timeout", None),
    Flag::string("template", None),
    Flag::bool("show-managed-fields", None),
    Flag::bool("allow-missing-template-keys", None),
    Flag::RECORD,
];

/// The validated command line.
struct Settings {
    replicas: i64,
    current: i64,
    resource_version: Option<String>,
    dry_run: DryRun,
    change_cause: Option<String>,
}

/// Runs `kubectl scale`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let (parsed, mut out) = match print_flags::parse_changing("scale", rest, FLAGS) {
        Ok(ready) => ready,
        Err(usage) => return *usage,
    };
    let (settings, mut printer) = match settings(ctx, &parsed, &mut out) {
        Ok(ready) => ready,
        Err(early) => return early.map_or(out, |o| *o),
    };
    let namespace = parsed.value("namespace").unwrap_or("default");
    let request = Request {
        args: &parsed.positionals,
        selector: parsed.value("selector"),
        all: parsed.flag("all"),
        filenames: parsed.all("filename"),
        recursive: parsed.flag("recursive"),
        namespace,
        ..Request::default()
    };
    let infos = match resource_args::fetch(ctx, &request) {
        Ok(infos) => infos,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    if settings.resource_version.is_some() && infos.objects.len() > 1 {
        out.fail("error: cannot use --resource-version with multiple resources");
        return out;
    }
    if infos.objects.is_empty() {
        fail_all(&mut out, &infos.errors, "error: no objects passed to scale");
        return out;
    }
    for object in &infos.objects {
        if let Err(message) = scale_one(ctx, object, &settings) {
            out.fail(message);
            return out;
        }
        out.stdout.push_str(&printer.print_object(object));
    }
    for error in &infos.errors {
        out.fail(error);
    }
    out
}

/// Prints the builder's per-object errors, or `fallback` when there are none.
fn fail_all(out: &mut Output, errors: &[String], fallback: &str) {
    if errors.is_empty() {
        out.fail(fallback);
    }
    for error in errors {
        out.fail(error);
    }
}

/// Checks the flags in kubectl's order: required, then the printer and
/// dry run, then the counts. `Err(Some(out))` ends the command with a
/// usage error; `Err(None)` with what `out` already holds.
fn settings(
    ctx: &Context<'_>,
    parsed: &Parsed,
    out: &mut Output,
) -> Result<(Settings, Printer), Option<Box<Output>>> {
    let int = |long: &str| {
        print_flags::int_flag(parsed, long, &format!("--{long}"), 64)
            .map_err(|e| Some(Box::new(usage_error("scale", &ArgError(e)))))
    };
    let replicas = int("replicas")?;
    let current = int("current-replicas")?.unwrap_or(-1);
    let now = ctx.cluster.now();
    let Some(replicas) = replicas else {
        out.fail(print_flags::required_flag_error(now, "replicas"));
        return Err(None);
    };
    let (dry_run, warning) = print_flags::parse_dry_run(parsed, now).map_err(|m| {
        out.fail(m);
        None
    })?;
    let format = print_flags::parse_format(parsed).map_err(|m| {
        out.fail(m);
        None
    })?;
    if let Some(warning) = warning {
        out.err(warning);
    }
    if replicas < 0 {
        out.fail("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
        return Err(None);
    }
    if current < -1 {
        out.fail("error: The --current-replicas must specify an integer of -1 or greater");
        return Err(None);
    }
    let change_cause = parsed
        .flag("record")
        .then(|| apply::change_cause(&["scale".to_string()], parsed));
    let settings = Settings {
        replicas,
        current,
        resource_version: parsed
            .value("resource-version")
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        dry_run,
        change_cause,
    };
    let printer = Printer::new(format, format!("scaled{}", dry_run.suffix()));
    Ok((settings, printer))
}

/// The object's size, when it has a scale subresource.
fn current_replicas(object: &Object) -> Option<i32> {
    match object {
        Object::Deployment(d) => Some(d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)),
        Object::ReplicaSet(rs) => Some(rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)),
        _ => None,
    }
}

/// Sets the new size through the API server, after the preconditions.
fn scale_one(ctx: &mut Context<'_>, object: &Object, settings: &Settings) -> Result<(), String> {
    if settings.dry_run == DryRun::Client {
        return Ok(());
    }
    let Some(size) = current_replicas(object) else {
        return Err(
            "Error from server (NotFound): the server could not find the requested resource".into(),
        );
    };
    if settings.current != -1 && i64::from(size) != settings.current {
        return Err(format!(
            "error: Expected replicas to be {}, was {size}",
            settings.current
        ));
    }
    let live_version = object
        .metadata()
        .resource_version
        .clone()
        .unwrap_or_default();
    if let Some(wanted) = &settings.resource_version {
        if *wanted != live_version {
            return Err(format!(
                "error: Expected resource version to be {wanted}, was {live_version}"
            ));
        }
    }
    let mut updated = with_replicas(object, settings.replicas);
    updated.metadata_mut().resource_version = None;
    let options = WriteOptions {
        dry_run: settings.dry_run == DryRun::Server,
        field_manager: Some("kubectl-scale".into()),
    };
    ctx.cluster
        .update_with(updated, &options)
        .map_err(|err| format_status(&err, None))?;
    if let (Some(cause), DryRun::None) = (&settings.change_cause, settings.dry_run) {
        record(ctx, object, cause);
    }
    Ok(())
}

fn with_replicas(object: &Object, replicas: i64) -> Object {
    let replicas = i32::try_from(replicas).unwrap_or(i32::MAX);
    let mut updated = object.clone();
    match &mut updated {
        Object::Deployment(d) => {
            d.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        Object::ReplicaSet(rs) => {
            rs.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        _ => {}
    }
    updated
}

/// `--record`: a second write with the change cause; its failure is only logged by kubectl.
fn record(ctx: &mut Context<'_>, object: &Object, cause: &str) {
    let Ok(live) = ctx
        .cluster
        .api()
        .get(object.kind(), object.namespace(), object.name())
    else {
        return;
    };
    let mut annotated = Object::clone(&live);
    annotated
        .metadata_mut()
        .annotations
        .get_or_insert_with(Default::default)
        .insert(CHANGE_CAUSE.to_string(), cause.to_string());
    annotated.metadata_mut().resource_version = None;
    let _: Result<_, StatusError> = ctx.cluster.update(annotated);
}

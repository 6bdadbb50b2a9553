//! `kubectl delete`: by type and names, `TYPE/NAME`, `-f`, `-l` or `--all`,
//! with grace periods, cascading, and waiting until the objects are gone.

use super::args::{self, Flag, Parsed};
use super::errors::{format_status, Verb};
use super::manifests::read_sources;
use super::resource_args::{self, kind_of, MISSING_RESOURCE};
use super::{usage_error, Context, Output};
use crate::api::decode;
use crate::api::Kind;
use crate::apiserver::{DeleteOptions, Propagation};
use crate::store::ObjectKey;

const FLAGS: &[Flag] = &[
    Flag::strings("filename", Some('f')),
    Flag::bool("recursive", Some('R')),
    Flag::strings("selector", Some('l')),
    Flag::string("field-selector", None),
    Flag::bool("all", None),
    Flag::bool("all-namespaces", Some('A')),
    Flag::string("grace-period", None),
    Flag::bool("now", None),
    Flag::bool("force", None),
    Flag::string("cascade", None),
    Flag::string("wait", None),
    Flag::string("timeout", None),
    Flag::string("output", Some('o')),
    Flag::bool("ignore-not-found", None),
    Flag::string("dry-run", None),
];

/// One object to delete, and the file it came from, if any.
struct Target {
    key: ObjectKey,
    file: Option<String>,
}

/// Runs `kubectl delete`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("delete", &e),
    };
    let mut out = Output::default();
    let options = match delete_options(&parsed) {
        Ok(options) => options,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    if let Some(message) = selector_conflict(&parsed) {
        out.fail(message);
        return out;
    }
    if parsed.flag("force") && options.grace_period_seconds == Some(0) {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let targets = if parsed.all("filename").is_empty() {
        targets_from_args(ctx, &parsed, &namespace, &mut out)
    } else {
        targets_from_files(ctx, &parsed, &namespace, &mut out)
    };
    let Some(targets) = targets else { return out };
    let ignore_missing = parsed.flag("ignore-not-found");
    let mut deleted = Vec::new();
    for target in targets {
        match ctx.cluster.delete(&target.key, &options) {
            Ok(_) => {
                let forced = if options.grace_period_seconds == Some(0) && parsed.flag("force") {
                    "force deleted"
                } else {
                    "deleted"
                };
                if parsed.value("output") == Some("name") {
                    out.out(format!(
                        "{}/{}",
                        target.key.kind.qualified_singular(),
                        target.key.name
                    ));
                } else {
                    out.out(format!(
                        "{} \"{}\" {forced}",
                        target.key.kind.qualified_singular(),
                        target.key.name
                    ));
                }
                deleted.push(target.key);
            }
            Err(err) if err.reason() == "NotFound" && ignore_missing => {}
            Err(err) => {
                let source = target.file.as_deref().map(|f| (Verb::Deleting, f));
                out.fail(format_status(&err, source));
            }
        }
    }
    if parsed.value("wait") != Some("false") {
        wait_until_gone(ctx, &deleted);
    }
    out
}

/// `--all` with a selector, refused as kubectl's `Validate` refuses it.
fn selector_conflict(parsed: &Parsed) -> Option<&'static str> {
    if !parsed.flag("all") {
        return None;
    }
    if !parsed.all("selector").is_empty() {
        return Some("error: cannot set --all and --selector at the same time");
    }
    parsed
        .value("field-selector")
        .filter(|f| !f.is_empty())
        .map(|_| "error: cannot set --all and --field-selector at the same time")
}

fn delete_options(parsed: &Parsed) -> Result<DeleteOptions, String> {
    let propagation = match parsed.value("cascade") {
        None | Some("background") | Some("true") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan") | Some("false") => Propagation::Orphan,
        Some(other) => {
            return Err(format!("error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""))
        }
    };
    let grace = match (parsed.flag("now"), parsed.value("grace-period")) {
        (true, _) => Some(1),
        (false, Some(text)) => {
            let value: i64 = text.parse().map_err(|_| {
                format!("error: invalid argument \"{text}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax")
            })?;
            if value < 0 {
                None
            } else if value == 0 && !parsed.flag("force") {
                Some(1)
            } else {
                Some(value)
            }
        }
        (false, None) => None,
    };
    Ok(DeleteOptions {
        grace_period_seconds: grace,
        propagation: Some(propagation),
        ..DeleteOptions::default()
    })
}

fn targets_from_args(
    ctx: &Context<'_>,
    parsed: &Parsed,
    namespace: &str,
    out: &mut Output,
) -> Option<Vec<Target>> {
    let Some((first, names)) = parsed.positionals.split_first() else {
        out.fail(MISSING_RESOURCE);
        return None;
    };
    let mut targets = Vec::new();
    if first.contains('/') {
        for arg in &parsed.positionals {
            let (kind, name) = arg.split_once('/').unwrap_or((arg, ""));
            let kind = resolve(kind, out)?;
            targets.push(Target {
                key: ObjectKey::new(kind, namespace, name),
                file: None,
            });
        }
        return Some(targets);
    }
    let kinds: Vec<Kind> = first
        .split(',')
        .map(|k| resolve(k, out))
        .collect::<Option<_>>()?;
    let selector = parsed.all("selector").join(",");
    let fields = parsed.value("field-selector").unwrap_or_default();
    let selected = !selector.is_empty() || !fields.is_empty();
    if names.is_empty() && !selected && !parsed.flag("all") {
        out.fail("error: resource(s) were provided, but no name was specified");
        return None;
    }
    if names.is_empty() {
        return targets_by_selector(ctx, parsed, namespace, &selector, fields, out);
    }
    if selected {
        out.fail("error: name cannot be provided when a selector is specified");
        return None;
    }
    for kind in kinds {
        targets.extend(names.iter().map(|n| Target {
            key: ObjectKey::new(kind, namespace, n.clone()),
            file: None,
        }));
    }
    Some(targets)
}

/// `TYPE -l SELECTOR`, `TYPE --field-selector SELECTOR` or `TYPE --all`:
/// every object they select, terminating ones too (kubectl asks to delete
/// them again).
fn targets_by_selector(
    ctx: &Context<'_>,
    parsed: &Parsed,
    namespace: &str,
    selector: &str,
    fields: &str,
    out: &mut Output,
) -> Option<Vec<Target>> {
    let request = resource_args::Request {
        args: &parsed.positionals,
        selector: Some(selector),
        field_selector: Some(fields),
        all: parsed.flag("all"),
        namespace,
        all_namespaces: parsed.flag("all-namespaces"),
        ..resource_args::Request::default()
    };
    let infos = match resource_args::fetch(ctx, &request) {
        Ok(infos) => infos,
        Err(message) => {
            out.fail(message);
            return None;
        }
    };
    if infos.objects.is_empty() {
        out.out("No resources found");
    }
    Some(
        infos
            .objects
            .iter()
            .map(|o| Target {
                key: ObjectKey::of(o),
                file: None,
            })
            .collect(),
    )
}

fn resolve(arg: &str, out: &mut Output) -> Option<Kind> {
    kind_of(arg).map_err(|message| out.fail(message)).ok()
}

fn targets_from_files(
    ctx: &Context<'_>,
    parsed: &Parsed,
    namespace: &str,
    out: &mut Output,
) -> Option<Vec<Target>> {
    let sources = match read_sources(ctx.files, parsed.all("filename"), parsed.flag("recursive")) {
        Ok(sources) => sources,
        Err(message) => {
            out.fail(message);
            return None;
        }
    };
    let mut targets = Vec::new();
    for source in sources {
        let objects = match decode::decode_manifests(&source.text) {
            Ok(objects) => objects,
            Err(err) => {
                out.fail(format!(
                    "error: error parsing {}: {}",
                    source.name,
                    err.message()
                ));
                return None;
            }
        };
        for object in objects {
            let ns = Some(object.namespace())
                .filter(|n| !n.is_empty())
                .unwrap_or(namespace);
            targets.push(Target {
                key: ObjectKey::new(object.kind(), ns, object.name()),
                file: Some(source.name.clone()),
            });
        }
    }
    if targets.is_empty() {
        out.out("No resources found");
    }
    Some(targets)
}

/// Runs the clock until every deleted object is gone (graceful pods take their time).
fn wait_until_gone(ctx: &mut Context<'_>, keys: &[ObjectKey]) {
    let present = |ctx: &Context<'_>| {
        keys.iter()
            .any(|k| ctx.cluster.api().store().get(k).is_some())
    };
    for _ in 0..3600 {
        if !present(ctx) {
            return;
        }
        ctx.cluster.advance(1_000);
    }
}

//! `kubectl label` and `kubectl annotate`: `KEY=VALUE` sets, `KEY-`
//! removes, `--overwrite` allows replacing, `--list` shows, `--resource-version`
//! adds a precondition; objects are named as the resource builder reads
//! them (`TYPE NAME`, `TYPE/NAME`, `-l`, `--all`, `-A`, `-f`).
//!
//! kubectl's quirks are kept: `label` reports `labeled`, `unlabeled` or
//! `not labeled` by comparing the object before and after (so removing a
//! label without `--overwrite` says `unlabeled`, and its `-o yaml` shows
//! the object as kubectl changed it, not the server's answer), and its
//! success line never says `(dry run)`; `annotate` always says `annotated`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::args::{Flag, Parsed};
use super::errors::format_status;
use super::print_flags::{self, DryRun, Failure, Format, Printed, Printer};
use super::resource_args::{self, Request};
use super::{apply, Context, Output};
use crate::api::Object;
use crate::apiserver::WriteOptions;
use crate::controllers::deployment::util::CHANGE_CAUSE;

const FLAGS: &[Flag] = &[
    Flag::bool("overwrite", None),
    Flag::bool("list", None),
    Flag::bool("local", None),
    Flag::string("field-selector", None),
    Flag::bool("all", None),
    Flag::bool("all-namespaces", Some('A')),
    Flag::string("resource-version", None),
    Flag::strings("filename", Some('f')),
    Flag::string("kustomize", Some('k')),
    Flag::bool("recursive", Some('R')),
    Flag::string("dry-run", None),
    Flag::string("field-manager", None),
    Flag::string("selector", Some('l')),
    Flag::string("output", Some('o')),
    Flag::string("template", None),
    Flag::bool("show-managed-fields", None),
    Flag::bool("allow-missing-template-keys", None),
    Flag::RECORD,
];

/// Which map of the metadata the command edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Label,
    Annotate,
}

impl Mode {
    fn command(self) -> &'static str {
        match self {
            Mode::Label => "label",
            Mode::Annotate => "annotate",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Mode::Label => "label",
            Mode::Annotate => "annotation",
        }
    }

    fn map(self, object: &Object) -> Option<&BTreeMap<String, String>> {
        match self {
            Mode::Label => object.metadata().labels.as_ref(),
            Mode::Annotate => object.metadata().annotations.as_ref(),
        }
    }

    fn map_mut(self, object: &mut Object) -> &mut Option<BTreeMap<String, String>> {
        match self {
            Mode::Label => &mut object.metadata_mut().labels,
            Mode::Annotate => &mut object.metadata_mut().annotations,
        }
    }
}

/// The keys to set and to remove.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Changes {
    set: BTreeMap<String, String>,
    remove: Vec<String>,
}

/// What the command line asks for, checked.
struct Settings {
    mode: Mode,
    changes: Changes,
    overwrite: bool,
    list: bool,
    local: bool,
    dry_run: DryRun,
    resource_version: Option<String>,
    change_cause: Option<String>,
    /// Parsed up front by `annotate`; `label` only finds a bad `-o` when printing.
    format: Result<Format, String>,
}

/// Runs `kubectl label`.
pub fn run_label(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    run(ctx, rest, Mode::Label)
}

/// Runs `kubectl annotate`.
pub fn run_annotate(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    run(ctx, rest, Mode::Annotate)
}

fn run(ctx: &mut Context<'_>, rest: &[String], mode: Mode) -> Output {
    let (parsed, mut out) = match print_flags::parse_changing(mode.command(), rest, FLAGS) {
        Ok(ready) => ready,
        Err(usage) => return *usage,
    };
    let (settings, resources) = match complete(ctx, &parsed, mode, &mut out) {
        Ok(ready) => ready,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    if let Err(message) = validate(&parsed, &settings, &resources) {
        out.fail(message);
        return out;
    }
    let request = Request {
        args: &resources,
        selector: parsed.value("selector"),
        field_selector: parsed.value("field-selector"),
        all: parsed.flag("all"),
        filenames: parsed.all("filename"),
        recursive: parsed.flag("recursive"),
        namespace: parsed.value("namespace").unwrap_or("default"),
        all_namespaces: parsed.flag("all-namespaces"),
        local: settings.local,
    };
    let infos = match resource_args::fetch(ctx, &request) {
        Ok(infos) => infos,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    if !infos.single && settings.resource_version.is_some() {
        out.fail("error: --resource-version may only be used with a single resource");
        return out;
    }
    let mut failures: Vec<Failure> = infos.errors.iter().cloned().map(Failure::Api).collect();
    let mut printer = None;
    for object in &infos.objects {
        let visited = visit(ctx, object, &settings, infos.single, &mut printer, &mut out);
        if let Err(failure) = visited {
            failures.push(failure);
        }
    }
    print_flags::print_failures(&mut out, &failures);
    out
}

/// kubectl's `Complete`: the dry run, the printer (for `annotate`), the
/// pairs, and `--list` against `-o`. Returns the settings and the resource arguments.
fn complete(
    ctx: &Context<'_>,
    parsed: &Parsed,
    mode: Mode,
    out: &mut Output,
) -> Result<(Settings, Vec<String>), String> {
    let (dry_run, warning) = print_flags::parse_dry_run(parsed, ctx.cluster.now())?;
    let format = print_flags::parse_format(parsed);
    if mode == Mode::Annotate {
        format.clone()?;
    }
    if let Some(warning) = warning {
        out.err(warning);
    }
    let list = parsed.flag("list");
    let output_given = parsed.value("output").is_some_and(|o| !o.is_empty());
    if mode == Mode::Annotate && list && output_given {
        return Err("error: --list and --output may not be specified together".into());
    }
    let (resources, pairs) = split_pairs(&parsed.positionals, mode.noun())?;
    let changes = match mode {
        Mode::Label => parse_labels(&pairs)?,
        Mode::Annotate => parse_annotations(&pairs)?,
    };
    if mode == Mode::Label && list && output_given {
        return Err("error: --list and --output may not be specified together".into());
    }
    let change_cause = parsed
        .flag("record")
        .then(|| apply::change_cause(&[mode.command().to_string()], parsed));
    let settings = Settings {
        mode,
        changes,
        overwrite: parsed.flag("overwrite"),
        list,
        local: parsed.flag("local"),
        dry_run,
        resource_version: parsed
            .value("resource-version")
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        change_cause,
        format,
    };
    Ok((settings, resources))
}

/// kubectl's `Validate`.
fn validate(parsed: &Parsed, settings: &Settings, resources: &[String]) -> Result<(), String> {
    let all = parsed.flag("all");
    let given = |long: &str| parsed.value(long).is_some_and(|v| !v.is_empty());
    if all && given("selector") {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    if all && given("field-selector") {
        return Err("error: cannot set --all and --field-selector at the same time".into());
    }
    let files = parsed.all("filename");
    let example = match settings.mode {
        Mode::Label => "-f pod.yaml or --filename=pod.json",
        Mode::Annotate => "-f rsrc.yaml or --filename=rsrc.json",
    };
    if settings.local {
        if settings.dry_run == DryRun::Server {
            return Err("error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?".into());
        }
        if !resources.is_empty() {
            return Err(format!(
                "error: can only use local files by {example} when --local=true is set"
            ));
        }
        if files.is_empty() {
            return Err(format!(
                "error: one or more files must be specified as {example}"
            ));
        }
    } else if resources.is_empty() && files.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    let changes = &settings.changes;
    if changes.set.is_empty() && changes.remove.is_empty() && !settings.list {
        return Err(format!(
            "error: at least one {} update is required",
            settings.mode.noun()
        ));
    }
    if settings.mode == Mode::Annotate {
        let both: Vec<&str> = changes
            .remove
            .iter()
            .filter(|k| changes.set.contains_key(*k))
            .map(String::as_str)
            .collect();
        if !both.is_empty() {
            return Err(format!("error: can not both modify and remove the following annotation(s) in the same command: {}", both.join(", ")));
        }
    }
    Ok(())
}

/// `cmdutil.GetResourcesAndPairs`: resources first, then `KEY=VALUE` or `KEY-`.
fn split_pairs(args: &[String], noun: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for arg in args {
        let is_pair =
            (arg.contains('=') && !arg.starts_with('=')) || (arg.ends_with('-') && arg != "-");
        match (is_pair, pairs.is_empty()) {
            (true, _) => pairs.push(arg.clone()),
            (false, true) => resources.push(arg.clone()),
            (false, false) => {
                return Err(format!(
                    "error: all resources must be specified before {noun} changes: {arg}"
                ))
            }
        }
    }
    Ok((resources, pairs))
}

/// `label`'s own parser: one `=` at most, values checked as label values.
fn parse_labels(pairs: &[String]) -> Result<Changes, String> {
    let mut changes = Changes::default();
    for pair in pairs {
        if pair.contains('=') {
            let parts: Vec<&str> = pair.split('=').collect();
            let [key, value] = parts.as_slice() else {
                return Err(format!("error: invalid label spec: {pair}"));
            };
            if let Some(problems) = label_value_problems(value) {
                return Err(format!(
                    "error: invalid label value: \"{pair}\": {problems}"
                ));
            }
            changes.set.insert(key.to_string(), value.to_string());
        } else if let Some(key) = pair.strip_suffix('-') {
            changes.remove.push(key.to_string());
        } else {
            return Err(format!("error: unknown label spec: {pair}"));
        }
    }
    if changes.remove.iter().any(|k| changes.set.contains_key(k)) {
        return Err("error: can not both modify and remove a label in the same command".into());
    }
    Ok(changes)
}

/// `cmdutil.ParsePairs` for annotations: the value is everything after the first `=`.
fn parse_annotations(pairs: &[String]) -> Result<Changes, String> {
    let mut changes = Changes::default();
    let mut invalid = Vec::new();
    for pair in pairs {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                changes.set.insert(key.to_string(), value.to_string());
            }
            _ => match pair.strip_suffix('-').filter(|_| pair != "-") {
                Some(key) => changes.remove.push(key.to_string()),
                None => invalid.push(pair.as_str()),
            },
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "error: invalid annotation format: {}",
            invalid.join(", ")
        ));
    }
    Ok(changes)
}

/// `validation.IsValidLabelValue`: why `value` is not a label value, if it is not.
fn label_value_problems(value: &str) -> Option<String> {
    let mut problems = Vec::new();
    if value.len() > 63 {
        problems.push("must be no more than 63 characters".to_string());
    }
    let bytes = value.as_bytes();
    let edge_ok = |b: &u8| b.is_ascii_alphanumeric();
    let valid = value.is_empty()
        || (bytes.first().is_some_and(edge_ok)
            && bytes.last().is_some_and(edge_ok)
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')));
    if !valid {
        problems.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string());
    }
    (!problems.is_empty()).then(|| problems.join(";"))
}

/// Applies the changes to one object: locally for `--dry-run=client`,
/// `--local` and `--list`, through the API server otherwise; then lists or prints.
fn visit(
    ctx: &mut Context<'_>,
    object: &Arc<Object>,
    settings: &Settings,
    single: bool,
    printer: &mut Option<Printer>,
    out: &mut Output,
) -> Result<(), Failure> {
    let mode = settings.mode;
    let mut before = Object::clone(object);
    if settings.resource_version.is_some() {
        before.metadata_mut().resource_version = None;
    }
    let local_only = settings.dry_run == DryRun::Client || settings.local || settings.list;
    if !local_only && mode == Mode::Label {
        for key in &settings.changes.remove {
            if mode.map(&before).is_none_or(|m| !m.contains_key(key)) {
                out.out(format!("label \"{key}\" not found."));
            }
        }
    }
    let mut after = before.clone();
    if mode == Mode::Annotate && !local_only {
        record(&mut after, settings);
    }
    apply_changes(&mut after, settings)?;
    if mode == Mode::Label && !local_only {
        record(&mut after, settings);
    }
    let changed = change_message(&before, &after, settings);
    let shown = if local_only {
        after
    } else {
        let answer = send(ctx, &after, settings)?;
        match mode {
            Mode::Label => after,
            Mode::Annotate => answer,
        }
    };
    if settings.list {
        list(out, mode, &shown, single);
        return Ok(());
    }
    print(out, &shown, settings, &changed, printer)
}

/// Sets and removes the keys, refusing to replace a value without `--overwrite`.
fn apply_changes(object: &mut Object, settings: &Settings) -> Result<(), Failure> {
    let mode = settings.mode;
    let changes = &settings.changes;
    if !settings.overwrite {
        let existing = mode.map(object).cloned().unwrap_or_default();
        let clashes: Vec<(&String, &String)> = changes
            .set
            .keys()
            .filter(|k| mode == Mode::Label || k.as_str() != CHANGE_CAUSE)
            .filter_map(|k| existing.get_key_value(k))
            .collect();
        match mode {
            Mode::Label if !clashes.is_empty() => {
                return Err(Failure::Many(
                    clashes
                        .iter()
                        .map(|(k, v)| {
                            format!("'{k}' already has a value ({v}), and --overwrite is false")
                        })
                        .collect(),
                ))
            }
            Mode::Annotate if !clashes.is_empty() => {
                let listed: Vec<String> = clashes
                    .iter()
                    .map(|(k, v)| format!("'{k}' already has a value ({v})"))
                    .collect();
                return Err(Failure::Plain(format!(
                    "--overwrite is false but found the following declared annotation(s): {}",
                    listed.join("; ")
                )));
            }
            _ => {}
        }
    }
    let map = mode.map_mut(object).get_or_insert_with(BTreeMap::new);
    for (key, value) in &changes.set {
        map.insert(key.clone(), value.clone());
    }
    for key in &changes.remove {
        map.remove(key);
    }
    if let Some(version) = &settings.resource_version {
        object.metadata_mut().resource_version = Some(version.clone());
    }
    Ok(())
}

/// `--record`: the change cause joins the object's annotations.
fn record(object: &mut Object, settings: &Settings) {
    if let Some(cause) = &settings.change_cause {
        object
            .metadata_mut()
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(CHANGE_CAUSE.to_string(), cause.clone());
    }
}

/// `labeled`, `unlabeled` or `not labeled` for `label`; `annotated` for `annotate`.
fn change_message(before: &Object, after: &Object, settings: &Settings) -> String {
    if settings.mode == Mode::Annotate {
        return format!("annotated{}", settings.dry_run.suffix());
    }
    let old = serde_json::to_string(&before.to_value()).unwrap_or_default();
    let new = serde_json::to_string(&after.to_value()).unwrap_or_default();
    if old == new {
        "not labeled".into()
    } else if !settings.overwrite && new.len() < old.len() {
        "unlabeled".into()
    } else {
        "labeled".into()
    }
}

/// Sends the changed metadata (a merge patch in kubectl; here the whole
/// object, with the resource version as a precondition only when given).
fn send(ctx: &mut Context<'_>, changed: &Object, settings: &Settings) -> Result<Object, Failure> {
    let mut update = changed.clone();
    let meta = update.metadata_mut();
    if meta.labels.as_ref().is_some_and(BTreeMap::is_empty) {
        meta.labels = None;
    }
    if meta.annotations.as_ref().is_some_and(BTreeMap::is_empty) {
        meta.annotations = None;
    }
    if settings.resource_version.is_none() {
        meta.resource_version = None;
    }
    let options = WriteOptions {
        dry_run: settings.dry_run == DryRun::Server,
        field_manager: Some(format!("kubectl-{}", settings.mode.command())),
    };
    ctx.cluster
        .update_with(update, &options)
        .map(|answer| Object::clone(&answer))
        .map_err(|err| Failure::Api(format_status(&err, None)))
}

/// `--list`: `key=value` lines, under a heading per object when several were named.
fn list(out: &mut Output, mode: Mode, object: &Object, single: bool) {
    let indent = if single {
        ""
    } else {
        let noun = match mode {
            Mode::Label => "labels",
            Mode::Annotate => "annotations",
        };
        out.out(format!(
            "Listing {noun} for {}.{}/{}:",
            object.kind().name(),
            object.kind().group(),
            object.name()
        ));
        " "
    };
    for (key, value) in mode.map(object).into_iter().flatten() {
        out.out(format!("{indent}{key}={value}"));
    }
}

/// Prints one object. `annotate` keeps one printer for the run (YAML
/// documents after the first get `---`); `label` makes one per object, so
/// its verb can differ and it never separates documents.
fn print(
    out: &mut Output,
    object: &Object,
    settings: &Settings,
    operation: &str,
    shared: &mut Option<Printer>,
) -> Result<(), Failure> {
    let format = settings
        .format
        .clone()
        .map_err(|e| Failure::Plain(e.trim_start_matches("error: ").to_string()))?;
    let value = object.to_value();
    let mut own = None;
    let slot = match settings.mode {
        Mode::Annotate => shared,
        Mode::Label => &mut own,
    };
    let printer = slot.get_or_insert_with(|| Printer::new(format, operation));
    out.stdout.push_str(&printer.print(&Printed {
        kind: object.kind(),
        name: object.name(),
        value: &value,
        typed: false,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pairs_follow_the_resources() {
        assert_eq!(
            split_pairs(&words(&["pod", "x", "a=b", "c-"]), "label"),
            Ok((words(&["pod", "x"]), words(&["a=b", "c-"])))
        );
        assert_eq!(
            split_pairs(&words(&["pod", "x", "=a"]), "label"),
            Ok((words(&["pod", "x", "=a"]), vec![]))
        );
        assert_eq!(
            split_pairs(&words(&["pod", "a=b", "x"]), "label"),
            Err("error: all resources must be specified before label changes: x".into())
        );
    }

    #[test]
    fn label_values_are_checked_and_annotation_values_are_not() {
        assert!(parse_labels(&words(&["a=b=c"]))
            .is_err_and(|e| e == "error: invalid label spec: a=b=c"));
        assert!(parse_labels(&words(&["a=-x"]))
            .is_err_and(|e| e.starts_with("error: invalid label value: \"a=-x\": a valid label")));
        assert!(parse_labels(&words(&["a=b", "a-"])).is_err());
        let changes = parse_annotations(&words(&["note=a=b c", "old-"])).expect("valid");
        assert_eq!(changes.set.get("note").map(String::as_str), Some("a=b c"));
        assert_eq!(changes.remove, ["old"]);
    }
}

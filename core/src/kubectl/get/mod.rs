//! `kubectl get`: resource types with short names and comma lists, names
//! and `TYPE/NAME`, the objects of `-f` files and URLs, `-l`,
//! `--field-selector`, `-n`/`-A`, and the outputs
//! (tables with `-o wide`, `--show-labels` and `-L`; `yaml`, `json`, `name`,
//! `jsonpath=…` and `custom-columns=…`). The command resolves what to print
//! (`Request`), fetches it, then hands it to a printer.

pub mod jsonpath;
pub mod output;
pub mod printers;
pub mod table;

use std::sync::Arc;

use super::args::{self, Flag, Parsed};
use super::errors::format_status;
use super::follow::{Follow, Watch};
use super::resource_args::{self, kind_of};
use super::{usage_error, Context, Output};
use crate::api::selector::{FieldSelector, Selector};
use crate::api::{Kind, Object};
use output::Format;
use table::RenderOptions;

const FLAGS: &[Flag] = &[
    Flag::string("output", Some('o')),
    Flag::strings("selector", Some('l')),
    Flag::string("field-selector", None),
    Flag::bool("all-namespaces", Some('A')),
    Flag::bool("show-labels", None),
    Flag::strings("label-columns", Some('L')),
    Flag::bool("show-kind", None),
    Flag::bool("no-headers", None),
    Flag::bool("watch", Some('w')),
    Flag::bool("watch-only", None),
    Flag::bool("output-watch-events", None),
    Flag::bool("ignore-not-found", None),
    Flag::strings("filename", Some('f')),
    Flag::bool("recursive", Some('R')),
    Flag::string("chunk-size", None),
    Flag::string("sort-by", None),
    Flag::bool("show-managed-fields", None),
    Flag::string("template", None),
    Flag::bool("server-print", None),
];

/// The resources `kubectl get` in a `default` namespace shows for `all`.
const ALL: &[Kind] = &[Kind::Pod, Kind::Service, Kind::Deployment, Kind::ReplicaSet];

const NO_TYPE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples";

/// What the command line asks for: per kind, either named objects or a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Request {
    /// Kinds in command-line order, each with its names (empty: list them all).
    targets: Vec<(Kind, Vec<String>)>,
    /// One named object of one type: printed by itself in yaml or json.
    single_item: bool,
    /// Several types were asked for (or `all`): names get their `kind/` prefix.
    several_types: bool,
}

/// One kind's fetched objects.
struct Fetched {
    kind: Kind,
    objects: Vec<Arc<Object>>,
}

/// Runs `kubectl get`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("get", &e),
    };
    let mut out = Output::default();
    let format = match Format::parse(&parsed) {
        Ok(format) => format,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let all_namespaces = parsed.flag("all-namespaces");
    let resolved = if parsed.all("filename").is_empty() {
        resolve_request(&parsed).and_then(|request| {
            let (fetched, errors) = fetch(ctx, &parsed, &request, &namespace, all_namespaces)?;
            Ok((request, fetched, errors))
        })
    } else {
        fetch_from_files(ctx, &parsed, &namespace, all_namespaces)
    };
    let (request, fetched, errors) = match resolved {
        Ok(resolved) => resolved,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let now = ctx.cluster.now();
    if parsed.flag("watch") || parsed.flag("watch-only") {
        return watch(ctx, &parsed, &request, &format, fetched, errors, out);
    }
    match &format {
        Format::Table { wide } => {
            let options = RenderOptions {
                wide: *wide,
                show_labels: parsed.flag("show-labels"),
                label_columns: label_columns(&parsed),
                no_headers: parsed.flag("no-headers"),
                ..RenderOptions::default()
            };
            let show_kind = parsed.flag("show-kind")
                || request.several_types
                || fetched.iter().filter(|f| !f.objects.is_empty()).count() > 1;
            print_tables(&fetched, &options, show_kind, all_namespaces, now, &mut out);
        }
        other => {
            let objects: Vec<&Object> = fetched
                .iter()
                .flat_map(|f| f.objects.iter().map(Arc::as_ref))
                .collect();
            let single = request.single_item && objects.len() == 1 && errors.is_empty();
            match output::print(other, &objects, single, parsed.flag("show-managed-fields")) {
                Ok(text) => out.stdout.push_str(&text),
                Err(message) => {
                    out.fail(message);
                    return out;
                }
            }
        }
    }
    let nothing_found = fetched.iter().all(|f| f.objects.is_empty());
    if nothing_found && errors.is_empty() && matches!(format, Format::Table { .. }) {
        out.err(no_resources_message(&request, &namespace, all_namespaces));
    }
    for error in errors {
        out.fail(error);
    }
    out
}

/// `get -w`: the table (unless `--watch-only`), then a row per change.
fn watch(
    ctx: &Context<'_>,
    parsed: &Parsed,
    request: &Request,
    format: &Format,
    fetched: Vec<Fetched>,
    errors: Vec<String>,
    mut out: Output,
) -> Output {
    let [(kind, names)] = request.targets.as_slice() else {
        out.fail("error: you may only specify a single resource type");
        return out;
    };
    let Format::Table { wide } = format else {
        out.fail(
            "error: --watch is only supported with the default and wide output formats in Sunaba",
        );
        return out;
    };
    for error in errors {
        out.fail(error);
    }
    if out.exit_code != 0 {
        return out;
    }
    let all_namespaces = parsed.flag("all-namespaces");
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let options = RenderOptions {
        wide: *wide,
        with_namespace: all_namespaces && kind.is_namespaced(),
        show_labels: parsed.flag("show-labels"),
        label_columns: label_columns(parsed),
        ..RenderOptions::default()
    };
    let event_column = parsed.flag("output-watch-events");
    let mut widths = Vec::new();
    let objects: Vec<&Object> = fetched
        .iter()
        .flat_map(|f| f.objects.iter().map(Arc::as_ref))
        .collect();
    // With nothing listed, the header waits for the first row.
    let header_printed = !parsed.flag("watch-only") && !objects.is_empty();
    if header_printed {
        {
            let table = printers::table(*kind, &objects, ctx.cluster.now());
            let mut cells = table.to_cells(&options);
            if event_column {
                for (i, line) in cells.iter_mut().enumerate() {
                    line.insert(0, if i == 0 { "EVENT" } else { "ADDED" }.into());
                }
            }
            out.stdout
                .push_str(&table::tabwriter_remembering(&cells, &mut widths));
        }
    }
    let selector = Selector::parse(&parsed.all("selector").join(",")).unwrap_or_default();
    out.follow = Some(Follow::Watch(Watch {
        kind: *kind,
        namespace: (kind.is_namespaced() && !all_namespaces).then_some(namespace),
        name: names.first().cloned(),
        selector,
        fields: parsed
            .value("field-selector")
            .and_then(|f| FieldSelector::parse(f).ok()),
        resource_version: ctx.cluster.api().store().resource_version(),
        options,
        widths,
        event_column,
        header_printed,
    }));
    out
}

fn label_columns(parsed: &Parsed) -> Vec<String> {
    parsed
        .all("label-columns")
        .iter()
        .flat_map(|l| l.split(','))
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// `No resources found in default namespace.`, or `No resources found`.
fn no_resources_message(request: &Request, namespace: &str, all_namespaces: bool) -> String {
    let namespaced = request.targets.iter().all(|(k, _)| k.is_namespaced());
    if all_namespaces || !namespaced {
        "No resources found".into()
    } else {
        format!("No resources found in {namespace} namespace.")
    }
}

/// The objects the `-f` files and URLs name, as the server has them now,
/// in the files' order: one table per run of one kind, names prefixed with
/// their kind when there is more than one kind (`MustPrintWithKinds`).
fn fetch_from_files(
    ctx: &Context<'_>,
    parsed: &Parsed,
    namespace: &str,
    all_namespaces: bool,
) -> Result<(Request, Vec<Fetched>, Vec<String>), String> {
    let selector = parsed.all("selector").join(",");
    let infos = resource_args::fetch(
        ctx,
        &resource_args::Request {
            args: &parsed.positionals,
            selector: Some(selector.as_str()),
            filenames: parsed.all("filename"),
            recursive: parsed.flag("recursive"),
            namespace,
            all_namespaces,
            ..resource_args::Request::default()
        },
    )?;
    let mut fetched: Vec<Fetched> = Vec::new();
    for object in infos.objects {
        match fetched.last_mut() {
            Some(last) if last.kind == object.kind() => last.objects.push(object),
            _ => fetched.push(Fetched {
                kind: object.kind(),
                objects: vec![object],
            }),
        }
    }
    let mut kinds: Vec<Kind> = fetched.iter().map(|f| f.kind).collect();
    kinds.sort();
    kinds.dedup();
    let request = Request {
        targets: fetched.iter().map(|f| (f.kind, Vec::new())).collect(),
        single_item: infos.single,
        several_types: kinds.len() > 1,
    };
    let ignore_missing = parsed.flag("ignore-not-found");
    let errors = infos
        .errors
        .into_iter()
        .filter(|e| !(ignore_missing && e.starts_with("Error from server (NotFound)")))
        .collect();
    Ok((request, fetched, errors))
}

/// Turns the positional arguments into kinds and names.
fn resolve_request(parsed: &Parsed) -> Result<Request, String> {
    let args = &parsed.positionals;
    let Some(first) = args.first() else {
        return Err(NO_TYPE.into());
    };
    if args.iter().any(|a| a.contains('/')) {
        let mut targets: Vec<(Kind, Vec<String>)> = Vec::new();
        for arg in args {
            let Some((kind, name)) = arg.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".to_string());
            };
            let kind = kind_of(kind)?;
            if name.is_empty() {
                return Err(
                    "error: arguments in resource/name form must have a single resource and name"
                        .to_string(),
                );
            }
            match targets.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, names)) => names.push(name.to_string()),
                None => targets.push((kind, vec![name.to_string()])),
            }
        }
        let several_types = targets.len() > 1;
        let single_item = args.len() == 1;
        return Ok(Request {
            targets,
            single_item,
            several_types,
        });
    }
    let names: Vec<String> = args[1..].to_vec();
    let mut kinds: Vec<Kind> = Vec::new();
    let mut several_types = false;
    for part in first.split(',').filter(|p| !p.is_empty()) {
        if part.eq_ignore_ascii_case("all") {
            several_types = true;
            kinds.extend(
                ALL.iter()
                    .filter(|k| !kinds.contains(k))
                    .copied()
                    .collect::<Vec<_>>(),
            );
            continue;
        }
        let kind = kind_of(part)?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    several_types |= kinds.len() > 1;
    let single_item = kinds.len() == 1 && names.len() == 1;
    Ok(Request {
        targets: kinds.into_iter().map(|k| (k, names.clone())).collect(),
        single_item,
        several_types,
    })
}

/// Fetches every requested object, and the NotFound errors for missing names.
fn fetch(
    ctx: &Context<'_>,
    parsed: &Parsed,
    request: &Request,
    namespace: &str,
    all_namespaces: bool,
) -> Result<(Vec<Fetched>, Vec<String>), String> {
    // kubectl sends selectors as they are; the API server parses them and
    // answers a bad one with BadRequest.
    let first_kind = request.targets.first().map_or(Kind::Pod, |(k, _)| *k);
    let selector = Selector::parse(&parsed.all("selector").join(","))
        .map_err(|e| unable_to_find(first_kind, parsed, &e.to_string()))?;
    let fields = match parsed.value("field-selector") {
        Some(text) => Some(
            FieldSelector::parse(text)
                .map_err(|e| unable_to_find(first_kind, parsed, &e.to_string()))?,
        ),
        None => None,
    };
    let ignore_missing = parsed.flag("ignore-not-found");
    let mut fetched = Vec::new();
    let mut errors = Vec::new();
    for (kind, names) in &request.targets {
        let kind = *kind;
        if let Some(fields) = &fields {
            fields
                .validate_for(kind)
                .map_err(|e| unable_to_find(kind, parsed, &e.to_string()))?;
        }
        let keep =
            |o: &Object| selector.matches_object(o) && fields.as_ref().is_none_or(|f| f.matches(o));
        let mut objects = Vec::new();
        if names.is_empty() {
            let scope = (kind.is_namespaced() && !all_namespaces).then_some(namespace);
            let store = ctx.cluster.api().store();
            objects.extend(store.list(kind, scope).filter(|o| keep(o)).cloned());
        } else {
            let ns = if kind.is_namespaced() { namespace } else { "" };
            for name in names {
                match ctx.cluster.api().get(kind, ns, name) {
                    Ok(object) if keep(&object) => objects.push(object),
                    Ok(_) => {}
                    Err(err) if ignore_missing && err.reason() == "NotFound" => {}
                    Err(err) => errors.push(format_status(&err, None)),
                }
            }
        }
        fetched.push(Fetched { kind, objects });
    }
    Ok((fetched, errors))
}

/// The API server's answer to a list with a selector it cannot use.
fn unable_to_find(kind: Kind, parsed: &Parsed, why: &str) -> String {
    format!(
        "Error from server (BadRequest): Unable to find \"{}/{}, Resource={}\" that match label selector \"{}\", field selector \"{}\": {why}",
        kind.group(),
        kind.version(),
        kind.plural(),
        parsed.all("selector").join(","),
        parsed.value("field-selector").unwrap_or(""),
    )
}

/// One table per kind, a blank line between tables that printed something.
fn print_tables(
    fetched: &[Fetched],
    options: &RenderOptions,
    show_kind: bool,
    all_namespaces: bool,
    now: crate::time::SimTime,
    out: &mut Output,
) {
    for group in fetched.iter().filter(|f| !f.objects.is_empty()) {
        let objects: Vec<&Object> = group.objects.iter().map(Arc::as_ref).collect();
        let table = printers::table(group.kind, &objects, now);
        let options = RenderOptions {
            with_namespace: all_namespaces && group.kind.is_namespaced(),
            name_prefix: show_kind.then(|| group.kind.qualified_singular()),
            ..options.clone()
        };
        if !out.stdout.is_empty() && !options.no_headers {
            out.stdout.push('\n');
        }
        out.stdout.push_str(&table.render(&options));
    }
}

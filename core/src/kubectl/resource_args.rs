//! kubectl's resource builder (`cli-runtime`'s `resource.Builder`) for the
//! commands that change existing objects (`scale`, `label`, `annotate`,
//! `set`, `expose`): `TYPE NAME…`, `TYPE/NAME…`, `TYPE1,TYPE2 NAME`,
//! `TYPE -l SELECTOR`, `TYPE --all`, and `-f FILE`, with the builder's
//! errors in its words. Missing objects do not stop the others: their
//! errors are kept for the end, as `ContinueOnError` does.

use std::sync::Arc;

use super::errors::format_status;
use super::manifests::read_sources;
use super::Context;
use crate::api::selector::{FieldSelector, Selector, SelectorError};
use crate::api::{decode, Kind, Object, StatusError};

/// The builder's error when nothing names a resource.
pub const MISSING_RESOURCE: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// What the command line names.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    /// The resource arguments (`deployment echo`, `deploy/echo`).
    pub args: &'a [String],
    /// `-l`, when given and not empty.
    pub selector: Option<&'a str>,
    /// `--field-selector`, when given and not empty.
    pub field_selector: Option<&'a str>,
    /// `--all`: a type alone selects every object of it.
    pub all: bool,
    /// `-f` paths.
    pub filenames: &'a [String],
    /// `-R`.
    pub recursive: bool,
    /// The namespace (`-n`, or `default`).
    pub namespace: &'a str,
    /// `-A`.
    pub all_namespaces: bool,
    /// `--local`: the objects in the files, as they are there; no server.
    pub local: bool,
}

/// The objects found, in the builder's order.
#[derive(Clone, Debug, Default)]
pub struct Infos {
    /// The objects, as the server has them now.
    pub objects: Vec<Arc<Object>>,
    /// Errors for the objects that could not be fetched, to print last.
    pub errors: Vec<String>,
    /// One object was named (`IntoSingleItemImplied`).
    pub single: bool,
}

/// How the arguments name objects.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Named {
    /// `TYPE/NAME…`.
    Tuples(Vec<(String, String)>),
    /// `TYPE[,TYPE…] [NAME…]`.
    TypesAndNames(Vec<String>, Vec<String>),
}

/// Resolves the request against the cluster. `Err` is the builder's fatal
/// error, ready to print.
pub fn fetch(ctx: &Context<'_>, request: &Request<'_>) -> Result<Infos, String> {
    let named = split_args(request.args)?;
    if !request.filenames.is_empty() {
        return from_files(ctx, request, &named);
    }
    let selector = request.selector.filter(|s| !s.trim().is_empty());
    let fields = request.field_selector.filter(|s| !s.trim().is_empty());
    let select_all = matches!(&named, Named::TypesAndNames(types, names) if request.all && names.is_empty() && !types.is_empty());
    if selector.is_some() || fields.is_some() || select_all {
        return by_selector(ctx, request, &named, selector.unwrap_or(""), fields);
    }
    match named {
        Named::Tuples(tuples) => by_tuples(ctx, request, &tuples),
        Named::TypesAndNames(types, names) if !names.is_empty() => {
            by_names(ctx, request, &types, &names)
        }
        Named::TypesAndNames(types, _) if !types.is_empty() => {
            for t in &types {
                kind_of(t)?;
            }
            Err("error: resource(s) were provided, but no name was specified".into())
        }
        Named::TypesAndNames(..) => Err(MISSING_RESOURCE.into()),
    }
}

/// The builder's reading of the arguments, with its errors.
fn split_args(args: &[String]) -> Result<Named, String> {
    let args = normalize_multiple_types(args);
    let slashes = args.iter().filter(|a| a.contains('/')).count();
    if slashes > 0 && slashes != args.len() {
        return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
    }
    if slashes > 0 {
        let mut tuples = Vec::new();
        for arg in &args {
            let parts: Vec<&str> = arg.split('/').collect();
            let [kind, name] = parts.as_slice() else {
                return Err(
                    "error: arguments in resource/name form may not have more than one slash"
                        .into(),
                );
            };
            if kind.is_empty() || name.is_empty() || kind.contains(',') {
                return Err(
                    "error: arguments in resource/name form must have a single resource and name"
                        .into(),
                );
            }
            tuples.push((kind.to_string(), name.to_string()));
        }
        return Ok(Named::Tuples(tuples));
    }
    let Some((first, names)) = args.split_first() else {
        return Ok(Named::TypesAndNames(Vec::new(), Vec::new()));
    };
    Ok(Named::TypesAndNames(split_types(first), names.to_vec()))
}

/// `pod,svc x` becomes `pod/x svc/x`, as the builder normalizes it.
fn normalize_multiple_types(args: &[String]) -> Vec<String> {
    match args.split_first() {
        Some((first, names)) if !names.is_empty() && split_types(first).len() > 1 => {
            split_types(first)
                .iter()
                .flat_map(|t| names.iter().map(move |n| format!("{t}/{n}")))
                .collect()
        }
        _ => args.to_vec(),
    }
}

/// `a,b,a` as the unique types in order.
fn split_types(arg: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in arg.split(',') {
        if !out.iter().any(|p| p == part) {
            out.push(part.to_string());
        }
    }
    out
}

/// A resource type argument's kind, or the discovery error.
pub fn kind_of(arg: &str) -> Result<Kind, String> {
    Kind::from_resource_arg(arg)
        .ok_or_else(|| format!("error: the server doesn't have a resource type \"{arg}\""))
}

fn scope<'a>(kind: Kind, request: &Request<'a>) -> &'a str {
    if kind.is_namespaced() {
        request.namespace
    } else {
        ""
    }
}

/// `-A` with names: the builder has no namespace to look them up in.
fn check_named_scope(kind: Kind, request: &Request<'_>) -> Result<(), String> {
    if request.all_namespaces && kind.is_namespaced() {
        return Err("error: a resource cannot be retrieved by name across all namespaces".into());
    }
    Ok(())
}

fn get(
    ctx: &Context<'_>,
    kind: Kind,
    namespace: &str,
    name: &str,
) -> Result<Arc<Object>, StatusError> {
    ctx.cluster.api().get(kind, namespace, name)
}

fn by_tuples(
    ctx: &Context<'_>,
    request: &Request<'_>,
    tuples: &[(String, String)],
) -> Result<Infos, String> {
    let mut kinds = Vec::new();
    for (kind, _) in tuples {
        kinds.push(kind_of(kind)?);
    }
    for kind in &kinds {
        check_named_scope(*kind, request)?;
    }
    let mut infos = Infos {
        single: tuples.len() == 1,
        ..Infos::default()
    };
    for (kind, (_, name)) in kinds.into_iter().zip(tuples) {
        match get(ctx, kind, scope(kind, request), name) {
            Ok(object) => infos.objects.push(object),
            Err(err) => infos.errors.push(format_status(&err, None)),
        }
    }
    Ok(infos)
}

fn by_names(
    ctx: &Context<'_>,
    request: &Request<'_>,
    types: &[String],
    names: &[String],
) -> Result<Infos, String> {
    if types.len() > 1 {
        return Err("error: you must specify only one resource".into());
    }
    let Some(kind) = types.first() else {
        return Err("error: you must provide a resource and a resource name together".into());
    };
    let kind = kind_of(kind)?;
    check_named_scope(kind, request)?;
    let mut infos = Infos {
        single: names.len() == 1,
        ..Infos::default()
    };
    for name in names {
        match get(ctx, kind, scope(kind, request), name) {
            Ok(object) => infos.objects.push(object),
            Err(err) => infos.errors.push(format_status(&err, None)),
        }
    }
    Ok(infos)
}

fn by_selector(
    ctx: &Context<'_>,
    request: &Request<'_>,
    named: &Named,
    selector: &str,
    fields: Option<&str>,
) -> Result<Infos, String> {
    let types = match named {
        Named::Tuples(_) => return Err(
            "error: selectors and the all flag cannot be used when passing resource/name arguments"
                .into(),
        ),
        Named::TypesAndNames(_, names) if !names.is_empty() => {
            return Err("error: name cannot be provided when a selector is specified".into())
        }
        Named::TypesAndNames(types, _) if types.is_empty() => {
            return Err("error: at least one resource must be specified to use a selector".into())
        }
        Named::TypesAndNames(types, _) => types,
    };
    let selector = Selector::parse(selector).map_err(|e| format!("error: {e}"))?;
    let fields = match fields {
        Some(text) => Some(FieldSelector::parse(text).map_err(|e| format!("error: {e}"))?),
        None => None,
    };
    let mut kinds = Vec::new();
    for t in types {
        kinds.push(kind_of(t)?);
    }
    let mut infos = Infos::default();
    for kind in kinds {
        if let Some(fields) = &fields {
            fields
                .validate_for(kind)
                .map_err(|e| field_error(kind, request, e))?;
        }
        let namespace =
            (!request.all_namespaces && kind.is_namespaced()).then_some(request.namespace);
        infos.objects.extend(
            ctx.cluster
                .api()
                .store()
                .list(kind, namespace)
                .filter(|o| selector.matches_object(o))
                .filter(|o| fields.as_ref().is_none_or(|f| f.matches(o)))
                .cloned(),
        );
    }
    Ok(infos)
}

/// The server's answer to a field it cannot select on.
fn field_error(kind: Kind, request: &Request<'_>, err: SelectorError) -> String {
    format!(
        "Error from server (BadRequest): Unable to find \"{}/{}, Resource={}\" that match label selector \"{}\", field selector \"{}\": {err}",
        kind.group(),
        kind.version(),
        kind.plural(),
        request.selector.unwrap_or(""),
        request.field_selector.unwrap_or(""),
    )
}

fn from_files(ctx: &Context<'_>, request: &Request<'_>, named: &Named) -> Result<Infos, String> {
    match named {
        Named::Tuples(_) => {
            return Err("error: resource/name arguments cannot be provided when a path is specified".into())
        }
        Named::TypesAndNames(types, _) if !types.is_empty() => {
            return Err("error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well".into())
        }
        Named::TypesAndNames(..) => {}
    }
    let sources = read_sources(ctx.files, request.filenames, request.recursive)?;
    let selector =
        match request.selector.filter(|s| !s.trim().is_empty()) {
            Some(text) => Some(Selector::parse(text).map_err(|e| {
                format!("error: the provided selector \"{text}\" is not valid: {e}")
            })?),
            None => None,
        };
    let mut infos = Infos {
        single: sources.len() == 1
            && request
                .filenames
                .first()
                .is_some_and(|f| ctx.files.list(f).is_none()),
        ..Infos::default()
    };
    for source in sources {
        let objects = decode::decode_manifests(&source.text)
            .map_err(|err| format!("error: error parsing {}: {}", source.name, err.message()))?;
        for object in objects {
            if request.local {
                infos.objects.push(Arc::new(object));
                continue;
            }
            let kind = object.kind();
            let namespace = match object.namespace() {
                "" => scope(kind, request),
                own => own,
            };
            match get(ctx, kind, namespace, object.name()) {
                Ok(live) if selector.as_ref().is_none_or(|s| s.matches_object(&live)) => {
                    infos.objects.push(live)
                }
                Ok(_) => {}
                Err(err) => infos.errors.push(format_status(&err, None)),
            }
        }
    }
    Ok(infos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_split_as_the_builder_reads_them() {
        assert_eq!(
            split_args(&words(&["deploy/echo", "rs/x"])),
            Ok(Named::Tuples(vec![
                ("deploy".into(), "echo".into()),
                ("rs".into(), "x".into())
            ]))
        );
        assert_eq!(
            split_args(&words(&["deploy,rs", "echo"])),
            Ok(Named::Tuples(vec![
                ("deploy".into(), "echo".into()),
                ("rs".into(), "echo".into())
            ]))
        );
        assert_eq!(
            split_args(&words(&["deploy", "a", "b"])),
            Ok(Named::TypesAndNames(words(&["deploy"]), words(&["a", "b"])))
        );
        assert!(split_args(&words(&["deploy", "x/y"]))
            .is_err_and(|e| e.contains("no need to specify a resource type")));
        assert!(split_args(&words(&["a/b/c"])).is_err_and(|e| e.contains("more than one slash")));
        assert!(split_args(&words(&["/b"])).is_err_and(|e| e.contains("single resource and name")));
    }
}

//! `kubectl describe`: `TYPE NAME…`, `TYPE/NAME`, `TYPE` (all in the
//! namespace), `-l`, `-n`, `-A`, `-f`, `--show-events`, and a lone NAME
//! matching by prefix when no object has it exactly. As kubectl does, the
//! command fetches each object and what its describer needs (events, owned
//! pods, ReplicaSets, EndpointSlices, a node's pods), then hands them to
//! pure formatters (`describe_pod(pod, events, now)` and its siblings) that
//! write through describe's tab writer.

pub mod cluster;
pub mod common;
pub mod containers;
pub mod env;
pub mod fetch;
pub mod network;
pub mod pod;
pub mod quantity;
pub mod volumes;
pub mod workloads;
pub mod writer;

use std::sync::Arc;

use super::args::{self, Flag, Parsed};
use super::errors::format_status;
use super::manifests::read_sources;
use super::resource_args::kind_of;
use super::{usage_error, Context, Output};
use crate::api::selector::Selector;
use crate::api::{decode, Kind, Object};
use crate::apiserver::ApiServer;
use crate::time::SimTime;
use fetch::{events_about, lease_of, pod_counts, pods_on, replica_sets_of, slices_of};

const FLAGS: &[Flag] = &[
    Flag::strings("selector", Some('l')),
    Flag::bool("all-namespaces", Some('A')),
    Flag::bool("show-events", None),
    Flag::strings("filename", Some('f')),
    Flag::bool("recursive", Some('R')),
    Flag::string("chunk-size", None),
];

const NO_TYPE: &str = "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.";

const TYPE_AND_SLASH: &str = "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'";

/// The kinds `all` stands for.
const ALL: &[Kind] = &[Kind::Pod, Kind::Service, Kind::Deployment, Kind::ReplicaSet];

/// What to describe: kinds in command-line order, each with names (empty: all of them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Request {
    targets: Vec<(Kind, Vec<String>)>,
    /// Given as `TYPE/NAME` arguments.
    by_type_and_name: bool,
}

/// The objects found and the errors for those that were not.
#[derive(Default)]
struct Found {
    objects: Vec<Arc<Object>>,
    errors: Vec<FetchError>,
}

/// A failed lookup: the message, and whether it was NotFound.
struct FetchError {
    message: String,
    not_found: bool,
}

/// Runs `kubectl describe`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("describe", &e),
    };
    let mut out = Output::default();
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let found = match find(ctx, &parsed, &namespace) {
        Ok(found) => found,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let show_events = parsed.value("show-events") != Some("false");
    let api = ctx.cluster.api();
    let now = ctx.cluster.now();
    if let Some(prefix) = prefix_request(&parsed, &found) {
        describe_by_prefix(api, &prefix, &namespace, show_events, now, found, &mut out);
        return out;
    }
    let mut texts = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for object in &found.objects {
        match describe(api, object, show_events, now) {
            Ok(text) => texts.push(text),
            // kubectl reports each distinct describer error once.
            Err(message) if !errors.contains(&message) => errors.push(message),
            Err(_) => {}
        }
    }
    out.stdout.push_str(&texts.join("\n\n"));
    if found.objects.is_empty() && found.errors.is_empty() {
        out.err(if parsed.flag("all-namespaces") {
            "No resources found".to_string()
        } else {
            format!("No resources found in {namespace} namespace.")
        });
    }
    for message in found.errors.into_iter().map(|e| e.message).chain(errors) {
        out.fail(message);
    }
    out
}

/// Resolves the command line and fetches the objects it names.
fn find(ctx: &Context<'_>, parsed: &Parsed, namespace: &str) -> Result<Found, String> {
    if !parsed.all("filename").is_empty() {
        if !parsed.positionals.is_empty() {
            return Err("error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well".into());
        }
        return find_in_files(ctx, parsed, namespace);
    }
    let request = resolve(&parsed.positionals)?;
    let selector_text = parsed.all("selector").join(",");
    check_form(
        &request,
        !selector_text.is_empty(),
        parsed.flag("all-namespaces"),
    )?;
    let selector = Selector::parse(&selector_text).map_err(|e| format!("error: {e}"))?;
    let scope = (!parsed.flag("all-namespaces")).then_some(namespace);
    let api = ctx.cluster.api();
    let mut found = Found::default();
    for (kind, names) in &request.targets {
        if names.is_empty() {
            let listed = api.store().list(*kind, scope);
            found
                .objects
                .extend(listed.filter(|o| selector.matches_object(o)).cloned());
        }
        for name in names {
            get_into(api, *kind, namespace, name, &mut found);
        }
    }
    Ok(found)
}

/// Gets one object by name, recording a NotFound (or other) error.
fn get_into(api: &ApiServer, kind: Kind, namespace: &str, name: &str, found: &mut Found) {
    let namespace = if kind.is_namespaced() { namespace } else { "" };
    match api.get(kind, namespace, name) {
        Ok(object) => found.objects.push(object),
        Err(err) => found.errors.push(FetchError {
            message: format_status(&err, None),
            not_found: err.reason() == "NotFound",
        }),
    }
}

/// Turns `TYPE NAME…`, `TYPE1,TYPE2` or `TYPE/NAME…` into kinds and names.
fn resolve(args: &[String]) -> Result<Request, String> {
    let Some(first) = args.first() else {
        return Err(NO_TYPE.into());
    };
    let mut request = Request::default();
    if args.iter().any(|a| a.contains('/')) {
        for arg in args {
            let Some((kind, name)) = arg.split_once('/') else {
                return Err(TYPE_AND_SLASH.into());
            };
            if name.is_empty() {
                return Err(
                    "error: arguments in resource/name form must have a single resource and name"
                        .into(),
                );
            }
            let kind = kind_of(kind)?;
            match request.targets.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, names)) => names.push(name.to_string()),
                None => request.targets.push((kind, vec![name.to_string()])),
            }
        }
        request.by_type_and_name = true;
        return Ok(request);
    }
    let names = args[1..].to_vec();
    for part in first.split(',').filter(|p| !p.is_empty()) {
        let kinds = if part.eq_ignore_ascii_case("all") {
            ALL.to_vec()
        } else {
            vec![kind_of(part)?]
        };
        for kind in kinds {
            if !request.targets.iter().any(|(k, _)| *k == kind) {
                request.targets.push((kind, names.clone()));
            }
        }
    }
    Ok(request)
}

/// The builder's rules for combining names, selectors, types and `-A`.
fn check_form(request: &Request, has_selector: bool, all_namespaces: bool) -> Result<(), String> {
    let has_names = request.targets.iter().any(|(_, names)| !names.is_empty());
    if has_selector && request.by_type_and_name {
        return Err(
            "error: selectors and the all flag cannot be used when passing resource/name arguments"
                .into(),
        );
    }
    if has_selector && has_names {
        return Err("error: name cannot be provided when a selector is specified".into());
    }
    if has_names && !request.by_type_and_name && request.targets.len() > 1 {
        return Err("error: you must specify only one resource".into());
    }
    let namespaced = request.targets.iter().any(|(kind, _)| kind.is_namespaced());
    if has_names && all_namespaces && namespaced {
        return Err("error: a resource cannot be retrieved by name across all namespaces".into());
    }
    Ok(())
}

/// `-f`: the objects the manifests name, fetched from the cluster.
fn find_in_files(ctx: &Context<'_>, parsed: &Parsed, namespace: &str) -> Result<Found, String> {
    let sources = read_sources(ctx.files, parsed.all("filename"), parsed.flag("recursive"))?;
    let mut found = Found::default();
    for source in sources {
        let objects = decode::decode_manifests(&source.text)
            .map_err(|err| format!("error: error parsing {}: {}", source.name, err.message()))?;
        for object in objects {
            let ns = Some(object.namespace())
                .filter(|n| !n.is_empty())
                .unwrap_or(namespace);
            get_into(
                ctx.cluster.api(),
                object.kind(),
                ns,
                object.name(),
                &mut found,
            );
        }
    }
    Ok(found)
}

/// `describe TYPE NAME` where NAME is missing: kubectl then describes
/// every object of that type whose name starts with NAME.
fn prefix_request(parsed: &Parsed, found: &Found) -> Option<(Kind, String)> {
    let [kind, name] = parsed.positionals.as_slice() else {
        return None;
    };
    let single_error = matches!(found.errors.as_slice(), [e] if e.not_found);
    if kind.contains('/') || kind.contains(',') || !single_error || !found.objects.is_empty() {
        return None;
    }
    Kind::from_resource_arg(kind).map(|k| (k, name.clone()))
}

/// Describes each object of `kind` in the namespace whose name starts with
/// the prefix, each followed by a blank line; the NotFound error if none does.
fn describe_by_prefix(
    api: &ApiServer,
    (kind, prefix): &(Kind, String),
    namespace: &str,
    show_events: bool,
    now: SimTime,
    found: Found,
    out: &mut Output,
) {
    let scope = kind.is_namespaced().then_some(namespace);
    let matches: Vec<&Arc<Object>> = api
        .store()
        .list(*kind, scope)
        .filter(|o| o.name().starts_with(prefix.as_str()))
        .collect();
    if matches.is_empty() {
        for error in found.errors {
            out.fail(error.message);
        }
        return;
    }
    for object in matches {
        match describe(api, object, show_events, now) {
            Ok(text) => {
                out.stdout.push_str(&text);
                out.stdout.push('\n');
            }
            Err(message) => {
                out.fail(message);
                return;
            }
        }
    }
}

/// Fetches what an object's describer needs and formats it; kinds without
/// a describer here fail in kubectl's words for a missing describer.
fn describe(
    api: &ApiServer,
    object: &Object,
    show_events: bool,
    now: SimTime,
) -> Result<String, String> {
    let events = || show_events.then(|| events_about(api, object));
    let text = match object {
        Object::Pod(pod) => pod::describe_pod(pod, events().as_deref(), now),
        Object::ReplicaSet(rs) => {
            let pods = pod_counts(api, object, rs.spec.as_ref().map(|s| &s.selector));
            workloads::describe_replicaset(rs, pods, events().as_deref(), now)
        }
        Object::Deployment(d) => {
            let (old, new) = replica_sets_of(api, d, object);
            workloads::describe_deployment(d, &old, new.as_ref(), events().as_deref(), now)
        }
        Object::Service(svc) => {
            let slices = slices_of(api, object);
            network::describe_service(svc, &slices, events().as_deref(), now)
        }
        Object::Endpoints(ep) => network::describe_endpoints(ep, events().as_deref(), now),
        Object::Node(node) => {
            let pods = pods_on(api, object.name());
            let lease = lease_of(node, now);
            cluster::describe_node(node, &lease, &pods, events().as_deref(), now)
        }
        Object::Namespace(ns) => cluster::describe_namespace(ns),
        other => {
            let kind = other.kind();
            return Err(format!(
                "error: no description has been implemented for {}/{}, Kind={}",
                kind.group(),
                kind.version(),
                kind.name()
            ));
        }
    };
    Ok(text)
}

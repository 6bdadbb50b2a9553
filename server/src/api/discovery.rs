//! Discovery: `/version`, and what groups, versions and resources the
//! server offers, both as kubectl 1.32 asks first (aggregated discovery,
//! `apidiscovery.k8s.io/v2` `APIGroupDiscoveryList` from `/api` and
//! `/apis`) and as older clients ask (`APIVersions`, `APIGroupList`, and
//! an `APIResourceList` per group version).
//!
//! The resources are core's stored kinds ([`Kind::ALL`]), each with its
//! verbs, short names, scope, the `all` category for the four kinds
//! `kubectl get all` shows, and the subresources this server answers.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sunaba_core::api::Kind;

use super::request::wants_aggregated_discovery;
use super::status::ApiError;

/// The Content-Type of an aggregated discovery response.
pub const AGGREGATED_CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// `GET /version`: the simulated cluster's version.
pub fn version() -> Value {
    let version = sunaba_core::KUBERNETES_VERSION;
    let mut numbers = version.trim_start_matches('v').split('.');
    let major = numbers.next().unwrap_or("1");
    let minor = numbers.next().unwrap_or("0");
    json!({
        "major": major,
        "minor": minor,
        "gitVersion": version,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2025-05-15T00:00:00Z",
        "goVersion": "go1.24.2",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

/// The API server's group order (its groups' priorities), for the groups it
/// may serve; others follow by name.
const GROUP_ORDER: &[&str] = &[
    "",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
];

/// The groups served, core (`""`) first, then the named groups in the order
/// the real API server lists them (so `kubectl api-resources` and
/// `kubectl get all` list kinds in the same order).
pub fn groups() -> Vec<&'static str> {
    let mut groups: Vec<&'static str> = Vec::new();
    for kind in Kind::ALL {
        if !groups.contains(&kind.group()) {
            groups.push(kind.group());
        }
    }
    groups.sort_by_key(|g| {
        let rank = GROUP_ORDER.iter().position(|o| o == g);
        (rank.unwrap_or(GROUP_ORDER.len()), *g)
    });
    groups
}

/// The one version served of a group.
pub fn group_version(group: &str) -> Option<&'static str> {
    Kind::ALL
        .iter()
        .find(|k| k.group() == group)
        .map(|k| k.version())
}

/// The kinds served in a group version, sorted by resource name as the API server lists them.
fn kinds_in(group: &str, version: &str) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| k.group() == group && k.version() == version)
        .collect();
    kinds.sort_by_key(|k| k.plural());
    kinds
}

/// The verbs a kind supports.
fn verbs(kind: Kind) -> Vec<&'static str> {
    let mut verbs = vec![
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    ];
    if kind == Kind::Namespace {
        verbs.retain(|v| *v != "deletecollection");
    }
    verbs
}

/// `kubectl get all` shows these.
fn categories(kind: Kind) -> Vec<&'static str> {
    match kind {
        Kind::Pod | Kind::Service | Kind::Deployment | Kind::ReplicaSet => vec!["all"],
        _ => Vec::new(),
    }
}

/// A subresource: its name, the kind it answers with, and its verbs.
struct Subresource {
    name: &'static str,
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    verbs: &'static [&'static str],
}

fn subresources(kind: Kind) -> Vec<Subresource> {
    let status = Subresource {
        name: "status",
        group: kind.group(),
        version: kind.version(),
        kind: kind.name(),
        verbs: &["get"],
    };
    match kind {
        Kind::Pod => vec![
            Subresource {
                name: "log",
                group: "",
                version: "v1",
                kind: "Pod",
                verbs: &["get"],
            },
            status,
        ],
        Kind::Deployment | Kind::ReplicaSet => vec![
            Subresource {
                name: "scale",
                group: "autoscaling",
                version: "v1",
                kind: "Scale",
                verbs: &["get", "patch", "update"],
            },
            status,
        ],
        Kind::Node | Kind::Namespace | Kind::Service => vec![status],
        _ => Vec::new(),
    }
}

fn scope(kind: Kind) -> &'static str {
    if kind.is_namespaced() {
        "Namespaced"
    } else {
        "Cluster"
    }
}

// ---- Legacy discovery --------------------------------------------------

/// `GET /api`: `APIVersions`.
pub fn api_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [],
    })
}

/// `GET /apis`: `APIGroupList` of the named groups.
pub fn api_group_list() -> Value {
    let groups: Vec<Value> = groups()
        .into_iter()
        .filter(|g| !g.is_empty())
        .filter_map(api_group)
        .collect();
    json!({ "kind": "APIGroupList", "apiVersion": "v1", "groups": groups })
}

/// `GET /apis/{group}`: one `APIGroup`.
pub fn api_group(group: &str) -> Option<Value> {
    let version = group_version(group)?;
    let group_version = json!({ "groupVersion": format!("{group}/{version}"), "version": version });
    Some(json!({
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": group,
        "versions": [group_version.clone()],
        "preferredVersion": group_version,
    }))
}

/// `GET /api/v1` or `/apis/{group}/{version}`: `APIResourceList`.
pub fn api_resource_list(group: &str, version: &str) -> Option<Value> {
    let kinds = kinds_in(group, version);
    if kinds.is_empty() {
        return None;
    }
    let mut resources = Vec::new();
    for kind in kinds {
        resources.push(legacy_resource(kind));
        resources.extend(
            subresources(kind)
                .iter()
                .map(|s| legacy_subresource(kind, s)),
        );
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }))
}

fn legacy_resource(kind: Kind) -> Value {
    let mut resource = json!({
        "name": kind.plural(),
        "singularName": kind.singular(),
        "namespaced": kind.is_namespaced(),
        "kind": kind.name(),
        "verbs": verbs(kind),
    });
    if !kind.short_names().is_empty() {
        resource["shortNames"] = json!(kind.short_names());
    }
    let categories = categories(kind);
    if !categories.is_empty() {
        resource["categories"] = json!(categories);
    }
    resource
}

fn legacy_subresource(kind: Kind, sub: &Subresource) -> Value {
    json!({
        "name": format!("{}/{}", kind.plural(), sub.name),
        "singularName": "",
        "namespaced": kind.is_namespaced(),
        "group": sub.group,
        "version": sub.version,
        "kind": sub.kind,
        "verbs": sub.verbs,
    })
}

// ---- Aggregated discovery (apidiscovery.k8s.io/v2) -----------------------

/// The `APIGroupDiscoveryList` for `/api` (core only) or `/apis` (named groups).
pub fn aggregated(core: bool) -> Value {
    let items: Vec<Value> = groups()
        .into_iter()
        .filter(|g| g.is_empty() == core)
        .filter_map(aggregated_group)
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}

fn aggregated_group(group: &str) -> Option<Value> {
    let version = group_version(group)?;
    let resources: Vec<Value> = kinds_in(group, version)
        .into_iter()
        .map(aggregated_resource)
        .collect();
    let metadata = if group.is_empty() {
        json!({})
    } else {
        json!({ "name": group })
    };
    Some(json!({
        "metadata": metadata,
        "versions": [{ "version": version, "resources": resources, "freshness": "Current" }],
    }))
}

fn aggregated_resource(kind: Kind) -> Value {
    let mut resource = json!({
        "resource": kind.plural(),
        "responseKind": { "group": kind.group(), "version": kind.version(), "kind": kind.name() },
        "scope": scope(kind),
        "singularResource": kind.singular(),
        "verbs": verbs(kind),
    });
    if !kind.short_names().is_empty() {
        resource["shortNames"] = json!(kind.short_names());
    }
    let categories = categories(kind);
    if !categories.is_empty() {
        resource["categories"] = json!(categories);
    }
    let subresources: Vec<Value> = subresources(kind)
        .iter()
        .map(|s| {
            json!({
                "subresource": s.name,
                "responseKind": { "group": s.group, "version": s.version, "kind": s.kind },
                "verbs": s.verbs,
            })
        })
        .collect();
    if !subresources.is_empty() {
        resource["subresources"] = json!(subresources);
    }
    resource
}

// ---- Handlers -----------------------------------------------------------

/// A JSON response with this Content-Type.
fn typed_json(content_type: &'static str, body: &Value) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body.to_string(),
    )
        .into_response()
}

/// `GET /version`.
pub async fn get_version() -> Response {
    typed_json("application/json", &version())
}

/// `GET /api`: aggregated discovery when asked for, else `APIVersions`.
pub async fn get_api(headers: HeaderMap) -> Response {
    if wants_aggregated_discovery(&headers) {
        typed_json(AGGREGATED_CONTENT_TYPE, &aggregated(true))
    } else {
        typed_json("application/json", &api_versions())
    }
}

/// `GET /apis`: aggregated discovery when asked for, else `APIGroupList`.
pub async fn get_apis(headers: HeaderMap) -> Response {
    if wants_aggregated_discovery(&headers) {
        typed_json(AGGREGATED_CONTENT_TYPE, &aggregated(false))
    } else {
        typed_json("application/json", &api_group_list())
    }
}

/// `GET /api/v1`.
pub async fn get_core_resources() -> Response {
    resource_list_response("", "v1")
}

/// `GET /apis/{group}`.
pub async fn get_group(axum::extract::Path(group): axum::extract::Path<String>) -> Response {
    match api_group(&group) {
        Some(body) => typed_json("application/json", &body),
        None => ApiError::no_such_path().into_response(),
    }
}

/// `GET /apis/{group}/{version}`.
pub async fn get_group_resources(
    axum::extract::Path((group, version)): axum::extract::Path<(String, String)>,
) -> Response {
    resource_list_response(&group, &version)
}

fn resource_list_response(group: &str, version: &str) -> Response {
    match api_resource_list(group, version) {
        Some(body) => typed_json("application/json", &body),
        None => ApiError::no_such_path().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_cores() {
        let version = version();
        assert_eq!(version["gitVersion"], "v1.33.1");
        assert_eq!(version["major"], "1");
        assert_eq!(version["minor"], "33");
    }

    #[test]
    fn groups_are_core_then_named_in_order() {
        assert_eq!(
            groups(),
            [
                "",
                "apps",
                "networking.k8s.io",
                "rbac.authorization.k8s.io",
                "discovery.k8s.io"
            ]
        );
    }

    #[test]
    fn core_resources_have_short_names_categories_and_subresources() {
        let list = api_resource_list("", "v1").expect("core is served");
        let resources = list["resources"].as_array().cloned().unwrap_or_default();
        let pods = resources
            .iter()
            .find(|r| r["name"] == "pods")
            .cloned()
            .unwrap_or_default();
        assert_eq!(pods["shortNames"], json!(["po"]));
        assert_eq!(pods["categories"], json!(["all"]));
        assert_eq!(pods["namespaced"], true);
        assert!(resources.iter().any(|r| r["name"] == "pods/log"));
        assert!(api_resource_list("apps", "v2").is_none());
    }

    #[test]
    fn scale_is_an_autoscaling_v1_subresource() {
        let list = aggregated(false);
        let apps = &list["items"][0];
        assert_eq!(apps["metadata"]["name"], "apps");
        let deployments = &apps["versions"][0]["resources"][0];
        assert_eq!(deployments["resource"], "deployments");
        assert_eq!(deployments["subresources"][0]["subresource"], "scale");
        assert_eq!(
            deployments["subresources"][0]["responseKind"]["group"],
            "autoscaling"
        );
    }
}

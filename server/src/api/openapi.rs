//! OpenAPI v3, as kubectl reads it.
//!
//! Each group version's document carries:
//! - the schemas of its kinds and of everything they reference, from core's
//!   trimmed copy of Kubernetes v1.33's (`sunaba_core::api::openapi`), with
//!   their `x-kubernetes-group-version-kind`. `kubectl explain` reads them,
//!   and `kubectl apply` computes its strategic merge patches from their
//!   `x-kubernetes-patch-*` extensions, as against a real cluster;
//! - each kind's PATCH operation with its `x-kubernetes-group-version-kind`
//!   and the `fieldValidation` query parameter: `kubectl apply` and `create`
//!   (`--validate=strict` by default) see it and leave unknown fields to the
//!   server, which core's strict decoder refuses. `explain` finds a
//!   resource's kind through the same operation.
//!
//! `/openapi/v2` is `openapi_v2.rs`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::extract::{Path, RawQuery};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use sunaba_core::api::{openapi, Kind};

use super::discovery::{group_version, groups};
use super::status::ApiError;

/// The document path of a group version: `api/v1`, `apis/apps/v1`.
fn document_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// `GET /openapi/v3`: where each group version's document is.
pub fn root() -> Value {
    let mut paths = Map::new();
    for group in groups() {
        let Some(version) = group_version(group) else {
            continue;
        };
        let path = document_path(group, version);
        let Some(served) = served_document(group, version) else {
            continue;
        };
        let hash = &served.hash;
        paths.insert(
            path.clone(),
            json!({ "serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}") }),
        );
    }
    json!({ "paths": paths })
}

/// A group version's document: each kind's PATCH operation, with the query
/// parameters kubectl checks for (`fieldValidation`, `dryRun`), and the
/// schemas of its kinds.
pub fn document(group: &str, version: &str) -> Value {
    let kinds: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| k.group() == group && k.version() == version)
        .collect();
    let mut paths = Map::new();
    for kind in &kinds {
        paths.insert(
            object_path(*kind),
            json!({ "patch": patch_operation(*kind) }),
        );
    }
    json!({
        "openapi": "3.0.0",
        "info": { "title": "Kubernetes", "version": sunaba_core::KUBERNETES_VERSION },
        "paths": paths,
        "components": { "schemas": schemas_of(&kinds) },
    })
}

/// The kinds' schemas and every schema they reference, by name.
fn schemas_of(kinds: &[Kind]) -> Map<String, Value> {
    let roots = kinds
        .iter()
        .filter_map(|kind| openapi::kind_schema(*kind))
        .map(|(name, _)| name);
    openapi::reachable(roots)
        .into_iter()
        .map(|name| (name.to_string(), openapi::schemas()[name].clone()))
        .collect()
}

/// `/api/v1/namespaces/{namespace}/pods/{name}`, `/api/v1/nodes/{name}`.
fn object_path(kind: Kind) -> String {
    let prefix = format!("/{}", document_path(kind.group(), kind.version()));
    if kind.is_namespaced() {
        format!(
            "{prefix}/namespaces/{{namespace}}/{}/{{name}}",
            kind.plural()
        )
    } else {
        format!("{prefix}/{}/{{name}}", kind.plural())
    }
}

fn patch_operation(kind: Kind) -> Value {
    let query = |name: &str, description: &str| {
        json!({
            "name": name,
            "in": "query",
            "description": description,
            "schema": { "type": "string", "uniqueItems": true },
        })
    };
    json!({
        "description": format!("partially update the specified {}", kind.name()),
        "operationId": format!("patch{}", kind.name()),
        "parameters": [
            query("dryRun", "When present, indicates that modifications should not be persisted."),
            query("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
            query("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields."),
        ],
        "responses": { "200": { "description": "OK" } },
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": {
            "group": kind.group(),
            "version": kind.version(),
            "kind": kind.name(),
        },
    })
}

/// FNV-1a, as a stable content hash for `?hash=`.
fn fnv_hex(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016X}")
}

fn json_with(content_type: &'static str, body: String) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// A group version's document as served, with its content hash.
struct ServedDocument {
    body: String,
    hash: String,
}

/// The documents never change while the server runs: each is rendered
/// once, on first use.
fn served_document(group: &str, version: &str) -> Option<&'static ServedDocument> {
    static DOCUMENTS: OnceLock<BTreeMap<String, ServedDocument>> = OnceLock::new();
    let documents = DOCUMENTS.get_or_init(|| {
        groups()
            .into_iter()
            .filter_map(|group| {
                let version = group_version(group)?;
                let body = document(group, version).to_string();
                let hash = fnv_hex(&body);
                Some((document_path(group, version), ServedDocument { body, hash }))
            })
            .collect()
    });
    documents.get(&document_path(group, version))
}

/// `GET /openapi/v3`.
pub async fn get_root() -> Response {
    json_with("application/json", root().to_string())
}

/// `GET /openapi/v3/{*path}`: one group version's document.
pub async fn get_document(Path(path): Path<String>, _query: RawQuery) -> Response {
    let segments: Vec<&str> = path.split('/').collect();
    let (group, version) = match segments.as_slice() {
        ["api", version] => ("", *version),
        ["apis", group, version] => (*group, *version),
        _ => return ApiError::no_such_path().into_response(),
    };
    match served_document(group, version) {
        Some(served) => json_with("application/json", served.body.clone()),
        None => ApiError::no_such_path().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_points_at_every_group_version() {
        let root = root();
        let url = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap_or("");
        assert!(url.starts_with("/openapi/v3/apis/apps/v1?hash="), "{url}");
        assert!(root["paths"]["api/v1"].is_object());
    }

    #[test]
    fn patch_operations_declare_their_kind_and_field_validation() {
        let doc = document("apps", "v1");
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"],
            json!({"group": "apps", "version": "v1", "kind": "Deployment"})
        );
        assert!(patch["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == "fieldValidation")));
        let nodes = &document("", "v1")["paths"]["/api/v1/nodes/{name}"];
        assert!(nodes["patch"].is_object());
    }
}

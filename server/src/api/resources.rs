//! The resource endpoints: `/api/v1/…` and `/apis/{group}/{version}/…`.
//! Each request is routed by its path ([`super::path`]) and method to a
//! thin handler that decodes what the client sent, runs one job on the
//! cluster thread (so a read-modify-write such as PATCH is atomic), and
//! encodes the answer: an object, a list, a Table, a `Status`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use sunaba_core::api::decode::{self, DecodeError};
use sunaba_core::api::{Kind, Object, StatusError};
use sunaba_core::apiserver::patch::{patched_object, PatchType};
use sunaba_core::apiserver::{DeleteOptions, DeleteOutcome, Propagation, WriteOptions};
use sunaba_core::store::ObjectKey;

use super::paging::Page;
use super::path::{self, Target};
use super::request::{
    content_type, json_body, object_body_for, read_body, wants_table, FieldValidation,
    IncludeObject, Query, Selection,
};
use super::status::{self, json_response, ApiError};
use super::{logs, scale, table, watch, Api};

/// Everything a resource request carries.
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// What the path names.
    pub target: Target,
    /// The query parameters.
    pub query: Query,
    /// The headers (Accept, Content-Type).
    pub headers: HeaderMap,
    /// The body, not yet read.
    pub body: Body,
    /// A WebSocket upgrade, when the client asked for one (a watch's
    /// events then come one per message).
    pub upgrade: Option<WebSocketUpgrade>,
}

/// `/api/v1/{*rest}`: the core group.
pub async fn core(
    State(api): State<Api>,
    method: Method,
    Path(rest): Path<String>,
    RawQuery(query): RawQuery,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let parts = Parts {
        query,
        headers,
        body,
        upgrade: upgrade.ok(),
    };
    handle(api, method, "", "v1", &rest, parts).await
}

/// `/apis/{group}/{version}/{*rest}`: the named groups.
pub async fn grouped(
    State(api): State<Api>,
    method: Method,
    Path((group, version, rest)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let parts = Parts {
        query,
        headers,
        body,
        upgrade: upgrade.ok(),
    };
    handle(api, method, &group, &version, &rest, parts).await
}

/// What a request carries besides its method and path.
struct Parts {
    query: Option<String>,
    headers: HeaderMap,
    body: Body,
    upgrade: Option<WebSocketUpgrade>,
}

async fn handle(
    api: Api,
    method: Method,
    group: &str,
    version: &str,
    rest: &str,
    parts: Parts,
) -> Response {
    let target = match path::parse(group, version, rest) {
        Ok(target) => target,
        Err(error) => return error.into_response(),
    };
    let request = Request {
        method,
        target,
        query: Query::parse(parts.query.as_deref()),
        headers: parts.headers,
        body: parts.body,
        upgrade: parts.upgrade,
    };
    match dispatch(api, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

/// Routes a request by method, name and subresource.
async fn dispatch(api: Api, request: Request) -> Result<Response, ApiError> {
    let kind = request.target.kind;
    let named = request.target.name.is_some();
    let subresource = request.target.subresource.clone();
    match (&request.method, named, subresource.as_deref()) {
        (&Method::GET, false, None) if request.query.flag("watch") => {
            watch::serve(api, request).await
        }
        (&Method::GET, false, None) => list(api, request).await,
        (&Method::POST, false, None) => create(api, request).await,
        (&Method::DELETE, false, None) => delete_collection(api, request).await,
        (&Method::GET, true, None | Some("status")) => get(api, request).await,
        (&Method::PUT, true, None) => replace(api, request).await,
        (&Method::PATCH, true, None) => patch(api, request).await,
        (&Method::DELETE, true, None) => delete(api, request).await,
        (&Method::GET, true, Some("log")) if kind == Kind::Pod => logs::serve(api, request).await,
        (_, true, Some("scale")) if matches!(kind, Kind::Deployment | Kind::ReplicaSet) => {
            scale::serve(api, request).await
        }
        (_, true, Some("log" | "status")) | (_, false, None) | (_, true, None) => Err(
            ApiError::method_not_allowed(request.method.as_str(), kind.name()),
        ),
        _ => Err(ApiError::no_such_path()),
    }
}

// ---- Reads ----------------------------------------------------------------

/// `GET` one object, as JSON or as a one-row Table.
async fn get(api: Api, request: Request) -> Result<Response, ApiError> {
    let target = request.target.clone();
    let (object, now, version) = api
        .cluster
        .call(move |c| {
            let object = c.api().get(
                target.kind,
                target.namespace_or_empty(),
                target.name_or_empty(),
            );
            (object, c.now(), c.api().store().resource_version())
        })
        .await?;
    let object = object?;
    if wants_table(&request.headers) {
        let include = IncludeObject::from_query(&request.query)?;
        let body = table::table(
            request.target.kind,
            &[object.as_ref()],
            now,
            version,
            include,
        );
        return Ok(table_response(&body));
    }
    Ok(json_response(StatusCode::OK, &object.to_value()))
}

/// `GET` a collection: a `…List`, or a Table when kubectl asks for one.
/// Everything comes in one page (`limit` is honoured by returning all, without `continue`).
async fn list(api: Api, request: Request) -> Result<Response, ApiError> {
    let kind = request.target.kind;
    let selection = Selection::from_query(&request.query, kind)?;
    let include = IncludeObject::from_query(&request.query)?;
    let page = Page::from_query(
        request.query.integer("limit")?,
        request.query.get("continue"),
    )?;
    let counted = request.query.get("labelSelector").is_none_or(str::is_empty)
        && request.query.get("fieldSelector").is_none_or(str::is_empty);
    let namespace = request.target.namespace.clone();
    let (objects, now, version) = api
        .cluster
        .call(move |c| {
            let store = c.api().store();
            let objects: Vec<Arc<Object>> = store
                .list(kind, namespace.as_deref())
                .filter(|o| selection.matches(o))
                .cloned()
                .collect();
            (objects, c.now(), store.resource_version())
        })
        .await?;
    let (objects, rest) = page.cut(objects, version, counted);
    let objects: Vec<&Object> = objects.iter().map(Arc::as_ref).collect();
    if wants_table(&request.headers) {
        let mut body = table::table(kind, &objects, now, version, include);
        rest.annotate(&mut body);
        return Ok(table_response(&body));
    }
    let mut body = list_value(kind, &objects, version);
    rest.annotate(&mut body);
    Ok(json_response(StatusCode::OK, &body))
}

/// A `PodList` (or other kind's list) of these objects.
pub fn list_value(kind: Kind, objects: &[&Object], version: u64) -> Value {
    json!({
        "kind": format!("{}List", kind.name()),
        "apiVersion": kind.api_version(),
        "metadata": { "resourceVersion": version.to_string() },
        "items": objects.iter().map(|o| o.to_value()).collect::<Vec<_>>(),
    })
}

fn table_response(body: &Value) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(table::TABLE_CONTENT_TYPE),
        )],
        body.to_string(),
    )
        .into_response()
}

// ---- Writes ---------------------------------------------------------------

/// A create or replace request's object, its write options and the
/// field-validation warnings it earned.
async fn object_write(request: Request) -> Result<(Object, WriteOptions, Vec<String>), ApiError> {
    let target = request.target;
    let options = write_options(&request.query)?;
    let validation = request.query.field_validation()?;
    let mut value = object_body_for(
        Some(target.kind),
        &request.headers,
        &read_body(request.body).await?,
    )?;
    check_body(&target, &mut value)?;
    let (object, warnings) = decode_body(target.kind, &value, validation)?;
    Ok((object, options, warnings))
}

/// `POST` a new object into a collection.
async fn create(api: Api, request: Request) -> Result<Response, ApiError> {
    let (object, options, warnings) = object_write(request).await?;
    let created = api
        .cluster
        .call(move |c| c.create_with(object, &options))
        .await??;
    Ok(with_warnings(
        json_response(StatusCode::CREATED, &created.to_value()),
        &warnings,
    ))
}

/// `PUT` an object in place; a set resourceVersion must match.
async fn replace(api: Api, request: Request) -> Result<Response, ApiError> {
    let (object, options, warnings) = object_write(request).await?;
    let updated = api
        .cluster
        .call(move |c| c.update_with(object, &options))
        .await??;
    Ok(with_warnings(
        json_response(StatusCode::OK, &updated.to_value()),
        &warnings,
    ))
}

/// `PATCH` an object: a strategic merge, JSON merge or JSON patch applied to
/// the stored object, then written as an update, all in one cluster job.
async fn patch(api: Api, request: Request) -> Result<Response, ApiError> {
    let content_type = content_type(&request.headers).to_string();
    if is_apply_patch(&content_type) {
        return server_side_apply(api, request).await;
    }
    let patch_type = PatchType::from_content_type(&content_type)
        .ok_or_else(|| ApiError::unsupported_patch(&content_type))?;
    let options = write_options(&request.query)?;
    let validation = request.query.field_validation()?;
    let patch_body = json_body(&read_body(request.body).await?)?;
    let target = request.target;
    let (updated, warnings) = api
        .cluster
        .call(move |c| -> Result<(Arc<Object>, Vec<String>), ApiError> {
            let current = c.api().get(
                target.kind,
                target.namespace_or_empty(),
                target.name_or_empty(),
            )?;
            let (object, warnings) = patched_object(&current, patch_type, &patch_body, validation)?;
            Ok((c.update_with(object, &options)?, warnings))
        })
        .await??;
    Ok(with_warnings(
        json_response(StatusCode::OK, &updated.to_value()),
        &warnings,
    ))
}

/// Whether a PATCH is a server-side apply (`application/apply-patch+yaml`).
fn is_apply_patch(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/apply-patch+yaml")
}

/// Server-side apply: the body (YAML or JSON, one object) merged as the
/// `fieldManager`'s configuration, `force` taking over conflicting fields;
/// 201 with the object when it was created, else 200.
async fn server_side_apply(api: Api, request: Request) -> Result<Response, ApiError> {
    let options = write_options(&request.query)?;
    let Some(manager) = options.field_manager.clone().filter(|m| !m.is_empty()) else {
        return Err(ApiError::bad_request(
            "fieldManager is required for apply requests",
        ));
    };
    let force = request.query.flag("force");
    let body = read_body(request.body).await?;
    let text = String::from_utf8_lossy(&body).into_owned();
    let mut config = match decode::parse_documents(&text) {
        Ok(mut documents) if documents.len() == 1 => documents.remove(0),
        Ok(_) => return Err(ApiError::bad_request("the apply patch must be one object")),
        Err(err) => return Err(ApiError::bad_request(err.message())),
    };
    let target = request.target;
    check_body(&target, &mut config)?;
    let namespace = target.namespace_or_empty().to_string();
    let (object, created) = api
        .cluster
        .call(move |c| {
            c.server_side_apply(target.kind, &namespace, &config, &manager, force, &options)
        })
        .await??;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json_response(status, &object.to_value()))
}

/// `DELETE` one object: the object when it stays (graceful or finalizers)
/// or is a pod, otherwise a Success `Status`.
async fn delete(api: Api, request: Request) -> Result<Response, ApiError> {
    let body = read_body(request.body).await?;
    let (options, resource_version) = delete_options(&request.query, &body)?;
    let target = request.target;
    let kind = target.kind;
    let key = ObjectKey::new(kind, target.namespace_or_empty(), target.name_or_empty());
    let outcome = api
        .cluster
        .call(move |c| -> Result<DeleteOutcome, StatusError> {
            if let Some(wanted) = resource_version {
                let current = c.api().get(key.kind, &key.namespace, &key.name)?;
                if current.resource_version().to_string() != wanted {
                    return Err(StatusError::conflict(key.kind, &key.name));
                }
            }
            c.delete(&key, &options)
        })
        .await??;
    Ok(json_response(
        StatusCode::OK,
        &deleted_value(kind, &outcome),
    ))
}

/// What a delete answers: pods and objects that stay come back whole.
fn deleted_value(kind: Kind, outcome: &DeleteOutcome) -> Value {
    match outcome {
        DeleteOutcome::Deleted(object) if kind != Kind::Pod => {
            status::success(object.name(), kind.group(), kind.plural(), object.uid())
        }
        other => other.object().to_value(),
    }
}

/// `DELETE` a collection: every selected object, answered as a list of what was deleted.
async fn delete_collection(api: Api, request: Request) -> Result<Response, ApiError> {
    let kind = request.target.kind;
    let selection = Selection::from_query(&request.query, kind)?;
    let body = read_body(request.body).await?;
    let (options, _) = delete_options(&request.query, &body)?;
    let namespace = request.target.namespace.clone();
    let (deleted, version) = api
        .cluster
        .call(move |c| -> Result<(Vec<Arc<Object>>, u64), StatusError> {
            let keys: Vec<ObjectKey> = c
                .api()
                .store()
                .list(kind, namespace.as_deref())
                .filter(|o| selection.matches(o))
                .map(|o| ObjectKey::of(o))
                .collect();
            let mut deleted = Vec::new();
            for key in keys {
                deleted.push(c.delete(&key, &options)?.object().clone());
            }
            Ok((deleted, c.api().store().resource_version()))
        })
        .await??;
    let objects: Vec<&Object> = deleted.iter().map(Arc::as_ref).collect();
    Ok(json_response(
        StatusCode::OK,
        &list_value(kind, &objects, version),
    ))
}

// ---- Request bodies and options ---------------------------------------------

/// `dryRun` and `fieldManager`.
fn write_options(query: &Query) -> Result<WriteOptions, ApiError> {
    Ok(WriteOptions {
        dry_run: query.dry_run()?,
        field_manager: query.get("fieldManager").map(str::to_string),
    })
}

/// Checks a body's type, namespace and name against the path, filling what it leaves out.
fn check_body(target: &Target, value: &mut Value) -> Result<(), ApiError> {
    let Some(map) = value.as_object_mut() else {
        return Err(ApiError::bad_request(
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
        ));
    };
    check_type(target.kind, map)?;
    let metadata = map.entry("metadata").or_insert_with(|| json!({}));
    let Some(metadata) = metadata.as_object_mut() else {
        return Err(ApiError::bad_request(
            "json: cannot unmarshal metadata: expected an object",
        ));
    };
    if let Some(namespace) = &target.namespace {
        if text_field(metadata, "namespace").is_some_and(|own| own != namespace) {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        metadata.insert("namespace".into(), json!(namespace));
    }
    if let Some(name) = &target.name {
        if let Some(own) = text_field(metadata, "name").filter(|own| own != name) {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({own}) does not match the name on the URL ({name})"
            )));
        }
        metadata.insert("name".into(), json!(name));
    }
    Ok(())
}

/// A body's `apiVersion` and `kind` must be the path's, and are filled in when left out.
fn check_type(kind: Kind, map: &mut Map<String, Value>) -> Result<(), ApiError> {
    if let Some(v) = text_field(map, "apiVersion").filter(|v| *v != kind.api_version()) {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({v}) does not match the expected API version ({})",
            kind.api_version()
        )));
    }
    if let Some(k) = text_field(map, "kind").filter(|k| *k != kind.name()) {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({k}) does not match the expected kind ({})",
            kind.name()
        )));
    }
    map.insert("apiVersion".into(), json!(kind.api_version()));
    map.insert("kind".into(), json!(kind.name()));
    Ok(())
}

/// A non-empty string field of a JSON object.
fn text_field<'m>(map: &'m Map<String, Value>, name: &str) -> Option<&'m str> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Decodes a body as `fieldValidation` says: unknown fields refused
/// (Strict), dropped with a warning each (Warn), or dropped (Ignore).
fn decode_body(
    kind: Kind,
    value: &Value,
    validation: FieldValidation,
) -> Result<(Object, Vec<String>), ApiError> {
    match decode::decode_strict(kind, value) {
        Ok(object) => Ok((object, Vec::new())),
        Err(DecodeError::UnknownFields { fields, .. }) if validation != FieldValidation::Strict => {
            let object = Object::from_value(kind, value)
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
            let warnings = match validation {
                FieldValidation::Warn => fields
                    .iter()
                    .map(|f| format!("unknown field {:?}", f.path))
                    .collect(),
                _ => Vec::new(),
            };
            Ok((object, warnings))
        }
        Err(error) => Err(ApiError::bad_request(error.message())),
    }
}

/// DeleteOptions from the query and the body (the body wins), plus a
/// resourceVersion precondition.
fn delete_options(query: &Query, body: &[u8]) -> Result<(DeleteOptions, Option<String>), ApiError> {
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        json_body(body)?
    };
    let text = |name: &str| -> Option<String> {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| query.get(name).map(str::to_string))
    };
    let grace = match body.get("gracePeriodSeconds").and_then(Value::as_i64) {
        Some(grace) => Some(grace),
        None => query.integer("gracePeriodSeconds")?,
    };
    let orphan = body
        .get("orphanDependents")
        .and_then(Value::as_bool)
        .or_else(|| query.get("orphanDependents").map(|v| v == "true"));
    let propagation = match text("propagationPolicy").filter(|p| !p.is_empty()) {
        Some(policy) => Some(Propagation::parse(&policy).ok_or_else(|| {
            ApiError::new(
                422,
                "Invalid",
                format!(
                    "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: {policy:?}: \
                     supported values: \"Foreground\", \"Background\", \"Orphan\""
                ),
            )
        })?),
        None => orphan.map(|o| if o { Propagation::Orphan } else { Propagation::Background }),
    };
    let dry_run = match body.get("dryRun").and_then(Value::as_array) {
        Some(values) => values.iter().any(|v| v == "All"),
        None => query.dry_run()?,
    };
    let preconditions = body.get("preconditions");
    let uid = preconditions
        .and_then(|p| p.get("uid"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let resource_version = preconditions
        .and_then(|p| p.get("resourceVersion"))
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok((
        DeleteOptions {
            grace_period_seconds: grace,
            propagation,
            precondition_uid: uid,
            dry_run,
        },
        resource_version,
    ))
}

/// Adds a `Warning: 299 - "…"` header per warning, which kubectl prints as `Warning: …`.
pub fn with_warnings(mut response: Response, warnings: &[String]) -> Response {
    let name = HeaderName::from_static("warning");
    for warning in warnings {
        let quoted = format!(
            "299 - \"{}\"",
            warning.replace('\\', "\\\\").replace('"', "\\\"")
        );
        if let Ok(value) = HeaderValue::from_str(&quoted) {
            response.headers_mut().append(name.clone(), value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_target() -> Target {
        Target {
            kind: Kind::Pod,
            namespace: Some("default".into()),
            name: None,
            subresource: None,
        }
    }

    #[test]
    fn bodies_get_their_type_and_namespace_from_the_path() {
        let mut value = json!({"metadata": {"name": "x"}});
        assert_eq!(check_body(&pod_target(), &mut value), Ok(()));
        assert_eq!(value["kind"], "Pod");
        assert_eq!(value["apiVersion"], "v1");
        assert_eq!(value["metadata"]["namespace"], "default");
        let mut other = json!({"metadata": {"name": "x", "namespace": "kube-system"}});
        assert_eq!(
            check_body(&pod_target(), &mut other).map_err(|e| e.code()),
            Err(400)
        );
        let mut deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment"});
        assert!(check_body(&pod_target(), &mut deployment).is_err());
    }

    #[test]
    fn unknown_fields_follow_field_validation() {
        let value =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "dta": {}});
        let strict = decode_body(Kind::ConfigMap, &value, FieldValidation::Strict);
        assert_eq!(
            strict.map(|_| ()).map_err(|e| e.message().to_string()),
            Err(r#"ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta""#.to_string())
        );
        let warned = decode_body(Kind::ConfigMap, &value, FieldValidation::Warn).map(|(_, w)| w);
        assert_eq!(warned, Ok(vec![r#"unknown field "dta""#.to_string()]));
    }

    #[test]
    fn delete_options_come_from_the_body_or_the_query() {
        let query = Query::parse(Some("gracePeriodSeconds=5"));
        let body =
            br#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}"#;
        let (options, rv) = delete_options(&query, body).expect("valid options");
        assert_eq!(options.grace_period_seconds, Some(5));
        assert_eq!(options.propagation, Some(Propagation::Foreground));
        assert_eq!(rv, None);
        let bad = delete_options(&Query::default(), br#"{"propagationPolicy":"Later"}"#);
        assert_eq!(bad.map(|_| ()).map_err(|e| e.code()), Err(422));
    }
}

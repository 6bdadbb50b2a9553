//! The `scale` subresource of Deployments and ReplicaSets, as
//! `autoscaling/v1` `Scale`: `GET`, `PUT` (kubectl scale with
//! `--current-replicas` or `--resource-version`) and `PATCH` (plain
//! `kubectl scale`, a merge patch of `spec.replicas`).

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use sunaba_core::api::{Object, StatusError};
use sunaba_core::apiserver::patch::{self, PatchType};
use sunaba_core::apiserver::WriteOptions;
use sunaba_core::kubectl::get::printers::selector_text;
use sunaba_core::Cluster;

use super::path::Target;
use super::request::{content_type, json_body, read_body};
use super::resources::Request;
use super::status::{json_response, ApiError};
use super::Api;

/// What a write of the scale asks for.
enum Change {
    /// `PUT`: the whole Scale.
    Replace(Value),
    /// `PATCH`: a patch of the Scale.
    Patch(PatchType, Value),
}

/// Serves `GET`, `PUT` and `PATCH` on `…/{name}/scale`.
pub async fn serve(api: Api, request: Request) -> Result<Response, ApiError> {
    let target = request.target.clone();
    let change = match request.method {
        Method::GET => None,
        Method::PUT => Some(Change::Replace(json_body(&read_body(request.body).await?)?)),
        Method::PATCH => {
            let content_type = content_type(&request.headers).to_string();
            let patch_type = PatchType::from_content_type(&content_type)
                .ok_or_else(|| ApiError::unsupported_patch(&content_type))?;
            Some(Change::Patch(
                patch_type,
                json_body(&read_body(request.body).await?)?,
            ))
        }
        ref other => {
            return Err(ApiError::method_not_allowed(other.as_str(), "Scale"));
        }
    };
    let dry_run = request.query.dry_run()?;
    let scale = api
        .cluster
        .call(move |c| write(c, &target, change, dry_run))
        .await??;
    Ok(json_response(StatusCode::OK, &scale))
}

/// Reads the object, applies the change to its Scale, and answers with the new Scale.
fn write(
    cluster: &mut Cluster,
    target: &Target,
    change: Option<Change>,
    dry_run: bool,
) -> Result<Value, ApiError> {
    let current = cluster.api().get(
        target.kind,
        target.namespace_or_empty(),
        target.name_or_empty(),
    )?;
    let scale = scale_of(&current);
    let wanted = match change {
        None => return Ok(scale),
        Some(Change::Replace(body)) => body,
        Some(Change::Patch(patch_type, body)) => {
            patch::apply(patch_type, &scale, &body).map_err(|e| match e {
                patch::PatchError::BadRequest(m) => ApiError::bad_request(m),
                patch::PatchError::Unprocessable(m) => ApiError::new(422, "Invalid", m),
            })?
        }
    };
    let version = wanted
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !version.is_empty() && version != current.resource_version().to_string() {
        return Err(StatusError::conflict(current.kind(), current.name()).into());
    }
    let replicas = replicas_in(&wanted, &current)?;
    let options = WriteOptions {
        dry_run,
        field_manager: None,
    };
    let updated = cluster.update_with(with_replicas(&current, replicas), &options)?;
    Ok(scale_of(&updated))
}

/// `spec.replicas` of the wanted Scale, which must be a whole number ≥ 0.
fn replicas_in(scale: &Value, current: &Object) -> Result<i32, ApiError> {
    let replicas = scale.pointer("/spec/replicas").unwrap_or(&Value::Null);
    if replicas.is_null() {
        return Ok(0);
    }
    match replicas.as_i64().and_then(|r| i32::try_from(r).ok()) {
        Some(r) if r >= 0 => Ok(r),
        Some(r) => Err(ApiError::new(
            422,
            "Invalid",
            format!(
                "Scale.autoscaling {:?} is invalid: spec.replicas: Invalid value: {r}: must be greater than or equal to 0",
                current.name()
            ),
        )),
        None => Err(ApiError::bad_request(format!(
            "json: cannot unmarshal {replicas} into Go struct field ScaleSpec.spec.replicas of type int32"
        ))),
    }
}

/// The object with a new `spec.replicas`, its resourceVersion kept as a precondition.
fn with_replicas(current: &Arc<Object>, replicas: i32) -> Object {
    let mut object = Object::clone(current);
    match &mut object {
        Object::Deployment(d) => {
            d.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        Object::ReplicaSet(rs) => {
            rs.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        _ => {}
    }
    object
}

/// The `autoscaling/v1` Scale of a Deployment or ReplicaSet.
pub fn scale_of(object: &Object) -> Value {
    let (spec_replicas, status_replicas, selector) = match object {
        Object::Deployment(d) => (
            d.spec.as_ref().and_then(|s| s.replicas),
            d.status.as_ref().and_then(|s| s.replicas),
            d.spec.as_ref().map(|s| selector_text(&s.selector)),
        ),
        Object::ReplicaSet(rs) => (
            rs.spec.as_ref().and_then(|s| s.replicas),
            rs.status.as_ref().map(|s| s.replicas),
            rs.spec.as_ref().map(|s| selector_text(&s.selector)),
        ),
        _ => (None, None, None),
    };
    let meta = object.metadata();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": object.name(),
            "namespace": object.namespace(),
            "uid": object.uid(),
            "resourceVersion": meta.resource_version,
            "creationTimestamp": meta.creation_timestamp,
        },
        "spec": { "replicas": spec_replicas.unwrap_or(1) },
        "status": {
            "replicas": status_replicas.unwrap_or(0),
            "selector": selector.unwrap_or_default(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::api::decode;

    #[test]
    fn a_deployment_scale_carries_its_replicas_and_selector() {
        let text = sunaba_core::seed::manifest("simple-deployment.yaml").unwrap_or_default();
        let objects = decode::decode_manifests(text).unwrap_or_default();
        let Some(deployment) = objects.first() else {
            panic!("the seed has a deployment");
        };
        let scale = scale_of(deployment);
        assert_eq!(scale["kind"], "Scale");
        assert!(scale["spec"]["replicas"].is_i64());
        assert!(scale["status"]["selector"]
            .as_str()
            .is_some_and(|s| !s.is_empty()));
    }
}

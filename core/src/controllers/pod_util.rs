//! Pod and owner helpers the controllers share (Kubernetes' `podutil` and
//! `controller_utils`).

use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::api::Object;
use crate::time::SimTime;

/// A pod that counts toward replicas: not finished and not being deleted.
pub fn is_active(pod: &Pod) -> bool {
    let phase = phase(pod);
    phase != "Succeeded" && phase != "Failed" && pod.metadata.deletion_timestamp.is_none()
}

/// The pod's phase, or empty.
pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

/// The node the pod is bound to, if it is.
pub fn node_name(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()?
        .node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

/// The pod's Ready condition holds.
pub fn is_ready(pod: &Pod) -> bool {
    ready_since(pod).is_some()
}

/// When the pod became Ready, if it is.
pub fn ready_since(pod: &Pod) -> Option<SimTime> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == "True")
        .map(|c| {
            c.last_transition_time
                .as_ref()
                .map(SimTime::from_time)
                .unwrap_or_default()
        })
}

/// When the pod becomes (or became) available: Ready for `min_ready_seconds`.
pub fn available_at(pod: &Pod, min_ready_seconds: i32) -> Option<SimTime> {
    ready_since(pod).map(|since| since.plus_secs(i64::from(min_ready_seconds)))
}

/// The pod is available at `now`.
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    available_at(pod, min_ready_seconds).is_some_and(|at| min_ready_seconds == 0 || at <= now)
}

/// The owner reference with `controller: true`, if any.
pub fn controller_ref(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
}

/// A controller owner reference to `owner`, as controllers set on what they create.
pub fn new_controller_ref(owner: &Object) -> OwnerReference {
    OwnerReference {
        api_version: owner.kind().api_version().to_string(),
        kind: owner.kind().name().to_string(),
        name: owner.name().to_string(),
        uid: owner.uid().to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// A pod from a template, as the ReplicaSet controller makes them:
/// `generateName: <owner>-`, the template's labels and annotations, and a controller reference.
pub fn pod_from_template(template: &PodTemplateSpec, owner: &Object) -> Pod {
    let template_meta = template.metadata.clone().unwrap_or_default();
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", owner.name())),
            namespace: Some(owner.namespace().to_string()),
            labels: template_meta.labels,
            annotations: template_meta.annotations,
            finalizers: template_meta.finalizers,
            owner_references: Some(vec![new_controller_ref(owner)]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

/// The highest restart count among the pod's containers.
pub fn max_restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
}

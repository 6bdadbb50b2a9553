//! The pod `binding` subresource, and the scheduler's PodScheduled condition.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{PodCondition, PodStatus};

use super::ApiServer;
use crate::api::{Kind, Object, StatusError};
use crate::store::ObjectKey;
use crate::time::SimTime;

impl ApiServer {
    /// Binds a pending pod to a node, as `POST pods/<name>/binding` does.
    pub fn bind(
        &mut self,
        key: &ObjectKey,
        node: &str,
        now: SimTime,
    ) -> Result<Arc<Object>, StatusError> {
        let current = self.get(Kind::Pod, &key.namespace, &key.name)?;
        let Object::Pod(pod) = current.as_ref() else {
            return Err(StatusError::not_found(Kind::Pod, &key.name));
        };
        let mut pod = pod.clone();
        let spec = pod.spec.get_or_insert_with(Default::default);
        if let Some(existing) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
            return Err(StatusError::conflict_message(
                Kind::Pod,
                &key.name,
                format!("pod {} is already assigned to node {existing:?}", key.name),
            ));
        }
        if pod.metadata.deletion_timestamp.is_some() {
            return Err(StatusError::conflict_message(
                Kind::Pod,
                &key.name,
                format!(
                    "pod {} is being deleted, cannot be assigned to a host",
                    key.name
                ),
            ));
        }
        spec.node_name = Some(node.to_string());
        set_condition(
            pod.status.get_or_insert_with(Default::default),
            scheduled(true, None, now),
        );
        Ok(self.store.replace(Object::Pod(pod)))
    }

    /// Records that no node fits a pod: PodScheduled False, reason Unschedulable.
    pub fn mark_unschedulable(
        &mut self,
        key: &ObjectKey,
        message: &str,
        now: SimTime,
    ) -> Result<Arc<Object>, StatusError> {
        let current = self.get(Kind::Pod, &key.namespace, &key.name)?;
        let Object::Pod(pod) = current.as_ref() else {
            return Err(StatusError::not_found(Kind::Pod, &key.name));
        };
        let mut pod = pod.clone();
        let status = pod.status.get_or_insert_with(Default::default);
        status.phase.get_or_insert_with(|| "Pending".into());
        if !set_condition(status, scheduled(false, Some(message), now)) {
            return Ok(current);
        }
        Ok(self.store.replace(Object::Pod(pod)))
    }
}

fn scheduled(ok: bool, message: Option<&str>, now: SimTime) -> PodCondition {
    PodCondition {
        type_: "PodScheduled".into(),
        status: if ok { "True" } else { "False" }.into(),
        reason: (!ok).then(|| "Unschedulable".to_string()),
        message: message.map(str::to_string),
        last_transition_time: Some(now.to_time()),
        last_probe_time: None,
        observed_generation: None,
    }
}

/// Sets a condition, keeping its transition time when the status did not
/// change; true when anything changed.
pub fn set_condition(status: &mut PodStatus, condition: PodCondition) -> bool {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
        Some(existing) => {
            let same_status = existing.status == condition.status;
            let changed = !same_status
                || existing.reason != condition.reason
                || existing.message != condition.message;
            let transition = if same_status {
                existing.last_transition_time.clone()
            } else {
                condition.last_transition_time.clone()
            };
            *existing = PodCondition {
                last_transition_time: transition,
                ..condition
            };
            changed
        }
        None => {
            conditions.push(condition);
            true
        }
    }
}

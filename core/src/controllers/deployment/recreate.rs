//! `rolloutRecreate`: scale every old ReplicaSet to zero, wait until their
//! pods are gone, then scale the new one up.

use super::sync::Plan;
use super::{rollback, rolling, util};
use crate::api::{Kind, Object};
use crate::controllers::pod_util;

/// One step of a Recreate rollout.
pub fn rollout(plan: &mut Plan<'_>) {
    plan.sync_revision(false);
    let old: Vec<usize> = plan
        .old_indices()
        .into_iter()
        .filter(|i| util::rs_replicas(&plan.rss[*i]) > 0)
        .collect();
    if !old.is_empty() {
        for index in old {
            plan.scale_rs(index, 0);
        }
        plan.finish_status(true);
        return;
    }
    if old_pods_running(plan) {
        plan.finish_status(true);
        return;
    }
    plan.sync_revision(true);
    if let Some(new) = plan.new_rs {
        plan.scale_rs(new, util::replicas(&plan.d));
    }
    if rolling::is_complete(plan) {
        rollback::cleanup_history(plan);
    }
    plan.finish_status(true);
}

/// Whether any pod of an old ReplicaSet still exists and has not finished.
fn old_pods_running(plan: &Plan<'_>) -> bool {
    let store = plan.ctx.store;
    plan.old_indices().into_iter().any(|i| {
        let uid = plan.rss[i].metadata.uid.clone().unwrap_or_default();
        store
            .dependents_of(&uid)
            .filter(|k| k.kind == Kind::Pod)
            .any(|k| match store.get(k).map(|o| o.as_ref()) {
                Some(Object::Pod(pod)) => !matches!(pod_util::phase(pod), "Succeeded" | "Failed"),
                _ => false,
            })
    })
}

//! Deployment conditions: Available, and Progressing with its deadline
//! (`syncRolloutStatus`).

use k8s_openapi::api::apps::v1::{DeploymentCondition, DeploymentStatus};

use super::sync::Plan;
use super::util;
use crate::time::SimTime;

fn condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: SimTime,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_update_time: Some(now.to_time()),
        last_transition_time: Some(now.to_time()),
    }
}

/// Sets a condition; the transition time stays when the status is unchanged.
fn set(status: &mut DeploymentStatus, mut new: DeploymentCondition) {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    match conditions.iter_mut().find(|c| c.type_ == new.type_) {
        Some(existing) => {
            if existing.status == new.status
                && existing.reason == new.reason
                && existing.message == new.message
            {
                return;
            }
            if existing.status == new.status {
                new.last_transition_time = existing.last_transition_time.clone();
            }
            *existing = new;
        }
        None => conditions.push(new),
    }
}

fn get<'s>(status: &'s DeploymentStatus, type_: &str) -> Option<&'s DeploymentCondition> {
    status
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

/// Updates the conditions of `status`; returns how long until the progress
/// deadline should be checked again, if a rollout is still under way.
pub fn update_conditions(
    plan: &Plan<'_>,
    status: &mut DeploymentStatus,
    check_progress: bool,
) -> Option<i64> {
    let now = plan.ctx.now;
    let wanted = util::replicas(&plan.d);
    let (_, unavailable) = util::fenceposts(&plan.d);
    let available = status.available_replicas.unwrap_or(0);
    if available >= wanted - unavailable {
        set(
            status,
            condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
                now,
            ),
        );
    } else {
        set(
            status,
            condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
                now,
            ),
        );
    }
    if util::is_paused(&plan.d) {
        set(
            status,
            condition(
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused".into(),
                now,
            ),
        );
        return None;
    }
    if get(status, "Progressing").is_some_and(|c| c.reason.as_deref() == Some("DeploymentPaused")) {
        set(
            status,
            condition(
                "Progressing",
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed".into(),
                now,
            ),
        );
    }
    if !check_progress {
        return None;
    }
    let new_name = plan
        .new_rs
        .and_then(|i| plan.rss[i].metadata.name.clone())
        .unwrap_or_default();
    let deadline = plan
        .d
        .spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .unwrap_or(600);
    let complete = status.updated_replicas.unwrap_or(0) == wanted
        && status.replicas.unwrap_or(0) == wanted
        && available == wanted
        && status.observed_generation >= plan.d.metadata.generation;
    if complete {
        set(
            status,
            condition(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                format!("ReplicaSet {new_name:?} has successfully progressed."),
                now,
            ),
        );
        return None;
    }
    let previous = plan.d.status.clone().unwrap_or_default();
    if let Some((reason, message)) = plan
        .progressing_reason
        .clone()
        .filter(|(r, _)| *r == "NewReplicaSetCreated")
    {
        set(
            status,
            condition("Progressing", "True", reason, message, now),
        );
    } else if made_progress(&previous, status) || get(status, "Progressing").is_none() {
        let (reason, message) = match get(status, "Progressing") {
            None => plan.progressing_reason.clone().unwrap_or((
                "ReplicaSetUpdated",
                format!("ReplicaSet {new_name:?} is progressing."),
            )),
            Some(_) => (
                "ReplicaSetUpdated",
                format!("ReplicaSet {new_name:?} is progressing."),
            ),
        };
        let mut c = condition("Progressing", "True", reason, message, now);
        if let Some(existing) = get(status, "Progressing").filter(|e| e.status == "True") {
            c.last_transition_time = existing.last_transition_time.clone();
        }
        replace(status, c);
    }
    let last_update = get(status, "Progressing")
        .filter(|c| c.status == "True")
        .and_then(|c| c.last_update_time.as_ref())
        .map(SimTime::from_time)?;
    let expires = last_update.plus_secs(i64::from(deadline));
    if now >= expires {
        set(
            status,
            condition(
                "Progressing",
                "False",
                "ProgressDeadlineExceeded",
                format!("ReplicaSet {new_name:?} has timed out progressing."),
                now,
            ),
        );
        None
    } else {
        Some(expires.millis_since(now))
    }
}

/// Replaces a condition outright (its update time moves even when nothing else does).
fn replace(status: &mut DeploymentStatus, new: DeploymentCondition) {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    match conditions.iter_mut().find(|c| c.type_ == new.type_) {
        Some(existing) => *existing = new,
        None => conditions.push(new),
    }
}

/// `DeploymentProgressing`: more updated, ready or available pods, or fewer old ones.
fn made_progress(old: &DeploymentStatus, new: &DeploymentStatus) -> bool {
    let n = |v: Option<i32>| v.unwrap_or(0);
    let old_old = n(old.replicas) - n(old.updated_replicas);
    let new_old = n(new.replicas) - n(new.updated_replicas);
    n(new.updated_replicas) > n(old.updated_replicas)
        || new_old < old_old
        || n(new.ready_replicas) > n(old.ready_replicas)
        || n(new.available_replicas) > n(old.available_replicas)
}

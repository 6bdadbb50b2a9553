//! `rolloutRolling`: grow the new ReplicaSet within maxSurge, shrink the
//! old ones within maxUnavailable, unhealthy pods first.

use super::sync::Plan;
use super::{rollback, util};

/// One step of a rolling update.
pub fn rollout(plan: &mut Plan<'_>) {
    plan.sync_revision(true);
    if reconcile_new_replica_set(plan) || reconcile_old_replica_sets(plan) {
        plan.finish_status(true);
        return;
    }
    if is_complete(plan) {
        rollback::cleanup_history(plan);
    }
    plan.finish_status(true);
}

/// Scales the new ReplicaSet toward the target; true when it changed.
fn reconcile_new_replica_set(plan: &mut Plan<'_>) -> bool {
    let Some(new) = plan.new_rs else { return false };
    let wanted = util::replicas(&plan.d);
    let current = util::rs_replicas(&plan.rss[new]);
    if current == wanted {
        return false;
    }
    if current > wanted {
        plan.scale_rs(new, wanted);
        return true;
    }
    let (surge, _) = util::fenceposts(&plan.d);
    let total = plan.total_replicas();
    let max_total = wanted + surge;
    if total >= max_total {
        return false;
    }
    let scale_up = (max_total - total).min(wanted - current);
    plan.scale_rs(new, current + scale_up);
    true
}

/// Scales old ReplicaSets down as far as availability allows; true when any changed.
fn reconcile_old_replica_sets(plan: &mut Plan<'_>) -> bool {
    let old: Vec<usize> = plan
        .old_indices()
        .into_iter()
        .filter(|i| util::rs_replicas(&plan.rss[*i]) > 0)
        .collect();
    if plan.replicas_of(&old) == 0 {
        return false;
    }
    let (_, unavailable) = util::fenceposts(&plan.d);
    let min_available = util::replicas(&plan.d) - unavailable;
    let new_unavailable = plan.new_rs.map_or(0, |i| {
        util::rs_replicas(&plan.rss[i]) - util::rs_available(&plan.rss[i])
    });
    let max_scaled_down = plan.total_replicas() - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return false;
    }
    let cleaned = cleanup_unhealthy(plan, &old, max_scaled_down);
    let scaled = scale_down_old(plan, &old);
    cleaned + scaled > 0
}

/// Removes old pods that are not available, oldest ReplicaSet first.
fn cleanup_unhealthy(plan: &mut Plan<'_>, old: &[usize], max: i32) -> i32 {
    let mut total = 0;
    for &index in old {
        if total >= max {
            break;
        }
        let replicas = util::rs_replicas(&plan.rss[index]);
        let unhealthy = replicas - util::rs_available(&plan.rss[index]);
        if unhealthy <= 0 {
            continue;
        }
        let down = unhealthy.min(max - total);
        plan.scale_rs(index, replicas - down);
        total += down;
    }
    total
}

/// Scales old ReplicaSets down while enough pods stay available.
fn scale_down_old(plan: &mut Plan<'_>, old: &[usize]) -> i32 {
    let (_, unavailable) = util::fenceposts(&plan.d);
    let min_available = util::replicas(&plan.d) - unavailable;
    let available: i32 = plan.rss.iter().map(util::rs_available).sum();
    if available <= min_available {
        return 0;
    }
    let budget = available - min_available;
    let mut total = 0;
    for &index in old {
        if total >= budget {
            break;
        }
        let replicas = util::rs_replicas(&plan.rss[index]);
        if replicas == 0 {
            continue;
        }
        let down = replicas.min(budget - total);
        plan.scale_rs(index, replicas - down);
        total += down;
    }
    total
}

/// `DeploymentComplete`, judged on the ReplicaSets' current state.
pub fn is_complete(plan: &Plan<'_>) -> bool {
    let wanted = util::replicas(&plan.d);
    let Some(new) = plan.new_rs else { return false };
    let rs = &plan.rss[new];
    let updated = rs.status.as_ref().map_or(0, |s| s.replicas);
    let total: i32 = plan
        .rss
        .iter()
        .map(|r| r.status.as_ref().map_or(0, |s| s.replicas))
        .sum();
    let available: i32 = plan.rss.iter().map(util::rs_available).sum();
    updated == wanted && total == wanted && available == wanted
}

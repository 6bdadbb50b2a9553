//! Revision history: old ReplicaSets are the revisions `rollout undo` can
//! return to; those beyond `revisionHistoryLimit` are deleted, oldest first.
//! (The undo itself is a template change that kubectl sends; the sync then
//! finds the old ReplicaSet as the new one and renumbers it.)

use super::sync::Plan;
use super::util;

/// `cleanupDeployment`: deletes the oldest empty ReplicaSets beyond the history limit.
pub fn cleanup_history(plan: &mut Plan<'_>) {
    let limit = plan
        .d
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10)
        .max(0) as usize;
    let mut empty: Vec<usize> = plan
        .old_indices()
        .into_iter()
        .filter(|i| {
            let rs = &plan.rss[*i];
            util::rs_replicas(rs) == 0
                && rs.status.as_ref().map_or(0, |s| s.replicas) == 0
                && rs.metadata.deletion_timestamp.is_none()
        })
        .collect();
    if empty.len() <= limit {
        return;
    }
    empty.sort_by_key(|i| util::revision(&plan.rss[*i].metadata));
    let excess = empty.len() - limit;
    for index in empty.into_iter().take(excess) {
        plan.delete_rs(index);
    }
}

//! What kube-scheduler's scheduling queue does with pods that did not fit
//! (`pkg/scheduler/backend/queue`): each failed attempt backs the pod off,
//! 1 s doubling to 10 s; a cluster change that might make room (a pod
//! leaving a node, a node added or changed) moves it back to be tried once
//! its back-off has ended; a pod that no change moves is tried again after
//! 5 minutes all the same. Attempts so follow time, not the number of
//! changes: a rollout that deletes thousands of pods while hundreds wait
//! costs each waiting pod one attempt per back-off, not one per deletion.

use std::collections::{BTreeMap, BTreeSet};

use crate::store::ObjectKey;
use crate::time::SimTime;

/// The back-off after a pod's first failed attempt (`podInitialBackoffSeconds`).
pub const INITIAL_BACKOFF_MS: i64 = 1_000;
/// The longest back-off (`podMaxBackoffSeconds`).
pub const MAX_BACKOFF_MS: i64 = 10_000;
/// How long a pod waits for a change before it is tried anyway
/// (`podMaxInUnschedulablePodsDuration`).
pub const MAX_UNSCHEDULABLE_MS: i64 = 300_000;

/// The back-off after `attempts` failed attempts.
pub fn backoff_ms(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(16);
    (INITIAL_BACKOFF_MS << doublings).min(MAX_BACKOFF_MS)
}

/// A pending pod's failed attempts.
#[derive(Clone, Copy, Debug)]
struct Attempts {
    count: u32,
    last: SimTime,
    /// [`UnschedulablePods::moves`] at the last attempt.
    moves_seen: u64,
}

/// The pods that were tried and fit nowhere.
#[derive(Default)]
pub struct UnschedulablePods {
    pods: BTreeMap<ObjectKey, Attempts>,
    /// Pods whose back-off ended with no change since their last attempt:
    /// the next change wakes them.
    waiting: BTreeSet<ObjectKey>,
    /// Changes so far that might have made room.
    moves: u64,
}

impl UnschedulablePods {
    /// Whether the pod may be tried at `now`. A pod never tried may; one in
    /// back-off may not (its back-off timer brings it back); one whose
    /// back-off has ended may if something changed since its last attempt
    /// or it has waited 5 minutes, and otherwise waits for the next change.
    pub fn may_try(&mut self, key: &ObjectKey, now: SimTime) -> bool {
        let Some(attempts) = self.pods.get(key) else {
            return true;
        };
        if now < attempts.last.plus_millis(backoff_ms(attempts.count)) {
            return false;
        }
        let moved = self.moves > attempts.moves_seen;
        let flushed = now >= attempts.last.plus_millis(MAX_UNSCHEDULABLE_MS);
        if moved || flushed {
            self.waiting.remove(key);
            true
        } else {
            self.waiting.insert(key.clone());
            false
        }
    }

    /// Records a failed attempt at `now`; returns the delays, in
    /// milliseconds, after which to look at the pod again: the end of its
    /// back-off, and the 5-minute flush.
    pub fn failed(&mut self, key: &ObjectKey, now: SimTime) -> [i64; 2] {
        let moves = self.moves;
        let attempts = self.pods.entry(key.clone()).or_insert(Attempts {
            count: 0,
            last: now,
            moves_seen: moves,
        });
        attempts.count = attempts.count.saturating_add(1);
        attempts.last = now;
        attempts.moves_seen = moves;
        self.waiting.remove(key);
        [backoff_ms(attempts.count), MAX_UNSCHEDULABLE_MS]
    }

    /// Forgets a pod that was bound, deleted or finished.
    pub fn forget(&mut self, key: &ObjectKey) {
        if self.pods.remove(key).is_some() {
            self.waiting.remove(key);
        }
    }

    /// Notes a change that might make room; returns the waiting pods, to
    /// be tried now. Pods still in back-off are tried when it ends.
    pub fn move_all(&mut self) -> Vec<ObjectKey> {
        if self.pods.is_empty() {
            return Vec::new();
        }
        self.moves += 1;
        std::mem::take(&mut self.waiting).into_iter().collect()
    }

    /// Every pod here, in key order.
    pub fn keys(&self) -> impl Iterator<Item = &ObjectKey> {
        self.pods.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Kind;

    fn key(name: &str) -> ObjectKey {
        ObjectKey::new(Kind::Pod, "default", name)
    }

    const T0: SimTime = SimTime::TEST_EPOCH;

    #[test]
    fn back_off_doubles_from_one_second_to_ten() {
        let waits: Vec<i64> = (1..=6).map(backoff_ms).collect();
        assert_eq!(waits, [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
        assert_eq!(backoff_ms(u32::MAX), MAX_BACKOFF_MS);
    }

    #[test]
    fn a_pod_never_tried_may_be_tried() {
        let mut queue = UnschedulablePods::default();
        assert!(queue.may_try(&key("new"), T0));
    }

    #[test]
    fn a_change_during_back_off_lets_the_pod_be_tried_when_it_ends() {
        let mut queue = UnschedulablePods::default();
        assert_eq!(queue.failed(&key("p"), T0), [1_000, MAX_UNSCHEDULABLE_MS]);
        assert!(queue.move_all().is_empty(), "nobody waits yet");
        assert!(!queue.may_try(&key("p"), T0.plus_millis(999)));
        assert!(queue.may_try(&key("p"), T0.plus_millis(1_000)));
    }

    #[test]
    fn with_no_change_a_pod_waits_and_the_next_change_wakes_it() {
        let mut queue = UnschedulablePods::default();
        queue.failed(&key("p"), T0);
        assert!(
            !queue.may_try(&key("p"), T0.plus_secs(1)),
            "nothing changed"
        );
        assert_eq!(queue.move_all(), [key("p")]);
        assert!(queue.may_try(&key("p"), T0.plus_secs(2)));
        assert!(queue.move_all().is_empty(), "it left the waiting pods");
    }

    #[test]
    fn a_pod_no_change_moves_is_tried_after_five_minutes() {
        let mut queue = UnschedulablePods::default();
        queue.failed(&key("p"), T0);
        assert!(!queue.may_try(&key("p"), T0.plus_millis(MAX_UNSCHEDULABLE_MS - 1)));
        assert!(queue.may_try(&key("p"), T0.plus_millis(MAX_UNSCHEDULABLE_MS)));
    }

    #[test]
    fn each_failure_lengthens_the_back_off_and_forgetting_resets_it() {
        let mut queue = UnschedulablePods::default();
        let delays: Vec<i64> = (0..5)
            .map(|i| queue.failed(&key("p"), T0.plus_secs(i))[0])
            .collect();
        assert_eq!(delays, [1_000, 2_000, 4_000, 8_000, 10_000]);
        queue.forget(&key("p"));
        assert!(queue.may_try(&key("p"), T0.plus_secs(5)));
        assert_eq!(queue.failed(&key("p"), T0.plus_secs(5))[0], 1_000);
        assert_eq!(queue.keys().collect::<Vec<_>>(), [&key("p")]);
    }
}

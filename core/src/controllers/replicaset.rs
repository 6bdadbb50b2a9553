//! The ReplicaSet controller (`syncReplicaSet`, `manageReplicas`): keeps the
//! number of active pods equal to `spec.replicas`, adopts matching orphans,
//! releases pods that stopped matching, and reports status.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};
use k8s_openapi::api::core::v1::Pod;

use super::pod_util::{self, controller_ref, node_name};
use super::reason::Reason;
use super::{Action, Context, Controller, CreateEvents, NAME_PLACEHOLDER};
use crate::api::selector::{labels_of, Selector, NO_LABELS};
use crate::api::{Kind, Object};
use crate::apiserver::events::{reference_to, EventType, NewEvent, Reporter};
use crate::apiserver::DeleteOptions;
use crate::store::{NamePair, ObjectKey, Store, WatchEvent, WatchEventType};
use crate::time::SimTime;

/// At most this many pods are created or deleted in one sync (`BurstReplicas`).
pub const BURST_REPLICAS: usize = 500;

/// The annotation that makes some pods cheaper to delete on scale-down.
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// The ReplicaSet controller.
#[derive(Default)]
pub struct ReplicaSetController {
    /// Active pods with no controller, by namespace: candidates for adoption.
    orphans: BTreeMap<String, BTreeSet<String>>,
    /// What each ReplicaSet's pods add up to, kept from the watch.
    tally: Tally,
}

/// What the controller knows of the pods ReplicaSets control, kept up to
/// date from the watch as an informer's cache is, so that a sync that only
/// reports status or creates pods costs what changed, not one look at every
/// pod. A sync that must look at pods one by one (releasing, adopting,
/// deleting, `minReadySeconds`) goes through them all and counts afresh.
#[derive(Default)]
struct Tally {
    /// Each pod with a ReplicaSet as its controller, by namespace and name.
    pods: FxHashMap<(String, String), PodFacts>,
    /// Per ReplicaSet uid, its pods' facts added up.
    counts: FxHashMap<String, Counts>,
    /// Numbers the recounts, so that one can tell the pods it saw.
    recounts: u64,
}

/// One pod, as its ReplicaSet sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PodFacts {
    /// The controlling ReplicaSet's uid.
    owner: String,
    /// What the pod adds to its ReplicaSet's counts.
    flags: PodFlags,
    /// The recount that last saw the pod, if any.
    seen_in: u64,
}

/// What one pod adds to its ReplicaSet's counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PodFlags {
    /// Not matching, and not being deleted: to release.
    releasable: bool,
    /// Matching and active (not finished, not being deleted).
    active: bool,
    /// Active and Ready.
    ready: bool,
    /// Active and carrying every label of the ReplicaSet's template.
    labeled: bool,
}

/// A ReplicaSet's pods added up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Counts {
    /// The ReplicaSet's generation the facts were taken against; a pod
    /// seen under another generation makes them stale.
    generation: Option<i64>,
    /// The ReplicaSet's selector at that generation.
    selector: Option<Selector>,
    /// Counted afresh since nothing could make the counts wrong.
    fresh: bool,
    active: usize,
    ready: usize,
    labeled: usize,
    releasable: usize,
}

impl Counts {
    fn add(&mut self, flags: PodFlags, sign: isize) {
        let apply = |n: &mut usize, on: bool| {
            if on {
                *n = n.wrapping_add_signed(sign);
            }
        };
        apply(&mut self.active, flags.active);
        apply(&mut self.ready, flags.ready);
        apply(&mut self.labeled, flags.labeled);
        apply(&mut self.releasable, flags.releasable);
    }
}

impl PodFlags {
    /// What `pod`, controlled by `rs` (whose selector is `selector`), adds up to.
    fn of(pod: &Pod, rs: &ReplicaSet, selector: &Selector) -> Self {
        let labels = labels_of(&pod.metadata);
        let matches = selector.matches(labels);
        let active = matches && pod_util::is_active(pod);
        Self {
            releasable: !matches && pod.metadata.deletion_timestamp.is_none(),
            active,
            ready: active && pod_util::is_ready(pod),
            labeled: active && carries_template_labels(labels, rs),
        }
    }
}

impl Tally {
    /// Takes in a pod's change: its facts replace those it had.
    fn observe_pod(&mut self, pod: &Pod, event: WatchEventType, store: &Store) {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("");
        let name = pod.metadata.name.as_deref().unwrap_or("");
        let old = self.pods.remove_entry(&(namespace, name) as &dyn NamePair);
        if let Some((_, facts)) = &old {
            if let Some(counts) = self.counts.get_mut(&facts.owner) {
                counts.add(facts.flags, -1);
            }
        }
        if event == WatchEventType::Deleted {
            return;
        }
        let Some(owner) = controller_ref(&pod.metadata).filter(|r| r.kind == "ReplicaSet") else {
            return;
        };
        let Some(counts) = self.counts.get_mut(&owner.uid) else {
            // Not counted yet: its first sync counts every pod.
            return;
        };
        let rs = store
            .find(Kind::ReplicaSet, namespace, &owner.name)
            .and_then(|o| match o.as_ref() {
                Object::ReplicaSet(rs) if rs.metadata.uid.as_deref() == Some(&owner.uid) => {
                    Some(rs)
                }
                _ => None,
            });
        let flags = match (rs, &counts.selector) {
            (Some(rs), Some(selector)) if rs.metadata.generation == counts.generation => {
                PodFlags::of(pod, rs, selector)
            }
            _ => {
                counts.fresh = false;
                return;
            }
        };
        counts.add(flags, 1);
        let (key, owner) = match old {
            Some((key, facts)) if facts.owner == owner.uid => (key, facts.owner),
            Some((key, _)) => (key, owner.uid.clone()),
            None => ((namespace.to_string(), name.to_string()), owner.uid.clone()),
        };
        let facts = PodFacts {
            owner,
            flags,
            seen_in: 0,
        };
        self.pods.insert(key, facts);
    }

    /// Takes in a ReplicaSet's change: a new generation (a new selector or
    /// template) makes its counts stale; a deleted one's are dropped.
    fn observe_replica_set(&mut self, rs: &ReplicaSet, event: WatchEventType) {
        let Some(uid) = rs.metadata.uid.as_deref() else {
            return;
        };
        if event == WatchEventType::Deleted {
            self.counts.remove(uid);
        } else if let Some(counts) = self.counts.get_mut(uid) {
            if counts.generation != rs.metadata.generation {
                counts.fresh = false;
            }
        }
    }

    /// The counts of a ReplicaSet, if they are fresh for this generation.
    fn fresh_counts(&self, rs: &ReplicaSet) -> Option<&Counts> {
        let counts = self.counts.get(rs.metadata.uid.as_deref()?)?;
        (counts.fresh && counts.generation == rs.metadata.generation).then_some(counts)
    }

    /// Counts a ReplicaSet's pods afresh, one by one, from its dependent
    /// pods. A pod already known keeps its entry, so a recount of many pods
    /// builds no keys.
    fn recount(
        &mut self,
        dependents: &[&Arc<Object>],
        object: &Object,
        rs: &ReplicaSet,
        selector: &Selector,
    ) {
        let uid = object.uid();
        self.recounts += 1;
        let stamp = self.recounts;
        let mut counts = Counts {
            generation: rs.metadata.generation,
            selector: Some(selector.clone()),
            fresh: true,
            ..Counts::default()
        };
        for pod in controlled_by(dependents, uid) {
            let flags = PodFlags::of(pod, rs, selector);
            counts.add(flags, 1);
            let pair = (
                pod.metadata.namespace.as_deref().unwrap_or(""),
                pod.metadata.name.as_deref().unwrap_or(""),
            );
            match self.pods.get_mut(&pair as &dyn NamePair) {
                Some(facts) => {
                    if facts.owner != uid {
                        facts.owner = uid.to_string();
                    }
                    facts.flags = flags;
                    facts.seen_in = stamp;
                }
                None => {
                    let facts = PodFacts {
                        owner: uid.to_string(),
                        flags,
                        seen_in: stamp,
                    };
                    self.pods
                        .insert((pair.0.to_string(), pair.1.to_string()), facts);
                }
            }
        }
        self.pods
            .retain(|_, facts| facts.owner != uid || facts.seen_in == stamp);
        self.counts.insert(uid.to_string(), counts);
    }
}

impl Controller for ReplicaSetController {
    fn name(&self) -> &'static str {
        "replicaset-controller"
    }

    fn observe(&mut self, change: &WatchEvent, store: &Store) -> Vec<ObjectKey> {
        match change.object.as_ref() {
            Object::ReplicaSet(rs) => {
                self.tally.observe_replica_set(rs, change.event_type);
                if change.event_type == WatchEventType::Deleted {
                    Vec::new()
                } else {
                    vec![ObjectKey::of(&change.object)]
                }
            }
            Object::Pod(pod) => {
                self.tally.observe_pod(pod, change.event_type, store);
                self.observe_pod(pod, change.event_type, store)
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let Some(object) = ctx.store.get(key) else {
            return Vec::new();
        };
        let Object::ReplicaSet(rs) = object.as_ref() else {
            return Vec::new();
        };
        let orphans = self.orphans.get(&key.namespace);
        let quick = self
            .tally
            .fresh_counts(rs)
            .and_then(|counts| sync_from_counts(object, rs, counts, orphans));
        if let Some(actions) = quick {
            debug_assert_eq!(
                actions,
                sync_replica_set(ctx, object, rs, orphans, &dependent_pods(ctx.store, object)),
                "the counted sync of {key:?} differs from one that looks at every pod"
            );
            return actions;
        }
        let dependents = dependent_pods(ctx.store, object);
        let actions = sync_replica_set(ctx, object, rs, orphans, &dependents);
        if let Some(selector) = selector_of(rs) {
            self.tally.recount(&dependents, object, rs, &selector);
        }
        actions
    }

    fn relisted(&mut self) {
        self.tally = Tally::default();
    }
}

impl ReplicaSetController {
    fn observe_pod(&mut self, pod: &Pod, event: WatchEventType, store: &Store) -> Vec<ObjectKey> {
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("");
        let name = pod.metadata.name.as_deref().unwrap_or("");
        let controller = controller_ref(&pod.metadata);
        let orphaned =
            event != WatchEventType::Deleted && controller.is_none() && pod_util::is_active(pod);
        if orphaned {
            self.orphans
                .entry(namespace.to_string())
                .or_default()
                .insert(name.to_string());
        } else if let Some(set) = self.orphans.get_mut(namespace) {
            set.remove(name);
        }
        match controller.filter(|r| r.kind == "ReplicaSet") {
            Some(owner) => vec![ObjectKey::new(
                Kind::ReplicaSet,
                namespace,
                owner.name.clone(),
            )],
            None if orphaned => matching_replica_sets(store, namespace, pod),
            None => Vec::new(),
        }
    }
}

fn matching_replica_sets(store: &Store, namespace: &str, pod: &Pod) -> Vec<ObjectKey> {
    let labels = labels_of(&pod.metadata);
    store
        .list(Kind::ReplicaSet, Some(namespace))
        .filter(|o| match o.as_ref() {
            Object::ReplicaSet(rs) => {
                selector_of(rs).is_some_and(|s| !s.is_empty() && s.matches(labels))
            }
            _ => false,
        })
        .map(|o| ObjectKey::of(o))
        .collect()
}

fn selector_of(rs: &ReplicaSet) -> Option<Selector> {
    Selector::from_label_selector(&rs.spec.as_ref()?.selector).ok()
}

/// The pods whose ownerReferences name this object (`dependents`), as stored.
fn dependent_pods<'s>(store: &'s Store, object: &Object) -> Vec<&'s Arc<Object>> {
    store
        .dependents_of(object.uid())
        .filter(|k| k.kind == Kind::Pod)
        .filter_map(|key| store.get(key))
        .collect()
}

/// Those of `dependents` that are pods controlled by the owner with this uid.
fn controlled_by<'d>(
    dependents: &'d [&Arc<Object>],
    uid: &'d str,
) -> impl Iterator<Item = &'d Pod> + 'd {
    dependents
        .iter()
        .filter_map(move |object| match object.as_ref() {
            Object::Pod(pod) if controller_ref(&pod.metadata).is_some_and(|r| r.uid == uid) => {
                Some(&**pod)
            }
            _ => None,
        })
}

fn sync_replica_set(
    ctx: Context<'_>,
    object: &Arc<Object>,
    rs: &ReplicaSet,
    orphans: Option<&BTreeSet<String>>,
    dependents: &[&Arc<Object>],
) -> Vec<Action> {
    let Some(selector) = selector_of(rs) else {
        return Vec::new();
    };
    let mut actions = Vec::new();
    let pods = claim_pods(
        ctx,
        object,
        rs,
        &selector,
        orphans,
        dependents,
        &mut actions,
    );
    let active: Vec<&Pod> = pods
        .iter()
        .filter_map(|p| match p.as_ref() {
            Object::Pod(pod) if pod_util::is_active(pod) => Some(&**pod),
            _ => None,
        })
        .collect();
    if rs.metadata.deletion_timestamp.is_none() {
        actions.extend(manage_replicas(ctx, object, rs, &active, dependents));
    }
    let min_ready = min_ready_seconds(rs);
    if let Some(status) = calculate_status(rs, &active, min_ready, ctx.now) {
        actions.push(status_update(rs, status));
    }
    if let Some(wait) = next_availability(&active, min_ready, ctx.now) {
        actions.push(Action::RequeueAfter(wait));
    }
    actions
}

/// The sync from the counts alone, when it needs no pod one by one:
/// nothing to release or adopt, no pod to delete, no `minReadySeconds`
/// to wait out. None when it does.
fn sync_from_counts(
    object: &Arc<Object>,
    rs: &ReplicaSet,
    counts: &Counts,
    orphans: Option<&BTreeSet<String>>,
) -> Option<Vec<Action>> {
    let min_ready = min_ready_seconds(rs);
    let adoptable =
        rs.metadata.deletion_timestamp.is_none() && orphans.is_some_and(|o| !o.is_empty());
    let deleting = rs.metadata.deletion_timestamp.is_none() && counts.active > wanted_replicas(rs);
    if counts.releasable > 0 || adoptable || min_ready != 0 || deleting {
        return None;
    }
    let mut actions = Vec::new();
    if rs.metadata.deletion_timestamp.is_none() {
        actions.extend(create_missing(object, rs, counts.active));
    }
    let status = status_from(
        rs,
        counts.active,
        counts.labeled,
        counts.ready,
        counts.ready,
    );
    actions.extend(status.map(|status| status_update(rs, status)));
    Some(actions)
}

/// The pods this ReplicaSet controls after adoption and release, as
/// `ClaimPods` decides: owned pods that still match, plus matching orphans.
fn claim_pods(
    ctx: Context<'_>,
    object: &Arc<Object>,
    rs: &ReplicaSet,
    selector: &Selector,
    orphans: Option<&BTreeSet<String>>,
    dependents: &[&Arc<Object>],
    actions: &mut Vec<Action>,
) -> Vec<Arc<Object>> {
    let namespace = object.namespace();
    let mut claimed = Vec::new();
    for &stored in dependents {
        let Object::Pod(pod) = stored.as_ref() else {
            continue;
        };
        let owned = controller_ref(&pod.metadata).is_some_and(|r| r.uid == object.uid());
        if !owned {
            continue;
        }
        if selector.matches(labels_of(&pod.metadata)) {
            claimed.push(stored.clone());
        } else if pod.metadata.deletion_timestamp.is_none() {
            actions.push(Action::Update(Object::Pod(Box::new(release(
                pod,
                object.uid(),
            )))));
        }
    }
    let can_adopt = rs.metadata.deletion_timestamp.is_none() && !selector.is_empty();
    for name in orphans.into_iter().flatten().filter(|_| can_adopt) {
        let Some(Object::Pod(pod)) = ctx
            .store
            .find(Kind::Pod, namespace, name)
            .map(|o| o.as_ref())
        else {
            continue;
        };
        if controller_ref(&pod.metadata).is_none() && selector.matches(labels_of(&pod.metadata)) {
            let mut adopted = pod.clone();
            adopted
                .metadata
                .owner_references
                .get_or_insert_with(Vec::new)
                .push(pod_util::new_controller_ref(object));
            let adopted = Object::Pod(adopted);
            actions.push(Action::Update(adopted.clone()));
            claimed.push(Arc::new(adopted));
        }
    }
    claimed
}

fn release(pod: &Pod, owner_uid: &str) -> Pod {
    let mut released = pod.clone();
    if let Some(refs) = released.metadata.owner_references.as_mut() {
        refs.retain(|r| r.uid != owner_uid);
    }
    if released
        .metadata
        .owner_references
        .as_ref()
        .is_some_and(Vec::is_empty)
    {
        released.metadata.owner_references = None;
    }
    released
}

/// `spec.replicas`, 1 when unset.
fn wanted_replicas(rs: &ReplicaSet) -> usize {
    rs.spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(1)
        .max(0) as usize
}

/// Creates or deletes pods so that the active count meets `spec.replicas`.
fn manage_replicas(
    ctx: Context<'_>,
    object: &Arc<Object>,
    rs: &ReplicaSet,
    active: &[&Pod],
    dependents: &[&Arc<Object>],
) -> Vec<Action> {
    let wanted = wanted_replicas(rs);
    let have = active.len();
    if have <= wanted {
        return create_missing(object, rs, have);
    }
    let count = (have - wanted).min(BURST_REPLICAS);
    let mut actions = vec![Action::Explain(Reason::PodsDeleted {
        replica_set: object.name().to_string(),
        count,
        existed: have,
        wanted,
    })];
    actions.extend(delete_pods(ctx, object, active, count, dependents));
    actions
}

/// Creates the pods missing when `have` are active and no more than
/// `spec.replicas` (nothing when they are as many).
fn create_missing(object: &Arc<Object>, rs: &ReplicaSet, have: usize) -> Vec<Action> {
    let wanted = wanted_replicas(rs);
    if have >= wanted {
        return Vec::new();
    }
    let count = (wanted - have).min(BURST_REPLICAS);
    let mut actions = vec![Action::Explain(Reason::PodsCreated {
        replica_set: object.name().to_string(),
        count,
        existed: have,
        wanted,
        burst: (count < wanted - have).then_some(BURST_REPLICAS),
    })];
    actions.extend(create_pods(object, rs, count));
    actions
}

fn reporter() -> Reporter {
    Reporter::Component {
        component: "replicaset-controller",
        host: None,
    }
}

fn create_pods(object: &Arc<Object>, rs: &ReplicaSet, count: usize) -> Vec<Action> {
    let Some(template) = rs.spec.as_ref().and_then(|s| s.template.as_ref()) else {
        return Vec::new();
    };
    let pod = Object::Pod(Box::new(pod_util::pod_from_template(template, object)));
    let created = NewEvent {
        involved: reference_to(object),
        event_type: EventType::Normal,
        reason: "SuccessfulCreate",
        message: format!("Created pod: {NAME_PLACEHOLDER}"),
        reporter: reporter(),
    };
    (0..count)
        .map(|_| {
            Action::Create(
                pod.clone(),
                Some(CreateEvents {
                    created: created.clone(),
                    failed_reason: "FailedCreate",
                }),
            )
        })
        .collect()
}

fn delete_pods(
    ctx: Context<'_>,
    object: &Arc<Object>,
    active: &[&Pod],
    count: usize,
    dependents: &[&Arc<Object>],
) -> Vec<Action> {
    let colocated = colocated_counts(ctx, object, dependents);
    let mut ranked: Vec<Rank<'_>> = active.iter().map(|pod| Rank::of(pod, &colocated)).collect();
    ranked.sort_by(|a, b| deletion_order(a, b, ctx.now));
    ranked
        .into_iter()
        .take(count)
        .flat_map(|rank| {
            let name = rank.pod.metadata.name.clone().unwrap_or_default();
            [
                Action::Delete(
                    ObjectKey::new(Kind::Pod, object.namespace(), name.clone()),
                    DeleteOptions::default(),
                ),
                Action::Record(NewEvent {
                    involved: reference_to(object),
                    event_type: EventType::Normal,
                    reason: "SuccessfulDelete",
                    message: format!("Deleted pod: {name}"),
                    reporter: reporter(),
                }),
            ]
        })
        .collect()
}

/// For each node, how many active pods of this owner's family run there:
/// the pods of every ReplicaSet controlled by the same Deployment. A
/// ReplicaSet without a controller has no related pods
/// (`getIndirectlyRelatedPods`), so none of its pods ranks by colocation.
fn colocated_counts<'s>(
    ctx: Context<'s>,
    object: &Object,
    own: &[&'s Arc<Object>],
) -> FxHashMap<&'s str, usize> {
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    let Some(deployment) = controller_ref(object.metadata()) else {
        return counts;
    };
    let store = ctx.store;
    let replica_sets = store
        .dependents_of(&deployment.uid)
        .filter(|k| k.kind == Kind::ReplicaSet)
        .filter_map(|rs_key| store.get(rs_key));
    for rs in replica_sets {
        // This ReplicaSet's pods are already looked up.
        let looked_up;
        let pods: &[&Arc<Object>] = if rs.uid() == object.uid() {
            own
        } else {
            looked_up = dependent_pods(store, rs);
            &looked_up
        };
        let active = pods.iter().copied().filter_map(|o| match o.as_ref() {
            Object::Pod(pod) if pod_util::is_active(pod) => Some(&**pod),
            _ => None,
        });
        for node in active.filter_map(node_name) {
            *counts.entry(node).or_default() += 1;
        }
    }
    counts
}

fn phase_rank(pod: &Pod) -> u8 {
    match pod_util::phase(pod) {
        "Pending" | "" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    }
}

fn deletion_cost(pod: &Pod) -> i64 {
    pod.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(POD_DELETION_COST))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The whole part of log2 of the age in nanoseconds (-1 when not in the
/// past), as LogarithmicScaleDown's `logarithmicRankDiff` buckets timestamps.
fn log_bucket(since: SimTime, now: SimTime) -> i64 {
    let nanos = now.millis_since(since).saturating_mul(1_000_000);
    if nanos <= 0 {
        -1
    } else {
        i64::from(63 - nanos.leading_zeros())
    }
}

/// Rules 6 and 8 of the ranking, on timestamps as the API serves them (whole
/// seconds): equal times fall through to the next rule; a missing time goes
/// first; otherwise the newer goes first on the log2 scale, and two times in
/// the same bucket are ordered by uid without falling through.
fn compare_times(
    a: Option<SimTime>,
    b: Option<SimTime>,
    uids: Ordering,
    now: SimTime,
) -> Option<Ordering> {
    let whole_second = |t: SimTime| SimTime(t.0.div_euclid(1000) * 1000);
    let (a, b) = (a.map(whole_second), b.map(whole_second));
    if a == b {
        return None;
    }
    let (Some(a), Some(b)) = (a, b) else {
        return Some(a.is_some().cmp(&b.is_some()));
    };
    Some(match log_bucket(a, now).cmp(&log_bucket(b, now)) {
        Ordering::Equal => uids,
        other => other,
    })
}

/// What the deletion ranking reads of one pod, read once before the sort
/// rather than at each of its comparisons.
struct Rank<'p> {
    pod: &'p Pod,
    assigned: bool,
    phase: u8,
    ready_since: Option<SimTime>,
    cost: i64,
    colocated: usize,
    restarts: i32,
    created: Option<SimTime>,
}

impl<'p> Rank<'p> {
    fn of(pod: &'p Pod, colocated: &FxHashMap<&str, usize>) -> Self {
        let node = node_name(pod);
        Self {
            pod,
            assigned: node.is_some(),
            phase: phase_rank(pod),
            ready_since: pod_util::ready_since(pod),
            cost: deletion_cost(pod),
            colocated: node.and_then(|n| colocated.get(n).copied()).unwrap_or(0),
            restarts: pod_util::max_restarts(pod),
            created: pod
                .metadata
                .creation_timestamp
                .as_ref()
                .map(SimTime::from_time),
        }
    }
}

/// `ActivePodsWithRanks.Less`: the pod to delete first sorts first.
fn deletion_order(a: &Rank<'_>, b: &Rank<'_>, now: SimTime) -> Ordering {
    let uids = a.pod.metadata.uid.cmp(&b.pod.metadata.uid);
    let (a_ready, b_ready) = (a.ready_since.is_some(), b.ready_since.is_some());
    let by_state = a
        .assigned
        .cmp(&b.assigned)
        .then_with(|| a.phase.cmp(&b.phase))
        .then_with(|| a_ready.cmp(&b_ready))
        .then_with(|| a.cost.cmp(&b.cost))
        .then_with(|| b.colocated.cmp(&a.colocated));
    if by_state != Ordering::Equal {
        return by_state;
    }
    // Both ready: the one ready for less time goes first.
    if a_ready && b_ready {
        if let Some(order) = compare_times(a.ready_since, b.ready_since, uids, now) {
            return order;
        }
    }
    b.restarts
        .cmp(&a.restarts)
        .then_with(|| compare_times(a.created, b.created, uids, now).unwrap_or(Ordering::Equal))
        // Beyond the real ranking, so that the order never depends on the listing.
        .then(uids)
}

/// The status the pods give; None when it is already so.
fn calculate_status(
    rs: &ReplicaSet,
    active: &[&Pod],
    min_ready: i32,
    now: SimTime,
) -> Option<ReplicaSetStatus> {
    let fully_labeled = active
        .iter()
        .filter(|p| carries_template_labels(labels_of(&p.metadata), rs))
        .count();
    let ready = active.iter().filter(|p| pod_util::is_ready(p)).count();
    let available = active
        .iter()
        .filter(|p| pod_util::is_available(p, min_ready, now))
        .count();
    status_from(rs, active.len(), fully_labeled, ready, available)
}

/// The pod's labels include every label the ReplicaSet's template gives.
fn carries_template_labels(labels: &BTreeMap<String, String>, rs: &ReplicaSet) -> bool {
    rs.spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.as_ref())
        .unwrap_or(&NO_LABELS)
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
}

/// `spec.minReadySeconds`, 0 when unset.
fn min_ready_seconds(rs: &ReplicaSet) -> i32 {
    rs.spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0)
}

/// The status write of a ReplicaSet with `status`.
fn status_update(rs: &ReplicaSet, status: ReplicaSetStatus) -> Action {
    Action::UpdateStatus(Object::ReplicaSet(Box::new(ReplicaSet {
        status: Some(status),
        ..rs.clone()
    })))
}

/// The status these counts of active pods give; None when it is already so.
fn status_from(
    rs: &ReplicaSet,
    active: usize,
    fully_labeled: usize,
    ready: usize,
    available: usize,
) -> Option<ReplicaSetStatus> {
    let previous = rs.status.clone().unwrap_or_default();
    let status = ReplicaSetStatus {
        replicas: active as i32,
        fully_labeled_replicas: positive(fully_labeled),
        ready_replicas: positive(ready),
        available_replicas: positive(available),
        observed_generation: rs.metadata.generation,
        conditions: previous.conditions.clone(),
        terminating_replicas: None,
    };
    (status != previous).then_some(status)
}

/// A count as an omitempty status field: absent when zero.
fn positive(count: usize) -> Option<i32> {
    (count > 0).then_some(count as i32)
}

/// Milliseconds until the next ready pod becomes available, if one is waiting.
fn next_availability(active: &[&Pod], min_ready: i32, now: SimTime) -> Option<i64> {
    if min_ready == 0 {
        return None;
    }
    active
        .iter()
        .filter_map(|p| pod_util::available_at(p, min_ready))
        .filter(|at| *at > now)
        .map(|at| at.millis_since(now))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cluster, ClusterConfig};

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 12\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n        tier: front\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n";

    struct NoFiles;

    impl crate::kubectl::Files for NoFiles {
        fn read(&self, _path: &str) -> Option<String> {
            None
        }

        fn list(&self, _dir: &str) -> Option<Vec<String>> {
            None
        }
    }

    fn run(cluster: &mut Cluster, line: &str) {
        let argv = crate::kubectl::args::split_words(line).expect("balanced quotes");
        let context = &mut crate::kubectl::Context {
            cluster,
            files: &NoFiles,
        };
        let out = crate::kubectl::run(context, &argv);
        assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
        cluster.advance(20_000);
    }

    /// Every ReplicaSet's counts, as the controller keeps them (None when
    /// stale) and as a fresh count of the store gives them.
    fn kept_and_recounted(cluster: &Cluster) -> Vec<(Option<Counts>, Counts)> {
        let kept = &cluster
            .driver()
            .get::<ReplicaSetController>()
            .expect("the controller runs")
            .tally;
        let store = cluster.api().store();
        store
            .list(Kind::ReplicaSet, Some("default"))
            .filter_map(|object| {
                let Object::ReplicaSet(rs) = object.as_ref() else {
                    return None;
                };
                let mut fresh = Tally::default();
                fresh.recount(
                    &dependent_pods(store, object),
                    object,
                    rs,
                    &selector_of(rs)?,
                );
                Some((
                    kept.fresh_counts(rs).cloned(),
                    fresh.counts.remove(object.uid())?,
                ))
            })
            .collect()
    }

    fn assert_kept_counts_hold(cluster: &Cluster, after: &str) {
        for (kept, recounted) in kept_and_recounted(cluster) {
            if let Some(kept) = kept {
                assert_eq!(kept, recounted, "after {after}");
            }
        }
    }

    #[test]
    fn the_counts_kept_from_the_watch_match_a_count_of_every_pod() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        for result in cluster.create_manifests(DEPLOYMENT).expect("decodes") {
            result.expect("created");
        }
        cluster.advance(30_000);
        let counted = kept_and_recounted(&cluster);
        assert_eq!(counted.len(), 1);
        let (kept, recounted) = &counted[0];
        assert_eq!(
            kept.as_ref(),
            Some(recounted),
            "kept fresh through the scale-up"
        );
        assert_eq!(
            (recounted.active, recounted.ready, recounted.labeled),
            (12, 12, 12)
        );
        let pods: Vec<String> = cluster
            .api()
            .store()
            .list(Kind::Pod, Some("default"))
            .map(|p| p.name().to_string())
            .filter(|n| n.starts_with("web-"))
            .take(2)
            .collect();
        let (pod, other) = (&pods[0], &pods[1]);
        for (step, line) in [
            (
                "a scale-up",
                "scale deployment web --replicas=20".to_string(),
            ),
            ("a label dropped", format!("label pod {pod} tier-")),
            (
                "a pod released",
                format!("label pod {pod} app=other --overwrite"),
            ),
            ("a pod deleted", format!("delete pod {other} --wait=false")),
            (
                "a scale-down",
                "scale deployment web --replicas=4".to_string(),
            ),
            (
                "a rollout",
                "set image deployment/web web=nginx:1.26".to_string(),
            ),
        ] {
            run(&mut cluster, &line);
            assert_kept_counts_hold(&cluster, step);
        }
        let (kept, _) = kept_and_recounted(&cluster)
            .into_iter()
            .find(|(_, c)| c.active == 4)
            .expect("the new ReplicaSet runs 4 pods");
        assert!(kept.is_some(), "its counts are fresh again");
    }

    #[test]
    fn a_relist_starts_the_counts_over() {
        let mut controller = ReplicaSetController::default();
        controller.tally.counts.insert(
            "uid".into(),
            Counts {
                fresh: true,
                active: 3,
                ..Counts::default()
            },
        );
        controller.relisted();
        assert!(controller.tally.counts.is_empty());
    }
}

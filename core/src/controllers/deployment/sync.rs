//! The working state of one Deployment sync: its ReplicaSets as the sync
//! changes them, the revision bookkeeping, scaling, and the status. All
//! changes are collected and emitted as actions at the end.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentStatus, ReplicaSet, ReplicaSetSpec};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::progress;
use super::util::{self, POD_TEMPLATE_HASH};
use crate::api::selector::{labels_of, Selector};
use crate::api::{Kind, Object};
use crate::apiserver::events::{reference_to, EventType, NewEvent, Reporter};
use crate::controllers::pod_util::{controller_ref, new_controller_ref};
use crate::controllers::reason::{Reason, ScaleCause};
use crate::controllers::{Action, Context};

/// One sync's view and its pending changes.
pub struct Plan<'a> {
    pub(super) ctx: Context<'a>,
    object: &'a Object,
    /// The Deployment as this sync leaves it.
    pub(super) d: Deployment,
    /// The Deployment's ReplicaSets, oldest first, as this sync leaves them.
    pub(super) rss: Vec<ReplicaSet>,
    /// Which of `rss` matches the current template.
    pub(super) new_rs: Option<usize>,
    /// A ReplicaSet created in this sync (its index in `rss`).
    created: Option<usize>,
    dirty: BTreeSet<usize>,
    deployment_dirty: bool,
    actions: Vec<Action>,
    events: Vec<Action>,
    /// Set when the sync found a ReplicaSet newly created or adopted as new.
    pub(super) progressing_reason: Option<(&'static str, String)>,
}

impl<'a> Plan<'a> {
    /// The view for one sync.
    pub fn new(ctx: Context<'a>, object: &'a Object, d: &Deployment) -> Self {
        let mut rss: Vec<ReplicaSet> = ctx
            .store
            .dependents_of(object.uid())
            .filter(|k| k.kind == Kind::ReplicaSet)
            .filter_map(|k| match ctx.store.get(k).map(|o| o.as_ref()) {
                Some(Object::ReplicaSet(rs))
                    if controller_ref(&rs.metadata).is_some_and(|r| r.uid == object.uid()) =>
                {
                    Some((**rs).clone())
                }
                _ => None,
            })
            .collect();
        rss.sort_by(|a, b| {
            let created = |rs: &ReplicaSet| rs.metadata.creation_timestamp.clone();
            created(a)
                .cmp(&created(b))
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        });
        let template = d
            .spec
            .as_ref()
            .map(|s| s.template.clone())
            .unwrap_or_default();
        let new_rs = rss.iter().position(|rs| {
            rs.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| util::equal_ignore_hash(t, &template))
        });
        Self {
            ctx,
            object,
            d: d.clone(),
            rss,
            new_rs,
            created: None,
            dirty: BTreeSet::new(),
            deployment_dirty: false,
            actions: Vec::new(),
            events: Vec::new(),
            progressing_reason: None,
        }
    }

    /// Adopts ReplicaSets that match the selector and have no controller; true when it did.
    pub fn adopt_orphans(&mut self) -> bool {
        let Some(selector) = self
            .d
            .spec
            .as_ref()
            .and_then(|s| Selector::from_label_selector(&s.selector).ok())
        else {
            return false;
        };
        if selector.is_empty() {
            return false;
        }
        let orphans: Vec<ReplicaSet> = self
            .ctx
            .store
            .list(Kind::ReplicaSet, Some(self.object.namespace()))
            .filter_map(|o| match o.as_ref() {
                Object::ReplicaSet(rs)
                    if controller_ref(&rs.metadata).is_none()
                        && rs.metadata.deletion_timestamp.is_none() =>
                {
                    Some((**rs).clone())
                }
                _ => None,
            })
            .filter(|rs| selector.matches(labels_of(&rs.metadata)))
            .collect();
        for mut rs in orphans.iter().cloned() {
            rs.metadata
                .owner_references
                .get_or_insert_with(Vec::new)
                .push(new_controller_ref(self.object));
            rs.metadata.resource_version = None;
            self.actions
                .push(Action::Update(Object::ReplicaSet(Box::new(rs))));
        }
        !orphans.is_empty()
    }

    /// Indices of the old ReplicaSets (all but the new one), oldest first.
    pub(super) fn old_indices(&self) -> Vec<usize> {
        (0..self.rss.len())
            .filter(|i| Some(*i) != self.new_rs)
            .collect()
    }

    /// Sum of `spec.replicas` over the given ReplicaSets.
    pub(super) fn replicas_of(&self, indices: &[usize]) -> i32 {
        indices
            .iter()
            .map(|i| util::rs_replicas(&self.rss[*i]))
            .sum()
    }

    /// Sum of `spec.replicas` over every ReplicaSet.
    pub(super) fn total_replicas(&self) -> i32 {
        self.rss.iter().map(util::rs_replicas).sum()
    }

    /// Finds or (when `create`) makes the ReplicaSet for the current
    /// template, and brings revisions and copied annotations up to date.
    pub fn sync_revision(&mut self, create: bool) {
        let max_old = self
            .old_indices()
            .iter()
            .map(|i| util::revision(&self.rss[*i].metadata))
            .max()
            .unwrap_or(0);
        let next = max_old + 1;
        match self.new_rs {
            Some(index) => {
                self.update_new_rs_annotations(index, next);
                if self.progressing_reason.is_none() {
                    let name = self.rss[index].metadata.name.clone().unwrap_or_default();
                    self.progressing_reason = Some((
                        "FoundNewReplicaSet",
                        format!("Found new replica set {name:?}"),
                    ));
                }
            }
            None if create => self.create_new_rs(next),
            None => {}
        }
        if let Some(index) = self.new_rs {
            let revision = util::revision(&self.rss[index].metadata).to_string();
            self.set_deployment_annotation(util::REVISION, revision);
        }
    }

    /// The Deployment with the status the plan has given it, as a status write.
    fn status_write(&self) -> Action {
        Action::UpdateStatus(Object::Deployment(Box::new(Deployment {
            metadata: ObjectMeta {
                resource_version: None,
                ..self.d.metadata.clone()
            },
            ..self.d.clone()
        })))
    }

    fn update_new_rs_annotations(&mut self, index: usize, next: i64) {
        let copied = util::copyable_annotations(&self.d);
        let min_ready = self.d.spec.as_ref().and_then(|s| s.min_ready_seconds);
        let rs = &mut self.rss[index];
        let annotations = rs.metadata.annotations.get_or_insert_with(Default::default);
        let mut changed = false;
        for (k, v) in copied {
            if annotations.get(&k) != Some(&v) {
                annotations.insert(k, v);
                changed = true;
            }
        }
        let current: i64 = annotations
            .get(util::REVISION)
            .and_then(|r| r.parse().ok())
            .unwrap_or(0);
        if current < next {
            if current > 0 {
                let history = annotations
                    .get(util::REVISION_HISTORY)
                    .cloned()
                    .unwrap_or_default();
                let history = if history.is_empty() {
                    current.to_string()
                } else {
                    format!("{history},{current}")
                };
                annotations.insert(util::REVISION_HISTORY.into(), history);
            }
            annotations.insert(util::REVISION.into(), next.to_string());
            changed = true;
        }
        let spec = rs.spec.get_or_insert_with(Default::default);
        if spec.min_ready_seconds != min_ready {
            spec.min_ready_seconds = min_ready;
            changed = true;
        }
        if changed {
            self.dirty.insert(index);
        }
    }

    fn create_new_rs(&mut self, revision: i64) {
        let Some(spec) = self.d.spec.clone() else {
            return;
        };
        let collision_count = self.d.status.as_ref().and_then(|s| s.collision_count);
        let hash = util::pod_template_hash(&spec.template, collision_count);
        let name = format!("{}-{hash}", self.object.name());
        if let Some(Object::ReplicaSet(existing)) = self
            .ctx
            .store
            .find(Kind::ReplicaSet, self.object.namespace(), &name)
            .map(|o| o.as_ref())
        {
            let same = existing
                .spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .is_some_and(|t| util::equal_ignore_hash(t, &spec.template));
            if !same {
                // A hash collision: count it, and the next sync hashes anew.
                let status = self.d.status.get_or_insert_with(Default::default);
                status.collision_count = Some(collision_count.unwrap_or(0) + 1);
                self.actions.push(self.status_write());
            }
            return;
        }
        let mut template: PodTemplateSpec = spec.template.clone();
        template
            .metadata
            .get_or_insert_with(Default::default)
            .labels
            .get_or_insert_with(Default::default)
            .insert(POD_TEMPLATE_HASH.into(), hash.clone());
        let mut selector: LabelSelector = spec.selector.clone();
        selector
            .match_labels
            .get_or_insert_with(Default::default)
            .insert(POD_TEMPLATE_HASH.into(), hash.clone());
        let mut labels = template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        labels.insert(POD_TEMPLATE_HASH.into(), hash);
        let mut annotations = util::copyable_annotations(&self.d);
        annotations.insert(util::REVISION.into(), revision.to_string());
        let (surge, _) = util::fenceposts(&self.d);
        let replicas = self.new_rs_replicas_for_creation();
        annotations.insert(
            util::DESIRED_REPLICAS.into(),
            util::replicas(&self.d).to_string(),
        );
        annotations.insert(
            util::MAX_REPLICAS.into(),
            (util::replicas(&self.d) + surge).to_string(),
        );
        let rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(self.object.namespace().into()),
                labels: Some(labels),
                annotations: Some(annotations),
                owner_references: Some(vec![new_controller_ref(self.object)]),
                ..Default::default()
            },
            spec: Some(ReplicaSetSpec {
                replicas: Some(replicas),
                min_ready_seconds: spec.min_ready_seconds,
                selector,
                template: Some(template),
            }),
            status: None,
        };
        self.actions.push(Action::Create(
            Object::ReplicaSet(Box::new(rs.clone())),
            None,
        ));
        if replicas > 0 {
            self.record_scaling(&name, 0, replicas);
        }
        self.rss.push(rs);
        self.new_rs = Some(self.rss.len() - 1);
        self.created = self.new_rs;
        self.progressing_reason = Some((
            "NewReplicaSetCreated",
            format!("Created new replica set {name:?}"),
        ));
    }

    /// `NewRSNewReplicas` for a ReplicaSet about to be created.
    fn new_rs_replicas_for_creation(&self) -> i32 {
        let replicas = util::replicas(&self.d);
        match util::strategy_type(&self.d) {
            "RollingUpdate" => {
                let (surge, _) = util::fenceposts(&self.d);
                let current = self.total_replicas();
                let room = (replicas + surge - current).max(0);
                room.min(replicas)
            }
            _ => 0,
        }
    }

    fn set_deployment_annotation(&mut self, key: &str, value: String) {
        let annotations = self
            .d
            .metadata
            .annotations
            .get_or_insert_with(Default::default);
        if annotations.get(key) != Some(&value) {
            annotations.insert(key.into(), value);
            self.deployment_dirty = true;
        }
    }

    /// Sets a ReplicaSet's replicas, with the scaling annotations and event.
    pub(super) fn scale_rs(&mut self, index: usize, replicas: i32) {
        let (surge, _) = util::fenceposts(&self.d);
        let desired = util::replicas(&self.d).to_string();
        let max = (util::replicas(&self.d) + surge).to_string();
        let rs = &mut self.rss[index];
        let old = util::rs_replicas(rs);
        let annotations = rs.metadata.annotations.get_or_insert_with(Default::default);
        let annotations_changed = annotations.get(util::DESIRED_REPLICAS) != Some(&desired)
            || annotations.get(util::MAX_REPLICAS) != Some(&max);
        if old == replicas && !annotations_changed {
            return;
        }
        annotations.insert(util::DESIRED_REPLICAS.into(), desired);
        annotations.insert(util::MAX_REPLICAS.into(), max);
        rs.spec.get_or_insert_with(Default::default).replicas = Some(replicas);
        let name = rs.metadata.name.clone().unwrap_or_default();
        self.dirty.insert(index);
        if old != replicas {
            self.record_scaling(&name, old, replicas);
        }
    }

    fn record_scaling(&mut self, name: &str, from: i32, to: i32) {
        let direction = if to > from { "up" } else { "down" };
        let replicas = util::replicas(&self.d);
        let (surge, unavailable) = util::fenceposts(&self.d);
        let others_running = self
            .rss
            .iter()
            .filter(|rs| rs.metadata.name.as_deref() != Some(name))
            .any(|rs| util::rs_replicas(rs) > 0);
        let deployment = self.d.metadata.name.clone().unwrap_or_default();
        let recreate = util::strategy_type(&self.d) == "Recreate";
        let scaling_down_for_recreate = recreate && to < from;
        let cause = if !(others_running || scaling_down_for_recreate) {
            ScaleCause::Replicas(replicas)
        } else if recreate {
            ScaleCause::Recreate
        } else if to > from {
            ScaleCause::Surge { replicas, surge }
        } else {
            ScaleCause::Availability {
                replicas,
                unavailable,
            }
        };
        self.events.push(Action::Explain(Reason::ReplicaSetScaled {
            deployment,
            replica_set: name.to_string(),
            from,
            to,
            cause,
        }));
        self.events.push(Action::Record(NewEvent {
            involved: reference_to(self.object),
            event_type: EventType::Normal,
            reason: "ScalingReplicaSet",
            message: format!("Scaled {direction} replica set {name} from {from} to {to}"),
            reporter: Reporter::Component {
                component: "deployment-controller",
                host: None,
            },
        }));
    }

    /// True when an active ReplicaSet was last sized for another replica count.
    pub fn is_scaling_event(&mut self) -> bool {
        self.sync_revision(false);
        let replicas = util::replicas(&self.d).to_string();
        self.rss
            .iter()
            .filter(|rs| util::rs_replicas(rs) > 0)
            .any(|rs| {
                rs.metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(util::DESIRED_REPLICAS))
                    .is_some_and(|d| *d != replicas)
            })
    }

    /// `scale`: resizes the active ReplicaSets to a new replica count,
    /// proportionally when a rollout is under way.
    pub fn scale(&mut self) {
        let wanted = util::replicas(&self.d);
        let active: Vec<usize> = (0..self.rss.len())
            .filter(|i| util::rs_replicas(&self.rss[*i]) > 0)
            .collect();
        let target = match (active.as_slice(), self.new_rs) {
            ([], Some(new)) => Some(new),
            ([], None) => self.rss.len().checked_sub(1),
            ([only], _) => Some(*only),
            _ => None,
        };
        if let Some(index) = target {
            self.scale_rs(index, wanted);
            return;
        }
        let (surge, _) = util::fenceposts(&self.d);
        let allowed = wanted
            + if util::strategy_type(&self.d) == "RollingUpdate" {
                surge
            } else {
                0
            };
        let current: i32 = active
            .iter()
            .map(|i| util::rs_replicas(&self.rss[*i]))
            .sum();
        let to_add = allowed - current;
        let mut order = active.clone();
        // Newest first gets the leftovers, as the real proportion does.
        order.reverse();
        let mut added = 0;
        let mut sizes: Vec<(usize, i32)> = order
            .iter()
            .map(|i| {
                let replicas = util::rs_replicas(&self.rss[*i]);
                let share = if current > 0 {
                    (i64::from(replicas) * i64::from(to_add) / i64::from(current)) as i32
                } else {
                    0
                };
                added += share;
                (*i, replicas + share)
            })
            .collect();
        if let Some(first) = sizes.first_mut() {
            first.1 += to_add - added;
        }
        for (index, size) in sizes {
            self.scale_rs(index, size.max(0));
        }
    }

    /// A paused Deployment still scales and reports, but does not roll out.
    pub fn sync_paused(&mut self) {
        self.sync_revision(false);
        if self.is_scaling_event() {
            self.scale();
        }
        self.finish_status(false);
    }

    /// Computes the status; when `check_progress`, updates the Progressing
    /// condition and the deadline as `syncRolloutStatus` does.
    pub fn finish_status(&mut self, check_progress: bool) {
        let mut status = self.calculate_status();
        if let Some(wait) = progress::update_conditions(self, &mut status, check_progress) {
            self.actions.push(Action::RequeueAfter(wait));
        }
        if self.d.status.as_ref() != Some(&status) {
            self.d.status = Some(status);
            self.actions.push(self.status_write());
        }
    }

    fn calculate_status(&self) -> DeploymentStatus {
        let sum = |f: fn(&ReplicaSet) -> i32| -> i32 { self.rss.iter().map(f).sum() };
        let replicas = sum(|rs| rs.status.as_ref().map_or(0, |s| s.replicas));
        let ready = sum(|rs| {
            rs.status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0)
        });
        let available = sum(util::rs_available);
        let updated = self
            .new_rs
            .map_or(0, |i| self.rss[i].status.as_ref().map_or(0, |s| s.replicas));
        let previous = self.d.status.clone().unwrap_or_default();
        let positive = |n: i32| (n > 0).then_some(n);
        DeploymentStatus {
            replicas: positive(replicas),
            updated_replicas: positive(updated),
            ready_replicas: positive(ready),
            available_replicas: positive(available),
            unavailable_replicas: positive((util::replicas(&self.d) - available).max(0)),
            observed_generation: self.d.metadata.generation,
            collision_count: previous.collision_count,
            conditions: previous.conditions,
            terminating_replicas: None,
        }
    }

    /// Deletes a ReplicaSet (history cleanup).
    pub(super) fn delete_rs(&mut self, index: usize) {
        let name = self.rss[index].metadata.name.clone().unwrap_or_default();
        self.actions.push(Action::Delete(
            crate::store::ObjectKey::new(Kind::ReplicaSet, self.object.namespace(), name),
            Default::default(),
        ));
    }

    /// The changes, in the order the API server should see them.
    pub fn into_actions(mut self) -> Vec<Action> {
        let mut out = Vec::new();
        if self.deployment_dirty {
            let mut d = self.d.clone();
            d.metadata.resource_version = None;
            out.push(Action::Update(Object::Deployment(Box::new(d))));
        }
        for index in &self.dirty {
            if Some(*index) == self.created {
                continue;
            }
            let mut rs = self.rss[*index].clone();
            rs.metadata.resource_version = None;
            out.push(Action::Update(Object::ReplicaSet(Box::new(rs))));
        }
        if let Some(created) = self.created {
            // The created ReplicaSet goes out with its final size.
            for action in self.actions.iter_mut() {
                if let Action::Create(Object::ReplicaSet(rs), _) = action {
                    **rs = self.rss[created].clone();
                }
            }
        }
        out.append(&mut self.actions);
        out.append(&mut self.events);
        out
    }
}

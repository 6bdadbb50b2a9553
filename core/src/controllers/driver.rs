//! The driver: runs controllers' queues and timers against the API server
//! until nothing is left to do at the current time.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};

use rustc_hash::FxHashSet;

use super::reason::Reason;
use super::{Action, Context, Controller, CreateEvents, NAME_PLACEHOLDER};
use crate::apiserver::events::{EventType, NewEvent};
use crate::apiserver::{ApiServer, DeleteOutcome, WriteOptions};
use crate::store::{ObjectKey, WatchEvent};
use crate::time::SimTime;

/// How many reconciles one settle may run before it stops, so that a
/// controller bug cannot hang the tab.
pub const MAX_RECONCILES_PER_SETTLE: usize = 2_000_000;

/// A failed write, kept for the learner to see (a controller's create that
/// the API server refused shows up here and in events).
#[derive(Clone, Debug, PartialEq)]
pub struct ActionError {
    /// The controller that asked.
    pub controller: &'static str,
    /// What the API server said.
    pub message: String,
}

/// Runs the controllers.
pub struct Driver {
    controllers: Vec<Box<dyn Controller>>,
    queues: Vec<WorkQueue>,
    timers: BinaryHeap<Reverse<(SimTime, u64, usize, ObjectKey)>>,
    timer_sequence: u64,
    observed: u64,
    errors: Vec<ActionError>,
    /// The latest explanations, oldest first.
    explanations: VecDeque<Explanation>,
    /// Explanations given so far.
    explained: u64,
    /// The settle under way, when its work ran out before it finished.
    settling: Option<Settling>,
}

/// Where a settle stopped, to go on from there: the same reconciles and
/// writes in the same order as a settle run in one go.
struct Settling {
    /// Reconciles left before the settle gives up.
    budget: usize,
    /// The controller whose round runs, and the keys left in that round.
    round: Option<(usize, VecDeque<ObjectKey>)>,
    /// The reconcile whose actions are being applied: its key, and the actions left.
    applying: Option<(ObjectKey, VecDeque<Action>)>,
}

/// Why a controller acted, in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// Its number: 1 for the first.
    pub sequence: u64,
    /// When the controller acted.
    pub at: SimTime,
    /// The controller (`replicaset-controller`).
    pub controller: &'static str,
    /// What it did and why.
    pub reason: Reason,
}

/// How many explanations the driver keeps.
const EXPLANATIONS_KEPT: usize = 256;

#[derive(Default)]
struct WorkQueue {
    order: VecDeque<ObjectKey>,
    queued: FxHashSet<ObjectKey>,
}

impl WorkQueue {
    /// Queues a key, unless it is queued already.
    fn push(&mut self, key: ObjectKey) {
        if !self.queued.contains(&key) {
            self.queued.insert(key.clone());
            self.order.push_back(key);
        }
    }

    fn pop(&mut self) -> Option<ObjectKey> {
        let key = self.order.pop_front()?;
        self.queued.remove(&key);
        Some(key)
    }
}

impl Driver {
    /// A driver over these controllers.
    pub fn new(controllers: Vec<Box<dyn Controller>>) -> Self {
        let queues = controllers.iter().map(|_| WorkQueue::default()).collect();
        Self {
            controllers,
            queues,
            timers: BinaryHeap::new(),
            timer_sequence: 0,
            observed: 0,
            errors: Vec::new(),
            explanations: VecDeque::new(),
            explained: 0,
            settling: None,
        }
    }

    /// The controller of type `T`, if the driver runs one.
    pub fn get<T: Controller>(&self) -> Option<&T> {
        self.controllers.iter().find_map(|c| {
            let any: &dyn std::any::Any = c.as_ref();
            any.downcast_ref::<T>()
        })
    }

    /// The controller of type `T`, to change.
    pub fn get_mut<T: Controller>(&mut self) -> Option<&mut T> {
        self.controllers.iter_mut().find_map(|c| {
            let any: &mut dyn std::any::Any = c.as_mut();
            any.downcast_mut::<T>()
        })
    }

    /// Queues a key for the controller of type `T`, for a change the store
    /// does not show (a terminal closing a container's stdin).
    pub fn enqueue<T: Controller>(&mut self, key: ObjectKey) {
        let index = self.controllers.iter().position(|c| {
            let any: &dyn std::any::Any = c.as_ref();
            any.is::<T>()
        });
        if let Some(index) = index {
            self.queues[index].push(key);
        }
    }

    /// The time of the earliest pending timer, if any.
    pub fn next_timer(&self) -> Option<SimTime> {
        self.timers.peek().map(|Reverse((at, ..))| *at)
    }

    /// The explanations given after number `sequence` that are still kept, oldest first.
    pub fn explanations_after(&self, sequence: u64) -> impl Iterator<Item = &Explanation> {
        self.explanations
            .iter()
            .filter(move |e| e.sequence > sequence)
    }

    /// Writes the controllers' requests refused, oldest first, and forgets them.
    pub fn take_errors(&mut self) -> Vec<ActionError> {
        std::mem::take(&mut self.errors)
    }

    /// Feeds every change since the last call to the controllers, fires the
    /// timers due by `now`, and reconciles until every queue is empty.
    ///
    /// Work runs in rounds: each controller drains the keys queued before
    /// the round, and the changes they make are observed in the next one.
    /// Many changes to one key so fold into one reconcile, as a real
    /// workqueue folds them under load. A settle left under way by
    /// [`Driver::resume_settle`] is finished first.
    pub fn settle(&mut self, api: &mut ApiServer, now: SimTime) {
        let mut unlimited = usize::MAX;
        self.resume_settle(api, now, &mut unlimited);
        self.begin_settle(now);
        self.resume_settle(api, now, &mut unlimited);
    }

    /// Starts a settle at `now`: fires the timers due and polls the
    /// controllers that hear from outside. [`Driver::resume_settle`] does its work.
    pub fn begin_settle(&mut self, now: SimTime) {
        self.fire_timers(now);
        self.poll_outside(now);
        self.settling = Some(Settling {
            budget: MAX_RECONCILES_PER_SETTLE,
            round: None,
            applying: None,
        });
    }

    /// True while a settle has work left.
    pub fn is_settling(&self) -> bool {
        self.settling.is_some()
    }

    /// Goes on with the settle under way, spending one unit of `work` per
    /// reconcile and per action applied; true when it finished (or none
    /// was under way), false when `work` ran out first.
    pub fn resume_settle(&mut self, api: &mut ApiServer, now: SimTime, work: &mut usize) -> bool {
        let Some(mut settling) = self.settling.take() else {
            return true;
        };
        let finished = self.run_settle(api, now, &mut settling, work);
        if !finished {
            self.settling = Some(settling);
        }
        finished
    }

    fn run_settle(
        &mut self,
        api: &mut ApiServer,
        now: SimTime,
        settling: &mut Settling,
        work: &mut usize,
    ) -> bool {
        loop {
            if settling.applying.is_some() {
                if !self.apply_what_is_left(api, now, settling, work) {
                    return false;
                }
                continue;
            }
            match &mut settling.round {
                Some((index, keys)) if !keys.is_empty() => {
                    if *work == 0 {
                        return false;
                    }
                    if settling.budget == 0 {
                        self.errors.push(ActionError {
                            controller: self.controllers[*index].name(),
                            message: "reconcile budget exhausted; the cluster is not converging"
                                .into(),
                        });
                        return true;
                    }
                    *work -= 1;
                    settling.budget -= 1;
                    let index = *index;
                    if let Some(key) = keys.pop_front() {
                        let actions = self.controllers[index].reconcile(
                            Context {
                                store: api.store(),
                                now,
                            },
                            &key,
                        );
                        settling.applying = Some((key, actions.into()));
                    }
                }
                Some((index, _)) if *index + 1 < self.controllers.len() => {
                    let next = *index + 1;
                    settling.round = Some((next, self.drain_queue(next)));
                }
                Some(_) => settling.round = None,
                None => {
                    self.observe_changes(api);
                    if self.queues.iter().all(|q| q.order.is_empty()) {
                        return true;
                    }
                    settling.round = Some((0, self.drain_queue(0)));
                }
            }
        }
    }

    /// Applies the actions the last reconcile asked for that are left, one
    /// unit of `work` each, then observes what they changed; false when
    /// `work` ran out first.
    fn apply_what_is_left(
        &mut self,
        api: &mut ApiServer,
        now: SimTime,
        settling: &mut Settling,
        work: &mut usize,
    ) -> bool {
        let index = settling.round.as_ref().map_or(0, |(index, _)| *index);
        let Some((key, actions)) = &mut settling.applying else {
            return true;
        };
        while let Some(action) = actions.pop_front() {
            if *work == 0 {
                actions.push_front(action);
                return false;
            }
            *work -= 1;
            self.apply(api, now, index, key, action);
        }
        settling.applying = None;
        // Observe at once, so no reconcile's writes can outrun the watch
        // log; keys queued now for this controller wait for the next round.
        self.observe_changes(api);
        true
    }

    /// The keys queued for controller `index`: one round's work.
    fn drain_queue(&mut self, index: usize) -> VecDeque<ObjectKey> {
        std::iter::from_fn(|| self.queues[index].pop()).collect()
    }

    /// Queues the keys that controllers hear about from outside the API.
    fn poll_outside(&mut self, now: SimTime) {
        for index in 0..self.controllers.len() {
            for key in self.controllers[index].poll(now) {
                self.queues[index].push(key);
            }
        }
    }

    fn fire_timers(&mut self, now: SimTime) {
        while let Some(Reverse((at, _, index, _))) = self.timers.peek() {
            if *at > now {
                break;
            }
            let index = *index;
            if let Some(Reverse((_, _, _, key))) = self.timers.pop() {
                self.queues[index].push(key);
            }
        }
    }

    fn observe_changes(&mut self, api: &ApiServer) {
        let store = api.store();
        if self.observed == store.resource_version() {
            return;
        }
        let changes: Vec<WatchEvent> = match store.changes_since(self.observed) {
            Ok(changes) => changes.cloned().collect(),
            // Too far behind the watch log: relist, as an informer does.
            Err(_) => {
                for controller in &mut self.controllers {
                    controller.relisted();
                }
                relist(store)
            }
        };
        self.observed = store.resource_version();
        for change in &changes {
            for (controller, queue) in self.controllers.iter_mut().zip(self.queues.iter_mut()) {
                for key in controller.observe(change, store) {
                    queue.push(key);
                }
            }
        }
    }

    /// Marks every change so far as seen, without telling the controllers
    /// (used after a snapshot restore, when they are told by a resync instead).
    pub fn skip_to(&mut self, resource_version: u64) {
        self.observed = resource_version;
    }

    /// Queues every key a controller would want after a restart.
    pub fn resync(&mut self, api: &ApiServer, keys: impl Fn(usize) -> BTreeSet<ObjectKey>) {
        self.observed = api.store().resource_version();
        for (index, queue) in self.queues.iter_mut().enumerate() {
            for key in keys(index) {
                queue.push(key);
            }
        }
    }

    /// Applies one action a reconcile of controller `index` asked for `key`.
    fn apply(
        &mut self,
        api: &mut ApiServer,
        now: SimTime,
        index: usize,
        key: &ObjectKey,
        action: Action,
    ) {
        let name = self.controllers[index].name();
        let options = || WriteOptions {
            dry_run: false,
            field_manager: Some(name.to_string()),
        };
        let result = match action {
            Action::Create(object, events) => create(api, now, &options(), object, events),
            Action::Update(object) => api.update(object, &options()).map(|_| ()),
            Action::UpdateStatus(object) => api.update_status(object).map(|_| ()),
            Action::Delete(target, delete) => {
                api.delete(&target, now, &delete).map(|_: DeleteOutcome| ())
            }
            Action::Bind(pod, node) => api.bind(&pod, &node, now).map(|_| ()),
            Action::MarkUnschedulable(pod, message) => {
                api.mark_unschedulable(&pod, &message, now).map(|_| ())
            }
            Action::FinalizeNamespace(namespace) => api.finalize_namespace(&namespace).map(|_| ()),
            Action::Record(event) => {
                api.record_event(event, now);
                Ok(())
            }
            Action::Explain(reason) => {
                self.explain(now, name, reason);
                Ok(())
            }
            Action::RequeueAfter(ms) => {
                self.timer_sequence += 1;
                self.timers.push(Reverse((
                    now.plus_millis(ms.max(0)),
                    self.timer_sequence,
                    index,
                    key.clone(),
                )));
                Ok(())
            }
        };
        if let Err(err) = result {
            self.errors.push(ActionError {
                controller: name,
                message: err.message().to_string(),
            });
        }
    }

    fn explain(&mut self, now: SimTime, controller: &'static str, reason: Reason) {
        self.explained += 1;
        if self.explanations.len() == EXPLANATIONS_KEPT {
            self.explanations.pop_front();
        }
        self.explanations.push_back(Explanation {
            sequence: self.explained,
            at: now,
            controller,
            reason,
        });
    }
}

fn create(
    api: &mut ApiServer,
    now: SimTime,
    options: &WriteOptions,
    object: crate::api::Object,
    events: Option<CreateEvents>,
) -> Result<(), crate::api::StatusError> {
    let result = api.create(object, now, options);
    if let Some(events) = events {
        let event = match &result {
            Ok(created) => {
                let mut event = events.created;
                event.message = event.message.replace(NAME_PLACEHOLDER, created.name());
                event
            }
            Err(err) => NewEvent {
                event_type: EventType::Warning,
                reason: events.failed_reason,
                message: format!("Error creating: {}", err.message()),
                ..events.created
            },
        };
        api.record_event(event, now);
    }
    result.map(|_| ())
}

/// Every stored object as a MODIFIED change, for controllers that fell behind.
fn relist(store: &crate::store::Store) -> Vec<WatchEvent> {
    crate::api::Kind::ALL
        .iter()
        .flat_map(|kind| store.list(*kind, None))
        .map(|object| WatchEvent {
            event_type: crate::store::WatchEventType::Modified,
            object: object.clone(),
            resource_version: store.resource_version(),
        })
        .collect()
}

//! Controllers, as kube-controller-manager runs them: each one observes
//! changes, queues keys, and reconciles one key at a time into a list of
//! [`Action`]s that the [`Driver`] applies through the API server.
//!
//! A reconcile is a function of a view of the cluster, a key and `now`;
//! it never writes by itself. That keeps controllers testable by the
//! actions they emit, and lets the browser and the server run one driver.

pub mod deployment;
pub mod driver;
pub mod endpoints;
pub mod endpointslice;
pub mod garbage_collector;
pub mod namespace;
pub mod pod_util;
pub mod reason;
pub mod replicaset;

use crate::api::Object;
use crate::apiserver::events::NewEvent;
use crate::apiserver::DeleteOptions;
use crate::store::{ObjectKey, Store, WatchEvent};
use crate::time::SimTime;

pub use driver::Driver;

/// What a reconcile sees: the store as it is now, and the time.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// Every object.
    pub store: &'a Store,
    /// The simulated time.
    pub now: SimTime,
}

/// One change a controller asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Create an object (through defaulting, admission and validation),
    /// recording events about the outcome when asked.
    Create(Object, Option<CreateEvents>),
    /// Replace an object's spec and metadata.
    Update(Object),
    /// Replace an object's status. Only the object's key, its status and,
    /// when set, its resourceVersion (a precondition) are read.
    UpdateStatus(Object),
    /// Delete an object.
    Delete(ObjectKey, DeleteOptions),
    /// Bind a pod to a node (the `binding` subresource).
    Bind(ObjectKey, String),
    /// Mark a pod unschedulable: its PodScheduled condition turns False with this message.
    MarkUnschedulable(ObjectKey, String),
    /// Remove an emptied, terminating namespace (the `finalize` subresource).
    FinalizeNamespace(Object),
    /// Record an event.
    Record(NewEvent),
    /// Reconcile this key again after so many milliseconds.
    RequeueAfter(i64),
    /// Say in plain words why the controller acts, for the event log (no
    /// API object: `Cluster::explanations_after`).
    Explain(reason::Reason),
}

/// Events a controller records about a create it asked for, once the
/// API server has answered (the created object's generated name is known then).
#[derive(Clone, Debug, PartialEq)]
pub struct CreateEvents {
    /// On success; `{name}` in its message becomes the created object's name.
    pub created: NewEvent,
    /// On failure: the reason of the Warning event (`FailedCreate`), whose
    /// message is `Error creating: <error>`.
    pub failed_reason: &'static str,
}

/// Placeholder for the created object's name in [`CreateEvents::created`].
pub const NAME_PLACEHOLDER: &str = "{name}";

/// A control loop.
pub trait Controller: std::any::Any {
    /// The controller's name, as its events' source (`replicaset-controller`).
    fn name(&self) -> &'static str;

    /// Observes one change (updating any cache the controller keeps) and
    /// returns the keys that now need a reconcile.
    fn observe(&mut self, change: &WatchEvent, store: &Store) -> Vec<ObjectKey>;

    /// Brings one key toward its desired state.
    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action>;

    /// The watch fell too far behind: every stored object comes again as
    /// MODIFIED, and what was deleted meanwhile does not come at all, so a
    /// cache that counts what it saw starts over.
    fn relisted(&mut self) {}

    /// Keys that need a reconcile because of news from outside the API
    /// (a real container engine's reports), looked at before each round.
    fn poll(&mut self, now: SimTime) -> Vec<ObjectKey> {
        let _ = now;
        Vec::new()
    }
}

//! The kubelets, one per node: they run the pods bound to their node on the
//! simulated container runtime, report pod status, record the kubelet's
//! events, and finish graceful deletion.

pub mod node;
pub mod process;
pub mod status;
pub mod worker;

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use k8s_openapi::api::core::v1::{Node, ObjectReference, Pod, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::api::{Kind, Object};
use crate::apiserver::events::{reference_to, EventType, NewEvent, Reporter};
use crate::apiserver::DeleteOptions;
use crate::controllers::{Action, Context, Controller};
use crate::network::ipam::PodIpPool;
use crate::store::{ObjectKey, Store, WatchEvent, WatchEventType};
use crate::time::SimTime;

pub use worker::{ContainerWorker, LogLine, PodWorker, State};

/// The kubelet of one node.
#[derive(Clone, Debug)]
pub struct NodeAgent {
    /// The node's name.
    pub name: String,
    /// Its InternalIP.
    pub host_ip: String,
    images: BTreeSet<String>,
    pod_ips: PodIpPool,
    workers: FxHashMap<(String, String), PodWorker>,
}

/// Every node's kubelet, as one controller that routes pods by `spec.nodeName`.
#[derive(Clone, Debug, Default)]
pub struct Kubelets {
    nodes: BTreeMap<String, NodeAgent>,
}

impl Kubelets {
    /// Adds a node's kubelet and returns the Node object it registers.
    pub fn register(&mut self, name: &str, index: u8, control_plane: bool, now: SimTime) -> Node {
        let pod_ips = PodIpPool::for_node(index);
        let host_ip = format!("172.18.0.{}", u16::from(index) + 2);
        let node = node::node_object(name, &host_ip, &pod_ips.cidr(), control_plane, now);
        self.nodes.insert(
            name.to_string(),
            NodeAgent {
                name: name.to_string(),
                host_ip,
                images: BTreeSet::new(),
                pod_ips,
                workers: FxHashMap::default(),
            },
        );
        node
    }

    /// The node agents, by name.
    pub fn nodes(&self) -> impl Iterator<Item = &NodeAgent> {
        self.nodes.values()
    }

    /// The worker running a pod, wherever it is.
    pub fn worker(&self, namespace: &str, name: &str) -> Option<&PodWorker> {
        let key = (namespace.to_string(), name.to_string());
        self.nodes.values().find_map(|n| n.workers.get(&key))
    }

    /// The worker running a pod, to change (for exec and traffic).
    pub fn worker_mut(&mut self, namespace: &str, name: &str) -> Option<&mut PodWorker> {
        let key = (namespace.to_string(), name.to_string());
        self.nodes
            .values_mut()
            .find_map(|n| n.workers.get_mut(&key))
    }

    fn forget(&mut self, namespace: &str, name: &str) {
        let key = (namespace.to_string(), name.to_string());
        for agent in self.nodes.values_mut() {
            if let Some(worker) = agent.workers.remove(&key) {
                if let Some(ip) = worker.ip {
                    agent.pod_ips.release(ip);
                }
            }
        }
    }
}

fn node_of(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()?
        .node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

impl Controller for Kubelets {
    fn name(&self) -> &'static str {
        "kubelet"
    }

    fn observe(&mut self, change: &WatchEvent, _store: &Store) -> Vec<ObjectKey> {
        let Object::Pod(pod) = change.object.as_ref() else {
            return Vec::new();
        };
        if change.event_type == WatchEventType::Deleted {
            self.forget(change.object.namespace(), change.object.name());
            return Vec::new();
        }
        match node_of(pod) {
            Some(node) if self.nodes.contains_key(node) => vec![ObjectKey::of(&change.object)],
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let Some(object) = ctx.store.get(key) else {
            return Vec::new();
        };
        let Object::Pod(pod) = object.as_ref() else {
            return Vec::new();
        };
        let Some(agent) = node_of(pod).and_then(|n| self.nodes.get_mut(n)) else {
            return Vec::new();
        };
        agent.sync_pod(object, pod, ctx.now)
    }
}

impl NodeAgent {
    /// The kubelet's `syncPod` for one pod at `now`.
    fn sync_pod(&mut self, object: &Object, pod: &Pod, now: SimTime) -> Vec<Action> {
        let pod_key = (object.namespace().to_string(), object.name().to_string());
        if !self.workers.contains_key(&pod_key) {
            if pod.metadata.deletion_timestamp.is_some() {
                return vec![Action::Delete(ObjectKey::of(object), force())];
            }
            let ip = self.pod_ips.allocate();
            self.workers
                .insert(pod_key.clone(), PodWorker::new(pod, ip, now));
        }
        let Some(worker) = self.workers.get_mut(&pod_key) else {
            return Vec::new();
        };
        if worker.uid != object.uid() {
            // A new pod with the old one's name: start over.
            if let Some(ip) = worker.ip {
                self.pod_ips.release(ip);
            }
            let ip = self.pod_ips.allocate();
            *worker = PodWorker::new(pod, ip, now);
        }
        let mut kubelet_events = Vec::new();
        if pod.metadata.deletion_timestamp.is_some() {
            let grace = pod.metadata.deletion_grace_period_seconds.unwrap_or(30);
            kubelet_events.extend(worker.kill(now, grace));
        }
        let mut env = worker::Env {
            pod,
            images: &mut self.images,
            pod_ip: None,
            listeners: Vec::new(),
        };
        kubelet_events.extend(worker.advance(&mut env, now));
        let status = status::pod_status(pod, worker, &self.host_ip, now);
        let mut actions: Vec<Action> = kubelet_events
            .into_iter()
            .map(|e| Action::Record(to_event(object, &self.name, e)))
            .collect();
        if pod.status.as_ref() != Some(&status) {
            actions.push(Action::UpdateStatus(status_only(pod, status)));
        }
        if worker.killing && worker.all_stopped() {
            actions.push(Action::Delete(ObjectKey::of(object), force()));
        } else if let Some(due) = worker.next_due(now) {
            actions.push(Action::RequeueAfter(due.millis_since(now).max(0)));
        }
        actions
    }

    /// The workers of the pods on this node.
    pub fn workers(&self) -> impl Iterator<Item = (&(String, String), &PodWorker)> {
        self.workers.iter()
    }
}

/// The pod as a status update carries it: its key and its new status, not
/// a copy of its spec.
fn status_only(pod: &Pod, status: PodStatus) -> Object {
    Object::Pod(Pod {
        metadata: ObjectMeta {
            name: pod.metadata.name.clone(),
            namespace: pod.metadata.namespace.clone(),
            ..ObjectMeta::default()
        },
        spec: None,
        status: Some(status),
    })
}

fn force() -> DeleteOptions {
    DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    }
}

fn to_event(pod: &Object, node: &str, event: worker::KubeletEvent) -> NewEvent {
    let involved = ObjectReference {
        field_path: event.field_path,
        ..reference_to(pod)
    };
    NewEvent {
        involved,
        event_type: if event.warning {
            EventType::Warning
        } else {
            EventType::Normal
        },
        reason: event.reason,
        message: event.message,
        reporter: Reporter::Component {
            component: "kubelet",
            host: Some(node.to_string()),
        },
    }
}

/// Pods a fresh set of kubelets must look at after a restore: every bound pod.
pub fn bound_pods(store: &Store) -> BTreeSet<ObjectKey> {
    store
        .list(Kind::Pod, None)
        .filter(|o| matches!(o.as_ref(), Object::Pod(p) if node_of(p).is_some()))
        .map(|o| ObjectKey::of(o))
        .collect()
}

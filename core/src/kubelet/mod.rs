//! The kubelets, one per node: they run the pods bound to their node
//! through the node's container runtime ([`runtime::ContainerRuntime`]:
//! simulated by default, or a real engine), report pod status, record the
//! kubelet's events, and finish graceful deletion.

pub mod env;
pub mod node;
pub mod process;
pub mod runtime;
pub mod sim;
pub mod status;
pub mod volumes;
pub mod worker;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use k8s_openapi::api::core::v1::{Node, ObjectReference, Pod, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::api::{Kind, Object};
use crate::apiserver::events::{reference_to, EventType, NewEvent, Reporter};
use crate::apiserver::DeleteOptions;
use crate::controllers::pod_util::node_name;
use crate::controllers::{Action, Context, Controller};
use crate::network::ipam::PodIpPool;
use crate::store::{NamePair, ObjectKey, Store, WatchEvent, WatchEventType};
use crate::time::SimTime;

pub use runtime::{ContainerRuntime, PodRef};
pub use sim::{SimContainer, SimRuntime};
pub use worker::{ContainerWorker, LogLine, PodWorker, State};

/// The kubelet of one node.
#[derive(Debug)]
pub struct NodeAgent {
    /// The node's name.
    pub name: String,
    /// Its InternalIP.
    pub host_ip: String,
    runtime: Box<dyn ContainerRuntime>,
    workers: FxHashMap<(String, String), PodWorker>,
}

/// Every node's kubelet, as one controller that routes pods by `spec.nodeName`.
#[derive(Debug, Default)]
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
                runtime: Box::new(SimRuntime::new(pod_ips)),
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
        let key = (namespace, name);
        self.nodes
            .values()
            .find_map(|n| n.workers.get(&key as &dyn NamePair))
    }

    /// Runs a node's pods on another container runtime (a real engine)
    /// instead of the simulated one; false when there is no such node.
    pub fn set_runtime(&mut self, node: &str, runtime: Box<dyn ContainerRuntime>) -> bool {
        match self.nodes.get_mut(node) {
            Some(agent) => {
                agent.runtime = runtime;
                true
            }
            None => false,
        }
    }

    /// The node agent running a pod, with that pod's worker.
    fn agent_of(&self, namespace: &str, name: &str) -> Option<(&NodeAgent, &PodWorker)> {
        let key = (namespace, name);
        self.nodes
            .values()
            .find_map(|n| n.workers.get(&key as &dyn NamePair).map(|w| (n, w)))
    }

    /// A container's log lines, from its node's runtime: this run's, or with
    /// `previous` the run before. None when the pod runs nowhere.
    pub fn logs(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Option<Vec<LogLine>> {
        let (agent, worker) = self.agent_of(namespace, pod)?;
        Some(agent.runtime.logs(&worker.pod_ref, container, previous))
    }

    /// The simulated runtime of the node running a pod (for container
    /// shells and traffic); None for a pod on a real engine.
    pub fn sim_runtime_of(&self, namespace: &str, pod: &str) -> Option<&SimRuntime> {
        self.agent_of(namespace, pod)?.0.runtime.as_sim()
    }

    /// The simulated runtime of the node running a pod, to change.
    pub fn sim_runtime_of_mut(&mut self, namespace: &str, pod: &str) -> Option<&mut SimRuntime> {
        let key = (namespace, pod);
        self.nodes
            .values_mut()
            .find(|n| n.workers.contains_key(&key as &dyn NamePair))?
            .runtime
            .as_sim_mut()
    }

    /// A simulated container of a pod, by names.
    pub fn sim_container(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
    ) -> Option<&SimContainer> {
        self.sim_runtime_of(namespace, pod)?
            .container(namespace, pod, container)
    }

    /// Drops a deleted pod's worker and sandbox, on the node the pod's last
    /// state names (or on any node, for a pod deleted before it was bound).
    fn forget(&mut self, pod: &Pod) {
        let key = (
            pod.metadata.namespace.as_deref().unwrap_or(""),
            pod.metadata.name.as_deref().unwrap_or(""),
        );
        let agents: Box<dyn Iterator<Item = &mut NodeAgent>> =
            match node_name(pod).and_then(|n| self.nodes.get_mut(n)) {
                Some(agent) => Box::new(std::iter::once(agent)),
                None => Box::new(self.nodes.values_mut()),
            };
        for agent in agents {
            if let Some(worker) = agent.workers.remove(&key as &dyn NamePair) {
                agent.runtime.remove_sandbox(&worker.pod_ref);
            }
        }
    }
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
            self.forget(pod);
            return Vec::new();
        }
        let Some(agent) = node_name(pod).and_then(|n| self.nodes.get_mut(n)) else {
            return Vec::new();
        };
        // A status-only change the kubelet made itself needs no sync, as the
        // kubelet's pod config merges status-only updates without one.
        if change.event_type == WatchEventType::Modified && agent.is_own_status_write(pod) {
            return Vec::new();
        }
        vec![ObjectKey::of(&change.object)]
    }

    fn poll(&mut self, now: SimTime) -> Vec<ObjectKey> {
        self.nodes
            .values_mut()
            .flat_map(|agent| agent.runtime.pods_with_news(now))
            .map(|pod| ObjectKey::new(Kind::Pod, pod.namespace, pod.name))
            .collect()
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let Some(object) = ctx.store.get(key) else {
            return Vec::new();
        };
        let Object::Pod(pod) = object.as_ref() else {
            return Vec::new();
        };
        let Some(agent) = node_name(pod).and_then(|n| self.nodes.get_mut(n)) else {
            return Vec::new();
        };
        agent.sync_pod(object, pod, ctx.store, ctx.now)
    }
}

impl NodeAgent {
    /// Whether `pod` is the echo of this kubelet's last status write: the
    /// status it sent, on the very pod it synced. Either way, that write's
    /// echo is then no longer awaited.
    fn is_own_status_write(&mut self, pod: &Pod) -> bool {
        let key = (
            pod.metadata.namespace.as_deref().unwrap_or(""),
            pod.metadata.name.as_deref().unwrap_or(""),
        );
        let Some(worker) = self.workers.get_mut(&key as &dyn NamePair) else {
            return false;
        };
        let Some(sent) = worker.sent_status.take() else {
            return false;
        };
        let Object::Pod(synced) = sent.synced.as_ref() else {
            return false;
        };
        pod.status.as_ref() == Some(&sent.status)
            && pod.spec == synced.spec
            && same_but_version(&pod.metadata, &synced.metadata)
    }

    /// The kubelet's `syncPod` for one pod at `now`.
    fn sync_pod(
        &mut self,
        object: &Arc<Object>,
        pod: &Pod,
        store: &Store,
        now: SimTime,
    ) -> Vec<Action> {
        let pod_key = (object.namespace(), object.name());
        if !self.workers.contains_key(&pod_key as &dyn NamePair) {
            if pod.metadata.deletion_timestamp.is_some() {
                return vec![Action::Delete(ObjectKey::of(object), force())];
            }
            // A pod that ran before the kubelet restarted is taken over as it runs.
            let worker = PodWorker::adopt(pod, store, self.runtime.as_mut(), now)
                .unwrap_or_else(|| PodWorker::new(pod, self.runtime.as_mut(), now));
            let owned_key = (pod_key.0.to_string(), pod_key.1.to_string());
            self.workers.insert(owned_key, worker);
        }
        let Some(worker) = self.workers.get_mut(&pod_key as &dyn NamePair) else {
            return Vec::new();
        };
        if worker.uid != object.uid() {
            // A new pod with the old one's name: start over.
            self.runtime.remove_sandbox(&worker.pod_ref);
            *worker = PodWorker::new(pod, self.runtime.as_mut(), now);
        }
        let mut kubelet_events = Vec::new();
        if pod.metadata.deletion_timestamp.is_some() {
            let grace = pod.metadata.deletion_grace_period_seconds.unwrap_or(30);
            kubelet_events.extend(worker.kill(self.runtime.as_mut(), now, grace));
        }
        let pod_ref = worker.pod_ref.clone();
        let mut env = worker::Env {
            pod,
            store,
            pod_ref: &pod_ref,
            runtime: self.runtime.as_mut(),
        };
        kubelet_events.extend(worker.advance(&mut env, now));
        let status = status::pod_status(pod, worker, &self.host_ip, now);
        let mut actions: Vec<Action> = kubelet_events
            .into_iter()
            .map(|e| Action::Record(to_event(object, &self.name, e)))
            .collect();
        if pod.status.as_ref() != Some(&status) {
            worker.sent_status = Some(worker::SentStatus {
                synced: object.clone(),
                status: status.clone(),
            });
            actions.push(Action::UpdateStatus(status_only(pod, status)));
        }
        if worker.killing && worker.all_stopped() {
            actions.push(Action::Delete(ObjectKey::of(object), force()));
        } else if let Some(due) = worker.next_due(self.runtime.as_ref(), now) {
            actions.push(Action::RequeueAfter(due.millis_since(now).max(0)));
        }
        actions
    }

    /// The workers of the pods on this node.
    pub fn workers(&self) -> impl Iterator<Item = (&(String, String), &PodWorker)> {
        self.workers.iter()
    }
}

/// Whether two versions of an object's metadata differ in nothing but
/// their resourceVersion.
fn same_but_version(a: &ObjectMeta, b: &ObjectMeta) -> bool {
    let ObjectMeta {
        annotations,
        creation_timestamp,
        deletion_grace_period_seconds,
        deletion_timestamp,
        finalizers,
        generate_name,
        generation,
        labels,
        managed_fields,
        name,
        namespace,
        owner_references,
        resource_version: _,
        self_link,
        uid,
    } = a;
    *annotations == b.annotations
        && *creation_timestamp == b.creation_timestamp
        && *deletion_grace_period_seconds == b.deletion_grace_period_seconds
        && *deletion_timestamp == b.deletion_timestamp
        && *finalizers == b.finalizers
        && *generate_name == b.generate_name
        && *generation == b.generation
        && *labels == b.labels
        && *managed_fields == b.managed_fields
        && *name == b.name
        && *namespace == b.namespace
        && *owner_references == b.owner_references
        && *self_link == b.self_link
        && *uid == b.uid
}

/// The pod as a status update carries it: its key and its new status, not
/// a copy of its spec.
fn status_only(pod: &Pod, status: PodStatus) -> Object {
    Object::Pod(Box::new(Pod {
        metadata: ObjectMeta {
            name: pod.metadata.name.clone(),
            namespace: pod.metadata.namespace.clone(),
            ..ObjectMeta::default()
        },
        spec: None,
        status: Some(status),
    }))
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
        .filter(|o| matches!(o.as_ref(), Object::Pod(p) if node_name(p).is_some()))
        .map(|o| ObjectKey::of(o))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cluster, ClusterConfig};

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n";

    /// A cluster whose pod `web` runs, and that pod as stored.
    fn running_pod() -> (Cluster, Arc<Object>) {
        let mut cluster = Cluster::new(ClusterConfig::default());
        for created in cluster.create_manifests(POD).expect("decodes") {
            created.expect("created");
        }
        cluster.advance(60_000);
        let pod = cluster
            .api()
            .store()
            .find(Kind::Pod, "default", "web")
            .expect("stored")
            .clone();
        (cluster, pod)
    }

    /// `pod` as a later write leaves it, with a newer resourceVersion.
    fn rewritten(pod: &Object, change: impl FnOnce(&mut Pod)) -> Arc<Object> {
        let mut pod = Object::clone(pod);
        if let Object::Pod(p) = &mut pod {
            change(p);
        }
        pod.metadata_mut().resource_version = Some("999999".into());
        Arc::new(pod)
    }

    /// The status the tests' kubelet sends: the pod's, with a reason.
    fn sent_status(pod: &Object) -> PodStatus {
        let Object::Pod(pod) = pod else {
            return PodStatus::default();
        };
        PodStatus {
            reason: Some("Sent".into()),
            ..pod.status.clone().unwrap_or_default()
        }
    }

    /// Tells the pod's kubelet that it sent `status` for `synced`.
    fn note_sent(cluster: &mut Cluster, synced: &Arc<Object>, status: PodStatus) {
        let kubelets = cluster.driver_mut().get_mut::<Kubelets>().expect("runs");
        let worker = kubelets
            .nodes
            .values_mut()
            .find_map(|agent| agent.workers.get_mut(&("default", "web") as &dyn NamePair))
            .expect("the pod has a worker");
        worker.sent_status = Some(worker::SentStatus {
            synced: synced.clone(),
            status,
        });
    }

    /// How many keys the kubelets queue when `change` comes through the watch.
    fn queued_by(cluster: &mut Cluster, change: &Arc<Object>) -> usize {
        let store = cluster.api().store().clone();
        let kubelets = cluster.driver_mut().get_mut::<Kubelets>().expect("runs");
        let event = WatchEvent {
            event_type: WatchEventType::Modified,
            object: change.clone(),
            resource_version: 999_999,
        };
        kubelets.observe(&event, &store).len()
    }

    #[test]
    fn the_kubelets_own_status_write_coming_back_queues_no_sync() {
        let (mut cluster, pod) = running_pod();
        let sent = sent_status(&pod);
        let echo = rewritten(&pod, |p| p.status = Some(sent.clone()));
        note_sent(&mut cluster, &pod, sent);
        assert_eq!(queued_by(&mut cluster, &echo), 0);
        // The echo was awaited once: the same change again is news.
        assert_eq!(queued_by(&mut cluster, &echo), 1);
    }

    #[test]
    fn changes_the_kubelet_did_not_make_still_queue_a_sync() {
        let (mut cluster, pod) = running_pod();
        let sent = sent_status(&pod);
        let relabelled = rewritten(&pod, |p| {
            p.status = Some(sent.clone());
            p.metadata
                .labels
                .get_or_insert_with(BTreeMap::new)
                .insert("tier".into(), "front".into());
        });
        let terminating = rewritten(&pod, |p| {
            p.status = Some(sent.clone());
            p.metadata.deletion_timestamp = p.metadata.creation_timestamp.clone();
        });
        let someone_elses_status = rewritten(&pod, |p| {
            p.status.get_or_insert_with(PodStatus::default).reason = Some("Theirs".into());
        });
        for change in [relabelled, terminating, someone_elses_status] {
            note_sent(&mut cluster, &pod, sent.clone());
            assert_eq!(
                queued_by(&mut cluster, &change),
                1,
                "{:?}",
                change.metadata()
            );
        }
    }
}

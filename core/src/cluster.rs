//! The cluster handle: the one boundary through which the browser, the
//! native server and the tests drive the simulation. It owns the API
//! server, the controllers, the scheduler and the kubelets, and the clock.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Namespace, NamespaceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::api::decode::{self, DecodeError};
use crate::api::{Kind, Object, StatusError};
use crate::apiserver::{ApiServer, PodSecurityLevel, WriteOptions};
use crate::controllers::deployment::DeploymentController;
use crate::controllers::endpoints::EndpointsController;
use crate::controllers::endpointslice::EndpointSliceController;
use crate::controllers::garbage_collector::GarbageCollector;
use crate::controllers::namespace::NamespaceController;
use crate::controllers::replicaset::ReplicaSetController;
use crate::controllers::{Controller, Driver};
use crate::kubelet::Kubelets;
use crate::network::ipam::ServiceCidr;
use crate::scheduler::Scheduler;
use crate::store::ObjectKey;
use crate::time::SimTime;

/// The namespaces every cluster starts with.
pub const INITIAL_NAMESPACES: [&str; 4] =
    ["default", "kube-node-lease", "kube-public", "kube-system"];

/// How a new cluster is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Worker nodes beside the control-plane node.
    pub workers: usize,
    /// The seed for every random choice the cluster makes.
    pub seed: u64,
    /// The simulated time at which the cluster starts.
    pub start: SimTime,
    /// The Pod Security level the API server enforces on every pod; `None`
    /// (the default) admits any pod, as a default cluster does.
    pub pod_security: Option<PodSecurityLevel>,
    /// The range ClusterIPs come from: kubeadm's by default; a real
    /// engine's network may need another.
    pub service_cidr: ServiceCidr,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            seed: 0,
            start: SimTime::TEST_EPOCH,
            pod_security: None,
            service_cidr: ServiceCidr::KUBEADM,
        }
    }
}

/// A whole simulated cluster.
pub struct Cluster {
    api: ApiServer,
    driver: Driver,
    now: SimTime,
    node_names: Vec<String>,
    /// The latest requests sent between pods, oldest first.
    traffic: std::collections::VecDeque<Request>,
    /// Requests sent so far.
    requests: u64,
}

/// A request a pod sent (curl, wget, a proxy's first leg), as it crossed
/// the cluster: for the picture to show its path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Its number: 1 for the cluster's first request.
    pub sequence: u64,
    /// When it was sent.
    pub at: SimTime,
    /// The URL asked for.
    pub url: String,
    /// Its legs, in order.
    pub hops: Vec<crate::network::traffic::Hop>,
    /// The answer's status, or None when none came.
    pub status: Option<u16>,
}

/// How many requests the cluster remembers.
const TRAFFIC_KEPT: usize = 64;

impl Cluster {
    /// Builds a fresh cluster: namespaces, one control-plane node and
    /// `config.workers` workers, with their kubelets and the controllers.
    pub fn new(config: ClusterConfig) -> Self {
        let api = ApiServer::new(config.seed);
        let mut cluster = Self::assemble(config, api);
        cluster.settle();
        cluster
    }

    /// Rebuilds a cluster from saved objects (a server's data directory):
    /// the same objects with the same uids and resourceVersions, the counter
    /// resuming at `resource_version`. Controllers, the scheduler and the
    /// kubelets start afresh and relist, as after a control-plane restart,
    /// at the first [`Cluster::advance`] — so that a node's runtime can be
    /// plugged in before its kubelet takes the pods over.
    pub fn restore(
        config: ClusterConfig,
        objects: impl IntoIterator<Item = Object>,
        resource_version: u64,
    ) -> Self {
        let store = crate::store::Store::restored(objects, resource_version);
        let api = ApiServer::restored(config.seed, store);
        Self::assemble(config, api)
    }

    /// The cluster around `api`: what a cluster always has (namespaces,
    /// nodes, the `kubernetes` Service) is created where missing, with the
    /// kubelets and controllers ready to start.
    fn assemble(config: ClusterConfig, mut api: ApiServer) -> Self {
        let node_names = node_names(config.workers);
        api.set_pod_security(config.pod_security);
        api.set_service_cidr(config.service_cidr);
        let now = config.start;
        for namespace in INITIAL_NAMESPACES {
            create_if_missing(&mut api, namespace_object(namespace), now);
        }
        let mut kubelets = Kubelets::default();
        for (index, name) in node_names.iter().enumerate() {
            let node = kubelets.register(name, index as u8, index == 0, now);
            create_if_missing(&mut api, Object::Node(Box::new(node)), now);
        }
        let control_plane_ip = kubelets
            .nodes()
            .next()
            .map(|n| n.host_ip.clone())
            .unwrap_or_default();
        let kubernetes_ip = config.service_cidr.kubernetes_ip();
        for object in crate::apiserver::bootstrap::kubernetes_service_objects(
            &kubernetes_ip.to_string(),
            &control_plane_ip,
        ) {
            create_if_missing(&mut api, object, now);
        }
        let controllers: Vec<Box<dyn Controller>> = vec![
            Box::new(NamespaceController),
            Box::new(DeploymentController),
            Box::new(ReplicaSetController::default()),
            Box::new(GarbageCollector),
            Box::new(Scheduler::new(node_names[0].clone())),
            Box::new(kubelets),
            Box::new(EndpointsController),
            Box::new(EndpointSliceController),
        ];
        Self {
            api,
            driver: Driver::new(controllers),
            now,
            node_names,
            traffic: std::collections::VecDeque::new(),
            requests: 0,
        }
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The API server, for reads.
    pub fn api(&self) -> &ApiServer {
        &self.api
    }

    /// The names of the nodes, control plane first.
    pub fn node_names(&self) -> &[String] {
        &self.node_names
    }

    /// Runs a node's pods on another container runtime (a real engine)
    /// instead of the simulated one; false when there is no such node.
    /// Call it before pods are bound to that node.
    pub fn set_node_runtime(
        &mut self,
        node: &str,
        runtime: Box<dyn crate::kubelet::ContainerRuntime>,
    ) -> bool {
        let machine = runtime.node_capacity();
        let plugged = self
            .driver
            .get_mut::<Kubelets>()
            .is_some_and(|kubelets| kubelets.set_runtime(node, runtime));
        if let (true, Some(machine)) = (plugged, machine) {
            self.report_node_capacity(node, machine);
        }
        plugged
    }

    /// Writes a machine's CPUs and memory into its Node's status.
    fn report_node_capacity(&mut self, node: &str, machine: crate::kubelet::runtime::NodeCapacity) {
        let Ok(current) = self.api.get(Kind::Node, "", node) else {
            return;
        };
        let Object::Node(mut updated) = Object::clone(&current) else {
            return;
        };
        crate::kubelet::node::set_capacity(&mut updated, machine);
        updated.metadata.resource_version = None;
        let written = self.api.update_status(Object::Node(updated));
        debug_assert!(written.is_ok(), "{written:?}");
    }

    /// The kubelets, for logs and the containers' state.
    pub fn kubelets(&self) -> &Kubelets {
        self.driver
            .get::<Kubelets>()
            .unwrap_or_else(|| unreachable_kubelets())
    }

    /// A simulated container, to change (a shell writing files); None for
    /// a pod on a real container engine.
    pub fn container_mut(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
    ) -> Option<&mut crate::kubelet::SimContainer> {
        self.driver
            .get_mut::<Kubelets>()?
            .sim_runtime_of_mut(namespace, pod)?
            .container_mut(namespace, pod, container)
    }

    /// An attached terminal closed a container's stdin: its interactive
    /// shell exits with `code`, and the kubelet applies the restart policy.
    pub fn close_stdin(&mut self, namespace: &str, pod: &str, container: &str, code: i32) {
        let now = self.now;
        if let Some(runtime) = self
            .driver
            .get_mut::<Kubelets>()
            .and_then(|k| k.sim_runtime_of_mut(namespace, pod))
        {
            runtime.close_stdin(namespace, pod, container, now, code);
        }
        self.driver
            .enqueue::<Kubelets>(ObjectKey::new(Kind::Pod, namespace, pod));
        self.settle();
    }

    /// Kills a simulated pod's sandbox now, as a crashed pause container
    /// or a restarted container engine would: the kubelet kills the pod's
    /// containers and sets the pod up again in a new sandbox, with a new
    /// IP. False when the pod has no simulated sandbox that is up.
    pub fn kill_pod_sandbox(&mut self, namespace: &str, pod: &str) -> bool {
        let now = self.now;
        let killed = self
            .driver
            .get_mut::<Kubelets>()
            .and_then(|k| k.sim_runtime_of_mut(namespace, pod))
            .is_some_and(|runtime| runtime.kill_sandbox(namespace, pod, now));
        if killed {
            self.settle();
        }
        killed
    }

    /// Creates an object now, then lets the controllers react.
    pub fn create(&mut self, object: Object) -> Result<Arc<Object>, StatusError> {
        let created = self.api.create(object, self.now, &WriteOptions::default());
        self.settle();
        created
    }

    /// Creates an object now with options (dry run, field manager), then lets the controllers react.
    pub fn create_with(
        &mut self,
        object: Object,
        options: &WriteOptions,
    ) -> Result<Arc<Object>, StatusError> {
        let created = self.api.create(object, self.now, options);
        self.settle();
        created
    }

    /// Replaces an object now with options, then lets the controllers react.
    pub fn update_with(
        &mut self,
        object: Object,
        options: &WriteOptions,
    ) -> Result<Arc<Object>, StatusError> {
        let updated = self.api.update(object, options);
        self.settle();
        updated
    }

    /// Server-side apply: merges `config` (an object of `kind` in
    /// `namespace`) into the live object as `manager`, creating it when
    /// missing; fields another applier owns with another value are a
    /// Conflict unless `force`. Returns the object and whether it was created.
    pub fn server_side_apply(
        &mut self,
        kind: crate::api::Kind,
        namespace: &str,
        config: &serde_json::Value,
        manager: &str,
        force: bool,
        options: &WriteOptions,
    ) -> Result<(Arc<Object>, bool), StatusError> {
        use crate::apiserver::server_side_apply as ssa;
        let name = config
            .pointer("/metadata/name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string();
        let live = self
            .api
            .get(kind, namespace, &name)
            .ok()
            .map(|o| o.to_value());
        let managers = live.as_ref().map(ssa::managers_of).unwrap_or_default();
        let api_version = kind.api_version();
        let (mut merged, managers) = ssa::apply(
            live.as_ref(),
            config,
            &managers,
            manager,
            api_version,
            force,
        )
        .map_err(|conflicts| {
            StatusError::conflict_message(kind, &name, ssa::conflict_message(&conflicts))
        })?;
        let previous = live.clone().unwrap_or_default();
        merged["metadata"]["managedFields"] =
            ssa::managed_fields(&managers, manager, self.now, &previous);
        if kind.is_namespaced() {
            merged["metadata"]["namespace"] = serde_json::json!(namespace);
        }
        let object = decode::decode_strict(kind, &merged).map_err(|err| {
            StatusError::bad_request(format!(
                "failed to create typed patch object ({namespace}/{name}; {api_version}, Kind={}): {}",
                kind.name(),
                err.message()
            ))
        })?;
        match live {
            None => self.create_with(object, options).map(|o| (o, true)),
            Some(_) => self.update_with(object, options).map(|o| (o, false)),
        }
    }

    /// Replaces an object now, then lets the controllers react.
    pub fn update(&mut self, object: Object) -> Result<Arc<Object>, StatusError> {
        let updated = self.api.update(object, &WriteOptions::default());
        self.settle();
        updated
    }

    /// Deletes an object now, then lets the controllers react.
    pub fn delete(
        &mut self,
        key: &crate::store::ObjectKey,
        options: &crate::apiserver::DeleteOptions,
    ) -> Result<crate::apiserver::DeleteOutcome, StatusError> {
        let outcome = self.api.delete(key, self.now, options);
        self.settle();
        outcome
    }

    /// Decodes manifest text and creates each object, in order.
    pub fn create_manifests(
        &mut self,
        text: &str,
    ) -> Result<Vec<Result<Arc<Object>, StatusError>>, DecodeError> {
        let objects = decode::decode_manifests(text)?;
        Ok(objects.into_iter().map(|o| self.create(o)).collect())
    }

    /// Advances the clock by `millis`, running every timer at its own time.
    pub fn advance(&mut self, millis: i64) {
        let target = self.now.plus_millis(millis.max(0));
        self.run_until(target);
    }

    /// The controllers' driver, for tests that look at a controller's cache.
    #[cfg(test)]
    pub(crate) fn driver(&self) -> &Driver {
        &self.driver
    }

    /// The controllers' driver, for tests that hand a controller a change.
    #[cfg(test)]
    pub(crate) fn driver_mut(&mut self) -> &mut Driver {
        &mut self.driver
    }

    /// Runs timers in time order up to `target`, then settles at `target`.
    pub fn run_until(&mut self, target: SimTime) {
        while let Some(next) = self.driver.next_timer().filter(|t| *t <= target) {
            self.now = self.now.max(next);
            self.settle();
        }
        self.now = self.now.max(target);
        self.settle();
    }

    /// Works toward `target` as [`Cluster::run_until`] does, with the same
    /// reconciles and writes in the same order, but stops once it has spent
    /// `work` units (a reconcile, or one write a reconcile asked for), to go
    /// on at the next call; true once everything due by `target` is done.
    /// A host that draws between calls shows the cluster part-way through
    /// an instant, as a real one is mid-work; it finishes the work
    /// ([`Cluster::run_until`]) before it changes anything itself.
    pub fn run_until_within(&mut self, target: SimTime, work: usize) -> bool {
        let mut work = work;
        loop {
            if !self
                .driver
                .resume_settle(&mut self.api, self.now, &mut work)
            {
                return false;
            }
            if let Some(next) = self.driver.next_timer().filter(|t| *t <= target) {
                self.now = self.now.max(next);
            } else if self.now < target {
                self.now = target;
            } else {
                return true;
            }
            self.driver.begin_settle(self.now);
        }
    }

    /// True while work at the current instant is left for a later
    /// [`Cluster::run_until_within`].
    pub fn is_mid_work(&self) -> bool {
        self.driver.is_settling()
    }

    /// When the next pending work falls due (an image pull ending, a
    /// back-off, a grace period), if anything is pending.
    pub fn next_event(&self) -> Option<SimTime> {
        self.driver.next_timer()
    }

    /// Runs until nothing more is pending or `deadline` is reached; returns the time reached.
    pub fn run_until_idle(&mut self, deadline: SimTime) -> SimTime {
        while let Some(next) = self.driver.next_timer().filter(|t| *t <= deadline) {
            self.now = self.now.max(next);
            self.settle();
        }
        self.now
    }

    /// Sends `GET url` from inside a pod, as curl there would; the answering
    /// container logs the request.
    pub fn http_get(
        &mut self,
        namespace: &str,
        pod: &str,
        url: &str,
    ) -> Result<crate::images::HttpResponse, crate::network::traffic::NetError> {
        let now = self.now;
        let Self { api, driver, .. } = self;
        let (store, rng) = api.store_and_rng();
        let Some(kubelets) = driver.get_mut::<Kubelets>() else {
            return Err(crate::network::traffic::NetError::Resolve(url.to_string()));
        };
        let mut network = crate::network::traffic::Network {
            store,
            kubelets,
            rng,
            now,
            hops: Vec::new(),
        };
        let answer = network.get(namespace, pod, url);
        let hops = network.hops;
        self.requests += 1;
        if self.traffic.len() == TRAFFIC_KEPT {
            self.traffic.pop_front();
        }
        self.traffic.push_back(Request {
            sequence: self.requests,
            at: now,
            url: url.to_string(),
            hops,
            status: answer.as_ref().ok().map(|r| r.status),
        });
        answer
    }

    /// Why the controllers acted, after explanation number `sequence`,
    /// oldest first (the latest 256 are kept).
    pub fn explanations_after(
        &self,
        sequence: u64,
    ) -> impl Iterator<Item = &crate::controllers::driver::Explanation> {
        self.driver.explanations_after(sequence)
    }

    /// The requests sent after request number `sequence` that the cluster
    /// still remembers, oldest first.
    pub fn requests_after(&self, sequence: u64) -> impl Iterator<Item = &Request> {
        self.traffic.iter().filter(move |r| r.sequence > sequence)
    }

    fn settle(&mut self) {
        self.driver.settle(&mut self.api, self.now);
    }

    /// Controller writes the API server refused since the last call.
    pub fn take_controller_errors(&mut self) -> Vec<crate::controllers::driver::ActionError> {
        self.driver.take_errors()
    }
}

fn unreachable_kubelets() -> &'static Kubelets {
    // Cluster::new always installs the kubelets.
    panic!("the cluster runs no kubelets")
}

fn namespace_object(name: &str) -> Object {
    Object::Namespace(Box::new(Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        spec: Some(NamespaceSpec {
            finalizers: Some(vec!["kubernetes".into()]),
        }),
        status: None,
    }))
}

/// The nodes' names, as kind names them.
/// Creates one of the objects every cluster has, unless a restored store has it.
fn create_if_missing(api: &mut ApiServer, object: Object, now: SimTime) {
    let key = ObjectKey::of(&object);
    if api.store().get(&key).is_none() {
        let created = api.create(object, now, &WriteOptions::default());
        debug_assert!(created.is_ok(), "{created:?}");
    }
}

fn node_names(workers: usize) -> Vec<String> {
    let workers = (1..=workers).map(|i| match i {
        1 => "sunaba-worker".to_string(),
        n => format!("sunaba-worker{n}"),
    });
    std::iter::once("sunaba-control-plane".to_string())
        .chain(workers)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_cluster_has_control_plane_and_two_workers() {
        let cluster = Cluster::new(ClusterConfig::default());
        assert_eq!(
            cluster.node_names(),
            ["sunaba-control-plane", "sunaba-worker", "sunaba-worker2"]
        );
        assert_eq!(cluster.api().store().count(crate::api::Kind::Node), 3);
        assert_eq!(cluster.api().store().count(crate::api::Kind::Namespace), 4);
    }
}

//! The Docker container runtime: [`DockerRuntime`] runs a node's pods as real
//! containers on the local Docker engine, behind core's CRI trait
//! [`ContainerRuntime`].
//!
//! The trait is synchronous and is called on the cluster's thread; Docker's
//! API (bollard) is async. So [`DockerRuntime`] is a façade: each request is
//! sent to a worker on a tokio runtime ([`worker`]), which reports back
//! through a channel; [`ContainerRuntime::pods_with_news`] drains it and
//! queues each report, stamped with the kubelet's `now`, under its pod and
//! container, where [`ContainerRuntime::due`] and [`ContainerRuntime::wake`]
//! find it. What the kubelet asks synchronously comes from state the worker
//! keeps filled: the engine's images ([`images::ImageCache`]) and the
//! containers' logs ([`logs::LogStore`]).
//!
//! A pod is a pause container on the cluster's bridge network ([`network`];
//! its IP is the pod IP) and one container per spec container in the pause
//! container's network and IPC namespaces ([`spec`]). Services are names on
//! that network (Docker's embedded DNS, through the pods' search path) for
//! proxies at the Services' ClusterIPs, which sunaba keeps in step with the
//! endpoints ([`services`]).
//! Everything sunaba creates carries its labels, and nothing without them is
//! touched ([`reset`]).

pub mod adopt;
pub mod images;
pub mod logs;
pub mod network;
pub mod probe;
pub mod reset;
pub mod services;
pub mod spec;
mod worker;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;

use bollard::Docker;
use k8s_openapi::api::core::v1::{Pod, Probe};
use sunaba_core::kubelet::runtime::{
    ContainerConfig, ContainerRuntime, NodeCapacity, PodRef, ProbeKind, Report,
};
use sunaba_core::kubelet::LogLine;
use sunaba_core::network::ipam::ServiceCidr;
use sunaba_core::time::SimTime;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use adopt::Inventory;
use images::ImageCache;
use logs::LogStore;
use probe::ProbeTask;
use worker::{Context, News, Request};

/// How long a Docker API call may take before bollard gives up (stops get
/// their grace period on top).
const API_TIMEOUT_SECS: u64 = 120;

/// Where and as what the runtime works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerConfig {
    /// The `io.sunaba.cluster` label's value on everything this cluster creates.
    pub cluster: String,
    /// The user-defined bridge network the pods live on, created when
    /// missing; None names it after the cluster ([`network::name_for`]).
    pub network: Option<String>,
    /// The image of the pods' pause containers (built by `cargo xtask images`).
    pub pause_image: String,
    /// The image of the Services' proxies (built by `cargo xtask images`).
    pub service_proxy_image: String,
    /// Where sunaba keeps the files it mounts into containers (the
    /// Services' tables); [`DockerConfig::state_dir()`] when None.
    pub state_dir: Option<PathBuf>,
    /// The engine's Unix socket; `DOCKER_HOST` or the default when None.
    pub socket: Option<PathBuf>,
}

impl DockerConfig {
    /// Where sunaba keeps the files it mounts into containers: the
    /// configured directory, else `sunaba-<cluster>` in the temporary
    /// directory (which the engine must see, as a local engine does).
    pub fn state_dir(&self) -> PathBuf {
        self.state_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join(format!("sunaba-{}", self.cluster)))
    }
}

impl DockerConfig {
    /// The name of the pods' network.
    pub fn network_name(&self) -> String {
        self.network
            .clone()
            .unwrap_or_else(|| network::name_for(&self.cluster))
    }
}

impl Default for DockerConfig {
    fn default() -> Self {
        Self {
            cluster: "default".into(),
            network: None,
            pause_image: "sunaba/pause:latest".into(),
            service_proxy_image: "sunaba/service-proxy:latest".into(),
            state_dir: None,
            socket: None,
        }
    }
}

/// Why the runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    /// No engine answered, or it refused a request.
    #[error("Docker engine: {}", docker_reason(.0))]
    Engine(#[from] bollard::errors::Error),
    /// A network of the pods' name exists that sunaba did not create.
    #[error(
        "network {0:?} exists and was not created by sunaba for this cluster; choose another name"
    )]
    NetworkNotOurs(String),
    /// The cluster's network comes from an older sunaba and still has containers.
    #[error("network {0:?} predates routed ClusterIPs and is in use; start afresh with `sunaba reset --backend docker`")]
    NetworkInUse(String),
    /// Every slice of 10.96.0.0/12 overlaps a network the engine has.
    #[error(
        "no free /22 in 10.96.0.0/12 for the cluster's network; remove unused Docker networks"
    )]
    NoAddressSpace,
}

/// A Docker error in Docker's own words (its message, without bollard's framing).
pub fn docker_reason(err: &bollard::errors::Error) -> String {
    use bollard::errors::Error;
    match err {
        Error::DockerResponseServerError { message, .. } => message.clone(),
        Error::DockerStreamError { error } => error.clone(),
        other => other.to_string(),
    }
}

/// A client of the engine `config` names, at the newest API version both speak.
pub async fn engine(config: &DockerConfig) -> Result<Docker, DockerError> {
    let docker = match &config.socket {
        Some(path) => Docker::connect_with_unix(
            &path.to_string_lossy(),
            API_TIMEOUT_SECS,
            bollard::API_DEFAULT_VERSION,
        )?,
        None => Docker::connect_with_local_defaults()?,
    };
    let docker = docker.negotiate_version().await?;
    docker.ping().await?;
    Ok(docker)
}

/// Reports waiting for the kubelet, by pod: the sandbox's and each container's, oldest first.
#[derive(Debug, Default)]
struct Queues {
    sandbox: VecDeque<(SimTime, Report)>,
    containers: HashMap<String, VecDeque<(SimTime, Report)>>,
}

impl Queues {
    fn of(&mut self, container: Option<&str>) -> &mut VecDeque<(SimTime, Report)> {
        match container {
            None => &mut self.sandbox,
            Some(name) => self.containers.entry(name.to_string()).or_default(),
        }
    }
}

/// A pod the runtime runs: its spec (for probes' named ports) and its reports.
#[derive(Debug, Default)]
struct PodEntry {
    spec: Option<Pod>,
    queues: Queues,
}

/// A node's container runtime on the local Docker engine.
#[derive(Debug)]
pub struct DockerRuntime {
    cluster: String,
    /// Where the files of ConfigMap and Secret volumes are written, to bind-mount.
    state_dir: PathBuf,
    /// The pods' network's ID.
    network: String,
    /// The network's service range, where the Services' ClusterIPs are real.
    services: ServiceCidr,
    pause_image: String,
    requests: UnboundedSender<Request>,
    news: UnboundedReceiver<News>,
    images: Arc<ImageCache>,
    logs: Arc<LogStore>,
    pods: HashMap<PodRef, PodEntry>,
    /// What ran for this cluster when the runtime connected, for the
    /// kubelet to take over after a restart.
    found: Inventory,
    /// The engine's machine: its CPUs and memory.
    machine: Option<NodeCapacity>,
}

impl DockerRuntime {
    /// Connects to the engine, creates the pods' network when missing, reads
    /// the engine's images, and starts the worker on the current tokio runtime.
    pub async fn connect(config: DockerConfig) -> Result<Self, DockerError> {
        let docker = engine(&config).await?;
        let pod_network = network::ensure(&docker, &config.network_name(), &config.cluster).await?;
        let network = pod_network.id;
        let images = Arc::new(ImageCache::load(&docker).await?);
        let found = Inventory::load(&docker, &config.cluster, &network).await?;
        let info = docker.info().await?;
        let machine = match (info.ncpu, info.mem_total) {
            (Some(cpus), Some(memory)) => Some(NodeCapacity {
                cpus: u32::try_from(cpus).unwrap_or(1),
                memory_bytes: u64::try_from(memory).unwrap_or(0),
            }),
            _ => None,
        };
        let logs = Arc::new(LogStore::default());
        let (requests, inbox) = unbounded_channel();
        let (reports, news) = unbounded_channel();
        let ctx = Context {
            docker,
            cluster: config.cluster.as_str().into(),
            network: network.as_str().into(),
            news: reports,
            images: Arc::clone(&images),
            logs: Arc::clone(&logs),
        };
        tokio::spawn(worker::run(ctx, inbox));
        Ok(Self {
            state_dir: config.state_dir(),
            cluster: config.cluster,
            network,
            services: pod_network.services,
            pause_image: config.pause_image,
            requests,
            news,
            images,
            logs,
            pods: HashMap::new(),
            found,
            machine,
        })
    }

    /// Removes this cluster's containers and volumes of every pod not in
    /// `known` (uids): what a restarted sunaba no longer has objects for.
    pub fn remove_orphans(&mut self, known: BTreeSet<String>) {
        self.found.pods.retain(|uid, _| known.contains(uid));
        self.send(Request::RemoveOrphans { known });
    }

    /// The directory of a pod's volume files.
    fn pod_dir(&self, pod: &PodRef) -> PathBuf {
        self.state_dir.join("pods").join(&pod.uid)
    }

    /// Writes a container's ConfigMap and Secret volumes' files, each
    /// volume in a directory of its own; (host directory, mount path) pairs.
    fn write_volumes(
        &self,
        pod: &PodRef,
        config: &ContainerConfig<'_>,
    ) -> Result<Vec<(PathBuf, String)>, String> {
        let mut binds = Vec::new();
        for volume in config.volumes {
            let dir = self
                .pod_dir(pod)
                .join(&config.container.name)
                .join(&volume.name);
            let _ = std::fs::remove_dir_all(&dir);
            for (path, content) in &volume.files {
                // Keys are plain names or relative paths; never leave the volume.
                if path.split('/').any(|part| part == ".." || part.is_empty()) {
                    continue;
                }
                let file = dir.join(path);
                let written = file
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&file, content));
                written.map_err(|err| format!("cannot write volume {:?}: {err}", volume.name))?;
            }
            std::fs::create_dir_all(&dir)
                .map_err(|err| format!("cannot write volume {:?}: {err}", volume.name))?;
            binds.push((dir, volume.mount_path.clone()));
        }
        Ok(binds)
    }

    /// The `io.sunaba.cluster` label's value on what this runtime creates.
    pub fn cluster(&self) -> &str {
        &self.cluster
    }

    /// The range the cluster's ClusterIPs must come from, for its
    /// Services' proxies to sit at them on the network.
    pub fn service_cidr(&self) -> ServiceCidr {
        self.services
    }

    /// Sends a request to the worker; false when the worker is gone.
    fn send(&self, request: Request) -> bool {
        self.requests.send(request).is_ok()
    }

    /// The pod's entry, made on its first request: reports are kept for the
    /// pods the kubelet asked about until it removes them.
    fn entry(&mut self, pod: &PodRef) -> &mut PodEntry {
        self.pods.entry(pod.clone()).or_default()
    }

    /// Queues a report the runtime gives itself (the worker being gone).
    fn queue(&mut self, pod: &PodRef, container: Option<&str>, at: SimTime, report: Report) {
        self.entry(pod).queues.of(container).push_back((at, report));
    }
}

/// Why a request went nowhere.
const WORKER_GONE: &str = "the Docker runtime's worker stopped";

impl ContainerRuntime for DockerRuntime {
    fn run_sandbox(&mut self, pod: &PodRef, spec: &Pod, at: SimTime) {
        self.entry(pod).spec = Some(spec.clone());
        let request = Request::RunSandbox {
            pod: pod.clone(),
            pause: Box::new(spec::pause_body(
                &self.cluster,
                pod,
                spec,
                &self.pause_image,
                &self.network,
            )),
            volumes: spec::pod_volumes(&self.cluster, pod, spec),
        };
        if !self.send(request) {
            let message = WORKER_GONE.to_string();
            self.queue(pod, None, at, Report::SandboxFailed { message });
        }
    }

    fn adopt_sandbox(&mut self, pod: &PodRef, spec: &Pod, ip: std::net::Ipv4Addr) -> bool {
        if self.found.take_sandbox(&pod.uid, ip).is_none() {
            return false;
        }
        self.entry(pod).spec = Some(spec.clone());
        self.send(Request::AdoptSandbox {
            pod: pod.clone(),
            ip,
        })
    }

    fn adopt_container(
        &mut self,
        pod: &PodRef,
        config: &ContainerConfig<'_>,
        _started_at: SimTime,
    ) -> bool {
        let name = &config.container.name;
        let Some(id) = self.found.take_container(&pod.uid, name, config.attempt) else {
            return false;
        };
        self.entry(pod);
        self.logs.open(&pod.uid, name, config.attempt);
        self.send(Request::Adopt {
            pod: pod.clone(),
            container: name.clone(),
            attempt: config.attempt,
            id,
        })
    }

    fn remove_sandbox(&mut self, pod: &PodRef) {
        let _ = std::fs::remove_dir_all(self.pod_dir(pod));
        self.pods.remove(pod);
        self.logs.forget(&pod.uid);
        self.send(Request::RemoveSandbox { pod: pod.clone() });
    }

    fn has_image(&self, image: &str) -> bool {
        self.images.has(image)
    }

    fn pull_image(&mut self, pod: &PodRef, container: &str, image: &str, at: SimTime) {
        self.entry(pod);
        let request = Request::Pull {
            pod: pod.clone(),
            container: container.to_string(),
            image: image.to_string(),
        };
        if !self.send(request) {
            let error = WORKER_GONE.to_string();
            self.queue(pod, Some(container), at, Report::PullFailed { error });
        }
    }

    fn start_container(
        &mut self,
        pod: &PodRef,
        config: &ContainerConfig<'_>,
        _at: SimTime,
    ) -> Option<Report> {
        let name = &config.container.name;
        self.entry(pod);
        self.logs.open(&pod.uid, name, config.attempt);
        let mut body = spec::container_body(&self.cluster, pod, config);
        match self.write_volumes(pod, config) {
            Ok(binds) => spec::add_mounts(&mut body, binds),
            Err(message) => return Some(Report::CreateFailed { message }),
        }
        let request = Request::Start {
            pod: pod.clone(),
            container: name.clone(),
            attempt: config.attempt,
            body: Box::new(body),
        };
        (!self.send(request)).then(|| Report::CreateFailed {
            message: WORKER_GONE.into(),
        })
    }

    fn stop_container(&mut self, pod: &PodRef, container: &str, at: SimTime, deadline: SimTime) {
        let millis = deadline.millis_since(at).max(0);
        // Docker counts whole seconds: round up, so SIGKILL never comes early.
        let grace_secs = (millis + 999) / 1000;
        self.send(Request::Stop {
            pod: pod.clone(),
            container: container.to_string(),
            grace_secs,
        });
    }

    fn probe(
        &mut self,
        pod: &PodRef,
        container: &str,
        kind: ProbeKind,
        probe: &Probe,
        _at: SimTime,
    ) -> Option<Result<(), String>> {
        let spec = self
            .entry(pod)
            .spec
            .as_ref()
            .and_then(|pod| pod.spec.as_ref())
            .and_then(|spec| spec.containers.iter().find(|c| c.name == container));
        let request = Request::Probe {
            pod: pod.clone(),
            container: container.to_string(),
            kind,
            task: ProbeTask::resolve(probe, spec),
        };
        (!self.send(request)).then(|| Err(WORKER_GONE.to_string()))
    }

    fn due(&self, pod: &PodRef, container: Option<&str>) -> Option<SimTime> {
        let queues = &self.pods.get(pod)?.queues;
        let queue = match container {
            None => &queues.sandbox,
            Some(name) => queues.containers.get(name)?,
        };
        queue.front().map(|(at, _)| *at)
    }

    fn wake(&mut self, pod: &PodRef, container: Option<&str>) -> Option<(SimTime, Report)> {
        self.pods.get_mut(pod)?.queues.of(container).pop_front()
    }

    fn pods_with_news(&mut self, now: SimTime) -> Vec<PodRef> {
        let mut pods = BTreeSet::new();
        while let Ok(news) = self.news.try_recv() {
            // Reports about a removed pod (its containers dying with it) are nobody's business.
            let Some(entry) = self.pods.get_mut(&news.pod) else {
                continue;
            };
            entry
                .queues
                .of(news.container.as_deref())
                .push_back((now, news.report));
            pods.insert(news.pod);
        }
        pods.into_iter().collect()
    }

    fn node_capacity(&self) -> Option<NodeCapacity> {
        self.machine
    }

    fn logs(&self, pod: &PodRef, container: &str, previous: bool) -> Vec<LogLine> {
        self.logs.lines(&pod.uid, container, previous)
    }
}

//! The container runtime interface (CRI): what a kubelet asks of whatever
//! runs its node's containers, and what it hears back.
//!
//! The kubelet keeps the policy: when to pull (`imagePullPolicy`), when to
//! start (init containers first, then the others in order), when to restart
//! (`restartPolicy`, with crash back-off), when to probe, when to stop, and
//! what the pod's status says. A runtime does the work and reports what
//! happened: [`SimRuntime`](super::sim::SimRuntime) in simulated time, or a
//! real engine (Docker, in `sunaba-server`).
//!
//! Requests return at once. Their outcomes come back as [`Report`]s, each
//! stamped with the simulated time it happened. A simulated runtime knows
//! those times in advance and says when the next one is due
//! ([`ContainerRuntime::due`]); a real engine's reports arrive when they
//! arrive, and [`ContainerRuntime::pods_with_news`] names the pods that have
//! some, so that their kubelet looks again.

use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{Container, Pod, Probe};

use super::sim::SimRuntime;
use super::volumes::MountedVolume;
use super::worker::LogLine;
use crate::time::SimTime;

/// A pod as a runtime knows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PodRef {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its uid: a pod deleted and created again under the same name is another pod.
    pub uid: String,
}

impl PodRef {
    /// The reference of a stored pod.
    pub fn of(pod: &Pod) -> Self {
        Self {
            namespace: pod.metadata.namespace.clone().unwrap_or_default(),
            name: pod.metadata.name.clone().unwrap_or_default(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
        }
    }
}

/// What the kubelet hands a runtime to create and start one container.
#[derive(Clone, Copy, Debug)]
pub struct ContainerConfig<'a> {
    /// The pod, as stored: its volumes, grace period, labels and IP settings.
    pub pod: &'a Pod,
    /// The container's spec.
    pub container: &'a Container,
    /// Its environment, in the spec's order, with `valueFrom` resolved.
    pub env: &'a [(String, String)],
    /// Which run this is: 1 for the first, 2 after the first restart, and so on.
    pub attempt: u32,
    /// Its ConfigMap and Secret volumes, with their files, to mount.
    pub volumes: &'a [MountedVolume],
}

/// What a node offers its pods, as its runtime's machine has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeCapacity {
    /// Logical CPUs.
    pub cpus: u32,
    /// Memory in bytes.
    pub memory_bytes: u64,
}

/// How far a pull has got: its layers, and the bytes downloaded of those
/// whose size is known yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PullProgress {
    /// Layers downloaded (or present already).
    pub layers_done: u32,
    /// Layers the image has.
    pub layers: u32,
    /// Bytes downloaded.
    pub downloaded: u64,
    /// Bytes to download, as far as known.
    pub total: u64,
}

impl PullProgress {
    /// The kubelet's event message for it:
    /// `Pulling image "nginx:1.27": 2 of 5 layers, 12.3MB of 48.1MB`.
    pub fn message(&self, image: &str) -> String {
        format!(
            "Pulling image {image:?}: {} of {} layers, {} of {}",
            self.layers_done,
            self.layers,
            human_size(self.downloaded),
            human_size(self.total)
        )
    }
}

/// A byte count as Docker's progress shows it: decimal units, three
/// significant digits (`980B`, `12.3MB`, `1.05GB`).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 999.5 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let digits = if unit == 0 || value >= 99.95 {
        0
    } else if value >= 9.995 {
        1
    } else {
        2
    };
    format!("{value:.digits$}{}", UNITS[unit])
}

/// Which of a container's probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProbeKind {
    /// `readinessProbe`: whether the container takes traffic.
    Readiness,
    /// `livenessProbe`: whether the container must be restarted.
    Liveness,
}

/// What a runtime tells the kubelet. Sandbox reports concern the pod;
/// the others concern the container they were asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// The pod's sandbox is up: its network namespace, with this IP.
    SandboxReady {
        /// The pod IP.
        ip: Ipv4Addr,
    },
    /// The pod's sandbox could not be set up.
    SandboxFailed {
        /// The runtime's words.
        message: String,
    },
    /// The pod's sandbox that was up has died (its pause container ended,
    /// say because the engine restarted): the kubelet kills what is left
    /// of the pod and asks for a new sandbox.
    SandboxDied,
    /// The container's image is on the node now.
    Pulled {
        /// How long the pull took, in milliseconds.
        took_ms: i64,
        /// The image's size in bytes.
        size: u64,
    },
    /// A pull under way has got this far (a real engine says so now and
    /// then; the kubelet shows it as an event).
    PullProgress(PullProgress),
    /// The pull failed.
    PullFailed {
        /// The runtime's words, as the kubelet quotes them.
        error: String,
    },
    /// The container was created with this ID and its process started.
    Started {
        /// The runtime's container ID (64 hex digits).
        id: String,
    },
    /// The container could not be created; the kubelet tries again later
    /// (`CreateContainerError`).
    CreateFailed {
        /// Why, in the runtime's words.
        message: String,
    },
    /// The container was created with this ID but its process could not start.
    StartFailed {
        /// The runtime's container ID.
        id: String,
        /// Why, in the runtime's words.
        message: String,
    },
    /// The container's process ended.
    Exited {
        /// Its exit code (137 when killed).
        code: i32,
    },
    /// A probe ran.
    Probed {
        /// Which probe.
        kind: ProbeKind,
        /// Ok, or why it failed (the kubelet's `Unhealthy` wording).
        outcome: Result<(), String>,
    },
}

/// A node's container runtime.
pub trait ContainerRuntime: std::fmt::Debug + Send {
    /// Sets up a pod's sandbox; [`Report::SandboxReady`] (or
    /// [`Report::SandboxFailed`]) follows, about the pod. Asked again for
    /// a pod whose sandbox died, it replaces that sandbox and keeps the
    /// containers' records (their logs, and the exits still to report).
    fn run_sandbox(&mut self, pod: &PodRef, spec: &Pod, at: SimTime);

    /// Takes over a pod's sandbox that was up before the kubelet restarted,
    /// with its IP; false when the runtime cannot (the kubelet then starts
    /// the pod over).
    fn adopt_sandbox(&mut self, pod: &PodRef, spec: &Pod, ip: Ipv4Addr) -> bool {
        let _ = (pod, spec, ip);
        false
    }

    /// Takes over a container that was running before the kubelet
    /// restarted, since `started_at`; false when the runtime cannot.
    fn adopt_container(
        &mut self,
        pod: &PodRef,
        config: &ContainerConfig<'_>,
        started_at: SimTime,
    ) -> bool {
        let _ = (pod, config, started_at);
        false
    }

    /// Stops and removes a pod's sandbox and everything in it, and forgets
    /// the pod (the kubelet calls this once the pod is gone).
    fn remove_sandbox(&mut self, pod: &PodRef);

    /// Whether the node already has an image (`nginx:1.25`, as written).
    fn has_image(&self, image: &str) -> bool;

    /// Pulls an image for a container; [`Report::Pulled`] or
    /// [`Report::PullFailed`] follows.
    fn pull_image(&mut self, pod: &PodRef, container: &str, image: &str, at: SimTime);

    /// Creates and starts a container. Returns the outcome when the runtime
    /// knows it at once ([`Report::Started`] or [`Report::StartFailed`]);
    /// otherwise that report follows. [`Report::Exited`] follows when the
    /// process ends.
    fn start_container(
        &mut self,
        pod: &PodRef,
        config: &ContainerConfig<'_>,
        at: SimTime,
    ) -> Option<Report>;

    /// Sends SIGTERM now and SIGKILL at `deadline`; [`Report::Exited`] follows.
    fn stop_container(&mut self, pod: &PodRef, container: &str, at: SimTime, deadline: SimTime);

    /// Runs one probe. Returns its outcome when known at once (Ok, or the
    /// failure's words); otherwise [`Report::Probed`] follows.
    fn probe(
        &mut self,
        pod: &PodRef,
        container: &str,
        kind: ProbeKind,
        probe: &Probe,
        at: SimTime,
    ) -> Option<Result<(), String>>;

    /// When the next report about a container (or, for `None`, the pod's
    /// sandbox) is due, if one is pending.
    fn due(&self, pod: &PodRef, container: Option<&str>) -> Option<SimTime>;

    /// Handles what is due next about a container (or the sandbox) and
    /// returns its report with its time; `None` when what came due was the
    /// runtime's own business (a script's next step, say).
    fn wake(&mut self, pod: &PodRef, container: Option<&str>) -> Option<(SimTime, Report)>;

    /// The pods a real engine has news about since the last call, its
    /// reports stamped `now`. A simulated runtime has none: its reports are
    /// all announced by [`ContainerRuntime::due`].
    fn pods_with_news(&mut self, now: SimTime) -> Vec<PodRef> {
        let _ = now;
        Vec::new()
    }

    /// The machine's CPUs and memory, when the runtime knows them (a real
    /// engine does); the node's capacity and allocatable then say so.
    fn node_capacity(&self) -> Option<NodeCapacity> {
        None
    }

    /// A container's log lines: this run's, or with `previous` the run before.
    fn logs(&self, pod: &PodRef, container: &str, previous: bool) -> Vec<LogLine>;

    /// The simulated runtime, for the simulation's own tools (container
    /// shells, traffic between pods); `None` for a real engine.
    fn as_sim(&self) -> Option<&SimRuntime> {
        None
    }

    /// The simulated runtime, to change.
    fn as_sim_mut(&mut self) -> Option<&mut SimRuntime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_dockers_progress_does() {
        let shown: Vec<String> = [
            0,
            980,
            999,
            1_000,
            12_345,
            123_456,
            12_345_678,
            1_050_000_000,
        ]
        .into_iter()
        .map(human_size)
        .collect();
        assert_eq!(
            shown,
            ["0B", "980B", "999B", "1.00kB", "12.3kB", "123kB", "12.3MB", "1.05GB"]
        );
    }

    #[test]
    fn progress_names_the_image_its_layers_and_bytes() {
        let progress = PullProgress {
            layers_done: 2,
            layers: 5,
            downloaded: 12_300_000,
            total: 48_100_000,
        };
        assert_eq!(
            progress.message("nginx:1.27"),
            "Pulling image \"nginx:1.27\": 2 of 5 layers, 12.3MB of 48.1MB"
        );
    }
}

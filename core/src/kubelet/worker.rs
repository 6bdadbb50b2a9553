//! One pod on one node, as its kubelet sees it: the containers' lifecycle
//! from image pull to exit, restarts with back-off, probes, and graceful
//! termination. The work itself goes through the node's
//! [`ContainerRuntime`]; each step happens at its own time and yields the
//! kubelet's events.

use std::net::Ipv4Addr;

use std::sync::Arc;

use k8s_openapi::api::core::v1::{
    Container, ContainerStateTerminated, ContainerStatus, Pod, PodStatus, Probe,
};

use super::runtime::{ContainerConfig, ContainerRuntime, PodRef, ProbeKind, Report};
use super::volumes::MountError;
use crate::api::Object;
use crate::images;
use crate::store::Store;
use crate::time::SimTime;

/// The first crash-loop back-off; it doubles up to [`MAX_BACKOFF_MS`].
pub const INITIAL_BACKOFF_MS: i64 = 10_000;
/// The longest back-off, for crash loops and image pulls alike.
pub const MAX_BACKOFF_MS: i64 = 300_000;
/// A container that ran this long before exiting starts its back-off afresh.
pub const BACKOFF_RESET_MS: i64 = 2 * MAX_BACKOFF_MS;
/// How long the kubelet waits before it builds a container's configuration
/// again, after a ConfigMap or Secret it needs was missing.
pub const CONFIG_RETRY_MS: i64 = 10_000;
/// How long the kubelet waits before it tries a failed sandbox again.
pub const SANDBOX_RETRY_MS: i64 = 10_000;

/// A line a container wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// When.
    pub at: SimTime,
    /// The text, without its newline.
    pub text: String,
}

/// How a container ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terminated {
    /// The exit code.
    pub exit_code: i32,
    /// `Completed`, `Error`, `StartError`, …
    pub reason: String,
    /// The runtime's message, if any.
    pub message: Option<String>,
    /// When it started.
    pub started_at: Option<SimTime>,
    /// When it ended.
    pub finished_at: SimTime,
    /// Its container ID.
    pub container_id: String,
}

/// A container's state, as `containerStatuses[].state` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Not running: `ContainerCreating`, `ErrImagePull`, `CrashLoopBackOff`, …
    Waiting {
        /// The reason.
        reason: String,
        /// The message, if any.
        message: Option<String>,
    },
    /// Running since a time.
    Running {
        /// When it started.
        started_at: SimTime,
    },
    /// Ended.
    Terminated(Terminated),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    /// Waiting for the containers before it to start.
    Blocked,
    /// The runtime is pulling the image, since the time given.
    Pulling { started: SimTime },
    /// The pull failed; the state turns to ImagePullBackOff at `backoff_at`, and a new pull starts at `retry_at`.
    PullFailed {
        backoff_at: SimTime,
        retry_at: SimTime,
    },
    /// Create and start at the time given.
    Starting { at: SimTime },
    /// The runtime is creating and starting it.
    Creating,
    /// A restart: pull as the image pull policy says, then create and start.
    Repull { at: SimTime },
    /// Its process runs.
    Running,
    /// Its process ended; what follows is not decided yet.
    Exited,
    /// In CrashLoopBackOff until the time given.
    BackOff { restart_at: SimTime },
    /// Stopping after SIGTERM, until the runtime reports the exit.
    Stopping,
    /// Killed because the pod's sandbox died, until the runtime reports
    /// the exit; then it waits for the new sandbox, as the restart policy
    /// allows.
    SandboxGone,
    /// Finished for good (restart policy, or the pod is going away).
    Done,
}

/// A kubelet event, before it becomes an Event object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeletEvent {
    /// When it happened.
    pub at: SimTime,
    /// The container it concerns, if any, as a field path.
    pub field_path: Option<String>,
    /// True for Warning.
    pub warning: bool,
    /// The reason.
    pub reason: &'static str,
    /// The message.
    pub message: String,
}

/// One container, as the kubelet tracks it.
#[derive(Clone, Debug)]
pub struct ContainerWorker {
    /// Its spec.
    pub spec: Container,
    /// Its state.
    pub state: State,
    /// The previous run, if it ran before.
    pub last_termination: Option<Terminated>,
    /// Times restarted.
    pub restart_count: i32,
    /// Its ID in the runtime, once created.
    pub container_id: Option<String>,
    /// The image it was created from, as the status names it, once created.
    pub image_ref: Option<ImageRef>,
    /// Whether it started in this run.
    pub started: bool,
    /// Ready, by its readiness probe (or by running, without one).
    pub ready: bool,
    readiness: Option<ProbeState>,
    liveness: Option<ProbeState>,
    restart_after_stop: bool,
    field_path: String,
    stage: Stage,
    crash_backoff_ms: i64,
    pull_backoff_ms: i64,
    runs: u32,
}

/// The pod's restart policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartPolicy {
    /// Always restart.
    Always,
    /// Restart on a non-zero exit.
    OnFailure,
    /// Never restart.
    Never,
}

/// What a worker needs while it steps: its pod, the node's runtime, and
/// the store (for the ConfigMaps and Secrets its environment reads).
pub struct Env<'a> {
    /// The pod, as stored.
    pub pod: &'a Pod,
    /// The objects, as stored.
    pub store: &'a Store,
    /// The pod, as the runtime knows it.
    pub pod_ref: &'a PodRef,
    /// The node's container runtime.
    pub runtime: &'a mut dyn ContainerRuntime,
}

/// One pod's worker.
#[derive(Clone, Debug)]
pub struct PodWorker {
    /// The pod's uid.
    pub uid: String,
    /// The pod IP, once the sandbox is up.
    pub ip: Option<Ipv4Addr>,
    /// When the kubelet accepted the pod.
    pub start_time: SimTime,
    /// When the sandbox came up, once it has.
    pub sandbox_ready_at: Option<SimTime>,
    /// The regular containers.
    pub containers: Vec<ContainerWorker>,
    /// The init containers, run in order before the others.
    pub init_containers: Vec<ContainerWorker>,
    /// The restart policy.
    pub restart_policy: RestartPolicy,
    /// Whether the kubelet has started stopping the pod.
    pub killing: bool,
    /// When the grace period ends, once killing.
    pub kill_deadline: Option<SimTime>,
    /// The pod, as the runtime knows it.
    pub pod_ref: PodRef,
    /// When to ask the runtime for the sandbox again, after it failed.
    sandbox_retry_at: Option<SimTime>,
    pod_label: String,
    /// The status last sent for the pod, as the status manager caches it,
    /// until the write comes back through the watch.
    pub sent_status: Option<SentStatus>,
}

/// A status the kubelet sent, with the version of the pod it was made for.
#[derive(Clone, Debug)]
pub struct SentStatus {
    /// The pod as the kubelet synced it.
    pub synced: Arc<Object>,
    /// The status sent.
    pub status: PodStatus,
}

impl PodWorker {
    /// A worker for a pod the kubelet just accepted; it asks the runtime for the sandbox.
    pub fn new(pod: &Pod, runtime: &mut dyn ContainerRuntime, now: SimTime) -> Self {
        let worker = Self::unstarted(pod, now);
        runtime.run_sandbox(&worker.pod_ref, pod, now);
        worker
    }

    /// A worker that takes over a pod that ran before the kubelet restarted:
    /// its sandbox with its IP, every container running as its status says
    /// (restarts, ready, since when), and init containers done. None when
    /// the status shows anything else or the runtime cannot take them over;
    /// the kubelet then starts the pod over.
    pub fn adopt(
        pod: &Pod,
        store: &Store,
        runtime: &mut dyn ContainerRuntime,
        now: SimTime,
    ) -> Option<Self> {
        let status = pod.status.as_ref()?;
        let ip: Ipv4Addr = status.pod_ip.as_deref()?.parse().ok()?;
        let statuses = status.container_statuses.as_deref()?;
        let init_statuses = status
            .init_container_statuses
            .as_deref()
            .unwrap_or_default();
        if status.phase.as_deref() != Some("Running") || pod.metadata.deletion_timestamp.is_some() {
            return None;
        }
        let mut worker = Self::unstarted(pod, now);
        let started: Vec<SimTime> = worker
            .containers
            .iter()
            .map(|c| running_since(statuses, &c.spec.name))
            .collect::<Option<_>>()?;
        let init_done = worker
            .init_containers
            .iter()
            .all(|c| succeeded_in(init_statuses, &c.spec.name));
        if !init_done || !runtime.adopt_sandbox(&worker.pod_ref, pod, ip) {
            return None;
        }
        for (c, started_at) in worker.containers.iter_mut().zip(started) {
            let status = statuses.iter().find(|s| s.name == c.spec.name)?;
            let variables = super::env::resolve(pod, &c.spec, store).ok()?;
            let volumes = super::volumes::mounted(pod, &c.spec, store).ok()?;
            let config = ContainerConfig {
                pod,
                container: &c.spec,
                env: &variables,
                attempt: u32::try_from(status.restart_count).unwrap_or(0) + 1,
                volumes: &volumes,
            };
            if !runtime.adopt_container(&worker.pod_ref, &config, started_at) {
                runtime.remove_sandbox(&worker.pod_ref);
                return None;
            }
            c.adopt_running(status, started_at, now);
        }
        for c in &mut worker.init_containers {
            if let Some(status) = init_statuses.iter().find(|s| s.name == c.spec.name) {
                c.adopt_succeeded(status);
            }
        }
        worker.ip = Some(ip);
        worker.sandbox_ready_at = Some(now);
        worker.start_time = status.start_time.as_ref().map_or(now, SimTime::from_time);
        Some(worker)
    }

    /// A worker whose sandbox is not asked for yet.
    fn unstarted(pod: &Pod, now: SimTime) -> Self {
        let spec = pod.spec.as_ref();
        let restart_policy = match spec.and_then(|s| s.restart_policy.as_deref()) {
            Some("Never") => RestartPolicy::Never,
            Some("OnFailure") => RestartPolicy::OnFailure,
            _ => RestartPolicy::Always,
        };
        let worker = |c: &Container, path: &str| {
            ContainerWorker::new(c.clone(), format!("{path}{{{}}}", c.name))
        };
        let pod_ref = PodRef::of(pod);
        Self {
            pod_label: format!("{}_{}({})", pod_ref.name, pod_ref.namespace, pod_ref.uid),
            sent_status: None,
            uid: pod_ref.uid.clone(),
            ip: None,
            start_time: now,
            sandbox_ready_at: None,
            containers: spec
                .into_iter()
                .flat_map(|s| &s.containers)
                .map(|c| worker(c, "spec.containers"))
                .collect(),
            init_containers: spec
                .and_then(|s| s.init_containers.as_ref())
                .into_iter()
                .flatten()
                .map(|c| worker(c, "spec.initContainers"))
                .collect(),
            restart_policy,
            killing: false,
            kill_deadline: None,
            pod_ref,
            sandbox_retry_at: None,
        }
    }

    /// Runs every step due by `now`, in time order, and returns the events they make.
    pub fn advance(&mut self, env: &mut Env<'_>, now: SimTime) -> Vec<KubeletEvent> {
        let mut events = Vec::new();
        let up = self.sandbox_up(env, now, &mut events);
        self.take_exits_of_the_lost(env, now);
        if !up {
            return events;
        }
        // Each pass moves at least one container one step; stop when none can move.
        for _ in 0..10_000 {
            if !self.step_once(env, now, &mut events) {
                break;
            }
        }
        events.sort_by_key(|e| e.at);
        events
    }

    /// Takes the sandbox's report when due, or asks again after a failure;
    /// true once the sandbox is up.
    fn sandbox_up(
        &mut self,
        env: &mut Env<'_>,
        now: SimTime,
        events: &mut Vec<KubeletEvent>,
    ) -> bool {
        if self.sandbox_ready_at.is_some() {
            if let Some(at) = self.sandbox_died_by(env.runtime, now) {
                self.recreate_sandbox(env, at, events);
            }
            return self.sandbox_ready_at.is_some();
        }
        if let Some(at) = self.sandbox_retry_at.filter(|at| *at <= now) {
            self.sandbox_retry_at = None;
            env.runtime.run_sandbox(&self.pod_ref, env.pod, at);
        }
        if env
            .runtime
            .due(&self.pod_ref, None)
            .is_none_or(|due| due > now)
        {
            return false;
        }
        match env.runtime.wake(&self.pod_ref, None) {
            Some((at, Report::SandboxReady { ip })) => {
                self.ip = Some(ip);
                self.sandbox_ready_at = Some(at);
                true
            }
            Some((at, Report::SandboxFailed { message })) => {
                events.push(KubeletEvent {
                    at,
                    field_path: None,
                    warning: true,
                    reason: "FailedCreatePodSandBox",
                    message: format!("Failed to create pod sandbox: {message}"),
                });
                self.sandbox_retry_at = Some(at.plus_millis(SANDBOX_RETRY_MS));
                false
            }
            _ => false,
        }
    }

    /// Takes the reports due by `now` about containers killed with a dead
    /// sandbox, which do not wait for the new one (there may be none).
    fn take_exits_of_the_lost(&mut self, env: &mut Env<'_>, now: SimTime) {
        for c in self.init_containers.iter_mut().chain(&mut self.containers) {
            while c.stage == Stage::SandboxGone
                && env
                    .runtime
                    .due(env.pod_ref, Some(&c.spec.name))
                    .is_some_and(|due| due <= now)
            {
                let Some((at, report)) = env.runtime.wake(env.pod_ref, Some(&c.spec.name)) else {
                    break;
                };
                c.report_after_sandbox_died(at, report, env);
            }
        }
    }

    /// When the runtime reported, by `now`, that the pod's sandbox died
    /// (taking the report).
    fn sandbox_died_by(&self, runtime: &mut dyn ContainerRuntime, now: SimTime) -> Option<SimTime> {
        if runtime.due(&self.pod_ref, None).is_none_or(|due| due > now) {
            return None;
        }
        match runtime.wake(&self.pod_ref, None) {
            Some((at, Report::SandboxDied)) => Some(at),
            _ => None,
        }
    }

    /// The kubelet's answer to a dead sandbox (`SandboxChanged`): it kills
    /// every container left, and asks for a new sandbox, in which the init
    /// containers run again and then the others, each a restart. Under
    /// `restartPolicy: Never` a pod whose containers ran gets no new
    /// sandbox: it ends as its containers did.
    fn recreate_sandbox(&mut self, env: &mut Env<'_>, at: SimTime, events: &mut Vec<KubeletEvent>) {
        let ran = self.containers.iter().any(|c| c.runs > 0);
        let finished = self.restart_policy == RestartPolicy::Never && ran;
        let again = !self.killing && !finished;
        events.push(KubeletEvent {
            at,
            field_path: None,
            warning: false,
            reason: "SandboxChanged",
            message: "Pod sandbox changed, it will be killed and re-created.".into(),
        });
        self.sandbox_ready_at = None;
        let pod = self.pod_ref.clone();
        for c in self.init_containers.iter_mut().chain(&mut self.containers) {
            events.extend(c.lose_sandbox(&pod, env.runtime, at, again));
        }
        if again {
            env.runtime.run_sandbox(&self.pod_ref, env.pod, at);
        }
    }

    fn step_once(
        &mut self,
        env: &mut Env<'_>,
        now: SimTime,
        events: &mut Vec<KubeletEvent>,
    ) -> bool {
        let policy = self.restart_policy;
        let label = self.pod_label.clone();
        let Some(sandbox) = self.sandbox_ready_at else {
            return false;
        };
        let init_done = self.init_containers.iter().all(|c| c.succeeded());
        let mut gate = Some(sandbox);
        let mut moved = false;
        // Init containers run one at a time; each must succeed before the next.
        for container in &mut self.init_containers {
            let init_policy = if policy == RestartPolicy::Never {
                RestartPolicy::Never
            } else {
                RestartPolicy::OnFailure
            };
            moved |= container.step(gate, env, now, init_policy, &label, events);
            gate = container
                .succeeded()
                .then(|| container.finished_at())
                .flatten();
        }
        if init_done {
            // Regular containers start in order, each once the previous one has started or failed.
            let mut gate = Some(
                self.init_containers
                    .iter()
                    .filter_map(|c| c.finished_at())
                    .max()
                    .unwrap_or(sandbox),
            );
            for container in &mut self.containers {
                moved |= container.step(gate, env, now, policy, &label, events);
                gate = container.gate_for_next();
            }
        }
        moved
    }

    /// Starts stopping every container: SIGTERM now, SIGKILL when the grace period ends.
    pub fn kill(
        &mut self,
        runtime: &mut dyn ContainerRuntime,
        now: SimTime,
        grace_seconds: i64,
    ) -> Vec<KubeletEvent> {
        if self.killing {
            return Vec::new();
        }
        self.killing = true;
        let deadline = now.plus_secs(grace_seconds.max(0));
        self.kill_deadline = Some(deadline);
        let pod = self.pod_ref.clone();
        self.containers
            .iter_mut()
            .chain(self.init_containers.iter_mut())
            .filter_map(|c| c.stop(&pod, runtime, now, deadline))
            .collect()
    }

    /// Every container has stopped (after a kill).
    pub fn all_stopped(&self) -> bool {
        self.containers
            .iter()
            .chain(&self.init_containers)
            .all(|c| {
                !matches!(
                    c.stage,
                    Stage::Running | Stage::Stopping | Stage::Creating | Stage::SandboxGone
                )
            })
    }

    /// The earliest time after `now` when something is due, if anything is.
    pub fn next_due(&self, runtime: &dyn ContainerRuntime, now: SimTime) -> Option<SimTime> {
        let containers = self
            .containers
            .iter()
            .chain(&self.init_containers)
            .filter_map(|c| {
                let reported = runtime.due(&self.pod_ref, Some(&c.spec.name));
                [c.due(), reported].into_iter().flatten().min()
            });
        containers
            .chain(runtime.due(&self.pod_ref, None))
            .chain(self.sandbox_retry_at)
            .filter(|t| *t > now)
            .min()
    }

    /// Finds a container by name.
    pub fn container(&self, name: &str) -> Option<&ContainerWorker> {
        self.containers
            .iter()
            .chain(&self.init_containers)
            .find(|c| c.spec.name == name)
    }
}

/// A created container's image, as its status reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The canonical reference: `docker.io/library/nginx:1.25`.
    pub image: String,
    /// The resolved digest: `docker.io/library/nginx@sha256:…`; empty when unknown.
    pub image_id: String,
}

impl ImageRef {
    /// The reference of `image`, with its digest when the catalog knows it.
    fn of(image: &str) -> Self {
        let reference = images::Reference::parse(image);
        let image_id = images::find(image)
            .map(|found| {
                format!(
                    "{}/{}@{}",
                    reference.registry,
                    reference.repository,
                    images::digest(found, &reference.tag)
                )
            })
            .unwrap_or_default();
        Self {
            image: reference.canonical(),
            image_id,
        }
    }
}

/// When a container's status says it has been running, if it says so.
fn running_since(statuses: &[ContainerStatus], name: &str) -> Option<SimTime> {
    let status = statuses.iter().find(|s| s.name == name)?;
    let running = status.state.as_ref()?.running.as_ref()?;
    running.started_at.as_ref().map(SimTime::from_time)
}

/// Whether an init container's status says it exited 0.
fn succeeded_in(statuses: &[ContainerStatus], name: &str) -> bool {
    statuses.iter().any(|s| {
        s.name == name
            && s.state
                .as_ref()
                .and_then(|st| st.terminated.as_ref())
                .is_some_and(|t| t.exit_code == 0)
    })
}

/// A terminated state from a status, as the worker keeps it.
fn terminated_from(t: &ContainerStateTerminated) -> Terminated {
    Terminated {
        exit_code: t.exit_code,
        reason: t.reason.clone().unwrap_or_default(),
        message: t.message.clone(),
        started_at: t.started_at.as_ref().map(SimTime::from_time),
        finished_at: t
            .finished_at
            .as_ref()
            .map_or(SimTime::default(), SimTime::from_time),
        container_id: strip_runtime(t.container_id.as_deref().unwrap_or_default()),
    }
}

/// A container ID without its runtime's scheme (`containerd://`).
pub fn strip_runtime(id: &str) -> String {
    id.split_once("://").map_or(id, |(_, id)| id).to_string()
}

impl ContainerWorker {
    /// Takes over a container that runs as `status` says, since `started_at`;
    /// its probes start over at `now`.
    fn adopt_running(&mut self, status: &ContainerStatus, started_at: SimTime, now: SimTime) {
        self.state = State::Running { started_at };
        self.restart_count = status.restart_count;
        self.runs = u32::try_from(status.restart_count).unwrap_or(0) + 1;
        self.container_id = status.container_id.as_deref().map(strip_runtime);
        self.image_ref = Some(ImageRef {
            image: status.image.clone(),
            image_id: status.image_id.clone(),
        });
        self.last_termination = status
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .map(terminated_from);
        self.started = true;
        self.ready = status.ready;
        self.readiness = self
            .spec
            .readiness_probe
            .as_ref()
            .map(|p| ProbeState::starting(p, now));
        self.liveness = self
            .spec
            .liveness_probe
            .as_ref()
            .map(|p| ProbeState::starting(p, now));
        self.stage = Stage::Running;
    }

    /// Takes over an init container that already exited 0.
    fn adopt_succeeded(&mut self, status: &ContainerStatus) {
        if let Some(t) = status.state.as_ref().and_then(|s| s.terminated.as_ref()) {
            self.state = State::Terminated(terminated_from(t));
            self.container_id = status.container_id.as_deref().map(strip_runtime);
            self.runs = 1;
            self.stage = Stage::Done;
        }
    }

    fn new(spec: Container, field_path: String) -> Self {
        Self {
            spec,
            state: State::Waiting {
                reason: "ContainerCreating".into(),
                message: None,
            },
            last_termination: None,
            restart_count: 0,
            container_id: None,
            image_ref: None,
            started: false,
            field_path,
            stage: Stage::Blocked,
            crash_backoff_ms: 0,
            pull_backoff_ms: 0,
            runs: 0,
            ready: false,
            readiness: None,
            liveness: None,
            restart_after_stop: false,
        }
    }

    /// Exited with code 0 and will not run again.
    pub fn succeeded(&self) -> bool {
        self.stage == Stage::Done && matches!(&self.state, State::Terminated(t) if t.exit_code == 0)
    }

    fn finished_at(&self) -> Option<SimTime> {
        match &self.state {
            State::Terminated(t) => Some(t.finished_at),
            _ => None,
        }
    }

    /// When the next container in order may begin: once this one has started, or has given up for now.
    fn gate_for_next(&self) -> Option<SimTime> {
        match (&self.stage, &self.state) {
            (
                Stage::Blocked
                | Stage::Pulling { .. }
                | Stage::Starting { .. }
                | Stage::Creating
                | Stage::Repull { .. },
                _,
            ) => None,
            (_, State::Running { started_at }) => Some(*started_at),
            (_, State::Terminated(t)) => Some(t.finished_at),
            (Stage::PullFailed { backoff_at, .. }, _) => Some(backoff_at.plus_millis(-1000)),
            (Stage::BackOff { .. }, _) => self.last_termination.as_ref().map(|t| t.finished_at),
            _ => None,
        }
    }

    /// When the kubelet's own next step for it is due (its timers and probes).
    fn due(&self) -> Option<SimTime> {
        [self.stage_due(), self.probe_due()]
            .into_iter()
            .flatten()
            .min()
    }

    /// When the next probe runs, while the container runs.
    fn probe_due(&self) -> Option<SimTime> {
        if !matches!(
            (&self.stage, &self.state),
            (Stage::Running, State::Running { .. })
        ) {
            return None;
        }
        [&self.readiness, &self.liveness]
            .into_iter()
            .flatten()
            .map(|p| p.next_at)
            .min()
    }

    /// When the kubelet's timer for the current stage fires.
    fn stage_due(&self) -> Option<SimTime> {
        match &self.stage {
            Stage::PullFailed {
                backoff_at,
                retry_at,
            } => Some(if self.is_waiting("ErrImagePull") {
                *backoff_at
            } else {
                *retry_at
            }),
            Stage::Starting { at } | Stage::Repull { at } => Some(*at),
            Stage::BackOff { restart_at } => Some(*restart_at),
            _ => None,
        }
    }

    fn is_waiting(&self, reason: &str) -> bool {
        matches!(&self.state, State::Waiting { reason: r, .. } if r == reason)
    }

    fn event(
        &self,
        at: SimTime,
        warning: bool,
        reason: &'static str,
        message: String,
    ) -> KubeletEvent {
        KubeletEvent {
            at,
            field_path: Some(self.field_path.clone()),
            warning,
            reason,
            message,
        }
    }

    /// Takes one due step; true when something changed.
    fn step(
        &mut self,
        gate: Option<SimTime>,
        env: &mut Env<'_>,
        now: SimTime,
        policy: RestartPolicy,
        pod_label: &str,
        events: &mut Vec<KubeletEvent>,
    ) -> bool {
        let reported = env.runtime.due(env.pod_ref, Some(&self.spec.name));
        let work_due = [reported, self.stage_due()].into_iter().flatten().min();
        if let Some(at) = self
            .probe_due()
            .filter(|t| *t <= now && work_due.is_none_or(|d| *t <= d))
        {
            self.run_probes(at, env, events);
            return true;
        }
        if reported.is_some_and(|t| t <= now && self.stage_due().is_none_or(|d| t <= d)) {
            if let Some((at, report)) = env.runtime.wake(env.pod_ref, Some(&self.spec.name)) {
                self.on_report(at, report, env, events);
            }
            return true;
        }
        match self.stage.clone() {
            Stage::Blocked => match gate {
                Some(at) if at <= now => {
                    self.begin_pull(at, env, events);
                    true
                }
                _ => false,
            },
            Stage::PullFailed {
                backoff_at,
                retry_at,
            } => {
                if self.is_waiting("ErrImagePull") && backoff_at <= now {
                    self.back_off_pull(backoff_at, events);
                    true
                } else if self.is_waiting("ImagePullBackOff") && retry_at <= now {
                    self.begin_pull(retry_at, env, events);
                    true
                } else {
                    false
                }
            }
            Stage::Starting { at } if at <= now => {
                self.start(at, env, events);
                true
            }
            Stage::Repull { at } if at <= now => {
                self.begin_pull(at, env, events);
                true
            }
            Stage::BackOff { restart_at } if restart_at <= now => {
                self.stage = Stage::Repull { at: restart_at };
                true
            }
            Stage::Exited => {
                if let State::Terminated(t) = &self.state {
                    let t = t.clone();
                    self.after_exit(t, policy, pod_label, events);
                } else {
                    self.stage = Stage::Done;
                }
                true
            }
            _ => false,
        }
    }

    /// What the runtime reported about this container.
    fn on_report(
        &mut self,
        at: SimTime,
        report: Report,
        env: &mut Env<'_>,
        events: &mut Vec<KubeletEvent>,
    ) {
        if self.stage == Stage::SandboxGone {
            return self.report_after_sandbox_died(at, report, env);
        }
        match report {
            Report::Pulled { took_ms, size } => self.pulled(at, took_ms, size, events),
            Report::PullFailed { error } => self.pull_failed(at, error, events),
            Report::PullProgress(progress) => {
                if matches!(self.stage, Stage::Pulling { .. }) {
                    let image = self.spec.image.clone().unwrap_or_default();
                    events.push(self.event(at, false, "Pulling", progress.message(&image)));
                }
            }
            Report::Started { .. } | Report::StartFailed { .. } if self.stage == Stage::Done => {
                // Started after the pod began to go away: stop it at once.
                env.runtime
                    .stop_container(env.pod_ref, &self.spec.name, at, at);
            }
            report @ (Report::Started { .. } | Report::StartFailed { .. }) => {
                self.started_or_failed(at, report, events)
            }
            Report::CreateFailed { message } => self.create_failed(at, message, events),
            Report::Exited { code } => self.exited(at, code),
            Report::Probed { kind, outcome } => self.probed(at, kind, outcome, env, events),
            Report::SandboxReady { .. } | Report::SandboxFailed { .. } | Report::SandboxDied => {}
        }
    }

    /// Its part when the pod's sandbox died: a process still running (or
    /// being created) is killed now, and the container waits for that
    /// exit ([`Stage::SandboxGone`]); any other container waits for the
    /// new sandbox (or, with `again` false, for nothing more).
    fn lose_sandbox(
        &mut self,
        pod: &PodRef,
        runtime: &mut dyn ContainerRuntime,
        at: SimTime,
        again: bool,
    ) -> Option<KubeletEvent> {
        self.ready = false;
        match self.stage {
            Stage::Running => {
                let event = self.stop(pod, runtime, at, at);
                self.stage = Stage::SandboxGone;
                self.restart_after_stop = again;
                event
            }
            Stage::Stopping | Stage::Creating => {
                runtime.stop_container(pod, &self.spec.name, at, at);
                self.stage = Stage::SandboxGone;
                self.restart_after_stop = again;
                None
            }
            Stage::SandboxGone => None,
            Stage::Done if !self.field_path.starts_with("spec.initContainers") => None,
            _ => {
                self.stage = Self::after_sandbox(again);
                None
            }
        }
    }

    /// Where a container goes once its process is gone with the sandbox:
    /// back to the start, to run in the new one, or nowhere.
    fn after_sandbox(again: bool) -> Stage {
        if again {
            Stage::Blocked
        } else {
            Stage::Done
        }
    }

    /// A report about a container killed with its sandbox: its exit ends
    /// the run (a restart follows in the new sandbox); a start that was
    /// under way is stopped at once.
    fn report_after_sandbox_died(&mut self, at: SimTime, report: Report, env: &mut Env<'_>) {
        match report {
            Report::Started { id } => {
                self.container_id = Some(id);
                env.runtime
                    .stop_container(env.pod_ref, &self.spec.name, at, at);
            }
            Report::Exited { code } => {
                let ended = self.ended(at, code);
                let again = std::mem::take(&mut self.restart_after_stop);
                if again {
                    self.last_termination = Some(ended.clone());
                }
                self.state = State::Terminated(ended);
                self.stage = Self::after_sandbox(again);
            }
            Report::StartFailed { .. } | Report::CreateFailed { .. } => {
                self.stage = Self::after_sandbox(std::mem::take(&mut self.restart_after_stop));
            }
            _ => {}
        }
    }

    fn begin_pull(&mut self, at: SimTime, env: &mut Env<'_>, events: &mut Vec<KubeletEvent>) {
        let image = self.spec.image.clone().unwrap_or_default();
        let present = env.runtime.has_image(&image);
        let policy = self
            .spec
            .image_pull_policy
            .clone()
            .unwrap_or_else(|| "IfNotPresent".into());
        match (policy.as_str(), present) {
            ("Never", false) => {
                let message =
                    format!("Container image {image:?} is not present with pull policy of Never");
                events.push(self.event(at, true, "ErrImageNeverPull", message.clone()));
                events.push(self.event(at, true, "Failed", "Error: ErrImageNeverPull".into()));
                self.state = State::Waiting {
                    reason: "ErrImageNeverPull".into(),
                    message: Some(message),
                };
                self.stage = Stage::Done;
            }
            ("Always", _) | (_, false) => {
                events.push(self.event(at, false, "Pulling", format!("Pulling image {image:?}")));
                env.runtime
                    .pull_image(env.pod_ref, &self.spec.name, &image, at);
                self.stage = Stage::Pulling { started: at };
            }
            _ => {
                events.push(self.event(
                    at,
                    false,
                    "Pulled",
                    format!("Container image {image:?} already present on machine"),
                ));
                self.stage = Stage::Starting { at };
            }
        }
    }

    fn pulled(&mut self, at: SimTime, took_ms: i64, size: u64, events: &mut Vec<KubeletEvent>) {
        let image = self.spec.image.clone().unwrap_or_default();
        let took = images::go_duration(took_ms);
        events.push(self.event(
            at,
            false,
            "Pulled",
            format!("Successfully pulled image {image:?} in {took} ({took} including waiting). Image size: {size} bytes."),
        ));
        self.pull_backoff_ms = 0;
        self.stage = Stage::Starting { at };
    }

    fn pull_failed(&mut self, at: SimTime, error: String, events: &mut Vec<KubeletEvent>) {
        let image = self.spec.image.clone().unwrap_or_default();
        events.push(self.event(
            at,
            true,
            "Failed",
            format!("Failed to pull image {image:?}: {error}"),
        ));
        events.push(self.event(at, true, "Failed", "Error: ErrImagePull".into()));
        self.pull_backoff_ms = next_backoff(self.pull_backoff_ms);
        self.state = State::Waiting {
            reason: "ErrImagePull".into(),
            message: Some(error),
        };
        self.stage = Stage::PullFailed {
            backoff_at: at.plus_millis(1000),
            retry_at: at.plus_millis(self.pull_backoff_ms),
        };
    }

    /// ErrImagePull turns into ImagePullBackOff until the next pull.
    fn back_off_pull(&mut self, at: SimTime, events: &mut Vec<KubeletEvent>) {
        let image = self.spec.image.clone().unwrap_or_default();
        events.push(self.event(
            at,
            false,
            "BackOff",
            format!("Back-off pulling image {image:?}"),
        ));
        events.push(self.event(at, true, "Failed", "Error: ImagePullBackOff".into()));
        let error = match &self.state {
            State::Waiting {
                message: Some(message),
                ..
            } => message.clone(),
            _ => String::new(),
        };
        self.state = State::Waiting {
            reason: "ImagePullBackOff".into(),
            message: Some(format!(
                "Back-off pulling image {image:?}: ErrImagePull: {error}"
            )),
        };
    }

    fn start(&mut self, at: SimTime, env: &mut Env<'_>, events: &mut Vec<KubeletEvent>) {
        let variables = match super::env::resolve(env.pod, &self.spec, env.store) {
            Ok(variables) => variables,
            Err(message) => return self.config_error(at, message, events),
        };
        let volumes = match super::volumes::mounted(env.pod, &self.spec, env.store) {
            Ok(volumes) => volumes,
            Err(error) => return self.mount_error(at, &error, events),
        };
        if self.runs > 0 {
            self.restart_count += 1;
        }
        self.runs += 1;
        let config = ContainerConfig {
            pod: env.pod,
            container: &self.spec,
            env: &variables,
            attempt: self.runs,
            volumes: &volumes,
        };
        match env.runtime.start_container(env.pod_ref, &config, at) {
            Some(Report::CreateFailed { message }) => self.create_failed(at, message, events),
            Some(report) => self.started_or_failed(at, report, events),
            None => self.stage = Stage::Creating,
        }
    }

    /// The container's configuration cannot be made (a missing ConfigMap,
    /// Secret or key): it waits in CreateContainerConfigError, and the
    /// kubelet tries again on a later sync.
    fn config_error(&mut self, at: SimTime, message: String, events: &mut Vec<KubeletEvent>) {
        events.push(self.event(at, true, "Failed", format!("Error: {message}")));
        self.state = State::Waiting {
            reason: "CreateContainerConfigError".into(),
            message: Some(message),
        };
        self.stage = Stage::Starting {
            at: at.plus_millis(CONFIG_RETRY_MS),
        };
    }

    /// A volume the container mounts cannot be set up (its ConfigMap or
    /// Secret is missing): the pod stays in ContainerCreating, and the
    /// kubelet tries again on a later sync.
    fn mount_error(&mut self, at: SimTime, error: &MountError, events: &mut Vec<KubeletEvent>) {
        events.push(KubeletEvent {
            at,
            field_path: None,
            warning: true,
            reason: "FailedMount",
            message: error.message(),
        });
        self.stage = Stage::Starting {
            at: at.plus_millis(CONFIG_RETRY_MS),
        };
    }

    /// The runtime could not create the container: no run happened, and
    /// the kubelet tries again on a later sync (`CreateContainerError`).
    fn create_failed(&mut self, at: SimTime, message: String, events: &mut Vec<KubeletEvent>) {
        if self.runs > 1 {
            self.restart_count -= 1;
        }
        self.runs = self.runs.saturating_sub(1);
        events.push(self.event(at, true, "Failed", format!("Error: {message}")));
        self.state = State::Waiting {
            reason: "CreateContainerError".into(),
            message: Some(message),
        };
        self.stage = Stage::Starting {
            at: at.plus_millis(CONFIG_RETRY_MS),
        };
    }

    /// The runtime created the container, and its process started or not.
    fn started_or_failed(&mut self, at: SimTime, report: Report, events: &mut Vec<KubeletEvent>) {
        let (id, failure) = match report {
            Report::Started { id } => (id, None),
            Report::StartFailed { id, message } => (id, Some(message)),
            _ => return,
        };
        let image = self.spec.image.clone().unwrap_or_default();
        self.container_id = Some(id.clone());
        self.image_ref = Some(ImageRef::of(&image));
        events.push(self.event(
            at,
            false,
            "Created",
            format!("Created container: {}", self.spec.name),
        ));
        if let Some(message) = failure {
            events.push(self.event(at, true, "Failed", format!("Error: {message}")));
            self.state = State::Terminated(Terminated {
                exit_code: 128,
                reason: "StartError".into(),
                message: Some(message),
                started_at: None,
                finished_at: at,
                container_id: id,
            });
            self.stage = Stage::Exited;
            return;
        }
        events.push(self.event(
            at,
            false,
            "Started",
            format!("Started container {}", self.spec.name),
        ));
        self.started = true;
        self.state = State::Running { started_at: at };
        self.ready = self.spec.readiness_probe.is_none();
        self.readiness = self
            .spec
            .readiness_probe
            .as_ref()
            .map(|p| ProbeState::starting(p, at));
        self.liveness = self
            .spec
            .liveness_probe
            .as_ref()
            .map(|p| ProbeState::starting(p, at));
        self.stage = Stage::Running;
    }

    /// The process ended with `code` at `at`.
    fn exited(&mut self, at: SimTime, code: i32) {
        let ended = self.ended(at, code);
        match self.stage {
            Stage::Running => self.stage = Stage::Exited,
            // A liveness kill goes on to the restart policy; a pod kill ends it.
            Stage::Stopping if std::mem::take(&mut self.restart_after_stop) => {
                self.stage = Stage::Exited;
            }
            Stage::Stopping => self.stage = Stage::Done,
            _ => return,
        }
        self.state = State::Terminated(ended);
    }

    /// How this run ended: with `code` at `at`, since it started running.
    fn ended(&self, at: SimTime, code: i32) -> Terminated {
        let started_at = match &self.state {
            State::Running { started_at } => Some(*started_at),
            _ => None,
        };
        Terminated {
            exit_code: code,
            reason: if code == 0 { "Completed" } else { "Error" }.into(),
            message: None,
            started_at,
            finished_at: at,
            container_id: self.container_id.clone().unwrap_or_default(),
        }
    }

    /// Decides, after an exit, whether and when the container runs again.
    fn after_exit(
        &mut self,
        ended: Terminated,
        policy: RestartPolicy,
        pod_label: &str,
        events: &mut Vec<KubeletEvent>,
    ) {
        let restart = match policy {
            RestartPolicy::Always => true,
            RestartPolicy::OnFailure => ended.exit_code != 0,
            RestartPolicy::Never => false,
        };
        self.last_termination = Some(ended.clone());
        if !restart {
            self.stage = Stage::Done;
            return;
        }
        let ran_for = ended
            .started_at
            .map_or(0, |s| ended.finished_at.millis_since(s));
        if ran_for >= BACKOFF_RESET_MS {
            self.crash_backoff_ms = 0;
        }
        let at = ended.finished_at;
        if self.crash_backoff_ms == 0 {
            // The first restart is immediate; the back-off starts counting from here.
            self.crash_backoff_ms = INITIAL_BACKOFF_MS;
            self.stage = Stage::Repull { at };
            return;
        }
        let backoff = self.crash_backoff_ms;
        let name = self.spec.name.clone();
        self.state = State::Waiting {
            reason: "CrashLoopBackOff".into(),
            message: Some(format!(
                "back-off {} restarting failed container={name} pod={pod_label}",
                images::go_duration(backoff)
            )),
        };
        events.push(self.event(
            at,
            true,
            "BackOff",
            format!("Back-off restarting failed container {name} in pod {pod_label}"),
        ));
        self.stage = Stage::BackOff {
            restart_at: at.plus_millis(backoff),
        };
        self.crash_backoff_ms = next_backoff(backoff);
    }

    /// SIGTERM now and SIGKILL at the deadline, through the runtime.
    fn stop(
        &mut self,
        pod: &PodRef,
        runtime: &mut dyn ContainerRuntime,
        now: SimTime,
        deadline: SimTime,
    ) -> Option<KubeletEvent> {
        match (&self.stage, &self.state) {
            (Stage::Running, State::Running { .. }) => {
                runtime.stop_container(pod, &self.spec.name, now, deadline);
                self.stage = Stage::Stopping;
                Some(self.event(
                    now,
                    false,
                    "Killing",
                    format!("Stopping container {}", self.spec.name),
                ))
            }
            (Stage::Stopping, _) => None,
            _ => {
                self.stage = Stage::Done;
                None
            }
        }
    }

    /// Runs the readiness and liveness probes due at `at`.
    fn run_probes(&mut self, at: SimTime, env: &mut Env<'_>, events: &mut Vec<KubeletEvent>) {
        for kind in [ProbeKind::Readiness, ProbeKind::Liveness] {
            let Some(probe) = self.probe_spec(kind).cloned() else {
                continue;
            };
            let Some(state) = self.probe_state_mut(kind).filter(|p| p.next_at <= at) else {
                continue;
            };
            state.next_at = at.plus_secs(i64::from(probe.period_seconds.unwrap_or(10).max(1)));
            if let Some(outcome) = env
                .runtime
                .probe(env.pod_ref, &self.spec.name, kind, &probe, at)
            {
                self.probed(at, kind, outcome, env, events);
            }
        }
    }

    fn probe_spec(&self, kind: ProbeKind) -> Option<&Probe> {
        match kind {
            ProbeKind::Readiness => self.spec.readiness_probe.as_ref(),
            ProbeKind::Liveness => self.spec.liveness_probe.as_ref(),
        }
    }

    fn probe_state_mut(&mut self, kind: ProbeKind) -> Option<&mut ProbeState> {
        match kind {
            ProbeKind::Readiness => self.readiness.as_mut(),
            ProbeKind::Liveness => self.liveness.as_mut(),
        }
    }

    /// Counts a probe's outcome and acts when a threshold is crossed.
    fn probed(
        &mut self,
        at: SimTime,
        kind: ProbeKind,
        outcome: Result<(), String>,
        env: &mut Env<'_>,
        events: &mut Vec<KubeletEvent>,
    ) {
        let Some(probe) = self.probe_spec(kind).cloned() else {
            return;
        };
        let Some(state) = self.probe_state_mut(kind) else {
            return;
        };
        let crossed = state.count(&probe, &outcome);
        if let Err(why) = &outcome {
            let which = match kind {
                ProbeKind::Readiness => "Readiness",
                ProbeKind::Liveness => "Liveness",
            };
            events.push(self.event(
                at,
                true,
                "Unhealthy",
                format!("{which} probe failed: {why}"),
            ));
        }
        match (kind, crossed) {
            (ProbeKind::Readiness, Some(ready)) => self.ready = ready,
            (ProbeKind::Liveness, Some(false)) => self.kill_unhealthy(at, &probe, env, events),
            _ => {}
        }
    }

    /// A failed liveness probe: stop the container, then restart it by the policy.
    fn kill_unhealthy(
        &mut self,
        at: SimTime,
        probe: &Probe,
        env: &mut Env<'_>,
        events: &mut Vec<KubeletEvent>,
    ) {
        let name = self.spec.name.clone();
        events.push(self.event(
            at,
            false,
            "Killing",
            format!("Container {name} failed liveness probe, will be restarted"),
        ));
        let grace = probe
            .termination_grace_period_seconds
            .or_else(|| {
                env.pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.termination_grace_period_seconds)
            })
            .unwrap_or(30);
        env.runtime
            .stop_container(env.pod_ref, &name, at, at.plus_secs(grace));
        self.liveness = None;
        self.readiness = None;
        self.ready = false;
        self.stage = Stage::Stopping;
        self.restart_after_stop = true;
    }
}

fn next_backoff(current: i64) -> i64 {
    if current == 0 {
        INITIAL_BACKOFF_MS
    } else {
        (current * 2).min(MAX_BACKOFF_MS)
    }
}

/// A probe's schedule and its recent results.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ProbeState {
    next_at: SimTime,
    successes: i32,
    failures: i32,
}

impl ProbeState {
    fn starting(probe: &Probe, started: SimTime) -> Self {
        Self {
            next_at: started.plus_secs(i64::from(probe.initial_delay_seconds.unwrap_or(0))),
            successes: 0,
            failures: 0,
        }
    }

    /// Counts an outcome; Some(healthy) when a threshold is crossed.
    fn count(&mut self, probe: &Probe, outcome: &Result<(), String>) -> Option<bool> {
        match outcome {
            Ok(()) => {
                self.failures = 0;
                self.successes += 1;
                (self.successes >= probe.success_threshold.unwrap_or(1)).then_some(true)
            }
            Err(_) => {
                self.successes = 0;
                self.failures += 1;
                (self.failures >= probe.failure_threshold.unwrap_or(3)).then_some(false)
            }
        }
    }
}

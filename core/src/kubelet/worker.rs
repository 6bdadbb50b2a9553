//! One pod on one node: its containers' lifecycle from image pull to exit,
//! restarts with back-off, and graceful termination. Each step happens at
//! its own simulated time and yields the kubelet's events.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{Container, Pod, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::process::{self, Process, Step};
use crate::images::{self, Program};
use crate::time::SimTime;

/// The first crash-loop back-off; it doubles up to [`MAX_BACKOFF_MS`].
pub const INITIAL_BACKOFF_MS: i64 = 10_000;
/// The longest back-off, for crash loops and image pulls alike.
pub const MAX_BACKOFF_MS: i64 = 300_000;
/// A container that ran this long before exiting starts its back-off afresh.
pub const BACKOFF_RESET_MS: i64 = 2 * MAX_BACKOFF_MS;
/// How long the runtime takes to set up a pod sandbox.
pub const SANDBOX_MS: i64 = 400;
/// How long a server takes to exit on SIGTERM.
pub const SERVER_STOP_MS: i64 = 100;
/// How long an `Always` pull of an image the node already has takes: the
/// registry is asked for the manifest, and no layer downloads.
pub const REPULL_MILLIS: i64 = 480;

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
    /// The image is downloading until the time given.
    Pulling { done_at: SimTime, started: SimTime },
    /// The pull failed; the state turns to ImagePullBackOff at `backoff_at`, and a new pull starts at `retry_at`.
    PullFailed {
        backoff_at: SimTime,
        retry_at: SimTime,
    },
    /// Create and start at the time given.
    Starting { at: SimTime },
    /// A restart: pull as the image pull policy says, then create and start.
    Repull { at: SimTime },
    /// Running its process; the next scripted step is due at `next_at`.
    Running { pc: usize, next_at: Option<SimTime> },
    /// In CrashLoopBackOff until the time given.
    BackOff { restart_at: SimTime },
    /// Stopping after SIGTERM: it ends at the time given with the code given.
    Stopping { exit_at: SimTime, code: i32 },
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

/// One container's runtime state.
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
    /// Its current run's log.
    pub logs: Vec<LogLine>,
    /// The previous run's log.
    pub previous_logs: Vec<LogLine>,
    /// Its ID in the runtime, once created.
    pub container_id: Option<String>,
    /// The image it was created from, as the status names it, once created.
    pub image_ref: Option<ImageRef>,
    /// Whether its started once in this run.
    pub started: bool,
    /// The process it runs, once started.
    pub process: Option<Process>,
    /// Files its scripts created (for exec probes), in this run.
    pub files: BTreeSet<String>,
    /// What shells wrote into files (`echo hi > /tmp/x`), in this run.
    pub written: BTreeMap<String, String>,
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

/// What a worker needs to know of its pod and node while it steps.
pub struct Env<'a> {
    /// The pod, as stored.
    pub pod: &'a Pod,
    /// Images present on the node.
    pub images: &'a mut BTreeSet<String>,
    /// The pod's IP, for probe messages.
    pub pod_ip: Option<Ipv4Addr>,
    /// What listens in the pod right now: (port, program, args).
    pub listeners: Vec<(u16, Program, Vec<String>)>,
}

/// One pod's worker.
#[derive(Clone, Debug)]
pub struct PodWorker {
    /// The pod's uid.
    pub uid: String,
    /// The pod IP, once the sandbox exists.
    pub ip: Option<Ipv4Addr>,
    /// When the kubelet accepted the pod.
    pub start_time: SimTime,
    /// When the sandbox is (or was) ready.
    pub sandbox_ready_at: SimTime,
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
    pod_label: String,
}

impl PodWorker {
    /// A worker for a pod the kubelet just accepted.
    pub fn new(pod: &Pod, ip: Option<Ipv4Addr>, now: SimTime) -> Self {
        let spec = pod.spec.clone().unwrap_or_default();
        let restart_policy = match spec.restart_policy.as_deref() {
            Some("Never") => RestartPolicy::Never,
            Some("OnFailure") => RestartPolicy::OnFailure,
            _ => RestartPolicy::Always,
        };
        let worker = |c: &Container, path: &str| {
            ContainerWorker::new(c.clone(), format!("{path}{{{}}}", c.name))
        };
        let name = pod.metadata.name.clone().unwrap_or_default();
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        Self {
            pod_label: format!("{name}_{namespace}({uid})"),
            uid,
            ip,
            start_time: now,
            sandbox_ready_at: now.plus_millis(SANDBOX_MS),
            containers: spec
                .containers
                .iter()
                .map(|c| worker(c, "spec.containers"))
                .collect(),
            init_containers: spec
                .init_containers
                .iter()
                .flatten()
                .map(|c| worker(c, "spec.initContainers"))
                .collect(),
            restart_policy,
            killing: false,
            kill_deadline: None,
        }
    }

    /// Runs every step due by `now`, in time order, and returns the events they make.
    pub fn advance(&mut self, env: &mut Env<'_>, now: SimTime) -> Vec<KubeletEvent> {
        let mut events = Vec::new();
        if now < self.sandbox_ready_at {
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

    fn step_once(
        &mut self,
        env: &mut Env<'_>,
        now: SimTime,
        events: &mut Vec<KubeletEvent>,
    ) -> bool {
        env.pod_ip = self.ip;
        env.listeners = self
            .containers
            .iter()
            .filter_map(|c| {
                c.server()
                    .map(|(program, args)| (program, args, c.listening_ports()))
            })
            .flat_map(|(program, args, ports)| {
                ports.into_iter().map(move |p| (p, program, args.clone()))
            })
            .collect();
        let policy = self.restart_policy;
        let label = self.pod_label.clone();
        let sandbox = self.sandbox_ready_at;
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
    pub fn kill(&mut self, now: SimTime, grace_seconds: i64) -> Vec<KubeletEvent> {
        if self.killing {
            return Vec::new();
        }
        self.killing = true;
        let deadline = now.plus_secs(grace_seconds.max(0));
        self.kill_deadline = Some(deadline);
        self.containers
            .iter_mut()
            .chain(self.init_containers.iter_mut())
            .filter_map(|c| c.stop(now, deadline))
            .collect()
    }

    /// Every container has stopped (after a kill).
    pub fn all_stopped(&self) -> bool {
        self.containers
            .iter()
            .chain(&self.init_containers)
            .all(|c| !matches!(c.stage, Stage::Running { .. } | Stage::Stopping { .. }))
    }

    /// The earliest time after `now` when something is due, if anything is.
    pub fn next_due(&self, now: SimTime) -> Option<SimTime> {
        let containers = self
            .containers
            .iter()
            .chain(&self.init_containers)
            .filter_map(ContainerWorker::due);
        containers
            .chain([self.sandbox_ready_at])
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

    /// Finds a container by name, to change.
    pub fn container_mut(&mut self, name: &str) -> Option<&mut ContainerWorker> {
        self.containers
            .iter_mut()
            .chain(self.init_containers.iter_mut())
            .find(|c| c.spec.name == name)
    }
}

/// A created container's image, as its status reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The canonical reference: `docker.io/library/nginx:1.25`.
    pub image: String,
    /// The resolved digest: `docker.io/library/nginx@sha256:…`.
    pub image_id: String,
}

impl ImageRef {
    /// The reference of `image`, found in the catalog as `found`.
    fn of(image: &str, found: &images::Image) -> Self {
        let reference = images::Reference::parse(image);
        Self {
            image: reference.canonical(),
            image_id: format!(
                "{}/{}@{}",
                reference.registry,
                reference.repository,
                images::digest(found, &reference.tag)
            ),
        }
    }
}

impl ContainerWorker {
    fn new(spec: Container, field_path: String) -> Self {
        Self {
            spec,
            state: State::Waiting {
                reason: "ContainerCreating".into(),
                message: None,
            },
            last_termination: None,
            restart_count: 0,
            logs: Vec::new(),
            previous_logs: Vec::new(),
            container_id: None,
            image_ref: None,
            started: false,
            process: None,
            field_path,
            stage: Stage::Blocked,
            crash_backoff_ms: 0,
            pull_backoff_ms: 0,
            runs: 0,
            files: BTreeSet::new(),
            written: BTreeMap::new(),
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
            (Stage::Running { .. }, State::Running { .. })
        ) {
            return None;
        }
        [&self.readiness, &self.liveness]
            .into_iter()
            .flatten()
            .map(|p| p.next_at)
            .min()
    }

    fn stage_due(&self) -> Option<SimTime> {
        match &self.stage {
            Stage::Pulling { done_at, .. } => Some(*done_at),
            Stage::PullFailed {
                backoff_at,
                retry_at,
            } => Some(if self.is_waiting("ErrImagePull") {
                *backoff_at
            } else {
                *retry_at
            }),
            Stage::Starting { at } | Stage::Repull { at } => Some(*at),
            Stage::Running { next_at, .. } => *next_at,
            Stage::BackOff { restart_at } => Some(*restart_at),
            Stage::Stopping { exit_at, .. } => Some(*exit_at),
            Stage::Blocked | Stage::Done => None,
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
        if let Some(at) = self
            .probe_due()
            .filter(|t| *t <= now && self.stage_due().is_none_or(|d| *t <= d))
        {
            self.run_probes(at, env, events);
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
            Stage::Pulling { done_at, started } if done_at <= now => {
                self.finish_pull(done_at, started, env, events);
                true
            }
            Stage::PullFailed {
                backoff_at,
                retry_at,
            } => {
                if self.is_waiting("ErrImagePull") && backoff_at <= now {
                    let image = self.spec.image.clone().unwrap_or_default();
                    events.push(self.event(
                        backoff_at,
                        false,
                        "BackOff",
                        format!("Back-off pulling image {image:?}"),
                    ));
                    events.push(self.event(
                        backoff_at,
                        true,
                        "Failed",
                        "Error: ImagePullBackOff".into(),
                    ));
                    self.state = State::Waiting {
                        reason: "ImagePullBackOff".into(),
                        message: Some(format!(
                            "Back-off pulling image {image:?}: ErrImagePull: {}",
                            images::pull_error(&image)
                        )),
                    };
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
            Stage::Running {
                pc,
                next_at: Some(at),
            } if at <= now => {
                self.run_script(pc, at, env.pod, events);
                true
            }
            Stage::BackOff { restart_at } if restart_at <= now => {
                self.stage = Stage::Repull { at: restart_at };
                true
            }
            Stage::Stopping { exit_at, code } if exit_at <= now => {
                self.exit(exit_at, code, None);
                // A liveness kill goes on to the restart policy; a pod kill ends it.
                self.stage = if std::mem::take(&mut self.restart_after_stop) {
                    Stage::Running {
                        pc: 0,
                        next_at: None,
                    }
                } else {
                    Stage::Done
                };
                true
            }
            _ => {
                if let State::Terminated(t) = &self.state {
                    // The process ended and nothing is decided yet (a restart
                    // already under way pulls or starts with the state still Terminated).
                    if matches!(self.stage, Stage::Running { next_at: None, .. }) {
                        let t = t.clone();
                        self.after_exit(t, policy, pod_label, events);
                        return true;
                    }
                }
                false
            }
        }
    }

    fn begin_pull(&mut self, at: SimTime, env: &mut Env<'_>, events: &mut Vec<KubeletEvent>) {
        let image = self.spec.image.clone().unwrap_or_default();
        let canonical = images::Reference::parse(&image).canonical();
        let present = env.images.contains(&canonical);
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
                // A present image only has its manifest checked; a missing one downloads.
                let millis = match images::find(&image) {
                    Some(_) if present => REPULL_MILLIS,
                    Some(found) => images::pull_millis(found.size),
                    None => 1_200,
                };
                self.stage = Stage::Pulling {
                    done_at: at.plus_millis(millis),
                    started: at,
                };
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

    fn finish_pull(
        &mut self,
        at: SimTime,
        started: SimTime,
        env: &mut Env<'_>,
        events: &mut Vec<KubeletEvent>,
    ) {
        let image = self.spec.image.clone().unwrap_or_default();
        match images::find(&image) {
            Some(found) => {
                env.images
                    .insert(images::Reference::parse(&image).canonical());
                let took = images::go_duration(at.millis_since(started));
                events.push(self.event(
                    at,
                    false,
                    "Pulled",
                    format!("Successfully pulled image {image:?} in {took} ({took} including waiting). Image size: {} bytes.", found.size),
                ));
                self.pull_backoff_ms = 0;
                self.stage = Stage::Starting { at };
            }
            None => {
                let error = images::pull_error(&image);
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
        }
    }

    fn start(&mut self, at: SimTime, env: &mut Env<'_>, events: &mut Vec<KubeletEvent>) {
        let image = self.spec.image.clone().unwrap_or_default();
        let Some(found) = images::find(&image) else {
            // The image vanished from the node; pull again.
            self.stage = Stage::Blocked;
            return;
        };
        if self.runs > 0 {
            self.restart_count += 1;
            self.previous_logs = std::mem::take(&mut self.logs);
        }
        self.runs += 1;
        let id = container_id(env.pod, &self.spec.name, self.runs);
        self.container_id = Some(id.clone());
        self.image_ref = Some(ImageRef::of(&image, found));
        events.push(self.event(
            at,
            false,
            "Created",
            format!("Created container: {}", self.spec.name),
        ));
        let container_env = container_env(&self.spec);
        let process = process::resolve(found, &self.spec, &container_env);
        if let Process::StartError(message) = &process {
            events.push(self.event(at, true, "Failed", format!("Error: {message}")));
            self.state = State::Terminated(Terminated {
                exit_code: 128,
                reason: "StartError".into(),
                message: Some(message.clone()),
                started_at: None,
                finished_at: at,
                container_id: id,
            });
            self.process = Some(process);
            self.stage = Stage::Running {
                pc: 0,
                next_at: None,
            };
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
        self.files.clear();
        self.written.clear();
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
        if let Process::Serve { program, args } = &process {
            self.log_all(at, program.start_logs(at, args));
        }
        let first = matches!(process, Process::Script { .. }).then_some(at);
        self.process = Some(process);
        self.stage = Stage::Running {
            pc: 0,
            next_at: first,
        };
    }

    fn log_all(&mut self, at: SimTime, lines: Vec<String>) {
        self.logs
            .extend(lines.into_iter().map(|text| LogLine { at, text }));
    }

    /// Runs scripted steps from `pc` at time `at` until the script sleeps, blocks or exits.
    fn run_script(&mut self, mut pc: usize, at: SimTime, pod: &Pod, _events: &mut [KubeletEvent]) {
        let Some(Process::Script { steps, loop_start }) = self.process.clone() else {
            self.stage = Stage::Running { pc, next_at: None };
            return;
        };
        let _ = pod;
        for _ in 0..10_000 {
            if pc >= steps.len() {
                match loop_start {
                    Some(start) if start < steps.len() => pc = start,
                    _ => {
                        self.exit(at, 0, None);
                        return;
                    }
                }
            }
            match &steps[pc] {
                Step::Log(text) => {
                    let text = if text == "{date}" {
                        date_line(at)
                    } else {
                        text.clone()
                    };
                    self.logs.push(LogLine { at, text });
                    pc += 1;
                }
                Step::Sleep(ms) => {
                    self.stage = Stage::Running {
                        pc: pc + 1,
                        next_at: Some(at.plus_millis((*ms).max(1))),
                    };
                    return;
                }
                Step::Exit(code) => {
                    self.exit(at, *code, None);
                    return;
                }
                Step::Forever => {
                    self.stage = Stage::Running { pc, next_at: None };
                    return;
                }
                Step::Touch(path) => {
                    self.files.insert(path.clone());
                    pc += 1;
                }
                Step::Remove(path) => {
                    self.files.remove(path);
                    pc += 1;
                }
            }
        }
        self.stage = Stage::Running {
            pc,
            next_at: Some(at.plus_millis(1000)),
        };
    }

    /// The attached terminal closed the main process's stdin (an interactive
    /// shell's `exit`): a running process ends with `code`, as `sh` does at EOF.
    pub fn stdin_closed(&mut self, at: SimTime, code: i32) {
        if matches!(self.state, State::Running { .. })
            && matches!(self.stage, Stage::Running { next_at: None, .. })
        {
            self.exit(at, code, None);
        }
    }

    fn exit(&mut self, at: SimTime, code: i32, message: Option<String>) {
        let started_at = match &self.state {
            State::Running { started_at } => Some(*started_at),
            _ => None,
        };
        self.state = State::Terminated(Terminated {
            exit_code: code,
            reason: if code == 0 { "Completed" } else { "Error" }.into(),
            message,
            started_at,
            finished_at: at,
            container_id: self.container_id.clone().unwrap_or_default(),
        });
        if !matches!(self.stage, Stage::Stopping { .. }) {
            self.stage = Stage::Running {
                pc: 0,
                next_at: None,
            };
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

    /// SIGTERM: a server stops at once, a script is killed at the deadline.
    fn stop(&mut self, now: SimTime, deadline: SimTime) -> Option<KubeletEvent> {
        match (&self.stage, &self.state) {
            (Stage::Running { .. }, State::Running { .. }) => {
                let graceful = self.process.as_ref().is_some_and(Process::stops_on_sigterm);
                let (exit_at, code) = if graceful {
                    (now.plus_millis(SERVER_STOP_MS).min(deadline), 0)
                } else {
                    (deadline, 137)
                };
                self.stage = Stage::Stopping { exit_at, code };
                Some(self.event(
                    now,
                    false,
                    "Killing",
                    format!("Stopping container {}", self.spec.name),
                ))
            }
            (Stage::Stopping { .. }, _) => None,
            _ => {
                self.stage = Stage::Done;
                None
            }
        }
    }

    /// The TCP ports its process listens on while running.
    pub fn listening_ports(&self) -> Vec<u16> {
        match (&self.state, &self.process) {
            (State::Running { .. }, Some(Process::Serve { program, args })) => program.ports(args),
            _ => Vec::new(),
        }
    }

    /// Its server program, while it runs one.
    pub fn server(&self) -> Option<(Program, Vec<String>)> {
        match (&self.state, &self.process) {
            (State::Running { .. }, Some(Process::Serve { program, args })) => {
                Some((*program, args.clone()))
            }
            _ => None,
        }
    }
}

fn next_backoff(current: i64) -> i64 {
    if current == 0 {
        INITIAL_BACKOFF_MS
    } else {
        (current * 2).min(MAX_BACKOFF_MS)
    }
}

/// The environment a container sees from its spec (`env` with plain values).
pub fn container_env(container: &Container) -> BTreeMap<String, String> {
    container
        .env
        .iter()
        .flatten()
        .map(|e| (e.name.clone(), e.value.clone().unwrap_or_default()))
        .collect()
}

fn date_line(at: SimTime) -> String {
    k8s_openapi::jiff::fmt::strtime::format("%a %b %e %H:%M:%S UTC %Y", at.to_time().0)
        .unwrap_or_default()
}

/// A stable 64-hex-digit container ID from the pod, container and run.
fn container_id(pod: &Pod, name: &str, run: u32) -> String {
    let seed = format!("{}/{name}/{run}", pod.metadata.uid.as_deref().unwrap_or(""));
    let mut state = 0xcbf2_9ce4_8422_2325u64;
    for b in seed.bytes() {
        state = (state ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..4)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            format!("{state:016x}")
        })
        .collect()
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
}

/// What a probe found.
enum ProbeResult {
    Success,
    Failure(String),
}

impl ContainerWorker {
    /// Runs the readiness and liveness probes due at `at`.
    fn run_probes(&mut self, at: SimTime, env: &mut Env<'_>, events: &mut Vec<KubeletEvent>) {
        if let Some(probe) = self
            .spec
            .readiness_probe
            .clone()
            .filter(|_| self.readiness.as_ref().is_some_and(|p| p.next_at <= at))
        {
            let result = self.probe(&probe, env);
            let Some(state) = self.readiness.as_mut() else {
                return;
            };
            let ready = record(state, &probe, &result, at);
            if let ProbeResult::Failure(why) = &result {
                events.push(self.event(
                    at,
                    true,
                    "Unhealthy",
                    format!("Readiness probe failed: {why}"),
                ));
            }
            if let Some(ready) = ready {
                self.ready = ready;
            }
        }
        if let Some(probe) = self
            .spec
            .liveness_probe
            .clone()
            .filter(|_| self.liveness.as_ref().is_some_and(|p| p.next_at <= at))
        {
            let result = self.probe(&probe, env);
            let Some(state) = self.liveness.as_mut() else {
                return;
            };
            let healthy = record(state, &probe, &result, at);
            if let ProbeResult::Failure(why) = &result {
                events.push(self.event(
                    at,
                    true,
                    "Unhealthy",
                    format!("Liveness probe failed: {why}"),
                ));
            }
            if healthy == Some(false) {
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
                let graceful = self.process.as_ref().is_some_and(Process::stops_on_sigterm);
                let (exit_at, code) = if graceful {
                    (at.plus_millis(SERVER_STOP_MS), 0)
                } else {
                    (at.plus_secs(grace), 137)
                };
                self.liveness = None;
                self.readiness = None;
                self.ready = false;
                self.stage = Stage::Stopping { exit_at, code };
                self.restart_after_stop = true;
            }
        }
    }

    /// Runs one probe against this container's pod.
    fn probe(&self, probe: &Probe, env: &Env<'_>) -> ProbeResult {
        let ip = env
            .pod_ip
            .map_or_else(|| "0.0.0.0".to_string(), |ip| ip.to_string());
        let port_of = |port: &IntOrString| match port {
            IntOrString::Int(n) => u16::try_from(*n).unwrap_or(0),
            IntOrString::String(name) => self
                .spec
                .ports
                .iter()
                .flatten()
                .find(|p| p.name.as_deref() == Some(name.as_str()))
                .and_then(|p| u16::try_from(p.container_port).ok())
                .unwrap_or(0),
        };
        if let Some(http) = &probe.http_get {
            let port = port_of(&http.port);
            let path = http.path.clone().unwrap_or_else(|| "/".into());
            let scheme = http
                .scheme
                .clone()
                .unwrap_or_else(|| "HTTP".into())
                .to_ascii_lowercase();
            let url = format!("{scheme}://{ip}:{port}{path}");
            return match env.listeners.iter().find(|(p, ..)| *p == port) {
                None => ProbeResult::Failure(format!(
                    "Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"
                )),
                Some((_, program, args)) => {
                    match program
                        .handle_http(SimTime::default(), "GET", &path, args, "kubelet")
                        .map(|(r, _)| r.status)
                    {
                        Some(status) if (200..400).contains(&status) => ProbeResult::Success,
                        Some(status) => ProbeResult::Failure(format!(
                            "HTTP probe failed with statuscode: {status}"
                        )),
                        None => ProbeResult::Success,
                    }
                }
            };
        }
        if let Some(tcp) = &probe.tcp_socket {
            let port = port_of(&tcp.port);
            return if env.listeners.iter().any(|(p, ..)| *p == port) {
                ProbeResult::Success
            } else {
                ProbeResult::Failure(format!("dial tcp {ip}:{port}: connect: connection refused"))
            };
        }
        if let Some(exec) = &probe.exec {
            let tools =
                images::find(self.spec.image.as_deref().unwrap_or("")).map_or(&[][..], |i| i.tools);
            let (code, output) =
                process::exec_probe(exec.command.as_deref().unwrap_or(&[]), &self.files, tools);
            return if code == 0 {
                ProbeResult::Success
            } else {
                ProbeResult::Failure(output)
            };
        }
        ProbeResult::Success
    }
}

/// Counts a result and schedules the next run; Some(healthy) when a threshold is crossed.
fn record(
    state: &mut ProbeState,
    probe: &Probe,
    result: &ProbeResult,
    at: SimTime,
) -> Option<bool> {
    state.next_at = at.plus_secs(i64::from(probe.period_seconds.unwrap_or(10).max(1)));
    match result {
        ProbeResult::Success => {
            state.failures = 0;
            state.successes += 1;
            (state.successes >= probe.success_threshold.unwrap_or(1)).then_some(true)
        }
        ProbeResult::Failure(_) => {
            state.successes = 0;
            state.failures += 1;
            (state.failures >= probe.failure_threshold.unwrap_or(3)).then_some(false)
        }
    }
}

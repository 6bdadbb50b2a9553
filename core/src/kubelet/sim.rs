//! The simulated container runtime: a node's images, its pods' sandboxes
//! and IPs, and its containers' processes, in simulated time.
//!
//! It answers the kubelet's requests ([`ContainerRuntime`]) with the
//! durations a real node shows: a sandbox in [`SANDBOX_MS`], a pull at the
//! image's size over a typical link, a server that stops at once on SIGTERM
//! while a script ignores it until the grace period ends. What a process
//! does comes from [`process`](super::process): an image's server, or a
//! small script from `command`/`args`, whose steps (log lines, files,
//! sleeps, exit) run here at their own times.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{ContainerPort, Pod, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rustc_hash::FxHashMap;

use super::process::{self, Process, Step};
use super::runtime::{ContainerConfig, ContainerRuntime, NodeCapacity, PodRef, ProbeKind, Report};
use super::worker::LogLine;
use crate::images::{self, Program};
use crate::network::ipam::PodIpPool;
use crate::store::NamePair;
use crate::time::SimTime;

/// How long the runtime takes to set up a pod sandbox.
pub const SANDBOX_MS: i64 = 400;
/// How long a server takes to exit on SIGTERM.
pub const SERVER_STOP_MS: i64 = 100;
/// How long an `Always` pull of an image the node already has takes: the
/// registry is asked for the manifest, and no layer downloads.
pub const REPULL_MILLIS: i64 = 480;
/// How long a pull of an image no registry has takes to fail.
pub const FAILED_PULL_MILLIS: i64 = 1_200;

/// One node's simulated runtime.
#[derive(Clone, Debug)]
pub struct SimRuntime {
    images: BTreeSet<String>,
    pod_ips: PodIpPool,
    pods: FxHashMap<(String, String), SimPod>,
    machine: Option<NodeCapacity>,
    /// Pods whose sandbox was killed from outside, for the kubelet to look at.
    news: Vec<PodRef>,
}

/// A pod's sandbox and containers.
#[derive(Clone, Debug)]
struct SimPod {
    uid: String,
    ip: Option<Ipv4Addr>,
    /// When the sandbox's report is due, until the kubelet takes it.
    sandbox_due: Option<SimTime>,
    /// When the sandbox died, until the kubelet hears of it.
    died_at: Option<SimTime>,
    /// Boxed: a map's node keeps room for eleven entries, and most pods have one container.
    containers: BTreeMap<String, Box<SimContainer>>,
}

/// One simulated container: its process and what it wrote.
#[derive(Clone, Debug, Default)]
pub struct SimContainer {
    /// The image it runs, as the spec names it.
    pub image: String,
    /// Its environment.
    pub env: BTreeMap<String, String>,
    /// The process it runs, once started.
    pub process: Option<Process>,
    /// Whether that process runs now.
    pub running: bool,
    /// This run's log.
    pub logs: Vec<LogLine>,
    /// The previous run's log.
    pub previous_logs: Vec<LogLine>,
    /// Files its scripts created (for exec probes), in this run.
    pub files: BTreeSet<String>,
    /// What shells wrote into files (`echo hi > /tmp/x`), in this run.
    pub written: BTreeMap<String, String>,
    ports: Vec<ContainerPort>,
    pull: Option<PendingPull>,
    /// The script's next step and when it is due.
    pc: usize,
    next_step: Option<SimTime>,
    /// A pending exit (a stop, or stdin closed): when, and with which code.
    exit: Option<(SimTime, i32)>,
    runs: u32,
}

/// A pull under way.
#[derive(Clone, Debug)]
struct PendingPull {
    image: String,
    started: SimTime,
    done_at: SimTime,
}

impl SimRuntime {
    /// A runtime whose pods take their IPs from `pod_ips`.
    pub fn new(pod_ips: PodIpPool) -> Self {
        Self {
            images: BTreeSet::new(),
            pod_ips,
            pods: FxHashMap::default(),
            machine: None,
            news: Vec::new(),
        }
    }

    /// The same runtime on a machine of this size (the node then reports it).
    pub fn on_machine(self, machine: NodeCapacity) -> Self {
        Self {
            machine: Some(machine),
            ..self
        }
    }

    /// A container of a pod, by names.
    pub fn container(&self, namespace: &str, pod: &str, container: &str) -> Option<&SimContainer> {
        self.pod(namespace, pod)?
            .containers
            .get(container)
            .map(Box::as_ref)
    }

    /// A container of a pod, to change (a shell writing files, traffic writing logs).
    pub fn container_mut(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
    ) -> Option<&mut SimContainer> {
        self.pods
            .get_mut(&(namespace, pod) as &dyn NamePair)?
            .containers
            .get_mut(container)
            .map(Box::as_mut)
    }

    /// A pod's containers, by name.
    pub fn containers(
        &self,
        namespace: &str,
        pod: &str,
    ) -> impl Iterator<Item = (&String, &SimContainer)> {
        self.pod(namespace, pod)
            .into_iter()
            .flat_map(|p| p.containers.iter())
            .map(|(name, container)| (name, &**container))
    }

    /// An attached terminal closed a container's stdin: a process waiting
    /// on it (an interactive shell) exits now with `code`.
    pub fn close_stdin(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        at: SimTime,
        code: i32,
    ) {
        if let Some(c) = self.container_mut(namespace, pod, container) {
            if c.running && c.exit.is_none() && c.next_step.is_none() {
                c.exit = Some((at, code));
            }
        }
    }

    /// Kills a pod's sandbox at `at`, as a crashed pause container or a
    /// restarted engine would: the kubelet hears [`Report::SandboxDied`]
    /// and recreates the pod's sandbox. False when the pod has no sandbox
    /// that is up.
    pub fn kill_sandbox(&mut self, namespace: &str, pod: &str, at: SimTime) -> bool {
        let Some(sim) = self
            .pods
            .get_mut(&(namespace, pod) as &dyn NamePair)
            .filter(|p| p.sandbox_due.is_none() && p.died_at.is_none() && p.ip.is_some())
        else {
            return false;
        };
        sim.died_at = Some(at);
        self.news.push(PodRef {
            namespace: namespace.to_string(),
            name: pod.to_string(),
            uid: sim.uid.clone(),
        });
        true
    }

    fn pod(&self, namespace: &str, pod: &str) -> Option<&SimPod> {
        self.pods.get(&(namespace, pod) as &dyn NamePair)
    }

    fn pod_mut(&mut self, pod: &PodRef) -> Option<&mut SimPod> {
        self.pods
            .get_mut(&(pod.namespace.as_str(), pod.name.as_str()) as &dyn NamePair)
            .filter(|p| p.uid == pod.uid)
    }

    fn sim_container_mut(&mut self, pod: &PodRef, container: &str) -> Option<&mut SimContainer> {
        self.pod_mut(pod)?
            .containers
            .get_mut(container)
            .map(Box::as_mut)
    }

    /// What listens in a pod right now: (port, program, args).
    fn listeners(&self, namespace: &str, pod: &str) -> Vec<(u16, Program, Vec<String>)> {
        self.containers(namespace, pod)
            .filter_map(|(_, c)| {
                c.server()
                    .map(|(program, args)| (program, args, c.listening_ports()))
            })
            .flat_map(|(program, args, ports)| {
                ports.into_iter().map(move |p| (p, program, args.clone()))
            })
            .collect()
    }

    fn finish_pull(&mut self, pull: PendingPull) -> Report {
        match images::find(&pull.image) {
            Some(found) => {
                self.images
                    .insert(images::Reference::parse(&pull.image).canonical());
                Report::Pulled {
                    took_ms: pull.done_at.millis_since(pull.started),
                    size: found.size,
                }
            }
            None => Report::PullFailed {
                error: images::pull_error(&pull.image),
            },
        }
    }
}

impl ContainerRuntime for SimRuntime {
    fn run_sandbox(&mut self, pod: &PodRef, _spec: &Pod, at: SimTime) {
        let ip = self.pod_ips.allocate();
        let key = (pod.namespace.clone(), pod.name.clone());
        let containers = match self.pods.remove(&key) {
            // A new sandbox for the same pod: a new IP, the same containers' records.
            Some(old) if old.uid == pod.uid => {
                if let Some(old_ip) = old.ip {
                    self.pod_ips.release(old_ip);
                }
                old.containers
            }
            Some(other) => {
                if let Some(other_ip) = other.ip {
                    self.pod_ips.release(other_ip);
                }
                BTreeMap::new()
            }
            None => BTreeMap::new(),
        };
        self.pods.insert(
            key,
            SimPod {
                uid: pod.uid.clone(),
                ip,
                sandbox_due: Some(at.plus_millis(SANDBOX_MS)),
                died_at: None,
                containers,
            },
        );
    }

    fn adopt_sandbox(&mut self, pod: &PodRef, _spec: &Pod, ip: Ipv4Addr) -> bool {
        if !self.pod_ips.reserve(ip) {
            return false;
        }
        self.pods.insert(
            (pod.namespace.clone(), pod.name.clone()),
            SimPod {
                uid: pod.uid.clone(),
                ip: Some(ip),
                sandbox_due: None,
                died_at: None,
                containers: BTreeMap::new(),
            },
        );
        true
    }

    fn adopt_container(
        &mut self,
        pod: &PodRef,
        config: &ContainerConfig<'_>,
        _started_at: SimTime,
    ) -> bool {
        let spec = config.container;
        let image = spec.image.clone().unwrap_or_default();
        let env: BTreeMap<String, String> = config.env.iter().cloned().collect();
        let process = match images::find(&image) {
            Some(found) => process::resolve(found, spec, &env),
            None => return false,
        };
        // Only a server is taken over as it runs; a script's place in its
        // steps is gone, so its pod starts over.
        if !matches!(process, Process::Serve { .. }) || self.pod_mut(pod).is_none() {
            return false;
        }
        self.images
            .insert(images::Reference::parse(&image).canonical());
        let adopted = SimContainer {
            image,
            env,
            process: Some(process),
            running: true,
            ports: spec.ports.clone().unwrap_or_default(),
            runs: config.attempt,
            ..SimContainer::default()
        };
        self.pod_mut(pod)
            .map(|sim| sim.containers.insert(spec.name.clone(), Box::new(adopted)))
            .is_some()
    }

    fn remove_sandbox(&mut self, pod: &PodRef) {
        let key = (pod.namespace.as_str(), pod.name.as_str());
        if self
            .pods
            .get(&key as &dyn NamePair)
            .is_some_and(|p| p.uid == pod.uid)
        {
            if let Some(ip) = self.pods.remove(&key as &dyn NamePair).and_then(|p| p.ip) {
                self.pod_ips.release(ip);
            }
        }
    }

    fn has_image(&self, image: &str) -> bool {
        self.images
            .contains(&images::Reference::parse(image).canonical())
    }

    fn pull_image(&mut self, pod: &PodRef, container: &str, image: &str, at: SimTime) {
        // A present image only has its manifest checked; a missing one downloads.
        let millis = match images::find(image) {
            Some(_) if self.has_image(image) => REPULL_MILLIS,
            Some(found) => images::pull_millis(found.size),
            None => FAILED_PULL_MILLIS,
        };
        if let Some(sim) = self.pod_mut(pod) {
            let c = sim.containers.entry(container.to_string()).or_default();
            c.pull = Some(PendingPull {
                image: image.to_string(),
                started: at,
                done_at: at.plus_millis(millis),
            });
        }
    }

    fn start_container(
        &mut self,
        pod: &PodRef,
        config: &ContainerConfig<'_>,
        at: SimTime,
    ) -> Option<Report> {
        let spec = config.container;
        let image = spec.image.clone().unwrap_or_default();
        let id = container_id(&pod.uid, &spec.name, config.attempt);
        let c = self
            .pod_mut(pod)?
            .containers
            .entry(spec.name.clone())
            .or_default();
        let Some(found) = images::find(&image) else {
            return Some(Report::StartFailed {
                id,
                message: format!(
                    "failed to create containerd container: image \"{image}\": not found"
                ),
            });
        };
        if c.runs > 0 {
            c.previous_logs = std::mem::take(&mut c.logs);
        }
        c.runs += 1;
        c.image = image;
        c.env = config.env.iter().cloned().collect();
        c.ports = spec.ports.clone().unwrap_or_default();
        c.files.clear();
        c.written.clear();
        for volume in config.volumes {
            for (path, content) in &volume.files {
                let at = format!("{}/{path}", volume.mount_path.trim_end_matches('/'));
                c.files.insert(at.clone());
                c.written.insert(at, content.clone());
            }
        }
        c.exit = None;
        c.pc = 0;
        let process = process::resolve(found, spec, &c.env);
        if let Process::StartError(message) = &process {
            let message = message.clone();
            c.process = Some(process);
            c.running = false;
            c.next_step = None;
            return Some(Report::StartFailed { id, message });
        }
        if let Process::Serve { program, args } = &process {
            let lines = program.start_logs(at, args);
            c.logs
                .extend(lines.into_iter().map(|text| LogLine { at, text }));
        }
        c.next_step = matches!(process, Process::Script { .. }).then_some(at);
        c.process = Some(process);
        c.running = true;
        Some(Report::Started { id })
    }

    fn stop_container(&mut self, pod: &PodRef, container: &str, at: SimTime, deadline: SimTime) {
        let Some(c) = self.sim_container_mut(pod, container) else {
            return;
        };
        if !c.running || c.exit.is_some() {
            return;
        }
        let graceful = c.process.as_ref().is_some_and(Process::stops_on_sigterm);
        c.exit = Some(if graceful {
            (at.plus_millis(SERVER_STOP_MS).min(deadline), 0)
        } else {
            (deadline, 137)
        });
    }

    fn probe(
        &mut self,
        pod: &PodRef,
        container: &str,
        _kind: ProbeKind,
        probe: &Probe,
        _at: SimTime,
    ) -> Option<Result<(), String>> {
        let sim = self.pod(&pod.namespace, &pod.name)?;
        let c = sim.containers.get(container)?;
        let ip = sim
            .ip
            .map_or_else(|| "0.0.0.0".to_string(), |ip| ip.to_string());
        let listeners = self.listeners(&pod.namespace, &pod.name);
        Some(run_probe(probe, c, &ip, &listeners))
    }

    fn due(&self, pod: &PodRef, container: Option<&str>) -> Option<SimTime> {
        let sim = self
            .pod(&pod.namespace, &pod.name)
            .filter(|p| p.uid == pod.uid)?;
        match container {
            None => sim.sandbox_due.or(sim.died_at),
            Some(name) => sim.containers.get(name)?.due(),
        }
    }

    fn wake(&mut self, pod: &PodRef, container: Option<&str>) -> Option<(SimTime, Report)> {
        let Some(name) = container else {
            let sim = self.pod_mut(pod)?;
            if sim.sandbox_due.is_none() {
                return sim.died_at.take().map(|at| (at, Report::SandboxDied));
            }
            let at = sim.sandbox_due.take()?;
            return Some(match sim.ip {
                Some(ip) => (at, Report::SandboxReady { ip }),
                None => (
                    at,
                    Report::SandboxFailed {
                        message:
                            "failed to allocate for range 0: no IP addresses available in range set"
                                .into(),
                    },
                ),
            });
        };
        let c = self.sim_container_mut(pod, name)?;
        let at = c.due()?;
        if let Some(pull) = c.pull.take_if(|p| p.done_at == at) {
            return Some((at, self.finish_pull(pull)));
        }
        if let Some((exit_at, code)) = c.exit.take_if(|(exit_at, _)| *exit_at == at) {
            c.running = false;
            c.next_step = None;
            return Some((exit_at, Report::Exited { code }));
        }
        c.run_script(at).map(|code| (at, Report::Exited { code }))
    }

    fn pods_with_news(&mut self, _now: SimTime) -> Vec<PodRef> {
        std::mem::take(&mut self.news)
    }

    fn node_capacity(&self) -> Option<NodeCapacity> {
        self.machine
    }

    fn logs(&self, pod: &PodRef, container: &str, previous: bool) -> Vec<LogLine> {
        self.container(&pod.namespace, &pod.name, container)
            .map(|c| {
                if previous {
                    c.previous_logs.clone()
                } else {
                    c.logs.clone()
                }
            })
            .unwrap_or_default()
    }

    fn as_sim(&self) -> Option<&SimRuntime> {
        Some(self)
    }

    fn as_sim_mut(&mut self) -> Option<&mut SimRuntime> {
        Some(self)
    }
}

impl SimContainer {
    /// When its next report or step is due: a pull, a pending exit, or
    /// the script's next step (which a pending exit cancels).
    fn due(&self) -> Option<SimTime> {
        let pull = self.pull.as_ref().map(|p| p.done_at);
        let exit = self.exit.map(|(at, _)| at);
        let step = self
            .next_step
            .filter(|_| self.running && self.exit.is_none());
        [pull, exit, step].into_iter().flatten().min()
    }

    /// Runs the script's steps due at `at` until it sleeps, blocks or exits;
    /// the exit code when it exits.
    fn run_script(&mut self, at: SimTime) -> Option<i32> {
        let Some(Process::Script { steps, loop_start }) = self.process.clone() else {
            self.next_step = None;
            return None;
        };
        let mut pc = self.pc;
        for _ in 0..10_000 {
            if pc >= steps.len() {
                match loop_start {
                    Some(start) if start < steps.len() => pc = start,
                    _ => return Some(self.end(0)),
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
                }
                Step::Sleep(ms) => {
                    self.pc = pc + 1;
                    self.next_step = Some(at.plus_millis((*ms).max(1)));
                    return None;
                }
                Step::Exit(code) => return Some(self.end(*code)),
                Step::Forever => {
                    self.pc = pc;
                    self.next_step = None;
                    return None;
                }
                Step::Touch(path) => {
                    self.files.insert(path.clone());
                }
                Step::Remove(path) => {
                    self.files.remove(path);
                }
            }
            pc += 1;
        }
        self.pc = pc;
        self.next_step = Some(at.plus_millis(1000));
        None
    }

    fn end(&mut self, code: i32) -> i32 {
        self.running = false;
        self.next_step = None;
        code
    }

    /// The TCP ports its process listens on while running.
    pub fn listening_ports(&self) -> Vec<u16> {
        match (&self.process, self.running) {
            (Some(Process::Serve { program, args }), true) => program.ports(args),
            _ => Vec::new(),
        }
    }

    /// Its server program, while it runs one.
    pub fn server(&self) -> Option<(Program, Vec<String>)> {
        match (&self.process, self.running) {
            (Some(Process::Serve { program, args }), true) => Some((*program, args.clone())),
            _ => None,
        }
    }
}

/// Runs one probe against a container of a pod at `ip`, where `listeners` serve.
fn run_probe(
    probe: &Probe,
    c: &SimContainer,
    ip: &str,
    listeners: &[(u16, Program, Vec<String>)],
) -> Result<(), String> {
    let port_of = |port: &IntOrString| match port {
        IntOrString::Int(n) => u16::try_from(*n).unwrap_or(0),
        IntOrString::String(name) => c
            .ports
            .iter()
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
        return match listeners.iter().find(|(p, ..)| *p == port) {
            None => Err(format!(
                "Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"
            )),
            Some((_, program, args)) => match program
                .handle_http(SimTime::default(), "GET", &path, args, "kubelet")
                .map(|(r, _)| r.status)
            {
                Some(status) if !(200..400).contains(&status) => {
                    Err(format!("HTTP probe failed with statuscode: {status}"))
                }
                _ => Ok(()),
            },
        };
    }
    if let Some(tcp) = &probe.tcp_socket {
        let port = port_of(&tcp.port);
        return if listeners.iter().any(|(p, ..)| *p == port) {
            Ok(())
        } else {
            Err(format!("dial tcp {ip}:{port}: connect: connection refused"))
        };
    }
    if let Some(exec) = &probe.exec {
        let tools = images::find(&c.image).map_or(&[][..], |i| i.tools);
        let (code, output) =
            process::exec_probe(exec.command.as_deref().unwrap_or(&[]), &c.files, tools);
        return if code == 0 { Ok(()) } else { Err(output) };
    }
    Ok(())
}

fn date_line(at: SimTime) -> String {
    k8s_openapi::jiff::fmt::strtime::format("%a %b %e %H:%M:%S UTC %Y", at.to_time().0)
        .unwrap_or_default()
}

/// A stable 64-hex-digit container ID from the pod, container and run.
fn container_id(pod_uid: &str, name: &str, run: u32) -> String {
    crate::rand::stable_hex_id(0xcbf2_9ce4_8422_2325, &format!("{pod_uid}/{name}/{run}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn pod_ref() -> PodRef {
        PodRef {
            namespace: "default".into(),
            name: "p".into(),
            uid: "uid-1".into(),
        }
    }

    fn pod(container: &Container) -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some("p".into()),
                namespace: Some("default".into()),
                uid: Some("uid-1".into()),
                ..ObjectMeta::default()
            },
            spec: Some(PodSpec {
                containers: vec![container.clone()],
                ..PodSpec::default()
            }),
            status: None,
        }
    }

    fn container(image: &str, command: &[&str]) -> Container {
        Container {
            name: "c".into(),
            image: Some(image.into()),
            command: (!command.is_empty()).then(|| command.iter().map(|s| s.to_string()).collect()),
            ..Container::default()
        }
    }

    /// A runtime with the pod's sandbox up at t=400 ms.
    fn runtime_with_sandbox(spec: &Pod) -> SimRuntime {
        let mut runtime = SimRuntime::new(PodIpPool::for_node(1));
        runtime.run_sandbox(&pod_ref(), spec, SimTime(0));
        assert_eq!(runtime.due(&pod_ref(), None), Some(SimTime(SANDBOX_MS)));
        let (at, report) = runtime.wake(&pod_ref(), None).expect("sandbox report");
        assert_eq!(at, SimTime(SANDBOX_MS));
        assert!(matches!(report, Report::SandboxReady { .. }), "{report:?}");
        runtime
    }

    fn start(runtime: &mut SimRuntime, spec: &Pod, at: i64) -> Option<Report> {
        let container = &spec.spec.as_ref().expect("spec").containers[0];
        let config = ContainerConfig {
            pod: spec,
            container,
            env: &[],
            attempt: 1,
            volumes: &[],
        };
        runtime.start_container(&pod_ref(), &config, SimTime(at))
    }

    #[test]
    fn a_pull_of_an_unknown_image_fails_after_its_round_trips() {
        let c = container("nosuch/image:1", &[]);
        let spec = pod(&c);
        let mut runtime = runtime_with_sandbox(&spec);
        runtime.pull_image(&pod_ref(), "c", "nosuch/image:1", SimTime(1_000));
        assert_eq!(
            runtime.due(&pod_ref(), Some("c")),
            Some(SimTime(1_000 + FAILED_PULL_MILLIS))
        );
        let (_, report) = runtime.wake(&pod_ref(), Some("c")).expect("report");
        assert!(matches!(report, Report::PullFailed { .. }), "{report:?}");
        assert!(!runtime.has_image("nosuch/image:1"));
    }

    #[test]
    fn a_script_logs_then_exits_with_its_code() {
        let c = container("busybox:1.36", &["sh", "-c", "echo boom; exit 3"]);
        let spec = pod(&c);
        let mut runtime = runtime_with_sandbox(&spec);
        let started = start(&mut runtime, &spec, 2_000);
        assert!(
            matches!(started, Some(Report::Started { .. })),
            "{started:?}"
        );
        assert_eq!(
            runtime.wake(&pod_ref(), Some("c")),
            Some((SimTime(2_000), Report::Exited { code: 3 }))
        );
        let logs = runtime.logs(&pod_ref(), "c", false);
        assert_eq!(
            logs.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
            ["boom"]
        );
    }

    #[test]
    fn a_server_stops_at_once_and_a_script_at_the_deadline() {
        let server = container("nginx:1.25", &[]);
        let spec = pod(&server);
        let mut runtime = runtime_with_sandbox(&spec);
        assert!(matches!(
            start(&mut runtime, &spec, 1_000),
            Some(Report::Started { .. })
        ));
        runtime.stop_container(&pod_ref(), "c", SimTime(5_000), SimTime(35_000));
        assert_eq!(
            runtime.wake(&pod_ref(), Some("c")),
            Some((SimTime(5_000 + SERVER_STOP_MS), Report::Exited { code: 0 }))
        );

        let script = container("busybox:1.36", &["sleep", "3600"]);
        let spec = pod(&script);
        let mut runtime = runtime_with_sandbox(&spec);
        assert!(matches!(
            start(&mut runtime, &spec, 1_000),
            Some(Report::Started { .. })
        ));
        assert_eq!(
            runtime.wake(&pod_ref(), Some("c")),
            None,
            "the script sleeps"
        );
        runtime.stop_container(&pod_ref(), "c", SimTime(5_000), SimTime(35_000));
        assert_eq!(
            runtime.wake(&pod_ref(), Some("c")),
            Some((SimTime(35_000), Report::Exited { code: 137 }))
        );
    }

    #[test]
    fn a_missing_executable_fails_to_start() {
        let c = container("nginx:1.25", &["bash"]);
        let spec = pod(&c);
        let mut runtime = runtime_with_sandbox(&spec);
        let report = start(&mut runtime, &spec, 1_000);
        assert!(
            matches!(&report, Some(Report::StartFailed { message, .. }) if message.contains("executable file not found")),
            "{report:?}"
        );
    }

    #[test]
    fn removing_a_sandbox_forgets_the_pod_and_the_next_takes_the_next_address() {
        let c = container("nginx:1.25", &[]);
        let spec = pod(&c);
        let mut runtime = runtime_with_sandbox(&spec);
        let first = runtime.pods.values().next().and_then(|p| p.ip);
        runtime.remove_sandbox(&pod_ref());
        assert!(runtime.pods.is_empty());
        assert_eq!(runtime.due(&pod_ref(), None), None);
        runtime.run_sandbox(&pod_ref(), &spec, SimTime(10_000));
        let second = runtime.pods.values().next().and_then(|p| p.ip);
        assert_ne!(
            second, first,
            "host-local IPAM goes round, as a real node's does"
        );
    }
}

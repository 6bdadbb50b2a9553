//! The async half of [`DockerRuntime`](super::DockerRuntime): it receives the
//! kubelet's requests, talks to Docker through bollard, and sends back what
//! happened as [`News`].
//!
//! Pulls run on their own. Everything about one pod goes, in order, to a
//! task of that pod's, so a container is created only after its sandbox and
//! stopped only after it was created; that task does the quick work itself
//! (create, start) and hands the slow work (waiting for an exit, following
//! the logs, stopping with a grace period, probing) to tasks of their own.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bollard::errors::Error;
use bollard::models::{ContainerCreateBody, VolumeCreateRequest};
use bollard::query_parameters::{
    CreateContainerOptions, LogsOptions, RemoveContainerOptions, StopContainerOptions,
    WaitContainerOptions,
};
use bollard::Docker;
use sunaba_core::kubelet::runtime::{PodRef, ProbeKind, Report};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;
use tokio_stream::StreamExt;

use super::docker_reason;
use super::images::{self, ImageCache};
use super::logs::{LineSplitter, LogStore};
use super::probe::ProbeTask;
use super::reset::{self, is_not_found, Scope};
use super::spec::{self, ATTEMPT, CLUSTER, CONTAINER, POD_UID};

/// How long an exit report waits for the container's last log lines.
const LOG_DRAIN: Duration = Duration::from_secs(2);

/// What the kubelet asked, as the worker receives it.
#[derive(Debug)]
pub enum Request {
    /// Create the pod's volumes and its pause container, and start it.
    RunSandbox {
        /// The pod.
        pod: PodRef,
        /// The pause container.
        pause: Box<ContainerCreateBody>,
        /// The pod's `emptyDir` volumes.
        volumes: Vec<VolumeCreateRequest>,
    },
    /// Create and start a container.
    Start {
        /// The pod.
        pod: PodRef,
        /// The container's name in the spec.
        container: String,
        /// Which run.
        attempt: u32,
        /// What to create.
        body: Box<ContainerCreateBody>,
    },
    /// Stop a container: SIGTERM, then SIGKILL after the grace period.
    Stop {
        /// The pod.
        pod: PodRef,
        /// The container.
        container: String,
        /// Seconds between the two signals.
        grace_secs: i64,
    },
    /// Probe a container.
    Probe {
        /// The pod.
        pod: PodRef,
        /// The container.
        container: String,
        /// Which probe.
        kind: ProbeKind,
        /// What to do.
        task: ProbeTask,
    },
    /// Pull an image for a container.
    Pull {
        /// The pod.
        pod: PodRef,
        /// The container.
        container: String,
        /// The image, as written.
        image: String,
    },
    /// Remove everything of the pod.
    RemoveSandbox {
        /// The pod.
        pod: PodRef,
    },
    /// Take over a pod's running sandbox (after a restart).
    AdoptSandbox {
        /// The pod.
        pod: PodRef,
        /// Its IP.
        ip: Ipv4Addr,
    },
    /// Take over a running container (after a restart): follow its logs
    /// and watch for its exit.
    Adopt {
        /// The pod.
        pod: PodRef,
        /// The container's name in the spec.
        container: String,
        /// Which run it is.
        attempt: u32,
        /// Its Docker ID.
        id: String,
    },
    /// Remove the cluster's containers and volumes of every other pod.
    RemoveOrphans {
        /// The uids of the pods to keep.
        known: std::collections::BTreeSet<String>,
    },
}

impl Request {
    /// The pod it is about (none for orphans' removal).
    fn pod(&self) -> Option<&PodRef> {
        let pod = match self {
            Request::RunSandbox { pod, .. }
            | Request::Start { pod, .. }
            | Request::Stop { pod, .. }
            | Request::Probe { pod, .. }
            | Request::Pull { pod, .. }
            | Request::RemoveSandbox { pod }
            | Request::AdoptSandbox { pod, .. }
            | Request::Adopt { pod, .. } => pod,
            Request::RemoveOrphans { .. } => return None,
        };
        Some(pod)
    }
}

/// A report about a pod's sandbox (`container` None) or one of its containers.
#[derive(Debug)]
pub struct News {
    /// The pod.
    pub pod: PodRef,
    /// The container, or None for the sandbox.
    pub container: Option<String>,
    /// What happened.
    pub report: Report,
}

/// What every task of the worker shares.
#[derive(Clone, Debug)]
pub struct Context {
    /// The engine.
    pub docker: Docker,
    /// The cluster label's value.
    pub cluster: Arc<str>,
    /// The pods' network's ID.
    pub network: Arc<str>,
    /// Where reports go.
    pub news: UnboundedSender<News>,
    /// The engine's images.
    pub images: Arc<ImageCache>,
    /// The containers' logs.
    pub logs: Arc<LogStore>,
}

impl Context {
    fn report(&self, pod: &PodRef, container: Option<&str>, report: Report) {
        // The runtime is gone when this fails: nobody is listening any more.
        let _ = self.news.send(News {
            pod: pod.clone(),
            container: container.map(str::to_string),
            report,
        });
    }
}

/// A pod's task: where its requests go, and its end.
struct PodTask {
    requests: UnboundedSender<Request>,
    done: JoinHandle<()>,
}

/// Runs until the runtime is dropped: routes each request to its pod's task,
/// or runs a pull.
pub async fn run(ctx: Context, mut requests: UnboundedReceiver<Request>) {
    let mut pods: HashMap<String, PodTask> = HashMap::new();
    // Pods being removed: a sandbox created again under the same uid waits for it.
    let mut removing: HashMap<String, JoinHandle<()>> = HashMap::new();
    while let Some(request) = requests.recv().await {
        if let Request::RemoveOrphans { known } = request {
            tokio::spawn(remove_orphans(ctx.clone(), known));
            continue;
        }
        let uid = request.pod().map(|p| p.uid.clone()).unwrap_or_default();
        match request {
            Request::Pull {
                pod,
                container,
                image,
            } => {
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    let progress = |summary| {
                        ctx.report(&pod, Some(&container), Report::PullProgress(summary));
                    };
                    let pulled = images::pull(&ctx.docker, &ctx.images, &image, progress).await;
                    let report = match pulled {
                        Ok(pulled) => Report::Pulled {
                            took_ms: pulled.took_ms,
                            size: pulled.size,
                        },
                        Err(error) => Report::PullFailed { error },
                    };
                    ctx.report(&pod, Some(&container), report);
                });
            }
            Request::RunSandbox { .. } | Request::AdoptSandbox { .. } => {
                let task = pods.entry(uid.clone()).or_insert_with(|| {
                    let (sender, receiver) = unbounded_channel();
                    let before = removing.remove(&uid);
                    PodTask {
                        requests: sender,
                        done: tokio::spawn(run_pod(ctx.clone(), receiver, before)),
                    }
                });
                let _ = task.requests.send(request);
            }
            Request::RemoveSandbox { .. } => {
                removing.retain(|_, done| !done.is_finished());
                if let Some(task) = pods.remove(&uid) {
                    let _ = task.requests.send(request);
                    removing.insert(uid, task.done);
                } else {
                    // A pod whose sandbox was never asked for here (say, from
                    // before a restart): remove what its labels find.
                    let ctx = ctx.clone();
                    tokio::spawn(async move {
                        let scope = Scope::Pod {
                            cluster: &ctx.cluster,
                            uid: &uid,
                        };
                        let _ = reset::remove(&ctx.docker, scope).await;
                    });
                }
            }
            Request::Start { pod, container, .. } if !pods.contains_key(&uid) => {
                let message = "no sandbox for the pod".to_string();
                let report = Report::CreateFailed { message };
                ctx.report(&pod, Some(&container), report);
            }
            Request::Probe {
                pod,
                container,
                kind,
                ..
            } if !pods.contains_key(&uid) => {
                let outcome = Err("no sandbox for the pod".to_string());
                ctx.report(&pod, Some(&container), Report::Probed { kind, outcome });
            }
            request => {
                if let Some(task) = pods.get(&uid) {
                    let _ = task.requests.send(request);
                }
            }
        }
    }
}

/// What a pod's task knows.
struct PodState {
    ctx: Context,
    ip: Option<Ipv4Addr>,
    /// Each container's current Docker ID.
    containers: HashMap<String, String>,
    /// Which sandbox is the pod's now: each new one counts one up, so the
    /// watcher of one that was replaced stays quiet.
    sandbox: Arc<AtomicU32>,
}

/// A pod's task: its requests in order, until its removal.
async fn run_pod(
    ctx: Context,
    mut requests: UnboundedReceiver<Request>,
    before: Option<JoinHandle<()>>,
) {
    if let Some(before) = before {
        let _ = before.await;
    }
    let mut state = PodState {
        ctx,
        ip: None,
        containers: HashMap::new(),
        sandbox: Arc::new(AtomicU32::new(0)),
    };
    while let Some(request) = requests.recv().await {
        match request {
            Request::RunSandbox {
                pod,
                pause,
                volumes,
            } => {
                let report = match state.run_sandbox(&pod, *pause, volumes).await {
                    Ok(ip) => {
                        state.ip = Some(ip);
                        state.watch_sandbox(&pod);
                        Report::SandboxReady { ip }
                    }
                    Err(message) => Report::SandboxFailed { message },
                };
                state.ctx.report(&pod, None, report);
            }
            Request::Start {
                pod,
                container,
                attempt,
                body,
            } => state.start(&pod, &container, attempt, *body).await,
            Request::Stop {
                container,
                grace_secs,
                ..
            } => state.stop(&container, grace_secs),
            Request::Probe {
                pod,
                container,
                kind,
                task,
            } => state.probe(&pod, &container, kind, task),
            Request::RemoveSandbox { pod } => {
                let scope = Scope::Pod {
                    cluster: &state.ctx.cluster,
                    uid: &pod.uid,
                };
                let _ = reset::remove(&state.ctx.docker, scope).await;
                return;
            }
            Request::AdoptSandbox { pod, ip } => {
                state.ip = Some(ip);
                state.watch_sandbox(&pod);
            }
            Request::Adopt {
                pod,
                container,
                attempt,
                id,
            } => {
                state.containers.insert(container.clone(), id.clone());
                state.watch(&pod, &container, attempt, id);
            }
            Request::Pull { .. } | Request::RemoveOrphans { .. } => {}
        }
    }
}

impl PodState {
    /// Creates the volumes and the pause container, starts it, and returns its IP.
    async fn run_sandbox(
        &self,
        pod: &PodRef,
        pause: ContainerCreateBody,
        volumes: Vec<VolumeCreateRequest>,
    ) -> Result<Ipv4Addr, String> {
        let docker = &self.ctx.docker;
        let failed = |err: &Error| {
            let mut reason = docker_reason(err);
            if is_not_found(err) && reason.contains("image") {
                reason.push_str(" (build it with `cargo xtask images`)");
            }
            format!(
                "rpc error: code = Unknown desc = failed to create a sandbox for pod \"{}\": \
                 Error response from daemon: {reason}",
                pod.name
            )
        };
        for volume in volumes {
            docker.create_volume(volume).await.map_err(|e| failed(&e))?;
        }
        let name = spec::sandbox_name(pod);
        let options = CreateContainerOptions {
            name: Some(name.clone()),
            ..CreateContainerOptions::default()
        };
        match docker.create_container(Some(options), pause).await {
            Ok(_) => {}
            // Ours already (a sunaba restarted): adopt it.
            Err(err) if is_conflict(&err) && self.owns(&name, pod).await => {}
            Err(err) => return Err(failed(&err)),
        }
        match docker.start_container(&name, None).await {
            Ok(()) => {}
            Err(Error::DockerResponseServerError {
                status_code: 304, ..
            }) => {}
            Err(err) => return Err(failed(&err)),
        }
        let inspected = docker
            .inspect_container(&name, None)
            .await
            .map_err(|e| failed(&e))?;
        inspected
            .network_settings
            .and_then(|s| s.networks)
            .into_iter()
            .flat_map(HashMap::into_values)
            .find(|endpoint| endpoint.network_id.as_deref() == Some(&*self.ctx.network))
            .and_then(|endpoint| endpoint.ip_address)
            .and_then(|ip| ip.parse().ok())
            .ok_or_else(|| {
                format!(
                    "rpc error: code = Unknown desc = the sandbox of pod \"{}\" has no IP on network {}",
                    pod.name, self.ctx.network
                )
            })
    }

    /// Watches the pod's pause container: when it ends (killed, or the
    /// engine restarted) while it is still the pod's sandbox, the kubelet
    /// hears `SandboxDied` and asks for a new one.
    fn watch_sandbox(&self, pod: &PodRef) {
        let generation = self.sandbox.fetch_add(1, Ordering::SeqCst) + 1;
        let current = Arc::clone(&self.sandbox);
        let ctx = self.ctx.clone();
        let pod = pod.clone();
        let name = spec::sandbox_name(&pod);
        tokio::spawn(async move {
            // A pause container already gone has died too.
            let ended = match container_id(&ctx, &name).await {
                Some(id) => exit_code(&ctx, &id).await.is_some(),
                None => true,
            };
            if ended && current.load(Ordering::SeqCst) == generation {
                ctx.report(&pod, None, Report::SandboxDied);
            }
        });
    }

    /// Whether the container `name` carries this cluster's and pod's labels.
    async fn owns(&self, name: &str, pod: &PodRef) -> bool {
        let Ok(inspected) = self.ctx.docker.inspect_container(name, None).await else {
            return false;
        };
        let labels = inspected.config.and_then(|c| c.labels).unwrap_or_default();
        labels.get(CLUSTER).map(String::as_str) == Some(&*self.ctx.cluster)
            && labels.get(POD_UID) == Some(&pod.uid)
    }

    /// Creates and starts a container; reports `Started` or `StartFailed`,
    /// then follows its logs and reports `Exited` when it ends.
    async fn start(
        &mut self,
        pod: &PodRef,
        container: &str,
        attempt: u32,
        body: ContainerCreateBody,
    ) {
        let ctx = self.ctx.clone();
        let docker = &ctx.docker;
        self.remove_old_runs(pod, container, attempt).await;
        let name = spec::container_name(pod, container, attempt);
        let options = CreateContainerOptions {
            name: Some(name.clone()),
            ..CreateContainerOptions::default()
        };
        let mut created = docker
            .create_container(Some(options.clone()), body.clone())
            .await;
        if matches!(&created, Err(err) if is_conflict(err)) && self.owns(&name, pod).await {
            // A leftover of this very run (a sunaba restarted): start afresh.
            let _ = docker.remove_container(&name, Some(force())).await;
            created = docker.create_container(Some(options), body).await;
        }
        let id = match created {
            Ok(created) => created.id,
            Err(err) => {
                let report = Report::CreateFailed {
                    message: docker_reason(&err),
                };
                ctx.report(pod, Some(container), report);
                return;
            }
        };
        self.containers.insert(container.to_string(), id.clone());
        if let Err(err) = docker.start_container(&id, None).await {
            let report = Report::StartFailed {
                id,
                message: docker_reason(&err),
            };
            ctx.report(pod, Some(container), report);
            return;
        }
        ctx.report(pod, Some(container), Report::Started { id: id.clone() });
        self.watch(pod, container, attempt, id);
    }

    /// Follows a running container's logs, and reports `Exited` when it ends.
    fn watch(&self, pod: &PodRef, container: &str, attempt: u32, id: String) {
        let ctx = self.ctx.clone();
        let logs = tokio::spawn(follow_logs(
            ctx.clone(),
            pod.uid.clone(),
            container.to_string(),
            attempt,
            id.clone(),
        ));
        let pod = pod.clone();
        let container = container.to_string();
        tokio::spawn(async move {
            let Some(code) = exit_code(&ctx, &id).await else {
                return;
            };
            let _ = tokio::time::timeout(LOG_DRAIN, logs).await;
            ctx.report(&pod, Some(&container), Report::Exited { code });
        });
    }

    /// Removes this container's Docker containers older than the previous run
    /// (the kubelet keeps one dead container, for `--previous`).
    async fn remove_old_runs(&self, pod: &PodRef, container: &str, attempt: u32) {
        let scope = Scope::Pod {
            cluster: &self.ctx.cluster,
            uid: &pod.uid,
        };
        let Ok(found) = reset::containers(&self.ctx.docker, scope).await else {
            return;
        };
        for old in found {
            let labels = old.labels.unwrap_or_default();
            let run = labels.get(ATTEMPT).and_then(|a| a.parse::<u32>().ok());
            let same = labels.get(CONTAINER).map(String::as_str) == Some(container);
            if same && run.is_some_and(|run| run + 1 < attempt) {
                if let Some(id) = old.id {
                    let _ = self.ctx.docker.remove_container(&id, Some(force())).await;
                }
            }
        }
    }

    /// Stops a container in the background; its exit watcher reports `Exited`.
    fn stop(&self, container: &str, grace_secs: i64) {
        let Some(id) = self.containers.get(container).cloned() else {
            return;
        };
        let grace = i32::try_from(grace_secs).unwrap_or(i32::MAX);
        // The answer comes when the container is down: allow the grace period and some.
        let docker = self.ctx.docker.clone().with_timeout(Duration::from_secs(
            u64::try_from(grace_secs).unwrap_or(0) + 120,
        ));
        tokio::spawn(async move {
            let options = StopContainerOptions {
                t: Some(grace),
                signal: None,
            };
            // 304 (already stopped) and 404 (gone) are fine: the watcher reports.
            let _ = docker.stop_container(&id, Some(options)).await;
        });
    }

    /// Runs a probe in the background and reports `Probed`.
    fn probe(&self, pod: &PodRef, container: &str, kind: ProbeKind, task: ProbeTask) {
        let ctx = self.ctx.clone();
        let ip = self.ip;
        let id = self.containers.get(container).cloned();
        let pod = pod.clone();
        let container = container.to_string();
        tokio::spawn(async move {
            let outcome = match ip {
                Some(ip) => task.run(&ctx.docker, ip, id.as_deref()).await,
                None => Err("the pod has no IP yet".to_string()),
            };
            ctx.report(&pod, Some(&container), Report::Probed { kind, outcome });
        });
    }
}

/// Removes the cluster's pods whose uids are not `known`, and their volumes.
async fn remove_orphans(ctx: Context, known: std::collections::BTreeSet<String>) {
    let Ok(found) = reset::containers(&ctx.docker, Scope::Cluster(&ctx.cluster)).await else {
        return;
    };
    let orphans: std::collections::BTreeSet<String> = found
        .into_iter()
        .filter_map(|c| c.labels?.get(POD_UID).cloned())
        .filter(|uid| !known.contains(uid))
        .collect();
    for uid in orphans {
        let scope = Scope::Pod {
            cluster: &ctx.cluster,
            uid: &uid,
        };
        let _ = reset::remove(&ctx.docker, scope).await;
    }
}

fn force() -> RemoveContainerOptions {
    RemoveContainerOptions {
        force: true,
        ..RemoveContainerOptions::default()
    }
}

fn is_conflict(err: &Error) -> bool {
    matches!(
        err,
        Error::DockerResponseServerError {
            status_code: 409,
            ..
        }
    )
}

/// The ID of the container called `name` (asking again while the engine
/// does not answer); None when there is none, or the runtime is gone.
async fn container_id(ctx: &Context, name: &str) -> Option<String> {
    loop {
        if ctx.news.is_closed() {
            return None;
        }
        match ctx.docker.inspect_container(name, None).await {
            Ok(inspected) => return inspected.id,
            Err(err) if is_not_found(&err) => return None,
            Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
        }
    }
}

/// Waits for the container to end and returns its exit code. A lost
/// connection (dockerd restarting) falls back to asking again; a container
/// that vanished counts as killed (137). None once the runtime is gone.
async fn exit_code(ctx: &Context, id: &str) -> Option<i32> {
    let to_i32 = |code: i64| i32::try_from(code).unwrap_or(i32::MAX);
    loop {
        if ctx.news.is_closed() {
            return None;
        }
        let options = WaitContainerOptions {
            condition: "not-running".into(),
        };
        let waited = ctx.docker.wait_container(id, Some(options)).next().await;
        match waited {
            Some(Ok(response)) => return Some(to_i32(response.status_code)),
            Some(Err(Error::DockerContainerWaitError { code, .. })) => return Some(to_i32(code)),
            Some(Err(err)) if is_not_found(&err) => return Some(137),
            _ => {}
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        match ctx.docker.inspect_container(id, None).await {
            Ok(inspected) => {
                let state = inspected.state.unwrap_or_default();
                if state.running != Some(true) {
                    return Some(to_i32(state.exit_code.unwrap_or(137)));
                }
            }
            Err(err) if is_not_found(&err) => return Some(137),
            Err(_) => {}
        }
    }
}

/// Follows a container's output (`docker logs --follow --timestamps`) into the log store.
async fn follow_logs(ctx: Context, uid: String, container: String, attempt: u32, id: String) {
    let options = LogsOptions {
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        ..LogsOptions::default()
    };
    let mut stream = ctx.docker.logs(&id, Some(options));
    let mut splitter = LineSplitter::default();
    while let Some(Ok(frame)) = stream.next().await {
        let lines = splitter.push(&frame.into_bytes());
        ctx.logs.append(&uid, &container, attempt, lines);
    }
    ctx.logs.append(
        &uid,
        &container,
        attempt,
        splitter.finish().into_iter().collect(),
    );
}

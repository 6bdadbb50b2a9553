//! The Docker backend's figures, each against plain `docker run` of the
//! same containers in the same run, through the `docker` bench of
//! `sunaba-tests` (`tests/benches/docker.rs`): apply → Ready for the seed's
//! two-container pod, the seed's 3-replica Deployment → all Ready, and a
//! rollout of it; and `podman kube play` of the same pod, with podman
//! installed for it when missing ([`tools::ensure_podman`]), or why not.
//!
//! The bench starts `sunaba serve --backend docker --ephemeral
//! --cluster-name NAME` and drives it with the real kubectl; its own
//! containers and network are named `sunaba-bench-NAME…` and labelled
//! `io.sunaba.bench=NAME`. It removes all of that itself; [`measure`]
//! removes it again afterwards by the same labels and names, in case the
//! program was killed at its deadline. Without a Docker engine, the demo
//! images or kubectl, the figures say why instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::report::{Row, Section, Unit};
use super::samples::{self, Samples};
use super::{program_limit, Plan};
use crate::{cmd, tools};

/// The images the seed's pod needs, as `cargo xtask images --as-seed` tags them.
const IMAGES: [&str; 3] = [
    "sunaba/pause:latest",
    "gihyodocker/nginx:latest",
    "gihyodocker/echo:latest",
];

/// The goal: a pod through sunaba takes at most this many times
/// the plain `docker run` of its containers.
const POD_RATIO_BUDGET: f64 = 1.5;

/// How the bench program's note says why podman failed.
const PODMAN_WHY: &str = "podman-why:";

/// Runs the Docker benchmark, or says why it cannot run here.
pub fn measure(
    plan: &Plan,
    tests: &[PathBuf],
    sunaba: &Path,
    kubectl: Option<&Path>,
    samples: &mut Samples,
) -> Section {
    eprintln!("xtask: bench: the Docker backend against docker run");
    let engine = engine_version();
    match ready_to_run(engine.as_deref(), tests, kubectl) {
        Ok((program, kubectl)) => {
            let name = run_name();
            let podman = tools::ensure_podman();
            let mut command = Command::new(program);
            command
                .arg("--sunaba")
                .arg(sunaba)
                .arg("--kubectl")
                .arg(kubectl)
                .args(["--name", &name])
                .args(["--runs", &plan.runs.to_string()]);
            match &podman {
                Ok(path) => {
                    command.arg("--podman").arg(path);
                }
                Err(why) => samples
                    .missing
                    .push(("docker-pod/podman".into(), format!("not measured: {why}"))),
            }
            samples::measure(
                samples,
                &mut command,
                program_limit(plan.limit(480)),
                "docker-",
            );
            clean_up(&name, podman.ok().as_deref());
        }
        Err(why) => samples.missing.push(("docker-".into(), why)),
    }
    section(samples, engine.as_deref())
}

/// The engine's version, when one answers the `docker` CLI.
fn engine_version() -> Option<String> {
    cmd::output(Command::new("docker").args(["version", "--format", "{{.Server.Version}}"]))
        .map(|v| v.trim().to_string())
}

/// The bench program and kubectl, or why the figures cannot be measured.
fn ready_to_run<'k>(
    engine: Option<&str>,
    tests: &[PathBuf],
    kubectl: Option<&'k Path>,
) -> Result<(PathBuf, &'k Path), String> {
    if engine.is_none() {
        return Err("not measured: no Docker engine answers on this machine \
                    (start one; as root: `dockerd &`)"
            .into());
    }
    let missing: Vec<&str> = IMAGES
        .into_iter()
        .filter(|image| {
            cmd::output(Command::new("docker").args(["image", "inspect", image])).is_none()
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "not measured: the demo images {} are missing (`cargo xtask images --as-seed`)",
            missing.join(", ")
        ));
    }
    let kubectl =
        kubectl.ok_or("not measured: no kubectl here (install kubectl 1.32)".to_string())?;
    let program =
        samples::executable(tests, "docker").map_err(|why| format!("not measured: {why}"))?;
    Ok((program, kubectl))
}

/// A cluster name of this run's own: `xtask-<pid>-<seconds>`.
fn run_name() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("xtask-{}-{seconds}", std::process::id())
}

/// Removes what the run `name` may have left: sunaba's containers and
/// volumes of cluster `name`, the bench's own containers and network, and
/// their directories, and its podman pod. Quiet: normally the program has
/// removed them all.
fn clean_up(name: &str, podman: Option<&Path>) {
    if let Some(podman) = podman {
        let pod = format!("sunaba-bench-{name}");
        if cmd::output(Command::new(podman).args(["pod", "exists", &pod])).is_some() {
            eprintln!("xtask: bench: removing the podman pod {pod}");
            cmd::output(Command::new(podman).args(["pod", "rm", "-f", &pod]));
        }
    }
    let docker = |args: &[&str]| cmd::output(Command::new("docker").args(args)).unwrap_or_default();
    for filter in [
        format!("label=io.sunaba.cluster={name}"),
        format!("label=io.sunaba.bench={name}"),
    ] {
        let ids = docker(&["ps", "-aq", "--filter", &filter]);
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if !ids.is_empty() {
            eprintln!(
                "xtask: bench: removing {} containers left by {name}",
                ids.len()
            );
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids);
            docker(&args);
        }
    }
    let volumes = docker(&[
        "volume",
        "ls",
        "-q",
        "--filter",
        &format!("label=io.sunaba.cluster={name}"),
    ]);
    for volume in volumes.split_whitespace() {
        docker(&["volume", "rm", "-f", volume]);
    }
    let network = format!("sunaba-bench-{name}");
    if !docker(&[
        "network",
        "ls",
        "-q",
        "--filter",
        &format!("name=^{network}$"),
    ])
    .trim()
    .is_empty()
    {
        docker(&["network", "rm", &network]);
    }
    let tmp = std::env::temp_dir();
    let _ = std::fs::remove_dir_all(tmp.join(format!("sunaba-bench-docker-{name}")));
    let _ = std::fs::remove_dir_all(tmp.join(format!("sunaba-{name}")));
}

fn section(samples: &Samples, engine: Option<&str>) -> Section {
    let row = |id: &str, label: &str, unit: Unit| {
        Row::new(label, unit, samples.get(id), samples.why_missing(id))
    };
    // The program's word on podman, when it failed there.
    let podman_failed = samples
        .notes_for("docker")
        .into_iter()
        .find_map(|n| n.strip_prefix(PODMAN_WHY))
        .map(|why| format!("not measured: {}", why.trim()));
    let podman_row = |id: &str, label: &str, unit: Unit| {
        let why = samples.why_missing(id).or(podman_failed.as_deref());
        Row::new(label, unit, samples.get(id), why)
    };
    let rows = vec![
        row(
            "docker-pod/sunaba",
            "The seed's two-container pod through sunaba: `kubectl apply` → Ready",
            Unit::Ms,
        ),
        row(
            "docker-pod/apply",
            "… of which the `kubectl apply` process",
            Unit::Ms,
        ),
        row(
            "docker-pod/docker-run",
            "The same containers with `docker run`: pause, then nginx and echo in its network",
            Unit::Ms,
        ),
        row(
            "docker-pod/ratio",
            "Pod: sunaba against `docker run` (run by run)",
            Unit::Ratio,
        )
        .at_most(POD_RATIO_BUDGET)
        .limit(
            "the pod's way through the cluster before any container starts: the `kubectl \
             apply` process (its row above), the API server, the scheduler's binding and the \
             kubelet's sync in the cluster thread's rounds; then the runtime's engine calls, \
             the kubelet seeing the containers started, the Ready condition written, and the \
             20 ms poll that reads it",
        ),
        row(
            "docker-deployment/sunaba",
            "The seed's 3-replica Deployment through sunaba: `kubectl apply` → 3 pods Ready",
            Unit::Ms,
        ),
        row(
            "docker-deployment/docker-run",
            "The same 3 pods with `docker run`, one thread per pod",
            Unit::Ms,
        ),
        row(
            "docker-deployment/ratio",
            "Deployment: sunaba against `docker run` (run by run)",
            Unit::Ratio,
        ),
        row(
            "docker-rollout/sunaba",
            "A rollout of it (echo's `MESSAGE` changed) through sunaba: `kubectl apply` → \
             rolled out and the old containers removed",
            Unit::Ms,
        ),
        row(
            "docker-rollout/docker-run",
            "The same replacement with `docker run`, one pod at a time",
            Unit::Ms,
        ),
        row(
            "docker-rollout/ratio",
            "Rollout: sunaba against `docker run` (run by run)",
            Unit::Ratio,
        ),
        podman_row(
            "docker-pod/podman",
            "The same pod with `podman --runtime runc kube play` → its containers running",
            Unit::Ms,
        ),
        podman_row(
            "docker-pod/podman-ratio",
            "Pod: sunaba against `podman kube play` (run by run)",
            Unit::Ratio,
        ),
    ];
    let mut notes = vec![
        match engine {
            Some(version) => format!("A Docker engine ({version}) answers on this machine."),
            None => "No Docker engine answers on this machine.".to_string(),
        },
        "Sunaba: `target/release/sunaba serve --backend docker --ephemeral --cluster-name \
         xtask-…` on a free loopback port, driven by the real kubectl with its discovery and \
         OpenAPI caches warmed by one untimed round (and the server and engine likewise). The \
         clock starts as `kubectl apply -f` starts, and stops at the first answer of the API \
         (polled every 20 ms over plain HTTP) that shows the pod Ready, or all 3 Ready; for \
         the rollout, that passes `kubectl rollout status`'s test (observedGeneration, \
         updated, total and available replicas) and in which the engine (asked on its socket \
         at the same pace) has no container of the old pods left, running or stopped."
            .to_string(),
        "`docker run`: the way sunaba makes a pod, with the `docker` CLI on a bridge network \
         of the bench's own, created before the runs: `docker run -d` of `sunaba/pause` \
         (hostname, cluster DNS search path and `ndots:5`, shareable IPC), then of nginx \
         (`BACKEND_HOST=localhost:8080`) and echo with `--network` and `--ipc` \
         `container:<pause>` and the pod's grace period as `--stop-timeout`; the clock stops \
         when the last `docker run -d` returns (its container started, as an untimed `docker \
         inspect` then confirms). The Deployment's 3 pods run on 3 threads, as sunaba's \
         runtime has a task per pod. The rollout replaces one pod at a time, as the rolling \
         update (maxSurge 1, maxUnavailable 0) does: the new pod's `docker run`s, then the \
         old pod's `docker stop` and `docker rm` in the background while the next new pod \
         starts; the clock stops when all are done."
            .to_string(),
        "Each ratio is taken run by run (sunaba's run and the `docker run` right after it), so \
         that a busy moment of the shared machine weighs on both sides; its median and spread \
         are those of the per-run ratios."
            .to_string(),
        "The demo echo and nginx programs end at once on SIGTERM (as PID 1 they handle it \
         themselves), so an old pod stops in milliseconds, not its 2 s grace period, on both \
         sides."
            .to_string(),
        format!(
            "The goal of {POD_RATIO_BUDGET}× speaks of one pod; the Deployment and the rollout \
             have no budget."
        ),
    ];
    notes.push(
        "`podman kube play`: Debian's podman with `--runtime runc` (crun fails on this \
         machine's hybrid cgroups) and `default_ulimits = []` in \
         `/etc/containers/containers.conf`, the demo images copied in once from the engine \
         (`docker save` → `podman load`, untimed, removed again at the end) and named as \
         podman names them. The clock starts as `podman kube play` starts and stops at the \
         first `podman pod inspect` (every 20 ms) that shows the infra container, nginx and \
         echo running; `podman pod rm -f` follows, untimed. It runs right after each pair \
         of sunaba and `docker run`, one untimed round first (which builds podman's infra \
         image); its ratio is sunaba's run over the podman run of the same round."
            .to_string(),
    );
    notes.extend(
        samples
            .notes_for("docker")
            .into_iter()
            // The podman failure is its rows' reason, unless some runs came first.
            .filter(|n| !n.starts_with(PODMAN_WHY) || !samples.get("docker-pod/podman").is_empty())
            .map(|n| format!("Measured: {n}.")),
    );
    Section {
        title: "Docker backend".into(),
        about: "`sunaba serve --backend docker` (issue 7) against plain `docker run` of the \
                same containers on the same engine, side by side in one run, driven by \
                `tests/benches/docker.rs` with the demo images of `cargo xtask images \
                --as-seed` (`imagePullPolicy: IfNotPresent`; nothing is pulled)."
            .into(),
        rows,
        notes,
    }
}

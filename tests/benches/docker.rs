//! The Docker backend against plain `docker run` of the same containers,
//! side by side in one run, for `cargo xtask bench`:
//!
//! - the seed's two-container pod (nginx proxying to echo over localhost):
//!   `kubectl apply` → the pod's Ready condition, against a pause container
//!   on a bridge network and then nginx and echo in its namespaces;
//! - the seed's 3-replica Deployment → all 3 pods Ready, against the same
//!   `docker run`s for 3 pods (one thread per pod, as sunaba's worker has a
//!   task per pod);
//! - a rollout of it (a changed env var) → `rollout status` done and the old
//!   pods' containers removed, against replacing the pods' containers with
//!   `docker run` one pod at a time, as the rolling update does;
//! - with `--podman PATH`, the same two-container pod by `podman --runtime
//!   runc kube play` too, paired with each sunaba run: the demo images are
//!   copied into podman once (`docker save` → `podman load`, untimed) and
//!   removed again at the end, and the clock stops when the pod's
//!   containers all run. When podman fails, a `note docker podman-why:
//!   WHY` line says why, and the other figures carry on.
//!
//! ```text
//! cargo bench -p sunaba-tests --bench docker -- --sunaba PATH --kubectl PATH --name NAME [--runs K] [--podman PATH]
//! ```
//!
//! It starts `PATH serve --backend docker --ephemeral --cluster-name NAME`
//! on a free loopback port and drives it with the real kubectl; its own
//! containers are named `sunaba-bench-NAME-…`, labelled `io.sunaba.bench=NAME`,
//! on a bridge network `sunaba-bench-NAME`. Everything it created (sunaba's
//! containers by their `io.sunaba.cluster=NAME` label, its own by theirs, the
//! network) is removed at the end, after a failure too; xtask removes the
//! same by name again after the program, in case it was killed. Each
//! measurement is one stdout line, `sample ID UNIT VALUE`.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sunaba_tests::manifests::{
    seed_deployment, DEPLOYMENT_GRACE, REPLICAS, SEED_POD, SEED_POD_GRACE,
};

/// How often the API (and the engine) is asked whether a run is done.
const POLL: Duration = Duration::from_millis(20);
/// The pause image sunaba uses (`DockerConfig::default().pause_image`).
const PAUSE_IMAGE: &str = "sunaba/pause:latest";
/// The seed's proxy, as `cargo xtask images --as-seed` tags it.
const NGINX_IMAGE: &str = "gihyodocker/nginx:latest";
/// The seed's echo server, likewise.
const ECHO_IMAGE: &str = "gihyodocker/echo:latest";
/// The label on this program's own containers and network.
const BENCH_LABEL: &str = "io.sunaba.bench";
/// The label sunaba puts on everything a cluster creates.
const CLUSTER_LABEL: &str = "io.sunaba.cluster";
/// The label naming the pod a container of sunaba's belongs to, by uid.
const POD_UID_LABEL: &str = "io.sunaba.pod-uid";

struct Settings {
    sunaba: PathBuf,
    kubectl: PathBuf,
    name: String,
    runs: usize,
    podman: Option<PathBuf>,
}

fn main() {
    let Some(settings) = settings() else {
        // `cargo test --benches` runs bench targets without arguments: nothing to do.
        return;
    };
    assert!(
        sunaba_tests::docker::engine_answers_ping(),
        "no Docker engine answers at {}",
        sunaba_tests::docker::socket_path().display()
    );
    for image in [PAUSE_IMAGE, NGINX_IMAGE, ECHO_IMAGE] {
        let (status, _) = engine_get(&format!("/images/{image}/json"))
            .unwrap_or_else(|err| panic!("the Docker engine does not answer: {err}"));
        assert_eq!(
            status, 200,
            "the image {image} is missing: run `cargo xtask images --as-seed`"
        );
    }
    let mut bench = Bench::new(settings);
    bench.warm_up();
    for run in 0..bench.settings.runs {
        bench.pod_figure(run);
    }
    for run in 0..bench.settings.runs {
        bench.deployment_and_rollout_figures(run);
    }
}

fn settings() -> Option<Settings> {
    let mut sunaba = None;
    let mut kubectl = None;
    let mut name = None;
    let mut runs = 5;
    let mut podman = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sunaba" => sunaba = args.next().map(PathBuf::from),
            "--kubectl" => kubectl = args.next().map(PathBuf::from),
            "--name" => name = args.next(),
            "--podman" => podman = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            _ => {}
        }
    }
    Some(Settings {
        sunaba: sunaba?,
        kubectl: kubectl?,
        name: name?,
        runs,
        podman,
    })
}

fn sample(id: &str, unit: &str, value: f64) {
    println!("sample {id} {unit} {value}");
}

fn note(text: &str) {
    println!("note docker {text}");
}

fn millis(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}

/// Polls `done` every [`POLL`] until it holds; panics after `limit`,
/// first telling xtask which figure timed out.
fn poll_until(id: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    loop {
        if done() {
            return;
        }
        if start.elapsed() > limit {
            println!("timeout {id} {}", limit.as_secs());
            panic!("{id}: not done within {} s", limit.as_secs());
        }
        std::thread::sleep(POLL);
    }
}

/// The run: the server, the scratch directory, the docker side's network,
/// and the clean-up of all of it on drop.
struct Bench {
    settings: Settings,
    dir: PathBuf,
    network: String,
    sunaba: Option<Sunaba>,
    /// podman, while it works.
    podman: Option<Podman>,
}

impl Bench {
    fn new(settings: Settings) -> Self {
        let dir = std::env::temp_dir().join(format!("sunaba-bench-docker-{}", settings.name));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let network = format!("sunaba-bench-{}", settings.name);
        let mut bench = Self {
            dir,
            network,
            sunaba: None,
            podman: None,
            settings,
        };
        // Before anything is timed, as sunaba's own network exists before its pods.
        docker(&[
            "network",
            "create",
            "--label",
            &bench.bench_label(),
            &bench.network,
        ]);
        bench.sunaba = Some(Sunaba::start(&bench.settings, &bench.dir));
        if let Some(path) = &bench.settings.podman {
            match Podman::new(path, &bench.dir, &bench.settings.name) {
                Ok(podman) => bench.podman = Some(podman),
                Err(why) => podman_why(&why),
            }
        }
        bench
    }

    fn bench_label(&self) -> String {
        format!("{BENCH_LABEL}={}", self.settings.name)
    }

    fn sunaba(&self) -> &Sunaba {
        self.sunaba.as_ref().expect("sunaba serve runs")
    }

    /// One untimed round of each side: kubectl's discovery and OpenAPI
    /// caches, the engine's image and network state, the server's code.
    fn warm_up(&mut self) {
        let sunaba = self.sunaba();
        let start = Instant::now();
        sunaba.apply("pod.yaml", SEED_POD);
        poll_until("docker-pod/sunaba", Duration::from_secs(60), || {
            sunaba.pod_ready("simple-echo")
        });
        note(&format!(
            "warm-up: the first apply → Ready took {:.0} ms",
            millis(start.elapsed())
        ));
        sunaba.delete_pod_and_wait("simple-echo");
        let names = self.docker_run_pod("warm", "simple-echo", SEED_POD_GRACE, None);
        remove(&names);
        // podman's first play also builds its infra image.
        self.podman_play("warm-up");
    }

    /// One `podman kube play` of the seed's pod, then its removal
    /// (untimed); its time, or None when podman failed (then said why,
    /// and is not asked again).
    fn podman_play(&mut self, run: &str) -> Option<Duration> {
        let played = self.podman.as_ref()?.play();
        match played {
            Ok(time) => Some(time),
            Err(why) => {
                podman_why(&format!("{run}: {why}"));
                self.podman = None;
                None
            }
        }
    }

    /// The seed's pod: sunaba (apply → Ready), then `docker run`.
    fn pod_figure(&mut self, run: usize) {
        let sunaba = self.sunaba();
        let start = Instant::now();
        let apply = sunaba.apply("pod.yaml", SEED_POD);
        poll_until("docker-pod/sunaba", Duration::from_secs(60), || {
            sunaba.pod_ready("simple-echo")
        });
        let through_sunaba = start.elapsed();
        sunaba.delete_pod_and_wait("simple-echo");

        let start = Instant::now();
        let names = self.docker_run_pod(&format!("pod{run}"), "simple-echo", SEED_POD_GRACE, None);
        let plain = start.elapsed();
        assert_running(&names);
        remove(&names);

        if let Some(podman) = self.podman_play(&format!("run {run}")) {
            sample("docker-pod/podman", "ms", millis(podman));
            sample(
                "docker-pod/podman-ratio",
                "ratio",
                through_sunaba.as_secs_f64() / podman.as_secs_f64(),
            );
        }
        sample("docker-pod/sunaba", "ms", millis(through_sunaba));
        sample("docker-pod/apply", "ms", millis(apply));
        sample("docker-pod/docker-run", "ms", millis(plain));
        sample(
            "docker-pod/ratio",
            "ratio",
            through_sunaba.as_secs_f64() / plain.as_secs_f64(),
        );
    }

    /// The seed's Deployment → all Ready, then a rollout of it; each
    /// through sunaba, then with `docker run`.
    fn deployment_and_rollout_figures(&self, run: usize) {
        let sunaba = self.sunaba();
        let start = Instant::now();
        sunaba.apply("deployment.yaml", &seed_deployment("first"));
        let mut old = Vec::new();
        poll_until("docker-deployment/sunaba", Duration::from_secs(120), || {
            old = sunaba.ready_pod_uids("app=echo");
            old.len() == REPLICAS
        });
        let deployed = start.elapsed();

        let start = Instant::now();
        sunaba.apply("deployment.yaml", &seed_deployment("second"));
        poll_until("docker-rollout/sunaba", Duration::from_secs(180), || {
            sunaba.rollout_done("echo") && !sunaba.runs_containers_of(&old)
        });
        let rolled_out = start.elapsed();
        // kubectl agrees (untimed).
        let status = sunaba.kubectl(&["rollout", "status", "deployment/echo", "--timeout=10s"]);
        assert!(
            status.contains("successfully rolled out"),
            "kubectl rollout status: {status}"
        );
        sunaba.delete_deployment_and_wait("echo");

        let prefix = |generation: &str, pod: usize| format!("dep{run}-{generation}-{pod}");
        let start = Instant::now();
        let first: Vec<Vec<String>> = std::thread::scope(|scope| {
            let pods: Vec<_> = (0..REPLICAS)
                .map(|pod| {
                    let prefix = prefix("first", pod);
                    scope.spawn(move || {
                        self.docker_run_pod(&prefix, "echo", DEPLOYMENT_GRACE, Some("first"))
                    })
                })
                .collect();
            pods.into_iter()
                .map(|pod| pod.join().expect("a pod's docker runs"))
                .collect()
        });
        let plain_deployed = start.elapsed();
        first.iter().for_each(|names| assert_running(names));

        let start = Instant::now();
        let second: Vec<Vec<String>> = std::thread::scope(|scope| {
            let mut stopping = Vec::new();
            let mut second = Vec::new();
            for (pod, old) in first.iter().enumerate() {
                second.push(self.docker_run_pod(
                    &prefix("second", pod),
                    "echo",
                    DEPLOYMENT_GRACE,
                    Some("second"),
                ));
                // The old pod goes while the next new one starts, as the
                // Deployment controller scales the old ReplicaSet down.
                stopping.push(scope.spawn(move || stop_and_remove(old)));
            }
            for stop in stopping {
                stop.join().expect("an old pod's removal");
            }
            second
        });
        let plain_rolled_out = start.elapsed();
        second.iter().for_each(|names| assert_running(names));
        second.iter().for_each(|names| remove(names));

        sample("docker-deployment/sunaba", "ms", millis(deployed));
        sample("docker-deployment/docker-run", "ms", millis(plain_deployed));
        sample(
            "docker-deployment/ratio",
            "ratio",
            deployed.as_secs_f64() / plain_deployed.as_secs_f64(),
        );
        sample("docker-rollout/sunaba", "ms", millis(rolled_out));
        sample("docker-rollout/docker-run", "ms", millis(plain_rolled_out));
        sample(
            "docker-rollout/ratio",
            "ratio",
            rolled_out.as_secs_f64() / plain_rolled_out.as_secs_f64(),
        );
    }

    /// A pod the way sunaba makes it, with the `docker` CLI: a pause
    /// container on the bridge network (hostname the pod's, the resolver
    /// of `dnsPolicy: ClusterFirst`, its IPC namespace shareable), then
    /// nginx and echo in its network and IPC namespaces, each with the
    /// grace period as its stop timeout. Returns the containers' names,
    /// the pause container's last; each `docker run -d` returns once its
    /// container has started.
    fn docker_run_pod(
        &self,
        id: &str,
        hostname: &str,
        grace: u32,
        message: Option<&str>,
    ) -> Vec<String> {
        let prefix = format!("sunaba-bench-{}-{id}", self.settings.name);
        let label = self.bench_label();
        let pause = format!("{prefix}-pause");
        docker(&[
            "run",
            "-d",
            "--name",
            &pause,
            "--label",
            &label,
            "--network",
            &self.network,
            "--hostname",
            hostname,
            "--ipc",
            "shareable",
            "--dns-search",
            "default.svc.cluster.local",
            "--dns-search",
            "svc.cluster.local",
            "--dns-search",
            "cluster.local",
            "--dns-option",
            "ndots:5",
            PAUSE_IMAGE,
        ]);
        let namespace = format!("container:{pause}");
        let grace = grace.to_string();
        let mut names = Vec::new();
        for (container, image, env) in [
            (
                "nginx",
                NGINX_IMAGE,
                "BACKEND_HOST=localhost:8080".to_string(),
            ),
            (
                "echo",
                ECHO_IMAGE,
                message.map_or_else(String::new, |m| format!("MESSAGE={m}")),
            ),
        ] {
            let name = format!("{prefix}-{container}");
            let mut args = vec![
                "run",
                "-d",
                "--name",
                &name,
                "--label",
                &label,
                "--network",
                &namespace,
                "--ipc",
                &namespace,
                "--stop-timeout",
                &grace,
            ];
            if !env.is_empty() {
                args.extend(["-e", env.as_str()]);
            }
            args.push(image);
            docker(&args);
            names.push(name);
        }
        names.push(pause);
        names
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        // SIGKILL: the server leaves its containers, removed below by label.
        drop(self.sunaba.take());
        drop(self.podman.take());
        clean_up(&self.settings.name);
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_dir_all(
            std::env::temp_dir().join(format!("sunaba-{}", self.settings.name)),
        );
    }
}

/// Removes every container of cluster `name` and of this program's run
/// `name`, the cluster's volumes, and the run's network.
fn clean_up(name: &str) {
    for filter in [
        format!("label={CLUSTER_LABEL}={name}"),
        format!("label={BENCH_LABEL}={name}"),
    ] {
        let ids = docker_quiet(&["ps", "-aq", "--filter", &filter]);
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f", "-v"];
            args.extend(ids);
            docker_quiet(&args);
        }
    }
    let filter = format!("label={CLUSTER_LABEL}={name}");
    let volumes = docker_quiet(&["volume", "ls", "-q", "--filter", &filter]);
    for volume in volumes.split_whitespace() {
        docker_quiet(&["volume", "rm", "-f", volume]);
    }
    docker_quiet(&["network", "rm", &format!("sunaba-bench-{name}")]);
    let networks = docker_quiet(&["network", "ls", "-q", "--filter", &filter]);
    for network in networks.split_whitespace() {
        docker_quiet(&["network", "rm", network]);
    }
}

/// Tells xtask why the podman figures are missing.
fn podman_why(why: &str) {
    let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("podman: {why}");
    note(&format!("podman-why: {why}"));
}

/// podman with the demo images copied in, for `podman kube play` of the
/// seed's pod (named `sunaba-bench-NAME`); on drop, the pod and the images
/// this run added to podman (the loaded ones, the infra image it built)
/// are removed.
struct Podman {
    path: PathBuf,
    /// The manifest: the seed's pod with podman's names of the images.
    file: PathBuf,
    pod: String,
    /// podman's images before this run.
    images_before: Vec<String>,
}

impl Podman {
    fn new(path: &Path, dir: &Path, name: &str) -> Result<Self, String> {
        let mut podman = Self {
            path: path.to_path_buf(),
            file: dir.join("podman-pod.yaml"),
            pod: format!("sunaba-bench-{name}"),
            images_before: Vec::new(),
        };
        podman.images_before = podman.images()?;
        let mut manifest = SEED_POD.replace("name: simple-echo", &format!("name: {}", podman.pod));
        for image in [NGINX_IMAGE, ECHO_IMAGE] {
            let archive = dir.join("image.tar");
            let archive_text = archive.to_string_lossy().into_owned();
            docker(&["save", image, "-o", &archive_text]);
            let loaded = podman.run(&["load", "-q", "-i", &archive_text]);
            let _ = std::fs::remove_file(&archive);
            // "Loaded image: localhost/IMG" (or "Loaded image(s): …").
            let loaded = loaded?;
            let name = loaded
                .lines()
                .find_map(|l| l.split_once(": ").map(|(_, n)| n.trim().to_string()))
                .ok_or_else(|| format!("`podman load` of {image} said: {}", loaded.trim()))?;
            manifest = manifest.replace(&format!("image: {image}"), &format!("image: {name}"));
        }
        std::fs::write(&podman.file, manifest).map_err(|err| err.to_string())?;
        Ok(podman)
    }

    /// Runs podman (with runc: crun fails on this machine's hybrid
    /// cgroups); its stdout, or its stderr as the error.
    fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(&self.path)
            .args(["--runtime", "runc"])
            .args(args)
            .output()
            .map_err(|err| format!("cannot run {}: {err}", self.path.display()))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!(
                "`podman {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    fn images(&self) -> Result<Vec<String>, String> {
        Ok(self
            .run(&["images", "-q", "--no-trunc"])?
            .split_whitespace()
            .map(str::to_string)
            .collect())
    }

    /// `podman kube play` of the pod, timed from the command's start until
    /// its containers all run (asked every [`POLL`]); then the pod's
    /// removal, untimed.
    fn play(&self) -> Result<Duration, String> {
        let file = self.file.to_string_lossy().into_owned();
        let start = Instant::now();
        let played = self.run(&["kube", "play", &file]).and_then(|_| {
            loop {
                // The infra container and nginx and echo.
                let states = self.run(&[
                    "pod",
                    "inspect",
                    &self.pod,
                    "--format",
                    "{{range .Containers}}{{.State}} {{end}}",
                ])?;
                let states: Vec<&str> = states.split_whitespace().collect();
                if states.len() == 3 && states.iter().all(|s| *s == "running") {
                    return Ok(start.elapsed());
                }
                if start.elapsed() > Duration::from_secs(60) {
                    return Err(format!("the pod did not run within 60 s: {states:?}"));
                }
                std::thread::sleep(POLL);
            }
        });
        let removed = self.run(&["pod", "rm", "-f", &self.pod]);
        let time = played?;
        removed?;
        Ok(time)
    }
}

impl Drop for Podman {
    fn drop(&mut self) {
        let _ = self.run(&["pod", "rm", "-f", &self.pod]);
        let added: Vec<String> = self
            .images()
            .unwrap_or_default()
            .into_iter()
            .filter(|id| !self.images_before.contains(id))
            .collect();
        if !added.is_empty() {
            let mut args = vec!["rmi", "-f"];
            args.extend(added.iter().map(String::as_str));
            let _ = self.run(&args);
        }
    }
}

/// Runs the `docker` CLI; its stdout. Panics when it fails.
fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("cannot run docker: {err}"));
    assert!(
        out.status.success(),
        "docker {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the `docker` CLI for a clean-up; its stdout, empty when it failed.
fn docker_quiet(args: &[&str]) -> String {
    Command::new("docker")
        .args(args)
        .stderr(Stdio::null())
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default()
}

/// Asserts (untimed) that the containers run.
fn assert_running(names: &[String]) {
    let mut args = vec!["inspect", "-f", "{{.State.Running}}"];
    args.extend(names.iter().map(String::as_str));
    let states = docker(&args);
    assert!(
        states.lines().all(|l| l == "true") && states.lines().count() == names.len(),
        "not all of {names:?} run: {states}"
    );
}

/// Removes the containers at once (untimed clean-up between runs).
fn remove(names: &[String]) {
    let mut args = vec!["rm", "-f"];
    args.extend(names.iter().map(String::as_str));
    docker(&args);
}

/// Stops a pod's containers within their stop timeout, as the kubelet
/// does, then removes them.
fn stop_and_remove(names: &[String]) {
    let mut args = vec!["stop"];
    args.extend(names.iter().map(String::as_str));
    docker(&args);
    let mut args = vec!["rm"];
    args.extend(names.iter().map(String::as_str));
    docker(&args);
}

/// `sunaba serve --backend docker` on a free loopback port, killed on drop.
struct Sunaba {
    child: Child,
    addr: SocketAddr,
    name: String,
    dir: PathBuf,
    kubeconfig: PathBuf,
    kubectl: PathBuf,
    /// The bearer token its API demands, from the kubeconfig it wrote.
    token: String,
}

impl Sunaba {
    fn start(settings: &Settings, dir: &Path) -> Self {
        let addr = SocketAddr::from(([127, 0, 0, 1], sunaba_tests::browser::free_port()));
        let kubeconfig = dir.join("kubeconfig");
        let log = std::fs::File::create(dir.join("sunaba.log")).expect("a log file");
        let child = Command::new(&settings.sunaba)
            .args(["serve", "--backend", "docker", "--ephemeral"])
            .args(["--cluster-name", &settings.name])
            .args(["--addr", &addr.to_string()])
            .arg("--write-kubeconfig")
            .arg(&kubeconfig)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", settings.sunaba.display()));
        let mut sunaba = Self {
            child,
            addr,
            name: settings.name.clone(),
            dir: dir.to_path_buf(),
            kubeconfig,
            kubectl: settings.kubectl.clone(),
            token: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let token = std::fs::read_to_string(&sunaba.kubeconfig)
                .ok()
                .and_then(|text| sunaba_tests::served::token_in(&text));
            if let Some(token) = token {
                sunaba.token = token;
                if sunaba
                    .http("GET", "/healthz")
                    .is_ok_and(|(status, _)| status == 200)
                {
                    return sunaba;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "sunaba serve --backend docker did not answer on {addr} within 30 s: {}",
            std::fs::read_to_string(dir.join("sunaba.log")).unwrap_or_default()
        );
    }

    /// Runs kubectl with `args`; its stdout. Panics when it fails.
    fn kubectl(&self, args: &[&str]) -> String {
        let out = Command::new(&self.kubectl)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(self.dir.join("kube-cache"))
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", self.kubectl.display()));
        assert!(
            out.status.success(),
            "kubectl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Writes `text` to `file` and `kubectl apply`s it; the process's time.
    fn apply(&self, file: &str, text: &str) -> Duration {
        std::fs::write(self.dir.join(file), text).expect("the manifest is written");
        let start = Instant::now();
        self.kubectl(&["apply", "-f", file]);
        start.elapsed()
    }

    /// One HTTP/1.0 request to its API (so the answer is never chunked),
    /// with its token; status and body.
    fn http(&self, method: &str, path: &str) -> io::Result<(u16, Vec<u8>)> {
        let mut stream = TcpStream::connect(self.addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let head = format!(
            "Host: {}\r\nAuthorization: Bearer {}\r\n",
            self.addr, self.token
        );
        exchange(&mut stream, &head, method, path)
    }

    /// A GET of the API; the JSON of a 200 answer.
    fn get(&self, path: &str) -> Option<Value> {
        match self.http("GET", path) {
            Ok((200, body)) => serde_json::from_slice(&body).ok(),
            _ => None,
        }
    }

    fn pod_ready(&self, name: &str) -> bool {
        self.get(&format!("/api/v1/namespaces/default/pods/{name}"))
            .is_some_and(|pod| is_ready(&pod))
    }

    /// The uids of the Ready pods `selector` selects (not terminating).
    fn ready_pod_uids(&self, selector: &str) -> Vec<String> {
        self.get(&format!(
            "/api/v1/namespaces/default/pods?labelSelector={}",
            encode(selector)
        ))
        .and_then(|list| list["items"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter(|pod| is_ready(pod))
        .filter_map(|pod| pod["metadata"]["uid"].as_str().map(str::to_string))
        .collect()
    }

    /// Whether `kubectl rollout status` would say the Deployment is rolled out.
    fn rollout_done(&self, name: &str) -> bool {
        self.get(&format!(
            "/apis/apps/v1/namespaces/default/deployments/{name}"
        ))
        .is_some_and(|deployment| rollout_done(&deployment))
    }

    /// Whether the engine still has a container (running or not) of one
    /// of the pods `uids`; true while the engine does not answer.
    fn runs_containers_of(&self, uids: &[String]) -> bool {
        self.containers().is_none_or(|containers| {
            containers.iter().any(|container| {
                container["Labels"][POD_UID_LABEL]
                    .as_str()
                    .is_some_and(|uid| uids.iter().any(|u| u == uid))
            })
        })
    }

    /// The cluster's containers, from the engine's API (`docker ps -a`);
    /// None when the engine does not answer.
    fn containers(&self) -> Option<Vec<Value>> {
        let filters = serde_json::json!({ "label": [format!("{CLUSTER_LABEL}={}", self.name)] });
        engine_get(&format!(
            "/containers/json?all=1&filters={}",
            encode(&filters.to_string())
        ))
        .ok()
        .filter(|(status, _)| *status == 200)
        .and_then(|(_, body)| serde_json::from_slice::<Vec<Value>>(&body).ok())
    }

    /// Deletes the pod at once and waits until it and its containers are gone (untimed).
    fn delete_pod_and_wait(&self, name: &str) {
        let path = format!("/api/v1/namespaces/default/pods/{name}");
        let _ = self.http("DELETE", &format!("{path}?gracePeriodSeconds=0"));
        self.wait_until_empty(&path);
    }

    /// Deletes the Deployment and waits until it, its pods and their
    /// containers are gone (untimed).
    fn delete_deployment_and_wait(&self, name: &str) {
        let path = format!("/apis/apps/v1/namespaces/default/deployments/{name}");
        let _ = self.http("DELETE", &path);
        self.wait_until_empty(&path);
    }

    /// Waits until `path` is gone, the namespace has no pods, and the
    /// cluster no containers.
    fn wait_until_empty(&self, path: &str) {
        let start = Instant::now();
        loop {
            let gone = self.get(path).is_none()
                && self
                    .get("/api/v1/namespaces/default/pods")
                    .is_some_and(|list| list["items"].as_array().is_some_and(Vec::is_empty))
                && self.containers().is_some_and(|c| c.is_empty());
            if gone {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "{path}: the pods or their containers outlived it by 90 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Sunaba {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A pod's Ready condition is True, and it is not terminating.
fn is_ready(pod: &Value) -> bool {
    pod["metadata"]["deletionTimestamp"].is_null()
        && pod["status"]["conditions"]
            .as_array()
            .is_some_and(|conditions| {
                conditions
                    .iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            })
}

/// kubectl's `DeploymentStatusViewer`: the controller saw the latest spec,
/// every replica is updated, no old ones are left, and all updated ones
/// are available.
fn rollout_done(deployment: &Value) -> bool {
    let count = |field: &str| deployment["status"][field].as_i64().unwrap_or(0);
    let generation = deployment["metadata"]["generation"].as_i64().unwrap_or(0);
    let observed = deployment["status"]["observedGeneration"]
        .as_i64()
        .unwrap_or(-1);
    let wanted = deployment["spec"]["replicas"].as_i64().unwrap_or(1);
    let updated = count("updatedReplicas");
    observed >= generation
        && updated >= wanted
        && count("replicas") <= updated
        && count("availableReplicas") >= updated
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One GET of the Docker engine's API on its Unix socket; status and body.
fn engine_get(path: &str) -> io::Result<(u16, Vec<u8>)> {
    let mut stream = UnixStream::connect(sunaba_tests::docker::socket_path())?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    exchange(&mut stream, "Host: localhost\r\n", "GET", path)
}

/// One HTTP/1.0 exchange with `head` (header lines, each ending in CRLF) sent.
fn exchange(
    stream: &mut (impl Read + Write),
    head: &str,
    method: &str,
    path: &str,
) -> io::Result<(u16, Vec<u8>)> {
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\n{head}Accept: application/json\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| io::Error::other("no end of headers"))?;
    let status = String::from_utf8_lossy(&answer[..split])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other("no status line"))?;
    Ok((status, answer[split + 4..].to_vec()))
}

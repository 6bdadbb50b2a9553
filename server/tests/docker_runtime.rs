//! The Docker runtime driven through core's CRI trait on a real engine, as a
//! kubelet would drive it: sandboxes, images, containers, logs, probes,
//! kills, stops and removal. No cluster is involved.
//!
//! Skipped when no Docker engine answers; `SUNABA_REQUIRE_DOCKER=1` makes
//! that a failure. The images come from `cargo xtask images --as-seed`:
//! these tests never pull one. Each test labels its objects with a cluster
//! of its own and removes them when it ends, even when it fails.

mod support;

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bollard::Docker;
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, ExecAction, HTTPGetAction, Pod, PodSpec, Probe,
    ResourceRequirements, TCPSocketAction, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use sunaba_core::api::decode::decode_manifests;
use sunaba_core::api::object::Object;
use sunaba_core::kubelet::runtime::{ContainerConfig, ContainerRuntime, PodRef, ProbeKind, Report};
use sunaba_core::seed;
use sunaba_core::time::SimTime;
use sunaba_server::docker::reset::{self, Scope};
use sunaba_server::docker::{engine, DockerConfig, DockerRuntime};
use support::available_or_skip;

/// How long a report may take to come.
const PATIENCE: Duration = Duration::from_secs(30);

// ---- the harness ----

/// A runtime on the engine, with a cluster label of the test's own; on drop,
/// everything with that label is removed.
struct Engine {
    runtime: DockerRuntime,
    docker: Docker,
    cluster: String,
    tokio: tokio::runtime::Runtime,
}

impl Engine {
    /// None (the test is skipped) when no engine answers.
    fn start(test: &str) -> Option<Self> {
        Self::with(test, |_| {})
    }

    fn with(test: &str, adjust: impl FnOnce(&mut DockerConfig)) -> Option<Self> {
        if !available_or_skip(test) {
            return None;
        }
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let mut config = DockerConfig {
            cluster: format!("test-{test}-{}", unique()),
            ..DockerConfig::default()
        };
        adjust(&mut config);
        let runtime = tokio
            .block_on(DockerRuntime::connect(config.clone()))
            .expect("the runtime connects to the engine");
        let docker = tokio.block_on(engine(&config)).expect("a client");
        Some(Self {
            runtime,
            docker,
            cluster: config.cluster,
            tokio,
        })
    }

    /// The next report about a container (or the sandbox), as the kubelet
    /// would take it: news first, then what is due.
    fn next(&mut self, pod: &PodRef, container: Option<&str>) -> (SimTime, Report) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let now = wall_now();
            self.runtime.pods_with_news(now);
            if let Some(due) = self.runtime.due(pod, container) {
                assert!(due <= now, "a real engine's reports are due when they come");
                let woken = self.runtime.wake(pod, container);
                return woken.expect("what is due wakes");
            }
            assert!(
                Instant::now() < deadline,
                "no report about {:?} of {} within {PATIENCE:?}",
                container,
                pod.name
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sets up the pod's sandbox and returns its IP.
    fn run_sandbox(&mut self, pod: &PodRef, spec: &Pod) -> Ipv4Addr {
        self.runtime.run_sandbox(pod, spec, wall_now());
        match self.next(pod, None) {
            (_, Report::SandboxReady { ip }) => ip,
            (_, other) => panic!("expected SandboxReady, got {other:?}"),
        }
    }

    /// Finds the image on the engine, or pulls it.
    fn ensure_image(&mut self, pod: &PodRef, container: &str, image: &str) {
        if self.runtime.has_image(image) {
            return;
        }
        self.runtime.pull_image(pod, container, image, wall_now());
        match self.next(pod, Some(container)) {
            (_, Report::Pulled { .. }) => assert!(self.runtime.has_image(image)),
            (_, other) => panic!("expected Pulled for {image}, got {other:?}"),
        }
    }

    /// Starts a container and returns its Docker ID.
    fn start_container(&mut self, pod: &PodRef, spec: &Pod, name: &str, attempt: u32) -> String {
        let container = container_of(spec, name);
        let env = env_of(container);
        let config = ContainerConfig {
            pod: spec,
            container,
            env: &env,
            attempt,
            volumes: &[],
        };
        let at_once = self.runtime.start_container(pod, &config, wall_now());
        assert_eq!(at_once, None, "a real engine answers later");
        match self.next(pod, Some(name)) {
            (_, Report::Started { id }) => {
                assert_eq!(id.len(), 64, "a Docker ID: {id}");
                id
            }
            (_, other) => panic!("expected Started for {name}, got {other:?}"),
        }
    }

    /// Runs a probe and returns its outcome.
    fn probe(
        &mut self,
        pod: &PodRef,
        container: &str,
        kind: ProbeKind,
        probe: &Probe,
    ) -> Result<(), String> {
        let at_once = self.runtime.probe(pod, container, kind, probe, wall_now());
        assert_eq!(at_once, None, "a real engine answers later");
        match self.next(pod, Some(container)) {
            (_, Report::Probed { kind: k, outcome }) if k == kind => outcome,
            (_, other) => panic!("expected Probed, got {other:?}"),
        }
    }

    /// The log lines of a container's run, once `wanted` all appear.
    fn logs_with(
        &self,
        pod: &PodRef,
        container: &str,
        previous: bool,
        wanted: &[&str],
    ) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let lines: Vec<String> = self
                .runtime
                .logs(pod, container, previous)
                .into_iter()
                .map(|l| l.text)
                .collect();
            if wanted.iter().all(|w| lines.iter().any(|l| l.contains(w))) {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "{container}'s logs lack {wanted:?}: {lines:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The names of the containers labelled with this test's cluster.
    fn labelled_containers(&self) -> Vec<String> {
        self.tokio
            .block_on(reset::containers(
                &self.docker,
                Scope::Cluster(&self.cluster),
            ))
            .expect("containers list")
            .into_iter()
            .flat_map(|c| c.names.unwrap_or_default())
            .collect()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let removed = self
            .tokio
            .block_on(reset::remove(&self.docker, Scope::Cluster(&self.cluster)));
        if let Err(err) = removed {
            eprintln!("cleaning up {}: {err}", self.cluster);
        }
    }
}

/// Real time as the server's simulated clock follows it.
fn wall_now() -> SimTime {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_millis();
    SimTime(i64::try_from(millis).expect("millis fit"))
}

/// A name no other test run uses.
fn unique() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .subsec_nanos();
    format!("{}-{nanos}", std::process::id())
}

fn container_of<'a>(spec: &'a Pod, name: &str) -> &'a Container {
    spec.spec
        .as_ref()
        .and_then(|s| s.containers.iter().find(|c| c.name == name))
        .expect("the container is in the spec")
}

fn env_of(container: &Container) -> Vec<(String, String)> {
    container
        .env
        .iter()
        .flatten()
        .map(|e| (e.name.clone(), e.value.clone().unwrap_or_default()))
        .collect()
}

/// A pod as the API server stores it: namespace, uid, grace period.
fn stored(mut pod: Pod, grace_seconds: i64) -> (PodRef, Pod) {
    pod.metadata.namespace = Some("default".into());
    pod.metadata.uid = Some(format!("uid-{}", unique()));
    if let Some(spec) = pod.spec.as_mut() {
        spec.termination_grace_period_seconds = Some(grace_seconds);
    }
    (PodRef::of(&pod), pod)
}

/// The seed's `simple-pod.yaml`: nginx (BACKEND_HOST=localhost:8080) and echo.
fn seed_pod() -> Pod {
    let text = seed::manifest("simple-pod.yaml").expect("the seed has simple-pod.yaml");
    match decode_manifests(text).expect("the seed decodes").remove(0) {
        Object::Pod(pod) => *pod,
        other => panic!("simple-pod.yaml holds a {}", other.kubectl_name()),
    }
}

/// One HTTP/1.1 GET from the host; the response's body.
fn http_get(ip: Ipv4Addr, port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&(ip, port).into(), Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {ip}:{port}\r\nUser-Agent: curl/8.5.0\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default())
}

/// Retries a GET while the servers come up.
fn http_get_eventually(ip: Ipv4Addr, port: u16, path: &str) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match http_get(ip, port, path) {
            Ok(body) if !body.is_empty() => return body,
            result => assert!(
                Instant::now() < deadline,
                "GET http://{ip}:{port}{path}: {result:?}"
            ),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn http_probe(port: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            port: IntOrString::Int(port),
            path: Some("/".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn tcp_probe(port: i32) -> Probe {
    Probe {
        tcp_socket: Some(TCPSocketAction {
            port: IntOrString::Int(port),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn exec_probe(command: &[&str]) -> Probe {
    Probe {
        exec: Some(ExecAction {
            command: Some(command.iter().map(|s| s.to_string()).collect()),
        }),
        timeout_seconds: Some(5),
        ..Default::default()
    }
}

// ---- the tests ----

#[test]
fn the_seed_pod_runs_on_docker_and_ends_as_the_kubelet_expects() {
    let Some(mut engine) = Engine::start("seed-pod") else {
        return;
    };
    let (pod, spec) = stored(seed_pod(), 2);
    let began = wall_now();

    let ip = engine.run_sandbox(&pod, &spec);
    for (name, image) in [
        ("nginx", "gihyodocker/nginx:latest"),
        ("echo", "gihyodocker/echo:latest"),
    ] {
        engine.ensure_image(&pod, name, image);
    }
    let nginx = engine.start_container(&pod, &spec, "nginx", 1);
    let echo = engine.start_container(&pod, &spec, "echo", 1);

    // Both containers are in the pause container's network namespace: the
    // pod IP answers on echo's port and on nginx's, and nginx reaches echo
    // on localhost.
    for id in [&nginx, &echo] {
        let mode = Command::new("docker")
            .args(["inspect", "--format", "{{.HostConfig.NetworkMode}}", id])
            .output()
            .expect("docker inspect runs");
        let mode = String::from_utf8_lossy(&mode.stdout);
        assert!(mode.trim().starts_with("container:"), "{mode}");
    }
    assert_eq!(http_get_eventually(ip, 8080, "/").trim(), "Hello Docker!!");
    assert_eq!(http_get_eventually(ip, 80, "/").trim(), "Hello Docker!!");

    // Probes, from the host to the pod IP.
    assert_eq!(
        engine.probe(&pod, "echo", ProbeKind::Readiness, &http_probe(8080)),
        Ok(())
    );
    assert_eq!(
        engine.probe(&pod, "nginx", ProbeKind::Liveness, &tcp_probe(80)),
        Ok(())
    );
    assert_eq!(
        engine.probe(&pod, "echo", ProbeKind::Liveness, &http_probe(9)),
        Err(format!(
            "Get \"http://{ip}:9/\": dial tcp {ip}:9: connect: connection refused"
        ))
    );

    // echo's real output, with Docker's times.
    let lines = engine.logs_with(&pod, "echo", false, &["start server", "received request"]);
    let first = engine.runtime.logs(&pod, "echo", false)[0].at;
    assert!(
        first >= began.plus_secs(-5) && first <= wall_now(),
        "{first:?} is when echo started: {lines:?}"
    );

    // Killed from outside: reported as exited with 137.
    let killed = Command::new("docker")
        .args(["kill", &echo])
        .output()
        .expect("docker kill runs");
    assert!(killed.status.success(), "{killed:?}");
    assert_eq!(
        engine.next(&pod, Some("echo")).1,
        Report::Exited { code: 137 }
    );

    // Started again: the old run's lines are `--previous`.
    let echo_again = engine.start_container(&pod, &spec, "echo", 2);
    assert_ne!(echo_again, echo);
    engine.logs_with(&pod, "echo", true, &["start server", "received request"]);
    let current = engine.logs_with(&pod, "echo", false, &["start server"]);
    assert!(
        !current.iter().any(|l| l.contains("received request")),
        "{current:?}"
    );

    // Stopped by the kubelet: SIGTERM, then SIGKILL at the 2 s deadline.
    let asked = Instant::now();
    let now = wall_now();
    engine
        .runtime
        .stop_container(&pod, "nginx", now, now.plus_secs(2));
    let (_, report) = engine.next(&pod, Some("nginx"));
    assert!(matches!(report, Report::Exited { .. }), "{report:?}");
    assert!(
        asked.elapsed() < Duration::from_millis(3_500),
        "{:?}",
        asked.elapsed()
    );

    // Removed: nothing of the pod is left.
    assert!(!engine.labelled_containers().is_empty());
    engine.runtime.remove_sandbox(&pod);
    let deadline = Instant::now() + PATIENCE;
    while !engine.labelled_containers().is_empty() {
        assert!(
            Instant::now() < deadline,
            "left: {:?}",
            engine.labelled_containers()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(engine.runtime.due(&pod, Some("echo")), None);
    assert!(engine.runtime.logs(&pod, "echo", false).is_empty());
}

#[test]
fn a_missing_image_fails_to_pull_in_the_kubelets_words() {
    let Some(mut engine) = Engine::start("missing-image") else {
        return;
    };
    let (pod, _) = stored(seed_pod(), 30);
    let image = "sunaba/does-not-exist:1";
    assert!(!engine.runtime.has_image(image));
    engine.runtime.pull_image(&pod, "echo", image, wall_now());
    let deadline = Instant::now() + PATIENCE;
    let pods = loop {
        let pods = engine.runtime.pods_with_news(wall_now());
        if !pods.is_empty() {
            break pods;
        }
        assert!(Instant::now() < deadline, "no news of the pull");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(pods, std::slice::from_ref(&pod));
    match engine.next(&pod, Some("echo")).1 {
        Report::PullFailed { error } => assert!(
            error.starts_with(
                "rpc error: code = Unknown desc = failed to pull and unpack image \
                 \"docker.io/sunaba/does-not-exist:1\": "
            ) && error.len() > 110,
            "{error}"
        ),
        other => panic!("expected PullFailed, got {other:?}"),
    }
    assert!(!engine.runtime.has_image(image));
}

#[test]
fn a_missing_pause_image_fails_the_sandbox() {
    let Some(mut engine) = Engine::with("missing-pause", |config| {
        config.pause_image = "sunaba/does-not-exist:1".into();
    }) else {
        return;
    };
    let (pod, spec) = stored(seed_pod(), 30);
    engine.runtime.run_sandbox(&pod, &spec, wall_now());
    match engine.next(&pod, None).1 {
        Report::SandboxFailed { message } => assert!(
            message.starts_with(&format!(
                "rpc error: code = Unknown desc = failed to create a sandbox for pod \"{}\": ",
                pod.name
            )) && message.contains("sunaba/does-not-exist:1"),
            "{message}"
        ),
        other => panic!("expected SandboxFailed, got {other:?}"),
    }
}

#[test]
fn a_pods_containers_share_an_empty_dir_and_exec_probes_run_inside() {
    let Some(mut engine) = Engine::start("toolbox") else {
        return;
    };
    let toolbox = |name: &str, script: &str| Container {
        name: name.into(),
        image: Some("sunaba/toolbox:latest".into()),
        command: Some(vec!["sh".into(), "-c".into()]),
        args: Some(vec![script.into()]),
        working_dir: Some("/shared".into()),
        volume_mounts: Some(vec![VolumeMount {
            name: "shared".into(),
            mount_path: "/shared".into(),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let mut writer = toolbox(
        "writer",
        "echo \"$GREETING\"; echo hello > greeting; exec sleep 3600",
    );
    writer.env = Some(vec![k8s_openapi::api::core::v1::EnvVar {
        name: "GREETING".into(),
        value: Some("hi from $HOSTNAME".into()),
        ..Default::default()
    }]);
    writer.resources = Some(ResourceRequirements {
        limits: Some(
            [
                ("cpu".to_string(), Quantity("250m".into())),
                ("memory".to_string(), Quantity("32Mi".into())),
            ]
            .into(),
        ),
        ..Default::default()
    });
    let reader = toolbox("reader", "exec sleep 3600");
    let (pod, spec) = stored(
        Pod {
            metadata: ObjectMeta {
                name: Some("toolbox".into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                containers: vec![writer, reader],
                volumes: Some(vec![Volume {
                    name: "shared".into(),
                    empty_dir: Some(EmptyDirVolumeSource::default()),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        },
        1,
    );
    engine.run_sandbox(&pod, &spec);
    engine.ensure_image(&pod, "writer", "sunaba/toolbox:latest");
    let writer_id = engine.start_container(&pod, &spec, "writer", 1);
    engine.start_container(&pod, &spec, "reader", 1);

    // The environment is passed as given (no shell expansion by the runtime).
    engine.logs_with(&pod, "writer", false, &["hi from $HOSTNAME"]);
    let limits = Command::new("docker")
        .args([
            "inspect",
            "--format",
            "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}",
            &writer_id,
        ])
        .output()
        .expect("docker inspect runs");
    assert_eq!(
        String::from_utf8_lossy(&limits.stdout).trim(),
        "250000000 33554432"
    );

    // The reader sees what the writer wrote, through an exec probe.
    let deadline = Instant::now() + PATIENCE;
    while engine.probe(
        &pod,
        "reader",
        ProbeKind::Readiness,
        &exec_probe(&["cat", "/shared/greeting"]),
    ) != Ok(())
    {
        assert!(
            Instant::now() < deadline,
            "the reader never saw the greeting"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Every container has the pod's hostname, from the pause container.
    let hostname = exec_probe(&["sh", "-c", "test \"$(hostname)\" = toolbox"]);
    assert_eq!(
        engine.probe(&pod, "writer", ProbeKind::Readiness, &hostname),
        Ok(())
    );
    let failed = engine.probe(
        &pod,
        "reader",
        ProbeKind::Liveness,
        &exec_probe(&["cat", "/shared/nope"]),
    );
    assert_eq!(
        failed,
        Err("cat: can't open '/shared/nope': No such file or directory\n".into())
    );

    // sh as PID 1 ignores SIGTERM: killed at the 1 s deadline.
    let asked = Instant::now();
    let now = wall_now();
    engine
        .runtime
        .stop_container(&pod, "reader", now, now.plus_secs(1));
    assert_eq!(
        engine.next(&pod, Some("reader")).1,
        Report::Exited { code: 137 }
    );
    let took = asked.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2_500),
        "{took:?}"
    );

    engine.runtime.remove_sandbox(&pod);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let volumes = Command::new("docker")
            .args([
                "volume",
                "ls",
                "-q",
                "--filter",
                &format!("label=io.sunaba.cluster={}", engine.cluster),
            ])
            .output()
            .expect("docker volume ls runs");
        if engine.labelled_containers().is_empty() && volumes.stdout.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the pod's containers or volume were left"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

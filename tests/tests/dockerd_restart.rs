//! The Docker backend survives a restart of the Docker engine itself: the
//! engine stops every container when it goes down, and sunaba's kubelet
//! sees the pods' sandboxes die (`SandboxChanged`), sets each pod up again
//! in a new sandbox, counts the restarts, and the Services answer again.
//!
//! It restarts the machine's `dockerd` (with the command line it was
//! started with), so it runs in a test binary of its own: cargo runs test
//! binaries one after another, and no other Docker test is running then.
//! It needs the engine to be a `dockerd` this user may restart (CI starts
//! one as root); without one it is skipped, or fails under
//! `SUNABA_REQUIRE_DOCKER=1`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sunaba_tests::docker_cluster::{pod_ip, ready_after, DockerCluster, PATIENCE};
use sunaba_tests::manifests::{seed_deployment, SEED_POD};

/// The Service of the seed's Deployment, port 80 to echo's 8080.
const ECHO_SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: echo
spec:
  selector:
    app: echo
  ports:
  - name: http
    port: 80
    targetPort: 8080
";

/// The running `dockerd`: its PID and its command line.
struct Dockerd {
    pid: u32,
    argv: Vec<String>,
}

impl Dockerd {
    /// The engine's daemon, from its PID file, when it is a `dockerd` this
    /// process may signal.
    fn find() -> Option<Self> {
        let pid: u32 = std::fs::read_to_string("/var/run/docker.pid")
            .ok()?
            .trim()
            .parse()
            .ok()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let argv: Vec<String> = cmdline
            .split(|b| *b == 0)
            .filter(|part| !part.is_empty())
            .map(|part| String::from_utf8_lossy(part).into_owned())
            .collect();
        let is_dockerd = argv
            .first()
            .is_some_and(|program| program.ends_with("dockerd"));
        let may_signal =
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), None).is_ok();
        (is_dockerd && may_signal).then_some(Self { pid, argv })
    }

    /// Stops it (SIGTERM: it stops every container first) and starts it
    /// again with the same command line, its output in a log file; returns
    /// once the new engine answers.
    #[expect(
        clippy::zombie_processes,
        reason = "the new dockerd outlives the test, as the one CI started does"
    )]
    fn restart(self) {
        let pid = nix::unistd::Pid::from_raw(self.pid as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM)
            .expect("dockerd is signalled");
        let gone = PathBuf::from(format!("/proc/{}", self.pid));
        eventually("dockerd to stop", || !gone.exists());
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(std::env::temp_dir().join("sunaba-test-dockerd.log"))
            .expect("a log file");
        std::process::Command::new(&self.argv[0])
            .args(&self.argv[1..])
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().expect("the log file"))
            .stderr(log)
            .spawn()
            .expect("dockerd starts again");
        eventually(
            "dockerd to answer again",
            sunaba_tests::docker::engine_answers_ping,
        );
    }
}

/// Waits until `check` holds, for at most [`PATIENCE`].
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < PATIENCE, "waited {PATIENCE:?} for {what}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// An HTTP GET from the host to `addr` (`ip:port`); the body, or None
/// when nothing answers.
fn http_get(addr: &str) -> Option<String> {
    let mut stream =
        TcpStream::connect_timeout(&addr.parse().ok()?, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET / HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
}

/// The address of the Service `echo`'s proxy on the pods' network.
fn service_proxy_ip(cluster_label: &str) -> String {
    let output = std::process::Command::new("docker")
        .args([
            "ps",
            "--filter",
            &format!("label=io.sunaba.cluster={cluster_label}"),
            "--filter",
            "label=io.sunaba.role=service-proxy",
            "--format",
            "{{.ID}}",
        ])
        .output()
        .expect("docker ps runs");
    let id = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let output = std::process::Command::new("docker")
        .args([
            "inspect",
            "-f",
            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
            &id,
        ])
        .output()
        .expect("docker inspect runs");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// The running containers of the cluster, by name.
fn running_containers(cluster_label: &str) -> Vec<String> {
    let output = std::process::Command::new("docker")
        .args([
            "ps",
            "--filter",
            &format!("label=io.sunaba.cluster={cluster_label}"),
            "--format",
            "{{.Names}}",
        ])
        .output()
        .expect("docker ps runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_and_services_come_back_after_dockerd_restarts() {
    if !sunaba_tests::docker::available_or_skip("dockerd_restart") {
        return;
    }
    let Some(dockerd) = Dockerd::find() else {
        assert!(
            !sunaba_tests::docker::required(),
            "SUNABA_REQUIRE_DOCKER=1 but no dockerd this test may restart (see /var/run/docker.pid)"
        );
        eprintln!("skipping dockerd_restart: no dockerd this test may restart");
        return;
    };
    let served = DockerCluster::start("dockerd").await;
    let label = served.label.clone();
    served
        .create(&format!(
            "{SEED_POD}---\n{}---\n{ECHO_SERVICE}",
            seed_deployment("summer")
        ))
        .await;

    let before = served
        .wait_for_pod("simple-echo", |p| ready_after(p, 0))
        .await;
    let old_ip = pod_ip(&before);
    let greeting = || Some("Hello Docker!!".to_string());
    eventually("the pod to answer", || {
        http_get(&format!("{old_ip}:80")) == greeting()
    });
    eventually("the Service to answer", || {
        http_get(&format!("{}:80", service_proxy_ip(&label))) == greeting()
    });

    dockerd.restart();

    let after = served
        .wait_for_pod("simple-echo", |p| ready_after(p, 1))
        .await;
    let new_ip = pod_ip(&after);
    eventually("the pod to answer in its new sandbox", || {
        http_get(&format!("{new_ip}:80")) == greeting()
    });
    let events = served.events("simple-echo").await;
    assert!(
        events.contains(
            &"Normal SandboxChanged: Pod sandbox changed, it will be killed and re-created."
                .to_string()
        ),
        "the kubelet says why the pod started over: {events:#?}"
    );
    // One pause, nginx and echo run for the pod: nothing doubled.
    let running: Vec<String> = running_containers(&label)
        .into_iter()
        .filter(|name| name.contains("_simple-echo_"))
        .collect();
    assert_eq!(running.len(), 3, "{running:?}");
    // The Deployment's pods came back too, and the Service reaches them.
    eventually("the Service to answer again", || {
        http_get(&format!("{}:80", service_proxy_ip(&label))) == greeting()
    });
    served.stop().await;
}

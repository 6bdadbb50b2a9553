//! `sunaba serve --backend docker` end to end: the real kubectl 1.32
//! against the server, whose one worker node runs its pods as real
//! containers on the local Docker engine. The images are the demo images
//! `cargo xtask images --as-seed` builds (`cargo xtask test` does so when
//! Docker answers), used with `imagePullPolicy: IfNotPresent`: there is no
//! registry here.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sunaba_server::api::kubeconfig;
use sunaba_server::cluster::Clock;
use sunaba_server::docker::{DockerConfig, DockerRuntime};
use sunaba_server::serve::{docker_cluster, with_docker};
use sunaba_server::{ServeConfig, Server};
use tokio::process::Command;

/// kubectl 1.32, beside gcloud's dispatcher.
const KUBECTL: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";

/// The seed's two-container pod, with images that need no registry.
const SEED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: simple-echo
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: nginx
    image: gihyodocker/nginx:latest
    imagePullPolicy: IfNotPresent
    env:
    - name: BACKEND_HOST
      value: localhost:8080
    ports:
    - containerPort: 80
  - name: echo
    image: gihyodocker/echo:latest
    imagePullPolicy: IfNotPresent
    ports:
    - containerPort: 8080
";

/// A pod the baseline Pod Security profile refuses.
const PRIVILEGED_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: root
spec:
  containers:
  - name: shell
    image: gihyodocker/fundamental:0.1.0
    imagePullPolicy: IfNotPresent
    securityContext:
      privileged: true
";

/// A served Docker-backed cluster, its kubeconfig and working directory;
/// dropping it removes every Docker object carrying its cluster label.
struct Served {
    dir: PathBuf,
    kubeconfig: PathBuf,
    label: String,
}

impl Served {
    async fn start() -> Self {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let label = format!("test-{}-{stamp}", std::process::id());
        let runtime = DockerRuntime::connect(DockerConfig {
            cluster: label.clone(),
            ..DockerConfig::default()
        })
        .await
        .expect("the Docker engine answers");
        let config = ServeConfig {
            addr: "127.0.0.1:0".parse().expect("an address"),
        };
        let server = Server::bind_with_setup(
            &config,
            docker_cluster(Some(7)),
            Clock::Wall,
            with_docker(runtime),
        )
        .await
        .expect("the server binds");
        let addr = server.local_addr().expect("bound");
        tokio::spawn(server.run());
        let dir = std::env::temp_dir().join(format!("sunaba-docker-{label}"));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let kubeconfig_path = dir.join("kubeconfig");
        kubeconfig::write(&kubeconfig_path, addr).expect("the kubeconfig is written");
        Self {
            dir,
            kubeconfig: kubeconfig_path,
            label,
        }
    }

    /// Runs kubectl with `args`; (stdout, stderr, exit code).
    async fn kubectl(&self, args: &[&str]) -> (String, String, i32) {
        let output = Command::new(KUBECTL)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(args)
            .current_dir(&self.dir)
            .output()
            .await
            .expect("kubectl runs");
        (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
            output.status.code().unwrap_or(-1),
        )
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.dir.join(name), text).expect("the manifest is written");
    }

    /// The names of the Docker containers this cluster created.
    async fn containers(&self) -> Vec<String> {
        docker(&[
            "ps",
            "-a",
            "--filter",
            &format!("label=io.sunaba.cluster={}", self.label),
            "--format",
            "{{.Names}}",
        ])
        .await
        .lines()
        .map(str::to_string)
        .collect()
    }

    /// Waits until `check` holds for kubectl's output of `args`, for at most `limit`.
    async fn wait_for(
        &self,
        args: &[&str],
        limit: Duration,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let start = std::time::Instant::now();
        loop {
            let (out, _, _) = self.kubectl(args).await;
            if check(&out) {
                return out;
            }
            assert!(
                start.elapsed() < limit,
                "kubectl {args:?} still prints:\n{out}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let filter = format!("label=io.sunaba.cluster={}", self.label);
        let ids = std::process::Command::new("docker")
            .args(["ps", "-aq", "--filter", &filter])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let ids: Vec<&str> = ids.split_whitespace().collect();
        if !ids.is_empty() {
            let _ = std::process::Command::new("docker")
                .args(["rm", "-f", "-v"])
                .args(&ids)
                .output();
        }
        let volumes = std::process::Command::new("docker")
            .args(["volume", "ls", "-q", "--filter", &filter])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        for volume in volumes.split_whitespace() {
            let _ = std::process::Command::new("docker")
                .args(["volume", "rm", "-f", volume])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn docker(args: &[&str]) -> String {
    let output = Command::new("docker")
        .args(args)
        .output()
        .await
        .expect("the docker CLI runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An HTTP GET from the host; the body.
async fn http_get(url: &str) -> String {
    let (host, path) = url
        .trim_start_matches("http://")
        .split_once('/')
        .map_or((url, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let host = host.to_string();
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(&host).expect("the pod answers");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a timeout");
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").expect("sent");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        answer
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_string())
            .unwrap_or_default()
    })
    .await
    .expect("the request ran")
}

fn ready_to_run() -> bool {
    if !sunaba_tests::docker::available_or_skip("docker_backend") {
        return false;
    }
    if !PathBuf::from(KUBECTL).is_file() {
        eprintln!("skipping docker_backend: no kubectl 1.32 at {KUBECTL}");
        return false;
    }
    true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_pod_runs_as_real_containers_sharing_one_ip() {
    if !ready_to_run() {
        return;
    }
    let served = Served::start().await;
    served.write("pod.yaml", SEED_POD);
    let (out, err, code) = served.kubectl(&["apply", "-f", "pod.yaml"]).await;
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("pod/simple-echo created\n", "", 0)
    );
    let (out, err, code) = served
        .kubectl(&[
            "wait",
            "--for=condition=Ready",
            "pod/simple-echo",
            "--timeout=60s",
        ])
        .await;
    assert_eq!(code, 0, "{out}{err}");

    // The pod IP is the pause container's, and both containers join its network.
    let (ip, _, _) = served
        .kubectl(&[
            "get",
            "pod",
            "simple-echo",
            "-o",
            "jsonpath={.status.podIP}",
        ])
        .await;
    let containers = served.containers().await;
    assert_eq!(containers.len(), 3, "pause, nginx and echo: {containers:?}");
    let pause = containers
        .iter()
        .find(|n| n.starts_with("k8s_POD_simple-echo_"))
        .expect("the pause container");
    let pause_id = docker(&["inspect", "-f", "{{.Id}}", pause]).await;
    let echo = containers
        .iter()
        .find(|n| n.starts_with("k8s_echo_simple-echo_"))
        .expect("the echo container")
        .clone();
    for name in containers.iter().filter(|n| *n != pause) {
        let mode = docker(&["inspect", "-f", "{{.HostConfig.NetworkMode}}", name]).await;
        assert_eq!(
            mode.trim(),
            format!("container:{}", pause_id.trim()),
            "{name}"
        );
    }
    let network_ip = docker(&[
        "inspect",
        "-f",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        pause,
    ])
    .await;
    assert_eq!(ip, network_ip.trim());

    // nginx proxies to echo over localhost, and echo's real log shows it.
    assert_eq!(
        http_get(&format!("http://{ip}:80/")).await,
        "Hello Docker!!"
    );
    let logs = served
        .wait_for(
            &["logs", "simple-echo", "-c", "echo"],
            Duration::from_secs(10),
            |out| out.contains("received request"),
        )
        .await;
    assert!(
        logs.lines()
            .next()
            .is_some_and(|l| l.ends_with(" start server")),
        "{logs}"
    );

    // A container killed behind the kubelet's back is restarted and counted.
    docker(&["kill", &echo]).await;
    served
        .wait_for(
            &[
                "get",
                "pod",
                "simple-echo",
                "-o",
                "jsonpath={.status.containerStatuses[?(@.name==\"echo\")].restartCount}",
            ],
            Duration::from_secs(30),
            |out| out == "1",
        )
        .await;
    served
        .kubectl(&[
            "wait",
            "--for=condition=Ready",
            "pod/simple-echo",
            "--timeout=60s",
        ])
        .await;
    assert_eq!(
        http_get(&format!("http://{ip}:80/")).await,
        "Hello Docker!!"
    );

    // Deleting the pod removes its containers.
    let (out, _, code) = served.kubectl(&["delete", "pod", "simple-echo"]).await;
    assert_eq!((out.as_str(), code), ("pod \"simple-echo\" deleted\n", 0));
    let start = std::time::Instant::now();
    while !served.containers().await.is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "containers left behind"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_privileged_pod_is_refused_as_pod_security_words_it() {
    if !ready_to_run() {
        return;
    }
    let served = Served::start().await;
    served.write("root.yaml", PRIVILEGED_POD);
    let (out, err, code) = served.kubectl(&["apply", "-f", "root.yaml"]).await;
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "",
            "Error from server (Forbidden): error when creating \"root.yaml\": pods \"root\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"shell\" must not set securityContext.privileged=true)\n",
            1
        )
    );
    assert!(served.containers().await.is_empty());
}

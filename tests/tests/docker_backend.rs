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
use sunaba_server::docker::reset::{self, Scope};
use sunaba_server::docker::{engine, services, DockerConfig};
use sunaba_server::serve::docker_startup;
use sunaba_server::{ServeConfig, Server};
use sunaba_tests::manifests::{seed_deployment, SEED_POD};
use tokio::process::Command;
use tokio::task::JoinHandle;

/// kubectl 1.32, beside gcloud's dispatcher.
const KUBECTL: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";

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

/// The seed's Service chapter with real containers: echo pods released in
/// summer (two) and winter (one), and the Service `echo` in front of the
/// summer ones, port 80 to echo's 8080.
const SEASONS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo-summer
  labels:
    app: echo
    release: summer
spec:
  replicas: 2
  selector:
    matchLabels:
      app: echo
      release: summer
  template:
    metadata:
      labels:
        app: echo
        release: summer
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: echo
        image: gihyodocker/echo:latest
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo-winter
  labels:
    app: echo
    release: winter
spec:
  replicas: 1
  selector:
    matchLabels:
      app: echo
      release: winter
  template:
    metadata:
      labels:
        app: echo
        release: winter
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: echo
        image: gihyodocker/echo:latest
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: echo
spec:
  selector:
    app: echo
    release: summer
  ports:
  - name: http
    port: 80
    targetPort: 8080
";

/// A toolbox pod that shows its resolver, waits for the Service to answer,
/// curls it by each of its names (and by the seed's wrong one), then at the
/// ClusterIP its service links name, prints `checked`, then curls `http://echo/` three times a second, a line each.
/// (`kubectl exec` is not there yet: its log is the conversation.)
const CLIENT: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: Never
  containers:
  - name: curl
    image: gihyodocker/fundamental:0.1.0
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c"]
    args:
    - |
      cat /etc/resolv.conf
      i=0
      until curl -s http://echo/ >/dev/null || [ $i -ge 100 ]; do i=$((i+1)); sleep 0.2; done
      for host in echo echo.default echo.default.svc echo.default.svc.cluster.local echo.default.svc.local; do
        answer=$(curl -sS http://$host/ 2>&1); code=$?
        echo "$host: $answer (exit $code)"
      done
      echo "service link: $ECHO_SERVICE_HOST:$ECHO_SERVICE_PORT"
      answer=$(curl -sS http://$ECHO_SERVICE_HOST:$ECHO_SERVICE_PORT/ 2>&1); code=$?
      echo "cluster ip: $answer (exit $code)"
      echo checked
      while true; do
        answer=$(curl -sS http://echo/ 2>&1); code=$?
        echo "loop: $answer (exit $code)"
        sleep 0.3
      done
"#;

/// A served Docker-backed cluster, its kubeconfig and working directory;
/// dropping it removes every Docker object carrying its cluster label.
struct Served {
    dir: PathBuf,
    kubeconfig: PathBuf,
    label: String,
    /// The Services' reconciler, stopped before the clean-up.
    services: JoinHandle<()>,
    /// The server (and so the cluster and its runtime), stopped before the clean-up.
    server: JoinHandle<std::io::Result<()>>,
}

impl Served {
    async fn start() -> Self {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let label = format!("test-{}-{stamp}", std::process::id());
        let dir = std::env::temp_dir().join(format!("sunaba-docker-{label}"));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let docker_config = DockerConfig {
            cluster: label.clone(),
            state_dir: Some(dir.join("state")),
            ..DockerConfig::default()
        };
        // Seeded by the clock: pods' uids name their containers on the engine,
        // so no two runs (nor a run's leftovers) may share them.
        let seed = u64::try_from(stamp % u128::from(u64::MAX)).unwrap_or(7);
        let startup = docker_startup(&docker_config, Some(seed))
            .await
            .expect("the Docker engine answers");
        let config = ServeConfig {
            addr: "127.0.0.1:0".parse().expect("an address"),
            ..ServeConfig::default()
        };
        let server = Server::bind_startup(&config, startup)
            .await
            .expect("the server binds");
        let services = services::start(server.cluster(), &docker_config)
            .await
            .expect("the Services' reconciler starts");
        let kubeconfig_path = dir.join("kubeconfig");
        let text = server.kubeconfig().expect("bound");
        kubeconfig::write(&kubeconfig_path, &text).expect("the kubeconfig is written");
        let server = tokio::spawn(server.run());
        Self {
            dir,
            kubeconfig: kubeconfig_path,
            label,
            services,
            server,
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

    /// Waits, for at most `limit`, until no container of the cluster has a
    /// name containing `part` ("" for none at all); `what` says what stayed.
    async fn wait_until_gone(&self, part: &str, limit: Duration, what: &str) {
        let start = std::time::Instant::now();
        while self
            .containers()
            .await
            .iter()
            .any(|name| name.contains(part))
        {
            assert!(start.elapsed() < limit, "{what}");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// The names of the pods `selector` selects.
    async fn pods(&self, selector: &str) -> Vec<String> {
        let (out, _, _) = self
            .kubectl(&[
                "get",
                "pods",
                "-l",
                selector,
                "-o",
                "jsonpath={.items[*].metadata.name}",
            ])
            .await;
        out.split_whitespace().map(str::to_string).collect()
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
        self.services.abort();
        self.server.abort();
        // The cluster thread ends with its last handle, and its runtime with
        // it; until then a killed pause container would be set up again.
        std::thread::sleep(Duration::from_secs(1));
        sunaba_tests::docker::remove_cluster(&self.label);
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
    // The node is the Docker host, with the engine's CPUs and memory.
    let (cpus, _, _) = served
        .kubectl(&[
            "get",
            "node",
            "sunaba-worker",
            "-o",
            "jsonpath={.status.capacity.cpu}",
        ])
        .await;
    assert_eq!(cpus, docker(&["info", "-f", "{{.NCPU}}"]).await.trim());
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
    served
        .wait_until_gone("", Duration::from_secs(30), "containers left behind")
        .await;
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

/// The lines of `logs` that the client's loop printed, the last one.
fn last_loop_line(logs: &str) -> Option<&str> {
    logs.lines().rev().find(|line| line.starts_with("loop: "))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_reaches_its_ready_pods_by_each_of_its_names() {
    if !ready_to_run() {
        return;
    }
    let served = Served::start().await;
    served.write("seasons.yaml", SEASONS);
    let (out, err, code) = served.kubectl(&["apply", "-f", "seasons.yaml"]).await;
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "deployment.apps/echo-summer created\ndeployment.apps/echo-winter created\nservice/echo created\n",
            "",
            0
        )
    );
    let ready = "jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}";
    served
        .wait_for(
            &["get", "pods", "-l", "app=echo", "-o", ready],
            Duration::from_secs(90),
            |out| out.lines().filter(|l| l.ends_with(" True")).count() == 3,
        )
        .await;
    let summer = served.pods("release=summer").await;
    let winter = served.pods("release=winter").await;
    assert_eq!(
        (summer.len(), winter.len()),
        (2, 1),
        "{summer:?} {winter:?}"
    );

    // The Service's proxy: labelled as sunaba's, its name the Service's FQDN.
    let proxy = served
        .containers()
        .await
        .into_iter()
        .find(|n| n.starts_with("k8s_svc_echo_default_"))
        .expect("the Service's proxy container");
    let described = docker(&[
        "inspect",
        "-f",
        "{{index .Config.Labels \"io.sunaba.role\"}} {{index .Config.Labels \"io.sunaba.service\"}} {{index .Config.Labels \"io.sunaba.namespace\"}} {{range .NetworkSettings.Networks}}{{range .Aliases}}{{.}} {{end}}{{end}}",
        &proxy,
    ])
    .await;
    assert!(
        described.starts_with("service-proxy echo default ")
            && described.contains(" echo.default.svc.cluster.local "),
        "{described}"
    );
    // A cluster's reset finds it by the cluster label.
    let engine = engine(&DockerConfig::default())
        .await
        .expect("the engine answers");
    let found = reset::containers(&engine, Scope::Cluster(&served.label))
        .await
        .expect("the engine lists containers");
    assert!(
        found
            .iter()
            .flat_map(|c| c.names.iter().flatten())
            .any(|name| name.trim_start_matches('/') == proxy),
        "a reset of the cluster misses {proxy}"
    );

    // From a pod: each of the Service's names answers, the seed's wrong one does not.
    served.write("client.yaml", CLIENT);
    let (out, err, code) = served.kubectl(&["apply", "-f", "client.yaml"]).await;
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("pod/client created\n", "", 0)
    );
    let logs = served
        .wait_for(&["logs", "client"], Duration::from_secs(90), |out| {
            out.contains("\nchecked\n")
        })
        .await;
    assert!(
        logs.contains("search default.svc.cluster.local svc.cluster.local cluster.local\n")
            && logs.contains("options ndots:5\n"),
        "{logs}"
    );
    for host in [
        "echo",
        "echo.default",
        "echo.default.svc",
        "echo.default.svc.cluster.local",
    ] {
        assert!(
            logs.contains(&format!("\n{host}: Hello Docker!! (exit 0)\n")),
            "{host}:\n{logs}"
        );
    }
    assert!(
        logs.contains("\necho.default.svc.local: curl: (6) Could not resolve host: echo.default.svc.local (exit 6)\n"),
        "{logs}"
    );
    // The ClusterIP is real: the proxy sits at it, and the service links name it.
    let (cluster_ip, _, _) = served
        .kubectl(&["get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}"])
        .await;
    let proxy_ip = docker(&[
        "inspect",
        "-f",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        &proxy,
    ])
    .await;
    assert_eq!(proxy_ip.trim(), cluster_ip);
    assert!(
        logs.contains(&format!("\nservice link: {cluster_ip}:80\n"))
            && logs.contains("\ncluster ip: Hello Docker!! (exit 0)\n"),
        "{logs}"
    );

    // Both summer pods get requests (the client keeps asking); winter never does.
    for pod in &summer {
        served
            .wait_for(&["logs", pod], Duration::from_secs(20), |out| {
                out.contains("received request")
            })
            .await;
    }
    let (out, _, _) = served.kubectl(&["logs", &winter[0]]).await;
    assert!(!out.contains("received request"), "{out}");

    // Without ready endpoints the Service refuses, within a few seconds…
    let (out, _, code) = served
        .kubectl(&["scale", "deployment", "echo-summer", "--replicas=0"])
        .await;
    assert_eq!(
        (out.as_str(), code),
        ("deployment.apps/echo-summer scaled\n", 0)
    );
    let scaled = std::time::Instant::now();
    let logs = served
        .wait_for(&["logs", "client"], Duration::from_secs(5), |out| {
            last_loop_line(out).is_some_and(|line| line.ends_with("(exit 7)"))
        })
        .await;
    eprintln!("the Service refused {:?} after the scale", scaled.elapsed());
    let refused = last_loop_line(&logs).unwrap_or_default();
    assert!(
        refused.starts_with("loop: curl: (7) Failed to connect to echo port 80 after ")
            && refused.ends_with(" ms: Couldn't connect to server (exit 7)"),
        "{refused}"
    );

    // …and answers again once pods are back.
    served
        .kubectl(&["scale", "deployment", "echo-summer", "--replicas=2"])
        .await;
    served
        .wait_for(&["logs", "client"], Duration::from_secs(90), |out| {
            last_loop_line(out) == Some("loop: Hello Docker!! (exit 0)")
        })
        .await;
    let (out, _, _) = served.kubectl(&["logs", &winter[0]]).await;
    assert!(!out.contains("received request"), "{out}");

    // Deleting the Service removes its proxy and its table; deleting the
    // rest leaves nothing behind.
    let (out, _, code) = served.kubectl(&["delete", "service", "echo"]).await;
    assert_eq!((out.as_str(), code), ("service \"echo\" deleted\n", 0));
    served
        .wait_until_gone(
            &proxy,
            Duration::from_secs(10),
            "the proxy outlived its Service",
        )
        .await;
    assert!(!served.dir.join("state/services/default/echo").exists());
    let (_, err, code) = served
        .kubectl(&["delete", "deployment,pod", "--all", "--grace-period=1"])
        .await;
    assert_eq!(code, 0, "{err}");
    served
        .wait_until_gone("", Duration::from_secs(30), "containers left behind")
        .await;
}

/// A toolbox pod that sleeps, to exec into.
const TOOLBOX_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: toolbox
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: toolbox
    image: gihyodocker/fundamental:0.1.0
    imagePullPolicy: IfNotPresent
    command: [\"sleep\", \"3600\"]
    env:
    - name: COLOR
      valueFrom:
        configMapKeyRef:
          name: settings
          key: color
    volumeMounts:
    - name: config
      mountPath: /etc/app
  volumes:
  - name: config
    configMap:
      name: settings
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_runs_in_the_real_container() {
    if !ready_to_run() {
        return;
    }
    let served = Served::start().await;
    served.write("toolbox.yaml", TOOLBOX_POD);
    served.kubectl(&["apply", "-f", "toolbox.yaml"]).await;
    let (out, err, code) = served
        .kubectl(&[
            "wait",
            "--for=condition=Ready",
            "pod/toolbox",
            "--timeout=60s",
        ])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    let (out, err, code) = served.kubectl(&["exec", "toolbox", "--", "hostname"]).await;
    assert_eq!((out.as_str(), err.as_str(), code), ("toolbox\n", "", 0));
    // The ConfigMap reaches the real container as a file and in the environment.
    let (out, _, _) = served
        .kubectl(&[
            "exec",
            "toolbox",
            "--",
            "sh",
            "-c",
            "cat /etc/app/color; echo; echo $COLOR",
        ])
        .await;
    assert_eq!(out, "blue\nblue\n");
    let (out, err, code) = served
        .kubectl(&[
            "exec",
            "toolbox",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 3",
        ])
        .await;
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("out\n", "err\ncommand terminated with exit code 3\n", 3)
    );
    // Piped stdin reaches the real shell, and its end ends it.
    let mut child = Command::new(KUBECTL)
        .arg("--kubeconfig")
        .arg(&served.kubeconfig)
        .args(["exec", "-i", "toolbox", "--", "sh"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().expect("a stdin");
        stdin
            .write_all(b"echo hi > /tmp/x; cat /tmp/x\n")
            .await
            .expect("written");
    }
    let output = child.wait_with_output().await.expect("kubectl ends");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "hi\n");
    assert_eq!(output.status.code(), Some(0));
    // `exec -it` on a terminal: the real busybox shell's prompt, echo and answers.
    let line = format!(
        "{KUBECTL} --kubeconfig {} exec -it toolbox -- sh",
        served.kubeconfig.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script runs");
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().expect("a stdin");
        for typed in ["hostname\n", "exit\n"] {
            tokio::time::sleep(Duration::from_millis(800)).await;
            stdin.write_all(typed.as_bytes()).await.expect("typed");
        }
        tokio::time::sleep(Duration::from_millis(800)).await;
    }
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the session ends")
        .expect("script ran");
    let screen = String::from_utf8_lossy(&output.stdout);
    // Busybox's ash asks the terminal where its cursor is after each prompt.
    assert!(
        screen.contains("built-in shell (ash)")
            && screen.contains("/ # \u{1b}[6nhostname\r\ntoolbox\r\n/ # \u{1b}[6nexit"),
        "{screen:?}"
    );
    served.kubectl(&["delete", "pod", "toolbox", "--now"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_run_attaches_to_the_real_main_process_then_removes_the_pod() {
    if !ready_to_run() {
        return;
    }
    let served = Served::start().await;
    let mut child = Command::new(KUBECTL)
        .arg("--kubeconfig")
        .arg(&served.kubeconfig)
        .args([
            "run",
            "attached",
            "-i",
            "--rm",
            "--restart=Never",
            "--image=gihyodocker/fundamental:0.1.0",
            "--image-pull-policy=IfNotPresent",
            "--",
            "sh",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("kubectl runs");
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().expect("a stdin");
        // The container's own shell (PID 1) answers: its hostname is the pod's.
        stdin
            .write_all(b"echo \"hello from $(hostname), pid $$\"\n")
            .await
            .expect("written");
    }
    let output = tokio::time::timeout(Duration::from_secs(90), child.wait_with_output())
        .await
        .expect("kubectl ends once stdin closes")
        .expect("kubectl ran");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("hello from attached, pid 1\n")
            && stdout.ends_with("pod \"attached\" deleted\n"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0));
    served
        .wait_until_gone(
            "_attached_",
            Duration::from_secs(30),
            "the attached pod's containers stay",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_and_its_undo_replace_the_real_containers() {
    if !ready_to_run() {
        return;
    }
    let served = Served::start().await;
    let rolled_out = |served: &Served| {
        let served = served.kubeconfig.clone();
        async move {
            let output = Command::new(KUBECTL)
                .arg("--kubeconfig")
                .arg(&served)
                .args(["rollout", "status", "deployment/echo", "--timeout=90s"])
                .output()
                .await
                .expect("kubectl runs");
            assert!(output.status.success(), "{output:?}");
        }
    };
    // The running echo containers, once the old pods' have stopped (a
    // rollout is complete while old pods are still terminating).
    let echo_containers = |served: &Served| {
        let label = served.label.clone();
        async move {
            let start = std::time::Instant::now();
            loop {
                let mut ids: Vec<String> = docker(&[
                    "ps",
                    "-q",
                    "--no-trunc",
                    "--filter",
                    &format!("label=io.sunaba.cluster={label}"),
                    "--filter",
                    "label=io.sunaba.container=echo",
                ])
                .await
                .lines()
                .map(str::to_string)
                .collect();
                if ids.len() == 3 || start.elapsed() > Duration::from_secs(30) {
                    ids.sort();
                    return ids;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    };
    served.write("deployment.yaml", &seed_deployment("first"));
    served.kubectl(&["apply", "-f", "deployment.yaml"]).await;
    rolled_out(&served).await;
    let first = echo_containers(&served).await;
    assert_eq!(first.len(), 3, "three echo containers run");

    // A new template: new pods, new containers, the old ones gone.
    served.write("deployment.yaml", &seed_deployment("second"));
    served.kubectl(&["apply", "-f", "deployment.yaml"]).await;
    rolled_out(&served).await;
    let second = echo_containers(&served).await;
    assert_eq!(second.len(), 3);
    assert!(second.iter().all(|id| !first.contains(id)), "all replaced");
    let env = docker(&[
        "inspect",
        "-f",
        "{{range .Config.Env}}{{println .}}{{end}}",
        &second[0],
    ])
    .await;
    assert!(env.lines().any(|l| l == "MESSAGE=second"), "{env}");

    // Undo brings the first template back, in containers again new.
    let (out, _, code) = served
        .kubectl(&["rollout", "undo", "deployment", "echo"])
        .await;
    assert_eq!(
        (out.as_str(), code),
        ("deployment.apps/echo rolled back\n", 0)
    );
    rolled_out(&served).await;
    let undone = echo_containers(&served).await;
    assert_eq!(undone.len(), 3);
    assert!(undone
        .iter()
        .all(|id| !second.contains(id) && !first.contains(id)));
    let env = docker(&[
        "inspect",
        "-f",
        "{{range .Config.Env}}{{println .}}{{end}}",
        &undone[0],
    ])
    .await;
    assert!(env.lines().any(|l| l == "MESSAGE=first"), "{env}");

    // Deleting the Deployment removes every container it made.
    served.kubectl(&["delete", "-f", "deployment.yaml"]).await;
    served
        .wait_until_gone("", Duration::from_secs(60), "containers left behind")
        .await;
}

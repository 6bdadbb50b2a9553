//! The real kubectl against `sunaba serve`: each test starts the server on
//! a free loopback port with a manual clock, writes a kubeconfig, and runs
//! `kubectl` as a process. Every command also runs in core's kubectl on a
//! twin cluster (same seed, same clock moves), and the two must print the
//! same bytes with the same exit code; the whole transcript is then
//! compared with what a learner should see.
//!
//! The binary is `$SUNABA_KUBECTL`, else kubectl 1.32 (gcloud's
//! `/usr/bin/kubectl` is a dispatcher that runs the kubectl matching the
//! server's version, 1.33 here, so 1.32 is taken from beside it), else
//! `/usr/bin/kubectl`. Without one the tests are skipped, unless
//! `SUNABA_REQUIRE_KUBECTL=1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sunaba_core::api::Kind;
use sunaba_core::kubectl::{self, Context, Files};
use sunaba_core::{seed, Cluster, ClusterConfig};
use sunaba_server::cluster::{Clock, ClusterHandle};
use sunaba_server::{ServeConfig, Server};

#[path = "support/manifest_site.rs"]
mod manifest_site;

/// Where gcloud ships kubectl 1.32 beside its dispatcher.
const KUBECTL_1_32: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";
/// The kubectl on the PATH of a typical machine.
const KUBECTL: &str = "/usr/bin/kubectl";

/// The kubectls to run: `$SUNABA_KUBECTL` alone, else kubectl 1.32 and
/// `/usr/bin/kubectl` (as dispatched), whichever exist. None (with a note)
/// skips the tests, unless `SUNABA_REQUIRE_KUBECTL=1`.
fn kubectls() -> Vec<PathBuf> {
    if let Some(path) = std::env::var_os("SUNABA_KUBECTL") {
        return vec![PathBuf::from(path)];
    }
    let found: Vec<PathBuf> = [KUBECTL_1_32, KUBECTL]
        .iter()
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .collect();
    if found.is_empty() {
        assert!(
            std::env::var("SUNABA_REQUIRE_KUBECTL").as_deref() != Ok("1"),
            "SUNABA_REQUIRE_KUBECTL=1 but no kubectl at {KUBECTL_1_32} or {KUBECTL}"
        );
        eprintln!("skipped: no kubectl (set SUNABA_KUBECTL to one)");
    }
    found
}

/// Files for core's kubectl: the same ones written to the real kubectl's working directory.
struct MemFiles(BTreeMap<String, String>);

impl Files for MemFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path.trim_start_matches("./")).cloned()
    }

    /// A directory's entries: the names under `dir/`, files and
    /// subdirectories once each.
    fn list(&self, dir: &str) -> Option<Vec<String>> {
        let prefix = format!("{}/", dir.trim_start_matches("./").trim_end_matches('/'));
        let mut entries: Vec<String> = self
            .0
            .keys()
            .filter_map(|path| path.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
            .collect();
        entries.dedup();
        (!entries.is_empty()).then_some(entries)
    }

    /// URLs are fetched as `sunaba shell` fetches them.
    fn fetched(&self, url: &str) -> Option<kubectl::url::Fetched> {
        Some(sunaba_server::fetch::fetch_with_retries(url))
    }
}

/// The files, with a command's standard input.
struct Piped<'a> {
    files: &'a MemFiles,
    stdin: Option<&'a str>,
}

impl Files for Piped<'_> {
    fn read(&self, path: &str) -> Option<String> {
        self.files.read(path)
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        self.files.list(dir)
    }

    fn fetched(&self, url: &str) -> Option<kubectl::url::Fetched> {
        self.files.fetched(url)
    }

    fn stdin(&self) -> Option<String> {
        self.stdin.map(str::to_string)
    }
}

/// What a command printed.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Printed {
    stdout: String,
    stderr: String,
    code: i32,
}

/// The served cluster, its twin, and the real kubectl's setup.
struct Playground {
    binary: PathBuf,
    dir: PathBuf,
    kubeconfig: PathBuf,
    server: ClusterHandle,
    twin: Cluster,
    files: MemFiles,
}

fn cluster_config() -> ClusterConfig {
    ClusterConfig::default()
}

impl Playground {
    /// Starts a server with a manual clock and writes the seed's manifests and `extra` files.
    async fn start(binary: PathBuf, name: &str, extra: &[(&str, &str)]) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "sunaba-kubectl-{}-{}-{name}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).expect("a temporary directory");
        let mut files = BTreeMap::new();
        for (file, text) in seed::SEED_MANIFESTS.iter().chain(extra) {
            let path = dir.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("a manifest's directory");
            }
            std::fs::write(path, text).expect("write a manifest");
            files.insert(file.to_string(), text.to_string());
        }
        let config = ServeConfig {
            addr: "127.0.0.1:0".parse().expect("a valid address"),
            ..ServeConfig::default()
        };
        let server = Server::bind_with(&config, cluster_config(), Clock::Manual)
            .await
            .expect("bind a loopback port");
        let kubeconfig = dir.join("kubeconfig");
        std::fs::write(&kubeconfig, server.kubeconfig().expect("a bound address"))
            .expect("write the kubeconfig");
        let handle = server.cluster();
        tokio::spawn(server.run());
        Self {
            binary,
            dir,
            kubeconfig,
            server: handle,
            twin: Cluster::new(cluster_config()),
            files: MemFiles(files),
        }
    }

    fn command(&self, args: &[String]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.binary);
        command
            .args(args)
            .current_dir(&self.dir)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.dir.join("home"))
            .env_remove("KUBECTL_EXTERNAL_DIFF")
            .kill_on_drop(true);
        command
    }

    /// Runs the real kubectl; a `delete TYPE NAME` gets the clock moved
    /// while it waits, one second at a time, as core's kubectl moves it.
    async fn real(&self, args: &[String]) -> Printed {
        self.real_with_stdin(args, None).await
    }

    /// [`Self::real`], with `stdin` as the process's standard input (else none).
    async fn real_with_stdin(&self, args: &[String], stdin: Option<&str>) -> Printed {
        let mut child = self
            .command(args)
            .stdin(if stdin.is_some() {
                std::process::Stdio::piped()
            } else {
                std::process::Stdio::null()
            })
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("kubectl starts");
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            use tokio::io::AsyncWriteExt;
            pipe.write_all(text.as_bytes()).await.expect("write stdin");
        }
        let waiting = deleted_target(args);
        let output = match waiting {
            None => child.wait_with_output().await,
            Some((kind, name)) => {
                let output = tokio::spawn(child.wait_with_output());
                self.advance_while_terminating(kind, &name, &output).await;
                output.await.expect("kubectl is awaited")
            }
        }
        .expect("kubectl runs");
        Printed {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }

    /// Once the object is marked for deletion, moves the clock a second at
    /// a time until it is gone; returns early when kubectl ends.
    async fn advance_while_terminating<T>(
        &self,
        kind: Kind,
        name: &str,
        kubectl: &tokio::task::JoinHandle<T>,
    ) {
        let name = name.to_string();
        for _ in 0..2000 {
            if kubectl.is_finished() {
                return;
            }
            let key = name.clone();
            let state = self
                .server
                .call(move |c| {
                    c.api()
                        .store()
                        .find(kind, "default", &key)
                        .map(|o| o.metadata().deletion_timestamp.is_some())
                })
                .await
                .expect("the cluster runs");
            match state {
                Some(true) => self.server.advance(1_000).await.expect("the cluster runs"),
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    /// Runs core's kubectl on the twin cluster.
    fn core(&mut self, args: &[String]) -> Printed {
        self.core_with_stdin(args, None)
    }

    /// [`Self::core`], with `stdin` as what `-f -` reads.
    fn core_with_stdin(&mut self, args: &[String], stdin: Option<&str>) -> Printed {
        let files = Piped {
            files: &self.files,
            stdin,
        };
        // It may fetch a URL, blocking: other tasks move to the other worker.
        let output = tokio::task::block_in_place(|| {
            kubectl::run(
                &mut Context {
                    cluster: &mut self.twin,
                    files: &files,
                },
                args,
            )
        });
        Printed {
            stdout: output.stdout,
            stderr: output.stderr,
            code: output.exit_code,
        }
    }

    /// Moves both clocks.
    async fn advance(&mut self, millis: i64) {
        self.server.advance(millis).await.expect("the cluster runs");
        self.twin.advance(millis);
    }

    /// Runs a script of `$ kubectl …` lines and `# advance Ns`, checking that
    /// the real kubectl prints what core's does; returns the transcript.
    async fn transcript(&mut self, script: &str) -> String {
        let mut transcript = String::new();
        for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(seconds) = line.strip_prefix("# advance ") {
                let seconds: i64 = seconds.trim_end_matches('s').parse().expect("seconds");
                self.advance(seconds * 1000).await;
                transcript.push_str(&format!("{line}\n"));
                continue;
            }
            let command = line
                .strip_prefix("$ kubectl")
                .expect("a kubectl line")
                .trim_start();
            // `… < FILE`: the file is the command's standard input.
            let (words, stdin) = match command.rsplit_once(" < ") {
                Some((words, file)) => (words, self.files.0.get(file).cloned()),
                None => (command, None),
            };
            let args = kubectl::args::split_words(words).expect("balanced quotes");
            let real = self.real_with_stdin(&args, stdin.as_deref()).await;
            let core = self.core_with_stdin(&args, stdin.as_deref());
            assert_eq!(
                real, core,
                "real kubectl and core's differ on `kubectl {command}`"
            );
            transcript.push_str(&format!("$ kubectl {command}\n{}", real.stdout));
            for err in real.stderr.lines() {
                transcript.push_str(&format!("stderr: {err}\n"));
            }
            if real.code != 0 {
                transcript.push_str(&format!("exit: {}\n", real.code));
            }
        }
        transcript
    }
}

impl Drop for Playground {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `delete TYPE NAME` (or `TYPE/NAME`): the one object kubectl then waits for.
fn deleted_target(args: &[String]) -> Option<(Kind, String)> {
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    match words.as_slice() {
        ["delete", typed] => {
            let (kind, name) = typed.split_once('/')?;
            Some((Kind::from_resource_arg(kind)?, name.to_string()))
        }
        ["delete", kind, name] => Some((Kind::from_resource_arg(kind)?, name.to_string())),
        _ => None,
    }
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

/// Runs `script` with every kubectl on a fresh server and twin, and checks the transcript.
async fn check(name: &str, extra: &[(&str, &str)], script: &str, expected: &str) {
    check_with(kubectls(), name, extra, script, expected).await;
}

/// As [`check`], with kubectl 1.32 alone: for what changed in 1.33 (help
/// texts), where only the version Sunaba emulates can agree with core.
async fn check_1_32(name: &str, extra: &[(&str, &str)], script: &str, expected: &str) {
    check_with(kubectls_1_32(), name, extra, script, expected).await;
}

/// [`kubectls`] less gcloud's dispatcher (which runs 1.33 here).
fn kubectls_1_32() -> Vec<PathBuf> {
    kubectls()
        .into_iter()
        .filter(|p| std::env::var_os("SUNABA_KUBECTL").is_some() || p.ends_with("kubectl.1.32"))
        .collect()
}

async fn check_with(
    binaries: Vec<PathBuf>,
    name: &str,
    extra: &[(&str, &str)],
    script: &str,
    expected: &str,
) {
    for binary in binaries {
        let mut playground = Playground::start(binary.clone(), name, extra).await;
        let transcript = playground.transcript(script).await;
        assert_eq!(transcript, expected, "with {}", path_text(&binary));
    }
}

const UNKNOWN_FIELD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
  - name: c
    imagee: nginx
";

const INVALID_NAME: &str = "apiVersion: v1
kind: Pod
metadata:
  name: Bad_Name
spec:
  containers:
  - name: c
    image: nginx
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_version_reports_the_simulated_server() {
    for binary in kubectls() {
        let playground = Playground::start(binary, "version", &[]).await;
        let client = playground
            .real(&["version".to_string(), "--client".to_string()])
            .await;
        let full = playground.real(&["version".to_string()]).await;
        assert_eq!(
            (full.stdout, full.stderr, full.code),
            (
                format!("{}Server Version: v1.33.1\n", client.stdout),
                String::new(),
                0
            ),
            "kubeconfig {}",
            path_text(&playground.kubeconfig)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_nodes_prints_what_core_kubectl_prints() {
    check(
        "nodes",
        &[],
        "# advance 90s
         $ kubectl get nodes
         $ kubectl get no sunaba-worker -o name
         $ kubectl get nodes -l node-role.kubernetes.io/control-plane
         $ kubectl get namespaces
         $ kubectl api-versions",
        "# advance 90s
$ kubectl get nodes
NAME                   STATUS   ROLES           AGE   VERSION
sunaba-control-plane   Ready    control-plane   90s   v1.33.1
sunaba-worker          Ready    <none>          90s   v1.33.1
sunaba-worker2         Ready    <none>          90s   v1.33.1
$ kubectl get no sunaba-worker -o name
node/sunaba-worker
$ kubectl get nodes -l node-role.kubernetes.io/control-plane
NAME                   STATUS   ROLES           AGE   VERSION
sunaba-control-plane   Ready    control-plane   90s   v1.33.1
$ kubectl get namespaces
NAME              STATUS   AGE
default           Active   90s
kube-node-lease   Active   90s
kube-public       Active   90s
kube-system       Active   90s
$ kubectl api-versions
apps/v1
discovery.k8s.io/v1
networking.k8s.io/v1
rbac.authorization.k8s.io/v1
v1
",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_then_get_pods_as_the_clock_moves() {
    check(
        "apply-pod",
        &[],
        "$ kubectl apply -f simple-pod.yaml
         $ kubectl get pods
         # advance 30s
         $ kubectl get pods
         $ kubectl get pods -o wide
         $ kubectl get pods -A --show-labels
         $ kubectl get pods -n kube-system
         $ kubectl get pods --field-selector status.phase=Running -o name
         $ kubectl get pods -l app=echo
         $ kubectl apply -f simple-pod.yaml",
        "$ kubectl apply -f simple-pod.yaml
pod/simple-echo created
$ kubectl get pods
NAME          READY   STATUS              RESTARTS   AGE
simple-echo   0/2     ContainerCreating   0          0s
# advance 30s
$ kubectl get pods
NAME          READY   STATUS    RESTARTS   AGE
simple-echo   2/2     Running   0          30s
$ kubectl get pods -o wide
NAME          READY   STATUS    RESTARTS   AGE   IP           NODE            NOMINATED NODE   READINESS GATES
simple-echo   2/2     Running   0          30s   10.244.1.2   sunaba-worker   <none>           <none>
$ kubectl get pods -A --show-labels
NAMESPACE   NAME          READY   STATUS    RESTARTS   AGE   LABELS
default     simple-echo   2/2     Running   0          30s   <none>
$ kubectl get pods -n kube-system
stderr: No resources found in kube-system namespace.
$ kubectl get pods --field-selector status.phase=Running -o name
pod/simple-echo
$ kubectl get pods -l app=echo
stderr: No resources found in default namespace.
$ kubectl apply -f simple-pod.yaml
pod/simple-echo unchanged
",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yaml_and_json_are_the_objects_core_kubectl_prints() {
    for binary in kubectls() {
        let mut playground = Playground::start(binary, "yaml", &[]).await;
        // `transcript` checks each output against core's, byte for byte.
        let transcript = playground
            .transcript(
                "$ kubectl apply -f simple-pod.yaml
                 $ kubectl apply -f simple-service.yaml
                 # advance 30s
                 $ kubectl get pod simple-echo -o yaml
                 $ kubectl get svc -o json
                 $ kubectl get pods,svc -o yaml",
            )
            .await;
        for line in [
            "$ kubectl get pod simple-echo -o yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n",
            "  phase: Running\n",
            "$ kubectl get svc -o json\n{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n",
            "$ kubectl get pods,svc -o yaml\napiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n",
        ] {
            assert!(transcript.contains(line), "{line:?} not in\n{transcript}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_the_api_servers_status_objects() {
    check(
        "errors",
        &[("typo.yaml", UNKNOWN_FIELD), ("invalid.yaml", INVALID_NAME)],
        "$ kubectl get pod x
         $ kubectl get deploy x
         $ kubectl delete pod x
         $ kubectl create -f simple-pod.yaml
         $ kubectl create -f simple-pod.yaml
         $ kubectl apply -f typo.yaml
         $ kubectl apply -f invalid.yaml
         $ kubectl get pods --field-selector spec.foo=bar",
        r#"$ kubectl get pod x
stderr: Error from server (NotFound): pods "x" not found
exit: 1
$ kubectl get deploy x
stderr: Error from server (NotFound): deployments.apps "x" not found
exit: 1
$ kubectl delete pod x
stderr: Error from server (NotFound): pods "x" not found
exit: 1
$ kubectl create -f simple-pod.yaml
pod/simple-echo created
$ kubectl create -f simple-pod.yaml
stderr: Error from server (AlreadyExists): error when creating "simple-pod.yaml": pods "simple-echo" already exists
exit: 1
$ kubectl apply -f typo.yaml
stderr: Error from server (BadRequest): error when creating "typo.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"
exit: 1
$ kubectl apply -f invalid.yaml
stderr: The Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
exit: 1
$ kubectl get pods --field-selector spec.foo=bar
stderr: Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.foo=bar": field label not supported: spec.foo
exit: 1
"#,
    )
    .await;
}

/// Where core's kubectl words an error differently from the real one, the
/// server still answers as the API server does, and real kubectl prints this.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_kubectl_words_itself_match_core() {
    for binary in kubectls() {
        let mut playground = Playground::start(binary, "real-errors", &[]).await;
        let cases = [
            (
                "logs x",
                "error: error from server (NotFound): pods \"x\" not found in namespace \"default\"\n",
            ),
            (
                "get pods -l 'a in (b'",
                "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"a in (b\", field selector \"\": unable to parse requirement: found '', expected: ')'\n",
            ),
        ];
        for (command, stderr) in cases {
            let args = kubectl::args::split_words(command).expect("balanced quotes");
            let real = playground.real(&args).await;
            assert_eq!(
                (real.stdout.as_str(), real.stderr.as_str(), real.code),
                ("", stderr, 1),
                "kubectl {command}"
            );
            let core = playground.core(&args);
            assert_eq!(
                (core.stdout.as_str(), core.stderr.as_str(), core.code),
                ("", stderr, 1),
                "core's kubectl {command}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_waits_until_the_pod_is_gone() {
    check(
        "delete",
        &[],
        "$ kubectl apply -f simple-pod.yaml
         # advance 30s
         $ kubectl delete pod simple-echo
         $ kubectl get pods
         $ kubectl apply -f simple-service.yaml
         $ kubectl delete -f simple-service.yaml
         $ kubectl get svc",
        "$ kubectl apply -f simple-pod.yaml
pod/simple-echo created
# advance 30s
$ kubectl delete pod simple-echo
pod \"simple-echo\" deleted
$ kubectl get pods
stderr: No resources found in default namespace.
$ kubectl apply -f simple-service.yaml
service/echo created
$ kubectl delete -f simple-service.yaml
service \"echo\" deleted
$ kubectl get svc
NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   31s
",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_come_from_the_simulated_kubelet() {
    check(
        "logs",
        &[],
        "$ kubectl apply -f simple-pod.yaml
         $ kubectl logs simple-echo -c echo
         # advance 30s
         $ kubectl logs simple-echo
         $ kubectl logs simple-echo -c echo --tail 1 --timestamps
         $ kubectl logs simple-echo -c nope",
        "$ kubectl apply -f simple-pod.yaml
pod/simple-echo created
$ kubectl logs simple-echo -c echo
stderr: Error from server (BadRequest): container \"echo\" in pod \"simple-echo\" is waiting to start: ContainerCreating
exit: 1
# advance 30s
$ kubectl logs simple-echo
/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/
/docker-entrypoint.sh: Configuration complete; ready for start up
stderr: Defaulted container \"nginx\" out of: nginx, echo
$ kubectl logs simple-echo -c echo --tail 1 --timestamps
2026-01-01T00:00:02.185Z 2026/01/01 00:00:02 start server
$ kubectl logs simple-echo -c nope
stderr: error: container nope is not valid for pod simple-echo
exit: 1
",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_configures_scale_patches_and_get_all_lists_the_workload() {
    let scaled = seed::manifest("simple-deployment.yaml")
        .unwrap_or_default()
        .replace("replicas: 3", "replicas: 2");
    check(
        "deployment",
        &[("scaled.yaml", &scaled)],
        "$ kubectl apply -f simple-deployment.yaml
         # advance 20s
         $ kubectl apply -f simple-deployment.yaml
         $ kubectl apply -f scaled.yaml
         # advance 20s
         $ kubectl get deploy -o wide
         $ kubectl scale deployment echo --replicas=1
         # advance 20s
         $ kubectl get all
         $ kubectl delete deployment echo
         $ kubectl get deploy,rs",
        "$ kubectl apply -f simple-deployment.yaml
deployment.apps/echo created
# advance 20s
$ kubectl apply -f simple-deployment.yaml
deployment.apps/echo unchanged
$ kubectl apply -f scaled.yaml
deployment.apps/echo configured
# advance 20s
$ kubectl get deploy -o wide
NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                                                   SELECTOR
echo   2/2     2            2           40s   nginx,echo   gihyodocker/nginx-proxy:latest,gihyodocker/echo:latest   app=echo
$ kubectl scale deployment echo --replicas=1
deployment.apps/echo scaled
# advance 20s
$ kubectl get all
NAME                        READY   STATUS    RESTARTS   AGE
pod/echo-559c4867bd-86m88   2/2     Running   0          60s

NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   60s

NAME                   READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/echo   1/1     1            1           60s

NAME                              DESIRED   CURRENT   READY   AGE
replicaset.apps/echo-559c4867bd   1         1         1       60s
$ kubectl delete deployment echo
deployment.apps \"echo\" deleted
$ kubectl get deploy,rs
stderr: No resources found in default namespace.
",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patches_from_label_annotate_set_and_apply_match_core_kubectl() {
    let pod = seed::manifest("simple-pod.yaml").unwrap_or_default();
    let changed_port = pod.replace("containerPort: 80", "containerPort: 81");
    let new_image = pod.replace("gihyodocker/echo:latest", "gihyodocker/echo:v1");
    check(
        "patches",
        &[("port.yaml", &changed_port), ("image.yaml", &new_image)],
        "$ kubectl apply -f simple-pod.yaml
         # advance 10s
         $ kubectl apply -f port.yaml
         $ kubectl apply -f image.yaml
         $ kubectl label pod simple-echo tier=web
         $ kubectl annotate pod simple-echo note=hello
         $ kubectl set image pod/simple-echo echo=gihyodocker/echo:latest
         $ kubectl get pods -L tier
         $ kubectl apply -f simple-replicaset-with-label.yaml
         $ kubectl apply -f simple-service.yaml
         # advance 10s
         $ kubectl get pods -l app=echo,release=summer
         $ kubectl expose pod simple-echo --port 80 --name direct
         $ kubectl get svc -o wide
         $ kubectl run debug --image=busybox --restart=Never -- sleep 100
         # advance 10s
         $ kubectl delete pod debug --now
         $ kubectl get pods",
        "$ kubectl apply -f simple-pod.yaml
pod/simple-echo created
# advance 10s
$ kubectl apply -f port.yaml
stderr: The Pod \"simple-echo\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)
exit: 1
$ kubectl apply -f image.yaml
pod/simple-echo configured
$ kubectl label pod simple-echo tier=web
pod/simple-echo labeled
$ kubectl annotate pod simple-echo note=hello
pod/simple-echo annotated
$ kubectl set image pod/simple-echo echo=gihyodocker/echo:latest
pod/simple-echo image updated
$ kubectl get pods -L tier
NAME          READY   STATUS    RESTARTS   AGE   TIER
simple-echo   2/2     Running   0          10s   web
$ kubectl apply -f simple-replicaset-with-label.yaml
replicaset.apps/echo-spring created
replicaset.apps/echo-summer created
$ kubectl apply -f simple-service.yaml
service/echo created
# advance 10s
$ kubectl get pods -l app=echo,release=summer
NAME                READY   STATUS    RESTARTS   AGE
echo-summer-cn86h   2/2     Running   0          10s
echo-summer-kjkmr   2/2     Running   0          10s
$ kubectl expose pod simple-echo --port 80 --name direct
service/direct exposed
$ kubectl get svc -o wide
NAME         TYPE        CLUSTER-IP       EXTERNAL-IP   PORT(S)   AGE   SELECTOR
direct       ClusterIP   10.108.141.143   <none>        80/TCP    0s    tier=web
echo         ClusterIP   10.111.81.206    <none>        80/TCP    10s   app=echo,release=summer
kubernetes   ClusterIP   10.96.0.1        <none>        443/TCP   20s   <none>
$ kubectl run debug --image=busybox --restart=Never -- sleep 100
pod/debug created
# advance 10s
$ kubectl delete pod debug --now
pod \"debug\" deleted
$ kubectl get pods
NAME                READY   STATUS    RESTARTS   AGE
echo-spring-6gkjs   2/2     Running   0          21s
echo-summer-cn86h   2/2     Running   0          21s
echo-summer-kjkmr   2/2     Running   0          21s
simple-echo         2/2     Running   0          31s
",
    )
    .await;
}

/// kubectl's typed clients (`create deployment`, `create configmap`, …)
/// send protobuf; the server decodes it into the objects core's kubectl
/// creates on the twin, as the listings and `-o yaml` show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_generators_send_protobuf_and_store_what_core_kubectl_stores() {
    check(
        "protobuf",
        &[],
        "$ kubectl create deployment web --image=nginx:1.25 --replicas=2
         $ kubectl create configmap cfg --from-literal=a=b
         $ kubectl create secret generic s --from-literal=k=v
         $ kubectl create service clusterip web --tcp=80:8080
         $ kubectl create namespace dev
         $ kubectl create deployment zero --image=nginx:1.25 --replicas=0 --port=80
         # advance 20s
         $ kubectl get deployment,configmap,secret,service
         $ kubectl get deployment web -o yaml
         $ kubectl get configmap cfg -o yaml
         $ kubectl get secret s -o yaml
         $ kubectl get service web -o yaml
         $ kubectl get namespace dev -o yaml",
        r#"$ kubectl create deployment web --image=nginx:1.25 --replicas=2
deployment.apps/web created
$ kubectl create configmap cfg --from-literal=a=b
configmap/cfg created
$ kubectl create secret generic s --from-literal=k=v
secret/s created
$ kubectl create service clusterip web --tcp=80:8080
service/web created
$ kubectl create namespace dev
namespace/dev created
$ kubectl create deployment zero --image=nginx:1.25 --replicas=0 --port=80
deployment.apps/zero created
# advance 20s
$ kubectl get deployment,configmap,secret,service
NAME                   READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/web    2/2     2            2           20s
deployment.apps/zero   0/0     0            0           20s

NAME                         DATA   AGE
configmap/cfg                1      20s
configmap/kube-root-ca.crt   1      20s

NAME       TYPE     DATA   AGE
secret/s   Opaque   1      20s

NAME                 TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE
service/kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP   20s
service/web          ClusterIP   10.109.134.25   <none>        80/TCP    20s
$ kubectl get deployment web -o yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
  creationTimestamp: "2026-01-01T00:00:00Z"
  generation: 1
  labels:
    app: web
  name: web
  namespace: default
  resourceVersion: "67"
  uid: 417ef961-81da-4383-bc3c-41a3b43343a1
spec:
  progressDeadlineSeconds: 600
  replicas: 2
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.25
        imagePullPolicy: IfNotPresent
        name: nginx
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      enableServiceLinks: true
      preemptionPolicy: PreemptLowerPriority
      priority: 0
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 2
  conditions:
  - lastTransitionTime: "2026-01-01T00:00:02Z"
    lastUpdateTime: "2026-01-01T00:00:02Z"
    message: Deployment has minimum availability.
    reason: MinimumReplicasAvailable
    status: "True"
    type: Available
  - lastTransitionTime: "2026-01-01T00:00:00Z"
    lastUpdateTime: "2026-01-01T00:00:02Z"
    message: ReplicaSet "web-54cbbc4d54" has successfully progressed.
    reason: NewReplicaSetAvailable
    status: "True"
    type: Progressing
  observedGeneration: 1
  readyReplicas: 2
  replicas: 2
  updatedReplicas: 2
$ kubectl get configmap cfg -o yaml
apiVersion: v1
data:
  a: b
kind: ConfigMap
metadata:
  creationTimestamp: "2026-01-01T00:00:00Z"
  name: cfg
  namespace: default
  resourceVersion: "37"
  uid: ef054fce-ee95-4551-9f82-012d0555c6df
$ kubectl get secret s -o yaml
apiVersion: v1
data:
  k: dg==
kind: Secret
metadata:
  creationTimestamp: "2026-01-01T00:00:00Z"
  name: s
  namespace: default
  resourceVersion: "38"
  uid: 292566ff-7240-4c08-84dd-302a1bfa1137
type: Opaque
$ kubectl get service web -o yaml
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: "2026-01-01T00:00:00Z"
  labels:
    app: web
  name: web
  namespace: default
  resourceVersion: "39"
  uid: 6a27ff80-7441-4cd2-96a5-73e9b48216e8
spec:
  clusterIP: 10.109.134.25
  clusterIPs:
  - 10.109.134.25
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  sessionAffinity: None
  type: ClusterIP
status: {}
$ kubectl get namespace dev -o yaml
apiVersion: v1
kind: Namespace
metadata:
  creationTimestamp: "2026-01-01T00:00:00Z"
  name: dev
  resourceVersion: "42"
  uid: 21c6e266-39ac-4c65-99dc-cac414d23c6f
spec:
  finalizers:
  - kubernetes
status:
  phase: Active
"#,
    )
    .await;
}

/// Generators core's kubectl does not offer yet (it says so, and points to
/// `create -f`) still reach the server from the real kubectl as protobuf,
/// and are stored whole: RBAC's empty API group, the subjects, the Ingress
/// rule's path type and TLS, the registry secret's type.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_generators_core_lacks_are_decoded_too() {
    for binary in kubectls() {
        let playground = Playground::start(binary, "protobuf-rbac", &[]).await;
        let cases = [
            ("create serviceaccount sa", "serviceaccount/sa created\n"),
            (
                "create role r --verb=get,list --resource=pods,deployments.apps",
                "role.rbac.authorization.k8s.io/r created\n",
            ),
            (
                "create rolebinding rb --role=r --user=bob --serviceaccount=default:sa",
                "rolebinding.rbac.authorization.k8s.io/rb created\n",
            ),
            (
                "create clusterrole cr --verb=get --resource=nodes",
                "clusterrole.rbac.authorization.k8s.io/cr created\n",
            ),
            (
                "create clusterrolebinding crb --clusterrole=cr --group=g",
                "clusterrolebinding.rbac.authorization.k8s.io/crb created\n",
            ),
            (
                "create ingress ing --class=nginx --rule=foo.com/bar*=web:80,tls=cert",
                "ingress.networking.k8s.io/ing created\n",
            ),
            (
                "create secret docker-registry d --docker-server=x --docker-username=u --docker-password=p",
                "secret/d created\n",
            ),
            (
                "get role r -o jsonpath={.rules}",
                r#"[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]},{"apiGroups":["apps"],"resources":["deployments"],"verbs":["get","list"]}]"#,
            ),
            (
                "get rolebinding rb -o jsonpath={.roleRef.kind}/{.roleRef.name}:{.subjects[*].name}",
                "Role/r:bob sa",
            ),
            (
                "get clusterrolebinding crb -o jsonpath={.subjects[0].kind}={.subjects[0].name}",
                "Group=g",
            ),
            (
                "get ingress ing -o jsonpath={.spec.ingressClassName}/{.spec.rules[0].http.paths[0].pathType}/{.spec.tls[0].secretName}",
                "nginx/Prefix/cert",
            ),
            ("get secret d -o jsonpath={.type}", "kubernetes.io/dockerconfigjson"),
        ];
        for (command, stdout) in cases {
            let args = kubectl::args::split_words(command).expect("balanced quotes");
            let real = playground.real(&args).await;
            assert_eq!(
                (real.stdout.as_str(), real.stderr.as_str(), real.code),
                (stdout, "", 0),
                "kubectl {command}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_watch_prints_rows_as_the_pod_starts() {
    use tokio::io::AsyncBufReadExt;
    for binary in kubectls() {
        let playground = Playground::start(binary, "watch", &[]).await;
        let args = ["apply", "-f", "simple-pod.yaml"].map(String::from);
        assert_eq!(playground.real(&args).await.code, 0);
        let mut child = playground
            .command(&["get", "pods", "-w"].map(String::from))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("kubectl starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !seen.iter().any(|l: &String| l.contains("Running")) {
            match tokio::time::timeout_at(deadline, lines.next_line()).await {
                Ok(Ok(Some(line))) => {
                    seen.push(line);
                    playground
                        .server
                        .advance(5_000)
                        .await
                        .expect("the cluster runs");
                }
                _ => break,
            }
        }
        let _ = child.kill().await;
        assert_eq!(
            seen.first().map(String::as_str),
            Some("NAME          READY   STATUS              RESTARTS   AGE"),
            "{seen:?}"
        );
        assert_eq!(
            seen.get(1).map(String::as_str),
            Some("simple-echo   0/2     ContainerCreating   0          0s"),
            "{seen:?}"
        );
        assert!(
            seen.last()
                .is_some_and(|l| l.starts_with("simple-echo   2/2     Running")),
            "{seen:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_runs_commands_in_the_container_over_websocket() {
    check(
        "exec",
        &[],
        "$ kubectl apply -f simple-pod.yaml
         # advance 30s
         $ kubectl exec simple-echo -c echo -- ls /etc
         $ kubectl exec simple-echo -c echo -- ls /nope
         $ kubectl exec simple-echo -c echo -- sh -c 'echo $HOSTNAME; exit 7'
         $ kubectl exec simple-echo -c echo -- nosuch",
        "$ kubectl apply -f simple-pod.yaml
pod/simple-echo created
# advance 30s
$ kubectl exec simple-echo -c echo -- ls /etc
group
hostname
hosts
os-release
passwd
resolv.conf
$ kubectl exec simple-echo -c echo -- ls /nope
stderr: ls: /nope: No such file or directory
stderr: command terminated with exit code 1
exit: 1
$ kubectl exec simple-echo -c echo -- sh -c 'echo $HOSTNAME; exit 7'
simple-echo
stderr: command terminated with exit code 7
exit: 7
$ kubectl exec simple-echo -c echo -- nosuch
stderr: error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"a0d08abb8f2d60f433c35394837e983346c054aa9bd88f460e2be7aef74a6a9d\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH: unknown
exit: 1
",
    )
    .await;
}

impl Playground {
    /// Runs the real kubectl with `input` on its stdin (under `script`, on
    /// a pseudo-terminal, with `tty`); what it printed.
    async fn real_with_input(&self, args: &[&str], input: &str, tty: bool) -> Printed {
        use tokio::io::AsyncWriteExt;
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let mut command = if tty {
            let line = std::iter::once(path_text(&self.binary))
                .chain(args.iter().map(|a| format!("'{a}'")))
                .collect::<Vec<_>>()
                .join(" ");
            let mut command = tokio::process::Command::new("script");
            command
                .args(["-qec", &line, "/dev/null"])
                .current_dir(&self.dir)
                .env("KUBECONFIG", &self.kubeconfig)
                .env("HOME", self.dir.join("home"))
                .kill_on_drop(true);
            command
        } else {
            self.command(&args)
        };
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("kubectl starts");
        let mut stdin = child.stdin.take().expect("a stdin");
        for chunk in input.split_inclusive(['\n', '\r']) {
            // Keystrokes arrive a line at a time, as someone types.
            tokio::time::sleep(Duration::from_millis(if tty { 700 } else { 0 })).await;
            stdin.write_all(chunk.as_bytes()).await.expect("stdin");
        }
        if tty {
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
        drop(stdin);
        let output = child.wait_with_output().await.expect("kubectl runs");
        Printed {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_exec_reads_stdin_and_works_on_a_terminal() {
    for binary in kubectls() {
        let mut playground = Playground::start(binary, "exec-i", &[]).await;
        playground
            .transcript("$ kubectl apply -f simple-pod.yaml\n# advance 30s")
            .await;
        let piped = playground
            .real_with_input(
                &["exec", "-i", "simple-echo", "-c", "echo", "--", "sh"],
                "echo hi\npwd\nls /nope\nexit 4\n",
                false,
            )
            .await;
        assert_eq!(
            piped,
            Printed {
                stdout: "hi\n/\n".into(),
                stderr:
                    "ls: /nope: No such file or directory\ncommand terminated with exit code 4\n"
                        .into(),
                code: 4,
            }
        );
        let ended = playground
            .real_with_input(
                &["exec", "-i", "simple-echo", "-c", "echo", "--", "sh"],
                "echo a\n",
                false,
            )
            .await;
        assert_eq!(
            (ended.stdout.as_str(), ended.code),
            ("a\n", 0),
            "EOF ends the shell"
        );
        if std::path::Path::new("/usr/bin/script").exists() {
            let terminal = playground
                .real_with_input(
                    &["exec", "-it", "simple-echo", "-c", "echo", "--", "sh"],
                    "echo hi\rexit 5\r",
                    true,
                )
                .await;
            assert_eq!(
                terminal.stdout,
                "/ # echo hi\r\nhi\r\n/ # exit 5\r\ncommand terminated with exit code 5\r\n"
            );
            assert_eq!(terminal.code, 5);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_come_in_pages_that_kubectl_joins() {
    check(
        "paging",
        &[],
        "$ kubectl apply -f simple-replicaset.yaml
         # advance 30s
         $ kubectl get pods --chunk-size=1
         $ kubectl get pods --chunk-size=2 -o name
         $ kubectl get replicasets,pods --chunk-size=1 -o name",
        "$ kubectl apply -f simple-replicaset.yaml
replicaset.apps/echo created
# advance 30s
$ kubectl get pods --chunk-size=1
NAME         READY   STATUS    RESTARTS   AGE
echo-fb4vh   2/2     Running   0          30s
echo-jshv8   2/2     Running   0          30s
echo-plsdb   2/2     Running   0          30s
$ kubectl get pods --chunk-size=2 -o name
pod/echo-fb4vh
pod/echo-jshv8
pod/echo-plsdb
$ kubectl get replicasets,pods --chunk-size=1 -o name
replicaset.apps/echo
pod/echo-fb4vh
pod/echo-jshv8
pod/echo-plsdb
",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_apply_merges_by_field_manager_and_refuses_conflicts() {
    let scaled = seed::manifest("simple-deployment.yaml")
        .unwrap_or_default()
        .replace("replicas: 3", "replicas: 2");
    check(
        "server-side-apply",
        &[("scaled.yaml", &scaled)],
        "$ kubectl apply --server-side -f simple-deployment.yaml
         # advance 20s
         $ kubectl apply --server-side -f simple-deployment.yaml
         $ kubectl get deploy echo -o jsonpath={.spec.replicas}
         $ kubectl apply --server-side --field-manager=ci -f scaled.yaml
         $ kubectl get deploy echo -o jsonpath={.spec.replicas}
         $ kubectl apply --server-side --field-manager=ci --force-conflicts -f scaled.yaml
         $ kubectl get deploy echo -o jsonpath={.spec.replicas}
         $ kubectl apply --server-side -f simple-deployment.yaml
         $ kubectl get deploy echo -o yaml
         $ kubectl get deploy echo -o json --show-managed-fields
         $ kubectl apply --server-side --dry-run=server -f simple-pod.yaml
         $ kubectl get pods simple-echo",
        r#"$ kubectl apply --server-side -f simple-deployment.yaml
deployment.apps/echo serverside-applied
# advance 20s
$ kubectl apply --server-side -f simple-deployment.yaml
deployment.apps/echo serverside-applied
$ kubectl get deploy echo -o jsonpath={.spec.replicas}
3$ kubectl apply --server-side --field-manager=ci -f scaled.yaml
stderr: error: Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas
stderr: Please review the fields above--they currently have other managers. Here
stderr: are the ways you can resolve this warning:
stderr: * If you intend to manage all of these fields, please re-run the apply
stderr:   command with the `--force-conflicts` flag.
stderr: * If you do not intend to manage all of the fields, please edit your
stderr:   manifest to remove references to the fields that should keep their
stderr:   current managers.
stderr: * You may co-own fields by updating your manifest to match the existing
stderr:   value; in this case, you'll become the manager if the other manager(s)
stderr:   stop managing the field (remove it from their configuration).
stderr: See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
exit: 1
$ kubectl get deploy echo -o jsonpath={.spec.replicas}
3$ kubectl apply --server-side --field-manager=ci --force-conflicts -f scaled.yaml
deployment.apps/echo serverside-applied
$ kubectl get deploy echo -o jsonpath={.spec.replicas}
2$ kubectl apply --server-side -f simple-deployment.yaml
stderr: error: Apply failed with 1 conflict: conflict with "ci" using apps/v1: .spec.replicas
stderr: Please review the fields above--they currently have other managers. Here
stderr: are the ways you can resolve this warning:
stderr: * If you intend to manage all of these fields, please re-run the apply
stderr:   command with the `--force-conflicts` flag.
stderr: * If you do not intend to manage all of the fields, please edit your
stderr:   manifest to remove references to the fields that should keep their
stderr:   current managers.
stderr: * You may co-own fields by updating your manifest to match the existing
stderr:   value; in this case, you'll become the manager if the other manager(s)
stderr:   stop managing the field (remove it from their configuration).
stderr: See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
exit: 1
$ kubectl get deploy echo -o yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
  creationTimestamp: "2026-01-01T00:00:00Z"
  generation: 2
  labels:
    app: echo
  name: echo
  namespace: default
  resourceVersion: "88"
  uid: 417ef961-81da-4383-bc3c-41a3b43343a1
spec:
  progressDeadlineSeconds: 600
  replicas: 2
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: echo
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: echo
    spec:
      containers:
      - env:
        - name: BACKEND_HOST
          value: localhost:8080
        image: gihyodocker/nginx-proxy:latest
        imagePullPolicy: Always
        name: nginx
        ports:
        - containerPort: 80
          protocol: TCP
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      - image: gihyodocker/echo:latest
        imagePullPolicy: Always
        name: echo
        ports:
        - containerPort: 8080
          protocol: TCP
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      enableServiceLinks: true
      preemptionPolicy: PreemptLowerPriority
      priority: 0
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 2
  conditions:
  - lastTransitionTime: "2026-01-01T00:00:02Z"
    lastUpdateTime: "2026-01-01T00:00:02Z"
    message: Deployment has minimum availability.
    reason: MinimumReplicasAvailable
    status: "True"
    type: Available
  - lastTransitionTime: "2026-01-01T00:00:00Z"
    lastUpdateTime: "2026-01-01T00:00:02Z"
    message: ReplicaSet "echo-559c4867bd" has successfully progressed.
    reason: NewReplicaSetAvailable
    status: "True"
    type: Progressing
  observedGeneration: 2
  readyReplicas: 2
  replicas: 2
  updatedReplicas: 2
$ kubectl get deploy echo -o json --show-managed-fields
{
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "annotations": {
            "deployment.kubernetes.io/revision": "1"
        },
        "creationTimestamp": "2026-01-01T00:00:00Z",
        "generation": 2,
        "labels": {
            "app": "echo"
        },
        "managedFields": [
            {
                "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                    "f:metadata": {
                        "f:labels": {
                            "f:app": {}
                        }
                    },
                    "f:spec": {
                        "f:replicas": {},
                        "f:selector": {
                            "f:matchLabels": {
                                "f:app": {}
                            }
                        },
                        "f:template": {
                            "f:metadata": {
                                "f:labels": {
                                    "f:app": {}
                                }
                            },
                            "f:spec": {
                                "f:containers": {
                                    "k:{\"name\":\"echo\"}": {
                                        ".": {},
                                        "f:image": {},
                                        "f:name": {},
                                        "f:ports": {
                                            "k:{\"containerPort\":8080,\"protocol\":\"TCP\"}": {
                                                ".": {},
                                                "f:containerPort": {}
                                            }
                                        }
                                    },
                                    "k:{\"name\":\"nginx\"}": {
                                        ".": {},
                                        "f:env": {
                                            "k:{\"name\":\"BACKEND_HOST\"}": {
                                                ".": {},
                                                "f:name": {},
                                                "f:value": {}
                                            }
                                        },
                                        "f:image": {},
                                        "f:name": {},
                                        "f:ports": {
                                            "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {
                                                ".": {},
                                                "f:containerPort": {}
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                },
                "manager": "ci",
                "operation": "Apply",
                "time": "2026-01-01T00:00:20Z"
            }
        ],
        "name": "echo",
        "namespace": "default",
        "resourceVersion": "88",
        "uid": "417ef961-81da-4383-bc3c-41a3b43343a1"
    },
    "spec": {
        "progressDeadlineSeconds": 600,
        "replicas": 2,
        "revisionHistoryLimit": 10,
        "selector": {
            "matchLabels": {
                "app": "echo"
            }
        },
        "strategy": {
            "rollingUpdate": {
                "maxSurge": "25%",
                "maxUnavailable": "25%"
            },
            "type": "RollingUpdate"
        },
        "template": {
            "metadata": {
                "labels": {
                    "app": "echo"
                }
            },
            "spec": {
                "containers": [
                    {
                        "env": [
                            {
                                "name": "BACKEND_HOST",
                                "value": "localhost:8080"
                            }
                        ],
                        "image": "gihyodocker/nginx-proxy:latest",
                        "imagePullPolicy": "Always",
                        "name": "nginx",
                        "ports": [
                            {
                                "containerPort": 80,
                                "protocol": "TCP"
                            }
                        ],
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"
                    },
                    {
                        "image": "gihyodocker/echo:latest",
                        "imagePullPolicy": "Always",
                        "name": "echo",
                        "ports": [
                            {
                                "containerPort": 8080,
                                "protocol": "TCP"
                            }
                        ],
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"
                    }
                ],
                "dnsPolicy": "ClusterFirst",
                "enableServiceLinks": true,
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "restartPolicy": "Always",
                "schedulerName": "default-scheduler",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30
            }
        }
    },
    "status": {
        "availableReplicas": 2,
        "conditions": [
            {
                "lastTransitionTime": "2026-01-01T00:00:02Z",
                "lastUpdateTime": "2026-01-01T00:00:02Z",
                "message": "Deployment has minimum availability.",
                "reason": "MinimumReplicasAvailable",
                "status": "True",
                "type": "Available"
            },
            {
                "lastTransitionTime": "2026-01-01T00:00:00Z",
                "lastUpdateTime": "2026-01-01T00:00:02Z",
                "message": "ReplicaSet \"echo-559c4867bd\" has successfully progressed.",
                "reason": "NewReplicaSetAvailable",
                "status": "True",
                "type": "Progressing"
            }
        ],
        "observedGeneration": 2,
        "readyReplicas": 2,
        "replicas": 2,
        "updatedReplicas": 2
    }
}
$ kubectl apply --server-side --dry-run=server -f simple-pod.yaml
pod/simple-echo serverside-applied (server dry run)
$ kubectl get pods simple-echo
stderr: Error from server (NotFound): pods "simple-echo" not found
exit: 1
"#,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_serviceaccount_and_role_bindings_match_core_kubectl() {
    check(
        "rbac-generators",
        &[],
        "$ kubectl create serviceaccount robot
         $ kubectl create sa bot -n kube-public --dry-run=client -o yaml
         $ kubectl create rolebinding rb --role=r --user=alice --user=a,b --group=devs --serviceaccount=default:robot
         $ kubectl create rolebinding view-rb --clusterrole=view --serviceaccount=default:robot --dry-run=client -o json
         $ kubectl create clusterrolebinding crb --clusterrole=view --user=bob
         $ kubectl create rolebinding bad --user=alice
         $ kubectl create rolebinding bad --role=r --clusterrole=c
         $ kubectl create rolebinding bad --role=r --serviceaccount=robot
         $ kubectl create serviceaccount robot
         $ kubectl get sa
         $ kubectl get rolebinding -o wide
         $ kubectl get clusterrolebinding crb -o wide
         $ kubectl get rolebinding rb -o yaml",
        r#"$ kubectl create serviceaccount robot
serviceaccount/robot created
$ kubectl create sa bot -n kube-public --dry-run=client -o yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  creationTimestamp: null
  name: bot
  namespace: kube-public
$ kubectl create rolebinding rb --role=r --user=alice --user=a,b --group=devs --serviceaccount=default:robot
rolebinding.rbac.authorization.k8s.io/rb created
$ kubectl create rolebinding view-rb --clusterrole=view --serviceaccount=default:robot --dry-run=client -o json
{
    "kind": "RoleBinding",
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "metadata": {
        "name": "view-rb",
        "creationTimestamp": null
    },
    "subjects": [
        {
            "kind": "ServiceAccount",
            "name": "robot",
            "namespace": "default"
        }
    ],
    "roleRef": {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": "view"
    }
}
$ kubectl create clusterrolebinding crb --clusterrole=view --user=bob
clusterrolebinding.rbac.authorization.k8s.io/crb created
$ kubectl create rolebinding bad --user=alice
stderr: error: exactly one of clusterrole or role must be specified
exit: 1
$ kubectl create rolebinding bad --role=r --clusterrole=c
stderr: error: exactly one of clusterrole or role must be specified
exit: 1
$ kubectl create rolebinding bad --role=r --serviceaccount=robot
stderr: error: serviceaccount must be <namespace>:<name>
exit: 1
$ kubectl create serviceaccount robot
stderr: error: failed to create serviceaccount: serviceaccounts "robot" already exists
exit: 1
$ kubectl get sa
NAME      SECRETS   AGE
default   0         0s
robot     0         0s
$ kubectl get rolebinding -o wide
NAME   ROLE     AGE   USERS        GROUPS   SERVICEACCOUNTS
rb     Role/r   0s    alice, a,b   devs     default/robot
$ kubectl get clusterrolebinding crb -o wide
NAME   ROLE               AGE   USERS   GROUPS   SERVICEACCOUNTS
crb    ClusterRole/view   0s    bob              
$ kubectl get rolebinding rb -o yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  creationTimestamp: "2026-01-01T00:00:00Z"
  name: rb
  namespace: default
  resourceVersion: "20"
  uid: 6e19905d-cbe5-41df-8fa9-fa7324851729
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: r
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: alice
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: a,b
- apiGroup: rbac.authorization.k8s.io
  kind: Group
  name: devs
- kind: ServiceAccount
  name: robot
  namespace: default
"#,
    )
    .await;
}

/// `kubectl explain` reads the served OpenAPI v3 schemas; core's explain
/// reads the same data, and both lay it out alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_documents_kinds_and_fields_from_the_served_schemas() {
    check(
        "explain",
        &[],
        "$ kubectl explain pods
         $ kubectl explain deploy.spec.replicas
         $ kubectl explain pod.spec.containers.resources.limits
         $ kubectl explain svc.spec.ports.targetPort
         $ kubectl explain deployments.apps.spec.strategy --recursive
         $ kubectl explain pod.metadata.creationTimestamp
         $ kubectl explain ingress.spec.rules
         $ kubectl explain pods.spec.nope
         $ kubectl explain foos
         $ kubectl explain
         $ kubectl explain pods svc
         $ kubectl explain deploy --api-version=apps/v2
         $ kubectl explain deploy --output=yaml",
        include_str!("goldens/explain.txt"),
    )
    .await;
}

/// `explain --output=plaintext-openapiv2` reads the served `/openapi/v2`
/// (protobuf); core's reads the same definitions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_with_the_openapi_v2_layout_reads_the_served_v2_document() {
    check(
        "explain-v2",
        &[],
        "$ kubectl explain pods --output=plaintext-openapiv2
         $ kubectl explain deploy.spec.replicas --output=plaintext-openapiv2
         $ kubectl explain pod.spec.containers --output=plaintext-openapiv2
         $ kubectl explain svc.spec.ports.targetPort --output=plaintext-openapiv2
         $ kubectl explain pod.metadata.managedFields.fieldsV1 --output=plaintext-openapiv2
         $ kubectl explain pod.metadata.labels --output=plaintext-openapiv2
         $ kubectl explain deployments.spec.strategy --recursive --output=plaintext-openapiv2
         $ kubectl explain pods.spec.nope --output=plaintext-openapiv2
         $ kubectl explain deploy --api-version=apps/v2 --output=plaintext-openapiv2",
        include_str!("goldens/explain-openapiv2.txt"),
    )
    .await;
}

/// `kubectl patch` in its three types, with no-op, dry-run, local and
/// error cases: core's kubectl patches through the same code as the
/// server's PATCH, and prints what real kubectl prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_changes_fields_in_all_three_types_as_real_kubectl_does() {
    check(
        "patch",
        &[],
        r#"$ kubectl apply -f simple-deployment.yaml
         $ kubectl patch deployment echo -p '{"spec":{"replicas":2}}'
         $ kubectl patch deployment echo -p '{"spec":{"replicas":2}}'
         $ kubectl patch deploy/echo --type merge -p '{"metadata":{"labels":{"tier":"web"}}}'
         $ kubectl patch deployment echo --type json -p '[{"op":"replace","path":"/spec/replicas","value":3}]'
         $ kubectl patch deployment echo -p 'spec: {template: {spec: {containers: [{name: echo, image: gihyodocker/echo:v2}]}}}'
         $ kubectl get deployment echo -o jsonpath='{.spec.replicas} {.metadata.labels.tier} {.spec.template.spec.containers[*].image}'
         $ kubectl patch deployment echo -p '{"spec":{"replicaz":1}}'
         $ kubectl patch deployment echo --type json -p '[{"op":"remove","path":"/spec/nope"}]'
         $ kubectl patch deployment echo -p '{"spec":{"replicas":5}}' --dry-run=client -o jsonpath='{.spec.replicas}'
         $ kubectl patch deployment echo -p '{"spec":{"replicas":6}}' --dry-run=server
         $ kubectl patch -f simple-pod.yaml --local -p '{"metadata":{"labels":{"x":"y"}}}' -o name
         $ kubectl get deployment echo -o jsonpath='{.spec.replicas}'
         $ kubectl patch deployment nope -p '{}'
         $ kubectl patch deployment echo
         $ kubectl patch deployment echo -p '{}' --patch-file p.yaml
         $ kubectl patch deployment echo -p '{}' --type foo
         $ kubectl patch deployment echo --local -p '{}'
         $ kubectl patch -p '{}'"#,
        include_str!("goldens/patch.txt"),
    )
    .await;
}

/// Help is kubectl 1.32's own text for every command, however it is asked
/// for; unknown commands and topics are refused in cobra's words. `top`,
/// with no Metrics API here, says so as kubectl does.
/// (`kubectl options` names the home directory, which differs here; 1.33
/// rewrote some texts, so kubectl 1.32 alone is compared.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_texts_are_kubectls_for_every_way_of_asking() {
    check_1_32(
        "help",
        &[],
        "$ kubectl get -h
         $ kubectl create deployment web --image=nginx -h
         $ kubectl help rollout undo
         $ kubectl rollout status --help
         $ kubectl exec --help
         $ kubectl
         $ kubectl help nope
         $ kubectl gett -h
         $ kubectl gett
         $ kubectl apply --foo
         $ kubectl rollout foo
         $ kubectl rollout
         $ kubectl set
         $ kubectl top
         $ kubectl top pod -A
         $ kubectl top nodes
         $ kubectl top foo",
        include_str!("goldens/help.txt"),
    )
    .await;
}

/// An `$EDITOR` for the real kubectl: keeps a copy of each buffer it is
/// given (`buffer-1`, `buffer-2`, …) and applies the first edit only.
const EDITOR_SCRIPT: &str = r#"#!/bin/sh
dir=$(dirname "$0")
n=$(cat "$dir/edits" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$dir/edits"
cp "$1" "$dir/buffer-$n"
if [ $n = 1 ]; then sed -i "$(cat "$dir/change")" "$1"; fi
"#;

/// `kubectl edit` opens the buffer real kubectl hands its editor, byte for
/// byte, and saving it patches the object; a refused save reopens the
/// buffer with kubectl's error comments, and giving up then fails as
/// kubectl does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_opens_kubectls_buffer_and_patches_what_was_saved() {
    for binary in kubectls_1_32() {
        let mut playground = Playground::start(binary, "edit", &[]).await;
        playground
            .transcript("$ kubectl apply -f simple-deployment.yaml")
            .await;
        for change in [
            "s/replicas: 3/replicas: 2/",
            "s/replicas: 2/replicas: -1/",
            "s/^  name: echo$/  name: echo/",
        ] {
            let (real, buffers) = playground.real_edit("deployment/echo", change).await;
            let core = playground.core_edit("deployment/echo", change, buffers.len());
            assert_eq!(core.1, buffers, "the buffers differ after {change}");
            assert_eq!(core.0, real, "the outputs differ after {change}");
        }
        let replicas = playground
            .real(
                &kubectl::args::split_words("get deploy echo -o jsonpath={.spec.replicas}")
                    .expect("words"),
            )
            .await;
        assert_eq!(replicas.stdout, "2");
    }
}

impl Playground {
    /// Runs the real `kubectl edit TARGET` with [`EDITOR_SCRIPT`] making
    /// `change` (a sed expression); returns what it printed (less the line
    /// naming its temporary copy) and the buffers it wrote.
    async fn real_edit(&mut self, target: &str, change: &str) -> (Printed, Vec<String>) {
        let editor = self.dir.join("editor.sh");
        std::fs::write(&editor, EDITOR_SCRIPT).expect("write the editor");
        std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .expect("make the editor runnable");
        std::fs::write(self.dir.join("change"), change).expect("write the change");
        let _ = std::fs::remove_file(self.dir.join("edits"));
        for n in 1..10 {
            let _ = std::fs::remove_file(self.dir.join(format!("buffer-{n}")));
        }
        let output = self
            .command(&["edit".to_string(), target.to_string()])
            .env("EDITOR", &editor)
            .output()
            .await
            .expect("kubectl runs");
        let mut buffers = Vec::new();
        while let Ok(text) =
            std::fs::read_to_string(self.dir.join(format!("buffer-{}", buffers.len() + 1)))
        {
            buffers.push(text);
        }
        let stderr: String = String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|line| !line.starts_with("A copy of your changes has been stored to"))
            .map(|line| format!("{line}\n"))
            .collect();
        let printed = Printed {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr,
            code: output.status.code().unwrap_or(-1),
        };
        (printed, buffers)
    }

    /// The same edit in core's kubectl: the first buffer gets `change`
    /// (`s/A/B/`), later ones are saved as they are, `saves` times in all.
    fn core_edit(&mut self, target: &str, change: &str, saves: usize) -> (Printed, Vec<String>) {
        let (from, to) = sed_substitution(change);
        let mut terminal = sunaba_core::terminal::Terminal::new();
        let mut out = terminal.run_line(
            &mut self.twin,
            &self.files,
            &format!("kubectl edit {target}"),
        );
        let mut buffers = Vec::new();
        while let Some(session) = terminal.editing() {
            let text = session.text.clone();
            let saved = if buffers.is_empty() {
                sed_replace(&text, &from, &to)
            } else {
                text.clone()
            };
            buffers.push(text);
            let finished = terminal.finish_edit(&mut self.twin, &self.files, Some(&saved));
            out.stdout.push_str(&finished.stdout);
            out.stderr.push_str(&finished.stderr);
            out.exit_code = finished.exit_code;
            if buffers.len() > saves {
                break;
            }
        }
        let printed = Printed {
            stdout: out.stdout,
            stderr: out.stderr,
            code: out.exit_code,
        };
        (printed, buffers)
    }
}

/// `s/A/B/` → (A, B); `^` and `$` anchor A to a line.
fn sed_substitution(change: &str) -> (String, String) {
    let parts: Vec<&str> = change.split('/').collect();
    (parts[1].to_string(), parts[2].to_string())
}

/// What `sed -i s/A/B/` does: the first match on each line (a whole line
/// for `^A$`).
fn sed_replace(text: &str, from: &str, to: &str) -> String {
    let anchored = from.starts_with('^') && from.ends_with('$');
    let needle = from.trim_start_matches('^').trim_end_matches('$');
    text.lines()
        .map(|line| {
            let line = match anchored {
                true if line == needle => to.to_string(),
                true => line.to_string(),
                false => line.replacen(needle, to, 1),
            };
            format!("{line}\n")
        })
        .collect()
}

/// `create role` and `create clusterrole` build kubectl's rules (one per
/// API group, short names resolved) and refuse what kubectl refuses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_role_and_clusterrole_build_kubectls_rules() {
    check(
        "roles",
        &[],
        "$ kubectl create role pod-reader --verb=get --verb=list,watch --resource=pods
         $ kubectl create role r --verb=get,get --resource=po,rs,deployments.apps,pods/log --resource-name=a --resource-name=a -o yaml
         $ kubectl create role star --verb=* --resource=* --dry-run=client -o yaml
         $ kubectl create role odd --verb=frob --resource=pods -o name
         $ kubectl create role noverb --resource=pods
         $ kubectl create role nores --verb=get
         $ kubectl create role bad --verb=get --resource=foos
         $ kubectl create role bind --verb=bind --resource=pods
         $ kubectl create role sub --verb=get --resource=/status
         $ kubectl create clusterrole c --verb=get --non-resource-url=/logs/*,/healthz -o yaml
         $ kubectl create clusterrole mix --verb=get --resource=nodes --non-resource-url=/metrics -o yaml --dry-run=server
         $ kubectl create clusterrole agg --aggregation-rule=rbac.example.com/aggregate-to-monitoring=true -o yaml
         $ kubectl create clusterrole agg2 --aggregation-rule=a=b --verb=get
         $ kubectl create clusterrole none --verb=get
         $ kubectl create clusterrole url --verb=list --non-resource-url=/x
         $ kubectl create clusterrole url --verb=get --non-resource-url=x
         $ kubectl create clusterrole url --verb=get --non-resource-url=/a*/b
         $ kubectl get role,clusterrole pod-reader c",
        include_str!("goldens/roles.txt"),
    )
    .await;
}

/// `create secret docker-registry` writes the `.dockerconfigjson` that
/// kubectl writes, byte for byte once decoded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_secret_docker_registry_writes_kubectls_config() {
    check(
        "docker-registry",
        &[("config.json", "{\"auths\":{}}\n")],
        "$ kubectl create secret docker-registry reg --docker-username=u --docker-password=p<&> --docker-email=e@x -o yaml
         $ kubectl create secret docker-registry mine --docker-server=registry.local:5000 --docker-username=me --docker-password=pw --dry-run=client -o json
         $ kubectl create secret docker-registry fromfile --from-file=.dockerconfigjson=config.json -o jsonpath={.data}
         $ kubectl create secret docker-registry nopass --docker-username=u
         $ kubectl create secret docker-registry reg --docker-username=u --docker-password=p
         $ kubectl get secret reg mine fromfile",
        include_str!("goldens/docker-registry.txt"),
    )
    .await;
}

/// `create ingress` builds kubectl's rules, paths, TLS entries and default
/// backend, and refuses malformed rules as kubectl does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_ingress_builds_kubectls_rules_and_tls() {
    check(
        "ingress",
        &[],
        "$ kubectl create ingress simple --rule=foo.com/bar=svc1:8080,tls=my-cert -o yaml
         $ kubectl create ingress multipath --class=default --rule=foo.com/=svc:port --rule=foo.com/admin/=svcadmin:portadmin --rule=bar.com/admin*=svc2:http,tls --annotation=a=b --annotation=c= -o json
         $ kubectl create ing catch-all --default-backend=defaultsvc:http --rule=/path*=svc:8080,tls=secret1 --rule=x.com/*=svc:8080,tls=secret1 --dry-run=client -o yaml
         $ kubectl create ingress none
         $ kubectl create ingress bad --rule=foo.com=svc:80
         $ kubectl create ingress bad --rule=foo.com/a=svc:80 --annotation=nokey
         $ kubectl create ingress bad --default-backend=svc
         $ kubectl get ingress",
        include_str!("goldens/ingress.txt"),
    )
    .await;
}

/// `--append-hash` names configmaps and secrets as kubectl does: the
/// SHA-256 of their identity, Go's JSON, ten letters without vowels.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn append_hash_names_configmaps_and_secrets_by_their_content() {
    check(
        "append-hash",
        &[],
        "$ kubectl create configmap cm --from-literal=a=b --from-literal=c=<&> --append-hash
         $ kubectl create configmap empty --append-hash -o name
         $ kubectl create secret generic s --from-literal=k=v --append-hash
         $ kubectl create secret generic t --type=kubernetes.io/basic-auth --from-literal=username=u --from-literal=password=p --append-hash -o name
         $ kubectl create secret docker-registry r --docker-username=u --docker-password=p --append-hash -o name",
        "$ kubectl create configmap cm --from-literal=a=b --from-literal=c=<&> --append-hash
configmap/cm-m94724c7c4 created
$ kubectl create configmap empty --append-hash -o name
configmap/empty-b6t642d2fb
$ kubectl create secret generic s --from-literal=k=v --append-hash
secret/s-c54ghmfcdb created
$ kubectl create secret generic t --type=kubernetes.io/basic-auth --from-literal=username=u --from-literal=password=p --append-hash -o name
secret/t-cmbb9g2h49
$ kubectl create secret docker-registry r --docker-username=u --docker-password=p --append-hash -o name
secret/r-mmbmthh8k5
",
    )
    .await;
}

/// `-f URL`: fetched, retried after a 5xx and a refused connection a
/// second later up to three attempts, redirects followed, and kubectl's
/// errors for a 404, a 503, unparsable YAML and an unknown field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifests_from_urls_are_fetched_retried_and_refused_as_kubectl_does() {
    let site = manifest_site::ManifestSite::start().await;
    let base = site.http();
    let script = "$ kubectl apply -f {base}/cm.yaml
         $ kubectl get -f {base}/moved.yaml
         $ kubectl apply -f {base}/flaky.yaml -o name
         $ kubectl apply -f {base}/missing.yaml
         $ kubectl apply -f {base}/down.yaml
         $ kubectl apply -f {base}/broken.yaml
         $ kubectl apply -f {base}/typo.yaml
         $ kubectl apply -f http://127.0.0.1:1/x.yaml
         $ kubectl delete -f {base}/cm.yaml -f {base}/flaky.yaml";
    for binary in kubectls() {
        let mut playground = Playground::start(binary.clone(), "urls", &[]).await;
        let transcript = playground
            .transcript(&script.replace("{base}", &base))
            .await
            .replace(&base, "{base}");
        assert_eq!(
            transcript,
            include_str!("goldens/urls.txt"),
            "with {}",
            path_text(&binary)
        );
    }
}

const TWO_KINDS: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: one
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: two
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
";

/// `get -f`: the files' objects as the server has them, a table per kind
/// with kind-prefixed names when there are several kinds, NotFound last.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_from_files_prints_what_the_files_name() {
    check(
        "get-files",
        &[("two-kinds.yaml", TWO_KINDS)],
        "$ kubectl get -f simple-pod.yaml
         $ kubectl apply -f two-kinds.yaml
         $ kubectl apply -f simple-pod.yaml
         $ kubectl get -f simple-pod.yaml -o name
         $ kubectl delete configmap two
         $ kubectl get -f two-kinds.yaml
         $ kubectl get -f two-kinds.yaml --ignore-not-found -o name
         $ kubectl get -f two-kinds.yaml -l nope=1
         $ kubectl get pods -f simple-pod.yaml",
        "$ kubectl get -f simple-pod.yaml
stderr: Error from server (NotFound): pods \"simple-echo\" not found
exit: 1
$ kubectl apply -f two-kinds.yaml
configmap/one created
configmap/two created
service/web created
$ kubectl apply -f simple-pod.yaml
pod/simple-echo created
$ kubectl get -f simple-pod.yaml -o name
pod/simple-echo
$ kubectl delete configmap two
configmap \"two\" deleted
$ kubectl get -f two-kinds.yaml
NAME            DATA   AGE
configmap/one   0      0s

NAME          TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE
service/web   ClusterIP   10.104.79.47   <none>        80/TCP    0s
stderr: Error from server (NotFound): configmaps \"two\" not found
exit: 1
$ kubectl get -f two-kinds.yaml --ignore-not-found -o name
configmap/one
service/web
$ kubectl get -f two-kinds.yaml -l nope=1
stderr: Error from server (NotFound): configmaps \"two\" not found
exit: 1
$ kubectl get pods -f simple-pod.yaml
stderr: error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well
exit: 1
",
    )
    .await;
}

/// Every kubectl command's `--help` (and `-h` on the subcommands a learner
/// meets) prints kubectl 1.32's own text. Only the twin comparison is
/// asserted: the expected bytes are the real kubectl's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_commands_help_is_kubectls() {
    // `help` and `options` print no text of their own to compare.
    let commands = kubectl::COMMANDS
        .iter()
        .filter(|c| !matches!(**c, "help" | "options"));
    let subcommands = [
        "rollout history -h",
        "rollout undo -h",
        "rollout restart -h",
        "rollout pause -h",
        "rollout resume -h",
        "set image -h",
        "set env -h",
        "create service clusterip -h",
        "create service nodeport -h",
        "create namespace -h",
        "create configmap -h",
        "create secret generic -h",
        "config view -h",
        "config current-context -h",
    ];
    let script: Vec<String> = commands
        .map(|c| format!("$ kubectl {c} --help"))
        .chain(subcommands.iter().map(|c| format!("$ kubectl {c}")))
        .collect();
    for binary in kubectls_1_32() {
        let mut playground = Playground::start(binary, "every-help", &[]).await;
        let transcript = playground.transcript(&script.join("\n")).await;
        for own_text in [
            "Update fields of a resource",
            "Display one or many resources",
        ] {
            assert!(transcript.contains(own_text), "{own_text}");
        }
    }
}

/// `kubectl config`: the one context there is, listed and chosen as
/// kubectl does with a kubeconfig like `sunaba serve`'s; `proxy` explains
/// where the dashboard is (core only: the real one would serve a port).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_reads_the_one_context() {
    check(
        "config",
        &[],
        "$ kubectl config current-context
         $ kubectl config get-contexts
         $ kubectl config get-contexts nope
         $ kubectl config get-clusters
         $ kubectl config get-users
         $ kubectl config use-context nope
         $ kubectl config use-context sunaba
         $ kubectl config view -o name
         $ kubectl config view -o jsonpath={.contexts[0].context.namespace}
         $ kubectl config view -o wide
         $ kubectl config bogus",
        "$ kubectl config current-context
sunaba
$ kubectl config get-contexts
CURRENT   NAME     CLUSTER   AUTHINFO   NAMESPACE
*         sunaba   sunaba    sunaba     default
$ kubectl config get-contexts nope
CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE
stderr: error: context nope not found
exit: 1
$ kubectl config get-clusters
NAME
sunaba
$ kubectl config get-users
NAME
sunaba
$ kubectl config use-context nope
stderr: error: no context exists with the name: \"nope\"
exit: 1
$ kubectl config use-context sunaba
Switched to context \"sunaba\".
$ kubectl config view -o name
config/<unknown>
$ kubectl config view -o jsonpath={.contexts[0].context.namespace}
default$ kubectl config view -o wide
stderr: error: unable to match a printer suitable for the output format \"wide\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml
exit: 1
$ kubectl config bogus
stderr: error: unknown command \"bogus\"
stderr: See 'kubectl config -h' for help and examples
exit: 1
",
    )
    .await;
}

const SPLIT_MANIFESTS: &[(&str, &str)] = &[
    (
        "manifests/a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    ),
    (
        "manifests/b.json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}\n",
    ),
    ("manifests/notes.txt", "not a manifest\n"),
    (
        "manifests/nested/c.yml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    ),
];

/// `apply -f DIR` takes the directory's manifests (`.yaml`, `.yml`,
/// `.json`), `-R` its subdirectories' too; `--dry-run=client` changes
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_reads_directories_recursively_and_dry_runs() {
    check(
        "apply-dirs",
        SPLIT_MANIFESTS,
        "$ kubectl apply -f manifests --dry-run=client
         $ kubectl get configmaps -l nothing=here
         $ kubectl apply -f manifests
         $ kubectl apply -R -f manifests
         $ kubectl apply --recursive -f manifests -o name
         $ kubectl apply -f simple-pod.yaml --dry-run=client -o yaml
         $ kubectl delete -R -f manifests",
        "$ kubectl apply -f manifests --dry-run=client
configmap/a created (dry run)
configmap/b created (dry run)
$ kubectl get configmaps -l nothing=here
stderr: No resources found in default namespace.
$ kubectl apply -f manifests
configmap/a created
configmap/b created
$ kubectl apply -R -f manifests
configmap/a unchanged
configmap/b unchanged
configmap/c created
$ kubectl apply --recursive -f manifests -o name
configmap/a
configmap/b
configmap/c
$ kubectl apply -f simple-pod.yaml --dry-run=client -o yaml
apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"name\":\"simple-echo\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"env\":[{\"name\":\"BACKEND_HOST\",\"value\":\"localhost:8080\"}],\"image\":\"gihyodocker/nginx:latest\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]},{\"image\":\"gihyodocker/echo:latest\",\"name\":\"echo\",\"ports\":[{\"containerPort\":8080}]}]}}
  name: simple-echo
  namespace: default
spec:
  containers:
  - env:
    - name: BACKEND_HOST
      value: localhost:8080
    image: gihyodocker/nginx:latest
    name: nginx
    ports:
    - containerPort: 80
  - image: gihyodocker/echo:latest
    name: echo
    ports:
    - containerPort: 8080
$ kubectl delete -R -f manifests
configmap \"a\" deleted
configmap \"b\" deleted
configmap \"c\" deleted
",
    )
    .await;
}

/// `delete --all`, `--grace-period`, `--cascade` and `--wait=false`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_all_grace_periods_and_cascades() {
    check(
        "delete-flags",
        &[],
        "$ kubectl create configmap one
         $ kubectl create configmap two
         $ kubectl delete configmaps --all
         $ kubectl get configmaps --field-selector=metadata.name!=kube-root-ca.crt
         $ kubectl apply -f simple-pod.yaml
         # advance 30s
         $ kubectl delete pod simple-echo --grace-period=5
         $ kubectl apply -f simple-deployment.yaml
         # advance 30s
         $ kubectl delete deployment echo --cascade=orphan
         $ kubectl get replicasets -o name
         $ kubectl delete replicasets --all --cascade=foreground --wait=false
         $ kubectl delete pods --all --wait=false
         $ kubectl delete pods --all --grace-period=-5 --wait=false",
        "$ kubectl create configmap one
configmap/one created
$ kubectl create configmap two
configmap/two created
$ kubectl delete configmaps --all
configmap \"kube-root-ca.crt\" deleted
configmap \"one\" deleted
configmap \"two\" deleted
$ kubectl get configmaps --field-selector=metadata.name!=kube-root-ca.crt
stderr: No resources found in default namespace.
$ kubectl apply -f simple-pod.yaml
pod/simple-echo created
# advance 30s
$ kubectl delete pod simple-echo --grace-period=5
pod \"simple-echo\" deleted
$ kubectl apply -f simple-deployment.yaml
deployment.apps/echo created
# advance 30s
$ kubectl delete deployment echo --cascade=orphan
deployment.apps \"echo\" deleted
$ kubectl get replicasets -o name
replicaset.apps/echo-559c4867bd
$ kubectl delete replicasets --all --cascade=foreground --wait=false
replicaset.apps \"echo-559c4867bd\" deleted
$ kubectl delete pods --all --wait=false
pod \"echo-559c4867bd-25ptk\" deleted
pod \"echo-559c4867bd-5tqbc\" deleted
pod \"echo-559c4867bd-m8hfh\" deleted
$ kubectl delete pods --all --grace-period=-5 --wait=false
pod \"echo-559c4867bd-25ptk\" deleted
pod \"echo-559c4867bd-5tqbc\" deleted
pod \"echo-559c4867bd-m8hfh\" deleted
",
    )
    .await;
}

/// `logs` of a Deployment or ReplicaSet picks one pod and says so.
/// (`--all-containers` is core-only: kubectl prints the containers in
/// the random order of a Go map.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_of_workloads_pick_one_pod() {
    check(
        "logs-workloads",
        &[],
        "$ kubectl apply -f simple-deployment.yaml
         # advance 30s
         $ kubectl logs deploy/echo
         $ kubectl logs deployment/echo -c echo
         $ kubectl logs rs/echo-559c4867bd -c nginx --tail=1
         $ kubectl logs deploy/echo -c echo --prefix
         $ kubectl logs deploy/nope",
        "$ kubectl apply -f simple-deployment.yaml
deployment.apps/echo created
# advance 30s
$ kubectl logs deploy/echo
/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/
/docker-entrypoint.sh: Configuration complete; ready for start up
stderr: Found 3 pods, using pod/echo-559c4867bd-86m88
stderr: Defaulted container \"nginx\" out of: nginx, echo
$ kubectl logs deployment/echo -c echo
2026/01/01 00:00:02 start server
stderr: Found 3 pods, using pod/echo-559c4867bd-86m88
$ kubectl logs rs/echo-559c4867bd -c nginx --tail=1
/docker-entrypoint.sh: Configuration complete; ready for start up
stderr: Found 3 pods, using pod/echo-559c4867bd-86m88
$ kubectl logs deploy/echo -c echo --prefix
[pod/echo-559c4867bd-86m88/echo] 2026/01/01 00:00:02 start server
stderr: Found 3 pods, using pod/echo-559c4867bd-86m88
$ kubectl logs deploy/nope
stderr: error: error from server (NotFound): deployments.apps \"nope\" not found in namespace \"default\"
exit: 1
",
    )
    .await;
}

/// `run` with its generator's flags, as the object it would create.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_builds_the_pod_from_its_flags() {
    check(
        "run-flags",
        &[],
        "$ kubectl run web --image=nginx:1.25 --env=MODE=test --env=LEVEL=2 --labels=app=web,tier=front --port=80 --dry-run=client -o yaml
         $ kubectl run sleeper --image=busybox --restart=Never --command -- sleep 3600
         $ kubectl run args --image=busybox --restart=OnFailure -- echo hello
         $ kubectl get pod sleeper -o jsonpath={.spec.containers[0].command}
         $ kubectl get pod args -o jsonpath={.spec.containers[0].args}
         $ kubectl run bad --image=busybox --restart=Sometimes
         $ kubectl run bad --image=busybox --port=http",
        "$ kubectl run web --image=nginx:1.25 --env=MODE=test --env=LEVEL=2 --labels=app=web,tier=front --port=80 --dry-run=client -o yaml
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    app: web
    tier: front
  name: web
spec:
  containers:
  - env:
    - name: MODE
      value: test
    - name: LEVEL
      value: \"2\"
    image: nginx:1.25
    name: web
    ports:
    - containerPort: 80
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
$ kubectl run sleeper --image=busybox --restart=Never --command -- sleep 3600
pod/sleeper created
$ kubectl run args --image=busybox --restart=OnFailure -- echo hello
pod/args created
$ kubectl get pod sleeper -o jsonpath={.spec.containers[0].command}
[\"sleep\",\"3600\"]$ kubectl get pod args -o jsonpath={.spec.containers[0].args}
[\"echo\",\"hello\"]$ kubectl run bad --image=busybox --restart=Sometimes
stderr: error: invalid restart policy: Sometimes
stderr: See 'kubectl run -h' for help and examples
exit: 1
$ kubectl run bad --image=busybox --port=http
stderr: error: strconv.Atoi: parsing \"http\": invalid syntax
exit: 1
",
    )
    .await;
}

/// `rollout pause`, `resume`, `undo --to-revision` and `restart`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollout_pause_resume_undo_and_restart() {
    check(
        "rollout-verbs",
        &[],
        "$ kubectl apply -f simple-deployment.yaml
         # advance 30s
         $ kubectl set image deployment/echo echo=gihyodocker/echo:patched
         # advance 60s
         $ kubectl rollout pause deployment/echo
         $ kubectl rollout pause deployment/echo
         $ kubectl rollout restart deployment/echo
         $ kubectl rollout resume deployment/echo
         $ kubectl rollout resume deployment/echo
         $ kubectl rollout undo deployment/echo --to-revision=1
         # advance 60s
         $ kubectl rollout history deployment/echo
         $ kubectl rollout restart deployment/echo",
        "$ kubectl apply -f simple-deployment.yaml
deployment.apps/echo created
# advance 30s
$ kubectl set image deployment/echo echo=gihyodocker/echo:patched
deployment.apps/echo image updated
# advance 60s
$ kubectl rollout pause deployment/echo
deployment.apps/echo paused
$ kubectl rollout pause deployment/echo
stderr: error: deployments.apps \"echo\" is already paused
exit: 1
$ kubectl rollout restart deployment/echo
stderr: error: deployments.apps \"echo\" can't restart paused deployment (run rollout resume first)
exit: 1
$ kubectl rollout resume deployment/echo
deployment.apps/echo resumed
$ kubectl rollout resume deployment/echo
stderr: error: deployments.apps \"echo\" is not paused
exit: 1
$ kubectl rollout undo deployment/echo --to-revision=1
deployment.apps/echo rolled back
# advance 60s
$ kubectl rollout history deployment/echo
deployment.apps/echo 
REVISION  CHANGE-CAUSE
2         <none>
3         <none>

$ kubectl rollout restart deployment/echo
deployment.apps/echo restarted
",
    )
    .await;
}

/// `-f -` reads standard input, named `STDIN` in kubectl's messages; an
/// empty one passes no objects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifests_from_standard_input() {
    check(
        "stdin",
        &[("empty.yaml", ""), ("broken.yaml", "not: [yaml")],
        "$ kubectl apply -f - < simple-pod.yaml
         $ kubectl get -o name -f - < simple-pod.yaml
         $ kubectl apply -f - -f simple-service.yaml < simple-replicaset.yaml
         $ kubectl apply -f - < empty.yaml
         $ kubectl create -f - < empty.yaml
         $ kubectl delete -f - < empty.yaml
         $ kubectl apply -f - < broken.yaml
         $ kubectl delete -f - --wait=false < simple-replicaset.yaml",
        "$ kubectl apply -f - < simple-pod.yaml
pod/simple-echo created
$ kubectl get -o name -f - < simple-pod.yaml
pod/simple-echo
$ kubectl apply -f - -f simple-service.yaml < simple-replicaset.yaml
replicaset.apps/echo created
service/echo created
$ kubectl apply -f - < empty.yaml
stderr: error: no objects passed to apply
exit: 1
$ kubectl create -f - < empty.yaml
stderr: error: no objects passed to create
exit: 1
$ kubectl delete -f - < empty.yaml
No resources found
$ kubectl apply -f - < broken.yaml
stderr: error: error parsing STDIN: error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'
exit: 1
$ kubectl delete -f - --wait=false < simple-replicaset.yaml
replicaset.apps \"echo\" deleted
",
    )
    .await;
}

const CM_APPLIED: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";
const CM_TYPO: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  bogus: 1\ndata:\n  mode: fast\n";
const DEPLOYMENT_TYPO: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
  labels:
    app: echo
spec:
  replicas: 3
  selector:
    matchLabels:
      app: echo
  template:
    metadata:
      labels:
        app: echo
    spec:
      containers:
      - name: nginx
        image: gihyodocker/nginx:latest
        imag: typo
        env:
        - name: BACKEND_HOST
          value: localhost:8080
        ports:
        - containerPort: 80
      - name: echo
        image: gihyodocker/echo:latest
        ports:
        - containerPort: 8080
";

/// A typo in a manifest applied over an object: the API server refuses
/// the patch kubectl sends, quoting it as Go prints a map.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typo_applied_over_an_object_is_refused_with_the_patch_quoted() {
    check(
        "reapply-typo",
        &[
            ("settings.yaml", CM_APPLIED),
            ("settings-typo.yaml", CM_TYPO),
            ("deployment-typo.yaml", DEPLOYMENT_TYPO),
        ],
        "$ kubectl apply -f settings.yaml
         $ kubectl apply -f settings-typo.yaml
         $ kubectl apply -f simple-deployment.yaml
         $ kubectl apply -f deployment-typo.yaml",
        "$ kubectl apply -f settings.yaml
configmap/settings created
$ kubectl apply -f settings-typo.yaml
stderr: The request is invalid: patch: Invalid value: \"map[metadata:map[annotations:map[kubectl.kubernetes.io/last-applied-configuration:{\\\"apiVersion\\\":\\\"v1\\\",\\\"data\\\":{\\\"mode\\\":\\\"fast\\\"},\\\"kind\\\":\\\"ConfigMap\\\",\\\"metadata\\\":{\\\"annotations\\\":{},\\\"bogus\\\":1,\\\"name\\\":\\\"settings\\\",\\\"namespace\\\":\\\"default\\\"}}\\n] bogus:1]]\": strict decoding error: unknown field \"metadata.bogus\"
exit: 1
$ kubectl apply -f simple-deployment.yaml
deployment.apps/echo created
$ kubectl apply -f deployment-typo.yaml
stderr: The request is invalid: patch: Invalid value: \"map[metadata:map[annotations:map[kubectl.kubernetes.io/last-applied-configuration:{\\\"apiVersion\\\":\\\"apps/v1\\\",\\\"kind\\\":\\\"Deployment\\\",\\\"metadata\\\":{\\\"annotations\\\":{},\\\"labels\\\":{\\\"app\\\":\\\"echo\\\"},\\\"name\\\":\\\"echo\\\",\\\"namespace\\\":\\\"default\\\"},\\\"spec\\\":{\\\"replicas\\\":3,\\\"selector\\\":{\\\"matchLabels\\\":{\\\"app\\\":\\\"echo\\\"}},\\\"template\\\":{\\\"metadata\\\":{\\\"labels\\\":{\\\"app\\\":\\\"echo\\\"}},\\\"spec\\\":{\\\"containers\\\":[{\\\"env\\\":[{\\\"name\\\":\\\"BACKEND_HOST\\\",\\\"value\\\":\\\"localhost:8080\\\"}],\\\"imag\\\":\\\"typo\\\",\\\"image\\\":\\\"gihyodocker/nginx:latest\\\",\\\"name\\\":\\\"nginx\\\",\\\"ports\\\":[{\\\"containerPort\\\":80}]},{\\\"image\\\":\\\"gihyodocker/echo:latest\\\",\\\"name\\\":\\\"echo\\\",\\\"ports\\\":[{\\\"containerPort\\\":8080}]}]}}}}\\n]] spec:map[template:map[spec:map[$setElementOrder/containers:[map[name:nginx] map[name:echo]] containers:[map[imag:typo image:gihyodocker/nginx:latest name:nginx]]]]]]\": strict decoding error: unknown field \"spec.template.spec.containers[0].imag\"
exit: 1
",
    )
    .await;
}

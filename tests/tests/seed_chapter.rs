//! The seed's whole chapter 5 against `sunaba serve`, driven by the
//! machine's real `/usr/bin/kubectl`, as a learner types it: the Pod
//! (apply, get, describe, `exec -it` into nginx, logs, delete), the
//! ReplicaSet, the Deployment with `--record`, its history (also
//! `--revision=1`) and undo, the labelled ReplicaSets, the Service, and
//! `kubectl run -it --rm` with `curl http://echo/` answering
//! `Hello Docker!!`.
//!
//! The server runs in this process, its clock following real time, so
//! that the playground's own kubectl — core's, the one the browser's
//! terminal runs — can be asked the same question about the same state:
//! `get` and `describe` must print the same bytes as kubectl 1.32, the
//! version the playground matches. (`/usr/bin/kubectl` is gcloud's
//! dispatcher: against a v1.33 server it runs kubectl 1.33, whose
//! `describe` words a few fields differently.)
//!
//! Without `/usr/bin/kubectl` the test fails and says so: it is not skipped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use sunaba_core::kubectl::{self, Context};
use sunaba_core::seed;
use sunaba_server::cluster::{Clock, ClusterHandle};
use sunaba_server::serve::wall_clock_cluster;
use sunaba_server::shell::DiskFiles;
use sunaba_server::{ServeConfig, Server};
use tokio::io::AsyncWriteExt;

/// The kubectl a learner has on this machine.
const KUBECTL: &str = "/usr/bin/kubectl";

/// kubectl 1.32 itself, beside the dispatcher: the version to match byte for byte.
const KUBECTL_1_32: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";

/// What a command printed.
#[derive(Debug)]
struct Printed {
    stdout: String,
    stderr: String,
    code: i32,
}

/// The served playground and a directory with the seed's files.
struct Chapter {
    cluster: ClusterHandle,
    dir: PathBuf,
    kubeconfig: PathBuf,
}

impl Chapter {
    async fn start() -> Self {
        assert!(
            Path::new(KUBECTL).is_file(),
            "this test drives the real kubectl at {KUBECTL}; install kubectl there"
        );
        let dir = std::env::temp_dir().join(format!("sunaba-chapter-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).expect("a scratch directory");
        for (name, text) in seed::SEED_MANIFESTS {
            std::fs::write(dir.join(name), text).expect("a manifest");
        }
        let config = ServeConfig {
            addr: "127.0.0.1:0".parse().expect("an address"),
            ..ServeConfig::default()
        };
        let server = Server::bind_with(&config, wall_clock_cluster(Some(5)), Clock::Wall)
            .await
            .expect("the server binds");
        let kubeconfig = dir.join("kubeconfig");
        std::fs::write(&kubeconfig, server.kubeconfig().expect("a kubeconfig")).expect("written");
        let cluster = server.cluster();
        tokio::spawn(server.run());
        Self {
            cluster,
            dir,
            kubeconfig,
        }
    }

    /// Runs the real kubectl with `args`.
    async fn kubectl(&self, args: &[&str]) -> Printed {
        self.run(KUBECTL, args, "", false).await
    }

    /// Runs the real kubectl with `args`, typing `input` a line at a time;
    /// with `tty`, inside a pseudo-terminal (`script`), as `-it` wants.
    async fn kubectl_typing(&self, args: &[&str], input: &str, tty: bool) -> Printed {
        self.run(KUBECTL, args, input, tty).await
    }

    /// Runs the kubectl at `binary`.
    async fn run(&self, binary: &str, args: &[&str], input: &str, tty: bool) -> Printed {
        let mut command = if tty {
            let line = std::iter::once(binary.to_string())
                .chain(args.iter().map(|a| format!("'{a}'")))
                .collect::<Vec<_>>()
                .join(" ");
            let mut command = tokio::process::Command::new("script");
            command.args(["-qec", &line, "/dev/null"]);
            command
        } else {
            let mut command = tokio::process::Command::new(binary);
            command.args(args);
            command
        };
        let mut child = command
            .current_dir(&self.dir)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.dir.join("home"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("kubectl starts");
        let mut stdin = child.stdin.take().expect("a stdin");
        for line in input.split_inclusive('\n') {
            // Typed as a person types, once the prompt is there.
            tokio::time::sleep(Duration::from_millis(800)).await;
            stdin.write_all(line.as_bytes()).await.expect("typed");
        }
        if tty {
            tokio::time::sleep(Duration::from_millis(800)).await;
        }
        drop(stdin);
        let output = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("kubectl {args:?} did not end"))
            .expect("kubectl ran");
        Printed {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }

    /// Runs the playground's own kubectl (core's) on the served cluster.
    async fn playground_kubectl(&self, args: &[&str]) -> Printed {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let files = DiskFiles::new(self.dir.clone());
        self.cluster
            .call(move |c| {
                let output = kubectl::run(
                    &mut Context {
                        cluster: c,
                        files: &files,
                    },
                    &args,
                );
                Printed {
                    stdout: output.stdout,
                    stderr: output.stderr,
                    code: output.exit_code,
                }
            })
            .await
            .expect("the cluster runs")
    }

    /// kubectl 1.32 and the playground's kubectl print the same for `args`
    /// (asked again when a second ticked by between the two, moving an
    /// AGE); returns what they printed.
    async fn same(&self, args: &[&str]) -> String {
        let mut tries = 0;
        loop {
            let real = self.run(KUBECTL_1_32, args, "", false).await;
            let ours = self.playground_kubectl(args).await;
            assert_eq!(real.code, 0, "kubectl {args:?}: {}", real.stderr);
            tries += 1;
            if real.stdout == ours.stdout || tries == 3 {
                assert_eq!(
                    real.stdout, ours.stdout,
                    "kubectl {args:?}: kubectl 1.32 (left) and the playground's (right) differ"
                );
                return real.stdout;
            }
        }
    }

    /// Waits until the real kubectl's output for `args` satisfies `check`.
    async fn until(&self, args: &[&str], check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let printed = self.kubectl(args).await;
            if check(&printed.stdout) {
                return printed.stdout;
            }
            assert!(
                start.elapsed() < Duration::from_secs(90),
                "kubectl {args:?} still prints:\n{}{}",
                printed.stdout,
                printed.stderr
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until `count` pods selected by `selector` are Running with all containers ready.
    async fn until_running(&self, selector: &str, count: usize) {
        self.until(&["get", "pods", "-l", selector, "--no-headers"], |out| {
            let lines: Vec<&str> = out.lines().collect();
            lines.len() == count
                && lines
                    .iter()
                    .all(|l| l.contains(" 2/2 ") && l.contains(" Running "))
        })
        .await;
    }
}

fn expect(printed: &Printed, stdout: &str, stderr: &str) {
    assert_eq!(
        (
            printed.stdout.as_str(),
            printed.stderr.as_str(),
            printed.code
        ),
        (stdout, stderr, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeds_chapter_runs_through_the_real_kubectl() {
    let chapter = Chapter::start().await;

    // 5.4 Pod.
    expect(
        &chapter.kubectl(&["apply", "-f", "simple-pod.yaml"]).await,
        "pod/simple-echo created\n",
        "",
    );
    chapter
        .until(&["get", "pod", "simple-echo", "--no-headers"], |out| {
            out.contains(" 2/2 ") && out.contains(" Running ")
        })
        .await;
    let listed = chapter.same(&["get", "pod"]).await;
    assert!(
        listed.starts_with("NAME          READY   STATUS    RESTARTS   AGE\nsimple-echo   2/2     Running   0          "),
        "{listed}"
    );
    let described = chapter.same(&["describe", "pod", "simple-echo"]).await;
    assert!(
        described.contains("\nStatus:           Running\n"),
        "{described}"
    );
    // The seed's old form is refused as kubectl refuses it; the new one opens a shell.
    let old_form = chapter
        .kubectl(&["exec", "-it", "simple-echo", "sh", "-c", "nginx"])
        .await;
    assert_ne!(old_form.code, 0);
    assert!(
        old_form
            .stderr
            .contains("exec [POD] [COMMAND] is not supported anymore"),
        "{old_form:?}"
    );
    let shell = chapter
        .kubectl_typing(
            &["exec", "-it", "simple-echo", "-c", "nginx", "--", "sh"],
            "hostname\nexit\n",
            true,
        )
        .await;
    assert!(
        shell.stdout.contains("/ # ") && shell.stdout.contains("simple-echo\r\n"),
        "{shell:?}"
    );
    let logs = chapter
        .kubectl(&["logs", "simple-echo", "-c", "echo"])
        .await;
    assert!(logs.stdout.ends_with(" start server\n"), "{logs:?}");
    expect(
        &chapter.kubectl(&["delete", "pod", "simple-echo"]).await,
        "pod \"simple-echo\" deleted\n",
        "",
    );

    // 5.5 ReplicaSet.
    expect(
        &chapter
            .kubectl(&["apply", "-f", "simple-replicaset.yaml"])
            .await,
        "replicaset.apps/echo created\n",
        "",
    );
    chapter.until_running("app=echo", 3).await;
    chapter.same(&["get", "pod"]).await;
    expect(
        &chapter
            .kubectl(&["delete", "-f", "simple-replicaset.yaml"])
            .await,
        "replicaset.apps \"echo\" deleted\n",
        "",
    );
    chapter
        .until(&["get", "pods", "--no-headers"], |out| {
            out.trim().is_empty()
        })
        .await;

    // 5.6 Deployment, its history and undo.
    let applied = chapter
        .kubectl(&["apply", "-f", "simple-deployment.yaml", "--record"])
        .await;
    assert_eq!(applied.stdout, "deployment.apps/echo created\n");
    assert!(
        applied.stderr.contains("--record has been deprecated"),
        "{applied:?}"
    );
    chapter.until_running("app=echo", 3).await;
    chapter
        .same(&["get", "pod,replicaset,deployment", "--selector", "app=echo"])
        .await;
    let history = chapter
        .same(&["rollout", "history", "deployment", "echo"])
        .await;
    assert_eq!(
        history,
        "deployment.apps/echo \nREVISION  CHANGE-CAUSE\n1         kubectl apply --filename=simple-deployment.yaml --record=true\n\n"
    );
    let first = chapter
        .same(&["rollout", "history", "deployment", "echo", "--revision=1"])
        .await;
    assert!(first.contains("gihyodocker/nginx-proxy:latest"), "{first}");
    // A new container definition makes a new revision; undo goes back.
    chapter
        .kubectl(&[
            "set",
            "image",
            "deployment/echo",
            "nginx=gihyodocker/nginx:latest",
        ])
        .await;
    chapter
        .until(&["rollout", "history", "deployment", "echo"], |out| {
            out.contains("\n2 ")
        })
        .await;
    chapter.until_running("app=echo", 3).await;
    expect(
        &chapter
            .kubectl(&["rollout", "undo", "deployment", "echo"])
            .await,
        "deployment.apps/echo rolled back\n",
        "",
    );
    let history = chapter
        .until(&["rollout", "history", "deployment", "echo"], |out| {
            out.contains("\n3 ")
        })
        .await;
    assert!(!history.contains("\n1 "), "revision 1 became 3: {history}");
    chapter.until_running("app=echo", 3).await;
    chapter.same(&["describe", "deployment", "echo"]).await;
    expect(
        &chapter
            .kubectl(&["delete", "-f", "simple-deployment.yaml"])
            .await,
        "deployment.apps \"echo\" deleted\n",
        "",
    );
    chapter
        .until(&["get", "pods", "--no-headers"], |out| {
            out.trim().is_empty()
        })
        .await;

    // 5.9 Service: the labelled ReplicaSets, the Service, and curl from a debug pod.
    expect(
        &chapter
            .kubectl(&["apply", "-f", "simple-replicaset-with-label.yaml"])
            .await,
        "replicaset.apps/echo-spring created\nreplicaset.apps/echo-summer created\n",
        "",
    );
    chapter.until_running("app=echo", 3).await;
    let spring = chapter
        .same(&["get", "pod", "-l", "app=echo", "-l", "release=spring"])
        .await;
    assert_eq!(spring.lines().count(), 2, "{spring}");
    let summer = chapter
        .same(&["get", "pod", "-l", "app=echo", "-l", "release=summer"])
        .await;
    assert_eq!(summer.lines().count(), 3, "{summer}");
    expect(
        &chapter
            .kubectl(&["apply", "-f", "simple-service.yaml"])
            .await,
        "service/echo created\n",
        "",
    );
    chapter.same(&["get", "svc", "echo"]).await;
    chapter.same(&["describe", "svc", "echo"]).await;
    let debug = chapter
        .kubectl_typing(
            &[
                "run",
                "-i",
                "--rm",
                "--tty",
                "debug",
                "--image=gihyodocker/fundamental:0.1.0",
                "--restart=Never",
                "--",
                "bash",
                "-il",
            ],
            "\ncurl http://echo/\ncurl http://echo/\nexit\n",
            true,
        )
        .await;
    assert!(
        debug
            .stdout
            .contains("If you don't see a command prompt, try pressing enter.")
            && debug.stdout.matches("Hello Docker!!").count() == 2
            && debug.stdout.contains("pod \"debug\" deleted"),
        "{debug:?}"
    );
    // The requests reached summer's pods only.
    for line in summer.lines().skip(1) {
        let pod = line.split_whitespace().next().expect("a name");
        let logs = chapter.kubectl(&["logs", pod, "-c", "echo"]).await;
        assert!(logs.stdout.contains(" start server\n"), "{logs:?}");
    }
    let received: usize = {
        let mut total = 0;
        for line in summer.lines().skip(1) {
            let pod = line.split_whitespace().next().expect("a name");
            total += chapter
                .kubectl(&["logs", pod, "-c", "echo"])
                .await
                .stdout
                .matches("received request")
                .count();
        }
        total
    };
    assert_eq!(received, 2, "both curls reached a summer pod");
    let spring_pod = spring
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next());
    let spring_logs = chapter
        .kubectl(&["logs", spring_pod.expect("a spring pod"), "-c", "echo"])
        .await;
    assert!(
        !spring_logs.stdout.contains("received request"),
        "{spring_logs:?}"
    );
    let _ = std::fs::remove_dir_all(&chapter.dir);
}

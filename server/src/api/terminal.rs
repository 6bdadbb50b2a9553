//! `GET /sunaba/v1/terminal`: the playground's terminal, run on the served
//! cluster, over a WebSocket (subprotocol [`TERMINAL_PROTOCOL`]). Each
//! connection has its own core [`Terminal`], the one the browser runs in a
//! tab, so a command prints the same bytes either way; messages are
//! [`sunaba_core::remote`]'s JSON, one per text frame.
//!
//! Each line runs as one job on the cluster thread with the files the
//! browser sent. While a command goes on printing (`get -w`, `logs -f`,
//! `rollout status`), the session polls it whenever the store's
//! resourceVersion moves and every [`POLL`], and sends what it printed.
//! A shell opened in a pod on the Docker node runs in the real container
//! ([`RealShell`]): the simulated one is left at once, each line goes to
//! the real process's stdin (no terminal: line by line, as the browser's
//! terminal types), and what it prints comes back as it comes.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use sunaba_core::api::{Kind, Object};
use sunaba_core::kubectl::Attach;
use sunaba_core::kubectl::Output;
use sunaba_core::remote::{ClientMessage, Screen, ServerMessage, TERMINAL_PROTOCOL};
use sunaba_core::terminal::{finish_session, Terminal};
use sunaba_core::Cluster;

use super::docker_exec;
use super::request::MAX_BODY_BYTES;
use super::Api;

/// How often a running command is polled when the store stands still
/// (a followed log grows without a store change).
pub const POLL: Duration = Duration::from_millis(250);

/// `GET /sunaba/v1/terminal`: upgrades to a terminal session.
pub async fn terminal(State(api): State<Api>, upgrade: WebSocketUpgrade) -> Response {
    upgrade
        .protocols([TERMINAL_PROTOCOL])
        .max_message_size(MAX_BODY_BYTES)
        .on_upgrade(move |socket| session(socket, api))
}

/// A shell in a real container on the Docker node, as the terminal's session.
struct RealShell {
    attach: Attach,
    process: docker_exec::Process,
    engine: bollard::Docker,
}

impl RealShell {
    /// The prompt the browser shows: the shell's own, as a root shell in `/` prints it.
    fn prompt(&self) -> String {
        if self.attach.program.ends_with("bash") {
            format!("root@{}:/# ", self.attach.target.pod)
        } else {
            "/ # ".to_string()
        }
    }

    /// A screen of what it printed.
    fn screen(&self, stdout: String, stderr: String) -> Screen {
        Screen {
            stdout,
            stderr,
            prompt: self.prompt(),
            busy: false,
            in_container: true,
            edit: None,
        }
    }
}

/// One terminal session, until the browser goes or the cluster stops.
async fn session(mut socket: WebSocket, api: Api) {
    let mut terminal = Terminal::new();
    let mut shell: Option<RealShell> = None;
    if !send(&mut socket, Screen::of(&Output::default(), &terminal)).await {
        return;
    }
    let mut versions = api.cluster.versions();
    let mut timer = tokio::time::interval(POLL);
    loop {
        let busy = terminal.is_busy();
        let screen = tokio::select! {
            chunk = next_output(&mut shell), if shell.is_some() => match chunk {
                Some((stdout, stderr)) => shell.as_ref().map(|s| s.screen(stdout, stderr)),
                None => match shell.take() {
                    Some(ended) => Some(end_real_shell(&api, ended, &terminal).await),
                    None => None,
                },
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Text(text))) if shell.is_some() => {
                    to_real_shell(&mut shell, text.as_str()).await
                }
                Some(Ok(Message::Text(text))) => {
                    let Some((next, screen, real)) = handle(&api, terminal, text.as_str()).await
                    else {
                        return;
                    };
                    terminal = next;
                    match real {
                        Some(opening) => {
                            let (opened, screen) = open_real_shell(&api, opening, screen, &terminal).await;
                            shell = opened;
                            Some(screen)
                        }
                        None => Some(screen),
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => None,
            },
            changed = versions.changed(), if busy => {
                if changed.is_err() {
                    return;
                }
                None
            }
            _ = timer.tick(), if busy => None,
        };
        let screen = match screen {
            Some(screen) => screen,
            None if terminal.is_busy() => {
                let Some((next, screen)) = poll(&api, terminal).await else {
                    return;
                };
                terminal = next;
                if !screen.printed() && screen.busy {
                    continue;
                }
                screen
            }
            None => continue,
        };
        if !send(&mut socket, screen).await {
            return;
        }
    }
}

/// A shell to open in a real container: what the terminal was asked to
/// attach to, and the running container's ID.
struct Opening {
    attach: Attach,
    container_id: String,
}

/// Runs one message from the browser; the terminal, what to show, and a
/// real shell to open if the line opened one on the Docker node; None
/// when the cluster stopped.
async fn handle(
    api: &Api,
    mut terminal: Terminal,
    text: &str,
) -> Option<(Terminal, Screen, Option<Opening>)> {
    let docker_node = api.docker.as_ref().map(|d| d.node.clone());
    match serde_json::from_str::<ClientMessage>(text) {
        Ok(ClientMessage::Line { line, files }) => {
            let run = move |terminal: &mut Terminal, cluster: &mut Cluster, files: &Files| {
                terminal.run_line(cluster, files, &line)
            };
            let (terminal, files, screen, opening) =
                on_cluster(api, terminal, files, docker_node.clone(), run).await?;
            let Some(urls) = terminal.fetching().map(<[String]>::to_vec) else {
                return Some((terminal, screen, opening));
            };
            // The URLs `-f` names are fetched here, off the cluster's thread.
            let fetched = tokio::task::spawn_blocking(move || crate::fetch::fetch_all(&urls))
                .await
                .unwrap_or_default();
            let finish = move |terminal: &mut Terminal, cluster: &mut Cluster, files: &Files| {
                terminal.finish_fetch(cluster, files, &fetched)
            };
            let (terminal, _, screen, opening) =
                on_cluster(api, terminal, files, docker_node, finish).await?;
            Some((terminal, screen, opening))
        }
        Ok(ClientMessage::Interrupt) => {
            let out = terminal.interrupt();
            let screen = Screen::of(&out, &terminal);
            Some((terminal, screen, None))
        }
        Ok(ClientMessage::FinishEdit { saved, files }) => api
            .cluster
            .call(move |cluster| {
                let out = terminal.finish_edit(cluster, &files, saved.as_deref());
                let screen = Screen::of(&out, &terminal);
                (terminal, screen, None)
            })
            .await
            .ok(),
        Err(err) => {
            let screen = unreadable(&err, &terminal);
            Some((terminal, screen, None))
        }
    }
}

/// The files the browser sent with a line.
type Files = Vec<(String, String)>;

/// Runs `step` on the terminal, on the cluster's thread, with the
/// browser's files; the terminal and the files back, what to show, and a
/// real shell to open if the step opened one on the Docker node.
async fn on_cluster(
    api: &Api,
    mut terminal: Terminal,
    files: Files,
    docker_node: Option<String>,
    step: impl FnOnce(&mut Terminal, &mut Cluster, &Files) -> Output + Send + 'static,
) -> Option<(Terminal, Files, Screen, Option<Opening>)> {
    api.cluster
        .call(move |cluster| {
            let out = step(&mut terminal, cluster, &files);
            let opening = real_container_of(cluster, &terminal, docker_node.as_deref()).and_then(
                |container_id| {
                    let attach = terminal.take_session()?;
                    Some(Opening {
                        attach,
                        container_id,
                    })
                },
            );
            let screen = Screen::of(&out, &terminal);
            (terminal, files, screen, opening)
        })
        .await
        .ok()
}

/// The screen for a message that is not the protocol's.
fn unreadable(err: &serde_json::Error, terminal: &Terminal) -> Screen {
    let mut out = Output::default();
    out.err(format!("sunaba: cannot read the terminal's message: {err}"));
    Screen::of(&out, terminal)
}

/// Opens the real shell; on failure the terminal stays at its prompt and says why.
async fn open_real_shell(
    api: &Api,
    opening: Opening,
    mut screen: Screen,
    terminal: &Terminal,
) -> (Option<RealShell>, Screen) {
    let Some(engine) = api.docker.as_ref().map(|d| d.engine.clone()) else {
        return (None, screen);
    };
    let argv = vec![opening.attach.program.clone()];
    let main_process = opening.attach.main_process;
    match docker_exec::Process::open(&engine, &opening.container_id, &argv, main_process).await {
        Ok(process) => {
            let shell = RealShell {
                attach: opening.attach,
                process,
                engine,
            };
            screen.prompt = shell.prompt();
            screen.in_container = true;
            (Some(shell), screen)
        }
        Err(reason) => {
            screen.stderr.push_str(&format!(
                "error: Internal error occurred: error executing command in container: {reason}\n"
            ));
            screen.prompt = terminal.prompt();
            screen.in_container = false;
            (None, screen)
        }
    }
}

/// The next chunk the real shell printed, as (stdout, stderr); None once it ended.
async fn next_output(shell: &mut Option<RealShell>) -> Option<(String, String)> {
    use bollard::container::LogOutput;
    use tokio_stream::StreamExt;
    let shell = shell.as_mut()?;
    match shell.process.output.next().await {
        Some(Ok(LogOutput::StdErr { message })) => Some((
            String::new(),
            String::from_utf8_lossy(&message).into_owned(),
        )),
        Some(Ok(LogOutput::StdOut { message } | LogOutput::Console { message })) => Some((
            String::from_utf8_lossy(&message).into_owned(),
            String::new(),
        )),
        Some(Ok(LogOutput::StdIn { .. })) => Some((String::new(), String::new())),
        Some(Err(_)) | None => None,
    }
}

/// A message from the browser while a real shell runs: a line goes to its
/// stdin; Ctrl-C is shown (with no terminal there is no SIGINT to send).
async fn to_real_shell(shell: &mut Option<RealShell>, text: &str) -> Option<Screen> {
    use tokio::io::AsyncWriteExt;
    let running = shell.as_mut()?;
    match serde_json::from_str::<ClientMessage>(text) {
        Ok(ClientMessage::Line { line, .. }) => {
            let written = running
                .process
                .input
                .write_all(format!("{line}\n").as_bytes())
                .await;
            if written.is_err() {
                let _ = running.process.input.shutdown().await;
            }
            None
        }
        Ok(ClientMessage::Interrupt) => Some(running.screen("^C\n".into(), String::new())),
        // No edit waits while a real shell runs.
        Ok(ClientMessage::FinishEdit { .. }) => None,
        Err(err) => Some(running.screen(
            String::new(),
            format!("sunaba: cannot read the terminal's message: {err}\n"),
        )),
    }
}

/// The real shell ended: kubectl's ending (the exit code, `--rm`), and the prompt again.
async fn end_real_shell(api: &Api, ended: RealShell, terminal: &Terminal) -> Screen {
    let RealShell {
        attach,
        process,
        engine,
    } = ended;
    let code = process.exit_code(&engine).await;
    let terminal = terminal.clone();
    api.cluster
        .call(move |cluster| {
            let mut out = Output::default();
            finish_session(cluster, &attach, code, &mut out);
            Screen::of(&out, &terminal)
        })
        .await
        .unwrap_or_else(|_| Screen::of(&Output::default(), &Terminal::new()))
}

/// What a running command printed since the last poll.
async fn poll(api: &Api, mut terminal: Terminal) -> Option<(Terminal, Screen)> {
    api.cluster
        .call(move |cluster| {
            let out = terminal.poll(cluster);
            let screen = Screen::of(&out, &terminal);
            (terminal, screen)
        })
        .await
        .ok()
}

/// The running container a shell the terminal just opened is in, when
/// its pod runs on the Docker node (where no simulated shell stands for
/// the real container); None for a simulated shell, or none.
fn real_container_of(
    cluster: &Cluster,
    terminal: &Terminal,
    docker_node: Option<&str>,
) -> Option<String> {
    let docker_node = docker_node?;
    let target = terminal.container()?;
    let pod = cluster
        .api()
        .store()
        .find(Kind::Pod, &target.namespace, &target.pod)?;
    let Object::Pod(pod) = pod.as_ref() else {
        return None;
    };
    let node = pod.spec.as_ref()?.node_name.as_deref()?;
    if node != docker_node {
        return None;
    }
    super::exec::running_container_id(pod, &target.container)
}

/// Sends a screen; false when the browser is gone.
async fn send(socket: &mut WebSocket, screen: Screen) -> bool {
    let Ok(text) = serde_json::to_string(&ServerMessage::Screen(screen)) else {
        return false;
    };
    socket.send(Message::Text(text.into())).await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::{seed, ClusterConfig};

    /// A cluster running the seed's pod, and a terminal in its nginx shell.
    fn in_a_shell() -> (Cluster, Terminal, String) {
        let mut cluster = Cluster::new(ClusterConfig::default());
        let manifest = seed::manifest("simple-pod.yaml").unwrap_or_default();
        let files = vec![("pod.yaml".to_string(), manifest.to_string())];
        let mut terminal = Terminal::new();
        terminal.run_line(&mut cluster, &files, "kubectl apply -f pod.yaml");
        cluster.advance(30_000);
        terminal.run_line(
            &mut cluster,
            &files,
            "kubectl exec -it simple-echo -c nginx -- sh",
        );
        assert!(terminal.in_container());
        let node = cluster
            .api()
            .store()
            .pods_on_node("sunaba-worker")
            .next()
            .map_or("sunaba-worker2", |_| "sunaba-worker")
            .to_string();
        (cluster, terminal, node)
    }

    #[test]
    fn a_shell_into_a_pod_on_the_docker_node_is_its_running_container() {
        let (mut cluster, mut terminal, node) = in_a_shell();
        let id = real_container_of(&cluster, &terminal, Some(&node));
        let status_id = cluster
            .api()
            .get(Kind::Pod, "default", "simple-echo")
            .ok()
            .and_then(|pod| match pod.as_ref() {
                Object::Pod(pod) => super::super::exec::running_container_id(pod, "nginx"),
                _ => None,
            });
        assert!(id.is_some());
        assert_eq!(id, status_id, "the container the pod's status names");
        let attach = terminal
            .take_session()
            .expect("the simulated shell is left");
        assert_eq!(
            (attach.program.as_str(), attach.target.container.as_str()),
            ("sh", "nginx")
        );
        assert!(!terminal.in_container());
        let mut out = Output::default();
        finish_session(&mut cluster, &attach, 3, &mut out);
        assert_eq!(out.stderr, "command terminated with exit code 3\n");
    }

    #[test]
    fn a_simulated_shell_stays_simulated() {
        let (cluster, terminal, _) = in_a_shell();
        assert_eq!(real_container_of(&cluster, &terminal, None), None);
        assert_eq!(
            real_container_of(&cluster, &terminal, Some("sunaba-control-plane")),
            None
        );
        assert_eq!(
            real_container_of(&cluster, &Terminal::new(), Some("sunaba-worker")),
            None
        );
    }
}

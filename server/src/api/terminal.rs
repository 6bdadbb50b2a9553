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
//! A shell in a pod on the Docker node is not simulated, so the session
//! leaves it at once and says so ([`docker_shell_refused`]).

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use sunaba_core::api::{Kind, Object};
use sunaba_core::kubectl::Output;
use sunaba_core::remote::{ClientMessage, Screen, ServerMessage, TERMINAL_PROTOCOL};
use sunaba_core::terminal::Terminal;
use sunaba_core::Cluster;

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

/// One terminal session, until the browser goes or the cluster stops.
async fn session(mut socket: WebSocket, api: Api) {
    let docker_node = api.docker.as_ref().map(|d| d.node.clone());
    let mut terminal = Terminal::new();
    if !send(&mut socket, Screen::of(&Output::default(), &terminal)).await {
        return;
    }
    let mut versions = api.cluster.versions();
    let mut timer = tokio::time::interval(POLL);
    loop {
        let busy = terminal.is_busy();
        let screen = tokio::select! {
            message = socket.recv() => match message {
                Some(Ok(Message::Text(text))) => {
                    let Some((next, screen)) =
                        handle(&api, terminal, text.as_str(), docker_node.clone()).await
                    else {
                        return;
                    };
                    terminal = next;
                    Some(screen)
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

/// Runs one message from the browser; the terminal and what to show, or
/// None when the cluster stopped.
async fn handle(
    api: &Api,
    mut terminal: Terminal,
    text: &str,
    docker_node: Option<String>,
) -> Option<(Terminal, Screen)> {
    match serde_json::from_str::<ClientMessage>(text) {
        Ok(ClientMessage::Line { line, files }) => api
            .cluster
            .call(move |cluster| {
                let mut out = terminal.run_line(cluster, &files, &line);
                if let Some(message) = docker_shell_refused(cluster, &terminal, docker_node) {
                    terminal = Terminal::new();
                    out.err(message);
                }
                let screen = Screen::of(&out, &terminal);
                (terminal, screen)
            })
            .await
            .ok(),
        Ok(ClientMessage::Interrupt) => {
            let out = terminal.interrupt();
            let screen = Screen::of(&out, &terminal);
            Some((terminal, screen))
        }
        Err(err) => {
            let mut out = Output::default();
            out.err(format!("sunaba: cannot read the terminal's message: {err}"));
            let screen = Screen::of(&out, &terminal);
            Some((terminal, screen))
        }
    }
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

/// Why the terminal must not stay in the shell it just opened: the pod
/// runs on the Docker node, where no simulated shell stands for the real
/// container. None when the shell is a simulated one (or there is none).
fn docker_shell_refused(
    cluster: &Cluster,
    terminal: &Terminal,
    docker_node: Option<String>,
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
    (node == docker_node).then(|| {
        format!(
            "sunaba: pod {}/{} runs in Docker on {node}: this terminal has no shell into its real containers yet. \
             Use the real kubectl with `sunaba kubeconfig`: kubectl exec -it {} -c {} -- sh",
            target.namespace, target.pod, target.pod, target.container
        )
    })
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
    fn a_shell_into_a_pod_on_the_docker_node_is_refused() {
        let (cluster, terminal, node) = in_a_shell();
        let refused = docker_shell_refused(&cluster, &terminal, Some(node));
        assert!(
            refused.is_some_and(|m| m.contains("kubectl exec -it simple-echo -c nginx")),
            "the message says what to run instead"
        );
    }

    #[test]
    fn a_simulated_shell_is_kept() {
        let (cluster, terminal, _) = in_a_shell();
        assert_eq!(docker_shell_refused(&cluster, &terminal, None), None);
        let elsewhere = Some("sunaba-control-plane".to_string());
        assert_eq!(docker_shell_refused(&cluster, &terminal, elsewhere), None);
        assert_eq!(
            docker_shell_refused(&cluster, &Terminal::new(), Some("sunaba-worker".into())),
            None
        );
    }
}

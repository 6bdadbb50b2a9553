//! The playground's terminal on the served cluster: `/sunaba/v1/terminal`
//! over a WebSocket, with the token as the bearer subprotocol, running
//! core's terminal as the browser tab does (the same bytes), streaming a
//! running command's output as the cluster changes; and a watch served
//! over a WebSocket, one event per message, as the web app's mirror reads it.

mod support;

#[path = "support/manifest_site.rs"]
mod manifest_site;

use std::time::Duration;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use sunaba_core::remote::{
    ClientMessage, Screen, ServerMessage, BEARER_PROTOCOL_PREFIX, TERMINAL_PROTOCOL, WATCH_PROTOCOL,
};
use sunaba_core::terminal::Terminal;
use sunaba_core::{seed, ClusterConfig};
use sunaba_server::api::token::Token;
use sunaba_server::cluster::{Clock, ClusterHandle};
use sunaba_server::{ServeConfig, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const TOKEN: &str = "terminal-test-token";

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A server with a manual clock on a free loopback port: its address and cluster.
async fn start() -> (String, ClusterHandle) {
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        token: Token::new(TOKEN),
        ..ServeConfig::default()
    };
    let server = Server::bind_with(&config, ClusterConfig::default(), Clock::Manual)
        .await
        .expect("bind a loopback port");
    let addr = server.local_addr().expect("bound").to_string();
    let cluster = server.cluster();
    tokio::spawn(server.run());
    (addr, cluster)
}

/// Opens `path` as a browser does: the token as the bearer subprotocol
/// beside `protocol`, and the page's Origin.
async fn connect(addr: &str, path: &str, protocol: &str) -> Socket {
    let mut request = format!("ws://{addr}{path}")
        .into_client_request()
        .expect("a request");
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(TOKEN);
    let headers = request.headers_mut();
    let offered = format!("{protocol}, {BEARER_PROTOCOL_PREFIX}{token}");
    headers.insert("Sec-WebSocket-Protocol", offered.parse().expect("a header"));
    headers.insert(
        "Origin",
        format!("http://{addr}").parse().expect("a header"),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the upgrade is accepted");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some(protocol),
        "the server picks its protocol, never the token's"
    );
    socket
}

/// The next text message, within 10 s.
async fn next_text(socket: &mut Socket) -> String {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .expect("a readable message");
        if let Message::Text(text) = message {
            return text.to_string();
        }
    }
}

async fn next_screen(socket: &mut Socket) -> Screen {
    let text = next_text(socket).await;
    match serde_json::from_str(&text).expect("a server message") {
        ServerMessage::Screen(screen) => screen,
    }
}

async fn send(socket: &mut Socket, message: &ClientMessage) {
    let text = serde_json::to_string(message).expect("serialises");
    socket.send(Message::Text(text.into())).await.expect("sent");
}

async fn run(socket: &mut Socket, line: &str, files: &[(String, String)]) -> Screen {
    let message = ClientMessage::Line {
        line: line.into(),
        files: files.to_vec(),
    };
    send(socket, &message).await;
    next_screen(socket).await
}

/// What core's terminal prints for `line` on the served cluster right now.
async fn printed_in_process(cluster: &ClusterHandle, line: &'static str) -> String {
    cluster
        .call(move |c| {
            let files: Vec<(String, String)> = Vec::new();
            Terminal::new().run_line(c, &files, line).stdout
        })
        .await
        .expect("the cluster runs")
}

/// POSTs a pod through the REST API, as kubectl in another terminal would.
async fn create_pod_by_rest(addr: &str, name: &str) {
    let body = format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{name}"}},"spec":{{"containers":[{{"name":"c","image":"busybox","command":["sleep","3600"]}}]}}}}"#
    );
    let request = format!(
        "POST /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_runs_core_kubectl_on_the_served_cluster() {
    let (addr, cluster) = start().await;
    let mut socket = connect(&addr, "/sunaba/v1/terminal", TERMINAL_PROTOCOL).await;
    let hello = next_screen(&mut socket).await;
    assert_eq!((hello.prompt.as_str(), hello.busy), ("$ ", false));

    let manifest = seed::manifest("simple-pod.yaml").expect("a seed manifest");
    let files = vec![("simple-pod.yaml".to_string(), manifest.to_string())];
    let applied = run(&mut socket, "kubectl apply -f simple-pod.yaml", &files).await;
    assert_eq!(applied.stdout, "pod/simple-echo created\n");
    assert_eq!(applied.stderr, "");
    cluster.advance(30_000).await.expect("the cluster runs");

    let listed = run(&mut socket, "kubectl get pods", &[]).await;
    assert!(
        listed.stdout.contains("simple-echo   2/2     Running"),
        "{}",
        listed.stdout
    );
    assert_eq!(
        listed.stdout,
        printed_in_process(&cluster, "kubectl get pods").await,
        "the same bytes as the tab's terminal"
    );

    let missing = run(&mut socket, "kubectl apply -f nowhere.yaml", &files).await;
    assert!(missing.stderr.contains("nowhere.yaml"), "{missing:?}");

    let shell = run(
        &mut socket,
        "kubectl exec -it simple-echo -c nginx -- sh",
        &[],
    )
    .await;
    assert!(shell.in_container, "{shell:?}");
    let inside = run(&mut socket, "echo inside", &[]).await;
    assert_eq!(inside.stdout, "inside\n");
    let left = run(&mut socket, "exit", &[]).await;
    assert!(!left.in_container);
    assert_eq!(left.prompt, "$ ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_streams_a_change_made_through_the_api_until_ctrl_c() {
    let (addr, _cluster) = start().await;
    let mut socket = connect(&addr, "/sunaba/v1/terminal", TERMINAL_PROTOCOL).await;
    next_screen(&mut socket).await;
    let watching = run(&mut socket, "kubectl get pods -w", &[]).await;
    assert!(watching.busy, "{watching:?}");
    assert_eq!(watching.prompt, "");

    create_pod_by_rest(&addr, "from-rest").await;
    let mut streamed = String::new();
    while !streamed.contains("from-rest") {
        let screen = next_screen(&mut socket).await;
        assert!(screen.busy, "the watch goes on: {screen:?}");
        streamed.push_str(&screen.stdout);
    }
    assert!(streamed.contains("Pending"), "{streamed}");

    let ignored = run(&mut socket, "kubectl get nodes", &[]).await;
    assert!(ignored.busy && ignored.stdout.is_empty(), "{ignored:?}");
    send(&mut socket, &ClientMessage::Interrupt).await;
    let mut stopped = next_screen(&mut socket).await;
    while stopped.busy {
        stopped = next_screen(&mut socket).await;
    }
    assert_eq!(stopped.stdout, "^C\n");
    assert_eq!(stopped.prompt, "$ ");
}

/// `kubectl edit` on the server waits for the browser's editor: the screen
/// carries the buffer, and the saved text comes back as a message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_waits_for_the_browsers_editor_and_applies_what_it_saved() {
    let (addr, _cluster) = start().await;
    let mut socket = connect(&addr, "/sunaba/v1/terminal", TERMINAL_PROTOCOL).await;
    next_screen(&mut socket).await;
    let manifest = seed::manifest("simple-deployment.yaml").expect("a seed manifest");
    let files = vec![("simple-deployment.yaml".to_string(), manifest.to_string())];
    run(
        &mut socket,
        "kubectl apply -f simple-deployment.yaml",
        &files,
    )
    .await;
    let waiting = run(&mut socket, "kubectl edit deploy/echo", &[]).await;
    assert!(waiting.busy && waiting.prompt.is_empty(), "{waiting:?}");
    let buffer = waiting.edit.expect("the buffer to edit");
    assert_eq!(buffer.title, "deployment.apps/echo");
    send(
        &mut socket,
        &ClientMessage::FinishEdit {
            saved: Some(buffer.text.replacen("replicas: 3", "replicas: 1", 1)),
            files: Vec::new(),
        },
    )
    .await;
    let done = next_screen(&mut socket).await;
    assert_eq!(done.stdout, "deployment.apps/echo edited\n");
    assert_eq!((done.prompt.as_str(), done.edit), ("$ ", None));
    let replicas = run(
        &mut socket,
        "kubectl get deploy echo -o jsonpath={.spec.replicas}",
        &[],
    )
    .await;
    assert_eq!(replicas.stdout, "1");
}

/// In server mode the server is the host: it fetches the URL a line's
/// `-f` names, then answers with what the line printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manifest_from_a_url_is_fetched_by_the_server() {
    let site = manifest_site::ManifestSite::start().await;
    let (addr, _cluster) = start().await;
    let mut socket = connect(&addr, "/sunaba/v1/terminal", TERMINAL_PROTOCOL).await;
    next_screen(&mut socket).await;
    let applied = run(
        &mut socket,
        &format!("kubectl apply -f {}/moved.yaml", site.http()),
        &[],
    )
    .await;
    assert_eq!(
        (
            applied.stdout.as_str(),
            applied.stderr.as_str(),
            applied.busy
        ),
        ("configmap/fromurl created\n", "", false)
    );
    assert_eq!(applied.prompt, "$ ");
    let missing = run(
        &mut socket,
        &format!("kubectl apply -f {}/missing.yaml", site.http()),
        &[],
    )
    .await;
    assert_eq!(
        missing.stderr,
        format!(
            "error: unable to read URL \"{}/missing.yaml\", server reported 404 Not Found, status code=404\n",
            site.http()
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_message_is_answered_not_fatal() {
    let (addr, _cluster) = start().await;
    let mut socket = connect(&addr, "/sunaba/v1/terminal", TERMINAL_PROTOCOL).await;
    next_screen(&mut socket).await;
    socket
        .send(Message::Text("{\"type\":\"reboot\"}".into()))
        .await
        .expect("sent");
    let answer = next_screen(&mut socket).await;
    assert!(
        answer.stderr.starts_with("sunaba: cannot read"),
        "{answer:?}"
    );
    let nodes = run(&mut socket, "kubectl get nodes", &[]).await;
    assert!(nodes.stdout.contains("sunaba-control-plane"), "{nodes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_over_a_websocket_sends_one_event_per_message() {
    let (addr, _cluster) = start().await;
    let path = "/api/v1/pods?watch=true&allowWatchBookmarks=true&sendInitialEvents=true";
    let mut watch = connect(&addr, path, WATCH_PROTOCOL).await;
    let end: Value = serde_json::from_str(&next_text(&mut watch).await).expect("JSON");
    assert_eq!(end["type"], "BOOKMARK", "no pods yet: {end}");
    assert_eq!(
        end["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
    create_pod_by_rest(&addr, "watched").await;
    let added: Value = serde_json::from_str(&next_text(&mut watch).await).expect("JSON");
    assert_eq!(added["type"], "ADDED");
    assert_eq!(added["object"]["metadata"]["name"], "watched");
}

/// A pod that sleeps in the demo toolbox (busybox), on the Docker node.
const SLEEPER: &str = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"sleeper"},
 "spec":{"terminationGracePeriodSeconds":1,"containers":[{"name":"box",
  "image":"gihyodocker/fundamental:0.1.0","imagePullPolicy":"IfNotPresent",
  "command":["sh","-c","sleep 3600"]}]}}"#;

/// Screens until one satisfies `done`, joining what they printed.
async fn screens_until(socket: &mut Socket, done: impl Fn(&Screen) -> bool) -> (String, Screen) {
    let mut printed = String::new();
    loop {
        let screen = next_screen(socket).await;
        printed.push_str(&screen.stdout);
        printed.push_str(&screen.stderr);
        if done(&screen) {
            return (printed, screen);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_into_a_docker_pod_runs_in_the_real_container() {
    if !support::available_or_skip("a_shell_into_a_docker_pod_runs_in_the_real_container") {
        return;
    }
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let docker = sunaba_server::docker::DockerConfig {
        cluster: format!("test-terminal-{}-{stamp}", std::process::id()),
        ..sunaba_server::docker::DockerConfig::default()
    };
    let _clean_up = support::RemoveCluster(docker.cluster.clone());
    let seed = u64::try_from(stamp % 1_000_000_007).unwrap_or(1);
    let startup = sunaba_server::serve::docker_startup(&docker, Some(seed))
        .await
        .expect("the Docker engine answers");
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        token: Token::new(TOKEN),
        ..ServeConfig::default()
    };
    let server = Server::bind_startup(&config, startup)
        .await
        .expect("bind a loopback port");
    let addr = server.local_addr().expect("bound").to_string();
    let cluster = server.cluster();
    tokio::spawn(server.run());
    cluster
        .call(|c| c.create_manifests(SLEEPER).map(|r| r.len()))
        .await
        .expect("the cluster runs")
        .expect("the manifest decodes");

    let mut socket = connect(&addr, "/sunaba/v1/terminal", TERMINAL_PROTOCOL).await;
    next_screen(&mut socket).await;
    let start = std::time::Instant::now();
    loop {
        let screen = run(&mut socket, "kubectl get pod sleeper --no-headers", &[]).await;
        if screen.stdout.contains(" Running ") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{screen:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let opened = run(&mut socket, "kubectl exec -it sleeper -- sh", &[]).await;
    assert!(opened.in_container && opened.prompt == "/ # ", "{opened:?}");
    // The real container answers: its PID 1 is `sleep`, its hostname the pod's.
    send(
        &mut socket,
        &ClientMessage::Line {
            line: "echo \"$(hostname) $(cat /proc/1/cmdline | tr '\\0' ' ')\"".into(),
            files: Vec::new(),
        },
    )
    .await;
    let (printed, _) = screens_until(&mut socket, |s| s.stdout.contains("sleeper")).await;
    assert_eq!(
        printed, "sleeper sleep 3600 \n",
        "sh -c execs its one command"
    );
    send(
        &mut socket,
        &ClientMessage::Line {
            line: "exit 3".into(),
            files: Vec::new(),
        },
    )
    .await;
    let (printed, back) = screens_until(&mut socket, |s| !s.in_container).await;
    assert_eq!(printed, "command terminated with exit code 3\n");
    assert_eq!(back.prompt, "$ ");
    let _ = cluster
        .call(|c| {
            let key = sunaba_core::store::ObjectKey::new(
                sunaba_core::api::Kind::Pod,
                "default",
                "sleeper",
            );
            c.delete(&key, &sunaba_core::apiserver::DeleteOptions::default())
                .is_ok()
        })
        .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
}

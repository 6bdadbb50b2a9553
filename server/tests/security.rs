//! `sunaba serve` is safe to run on a laptop: the API demands the token
//! drawn at each start (and printed in the URL, kept in the kubeconfigs),
//! answers only to its own Host and Origin, and limits bodies and watches.
//! The real binary and the real kubectl where it matters; an in-process
//! server with a chosen token and a small watch cap elsewhere.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use sunaba_core::ClusterConfig;
use sunaba_server::api::request::MAX_BODY_BYTES;
use sunaba_server::api::token::Token;
use sunaba_server::cluster::Clock;
use sunaba_server::{ServeConfig, Server};
use support::{scratch, Served, URL_LINE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The token of the in-process servers.
const TOKEN: &str = "security-test-token";

/// The Status a request without the right token gets, as the API server sends it.
const UNAUTHORIZED: &str = r#"{"apiVersion":"v1","code":401,"kind":"Status","message":"Unauthorized","metadata":{},"reason":"Unauthorized","status":"Failure"}"#;

/// A server on a free loopback port demanding [`TOKEN`], with at most
/// `max_watches` watches; its address.
async fn start(max_watches: usize) -> String {
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        token: Token::new(TOKEN),
        max_watches,
    };
    let server = Server::bind_with(&config, ClusterConfig::default(), Clock::Manual)
        .await
        .expect("bind a loopback port");
    let addr = server.local_addr().expect("bound").to_string();
    tokio::spawn(server.run());
    addr
}

/// A response: status code, headers (lower-case names) and body.
struct Reply {
    code: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends `head` (the request line and headers, without the blank line)
/// and `body`, and reads the whole answer.
async fn exchange(addr: &str, head: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut request = format!("{head}\r\nConnection: close\r\n\r\n").into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request).await.expect("send");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("an answer within 10 s")
        .expect("read the answer");
    parse(&String::from_utf8_lossy(&raw))
}

fn parse(raw: &str) -> Reply {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Reply {
        code,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// A GET of `path` with `Host: addr`, the token and `extra` header lines.
async fn get(addr: &str, path: &str, extra: &str) -> Reply {
    let head =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}{extra}");
    exchange(addr, &head, b"").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_demands_the_token_and_health_does_not() {
    let addr = start(8).await;
    for path in ["/api/v1/namespaces", "/version", "/apis", "/openapi/v3"] {
        let missing = exchange(&addr, &format!("GET {path} HTTP/1.1\r\nHost: {addr}"), b"").await;
        assert_eq!(
            (missing.code, missing.body.as_str()),
            (401, UNAUTHORIZED),
            "{path}"
        );
        let wrong = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer nope");
        let wrong = exchange(&addr, &wrong, b"").await;
        assert_eq!(
            (wrong.code, wrong.body.as_str()),
            (401, UNAUTHORIZED),
            "{path}"
        );
        assert_eq!(get(&addr, path, "").await.code, 200, "{path}");
    }
    for path in ["/healthz", "/livez", "/readyz"] {
        let open = exchange(&addr, &format!("GET {path} HTTP/1.1\r\nHost: {addr}"), b"").await;
        assert_eq!((open.code, open.body.as_str()), (200, "ok"), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_host_is_forbidden_even_with_the_token() {
    let addr = start(8).await;
    let port = addr.rsplit_once(':').map(|(_, p)| p).expect("a port");
    for path in ["/api/v1/namespaces", "/", "/healthz"] {
        let head = format!(
            "GET {path} HTTP/1.1\r\nHost: evil.example:{port}\r\nAuthorization: Bearer {TOKEN}"
        );
        let refused = exchange(&addr, &head, b"").await;
        assert_eq!(refused.code, 403, "{path}");
        let status = refused.json();
        assert_eq!(status["reason"], "Forbidden");
        assert_eq!(
            status["message"],
            format!("forbidden: the Host \"evil.example:{port}\" is not this server's")
        );
    }
    let by_name =
        format!("GET /version HTTP/1.1\r\nHost: localhost:{port}\r\nAuthorization: Bearer {TOKEN}");
    assert_eq!(exchange(&addr, &by_name, b"").await.code, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_origin_is_forbidden_and_the_servers_own_is_not() {
    let addr = start(8).await;
    let foreign = get(
        &addr,
        "/api/v1/namespaces",
        "\r\nOrigin: http://evil.example",
    )
    .await;
    assert_eq!(foreign.code, 403);
    assert_eq!(
        foreign.json()["message"],
        "forbidden: the Origin \"http://evil.example\" is not this server's"
    );
    let own = get(
        &addr,
        "/api/v1/namespaces",
        &format!("\r\nOrigin: http://{addr}"),
    )
    .await;
    assert_eq!(own.code, 200, "{}", own.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_refused_and_changes_nothing() {
    let addr = start(8).await;
    let path = "/api/v1/namespaces/default/configmaps";
    let filler = "x".repeat(MAX_BODY_BYTES);
    let body = format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"huge"}},"data":{{"k":"{filler}"}}}}"#
    );
    // Declared: refused on its Content-Length, before a byte of it is read.
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}",
        body.len()
    );
    let declared = exchange(&addr, &head, b"").await;
    assert_eq!(declared.code, 413);
    assert_eq!(declared.json()["reason"], "RequestEntityTooLarge");
    assert_eq!(
        declared.json()["message"],
        "Request entity too large: limit is 3145728"
    );
    // Chunked, without a length: cut where the limit is.
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked"
    );
    let chunked = format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len());
    let streamed = exchange(&addr, &head, chunked.as_bytes()).await;
    assert_eq!(streamed.code, 413, "{}", streamed.body);
    assert_eq!(streamed.json()["reason"], "RequestEntityTooLarge");

    let after = get(&addr, &format!("{path}/huge"), "").await;
    assert_eq!(after.code, 404, "the cluster is unchanged: {}", after.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watches_beyond_the_cap_are_refused_until_one_ends() {
    let addr = start(2).await;
    let path = "/api/v1/namespaces/default/pods?watch=true";
    let mut open = Vec::new();
    for _ in 0..2 {
        open.push(open_watch(&addr, path).await);
    }
    assert!(open.iter().all(|(code, _)| *code == 200));
    let refused = get(&addr, path, "").await;
    assert_eq!(refused.code, 429);
    assert!(
        refused.headers.contains("\r\nretry-after: 1"),
        "{}",
        refused.headers
    );
    let status = refused.json();
    assert_eq!(status["reason"], "TooManyRequests");
    assert_eq!(status["details"]["retryAfterSeconds"], 1);
    // Other requests still go through.
    assert_eq!(get(&addr, "/api/v1/namespaces", "").await.code, 200);

    drop(open.pop());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (code, _stream) = open_watch(&addr, path).await;
        if code == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the ended watch's place was not freed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens a watch and reads its status line; the stream stays open.
async fn open_watch(addr: &str, path: &str) -> (u16, TcpStream) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut buffer = [0u8; 1024];
    let read = stream.read(&mut buffer).await.expect("the head arrives");
    let code = parse(&String::from_utf8_lossy(&buffer[..read])).code;
    (code, stream)
}

#[test]
fn the_printed_url_carries_a_token_that_differs_between_starts() {
    let first = Served::start(&["--ephemeral"]);
    let second = Served::start(&["--ephemeral"]);
    for served in [&first, &second] {
        assert_eq!(served.token.len(), 64, "{}", served.token);
        assert!(served.token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            served.printed().first().map(String::as_str),
            Some(format!("{URL_LINE}http://{}/?token={}", served.addr, served.token).as_str())
        );
        let path = "/api/v1/namespaces";
        assert_eq!(
            served.request("GET", path, None).map(|(code, _)| code),
            Some(200)
        );
    }
    assert_ne!(first.token, second.token);
    // One server's token opens nothing on the other.
    let borrowed = format!("Bearer {}", first.token);
    let answer = support::request(
        second.addr,
        "GET",
        "/version",
        &[("Authorization", &borrowed)],
        None,
    );
    assert_eq!(answer.map(|(code, _)| code), Some(401));
}

#[test]
fn a_server_bound_to_every_address_still_demands_the_token() {
    let served = Served::start_at("0.0.0.0:0", &["--ephemeral"]);
    let port = served.addr.port();
    assert!(
        served.printed().contains(&format!(
            "It listens on 0.0.0.0:{port}: other machines can reach it, and need its token too."
        )),
        "{:?}",
        served.printed()
    );
    let path = "/api/v1/namespaces";
    let answer = support::request(served.addr, "GET", path, &[], None);
    assert_eq!(answer.map(|(code, _)| code), Some(401));
    assert_eq!(
        served.request("GET", path, None).map(|(code, _)| code),
        Some(200)
    );
    // Reached by another of the machine's addresses, named as an IP.
    let authorization = format!("Bearer {}", served.token);
    let by_ip = support::request_with_host(
        served.addr,
        &format!("10.1.2.3:{port}"),
        "GET",
        path,
        &[("Authorization", &authorization)],
        None,
    );
    assert_eq!(by_ip.map(|(code, _)| code), Some(200));
    let by_name = support::request_with_host(
        served.addr,
        &format!("my-laptop.local:{port}"),
        "GET",
        path,
        &[("Authorization", &authorization)],
        None,
    );
    assert_eq!(by_name.map(|(code, _)| code), Some(403));
}

/// The real kubectls this machine has: 1.32 itself, and `/usr/bin/kubectl`.
fn kubectls() -> Vec<PathBuf> {
    let found: Vec<PathBuf> = [
        "/usr/lib/google-cloud-sdk/bin/kubectl.1.32",
        "/usr/bin/kubectl",
    ]
    .iter()
    .map(PathBuf::from)
    .filter(|p| p.is_file())
    .collect();
    if found.is_empty() {
        assert!(
            std::env::var("SUNABA_REQUIRE_KUBECTL").as_deref() != Ok("1"),
            "SUNABA_REQUIRE_KUBECTL=1 but no kubectl"
        );
        eprintln!("skipped: no kubectl");
    }
    found
}

/// Runs `kubectl --kubeconfig KUBECONFIG ARGS…` with nothing on stdin;
/// (stdout, stderr, exit code).
fn kubectl(binary: &Path, dir: &Path, kubeconfig: &Path, args: &[&str]) -> (String, String, i32) {
    let output = Command::new(binary)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .env("HOME", dir)
        .stdin(Stdio::null())
        .output()
        .expect("kubectl runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn the_real_kubectl_needs_the_token_the_kubeconfig_carries() {
    let dir = scratch("security-kubectl");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let kubeconfig = dir.join("kubeconfig");
    let path = kubeconfig.to_string_lossy().into_owned();
    let served = Served::start(&["--ephemeral", "--write-kubeconfig", &path]);
    let text = std::fs::read_to_string(&kubeconfig).expect("the kubeconfig is written");
    let mode = std::fs::metadata(&kubeconfig)
        .expect("there")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "only its owner reads the token");
    assert!(
        text.contains(&format!("    token: \"{}\"\n", served.token)),
        "{text}"
    );
    assert!(
        text.contains(&format!("    server: https://{}\n", served.addr)),
        "{text}"
    );

    let without = dir.join("without-token");
    std::fs::write(
        &without,
        text.replace(
            &format!("  user:\n    token: \"{}\"\n", served.token),
            "  user: {}\n",
        ),
    )
    .expect("written");
    let wrong = dir.join("wrong-token");
    std::fs::write(&wrong, text.replace(&served.token, "0123456789abcdef")).expect("written");
    for binary in kubectls() {
        let (stdout, stderr, code) =
            kubectl(&binary, &dir, &kubeconfig, &["get", "nodes", "-o", "name"]);
        assert_eq!(
            (stdout.as_str(), stderr.as_str(), code),
            (
                "node/sunaba-control-plane\nnode/sunaba-worker\nnode/sunaba-worker2\n",
                "",
                0
            ),
            "{}",
            binary.display()
        );
        // Without credentials kubectl asks for a user name (over HTTPS it
        // would try basic auth), and stops at the end of its input.
        assert_eq!(
            kubectl(&binary, &dir, &without, &["get", "nodes"]),
            (
                "Please enter Username: ".to_string(),
                "error: EOF\n".to_string(),
                1
            ),
            "{}",
            binary.display()
        );
        assert_eq!(
            kubectl(&binary, &dir, &wrong, &["get", "nodes"]),
            (
                String::new(),
                "error: You must be logged in to the server (Unauthorized)\n".to_string(),
                1
            ),
            "{}",
            binary.display()
        );
    }
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sunaba_kubeconfig_prints_the_running_servers_kubeconfig_only_while_it_runs() {
    let dir = scratch("security-data-dir");
    let data_dir = dir.to_string_lossy().into_owned();
    let print = || {
        Command::new(env!("CARGO_BIN_EXE_sunaba"))
            .args(["kubeconfig", "--data-dir", data_dir.as_str()])
            .output()
            .expect("sunaba runs")
    };
    let served = Served::start(&["--data-dir", data_dir.as_str()]);
    let kept = dir.join("kubeconfig");
    let mode = std::fs::metadata(&kept).expect("kept").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let printed = print();
    assert_eq!(printed.status.code(), Some(0), "{printed:?}");
    let text = String::from_utf8_lossy(&printed.stdout);
    assert_eq!(text, std::fs::read_to_string(&kept).expect("readable"));
    assert!(
        text.contains(&format!("    token: \"{}\"\n", served.token)),
        "{text}"
    );
    assert!(
        text.contains(&format!("    server: https://{}\n", served.addr)),
        "{text}"
    );
    assert!(
        served.printed().contains(&format!(
            "kubectl can reach it with: KUBECONFIG={} kubectl get nodes",
            kept.display()
        )),
        "{:?}",
        served.printed()
    );
    served.kill_9();

    let stale = print();
    assert_eq!(stale.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&stale.stdout), "");
    assert_eq!(
        String::from_utf8_lossy(&stale.stderr),
        format!(
            "error: no sunaba serve is running with its state in {}, so its token is unknown. \
             A server started with --ephemeral keeps no kubeconfig: take the token from the URL \
             it printed, or start it with --write-kubeconfig PATH.\n",
            dir.display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The status code of a WebSocket upgrade to `path` with these extra
/// header lines, read from the answer's head alone (an accepted upgrade
/// keeps the connection open).
async fn upgrade_status(addr: &str, path: &str, host: &str, extra: &str) -> u16 {
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{extra}\r\n"
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut byte))
            .await
            .expect("an answer within 10 s")
            .expect("read the answer");
        if read == 0 {
            break;
        }
        raw.push(byte[0]);
    }
    parse(&String::from_utf8_lossy(&raw)).code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_carries_the_token_as_the_kubernetes_bearer_subprotocol() {
    let addr = start(8).await;
    let port = addr.rsplit_once(':').map(|(_, p)| p).expect("a port");
    // base64url("security-test-token"), unpadded.
    let bearer = "base64url.bearer.authorization.k8s.io.c2VjdXJpdHktdGVzdC10b2tlbg";
    let wrong = "base64url.bearer.authorization.k8s.io.bm9wZQ";
    let offer = |token: &str| format!("Sec-WebSocket-Protocol: terminal.sunaba.v1, {token}\r\n");
    let own_origin = format!("Origin: http://{addr}\r\n");
    for path in ["/sunaba/v1/terminal", "/api/v1/pods?watch=true"] {
        let none = "Sec-WebSocket-Protocol: terminal.sunaba.v1\r\n";
        assert_eq!(
            upgrade_status(&addr, path, &addr, none).await,
            401,
            "{path}"
        );
        let refused = upgrade_status(&addr, path, &addr, &offer(wrong)).await;
        assert_eq!(refused, 401, "{path}");
        let foreign = format!("{}Origin: http://evil.example\r\n", offer(bearer));
        assert_eq!(
            upgrade_status(&addr, path, &addr, &foreign).await,
            403,
            "{path}"
        );
        let rebound = format!("evil.example:{port}");
        let elsewhere = upgrade_status(&addr, path, &rebound, &offer(bearer)).await;
        assert_eq!(elsewhere, 403, "{path}");
        let accepted = format!("{}{own_origin}", offer(bearer));
        assert_eq!(
            upgrade_status(&addr, path, &addr, &accepted).await,
            101,
            "{path}"
        );
    }
    // Outside a WebSocket upgrade the subprotocol header carries nothing.
    let plain = get_without_token(&addr, "/api/v1/pods", &offer(bearer)).await;
    assert_eq!(plain.code, 401);
}

/// A GET of `path` without the Authorization header, with `extra` header lines.
async fn get_without_token(addr: &str, path: &str, extra: &str) -> Reply {
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{}",
        extra.trim_end()
    );
    exchange(addr, &head, b"").await
}

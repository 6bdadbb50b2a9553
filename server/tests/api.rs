//! The Kubernetes API of `sunaba serve` over plain HTTP, without kubectl:
//! discovery, Status errors with their codes, content negotiation, a watch
//! stream and a followed log. Every request carries the server's token
//! (`security.rs` tests what happens without it).

use std::time::Duration;

use serde_json::Value;
use sunaba_core::ClusterConfig;
use sunaba_server::api::token::Token;
use sunaba_server::cluster::{Clock, ClusterHandle};
use sunaba_server::{ServeConfig, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The token the test servers demand.
const TOKEN: &str = "api-test-token";

/// A server on a free port with a manual clock, demanding [`TOKEN`].
async fn start() -> (String, ClusterHandle) {
    let config = ServeConfig {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        token: Token::new(TOKEN),
        ..ServeConfig::default()
    };
    let server = Server::bind_with(&config, ClusterConfig::default(), Clock::Manual)
        .await
        .expect("bind a loopback port");
    let addr = server.local_addr().expect("a bound address").to_string();
    let cluster = server.cluster();
    tokio::spawn(server.run());
    (addr, cluster)
}

/// A response: status code, headers (lower-case names) and body.
struct Reply {
    code: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends one request with the token and reads the whole (non-streaming) response.
async fn send(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write the request");
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .expect("read the response");
    parse(&String::from_utf8_lossy(&raw))
}

fn parse(raw: &str) -> Reply {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let mut lines = head.lines();
    let code = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v == "chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        code,
        headers,
        body,
    }
}

/// Joins the chunks of a chunked body.
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// Opens a streaming GET and returns what arrived once `wanted` shows up (or after 10 s).
async fn stream_until(
    addr: &str,
    path: &str,
    wanted: &str,
    after_open: impl std::future::Future<Output = ()>,
) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write the request");
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    let read = stream.read(&mut buffer).await.expect("the headers arrive");
    seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
    after_open.await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !seen.contains(wanted) {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await;
        match read {
            Ok(Ok(n)) if n > 0 => seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
            _ => break,
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_answers_legacy_and_aggregated_requests() {
    let (addr, _) = start().await;
    let version = send(&addr, "GET", "/version", &[], "").await;
    assert_eq!(version.code, 200);
    assert_eq!(version.json()["gitVersion"], "v1.33.1");

    let legacy = send(&addr, "GET", "/apis", &[("Accept", "application/json")], "").await;
    assert_eq!(legacy.json()["kind"], "APIGroupList");
    let aggregated = send(
        &addr,
        "GET",
        "/apis",
        &[(
            "Accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
        )],
        "",
    )
    .await;
    assert_eq!(
        aggregated.header("content-type"),
        Some("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
    );
    assert_eq!(aggregated.json()["items"][0]["metadata"]["name"], "apps");

    let resources = send(&addr, "GET", "/apis/apps/v1", &[], "").await;
    assert_eq!(resources.json()["groupVersion"], "apps/v1");
    let missing = send(&addr, "GET", "/apis/apps/v2", &[], "").await;
    assert_eq!(missing.code, 404);
}

/// Both OpenAPI documents carry the kinds' schemas: v3 per group version
/// (found through the root's hashed URLs), v2 whole, as JSON unless
/// protobuf is asked for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_documents_carry_the_schemas_of_the_served_kinds() {
    let (addr, _) = start().await;
    let root = send(&addr, "GET", "/openapi/v3", &[], "").await.json();
    let apps = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let document = send(&addr, "GET", &apps, &[], "").await.json();
    let deployment = &document["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"];
    assert_eq!(
        deployment["x-kubernetes-group-version-kind"][0]["kind"],
        "Deployment"
    );
    assert!(document["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"].is_object());
    assert!(document["components"]["schemas"]["io.k8s.api.core.v1.ServiceSpec"].is_null());

    let v2 = send(
        &addr,
        "GET",
        "/openapi/v2",
        &[("Accept", "application/json")],
        "",
    )
    .await;
    assert_eq!(v2.header("content-type"), Some("application/json"));
    assert_eq!(v2.json()["swagger"], "2.0");
    assert_eq!(
        v2.json()["definitions"]["io.k8s.api.core.v1.Pod"]["properties"]["spec"]["$ref"],
        "#/definitions/io.k8s.api.core.v1.PodSpec"
    );
    let protobuf = send(
        &addr,
        "GET",
        "/openapi/v2",
        &[(
            "Accept",
            "application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
        )],
        "",
    )
    .await;
    assert_eq!(
        protobuf.header("content-type"),
        Some("application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_status_objects_with_their_http_codes() {
    let (addr, _) = start().await;
    let not_found = send(&addr, "GET", "/api/v1/namespaces/default/pods/x", &[], "").await;
    assert_eq!(not_found.code, 404);
    let status = not_found.json();
    assert_eq!(
        (
            &status["kind"],
            &status["status"],
            &status["reason"],
            &status["message"],
            &status["code"]
        ),
        (
            &Value::from("Status"),
            &Value::from("Failure"),
            &Value::from("NotFound"),
            &Value::from("pods \"x\" not found"),
            &Value::from(404)
        )
    );

    let nowhere = send(&addr, "GET", "/api/v1/widgets", &[], "").await;
    assert_eq!(nowhere.code, 404);
    assert_eq!(
        nowhere.json()["message"],
        "the server could not find the requested resource"
    );

    let broken = send(
        &addr,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        &[],
        "{",
    )
    .await;
    assert_eq!(
        (broken.code, broken.json()["reason"].clone()),
        (400, Value::from("BadRequest"))
    );

    let config_map = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"#;
    let path = "/api/v1/namespaces/default/configmaps";
    let created = send(
        &addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        config_map,
    )
    .await;
    assert_eq!(created.code, 201);
    assert_eq!(created.json()["metadata"]["namespace"], "default");
    let again = send(
        &addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        config_map,
    )
    .await;
    assert_eq!(
        (again.code, again.json()["reason"].clone()),
        (409, Value::from("AlreadyExists"))
    );

    let invalid = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_Valid"}}"#;
    let refused = send(&addr, "POST", path, &[], invalid).await;
    assert_eq!(
        (refused.code, refused.json()["reason"].clone()),
        (422, Value::from("Invalid"))
    );

    let stale =
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","resourceVersion":"1"}}"#;
    let conflict = send(&addr, "PUT", &format!("{path}/c"), &[], stale).await;
    assert_eq!(
        (conflict.code, conflict.json()["reason"].clone()),
        (409, Value::from("Conflict"))
    );

    // Server-side apply names its field manager.
    let apply_headers = [("Content-Type", "application/apply-patch+yaml")];
    let apply = send(
        &addr,
        "PATCH",
        &format!("{path}/c"),
        &apply_headers,
        config_map,
    )
    .await;
    assert_eq!(
        (apply.code, apply.json()["message"].clone()),
        (
            400,
            Value::from("fieldManager is required for apply requests")
        )
    );
    let managed = format!("{path}/c?fieldManager=test");
    let apply = send(&addr, "PATCH", &managed, &apply_headers, config_map).await;
    assert_eq!(apply.code, 200, "{}", apply.body);
    let unsupported = send(
        &addr,
        "PATCH",
        &format!("{path}/c"),
        &[("Content-Type", "application/apply-patch+cbor")],
        config_map,
    )
    .await;
    assert_eq!(unsupported.code, 415);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_warn_unless_validation_is_strict() {
    let (addr, _) = start().await;
    let body = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w"},"dta":{}}"#;
    let path = "/api/v1/namespaces/default/configmaps";
    let strict = send(
        &addr,
        "POST",
        &format!("{path}?fieldValidation=Strict"),
        &[],
        body,
    )
    .await;
    assert_eq!(strict.code, 400);
    let warned = send(&addr, "POST", path, &[], body).await;
    assert_eq!(warned.code, 201);
    assert_eq!(
        warned.header("warning"),
        Some(r#"299 - "unknown field \"dta\"""#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_are_served_when_asked_for() {
    let (addr, _) = start().await;
    let table = send(
        &addr,
        "GET",
        "/api/v1/nodes?limit=500",
        &[(
            "Accept",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        )],
        "",
    )
    .await;
    let table = table.json();
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["columnDefinitions"][0]["name"], "Name");
    assert_eq!(table["rows"][1]["cells"][0], "sunaba-worker");
    assert_eq!(
        table["rows"][1]["object"]["metadata"]["name"],
        "sunaba-worker"
    );
    let list = send(&addr, "GET", "/api/v1/nodes", &[], "").await;
    assert_eq!(list.json()["kind"], "NodeList");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_streams_the_changes_after_its_version() {
    let (addr, cluster) = start().await;
    let version = cluster
        .call(|c| c.api().store().resource_version())
        .await
        .expect("the cluster runs");
    let path =
        format!("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={version}");
    let create = async {
        cluster
            .call(|c| {
                let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n";
                c.create_manifests(text).map(|r| r.len())
            })
            .await
            .expect("the cluster runs")
            .expect("a valid manifest");
    };
    let seen = stream_until(&addr, &path, "watched", create).await;
    assert!(seen.contains(r#""type":"ADDED""#), "{seen}");
    assert!(seen.contains(r#""name":"watched""#), "{seen}");
    assert!(
        !seen.contains("kube-root-ca.crt"),
        "only later changes: {seen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followed_log_sends_lines_as_they_come() {
    let (addr, cluster) = start().await;
    cluster
        .call(|c| {
            let text = sunaba_core::seed::manifest("simple-pod.yaml").unwrap_or_default();
            c.create_manifests(text).map(|r| r.len())
        })
        .await
        .expect("the cluster runs")
        .expect("a valid manifest");
    cluster.advance(30_000).await.expect("the cluster runs");
    let path = "/api/v1/namespaces/default/pods/simple-echo/log?container=echo&follow=true";
    let request = async {
        let answered = cluster
            .call(|c| {
                c.http_get("default", "simple-echo", "http://localhost:8080/")
                    .map(|r| r.status)
            })
            .await
            .expect("the cluster runs");
        assert_eq!(answered, Ok(200));
    };
    let seen = stream_until(&addr, path, "received request", request).await;
    assert!(seen.contains("HTTP/1.1 200 OK"), "{seen}");
    assert!(seen.contains("start server"), "{seen}");
    assert!(seen.contains("received request"), "{seen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limited_list_continues_where_it_stopped() {
    let (addr, _) = start().await;
    let first = send(&addr, "GET", "/api/v1/nodes?limit=2", &[], "")
        .await
        .json();
    let names = |list: &Value| {
        list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n["metadata"]["name"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&first), ["sunaba-control-plane", "sunaba-worker"]);
    assert_eq!(first["metadata"]["remainingItemCount"], 1);
    let token = first["metadata"]["continue"]
        .as_str()
        .expect("a continue token");
    let path = format!("/api/v1/nodes?limit=2&continue={token}");
    let second = send(&addr, "GET", &path, &[], "").await.json();
    assert_eq!(names(&second), ["sunaba-worker2"]);
    assert!(
        second["metadata"].get("continue").is_none(),
        "the last page"
    );
    let bad = send(
        &addr,
        "GET",
        "/api/v1/nodes?limit=2&continue=%25%25",
        &[],
        "",
    )
    .await;
    assert_eq!(bad.json()["code"], 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watch_list_ends_its_initial_events_with_a_bookmark() {
    let (addr, _) = start().await;
    let path = "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true\
                &sendInitialEvents=true&resourceVersionMatch=NotOlderThan";
    let seen = stream_until(&addr, path, "initial-events-end", async {}).await;
    let added = seen
        .find(r#""name":"kube-root-ca.crt""#)
        .expect("the initial ADDED");
    let bookmark = seen.find(r#""type":"BOOKMARK""#).expect("a bookmark");
    assert!(
        added < bookmark,
        "the bookmark ends the initial events: {seen}"
    );
    let refused = send(
        &addr,
        "GET",
        "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true",
        &[],
        "",
    )
    .await;
    assert_eq!(refused.json()["code"], 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exec_without_a_container_takes_the_only_one_or_names_the_choices() {
    let (addr, cluster) = start().await;
    cluster
        .call(|c| {
            let pod = sunaba_core::seed::manifest("simple-pod.yaml").unwrap_or_default();
            let one = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: one\nspec:\n  containers:\n  - name: box\n    image: busybox\n    command: [\"sleep\", \"3600\"]\n";
            c.create_manifests(&format!("{pod}---\n{one}")).map(|r| r.len())
        })
        .await
        .expect("the cluster runs")
        .expect("the manifests decode");
    cluster.advance(30_000).await.expect("the cluster runs");
    let path = "/api/v1/namespaces/default/pods";
    let two = upgrade(&addr, &format!("{path}/simple-echo/exec?command=ls")).await;
    assert_eq!(
        (two.code, two.json()["message"].clone()),
        (
            400,
            Value::from(
                "a container name must be specified for pod simple-echo, choose one of: [nginx echo]"
            )
        )
    );
    let one = upgrade(&addr, &format!("{path}/one/exec?command=ls")).await;
    assert_eq!(one.code, 101, "{}", one.body);
}

/// Asks to upgrade `path` to kubectl's exec WebSocket; the answer's status
/// and, when refused, its body.
async fn upgrade(addr: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write the request");
    let mut raw = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buffer))
                .await
                .expect("an answer within 5 s")
                .expect("read the answer");
        raw.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&raw);
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            assert!(read > 0, "closed before the head");
            continue;
        };
        let code = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let length = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .map(str::to_string)
            })
            .and_then(|n| n.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if code == 101 || body.len() >= length || read == 0 {
            return Reply {
                code,
                headers: Vec::new(),
                body: body.to_string(),
            };
        }
    }
}

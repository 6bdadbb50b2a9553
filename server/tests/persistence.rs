//! `sunaba serve --data-dir`: the real binary, killed with SIGKILL while it
//! serves, comes back with every acknowledged write, the same uids and the
//! same resourceVersions.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A `sunaba serve` process on a free loopback port.
struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Served {
    fn start(data_dir: &Path) -> Self {
        let addr = free_addr();
        let child = Command::new(env!("CARGO_BIN_EXE_sunaba"))
            .args(["serve", "--seed", "3", "--addr", &addr.to_string()])
            .arg("--data-dir")
            .arg(data_dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("sunaba starts");
        let served = Self { child, addr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while request(addr, "GET", "/version", None).is_none() {
            assert!(Instant::now() < deadline, "sunaba serve did not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        served
    }

    fn get(&self, path: &str) -> Value {
        let (status, body) = request(self.addr, "GET", path, None).expect("an answer");
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    fn post(&self, path: &str, body: &str) -> Value {
        let (status, answer) = request(self.addr, "POST", path, Some(body)).expect("an answer");
        assert_eq!(status, 201, "POST {path}: {answer}");
        serde_json::from_str(&answer).expect("JSON")
    }

    /// SIGKILL: no chance to flush or say goodbye.
    fn kill_9(mut self) {
        self.child.kill().expect("killed");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("bound")
}

/// One HTTP/1.0 request; (status, body), or None when nothing answers.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sunaba-kill9-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const CONFIG_MAP: &str = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}}"#;

const DEPLOYMENT: &str = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}}}}"#;

#[test]
fn a_kill_9_loses_no_acknowledged_write() {
    let dir = scratch("ack");
    let served = Served::start(&dir);
    let created = served.post("/api/v1/namespaces/default/configmaps", CONFIG_MAP);
    served.post("/apis/apps/v1/namespaces/default/deployments", DEPLOYMENT);
    // Let the controllers make the pods, then kill without warning.
    let deadline = Instant::now() + Duration::from_secs(20);
    let pods = loop {
        let pods = served.get("/api/v1/namespaces/default/pods");
        let items = pods["items"].as_array().cloned().unwrap_or_default();
        if items.len() == 2 {
            break items;
        }
        assert!(Instant::now() < deadline, "no pods: {pods}");
        std::thread::sleep(Duration::from_millis(200));
    };
    served.kill_9();

    let served = Served::start(&dir);
    let kept = served.get("/api/v1/namespaces/default/configmaps/settings");
    assert_eq!(kept["metadata"]["uid"], created["metadata"]["uid"]);
    assert_eq!(
        kept["metadata"]["resourceVersion"],
        created["metadata"]["resourceVersion"]
    );
    assert_eq!(kept["data"]["color"], "blue");
    let names = |items: &[Value]| {
        let mut names: Vec<String> = items
            .iter()
            .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
            .collect();
        names.sort();
        names
    };
    let after = served.get("/api/v1/namespaces/default/pods");
    let after = after["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(names(&after), names(&pods), "the same pods, none added");

    // Writes go on after the saved resourceVersion.
    let newer = served.post(
        "/api/v1/namespaces/default/configmaps",
        &CONFIG_MAP.replace("settings", "newer"),
    );
    let version = |v: &Value| {
        v["metadata"]["resourceVersion"]
            .as_str()
            .and_then(|rv| rv.parse::<u64>().ok())
            .expect("a resourceVersion")
    };
    assert!(version(&newer) > version(&kept));
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_server_on_the_same_directory_is_refused() {
    let dir = scratch("lock");
    let _first = Served::start(&dir);
    let second = Command::new(env!("CARGO_BIN_EXE_sunaba"))
        .args(["serve", "--addr", &free_addr().to_string()])
        .arg("--data-dir")
        .arg(&dir)
        .output()
        .expect("sunaba runs");
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(
        stderr,
        format!(
            "error: {} is in use by another sunaba serve\n",
            dir.display()
        )
    );
}

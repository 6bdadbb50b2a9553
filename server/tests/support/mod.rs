//! What the server's integration tests share: whether Docker tests run (as
//! `tests/src/docker.rs` decides), and the real `sunaba` binary serving on
//! a free loopback port, reached with plain HTTP/1.0 and the token from the
//! URL it prints.

#![allow(dead_code)] // Each test file uses its own part.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The Docker engine's socket: `DOCKER_HOST` when it names one, else the default.
pub fn socket_path() -> PathBuf {
    std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|host| host.strip_prefix("unix://").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/var/run/docker.sock"))
}

/// Whether the engine answers `/_ping`.
pub fn engine_answers_ping() -> bool {
    let Ok(mut stream) = std::os::unix::net::UnixStream::connect(socket_path()) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream
        .write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.") && response.trim_end().ends_with("OK")
}

/// True when the engine answers; false (skipped, with a note) when it does
/// not and none is required; a panic when `SUNABA_REQUIRE_DOCKER=1`.
pub fn available_or_skip(test: &str) -> bool {
    if engine_answers_ping() {
        return true;
    }
    let required = std::env::var("SUNABA_REQUIRE_DOCKER").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "SUNABA_REQUIRE_DOCKER=1 but no Docker engine answers at {}",
        socket_path().display()
    );
    eprintln!(
        "skipping {test}: no Docker engine answers at {}",
        socket_path().display()
    );
    false
}

/// A `sunaba serve` process on a free loopback port.
pub struct Served {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// The token from the URL it printed.
    pub token: String,
    printed: Arc<Mutex<Vec<String>>>,
}

/// What `sunaba serve` prints before the URL of the playground.
pub const URL_LINE: &str = "Sunaba is serving the playground at ";

impl Served {
    /// Starts `sunaba serve ARGS…` on a port the system picks and waits
    /// until it printed its URL (which carries the port and the token) and
    /// answers.
    pub fn start(args: &[&str]) -> Self {
        Self::start_at("127.0.0.1:0", args)
    }

    /// Starts `sunaba serve --addr ADDR ARGS…` and waits until it printed
    /// its URL and answers.
    pub fn start_at(addr: &str, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sunaba"))
            .args(["serve", "--addr", addr])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("sunaba starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let printed = Arc::new(Mutex::new(Vec::new()));
        let urls = read_lines(stdout, Arc::clone(&printed));
        let url = urls
            .recv_timeout(Duration::from_secs(60))
            .expect("sunaba serve printed its URL");
        let (addr, token) = url
            .strip_prefix("http://")
            .and_then(|rest| rest.split_once("/?token="))
            .expect("the URL carries the address and the token");
        let served = Self {
            child,
            addr: addr.parse().expect("the URL's address"),
            token: token.to_string(),
            printed,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while request(served.addr, "GET", "/healthz", &[], None).is_none() {
            assert!(Instant::now() < deadline, "sunaba serve did not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        served
    }

    /// The lines it printed so far.
    pub fn printed(&self) -> Vec<String> {
        self.printed.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// One request with its token; (status, body), or None when nothing answers.
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> Option<(u16, String)> {
        let authorization = format!("Bearer {}", self.token);
        request(
            self.addr,
            method,
            path,
            &[("Authorization", &authorization)],
            body,
        )
    }

    /// GETs a path that must answer 200 with JSON.
    pub fn get(&self, path: &str) -> Value {
        let (status, body) = self.request("GET", path, None).expect("an answer");
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    /// POSTs JSON that must be created (201).
    pub fn post(&self, path: &str, body: &str) -> Value {
        let (status, answer) = self.request("POST", path, Some(body)).expect("an answer");
        assert_eq!(status, 201, "POST {path}: {answer}");
        serde_json::from_str(&answer).expect("JSON")
    }

    /// Waits until `check` holds for GET `path`, for at most `limit`.
    pub fn wait_for(&self, path: &str, limit: Duration, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let value = self.get(path);
            if check(&value) {
                return value;
            }
            assert!(Instant::now() < deadline, "GET {path} still: {value}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// SIGKILL: no chance to flush or say goodbye.
    pub fn kill_9(mut self) {
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

/// A free loopback address.
pub fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("bound")
}

/// Reads a child's stdout line by line into `printed` until it ends, and
/// sends the playground's URL when it comes.
fn read_lines(
    stdout: std::process::ChildStdout,
    printed: Arc<Mutex<Vec<String>>>,
) -> mpsc::Receiver<String> {
    let (sender, urls) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix(URL_LINE) {
                let _ = sender.send(url.to_string());
            }
            if let Ok(mut lines) = printed.lock() {
                lines.push(line);
            }
        }
    });
    urls
}

/// One HTTP/1.0 request with `Host: ADDR` and these headers; (status,
/// body), or None when nothing answers.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Option<(u16, String)> {
    request_with_host(addr, &addr.to_string(), method, path, headers, body)
}

/// One HTTP/1.0 request to `addr` that says `Host: HOST`, with these
/// headers; (status, body), or None when nothing answers.
pub fn request_with_host(
    addr: SocketAddr,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let body = body.unwrap_or("");
    let headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// A fresh scratch directory for a test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sunaba-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Removes everything the test cluster labelled `cluster` made on the
/// engine (containers with their anonymous volumes, its volumes, then its
/// network); errors are ignored, as it runs in `Drop` whatever the test's
/// outcome.
pub fn remove_cluster(cluster: &str) {
    let filter = format!("label=io.sunaba.cluster={cluster}");
    for (list, remove) in [
        (&["ps", "-aq"][..], &["rm", "-f", "-v"][..]),
        (&["volume", "ls", "-q"], &["volume", "rm", "-f"]),
        (&["network", "ls", "-q"], &["network", "rm"]),
    ] {
        let found = Command::new("docker")
            .args(list)
            .args(["--filter", &filter])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let ids: Vec<&str> = found.split_whitespace().collect();
        if !ids.is_empty() {
            let _ = Command::new("docker").args(remove).args(&ids).output();
        }
    }
}

/// Removes a test cluster's objects from the engine when dropped.
pub struct RemoveCluster(pub String);

impl Drop for RemoveCluster {
    fn drop(&mut self) {
        remove_cluster(&self.0);
    }
}

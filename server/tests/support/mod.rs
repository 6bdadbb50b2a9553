//! What the server's integration tests share: whether Docker tests run (as
//! `tests/src/docker.rs` decides), and the real `sunaba` binary serving on
//! a free loopback port, reached with plain HTTP/1.0.

#![allow(dead_code)] // Each test file uses its own part.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
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
}

impl Served {
    /// Starts `sunaba serve ARGS…` and waits until it answers.
    pub fn start(args: &[&str]) -> Self {
        let addr = free_addr();
        let child = Command::new(env!("CARGO_BIN_EXE_sunaba"))
            .args(["serve", "--addr", &addr.to_string()])
            .args(args)
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

    /// GETs a path that must answer 200 with JSON.
    pub fn get(&self, path: &str) -> Value {
        let (status, body) = request(self.addr, "GET", path, None).expect("an answer");
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    /// POSTs JSON that must be created (201).
    pub fn post(&self, path: &str, body: &str) -> Value {
        let (status, answer) = request(self.addr, "POST", path, Some(body)).expect("an answer");
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

/// One HTTP/1.0 request; (status, body), or None when nothing answers.
pub fn request(
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

/// A fresh scratch directory for a test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sunaba-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

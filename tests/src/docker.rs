//! Whether a Docker engine is reachable, and whether the run demands one.

use std::{
    io::{Read, Write},
    os::unix::net::UnixStream,
    path::PathBuf,
    time::Duration,
};

/// The Docker engine's Unix socket: `DOCKER_HOST` when it names one, else the default.
pub fn socket_path() -> PathBuf {
    std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|host| host.strip_prefix("unix://").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/var/run/docker.sock"))
}

/// Asks the engine's `/_ping`; true when it answers `OK`.
pub fn engine_answers_ping() -> bool {
    ping(&socket_path()).is_some_and(|body| body == "OK")
}

fn ping(socket: &PathBuf) -> Option<String> {
    let mut stream = UnixStream::connect(socket).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream
        .write_all(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
        .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.").then(|| body.trim().to_string())
}

/// True when `SUNABA_REQUIRE_DOCKER=1`: a missing engine then fails the run.
pub fn required() -> bool {
    std::env::var("SUNABA_REQUIRE_DOCKER").is_ok_and(|v| v == "1")
}

/// Decides whether a Docker test runs: true when the engine answers; false (the
/// test is skipped, with a note) when it does not and none is required; a
/// panic when one is required and missing.
pub fn available_or_skip(test: &str) -> bool {
    if engine_answers_ping() {
        return true;
    }
    assert!(
        !required(),
        "SUNABA_REQUIRE_DOCKER=1 but no Docker engine answers at {}",
        socket_path().display()
    );
    eprintln!(
        "skipping {test}: no Docker engine answers at {}",
        socket_path().display()
    );
    false
}

/// Removes everything a test's cluster created on the engine, by its
/// `io.sunaba.cluster` label: containers (with their anonymous volumes),
/// volumes, then the cluster's network. Errors are ignored: it runs in
/// `Drop`, whatever the test's outcome.
pub fn remove_cluster(label: &str) {
    let filter = format!("label=io.sunaba.cluster={label}");
    for (list, remove) in [
        (&["ps", "-aq"][..], &["rm", "-f", "-v"][..]),
        (&["volume", "ls", "-q"], &["volume", "rm", "-f"]),
        (&["network", "ls", "-q"], &["network", "rm", "-f"]),
    ] {
        let found = std::process::Command::new("docker")
            .args(list)
            .args(["--filter", &filter])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let ids: Vec<&str> = found.split_whitespace().collect();
        if !ids.is_empty() {
            let _ = std::process::Command::new("docker")
                .args(remove)
                .args(&ids)
                .output();
        }
    }
}

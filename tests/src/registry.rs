//! A tiny image registry for tests: it serves images the local engine has
//! (`docker save`d, Docker's legacy archive) over the registry's HTTP API
//! v2 on loopback, which Docker pulls from without TLS. There is no
//! registry on these machines, so this is how the Docker backend's real
//! pulls (progress, `manifest unknown`) are tested.
//!
//! It answers `GET /v2/`, `HEAD`/`GET /v2/<name>/manifests/<tag or digest>`
//! (schema 2 manifests, built from the archive) and `GET
//! /v2/<name>/blobs/<digest>`, the blobs at a chosen pace so that a pull
//! takes long enough to show its progress. Each image gets one more layer,
//! a file of bytes drawn anew at each start, so that the engine must
//! really download it. Nothing else; errors as the registry's JSON.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// A running registry; it serves until the process ends.
pub struct Registry {
    addr: SocketAddr,
}

/// What the registry holds: manifests by `name:tag` and by digest, and blobs by digest.
#[derive(Default)]
struct Content {
    manifests: HashMap<String, (String, Vec<u8>)>,
    blobs: HashMap<String, Vec<u8>>,
}

/// The pace blobs are sent at: a chunk of this many bytes…
const CHUNK: usize = 32 * 1024;

impl Registry {
    /// Serves each local image of `images` as `(name, tag)`, for example
    /// `("sunaba/echo:latest", ("pulltest/echo", "v1"))`, with a fresh
    /// layer of `extra_bytes` on top, sending blobs at `bytes_per_second`.
    pub fn start(
        images: &[(&str, (&str, &str))],
        extra_bytes: usize,
        bytes_per_second: usize,
    ) -> Self {
        let work = scratch();
        let mut content = Content::default();
        for (local, (name, tag)) in images {
            add_image(&mut content, &work, local, name, tag, extra_bytes);
        }
        let _ = std::fs::remove_dir_all(&work);
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("bound");
        let content = Arc::new(content);
        let pause = Duration::from_secs_f64(CHUNK as f64 / bytes_per_second.max(1) as f64);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let content = Arc::clone(&content);
                thread::spawn(move || serve(stream, &content, pause));
            }
        });
        Self { addr }
    }

    /// `127.0.0.1:PORT`, the host part of its images' names.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }
}

/// A fresh directory to unpack archives in.
fn scratch() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sunaba-registry-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Saves `local` from the engine and adds it as `name:tag`: its config
/// and layers as blobs, and a schema 2 manifest naming them.
fn add_image(
    content: &mut Content,
    work: &Path,
    local: &str,
    name: &str,
    tag: &str,
    extra_bytes: usize,
) {
    let archive = work.join("image.tar");
    run("docker", &["save", "-o", &archive.to_string_lossy(), local]);
    let unpacked = work.join(local.replace(['/', ':'], "_"));
    std::fs::create_dir_all(&unpacked).expect("a directory");
    run(
        "tar",
        &[
            "-xf",
            &archive.to_string_lossy(),
            "-C",
            &unpacked.to_string_lossy(),
        ],
    );
    let index: serde_json::Value = serde_json::from_slice(
        &std::fs::read(unpacked.join("manifest.json")).expect("the archive's manifest.json"),
    )
    .expect("manifest.json is JSON");
    let entry = &index[0];
    let mut blobs: Vec<Vec<u8>> = entry["Layers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|layer| read_blob(&unpacked, layer.as_str().expect("a layer path")))
        .collect();
    let fresh = tar_of_one_file("sunaba-pull-test", &fresh_bytes(extra_bytes));
    let mut config: serde_json::Value = serde_json::from_slice(&read_blob(
        &unpacked,
        entry["Config"].as_str().expect("a config"),
    ))
    .expect("the config is JSON");
    add_layer_to_config(&mut config, digest(&fresh));
    blobs.push(fresh);
    let config = serde_json::to_vec(&config).expect("serialisable");
    let config_digest = digest(&config);
    let mut layers = Vec::new();
    for bytes in blobs {
        let layer_digest = digest(&bytes);
        layers.push(serde_json::json!({
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar",
            "size": bytes.len(),
            "digest": layer_digest,
        }));
        content.blobs.insert(layer_digest, bytes);
    }
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": config.len(),
            "digest": config_digest,
        },
        "layers": layers,
    });
    let manifest = serde_json::to_vec(&manifest).expect("serialisable");
    let manifest_digest = digest(&manifest);
    content.blobs.insert(config_digest, config);
    let entry = (manifest_digest.clone(), manifest);
    content
        .manifests
        .insert(format!("{name}:{tag}"), entry.clone());
    content
        .manifests
        .insert(format!("{name}:{manifest_digest}"), entry);
}

/// Lists one more layer in an image's config: its diff ID, and a line of history.
fn add_layer_to_config(config: &mut serde_json::Value, diff_id: String) {
    if let Some(ids) = config["rootfs"]["diff_ids"].as_array_mut() {
        ids.push(serde_json::Value::String(diff_id));
    }
    if let Some(history) = config["history"].as_array_mut() {
        history.push(serde_json::json!({
            "created": "2026-01-01T00:00:00Z",
            "created_by": "sunaba test registry: a fresh layer",
        }));
    }
}

/// `len` bytes no engine has seen: a xorshift stream seeded by the clock.
fn fresh_bytes(len: usize) -> Vec<u8> {
    let mut state = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// A tar archive (ustar) holding one regular file at the root.
fn tar_of_one_file(name: &str, data: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    let mut put = |at: usize, bytes: &[u8]| header[at..at + bytes.len()].copy_from_slice(bytes);
    put(0, name.as_bytes());
    put(100, b"0000644\0");
    put(108, b"0000000\0");
    put(116, b"0000000\0");
    put(124, format!("{:011o}\0", data.len()).as_bytes());
    put(136, b"00000000000\0");
    put(148, b"        ");
    put(156, b"0");
    put(257, b"ustar\0");
    put(263, b"00");
    let checksum: u32 = header.iter().map(|b| u32::from(*b)).sum();
    header[148..156].copy_from_slice(format!("{checksum:06o}\0 ").as_bytes());
    let mut archive = header.to_vec();
    archive.extend_from_slice(data);
    archive.resize(archive.len().div_ceil(512) * 512, 0);
    archive.extend_from_slice(&[0u8; 1024]);
    archive
}

fn read_blob(dir: &Path, path: &str) -> Vec<u8> {
    std::fs::read(dir.join(path)).unwrap_or_else(|err| panic!("{path} in the archive: {err}"))
}

/// `sha256:<hex>` of `bytes`, by coreutils' `sha256sum`.
fn digest(bytes: &[u8]) -> String {
    let mut child = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum runs");
    child
        .stdin
        .take()
        .expect("its stdin")
        .write_all(bytes)
        .expect("written");
    let output = child.wait_with_output().expect("sha256sum ends");
    let text = String::from_utf8_lossy(&output.stdout);
    format!(
        "sha256:{}",
        text.split_whitespace().next().expect("a digest")
    )
}

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("{program} runs: {err}"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Answers one connection's requests until the client closes it.
fn serve(stream: TcpStream, content: &Content, pause: Duration) {
    let Ok(reader) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader);
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        // The headers: only their end matters (requests here have no body).
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" || header == "\n" {
                break;
            }
        }
        let mut parts = request_line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let answered = answer(&mut writer, content, method, path, pause);
        if answered.is_err() {
            return;
        }
    }
}

/// Writes the answer to one request.
fn answer(
    out: &mut TcpStream,
    content: &Content,
    method: &str,
    path: &str,
    pause: Duration,
) -> std::io::Result<()> {
    let head_only = method == "HEAD";
    if path == "/v2/" || path == "/v2" {
        return respond(out, 200, "application/json", &[], b"{}", head_only, None);
    }
    let Some(rest) = path.strip_prefix("/v2/") else {
        return not_found(out, "NAME_UNKNOWN", "repository name not known to registry");
    };
    if let Some((name, reference)) = rest.rsplit_once("/manifests/") {
        return match content.manifests.get(&format!("{name}:{reference}")) {
            Some((manifest_digest, manifest)) => respond(
                out,
                200,
                "application/vnd.docker.distribution.manifest.v2+json",
                &[("Docker-Content-Digest", manifest_digest)],
                manifest,
                head_only,
                None,
            ),
            None => not_found(out, "MANIFEST_UNKNOWN", "manifest unknown"),
        };
    }
    if let Some((_, blob_digest)) = rest.rsplit_once("/blobs/") {
        return match content.blobs.get(blob_digest) {
            Some(blob) => respond(
                out,
                200,
                "application/octet-stream",
                &[("Docker-Content-Digest", blob_digest)],
                blob,
                head_only,
                Some(pause),
            ),
            None => not_found(out, "BLOB_UNKNOWN", "blob unknown to registry"),
        };
    }
    not_found(out, "NAME_UNKNOWN", "repository name not known to registry")
}

fn not_found(out: &mut TcpStream, code: &str, message: &str) -> std::io::Result<()> {
    let body = serde_json::json!({"errors": [{"code": code, "message": message}]}).to_string();
    respond(
        out,
        404,
        "application/json",
        &[],
        body.as_bytes(),
        false,
        None,
    )
}

/// Writes a response; with `pace`, the body goes a chunk at a time with
/// that pause between chunks.
fn respond(
    out: &mut TcpStream,
    status: u16,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
    pace: Option<Duration>,
) -> std::io::Result<()> {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nDocker-Distribution-API-Version: registry/2.0\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if head_only {
        return out.flush();
    }
    match pace {
        None => out.write_all(body)?,
        Some(pause) => {
            for chunk in body.chunks(CHUNK) {
                out.write_all(chunk)?;
                out.flush()?;
                thread::sleep(pause);
            }
        }
    }
    out.flush()
}

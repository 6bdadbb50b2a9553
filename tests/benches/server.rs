//! `sunaba serve` on loopback, for `cargo xtask bench`: the real kubectl's
//! process time over 1,000 pods against an empty cluster, API throughput and
//! latency at 1, 8 and 64 clients for GET, LIST (a page of 100 pods) and
//! small PATCHes, a soak of 64 clients mixing the three, and watch fan-out
//! to 100 watchers.
//!
//! ```text
//! cargo bench -p sunaba-tests --bench server -- --sunaba PATH --kubectl PATH [--runs K] [--seconds S] [--soak S]
//! ```
//!
//! It starts `PATH serve` on a free loopback port (and ends it). The clients
//! are plain `std` keep-alive HTTP/1.1 over `TcpStream`, one thread each,
//! on the same two cores as the server. Each measurement is one stdout line,
//! `sample ID UNIT VALUE`, for xtask's `bench` module.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{mpsc, Arc, Barrier};
use std::time::{Duration, Instant};

use sunaba_tests::served::Served;

/// Pods the loaded cluster holds.
const PODS: usize = 1_000;
/// Watchers in the fan-out figure.
const WATCHERS: usize = 100;
/// Concurrent clients in the throughput figures.
const CLIENTS: [usize; 3] = [1, 8, 64];
/// Clients in the soak.
const SOAK_CLIENTS: usize = 64;
/// Pods a LIST returns: one page.
const LIST_PAGE: usize = 100;

struct Settings {
    sunaba: PathBuf,
    kubectl: PathBuf,
    runs: usize,
    seconds: f64,
    /// How long the soak lasts, in seconds (0: none).
    soak: f64,
}

/// What a client asks, over and over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// GET one pod.
    Get,
    /// LIST one page of pods.
    List,
    /// A JSON merge patch of one annotation on one pod.
    Patch,
    /// The three in turn.
    Mix,
}

impl Op {
    /// The samples' id part (`server-rps/8` for GET, as before; `server-list-rps/8`, …).
    fn prefix(self) -> &'static str {
        match self {
            Op::Get => "server",
            Op::List => "server-list",
            Op::Patch => "server-patch",
            Op::Mix => "server-soak",
        }
    }

    /// The request for the `i`-th call: method, path, body.
    fn request(self, i: usize) -> (&'static str, String, Option<String>) {
        let pod = format!("{PODS_PATH}/bench-{}", i % PODS);
        match self {
            Op::Get => ("GET", pod, None),
            Op::List => ("GET", format!("{PODS_PATH}?limit={LIST_PAGE}"), None),
            Op::Patch => (
                "PATCH",
                pod,
                Some(format!(
                    r#"{{"metadata":{{"annotations":{{"bench":"{i}"}}}}}}"#
                )),
            ),
            Op::Mix => [Op::Get, Op::List, Op::Patch][i % 3].request(i / 3),
        }
    }
}

fn main() {
    let Some(settings) = settings() else {
        // `cargo test --benches` runs bench targets without arguments: nothing to do.
        return;
    };
    let scratch = std::env::temp_dir().join(format!("sunaba-bench-server-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    let server = Served::start(&settings.sunaba, &scratch);
    let cache = scratch.join("kube-cache");

    let api = Api {
        addr: server.addr,
        authorization: server.authorization(),
    };
    kubectl_figure(&settings, &server, &cache, 0);
    let start = Instant::now();
    create_pods(&api, PODS);
    note(&format!(
        "created {PODS} pods with {PODS} POSTs on one connection in {:.0} ms",
        millis(start.elapsed())
    ));
    kubectl_figure(&settings, &server, &cache, PODS);
    for op in [Op::Get, Op::List, Op::Patch] {
        for clients in CLIENTS {
            for _ in 0..settings.runs {
                load(&api, op, clients, settings.seconds);
            }
        }
    }
    if settings.soak > 0.0 {
        load(&api, Op::Mix, SOAK_CLIENTS, settings.soak);
    }
    fan_out(&api, settings.runs);

    drop(server);
    let _ = std::fs::remove_dir_all(&scratch);
}

fn settings() -> Option<Settings> {
    let mut sunaba = None;
    let mut kubectl = None;
    let mut runs = 5;
    let mut seconds = 2.0;
    let mut soak = 0.0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sunaba" => sunaba = args.next().map(PathBuf::from),
            "--kubectl" => kubectl = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            "--seconds" => seconds = args.next().and_then(|v| v.parse().ok()).unwrap_or(seconds),
            "--soak" => soak = args.next().and_then(|v| v.parse().ok()).unwrap_or(soak),
            _ => {}
        }
    }
    Some(Settings {
        sunaba: sunaba?,
        kubectl: kubectl?,
        runs,
        seconds,
        soak,
    })
}

fn sample(id: &str, unit: &str, value: f64) {
    println!("sample {id} {unit} {value}");
}

fn note(text: &str) {
    println!("note server {text}");
}

fn millis(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}

/// The whole `kubectl get pods` process, after one untimed run that fills
/// kubectl's discovery cache.
fn kubectl_figure(settings: &Settings, server: &Served, cache: &std::path::Path, pods: usize) {
    let run = || {
        let start = Instant::now();
        let out = Command::new(&settings.kubectl)
            .arg("--kubeconfig")
            .arg(&server.kubeconfig)
            .arg("--cache-dir")
            .arg(cache)
            .args(["get", "pods"])
            .output()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", settings.kubectl.display()));
        let elapsed = start.elapsed();
        assert!(
            out.status.success(),
            "kubectl get pods failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = String::from_utf8_lossy(&out.stdout).lines().count();
        assert_eq!(rows.saturating_sub(1), pods, "a header and a row per pod");
        elapsed
    };
    run();
    for _ in 0..settings.runs {
        sample(&format!("server-kubectl/{pods}"), "ms", millis(run()));
    }
}

fn pod_json(name: &str) -> String {
    format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{name}","labels":{{"app":"bench"}}}},"spec":{{"containers":[{{"name":"web","image":"nginx:1.25"}}]}}}}"#
    )
}

const PODS_PATH: &str = "/api/v1/namespaces/default/pods";

fn create_pods(api: &Api, count: usize) {
    let mut conn = Conn::connect(api).expect("connect to sunaba serve");
    for i in 0..count {
        let (status, body) = conn
            .request("POST", PODS_PATH, Some(&pod_json(&format!("bench-{i}"))))
            .expect("create a pod");
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    }
}

/// `clients` threads, each on its own keep-alive connection, asking `op`
/// of one pod after another for `seconds`.
fn load(api: &Api, op: Op, clients: usize, seconds: f64) {
    let barrier = Arc::new(Barrier::new(clients + 1));
    let threads: Vec<_> = (0..clients)
        .map(|client| {
            let barrier = barrier.clone();
            let api = api.clone();
            std::thread::spawn(move || {
                let mut conn = Conn::connect(&api).expect("connect to sunaba serve");
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                barrier.wait();
                let start = Instant::now();
                let mut i = client;
                while start.elapsed().as_secs_f64() < seconds {
                    let (method, path, body) = op.request(i);
                    i += clients;
                    let sent = Instant::now();
                    match conn.request(method, &path, body.as_deref()) {
                        Ok((200, _)) => latencies.push(sent.elapsed()),
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            match Conn::connect(&api) {
                                Ok(fresh) => conn = fresh,
                                Err(_) => std::thread::sleep(Duration::from_millis(10)),
                            }
                        }
                    }
                }
                (latencies, errors, start.elapsed())
            })
        })
        .collect();
    barrier.wait();
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut wall = Duration::ZERO;
    for thread in threads {
        let (l, e, w) = thread.join().expect("a client thread");
        latencies.extend(l);
        errors += e;
        wall = wall.max(w);
    }
    latencies.sort();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len().saturating_sub(1)) as f64 * p).round() as usize)
            .map_or(f64::NAN, |d| millis(*d))
    };
    let prefix = op.prefix();
    sample(
        &format!("{prefix}-rps/{clients}"),
        "req/s",
        latencies.len() as f64 / wall.as_secs_f64(),
    );
    sample(&format!("{prefix}-p50/{clients}"), "ms", percentile(0.50));
    sample(&format!("{prefix}-p99/{clients}"), "ms", percentile(0.99));
    sample(
        &format!("{prefix}-errors/{clients}"),
        "count",
        errors as f64,
    );
}

/// 100 watchers on pods; each run creates a pod and times until every
/// watcher has read its ADDED event.
fn fan_out(api: &Api, runs: usize) {
    let mut conn = Conn::connect(api).expect("connect to sunaba serve");
    let (status, list) = conn.request("GET", PODS_PATH, None).expect("list pods");
    assert_eq!(status, 200);
    let list: serde_json::Value = serde_json::from_slice(&list).expect("a PodList");
    let version = list["metadata"]["resourceVersion"]
        .as_str()
        .expect("the list's resourceVersion")
        .to_string();
    let (seen, receipts) = mpsc::channel::<(String, Instant)>();
    let ready = Arc::new(Barrier::new(WATCHERS + 1));
    for _ in 0..WATCHERS {
        let seen = seen.clone();
        let ready = ready.clone();
        let path = format!("{PODS_PATH}?watch=true&resourceVersion={version}");
        let api = api.clone();
        std::thread::spawn(move || watch(&api, &path, &ready, &seen));
    }
    ready.wait();
    for run in 0..runs {
        let name = format!("fanout-{run}");
        let start = Instant::now();
        let (status, _) = conn
            .request("POST", PODS_PATH, Some(&pod_json(&name)))
            .expect("create a pod");
        assert_eq!(status, 201);
        let mut got = 0;
        let mut last = start;
        let deadline = start + Duration::from_secs(30);
        while got < WATCHERS {
            let left = deadline.saturating_duration_since(Instant::now());
            match receipts.recv_timeout(left) {
                Ok((seen_name, at)) if seen_name == name => {
                    got += 1;
                    last = last.max(at);
                }
                Ok(_) => {}
                Err(_) => panic!("only {got} of {WATCHERS} watchers saw {name} within 30 s"),
            }
        }
        sample(
            &format!("server-fanout/{WATCHERS}"),
            "ms",
            millis(last - start),
        );
    }
}

/// One watcher: reports the name of each pod ADDED, with when it was read.
fn watch(api: &Api, path: &str, ready: &Barrier, seen: &mpsc::Sender<(String, Instant)>) {
    let mut conn = Conn::connect(api).expect("connect to sunaba serve");
    conn.send("GET", path, None).expect("start a watch");
    let head = conn.head().expect("the watch's response head");
    assert_eq!(head.status, 200, "watch status");
    ready.wait();
    let mut pending = Vec::new();
    loop {
        let chunk = match conn.chunk(&head) {
            Ok(Some(chunk)) => chunk,
            _ => return,
        };
        let at = Instant::now();
        pending.extend_from_slice(&chunk);
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let Ok(event) = serde_json::from_slice::<serde_json::Value>(&line) else {
                continue;
            };
            if event["type"] == "ADDED" {
                if let Some(name) = event["object"]["metadata"]["name"].as_str() {
                    if seen.send((name.to_string(), at)).is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// A response's status line and the headers that frame its body.
struct Head {
    status: u16,
    length: Option<usize>,
    chunked: bool,
}

/// Where the API is, and the `Authorization` its requests carry.
#[derive(Clone)]
struct Api {
    addr: SocketAddr,
    authorization: String,
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<TcpStream>,
    host: String,
    authorization: String,
}

impl Conn {
    fn connect(api: &Api) -> io::Result<Self> {
        let stream = TcpStream::connect(api.addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Self {
            reader: BufReader::new(stream),
            host: api.addr.to_string(),
            authorization: api.authorization.clone(),
        })
    }

    /// Sends a request and reads the whole response.
    fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> io::Result<(u16, Vec<u8>)> {
        self.send(method, path, body)?;
        let head = self.head()?;
        let body = if head.chunked {
            let mut body = Vec::new();
            while let Some(chunk) = self.chunk(&head)? {
                body.extend(chunk);
            }
            body
        } else {
            let mut body = vec![0; head.length.unwrap_or(0)];
            self.reader.read_exact(&mut body)?;
            body
        };
        Ok((head.status, body))
    }

    fn send(&mut self, method: &str, path: &str, body: Option<&str>) -> io::Result<()> {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\nAccept: application/json\r\nUser-Agent: sunaba-bench\r\n",
            self.host, self.authorization
        );
        if let Some(body) = body {
            let content_type = if method == "PATCH" {
                "application/merge-patch+json"
            } else {
                "application/json"
            };
            request.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            request.push_str("\r\n");
        }
        self.reader.get_mut().write_all(request.as_bytes())
    }

    fn line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(line.trim_end().to_string())
    }

    fn head(&mut self) -> io::Result<Head> {
        let status_line = self.line()?;
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other(format!("bad status line {status_line:?}")))?;
        let mut head = Head {
            status,
            length: None,
            chunked: false,
        };
        loop {
            let line = self.line()?;
            if line.is_empty() {
                return Ok(head);
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                head.length = value.parse().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                head.chunked = value.eq_ignore_ascii_case("chunked");
            }
        }
    }

    /// The next chunk of a chunked body; None after the last.
    fn chunk(&mut self, head: &Head) -> io::Result<Option<Vec<u8>>> {
        if !head.chunked {
            let mut buf = vec![0; 64 * 1024];
            let n = self.reader.read(&mut buf)?;
            buf.truncate(n);
            return Ok((n > 0).then_some(buf));
        }
        let size_line = self.line()?;
        let size = usize::from_str_radix(size_line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| io::Error::other(format!("bad chunk size {size_line:?}")))?;
        let mut chunk = vec![0; size];
        self.reader.read_exact(&mut chunk)?;
        self.line()?;
        Ok((size > 0).then_some(chunk))
    }
}

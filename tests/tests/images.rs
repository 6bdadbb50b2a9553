//! The demo images of `cargo xtask images --as-seed` in a real Docker engine,
//! each test on a bridge network of its own: echo answers and logs as
//! `gihyodocker/echo` does, the proxy passes requests to it by name and logs
//! them as nginx does, the toolbox's curl reaches both by name, pause
//! stops at once, and the Service proxy follows its table file.
//!
//! `cargo xtask test` builds the images first. Without them (or without
//! Docker) the tests are skipped, unless `SUNABA_REQUIRE_DOCKER=1`.

use std::{
    io::{Read, Write},
    net::TcpStream,
    process::{Command, Output},
    sync::atomic::{AtomicUsize, Ordering},
    thread,
    time::{Duration, Instant},
};

use sunaba_tests::docker;

/// The images `cargo xtask images` builds.
const OWN_NAMES: [&str; 5] = [
    "sunaba/echo:latest",
    "sunaba/nginx-proxy:latest",
    "sunaba/pause:latest",
    "sunaba/service-proxy:latest",
    "sunaba/toolbox:latest",
];

/// The seed's image names that `--as-seed` gives them.
const SEED_NAMES: [(&str, &str); 4] = [
    ("gihyodocker/echo:latest", "sunaba/echo:latest"),
    ("gihyodocker/nginx:latest", "sunaba/nginx-proxy:latest"),
    (
        "gihyodocker/nginx-proxy:latest",
        "sunaba/nginx-proxy:latest",
    ),
    ("gihyodocker/fundamental:0.1.0", "sunaba/toolbox:latest"),
];

/// How long a container may take to start answering or logging.
const PATIENCE: Duration = Duration::from_secs(15);

/// Runs `docker ARGS`; its output, whatever the exit.
fn docker_output(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .output()
        .expect("the docker CLI runs")
}

/// Runs `docker ARGS`, which must succeed; its stdout.
fn docker(args: &[&str]) -> String {
    let output = docker_output(args);
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// True when the Docker tests can run: an engine answers and the images are
/// built. Otherwise the test is skipped, or fails when Docker is required.
fn images_available_or_skip(test: &str) -> bool {
    if !docker::available_or_skip(test) {
        return false;
    }
    let missing: Vec<&str> = OWN_NAMES
        .into_iter()
        .chain(SEED_NAMES.map(|(seed, _)| seed))
        .filter(|image| {
            !docker_output(&["image", "inspect", "--format", "{{.Id}}", image])
                .status
                .success()
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !docker::required(),
        "SUNABA_REQUIRE_DOCKER=1 but images are missing ({missing:?}): run `cargo xtask images --as-seed` (`cargo xtask test` does)"
    );
    eprintln!("skipping {test}: images missing ({missing:?}); run `cargo xtask images --as-seed`");
    false
}

/// A network and the containers on it, made for one test and removed when it
/// ends, passed or failed.
struct Sandbox {
    /// The unique prefix of every name made here.
    prefix: String,
    network: String,
    containers: Vec<String>,
}

impl Sandbox {
    fn new(test: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let prefix = format!(
            "sunaba-test-{test}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let network = format!("{prefix}-net");
        docker(&["network", "create", "--label", "io.sunaba.test", &network]);
        Self {
            prefix,
            network,
            containers: Vec::new(),
        }
    }

    /// Starts `image` in the background as `alias` on the network, with
    /// `options` for `docker run`. Returns the container's name.
    fn start(&mut self, alias: &str, image: &str, options: &[&str]) -> String {
        let name = self.name(alias);
        let mut args = vec![
            "run",
            "--detach",
            "--name",
            &name,
            "--network",
            &self.network,
            "--network-alias",
            alias,
        ];
        args.extend_from_slice(options);
        args.push(image);
        docker(&args);
        name
    }

    /// Runs `command` in a toolbox container on the network until it exits.
    fn toolbox(&mut self, command: &[&str]) -> Output {
        let name = self.name("toolbox");
        let mut args = vec![
            "run",
            "--rm",
            "--name",
            &name,
            "--network",
            &self.network,
            "gihyodocker/fundamental:0.1.0",
        ];
        args.extend_from_slice(command);
        docker_output(&args)
    }

    /// A fresh container name, remembered for the cleanup.
    fn name(&mut self, alias: &str) -> String {
        let name = format!("{}-{alias}-{}", self.prefix, self.containers.len());
        self.containers.push(name.clone());
        name
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !self.containers.is_empty() {
            let mut args = vec!["rm", "--force", "--volumes"];
            args.extend(self.containers.iter().map(String::as_str));
            docker_output(&args);
        }
        docker_output(&["network", "rm", &self.network]);
    }
}

/// The loopback address Docker published `container`'s `port` on.
fn published(container: &str, port: u16) -> String {
    let mapping = docker(&["port", container, &format!("{port}/tcp")]);
    mapping
        .lines()
        .find(|line| line.starts_with("127.0.0.1:"))
        .unwrap_or_else(|| panic!("{container}:{port} is not published on 127.0.0.1: {mapping}"))
        .to_string()
}

/// An HTTP answer: status, header lines, body.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

/// `GET /` from the host, retried until the server answers.
fn get(address: &str) -> Answer {
    eventually(|| try_get(address)).unwrap_or_else(|| panic!("nothing answers HTTP at {address}"))
}

/// The first `Some` that `probe` gives within [`PATIENCE`], polling every 100 ms.
fn eventually<T>(mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let found = probe();
        if found.is_some() || Instant::now() >= deadline {
            return found;
        }
        thread::sleep(Duration::from_millis(100));
    }
}

fn try_get(address: &str) -> Option<Answer> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(PATIENCE)).ok()?;
    stream
        .write_all(
            b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: sunaba-tests\r\nConnection: close\r\n\r\n",
        )
        .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some(Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    })
}

/// The container's log lines (stdout's, then stderr's), once `ready` holds for them.
fn logs_when(container: &str, ready: impl Fn(&[String]) -> bool) -> Vec<String> {
    let mut last = Vec::new();
    eventually(|| {
        last = logs(container);
        ready(&last).then(|| last.clone())
    })
    .unwrap_or_else(|| panic!("{container}'s logs never got there: {last:#?}"))
}

fn logs(container: &str) -> Vec<String> {
    let output = docker_output(&["logs", container]);
    [output.stdout, output.stderr]
        .iter()
        .flat_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether `line` is `2006/01/02 15:04:05 ` (Go's `log` prefix) then `message`.
fn is_go_log(line: &str, message: &str) -> bool {
    let Some((stamp, rest)) = line.split_at_checked(20) else {
        return false;
    };
    rest == message
        && stamp
            .chars()
            .zip("0000/00/00 00:00:00 ".chars())
            .all(|(c, shape)| {
                if shape == '0' {
                    c.is_ascii_digit()
                } else {
                    c == shape
                }
            })
}

/// Whether `line` is nginx's access log line for `request` answered with
/// `status` and `bytes` for a client saying `user_agent`.
fn is_access_log(line: &str, request: &str, status: u16, bytes: usize, user_agent: &str) -> bool {
    let Some((client_and_time, rest)) = line.split_once("] ") else {
        return false;
    };
    let Some((_client, time)) = client_and_time.split_once(" - - [") else {
        return false;
    };
    time.len() == "02/Jan/2006:15:04:05 +0000".len()
        && time.ends_with(" +0000")
        && rest == format!("\"{request}\" {status} {bytes} \"-\" \"{user_agent}\" \"-\"")
}

#[test]
fn seed_names_tag_the_same_images() {
    if !images_available_or_skip("seed_names_tag_the_same_images") {
        return;
    }
    let label_and_id = "{{index .Config.Labels \"io.sunaba.image\"}} {{.Id}}";
    for (seed, own) in SEED_NAMES {
        assert_eq!(
            docker(&["image", "inspect", "--format", label_and_id, seed]),
            docker(&["image", "inspect", "--format", label_and_id, own]),
            "{seed} is {own}"
        );
    }
}

#[test]
fn echo_answers_hello_docker_and_logs_like_go() {
    if !images_available_or_skip("echo_answers_hello_docker_and_logs_like_go") {
        return;
    }
    let mut sandbox = Sandbox::new("echo");
    let echo = sandbox.start(
        "echo",
        "gihyodocker/echo:latest",
        &["--publish", "127.0.0.1::8080"],
    );
    let answer = get(&published(&echo, 8080));
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, "Hello Docker!!")
    );
    assert!(
        answer
            .head
            .contains("\r\nContent-Type: text/plain; charset=utf-8"),
        "{}",
        answer.head
    );
    let logs = logs_when(&echo, |lines| lines.len() >= 2);
    assert!(is_go_log(&logs[0], "start server"), "{logs:#?}");
    assert!(is_go_log(&logs[1], "received request"), "{logs:#?}");
    assert_eq!(logs.len(), 2, "{logs:#?}");
}

#[test]
fn proxy_passes_requests_to_echo_by_name_and_logs_them() {
    if !images_available_or_skip("proxy_passes_requests_to_echo_by_name_and_logs_them") {
        return;
    }
    let mut sandbox = Sandbox::new("proxy");
    sandbox.start("echo", "gihyodocker/echo:latest", &[]);
    let proxy = sandbox.start(
        "nginx",
        "gihyodocker/nginx-proxy:latest",
        &[
            "--env",
            "BACKEND_HOST=echo:8080",
            "--publish",
            "127.0.0.1::80",
        ],
    );
    // Until echo listens, the proxy answers 502.
    let address = published(&proxy, 80);
    let answer = eventually(|| try_get(&address).filter(|answer| answer.status == 200))
        .unwrap_or_else(|| panic!("the proxy never answered 200"));
    assert_eq!(answer.body, "Hello Docker!!");
    let logs = logs_when(&proxy, |lines| lines.len() >= 4);
    assert_eq!(
        logs[..3],
        [
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
        ]
    );
    assert!(
        logs.iter()
            .any(|line| is_access_log(line, "GET / HTTP/1.1", 200, 14, "sunaba-tests")),
        "{logs:#?}"
    );
}

#[test]
fn proxy_answers_bad_gateway_when_the_backend_is_unreachable() {
    if !images_available_or_skip("proxy_answers_bad_gateway_when_the_backend_is_unreachable") {
        return;
    }
    let mut sandbox = Sandbox::new("gateway");
    let proxy = sandbox.start(
        "nginx",
        "gihyodocker/nginx-proxy:latest",
        &[
            "--env",
            "BACKEND_HOST=nginx:8080",
            "--publish",
            "127.0.0.1::80",
        ],
    );
    let answer = get(&published(&proxy, 80));
    assert_eq!(answer.status, 502);
    assert_eq!(
        answer.body,
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    let logs = logs_when(&proxy, |lines| lines.len() >= 5);
    assert!(
        logs.iter().any(|line| line.contains(
            "[error] 1#1: *1 connect() failed (111: Connection refused) while connecting to upstream"
        )),
        "{logs:#?}"
    );
    assert!(
        logs.iter()
            .any(|line| is_access_log(line, "GET / HTTP/1.1", 502, 150, "sunaba-tests")),
        "{logs:#?}"
    );
}

#[test]
fn toolbox_curls_echo_and_the_proxy_by_name() {
    if !images_available_or_skip("toolbox_curls_echo_and_the_proxy_by_name") {
        return;
    }
    let mut sandbox = Sandbox::new("toolbox");
    sandbox.start("echo", "gihyodocker/echo:latest", &[]);
    let proxy = sandbox.start(
        "nginx",
        "gihyodocker/nginx:latest",
        &["--env", "BACKEND_HOST=echo:8080"],
    );
    // Both servers are up once the proxy has answered through to echo.
    let script = "for i in $(seq 50); do curl -sf http://nginx/ && exit 0; sleep 0.2; done; exit 1";
    let first = sandbox.toolbox(&["sh", "-c", script]);
    assert_eq!(String::from_utf8_lossy(&first.stdout), "Hello Docker!!");

    let direct = sandbox.toolbox(&["curl", "-s", "http://echo:8080/"]);
    assert_eq!(
        (
            direct.status.code(),
            String::from_utf8_lossy(&direct.stdout).as_ref()
        ),
        (Some(0), "Hello Docker!!")
    );
    let logs = logs_when(&proxy, |lines| lines.len() >= 4);
    assert!(
        logs.iter()
            .any(|line| is_access_log(line, "GET / HTTP/1.1", 200, 14, "curl/8.5.0")),
        "{logs:#?}"
    );

    let unresolvable = sandbox.toolbox(&["curl", "http://nowhere/"]);
    assert_eq!(unresolvable.status.code(), Some(6));
    assert_eq!(
        String::from_utf8_lossy(&unresolvable.stderr),
        "curl: (6) Could not resolve host: nowhere\n"
    );
    let refused = sandbox.toolbox(&["curl", "http://echo:8081/"]);
    assert_eq!(refused.status.code(), Some(7));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.starts_with("curl: (7) Failed to connect to echo port 8081 after ")
            && message.ends_with(" ms: Couldn't connect to server\n"),
        "{message}"
    );
}

#[test]
fn pause_stops_at_once_with_exit_code_0() {
    if !images_available_or_skip("pause_stops_at_once_with_exit_code_0") {
        return;
    }
    let mut sandbox = Sandbox::new("pause");
    let pause = sandbox.start("pause", "sunaba/pause:latest", &[]);
    assert_eq!(exit_code_after_docker_stop(&pause), "0");
    assert_eq!(
        logs_when(&pause, |lines| !lines.is_empty()),
        ["Shutting down, got signal: Terminated"]
    );
}

#[test]
fn echo_and_the_proxy_end_on_sigterm_with_exit_code_0() {
    if !images_available_or_skip("echo_and_the_proxy_end_on_sigterm_with_exit_code_0") {
        return;
    }
    let mut sandbox = Sandbox::new("sigterm");
    let echo = sandbox.start("echo", "sunaba/echo:latest", &[]);
    let proxy = sandbox.start(
        "nginx",
        "sunaba/nginx-proxy:latest",
        &["--env", "BACKEND_HOST=echo:8080"],
    );
    for container in [echo, proxy] {
        assert_eq!(exit_code_after_docker_stop(&container), "0", "{container}");
    }
}

/// Waits for `container` to run, stops it with a minute's grace, and
/// returns its exit code: 0 when it heeded SIGTERM, 137 when Docker had to
/// kill it (as PID 1, a process with no handler ignores SIGTERM).
fn exit_code_after_docker_stop(container: &str) -> String {
    eventually(|| {
        (docker(&["inspect", "--format", "{{.State.Running}}", container]).trim() == "true")
            .then_some(())
    })
    .unwrap_or_else(|| panic!("{container} never ran"));
    // Running is not yet waiting: give it a moment to block its signals
    // (as PID 1 it would ignore an early SIGTERM, as Kubernetes' pause does).
    thread::sleep(Duration::from_millis(300));
    docker(&["stop", "--time", "60", container]);
    docker(&["inspect", "--format", "{{.State.ExitCode}}", container])
        .trim()
        .to_string()
}

/// Replaces the table in `dir` as sunaba does: a temporary file, then a rename.
fn write_table(dir: &std::path::Path, text: &str) {
    let temporary = dir.join(".table.tmp");
    std::fs::write(&temporary, text).expect("the table is written");
    std::fs::rename(&temporary, dir.join("table")).expect("the table is replaced");
}

#[test]
fn service_proxy_follows_its_table_and_refuses_without_endpoints() {
    if !images_available_or_skip("service_proxy_follows_its_table_and_refuses_without_endpoints") {
        return;
    }
    let mut sandbox = Sandbox::new("service-proxy");
    let echo = sandbox.start("echo", "gihyodocker/echo:latest", &[]);
    let ip = docker(&[
        "inspect",
        "--format",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        &echo,
    ]);
    let ip = ip.trim();
    let dir = std::env::temp_dir().join(format!("{}-table", sandbox.prefix));
    std::fs::create_dir_all(&dir).expect("the table's directory");
    write_table(&dir, &format!("# Service default/svc\n80 {ip}:8080\n"));
    let volume = format!("{}:/run/sunaba:ro", dir.display());
    let proxy = sandbox.start("svc", "sunaba/service-proxy:latest", &["--volume", &volume]);
    let answers = "for i in $(seq 50); do curl -sf http://svc/ && exit 0; sleep 0.2; done; exit 1";
    let refuses =
        "for i in $(seq 50); do curl -s http://svc/; [ $? = 7 ] && exit 0; sleep 0.1; done; exit 1";

    let first = sandbox.toolbox(&["sh", "-c", answers]);
    assert_eq!(String::from_utf8_lossy(&first.stdout), "Hello Docker!!");
    // The endpoints go: the port refuses connections.
    write_table(&dir, "80\n");
    let refused = sandbox.toolbox(&["sh", "-c", refuses]);
    assert_eq!(refused.status.code(), Some(0), "the port still accepts");
    // One is back: the port answers again.
    write_table(&dir, &format!("80 {ip}:8080\n"));
    let again = sandbox.toolbox(&["sh", "-c", answers]);
    assert_eq!(String::from_utf8_lossy(&again.stdout), "Hello Docker!!");

    let logs = logs_when(&proxy, |lines| lines.len() >= 3);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        logs,
        [
            format!("service-proxy: 80 -> {ip}:8080"),
            "service-proxy: 80 -> no endpoints".to_string(),
            format!("service-proxy: 80 -> {ip}:8080"),
        ]
    );
}

//! The engine's figures for `cargo xtask bench`, timed run by run (the
//! scenarios are seconds long today, too heavy for criterion's ten samples
//! plus warm-up). One command per invocation:
//!
//! ```text
//! cargo bench -p sunaba-core --bench figures -- COMMAND [--replicas N] [--workers W] [--runs K] [--seconds S]
//!   scale      scale a Deployment 0 → N on W worker nodes (default 100) until every pod
//!              runs; also `kubectl get pods` over them
//!   rollout    roll the N pods out to a new image (the scale-up before is not timed)
//!   apply-1mb  decode, validate and create a 1 MB manifest of 1,000 ConfigMaps
//! ```
//!
//! It runs up to K runs, starts no run that would end after S seconds, and
//! gives up at S seconds. Each measurement is one stdout line,
//! `sample ID UNIT VALUE` with ID `WHAT/N/W`; giving up prints
//! `timeout ID SECONDS`.
//! xtask's `bench` module reads these lines. Memory is measured apart, in
//! `memory.rs`: its counting allocator would slow every timing here.

use std::time::{Duration, Instant};

use sunaba_core::kubectl::{self, Context, Files};
use sunaba_core::{Cluster, ClusterConfig};

#[allow(dead_code)] // the WASM benchmark uses parts this one does not
#[path = "support/workload.rs"]
mod workload;

/// What one invocation was asked to measure.
struct Request {
    command: String,
    replicas: usize,
    workers: usize,
    runs: usize,
    seconds: u64,
}

fn main() {
    let request = match parse(std::env::args().skip(1)) {
        Ok(request) => request,
        Err(message) => {
            eprintln!("figures: {message}");
            std::process::exit(2);
        }
    };
    let id = match request.command.as_str() {
        "apply-1mb" => request.command.clone(),
        command => format!("{command}/{}/{}", request.replicas, request.workers),
    };
    give_up_after(&id, request.seconds);
    let started = Instant::now();
    let budget = Duration::from_secs(request.seconds);
    let mut last = Duration::ZERO;
    for _ in 0..request.runs {
        if started.elapsed() + last > budget {
            break;
        }
        let run = Instant::now();
        match request.command.as_str() {
            "scale" => scale(request.replicas, request.workers),
            "rollout" => rollout(request.replicas, request.workers),
            "apply-1mb" => apply_1mb(),
            other => {
                eprintln!("figures: unknown command {other:?}");
                std::process::exit(2);
            }
        }
        last = run.elapsed();
    }
}

/// Reads `COMMAND [--replicas N] [--workers W] [--runs K] [--seconds S]`;
/// cargo adds `--bench`.
fn parse(args: impl Iterator<Item = String>) -> Result<Request, String> {
    let mut request = Request {
        command: String::new(),
        replicas: 10_000,
        workers: workload::WORKERS,
        runs: 5,
        seconds: 120,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--bench" => {}
            "--replicas" => request.replicas = number("--replicas")? as usize,
            "--workers" => request.workers = number("--workers")? as usize,
            "--runs" => request.runs = number("--runs")? as usize,
            "--seconds" => request.seconds = number("--seconds")?,
            command if !command.starts_with('-') && request.command.is_empty() => {
                request.command = command.to_string()
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if request.command.is_empty() {
        // `cargo test --benches` runs bench targets without arguments: nothing to do.
        std::process::exit(0);
    }
    Ok(request)
}

/// Ends the process at the deadline: a run that long is reported, not awaited.
fn give_up_after(id: &str, seconds: u64) {
    let id = id.to_string();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(seconds));
        println!("timeout {id} {seconds}");
        std::process::exit(3);
    });
}

fn sample(id: &str, unit: &str, value: f64) {
    println!("sample {id} {unit} {value}");
}

fn millis(elapsed: Duration) -> f64 {
    elapsed.as_secs_f64() * 1000.0
}

fn scale(replicas: usize, workers: usize) {
    let size = format!("{replicas}/{workers}");
    let mut cluster = workload::cluster(workers);
    let start = Instant::now();
    workload::scale_up(&mut cluster, replicas);
    let elapsed = start.elapsed();
    workload::check_running(&cluster, workload::OLD_IMAGE, replicas);
    sample(&format!("scale/{size}"), "ms", millis(elapsed));
    for _ in 0..3 {
        let start = Instant::now();
        let output = get_pods(&mut cluster);
        let elapsed = start.elapsed();
        assert_eq!(output.exit_code, 0, "{}", output.stderr);
        assert_eq!(
            output.stdout.lines().count(),
            replicas + 1,
            "a header and a row per pod"
        );
        sample(&format!("get-pods/{size}"), "ms", millis(elapsed));
    }
}

fn rollout(replicas: usize, workers: usize) {
    let mut cluster = workload::cluster(workers);
    workload::scale_up(&mut cluster, replicas);
    workload::check_running(&cluster, workload::OLD_IMAGE, replicas);
    let start = Instant::now();
    workload::roll_out(&mut cluster);
    let elapsed = start.elapsed();
    workload::check_running(&cluster, workload::NEW_IMAGE, replicas);
    sample(
        &format!("rollout/{replicas}/{workers}"),
        "ms",
        millis(elapsed),
    );
}

/// Issue 3's bad-input budget: about 1,000 objects in 1 MB parse, validate and apply.
fn apply_1mb() {
    let text: String = (0..1_000)
        .map(|i| {
            format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  payload: \"{}\"\n",
                "p".repeat(900)
            )
        })
        .collect();
    let mut cluster = Cluster::new(ClusterConfig::default());
    let start = Instant::now();
    let results = cluster
        .create_manifests(&text)
        .expect("the manifest decodes");
    let elapsed = start.elapsed();
    assert!(
        results.iter().all(Result::is_ok),
        "every ConfigMap is created"
    );
    sample("apply-1mb", "ms", millis(elapsed));
}

/// No files: `get pods` reads none.
struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _path: &str) -> Option<String> {
        None
    }

    fn list(&self, _dir: &str) -> Option<Vec<String>> {
        None
    }
}

/// `kubectl get pods`, as the terminal runs it.
fn get_pods(cluster: &mut Cluster) -> kubectl::Output {
    kubectl::run(
        &mut Context {
            cluster,
            files: &NoFiles,
        },
        &["get".to_string(), "pods".to_string()],
    )
}

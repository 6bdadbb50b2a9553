//! `cargo xtask bench [--quick]`: runs every benchmark and writes
//! BENCHMARKS.md (`--quick`: a smaller, shorter run, written to
//! `target/bench/BENCHMARKS.md` so the committed figures stay as they are).
//!
//! It builds everything first (the web bundle and the server, core's bench
//! programs, the WASM benchmark, the server and browser benches), so no
//! compiling happens between measurements, then runs the sections in turn:
//! [`engine`] (native and WASM), [`web`], [`server`], [`docker`]. Each
//! benchmark program prints `sample ID UNIT VALUE` lines ([`samples`]);
//! [`report`] turns them into the file. Benchmarks never run inside
//! `cargo xtask test`, and no test asserts a timing.

mod docker;
mod engine;
mod report;
mod samples;
mod server;
mod web;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::{bundle, cmd, tools};
use samples::Samples;

/// The replica count the engine's budgets speak of.
pub const BUDGET_REPLICAS: usize = 10_000;

/// The sizes, run counts and time limits of one run.
pub struct Plan {
    /// `--quick`.
    pub quick: bool,
    /// Runs of each figure (fewer when a figure's time limit comes first).
    pub runs: usize,
    /// Replicas in the engine's main figures, on 100 nodes.
    pub replicas: usize,
    /// Sizes for the growth figures, at 100 pods per node.
    pub growth: [usize; 3],
    /// Replicas in the WASM figures (and the native ones they compare with).
    pub wasm_replicas: usize,
    /// Seconds of rollout in the frame-time figure.
    pub frame_seconds: u64,
    /// Seconds of each load run against the server.
    pub load_seconds: f64,
    /// Scales every time limit: 1 for the full run.
    pub limit_scale: f64,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                quick,
                runs: 3,
                replicas: 2_000,
                growth: [500, 2_000, 5_000],
                wasm_replicas: 500,
                frame_seconds: 5,
                load_seconds: 0.5,
                limit_scale: 0.5,
            }
        } else {
            Self {
                quick,
                runs: 5,
                replicas: BUDGET_REPLICAS,
                growth: [1_000, 10_000, 50_000],
                wasm_replicas: 2_000,
                frame_seconds: 15,
                load_seconds: 2.0,
                limit_scale: 1.0,
            }
        }
    }

    /// A time limit, shorter for `--quick`.
    pub fn limit(&self, seconds: u64) -> u64 {
        ((seconds as f64 * self.limit_scale) as u64).max(10)
    }
}

/// Where the report goes.
fn report_path(quick: bool) -> PathBuf {
    let root = cmd::workspace_root();
    if quick {
        root.join("target/bench/BENCHMARKS.md")
    } else {
        root.join("BENCHMARKS.md")
    }
}

/// `cargo xtask bench [--quick]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            other => return Err(format!("bench: unknown argument {other:?} (only --quick)")),
        }
    }
    let started = Instant::now();
    let plan = Plan::new(quick);
    let chrome = tools::ensure_chromium()?;
    let kubectl = server::kubectl();
    let mut machine =
        report::Machine::detect(Some(&chrome.chromium), kubectl.as_deref().map(Path::new));

    eprintln!("xtask: bench: building everything first");
    let sunaba = bundle::build_all()?;
    let bins = Built {
        engine: engine::build(&plan)?,
        tests: build_tests()?,
    };

    let built_in = started.elapsed();

    let mut samples = Samples::default();
    let mut sections = Vec::new();
    sections.extend(engine::measure(&plan, &bins.engine, &chrome, &mut samples));
    sections.push(web::measure(
        &plan,
        &bins.tests,
        &sunaba,
        &chrome,
        &mut samples,
    ));
    sections.push(server::measure(
        &plan,
        &bins.tests,
        &sunaba,
        kubectl.as_deref(),
        &mut samples,
    ));
    sections.push(docker::section());

    machine.finish();
    let text = report::render(&machine, &sections, quick, built_in, started.elapsed());
    let path = report_path(quick);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    }
    std::fs::write(&path, &text)
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    println!("{text}");
    eprintln!(
        "xtask: bench: wrote {} in {}",
        path.display(),
        report::duration_text(started.elapsed())
    );
    Ok(())
}

/// The benchmark programs, built before anything is measured.
struct Built {
    engine: engine::Programs,
    tests: Vec<PathBuf>,
}

/// The `server` and `web` benches of `sunaba-tests` (in release, as core's).
fn build_tests() -> Result<Vec<PathBuf>, String> {
    samples::build_executables(cmd::cargo().args([
        "build",
        "--release",
        "--package",
        "sunaba-tests",
        "--bench",
        "server",
        "--bench",
        "web",
    ]))
}

/// A limit for a whole benchmark program: its own time plus slack to start.
fn program_limit(seconds: u64) -> Duration {
    Duration::from_secs(seconds + 60)
}

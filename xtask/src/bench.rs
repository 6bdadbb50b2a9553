//! `cargo xtask bench [--quick] [--only SECTION,…]`: runs every benchmark
//! and writes BENCHMARKS.md (`--quick`: a smaller, shorter run, written to
//! `target/bench/BENCHMARKS.md` so the committed figures stay as they are;
//! `--only`: just those sections, into `target/bench/BENCHMARKS.<names>.md`).
//!
//! It builds everything first (the web bundle and the server, core's bench
//! programs, the WASM benchmark, the server, browser and Docker benches; with
//! `--only`, what those sections need), so no compiling happens between
//! measurements, then runs the sections in turn: [`engine`] (native and
//! WASM), [`web`], [`server`], [`docker`]. Each
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
    /// Seconds of the server's soak at 64 clients.
    pub soak_seconds: f64,
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
                soak_seconds: 5.0,
                limit_scale: 0.5,
            }
        } else {
            Self {
                quick,
                runs: 5,
                replicas: BUDGET_REPLICAS,
                growth: [1_000, 10_000, 50_000],
                wasm_replicas: BUDGET_REPLICAS,
                frame_seconds: 15,
                load_seconds: 2.0,
                soak_seconds: 60.0,
                limit_scale: 1.0,
            }
        }
    }

    /// A time limit, shorter for `--quick`.
    pub fn limit(&self, seconds: u64) -> u64 {
        ((seconds as f64 * self.limit_scale) as u64).max(10)
    }
}

/// `cargo xtask bench --help`.
const USAGE: &str = "cargo xtask bench [--quick] [--only SECTION[,SECTION…]]

Runs the benchmarks and writes BENCHMARKS.md with the machine, the commit
and every figure's median, min–max spread, runs and budget.

  --quick         fewer runs and smaller sizes, for development; written to
                  target/bench/BENCHMARKS.md instead
  --only SECTIONS only these sections (comma-separated, or the flag again):
                  engine (native and WASM), web, server, docker; builds only
                  what they need and writes target/bench/BENCHMARKS.<names>.md,
                  e.g. `cargo xtask bench --quick --only docker`
  -h, --help      this text";

/// One part of the run, as `--only` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// The engine, natively and in WASM.
    Engine,
    /// The web app in Chromium.
    Web,
    /// `sunaba serve` on loopback.
    Server,
    /// The Docker backend against `docker run`.
    Docker,
}

impl Part {
    const ALL: [Part; 4] = [Part::Engine, Part::Web, Part::Server, Part::Docker];

    fn name(self) -> &'static str {
        match self {
            Part::Engine => "engine",
            Part::Web => "web",
            Part::Server => "server",
            Part::Docker => "docker",
        }
    }
}

/// The command line, read.
#[derive(Debug, PartialEq)]
struct Options {
    quick: bool,
    /// The sections to run, in the report's order; all without `--only`.
    parts: Vec<Part>,
    /// `--only` was given.
    only: bool,
    help: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut quick = false;
        let mut help = false;
        let mut only: Option<Vec<Part>> = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let list = match arg.as_str() {
                "--quick" => {
                    quick = true;
                    continue;
                }
                "-h" | "--help" => {
                    help = true;
                    continue;
                }
                "--only" => args
                    .next()
                    .ok_or("bench: --only needs a section: engine, web, server or docker")?
                    .as_str(),
                other => match other.strip_prefix("--only=") {
                    Some(list) => list,
                    None => {
                        return Err(format!(
                            "bench: unknown argument {other:?}; see `cargo xtask bench --help`"
                        ))
                    }
                },
            };
            let chosen = only.get_or_insert_with(Vec::new);
            for name in list.split(',').filter(|n| !n.is_empty()) {
                let part = Part::ALL
                    .into_iter()
                    .find(|p| p.name() == name)
                    .ok_or_else(|| {
                        format!("bench: no section {name:?}: engine, web, server or docker")
                    })?;
                chosen.push(part);
            }
        }
        let parts = match &only {
            Some(chosen) => Part::ALL
                .into_iter()
                .filter(|p| chosen.contains(p))
                .collect(),
            None => Part::ALL.to_vec(),
        };
        if parts.is_empty() {
            return Err("bench: --only needs a section: engine, web, server or docker".into());
        }
        Ok(Self {
            quick,
            parts,
            only: only.is_some(),
            help,
        })
    }

    fn runs(&self, part: Part) -> bool {
        self.parts.contains(&part)
    }

    /// `--only a,b` as given to the report's first line, or nothing.
    fn only_flag(&self) -> Option<String> {
        self.only.then(|| {
            let names: Vec<&str> = self.parts.iter().map(|p| p.name()).collect();
            format!(" --only {}", names.join(","))
        })
    }
}

/// Where the report goes.
fn report_path(options: &Options) -> PathBuf {
    let root = cmd::workspace_root();
    if options.only {
        let names: Vec<&str> = options.parts.iter().map(|p| p.name()).collect();
        root.join(format!("target/bench/BENCHMARKS.{}.md", names.join("+")))
    } else if options.quick {
        root.join("target/bench/BENCHMARKS.md")
    } else {
        root.join("BENCHMARKS.md")
    }
}

/// `cargo xtask bench [--quick] [--only SECTION,…]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    if options.help {
        println!("{USAGE}");
        return Ok(());
    }
    let quick = options.quick;
    let started = Instant::now();
    let plan = Plan::new(quick);
    let needs_chrome = options.runs(Part::Engine) || options.runs(Part::Web);
    let chrome = needs_chrome.then(tools::ensure_chromium).transpose()?;
    let kubectl = server::kubectl();
    let mut machine = report::Machine::detect(
        chrome.as_ref().map(|c| c.chromium.as_path()),
        kubectl.as_deref().map(Path::new),
    );

    eprintln!("xtask: bench: building everything first");
    let sunaba = if options.runs(Part::Web) {
        bundle::build_all()?
    } else {
        // The server and Docker figures need the server, not a fresh bundle.
        cmd::run(cmd::cargo().args(["build", "--release", "--package", "sunaba-server"]))?;
        cmd::workspace_root().join("target/release/sunaba")
    };
    let engine_programs = if options.runs(Part::Engine) {
        Some(engine::build(&plan)?)
    } else {
        None
    };
    let tests = build_tests(&options)?;

    let built_in = started.elapsed();

    let mut samples = Samples::default();
    let mut sections = Vec::new();
    if let (Some(programs), Some(chrome)) = (&engine_programs, &chrome) {
        sections.extend(engine::measure(&plan, programs, chrome, &mut samples));
    }
    if let (true, Some(chrome)) = (options.runs(Part::Web), &chrome) {
        sections.push(web::measure(&plan, &tests, &sunaba, chrome, &mut samples));
    }
    if options.runs(Part::Server) {
        sections.push(server::measure(
            &plan,
            &tests,
            &sunaba,
            kubectl.as_deref(),
            &mut samples,
        ));
    }
    if options.runs(Part::Docker) {
        sections.push(docker::measure(
            &plan,
            &tests,
            &sunaba,
            kubectl.as_deref(),
            &mut samples,
        ));
    }

    machine.finish();
    let mut text = report::render(&machine, &sections, quick, built_in, started.elapsed());
    if let Some(flag) = options.only_flag() {
        text = text.replacen(
            "Written by `cargo xtask bench",
            &format!("Written by `cargo xtask bench{flag}"),
            1,
        );
    }
    let path = report_path(&options);
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

/// The `server`, `web` and `docker` benches of `sunaba-tests` that the
/// run needs (in release, as core's).
fn build_tests(options: &Options) -> Result<Vec<PathBuf>, String> {
    let benches: Vec<&str> = [Part::Server, Part::Web, Part::Docker]
        .into_iter()
        .filter(|p| options.runs(*p))
        .flat_map(|p| ["--bench", p.name()])
        .collect();
    if benches.is_empty() {
        return Ok(Vec::new());
    }
    samples::build_executables(
        cmd::cargo()
            .args(["build", "--release", "--package", "sunaba-tests"])
            .args(benches),
    )
}

/// A limit for a whole benchmark program: its own time plus slack to start.
fn program_limit(seconds: u64) -> Duration {
    Duration::from_secs(seconds + 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn only_picks_sections_in_the_reports_order() {
        let all = parse(&["--quick"]).expect("valid");
        assert_eq!((all.quick, all.only, all.parts.len()), (true, false, 4));
        assert_eq!(all.only_flag(), None);
        let some = parse(&["--only", "docker,server"]).expect("valid");
        assert_eq!(some.parts, vec![Part::Server, Part::Docker]);
        assert_eq!(some.only_flag().as_deref(), Some(" --only server,docker"));
        assert!(report_path(&some).ends_with("target/bench/BENCHMARKS.server+docker.md"));
        let repeated = parse(&["--only=web", "--quick", "--only", "engine"]).expect("valid");
        assert_eq!(repeated.parts, vec![Part::Engine, Part::Web]);
        assert!(parse(&["--only", "dockers"]).is_err());
        assert!(parse(&["--only"]).is_err());
        assert!(parse(&["--slow"]).is_err());
        assert!(parse(&["--help"]).expect("valid").help);
    }
}

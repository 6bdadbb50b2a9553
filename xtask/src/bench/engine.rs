//! The engine's figures: natively (core's `figures` bench, run by run, and
//! criterion's decoding benches in `engine`), and in headless Chromium (the
//! ignored wasm-bindgen-test `core/tests/wasm_bench.rs`, in release), with
//! the WASM/native ratio at the same size.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::report::{grouped, number, Row, Section, Unit};
use super::samples::{self, Samples, Stats};
use super::{program_limit, Plan, BUDGET_REPLICAS};
use crate::{cmd, tools};

/// The engine's budget for a scale-up or a rollout of 10,000 pods, natively.
const ENGINE_BUDGET_MS: f64 = 100.0;
/// The budget for `kubectl get pods` over 10,000 pods.
const GET_PODS_BUDGET_MS: f64 = 10.0;
/// "Close to linear": per-pod time may grow by at most this factor.
const GROWTH_BUDGET: f64 = 1.25;
/// WASM may be at most this many times slower than native.
const WASM_BUDGET: f64 = 3.0;
/// Pods per worker node in the growth figures.
const PODS_PER_NODE: usize = 100;
/// Worker nodes in the budgets' figures.
const NODES: usize = 100;

/// The engine's benchmark programs.
pub struct Programs {
    figures: PathBuf,
    memory: PathBuf,
    criterion: PathBuf,
    wasm: Result<PathBuf, String>,
}

/// Builds core's bench programs and the WASM benchmark.
pub fn build(plan: &Plan) -> Result<Programs, String> {
    // `build --release` rather than `bench --no-run`: the same settings, and
    // it shares the release build of core with the server's.
    let built = samples::build_executables(cmd::cargo().args([
        "build",
        "--release",
        "--package",
        "sunaba-core",
        "--bench",
        "figures",
        "--bench",
        "memory",
        "--bench",
        "engine",
    ]))?;
    Ok(Programs {
        figures: samples::executable(&built, "figures")?,
        memory: samples::executable(&built, "memory")?,
        criterion: samples::executable(&built, "engine")?,
        wasm: build_wasm(plan),
    })
}

fn build_wasm(plan: &Plan) -> Result<PathBuf, String> {
    tools::ensure_wasm_target()?;
    let built = samples::build_executables(
        cmd::cargo()
            .args(["test", "--no-run", "--release"])
            .args(["--target", "wasm32-unknown-unknown"])
            .args(["--package", "sunaba-core", "--test", "wasm_bench"])
            .env("SUNABA_WASM_BENCH_REPLICAS", plan.wasm_replicas.to_string())
            .env("SUNABA_WASM_BENCH_RUNS", plan.runs.to_string()),
    )?;
    samples::executable(&built, "wasm_bench")
}

/// Runs the engine's benchmarks; returns the native and the WASM sections.
pub fn measure(
    plan: &Plan,
    programs: &Programs,
    chrome: &tools::ChromeTools,
    samples: &mut Samples,
) -> Vec<Section> {
    eprintln!("xtask: bench: the engine, natively");
    criterion(plan, &programs.criterion, samples);
    let figures = |samples: &mut Samples, args: &[String], runs: usize, seconds: u64| {
        let seconds = plan.limit(seconds);
        let mut command = Command::new(&programs.figures);
        command.args(args).args([
            "--runs",
            &runs.to_string(),
            "--seconds",
            &seconds.to_string(),
        ]);
        let id = format!("{}/", args[0]);
        samples::measure(samples, &mut command, program_limit(seconds), &id);
    };
    let size = |command: &str, replicas: usize, workers: usize| {
        vec![
            command.to_string(),
            "--replicas".into(),
            replicas.to_string(),
            "--workers".into(),
            workers.to_string(),
        ]
    };
    let runs = plan.runs;
    let few = plan.runs.min(3);
    figures(samples, &["apply-1mb".to_string()], runs, 60);
    figures(samples, &size("scale", plan.replicas, NODES), runs, 120);
    figures(samples, &size("rollout", plan.replicas, NODES), few, 300);
    // Deterministic: two runs show it.
    let mut memory = Command::new(&programs.memory);
    memory
        .args(&size("memory", plan.replicas, NODES)[1..])
        .args(["--runs", "2"]);
    samples::measure(
        samples,
        &mut memory,
        program_limit(plan.limit(120)),
        "bytes-per-pod/",
    );
    for (i, replicas) in plan.growth.into_iter().enumerate() {
        let workers = replicas / PODS_PER_NODE;
        if (replicas, workers) != (plan.replicas, NODES) {
            let (runs, seconds) = [(runs, 60), (runs, 60), (few, 200)][i];
            figures(samples, &size("scale", replicas, workers), runs, seconds);
        }
    }
    if plan.wasm_replicas != plan.replicas {
        // The native rows the WASM ones compare with, at their size.
        figures(samples, &size("scale", plan.wasm_replicas, NODES), runs, 60);
        figures(
            samples,
            &size("rollout", plan.wasm_replicas, NODES),
            runs,
            90,
        );
    }

    eprintln!("xtask: bench: the engine, as WASM in headless Chromium");
    match &programs.wasm {
        Ok(wasm) => run_wasm(plan, wasm, chrome, samples),
        Err(why) => samples.missing.push((
            "wasm-".into(),
            format!("not measured: the WASM build failed: {why}"),
        )),
    }
    vec![native_section(plan, samples), wasm_section(plan, samples)]
}

/// Criterion's decoding benchmarks (not its engine group: the figures
/// bench times those run by run), read back from `sample.json`.
fn criterion(plan: &Plan, program: &Path, samples: &mut Samples) {
    let root = cmd::workspace_root();
    let home = root.join("target/criterion");
    let benches = [
        (
            "decode_1mb_manifest_of_1000_objects",
            "criterion/decode-1mb",
        ),
        ("refuse_100k_open_brackets", "criterion/refuse-brackets"),
    ];
    for (bench, _) in benches {
        let _ = std::fs::remove_dir_all(home.join(bench).join("new"));
    }
    let measurement = if plan.quick { "1" } else { "3" };
    let mut command = Command::new(program);
    command
        .current_dir(root.join("core"))
        .env("CRITERION_HOME", &home)
        .args(["--bench", "--noplot", "--sample-size", "10"])
        .args(["--warm-up-time", "1", "--measurement-time", measurement])
        .arg("decode_1mb|refuse_100k");
    samples::measure(
        samples,
        &mut command,
        Duration::from_secs(180),
        "criterion/",
    );
    for (bench, id) in benches {
        let path = home.join(bench).join("new/sample.json");
        match std::fs::read_to_string(&path) {
            Ok(json) => {
                for ms in per_iteration_ms(&json) {
                    samples.push(id, ms);
                }
            }
            Err(err) => samples.missing.push((
                id.to_string(),
                format!("not measured: no {}: {err}", path.display()),
            )),
        }
    }
}

/// Criterion's `sample.json` (`{"iters":[…],"times":[…]}`, nanoseconds per
/// sample) as milliseconds per iteration, one value per sample.
fn per_iteration_ms(json: &str) -> Vec<f64> {
    let array = |key: &str| -> Vec<f64> {
        json.split_once(&format!("\"{key}\":["))
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(list, _)| {
                list.split(',')
                    .filter_map(|n| n.trim().parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    array("iters")
        .iter()
        .zip(array("times"))
        .filter(|(iters, _)| **iters > 0.0)
        .map(|(iters, nanos)| nanos / iters / 1e6)
        .collect()
}

fn run_wasm(plan: &Plan, wasm: &Path, chrome: &tools::ChromeTools, samples: &mut Samples) {
    let runner = match tools::wasm_bindgen_tool("wasm-bindgen-test-runner") {
        Ok(runner) => runner,
        Err(why) => {
            samples
                .missing
                .push(("wasm-".into(), format!("not measured: {why}")));
            return;
        }
    };
    let seconds = plan.limit(300);
    let mut command = Command::new(runner);
    command
        .current_dir(cmd::workspace_root())
        .arg(wasm)
        .args(["--include-ignored", "--nocapture"])
        .env("CHROMEDRIVER", &chrome.chromedriver)
        .env("WASM_BINDGEN_TEST_TIMEOUT", seconds.to_string());
    samples::measure(samples, &mut command, program_limit(seconds), "wasm-");
}

/// "10,000 pods on 100 nodes".
fn pods_on_nodes(replicas: usize, workers: usize) -> String {
    format!("{} pods on {workers} nodes", grouped(replicas as f64))
}

/// "171 µs of engine work per pod", from the runs' median over `pods`; empty
/// when there are no runs.
fn per_pod_text(values: &[f64], pods: usize) -> String {
    Stats::of(values).map_or(String::new(), |s| {
        format!(
            "{:.0} µs of engine work per pod",
            s.median * 1000.0 / pods as f64
        )
    })
}

fn values<'s>(samples: &'s Samples, id: &str) -> (&'s [f64], Option<&'s str>) {
    (samples.get(id), samples.why_missing(id))
}

fn native_section(plan: &Plan, samples: &Samples) -> Section {
    let n = plan.replicas;
    let smaller = n != BUDGET_REPLICAS;
    let size = format!("{n}/{NODES}");
    let (scale, why_scale) = values(samples, &format!("scale/{size}"));
    let (rollout, why_rollout) = values(samples, &format!("rollout/{size}"));
    let (get_pods, why_get) = values(samples, &format!("get-pods/{size}"));
    let (bytes, why_bytes) = values(samples, &format!("bytes-per-pod/{size}"));
    let growth = growth_rows(plan, samples);
    let growth_text = growth
        .iter()
        .filter(|r| r.unit == Unit::Ratio)
        .filter_map(|r| r.stats.as_ref().ok().map(|s| number(s.median, Unit::Ratio)))
        .collect::<Vec<_>>()
        .join(" and ");
    let per_pod = |values: &[f64]| per_pod_text(values, n);
    let engine_limit = |values: &[f64]| {
        format!(
            "the engine's own work in core (API server, controllers, scheduler, kubelets and \
             store, all on one thread): {}, and per-pod time grows {} from size to size (growth \
             rows below)",
            per_pod(values),
            if growth_text.is_empty() {
                "by an unmeasured factor".to_string()
            } else {
                growth_text.clone()
            }
        )
    };
    let get_limit = Stats::of(get_pods).map_or(String::new(), |s| {
        format!(
            "core's kubectl builds and prints one table row per pod: {:.1} µs per row",
            s.median * 1000.0 / n as f64
        )
    });
    let mut rows = vec![
        Row::new(
            format!(
                "Scale a Deployment 0 → {}, until every pod is Running",
                pods_on_nodes(n, NODES)
            ),
            Unit::Ms,
            scale,
            why_scale,
        )
        .at_most(ENGINE_BUDGET_MS)
        .smaller_than_budget(smaller)
        .limit(engine_limit(scale)),
        Row::new(
            format!(
                "Roll the {} pods out to a new image, until every new pod is Running",
                grouped(n as f64)
            ),
            Unit::Ms,
            rollout,
            why_rollout,
        )
        .at_most(ENGINE_BUDGET_MS)
        .smaller_than_budget(smaller)
        .limit(engine_limit(rollout)),
        Row::new(
            format!(
                "`kubectl get pods` over {} pods (core's kubectl)",
                grouped(n as f64)
            ),
            Unit::Ms,
            get_pods,
            why_get,
        )
        .at_most(GET_PODS_BUDGET_MS)
        .smaller_than_budget(smaller)
        .limit(get_limit),
        Row::new(
            format!(
                "Heap bytes per pod after the scale-up to {}",
                grouped(n as f64)
            ),
            Unit::Bytes,
            bytes,
            why_bytes,
        ),
    ];
    let (apply, why_apply) = values(samples, "apply-1mb");
    rows.push(
        Row::new(
            "Decode, validate and create a 1 MB manifest of 1,000 ConfigMaps",
            Unit::Ms,
            apply,
            why_apply,
        )
        .at_most(50.0),
    );
    let (decode, why_decode) = values(samples, "criterion/decode-1mb");
    rows.push(
        Row::new(
            "Decode that manifest only (criterion, per iteration of each sample)",
            Unit::Ms,
            decode,
            why_decode,
        )
        .at_most(50.0),
    );
    let (refuse, why_refuse) = values(samples, "criterion/refuse-brackets");
    rows.push(
        Row::new(
            "Refuse 100,000 `[` (criterion, per iteration of each sample)",
            Unit::Ms,
            refuse,
            why_refuse,
        )
        .at_most(100.0),
    );
    rows.extend(growth);
    let mut notes = vec![
        format!(
            "Scale-up and rollout are timed run by run (`cargo bench -p sunaba-core --bench \
             figures`); each runs the simulated clock 2 min (scale-up) or 10 min (rollout) of \
             simulated time on a fresh cluster, and checks afterwards, outside the timing, that \
             exactly {} pods run the expected image.",
            grouped(n as f64)
        ),
        "Heap bytes per pod (`--bench memory`, apart from the timings, which its counting \
         would slow): a counting global allocator's live bytes after the scale-up minus before \
         it, over the pods; the same in every run, as the engine is deterministic. It counts \
         all the pods brought: the Pod objects, events, the store's change log and indexes, \
         the kubelets' and controllers' state."
            .to_string(),
        format!(
            "Growth: the same scale-up at {} pods per node; a per-pod ratio of 1 is linear, and \
             the budget here reads the issue's \"close to linear\" as at most {GROWTH_BUDGET}.",
            PODS_PER_NODE
        ),
    ];
    if smaller {
        notes.push(format!(
            "--quick: {} replicas instead of the budgets' {}, and growth at {}.",
            grouped(n as f64),
            grouped(BUDGET_REPLICAS as f64),
            plan.growth.map(|g| grouped(g as f64)).join(", ")
        ));
    }
    Section {
        title: "Engine, native".into(),
        about: "sunaba-core in release, one process per figure, on this machine's CPU.".into(),
        rows,
        notes,
    }
}

/// The scale-up at each growth size, and the per-pod time ratios between them.
fn growth_rows(plan: &Plan, samples: &Samples) -> Vec<Row> {
    let sizes: Vec<(usize, usize)> = plan
        .growth
        .iter()
        .map(|&g| (g, g / PODS_PER_NODE))
        .collect();
    let id = |(r, w): (usize, usize)| format!("scale/{r}/{w}");
    let mut rows: Vec<Row> = sizes
        .iter()
        .filter(|&&(r, w)| (r, w) != (plan.replicas, NODES))
        .map(|&size| {
            let (values, why) = values(samples, &id(size));
            Row::new(
                format!("Scale-up of {}", pods_on_nodes(size.0, size.1)),
                Unit::Ms,
                values,
                why,
            )
        })
        .collect();
    for pair in sizes.windows(2) {
        let (small, big) = (pair[0], pair[1]);
        let label = format!(
            "Growth: per-pod scale-up time, {} against {}",
            pods_on_nodes(big.0, big.1),
            pods_on_nodes(small.0, small.1)
        );
        let small_values = samples.get(&id(small));
        let big_values = samples.get(&id(big));
        let row = match (Stats::of(small_values), Stats::of(big_values)) {
            (Some(s), Some(b)) => {
                let per = |t: f64, pods: usize| t / pods as f64;
                let ratio = |b: f64, s: f64| per(b, big.0) / per(s, small.0);
                Row {
                    stats: Ok(Stats {
                        median: ratio(b.median, s.median),
                        min: ratio(b.min, s.max),
                        max: ratio(b.max, s.min),
                        count: s.count.min(b.count),
                    }),
                    ..Row::new(label, Unit::Ratio, &[], None)
                }
            }
            _ => Row::missing(
                label,
                Unit::Ratio,
                samples
                    .why_missing(&id(big))
                    .or(samples.why_missing(&id(small)))
                    .unwrap_or("not measured: a size reported nothing"),
            ),
        };
        rows.push(
            row.at_most(GROWTH_BUDGET)
                .budget_text(format!("≤ {GROWTH_BUDGET} (close to linear)"))
                .limit(
                    "work per pod that grows with the cluster: steps that scan every pod or \
                     every node (the scheduler filters and scores every node for each pod) \
                     instead of only what changed",
                ),
        );
    }
    rows
}

fn wasm_section(plan: &Plan, samples: &Samples) -> Section {
    let n = plan.wasm_replicas;
    let size = format!("{n}/{NODES}");
    let mut rows = Vec::new();
    for (what, label) in [
        ("scale", format!("Scale-up 0 → {}", pods_on_nodes(n, NODES))),
        (
            "rollout",
            format!("Rollout of the {} pods", grouped(n as f64)),
        ),
    ] {
        let (wasm, why_wasm) = values(samples, &format!("wasm-{what}/{size}"));
        let (native, why_native) = values(samples, &format!("{what}/{size}"));
        let wasm_row = Row::new(
            format!("{label}, WASM in Chromium"),
            Unit::Ms,
            wasm,
            why_wasm,
        );
        rows.push(if n == BUDGET_REPLICAS {
            wasm_row
                .at_most(WASM_BUDGET * ENGINE_BUDGET_MS)
                .limit(format!(
                    "the engine's own work, as in the native row, compiled to wasm32: {}",
                    per_pod_text(wasm, n)
                ))
        } else {
            wasm_row
        });
        rows.push(Row::new(
            format!("{label}, native"),
            Unit::Ms,
            native,
            why_native,
        ));
        let ratio_label = format!("{label}: WASM/native");
        let ratio = match (Stats::of(wasm), Stats::of(native)) {
            (Some(w), Some(nat)) => Row {
                stats: Ok(Stats {
                    median: w.median / nat.median,
                    min: w.min / nat.median,
                    max: w.max / nat.median,
                    count: w.count,
                }),
                ..Row::new(ratio_label, Unit::Ratio, &[], None)
            },
            _ => Row::missing(
                ratio_label,
                Unit::Ratio,
                why_wasm
                    .or(why_native)
                    .unwrap_or("not measured: a side reported nothing"),
            ),
        };
        rows.push(ratio.at_most(WASM_BUDGET).limit(
            "the same engine code as the native row, compiled to wasm32 and run by V8 in \
             the page's main thread; the ratio is that compilation's and the browser's cost",
        ));
    }
    Section {
        title: "Engine, WASM in headless Chromium".into(),
        about: format!(
            "The same scale-up and rollout (`core/tests/wasm_bench.rs`, an ignored \
             wasm-bindgen-test built with `--release`), timed with the page's `performance.now()`, \
             at {} replicas. The native rows are the same size, measured in this run; the ratio \
             is of the medians, its spread the WASM runs' extremes over the native median. The \
             budget at {} replicas is {} × the native budget of 100 ms.",
            grouped(n as f64),
            grouped(BUDGET_REPLICAS as f64),
            WASM_BUDGET
        ),
        rows,
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::per_iteration_ms;

    #[test]
    fn criterion_samples_become_milliseconds_per_iteration() {
        let json = r#"{"sampling_mode":"Flat","iters":[4.0,2.0],"times":[60000000.0,40000000.0]}"#;
        assert_eq!(per_iteration_ms(json), vec![15.0, 20.0]);
    }
}

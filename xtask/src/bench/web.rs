//! The web app's figures: the bundle's gzip size (from `target/web-dist`,
//! as `cargo xtask build` leaves it) and, through the `web` bench of
//! `sunaba-tests` in headless Chromium against `sunaba serve`, time to
//! first render, apply → visible, and frame time while 500 pods roll out.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::report::{number, Row, Section, Unit};
use super::samples::{self, Samples, Stats};
use super::{program_limit, Plan};
use crate::{bundle, tools};

/// The bundle's budget, in KB (1,000 bytes).
const SIZE_BUDGET_KB: f64 = 500.0;

/// Measures the bundle and runs the browser benchmark.
pub fn measure(
    plan: &Plan,
    tests: &[PathBuf],
    sunaba: &Path,
    chrome: &tools::ChromeTools,
    samples: &mut Samples,
) -> Section {
    eprintln!("xtask: bench: the web app");
    let (size_row, size_note) = bundle_size();
    match samples::executable(tests, "web") {
        Ok(program) => {
            let seconds = plan.limit(300) + plan.frame_seconds;
            let mut command = Command::new(program);
            command
                .arg("--sunaba")
                .arg(sunaba)
                .args(["--runs", &plan.runs.to_string()])
                .args(["--seconds", &plan.frame_seconds.to_string()])
                .env("SUNABA_CHROMEDRIVER", &chrome.chromedriver)
                .env("SUNABA_CHROMIUM", &chrome.chromium);
            samples::measure(samples, &mut command, program_limit(seconds), "web-");
        }
        Err(why) => samples
            .missing
            .push(("web-".into(), format!("not measured: {why}"))),
    }
    section(plan, samples, size_row, size_note)
}

/// The gzip size of the bundle's WASM, JS and CSS, and a note per file.
fn bundle_size() -> (Row, String) {
    let label = "Bundle: WASM + JS + CSS, gzip (best level)";
    let dist = bundle::dist_dir();
    let mut total = 0usize;
    let mut wasm = 0usize;
    let mut parts = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dist) else {
        return (
            Row::missing(
                label,
                Unit::Kb,
                format!("not measured: no {}", dist.display()),
            ),
            String::new(),
        );
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let counted = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("wasm" | "js" | "css")
        );
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let gz = bundle::gzip_len(&bytes);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        parts.push(format!(
            "`{name}` {} gzip ({} raw){}",
            number(gz as f64 / 1000.0, Unit::Kb),
            number(bytes.len() as f64 / 1000.0, Unit::Kb),
            if counted { "" } else { ", not counted" }
        ));
        if counted {
            total += gz;
        }
        if path.extension().is_some_and(|e| e == "wasm") {
            wasm += gz;
        }
    }
    let row = Row::new(label, Unit::Kb, &[total as f64 / 1000.0], None)
        .at_most(SIZE_BUDGET_KB)
        .limit(format!(
            "the WASM module, {} of it: of its raw bytes (by twiggy), sunaba-core's own code (the engine, \
             kubectl, the container shells) is about 40%, the k8s-openapi types' serde code \
             about 12%, Rust's core and alloc about 16%, data 10%, Yew 6%, serde_json 4% and \
             jiff (k8s-openapi's times) 2%",
            number(wasm as f64 / 1000.0, Unit::Kb)
        ));
    (row, format!("The bundle's files: {}.", parts.join(", ")))
}

fn section(plan: &Plan, samples: &Samples, size_row: Row, size_note: String) -> Section {
    let row =
        |id: &str, label: &str| Row::new(label, Unit::Ms, samples.get(id), samples.why_missing(id));
    let frame_id = "web-frame/500";
    let frames = samples.get(frame_id);
    let idle = samples.get("web-frame-idle/500");
    let p95 = Stats::percentile(frames, 0.95);
    let mut p95_row = match p95 {
        Some(p) => Row {
            stats: Ok(Stats {
                median: p,
                min: p,
                max: p,
                count: 1,
            }),
            ..Row::new("", Unit::Ms, &[], None)
        },
        None => Row::missing(
            "",
            Unit::Ms,
            samples
                .why_missing(frame_id)
                .unwrap_or("not measured: the benchmark reported nothing"),
        ),
    };
    p95_row.label = "Frame time, 500 pods, rollout running: the slowest 5% of those (p95)".into();
    let over = frames.iter().filter(|f| **f > 16.0).count();
    let frame_limit = "by a DevTools CPU profile of the rollout (`SUNABA_WEB_PROFILE`), \
                       the engine's own work in the tick (pods created, scheduled, started and \
                       deleted in bursts of up to 300, about a third), Yew creating the new pods' \
                       elements and reconciling the nodes' keyed pods (about a third), and the \
                       browser's style, layout and paint of the 500 SVG tiles; the picture \
                       itself now reuses every unchanged pod";
    let rows = vec![
        size_row,
        row(
            "web-first-render",
            "First render: navigation start → first frame with the cluster view",
        )
        .at_most(1_500.0)
        .limit("downloading, compiling and starting the WASM module before anything is drawn"),
        row(
            "web-first-contentful-paint",
            "First contentful paint (the browser's own mark)",
        ),
        row(
            "web-wasm-downloaded",
            "The WASM module downloaded (its `responseEnd`)",
        ),
        row(
            "web-apply",
            "Apply → the pod in the cluster view (the frame that shows it)",
        )
        .at_most(50.0)
        .limit(
            "apply runs kubectl in the engine, then the whole picture is rebuilt and re-rendered",
        ),
        row(
            "web-apply-dom",
            "Apply → the pod in the DOM (before that frame)",
        ),
        row(
            frame_id,
            "Frame time, 500 pods, rollout running: main-thread work per tick or frame that redrew",
        )
        .at_most(16.0)
        .limit(frame_limit),
        p95_row.at_most(16.0).limit(frame_limit),
        row(
            "web-frame-interval/500",
            "Interval between animation frames meanwhile",
        ),
    ];
    let mut notes = vec![
        size_note,
        "First render: a new browser profile each run (nothing cached), the page's time origin \
         to the first `requestAnimationFrame` after `[data-testid=cluster-view]` enters the DOM, \
         watched by a script DevTools injects before the page's own."
            .to_string(),
        "Apply: the Apply button on the seed's `simple-pod.yaml`, clicked from script, on a fresh \
         cluster each run (storage cleared, page reloaded), until the frame after \
         `[data-testid=pod-simple-echo]` appears."
            .to_string(),
        format!(
            "Frame time: a Deployment of 500 nginx pods (maxSurge 0, maxUnavailable 60%) \
             applied from a share link's file, then `kubectl set image` typed in the terminal. \
             For {} s every tick of the app's 250 ms clock, and every animation frame in \
             which the app goes on with the cluster's work (it works at most 6 ms a frame, \
             then draws), is timed as the main-thread work it causes (the callback, Yew's \
             render in microtasks and in the `setTimeout(0)` slices it yields through, style \
             and layout forced at the end). Those that changed the cluster view are the \
             figure: {over} of {} took over 16 ms; the {} that changed nothing there took {} \
             at the median. The playground's cluster has two \
             workers of 110 pods, so 220 pods run and the rest are drawn as Pending; the 60% \
             lets the rollout proceed within that room.",
            plan.frame_seconds,
            frames.len(),
            idle.len(),
            Stats::of(idle).map_or("—".to_string(), |s| number(s.median, Unit::Ms)),
        ),
    ];
    notes.extend(
        samples
            .notes_for("web")
            .into_iter()
            .map(|n| format!("Measured: {n}.")),
    );
    Section {
        title: "Web app in headless Chromium".into(),
        about: "The release bundle as `cargo xtask build` makes it, served by `sunaba serve` on \
                loopback and driven through ChromeDriver (`tests/benches/web.rs`); every time \
                is the page's own `performance.now()`."
            .into(),
        rows,
        notes,
    }
}

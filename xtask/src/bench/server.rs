//! `sunaba serve` on loopback, through the `server` bench of `sunaba-tests`:
//! the real kubectl over 1,000 pods against an empty cluster, API
//! throughput and latency at 1, 8 and 64 clients, and watch fan-out.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::report::{Row, Section, Unit};
use super::samples::{self, Samples, Stats};
use super::{program_limit, Plan};
use crate::tools;

/// kubectl 1.32, as the issue asks: Google Cloud SDK's, else the one on PATH.
pub fn kubectl() -> Option<PathBuf> {
    let pinned = PathBuf::from("/usr/lib/google-cloud-sdk/bin/kubectl.1.32");
    if pinned.is_file() {
        Some(pinned)
    } else {
        tools::which(&["kubectl"])
    }
}

/// Runs the server benchmark.
pub fn measure(
    plan: &Plan,
    tests: &[PathBuf],
    sunaba: &Path,
    kubectl: Option<&Path>,
    samples: &mut Samples,
) -> Section {
    eprintln!("xtask: bench: sunaba serve on loopback");
    match (samples::executable(tests, "server"), kubectl) {
        (Ok(program), Some(kubectl)) => {
            let seconds = plan.limit(480);
            let mut command = Command::new(program);
            command
                .arg("--sunaba")
                .arg(sunaba)
                .arg("--kubectl")
                .arg(kubectl)
                .args(["--runs", &plan.runs.to_string()])
                .args(["--seconds", &plan.load_seconds.to_string()])
                .args(["--soak", &plan.soak_seconds.to_string()]);
            samples::measure(samples, &mut command, program_limit(seconds), "server-");
        }
        (Err(why), _) => samples
            .missing
            .push(("server-".into(), format!("not measured: {why}"))),
        (_, None) => samples.missing.push((
            "server-".into(),
            "not measured: no kubectl here (install kubectl 1.32)".into(),
        )),
    }
    section(plan, samples)
}

/// The four rows of one load figure: requests per second, p50, p99, and errors (none allowed).
fn load_rows(samples: &Samples, prefix: &str, what: &str, clients: usize) -> Vec<Row> {
    let row = |id: String, label: String, unit: Unit| {
        Row::new(label, unit, samples.get(&id), samples.why_missing(&id))
    };
    let s = if clients == 1 { "" } else { "s" };
    vec![
        row(
            format!("{prefix}-rps/{clients}"),
            format!("{what}, {clients} client{s}: requests per second"),
            Unit::PerSecond,
        ),
        row(
            format!("{prefix}-p50/{clients}"),
            format!("{what}, {clients} client{s}: p50 latency"),
            Unit::Ms,
        ),
        row(
            format!("{prefix}-p99/{clients}"),
            format!("{what}, {clients} client{s}: p99 latency"),
            Unit::Ms,
        ),
        row(
            format!("{prefix}-errors/{clients}"),
            format!("{what}, {clients} client{s}: errors per run"),
            Unit::Count,
        )
        .at_most(0.0)
        .budget_text("none")
        .limit("requests that failed or answered other than 200"),
    ]
}

fn section(plan: &Plan, samples: &Samples) -> Section {
    let row = |id: &str, label: String, unit: Unit| {
        Row::new(label, unit, samples.get(id), samples.why_missing(id))
    };
    let mut rows = vec![
        row(
            "server-kubectl/1000",
            "Real `kubectl get pods`, whole process, 1,000 pods".into(),
            Unit::Ms,
        ),
        row(
            "server-kubectl/0",
            "The same on an empty cluster".into(),
            Unit::Ms,
        ),
    ];
    let loaded = Stats::of(samples.get("server-kubectl/1000"));
    let empty = Stats::of(samples.get("server-kubectl/0"));
    let label = "kubectl over 1,000 pods against empty".to_string();
    rows.push(match (loaded, empty) {
        (Some(l), Some(e)) => Row {
            stats: Ok(Stats {
                median: l.median / e.median,
                min: l.min / e.max,
                max: l.max / e.min,
                count: l.count.min(e.count),
            }),
            ..Row::new(label, Unit::Ratio, &[], None)
        },
        _ => Row::missing(
            label,
            Unit::Ratio,
            samples
                .why_missing("server-kubectl")
                .unwrap_or("not measured: a side reported nothing"),
        ),
    });
    for (prefix, what) in [
        ("server", "GET one pod"),
        ("server-list", "LIST 100 pods"),
        ("server-patch", "PATCH one pod"),
    ] {
        for clients in [1, 8, 64] {
            rows.extend(load_rows(samples, prefix, what, clients));
        }
    }
    rows.extend(load_rows(
        samples,
        "server-soak",
        &format!(
            "Soak for {} s, GET, LIST and PATCH in turn",
            plan.soak_seconds
        ),
        64,
    ));
    rows.push(row(
        "server-fanout/100",
        "Watch fan-out: a pod created → its ADDED event read by all 100 watchers".into(),
        Unit::Ms,
    ));
    let mut notes = vec![
        "kubectl is the real kubectl 1.32 with its own discovery cache, warmed by one untimed \
         run, over HTTPS with the server's token as its kubeconfig says; its time is the whole \
         process, start to exit (a TLS handshake included)."
            .to_string(),
        format!(
            "Load: one thread per client, each on its own keep-alive HTTP/1.1 connection (plain \
             `std::net::TcpStream`, the bearer token on each request), GETting the 1,000 pods in \
             turn as JSON for {} s a run; \
             clients and server share this machine's cores, so the figures bound the server \
             from below. LIST asks for one page (`?limit=100`) of the 1,000 pods; PATCH is a \
             JSON merge patch of one annotation, a write through the cluster thread that \
             every watch sees. The soak runs 64 such clients for {} s, each asking GET, LIST \
             and PATCH in turn.",
            plan.load_seconds, plan.soak_seconds
        ),
        "Fan-out: 100 watch connections on pods from the current resourceVersion; each run \
         POSTs one pod and waits until every watcher has read its ADDED line."
            .to_string(),
    ];
    notes.extend(
        samples
            .notes_for("server")
            .into_iter()
            .map(|n| format!("Measured: {n}.")),
    );
    Section {
        title: "Server on loopback".into(),
        about: "`target/release/sunaba serve` on a free 127.0.0.1 port, its clock on real time, \
                driven by `tests/benches/server.rs`. No budgets are set for these yet, except \
                no errors."
            .into(),
        rows,
        notes,
    }
}

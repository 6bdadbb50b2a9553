//! Heap bytes per pod for `cargo xtask bench`: a counting global allocator's
//! live bytes after scaling a Deployment 0 → N on W worker nodes, minus
//! before, over the pods. Apart from `figures.rs`, whose timings the
//! counting would slow.
//!
//! ```text
//! cargo bench -p sunaba-core --bench memory -- [--replicas N] [--workers W] [--runs K]
//! ```
//!
//! Each run prints `sample bytes-per-pod/N/W B VALUE` for xtask's `bench`
//! module.

use std::alloc::System;

use stats_alloc::{StatsAlloc, INSTRUMENTED_SYSTEM};

#[allow(dead_code)] // the other benchmarks use parts this one does not
#[path = "support/workload.rs"]
mod workload;

/// Counts every heap allocation, so the heap's live bytes can be read.
#[global_allocator]
static HEAP: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The heap's live bytes now.
fn live_bytes() -> i64 {
    let stats = HEAP.stats();
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64 + stats.bytes_reallocated as i64
}

fn main() {
    let (mut replicas, mut workers, mut runs) = (10_000, workload::WORKERS, 1);
    let mut args = std::env::args().skip(1);
    let mut asked = false;
    while let Some(arg) = args.next() {
        let mut number = |default: usize| {
            asked = true;
            args.next().and_then(|v| v.parse().ok()).unwrap_or(default)
        };
        match arg.as_str() {
            "--replicas" => replicas = number(replicas),
            "--workers" => workers = number(workers),
            "--runs" => runs = number(runs),
            _ => {}
        }
    }
    if !asked {
        // `cargo test --benches` runs bench targets without arguments: nothing to do.
        return;
    }
    for _ in 0..runs {
        let mut cluster = workload::cluster(workers);
        let before = live_bytes();
        workload::scale_up(&mut cluster, replicas);
        let after = live_bytes();
        workload::check_running(&cluster, workload::OLD_IMAGE, replicas);
        println!(
            "sample bytes-per-pod/{replicas}/{workers} B {}",
            (after - before) as f64 / replicas as f64
        );
    }
}

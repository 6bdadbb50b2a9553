//! The engine's figures in a real browser, for `cargo xtask bench`: the same
//! scale-up and rollout as `benches/figures.rs`, built for wasm32 in release
//! and timed with the page's `performance.now()`.
//!
//! Ignored, so `cargo xtask test` never runs it; xtask runs it with
//! `--release -- --include-ignored --nocapture` and reads the
//! `sample ID UNIT VALUE` lines it logs. `SUNABA_WASM_BENCH_REPLICAS` and
//! `SUNABA_WASM_BENCH_RUNS`, read at build time, set its size.
#![cfg(target_arch = "wasm32")]

#[allow(dead_code)] // the native figures use parts this one does not
#[path = "../benches/support/workload.rs"]
mod workload;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn setting(value: Option<&str>, default: usize) -> usize {
    value.and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The page's `performance.now()`, in milliseconds.
fn now() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .expect("the page has performance");
    let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into())
        .expect("performance.now exists")
        .into();
    now.call0(&performance)
        .expect("performance.now() answers")
        .as_f64()
        .expect("a number")
}

#[wasm_bindgen_test]
#[ignore = "a benchmark: cargo xtask bench runs it"]
fn engine_scale_up_and_rollout_in_the_browser() {
    let replicas = setting(option_env!("SUNABA_WASM_BENCH_REPLICAS"), 1_000);
    let runs = setting(option_env!("SUNABA_WASM_BENCH_RUNS"), 3);
    for _ in 0..runs {
        let mut cluster = workload::cluster(workload::WORKERS);
        let start = now();
        workload::scale_up(&mut cluster, replicas);
        let scaled = now();
        workload::check_running(&cluster, workload::OLD_IMAGE, replicas);
        let rollout = now();
        workload::roll_out(&mut cluster);
        let rolled = now();
        workload::check_running(&cluster, workload::NEW_IMAGE, replicas);
        let size = format!("{replicas}/{}", workload::WORKERS);
        console_log!("sample wasm-scale/{size} ms {}", scaled - start);
        console_log!("sample wasm-rollout/{size} ms {}", rolled - rollout);
    }
}

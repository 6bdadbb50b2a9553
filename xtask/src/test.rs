//! `cargo xtask test`: every test the project has.

use crate::{bundle, cmd, images, tools};

/// Runs the native tests, the WASM tests in headless Chromium, and the end-to-end tests.
pub fn run_all() -> Result<(), String> {
    let chrome = tools::ensure_chromium()?;
    let test_runner = tools::wasm_bindgen_tool("wasm-bindgen-test-runner")?;
    // The end-to-end tests serve the real bundle, so build it first.
    bundle::build_web()?;
    // The Docker tests run the demo images under the seed's names.
    if images::engine_answers() {
        images::build(images::Tags::WithSeed)?;
    }

    let python = tools::python_client();

    eprintln!("xtask: native unit, integration and end-to-end tests");
    let mut tests = cmd::cargo();
    tests
        .args(["test", "--workspace"])
        .env("SUNABA_CHROMEDRIVER", &chrome.chromedriver)
        .env("SUNABA_CHROMIUM", &chrome.chromium);
    if let Some(python) = &python {
        tests.env("SUNABA_PYTHON", python);
    }
    cmd::run(&mut tests)?;

    eprintln!("xtask: WASM tests in headless Chromium");
    cmd::run(
        cmd::cargo()
            .args(["test", "--target", "wasm32-unknown-unknown"])
            .args(["--package", "sunaba-core", "--package", "sunaba-web"])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &test_runner)
            .env("CHROMEDRIVER", &chrome.chromedriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
    )
}

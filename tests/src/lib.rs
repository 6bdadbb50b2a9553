//! Helpers for Sunaba's end-to-end tests and benchmarks: a headless
//! Chromium driven over WebDriver, the probe that decides whether Docker
//! tests run, and a `sunaba serve` process on loopback.

pub mod browser;
pub mod docker;
pub mod manifests;
pub mod served;

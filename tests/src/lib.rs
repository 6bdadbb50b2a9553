//! Helpers for Sunaba's end-to-end tests and benchmarks: a headless
//! Chromium driven over WebDriver, the probe that decides whether Docker
//! tests run, a Docker-backed cluster in the test's process, a tiny image
//! registry, and a `sunaba serve` process on loopback.

pub mod browser;
pub mod docker;
pub mod docker_cluster;
pub mod manifests;
pub mod registry;
pub mod served;

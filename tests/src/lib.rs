//! Helpers for Sunaba's end-to-end tests: a headless Chromium driven over
//! WebDriver, and the probe that decides whether Docker tests run.

pub mod browser;
pub mod docker;

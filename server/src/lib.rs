//! `sunaba-server`: the native Sunaba. It serves the playground's web bundle
//! and, in later layers, the Kubernetes API over the same simulated cluster;
//! `sunaba shell` runs the playground's terminal in a real one.
//!
//! This crate is glue: the cluster lives in `sunaba-core`.

pub mod assets;
pub mod serve;
pub mod shell;

pub use serve::{ServeConfig, Server};

//! `sunaba-server`: the native Sunaba. It serves the playground's web bundle
//! and, on the same port, a Kubernetes API over a simulated cluster, so the
//! real kubectl works against it; `sunaba shell` runs the playground's
//! terminal in a real one.
//!
//! This crate is glue: the cluster lives in `sunaba-core`; `docker` runs a
//! node's pods as real containers behind core's container-runtime trait.

pub mod api;
pub mod assets;
pub mod cluster;
pub mod docker;
pub mod fetch;
pub mod persist;
pub mod serve;
pub mod shell;
pub mod tls;

pub use serve::{ServeConfig, Server};

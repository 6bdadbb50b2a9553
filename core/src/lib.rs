//! `sunaba-core`: a simulated Kubernetes v1.33 cluster, with kubectl and the
//! container shells, in pure Rust.
//!
//! Architecture invariants (see ARCHITECTURE.md):
//! - no I/O, no wall clock and no ambient randomness: time and a seed come in
//!   from the host;
//! - the same inputs give byte-identical results natively and in WebAssembly.

pub mod api;
pub mod apiserver;
pub mod cluster;
pub mod controllers;
pub mod images;
pub mod kubectl;
pub mod kubelet;
pub mod network;
pub mod rand;
pub mod remote;
pub mod resources;
pub mod scheduler;
pub mod schema_help;
pub mod seed;
pub mod shell;
pub mod store;
pub mod terminal;
pub mod time;

pub use cluster::{Cluster, ClusterConfig};

/// The Kubernetes version the simulated cluster reports.
pub const KUBERNETES_VERSION: &str = "v1.33.1";

//! `kubectl version`: the client (kubectl 1.32) and the simulated server.

use super::args::{self, Flag};
use super::{Context, Output};

/// The kubectl version this emulates.
pub const CLIENT_VERSION: &str = "v1.32.4";
/// Kustomize's version as kubectl 1.32 reports it.
pub const KUSTOMIZE_VERSION: &str = "v5.5.0";

const FLAGS: &[Flag] = &[
    Flag::bool("client", None),
    Flag::string("output", Some('o')),
];

/// Runs `kubectl version`.
pub fn run(_ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return super::usage_error("version", &e),
    };
    let mut out = Output::default();
    out.out(format!("Client Version: {CLIENT_VERSION}"));
    out.out(format!("Kustomize Version: {KUSTOMIZE_VERSION}"));
    if !parsed.flag("client") {
        out.out(format!("Server Version: {}", crate::KUBERNETES_VERSION));
    }
    out
}

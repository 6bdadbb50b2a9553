//! `kubectl cluster-info`: where the control plane answers.

use super::args;
use super::{usage_error, Context, Output};

/// Where the simulated API server says it listens (kind's default).
pub const CONTROL_PLANE_URL: &str = "https://127.0.0.1:6443";

/// Runs `kubectl cluster-info`.
pub fn run(_ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, &[]) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("cluster-info", &e),
    };
    let mut out = Output::default();
    if parsed.positionals.first().is_some_and(|p| p == "dump") {
        out.fail("error: `cluster-info dump` is not simulated by Sunaba yet; try `kubectl get all -A` and `kubectl get events -A`");
        return out;
    }
    out.out(format!(
        "Kubernetes control plane is running at {CONTROL_PLANE_URL}"
    ));
    out.out("");
    out.out("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    out
}

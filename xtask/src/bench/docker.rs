//! The Docker backend's figures: each against plain `docker run` of the
//! same containers in the same run (apply → Running for a two-container
//! pod, the seed's 3-replica Deployment, a rollout), and `podman kube play`
//! of the same pod where podman runs.
//!
//! Not measured yet: the backend (`sunaba serve --backend docker`, issue 7)
//! landed while this harness was written, and its benchmark is still to
//! write. It plugs in here as the other sections do: a bench program (for
//! instance `tests/benches/docker.rs`, with the demo images of `cargo xtask
//! images --as-seed`, reporting why when no engine answers, as
//! `sunaba_tests::docker` decides) printing `sample ID UNIT VALUE` lines,
//! run through `samples::measure`, with the rows below built from them.

use std::process::Command;

use super::report::{Row, Section, Unit};
use crate::cmd;

const WHY: &str = "not measured: the Docker backend's benchmark is not written yet";

/// The section, with every figure marked as not measured and why.
pub fn section() -> Section {
    let rows = [
        "Apply → Running, a two-container pod, against `docker run` of the same containers",
        "The seed's 3-replica Deployment → all Running, against `docker run` ×3",
        "A rollout of that Deployment, against replacing the containers with `docker run`",
        "`podman kube play` of the same two-container pod",
    ]
    .into_iter()
    .map(|label| Row::missing(label, Unit::Ms, WHY))
    .collect();
    let engine =
        cmd::output(Command::new("docker").args(["version", "--format", "{{.Server.Version}}"]))
            .map(|v| format!("A Docker engine ({}) answers on this machine.", v.trim()))
            .unwrap_or_else(|| "No Docker engine answers on this machine.".into());
    let podman = if crate::tools::which(&["podman"]).is_some() {
        "podman is installed here."
    } else {
        "podman is not installed here, so `podman kube play` cannot run on this machine."
    };
    Section {
        title: "Docker backend".into(),
        about: "The Docker backend (`sunaba serve --backend docker`, issue 7) is new, and its \
                benchmark against plain `docker run` is not written yet, so none of these \
                figures is measured."
            .into(),
        rows,
        notes: vec![engine, podman.to_string()],
    }
}

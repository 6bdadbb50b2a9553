//! `cargo xtask kubectl-help`: regenerates `core/data/kubectl-1.32-help.txt`,
//! the help texts of kubectl 1.32 (`kubectl --help`, `kubectl get --help`,
//! every subcommand down to `kubectl create secret generic --help`) that
//! core's kubectl prints for `-h`, `--help` and `kubectl help`.
//!
//! The texts are kubectl's own output, read from the kubectl 1.32 binary
//! (`$SUNABA_KUBECTL`, else gcloud's `kubectl.1.32`, else `kubectl`) with
//! stdout not a terminal, walking each command's "Available Commands".
//! Each text is stored under a `### kubectl-help: <command path>` line; the
//! usage that `kubectl help <unknown>` prints is stored as
//! `### kubectl-help-usage`, and what `kubectl options` prints as
//! `### kubectl-options`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use crate::cmd;

const OUTPUT: &str = "core/data/kubectl-1.32-help.txt";

/// `cargo xtask kubectl-help`.
pub fn run() -> Result<(), String> {
    let kubectl = kubectl_1_32()?;
    let mut texts = BTreeMap::new();
    walk(&kubectl, &mut Vec::new(), &mut texts)?;
    for extra in [["options"], ["help"]] {
        let path: Vec<String> = extra.iter().map(|w| w.to_string()).collect();
        texts.insert(path.join(" "), help_of(&kubectl, &path)?);
    }
    let usage = unknown_topic_usage(&kubectl)?;
    let options = stdout_of(&kubectl, &["options"])?;
    let mut data = String::new();
    for (path, text) in &texts {
        data.push_str(&format!("### kubectl-help: {path}\n{text}"));
    }
    data.push_str(&format!("### kubectl-help-usage\n{usage}"));
    data.push_str(&format!("### kubectl-options\n{options}"));
    let path = cmd::workspace_root().join(OUTPUT);
    std::fs::write(&path, data).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    eprintln!("xtask: wrote {} ({} commands)", path.display(), texts.len());
    Ok(())
}

fn kubectl_1_32() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("SUNABA_KUBECTL") {
        return Ok(PathBuf::from(path));
    }
    [
        "/usr/lib/google-cloud-sdk/bin/kubectl.1.32",
        "/usr/bin/kubectl",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|path| path.is_file())
    .ok_or_else(|| "no kubectl 1.32: set SUNABA_KUBECTL".to_string())
}

fn help_of(kubectl: &PathBuf, path: &[String]) -> Result<String, String> {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    stdout_of(kubectl, &args)
}

fn stdout_of(kubectl: &PathBuf, args: &[&str]) -> Result<String, String> {
    let output = Command::new(kubectl)
        .args(args)
        .env("KUBECONFIG", "/dev/null")
        // `--cache-dir`'s default names the home: the playground's is /root.
        .env("HOME", "/root")
        .output()
        .map_err(|err| format!("cannot run {}: {err}", kubectl.display()))?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Stores the help of `path` and of each subcommand it lists.
fn walk(
    kubectl: &PathBuf,
    path: &mut Vec<String>,
    texts: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let text = help_of(kubectl, path)?;
    for sub in listed_commands(&text) {
        path.push(sub);
        let key = path.join(" ");
        if !texts.contains_key(&key) && help_of(kubectl, path)? != text {
            walk(kubectl, path, texts)?;
        }
        path.pop();
    }
    texts.insert(path.join(" "), text);
    Ok(())
}

/// The command names a help text lists: two-space-indented words followed
/// by two or more spaces, in its command sections (not its examples).
fn listed_commands(text: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut in_list = false;
    for line in text.lines() {
        if line.ends_with("Commands:")
            || line.ends_with("Commands (Beginner):")
            || line.ends_with("Commands (Intermediate):")
        {
            in_list = true;
            continue;
        }
        if line.is_empty() {
            in_list = false;
            continue;
        }
        if in_list {
            if let Some(name) = line.strip_prefix("  ").and_then(|l| l.split("  ").next()) {
                commands.push(name.trim().to_string());
            }
        }
    }
    commands
}

/// What `kubectl help <unknown>` prints after its first line.
fn unknown_topic_usage(kubectl: &PathBuf) -> Result<String, String> {
    let output = Command::new(kubectl)
        .args(["help", "sunaba-no-such-topic"])
        .env("KUBECONFIG", "/dev/null")
        .env("HOME", "/root")
        .output()
        .map_err(|err| format!("cannot run {}: {err}", kubectl.display()))?;
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    Ok(text
        .split_once('\n')
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_default())
}

//! kubectl 1.32, emulated: the same commands, flags, output, errors and
//! exit codes, against the simulated cluster. Each command parses its
//! arguments into plain data first (`args`), then acts; printers and
//! formatters are pure functions beside their commands.

pub mod apply;
pub mod args;
pub mod delete;
pub mod errors;
pub mod get;
pub mod logs;
pub mod manifests;
pub mod merge;
pub mod rollout;
pub mod version;
pub mod yaml;

use crate::Cluster;

/// What a command printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit code.
    pub exit_code: i32,
}

impl Output {
    /// Appends a line to stdout.
    pub fn out(&mut self, line: impl AsRef<str>) {
        self.stdout.push_str(line.as_ref());
        self.stdout.push('\n');
    }

    /// Appends a line to stderr.
    pub fn err(&mut self, line: impl AsRef<str>) {
        self.stderr.push_str(line.as_ref());
        self.stderr.push('\n');
    }

    /// Records an error line on stderr and a failing exit code.
    pub fn fail(&mut self, line: impl AsRef<str>) {
        self.err(line);
        self.exit_code = 1;
    }
}

/// The files kubectl reads: the editor's in the browser, the disk in `sunaba shell`.
pub trait Files {
    /// A file's text, or None when it does not exist.
    fn read(&self, path: &str) -> Option<String>;
    /// A directory's entries (names, not paths), or None when it is not a directory.
    fn list(&self, dir: &str) -> Option<Vec<String>>;
}

/// Where a kubectl command runs.
pub struct Context<'a> {
    /// The cluster.
    pub cluster: &'a mut Cluster,
    /// The files `-f` reads.
    pub files: &'a dyn Files,
}

/// The commands this kubectl knows, for "Did you mean this?".
pub const COMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// Runs `kubectl ARGS…` (without the leading `kubectl`).
pub fn run(ctx: &mut Context<'_>, args: &[String]) -> Output {
    let Some((command, rest)) = args.split_first() else {
        let mut out = Output::default();
        out.out("kubectl controls the Kubernetes cluster manager.");
        return out;
    };
    match command.as_str() {
        "apply" => apply::run(ctx, rest, args),
        "create" => apply::run_create(ctx, rest, args),
        "delete" => delete::run(ctx, rest),
        "get" => get::run(ctx, rest),
        "logs" => logs::run(ctx, rest),
        "rollout" => rollout::run(ctx, rest),
        "version" => version::run(ctx, rest),
        other => unknown_command(other),
    }
}

/// A command-line error as cobra prints it, pointing at the command's help.
pub fn usage_error(command: &str, err: &args::ArgError) -> Output {
    let mut out = Output::default();
    out.fail(format!(
        "Error: {}\nSee 'kubectl {command} --help' for usage.",
        err.0
    ));
    out
}

fn unknown_command(name: &str) -> Output {
    let mut out = Output::default();
    let suggestions: Vec<&str> = COMMANDS
        .iter()
        .copied()
        .filter(|c| {
            crate::api::strict::edit_distance(name, c) <= 2
                || (name.len() > 1 && c.starts_with(name))
        })
        .collect();
    out.err(format!("Error: unknown command \"{name}\" for \"kubectl\""));
    if !suggestions.is_empty() {
        out.err("");
        out.err("Did you mean this?");
        for s in suggestions {
            out.err(format!("\t{s}"));
        }
        out.err("");
    }
    out.exit_code = 1;
    out
}

//! kubectl 1.32, emulated: the same commands, flags, output, errors and
//! exit codes, against the simulated cluster. Each command parses its
//! arguments into plain data first (`args`), then acts; printers and
//! formatters are pure functions beside their commands.

pub mod api_resources;
pub mod apply;
pub mod args;
pub mod cluster_info;
pub mod config;
pub mod create;
pub mod create_ingress;
pub mod create_role;
pub mod delete;
pub mod describe;
pub mod edit;
pub mod errors;
pub mod events;
pub mod exec;
pub mod explain;
pub mod expose;
pub mod follow;
pub mod get;
pub mod go_json;
pub mod help;
pub mod label;
pub mod logs;
pub mod manifests;
pub mod merge;
pub mod patch;
pub mod print_flags;
pub mod resource_args;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set;
pub mod top;
pub mod url;
pub mod version;
pub mod wait;
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
    /// Set by `exec -it`, `run -it` and `attach`: the terminal should now
    /// connect to a shell in a container.
    pub attach: Option<Attach>,
    /// Set by `logs -f` and `get -w`: the command goes on printing.
    pub follow: Option<follow::Follow>,
    /// Set by `edit`: the host should show this buffer in an editor, then
    /// finish the edit with what was saved.
    pub edit: Option<edit::EditSession>,
}

/// A terminal session a command asks for: which container, which shell,
/// and what happens when it ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attach {
    /// The container.
    pub target: crate::shell::Target,
    /// The shell program (`sh`, `bash`).
    pub program: String,
    /// With a TTY: a prompt and echo.
    pub tty: bool,
    /// The shell is the container's main process (`run -it`, `attach`):
    /// leaving it ends the container.
    pub main_process: bool,
    /// `run --rm`: delete the pod when the session ends.
    pub remove_pod: bool,
    /// What kubectl prints when the session ends, if anything.
    pub session_hint: Option<String>,
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
    /// A directory's entries (names, not paths), or None when it is not a
    /// directory; `.` is the working directory.
    fn list(&self, dir: &str) -> Option<Vec<String>>;
    /// What the host fetched for a URL that `-f` names, or None when it
    /// has not fetched it (the [`crate::terminal::Terminal`] then asks it to).
    fn fetched(&self, url: &str) -> Option<url::Fetched> {
        let _ = url;
        None
    }
    /// What `-f -` reads: the command's standard input (a pipe, `< FILE` or
    /// a here-document at the terminal), or None when it has none, which
    /// reads as empty, as kubectl reads a closed stdin.
    fn stdin(&self) -> Option<String> {
        None
    }
}

/// Named files in one directory, as the editor holds them (name, text):
/// `./name` and `name` read the same file, and only `.` lists.
impl Files for Vec<(String, String)> {
    fn read(&self, path: &str) -> Option<String> {
        let path = path.trim_start_matches("./");
        self.iter().find(|(n, _)| n == path).map(|(_, t)| t.clone())
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        matches!(dir, "." | "./" | "").then(|| {
            let mut names: Vec<String> = self.iter().map(|(n, _)| n.clone()).collect();
            names.sort();
            names
        })
    }
}

/// Where a kubectl command runs.
pub struct Context<'a> {
    /// The cluster.
    pub cluster: &'a mut Cluster,
    /// The files `-f` reads.
    pub files: &'a dyn Files,
}

/// The commands kubectl knows, in the order kubectl registers them (its
/// root help's order), which is the order "Did you mean this?" lists them.
pub const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
    "options",
    "help",
];

/// Runs `kubectl ARGS…` (without the leading `kubectl`).
pub fn run(ctx: &mut Context<'_>, args: &[String]) -> Output {
    let Some((command, rest)) = args.split_first() else {
        return help::root_help();
    };
    if let Some(help) = help::requested(args) {
        if !COMMANDS.contains(&command.as_str()) && !command.starts_with('-') {
            return unknown_command(command);
        }
        return help;
    }
    match command.as_str() {
        "help" => help::run_help(rest),
        "options" => help::options(),
        "annotate" => label::run_annotate(ctx, rest),
        "api-resources" => api_resources::run(ctx, rest),
        "api-versions" => api_resources::run_versions(ctx, rest),
        "apply" => apply::run(ctx, rest, args),
        "cluster-info" => cluster_info::run(ctx, rest),
        "config" => config::run(ctx, rest),
        "proxy" => config::proxy(rest),
        "wait" => wait::run(ctx, rest),
        "attach" => exec::run_attach(ctx, rest),
        "events" => events::run(ctx, rest),
        "exec" => exec::run(ctx, rest),
        "explain" => explain::run(ctx, rest),
        "run" => run::run(ctx, rest),
        "create" => create::run(ctx, rest, args),
        "delete" => delete::run(ctx, rest),
        "expose" => expose::run(ctx, rest),
        "describe" => describe::run(ctx, rest),
        "edit" => edit::run(ctx, rest),
        "get" => get::run(ctx, rest),
        "label" => label::run_label(ctx, rest),
        "logs" => logs::run(ctx, rest),
        "patch" => patch::run(ctx, rest),
        "rollout" => rollout::run(ctx, rest),
        "scale" => scale::run(ctx, rest),
        "set" => set::run(ctx, rest),
        "top" => top::run(ctx, rest),
        "version" => version::run(ctx, rest),
        other => unknown_command(other),
    }
}

/// A command-line error as kubectl prints cobra's, pointing at the
/// command's help (through kubectl's own handler: `error:`).
pub fn usage_error(command: &str, err: &args::ArgError) -> Output {
    let mut out = Output::default();
    out.fail(format!(
        "error: {}\nSee 'kubectl {command} --help' for usage.",
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
    // kubectl prints cobra's error through its own handler: `error:`.
    out.err(format!("error: unknown command \"{name}\" for \"kubectl\""));
    if !suggestions.is_empty() {
        out.err("");
        out.err("Did you mean this?");
        for s in suggestions {
            out.err(format!("\t{s}"));
        }
    }
    out.exit_code = 1;
    out
}

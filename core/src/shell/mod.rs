//! The shell inside a container: what `kubectl exec` and `kubectl run -it`
//! talk to. It parses a line (`parse`), expands words with the container's
//! environment, and runs builtins and the image's tools (`commands`) against
//! the container's files (`files`) and the cluster network. Which shell it
//! is (busybox `ash`, Debian's `dash`, or `bash`) decides its prompt and the
//! wording of its errors.

pub mod commands;
pub mod files;
pub mod parse;

use std::collections::BTreeMap;

use crate::api::{Kind, Object};
use crate::images::{self, Image};
use crate::Cluster;
use parse::{Connector, Part, Redirect, SyntaxError, Word};

/// Which shell runs, which decides prompts and error wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// busybox `ash` (busybox, alpine and images built on them): `/ # `.
    Ash,
    /// Debian's `dash` as `sh`: `# `.
    Dash,
    /// GNU bash: `root@host:/# `.
    Bash,
}

impl Flavor {
    /// The name the shell calls itself in errors (`sh`, `bash`).
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Bash => "bash",
            _ => "sh",
        }
    }
}

/// Where a shell runs: which container of which pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
    /// The container's name.
    pub container: String,
}

/// What one line printed, and whether the shell ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShellOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The last command's exit status.
    pub status: i32,
    /// Set when the shell exited (`exit`), with its exit code.
    pub exited: Option<i32>,
}

/// A shell session in a container.
#[derive(Clone, Debug)]
pub struct ContainerShell {
    /// Where it runs.
    pub target: Target,
    /// Which shell.
    pub flavor: Flavor,
    /// Whether it has a terminal (and so prints a prompt).
    pub tty: bool,
    image: &'static Image,
    image_ref: String,
    cwd: String,
    env: BTreeMap<String, String>,
    last_status: i32,
}

/// Why a shell could not start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartError {
    /// The pod or container is not there or not running; kubectl's message.
    NotRunning(String),
    /// The program is not in the image.
    NotFound(String),
}

impl ContainerShell {
    /// Starts `program` (`sh`, `bash`, `/bin/sh`, …) in a running container.
    pub fn start(
        cluster: &Cluster,
        target: Target,
        program: &str,
        tty: bool,
    ) -> Result<Self, StartError> {
        let (image_ref, image, env) = container_setup(cluster, &target)?;
        let name = program.rsplit('/').next().unwrap_or(program);
        if !image.tools.contains(&name) {
            return Err(StartError::NotFound(program.to_string()));
        }
        let flavor = flavor_of(&image_ref, name);
        Ok(Self {
            target,
            flavor,
            tty,
            image,
            image_ref,
            cwd: "/".into(),
            env,
            last_status: 0,
        })
    }

    /// The prompt to show before the next line (empty without a terminal).
    pub fn prompt(&self) -> String {
        if !self.tty {
            return String::new();
        }
        let home = self.env.get("HOME").map_or("/root", String::as_str);
        let shown = match self.cwd.strip_prefix(home) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("~{rest}"),
            _ => self.cwd.clone(),
        };
        let host = self.target.pod.as_str();
        match self.flavor {
            Flavor::Ash => format!("{shown} # "),
            Flavor::Dash => "# ".into(),
            Flavor::Bash if self.image.repository == "gihyodocker/fundamental" => {
                format!("{host}:{shown}# ")
            }
            Flavor::Bash => format!("root@{host}:{shown}# "),
        }
    }

    /// Runs one line typed at the prompt.
    pub fn run_line(&mut self, cluster: &mut Cluster, line: &str) -> ShellOutput {
        let mut out = ShellOutput::default();
        let pipelines = match parse::parse(line) {
            Ok(p) => p,
            Err(err) => {
                out.stderr.push_str(&self.syntax_error(&err));
                self.last_status = 2;
                out.status = 2;
                return out;
            }
        };
        for pipeline in pipelines {
            let skip = match pipeline.connector {
                Connector::Always => false,
                Connector::And => self.last_status != 0,
                Connector::Or => self.last_status == 0,
            };
            if skip {
                continue;
            }
            let mut stdin = String::new();
            let count = pipeline.commands.len();
            for (i, command) in pipeline.commands.iter().enumerate() {
                let result = self.run_command(cluster, command, &stdin);
                out.stderr.push_str(&result.stderr);
                if i + 1 < count {
                    stdin = result.stdout;
                } else {
                    out.stdout.push_str(&result.stdout);
                }
                self.last_status = result.status;
                if let Some(code) = result.exited {
                    out.exited = Some(code);
                    out.status = code;
                    return out;
                }
            }
        }
        out.status = self.last_status;
        out
    }

    /// Runs a command given as argv (`kubectl exec POD -- ls /`), without a prompt.
    pub fn run_argv(&mut self, cluster: &mut Cluster, argv: &[String]) -> ShellOutput {
        let command = parse::Command {
            words: argv
                .iter()
                .map(|a| vec![Part::Literal(a.clone())])
                .collect(),
            redirects: Vec::new(),
        };
        let mut result = self.run_command(cluster, &command, "");
        if result.exited.is_none() {
            result.exited = Some(result.status);
        }
        result
    }

    fn syntax_error(&self, err: &SyntaxError) -> String {
        match (self.flavor, err) {
            (Flavor::Bash, SyntaxError::UnterminatedQuote(q)) => {
                format!("bash: unexpected EOF while looking for matching `{q}'\n")
            }
            (Flavor::Bash, SyntaxError::UnexpectedToken(t)) => {
                format!("bash: syntax error near unexpected token `{t}'\n")
            }
            (Flavor::Ash, SyntaxError::UnterminatedQuote(_)) => {
                "sh: syntax error: unterminated quoted string\n".into()
            }
            (Flavor::Ash, SyntaxError::UnexpectedToken(t)) => {
                format!("sh: syntax error: unexpected \"{t}\"\n")
            }
            (Flavor::Dash, SyntaxError::UnterminatedQuote(_)) => {
                "sh: 1: Syntax error: Unterminated quoted string\n".into()
            }
            (Flavor::Dash, SyntaxError::UnexpectedToken(t)) => {
                format!("sh: 1: Syntax error: \"{t}\" unexpected\n")
            }
        }
    }

    /// Expands a word: variables, `$?` and `~`.
    fn expand(&self, word: &Word) -> String {
        word.iter()
            .map(|part| match part {
                Part::Literal(text) => text.clone(),
                Part::Var(name) if name == "?" => self.last_status.to_string(),
                Part::Var(name) => self.env.get(name).cloned().unwrap_or_default(),
                Part::Home => self
                    .env
                    .get("HOME")
                    .cloned()
                    .unwrap_or_else(|| "/root".into()),
            })
            .collect()
    }

    fn run_command(
        &mut self,
        cluster: &mut Cluster,
        command: &parse::Command,
        stdin: &str,
    ) -> ShellOutput {
        let argv: Vec<String> = command
            .words
            .iter()
            .filter(|w| {
                // An unquoted variable that expands to nothing makes no word.
                !(matches!(w.as_slice(), [Part::Var(_)]) && self.expand(w).is_empty())
            })
            .map(|w| self.expand(w))
            .collect();
        let mut stdin = stdin.to_string();
        for redirect in &command.redirects {
            if let Redirect::In(target) = redirect {
                let path = self.absolute(&self.expand(target));
                match files::read(cluster, self, &path) {
                    Some(text) => stdin = text,
                    None => {
                        return ShellOutput {
                            stderr: self.no_such_file(&path),
                            status: 1,
                            ..ShellOutput::default()
                        }
                    }
                }
            }
        }
        let mut result = if argv.is_empty() {
            ShellOutput::default()
        } else {
            commands::run(self, cluster, &argv, &stdin)
        };
        self.apply_redirects(cluster, &command.redirects, &mut result);
        result
    }

    fn apply_redirects(
        &mut self,
        cluster: &mut Cluster,
        redirects: &[Redirect],
        result: &mut ShellOutput,
    ) {
        for redirect in redirects {
            match redirect {
                Redirect::ErrToOut => {
                    let err = std::mem::take(&mut result.stderr);
                    result.stdout.push_str(&err);
                }
                Redirect::OutToErr => {
                    let out = std::mem::take(&mut result.stdout);
                    result.stderr.push_str(&out);
                }
                Redirect::Out { fd, target, append } => {
                    let path = self.absolute(&self.expand(target));
                    let text = if *fd == 2 {
                        std::mem::take(&mut result.stderr)
                    } else {
                        std::mem::take(&mut result.stdout)
                    };
                    if path != "/dev/null" {
                        files::write(cluster, self, &path, &text, *append);
                    }
                }
                Redirect::In(_) => {}
            }
        }
    }

    /// A path made absolute against the working directory, with `.` and `..` resolved.
    pub fn absolute(&self, path: &str) -> String {
        let joined = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.cwd)
        };
        let mut parts: Vec<&str> = Vec::new();
        for part in joined.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        format!("/{}", parts.join("/"))
    }

    /// `cat: can't open 'x': No such file or directory` and the like, per shell.
    fn no_such_file(&self, path: &str) -> String {
        match self.flavor {
            Flavor::Ash => format!("sh: can't open '{path}': No such file or directory\n"),
            Flavor::Dash => format!("sh: 1: cannot open {path}: No such file\n"),
            Flavor::Bash => format!("bash: {path}: No such file or directory\n"),
        }
    }

    /// The container's environment as the shell sees it.
    pub fn env(&self) -> &BTreeMap<String, String> {
        &self.env
    }

    /// The working directory.
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// The image the container runs.
    pub fn image(&self) -> &'static Image {
        self.image
    }

    /// The image as the pod names it.
    pub fn image_ref(&self) -> &str {
        &self.image_ref
    }
}

/// The container's image and environment, once it is running.
fn container_setup(
    cluster: &Cluster,
    target: &Target,
) -> Result<(String, &'static Image, BTreeMap<String, String>), StartError> {
    let pod = match cluster
        .api()
        .get(Kind::Pod, &target.namespace, &target.pod)
        .map(|o| Object::clone(&o))
    {
        Ok(Object::Pod(pod)) => pod,
        _ => {
            return Err(StartError::NotRunning(format!(
                "Error from server (NotFound): pods \"{}\" not found",
                target.pod
            )))
        }
    };
    let spec = pod.spec.clone().unwrap_or_default();
    let Some(container) = spec.containers.iter().find(|c| c.name == target.container) else {
        return Err(StartError::NotRunning(format!(
            "error: unable to upgrade connection: container not found (\"{}\")",
            target.container
        )));
    };
    let running = cluster
        .kubelets()
        .worker(&target.namespace, &target.pod)
        .and_then(|w| w.container(&target.container))
        .is_some_and(|c| matches!(c.state, crate::kubelet::State::Running { .. }));
    if !running {
        return Err(StartError::NotRunning(format!(
            "error: unable to upgrade connection: container not found (\"{}\")",
            target.container
        )));
    }
    let image_ref = container.image.clone().unwrap_or_default();
    let image = images::find(&image_ref).ok_or_else(|| {
        StartError::NotRunning(format!(
            "error: unable to upgrade connection: container not found (\"{}\")",
            target.container
        ))
    })?;
    let mut env = base_env(&target.pod, image);
    // The environment the kubelet gave the container (ConfigMaps and
    // Secrets read, `$(VAR)` expanded, the Services' links).
    let resolved = cluster
        .kubelets()
        .sim_container(&target.namespace, &target.pod, &target.container)
        .map(|c| c.env.clone())
        .unwrap_or_default();
    env.extend(resolved);
    Ok((image_ref, image, env))
}

/// What every container's environment starts with.
fn base_env(hostname: &str, image: &Image) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = [
        (
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ),
        ("HOME", "/root"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    env.insert("HOSTNAME".into(), hostname.to_string());
    if image.repository.ends_with("nginx") {
        env.insert("NGINX_VERSION".into(), "1.27.5".into());
    }
    env
}

/// Which shell `program` is in the image.
fn flavor_of(image_ref: &str, program: &str) -> Flavor {
    if program == "bash" {
        return Flavor::Bash;
    }
    let reference = images::Reference::parse(image_ref);
    let busybox_based = [
        "library/busybox",
        "library/alpine",
        "curlimages/curl",
        "gihyodocker/echo",
        "gihyodocker/nginx",
        "gihyodocker/nginx-proxy",
    ]
    .contains(&reference.repository.as_str())
        || reference.tag.contains("alpine");
    if busybox_based {
        Flavor::Ash
    } else {
        Flavor::Dash
    }
}

//! The learner's terminal, the same in the browser and in `sunaba shell`:
//! a host prompt ([`host`]) that runs `kubectl` and a few shell commands
//! over the editor's (or the disk's) files, and, after `exec -it` or `run
//! -it`, a session in a container's shell until it exits.

mod host;

use std::cell::RefCell;

use crate::apiserver::DeleteOptions;
use crate::kubectl::edit::EditSession;
use crate::kubectl::follow::Follow;
use crate::kubectl::url::{FetchError, Fetched};
use crate::kubectl::{self, Attach, Files, Output};
use crate::shell::ContainerShell;
use crate::store::ObjectKey;
use crate::Cluster;

/// The host prompt.
pub const HOST_PROMPT: &str = "$ ";

/// A terminal: at the host prompt, or inside a container.
#[derive(Clone, Debug, Default)]
pub struct Terminal {
    session: Option<Session>,
    running: Option<Follow>,
    /// `kubectl edit` waiting for the host's editor.
    editing: Option<EditSession>,
    /// A line waiting for the host to fetch the URLs its `-f` names.
    fetching: Option<PendingFetch>,
    /// A here-document being typed, for the line that opened it.
    heredoc: Option<Heredoc>,
}

/// A here-document being typed (`kubectl apply -f - <<EOF`): the line it
/// feeds, its delimiter, and its lines so far.
#[derive(Clone, Debug)]
struct Heredoc {
    line: String,
    delimiter: String,
    strip_tabs: bool,
    body: String,
}

/// A line whose `-f` names URLs the host has not fetched yet.
#[derive(Clone, Debug)]
struct PendingFetch {
    line: String,
    stdin: Option<String>,
    urls: Vec<String>,
}

/// The host's files plus what it fetched. In a first run it notes the URLs
/// it lacks, for the host to fetch; in the run after the fetch, a URL it
/// still lacks is an error.
struct WithFetched<'a> {
    files: &'a dyn Files,
    fetched: &'a [(String, Fetched)],
    first_run: bool,
    wanted: RefCell<Vec<String>>,
}

impl Files for WithFetched<'_> {
    fn read(&self, path: &str) -> Option<String> {
        self.files.read(path)
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        self.files.list(dir)
    }

    fn fetched(&self, url: &str) -> Option<Fetched> {
        if let Some((_, fetched)) = self.fetched.iter().find(|(u, _)| u == url) {
            return Some(fetched.clone());
        }
        if !self.first_run {
            return Some(Err(FetchError::Transport(format!(
                "Get \"{url}\": the host did not fetch it"
            ))));
        }
        let mut wanted = self.wanted.borrow_mut();
        if !wanted.iter().any(|u| u == url) {
            wanted.push(url.to_string());
        }
        None
    }
}

#[derive(Clone, Debug)]
struct Session {
    shell: ContainerShell,
    attach: Attach,
}

impl Terminal {
    /// A terminal at the host prompt.
    pub fn new() -> Self {
        Self::default()
    }

    /// The prompt to show now (none while a command is still running).
    pub fn prompt(&self) -> String {
        if self.is_busy() {
            return String::new();
        }
        if self.heredoc.is_some() {
            return "> ".into();
        }
        match &self.session {
            Some(session) => session.shell.prompt(),
            None => HOST_PROMPT.into(),
        }
    }

    /// Whether a command is still running (`logs -f`, `get -w`, `edit`
    /// waiting for the editor, or a line waiting for its URLs).
    pub fn is_busy(&self) -> bool {
        self.running.is_some() || self.editing.is_some() || self.fetching.is_some()
    }

    /// The URLs the last line's `-f` names, for the host to fetch (with
    /// [`crate::kubectl::url`]'s attempts) and give to [`Self::finish_fetch`].
    pub fn fetching(&self) -> Option<&[String]> {
        self.fetching.as_ref().map(|p| p.urls.as_slice())
    }

    /// The host fetched the URLs: runs the waiting line with what came
    /// back (a URL missing from `fetched` fails as unreachable).
    pub fn finish_fetch(
        &mut self,
        cluster: &mut Cluster,
        files: &dyn Files,
        fetched: &[(String, Fetched)],
    ) -> Output {
        let Some(pending) = self.fetching.take() else {
            return Output::default();
        };
        self.run_at_host(
            cluster,
            files,
            &pending.line,
            pending.stdin.as_deref(),
            Some(fetched),
        )
    }

    /// The buffer `kubectl edit` waits on, for the host to show in an editor.
    pub fn editing(&self) -> Option<&EditSession> {
        self.editing.as_ref()
    }

    /// The editor closed: `saved` is the buffer as saved, or `None` when the
    /// learner gave up. A refused save opens the edit again, with its errors.
    pub fn finish_edit(
        &mut self,
        cluster: &mut Cluster,
        files: &dyn Files,
        saved: Option<&str>,
    ) -> Output {
        let Some(session) = self.editing.take() else {
            return Output::default();
        };
        let mut ctx = kubectl::Context { cluster, files };
        let mut out = kubectl::edit::finish(&mut ctx, session, saved);
        self.editing = out.edit.take();
        out
    }

    /// What the running command printed since the last poll; it may end.
    pub fn poll(&mut self, cluster: &Cluster) -> Output {
        let Some(running) = self.running.as_mut() else {
            return Output::default();
        };
        let (out, ended) = running.poll(cluster);
        if ended {
            self.running = None;
        }
        out
    }

    /// Ctrl-C: stops the running command, as kubectl stops on SIGINT
    /// (an edit waiting for the editor, or a line for its URLs, is dropped).
    pub fn interrupt(&mut self) -> Output {
        let mut out = Output::default();
        let stopped = self.running.take().is_some()
            | self.editing.take().is_some()
            | self.fetching.take().is_some()
            | self.heredoc.take().is_some();
        if stopped {
            out.out("^C");
        }
        out
    }

    /// Whether lines go to a container's shell.
    pub fn in_container(&self) -> bool {
        self.session.is_some()
    }

    /// The container whose shell the lines go to, if any.
    pub fn container(&self) -> Option<&crate::shell::Target> {
        self.session.as_ref().map(|s| &s.attach.target)
    }

    /// Runs one line typed at the prompt. A line typed while a command is
    /// still running goes nowhere (that command reads no input).
    pub fn run_line(&mut self, cluster: &mut Cluster, files: &dyn Files, line: &str) -> Output {
        if self.is_busy() {
            return Output::default();
        }
        match self.session.as_mut() {
            Some(session) => {
                let result = session.shell.run_line(cluster, line);
                let mut out = Output {
                    stdout: result.stdout,
                    stderr: result.stderr,
                    exit_code: result.status,
                    ..Output::default()
                };
                if let Some(code) = result.exited {
                    self.end_session(cluster, code, &mut out);
                }
                out
            }
            None => self.run_at_prompt(cluster, files, line),
        }
    }

    /// A line at the host prompt: a here-document's line until its
    /// delimiter, a line opening one, or a line to run.
    fn run_at_prompt(&mut self, cluster: &mut Cluster, files: &dyn Files, line: &str) -> Output {
        if let Some(doc) = self.heredoc.as_mut() {
            let text = if doc.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if text != doc.delimiter {
                doc.body.push_str(text);
                doc.body.push('\n');
                return Output::default();
            }
            let Some(doc) = self.heredoc.take() else {
                return Output::default();
            };
            return self.run_at_host(cluster, files, &doc.line, Some(&doc.body), None);
        }
        if let Some((line, delimiter, strip_tabs)) = host::heredoc(line) {
            self.heredoc = Some(Heredoc {
                line,
                delimiter,
                strip_tabs,
                body: String::new(),
            });
            return Output::default();
        }
        self.run_at_host(cluster, files, line, None, None)
    }

    /// Runs a host line with `stdin` for its first command. Before any fetch (`fetched` is None), a line
    /// whose `-f` names URLs prints nothing and waits for the host to
    /// fetch them (every command reads `-f` before it acts, so it did
    /// nothing).
    fn run_at_host(
        &mut self,
        cluster: &mut Cluster,
        files: &dyn Files,
        line: &str,
        stdin: Option<&str>,
        fetched: Option<&[(String, Fetched)]>,
    ) -> Output {
        let files = WithFetched {
            files,
            fetched: fetched.unwrap_or(&[]),
            first_run: fetched.is_none(),
            wanted: RefCell::new(Vec::new()),
        };
        let mut out = host::run_line(cluster, &files, line, stdin);
        let urls = files.wanted.into_inner();
        if !urls.is_empty() {
            self.fetching = Some(PendingFetch {
                line: line.to_string(),
                stdin: stdin.map(str::to_string),
                urls,
            });
            return Output::default();
        }
        if let Some(attach) = out.attach.take() {
            self.begin_session(cluster, attach, &mut out);
        }
        self.running = out.follow.take();
        self.editing = out.edit.take();
        out
    }

    fn begin_session(&mut self, cluster: &Cluster, attach: Attach, out: &mut Output) {
        match ContainerShell::start(cluster, attach.target.clone(), &attach.program, attach.tty) {
            Ok(shell) => self.session = Some(Session { shell, attach }),
            Err(err) => out.fail(kubectl::exec::start_error_message(&err)),
        }
    }

    /// Leaves the simulated shell just opened, for the caller to run the
    /// real one (a pod on a real container engine); what it was asked to
    /// attach to. End it with [`finish_session`].
    pub fn take_session(&mut self) -> Option<Attach> {
        self.session.take().map(|session| session.attach)
    }

    /// The shell exited: the container's main process ends with it, and
    /// `--rm` deletes the pod, as kubectl does after the stream closes.
    fn end_session(&mut self, cluster: &mut Cluster, code: i32, out: &mut Output) {
        let Some(Session { attach, .. }) = self.session.take() else {
            return;
        };
        let target = &attach.target;
        if attach.main_process {
            cluster.close_stdin(&target.namespace, &target.pod, &target.container, code);
        }
        finish_session(cluster, &attach, code, out);
    }
}

/// What kubectl does when a session's stream closes with the shell's exit
/// `code`: prints the session's hint, deletes the pod for `--rm`, and says
/// how a failed shell ended.
pub fn finish_session(cluster: &mut Cluster, attach: &Attach, code: i32, out: &mut Output) {
    let target = &attach.target;
    if let Some(hint) = &attach.session_hint {
        out.out(hint);
    }
    if attach.remove_pod {
        let key = ObjectKey::new(crate::api::Kind::Pod, &target.namespace, &target.pod);
        if cluster.delete(&key, &DeleteOptions::default()).is_ok() {
            out.out(format!("pod \"{}\" deleted", target.pod));
        }
    }
    if code != 0 {
        if attach.main_process {
            out.err(format!(
                "pod {}/{} terminated (Error)",
                target.namespace, target.pod
            ));
        } else {
            out.err(format!("command terminated with exit code {code}"));
        }
    }
    out.exit_code = code;
}

//! The playground's state as plain data, with no web APIs: the cluster, the
//! terminal and its scrollback, the editor's files, and the log that makes
//! all of it survive a reload. The engine is deterministic, so a session is
//! saved as its seed, its start time and what the learner did, and restored
//! by doing it again.

use serde::{Deserialize, Serialize};
use sunaba_core::kubectl::url::Fetched;
use sunaba_core::kubectl::Files;
use sunaba_core::terminal::Terminal;
use sunaba_core::time::SimTime;
use sunaba_core::{seed, Cluster, ClusterConfig};

/// How much scrollback the terminal keeps.
const SCROLLBACK_LINES: usize = 5_000;

/// The editor's files, in tab order, and which one is open.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorFiles {
    /// File names and texts, in tab order.
    pub files: Vec<(String, String)>,
    /// The open tab's index.
    pub active: usize,
}

impl EditorFiles {
    /// The tutorial's five manifests, under the seed's names.
    pub fn seed() -> Self {
        Self {
            files: seed::SEED_MANIFESTS
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            active: 0,
        }
    }

    /// The open file's name and text.
    pub fn current(&self) -> Option<&(String, String)> {
        self.files.get(self.active)
    }

    /// Replaces the open file's text.
    pub fn edit(&mut self, text: String) {
        if let Some(file) = self.files.get_mut(self.active) {
            file.1 = text;
        }
    }

    /// Adds a file with a free name like `untitled-2.yaml` and opens it.
    pub fn create(&mut self) -> String {
        let name = (1..)
            .map(|n| {
                if n == 1 {
                    "untitled.yaml".to_string()
                } else {
                    format!("untitled-{n}.yaml")
                }
            })
            .find(|n| !self.files.iter().any(|(f, _)| f == n))
            .unwrap_or_default();
        self.files.push((name.clone(), String::new()));
        self.active = self.files.len() - 1;
        name
    }

    /// Renames the open file; refuses an empty name, a path, or a name in use.
    pub fn rename(&mut self, new_name: &str) -> Result<(), RenameError> {
        let new_name = new_name.trim();
        if new_name.is_empty() || new_name.contains('/') {
            return Err(RenameError::NotAFileName(new_name.to_string()));
        }
        if self
            .files
            .iter()
            .enumerate()
            .any(|(i, (n, _))| n == new_name && i != self.active)
        {
            return Err(RenameError::Exists(new_name.to_string()));
        }
        if let Some(file) = self.files.get_mut(self.active) {
            file.0 = new_name.to_string();
        }
        Ok(())
    }

    /// Opens a buffer the terminal asked for (`kubectl edit`) in a tab of
    /// its name, replacing its text if it is open already.
    pub fn open_buffer(&mut self, name: &str, text: &str) {
        match self.files.iter().position(|(n, _)| n == name) {
            Some(index) => {
                self.files[index].1 = text.to_string();
                self.active = index;
            }
            None => {
                self.files.push((name.to_string(), text.to_string()));
                self.active = self.files.len() - 1;
            }
        }
    }

    /// Closes a buffer's tab, if it is open.
    pub fn close_buffer(&mut self, name: &str) {
        if let Some(index) = self.files.iter().position(|(n, _)| n == name) {
            self.files.remove(index);
            self.active = self.active.min(self.files.len().saturating_sub(1));
        }
    }

    /// A file's text.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
    }

    /// Deletes the open file.
    pub fn delete(&mut self) {
        if self.active < self.files.len() {
            self.files.remove(self.active);
            self.active = self.active.min(self.files.len().saturating_sub(1));
        }
    }
}

impl Files for EditorFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.files.read(path)
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        self.files.list(dir)
    }
}

/// Why a file could not be renamed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// Empty, or with a slash.
    NotAFileName(String),
    /// Another file has the name.
    Exists(String),
}

/// One line of the terminal's scrollback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TermLine {
    /// The greeting, in the interface's language.
    Welcome,
    /// The prompt and what was typed.
    Input(String),
    /// Standard output.
    Out(String),
    /// Standard error.
    Err(String),
}

/// What the learner did, in order: enough to rebuild the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// The clock reached this many milliseconds since the start.
    Clock(i64),
    /// Ctrl-C stopped a running command.
    Interrupt,
    /// A line typed at the terminal, with the files it could read.
    Line {
        /// The line.
        line: String,
        /// The editor's files at that moment, when the line reads files.
        files: Option<Vec<(String, String)>>,
    },
    /// `kubectl edit`'s buffer was saved (`Some`) or given up (`None`).
    FinishEdit {
        /// The buffer as saved.
        saved: Option<String>,
    },
    /// The URLs a line's `-f` named came back (a replay fetches nothing).
    FinishFetch {
        /// Each URL with its body or why it gave none.
        fetched: Vec<(String, Fetched)>,
    },
}

/// A session as saved: the seed, the start, and the steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// The format's version.
    pub version: u32,
    /// The cluster's seed.
    pub seed: u64,
    /// The cluster's start time.
    pub start: i64,
    /// What happened.
    pub steps: Vec<Step>,
    /// The editor as it is now.
    pub editor: EditorFiles,
    /// The terminal's command history.
    pub history: Vec<String>,
    /// Finished tutorial steps.
    pub tutorial_done: Vec<String>,
    /// The tutorial step moved on to, by id.
    #[serde(default)]
    pub tutorial_at: Option<String>,
}

/// The version of [`Saved`] this code writes.
pub const SAVED_VERSION: u32 = 1;

/// The whole playground.
pub struct Playground {
    /// The simulated cluster.
    pub cluster: Cluster,
    /// The terminal (host prompt or a container's shell).
    pub terminal: Terminal,
    /// The editor's files.
    pub editor: EditorFiles,
    /// What the terminal shows.
    pub scrollback: Vec<TermLine>,
    /// Lines typed, oldest first.
    pub history: Vec<String>,
    /// Finished tutorial steps, by id.
    pub tutorial_done: Vec<String>,
    /// The tutorial step moved on to ("Next", or a share link), by id.
    pub tutorial_at: Option<String>,
    seed: u64,
    start: SimTime,
    steps: Vec<Step>,
    /// The time the clock is running to: ahead of the cluster's own while
    /// it works through what falls due on the way ([`Playground::work`]).
    target: SimTime,
}

impl Playground {
    /// A fresh playground: a new cluster, the seed's files, an empty terminal.
    pub fn new(seed: u64, start: SimTime) -> Self {
        let cluster = Cluster::new(ClusterConfig {
            seed,
            start,
            ..ClusterConfig::default()
        });
        let mut playground = Self {
            cluster,
            terminal: Terminal::new(),
            editor: EditorFiles::seed(),
            scrollback: Vec::new(),
            history: Vec::new(),
            tutorial_done: Vec::new(),
            tutorial_at: None,
            seed,
            start,
            steps: Vec::new(),
            target: start,
        };
        playground.greet();
        playground
    }

    fn greet(&mut self) {
        self.scrollback.push(TermLine::Welcome);
    }

    /// Runs a line typed at the prompt and records it. While a command is
    /// still running (`logs -f`), lines go nowhere.
    pub fn run_line(&mut self, line: &str) {
        if self.terminal.is_busy() {
            return;
        }
        self.finish_work();
        self.record_clock();
        let reads_files = line.contains("-f") || line.contains("--filename");
        self.steps.push(Step::Line {
            line: line.to_string(),
            files: reads_files.then(|| self.editor.files.clone()),
        });
        let trimmed = line.trim();
        if !trimmed.is_empty() && !self.terminal.in_container() {
            self.history.push(trimmed.to_string());
        }
        self.scrollback
            .push(TermLine::Input(format!("{}{line}", self.terminal.prompt())));
        if trimmed == "clear" && !self.terminal.in_container() {
            self.scrollback.clear();
            return;
        }
        let out = self
            .terminal
            .run_line(&mut self.cluster, &self.editor, line);
        self.show(&out);
        self.show_edit_buffer();
    }

    /// The browser fetched the URLs the waiting line's `-f` names: the
    /// line runs with them. Nothing happens when no line waits (Ctrl-C).
    pub fn finish_fetch(&mut self, fetched: &[(String, Fetched)]) {
        if self.terminal.fetching().is_none() {
            return;
        }
        self.finish_work();
        self.record_clock();
        self.steps.push(Step::FinishFetch {
            fetched: fetched.to_vec(),
        });
        let out = self
            .terminal
            .finish_fetch(&mut self.cluster, &self.editor, fetched);
        self.show(&out);
        self.show_edit_buffer();
    }

    /// `kubectl edit` waits: its buffer is an editor tab, opened, until the
    /// edit ends.
    fn show_edit_buffer(&mut self) {
        if let Some(session) = self.terminal.editing() {
            self.editor.open_buffer(&session.file_name, &session.text);
        }
    }

    /// Ends `kubectl edit`: with its tab's text when `save`, else giving
    /// up. A refused save leaves the tab open with the errors at its top.
    pub fn finish_edit(&mut self, save: bool) {
        let Some(name) = self.terminal.editing().map(|s| s.file_name.clone()) else {
            return;
        };
        let saved = save
            .then(|| self.editor.text_of(&name))
            .flatten()
            .map(str::to_string);
        self.finish_work();
        self.record_clock();
        self.steps.push(Step::FinishEdit {
            saved: saved.clone(),
        });
        let out = self
            .terminal
            .finish_edit(&mut self.cluster, &self.editor, saved.as_deref());
        self.show(&out);
        if self.terminal.editing().is_some() {
            self.show_edit_buffer();
        } else {
            self.editor.close_buffer(&name);
        }
    }

    /// What a running command printed since the last call; true if anything
    /// changed on screen.
    pub fn poll(&mut self) -> bool {
        if !self.terminal.is_busy() {
            return false;
        }
        let out = self.terminal.poll(&self.cluster);
        let printed = !out.stdout.is_empty() || !out.stderr.is_empty();
        self.show(&out);
        printed || !self.terminal.is_busy()
    }

    /// Ctrl-C: stops a running command (and drops an edit's tab).
    pub fn interrupt(&mut self) {
        if self.terminal.is_busy() {
            self.finish_work();
            self.record_clock();
            self.steps.push(Step::Interrupt);
            let editing = self.terminal.editing().map(|s| s.file_name.clone());
            let out = self.terminal.interrupt();
            self.show(&out);
            if let Some(name) = editing {
                self.editor.close_buffer(&name);
            }
        }
    }

    fn show(&mut self, out: &sunaba_core::kubectl::Output) {
        show_output(&mut self.scrollback, &out.stdout, &out.stderr);
    }

    /// Runs the clock to the next pending event (an image pull ending, a
    /// back-off, a grace period); false when nothing is pending.
    pub fn step_to_next_event(&mut self) -> bool {
        self.finish_work();
        let Some(at) = self.cluster.next_event() else {
            return false;
        };
        self.target = at.max(self.target);
        self.finish_work();
        self.poll();
        true
    }

    /// Moves the clock on by real time that passed, doing all the work
    /// that falls due on the way.
    pub fn tick(&mut self, millis: i64) {
        self.finish_work();
        self.aim_clock(millis);
        self.finish_work();
    }

    /// Moves the clock's aim on by real time that passed, leaving the work
    /// on the way to [`Playground::work`]. While the cluster is still
    /// behind, the time is not added: the clock waits for a busy cluster
    /// rather than letting its work pile up.
    pub fn aim_clock(&mut self, millis: i64) {
        if millis > 0 && !self.is_behind() {
            self.target = self.cluster.now().plus_millis(millis);
        }
    }

    /// True while work is left before the clock reaches its aim.
    pub fn is_behind(&self) -> bool {
        self.cluster.is_mid_work() || self.cluster.now() < self.target
    }

    /// Does up to `units` of the work on the way to the clock's aim (a
    /// controller's reconcile, or one write it asked for); true once it
    /// is all done. The same work happens in the same order however it is
    /// sliced, so a host can draw between slices and stay in its frame.
    pub fn work(&mut self, units: usize) -> bool {
        self.cluster.run_until_within(self.target, units)
    }

    /// Does all the work left before the clock's aim: a command sees, and
    /// acts on, the cluster at one settled instant.
    pub fn finish_work(&mut self) {
        self.work(usize::MAX);
    }

    fn record_clock(&mut self) {
        let elapsed = self.cluster.now().millis_since(self.start);
        let last = self.steps.iter().rev().find_map(|s| match s {
            Step::Clock(at) => Some(*at),
            Step::Line { .. }
            | Step::Interrupt
            | Step::FinishEdit { .. }
            | Step::FinishFetch { .. } => None,
        });
        if last != Some(elapsed) {
            self.steps.push(Step::Clock(elapsed));
        }
    }

    /// The session as it should be saved.
    pub fn save(&mut self) -> Saved {
        self.record_clock();
        Saved {
            version: SAVED_VERSION,
            seed: self.seed,
            start: self.start.millis(),
            steps: self.steps.clone(),
            editor: self.editor.clone(),
            history: self.history.clone(),
            tutorial_done: self.tutorial_done.clone(),
            tutorial_at: self.tutorial_at.clone(),
        }
    }

    /// Rebuilds a saved session by replaying it on a cluster with the same seed.
    pub fn restore(saved: &Saved) -> Result<Self, String> {
        if saved.version != SAVED_VERSION {
            return Err(format!(
                "saved session has version {}, this Sunaba reads {SAVED_VERSION}",
                saved.version
            ));
        }
        let mut playground = Self::new(saved.seed, SimTime(saved.start));
        for step in &saved.steps {
            match step {
                Step::Clock(at) => {
                    let target = SimTime(saved.start).plus_millis(*at);
                    let now = playground.cluster.now();
                    playground.tick(target.millis_since(now));
                    playground.poll();
                }
                Step::Interrupt => playground.interrupt(),
                Step::FinishEdit { saved } => {
                    if let (Some(text), Some(session)) = (saved, playground.terminal.editing()) {
                        let name = session.file_name.clone();
                        playground.editor.open_buffer(&name, text);
                    }
                    playground.finish_edit(saved.is_some());
                }
                Step::FinishFetch { fetched } => playground.finish_fetch(fetched),
                Step::Line { line, files } => {
                    if let Some(files) = files {
                        playground.editor.files = files.clone();
                    }
                    playground.run_line(line);
                }
            }
        }
        playground.editor = saved.editor.clone();
        playground.editor.active = playground
            .editor
            .active
            .min(playground.editor.files.len().saturating_sub(1));
        playground.history = saved.history.clone();
        playground.tutorial_done = saved.tutorial_done.clone();
        playground.tutorial_at = saved.tutorial_at.clone();
        Ok(playground)
    }
}

/// Appends what a command printed to a scrollback, line by line, keeping
/// the newest [`SCROLLBACK_LINES`].
pub fn show_output(scrollback: &mut Vec<TermLine>, stdout: &str, stderr: &str) {
    scrollback.extend(
        stdout
            .lines()
            .map(|l| TermLine::Out(l.to_string()))
            .chain(stderr.lines().map(|l| TermLine::Err(l.to_string()))),
    );
    let excess = scrollback.len().saturating_sub(SCROLLBACK_LINES);
    scrollback.drain(..excess);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replicas(p: &Playground) -> Option<i32> {
        match p
            .cluster
            .api()
            .get(sunaba_core::api::Kind::Deployment, "default", "echo")
            .ok()?
            .as_ref()
        {
            sunaba_core::api::Object::Deployment(d) => d.spec.as_ref()?.replicas,
            _ => None,
        }
    }

    #[test]
    fn kubectl_edit_opens_a_tab_and_saving_it_patches_the_object() {
        let mut p = Playground::new(3, SimTime::TEST_EPOCH);
        p.run_line("kubectl apply -f simple-deployment.yaml");
        p.run_line("kubectl edit deployment/echo");
        assert!(p.terminal.is_busy());
        let (name, text) = p.editor.current().cloned().expect("the edit's tab");
        assert_eq!(name, "kubectl-edit-deployment-echo.yaml");
        assert!(text.starts_with("# Please edit the object below."));
        p.editor
            .edit(text.replacen("replicas: 3", "replicas: -1", 1));
        p.finish_edit(true);
        let reopened = p
            .editor
            .current()
            .map(|(_, t)| t.clone())
            .unwrap_or_default();
        assert!(
            reopened.contains("# * spec.replicas: Invalid value: -1"),
            "{reopened}"
        );
        p.editor
            .edit(reopened.replacen("replicas: -1", "replicas: 1", 1));
        p.finish_edit(true);
        assert!(!p.terminal.is_busy());
        assert!(!p.editor.files.iter().any(|(n, _)| *n == name));
        assert_eq!(replicas(&p), Some(1));
        assert!(p
            .scrollback
            .contains(&TermLine::Out("deployment.apps/echo edited".into())));

        let restored = Playground::restore(&p.save()).expect("restores");
        assert_eq!(replicas(&restored), Some(1));
        assert_eq!(restored.scrollback, p.scrollback);
    }

    #[test]
    fn giving_up_an_edit_changes_nothing_and_closes_its_tab() {
        let mut p = Playground::new(3, SimTime::TEST_EPOCH);
        p.run_line("kubectl apply -f simple-deployment.yaml");
        p.run_line("kubectl edit deploy echo");
        let tabs = p.editor.files.len();
        p.finish_edit(false);
        assert_eq!(p.editor.files.len(), tabs - 1);
        assert_eq!(replicas(&p), Some(3));
        assert!(p
            .scrollback
            .contains(&TermLine::Err("Edit cancelled, no changes made.".into())));
    }

    #[test]
    fn a_session_is_rebuilt_by_replaying_it() {
        let mut original = Playground::new(7, SimTime::TEST_EPOCH);
        original.run_line("kubectl apply -f simple-pod.yaml");
        original.tick(30_000);
        original
            .editor
            .edit("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n".into());
        original.run_line("kubectl apply -f simple-pod.yaml");
        original.run_line("kubectl get pods,ns");
        let saved = original.save();
        let json = serde_json::to_string(&saved).expect("serialises");
        let restored =
            Playground::restore(&serde_json::from_str(&json).expect("parses")).expect("restores");
        assert_eq!(restored.scrollback, original.scrollback);
        assert_eq!(restored.cluster.now(), original.cluster.now());
        assert_eq!(restored.editor, original.editor);
        assert_eq!(restored.history, original.history);
        assert!(
            restored
                .scrollback
                .iter()
                .any(|l| matches!(l, TermLine::Out(t) if t.starts_with("namespace/team ") && t.contains(" Active "))),
            "{:#?}",
            restored.scrollback
        );
    }

    #[test]
    fn a_manifest_fetched_from_a_url_is_replayed_without_fetching_again() {
        use sunaba_core::kubectl::url::FetchError;
        let url = "https://example.com/cm.yaml";
        let mut original = Playground::new(7, SimTime::TEST_EPOCH);
        original.run_line(&format!("kubectl apply -f {url}"));
        assert_eq!(
            original.terminal.fetching(),
            Some(&[url.to_string()][..]),
            "the line waits for the browser"
        );
        let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fromurl\n";
        original.finish_fetch(&[(url.to_string(), Ok(manifest.to_string()))]);
        original.run_line("kubectl apply -f https://example.com/gone.yaml");
        original.finish_fetch(&[(
            "https://example.com/gone.yaml".to_string(),
            Err(FetchError::Status {
                code: 404,
                reason: "Not Found".into(),
            }),
        )]);
        // An answer with no line waiting (given up with Ctrl-C) is dropped.
        original.finish_fetch(&[(url.to_string(), Ok("kind: Bogus".into()))]);
        let errors: Vec<&String> = original
            .scrollback
            .iter()
            .filter_map(|l| match l {
                TermLine::Err(text) => Some(text),
                _ => None,
            })
            .collect();
        assert_eq!(errors, ["error: unable to read URL \"https://example.com/gone.yaml\", server reported 404 Not Found, status code=404"]);
        let json = serde_json::to_string(&original.save()).expect("serialises");
        let restored =
            Playground::restore(&serde_json::from_str(&json).expect("parses")).expect("restores");
        assert_eq!(restored.scrollback, original.scrollback);
        assert!(restored.terminal.fetching().is_none());
        assert!(restored
            .cluster
            .api()
            .store()
            .find(sunaba_core::api::Kind::ConfigMap, "default", "fromurl")
            .is_some());
    }

    #[test]
    fn step_runs_the_clock_to_the_next_event_and_no_further() {
        let mut p = Playground::new(5, SimTime::TEST_EPOCH);
        p.run_line("kubectl apply -f simple-pod.yaml");
        let due = p.cluster.next_event().expect("the pod's start is pending");
        assert!(due > p.cluster.now());
        assert!(p.step_to_next_event());
        assert_eq!(p.cluster.now(), due, "the clock stops at the event");
        let mut steps = 1;
        while p.step_to_next_event() {
            steps += 1;
            assert!(steps < 1_000, "the pod settles");
        }
        assert_eq!(p.cluster.next_event(), None);
        let status = p
            .cluster
            .api()
            .store()
            .find(sunaba_core::api::Kind::Pod, "default", "simple-echo")
            .and_then(|o| match o.as_ref() {
                sunaba_core::api::Object::Pod(pod) => pod.status.as_ref()?.phase.clone(),
                _ => None,
            });
        assert_eq!(status.as_deref(), Some("Running"));
    }

    #[test]
    fn a_followed_log_streams_on_poll_and_stops_on_interrupt() {
        let mut p = Playground::new(5, SimTime::TEST_EPOCH);
        p.run_line(
            "kubectl run loop --image=busybox -- sh -c 'while true; do echo tick; sleep 1; done'",
        );
        p.tick(3_000);
        p.run_line("kubectl logs -f loop");
        let printed = p.scrollback.len();
        assert!(p.terminal.is_busy());
        p.run_line("kubectl get pods");
        assert_eq!(p.scrollback.len(), printed, "no input while a command runs");
        p.tick(2_000);
        assert!(p.poll());
        assert!(p.scrollback.len() > printed);
        p.interrupt();
        assert_eq!(p.scrollback.last(), Some(&TermLine::Out("^C".into())));
        assert!(!p.terminal.is_busy());
        let restored = Playground::restore(&p.save()).expect("restores");
        assert!(!restored.terminal.is_busy());
        assert_eq!(
            restored.scrollback.last(),
            Some(&TermLine::Out("^C".into()))
        );
    }

    /// A session of 30 replicas on its way up, driven by `drive`, then a
    /// command: what the command printed and the pods it saw.
    fn scale_then_list(drive: impl Fn(&mut Playground)) -> (Vec<TermLine>, usize) {
        let mut p = Playground::new(7, SimTime::TEST_EPOCH);
        p.run_line("kubectl create deployment web --image=nginx --replicas=30");
        drive(&mut p);
        p.run_line("kubectl get pods --no-headers");
        let rows = p
            .scrollback
            .iter()
            .filter(|l| matches!(l, TermLine::Out(t) if t.starts_with("web-")))
            .count();
        (p.scrollback, rows)
    }

    #[test]
    fn work_done_in_slices_ends_where_a_whole_tick_does() {
        let (whole, rows) = scale_then_list(|p| p.tick(4_000));
        assert_eq!(rows, 30, "every pod is listed");
        let (sliced, _) = scale_then_list(|p| {
            p.aim_clock(4_000);
            let mut slices = 0;
            while !p.work(3) {
                assert!(p.is_behind());
                slices += 1;
            }
            assert!(slices > 30, "the work came in {slices} slices");
            assert!(!p.is_behind());
        });
        assert_eq!(sliced, whole);
    }

    #[test]
    fn a_command_waits_for_the_work_under_way_and_the_clock_for_a_busy_cluster() {
        let (whole, _) = scale_then_list(|p| p.tick(4_000));
        let (interrupted, _) = scale_then_list(|p| {
            p.aim_clock(4_000);
            assert!(!p.work(5), "work is left");
            let aimed_at = p.target;
            p.aim_clock(60_000);
            assert_eq!(p.target, aimed_at, "a busy cluster's clock waits");
        });
        assert_eq!(
            interrupted, whole,
            "the command ran after the rest of the work"
        );
    }

    #[test]
    fn files_are_created_renamed_and_deleted() {
        let mut files = EditorFiles::seed();
        assert_eq!(files.create(), "untitled.yaml");
        assert_eq!(files.create(), "untitled-2.yaml");
        assert!(files.rename("simple-pod.yaml").is_err());
        assert!(files.rename("a/b").is_err());
        assert_eq!(files.rename("mine.yaml"), Ok(()));
        assert_eq!(files.read("mine.yaml"), Some(String::new()));
        files.delete();
        assert_eq!(files.read("mine.yaml"), None);
        assert_eq!(files.files.len(), 6);
    }
}

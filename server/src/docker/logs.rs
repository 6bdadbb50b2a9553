//! Containers' logs as `kubectl logs` reads them: lines with their times,
//! kept per container and run so that `--previous` finds the run before.
//!
//! A follower per container reads Docker's `logs --follow --timestamps`
//! stream; [`LineSplitter`] turns its frames (`<RFC 3339 time> <text>`, a
//! long line possibly split over several) into [`LogLine`]s, and
//! [`LogStore`] keeps them for [`ContainerRuntime::logs`](sunaba_core::kubelet::runtime::ContainerRuntime::logs).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use k8s_openapi::jiff::Timestamp;
use sunaba_core::kubelet::LogLine;
use sunaba_core::time::SimTime;

/// The most lines one run keeps; older ones are dropped first.
pub const MAX_LINES_PER_RUN: usize = 50_000;

/// A container's runs' lines, by attempt: at most this run and the one before.
type Runs = BTreeMap<u32, Vec<LogLine>>;

/// The logs of every container the runtime started, by pod uid and container name.
#[derive(Debug, Default)]
pub struct LogStore {
    runs: Mutex<HashMap<(String, String), Runs>>,
}

impl LogStore {
    fn runs(&self) -> MutexGuard<'_, HashMap<(String, String), Runs>> {
        // A follower that panicked leaves the lines as they were: still readable.
        self.runs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens a container's run `attempt`, keeping only the run before it.
    pub fn open(&self, uid: &str, container: &str, attempt: u32) {
        let mut runs = self.runs();
        let container = runs
            .entry((uid.to_string(), container.to_string()))
            .or_default();
        container.insert(attempt, Vec::new());
        while container.len() > 2 {
            container.pop_first();
        }
    }

    /// Adds lines to an open run; lines of a forgotten pod or a dropped run are ignored.
    pub fn append(&self, uid: &str, container: &str, attempt: u32, lines: Vec<LogLine>) {
        if lines.is_empty() {
            return;
        }
        let mut runs = self.runs();
        let Some(run) = runs
            .get_mut(&(uid.to_string(), container.to_string()))
            .and_then(|c| c.get_mut(&attempt))
        else {
            return;
        };
        run.extend(lines);
        if run.len() > MAX_LINES_PER_RUN {
            let excess = run.len() - MAX_LINES_PER_RUN;
            run.drain(..excess);
        }
    }

    /// The latest run's lines, or with `previous` the run before it's.
    pub fn lines(&self, uid: &str, container: &str, previous: bool) -> Vec<LogLine> {
        let runs = self.runs();
        let Some(container) = runs.get(&(uid.to_string(), container.to_string())) else {
            return Vec::new();
        };
        let mut newest_first = container.values().rev();
        let run = if previous {
            newest_first.nth(1)
        } else {
            newest_first.next()
        };
        run.cloned().unwrap_or_default()
    }

    /// Drops every container's lines of a pod.
    pub fn forget(&self, uid: &str) {
        self.runs().retain(|(pod, _), _| pod != uid);
    }
}

/// Turns the frames of a `--timestamps` log stream into lines.
#[derive(Debug, Default)]
pub struct LineSplitter {
    /// A line whose end has not come yet, with the time of its first part.
    pending: Option<(SimTime, String)>,
}

impl LineSplitter {
    /// The complete lines in one more frame.
    pub fn push(&mut self, frame: &[u8]) -> Vec<LogLine> {
        let frame = String::from_utf8_lossy(frame);
        let (at, text) = match frame
            .split_once(' ')
            .and_then(|(t, rest)| Some((parse_time(t)?, rest)))
        {
            Some((at, text)) => (at, text),
            None => (
                self.pending.as_ref().map_or(SimTime(0), |(at, _)| *at),
                &*frame,
            ),
        };
        let mut lines = Vec::new();
        let mut segments = text.split('\n').peekable();
        while let Some(segment) = segments.next() {
            let last = segments.peek().is_none();
            let (line_at, mut line) = self.pending.take().unwrap_or((at, String::new()));
            line.push_str(segment.strip_suffix('\r').unwrap_or(segment));
            if last {
                if !line.is_empty() {
                    self.pending = Some((line_at, line));
                }
            } else {
                lines.push(LogLine {
                    at: line_at,
                    text: line,
                });
            }
        }
        lines
    }

    /// The unfinished line, once the stream ended.
    pub fn finish(&mut self) -> Option<LogLine> {
        self.pending.take().map(|(at, text)| LogLine { at, text })
    }
}

/// Docker's RFC 3339 timestamp (`2026-01-01T00:00:00.123456789Z`) as simulated time.
pub fn parse_time(text: &str) -> Option<SimTime> {
    text.parse::<Timestamp>()
        .ok()
        .map(|t| SimTime(t.as_millisecond()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: &str = "2026-01-01T00:00:00.123456789Z";
    const T1: &str = "2026-01-01T00:00:01.5Z";

    fn texts(lines: &[LogLine]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn docker_timestamps_become_sim_time() {
        assert_eq!(parse_time(T0), Some(SimTime(1_767_225_600_123)));
        assert_eq!(
            parse_time("2026-01-01T09:00:00+09:00"),
            Some(SimTime::TEST_EPOCH)
        );
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn frames_split_into_timed_lines_and_partial_lines_join() {
        let mut splitter = LineSplitter::default();
        let lines = splitter.push(format!("{T0} start server\n").as_bytes());
        assert_eq!(texts(&lines), ["start server"]);
        assert_eq!(lines[0].at, SimTime(1_767_225_600_123));
        assert!(splitter.push(format!("{T0} long ").as_bytes()).is_empty());
        let lines = splitter.push(format!("{T1} line\r\nnext\n").as_bytes());
        assert_eq!(texts(&lines), ["long line", "next"]);
        assert_eq!(lines[0].at, SimTime(1_767_225_600_123));
        assert_eq!(lines[1].at, SimTime(1_767_225_601_500));
        assert!(splitter
            .push(format!("{T1} no newline").as_bytes())
            .is_empty());
        assert_eq!(splitter.finish().map(|l| l.text), Some("no newline".into()));
    }

    #[test]
    fn the_store_keeps_this_run_and_the_previous_one() {
        let store = LogStore::default();
        let line = |text: &str| LogLine {
            at: SimTime(0),
            text: text.into(),
        };
        store.open("u", "c", 1);
        store.append("u", "c", 1, vec![line("one")]);
        store.open("u", "c", 2);
        store.append("u", "c", 2, vec![line("two")]);
        store.append("u", "c", 1, vec![line("late one")]);
        assert_eq!(texts(&store.lines("u", "c", false)), ["two"]);
        assert_eq!(texts(&store.lines("u", "c", true)), ["one", "late one"]);
        store.open("u", "c", 3);
        assert_eq!(texts(&store.lines("u", "c", true)), ["two"]);
        store.append("u", "c", 1, vec![line("dropped")]);
        store.forget("u");
        store.append("u", "c", 3, vec![line("after")]);
        assert!(store.lines("u", "c", false).is_empty());
    }
}

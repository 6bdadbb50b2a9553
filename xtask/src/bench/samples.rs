//! What the benchmark programs report, and running them.
//!
//! Every benchmark program (core's `figures` and `engine` benches, the
//! WASM one in Chromium, the `server` and `web` benches in `sunaba-tests`)
//! prints one stdout line per measurement, `sample ID UNIT VALUE`, and may
//! print `note SECTION TEXT` and `timeout ID SECONDS`. [`measure`] runs one
//! in a process group of its own, ends the group at a deadline, and
//! collects those lines into [`Samples`].

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Everything measured so far: values by figure id, in the order printed.
#[derive(Default)]
pub struct Samples {
    values: BTreeMap<String, Vec<f64>>,
    /// Free-text notes by section (`server`, `web`, …).
    pub notes: Vec<(String, String)>,
    /// Why a figure has no value: its id (or id prefix) and the reason.
    pub missing: Vec<(String, String)>,
}

impl Samples {
    /// The values recorded for `id`.
    pub fn get(&self, id: &str) -> &[f64] {
        self.values.get(id).map_or(&[], Vec::as_slice)
    }

    /// Records one value.
    pub fn push(&mut self, id: &str, value: f64) {
        self.values.entry(id.to_string()).or_default().push(value);
    }

    /// Why `id` was not measured, when a program said or failed.
    pub fn why_missing(&self, id: &str) -> Option<&str> {
        self.missing
            .iter()
            .find(|(prefix, _)| id.starts_with(prefix.as_str()))
            .map(|(_, why)| why.as_str())
    }

    /// The notes a program left for `section`.
    pub fn notes_for(&self, section: &str) -> Vec<&str> {
        self.notes
            .iter()
            .filter(|(s, _)| s == section)
            .map(|(_, text)| text.as_str())
            .collect()
    }

    /// Reads one line of a benchmark program's stdout.
    fn read_line(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("sample") => {
                let (Some(id), Some(_unit), Some(value)) =
                    (words.next(), words.next(), words.next())
                else {
                    return;
                };
                if let Ok(value) = value.parse::<f64>() {
                    if value.is_finite() {
                        self.push(id, value);
                    }
                }
            }
            Some("note") => {
                if let Some(section) = words.next() {
                    let text = words.collect::<Vec<_>>().join(" ");
                    self.notes.push((section.to_string(), text));
                }
            }
            Some("timeout") => {
                if let (Some(id), Some(seconds)) = (words.next(), words.next()) {
                    self.missing.push((
                        id.to_string(),
                        format!("not measured: a run did not finish within {seconds} s"),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// The median, minimum and maximum of some values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// The middle value (the mean of the two middle ones for an even count).
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many values.
    pub count: usize,
}

impl Stats {
    /// None for no values.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let count = sorted.len();
        let median = match count {
            0 => return None,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        };
        Some(Self {
            median,
            min: sorted[0],
            max: sorted[count - 1],
            count,
        })
    }

    /// The value below which `p` (0..=1) of the values lie (nearest rank).
    pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank = ((sorted.len() as f64) * p).ceil() as usize;
        sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
    }
}

/// Runs a benchmark program, echoing its output, and adds what it reports
/// to `samples`. A program that fails or outlives `limit` leaves a reason
/// under `id_prefix` for every figure it did not report.
pub fn measure(samples: &mut Samples, command: &mut Command, limit: Duration, id_prefix: &str) {
    if let Err(why) = run_collecting(samples, command, limit) {
        eprintln!("xtask: bench: {why}");
        samples
            .missing
            .push((id_prefix.to_string(), format!("not measured: {why}")));
    }
}

fn run_collecting(
    samples: &mut Samples,
    command: &mut Command,
    limit: Duration,
) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let shown = describe(command);
    eprintln!("xtask: $ {shown}");
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|err| format!("cannot start `{shown}`: {err}"))?;
    let (lines, received) = mpsc::channel::<(bool, String)>();
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .enumerate()
    .filter_map(|(i, stream)| Some((i == 0, stream?)))
    .map(|(is_stdout, stream)| {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if lines.send((is_stdout, line)).is_err() {
                    return;
                }
            }
        })
    })
    .collect();
    drop(lines);
    let deadline = Instant::now() + limit;
    let mut last_errors: Vec<String> = Vec::new();
    let mut timed_out = false;
    let mut count = 0;
    loop {
        match received.recv_timeout(Duration::from_millis(200)) {
            Ok((true, line)) => {
                // Samples are many (a frame each); the report shows them.
                if line.starts_with("sample ") {
                    count += 1;
                } else {
                    eprintln!("  {line}");
                }
                samples.read_line(&line);
            }
            Ok((false, line)) => {
                eprintln!("  {line}");
                last_errors.push(line);
                if last_errors.len() > 6 {
                    last_errors.remove(0);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if !timed_out && Instant::now() > deadline {
            timed_out = true;
            // The whole group: the program and whatever it started (a browser, a server).
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
        }
    }
    for reader in readers {
        let _ = reader.join();
    }
    eprintln!("xtask: bench: {count} samples");
    let status = child.wait().map_err(|err| err.to_string())?;
    if timed_out {
        return Err(format!("it did not finish within {} s", limit.as_secs()));
    }
    if !status.success() {
        let reason = last_errors
            .iter()
            .rev()
            .find(|l| l.contains("panicked") || l.contains("error") || l.contains("assert"))
            .or(last_errors.last())
            .cloned()
            .unwrap_or_default();
        return Err(format!(
            "`{}` failed ({status}): {}",
            short_name(command.get_program()),
            reason.trim()
        ));
    }
    Ok(())
}

fn short_name(program: &std::ffi::OsStr) -> String {
    Path::new(program)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds with `cargo ARGS --message-format=json` and returns the
/// executables it made (bench binaries, test `.wasm` files).
pub fn build_executables(command: &mut Command) -> Result<Vec<PathBuf>, String> {
    command.arg("--message-format=json");
    let shown = describe(command);
    eprintln!("xtask: $ {shown}");
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|err| format!("cannot start `{shown}`: {err}"))?;
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let start = line.find(r#""executable":""#)? + r#""executable":""#.len();
            let end = start + line[start..].find('"')?;
            Some(PathBuf::from(&line[start..end]))
        })
        .collect())
}

/// The executable whose file name is `name-HASH` (with any extension).
pub fn executable(built: &[PathBuf], name: &str) -> Result<PathBuf, String> {
    built
        .iter()
        .find(|path| {
            path.file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.rsplit_once('-'))
                .is_some_and(|(stem, _hash)| stem == name)
        })
        .cloned()
        .ok_or_else(|| format!("the build made no `{name}` executable"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_notes_and_timeouts_are_read_from_lines() {
        let mut samples = Samples::default();
        for line in [
            "sample scale/10/1 ms 2.5",
            "sample scale/10/1 ms 1.5",
            "sample scale/10/1 ms NaN",
            "note web the page drew 220 pods",
            "timeout rollout/10/1 30",
            "Benchmarking something else",
        ] {
            samples.read_line(line);
        }
        assert_eq!(samples.get("scale/10/1"), &[2.5, 1.5]);
        assert_eq!(samples.notes_for("web"), vec!["the page drew 220 pods"]);
        assert_eq!(
            samples.why_missing("rollout/10/1"),
            Some("not measured: a run did not finish within 30 s")
        );
        assert_eq!(samples.why_missing("scale/10/1"), None);
    }

    #[test]
    fn stats_give_the_median_and_the_extremes() {
        let stats = Stats::of(&[5.0, 1.0, 3.0, 100.0]).expect("values");
        assert_eq!(
            (stats.median, stats.min, stats.max, stats.count),
            (4.0, 1.0, 100.0, 4)
        );
        assert_eq!(Stats::of(&[]), None);
        assert_eq!(Stats::percentile(&[1.0, 2.0, 3.0, 4.0], 0.95), Some(4.0));
        assert_eq!(Stats::percentile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.0));
    }

    #[test]
    fn executables_are_found_by_their_target_name() {
        let built = [
            PathBuf::from("/t/release/deps/engine-0123abcd"),
            PathBuf::from("/t/release/deps/figures-4567ef"),
            PathBuf::from("/t/wasm32-unknown-unknown/release/deps/wasm_bench-89ab.wasm"),
        ];
        assert_eq!(
            executable(&built, "figures"),
            Ok(PathBuf::from("/t/release/deps/figures-4567ef"))
        );
        assert!(executable(&built, "wasm_bench").is_ok());
        assert!(executable(&built, "web").is_err());
    }
}

//! BENCHMARKS.md: the machine, then one table per section, each figure with
//! its median, min–max spread, runs, budget and verdict, and every missed
//! budget stated under its table with what limits it.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use super::samples::Stats;
use crate::cmd;

/// How a figure is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Milliseconds.
    Ms,
    /// Bytes.
    Bytes,
    /// Kilobytes (1,000 bytes).
    Kb,
    /// A ratio of two figures.
    Ratio,
    /// Requests per second.
    PerSecond,
    /// A count of things.
    Count,
}

/// One line of a table.
pub struct Row {
    /// What was measured, in words.
    pub label: String,
    /// Its unit.
    pub unit: Unit,
    /// The runs' statistics, or why there are none.
    pub stats: Result<Stats, String>,
    /// The budget: the figure must be at most this (in `unit`).
    pub budget: Option<f64>,
    /// The budget in words, when not just "≤ budget".
    pub budget_text: Option<String>,
    /// The run measured a smaller size than the budget speaks of (`--quick`):
    /// no verdict.
    pub smaller_than_budget: bool,
    /// What limits the figure, said when it misses its budget.
    pub limit: Option<String>,
}

impl Row {
    /// A figure from its runs' values; no values means "not measured", with `why`.
    pub fn new(label: impl Into<String>, unit: Unit, values: &[f64], why: Option<&str>) -> Self {
        Self {
            label: label.into(),
            unit,
            stats: Stats::of(values).ok_or_else(|| {
                why.unwrap_or("not measured: the benchmark reported nothing")
                    .to_string()
            }),
            budget: None,
            budget_text: None,
            smaller_than_budget: false,
            limit: None,
        }
    }

    /// A figure that was not measured, and why.
    pub fn missing(label: impl Into<String>, unit: Unit, why: impl Into<String>) -> Self {
        Self {
            stats: Err(why.into()),
            ..Self::new(label, unit, &[], None)
        }
    }

    /// Sets the budget (at most `value`).
    pub fn at_most(mut self, value: f64) -> Self {
        self.budget = Some(value);
        self
    }

    /// Says the budget in words.
    pub fn budget_text(mut self, text: impl Into<String>) -> Self {
        self.budget_text = Some(text.into());
        self
    }

    /// Marks a figure measured at a smaller size than its budget's.
    pub fn smaller_than_budget(mut self, smaller: bool) -> Self {
        self.smaller_than_budget = smaller;
        self
    }

    /// What limits the figure, if it misses.
    pub fn limit(mut self, text: impl Into<String>) -> Self {
        self.limit = Some(text.into());
        self
    }

    /// The verdict: met, MISSED, or none.
    pub fn verdict(&self) -> Verdict {
        match (&self.stats, self.budget) {
            (Err(_), Some(_)) => Verdict::NotMeasured,
            (Ok(_), Some(_)) if self.smaller_than_budget => Verdict::Unjudged,
            (Ok(stats), Some(budget)) if stats.median <= budget => Verdict::Met,
            (Ok(_), Some(_)) => Verdict::Missed,
            _ => Verdict::Unjudged,
        }
    }
}

/// How a figure stands against its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Within budget.
    Met,
    /// Over budget.
    Missed,
    /// Has a budget but no figure.
    NotMeasured,
    /// No budget, or measured at another size.
    Unjudged,
}

/// One part of the report: a heading, a table and notes.
pub struct Section {
    /// The heading.
    pub title: String,
    /// What was run, in a sentence or two.
    pub about: String,
    /// The figures.
    pub rows: Vec<Row>,
    /// Anything else worth knowing about these figures.
    pub notes: Vec<String>,
}

/// The machine and the code the figures come from.
pub struct Machine {
    cpu: String,
    cores: usize,
    memory: String,
    date: String,
    commit: String,
    tools: Vec<String>,
    load: String,
}

impl Machine {
    /// Reads /proc, git and the tools' versions.
    pub fn detect(chromium: Option<&std::path::Path>, kubectl: Option<&std::path::Path>) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, name)| name.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
            .unwrap_or_else(|| "unknown".into());
        let root = cmd::workspace_root();
        let git = |args: &[&str]| {
            cmd::output(Command::new("git").current_dir(&root).args(args)).unwrap_or_default()
        };
        let head = git(&["rev-parse", "--short=12", "HEAD"]);
        let dirty = !git(&["status", "--porcelain", "--untracked-files=no"])
            .trim()
            .is_empty();
        let commit = match (head.trim(), dirty) {
            ("", _) => "unknown (not a git checkout)".to_string(),
            (head, false) => format!("`{head}`"),
            (head, true) => format!("`{head}` plus uncommitted changes"),
        };
        let date = cmd::output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))
            .map(|d| d.trim().to_string())
            .unwrap_or_default();
        let first_line = |command: &mut Command| {
            cmd::output(command).and_then(|out| out.lines().next().map(|l| l.trim().to_string()))
        };
        let mut tools = Vec::new();
        tools.extend(first_line(
            Command::new("rustc").current_dir(&root).arg("--version"),
        ));
        if let Some(chromium) = chromium {
            tools.extend(first_line(Command::new(chromium).arg("--version")));
        }
        if let Some(kubectl) = kubectl {
            tools.extend(
                first_line(Command::new(kubectl).args(["version", "--client"]))
                    .map(|v| format!("kubectl {}", v.trim_start_matches("Client Version: "))),
            );
        }
        Self {
            cpu,
            cores,
            memory,
            date,
            commit,
            tools,
            load: load_average(),
        }
    }

    /// Notes the load average again at the end of the run.
    pub fn finish(&mut self) {
        self.load = format!("{} at the start, {} at the end", self.load, load_average());
    }
}

/// The 1-minute load average.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// The whole file.
pub fn render(
    machine: &Machine,
    sections: &[Section],
    quick: bool,
    building: Duration,
    wall: Duration,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask bench{}`, which took {} ({} of it building).{} Run it \
         again to refresh this file; nothing here is edited by hand.\n",
        if quick { " --quick" } else { "" },
        duration_text(wall),
        duration_text(building),
        if quick {
            " A quick run is smaller and shorter, for development: where its sizes are not \
             the budgets' sizes, those figures have no verdict."
        } else {
            ""
        },
    );
    let _ = writeln!(out, "| Machine | |\n| --- | --- |");
    let _ = writeln!(out, "| CPU | {} ({} cores) |", machine.cpu, machine.cores);
    let _ = writeln!(out, "| Memory | {} |", machine.memory);
    let _ = writeln!(out, "| Date | {} |", machine.date);
    let _ = writeln!(out, "| Commit | {} |", machine.commit);
    let _ = writeln!(out, "| Load average (1 min) | {} |", machine.load);
    let _ = writeln!(out, "| Tools | {} |\n", machine.tools.join("; "));

    let verdicts: Vec<Verdict> = sections
        .iter()
        .flat_map(|s| s.rows.iter().map(Row::verdict))
        .collect();
    let count = |v: Verdict| verdicts.iter().filter(|x| **x == v).count();
    let _ = writeln!(
        out,
        "**Budgets: {} met, {} MISSED, {} not measured.** Each figure is the median of its \
         runs, with the smallest and largest run as its spread; a figure meets its budget when \
         its median does. The machine is shared, so the load average above is part of the \
         picture.\n",
        count(Verdict::Met),
        count(Verdict::Missed),
        count(Verdict::NotMeasured)
    );
    for section in sections {
        render_section(&mut out, section);
    }
    out
}

fn render_section(out: &mut String, section: &Section) {
    let _ = writeln!(out, "## {}\n", section.title);
    if !section.about.is_empty() {
        let _ = writeln!(out, "{}\n", section.about);
    }
    if !section.rows.is_empty() {
        let _ = writeln!(
            out,
            "| Figure | Median | Spread (min–max) | Runs | Budget | Verdict |\n\
             | --- | ---: | ---: | ---: | --- | --- |"
        );
        for row in &section.rows {
            let budget = row
                .budget_text
                .clone()
                .or_else(|| row.budget.map(|b| format!("≤ {}", number(b, row.unit))))
                .unwrap_or_else(|| "—".into());
            let verdict = match row.verdict() {
                Verdict::Met => "met".to_string(),
                Verdict::Missed => "**MISSED**".to_string(),
                Verdict::NotMeasured => "not measured".to_string(),
                Verdict::Unjudged if row.smaller_than_budget => "— (smaller size)".to_string(),
                Verdict::Unjudged => "—".to_string(),
            };
            match &row.stats {
                Ok(stats) => {
                    let spread = if stats.count > 1 {
                        format!(
                            "{}–{}",
                            number(stats.min, row.unit),
                            number(stats.max, row.unit)
                        )
                    } else {
                        "—".to_string()
                    };
                    let _ = writeln!(
                        out,
                        "| {} | {} | {spread} | {} | {budget} | {verdict} |",
                        row.label,
                        number(stats.median, row.unit),
                        stats.count
                    );
                }
                Err(why) => {
                    let _ = writeln!(out, "| {} | — | — | 0 | {budget} | {why} |", row.label);
                }
            }
        }
        let _ = writeln!(out);
    }
    for row in section
        .rows
        .iter()
        .filter(|r| r.verdict() == Verdict::Missed)
    {
        let (Ok(stats), Some(budget)) = (&row.stats, row.budget) else {
            continue;
        };
        let _ = writeln!(
            out,
            "- **MISSED:** {}: {} against a budget of {} ({:.1}× over).{}",
            row.label,
            number(stats.median, row.unit),
            number(budget, row.unit),
            stats.median / budget,
            row.limit
                .as_deref()
                .map(|l| format!(" What limits it: {l}"))
                .unwrap_or_default()
        );
    }
    for note in &section.notes {
        let _ = writeln!(out, "- {note}");
    }
    let _ = writeln!(out);
}

/// A value in its unit, to three significant digits or so.
pub fn number(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Ms if value.abs() < 0.1 && value != 0.0 => format!("{} µs", decimal(value * 1000.0)),
        Unit::Ms => format!("{} ms", decimal(value)),
        Unit::Bytes => format!("{} B", grouped(value.round())),
        Unit::Kb => format!("{} KB", decimal(value)),
        Unit::Ratio => format!("{:.2}×", value),
        Unit::PerSecond => format!("{}/s", grouped(value.round())),
        Unit::Count => grouped(value.round()),
    }
}

/// Three significant digits or so; whole numbers as they are.
fn decimal(value: f64) -> String {
    match value.abs() {
        v if v.fract() == 0.0 => grouped(value),
        v if v < 1.0 => format!("{value:.3}"),
        v if v < 10.0 => format!("{value:.2}"),
        v if v < 100.0 => format!("{value:.1}"),
        _ => grouped(value.round()),
    }
}

/// An integer with thousands separated by commas.
pub fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// "4 min 05 s".
pub fn duration_text(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_person_writes_them() {
        assert_eq!(number(0.1234, Unit::Ms), "0.123 ms");
        assert_eq!(number(0.000_35, Unit::Ms), "0.350 µs");
        assert_eq!(number(16.0, Unit::Ms), "16 ms");
        assert_eq!(number(1_216.24, Unit::Kb), "1,216 KB");
        assert_eq!(number(12.345, Unit::Ms), "12.3 ms");
        assert_eq!(number(6_543.2, Unit::Ms), "6,543 ms");
        assert_eq!(number(68_435.4, Unit::Bytes), "68,435 B");
        assert_eq!(number(2.456, Unit::Ratio), "2.46×");
        assert_eq!(grouped(1_234_567.0), "1,234,567");
        assert_eq!(grouped(999.0), "999");
    }

    #[test]
    fn a_figure_meets_its_budget_by_its_median() {
        let row = Row::new("x", Unit::Ms, &[1.0, 200.0, 5.0], None).at_most(10.0);
        assert_eq!(row.verdict(), Verdict::Met);
        let row = Row::new("x", Unit::Ms, &[11.0, 12.0], None).at_most(10.0);
        assert_eq!(row.verdict(), Verdict::Missed);
        let row = Row::new("x", Unit::Ms, &[], Some("not measured: why")).at_most(10.0);
        assert_eq!(row.verdict(), Verdict::NotMeasured);
        let row = Row::new("x", Unit::Ms, &[11.0], None)
            .at_most(10.0)
            .smaller_than_budget(true);
        assert_eq!(row.verdict(), Verdict::Unjudged);
    }
}

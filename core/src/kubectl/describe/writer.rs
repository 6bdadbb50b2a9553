//! How describers write: kubectl's `PrefixWriter` (two spaces of indent per
//! level, terminal escapes made harmless) into one Go `text/tabwriter` with
//! describe's settings (min width 0, tab width 8, padding 2, spaces).
//!
//! The tab writer aligns each *block* of consecutive lines that have a cell
//! in a column, column by column, exactly as Go's does: a line without a tab
//! ends every block, so `Events:` or `Containers:` start fresh alignment.

/// Padding added to a column's widest cell.
const PADDING: usize = 2;
/// The narrowest a column may be.
const MIN_WIDTH: usize = 0;

/// Indentation levels, as kubectl's `LEVEL_0` … `LEVEL_4`.
pub const LEVEL_0: usize = 0;
/// One level in: two spaces.
pub const LEVEL_1: usize = 1;
/// Two levels in: four spaces.
pub const LEVEL_2: usize = 2;
/// Three levels in: six spaces.
pub const LEVEL_3: usize = 3;

/// Collects a description's text; [`PrefixWriter::finish`] aligns it.
#[derive(Debug, Default)]
pub struct PrefixWriter {
    text: String,
}

impl PrefixWriter {
    /// Writes `text` after `level` indents, as Go's `Write(level, format, …)`:
    /// the indent goes before the text only, not after newlines inside it.
    pub fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.text.push_str("  ");
        }
        push_escaped(&mut self.text, text);
    }

    /// Writes `text` and a newline after `level` indents.
    pub fn line(&mut self, level: usize, text: &str) {
        self.write(level, text);
        self.text.push('\n');
    }

    /// Go's `WriteLine`: the text and a newline, without indentation.
    pub fn write_line(&mut self, text: &str) {
        self.line(LEVEL_0, text);
    }

    /// The text as written, tabs unaligned: what `rollout history
    /// --revision` prints for a pod template.
    pub fn into_raw(self) -> String {
        self.text
    }

    /// The aligned description.
    pub fn finish(self) -> String {
        align(&self.text)
    }
}

/// kubectl's `printers.WriteEscaped`: ESC and CR cannot reach the terminal.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\x1b' => out.push_str("^["),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Aligns tab-separated text as Go's `tabwriter` does with describe's settings.
pub fn align(text: &str) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut widths = Vec::new();
    format_block(&lines, 0, lines.len(), &mut widths, &mut out);
    out
}

/// The number of tab-terminated cells in a line (its last cell is not one).
fn terminated_cells(line: &[&str]) -> usize {
    line.len().saturating_sub(1)
}

/// Go's `Writer.format`: lines `[from, to)` share the widths of the columns
/// left of `widths.len()`; each run of lines with a cell in the next column
/// forms a block whose width is its widest cell plus padding.
fn format_block(
    lines: &[Vec<&str>],
    from: usize,
    to: usize,
    widths: &mut Vec<usize>,
    out: &mut String,
) {
    let column = widths.len();
    let mut unwritten = from;
    let mut this = from;
    while this < to {
        if column >= terminated_cells(&lines[this]) {
            this += 1;
            continue;
        }
        write_lines(lines, unwritten, this, widths, out);
        let start = this;
        let mut width = MIN_WIDTH;
        while this < to && column < terminated_cells(&lines[this]) {
            width = width.max(cell_width(lines[this][column]) + PADDING);
            this += 1;
        }
        widths.push(width);
        format_block(lines, start, this, widths, out);
        widths.pop();
        unwritten = this;
    }
    write_lines(lines, unwritten, to, widths, out);
}

/// Writes lines `[from, to)`, padding every cell that has a column width.
fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for (index, line) in lines.iter().enumerate().take(to).skip(from) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if let Some(width) = widths.get(j) {
                let pad = width.saturating_sub(cell_width(cell));
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        // The text after the last newline is a partial line: no newline follows it.
        if index + 1 < lines.len() {
            out.push('\n');
        }
    }
}

/// A cell's width as Go counts it: runes.
fn cell_width(cell: &str) -> usize {
    cell.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_tabbed_lines_share_a_column_width() {
        assert_eq!(
            align("Name:\techo\nNamespace:\tdefault\n"),
            "Name:       echo\nNamespace:  default\n"
        );
    }

    #[test]
    fn a_line_without_tabs_ends_the_block() {
        assert_eq!(
            align("Name:\tx\nIPs:\n  IP:\t10.0.0.1\nLonger name:\ty\n"),
            "Name:  x\nIPs:\n  IP:         10.0.0.1\nLonger name:  y\n"
        );
    }

    #[test]
    fn inner_columns_align_only_within_their_own_runs() {
        let text = "Port:\thttp\t80/TCP\nTargetPort:\t8080/TCP\n";
        assert_eq!(
            align(text),
            "Port:        http  80/TCP\nTargetPort:  8080/TCP\n"
        );
    }

    #[test]
    fn empty_cells_are_padded_and_trailing_cells_are_not() {
        assert_eq!(align("IP:\t\nNode:\tn\n"), "IP:    \nNode:  n\n");
        assert_eq!(align("a\t\tb\n"), "a    b\n");
    }

    #[test]
    fn the_writer_indents_once_and_escapes_terminal_controls() {
        let mut w = PrefixWriter::default();
        w.line(LEVEL_1, "Type:\tx\n  y\x1b\r");
        assert_eq!(w.finish(), "  Type:  x\n  y^[\\r\n");
    }
}

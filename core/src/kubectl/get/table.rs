//! The Table that printers build (meta.k8s.io/v1 `Table`: column definitions
//! and rows of cells) and kubectl's renderer for it: Go's `text/tabwriter`
//! with min width 6, tab width 4 and padding 3, plus the NAMESPACE, `-L` and
//! LABELS columns kubectl adds on the client.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;

/// One column of a Table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column's name as the API server gives it (`Nominated Node`).
    pub name: &'static str,
    /// The cell type: `string`, `integer` or `date`.
    pub kind: &'static str,
    /// 0 for the default columns, 1 for those only `-o wide` shows.
    pub priority: u8,
    /// What the column holds, for the Table's `columnDefinitions`.
    pub description: &'static str,
}

impl Column {
    /// A default string column.
    pub const fn string(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            kind: "string",
            priority: 0,
            description,
        }
    }

    /// A string column that only `-o wide` shows.
    pub const fn wide(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            kind: "string",
            priority: 1,
            description,
        }
    }

    /// A default integer column.
    pub const fn integer(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            kind: "integer",
            priority: 0,
            description,
        }
    }
}

/// The NAME column every printer starts with.
pub const NAME: Column = Column::string(
    "Name",
    "Name must be unique within a namespace. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
);

/// The AGE column.
pub const AGE: Column = Column::string(
    "Age",
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
);

/// One row: its cells and the metadata kubectl reads from the row's object.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The cells, one per column: strings or integers.
    pub cells: Vec<Value>,
    /// The object's namespace, empty when cluster-scoped.
    pub namespace: String,
    /// The object's labels.
    pub labels: BTreeMap<String, String>,
}

/// A Table: what the API server returns for `kubectl get` and what the terminal renders.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The columns, wide ones included.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// What kubectl adds to a Table on the client side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// `-o wide`: show priority-1 columns.
    pub wide: bool,
    /// `-A` on a namespaced type: a NAMESPACE column first.
    pub with_namespace: bool,
    /// `--show-labels`: a LABELS column last.
    pub show_labels: bool,
    /// `-L key`: one column per key, before LABELS.
    pub label_columns: Vec<String>,
    /// When several types are printed: `pod/` before each name.
    pub name_prefix: Option<String>,
    /// Leave the header out (`--no-headers`).
    pub no_headers: bool,
}

impl Table {
    /// The text lines (cells not yet aligned) that kubectl writes to its
    /// tab writer; cells are borrowed from the rows where they can be.
    pub fn to_cells(&self, options: &RenderOptions) -> Vec<Vec<Cow<'_, str>>> {
        let shown: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.priority == 0 || options.wide)
            .map(|(i, _)| i)
            .collect();
        let mut lines = Vec::with_capacity(self.rows.len() + 1);
        if !options.no_headers {
            let mut header: Vec<Cow<'_, str>> = Vec::new();
            if options.with_namespace {
                header.push("NAMESPACE".into());
            }
            header.extend(
                shown
                    .iter()
                    .map(|&i| Cow::Owned(self.columns[i].name.to_uppercase())),
            );
            header.extend(options.label_columns.iter().map(|k| label_header(k).into()));
            if options.show_labels {
                header.push("LABELS".into());
            }
            lines.push(header);
        }
        let width = shown.len()
            + usize::from(options.with_namespace)
            + options.label_columns.len()
            + usize::from(options.show_labels);
        for row in &self.rows {
            let mut line: Vec<Cow<'_, str>> = Vec::with_capacity(width);
            if options.with_namespace {
                line.push(Cow::Borrowed(&row.namespace));
            }
            for (n, &i) in shown.iter().enumerate() {
                let cell = row.cells.get(i).map(cell_text).unwrap_or_default();
                match (&options.name_prefix, n) {
                    (Some(prefix), 0) => line.push(format!("{prefix}/{cell}").into()),
                    _ => line.push(cell),
                }
            }
            line.extend(
                options
                    .label_columns
                    .iter()
                    .map(|k| row.labels.get(k).map_or(Cow::Borrowed(""), Cow::from)),
            );
            if options.show_labels {
                line.push(labels_text(&row.labels).into());
            }
            lines.push(line);
        }
        lines
    }

    /// Renders the Table as kubectl prints it.
    pub fn render(&self, options: &RenderOptions) -> String {
        tabwriter(&self.to_cells(options))
    }

    /// Renders the Table and remembers its column widths for rows printed later.
    pub fn render_remembering(&self, options: &RenderOptions, widths: &mut Vec<usize>) -> String {
        tabwriter_remembering(&self.to_cells(options), widths)
    }
}

/// `-L app.kubernetes.io/name` gives the header `NAME`.
fn label_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_uppercase()
}

/// Labels as `k=v,k2=v2`, keys sorted, or `<none>`.
pub fn labels_text(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "<none>".into();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A cell as kubectl prints it: strings verbatim, cut at the first line
/// break with `...`; other values as Go's `fmt.Sprint` would.
pub fn cell_text(cell: &Value) -> Cow<'_, str> {
    match cell {
        Value::String(s) => match s.find(['\n', '\r', '\x0c']) {
            Some(cut) => format!("{}...", &s[..cut]).into(),
            None => Cow::Borrowed(s),
        },
        Value::Null => "<nil>".into(),
        other => other.to_string().into(),
    }
}

/// Go's `text/tabwriter` as kubectl configures it (min width 6, padding 3,
/// spaces): every cell but a line's last is padded to its column's width.
pub fn tabwriter<S: AsRef<str>>(lines: &[Vec<S>]) -> String {
    tabwriter_remembering(lines, &mut Vec::new())
}

/// [`tabwriter`] with kubectl's `RememberWidths`: columns are at least as
/// wide as `widths` says, and `widths` keeps the widest seen, so rows
/// printed later (`get -w`) line up with the table above them.
pub fn tabwriter_remembering<S: AsRef<str>>(
    lines: &[Vec<S>],
    remembered: &mut Vec<usize>,
) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for line in lines {
        // The last cell of a line is not tab-terminated, so it takes no part in alignment.
        for (i, cell) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
            widths[i] = widths[i].max(display_width(cell.as_ref()) + 3).max(6);
        }
    }
    for (i, width) in widths.iter_mut().enumerate() {
        match remembered.get_mut(i) {
            Some(seen) if *width > 0 || *seen > 0 => {
                *width = (*width).max(*seen);
                *seen = *width;
            }
            Some(_) => {}
            None => remembered.push(*width),
        }
    }
    let mut out = String::new();
    for line in lines {
        for (i, cell) in line.iter().enumerate() {
            let cell = cell.as_ref();
            out.push_str(cell);
            if i + 1 < line.len() {
                let pad = widths[i].saturating_sub(display_width(cell));
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// Width as tabwriter counts it: one per character (Go counts runes).
fn display_width(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table() -> Table {
        Table {
            columns: vec![
                NAME,
                Column::string("Status", ""),
                Column::wide("Nominated Node", ""),
            ],
            rows: vec![Row {
                cells: vec![json!("echo"), json!("Running"), json!("<none>")],
                namespace: "default".into(),
                labels: BTreeMap::from([("app".into(), "echo".into())]),
            }],
        }
    }

    #[test]
    fn columns_are_padded_by_three_and_at_least_six_wide() {
        assert_eq!(
            table().render(&RenderOptions::default()),
            "NAME   STATUS\necho   Running\n"
        );
    }

    #[test]
    fn wide_namespace_and_labels_columns_are_added_by_the_client() {
        let options = RenderOptions {
            wide: true,
            with_namespace: true,
            show_labels: true,
            label_columns: vec!["example.com/app".into()],
            ..RenderOptions::default()
        };
        assert_eq!(
            table().render(&options),
            "NAMESPACE   NAME   STATUS    NOMINATED NODE   APP   LABELS\n\
             default     echo   Running   <none>                 app=echo\n"
        );
    }

    #[test]
    fn cells_with_line_breaks_are_cut() {
        assert_eq!(cell_text(&json!("one\ntwo")), "one...");
        assert_eq!(cell_text(&json!(3)), "3");
    }
}

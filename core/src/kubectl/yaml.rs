//! YAML as kubectl writes it (`sigs.k8s.io/yaml` over go-yaml v2): keys in
//! go-yaml's natural order, two-space indentation with sequences flush under
//! their key, strings quoted only when they would read as something else,
//! multi-line strings as literal blocks, and long plain or single-quoted
//! strings folded past column 80.

use serde_json::Value;

const BEST_WIDTH: usize = 80;

/// Renders a JSON value as kubectl's `-o yaml` prints it.
pub fn to_yaml(value: &Value) -> String {
    let mut writer = Writer::default();
    writer.node(value, 0, Context::Root);
    if !writer.out.ends_with('\n') {
        writer.out.push('\n');
    }
    writer.out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Root,
    MappingValue,
    SequenceItem,
}

#[derive(Default)]
struct Writer {
    out: String,
    column: usize,
}

impl Writer {
    fn push(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' {
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
        self.out.push_str(text);
    }

    fn newline_indent(&mut self, indent: usize) {
        self.push("\n");
        self.push(&" ".repeat(indent));
    }

    /// Writes a node. A mapping's keys and a sequence's items each start a
    /// new line, except the first one after `- ` or at the document's start.
    fn node(&mut self, value: &Value, indent: usize, context: Context) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by(|a, b| natural_order(a, b));
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 || context == Context::MappingValue {
                        self.newline_indent(indent);
                    }
                    self.push(&key_text(key));
                    self.push(":");
                    let child = &map[key];
                    match child {
                        Value::Object(m) if !m.is_empty() => {
                            self.node(child, indent + 2, Context::MappingValue)
                        }
                        // Sequences sit flush under their key, as go-yaml v2 writes them.
                        Value::Array(a) if !a.is_empty() => {
                            self.node(child, indent, Context::MappingValue)
                        }
                        _ => {
                            self.push(" ");
                            self.scalar(child, indent + 2);
                        }
                    }
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 || context == Context::MappingValue {
                        self.newline_indent(indent);
                    }
                    self.push("- ");
                    match item {
                        Value::Object(m) if !m.is_empty() => {
                            self.node(item, indent + 2, Context::SequenceItem)
                        }
                        Value::Array(a) if !a.is_empty() => {
                            self.node(item, indent + 2, Context::SequenceItem)
                        }
                        _ => self.scalar(item, indent + 2),
                    }
                }
            }
            scalar => self.scalar(scalar, indent),
        }
    }

    /// A scalar, or an empty `{}` / `[]`; `indent` is where folded lines continue.
    fn scalar(&mut self, value: &Value, indent: usize) {
        match value {
            Value::Null => self.push("null"),
            Value::Bool(b) => self.push(if *b { "true" } else { "false" }),
            Value::Number(n) => self.push(&n.to_string()),
            Value::Object(_) => self.push("{}"),
            Value::Array(_) => self.push("[]"),
            Value::String(s) => self.string(s, indent),
        }
    }

    fn string(&mut self, s: &str, indent: usize) {
        match string_style(s) {
            Style::Plain => self.folded(s, indent, false),
            Style::Single => {
                self.push("'");
                self.folded(&s.replace('\'', "''"), indent, true);
                self.push("'");
            }
            Style::Double => self.push(&double_quoted(s)),
            Style::Literal => self.literal(s, indent),
        }
    }

    /// Writes text, breaking at a single space once past column 80.
    fn folded(&mut self, text: &str, indent: usize, quoted: bool) {
        let chars: Vec<char> = text.chars().collect();
        let mut previous_space = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                let at_edge = quoted && (i == 0 || i + 1 == chars.len());
                if !previous_space && !next_is_space && !at_edge && self.column > BEST_WIDTH {
                    self.newline_indent(indent);
                } else {
                    self.push(" ");
                }
                previous_space = true;
            } else {
                let mut buf = [0u8; 4];
                self.push(c.encode_utf8(&mut buf));
                previous_space = false;
            }
        }
    }

    /// `|`, `|-` or `|+`, then the lines indented.
    fn literal(&mut self, s: &str, indent: usize) {
        self.push("|");
        if s.starts_with(' ') || s.starts_with('\n') {
            self.push("2");
        }
        let trailing = s.len() - s.trim_end_matches('\n').len();
        match trailing {
            0 => self.push("-"),
            1 => {}
            _ => self.push("+"),
        }
        let body = s.strip_suffix('\n').unwrap_or(s);
        for line in body.split('\n') {
            self.push("\n");
            if !line.is_empty() {
                self.push(&" ".repeat(indent));
                self.push(line);
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// A mapping key: plain when it can be, quoted as a value would be otherwise.
fn key_text(key: &str) -> String {
    match string_style(key) {
        Style::Plain => key.to_string(),
        Style::Single => format!("'{}'", key.replace('\'', "''")),
        _ => double_quoted(key),
    }
}

/// The style go-yaml v2 picks for a string value.
fn string_style(s: &str) -> Style {
    if s.chars().any(|c| is_special(c) && c != '\n') {
        return Style::Double;
    }
    if s.contains('\n') {
        let trailing_space = s.ends_with(' ');
        let space_break = s.contains(" \n");
        return if trailing_space || space_break {
            Style::Double
        } else {
            Style::Literal
        };
    }
    if resolves_to_non_string(s) {
        return Style::Double;
    }
    if plain_allowed(s) {
        Style::Plain
    } else {
        Style::Single
    }
}

/// Characters go-yaml will not write unescaped (its `is_printable`, negated).
fn is_special(c: char) -> bool {
    let printable = matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}')
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
        || c >= '\u{10000}';
    !printable
}

/// What go-yaml v2's `resolve` would read as null, a bool or a number.
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true",
        "True", "TRUE", "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_ascii_digit() || matches!(first, '+' | '-' | '.')) {
        return false;
    }
    let plain = s.replace('_', "");
    is_go_int(&plain) || is_go_float(&plain) || is_base60(s) || is_timestamp(s)
}

/// go-yaml v2 reads `2006-1-2`, with an optional time and zone, as a timestamp.
fn is_timestamp(s: &str) -> bool {
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = parts.len() == 3
        && parts[0].len() == 4
        && parts[1..].iter().all(|p| (1..=2).contains(&p.len()))
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    let time_ok = time.is_none_or(|t| {
        let t = t.strip_suffix('Z').unwrap_or(t);
        let clock = t.split(['+', '-']).next().unwrap_or("");
        let clock = clock.split('.').next().unwrap_or("");
        let fields: Vec<&str> = clock.split(':').collect();
        fields.len() == 3
            && fields
                .iter()
                .all(|f| (1..=2).contains(&f.len()) && f.chars().all(|c| c.is_ascii_digit()))
    });
    date_ok && time_ok
}

/// `strconv.ParseInt(s, 0, 64)` or ParseUint: decimal, 0x, 0o, 0b, or a leading 0 for octal.
fn is_go_int(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (radix, body) = if let Some(b) = digits.strip_prefix("0x").or(digits.strip_prefix("0X")) {
        (16, b)
    } else if let Some(b) = digits.strip_prefix("0b").or(digits.strip_prefix("0B")) {
        (2, b)
    } else if let Some(b) = digits.strip_prefix("0o").or(digits.strip_prefix("0O")) {
        (8, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    !body.is_empty() && body.chars().all(|c| c.is_digit(radix))
}

/// `strconv.ParseFloat(s, 64)` succeeds.
fn is_go_float(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let body = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    if matches!(body, "inf" | "infinity" | "nan") {
        return true;
    }
    body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-'))
        && body.parse::<f64>().is_ok()
}

/// go-yaml v2 quotes sexagesimal-looking numbers such as `1:20`.
fn is_base60(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut parts = body.split(':');
    let head = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && !head.is_empty()
        && head.chars().all(|c| c.is_ascii_digit() || c == '_')
        && !head.starts_with('0')
        && rest.iter().enumerate().all(|(i, p)| {
            let p = if i + 1 == rest.len() {
                p.split('.').next().unwrap_or("")
            } else {
                p
            };
            (1..=2).contains(&p.len())
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n < 60)
        })
}

/// Whether the emitter may write the string plain in block context.
fn plain_allowed(s: &str) -> bool {
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_blank = chars.get(i + 1).is_none_or(|n| *n == ' ');
        if i == 0 {
            if matches!(
                c,
                '#' | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ) {
                return false;
            }
            if matches!(c, '?' | ':' | '-') && next_blank {
                return false;
            }
        } else {
            if c == ':' && next_blank {
                return false;
            }
            if c == '#' && chars[i - 1] == ' ' {
                return false;
            }
        }
    }
    true
}

/// A double-quoted scalar with YAML's escapes.
fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if is_special(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02X}"));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// go-yaml v2's key order: letters by code point, non-letters before
/// letters, and runs of digits compared as numbers.
pub fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let number = |r: &[char]| {
            let mut end = i;
            let mut n: u128 = 0;
            while end < r.len() && r[end].is_ascii_digit() {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u128::from(r[end] as u8 - b'0'));
                end += 1;
            }
            (n, end)
        };
        let (an, ae) = number(&ar);
        let (bn, be) = number(&br);
        if an != bn {
            return an.cmp(&bn);
        }
        if ae != be {
            return ae.cmp(&be);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mappings_sequences_and_empties_are_laid_out_as_go_yaml_does() {
        let value = json!({
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": {"name": "echo", "labels": {"app": "echo"}, "resourceVersion": "12"},
            "spec": {"containers": [{"name": "nginx", "ports": [{"containerPort": 80}], "resources": {}}], "volumes": []},
        });
        assert_eq!(
            to_yaml(&value),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    app: echo\n  name: echo\n  resourceVersion: \"12\"\nspec:\n  containers:\n  - name: nginx\n    ports:\n    - containerPort: 80\n    resources: {}\n  volumes: []\n"
        );
    }

    #[test]
    fn strings_are_quoted_only_when_they_would_read_as_something_else() {
        let cases = [
            ("echo", "echo"),
            ("", "\"\""),
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            ("8080", "\"8080\""),
            ("1.5", "\"1.5\""),
            ("1:20", "\"1:20\""),
            ("10.244.1.5", "10.244.1.5"),
            ("nginx:1.25", "nginx:1.25"),
            ("a: b", "'a: b'"),
            ("*", "'*'"),
            ("- x", "'- x'"),
            ("it's", "it's"),
            ("tab\there", "\"tab\\there\""),
            ("2026-01-01T00:00:00Z", "\"2026-01-01T00:00:00Z\""),
        ];
        for (input, expected) in cases {
            assert_eq!(
                to_yaml(&json!({ "k": input })),
                format!("k: {expected}\n"),
                "{input:?}"
            );
        }
    }

    #[test]
    fn multi_line_strings_become_literal_blocks() {
        assert_eq!(
            to_yaml(&json!({"a": {"b": "one\ntwo\n"}, "c": "x\ny"})),
            "a:\n  b: |\n    one\n    two\nc: |-\n  x\n  y\n"
        );
    }

    #[test]
    fn long_plain_strings_fold_past_column_eighty() {
        let words = vec!["word"; 30].join(" ");
        let yaml = to_yaml(&json!({ "message": words }));
        let lines: Vec<&str> = yaml.lines().collect();
        assert!(lines.len() > 1, "{yaml}");
        assert!(lines[1].starts_with("  word"), "{yaml}");
    }

    #[test]
    fn keys_sort_naturally() {
        let mut keys = vec!["a10", "a9", "b", "a_b", "aB", "Z"];
        keys.sort_by(|a, b| natural_order(a, b));
        assert_eq!(keys, vec!["Z", "a_b", "a9", "a10", "aB", "b"]);
    }
}

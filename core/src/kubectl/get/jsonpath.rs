//! kubectl's JSONPath templates (`k8s.io/client-go/util/jsonpath`): text
//! with `{…}` actions: fields (`.a.b`, `['a.b']`), `..` recursion, indexes
//! and slices, `[*]`, filters (`[?(@.type=="Ready")]`), `{range …}…{end}`
//! and quoted literals (`{"\n"}`). Missing keys print nothing, as
//! `--allow-missing-template-keys` (on by default) makes them.

use serde_json::Value;

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Recursive(String),
    Wildcard,
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    Filter(Filter),
}

#[derive(Clone, Debug, PartialEq)]
struct Filter {
    path: Vec<Step>,
    /// `None` tests existence.
    compare: Option<(String, Value)>,
}

impl Template {
    /// Parses a template; errors read as kubectl's.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nodes = Vec::new();
        let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let Some(open) = rest.find('{') else {
                nodes.push(Node::Text(rest.to_string()));
                break;
            };
            if open > 0 {
                nodes.push(Node::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = find_close(after).ok_or_else(|| "unclosed action".to_string())?;
            let action = after[..close].trim();
            rest = &after[close + 1..];
            if let Some(path) = action.strip_prefix("range ") {
                stack.push((parse_path(path.trim())?, std::mem::take(&mut nodes)));
            } else if action == "end" {
                let (path, outer) = stack
                    .pop()
                    .ok_or_else(|| "not in range, nothing to end".to_string())?;
                let body = std::mem::replace(&mut nodes, outer);
                nodes.push(Node::Range(path, body));
            } else if let Some(literal) = quoted_literal(action) {
                nodes.push(Node::Text(literal));
            } else {
                nodes.push(Node::Path(parse_path(action)?));
            }
        }
        if !stack.is_empty() {
            return Err("unclosed range".into());
        }
        Ok(Self { nodes })
    }

    /// Runs the template against `root`.
    pub fn execute(&self, root: &Value) -> String {
        let mut out = String::new();
        run_nodes(&self.nodes, root, root, &mut out);
        out
    }

    /// The values a single-path template selects, for custom columns.
    pub fn select(&self, root: &Value) -> Vec<Value> {
        self.nodes
            .iter()
            .filter_map(|n| match n {
                Node::Path(steps) => Some(evaluate(steps, root, root)),
                _ => None,
            })
            .flatten()
            .collect()
    }
}

/// Finds the `}` that closes an action, skipping quoted text.
fn find_close(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '}' => return Some(i),
            None => {}
        }
    }
    None
}

/// `"\n"` or `'text'` as an action prints the text.
fn quoted_literal(action: &str) -> Option<String> {
    let body = action
        .strip_prefix('"')
        .and_then(|a| a.strip_suffix('"'))
        .or_else(|| action.strip_prefix('\'').and_then(|a| a.strip_suffix('\'')))?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Some(out)
}

fn parse_path(text: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    if matches!(chars.first(), Some('$' | '@')) {
        i = 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'.') => {
                i += 2;
                let (name, next) = read_name(&chars, i);
                if name.is_empty() {
                    return Err(format!("unrecognized character in action: {text}"));
                }
                steps.push(Step::Recursive(name));
                i = next;
            }
            '.' => {
                i += 1;
                if chars.get(i) == Some(&'*') {
                    steps.push(Step::Wildcard);
                    i += 1;
                    continue;
                }
                let (name, next) = read_name(&chars, i);
                if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
                i = next;
            }
            '[' => {
                let close =
                    matching_bracket(&chars, i).ok_or_else(|| "unterminated array".to_string())?;
                let inner: String = chars[i + 1..close].iter().collect();
                steps.push(parse_bracket(inner.trim())?);
                i = close + 1;
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                let (name, next) = read_name(&chars, i);
                if name.is_empty() {
                    return Err(format!(
                        "unrecognized character in action: U+{:04X} '{}'",
                        chars[i] as u32, chars[i]
                    ));
                }
                steps.push(Step::Field(name));
                i = next;
            }
        }
    }
    Ok(steps)
}

fn read_name(chars: &[char], start: usize) -> (String, usize) {
    let mut end = start;
    while end < chars.len()
        && (chars[end].is_alphanumeric() || matches!(chars[end], '_' | '-' | '/'))
    {
        end += 1;
    }
    (chars[start..end].iter().collect(), end)
}

fn matching_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate().skip(open) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '[' => depth += 1,
            None if c == ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            None => {}
        }
    }
    None
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(filter) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        return parse_filter(filter.trim());
    }
    if let Some(name) = quoted_literal(inner) {
        return Ok(Step::Field(name));
    }
    if let Some((start, end)) = inner.split_once(':') {
        let bound = |t: &str| -> Result<Option<i64>, String> {
            let t = t.split(':').next().unwrap_or("").trim();
            if t.is_empty() {
                Ok(None)
            } else {
                t.parse()
                    .map(Some)
                    .map_err(|_| format!("invalid array index {t}"))
            }
        };
        return Ok(Step::Slice(bound(start)?, bound(end)?));
    }
    inner
        .parse()
        .map(Step::Index)
        .map_err(|_| format!("invalid array index {inner}"))
}

fn parse_filter(text: &str) -> Result<Step, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((left, right)) = text.split_once(op) {
            let right = right.trim();
            let value = quoted_literal(right)
                .map(Value::String)
                .or_else(|| serde_json::from_str(right).ok())
                .unwrap_or_else(|| Value::String(right.to_string()));
            return Ok(Step::Filter(Filter {
                path: parse_path(left.trim())?,
                compare: Some((op.to_string(), value)),
            }));
        }
    }
    Ok(Step::Filter(Filter {
        path: parse_path(text)?,
        compare: None,
    }))
}

fn run_nodes(nodes: &[Node], root: &Value, current: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Path(steps) => {
                let values = evaluate(steps, root, current);
                let texts: Vec<String> = values.iter().map(value_text).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(steps, body) => {
                for value in evaluate(steps, root, current) {
                    run_nodes(body, root, &value, out);
                }
            }
        }
    }
}

/// A value as the template prints it: strings bare, the rest as JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn evaluate(steps: &[Step], _root: &Value, current: &Value) -> Vec<Value> {
    let mut values = vec![current.clone()];
    for step in steps {
        values = values.iter().flat_map(|v| apply(step, v)).collect();
    }
    values
}

fn apply(step: &Step, value: &Value) -> Vec<Value> {
    match step {
        Step::Field(name) => value.get(name).cloned().into_iter().collect(),
        Step::Recursive(name) => {
            let mut found = Vec::new();
            collect_recursive(value, name, &mut found);
            found
        }
        Step::Wildcard => match value {
            Value::Array(items) => items.clone(),
            Value::Object(map) => map.values().cloned().collect(),
            _ => Vec::new(),
        },
        Step::Index(i) => match value {
            Value::Array(items) => {
                let len = items.len() as i64;
                let at = if *i < 0 { len + i } else { *i };
                usize::try_from(at)
                    .ok()
                    .and_then(|at| items.get(at).cloned())
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        },
        Step::Slice(start, end) => match value {
            Value::Array(items) => {
                let len = items.len() as i64;
                let clamp = |n: i64| (if n < 0 { len + n } else { n }).clamp(0, len) as usize;
                let from = clamp(start.unwrap_or(0));
                let to = clamp(end.unwrap_or(len));
                if from < to {
                    items[from..to].to_vec()
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        },
        Step::Filter(filter) => {
            let candidates: Vec<Value> = match value {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            candidates
                .into_iter()
                .filter(|item| filter_matches(filter, item))
                .collect()
        }
    }
}

fn collect_recursive(value: &Value, name: &str, found: &mut Vec<Value>) {
    match value {
        Value::Object(map) => {
            if let Some(v) = map.get(name) {
                found.push(v.clone());
            }
            for child in map.values() {
                collect_recursive(child, name, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_recursive(i, name, found)),
        _ => {}
    }
}

fn filter_matches(filter: &Filter, item: &Value) -> bool {
    let results = evaluate(&filter.path, item, item);
    let Some((op, expected)) = &filter.compare else {
        return !results.is_empty();
    };
    results.iter().any(|actual| compare(actual, op, expected))
}

fn compare(actual: &Value, op: &str, expected: &Value) -> bool {
    let numbers = actual.as_f64().zip(expected.as_f64());
    match (op, numbers) {
        ("==", _) => value_text(actual) == value_text(expected),
        ("!=", _) => value_text(actual) != value_text(expected),
        ("<", Some((a, b))) => a < b,
        (">", Some((a, b))) => a > b,
        ("<=", Some((a, b))) => a <= b,
        (">=", Some((a, b))) => a >= b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(template: &str, value: &Value) -> String {
        Template::parse(template).expect("parses").execute(value)
    }

    #[test]
    fn fields_wildcards_and_ranges() {
        let list = json!({"items": [
            {"metadata": {"name": "a", "labels": {"app.kubernetes.io/name": "x"}}, "spec": {"containers": [{"image": "nginx"}, {"image": "echo"}]}},
            {"metadata": {"name": "b"}, "spec": {"containers": [{"image": "redis"}]}},
        ]});
        assert_eq!(run("{.items[*].metadata.name}", &list), "a b");
        assert_eq!(
            run("{.items[0].spec.containers[*].image}", &list),
            "nginx echo"
        );
        assert_eq!(
            run("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &list),
            "a\nb\n"
        );
        assert_eq!(run("{..image}", &list), "nginx echo redis");
        assert_eq!(run("{.items[-1].metadata.name}", &list), "b");
        assert_eq!(
            run(
                "{.items[0].metadata.labels['app.kubernetes.io/name']}",
                &list
            ),
            "x"
        );
        assert_eq!(run("{.missing.field}", &list), "");
        assert_eq!(run("name: {.items[1].metadata.name}!", &list), "name: b!");
    }

    #[test]
    fn filters_select_matching_items() {
        let pod = json!({"status": {"conditions": [
            {"type": "Ready", "status": "True"},
            {"type": "PodScheduled", "status": "True"},
        ]}});
        assert_eq!(
            run("{.status.conditions[?(@.type==\"Ready\")].status}", &pod),
            "True"
        );
    }

    #[test]
    fn unbalanced_templates_are_errors() {
        assert!(Template::parse("{.a").is_err());
        assert!(Template::parse("{range .a}{.b}").is_err());
        assert!(Template::parse("{end}").is_err());
    }
}

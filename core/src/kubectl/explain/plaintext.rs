//! `kubectl explain`'s default output (`--output=plaintext`): the OpenAPI v3
//! schemas laid out as kubectl 1.32's plaintext template lays them out.
//!
//! The layout rules, as kubectl applies them:
//! - a field that references a named schema prints its own description and
//!   then the named schema's, each on its own lines;
//! - descriptions wrap at 76 columns (fields: 78 less their indent) at
//!   spaces only, and a word longer than the line stays whole;
//! - a field's type is `[]T` for arrays, `map[string]T` for maps, the
//!   referenced schema's short name for objects, and the primitive type for
//!   references to strings (`Time` is `<string>`).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{failed, group_version_text};
use crate::api::openapi;
use crate::api::Kind;
use crate::kubectl::Output;

/// The whole explanation of a kind, or of a field inside it. As kubectl
/// does, the heading is printed before a missing field is found out.
pub fn explain(kind: Kind, field_path: &[String], recursive: bool) -> Output {
    let Some((_, schema)) = openapi::kind_schema(kind) else {
        return failed(&format!(
            "error: GVR ({}, Resource={}) not found in OpenAPI schema",
            group_version_text(kind.api_version()),
            kind.plural()
        ));
    };
    let mut out = Output::default();
    if !kind.group().is_empty() {
        out.out(format!("GROUP:      {}", kind.group()));
    }
    out.out(format!("KIND:       {}", kind.name()));
    out.out(format!("VERSION:    {}\n", kind.version()));
    let body = Explainer { recursive }.output(schema, field_path, &BTreeSet::new());
    if body.is_empty() {
        let field = field_path.last().map(String::as_str).unwrap_or_default();
        out.fail(format!("error: field \"{field}\" does not exist"));
        return out;
    }
    out.out(body);
    out
}

struct Explainer {
    recursive: bool,
}

impl Explainer {
    /// Follows the field path, then prints the description and fields found
    /// there; empty when the path leads nowhere.
    fn output(&self, schema: &Value, path: &[String], seen: &BTreeSet<String>) -> String {
        let reference = reference_of(schema);
        let resolved = resolve(schema);
        let Some((first, rest)) = path.split_first() else {
            return self.description_and_fields(resolved);
        };
        if !reference.is_empty() && seen.contains(reference) {
            return String::new();
        }
        let seen = with(seen, reference);
        if let Some(field) = properties(resolved).and_then(|p| p.get(first.as_str())) {
            let mut text = String::new();
            if rest.is_empty() {
                text.push_str(&format!("FIELD: {first} <{}>\n", type_guess(field)));
                text.push_str(&long_enum(field));
                text.push_str("\n\n");
            }
            text.push_str(&self.output(field, rest, &BTreeSet::new()));
            return text;
        }
        if let Some(items) = truthy(resolved.get("items")) {
            return self.output(items, path, &seen);
        }
        if let Some(values) = map_values(resolved) {
            return self.output(values, path, &seen);
        }
        all_of(resolved)
            .iter()
            .map(|alternative| self.output(alternative, path, &seen))
            .find(|text| !text.is_empty())
            .unwrap_or_default()
    }

    fn description_and_fields(&self, resolved: &Value) -> String {
        let description = description(resolved);
        let description = if description.is_empty() {
            "<empty>".to_string()
        } else {
            description
        };
        let mut text = format!("DESCRIPTION:\n{}\n", indent(4, &wrap(&description, 76)));
        let fields = self.field_list(resolved, 1, &BTreeSet::new());
        if !fields.is_empty() {
            text.push_str("FIELDS:\n");
            text.push_str(&fields);
        }
        text
    }

    /// Every field of a schema (and, with `--recursive`, of its fields),
    /// stopping at a schema already on the way down.
    fn field_list(&self, schema: &Value, level: usize, seen: &BTreeSet<String>) -> String {
        let reference = reference_of(schema);
        if !reference.is_empty() && seen.contains(reference) {
            return String::new();
        }
        let seen = with(seen, reference);
        let resolved = resolve(schema);
        let mut text = String::new();
        if let Some(properties) = properties(resolved) {
            let mut names: Vec<&String> = properties.keys().collect();
            names.sort();
            for name in names {
                text.push_str(&self.field_detail(name, resolved, level));
                if self.recursive {
                    text.push_str(&self.field_list(&properties[name], level + 1, &seen));
                }
            }
        }
        for alternative in all_of(resolved) {
            text.push_str(&self.field_list(alternative, level, &seen));
        }
        if let Some(items) = truthy(resolved.get("items")) {
            text.push_str(&self.field_list(items, level, &seen));
        }
        if let Some(values) = map_values(resolved) {
            text.push_str(&self.field_list(values, level, &seen));
        }
        text
    }

    /// `  name\t<type> -required-`, then (unless recursive) its wrapped
    /// description and a blank line.
    fn field_detail(&self, name: &str, parent: &Value, level: usize) -> String {
        let indent_by = level * 2;
        let field = &parent["properties"][name];
        let mut text = format!("{}{name}\t<{}>", " ".repeat(indent_by), type_guess(field));
        if is_required(parent, name) {
            text.push_str(" -required-");
        }
        text.push_str(&short_enum(field, indent_by));
        text.push('\n');
        if !self.recursive {
            let description = field
                .get("description")
                .and_then(Value::as_str)
                .filter(|d| !d.is_empty())
                .unwrap_or("<no description>");
            let wrapped = wrap(description, 78usize.saturating_sub(indent_by));
            text.push_str(&indent(indent_by + 2, &wrapped));
            text.push_str("\n\n");
        }
        text
    }
}

/// The `$ref` of a schema, or "".
fn reference_of(schema: &Value) -> &str {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The schema a reference names, or the schema itself.
fn resolve(schema: &Value) -> &Value {
    openapi::resolve(reference_of(schema)).unwrap_or(schema)
}

fn with(seen: &BTreeSet<String>, reference: &str) -> BTreeSet<String> {
    let mut seen = seen.clone();
    seen.insert(reference.to_string());
    seen
}

/// A value as a template's `if` sees it: null, false, 0, "" and empty
/// collections are false.
fn truthy(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    })
}

fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    truthy(schema.get("properties")).and_then(Value::as_object)
}

/// A map's value schema (`additionalProperties` when it is a schema).
fn map_values(schema: &Value) -> Option<&Value> {
    truthy(schema.get("additionalProperties")).filter(|v| v.is_object())
}

fn all_of(schema: &Value) -> &[Value] {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn is_required(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|required| required.iter().any(|r| r.as_str() == Some(name)))
}

/// A schema's description followed by those of what it is made of (its
/// reference, `allOf`, items and map values), each ending in a line break.
fn description(schema: &Value) -> String {
    let resolved = resolve(schema);
    let mut text = String::new();
    if let Some(own) = truthy(resolved.get("description")).and_then(Value::as_str) {
        text.push_str(own);
        text.push('\n');
    }
    for alternative in all_of(resolved) {
        text.push_str(&description(alternative));
    }
    if let Some(items) = truthy(resolved.get("items")) {
        text.push_str(&description(items));
    }
    if let Some(values) = map_values(resolved) {
        text.push_str(&description(values));
    }
    text
}

/// kubectl's short type name for a field's schema.
pub fn type_guess(schema: &Value) -> String {
    if let Some(items) = truthy(schema.get("items")) {
        return format!("[]{}", type_guess(items));
    }
    if let Some(values) = map_values(schema) {
        return format!("map[string]{}", type_guess(values));
    }
    let all_of = all_of(schema);
    if all_of.len() == 1 && properties(schema).is_none() {
        return type_guess(&all_of[0]);
    }
    let reference = reference_of(schema);
    if !reference.is_empty() {
        let target_type = openapi::resolve(reference)
            .and_then(|target| target.get("type"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty() && *t != "object");
        return match target_type {
            Some(primitive) => primitive.to_string(),
            None => short_name(reference),
        };
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None | Some("") => "Object".to_string(),
        Some(other) => other.to_string(),
    }
}

/// `#/components/schemas/io.k8s.api.core.v1.PodSpec` → `PodSpec`.
fn short_name(reference: &str) -> String {
    let name = reference.rsplit('/').next().unwrap_or_default();
    match name.rsplit('.').next() {
        Some(short) if !short.is_empty() => short.to_string(),
        _ => "Object".to_string(),
    }
}

fn enum_values(schema: &Value) -> Vec<String> {
    truthy(schema.get("enum"))
        .and_then(Value::as_array)
        .map(|values| {
            values
                .iter()
                .map(|value| match value {
                    Value::String(s) if s.is_empty() => "\"\"".to_string(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `ENUM:` and one value per line, under a field's own heading.
fn long_enum(schema: &Value) -> String {
    let values = enum_values(schema);
    if values.is_empty() {
        return String::new();
    }
    let mut text = "ENUM:".to_string();
    for value in values {
        text.push_str("\n    ");
        text.push_str(&value);
    }
    text
}

/// `enum: a, b, c, d, ....` under a field in a list, at most four values.
fn short_enum(schema: &Value, indent_by: usize) -> String {
    let values = enum_values(schema);
    if values.is_empty() {
        return String::new();
    }
    let mut text = format!("\n{}enum: ", " ".repeat(indent_by));
    for (index, value) in values.iter().enumerate() {
        if index == 4 {
            text.push_str(", ....");
            break;
        }
        if index > 0 {
            text.push_str(", ");
        }
        text.push_str(value);
    }
    text
}

/// Every line of `text` indented by `by` spaces, as the template's
/// `indent` does (an empty last line is indented too).
fn indent(by: usize, text: &str) -> String {
    let pad = " ".repeat(by);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// kubectl's `wrap` (go-wordwrap): wraps at spaces to `limit` columns,
/// keeping a word longer than the line whole; a line break starts a new
/// line.
pub fn wrap(text: &str, limit: usize) -> String {
    let mut wrapper = Wrapper {
        limit,
        ..Wrapper::default()
    };
    for ch in text.chars() {
        if ch == '\n' {
            wrapper.settle();
            wrapper.out.push('\n');
            wrapper.column = 0;
        } else if ch.is_whitespace() && ch != '\u{a0}' {
            if wrapper.space_len == 0 || wrapper.word_len > 0 {
                wrapper.column += wrapper.space_len + wrapper.word_len;
                wrapper.flush();
            }
            wrapper.space.push(ch);
            wrapper.space_len += 1;
        } else {
            wrapper.word.push(ch);
            wrapper.word_len += 1;
            wrapper.break_if_too_long();
        }
    }
    wrapper.settle();
    wrapper.out
}

/// go-wordwrap's state: the text so far, the column, and the pending word
/// and the spaces before it (lengths in characters).
#[derive(Default)]
struct Wrapper {
    limit: usize,
    out: String,
    column: usize,
    word: String,
    word_len: usize,
    space: String,
    space_len: usize,
}

impl Wrapper {
    /// Writes the pending spaces and word.
    fn flush(&mut self) {
        self.out.push_str(&self.space);
        self.out.push_str(&self.word);
        self.space.clear();
        self.word.clear();
        (self.space_len, self.word_len) = (0, 0);
    }

    /// At a line break or the end: trailing spaces stay only if they fit.
    fn settle(&mut self) {
        if self.word_len == 0 && self.column + self.space_len > self.limit {
            self.space.clear();
        }
        self.flush();
    }

    /// Starts a new line when the pending word no longer fits (unless the
    /// word alone is longer than a line).
    fn break_if_too_long(&mut self) {
        if self.column + self.space_len + self.word_len > self.limit && self.word_len < self.limit {
            self.out.push('\n');
            self.column = 0;
            self.space.clear();
            self.space_len = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_the_last_space_that_fits_and_keeps_long_words_whole() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(
            wrap("see https://example.com/a/very/long/path here", 10),
            "see\nhttps://example.com/a/very/long/path\nhere"
        );
    }

    #[test]
    fn wrap_starts_a_new_line_at_a_line_break() {
        assert_eq!(wrap("aaa\nbbb ccc", 7), "aaa\nbbb ccc");
        assert_eq!(wrap("end.\n", 76), "end.\n");
    }

    #[test]
    fn types_read_as_kubectl_names_them() {
        let pod = &openapi::schemas()["io.k8s.api.core.v1.Pod"];
        let spec = &openapi::schemas()["io.k8s.api.core.v1.PodSpec"]["properties"];
        let meta =
            &openapi::schemas()["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"];
        assert_eq!(type_guess(&pod["properties"]["spec"]), "PodSpec");
        assert_eq!(type_guess(&spec["containers"]), "[]Container");
        assert_eq!(type_guess(&spec["nodeSelector"]), "map[string]string");
        assert_eq!(type_guess(&meta["creationTimestamp"]), "string");
        assert_eq!(type_guess(&spec["hostNetwork"]), "boolean");
    }

    #[test]
    fn a_missing_field_is_named() {
        let path = vec!["spec".to_string(), "nope".to_string()];
        let out = explain(Kind::Pod, &path, false);
        assert_eq!(out.stdout, "KIND:       Pod\nVERSION:    v1\n\n");
        assert_eq!(out.stderr, "error: field \"nope\" does not exist\n");
        assert_eq!(out.exit_code, 1);
    }
}

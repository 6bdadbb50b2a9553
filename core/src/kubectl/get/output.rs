//! `-o` for `kubectl get`: which printer, and the non-table printers
//! (`yaml`, `json`, `name`, `jsonpath=…`, `custom-columns=…`).

use serde_json::{json, Map, Value};

use super::jsonpath::{value_text, Template};
use super::table::tabwriter;
use crate::api::Object;
use crate::kubectl::args::Parsed;
use crate::kubectl::yaml::to_yaml;

const ALLOWED: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// The chosen printer.
#[derive(Clone, Debug, PartialEq)]
pub enum Format {
    /// The human-readable table; `wide` shows priority-1 columns.
    Table {
        /// `-o wide`.
        wide: bool,
    },
    /// `-o yaml`.
    Yaml,
    /// `-o json`.
    Json,
    /// `-o name`.
    Name,
    /// `-o jsonpath=…`.
    JsonPath(Template),
    /// `-o custom-columns=HEADER:path,…`.
    CustomColumns(Vec<(String, Template)>),
}

impl Format {
    /// Reads `-o` (and checks `--show-labels` against it).
    pub fn parse(parsed: &Parsed) -> Result<Format, String> {
        let text = parsed.value("output").unwrap_or("");
        let format = match text {
            "" => Format::Table { wide: false },
            "wide" => Format::Table { wide: true },
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "name" => Format::Name,
            other => {
                if let Some(template) = other.strip_prefix("jsonpath=") {
                    let template = unquote(template);
                    Format::JsonPath(
                        Template::parse(template).map_err(|e| {
                            format!("error: error parsing jsonpath {template}, {e}")
                        })?,
                    )
                } else if let Some(spec) = other.strip_prefix("custom-columns=") {
                    Format::CustomColumns(custom_columns(spec)?)
                } else if other == "jsonpath" || other == "custom-columns" {
                    return Err(format!(
                        "error: {other} template format specified but no template given"
                    ));
                } else {
                    return Err(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: {ALLOWED}"));
                }
            }
        };
        if parsed.flag("show-labels") && !matches!(format, Format::Table { .. }) {
            return Err(format!(
                "error: --show-labels option cannot be used with {} printer",
                text.split('=').next().unwrap_or(text)
            ));
        }
        Ok(format)
    }
}

/// `'{.a}'` as typed with quotes the shell kept: the quotes go.
fn unquote(text: &str) -> &str {
    text.strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text)
}

/// `NAME:.metadata.name,IMAGE:.spec.containers[*].image`.
fn custom_columns(spec: &str) -> Result<Vec<(String, Template)>, String> {
    spec.split(',')
        .filter(|c| !c.is_empty())
        .map(|column| {
            let (header, path) = column.split_once(':').ok_or_else(|| {
                format!("error: unexpected custom-columns spec: {column}, expected <header>:<json-path-expr>")
            })?;
            let path = path.trim();
            let template = if path.starts_with('{') {
                path.to_string()
            } else {
                format!("{{{path}}}")
            };
            Template::parse(&template)
                .map(|t| (header.to_string(), t))
                .map_err(|e| format!("error: error parsing jsonpath {template}, {e}"))
        })
        .collect()
}

/// Prints objects with a non-table printer. `single` prints one object
/// by itself; otherwise they are wrapped in a `List`. As kubectl does,
/// `metadata.managedFields` is left out unless `show_managed_fields`.
pub fn print(
    format: &Format,
    objects: &[&Object],
    single: bool,
    show_managed_fields: bool,
) -> Result<String, String> {
    if let Format::Name = format {
        return Ok(objects
            .iter()
            .map(|o| format!("{}\n", o.kubectl_name()))
            .collect());
    }
    if let Format::CustomColumns(columns) = format {
        return Ok(print_custom_columns(columns, objects));
    }
    let mut value = if single {
        objects.first().map(|o| o.to_value()).unwrap_or(Value::Null)
    } else {
        list_of(objects)
    };
    if !show_managed_fields {
        omit_managed_fields(&mut value);
    }
    Ok(match format {
        Format::Yaml => to_yaml(&value),
        Format::Json => to_json(&value),
        Format::JsonPath(template) => template.execute(&value),
        _ => String::new(),
    })
}

/// Drops `metadata.managedFields` from an object, or from each item of a list.
fn omit_managed_fields(value: &mut Value) {
    if let Some(items) = value.get_mut("items").and_then(Value::as_array_mut) {
        items.iter_mut().for_each(omit_managed_fields);
    }
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("managedFields");
    }
}

/// The `v1` `List` kubectl wraps several objects in.
pub fn list_of(objects: &[&Object]) -> Value {
    json!({
        "apiVersion": "v1",
        "items": objects.iter().map(|o| o.to_value()).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

fn print_custom_columns(columns: &[(String, Template)], objects: &[&Object]) -> String {
    let mut lines = vec![columns.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>()];
    for object in objects {
        let value = object.to_value();
        lines.push(
            columns
                .iter()
                .map(|(_, template)| {
                    let values = template.select(&value);
                    if values.is_empty() {
                        "<none>".to_string()
                    } else {
                        values.iter().map(value_text).collect::<Vec<_>>().join(",")
                    }
                })
                .collect(),
        );
    }
    tabwriter(&lines)
}

/// JSON as kubectl prints it: Go's `MarshalIndent` with four spaces, keys
/// sorted, and `<`, `>` and `&` escaped.
pub fn to_json(value: &Value) -> String {
    let sorted = sort_keys(value);
    let mut buffer = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, formatter);
    if serde::Serialize::serialize(&sorted, &mut serializer).is_err() {
        return String::new();
    }
    let text = String::from_utf8(buffer).unwrap_or_default();
    let mut escaped = text
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029");
    escaped.push('\n');
    escaped
}

/// The value with every object's keys in byte order, as Go's encoder writes maps.
fn sort_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let mut sorted = Map::new();
            for (k, v) in entries {
                sorted.insert(k.clone(), sort_keys(v));
            }
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_indented_by_four_and_escapes_html() {
        assert_eq!(
            to_json(&json!({"b": [1], "a": "<x&y>", "c": {}})),
            "{\n    \"a\": \"\\u003cx\\u0026y\\u003e\",\n    \"b\": [\n        1\n    ],\n    \"c\": {}\n}\n"
        );
    }
}

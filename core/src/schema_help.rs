//! Field help for a manifest being written: which object the cursor is in,
//! the fields that may go there, and a field's documentation. It reads the
//! same OpenAPI schemas as `kubectl explain` (`api::openapi`), so the
//! editor's completion and hover say what explain says.
//!
//! The manifest need not parse: the cursor's place is read from the block
//! YAML's indentation (keys, `- ` list items, `---` between documents),
//! and the kind from the document's top-level `apiVersion` and `kind`.

use serde_json::Value;

use crate::api::kinds::KindLookup;
use crate::api::{openapi, Kind};
use crate::kubectl::explain::type_guess;

/// One field's documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDoc {
    /// The field's name.
    pub name: String,
    /// Its type as `kubectl explain` names it (`[]Container`, `string`).
    pub type_name: String,
    /// Whether its object must have it.
    pub required: bool,
    /// The schema's description.
    pub description: String,
}

/// What may be typed at the cursor: the fields of the object it is in
/// (those starting with what is typed so far, and not there already).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completions {
    /// The partly typed key the suggestions would replace.
    pub typed: String,
    /// Where the object is, as explain's path: `pod.spec.containers`.
    pub path: String,
    /// The suggestions, in name order.
    pub fields: Vec<FieldDoc>,
}

/// The fields that may be written at `offset` (a byte offset into `text`),
/// when the cursor is where a key goes in a document of a known kind.
pub fn completions(text: &str, offset: usize) -> Option<Completions> {
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let (column, typed) = key_being_typed(before)?;
    let document = Document::around(text, offset)?;
    let keys = document.ancestors(line_start, column);
    let object = openapi_object(document.kind, &keys)?;
    let starts_item = dash_columns(before).next().is_some();
    let present = document.siblings(line_start, column, starts_item);
    let fields = fields_of(object)
        .into_iter()
        .filter(|field| field.name.starts_with(typed) && !present.contains(&field.name))
        .collect();
    Some(Completions {
        typed: typed.to_string(),
        path: explain_path(document.kind, &keys),
        fields,
    })
}

/// The documentation of the key under the cursor (or the mouse), if it is
/// a field of a known kind.
pub fn hover(text: &str, offset: usize) -> Option<FieldDoc> {
    field_on_line(text, offset, true)
}

/// The documentation of the field whose line the cursor is on, wherever on
/// the line it is (its key or its value).
pub fn line_field(text: &str, offset: usize) -> Option<FieldDoc> {
    field_on_line(text, offset, false)
}

fn field_on_line(text: &str, offset: usize, on_key_only: bool) -> Option<FieldDoc> {
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let (column, key) = key_of_line(line)?;
    let cursor_column = offset - line_start;
    if on_key_only && (cursor_column < column || cursor_column > column + key.len()) {
        return None;
    }
    let document = Document::around(text, offset)?;
    let keys = document.ancestors(line_start, column);
    let object = openapi_object(document.kind, &keys)?;
    fields_of(object)
        .into_iter()
        .find(|field| field.name == key)
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `  - na` → (4, "na"): the column and the typed part of a key, when the
/// line so far is only indentation, list dashes and a key's start.
fn key_being_typed(before: &str) -> Option<(usize, &str)> {
    let (column, rest) = skip_indent_and_dashes(before);
    rest.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .then_some((column, rest))
}

/// Leading spaces and `- ` items: the column where the content starts.
fn skip_indent_and_dashes(line: &str) -> (usize, &str) {
    let mut rest = line.trim_start_matches(' ');
    while let Some(after) = rest.strip_prefix("- ") {
        rest = after.trim_start_matches(' ');
    }
    (line.len() - rest.len(), rest)
}

/// `  - name: x` → (4, "name"): a line's key and its column.
fn key_of_line(line: &str) -> Option<(usize, &str)> {
    let (column, rest) = skip_indent_and_dashes(line);
    let (key, _) = rest.split_once(':')?;
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
    plain.then_some((column, key))
}

/// The lines of one YAML document and its kind.
struct Document<'a> {
    text: &'a str,
    /// Byte range of the document in `text`.
    start: usize,
    end: usize,
    kind: Kind,
}

impl<'a> Document<'a> {
    /// The document the offset is in, if its `apiVersion` and `kind` name
    /// a kind this cluster serves.
    fn around(text: &'a str, offset: usize) -> Option<Self> {
        let mut start = 0;
        let mut end = text.len();
        let mut position = 0;
        for line in text.split_inclusive('\n') {
            if line.trim_end() == "---" || line.starts_with("--- ") {
                if position + line.len() <= offset {
                    start = position + line.len();
                } else if position > offset {
                    end = position;
                    break;
                }
            }
            position += line.len();
        }
        let body = &text[start..end];
        let top = |name: &str| {
            body.lines().find_map(|line| {
                let value = line.strip_prefix(name)?.strip_prefix(':')?;
                Some(value.trim().trim_matches(['"', '\'']))
            })
        };
        let kind = match Kind::lookup(top("apiVersion")?, top("kind")?) {
            KindLookup::Known(kind) => kind,
            _ => return None,
        };
        Some(Self {
            text,
            start,
            end,
            kind,
        })
    }

    /// Lines of the document before `line_start`, nearest first, skipping
    /// blank and comment lines.
    fn lines_above(&self, line_start: usize) -> impl Iterator<Item = &'a str> {
        self.text[self.start..line_start.max(self.start)]
            .lines()
            .rev()
            .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
    }

    /// The keys of the objects that enclose a key at `column` on the line
    /// starting at `line_start`, outermost first.
    fn ancestors(&self, line_start: usize, column: usize) -> Vec<&'a str> {
        let mut keys = Vec::new();
        let mut limit = column;
        for line in self.lines_above(line_start) {
            if limit == 0 {
                break;
            }
            if let Some((key_column, key)) = key_of_line(line) {
                if key_column < limit {
                    keys.push(key);
                    limit = key_column;
                }
            }
            for dash in dash_columns(line) {
                if dash < limit {
                    // The list item that holds us: its parent is at or
                    // left of the dash.
                    limit = dash + 1;
                    break;
                }
            }
        }
        keys.reverse();
        keys
    }

    /// The keys already written in the object that a key at `column` on the
    /// line at `line_start` belongs to; `starts_item` when that line begins
    /// a list item (so nothing above is in the same object).
    fn siblings(&self, line_start: usize, column: usize, starts_item: bool) -> Vec<String> {
        let mut keys = Vec::new();
        let mut in_item = starts_item;
        let above = if starts_item {
            None
        } else {
            Some(self.lines_above(line_start))
        };
        for line in above.into_iter().flatten() {
            let (content_column, _) = skip_indent_and_dashes(line);
            if content_column < column {
                break;
            }
            if let Some((key_column, key)) = key_of_line(line) {
                if key_column == column {
                    keys.push(key.to_string());
                    if dash_columns(line).next().is_some() {
                        in_item = true;
                        break;
                    }
                }
            }
        }
        let line_end = self.text[line_start..self.end]
            .find('\n')
            .map_or(self.end, |i| line_start + i + 1);
        for line in self.text[line_end..self.end].lines() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (content_column, _) = skip_indent_and_dashes(line);
            let starts_item = dash_columns(line).next().is_some();
            if content_column < column || (starts_item && in_item) {
                break;
            }
            if let Some((key_column, key)) = key_of_line(line) {
                if key_column == column && !starts_item {
                    keys.push(key.to_string());
                }
            }
        }
        keys
    }
}

/// The columns of a line's leading `- ` list dashes.
fn dash_columns(line: &str) -> impl Iterator<Item = usize> + '_ {
    let mut column = line.len() - line.trim_start_matches(' ').len();
    std::iter::from_fn(move || {
        let rest = &line[column..];
        rest.strip_prefix("- ")
            .or_else(|| (rest == "-").then_some(""))
            .map(|after| {
                let dash = column;
                column += 2 + (after.len() - after.trim_start_matches(' ').len());
                dash
            })
    })
}

/// The object schema that a path of keys leads to from a kind's schema,
/// through references, lists and `allOf`; None when it is not an object
/// with named fields (a map, a string).
fn openapi_object(kind: Kind, keys: &[&str]) -> Option<&'static Value> {
    let (_, mut schema) = openapi::kind_schema(kind)?;
    for key in keys {
        schema = object_schema(schema)?.get("properties")?.get(*key)?;
    }
    object_schema(schema).filter(|object| object.get("properties").is_some())
}

/// Looks through a reference, a single `allOf` and array items to the
/// schema that describes one object.
fn object_schema(schema: &'static Value) -> Option<&'static Value> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return object_schema(openapi::resolve(reference)?);
    }
    if let Some([only]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return object_schema(only);
    }
    if let Some(items) = schema.get("items") {
        return object_schema(items);
    }
    Some(schema)
}

/// An object schema's fields, in name order.
fn fields_of(object: &Value) -> Vec<FieldDoc> {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields: Vec<FieldDoc> = object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| FieldDoc {
            name: name.clone(),
            type_name: type_guess(schema),
            required: required.contains(&name.as_str()),
            description: schema
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        })
        .collect();
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    fields
}

/// `pod.spec.containers`, as `kubectl explain` takes it.
fn explain_path(kind: Kind, keys: &[&str]) -> String {
    std::iter::once(kind.singular().as_str())
        .chain(keys.iter().copied())
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: nginx
        image: nginx
        
";

    fn names(completions: &Completions) -> Vec<&str> {
        completions.fields.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn a_key_at_the_top_completes_the_kinds_own_fields() {
        let text = "apiVersion: v1\nkind: Pod\nsp";
        let found = completions(text, text.len()).expect("a key position");
        assert_eq!(found.typed, "sp");
        assert_eq!(found.path, "pod");
        assert_eq!(names(&found), ["spec"]);
    }

    #[test]
    fn inside_a_list_item_the_items_fields_come_without_those_written() {
        let offset = DEPLOYMENT.len() - 1;
        let found = completions(DEPLOYMENT, offset).expect("a key position");
        assert_eq!(found.path, "deployment.spec.template.spec.containers");
        let names = names(&found);
        assert!(
            names.contains(&"ports") && names.contains(&"env"),
            "{names:?}"
        );
        assert!(
            !names.contains(&"name") && !names.contains(&"image"),
            "{names:?}"
        );
    }

    #[test]
    fn a_new_list_item_offers_every_field_of_the_item() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n  - ";
        let found = completions(text, text.len()).expect("a key position");
        assert_eq!(found.path, "pod.spec.containers");
        assert!(names(&found).contains(&"name"));
    }

    #[test]
    fn no_suggestions_in_values_maps_or_unknown_kinds() {
        let value = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: we";
        assert_eq!(completions(value, value.len()), None);
        let labels = "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    ap";
        assert_eq!(completions(labels, labels.len()), None);
        let unknown = "apiVersion: v9\nkind: Pod\nsp";
        assert_eq!(completions(unknown, unknown.len()), None);
    }

    #[test]
    fn the_document_the_cursor_is_in_decides_the_kind() {
        let text = "apiVersion: v1\nkind: Service\n---\napiVersion: v1\nkind: Pod\nspec:\n  host";
        let found = completions(text, text.len()).expect("a key position");
        assert_eq!(found.path, "pod.spec");
        assert!(names(&found).contains(&"hostNetwork"));
    }

    #[test]
    fn hovering_a_key_documents_it_as_explain_does() {
        let offset = DEPLOYMENT.find("replicas").expect("a replicas key") + 2;
        let doc = hover(DEPLOYMENT, offset).expect("a field");
        assert_eq!(doc.name, "replicas");
        assert_eq!(doc.type_name, "integer");
        assert!(doc.description.starts_with("Number of desired pods."));
        let containers = DEPLOYMENT.find("containers").expect("containers") + 1;
        let doc = hover(DEPLOYMENT, containers).expect("a field");
        assert_eq!(doc.type_name, "[]Container");
        assert!(doc.required);
        let value = DEPLOYMENT.find("echo").expect("a value");
        assert_eq!(hover(DEPLOYMENT, value), None);
        assert_eq!(
            line_field(DEPLOYMENT, value).map(|d| d.name),
            Some("name".to_string())
        );
    }
}

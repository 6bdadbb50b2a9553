//! `kubectl explain --output=plaintext-openapiv2`: the OpenAPI v2 schemas
//! (`api::openapi::v2_definitions`) laid out as kubectl's older explain
//! does.
//!
//! kubectl first reads each schema as one of six shapes (kube-openapi's
//! `proto` models): a reference, an object with fields (a "kind"), a map,
//! an array, a primitive, or anything-goes. Then it walks the field path,
//! collecting the descriptions of the references, arrays and maps it passes
//! through, and prints them before the description of where it stops.

use serde_json::{Map, Value};

use crate::api::openapi;
use crate::api::Kind;
use crate::kubectl::Output;

/// Descriptions wrap at this column (less their indent).
const WRAP: usize = 80;
/// The indent of the description under `DESCRIPTION:`.
const DESCRIPTION_INDENT: usize = 5;
/// The indent of the fields under `FIELDS:`.
const FIELD_INDENT: usize = 3;
/// The extra indent of a field's description, and of each recursion level.
const FIELD_DESCRIPTION_INDENT: usize = 2;
const RECURSION_INDENT: usize = 3;

/// A schema as kubectl's v2 explain reads it.
enum Shape<'a> {
    /// `$ref`: the referencing schema (its own description) and the target.
    Reference(&'a Value, &'a Value),
    /// An object with properties.
    Kind(&'a Map<String, Value>),
    /// An object without properties: its values' schema, if any.
    Map(Option<&'a Value>),
    /// An array of `items`.
    Array(&'a Value),
    /// `string`, `integer`, `boolean`, `number`.
    Primitive(&'a str),
    /// No type and no properties.
    Arbitrary,
}

fn shape(schema: &Value) -> Shape<'_> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix(openapi::V2_REF_PREFIX)
            .unwrap_or(reference);
        if let Some(target) = openapi::v2_definitions().get(name) {
            return Shape::Reference(schema, target);
        }
    }
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .filter(|p| !p.is_empty());
    match (schema.get("type").and_then(Value::as_str), properties) {
        (None | Some("object"), Some(properties)) => Shape::Kind(properties),
        (None, None) => Shape::Arbitrary,
        (Some("object"), None) => Shape::Map(
            schema
                .get("additionalProperties")
                .filter(|values| values.is_object()),
        ),
        (Some("array"), _) => Shape::Array(&schema["items"]),
        (Some(primitive), _) => Shape::Primitive(primitive),
    }
}

fn description(schema: &Value) -> &str {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// kubectl's v2 type names: `Object`, `[]Object`, `map[string]string`, and
/// nothing for anything-goes values.
fn type_name(schema: &Value) -> String {
    match shape(schema) {
        Shape::Reference(_, target) => type_name(target),
        Shape::Kind(_) => "Object".to_string(),
        Shape::Map(values) => format!("map[string]{}", values.map(type_name).unwrap_or_default()),
        Shape::Array(items) => format!("[]{}", type_name(items)),
        Shape::Primitive(primitive) => primitive.to_string(),
        Shape::Arbitrary => String::new(),
    }
}

/// The whole explanation, as `--output=plaintext-openapiv2` prints it.
pub fn explain(kind: Kind, field_path: &[String], recursive: bool) -> Output {
    let mut out = Output::default();
    let Some((name, _)) = openapi::kind_schema(kind) else {
        out.fail(format!(
            "error: couldn't find resource for \"{}, Kind={}\"",
            kind.api_version(),
            kind.name()
        ));
        return out;
    };
    let root = &openapi::v2_definitions()[name];
    let target = match lookup(root, field_path) {
        Ok(target) => target,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let mut printer = ModelPrinter {
        name: field_path.last().cloned().unwrap_or_default(),
        heading: format!(
            "KIND:     {}\nVERSION:  {}\n\n",
            kind.name(),
            kind.api_version()
        ),
        recursive,
        type_name: None,
        descriptions: Vec::new(),
        text: String::new(),
    };
    match target {
        Found::Schema(schema) => printer.visit(schema),
        Found::ValuesOf(map) => printer.print_arbitrary(map),
    }
    out.stdout = printer.text;
    out
}

/// Where a field path leads.
enum Found<'a> {
    /// A schema.
    Schema(&'a Value),
    /// The anything-goes values of a map without a value schema (kubectl
    /// describes them as the map).
    ValuesOf(&'a Value),
}

/// Follows the field path through references, arrays and maps; a primitive
/// or anything-goes value ends the walk early.
fn lookup<'a>(schema: &'a Value, path: &[String]) -> Result<Found<'a>, String> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(Found::Schema(schema));
    };
    match shape(schema) {
        Shape::Reference(_, target) => lookup(target, path),
        Shape::Array(items) => lookup(items, path),
        Shape::Map(Some(values)) => lookup(values, path),
        Shape::Map(None) => Ok(Found::ValuesOf(schema)),
        Shape::Kind(fields) => match fields.get(first.as_str()) {
            Some(field) => lookup(field, rest),
            None => Err(format!("error: field \"{first}\" does not exist")),
        },
        Shape::Primitive(_) | Shape::Arbitrary => Ok(Found::Schema(schema)),
    }
}

/// kubectl's `modelPrinter`: collects descriptions on the way down to a
/// kind, primitive or anything-goes value, then prints.
struct ModelPrinter {
    name: String,
    heading: String,
    recursive: bool,
    type_name: Option<String>,
    descriptions: Vec<String>,
    text: String,
}

impl ModelPrinter {
    fn visit(&mut self, schema: &Value) {
        match shape(schema) {
            Shape::Reference(referencing, target) => {
                self.descriptions.push(description(referencing).to_string());
                self.visit(target);
            }
            Shape::Array(items) => {
                self.pass_through(schema);
                self.visit(items);
            }
            Shape::Map(Some(values)) => {
                self.pass_through(schema);
                self.visit(values);
            }
            Shape::Map(None) => {
                // Its values are anything-goes, described as the map is.
                self.pass_through(schema);
                self.print_arbitrary(schema);
            }
            Shape::Kind(_) => self.print_kind(schema),
            Shape::Primitive(_) => {
                self.text.push_str(&self.heading);
                let type_name = self.type_name.clone().unwrap_or_else(|| type_name(schema));
                self.text
                    .push_str(&format!("FIELD:    {} <{type_name}>\n\n", self.name));
                self.print_description(schema);
            }
            Shape::Arbitrary => self.print_arbitrary(schema),
        }
    }

    fn print_arbitrary(&mut self, schema: &Value) {
        self.text.push_str(&self.heading);
        self.print_description(schema);
    }

    /// An array or map on the way: its description, and the type name
    /// kubectl shows if this is the first thing with one.
    fn pass_through(&mut self, schema: &Value) {
        self.descriptions.push(description(schema).to_string());
        if self.type_name.is_none() {
            self.type_name = Some(type_name(schema));
        }
    }

    fn print_kind(&mut self, schema: &Value) {
        self.text.push_str(&self.heading);
        let type_name = self
            .type_name
            .clone()
            .unwrap_or_else(|| "Object".to_string());
        if !self.name.is_empty() {
            self.text
                .push_str(&format!("RESOURCE: {} <{type_name}>\n\n", self.name));
        }
        self.print_description(schema);
        self.text.push_str("\nFIELDS:\n");
        if self.recursive {
            print_fields_recursively(schema, FIELD_INDENT, &mut Vec::new(), &mut self.text);
        } else {
            print_fields(schema, &mut self.text);
        }
    }

    /// `DESCRIPTION:`, then each description met on the way and the last
    /// schema's own, separated by blank lines; `<empty>` if all are empty.
    fn print_description(&mut self, schema: &Value) {
        self.text.push_str("DESCRIPTION:\n");
        let mut descriptions = std::mem::take(&mut self.descriptions);
        descriptions.push(description(schema).to_string());
        let mut empty = true;
        for (index, text) in descriptions.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            empty = false;
            if index != 0 {
                self.text.push('\n');
            }
            write_wrapped(text, DESCRIPTION_INDENT, &mut self.text);
        }
        if empty {
            write_wrapped("<empty>", DESCRIPTION_INDENT, &mut self.text);
        }
    }
}

/// The fields of the kind a schema is (through references, arrays and
/// maps): `name\t<type> -required-`, the wrapped description, a blank line.
fn print_fields(schema: &Value, text: &mut String) {
    match shape(schema) {
        Shape::Reference(_, target) => print_fields(target, text),
        Shape::Array(inner) | Shape::Map(Some(inner)) => print_fields(inner, text),
        Shape::Kind(fields) => {
            let mut names: Vec<&String> = fields.keys().collect();
            names.sort();
            for name in names {
                let field = &fields[name.as_str()];
                let required = if is_required(schema, name) {
                    " -required-"
                } else {
                    ""
                };
                write_line(
                    &format!("{name}\t<{}>{required}", type_name(field)),
                    FIELD_INDENT,
                    text,
                );
                write_wrapped(
                    description(field),
                    FIELD_INDENT + FIELD_DESCRIPTION_INDENT,
                    text,
                );
                text.push('\n');
            }
        }
        Shape::Map(None) | Shape::Primitive(_) | Shape::Arbitrary => {}
    }
}

/// `--recursive`: every field's name and type, each level indented three
/// more, stopping at a reference already on the way down.
fn print_fields_recursively(
    schema: &Value,
    indent: usize,
    references: &mut Vec<String>,
    text: &mut String,
) {
    match shape(schema) {
        Shape::Reference(referencing, target) => {
            let reference = referencing["$ref"].as_str().unwrap_or_default().to_string();
            if references.contains(&reference) {
                return;
            }
            references.push(reference);
            print_fields_recursively(target, indent, references, text);
            references.pop();
        }
        Shape::Array(inner) | Shape::Map(Some(inner)) => {
            print_fields_recursively(inner, indent, references, text)
        }
        Shape::Kind(fields) => {
            let mut names: Vec<&String> = fields.keys().collect();
            names.sort();
            for name in names {
                let field = &fields[name.as_str()];
                write_line(&format!("{name}\t<{}>", type_name(field)), indent, text);
                print_fields_recursively(field, indent + RECURSION_INDENT, references, text);
            }
        }
        Shape::Map(None) | Shape::Primitive(_) | Shape::Arbitrary => {}
    }
}

fn is_required(schema: &Value, name: &str) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|required| required.iter().any(|r| r.as_str() == Some(name)))
}

/// One line at an indent; an empty line gets no indent.
fn write_line(line: &str, indent: usize, text: &mut String) {
    if !line.is_empty() {
        text.push_str(&" ".repeat(indent));
        text.push_str(line);
    }
    text.push('\n');
}

fn write_wrapped(description: &str, indent: usize, text: &mut String) {
    for line in wrap_lines(description, WRAP - indent) {
        write_line(&line, indent, text);
    }
}

/// kubectl's v2 `wrapString`: joins a description's lines into paragraphs
/// of words, wrapped at `width`, but keeps indented code blocks, blank
/// lines, list items and lines after a `:` on lines of their own.
fn wrap_lines(text: &str, width: usize) -> Vec<String> {
    let mut wrapped: Vec<String> = Vec::new();
    let mut line: Vec<&str> = Vec::new();
    let mut last_word = "";
    let flush = |line: &mut Vec<&str>, wrapped: &mut Vec<String>, last_word: &mut &str| {
        if !line.is_empty() {
            *last_word = "";
            wrapped.push(line.join(" "));
            line.clear();
        }
    };
    for source in text.split('\n') {
        if source.starts_with("    ") {
            flush(&mut line, &mut wrapped, &mut last_word);
            wrapped.push(source.to_string());
            continue;
        }
        if !wrapped.is_empty() && source.trim().is_empty() {
            flush(&mut line, &mut wrapped, &mut last_word);
            wrapped.push(String::new());
            continue;
        }
        if starts_new_line(last_word, source) {
            flush(&mut line, &mut wrapped, &mut last_word);
        }
        for word in source.split_whitespace() {
            last_word = word;
            let joined_len: usize = line.iter().map(|w| w.len() + 1).sum::<usize>() + word.len();
            if !line.is_empty() && joined_len > width {
                // kubectl forgets the last word here too.
                flush(&mut line, &mut wrapped, &mut last_word);
            }
            line.push(word);
        }
    }
    flush(&mut line, &mut wrapped, &mut last_word);
    wrapped
}

/// Whether a source line keeps its own line: after a word ending in `:`,
/// an indented code line, a blank line, or a list item (`1.`, `-`, `*`).
fn starts_new_line(last_word: &str, line: &str) -> bool {
    if last_word.ends_with(':') || line.starts_with("    ") {
        return true;
    }
    let trimmed = line.trim();
    trimmed.is_empty() || is_bullet(trimmed)
}

/// `^(\d+\.?|-|\*)\s`.
fn is_bullet(line: &str) -> bool {
    let marker_len = if line.starts_with(['-', '*']) {
        1
    } else {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        digits + usize::from(line[digits..].starts_with('.'))
    };
    line[marker_len..].starts_with(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_joins_lines_but_keeps_lists_code_and_blank_lines() {
        assert_eq!(wrap_lines("a b\nc", 80), ["a b c"]);
        assert_eq!(
            wrap_lines("Items:\n- one\n- two", 80),
            ["Items:", "- one", "- two"]
        );
        // A blank line is kept only once a line has been written.
        assert_eq!(wrap_lines("a\n\nb", 80), ["a", "b"]);
        assert_eq!(
            wrap_lines("Items:\n- one\n\nafter", 80),
            ["Items:", "- one", "", "after"]
        );
        assert_eq!(wrap_lines("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap_lines("x\n    code  here", 80), ["x", "    code  here"]);
    }

    #[test]
    fn bullets_are_digits_dashes_or_stars_before_a_space() {
        assert!(is_bullet("1. one"));
        assert!(is_bullet("12 twelve"));
        assert!(is_bullet("- dash"));
        assert!(!is_bullet("-dash"));
        assert!(!is_bullet("1.5 items"));
    }

    #[test]
    fn type_names_are_the_v2_explains() {
        let pod = &openapi::v2_definitions()["io.k8s.api.core.v1.PodSpec"]["properties"];
        let meta = &openapi::v2_definitions()
            ["io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry"]["properties"];
        assert_eq!(type_name(&pod["containers"]), "[]Object");
        assert_eq!(type_name(&pod["nodeSelector"]), "map[string]string");
        assert_eq!(type_name(&pod["affinity"]), "Object");
        assert_eq!(type_name(&meta["fieldsV1"]), "map[string]");
    }
}

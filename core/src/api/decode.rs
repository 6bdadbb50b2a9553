//! Manifests to objects: YAML (several documents) or JSON, guarded against
//! pathological input, then decoded strictly into the kind's type.

use serde::Deserialize;
use serde_json::Value;

use super::kinds::{simulated_kind_names, KindLookup};
use super::strict::{self, UnknownField};
use super::{Kind, Object};

/// The most manifest text decoded at once. Larger input is refused before parsing.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// The deepest flow nesting (`[`/`{`) accepted. Deeper input is refused before parsing,
/// because the YAML parser slows down badly on it.
pub const MAX_NESTING: usize = 64;

/// Why a manifest could not become objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The text is over [`MAX_MANIFEST_BYTES`].
    TooLarge {
        /// The text's size.
        bytes: usize,
    },
    /// The text nests deeper than [`MAX_NESTING`].
    TooDeep {
        /// The line where the limit was crossed.
        line: usize,
    },
    /// Not valid YAML or JSON.
    Syntax {
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// 1-based column of the problem, when known.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A document is not a mapping.
    NotAnObject,
    /// `apiVersion` or `kind` is missing.
    MissingTypeInfo {
        /// `apiVersion not set`, `kind not set`.
        missing: Vec<&'static str>,
    },
    /// No such kind in that version: `no matches for kind "X" in version "Y"`.
    UnknownKind {
        /// The manifest's apiVersion.
        api_version: String,
        /// The manifest's kind.
        kind: String,
    },
    /// A real kind whose controller Sunaba does not simulate.
    NotSimulated {
        /// The manifest's kind.
        kind: String,
    },
    /// Fields the kind does not have (strict field validation).
    UnknownFields {
        /// The kind.
        kind: Kind,
        /// Each unknown field.
        fields: Vec<UnknownField>,
    },
    /// A value of the wrong type.
    WrongType {
        /// The kind.
        kind: Kind,
        /// The field's path.
        path: String,
        /// The Go-style message.
        message: String,
    },
}

impl DecodeError {
    /// The line kubectl's YAML library (go-yaml v2) names for a syntax
    /// error: the problem's line for a scanner error, but for a parser
    /// error the problem's line counted from 0 (so none on the first line).
    pub fn kubectl_line(&self) -> Option<usize> {
        let DecodeError::Syntax { line, message, .. } = self else {
            return None;
        };
        let line = (*line)?;
        if is_parser_problem(message) {
            Some(line - 1).filter(|l| *l > 0)
        } else {
            Some(line)
        }
    }

    /// The message the API server (or kubectl, for syntax) gives.
    pub fn message(&self) -> String {
        match self {
            DecodeError::TooLarge { .. } => {
                format!("Request entity too large: limit is {MAX_MANIFEST_BYTES}")
            }
            DecodeError::TooDeep { line } => format!(
                "yaml: line {line}: exceeded max depth of {MAX_NESTING}"
            ),
            DecodeError::Syntax { message, .. } => match self.kubectl_line() {
                Some(line) => format!("yaml: line {line}: {message}"),
                None => format!("yaml: {message}"),
            },
            DecodeError::NotAnObject => "json: cannot unmarshal array into Go value of type map[string]interface {}".into(),
            DecodeError::MissingTypeInfo { missing } => match missing.as_slice() {
                [one] => (*one).to_string(),
                many => format!("[{}]", many.join(", ")),
            },
            DecodeError::UnknownKind { api_version, kind } => {
                format!("no matches for kind {kind:?} in version {api_version:?}")
            }
            DecodeError::NotSimulated { kind } => format!(
                "{kind} is a real Kubernetes kind, but Sunaba does not simulate its controller yet; \
                 the simulated kinds are {}",
                simulated_kind_names().join(", ")
            ),
            DecodeError::UnknownFields { kind, fields } => format!(
                "{} in version {:?} cannot be handled as a {}: strict decoding error: {}",
                kind.name(),
                kind.version(),
                kind.name(),
                fields
                    .iter()
                    .map(|f| format!("unknown field {:?}", f.path))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            DecodeError::WrongType { kind, message, .. } => format!(
                "{} in version {:?} cannot be handled as a {}: {message}",
                kind.name(),
                kind.version(),
                kind.name()
            ),
        }
    }

    /// "Did you mean" hints for unknown fields, one per field that has one.
    pub fn hints(&self) -> Vec<String> {
        match self {
            DecodeError::UnknownFields { fields, .. } => fields
                .iter()
                .filter_map(|f| {
                    f.suggestion
                        .as_ref()
                        .map(|s| format!("unknown field {:?}: did you mean {s:?}?", f.path))
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for DecodeError {}

/// Splits manifest text into its non-empty documents, as JSON values.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, DecodeError> {
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(DecodeError::TooLarge { bytes: text.len() });
    }
    check_nesting(text)?;
    let mut documents = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = Value::deserialize(document).map_err(syntax_error)?;
        if !value.is_null() {
            documents.push(value);
        }
    }
    Ok(documents)
}

/// Whether libyaml's parser (not its scanner) reports this problem.
fn is_parser_problem(message: &str) -> bool {
    const PARSER_PROBLEMS: &[&str] = &[
        "did not find expected <stream-start>",
        "did not find expected <document start>",
        "did not find expected node content",
        "did not find expected '-' indicator",
        "did not find expected key",
        "did not find expected ',' or ']'",
        "did not find expected ',' or '}'",
        "found duplicate %YAML directive",
        "found incompatible YAML document",
        "found duplicate %TAG directive",
        "found undefined tag handle",
    ];
    PARSER_PROBLEMS.iter().any(|p| message.starts_with(p))
}

fn syntax_error(err: serde_yaml::Error) -> DecodeError {
    let location = err.location();
    let message = err.to_string();
    // serde_yaml appends " at line L column C"; the location is kept apart.
    let message = match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    DecodeError::Syntax {
        line: location.as_ref().map(|l| l.line()),
        column: location.as_ref().map(|l| l.column()),
        message,
    }
}

/// Refuses flow nesting deeper than [`MAX_NESTING`] in one linear pass.
/// Brackets inside quotes and comments do not count.
fn check_nesting(text: &str) -> Result<(), DecodeError> {
    let mut depth = 0usize;
    let mut line = 1;
    let mut quote: Option<char> = None;
    let mut in_comment = false;
    let mut previous = '\n';
    for c in text.chars() {
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                in_comment = false;
                if quote == Some('\'') || quote == Some('"') {
                    // Multi-line quoted scalars continue; keep the quote open.
                }
            }
            _ if in_comment => {}
            (Some(q), c) if c == q && previous != '\\' => quote = None,
            (Some(_), _) => {}
            (None, '#') if previous.is_whitespace() => in_comment = true,
            (None, '"' | '\'') if depth > 0 || previous.is_whitespace() || previous == ':' => {
                quote = Some(c)
            }
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(DecodeError::TooDeep { line });
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    Ok(())
}

/// Decodes one document into an object of a stored kind, strictly.
pub fn decode_object(value: &Value) -> Result<Object, DecodeError> {
    let Value::Object(map) = value else {
        return Err(DecodeError::NotAnObject);
    };
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind_name = map.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut missing = Vec::new();
    if api_version.is_empty() {
        missing.push("apiVersion not set");
    }
    if kind_name.is_empty() {
        missing.push("kind not set");
    }
    if !missing.is_empty() {
        return Err(DecodeError::MissingTypeInfo { missing });
    }
    let kind = match Kind::lookup(api_version, kind_name) {
        KindLookup::Known(kind) => kind,
        KindLookup::NotSimulated => {
            return Err(DecodeError::NotSimulated {
                kind: kind_name.to_string(),
            })
        }
        KindLookup::Unknown => {
            return Err(DecodeError::UnknownKind {
                api_version: api_version.to_string(),
                kind: kind_name.to_string(),
            })
        }
    };
    decode_strict(kind, value)
}

/// Decodes a value known to be of `kind`, refusing unknown fields and wrong types.
pub fn decode_strict(kind: Kind, value: &Value) -> Result<Object, DecodeError> {
    let mut unknown = Vec::new();
    let object = decode_kind(kind, value, &mut unknown).map_err(|err| wrong_type(kind, err))?;
    if unknown.is_empty() {
        Ok(object)
    } else {
        Err(DecodeError::UnknownFields {
            kind,
            fields: unknown,
        })
    }
}

/// Decodes a value known to be of `kind`, dropping unknown fields.
pub(crate) fn decode_lenient(kind: Kind, value: &Value) -> Result<Object, strict::StrictError> {
    decode_kind(kind, value, &mut Vec::new())
}

fn decode_kind(
    kind: Kind,
    value: &Value,
    unknown: &mut Vec<UnknownField>,
) -> Result<Object, strict::StrictError> {
    /// Decodes an object of a kind chosen at run time.
    struct KindSeed(Kind);
    impl<'de> serde::de::DeserializeSeed<'de> for KindSeed {
        type Value = Object;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Object, D::Error> {
            Object::from_deserializer(self.0, d)
        }
    }
    let (object, found) = strict::from_seed(value, KindSeed(kind))?;
    unknown.extend(found);
    Ok(object)
}

fn wrong_type(kind: Kind, err: strict::StrictError) -> DecodeError {
    let path = err.path.clone().unwrap_or_default();
    DecodeError::WrongType {
        kind,
        message: go_style_type_error(&err),
        path,
    }
}

/// Renders a serde type error the way Go's encoding/json words it:
/// `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`.
fn go_style_type_error(err: &strict::StrictError) -> String {
    let Some(rest) = err.message.strip_prefix("invalid type: ") else {
        return match &err.path {
            Some(path) => format!("{path}: {}", err.message),
            None => err.message.clone(),
        };
    };
    let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "a value"));
    let found = match found.split_whitespace().next().unwrap_or(found) {
        "integer" | "floating" | "number" => "number",
        "boolean" | "bool" => "bool",
        "sequence" | "array" => "array",
        "map" | "object" => "object",
        "null" | "unit" => "null",
        _ => "string",
    };
    let go_type = match expected {
        "i32" => "int32".to_string(),
        "i64" => "int64".to_string(),
        "a boolean" | "bool" => "bool".to_string(),
        "a string" | "string" => "string".to_string(),
        "a sequence" => "[]interface {}".to_string(),
        "a map" => "map[string]string".to_string(),
        other => other.strip_prefix("struct ").unwrap_or(other).to_string(),
    };
    match (&err.path, err.parent) {
        (Some(path), Some(parent)) => format!(
            "json: cannot unmarshal {found} into Go struct field {parent}.{path} of type {go_type}"
        ),
        (Some(path), None) => {
            format!("json: cannot unmarshal {found} into Go struct field {path} of type {go_type}")
        }
        _ => format!("json: cannot unmarshal {found} into Go value of type {go_type}"),
    }
}

/// Parses manifest text and decodes every document; stops at the first error.
pub fn decode_manifests(text: &str) -> Result<Vec<Object>, DecodeError> {
    parse_documents(text)?.iter().map(decode_object).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_documents_decode_in_order_and_empty_ones_are_skipped() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n---\n{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}\n";
        let objects = decode_manifests(text).expect("decodes");
        let names: Vec<_> = objects.iter().map(|o| o.kubectl_name()).collect();
        assert_eq!(names, ["namespace/a", "configmap/b"]);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse_documents("a: b\n  c: d\n").expect_err("bad indentation");
        let DecodeError::Syntax { line, column, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!((*line, column.is_some()), (Some(2), true));
        assert!(
            err.message().starts_with("yaml: line 2: "),
            "{}",
            err.message()
        );
    }

    #[test]
    fn parser_errors_name_the_line_as_go_yaml_does() {
        let message = |text: &str| parse_documents(text).expect_err("bad").message();
        // Parser errors: the problem's line counted from 0.
        assert_eq!(
            message("a: 1\nnot: [yaml"),
            "yaml: line 2: did not find expected ',' or ']'"
        );
        assert_eq!(
            message("not: [yaml"),
            "yaml: line 1: did not find expected ',' or ']'"
        );
        assert_eq!(
            message("[a, b}\n"),
            "yaml: did not find expected ',' or ']'"
        );
        assert_eq!(
            message("a:\n    b: x\n  c: {}\n"),
            "yaml: line 2: did not find expected key"
        );
        // Scanner errors: the problem's line.
        assert_eq!(
            message("a: b\n  c: d\n"),
            "yaml: line 2: mapping values are not allowed in this context"
        );
        assert_eq!(
            message("a: \"open\n"),
            "yaml: line 2: found unexpected end of stream"
        );
    }

    #[test]
    fn unknown_kinds_and_unsimulated_kinds_are_told_apart() {
        let unknown = decode_manifests("apiVersion: v1\nkind: Foo\n").expect_err("no Foo");
        assert_eq!(
            unknown.message(),
            r#"no matches for kind "Foo" in version "v1""#
        );
        let job = decode_manifests("apiVersion: batch/v1\nkind: Job\n").expect_err("no Job");
        assert!(
            job.message()
                .contains("Pod, ReplicaSet, Deployment, Service"),
            "{}",
            job.message()
        );
    }

    #[test]
    fn missing_type_information_lists_what_is_missing() {
        let err = decode_manifests("metadata:\n  name: x\n").expect_err("no kind");
        assert_eq!(err.message(), "[apiVersion not set, kind not set]");
    }

    #[test]
    fn strict_decoding_names_the_unknown_field_and_suggests_the_real_one() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    imag: nginx\n";
        let err = decode_manifests(text).expect_err("imag is unknown");
        assert_eq!(
            err.message(),
            r#"Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imag""#
        );
        assert_eq!(
            err.hints(),
            [r#"unknown field "spec.containers[0].imag": did you mean "image"?"#]
        );
    }

    #[test]
    fn wrong_types_name_the_field_as_go_does() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: three\n";
        let err = decode_manifests(text).expect_err("replicas is an int");
        assert_eq!(
            err.message(),
            r#"Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"#
        );
    }

    #[test]
    fn deep_nesting_fails_fast_before_parsing() {
        let text = "[".repeat(100_000);
        assert_eq!(
            parse_documents(&text),
            Err(DecodeError::TooDeep { line: 1 })
        );
        let quoted = format!("a: \"{}\"\n", "[".repeat(1000));
        assert!(parse_documents(&quoted).is_ok());
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let text = "#".repeat(MAX_MANIFEST_BYTES + 1);
        assert!(matches!(
            parse_documents(&text),
            Err(DecodeError::TooLarge { .. })
        ));
    }
}

//! A serde deserializer over JSON values that decodes as the API server's
//! strict field validation does: it collects every unknown field with its
//! full path (`spec.containers[0].imag`), and names the field of a type error.
//!
//! It relies on serde's contract that a struct's `Deserialize` passes its
//! field names to `deserialize_struct`, as the `k8s-openapi` types do.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Visitor};
use serde_json::{Map, Value};

/// A field the target type does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownField {
    /// Its full path, e.g. `spec.template.spec.containers[0].imagee`.
    pub path: String,
    /// The closest known field name, when one is close enough to be a typo.
    pub suggestion: Option<String>,
}

/// A decoding failure at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrictError {
    /// The path of the field that failed, when known.
    pub path: Option<String>,
    /// The innermost struct's name, for Go-style messages.
    pub parent: Option<&'static str>,
    /// What went wrong, as serde says it.
    pub message: String,
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{path}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for StrictError {}

impl de::Error for StrictError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self {
            path: None,
            parent: None,
            message: msg.to_string(),
        }
    }
}

/// Where in the document a value sits.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root,
    Field(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Field(parent, name) => match parent.render() {
                p if p.is_empty() => (*name).to_string(),
                p => format!("{p}.{name}"),
            },
            Path::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

/// Decodes `value` into `T`, returning it with every unknown field found.
pub fn from_value<'de, T: de::Deserialize<'de>>(
    value: &'de Value,
) -> Result<(T, Vec<UnknownField>), StrictError> {
    from_seed(value, std::marker::PhantomData::<T>)
}

/// Decodes `value` through `seed`, returning the result with every unknown field found.
pub fn from_seed<'de, S: DeserializeSeed<'de>>(
    value: &'de Value,
    seed: S,
) -> Result<(S::Value, Vec<UnknownField>), StrictError> {
    let unknown = RefCell::new(Vec::new());
    let decoded = seed.deserialize(Strict {
        value,
        path: &Path::Root,
        parent: None,
        unknown: &unknown,
    })?;
    Ok((decoded, unknown.into_inner()))
}

struct Strict<'de, 'p> {
    value: &'de Value,
    path: &'p Path<'p>,
    parent: Option<&'static str>,
    unknown: &'p RefCell<Vec<UnknownField>>,
}

impl Strict<'_, '_> {
    /// Adds this value's path to an error that has none yet.
    fn locate<E: fmt::Display>(&self, err: E) -> StrictError {
        let message = err.to_string();
        StrictError {
            path: Some(self.path.render()).filter(|p| !p.is_empty()),
            parent: self.parent,
            message,
        }
    }

    fn relocate(&self, err: StrictError) -> StrictError {
        if err.path.is_some() {
            err
        } else {
            StrictError {
                path: Some(self.path.render()).filter(|p| !p.is_empty()),
                parent: err.parent.or(self.parent),
                message: err.message,
            }
        }
    }

    fn invalid_type(&self, expected: &str) -> StrictError {
        self.locate(format!(
            "invalid type: {}, expected {expected}",
            json_type(self.value)
        ))
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

macro_rules! forward_scalars {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
                de::Deserializer::$method(self.value, visitor).map_err(|e| self.locate(e))
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Strict<'de, '_> {
    type Error = StrictError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        let result = match self.value {
            Value::Array(items) => visitor.visit_seq(Seq::new(&self, items)),
            Value::Object(map) => visitor.visit_map(Fields::new(&self, map, None)),
            _ => {
                return de::Deserializer::deserialize_any(self.value, visitor)
                    .map_err(|e| self.locate(e))
            }
        };
        result.map_err(|e| self.relocate(e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        let Value::Object(map) = self.value else {
            return Err(self.invalid_type(&format!("struct {name}")));
        };
        let here = Strict {
            parent: Some(name),
            ..self
        };
        for key in map.keys() {
            if !fields.contains(&key.as_str()) {
                here.unknown.borrow_mut().push(UnknownField {
                    path: Path::Field(here.path, key).render(),
                    suggestion: closest(key, fields),
                });
            }
        }
        visitor
            .visit_map(Fields::new(&here, map, Some(fields)))
            .map_err(|e| here.relocate(e))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.value {
            Value::Array(items) => visitor
                .visit_seq(Seq::new(&self, items))
                .map_err(|e| self.relocate(e)),
            _ => Err(self.invalid_type("a sequence")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        match self.value {
            Value::Object(map) => visitor
                .visit_map(Fields::new(&self, map, None))
                .map_err(|e| self.relocate(e)),
            _ => Err(self.invalid_type("a map")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        de::Deserializer::deserialize_enum(self.value, name, variants, visitor)
            .map_err(|e| self.locate(e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StrictError> {
        visitor.visit_unit()
    }

    forward_scalars! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32
        deserialize_f64 deserialize_char deserialize_str deserialize_string deserialize_bytes
        deserialize_byte_buf deserialize_unit deserialize_identifier
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, StrictError> {
        self.deserialize_unit(visitor)
    }
}

/// A JSON object handed to a visitor key by key, each value at its own path.
/// Unknown keys of a struct are skipped: they were already reported.
struct Fields<'de, 'p> {
    entries: serde_json::map::Iter<'de>,
    parent_path: &'p Path<'p>,
    parent: Option<&'static str>,
    unknown: &'p RefCell<Vec<UnknownField>>,
    known: Option<&'static [&'static str]>,
    pending: Option<(&'de str, &'de Value)>,
}

impl<'de, 'p> Fields<'de, 'p> {
    fn new(
        at: &Strict<'de, 'p>,
        map: &'de Map<String, Value>,
        known: Option<&'static [&'static str]>,
    ) -> Self {
        Self {
            entries: map.iter(),
            parent_path: at.path,
            parent: at.parent,
            unknown: at.unknown,
            known,
            pending: None,
        }
    }
}

impl<'de> de::MapAccess<'de> for Fields<'de, '_> {
    type Error = StrictError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, StrictError> {
        for (key, value) in self.entries.by_ref() {
            if self
                .known
                .is_some_and(|known| !known.contains(&key.as_str()))
            {
                continue;
            }
            self.pending = Some((key, value));
            let key = de::value::BorrowedStrDeserializer::<StrictError>::new(key.as_str());
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, StrictError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom("value requested before key"));
        };
        let path = Path::Field(self.parent_path, key);
        let at = Strict {
            value,
            path: &path,
            parent: self.parent,
            unknown: self.unknown,
        };
        seed.deserialize(Strict { ..at })
            .map_err(|e| at.relocate(e))
    }
}

/// A JSON array handed to a visitor item by item, each at `[i]`.
struct Seq<'de, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
    parent_path: &'p Path<'p>,
    parent: Option<&'static str>,
    unknown: &'p RefCell<Vec<UnknownField>>,
}

impl<'de, 'p> Seq<'de, 'p> {
    fn new(at: &Strict<'de, 'p>, items: &'de [Value]) -> Self {
        Self {
            items: items.iter().enumerate(),
            parent_path: at.path,
            parent: at.parent,
            unknown: at.unknown,
        }
    }
}

impl<'de> de::SeqAccess<'de> for Seq<'de, '_> {
    type Error = StrictError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, StrictError> {
        let Some((index, value)) = self.items.next() else {
            return Ok(None);
        };
        let path = Path::Index(self.parent_path, index);
        let at = Strict {
            value,
            path: &path,
            parent: self.parent,
            unknown: self.unknown,
        };
        seed.deserialize(Strict { ..at })
            .map(Some)
            .map_err(|e| at.relocate(e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The known field closest to a misspelt one, if it is close enough to be a typo.
pub fn closest(name: &str, known: &[&str]) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).clamp(1, 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.to_string())
}

/// Levenshtein distance between two strings, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous_diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous_diagonal + usize::from(ca != *cb);
            previous_diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::Deployment;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_reported_with_their_full_path_and_a_suggestion() {
        let value = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "echo", "labelz": {"a": "b"}},
            "spec": {"template": {"spec": {"containers": [
                {"name": "a", "image": "nginx"},
                {"name": "b", "imag": "nginx"}
            ]}}}
        });
        let (_, unknown) = from_value::<Deployment>(&value).expect("decodes");
        assert_eq!(
            unknown,
            vec![
                UnknownField {
                    path: "metadata.labelz".into(),
                    suggestion: Some("labels".into())
                },
                UnknownField {
                    path: "spec.template.spec.containers[1].imag".into(),
                    suggestion: Some("image".into())
                },
            ]
        );
    }

    #[test]
    fn type_errors_name_the_field() {
        let value =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": "three"}});
        let err = from_value::<Deployment>(&value).expect_err("a string is no int32");
        assert_eq!(err.path.as_deref(), Some("spec.replicas"));
        assert_eq!(err.parent, Some("DeploymentSpec"));
        assert!(err.message.contains("expected i32"), "{}", err.message);
    }

    #[test]
    fn map_keys_are_free_form() {
        let value = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"anything": "goes"}});
        let (_, unknown) =
            from_value::<k8s_openapi::api::core::v1::ConfigMap>(&value).expect("decodes");
        assert!(unknown.is_empty());
    }

    #[test]
    fn suggestions_need_a_close_name() {
        assert_eq!(closest("imagee", &["image", "name"]), Some("image".into()));
        assert_eq!(closest("zzzzzz", &["image", "name"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}

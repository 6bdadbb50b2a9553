//! Label and field selectors, as `kubectl -l`, `labelSelector=` and
//! `fieldSelector=` write them, and as `LabelSelector` objects hold them.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::Object;

/// The empty label set, for objects without labels.
pub static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// An object's labels, borrowed: the empty set when it has none.
pub fn labels_of(meta: &ObjectMeta) -> &BTreeMap<String, String> {
    meta.labels.as_ref().unwrap_or(&NO_LABELS)
}

/// One requirement of a label selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `k=v` or `k==v`.
    Equals(String, String),
    /// `k!=v`: the key is absent or has another value.
    NotEquals(String, String),
    /// `k in (a,b)`.
    In(String, Vec<String>),
    /// `k notin (a,b)`: the key is absent or has none of the values.
    NotIn(String, Vec<String>),
    /// `k`: the key exists.
    Exists(String),
    /// `!k`: the key does not exist.
    DoesNotExist(String),
    /// `k>N`.
    GreaterThan(String, i64),
    /// `k<N`.
    LessThan(String, i64),
}

/// A label selector: every requirement must hold. Empty selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    /// The requirements, all of which must hold.
    pub requirements: Vec<Requirement>,
}

/// A selector that could not be parsed or converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectorError(pub String);

impl std::fmt::Display for SelectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SelectorError {}

impl Requirement {
    /// Whether the labels satisfy this requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
            Requirement::GreaterThan(k, n) => labels
                .get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v > *n),
            Requirement::LessThan(k, n) => labels
                .get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v < *n),
        }
    }
}

impl Selector {
    /// Whether the labels satisfy every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether an object's labels satisfy every requirement.
    pub fn matches_object(&self, object: &Object) -> bool {
        match &object.metadata().labels {
            Some(labels) => self.matches(labels),
            None => self.matches(&BTreeMap::new()),
        }
    }

    /// True when it selects everything.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// A selector of `k=v` equalities, as a Service's `spec.selector` is.
    pub fn from_map(map: &BTreeMap<String, String>) -> Self {
        Self {
            requirements: map
                .iter()
                .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Converts a `LabelSelector` (matchLabels and matchExpressions).
    pub fn from_label_selector(selector: &LabelSelector) -> Result<Self, SelectorError> {
        let mut requirements: Vec<Requirement> = selector
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
            .collect();
        for expression in selector.match_expressions.iter().flatten() {
            let key = expression.key.clone();
            let values = expression.values.clone().unwrap_or_default();
            let requirement = match expression.operator.as_str() {
                "In" => Requirement::In(key, values),
                "NotIn" => Requirement::NotIn(key, values),
                "Exists" => Requirement::Exists(key),
                "DoesNotExist" => Requirement::DoesNotExist(key),
                other => {
                    return Err(SelectorError(format!(
                        "{other:?} is not a valid label selector operator"
                    )))
                }
            };
            requirements.push(requirement);
        }
        Ok(Self { requirements })
    }

    /// Parses kubectl's selector syntax: `a=b,c!=d,e in (x,y),!f,g`.
    pub fn parse(text: &str) -> Result<Self, SelectorError> {
        let mut requirements = Vec::new();
        for term in split_terms(text)? {
            let term = term.trim();
            if term.is_empty() {
                continue;
            }
            requirements.push(parse_term(term)?);
        }
        Ok(Self { requirements })
    }

    /// The selector in kubectl's text form, `k=v,k2=v2` for equalities.
    pub fn to_text(&self) -> String {
        self.requirements
            .iter()
            .map(|r| match r {
                Requirement::Equals(k, v) => format!("{k}={v}"),
                Requirement::NotEquals(k, v) => format!("{k}!={v}"),
                Requirement::In(k, vs) => format!("{k} in ({})", vs.join(",")),
                Requirement::NotIn(k, vs) => format!("{k} notin ({})", vs.join(",")),
                Requirement::Exists(k) => k.clone(),
                Requirement::DoesNotExist(k) => format!("!{k}"),
                Requirement::GreaterThan(k, n) => format!("{k}>{n}"),
                Requirement::LessThan(k, n) => format!("{k}<{n}"),
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Splits on commas that are not inside parentheses.
fn split_terms(text: &str) -> Result<Vec<&str>, SelectorError> {
    let mut terms = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        if depth < 0 {
            return Err(SelectorError(
                "unable to parse requirement: found ')', expected: '('".to_string(),
            ));
        }
    }
    if depth != 0 {
        return Err(SelectorError(
            "unable to parse requirement: found '', expected: ')'".into(),
        ));
    }
    terms.push(&text[start..]);
    Ok(terms)
}

fn parse_term(term: &str) -> Result<Requirement, SelectorError> {
    if let Some(key) = term.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(valid_key(key.trim())?));
    }
    for (op, build) in [
        (
            "!=",
            Requirement::NotEquals as fn(String, String) -> Requirement,
        ),
        ("==", Requirement::Equals),
        ("=", Requirement::Equals),
    ] {
        if let Some((k, v)) = term.split_once(op) {
            return Ok(build(valid_key(k.trim())?, valid_value(v.trim())?));
        }
    }
    for (op, greater) in [(">", true), ("<", false)] {
        if let Some((k, v)) = term.split_once(op) {
            let n = v.trim().parse::<i64>().map_err(|_| {
                SelectorError("for 'Gt', 'Lt' operators, the value must be an integer".to_string())
            })?;
            let k = valid_key(k.trim())?;
            return Ok(if greater {
                Requirement::GreaterThan(k, n)
            } else {
                Requirement::LessThan(k, n)
            });
        }
    }
    let words: Vec<&str> = term.splitn(2, char::is_whitespace).collect();
    if let [key, rest] = words.as_slice() {
        let rest = rest.trim();
        let (notin, list) = if let Some(list) = rest.strip_prefix("notin") {
            (true, list)
        } else if let Some(list) = rest.strip_prefix("in") {
            (false, list)
        } else {
            return Err(SelectorError(format!("unable to parse requirement: found '{rest}', expected: in, notin, =, ==, !=, gt, lt")));
        };
        let list = list.trim();
        let inner = list
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(|| {
                SelectorError(format!(
                    "unable to parse requirement: found '{list}', expected: '('"
                ))
            })?;
        let values = inner
            .split(',')
            .map(|v| valid_value(v.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        let key = valid_key(key)?;
        return Ok(if notin {
            Requirement::NotIn(key, values)
        } else {
            Requirement::In(key, values)
        });
    }
    Ok(Requirement::Exists(valid_key(term)?))
}

fn valid_key(key: &str) -> Result<String, SelectorError> {
    let name = key.rsplit('/').next().unwrap_or(key);
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(key.to_string())
    } else {
        Err(SelectorError(format!(
            "key: Invalid value: {key:?}: name part must consist of alphanumeric characters, '-', '_' or '.', \
             and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', \
             regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        )))
    }
}

fn valid_value(value: &str) -> Result<String, SelectorError> {
    let ok = value.is_empty()
        || (value.len() <= 63
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric()));
    if ok {
        Ok(value.to_string())
    } else {
        Err(SelectorError(format!(
            "values[0]: Invalid value: {value:?}: a valid label must be an empty string or consist of alphanumeric \
             characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or \
             'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        )))
    }
}

/// A field selector: `metadata.name=x,status.phase!=Running`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    /// `(field, value, equal)` terms; `equal` is false for `!=`.
    pub terms: Vec<(String, String, bool)>,
}

impl FieldSelector {
    /// Parses `a=b,c!=d` (`==` also means equal).
    pub fn parse(text: &str) -> Result<Self, SelectorError> {
        let mut terms = Vec::new();
        for term in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (field, value, equal) = if let Some((f, v)) = term.split_once("!=") {
                (f, v, false)
            } else if let Some((f, v)) = term.split_once("==") {
                (f, v, true)
            } else if let Some((f, v)) = term.split_once('=') {
                (f, v, true)
            } else {
                return Err(SelectorError(format!(
                    "invalid selector: '{text}'; can't understand '{term}'"
                )));
            };
            terms.push((field.trim().to_string(), value.trim().to_string(), equal));
        }
        Ok(Self { terms })
    }

    /// Checks that every field is one the kind supports, as the API server does.
    pub fn validate_for(&self, kind: super::Kind) -> Result<(), SelectorError> {
        for (field, _, _) in &self.terms {
            if field_value(kind, field, None).is_none() {
                return Err(SelectorError(format!("field label not supported: {field}")));
            }
        }
        Ok(())
    }

    /// Whether the object satisfies every term.
    pub fn matches(&self, object: &Object) -> bool {
        self.terms.iter().all(|(field, value, equal)| {
            let actual = field_value(object.kind(), field, Some(object))
                .flatten()
                .unwrap_or_default();
            (actual == *value) == *equal
        })
    }
}

/// The value of a selectable field: `None` when the kind does not support the
/// field; `Some(None)` when no object was given (only checking support).
fn field_value(kind: super::Kind, field: &str, object: Option<&Object>) -> Option<Option<String>> {
    use super::Kind;
    let meta = |f: fn(&Object) -> String| Some(object.map(f));
    match field {
        "metadata.name" => meta(|o| o.name().to_string()),
        "metadata.namespace" => meta(|o| o.namespace().to_string()),
        _ => match (kind, field) {
            (Kind::Pod, "status.phase") => meta(|o| match o {
                Object::Pod(p) => p
                    .status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            }),
            (Kind::Pod, "spec.nodeName") => meta(|o| match o {
                Object::Pod(p) => p
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            }),
            (Kind::Pod, "spec.restartPolicy") => meta(|o| match o {
                Object::Pod(p) => p
                    .spec
                    .as_ref()
                    .and_then(|s| s.restart_policy.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            }),
            (Kind::Event, f) => event_field(f).map(|get| object.map(get)),
            _ => None,
        },
    }
}

fn event_field(field: &str) -> Option<fn(&Object) -> String> {
    fn event(o: &Object) -> Option<&k8s_openapi::api::core::v1::Event> {
        match o {
            Object::Event(e) => Some(e),
            _ => None,
        }
    }
    let getter: fn(&Object) -> String = match field {
        "involvedObject.name" => |o| {
            event(o)
                .and_then(|e| e.involved_object.name.clone())
                .unwrap_or_default()
        },
        "involvedObject.namespace" => |o| {
            event(o)
                .and_then(|e| e.involved_object.namespace.clone())
                .unwrap_or_default()
        },
        "involvedObject.kind" => |o| {
            event(o)
                .and_then(|e| e.involved_object.kind.clone())
                .unwrap_or_default()
        },
        "involvedObject.uid" => |o| {
            event(o)
                .and_then(|e| e.involved_object.uid.clone())
                .unwrap_or_default()
        },
        "involvedObject.fieldPath" => |o| {
            event(o)
                .and_then(|e| e.involved_object.field_path.clone())
                .unwrap_or_default()
        },
        "reason" => |o| event(o).and_then(|e| e.reason.clone()).unwrap_or_default(),
        "type" => |o| event(o).and_then(|e| e.type_.clone()).unwrap_or_default(),
        "source" => |o| {
            event(o)
                .and_then(|e| e.source.as_ref()?.component.clone())
                .unwrap_or_default()
        },
        _ => return None,
    };
    Some(getter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn equality_and_set_based_requirements() {
        let l = labels(&[("app", "echo"), ("release", "summer"), ("tier", "3")]);
        for (text, expected) in [
            ("app=echo", true),
            ("app==echo,release=summer", true),
            ("app=echo,release=spring", false),
            ("release!=spring", true),
            ("missing!=x", true),
            ("release in (spring, summer)", true),
            ("release notin (spring,summer)", false),
            ("missing notin (a)", true),
            ("app", true),
            ("!app", false),
            ("!missing", true),
            ("tier>2", true),
            ("tier<3", false),
            ("", true),
        ] {
            let selector = Selector::parse(text).expect(text);
            assert_eq!(selector.matches(&l), expected, "{text}");
        }
    }

    #[test]
    fn malformed_selectors_are_errors() {
        assert!(Selector::parse("app in (a").is_err());
        assert!(Selector::parse("app=-bad-").is_err());
        assert!(Selector::parse("tier>x").is_err());
        assert!(Selector::parse("app is x").is_err());
    }

    #[test]
    fn label_selector_objects_convert() {
        let selector = LabelSelector {
            match_labels: Some(labels(&[("app", "echo")])),
            match_expressions: Some(vec![
                k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement {
                    key: "release".into(),
                    operator: "In".into(),
                    values: Some(vec!["summer".into()]),
                },
            ]),
        };
        let selector = Selector::from_label_selector(&selector).expect("valid");
        assert!(selector.matches(&labels(&[("app", "echo"), ("release", "summer")])));
        assert!(!selector.matches(&labels(&[("app", "echo"), ("release", "spring")])));
        assert_eq!(selector.to_text(), "app=echo,release in (summer)");
    }

    #[test]
    fn field_selectors_check_support_and_match() {
        let pod: Object = k8s_openapi::api::core::v1::Pod {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some("p".into()),
                ..Default::default()
            },
            status: Some(k8s_openapi::api::core::v1::PodStatus {
                phase: Some("Running".into()),
                ..Default::default()
            }),
            ..Default::default()
        }
        .into();
        let fs = FieldSelector::parse("metadata.name=p,status.phase!=Pending").expect("parses");
        assert!(fs.validate_for(super::super::Kind::Pod).is_ok());
        assert!(fs.matches(&pod));
        let bad = FieldSelector::parse("spec.foo=x").expect("parses");
        assert_eq!(
            bad.validate_for(super::super::Kind::Pod).map_err(|e| e.0),
            Err("field label not supported: spec.foo".to_string())
        );
    }
}

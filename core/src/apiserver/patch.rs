//! PATCH, as the API server applies it to an object's JSON: strategic merge
//! patches (lists merged by their merge key, with the `$patch`,
//! `$retainKeys`, `$setElementOrder/…` and `$deleteFromPrimitiveList/…`
//! directives that kubectl's three-way patches carry), JSON merge patches
//! (RFC 7386) and JSON patches (RFC 6902).
//!
//! The merge keys are the ones kubectl's client-side apply merges by
//! ([`crate::kubectl::merge`]), plus the metadata and status lists a patch
//! may also touch.

use serde_json::{json, Map, Value};

use crate::api::decode::{self, DecodeError};
use crate::api::{Object, StatusError};

/// The kinds of patch the API server accepts, by their Content-Type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json`: a list of RFC 6902 operations.
    Json,
    /// `application/merge-patch+json`: RFC 7386, lists replaced whole.
    Merge,
    /// `application/strategic-merge-patch+json`: lists merged by key.
    StrategicMerge,
}

impl PatchType {
    /// The patch type for a request's Content-Type (parameters ignored), if supported.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let media = content_type.split(';').next().unwrap_or("").trim();
        match media.to_ascii_lowercase().as_str() {
            "application/json-patch+json" => Some(Self::Json),
            "application/merge-patch+json" => Some(Self::Merge),
            "application/strategic-merge-patch+json" => Some(Self::StrategicMerge),
            _ => None,
        }
    }
}

/// Why a patch could not be applied, with the HTTP status it deserves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatchError {
    /// The patch itself is malformed (400).
    BadRequest(String),
    /// The patch is well formed but cannot apply to this object (422).
    Unprocessable(String),
}

impl PatchError {
    /// The message, without the status.
    pub fn message(&self) -> &str {
        match self {
            PatchError::BadRequest(m) | PatchError::Unprocessable(m) => m,
        }
    }
}

/// Applies `patch` of `patch_type` to `original`, returning the patched document.
pub fn apply(patch_type: PatchType, original: &Value, patch: &Value) -> Result<Value, PatchError> {
    match patch_type {
        PatchType::Merge => Ok(merge_patch(original, patch)),
        PatchType::StrategicMerge => strategic_merge(original, patch),
        PatchType::Json => json_patch(original, patch),
    }
}

// ---- JSON merge patch (RFC 7386) ----------------------------------------

/// RFC 7386: objects merge, `null` removes, anything else replaces.
pub fn merge_patch(original: &Value, patch: &Value) -> Value {
    let Value::Object(patch_map) = patch else {
        return patch.clone();
    };
    let mut result = match original {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    for (key, value) in patch_map {
        if value.is_null() {
            result.remove(key);
        } else {
            let merged = merge_patch(result.get(key).unwrap_or(&Value::Null), value);
            result.insert(key.clone(), merged);
        }
    }
    Value::Object(result)
}

// ---- Strategic merge patch ---------------------------------------------

const PATCH: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ELEMENT_ORDER: &str = "$setElementOrder/";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";

/// How a list field merges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListStrategy {
    /// Replaced whole (`atomic`, the default).
    Replace,
    /// Objects merged by this key.
    MergeByKey(&'static str),
    /// Scalars merged as a set (`finalizers`).
    MergePrimitives,
}

/// The strategy of the list at `field` inside `parent` (the enclosing field, or
/// the list's name for an item's fields), as the Go types' struct tags declare it.
fn list_strategy(field: &str, parent: &str) -> ListStrategy {
    if let Some(key) = crate::kubectl::merge::merge_key(field, parent) {
        return ListStrategy::MergeByKey(key);
    }
    match field {
        "ownerReferences" => ListStrategy::MergeByKey("uid"),
        "conditions" => ListStrategy::MergeByKey("type"),
        "topologySpreadConstraints" => ListStrategy::MergeByKey("topologyKey"),
        "resourceClaims" | "schedulingGates" => ListStrategy::MergeByKey("name"),
        "finalizers" => ListStrategy::MergePrimitives,
        _ => ListStrategy::Replace,
    }
}

/// Applies a strategic merge patch, as the API server does for built-in kinds.
pub fn strategic_merge(original: &Value, patch: &Value) -> Result<Value, PatchError> {
    let Value::Object(patch_map) = patch else {
        return Err(PatchError::BadRequest(
            "invalid JSON document: a strategic merge patch must be a JSON object".into(),
        ));
    };
    let original_map = match original {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    merge_map(original_map, patch_map, "").map(Value::Object)
}

fn merge_map(
    mut original: Map<String, Value>,
    patch: &Map<String, Value>,
    field: &str,
) -> Result<Map<String, Value>, PatchError> {
    match patch.get(PATCH) {
        None => {}
        Some(Value::String(d)) if d == "replace" => return Ok(without_directives(patch)),
        Some(Value::String(d)) if d == "delete" => return Ok(Map::new()),
        Some(other) => {
            return Err(PatchError::BadRequest(format!(
                "Unable to find the unsupported strategic merge patch directive: {other}"
            )))
        }
    }
    if let Some(retain) = patch.get(RETAIN_KEYS) {
        retain_keys(&mut original, retain)?;
    }
    for (key, value) in patch {
        if let Some(list) = key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            delete_from_primitive_list(&mut original, list, value)?;
            continue;
        }
        if key.starts_with('$') {
            continue;
        }
        if value.is_null() {
            original.remove(key);
            continue;
        }
        let merged = match original.remove(key) {
            Some(current) => merge_value(current, value, key, field)?,
            None => without_directives_value(value),
        };
        if is_deleted_map(value) {
            continue;
        }
        original.insert(key.clone(), merged);
    }
    for (key, order) in patch {
        if let Some(list) = key.strip_prefix(SET_ELEMENT_ORDER) {
            set_element_order(&mut original, list, order, field)?;
        }
    }
    Ok(original)
}

/// A map patched with `$patch: delete` disappears from its parent.
fn is_deleted_map(value: &Value) -> bool {
    value
        .get(PATCH)
        .and_then(Value::as_str)
        .is_some_and(|d| d == "delete")
}

fn merge_value(
    current: Value,
    patch: &Value,
    field: &str,
    parent: &str,
) -> Result<Value, PatchError> {
    match (current, patch) {
        (Value::Object(current), Value::Object(patch)) => {
            merge_map(current, patch, field).map(Value::Object)
        }
        (Value::Array(current), Value::Array(patch)) => {
            merge_list(current, patch, field, parent).map(Value::Array)
        }
        (_, patch) => Ok(without_directives_value(patch)),
    }
}

fn merge_list(
    current: Vec<Value>,
    patch: &[Value],
    field: &str,
    parent: &str,
) -> Result<Vec<Value>, PatchError> {
    match list_strategy(field, parent) {
        ListStrategy::Replace => Ok(patch.iter().map(without_directives_value).collect()),
        ListStrategy::MergePrimitives => {
            let mut merged = current;
            for item in patch {
                if !merged.contains(item) {
                    merged.push(item.clone());
                }
            }
            Ok(merged)
        }
        ListStrategy::MergeByKey(key) => merge_keyed_list(current, patch, key, field),
    }
}

fn merge_keyed_list(
    mut current: Vec<Value>,
    patch: &[Value],
    key: &str,
    field: &str,
) -> Result<Vec<Value>, PatchError> {
    let replace = patch
        .iter()
        .any(|item| item.get(PATCH).and_then(Value::as_str) == Some("replace"));
    if replace {
        return Ok(patch
            .iter()
            .filter(|item| item.get(PATCH).is_none())
            .map(without_directives_value)
            .collect());
    }
    for item in patch {
        let Value::Object(item_map) = item else {
            // Scalars in a keyed list: kept as a set.
            if !current.contains(item) {
                current.push(item.clone());
            }
            continue;
        };
        let Some(id) = item_map.get(key) else {
            return Err(PatchError::BadRequest(format!(
                "map: {} does not contain declared merge key: {key}",
                go_value_text(item)
            )));
        };
        let position = current.iter().position(|c| c.get(key) == Some(id));
        match item_map.get(PATCH).and_then(Value::as_str) {
            Some("delete") => {
                current.retain(|c| c.get(key) != Some(id));
            }
            Some(other) if other != "merge" => {
                return Err(PatchError::BadRequest(format!(
                    "Unable to find the unsupported strategic merge patch directive: {other}"
                )))
            }
            _ => match position {
                Some(index) => {
                    let existing = std::mem::take(&mut current[index]);
                    let merged = match existing {
                        Value::Object(map) => Value::Object(merge_map(map, item_map, field)?),
                        _ => without_directives_value(item),
                    };
                    current[index] = merged;
                }
                None => current.push(without_directives_value(item)),
            },
        }
    }
    Ok(current)
}

fn retain_keys(original: &mut Map<String, Value>, retain: &Value) -> Result<(), PatchError> {
    let Value::Array(keys) = retain else {
        return Err(PatchError::BadRequest(
            "invalid patch: $retainKeys must be a list of strings".into(),
        ));
    };
    let keys: Vec<&str> = keys.iter().filter_map(Value::as_str).collect();
    original.retain(|k, _| keys.contains(&k.as_str()));
    Ok(())
}

fn delete_from_primitive_list(
    original: &mut Map<String, Value>,
    list: &str,
    values: &Value,
) -> Result<(), PatchError> {
    let Value::Array(values) = values else {
        return Err(PatchError::BadRequest(
            "invalid patch: $deleteFromPrimitiveList must be a list".into(),
        ));
    };
    if let Some(Value::Array(items)) = original.get_mut(list) {
        items.retain(|item| !values.contains(item));
    }
    Ok(())
}

/// Reorders a merged list as `$setElementOrder/<list>` asks: the listed
/// elements in the given order, then any others (the server's own) in their order.
fn set_element_order(
    original: &mut Map<String, Value>,
    list: &str,
    order: &Value,
    parent: &str,
) -> Result<(), PatchError> {
    let Value::Array(order) = order else {
        return Err(PatchError::BadRequest(
            "invalid patch: $setElementOrder must be a list".into(),
        ));
    };
    let Some(Value::Array(items)) = original.get_mut(list) else {
        return Ok(());
    };
    let identity = |item: &Value| -> Value {
        match list_strategy(list, parent) {
            ListStrategy::MergeByKey(key) => item.get(key).cloned().unwrap_or(Value::Null),
            _ => item.clone(),
        }
    };
    let wanted: Vec<Value> = order.iter().map(&identity).collect();
    let mut listed: Vec<(usize, Value)> = Vec::new();
    let mut others = Vec::new();
    for item in items.drain(..) {
        match wanted.iter().position(|w| *w == identity(&item)) {
            Some(at) => listed.push((at, item)),
            None => others.push(item),
        }
    }
    listed.sort_by_key(|(at, _)| *at);
    items.extend(listed.into_iter().map(|(_, item)| item));
    items.extend(others);
    Ok(())
}

fn without_directives(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .filter(|(k, v)| !k.starts_with('$') && !v.is_null())
        .map(|(k, v)| (k.clone(), without_directives_value(v)))
        .collect()
}

/// A patch value taken as is: directives and nulls inside it dropped.
fn without_directives_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(without_directives(map)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter(|item| item.get(PATCH).is_none())
                .map(without_directives_value)
                .collect(),
        ),
        other => other.clone(),
    }
}

// ---- JSON patch (RFC 6902) -----------------------------------------------

/// Applies RFC 6902 operations in order.
pub fn json_patch(original: &Value, patch: &Value) -> Result<Value, PatchError> {
    let Value::Array(operations) = patch else {
        return Err(PatchError::BadRequest(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch".into(),
        ));
    };
    let mut document = original.clone();
    for operation in operations {
        apply_operation(&mut document, operation)?;
    }
    Ok(document)
}

fn apply_operation(document: &mut Value, operation: &Value) -> Result<(), PatchError> {
    let text = |name: &str| operation.get(name).and_then(Value::as_str);
    let op = text("op").unwrap_or("");
    let path = text("path")
        .ok_or_else(|| PatchError::BadRequest(format!("{op} operation missing path")))?;
    let value = || {
        operation
            .get("value")
            .cloned()
            .ok_or_else(|| PatchError::BadRequest(format!("{op} operation missing value")))
    };
    let from = || {
        text("from").ok_or_else(|| PatchError::BadRequest(format!("{op} operation missing from")))
    };
    match op {
        "add" => add(document, path, value()?),
        "remove" => remove(document, path).map(|_| ()),
        "replace" => {
            remove(document, path)?;
            add(document, path, value()?)
        }
        "move" => {
            let moved = remove(document, from()?)?;
            add(document, path, moved)
        }
        "copy" => {
            let copied = pointer(document, from()?)?.clone();
            add(document, path, copied)
        }
        "test" => {
            if *pointer(document, path)? == value()? {
                Ok(())
            } else {
                Err(PatchError::Unprocessable(format!(
                    "testing value {path} failed: test failed"
                )))
            }
        }
        other => Err(PatchError::BadRequest(format!("Unexpected kind: {other}"))),
    }
}

/// A JSON pointer's tokens, unescaped.
fn tokens(path: &str) -> Result<Vec<String>, PatchError> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(PatchError::BadRequest(format!(
            "invalid JSON pointer: {path:?}"
        )));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn missing(path: &str) -> PatchError {
    PatchError::Unprocessable(format!("doc is missing path: \"{path}\": missing value"))
}

fn pointer<'v>(document: &'v Value, path: &str) -> Result<&'v Value, PatchError> {
    let mut at = document;
    for token in tokens(path)? {
        at = match at {
            Value::Object(map) => map.get(&token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
        .ok_or_else(|| missing(path))?;
    }
    Ok(at)
}

/// The container a pointer's last token lives in, and that token.
fn parent_mut<'v>(
    document: &'v mut Value,
    path: &str,
) -> Result<(&'v mut Value, String), PatchError> {
    let mut tokens = tokens(path)?;
    let Some(last) = tokens.pop() else {
        return Err(PatchError::Unprocessable(
            "replacing the whole document is not supported".into(),
        ));
    };
    let mut at = document;
    for token in tokens {
        at = match at {
            Value::Object(map) => map.get_mut(&token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| missing(path))?;
    }
    Ok((at, last))
}

fn add(document: &mut Value, path: &str, value: Value) -> Result<(), PatchError> {
    let (parent, last) = parent_mut(document, path)?;
    match parent {
        Value::Object(map) => {
            map.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= items.len())
                    .ok_or_else(|| missing(path))?
            };
            items.insert(index, value);
            Ok(())
        }
        _ => Err(missing(path)),
    }
}

fn remove(document: &mut Value, path: &str) -> Result<Value, PatchError> {
    let (parent, last) = parent_mut(document, path)?;
    match parent {
        Value::Object(map) => map.remove(&last).ok_or_else(|| missing(path)),
        Value::Array(items) => last
            .parse::<usize>()
            .ok()
            .filter(|i| *i < items.len())
            .map(|i| items.remove(i))
            .ok_or_else(|| missing(path)),
        _ => Err(missing(path)),
    }
}

// ---- Go's %v ---------------------------------------------------------------

/// A decoded JSON value as Go's `fmt` prints it with `%v` (maps as
/// `map[k:v …]` with sorted keys, lists as `[a b]`), as the API server
/// quotes a patch in its errors.
pub fn go_value_text(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_number_text(n),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(go_value_text)
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            format!(
                "map[{}]",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}:{}", go_value_text(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

/// Integers print whole; other numbers as Go's `%v` of a float64 (`%g`,
/// shortest, exponent form from 1e+06).
fn go_number_text(number: &serde_json::Number) -> String {
    if number.is_i64() || number.is_u64() {
        return number.to_string();
    }
    let f = number.as_f64().unwrap_or(0.0);
    let exponent = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    if !(-4..6).contains(&exponent) {
        let text = format!("{f:e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        f.to_string()
    }
}

/// The JSON merge patch (RFC 7386) that turns `original` into `edited`:
/// changed and new fields, and `null` for removed ones; `{}` when equal.
pub fn merge_patch_between(original: &Value, edited: &Value) -> Value {
    match (original, edited) {
        (Value::Object(before), Value::Object(after)) => {
            let mut patch = Map::new();
            for (key, new) in after {
                match before.get(key) {
                    Some(old) if old == new => {}
                    Some(old) if old.is_object() && new.is_object() => {
                        patch.insert(key.clone(), merge_patch_between(old, new));
                    }
                    _ => {
                        patch.insert(key.clone(), new.clone());
                    }
                }
            }
            for key in before.keys().filter(|key| !after.contains_key(*key)) {
                patch.insert(key.clone(), Value::Null);
            }
            Value::Object(patch)
        }
        _ => edited.clone(),
    }
}

/// How unknown fields in a written object are treated (`fieldValidation`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Refuse the request.
    #[default]
    Strict,
    /// Drop them, with a warning each.
    Warn,
    /// Drop them silently.
    Ignore,
}

/// Applies a patch to a stored object and decodes the result strictly,
/// as the API server's PATCH does: unknown fields are refused, dropped
/// with a warning each, or dropped, as `validation` says.
pub fn patched_object(
    current: &Object,
    patch_type: PatchType,
    patch_body: &Value,
    validation: FieldValidation,
) -> Result<(Object, Vec<String>), StatusError> {
    let kind = current.kind();
    let mut patched = apply(patch_type, &current.to_value(), patch_body).map_err(patch_error)?;
    if !patched.is_object() {
        return Err(StatusError::bad_request(
            "the patched object is not a JSON object",
        ));
    }
    patched["apiVersion"] = json!(kind.api_version());
    patched["kind"] = json!(kind.name());
    if patched.pointer("/metadata/name").and_then(Value::as_str) != Some(current.name()) {
        return Err(StatusError::bad_request(format!(
            "the name of the object ({}) does not match the name on the URL ({})",
            patched
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or(""),
            current.name()
        )));
    }
    let quoted = || format!("{:?}", go_value_text(patch_body));
    match decode::decode_strict(kind, &patched) {
        Ok(object) => Ok((object, Vec::new())),
        Err(DecodeError::UnknownFields { fields, .. }) => {
            let unknown: Vec<String> = fields
                .iter()
                .map(|f| format!("unknown field {:?}", f.path))
                .collect();
            match validation {
                FieldValidation::Strict => Err(strict_patch_error(patch_type, &quoted(), &unknown)),
                FieldValidation::Warn | FieldValidation::Ignore => {
                    let object = Object::from_value(kind, &patched)
                        .map_err(|e| StatusError::bad_request(e.to_string()))?;
                    let warnings = if validation == FieldValidation::Warn {
                        unknown
                    } else {
                        Vec::new()
                    };
                    Ok((object, warnings))
                }
            }
        }
        Err(error) => Err(StatusError::invalid_request(
            "patch",
            format!("Invalid value: {}: {}", quoted(), error.message()),
        )),
    }
}

/// Unknown fields in a patched object, refused as the API server words it:
/// 422 quoting the patch for strategic merge patches, 400 for the others.
pub fn strict_patch_error(
    patch_type: PatchType,
    quoted_patch: &str,
    unknown: &[String],
) -> StatusError {
    let message = format!("strict decoding error: {}", unknown.join(", "));
    match patch_type {
        PatchType::StrategicMerge => StatusError::invalid_request(
            "patch",
            format!("Invalid value: {quoted_patch}: {message}"),
        ),
        PatchType::Merge | PatchType::Json => StatusError::bad_request(message),
    }
}

fn patch_error(error: PatchError) -> StatusError {
    match error {
        PatchError::BadRequest(message) => StatusError::bad_request(message),
        PatchError::Unprocessable(message) => StatusError::unprocessable(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_merge_patch_between_two_objects_makes_one_into_the_other() {
        let before = json!({"spec": {"replicas": 3, "paused": true, "keep": {"a": 1}}, "x": [1]});
        let after = json!({"spec": {"replicas": 2, "keep": {"a": 1}, "new": "n"}, "x": [1, 2]});
        let patch = merge_patch_between(&before, &after);
        assert_eq!(
            patch,
            json!({"spec": {"replicas": 2, "paused": null, "new": "n"}, "x": [1, 2]})
        );
        assert_eq!(merge_patch(&before, &patch), after);
        assert_eq!(merge_patch_between(&after, &after), json!({}));
    }

    #[test]
    fn merge_patch_replaces_lists_and_removes_nulls() {
        let original = json!({"spec": {"replicas": 1, "paused": true, "args": ["a", "b"]}});
        let patch = json!({"spec": {"replicas": 3, "paused": null, "args": ["c"]}});
        assert_eq!(
            merge_patch(&original, &patch),
            json!({"spec": {"replicas": 3, "args": ["c"]}})
        );
    }

    #[test]
    fn strategic_merge_merges_containers_by_name_and_keeps_server_fields() {
        let original = json!({"spec": {"containers": [
            {"name": "a", "image": "nginx:1.25", "terminationMessagePath": "/dev/termination-log"},
            {"name": "b", "image": "busybox"}
        ]}});
        let patch = json!({"spec": {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [{"name": "a", "image": "nginx:1.26"}]
        }});
        assert_eq!(
            strategic_merge(&original, &patch),
            Ok(json!({"spec": {"containers": [
                {"name": "b", "image": "busybox"},
                {"name": "a", "image": "nginx:1.26", "terminationMessagePath": "/dev/termination-log"}
            ]}}))
        );
    }

    #[test]
    fn strategic_merge_deletes_items_and_primitives() {
        let original = json!({"metadata": {"finalizers": ["a", "b"]},
            "spec": {"containers": [{"name": "a"}, {"name": "b"}], "args": ["x"]}});
        let patch = json!({
            "metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]},
            "spec": {"containers": [{"name": "b", "$patch": "delete"}], "args": null}
        });
        assert_eq!(
            strategic_merge(&original, &patch),
            Ok(json!({"metadata": {"finalizers": ["b"]}, "spec": {"containers": [{"name": "a"}]}}))
        );
    }

    #[test]
    fn strategic_merge_retains_only_listed_keys() {
        let original =
            json!({"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}});
        let patch = json!({"strategy": {"$retainKeys": ["type"], "type": "Recreate"}});
        assert_eq!(
            strategic_merge(&original, &patch),
            Ok(json!({"strategy": {"type": "Recreate"}}))
        );
    }

    #[test]
    fn strategic_merge_requires_the_merge_key() {
        let original = json!({"spec": {"containers": [{"name": "a"}]}});
        let patch = json!({"spec": {"containers": [{"image": "x"}]}});
        assert_eq!(
            strategic_merge(&original, &patch),
            Err(PatchError::BadRequest(
                "map: map[image:x] does not contain declared merge key: name".into()
            ))
        );
    }

    #[test]
    fn json_patch_applies_operations_in_order() {
        let original = json!({"spec": {"replicas": 1, "args": ["a"]}});
        let patch = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 2},
            {"op": "add", "path": "/spec/args/-", "value": "b"},
            {"op": "test", "path": "/spec/replicas", "value": 2}
        ]);
        assert_eq!(
            json_patch(&original, &patch),
            Ok(json!({"spec": {"replicas": 2, "args": ["a", "b"]}}))
        );
        assert!(matches!(
            json_patch(&original, &json!([{"op": "remove", "path": "/nope"}])),
            Err(PatchError::Unprocessable(_))
        ));
    }

    #[test]
    fn go_values_print_as_fmt_does() {
        assert_eq!(
            go_value_text(&json!({"spec": {"b": [1, "x"], "a": 1.5, "c": null}})),
            "map[spec:map[a:1.5 b:[1 x] c:<nil>]]"
        );
        assert_eq!(go_value_text(&json!(1e21)), "1e+21");
    }

    #[test]
    fn strict_patches_name_the_unknown_fields() {
        let cluster = crate::Cluster::new(crate::ClusterConfig::default());
        let node = cluster
            .api()
            .get(crate::api::Kind::Node, "", "sunaba-worker")
            .expect("a worker node");
        let patch = json!({"spec": {"unschedulabel": true}});
        let error = patched_object(
            &node,
            PatchType::StrategicMerge,
            &patch,
            FieldValidation::Strict,
        )
        .map(|_| ())
        .map_err(|e| (e.code(), e.message().to_string()));
        assert_eq!(
            error,
            Err((
                422,
                r#" "" is invalid: patch: Invalid value: "map[spec:map[unschedulabel:true]]": strict decoding error: unknown field "spec.unschedulabel""#.to_string()
            ))
        );
        let merged = patched_object(
            &node,
            PatchType::Merge,
            &json!({"spec": {"unschedulable": true}}),
            FieldValidation::Strict,
        );
        assert!(merged.is_ok());
    }
}

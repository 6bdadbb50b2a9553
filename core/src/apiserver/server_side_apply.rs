//! Server-side apply (`kubectl apply --server-side`, a PATCH of type
//! `application/apply-patch+yaml`): the API server merges a manager's
//! configuration into the live object and remembers, in
//! `metadata.managedFields`, which fields each applier set.
//!
//! - The fields a configuration sets are its *field set*: every leaf, and
//!   each item of a list merged by key (`containers` by name, container
//!   ports by `containerPort` and `protocol`, …), in `fieldsV1` form
//!   (`f:spec` → `f:replicas`, `k:{"name":"nginx"}`, `.` for an item itself).
//!   Other lists are atomic: owned and replaced whole.
//! - A field another applier owns, set here to a different value, is a
//!   conflict (409, in the API server's words) unless the apply forces it,
//!   which takes the field over.
//! - Fields this manager applied before and no longer sets are removed,
//!   unless another applier still owns them.
//!
//! Only appliers are tracked: fields changed by updates (client-side
//! apply, `scale`, controllers) have no manager here, so they never
//! conflict, as if their managers had given them up.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::kubectl::merge::merge_key;
use crate::time::SimTime;

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// A field of a map: `f:name`.
    Field(String),
    /// An item of a keyed list, by its key fields: `k:{"name":"nginx"}` (as JSON text).
    Key(String),
    /// The item (or map) itself: `.`.
    Itself,
}

/// A field path.
pub type Path = Vec<Step>;

/// The paths a configuration sets.
pub type FieldSet = BTreeSet<Path>;

/// Who applied what, as `metadata.managedFields` keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manager {
    /// The field manager's name (`kubectl`, …).
    pub name: String,
    /// The API version it applied with.
    pub api_version: String,
    /// The fields it owns.
    pub fields: FieldSet,
}

/// A field two appliers want with different values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The other manager.
    pub manager: String,
    /// The API version it applied with.
    pub api_version: String,
    /// The field, as the API server writes it: `.spec.replicas`.
    pub path: String,
}

/// The API server's message for conflicts:
/// `Apply failed with 1 conflict: conflict with "x" using apps/v1: .spec.replicas`.
pub fn conflict_message(conflicts: &[Conflict]) -> String {
    match conflicts {
        [one] => format!(
            "Apply failed with 1 conflict: conflict with {:?} using {}: {}",
            one.manager, one.api_version, one.path
        ),
        many => {
            let mut message = format!("Apply failed with {} conflicts:", many.len());
            let mut last: Option<(&str, &str)> = None;
            for conflict in many {
                let owner = (conflict.manager.as_str(), conflict.api_version.as_str());
                if last != Some(owner) {
                    message.push_str(&format!(
                        " conflicts with {:?} using {}:",
                        conflict.manager, conflict.api_version
                    ));
                    last = Some(owner);
                }
                message.push_str(&format!("\n- {}", conflict.path));
            }
            message
        }
    }
}

/// The key fields of the items of the list at `field` (under `parent`),
/// for server-side apply; None for an atomic list.
fn list_keys(field: &str, parent: &str) -> Option<Vec<&'static str>> {
    match (field, parent) {
        ("ports", "containers" | "initContainers" | "ephemeralContainers") => {
            Some(vec!["containerPort", "protocol"])
        }
        ("ports", "spec") => Some(vec!["port", "protocol"]),
        _ => merge_key(field, parent).map(|key| vec![key]),
    }
}

/// The key of a list item, as `k:` text: its key fields as JSON (a
/// missing `protocol` counts as TCP, as the API server defaults it).
fn item_key(item: &Value, keys: &[&str]) -> Option<String> {
    let mut map = Map::new();
    for key in keys {
        let value = match item.get(*key) {
            Some(value) => value.clone(),
            None if *key == "protocol" => json!("TCP"),
            None => return None,
        };
        map.insert((*key).to_string(), value);
    }
    Some(Value::Object(map).to_string())
}

/// The field set of a configuration (its `apiVersion`, `kind`, and
/// `metadata.name` and `.namespace` identify the object and are not owned).
pub fn field_set(config: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    if let Some(map) = config.as_object() {
        for (key, value) in map {
            if key == "apiVersion" || key == "kind" || key == "status" {
                continue;
            }
            let mut path = vec![Step::Field(key.clone())];
            if key == "metadata" {
                let mut meta = value.clone();
                if let Some(m) = meta.as_object_mut() {
                    m.remove("name");
                    m.remove("namespace");
                    m.remove("managedFields");
                    m.remove("resourceVersion");
                }
                collect(&meta, key, "", &mut path, &mut set);
            } else {
                collect(value, key, "", &mut path, &mut set);
            }
        }
    }
    set
}

fn collect(value: &Value, field: &str, parent: &str, path: &mut Path, set: &mut FieldSet) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                path.push(Step::Field(key.clone()));
                collect(child, key, field, path, set);
                path.pop();
            }
        }
        Value::Array(items) => match list_keys(field, parent) {
            Some(keys) => {
                for item in items {
                    let Some(key) = item_key(item, &keys) else {
                        continue;
                    };
                    path.push(Step::Key(key));
                    path.push(Step::Itself);
                    set.insert(path.clone());
                    path.pop();
                    if let Some(map) = item.as_object() {
                        for (child_key, child) in map {
                            path.push(Step::Field(child_key.clone()));
                            collect(child, child_key, field, path, set);
                            path.pop();
                        }
                    }
                    path.pop();
                }
            }
            None => {
                set.insert(path.clone());
            }
        },
        _ => {
            set.insert(path.clone());
        }
    }
}

/// The path as the API server's conflict messages write it:
/// `.spec.template.spec.containers[name="nginx"].image`.
pub fn path_text(path: &Path) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Field(name) => {
                text.push('.');
                text.push_str(name);
            }
            Step::Key(key) => {
                let parts: Map<String, Value> = serde_json::from_str(key).unwrap_or_default();
                let inner: Vec<String> = parts.iter().map(|(k, v)| format!("{k}={v}")).collect();
                text.push_str(&format!("[{}]", inner.join(",")));
            }
            Step::Itself => {}
        }
    }
    text
}

/// The value at `path` in `object`, if any.
fn value_at<'a>(object: &'a Value, path: &Path) -> Option<&'a Value> {
    let mut current = object;
    let mut parent_field = "";
    let mut field = "";
    for step in path {
        match step {
            Step::Field(name) => {
                parent_field = field;
                field = name;
                current = current.get(name)?;
            }
            Step::Key(key) => {
                let keys = list_keys(field, parent_field)?;
                current = current
                    .as_array()?
                    .iter()
                    .find(|item| item_key(item, &keys).as_deref() == Some(key.as_str()))?;
            }
            Step::Itself => {}
        }
    }
    Some(current)
}

/// What applying `config` as `manager` (with `api_version`) does to `live`
/// (None: the object does not exist yet) given the appliers `managers`:
/// the merged object and the managers after it, or the conflicts.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    managers: &[Manager],
    manager: &str,
    api_version: &str,
    force: bool,
) -> Result<(Value, Vec<Manager>), Vec<Conflict>> {
    let wanted = field_set(config);
    let empty = json!({});
    let live = live.unwrap_or(&empty);
    let conflicts = conflicts_with(live, config, &wanted, managers, manager);
    if !conflicts.is_empty() && !force {
        return Err(conflicts);
    }
    let mut others: Vec<Manager> = managers
        .iter()
        .filter(|m| m.name != manager)
        .cloned()
        .map(|mut other| {
            if force {
                other.fields.retain(|path| !wanted.contains(path));
            }
            other
        })
        .filter(|other| !other.fields.is_empty())
        .collect();
    let before = managers
        .iter()
        .find(|m| m.name == manager)
        .map(|m| m.fields.clone())
        .unwrap_or_default();
    let still_owned: BTreeSet<&Path> = others.iter().flat_map(|m| &m.fields).collect();
    let dropped: Vec<&Path> = before
        .iter()
        .filter(|path| !wanted.contains(*path) && !still_owned.contains(path))
        .collect();
    let mut merged = live.clone();
    for path in dropped.iter().rev() {
        remove_at(&mut merged, path);
    }
    merge_into(&mut merged, config, "", "");
    others.push(Manager {
        name: manager.to_string(),
        api_version: api_version.to_string(),
        fields: wanted,
    });
    Ok((merged, others))
}

/// The fields `config` sets that another applier owns with another value.
fn conflicts_with(
    live: &Value,
    config: &Value,
    wanted: &FieldSet,
    managers: &[Manager],
    manager: &str,
) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    for other in managers.iter().filter(|m| m.name != manager) {
        for path in wanted.intersection(&other.fields) {
            if path.last() == Some(&Step::Itself) {
                continue;
            }
            if value_at(live, path) != value_at(config, path) {
                conflicts.push(Conflict {
                    manager: other.name.clone(),
                    api_version: other.api_version.clone(),
                    path: path_text(path),
                });
            }
        }
    }
    conflicts
}

/// Removes the field (or list item) at `path`.
fn remove_at(object: &mut Value, path: &Path) {
    let (last, parents) = match path.split_last() {
        Some((Step::Itself, parents)) => match parents.split_last() {
            Some((last, parents)) => (last, parents),
            None => return,
        },
        Some((last, parents)) => (last, parents),
        None => return,
    };
    let mut current = object;
    let mut field = String::new();
    let mut parent_field = String::new();
    for step in parents {
        let next = match step {
            Step::Field(name) => {
                parent_field = std::mem::replace(&mut field, name.clone());
                current.get_mut(name)
            }
            Step::Key(key) => {
                let keys = list_keys(&field, &parent_field).unwrap_or_default();
                current.as_array_mut().and_then(|items| {
                    items
                        .iter_mut()
                        .find(|item| item_key(item, &keys).as_deref() == Some(key.as_str()))
                })
            }
            Step::Itself => Some(current),
        };
        let Some(next) = next else { return };
        current = next;
    }
    match last {
        Step::Field(name) => {
            if let Some(map) = current.as_object_mut() {
                map.remove(name);
            }
        }
        Step::Key(key) => {
            let keys = list_keys(&field, &parent_field).unwrap_or_default();
            if let Some(items) = current.as_array_mut() {
                items.retain(|item| item_key(item, &keys).as_deref() != Some(key.as_str()));
            }
        }
        Step::Itself => {}
    }
}

/// Sets everything `config` sets on `live`: maps field by field, keyed
/// lists item by item, anything else replaced.
fn merge_into(live: &mut Value, config: &Value, field: &str, parent: &str) {
    if let (Some(live_map), Some(config_map)) = (live.as_object_mut(), config.as_object()) {
        for (key, wanted) in config_map {
            match live_map.get_mut(key) {
                Some(existing) => merge_into(existing, wanted, key, field),
                None => {
                    live_map.insert(key.clone(), wanted.clone());
                }
            }
        }
        return;
    }
    if let (Some(keys), Some(wanted_items)) = (list_keys(field, parent), config.as_array()) {
        if let Some(live_items) = live.as_array_mut() {
            for wanted in wanted_items {
                let key = item_key(wanted, &keys);
                match live_items
                    .iter_mut()
                    .find(|item| key.is_some() && item_key(item, &keys) == key)
                {
                    Some(existing) => merge_into(existing, wanted, field, parent),
                    None => live_items.push(wanted.clone()),
                }
            }
            return;
        }
    }
    *live = config.clone();
}

/// A field set in `fieldsV1` form: nested maps of `f:…`, `k:…` and `.`.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for path in set {
        let mut current = &mut root;
        for step in path {
            let key = match step {
                Step::Field(name) => format!("f:{name}"),
                Step::Key(key) => format!("k:{key}"),
                Step::Itself => ".".to_string(),
            };
            let entry = current.entry(key).or_insert_with(|| json!({}));
            let Some(next) = entry.as_object_mut() else {
                break;
            };
            current = next;
        }
    }
    Value::Object(root)
}

/// The field set a `fieldsV1` document names.
pub fn from_fields_v1(fields: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    walk_fields_v1(fields, &mut Vec::new(), &mut set);
    set
}

fn walk_fields_v1(fields: &Value, path: &mut Path, set: &mut FieldSet) {
    let Some(map) = fields.as_object() else {
        return;
    };
    if map.is_empty() && !path.is_empty() {
        set.insert(path.clone());
        return;
    }
    for (key, child) in map {
        let step = if key == "." {
            Step::Itself
        } else if let Some(name) = key.strip_prefix("f:") {
            Step::Field(name.to_string())
        } else if let Some(item) = key.strip_prefix("k:") {
            Step::Key(item.to_string())
        } else {
            continue;
        };
        path.push(step);
        walk_fields_v1(child, path, set);
        path.pop();
    }
}

/// The appliers an object's `metadata.managedFields` names.
pub fn managers_of(object: &Value) -> Vec<Manager> {
    object
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|entry| entry["operation"] == "Apply")
        .map(|entry| Manager {
            name: entry["manager"].as_str().unwrap_or_default().to_string(),
            api_version: entry["apiVersion"].as_str().unwrap_or_default().to_string(),
            fields: from_fields_v1(&entry["fieldsV1"]),
        })
        .collect()
}

/// The `managedFields` entries for `managers`, stamped `now` for `changed`.
pub fn managed_fields(
    managers: &[Manager],
    changed: &str,
    now: SimTime,
    previous: &Value,
) -> Value {
    let time_of = |name: &str| {
        previous
            .pointer("/metadata/managedFields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|e| e["manager"] == name && e["operation"] == "Apply")
            .and_then(|e| e.get("time").cloned())
    };
    Value::Array(
        managers
            .iter()
            .map(|m| {
                let time = if m.name == changed {
                    serde_json::to_value(now.to_time()).ok()
                } else {
                    time_of(&m.name)
                };
                json!({
                    "manager": m.name,
                    "operation": "Apply",
                    "apiVersion": m.api_version,
                    "time": time.unwrap_or(Value::Null),
                    "fieldsType": "FieldsV1",
                    "fieldsV1": to_fields_v1(&m.fields),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(replicas: i64, image: &str) -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "echo", "labels": {"app": "echo"}},
            "spec": {
                "replicas": replicas,
                "template": {"spec": {"containers": [
                    {"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}
                ]}}
            }
        })
    }

    #[test]
    fn a_field_set_has_leaves_and_keyed_items_in_fields_v1_form() {
        let set = field_set(&deployment(3, "nginx:1.27"));
        assert_eq!(
            to_fields_v1(&set),
            json!({
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {
                    "f:replicas": {},
                    "f:template": {"f:spec": {"f:containers": {
                        "k:{\"name\":\"nginx\"}": {
                            ".": {},
                            "f:image": {},
                            "f:name": {},
                            "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {
                                ".": {},
                                "f:containerPort": {}
                            }}
                        }
                    }}}
                }
            })
        );
        assert_eq!(from_fields_v1(&to_fields_v1(&set)), set);
    }

    #[test]
    fn another_appliers_field_with_another_value_conflicts_unless_forced() {
        let live = deployment(3, "nginx:1.27");
        let (_, managers) = apply(None, &live, &[], "ci", "apps/v1", false).expect("first apply");
        let mine = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "echo"},
            "spec": {"replicas": 5}
        });
        let conflicts = apply(Some(&live), &mine, &managers, "kubectl", "apps/v1", false)
            .expect_err("replicas are ci's");
        assert_eq!(
            conflict_message(&conflicts),
            "Apply failed with 1 conflict: conflict with \"ci\" using apps/v1: .spec.replicas"
        );
        let (merged, managers) =
            apply(Some(&live), &mine, &managers, "kubectl", "apps/v1", true).expect("forced");
        assert_eq!(merged["spec"]["replicas"], 5);
        let ci = managers
            .iter()
            .find(|m| m.name == "ci")
            .expect("ci keeps the rest");
        assert!(!ci.fields.iter().any(|p| path_text(p) == ".spec.replicas"));
    }

    #[test]
    fn the_same_value_is_shared_and_a_dropped_field_is_removed() {
        let first = deployment(3, "nginx:1.27");
        let (live, managers) =
            apply(None, &first, &[], "kubectl", "apps/v1", false).expect("apply");
        let mut second = first.clone();
        second["metadata"]
            .as_object_mut()
            .expect("metadata")
            .remove("labels");
        let (merged, _) =
            apply(Some(&live), &second, &managers, "kubectl", "apps/v1", false).expect("re-apply");
        assert_eq!(merged["metadata"].get("labels"), Some(&json!({})));
        let (_, managers) = apply(Some(&live), &first, &managers, "other", "apps/v1", false)
            .expect("same values never conflict");
        assert_eq!(managers.len(), 2);
    }

    #[test]
    fn list_items_merge_by_key_and_conflict_paths_name_them() {
        let path = vec![
            Step::Field("spec".into()),
            Step::Field("containers".into()),
            Step::Key("{\"name\":\"nginx\"}".into()),
            Step::Field("image".into()),
        ];
        assert_eq!(path_text(&path), ".spec.containers[name=\"nginx\"].image");
        let mut live = deployment(3, "nginx:1.27");
        let mut more = deployment(3, "nginx:1.27");
        more["spec"]["template"]["spec"]["containers"] =
            json!([{"name": "echo", "image": "echo:1"}]);
        merge_into(&mut live, &more, "", "");
        let names: Vec<&str> = live["spec"]["template"]["spec"]["containers"]
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(names, ["nginx", "echo"]);
    }
}

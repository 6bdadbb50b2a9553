//! The three-way merge kubectl's client-side apply computes: fields the
//! last applied configuration had and the new one drops are removed, fields
//! in the new one are set, and everything else the server or controllers
//! added stays. Lists merge by their strategic-merge key (containers by
//! name, container ports by containerPort, …) and otherwise are replaced.

use serde_json::{Map, Value};

/// The strategic-merge key of a list at a field name, given its parent's field name.
pub(crate) fn merge_key(field: &str, parent: &str) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Some("name"),
        "ports" if parent == "containers" || parent == "initContainers" => Some("containerPort"),
        "ports" => Some("port"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        _ => None,
    }
}

/// Merges `desired` onto `live`, removing what `last` had and `desired` does not.
pub fn three_way(live: &Value, last: &Value, desired: &Value) -> Value {
    merge(live, last, desired, "", "")
}

fn merge(live: &Value, last: &Value, desired: &Value, field: &str, parent: &str) -> Value {
    match (live, desired) {
        (Value::Object(live_map), Value::Object(desired_map)) => {
            let empty = Map::new();
            let last_map = last.as_object().unwrap_or(&empty);
            let mut result = live_map.clone();
            for (key, wanted) in desired_map {
                let merged = merge(
                    live_map.get(key).unwrap_or(&Value::Null),
                    last_map.get(key).unwrap_or(&Value::Null),
                    wanted,
                    key,
                    field,
                );
                result.insert(key.clone(), merged);
            }
            for key in last_map.keys().filter(|k| !desired_map.contains_key(*k)) {
                result.remove(key);
            }
            Value::Object(result)
        }
        (Value::Array(live_items), Value::Array(desired_items)) => match merge_key(field, parent) {
            Some(key) => merge_list(
                live_items,
                last.as_array().map_or(&[][..], Vec::as_slice),
                desired_items,
                key,
                field,
            ),
            None => desired.clone(),
        },
        _ => desired.clone(),
    }
}

fn merge_list(live: &[Value], last: &[Value], desired: &[Value], key: &str, field: &str) -> Value {
    let id = |v: &Value| v.get(key).cloned();
    let find = |list: &[Value], wanted: &Option<Value>| {
        list.iter()
            .find(|v| id(v) == *wanted && wanted.is_some())
            .cloned()
    };
    let mut result: Vec<Value> = desired
        .iter()
        .map(|item| {
            let k = id(item);
            match find(live, &k) {
                Some(live_item) => merge(
                    &live_item,
                    &find(last, &k).unwrap_or(Value::Null),
                    item,
                    // The item's own fields see the list's name as their parent.
                    field,
                    "",
                ),
                None => item.clone(),
            }
        })
        .collect();
    // Items others added (the server's volumes, for one) stay; items this
    // configuration applied before and now drops go.
    for item in live {
        let k = id(item);
        let in_desired = desired.iter().any(|d| id(d) == k);
        let applied_before = last.iter().any(|l| id(l) == k);
        if !in_desired && !applied_before {
            result.push(item.clone());
        }
    }
    Value::Array(result)
}

/// The strategic merge patch kubectl sends for the same three
/// (`CreateThreeWayMergePatch`): what `desired` sets that `live` lacks or
/// has otherwise, `null` for what `last` had and `desired` drops, and for
/// lists merged by key, `$setElementOrder/<field>` with the changed items.
pub fn three_way_patch(live: &Value, last: &Value, desired: &Value) -> Value {
    patch_of(live, last, desired, "", "").unwrap_or_else(|| Value::Object(Map::new()))
}

/// The patch of one value; None when nothing changes.
fn patch_of(
    live: &Value,
    last: &Value,
    desired: &Value,
    field: &str,
    parent: &str,
) -> Option<Value> {
    match (live, desired) {
        (Value::Object(live_map), Value::Object(desired_map)) => {
            let empty = Map::new();
            let last_map = last.as_object().unwrap_or(&empty);
            let mut patch = Map::new();
            for (key, wanted) in desired_map {
                let changed = match live_map.get(key) {
                    None => Some(wanted.clone()),
                    Some(current) => patch_of(
                        current,
                        last_map.get(key).unwrap_or(&Value::Null),
                        wanted,
                        key,
                        field,
                    ),
                };
                if let Some(changed) = changed {
                    if let (Some(key_name), Value::Array(_)) = (merge_key(key, field), wanted) {
                        patch.insert(
                            format!("$setElementOrder/{key}"),
                            element_order(wanted, key_name),
                        );
                    }
                    patch.insert(key.clone(), changed);
                }
            }
            for key in last_map.keys() {
                if !desired_map.contains_key(key) && live_map.contains_key(key) {
                    patch.insert(key.clone(), Value::Null);
                }
            }
            (!patch.is_empty()).then_some(Value::Object(patch))
        }
        (Value::Array(live_items), Value::Array(desired_items)) => match merge_key(field, parent) {
            Some(key) => list_patch(
                live_items,
                last.as_array().map_or(&[][..], Vec::as_slice),
                desired_items,
                key,
                field,
            ),
            None => (live != desired).then(|| desired.clone()),
        },
        _ => (live != desired).then(|| desired.clone()),
    }
}

/// `[{name: a}, {name: b}]`: the order of a merged list's items, by key.
fn element_order(items: &Value, key: &str) -> Value {
    Value::Array(
        items
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item.get(key))
            .map(|id| {
                let mut entry = Map::new();
                entry.insert(key.to_string(), id.clone());
                Value::Object(entry)
            })
            .collect(),
    )
}

/// The changed and new items of a list merged by `key` (each with its
/// key), and `$patch: delete` for the items `last` had and `desired` drops.
fn list_patch(
    live: &[Value],
    last: &[Value],
    desired: &[Value],
    key: &str,
    field: &str,
) -> Option<Value> {
    let id = |v: &Value| v.get(key).cloned();
    let find = |list: &[Value], wanted: &Option<Value>| {
        list.iter()
            .find(|v| wanted.is_some() && id(v) == *wanted)
            .cloned()
    };
    let mut items = Vec::new();
    for item in desired {
        let k = id(item);
        match find(live, &k) {
            None => items.push(item.clone()),
            Some(current) => {
                let last_item = find(last, &k).unwrap_or(Value::Null);
                if let Some(Value::Object(mut changed)) =
                    patch_of(&current, &last_item, item, field, "")
                {
                    if let Some(k) = k {
                        changed.insert(key.to_string(), k);
                    }
                    items.push(Value::Object(changed));
                }
            }
        }
    }
    for item in last {
        let k = id(item);
        if !desired.iter().any(|d| id(d) == k) && find(live, &k).is_some() {
            let mut deletion = Map::new();
            deletion.insert("$patch".into(), Value::String("delete".into()));
            if let Some(k) = k {
                deletion.insert(key.to_string(), k);
            }
            items.push(Value::Object(deletion));
        }
    }
    (!items.is_empty()).then_some(Value::Array(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_patch_sets_what_changed_and_nulls_what_was_dropped() {
        let live =
            json!({"spec": {"replicas": 3, "paused": false, "progressDeadlineSeconds": 600}});
        let last = json!({"spec": {"replicas": 3, "paused": false}});
        let desired = json!({"spec": {"replicas": 5, "replicass": 1}});
        assert_eq!(
            three_way_patch(&live, &last, &desired),
            json!({"spec": {"replicas": 5, "replicass": 1, "paused": null}})
        );
        assert_eq!(three_way_patch(&live, &last, &live), json!({}));
    }

    #[test]
    fn a_changed_container_is_patched_by_name_with_the_element_order() {
        let live = json!({"containers": [
            {"name": "nginx", "image": "nginx:1.25", "terminationMessagePath": "/dev/termination-log"},
            {"name": "echo", "image": "echo"}
        ]});
        let last = json!({"containers": [{"name": "nginx", "image": "nginx:1.25"}, {"name": "echo", "image": "echo"}]});
        let desired = json!({"containers": [{"name": "nginx", "image": "nginx:1.25", "imag": "x"}, {"name": "echo", "image": "echo"}]});
        assert_eq!(
            three_way_patch(&live, &last, &desired),
            json!({
                "$setElementOrder/containers": [{"name": "nginx"}, {"name": "echo"}],
                "containers": [{"imag": "x", "name": "nginx"}]
            })
        );
    }

    #[test]
    fn dropped_fields_go_and_server_fields_stay() {
        let live =
            json!({"spec": {"replicas": 3, "paused": false, "progressDeadlineSeconds": 600}});
        let last = json!({"spec": {"replicas": 3, "paused": false}});
        let desired = json!({"spec": {"replicas": 5}});
        assert_eq!(
            three_way(&live, &last, &desired),
            json!({"spec": {"replicas": 5, "progressDeadlineSeconds": 600}})
        );
    }

    #[test]
    fn containers_merge_by_name_and_keep_server_defaults() {
        let live = json!({"containers": [
            {"name": "nginx", "image": "nginx:1.25", "terminationMessagePath": "/dev/termination-log",
             "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-x"}]},
            {"name": "old", "image": "busybox"}
        ]});
        let last = json!({"containers": [{"name": "nginx", "image": "nginx:1.25"}, {"name": "old", "image": "busybox"}]});
        let desired = json!({"containers": [{"name": "nginx", "image": "nginx:1.26"}]});
        assert_eq!(
            three_way(&live, &last, &desired),
            json!({"containers": [{"name": "nginx", "image": "nginx:1.26", "terminationMessagePath": "/dev/termination-log",
                "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access-x"}]}]})
        );
    }

    #[test]
    fn container_ports_merge_by_container_port_and_keep_defaults() {
        let live = json!({"containers": [{"name": "c", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]});
        let last = json!({"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]});
        assert_eq!(three_way(&live, &last, &last), live);
    }

    #[test]
    fn lists_without_a_merge_key_are_replaced() {
        let live = json!({"args": ["a", "b"]});
        assert_eq!(
            three_way(&live, &json!({"args": ["a", "b"]}), &json!({"args": ["c"]})),
            json!({"args": ["c"]})
        );
    }
}

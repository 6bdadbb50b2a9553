//! `meta.k8s.io/v1` Table responses, built from core's per-kind printers
//! (`sunaba_core::kubectl::get::printers`), so real kubectl's `get` prints
//! the same rows as the playground's kubectl: every column with its
//! priority (kubectl hides priority 1 unless `-o wide`), and each row's
//! object as `PartialObjectMetadata` for `-A`'s NAMESPACE and `--show-labels`.

use serde_json::{json, Map, Value};
use sunaba_core::api::{Kind, Object};
use sunaba_core::kubectl::get::printers;
use sunaba_core::kubectl::get::table::Column;
use sunaba_core::time::SimTime;

use super::request::IncludeObject;

/// The Content-Type of a Table response.
pub const TABLE_CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// The Table for `objects` (all of `kind`) at `now`, in a store at `resource_version`.
pub fn table(
    kind: Kind,
    objects: &[&Object],
    now: SimTime,
    resource_version: u64,
    include: IncludeObject,
) -> Value {
    let printed = printers::table(kind, objects, now);
    let rows: Vec<Value> = printed
        .rows
        .iter()
        .zip(objects)
        .map(|(row, object)| {
            let mut value = json!({ "cells": row.cells });
            if let Some(object) = row_object(object, include) {
                value["object"] = object;
            }
            value
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": { "resourceVersion": resource_version.to_string() },
        "columnDefinitions": printed.columns.iter().map(column_definition).collect::<Vec<_>>(),
        "rows": rows,
    })
}

/// A column as `columnDefinitions` lists it; the NAME column is `format: name`,
/// which kubectl uses to add the `kind/` prefix.
fn column_definition(column: &Column) -> Value {
    let format = if column.name == "Name" { "name" } else { "" };
    json!({
        "name": column.name,
        "type": column.kind,
        "format": format,
        "description": column.description,
        "priority": column.priority,
    })
}

/// What a row carries of its object.
fn row_object(object: &Object, include: IncludeObject) -> Option<Value> {
    match include {
        IncludeObject::None => None,
        IncludeObject::Object => Some(object.to_value()),
        IncludeObject::Metadata => Some(json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": metadata_without_managed_fields(object),
        })),
    }
}

fn metadata_without_managed_fields(object: &Object) -> Value {
    let mut metadata = object
        .to_value()
        .get("metadata")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(map) = metadata.as_object_mut() {
        map.remove("managedFields");
    }
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::{Cluster, ClusterConfig};

    #[test]
    fn node_tables_have_every_column_and_partial_metadata_rows() {
        let cluster = Cluster::new(ClusterConfig::default());
        let nodes: Vec<&Object> = cluster
            .api()
            .store()
            .list(Kind::Node, None)
            .map(|o| o.as_ref())
            .collect();
        let table = table(
            Kind::Node,
            &nodes,
            cluster.now(),
            7,
            IncludeObject::Metadata,
        );
        assert_eq!(table["kind"], "Table");
        assert_eq!(table["metadata"]["resourceVersion"], "7");
        let columns = table["columnDefinitions"].as_array().map_or(0, Vec::len);
        assert_eq!(columns, 10);
        assert_eq!(table["columnDefinitions"][0]["format"], "name");
        assert_eq!(table["columnDefinitions"][5]["priority"], 1);
        let row = &table["rows"][0];
        assert_eq!(row["cells"][0], "sunaba-control-plane");
        assert_eq!(row["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(row["object"]["metadata"]["name"], "sunaba-control-plane");
    }
}

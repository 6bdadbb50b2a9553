//! `cargo xtask openapi`: regenerates `core/data/openapi-v1.33.json`, the
//! trimmed Kubernetes v1.33 OpenAPI v3 schemas that `kubectl explain`, the
//! server's `/openapi/v3` and the editor's completion read.
//!
//! The source is the Kubernetes v1.33 JSON Schema that the PyPI package
//! `kubernetes-validate` ships (converted from the API server's OpenAPI
//! spec, keeping its descriptions, required fields and `x-kubernetes-*`
//! extensions). This task downloads it with pip, keeps only the schemas the
//! simulated kinds reach, and writes them back in the API server's OpenAPI v3
//! form: `#/components/schemas/…` references, a referenced field's own
//! description beside an `allOf`, plain `type` names, and no `apiVersion`
//! or `kind` enums (JSON Schema's additions).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};

use crate::cmd;

/// The package and version the schemas come from.
const PACKAGE: &str = "kubernetes-validate==1.37.0";
const WHEEL: &str = "kubernetes_validate-1.37.0-py3-none-any.whl";
const DEFINITIONS: &str =
    "kubernetes_validate/kubernetes-json-schema/v1.33.0-local/_definitions.json";

/// Where the trimmed document goes.
const OUTPUT: &str = "core/data/openapi-v1.33.json";

/// The kinds the cluster serves (core's `Kind::ALL`; a core test checks that
/// every one of them is in the output).
const ROOTS: &[&str] = &[
    "io.k8s.api.core.v1.Pod",
    "io.k8s.api.apps.v1.ReplicaSet",
    "io.k8s.api.apps.v1.Deployment",
    "io.k8s.api.core.v1.Service",
    "io.k8s.api.core.v1.Endpoints",
    "io.k8s.api.discovery.v1.EndpointSlice",
    "io.k8s.api.core.v1.Node",
    "io.k8s.api.core.v1.Namespace",
    "io.k8s.api.core.v1.Event",
    "io.k8s.api.core.v1.ConfigMap",
    "io.k8s.api.core.v1.Secret",
    "io.k8s.api.core.v1.ServiceAccount",
    "io.k8s.api.core.v1.PersistentVolumeClaim",
    "io.k8s.api.rbac.v1.Role",
    "io.k8s.api.rbac.v1.RoleBinding",
    "io.k8s.api.rbac.v1.ClusterRole",
    "io.k8s.api.rbac.v1.ClusterRoleBinding",
    "io.k8s.api.networking.v1.Ingress",
    "io.k8s.api.networking.v1.NetworkPolicy",
];

/// Types the JSON Schema flattens to a bare `oneOf`, losing their Go doc
/// comment; the API server's document carries it.
const FLATTENED_DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.",
    ),
    (
        "io.k8s.apimachinery.pkg.api.resource.Quantity",
        "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the \"\" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= \"+\" | \"-\" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | \"\" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn't choose the capitalization.)\n\n<decimalExponent> ::= \"e\" <signedNumber> | \"E\" <signedNumber> ```\n\nNo matter which of the three exponent forms is used, no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be extended in the future if we require larger or smaller quantities.\n\nWhen a Quantity is parsed from a string, it will remember the type of suffix it had, and will use the same type again when it is serialized.\n\nBefore serializing, Quantity will be put in \"canonical form\". This means that Exponent/suffix will be adjusted up or down (with a corresponding increase or decrease in Mantissa) such that:\n\n- No precision is lost - No fractional digits will be emitted - The exponent (or suffix) is as large as possible.\n\nThe sign will be omitted unless the number is negative.\n\nExamples:\n\n- 1.5 will be serialized as \"1500m\" - 1.5Gi will be serialized as \"1536Mi\"\n\nNote that the quantity will NEVER be internally represented by a floating point number. That is the whole point of this exercise.\n\nNon-canonical values will still parse as long as they are well formed, but will be re-emitted in their canonical form. (So always use canonical form, or don't diff.)\n\nThis format is intended to make it difficult to use these numbers without writing some sort of special handling code in the hopes that that will cause implementors to also use a fixed point implementation.",
    ),
];

/// `cargo xtask openapi`.
pub fn run() -> Result<(), String> {
    let source = read_definitions(&download_wheel()?)?;
    let schemas = reachable_schemas(&source)?;
    let path = cmd::workspace_root().join(OUTPUT);
    std::fs::create_dir_all(path.parent().expect("the output has a directory"))
        .map_err(|err| format!("cannot create {}: {err}", path.display()))?;
    std::fs::write(&path, render(&schemas))
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    eprintln!(
        "xtask: wrote {} ({} schemas)",
        path.display(),
        schemas.len()
    );
    Ok(())
}

/// The wheel, downloaded into `target/openapi` unless it is already there.
fn download_wheel() -> Result<PathBuf, String> {
    let dir = cmd::workspace_root().join("target/openapi");
    let wheel = dir.join(WHEEL);
    if !wheel.exists() {
        cmd::run(
            Command::new("python3")
                .args(["-m", "pip", "download", "--no-deps", PACKAGE, "-d"])
                .arg(&dir),
        )?;
    }
    Ok(wheel)
}

/// The `$defs` map of the wheel's v1.33 `_definitions.json`.
fn read_definitions(wheel: &Path) -> Result<Map<String, Value>, String> {
    let text = cmd::output(
        Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())",
            ])
            .arg(wheel)
            .arg(DEFINITIONS),
    )
    .ok_or_else(|| format!("cannot read {DEFINITIONS} from {}", wheel.display()))?;
    let mut document: Value =
        serde_json::from_str(&text).map_err(|err| format!("{DEFINITIONS}: {err}"))?;
    match document.get_mut("$defs").map(Value::take) {
        Some(Value::Object(defs)) => Ok(defs),
        _ => Err(format!("{DEFINITIONS} has no $defs")),
    }
}

/// Every schema the roots reach, converted to OpenAPI v3 form, by name.
fn reachable_schemas(source: &Map<String, Value>) -> Result<BTreeMap<String, Value>, String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<String> = ROOTS.iter().map(|root| root.to_string()).collect();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let schema = source
            .get(&name)
            .ok_or_else(|| format!("the source has no schema {name}"))?;
        collect_refs(schema, &mut pending);
    }
    Ok(seen
        .into_iter()
        .map(|name| {
            let schema = to_openapi_v3(&name, &source[&name]);
            (name, schema)
        })
        .collect())
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) => into.push(ref_name(target).to_string()),
                    _ => collect_refs(child, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, into)),
        _ => {}
    }
}

fn ref_name(target: &str) -> &str {
    target.rsplit('/').next().unwrap_or(target)
}

/// One named schema in the API server's form.
fn to_openapi_v3(name: &str, schema: &Value) -> Value {
    let mut converted = convert(schema);
    if let Some((_, description)) = FLATTENED_DESCRIPTIONS.iter().find(|(n, _)| *n == name) {
        if let Value::Object(map) = &mut converted {
            map.insert("description".into(), json!(description));
        }
    }
    if let Some(Value::Object(properties)) = converted.get_mut("properties") {
        for field in ["apiVersion", "kind"] {
            if let Some(Value::Object(property)) = properties.get_mut(field) {
                property.remove("enum");
            }
        }
    }
    converted
}

/// Converts a schema and everything below it.
fn convert(value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (key, child) in map {
        let converted = match key.as_str() {
            "$ref" => json!(format!(
                "#/components/schemas/{}",
                ref_name(child.as_str().unwrap_or_default())
            )),
            "type" => plain_type(child),
            "properties" => Value::Object(
                child
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(field, schema)| (field.clone(), wrap_ref(convert(schema))))
                    .collect(),
            ),
            "items" | "additionalProperties" => convert(child),
            "oneOf" | "allOf" | "anyOf" => Value::Array(
                child
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(convert)
                    .collect(),
            ),
            _ => child.clone(),
        };
        out.insert(key.clone(), converted);
    }
    Value::Object(out)
}

/// `["string", "null"]` → `"string"`: the API server's schemas name one type.
fn plain_type(value: &Value) -> Value {
    match value {
        Value::Array(types) => types
            .iter()
            .find(|t| t.as_str() != Some("null"))
            .cloned()
            .unwrap_or(Value::Null),
        other => other.clone(),
    }
}

/// A field that references a named schema and says more about itself keeps
/// the reference inside `allOf`, as the API server's OpenAPI v3 does.
fn wrap_ref(schema: Value) -> Value {
    let Value::Object(mut map) = schema else {
        return schema;
    };
    if map.len() > 1 {
        if let Some(target) = map.remove("$ref") {
            map.insert("allOf".into(), json!([{ "$ref": target }]));
        }
    }
    Value::Object(map)
}

/// `{"components":{"schemas":{…}}}`, one schema per line so that a change
/// reads as a small diff.
fn render(schemas: &BTreeMap<String, Value>) -> String {
    let mut text = String::from("{\"components\":{\"schemas\":{\n");
    for (index, (name, schema)) in schemas.iter().enumerate() {
        if index > 0 {
            text.push_str(",\n");
        }
        text.push_str(&json!(name).to_string());
        text.push(':');
        text.push_str(&schema.to_string());
    }
    text.push_str("\n}}}\n");
    text
}

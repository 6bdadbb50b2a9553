//! `GET /openapi/v2`: the kinds' schemas as a Swagger 2.0 document.
//!
//! kubectl asks for it as protobuf (gnostic's `openapi.v2.Document`,
//! `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`) and reads
//! only its definitions, for `kubectl explain --output=plaintext-openapiv2`
//! (and, on servers without v3, for apply's patches). Other clients get
//! JSON. The definitions are core's v2 form of the same trimmed v1.33
//! schemas that `/openapi/v3` serves; both encodings are built once.

use std::sync::OnceLock;

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use sunaba_core::api::openapi;

/// The protobuf media type kubectl asks for.
pub const PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/// The same, as the answer's `Content-Type`: the API server writes it
/// without the `@`, which Go's media type parser refuses.
const PROTOBUF_CONTENT_TYPE: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// `GET /openapi/v2`.
pub async fn get(headers: HeaderMap) -> Response {
    let wants_protobuf = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains(PROTOBUF));
    if wants_protobuf {
        static ENCODED: OnceLock<Vec<u8>> = OnceLock::new();
        let body = ENCODED.get_or_init(|| encode_document(&document()));
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(PROTOBUF_CONTENT_TYPE),
            )],
            body.clone(),
        )
            .into_response()
    } else {
        static TEXT: OnceLock<String> = OnceLock::new();
        let body = TEXT.get_or_init(|| document().to_string());
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body.clone(),
        )
            .into_response()
    }
}

/// The Swagger document: info and definitions.
pub fn document() -> Value {
    json!({
        "swagger": "2.0",
        "info": { "title": "Kubernetes", "version": sunaba_core::KUBERNETES_VERSION },
        "paths": {},
        "definitions": openapi::v2_definitions(),
    })
}

/// gnostic's field numbers: `Document`, `Info` and `Schema`.
mod field {
    pub const DOCUMENT_SWAGGER: u32 = 1;
    pub const DOCUMENT_INFO: u32 = 2;
    pub const DOCUMENT_DEFINITIONS: u32 = 9;
    pub const INFO_TITLE: u32 = 1;
    pub const INFO_VERSION: u32 = 2;
    /// `Definitions`, `Properties`: `repeated NamedSchema additional_properties = 1`.
    pub const NAMED_SCHEMAS: u32 = 1;
    /// `NamedSchema`, `NamedAny`: `name = 1`, `value = 2`.
    pub const NAME: u32 = 1;
    pub const VALUE: u32 = 2;
    pub const SCHEMA_REF: u32 = 1;
    pub const SCHEMA_FORMAT: u32 = 2;
    pub const SCHEMA_DESCRIPTION: u32 = 4;
    pub const SCHEMA_REQUIRED: u32 = 19;
    pub const SCHEMA_ADDITIONAL_PROPERTIES: u32 = 21;
    pub const SCHEMA_TYPE: u32 = 22;
    pub const SCHEMA_ITEMS: u32 = 23;
    pub const SCHEMA_PROPERTIES: u32 = 25;
    pub const SCHEMA_VENDOR_EXTENSION: u32 = 31;
    /// `AdditionalPropertiesItem`: `schema = 1`, `boolean = 2`.
    pub const ADDITIONAL_SCHEMA: u32 = 1;
    pub const ADDITIONAL_BOOLEAN: u32 = 2;
    /// `TypeItem.value = 1`, `ItemsItem.schema = 1`.
    pub const REPEATED: u32 = 1;
    /// `Any.yaml = 2`.
    pub const ANY_YAML: u32 = 2;
}

/// The document as gnostic's protobuf.
fn encode_document(document: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    put_string(&mut out, field::DOCUMENT_SWAGGER, "2.0");
    let mut info = Vec::new();
    put_string(&mut info, field::INFO_TITLE, "Kubernetes");
    put_string(
        &mut info,
        field::INFO_VERSION,
        sunaba_core::KUBERNETES_VERSION,
    );
    put_bytes(&mut out, field::DOCUMENT_INFO, &info);
    let definitions = document["definitions"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    put_bytes(
        &mut out,
        field::DOCUMENT_DEFINITIONS,
        &encode_named_schemas(&definitions),
    );
    out
}

/// `repeated NamedSchema` in name order.
fn encode_named_schemas(schemas: &Map<String, Value>) -> Vec<u8> {
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let mut named = Vec::new();
        put_string(&mut named, field::NAME, name);
        put_bytes(
            &mut named,
            field::VALUE,
            &encode_schema(&schemas[name.as_str()]),
        );
        put_bytes(&mut out, field::NAMED_SCHEMAS, &named);
    }
    out
}

/// One `Schema`: the fields kubectl reads, and every `x-` extension as YAML.
fn encode_schema(schema: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let text = |key: &str| schema.get(key).and_then(Value::as_str);
    if let Some(reference) = text("$ref") {
        put_string(&mut out, field::SCHEMA_REF, reference);
    }
    if let Some(format) = text("format") {
        put_string(&mut out, field::SCHEMA_FORMAT, format);
    }
    if let Some(description) = text("description") {
        put_string(&mut out, field::SCHEMA_DESCRIPTION, description);
    }
    for required in schema["required"].as_array().into_iter().flatten() {
        put_string(
            &mut out,
            field::SCHEMA_REQUIRED,
            required.as_str().unwrap_or_default(),
        );
    }
    match schema.get("additionalProperties") {
        Some(Value::Bool(allowed)) => {
            let mut item = Vec::new();
            put_varint_field(&mut item, field::ADDITIONAL_BOOLEAN, u64::from(*allowed));
            put_bytes(&mut out, field::SCHEMA_ADDITIONAL_PROPERTIES, &item);
        }
        Some(values @ Value::Object(_)) => {
            let mut item = Vec::new();
            put_bytes(&mut item, field::ADDITIONAL_SCHEMA, &encode_schema(values));
            put_bytes(&mut out, field::SCHEMA_ADDITIONAL_PROPERTIES, &item);
        }
        _ => {}
    }
    if let Some(kind) = text("type") {
        let mut item = Vec::new();
        put_string(&mut item, field::REPEATED, kind);
        put_bytes(&mut out, field::SCHEMA_TYPE, &item);
    }
    if let Some(items) = schema.get("items").filter(|items| items.is_object()) {
        let mut item = Vec::new();
        put_bytes(&mut item, field::REPEATED, &encode_schema(items));
        put_bytes(&mut out, field::SCHEMA_ITEMS, &item);
    }
    if let Some(properties) = schema["properties"].as_object().filter(|p| !p.is_empty()) {
        put_bytes(
            &mut out,
            field::SCHEMA_PROPERTIES,
            &encode_named_schemas(properties),
        );
    }
    for (name, value) in schema.as_object().into_iter().flatten() {
        if name.starts_with("x-") {
            put_bytes(
                &mut out,
                field::SCHEMA_VENDOR_EXTENSION,
                &encode_extension(name, value),
            );
        }
    }
    out
}

/// A `NamedAny` whose `Any` carries the value as YAML, as gnostic does
/// (JSON text is YAML in flow style).
fn encode_extension(name: &str, value: &Value) -> Vec<u8> {
    let yaml = value.to_string();
    let mut any = Vec::new();
    put_string(&mut any, field::ANY_YAML, &yaml);
    let mut named = Vec::new();
    put_string(&mut named, field::NAME, name);
    put_bytes(&mut named, field::VALUE, &any);
    named
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_varint_field(out: &mut Vec<u8>, field: u32, value: u64) {
    put_varint(out, u64::from(field) << 3);
    put_varint(out, value);
}

fn put_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_varint(out, (u64::from(field) << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_string(out: &mut Vec<u8>, field: u32, text: &str) {
    put_bytes(out, field, text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_length_delimited_fields_are_protobufs() {
        let mut out = Vec::new();
        put_varint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
        let mut out = Vec::new();
        put_string(&mut out, 4, "hi");
        assert_eq!(out, [0x22, 2, b'h', b'i']);
    }

    #[test]
    fn the_document_names_every_definition_with_its_kind() {
        let document = document();
        let pod = &document["definitions"]["io.k8s.api.core.v1.Pod"];
        assert_eq!(pod["x-kubernetes-group-version-kind"][0]["kind"], "Pod");
        let encoded = encode_document(&document);
        let name = b"io.k8s.api.apps.v1.Deployment";
        assert!(encoded.windows(name.len()).any(|w| w == name));
    }
}

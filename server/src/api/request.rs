//! What a request asks for besides its path: query parameters (selectors,
//! `watch`, `dryRun`, `fieldValidation`, …), the Accept header (a Table or
//! the objects), and a bounded body (JSON, YAML, or protobuf through
//! [`super::protobuf`]). Answers are always JSON: kubectl's typed clients
//! ask for `application/vnd.kubernetes.protobuf, application/json` and
//! take the JSON.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use serde_json::Value;
use sunaba_core::api::selector::{FieldSelector, Selector};
use sunaba_core::api::Kind;

use super::protobuf;
use super::status::ApiError;

/// Kubernetes' protobuf media type, which kubectl's typed clients send.
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";

/// The largest body accepted: 3 MiB, the API server's default
/// (`--max-request-body-bytes`). [`super::guard`] refuses a request that
/// declares a longer one before any handler runs; [`read_body`] cuts one
/// sent without a length at the same point.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// The query string's parameters, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Parses a raw query string (`a=1&b=x%20y`).
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of a parameter.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated parameter (`command=sh&command=-c`), in order.
    pub fn all<'q>(&'q self, key: &'q str) -> impl Iterator<Item = &'q str> + 'q {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a boolean parameter is set to true (`watch=true`, `watch=1`).
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    /// A whole-number parameter, or BadRequest when it is not one.
    pub fn integer(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.get(key)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::bad_request(format!(
                        "invalid value for {key}: {v:?} is not an integer"
                    ))
                })
            })
            .transpose()
    }

    /// `dryRun=All`.
    pub fn dry_run(&self) -> Result<bool, ApiError> {
        match self.get("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "Invalid dryRun value: {other:?}: supported values: \"All\""
            ))),
        }
    }

    /// `fieldValidation`: Strict, Warn (the default) or Ignore.
    pub fn field_validation(&self) -> Result<FieldValidation, ApiError> {
        match self.get("fieldValidation") {
            None | Some("") | Some("Warn") => Ok(FieldValidation::Warn),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some(other) => Err(ApiError::bad_request(format!(
                "fieldValidation parameter unsupported: {other:?}"
            ))),
        }
    }
}

/// How unknown fields in a body are treated (core's, shared with kubectl patch).
pub use sunaba_core::apiserver::patch::FieldValidation;

/// Which objects a list or watch selects.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `labelSelector`.
    pub labels: Selector,
    /// `fieldSelector`.
    pub fields: Option<FieldSelector>,
}

impl Selection {
    /// Reads and checks the selectors for a kind, as the API server refuses bad ones.
    pub fn from_query(query: &Query, kind: Kind) -> Result<Self, ApiError> {
        let labels = Selector::parse(query.get("labelSelector").unwrap_or(""))
            .map_err(|e| ApiError::bad_request(e.0))?;
        let fields = match query.get("fieldSelector").filter(|f| !f.is_empty()) {
            None => None,
            Some(text) => {
                let fields = FieldSelector::parse(text).map_err(|e| ApiError::bad_request(e.0))?;
                fields
                    .validate_for(kind)
                    .map_err(|e| ApiError::bad_request(e.0))?;
                Some(fields)
            }
        };
        Ok(Self { labels, fields })
    }

    /// Whether an object is selected.
    pub fn matches(&self, object: &sunaba_core::api::Object) -> bool {
        self.labels.matches_object(object) && self.fields.as_ref().is_none_or(|f| f.matches(object))
    }
}

/// What part of each object a Table row carries (`includeObject`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IncludeObject {
    /// Nothing.
    None,
    /// Its metadata, as a `PartialObjectMetadata` (the default).
    #[default]
    Metadata,
    /// The whole object.
    Object,
}

impl IncludeObject {
    /// Reads `includeObject`.
    pub fn from_query(query: &Query) -> Result<Self, ApiError> {
        match query.get("includeObject") {
            None | Some("") | Some("Metadata") => Ok(Self::Metadata),
            Some("None") => Ok(Self::None),
            Some("Object") => Ok(Self::Object),
            Some(other) => Err(ApiError::bad_request(format!(
                "includeObject: unsupported value {other:?}"
            ))),
        }
    }
}

/// Whether the Accept header asks for a `meta.k8s.io` Table (`as=Table`).
pub fn wants_table(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| {
            let params: Vec<&str> = media.split(';').map(str::trim).collect();
            params.contains(&"as=Table")
                && params
                    .iter()
                    .all(|p| !p.starts_with("g=") || *p == "g=meta.k8s.io")
        })
}

/// Whether the Accept header asks for aggregated discovery (`as=APIGroupDiscoveryList`, v2).
pub fn wants_aggregated_discovery(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| {
            let params: Vec<&str> = media.split(';').map(str::trim).collect();
            params.contains(&"as=APIGroupDiscoveryList")
                && params.contains(&"g=apidiscovery.k8s.io")
                && params.contains(&"v=v2")
        })
}

/// The request's Content-Type, or empty.
pub fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Reads the whole body, refusing more than [`MAX_BODY_BYTES`].
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::too_large(MAX_BODY_BYTES))
}

/// A create or update body, as its Content-Type says: JSON (what kubectl
/// sends for manifests), YAML, or protobuf (what its typed clients send:
/// `kubectl create deployment|configmap|secret|service|…`), each as the
/// same JSON value. Any other media type is a 415.
pub fn object_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Value, ApiError> {
    object_body_for(None, headers, bytes)
}

/// [`object_body`] for a request whose path names `kind`: a protobuf
/// envelope without a type then decodes as that kind, and decode errors
/// name it as the API server does (`must be of type Deployment`).
pub fn object_body_for(
    kind: Option<Kind>,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Value, ApiError> {
    let media = media_type(headers);
    match media.as_str() {
        "" | "application/json" | "*/*" => json_body(bytes),
        "application/yaml" => yaml_body(bytes),
        PROTOBUF => protobuf::decode_object(bytes, kind.map(|k| (k.api_version(), k.name())))
            .map_err(|e| ApiError::bad_request(e.to_string())),
        other => Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format ({other:?}) - accepted media types include: \
                 application/json, application/yaml, {PROTOBUF}"
            ),
        )),
    }
}

/// The Content-Type's media type, lower-cased and without parameters.
fn media_type(headers: &HeaderMap) -> String {
    content_type(headers)
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A YAML body: exactly one document.
fn yaml_body(bytes: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("the request body is not UTF-8 text"))?;
    let documents = sunaba_core::api::decode::parse_documents(text)
        .map_err(|e| ApiError::bad_request(e.message()))?;
    match <[Value; 1]>::try_from(documents) {
        Ok([document]) => Ok(document),
        Err(_) => Err(ApiError::bad_request(
            "the request body must hold exactly one YAML document",
        )),
    }
}

/// The body as a JSON value, or BadRequest.
pub fn json_body(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn queries_decode_percent_escapes() {
        let query = Query::parse(Some("labelSelector=app%3Decho&watch=true&limit=500"));
        assert_eq!(query.get("labelSelector"), Some("app=echo"));
        assert!(query.flag("watch"));
        assert_eq!(query.integer("limit"), Ok(Some(500)));
        assert!(Query::parse(Some("limit=x")).integer("limit").is_err());
    }

    #[test]
    fn kubectl_table_accept_header_asks_for_a_table() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"),
        );
        assert!(wants_table(&headers));
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        assert!(!wants_table(&headers));
    }

    #[test]
    fn protobuf_bodies_decode_like_json_and_other_media_types_are_415() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.kubernetes.protobuf"),
        );
        // kubectl 1.32's `create configmap cfg2 --from-literal=a=b`.
        let body = b"k8s\0\x0a\x0f\x0a\x02v1\x12\x09ConfigMap\x12\x1e\x0a\x14\x0a\x04cfg2\x12\x00\x1a\x00\x22\x00\x2a\x00\x32\x00\x38\x00\x42\x00\x12\x06\x0a\x01a\x12\x01b\x1a\x00\x22\x00";
        assert_eq!(
            object_body(&headers, body),
            json_body(
                br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg2","creationTimestamp":null},"data":{"a":"b"}}"#
            )
        );
        let error = object_body_for(Some(Kind::ConfigMap), &headers, &body[..20])
            .map(|_| ())
            .map_err(|e| (e.code(), e.message().to_string()));
        assert_eq!(
            error,
            Err((
                400,
                "the object provided is unrecognized (must be of type ConfigMap): unexpected EOF \
                 (6b3873000a0f0a0276311209436f6e6669674d61)"
                    .to_string()
            ))
        );
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/cbor"),
        );
        let error = object_body(&headers, b"")
            .map(|_| ())
            .map_err(|e| (e.code(), e.message().to_string()));
        assert_eq!(
            error,
            Err((
                415,
                "the body of the request was in an unknown format (\"application/cbor\") - accepted media types \
                 include: application/json, application/yaml, application/vnd.kubernetes.protobuf"
                    .to_string()
            ))
        );
    }

    #[test]
    fn bad_selectors_are_bad_requests() {
        let query = Query::parse(Some("fieldSelector=spec.foo%3Dbar"));
        let error = Selection::from_query(&query, Kind::Pod)
            .map(|_| ())
            .map_err(|e| e.message().to_string());
        assert_eq!(
            error,
            Err("field label not supported: spec.foo".to_string())
        );
    }
}

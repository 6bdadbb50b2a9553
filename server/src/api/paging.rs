//! Lists in pages, as kubectl asks for them (`limit=500`, then `continue`
//! with the token the last page gave). The token has the real API
//! server's shape: base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"key\0"}`,
//! where the key is the next object's `namespace/name`. Pages are cut from
//! the store as it is when asked (the simulation keeps no old snapshots),
//! so an object created between two pages shows up when it sorts after the
//! cut, as it would after a real compaction.

use std::sync::Arc;

use serde_json::{json, Value};
use sunaba_core::api::Object;

use super::status::ApiError;

/// Where a page starts and how long it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// At most this many items; all of them when None.
    pub limit: Option<usize>,
    /// Only the items whose `namespace/name` key sorts at or after this.
    pub start: Option<String>,
}

/// What a page leaves for the next one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rest {
    /// The token for the next page, when items remain.
    pub token: Option<String>,
    /// How many items remain (the real server says so without selectors).
    pub remaining: Option<usize>,
}

impl Page {
    /// The page a query asks for: `limit` and `continue`.
    pub fn from_query(limit: Option<i64>, token: Option<&str>) -> Result<Self, ApiError> {
        let start = token
            .filter(|t| !t.is_empty())
            .map(decode_token)
            .transpose()?;
        Ok(Self {
            limit: limit
                .filter(|l| *l > 0)
                .and_then(|l| usize::try_from(l).ok()),
            start,
        })
    }

    /// Cuts the page out of objects in key order, and what remains.
    pub fn cut(
        &self,
        objects: Vec<Arc<Object>>,
        version: u64,
        counted: bool,
    ) -> (Vec<Arc<Object>>, Rest) {
        let mut after: Vec<Arc<Object>> = match &self.start {
            Some(start) => objects.into_iter().filter(|o| key(o) >= *start).collect(),
            None => objects,
        };
        let Some(limit) = self.limit.filter(|l| after.len() > *l) else {
            return (after, Rest::default());
        };
        let remaining = after.split_off(limit);
        let rest = Rest {
            token: remaining
                .first()
                .map(|next| encode_token(version, &key(next))),
            remaining: counted.then_some(remaining.len()),
        };
        (after, rest)
    }
}

impl Rest {
    /// Adds `continue` and `remainingItemCount` to a list's metadata.
    pub fn annotate(&self, list: &mut Value) {
        if let Some(token) = &self.token {
            list["metadata"]["continue"] = json!(token);
        }
        if let Some(remaining) = self.remaining {
            list["metadata"]["remainingItemCount"] = json!(remaining);
        }
    }
}

/// An object's key in list order: `namespace/name`.
fn key(object: &Object) -> String {
    format!("{}/{}", object.namespace(), object.name())
}

fn encode_token(version: u64, start: &str) -> String {
    let json = json!({"v": "meta.k8s.io/v1", "rv": version, "start": format!("{start}\u{0}")});
    base64(json.to_string().as_bytes())
}

fn decode_token(token: &str) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::bad_request(format!(
            "continue key is not valid: illegal base64 data at input byte 0 ({token})"
        ))
    };
    // A `+` sent unescaped arrives as a space.
    let bytes = unbase64(&token.replace(' ', "+")).ok_or_else(invalid)?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let start = value["start"].as_str().ok_or_else(invalid)?;
    Ok(start.trim_end_matches('\u{0}').to_string())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as Go's `base64.StdEncoding`.
fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn unbase64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = acc << 6 | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ConfigMap;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn config_map(name: &str) -> Arc<Object> {
        Arc::new(Object::ConfigMap(Box::new(ConfigMap {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            ..ConfigMap::default()
        })))
    }

    #[test]
    fn base64_round_trips_as_go_writes_it() {
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(unbase64("YWI=").as_deref(), Some(&b"ab"[..]));
    }

    #[test]
    fn pages_follow_each_other_through_their_tokens() {
        let objects: Vec<Arc<Object>> = ["a", "b", "c"].into_iter().map(config_map).collect();
        let first = Page::from_query(Some(2), None).expect("a page");
        let (page, rest) = first.cut(objects.clone(), 7, true);
        assert_eq!(
            page.iter().map(|o| o.name()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(rest.remaining, Some(1));
        let second = Page::from_query(Some(2), rest.token.as_deref()).expect("a page");
        let (page, rest) = second.cut(objects, 7, true);
        assert_eq!(page.iter().map(|o| o.name()).collect::<Vec<_>>(), ["c"]);
        assert_eq!(rest, Rest::default());
    }

    #[test]
    fn a_garbled_token_is_a_bad_request() {
        assert!(Page::from_query(Some(2), Some("%%%")).is_err());
    }
}

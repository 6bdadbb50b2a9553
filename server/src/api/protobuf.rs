//! Protobuf request bodies (`application/vnd.kubernetes.protobuf`), which
//! kubectl's typed clients send (`kubectl create deployment|configmap|…`),
//! decoded into the same JSON the JSON path reads.
//!
//! The body is the 4-byte magic `k8s\0`, then a `runtime.Unknown`
//! (`typeMeta` = 1 {`apiVersion` = 1, `kind` = 2}, `raw` = 2,
//! `contentEncoding` = 3, `contentType` = 4) whose `raw` is the object's own
//! message. A schema table ([`KINDS`]) maps each message's field numbers to
//! JSON names and value types; the numbers are those of Kubernetes'
//! `generated.proto` files (`k8s.io/api/{core,apps,batch,rbac,networking,
//! discovery}/v1`, `apimachinery/pkg/apis/meta/v1`, `pkg/runtime`,
//! `pkg/util/intstr`, `pkg/api/resource`).
//!
//! Go's generated marshallers write every non-pointer scalar, zero or not,
//! and pointer ones only when set; Go's JSON then drops the zeros of
//! `omitempty` fields. So a present zero is kept only for fields that are
//! pointers in Go (`replicas: 0`, `privileged: false`) or required (no
//! `omitempty`, not an `Option` in k8s-openapi: `containerPort`, a
//! container's `name`); nested messages are kept whenever present
//! (`resources: {}`), an empty `Time` is `null`, a required list left out is
//! `[]`. Field numbers the table does not know are skipped, as the API
//! server skips unknown ones: fields newer than v1.33, statuses the server
//! never takes from a request (Node, Job, CronJob), and the in-tree cloud
//! volume sources. Malformed input is an error in gogo-protobuf's words,
//! never a panic; nesting is bounded by [`MAX_DEPTH`].

use std::fmt::Write as _;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};
use k8s_openapi::jiff::Timestamp;
use serde_json::{Map, Value};

/// The prefix of every protobuf-encoded Kubernetes object.
pub const MAGIC: &[u8; 4] = b"k8s\0";

/// How deep messages may nest (the deepest built-in path, a CronJob's pod
/// affinity terms, is about fifteen).
pub const MAX_DEPTH: usize = 32;

/// Where the API server's scheme lives, as its "no kind is registered" error names it.
const SCHEME: &str = "pkg/api/legacyscheme/scheme.go:30";

/// A malformed protobuf message, worded as gogo-protobuf's generated
/// `Unmarshal` (or apimachinery's hand-written ones) word it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// A varint, a fixed-size value or a length-delimited field runs past the end.
    #[error("unexpected EOF")]
    UnexpectedEof,
    /// A varint longer than ten bytes.
    #[error("proto: integer overflow")]
    IntegerOverflow,
    /// A length that does not fit a signed integer.
    #[error("proto: negative length found during unmarshaling")]
    NegativeLength,
    /// An end-group tag where no group is open, in a known message.
    #[error("proto: {message}: wiretype end group for non-group")]
    EndGroup {
        /// The message being decoded.
        message: &'static str,
    },
    /// A field number of zero (or one that overflows Go's `int32`).
    #[error("proto: {message}: illegal tag {number} (wire type {key})")]
    IllegalTag {
        /// The message being decoded.
        message: &'static str,
        /// The field number, as Go's `int32(key >> 3)`.
        number: i32,
        /// The whole key, as Go prints it.
        key: u64,
    },
    /// A known field with another wire type than its type's.
    #[error("proto: wrong wireType = {wire} for field {field}")]
    WrongWireType {
        /// The wire type found.
        wire: u8,
        /// The field's Go name.
        field: String,
    },
    /// Wire type 6 or 7 in a skipped field.
    #[error("proto: illegal wireType {0}")]
    IllegalWireType(u8),
    /// An end-group tag without its start, in a skipped field.
    #[error("proto: unexpected end of group")]
    UnexpectedEndOfGroup,
    /// Messages nested deeper than [`MAX_DEPTH`].
    #[error("proto: messages nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// An `IntOrString` whose type is neither 0 (int) nor 1 (string).
    #[error("impossible IntOrString.Type")]
    IntOrStringType,
    /// A `Time` or `MicroTime` outside the years JSON can carry.
    #[error("Time.MarshalJSON: year outside of range [0,9999]")]
    TimeRange,
    /// A `RawExtension` or `FieldsV1` whose bytes are not JSON.
    #[error("{0}")]
    Json(String),
}

/// Why a protobuf body could not be read, each in the API server's words
/// (`transformDecodeError` over the protobuf serializer's `Decode`). Without
/// the request path's kind, the kind a real server names in
/// `(must be of type …)` is left out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not a protobuf envelope: empty, without the `k8s\0` prefix, or nothing after it.
    #[error("the object provided is unrecognized{}: {reason} ({summary})", must_be(.expected))]
    NotProtobuf {
        /// `empty data`, `provided data does not appear to be …` or `empty body`.
        reason: &'static str,
        /// The request path's kind, when known.
        expected: Option<&'static str>,
        /// The body's first bytes, as `summarizeData` shows them.
        summary: String,
    },
    /// The `runtime.Unknown` around the object is malformed.
    #[error("the object provided is unrecognized{}: {cause} ({summary})", must_be(.expected))]
    Envelope {
        /// What is wrong with it.
        cause: WireError,
        /// The request path's kind, when known.
        expected: Option<&'static str>,
        /// The body's first bytes, as `summarizeData` shows them.
        summary: String,
    },
    /// The envelope names no kind, and the request path gives none.
    #[error(
        "the object provided is unrecognized{}: Object 'Kind' is missing in '{type_meta}' ({summary})",
        must_be(.expected)
    )]
    MissingKind {
        /// The envelope's type, as Go's `%#v` prints it.
        type_meta: String,
        /// The request path's kind, when known.
        expected: Option<&'static str>,
        /// The body's first bytes, as `summarizeData` shows them.
        summary: String,
    },
    /// A kind this server has no schema for.
    #[error(
        "{kind} in version {version:?} cannot be handled as a {}: no kind {kind:?} is registered for version {api_version:?} in scheme {SCHEME:?}",
        handled_as(.expected, .kind)
    )]
    UnregisteredKind {
        /// The envelope's kind.
        kind: String,
        /// The envelope's `apiVersion`.
        api_version: String,
        /// Its version part.
        version: String,
        /// The request path's kind, when known.
        expected: Option<&'static str>,
    },
    /// The object's message is malformed.
    #[error("{kind} in version {version:?} cannot be handled as a {}: {cause}", handled_as(.expected, .kind))]
    Object {
        /// The envelope's kind.
        kind: String,
        /// The version part of its `apiVersion`.
        version: String,
        /// The request path's kind, when known.
        expected: Option<&'static str>,
        /// What is wrong with it.
        cause: WireError,
    },
}

/// ` (must be of type Deployment)`, when the path's kind is known.
fn must_be(expected: &Option<&str>) -> String {
    expected
        .map(|kind| format!(" (must be of type {kind})"))
        .unwrap_or_default()
}

/// The kind the object should have been: the path's, else the envelope's own.
fn handled_as<'a>(expected: &Option<&'a str>, kind: &'a str) -> &'a str {
    expected.unwrap_or(kind)
}

/// Decodes a protobuf request body into the object's JSON, with
/// `apiVersion` and `kind` from its envelope. `expected` is the request
/// path's `(apiVersion, kind)`, when the caller knows it: it names the kind
/// in errors and fills in an envelope that leaves its type out.
pub fn decode_object(
    body: &[u8],
    expected: Option<(&'static str, &'static str)>,
) -> Result<Value, DecodeError> {
    let expected_kind = expected.map(|(_, kind)| kind);
    let not_protobuf = |reason| DecodeError::NotProtobuf {
        reason,
        expected: expected_kind,
        summary: summarize(body),
    };
    let Some(envelope) = body.strip_prefix(MAGIC) else {
        return Err(not_protobuf(if body.is_empty() {
            "empty data"
        } else {
            "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
        }));
    };
    if envelope.is_empty() {
        return Err(not_protobuf("empty body"));
    }
    let unknown = read_unknown(envelope).map_err(|cause| DecodeError::Envelope {
        cause,
        expected: expected_kind,
        summary: summarize(body),
    })?;
    let (mut api_version, mut kind) = (unknown.api_version, unknown.kind);
    if let Some((default_version, default_kind)) = expected {
        if kind.is_empty() {
            kind = default_kind.to_string();
        }
        if api_version.is_empty() {
            api_version = default_version.to_string();
        }
    }
    if kind.is_empty() {
        return Err(DecodeError::MissingKind {
            type_meta: format!(
                "runtime.TypeMeta{{APIVersion:{:?}, Kind:{:?}}}",
                api_version, kind
            ),
            expected: expected_kind,
            summary: summarize(body),
        });
    }
    let version = api_version
        .rsplit_once('/')
        .map_or(api_version.as_str(), |(_, v)| v)
        .to_string();
    let Some(message) = schema_for(&api_version, &kind) else {
        return Err(DecodeError::UnregisteredKind {
            kind,
            api_version,
            version,
            expected: expected_kind,
        });
    };
    let fields = decode_message(unknown.raw, message, 1).map_err(|cause| DecodeError::Object {
        kind: kind.clone(),
        version,
        expected: expected_kind,
        cause,
    })?;
    let mut object = Map::new();
    object.insert("apiVersion".into(), Value::String(api_version));
    object.insert("kind".into(), Value::String(kind));
    object.extend(fields);
    Ok(Value::Object(object))
}

/// The schema of a top-level kind, by `apiVersion` and `kind`.
pub fn schema_for(api_version: &str, kind: &str) -> Option<&'static Message> {
    KINDS
        .iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|(_, _, message)| *message)
}

/// apimachinery's `summarizeData(body, 30)`: the start of a body for an error message.
fn summarize(body: &[u8]) -> String {
    const MAX: usize = 30;
    let (head, more) = match body.get(..MAX) {
        Some(head) if body.len() > MAX => (head, " ..."),
        _ => (body, ""),
    };
    match body.first() {
        None => "<empty>".to_string(),
        Some(b'{') => format!("{}{more}", String::from_utf8_lossy(head)),
        Some(_) => {
            let mut hex = String::with_capacity(head.len() * 2 + more.len());
            for byte in head {
                let _ = write!(hex, "{byte:02x}");
            }
            hex + more
        }
    }
}

/// The fields of a `runtime.Unknown` this decoder uses.
struct Unknown<'a> {
    api_version: String,
    kind: String,
    raw: &'a [u8],
}

/// Reads the `runtime.Unknown` envelope (`contentEncoding` and
/// `contentType` are read and ignored, as the API server ignores them).
fn read_unknown(buf: &[u8]) -> Result<Unknown<'_>, WireError> {
    let mut unknown = Unknown {
        api_version: String::new(),
        kind: String::new(),
        raw: &[],
    };
    let mut reader = Reader::new(buf);
    while let Some((number, wire, start)) = reader.key("Unknown")? {
        match number {
            1 => {
                let type_meta = reader.delimited(wire, "TypeMeta")?;
                let mut inner = Reader::new(type_meta);
                while let Some((number, wire, start)) = inner.key("TypeMeta")? {
                    match number {
                        1 => unknown.api_version = lossy(inner.delimited(wire, "APIVersion")?),
                        2 => unknown.kind = lossy(inner.delimited(wire, "Kind")?),
                        _ => inner.skip(start)?,
                    }
                }
            }
            2 => unknown.raw = reader.delimited(wire, "Raw")?,
            3 => drop(reader.delimited(wire, "ContentEncoding")?),
            4 => drop(reader.delimited(wire, "ContentType")?),
            _ => reader.skip(start)?,
        }
    }
    Ok(unknown)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---- The wire format --------------------------------------------------------

/// A cursor over one message's bytes.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// A base-128 varint, as gogo reads it (an eleventh byte overflows).
    fn varint(&mut self) -> Result<u64, WireError> {
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            if shift >= 64 {
                return Err(WireError::IntegerOverflow);
            }
            let byte = *self.buf.get(self.pos).ok_or(WireError::UnexpectedEof)?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    /// The next field's number, wire type and the offset of its key, or
    /// `None` at the end. Refuses tags gogo refuses in a known message.
    fn key(&mut self, message: &'static str) -> Result<Option<(u32, u8, usize)>, WireError> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let start = self.pos;
        let key = self.varint()?;
        let wire = (key & 7) as u8;
        // Go: fieldNum := int32(wire >> 3).
        let number = (key >> 3) as i32;
        if wire == 4 {
            return Err(WireError::EndGroup { message });
        }
        if number <= 0 {
            return Err(WireError::IllegalTag {
                message,
                number,
                key,
            });
        }
        Ok(Some((number.unsigned_abs(), wire, start)))
    }

    /// A length-delimited field's bytes (wire type 2).
    fn delimited(&mut self, wire: u8, field: &str) -> Result<&'a [u8], WireError> {
        expect_wire(wire, 2, field)?;
        let bytes = self.length_prefixed()?;
        Ok(bytes)
    }

    fn length_prefixed(&mut self) -> Result<&'a [u8], WireError> {
        let len = self.varint()?;
        let len = i64::try_from(len).map_err(|_| WireError::NegativeLength)?;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| self.pos.checked_add(len))
            .ok_or(WireError::NegativeLength)?;
        let bytes = self
            .buf
            .get(self.pos..end)
            .ok_or(WireError::UnexpectedEof)?;
        self.pos = end;
        Ok(bytes)
    }

    /// Skips the field whose key starts at `start`, as gogo's
    /// `skipGenerated` does (groups included, however deep).
    fn skip(&mut self, start: usize) -> Result<(), WireError> {
        self.pos = start;
        let mut depth = 0usize;
        loop {
            let wire = (self.varint()? & 7) as u8;
            match wire {
                0 => {
                    self.varint()?;
                }
                1 => self.advance(8)?,
                2 => {
                    self.length_prefixed()?;
                }
                3 => depth += 1,
                4 => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or(WireError::UnexpectedEndOfGroup)?;
                }
                5 => self.advance(4)?,
                other => return Err(WireError::IllegalWireType(other)),
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    fn advance(&mut self, n: usize) -> Result<(), WireError> {
        if self.buf.len() - self.pos < n {
            return Err(WireError::UnexpectedEof);
        }
        self.pos += n;
        Ok(())
    }
}

fn expect_wire(wire: u8, expected: u8, field: &str) -> Result<(), WireError> {
    if wire == expected {
        Ok(())
    } else {
        Err(WireError::WrongWireType {
            wire,
            field: field.to_string(),
        })
    }
}

// ---- Schema-driven decoding ----------------------------------------------------

/// Decodes one message into its JSON fields.
fn decode_message(
    buf: &[u8],
    message: &'static Message,
    depth: usize,
) -> Result<Map<String, Value>, WireError> {
    if depth > MAX_DEPTH {
        return Err(WireError::TooDeep);
    }
    let mut out = Map::new();
    let mut reader = Reader::new(buf);
    while let Some((number, wire, start)) = reader.key(message.name)? {
        let Some(field) = message.fields.iter().find(|f| f.number == number) else {
            reader.skip(start)?;
            continue;
        };
        match field.shape {
            Shape::One(presence) => {
                let value = read_value(&mut reader, wire, field, depth)?;
                let zero = presence == Presence::OmitZero && is_zero(field.ty, &value);
                match (out.get_mut(field.name), value) {
                    _ if zero => {
                        out.remove(field.name);
                    }
                    // A message seen twice merges, as protobuf's decoders do.
                    (Some(Value::Object(seen)), Value::Object(more)) => seen.extend(more),
                    (_, value) => {
                        out.insert(field.name.to_string(), value);
                    }
                }
            }
            Shape::Repeated { .. } => {
                let items = read_repeated(&mut reader, wire, field, depth)?;
                let list = out
                    .entry(field.name)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.extend(items);
                }
            }
            Shape::Map => {
                let entry = reader.delimited(wire, &go_name(field.name))?;
                let (key, value) = read_map_entry(entry, field, depth + 1)?;
                let map = out
                    .entry(field.name)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(map) = map {
                    map.insert(key, value);
                }
            }
            Shape::Inline => {
                let Ty::Message(embedded) = field.ty else {
                    continue;
                };
                let bytes = reader.delimited(wire, field.name)?;
                out.extend(decode_message(bytes, embedded, depth + 1)?);
            }
        }
    }
    for field in message.fields {
        if field.shape == REQUIRED_LIST && !out.contains_key(field.name) {
            out.insert(field.name.to_string(), Value::Array(Vec::new()));
        }
    }
    Ok(out)
}

/// One value of a field's type.
fn read_value(
    reader: &mut Reader<'_>,
    wire: u8,
    field: &Field,
    depth: usize,
) -> Result<Value, WireError> {
    let name = || go_name(field.name);
    match field.ty {
        Ty::Bool | Ty::Int32 | Ty::Int64 => {
            expect_wire(wire, 0, &name())?;
            let raw = reader.varint()?;
            Ok(scalar(field.ty, raw))
        }
        Ty::String => Ok(Value::String(lossy(reader.delimited(wire, &name())?))),
        Ty::Bytes => Ok(Value::String(base64(reader.delimited(wire, &name())?))),
        ty => {
            let bytes = reader.delimited(wire, &name())?;
            decode_typed(bytes, ty, depth + 1)
        }
    }
}

/// A varint as the JSON of a bool, int32 or int64 (Go truncates, as here).
fn scalar(ty: Ty, raw: u64) -> Value {
    match ty {
        Ty::Bool => Value::Bool(raw != 0),
        Ty::Int32 => Value::from(raw as i32),
        _ => Value::from(raw as i64),
    }
}

/// The items of one occurrence of a repeated field: one value, or for
/// numbers and bools also a packed run.
fn read_repeated(
    reader: &mut Reader<'_>,
    wire: u8,
    field: &Field,
    depth: usize,
) -> Result<Vec<Value>, WireError> {
    if matches!(field.ty, Ty::Bool | Ty::Int32 | Ty::Int64) && wire == 2 {
        let packed = reader.length_prefixed()?;
        let mut inner = Reader::new(packed);
        let mut items = Vec::new();
        while inner.pos < packed.len() {
            items.push(scalar(field.ty, inner.varint()?));
        }
        return Ok(items);
    }
    Ok(vec![read_value(reader, wire, field, depth)?])
}

/// A map entry: `key` = 1 (a string), `value` = 2 (the field's type).
fn read_map_entry(buf: &[u8], field: &Field, depth: usize) -> Result<(String, Value), WireError> {
    if depth > MAX_DEPTH {
        return Err(WireError::TooDeep);
    }
    let mut key = String::new();
    let mut value = None;
    let mut reader = Reader::new(buf);
    while let Some((number, wire, start)) = reader.key(field.name)? {
        match number {
            1 => key = lossy(reader.delimited(wire, "key")?),
            2 => value = Some(read_value(&mut reader, wire, field, depth)?),
            _ => reader.skip(start)?,
        }
    }
    let value = match value {
        Some(value) => value,
        None => zero_value(field.ty, depth)?,
    };
    Ok((key, value))
}

/// The JSON of a map value that is absent from its entry.
fn zero_value(ty: Ty, depth: usize) -> Result<Value, WireError> {
    Ok(match ty {
        Ty::String | Ty::Bytes => Value::String(String::new()),
        Ty::Bool => Value::Bool(false),
        Ty::Int32 | Ty::Int64 => Value::from(0),
        ty => decode_typed(&[], ty, depth)?,
    })
}

/// A message-typed value: a nested message or one of apimachinery's special types.
fn decode_typed(bytes: &[u8], ty: Ty, depth: usize) -> Result<Value, WireError> {
    if depth > MAX_DEPTH {
        return Err(WireError::TooDeep);
    }
    match ty {
        Ty::Message(message) => Ok(Value::Object(decode_message(bytes, message, depth)?)),
        Ty::IntOrString => int_or_string_value(bytes, depth),
        Ty::Quantity => {
            let fields = decode_message(bytes, &QUANTITY, depth)?;
            Ok(fields
                .get("string")
                .cloned()
                .unwrap_or_else(|| Value::String("0".into())))
        }
        Ty::Time | Ty::MicroTime => time(bytes, ty == Ty::MicroTime, depth),
        Ty::RawJson => raw_json_value(bytes),
        Ty::String | Ty::Bytes | Ty::Bool | Ty::Int32 | Ty::Int64 => Ok(Value::Null),
    }
}

/// `runtime.RawExtension` {`raw` = 1} or `metav1.FieldsV1` {`Raw` = 1}:
/// the JSON its bytes hold (`null` when unset, as Go writes a nil `Raw`).
fn raw_json_value(bytes: &[u8]) -> Result<Value, WireError> {
    let mut raw: &[u8] = &[];
    let mut reader = Reader::new(bytes);
    while let Some((number, wire, start)) = reader.key("RawExtension")? {
        match number {
            1 => raw = reader.delimited(wire, "Raw")?,
            _ => reader.skip(start)?,
        }
    }
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(raw).map_err(|e| WireError::Json(e.to_string()))
}

/// `intstr.IntOrString` {`type` = 1, `intVal` = 2, `strVal` = 3} as Go's JSON: a number or a string.
fn int_or_string_value(bytes: &[u8], depth: usize) -> Result<Value, WireError> {
    let fields = decode_message(bytes, &INT_OR_STRING, depth)?;
    let int = |name| fields.get(name).and_then(Value::as_i64).unwrap_or(0);
    match int("type") {
        0 => Ok(Value::from(int("intVal"))),
        1 => Ok(fields
            .get("strVal")
            .cloned()
            .unwrap_or_else(|| Value::String(String::new()))),
        _ => Err(WireError::IntOrStringType),
    }
}

/// `Time` (whole seconds, as apimachinery reads it) or `MicroTime` as
/// RFC 3339; an empty one is Go's zero time, `null`.
fn time(bytes: &[u8], micro: bool, depth: usize) -> Result<Value, WireError> {
    /// `time.Time{}.Unix()`: Go's zero time, 0001-01-01T00:00:00Z.
    const GO_ZERO_TIME: i64 = -62_135_596_800;
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let fields = decode_message(bytes, &TIMESTAMP, depth)?;
    let seconds = fields.get("seconds").and_then(Value::as_i64).unwrap_or(0);
    let nanos = if micro {
        fields.get("nanos").and_then(Value::as_i64).unwrap_or(0)
    } else {
        0
    };
    if seconds == GO_ZERO_TIME && nanos == 0 {
        return Ok(Value::Null);
    }
    let nanos = i32::try_from(nanos).map_err(|_| WireError::TimeRange)?;
    let stamp = Timestamp::new(seconds, nanos).map_err(|_| WireError::TimeRange)?;
    let json = if micro {
        serde_json::to_value(MicroTime(stamp))
    } else {
        serde_json::to_value(Time(stamp))
    };
    json.map_err(|_| WireError::TimeRange)
}

/// Whether a decoded value is its type's zero, which Go's `omitempty` drops.
fn is_zero(ty: Ty, value: &Value) -> bool {
    match (ty, value) {
        (Ty::String | Ty::Bytes, Value::String(s)) => s.is_empty(),
        (Ty::Bool, Value::Bool(b)) => !b,
        (Ty::Int32 | Ty::Int64, Value::Number(n)) => n.as_i64() == Some(0),
        (Ty::IntOrString, Value::Number(n)) => n.as_i64() == Some(0),
        (Ty::IntOrString, Value::String(s)) => s.is_empty(),
        _ => false,
    }
}

/// A field's Go name, for gogo's "wrong wireType" message.
fn go_name(json: &str) -> String {
    const ACRONYMS: &[(&str, &str)] = &[
        ("apiVersion", "APIVersion"),
        ("apiGroup", "APIGroup"),
        ("apiGroups", "APIGroups"),
        ("uid", "UID"),
        ("ip", "IP"),
        ("tls", "TLS"),
        ("httpGet", "HTTPGet"),
        ("tcpSocket", "TCPSocket"),
        ("grpc", "GRPC"),
        ("dnsPolicy", "DNSPolicy"),
        ("dnsConfig", "DNSConfig"),
        ("hostPID", "HostPID"),
        ("hostIPC", "HostIPC"),
        ("nonResourceURLs", "NonResourceURLs"),
        ("podCIDR", "PodCIDR"),
        ("podCIDRs", "PodCIDRs"),
        ("providerID", "ProviderID"),
    ];
    if let Some((_, go)) = ACRONYMS.iter().find(|(j, _)| *j == json) {
        return (*go).to_string();
    }
    let mut chars = json.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// Standard base64 with padding, as Go's JSON writes `[]byte`.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// ---- The schema ------------------------------------------------------------------

/// A message: its Go name (for error messages) and its fields.
pub struct Message {
    /// The Go type's name.
    pub name: &'static str,
    /// Its fields, by number.
    fields: &'static [Field],
}

/// One field of a message.
#[derive(Clone, Copy, Debug)]
struct Field {
    number: u32,
    /// The JSON name (for an inlined field, the Go name of the embedded struct).
    name: &'static str,
    ty: Ty,
    shape: Shape,
}

/// A field's value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    String,
    Bool,
    Int32,
    Int64,
    /// `[]byte`, as base64 in JSON.
    Bytes,
    Message(&'static Message),
    /// `intstr.IntOrString`: a JSON number or string.
    IntOrString,
    /// `resource.Quantity`: its string.
    Quantity,
    /// `metav1.Time`: RFC 3339, whole seconds.
    Time,
    /// `metav1.MicroTime`: RFC 3339, microseconds.
    MicroTime,
    /// `runtime.RawExtension` or `metav1.FieldsV1`: the JSON its bytes hold.
    RawJson,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Message({})", self.name)
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Message {}

/// How a field's values are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A single value.
    One(Presence),
    /// A list; a required one (Go's `json:"x"`, `Vec` in k8s-openapi) is
    /// `[]` when absent, so validation rather than decoding refuses it.
    Repeated {
        /// Whether the list is written even when empty.
        required: bool,
    },
    /// `map<string, T>`.
    Map,
    /// An embedded Go struct (`json:",inline"`): its fields join the parent's.
    Inline,
}

/// Whether a present zero scalar is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Presence {
    /// A non-pointer Go field with `omitempty`: its zero is dropped.
    OmitZero,
    /// A pointer Go field (present means set, even to zero), or a required
    /// one (no `omitempty` in Go, not an `Option` in k8s-openapi).
    Keep,
}

const ONE: Shape = Shape::One(Presence::OmitZero);
const PTR: Shape = Shape::One(Presence::Keep);
const LIST: Shape = Shape::Repeated { required: false };
const REQUIRED_LIST: Shape = Shape::Repeated { required: true };

const fn field(number: u32, name: &'static str, ty: Ty, shape: Shape) -> Field {
    Field {
        number,
        name,
        ty,
        shape,
    }
}

const fn string(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::String, ONE)
}
const fn string_ptr(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::String, PTR)
}
const fn string_req(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::String, PTR)
}
const fn boolean(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Bool, ONE)
}
const fn boolean_ptr(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Bool, PTR)
}
const fn int32(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Int32, ONE)
}
const fn boolean_req(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Bool, PTR)
}
const fn int32_req(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Int32, PTR)
}
const fn int32_ptr(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Int32, PTR)
}
const fn int64(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Int64, ONE)
}
const fn int64_req(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Int64, PTR)
}
const fn int64_ptr(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Int64, PTR)
}
const fn message(n: u32, name: &'static str, m: &'static Message) -> Field {
    field(n, name, Ty::Message(m), PTR)
}
const fn messages(n: u32, name: &'static str, m: &'static Message) -> Field {
    field(n, name, Ty::Message(m), LIST)
}
const fn messages_req(n: u32, name: &'static str, m: &'static Message) -> Field {
    field(n, name, Ty::Message(m), REQUIRED_LIST)
}
const fn inline(n: u32, go_name: &'static str, m: &'static Message) -> Field {
    field(n, go_name, Ty::Message(m), Shape::Inline)
}
const fn strings(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::String, LIST)
}
const fn strings_req(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::String, REQUIRED_LIST)
}
const fn int32s(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Int32, LIST)
}
const fn int64s(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Int64, LIST)
}
const fn string_map(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::String, Shape::Map)
}
const fn bytes_map(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Bytes, Shape::Map)
}
const fn quantity_map(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Quantity, Shape::Map)
}
const fn quantity(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Quantity, PTR)
}
const fn int_or_string(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::IntOrString, ONE)
}
const fn int_or_string_req(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::IntOrString, PTR)
}
const fn int_or_string_ptr(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::IntOrString, PTR)
}
const fn time_field(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::Time, PTR)
}
const fn micro_time(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::MicroTime, PTR)
}
const fn raw_json(n: u32, name: &'static str) -> Field {
    field(n, name, Ty::RawJson, PTR)
}

macro_rules! messages {
    ($($(#[$doc:meta])* $id:ident = $name:literal { $($field:expr),* $(,)? })*) => {
        $(
            $(#[$doc])*
            static $id: Message = Message { name: $name, fields: &[$($field),*] };
        )*
    };
}

/// Every top-level kind the server can decode: `(apiVersion, kind, message)`.
pub static KINDS: &[(&str, &str, &Message)] = &[
    ("v1", "Pod", &POD),
    ("v1", "Service", &SERVICE),
    ("v1", "Endpoints", &ENDPOINTS),
    ("v1", "Node", &NODE),
    ("v1", "Namespace", &NAMESPACE),
    ("v1", "Event", &EVENT),
    ("v1", "ConfigMap", &CONFIG_MAP),
    ("v1", "Secret", &SECRET),
    ("v1", "ServiceAccount", &SERVICE_ACCOUNT),
    ("v1", "PersistentVolumeClaim", &PERSISTENT_VOLUME_CLAIM),
    ("apps/v1", "ReplicaSet", &REPLICA_SET),
    ("apps/v1", "Deployment", &DEPLOYMENT),
    ("discovery.k8s.io/v1", "EndpointSlice", &ENDPOINT_SLICE),
    ("rbac.authorization.k8s.io/v1", "Role", &ROLE),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", &ROLE_BINDING),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", &CLUSTER_ROLE),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        &CLUSTER_ROLE_BINDING,
    ),
    ("networking.k8s.io/v1", "Ingress", &INGRESS),
    ("networking.k8s.io/v1", "NetworkPolicy", &NETWORK_POLICY),
    ("batch/v1", "Job", &JOB),
    ("batch/v1", "CronJob", &CRON_JOB),
];

// apimachinery: runtime, util/intstr, api/resource, apis/meta/v1.
messages! {
    INT_OR_STRING = "IntOrString" { int64(1, "type"), int32(2, "intVal"), string(3, "strVal") }
    QUANTITY = "Quantity" { string_ptr(1, "string") }
    TIMESTAMP = "Timestamp" { int64(1, "seconds"), int32(2, "nanos") }

    OBJECT_META = "ObjectMeta" {
        string(1, "name"),
        string(2, "generateName"),
        string(3, "namespace"),
        string(4, "selfLink"),
        string(5, "uid"),
        string(6, "resourceVersion"),
        int64(7, "generation"),
        time_field(8, "creationTimestamp"),
        time_field(9, "deletionTimestamp"),
        int64_ptr(10, "deletionGracePeriodSeconds"),
        string_map(11, "labels"),
        string_map(12, "annotations"),
        messages(13, "ownerReferences", &OWNER_REFERENCE),
        strings(14, "finalizers"),
        messages(17, "managedFields", &MANAGED_FIELDS_ENTRY),
    }
    OWNER_REFERENCE = "OwnerReference" {
        string_req(5, "apiVersion"),
        string_req(1, "kind"),
        string_req(3, "name"),
        string_req(4, "uid"),
        boolean_ptr(6, "controller"),
        boolean_ptr(7, "blockOwnerDeletion"),
    }
    MANAGED_FIELDS_ENTRY = "ManagedFieldsEntry" {
        string(1, "manager"),
        string(2, "operation"),
        string(3, "apiVersion"),
        time_field(4, "time"),
        string(6, "fieldsType"),
        raw_json(7, "fieldsV1"),
        string(8, "subresource"),
    }
    LABEL_SELECTOR = "LabelSelector" {
        string_map(1, "matchLabels"),
        messages(2, "matchExpressions", &LABEL_SELECTOR_REQUIREMENT),
    }
    LABEL_SELECTOR_REQUIREMENT = "LabelSelectorRequirement" {
        string_req(1, "key"),
        string_req(2, "operator"),
        strings(3, "values"),
    }
}

// k8s.io/api/core/v1.
messages! {
    POD = "Pod" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &POD_SPEC),
        message(3, "status", &POD_STATUS),
    }
    POD_TEMPLATE_SPEC = "PodTemplateSpec" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &POD_SPEC),
    }
    POD_SPEC = "PodSpec" {
        messages(1, "volumes", &VOLUME),
        messages(20, "initContainers", &CONTAINER),
        messages_req(2, "containers", &CONTAINER),
        messages(34, "ephemeralContainers", &EPHEMERAL_CONTAINER),
        string(3, "restartPolicy"),
        int64_ptr(4, "terminationGracePeriodSeconds"),
        int64_ptr(5, "activeDeadlineSeconds"),
        string(6, "dnsPolicy"),
        string_map(7, "nodeSelector"),
        string(8, "serviceAccountName"),
        string(9, "serviceAccount"),
        boolean_ptr(21, "automountServiceAccountToken"),
        string(10, "nodeName"),
        boolean(11, "hostNetwork"),
        boolean(12, "hostPID"),
        boolean(13, "hostIPC"),
        boolean_ptr(27, "shareProcessNamespace"),
        message(14, "securityContext", &POD_SECURITY_CONTEXT),
        messages(15, "imagePullSecrets", &LOCAL_OBJECT_REFERENCE),
        string(16, "hostname"),
        string(17, "subdomain"),
        message(18, "affinity", &AFFINITY),
        string(19, "schedulerName"),
        messages(22, "tolerations", &TOLERATION),
        messages(23, "hostAliases", &HOST_ALIAS),
        string(24, "priorityClassName"),
        int32_ptr(25, "priority"),
        message(26, "dnsConfig", &POD_DNS_CONFIG),
        messages(28, "readinessGates", &POD_READINESS_GATE),
        string_ptr(29, "runtimeClassName"),
        boolean_ptr(30, "enableServiceLinks"),
        string_ptr(31, "preemptionPolicy"),
        quantity_map(32, "overhead"),
        messages(33, "topologySpreadConstraints", &TOPOLOGY_SPREAD_CONSTRAINT),
        boolean_ptr(35, "setHostnameAsFQDN"),
        message(36, "os", &POD_OS),
        boolean_ptr(37, "hostUsers"),
        messages(38, "schedulingGates", &POD_SCHEDULING_GATE),
        messages(39, "resourceClaims", &POD_RESOURCE_CLAIM),
        message(40, "resources", &RESOURCE_REQUIREMENTS),
    }
    CONTAINER = "Container" {
        string_req(1, "name"),
        string(2, "image"),
        strings(3, "command"),
        strings(4, "args"),
        string(5, "workingDir"),
        messages(6, "ports", &CONTAINER_PORT),
        messages(19, "envFrom", &ENV_FROM_SOURCE),
        messages(7, "env", &ENV_VAR),
        message(8, "resources", &RESOURCE_REQUIREMENTS),
        messages(23, "resizePolicy", &CONTAINER_RESIZE_POLICY),
        string_ptr(24, "restartPolicy"),
        messages(9, "volumeMounts", &VOLUME_MOUNT),
        messages(21, "volumeDevices", &VOLUME_DEVICE),
        message(10, "livenessProbe", &PROBE),
        message(11, "readinessProbe", &PROBE),
        message(22, "startupProbe", &PROBE),
        message(12, "lifecycle", &LIFECYCLE),
        string(13, "terminationMessagePath"),
        string(20, "terminationMessagePolicy"),
        string(14, "imagePullPolicy"),
        message(15, "securityContext", &SECURITY_CONTEXT),
        boolean(16, "stdin"),
        boolean(17, "stdinOnce"),
        boolean(18, "tty"),
    }
    EPHEMERAL_CONTAINER = "EphemeralContainer" {
        // EphemeralContainerCommon copies Container's fields and numbers.
        inline(1, "EphemeralContainerCommon", &CONTAINER),
        string(2, "targetContainerName"),
    }
    CONTAINER_PORT = "ContainerPort" {
        string(1, "name"),
        int32(2, "hostPort"),
        int32_req(3, "containerPort"),
        string(4, "protocol"),
        string(5, "hostIP"),
    }
    CONTAINER_RESIZE_POLICY = "ContainerResizePolicy" {
        string_req(1, "resourceName"),
        string_req(2, "restartPolicy"),
    }
    ENV_FROM_SOURCE = "EnvFromSource" {
        string(1, "prefix"),
        message(2, "configMapRef", &CONFIG_MAP_ENV_SOURCE),
        message(3, "secretRef", &SECRET_ENV_SOURCE),
    }
    CONFIG_MAP_ENV_SOURCE = "ConfigMapEnvSource" {
        inline(1, "LocalObjectReference", &LOCAL_OBJECT_REFERENCE),
        boolean_ptr(2, "optional"),
    }
    SECRET_ENV_SOURCE = "SecretEnvSource" {
        inline(1, "LocalObjectReference", &LOCAL_OBJECT_REFERENCE),
        boolean_ptr(2, "optional"),
    }
    ENV_VAR = "EnvVar" {
        string_req(1, "name"),
        string(2, "value"),
        message(3, "valueFrom", &ENV_VAR_SOURCE),
    }
    ENV_VAR_SOURCE = "EnvVarSource" {
        message(1, "fieldRef", &OBJECT_FIELD_SELECTOR),
        message(2, "resourceFieldRef", &RESOURCE_FIELD_SELECTOR),
        message(3, "configMapKeyRef", &CONFIG_MAP_KEY_SELECTOR),
        message(4, "secretKeyRef", &SECRET_KEY_SELECTOR),
    }
    OBJECT_FIELD_SELECTOR = "ObjectFieldSelector" {
        string(1, "apiVersion"),
        string_req(2, "fieldPath"),
    }
    RESOURCE_FIELD_SELECTOR = "ResourceFieldSelector" {
        string(1, "containerName"),
        string_req(2, "resource"),
        quantity(3, "divisor"),
    }
    CONFIG_MAP_KEY_SELECTOR = "ConfigMapKeySelector" {
        inline(1, "LocalObjectReference", &LOCAL_OBJECT_REFERENCE),
        string_req(2, "key"),
        boolean_ptr(3, "optional"),
    }
    SECRET_KEY_SELECTOR = "SecretKeySelector" {
        inline(1, "LocalObjectReference", &LOCAL_OBJECT_REFERENCE),
        string_req(2, "key"),
        boolean_ptr(3, "optional"),
    }
    LOCAL_OBJECT_REFERENCE = "LocalObjectReference" { string_req(1, "name") }
    RESOURCE_REQUIREMENTS = "ResourceRequirements" {
        quantity_map(1, "limits"),
        quantity_map(2, "requests"),
        messages(3, "claims", &RESOURCE_CLAIM),
    }
    RESOURCE_CLAIM = "ResourceClaim" { string_req(1, "name"), string(2, "request") }
    VOLUME_MOUNT = "VolumeMount" {
        string_req(1, "name"),
        boolean(2, "readOnly"),
        string_ptr(7, "recursiveReadOnly"),
        string_req(3, "mountPath"),
        string(4, "subPath"),
        string_ptr(5, "mountPropagation"),
        string(6, "subPathExpr"),
    }
    VOLUME_DEVICE = "VolumeDevice" { string_req(1, "name"), string_req(2, "devicePath") }
    PROBE = "Probe" {
        inline(1, "ProbeHandler", &PROBE_HANDLER),
        int32(2, "initialDelaySeconds"),
        int32(3, "timeoutSeconds"),
        int32(4, "periodSeconds"),
        int32(5, "successThreshold"),
        int32(6, "failureThreshold"),
        int64_ptr(7, "terminationGracePeriodSeconds"),
    }
    PROBE_HANDLER = "ProbeHandler" {
        message(1, "exec", &EXEC_ACTION),
        message(2, "httpGet", &HTTP_GET_ACTION),
        message(3, "tcpSocket", &TCP_SOCKET_ACTION),
        message(4, "grpc", &GRPC_ACTION),
    }
    LIFECYCLE = "Lifecycle" {
        message(1, "postStart", &LIFECYCLE_HANDLER),
        message(2, "preStop", &LIFECYCLE_HANDLER),
        string_ptr(3, "stopSignal"),
    }
    LIFECYCLE_HANDLER = "LifecycleHandler" {
        message(1, "exec", &EXEC_ACTION),
        message(2, "httpGet", &HTTP_GET_ACTION),
        message(3, "tcpSocket", &TCP_SOCKET_ACTION),
        message(4, "sleep", &SLEEP_ACTION),
    }
    EXEC_ACTION = "ExecAction" { strings(1, "command") }
    HTTP_GET_ACTION = "HTTPGetAction" {
        string(1, "path"),
        int_or_string_req(2, "port"),
        string(3, "host"),
        string(4, "scheme"),
        messages(5, "httpHeaders", &HTTP_HEADER),
    }
    HTTP_HEADER = "HTTPHeader" { string_req(1, "name"), string_req(2, "value") }
    TCP_SOCKET_ACTION = "TCPSocketAction" { int_or_string_req(1, "port"), string(2, "host") }
    GRPC_ACTION = "GRPCAction" { int32_req(1, "port"), string_ptr(2, "service") }
    SLEEP_ACTION = "SleepAction" { int64_req(1, "seconds") }
    SECURITY_CONTEXT = "SecurityContext" {
        message(1, "capabilities", &CAPABILITIES),
        boolean_ptr(2, "privileged"),
        message(3, "seLinuxOptions", &SE_LINUX_OPTIONS),
        message(10, "windowsOptions", &WINDOWS_SECURITY_CONTEXT_OPTIONS),
        int64_ptr(4, "runAsUser"),
        int64_ptr(8, "runAsGroup"),
        boolean_ptr(5, "runAsNonRoot"),
        boolean_ptr(6, "readOnlyRootFilesystem"),
        boolean_ptr(7, "allowPrivilegeEscalation"),
        string_ptr(9, "procMount"),
        message(11, "seccompProfile", &SECCOMP_PROFILE),
        message(12, "appArmorProfile", &APP_ARMOR_PROFILE),
    }
    POD_SECURITY_CONTEXT = "PodSecurityContext" {
        message(1, "seLinuxOptions", &SE_LINUX_OPTIONS),
        message(8, "windowsOptions", &WINDOWS_SECURITY_CONTEXT_OPTIONS),
        int64_ptr(2, "runAsUser"),
        int64_ptr(6, "runAsGroup"),
        boolean_ptr(3, "runAsNonRoot"),
        int64s(4, "supplementalGroups"),
        string_ptr(12, "supplementalGroupsPolicy"),
        int64_ptr(5, "fsGroup"),
        messages(7, "sysctls", &SYSCTL),
        string_ptr(9, "fsGroupChangePolicy"),
        message(10, "seccompProfile", &SECCOMP_PROFILE),
        message(11, "appArmorProfile", &APP_ARMOR_PROFILE),
        string_ptr(13, "seLinuxChangePolicy"),
    }
    CAPABILITIES = "Capabilities" { strings(1, "add"), strings(2, "drop") }
    SE_LINUX_OPTIONS = "SELinuxOptions" {
        string(1, "user"),
        string(2, "role"),
        string(3, "type"),
        string(4, "level"),
    }
    WINDOWS_SECURITY_CONTEXT_OPTIONS = "WindowsSecurityContextOptions" {
        string_ptr(1, "gmsaCredentialSpecName"),
        string_ptr(2, "gmsaCredentialSpec"),
        string_ptr(3, "runAsUserName"),
        boolean_ptr(4, "hostProcess"),
    }
    SECCOMP_PROFILE = "SeccompProfile" { string_req(1, "type"), string_ptr(2, "localhostProfile") }
    APP_ARMOR_PROFILE = "AppArmorProfile" { string_req(1, "type"), string_ptr(2, "localhostProfile") }
    SYSCTL = "Sysctl" { string_req(1, "name"), string_req(2, "value") }
    VOLUME = "Volume" {
        string_req(1, "name"),
        inline(2, "VolumeSource", &VOLUME_SOURCE),
    }
    VOLUME_SOURCE = "VolumeSource" {
        message(1, "hostPath", &HOST_PATH_VOLUME_SOURCE),
        message(2, "emptyDir", &EMPTY_DIR_VOLUME_SOURCE),
        message(5, "gitRepo", &GIT_REPO_VOLUME_SOURCE),
        message(6, "secret", &SECRET_VOLUME_SOURCE),
        message(7, "nfs", &NFS_VOLUME_SOURCE),
        message(10, "persistentVolumeClaim", &PERSISTENT_VOLUME_CLAIM_VOLUME_SOURCE),
        message(16, "downwardAPI", &DOWNWARD_API_VOLUME_SOURCE),
        message(19, "configMap", &CONFIG_MAP_VOLUME_SOURCE),
        message(26, "projected", &PROJECTED_VOLUME_SOURCE),
        message(28, "csi", &CSI_VOLUME_SOURCE),
        message(29, "ephemeral", &EPHEMERAL_VOLUME_SOURCE),
        message(30, "image", &IMAGE_VOLUME_SOURCE),
    }
    HOST_PATH_VOLUME_SOURCE = "HostPathVolumeSource" { string_req(1, "path"), string_ptr(2, "type") }
    EMPTY_DIR_VOLUME_SOURCE = "EmptyDirVolumeSource" {
        string(1, "medium"),
        quantity(2, "sizeLimit"),
    }
    GIT_REPO_VOLUME_SOURCE = "GitRepoVolumeSource" {
        string_req(1, "repository"),
        string(2, "revision"),
        string(3, "directory"),
    }
    SECRET_VOLUME_SOURCE = "SecretVolumeSource" {
        string(1, "secretName"),
        messages(2, "items", &KEY_TO_PATH),
        int32_ptr(3, "defaultMode"),
        boolean_ptr(4, "optional"),
    }
    NFS_VOLUME_SOURCE = "NFSVolumeSource" {
        string_req(1, "server"),
        string_req(2, "path"),
        boolean(3, "readOnly"),
    }
    PERSISTENT_VOLUME_CLAIM_VOLUME_SOURCE = "PersistentVolumeClaimVolumeSource" {
        string_req(1, "claimName"),
        boolean(2, "readOnly"),
    }
    DOWNWARD_API_VOLUME_SOURCE = "DownwardAPIVolumeSource" {
        messages(1, "items", &DOWNWARD_API_VOLUME_FILE),
        int32_ptr(2, "defaultMode"),
    }
    DOWNWARD_API_VOLUME_FILE = "DownwardAPIVolumeFile" {
        string_req(1, "path"),
        message(2, "fieldRef", &OBJECT_FIELD_SELECTOR),
        message(3, "resourceFieldRef", &RESOURCE_FIELD_SELECTOR),
        int32_ptr(4, "mode"),
    }
    CONFIG_MAP_VOLUME_SOURCE = "ConfigMapVolumeSource" {
        inline(1, "LocalObjectReference", &LOCAL_OBJECT_REFERENCE),
        messages(2, "items", &KEY_TO_PATH),
        int32_ptr(3, "defaultMode"),
        boolean_ptr(4, "optional"),
    }
    KEY_TO_PATH = "KeyToPath" { string_req(1, "key"), string_req(2, "path"), int32_ptr(3, "mode") }
    PROJECTED_VOLUME_SOURCE = "ProjectedVolumeSource" {
        messages(1, "sources", &VOLUME_PROJECTION),
        int32_ptr(2, "defaultMode"),
    }
    VOLUME_PROJECTION = "VolumeProjection" {
        message(1, "secret", &SECRET_PROJECTION),
        message(2, "downwardAPI", &DOWNWARD_API_PROJECTION),
        message(3, "configMap", &CONFIG_MAP_PROJECTION),
        message(4, "serviceAccountToken", &SERVICE_ACCOUNT_TOKEN_PROJECTION),
        message(5, "clusterTrustBundle", &CLUSTER_TRUST_BUNDLE_PROJECTION),
    }
    SECRET_PROJECTION = "SecretProjection" {
        inline(1, "LocalObjectReference", &LOCAL_OBJECT_REFERENCE),
        messages(2, "items", &KEY_TO_PATH),
        boolean_ptr(4, "optional"),
    }
    CONFIG_MAP_PROJECTION = "ConfigMapProjection" {
        inline(1, "LocalObjectReference", &LOCAL_OBJECT_REFERENCE),
        messages(2, "items", &KEY_TO_PATH),
        boolean_ptr(4, "optional"),
    }
    DOWNWARD_API_PROJECTION = "DownwardAPIProjection" {
        messages(1, "items", &DOWNWARD_API_VOLUME_FILE),
    }
    SERVICE_ACCOUNT_TOKEN_PROJECTION = "ServiceAccountTokenProjection" {
        string(1, "audience"),
        int64_ptr(2, "expirationSeconds"),
        string_req(3, "path"),
    }
    CLUSTER_TRUST_BUNDLE_PROJECTION = "ClusterTrustBundleProjection" {
        string_ptr(1, "name"),
        string_ptr(2, "signerName"),
        message(3, "labelSelector", &LABEL_SELECTOR),
        boolean_ptr(5, "optional"),
        string_req(4, "path"),
    }
    CSI_VOLUME_SOURCE = "CSIVolumeSource" {
        string_req(1, "driver"),
        boolean_ptr(2, "readOnly"),
        string_ptr(3, "fsType"),
        string_map(4, "volumeAttributes"),
        message(5, "nodePublishSecretRef", &LOCAL_OBJECT_REFERENCE),
    }
    EPHEMERAL_VOLUME_SOURCE = "EphemeralVolumeSource" {
        message(1, "volumeClaimTemplate", &PERSISTENT_VOLUME_CLAIM_TEMPLATE),
    }
    PERSISTENT_VOLUME_CLAIM_TEMPLATE = "PersistentVolumeClaimTemplate" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &PERSISTENT_VOLUME_CLAIM_SPEC),
    }
    IMAGE_VOLUME_SOURCE = "ImageVolumeSource" { string(1, "reference"), string(2, "pullPolicy") }
    AFFINITY = "Affinity" {
        message(1, "nodeAffinity", &NODE_AFFINITY),
        message(2, "podAffinity", &POD_AFFINITY),
        message(3, "podAntiAffinity", &POD_AFFINITY),
    }
    NODE_AFFINITY = "NodeAffinity" {
        message(1, "requiredDuringSchedulingIgnoredDuringExecution", &NODE_SELECTOR),
        messages(2, "preferredDuringSchedulingIgnoredDuringExecution", &PREFERRED_SCHEDULING_TERM),
    }
    NODE_SELECTOR = "NodeSelector" { messages_req(1, "nodeSelectorTerms", &NODE_SELECTOR_TERM) }
    NODE_SELECTOR_TERM = "NodeSelectorTerm" {
        messages(1, "matchExpressions", &NODE_SELECTOR_REQUIREMENT),
        messages(2, "matchFields", &NODE_SELECTOR_REQUIREMENT),
    }
    NODE_SELECTOR_REQUIREMENT = "NodeSelectorRequirement" {
        string_req(1, "key"),
        string_req(2, "operator"),
        strings(3, "values"),
    }
    PREFERRED_SCHEDULING_TERM = "PreferredSchedulingTerm" {
        int32_req(1, "weight"),
        message(2, "preference", &NODE_SELECTOR_TERM),
    }
    // PodAntiAffinity has PodAffinity's fields and numbers.
    POD_AFFINITY = "PodAffinity" {
        messages(1, "requiredDuringSchedulingIgnoredDuringExecution", &POD_AFFINITY_TERM),
        messages(2, "preferredDuringSchedulingIgnoredDuringExecution", &WEIGHTED_POD_AFFINITY_TERM),
    }
    POD_AFFINITY_TERM = "PodAffinityTerm" {
        message(1, "labelSelector", &LABEL_SELECTOR),
        strings(2, "namespaces"),
        string_req(3, "topologyKey"),
        message(4, "namespaceSelector", &LABEL_SELECTOR),
        strings(5, "matchLabelKeys"),
        strings(6, "mismatchLabelKeys"),
    }
    WEIGHTED_POD_AFFINITY_TERM = "WeightedPodAffinityTerm" {
        int32_req(1, "weight"),
        message(2, "podAffinityTerm", &POD_AFFINITY_TERM),
    }
    TOLERATION = "Toleration" {
        string(1, "key"),
        string(2, "operator"),
        string(3, "value"),
        string(4, "effect"),
        int64_ptr(5, "tolerationSeconds"),
    }
    HOST_ALIAS = "HostAlias" { string_req(1, "ip"), strings(2, "hostnames") }
    POD_DNS_CONFIG = "PodDNSConfig" {
        strings(1, "nameservers"),
        strings(2, "searches"),
        messages(3, "options", &POD_DNS_CONFIG_OPTION),
    }
    POD_DNS_CONFIG_OPTION = "PodDNSConfigOption" { string(1, "name"), string_ptr(2, "value") }
    POD_READINESS_GATE = "PodReadinessGate" { string_req(1, "conditionType") }
    TOPOLOGY_SPREAD_CONSTRAINT = "TopologySpreadConstraint" {
        int32_req(1, "maxSkew"),
        string_req(2, "topologyKey"),
        string_req(3, "whenUnsatisfiable"),
        message(4, "labelSelector", &LABEL_SELECTOR),
        int32_ptr(5, "minDomains"),
        string_ptr(6, "nodeAffinityPolicy"),
        string_ptr(7, "nodeTaintsPolicy"),
        strings(8, "matchLabelKeys"),
    }
    POD_OS = "PodOS" { string_req(1, "name") }
    POD_SCHEDULING_GATE = "PodSchedulingGate" { string_req(1, "name") }
    POD_RESOURCE_CLAIM = "PodResourceClaim" {
        string_req(1, "name"),
        string_ptr(3, "resourceClaimName"),
        string_ptr(4, "resourceClaimTemplateName"),
    }
    POD_STATUS = "PodStatus" {
        string(1, "phase"),
        messages(2, "conditions", &POD_CONDITION),
        string(3, "message"),
        string(4, "reason"),
        string(11, "nominatedNodeName"),
        string(5, "hostIP"),
        messages(16, "hostIPs", &HOST_IP),
        string(6, "podIP"),
        messages(12, "podIPs", &HOST_IP),
        time_field(7, "startTime"),
        messages(10, "initContainerStatuses", &CONTAINER_STATUS),
        messages(8, "containerStatuses", &CONTAINER_STATUS),
        string(9, "qosClass"),
        messages(13, "ephemeralContainerStatuses", &CONTAINER_STATUS),
        string(14, "resize"),
        int64(17, "observedGeneration"),
    }
    POD_CONDITION = "PodCondition" {
        string_req(1, "type"),
        int64(7, "observedGeneration"),
        string_req(2, "status"),
        time_field(3, "lastProbeTime"),
        time_field(4, "lastTransitionTime"),
        string(5, "reason"),
        string(6, "message"),
    }
    // HostIP and PodIP are both {ip = 1}.
    HOST_IP = "HostIP" { string_req(1, "ip") }
    CONTAINER_STATUS = "ContainerStatus" {
        string_req(1, "name"),
        message(2, "state", &CONTAINER_STATE),
        message(3, "lastState", &CONTAINER_STATE),
        boolean_req(4, "ready"),
        int32_req(5, "restartCount"),
        string_req(6, "image"),
        string_req(7, "imageID"),
        string(8, "containerID"),
        boolean_ptr(9, "started"),
        quantity_map(10, "allocatedResources"),
        message(11, "resources", &RESOURCE_REQUIREMENTS),
        string_ptr(15, "stopSignal"),
    }
    CONTAINER_STATE = "ContainerState" {
        message(1, "waiting", &CONTAINER_STATE_WAITING),
        message(2, "running", &CONTAINER_STATE_RUNNING),
        message(3, "terminated", &CONTAINER_STATE_TERMINATED),
    }
    CONTAINER_STATE_WAITING = "ContainerStateWaiting" { string(1, "reason"), string(2, "message") }
    CONTAINER_STATE_RUNNING = "ContainerStateRunning" { time_field(1, "startedAt") }
    CONTAINER_STATE_TERMINATED = "ContainerStateTerminated" {
        int32_req(1, "exitCode"),
        int32(2, "signal"),
        string(3, "reason"),
        string(4, "message"),
        time_field(5, "startedAt"),
        time_field(6, "finishedAt"),
        string(7, "containerID"),
    }

    CONFIG_MAP = "ConfigMap" {
        message(1, "metadata", &OBJECT_META),
        boolean_ptr(4, "immutable"),
        string_map(2, "data"),
        bytes_map(3, "binaryData"),
    }
    SECRET = "Secret" {
        message(1, "metadata", &OBJECT_META),
        boolean_ptr(5, "immutable"),
        bytes_map(2, "data"),
        string_map(4, "stringData"),
        string(3, "type"),
    }
    NAMESPACE = "Namespace" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &NAMESPACE_SPEC),
        message(3, "status", &NAMESPACE_STATUS),
    }
    NAMESPACE_SPEC = "NamespaceSpec" { strings(1, "finalizers") }
    NAMESPACE_STATUS = "NamespaceStatus" {
        string(1, "phase"),
        messages(2, "conditions", &NAMESPACE_CONDITION),
    }
    NAMESPACE_CONDITION = "NamespaceCondition" {
        string_req(1, "type"),
        string_req(2, "status"),
        time_field(4, "lastTransitionTime"),
        string(5, "reason"),
        string(6, "message"),
    }
    SERVICE_ACCOUNT = "ServiceAccount" {
        message(1, "metadata", &OBJECT_META),
        messages(2, "secrets", &OBJECT_REFERENCE),
        messages(3, "imagePullSecrets", &LOCAL_OBJECT_REFERENCE),
        boolean_ptr(4, "automountServiceAccountToken"),
    }
    OBJECT_REFERENCE = "ObjectReference" {
        string(1, "kind"),
        string(2, "namespace"),
        string(3, "name"),
        string(4, "uid"),
        string(5, "apiVersion"),
        string(6, "resourceVersion"),
        string(7, "fieldPath"),
    }
    SERVICE = "Service" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &SERVICE_SPEC),
        message(3, "status", &SERVICE_STATUS),
    }
    SERVICE_SPEC = "ServiceSpec" {
        messages(1, "ports", &SERVICE_PORT),
        string_map(2, "selector"),
        string(3, "clusterIP"),
        strings(18, "clusterIPs"),
        string(4, "type"),
        strings(5, "externalIPs"),
        string(7, "sessionAffinity"),
        string(8, "loadBalancerIP"),
        strings(9, "loadBalancerSourceRanges"),
        string(10, "externalName"),
        string(11, "externalTrafficPolicy"),
        int32(12, "healthCheckNodePort"),
        boolean(13, "publishNotReadyAddresses"),
        message(14, "sessionAffinityConfig", &SESSION_AFFINITY_CONFIG),
        strings(19, "ipFamilies"),
        string_ptr(17, "ipFamilyPolicy"),
        boolean_ptr(20, "allocateLoadBalancerNodePorts"),
        string_ptr(21, "loadBalancerClass"),
        string_ptr(22, "internalTrafficPolicy"),
        string_ptr(23, "trafficDistribution"),
    }
    SERVICE_PORT = "ServicePort" {
        string(1, "name"),
        string(2, "protocol"),
        string_ptr(6, "appProtocol"),
        int32_req(3, "port"),
        int_or_string(4, "targetPort"),
        int32(5, "nodePort"),
    }
    SESSION_AFFINITY_CONFIG = "SessionAffinityConfig" { message(1, "clientIP", &CLIENT_IP_CONFIG) }
    CLIENT_IP_CONFIG = "ClientIPConfig" { int32_ptr(1, "timeoutSeconds") }
    SERVICE_STATUS = "ServiceStatus" { message(1, "loadBalancer", &LOAD_BALANCER_STATUS) }
    LOAD_BALANCER_STATUS = "LoadBalancerStatus" {
        messages(1, "ingress", &LOAD_BALANCER_INGRESS),
    }
    LOAD_BALANCER_INGRESS = "LoadBalancerIngress" {
        string(1, "ip"),
        string(2, "hostname"),
        string_ptr(3, "ipMode"),
        messages(4, "ports", &PORT_STATUS),
    }
    PORT_STATUS = "PortStatus" {
        int32_req(1, "port"),
        string_req(2, "protocol"),
        string_ptr(3, "error"),
    }
    ENDPOINTS = "Endpoints" {
        message(1, "metadata", &OBJECT_META),
        messages(2, "subsets", &ENDPOINT_SUBSET),
    }
    ENDPOINT_SUBSET = "EndpointSubset" {
        messages(1, "addresses", &ENDPOINT_ADDRESS),
        messages(2, "notReadyAddresses", &ENDPOINT_ADDRESS),
        messages(3, "ports", &CORE_ENDPOINT_PORT),
    }
    ENDPOINT_ADDRESS = "EndpointAddress" {
        string_req(1, "ip"),
        string(3, "hostname"),
        string_ptr(4, "nodeName"),
        message(2, "targetRef", &OBJECT_REFERENCE),
    }
    CORE_ENDPOINT_PORT = "EndpointPort" {
        string(1, "name"),
        int32_req(2, "port"),
        string(3, "protocol"),
        string_ptr(4, "appProtocol"),
    }
    NODE = "Node" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &NODE_SPEC),
        // NodeStatus is the kubelet's; the API server keeps the stored one.
        message(3, "status", &OPAQUE_STATUS),
    }
    NODE_SPEC = "NodeSpec" {
        string(1, "podCIDR"),
        strings(7, "podCIDRs"),
        string(3, "providerID"),
        boolean(4, "unschedulable"),
        messages(5, "taints", &TAINT),
        string(2, "externalID"),
    }
    TAINT = "Taint" {
        string_req(1, "key"),
        string(2, "value"),
        string_req(3, "effect"),
        time_field(4, "timeAdded"),
    }
    EVENT = "Event" {
        message(1, "metadata", &OBJECT_META),
        message(2, "involvedObject", &OBJECT_REFERENCE),
        string(3, "reason"),
        string(4, "message"),
        message(5, "source", &EVENT_SOURCE),
        time_field(6, "firstTimestamp"),
        time_field(7, "lastTimestamp"),
        int32(8, "count"),
        string(9, "type"),
        micro_time(10, "eventTime"),
        message(11, "series", &EVENT_SERIES),
        string(12, "action"),
        message(13, "related", &OBJECT_REFERENCE),
        string(14, "reportingComponent"),
        string(15, "reportingInstance"),
    }
    EVENT_SOURCE = "EventSource" { string(1, "component"), string(2, "host") }
    EVENT_SERIES = "EventSeries" { int32(1, "count"), micro_time(2, "lastObservedTime") }
    PERSISTENT_VOLUME_CLAIM = "PersistentVolumeClaim" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &PERSISTENT_VOLUME_CLAIM_SPEC),
        message(3, "status", &PERSISTENT_VOLUME_CLAIM_STATUS),
    }
    PERSISTENT_VOLUME_CLAIM_SPEC = "PersistentVolumeClaimSpec" {
        strings(1, "accessModes"),
        message(4, "selector", &LABEL_SELECTOR),
        message(2, "resources", &VOLUME_RESOURCE_REQUIREMENTS),
        string(3, "volumeName"),
        string_ptr(5, "storageClassName"),
        string_ptr(6, "volumeMode"),
        message(7, "dataSource", &TYPED_LOCAL_OBJECT_REFERENCE),
        message(8, "dataSourceRef", &TYPED_OBJECT_REFERENCE),
        string_ptr(9, "volumeAttributesClassName"),
    }
    VOLUME_RESOURCE_REQUIREMENTS = "VolumeResourceRequirements" {
        quantity_map(1, "limits"),
        quantity_map(2, "requests"),
    }
    PERSISTENT_VOLUME_CLAIM_STATUS = "PersistentVolumeClaimStatus" {
        string(1, "phase"),
        strings(2, "accessModes"),
        quantity_map(3, "capacity"),
        quantity_map(5, "allocatedResources"),
        string_map(7, "allocatedResourceStatuses"),
        string_ptr(8, "currentVolumeAttributesClassName"),
    }
    TYPED_LOCAL_OBJECT_REFERENCE = "TypedLocalObjectReference" {
        string_ptr(1, "apiGroup"),
        string_req(2, "kind"),
        string_req(3, "name"),
    }
    TYPED_OBJECT_REFERENCE = "TypedObjectReference" {
        string_ptr(1, "apiGroup"),
        string_req(2, "kind"),
        string_req(3, "name"),
        string_ptr(4, "namespace"),
    }
    /// A status the API server does not take from a request: read (so
    /// malformed bytes are still refused), not kept.
    OPAQUE_STATUS = "Status" {}
}

// k8s.io/api/apps/v1.
messages! {
    DEPLOYMENT = "Deployment" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &DEPLOYMENT_SPEC),
        message(3, "status", &DEPLOYMENT_STATUS),
    }
    DEPLOYMENT_SPEC = "DeploymentSpec" {
        int32_ptr(1, "replicas"),
        message(2, "selector", &LABEL_SELECTOR),
        message(3, "template", &POD_TEMPLATE_SPEC),
        message(4, "strategy", &DEPLOYMENT_STRATEGY),
        int32(5, "minReadySeconds"),
        int32_ptr(6, "revisionHistoryLimit"),
        boolean(7, "paused"),
        int32_ptr(9, "progressDeadlineSeconds"),
    }
    DEPLOYMENT_STRATEGY = "DeploymentStrategy" {
        string(1, "type"),
        message(2, "rollingUpdate", &ROLLING_UPDATE_DEPLOYMENT),
    }
    ROLLING_UPDATE_DEPLOYMENT = "RollingUpdateDeployment" {
        int_or_string_ptr(1, "maxUnavailable"),
        int_or_string_ptr(2, "maxSurge"),
    }
    DEPLOYMENT_STATUS = "DeploymentStatus" {
        int64(1, "observedGeneration"),
        int32(2, "replicas"),
        int32(3, "updatedReplicas"),
        int32(7, "readyReplicas"),
        int32(4, "availableReplicas"),
        int32(5, "unavailableReplicas"),
        int32_ptr(9, "terminatingReplicas"),
        messages(6, "conditions", &DEPLOYMENT_CONDITION),
        int32_ptr(8, "collisionCount"),
    }
    DEPLOYMENT_CONDITION = "DeploymentCondition" {
        string_req(1, "type"),
        string_req(2, "status"),
        time_field(6, "lastUpdateTime"),
        time_field(7, "lastTransitionTime"),
        string(4, "reason"),
        string(5, "message"),
    }
    REPLICA_SET = "ReplicaSet" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &REPLICA_SET_SPEC),
        message(3, "status", &REPLICA_SET_STATUS),
    }
    REPLICA_SET_SPEC = "ReplicaSetSpec" {
        int32_ptr(1, "replicas"),
        int32(4, "minReadySeconds"),
        message(2, "selector", &LABEL_SELECTOR),
        message(3, "template", &POD_TEMPLATE_SPEC),
    }
    REPLICA_SET_STATUS = "ReplicaSetStatus" {
        int32_req(1, "replicas"),
        int32(2, "fullyLabeledReplicas"),
        int32(4, "readyReplicas"),
        int32(5, "availableReplicas"),
        int32_ptr(7, "terminatingReplicas"),
        int64(3, "observedGeneration"),
        messages(6, "conditions", &REPLICA_SET_CONDITION),
    }
    REPLICA_SET_CONDITION = "ReplicaSetCondition" {
        string_req(1, "type"),
        string_req(2, "status"),
        time_field(3, "lastTransitionTime"),
        string(4, "reason"),
        string(5, "message"),
    }
}

// k8s.io/api/batch/v1. The server stores neither kind, but reads both before saying so.
messages! {
    JOB = "Job" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &JOB_SPEC),
        message(3, "status", &OPAQUE_STATUS),
    }
    JOB_SPEC = "JobSpec" {
        int32_ptr(1, "parallelism"),
        int32_ptr(2, "completions"),
        int64_ptr(3, "activeDeadlineSeconds"),
        message(11, "podFailurePolicy", &POD_FAILURE_POLICY),
        message(16, "successPolicy", &SUCCESS_POLICY),
        int32_ptr(7, "backoffLimit"),
        int32_ptr(12, "backoffLimitPerIndex"),
        int32_ptr(13, "maxFailedIndexes"),
        message(4, "selector", &LABEL_SELECTOR),
        boolean_ptr(5, "manualSelector"),
        message(6, "template", &POD_TEMPLATE_SPEC),
        int32_ptr(8, "ttlSecondsAfterFinished"),
        string_ptr(9, "completionMode"),
        boolean_ptr(10, "suspend"),
        string_ptr(14, "podReplacementPolicy"),
        string_ptr(15, "managedBy"),
    }
    POD_FAILURE_POLICY = "PodFailurePolicy" { messages_req(1, "rules", &POD_FAILURE_POLICY_RULE) }
    POD_FAILURE_POLICY_RULE = "PodFailurePolicyRule" {
        string_req(1, "action"),
        message(2, "onExitCodes", &POD_FAILURE_POLICY_ON_EXIT_CODES_REQUIREMENT),
        messages(3, "onPodConditions", &POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERN),
    }
    POD_FAILURE_POLICY_ON_EXIT_CODES_REQUIREMENT = "PodFailurePolicyOnExitCodesRequirement" {
        string_ptr(1, "containerName"),
        string_req(2, "operator"),
        int32s(3, "values"),
    }
    POD_FAILURE_POLICY_ON_POD_CONDITIONS_PATTERN = "PodFailurePolicyOnPodConditionsPattern" {
        string_req(1, "type"),
        string_req(2, "status"),
    }
    SUCCESS_POLICY = "SuccessPolicy" { messages_req(1, "rules", &SUCCESS_POLICY_RULE) }
    SUCCESS_POLICY_RULE = "SuccessPolicyRule" {
        string_ptr(1, "succeededIndexes"),
        int32_ptr(2, "succeededCount"),
    }
    CRON_JOB = "CronJob" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &CRON_JOB_SPEC),
        message(3, "status", &OPAQUE_STATUS),
    }
    CRON_JOB_SPEC = "CronJobSpec" {
        string_req(1, "schedule"),
        string_ptr(8, "timeZone"),
        int64_ptr(2, "startingDeadlineSeconds"),
        string(3, "concurrencyPolicy"),
        boolean_ptr(4, "suspend"),
        message(5, "jobTemplate", &JOB_TEMPLATE_SPEC),
        int32_ptr(6, "successfulJobsHistoryLimit"),
        int32_ptr(7, "failedJobsHistoryLimit"),
    }
    JOB_TEMPLATE_SPEC = "JobTemplateSpec" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &JOB_SPEC),
    }
}

// k8s.io/api/rbac/v1.
messages! {
    ROLE = "Role" {
        message(1, "metadata", &OBJECT_META),
        messages(2, "rules", &POLICY_RULE),
    }
    CLUSTER_ROLE = "ClusterRole" {
        message(1, "metadata", &OBJECT_META),
        messages(2, "rules", &POLICY_RULE),
        message(3, "aggregationRule", &AGGREGATION_RULE),
    }
    AGGREGATION_RULE = "AggregationRule" {
        messages(1, "clusterRoleSelectors", &LABEL_SELECTOR),
    }
    POLICY_RULE = "PolicyRule" {
        strings_req(1, "verbs"),
        strings(2, "apiGroups"),
        strings(3, "resources"),
        strings(4, "resourceNames"),
        strings(5, "nonResourceURLs"),
    }
    ROLE_BINDING = "RoleBinding" {
        message(1, "metadata", &OBJECT_META),
        messages(2, "subjects", &SUBJECT),
        message(3, "roleRef", &ROLE_REF),
    }
    CLUSTER_ROLE_BINDING = "ClusterRoleBinding" {
        message(1, "metadata", &OBJECT_META),
        messages(2, "subjects", &SUBJECT),
        message(3, "roleRef", &ROLE_REF),
    }
    SUBJECT = "Subject" {
        string_req(1, "kind"),
        string(2, "apiGroup"),
        string_req(3, "name"),
        string(4, "namespace"),
    }
    ROLE_REF = "RoleRef" { string_req(1, "apiGroup"), string_req(2, "kind"), string_req(3, "name") }
}

// k8s.io/api/networking/v1.
messages! {
    INGRESS = "Ingress" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &INGRESS_SPEC),
        message(3, "status", &INGRESS_STATUS),
    }
    INGRESS_SPEC = "IngressSpec" {
        string_ptr(4, "ingressClassName"),
        message(1, "defaultBackend", &INGRESS_BACKEND),
        messages(2, "tls", &INGRESS_TLS),
        messages(3, "rules", &INGRESS_RULE),
    }
    INGRESS_BACKEND = "IngressBackend" {
        message(4, "service", &INGRESS_SERVICE_BACKEND),
        message(3, "resource", &TYPED_LOCAL_OBJECT_REFERENCE),
    }
    INGRESS_SERVICE_BACKEND = "IngressServiceBackend" {
        string_req(1, "name"),
        message(2, "port", &SERVICE_BACKEND_PORT),
    }
    SERVICE_BACKEND_PORT = "ServiceBackendPort" { string(1, "name"), int32(2, "number") }
    INGRESS_TLS = "IngressTLS" { strings(1, "hosts"), string(2, "secretName") }
    INGRESS_RULE = "IngressRule" {
        string(1, "host"),
        inline(2, "IngressRuleValue", &INGRESS_RULE_VALUE),
    }
    INGRESS_RULE_VALUE = "IngressRuleValue" { message(1, "http", &HTTP_INGRESS_RULE_VALUE) }
    HTTP_INGRESS_RULE_VALUE = "HTTPIngressRuleValue" { messages_req(1, "paths", &HTTP_INGRESS_PATH) }
    HTTP_INGRESS_PATH = "HTTPIngressPath" {
        string(1, "path"),
        string_ptr(3, "pathType"),
        message(2, "backend", &INGRESS_BACKEND),
    }
    INGRESS_STATUS = "IngressStatus" {
        message(1, "loadBalancer", &INGRESS_LOAD_BALANCER_STATUS),
    }
    INGRESS_LOAD_BALANCER_STATUS = "IngressLoadBalancerStatus" {
        messages(1, "ingress", &INGRESS_LOAD_BALANCER_INGRESS),
    }
    INGRESS_LOAD_BALANCER_INGRESS = "IngressLoadBalancerIngress" {
        string(1, "ip"),
        string(2, "hostname"),
        messages(4, "ports", &PORT_STATUS),
    }
    NETWORK_POLICY = "NetworkPolicy" {
        message(1, "metadata", &OBJECT_META),
        message(2, "spec", &NETWORK_POLICY_SPEC),
    }
    NETWORK_POLICY_SPEC = "NetworkPolicySpec" {
        message(1, "podSelector", &LABEL_SELECTOR),
        messages(2, "ingress", &NETWORK_POLICY_INGRESS_RULE),
        messages(3, "egress", &NETWORK_POLICY_EGRESS_RULE),
        strings(4, "policyTypes"),
    }
    NETWORK_POLICY_INGRESS_RULE = "NetworkPolicyIngressRule" {
        messages(1, "ports", &NETWORK_POLICY_PORT),
        messages(2, "from", &NETWORK_POLICY_PEER),
    }
    NETWORK_POLICY_EGRESS_RULE = "NetworkPolicyEgressRule" {
        messages(1, "ports", &NETWORK_POLICY_PORT),
        messages(2, "to", &NETWORK_POLICY_PEER),
    }
    NETWORK_POLICY_PORT = "NetworkPolicyPort" {
        string_ptr(1, "protocol"),
        int_or_string_ptr(2, "port"),
        int32_ptr(3, "endPort"),
    }
    NETWORK_POLICY_PEER = "NetworkPolicyPeer" {
        message(1, "podSelector", &LABEL_SELECTOR),
        message(2, "namespaceSelector", &LABEL_SELECTOR),
        message(3, "ipBlock", &IP_BLOCK),
    }
    IP_BLOCK = "IPBlock" { string_req(1, "cidr"), strings(2, "except") }
}

// k8s.io/api/discovery/v1.
messages! {
    ENDPOINT_SLICE = "EndpointSlice" {
        message(1, "metadata", &OBJECT_META),
        string_req(4, "addressType"),
        messages_req(2, "endpoints", &ENDPOINT),
        messages(3, "ports", &DISCOVERY_ENDPOINT_PORT),
    }
    ENDPOINT = "Endpoint" {
        strings_req(1, "addresses"),
        message(2, "conditions", &ENDPOINT_CONDITIONS),
        string_ptr(3, "hostname"),
        message(4, "targetRef", &OBJECT_REFERENCE),
        string_map(5, "deprecatedTopology"),
        string_ptr(6, "nodeName"),
        string_ptr(7, "zone"),
        message(8, "hints", &ENDPOINT_HINTS),
    }
    ENDPOINT_CONDITIONS = "EndpointConditions" {
        boolean_ptr(1, "ready"),
        boolean_ptr(2, "serving"),
        boolean_ptr(3, "terminating"),
    }
    ENDPOINT_HINTS = "EndpointHints" { messages(1, "forZones", &FOR_ZONE) }
    FOR_ZONE = "ForZone" { string_req(1, "name") }
    DISCOVERY_ENDPOINT_PORT = "EndpointPort" {
        string_ptr(1, "name"),
        string_ptr(2, "protocol"),
        int32_ptr(3, "port"),
        string_ptr(4, "appProtocol"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A tiny protobuf writer, to build bodies by hand.
    #[derive(Default)]
    struct Enc(Vec<u8>);

    impl Enc {
        fn varint(mut self, mut v: u64) -> Self {
            while v >= 0x80 {
                self.0.push((v as u8) | 0x80);
                v >>= 7;
            }
            self.0.push(v as u8);
            self
        }
        fn raw(mut self, bytes: &[u8]) -> Self {
            self.0.extend_from_slice(bytes);
            self
        }
        fn key(self, number: u32, wire: u8) -> Self {
            self.varint((u64::from(number) << 3) | u64::from(wire))
        }
        fn int(self, number: u32, v: i64) -> Self {
            self.key(number, 0).varint(v as u64)
        }
        fn bytes(self, number: u32, b: &[u8]) -> Self {
            let mut e = self.key(number, 2).varint(b.len() as u64);
            e.0.extend_from_slice(b);
            e
        }
        fn string(self, number: u32, s: &str) -> Self {
            self.bytes(number, s.as_bytes())
        }
        fn message(self, number: u32, m: Enc) -> Self {
            self.bytes(number, &m.0)
        }
        fn entry(self, number: u32, key: &str, value: Enc) -> Self {
            self.message(number, Enc::default().string(1, key).message(2, value))
        }
        fn label(self, number: u32, key: &str, value: &str) -> Self {
            self.message(number, Enc::default().string(1, key).string(2, value))
        }
    }

    fn envelope(api_version: &str, kind: &str, raw: Enc) -> Vec<u8> {
        let unknown = Enc::default()
            .message(1, Enc::default().string(1, api_version).string(2, kind))
            .message(2, raw)
            .string(3, "")
            .string(4, "");
        [MAGIC.as_slice(), &unknown.0].concat()
    }

    /// ObjectMeta as Go writes it: every non-pointer scalar, zero or not.
    fn meta(name: &str) -> Enc {
        Enc::default()
            .string(1, name)
            .string(2, "")
            .string(3, "")
            .string(4, "")
            .string(5, "")
            .string(6, "")
            .int(7, 0)
            .message(8, Enc::default())
    }

    fn decode(body: &[u8]) -> Result<Value, String> {
        decode_object(body, None).map_err(|e| e.to_string())
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn config_map_with_data_and_binary_data() {
        let raw = Enc::default()
            .message(1, meta("cfg").label(11, "app", "web").label(12, "note", ""))
            .label(2, "a", "b")
            .label(2, "empty", "")
            .message(3, Enc::default().string(1, "bin").bytes(2, b"\x00\x01\xfe"));
        assert_eq!(
            decode(&envelope("v1", "ConfigMap", raw)),
            Ok(json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": "cfg",
                    "creationTimestamp": null,
                    "labels": {"app": "web"},
                    "annotations": {"note": ""},
                },
                "data": {"a": "b", "empty": ""},
                "binaryData": {"bin": "AAH+"},
            }))
        );
    }

    #[test]
    fn deployment_keeps_pointer_zeros_and_drops_value_zeros() {
        let container = Enc::default()
            .string(1, "nginx")
            .string(2, "nginx:1.25")
            .string(5, "")
            .message(
                6,
                Enc::default()
                    .string(1, "")
                    .int(2, 0)
                    .int(3, 80)
                    .string(4, "TCP"),
            )
            .message(
                8,
                Enc::default().entry(1, "cpu", Enc::default().string(1, "500m")),
            )
            .message(
                11,
                Enc::default()
                    .message(
                        1,
                        Enc::default().message(
                            2,
                            Enc::default()
                                .string(1, "/healthz")
                                .message(2, Enc::default().int(1, 1).string(3, "http")),
                        ),
                    )
                    .int(4, 5)
                    .int(5, 0),
            )
            .message(15, Enc::default().int(2, 0).int(4, 0))
            .int(16, 0)
            .int(99, 7);
        let template = Enc::default()
            .message(1, meta("").label(11, "app", "web"))
            .message(
                2,
                Enc::default()
                    .message(2, container)
                    .string(3, "")
                    .key(4, 0)
                    .varint(30),
            );
        let spec = Enc::default()
            .int(1, 0)
            .message(
                2,
                Enc::default().message(
                    2,
                    Enc::default()
                        .string(1, "tier")
                        .string(2, "In")
                        .string(3, "a")
                        .string(3, "b"),
                ),
            )
            .message(3, template)
            .message(
                4,
                Enc::default().string(1, "RollingUpdate").message(
                    2,
                    Enc::default()
                        .message(1, Enc::default().int(1, 0).int(2, 0).string(3, ""))
                        .message(2, Enc::default().int(1, 1).int(2, 0).string(3, "25%")),
                ),
            )
            .int(5, 0)
            .int(7, 0);
        let raw = Enc::default()
            .message(1, meta("web"))
            .message(2, spec)
            .message(3, Enc::default().int(1, 0).int(2, 0));
        assert_eq!(
            decode(&envelope("apps/v1", "Deployment", raw)),
            Ok(json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web", "creationTimestamp": null},
                "spec": {
                    "replicas": 0,
                    "selector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]},
                    "template": {
                        "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
                        "spec": {
                            "containers": [{
                                "name": "nginx",
                                "image": "nginx:1.25",
                                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                "resources": {"limits": {"cpu": "500m"}},
                                "readinessProbe": {
                                    "httpGet": {"path": "/healthz", "port": "http"},
                                    "periodSeconds": 5,
                                },
                                "securityContext": {"privileged": false, "runAsUser": 0},
                            }],
                            "terminationGracePeriodSeconds": 30,
                        },
                    },
                    "strategy": {
                        "type": "RollingUpdate",
                        "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"},
                    },
                },
                "status": {},
            }))
        );
    }

    #[test]
    fn times_raw_json_and_packed_numbers() {
        let raw = Enc::default()
            .message(
                1,
                meta("e").message(
                    17,
                    Enc::default()
                        .string(1, "kubectl")
                        .message(4, Enc::default().int(1, 1_767_225_600).int(2, 5))
                        .message(7, Enc::default().string(1, r#"{"f:data":{}}"#)),
                ),
            )
            .message(6, Enc::default().int(1, 1_767_225_661))
            .message(10, Enc::default().int(1, 1_767_225_600).int(2, 123_456_789));
        assert_eq!(
            decode(&envelope("v1", "Event", raw)),
            Ok(json!({
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {
                    "name": "e",
                    "creationTimestamp": null,
                    "managedFields": [{
                        "manager": "kubectl",
                        "time": "2026-01-01T00:00:00Z",
                        "fieldsV1": {"f:data": {}},
                    }],
                },
                "firstTimestamp": "2026-01-01T00:01:01Z",
                "eventTime": "2026-01-01T00:00:00.123456Z",
            }))
        );
        let packed = Enc::default().message(
            1,
            Enc::default().message(2, Enc::default().string(2, "In").bytes(3, &[1, 2, 0x7f])),
        );
        let job = Enc::default().message(2, Enc::default().message(11, packed));
        assert_eq!(
            decode(&envelope("batch/v1", "Job", job))
                .map(|v| v["spec"]["podFailurePolicy"].clone()),
            Ok(json!({"rules": [{"onExitCodes": {"operator": "In", "values": [1, 2, 127]}}]}))
        );
    }

    /// What kubectl 1.32 sent for each command (`-v=9`), and what
    /// `--dry-run=client -o json` prints for the same object.
    const KUBECTL_BODIES: &[(&str, &str, &str)] = &[
    (
        "kubectl create deployment fx --image=nginx:1.25 --replicas=0 --port=8080",
        concat!(
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412ba010a1d0a02667812001a0022002a0032003800",
            "42005a090a0361707012026678128a010800120b0a090a03617070120266781a710a1b0a0012001a0022002a00320038",
            "0042005a090a0361707012026678125212340a056e67696e78120a6e67696e783a312e32352a00320b0a00100018903f",
            "22002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2",
            "010022020a00280038001a0c0800100018002000280038001a002200",
        ),
        r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"fx","creationTimestamp":null,"labels":{"app":"fx"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"fx"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"fx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":8080}],"resources":{}}]}},"strategy":{}},"status":{}}"#,
    ),
    (
        "kubectl create configmap fxc --from-literal=a=b --from-literal=empty=",
        concat!(
            "6b3873000a0f0a0276311209436f6e6669674d617012280a130a0366786312001a0022002a0032003800420012060a01",
            "6112016212090a05656d70747912001a002200",
        ),
        r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"fxc","creationTimestamp":null},"data":{"a":"b","empty":""}}"#,
    ),
    (
        "kubectl create secret generic fxs --from-literal=k=v --type=Opaque",
        concat!(
            "6b3873000a0c0a027631120653656372657412250a130a0366787312001a0022002a0032003800420012060a016b1201",
            "761a064f70617175651a002200",
        ),
        r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"fxs","creationTimestamp":null},"data":{"k":"dg=="},"type":"Opaque"}"#,
    ),
    (
        "kubectl create secret docker-registry fxd --docker-server=x --docker-username=u --docker-password=p",
        concat!(
            "6b3873000a0c0a02763112065365637265741289010a130a0366786412001a0022002a0032003800420012520a112e64",
            "6f636b6572636f6e6669676a736f6e123d7b226175746873223a7b2278223a7b22757365726e616d65223a2275222c22",
            "70617373776f7264223a2270222c2261757468223a2264547077227d7d7d1a1e6b756265726e657465732e696f2f646f",
            "636b6572636f6e6669676a736f6e1a002200",
        ),
        r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"fxd","creationTimestamp":null},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJ4Ijp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="},"type":"kubernetes.io/dockerconfigjson"}"#,
    ),
    (
        "kubectl create service nodeport fxn --tcp=8080:http --node-port=30080",
        concat!(
            "6b3873000a0d0a02763112075365727669636512700a1f0a0366786e12001a0022002a003200380042005a0a0a036170",
            "70120366786e12490a230a09383038302d68747470120354435018903f220a080110001a04687474702880eb01120a0a",
            "03617070120366786e1a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200",
        ),
        r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"fxn","creationTimestamp":null,"labels":{"app":"fxn"}},"spec":{"ports":[{"name":"8080-http","protocol":"TCP","port":8080,"targetPort":"http","nodePort":30080}],"selector":{"app":"fxn"},"type":"NodePort"},"status":{"loadBalancer":{}}}"#,
    ),
    (
        "kubectl create namespace fxns",
        concat!(
            "6b3873000a0f0a02763112094e616d657370616365121c0a140a0466786e7312001a0022002a0032003800420012001a",
            "020a001a002200",
        ),
        r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"fxns","creationTimestamp":null},"spec":{},"status":{}}"#,
    ),
    (
        "kubectl create serviceaccount fxsa",
        concat!(
            "6b3873000a140a027631120e536572766963654163636f756e7412160a140a046678736112001a0022002a0032003800",
            "42001a002200",
        ),
        r#"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"fxsa","creationTimestamp":null}}"#,
    ),
    (
        "kubectl create role fxr --verb=get,list --resource=pods,deployments.apps --resource-name=a",
        concat!(
            "6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c6512500a130a03",
            "66787212001a0022002a0032003800420012160a036765740a046c69737412001a04706f647322016112210a03676574",
            "0a046c6973741204617070731a0b6465706c6f796d656e74732201611a002200",
        ),
        r#"{"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"fxr","creationTimestamp":null},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"],"resourceNames":["a"]},{"verbs":["get","list"],"apiGroups":["apps"],"resources":["deployments"],"resourceNames":["a"]}]}"#,
    ),
    (
        "kubectl create rolebinding fxrb --clusterrole=view --user=bob --serviceaccount=default:sa --group=g",
        concat!(
            "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c6542696e64696e",
            "6712ba010a140a046678726212001a0022002a0032003800420012280a04557365721219726261632e617574686f7269",
            "7a6174696f6e2e6b38732e696f1a03626f62220012270a0547726f75701219726261632e617574686f72697a6174696f",
            "6e2e6b38732e696f1a01672200121f0a0e536572766963654163636f756e7412001a027361220764656661756c741a2e",
            "0a19726261632e617574686f72697a6174696f6e2e6b38732e696f120b436c7573746572526f6c651a04766965771a00",
            "2200",
        ),
        r#"{"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"fxrb","creationTimestamp":null},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"bob"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"g"},{"kind":"ServiceAccount","name":"sa","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}"#,
    ),
    (
        "kubectl create clusterrole fxcr --aggregation-rule=a=b",
        concat!(
            "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c7573746572526f6c",
            "6512220a140a046678637212001a0022002a003200380042001a0a0a080a060a01611201621a002200",
        ),
        r#"{"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"fxcr","creationTimestamp":null},"rules":null,"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"a":"b"}}]}}"#,
    ),
    (
        "kubectl create clusterrolebinding fxcrb --clusterrole=view --user=bob",
        concat!(
            "6b3873000a320a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311212436c7573746572526f6c",
            "6542696e64696e6712710a150a05667863726212001a0022002a0032003800420012280a04557365721219726261632e",
            "617574686f72697a6174696f6e2e6b38732e696f1a03626f6222001a2e0a19726261632e617574686f72697a6174696f",
            "6e2e6b38732e696f120b436c7573746572526f6c651a04766965771a002200",
        ),
        r#"{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"fxcrb","creationTimestamp":null},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"bob"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}"#,
    ),
    (
        "kubectl create ingress fxi --class=nginx --rule=foo.com/bar*=web:80,tls=cert --default-backend=def:http",
        concat!(
            "6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e677265737312740a130a036678691200",
            "1a0022002a0032003800420012590a11220f0a0364656612080a04687474701000120f0a07666f6f2e636f6d12046365",
            "72741a2c0a07666f6f2e636f6d12210a1f0a1d0a042f626172120d220b0a0377656212040a0010501a06507265666978",
            "22056e67696e781a020a001a002200",
        ),
        r#"{"kind":"Ingress","apiVersion":"networking.k8s.io/v1","metadata":{"name":"fxi","creationTimestamp":null},"spec":{"ingressClassName":"nginx","defaultBackend":{"service":{"name":"def","port":{"name":"http"}}},"tls":[{"hosts":["foo.com"],"secretName":"cert"}],"rules":[{"host":"foo.com","http":{"paths":[{"path":"/bar","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]},"status":{"loadBalancer":{}}}"#,
    ),
    (
        "kubectl create cronjob fxcj --image=busybox --schedule=*/1 * * * * -- date",
        concat!(
            "6b3873000a130a0862617463682f7631120743726f6e4a6f6212aa010a140a046678636a12001a0022002a0032003800",
            "4200128f010a0b2a2f31202a202a202a202a1a002a7e0a140a046678636a12001a0022002a0032003800420012663264",
            "0a100a0012001a0022002a00320038004200125012290a046678636a120762757379626f781a04646174652a0042006a",
            "007200800100880100900100a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a01",
            "00c201001a001a002200",
        ),
        r#"{"kind":"CronJob","apiVersion":"batch/v1","metadata":{"name":"fxcj","creationTimestamp":null},"spec":{"schedule":"*/1 * * * *","jobTemplate":{"metadata":{"name":"fxcj","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"fxcj","image":"busybox","command":["date"],"resources":{}}],"restartPolicy":"OnFailure"}}}}},"status":{}}"#,
    ),
    (
        "kubectl create job fxj --image=busybox -- echo hi",
        concat!(
            "6b3873000a0f0a0862617463682f763112034a6f621286010a130a0366786a12001a0022002a00320038004200126532",
            "630a100a0012001a0022002a00320038004200124f122c0a0366786a120762757379626f781a046563686f1a0268692a",
            "0042006a007200800100880100900100a201001a054e65766572320042004a0052005800600068008201008a01009a01",
            "00c201001a082000280030003a001a002200",
        ),
        r#"{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"fxj","creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":[{"name":"fxj","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}}},"status":{}}"#,
    ),
    ];

    /// Drops `null` members: Go writes a nil list that lacks `omitempty`
    /// (`rules`, `verbs`) as `null`, which decodes as an absent one.
    fn without_nulls(value: Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, without_nulls(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
            other => other,
        }
    }

    #[test]
    fn kubectl_bodies_decode_to_what_kubectl_prints_as_json() {
        for (command, body, printed) in KUBECTL_BODIES {
            let expected: Value = serde_json::from_str(printed).expect("JSON");
            assert_eq!(
                decode(&hex(body)).map(without_nulls),
                Ok(without_nulls(expected)),
                "{command}"
            );
        }
    }

    #[test]
    fn envelopes_that_are_not_protobuf() {
        assert_eq!(
            decode(b""),
            Err("the object provided is unrecognized: empty data (<empty>)".into())
        );
        assert_eq!(
            decode(b"{\"kind\":\"Pod\"}"),
            Err("the object provided is unrecognized: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({\"kind\":\"Pod\"})".into())
        );
        assert_eq!(
            decode_object(b"k8s\0", Some(("apps/v1", "Deployment"))).map_err(|e| e.to_string()),
            Err("the object provided is unrecognized (must be of type Deployment): empty body (6b387300)".into())
        );
        let raw = Enc::default().message(1, meta("x"));
        assert_eq!(
            decode(&envelope("v1", "", Enc::default())),
            Err("the object provided is unrecognized: Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:\"v1\", Kind:\"\"}' (6b3873000a060a027631120012001a002200)".into())
        );
        assert_eq!(
            decode_object(&envelope("", "", raw), Some(("v1", "ConfigMap")))
                .map(|v| v["kind"].clone()),
            Ok(json!("ConfigMap"))
        );
        assert_eq!(
            decode(&envelope("policy/v1", "PodDisruptionBudget", Enc::default())),
            Err("PodDisruptionBudget in version \"v1\" cannot be handled as a PodDisruptionBudget: no kind \"PodDisruptionBudget\" is registered for version \"policy/v1\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"".into())
        );
    }

    #[test]
    fn malformed_messages_are_errors_in_gogo_protobufs_words() {
        let object = |raw: Enc| decode(&envelope("v1", "ConfigMap", raw));
        let error = |cause: &str| {
            Err(format!(
                "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: {cause}"
            ))
        };
        // A length past the end of the object.
        assert_eq!(
            object(Enc::default().key(1, 2).varint(50)),
            error("unexpected EOF")
        );
        // A varint that never ends.
        assert_eq!(
            object(Enc(vec![0x80; 20])),
            error("proto: integer overflow")
        );
        assert_eq!(object(Enc(vec![0x0a, 0x80])), error("unexpected EOF"));
        // A length that is negative as Go's int.
        assert_eq!(
            object(Enc::default().key(1, 2).varint(u64::MAX)),
            error("proto: negative length found during unmarshaling")
        );
        assert_eq!(
            object(Enc::default().message(1, Enc::default().int(1, 3))),
            error("proto: wrong wireType = 0 for field Name")
        );
        assert_eq!(
            object(Enc::default().int(0, 1)),
            error("proto: ConfigMap: illegal tag 0 (wire type 0)")
        );
        assert_eq!(
            object(Enc::default().key(1, 4)),
            error("proto: ConfigMap: wiretype end group for non-group")
        );
        // Unknown fields are skipped, groups included, until they are malformed.
        assert_eq!(
            object(
                Enc::default()
                    .key(90, 3)
                    .int(1, 1)
                    .key(90, 4)
                    .key(91, 1)
                    .raw(&[0; 8])
                    .key(92, 5)
                    .raw(&[0; 4])
            ),
            Ok(json!({"apiVersion": "v1", "kind": "ConfigMap"}))
        );
        assert_eq!(
            object(Enc::default().key(90, 7)),
            error("proto: illegal wireType 7")
        );
        assert_eq!(
            object(Enc::default().key(90, 1).varint(0)),
            error("unexpected EOF")
        );
        assert_eq!(
            object(Enc::default().message(
                1,
                Enc::default().message(8, Enc::default().int(1, i64::MAX))
            )),
            error("Time.MarshalJSON: year outside of range [0,9999]")
        );
        assert_eq!(
            decode(&envelope("v1", "Service", Enc::default().message(2, Enc::default().message(1, Enc::default().message(4, Enc::default().int(1, 5)))))),
            Err("Service in version \"v1\" cannot be handled as a Service: impossible IntOrString.Type".into())
        );
        // A broken envelope is named with the body's first bytes.
        let mut body = envelope("v1", "ConfigMap", Enc::default().message(1, meta("cfg")));
        body.truncate(12);
        assert_eq!(
            decode(&body),
            Err(
                "the object provided is unrecognized: unexpected EOF (6b3873000a0f0a0276311209)"
                    .into()
            )
        );
    }

    #[test]
    fn truncated_and_garbage_bodies_never_panic() {
        for (_, body, _) in KUBECTL_BODIES {
            let body = hex(body);
            for len in 0..body.len() {
                // Cut anywhere, a body is an error or (cut between the
                // envelope's last fields) the object; never a panic.
                let _ = decode(&body[..len]);
            }
            // Every cut inside the object's bytes is an error (the envelope
            // is typeMeta, then raw, then two empty strings).
            let raw_key = 6 + usize::from(body[5]);
            let raw_end = body.len() - 4;
            for len in raw_key + 1..raw_end {
                assert!(decode(&body[..len]).is_err(), "{len} of {}", body.len());
            }
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            let len = (seed % 64) as usize;
            let mut body = MAGIC.to_vec();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                body.push(seed as u8);
            }
            let _ = decode(&body);
            let _ = decode(&envelope("apps/v1", "Deployment", Enc(body[4..].to_vec())));
        }
    }

    /// A message that contains itself, to reach the nesting limit.
    static NESTED: Message = Message {
        name: "Nested",
        fields: &[message(1, "child", &NESTED)],
    };

    #[test]
    fn nesting_is_bounded() {
        let nest = |depth: usize| {
            (0..depth).fold(Enc::default(), |inner, _| Enc::default().message(1, inner))
        };
        assert!(decode_message(&nest(MAX_DEPTH - 1).0, &NESTED, 1).is_ok());
        assert_eq!(
            decode_message(&nest(MAX_DEPTH).0, &NESTED, 1),
            Err(WireError::TooDeep)
        );
        assert_eq!(
            decode_message(&nest(10_000).0, &NESTED, 1),
            Err(WireError::TooDeep)
        );
    }

    #[test]
    fn base64_is_gos_standard_encoding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"v"), "dg==");
        assert_eq!(base64(b"admin"), "YWRtaW4=");
        assert_eq!(base64(b"s3cr3t"), "czNjcjN0");
    }
}

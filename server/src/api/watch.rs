//! `GET <collection>?watch=true`: newline-delimited JSON watch events
//! (`ADDED`, `MODIFIED`, `DELETED`, `ERROR`) from the store's change log,
//! with label and field selectors, as objects or as one-row Tables.
//!
//! A watch from resourceVersion `0` (or none) first sends every selected
//! object as `ADDED`; from a later version it sends only later changes, and
//! an ERROR with a 410 `Expired` Status when the log no longer reaches back
//! that far. An object that stops matching the selectors is sent as
//! `DELETED`, one that starts matching as `ADDED`, as the API server does.
//! The stream wakes when the cluster's resourceVersion moves and ends after
//! `timeoutSeconds` (30 minutes at most) or when the client goes. With
//! `allowWatchBookmarks=true` it sends a BOOKMARK with the current
//! resourceVersion every [`BOOKMARK_PERIOD`]; with `sendInitialEvents=true`
//! too (client-go's watch-list), the initial ADDED events end with a
//! BOOKMARK annotated `k8s.io/initial-events-end`. At most
//! [`MAX_WATCHES`] (or what `ServeConfig::max_watches` says) are open at once.
//!
//! Asked with a WebSocket upgrade, as the API server also serves watches
//! to browsers, the same events come one per text message (subprotocol
//! [`WATCH_PROTOCOL`]; the token may come as the bearer subprotocol, see
//! [`super::guard`]). The web app watches this way: a browser keeps at most
//! six HTTP/1.1 connections to one server, which a few streaming watches
//! per tab would use up, while WebSockets do not count against them.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sunaba_core::api::{Kind, Object};
use sunaba_core::remote::WATCH_PROTOCOL;
use sunaba_core::store::{ObjectKey, WatchEventType};
use sunaba_core::time::SimTime;
use sunaba_core::Cluster;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::request::{wants_table, IncludeObject, Selection};
use super::resources::Request;
use super::status::ApiError;
use super::{table, Api};

/// The longest a watch stays open.
const MAX_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// How many watches one server keeps open at once; one more is refused with
/// 429 `TooManyRequests` (and `Retry-After: 1`) until another ends. Far
/// above what kubectl, controllers and the web app open (a handful each),
/// it bounds the tasks and sockets a runaway client can pin.
pub const MAX_WATCHES: usize = 512;

/// How often a watch that allows bookmarks gets one (the API server sends
/// them about once a minute).
pub const BOOKMARK_PERIOD: Duration = Duration::from_secs(60);

/// What a watch selects and how it encodes events.
#[derive(Clone)]
struct Filter {
    kind: Kind,
    namespace: Option<String>,
    selection: Selection,
    tables: Option<IncludeObject>,
    /// Whether the client takes BOOKMARK events.
    bookmarks: bool,
}

impl Filter {
    fn matches(&self, object: &Object) -> bool {
        object.kind() == self.kind
            && self
                .namespace
                .as_deref()
                .is_none_or(|ns| object.namespace() == ns)
            && self.selection.matches(object)
    }
}

/// Where a watch is: the last resourceVersion sent and the keys the client holds.
struct Cursor {
    version: u64,
    known: BTreeSet<ObjectKey>,
    /// Whether Table column definitions were sent yet.
    columns_sent: bool,
}

/// Starts a watch stream.
pub async fn serve(api: Api, request: Request) -> Result<Response, ApiError> {
    let kind = request.target.kind;
    let tables = if wants_table(&request.headers) {
        Some(IncludeObject::from_query(&request.query)?)
    } else {
        None
    };
    let filter = Filter {
        kind,
        namespace: request.target.namespace.clone(),
        selection: Selection::from_query(&request.query, kind)?,
        tables,
        bookmarks: request.query.flag("allowWatchBookmarks") && tables.is_none(),
    };
    let initial_events = request.query.flag("sendInitialEvents");
    if initial_events && !filter.bookmarks {
        return Err(ApiError::invalid_request(
            "sendInitialEvents",
            "Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true".into(),
        ));
    }
    let from =
        match request.query.get("resourceVersion").unwrap_or("") {
            _ if initial_events => None,
            "" | "0" => None,
            text => Some(text.parse::<u64>().map_err(|_| {
                ApiError::bad_request(format!("invalid resource version: {text:?}"))
            })?),
        };
    let timeout = request
        .query
        .integer("timeoutSeconds")?
        .map_or(MAX_TIMEOUT, |s| {
            Duration::from_secs(u64::try_from(s).unwrap_or(0))
        })
        .min(MAX_TIMEOUT);
    let permit = Arc::clone(&api.watches)
        .try_acquire_owned()
        .map_err(|_| ApiError::too_many_requests())?;
    let (sender, receiver) = mpsc::channel::<Result<Bytes, Infallible>>(64);
    tokio::spawn(async move {
        stream(api, filter, from, initial_events, timeout, sender).await;
        drop(permit);
    });
    if let Some(upgrade) = request.upgrade {
        return Ok(upgrade
            .protocols([WATCH_PROTOCOL])
            .on_upgrade(move |socket| forward(socket, receiver)));
    }
    let content_type = if tables.is_some() {
        "application/json;as=Table;v=v1;g=meta.k8s.io"
    } else {
        "application/json"
    };
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        Body::from_stream(ReceiverStream::new(receiver)),
    )
        .into_response())
}

/// Passes each event line on as a text message, until the stream ends or
/// the client leaves (which drops the receiver and so ends the stream).
async fn forward(mut socket: WebSocket, mut lines: mpsc::Receiver<Result<Bytes, Infallible>>) {
    loop {
        tokio::select! {
            line = lines.recv() => {
                let Some(Ok(line)) = line else {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                };
                let text = String::from_utf8_lossy(&line).trim_end().to_string();
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
            message = socket.recv() => match message {
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Sends events until the timeout, an error event, or the client leaves.
async fn stream(
    api: Api,
    filter: Filter,
    from: Option<u64>,
    initial_events: bool,
    timeout: Duration,
    sender: mpsc::Sender<Result<Bytes, Infallible>>,
) {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut versions = api.cluster.versions();
    let start = {
        let filter = filter.clone();
        api.cluster.call(move |c| begin(c, &filter, from)).await
    };
    let Ok((mut cursor, mut lines)) = start else {
        return;
    };
    if initial_events {
        lines.push(bookmark_line(filter.kind, cursor.version, true));
    }
    let mut next_bookmark = tokio::time::Instant::now() + BOOKMARK_PERIOD;
    loop {
        for line in lines.drain(..) {
            if sender.send(Ok(Bytes::from(line))).await.is_err() {
                return;
            }
        }
        if cursor.version == u64::MAX {
            return;
        }
        tokio::select! {
            changed = versions.changed() => if changed.is_err() { return },
            () = tokio::time::sleep_until(next_bookmark), if filter.bookmarks => {
                next_bookmark += BOOKMARK_PERIOD;
                lines.push(bookmark_line(filter.kind, cursor.version, false));
                continue;
            }
            () = tokio::time::sleep_until(deadline) => return,
            () = sender.closed() => return,
        }
        let filter = filter.clone();
        let moved = api
            .cluster
            .call(move |c| {
                let lines = changes(c, &filter, &mut cursor);
                (cursor, lines)
            })
            .await;
        match moved {
            Ok((next, next_lines)) => {
                cursor = next;
                lines = next_lines;
            }
            Err(_) => return,
        }
    }
}

/// The starting point: every selected object as ADDED (from 0), or the
/// changes after a given version.
fn begin(cluster: &Cluster, filter: &Filter, from: Option<u64>) -> (Cursor, Vec<String>) {
    let store = cluster.api().store();
    let selected: Vec<Arc<Object>> = store
        .list(filter.kind, filter.namespace.as_deref())
        .filter(|o| filter.selection.matches(o))
        .cloned()
        .collect();
    let mut cursor = Cursor {
        version: store.resource_version(),
        known: selected.iter().map(|o| ObjectKey::of(o)).collect(),
        columns_sent: false,
    };
    match from {
        None => {
            let now = cluster.now();
            let lines = selected
                .iter()
                .map(|o| event_line("ADDED", o, filter, now, &mut cursor.columns_sent))
                .collect();
            (cursor, lines)
        }
        Some(version) => {
            cursor.version = version;
            // The keys the client holds at `version` are not known; the
            // objects selected now stand in for them.
            let lines = changes(cluster, filter, &mut cursor);
            (cursor, lines)
        }
    }
}

/// The events after the cursor's version, as lines, moving the cursor on.
fn changes(cluster: &Cluster, filter: &Filter, cursor: &mut Cursor) -> Vec<String> {
    let store = cluster.api().store();
    let now = cluster.now();
    let events = match store.changes_since(cursor.version) {
        Ok(events) => events,
        Err(expired) => {
            cursor.version = u64::MAX;
            return vec![expired_line(expired.oldest)];
        }
    };
    let mut lines = Vec::new();
    for event in events {
        cursor.version = event.resource_version;
        if event.object.kind() != filter.kind {
            continue;
        }
        let key = ObjectKey::of(&event.object);
        let was = cursor.known.contains(&key);
        let is = event.event_type != WatchEventType::Deleted && filter.matches(&event.object);
        let event_type = match (was, is, event.event_type) {
            (true, false, _) => "DELETED",
            (false, true, _) => "ADDED",
            (true, true, WatchEventType::Added) => "ADDED",
            (true, true, _) => "MODIFIED",
            (false, false, _) => continue,
        };
        if is {
            cursor.known.insert(key);
        } else {
            cursor.known.remove(&key);
        }
        lines.push(event_line(
            event_type,
            &event.object,
            filter,
            now,
            &mut cursor.columns_sent,
        ));
    }
    lines
}

/// One event as a line of JSON.
fn event_line(
    event_type: &str,
    object: &Object,
    filter: &Filter,
    now: SimTime,
    columns_sent: &mut bool,
) -> String {
    let encoded = match filter.tables {
        None => object.to_value(),
        Some(include) => {
            let mut table = table::table(
                filter.kind,
                &[object],
                now,
                object.resource_version(),
                include,
            );
            if *columns_sent {
                if let Some(map) = table.as_object_mut() {
                    map.remove("columnDefinitions");
                }
            }
            *columns_sent = true;
            table
        }
    };
    format!("{}\n", json!({ "type": event_type, "object": encoded }))
}

/// A BOOKMARK event: just the kind and the resourceVersion the watch has
/// reached; `initial_end` marks the end of a watch-list's initial events.
fn bookmark_line(kind: Kind, version: u64, initial_end: bool) -> String {
    let mut metadata = json!({ "resourceVersion": version.to_string() });
    if initial_end {
        metadata["annotations"] = json!({ "k8s.io/initial-events-end": "true" });
    }
    let object = json!({
        "kind": kind.name(),
        "apiVersion": kind.api_version(),
        "metadata": metadata,
    });
    format!("{}\n", json!({ "type": "BOOKMARK", "object": object }))
}

/// The ERROR event for a version older than the log keeps.
fn expired_line(oldest: u64) -> String {
    let status = ApiError::new(
        410,
        "Expired",
        format!("too old resource version: requested is older than the oldest kept ({oldest})"),
    );
    format!(
        "{}\n",
        json!({ "type": "ERROR", "object": status.to_value() })
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::ClusterConfig;

    fn filter(kind: Kind) -> Filter {
        Filter {
            kind,
            namespace: Some("default".into()),
            selection: Selection::default(),
            tables: None,
            bookmarks: false,
        }
    }

    #[test]
    fn a_bookmark_carries_only_the_kind_and_version() {
        let line = bookmark_line(Kind::Pod, 42, true);
        let value: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(value["type"], "BOOKMARK");
        assert_eq!(value["object"]["kind"], "Pod");
        assert_eq!(value["object"]["metadata"]["resourceVersion"], "42");
        assert_eq!(
            value["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
            "true"
        );
        assert!(bookmark_line(Kind::Pod, 42, false)
            .find("annotations")
            .is_none());
    }

    #[test]
    fn a_watch_from_zero_lists_then_follows_changes() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        let (mut cursor, lines) = begin(&cluster, &filter(Kind::Service), None);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains(r#""type":"ADDED""#));
        let text = sunaba_core::seed::manifest("simple-service.yaml").unwrap_or_default();
        let created = cluster.create_manifests(text).map(|r| r.len());
        assert_eq!(created, Ok(1));
        let lines = changes(&cluster, &filter(Kind::Service), &mut cursor);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains(r#""type":"ADDED""#), "{lines:?}");
        assert!(changes(&cluster, &filter(Kind::Service), &mut cursor).is_empty());
    }
}

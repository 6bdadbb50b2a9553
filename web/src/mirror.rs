//! The server's objects as the web app holds them in server mode: a
//! reflector store, in kube-rs's words, fed by one watch per kind the
//! picture and the tutorial read ([`KINDS`]). Plain data, no web APIs: the
//! app opens each watch at [`Mirror::watch_path`] and hands every message
//! to [`Mirror::apply`].
//!
//! A watch starts as a watch-list (`sendInitialEvents=true`): the server
//! sends every object as ADDED, then a BOOKMARK marking the end of the
//! initial events, when the objects of that kind the mirror holds but the
//! server did not send are dropped. After that, a reconnecting watch
//! resumes from the last resourceVersion it saw; a 410 Gone (the server's
//! log no longer reaches back that far) starts a watch-list again.
//!
//! The objects sit in a core [`Store`] so that the picture reads them as it
//! reads the in-tab cluster's. The mirror's store stamps its own
//! resourceVersions, which count the changes applied ([`Mirror::version`]);
//! the server's are kept per kind, to resume from.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use sunaba_core::api::{Kind, Object};
use sunaba_core::store::{ObjectKey, Store};

/// The kinds the mirror watches: what the picture and the tutorial read.
pub const KINDS: [Kind; 5] = [
    Kind::Node,
    Kind::Pod,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::Service,
];

/// One message of a watch.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// An object appeared (or is sent as part of the initial list).
    Added(Object),
    /// An object changed.
    Modified(Object),
    /// An object went; its last state.
    Deleted(Object),
    /// The watch reached this resourceVersion; `initial_end` when it ends a
    /// watch-list's initial events.
    Bookmark {
        /// The server's resourceVersion.
        resource_version: u64,
        /// Whether it marks the end of the initial events.
        initial_end: bool,
    },
    /// 410 Gone: the server's log no longer reaches back to the version asked.
    Expired,
    /// Any other ERROR event, with its message.
    Failed(String),
}

/// Reads one watch message (`{"type": …, "object": …}`) of `kind`.
pub fn parse_event(kind: Kind, text: &str) -> Result<Event, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let object = &value["object"];
    let decode = || Object::from_value(kind, object).map_err(|e| e.to_string());
    match value["type"].as_str() {
        Some("ADDED") => decode().map(Event::Added),
        Some("MODIFIED") => decode().map(Event::Modified),
        Some("DELETED") => decode().map(Event::Deleted),
        Some("BOOKMARK") => {
            let metadata = &object["metadata"];
            Ok(Event::Bookmark {
                resource_version: version_of(metadata).unwrap_or(0),
                initial_end: metadata["annotations"]["k8s.io/initial-events-end"] == "true",
            })
        }
        Some("ERROR") if object["code"] == 410 => Ok(Event::Expired),
        Some("ERROR") => Ok(Event::Failed(
            object["message"].as_str().unwrap_or("").to_string(),
        )),
        other => Err(format!("unknown watch event type {other:?}")),
    }
}

/// `metadata.resourceVersion` as a number.
fn version_of(metadata: &Value) -> Option<u64> {
    metadata["resourceVersion"].as_str()?.parse().ok()
}

/// What the app does after a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Keep reading this watch.
    Continue,
    /// Close it and open [`Mirror::watch_path`] again (after a 410 Gone).
    Reconnect,
}

/// Where the watch of one kind stands.
#[derive(Clone, Debug, Default)]
struct Cursor {
    /// The server's resourceVersion to resume from; None: list again.
    resume: Option<u64>,
    /// During a watch-list's initial events: the keys sent so far.
    listing: Option<BTreeSet<ObjectKey>>,
}

/// The server's objects of [`KINDS`], kept up to date by their watches.
#[derive(Clone, Debug)]
pub struct Mirror {
    store: Store,
    cursors: BTreeMap<Kind, Cursor>,
}

impl Default for Mirror {
    fn default() -> Self {
        Self {
            store: Store::with_log_capacity(1),
            cursors: BTreeMap::new(),
        }
    }
}

impl Mirror {
    /// An empty mirror: every kind starts with a watch-list.
    pub fn new() -> Self {
        Self::default()
    }

    /// The objects, to read as a cluster's store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A number that moves whenever an applied message changed an object.
    pub fn version(&self) -> u64 {
        self.store.resource_version()
    }

    /// Whether every kind has had its initial list.
    pub fn synced(&self) -> bool {
        KINDS.iter().all(|kind| {
            self.cursors
                .get(kind)
                .is_some_and(|c| c.resume.is_some() && c.listing.is_none())
        })
    }

    /// The path (with its query) of the watch to open for `kind` now: from
    /// the last version seen, or a watch-list when there is none, which
    /// this call begins.
    pub fn watch_path(&mut self, kind: Kind) -> String {
        let cursor = self.cursors.entry(kind).or_default();
        let collection = collection_path(kind);
        match cursor.resume {
            Some(version) => {
                format!(
                    "{collection}?watch=true&allowWatchBookmarks=true&resourceVersion={version}"
                )
            }
            None => {
                cursor.listing = Some(BTreeSet::new());
                format!(
                    "{collection}?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                )
            }
        }
    }

    /// Applies one message of `kind`'s watch.
    pub fn apply(&mut self, kind: Kind, event: Event) -> Next {
        let cursor = self.cursors.entry(kind).or_default();
        match event {
            Event::Added(object) | Event::Modified(object) => {
                let key = ObjectKey::of(&object);
                match cursor.listing.as_mut() {
                    Some(listed) => {
                        listed.insert(key.clone());
                    }
                    None => cursor.resume = Some(object.resource_version()),
                }
                self.put(&key, object);
            }
            Event::Deleted(object) => {
                if cursor.listing.is_none() {
                    cursor.resume = Some(object.resource_version());
                }
                self.store.remove(&ObjectKey::of(&object));
            }
            Event::Bookmark {
                resource_version,
                initial_end,
            } => {
                if initial_end {
                    if let Some(listed) = cursor.listing.take() {
                        cursor.resume = Some(resource_version);
                        self.drop_unlisted(kind, &listed);
                    }
                } else if cursor.listing.is_none() {
                    cursor.resume = Some(resource_version);
                }
            }
            Event::Expired => {
                *cursor = Cursor::default();
                return Next::Reconnect;
            }
            Event::Failed(_) => return Next::Reconnect,
        }
        Next::Continue
    }

    /// Stores an object as the server sent it, if it differs from what is held.
    fn put(&mut self, key: &ObjectKey, object: Object) {
        match self.store.get(key) {
            Some(held) if held.as_ref() == &object => {}
            Some(_) => {
                self.store.replace(object);
            }
            None => {
                self.store.insert(object);
            }
        }
    }

    /// Drops the objects of `kind` a watch-list did not send.
    fn drop_unlisted(&mut self, kind: Kind, listed: &BTreeSet<ObjectKey>) {
        let gone: Vec<ObjectKey> = self
            .store
            .list(kind, None)
            .map(|o| ObjectKey::of(o))
            .filter(|key| !listed.contains(key))
            .collect();
        for key in gone {
            self.store.remove(&key);
        }
    }
}

/// `/api/v1/pods`, `/apis/apps/v1/deployments`: a kind's collection in
/// every namespace.
pub fn collection_path(kind: Kind) -> String {
    match kind.group() {
        "" => format!("/api/{}/{}", kind.version(), kind.plural()),
        group => format!("/apis/{group}/{}/{}", kind.version(), kind.plural()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, version: u64, phase: &str) -> String {
        json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "resourceVersion": version.to_string()},
            "status": {"phase": phase},
        })
        .to_string()
    }

    fn event(event_type: &str, object: &str) -> Event {
        let line = format!(r#"{{"type":"{event_type}","object":{object}}}"#);
        parse_event(Kind::Pod, &line).expect("a watch event")
    }

    fn bookmark(version: u64, initial_end: bool) -> Event {
        let annotations = if initial_end {
            json!({"k8s.io/initial-events-end": "true"})
        } else {
            json!({})
        };
        let object = json!({"kind": "Pod", "apiVersion": "v1",
            "metadata": {"resourceVersion": version.to_string(), "annotations": annotations}});
        event("BOOKMARK", &object.to_string())
    }

    fn phase(mirror: &Mirror, name: &str) -> Option<String> {
        match mirror.store().find(Kind::Pod, "default", name)?.as_ref() {
            Object::Pod(pod) => pod.status.as_ref()?.phase.clone(),
            _ => None,
        }
    }

    fn listed(mirror: &mut Mirror, pods: &[(&str, u64)], at: u64) {
        let path = mirror.watch_path(Kind::Pod);
        assert!(path.contains("sendInitialEvents=true"), "{path}");
        for (name, version) in pods {
            let added = event("ADDED", &pod(name, *version, "Running"));
            assert_eq!(mirror.apply(Kind::Pod, added), Next::Continue);
        }
        assert_eq!(mirror.apply(Kind::Pod, bookmark(at, true)), Next::Continue);
    }

    #[test]
    fn watch_paths_name_each_kinds_collection() {
        assert_eq!(collection_path(Kind::Pod), "/api/v1/pods");
        assert_eq!(
            collection_path(Kind::Deployment),
            "/apis/apps/v1/deployments"
        );
        assert_eq!(collection_path(Kind::Node), "/api/v1/nodes");
    }

    #[test]
    fn added_modified_and_deleted_events_change_the_mirror() {
        let mut mirror = Mirror::new();
        listed(&mut mirror, &[], 10);
        let start = mirror.version();
        mirror.apply(Kind::Pod, event("ADDED", &pod("web", 11, "Pending")));
        assert_eq!(phase(&mirror, "web").as_deref(), Some("Pending"));
        let added = mirror.version();
        assert!(added > start);
        mirror.apply(Kind::Pod, event("MODIFIED", &pod("web", 12, "Running")));
        assert_eq!(phase(&mirror, "web").as_deref(), Some("Running"));
        assert!(mirror.version() > added);
        assert!(mirror.watch_path(Kind::Pod).ends_with("resourceVersion=12"));
        mirror.apply(Kind::Pod, event("DELETED", &pod("web", 13, "Running")));
        assert_eq!(phase(&mirror, "web"), None);
        assert!(mirror.watch_path(Kind::Pod).ends_with("resourceVersion=13"));
    }

    #[test]
    fn a_bookmark_moves_where_a_watch_resumes() {
        let mut mirror = Mirror::new();
        listed(&mut mirror, &[("a", 3)], 7);
        assert!(mirror.watch_path(Kind::Pod).ends_with("resourceVersion=7"));
        let version = mirror.version();
        mirror.apply(Kind::Pod, bookmark(20, false));
        assert!(mirror.watch_path(Kind::Pod).ends_with("resourceVersion=20"));
        assert_eq!(mirror.version(), version, "a bookmark changes no object");
    }

    #[test]
    fn a_gone_watch_lists_again_and_drops_what_went_meanwhile() {
        let mut mirror = Mirror::new();
        listed(&mut mirror, &[("kept", 3), ("removed", 4)], 5);
        let gone = r#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410,"message":"too old resource version"}}"#;
        let expired = parse_event(Kind::Pod, gone).expect("an error event");
        assert_eq!(expired, Event::Expired);
        assert_eq!(mirror.apply(Kind::Pod, expired), Next::Reconnect);
        assert!(!mirror.synced());
        // The new watch lists again: "removed" went while the mirror was away.
        listed(&mut mirror, &[("kept", 9), ("new", 8)], 10);
        assert_eq!(phase(&mirror, "kept").as_deref(), Some("Running"));
        assert_eq!(phase(&mirror, "new").as_deref(), Some("Running"));
        assert_eq!(phase(&mirror, "removed"), None);
        assert!(mirror.watch_path(Kind::Pod).ends_with("resourceVersion=10"));
    }

    #[test]
    fn a_watch_cut_during_its_list_lists_again() {
        let mut mirror = Mirror::new();
        mirror.watch_path(Kind::Pod);
        mirror.apply(Kind::Pod, event("ADDED", &pod("a", 3, "Running")));
        assert!(mirror
            .watch_path(Kind::Pod)
            .contains("sendInitialEvents=true"));
    }

    #[test]
    fn the_mirror_is_synced_once_every_kind_was_listed() {
        let mut mirror = Mirror::new();
        for kind in KINDS {
            assert!(!mirror.synced());
            mirror.watch_path(kind);
            let end = Event::Bookmark {
                resource_version: 1,
                initial_end: true,
            };
            mirror.apply(kind, end);
        }
        assert!(mirror.synced());
    }

    #[test]
    fn bad_messages_are_errors_not_panics() {
        assert!(parse_event(Kind::Pod, "not json").is_err());
        assert!(parse_event(Kind::Pod, r#"{"type":"SHRUG","object":{}}"#).is_err());
        assert!(parse_event(Kind::Pod, r#"{"type":"ADDED","object":{"spec":7}}"#).is_err());
    }
}

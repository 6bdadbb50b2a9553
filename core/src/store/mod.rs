//! The object store: every object by kind, namespace and name, with a
//! monotonically increasing resourceVersion and a watch log of changes.
//!
//! This is etcd's part of the API server. It does no defaulting or
//! validation (that is [`crate::apiserver`]); it keeps objects, numbers
//! changes, and keeps the indexes controllers need so that their work grows
//! with what changed, not with the size of the cluster.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::api::{Kind, Object};

/// Where an object lives: its kind, namespace (empty when cluster-scoped) and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// The kind.
    pub kind: Kind,
    /// The namespace, or empty for cluster-scoped kinds.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl ObjectKey {
    /// A key from its parts.
    pub fn new(kind: Kind, namespace: impl Into<String>, name: impl Into<String>) -> Self {
        let namespace = if kind.is_namespaced() {
            namespace.into()
        } else {
            String::new()
        };
        Self {
            kind,
            namespace,
            name: name.into(),
        }
    }

    /// The key of an object.
    pub fn of(object: &Object) -> Self {
        Self::new(object.kind(), object.namespace(), object.name())
    }
}

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchEventType {
    /// It was created.
    Added,
    /// It changed.
    Modified,
    /// It was removed.
    Deleted,
}

impl WatchEventType {
    /// `ADDED`, `MODIFIED` or `DELETED`, as the watch API spells them.
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
        }
    }
}

/// One change, as a watch delivers it.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchEvent {
    /// What happened.
    pub event_type: WatchEventType,
    /// The object after the change (for DELETED, its last state).
    pub object: Arc<Object>,
    /// The resourceVersion of the change.
    pub resource_version: u64,
}

/// A watch that asked for history older than the store keeps: the API
/// server's 410 Gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expired {
    /// The oldest resourceVersion still in the log.
    pub oldest: u64,
}

/// A (namespace, name) pair, owned or borrowed: a map or set keyed by
/// `(String, String)` is searched with `&(ns, name) as &dyn NamePair`
/// without building a key.
pub trait NamePair {
    /// The namespace and the name.
    fn parts(&self) -> (&str, &str);
}

impl NamePair for (String, String) {
    fn parts(&self) -> (&str, &str) {
        (&self.0, &self.1)
    }
}

impl NamePair for (&str, &str) {
    fn parts(&self) -> (&str, &str) {
        (self.0, self.1)
    }
}

impl<'a> std::borrow::Borrow<dyn NamePair + 'a> for (String, String) {
    fn borrow(&self) -> &(dyn NamePair + 'a) {
        self
    }
}

impl PartialEq for dyn NamePair + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn NamePair + '_ {}

impl PartialOrd for dyn NamePair + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn NamePair + '_ {
    /// The order of `(String, String)`: namespace, then name.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

impl std::hash::Hash for dyn NamePair + '_ {
    /// The hash of `(String, String)`, so that a borrowed pair finds its entry.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts().hash(state);
    }
}

/// One kind's objects: found by (namespace, name) in a hash map, so that a
/// lookup or an update costs the same however many objects there are, and
/// listed in etcd's key order (namespace, then name) through an ordered
/// set of the keys, which only creation and deletion change.
#[derive(Clone, Debug, Default)]
struct Table {
    objects: FxHashMap<(String, String), Arc<Object>>,
    order: BTreeSet<(String, String)>,
}

impl Table {
    fn get(&self, namespace: &str, name: &str) -> Option<&Arc<Object>> {
        self.objects.get(&(namespace, name) as &dyn NamePair)
    }

    /// Puts an object in, returning the version it replaces.
    fn put(&mut self, namespace: String, name: String, object: Arc<Object>) -> Option<Arc<Object>> {
        if let Some(slot) = self
            .objects
            .get_mut(&(namespace.as_str(), name.as_str()) as &dyn NamePair)
        {
            return Some(std::mem::replace(slot, object));
        }
        self.order.insert((namespace.clone(), name.clone()));
        self.objects.insert((namespace, name), object);
        None
    }

    fn take(&mut self, namespace: &str, name: &str) -> Option<Arc<Object>> {
        let key = (namespace, name);
        let object = self.objects.remove(&key as &dyn NamePair)?;
        self.order.remove(&key as &dyn NamePair);
        Some(object)
    }

    /// Every object in key order, or those of one namespace.
    fn list<'t>(
        &'t self,
        namespace: Option<&'t str>,
    ) -> impl Iterator<Item = &'t Arc<Object>> + 't {
        let keys: Box<dyn Iterator<Item = &'t (String, String)>> = match namespace {
            Some(ns) => Box::new(
                self.order
                    .range::<dyn NamePair, _>((
                        std::ops::Bound::Included(&(ns, "") as &dyn NamePair),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(move |(n, _)| n == ns),
            ),
            None => Box::new(self.order.iter()),
        };
        keys.filter_map(|(ns, name)| self.get(ns, name))
    }
}

/// How many changes the watch log keeps by default.
pub const DEFAULT_WATCH_LOG: usize = 8192;

/// All stored objects, their indexes, and the log of recent changes.
#[derive(Clone, Debug)]
pub struct Store {
    tables: BTreeMap<Kind, Table>,
    resource_version: u64,
    log: VecDeque<WatchEvent>,
    log_capacity: usize,
    /// Dependents by the uid of their owners.
    dependents: FxHashMap<String, BTreeSet<ObjectKey>>,
    /// Pod keys by node name; the empty name holds unscheduled pods.
    pods_by_node: FxHashMap<String, BTreeSet<(String, String)>>,
}

impl Default for Store {
    fn default() -> Self {
        Self::with_log_capacity(DEFAULT_WATCH_LOG)
    }
}

impl Store {
    /// An empty store whose watch log keeps `capacity` changes.
    pub fn with_log_capacity(capacity: usize) -> Self {
        Self {
            tables: BTreeMap::new(),
            resource_version: 0,
            log: VecDeque::new(),
            log_capacity: capacity.max(1),
            dependents: FxHashMap::default(),
            pods_by_node: FxHashMap::default(),
        }
    }

    /// The resourceVersion of the latest change.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// A store rebuilt from saved objects, as etcd comes back after a
    /// restart: each object keeps its resourceVersion, the counter resumes
    /// at `resource_version` (or the newest object's, if later), and the
    /// watch log starts empty, so older watches get 410 Gone and relist.
    pub fn restored(objects: impl IntoIterator<Item = Object>, resource_version: u64) -> Self {
        let mut store = Self::default();
        for object in objects {
            let kept = object
                .metadata()
                .resource_version
                .as_deref()
                .and_then(|rv| rv.parse::<u64>().ok())
                .unwrap_or(0);
            store.resource_version = store.resource_version.max(kept);
            let key = ObjectKey::of(&object);
            let object = Arc::new(object);
            store
                .tables
                .entry(key.kind)
                .or_default()
                .put(key.namespace, key.name, object.clone());
            store.index(&object);
        }
        store.resource_version = store.resource_version.max(resource_version);
        store
    }

    /// Every object, kind by kind in key order.
    pub fn objects(&self) -> impl Iterator<Item = &Arc<Object>> {
        self.tables.values().flat_map(|table| table.list(None))
    }

    /// Looks an object up.
    pub fn get(&self, key: &ObjectKey) -> Option<&Arc<Object>> {
        self.tables.get(&key.kind)?.get(&key.namespace, &key.name)
    }

    /// Looks an object up by its parts.
    pub fn find(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Arc<Object>> {
        let namespace = if kind.is_namespaced() { namespace } else { "" };
        self.tables.get(&kind)?.get(namespace, name)
    }

    /// Every object of a kind, in one namespace or all, in etcd key order
    /// (namespace, then name).
    pub fn list<'s>(
        &'s self,
        kind: Kind,
        namespace: Option<&'s str>,
    ) -> impl Iterator<Item = &'s Arc<Object>> + 's {
        let namespace = namespace.filter(|_| kind.is_namespaced());
        self.tables
            .get(&kind)
            .into_iter()
            .flat_map(move |table| table.list(namespace))
    }

    /// How many objects of a kind there are.
    pub fn count(&self, kind: Kind) -> usize {
        self.tables
            .get(&kind)
            .map_or(0, |table| table.objects.len())
    }

    /// Keys of the objects whose ownerReferences name this uid.
    pub fn dependents_of(&self, owner_uid: &str) -> impl Iterator<Item = &ObjectKey> {
        self.dependents.get(owner_uid).into_iter().flatten()
    }

    /// Pods bound to a node (the empty name: pods not yet scheduled), as (namespace, name).
    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &(String, String)> {
        self.pods_by_node.get(node).into_iter().flatten()
    }

    /// Stores a new object, stamping the next resourceVersion. The caller
    /// (the API server) has checked that the key is free.
    pub fn insert(&mut self, object: Object) -> Arc<Object> {
        self.write(object, WatchEventType::Added)
    }

    /// Replaces an existing object, stamping the next resourceVersion.
    pub fn replace(&mut self, object: Object) -> Arc<Object> {
        self.write(object, WatchEventType::Modified)
    }

    /// Removes an object; its last state carries the resourceVersion of the deletion.
    pub fn remove(&mut self, key: &ObjectKey) -> Option<Arc<Object>> {
        let old = self
            .tables
            .get_mut(&key.kind)?
            .take(&key.namespace, &key.name)?;
        self.unindex(&old);
        self.resource_version += 1;
        let mut last = Object::clone(&old);
        last.metadata_mut().resource_version = Some(self.resource_version.to_string());
        let last = Arc::new(last);
        self.record(WatchEventType::Deleted, last.clone());
        Some(last)
    }

    fn write(&mut self, mut object: Object, event_type: WatchEventType) -> Arc<Object> {
        self.resource_version += 1;
        object.metadata_mut().resource_version = Some(self.resource_version.to_string());
        let key = ObjectKey::of(&object);
        let object = Arc::new(object);
        let previous =
            self.tables
                .entry(key.kind)
                .or_default()
                .put(key.namespace, key.name, object.clone());
        match previous {
            Some(previous) if same_index_entries(&previous, &object) => {}
            Some(previous) => {
                self.unindex(&previous);
                self.index(&object);
            }
            None => self.index(&object),
        }
        self.record(event_type, object.clone());
        object
    }

    fn record(&mut self, event_type: WatchEventType, object: Arc<Object>) {
        if self.log.len() == self.log_capacity {
            self.log.pop_front();
        }
        self.log.push_back(WatchEvent {
            event_type,
            object,
            resource_version: self.resource_version,
        });
    }

    fn index(&mut self, object: &Arc<Object>) {
        let key = ObjectKey::of(object);
        for owner in object.metadata().owner_references.iter().flatten() {
            self.dependents
                .entry(owner.uid.clone())
                .or_default()
                .insert(key.clone());
        }
        if let Object::Pod(pod) = object.as_ref() {
            let node = pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            self.pods_by_node
                .entry(node)
                .or_default()
                .insert((key.namespace, key.name));
        }
    }

    fn unindex(&mut self, object: &Arc<Object>) {
        let key = ObjectKey::of(object);
        for owner in object.metadata().owner_references.iter().flatten() {
            if let Some(set) = self.dependents.get_mut(&owner.uid) {
                set.remove(&key);
                if set.is_empty() {
                    self.dependents.remove(&owner.uid);
                }
            }
        }
        if let Object::Pod(pod) = object.as_ref() {
            let node = pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default();
            if let Some(set) = self.pods_by_node.get_mut(&node) {
                set.remove(&(key.namespace, key.name));
            }
        }
    }

    /// The changes after `resource_version`, oldest first; [`Expired`] when the
    /// log no longer reaches back that far.
    pub fn changes_since(
        &self,
        resource_version: u64,
    ) -> Result<impl Iterator<Item = &WatchEvent>, Expired> {
        let oldest = self
            .log
            .front()
            .map_or(self.resource_version + 1, |e| e.resource_version);
        if resource_version + 1 < oldest && resource_version < self.resource_version {
            return Err(Expired { oldest });
        }
        let start = self
            .log
            .partition_point(|e| e.resource_version <= resource_version);
        Ok(self.log.range(start..))
    }
}

/// Whether two versions of an object sit in the same index entries: the
/// same owners and, for pods, the same node.
fn same_index_entries(a: &Object, b: &Object) -> bool {
    node_of(a) == node_of(b) && owner_uids(a).eq(owner_uids(b))
}

/// The uids of an object's owners.
fn owner_uids(object: &Object) -> impl Iterator<Item = &str> {
    object
        .metadata()
        .owner_references
        .iter()
        .flatten()
        .map(|r| r.uid.as_str())
}

/// The node a pod is bound to, if the object is a bound pod.
fn node_of(object: &Object) -> Option<&str> {
    match object {
        Object::Pod(pod) => pod.spec.as_ref()?.node_name.as_deref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ConfigMap, Pod, PodSpec};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

    fn config_map(ns: &str, name: &str) -> Object {
        ConfigMap {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some(ns.into()),
                ..Default::default()
            },
            ..Default::default()
        }
        .into()
    }

    fn pod_on(name: &str, node: &str, owner: &str) -> Object {
        Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                owner_references: Some(vec![OwnerReference {
                    uid: owner.into(),
                    ..Default::default()
                }]),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: Some(node.into()).filter(|n: &String| !n.is_empty()),
                ..Default::default()
            }),
            ..Default::default()
        }
        .into()
    }

    #[test]
    fn resource_versions_increase_with_every_change() {
        let mut store = Store::default();
        let a = store.insert(config_map("default", "a"));
        let a2 = store.replace(Object::clone(&a));
        let gone = store.remove(&ObjectKey::of(&a)).expect("was there");
        assert_eq!(
            (
                a.resource_version(),
                a2.resource_version(),
                gone.resource_version()
            ),
            (1, 2, 3)
        );
        assert!(store.get(&ObjectKey::of(&a)).is_none());
    }

    #[test]
    fn lists_are_in_namespace_then_name_order_and_filter_by_namespace() {
        let mut store = Store::default();
        for (ns, name) in [("b", "x"), ("a", "z"), ("a", "y"), ("ab", "w")] {
            store.insert(config_map(ns, name));
        }
        let all: Vec<_> = store
            .list(Kind::ConfigMap, None)
            .map(|o| format!("{}/{}", o.namespace(), o.name()))
            .collect();
        assert_eq!(all, ["a/y", "a/z", "ab/w", "b/x"]);
        let in_a: Vec<_> = store
            .list(Kind::ConfigMap, Some("a"))
            .map(|o| o.name().to_string())
            .collect();
        assert_eq!(in_a, ["y", "z"]);
    }

    #[test]
    fn watch_log_replays_changes_and_expires_old_versions() {
        let mut store = Store::with_log_capacity(2);
        store.insert(config_map("default", "a"));
        store.insert(config_map("default", "b"));
        store.insert(config_map("default", "c"));
        let names: Vec<_> = store
            .changes_since(2)
            .expect("rv 2 is still covered")
            .map(|e| e.object.name().to_string())
            .collect();
        assert_eq!(names, ["c"]);
        assert_eq!(store.changes_since(0).err(), Some(Expired { oldest: 2 }));
        assert_eq!(store.changes_since(3).expect("current").count(), 0);
    }

    #[test]
    fn indexes_follow_owners_and_nodes_through_changes() {
        let mut store = Store::default();
        store.insert(pod_on("p", "", "rs-uid"));
        assert_eq!(store.pods_on_node("").count(), 1);
        store.replace(pod_on("p", "node1", "rs-uid"));
        assert_eq!(store.pods_on_node("").count(), 0);
        assert_eq!(store.pods_on_node("node1").count(), 1);
        assert_eq!(store.dependents_of("rs-uid").count(), 1);
        store.remove(&ObjectKey::new(Kind::Pod, "default", "p"));
        assert_eq!(store.dependents_of("rs-uid").count(), 0);
        assert_eq!(store.pods_on_node("node1").count(), 0);
    }
}

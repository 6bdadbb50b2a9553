//! What each describer needs besides its object, fetched as kubectl's
//! describers fetch it: events by involved object, the pods a ReplicaSet
//! owns, a Deployment's ReplicaSets, a Service's EndpointSlices, the pods on
//! a node, and the node's Lease.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Event, Node, Pod};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::cluster::NodeLease;
use super::common;
use super::workloads::PodCounts;
use crate::api::selector::Selector;
use crate::api::{Kind, Object};
use crate::apiserver::ApiServer;
use crate::controllers::deployment::util::equal_ignore_hash;
use crate::controllers::pod_util::controller_ref;
use crate::time::SimTime;

/// How often a kubelet renews its node's Lease.
const LEASE_RENEW_MILLIS: i64 = 10_000;

/// The events kubectl's `searchEvents` finds: same involved object name,
/// namespace and uid (and kind, except for pods), in list order. Nodes also
/// get the kubelet's events, which carry the node's name as their uid.
pub fn events_about(api: &ApiServer, object: &Object) -> Vec<Event> {
    let namespace = object.namespace();
    let scope = (!namespace.is_empty()).then_some(namespace);
    let kind = (object.kind() != Kind::Pod).then(|| object.kind().name());
    let mut uids = vec![object.uid()];
    if object.kind() == Kind::Node {
        uids.push(object.name());
    }
    let mut events = Vec::new();
    for uid in uids {
        events.extend(
            api.store()
                .list(Kind::Event, scope)
                .filter_map(|e| match e.as_ref() {
                    Object::Event(event) => Some(&**event),
                    _ => None,
                })
                .filter(|e| {
                    let involved = &e.involved_object;
                    involved.name.as_deref().unwrap_or("") == object.name()
                        && involved.namespace.as_deref().unwrap_or("") == namespace
                        && involved.uid.as_deref().unwrap_or("") == uid
                        && kind.is_none_or(|k| involved.kind.as_deref() == Some(k))
                })
                .cloned(),
        );
    }
    events
}

/// Phases of the pods the selector matches that the controller owns.
pub fn pod_counts(api: &ApiServer, owner: &Object, selector: Option<&LabelSelector>) -> PodCounts {
    let mut counts = PodCounts::default();
    let Some(selector) = selector.and_then(|s| Selector::from_label_selector(s).ok()) else {
        return counts;
    };
    let pods = api.store().list(Kind::Pod, Some(owner.namespace()));
    for object in pods.filter(|p| selector.matches_object(p)) {
        let Object::Pod(pod) = object.as_ref() else {
            continue;
        };
        if controller_ref(&pod.metadata).is_some_and(|r| r.uid == owner.uid()) {
            let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
            counts.count(phase.unwrap_or(""));
        }
    }
    counts
}

/// kubectl's `GetAllReplicaSets`: the Deployment's ReplicaSets by creation
/// time; the first whose template matches is the new one, the rest are old.
pub fn replica_sets_of(
    api: &ApiServer,
    d: &Deployment,
    object: &Object,
) -> (Vec<ReplicaSet>, Option<ReplicaSet>) {
    let Some(spec) = &d.spec else {
        return (Vec::new(), None);
    };
    let Ok(selector) = Selector::from_label_selector(&spec.selector) else {
        return (Vec::new(), None);
    };
    let mut owned: Vec<ReplicaSet> = api
        .store()
        .list(Kind::ReplicaSet, Some(object.namespace()))
        .filter(|o| selector.matches_object(o))
        .filter_map(|o| match o.as_ref() {
            Object::ReplicaSet(rs) => Some((**rs).clone()),
            _ => None,
        })
        .filter(|rs| controller_ref(&rs.metadata).is_some_and(|r| r.uid == object.uid()))
        .collect();
    owned.sort_by_key(|rs| {
        let created = rs.metadata.creation_timestamp.as_ref().map(common::seconds);
        (created, rs.metadata.name.clone())
    });
    let new_index = owned.iter().position(|rs| {
        rs.spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .is_some_and(|t| equal_ignore_hash(t, &spec.template))
    });
    let new = new_index.map(|i| owned.remove(i));
    (owned, new)
}

/// The EndpointSlices labelled `kubernetes.io/service-name=<service>`.
pub fn slices_of(api: &ApiServer, svc: &Object) -> Vec<EndpointSlice> {
    api.store()
        .list(Kind::EndpointSlice, Some(svc.namespace()))
        .filter_map(|o| match o.as_ref() {
            Object::EndpointSlice(slice) => Some(&**slice),
            _ => None,
        })
        .filter(|slice| {
            let labels = slice.metadata.labels.as_ref();
            labels.and_then(|l| l.get("kubernetes.io/service-name"))
                == Some(&svc.name().to_string())
        })
        .cloned()
        .collect()
}

/// Pods bound to the node that have not terminated, across namespaces.
pub fn pods_on(api: &ApiServer, node: &str) -> Vec<Pod> {
    api.store()
        .list(Kind::Pod, None)
        .filter_map(|o| match o.as_ref() {
            Object::Pod(pod) => Some(&**pod),
            _ => None,
        })
        .filter(|pod| {
            let on_node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node);
            let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
            on_node && !matches!(phase, Some("Succeeded" | "Failed"))
        })
        .cloned()
        .collect()
}

/// The node's Lease as its kubelet keeps it: held by the node, renewed
/// every ten seconds since the node registered. The simulation does not
/// store Leases, so describe derives it.
pub fn lease_of(node: &Node, now: SimTime) -> NodeLease {
    let registered = node
        .metadata
        .creation_timestamp
        .as_ref()
        .map(common::seconds)
        .unwrap_or(now);
    let elapsed = now.millis_since(registered).max(0);
    NodeLease {
        holder: node.metadata.name.clone(),
        acquired: None,
        renewed: Some(registered.plus_millis(elapsed - elapsed % LEASE_RENEW_MILLIS)),
    }
}

//! The Endpoints controller: for each Service with a selector, the pods it
//! selects, split into ready and not-ready addresses, with the service's
//! target ports resolved against the pods' container ports.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ObjectReference, Pod, Service,
    ServicePort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::pod_util;
use super::{Action, Context, Controller};
use crate::api::selector::{labels_of, Selector};
use crate::api::{Kind, Object};
use crate::apiserver::DeleteOptions;
use crate::store::{ObjectKey, Store, WatchEvent, WatchEventType};

/// One selected pod, as both endpoint controllers see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    /// The pod IP.
    pub ip: String,
    /// The node it runs on.
    pub node: Option<String>,
    /// A reference to the pod.
    pub target: ObjectReference,
    /// Ready, by its Ready condition.
    pub ready: bool,
    /// Being deleted.
    pub terminating: bool,
    /// The resolved port per service port index (None: a named port the pod lacks).
    pub ports: Vec<Option<i32>>,
}

/// The pods a service selects that have an IP, sorted by IP.
pub fn backends(store: &Store, service: &Service) -> Vec<Backend> {
    let namespace = service.metadata.namespace.as_deref().unwrap_or("");
    let Some(selector) = service
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .filter(|s| !s.is_empty())
    else {
        return Vec::new();
    };
    let selector = Selector::from_map(selector);
    let ports = service
        .spec
        .as_ref()
        .and_then(|s| s.ports.clone())
        .unwrap_or_default();
    let mut backends: Vec<Backend> = store
        .list(Kind::Pod, Some(namespace))
        .filter_map(|o| match o.as_ref() {
            Object::Pod(pod) => Some(pod),
            _ => None,
        })
        .filter(|pod| selector.matches(labels_of(&pod.metadata)))
        .filter(|pod| !matches!(pod_util::phase(pod), "Succeeded" | "Failed"))
        .filter_map(|pod| backend(pod, &ports))
        .collect();
    backends.sort_by_key(|a| ip_order(&a.ip));
    backends
}

fn ip_order(ip: &str) -> Vec<u32> {
    ip.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

fn backend(pod: &Pod, ports: &[ServicePort]) -> Option<Backend> {
    let ip = pod
        .status
        .as_ref()?
        .pod_ip
        .clone()
        .filter(|ip| !ip.is_empty())?;
    Some(Backend {
        ip,
        node: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
        target: ObjectReference {
            kind: Some("Pod".into()),
            name: pod.metadata.name.clone(),
            namespace: pod.metadata.namespace.clone(),
            uid: pod.metadata.uid.clone(),
            ..Default::default()
        },
        ready: pod_util::is_ready(pod),
        terminating: pod.metadata.deletion_timestamp.is_some(),
        ports: ports.iter().map(|p| resolve_target_port(pod, p)).collect(),
    })
}

/// A service port's target on a pod: a number, or a named container port.
pub fn resolve_target_port(pod: &Pod, port: &ServicePort) -> Option<i32> {
    match &port.target_port {
        None => Some(port.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => pod
            .spec
            .as_ref()?
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .map(|p| p.container_port),
    }
}

/// Services in a namespace, for pods that change there.
fn services_in(store: &Store, namespace: &str) -> Vec<ObjectKey> {
    store
        .list(Kind::Service, Some(namespace))
        .map(|o| ObjectKey::of(o))
        .collect()
}

/// The Endpoints controller.
#[derive(Default)]
pub struct EndpointsController;

impl Controller for EndpointsController {
    fn name(&self) -> &'static str {
        "endpoint-controller"
    }

    fn observe(&mut self, change: &WatchEvent, store: &Store) -> Vec<ObjectKey> {
        match change.object.as_ref() {
            Object::Service(_) => vec![ObjectKey::of(&change.object)],
            Object::Pod(_) => services_in(store, change.object.namespace()),
            Object::Endpoints(_) if change.event_type == WatchEventType::Deleted => {
                vec![ObjectKey::new(
                    Kind::Service,
                    change.object.namespace(),
                    change.object.name(),
                )]
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let existing = ctx.store.find(Kind::Endpoints, &key.namespace, &key.name);
        let service = match ctx.store.get(key).map(|o| o.as_ref()) {
            Some(Object::Service(service)) => service,
            _ => return Vec::new(),
        };
        let has_selector = service
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .is_some_and(|s| !s.is_empty());
        if !has_selector {
            // Services without selectors keep whatever Endpoints the user writes.
            return Vec::new();
        }
        if service.metadata.deletion_timestamp.is_some() {
            return existing
                .map(|e| vec![Action::Delete(ObjectKey::of(e), DeleteOptions::default())])
                .unwrap_or_default();
        }
        let wanted = endpoints_for(service, &backends(ctx.store, service));
        match existing.map(|o| o.as_ref()) {
            None => vec![Action::Create(Object::Endpoints(Box::new(wanted)), None)],
            Some(Object::Endpoints(current))
                if current.subsets != wanted.subsets
                    || current.metadata.labels != wanted.metadata.labels =>
            {
                let mut updated = current.clone();
                updated.subsets = wanted.subsets;
                updated.metadata.labels = wanted.metadata.labels;
                vec![Action::Update(Object::Endpoints(updated))]
            }
            _ => Vec::new(),
        }
    }
}

fn endpoints_for(service: &Service, backends: &[Backend]) -> Endpoints {
    let ports = service
        .spec
        .as_ref()
        .and_then(|s| s.ports.clone())
        .unwrap_or_default();
    // Pods that resolve every port the same way share a subset.
    let mut subsets: BTreeMap<Vec<Option<i32>>, EndpointSubset> = BTreeMap::new();
    // A pod is listed once per port it resolves: one lacking every named
    // target port is not listed at all.
    let listed = |b: &&Backend| ports.is_empty() || b.ports.iter().any(Option::is_some);
    for backend in backends.iter().filter(|b| !b.terminating).filter(listed) {
        let subset = subsets
            .entry(backend.ports.clone())
            .or_insert_with(|| EndpointSubset {
                ports: Some(
                    ports
                        .iter()
                        .zip(&backend.ports)
                        .filter_map(|(p, resolved)| {
                            resolved.map(|port| EndpointPort {
                                name: p.name.clone(),
                                port,
                                protocol: p.protocol.clone(),
                                app_protocol: p.app_protocol.clone(),
                            })
                        })
                        .collect(),
                ),
                ..Default::default()
            });
        let address = EndpointAddress {
            ip: backend.ip.clone(),
            node_name: backend.node.clone(),
            target_ref: Some(backend.target.clone()),
            hostname: None,
        };
        let list = if backend.ready {
            &mut subset.addresses
        } else {
            &mut subset.not_ready_addresses
        };
        list.get_or_insert_with(Vec::new).push(address);
    }
    let subsets: Vec<EndpointSubset> = subsets.into_values().collect();
    Endpoints {
        metadata: ObjectMeta {
            name: service.metadata.name.clone(),
            namespace: service.metadata.namespace.clone(),
            labels: service.metadata.labels.clone(),
            ..Default::default()
        },
        subsets: Some(subsets).filter(|s| !s.is_empty()),
    }
}

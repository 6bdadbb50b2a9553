//! The EndpointSlice controller: for each selecting Service, one IPv4 slice
//! per port mapping (pods that resolve a named targetPort differently land in
//! different slices), named `<service>-xxxxx`, with each endpoint's ready,
//! serving and terminating conditions.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::endpoints::{backends, Backend};
use super::pod_util::new_controller_ref;
use super::{Action, Context, Controller};
use crate::api::{Kind, Object};
use crate::apiserver::DeleteOptions;
use crate::store::{ObjectKey, Store, WatchEvent};

/// The label naming a slice's service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// The label naming who manages a slice.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// This controller's value for [`MANAGED_BY_LABEL`].
pub const MANAGED_BY: &str = "endpointslice-controller.k8s.io";

/// The EndpointSlice controller.
#[derive(Default)]
pub struct EndpointSliceController;

impl Controller for EndpointSliceController {
    fn name(&self) -> &'static str {
        "endpointslice-controller"
    }

    fn observe(&mut self, change: &WatchEvent, store: &Store) -> Vec<ObjectKey> {
        match change.object.as_ref() {
            Object::Service(_) => vec![ObjectKey::of(&change.object)],
            Object::Pod(_) => store
                .list(Kind::Service, Some(change.object.namespace()))
                .map(|o| ObjectKey::of(o))
                .collect(),
            Object::EndpointSlice(slice) => slice
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(SERVICE_NAME_LABEL))
                .map(|svc| {
                    vec![ObjectKey::new(
                        Kind::Service,
                        change.object.namespace(),
                        svc.clone(),
                    )]
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let Some(object) = ctx.store.get(key) else {
            return Vec::new();
        };
        let Object::Service(service) = object.as_ref() else {
            return Vec::new();
        };
        let has_selector = service
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .is_some_and(|s| !s.is_empty());
        if !has_selector || service.metadata.deletion_timestamp.is_some() {
            return Vec::new();
        }
        let mut existing: Vec<EndpointSlice> = ctx
            .store
            .dependents_of(object.uid())
            .filter(|k| k.kind == Kind::EndpointSlice)
            .filter_map(|k| match ctx.store.get(k).map(|o| o.as_ref()) {
                Some(Object::EndpointSlice(s)) => Some((**s).clone()),
                _ => None,
            })
            .collect();
        existing.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        let wanted = desired_slices(service, &backends(ctx.store, service));
        // Slices whose ports already match keep them; other wanted slices
        // reuse the leftover slices (an update rather than a delete and a
        // create, as the reconciler prefers), then new ones are created.
        let mut unmatched: Vec<(Vec<Endpoint>, Option<Vec<EndpointPort>>)> = Vec::new();
        let mut actions = Vec::new();
        for (endpoints, ports) in wanted {
            match existing.iter().position(|s| s.ports == ports) {
                Some(index) => {
                    let current = existing.remove(index);
                    if current.endpoints != endpoints {
                        actions.push(Action::Update(Object::EndpointSlice(Box::new(
                            EndpointSlice {
                                endpoints,
                                ..current
                            },
                        ))));
                    }
                }
                None => unmatched.push((endpoints, ports)),
            }
        }
        let mut leftovers = existing.into_iter();
        for (endpoints, ports) in unmatched {
            actions.push(match leftovers.next() {
                Some(current) => Action::Update(Object::EndpointSlice(Box::new(EndpointSlice {
                    endpoints,
                    ports,
                    ..current
                }))),
                None => Action::Create(
                    Object::EndpointSlice(Box::new(new_slice(object, service, endpoints, ports))),
                    None,
                ),
            });
        }
        actions.extend(leftovers.map(|slice| {
            Action::Delete(
                ObjectKey::new(
                    Kind::EndpointSlice,
                    object.namespace(),
                    slice.metadata.name.unwrap_or_default(),
                ),
                DeleteOptions::default(),
            )
        }));
        actions
    }
}

/// The slices a service wants: one per port mapping, since a named
/// targetPort may resolve to a different port on each pod (and one with no
/// endpoints when no pod is selected).
fn desired_slices(
    service: &Service,
    backends: &[Backend],
) -> Vec<(Vec<Endpoint>, Option<Vec<EndpointPort>>)> {
    if backends.is_empty() {
        return vec![slice_contents(service, &[])];
    }
    let mut groups: BTreeMap<Vec<Option<i32>>, Vec<Backend>> = BTreeMap::new();
    for backend in backends {
        groups
            .entry(backend.ports.clone())
            .or_default()
            .push(backend.clone());
    }
    groups
        .values()
        .map(|group| slice_contents(service, group))
        .collect()
}

/// The endpoints of backends that resolve every port alike, and those ports.
fn slice_contents(
    service: &Service,
    backends: &[Backend],
) -> (Vec<Endpoint>, Option<Vec<EndpointPort>>) {
    let service_ports = service
        .spec
        .as_ref()
        .and_then(|s| s.ports.clone())
        .unwrap_or_default();
    let endpoints = backends
        .iter()
        .map(|b| Endpoint {
            addresses: vec![b.ip.clone()],
            conditions: Some(EndpointConditions {
                ready: Some(b.ready && !b.terminating),
                serving: Some(b.ready),
                terminating: Some(b.terminating),
            }),
            node_name: b.node.clone(),
            target_ref: Some(b.target.clone()),
            ..Default::default()
        })
        .collect();
    let resolved = backends
        .first()
        .map(|b| b.ports.clone())
        .unwrap_or_default();
    // Endpoints carry only the ports they resolve (`getEndpointPorts`); a
    // slice with no endpoints lists the service's ports unset.
    let ports = service_ports
        .iter()
        .enumerate()
        .map(|(i, p)| EndpointPort {
            name: Some(p.name.clone().unwrap_or_default()),
            port: resolved.get(i).copied().flatten(),
            protocol: p.protocol.clone(),
            app_protocol: p.app_protocol.clone(),
        })
        .filter(|p| backends.is_empty() || p.port.is_some())
        .collect();
    (endpoints, Some(ports))
}

fn new_slice(
    owner: &Object,
    service: &Service,
    endpoints: Vec<Endpoint>,
    ports: Option<Vec<EndpointPort>>,
) -> EndpointSlice {
    let mut labels: BTreeMap<String, String> = service.metadata.labels.clone().unwrap_or_default();
    labels.insert(SERVICE_NAME_LABEL.into(), owner.name().into());
    labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY.into());
    EndpointSlice {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", owner.name())),
            namespace: Some(owner.namespace().into()),
            labels: Some(labels),
            owner_references: Some(vec![new_controller_ref(owner)]),
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints,
        ports,
    }
}

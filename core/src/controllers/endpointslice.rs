//! The EndpointSlice controller: one IPv4 slice per selecting Service, named
//! `<service>-xxxxx`, with each endpoint's ready, serving and terminating
//! conditions.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::endpoints::{backends, Backend};
use super::pod_util::new_controller_ref;
use super::{Action, Context, Controller};
use crate::api::{Kind, Object};
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
        let existing = ctx
            .store
            .dependents_of(object.uid())
            .filter(|k| k.kind == Kind::EndpointSlice)
            .find_map(|k| match ctx.store.get(k).map(|o| o.as_ref()) {
                Some(Object::EndpointSlice(s)) => Some(s.clone()),
                _ => None,
            });
        let (endpoints, ports) = slice_contents(service, &backends(ctx.store, service));
        match existing {
            None => vec![Action::Create(
                Object::EndpointSlice(new_slice(object, service, endpoints, ports)),
                None,
            )],
            Some(current) if current.endpoints != endpoints || current.ports != ports => {
                vec![Action::Update(Object::EndpointSlice(EndpointSlice {
                    endpoints,
                    ports,
                    ..current
                }))]
            }
            Some(_) => Vec::new(),
        }
    }
}

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
    let ports = service_ports
        .iter()
        .enumerate()
        .map(|(i, p)| EndpointPort {
            name: Some(p.name.clone().unwrap_or_default()),
            port: resolved.get(i).copied().flatten(),
            protocol: p.protocol.clone(),
            app_protocol: p.app_protocol.clone(),
        })
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

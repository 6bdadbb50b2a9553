//! What the API server publishes about itself at start, as kube-apiserver's
//! `kubernetesservice` controller does: the `kubernetes` Service in
//! `default` at the first service address, and its Endpoints and
//! EndpointSlice pointing at the control-plane node's port 6443.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Service, ServicePort, ServiceSpec,
};
use k8s_openapi::api::discovery::v1::{
    Endpoint, EndpointConditions, EndpointPort as SlicePort, EndpointSlice,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::api::Object;

/// The port kube-apiserver listens on.
pub const API_SERVER_PORT: i32 = 6443;

fn meta(name: &str, labels: &[(&str, &str)]) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some("default".into()),
        labels: Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ),
        ..ObjectMeta::default()
    }
}

/// The Service, Endpoints and EndpointSlice named `kubernetes`, at
/// `cluster_ip` (the first in the service range), for an API server
/// reachable at `host_ip`.
pub fn kubernetes_service_objects(cluster_ip: &str, host_ip: &str) -> Vec<Object> {
    let service = Service {
        metadata: meta(
            "kubernetes",
            &[("component", "apiserver"), ("provider", "kubernetes")],
        ),
        spec: Some(ServiceSpec {
            cluster_ip: Some(cluster_ip.into()),
            ports: Some(vec![ServicePort {
                name: Some("https".into()),
                port: 443,
                protocol: Some("TCP".into()),
                target_port: Some(IntOrString::Int(API_SERVER_PORT)),
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        status: None,
    };
    let endpoints = Endpoints {
        metadata: meta(
            "kubernetes",
            &[("endpointslice.kubernetes.io/skip-mirror", "true")],
        ),
        subsets: Some(vec![EndpointSubset {
            addresses: Some(vec![EndpointAddress {
                ip: host_ip.into(),
                ..EndpointAddress::default()
            }]),
            ports: Some(vec![EndpointPort {
                name: Some("https".into()),
                port: API_SERVER_PORT,
                protocol: Some("TCP".into()),
                ..EndpointPort::default()
            }]),
            ..EndpointSubset::default()
        }]),
    };
    let slice = EndpointSlice {
        metadata: meta(
            "kubernetes",
            &[("kubernetes.io/service-name", "kubernetes")],
        ),
        address_type: "IPv4".into(),
        endpoints: vec![Endpoint {
            addresses: vec![host_ip.into()],
            conditions: Some(EndpointConditions {
                ready: Some(true),
                ..EndpointConditions::default()
            }),
            ..Endpoint::default()
        }],
        ports: Some(vec![SlicePort {
            name: Some("https".into()),
            port: Some(API_SERVER_PORT),
            protocol: Some("TCP".into()),
            ..SlicePort::default()
        }]),
    };
    vec![service.into(), endpoints.into(), slice.into()]
}

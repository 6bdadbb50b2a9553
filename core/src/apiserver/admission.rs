//! Admission: what the API server adds to objects on their way in, beyond
//! defaulting. Service accounts and default tolerations for pods, and
//! ClusterIP and NodePort allocation for services.

use std::net::Ipv4Addr;

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath,
    ObjectFieldSelector, PodSpec, ProjectedVolumeSource, ServiceAccountTokenProjection, Toleration,
    Volume, VolumeMount, VolumeProjection,
};

use crate::api::{FieldError, Kind, Object, StatusError};
use crate::network::ipam::{AllocationError, NodePortAllocator, ServiceCidr, ServiceIpAllocator};
use crate::rand::Rng;

/// Admission for a new object.
pub(super) fn admit_create(object: &mut Object, rng: &mut Rng) {
    if let Object::Pod(pod) = object {
        if let Some(spec) = pod.spec.as_mut() {
            admit_pod_spec(spec, rng);
        }
    }
}

/// ServiceAccount admission, DefaultTolerationSeconds and Priority, as a kubeadm cluster has them.
fn admit_pod_spec(spec: &mut PodSpec, rng: &mut Rng) {
    let account = spec
        .service_account_name
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into());
    spec.service_account_name = Some(account.clone());
    spec.service_account = Some(account);
    spec.priority.get_or_insert(0);
    spec.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
    add_default_tolerations(spec.tolerations.get_or_insert_with(Vec::new));
    if spec.automount_service_account_token != Some(false) {
        mount_api_access(spec, rng);
    }
}

fn add_default_tolerations(tolerations: &mut Vec<Toleration>) {
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let present = tolerations
            .iter()
            .any(|t| t.key.as_deref() == Some(key) && t.effect.as_deref() == Some("NoExecute"));
        if !present {
            tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
                value: None,
            });
        }
    }
}

/// The projected `kube-api-access-xxxxx` volume and its mount in every container.
fn mount_api_access(spec: &mut PodSpec, rng: &mut Rng) {
    let already = spec
        .volumes
        .iter()
        .flatten()
        .any(|v| v.name.starts_with("kube-api-access-"));
    if already {
        return;
    }
    let name = format!("kube-api-access-{}", rng.name_suffix(5));
    spec.volumes
        .get_or_insert_with(Vec::new)
        .push(api_access_volume(&name));
    let mount = VolumeMount {
        name,
        mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
        read_only: Some(true),
        ..Default::default()
    };
    let init = spec.init_containers.iter_mut().flatten();
    for container in spec.containers.iter_mut().chain(init) {
        container
            .volume_mounts
            .get_or_insert_with(Vec::new)
            .push(mount.clone());
    }
}

fn api_access_volume(name: &str) -> Volume {
    Volume {
        name: name.into(),
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".into(),
                        audience: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![KeyToPath {
                            key: "ca.crt".into(),
                            path: "ca.crt".into(),
                            mode: None,
                        }]),
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            path: "namespace".into(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
        }),
        ..Default::default()
    }
}

/// Addresses taken for one service, so a dry run can hand them back.
#[derive(Default)]
pub(super) struct Allocated {
    cluster_ip: Option<Ipv4Addr>,
    node_ports: Vec<i32>,
}

/// Gives a new service its ClusterIP and NodePorts, or Invalid when the ones asked for are taken.
pub(super) fn allocate_service_addresses(
    object: &mut Object,
    ips: &mut ServiceIpAllocator,
    ports: &mut NodePortAllocator,
    rng: &mut Rng,
) -> Result<Allocated, StatusError> {
    let Object::Service(service) = object else {
        return Ok(Allocated::default());
    };
    let name = service.metadata.name.clone().unwrap_or_default();
    let Some(spec) = service.spec.as_mut() else {
        return Ok(Allocated::default());
    };
    let mut allocated = Allocated::default();
    if spec.type_.as_deref() != Some("ExternalName") {
        let wanted = spec.cluster_ip.clone().unwrap_or_default();
        let ip = match wanted.as_str() {
            "None" => None,
            "" => Some(
                ips.allocate_next(rng)
                    .map_err(|e| ip_error(&name, "", e, ips.cidr()))?,
            ),
            text => {
                let ip: Ipv4Addr = text
                    .parse()
                    .map_err(|_| ip_error(&name, text, AllocationError::OutOfRange, ips.cidr()))?;
                ips.allocate(ip)
                    .map_err(|e| ip_error(&name, text, e, ips.cidr()))?;
                Some(ip)
            }
        };
        allocated.cluster_ip = ip;
        let text = ip.map_or_else(|| "None".to_string(), |ip| ip.to_string());
        spec.cluster_ip = Some(text.clone());
        spec.cluster_ips = Some(vec![text]);
    }
    if matches!(spec.type_.as_deref(), Some("NodePort" | "LoadBalancer")) {
        for (i, port) in spec.ports.iter_mut().flatten().enumerate() {
            let node_port = match port.node_port {
                Some(p) if p != 0 => ports.allocate(p).map(|_| p),
                _ => ports.allocate_next(rng),
            };
            match node_port {
                Ok(p) => {
                    port.node_port = Some(p);
                    allocated.node_ports.push(p);
                }
                Err(e) => {
                    release_service_addresses(&allocated, ips, ports);
                    return Err(node_port_error(&name, i, port.node_port.unwrap_or(0), e));
                }
            }
        }
    }
    Ok(allocated)
}

fn ip_error(name: &str, ip: &str, err: AllocationError, range: ServiceCidr) -> StatusError {
    let why = match err {
        AllocationError::OutOfRange => format!(
            "failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is {range}"
        ),
        AllocationError::AlreadyAllocated => format!("failed to allocate IP {ip}: provided IP is already allocated"),
        AllocationError::Full => "failed to allocate a serviceIP: range is full".into(),
    };
    StatusError::invalid(
        Kind::Service,
        name,
        vec![FieldError {
            field: "spec.clusterIPs".into(),
            reason: "FieldValueInvalid",
            message: format!("Invalid value: []string{{{ip:?}}}: {why}"),
        }],
    )
}

fn node_port_error(name: &str, index: usize, port: i32, err: AllocationError) -> StatusError {
    let why = match err {
        AllocationError::OutOfRange => {
            "provided port is not in the valid range. The range of valid ports is 30000-32767"
        }
        AllocationError::AlreadyAllocated => "provided port is already allocated",
        AllocationError::Full => "range is full",
    };
    StatusError::invalid(
        Kind::Service,
        name,
        vec![FieldError {
            field: format!("spec.ports[{index}].nodePort"),
            reason: "FieldValueInvalid",
            message: format!("Invalid value: {port}: {why}"),
        }],
    )
}

/// Hands back what a dry run or a failed create allocated.
pub(super) fn release_service_addresses(
    allocated: &Allocated,
    ips: &mut ServiceIpAllocator,
    ports: &mut NodePortAllocator,
) {
    if let Some(ip) = allocated.cluster_ip {
        ips.release(ip);
    }
    for port in &allocated.node_ports {
        ports.release(*port);
    }
}

/// Frees the addresses of a service that is gone.
pub(super) fn release_for_removed(
    object: &Object,
    ips: &mut ServiceIpAllocator,
    ports: &mut NodePortAllocator,
) {
    let Object::Service(service) = object else {
        return;
    };
    let Some(spec) = service.spec.as_ref() else {
        return;
    };
    if let Some(ip) = spec.cluster_ip.as_deref().and_then(|ip| ip.parse().ok()) {
        ips.release(ip);
    }
    for port in spec.ports.iter().flatten().filter_map(|p| p.node_port) {
        ports.release(port);
    }
}

/// An update that leaves the ClusterIP out keeps the allocated one.
pub(super) fn keep_service_addresses(object: &mut Object, current: &Object) {
    let (Object::Service(new), Object::Service(old)) = (object, current) else {
        return;
    };
    let (Some(new_spec), Some(old_spec)) = (new.spec.as_mut(), old.spec.as_ref()) else {
        return;
    };
    if new_spec.cluster_ip.as_deref().unwrap_or("").is_empty() {
        new_spec.cluster_ip = old_spec.cluster_ip.clone();
        new_spec.cluster_ips = old_spec.cluster_ips.clone();
    }
    for port in new_spec.ports.iter_mut().flatten() {
        if port.node_port.unwrap_or(0) == 0 {
            port.node_port = old_spec
                .ports
                .iter()
                .flatten()
                .find(|p| p.port == port.port && p.protocol == port.protocol)
                .and_then(|p| p.node_port);
        }
    }
}

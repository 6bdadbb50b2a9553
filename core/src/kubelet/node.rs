//! The Node object a kubelet registers: labels, taints, capacity,
//! conditions and system info, as a kind (kubeadm) node shows them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    DaemonEndpoint, Node, NodeAddress, NodeCondition, NodeDaemonEndpoints, NodeSpec, NodeStatus,
    NodeSystemInfo, Taint,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::runtime::NodeCapacity;
use crate::time::SimTime;

/// The kubelet version every node reports.
pub const KUBELET_VERSION: &str = crate::KUBERNETES_VERSION;

/// The taint kubeadm puts on control-plane nodes.
pub const CONTROL_PLANE_TAINT: &str = "node-role.kubernetes.io/control-plane";

/// A node's capacity: 4 CPUs, about 8 GiB, 110 pods.
pub fn capacity() -> BTreeMap<String, Quantity> {
    [
        ("cpu", "4"),
        ("ephemeral-storage", "102626232Ki"),
        ("hugepages-1Gi", "0"),
        ("hugepages-2Mi", "0"),
        ("memory", "8131712Ki"),
        ("pods", "110"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
    .collect()
}

/// Sets a node's CPU and memory, capacity and allocatable alike, to a
/// machine's (as the kubelet reads them from cAdvisor).
pub fn set_capacity(node: &mut Node, machine: NodeCapacity) {
    let status = node.status.get_or_insert_with(Default::default);
    for resources in [&mut status.capacity, &mut status.allocatable] {
        let resources = resources.get_or_insert_with(capacity);
        resources.insert("cpu".into(), Quantity(machine.cpus.to_string()));
        resources.insert(
            "memory".into(),
            Quantity(format!("{}Ki", machine.memory_bytes / 1024)),
        );
    }
}

/// The Node object for a kubelet that registers now.
pub fn node_object(
    name: &str,
    host_ip: &str,
    pod_cidr: &str,
    control_plane: bool,
    now: SimTime,
) -> Node {
    let mut labels: BTreeMap<String, String> = [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", name),
        ("kubernetes.io/os", "linux"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if control_plane {
        labels.insert(CONTROL_PLANE_TAINT.into(), String::new());
        labels.insert(
            "node.kubernetes.io/exclude-from-external-load-balancers".into(),
            String::new(),
        );
    }
    let annotations = [
        (
            "kubeadm.alpha.kubernetes.io/cri-socket",
            "unix:///run/containerd/containerd.sock",
        ),
        ("node.alpha.kubernetes.io/ttl", "0"),
        (
            "volumes.kubernetes.io/controller-managed-attach-detach",
            "true",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Node {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(labels),
            annotations: Some(annotations),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            pod_cidr: Some(pod_cidr.into()),
            pod_cidrs: Some(vec![pod_cidr.into()]),
            provider_id: Some(format!("kind://docker/sunaba/{name}")),
            taints: control_plane.then(|| {
                vec![Taint {
                    key: CONTROL_PLANE_TAINT.into(),
                    effect: "NoSchedule".into(),
                    value: None,
                    time_added: None,
                }]
            }),
            ..Default::default()
        }),
        status: Some(NodeStatus {
            capacity: Some(capacity()),
            allocatable: Some(capacity()),
            conditions: Some(conditions(now)),
            addresses: Some(vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: host_ip.into(),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: name.into(),
                },
            ]),
            daemon_endpoints: Some(NodeDaemonEndpoints {
                kubelet_endpoint: Some(DaemonEndpoint { port: 10250 }),
            }),
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: format!("{:x}", fnv(name)),
                container_runtime_version: "containerd://2.1.1".into(),
                kernel_version: "6.8.0-sunaba".into(),
                kube_proxy_version: String::new(),
                kubelet_version: KUBELET_VERSION.into(),
                machine_id: format!("{:032x}", u128::from(fnv(name))),
                operating_system: "linux".into(),
                os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                system_uuid: format!("{:x}", fnv(host_ip)),
                swap: None,
            }),
            ..Default::default()
        }),
    }
}

fn conditions(now: SimTime) -> Vec<NodeCondition> {
    [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ]
    .into_iter()
    .map(|(type_, status, reason, message)| NodeCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_heartbeat_time: Some(now.to_time()),
        last_transition_time: Some(now.to_time()),
    })
    .collect()
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

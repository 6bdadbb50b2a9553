//! Per-kind row printers, as Kubernetes' `pkg/printers/internalversion`
//! registers them: each kind's columns, and a function from an object and
//! `now` to its row. The API server's Table responses and the terminal's
//! `kubectl get` share them, so they cannot disagree.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{
    ConfigMap, ContainerState, Endpoints, Event, Namespace, Node, PersistentVolumeClaim, Pod,
    PodSpec, PodStatus, PodTemplateSpec, Secret, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::rbac::v1::{RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, Time};
use serde_json::{json, Value};

use super::table::{Column, Row, Table, AGE, NAME};
use crate::api::{Kind, Object};
use crate::time::{human_duration, SimTime};

/// The Table for `objects` (all of one kind) at time `now`.
pub fn table(kind: Kind, objects: &[&Object], now: SimTime) -> Table {
    Table {
        columns: columns(kind),
        rows: objects.iter().map(|o| row(o, now)).collect(),
    }
}

/// One object's row.
pub fn row(object: &Object, now: SimTime) -> Row {
    let meta = object.metadata();
    let name = json!(object.name());
    let age = json!(age(meta, now));
    let cells = match object {
        Object::Pod(p) => pod_cells(p, name, age, now),
        Object::ReplicaSet(rs) => replicaset_cells(rs, name, age),
        Object::Deployment(d) => deployment_cells(d, name, age),
        Object::Service(s) => service_cells(s, name, age),
        Object::Endpoints(e) => vec![name, json!(endpoints_text(e)), age],
        Object::EndpointSlice(s) => endpointslice_cells(s, name, age),
        Object::Node(n) => node_cells(n, name, age),
        Object::Namespace(n) => vec![name, json!(namespace_phase(n)), age],
        Object::Event(e) => event_cells(e, now),
        Object::ConfigMap(c) => vec![name, json!(configmap_data(c)), age],
        Object::Secret(s) => secret_cells(s, name, age),
        Object::ServiceAccount(sa) => vec![name, json!(serviceaccount_secrets(sa)), age],
        Object::PersistentVolumeClaim(pvc) => pvc_cells(pvc, name, age),
        Object::Role(_) | Object::ClusterRole(_) => vec![name, json!(created_at(meta))],
        Object::RoleBinding(rb) => binding_cells(&rb.role_ref, rb.subjects.as_deref(), name, age),
        Object::ClusterRoleBinding(crb) => {
            binding_cells(&crb.role_ref, crb.subjects.as_deref(), name, age)
        }
        Object::Ingress(i) => ingress_cells(i, name, age),
        Object::NetworkPolicy(np) => networkpolicy_cells(np, name, age),
    };
    Row {
        cells,
        namespace: object.namespace().to_string(),
        labels: meta.labels.clone().unwrap_or_default(),
    }
}

/// The columns a kind's printer fills, wide ones included.
pub fn columns(kind: Kind) -> Vec<Column> {
    let s = Column::string;
    let w = Column::wide;
    let i = Column::integer;
    match kind {
        Kind::Pod => vec![
            NAME,
            s("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            s("Status", "The aggregate status of the containers in this pod."),
            s("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            AGE,
            w("IP", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
            w("Node", "NodeName is a request to schedule this pod onto a specific node."),
            w("Nominated Node", "nominatedNodeName is set when this pod preempts other pods on the node."),
            w("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness."),
        ],
        Kind::ReplicaSet => vec![
            NAME,
            i("Desired", "Replicas is the number of desired replicas."),
            i("Current", "Replicas is the most recently observed number of replicas."),
            i("Ready", "The number of ready replicas for this replica set."),
            AGE,
            w("Containers", "Names of each container in the template."),
            w("Images", "Images referenced by each container in the template."),
            w("Selector", "Selector is a label query over pods that should match the replica count."),
        ],
        Kind::Deployment => vec![
            NAME,
            s("Ready", "Number of the pod with ready state"),
            i("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            i("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            AGE,
            w("Containers", "Names of each container in the template."),
            w("Images", "Images referenced by each container in the template."),
            w("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."),
        ],
        Kind::Service => vec![
            NAME,
            s("Type", "Type determines how the Service is exposed."),
            s("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
            s("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            s("Port(s)", "The list of ports that are exposed by this service."),
            AGE,
            w("Selector", "Route service traffic to pods with label keys and values matching this selector."),
        ],
        Kind::Endpoints => vec![
            NAME,
            s("Endpoints", "Endpoints is the list of endpoints in the cluster."),
            AGE,
        ],
        Kind::EndpointSlice => vec![
            NAME,
            s("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
            s("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
            s("Endpoints", "endpoints is a list of unique endpoints in this slice."),
            AGE,
        ],
        Kind::Node => vec![
            NAME,
            s("Status", "The status of the node"),
            s("Roles", "The roles of the node"),
            AGE,
            s("Version", "Kubelet Version reported by the node."),
            w("Internal-IP", "List of addresses reachable to the node. Queried from cloud provider, if available."),
            w("External-IP", "List of addresses reachable to the node. Queried from cloud provider, if available."),
            w("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
            w("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
            w("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
        ],
        Kind::Namespace => vec![
            NAME,
            s("Status", "The status of the namespace"),
            AGE,
        ],
        Kind::Event => vec![
            s("Last Seen", "Time when last event occurred"),
            s("Type", "Type of this event (Normal, Warning), new types could be added in the future."),
            s("Reason", "This should be a short, machine understandable string that gives the reason for this event being generated."),
            s("Object", "The object that this event is about."),
            w("Subobject", "The subobject of the event"),
            w("Source", "The component reporting this event. Should be a short machine understandable string."),
            s("Message", "A human-readable description of the status of this operation."),
            w("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
            Column { priority: 1, ..i("Count", "The number of times this event has occurred.") },
            w("Name", "Name must be unique within a namespace."),
        ],
        Kind::ConfigMap => vec![NAME, i("Data", "Data contains the configuration data."), AGE],
        Kind::Secret => vec![
            NAME,
            s("Type", "Used to facilitate programmatic handling of secret data."),
            i("Data", "Data contains the secret data."),
            AGE,
        ],
        Kind::ServiceAccount => vec![
            NAME,
            i("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
            AGE,
        ],
        Kind::PersistentVolumeClaim => vec![
            NAME,
            s("Status", "Status represents the current information/status of a persistent volume claim."),
            s("Volume", "VolumeName is the binding reference to the PersistentVolume backing this claim."),
            s("Capacity", "Capacity represents the actual resources of the underlying volume."),
            s("Access Modes", "AccessModes contains the actual access modes the volume backing the PVC has."),
            s("StorageClass", "StorageClassName is the name of the StorageClass required by the claim."),
            s("VolumeAttributesClass", "VolumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
            AGE,
            w("VolumeMode", "volumeMode defines what type of volume is required by the claim."),
        ],
        Kind::Role | Kind::ClusterRole => vec![
            NAME,
            Column { kind: "date", ..s("Created At", "CreationTimestamp is a timestamp representing the server time when this object was created.") },
        ],
        Kind::RoleBinding | Kind::ClusterRoleBinding => vec![
            NAME,
            s("Role", "Role references the role being granted."),
            AGE,
            w("Users", "Users in the binding."),
            w("Groups", "Groups in the binding."),
            w("ServiceAccounts", "ServiceAccounts in the binding."),
        ],
        Kind::Ingress => vec![
            NAME,
            s("Class", "The name of the IngressClass resource."),
            s("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
            s("Address", "Address is a list containing ingress points for the load-balancer"),
            s("Ports", "Ports of TLS configurations that open"),
            AGE,
        ],
        Kind::NetworkPolicy => vec![
            NAME,
            s("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies."),
            AGE,
        ],
    }
}

/// AGE: how long ago the object was created, or `<unknown>`.
fn age(meta: &ObjectMeta, now: SimTime) -> String {
    since(meta.creation_timestamp.as_ref(), now)
}

/// HumanDuration since a timestamp, or `<unknown>` when there is none.
pub fn since(time: Option<&Time>, now: SimTime) -> String {
    match time {
        Some(t) => human_duration(now.millis_since(SimTime::from_time(t))),
        None => "<unknown>".into(),
    }
}

/// `CREATED AT`, as RFC 3339 in UTC.
fn created_at(meta: &ObjectMeta) -> String {
    meta.creation_timestamp
        .as_ref()
        .map(|t| t.0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "<unknown>".into())
}

fn none_if_empty(text: String) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

// ---- Pods -------------------------------------------------------------

fn pod_cells(pod: &Pod, name: Value, age: Value, now: SimTime) -> Vec<Value> {
    let summary = pod_summary(pod, now);
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let ip = status
        .and_then(|s| Some(s.pod_ips.as_ref()?.first()?.ip.clone()))
        .or_else(|| status.and_then(|s| s.pod_ip.clone()))
        .unwrap_or_default();
    let node = spec.and_then(|s| s.node_name.clone()).unwrap_or_default();
    let nominated = status
        .and_then(|s| s.nominated_node_name.clone())
        .unwrap_or_default();
    vec![
        name,
        json!(format!("{}/{}", summary.ready, summary.total)),
        json!(summary.status),
        summary.restarts,
        age,
        json!(none_if_empty(ip)),
        json!(none_if_empty(node)),
        json!(none_if_empty(nominated)),
        json!(readiness_gates(pod)),
    ]
}

/// What `printPod` derives from a pod's status: READY, STATUS and RESTARTS.
#[derive(Clone, Debug, PartialEq)]
pub struct PodSummary {
    /// Ready containers.
    pub ready: usize,
    /// Containers counted for READY.
    pub total: usize,
    /// The STATUS column.
    pub status: String,
    /// The RESTARTS cell: an integer, or `N (5s ago)`.
    pub restarts: Value,
    /// The restarts counted, without the time.
    pub restart_count: i64,
}

/// READY, STATUS and RESTARTS as kubectl's `printPod` computes them.
pub fn pod_summary(pod: &Pod, now: SimTime) -> PodSummary {
    let (no_spec, no_status) = (PodSpec::default(), PodStatus::default());
    let spec = pod.spec.as_ref().unwrap_or(&no_spec);
    let status = pod.status.as_ref().unwrap_or(&no_status);
    let mut reason = status
        .reason
        .clone()
        .or_else(|| status.phase.clone())
        .unwrap_or_default();
    if status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".into();
    }
    let sidecars = sidecar_names(spec);
    let mut total = spec.containers.len() + sidecars.len();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<SimTime> = None;
    let mut note_restart = |count: i32, finished: Option<&Time>| {
        restarts += i64::from(count);
        if let Some(t) = finished.map(SimTime::from_time) {
            last_restart = Some(last_restart.map_or(t, |l| l.max(t)));
        }
    };

    let init_statuses = status
        .init_container_statuses
        .as_deref()
        .unwrap_or_default();
    let init_count = spec.init_containers.as_ref().map_or(0, Vec::len);
    let mut initializing = false;
    for (i, container) in init_statuses.iter().enumerate() {
        note_restart(
            container.restart_count,
            container
                .last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.finished_at.as_ref()),
        );
        let no_state = ContainerState::default();
        let state = container.state.as_ref().unwrap_or(&no_state);
        if state.terminated.as_ref().is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecars.contains(&container.name)
            && state.running.is_some()
            && container.started == Some(true)
        {
            if container.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = &state.terminated {
            reason = match &t.reason {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ if t.signal.unwrap_or(0) != 0 => format!("Init:Signal:{}", t.signal.unwrap_or(0)),
                _ => format!("Init:ExitCode:{}", t.exit_code),
            };
        } else if let Some(r) = state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .filter(|r| !r.is_empty() && r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{init_count}");
        }
        initializing = true;
        break;
    }

    if !initializing || is_pod_initialized(status) {
        restarts = 0;
        last_restart = None;
        let mut has_running = false;
        let statuses = status.container_statuses.as_deref().unwrap_or_default();
        for container in statuses.iter().rev() {
            restarts += i64::from(container.restart_count);
            if let Some(t) = container
                .last_state
                .as_ref()
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.finished_at.as_ref())
                .map(SimTime::from_time)
            {
                last_restart = Some(last_restart.map_or(t, |l| l.max(t)));
            }
            let no_state = ContainerState::default();
            let state = container.state.as_ref().unwrap_or(&no_state);
            if let Some(r) = state
                .waiting
                .as_ref()
                .and_then(|w| w.reason.clone())
                .filter(|r| !r.is_empty())
            {
                reason = r;
            } else if let Some(t) = &state.terminated {
                reason = match &t.reason {
                    Some(r) if !r.is_empty() => r.clone(),
                    _ if t.signal.unwrap_or(0) != 0 => format!("Signal:{}", t.signal.unwrap_or(0)),
                    _ => format!("ExitCode:{}", t.exit_code),
                };
            } else if container.ready && state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if has_pod_ready_condition(status) {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    let phase = status.phase.as_deref().unwrap_or("");
    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    if total == 0 {
        total = spec.containers.len();
    }
    let restart_count = restarts;
    let restarts = match last_restart {
        Some(at) if restarts != 0 => json!(format!(
            "{restarts} ({} ago)",
            human_duration(now.millis_since(at))
        )),
        _ => json!(restarts),
    };
    PodSummary {
        ready,
        total,
        status: reason,
        restarts,
        restart_count,
    }
}

/// Init containers with `restartPolicy: Always` (sidecars).
fn sidecar_names(spec: &PodSpec) -> Vec<String> {
    spec.init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"))
        .map(|c| c.name.clone())
        .collect()
}

fn is_pod_initialized(status: &k8s_openapi::api::core::v1::PodStatus) -> bool {
    status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "Initialized" && c.status == "True")
}

fn has_pod_ready_condition(status: &k8s_openapi::api::core::v1::PodStatus) -> bool {
    status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// READINESS GATES: `<none>`, or how many of the gates' conditions are true.
fn readiness_gates(pod: &Pod) -> String {
    let gates = pod
        .spec
        .as_ref()
        .and_then(|s| s.readiness_gates.as_deref())
        .unwrap_or_default();
    if gates.is_empty() {
        return "<none>".into();
    }
    let conditions = pod
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    let met = gates
        .iter()
        .filter(|g| {
            conditions
                .iter()
                .any(|c| c.type_ == g.condition_type && c.status == "True")
        })
        .count();
    format!("{met}/{}", gates.len())
}

// ---- Workloads --------------------------------------------------------

fn replicaset_cells(rs: &ReplicaSet, name: Value, age: Value) -> Vec<Value> {
    let spec = rs.spec.as_ref();
    let status = rs.status.as_ref();
    let (containers, images) = containers_and_images(spec.and_then(|s| s.template.as_ref()));
    vec![
        name,
        json!(spec.and_then(|s| s.replicas).unwrap_or(1)),
        json!(status.map_or(0, |s| s.replicas)),
        json!(status.and_then(|s| s.ready_replicas).unwrap_or(0)),
        age,
        json!(containers),
        json!(images),
        json!(spec.map(|s| selector_text(&s.selector)).unwrap_or_default()),
    ]
}

fn deployment_cells(d: &Deployment, name: Value, age: Value) -> Vec<Value> {
    let spec = d.spec.as_ref();
    let status = d.status.clone().unwrap_or_default();
    let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
    let (containers, images) = containers_and_images(spec.map(|s| &s.template));
    vec![
        name,
        json!(format!("{}/{desired}", status.ready_replicas.unwrap_or(0))),
        json!(status.updated_replicas.unwrap_or(0)),
        json!(status.available_replicas.unwrap_or(0)),
        age,
        json!(containers),
        json!(images),
        json!(spec.map(|s| selector_text(&s.selector)).unwrap_or_default()),
    ]
}

/// CONTAINERS and IMAGES: the template's containers, comma-joined.
fn containers_and_images(template: Option<&PodTemplateSpec>) -> (String, String) {
    let containers = template
        .and_then(|t| t.spec.as_ref())
        .map(|s| s.containers.as_slice())
        .unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers
        .iter()
        .map(|c| c.image.as_deref().unwrap_or(""))
        .collect();
    (names.join(","), images.join(","))
}

/// A label selector as `metav1.LabelSelectorAsSelector(…).String()` prints
/// it: requirements sorted by key, set values sorted.
pub fn selector_text(selector: &LabelSelector) -> String {
    let mut terms: Vec<(String, String)> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), format!("{k}={v}")))
        .collect();
    for expression in selector.match_expressions.iter().flatten() {
        let key = &expression.key;
        let mut values = expression.values.clone().unwrap_or_default();
        values.sort();
        let text = match expression.operator.as_str() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {other}"),
        };
        terms.push((key.clone(), text));
    }
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    terms
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

// ---- Services and endpoints -------------------------------------------

fn service_cells(svc: &Service, name: Value, age: Value) -> Vec<Value> {
    let spec = svc.spec.clone().unwrap_or_default();
    let kind = spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    let cluster_ip = spec
        .cluster_ips
        .as_ref()
        .and_then(|ips| ips.first().cloned())
        .or_else(|| spec.cluster_ip.clone())
        .unwrap_or_default();
    let selector = spec
        .selector
        .as_ref()
        .map(|s| {
            s.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    vec![
        name,
        json!(kind),
        json!(none_if_empty(cluster_ip)),
        json!(external_ip(svc, &kind)),
        json!(service_ports(&spec)),
        age,
        json!(none_if_empty(selector)),
    ]
}

/// EXTERNAL-IP: externalIPs, a load balancer's ingress, or the external name.
fn external_ip(svc: &Service, kind: &str) -> String {
    let spec = svc.spec.clone().unwrap_or_default();
    let external = spec.external_ips.clone().unwrap_or_default().join(",");
    match kind {
        "ClusterIP" | "NodePort" => none_if_empty(external),
        "LoadBalancer" => {
            let ingress: Vec<String> = svc
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.clone())
                .unwrap_or_default()
                .into_iter()
                .filter_map(|i| i.ip.or(i.hostname))
                .collect();
            let mut all = ingress;
            if !external.is_empty() {
                all.push(external);
            }
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => spec.external_name.unwrap_or_default(),
        _ => "<unknown>".into(),
    }
}

/// PORT(S): `80/TCP`, `80:31234/TCP`, comma-joined, or `<none>`.
fn service_ports(spec: &k8s_openapi::api::core::v1::ServiceSpec) -> String {
    let ports: Vec<String> = spec
        .ports
        .iter()
        .flatten()
        .map(|p| {
            let protocol = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(node_port) => format!("{}:{node_port}/{protocol}", p.port),
                None => format!("{}/{protocol}", p.port),
            }
        })
        .collect();
    none_if_empty(ports.join(","))
}

/// ENDPOINTS: `ip:port` pairs, at most three, then ` + N more...`.
pub fn endpoints_text(endpoints: &Endpoints) -> String {
    let mut pairs = Vec::new();
    for subset in endpoints.subsets.iter().flatten() {
        let ports = subset.ports.clone().unwrap_or_default();
        for address in subset.addresses.iter().flatten() {
            if ports.is_empty() {
                pairs.push(address.ip.clone());
            }
            for port in &ports {
                pairs.push(format!("{}:{}", address.ip, port.port));
            }
        }
    }
    none_if_empty(first_three(&pairs))
}

/// At most three entries comma-joined, then ` + N more...`.
fn first_three(items: &[String]) -> String {
    match items.len() {
        0..=3 => items.join(","),
        n => format!("{} + {} more...", items[..3].join(","), n - 3),
    }
}

fn endpointslice_cells(slice: &EndpointSlice, name: Value, age: Value) -> Vec<Value> {
    let ports: Vec<String> = slice
        .ports
        .iter()
        .flatten()
        .map(|p| p.port.map_or("<unset>".to_string(), |n| n.to_string()))
        .collect();
    let addresses: Vec<String> = slice
        .endpoints
        .iter()
        .flat_map(|e| e.addresses.iter().cloned())
        .collect();
    let or_unset = |text: String| {
        if text.is_empty() {
            "<unset>".to_string()
        } else {
            text
        }
    };
    vec![
        name,
        json!(slice.address_type),
        json!(or_unset(first_three(&ports))),
        json!(or_unset(first_three(&addresses))),
        age,
    ]
}

// ---- Nodes and namespaces ---------------------------------------------

fn node_cells(node: &Node, name: Value, age: Value) -> Vec<Value> {
    let status = node.status.clone().unwrap_or_default();
    let info = status.node_info.clone().unwrap_or_default();
    let address = |kind: &str| {
        status
            .addresses
            .iter()
            .flatten()
            .find(|a| a.type_ == kind)
            .map(|a| a.address.clone())
            .unwrap_or_else(|| "<none>".into())
    };
    vec![
        name,
        json!(node_status(node)),
        json!(node_roles(node)),
        age,
        json!(info.kubelet_version),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(info.os_image),
        json!(info.kernel_version),
        json!(info.container_runtime_version),
    ]
}

/// STATUS: `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` when cordoned.
fn node_status(node: &Node) -> String {
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"));
    let mut status = match ready.map(|c| c.status.as_str()) {
        Some("True") => "Ready".to_string(),
        Some("False") => "NotReady".to_string(),
        _ => "Unknown".to_string(),
    };
    if node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false)
    {
        status.push_str(",SchedulingDisabled");
    }
    status
}

/// ROLES: from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels.
fn node_roles(node: &Node) -> String {
    let mut roles: Vec<String> = node
        .metadata
        .labels
        .iter()
        .flatten()
        .filter_map(|(k, v)| {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                Some(role.to_string())
            } else if k == "kubernetes.io/role" {
                Some(v.clone())
            } else {
                None
            }
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort();
    roles.dedup();
    none_if_empty(roles.join(","))
}

fn namespace_phase(ns: &Namespace) -> String {
    ns.status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default()
}

// ---- Events -----------------------------------------------------------

fn event_cells(event: &Event, now: SimTime) -> Vec<Value> {
    let first = match &event.first_timestamp {
        Some(t) => since(Some(t), now),
        None => micro_since(event.event_time.as_ref().map(|t| t.0), now),
    };
    let mut last = match &event.last_timestamp {
        Some(t) => since(Some(t), now),
        None => first.clone(),
    };
    let mut count = event.count.unwrap_or(0);
    if let Some(series) = &event.series {
        last = micro_since(series.last_observed_time.as_ref().map(|t| t.0), now);
        count = series.count.unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let involved = &event.involved_object;
    let kind = involved.kind.clone().unwrap_or_default().to_lowercase();
    let target = match involved.name.as_deref() {
        Some(name) if !name.is_empty() => format!("{kind}/{name}"),
        _ => kind,
    };
    vec![
        json!(last),
        json!(event.type_.clone().unwrap_or_default()),
        json!(event.reason.clone().unwrap_or_default()),
        json!(target),
        json!(involved.field_path.clone().unwrap_or_default()),
        json!(event_source(event)),
        json!(event.message.clone().unwrap_or_default().trim()),
        json!(first),
        json!(count),
        json!(event.metadata.name.clone().unwrap_or_default()),
    ]
}

fn micro_since(time: Option<k8s_openapi::jiff::Timestamp>, now: SimTime) -> String {
    match time {
        Some(t) => human_duration(now.millis_since(SimTime(t.as_millisecond()))),
        None => "<unknown>".into(),
    }
}

/// SOURCE: `component, host`, or the reporting controller and instance.
fn event_source(event: &Event) -> String {
    let source = event.source.clone().unwrap_or_default();
    let (component, host) = match source.component.filter(|c| !c.is_empty()) {
        Some(component) => (component, source.host.unwrap_or_default()),
        None => (
            event.reporting_component.clone().unwrap_or_default(),
            event.reporting_instance.clone().unwrap_or_default(),
        ),
    };
    if host.is_empty() {
        component
    } else {
        format!("{component}, {host}")
    }
}

// ---- Configuration and stored kinds -------------------------------------

fn configmap_data(cm: &ConfigMap) -> usize {
    cm.data.as_ref().map_or(0, BTreeMap::len) + cm.binary_data.as_ref().map_or(0, BTreeMap::len)
}

fn secret_cells(secret: &Secret, name: Value, age: Value) -> Vec<Value> {
    let data = secret.data.as_ref().map_or(0, BTreeMap::len)
        + secret.string_data.as_ref().map_or(0, BTreeMap::len);
    vec![
        name,
        json!(secret.type_.clone().unwrap_or_else(|| "Opaque".into())),
        json!(data),
        age,
    ]
}

fn serviceaccount_secrets(sa: &ServiceAccount) -> usize {
    sa.secrets.as_ref().map_or(0, Vec::len)
}

fn pvc_cells(pvc: &PersistentVolumeClaim, name: Value, age: Value) -> Vec<Value> {
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    let bound = status.phase.as_deref() == Some("Bound");
    let capacity = if bound {
        status
            .capacity
            .as_ref()
            .and_then(|c| c.get("storage"))
            .map(|q| q.0.clone())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let modes = if bound {
        access_modes(status.access_modes.as_deref().unwrap_or_default())
    } else {
        String::new()
    };
    vec![
        name,
        json!(status.phase.clone().unwrap_or_else(|| "Pending".into())),
        json!(spec.volume_name.clone().unwrap_or_default()),
        json!(capacity),
        json!(modes),
        json!(spec
            .storage_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".into())),
        json!(spec
            .volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".into())),
        age,
        json!(spec
            .volume_mode
            .clone()
            .unwrap_or_else(|| "Filesystem".into())),
    ]
}

/// Access modes in their short forms: `RWO,ROX,RWX,RWOP`.
fn access_modes(modes: &[String]) -> String {
    let short = |mode: &str| match mode {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        _ => "",
    };
    [
        "ReadWriteOnce",
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOncePod",
    ]
    .iter()
    .filter(|m| modes.iter().any(|given| given == *m))
    .map(|m| short(m))
    .collect::<Vec<_>>()
    .join(",")
}

fn binding_cells(
    role_ref: &RoleRef,
    subjects: Option<&[Subject]>,
    name: Value,
    age: Value,
) -> Vec<Value> {
    let subjects = subjects.unwrap_or_default();
    let of_kind = |kind: &str| {
        subjects
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| match (kind, s.namespace.as_deref()) {
                ("ServiceAccount", Some(ns)) => format!("{ns}/{}", s.name),
                ("ServiceAccount", None) => format!("/{}", s.name),
                _ => s.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        name,
        json!(format!("{}/{}", role_ref.kind, role_ref.name)),
        age,
        json!(of_kind("User")),
        json!(of_kind("Group")),
        json!(of_kind("ServiceAccount")),
    ]
}

fn ingress_cells(ingress: &Ingress, name: Value, age: Value) -> Vec<Value> {
    let spec = ingress.spec.clone().unwrap_or_default();
    let hosts: Vec<String> = spec
        .rules
        .iter()
        .flatten()
        .filter_map(|r| r.host.clone())
        .collect();
    let hosts = if hosts.is_empty() {
        "*".to_string()
    } else {
        first_three(&hosts)
    };
    let address: Vec<String> = ingress
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.clone())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.ip.or(i.hostname))
        .collect();
    let ports = if spec.tls.as_ref().is_some_and(|t| !t.is_empty()) {
        "80, 443"
    } else {
        "80"
    };
    vec![
        name,
        json!(spec
            .ingress_class_name
            .clone()
            .unwrap_or_else(|| "<none>".into())),
        json!(hosts),
        json!(address.join(",")),
        json!(ports),
        age,
    ]
}

fn networkpolicy_cells(np: &NetworkPolicy, name: Value, age: Value) -> Vec<Value> {
    let selector = np
        .spec
        .as_ref()
        .and_then(|s| s.pod_selector.as_ref())
        .map(selector_text)
        .unwrap_or_default();
    vec![name, json!(none_if_empty(selector)), age]
}

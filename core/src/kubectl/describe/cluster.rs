//! `kubectl describe node` (with its lease, non-terminated pods and
//! allocated resources) and `describe namespace`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Event, Namespace, Node, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::common::{
    annotations_multiline, describe_events, labels_multiline, rfc1123z, since, taints_multiline,
};
use super::quantity::Amount;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use crate::time::SimTime;

/// The node's Lease in `kube-node-lease`, as describe shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeLease {
    /// `spec.holderIdentity`.
    pub holder: Option<String>,
    /// `spec.acquireTime`.
    pub acquired: Option<SimTime>,
    /// `spec.renewTime`.
    pub renewed: Option<SimTime>,
}

/// The description of a node, given its lease and the pods on it that have not terminated.
pub fn describe_node(
    node: &Node,
    lease: &NodeLease,
    pods: &[Pod],
    events: Option<&[Event]>,
    now: SimTime,
) -> String {
    let mut w = PrefixWriter::default();
    let meta = &node.metadata;
    let spec = node.spec.clone().unwrap_or_default();
    w.line(
        LEVEL_0,
        &format!("Name:\t{}", meta.name.as_deref().unwrap_or("")),
    );
    w.line(
        LEVEL_0,
        &format!("Roles:\t{}", node_roles(meta.labels.as_ref())),
    );
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", meta.annotations.as_ref());
    let created = rfc1123z(meta.creation_timestamp.as_ref());
    w.line(LEVEL_0, &format!("CreationTimestamp:\t{created}"));
    taints_multiline(&mut w, "Taints", spec.taints.as_deref().unwrap_or_default());
    let unschedulable = spec.unschedulable.unwrap_or(false);
    w.line(LEVEL_0, &format!("Unschedulable:\t{unschedulable}"));
    describe_lease(&mut w, lease);
    node_status(&mut w, node);
    if let Some(cidr) = spec.pod_cidr.as_deref().filter(|c| !c.is_empty()) {
        w.line(LEVEL_0, &format!("PodCIDR:\t{cidr}"));
    }
    if let Some(cidrs) = spec.pod_cidrs.as_ref().filter(|c| !c.is_empty()) {
        w.line(LEVEL_0, &format!("PodCIDRs:\t{}", cidrs.join(",")));
    }
    if let Some(provider) = spec.provider_id.as_deref().filter(|p| !p.is_empty()) {
        w.line(LEVEL_0, &format!("ProviderID:\t{provider}"));
    }
    node_resources(&mut w, node, pods, now);
    describe_events(&mut w, events, now);
    w.finish()
}

/// ROLES: from `node-role.kubernetes.io/<role>` and `kubernetes.io/role`, sorted, or `<none>`.
fn node_roles(labels: Option<&BTreeMap<String, String>>) -> String {
    let mut roles: Vec<&str> = labels
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) => Some(role),
            None if k == "kubernetes.io/role" => Some(v.as_str()),
            None => None,
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

fn describe_lease(w: &mut PrefixWriter, lease: &NodeLease) {
    let time =
        |t: Option<SimTime>| t.map_or("<unset>".to_string(), |t| rfc1123z(Some(&t.to_time())));
    w.line(LEVEL_0, "Lease:");
    let holder = lease.holder.as_deref().unwrap_or("<unset>");
    w.line(LEVEL_1, &format!("HolderIdentity:\t{holder}"));
    w.line(LEVEL_1, &format!("AcquireTime:\t{}", time(lease.acquired)));
    w.line(LEVEL_1, &format!("RenewTime:\t{}", time(lease.renewed)));
}

/// Conditions, Addresses, Capacity, Allocatable and System Info.
fn node_status(w: &mut PrefixWriter, node: &Node) {
    let status = node.status.clone().unwrap_or_default();
    let conditions = status.conditions.unwrap_or_default();
    if !conditions.is_empty() {
        w.line(
            LEVEL_0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage",
        );
        w.line(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------",
        );
        for c in &conditions {
            w.line(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}",
                    c.type_,
                    c.status,
                    rfc1123z(c.last_heartbeat_time.as_ref()),
                    rfc1123z(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or(""),
                ),
            );
        }
    }
    w.line(LEVEL_0, "Addresses:");
    for address in status.addresses.iter().flatten() {
        w.line(LEVEL_1, &format!("{}:\t{}", address.type_, address.address));
    }
    for (title, list) in [
        ("Capacity", &status.capacity),
        ("Allocatable", &status.allocatable),
    ] {
        if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
            w.line(LEVEL_0, &format!("{title}:"));
            for (name, quantity) in list {
                w.line(
                    LEVEL_0,
                    &format!("  {name}:\t{}", super::quantity::canonical(quantity)),
                );
            }
        }
    }
    let info = status.node_info.unwrap_or_default();
    w.line(LEVEL_0, "System Info:");
    let lines = [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
        ("Kube-Proxy Version", &info.kube_proxy_version),
    ];
    for (title, value) in lines {
        w.line(LEVEL_0, &format!("  {title}:\t{value}"));
    }
}

/// A resource list's totals by name.
type Totals = BTreeMap<String, Amount>;

/// `Non-terminated Pods:` with each pod's cpu and memory, then `Allocated resources:`.
fn node_resources(w: &mut PrefixWriter, node: &Node, pods: &[Pod], now: SimTime) {
    let status = node.status.clone().unwrap_or_default();
    let allocatable = status
        .allocatable
        .filter(|a| !a.is_empty())
        .or(status.capacity)
        .unwrap_or_default();
    let amount = |name: &str| {
        allocatable
            .get(name)
            .and_then(Amount::parse)
            .unwrap_or_default()
    };
    let (cpu, memory) = (amount("cpu"), amount("memory"));
    w.line(
        LEVEL_0,
        &format!("Non-terminated Pods:\t({} in total)", pods.len()),
    );
    w.line(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge",
    );
    w.line(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---",
    );
    let mut requests = Totals::new();
    let mut limits = Totals::new();
    for pod in pods {
        let (req, lim) = pod_requests_and_limits(pod);
        let get = |list: &Totals, name: &str| list.get(name).copied().unwrap_or_default();
        w.line(
            LEVEL_1,
            &format!(
                "{}\t{}\t\t{}\t{}\t{}\t{}\t{}",
                pod.metadata.namespace.as_deref().unwrap_or(""),
                pod.metadata.name.as_deref().unwrap_or(""),
                share(get(&req, "cpu"), cpu, true),
                share(get(&lim, "cpu"), cpu, true),
                share(get(&req, "memory"), memory, false),
                share(get(&lim, "memory"), memory, false),
                since(pod.metadata.creation_timestamp.as_ref(), now),
            ),
        );
        add_all(&mut requests, &req);
        add_all(&mut limits, &lim);
    }
    allocated(w, &allocatable, &requests, &limits);
}

/// `Allocated resources:`: cpu, memory, ephemeral storage, huge pages and extended resources.
fn allocated(
    w: &mut PrefixWriter,
    allocatable: &BTreeMap<String, Quantity>,
    requests: &Totals,
    limits: &Totals,
) {
    w.line(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)",
    );
    w.line(LEVEL_1, "Resource\tRequests\tLimits");
    w.line(LEVEL_1, "--------\t--------\t------");
    let get = |list: &Totals, name: &str| list.get(name).copied().unwrap_or_default();
    let total = |name: &str| {
        allocatable
            .get(name)
            .and_then(Amount::parse)
            .unwrap_or_default()
    };
    for name in ["cpu", "memory", "ephemeral-storage"] {
        let milli = name == "cpu";
        let (req, lim) = (get(requests, name), get(limits, name));
        let row = format!(
            "{name}\t{}\t{}",
            share(req, total(name), milli),
            share(lim, total(name), milli)
        );
        w.line(LEVEL_1, &row);
    }
    let huge_pages = allocatable.keys().filter(|k| k.starts_with("hugepages-"));
    for name in huge_pages {
        let (req, lim) = (get(requests, name), get(limits, name));
        let row = format!(
            "{name}\t{}\t{}",
            share(req, total(name), false),
            share(lim, total(name), false)
        );
        w.line(LEVEL_1, &row);
    }
    let standard = ["cpu", "memory", "ephemeral-storage", "pods"];
    let extended = allocatable
        .keys()
        .filter(|k| !k.starts_with("hugepages-") && !standard.contains(&k.as_str()));
    for name in extended {
        let (req, lim) = (get(requests, name), get(limits, name));
        w.line(
            LEVEL_1,
            &format!("{name}\t{}\t{}", req.canonical(), lim.canonical()),
        );
    }
}

/// `250m (6%)`: the amount and its whole percentage of what is allocatable.
fn share(amount: Amount, total: Amount, milli: bool) -> String {
    let (part, whole) = if milli {
        (amount.milli_value(), total.milli_value())
    } else {
        (amount.value(), total.value())
    };
    let percent = if whole == 0 {
        0
    } else {
        (part as f64 / whole as f64 * 100.0) as i64
    };
    format!("{} ({percent}%)", amount.canonical())
}

fn add_all(totals: &mut Totals, list: &Totals) {
    for (name, amount) in list {
        totals.entry(name.clone()).or_default().add(*amount);
    }
}

/// kubectl's `PodRequestsAndLimits`: containers summed, sidecars added,
/// the largest init container's needs if bigger, plus the pod overhead.
pub fn pod_requests_and_limits(pod: &Pod) -> (Totals, Totals) {
    let spec = pod.spec.clone().unwrap_or_default();
    (pod_totals(&spec, false), pod_totals(&spec, true))
}

/// One of `PodRequestsAndLimits`' two sums: requests, or limits.
fn pod_totals(spec: &PodSpec, limits: bool) -> Totals {
    let list = |c: &Container| {
        let resources = c.resources.clone().unwrap_or_default();
        if limits {
            resources.limits
        } else {
            resources.requests
        }
    };
    let mut total = Totals::new();
    for container in &spec.containers {
        add_list(&mut total, list(container).as_ref());
    }
    let mut sidecars = Totals::new();
    let mut init_max = Totals::new();
    for container in spec.init_containers.iter().flatten() {
        let own = list(container);
        let needs = if container.restart_policy.as_deref() == Some("Always") {
            add_list(&mut total, own.as_ref());
            add_list(&mut sidecars, own.as_ref());
            sidecars.clone()
        } else {
            let mut needs = sidecars.clone();
            add_list(&mut needs, own.as_ref());
            needs
        };
        max_into(&mut init_max, &needs);
    }
    max_into(&mut total, &init_max);
    for (name, quantity) in spec.overhead.iter().flatten() {
        // Limits only grow by the overhead of what they already limit.
        if limits && !total.contains_key(name) {
            continue;
        }
        if let Some(amount) = Amount::parse(quantity) {
            total.entry(name.clone()).or_default().add(amount);
        }
    }
    total
}

fn add_list(totals: &mut Totals, list: Option<&BTreeMap<String, Quantity>>) {
    for (name, quantity) in list.into_iter().flatten() {
        if let Some(amount) = Amount::parse(quantity) {
            totals.entry(name.clone()).or_default().add(amount);
        }
    }
}

fn max_into(totals: &mut Totals, other: &Totals) {
    for (name, amount) in other {
        match totals.get(name) {
            Some(current) if current.nanos >= amount.nanos => {}
            _ => {
                totals.insert(name.clone(), *amount);
            }
        }
    }
}

/// The description of a namespace; kubectl shows no events for namespaces.
pub fn describe_namespace(ns: &Namespace) -> String {
    let mut w = PrefixWriter::default();
    let meta = &ns.metadata;
    let status = ns.status.clone().unwrap_or_default();
    w.line(
        LEVEL_0,
        &format!("Name:\t{}", meta.name.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", meta.annotations.as_ref());
    w.line(
        LEVEL_0,
        &format!("Status:\t{}", status.phase.as_deref().unwrap_or("")),
    );
    let conditions = status.conditions.unwrap_or_default();
    if !conditions.is_empty() {
        w.line(LEVEL_0, "Conditions:");
        w.line(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage");
        w.line(LEVEL_1, "----\t------\t------------------\t------\t-------");
        for c in &conditions {
            w.line(
                LEVEL_1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}",
                    c.type_,
                    c.status,
                    rfc1123z(c.last_transition_time.as_ref()),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or(""),
                ),
            );
        }
    }
    // The simulation stores no ResourceQuotas or LimitRanges: the lists are empty.
    w.line(LEVEL_0, "\nNo resource quota.");
    w.line(LEVEL_0, "\nNo LimitRange resource.");
    w.finish()
}

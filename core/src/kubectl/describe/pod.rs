//! `kubectl describe pod`: kubectl's `describePod`, field for field.

use k8s_openapi::api::core::v1::{Container, Event, Pod, PodSpec, PodStatus};

use super::common::{
    annotations_multiline, controlled_by, describe_events, labels_multiline, rfc1123z, since,
    tolerations_multiline,
};
use super::containers::{describe_containers, describe_resources};
use super::quantity::Amount;
use super::volumes::{describe_volumes, topology_spread};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use crate::time::SimTime;

/// The description of a pod; `events` is None with `--show-events=false`.
pub fn describe_pod(pod: &Pod, events: Option<&[Event]>, now: SimTime) -> String {
    let mut w = PrefixWriter::default();
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    identity(&mut w, pod, &spec, &status);
    phase(&mut w, pod, &status, now);
    addresses(&mut w, pod, &status);
    if let Some(resources) = &spec.resources {
        w.line(LEVEL_0, "Resources:");
        describe_resources(&mut w, resources, LEVEL_1);
    }
    containers(&mut w, pod, &spec, &status);
    conditions(&mut w, &spec, &status);
    describe_volumes(&mut w, spec.volumes.as_deref().unwrap_or_default(), "");
    w.line(
        LEVEL_0,
        &format!("QoS Class:\t{}", qos_class(&spec, &status)),
    );
    labels_multiline(&mut w, "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(
        &mut w,
        "Tolerations",
        spec.tolerations.as_deref().unwrap_or_default(),
    );
    let constraints = spec
        .topology_spread_constraints
        .as_deref()
        .unwrap_or_default();
    topology_spread(&mut w, constraints, "");
    describe_events(&mut w, events, now);
    w.finish()
}

/// Name through Annotations.
fn identity(w: &mut PrefixWriter, pod: &Pod, spec: &PodSpec, status: &PodStatus) {
    let meta = &pod.metadata;
    w.line(
        LEVEL_0,
        &format!("Name:\t{}", meta.name.as_deref().unwrap_or("")),
    );
    w.line(
        LEVEL_0,
        &format!("Namespace:\t{}", meta.namespace.as_deref().unwrap_or("")),
    );
    if let Some(priority) = spec.priority {
        w.line(LEVEL_0, &format!("Priority:\t{priority}"));
    }
    let optional = [
        ("Priority Class Name", &spec.priority_class_name),
        ("Runtime Class Name", &spec.runtime_class_name),
        ("Service Account", &spec.service_account_name),
    ];
    for (title, value) in optional {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            w.line(LEVEL_0, &format!("{title}:\t{value}"));
        }
    }
    match spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        None => w.line(LEVEL_0, "Node:\t<none>"),
        Some(node) => {
            let host = status.host_ip.as_deref().unwrap_or("");
            w.line(LEVEL_0, &format!("Node:\t{node}/{host}"));
        }
    }
    if let Some(start) = &status.start_time {
        w.line(LEVEL_0, &format!("Start Time:\t{}", rfc1123z(Some(start))));
    }
    labels_multiline(w, "Labels", meta.labels.as_ref());
    annotations_multiline(w, "Annotations", meta.annotations.as_ref());
}

/// Status (or `Terminating (lasts …)`), Reason, Message and the seccomp profile.
fn phase(w: &mut PrefixWriter, pod: &Pod, status: &PodStatus, now: SimTime) {
    let phase = status.phase.as_deref().unwrap_or("");
    match &pod.metadata.deletion_timestamp {
        Some(deleted) if phase != "Failed" && phase != "Succeeded" => {
            // kubectl measures from the deadline, so a grace period still running is `<invalid>`.
            let lasts = since(Some(deleted), now);
            w.line(LEVEL_0, &format!("Status:\tTerminating (lasts {lasts})"));
            let grace = pod.metadata.deletion_grace_period_seconds.unwrap_or(0);
            w.line(LEVEL_0, &format!("Termination Grace Period:\t{grace}s"));
        }
        _ => w.line(LEVEL_0, &format!("Status:\t{phase}")),
    }
    for (title, value) in [("Reason", &status.reason), ("Message", &status.message)] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            w.line(LEVEL_0, &format!("{title}:\t{value}"));
        }
    }
    let seccomp = pod
        .spec
        .as_ref()
        .and_then(|s| s.security_context.as_ref())
        .and_then(|s| s.seccomp_profile.as_ref());
    if let Some(profile) = seccomp {
        w.line(LEVEL_0, &format!("SeccompProfile:\t{}", profile.type_));
        if profile.type_ == "Localhost" {
            let local = profile.localhost_profile.as_deref().unwrap_or("");
            w.line(LEVEL_0, &format!("LocalhostProfile:\t{local}"));
        }
    }
}

/// IP, IPs, Controlled By and NominatedNodeName.
fn addresses(w: &mut PrefixWriter, pod: &Pod, status: &PodStatus) {
    w.line(
        LEVEL_0,
        &format!("IP:\t{}", status.pod_ip.as_deref().unwrap_or("")),
    );
    let ips = status.pod_ips.as_deref().unwrap_or_default();
    if ips.is_empty() {
        w.line(LEVEL_0, "IPs:\t<none>");
    } else {
        w.line(LEVEL_0, "IPs:");
        for ip in ips {
            w.line(LEVEL_1, &format!("IP:\t{}", ip.ip));
        }
    }
    if let Some(controller) = controlled_by(&pod.metadata) {
        w.line(LEVEL_0, &format!("Controlled By:\t{controller}"));
    }
    if let Some(node) = status
        .nominated_node_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        w.line(LEVEL_0, &format!("NominatedNodeName:\t{node}"));
    }
}

/// Init, regular and ephemeral containers with their statuses.
fn containers(w: &mut PrefixWriter, pod: &Pod, spec: &PodSpec, status: &PodStatus) {
    if let Some(init) = spec.init_containers.as_deref().filter(|c| !c.is_empty()) {
        let statuses = status.init_container_statuses.as_deref();
        describe_containers(w, "Init Containers", init, statuses, Some(pod), "");
    }
    let statuses = status.container_statuses.as_deref();
    describe_containers(w, "Containers", &spec.containers, statuses, Some(pod), "");
    let ephemeral: Vec<Container> = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .map(|e| Container {
            name: e.name.clone(),
            image: e.image.clone(),
            command: e.command.clone(),
            args: e.args.clone(),
            env: e.env.clone(),
            env_from: e.env_from.clone(),
            ports: e.ports.clone(),
            resources: e.resources.clone(),
            volume_mounts: e.volume_mounts.clone(),
            volume_devices: e.volume_devices.clone(),
            security_context: e.security_context.clone(),
            ..Default::default()
        })
        .collect();
    if !ephemeral.is_empty() {
        let statuses = status.ephemeral_container_statuses.as_deref();
        describe_containers(
            w,
            "Ephemeral Containers",
            &ephemeral,
            statuses,
            Some(pod),
            "",
        );
    }
}

/// Readiness Gates and Conditions, each row's cells ending in a space as kubectl's do.
fn conditions(w: &mut PrefixWriter, spec: &PodSpec, status: &PodStatus) {
    let conditions = status.conditions.as_deref().unwrap_or_default();
    let gates = spec.readiness_gates.as_deref().unwrap_or_default();
    if !gates.is_empty() {
        w.line(LEVEL_0, "Readiness Gates:\n  Type\tStatus");
        for gate in gates {
            let state = conditions
                .iter()
                .find(|c| c.type_ == gate.condition_type)
                .map_or("<none>", |c| c.status.as_str());
            w.line(LEVEL_1, &format!("{} \t{state} ", gate.condition_type));
        }
    }
    if !conditions.is_empty() {
        w.line(LEVEL_0, "Conditions:\n  Type\tStatus");
        for c in conditions {
            w.line(LEVEL_1, &format!("{} \t{} ", c.type_, c.status));
        }
    }
}

/// The QoS class: the status's, else computed as the API server does.
pub fn qos_class(spec: &PodSpec, status: &PodStatus) -> String {
    if let Some(class) = status.qos_class.as_deref().filter(|c| !c.is_empty()) {
        return class.to_string();
    }
    let mut requests = std::collections::BTreeMap::<String, Amount>::new();
    let mut limits = std::collections::BTreeMap::<String, Amount>::new();
    let mut guaranteed = true;
    let all = spec
        .init_containers
        .iter()
        .flatten()
        .chain(&spec.containers);
    for container in all {
        let resources = container.resources.clone().unwrap_or_default();
        accumulate(&mut requests, resources.requests.as_ref());
        let found = accumulate(&mut limits, resources.limits.as_ref());
        if !(found.contains(&"cpu") && found.contains(&"memory")) {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort".into();
    }
    let equal = requests
        .iter()
        .all(|(name, amount)| limits.get(name).is_some_and(|l| l.nanos == amount.nanos));
    if guaranteed && equal && requests.len() == limits.len() {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

/// Adds a container's non-zero cpu and memory to the totals; returns the names found.
fn accumulate(
    totals: &mut std::collections::BTreeMap<String, Amount>,
    list: Option<
        &std::collections::BTreeMap<
            String,
            k8s_openapi::apimachinery::pkg::api::resource::Quantity,
        >,
    >,
) -> Vec<&'static str> {
    let mut found = Vec::new();
    for name in ["cpu", "memory"] {
        let amount = list
            .and_then(|l| l.get(name))
            .and_then(Amount::parse)
            .filter(|a| a.nanos != 0);
        if let Some(amount) = amount {
            totals.entry(name.to_string()).or_default().add(amount);
            found.push(name);
        }
    }
    found
}

//! `kubectl describe service` (endpoints from the Service's EndpointSlices,
//! as kubectl 1.32 reads them) and `describe endpoints`.

use k8s_openapi::api::core::v1::{EndpointAddress, Endpoints, Event, Service, ServicePort};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::{annotations_multiline, describe_events, format_labels, labels_multiline};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2};
use crate::time::SimTime;

/// The description of a Service, given the EndpointSlices labelled with its name.
pub fn describe_service(
    svc: &Service,
    slices: &[EndpointSlice],
    events: Option<&[Event]>,
    now: SimTime,
) -> String {
    let mut w = PrefixWriter::default();
    let meta = &svc.metadata;
    let spec = svc.spec.clone().unwrap_or_default();
    w.line(
        LEVEL_0,
        &format!("Name:\t{}", meta.name.as_deref().unwrap_or("")),
    );
    w.line(
        LEVEL_0,
        &format!("Namespace:\t{}", meta.namespace.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", meta.annotations.as_ref());
    w.line(
        LEVEL_0,
        &format!("Selector:\t{}", format_labels(spec.selector.as_ref())),
    );
    w.line(
        LEVEL_0,
        &format!("Type:\t{}", spec.type_.as_deref().unwrap_or("")),
    );
    addresses(&mut w, svc);
    for port in spec.ports.iter().flatten() {
        service_port(&mut w, port, slices);
    }
    let affinity = spec.session_affinity.as_deref().unwrap_or("");
    w.line(LEVEL_0, &format!("Session Affinity:\t{affinity}"));
    if let Some(policy) = spec
        .external_traffic_policy
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        w.line(LEVEL_0, &format!("External Traffic Policy:\t{policy}"));
    }
    if let Some(policy) = &spec.internal_traffic_policy {
        w.line(LEVEL_0, &format!("Internal Traffic Policy:\t{policy}"));
    }
    if let Some(port) = spec.health_check_node_port.filter(|p| *p != 0) {
        w.line(LEVEL_0, &format!("HealthCheck NodePort:\t{port}"));
    }
    if let Some(ranges) = spec
        .load_balancer_source_ranges
        .as_ref()
        .filter(|r| !r.is_empty())
    {
        w.line(
            LEVEL_0,
            &format!("LoadBalancer Source Ranges:\t{}", ranges.join(",")),
        );
    }
    if let Some(distribution) = spec
        .traffic_distribution
        .as_deref()
        .filter(|d| !d.is_empty())
    {
        w.line(LEVEL_0, &format!("Traffic Distribution:\t{distribution}"));
    }
    describe_events(&mut w, events, now);
    w.finish()
}

/// IP families, cluster IPs, external IPs and the load balancer's ingress.
fn addresses(w: &mut PrefixWriter, svc: &Service) {
    let spec = svc.spec.clone().unwrap_or_default();
    if let Some(policy) = &spec.ip_family_policy {
        w.line(LEVEL_0, &format!("IP Family Policy:\t{policy}"));
    }
    let families = spec.ip_families.clone().unwrap_or_default();
    w.line(
        LEVEL_0,
        &format!("IP Families:\t{}", joined_or_none(&families)),
    );
    w.line(
        LEVEL_0,
        &format!("IP:\t{}", spec.cluster_ip.as_deref().unwrap_or("")),
    );
    let ips = spec.cluster_ips.clone().unwrap_or_default();
    w.line(LEVEL_0, &format!("IPs:\t{}", joined_or_none(&ips)));
    if let Some(external) = spec.external_ips.as_ref().filter(|e| !e.is_empty()) {
        w.line(LEVEL_0, &format!("External IPs:\t{}", external.join(",")));
    }
    if let Some(ip) = spec.load_balancer_ip.as_deref().filter(|i| !i.is_empty()) {
        w.line(LEVEL_0, &format!("Desired LoadBalancer IP:\t{ip}"));
    }
    if let Some(name) = spec.external_name.as_deref().filter(|n| !n.is_empty()) {
        w.line(LEVEL_0, &format!("External Name:\t{name}"));
    }
    let ingress = svc
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.clone())
        .unwrap_or_default();
    if !ingress.is_empty() {
        let list: Vec<String> = ingress
            .iter()
            .map(|i| match i.ip.as_deref().filter(|ip| !ip.is_empty()) {
                Some(ip) => match &i.ip_mode {
                    Some(mode) => format!("{ip} ({mode})"),
                    None => ip.to_string(),
                },
                None => i.hostname.clone().unwrap_or_default(),
            })
            .collect();
        w.line(
            LEVEL_0,
            &format!("LoadBalancer Ingress:\t{}", list.join(", ")),
        );
    }
}

fn joined_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "<none>".into()
    } else {
        items.join(",")
    }
}

/// `Port:`, `TargetPort:`, `NodePort:` and `Endpoints:` for one service port.
fn service_port(w: &mut PrefixWriter, port: &ServicePort, slices: &[EndpointSlice]) {
    let name = port
        .name
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or("<unset>");
    let protocol = port.protocol.as_deref().unwrap_or("");
    w.line(LEVEL_0, &format!("Port:\t{name}\t{}/{protocol}", port.port));
    let target = match &port.target_port {
        Some(IntOrString::String(s)) => s.clone(),
        Some(IntOrString::Int(n)) => n.to_string(),
        None => "0".into(),
    };
    w.line(LEVEL_0, &format!("TargetPort:\t{target}/{protocol}"));
    if let Some(node_port) = port.node_port.filter(|p| *p != 0) {
        w.line(
            LEVEL_0,
            &format!("NodePort:\t{name}\t{node_port}/{protocol}"),
        );
    }
    let port_name = port.name.as_deref().unwrap_or("");
    w.line(
        LEVEL_0,
        &format!("Endpoints:\t{}", format_endpoint_slices(slices, port_name)),
    );
}

/// kubectl's `formatEndpointSlices`: ready `ip:port` pairs for the port's
/// name, at most three then ` + N more...`; `<none>` without slices.
pub fn format_endpoint_slices(slices: &[EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let mut pairs: Vec<String> = Vec::new();
    for slice in slices {
        let ready = slice.endpoints.iter().filter(|e| {
            e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true) && !e.addresses.is_empty()
        });
        let ports = slice.ports.as_deref().unwrap_or_default();
        if ports.is_empty() {
            pairs.extend(ready.map(|e| e.addresses[0].clone()));
            continue;
        }
        let ready: Vec<_> = ready.collect();
        for port in ports
            .iter()
            .filter(|p| p.name.as_deref().unwrap_or("") == port_name)
        {
            let number = port.port.unwrap_or(0);
            pairs.extend(
                ready
                    .iter()
                    .map(|e| join_host_port(&e.addresses[0], number)),
            );
        }
    }
    match pairs.len() {
        0..=3 => pairs.join(","),
        n => format!("{} + {} more...", pairs[..3].join(","), n - 3),
    }
}

/// Go's `net.JoinHostPort`: IPv6 addresses get brackets.
fn join_host_port(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// The description of an Endpoints object: each subset's addresses and ports.
pub fn describe_endpoints(ep: &Endpoints, events: Option<&[Event]>, now: SimTime) -> String {
    let mut w = PrefixWriter::default();
    let meta = &ep.metadata;
    w.line(
        LEVEL_0,
        &format!("Name:\t{}", meta.name.as_deref().unwrap_or("")),
    );
    w.line(
        LEVEL_0,
        &format!("Namespace:\t{}", meta.namespace.as_deref().unwrap_or("")),
    );
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", meta.annotations.as_ref());
    w.line(LEVEL_0, "Subsets:");
    for subset in ep.subsets.iter().flatten() {
        let addresses = address_list(subset.addresses.as_deref());
        w.line(LEVEL_1, &format!("Addresses:\t{addresses}"));
        let not_ready = address_list(subset.not_ready_addresses.as_deref());
        w.line(LEVEL_1, &format!("NotReadyAddresses:\t{not_ready}"));
        let ports = subset.ports.as_deref().unwrap_or_default();
        if !ports.is_empty() {
            w.line(LEVEL_1, "Ports:");
            w.line(LEVEL_2, "Name\tPort\tProtocol");
            w.line(LEVEL_2, "----\t----\t--------");
            for port in ports {
                let name = port
                    .name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .unwrap_or("<unset>");
                let protocol = port.protocol.as_deref().unwrap_or("");
                w.line(LEVEL_2, &format!("{name}\t{}\t{protocol}", port.port));
            }
        }
        w.line(LEVEL_0, "");
    }
    describe_events(&mut w, events, now);
    w.finish()
}

fn address_list(addresses: Option<&[EndpointAddress]>) -> String {
    let ips: Vec<&str> = addresses
        .unwrap_or_default()
        .iter()
        .map(|a| a.ip.as_str())
        .collect();
    if ips.is_empty() {
        "<none>".into()
    } else {
        ips.join(",")
    }
}

//! Cluster DNS as CoreDNS answers it: services by name through the pod's
//! search path (ndots 5), headless services by their pods, and pod records.

use std::net::Ipv4Addr;

use crate::api::{Kind, Object};
use crate::store::Store;

/// The cluster domain.
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// The search path of a pod in `namespace` with `dnsPolicy: ClusterFirst`.
pub fn search_path(namespace: &str) -> [String; 3] {
    [
        format!("{namespace}.svc.{CLUSTER_DOMAIN}"),
        format!("svc.{CLUSTER_DOMAIN}"),
        CLUSTER_DOMAIN.to_string(),
    ]
}

/// A pod's `/etc/resolv.conf`, with kube-dns at `nameserver`.
pub fn resolv_conf(namespace: &str, nameserver: Ipv4Addr) -> String {
    format!(
        "search {}\nnameserver {}\noptions ndots:5\n",
        search_path(namespace).join(" "),
        nameserver
    )
}

/// Resolves a name as a pod in `namespace` would: a name with fewer than
/// five dots is tried with each search suffix first, then as it is.
/// An IP address resolves to itself. None is NXDOMAIN.
pub fn resolve(store: &Store, namespace: &str, name: &str) -> Option<Vec<Ipv4Addr>> {
    resolve_with_name(store, namespace, name).map(|(_, addresses)| addresses)
}

/// Like [`resolve`], with the fully qualified name that answered
/// (`echo.default.svc.cluster.local`), as nslookup prints it.
pub fn resolve_with_name(
    store: &Store,
    namespace: &str,
    name: &str,
) -> Option<(String, Vec<Ipv4Addr>)> {
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        return Some((name.to_string(), vec![ip]));
    }
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" {
        return Some((name, vec![Ipv4Addr::LOCALHOST]));
    }
    let dots = name.matches('.').count();
    let mut candidates: Vec<String> = Vec::new();
    if dots < 5 {
        candidates.extend(
            search_path(namespace)
                .iter()
                .map(|suffix| format!("{name}.{suffix}")),
        );
    }
    candidates.push(name);
    candidates
        .into_iter()
        .find_map(|fqdn| lookup(store, &fqdn).map(|a| (fqdn, a)))
}

/// Answers one fully qualified name.
fn lookup(store: &Store, fqdn: &str) -> Option<Vec<Ipv4Addr>> {
    let local = fqdn.strip_suffix(&format!(".{CLUSTER_DOMAIN}"))?;
    let parts: Vec<&str> = local.split('.').collect();
    match parts.as_slice() {
        [service, namespace, "svc"] => service_ips(store, namespace, service),
        [pod_ip, _namespace, "pod"] => pod_ip.replace('-', ".").parse().ok().map(|ip| vec![ip]),
        _ => None,
    }
}

fn service_ips(store: &Store, namespace: &str, name: &str) -> Option<Vec<Ipv4Addr>> {
    let Object::Service(service) = store.find(Kind::Service, namespace, name)?.as_ref() else {
        return None;
    };
    let spec = service.spec.as_ref()?;
    match spec.cluster_ip.as_deref() {
        Some("None") => {
            // Headless: the ready pods' addresses.
            let Some(Object::Endpoints(endpoints)) = store
                .find(Kind::Endpoints, namespace, name)
                .map(|o| o.as_ref())
            else {
                return Some(Vec::new());
            };
            Some(
                endpoints
                    .subsets
                    .iter()
                    .flatten()
                    .flat_map(|s| s.addresses.iter().flatten())
                    .filter_map(|a| a.ip.parse().ok())
                    .collect(),
            )
        }
        Some(ip) => ip.parse().ok().map(|ip| vec![ip]),
        None => None,
    }
}

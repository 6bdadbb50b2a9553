//! The cluster's bridge network: one per cluster, so that two clusters on
//! one engine never see each other's Service names, and laid out so that a
//! Service's ClusterIP is a real address on it.
//!
//! Each network takes a /22 of kubeadm's service range (10.96.0.0/12), the
//! first free one on the engine: its lower /23 is the cluster's service
//! range (`ClusterConfig::service_cidr`, the `kubernetes` Service at .1),
//! where each Service's proxy sits at its ClusterIP; its upper /23 is where
//! Docker gives the pods their IPs, with the gateway at its last address.
//! The service range is kept in the network's [`SERVICE_CIDR`] label, so a
//! restarted sunaba reads the one its Services were given.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use bollard::models::{Ipam, IpamConfig, Network, NetworkCreateRequest};
use bollard::query_parameters::ListNetworksOptions;
use bollard::Docker;
use sunaba_core::network::ipam::ServiceCidr;

use super::spec::{Role, CLUSTER, ROLE};
use super::DockerError;

/// The label that keeps a network's service range (`10.96.4.0/23`).
pub const SERVICE_CIDR: &str = "io.sunaba.service-cidr";

/// The prefix of each cluster's slice of the service range.
const SLICE_PREFIX: u8 = 22;

/// A cluster's network on the engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodNetwork {
    /// Its Docker ID.
    pub id: String,
    /// The range its Services' ClusterIPs come from.
    pub services: ServiceCidr,
}

/// How one /22 is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The whole slice: the network's subnet.
    pub subnet: (Ipv4Addr, u8),
    /// Its lower half: the Services' ClusterIPs.
    pub services: ServiceCidr,
    /// Its upper half: where Docker places the pods.
    pub pods: (Ipv4Addr, u8),
    /// The bridge's own address: the slice's last usable one.
    pub gateway: Ipv4Addr,
}

impl Layout {
    /// The layout of the slice starting at `network`.
    pub fn of(network: Ipv4Addr) -> Self {
        let base = u32::from(network);
        let size = 1u32 << (32 - u32::from(SLICE_PREFIX));
        Self {
            subnet: (network, SLICE_PREFIX),
            services: ServiceCidr {
                network,
                prefix: SLICE_PREFIX + 1,
            },
            pods: (Ipv4Addr::from(base + size / 2), SLICE_PREFIX + 1),
            gateway: Ipv4Addr::from(base + size - 2),
        }
    }

    /// The first slice of kubeadm's service range that overlaps none of `taken`.
    pub fn first_free(taken: &[(Ipv4Addr, u8)]) -> Option<Self> {
        let range = ServiceCidr::KUBEADM;
        let slice = 1u32 << (32 - u32::from(SLICE_PREFIX));
        (0..range.size() / slice)
            .map(|i| Ipv4Addr::from(u32::from(range.network) + i * slice))
            .find(|start| taken.iter().all(|t| !overlaps((*start, SLICE_PREFIX), *t)))
            .map(Self::of)
    }
}

/// Whether two CIDR blocks share an address.
fn overlaps(a: (Ipv4Addr, u8), b: (Ipv4Addr, u8)) -> bool {
    let prefix = a.1.min(b.1).min(32);
    let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
    u32::from(a.0) & mask == u32::from(b.0) & mask
}

/// `10.96.0.0/22` as its parts.
pub fn parse_cidr(text: &str) -> Option<(Ipv4Addr, u8)> {
    let (ip, prefix) = text.split_once('/')?;
    Some((ip.parse().ok()?, prefix.parse().ok().filter(|p| *p <= 32)?))
}

fn cidr_text((ip, prefix): (Ipv4Addr, u8)) -> String {
    format!("{ip}/{prefix}")
}

/// The network's name for a cluster: `sunaba` for the `default` cluster,
/// `sunaba-<cluster>` for the others.
pub fn name_for(cluster: &str) -> String {
    if cluster == "default" {
        "sunaba".into()
    } else {
        format!("sunaba-{cluster}")
    }
}

/// Creates the cluster's network `name` unless it exists, and returns it;
/// one that exists must be this cluster's.
///
/// Engines before Docker 25 let two networks share a name, so two sunabas
/// starting at once may each create one: each then settles on the oldest,
/// and removes the others while they are still empty.
pub async fn ensure(docker: &Docker, name: &str, cluster: &str) -> Result<PodNetwork, DockerError> {
    let mut found = networks_named(docker, name).await?;
    if found
        .iter()
        .any(|n| ours(n, cluster) && service_range(n).is_none())
    {
        // From a sunaba before the service range was routed: empty, it can go.
        remove_unlaid(docker, &found, name).await?;
        found = networks_named(docker, name).await?;
    }
    if found.is_empty() {
        create(docker, name, cluster).await?;
        found = networks_named(docker, name).await?;
    }
    if found.is_empty() || !found.iter().all(|n| ours(n, cluster)) {
        return Err(DockerError::NetworkNotOurs(name.to_string()));
    }
    found.sort_by_key(|n| {
        let created = n.created.as_deref().and_then(super::logs::parse_time);
        (created, n.id.clone())
    });
    for newer in &found[1..] {
        if let Some(id) = &newer.id {
            // Refused while a container uses it: then it is another's to settle.
            let _ = docker.remove_network(id).await;
        }
    }
    let oldest = &found[0];
    match (oldest.id.clone(), service_range(oldest)) {
        (Some(id), Some(services)) => Ok(PodNetwork { id, services }),
        _ => Err(DockerError::NetworkNotOurs(name.to_string())),
    }
}

/// Removes the networks named `name` that predate the layout; one in use
/// is an error that says how to start afresh.
async fn remove_unlaid(docker: &Docker, found: &[Network], name: &str) -> Result<(), DockerError> {
    for network in found.iter().filter(|n| service_range(n).is_none()) {
        let Some(id) = &network.id else { continue };
        if docker.remove_network(id).await.is_err() {
            return Err(DockerError::NetworkInUse(name.to_string()));
        }
    }
    Ok(())
}

/// Creates the network in the first free slice, trying the next one when
/// another network took it meanwhile.
async fn create(docker: &Docker, name: &str, cluster: &str) -> Result<(), DockerError> {
    let mut taken = subnets_in_use(docker).await?;
    loop {
        let Some(layout) = Layout::first_free(&taken) else {
            return Err(DockerError::NoAddressSpace);
        };
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("bridge".into()),
            labels: Some(HashMap::from([
                (ROLE.to_string(), Role::Network.as_str().to_string()),
                (CLUSTER.to_string(), cluster.to_string()),
                (SERVICE_CIDR.to_string(), layout.services.to_string()),
            ])),
            ipam: Some(Ipam {
                config: Some(vec![IpamConfig {
                    subnet: Some(cidr_text(layout.subnet)),
                    ip_range: Some(cidr_text(layout.pods)),
                    gateway: Some(layout.gateway.to_string()),
                    auxiliary_addresses: None,
                }]),
                ..Ipam::default()
            }),
            ..NetworkCreateRequest::default()
        };
        match docker.create_network(request).await {
            Ok(_) => return Ok(()),
            // Created meanwhile by another sunaba.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 409, ..
            }) => return Ok(()),
            Err(bollard::errors::Error::DockerResponseServerError { message, .. })
                if message.contains("overlaps") =>
            {
                taken.push(layout.subnet);
            }
            Err(err) => return Err(err.into()),
        }
    }
}

/// Every IPv4 subnet the engine's networks use.
async fn subnets_in_use(docker: &Docker) -> Result<Vec<(Ipv4Addr, u8)>, DockerError> {
    let networks = docker.list_networks(None::<ListNetworksOptions>).await?;
    Ok(networks
        .iter()
        .filter_map(|n| n.ipam.as_ref()?.config.as_ref())
        .flatten()
        .filter_map(|c| parse_cidr(c.subnet.as_deref()?))
        .collect())
}

/// Whether the network is sunaba's for this cluster (or, from before
/// clusters had networks of their own, sunaba's at all).
fn ours(network: &Network, cluster: &str) -> bool {
    let labels = network.labels.as_ref();
    let role = labels.and_then(|l| l.get(ROLE));
    let owner = labels.and_then(|l| l.get(CLUSTER));
    role.is_some_and(|r| r == Role::Network.as_str()) && owner.is_none_or(|o| o == cluster)
}

/// The service range the network's label keeps.
fn service_range(network: &Network) -> Option<ServiceCidr> {
    let text = network.labels.as_ref()?.get(SERVICE_CIDR)?;
    let (network, prefix) = parse_cidr(text)?;
    Some(ServiceCidr { network, prefix })
}

/// The networks called exactly `name` (Docker's filter matches parts of names).
async fn networks_named(docker: &Docker, name: &str) -> Result<Vec<Network>, DockerError> {
    let filters = HashMap::from([("name".to_string(), vec![name.to_string()])]);
    let options = ListNetworksOptions {
        filters: Some(filters),
    };
    let mut networks = docker.list_networks(Some(options)).await?;
    networks.retain(|n| n.name.as_deref() == Some(name));
    Ok(networks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> (Ipv4Addr, u8) {
        parse_cidr(text).expect("a CIDR")
    }

    #[test]
    fn a_slice_puts_services_below_and_pods_above_the_gateway() {
        let layout = Layout::of(Ipv4Addr::new(10, 96, 4, 0));
        assert_eq!(cidr_text(layout.subnet), "10.96.4.0/22");
        assert_eq!(layout.services.to_string(), "10.96.4.0/23");
        assert_eq!(layout.services.kubernetes_ip(), Ipv4Addr::new(10, 96, 4, 1));
        assert_eq!(cidr_text(layout.pods), "10.96.6.0/23");
        assert_eq!(layout.gateway, Ipv4Addr::new(10, 96, 7, 254));
    }

    #[test]
    fn the_first_free_slice_skips_every_overlap() {
        let first = Layout::first_free(&[cidr("172.17.0.0/16")]).expect("room");
        assert_eq!(cidr_text(first.subnet), "10.96.0.0/22");
        let taken = [
            cidr("10.96.0.0/22"),
            cidr("10.96.4.0/24"),
            cidr("10.96.9.128/25"),
        ];
        let next = Layout::first_free(&taken).expect("room");
        assert_eq!(cidr_text(next.subnet), "10.96.12.0/22");
        assert_eq!(Layout::first_free(&[cidr("10.0.0.0/8")]), None);
    }

    #[test]
    fn overlap_is_symmetric_and_exact() {
        assert!(overlaps(cidr("10.96.0.0/22"), cidr("10.96.3.255/32")));
        assert!(overlaps(cidr("10.96.3.0/24"), cidr("10.96.0.0/22")));
        assert!(!overlaps(cidr("10.96.0.0/22"), cidr("10.96.4.0/22")));
        assert!(overlaps(cidr("0.0.0.0/0"), cidr("10.96.4.0/22")));
    }

    #[test]
    fn the_default_cluster_keeps_the_plain_name() {
        assert_eq!(name_for("default"), "sunaba");
        assert_eq!(name_for("blue"), "sunaba-blue");
    }
}

//! What a restarted sunaba finds running on the engine, so its kubelet can
//! take the pods over instead of starting them again: each pod's pause
//! container with its IP, and its running containers with their run
//! numbers. Only this cluster's labelled containers count.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use bollard::models::{ContainerSummary, ContainerSummaryStateEnum};
use bollard::Docker;

use super::reset::{self, Scope};
use super::spec::{Role, ATTEMPT, CONTAINER, POD_UID, ROLE};

/// The running containers of one pod.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FoundPod {
    /// The pause container's ID and its IP on the pods' network.
    pub sandbox: Option<(String, Ipv4Addr)>,
    /// Each running container by its spec name: its ID and run number.
    pub containers: HashMap<String, (String, u32)>,
}

/// This cluster's running pods on the engine, by pod uid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    /// The pods found.
    pub pods: HashMap<String, FoundPod>,
}

impl Inventory {
    /// Lists the cluster's containers on the engine.
    pub async fn load(
        docker: &Docker,
        cluster: &str,
        network: &str,
    ) -> Result<Self, bollard::errors::Error> {
        let found = reset::containers(docker, Scope::Cluster(cluster)).await?;
        Ok(Self::of(&found, network))
    }

    /// The inventory of listed containers: running ones only, sandboxes
    /// with an IP on `network`.
    pub fn of(containers: &[ContainerSummary], network: &str) -> Self {
        let mut inventory = Self::default();
        for summary in containers {
            if summary.state != Some(ContainerSummaryStateEnum::RUNNING) {
                continue;
            }
            let labels = summary.labels.clone().unwrap_or_default();
            let (Some(uid), Some(id)) = (labels.get(POD_UID), summary.id.clone()) else {
                continue;
            };
            let pod = inventory.pods.entry(uid.clone()).or_default();
            match labels.get(ROLE).map(String::as_str) {
                Some(role) if role == Role::Pause.as_str() => {
                    if let Some(ip) = ip_on(summary, network) {
                        pod.sandbox = Some((id, ip));
                    }
                }
                Some(role) if role == Role::Container.as_str() => {
                    let name = labels.get(CONTAINER).cloned().unwrap_or_default();
                    let attempt = labels
                        .get(ATTEMPT)
                        .and_then(|a| a.parse().ok())
                        .unwrap_or(1);
                    pod.containers.insert(name, (id, attempt));
                }
                _ => {}
            }
        }
        inventory
    }

    /// Takes the pod's sandbox if it runs with this IP.
    pub fn take_sandbox(&mut self, uid: &str, ip: Ipv4Addr) -> Option<String> {
        let pod = self.pods.get_mut(uid)?;
        match &pod.sandbox {
            Some((_, found)) if *found == ip => pod.sandbox.take().map(|(id, _)| id),
            _ => None,
        }
    }

    /// Takes a container of the pod if it runs this run.
    pub fn take_container(&mut self, uid: &str, name: &str, attempt: u32) -> Option<String> {
        let pod = self.pods.get_mut(uid)?;
        match pod.containers.get(name) {
            Some((_, found)) if *found == attempt => pod.containers.remove(name).map(|(id, _)| id),
            _ => None,
        }
    }
}

/// A container's IP on the network with this ID.
fn ip_on(summary: &ContainerSummary, network: &str) -> Option<Ipv4Addr> {
    summary
        .network_settings
        .as_ref()?
        .networks
        .as_ref()?
        .values()
        .find(|endpoint| endpoint.network_id.as_deref() == Some(network))?
        .ip_address
        .as_deref()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::{ContainerSummaryNetworkSettings, EndpointSettings};

    fn summary(
        role: Role,
        uid: &str,
        container: &str,
        attempt: u32,
        running: bool,
    ) -> ContainerSummary {
        let labels = HashMap::from([
            (ROLE.to_string(), role.as_str().to_string()),
            (POD_UID.to_string(), uid.to_string()),
            (CONTAINER.to_string(), container.to_string()),
            (ATTEMPT.to_string(), attempt.to_string()),
        ]);
        let endpoint = EndpointSettings {
            network_id: Some("net".into()),
            ip_address: Some("172.18.0.5".into()),
            ..EndpointSettings::default()
        };
        ContainerSummary {
            id: Some(format!("{uid}-{container}-{attempt}")),
            labels: Some(labels),
            state: Some(if running {
                ContainerSummaryStateEnum::RUNNING
            } else {
                ContainerSummaryStateEnum::EXITED
            }),
            network_settings: Some(ContainerSummaryNetworkSettings {
                networks: Some(HashMap::from([("sunaba".to_string(), endpoint)])),
            }),
            ..ContainerSummary::default()
        }
    }

    #[test]
    fn running_sandboxes_and_containers_are_found_by_pod_and_run() {
        let listed = [
            summary(Role::Pause, "u1", "", 0, true),
            summary(Role::Container, "u1", "echo", 2, true),
            summary(Role::Container, "u1", "echo", 1, false),
            summary(Role::Container, "u2", "web", 1, false),
        ];
        let mut inventory = Inventory::of(&listed, "net");
        let ip: Ipv4Addr = "172.18.0.5".parse().expect("an IP");
        assert_eq!(
            inventory.take_sandbox("u1", "172.18.0.9".parse().expect("an IP")),
            None
        );
        assert_eq!(inventory.take_sandbox("u1", ip).as_deref(), Some("u1--0"));
        assert_eq!(inventory.take_sandbox("u1", ip), None, "taken once");
        assert_eq!(
            inventory.take_container("u1", "echo", 1),
            None,
            "the exited run"
        );
        assert_eq!(
            inventory.take_container("u1", "echo", 2).as_deref(),
            Some("u1-echo-2")
        );
        assert_eq!(
            inventory.take_container("u2", "web", 1),
            None,
            "not running"
        );
    }
}

//! Finding and removing what sunaba created on the engine, by its labels and
//! never anything else: a pod's objects (for `remove_sandbox`), a cluster's
//! (its pods' and its Services' proxies), or all of sunaba's (for
//! `sunaba reset --backend docker`, and tests' clean-up).

use std::collections::HashMap;

use bollard::errors::Error;
use bollard::models::ContainerSummary;
use bollard::query_parameters::{
    ListContainersOptions, ListNetworksOptions, ListVolumesOptions, RemoveContainerOptions,
    RemoveVolumeOptions,
};
use bollard::Docker;

use super::spec::{Role, CLUSTER, POD_UID, ROLE};

/// Which of sunaba's objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// One pod's containers and volumes.
    Pod {
        /// The cluster it belongs to.
        cluster: &'a str,
        /// Its uid.
        uid: &'a str,
    },
    /// A cluster's containers (its Services' proxies too), volumes and network.
    Cluster(&'a str),
    /// Everything sunaba created, the networks included.
    All,
}

impl Scope<'_> {
    /// The `label` filter that selects the scope.
    fn filters(self) -> HashMap<String, Vec<String>> {
        let labels = match self {
            Scope::Pod { cluster, uid } => {
                vec![format!("{CLUSTER}={cluster}"), format!("{POD_UID}={uid}")]
            }
            Scope::Cluster(cluster) => vec![format!("{CLUSTER}={cluster}")],
            Scope::All => vec![ROLE.to_string()],
        };
        HashMap::from([("label".to_string(), labels)])
    }
}

/// What a removal removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    /// Containers (pause containers included).
    pub containers: usize,
    /// Volumes.
    pub volumes: usize,
    /// Networks.
    pub networks: usize,
}

/// The containers in `scope`, running or not.
pub async fn containers(docker: &Docker, scope: Scope<'_>) -> Result<Vec<ContainerSummary>, Error> {
    docker
        .list_containers(Some(ListContainersOptions {
            all: true,
            filters: Some(scope.filters()),
            ..ListContainersOptions::default()
        }))
        .await
}

/// Removes the containers (killing them: the kubelet already gave them their
/// grace period), then the volumes, then the networks: the cluster's for
/// [`Scope::Cluster`], every one of sunaba's for [`Scope::All`].
pub async fn remove(docker: &Docker, scope: Scope<'_>) -> Result<Removed, Error> {
    let mut removed = Removed::default();
    let mut found = containers(docker, scope).await?;
    // The pod's containers first, their pause container last.
    found.sort_by_key(|c| {
        c.labels
            .as_ref()
            .and_then(|l| l.get(ROLE))
            .is_some_and(|role| role == Role::Pause.as_str())
    });
    for container in found {
        let Some(id) = container.id else { continue };
        let options = RemoveContainerOptions {
            force: true,
            ..RemoveContainerOptions::default()
        };
        match docker.remove_container(&id, Some(options)).await {
            Ok(()) => removed.containers += 1,
            Err(err) if is_not_found(&err) => {}
            Err(err) => return Err(err),
        }
    }
    let volumes = docker
        .list_volumes(Some(ListVolumesOptions {
            filters: Some(scope.filters()),
        }))
        .await?;
    for volume in volumes.volumes.into_iter().flatten() {
        match docker
            .remove_volume(&volume.name, None::<RemoveVolumeOptions>)
            .await
        {
            Ok(()) => removed.volumes += 1,
            Err(err) if is_not_found(&err) => {}
            Err(err) => return Err(err),
        }
    }
    if matches!(scope, Scope::All | Scope::Cluster(_)) {
        let networks = docker
            .list_networks(Some(ListNetworksOptions {
                filters: Some(scope.filters()),
            }))
            .await?;
        for network in networks {
            let Some(id) = network.id else { continue };
            match docker.remove_network(&id).await {
                Ok(()) => removed.networks += 1,
                Err(err) if is_not_found(&err) => {}
                Err(err) => return Err(err),
            }
        }
    }
    Ok(removed)
}

/// Whether Docker answered 404: the object is gone already.
pub fn is_not_found(err: &Error) -> bool {
    matches!(
        err,
        Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

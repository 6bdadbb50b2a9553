//! A Docker-backed cluster in the test's own process: the cluster thread
//! with its worker node on the engine, and the Services' reconciler, as
//! `sunaba serve --backend docker` runs them, read and changed through the
//! cluster handle (no HTTP, no kubectl). Its Docker objects carry a label
//! of their own and are removed when it is dropped.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use k8s_openapi::api::core::v1::Pod;
use sunaba_core::api::{Kind, Object};
use sunaba_server::cluster::ClusterHandle;
use sunaba_server::docker::{services, DockerConfig};
use sunaba_server::serve::docker_startup;
use tokio::task::JoinHandle;

/// How long a wait for the engine may take.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// A running Docker-backed cluster.
pub struct DockerCluster {
    /// The handle on the cluster thread, until [`DockerCluster::stop`].
    cluster: Option<ClusterHandle>,
    /// Its `io.sunaba.cluster` label.
    pub label: String,
    services: JoinHandle<()>,
    state: PathBuf,
}

impl DockerCluster {
    /// Starts a cluster labelled after `test` and the time, and seeded by
    /// the time too: pods' uids name their containers on the engine, so
    /// two clusters (or runs) must never draw the same ones.
    pub async fn start(test: &str) -> Self {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let seed = u64::try_from(stamp % u128::from(u64::MAX)).unwrap_or(0)
            ^ u64::from(std::process::id());
        let label = format!("test-{test}-{}-{stamp}", std::process::id());
        let state = std::env::temp_dir().join(format!("sunaba-{label}"));
        let config = DockerConfig {
            cluster: label.clone(),
            state_dir: Some(state.clone()),
            ..DockerConfig::default()
        };
        let startup = docker_startup(&config, Some(seed))
            .await
            .expect("the Docker engine answers");
        let cluster = ClusterHandle::launch(startup).expect("the cluster starts");
        let services = services::start(cluster.clone(), &config)
            .await
            .expect("the Services' reconciler starts");
        Self {
            cluster: Some(cluster),
            label,
            services,
            state,
        }
    }

    /// The handle on the cluster thread.
    pub fn handle(&self) -> &ClusterHandle {
        self.cluster
            .as_ref()
            .expect("the cluster runs until stopped")
    }

    /// Creates the objects of a YAML text; panics on any refusal.
    pub async fn create(&self, manifests: &str) {
        let manifests = manifests.to_string();
        let created = self
            .handle()
            .call(move |c| {
                c.create_manifests(&manifests).map(|results| {
                    results
                        .into_iter()
                        .map(|r| r.map(|_| ()).map_err(|e| e.to_string()))
                        .collect::<Vec<_>>()
                })
            })
            .await
            .expect("the cluster runs")
            .expect("the manifests decode");
        assert!(created.iter().all(Result::is_ok), "{created:?}");
    }

    /// A pod in `default`, as the cluster holds it.
    pub async fn pod(&self, name: &str) -> Option<Pod> {
        let name = name.to_string();
        self.handle()
            .call(
                move |c| match c.api().get(Kind::Pod, "default", &name).ok()?.as_ref() {
                    Object::Pod(pod) => Some((**pod).clone()),
                    _ => None,
                },
            )
            .await
            .ok()
            .flatten()
    }

    /// Waits until the pod satisfies `check`, for at most [`PATIENCE`]; returns it.
    pub async fn wait_for_pod(&self, name: &str, check: impl Fn(&Pod) -> bool) -> Pod {
        let start = Instant::now();
        loop {
            if let Some(pod) = self.pod(name).await.filter(&check) {
                return pod;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "{name} never got there: {:?}\n{:#?}",
                self.pod(name).await.and_then(|p| p.status),
                self.events(name).await
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// The events about a pod in `default`, oldest first, as
    /// `<type> <reason>: <message>`.
    pub async fn events(&self, name: &str) -> Vec<String> {
        let name = name.to_string();
        self.handle()
            .call(move |c| {
                let Ok(pod) = c.api().get(Kind::Pod, "default", &name) else {
                    return Vec::new();
                };
                c.api()
                    .events_for(&pod)
                    .iter()
                    .filter_map(|e| match e.as_ref() {
                        Object::Event(event) => Some(format!(
                            "{} {}: {}",
                            event.type_.as_deref().unwrap_or_default(),
                            event.reason.as_deref().unwrap_or_default(),
                            event.message.as_deref().unwrap_or_default()
                        )),
                        _ => None,
                    })
                    .collect()
            })
            .await
            .unwrap_or_default()
    }

    /// Stops the cluster (and so its runtime), then removes what it made.
    pub async fn stop(mut self) {
        self.services.abort();
        self.cluster = None;
        // Give the runtime's last requests a moment to finish before the clean-up.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

impl Drop for DockerCluster {
    fn drop(&mut self) {
        self.services.abort();
        crate::docker::remove_cluster(&self.label);
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// Whether every container of the pod is ready, each restarted at least `restarts` times.
pub fn ready_after(pod: &Pod, restarts: i32) -> bool {
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default();
    !statuses.is_empty()
        && statuses
            .iter()
            .all(|c| c.ready && c.restart_count >= restarts)
}

/// The pod's IP, or "".
pub fn pod_ip(pod: &Pod) -> String {
    pod.status
        .as_ref()
        .and_then(|s| s.pod_ip.clone())
        .unwrap_or_default()
}

//! The engine workload that the benchmark figures time, shared by the
//! native figures (`benches/figures.rs`) and the WASM one in Chromium
//! (`tests/wasm_bench.rs`), so both time exactly the same work: one
//! Deployment scaled from 0 on a number of worker nodes (100 for the
//! budgets' figures) until every pod runs, then rolled out to a new image
//! until every new pod runs.

use sunaba_core::api::{Kind, Object};
use sunaba_core::{Cluster, ClusterConfig};

/// Worker nodes in the budgets' cluster.
pub const WORKERS: usize = 100;

/// The Deployment, as a learner would write it.
pub fn deployment(replicas: usize, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: {image}\n"
    )
}

/// A fresh cluster with `workers` worker nodes (each takes 110 pods).
pub fn cluster(workers: usize) -> Cluster {
    Cluster::new(ClusterConfig {
        workers,
        ..ClusterConfig::default()
    })
}

/// Pods in `default` that run with `image` and are not terminating.
pub fn running_pods(cluster: &Cluster, image: &str) -> usize {
    cluster
        .api()
        .store()
        .list(Kind::Pod, Some("default"))
        .filter(|p| match p.as_ref() {
            Object::Pod(pod) => {
                pod.metadata.deletion_timestamp.is_none()
                    && pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
                    && pod
                        .spec
                        .as_ref()
                        .is_some_and(|s| s.containers[0].image.as_deref() == Some(image))
            }
            _ => false,
        })
        .count()
}

/// The image before the rollout.
pub const OLD_IMAGE: &str = "nginx:1.25";
/// The image after it.
pub const NEW_IMAGE: &str = "nginx:1.26";

/// Creates the Deployment and runs the clock for two simulated minutes,
/// by which every pod runs ([`check_running`] says whether they do).
pub fn scale_up(cluster: &mut Cluster, replicas: usize) {
    for result in cluster
        .create_manifests(&deployment(replicas, OLD_IMAGE))
        .expect("the Deployment decodes")
    {
        result.expect("the Deployment is created");
    }
    cluster.advance(120_000);
}

/// Panics unless exactly `replicas` pods run `image`: a time for work that
/// was not done would be a lie. Kept out of the timed part.
pub fn check_running(cluster: &Cluster, image: &str, replicas: usize) {
    assert_eq!(
        running_pods(cluster, image),
        replicas,
        "pods running {image}"
    );
}

/// Changes the image and runs the clock for ten simulated minutes, by which
/// the rollout has completed.
pub fn roll_out(cluster: &mut Cluster) {
    let Object::Deployment(mut d) = Object::clone(
        &cluster
            .api()
            .get(Kind::Deployment, "default", "web")
            .expect("the Deployment exists"),
    ) else {
        unreachable!("a Deployment")
    };
    if let Some(spec) = d.spec.as_mut().and_then(|s| s.template.spec.as_mut()) {
        spec.containers[0].image = Some(NEW_IMAGE.into());
    }
    d.metadata.resource_version = None;
    cluster
        .update(Object::Deployment(d))
        .expect("the Deployment is updated");
    cluster.advance(600_000);
}

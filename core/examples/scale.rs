//! Quick timing of a 10,000-replica scale-up on 100 nodes (the criterion
//! benchmark is the real measure; this is for profiling).
use std::time::Instant;

use sunaba_core::{Cluster, ClusterConfig};

fn main() {
    let replicas: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let mut cluster = Cluster::new(ClusterConfig {
        workers: 100,
        ..ClusterConfig::default()
    });
    let manifest = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n"
    );
    let start = Instant::now();
    for r in cluster.create_manifests(&manifest).expect("decodes") {
        r.expect("created");
    }
    cluster.advance(60_000);
    let took = start.elapsed();
    let running = cluster
        .api()
        .store()
        .list(sunaba_core::api::Kind::Pod, Some("default"))
        .filter(|p| matches!(p.as_ref(), sunaba_core::api::Object::Pod(pod) if pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")))
        .count();
    println!("{replicas} replicas: {running} running after {took:?}");
}

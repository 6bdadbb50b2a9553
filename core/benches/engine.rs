#![allow(missing_docs)] // criterion_group! generates undocumented functions.
//! Engine benchmarks (criterion): scaling a Deployment to many replicas on
//! many nodes until every pod runs, rolling it out to a new image, and
//! decoding a large manifest. Run with `cargo bench -p sunaba-core`;
//! `SUNABA_BENCH_REPLICAS` changes the replica count (default 10,000).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use sunaba_core::api::{Kind, Object};
use sunaba_core::{Cluster, ClusterConfig};

fn replicas() -> usize {
    std::env::var("SUNABA_BENCH_REPLICAS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn deployment(replicas: usize, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: {image}\n"
    )
}

fn cluster() -> Cluster {
    Cluster::new(ClusterConfig {
        workers: 100,
        ..ClusterConfig::default()
    })
}

fn running_pods(cluster: &Cluster) -> usize {
    cluster
        .api()
        .store()
        .list(Kind::Pod, Some("default"))
        .filter(|p| matches!(p.as_ref(), Object::Pod(pod) if pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running") && pod.metadata.deletion_timestamp.is_none()))
        .count()
}

/// Creates the Deployment and runs the clock until every pod runs.
fn scale_up(cluster: &mut Cluster, replicas: usize) {
    for result in cluster
        .create_manifests(&deployment(replicas, "nginx:1.25"))
        .expect("decodes")
    {
        result.expect("created");
    }
    cluster.advance(120_000);
    assert_eq!(running_pods(cluster), replicas);
}

/// Changes the image and runs the clock until the rollout completes.
fn roll_out(cluster: &mut Cluster, replicas: usize) {
    let Object::Deployment(mut d) = Object::clone(
        &cluster
            .api()
            .get(Kind::Deployment, "default", "web")
            .expect("exists"),
    ) else {
        unreachable!("a Deployment")
    };
    if let Some(spec) = d.spec.as_mut().and_then(|s| s.template.spec.as_mut()) {
        spec.containers[0].image = Some("nginx:1.26".into());
    }
    d.metadata.resource_version = None;
    cluster.update(Object::Deployment(d)).expect("updated");
    cluster.advance(600_000);
    assert_eq!(running_pods(cluster), replicas);
}

fn engine(c: &mut Criterion) {
    let replicas = replicas();
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.bench_function(format!("scale_0_to_{replicas}_on_100_nodes"), |b| {
        b.iter_batched(
            cluster,
            |mut cluster| scale_up(&mut cluster, replicas),
            BatchSize::PerIteration,
        )
    });
    group.bench_function(format!("rollout_{replicas}_to_new_image"), |b| {
        b.iter_batched(
            || {
                let mut cluster = cluster();
                scale_up(&mut cluster, replicas);
                cluster
            },
            |mut cluster| roll_out(&mut cluster, replicas),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let text: String = (0..1_000)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  payload: \"{}\"\n", "p".repeat(900)))
        .collect();
    c.bench_function("decode_1mb_manifest_of_1000_objects", |b| {
        b.iter(|| {
            sunaba_core::api::decode::decode_manifests(&text)
                .expect("decodes")
                .len()
        })
    });
    let brackets = "[".repeat(100_000);
    c.bench_function("refuse_100k_open_brackets", |b| {
        b.iter(|| sunaba_core::api::decode::parse_documents(&brackets).is_err())
    });
}

criterion_group!(benches, engine, decoding);
criterion_main!(benches);

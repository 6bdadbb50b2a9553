//! A whole scripted session against the engine, rendered as one transcript:
//! every object as JSON, every container log, every curl answer. Native and
//! WASM runs must produce it byte for byte.

use sunaba_core::api::Kind;
use sunaba_core::apiserver::DeleteOptions;
use sunaba_core::seed;
use sunaba_core::store::ObjectKey;
use sunaba_core::{Cluster, ClusterConfig};

/// Runs the seed's chapter (and a rollout) and renders everything it left behind.
pub fn transcript() -> String {
    let mut cluster = Cluster::new(ClusterConfig {
        seed: 42,
        ..ClusterConfig::default()
    });
    let mut out = String::new();
    for (name, text) in seed::SEED_MANIFESTS.iter().skip(2) {
        for result in cluster
            .create_manifests(text)
            .expect("seed manifests decode")
        {
            out.push_str(&format!(
                "create {name}: {}\n",
                result
                    .map(|o| o.kubectl_name())
                    .unwrap_or_else(|e| e.message().to_string())
            ));
        }
        cluster.advance(20_000);
        if *name == "simple-deployment.yaml" {
            // As the chapter does: the Deployment goes before the labelled ReplicaSets
            // come (it would adopt them otherwise, as a real one does).
            let key = ObjectKey::new(Kind::Deployment, "default", "echo");
            let deleted = cluster.delete(&key, &DeleteOptions::default());
            out.push_str(&format!(
                "delete deployment.apps/echo: {}\n",
                deleted.is_ok()
            ));
            cluster.advance(40_000);
        }
    }
    cluster
        .create_manifests("apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n  - name: debug\n    image: gihyodocker/fundamental:0.1.0\n    stdin: true\n")
        .expect("decodes");
    cluster.advance(20_000);
    for _ in 0..10 {
        let answer = cluster.http_get("default", "debug", "http://echo/");
        out.push_str(&format!("curl: {answer:?}\n"));
        cluster.advance(1_000);
    }
    for kind in Kind::ALL {
        for object in cluster.api().store().list(*kind, None) {
            out.push_str(&format!(
                "{}\n",
                serde_json::to_string(&object.to_value()).unwrap_or_default()
            ));
        }
    }
    for node in cluster.kubelets().nodes() {
        let mut workers: Vec<_> = node.workers().collect();
        workers.sort_by(|a, b| a.0.cmp(b.0));
        for ((ns, pod), worker) in workers {
            for container in &worker.containers {
                let logs = cluster
                    .kubelets()
                    .logs(ns, pod, &container.spec.name, false)
                    .unwrap_or_default();
                for line in &logs {
                    out.push_str(&format!(
                        "log {ns}/{pod}/{}: {} {}\n",
                        container.spec.name,
                        line.at.millis(),
                        line.text
                    ));
                }
            }
        }
    }
    out
}

/// FNV-1a 64 of the transcript, with its length: the golden record.
pub fn fingerprint(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("fnv1a64={hash:016x} bytes={}\n", text.len())
}

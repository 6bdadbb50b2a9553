//! Deployment helpers (Kubernetes' `deploymentutil`): the pod-template hash,
//! revision annotations, surge and unavailability fenceposts.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The label that ties a ReplicaSet and its pods to one template.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";
/// The revision of a Deployment and of each of its ReplicaSets.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// Earlier revisions a reused ReplicaSet had.
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
/// The Deployment's replicas when the ReplicaSet was last scaled.
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
/// Replicas plus surge when the ReplicaSet was last scaled.
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
/// kubectl's change cause, copied onto the ReplicaSet.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// Annotations not copied from a Deployment onto its ReplicaSets.
pub const SKIPPED_ANNOTATIONS: [&str; 6] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// The characters `rand.SafeEncodeString` maps decimal digits to.
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The pod-template hash: FNV-32a of the template (and the collision count),
/// written in decimal and each digit mapped as `SafeEncodeString` maps it.
pub fn pod_template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut hash = 0x811c_9dc5u32;
    let bytes = serde_json::to_vec(template).unwrap_or_default();
    let mut feed = |b: u8| hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    bytes.iter().for_each(|b| feed(*b));
    if let Some(count) = collision_count {
        (count as u32)
            .to_le_bytes()
            .into_iter()
            .chain([0; 4])
            .for_each(&mut feed);
    }
    hash.to_string()
        .bytes()
        .map(|digit| char::from(ALPHANUMS[usize::from(digit) % ALPHANUMS.len()]))
        .collect()
}

/// The replica count a Deployment asks for.
pub fn replicas(d: &Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1).max(0)
}

/// A ReplicaSet's `spec.replicas`.
pub fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
}

/// A ReplicaSet's available replicas.
pub fn rs_available(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}

/// A ReplicaSet's revision, 0 when it has none.
pub fn revision(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> i64 {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// `Recreate` or `RollingUpdate`.
pub fn strategy_type(d: &Deployment) -> &str {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
}

/// Whether the Deployment is paused.
pub fn is_paused(d: &Deployment) -> bool {
    d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false)
}

/// `ResolveFenceposts`: (max surge, max unavailable); surge rounds up,
/// unavailability rounds down, and both zero makes unavailability 1.
pub fn fenceposts(d: &Deployment) -> (i32, i32) {
    if strategy_type(d) != "RollingUpdate" {
        return (0, 0);
    }
    let replicas = replicas(d);
    let rolling = d
        .spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref());
    let default = IntOrString::String("25%".into());
    let surge = scaled(
        rolling
            .and_then(|r| r.max_surge.as_ref())
            .unwrap_or(&default),
        replicas,
        true,
    );
    let unavailable = scaled(
        rolling
            .and_then(|r| r.max_unavailable.as_ref())
            .unwrap_or(&default),
        replicas,
        false,
    );
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

fn scaled(value: &IntOrString, total: i32, round_up: bool) -> i32 {
    match value {
        IntOrString::Int(n) => *n,
        IntOrString::String(text) => {
            let percent: i64 = text.trim_end_matches('%').parse().unwrap_or(0);
            let product = percent * i64::from(total);
            let result = if round_up {
                (product + 99) / 100
            } else {
                product / 100
            };
            result as i32
        }
    }
}

/// Whether a ReplicaSet's template equals the Deployment's, ignoring the hash label.
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    strip_hash(a) == strip_hash(b)
}

fn strip_hash(template: &PodTemplateSpec) -> PodTemplateSpec {
    let mut copy = template.clone();
    if let Some(meta) = copy.metadata.as_mut() {
        if let Some(labels) = meta.labels.as_mut() {
            labels.remove(POD_TEMPLATE_HASH);
            if labels.is_empty() {
                meta.labels = None;
            }
        }
    }
    copy
}

/// The Deployment's annotations that its ReplicaSets carry.
pub fn copyable_annotations(d: &Deployment) -> BTreeMap<String, String> {
    d.metadata
        .annotations
        .iter()
        .flatten()
        .filter(|(k, _)| !SKIPPED_ANNOTATIONS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};

    fn deployment(replicas: i32, surge: &str, unavailable: &str) -> Deployment {
        Deployment {
            spec: Some(DeploymentSpec {
                replicas: Some(replicas),
                strategy: Some(DeploymentStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(RollingUpdateDeployment {
                        max_surge: Some(IntOrString::String(surge.into())),
                        max_unavailable: Some(IntOrString::String(unavailable.into())),
                    }),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn fenceposts_round_surge_up_and_unavailable_down() {
        let expected = [
            (1, (1, 0)),
            (2, (1, 0)),
            (3, (1, 0)),
            (4, (1, 1)),
            (5, (2, 1)),
            (8, (2, 2)),
            (9, (3, 2)),
            (10, (3, 2)),
        ];
        for (replicas, want) in expected {
            assert_eq!(
                fenceposts(&deployment(replicas, "25%", "25%")),
                want,
                "{replicas} replicas"
            );
        }
        assert_eq!(fenceposts(&deployment(3, "0%", "0%")), (0, 1));
    }

    #[test]
    fn template_hashes_use_the_safe_alphabet_and_change_with_collisions() {
        let template = PodTemplateSpec::default();
        let hash = pod_template_hash(&template, None);
        assert!(!hash.is_empty() && hash.len() <= 10);
        assert!(hash.chars().all(|c| "456789bcdf".contains(c)), "{hash}");
        assert_ne!(hash, pod_template_hash(&template, Some(1)));
    }
}

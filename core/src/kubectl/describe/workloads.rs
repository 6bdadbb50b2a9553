//! `kubectl describe replicaset` and `describe deployment`.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Event;

use super::common::{
    annotations_multiline, controlled_by, describe_events, format_label_selector, int_or_string,
    labels_multiline, rfc1123z,
};
use super::volumes::describe_pod_template;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use crate::kubectl::get::printers::selector_text;
use crate::time::SimTime;

/// How many of a controller's pods are in each phase (`Pods Status:`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodCounts {
    /// Phase Running.
    pub running: usize,
    /// Phase Pending.
    pub waiting: usize,
    /// Phase Succeeded.
    pub succeeded: usize,
    /// Phase Failed.
    pub failed: usize,
}

impl PodCounts {
    /// Counts one pod by its phase.
    pub fn count(&mut self, phase: &str) {
        match phase {
            "Running" => self.running += 1,
            "Pending" => self.waiting += 1,
            "Succeeded" => self.succeeded += 1,
            "Failed" => self.failed += 1,
            _ => {}
        }
    }
}

/// The description of a ReplicaSet, given the phases of the pods it controls.
pub fn describe_replicaset(
    rs: &ReplicaSet,
    pods: PodCounts,
    events: Option<&[Event]>,
    now: SimTime,
) -> String {
    let mut w = PrefixWriter::default();
    let meta = &rs.metadata;
    let spec = rs.spec.clone().unwrap_or_default();
    let status = rs.status.clone().unwrap_or_default();
    w.line(
        LEVEL_0,
        &format!("Name:\t{}", meta.name.as_deref().unwrap_or("")),
    );
    w.line(
        LEVEL_0,
        &format!("Namespace:\t{}", meta.namespace.as_deref().unwrap_or("")),
    );
    w.line(
        LEVEL_0,
        &format!("Selector:\t{}", format_label_selector(Some(&spec.selector))),
    );
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", meta.annotations.as_ref());
    if let Some(controller) = controlled_by(meta) {
        w.line(LEVEL_0, &format!("Controlled By:\t{controller}"));
    }
    let desired = spec.replicas.unwrap_or(1);
    w.line(
        LEVEL_0,
        &format!("Replicas:\t{} current / {desired} desired", status.replicas),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            pods.running, pods.waiting, pods.succeeded, pods.failed
        ),
    );
    describe_pod_template(&mut w, &spec.template.unwrap_or_default());
    let conditions: Vec<(String, String, String)> = status
        .conditions
        .iter()
        .flatten()
        .map(|c| {
            (
                c.type_.clone(),
                c.status.clone(),
                c.reason.clone().unwrap_or_default(),
            )
        })
        .collect();
    condition_table(&mut w, &conditions);
    describe_events(&mut w, events, now);
    w.finish()
}

/// The description of a Deployment, given its old ReplicaSets (oldest
/// first) and its new one.
pub fn describe_deployment(
    d: &Deployment,
    old: &[ReplicaSet],
    new: Option<&ReplicaSet>,
    events: Option<&[Event]>,
    now: SimTime,
) -> String {
    let mut w = PrefixWriter::default();
    let meta = &d.metadata;
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    w.line(
        LEVEL_0,
        &format!("Name:\t{}", meta.name.as_deref().unwrap_or("")),
    );
    w.line(
        LEVEL_0,
        &format!("Namespace:\t{}", meta.namespace.as_deref().unwrap_or("")),
    );
    let created = rfc1123z(meta.creation_timestamp.as_ref());
    w.line(LEVEL_0, &format!("CreationTimestamp:\t{created}"));
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, "Annotations", meta.annotations.as_ref());
    w.line(
        LEVEL_0,
        &format!("Selector:\t{}", selector_text(&spec.selector)),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            spec.replicas.unwrap_or(1),
            status.updated_replicas.unwrap_or(0),
            status.replicas.unwrap_or(0),
            status.available_replicas.unwrap_or(0),
            status.unavailable_replicas.unwrap_or(0),
        ),
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    w.line(
        LEVEL_0,
        &format!("StrategyType:\t{}", strategy.type_.as_deref().unwrap_or("")),
    );
    w.line(
        LEVEL_0,
        &format!("MinReadySeconds:\t{}", spec.min_ready_seconds.unwrap_or(0)),
    );
    if let Some(rolling) = &strategy.rolling_update {
        w.line(
            LEVEL_0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                int_or_string(rolling.max_unavailable.as_ref()),
                int_or_string(rolling.max_surge.as_ref()),
            ),
        );
    }
    describe_pod_template(&mut w, &spec.template);
    let conditions: Vec<(String, String, String)> = status
        .conditions
        .iter()
        .flatten()
        .map(|c| {
            (
                c.type_.clone(),
                c.status.clone(),
                c.reason.clone().unwrap_or_default(),
            )
        })
        .collect();
    condition_table(&mut w, &conditions);
    if !old.is_empty() || new.is_some() {
        let old: Vec<&ReplicaSet> = old.iter().collect();
        w.line(LEVEL_0, &format!("OldReplicaSets:\t{}", replica_sets(&old)));
        let new: Vec<&ReplicaSet> = new.into_iter().collect();
        w.line(LEVEL_0, &format!("NewReplicaSet:\t{}", replica_sets(&new)));
    }
    describe_events(&mut w, events, now);
    w.finish()
}

/// `Conditions:` with Type, Status and Reason, when there are any.
fn condition_table(w: &mut PrefixWriter, conditions: &[(String, String, String)]) {
    if conditions.is_empty() {
        return;
    }
    w.line(LEVEL_0, "Conditions:\n  Type\tStatus\tReason");
    w.line(LEVEL_1, "----\t------\t------");
    for (kind, status, reason) in conditions {
        w.line(LEVEL_1, &format!("{kind} \t{status}\t{reason}"));
    }
}

/// `echo-7c5ddbdf54 (3/3 replicas created)`, comma-joined, or `<none>`.
fn replica_sets(sets: &[&ReplicaSet]) -> String {
    let text = sets
        .iter()
        .map(|rs| {
            let created = rs.status.as_ref().map_or(0, |s| s.replicas);
            let desired = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            format!(
                "{} ({created}/{desired} replicas created)",
                rs.metadata.name.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

//! Volumes (kubectl's `describeVolumes` and its per-source printers), topology
//! spread constraints, and `Pod Template:` (`DescribePodTemplate`) for the
//! workload describers.

use k8s_openapi::api::core::v1::{
    PodTemplateSpec, ProjectedVolumeSource, TopologySpreadConstraint, Volume,
};

use super::common::{
    annotations_multiline, bool_pointer, format_label_selector, labels_multiline,
    tolerations_multiline,
};
use super::containers::describe_containers;
use super::quantity::{canonical, Amount};
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};

/// `Volumes:` with each volume's source, or `Volumes:\t<none>`.
pub fn describe_volumes(w: &mut PrefixWriter, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w.line(LEVEL_0, &format!("{space}Volumes:\t<none>"));
        return;
    }
    w.line(LEVEL_0, &format!("{space}Volumes:"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for volume in volumes {
        w.line(LEVEL_1, &format!("{name_indent}{}:", volume.name));
        volume_source(w, volume);
    }
}

fn volume_source(w: &mut PrefixWriter, v: &Volume) {
    if let Some(host) = &v.host_path {
        let kind = host.type_.as_deref().unwrap_or("<none>");
        let path = &host.path;
        w.line(LEVEL_2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{path}\n    HostPathType:\t{kind}"));
    } else if let Some(empty) = &v.empty_dir {
        let limit = empty
            .size_limit
            .as_ref()
            .filter(|q| Amount::parse(q).is_some_and(|a| a.nanos > 0))
            .map_or_else(|| "<unset>".to_string(), canonical);
        let medium = empty.medium.as_deref().unwrap_or("");
        w.line(LEVEL_2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{medium}\n    SizeLimit:\t{limit}"));
    } else if let Some(secret) = &v.secret {
        let name = secret.secret_name.as_deref().unwrap_or("");
        let optional = secret.optional.unwrap_or(false);
        w.line(LEVEL_2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{name}\n    Optional:\t{optional}"));
    } else if let Some(cm) = &v.config_map {
        let optional = cm.optional.unwrap_or(false);
        w.line(LEVEL_2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{optional}", cm.name));
    } else if let Some(projected) = &v.projected {
        projected_source(w, projected);
    } else if let Some(claim) = &v.persistent_volume_claim {
        let read_only = claim.read_only.unwrap_or(false);
        w.line(LEVEL_2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{read_only}", claim.claim_name));
    } else if let Some(downward) = &v.downward_api {
        w.line(
            LEVEL_2,
            "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:",
        );
        for item in downward.items.iter().flatten() {
            if let Some(field) = &item.field_ref {
                w.line(LEVEL_3, &format!("{} -> {}", field.field_path, item.path));
            }
            if let Some(resource) = &item.resource_field_ref {
                w.line(LEVEL_3, &format!("{} -> {}", resource.resource, item.path));
            }
        }
    } else if let Some(nfs) = &v.nfs {
        let read_only = nfs.read_only.unwrap_or(false);
        w.line(LEVEL_2, &format!("Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{read_only}", nfs.server, nfs.path));
    } else if let Some(csi) = &v.csi {
        csi_source(w, csi);
    } else if v.ephemeral.is_some() {
        w.line(LEVEL_2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)");
    } else if let Some(image) = &v.image {
        let reference = image.reference.as_deref().unwrap_or("");
        let policy = image.pull_policy.as_deref().unwrap_or("");
        w.line(LEVEL_2, &format!("Type:\tImage (a container image or OCI artifact)\n    Reference:\t{reference}\n    PullPolicy:\t{policy}"));
    } else {
        w.line(LEVEL_1, "<unknown>");
    }
}

/// kubectl 1.32's projected printer: `ConfigMapOptional:` shows the pointer (`<nil>`).
fn projected_source(w: &mut PrefixWriter, projected: &ProjectedVolumeSource) {
    w.line(
        LEVEL_2,
        "Type:\tProjected (a volume that contains injected data from multiple sources)",
    );
    for source in projected.sources.iter().flatten() {
        if let Some(secret) = &source.secret {
            let optional = bool_pointer(secret.optional);
            w.line(
                LEVEL_2,
                &format!(
                    "SecretName:\t{}\n    SecretOptionalName:\t{optional}",
                    secret.name
                ),
            );
        } else if source.downward_api.is_some() {
            w.line(LEVEL_2, "DownwardAPI:\ttrue");
        } else if let Some(cm) = &source.config_map {
            let optional = bool_pointer(cm.optional);
            w.line(
                LEVEL_2,
                &format!(
                    "ConfigMapName:\t{}\n    ConfigMapOptional:\t{optional}",
                    cm.name
                ),
            );
        } else if let Some(token) = &source.service_account_token {
            let seconds = token.expiration_seconds.unwrap_or(0);
            w.line(LEVEL_2, &format!("TokenExpirationSeconds:\t{seconds}"));
        }
    }
}

fn csi_source(w: &mut PrefixWriter, csi: &k8s_openapi::api::core::v1::CSIVolumeSource) {
    let fs_type = csi.fs_type.as_deref().unwrap_or("");
    let read_only = csi.read_only.unwrap_or(false);
    w.line(LEVEL_2, &format!("Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{fs_type}\n    ReadOnly:\t{read_only}", csi.driver));
    // kubectl indents every write here, continuation lines included.
    w.write(LEVEL_2, "VolumeAttributes:\t");
    let attributes = csi.volume_attributes.clone().unwrap_or_default();
    if attributes.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (i, (key, value)) in attributes.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_2, "");
            w.write(LEVEL_2, "\t");
        }
        let line = format!("{key}={value}");
        match line.get(..140).filter(|_| line.len() > 140) {
            Some(cut) => w.line(LEVEL_2, &format!("{cut}...")),
            None => w.line(LEVEL_2, &line),
        }
    }
}

/// `Topology Spread Constraints:\tzone:DoNotSchedule when max skew 1 is exceeded …`.
pub fn topology_spread(
    w: &mut PrefixWriter,
    constraints: &[TopologySpreadConstraint],
    space: &str,
) {
    if constraints.is_empty() {
        return;
    }
    let mut sorted: Vec<&TopologySpreadConstraint> = constraints.iter().collect();
    sorted.sort_by(|a, b| a.topology_key.cmp(&b.topology_key));
    w.write(LEVEL_0, &format!("{space}Topology Spread Constraints:\t"));
    for (i, c) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, &format!("{space}\t"));
        }
        let mut text = format!(
            "{}:{} when max skew {} is exceeded",
            c.topology_key, c.when_unsatisfiable, c.max_skew
        );
        if let Some(selector) = &c.label_selector {
            text.push_str(&format!(
                " for selector {}",
                format_label_selector(Some(selector))
            ));
        }
        w.line(LEVEL_0, &text);
    }
}

/// kubectl's `DescribePodTemplate`: labels, annotations, containers,
/// volumes, node selectors and tolerations, two spaces in.
pub fn describe_pod_template(w: &mut PrefixWriter, template: &PodTemplateSpec) {
    w.line(LEVEL_0, "Pod Template:");
    let meta = template.metadata.clone().unwrap_or_default();
    labels_multiline(w, "  Labels", meta.labels.as_ref());
    if meta.annotations.as_ref().is_some_and(|a| !a.is_empty()) {
        annotations_multiline(w, "  Annotations", meta.annotations.as_ref());
    }
    let spec = template.spec.clone().unwrap_or_default();
    if let Some(account) = spec
        .service_account_name
        .as_deref()
        .filter(|a| !a.is_empty())
    {
        w.line(LEVEL_1, &format!("Service Account:\t{account}"));
    }
    if let Some(init) = spec.init_containers.as_deref().filter(|c| !c.is_empty()) {
        describe_containers(w, "Init Containers", init, None, None, "  ");
    }
    describe_containers(w, "Containers", &spec.containers, None, None, "  ");
    describe_volumes(w, spec.volumes.as_deref().unwrap_or_default(), "  ");
    let constraints = spec
        .topology_spread_constraints
        .as_deref()
        .unwrap_or_default();
    topology_spread(w, constraints, "  ");
    if let Some(class) = spec
        .priority_class_name
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        w.line(LEVEL_1, &format!("Priority Class Name:\t{class}"));
    }
    labels_multiline(w, "  Node-Selectors", spec.node_selector.as_ref());
    let tolerations = spec.tolerations.as_deref().unwrap_or_default();
    tolerations_multiline(w, "  Tolerations", tolerations);
}

//! Defaulting, as the API server's `SetDefaults_*` functions do it before
//! validation: what a learner leaves out comes back filled in on
//! `kubectl get -o yaml`, and the controllers and kubelets read it.

use k8s_openapi::api::apps::v1::{
    DeploymentSpec, DeploymentStrategy, ReplicaSetSpec, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    Container, HTTPGetAction, NamespaceStatus, PodSpec, PodTemplateSpec, Probe, ServiceSpec,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::api::Object;
use crate::images::Reference;

/// Fills in every default for the object's kind.
pub fn apply_defaults(object: &mut Object) {
    match object {
        Object::Pod(pod) => {
            if let Some(spec) = pod.spec.as_mut() {
                default_pod_spec(spec);
            }
        }
        Object::ReplicaSet(rs) => {
            if let Some(spec) = rs.spec.as_mut() {
                default_replicaset_spec(spec);
            }
        }
        Object::Deployment(d) => {
            if let Some(spec) = d.spec.as_mut() {
                default_deployment_spec(spec);
            }
        }
        Object::Service(svc) => {
            if let Some(spec) = svc.spec.as_mut() {
                default_service_spec(spec);
            }
        }
        Object::Namespace(ns) => {
            let finalizers = ns
                .spec
                .get_or_insert_with(Default::default)
                .finalizers
                .get_or_insert_with(Vec::new);
            if !finalizers.iter().any(|f| f == "kubernetes") {
                finalizers.push("kubernetes".into());
            }
            let status = ns.status.get_or_insert_with(NamespaceStatus::default);
            if status.phase.is_none() {
                status.phase = Some("Active".into());
            }
        }
        Object::Secret(secret) if secret.type_.as_deref().is_none_or(str::is_empty) => {
            secret.type_ = Some("Opaque".into());
        }
        Object::Endpoints(ep) => {
            for port in ep
                .subsets
                .iter_mut()
                .flatten()
                .flat_map(|s| s.ports.iter_mut().flatten())
            {
                port.protocol.get_or_insert_with(|| "TCP".into());
            }
        }
        _ => {}
    }
}

/// `SetDefaults_PodSpec` and its containers', probes' and volumes' defaults.
pub fn default_pod_spec(spec: &mut PodSpec) {
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    spec.security_context.get_or_insert_with(Default::default);
    spec.enable_service_links.get_or_insert(true);
    spec.priority.get_or_insert(0);
    spec.preemption_policy
        .get_or_insert_with(|| "PreemptLowerPriority".into());
    for container in spec
        .init_containers
        .iter_mut()
        .flatten()
        .chain(spec.containers.iter_mut())
    {
        default_container(container);
    }
    for volume in spec.volumes.iter_mut().flatten() {
        if let Some(cm) = volume.config_map.as_mut() {
            cm.default_mode.get_or_insert(0o644);
        }
        if let Some(secret) = volume.secret.as_mut() {
            secret.default_mode.get_or_insert(0o644);
        }
        let has_source = volume.config_map.is_some()
            || volume.secret.is_some()
            || volume.empty_dir.is_some()
            || volume.host_path.is_some()
            || volume.persistent_volume_claim.is_some()
            || volume.projected.is_some()
            || volume.downward_api.is_some();
        if !has_source {
            volume.empty_dir = Some(Default::default());
        }
    }
}

/// A container's defaults: pull policy from the tag, termination message, ports and probes.
fn default_container(container: &mut Container) {
    if container.image_pull_policy.is_none() {
        container.image_pull_policy = Some(default_pull_policy(
            container.image.as_deref().unwrap_or(""),
        ));
    }
    container
        .termination_message_path
        .get_or_insert_with(|| "/dev/termination-log".into());
    container
        .termination_message_policy
        .get_or_insert_with(|| "File".into());
    container.resources.get_or_insert_with(Default::default);
    for port in container.ports.iter_mut().flatten() {
        port.protocol.get_or_insert_with(|| "TCP".into());
    }
    for env in container.env.iter_mut().flatten() {
        if let Some(field) = env.value_from.as_mut().and_then(|v| v.field_ref.as_mut()) {
            field.api_version.get_or_insert_with(|| "v1".into());
        }
    }
    for probe in [
        container.liveness_probe.as_mut(),
        container.readiness_probe.as_mut(),
        container.startup_probe.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        default_probe(probe);
    }
}

/// `Always` for `:latest` or no tag, `IfNotPresent` otherwise (digests included).
pub fn default_pull_policy(image: &str) -> String {
    let reference = Reference::parse(image);
    if image.contains('@') || reference.tag != "latest" {
        "IfNotPresent".into()
    } else {
        "Always".into()
    }
}

fn default_probe(probe: &mut Probe) {
    probe.timeout_seconds.get_or_insert(1);
    probe.period_seconds.get_or_insert(10);
    probe.success_threshold.get_or_insert(1);
    probe.failure_threshold.get_or_insert(3);
    if let Some(HTTPGetAction { scheme, .. }) = probe.http_get.as_mut() {
        scheme.get_or_insert_with(|| "HTTP".into());
    }
}

fn default_template(template: &mut PodTemplateSpec) {
    if let Some(spec) = template.spec.as_mut() {
        default_pod_spec(spec);
    }
}

fn default_replicaset_spec(spec: &mut ReplicaSetSpec) {
    spec.replicas.get_or_insert(1);
    if let Some(template) = spec.template.as_mut() {
        default_template(template);
    }
}

/// apps/v1 `SetDefaults_Deployment`: one replica, RollingUpdate 25%/25%,
/// ten revisions kept, a 600 s progress deadline.
fn default_deployment_spec(spec: &mut DeploymentSpec) {
    spec.replicas.get_or_insert(1);
    let strategy = spec
        .strategy
        .get_or_insert_with(DeploymentStrategy::default);
    let kind = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
    if kind == "RollingUpdate" {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        rolling
            .max_unavailable
            .get_or_insert_with(|| IntOrString::String("25%".into()));
        rolling
            .max_surge
            .get_or_insert_with(|| IntOrString::String("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    default_template(&mut spec.template);
}

/// `SetDefaults_Service`: ClusterIP, no session affinity, TCP ports whose
/// targetPort is the port, and the single-stack IPv4 family.
fn default_service_spec(spec: &mut ServiceSpec) {
    let kind = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
    spec.session_affinity.get_or_insert_with(|| "None".into());
    for port in spec.ports.iter_mut().flatten() {
        port.protocol.get_or_insert_with(|| "TCP".into());
        if port.target_port.is_none() {
            port.target_port = Some(IntOrString::Int(port.port));
        }
    }
    if kind == "ExternalName" {
        return;
    }
    spec.internal_traffic_policy
        .get_or_insert_with(|| "Cluster".into());
    if kind == "NodePort" || kind == "LoadBalancer" {
        spec.external_traffic_policy
            .get_or_insert_with(|| "Cluster".into());
    }
    spec.ip_families.get_or_insert_with(|| vec!["IPv4".into()]);
    spec.ip_family_policy
        .get_or_insert_with(|| "SingleStack".into());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode::decode_manifests;

    fn defaulted(yaml: &str) -> serde_json::Value {
        let mut objects = decode_manifests(yaml).expect("decodes");
        apply_defaults(&mut objects[0]);
        objects[0].to_value()
    }

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx:1.25"), "IfNotPresent");
        assert_eq!(default_pull_policy("localhost:5000/app"), "Always");
        assert_eq!(default_pull_policy("nginx@sha256:abc"), "IfNotPresent");
    }

    #[test]
    fn pods_get_the_api_servers_defaults() {
        let pod = defaulted(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    ports:\n    - containerPort: 80\n    readinessProbe:\n      httpGet:\n        port: 80\n",
        );
        let spec = &pod["spec"];
        assert_eq!(spec["restartPolicy"], "Always");
        assert_eq!(spec["dnsPolicy"], "ClusterFirst");
        assert_eq!(spec["terminationGracePeriodSeconds"], 30);
        assert_eq!(spec["schedulerName"], "default-scheduler");
        let container = &spec["containers"][0];
        assert_eq!(container["imagePullPolicy"], "IfNotPresent");
        assert_eq!(container["ports"][0]["protocol"], "TCP");
        assert_eq!(container["terminationMessagePath"], "/dev/termination-log");
        assert_eq!(container["readinessProbe"]["periodSeconds"], 10);
        assert_eq!(container["readinessProbe"]["httpGet"]["scheme"], "HTTP");
    }

    #[test]
    fn deployments_roll_25_percent_and_keep_ten_revisions() {
        let d = defaulted(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
        );
        let spec = &d["spec"];
        assert_eq!(spec["replicas"], 1);
        assert_eq!(spec["strategy"]["type"], "RollingUpdate");
        assert_eq!(spec["strategy"]["rollingUpdate"]["maxSurge"], "25%");
        assert_eq!(spec["strategy"]["rollingUpdate"]["maxUnavailable"], "25%");
        assert_eq!(spec["revisionHistoryLimit"], 10);
        assert_eq!(spec["progressDeadlineSeconds"], 600);
        assert_eq!(
            spec["template"]["spec"]["containers"][0]["imagePullPolicy"],
            "Always"
        );
    }

    #[test]
    fn recreate_deployments_get_no_rolling_parameters() {
        let d = defaulted(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  strategy:\n    type: Recreate\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
        );
        assert!(d["spec"]["strategy"].get("rollingUpdate").is_none());
    }

    #[test]
    fn service_target_port_defaults_to_the_port() {
        let svc = defaulted(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: {app: s}\n  ports:\n  - port: 80\n",
        );
        let spec = &svc["spec"];
        assert_eq!(spec["type"], "ClusterIP");
        assert_eq!(spec["sessionAffinity"], "None");
        assert_eq!(spec["ports"][0]["targetPort"], 80);
        assert_eq!(spec["ports"][0]["protocol"], "TCP");
        assert_eq!(spec["ipFamilies"][0], "IPv4");
    }
}

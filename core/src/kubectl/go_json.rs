//! JSON as Go's `encoding/json` writes a typed object: struct fields in
//! their declaration order (`kind`, `apiVersion`, `metadata`, then the
//! type's own fields), map keys sorted, `<`, `>` and `&` escaped. kubectl
//! prints typed objects this way (`create deployment -o json`, the objects
//! `set image` gets back), and `--save-config` stores them compactly.
//! Objects read as unstructured maps print with every key sorted instead
//! (`get/output.rs`).
//!
//! The field tables cover the kinds kubectl's generators build and the
//! fields the simulation fills; a field missing from a table is written
//! after the known ones, in byte order.

use serde_json::Value;

use crate::api::Kind;

/// A Go type whose fields have a declared order, or a leaf whose keys
/// (if it is a map) are sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Leaf,
    Deployment,
    ReplicaSet,
    Pod,
    Service,
    ConfigMap,
    Secret,
    Namespace,
    ServiceAccount,
    RoleBinding,
    Subject,
    RoleRef,
    Role,
    ClusterRole,
    PolicyRule,
    AggregationRule,
    Ingress,
    IngressSpec,
    IngressBackend,
    IngressServiceBackend,
    ServiceBackendPort,
    IngressTls,
    IngressRule,
    HttpIngressRuleValue,
    HttpIngressPath,
    Generic,
    ObjectMeta,
    OwnerReference,
    DeploymentSpec,
    DeploymentStrategy,
    RollingUpdate,
    DeploymentStatus,
    Condition,
    LabelSelector,
    SelectorRequirement,
    PodTemplateSpec,
    ReplicaSetSpec,
    ReplicaSetStatus,
    PodSpec,
    Container,
    ContainerPort,
    EnvVar,
    EnvVarSource,
    KeySelector,
    FieldSelector,
    Resources,
    VolumeMount,
    Volume,
    Projected,
    Projection,
    TokenProjection,
    KeyToPathList,
    KeyToPath,
    DownwardItems,
    DownwardFile,
    Toleration,
    Probe,
    HttpGet,
    PodStatus,
    PodCondition,
    HostIp,
    ContainerStatus,
    ContainerState,
    StateWaiting,
    StateRunning,
    StateTerminated,
    ServiceSpec,
    ServicePort,
    ServiceStatus,
    NamespaceSpec,
    NamespaceStatus,
}

use Ty::*;

const TOP: [(&str, Ty); 3] = [
    ("kind", Leaf),
    ("apiVersion", Leaf),
    ("metadata", ObjectMeta),
];

/// Each type's fields in Go declaration order, with the type of each value.
fn fields(ty: Ty) -> &'static [(&'static str, Ty)] {
    match ty {
        Leaf => &[],
        Deployment => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("spec", DeploymentSpec),
            ("status", DeploymentStatus),
        ],
        ReplicaSet => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("spec", ReplicaSetSpec),
            ("status", ReplicaSetStatus),
        ],
        Pod => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("spec", PodSpec),
            ("status", PodStatus),
        ],
        Service => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("spec", ServiceSpec),
            ("status", ServiceStatus),
        ],
        ConfigMap => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("immutable", Leaf),
            ("data", Leaf),
            ("binaryData", Leaf),
        ],
        Secret => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("immutable", Leaf),
            ("data", Leaf),
            ("stringData", Leaf),
            ("type", Leaf),
        ],
        Namespace => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("spec", NamespaceSpec),
            ("status", NamespaceStatus),
        ],
        ServiceAccount => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("secrets", Leaf),
            ("imagePullSecrets", Leaf),
            ("automountServiceAccountToken", Leaf),
        ],
        RoleBinding => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("subjects", Subject),
            ("roleRef", RoleRef),
        ],
        Subject => &[
            ("kind", Leaf),
            ("apiGroup", Leaf),
            ("name", Leaf),
            ("namespace", Leaf),
        ],
        RoleRef => &[("apiGroup", Leaf), ("kind", Leaf), ("name", Leaf)],
        Role => &[TOP[0], TOP[1], TOP[2], ("rules", PolicyRule)],
        ClusterRole => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("rules", PolicyRule),
            ("aggregationRule", AggregationRule),
        ],
        PolicyRule => &[
            ("verbs", Leaf),
            ("apiGroups", Leaf),
            ("resources", Leaf),
            ("resourceNames", Leaf),
            ("nonResourceURLs", Leaf),
        ],
        AggregationRule => &[("clusterRoleSelectors", LabelSelector)],
        Ingress => &[
            TOP[0],
            TOP[1],
            TOP[2],
            ("spec", IngressSpec),
            ("status", Leaf),
        ],
        IngressSpec => &[
            ("ingressClassName", Leaf),
            ("defaultBackend", IngressBackend),
            ("tls", IngressTls),
            ("rules", IngressRule),
        ],
        IngressBackend => &[("service", IngressServiceBackend), ("resource", Leaf)],
        IngressServiceBackend => &[("name", Leaf), ("port", ServiceBackendPort)],
        ServiceBackendPort => &[("name", Leaf), ("number", Leaf)],
        IngressTls => &[("hosts", Leaf), ("secretName", Leaf)],
        IngressRule => &[("host", Leaf), ("http", HttpIngressRuleValue)],
        HttpIngressRuleValue => &[("paths", HttpIngressPath)],
        HttpIngressPath => &[
            ("path", Leaf),
            ("pathType", Leaf),
            ("backend", IngressBackend),
        ],
        Generic => &TOP,
        ObjectMeta => &[
            ("name", Leaf),
            ("generateName", Leaf),
            ("namespace", Leaf),
            ("selfLink", Leaf),
            ("uid", Leaf),
            ("resourceVersion", Leaf),
            ("generation", Leaf),
            ("creationTimestamp", Leaf),
            ("deletionTimestamp", Leaf),
            ("deletionGracePeriodSeconds", Leaf),
            ("labels", Leaf),
            ("annotations", Leaf),
            ("ownerReferences", OwnerReference),
            ("finalizers", Leaf),
            ("managedFields", Leaf),
        ],
        OwnerReference => &[
            ("apiVersion", Leaf),
            ("kind", Leaf),
            ("name", Leaf),
            ("uid", Leaf),
            ("controller", Leaf),
            ("blockOwnerDeletion", Leaf),
        ],
        DeploymentSpec => &[
            ("replicas", Leaf),
            ("selector", LabelSelector),
            ("template", PodTemplateSpec),
            ("strategy", DeploymentStrategy),
            ("minReadySeconds", Leaf),
            ("revisionHistoryLimit", Leaf),
            ("paused", Leaf),
            ("progressDeadlineSeconds", Leaf),
        ],
        DeploymentStrategy => &[("type", Leaf), ("rollingUpdate", RollingUpdate)],
        RollingUpdate => &[("maxUnavailable", Leaf), ("maxSurge", Leaf)],
        DeploymentStatus => &[
            ("observedGeneration", Leaf),
            ("replicas", Leaf),
            ("updatedReplicas", Leaf),
            ("readyReplicas", Leaf),
            ("availableReplicas", Leaf),
            ("unavailableReplicas", Leaf),
            ("terminatingReplicas", Leaf),
            ("conditions", Condition),
            ("collisionCount", Leaf),
        ],
        Condition => &[
            ("type", Leaf),
            ("status", Leaf),
            ("lastUpdateTime", Leaf),
            ("lastTransitionTime", Leaf),
            ("reason", Leaf),
            ("message", Leaf),
        ],
        LabelSelector => &[
            ("matchLabels", Leaf),
            ("matchExpressions", SelectorRequirement),
        ],
        SelectorRequirement => &[("key", Leaf), ("operator", Leaf), ("values", Leaf)],
        PodTemplateSpec => &[("metadata", ObjectMeta), ("spec", PodSpec)],
        ReplicaSetSpec => &[
            ("replicas", Leaf),
            ("minReadySeconds", Leaf),
            ("selector", LabelSelector),
            ("template", PodTemplateSpec),
        ],
        ReplicaSetStatus => &[
            ("replicas", Leaf),
            ("fullyLabeledReplicas", Leaf),
            ("readyReplicas", Leaf),
            ("availableReplicas", Leaf),
            ("terminatingReplicas", Leaf),
            ("observedGeneration", Leaf),
            ("conditions", Condition),
        ],
        PodSpec => &[
            ("volumes", Volume),
            ("initContainers", Container),
            ("containers", Container),
            ("ephemeralContainers", Container),
            ("restartPolicy", Leaf),
            ("terminationGracePeriodSeconds", Leaf),
            ("activeDeadlineSeconds", Leaf),
            ("dnsPolicy", Leaf),
            ("nodeSelector", Leaf),
            ("serviceAccountName", Leaf),
            ("serviceAccount", Leaf),
            ("automountServiceAccountToken", Leaf),
            ("nodeName", Leaf),
            ("hostNetwork", Leaf),
            ("hostPID", Leaf),
            ("hostIPC", Leaf),
            ("shareProcessNamespace", Leaf),
            ("securityContext", Leaf),
            ("imagePullSecrets", Leaf),
            ("hostname", Leaf),
            ("subdomain", Leaf),
            ("affinity", Leaf),
            ("schedulerName", Leaf),
            ("tolerations", Toleration),
            ("hostAliases", Leaf),
            ("priorityClassName", Leaf),
            ("priority", Leaf),
            ("dnsConfig", Leaf),
            ("readinessGates", Leaf),
            ("runtimeClassName", Leaf),
            ("enableServiceLinks", Leaf),
            ("preemptionPolicy", Leaf),
            ("overhead", Leaf),
            ("topologySpreadConstraints", Leaf),
            ("setHostnameAsFQDN", Leaf),
            ("os", Leaf),
            ("hostUsers", Leaf),
            ("schedulingGates", Leaf),
            ("resourceClaims", Leaf),
            ("resources", Resources),
        ],
        Container => &[
            ("name", Leaf),
            ("image", Leaf),
            ("command", Leaf),
            ("args", Leaf),
            ("workingDir", Leaf),
            ("ports", ContainerPort),
            ("envFrom", Leaf),
            ("env", EnvVar),
            ("resources", Resources),
            ("resizePolicy", Leaf),
            ("restartPolicy", Leaf),
            ("volumeMounts", VolumeMount),
            ("volumeDevices", Leaf),
            ("livenessProbe", Probe),
            ("readinessProbe", Probe),
            ("startupProbe", Probe),
            ("lifecycle", Leaf),
            ("terminationMessagePath", Leaf),
            ("terminationMessagePolicy", Leaf),
            ("imagePullPolicy", Leaf),
            ("securityContext", Leaf),
            ("stdin", Leaf),
            ("stdinOnce", Leaf),
            ("tty", Leaf),
        ],
        ContainerPort => &[
            ("name", Leaf),
            ("hostPort", Leaf),
            ("containerPort", Leaf),
            ("protocol", Leaf),
            ("hostIP", Leaf),
        ],
        EnvVar => &[("name", Leaf), ("value", Leaf), ("valueFrom", EnvVarSource)],
        EnvVarSource => &[
            ("fieldRef", FieldSelector),
            ("resourceFieldRef", Leaf),
            ("configMapKeyRef", KeySelector),
            ("secretKeyRef", KeySelector),
        ],
        KeySelector => &[("name", Leaf), ("key", Leaf), ("optional", Leaf)],
        FieldSelector => &[("apiVersion", Leaf), ("fieldPath", Leaf)],
        Resources => &[("limits", Leaf), ("requests", Leaf), ("claims", Leaf)],
        VolumeMount => &[
            ("name", Leaf),
            ("readOnly", Leaf),
            ("recursiveReadOnly", Leaf),
            ("mountPath", Leaf),
            ("subPath", Leaf),
            ("mountPropagation", Leaf),
            ("subPathExpr", Leaf),
        ],
        Volume => &[
            ("name", Leaf),
            ("hostPath", Leaf),
            ("emptyDir", Leaf),
            ("secret", Leaf),
            ("persistentVolumeClaim", Leaf),
            ("downwardAPI", Leaf),
            ("configMap", Leaf),
            ("projected", Projected),
            ("csi", Leaf),
            ("ephemeral", Leaf),
            ("image", Leaf),
        ],
        Projected => &[("sources", Projection), ("defaultMode", Leaf)],
        Projection => &[
            ("secret", KeyToPathList),
            ("downwardAPI", DownwardItems),
            ("configMap", KeyToPathList),
            ("serviceAccountToken", TokenProjection),
            ("clusterTrustBundle", Leaf),
        ],
        TokenProjection => &[
            ("audience", Leaf),
            ("expirationSeconds", Leaf),
            ("path", Leaf),
        ],
        KeyToPathList => &[("name", Leaf), ("items", KeyToPath), ("optional", Leaf)],
        KeyToPath => &[("key", Leaf), ("path", Leaf), ("mode", Leaf)],
        DownwardItems => &[("items", DownwardFile)],
        DownwardFile => &[
            ("path", Leaf),
            ("fieldRef", FieldSelector),
            ("resourceFieldRef", Leaf),
            ("mode", Leaf),
        ],
        Toleration => &[
            ("key", Leaf),
            ("operator", Leaf),
            ("value", Leaf),
            ("effect", Leaf),
            ("tolerationSeconds", Leaf),
        ],
        Probe => &[
            ("exec", Leaf),
            ("httpGet", HttpGet),
            ("tcpSocket", Leaf),
            ("grpc", Leaf),
            ("initialDelaySeconds", Leaf),
            ("timeoutSeconds", Leaf),
            ("periodSeconds", Leaf),
            ("successThreshold", Leaf),
            ("failureThreshold", Leaf),
            ("terminationGracePeriodSeconds", Leaf),
        ],
        HttpGet => &[
            ("path", Leaf),
            ("port", Leaf),
            ("host", Leaf),
            ("scheme", Leaf),
            ("httpHeaders", Leaf),
        ],
        PodStatus => &[
            ("phase", Leaf),
            ("conditions", PodCondition),
            ("message", Leaf),
            ("reason", Leaf),
            ("nominatedNodeName", Leaf),
            ("hostIP", Leaf),
            ("hostIPs", HostIp),
            ("podIP", Leaf),
            ("podIPs", HostIp),
            ("startTime", Leaf),
            ("initContainerStatuses", ContainerStatus),
            ("containerStatuses", ContainerStatus),
            ("qosClass", Leaf),
            ("ephemeralContainerStatuses", ContainerStatus),
            ("resize", Leaf),
            ("resourceClaimStatuses", Leaf),
        ],
        PodCondition => &[
            ("type", Leaf),
            ("observedGeneration", Leaf),
            ("status", Leaf),
            ("lastProbeTime", Leaf),
            ("lastTransitionTime", Leaf),
            ("reason", Leaf),
            ("message", Leaf),
        ],
        HostIp => &[("ip", Leaf)],
        ContainerStatus => &[
            ("name", Leaf),
            ("state", ContainerState),
            ("lastState", ContainerState),
            ("ready", Leaf),
            ("restartCount", Leaf),
            ("image", Leaf),
            ("imageID", Leaf),
            ("containerID", Leaf),
            ("started", Leaf),
            ("allocatedResources", Leaf),
            ("resources", Resources),
            ("volumeMounts", Leaf),
            ("user", Leaf),
            ("allocatedResourcesStatus", Leaf),
            ("stopSignal", Leaf),
        ],
        ContainerState => &[
            ("waiting", StateWaiting),
            ("running", StateRunning),
            ("terminated", StateTerminated),
        ],
        StateWaiting => &[("reason", Leaf), ("message", Leaf)],
        StateRunning => &[("startedAt", Leaf)],
        StateTerminated => &[
            ("exitCode", Leaf),
            ("signal", Leaf),
            ("reason", Leaf),
            ("message", Leaf),
            ("startedAt", Leaf),
            ("finishedAt", Leaf),
            ("containerID", Leaf),
        ],
        ServiceSpec => &[
            ("ports", ServicePort),
            ("selector", Leaf),
            ("clusterIP", Leaf),
            ("clusterIPs", Leaf),
            ("type", Leaf),
            ("externalIPs", Leaf),
            ("sessionAffinity", Leaf),
            ("loadBalancerIP", Leaf),
            ("loadBalancerSourceRanges", Leaf),
            ("externalName", Leaf),
            ("externalTrafficPolicy", Leaf),
            ("healthCheckNodePort", Leaf),
            ("publishNotReadyAddresses", Leaf),
            ("sessionAffinityConfig", Leaf),
            ("ipFamilies", Leaf),
            ("ipFamilyPolicy", Leaf),
            ("allocateLoadBalancerNodePorts", Leaf),
            ("loadBalancerClass", Leaf),
            ("internalTrafficPolicy", Leaf),
            ("trafficDistribution", Leaf),
        ],
        ServicePort => &[
            ("name", Leaf),
            ("protocol", Leaf),
            ("appProtocol", Leaf),
            ("port", Leaf),
            ("targetPort", Leaf),
            ("nodePort", Leaf),
        ],
        ServiceStatus => &[("loadBalancer", Leaf), ("conditions", Condition)],
        NamespaceSpec => &[("finalizers", Leaf)],
        NamespaceStatus => &[("phase", Leaf), ("conditions", Condition)],
    }
}

fn root_type(kind: Kind) -> Ty {
    match kind {
        Kind::Deployment => Deployment,
        Kind::ReplicaSet => ReplicaSet,
        Kind::Pod => Pod,
        Kind::Service => Service,
        Kind::ConfigMap => ConfigMap,
        Kind::Secret => Secret,
        Kind::Namespace => Namespace,
        Kind::ServiceAccount => ServiceAccount,
        Kind::RoleBinding | Kind::ClusterRoleBinding => RoleBinding,
        Kind::Role => Role,
        Kind::ClusterRole => ClusterRole,
        Kind::Ingress => Ingress,
        _ => Generic,
    }
}

/// The fields Go writes for a typed object even when they are empty: a
/// `null` creation time, `status: {}`, a Deployment's `strategy: {}`, each
/// container's `resources: {}`, a Service port's `targetPort: 0`. Objects
/// read from files (`--local`) print with them, as kubectl's typed
/// objects do.
pub fn with_zero_values(kind: Kind, value: &Value) -> Value {
    let mut value = value.clone();
    let Some(map) = value.as_object_mut() else {
        return value;
    };
    if let Some(meta) = map.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.entry("creationTimestamp").or_insert(Value::Null);
    }
    let status = match kind {
        Kind::Service | Kind::Ingress => Some(serde_json::json!({"loadBalancer": {}})),
        Kind::Pod | Kind::Deployment | Kind::ReplicaSet | Kind::Namespace => {
            Some(serde_json::json!({}))
        }
        _ => None,
    };
    if let Some(status) = status {
        map.entry("status").or_insert(status);
    }
    if matches!(kind, Kind::Role | Kind::ClusterRole) {
        // `rules` has no omitempty: a role of aggregated rules prints `rules: null`.
        map.entry("rules").or_insert(Value::Null);
    }
    let spec = map.get_mut("spec").and_then(Value::as_object_mut);
    match (kind, spec) {
        (Kind::Pod, Some(spec)) => pod_spec_zero_values(spec),
        (Kind::Deployment | Kind::ReplicaSet, Some(spec)) => {
            if kind == Kind::Deployment {
                spec.entry("strategy").or_insert(serde_json::json!({}));
            }
            let template = spec
                .entry("template")
                .or_insert(serde_json::json!({}))
                .as_object_mut();
            if let Some(template) = template {
                if let Some(meta) = template
                    .entry("metadata")
                    .or_insert(serde_json::json!({}))
                    .as_object_mut()
                {
                    meta.entry("creationTimestamp").or_insert(Value::Null);
                }
                if let Some(pod) = template.get_mut("spec").and_then(Value::as_object_mut) {
                    pod_spec_zero_values(pod);
                }
            }
        }
        (Kind::Service, Some(spec)) => {
            for port in spec
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object_mut)
            {
                port.entry("targetPort").or_insert(serde_json::json!(0));
            }
        }
        _ => {}
    }
    value
}

fn pod_spec_zero_values(spec: &mut serde_json::Map<String, Value>) {
    for list in ["initContainers", "containers"] {
        for container in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object_mut)
        {
            container
                .entry("resources")
                .or_insert(serde_json::json!({}));
        }
    }
}

/// `encoding/json`'s `MarshalIndent` with four spaces and a trailing
/// newline, as kubectl's JSON printer writes a typed object.
pub fn to_json(kind: Kind, value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value, root_type(kind), Some(0));
    out.push('\n');
    out
}

/// `encoding/json`'s `Marshal` (one line, no trailing newline).
pub fn to_compact_json(kind: Kind, value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value, root_type(kind), None);
    out
}

/// The object's keys in the order Go writes them for `ty`.
fn ordered(map: &serde_json::Map<String, Value>, ty: Ty) -> Vec<(&str, &Value, Ty)> {
    let known = fields(ty);
    let mut entries: Vec<(&str, &Value, Ty)> = known
        .iter()
        .filter_map(|(name, child)| map.get(*name).map(|v| (*name, v, *child)))
        .collect();
    let mut rest: Vec<(&str, &Value)> = map
        .iter()
        .filter(|(k, _)| !known.iter().any(|(name, _)| name == k))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    rest.sort_by(|a, b| a.0.cmp(b.0));
    entries.extend(rest.into_iter().map(|(k, v)| (k, v, Leaf)));
    entries
}

/// Writes a value; `indent` is the current depth for the indented form, or None for compact.
fn write(out: &mut String, value: &Value, ty: Ty, indent: Option<usize>) {
    match value {
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(map) => {
            let entries = ordered(map, ty);
            out.push('{');
            for (i, (key, child, child_ty)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent.map(|d| d + 1));
                out.push_str(&quote(key));
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(out, child, child_ty, indent.map(|d| d + 1));
            }
            newline(out, indent);
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent.map(|d| d + 1));
                write(out, item, ty, indent.map(|d| d + 1));
            }
            newline(out, indent);
            out.push(']');
        }
        Value::String(s) => out.push_str(&quote(s)),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
    }
}

fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(depth) = depth {
        out.push('\n');
        out.push_str(&"    ".repeat(depth));
    }
}

/// A Go JSON string: `\"`, `\\`, `\n`, `\r`, `\t`, other control characters
/// and the HTML characters as `\u00XX`, U+2028 and U+2029 escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_objects_keep_go_field_order_and_sort_maps() {
        let value = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "cfg", "creationTimestamp": null, "labels": {"b": "1", "a": "2"}},
            "data": {"z": "<1>", "a": "x\ty"},
        });
        assert_eq!(
            to_json(Kind::ConfigMap, &value),
            "{\n    \"kind\": \"ConfigMap\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"cfg\",\n        \"creationTimestamp\": null,\n        \"labels\": {\n            \"a\": \"2\",\n            \"b\": \"1\"\n        }\n    },\n    \"data\": {\n        \"a\": \"x\\ty\",\n        \"z\": \"\\u003c1\\u003e\"\n    }\n}\n"
        );
        assert_eq!(
            to_compact_json(
                Kind::Namespace,
                &json!({"status": {}, "spec": {}, "kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "x"}})
            ),
            r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x"},"spec":{},"status":{}}"#
        );
    }

    #[test]
    fn unknown_fields_follow_the_known_ones_in_byte_order() {
        let value = json!({"spec": {"zeta": 1, "replicas": 2, "alpha": 3}});
        assert_eq!(
            to_compact_json(Kind::Deployment, &value),
            r#"{"spec":{"replicas":2,"alpha":3,"zeta":1}}"#
        );
    }
}

//! Validation, as the API server's `Validate*` functions do it after
//! defaulting: names, required fields, ranges and enumerations, a workload's
//! selector against its template's labels, and the fields an update may not
//! change. Each problem is a [`FieldError`] with the server's own words.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, PodSpec, PodTemplateSpec, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::api::selector::Selector;
use crate::api::{FieldError, Kind, Object};

const DNS1123_SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";
const POD_UPDATE: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// Problems with a new object.
pub fn validate_create(object: &Object) -> Vec<FieldError> {
    let mut errors = validate_name(object);
    match object {
        Object::Pod(pod) => match &pod.spec {
            Some(spec) => validate_pod_spec(spec, "spec", &mut errors),
            None => errors.push(FieldError::required("spec.containers")),
        },
        Object::ReplicaSet(rs) => {
            let spec = rs.spec.clone().unwrap_or_default();
            validate_replicas(spec.replicas, &mut errors);
            validate_workload(Some(&spec.selector), spec.template.as_ref(), &mut errors);
        }
        Object::Deployment(d) => {
            let spec = d.spec.clone().unwrap_or_default();
            validate_replicas(spec.replicas, &mut errors);
            validate_workload(Some(&spec.selector), Some(&spec.template), &mut errors);
            validate_strategy(&spec, &mut errors);
        }
        Object::Service(svc) => validate_service(svc, &mut errors),
        Object::ConfigMap(cm) => {
            let keys = cm
                .data
                .iter()
                .flat_map(|d| d.keys())
                .chain(cm.binary_data.iter().flat_map(|d| d.keys()));
            validate_config_keys(keys, "data", &mut errors);
        }
        Object::Secret(secret) => {
            let keys = secret.data.iter().flat_map(|d| d.keys());
            validate_config_keys(keys, "data", &mut errors);
        }
        _ => {}
    }
    errors
}

/// Problems with an update: the new object's own, plus changes to fields that may not change.
pub fn validate_update(current: &Object, updated: &Object) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = validate_create(updated)
        .into_iter()
        .filter(|e| e.field != "metadata.name")
        .collect();
    match (current, updated) {
        (Object::Deployment(old), Object::Deployment(new)) => {
            let before = old.spec.as_ref().map(|s| &s.selector);
            let after = new.spec.as_ref().map(|s| &s.selector);
            immutable_selector(before, after, &mut errors);
        }
        (Object::ReplicaSet(old), Object::ReplicaSet(new)) => {
            let before = old.spec.as_ref().map(|s| &s.selector);
            let after = new.spec.as_ref().map(|s| &s.selector);
            immutable_selector(before, after, &mut errors);
        }
        (Object::Pod(old), Object::Pod(new))
            if !pod_update_allowed(old.spec.as_ref(), new.spec.as_ref()) =>
        {
            errors.push(FieldError::forbidden("spec", POD_UPDATE));
        }
        _ => {}
    }
    errors
}

fn validate_name(object: &Object) -> Vec<FieldError> {
    let name = object.name();
    if name.is_empty() {
        // generateName fills names in before validation; nothing more to say here.
        return Vec::new();
    }
    let problem = match object.kind() {
        Kind::Service => dns1035_label(name),
        Kind::Namespace => dns1123_label(name),
        Kind::Event => None,
        _ => dns1123_subdomain(name),
    };
    problem
        .map(|why| vec![FieldError::invalid("metadata.name", &quote(name), why)])
        .unwrap_or_default()
}

/// Go's `%q` of a string, as the server quotes values.
fn quote(text: &str) -> String {
    format!("{text:?}")
}

/// Why `name` is not a DNS-1123 subdomain, if it is not one.
pub fn dns1123_subdomain(name: &str) -> Option<String> {
    if name.len() > 253 {
        return Some("must be no more than 253 characters".into());
    }
    let valid = name.split('.').all(|part| is_label(part, false));
    (!valid).then(|| DNS1123_SUBDOMAIN.to_string())
}

/// Why `name` is not a DNS-1123 label, if it is not one.
pub fn dns1123_label(name: &str) -> Option<String> {
    if name.len() > 63 {
        return Some("must be no more than 63 characters".into());
    }
    (!is_label(name, false)).then(|| DNS1123_LABEL.to_string())
}

/// Why `name` is not a DNS-1035 label, if it is not one.
pub fn dns1035_label(name: &str) -> Option<String> {
    if name.len() > 63 {
        return Some("must be no more than 63 characters".into());
    }
    (!is_label(name, true)).then(|| DNS1035_LABEL.to_string())
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, starting with a letter when `alpha_first`.
fn is_label(text: &str, alpha_first: bool) -> bool {
    let bytes = text.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let first_ok = if alpha_first {
        first.is_ascii_lowercase()
    } else {
        first.is_ascii_lowercase() || first.is_ascii_digit()
    };
    first_ok
        && (last.is_ascii_lowercase() || last.is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

fn validate_replicas(replicas: Option<i32>, errors: &mut Vec<FieldError>) {
    if let Some(n) = replicas.filter(|n| *n < 0) {
        errors.push(FieldError::invalid(
            "spec.replicas",
            &n.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

/// A workload's selector, its template's labels, and the template's pod
/// spec. A missing selector selects nothing, so the labels cannot match it.
fn validate_workload(
    selector: Option<&LabelSelector>,
    template: Option<&PodTemplateSpec>,
    errors: &mut Vec<FieldError>,
) {
    let selector = selector.filter(|s| !is_empty_selector(s));
    if selector.is_none() {
        errors.push(FieldError::required("spec.selector"));
    }
    let Some(template) = template else {
        errors.push(FieldError::required("spec.template"));
        return;
    };
    let labels = template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let matches = match selector.map(Selector::from_label_selector) {
        Some(Ok(parsed)) => parsed.matches(&labels),
        Some(Err(e)) => {
            errors.push(FieldError::invalid(
                "spec.selector",
                &go_label_selector(selector.unwrap_or(&LabelSelector::default())),
                e.to_string(),
            ));
            true
        }
        None => false,
    };
    if !matches {
        errors.push(FieldError::invalid(
            "spec.template.metadata.labels",
            &go_map(&labels),
            "`selector` does not match template `labels`",
        ));
    }
    validate_template_spec(template, errors);
}

fn validate_template_spec(template: &PodTemplateSpec, errors: &mut Vec<FieldError>) {
    let Some(spec) = &template.spec else {
        errors.push(FieldError::required("spec.template.spec.containers"));
        return;
    };
    validate_pod_spec(spec, "spec.template.spec", errors);
    if let Some(policy) = spec.restart_policy.as_deref().filter(|p| *p != "Always") {
        errors.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            policy,
            &["Always"],
        ));
    }
}

fn is_empty_selector(selector: &LabelSelector) -> bool {
    selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(Vec::is_empty)
}

/// Go's `%#v` of a `map[string]string`.
fn go_map(map: &BTreeMap<String, String>) -> String {
    let entries: Vec<String> = map.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", entries.join(", "))
}

/// Go's `%#v` of a `v1.LabelSelector`, as immutable-selector errors print it.
fn go_label_selector(selector: &LabelSelector) -> String {
    let labels = match &selector.match_labels {
        Some(map) => go_map(map),
        None => "map[string]string(nil)".into(),
    };
    let expressions = match &selector.match_expressions {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|e| {
                    let values = match &e.values {
                        Some(v) => format!(
                            "[]string{{{}}}",
                            v.iter()
                                .map(|s| format!("{s:?}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        None => "[]string(nil)".into(),
                    };
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{:?}, Operator:{:?}, Values:{values}}}",
                        e.key, e.operator
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{expressions}}}")
}

fn immutable_selector(
    before: Option<&LabelSelector>,
    after: Option<&LabelSelector>,
    errors: &mut Vec<FieldError>,
) {
    if before != after {
        errors.push(FieldError::immutable(
            "spec.selector",
            &go_label_selector(after.unwrap_or(&LabelSelector::default())),
            "field is immutable",
        ));
    }
}

/// A pod spec: containers required, named uniquely, with images, ports in
/// range and supported policies.
pub fn validate_pod_spec(spec: &PodSpec, path: &str, errors: &mut Vec<FieldError>) {
    if spec.containers.is_empty() {
        errors.push(FieldError::required(format!("{path}.containers")));
    }
    let mut names = BTreeSet::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        validate_container(
            c,
            &format!("{path}.initContainers[{i}]"),
            &mut names,
            errors,
        );
    }
    for (i, c) in spec.containers.iter().enumerate() {
        validate_container(c, &format!("{path}.containers[{i}]"), &mut names, errors);
    }
    if let Some(policy) = spec.restart_policy.as_deref() {
        let supported = ["Always", "OnFailure", "Never"];
        if !supported.contains(&policy) {
            errors.push(FieldError::not_supported(
                format!("{path}.restartPolicy"),
                policy,
                &supported,
            ));
        }
    }
    if let Some(policy) = spec.dns_policy.as_deref() {
        let supported = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
        if !supported.contains(&policy) {
            errors.push(FieldError::not_supported(
                format!("{path}.dnsPolicy"),
                policy,
                &supported,
            ));
        }
    }
    if let Some(seconds) = spec.termination_grace_period_seconds.filter(|s| *s < 0) {
        errors.push(FieldError::invalid(
            format!("{path}.terminationGracePeriodSeconds"),
            &seconds.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

fn validate_container(
    c: &Container,
    path: &str,
    names: &mut BTreeSet<String>,
    errors: &mut Vec<FieldError>,
) {
    if c.name.is_empty() {
        errors.push(FieldError::required(format!("{path}.name")));
    } else if let Some(why) = dns1123_label(&c.name) {
        errors.push(FieldError::invalid(
            format!("{path}.name"),
            &quote(&c.name),
            why,
        ));
    } else if !names.insert(c.name.clone()) {
        errors.push(FieldError::duplicate(
            format!("{path}.name"),
            &quote(&c.name),
        ));
    }
    if c.image.as_deref().is_none_or(|i| i.trim().is_empty()) {
        errors.push(FieldError::required(format!("{path}.image")));
    }
    if let Some(policy) = c.image_pull_policy.as_deref() {
        let supported = ["Always", "IfNotPresent", "Never"];
        if !supported.contains(&policy) {
            errors.push(FieldError::not_supported(
                format!("{path}.imagePullPolicy"),
                policy,
                &supported,
            ));
        }
    }
    let mut port_names = BTreeSet::new();
    for (i, port) in c.ports.iter().flatten().enumerate() {
        let port_path = format!("{path}.ports[{i}]");
        if !(1..=65535).contains(&port.container_port) {
            errors.push(FieldError::invalid(
                format!("{port_path}.containerPort"),
                &port.container_port.to_string(),
                PORT_RANGE,
            ));
        }
        if let Some(name) = port.name.as_deref() {
            if let Some(why) = port_name_problem(name) {
                errors.push(FieldError::invalid(
                    format!("{port_path}.name"),
                    &quote(name),
                    why,
                ));
            } else if !port_names.insert(name.to_string()) {
                errors.push(FieldError::duplicate(
                    format!("{port_path}.name"),
                    &quote(name),
                ));
            }
        }
        if let Some(protocol) = port.protocol.as_deref() {
            let supported = ["SCTP", "TCP", "UDP"];
            if !supported.contains(&protocol) {
                errors.push(FieldError::not_supported(
                    format!("{port_path}.protocol"),
                    protocol,
                    &supported,
                ));
            }
        }
    }
}

/// An IANA service name: at most 15 characters, lower case, with a letter, no `--`.
fn port_name_problem(name: &str) -> Option<&'static str> {
    if name.len() > 15 {
        return Some("must be no more than 15 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("must not begin or end with a hyphen");
    }
    if name.contains("--") {
        return Some("must not contain consecutive hyphens");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some("must contain at least one letter (a-z)");
    }
    None
}

/// maxSurge and maxUnavailable: not both zero, percentages up to 100%.
fn validate_strategy(
    spec: &k8s_openapi::api::apps::v1::DeploymentSpec,
    errors: &mut Vec<FieldError>,
) {
    let strategy = spec.strategy.clone().unwrap_or_default();
    let kind = strategy.type_.as_deref().unwrap_or("RollingUpdate");
    if !["Recreate", "RollingUpdate"].contains(&kind) {
        errors.push(FieldError::not_supported(
            "spec.strategy.type",
            kind,
            &["Recreate", "RollingUpdate"],
        ));
        return;
    }
    if kind == "Recreate" {
        if strategy.rolling_update.is_some() {
            errors.push(FieldError::forbidden(
                "spec.strategy.rollingUpdate",
                "may not be specified when strategy `type` is 'Recreate'",
            ));
        }
        return;
    }
    let rolling = strategy.rolling_update.unwrap_or_default();
    let path = "spec.strategy.rollingUpdate";
    for (name, value) in [
        ("maxSurge", &rolling.max_surge),
        ("maxUnavailable", &rolling.max_unavailable),
    ] {
        if let Some(value) = value {
            if let Some(why) = int_or_percent_problem(value) {
                errors.push(FieldError::invalid(
                    format!("{path}.{name}"),
                    &go_int_or_string(value),
                    why,
                ));
            }
        }
    }
    let is_zero = |v: &Option<IntOrString>| match v {
        Some(IntOrString::Int(0)) => true,
        Some(IntOrString::String(s)) => s == "0%" || s == "0",
        _ => false,
    };
    if is_zero(&rolling.max_surge) && is_zero(&rolling.max_unavailable) {
        let value = rolling
            .max_unavailable
            .clone()
            .unwrap_or(IntOrString::Int(0));
        errors.push(FieldError::invalid(
            format!("{path}.maxUnavailable"),
            &go_int_or_string(&value),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    if let Some(limit) = spec.revision_history_limit.filter(|l| *l < 0) {
        errors.push(FieldError::invalid(
            "spec.revisionHistoryLimit",
            &limit.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    if let Some(deadline) = spec.progress_deadline_seconds {
        if deadline <= min_ready {
            errors.push(FieldError::invalid(
                "spec.progressDeadlineSeconds",
                &deadline.to_string(),
                "must be greater than minReadySeconds",
            ));
        }
    }
}

fn int_or_percent_problem(value: &IntOrString) -> Option<&'static str> {
    match value {
        IntOrString::Int(n) if *n < 0 => Some("must be greater than or equal to 0"),
        IntOrString::Int(_) => None,
        IntOrString::String(s) => match s.strip_suffix('%').map(str::parse::<i64>) {
            Some(Ok(n)) if n < 0 => Some("must be greater than or equal to 0"),
            Some(Ok(n)) if n > 100 => Some("must not be greater than 100%"),
            Some(Ok(_)) => None,
            _ => Some("a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"),
        },
    }
}

/// Go's `%#v` of an `intstr.IntOrString`.
fn go_int_or_string(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => format!("intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}"),
        IntOrString::String(s) => {
            format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{s:?}}}")
        }
    }
}

fn validate_service(svc: &Service, errors: &mut Vec<FieldError>) {
    let spec = svc.spec.clone().unwrap_or_default();
    let kind = spec.type_.as_deref().unwrap_or("ClusterIP");
    let supported = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if !supported.contains(&kind) {
        errors.push(FieldError::not_supported("spec.type", kind, &supported));
        return;
    }
    if kind == "ExternalName" {
        if spec.external_name.as_deref().is_none_or(str::is_empty) {
            errors.push(FieldError::required("spec.externalName"));
        }
        return;
    }
    let ports = spec.ports.clone().unwrap_or_default();
    let headless = spec.cluster_ip.as_deref() == Some("None");
    if ports.is_empty() && !headless {
        errors.push(FieldError::required("spec.ports"));
    }
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let path = format!("spec.ports[{i}]");
        match port.name.as_deref().filter(|n| !n.is_empty()) {
            None if ports.len() > 1 => errors.push(FieldError::required(format!("{path}.name"))),
            None => {}
            Some(name) => {
                if let Some(why) = dns1123_label(name) {
                    errors.push(FieldError::invalid(
                        format!("{path}.name"),
                        &quote(name),
                        why,
                    ));
                } else if !names.insert(name.to_string()) {
                    errors.push(FieldError::duplicate(format!("{path}.name"), &quote(name)));
                }
            }
        }
        if !(1..=65535).contains(&port.port) {
            errors.push(FieldError::invalid(
                format!("{path}.port"),
                &port.port.to_string(),
                PORT_RANGE,
            ));
        }
        match &port.target_port {
            Some(IntOrString::Int(n)) if !(1..=65535).contains(n) => errors.push(
                FieldError::invalid(format!("{path}.targetPort"), &n.to_string(), PORT_RANGE),
            ),
            Some(IntOrString::String(name)) => {
                if let Some(why) = port_name_problem(name) {
                    errors.push(FieldError::invalid(
                        format!("{path}.targetPort"),
                        &quote(name),
                        why,
                    ));
                }
            }
            _ => {}
        }
        if let Some(protocol) = port.protocol.as_deref() {
            let supported = ["SCTP", "TCP", "UDP"];
            if !supported.contains(&protocol) {
                errors.push(FieldError::not_supported(
                    format!("{path}.protocol"),
                    protocol,
                    &supported,
                ));
            }
        }
        if port.node_port.is_some() && kind == "ClusterIP" {
            errors.push(FieldError::forbidden(
                format!("{path}.nodePort"),
                "may not be used when `type` is 'ClusterIP'",
            ));
        }
    }
}

/// ConfigMap and Secret keys: `[-._a-zA-Z0-9]+`, at most 253 characters.
fn validate_config_keys<'a>(
    keys: impl Iterator<Item = &'a String>,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    for key in keys {
        let valid = !key.is_empty()
            && key.len() <= 253
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
        if !valid {
            errors.push(FieldError::invalid(
                format!("{path}[{key}]"),
                &quote(key),
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            ));
        }
    }
}

/// Whether a pod update changes only what may change: images, the active
/// deadline, added tolerations and the grace period.
fn pod_update_allowed(before: Option<&PodSpec>, after: Option<&PodSpec>) -> bool {
    let (Some(before), Some(after)) = (before, after) else {
        return before == after;
    };
    let mut normalised = after.clone();
    for (new, old) in normalised
        .containers
        .iter_mut()
        .zip(before.containers.iter())
    {
        new.image = old.image.clone();
    }
    for (new, old) in normalised
        .init_containers
        .iter_mut()
        .flatten()
        .zip(before.init_containers.iter().flatten())
    {
        new.image = old.image.clone();
    }
    normalised.active_deadline_seconds = before.active_deadline_seconds;
    normalised.termination_grace_period_seconds = before.termination_grace_period_seconds;
    let old_tolerations = before.tolerations.clone().unwrap_or_default();
    let new_tolerations = normalised.tolerations.clone().unwrap_or_default();
    if old_tolerations.iter().all(|t| new_tolerations.contains(t)) {
        normalised.tolerations = before.tolerations.clone();
    }
    // The scheduler's binding sets the node name once.
    if before.node_name.is_some() {
        normalised.node_name = before.node_name.clone();
    }
    normalised == *before
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode::decode_manifests;

    fn problems(yaml: &str) -> Vec<String> {
        let mut objects = decode_manifests(yaml).expect("decodes");
        super::super::defaults::apply_defaults(&mut objects[0]);
        validate_create(&objects[0])
            .iter()
            .map(FieldError::to_text)
            .collect()
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: echo\nspec:\n  selector:\n    matchLabels: {app: echo}\n  template:\n    metadata:\n      labels: {app: echo}\n    spec:\n      containers:\n      - name: echo\n        image: gihyodocker/echo:latest\n";

    #[test]
    fn a_well_formed_deployment_has_no_problems() {
        assert_eq!(problems(DEPLOYMENT), Vec::<String>::new());
    }

    #[test]
    fn selector_must_match_template_labels() {
        let yaml = DEPLOYMENT.replace("labels: {app: echo}", "labels: {app: other}");
        assert_eq!(
            problems(&yaml),
            vec![
                r#"spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`"#
            ]
        );
    }

    #[test]
    fn names_must_be_dns_subdomains() {
        let yaml = DEPLOYMENT.replace("name: echo\nspec", "name: Echo_1\nspec");
        let found = problems(&yaml);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with(
            r#"metadata.name: Invalid value: "Echo_1": a lowercase RFC 1123 subdomain"#
        ));
    }

    #[test]
    fn containers_need_names_images_and_ports_in_range() {
        let found = problems(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 70000\n  - name: c\n    image: nginx\n",
        );
        assert_eq!(
            found,
            vec![
                "spec.containers[0].image: Required value",
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                r#"spec.containers[1].name: Duplicate value: "c""#,
            ]
        );
    }

    #[test]
    fn services_need_ports_and_names_when_several() {
        let found = problems(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n  - port: 0\n    name: b\n",
        );
        assert_eq!(
            found,
            vec![
                "spec.ports[0].name: Required value",
                "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
            ]
        );
    }

    #[test]
    fn surge_and_unavailable_may_not_both_be_zero() {
        let yaml = DEPLOYMENT.replace(
            "spec:\n  selector",
            "spec:\n  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n  selector",
        );
        assert_eq!(
            problems(&yaml),
            vec![
                r#"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0"#
            ]
        );
    }

    #[test]
    fn selectors_are_immutable_on_update() {
        let old = decode_manifests(DEPLOYMENT).expect("decodes").remove(0);
        let new = decode_manifests(&DEPLOYMENT.replace("{app: echo}", "{app: echo2}"))
            .expect("decodes")
            .remove(0);
        let found: Vec<String> = validate_update(&old, &new)
            .iter()
            .map(FieldError::to_text)
            .collect();
        assert_eq!(
            found,
            vec![
                r#"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"echo2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"#
            ]
        );
    }
}

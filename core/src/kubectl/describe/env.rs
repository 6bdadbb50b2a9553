//! A container's environment as describe shows it: `Environment Variables
//! from:` (ConfigMaps and Secrets), and `Environment:` with `valueFrom`
//! resolved as kubectl does (downward-API fields against the pod, resource
//! fields against the container, key references spelled out).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, EnvVar, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::quantity::Amount;
use super::writer::{PrefixWriter, LEVEL_2, LEVEL_3};

/// `Environment Variables from:`: each source, its kind, prefix and optionality.
pub fn env_from(w: &mut PrefixWriter, c: &Container) {
    w.line(LEVEL_2, "Environment Variables from:");
    for source in c.env_from.iter().flatten() {
        let (name, from, optional) = if let Some(cm) = &source.config_map_ref {
            (cm.name.as_str(), "ConfigMap", cm.optional.unwrap_or(false))
        } else if let Some(secret) = &source.secret_ref {
            (
                secret.name.as_str(),
                "Secret",
                secret.optional.unwrap_or(false),
            )
        } else {
            ("", "", false)
        };
        match source.prefix.as_deref().filter(|p| !p.is_empty()) {
            None => w.line(LEVEL_3, &format!("{name}\t{from}\tOptional: {optional}")),
            Some(prefix) => w.line(
                LEVEL_3,
                &format!("{name}\t{from} with prefix '{prefix}'\tOptional: {optional}"),
            ),
        }
    }
}

/// `Environment:` with each variable, or `<none>`.
pub fn env_vars(w: &mut PrefixWriter, c: &Container, pod: Option<&Pod>) {
    let env = c.env.as_deref().unwrap_or_default();
    let none = if env.is_empty() { "\t<none>" } else { "" };
    w.line(LEVEL_2, &format!("Environment:{none}"));
    for var in env {
        match &var.value_from {
            None => {
                let value = var.value.as_deref().unwrap_or("");
                for (i, part) in value.split('\n').enumerate() {
                    let head = if i == 0 {
                        format!("{}:", var.name)
                    } else {
                        String::new()
                    };
                    w.line(LEVEL_3, &format!("{head}\t{part}"));
                }
            }
            Some(_) => w.line(LEVEL_3, &env_from_source(var, c, pod)),
        }
    }
}

/// An environment variable set from a field, a resource, a Secret or a ConfigMap.
fn env_from_source(var: &EnvVar, c: &Container, pod: Option<&Pod>) -> String {
    let name = &var.name;
    let Some(from) = &var.value_from else {
        return format!("{name}:\t");
    };
    if let Some(field) = &from.field_ref {
        let value = pod
            .map(|p| pod_field(p, &field.field_path))
            .unwrap_or_default();
        let api_version = field.api_version.as_deref().unwrap_or("");
        return format!("{name}:\t{value} ({api_version}:{})", field.field_path);
    }
    if let Some(resource) = &from.resource_field_ref {
        let mut value = container_resource(c, &resource.resource, resource.divisor.as_ref());
        if value == "0" && matches!(resource.resource.as_str(), "limits.cpu" | "limits.memory") {
            value = "node allocatable".into();
        }
        return format!("{name}:\t{value} ({})", resource.resource);
    }
    if let Some(secret) = &from.secret_key_ref {
        return format!(
            "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}",
            secret.key,
            secret.name,
            secret.optional.unwrap_or(false)
        );
    }
    if let Some(cm) = &from.config_map_key_ref {
        return format!(
            "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}",
            cm.key,
            cm.name,
            cm.optional.unwrap_or(false)
        );
    }
    format!("{name}:\t")
}

/// A downward-API field of the pod, as `fieldpath.ExtractFieldPathAsString`.
fn pod_field(pod: &Pod, path: &str) -> String {
    let meta = &pod.metadata;
    let status = pod.status.clone().unwrap_or_default();
    let spec = pod.spec.clone().unwrap_or_default();
    let from_map = |map: Option<&BTreeMap<String, String>>, key: &str| {
        map.and_then(|m| m.get(key)).cloned().unwrap_or_default()
    };
    if let Some(key) = subscript(path, "metadata.labels") {
        return from_map(meta.labels.as_ref(), &key);
    }
    if let Some(key) = subscript(path, "metadata.annotations") {
        return from_map(meta.annotations.as_ref(), &key);
    }
    match path {
        "metadata.name" => meta.name.clone().unwrap_or_default(),
        "metadata.namespace" => meta.namespace.clone().unwrap_or_default(),
        "metadata.uid" => meta.uid.clone().unwrap_or_default(),
        "spec.nodeName" => spec.node_name.unwrap_or_default(),
        "spec.serviceAccountName" => spec.service_account_name.unwrap_or_default(),
        "status.hostIP" => status.host_ip.unwrap_or_default(),
        "status.podIP" => status.pod_ip.unwrap_or_default(),
        "status.podIPs" => ips(status.pod_ips.iter().flatten().map(|ip| ip.ip.as_str())),
        "status.hostIPs" => ips(status.host_ips.iter().flatten().map(|ip| ip.ip.as_str())),
        _ => String::new(),
    }
}

fn ips<'a>(ips: impl Iterator<Item = &'a str>) -> String {
    ips.collect::<Vec<_>>().join(",")
}

/// `metadata.labels['app']` → `app`.
fn subscript(path: &str, field: &str) -> Option<String> {
    let rest = path.strip_prefix(field)?.strip_prefix("['")?;
    Some(rest.strip_suffix("']")?.to_string())
}

/// A `resourceFieldRef` value: the container's quantity over the divisor, rounded up.
fn container_resource(c: &Container, resource: &str, divisor: Option<&Quantity>) -> String {
    let Some((list, name)) = resource.split_once('.') else {
        return String::new();
    };
    let resources = c.resources.clone().unwrap_or_default();
    let list = match list {
        "limits" => resources.limits,
        "requests" => resources.requests,
        _ => None,
    };
    let amount = list
        .as_ref()
        .and_then(|l| l.get(name))
        .and_then(Amount::parse)
        .unwrap_or_default();
    let divisor = divisor
        .and_then(Amount::parse)
        .filter(|d| d.nanos != 0)
        .map_or(1_000_000_000, |d| d.nanos);
    let quotient = amount.nanos / divisor + i128::from(amount.nanos % divisor != 0);
    quotient.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ResourceRequirements;

    #[test]
    fn resource_fields_round_up_over_their_divisor() {
        let c = Container {
            resources: Some(ResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "cpu".to_string(),
                    Quantity("250m".into()),
                )])),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(container_resource(&c, "requests.cpu", None), "1");
        assert_eq!(container_resource(&c, "limits.cpu", None), "0");
    }
}

//! A container's environment as the kubelet builds it: `envFrom` first,
//! then `env` in order, each value with `$(VAR)` expanded from the ones
//! before it (and the service links), and `valueFrom` read from the pod
//! (`fieldRef`), its ConfigMaps and Secrets; then the Services' links
//! (`ECHO_SERVICE_HOST`, …) that the container did not set itself. A missing ConfigMap, Secret or key that is not
//! optional is the kubelet's `CreateContainerConfigError`, in its words.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, EnvVarSource, Pod, Service, ServicePort};

use crate::api::{Kind, Object};
use crate::store::Store;

/// The environment of `container` in `pod`, or why it cannot be made.
pub fn resolve(
    pod: &Pod,
    container: &Container,
    store: &Store,
) -> Result<Vec<(String, String)>, String> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let links = service_links(pod, store);
    let mut env: Vec<(String, String)> = Vec::new();
    for source in container.env_from.iter().flatten() {
        let prefix = source.prefix.as_deref().unwrap_or("");
        let found = if let Some(reference) = &source.config_map_ref {
            let optional = reference.optional == Some(true);
            data_of(store, Kind::ConfigMap, namespace, &reference.name, optional)?
        } else if let Some(reference) = &source.secret_ref {
            let optional = reference.optional == Some(true);
            data_of(store, Kind::Secret, namespace, &reference.name, optional)?
        } else {
            BTreeMap::new()
        };
        for (key, value) in found {
            set(&mut env, format!("{prefix}{key}"), value);
        }
    }
    for variable in container.env.iter().flatten() {
        let value = match (&variable.value_from, &variable.value) {
            (Some(source), _) => match value_from(pod, source, store, namespace)? {
                Some(value) => value,
                None => continue,
            },
            (None, value) => expand_with(value.as_deref().unwrap_or(""), &env, &links),
        };
        set(&mut env, variable.name.clone(), value);
    }
    for (name, value) in links {
        if !env.iter().any(|(n, _)| *n == name) {
            env.push((name, value));
        }
    }
    Ok(env)
}

/// The Docker-link-style variables a container gets for the Services it
/// can see when it starts: those of the pod's namespace (unless the pod
/// sets `enableServiceLinks: false`) and always the `kubernetes` Service's.
/// Headless and ExternalName Services have none.
pub fn service_links(pod: &Pod, store: &Store) -> BTreeMap<String, String> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let links_on = pod
        .spec
        .as_ref()
        .and_then(|s| s.enable_service_links)
        .unwrap_or(true);
    let in_namespace = links_on
        .then(|| store.list(Kind::Service, Some(namespace)))
        .into_iter()
        .flatten();
    let mut env = BTreeMap::new();
    for object in in_namespace.chain(store.find(Kind::Service, "default", "kubernetes")) {
        if let Object::Service(service) = object.as_ref() {
            add_links(&mut env, service);
        }
    }
    env
}

/// One Service's variables: `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`
/// (and one per named port), `<NAME>_PORT` and the `<NAME>_PORT_<port>_<PROTO>` family.
fn add_links(env: &mut BTreeMap<String, String>, service: &Service) {
    let Some(spec) = service.spec.as_ref() else {
        return;
    };
    let Some(ip) = spec
        .cluster_ip
        .as_deref()
        .filter(|ip| !ip.is_empty() && *ip != "None")
    else {
        return;
    };
    let ports = spec.ports.as_deref().unwrap_or_default();
    let Some(first) = ports.first() else {
        return;
    };
    let prefix = link_name(service.metadata.name.as_deref().unwrap_or_default());
    let protocol = |p: &ServicePort| p.protocol.clone().unwrap_or_else(|| "TCP".into());
    env.insert(format!("{prefix}_SERVICE_HOST"), ip.to_string());
    env.insert(format!("{prefix}_SERVICE_PORT"), first.port.to_string());
    env.insert(
        format!("{prefix}_PORT"),
        format!("{}://{ip}:{}", protocol(first).to_lowercase(), first.port),
    );
    for port in ports {
        let proto = protocol(port);
        let key = format!("{prefix}_PORT_{}_{proto}", port.port);
        env.insert(
            key.clone(),
            format!("{}://{ip}:{}", proto.to_lowercase(), port.port),
        );
        env.insert(format!("{key}_PROTO"), proto.to_lowercase());
        env.insert(format!("{key}_PORT"), port.port.to_string());
        env.insert(format!("{key}_ADDR"), ip.to_string());
        if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            env.insert(
                format!("{prefix}_SERVICE_PORT_{}", link_name(name)),
                port.port.to_string(),
            );
        }
    }
}

/// A name as a variable's part: upper case, `-` as `_`.
fn link_name(name: &str) -> String {
    name.to_uppercase().replace('-', "_")
}

/// Sets a variable, replacing an earlier one of the same name in place.
fn set(env: &mut Vec<(String, String)>, name: String, value: String) {
    match env.iter_mut().find(|(n, _)| *n == name) {
        Some(entry) => entry.1 = value,
        None => env.push((name, value)),
    }
}

/// `$(VAR)` replaced by an earlier variable's value (kept as written when
/// there is none), and `$$` by `$`, as the kubelet's expansion does.
pub fn expand(text: &str, env: &[(String, String)]) -> String {
    expand_with(text, env, &BTreeMap::new())
}

/// [`expand`], with `$(VAR)` also found among the service links.
fn expand_with(text: &str, env: &[(String, String)], links: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some((name, tail)) = after
            .strip_prefix('(')
            .and_then(|inner| inner.split_once(')'))
        {
            let value = env
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, value)| value)
                .or_else(|| links.get(name));
            match value {
                Some(value) => out.push_str(value),
                None => out.push_str(&format!("$({name})")),
            }
            rest = tail;
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A `valueFrom`'s value; None for an optional reference that is missing.
fn value_from(
    pod: &Pod,
    source: &EnvVarSource,
    store: &Store,
    namespace: &str,
) -> Result<Option<String>, String> {
    if let Some(field) = &source.field_ref {
        return Ok(Some(field_value(pod, &field.field_path)));
    }
    if let Some(reference) = &source.config_map_key_ref {
        let optional = reference.optional == Some(true);
        let data = data_of(store, Kind::ConfigMap, namespace, &reference.name, optional)?;
        return match data.get(&reference.key) {
            Some(value) => Ok(Some(value.clone())),
            None if optional => Ok(None),
            None => Err(format!(
                "couldn't find key {} in ConfigMap {namespace}/{}",
                reference.key, reference.name
            )),
        };
    }
    if let Some(reference) = &source.secret_key_ref {
        let optional = reference.optional == Some(true);
        let data = data_of(store, Kind::Secret, namespace, &reference.name, optional)?;
        return match data.get(&reference.key) {
            Some(value) => Ok(Some(value.clone())),
            None if optional => Ok(None),
            None => Err(format!(
                "couldn't find key {} in Secret {namespace}/{}",
                reference.key, reference.name
            )),
        };
    }
    Ok(Some(String::new()))
}

/// A ConfigMap's data or a Secret's decoded data; empty for an optional one
/// that is missing, and `configmap "x" not found` for one that is not.
pub(super) fn data_of(
    store: &Store,
    kind: Kind,
    namespace: &str,
    name: &str,
    optional: bool,
) -> Result<BTreeMap<String, String>, String> {
    match store.find(kind, namespace, name).map(|o| o.as_ref()) {
        Some(Object::ConfigMap(map)) => Ok(map.data.clone().unwrap_or_default()),
        Some(Object::Secret(secret)) => Ok(secret
            .data
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(&v.0).into_owned()))
            .chain(secret.string_data.clone().unwrap_or_default())
            .collect()),
        _ if optional => Ok(BTreeMap::new()),
        _ => Err(format!(
            "{} \"{name}\" not found",
            kind.name().to_ascii_lowercase()
        )),
    }
}

/// A `fieldRef`'s value, from the pod as stored.
fn field_value(pod: &Pod, path: &str) -> String {
    let meta = &pod.metadata;
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let keyed = |prefix: &str, map: Option<&BTreeMap<String, String>>| {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix("']"))
            .and_then(|key| map?.get(key).cloned())
    };
    if let Some(value) = keyed("metadata.labels['", meta.labels.as_ref())
        .or_else(|| keyed("metadata.annotations['", meta.annotations.as_ref()))
    {
        return value;
    }
    let value = match path {
        "metadata.name" => meta.name.clone(),
        "metadata.namespace" => meta.namespace.clone(),
        "metadata.uid" => meta.uid.clone(),
        "spec.nodeName" => spec.and_then(|s| s.node_name.clone()),
        "spec.serviceAccountName" => spec.and_then(|s| s.service_account_name.clone()),
        "status.hostIP" => status.and_then(|s| s.host_ip.clone()),
        "status.podIP" => status.and_then(|s| s.pod_ip.clone()),
        "status.podIPs" => status.map(|s| {
            let ips: Vec<&str> = s
                .pod_ips
                .iter()
                .flatten()
                .map(|ip| ip.ip.as_str())
                .collect();
            ips.join(",")
        }),
        _ => None,
    };
    value.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        ConfigMap, ConfigMapKeySelector, EnvVar, ObjectFieldSelector, PodSpec,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn pod() -> Pod {
        Pod {
            metadata: ObjectMeta {
                name: Some("web".into()),
                namespace: Some("default".into()),
                labels: Some([("app".to_string(), "web".to_string())].into()),
                ..ObjectMeta::default()
            },
            spec: Some(PodSpec::default()),
            status: None,
        }
    }

    fn var(name: &str, value: &str) -> EnvVar {
        EnvVar {
            name: name.into(),
            value: Some(value.into()),
            value_from: None,
        }
    }

    fn from(name: &str, source: EnvVarSource) -> EnvVar {
        EnvVar {
            name: name.into(),
            value: None,
            value_from: Some(source),
        }
    }

    fn key_ref(name: &str, key: &str, optional: bool) -> EnvVarSource {
        EnvVarSource {
            config_map_key_ref: Some(ConfigMapKeySelector {
                name: name.into(),
                key: key.into(),
                optional: Some(optional),
            }),
            ..EnvVarSource::default()
        }
    }

    fn store_with_config_map() -> Store {
        let map = ConfigMap {
            metadata: ObjectMeta {
                name: Some("cfg".into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            data: Some([("color".to_string(), "blue".to_string())].into()),
            ..ConfigMap::default()
        };
        Store::restored([Object::ConfigMap(Box::new(map))], 1)
    }

    #[test]
    fn values_expand_earlier_variables_and_read_the_pod_and_its_config_maps() {
        let container = Container {
            name: "c".into(),
            env: Some(vec![
                var("GREETING", "hello"),
                var("MESSAGE", "$(GREETING) $(MISSING) $$(GREETING)"),
                from(
                    "POD",
                    EnvVarSource {
                        field_ref: Some(ObjectFieldSelector {
                            field_path: "metadata.labels['app']".into(),
                            api_version: None,
                        }),
                        ..EnvVarSource::default()
                    },
                ),
                from("COLOR", key_ref("cfg", "color", false)),
                from("SIZE", key_ref("cfg", "size", true)),
            ]),
            ..Container::default()
        };
        let env = resolve(&pod(), &container, &store_with_config_map()).expect("resolves");
        assert_eq!(
            env,
            [
                ("GREETING".to_string(), "hello".to_string()),
                ("MESSAGE".into(), "hello $(MISSING) $(GREETING)".into()),
                ("POD".into(), "web".into()),
                ("COLOR".into(), "blue".into()),
            ]
        );
    }

    fn service(namespace: &str, name: &str, ip: &str, ports: &[(Option<&str>, i32)]) -> Object {
        use k8s_openapi::api::core::v1::ServiceSpec;
        Object::Service(Box::new(Service {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some(namespace.into()),
                ..ObjectMeta::default()
            },
            spec: Some(ServiceSpec {
                cluster_ip: Some(ip.into()),
                ports: Some(
                    ports
                        .iter()
                        .map(|(name, port)| ServicePort {
                            name: name.map(str::to_string),
                            port: *port,
                            ..ServicePort::default()
                        })
                        .collect(),
                ),
                ..ServiceSpec::default()
            }),
            status: None,
        }))
    }

    fn store_with_services() -> Store {
        Store::restored(
            [
                service(
                    "default",
                    "kubernetes",
                    "10.96.0.1",
                    &[(Some("https"), 443)],
                ),
                service("default", "echo-web", "10.96.7.8", &[(Some("http"), 80)]),
                service("default", "headless", "None", &[(None, 80)]),
                service("other", "elsewhere", "10.96.9.9", &[(None, 80)]),
            ],
            1,
        )
    }

    #[test]
    fn services_of_the_namespace_and_kubernetes_become_links_after_the_containers_own() {
        let container = Container {
            name: "c".into(),
            env: Some(vec![
                var("ECHO_WEB_SERVICE_PORT", "8080"),
                var(
                    "URL",
                    "http://$(ECHO_WEB_SERVICE_HOST):$(ECHO_WEB_SERVICE_PORT)/",
                ),
            ]),
            ..Container::default()
        };
        let env = resolve(&pod(), &container, &store_with_services()).expect("resolves");
        let names: Vec<&str> = env.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "ECHO_WEB_SERVICE_PORT",
                "URL",
                "ECHO_WEB_PORT",
                "ECHO_WEB_PORT_80_TCP",
                "ECHO_WEB_PORT_80_TCP_ADDR",
                "ECHO_WEB_PORT_80_TCP_PORT",
                "ECHO_WEB_PORT_80_TCP_PROTO",
                "ECHO_WEB_SERVICE_HOST",
                "ECHO_WEB_SERVICE_PORT_HTTP",
                "KUBERNETES_PORT",
                "KUBERNETES_PORT_443_TCP",
                "KUBERNETES_PORT_443_TCP_ADDR",
                "KUBERNETES_PORT_443_TCP_PORT",
                "KUBERNETES_PORT_443_TCP_PROTO",
                "KUBERNETES_SERVICE_HOST",
                "KUBERNETES_SERVICE_PORT",
                "KUBERNETES_SERVICE_PORT_HTTPS",
            ]
        );
        let value = |name: &str| env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(
            value("ECHO_WEB_SERVICE_PORT"),
            Some("8080"),
            "the container's own wins"
        );
        assert_eq!(value("URL"), Some("http://10.96.7.8:8080/"));
        assert_eq!(value("ECHO_WEB_PORT"), Some("tcp://10.96.7.8:80"));
    }

    #[test]
    fn without_service_links_only_kubernetes_is_linked() {
        let mut pod = pod();
        if let Some(spec) = pod.spec.as_mut() {
            spec.enable_service_links = Some(false);
        }
        let links = service_links(&pod, &store_with_services());
        assert!(
            links.keys().all(|name| name.starts_with("KUBERNETES_")),
            "{links:?}"
        );
        assert_eq!(links["KUBERNETES_SERVICE_HOST"], "10.96.0.1");
    }

    #[test]
    fn a_missing_config_map_or_key_is_the_kubelets_config_error() {
        let container = |source| Container {
            name: "c".into(),
            env: Some(vec![from("X", source)]),
            ..Container::default()
        };
        let store = store_with_config_map();
        assert_eq!(
            resolve(&pod(), &container(key_ref("nope", "k", false)), &store),
            Err("configmap \"nope\" not found".into())
        );
        assert_eq!(
            resolve(&pod(), &container(key_ref("cfg", "size", false)), &store),
            Err("couldn't find key size in ConfigMap default/cfg".into())
        );
    }
}

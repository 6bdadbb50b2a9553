//! `kubectl expose`: a Service for a Deployment, ReplicaSet, Pod or
//! Service, taking the selector, ports, protocols and labels from the
//! object unless `--selector`, `--port`, `--protocol` and `--labels` say
//! otherwise; `--target-port`, `--type`, `--name`, `--cluster-ip`,
//! `--external-ip`, `--session-affinity` and `--overrides` (a JSON merge)
//! shape the rest. Prints `service/echo exposed`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use serde_json::{json, Map, Value};

use super::args::{Flag, Parsed};
use super::errors::format_status;
use super::print_flags::{self, DryRun, Failure, Printed, Printer};
use super::resource_args::{self, Request};
use super::{apply, go_json, Context, Output};
use crate::api::{Kind, Object};
use crate::apiserver::WriteOptions;
use crate::controllers::deployment::util::CHANGE_CAUSE;

const FLAGS: &[Flag] = &[
    Flag::string("protocol", None),
    Flag::string("port", None),
    Flag::string("type", None),
    Flag::string("load-balancer-ip", None),
    Flag::string("selector", None),
    Flag::string("labels", Some('l')),
    Flag::string("target-port", None),
    Flag::string("external-ip", None),
    Flag::string("name", None),
    Flag::string("session-affinity", None),
    Flag::string("cluster-ip", None),
    Flag::string("field-manager", None),
    Flag::string("overrides", None),
    Flag::string("override-type", None),
    Flag::string("dry-run", None),
    Flag::bool("save-config", None),
    Flag::strings("filename", Some('f')),
    Flag::string("kustomize", Some('k')),
    Flag::bool("recursive", Some('R')),
    Flag::string("output", Some('o')),
    Flag::string("template", None),
    Flag::bool("show-managed-fields", None),
    Flag::bool("allow-missing-template-keys", None),
    Flag::RECORD,
];

/// The flags that shape the Service, before the object fills the gaps.
#[derive(Clone, Debug, Default)]
struct Wanted {
    selector: String,
    labels: String,
    port: String,
    ports: String,
    protocol: String,
    protocols: BTreeMap<String, Vec<String>>,
    target_port: String,
    name: String,
    default_name: String,
    service_type: String,
    external_ip: String,
    load_balancer_ip: String,
    session_affinity: String,
    cluster_ip: String,
}

impl Wanted {
    fn of(parsed: &Parsed) -> Self {
        let flag = |long: &str| parsed.value(long).unwrap_or("").to_string();
        Self {
            selector: flag("selector"),
            labels: flag("labels"),
            port: flag("port"),
            protocol: flag("protocol"),
            target_port: flag("target-port"),
            name: flag("name"),
            service_type: flag("type"),
            external_ip: flag("external-ip"),
            load_balancer_ip: flag("load-balancer-ip"),
            session_affinity: flag("session-affinity"),
            cluster_ip: flag("cluster-ip"),
            ..Self::default()
        }
    }
}

/// Runs `kubectl expose`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let (parsed, mut out) = match print_flags::parse_changing("expose", rest, FLAGS) {
        Ok(ready) => ready,
        Err(usage) => return *usage,
    };
    if let Err(message) = expose(ctx, &parsed, &mut out) {
        out.fail(message);
    }
    out
}

fn expose(ctx: &mut Context<'_>, parsed: &Parsed, out: &mut Output) -> Result<(), String> {
    let (dry_run, warning) = print_flags::parse_dry_run(parsed, ctx.cluster.now())?;
    let format = print_flags::parse_format(parsed)?;
    if let Some(warning) = warning {
        out.err(warning);
    }
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let request = Request {
        args: &parsed.positionals,
        filenames: parsed.all("filename"),
        recursive: parsed.flag("recursive"),
        namespace: &namespace,
        ..Request::default()
    };
    let infos = resource_args::fetch(ctx, &request)?;
    let mut printer = Printer::new(format, format!("exposed{}", dry_run.suffix()));
    let mut failures: Vec<Failure> = infos.errors.iter().cloned().map(Failure::Api).collect();
    for object in &infos.objects {
        let mut wanted = Wanted::of(parsed);
        let service = match from_object(object, &mut wanted).and_then(|()| build(&wanted)) {
            Ok(service) => service,
            Err(message) => {
                failures.push(Failure::Plain(message));
                continue;
            }
        };
        let service = match overrides(parsed, service) {
            Ok(service) => service,
            Err(message) => {
                failures.push(Failure::Plain(message));
                continue;
            }
        };
        if let Err(failure) = create(ctx, parsed, service, dry_run, &namespace, &mut printer, out) {
            failures.push(failure);
        }
    }
    print_flags::print_failures(out, &failures);
    Ok(())
}

/// Fills what the flags left open from the exposed object.
fn from_object(object: &Object, wanted: &mut Wanted) -> Result<(), String> {
    let kind = object.kind();
    if !matches!(
        kind,
        Kind::Pod | Kind::Service | Kind::Deployment | Kind::ReplicaSet
    ) {
        let group = match kind.group() {
            "" => String::new(),
            group => format!(".{group}"),
        };
        return Err(format!("cannot expose a {}{group}", kind.name()));
    }
    wanted.default_name = object.name().chars().take(63).collect();
    if wanted.selector.is_empty() {
        wanted.selector = selector_of(object).map_err(|e| {
            format!("couldn't retrieve selectors via --selector flag or introspection: {e}")
        })?;
    }
    if wanted.port.is_empty() {
        let ports: Vec<String> = ports_of(object)
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        match ports.as_slice() {
            [] if wanted.cluster_ip != "None" => {
                return Err("couldn't find port via --port flag or introspection".into())
            }
            [] => {}
            [one] => wanted.port = one.clone(),
            many => wanted.ports = many.join(","),
        }
    }
    for (port, protocol) in ports_of(object) {
        let entry = wanted.protocols.entry(port.to_string()).or_default();
        if !entry.contains(&protocol) {
            entry.push(protocol);
        }
    }
    if wanted.labels.is_empty() {
        wanted.labels = join_map(object.metadata().labels.as_ref());
    }
    Ok(())
}

/// `MapBasedSelectorForObject`.
fn selector_of(object: &Object) -> Result<String, String> {
    match object {
        Object::Pod(pod) => match pod.metadata.labels.as_ref().filter(|l| !l.is_empty()) {
            Some(labels) => Ok(join_map(Some(labels))),
            None => Err("the pod has no labels and cannot be exposed".into()),
        },
        Object::Service(svc) => match svc.spec.as_ref().and_then(|s| s.selector.as_ref()) {
            Some(selector) => Ok(join_map(Some(selector))),
            None => Err("the service has no pod selector set".into()),
        },
        Object::Deployment(d) => label_selector(d.spec.as_ref().map(|s| &s.selector)),
        Object::ReplicaSet(rs) => label_selector(rs.spec.as_ref().map(|s| &s.selector)),
        _ => Err("cannot extract pod selector".into()),
    }
}

fn label_selector(
    selector: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
) -> Result<String, String> {
    let selector = selector.cloned().unwrap_or_default();
    let expressions = selector.match_expressions.unwrap_or_default();
    if !expressions.is_empty() {
        let shown: Vec<String> = expressions
            .iter()
            .map(|e| {
                format!(
                    "{{Key:{} Operator:{} Values:[{}]}}",
                    e.key,
                    e.operator,
                    e.values.clone().unwrap_or_default().join(" ")
                )
            })
            .collect();
        return Err(format!(
            "couldn't convert expressions - \"[{}]\" to map-based selector format",
            shown.join(" ")
        ));
    }
    Ok(join_map(selector.match_labels.as_ref()))
}

fn join_map(map: Option<&BTreeMap<String, String>>) -> String {
    map.into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `PortsForObject` with each port's protocol (`TCP` when unset).
fn ports_of(object: &Object) -> Vec<(i32, String)> {
    let protocol = |p: &Option<String>| {
        p.clone()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "TCP".into())
    };
    let from_spec = |spec: Option<&PodSpec>| -> Vec<(i32, String)> {
        spec.into_iter()
            .flat_map(|s| s.containers.iter())
            .flat_map(|c| c.ports.iter().flatten())
            .map(|p| (p.container_port, protocol(&p.protocol)))
            .collect()
    };
    match object {
        Object::Pod(pod) => from_spec(pod.spec.as_ref()),
        Object::Deployment(d) => from_spec(d.spec.as_ref().and_then(|s| s.template.spec.as_ref())),
        Object::ReplicaSet(rs) => from_spec(
            rs.spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .and_then(|t| t.spec.as_ref()),
        ),
        Object::Service(svc) => svc
            .spec
            .as_ref()
            .and_then(|s| s.ports.as_ref())
            .into_iter()
            .flatten()
            .map(|p| (p.port, protocol(&p.protocol)))
            .collect(),
        _ => Vec::new(),
    }
}

/// `parseLabels`: `k=v,k2=v2`.
fn parse_labels(text: &str) -> Result<Map<String, Value>, String> {
    if text.is_empty() {
        return Err("no label spec passed".into());
    }
    let mut labels = Map::new();
    for spec in text.split(',') {
        let parts: Vec<&str> = spec.split('=').collect();
        let [key, value] = parts.as_slice() else {
            return Err(format!("unexpected label spec: {spec}"));
        };
        if key.is_empty() {
            return Err("unexpected empty label key".into());
        }
        labels.insert(key.to_string(), json!(value));
    }
    Ok(labels)
}

/// `createService`: the typed Service kubectl generates.
fn build(wanted: &Wanted) -> Result<Value, String> {
    if wanted.selector.is_empty() {
        return Err("selector must be specified".into());
    }
    let selector = parse_labels(&wanted.selector)?;
    let labels = if wanted.labels.is_empty() {
        None
    } else {
        Some(parse_labels(&wanted.labels)?)
    };
    let name = if wanted.name.is_empty() {
        &wanted.default_name
    } else {
        &wanted.name
    };
    if name.is_empty() {
        return Err("name must be specified".into());
    }
    let mut ports = build_ports(wanted)?;
    for port in &mut ports {
        let target = match wanted.target_port.parse::<i64>() {
            _ if wanted.target_port.is_empty() => port["port"].clone(),
            Ok(number) => json!(number),
            Err(_) => json!(wanted.target_port),
        };
        port["targetPort"] = target;
    }
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    meta.insert("creationTimestamp".into(), Value::Null);
    if let Some(labels) = labels {
        meta.insert("labels".into(), Value::Object(labels));
    }
    let mut spec = Map::new();
    if !ports.is_empty() {
        spec.insert("ports".into(), Value::Array(ports));
    }
    spec.insert("selector".into(), Value::Object(selector));
    fill_spec(&mut spec, wanted)?;
    Ok(json!({
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": meta,
        "spec": spec,
        "status": { "loadBalancer": {} },
    }))
}

/// The ports, named `port-N` when there are several, with their protocols.
fn build_ports(wanted: &Wanted) -> Result<Vec<Value>, String> {
    let text = if wanted.ports.is_empty() {
        &wanted.port
    } else {
        &wanted.ports
    };
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let specs: Vec<&str> = text.split(',').collect();
    let mut ports = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let port: i64 = spec
            .parse()
            .map_err(|_| format!("strconv.Atoi: parsing \"{spec}\": invalid syntax"))?;
        let name = if specs.len() > 1 {
            format!("port-{}", i + 1)
        } else {
            String::new()
        };
        let known = wanted
            .protocols
            .get(*spec)
            .filter(|_| wanted.protocol.is_empty());
        match known.map(Vec::as_slice) {
            Some(many) if many.len() > 1 => {
                for protocol in many {
                    let named = format!("port-{}-{}", i + 1, protocol.to_ascii_lowercase());
                    ports.push(port_value(&named, port, protocol));
                }
            }
            Some([one]) => ports.push(port_value(&name, port, one)),
            _ if !wanted.protocol.is_empty() => {
                ports.push(port_value(&name, port, &wanted.protocol))
            }
            _ => ports.push(port_value(&name, port, "TCP")),
        }
    }
    Ok(ports)
}

fn port_value(name: &str, port: i64, protocol: &str) -> Value {
    let mut entry = Map::new();
    if !name.is_empty() {
        entry.insert("name".into(), json!(name));
    }
    entry.insert("protocol".into(), json!(protocol));
    entry.insert("port".into(), json!(port));
    Value::Object(entry)
}

/// Type, external IP, load balancer IP, session affinity and cluster IP.
fn fill_spec(spec: &mut Map<String, Value>, wanted: &Wanted) -> Result<(), String> {
    if !wanted.external_ip.is_empty() {
        spec.insert("externalIPs".into(), json!([wanted.external_ip]));
    }
    if !wanted.service_type.is_empty() {
        spec.insert("type".into(), json!(wanted.service_type));
    }
    if wanted.service_type == "LoadBalancer" && !wanted.load_balancer_ip.is_empty() {
        spec.insert("loadBalancerIP".into(), json!(wanted.load_balancer_ip));
    }
    match wanted.session_affinity.as_str() {
        "" => {}
        "None" | "ClientIP" => {
            spec.insert("sessionAffinity".into(), json!(wanted.session_affinity));
        }
        other => return Err(format!("unknown session affinity: {other}")),
    }
    if !wanted.cluster_ip.is_empty() {
        spec.insert("clusterIP".into(), json!(wanted.cluster_ip));
    }
    Ok(())
}

/// `--overrides`: a JSON document merged into the generated Service
/// (`--override-type=merge`, the default; `strategic` merges the same way here).
fn overrides(parsed: &Parsed, service: Value) -> Result<Value, String> {
    let Some(text) = parsed.value("overrides").filter(|t| !t.is_empty()) else {
        return Ok(service);
    };
    match parsed.value("override-type").unwrap_or("merge") {
        "merge" | "strategic" => {}
        "json" => return Err("json patch overrides are not simulated; use --override-type=merge".into()),
        other => {
            return Err(format!(
                "unsupported override type {other:?}, must be one of: \"json\", \"merge\", \"strategic\""
            ))
        }
    }
    let patch: Value =
        serde_json::from_str(text).map_err(|e| format!("error parsing overrides: {e}"))?;
    let mut merged = service;
    merge_patch(&mut merged, &patch);
    Ok(merged)
}

/// RFC 7386 JSON merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    if let Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(key);
            } else {
                merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Records, prints (`--dry-run=client`) or creates, then prints the server's answer.
fn create(
    ctx: &mut Context<'_>,
    parsed: &Parsed,
    mut service: Value,
    dry_run: DryRun,
    namespace: &str,
    printer: &mut Printer,
    out: &mut Output,
) -> Result<(), Failure> {
    if parsed.flag("record") {
        let cause = apply::change_cause(&["expose".to_string()], parsed);
        service["metadata"]["annotations"] = json!({ CHANGE_CAUSE: cause });
    }
    let name = service
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if dry_run == DryRun::Client {
        if parsed.value("namespace").is_some() {
            service["metadata"]["namespace"] = json!(namespace);
        }
        out.stdout.push_str(&printer.print(&Printed {
            kind: Kind::Service,
            name: &name,
            value: &service,
            typed: true,
        }));
        return Ok(());
    }
    if parsed.flag("save-config") {
        let text = format!("{}\n", go_json::to_compact_json(Kind::Service, &service));
        service["metadata"]["annotations"][apply::LAST_APPLIED] = json!(text);
    }
    let mut object =
        Object::from_value(Kind::Service, &service).map_err(|e| Failure::Plain(e.to_string()))?;
    object.metadata_mut().namespace = Some(namespace.to_string());
    let options = WriteOptions {
        dry_run: dry_run == DryRun::Server,
        field_manager: Some(
            parsed
                .value("field-manager")
                .unwrap_or("kubectl-expose")
                .to_string(),
        ),
    };
    let created = ctx
        .cluster
        .create_with(object, &options)
        .map_err(|err| Failure::Api(format_status(&err, None)))?;
    let value = created.to_value();
    out.stdout.push_str(&printer.print(&Printed {
        kind: Kind::Service,
        name: created.name(),
        value: &value,
        typed: false,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_ports_are_named_and_keep_their_protocols() {
        let mut wanted = Wanted {
            selector: "app=echo".into(),
            ports: "80,8080".into(),
            default_name: "echo".into(),
            ..Wanted::default()
        };
        wanted.protocols.insert("80".into(), vec!["TCP".into()]);
        wanted
            .protocols
            .insert("8080".into(), vec!["TCP".into(), "UDP".into()]);
        let service = build(&wanted).expect("valid");
        assert_eq!(
            service["spec"]["ports"],
            json!([
                {"name": "port-1", "protocol": "TCP", "port": 80, "targetPort": 80},
                {"name": "port-2-tcp", "protocol": "TCP", "port": 8080, "targetPort": 8080},
                {"name": "port-2-udp", "protocol": "UDP", "port": 8080, "targetPort": 8080},
            ])
        );
    }

    #[test]
    fn a_named_target_port_stays_a_name() {
        let wanted = Wanted {
            selector: "app=echo".into(),
            port: "80".into(),
            target_port: "http".into(),
            name: "web".into(),
            ..Wanted::default()
        };
        let service = build(&wanted).expect("valid");
        assert_eq!(service["spec"]["ports"][0]["targetPort"], json!("http"));
        assert_eq!(service["metadata"]["name"], json!("web"));
        assert!(build(&Wanted {
            port: "x".into(),
            ..wanted
        })
        .is_err_and(|e| e == "strconv.Atoi: parsing \"x\": invalid syntax"));
    }

    #[test]
    fn overrides_merge_into_the_service() {
        let mut value = json!({"spec": {"type": "ClusterIP", "ports": [1]}});
        merge_patch(
            &mut value,
            &json!({"spec": {"type": null, "externalName": "x"}}),
        );
        assert_eq!(value, json!({"spec": {"ports": [1], "externalName": "x"}}));
    }
}

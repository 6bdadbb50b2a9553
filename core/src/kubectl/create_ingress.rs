//! `kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]]`:
//! an Ingress whose rules, paths (`*` at the end: `Prefix`, else `Exact`),
//! TLS entries, class, default backend and annotations are built as
//! kubectl builds them, with its checks. (No ingress controller runs here,
//! so the Ingress is stored with no address, as on such a cluster.)

use serde_json::{json, Map, Value};

use super::args::Flag;
use super::create::{finish, generate, metadata};
use super::{Context, Output};
use crate::api::Kind;

const FLAGS: &[Flag] = &[
    Flag::string("class", None),
    Flag::strings("rule", None),
    Flag::string("default-backend", None),
    Flag::strings("annotation", None),
];

/// Runs `kubectl create ingress|ing NAME …`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    generate(
        ctx,
        rest,
        FLAGS,
        "create ingress",
        |ctx, parsed, name, common, out| {
            let rules = parsed.all("rule");
            let annotations = parsed.all("annotation");
            let default_backend = parsed.value("default-backend").unwrap_or_default();
            validate(rules, annotations, default_backend)?;
            let mut meta = metadata(&name, &common);
            let annotated: Map<String, Value> = annotations
                .iter()
                .filter_map(|a| a.split_once('='))
                .map(|(key, value)| (key.to_string(), json!(value)))
                .collect();
            if !annotated.is_empty() {
                meta.insert("annotations".into(), Value::Object(annotated));
            }
            let value = json!({
                "kind": "Ingress",
                "apiVersion": "networking.k8s.io/v1",
                "metadata": meta,
                "spec": spec(parsed.value("class"), default_backend, rules),
            });
            finish(
                ctx,
                Kind::Ingress,
                value,
                common,
                |e| format!("error: failed to create ingress: {}", e.message()),
                out,
            );
            Ok(())
        },
    )
}

/// kubectl's checks: something to route, well-formed rules, annotations
/// and default backend.
fn validate(rules: &[String], annotations: &[String], default_backend: &str) -> Result<(), String> {
    if default_backend.is_empty() && rules.is_empty() {
        return Err("error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)".into());
    }
    if let Some(rule) = rules.iter().find(|rule| !is_valid_rule(rule)) {
        return Err(format!(
            "error: rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
        ));
    }
    if let Some(annotation) = annotations.iter().find(|a| !a.contains('=')) {
        return Err(format!(
            "error: annotation {annotation} is invalid and should be in format key=[value]"
        ));
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        return Err("error: default-backend should be in format servicename:serviceport".into());
    }
    Ok(())
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// One or more of `[\w-]`, as the rule's names and ports are.
fn is_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| is_word(c) || c == '-')
}

/// kubectl's rule pattern: `host` of `[\w*.-]`, a `/path` without `,` or
/// `=`, `=service:port` of `[\w-]`, then optionally `,tls`, `=`, a secret.
fn is_valid_rule(rule: &str) -> bool {
    let host_end = rule
        .find(|c: char| !(is_word(c) || matches!(c, '*' | '-' | '.')))
        .unwrap_or(rule.len());
    let Some(after_host) = rule[host_end..].strip_prefix('/') else {
        return false;
    };
    let path_end = after_host
        .find([',', '=', '\n'])
        .unwrap_or(after_host.len());
    let Some(after_path) = after_host[path_end..].strip_prefix('=') else {
        return false;
    };
    let (backend, tls) = match after_path.split_once(',') {
        Some((backend, tls)) => (backend, Some(tls)),
        None => (after_path, None),
    };
    let Some((service, port)) = backend.split_once(':') else {
        return false;
    };
    let tls_ok = match tls {
        None => true,
        Some(tls) => tls.strip_prefix("tls").is_some_and(|rest| {
            let secret = rest.strip_prefix('=').unwrap_or(rest);
            secret.is_empty() || is_name(secret)
        }),
    };
    is_name(service) && is_name(port) && tls_ok
}

/// The spec: class, default backend, TLS entries, then rules.
fn spec(class: Option<&str>, default_backend: &str, rules: &[String]) -> Value {
    let mut spec = Map::new();
    if let Some(class) = class.filter(|c| !c.is_empty()) {
        spec.insert("ingressClassName".into(), json!(class));
    }
    if !default_backend.is_empty() {
        spec.insert("defaultBackend".into(), backend(default_backend));
    }
    let tls = tls_entries(rules);
    if !tls.is_empty() {
        spec.insert("tls".into(), Value::Array(tls));
    }
    let by_host = ingress_rules(rules);
    if !by_host.is_empty() {
        spec.insert("rules".into(), Value::Array(by_host));
    }
    Value::Object(spec)
}

/// `service:port` as a backend: a port number, or a port name.
fn backend(service: &str) -> Value {
    let mut parts = service.split(':');
    let name = parts.next().unwrap_or_default();
    let port = parts.next().unwrap_or_default();
    let port = match port.parse::<i32>() {
        Ok(number) => json!({ "number": number }),
        Err(_) => json!({ "name": port }),
    };
    json!({ "service": { "name": name, "port": port } })
}

/// One TLS entry per secret, gathering the hosts that name it; a host is
/// taken once.
fn tls_entries(rules: &[String]) -> Vec<Value> {
    let mut entries: Vec<(Vec<String>, String)> = Vec::new();
    let mut seen_hosts: Vec<&str> = Vec::new();
    for rule in rules {
        let Some((_, tls)) = rule.split_once(',') else {
            continue;
        };
        let host = rule.split('/').next().unwrap_or_default();
        let secret = tls.split('=').nth(1).unwrap_or_default().to_string();
        if seen_hosts.contains(&host) {
            continue;
        }
        seen_hosts.push(host);
        match entries.iter_mut().find(|(_, s)| *s == secret) {
            Some((hosts, _)) => hosts.push(host.to_string()),
            None if !host.is_empty() || !secret.is_empty() => {
                let hosts = if host.is_empty() {
                    vec![]
                } else {
                    vec![host.to_string()]
                };
                entries.push((hosts, secret));
            }
            None => {}
        }
    }
    entries
        .into_iter()
        .map(|(hosts, secret)| {
            let mut entry = Map::new();
            if !hosts.is_empty() {
                entry.insert("hosts".into(), json!(hosts));
            }
            if !secret.is_empty() {
                entry.insert("secretName".into(), json!(secret));
            }
            Value::Object(entry)
        })
        .collect()
}

/// One rule per host, its paths in the order given.
fn ingress_rules(rules: &[String]) -> Vec<Value> {
    let mut by_host: Vec<(String, Vec<Value>)> = Vec::new();
    for rule in rules {
        let routed = rule.split(',').next().unwrap_or_default();
        let (host, path_and_service) = routed.split_once('/').unwrap_or((routed, ""));
        let path = http_path(path_and_service);
        match by_host.iter_mut().find(|(h, _)| h == host) {
            Some((_, paths)) => paths.push(path),
            None => by_host.push((host.to_string(), vec![path])),
        }
    }
    by_host
        .into_iter()
        .map(|(host, paths)| {
            let mut rule = Map::new();
            if !host.is_empty() {
                rule.insert("host".into(), json!(host));
            }
            rule.insert("http".into(), json!({ "paths": paths }));
            Value::Object(rule)
        })
        .collect()
}

/// `path*=svc:port` → a `Prefix` path; without the `*`, an `Exact` one.
fn http_path(path_and_service: &str) -> Value {
    let (path, service) = path_and_service
        .split_once('=')
        .unwrap_or((path_and_service, ""));
    let path = format!("/{path}");
    let (path, path_type) = match path.strip_suffix('*') {
        Some(prefix) => (prefix.to_string(), "Prefix"),
        None => (path, "Exact"),
    };
    json!({ "path": path, "pathType": path_type, "backend": backend(service) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_checked_as_kubectls_pattern_checks_them() {
        for good in [
            "foo.com/bar=svc1:8080,tls=my-cert",
            "/path=svc:port",
            "*.a.b/x*=s:http,tls",
            "h/=s:1,tls=",
        ] {
            assert!(is_valid_rule(good), "{good}");
        }
        for bad in [
            "foo.com=svc:80",
            "foo.com/a=svc",
            "foo.com/a=s:80,tlz",
            "a b/x=s:1",
            "h/p=s:1,tls=a,b",
        ] {
            assert!(!is_valid_rule(bad), "{bad}");
        }
    }
}

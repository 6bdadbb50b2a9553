//! `kubectl create role` and `kubectl create clusterrole`: a Role or
//! ClusterRole with one rule per API group, from `--verb`, `--resource`
//! (`pods`, `deployments.apps`, `pods/log`, short names resolved as the
//! server's discovery resolves them), `--resource-name`, and for cluster
//! roles `--non-resource-url` or an `--aggregation-rule`, checked as
//! kubectl checks them.

use serde_json::{json, Map, Value};

use super::args::{Flag, Parsed};
use super::create::{finish_object, generate, metadata};
use super::{Context, Output};
use crate::api::Kind;

const ROLE_FLAGS: &[Flag] = &[
    Flag::strings("verb", None),
    Flag::strings("resource", None),
    Flag::strings("resource-name", None),
];

/// What `create clusterrole` takes besides a role's flags.
const CLUSTER_ROLE_FLAGS: &[Flag] = &[
    Flag::strings("non-resource-url", None),
    Flag::strings("aggregation-rule", None),
];

/// The verbs RBAC knows for resources; others get a warning.
const RESOURCE_VERBS: &[&str] = &[
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
];

/// The verbs a non-resource URL takes.
const NON_RESOURCE_VERBS: &[&str] = &[
    "*", "get", "post", "put", "delete", "patch", "head", "options",
];

/// Verbs that only make sense on some resources: (verb, group, resource).
const SPECIAL_VERBS: &[(&str, &str, &str)] = &[
    ("use", "policy", "podsecuritypolicies"),
    ("use", "extensions", "podsecuritypolicies"),
    ("bind", "rbac.authorization.k8s.io", "roles"),
    ("bind", "rbac.authorization.k8s.io", "clusterroles"),
    ("escalate", "rbac.authorization.k8s.io", "roles"),
    ("escalate", "rbac.authorization.k8s.io", "clusterroles"),
    ("impersonate", "", "users"),
    ("impersonate", "", "serviceaccounts"),
    ("impersonate", "", "groups"),
    ("impersonate", "authentication.k8s.io", "userextras"),
];

/// Which of the two generators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `create role`.
    Namespaced,
    /// `create clusterrole`.
    Cluster,
}

/// One `--resource`: `deployments.apps/status` → (apps, deployments, status).
#[derive(Clone, Debug, PartialEq, Eq)]
struct ResourceArg {
    group: String,
    resource: String,
    subresource: String,
}

/// What the flags say, deduplicated as kubectl deduplicates them.
struct Rule {
    verbs: Vec<String>,
    resources: Vec<ResourceArg>,
    resource_names: Vec<String>,
    non_resource_urls: Vec<String>,
    aggregation: Map<String, Value>,
}

/// Runs `kubectl create role|clusterrole NAME …`.
pub fn run(ctx: &mut Context<'_>, rest: &[String], scope: Scope) -> Output {
    let (usage, kind) = match scope {
        Scope::Namespaced => ("create role", Kind::Role),
        Scope::Cluster => ("create clusterrole", Kind::ClusterRole),
    };
    let mut flags = ROLE_FLAGS.to_vec();
    if scope == Scope::Cluster {
        flags.extend_from_slice(CLUSTER_ROLE_FLAGS);
    }
    generate(
        ctx,
        rest,
        &flags,
        usage,
        |ctx, parsed, name, common, out| {
            let rule = rule_of(parsed)?;
            validate(&rule, scope, out)?;
            let mut meta = metadata(&name, &common);
            let mut value = json!({
                "kind": kind.name(),
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "metadata": {},
            });
            if scope == Scope::Cluster {
                meta.remove("namespace");
            }
            value["metadata"] = Value::Object(meta);
            if rule.aggregation.is_empty() {
                value["rules"] = Value::Array(policy_rules(&rule));
            } else {
                value["aggregationRule"] =
                    json!({ "clusterRoleSelectors": [{ "matchLabels": rule.aggregation }] });
            }
            finish_object(ctx, kind, value, common, out)
        },
    )
}

/// The flags as kubectl completes them: comma lists split, duplicates
/// dropped, `*` standing alone.
fn rule_of(parsed: &Parsed) -> Result<Rule, String> {
    let listed = |flag: &str| -> Vec<String> {
        let mut values: Vec<String> = Vec::new();
        for value in parsed.all(flag).iter().flat_map(|v| v.split(',')) {
            if !values.iter().any(|v| v == value) {
                values.push(value.to_string());
            }
        }
        values
    };
    let mut verbs = listed("verb");
    if verbs.iter().any(|v| v == "*") {
        verbs = vec!["*".to_string()];
    }
    let mut resources = Vec::new();
    for text in parsed.all("resource").iter().flat_map(|v| v.split(',')) {
        let (path, subresource) = text.split_once('/').unwrap_or((text, ""));
        let (resource, group) = path.split_once('.').unwrap_or((path, ""));
        let arg = ResourceArg {
            group: group.to_string(),
            resource: resource.to_string(),
            subresource: subresource.to_string(),
        };
        if resource == "*" && !path.contains('.') && !text.contains('/') {
            resources = vec![arg];
            break;
        }
        resources.push(arg);
    }
    let mut resource_names: Vec<String> = Vec::new();
    for name in parsed.all("resource-name") {
        if !resource_names.contains(name) {
            resource_names.push(name.clone());
        }
    }
    let mut aggregation = Map::new();
    for pair in parsed
        .all("aggregation-rule")
        .iter()
        .flat_map(|v| v.split(','))
    {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!(
                "error: invalid argument {pair:?} for \"--aggregation-rule\" flag: {pair} must be formatted as key=value"
            ));
        };
        aggregation.insert(key.to_string(), json!(value));
    }
    Ok(Rule {
        verbs,
        resources,
        resource_names,
        non_resource_urls: listed("non-resource-url"),
        aggregation,
    })
}

/// kubectl's checks, in its order; warnings for unusual verbs go to `out`.
fn validate(rule: &Rule, scope: Scope, out: &mut Output) -> Result<(), String> {
    if scope == Scope::Cluster && !rule.aggregation.is_empty() {
        let alone = rule.non_resource_urls.is_empty()
            && rule.verbs.is_empty()
            && rule.resources.is_empty()
            && rule.resource_names.is_empty();
        return match alone {
            true => Ok(()),
            false => Err("error: aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames".into()),
        };
    }
    if rule.verbs.is_empty() {
        return Err("error: at least one verb must be specified".into());
    }
    match scope {
        Scope::Namespaced => {
            warn_unusual_verbs(rule, out);
            if rule.resources.is_empty() {
                return Err("error: at least one resource must be specified".into());
            }
        }
        Scope::Cluster if rule.resources.is_empty() && rule.non_resource_urls.is_empty() => {
            return Err("error: one of resource or nonResourceURL must be specified".into());
        }
        Scope::Cluster if !rule.resources.is_empty() => warn_unusual_verbs(rule, out),
        Scope::Cluster => {}
    }
    if !rule.resources.is_empty() {
        validate_resources(rule)?;
    }
    validate_non_resource_urls(rule)
}

fn warn_unusual_verbs(rule: &Rule, out: &mut Output) {
    for verb in &rule.verbs {
        if !RESOURCE_VERBS.contains(&verb.as_str()) {
            out.err(format!("Warning: '{verb}' is not a standard resource verb"));
        }
    }
}

/// Each resource must be one the server has, and fit the special verbs.
fn validate_resources(rule: &Rule) -> Result<(), String> {
    for arg in &rule.resources {
        if arg.resource.is_empty() {
            return Err(
                "error: resource must be specified if apiGroup/subresource specified".into(),
            );
        }
        if arg.resource == "*" {
            return Ok(());
        }
        let found = resolved(arg);
        let (group, resource) = found
            .map(|kind| (kind.group().to_string(), kind.plural().to_string()))
            .unwrap_or_else(|| (arg.group.clone(), arg.resource.clone()));
        for verb in &rule.verbs {
            let limited: Vec<_> = SPECIAL_VERBS.iter().filter(|(v, _, _)| v == verb).collect();
            if !limited.is_empty()
                && !limited
                    .iter()
                    .any(|(_, g, r)| *g == group && *r == resource)
            {
                return Err(format!(
                    "error: can not perform '{verb}' on '{resource}' in group '{group}'"
                ));
            }
        }
        if found.is_none() {
            return Err(format!(
                "the server doesn't have a resource type \"{}\"",
                arg.resource
            ));
        }
    }
    Ok(())
}

fn validate_non_resource_urls(rule: &Rule) -> Result<(), String> {
    if rule.non_resource_urls.is_empty() {
        return Ok(());
    }
    if let Some(verb) = rule
        .verbs
        .iter()
        .find(|v| !NON_RESOURCE_VERBS.contains(&v.as_str()))
    {
        return Err(format!("error: invalid verb: '{verb}' for nonResourceURL"));
    }
    for url in rule.non_resource_urls.iter().filter(|u| *u != "*") {
        if !url.starts_with('/') {
            return Err("error: nonResourceURL should start with /".into());
        }
        if url[..url.len() - 1].contains('*') {
            return Err(
                "error: nonResourceURL only supports wildcard matches when '*' is at the end"
                    .into(),
            );
        }
    }
    Ok(())
}

/// The kind a `--resource` names, as discovery resolves it (plural,
/// singular or short name, in its group when one is given).
fn resolved(arg: &ResourceArg) -> Option<Kind> {
    let named = if arg.group.is_empty() {
        arg.resource.clone()
    } else {
        format!("{}.{}", arg.resource, arg.group)
    };
    Kind::from_resource_arg(&named)
}

/// One rule per API group, in group order, then one for the URLs.
fn policy_rules(rule: &Rule) -> Vec<Value> {
    let mut by_group: Vec<(String, Vec<String>)> = Vec::new();
    for arg in &rule.resources {
        let (group, mut resource) = match resolved(arg) {
            Some(kind) => (kind.group().to_string(), kind.plural().to_string()),
            None => (arg.group.clone(), arg.resource.clone()),
        };
        if !arg.subresource.is_empty() {
            resource = format!("{resource}/{}", arg.subresource);
        }
        match by_group.iter_mut().find(|(g, _)| *g == group) {
            Some((_, resources)) if !resources.contains(&resource) => resources.push(resource),
            Some(_) => {}
            None => by_group.push((group, vec![resource])),
        }
    }
    by_group.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rules: Vec<Value> = by_group
        .into_iter()
        .map(|(group, resources)| {
            let mut policy = json!({
                "verbs": rule.verbs,
                "apiGroups": [group],
                "resources": resources,
            });
            if !rule.resource_names.is_empty() {
                policy["resourceNames"] = json!(rule.resource_names);
            }
            policy
        })
        .collect();
    if !rule.non_resource_urls.is_empty() {
        rules.push(json!({ "verbs": rule.verbs, "nonResourceURLs": rule.non_resource_urls }));
    }
    rules
}

//! `kubectl rollout history|undo|status|restart|pause|resume` for Deployments.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Container, PodTemplateSpec};

use super::args::{self, Flag, Parsed};
use super::errors::format_status;
use super::{usage_error, Context, Output};
use crate::api::{Kind, Object};
use crate::controllers::deployment::util::{self, POD_TEMPLATE_HASH};
use crate::controllers::pod_util::controller_ref;

const FLAGS: &[Flag] = &[
    Flag::string("revision", None),
    Flag::string("to-revision", None),
    Flag::bool("watch", Some('w')),
    Flag::string("timeout", None),
    Flag::strings("filename", Some('f')),
    Flag::string("output", Some('o')),
    Flag::string("dry-run", None),
];

/// The subcommands this playground runs (kubectl also has nothing else
/// for Deployments).
const SUBCOMMANDS: &[&str] = &["history", "undo", "status", "restart", "pause", "resume"];

/// Runs `kubectl rollout SUBCOMMAND`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let Some((sub, rest)) = rest.split_first() else {
        // Bare `kubectl rollout` prints its help, and fails.
        return Output {
            stdout: super::help::text_of(&["rollout"]).to_string(),
            exit_code: 1,
            ..Output::default()
        };
    };
    if !SUBCOMMANDS.contains(&sub.as_str()) {
        let mut out = Output::default();
        out.fail(format!(
            "error: unknown command \"{sub}\"\nSee 'kubectl rollout -h' for help and examples"
        ));
        return out;
    }
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&format!("rollout {sub}"), &e),
    };
    let mut out = Output::default();
    let deployment = match target(ctx, &parsed, sub, &mut out) {
        Some(d) => d,
        None => return out,
    };
    match sub.as_str() {
        "history" => history(ctx, &deployment, &parsed, &mut out),
        "undo" => undo(ctx, &deployment, &parsed, &mut out),
        "status" => status(ctx, &deployment, &mut out),
        "restart" => restart(ctx, deployment, &mut out),
        "pause" | "resume" => pause(ctx, deployment, sub == "pause", &mut out),
        _ => {}
    }
    out
}

/// The Deployment named by `deployment/echo` or `deployment echo`.
fn target(ctx: &Context<'_>, parsed: &Parsed, sub: &str, out: &mut Output) -> Option<Deployment> {
    let namespace = parsed.value("namespace").unwrap_or("default");
    let (kind, name) = match parsed.positionals.as_slice() {
        [one] if one.contains('/') => one
            .split_once('/')
            .map(|(k, n)| (k.to_string(), n.to_string()))?,
        [kind, name, ..] => (kind.clone(), name.clone()),
        _ => {
            out.fail(format!(
                "error: required resource not specified\nSee 'kubectl rollout {sub} -h' for help and examples"
            ));
            return None;
        }
    };
    match Kind::from_resource_arg(&kind) {
        Some(Kind::Deployment) => {}
        Some(other) => {
            out.fail(format!(
                "error: no {} found for {}/{name}",
                sub_noun(sub),
                other.qualified_singular()
            ));
            return None;
        }
        None => {
            out.fail(format!(
                "error: the server doesn't have a resource type \"{kind}\""
            ));
            return None;
        }
    }
    match ctx.cluster.api().get(Kind::Deployment, namespace, &name) {
        Ok(object) => match object.as_ref() {
            Object::Deployment(d) => Some((**d).clone()),
            _ => None,
        },
        Err(err) => {
            out.fail(format_status(&err, None));
            None
        }
    }
}

fn sub_noun(sub: &str) -> &'static str {
    match sub {
        "history" => "history viewer",
        "undo" => "rollbacker",
        _ => "status viewer",
    }
}

/// The ReplicaSets a Deployment controls, by revision.
fn revisions(ctx: &Context<'_>, d: &Deployment) -> BTreeMap<i64, ReplicaSet> {
    let uid = d.metadata.uid.clone().unwrap_or_default();
    ctx.cluster
        .api()
        .store()
        .dependents_of(&uid)
        .filter(|k| k.kind == Kind::ReplicaSet)
        .filter_map(
            |k| match ctx.cluster.api().store().get(k).map(|o| o.as_ref()) {
                Some(Object::ReplicaSet(rs))
                    if controller_ref(&rs.metadata).is_some_and(|r| r.uid == uid) =>
                {
                    Some((util::revision(&rs.metadata), (**rs).clone()))
                }
                _ => None,
            },
        )
        .collect()
}

fn history(ctx: &Context<'_>, d: &Deployment, parsed: &Parsed, out: &mut Output) {
    let name = d.metadata.name.clone().unwrap_or_default();
    let history = revisions(ctx, d);
    if let Some(wanted) = parsed.value("revision").filter(|r| *r != "0") {
        let revision: i64 = wanted.parse().unwrap_or(-1);
        match history.get(&revision).and_then(template_with_change_cause) {
            Some(template) => {
                out.out(format!("deployment.apps/{name} with revision #{revision}"));
                out.stdout.push_str(&describe_template(&template));
                out.out("");
            }
            None => out.fail("error: unable to find the specified revision"),
        }
        return;
    }
    if history.is_empty() {
        out.out("No rollout history found.");
        return;
    }
    out.out(format!("deployment.apps/{name} "));
    let rows: Vec<(String, String)> = history
        .iter()
        .map(|(revision, rs)| {
            let cause = rs
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(util::CHANGE_CAUSE))
                .cloned()
                .unwrap_or_else(|| "<none>".into());
            (revision.to_string(), cause)
        })
        .collect();
    let width = rows
        .iter()
        .map(|(r, _)| r.len())
        .chain(["REVISION".len()])
        .max()
        .unwrap_or(8)
        + 2;
    out.out(format!("{:<width$}CHANGE-CAUSE", "REVISION"));
    for (revision, cause) in rows {
        out.out(format!("{revision:<width$}{cause}"));
    }
    out.out("");
}

/// A revision's pod template, carrying its ReplicaSet's change cause as
/// kubectl's history viewer copies it in.
fn template_with_change_cause(rs: &ReplicaSet) -> Option<PodTemplateSpec> {
    let mut template = rs.spec.as_ref()?.template.clone()?;
    if let Some(cause) = rs
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(util::CHANGE_CAUSE))
        .filter(|c| !c.is_empty())
    {
        template
            .metadata
            .get_or_insert_with(Default::default)
            .annotations
            .get_or_insert_with(Default::default)
            .insert(util::CHANGE_CAUSE.to_string(), cause.clone());
    }
    Some(template)
}

/// The pod template as `rollout history --revision` prints it (describe's
/// prefix writer: literal tabs, two spaces per level).
pub fn describe_template(template: &PodTemplateSpec) -> String {
    let mut text = String::from("Pod Template:\n");
    let meta = template.metadata.clone().unwrap_or_default();
    let labels = meta.labels.unwrap_or_default();
    text.push_str(&map_lines(
        "  Labels:\t",
        &labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>(),
    ));
    if let Some(annotations) = meta.annotations.filter(|a| !a.is_empty()) {
        text.push_str(&map_lines(
            "  Annotations:\t",
            &annotations
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>(),
        ));
    }
    let spec = template.spec.clone().unwrap_or_default();
    if let Some(init) = spec.init_containers.as_ref().filter(|c| !c.is_empty()) {
        text.push_str("  Init Containers:\n");
        init.iter()
            .for_each(|c| text.push_str(&describe_container(c)));
    }
    text.push_str("  Containers:\n");
    spec.containers
        .iter()
        .for_each(|c| text.push_str(&describe_container(c)));
    let volumes = spec.volumes.unwrap_or_default();
    if volumes.is_empty() {
        text.push_str("  Volumes:\t<none>\n");
    } else {
        text.push_str("  Volumes:\n");
        for v in volumes {
            text.push_str(&format!("   {}:\n", v.name));
        }
    }
    let selectors = spec.node_selector.unwrap_or_default();
    text.push_str(&map_lines(
        "  Node-Selectors:\t",
        &selectors
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>(),
    ));
    let tolerations: Vec<String> = spec
        .tolerations
        .unwrap_or_default()
        .iter()
        .map(toleration)
        .collect();
    text.push_str(&map_lines("  Tolerations:\t", &tolerations));
    text
}

fn map_lines(head: &str, items: &[String]) -> String {
    match items.split_first() {
        None => format!("{head}<none>\n"),
        Some((first, rest)) => {
            let mut text = format!("{head}{first}\n");
            for item in rest {
                text.push_str(&format!("\t{item}\n"));
            }
            text
        }
    }
}

fn toleration(t: &k8s_openapi::api::core::v1::Toleration) -> String {
    let mut text = t.key.clone().unwrap_or_default();
    if let Some(value) = t.value.as_ref().filter(|v| !v.is_empty()) {
        text.push_str(&format!("={value}"));
    }
    if let Some(effect) = t.effect.as_ref().filter(|e| !e.is_empty()) {
        text.push_str(&format!(":{effect}"));
    }
    if t.operator.as_deref() == Some("Exists") && t.value.is_none() {
        text.push_str(" op=Exists");
    }
    if let Some(seconds) = t.toleration_seconds {
        text.push_str(&format!(" for {seconds}s"));
    }
    text
}

fn describe_container(c: &Container) -> String {
    let mut text = format!("   {}:\n", c.name);
    text.push_str(&format!(
        "    Image:\t{}\n",
        c.image.clone().unwrap_or_default()
    ));
    let ports: Vec<String> = c
        .ports
        .iter()
        .flatten()
        .map(|p| {
            format!(
                "{}/{}",
                p.container_port,
                p.protocol.clone().unwrap_or_else(|| "TCP".into())
            )
        })
        .collect();
    let host_ports: Vec<String> = c
        .ports
        .iter()
        .flatten()
        .map(|p| {
            format!(
                "{}/{}",
                p.host_port.unwrap_or(0),
                p.protocol.clone().unwrap_or_else(|| "TCP".into())
            )
        })
        .collect();
    text.push_str(&format!("    Port:\t{}\n", or_none(&ports.join(", "))));
    text.push_str(&format!(
        "    Host Port:\t{}\n",
        or_none(&host_ports.join(", "))
    ));
    if let Some(command) = &c.command {
        text.push_str("    Command:\n");
        command
            .iter()
            .for_each(|a| text.push_str(&format!("      {a}\n")));
    }
    if let Some(args) = &c.args {
        text.push_str("    Args:\n");
        args.iter()
            .for_each(|a| text.push_str(&format!("      {a}\n")));
    }
    let env = c.env.clone().unwrap_or_default();
    if env.is_empty() {
        text.push_str("    Environment:\t<none>\n");
    } else {
        text.push_str("    Environment:\n");
        for e in env {
            text.push_str(&format!(
                "      {}:\t{}\n",
                e.name,
                e.value.unwrap_or_default()
            ));
        }
    }
    let mounts = c.volume_mounts.clone().unwrap_or_default();
    if mounts.is_empty() {
        text.push_str("    Mounts:\t<none>\n");
    } else {
        text.push_str("    Mounts:\n");
        for m in mounts {
            let ro = if m.read_only == Some(true) {
                "ro"
            } else {
                "rw"
            };
            text.push_str(&format!("      {} from {} ({ro})\n", m.mount_path, m.name));
        }
    }
    text
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "<none>"
    } else {
        text
    }
}

fn undo(ctx: &mut Context<'_>, d: &Deployment, parsed: &Parsed, out: &mut Output) {
    let name = d.metadata.name.clone().unwrap_or_default();
    if util::is_paused(d) {
        out.fail("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
        return;
    }
    let history = revisions(ctx, d);
    if history.is_empty() {
        out.fail(format!(
            "error: no rollout history found for deployment \"{name}\""
        ));
        return;
    }
    let wanted: i64 = parsed
        .value("to-revision")
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let target = if wanted == 0 {
        // The previous revision: the second highest.
        history.keys().rev().nth(1).copied()
    } else {
        history.contains_key(&wanted).then_some(wanted)
    };
    let Some(revision) = target else {
        let message = if wanted == 0 {
            format!("error: no rollout history found for deployment \"{name}\"")
        } else {
            format!("error: unable to find specified revision {wanted} in history")
        };
        out.fail(message);
        return;
    };
    let Some(rs) = history.get(&revision) else {
        return;
    };
    let mut template = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(POD_TEMPLATE_HASH);
    }
    let current = d
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    if util::equal_ignore_hash(&template, &current) {
        out.out(format!("deployment.apps/{name} skipped rollback (current template already matches revision {revision})"));
        return;
    }
    let mut updated = d.clone();
    if let Some(spec) = updated.spec.as_mut() {
        spec.template = template;
    }
    let annotations = updated
        .metadata
        .annotations
        .get_or_insert_with(Default::default);
    for (k, v) in rs.metadata.annotations.iter().flatten() {
        if !util::SKIPPED_ANNOTATIONS.contains(&k.as_str()) {
            annotations.insert(k.clone(), v.clone());
        }
    }
    updated.metadata.resource_version = None;
    match ctx.cluster.update(Object::Deployment(Box::new(updated))) {
        Ok(_) => out.out(format!("deployment.apps/{name} rolled back")),
        Err(err) => out.fail(format_status(&err, None)),
    }
}

/// `rollout status`: runs the clock and prints each new progress line, as
/// kubectl prints one per watch event, until the rollout finishes or fails.
fn status(ctx: &mut Context<'_>, d: &Deployment, out: &mut Output) {
    let name = d.metadata.name.clone().unwrap_or_default();
    let namespace = d.metadata.namespace.clone().unwrap_or_default();
    let mut last = String::new();
    for _ in 0..3600 {
        let Ok(object) = ctx.cluster.api().get(Kind::Deployment, &namespace, &name) else {
            out.fail(format!("error: deployments.apps \"{name}\" not found"));
            return;
        };
        let Object::Deployment(current) = object.as_ref() else {
            return;
        };
        match status_line(current) {
            Ok((line, done)) => {
                if line != last {
                    out.out(&line);
                    last = line;
                }
                if done {
                    return;
                }
            }
            Err(message) => {
                out.fail(message);
                return;
            }
        }
        ctx.cluster.advance(1_000);
    }
}

/// kubectl's `DeploymentStatusViewer`: the line for a state, and whether the rollout is done.
pub fn status_line(d: &Deployment) -> Result<(String, bool), String> {
    let name = d.metadata.name.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    if d.metadata.generation > status.observed_generation {
        return Ok((
            "Waiting for deployment spec update to be observed...".into(),
            false,
        ));
    }
    let deadline = status.conditions.iter().flatten().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    if deadline {
        return Err(format!(
            "error: deployment \"{name}\" exceeded its progress deadline"
        ));
    }
    let wanted = util::replicas(d);
    let updated = status.updated_replicas.unwrap_or(0);
    let replicas = status.replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    if updated < wanted {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {wanted} new replicas have been updated..."), false));
    }
    if replicas > updated {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", replicas - updated), false));
    }
    if available < updated {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."), false));
    }
    Ok((
        format!("deployment \"{name}\" successfully rolled out"),
        true,
    ))
}

fn restart(ctx: &mut Context<'_>, mut d: Deployment, out: &mut Output) {
    let name = d.metadata.name.clone().unwrap_or_default();
    if util::is_paused(&d) {
        out.fail(format!(
            "error: deployments.apps \"{name}\" can't restart paused deployment (run rollout resume first)"
        ));
        return;
    }
    let now = ctx.cluster.now().to_time();
    let stamp =
        k8s_openapi::jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%SZ", now.0).unwrap_or_default();
    if let Some(spec) = d.spec.as_mut() {
        spec.template
            .metadata
            .get_or_insert_with(Default::default)
            .annotations
            .get_or_insert_with(Default::default)
            .insert("kubectl.kubernetes.io/restartedAt".into(), stamp);
    }
    d.metadata.resource_version = None;
    match ctx.cluster.update(Object::Deployment(Box::new(d))) {
        Ok(_) => out.out(format!("deployment.apps/{name} restarted")),
        Err(err) => out.fail(format_status(&err, None)),
    }
}

fn pause(ctx: &mut Context<'_>, mut d: Deployment, paused: bool, out: &mut Output) {
    let name = d.metadata.name.clone().unwrap_or_default();
    let word = if paused { "paused" } else { "resumed" };
    if util::is_paused(&d) == paused {
        let state = if paused {
            "is already paused"
        } else {
            "is not paused"
        };
        out.fail(format!("error: deployments.apps \"{name}\" {state}"));
        return;
    }
    if let Some(spec) = d.spec.as_mut() {
        spec.paused = paused.then_some(true);
    }
    d.metadata.resource_version = None;
    match ctx.cluster.update(Object::Deployment(Box::new(d))) {
        Ok(_) => out.out(format!("deployment.apps/{name} {word}")),
        Err(err) => out.fail(format_status(&err, None)),
    }
}

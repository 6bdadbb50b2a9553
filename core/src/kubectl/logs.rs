//! `kubectl logs`: a container's log from the kubelet, with kubectl's
//! container defaulting, `TYPE/NAME` resolution and error messages.

use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;

use super::args::{self, Flag, Parsed};
use super::errors::format_status;
use super::follow::{Follow, LogStream};
use super::{usage_error, Context, Output};
use crate::api::selector::Selector;
use crate::api::{Kind, Object, StatusError};
use crate::controllers::pod_util;
use crate::kubelet::{LogLine, State};

const FLAGS: &[Flag] = &[
    Flag::string("container", Some('c')),
    Flag::bool("all-containers", None),
    Flag::bool("previous", Some('p')),
    Flag::string("tail", None),
    Flag::bool("timestamps", None),
    Flag::strings("selector", Some('l')),
    Flag::bool("prefix", None),
    Flag::bool("follow", Some('f')),
    Flag::string("since", None),
    Flag::bool("ignore-errors", None),
    Flag::string("max-log-requests", None),
    Flag::bool("quiet", Some('q')),
];

/// The annotation that names a pod's default container.
pub const DEFAULT_CONTAINER: &str = "kubectl.kubernetes.io/default-container";

/// Runs `kubectl logs`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("logs", &e),
    };
    let mut out = Output::default();
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let pods = match target_pods(ctx, &parsed, &namespace, &mut out) {
        Ok(pods) => pods,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let selector_mode = !parsed.all("selector").is_empty();
    let tail: i64 = parsed
        .value("tail")
        .and_then(|t| t.parse().ok())
        .unwrap_or(if selector_mode { 10 } else { -1 });
    for pod in pods {
        let containers = match chosen_containers(&pod, &parsed, &mut out) {
            Ok(containers) => containers,
            Err(message) => {
                out.fail(message);
                return out;
            }
        };
        let prefix = parsed.flag("prefix") || (selector_mode && containers.len() > 1);
        for container in containers {
            match container_log(ctx, &pod, &container, parsed.flag("previous")) {
                Ok(lines) => {
                    let prefix = prefix.then(|| format!("[pod/{}/{container}] ", name(&pod)));
                    print_lines(&mut out, &lines, tail, &parsed, prefix.clone());
                    if parsed.flag("follow") && !parsed.flag("previous") {
                        follow_stream(
                            ctx,
                            &pod,
                            &container,
                            lines.len(),
                            prefix,
                            &parsed,
                            &mut out,
                        );
                    }
                }
                Err(err) => {
                    out.fail(format_status(&err, None));
                    return out;
                }
            }
        }
    }
    out
}

/// Adds a container to what `logs -f` goes on printing.
fn follow_stream(
    ctx: &Context<'_>,
    pod: &Pod,
    container: &str,
    printed: usize,
    prefix: Option<String>,
    parsed: &Parsed,
    out: &mut Output,
) {
    let namespace = pod.metadata.namespace.clone().unwrap_or_default();
    let container_id = ctx
        .cluster
        .kubelets()
        .worker(&namespace, name(pod))
        .and_then(|w| w.container(container))
        .and_then(|c| c.container_id.clone());
    let stream = LogStream {
        namespace,
        pod: name(pod).to_string(),
        container: container.to_string(),
        container_id,
        printed,
        prefix,
        timestamps: parsed.flag("timestamps"),
    };
    match out.follow.get_or_insert_with(|| Follow::Logs(Vec::new())) {
        Follow::Logs(streams) => streams.push(stream),
        Follow::Watch(_) => {}
    }
}

fn name(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or("")
}

fn target_pods(
    ctx: &Context<'_>,
    parsed: &Parsed,
    namespace: &str,
    out: &mut Output,
) -> Result<Vec<Pod>, String> {
    let store = ctx.cluster.api().store();
    let selector = parsed.all("selector").join(",");
    if !selector.is_empty() {
        let selector = Selector::parse(&selector).map_err(|e| format!("error: {e}"))?;
        let pods: Vec<Pod> = store
            .list(Kind::Pod, Some(namespace))
            .filter(|o| selector.matches_object(o))
            .filter_map(|o| as_pod(o).cloned())
            .collect();
        if pods.is_empty() {
            out.err(format!("No resources found in {namespace} namespace."));
        }
        return Ok(pods);
    }
    let Some(target) = parsed.positionals.first() else {
        return Err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples".into());
    };
    let (kind, object_name) = match target.split_once('/') {
        Some((kind, object_name)) => {
            let kind = Kind::from_resource_arg(kind).ok_or_else(|| {
                format!("error: the server doesn't have a resource type \"{kind}\"")
            })?;
            (kind, object_name.to_string())
        }
        None => (Kind::Pod, target.clone()),
    };
    let object = ctx
        .cluster
        .api()
        .get(kind, namespace, &object_name)
        .map_err(|e| match e.reason() {
            // kubectl's log helper wraps the lookup's NotFound in its own words.
            "NotFound" => format!(
                "error: error from server (NotFound): {} in namespace \"{namespace}\"",
                e.message()
            ),
            _ => format_status(&e, None),
        })?;
    if let Some(pod) = as_pod(&object) {
        return Ok(vec![pod.clone()]);
    }
    let pods = pods_of(ctx, &object);
    match pods.first() {
        None => Err("error: timed out waiting for the condition".to_string()),
        Some(first) => {
            if pods.len() > 1 {
                out.err(format!(
                    "Found {} pods, using pod/{}",
                    pods.len(),
                    name(first)
                ));
            }
            Ok(vec![first.clone()])
        }
    }
}

fn as_pod(object: &Arc<Object>) -> Option<&Pod> {
    match object.as_ref() {
        Object::Pod(pod) => Some(pod),
        _ => None,
    }
}

/// The pods behind a workload, active first, as `polymorphichelpers` picks them.
/// The pods a Deployment, ReplicaSet or Service selects, active and ready
/// ones first, as kubectl picks the pod to attach to or read logs from.
pub(super) fn pods_of(ctx: &Context<'_>, object: &Object) -> Vec<Pod> {
    let store = ctx.cluster.api().store();
    let selector = match object {
        Object::Deployment(d) => d.spec.as_ref().map(|s| s.selector.clone()),
        Object::ReplicaSet(rs) => rs.spec.as_ref().map(|s| s.selector.clone()),
        Object::Service(s) => s.spec.as_ref().and_then(|s| s.selector.clone()).map(|m| {
            k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {
                match_labels: Some(m),
                match_expressions: None,
            }
        }),
        _ => None,
    };
    let Some(selector) = selector.and_then(|s| Selector::from_label_selector(&s).ok()) else {
        return Vec::new();
    };
    let mut pods: Vec<Pod> = store
        .list(Kind::Pod, Some(object.namespace()))
        .filter(|o| selector.matches_object(o))
        .filter_map(|o| as_pod(o).cloned())
        .collect();
    pods.sort_by_key(|p| (!pod_util::is_active(p), !pod_util::is_ready(p)));
    pods
}

fn chosen_containers(pod: &Pod, parsed: &Parsed, out: &mut Output) -> Result<Vec<String>, String> {
    let spec = pod.spec.clone().unwrap_or_default();
    let regular: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    let init: Vec<String> = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    if parsed.flag("all-containers") {
        return Ok(init.into_iter().chain(regular).collect());
    }
    if let Some(container) = parsed.value("container") {
        if !regular.iter().chain(&init).any(|c| c == container) {
            return Err(format!(
                "error: container {container} is not valid for pod {}",
                name(pod)
            ));
        }
        return Ok(vec![container.to_string()]);
    }
    let annotated = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DEFAULT_CONTAINER))
        .filter(|c| regular.contains(c))
        .cloned();
    let chosen = annotated
        .clone()
        .or_else(|| regular.first().cloned())
        .unwrap_or_default();
    if annotated.is_none() && (regular.len() > 1 || !init.is_empty()) && !parsed.flag("quiet") {
        let all: Vec<String> = regular
            .iter()
            .cloned()
            .chain(init.iter().map(|i| format!("{i} (init)")))
            .collect();
        out.err(format!(
            "Defaulted container \"{chosen}\" out of: {}",
            all.join(", ")
        ));
    }
    Ok(vec![chosen])
}

fn container_log(
    ctx: &Context<'_>,
    pod: &Pod,
    container: &str,
    previous: bool,
) -> Result<Vec<LogLine>, StatusError> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let pod_name = name(pod);
    let worker = ctx.cluster.kubelets().worker(namespace, pod_name);
    let Some(worker) = worker.and_then(|w| w.container(container)) else {
        return Err(StatusError::bad_request(format!("container \"{container}\" in pod \"{pod_name}\" is waiting to start: ContainerCreating")));
    };
    let lines = |previous| {
        ctx.cluster
            .kubelets()
            .logs(namespace, pod_name, container, previous)
            .unwrap_or_default()
    };
    if previous {
        return match worker.last_termination {
            Some(_) => Ok(lines(true)),
            None => Err(StatusError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{pod_name}\" not found"
            ))),
        };
    }
    if worker.container_id.is_none() {
        let reason = match &worker.state {
            State::Waiting { reason, .. } if reason == "ImagePullBackOff" => {
                "trying and failing to pull image".to_string()
            }
            State::Waiting { reason, .. } if reason == "ErrImagePull" => {
                "image can't be pulled".to_string()
            }
            State::Waiting { reason, .. } => reason.clone(),
            _ => "ContainerCreating".to_string(),
        };
        return Err(StatusError::bad_request(format!(
            "container \"{container}\" in pod \"{pod_name}\" is waiting to start: {reason}"
        )));
    }
    Ok(lines(false))
}

fn print_lines(
    out: &mut Output,
    lines: &[LogLine],
    tail: i64,
    parsed: &Parsed,
    prefix: Option<String>,
) {
    let skip = if tail >= 0 {
        lines.len().saturating_sub(tail as usize)
    } else {
        0
    };
    for line in &lines[skip..] {
        let mut text = String::new();
        if let Some(p) = &prefix {
            text.push_str(p);
        }
        if parsed.flag("timestamps") {
            text.push_str(&rfc3339_nano(line));
            text.push(' ');
        }
        text.push_str(&line.text);
        out.out(text);
    }
}

/// A log line's time as `--timestamps` prints it (RFC 3339 with nanoseconds).
pub fn rfc3339_nano(line: &LogLine) -> String {
    let ts = line.at.to_time().0;
    k8s_openapi::jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%S.%fZ", ts).unwrap_or_default()
}

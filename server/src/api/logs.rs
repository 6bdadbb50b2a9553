//! `GET …/pods/{name}/log`: a container's log as plain text, from the
//! simulated kubelet (`container`, `tailLines`, `timestamps`, `previous`,
//! `follow`), with the kubelet's errors for containers that have not
//! started, worded as core's kubectl reports them.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use k8s_openapi::api::core::v1::Pod;
use sunaba_core::api::{Kind, Object, StatusError};
use sunaba_core::kubelet::{LogLine, State};
use sunaba_core::Cluster;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::resources::Request;
use super::status::ApiError;
use super::Api;

/// How often a followed log looks for new lines.
const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// The log options kubectl sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct LogOptions {
    container: Option<String>,
    tail_lines: Option<i64>,
    timestamps: bool,
    previous: bool,
    follow: bool,
}

/// What one read of a container's log found.
struct Read {
    /// The lines, already formatted.
    lines: Vec<String>,
    /// How many lines the log holds (to follow from).
    total: usize,
    /// The container's runtime id, to notice a restart while following.
    container_id: Option<String>,
}

/// Serves a pod's log.
pub async fn serve(api: Api, request: Request) -> Result<Response, ApiError> {
    let options = LogOptions {
        container: request.query.get("container").map(str::to_string),
        tail_lines: request.query.integer("tailLines")?,
        timestamps: request.query.flag("timestamps"),
        previous: request.query.flag("previous"),
        follow: request.query.flag("follow"),
    };
    let namespace = request.target.namespace_or_empty().to_string();
    let pod = request.target.name_or_empty().to_string();
    let first = {
        let (namespace, pod, options) = (namespace.clone(), pod.clone(), options.clone());
        api.cluster
            .call(move |c| read(c, &namespace, &pod, &options))
            .await??
    };
    let (container, read) = first;
    let text: String = read.lines.iter().map(|l| format!("{l}\n")).collect();
    if !options.follow || options.previous {
        return Ok(text_response(Body::from(text)));
    }
    let (sender, receiver) = mpsc::channel::<Result<Bytes, Infallible>>(16);
    let _ = sender.send(Ok(Bytes::from(text))).await;
    tokio::spawn(follow(
        api, namespace, pod, container, read, options, sender,
    ));
    Ok(text_response(Body::from_stream(ReceiverStream::new(
        receiver,
    ))))
}

fn text_response(body: Body) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"))],
        body,
    )
        .into_response()
}

/// Sends new lines until the container restarts or goes, or the client leaves.
async fn follow(
    api: Api,
    namespace: String,
    pod: String,
    container: String,
    first: Read,
    options: LogOptions,
    sender: mpsc::Sender<Result<Bytes, Infallible>>,
) {
    let mut printed = first.total;
    let container_id = first.container_id;
    loop {
        tokio::time::sleep(FOLLOW_POLL).await;
        let (namespace, pod, container) = (namespace.clone(), pod.clone(), container.clone());
        let timestamps = options.timestamps;
        let polled = api
            .cluster
            .call(move |c| {
                let kubelets = c.kubelets();
                let worker = kubelets
                    .worker(&namespace, &pod)
                    .and_then(|w| w.container(&container))?;
                let all = kubelets.logs(&namespace, &pod, &container, false)?;
                let lines: Vec<String> = all
                    .iter()
                    .skip(printed)
                    .map(|l| format_line(l, timestamps))
                    .collect();
                let ended = matches!(worker.state, State::Terminated(_));
                Some((lines, all.len(), worker.container_id.clone(), ended))
            })
            .await;
        let Ok(Some((lines, total, id, ended))) = polled else {
            return;
        };
        if id != container_id || total < printed {
            return;
        }
        printed = total;
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        if !text.is_empty() && sender.send(Ok(Bytes::from(text))).await.is_err() {
            return;
        }
        if ended || sender.is_closed() {
            return;
        }
    }
}

/// Reads the log of the chosen container, or the kubelet's error.
fn read(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    options: &LogOptions,
) -> Result<(String, Read), ApiError> {
    let object = cluster.api().get(Kind::Pod, namespace, name)?;
    let Object::Pod(pod) = object.as_ref() else {
        return Err(StatusError::not_found(Kind::Pod, name).into());
    };
    let container = chosen_container(pod, options.container.as_deref())?;
    let worker = cluster
        .kubelets()
        .worker(namespace, name)
        .and_then(|w| w.container(&container));
    let Some(worker) = worker else {
        return Err(waiting(&container, name, "ContainerCreating"));
    };
    let lines = if options.previous {
        if worker.last_termination.is_none() {
            return Err(ApiError::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            )));
        }
        cluster
            .kubelets()
            .logs(namespace, name, &container, true)
            .unwrap_or_default()
    } else {
        if worker.container_id.is_none() {
            return Err(waiting(&container, name, &waiting_reason(&worker.state)));
        }
        cluster
            .kubelets()
            .logs(namespace, name, &container, false)
            .unwrap_or_default()
    };
    let skip = match options.tail_lines {
        Some(tail) if tail >= 0 => lines
            .len()
            .saturating_sub(usize::try_from(tail).unwrap_or(usize::MAX)),
        _ => 0,
    };
    let read = Read {
        lines: lines[skip..]
            .iter()
            .map(|l| format_line(l, options.timestamps))
            .collect(),
        total: lines.len(),
        container_id: worker.container_id.clone(),
    };
    Ok((container, read))
}

/// The container asked for, or the pod's only container; a pod with
/// several needs one named, as the API server requires.
fn chosen_container(pod: &Pod, asked: Option<&str>) -> Result<String, ApiError> {
    let name = pod.metadata.name.as_deref().unwrap_or("");
    let spec = pod.spec.clone().unwrap_or_default();
    let all: Vec<String> = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .map(|c| c.name.clone())
        .collect();
    match asked.filter(|a| !a.is_empty()) {
        Some(asked) if all.iter().any(|c| c == asked) => Ok(asked.to_string()),
        Some(asked) => Err(ApiError::bad_request(format!(
            "container {asked} is not valid for pod {name}"
        ))),
        None if spec.containers.len() == 1 => Ok(spec.containers[0].name.clone()),
        None => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}, choose one of: [{}]",
            spec.containers
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ))),
    }
}

/// The reason a container has no log yet, as the kubelet words it.
fn waiting_reason(state: &State) -> String {
    match state {
        State::Waiting { reason, .. } if reason == "ImagePullBackOff" => {
            "trying and failing to pull image".to_string()
        }
        State::Waiting { reason, .. } if reason == "ErrImagePull" => {
            "image can't be pulled".to_string()
        }
        State::Waiting { reason, .. } => reason.clone(),
        _ => "ContainerCreating".to_string(),
    }
}

fn waiting(container: &str, pod: &str, reason: &str) -> ApiError {
    ApiError::bad_request(format!(
        "container \"{container}\" in pod \"{pod}\" is waiting to start: {reason}"
    ))
}

/// A line as the kubelet serves it; with `timestamps`, its RFC 3339 time first.
fn format_line(line: &LogLine, timestamps: bool) -> String {
    if !timestamps {
        return line.text.clone();
    }
    let time = line.at.to_time().0;
    let stamp =
        k8s_openapi::jiff::fmt::strtime::format("%Y-%m-%dT%H:%M:%S.%fZ", time).unwrap_or_default();
    format!("{stamp} {}", line.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec};

    fn pod(containers: &[&str]) -> Pod {
        Pod {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some("p".into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                containers: containers
                    .iter()
                    .map(|n| Container {
                        name: n.to_string(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }),
            status: None,
        }
    }

    #[test]
    fn the_container_defaults_only_when_there_is_one() {
        assert_eq!(chosen_container(&pod(&["a"]), None), Ok("a".into()));
        assert_eq!(
            chosen_container(&pod(&["a", "b"]), None).map_err(|e| e.message().to_string()),
            Err("a container name must be specified for pod p, choose one of: [a b]".into())
        );
        assert_eq!(
            chosen_container(&pod(&["a"]), Some("c")).map_err(|e| e.message().to_string()),
            Err("container c is not valid for pod p".into())
        );
    }
}

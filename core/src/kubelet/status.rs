//! The pod status the kubelet reports: phase, conditions, IPs and each
//! container's state, built from its workers.

use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, HostIP, Pod, PodCondition, PodIP, PodStatus,
};

use super::worker::{ContainerWorker, PodWorker, RestartPolicy, State, Terminated};
use crate::apiserver::binding::set_condition;
use crate::time::SimTime;

/// The status for a pod from its worker, keeping transition times that did not change.
pub fn pod_status(pod: &Pod, worker: &PodWorker, host_ip: &str, now: SimTime) -> PodStatus {
    let mut status = pod.status.clone().unwrap_or_default();
    let sandbox_ready = worker.sandbox_ready_at.is_some_and(|at| now >= at);
    let init_done = worker
        .init_containers
        .iter()
        .all(ContainerWorker::succeeded);
    let container_statuses: Vec<ContainerStatus> = worker
        .containers
        .iter()
        .map(|c| container_status(c, !init_done))
        .collect();
    let init_statuses: Vec<ContainerStatus> = worker
        .init_containers
        .iter()
        .map(|c| container_status(c, false))
        .collect();
    let unready: Vec<String> = container_statuses
        .iter()
        .filter(|c| !c.ready)
        .map(|c| c.name.clone())
        .collect();
    let phase = phase(worker, init_done);
    let finished = phase == "Succeeded" || phase == "Failed";
    status.phase = Some(phase.to_string());
    status.host_ip = Some(host_ip.to_string());
    status.host_ips = Some(vec![HostIP {
        ip: host_ip.to_string(),
    }]);
    status
        .start_time
        .get_or_insert_with(|| worker.start_time.to_time());
    if let (Some(ip), true) = (worker.ip, sandbox_ready) {
        status.pod_ip = Some(ip.to_string());
        status.pod_ips = Some(vec![PodIP { ip: ip.to_string() }]);
    }
    status
        .qos_class
        .get_or_insert_with(|| qos_class(pod).into());
    let ready_reason = if finished {
        "PodCompleted"
    } else {
        "ContainersNotReady"
    };
    set(
        &mut status,
        "PodReadyToStartContainers",
        sandbox_ready && !(finished && worker.killing),
        None,
        None,
        now,
    );
    let init_message = (!init_done).then(|| {
        let pending: Vec<&str> = worker
            .init_containers
            .iter()
            .filter(|c| !c.succeeded())
            .map(|c| c.spec.name.as_str())
            .collect();
        format!("containers with incomplete status: [{}]", pending.join(" "))
    });
    set(
        &mut status,
        "Initialized",
        init_done,
        (!init_done).then_some("ContainersNotInitialized"),
        init_message,
        now,
    );
    let all_ready = unready.is_empty() && !finished;
    let message = (!all_ready && !finished)
        .then(|| format!("containers with unready status: [{}]", unready.join(" ")));
    let reason = (!all_ready).then_some(ready_reason);
    set(
        &mut status,
        "Ready",
        all_ready,
        reason,
        message.clone(),
        now,
    );
    set(
        &mut status,
        "ContainersReady",
        all_ready,
        reason,
        message,
        now,
    );
    order_conditions(&mut status);
    status.container_statuses = Some(container_statuses);
    status.init_container_statuses = Some(init_statuses).filter(|s| !s.is_empty());
    status
}

fn set(
    status: &mut PodStatus,
    type_: &str,
    ok: bool,
    reason: Option<&str>,
    message: Option<String>,
    now: SimTime,
) {
    set_condition(
        status,
        PodCondition {
            type_: type_.into(),
            status: if ok { "True" } else { "False" }.into(),
            reason: reason.map(str::to_string),
            message,
            last_transition_time: Some(now.to_time()),
            last_probe_time: None,
            observed_generation: None,
        },
    );
}

/// The order the API shows conditions in (1.32+).
fn order_conditions(status: &mut PodStatus) {
    const ORDER: [&str; 5] = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    if let Some(conditions) = status.conditions.as_mut() {
        conditions.sort_by_key(|c| {
            ORDER
                .iter()
                .position(|t| *t == c.type_)
                .unwrap_or(ORDER.len())
        });
    }
}

/// The kubelet's `getPhase`.
fn phase(worker: &PodWorker, init_done: bool) -> &'static str {
    if !init_done {
        let failed_for_good = worker.init_containers.iter().any(|c| {
            matches!(&c.state, State::Terminated(t) if t.exit_code != 0)
                && worker.restart_policy == RestartPolicy::Never
        });
        return if failed_for_good { "Failed" } else { "Pending" };
    }
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for c in &worker.containers {
        match &c.state {
            State::Running { .. } => running += 1,
            State::Terminated(t) => {
                stopped += 1;
                if t.exit_code == 0 {
                    succeeded += 1;
                }
            }
            State::Waiting { .. } if c.last_termination.is_some() => stopped += 1,
            State::Waiting { .. } => waiting += 1,
        }
    }
    if waiting > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped == 0 {
        return "Pending";
    }
    match worker.restart_policy {
        RestartPolicy::Always if !worker.killing => "Running",
        _ if succeeded == stopped => "Succeeded",
        RestartPolicy::OnFailure if !worker.killing => "Running",
        _ => "Failed",
    }
}

fn container_status(c: &ContainerWorker, pod_initializing: bool) -> ContainerStatus {
    let (image, image_id) = match &c.image_ref {
        Some(created) => (created.image.clone(), created.image_id.clone()),
        None => (c.spec.image.clone().unwrap_or_default(), String::new()),
    };
    let state = match &c.state {
        State::Waiting { reason, .. } if reason == "ContainerCreating" && pod_initializing => {
            State::Waiting {
                reason: "PodInitializing".into(),
                message: None,
            }
        }
        other => other.clone(),
    };
    ContainerStatus {
        name: c.spec.name.clone(),
        image,
        image_id,
        container_id: c
            .container_id
            .as_ref()
            .map(|id| format!("containerd://{id}")),
        ready: matches!(c.state, State::Running { .. }) && c.ready,
        started: Some(matches!(c.state, State::Running { .. })),
        restart_count: c.restart_count,
        state: Some(to_state(&state)),
        last_state: Some(c.last_termination.as_ref().map(terminated).map_or_else(
            Default::default,
            |t| ContainerState {
                terminated: Some(t),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

fn to_state(state: &State) -> ContainerState {
    match state {
        State::Waiting { reason, message } => ContainerState {
            waiting: Some(ContainerStateWaiting {
                reason: Some(reason.clone()),
                message: message.clone(),
            }),
            ..Default::default()
        },
        State::Running { started_at } => ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(started_at.to_time()),
            }),
            ..Default::default()
        },
        State::Terminated(t) => ContainerState {
            terminated: Some(terminated(t)),
            ..Default::default()
        },
    }
}

fn terminated(t: &Terminated) -> ContainerStateTerminated {
    ContainerStateTerminated {
        exit_code: t.exit_code,
        reason: Some(t.reason.clone()),
        message: t.message.clone(),
        started_at: t.started_at.map(SimTime::to_time),
        finished_at: Some(t.finished_at.to_time()),
        container_id: Some(format!("containerd://{}", t.container_id)),
        signal: None,
    }
}

/// BestEffort, Burstable or Guaranteed, from the containers' requests and limits.
pub fn qos_class(pod: &Pod) -> &'static str {
    let containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.clone())
        .unwrap_or_default();
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let resources = c.resources.clone().unwrap_or_default();
        let requests = resources.requests.unwrap_or_default();
        let limits = resources.limits.unwrap_or_default();
        any |= !requests.is_empty() || !limits.is_empty();
        for key in ["cpu", "memory"] {
            let limit = limits.get(key);
            let request = requests.get(key).or(limit);
            guaranteed &= limit.is_some() && request == limit;
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

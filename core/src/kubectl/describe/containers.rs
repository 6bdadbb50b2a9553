//! kubectl's `describeContainers`, shared by pods and pod templates: image
//! and ports, command, state (for pods), resources, probes, environment
//! (in `env`) and mounts.

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStatus, Pod, Probe, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::rfc1123z;
use super::quantity::canonical;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};

/// `Containers:` and each container; `space` is the template's extra indent
/// (`"  "`), and `pod` resolves `fieldRef` environment values (None for templates).
pub fn describe_containers(
    w: &mut PrefixWriter,
    label: &str,
    containers: &[Container],
    statuses: Option<&[ContainerStatus]>,
    pod: Option<&Pod>,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.line(LEVEL_0, &format!("{space}{label}:{none}"));
    for container in containers {
        let status = statuses
            .into_iter()
            .flatten()
            .find(|s| s.name == container.name);
        basic_info(w, container, status, space);
        command(w, container);
        if let Some(status) = status {
            container_state(w, status);
        }
        if let Some(resources) = &container.resources {
            describe_resources(w, resources, LEVEL_2);
        }
        probes(w, container);
        if container.env_from.as_ref().is_some_and(|e| !e.is_empty()) {
            super::env::env_from(w, container);
        }
        super::env::env_vars(w, container, pod);
        mounts(w, container);
    }
}

fn basic_info(w: &mut PrefixWriter, c: &Container, status: Option<&ContainerStatus>, space: &str) {
    let name_indent = if space.is_empty() { "" } else { " " };
    w.line(LEVEL_1, &format!("{name_indent}{}:", c.name));
    if let Some(status) = status {
        let id = status.container_id.as_deref().unwrap_or("");
        w.line(LEVEL_2, &format!("Container ID:\t{id}"));
    }
    w.line(
        LEVEL_2,
        &format!("Image:\t{}", c.image.as_deref().unwrap_or("")),
    );
    if let Some(status) = status {
        w.line(LEVEL_2, &format!("Image ID:\t{}", status.image_id));
    }
    let ports = port_list(c, |p| p.container_port);
    if ports.contains(',') {
        w.line(LEVEL_2, &format!("Ports:\t{ports}"));
    } else {
        w.line(LEVEL_2, &format!("Port:\t{}", or_none(&ports)));
    }
    let host_ports = port_list(c, |p| p.host_port.unwrap_or(0));
    if host_ports.contains(',') {
        w.line(LEVEL_2, &format!("Host Ports:\t{host_ports}"));
    } else {
        w.line(LEVEL_2, &format!("Host Port:\t{}", or_none(&host_ports)));
    }
    let seccomp = c
        .security_context
        .as_ref()
        .and_then(|s| s.seccomp_profile.as_ref());
    if let Some(profile) = seccomp {
        w.line(LEVEL_2, &format!("SeccompProfile:\t{}", profile.type_));
        if profile.type_ == "Localhost" {
            let local = profile.localhost_profile.as_deref().unwrap_or("");
            w.line(LEVEL_3, &format!("LocalhostProfile:\t{local}"));
        }
    }
}

/// `80/TCP, 443/TCP`: the chosen port of each, with its protocol.
fn port_list(
    c: &Container,
    port: impl Fn(&k8s_openapi::api::core::v1::ContainerPort) -> i32,
) -> String {
    c.ports
        .iter()
        .flatten()
        .map(|p| format!("{}/{}", port(p), p.protocol.as_deref().unwrap_or("TCP")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "<none>"
    } else {
        text
    }
}

fn command(w: &mut PrefixWriter, c: &Container) {
    for (title, words) in [("Command", &c.command), ("Args", &c.args)] {
        let words = words.as_deref().unwrap_or_default();
        if words.is_empty() {
            continue;
        }
        w.line(LEVEL_2, &format!("{title}:"));
        for line in words.iter().flat_map(|word| word.split('\n')) {
            w.line(LEVEL_3, line);
        }
    }
}

fn container_state(w: &mut PrefixWriter, status: &ContainerStatus) {
    describe_state(w, "State", status.state.as_ref());
    let last = status.last_state.as_ref();
    if last.is_some_and(|s| s.terminated.is_some()) {
        describe_state(w, "Last State", last);
    }
    let ready = if status.ready { "True" } else { "False" };
    w.line(LEVEL_2, &format!("Ready:\t{ready}"));
    w.line(
        LEVEL_2,
        &format!("Restart Count:\t{}", status.restart_count),
    );
}

/// kubectl's `describeStatus`: Running, Waiting or Terminated, with details.
fn describe_state(w: &mut PrefixWriter, name: &str, state: Option<&ContainerState>) {
    let state = state.cloned().unwrap_or_default();
    if let Some(running) = &state.running {
        w.line(LEVEL_2, &format!("{name}:\tRunning"));
        w.line(
            LEVEL_3,
            &format!("Started:\t{}", rfc1123z(running.started_at.as_ref())),
        );
    } else if let Some(waiting) = &state.waiting {
        w.line(LEVEL_2, &format!("{name}:\tWaiting"));
        if let Some(reason) = waiting.reason.as_deref().filter(|r| !r.is_empty()) {
            w.line(LEVEL_3, &format!("Reason:\t{reason}"));
        }
    } else if let Some(t) = &state.terminated {
        w.line(LEVEL_2, &format!("{name}:\tTerminated"));
        if let Some(reason) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            w.line(LEVEL_3, &format!("Reason:\t{reason}"));
        }
        if let Some(message) = t.message.as_deref().filter(|m| !m.is_empty()) {
            w.line(LEVEL_3, &format!("Message:\t{message}"));
        }
        w.line(LEVEL_3, &format!("Exit Code:\t{}", t.exit_code));
        if let Some(signal) = t.signal.filter(|s| *s > 0) {
            w.line(LEVEL_3, &format!("Signal:\t{signal}"));
        }
        w.line(
            LEVEL_3,
            &format!("Started:\t{}", rfc1123z(t.started_at.as_ref())),
        );
        w.line(
            LEVEL_3,
            &format!("Finished:\t{}", rfc1123z(t.finished_at.as_ref())),
        );
    } else {
        w.line(LEVEL_2, &format!("{name}:\tWaiting"));
    }
}

/// `Limits:` and `Requests:`, resource names sorted, quantities canonical.
pub fn describe_resources(w: &mut PrefixWriter, resources: &ResourceRequirements, level: usize) {
    for (title, list) in [
        ("Limits", &resources.limits),
        ("Requests", &resources.requests),
    ] {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else {
            continue;
        };
        w.line(level, &format!("{title}:"));
        for (name, quantity) in list {
            w.line(level + 1, &format!("{name}:\t{}", canonical(quantity)));
        }
    }
}

fn probes(w: &mut PrefixWriter, c: &Container) {
    let all = [
        ("Liveness", &c.liveness_probe),
        ("Readiness", &c.readiness_probe),
        ("Startup", &c.startup_probe),
    ];
    for (title, probe) in all {
        if let Some(probe) = probe {
            w.line(LEVEL_2, &format!("{title}:\t{}", describe_probe(probe)));
        }
    }
}

/// kubectl's `DescribeProbe`: `http-get http://:8080/healthz delay=0s timeout=1s …`.
pub fn describe_probe(probe: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        probe.initial_delay_seconds.unwrap_or(0),
        probe.timeout_seconds.unwrap_or(0),
        probe.period_seconds.unwrap_or(0),
        probe.success_threshold.unwrap_or(0),
        probe.failure_threshold.unwrap_or(0),
    );
    if let Some(exec) = &probe.exec {
        let command = exec.command.clone().unwrap_or_default().join(" ");
        return format!("exec [{command}] {attrs}");
    }
    if let Some(http) = &probe.http_get {
        let scheme = http.scheme.as_deref().unwrap_or("").to_lowercase();
        let port = port_text(&http.port);
        let host = http.host.as_deref().unwrap_or("");
        let host = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let path = http.path.as_deref().unwrap_or("");
        let slash = if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            "/"
        } else {
            ""
        };
        let scheme = if scheme.is_empty() {
            String::new()
        } else {
            format!("{scheme}:")
        };
        return format!("http-get {scheme}//{host}{slash}{path} {attrs}");
    }
    if let Some(tcp) = &probe.tcp_socket {
        let host = tcp.host.as_deref().unwrap_or("");
        return format!("tcp-socket {host}:{} {attrs}", port_text(&tcp.port));
    }
    if let Some(grpc) = &probe.grpc {
        let service = grpc.service.as_deref().unwrap_or("");
        return format!("grpc <pod>:{} {service} {attrs}", grpc.port);
    }
    format!("unknown {attrs}")
}

fn port_text(port: &IntOrString) -> String {
    match port {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

fn mounts(w: &mut PrefixWriter, c: &Container) {
    let mut mounts: Vec<_> = c.volume_mounts.iter().flatten().collect();
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    w.line(LEVEL_2, &format!("Mounts:{none}"));
    mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
    for mount in mounts {
        let mut flags = vec![if mount.read_only == Some(true) {
            "ro"
        } else {
            "rw"
        }
        .to_string()];
        if let Some(sub) = mount.sub_path.as_deref().filter(|s| !s.is_empty()) {
            flags.push(format!("path={sub:?}"));
        }
        w.line(
            LEVEL_3,
            &format!(
                "{} from {} ({})",
                mount.mount_path,
                mount.name,
                flags.join(",")
            ),
        );
    }
    let mut devices: Vec<_> = c.volume_devices.iter().flatten().collect();
    if !devices.is_empty() {
        // kubectl reuses the mounts' `<none>` here.
        w.line(LEVEL_2, &format!("Devices:{none}"));
        devices.sort_by(|a, b| a.device_path.cmp(&b.device_path));
        for device in devices {
            w.line(
                LEVEL_3,
                &format!("{} from {}", device.device_path, device.name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction};

    fn timings() -> Probe {
        Probe {
            timeout_seconds: Some(1),
            period_seconds: Some(10),
            success_threshold: Some(1),
            failure_threshold: Some(3),
            ..Default::default()
        }
    }

    #[test]
    fn probes_read_as_kubectl_writes_them() {
        let http = Probe {
            http_get: Some(HTTPGetAction {
                path: Some("/healthz".into()),
                port: IntOrString::Int(8080),
                scheme: Some("HTTP".into()),
                ..Default::default()
            }),
            ..timings()
        };
        assert_eq!(
            describe_probe(&http),
            "http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3"
        );
        let exec = Probe {
            exec: Some(ExecAction {
                command: Some(vec!["cat".into(), "/tmp/ok".into()]),
            }),
            ..timings()
        };
        assert_eq!(
            describe_probe(&exec),
            "exec [cat /tmp/ok] delay=0s timeout=1s period=10s #success=1 #failure=3"
        );
    }
}

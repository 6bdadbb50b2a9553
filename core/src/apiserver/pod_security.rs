//! Pod Security admission (`PodSecurity`) at the Pod Security Standards'
//! `baseline` level, policy version `latest` as a v1.33 API server runs it:
//! the checks of `k8s.io/pod-security-admission/policy`, in the registry's
//! order (sorted by check ID) and with their forbidden reasons and details in
//! the same words, joined as `AggregateCheckResult.ForbiddenDetail` joins
//! them.
//!
//! As the real admission does, it enforces on Pods only: on create, and on an
//! update that changes an image or adds a container. Workloads (Deployment,
//! ReplicaSet) are admitted, and the pods their controllers then create are
//! refused, which shows as `FailedCreate` events. The real admission also
//! warns on such workloads (`Warning: would violate PodSecurity …`); the API
//! server here has no warning channel, so it does not.
//!
//! Enforcement is cluster-wide: namespace labels
//! (`pod-security.kubernetes.io/enforce`) are not read, so no namespace can
//! opt out of it.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{
    ContainerPort, Pod, PodSecurityContext, PodSpec, SecurityContext,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::api::{Kind, Object, StatusError};

/// A Pod Security Standards level the API server can enforce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodSecurityLevel {
    /// `baseline`: no known privilege escalation (privileged containers, host
    /// namespaces, ports and paths, extra capabilities, unsafe sysctls, …).
    Baseline,
}

impl PodSecurityLevel {
    /// The level and policy version as the admission names them: `baseline:latest`.
    pub fn policy(self) -> &'static str {
        match self {
            PodSecurityLevel::Baseline => "baseline:latest",
        }
    }
}

/// One check a pod fails: the check's forbidden reason and its detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// What is forbidden, e.g. `privileged` or `host namespaces`.
    pub reason: String,
    /// Which parts of the pod, e.g. `container "x" must not set
    /// securityContext.privileged=true`; may be empty.
    pub detail: String,
}

impl Violation {
    fn new(reason: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            detail: detail.into(),
        }
    }
}

/// A check: the pod's metadata and spec to its violation, if any.
type Check = fn(&ObjectMeta, &PodSpec) -> Option<Violation>;

/// The baseline checks at `latest`, in the registry's order: by check ID
/// (`appArmorProfile`, `capabilities_baseline`, `hostNamespaces`,
/// `hostPathVolumes`, `hostPorts`, `privileged`, `procMount`,
/// `seLinuxOptions`, `seccompProfile_baseline`, `sysctls`,
/// `windowsHostProcess`), compared byte by byte.
const BASELINE_CHECKS: [Check; 11] = [
    app_armor_profile,
    capabilities_baseline,
    host_namespaces,
    host_path_volumes,
    host_ports,
    privileged,
    proc_mount,
    se_linux_options,
    seccomp_profile_baseline,
    sysctls,
    windows_host_process,
];

/// The capabilities a baseline container may add (`capabilities_allowed_1_0`).
const ALLOWED_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The safe sysctls at policy version 1.32 and later (`sysctlsAllowedV1Dot32`).
const ALLOWED_SYSCTLS: [&str; 12] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
];

/// The SELinux types a baseline pod may set at 1.31 and later (`selinuxAllowedTypes1_31`).
const ALLOWED_SELINUX_TYPES: [&str; 5] = [
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// The deprecated per-container AppArmor annotation's prefix.
const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Every baseline check the pod fails, in the admission's order.
pub fn check_baseline(spec: &PodSpec, metadata: &ObjectMeta) -> Vec<Violation> {
    BASELINE_CHECKS
        .iter()
        .filter_map(|check| check(metadata, spec))
        .collect()
}

/// `violates PodSecurity "baseline:latest": privileged (container "x" must
/// not set securityContext.privileged=true), hostPort (…)`: each reason with
/// its detail in parentheses, joined with `, `.
pub fn format_violations(level: PodSecurityLevel, violations: &[Violation]) -> String {
    let joined = violations
        .iter()
        .map(|v| match v.detail.as_str() {
            "" => v.reason.clone(),
            detail => format!("{} ({detail})", v.reason),
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!("violates PodSecurity {:?}: {joined}", level.policy())
}

/// Admission for a pod write: Forbidden when `level` is enforced and the pod
/// (new, or changed significantly from `current`) violates it. Other kinds,
/// and pod updates that change no image and add no container, pass.
pub(super) fn admit(
    level: Option<PodSecurityLevel>,
    object: &Object,
    current: Option<&Object>,
) -> Result<(), StatusError> {
    let (Some(level), Object::Pod(pod)) = (level, object) else {
        return Ok(());
    };
    if let Some(Object::Pod(old)) = current {
        if !is_significant_pod_update(pod, old) {
            return Ok(());
        }
    }
    let spec = pod.spec.clone().unwrap_or_default();
    let violations = match level {
        PodSecurityLevel::Baseline => check_baseline(&spec, &pod.metadata),
    };
    if violations.is_empty() {
        return Ok(());
    }
    Err(StatusError::forbidden_object(
        Kind::Pod,
        object.name(),
        &format_violations(level, &violations),
    ))
}

/// `isSignificantPodUpdate`: an update that changes a container's image (or
/// its seccomp annotation), the number of containers, or adds an ephemeral
/// container is evaluated again; anything else is allowed as it is.
fn is_significant_pod_update(pod: &Pod, old: &Pod) -> bool {
    let empty = PodSpec::default();
    let new_spec = pod.spec.as_ref().unwrap_or(&empty);
    let old_spec = old.spec.as_ref().unwrap_or(&empty);
    let lists = [
        (
            new_spec.containers.as_slice(),
            old_spec.containers.as_slice(),
        ),
        (
            new_spec.init_containers.as_deref().unwrap_or_default(),
            old_spec.init_containers.as_deref().unwrap_or_default(),
        ),
    ];
    if lists.iter().any(|(new, old)| new.len() != old.len()) {
        return true;
    }
    let changed = |name: &str, image: &Option<String>, old_image: &Option<String>| {
        let key = format!("container.seccomp.security.alpha.kubernetes.io/{name}");
        image != old_image || annotation(&pod.metadata, &key) != annotation(&old.metadata, &key)
    };
    let regular = lists.iter().any(|(new, old)| {
        new.iter()
            .zip(old.iter())
            .any(|(c, o)| changed(&c.name, &c.image, &o.image))
    });
    let ephemeral = new_spec.ephemeral_containers.iter().flatten().any(|c| {
        let previous = old_spec
            .ephemeral_containers
            .iter()
            .flatten()
            .find(|o| o.name == c.name);
        previous.is_none_or(|o| changed(&c.name, &c.image, &o.image))
    });
    regular || ephemeral
}

fn annotation<'a>(metadata: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    metadata.annotations.as_ref()?.get(key).map(String::as_str)
}

/// What the checks read of a container, the same for every kind of container.
struct ContainerView<'a> {
    name: &'a str,
    security_context: Option<&'a SecurityContext>,
    ports: &'a [ContainerPort],
}

/// `visitContainers`: init containers, then containers, then ephemeral containers.
fn containers(spec: &PodSpec) -> impl Iterator<Item = ContainerView<'_>> {
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| ContainerView {
            name: &c.name,
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref().unwrap_or_default(),
        });
    let regular = spec.containers.iter().map(|c| ContainerView {
        name: &c.name,
        security_context: c.security_context.as_ref(),
        ports: c.ports.as_deref().unwrap_or_default(),
    });
    let ephemeral = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .map(|c| ContainerView {
            name: &c.name,
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref().unwrap_or_default(),
        });
    init.chain(regular).chain(ephemeral)
}

/// `joinQuote`: `"a", "b"`.
fn join_quote<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pluralize<'a>(singular: &'a str, plural: &'a str, count: usize) -> &'a str {
    if count == 1 {
        singular
    } else {
        plural
    }
}

/// `container "a"` or `containers "a", "b"`.
fn containers_phrase(names: &[&str]) -> String {
    format!(
        "{} {}",
        pluralize("container", "containers", names.len()),
        join_quote(names)
    )
}

/// Who sets a profile type other than RuntimeDefault or Localhost (`pod`,
/// `containers "a", "b"`), and the types they set.
fn forbidden_profile_types<'s>(
    spec: &'s PodSpec,
    pod_type: impl Fn(&'s PodSecurityContext) -> Option<&'s str>,
    container_type: impl Fn(&'s SecurityContext) -> Option<&'s str>,
) -> (Vec<String>, BTreeSet<&'s str>) {
    let allowed = |t: &str| matches!(t, "RuntimeDefault" | "Localhost");
    let mut setters = Vec::new();
    let mut bad_values = BTreeSet::new();
    if let Some(t) = spec
        .security_context
        .as_ref()
        .and_then(&pod_type)
        .filter(|t| !allowed(t))
    {
        setters.push("pod".to_string());
        bad_values.insert(t);
    }
    let mut bad_containers = Vec::new();
    for container in containers(spec) {
        if let Some(t) = container
            .security_context
            .and_then(&container_type)
            .filter(|t| !allowed(t))
        {
            bad_containers.push(container.name);
            bad_values.insert(t);
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers_phrase(&bad_containers));
    }
    (setters, bad_values)
}

/// `appArmorProfile`: no AppArmor profile type other than RuntimeDefault or
/// Localhost, in the fields or in the deprecated per-container annotations.
fn app_armor_profile(metadata: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let (mut setters, bad_values) = forbidden_profile_types(
        spec,
        |sc| Some(sc.app_armor_profile.as_ref()?.type_.as_str()),
        |sc| Some(sc.app_armor_profile.as_ref()?.type_.as_str()),
    );
    let mut bad_value_list: Vec<String> = bad_values.into_iter().map(str::to_string).collect();
    let mut annotations: Vec<String> = metadata
        .annotations
        .iter()
        .flatten()
        .filter(|(key, value)| {
            key.starts_with(APPARMOR_ANNOTATION_PREFIX)
                && !(value.is_empty()
                    || value.as_str() == "runtime/default"
                    || value.starts_with("localhost/"))
        })
        .map(|(key, value)| format!("{key}={value:?}"))
        .collect();
    if !annotations.is_empty() {
        annotations.sort();
        setters.push(pluralize("annotation", "annotations", annotations.len()).into());
        bad_value_list.extend(annotations);
    }
    if setters.is_empty() {
        return None;
    }
    Some(Violation::new(
        pluralize(
            "forbidden AppArmor profile",
            "forbidden AppArmor profiles",
            bad_value_list.len(),
        ),
        format!(
            "{} must not set AppArmor profile type to {}",
            setters.join(" and "),
            join_quote(&bad_value_list)
        ),
    ))
}

/// `capabilities_baseline`: no capability added beyond the default set.
fn capabilities_baseline(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad_containers = Vec::new();
    let mut extra: BTreeSet<&str> = BTreeSet::new();
    for container in containers(spec) {
        let added = container
            .security_context
            .and_then(|sc| sc.capabilities.as_ref())
            .and_then(|caps| caps.add.as_ref());
        let mut valid = true;
        for capability in added.into_iter().flatten() {
            if !ALLOWED_CAPABILITIES.contains(&capability.as_str()) {
                valid = false;
                extra.insert(capability);
            }
        }
        if !valid {
            bad_containers.push(container.name);
        }
    }
    (!bad_containers.is_empty()).then(|| {
        Violation::new(
            "non-default capabilities",
            format!(
                "{} must not include {} in securityContext.capabilities.add",
                containers_phrase(&bad_containers),
                join_quote(&extra)
            ),
        )
    })
}

/// `hostNamespaces`: no host network, PID or IPC namespace.
fn host_namespaces(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let shared: Vec<&str> = [
        (spec.host_network, "hostNetwork=true"),
        (spec.host_pid, "hostPID=true"),
        (spec.host_ipc, "hostIPC=true"),
    ]
    .into_iter()
    .filter(|(set, _)| *set == Some(true))
    .map(|(_, text)| text)
    .collect();
    (!shared.is_empty()).then(|| Violation::new("host namespaces", shared.join(", ")))
}

/// `hostPathVolumes`: no hostPath volume.
fn host_path_volumes(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let names: Vec<&str> = spec
        .volumes
        .iter()
        .flatten()
        .filter(|v| v.host_path.is_some())
        .map(|v| v.name.as_str())
        .collect();
    (!names.is_empty()).then(|| {
        Violation::new(
            "hostPath volumes",
            format!(
                "{} {}",
                pluralize("volume", "volumes", names.len()),
                join_quote(&names)
            ),
        )
    })
}

/// `hostPorts`: no container port bound on the host.
fn host_ports(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad_containers = Vec::new();
    // A Go string set: listed in string order, so "10000" before "80".
    let mut ports: BTreeSet<String> = BTreeSet::new();
    for container in containers(spec) {
        let mut valid = true;
        for port in container.ports {
            if let Some(host_port) = port.host_port.filter(|p| *p != 0) {
                valid = false;
                ports.insert(host_port.to_string());
            }
        }
        if !valid {
            bad_containers.push(container.name);
        }
    }
    (!bad_containers.is_empty()).then(|| {
        Violation::new(
            "hostPort",
            format!(
                "{} {} {} {}",
                containers_phrase(&bad_containers),
                pluralize("uses", "use", bad_containers.len()),
                pluralize("hostPort", "hostPorts", ports.len()),
                ports.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// `privileged`: no privileged container.
fn privileged(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let names: Vec<&str> = containers(spec)
        .filter(|c| c.security_context.and_then(|sc| sc.privileged) == Some(true))
        .map(|c| c.name)
        .collect();
    (!names.is_empty()).then(|| {
        Violation::new(
            "privileged",
            format!(
                "{} must not set securityContext.privileged=true",
                containers_phrase(&names)
            ),
        )
    })
}

/// `procMount`: the default /proc masks only. (The user-namespace relaxation
/// came with policy version 1.35; at v1.33 it sits behind an alpha gate.)
fn proc_mount(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad_containers = Vec::new();
    let mut types: BTreeSet<&str> = BTreeSet::new();
    for container in containers(spec) {
        let mount = container
            .security_context
            .and_then(|sc| sc.proc_mount.as_deref());
        if let Some(mount) = mount.filter(|m| *m != "Default") {
            bad_containers.push(container.name);
            types.insert(mount);
        }
    }
    (!bad_containers.is_empty()).then(|| {
        Violation::new(
            "procMount",
            format!(
                "{} must not set securityContext.procMount to {}",
                containers_phrase(&bad_containers),
                join_quote(&types)
            ),
        )
    })
}

/// `seLinuxOptions`: only the container SELinux types, and no user or role.
fn se_linux_options(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let mut bad_types: BTreeSet<String> = BTreeSet::new();
    let mut set_user = false;
    let mut set_role = false;
    let mut valid = |options: &k8s_openapi::api::core::v1::SELinuxOptions| {
        let mut ok = true;
        let selinux_type = options.type_.as_deref().unwrap_or("");
        if !ALLOWED_SELINUX_TYPES.contains(&selinux_type) {
            ok = false;
            bad_types.insert(selinux_type.to_string());
        }
        if options.user.as_deref().is_some_and(|u| !u.is_empty()) {
            ok = false;
            set_user = true;
        }
        if options.role.as_deref().is_some_and(|r| !r.is_empty()) {
            ok = false;
            set_role = true;
        }
        ok
    };
    let mut setters: Vec<String> = Vec::new();
    let pod_options = spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.se_linux_options.as_ref());
    if pod_options.is_some_and(|o| !valid(o)) {
        setters.push("pod".into());
    }
    let mut bad_containers = Vec::new();
    for container in containers(spec) {
        let options = container
            .security_context
            .and_then(|sc| sc.se_linux_options.as_ref());
        if options.is_some_and(|o| !valid(o)) {
            bad_containers.push(container.name);
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers_phrase(&bad_containers));
    }
    if setters.is_empty() {
        return None;
    }
    let mut bad_data = Vec::new();
    if !bad_types.is_empty() {
        bad_data.push(format!(
            "{} {}",
            pluralize("type", "types", bad_types.len()),
            join_quote(&bad_types)
        ));
    }
    if set_user {
        bad_data.push("user may not be set".to_string());
    }
    if set_role {
        bad_data.push("role may not be set".to_string());
    }
    Some(Violation::new(
        "seLinuxOptions",
        format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            setters.join(" and "),
            bad_data.join("; ")
        ),
    ))
}

/// `seccompProfile_baseline` (policy 1.19 and later): no seccomp profile type
/// other than RuntimeDefault or Localhost. From 1.19 the check reads the
/// fields only; the alpha annotations were the 1.0 check's.
fn seccomp_profile_baseline(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let (setters, bad_values) = forbidden_profile_types(
        spec,
        |sc| Some(sc.seccomp_profile.as_ref()?.type_.as_str()),
        |sc| Some(sc.seccomp_profile.as_ref()?.type_.as_str()),
    );
    (!setters.is_empty()).then(|| {
        Violation::new(
            "seccompProfile",
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                setters.join(" and "),
                join_quote(&bad_values)
            ),
        )
    })
}

/// `sysctls`: only the sysctls namespaced to the pod and isolated from others.
fn sysctls(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let forbidden: Vec<&str> = spec
        .security_context
        .iter()
        .flat_map(|sc| sc.sysctls.iter().flatten())
        .map(|s| s.name.as_str())
        .filter(|name| !ALLOWED_SYSCTLS.contains(name))
        .collect();
    (!forbidden.is_empty()).then(|| Violation::new("forbidden sysctls", forbidden.join(", ")))
}

/// `windowsHostProcess`: no Windows HostProcess pod or container.
fn windows_host_process(_: &ObjectMeta, spec: &PodSpec) -> Option<Violation> {
    let host_process = |options: Option<
        &k8s_openapi::api::core::v1::WindowsSecurityContextOptions,
    >| { options.and_then(|o| o.host_process) == Some(true) };
    let mut setters: Vec<String> = Vec::new();
    let pod_options = spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.windows_options.as_ref());
    if host_process(pod_options) {
        setters.push("pod".into());
    }
    let names: Vec<&str> = containers(spec)
        .filter(|c| {
            host_process(
                c.security_context
                    .and_then(|sc| sc.windows_options.as_ref()),
            )
        })
        .map(|c| c.name)
        .collect();
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    (!setters.is_empty()).then(|| {
        Violation::new(
            "hostProcess",
            format!(
                "{} must not set securityContext.windowsOptions.hostProcess=true",
                setters.join(" and ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode::decode_manifests;

    /// The pod (or workload template) of a one-object manifest.
    fn pod_of(manifest: &str) -> (PodSpec, ObjectMeta) {
        let objects = decode_manifests(manifest).expect("a valid manifest");
        match objects.into_iter().next().expect("one object") {
            Object::Pod(pod) => (pod.spec.unwrap_or_default(), pod.metadata),
            Object::Deployment(d) => {
                let template = d.spec.unwrap_or_default().template;
                (
                    template.spec.unwrap_or_default(),
                    template.metadata.unwrap_or_default(),
                )
            }
            Object::ReplicaSet(rs) => {
                let template = rs.spec.unwrap_or_default().template.unwrap_or_default();
                (
                    template.spec.unwrap_or_default(),
                    template.metadata.unwrap_or_default(),
                )
            }
            other => panic!("no pod in {other:?}"),
        }
    }

    /// What the admission says of the manifest's pod, or "" when it passes.
    fn verdict(manifest: &str) -> String {
        let (spec, metadata) = pod_of(manifest);
        let violations = check_baseline(&spec, &metadata);
        if violations.is_empty() {
            String::new()
        } else {
            format_violations(PodSecurityLevel::Baseline, &violations)
        }
    }

    #[track_caller]
    fn check(manifest: &str, expected: &str) {
        assert_eq!(verdict(manifest), expected);
    }

    #[test]
    fn the_seed_pods_and_templates_pass() {
        for (name, manifest) in crate::seed::SEED_MANIFESTS {
            if manifest.contains("kind: Service") {
                continue;
            }
            assert_eq!(verdict(manifest), "", "{name}");
        }
    }

    #[test]
    fn safe_settings_pass() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: careful
  annotations:
    container.apparmor.security.beta.kubernetes.io/web: runtime/default
    container.apparmor.security.beta.kubernetes.io/side: localhost/my-profile
spec:
  securityContext:
    seccompProfile: {type: RuntimeDefault}
    appArmorProfile: {type: RuntimeDefault}
    seLinuxOptions: {type: container_engine_t, level: 's0:c1,c2'}
    sysctls:
    - {name: net.ipv4.ip_unprivileged_port_start, value: '0'}
    - {name: net.ipv4.tcp_rmem, value: '4096 87380 6291456'}
  containers:
  - name: web
    image: nginx
    ports:
    - {containerPort: 80, hostPort: 0}
    securityContext:
      privileged: false
      procMount: Default
      capabilities:
        add: [NET_BIND_SERVICE, CHOWN]
        drop: [ALL]
      seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}
      windowsOptions: {hostProcess: false}
  - name: side
    image: busybox
",
            "",
        );
    }

    #[test]
    fn privileged_containers_are_forbidden() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: x
    image: nginx
    securityContext:
      privileged: true
",
            r#"violates PodSecurity "baseline:latest": privileged (container "x" must not set securityContext.privileged=true)"#,
        );
    }

    #[test]
    fn every_kind_of_container_counts_init_containers_first() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  initContainers:
  - name: setup
    image: busybox
    securityContext: {privileged: true}
  containers:
  - name: a
    image: nginx
    securityContext: {privileged: true}
  - name: b
    image: nginx
  ephemeralContainers:
  - name: debugger
    image: busybox
    securityContext: {privileged: true}
",
            r#"violates PodSecurity "baseline:latest": privileged (containers "setup", "a", "debugger" must not set securityContext.privileged=true)"#,
        );
    }

    #[test]
    fn host_namespaces_are_forbidden() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  hostNetwork: true
  containers:
  - name: x
    image: nginx
",
            r#"violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#,
        );
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  hostIPC: true
  hostPID: true
  hostNetwork: true
  containers:
  - name: x
    image: nginx
",
            r#"violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)"#,
        );
    }

    #[test]
    fn host_path_volumes_are_forbidden() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: x
    image: nginx
  volumes:
  - name: docker-socket
    hostPath: {path: /var/run/docker.sock}
",
            r#"violates PodSecurity "baseline:latest": hostPath volumes (volume "docker-socket")"#,
        );
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: x
    image: nginx
  volumes:
  - name: root
    hostPath: {path: /}
  - name: scratch
    emptyDir: {}
  - name: etc
    hostPath: {path: /etc}
",
            r#"violates PodSecurity "baseline:latest": hostPath volumes (volumes "root", "etc")"#,
        );
    }

    #[test]
    fn host_ports_are_forbidden() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: x
    image: nginx
    ports:
    - {containerPort: 8080, hostPort: 8080}
",
            r#"violates PodSecurity "baseline:latest": hostPort (container "x" uses hostPort 8080)"#,
        );
    }

    #[test]
    fn host_ports_of_several_containers_are_listed_in_string_order() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: a
    image: nginx
    ports:
    - {containerPort: 8080, hostPort: 8080}
  - name: b
    image: nginx
    ports:
    - {containerPort: 80, hostPort: 80}
    - {containerPort: 443, hostPort: 10000}
  - name: c
    image: nginx
    ports:
    - {containerPort: 9090}
",
            r#"violates PodSecurity "baseline:latest": hostPort (containers "a", "b" use hostPorts 10000, 80, 8080)"#,
        );
    }

    #[test]
    fn capabilities_beyond_the_default_set_are_forbidden() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: x
    image: nginx
    securityContext:
      capabilities:
        add: [SYS_ADMIN]
",
            r#"violates PodSecurity "baseline:latest": non-default capabilities (container "x" must not include "SYS_ADMIN" in securityContext.capabilities.add)"#,
        );
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: a
    image: nginx
    securityContext:
      capabilities:
        add: [NET_RAW, CHOWN]
  - name: b
    image: nginx
    securityContext:
      capabilities:
        add: [SYS_ADMIN, NET_RAW]
  - name: c
    image: nginx
    securityContext:
      capabilities:
        add: [KILL]
",
            r#"violates PodSecurity "baseline:latest": non-default capabilities (containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)"#,
        );
    }

    #[test]
    fn only_safe_sysctls_are_allowed() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  securityContext:
    sysctls:
    - {name: kernel.msgmax, value: '65536'}
    - {name: net.ipv4.tcp_keepalive_time, value: '600'}
    - {name: net.core.somaxconn, value: '1024'}
  containers:
  - name: x
    image: nginx
",
            r#"violates PodSecurity "baseline:latest": forbidden sysctls (kernel.msgmax, net.core.somaxconn)"#,
        );
    }

    #[test]
    fn unmasked_proc_mounts_are_forbidden() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  hostUsers: false
  containers:
  - name: x
    image: nginx
    securityContext:
      procMount: Unmasked
",
            r#"violates PodSecurity "baseline:latest": procMount (container "x" must not set securityContext.procMount to "Unmasked")"#,
        );
    }

    #[test]
    fn unconfined_seccomp_is_forbidden_in_the_fields() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
  - name: x
    image: nginx
    securityContext:
      seccompProfile: {type: Unconfined}
  - name: y
    image: nginx
    securityContext:
      seccompProfile: {type: RuntimeDefault}
",
            r#"violates PodSecurity "baseline:latest": seccompProfile (pod and container "x" must not set securityContext.seccompProfile.type to "Unconfined")"#,
        );
    }

    #[test]
    fn the_latest_seccomp_check_no_longer_reads_the_alpha_annotations() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
    container.seccomp.security.alpha.kubernetes.io/x: unconfined
spec:
  containers:
  - name: x
    image: nginx
",
            "",
        );
    }

    #[test]
    fn unconfined_apparmor_is_forbidden_in_the_fields() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: x
    image: nginx
    securityContext:
      appArmorProfile: {type: Unconfined}
",
            r#"violates PodSecurity "baseline:latest": forbidden AppArmor profile (container "x" must not set AppArmor profile type to "Unconfined")"#,
        );
    }

    #[test]
    fn unconfined_apparmor_is_forbidden_in_the_annotations() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
  annotations:
    container.apparmor.security.beta.kubernetes.io/x: unconfined
spec:
  containers:
  - name: x
    image: nginx
",
            r#"violates PodSecurity "baseline:latest": forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/x="unconfined"")"#,
        );
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
  annotations:
    container.apparmor.security.beta.kubernetes.io/y: unknown
    container.apparmor.security.beta.kubernetes.io/x: unconfined
spec:
  securityContext:
    appArmorProfile: {type: Unconfined}
  containers:
  - name: x
    image: nginx
  - name: y
    image: nginx
",
            r#"violates PodSecurity "baseline:latest": forbidden AppArmor profiles (pod and annotations must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/x="unconfined"", "container.apparmor.security.beta.kubernetes.io/y="unknown"")"#,
        );
    }

    #[test]
    fn selinux_types_users_and_roles_are_restricted() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: x
    image: nginx
    securityContext:
      seLinuxOptions: {type: spc_t}
",
            r#"violates PodSecurity "baseline:latest": seLinuxOptions (container "x" set forbidden securityContext.seLinuxOptions: type "spc_t")"#,
        );
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  securityContext:
    seLinuxOptions: {user: system_u, role: system_r}
  containers:
  - name: a
    image: nginx
    securityContext:
      seLinuxOptions: {type: container_t}
  - name: b
    image: nginx
    securityContext:
      seLinuxOptions: {type: unconfined_t}
  - name: c
    image: nginx
    securityContext:
      seLinuxOptions: {type: spc_t}
",
            r#"violates PodSecurity "baseline:latest": seLinuxOptions (pod and containers "b", "c" set forbidden securityContext.seLinuxOptions: types "spc_t", "unconfined_t"; user may not be set; role may not be set)"#,
        );
    }

    #[test]
    fn windows_host_process_is_forbidden() {
        check(
            "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  securityContext:
    windowsOptions: {hostProcess: true}
  containers:
  - name: x
    image: nginx
    securityContext:
      windowsOptions: {hostProcess: true}
",
            r#"violates PodSecurity "baseline:latest": hostProcess (pod and container "x" must not set securityContext.windowsOptions.hostProcess=true)"#,
        );
    }

    #[test]
    fn several_violations_come_in_check_id_order() {
        check(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: escape
spec:
  selector:
    matchLabels: {app: escape}
  template:
    metadata:
      labels: {app: escape}
    spec:
      hostPID: true
      securityContext:
        sysctls:
        - {name: kernel.core_pattern, value: '|/tmp/x'}
      containers:
      - name: shell
        image: busybox
        ports:
        - {containerPort: 22, hostPort: 2222}
        securityContext:
          privileged: true
          capabilities: {add: [SYS_PTRACE]}
          seLinuxOptions: {user: root}
      volumes:
      - name: host
        hostPath: {path: /}
",
            r#"violates PodSecurity "baseline:latest": non-default capabilities (container "shell" must not include "SYS_PTRACE" in securityContext.capabilities.add), host namespaces (hostPID=true), hostPath volumes (volume "host"), hostPort (container "shell" uses hostPort 2222), privileged (container "shell" must not set securityContext.privileged=true), seLinuxOptions (container "shell" set forbidden securityContext.seLinuxOptions: user may not be set), forbidden sysctls (kernel.core_pattern)"#,
        );
    }

    fn pod_object(manifest: &str) -> Object {
        decode_manifests(manifest)
            .expect("a valid manifest")
            .remove(0)
    }

    const PRIVILEGED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: x
    image: nginx:1.25
    securityContext: {privileged: true}
";

    #[test]
    fn admission_refuses_pods_as_forbidden_only_when_enforced() {
        let pod = pod_object(PRIVILEGED);
        assert_eq!(admit(None, &pod, None), Ok(()));
        let err = admit(Some(PodSecurityLevel::Baseline), &pod, None).expect_err("refused");
        assert_eq!(err.code(), 403);
        assert_eq!(err.reason(), "Forbidden");
        assert_eq!(
            err.message(),
            r#"pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (container "x" must not set securityContext.privileged=true)"#
        );
    }

    #[test]
    fn workloads_are_admitted_and_their_pods_judged_later() {
        let deployment = pod_object(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
spec:
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
      - name: x
        image: nginx:1.25
        securityContext: {privileged: true}
",
        );
        assert_eq!(
            admit(Some(PodSecurityLevel::Baseline), &deployment, None),
            Ok(())
        );
        assert_eq!(
            verdict_of_template(&deployment),
            r#"violates PodSecurity "baseline:latest": privileged (container "x" must not set securityContext.privileged=true)"#
        );
    }

    fn verdict_of_template(object: &Object) -> String {
        let Object::Deployment(d) = object else {
            panic!("a Deployment")
        };
        let template = &d.spec.as_ref().expect("spec").template;
        let spec = template.spec.clone().unwrap_or_default();
        let metadata = template.metadata.clone().unwrap_or_default();
        format_violations(
            PodSecurityLevel::Baseline,
            &check_baseline(&spec, &metadata),
        )
    }

    #[test]
    fn only_significant_pod_updates_are_judged_again() {
        let level = Some(PodSecurityLevel::Baseline);
        let old = pod_object(PRIVILEGED);
        let mut relabelled = old.clone();
        relabelled
            .metadata_mut()
            .labels
            .get_or_insert_with(Default::default)
            .insert("tier".into(), "web".into());
        assert_eq!(admit(level, &relabelled, Some(&old)), Ok(()));
        let new_image = pod_object(&PRIVILEGED.replace("nginx:1.25", "nginx:1.26"));
        assert!(admit(level, &new_image, Some(&old)).is_err());
        let debugged = pod_object(&format!(
            "{PRIVILEGED}  ephemeralContainers:\n  - name: debugger\n    image: busybox\n"
        ));
        assert!(admit(level, &debugged, Some(&old)).is_err());
    }
}

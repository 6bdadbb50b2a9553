//! What sunaba asks Docker to create, as plain data: the names and labels of
//! its objects, and the create bodies of a pod's pause container, volumes and
//! containers, and of a Service's proxy. No I/O here, so unit tests cover
//! the mapping from the pod spec.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use bollard::models::{
    ContainerCreateBody, EndpointIpamConfig, EndpointSettings, HostConfig, Mount, MountType,
    NetworkingConfig, RestartPolicy, RestartPolicyNameEnum, VolumeCreateRequest,
};
use k8s_openapi::api::core::v1::{Container, Pod, Volume};
use sunaba_core::kubelet::runtime::{ContainerConfig, PodRef};
use sunaba_core::network::dns;
use sunaba_core::resources;

/// Label: the sunaba cluster an object belongs to.
pub const CLUSTER: &str = "io.sunaba.cluster";
/// Label: the pod's namespace.
pub const NAMESPACE: &str = "io.sunaba.namespace";
/// Label: the pod's name.
pub const POD: &str = "io.sunaba.pod";
/// Label: the pod's uid.
pub const POD_UID: &str = "io.sunaba.pod-uid";
/// Label: the container's name in the pod spec.
pub const CONTAINER: &str = "io.sunaba.container";
/// Label: which run of the container this is (1 for the first).
pub const ATTEMPT: &str = "io.sunaba.attempt";
/// Label: what the object is to sunaba ([`Role`]).
pub const ROLE: &str = "io.sunaba.role";
/// Label: the Service a proxy serves.
pub const SERVICE: &str = "io.sunaba.service";
/// Label: that Service's uid.
pub const SERVICE_UID: &str = "io.sunaba.service-uid";

/// The Kubernetes default grace period, when a pod has none.
pub const DEFAULT_GRACE_SECONDS: i64 = 30;

/// What a Docker object sunaba created is for (the [`ROLE`] label's value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A pod's pause container: its sandbox, owning the network namespace.
    Pause,
    /// One of a pod's containers.
    Container,
    /// An `emptyDir` volume of a pod.
    Volume,
    /// The bridge network the pods live on (shared by all clusters).
    Network,
    /// A Service's proxy: its name's address on the network.
    ServiceProxy,
}

impl Role {
    /// The label's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Pause => "pause",
            Role::Container => "container",
            Role::Volume => "volume",
            Role::Network => "network",
            Role::ServiceProxy => "service-proxy",
        }
    }
}

/// The labels every object of a pod carries: cluster, namespace, pod, uid and role.
pub fn pod_labels(cluster: &str, pod: &PodRef, role: Role) -> HashMap<String, String> {
    HashMap::from([
        (CLUSTER.to_string(), cluster.to_string()),
        (NAMESPACE.to_string(), pod.namespace.clone()),
        (POD.to_string(), pod.name.clone()),
        (POD_UID.to_string(), pod.uid.clone()),
        (ROLE.to_string(), role.as_str().to_string()),
    ])
}

/// The name dockershim gave a pod's sandbox: `k8s_POD_<pod>_<namespace>_<uid>_0`.
pub fn sandbox_name(pod: &PodRef) -> String {
    format!("k8s_POD_{}_{}_{}_0", pod.name, pod.namespace, pod.uid)
}

/// The name dockershim gave a container: `k8s_<container>_<pod>_<namespace>_<uid>_<n>`,
/// where `n` counts restarts (0 for the first run, attempt 1).
pub fn container_name(pod: &PodRef, container: &str, attempt: u32) -> String {
    format!(
        "k8s_{container}_{}_{}_{}_{}",
        pod.name,
        pod.namespace,
        pod.uid,
        attempt.saturating_sub(1)
    )
}

/// The Docker volume behind a pod's `emptyDir`: `k8s_<volume>_<pod>_<namespace>_<uid>`.
pub fn volume_name(pod: &PodRef, volume: &str) -> String {
    format!("k8s_{volume}_{}_{}_{}", pod.name, pod.namespace, pod.uid)
}

/// The pod's hostname: `spec.hostname`, else its name (at most 63 characters, as the kubelet cuts it).
pub fn hostname(spec: &Pod) -> String {
    let name = spec
        .spec
        .as_ref()
        .and_then(|s| s.hostname.clone())
        .or_else(|| spec.metadata.name.clone())
        .unwrap_or_default();
    let cut: String = name.chars().take(63).collect();
    cut.trim_end_matches(['-', '.']).to_string()
}

/// The pod's grace period in seconds (`terminationGracePeriodSeconds`, 30 by default).
pub fn grace_seconds(spec: &Pod) -> i64 {
    spec.spec
        .as_ref()
        .and_then(|s| s.termination_grace_period_seconds)
        .unwrap_or(DEFAULT_GRACE_SECONDS)
        .max(0)
}

/// The pause container: on the pods' network, hostname the pod's, its IPC
/// namespace shareable so the pod's containers join it. Its resolver (which
/// the pod's containers share) asks Docker's embedded DNS with the search
/// path and `ndots:5` of `dnsPolicy: ClusterFirst`, so a Service's name
/// reaches the alias of its proxy ([`service_proxy_body`]).
pub fn pause_body(
    cluster: &str,
    pod: &PodRef,
    spec: &Pod,
    image: &str,
    network: &str,
) -> ContainerCreateBody {
    ContainerCreateBody {
        image: Some(image.to_string()),
        hostname: Some(hostname(spec)),
        labels: Some(pod_labels(cluster, pod, Role::Pause)),
        host_config: Some(HostConfig {
            network_mode: Some(network.to_string()),
            ipc_mode: Some("shareable".into()),
            restart_policy: Some(no_restart()),
            dns_search: Some(dns::search_path(&pod.namespace).to_vec()),
            dns_options: Some(vec!["ndots:5".into()]),
            ..HostConfig::default()
        }),
        ..ContainerCreateBody::default()
    }
}

/// The Docker volumes for the pod's `emptyDir`s: a local volume each, on
/// tmpfs for `medium: Memory` (with `sizeLimit` as its size). Other volume
/// kinds are not created (see [`container_body`]).
pub fn pod_volumes(cluster: &str, pod: &PodRef, spec: &Pod) -> Vec<VolumeCreateRequest> {
    pod_volume_specs(spec)
        .iter()
        .filter_map(|volume| {
            let empty_dir = volume.empty_dir.as_ref()?;
            let mut labels = pod_labels(cluster, pod, Role::Volume);
            labels.insert("io.sunaba.volume".into(), volume.name.clone());
            let driver_opts = (empty_dir.medium.as_deref() == Some("Memory")).then(|| {
                let mut opts = HashMap::from([
                    ("type".to_string(), "tmpfs".to_string()),
                    ("device".to_string(), "tmpfs".to_string()),
                ]);
                if let Some(size) = empty_dir.size_limit.as_ref().and_then(resources::bytes) {
                    opts.insert("o".into(), format!("size={size}"));
                }
                opts
            });
            Some(VolumeCreateRequest {
                name: Some(volume_name(pod, &volume.name)),
                driver: Some("local".into()),
                driver_opts,
                labels: Some(labels),
                ..VolumeCreateRequest::default()
            })
        })
        .collect()
}

fn pod_volume_specs(spec: &Pod) -> &[Volume] {
    spec.spec
        .as_ref()
        .and_then(|s| s.volumes.as_deref())
        .unwrap_or(&[])
}

/// A container of the pod: in the pause container's network and IPC
/// namespaces (so the pod's containers share one IP and localhost), with the
/// spec's image, `command` as Docker's Entrypoint and `args` as its Cmd, the
/// resolved environment, workingDir, user, stdin/tty, resource limits
/// (`limits.cpu` → NanoCPUs, `limits.memory` → Memory, `requests.cpu` →
/// CPU shares as dockershim computed them), the pod's `emptyDir` volumes at
/// their mount paths, and the grace period as its stop timeout.
///
/// Only `emptyDir` volumes are mounted: ConfigMap, Secret and projected
/// volumes need their contents, which [`ContainerConfig`] does not carry yet.
pub fn container_body(
    cluster: &str,
    pod: &PodRef,
    config: &ContainerConfig<'_>,
) -> ContainerCreateBody {
    let container = config.container;
    let mut labels = pod_labels(cluster, pod, Role::Container);
    labels.insert(CONTAINER.into(), container.name.clone());
    labels.insert(ATTEMPT.into(), config.attempt.to_string());
    let sandbox = format!("container:{}", sandbox_name(pod));
    let (nano_cpus, memory, cpu_shares) = limits(container);
    ContainerCreateBody {
        image: container.image.clone(),
        entrypoint: container.command.clone(),
        cmd: container.args.clone(),
        env: Some(config.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
        working_dir: container.working_dir.clone(),
        user: user(container),
        open_stdin: container.stdin,
        stdin_once: container.stdin_once,
        tty: container.tty,
        labels: Some(labels),
        stop_timeout: Some(grace_seconds(config.pod)),
        host_config: Some(HostConfig {
            network_mode: Some(sandbox.clone()),
            ipc_mode: Some(sandbox),
            nano_cpus,
            memory,
            cpu_shares,
            mounts: Some(mounts(pod, config.pod, container)),
            restart_policy: Some(no_restart()),
            ..HostConfig::default()
        }),
        ..ContainerCreateBody::default()
    }
}

/// The kubelet restarts containers, never Docker.
fn no_restart() -> RestartPolicy {
    RestartPolicy {
        name: Some(RestartPolicyNameEnum::NO),
        maximum_retry_count: None,
    }
}

/// `(NanoCPUs, Memory, CpuShares)` from the container's resources.
fn limits(container: &Container) -> (Option<i64>, Option<i64>, Option<i64>) {
    let resources = container.resources.as_ref();
    let limit = |name: &str| {
        resources
            .and_then(|r| r.limits.as_ref())
            .and_then(|l| l.get(name))
    };
    let request = |name: &str| {
        resources
            .and_then(|r| r.requests.as_ref())
            .and_then(|l| l.get(name))
    };
    let nano_cpus = limit("cpu")
        .and_then(resources::cpu_millis)
        .map(|m| m.saturating_mul(1_000_000));
    let memory = limit("memory").and_then(resources::bytes);
    // dockershim's MilliCPUToShares: 1024 shares a CPU, at least 2.
    let cpu_shares = request("cpu")
        .or_else(|| limit("cpu"))
        .and_then(resources::cpu_millis)
        .map(|m| (m.saturating_mul(1024) / 1000).max(2));
    (nano_cpus, memory, cpu_shares)
}

/// `runAsUser[:runAsGroup]` from the container's security context.
fn user(container: &Container) -> Option<String> {
    let context = container.security_context.as_ref()?;
    let uid = context.run_as_user?;
    Some(match context.run_as_group {
        Some(gid) => format!("{uid}:{gid}"),
        None => uid.to_string(),
    })
}

/// The container's mounts of the pod's `emptyDir` volumes.
/// Adds read-only bind mounts of host directories (ConfigMap and Secret
/// volumes' files): (host directory, mount path) pairs.
pub fn add_mounts(body: &mut ContainerCreateBody, binds: Vec<(std::path::PathBuf, String)>) {
    let host = body.host_config.get_or_insert_with(Default::default);
    let mounts = host.mounts.get_or_insert_with(Vec::new);
    mounts.extend(binds.into_iter().map(|(source, target)| Mount {
        target: Some(target),
        source: Some(source.to_string_lossy().into_owned()),
        typ: Some(MountType::BIND),
        read_only: Some(true),
        ..Mount::default()
    }));
}

fn mounts(pod: &PodRef, spec: &Pod, container: &Container) -> Vec<Mount> {
    let volumes = pod_volume_specs(spec);
    container
        .volume_mounts
        .iter()
        .flatten()
        .filter(|m| {
            volumes
                .iter()
                .any(|v| v.name == m.name && v.empty_dir.is_some())
        })
        .map(|m| Mount {
            target: Some(m.mount_path.clone()),
            source: Some(volume_name(pod, &m.name)),
            typ: Some(MountType::VOLUME),
            read_only: m.read_only,
            ..Mount::default()
        })
        .collect()
}

/// A Service, as its proxy knows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceRef {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its uid (a Service created again under its name gets a new proxy).
    pub uid: String,
    /// Its ClusterIP, where its proxy sits on the network.
    pub cluster_ip: Option<Ipv4Addr>,
}

impl ServiceRef {
    /// The name its clients resolve: `<svc>.<ns>.svc.cluster.local`, the
    /// proxy's alias on the network (the pods' search path finds it from
    /// `<svc>`, `<svc>.<ns>` and `<svc>.<ns>.svc`).
    pub fn fqdn(&self) -> String {
        format!(
            "{}.{}.svc.{}",
            self.name,
            self.namespace,
            dns::CLUSTER_DOMAIN
        )
    }
}

/// The name of a Service's proxy container: `k8s_svc_<svc>_<namespace>_<uid>`.
pub fn service_proxy_name(service: &ServiceRef) -> String {
    format!(
        "k8s_svc_{}_{}_{}",
        service.name, service.namespace, service.uid
    )
}

/// The labels of a Service's proxy: cluster, namespace, service, its uid and role.
pub fn service_labels(cluster: &str, service: &ServiceRef) -> HashMap<String, String> {
    HashMap::from([
        (CLUSTER.to_string(), cluster.to_string()),
        (NAMESPACE.to_string(), service.namespace.clone()),
        (SERVICE.to_string(), service.name.clone()),
        (SERVICE_UID.to_string(), service.uid.clone()),
        (ROLE.to_string(), Role::ServiceProxy.as_str().to_string()),
    ])
}

/// Where a proxy sees the directory of its table (mounted read-only).
pub const SERVICE_TABLE_DIR: &str = "/run/sunaba";

/// The table's file name in that directory.
pub const SERVICE_TABLE_FILE: &str = "table";

/// A Service's proxy: `image` (`sunaba/service-proxy`) on the pods'
/// `network` at the Service's ClusterIP (when it is on the network: `at`),
/// with the Service's FQDN as its alias, following the table in
/// `table_dir` (the host's directory, mounted whole so that a table
/// replaced by rename is seen). Docker restarts it unless sunaba removed it:
/// like kube-proxy, it is the node's, not a pod's.
pub fn service_proxy_body(
    cluster: &str,
    service: &ServiceRef,
    image: &str,
    network: &str,
    table_dir: &str,
    at: Option<Ipv4Addr>,
) -> ContainerCreateBody {
    let endpoint = EndpointSettings {
        aliases: Some(vec![service.fqdn()]),
        ipam_config: at.map(|ip| EndpointIpamConfig {
            ipv4_address: Some(ip.to_string()),
            ..EndpointIpamConfig::default()
        }),
        ..EndpointSettings::default()
    };
    ContainerCreateBody {
        image: Some(image.to_string()),
        cmd: Some(vec![format!("{SERVICE_TABLE_DIR}/{SERVICE_TABLE_FILE}")]),
        hostname: Some(service.name.chars().take(63).collect()),
        labels: Some(service_labels(cluster, service)),
        host_config: Some(HostConfig {
            network_mode: Some(network.to_string()),
            mounts: Some(vec![Mount {
                target: Some(SERVICE_TABLE_DIR.into()),
                source: Some(table_dir.to_string()),
                typ: Some(MountType::BIND),
                read_only: Some(true),
                ..Mount::default()
            }]),
            restart_policy: Some(RestartPolicy {
                name: Some(RestartPolicyNameEnum::UNLESS_STOPPED),
                maximum_retry_count: None,
            }),
            ..HostConfig::default()
        }),
        networking_config: Some(NetworkingConfig {
            endpoints_config: Some(HashMap::from([(network.to_string(), endpoint)])),
        }),
        ..ContainerCreateBody::default()
    }
}

/// The name Docker's image API pulls: with `:latest` when the reference has
/// neither tag nor digest (an untagged pull would fetch every tag).
pub fn pull_reference(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') || last.contains(':') {
        image.to_string()
    } else {
        format!("{image}:latest")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        EmptyDirVolumeSource, PodSpec, ResourceRequirements, VolumeMount,
    };
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    use std::collections::BTreeMap;

    fn pod_ref() -> PodRef {
        PodRef {
            namespace: "default".into(),
            name: "web".into(),
            uid: "1234".into(),
        }
    }

    fn pod(container: Container) -> Pod {
        Pod {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some("web".into()),
                ..Default::default()
            },
            spec: Some(PodSpec {
                containers: vec![container],
                termination_grace_period_seconds: Some(5),
                volumes: Some(vec![
                    Volume {
                        name: "cache".into(),
                        empty_dir: Some(EmptyDirVolumeSource::default()),
                        ..Default::default()
                    },
                    Volume {
                        name: "fast".into(),
                        empty_dir: Some(EmptyDirVolumeSource {
                            medium: Some("Memory".into()),
                            size_limit: Some(Quantity("1Mi".into())),
                        }),
                        ..Default::default()
                    },
                ]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn names_follow_dockershim() {
        assert_eq!(sandbox_name(&pod_ref()), "k8s_POD_web_default_1234_0");
        assert_eq!(
            container_name(&pod_ref(), "nginx", 1),
            "k8s_nginx_web_default_1234_0"
        );
        assert_eq!(
            container_name(&pod_ref(), "nginx", 3),
            "k8s_nginx_web_default_1234_2"
        );
        assert_eq!(
            volume_name(&pod_ref(), "cache"),
            "k8s_cache_web_default_1234"
        );
    }

    #[test]
    fn a_container_joins_its_sandbox_with_the_spec_mapped() {
        let container = Container {
            name: "app".into(),
            image: Some("sunaba/echo:latest".into()),
            command: Some(vec!["/bin/sh".into()]),
            args: Some(vec!["-c".into(), "sleep 1".into()]),
            working_dir: Some("/work".into()),
            resources: Some(ResourceRequirements {
                limits: Some(BTreeMap::from([
                    ("cpu".to_string(), Quantity("500m".into())),
                    ("memory".to_string(), Quantity("64Mi".into())),
                ])),
                ..Default::default()
            }),
            volume_mounts: Some(vec![VolumeMount {
                name: "cache".into(),
                mount_path: "/cache".into(),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let spec = pod(container.clone());
        let env = [("A".to_string(), "1".to_string())];
        let config = ContainerConfig {
            pod: &spec,
            container: &container,
            env: &env,
            attempt: 2,
            volumes: &[],
        };
        let body = container_body("c1", &pod_ref(), &config);
        assert_eq!(body.entrypoint, Some(vec!["/bin/sh".to_string()]));
        assert_eq!(
            body.cmd,
            Some(vec!["-c".to_string(), "sleep 1".to_string()])
        );
        assert_eq!(body.env, Some(vec!["A=1".to_string()]));
        assert_eq!(body.working_dir.as_deref(), Some("/work"));
        assert_eq!(body.stop_timeout, Some(5));
        let labels = body.labels.expect("labels");
        assert_eq!(labels[CLUSTER], "c1");
        assert_eq!(labels[POD_UID], "1234");
        assert_eq!(labels[CONTAINER], "app");
        assert_eq!(labels[ATTEMPT], "2");
        assert_eq!(labels[ROLE], "container");
        let host = body.host_config.expect("host config");
        assert_eq!(
            host.network_mode.as_deref(),
            Some("container:k8s_POD_web_default_1234_0")
        );
        assert_eq!(host.nano_cpus, Some(500_000_000));
        assert_eq!(host.memory, Some(64 * 1024 * 1024));
        assert_eq!(host.cpu_shares, Some(512));
        let mounts = host.mounts.expect("mounts");
        assert_eq!(mounts.len(), 1);
        assert_eq!(
            mounts[0].source.as_deref(),
            Some("k8s_cache_web_default_1234")
        );
        assert_eq!(mounts[0].target.as_deref(), Some("/cache"));
    }

    #[test]
    fn empty_dirs_become_labelled_volumes_memory_ones_on_tmpfs() {
        let spec = pod(Container::default());
        let volumes = pod_volumes("c1", &pod_ref(), &spec);
        assert_eq!(volumes.len(), 2);
        assert_eq!(volumes[0].driver_opts, None);
        let opts = volumes[1].driver_opts.as_ref().expect("tmpfs options");
        assert_eq!(opts["type"], "tmpfs");
        assert_eq!(opts["o"], "size=1048576");
        assert_eq!(volumes[1].labels.as_ref().expect("labels")[ROLE], "volume");
    }

    #[test]
    fn the_pause_container_has_the_pods_hostname_on_the_network() {
        let spec = pod(Container::default());
        let body = pause_body("c1", &pod_ref(), &spec, "sunaba/pause:latest", "sunaba");
        assert_eq!(body.hostname.as_deref(), Some("web"));
        let host = body.host_config.expect("host config");
        assert_eq!(host.network_mode.as_deref(), Some("sunaba"));
        assert_eq!(
            host.dns_search,
            Some(vec![
                "default.svc.cluster.local".to_string(),
                "svc.cluster.local".to_string(),
                "cluster.local".to_string(),
            ])
        );
        assert_eq!(host.dns_options, Some(vec!["ndots:5".to_string()]));
        assert_eq!(body.labels.expect("labels")[ROLE], "pause");
    }

    #[test]
    fn a_service_proxy_sits_at_the_cluster_ip_with_the_fqdn_as_alias_and_mounts_its_table_directory(
    ) {
        let service = ServiceRef {
            namespace: "default".into(),
            name: "echo".into(),
            uid: "77".into(),
            cluster_ip: Some(Ipv4Addr::new(10, 96, 0, 77)),
        };
        assert_eq!(service_proxy_name(&service), "k8s_svc_echo_default_77");
        let body = service_proxy_body(
            "c1",
            &service,
            "sunaba/service-proxy:latest",
            "net-id",
            "/tmp/sunaba-c1/services/default/echo",
            service.cluster_ip,
        );
        assert_eq!(body.cmd, Some(vec!["/run/sunaba/table".to_string()]));
        let labels = body.labels.expect("labels");
        assert_eq!(labels[CLUSTER], "c1");
        assert_eq!(labels[NAMESPACE], "default");
        assert_eq!(labels[SERVICE], "echo");
        assert_eq!(labels[SERVICE_UID], "77");
        assert_eq!(labels[ROLE], "service-proxy");
        let endpoints = body
            .networking_config
            .and_then(|n| n.endpoints_config)
            .expect("endpoint settings");
        assert_eq!(
            endpoints["net-id"].aliases,
            Some(vec!["echo.default.svc.cluster.local".to_string()])
        );
        assert_eq!(
            endpoints["net-id"]
                .ipam_config
                .as_ref()
                .and_then(|c| c.ipv4_address.as_deref()),
            Some("10.96.0.77")
        );
        let host = body.host_config.expect("host config");
        assert_eq!(host.network_mode.as_deref(), Some("net-id"));
        let mounts = host.mounts.expect("mounts");
        assert_eq!(
            mounts[0].source.as_deref(),
            Some("/tmp/sunaba-c1/services/default/echo")
        );
        assert_eq!(mounts[0].target.as_deref(), Some("/run/sunaba"));
        assert_eq!(mounts[0].read_only, Some(true));
    }

    #[test]
    fn pulls_name_a_tag() {
        assert_eq!(pull_reference("nginx"), "nginx:latest");
        assert_eq!(pull_reference("nginx:1.25"), "nginx:1.25");
        assert_eq!(
            pull_reference("localhost:5000/x"),
            "localhost:5000/x:latest"
        );
        assert_eq!(pull_reference("x@sha256:abc"), "x@sha256:abc");
    }
}

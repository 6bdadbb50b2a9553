//! Services on the Docker backend: kube-proxy's and CoreDNS's part.
//!
//! Each ClusterIP Service gets a proxy container (`sunaba/service-proxy`,
//! [`spec::service_proxy_body`]) on the pods' network, whose alias there is
//! the Service's name `<svc>.<ns>.svc.cluster.local`. Docker's embedded DNS
//! answers that name, and the pods' resolver (search path
//! `<ns>.svc.cluster.local svc.cluster.local cluster.local`, `ndots:5`, set
//! on their pause containers) finds it from `<svc>`, `<svc>.<ns>` and
//! `<svc>.<ns>.svc` too; other names (`echo.default.svc.local`) stay unknown.
//!
//! The proxy follows a table file in a directory of sunaba's
//! (`<state dir>/services/<ns>/<svc>/table`, mounted into it): each service
//! port and its ready endpoints' `ip:port`, the port mapped by name from the
//! EndpointSlices as kube-proxy maps it ([`desired`]). [`start`] runs the
//! reconciler: whenever the store's resourceVersion moves (and every
//! [`RESYNC`]) it reads the Services and EndpointSlices on the cluster
//! thread, rewrites the tables that changed (a temporary file, then a
//! rename), creates the proxies of new Services and removes those of
//! Services that went. The proxy re-reads its table every 150 ms, so an
//! endpoint change takes effect well within a second.
//!
//! Not proxied: headless Services (`clusterIP: None`; their names do not
//! resolve, as CoreDNS's per-pod records would need), ExternalName
//! Services, ports other than TCP, and `default/kubernetes`, whose endpoint
//! is the simulated control plane. Services without a selector are proxied
//! to the EndpointSlices their users write, as kube-proxy does. The
//! ClusterIP that `kubectl get svc` shows is the simulation's: clients
//! reach a Service by name, at its proxy's address on the network.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bollard::query_parameters::{CreateContainerOptions, ListContainersOptions};
use bollard::Docker;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use sunaba_core::api::{Kind, Object};
use sunaba_core::controllers::endpointslice::SERVICE_NAME_LABEL;
use sunaba_core::network::ipam::ServiceCidr;
use sunaba_core::store::Store;
use tokio::task::JoinHandle;

use super::reset::is_not_found;
use super::spec::{self, Role, ServiceRef, CLUSTER, ROLE, SERVICE_TABLE_FILE};
use super::{docker_reason, engine, network, DockerConfig, DockerError};
use crate::cluster::ClusterHandle;

/// How often the proxies are checked against the engine (recreating one
/// that vanished) even when the cluster did not change.
pub const RESYNC: Duration = Duration::from_secs(5);

/// A Service that is not proxied whatever it says: the API server's own,
/// whose endpoint is the simulated control plane.
const KUBERNETES: (&str, &str) = ("default", "kubernetes");

/// What one Service's proxy should be: which Service, and its table's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desired {
    /// The Service.
    pub service: ServiceRef,
    /// The table file's text (see `sunaba_images::service_proxy`): a line
    /// per TCP service port, with its ready endpoints' `ip:port`.
    pub table: String,
}

/// A Service's place: (namespace, name).
pub type ServiceKey = (String, String);

/// The proxies the cluster's Services need, from what the store holds.
pub fn desired_in(store: &Store) -> BTreeMap<ServiceKey, Desired> {
    let services = store
        .list(Kind::Service, None)
        .filter_map(|o| match o.as_ref() {
            Object::Service(service) => Some(&**service),
            _ => None,
        });
    let slices = store
        .list(Kind::EndpointSlice, None)
        .filter_map(|o| match o.as_ref() {
            Object::EndpointSlice(slice) => Some(&**slice),
            _ => None,
        });
    desired(services, slices)
}

/// The proxies `services` need, given the `slices`: one per Service with a
/// cluster IP, whose table lists each TCP service port with the addresses of
/// the ready endpoints (`ready` unset counts as ready) of the Service's IPv4
/// slices, at the slice port of the same name and protocol — the port the
/// EndpointSlice controller resolved the targetPort to.
pub fn desired<'a>(
    services: impl IntoIterator<Item = &'a Service>,
    slices: impl IntoIterator<Item = &'a EndpointSlice>,
) -> BTreeMap<ServiceKey, Desired> {
    let mut by_service: HashMap<ServiceKey, Vec<&EndpointSlice>> = HashMap::new();
    for slice in slices {
        let owner = slice
            .metadata
            .labels
            .as_ref()
            .and_then(|labels| labels.get(SERVICE_NAME_LABEL));
        if let (Some(namespace), Some(owner)) = (&slice.metadata.namespace, owner) {
            if slice.address_type == "IPv4" {
                by_service
                    .entry((namespace.clone(), owner.clone()))
                    .or_default()
                    .push(slice);
            }
        }
    }
    let mut desired = BTreeMap::new();
    for service in services {
        let Some(reference) = proxied(service) else {
            continue;
        };
        let key = (reference.namespace.clone(), reference.name.clone());
        let slices = by_service.get(&key).map_or(&[][..], Vec::as_slice);
        let mut ports: BTreeMap<u16, BTreeSet<SocketAddrV4>> = BTreeMap::new();
        let spec = service.spec.as_ref();
        for port in spec.and_then(|s| s.ports.as_deref()).unwrap_or_default() {
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            let Ok(number) = u16::try_from(port.port) else {
                continue;
            };
            if protocol != "TCP" || number == 0 {
                continue;
            }
            let name = port.name.as_deref().unwrap_or_default();
            let backends = ports.entry(number).or_default();
            for slice in slices {
                let target = slice.ports.iter().flatten().find(|p| {
                    p.name.as_deref().unwrap_or_default() == name
                        && p.protocol.as_deref().unwrap_or("TCP") == protocol
                });
                let Some(target) = target
                    .and_then(|p| p.port)
                    .and_then(|p| u16::try_from(p).ok())
                else {
                    continue;
                };
                let ready = slice
                    .endpoints
                    .iter()
                    .filter(|e| e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true));
                for endpoint in ready {
                    for address in &endpoint.addresses {
                        if let Ok(ip) = address.parse::<Ipv4Addr>() {
                            backends.insert(SocketAddrV4::new(ip, target));
                        }
                    }
                }
            }
        }
        let table = table_text(&reference, &ports);
        desired.insert(
            key,
            Desired {
                service: reference,
                table,
            },
        );
    }
    desired
}

/// The Service as its proxy knows it, when it gets one: a Service with a
/// cluster IP (not headless, not ExternalName), other than `default/kubernetes`.
fn proxied(service: &Service) -> Option<ServiceRef> {
    let namespace = service.metadata.namespace.clone()?;
    let name = service.metadata.name.clone()?;
    let uid = service.metadata.uid.clone().unwrap_or_default();
    let spec = service.spec.as_ref()?;
    let cluster_ip = spec.cluster_ip.as_deref().unwrap_or_default();
    let external = spec.type_.as_deref() == Some("ExternalName");
    let kubernetes = (namespace.as_str(), name.as_str()) == KUBERNETES;
    if cluster_ip.is_empty() || cluster_ip == "None" || external || kubernetes {
        return None;
    }
    Some(ServiceRef {
        namespace,
        name,
        uid,
        cluster_ip: cluster_ip.parse().ok(),
    })
}

/// The table's text: a comment naming the Service, then `<port>
/// <ip>:<port>…` a line, in port order.
pub fn table_text(service: &ServiceRef, ports: &BTreeMap<u16, BTreeSet<SocketAddrV4>>) -> String {
    let mut text = format!(
        "# Service {}/{} (uid {}), written by sunaba\n",
        service.namespace, service.name, service.uid
    );
    for (port, backends) in ports {
        text.push_str(&port.to_string());
        for backend in backends {
            text.push(' ');
            text.push_str(&backend.to_string());
        }
        text.push('\n');
    }
    text
}

/// Writes `text` as `dir/table` atomically: a temporary file beside it,
/// then a rename, so the proxy never reads half a table.
pub fn write_table(dir: &Path, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(".{SERVICE_TABLE_FILE}.tmp"));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, dir.join(SERVICE_TABLE_FILE))
}

/// The directory of a Service's table under `services` (the state
/// directory's `services/`): `<ns>/<svc>`.
pub fn table_dir(services: &Path, key: &ServiceKey) -> PathBuf {
    services.join(&key.0).join(&key.1)
}

/// Starts the Services' reconciler on the current tokio runtime, for the
/// cluster behind `cluster` and the engine `config` names; it runs until the
/// cluster stops.
pub async fn start(
    cluster: ClusterHandle,
    config: &DockerConfig,
) -> Result<JoinHandle<()>, DockerError> {
    let docker = engine(config).await?;
    let network = network::ensure(&docker, &config.network_name(), &config.cluster).await?;
    let proxies = Proxies {
        docker,
        cluster: config.cluster.clone(),
        network: network.id,
        services: network.services,
        image: config.service_proxy_image.clone(),
        dir: config.state_dir().join("services"),
        running: BTreeSet::new(),
        written: BTreeMap::new(),
        warned: BTreeSet::new(),
    };
    Ok(tokio::spawn(proxies.run(cluster)))
}

/// The reconciler's state: the engine, and what it believes is there.
struct Proxies {
    docker: Docker,
    /// The `io.sunaba.cluster` label's value.
    cluster: String,
    /// The pods' network's ID.
    network: String,
    /// The network's service range: a ClusterIP in it is the proxy's address.
    services: ServiceCidr,
    /// The proxies' image.
    image: String,
    /// Where the tables' directories are.
    dir: PathBuf,
    /// The proxy containers believed running, by name.
    running: BTreeSet<String>,
    /// The table each Service's file holds.
    written: BTreeMap<ServiceKey, String>,
    /// The complaints printed already, so each is printed once.
    warned: BTreeSet<String>,
}

impl Proxies {
    /// Reconciles whenever the store moved, and every [`RESYNC`] against the
    /// engine's containers; ends when the cluster stops.
    async fn run(mut self, cluster: ClusterHandle) {
        let mut versions = cluster.versions();
        let mut checked: Option<Instant> = None;
        loop {
            versions.borrow_and_update();
            let Ok(desired) = cluster.call(|c| desired_in(c.api().store())).await else {
                return;
            };
            let full = checked.is_none_or(|at| at.elapsed() >= RESYNC);
            if full {
                checked = Some(Instant::now());
            }
            self.reconcile(&desired, full).await;
            tokio::select! {
                changed = versions.changed() => {
                    if changed.is_err() {
                        return;
                    }
                }
                () = tokio::time::sleep(RESYNC) => {}
            }
        }
    }

    /// Brings the engine and the tables to `desired`. A `full` pass first
    /// learns which proxies really run (removing stopped ones, to be
    /// created again) and clears tables no Service owns.
    async fn reconcile(&mut self, desired: &BTreeMap<ServiceKey, Desired>, full: bool) {
        if full {
            self.adopt().await;
            self.sweep(desired);
        }
        let wanted: BTreeSet<String> = desired
            .values()
            .map(|d| spec::service_proxy_name(&d.service))
            .collect();
        let unwanted: Vec<String> = self.running.difference(&wanted).cloned().collect();
        for name in unwanted {
            if self.remove(&name).await {
                self.running.remove(&name);
            }
        }
        let gone: Vec<ServiceKey> = self
            .written
            .keys()
            .filter(|key| !desired.contains_key(*key))
            .cloned()
            .collect();
        for key in gone {
            let _ = std::fs::remove_dir_all(table_dir(&self.dir, &key));
            self.written.remove(&key);
        }
        for (key, want) in desired {
            if self.written.get(key) != Some(&want.table) {
                match write_table(&table_dir(&self.dir, key), &want.table) {
                    Ok(()) => {
                        self.written.insert(key.clone(), want.table.clone());
                    }
                    Err(err) => {
                        self.warn(key, &format!("cannot write its table: {err}"));
                        continue;
                    }
                }
            }
            let name = spec::service_proxy_name(&want.service);
            if !self.running.contains(&name) {
                match self.create(&want.service, &name).await {
                    Ok(()) => {
                        self.running.insert(name);
                    }
                    Err(message) => self.warn(key, &message),
                }
            }
        }
    }

    /// Learns the running proxies of this cluster from the engine; the
    /// others (exited, or failing to start) are removed.
    async fn adopt(&mut self) {
        let filters = HashMap::from([(
            "label".to_string(),
            vec![
                format!("{CLUSTER}={}", self.cluster),
                format!("{ROLE}={}", Role::ServiceProxy.as_str()),
            ],
        )]);
        let options = ListContainersOptions {
            all: true,
            filters: Some(filters),
            ..ListContainersOptions::default()
        };
        let Ok(found) = self.docker.list_containers(Some(options)).await else {
            return;
        };
        self.running.clear();
        for container in found {
            let Some(name) = container
                .names
                .iter()
                .flatten()
                .next()
                .map(|n| n.trim_start_matches('/').to_string())
            else {
                continue;
            };
            let state = container.state.map(|s| s.to_string()).unwrap_or_default();
            if state == "running" {
                self.running.insert(name);
            } else {
                self.remove(&name).await;
            }
        }
    }

    /// Removes the table directories of Services that are not there (left by
    /// an earlier run, say).
    fn sweep(&mut self, desired: &BTreeMap<ServiceKey, Desired>) {
        let Ok(namespaces) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for namespace in namespaces.flatten() {
            let namespace_name = namespace.file_name().to_string_lossy().into_owned();
            let Ok(services) = std::fs::read_dir(namespace.path()) else {
                continue;
            };
            for service in services.flatten() {
                let key = (
                    namespace_name.clone(),
                    service.file_name().to_string_lossy().into_owned(),
                );
                if !desired.contains_key(&key) {
                    let _ = std::fs::remove_dir_all(service.path());
                    self.written.remove(&key);
                }
            }
            // Only removed when empty.
            let _ = std::fs::remove_dir(namespace.path());
        }
    }

    /// Creates and starts a Service's proxy (replacing a leftover of the
    /// same name that is not running).
    async fn create(&self, service: &ServiceRef, name: &str) -> Result<(), String> {
        let key = (service.namespace.clone(), service.name.clone());
        let dir = table_dir(&self.dir, &key);
        let body = spec::service_proxy_body(
            &self.cluster,
            service,
            &self.image,
            &self.network,
            &dir.to_string_lossy(),
            service.cluster_ip.filter(|ip| self.services.contains(*ip)),
        );
        let options = CreateContainerOptions {
            name: Some(name.to_string()),
            ..CreateContainerOptions::default()
        };
        let mut created = self
            .docker
            .create_container(Some(options.clone()), body.clone())
            .await;
        if matches!(
            &created,
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 409,
                ..
            })
        ) && self.remove(name).await
        {
            created = self.docker.create_container(Some(options), body).await;
        }
        let failed = |err: &bollard::errors::Error| {
            let mut reason = docker_reason(err);
            if is_not_found(err) && reason.contains("image") {
                reason.push_str(" (build it with `cargo xtask images`)");
            }
            format!("cannot run its proxy: {reason}")
        };
        created.map_err(|err| failed(&err))?;
        match self.docker.start_container(name, None).await {
            Ok(()) => Ok(()),
            Err(err) => {
                self.remove(name).await;
                Err(failed(&err))
            }
        }
    }

    /// Removes a proxy container of this cluster's (killing it); true when
    /// it is gone.
    async fn remove(&self, name: &str) -> bool {
        let ours = match self.docker.inspect_container(name, None).await {
            Ok(inspected) => inspected
                .config
                .and_then(|c| c.labels)
                .is_some_and(|labels| {
                    labels.get(CLUSTER) == Some(&self.cluster)
                        && labels.get(ROLE).map(String::as_str) == Some(Role::ServiceProxy.as_str())
                }),
            Err(err) => return is_not_found(&err),
        };
        if !ours {
            return false;
        }
        let options = bollard::query_parameters::RemoveContainerOptions {
            force: true,
            ..Default::default()
        };
        match self.docker.remove_container(name, Some(options)).await {
            Ok(()) => true,
            Err(err) => is_not_found(&err),
        }
    }

    /// Prints a complaint about a Service, once.
    fn warn(&mut self, key: &ServiceKey, message: &str) {
        let line = format!("sunaba: Service {}/{}: {message}", key.0, key.1);
        if self.warned.insert(line.clone()) {
            eprintln!("{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ServicePort, ServiceSpec};
    use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

    fn meta(namespace: &str, name: &str, labels: &[(&str, &str)]) -> ObjectMeta {
        ObjectMeta {
            namespace: Some(namespace.into()),
            name: Some(name.into()),
            uid: Some(format!("uid-{name}")),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..ObjectMeta::default()
        }
    }

    fn service(name: &str, cluster_ip: &str, ports: &[(&str, i32, &str)]) -> Service {
        Service {
            metadata: meta("default", name, &[]),
            spec: Some(ServiceSpec {
                cluster_ip: Some(cluster_ip.into()),
                ports: Some(
                    ports
                        .iter()
                        .map(|(name, port, protocol)| ServicePort {
                            name: Some(name.to_string()).filter(|n| !n.is_empty()),
                            port: *port,
                            protocol: Some(protocol.to_string()),
                            target_port: Some(IntOrString::Int(8080)),
                            ..ServicePort::default()
                        })
                        .collect(),
                ),
                ..ServiceSpec::default()
            }),
            status: None,
        }
    }

    /// A slice of `service` with ports (name, port) and endpoints (ip, ready).
    fn slice(
        service: &str,
        ports: &[(&str, i32)],
        endpoints: &[(&str, Option<bool>)],
    ) -> EndpointSlice {
        EndpointSlice {
            metadata: meta(
                "default",
                &format!("{service}-abcde"),
                &[(SERVICE_NAME_LABEL, service)],
            ),
            address_type: "IPv4".into(),
            ports: Some(
                ports
                    .iter()
                    .map(|(name, port)| EndpointPort {
                        name: Some(name.to_string()),
                        port: Some(*port),
                        protocol: Some("TCP".into()),
                        ..EndpointPort::default()
                    })
                    .collect(),
            ),
            endpoints: endpoints
                .iter()
                .map(|(ip, ready)| Endpoint {
                    addresses: vec![ip.to_string()],
                    conditions: Some(EndpointConditions {
                        ready: *ready,
                        ..EndpointConditions::default()
                    }),
                    ..Endpoint::default()
                })
                .collect(),
        }
    }

    fn table_of(desired: &BTreeMap<ServiceKey, Desired>, name: &str) -> String {
        desired[&("default".to_string(), name.to_string())]
            .table
            .clone()
    }

    #[test]
    fn a_table_lists_the_ready_endpoints_at_the_port_of_the_same_name() {
        let services = [service(
            "echo",
            "10.96.0.10",
            &[("http", 80, "TCP"), ("admin", 9000, "TCP")],
        )];
        let slices = [slice(
            "echo",
            &[("http", 8080), ("admin", 9090)],
            &[
                ("172.18.0.6", Some(true)),
                ("172.18.0.5", None),
                ("172.18.0.7", Some(false)),
            ],
        )];
        let desired = desired(&services, &slices);
        assert_eq!(
            table_of(&desired, "echo"),
            "# Service default/echo (uid uid-echo), written by sunaba\n\
             80 172.18.0.5:8080 172.18.0.6:8080\n\
             9000 172.18.0.5:9090 172.18.0.6:9090\n"
        );
        let echo = &desired[&("default".to_string(), "echo".to_string())].service;
        assert_eq!(echo.fqdn(), "echo.default.svc.cluster.local");
    }

    #[test]
    fn a_port_without_ready_endpoints_is_listed_bare() {
        let services = [service("echo", "10.96.0.10", &[("", 80, "TCP")])];
        let slices = [slice("echo", &[("", 8080)], &[("172.18.0.7", Some(false))])];
        assert_eq!(
            table_of(&desired(&services, &slices), "echo"),
            "# Service default/echo (uid uid-echo), written by sunaba\n80\n"
        );
        assert_eq!(
            table_of(&desired(&services, &[]), "echo"),
            "# Service default/echo (uid uid-echo), written by sunaba\n80\n"
        );
    }

    #[test]
    fn headless_external_name_and_the_api_servers_service_get_no_proxy() {
        let mut external = service("ext", "", &[("", 80, "TCP")]);
        if let Some(spec) = external.spec.as_mut() {
            spec.type_ = Some("ExternalName".into());
        }
        let services = [
            service("headless", "None", &[("", 80, "TCP")]),
            service("kubernetes", "10.96.0.1", &[("https", 443, "TCP")]),
            external,
            service(
                "dns",
                "10.96.0.10",
                &[("dns", 53, "UDP"), ("dns-tcp", 53, "TCP")],
            ),
        ];
        let slices = [slice(
            "dns",
            &[("dns-tcp", 5353), ("dns", 5353)],
            &[("172.18.0.9", None)],
        )];
        let desired = desired(&services, &slices);
        assert_eq!(
            desired.keys().map(|(_, n)| n.as_str()).collect::<Vec<_>>(),
            ["dns"]
        );
        assert!(table_of(&desired, "dns").ends_with("\n53 172.18.0.9:5353\n"));
    }

    #[test]
    fn a_table_is_replaced_whole() {
        let dir = std::env::temp_dir().join(format!("sunaba-table-test-{}", std::process::id()));
        write_table(&dir, "80 10.0.0.1:8080\n").expect("written");
        write_table(&dir, "80\n").expect("rewritten");
        let names: Vec<String> = std::fs::read_dir(&dir)
            .expect("the directory")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["table"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("table")).expect("the table"),
            "80\n"
        );
        std::fs::remove_dir_all(&dir).expect("cleaned up");
    }
}

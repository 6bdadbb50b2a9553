//! HTTP between containers, through cluster DNS, Services (kube-proxy picks
//! a ready endpoint at random and maps port to targetPort) and pod IPs. The
//! serving container's program answers and writes its log line.

use std::net::Ipv4Addr;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::dns;
use crate::api::{Kind, Object};
use crate::images::HttpResponse;
use crate::kubelet::Kubelets;
use crate::rand::Rng;
use crate::store::Store;
use crate::time::SimTime;

/// Why a request got no answer, in the terms curl reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// The URL could not be understood.
    BadUrl(String),
    /// DNS said NXDOMAIN.
    Resolve(String),
    /// Nothing listens there (or a Service has no ready endpoint).
    Refused {
        /// The host as written.
        host: String,
        /// The port.
        port: u16,
    },
    /// Nothing answers at all.
    Timeout {
        /// The host as written.
        host: String,
        /// The port.
        port: u16,
    },
}

/// A parsed `http://host[:port]/path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The host.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The path, at least `/`.
    pub path: String,
}

impl Url {
    /// Parses a URL; the scheme defaults to http.
    pub fn parse(text: &str) -> Result<Self, NetError> {
        let (default_port, rest) = match text.split_once("://") {
            Some(("http", rest)) => (80, rest),
            Some(("https", rest)) => (443, rest),
            Some((scheme, _)) => {
                return Err(NetError::BadUrl(format!(
                    "Protocol \"{scheme}\" not supported"
                )))
            }
            None => (80, text),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, "/".to_string()),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (
                host,
                port.parse().map_err(|_| {
                    NetError::BadUrl(
                        "URL rejected: Port number was not a decimal number between 0 and 65535"
                            .into(),
                    )
                })?,
            ),
            None => (authority, default_port),
        };
        if host.is_empty() {
            return Err(NetError::BadUrl(
                "URL rejected: No host part in the URL".into(),
            ));
        }
        Ok(Self {
            host: host.to_string(),
            port,
            path,
        })
    }
}

/// One leg of a request across the cluster: from a pod, through the
/// Service its address named (if any), to the pod that took it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// The sending pod, as (namespace, name).
    pub from: (String, String),
    /// The Service kube-proxy routed through, as (namespace, name).
    pub service: Option<(String, String)>,
    /// The receiving pod, as (namespace, name).
    pub to: (String, String),
}

/// Everything a request may touch.
pub struct Network<'a> {
    /// The objects (services, endpoints, pods).
    pub store: &'a Store,
    /// The kubelets, whose containers answer and log.
    pub kubelets: &'a mut Kubelets,
    /// The cluster's randomness, for kube-proxy's endpoint choice.
    pub rng: &'a mut Rng,
    /// The time of the request.
    pub now: SimTime,
    /// The legs taken so far, in order (a proxy's onward request after
    /// the leg that reached it).
    pub hops: Vec<Hop>,
}

const MAX_HOPS: usize = 8;

impl Network<'_> {
    /// Sends `GET url` from a pod.
    pub fn get(
        &mut self,
        from_namespace: &str,
        from_pod: &str,
        url: &str,
    ) -> Result<HttpResponse, NetError> {
        self.request(from_namespace, from_pod, "GET", &Url::parse(url)?, 0)
    }

    fn request(
        &mut self,
        ns: &str,
        pod: &str,
        method: &str,
        url: &Url,
        hops: usize,
    ) -> Result<HttpResponse, NetError> {
        let addresses = dns::resolve(self.store, ns, &url.host)
            .ok_or_else(|| NetError::Resolve(url.host.clone()))?;
        let refused = || NetError::Refused {
            host: url.host.clone(),
            port: url.port,
        };
        let ip = *addresses.first().ok_or_else(refused)?;
        let service = self.service_at(ip);
        let (target_ns, target_pod, port) = self.route(ns, pod, ip, url.port).ok_or_else(|| {
            if self.is_known_address(ip) {
                refused()
            } else {
                NetError::Timeout {
                    host: url.host.clone(),
                    port: url.port,
                }
            }
        })?;
        self.hops.push(Hop {
            from: (ns.to_string(), pod.to_string()),
            service,
            to: (target_ns.clone(), target_pod.clone()),
        });
        let client = self
            .pod_ip(ns, pod)
            .map_or_else(|| "127.0.0.1".to_string(), |ip| ip.to_string());
        self.deliver(
            &target_ns,
            &target_pod,
            port,
            method,
            &url.path,
            &client,
            hops,
        )
        .ok_or_else(refused)?
    }

    /// Where a connection to `ip:port` lands: (namespace, pod, container port).
    fn route(
        &mut self,
        ns: &str,
        pod: &str,
        ip: Ipv4Addr,
        port: u16,
    ) -> Option<(String, String, u16)> {
        if ip.is_loopback() {
            return Some((ns.to_string(), pod.to_string(), port));
        }
        if let Some(routed) = self.route_service(ip, port) {
            return routed;
        }
        self.pod_at(ip).map(|(ns, name)| (ns, name, port))
    }

    /// The Service whose ClusterIP this is, as (namespace, name).
    fn service_at(&self, ip: Ipv4Addr) -> Option<(String, String)> {
        let text = ip.to_string();
        self.store
            .list(Kind::Service, None)
            .find_map(|o| match o.as_ref() {
                Object::Service(s)
                    if s.spec.as_ref().and_then(|sp| sp.cluster_ip.as_deref())
                        == Some(text.as_str()) =>
                {
                    Some((o.namespace().to_string(), o.name().to_string()))
                }
                _ => None,
            })
    }

    /// kube-proxy: a ClusterIP maps to a random ready endpoint. Outer None: not a service IP.
    fn route_service(&mut self, ip: Ipv4Addr, port: u16) -> Option<Option<(String, String, u16)>> {
        let text = ip.to_string();
        let service = self
            .store
            .list(Kind::Service, None)
            .find_map(|o| match o.as_ref() {
                Object::Service(s)
                    if s.spec.as_ref().and_then(|sp| sp.cluster_ip.as_deref())
                        == Some(text.as_str()) =>
                {
                    Some(s)
                }
                _ => None,
            })?;
        let namespace = service.metadata.namespace.clone().unwrap_or_default();
        let name = service.metadata.name.clone().unwrap_or_default();
        let service_port = service
            .spec
            .as_ref()?
            .ports
            .iter()
            .flatten()
            .find(|p| p.port == i32::from(port));
        let Some(service_port) = service_port else {
            return Some(None);
        };
        let port_name = service_port.name.clone();
        let Some(Object::Endpoints(endpoints)) = self
            .store
            .find(Kind::Endpoints, &namespace, &name)
            .map(|o| o.as_ref())
        else {
            return Some(None);
        };
        let candidates: Vec<(String, u16)> = endpoints
            .subsets
            .iter()
            .flatten()
            .flat_map(|subset| {
                let target = subset
                    .ports
                    .iter()
                    .flatten()
                    .find(|p| {
                        p.name == port_name || subset.ports.as_ref().is_some_and(|ps| ps.len() == 1)
                    })
                    .map(|p| p.port as u16)
                    .or(match &service_port.target_port {
                        Some(IntOrString::Int(n)) => Some(*n as u16),
                        _ => None,
                    });
                subset
                    .addresses
                    .iter()
                    .flatten()
                    .filter_map(move |a| target.map(|t| (a.ip.clone(), t)))
            })
            .collect();
        if candidates.is_empty() {
            return Some(None);
        }
        let (pod_ip, target) = candidates[self.rng.below(candidates.len() as u64) as usize].clone();
        let pod = pod_ip.parse().ok().and_then(|ip| self.pod_at(ip));
        Some(pod.map(|(ns, name)| (ns, name, target)))
    }

    fn is_known_address(&self, ip: Ipv4Addr) -> bool {
        let text = ip.to_string();
        self.kubelets
            .nodes()
            .any(|n| n.workers().any(|(_, w)| w.ip == Some(ip)))
            || self
                .store
                .list(Kind::Service, None)
                .any(|o| match o.as_ref() {
                    Object::Service(s) => {
                        s.spec.as_ref().and_then(|sp| sp.cluster_ip.as_deref())
                            == Some(text.as_str())
                    }
                    _ => false,
                })
    }

    fn pod_at(&self, ip: Ipv4Addr) -> Option<(String, String)> {
        self.kubelets
            .nodes()
            .flat_map(|n| n.workers())
            .find(|(_, w)| w.ip == Some(ip) && !w.killing)
            .map(|(key, _)| key.clone())
    }

    fn pod_ip(&self, ns: &str, pod: &str) -> Option<Ipv4Addr> {
        self.kubelets.worker(ns, pod).and_then(|w| w.ip)
    }

    /// Hands a request to the container listening on `port` in a pod. None: nobody listens.
    #[allow(clippy::too_many_arguments)]
    fn deliver(
        &mut self,
        ns: &str,
        pod: &str,
        port: u16,
        method: &str,
        path: &str,
        client: &str,
        hops: usize,
    ) -> Option<Result<HttpResponse, NetError>> {
        let now = self.now;
        let (name, container) = self
            .kubelets
            .sim_runtime_of(ns, pod)?
            .containers(ns, pod)
            .find(|(_, c)| c.listening_ports().contains(&port))?;
        let name = name.clone();
        let (program, args) = container.server()?;
        if let Some((response, log)) = program.handle_http(now, method, path, &args, client) {
            if let Some(text) = log {
                self.append_log(ns, pod, &name, text);
            }
            return Some(Ok(response));
        }
        let env = container.env.clone();
        let Some(upstream) = program.upstream(&env) else {
            return Some(Ok(HttpResponse {
                status: 502,
                body: "502 Bad Gateway\n".into(),
            }));
        };
        if hops >= MAX_HOPS {
            return Some(Ok(HttpResponse {
                status: 508,
                body: "508 Loop Detected\n".into(),
            }));
        }
        let upstream_url = Url::parse(&format!("http://{upstream}{path}"));
        let answer = upstream_url.and_then(|url| self.request(ns, pod, method, &url, hops + 1));
        let response = answer.unwrap_or(HttpResponse { status: 502, body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n".into() });
        let line = crate::images::programs::access_log(
            now,
            client,
            method,
            path,
            response.status,
            response.body.len(),
        );
        self.append_log(ns, pod, &name, line);
        Some(Ok(response))
    }

    fn append_log(&mut self, ns: &str, pod: &str, container: &str, text: String) {
        let now = self.now;
        if let Some(c) = self
            .kubelets
            .sim_runtime_of_mut(ns, pod)
            .and_then(|r| r.container_mut(ns, pod, container))
        {
            c.logs.push(crate::kubelet::LogLine { at: now, text });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_default_ports() {
        assert_eq!(
            Url::parse("http://echo/").ok(),
            Some(Url {
                host: "echo".into(),
                port: 80,
                path: "/".into()
            })
        );
        assert_eq!(
            Url::parse("echo:8080/x").ok(),
            Some(Url {
                host: "echo".into(),
                port: 8080,
                path: "/x".into()
            })
        );
        assert!(matches!(Url::parse("ftp://x"), Err(NetError::BadUrl(_))));
    }
}

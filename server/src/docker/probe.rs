//! Probes against real containers, worded as the kubelet words their
//! failures: an HTTP GET from the host to the pod IP (the pods' bridge is
//! reachable from a Linux host), a TCP connect, or a `docker exec` whose exit
//! code decides.

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::time::Duration;

use bollard::exec::StartExecResults;
use bollard::models::ExecConfig;
use bollard::Docker;
use k8s_openapi::api::core::v1::{Container, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_stream::StreamExt;

/// What the kubelet sends as its User-Agent.
const USER_AGENT: &str = "kube-probe/1.33";

/// The most output an exec probe keeps, as the kubelet's 10 KiB limit.
const MAX_EXEC_OUTPUT: usize = 10 * 1024;

/// A probe, resolved against its container's ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeAction {
    /// `httpGet`.
    Http {
        /// `host`, or the pod IP when none.
        host: Option<String>,
        /// The port, named ports resolved.
        port: u16,
        /// The path, `/` by default.
        path: String,
        /// `httpHeaders`.
        headers: Vec<(String, String)>,
    },
    /// `tcpSocket`.
    Tcp {
        /// `host`, or the pod IP when none.
        host: Option<String>,
        /// The port, named ports resolved.
        port: u16,
    },
    /// `exec`.
    Exec {
        /// The command, run in the container.
        command: Vec<String>,
    },
    /// A probe this backend cannot run; it fails with these words.
    Unsupported(String),
}

/// A probe ready to run: what to do and how long it may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeTask {
    /// What to do.
    pub action: ProbeAction,
    /// `timeoutSeconds` (1 by default).
    pub timeout: Duration,
}

impl ProbeTask {
    /// Resolves a probe of `container` (for its named ports).
    pub fn resolve(probe: &Probe, container: Option<&Container>) -> Self {
        let timeout = Duration::from_secs(
            u64::try_from(probe.timeout_seconds.unwrap_or(1).max(1)).unwrap_or(1),
        );
        let port_of = |port: &IntOrString| match port {
            IntOrString::Int(n) => u16::try_from(*n).ok(),
            IntOrString::String(name) => container
                .and_then(|c| c.ports.as_ref())
                .into_iter()
                .flatten()
                .find(|p| p.name.as_deref() == Some(name.as_str()))
                .and_then(|p| u16::try_from(p.container_port).ok()),
        };
        let action = if let Some(http) = &probe.http_get {
            let scheme = http.scheme.as_deref().unwrap_or("HTTP");
            match port_of(&http.port) {
                _ if !scheme.eq_ignore_ascii_case("http") => ProbeAction::Unsupported(format!(
                    "the Docker backend does not run {scheme} probes yet"
                )),
                None => ProbeAction::Unsupported(format!("unknown port {}", port_text(&http.port))),
                Some(port) => ProbeAction::Http {
                    host: http.host.clone().filter(|h| !h.is_empty()),
                    port,
                    path: http.path.clone().unwrap_or_else(|| "/".into()),
                    headers: http
                        .http_headers
                        .iter()
                        .flatten()
                        .map(|h| (h.name.clone(), h.value.clone()))
                        .collect(),
                },
            }
        } else if let Some(tcp) = &probe.tcp_socket {
            match port_of(&tcp.port) {
                None => ProbeAction::Unsupported(format!("unknown port {}", port_text(&tcp.port))),
                Some(port) => ProbeAction::Tcp {
                    host: tcp.host.clone().filter(|h| !h.is_empty()),
                    port,
                },
            }
        } else if let Some(exec) = &probe.exec {
            ProbeAction::Exec {
                command: exec.command.clone().unwrap_or_default(),
            }
        } else {
            ProbeAction::Unsupported("the Docker backend does not run gRPC probes yet".into())
        };
        Self { action, timeout }
    }

    /// Runs the probe against a pod at `pod_ip` (exec probes in `container_id`).
    pub async fn run(
        &self,
        docker: &Docker,
        pod_ip: Ipv4Addr,
        container_id: Option<&str>,
    ) -> Result<(), String> {
        match &self.action {
            ProbeAction::Http {
                host,
                port,
                path,
                headers,
            } => {
                let host = host.clone().unwrap_or_else(|| pod_ip.to_string());
                http_get(&host, *port, path, headers, self.timeout).await
            }
            ProbeAction::Tcp { host, port } => {
                let host = host.clone().unwrap_or_else(|| pod_ip.to_string());
                let address = format!("{host}:{port}");
                match tokio::time::timeout(self.timeout, TcpStream::connect(&address)).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(err)) => {
                        Err(format!("dial tcp {address}: connect: {}", errno_text(&err)))
                    }
                    Err(_) => Err(format!("dial tcp {address}: i/o timeout")),
                }
            }
            ProbeAction::Exec { command } => {
                let Some(id) = container_id else {
                    return Err("container not running".into());
                };
                match tokio::time::timeout(self.timeout, exec(docker, id, command)).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(format!("command {:?} timed out", command.join(" "))),
                }
            }
            ProbeAction::Unsupported(why) => Err(why.clone()),
        }
    }
}

fn port_text(port: &IntOrString) -> String {
    match port {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(name) => format!("{name:?}"),
    }
}

/// An HTTP/1.1 GET as the kubelet's prober sends it; 200–399 is healthy.
async fn http_get(
    host: &str,
    port: u16,
    path: &str,
    headers: &[(String, String)],
    timeout: Duration,
) -> Result<(), String> {
    let url = format!("http://{host}:{port}{path}");
    let exchange = async {
        let address = format!("{host}:{port}");
        let mut stream = TcpStream::connect(&address)
            .await
            .map_err(|err| format!("dial tcp {address}: connect: {}", errno_text(&err)))?;
        let mut request = format!("GET {path} HTTP/1.1\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            let _ = write!(request, "Host: {address}\r\n");
        }
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        {
            let _ = write!(request, "User-Agent: {USER_AGENT}\r\n");
        }
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("accept"))
        {
            request.push_str("Accept: */*\r\n");
        }
        for (name, value) in headers {
            let _ = write!(request, "{name}: {value}\r\n");
        }
        request.push_str("Connection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|err| errno_text(&err))?;
        let mut head = Vec::new();
        let mut buf = [0_u8; 1024];
        while !head.windows(2).any(|w| w == b"\r\n") {
            let n = stream
                .read(&mut buf)
                .await
                .map_err(|err| errno_text(&err))?;
            if n == 0 {
                return Err("EOF".to_string());
            }
            head.extend_from_slice(&buf[..n]);
        }
        let line = String::from_utf8_lossy(&head);
        line.split(' ')
            .nth(1)
            .and_then(|code| code.trim().parse::<u16>().ok())
            .ok_or_else(|| "malformed HTTP response".to_string())
    };
    let status = match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(status)) => status,
        Ok(Err(why)) => return Err(format!("Get \"{url}\": {why}")),
        Err(_) => {
            return Err(format!(
                "Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            ))
        }
    };
    if (200..400).contains(&status) {
        Ok(())
    } else {
        Err(format!("HTTP probe failed with statuscode: {status}"))
    }
}

/// `docker exec`: Ok on exit code 0, else Err with the command's output.
async fn exec(docker: &Docker, id: &str, command: &[String]) -> Result<(), String> {
    let created = docker
        .create_exec(
            id,
            ExecConfig {
                cmd: Some(command.to_vec()),
                attach_stdout: Some(true),
                attach_stderr: Some(true),
                ..ExecConfig::default()
            },
        )
        .await
        .map_err(|err| super::docker_reason(&err))?;
    let mut output = Vec::new();
    if let StartExecResults::Attached {
        output: mut stream, ..
    } = docker
        .start_exec(&created.id, None)
        .await
        .map_err(|err| super::docker_reason(&err))?
    {
        while let Some(Ok(chunk)) = stream.next().await {
            if output.len() < MAX_EXEC_OUTPUT {
                output.extend_from_slice(&chunk.into_bytes());
            }
        }
    }
    output.truncate(MAX_EXEC_OUTPUT);
    let inspected = docker
        .inspect_exec(&created.id)
        .await
        .map_err(|err| super::docker_reason(&err))?;
    match inspected.exit_code {
        Some(0) => Ok(()),
        _ => Err(String::from_utf8_lossy(&output).into_owned()),
    }
}

/// An I/O error as Go's syscall errors print (`connection refused`, `no route to host`).
pub fn errno_text(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::ConnectionRefused => "connection refused".into(),
        ErrorKind::ConnectionReset => "connection reset by peer".into(),
        ErrorKind::HostUnreachable => "no route to host".into(),
        ErrorKind::NetworkUnreachable => "network is unreachable".into(),
        ErrorKind::TimedOut => "connection timed out".into(),
        _ => {
            let text = err.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ContainerPort, HTTPGetAction, TCPSocketAction};

    /// A client that is never used: network probes need no engine.
    fn unused_engine() -> Docker {
        Docker::connect_with_http("http://127.0.0.1:9", 1, bollard::API_DEFAULT_VERSION)
            .expect("a client connects only when used")
    }

    #[test]
    fn named_ports_resolve_against_the_container() {
        let container = Container {
            ports: Some(vec![ContainerPort {
                name: Some("http".into()),
                container_port: 8080,
                ..Default::default()
            }]),
            ..Default::default()
        };
        let probe = Probe {
            http_get: Some(HTTPGetAction {
                port: IntOrString::String("http".into()),
                path: Some("/healthz".into()),
                ..Default::default()
            }),
            timeout_seconds: Some(3),
            ..Default::default()
        };
        let task = ProbeTask::resolve(&probe, Some(&container));
        assert_eq!(task.timeout, Duration::from_secs(3));
        assert_eq!(
            task.action,
            ProbeAction::Http {
                host: None,
                port: 8080,
                path: "/healthz".into(),
                headers: vec![],
            }
        );
    }

    #[tokio::test]
    async fn failures_are_worded_as_the_kubelet_words_them() {
        // A port on loopback that nothing listens on.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("address").port()
        };
        let docker = unused_engine();
        let http = ProbeTask::resolve(
            &Probe {
                http_get: Some(HTTPGetAction {
                    port: IntOrString::Int(i32::from(port)),
                    ..Default::default()
                }),
                ..Default::default()
            },
            None,
        );
        assert_eq!(
            http.run(&docker, Ipv4Addr::LOCALHOST, None).await,
            Err(format!(
                "Get \"http://127.0.0.1:{port}/\": dial tcp 127.0.0.1:{port}: connect: connection refused"
            ))
        );
        let tcp = ProbeTask::resolve(
            &Probe {
                tcp_socket: Some(TCPSocketAction {
                    port: IntOrString::Int(i32::from(port)),
                    ..Default::default()
                }),
                ..Default::default()
            },
            None,
        );
        assert_eq!(
            tcp.run(&docker, Ipv4Addr::LOCALHOST, None).await,
            Err(format!(
                "dial tcp 127.0.0.1:{port}: connect: connection refused"
            ))
        );
    }

    #[tokio::test]
    async fn an_http_status_of_400_or_more_fails() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        tokio::spawn(async move {
            if let Ok((mut stream, _)) = listener.accept().await {
                let mut buf = [0_u8; 1024];
                let _ = stream.read(&mut buf).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n")
                    .await;
            }
        });
        let docker = unused_engine();
        let task = ProbeTask::resolve(
            &Probe {
                http_get: Some(HTTPGetAction {
                    port: IntOrString::Int(i32::from(port)),
                    ..Default::default()
                }),
                ..Default::default()
            },
            None,
        );
        assert_eq!(
            task.run(&docker, Ipv4Addr::LOCALHOST, None).await,
            Err("HTTP probe failed with statuscode: 500".into())
        );
    }
}

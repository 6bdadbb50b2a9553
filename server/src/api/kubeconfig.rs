//! The kubeconfig that points kubectl at `sunaba serve`: one cluster, user
//! and context named `sunaba`, plain HTTP on loopback, namespace `default`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The name of the kubeconfig's cluster, user and context.
pub const CONTEXT: &str = "sunaba";

/// The URL kubectl should use for a server listening on `addr`: a wildcard
/// address (`0.0.0.0`, `::`) is reached through loopback.
pub fn server_url(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        }
    } else {
        addr.ip()
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// The kubeconfig text for a server listening on `addr`.
pub fn kubeconfig(addr: SocketAddr) -> String {
    let server = server_url(addr);
    format!(
        "apiVersion: v1
kind: Config
clusters:
- cluster:
    server: {server}
  name: {CONTEXT}
contexts:
- context:
    cluster: {CONTEXT}
    namespace: default
    user: {CONTEXT}
  name: {CONTEXT}
current-context: {CONTEXT}
preferences: {{}}
users:
- name: {CONTEXT}
  user: {{}}
"
    )
}

/// Writes the kubeconfig for `addr` to `path`, creating its directory.
pub fn write(path: &std::path::Path, addr: SocketAddr) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, kubeconfig(addr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubeconfig_points_at_the_address() {
        let text = kubeconfig("127.0.0.1:8080".parse().expect("an address"));
        assert!(
            text.contains("    server: http://127.0.0.1:8080\n"),
            "{text}"
        );
        assert!(text.contains("current-context: sunaba\n"), "{text}");
    }

    #[test]
    fn wildcard_addresses_are_reached_through_loopback() {
        let url = server_url("0.0.0.0:9000".parse().expect("an address"));
        assert_eq!(url, "http://127.0.0.1:9000");
        let url = server_url("[::]:9000".parse().expect("an address"));
        assert_eq!(url, "http://[::1]:9000");
    }
}

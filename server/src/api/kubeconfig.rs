//! The kubeconfig that points kubectl at `sunaba serve`: one cluster, user
//! and context named `sunaba`, HTTPS on loopback trusting the server's
//! throw-away CA ([`crate::tls`]: kubectl sends credentials only over TLS),
//! namespace `default`, and the server's bearer token, so it is written
//! readable by its owner only.

use std::fs::{self, OpenOptions, Permissions};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;

use super::token::Token;

/// The name of the kubeconfig's cluster, user and context.
pub const CONTEXT: &str = "sunaba";

/// Where a client on this machine reaches a server listening on `addr`: a
/// wildcard address (`0.0.0.0`, `::`) is reached through loopback.
pub fn reachable(addr: SocketAddr) -> SocketAddr {
    let ip = if addr.ip().is_unspecified() {
        match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        }
    } else {
        addr.ip()
    };
    SocketAddr::new(ip, addr.port())
}

/// The URL kubectl should use for a server listening on `addr`.
pub fn server_url(addr: SocketAddr) -> String {
    format!("https://{}", reachable(addr))
}

/// The kubeconfig text for a server listening on `addr` that demands
/// `token`, whose certificate the CA `ca_pem` signed.
pub fn kubeconfig(addr: SocketAddr, token: &Token, ca_pem: &str) -> String {
    let server = server_url(addr);
    let token = token.as_str();
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    format!(
        "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: {ca}
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
  user:
    token: \"{token}\"
"
    )
}

/// Writes a kubeconfig's `text` to `path`, creating its directory, readable
/// by its owner only (mode 0600): into a temporary file beside it created
/// so, then renamed over it, so a reader sees the whole file or none and an
/// older file's wider mode never applies.
pub fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let temp = temporary_beside(path);
    let _ = fs::remove_file(&temp);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)?;
    // The umask may narrow 0600 further: make it exactly 0600.
    file.set_permissions(Permissions::from_mode(0o600))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    fs::rename(&temp, path)
}

/// `DIR/.NAME.tmp` for `DIR/NAME`.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "kubeconfig".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> Token {
        Token::new("s3cret").expect("a safe token")
    }

    const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    #[test]
    fn the_kubeconfig_points_at_the_address_with_the_token() {
        let text = kubeconfig("127.0.0.1:8080".parse().expect("an address"), &token(), CA);
        assert!(
            text.contains("    server: https://127.0.0.1:8080\n"),
            "{text}"
        );
        let ca = base64::engine::general_purpose::STANDARD.encode(CA);
        assert!(
            text.contains(&format!("    certificate-authority-data: {ca}\n")),
            "{text}"
        );
        assert!(text.contains("current-context: sunaba\n"), "{text}");
        assert!(text.ends_with("  user:\n    token: \"s3cret\"\n"), "{text}");
    }

    #[test]
    fn a_written_kubeconfig_is_for_its_owner_only() {
        let dir = std::env::temp_dir().join(format!("sunaba-kubeconfig-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let path = dir.join("kube").join("config");
        fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
        fs::write(&path, "old").expect("an older, world-readable file");
        fs::set_permissions(&path, Permissions::from_mode(0o644)).expect("chmod");
        let text = kubeconfig("127.0.0.1:8080".parse().expect("an address"), &token(), CA);
        write(&path, &text).expect("written");
        let mode = fs::metadata(&path).expect("there").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(fs::read_to_string(&path).expect("readable"), text);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn wildcard_addresses_are_reached_through_loopback() {
        let url = server_url("0.0.0.0:9000".parse().expect("an address"));
        assert_eq!(url, "https://127.0.0.1:9000");
        let url = server_url("[::]:9000".parse().expect("an address"));
        assert_eq!(url, "https://[::1]:9000");
    }
}

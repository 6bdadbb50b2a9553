//! The guard in front of every route, so `sunaba serve` is safe to run on a
//! laptop. In order, a request is refused:
//!
//! 1. with 403 `Forbidden` when its `Host` is not one of the server's own
//!    names, or it carries a foreign `Origin` ([`OwnHosts`]): this stops DNS
//!    rebinding and keeps other web pages from driving the server;
//! 2. with 401 `Unauthorized` when it asks for anything but a public path
//!    ([`is_public`]) without `Authorization: Bearer <token>` ([`Token`]),
//!    or, on a WebSocket upgrade (browsers cannot set headers there), the
//!    subprotocol `base64url.bearer.authorization.k8s.io.<base64url(token)>`
//!    as Kubernetes reads it ([`websocket_token`]);
//! 3. with 413 `RequestEntityTooLarge` when its `Content-Length` is over
//!    [`MAX_BODY_BYTES`] (a body sent without one is cut at the same limit
//!    when a handler reads it).
//!
//! Every refusal is a Kubernetes `Status`, so kubectl words it as against a
//! real API server (`error: You must be logged in to the server (Unauthorized)`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::request::MAX_BODY_BYTES;
use super::status::ApiError;
use super::token::Token;
use crate::assets;
use sunaba_core::remote::BEARER_PROTOCOL_PREFIX;

/// The health endpoints, served without the token as a real cluster serves
/// them to anonymous users: they say only `ok`, and kubeadm-style probes
/// and scripts waiting for the server need no credentials.
pub const HEALTH_PATHS: [&str; 3] = ["/healthz", "/livez", "/readyz"];

/// What the guard checks requests against.
#[derive(Clone, Debug)]
pub struct Guard {
    /// The token the API demands.
    pub token: Token,
    /// The names the server answers to.
    pub hosts: OwnHosts,
}

/// The middleware: refuses what [`Guard`] does not let through, else runs the route.
pub async fn check(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    match guard.refusal(&request) {
        Some(error) => error.into_response(),
        None => next.run(request).await,
    }
}

impl Guard {
    /// Why the guard refuses `request`, or `None` to let it through.
    fn refusal<B>(&self, request: &axum::http::Request<B>) -> Option<ApiError> {
        let headers = request.headers();
        let host = host_of(request);
        if !host.is_some_and(|h| self.hosts.allows_host(h)) {
            return Some(ApiError::forbidden(&format!(
                "the Host {:?} is not this server's",
                host.unwrap_or("")
            )));
        }
        if let Some(origin) = header_text(headers, header::ORIGIN) {
            if !self.hosts.allows_origin(origin) {
                return Some(ApiError::forbidden(&format!(
                    "the Origin {origin:?} is not this server's"
                )));
            }
        }
        if !is_public(request.uri().path()) && !self.carries_token(headers) {
            return Some(ApiError::unauthorized());
        }
        declared_length(headers)
            .filter(|&length| length > MAX_BODY_BYTES as u64)
            .map(|_| ApiError::too_large(MAX_BODY_BYTES))
    }

    /// Whether `Authorization: Bearer <token>`, or a WebSocket upgrade's
    /// bearer subprotocol, names this server's token.
    fn carries_token(&self, headers: &HeaderMap) -> bool {
        let in_header = header_text(headers, header::AUTHORIZATION)
            .and_then(bearer_token)
            .is_some_and(|candidate| self.token.matches(candidate));
        in_header
            || websocket_token(headers).is_some_and(|candidate| self.token.matches(&candidate))
    }
}

/// The token a WebSocket upgrade carries as the subprotocol
/// `base64url.bearer.authorization.k8s.io.<token in unpadded base64url>`,
/// as the Kubernetes API server reads it for browsers; None on a request
/// that is not a WebSocket upgrade, or without such a subprotocol.
pub fn websocket_token(headers: &HeaderMap) -> Option<String> {
    use base64::Engine;
    let upgrade = header_text(headers, header::UPGRADE)?;
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return None;
    }
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|protocol| protocol.trim().strip_prefix(BEARER_PROTOCOL_PREFIX))
        .and_then(|encoded| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(encoded)
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

/// Whether anyone may ask for `path` without the token: the health
/// endpoints ([`HEALTH_PATHS`]), the web bundle's page `/` and its files
/// (which hold no data). Anything else, even a path nothing serves, needs it.
pub fn is_public(path: &str) -> bool {
    if path == "/" || HEALTH_PATHS.contains(&path) {
        return true;
    }
    path.strip_prefix('/')
        .is_some_and(|file| !file.contains('/') && assets::find(file).is_some())
}

/// The names a server listening on one address answers to, as `Host` or
/// in an `Origin`: `localhost` or an IP literal, with the server's port
/// (a name without a port means port 80). Bound to loopback, the IP must be
/// a loopback one (`127.0.0.1`, `[::1]`); bound elsewhere (`--addr
/// 0.0.0.0:…`), any IP literal will do. Other names (`evil.example`,
/// `my-laptop.local`) are refused: a DNS name is what a rebinding attack
/// controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnHosts {
    bind: SocketAddr,
}

impl OwnHosts {
    /// The names of a server listening on `bind` (its real port, once bound).
    pub fn new(bind: SocketAddr) -> Self {
        Self { bind }
    }

    /// Whether a `Host` header (`host[:port]`) names this server.
    pub fn allows_host(&self, host: &str) -> bool {
        let Some((name, port)) = split_authority(host) else {
            return false;
        };
        port.unwrap_or(80) == self.bind.port() && self.allows_name(name)
    }

    /// Whether an `Origin` header is one of this server's hosts, over
    /// `http://` or `https://` (the same port answers both; clients such
    /// as the Python client's WebSocket send their URL's origin).
    pub fn allows_origin(&self, origin: &str) -> bool {
        if let Some(host) = origin.strip_prefix("http://") {
            return self.allows_host(host);
        }
        origin.strip_prefix("https://").is_some_and(|host| {
            let has_port = host
                .rsplit_once(':')
                .is_some_and(|(_, port)| !port.contains(']'));
            if has_port {
                self.allows_host(host)
            } else {
                self.allows_host(&format!("{host}:443"))
            }
        })
    }

    fn allows_name(&self, name: HostName) -> bool {
        match name {
            HostName::Localhost => true,
            HostName::Ip(ip) => !self.bind.ip().is_loopback() || ip.is_loopback(),
        }
    }
}

/// A host as the guard accepts one: `localhost` or an IP literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostName {
    Localhost,
    Ip(IpAddr),
}

/// Splits `name[:port]` or `[v6][:port]`; `None` for anything else (a DNS
/// name, a malformed port, user info, a path).
fn split_authority(authority: &str) -> Option<(HostName, Option<u16>)> {
    let (name, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (ip, after) = rest.split_once(']')?;
            let ip: Ipv6Addr = ip.parse().ok()?;
            (HostName::Ip(IpAddr::V6(ip)), after)
        }
        None => {
            let (name, after) = match authority.find(':') {
                Some(colon) => authority.split_at(colon),
                None => (authority, ""),
            };
            (host_name(name)?, after)
        }
    };
    let port = match port {
        "" => None,
        port => Some(parse_port(port.strip_prefix(':')?)?),
    };
    Some((name, port))
}

/// `localhost` (in any case) or an IPv4 literal.
fn host_name(name: &str) -> Option<HostName> {
    if name.eq_ignore_ascii_case("localhost") {
        return Some(HostName::Localhost);
    }
    name.parse::<Ipv4Addr>()
        .ok()
        .map(|ip| HostName::Ip(IpAddr::V4(ip)))
}

/// A port: decimal digits only.
fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The request's host: its `Host` header, else (HTTP/2) the URI's authority.
fn host_of<B>(request: &axum::http::Request<B>) -> Option<&str> {
    header_text(request.headers(), header::HOST)
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
}

/// A header's value as text, when present and visible ASCII.
fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// The token of `Bearer <token>` (the scheme in any case).
fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim_start_matches(' '))
}

/// The `Content-Length` a request declares, when it declares one.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    header_text(headers, header::CONTENT_LENGTH).and_then(|text| text.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    const LOOPBACK: &str = "127.0.0.1:8080";
    const EVERYWHERE: &str = "0.0.0.0:8080";

    fn hosts(bind: &str) -> OwnHosts {
        OwnHosts::new(bind.parse().expect("an address"))
    }

    fn guard(bind: &str) -> Guard {
        Guard {
            token: Token::new("s3cret").expect("a safe token"),
            hosts: hosts(bind),
        }
    }

    fn request(path: &str, headers: &[(&str, &str)]) -> Request<()> {
        let mut builder = Request::builder().uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).expect("a request")
    }

    fn refusal_code(guard: &Guard, request: &Request<()>) -> Option<u16> {
        guard.refusal(request).map(|error| error.code())
    }

    #[test]
    fn a_loopback_server_answers_to_its_loopback_names_and_port() {
        let own = hosts(LOOPBACK);
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LocalHost:8080",
            "[::1]:8080",
        ] {
            assert!(own.allows_host(host), "{host}");
        }
        for host in [
            "evil.example:8080",
            "127.0.0.1.nip.io:8080",
            "localhost.:8080",
            "192.168.1.10:8080",
            "0.0.0.0:8080",
            "[::ffff:127.0.0.1]:8080",
            "127.0.0.1:8081",
            "localhost:",
            "localhost:+8080",
            "127.0.0.1",
            "localhost",
            "user@127.0.0.1:8080",
            "127.0.0.1:8080/path",
            "",
        ] {
            assert!(!own.allows_host(host), "{host}");
        }
    }

    #[test]
    fn a_host_without_a_port_means_port_80() {
        let own = hosts("127.0.0.1:80");
        assert!(own.allows_host("localhost"));
        assert!(own.allows_host("127.0.0.1"));
        assert!(own.allows_host("[::1]"));
        assert!(own.allows_origin("http://localhost"));
    }

    #[test]
    fn a_server_bound_everywhere_answers_to_any_ip_literal_and_localhost() {
        let own = hosts(EVERYWHERE);
        for host in [
            "192.168.1.10:8080",
            "10.0.0.2:8080",
            "127.0.0.1:8080",
            "localhost:8080",
            "[fe80::1]:8080",
        ] {
            assert!(own.allows_host(host), "{host}");
        }
        for host in ["my-laptop.local:8080", "evil.example:8080", "10.0.0.2:9090"] {
            assert!(!own.allows_host(host), "{host}");
        }
    }

    #[test]
    fn an_origin_must_be_an_own_host_over_http_or_https() {
        let own = hosts(LOOPBACK);
        assert!(own.allows_origin("http://127.0.0.1:8080"));
        assert!(own.allows_origin("http://localhost:8080"));
        assert!(own.allows_origin("https://127.0.0.1:8080"));
        for origin in [
            "http://evil.example",
            "http://evil.example:8080",
            "https://evil.example:8080",
            "https://localhost",
            "ftp://localhost:8080",
            "http://localhost:8080/",
            "http://localhost:9999",
            "null",
            "",
        ] {
            assert!(!own.allows_origin(origin), "{origin}");
        }
    }

    #[test]
    fn the_api_needs_the_token_and_health_and_the_page_do_not() {
        let guard = guard(LOOPBACK);
        let host = ("host", LOOPBACK);
        for path in ["/api/v1/pods", "/version", "/openapi/v3", "/nothing/here"] {
            assert_eq!(refusal_code(&guard, &request(path, &[host])), Some(401));
            let wrong = ("authorization", "Bearer s3cres");
            assert_eq!(
                refusal_code(&guard, &request(path, &[host, wrong])),
                Some(401)
            );
            let right = ("authorization", "Bearer s3cret");
            assert_eq!(refusal_code(&guard, &request(path, &[host, right])), None);
            let lower = ("authorization", "bearer s3cret");
            assert_eq!(refusal_code(&guard, &request(path, &[host, lower])), None);
            let basic = ("authorization", "Basic s3cret");
            assert_eq!(
                refusal_code(&guard, &request(path, &[host, basic])),
                Some(401)
            );
        }
        for path in ["/", "/healthz", "/livez", "/readyz"] {
            assert_eq!(
                refusal_code(&guard, &request(path, &[host])),
                None,
                "{path}"
            );
        }
    }

    #[test]
    fn a_websocket_may_carry_the_token_as_a_bearer_subprotocol() {
        let guard = guard(LOOPBACK);
        let host = ("host", LOOPBACK);
        let upgrade = ("upgrade", "websocket");
        // base64url("s3cret") = "czNjcmV0"; of "s3cres": "czNjcmVz".
        let right = (
            "sec-websocket-protocol",
            "terminal.sunaba.v1, base64url.bearer.authorization.k8s.io.czNjcmV0",
        );
        let wrong = (
            "sec-websocket-protocol",
            "base64url.bearer.authorization.k8s.io.czNjcmVz",
        );
        let damaged = (
            "sec-websocket-protocol",
            "base64url.bearer.authorization.k8s.io.!!",
        );
        let path = "/sunaba/v1/terminal";
        assert_eq!(
            refusal_code(&guard, &request(path, &[host, upgrade, right])),
            None
        );
        for refused in [
            request(path, &[host, upgrade, wrong]),
            request(path, &[host, upgrade, damaged]),
            request(path, &[host, upgrade]),
            // Only a WebSocket upgrade reads the token from a subprotocol.
            request(path, &[host, right]),
        ] {
            assert_eq!(refusal_code(&guard, &refused), Some(401));
        }
        let foreign = request(
            path,
            &[host, upgrade, right, ("origin", "http://evil.example")],
        );
        assert_eq!(refusal_code(&guard, &foreign), Some(403));
        let elsewhere = request(path, &[("host", "evil.example:8080"), upgrade, right]);
        assert_eq!(refusal_code(&guard, &elsewhere), Some(403));
    }

    #[test]
    fn a_foreign_host_or_origin_is_forbidden_even_with_the_token() {
        let guard = guard(LOOPBACK);
        let token = ("authorization", "Bearer s3cret");
        let foreign_host = request("/api", &[("host", "evil.example:8080"), token]);
        assert_eq!(refusal_code(&guard, &foreign_host), Some(403));
        let no_host = request("/", &[]);
        assert_eq!(refusal_code(&guard, &no_host), Some(403));
        let foreign_origin = request(
            "/api",
            &[("host", LOOPBACK), ("origin", "http://evil.example"), token],
        );
        assert_eq!(refusal_code(&guard, &foreign_origin), Some(403));
        let own_origin = request(
            "/api",
            &[
                ("host", LOOPBACK),
                ("origin", "http://localhost:8080"),
                token,
            ],
        );
        assert_eq!(refusal_code(&guard, &own_origin), None);
    }

    #[test]
    fn a_declared_body_over_the_limit_is_too_large() {
        let guard = guard(LOOPBACK);
        let token = ("authorization", "Bearer s3cret");
        let over = (MAX_BODY_BYTES + 1).to_string();
        let request_over = request(
            "/api/v1/namespaces",
            &[("host", LOOPBACK), token, ("content-length", &over)],
        );
        assert_eq!(refusal_code(&guard, &request_over), Some(413));
        let at = MAX_BODY_BYTES.to_string();
        let request_at = request(
            "/api/v1/namespaces",
            &[("host", LOOPBACK), token, ("content-length", &at)],
        );
        assert_eq!(refusal_code(&guard, &request_at), None);
    }
}

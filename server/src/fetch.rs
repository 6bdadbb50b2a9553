//! Fetching the URLs that `kubectl apply -f https://…` names, for the
//! terminals the server runs (`sunaba shell`, and the browser's server
//! mode): an HTTP/1.1 GET over TCP, through rustls with the system's
//! certificate roots for `https` (`SSL_CERT_FILE` included, as Go honours
//! it), following up to 10 redirects as Go's client does, with kubectl's
//! attempts and pauses from [`sunaba_core::kubectl::url`].

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sunaba_core::kubectl::url::{self, FetchError, Fetched};

/// How long a connection or a read may stall.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Redirects followed before giving up, as Go's client does.
const MAX_REDIRECTS: usize = 10;
/// The largest answer read: far above any manifest.
const MAX_ANSWER_BYTES: u64 = 64 << 20;

/// Fetches each URL, with kubectl's attempts.
pub fn fetch_all(urls: &[String]) -> Vec<(String, Fetched)> {
    urls.iter()
        .map(|u| (u.clone(), fetch_with_retries(u)))
        .collect()
}

/// Fetches a URL, trying again a second later after a transport error or
/// a 5xx answer, up to kubectl's three attempts.
pub fn fetch_with_retries(url: &str) -> Fetched {
    let mut fetched = fetch(url);
    for _ in 1..url::ATTEMPTS {
        if !url::retries(&fetched) {
            break;
        }
        std::thread::sleep(Duration::from_millis(url::RETRY_DELAY_MS));
        fetched = fetch(url);
    }
    fetched
}

/// One attempt at a URL, following redirects.
pub fn fetch(url: &str) -> Fetched {
    let mut current = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        match get(&current)? {
            Answer::Body(body) => return Ok(body),
            Answer::Redirect(location) => current = resolve(&current, &location),
        }
    }
    Err(FetchError::Transport(format!(
        "Get \"{current}\": stopped after {MAX_REDIRECTS} redirects"
    )))
}

/// What one GET gave.
enum Answer {
    Body(String),
    Redirect(String),
}

/// A URL's parts, as the request needs them.
struct Target {
    tls: bool,
    host: String,
    port: u16,
    /// `host` or `host:port`, as the URL wrote it (the `Host` header).
    authority: String,
    path: String,
}

fn parse(url: &str) -> Result<Target, FetchError> {
    let bad = || FetchError::Transport(format!("parse \"{url}\": invalid URL"));
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let tls = match scheme {
        "https" => true,
        "http" => false,
        _ => return Err(bad()),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..end]
        .rsplit_once('@')
        .map_or(&rest[..end], |(_, a)| a);
    let path = rest[end..].split('#').next().unwrap_or("");
    let path = match path {
        "" => "/".to_string(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_string(),
    };
    let (host, port) = split_host_port(authority).ok_or_else(bad)?;
    Ok(Target {
        tls,
        port: port.unwrap_or(if tls { 443 } else { 80 }),
        host,
        authority: authority.to_string(),
        path,
    })
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(authority: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse().ok()?),
        None => None,
    };
    Some((host.to_string(), port))
}

/// A `Location` against the URL that answered with it.
fn resolve(base: &str, location: &str) -> String {
    if url::is_url(location) {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    if let Some(path) = location.strip_prefix("//") {
        return format!("{scheme}://{path}");
    }
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    let path = &rest[authority.len()..];
    let dir = path.split(['?', '#']).next().unwrap_or("");
    let dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{scheme}://{authority}{dir}/{location}")
}

/// One GET, on a fresh connection closed after the answer.
fn get(url: &str) -> Result<Answer, FetchError> {
    let target = parse(url)?;
    let stream = connect(&target)?;
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: Go-http-client/1.1\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        target.path, target.authority
    );
    let raw = if target.tls {
        let mut stream = tls_stream(&target, stream)?;
        exchange(&mut stream, &request)?
    } else {
        let mut stream = stream;
        exchange(&mut stream, &request)?
    };
    read_answer(&raw)
}

fn connect(target: &Target) -> Result<TcpStream, FetchError> {
    let addresses: Vec<_> = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|_| {
            FetchError::Transport(format!("dial tcp: lookup {}: no such host", target.host))
        })?
        .collect();
    let mut refused = false;
    let mut last = None;
    for address in &addresses {
        match TcpStream::connect_timeout(address, TIMEOUT) {
            Ok(stream) => {
                let _ = stream.set_read_timeout(Some(TIMEOUT));
                let _ = stream.set_write_timeout(Some(TIMEOUT));
                return Ok(stream);
            }
            Err(err) => {
                refused |= err.kind() == std::io::ErrorKind::ConnectionRefused;
                last = Some(format!("dial tcp {address}: {}", go_error_text(&err)));
            }
        }
    }
    if refused {
        return Err(FetchError::Refused);
    }
    Err(FetchError::Transport(last.unwrap_or_else(|| {
        format!("dial tcp: lookup {}: no such host", target.host)
    })))
}

/// An I/O error as Go's `net` package words the common ones.
fn go_error_text(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "i/o timeout".into(),
        std::io::ErrorKind::ConnectionReset => "connection reset by peer".into(),
        std::io::ErrorKind::NetworkUnreachable => "connect: network is unreachable".into(),
        std::io::ErrorKind::HostUnreachable => "connect: no route to host".into(),
        _ => err.to_string(),
    }
}

/// The client's TLS settings: the system's roots, read once.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, FetchError> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|builder| {
                    Arc::new(builder.with_root_certificates(roots).with_no_client_auth())
                })
                .map_err(|err| format!("tls: {err}"))
        })
        .clone()
        .map_err(FetchError::Transport)
}

fn tls_stream(
    target: &Target,
    stream: TcpStream,
) -> Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>, FetchError> {
    let name = rustls::pki_types::ServerName::try_from(target.host.clone()).map_err(|_| {
        FetchError::Transport(format!("tls: invalid server name {:?}", target.host))
    })?;
    let connection = rustls::ClientConnection::new(tls_config()?, name)
        .map_err(|err| FetchError::Transport(format!("tls: {err}")))?;
    Ok(rustls::StreamOwned::new(connection, stream))
}

/// Sends the request and reads the whole answer (the server closes after it).
fn exchange(stream: &mut impl ReadWrite, request: &str) -> Result<Vec<u8>, FetchError> {
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.flush())
        .map_err(transport)?;
    let mut raw = Vec::new();
    let read = stream.take(MAX_ANSWER_BYTES + 1).read_to_end(&mut raw);
    match read {
        Ok(_) => {}
        // Servers often close TLS without close_notify once all is sent.
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => {}
        Err(err) => return Err(transport(err)),
    }
    if raw.len() as u64 > MAX_ANSWER_BYTES {
        return Err(FetchError::Transport(format!(
            "the answer is larger than {} MiB",
            MAX_ANSWER_BYTES >> 20
        )));
    }
    Ok(raw)
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// A failed read or write, with rustls' certificate errors as Go words them.
fn transport(err: std::io::Error) -> FetchError {
    let tls = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let text = match tls {
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)) => {
            "tls: failed to verify certificate: x509: certificate signed by unknown authority"
                .to_string()
        }
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::Expired)) => {
            "tls: failed to verify certificate: x509: certificate has expired or is not yet valid"
                .to_string()
        }
        Some(rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName)) => {
            "tls: failed to verify certificate: x509: certificate is not valid for this name"
                .to_string()
        }
        Some(other) => format!("tls: {other}"),
        None => go_error_text(&err),
    };
    FetchError::Transport(text)
}

/// Splits an HTTP/1.1 answer into its status and body (chunked or not).
fn read_answer(raw: &[u8]) -> Result<Answer, FetchError> {
    let malformed = || FetchError::Transport("malformed HTTP response".into());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(malformed)?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(malformed)?;
    let mut parts = status_line.splitn(3, ' ');
    let _version = parts.next();
    let code: u16 = parts
        .next()
        .and_then(|c| c.parse().ok())
        .ok_or_else(malformed)?;
    let reason = parts.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let header = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if matches!(code, 301 | 302 | 303 | 307 | 308) {
        if let Some(location) = header("location") {
            return Ok(Answer::Redirect(location.clone()));
        }
    }
    if code != 200 {
        return Err(FetchError::Status { code, reason });
    }
    let chunked = header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(body).ok_or_else(malformed)?
    } else {
        match header("content-length").and_then(|v| v.parse::<usize>().ok()) {
            Some(length) => body.get(..length).ok_or_else(malformed)?.to_vec(),
            None => body.to_vec(),
        }
    };
    Ok(Answer::Body(String::from_utf8_lossy(&body).into_owned()))
}

/// A chunked body's data, or None when it is cut short.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(data);
        }
        data.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(answer: Result<Answer, FetchError>) -> Result<String, FetchError> {
        match answer? {
            Answer::Body(body) => Ok(body),
            Answer::Redirect(location) => Ok(format!("redirect to {location}")),
        }
    }

    #[test]
    fn answers_are_read_plain_chunked_and_by_length() {
        let plain = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nkind: Pod\n";
        assert_eq!(body(read_answer(plain)), Ok("kind: Pod\n".into()));
        let chunked =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nkind\r\n6;x=y\r\n: Pod\n\r\n0\r\n\r\n";
        assert_eq!(body(read_answer(chunked)), Ok("kind: Pod\n".into()));
        let sized = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nkindEXTRA";
        assert_eq!(body(read_answer(sized)), Ok("kind".into()));
        let cut = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nshort";
        assert!(read_answer(cut).is_err());
    }

    #[test]
    fn statuses_and_redirects() {
        let missing = b"HTTP/1.0 404 File not found\r\nServer: x\r\n\r\n<html>";
        assert_eq!(
            body(read_answer(missing)),
            Err(FetchError::Status {
                code: 404,
                reason: "File not found".into()
            })
        );
        let moved = b"HTTP/1.1 301 Moved Permanently\r\nLocation: /new.yaml\r\n\r\n";
        assert_eq!(body(read_answer(moved)), Ok("redirect to /new.yaml".into()));
        assert!(read_answer(b"garbage").is_err());
    }

    #[test]
    fn urls_split_into_what_the_request_needs() {
        let t = parse("https://example.com/a/b.yaml?x=1#top").expect("parses");
        assert_eq!(
            (
                t.tls,
                t.host.as_str(),
                t.port,
                t.authority.as_str(),
                t.path.as_str()
            ),
            (true, "example.com", 443, "example.com", "/a/b.yaml?x=1")
        );
        let t = parse("http://[::1]:8080").expect("parses");
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("::1", 8080, "/")
        );
        assert!(parse("http://:80/x").is_err());
        assert!(parse("http://h:port/x").is_err());
    }

    #[test]
    fn redirect_locations_resolve_against_the_url() {
        let base = "https://example.com/dir/a.yaml?x";
        assert_eq!(resolve(base, "/b.yaml"), "https://example.com/b.yaml");
        assert_eq!(resolve(base, "b.yaml"), "https://example.com/dir/b.yaml");
        assert_eq!(resolve(base, "//cdn.example/c"), "https://cdn.example/c");
        assert_eq!(resolve(base, "http://other/d"), "http://other/d");
    }
}

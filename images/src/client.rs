//! A small HTTP client, for curl and the proxy: parse `http://host:port/path`,
//! resolve the host, connect, send one request and read the answer.
//!
//! Names resolve through the C library (`/etc/hosts`, then the nameservers of
//! `/etc/resolv.conf`); statically linked glibc does both without NSS modules.

use std::{
    io::{self, BufReader, Write},
    net::{SocketAddr, TcpStream, ToSocketAddrs},
    time::Duration,
};

use crate::http::{self, Headers, ReadError, Received};

/// A parsed `http://host[:port]/path`; without a scheme, http is meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The host, a name or an IPv4 address.
    pub host: String,
    /// The port, 80 unless written.
    pub port: u16,
    /// The path with its query, at least `/`.
    pub path: String,
}

impl Url {
    /// Parses a URL as curl reads one, with curl's complaints.
    pub fn parse(text: &str) -> Result<Self, FetchError> {
        let rest = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => return Err(FetchError::UnsupportedProtocol(scheme.into())),
            None => text,
        };
        let rest = rest.split('#').next().unwrap_or_default();
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('?') => (&rest[..i], format!("/{}", &rest[i..])),
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, "/".to_string()),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, parse_port(port)?),
            None => (authority, 80),
        };
        if host.is_empty() {
            return Err(FetchError::BadUrl(
                "URL rejected: No host part in the URL".into(),
            ));
        }
        Ok(Self {
            host: host.to_string(),
            port,
            path,
        })
    }

    /// The `Host` header's value: the host, with the port unless it is 80.
    pub fn host_header(&self) -> String {
        if self.port == 80 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

fn parse_port(text: &str) -> Result<u16, FetchError> {
    if text.is_empty() {
        return Ok(80);
    }
    text.parse().map_err(|_| {
        FetchError::BadUrl(
            "URL rejected: Port number was not a decimal number between 0 and 65535".into(),
        )
    })
}

/// A request to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target, e.g. `/`.
    pub target: String,
    /// `HTTP/1.1`, or `HTTP/1.0` as nginx speaks to upstreams.
    pub version: &'static str,
    /// The header fields, in order.
    pub headers: Headers,
    /// The body; a non-empty one gets a `Content-Length`.
    pub body: Vec<u8>,
}

impl Outgoing {
    /// The request on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!("{} {} {}\r\n", self.method, self.target, self.version);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.body.is_empty() {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    /// The head's lines as sent, for curl's `-v`.
    pub fn head_lines(&self) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.to_bytes()).into_owned();
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        head.split("\r\n").map(str::to_string).collect()
    }
}

/// Why a fetch failed, with what curl and nginx need to say so.
#[derive(Debug)]
pub enum FetchError {
    /// The scheme is not `http`.
    UnsupportedProtocol(String),
    /// The URL is not one; the text says why, in curl's words.
    BadUrl(String),
    /// The host name does not resolve.
    Resolve(String),
    /// No address took the connection; the last one tried, and why.
    Connect {
        /// The address tried last.
        address: SocketAddr,
        /// Its error (refused, unreachable, timed out).
        error: io::Error,
    },
    /// The request could not be sent.
    Send(io::Error),
    /// The server closed the connection without answering.
    EmptyReply,
    /// Reading the answer failed (reset, timed out).
    Receive(io::Error),
    /// The answer is not HTTP.
    Malformed(String),
}

/// The addresses `host:port` resolves to: an IP literal as is, a name
/// through `/etc/hosts` and DNS.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, FetchError> {
    match (host, port).to_socket_addrs() {
        Ok(addresses) => {
            let addresses: Vec<SocketAddr> = addresses.collect();
            if addresses.is_empty() {
                Err(FetchError::Resolve(host.into()))
            } else {
                Ok(addresses)
            }
        }
        Err(_) => Err(FetchError::Resolve(host.into())),
    }
}

/// A connection to the first of `addresses` that takes one; `trying` hears
/// of each attempt (curl's `-v` prints them).
pub fn connect(
    addresses: &[SocketAddr],
    timeout: Duration,
    mut trying: impl FnMut(&SocketAddr),
) -> Result<(TcpStream, SocketAddr), FetchError> {
    let mut last = None;
    for address in addresses {
        trying(address);
        match TcpStream::connect_timeout(address, timeout) {
            Ok(stream) => return Ok((stream, *address)),
            Err(error) => last = Some((*address, error)),
        }
    }
    let (address, error) = last.ok_or_else(|| FetchError::Resolve(String::new()))?;
    Err(FetchError::Connect { address, error })
}

/// Sends `request` on `stream` and reads the answer; `read_timeout` bounds
/// each wait for the server.
pub fn exchange(
    stream: TcpStream,
    request: &Outgoing,
    read_timeout: Duration,
) -> Result<Received, FetchError> {
    let mut writer = &stream;
    writer
        .write_all(&request.to_bytes())
        .and_then(|()| writer.flush())
        .map_err(FetchError::Send)?;
    stream
        .set_read_timeout(Some(read_timeout))
        .map_err(FetchError::Receive)?;
    let mut reader = BufReader::new(&stream);
    http::read_response(&mut reader, request.method == "HEAD").map_err(|err| match err {
        ReadError::Closed => FetchError::EmptyReply,
        ReadError::Malformed(why) => FetchError::Malformed(why),
        ReadError::Io(error) => FetchError::Receive(error),
    })
}

/// Resolves, connects and exchanges in one go; also returns the address used.
pub fn fetch(
    url: &Url,
    request: &Outgoing,
    timeout: Duration,
) -> Result<(SocketAddr, Received), FetchError> {
    let addresses = resolve(&url.host, url.port)?;
    let (stream, address) = connect(&addresses, timeout, |_| {})?;
    let answer = exchange(stream, request, timeout)?;
    Ok((address, answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a valid URL")
    }

    #[test]
    fn urls_default_to_http_port_80_and_root() {
        assert_eq!(
            url("http://echo"),
            Url {
                host: "echo".into(),
                port: 80,
                path: "/".into()
            }
        );
        assert_eq!(url("echo:8080/a?b").port, 8080);
        assert_eq!(url("echo:8080/a?b#frag").path, "/a?b");
        assert_eq!(url("echo?x=1").path, "/?x=1");
        assert_eq!(url("HTTP://echo:/").port, 80);
    }

    #[test]
    fn host_header_keeps_a_port_other_than_80() {
        assert_eq!(url("echo").host_header(), "echo");
        assert_eq!(url("echo:8080").host_header(), "echo:8080");
    }

    #[test]
    fn urls_curl_rejects() {
        assert!(matches!(
            Url::parse("https://x"),
            Err(FetchError::UnsupportedProtocol(scheme)) if scheme == "https"
        ));
        assert!(matches!(Url::parse("x:99999"), Err(FetchError::BadUrl(_))));
        assert!(matches!(
            Url::parse("http:///a"),
            Err(FetchError::BadUrl(_))
        ));
    }

    #[test]
    fn outgoing_requests_add_a_length_only_for_a_body() {
        let mut request = Outgoing {
            method: "GET".into(),
            target: "/".into(),
            version: "HTTP/1.1",
            headers: vec![("Host".into(), "echo:8080".into())],
            body: Vec::new(),
        };
        assert_eq!(
            request.to_bytes(),
            b"GET / HTTP/1.1\r\nHost: echo:8080\r\n\r\n"
        );
        assert_eq!(request.head_lines(), ["GET / HTTP/1.1", "Host: echo:8080"]);
        request.body = b"hi".to_vec();
        assert_eq!(
            request.to_bytes(),
            b"GET / HTTP/1.1\r\nHost: echo:8080\r\nContent-Length: 2\r\n\r\nhi"
        );
    }

    #[test]
    fn ip_literals_resolve_without_dns() {
        let addresses = resolve("127.0.0.1", 8080).expect("a literal");
        assert_eq!(addresses, ["127.0.0.1:8080".parse().expect("an address")]);
    }
}

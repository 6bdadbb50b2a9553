//! The nginx-like reverse proxy of `gihyodocker/nginx-proxy`: HTTP on 80,
//! every request passed to `http://$BACKEND_HOST` (`proxy_pass`, resolved
//! per request), an access log line per request on stdout in nginx's `main`
//! format, and nginx's error lines and pages when the backend fails.

use std::{io, net::IpAddr, time::Duration};

use crate::{
    client::{self, FetchError, Outgoing, Url},
    clock::UtcTime,
    http::{self, Received, Request, Response},
    server::{Handler, Peer},
};

/// The port it listens on.
pub const PORT: u16 = 80;

/// What nginx's image entrypoint prints before nginx starts, as the
/// simulation shows it.
pub const ENTRYPOINT_LINES: [&str; 3] = [
    "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
    "/docker-entrypoint.sh: Configuration complete; ready for start up",
];

/// How long connecting to and hearing from the backend may take
/// (nginx's `proxy_connect_timeout` and `proxy_read_timeout`).
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);

/// Request headers nginx does not pass upstream as they came.
const NOT_PASSED_UP: &[&str] = &[
    "Host",
    "Connection",
    "Keep-Alive",
    "Proxy-Connection",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Content-Length",
];

/// Response headers nginx does not pass down as they came.
const NOT_PASSED_DOWN: &[&str] = &[
    "Connection",
    "Keep-Alive",
    "Transfer-Encoding",
    "Content-Length",
    "Date",
    "Server",
    "Trailer",
    "Upgrade",
];

/// The proxy's handler: where it passes requests.
pub struct Proxy {
    backend: Url,
}

impl Proxy {
    /// A proxy to `http://{backend_host}`, where `backend_host` is
    /// `BACKEND_HOST`'s value (`echo:8080`); nginx's complaint when it is not one.
    pub fn new(backend_host: &str) -> Result<Self, String> {
        match Url::parse(&format!("http://{backend_host}")) {
            Ok(backend) if !backend_host.is_empty() => Ok(Self { backend }),
            _ => Err(format!(
                "nginx: [emerg] invalid host in upstream \"{backend_host}\" (BACKEND_HOST)"
            )),
        }
    }

    /// The request nginx sends upstream: HTTP/1.0, `Host` the backend's,
    /// `Connection: close`, the client's other headers and body.
    fn upstream_request(&self, request: &Request) -> Outgoing {
        let mut headers = vec![
            ("Host".to_string(), self.backend.host_header()),
            ("Connection".to_string(), "close".to_string()),
        ];
        headers.extend(
            request
                .headers
                .iter()
                .filter(|(name, _)| !is_one_of(name, NOT_PASSED_UP))
                .cloned(),
        );
        Outgoing {
            method: request.method.clone(),
            target: request.target.clone(),
            version: "HTTP/1.0",
            headers,
            body: request.body.clone(),
        }
    }
}

impl Handler for Proxy {
    fn handle(&self, request: &Request, peer: &Peer) -> Response {
        let answer = match client::fetch(
            &self.backend,
            &self.upstream_request(request),
            UPSTREAM_TIMEOUT,
        ) {
            Ok((_, received)) => relay(received),
            Err(err) => {
                let failure = Failure {
                    backend: &self.backend,
                    request,
                    peer,
                };
                eprintln!("{}", failure.error_log_line(UtcTime::now(), &err));
                error_response(status_for(&err))
            }
        };
        let body_bytes = if request.is_head() {
            0
        } else {
            answer.body.len()
        };
        println!(
            "{}",
            access_log_line(
                UtcTime::now(),
                peer.address.ip(),
                request,
                answer.status,
                body_bytes
            )
        );
        answer
    }

    fn bad_request(&self) -> Response {
        error_response(400)
    }
}

/// The backend's answer as nginx passes it on: its status, body and end-to-end
/// headers, behind nginx's own `Server` and `Date`.
fn relay(received: Received) -> Response {
    let mut answer = nginx_response(received.status, received.body);
    answer.headers.extend(
        received
            .headers
            .into_iter()
            .filter(|(name, _)| !is_one_of(name, NOT_PASSED_DOWN)),
    );
    answer
}

fn nginx_response(status: u16, body: Vec<u8>) -> Response {
    Response::new(status, body)
        .with_header("Server", "nginx")
        .with_header("Date", &UtcTime::now().http_date())
}

/// nginx's own page for an error `status`, as an answer.
fn error_response(status: u16) -> Response {
    nginx_response(status, error_page(status).into_bytes()).with_header("Content-Type", "text/html")
}

/// nginx's built-in page for an error `status`.
pub fn error_page(status: u16) -> String {
    let reason = match status {
        504 => "Gateway Time-out",
        _ => http::reason(status),
    };
    let title = format!("{status} {reason}");
    format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
}

/// 504 when the backend timed out, 502 for every other failure.
fn status_for(err: &FetchError) -> u16 {
    match err {
        FetchError::Connect { error, .. } | FetchError::Receive(error) if is_timeout(error) => 504,
        _ => 502,
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

fn is_one_of(name: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// An access log line in nginx's `main` format (`combined` plus
/// `$http_x_forwarded_for`), as the simulation writes it:
/// `10.0.0.1 - - [02/Jan/2006:15:04:05 +0000] "GET / HTTP/1.1" 200 14 "-" "curl/8.5.0" "-"`.
pub fn access_log_line(
    time: UtcTime,
    client: IpAddr,
    request: &Request,
    status: u16,
    body_bytes: usize,
) -> String {
    format!(
        "{client} - - [{}] \"{}\" {status} {body_bytes} \"{}\" \"{}\" \"{}\"",
        time.nginx_local(),
        escape(&request.line()),
        log_field(request.header("Referer")),
        log_field(request.header("User-Agent")),
        log_field(request.header("X-Forwarded-For")),
    )
}

/// A header as nginx logs it: `-` when absent or empty, escaped otherwise.
fn log_field(value: Option<&str>) -> String {
    value
        .filter(|v| !v.is_empty())
        .map_or_else(|| "-".to_string(), escape)
}

/// nginx's log escaping: `"`, `\`, control and non-ASCII bytes as `\xHH`.
fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'"' | b'\\' | 0..=0x1f | 0x7f.. => format!("\\x{b:02X}"),
            _ => char::from(b).to_string(),
        })
        .collect()
}

/// What nginx's error log says about a failed request.
struct Failure<'a> {
    backend: &'a Url,
    request: &'a Request,
    peer: &'a Peer,
}

impl Failure<'_> {
    /// nginx's error log line for `err`:
    /// `2006/01/02 15:04:05 [error] 1#1: *3 connect() failed (111: Connection refused) while …`.
    fn error_log_line(&self, time: UtcTime, err: &FetchError) -> String {
        let mut parts = vec![
            what_failed(err),
            format!("client: {}", self.peer.address.ip()),
            "server: _".to_string(),
            format!("request: \"{}\"", escape(&self.request.line())),
        ];
        let upstream = match err {
            FetchError::Resolve(_) => None,
            FetchError::Connect { address, .. } => Some(address.to_string()),
            _ => Some(self.backend.host_header()),
        };
        if let Some(upstream) = upstream {
            parts.push(format!(
                "upstream: \"http://{upstream}{}\"",
                self.request.target
            ));
        }
        if let Some(host) = self.request.header("Host") {
            parts.push(format!("host: \"{}\"", escape(host)));
        }
        format!(
            "{} [error] 1#1: *{} {}",
            time.go_log(),
            self.peer.connection,
            parts.join(", ")
        )
    }
}

/// The failure in nginx's words, with the phase it happened in.
fn what_failed(err: &FetchError) -> String {
    const READING: &str = "while reading response header from upstream";
    match err {
        FetchError::Resolve(host) => format!("{host} could not be resolved (3: Host not found)"),
        FetchError::Connect { error, .. } => format!(
            "connect() failed ({}) while connecting to upstream",
            os_error(error)
        ),
        FetchError::Send(error) => format!(
            "send() failed ({}) while sending request to upstream",
            os_error(error)
        ),
        FetchError::Receive(error) if is_timeout(error) => {
            format!("upstream timed out (110: Connection timed out) {READING}")
        }
        FetchError::Receive(error) => format!("recv() failed ({}) {READING}", os_error(error)),
        FetchError::EmptyReply => format!("upstream prematurely closed connection {READING}"),
        FetchError::Malformed(_) | FetchError::UnsupportedProtocol(_) | FetchError::BadUrl(_) => {
            format!("upstream sent invalid header {READING}")
        }
    }
}

/// An OS error as nginx prints one: `111: Connection refused`.
fn os_error(error: &io::Error) -> String {
    let text = error.to_string();
    match error.raw_os_error() {
        Some(code) => {
            let suffix = format!(" (os error {code})");
            format!("{code}: {}", text.strip_suffix(&suffix).unwrap_or(&text))
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{echo::Echo, server};
    use std::net::TcpListener;

    fn get(target: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: "GET".into(),
            target: target.into(),
            version: "HTTP/1.1".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
        }
    }

    fn peer() -> Peer {
        Peer {
            address: "172.18.0.4:41234".parse().expect("an address"),
            connection: 7,
        }
    }

    const TIME: i64 = 1_573_966_242; // 2019-11-17T04:50:42Z

    #[test]
    fn access_log_matches_the_simulations_line() {
        let request = get("/", &[("User-Agent", "curl/8.5.0")]);
        assert_eq!(
            access_log_line(
                UtcTime::from_unix(TIME),
                peer().address.ip(),
                &request,
                200,
                14
            ),
            "172.18.0.4 - - [17/Nov/2019:04:50:42 +0000] \"GET / HTTP/1.1\" 200 14 \"-\" \"curl/8.5.0\" \"-\""
        );
    }

    #[test]
    fn access_log_escapes_quotes_and_shows_referer_and_forwarded_for() {
        let request = get(
            "/\"x\"",
            &[
                ("Referer", "http://a/"),
                ("User-Agent", ""),
                ("X-Forwarded-For", "10.0.0.9"),
            ],
        );
        let line = access_log_line(
            UtcTime::from_unix(TIME),
            peer().address.ip(),
            &request,
            404,
            0,
        );
        assert!(
            line.ends_with("\"GET /\\x22x\\x22 HTTP/1.1\" 404 0 \"http://a/\" \"-\" \"10.0.0.9\""),
            "{line}"
        );
    }

    #[test]
    fn error_pages_are_nginxs() {
        assert_eq!(
            error_page(502),
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        );
        assert!(error_page(504).contains("504 Gateway Time-out"));
    }

    #[test]
    fn backend_host_must_name_a_host() {
        assert!(Proxy::new("echo:8080").is_ok());
        assert!(Proxy::new("").is_err());
        assert!(Proxy::new("echo:http").is_err());
    }

    #[test]
    fn upstream_requests_speak_http_1_0_with_the_backends_host() {
        let proxy = Proxy::new("echo:8080").expect("a valid backend");
        let request = get(
            "/a?b",
            &[
                ("Host", "localhost"),
                ("Connection", "keep-alive"),
                ("Accept", "*/*"),
            ],
        );
        assert_eq!(
            String::from_utf8_lossy(&proxy.upstream_request(&request).to_bytes()),
            "GET /a?b HTTP/1.0\r\nHost: echo:8080\r\nConnection: close\r\nAccept: */*\r\n\r\n"
        );
    }

    #[test]
    fn connection_refused_is_logged_as_nginx_does() {
        let backend = Url::parse("echo:8080").expect("a URL");
        let request = get("/", &[("Host", "localhost")]);
        let peer = peer();
        let failure = Failure {
            backend: &backend,
            request: &request,
            peer: &peer,
        };
        let err = FetchError::Connect {
            address: "172.18.0.2:8080".parse().expect("an address"),
            error: io::Error::from_raw_os_error(111),
        };
        assert_eq!(
            failure.error_log_line(UtcTime::from_unix(TIME), &err),
            "2019/11/17 04:50:42 [error] 1#1: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 172.18.0.4, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://172.18.0.2:8080/\", host: \"localhost\""
        );
        assert_eq!(
            failure.error_log_line(UtcTime::from_unix(TIME), &FetchError::Resolve("echo".into())),
            "2019/11/17 04:50:42 [error] 1#1: *7 echo could not be resolved (3: Host not found), client: 172.18.0.4, server: _, request: \"GET / HTTP/1.1\", host: \"localhost\""
        );
    }

    #[test]
    fn requests_pass_through_to_the_backend_and_back() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let port = listener.local_addr().expect("an address").port();
        std::thread::spawn(move || server::serve(listener, Echo));
        let proxy = Proxy::new(&format!("127.0.0.1:{port}")).expect("a valid backend");
        let answer = proxy.handle(&get("/", &[]), &peer());
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"Hello Docker!!");
        assert_eq!(
            http::header(&answer.headers, "Content-Type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(http::header(&answer.headers, "Server"), Some("nginx"));
    }

    #[test]
    fn an_unreachable_backend_is_a_bad_gateway() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
            listener.local_addr().expect("an address").port()
        };
        let proxy = Proxy::new(&format!("127.0.0.1:{port}")).expect("a valid backend");
        let answer = proxy.handle(&get("/", &[]), &peer());
        assert_eq!(answer.status, 502);
        assert_eq!(answer.body, error_page(502).as_bytes());
    }
}

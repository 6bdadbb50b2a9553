//! What runs inside simulated containers: the images' own servers, and the
//! small scripts that `command`/`args` give.

use std::collections::BTreeMap;

use crate::time::SimTime;

/// An image's default program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    /// `gihyodocker/echo`: HTTP on 8080, answers `Hello Docker!!`.
    EchoServer,
    /// `gihyodocker/nginx(-proxy)`: HTTP on 80, proxies to `BACKEND_HOST`.
    NginxProxy,
    /// nginx: HTTP on 80 with the welcome page.
    Nginx,
    /// httpd: HTTP on 80, `It works!`.
    Httpd,
    /// hashicorp/http-echo: HTTP on 5678 (or `-listen`), answers `-text`.
    HttpEcho,
    /// redis: TCP on 6379.
    Redis,
    /// A shell image (busybox, alpine, fundamental): `sh` exits at once without a terminal.
    Shell,
    /// curlimages/curl: `curl` without arguments prints its usage hint and exits 2.
    Curl,
    /// The pause container: sleeps forever.
    Pause,
}

/// An HTTP answer from a simulated server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: String,
}

/// The reason phrase of a status code, as Go's `http.StatusText` and
/// the servers here write it; empty for codes nothing here answers with.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The nginx welcome page.
pub const NGINX_WELCOME: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

/// nginx's 404 page.
pub const NGINX_NOT_FOUND: &str = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.5</center>\r\n</body>\r\n</html>\r\n";

/// Go's `log` timestamp: `2019/11/17 04:50:42`.
pub fn go_log_time(now: SimTime) -> String {
    let ts = now.to_time().0;
    k8s_openapi::jiff::fmt::strtime::format("%Y/%m/%d %H:%M:%S", ts).unwrap_or_default()
}

impl Program {
    /// The TCP ports it listens on by default.
    pub fn ports(self, args: &[String]) -> Vec<u16> {
        match self {
            Program::EchoServer => vec![8080],
            Program::NginxProxy | Program::Nginx | Program::Httpd => vec![80],
            Program::HttpEcho => vec![listen_flag(args).unwrap_or(5678)],
            Program::Redis => vec![6379],
            Program::Shell | Program::Curl | Program::Pause => Vec::new(),
        }
    }

    /// Whether it keeps running until stopped.
    pub fn is_server(self) -> bool {
        !matches!(self, Program::Shell | Program::Curl)
    }

    /// What it writes when it starts.
    pub fn start_logs(self, now: SimTime, args: &[String]) -> Vec<String> {
        match self {
            Program::EchoServer => vec![format!("{} start server", go_log_time(now))],
            Program::Nginx | Program::NginxProxy => vec![
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".into(),
                "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/".into(),
                "/docker-entrypoint.sh: Configuration complete; ready for start up".into(),
            ],
            Program::Httpd => vec![
                "AH00558: httpd: Could not reliably determine the server's fully qualified domain name. Set the 'ServerName' directive globally to suppress this message".into(),
                "[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.63 (Unix) configured -- resuming normal operations".into(),
            ],
            Program::HttpEcho => vec![format!(
                "{} [INFO] server is listening on :{}",
                go_log_time(now),
                listen_flag(args).unwrap_or(5678)
            )],
            Program::Redis => vec![
                "1:C * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo".into(),
                "1:M * Ready to accept connections tcp".into(),
            ],
            Program::Curl => vec!["curl: try 'curl --help' or 'curl --manual' for more information".into()],
            Program::Shell | Program::Pause => Vec::new(),
        }
    }

    /// Its answer to an HTTP request, with the log line it writes. A proxy
    /// answers `None` here: the network layer forwards its request instead.
    pub fn handle_http(
        self,
        now: SimTime,
        method: &str,
        path: &str,
        args: &[String],
        client: &str,
    ) -> Option<(HttpResponse, Option<String>)> {
        let ok = |body: String| HttpResponse { status: 200, body };
        match self {
            Program::EchoServer => Some((
                ok("Hello Docker!!".into()),
                Some(format!("{} received request", go_log_time(now))),
            )),
            Program::Nginx if matches!(path, "/" | "/index.html") => Some((
                ok(NGINX_WELCOME.into()),
                Some(access_log(now, client, method, path, 200, 615)),
            )),
            Program::Nginx => Some((
                HttpResponse {
                    status: 404,
                    body: NGINX_NOT_FOUND.into(),
                },
                Some(access_log(now, client, method, path, 404, 153)),
            )),
            Program::Httpd => Some((
                ok("<html><body><h1>It works!</h1></body></html>\n".into()),
                Some(access_log(now, client, method, path, 200, 45)),
            )),
            Program::HttpEcho => Some((
                ok(format!("{}\n", text_flag(args).unwrap_or_default())),
                None,
            )),
            _ => None,
        }
    }

    /// The proxy's upstream, from its environment (`BACKEND_HOST`).
    pub fn upstream(self, env: &BTreeMap<String, String>) -> Option<String> {
        match self {
            Program::NginxProxy => env.get("BACKEND_HOST").cloned(),
            _ => None,
        }
    }
}

/// nginx's combined log line.
pub fn access_log(
    now: SimTime,
    client: &str,
    method: &str,
    path: &str,
    status: u16,
    bytes: usize,
) -> String {
    let ts = now.to_time().0;
    let time =
        k8s_openapi::jiff::fmt::strtime::format("%d/%b/%Y:%H:%M:%S +0000", ts).unwrap_or_default();
    format!("{client} - - [{time}] \"{method} {path} HTTP/1.1\" {status} {bytes} \"-\" \"curl/8.5.0\" \"-\"")
}

fn listen_flag(args: &[String]) -> Option<u16> {
    args.iter()
        .find_map(|a| {
            a.strip_prefix("-listen=")
                .or_else(|| a.strip_prefix("--listen="))
        })
        .and_then(|v| v.trim_start_matches(':').parse().ok())
}

fn text_flag(args: &[String]) -> Option<String> {
    args.iter()
        .find_map(|a| {
            a.strip_prefix("-text=")
                .or_else(|| a.strip_prefix("--text="))
        })
        .map(str::to_string)
}

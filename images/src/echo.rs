//! `gihyodocker/echo`'s server, as its `main.go` behaves: HTTP on 8080,
//! every request answered `Hello Docker!!`, and Go's `log` lines on stderr.

use crate::{
    clock::UtcTime,
    http::{Request, Response},
    server::{Handler, Peer},
};

/// The port it listens on.
pub const PORT: u16 = 8080;

/// Its answer to every request.
pub const GREETING: &str = "Hello Docker!!";

/// A line as Go's `log.Println` writes it: `2006/01/02 15:04:05 message`.
pub fn go_log_line(time: UtcTime, message: &str) -> String {
    format!("{} {message}", time.go_log())
}

/// Logs `message` on stderr as Go's `log.Println` does, at the current time.
pub fn log(message: &str) {
    eprintln!("{}", go_log_line(UtcTime::now(), message));
}

/// The echo server's handler.
pub struct Echo;

impl Handler for Echo {
    fn handle(&self, _request: &Request, _peer: &Peer) -> Response {
        log("received request");
        go_response(200, GREETING)
    }

    fn bad_request(&self) -> Response {
        go_response(400, "400 Bad Request")
    }
}

/// An answer with the headers Go's net/http adds to a plain-text body.
fn go_response(status: u16, body: &str) -> Response {
    Response::new(status, body)
        .with_header("Date", &UtcTime::now().http_date())
        .with_header("Content-Type", "text/plain; charset=utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_carry_gos_timestamp_prefix() {
        let time = UtcTime::from_unix(1_573_966_242);
        assert_eq!(
            go_log_line(time, "start server"),
            "2019/11/17 04:50:42 start server"
        );
    }

    #[test]
    fn every_request_gets_the_greeting_as_plain_text() {
        let request = Request {
            method: "POST".into(),
            target: "/anything".into(),
            version: "HTTP/1.1".into(),
            headers: Vec::new(),
            body: b"ignored".to_vec(),
        };
        let peer = Peer {
            address: "127.0.0.1:50000".parse().expect("an address"),
            connection: 1,
        };
        let answer = Echo.handle(&request, &peer);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, GREETING.as_bytes());
        assert_eq!(
            crate::http::header(&answer.headers, "content-type"),
            Some("text/plain; charset=utf-8")
        );
    }
}

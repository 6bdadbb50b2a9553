//! HTTP/1.1 messages as these programs need them: reading a request or a
//! response (the head, then a body framed by `Content-Length`, chunked, or the
//! end of the connection) and writing one.

use std::io::{self, BufRead, Read};

/// The most a message head may take; a longer head is malformed.
const MAX_HEAD: usize = 64 * 1024;
/// The most a body may take; a longer body is malformed.
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// Header fields in the order they came, names as written.
pub type Headers = Vec<(String, String)>;

/// The first value of the header `name` (any case) in `headers`.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// A request as a client sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target, e.g. `/index.html?x=1`.
    pub target: String,
    /// The protocol version, e.g. `HTTP/1.1`.
    pub version: String,
    /// The header fields.
    pub headers: Headers,
    /// The body (empty without one).
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of the header `name`, ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The request line as nginx's `$request` logs it: `GET / HTTP/1.1`.
    pub fn line(&self) -> String {
        format!("{} {} {}", self.method, self.target, self.version)
    }

    /// Whether the connection stays open after the answer: for HTTP/1.1
    /// unless the client says `Connection: close`, for HTTP/1.0 only when
    /// it says `Connection: keep-alive`.
    pub fn keep_alive(&self) -> bool {
        let connection = self.header("Connection").unwrap_or_default();
        if self.version == "HTTP/1.0" {
            connection.eq_ignore_ascii_case("keep-alive")
        } else {
            !connection.eq_ignore_ascii_case("close")
        }
    }

    /// Whether the answer goes without a body (`HEAD`).
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }
}

/// A response as a server sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The status line, e.g. `HTTP/1.1 200 OK`.
    pub status_line: String,
    /// The status code.
    pub status: u16,
    /// The header fields.
    pub headers: Headers,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

/// An answer to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The header fields, without `Content-Length` (written from the body).
    pub headers: Headers,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// An answer with `status` and `body`, and no headers yet.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The same answer with one more header field.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The answer on the wire: status line, headers, `Content-Length`, and the
    /// body unless it answers a `HEAD` (`head_only`).
    pub fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", self.body.len()));
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

/// The reason phrase for a status code, as Go and nginx write it.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Why a message could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed the connection before sending a byte.
    Closed,
    /// The bytes are not the HTTP expected; the text says why.
    Malformed(String),
    /// The connection failed (reset, timed out).
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(err: io::Error) -> Self {
        ReadError::Io(err)
    }
}

/// Reads one request: its head, then a body framed by `Content-Length` or
/// chunked (none without either).
pub fn read_request(reader: &mut impl BufRead) -> Result<Request, ReadError> {
    let (first, headers) = read_head(reader)?;
    let (method, target, version) = parse_request_line(&first)?;
    let body = match body_framing(&headers)? {
        Framing::Chunked => read_chunked(reader)?,
        Framing::Length(length) => read_exact_body(reader, length)?,
        Framing::UntilClose => Vec::new(),
    };
    Ok(Request {
        method,
        target,
        version,
        headers,
        body,
    })
}

/// Reads one response; the answer to a `HEAD` (`head_only`) has no body.
pub fn read_response(reader: &mut impl BufRead, head_only: bool) -> Result<Received, ReadError> {
    let (status_line, headers) = read_head(reader)?;
    let status = parse_status_line(&status_line)?;
    let bodiless = head_only || status < 200 || status == 204 || status == 304;
    let body = match body_framing(&headers)? {
        _ if bodiless => Vec::new(),
        Framing::Chunked => read_chunked(reader)?,
        Framing::Length(length) => read_exact_body(reader, length)?,
        Framing::UntilClose => read_to_close(reader)?,
    };
    Ok(Received {
        status_line,
        status,
        headers,
        body,
    })
}

/// How a message's body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    Chunked,
    Length(u64),
    UntilClose,
}

fn body_framing(headers: &[(String, String)]) -> Result<Framing, ReadError> {
    if header(headers, "Transfer-Encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
        return Ok(Framing::Chunked);
    }
    match header(headers, "Content-Length") {
        Some(text) => match text.trim().parse::<u64>() {
            Ok(length) if length <= MAX_BODY => Ok(Framing::Length(length)),
            Ok(_) => Err(ReadError::Malformed("body too large".into())),
            Err(_) => Err(ReadError::Malformed(format!(
                "invalid Content-Length {text:?}"
            ))),
        },
        None => Ok(Framing::UntilClose),
    }
}

/// The first line and the header fields of a message. Empty lines before the
/// first are skipped, as RFC 9112 allows.
fn read_head(reader: &mut impl BufRead) -> Result<(String, Headers), ReadError> {
    let mut budget = MAX_HEAD;
    let first = loop {
        match read_line(reader, &mut budget)? {
            None => return Err(ReadError::Closed),
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, &mut budget)?
            .ok_or_else(|| ReadError::Malformed("the head ends early".into()))?;
        if line.is_empty() {
            return Ok((first, headers));
        }
        headers.push(parse_header_line(&line)?);
    }
}

/// One line without its CRLF (or LF); None at the end of the stream.
fn read_line(reader: &mut impl BufRead, budget: &mut usize) -> Result<Option<String>, ReadError> {
    let mut bytes = Vec::new();
    let read = reader
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut bytes)?;
    if read == 0 {
        return Ok(None);
    }
    if read > *budget || !bytes.ends_with(b"\n") {
        return Err(ReadError::Malformed(
            "a line ends early or is too long".into(),
        ));
    }
    *budget -= read;
    let text = String::from_utf8_lossy(&bytes);
    Ok(Some(text.trim_end_matches(['\r', '\n']).to_string()))
}

fn parse_request_line(line: &str) -> Result<(String, String, String), ReadError> {
    let parts: Vec<&str> = line.split(' ').collect();
    match parts[..] {
        [method, target, version]
            if !method.is_empty() && !target.is_empty() && version.starts_with("HTTP/1.") =>
        {
            Ok((method.into(), target.into(), version.into()))
        }
        _ => Err(ReadError::Malformed(format!("bad request line {line:?}"))),
    }
}

fn parse_status_line(line: &str) -> Result<u16, ReadError> {
    let mut parts = line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().and_then(|code| code.parse().ok());
    match code {
        Some(code) if version.starts_with("HTTP/") => Ok(code),
        _ => Err(ReadError::Malformed(format!("bad status line {line:?}"))),
    }
}

fn parse_header_line(line: &str) -> Result<(String, String), ReadError> {
    match line.split_once(':') {
        Some((name, value)) if !name.is_empty() && !name.contains([' ', '\t']) => {
            Ok((name.to_string(), value.trim().to_string()))
        }
        _ => Err(ReadError::Malformed(format!("bad header line {line:?}"))),
    }
}

fn read_exact_body(reader: &mut impl BufRead, length: u64) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    reader.by_ref().take(length).read_to_end(&mut body)?;
    if body.len() as u64 == length {
        Ok(body)
    } else {
        Err(ReadError::Malformed("the body ends early".into()))
    }
}

fn read_to_close(reader: &mut impl BufRead) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    reader.by_ref().take(MAX_BODY + 1).read_to_end(&mut body)?;
    if body.len() as u64 > MAX_BODY {
        return Err(ReadError::Malformed("body too large".into()));
    }
    Ok(body)
}

/// A chunked body, de-chunked; trailer fields are read and dropped.
fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, ReadError> {
    let early = || ReadError::Malformed("the chunked body ends early".into());
    let mut budget = MAX_HEAD;
    let mut body = Vec::new();
    loop {
        let line = read_line(reader, &mut budget)?.ok_or_else(early)?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = u64::from_str_radix(size_text, 16)
            .map_err(|_| ReadError::Malformed(format!("bad chunk size {size_text:?}")))?;
        if size == 0 {
            while !read_line(reader, &mut budget)?
                .ok_or_else(early)?
                .is_empty()
            {}
            return Ok(body);
        }
        if body.len() as u64 + size > MAX_BODY {
            return Err(ReadError::Malformed("body too large".into()));
        }
        body.extend(read_exact_body(reader, size)?);
        if !read_line(reader, &mut budget)?
            .ok_or_else(early)?
            .is_empty()
        {
            return Err(ReadError::Malformed("a chunk runs past its size".into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> Result<Request, ReadError> {
        read_request(&mut text.as_bytes())
    }

    fn response(text: &str) -> Result<Received, ReadError> {
        read_response(&mut text.as_bytes(), false)
    }

    #[test]
    fn a_get_request_parses_line_and_headers() {
        let req =
            request("GET /a?b=1 HTTP/1.1\r\nHost: echo:8080\r\nUser-Agent: curl/8.5.0\r\n\r\n")
                .expect("valid request");
        assert_eq!(req.line(), "GET /a?b=1 HTTP/1.1");
        assert_eq!(req.header("host"), Some("echo:8080"));
        assert_eq!(req.header("USER-AGENT"), Some("curl/8.5.0"));
        assert!(req.body.is_empty());
        assert!(req.keep_alive());
    }

    #[test]
    fn bare_newlines_and_leading_empty_lines_are_accepted() {
        let req = request("\r\nGET / HTTP/1.0\nHost: x\n\n").expect("valid request");
        assert_eq!(req.line(), "GET / HTTP/1.0");
        assert!(!req.keep_alive());
    }

    #[test]
    fn connection_headers_decide_keep_alive() {
        let close = request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").expect("valid");
        assert!(!close.keep_alive());
        let kept = request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").expect("valid");
        assert!(kept.keep_alive());
    }

    #[test]
    fn bodies_are_read_by_length_or_chunks() {
        let sized = request("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET").expect("valid");
        assert_eq!(sized.body, b"hello");
        let chunked = request(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n1\r\n!\r\n0\r\nTrailer: t\r\n\r\n",
        )
        .expect("valid");
        assert_eq!(chunked.body, b"hello!");
    }

    #[test]
    fn a_closed_connection_is_not_malformed() {
        assert!(matches!(request(""), Err(ReadError::Closed)));
    }

    #[test]
    fn broken_requests_are_malformed() {
        for text in [
            "GET /\r\n\r\n",
            "GET / HTTP/2\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\n",
            "POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ] {
            assert!(
                matches!(request(text), Err(ReadError::Malformed(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_endless_head_is_malformed() {
        let text = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(matches!(request(&text), Err(ReadError::Malformed(_))));
    }

    #[test]
    fn responses_read_to_the_close_without_a_length() {
        let got = response("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nHello Docker!!")
            .expect("valid");
        assert_eq!(got.status_line, "HTTP/1.0 200 OK");
        assert_eq!(got.status, 200);
        assert_eq!(got.body, b"Hello Docker!!");
    }

    #[test]
    fn responses_to_head_and_no_content_have_no_body() {
        let head = read_response(
            &mut &b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n"[..],
            true,
        )
        .expect("valid");
        assert!(head.body.is_empty());
        let empty = response("HTTP/1.1 204 No Content\r\n\r\n").expect("valid");
        assert!(empty.body.is_empty());
    }

    #[test]
    fn a_bad_status_line_is_malformed() {
        assert!(matches!(
            response("SSH-2.0-OpenSSH\r\n\r\n"),
            Err(ReadError::Malformed(_))
        ));
    }

    #[test]
    fn answers_carry_their_length_and_drop_the_body_for_head() {
        let answer = Response::new(200, "Hello Docker!!").with_header("Content-Type", "text/plain");
        assert_eq!(
            String::from_utf8_lossy(&answer.to_bytes(false)),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\nHello Docker!!"
        );
        assert_eq!(
            String::from_utf8_lossy(&answer.to_bytes(true)),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\n"
        );
    }
}

//! A small curl for the toolbox image: `curl [-sSfiIv] [-o FILE] URL…`, an
//! HTTP/1.1 GET (HEAD with `-I`), the body on stdout, and curl's exit codes
//! and messages (`curl: (6) Could not resolve host: x`).
//!
//! It says `User-Agent: curl/8.5.0`, the version the simulation's logs show.

use std::{
    fs::File,
    io::{self, Write},
    net::SocketAddr,
    time::{Duration, Instant},
};

use crate::{
    client::{self, FetchError, Outgoing, Url},
    http::{self, Received},
};

/// The `User-Agent` it sends.
pub const USER_AGENT: &str = "curl/8.5.0";

/// How long connecting and each wait for the server may take (curl's
/// default connect timeout).
const TIMEOUT: Duration = Duration::from_secs(300);

/// curl's hint after a usage mistake.
const TRY_HELP: &str = "curl: try 'curl --help' or 'curl --manual' for more information";

/// What the command line asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The URLs to fetch, in order.
    pub urls: Vec<String>,
    /// `-s`: no error messages.
    pub silent: bool,
    /// `-S`: error messages even with `-s`.
    pub show_error: bool,
    /// `-f`: an HTTP error status fails with code 22 and no body.
    pub fail: bool,
    /// `-i`: the response head before the body.
    pub include: bool,
    /// `-I`: a HEAD request; the response head only.
    pub head: bool,
    /// `-v`: the conversation on stderr.
    pub verbose: bool,
    /// `-o FILE`: the body into FILE instead of stdout.
    pub output: Option<String>,
}

/// Parses curl's arguments: short flags alone or combined (`-sS`, `-so FILE`,
/// `-oFILE`), or long (`--silent`). A mistake gives the lines curl prints.
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--" => options.urls.extend(rest.by_ref().cloned()),
            "--output" => options.output = Some(parameter(arg, rest.next())?),
            long if long.starts_with("--") => set_long_flag(&mut options, long)?,
            short if short.starts_with('-') && short.len() > 1 => {
                parse_short_flags(&mut options, short, &mut rest)?;
            }
            url => options.urls.push(url.to_string()),
        }
    }
    match (options.urls.is_empty(), args.is_empty()) {
        (false, _) => Ok(options),
        (true, true) => Err(TRY_HELP.to_string()),
        (true, false) => Err(format!("curl: no URL specified!\n{TRY_HELP}")),
    }
}

fn set_long_flag(options: &mut Options, flag: &str) -> Result<(), String> {
    let field = match flag {
        "--silent" => &mut options.silent,
        "--show-error" => &mut options.show_error,
        "--fail" => &mut options.fail,
        "--include" => &mut options.include,
        "--head" => &mut options.head,
        "--verbose" => &mut options.verbose,
        _ => return Err(unknown_option(flag)),
    };
    *field = true;
    Ok(())
}

/// A cluster of short flags; `o` takes the rest of the cluster or the next argument.
fn parse_short_flags<'a>(
    options: &mut Options,
    cluster: &str,
    rest: &mut impl Iterator<Item = &'a String>,
) -> Result<(), String> {
    for (i, flag) in cluster.char_indices().skip(1) {
        let field = match flag {
            's' => &mut options.silent,
            'S' => &mut options.show_error,
            'f' => &mut options.fail,
            'i' => &mut options.include,
            'I' => &mut options.head,
            'v' => &mut options.verbose,
            'o' => {
                let attached = &cluster[i + 1..];
                options.output = Some(if attached.is_empty() {
                    parameter("-o", rest.next())?
                } else {
                    attached.to_string()
                });
                return Ok(());
            }
            _ => return Err(unknown_option(&format!("-{flag}"))),
        };
        *field = true;
    }
    Ok(())
}

fn parameter(option: &str, value: Option<&String>) -> Result<String, String> {
    value
        .cloned()
        .ok_or_else(|| format!("curl: option {option}: requires parameter\n{TRY_HELP}"))
}

fn unknown_option(option: &str) -> String {
    format!("curl: option {option}: is unknown\n{TRY_HELP}")
}

/// A failed transfer: curl's exit code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The exit code, e.g. 6.
    pub code: u8,
    /// The message after `curl: (N) `.
    pub message: String,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn write_failed() -> Self {
        Self::new(23, "Failure writing output to destination")
    }
}

/// Fetches every URL of `options`, the bodies to `stdout` (or the `-o`
/// file), messages to `stderr`; returns the exit code of the last failure, or 0.
pub fn run(options: &Options, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let mut file;
    let out: &mut dyn Write = match &options.output {
        None => stdout,
        Some(path) => match File::create(path) {
            Ok(created) => {
                file = created;
                &mut file
            }
            Err(_) => return report(options, stderr, &Failure::write_failed()),
        },
    };
    let mut code = 0;
    for url in &options.urls {
        if let Err(failure) = transfer(url, options, out, stderr) {
            code = report(options, stderr, &failure);
        }
    }
    code
}

/// Prints `curl: (N) message` unless silenced; returns N.
fn report(options: &Options, stderr: &mut dyn Write, failure: &Failure) -> u8 {
    if !options.silent || options.show_error {
        // Nothing more can be said when stderr fails too.
        let _ = writeln!(stderr, "curl: ({}) {}", failure.code, failure.message);
    }
    failure.code
}

/// One URL: resolve, connect, ask, and write what came back.
fn transfer(
    url_text: &str,
    options: &Options,
    out: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let mut trace = Trace {
        verbose: options.verbose,
        stderr,
    };
    let url = Url::parse(url_text).map_err(|err| failure_of(&err, None))?;
    let addresses = client::resolve(&url.host, url.port).map_err(|err| failure_of(&err, None))?;
    let started = Instant::now();
    let (stream, address) = client::connect(&addresses, TIMEOUT, |address| {
        trace.line(&format!("*   Trying {address}..."));
    })
    .map_err(|err| failure_of(&err, Some((&url, started))))?;
    trace.connected(&url, address);
    let request = request_for(&url, options);
    for line in request.head_lines() {
        trace.line(&format!("> {line}"));
    }
    trace.line("> ");
    let received =
        client::exchange(stream, &request, TIMEOUT).map_err(|err| failure_of(&err, None))?;
    for line in head_lines(&received) {
        trace.line(&format!("< {line}"));
    }
    trace.line("< ");
    if options.fail && received.status >= 400 {
        return Err(Failure::new(
            22,
            format!("The requested URL returned error: {}", received.status),
        ));
    }
    write_answer(&received, options, out).map_err(|_| Failure::write_failed())?;
    trace.finished(&url, &received);
    Ok(())
}

/// The GET (or HEAD) curl sends.
fn request_for(url: &Url, options: &Options) -> Outgoing {
    Outgoing {
        method: if options.head { "HEAD" } else { "GET" }.into(),
        target: url.path.clone(),
        version: "HTTP/1.1",
        headers: vec![
            ("Host".into(), url.host_header()),
            ("User-Agent".into(), USER_AGENT.into()),
            ("Accept".into(), "*/*".into()),
        ],
        body: Vec::new(),
    }
}

/// The status line and header lines as received.
fn head_lines(received: &Received) -> Vec<String> {
    std::iter::once(received.status_line.clone())
        .chain(
            received
                .headers
                .iter()
                .map(|(name, value)| format!("{name}: {value}")),
        )
        .collect()
}

/// The head (with `-i` or `-I`) and the body (without `-I`).
fn write_answer(received: &Received, options: &Options, out: &mut dyn Write) -> io::Result<()> {
    if options.include || options.head {
        for line in head_lines(received) {
            write!(out, "{line}\r\n")?;
        }
        write!(out, "\r\n")?;
    }
    if !options.head {
        out.write_all(&received.body)?;
    }
    out.flush()
}

/// A client error as curl words it; a failed connect says how long it tried.
fn failure_of(err: &FetchError, connecting: Option<(&Url, Instant)>) -> Failure {
    match err {
        FetchError::UnsupportedProtocol(scheme) => {
            Failure::new(1, format!("Protocol \"{scheme}\" not supported"))
        }
        FetchError::BadUrl(message) => Failure::new(3, message.clone()),
        FetchError::Resolve(host) => Failure::new(6, format!("Could not resolve host: {host}")),
        FetchError::Connect { error, .. } => {
            let code = if error.kind() == io::ErrorKind::TimedOut {
                28
            } else {
                7
            };
            let (host, port, ms) = connecting.map_or((String::new(), 0, 0), |(url, started)| {
                (url.host.clone(), url.port, started.elapsed().as_millis())
            });
            Failure::new(
                code,
                format!("Failed to connect to {host} port {port} after {ms} ms: Couldn't connect to server"),
            )
        }
        FetchError::Send(_) => Failure::new(55, "Failed sending data to the peer"),
        FetchError::EmptyReply => Failure::new(52, "Empty reply from server"),
        FetchError::Receive(error) if is_timeout(error) => Failure::new(28, "Operation timed out"),
        FetchError::Receive(error) => Failure::new(56, format!("Recv failure: {}", os_text(error))),
        FetchError::Malformed(_) => Failure::new(8, "Weird server reply"),
    }
}

fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// An OS error's text without Rust's ` (os error N)`.
fn os_text(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// `-v`'s lines on stderr.
struct Trace<'a> {
    verbose: bool,
    stderr: &'a mut dyn Write,
}

impl Trace<'_> {
    fn line(&mut self, text: &str) {
        if self.verbose {
            // Tracing is best effort: a closed stderr must not fail the transfer.
            let _ = writeln!(self.stderr, "{text}");
        }
    }

    fn connected(&mut self, url: &Url, address: SocketAddr) {
        self.line(&format!(
            "* Connected to {} ({}) port {}",
            url.host,
            address.ip(),
            url.port
        ));
    }

    fn finished(&mut self, url: &Url, received: &Received) {
        let closed = http::header(&received.headers, "Connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"));
        if closed {
            self.line("* Closing connection");
        } else {
            self.line(&format!("* Connection #0 to host {} left intact", url.host));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{echo::Echo, server};
    use std::net::TcpListener;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    fn parsed(text: &str) -> Options {
        parse_args(&args(text)).expect("valid arguments")
    }

    /// Runs curl over `text`'s arguments: (exit code, stdout, stderr).
    fn curl(text: &str) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&parsed(text), &mut out, &mut err);
        (
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    fn echo_server() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let port = listener.local_addr().expect("an address").port();
        std::thread::spawn(move || server::serve(listener, Echo));
        port
    }

    fn closed_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        listener.local_addr().expect("an address").port()
    }

    #[test]
    fn short_flags_combine_and_o_takes_a_parameter() {
        let options = parsed("-sSo out.txt http://echo:8080/");
        assert!(options.silent && options.show_error);
        assert_eq!(options.output.as_deref(), Some("out.txt"));
        assert_eq!(options.urls, ["http://echo:8080/"]);
        assert_eq!(parsed("-oout x").output.as_deref(), Some("out"));
        let long = parsed("--silent --include --verbose --fail --head x");
        assert!(long.silent && long.include && long.verbose && long.fail && long.head);
    }

    #[test]
    fn usage_mistakes_say_what_curl_says() {
        assert_eq!(parse_args(&[]), Err(TRY_HELP.to_string()));
        assert_eq!(
            parse_args(&args("-s")),
            Err(format!("curl: no URL specified!\n{TRY_HELP}"))
        );
        assert_eq!(
            parse_args(&args("-Z x")),
            Err(format!("curl: option -Z: is unknown\n{TRY_HELP}"))
        );
        assert_eq!(
            parse_args(&args("x -o")),
            Err(format!("curl: option -o: requires parameter\n{TRY_HELP}"))
        );
    }

    #[test]
    fn the_body_goes_to_stdout() {
        let port = echo_server();
        assert_eq!(
            curl(&format!("-s http://127.0.0.1:{port}/")),
            (0, "Hello Docker!!".into(), String::new())
        );
    }

    #[test]
    fn include_prints_the_head_first() {
        let port = echo_server();
        let (code, out, _) = curl(&format!("-i 127.0.0.1:{port}"));
        assert_eq!(code, 0);
        assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
        assert!(out.ends_with("\r\n\r\nHello Docker!!"), "{out}");
    }

    #[test]
    fn verbose_traces_the_conversation_on_stderr() {
        let port = echo_server();
        let (code, out, err) = curl(&format!("-v 127.0.0.1:{port}"));
        assert_eq!((code, out.as_str()), (0, "Hello Docker!!"));
        for expected in [
            format!("*   Trying 127.0.0.1:{port}..."),
            format!("* Connected to 127.0.0.1 (127.0.0.1) port {port}"),
            "> GET / HTTP/1.1".into(),
            "> User-Agent: curl/8.5.0".into(),
            "< HTTP/1.1 200 OK".into(),
            "* Connection #0 to host 127.0.0.1 left intact".into(),
        ] {
            assert!(err.lines().any(|l| l == expected), "{expected:?} in {err}");
        }
    }

    #[test]
    fn connection_refused_is_exit_code_7() {
        let port = closed_port();
        let (code, out, err) = curl(&format!("http://127.0.0.1:{port}/"));
        assert_eq!((code, out.as_str()), (7, ""));
        assert!(
            err.starts_with(&format!(
                "curl: (7) Failed to connect to 127.0.0.1 port {port} after "
            )),
            "{err}"
        );
        assert!(err.ends_with(" ms: Couldn't connect to server\n"), "{err}");
        assert_eq!(curl(&format!("-s 127.0.0.1:{port}")).2, "");
    }

    #[test]
    fn an_unresolvable_host_is_exit_code_6() {
        assert_eq!(
            curl("no-such-host.invalid"),
            (
                6,
                String::new(),
                "curl: (6) Could not resolve host: no-such-host.invalid\n".into()
            )
        );
    }

    #[test]
    fn other_protocols_are_exit_code_1() {
        assert_eq!(
            curl("-sS https://x/"),
            (
                1,
                String::new(),
                "curl: (1) Protocol \"https\" not supported\n".into()
            )
        );
    }
}

//! `sunaba/nginx-proxy`: an nginx-like reverse proxy. HTTP on 80, every
//! request passed to `http://$BACKEND_HOST`, an access log line per request
//! on stdout, nginx's error lines on stderr. SIGTERM ends it at once, as
//! nginx's fast shutdown does.

use std::{net::TcpListener, process::ExitCode};

use sunaba_images::{proxy, server, signals};

fn main() -> ExitCode {
    if let Err(message) = signals::exit_on_termination() {
        eprintln!("nginx: [emerg] {message}");
        return ExitCode::FAILURE;
    }
    for line in proxy::ENTRYPOINT_LINES {
        println!("{line}");
    }
    let backend = std::env::var("BACKEND_HOST").unwrap_or_default();
    let handler = match proxy::Proxy::new(&backend) {
        Ok(handler) => handler,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind(("0.0.0.0", proxy::PORT)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "nginx: [emerg] bind() to 0.0.0.0:{} failed ({err})",
                proxy::PORT
            );
            return ExitCode::FAILURE;
        }
    };
    let err = server::serve(listener, handler);
    eprintln!("nginx: [alert] accept() failed ({err})");
    ExitCode::FAILURE
}

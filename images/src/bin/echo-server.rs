//! `sunaba/echo`: `gihyodocker/echo`'s server. HTTP on 8080, every request
//! answered `Hello Docker!!`; `start server` and `received request` logged
//! on stderr with Go's timestamp. SIGTERM ends it at once.

use std::{net::TcpListener, process::ExitCode};

use sunaba_images::{echo, server, signals};

fn main() -> ExitCode {
    if let Err(message) = signals::exit_on_termination() {
        echo::log(&message);
        return ExitCode::FAILURE;
    }
    echo::log("start server");
    let listener = match TcpListener::bind(("0.0.0.0", echo::PORT)) {
        Ok(listener) => listener,
        Err(err) => {
            echo::log(&format!("listen tcp :{}: {err}", echo::PORT));
            return ExitCode::FAILURE;
        }
    };
    let err = server::serve(listener, echo::Echo);
    echo::log(&err.to_string());
    ExitCode::FAILURE
}

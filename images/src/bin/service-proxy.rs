//! `sunaba/service-proxy`: a Service's proxy on the Docker backend. It
//! follows the table file named by its argument (`/run/sunaba/table` by
//! default) and passes connections to the service ports on to endpoints;
//! SIGTERM or SIGINT end it at once.

use std::{path::PathBuf, process::ExitCode, thread};

use sunaba_images::{service_proxy, signals};

fn main() -> ExitCode {
    let path = std::env::args().nth(1).map_or_else(
        || PathBuf::from(service_proxy::DEFAULT_TABLE),
        PathBuf::from,
    );
    // As PID 1 the default actions do not apply: wait for the signals on a
    // thread, with them blocked in every other (the mask is inherited).
    let signals = signals::terminating();
    if let Err(err) = signals.thread_block() {
        eprintln!("service-proxy: cannot block signals: {err}");
        return ExitCode::FAILURE;
    }
    let spawned = thread::Builder::new().spawn(move || service_proxy::run(&path));
    if let Err(err) = spawned {
        eprintln!("service-proxy: cannot start: {err}");
        return ExitCode::FAILURE;
    }
    match signals.wait() {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("service-proxy: sigwait failed: {err}");
            ExitCode::FAILURE
        }
    }
}

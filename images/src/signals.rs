//! Ending at once on SIGTERM or SIGINT. As PID 1 in a container a process
//! gets no default action for them (the kernel drops them), so a server
//! that installs nothing would sit out the whole grace period and die by
//! SIGKILL. These programs wait for the signals on a thread of their own
//! and exit 0, as the simulation's servers do.

use std::thread;

use nix::sys::signal::{SigSet, Signal};

/// SIGTERM and SIGINT: the signals that end a server.
pub fn terminating() -> SigSet {
    let mut set = SigSet::empty();
    set.add(Signal::SIGTERM);
    set.add(Signal::SIGINT);
    set
}

/// Blocks SIGTERM and SIGINT in this thread, and so in every thread it
/// starts later, and starts a thread that waits for them and ends the
/// process with exit code 0. Call it first thing in `main`, before any
/// other thread starts.
pub fn exit_on_termination() -> Result<(), String> {
    let signals = terminating();
    signals
        .thread_block()
        .map_err(|err| format!("cannot block signals: {err}"))?;
    thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if signals.wait().is_ok() {
                std::process::exit(0);
            }
        })
        .map(drop)
        .map_err(|err| format!("cannot wait for signals: {err}"))
}

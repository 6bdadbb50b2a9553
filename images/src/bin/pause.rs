//! `sunaba/pause`: Kubernetes' pause program. It sleeps until SIGTERM or
//! SIGINT, then exits 0; as PID 1 it reaps the zombies orphans leave.

use std::process::ExitCode;

use nix::{
    sys::{
        signal::{SigSet, Signal},
        wait::{waitpid, WaitPidFlag, WaitStatus},
    },
    unistd::Pid,
};

fn main() -> ExitCode {
    let signals = handled_signals();
    // Blocked signals wait for `sigwait` instead of their default action,
    // which PID 1 would ignore for SIGTERM and SIGINT anyway.
    if let Err(err) = signals.thread_block() {
        eprintln!("Error: cannot block signals: {err}");
        return ExitCode::from(1);
    }
    if std::process::id() != 1 {
        // Not an error: pause also runs outside infra containers.
        eprintln!("Warning: pause should be the first process");
    }
    loop {
        match signals.wait() {
            Ok(Signal::SIGCHLD) => reap_children(),
            Ok(signal) => {
                eprintln!("Shutting down, got signal: {}", description(signal));
                return ExitCode::SUCCESS;
            }
            Err(err) => {
                eprintln!("Error: sigwait failed: {err}");
                return ExitCode::from(42);
            }
        }
    }
}

/// The signals pause acts on: SIGINT and SIGTERM end it, SIGCHLD reaps.
fn handled_signals() -> SigSet {
    let mut set = SigSet::empty();
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGCHLD] {
        set.add(signal);
    }
    set
}

/// Waits for every child that has exited, without blocking.
fn reap_children() {
    while let Ok(status) = waitpid(None::<Pid>, Some(WaitPidFlag::WNOHANG)) {
        if status == WaitStatus::StillAlive {
            break;
        }
    }
}

/// The signal as `psignal` names it.
fn description(signal: Signal) -> &'static str {
    match signal {
        Signal::SIGINT => "Interrupt",
        Signal::SIGTERM => "Terminated",
        _ => signal.as_str(),
    }
}

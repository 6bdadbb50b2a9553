//! `kubectl exec` and `kubectl attach` into a pod on the Docker backend:
//! the same WebSocket streams as [`super::exec`], bridged to a real `docker
//! exec` in the container, or to the container's main process as `docker
//! attach` reaches it (stdin, stdout and stderr, or one stream with a
//! terminal; its size from kubectl's resize messages; the exit code in the
//! Status).

use axum::extract::ws::{Message, WebSocket};
use bollard::container::LogOutput;
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::{
    AttachContainerOptions, ResizeContainerTTYOptions, ResizeExecOptions,
};
use bollard::Docker;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio_stream::StreamExt;

use super::exec::{exit_status, finish, send, CLOSE, RESIZE, STDERR, STDIN, STDOUT};

/// Runs `argv` in the container `id` and bridges it to the socket until it ends.
pub async fn session(
    mut socket: WebSocket,
    docker: Docker,
    id: String,
    argv: Vec<String>,
    stdin: bool,
    tty: bool,
) {
    let options = CreateExecOptions {
        cmd: Some(argv.clone()),
        attach_stdin: Some(stdin),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        tty: Some(tty),
        ..CreateExecOptions::default()
    };
    let exec = match docker.create_exec(&id, options).await {
        Ok(created) => created.id,
        Err(err) => {
            return finish(socket, failure(&super::super::docker::docker_reason(&err))).await
        }
    };
    let started = docker
        .start_exec(
            &exec,
            Some(StartExecOptions {
                detach: false,
                tty,
                output_capacity: None,
            }),
        )
        .await;
    let (output, input) = match started {
        Ok(StartExecResults::Attached { output, input }) => (output, input),
        Ok(StartExecResults::Detached) => return finish(socket, exit_status(&argv, 0)).await,
        Err(err) => {
            return finish(socket, failure(&super::super::docker::docker_reason(&err))).await
        }
    };
    let terminal = Terminal::Exec(exec.clone());
    bridge(&mut socket, &docker, &terminal, output, input).await;
    let code = docker
        .inspect_exec(&exec)
        .await
        .ok()
        .and_then(|inspected| inspected.exit_code)
        .map_or(0, |code| i32::try_from(code).unwrap_or(1));
    finish(socket, exit_status(&argv, code)).await;
}

/// Attaches to the main process of the container `id` (run with `stdin`
/// open, and a terminal with `tty`, as its spec asked) and bridges it to
/// the socket until the process ends or kubectl leaves; the Status carries
/// the exit code of a process that ended.
pub async fn attach(mut socket: WebSocket, docker: Docker, id: String, argv: Vec<String>) {
    let process = match Process::open(&docker, &id, &argv, true).await {
        Ok(process) => process,
        Err(reason) => return finish(socket, failure(&reason)).await,
    };
    let Process {
        output,
        input,
        exec,
        container,
    } = process;
    bridge(
        &mut socket,
        &docker,
        &Terminal::Container(id),
        output,
        input,
    )
    .await;
    // 0 when kubectl left and the process goes on.
    let code = exit_code_of(&docker, exec.as_deref(), &container).await;
    finish(socket, exit_status(&argv, code)).await;
}

/// The output of a process in a container, as the engine streams it.
pub type OutputStream = std::pin::Pin<
    Box<dyn tokio_stream::Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>,
>;

/// Its stdin.
pub type InputSink = std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>;

/// A process in a real container with its streams open: an exec'd
/// program, or the container's main process attached to.
pub struct Process {
    /// What it prints.
    pub output: OutputStream,
    /// What it reads.
    pub input: InputSink,
    /// The exec's ID, or None for the main process.
    pub exec: Option<String>,
    /// The container's ID.
    pub container: String,
}

impl Process {
    /// Runs `argv` in the container `id` with stdin open and no terminal,
    /// or, with `main_process`, attaches to the container's own process.
    pub async fn open(
        docker: &Docker,
        id: &str,
        argv: &[String],
        main_process: bool,
    ) -> Result<Self, String> {
        let reason = |err: bollard::errors::Error| super::super::docker::docker_reason(&err);
        if main_process {
            let options = AttachContainerOptions {
                stdin: true,
                stdout: true,
                stderr: true,
                stream: true,
                logs: false,
                detach_keys: None,
            };
            let attached = docker
                .attach_container(id, Some(options))
                .await
                .map_err(reason)?;
            return Ok(Self {
                output: attached.output,
                input: attached.input,
                exec: None,
                container: id.to_string(),
            });
        }
        let options = CreateExecOptions {
            cmd: Some(argv.to_vec()),
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(false),
            ..CreateExecOptions::default()
        };
        let exec = docker.create_exec(id, options).await.map_err(reason)?.id;
        let started = docker.start_exec(&exec, None).await.map_err(reason)?;
        match started {
            StartExecResults::Attached { output, input } => Ok(Self {
                output,
                input,
                exec: Some(exec),
                container: id.to_string(),
            }),
            StartExecResults::Detached => Err("the exec started detached".into()),
        }
    }

    /// The exit code once the output ended: the exec's, or the
    /// container's (0 while it still runs). The streams close first.
    pub async fn exit_code(self, docker: &Docker) -> i32 {
        exit_code_of(docker, self.exec.as_deref(), &self.container).await
    }
}

/// The exit code of the exec `exec`, or without one of the container's
/// main process (0 while it still runs).
async fn exit_code_of(docker: &Docker, exec: Option<&str>, container: &str) -> i32 {
    let code = match exec {
        Some(exec) => docker
            .inspect_exec(exec)
            .await
            .ok()
            .and_then(|inspected| inspected.exit_code),
        None => docker
            .inspect_container(container, None)
            .await
            .ok()
            .and_then(|inspected| inspected.state)
            .filter(|state| state.running != Some(true))
            .and_then(|state| state.exit_code),
    };
    code.map_or(0, |code| i32::try_from(code).unwrap_or(1))
}

/// Whose terminal kubectl's resize messages size.
enum Terminal {
    /// An exec's, by its ID.
    Exec(String),
    /// A container's main process's, by the container's ID.
    Container(String),
}

/// Carries the streams between kubectl's socket and the engine's until
/// either side ends: output to stdout or stderr, stdin in (closed when
/// kubectl closes it), resizes to the terminal.
async fn bridge(
    socket: &mut WebSocket,
    docker: &Docker,
    terminal: &Terminal,
    mut output: OutputStream,
    input: InputSink,
) {
    let mut input = Some(input);
    loop {
        tokio::select! {
            chunk = output.next() => {
                let Some(Ok(chunk)) = chunk else { break };
                let (stream, bytes) = match chunk {
                    LogOutput::StdErr { message } => (STDERR, message),
                    LogOutput::StdOut { message } | LogOutput::Console { message } => {
                        (STDOUT, message)
                    }
                    LogOutput::StdIn { .. } => continue,
                };
                if send(socket, stream, &bytes).await.is_err() {
                    break;
                }
            }
            message = socket.recv() => {
                let Some(Ok(Message::Binary(bytes))) = message else {
                    match message {
                        Some(Ok(_)) => continue,
                        _ => break,
                    }
                };
                let Some((&stream, data)) = bytes.split_first() else { continue };
                match stream {
                    STDIN => {
                        if let Some(writer) = input.as_mut() {
                            if writer.write_all(data).await.is_err() {
                                input = None;
                            }
                        }
                    }
                    CLOSE if data.first() == Some(&STDIN) => {
                        if let Some(mut writer) = input.take() {
                            let _ = writer.shutdown().await;
                        }
                    }
                    RESIZE => resize(docker, terminal, data).await,
                    _ => {}
                }
            }
        }
    }
}

/// Applies kubectl's `{"Width":…,"Height":…}` to the terminal.
async fn resize(docker: &Docker, terminal: &Terminal, data: &[u8]) {
    let Ok(size) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let dimension = |key: &str| size[key].as_i64().and_then(|v| i32::try_from(v).ok());
    let (Some(w), Some(h)) = (dimension("Width"), dimension("Height")) else {
        return;
    };
    let _ = match terminal {
        Terminal::Exec(exec) => docker.resize_exec(exec, ResizeExecOptions { h, w }).await,
        Terminal::Container(id) => {
            let options = ResizeContainerTTYOptions { h, w };
            docker.resize_container_tty(id, options).await
        }
    };
}

/// The Status of an exec the engine refused.
fn failure(reason: &str) -> Value {
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("Internal error occurred: error executing command in container: {reason}"),
        "reason": "InternalError",
        "code": 500,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_exec_is_an_internal_error_in_the_engines_words() {
        let status = failure("container abc is not running");
        assert_eq!(status["reason"], "InternalError");
        assert_eq!(
            status["message"],
            "Internal error occurred: error executing command in container: container abc is not running"
        );
    }
}

//! `kubectl exec` into a pod on the Docker backend: the same WebSocket
//! streams as [`super::exec`], bridged to a real `docker exec` in the
//! container (stdin, stdout and stderr, or one stream with a terminal; its
//! size from kubectl's resize messages; its exit code in the Status).

use axum::extract::ws::{Message, WebSocket};
use bollard::exec::{CreateExecOptions, StartExecOptions, StartExecResults};
use bollard::query_parameters::ResizeExecOptions;
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
    let (mut output, mut input) = match started {
        Ok(StartExecResults::Attached { output, input }) => (output, Some(input)),
        Ok(StartExecResults::Detached) => return finish(socket, exit_status(&argv, 0)).await,
        Err(err) => {
            return finish(socket, failure(&super::super::docker::docker_reason(&err))).await
        }
    };
    loop {
        tokio::select! {
            chunk = output.next() => {
                let Some(Ok(chunk)) = chunk else { break };
                let (stream, bytes) = match chunk {
                    bollard::container::LogOutput::StdErr { message } => (STDERR, message),
                    bollard::container::LogOutput::StdOut { message }
                    | bollard::container::LogOutput::Console { message } => (STDOUT, message),
                    bollard::container::LogOutput::StdIn { .. } => continue,
                };
                if send(&mut socket, stream, &bytes).await.is_err() {
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
                    RESIZE => resize(&docker, &exec, data).await,
                    _ => {}
                }
            }
        }
    }
    let code = docker
        .inspect_exec(&exec)
        .await
        .ok()
        .and_then(|inspected| inspected.exit_code)
        .map_or(0, |code| i32::try_from(code).unwrap_or(1));
    finish(socket, exit_status(&argv, code)).await;
}

/// Applies kubectl's `{"Width":…,"Height":…}` to the exec's terminal.
async fn resize(docker: &Docker, exec: &str, data: &[u8]) {
    let Ok(size) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let dimension = |key: &str| size[key].as_i64().and_then(|v| i32::try_from(v).ok());
    if let (Some(w), Some(h)) = (dimension("Width"), dimension("Height")) {
        let _ = docker.resize_exec(exec, ResizeExecOptions { h, w }).await;
    }
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

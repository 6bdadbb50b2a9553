//! `pods/exec` and `pods/attach` over WebSocket, as kubectl 1.32 speaks them
//! first: the `v5.channel.k8s.io` subprotocol (or `v4`), where every binary
//! message starts with its stream: 0 stdin, 1 stdout, 2 stderr, 3 the final
//! Status, 4 terminal resizes, and (v5) 255 to close a stream.
//!
//! A command runs in core's container shell, the same one the playground's
//! terminal uses: once (`kubectl exec POD -- ls /`), or line by line for an
//! interactive shell (`-i`, `-it`). With a terminal (`-t`) kubectl sends raw
//! keystrokes, so a small line discipline here echoes them, edits the line
//! and turns output newlines into CR LF, as a pty would. The exit code goes
//! back in the Status on stream 3, from which kubectl prints
//! `command terminated with exit code N` and exits with N.

use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use sunaba_core::api::{Kind, Object};
use sunaba_core::kubectl::exec::main_shell_of;
use sunaba_core::shell::{ContainerShell, ShellOutput, StartError, Target};

use super::docker_exec;
use super::request::Query;
use super::status::ApiError;
use super::Api;

/// The subprotocols spoken, best first.
pub const PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

pub(super) const STDIN: u8 = 0;
pub(super) const STDOUT: u8 = 1;
pub(super) const STDERR: u8 = 2;
const ERROR: u8 = 3;
pub(super) const RESIZE: u8 = 4;
pub(super) const CLOSE: u8 = 255;

/// What a session runs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Plan {
    target: Target,
    /// The program and its arguments.
    argv: Vec<String>,
    stdin: bool,
    tty: bool,
    /// Attached to the main process: ending it ends the process (with its code).
    main_process: bool,
}

/// `GET|POST …/pods/{name}/exec`.
pub async fn exec(
    State(api): State<Api>,
    Path((namespace, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    upgrade: WebSocketUpgrade,
) -> Response {
    let query = Query::parse(query.as_deref());
    let argv: Vec<String> = query.all("command").map(str::to_string).collect();
    if argv.is_empty() {
        return ApiError::bad_request("you must specify at least one command for the container")
            .into_response();
    }
    let plan = |container: String| Plan {
        target: Target {
            namespace: namespace.clone(),
            pod: name.clone(),
            container,
        },
        argv: argv.clone(),
        stdin: query.flag("stdin"),
        tty: query.flag("tty"),
        main_process: false,
    };
    start(api, plan, query.get("container"), upgrade).await
}

/// `GET|POST …/pods/{name}/attach`: the main process, when it is a shell
/// reading its stdin.
pub async fn attach(
    State(api): State<Api>,
    Path((namespace, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    upgrade: WebSocketUpgrade,
) -> Response {
    let query = Query::parse(query.as_deref());
    let target = |container: String| Target {
        namespace: namespace.clone(),
        pod: name.clone(),
        container,
    };
    let (stdin, tty) = (query.flag("stdin"), query.flag("tty"));
    let container = query.get("container").map(str::to_string);
    let probe = target(container.clone().unwrap_or_default());
    let shell = api
        .cluster
        .call(move |c| main_shell_of(c, &probe))
        .await
        .ok()
        .flatten();
    let plan = move |container: String| Plan {
        target: target(container),
        argv: vec![shell.clone().unwrap_or_else(|| "sh".into())],
        stdin,
        tty,
        main_process: true,
    };
    start(api, plan, container.as_deref(), upgrade).await
}

/// Checks the pod and container, then upgrades and runs the session.
async fn start(
    api: Api,
    plan: impl FnOnce(String) -> Plan,
    container: Option<&str>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let mut plan = plan(container.unwrap_or_default().to_string());
    if plan.target.container.is_empty() {
        match only_container(&api, &plan.target).await {
            Ok(container) => plan.target.container = container,
            Err(error) => return error.into_response(),
        }
    }
    let probe = plan.clone();
    let docker_node = api.docker.as_ref().map(|d| d.node.clone());
    let found = api
        .cluster
        .call(move |c| -> Result<Runs, sunaba_core::api::StatusError> {
            let object = c
                .api()
                .get(Kind::Pod, &probe.target.namespace, &probe.target.pod)?;
            let Object::Pod(pod) = object.as_ref() else {
                return Ok(Runs::Nowhere);
            };
            let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
            if node.is_some() && node == docker_node.as_deref() {
                return Ok(Runs::Docker(running_container_id(
                    pod,
                    &probe.target.container,
                )));
            }
            let shell = ContainerShell::start(c, probe.target.clone(), &probe.argv[0], probe.tty);
            Ok(Runs::Simulated(shell))
        })
        .await;
    let runs = match found {
        Ok(Ok(runs)) => runs,
        Ok(Err(err)) => return ApiError::from(err).into_response(),
        Err(_) => return ApiError::internal("the cluster stopped").into_response(),
    };
    let not_found = || {
        (
            StatusCode::NOT_FOUND,
            format!("container not found (\"{}\")", plan.target.container),
        )
            .into_response()
    };
    match (runs, api.docker.clone()) {
        // Not running, or no such container: the kubelet refuses the upgrade.
        (Runs::Nowhere | Runs::Simulated(Err(StartError::NotRunning(_))), _) => not_found(),
        (Runs::Docker(None), _) => not_found(),
        (Runs::Docker(Some(id)), Some(docker)) if plan.main_process => upgrade
            .protocols(PROTOCOLS)
            .on_upgrade(move |socket| docker_exec::attach(socket, docker.engine, id, plan.argv)),
        (Runs::Docker(Some(id)), Some(docker)) => {
            upgrade.protocols(PROTOCOLS).on_upgrade(move |socket| {
                docker_exec::session(socket, docker.engine, id, plan.argv, plan.stdin, plan.tty)
            })
        }
        (Runs::Docker(Some(_)), None) => not_found(),
        (Runs::Simulated(shell), _) => upgrade
            .protocols(PROTOCOLS)
            .on_upgrade(move |socket| session(socket, api, plan, shell.ok())),
    }
}

/// The pod's one container, for a request that names none (as the API
/// server picks it); with several, the API server's refusal naming them.
async fn only_container(api: &Api, target: &Target) -> Result<String, ApiError> {
    let pod = target.pod.clone();
    let target = target.clone();
    let containers = api
        .cluster
        .call(
            move |c| -> Result<Vec<String>, sunaba_core::api::StatusError> {
                let object = c.api().get(Kind::Pod, &target.namespace, &target.pod)?;
                let Object::Pod(pod) = object.as_ref() else {
                    return Ok(Vec::new());
                };
                Ok(pod
                    .spec
                    .iter()
                    .flat_map(|s| &s.containers)
                    .map(|c| c.name.clone())
                    .collect())
            },
        )
        .await
        .map_err(|_| ApiError::internal("the cluster stopped"))?
        .map_err(ApiError::from)?;
    match containers.as_slice() {
        [only] => Ok(only.clone()),
        many => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {pod}, choose one of: [{}]",
            many.join(" ")
        ))),
    }
}

/// Where the container of an exec runs.
enum Runs {
    /// In the simulation: its shell, or why it cannot start.
    Simulated(Result<ContainerShell, StartError>),
    /// On the Docker engine: the container's ID while it runs.
    Docker(Option<String>),
    /// Not a pod.
    Nowhere,
}

/// A running container's runtime ID, from its pod's status.
pub(super) fn running_container_id(
    pod: &k8s_openapi::api::core::v1::Pod,
    container: &str,
) -> Option<String> {
    let status = pod
        .status
        .as_ref()?
        .container_statuses
        .as_ref()?
        .iter()
        .find(|s| s.name == container)?;
    status.state.as_ref()?.running.as_ref()?;
    Some(sunaba_core::kubelet::worker::strip_runtime(
        status.container_id.as_deref()?,
    ))
}

/// One exec or attach session, until the command or shell ends.
async fn session(mut socket: WebSocket, api: Api, plan: Plan, shell: Option<ContainerShell>) {
    let v5 = socket
        .protocol()
        .is_some_and(|p| p.as_bytes() == PROTOCOLS[0].as_bytes());
    let Some(shell) = shell else {
        finish(socket, not_found_status(&plan.argv[0])).await;
        return;
    };
    let interactive = plan.stdin && plan.argv.len() == 1;
    let code = if interactive {
        interactive_session(&mut socket, &api, &plan, shell, v5).await
    } else {
        run_once(&mut socket, &api, &plan, shell).await
    };
    if let (true, Some(code)) = (plan.main_process, code) {
        let target = plan.target.clone();
        let _ = api
            .cluster
            .call(move |c| c.close_stdin(&target.namespace, &target.pod, &target.container, code))
            .await;
    }
    finish(socket, exit_status(&plan.argv, code.unwrap_or(0))).await;
}

/// Ends a session: the Status on stream 3, then the closing handshake. What
/// kubectl still sends (its stdin's close) is read until its own close, so
/// the connection is not reset under the Status before kubectl reads it.
pub(super) async fn finish(mut socket: WebSocket, status: Value) {
    let _ = send(&mut socket, ERROR, status.to_string().as_bytes()).await;
    if socket.send(normal_close()).await.is_err() {
        return;
    }
    let drain = async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), drain).await;
}

/// Runs the command once and sends what it printed; its exit code.
async fn run_once(
    socket: &mut WebSocket,
    api: &Api,
    plan: &Plan,
    mut shell: ContainerShell,
) -> Option<i32> {
    let argv = plan.argv.clone();
    let output = api
        .cluster
        .call(move |c| shell.run_argv(c, &argv))
        .await
        .ok()?;
    send_output(socket, &output, plan.tty).await;
    Some(output.exited.unwrap_or(output.status))
}

/// A shell reading its stdin line by line until `exit`, EOF or a closed
/// connection; its exit code.
async fn interactive_session(
    socket: &mut WebSocket,
    api: &Api,
    plan: &Plan,
    shell: ContainerShell,
    v5: bool,
) -> Option<i32> {
    let mut shell = Some(shell);
    let mut line = LineDiscipline::new(plan.tty);
    let mut last_status = 0;
    let prompt = shell
        .as_ref()
        .map(ContainerShell::prompt)
        .unwrap_or_default();
    send(socket, STDOUT, prompt.as_bytes()).await.ok()?;
    while let Some(received) = socket.recv().await {
        let Ok(message) = received else {
            break;
        };
        let bytes = match message {
            Message::Binary(bytes) => bytes.to_vec(),
            Message::Close(_) => return Some(last_status),
            _ => continue,
        };
        let Some((&stream, data)) = bytes.split_first() else {
            continue;
        };
        let events = match stream {
            STDIN => line.feed(data),
            CLOSE if v5 && data.first() == Some(&STDIN) => vec![Input::Eof],
            RESIZE => continue,
            _ => continue,
        };
        for event in events {
            let line_text = match event {
                Input::Echo(text) => {
                    send(socket, STDOUT, text.as_bytes()).await.ok()?;
                    continue;
                }
                Input::Eof => {
                    if plan.tty {
                        send(socket, STDOUT, b"exit\r\n").await.ok()?;
                    }
                    return Some(last_status);
                }
                Input::Line(text) => text,
            };
            let mut current = shell.take()?;
            let (output, current) = api
                .cluster
                .call(move |c| {
                    let output = current.run_line(c, &line_text);
                    (output, current)
                })
                .await
                .ok()?;
            send_output(socket, &output, plan.tty).await;
            if let Some(code) = output.exited {
                return Some(code);
            }
            last_status = output.status;
            send(socket, STDOUT, current.prompt().as_bytes())
                .await
                .ok()?;
            shell = Some(current);
        }
    }
    Some(last_status)
}

/// What the line discipline made of some input.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Input {
    /// Echo this back (a terminal shows what is typed).
    Echo(String),
    /// A whole line to run.
    Line(String),
    /// End of input (Ctrl-D on an empty line, or stdin closed).
    Eof,
}

/// A terminal's cooked mode, for raw keystrokes: echo, backspace, Ctrl-C,
/// Ctrl-D, Enter. Without a terminal, input is plain lines and nothing echoes.
#[derive(Clone, Debug, Default)]
struct LineDiscipline {
    tty: bool,
    line: String,
    partial: Vec<u8>,
}

impl LineDiscipline {
    fn new(tty: bool) -> Self {
        Self {
            tty,
            ..Self::default()
        }
    }

    fn feed(&mut self, data: &[u8]) -> Vec<Input> {
        self.partial.extend_from_slice(data);
        // Keep an incomplete UTF-8 sequence for the next chunk.
        let valid = match std::str::from_utf8(&self.partial) {
            Ok(text) => text.len(),
            Err(err) => err.valid_up_to(),
        };
        let text: String = String::from_utf8_lossy(&self.partial[..valid]).into_owned();
        self.partial.drain(..valid);
        let mut events = Vec::new();
        for c in text.chars() {
            self.key(c, &mut events);
        }
        events
    }

    fn key(&mut self, c: char, events: &mut Vec<Input>) {
        match c {
            '\r' | '\n' if self.tty => {
                events.push(Input::Echo("\r\n".into()));
                events.push(Input::Line(std::mem::take(&mut self.line)));
            }
            '\n' => events.push(Input::Line(std::mem::take(&mut self.line))),
            '\u{7f}' | '\u{8}' if self.tty => {
                if self.line.pop().is_some() {
                    events.push(Input::Echo("\u{8} \u{8}".into()));
                }
            }
            '\u{3}' if self.tty => {
                self.line.clear();
                events.push(Input::Echo("^C\r\n".into()));
                events.push(Input::Line(String::new()));
            }
            '\u{4}' if self.tty && self.line.is_empty() => events.push(Input::Eof),
            c if self.tty && c.is_control() => {}
            c => {
                self.line.push(c);
                if self.tty {
                    events.push(Input::Echo(c.to_string()));
                }
            }
        }
    }
}

/// Sends a command's output: with a terminal, one stream with CR LF line ends.
async fn send_output(socket: &mut WebSocket, output: &ShellOutput, tty: bool) {
    if tty {
        let text = format!("{}{}", output.stderr, output.stdout).replace('\n', "\r\n");
        let _ = send(socket, STDOUT, text.as_bytes()).await;
        return;
    }
    if !output.stdout.is_empty() {
        let _ = send(socket, STDOUT, output.stdout.as_bytes()).await;
    }
    if !output.stderr.is_empty() {
        let _ = send(socket, STDERR, output.stderr.as_bytes()).await;
    }
}

/// The close frame that ends a session: 1000, normal closure (kubectl
/// reads a close without a code as an error).
fn normal_close() -> Message {
    Message::Close(Some(CloseFrame {
        code: close_code::NORMAL,
        reason: "".into(),
    }))
}

/// One message on a stream; nothing for no data (kubectl reads an empty
/// message as the end of its stream).
pub(super) async fn send(
    socket: &mut WebSocket,
    stream: u8,
    data: &[u8],
) -> Result<(), axum::Error> {
    if data.is_empty() {
        return Ok(());
    }
    let mut frame = Vec::with_capacity(data.len() + 1);
    frame.push(stream);
    frame.extend_from_slice(data);
    socket.send(Message::Binary(frame.into())).await
}

/// The Status that ends a session: Success, or NonZeroExitCode with the
/// code as its cause (kubectl exits with it).
pub(super) fn exit_status(argv: &[String], code: i32) -> Value {
    if code == 0 {
        return json!({"metadata": {}, "status": "Success"});
    }
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!(
            "command terminated with non-zero exit code: error executing command [{}], exit code {code}",
            argv.join(" ")
        ),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
    })
}

/// The Status when the program is not in the image.
fn not_found_status(program: &str) -> Value {
    let cause = format!(
        "error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown",
        sunaba_core::kubectl::exec::exec_id(program)
    );
    json!({
        "metadata": {},
        "status": "Failure",
        "message": format!("Internal error occurred: Internal error occurred: {cause}"),
        "reason": "InternalError",
        "details": {"causes": [{"message": cause}]},
        "code": 500,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_echoes_edits_and_hands_over_whole_lines() {
        let mut line = LineDiscipline::new(true);
        let events = line.feed(b"ls\x7fs -l\r");
        assert_eq!(
            events,
            [
                Input::Echo("l".into()),
                Input::Echo("s".into()),
                Input::Echo("\u{8} \u{8}".into()),
                Input::Echo("s".into()),
                Input::Echo(" ".into()),
                Input::Echo("-".into()),
                Input::Echo("l".into()),
                Input::Echo("\r\n".into()),
                Input::Line("ls -l".into()),
            ]
        );
        assert_eq!(line.feed(b"\x04"), [Input::Eof]);
    }

    #[test]
    fn without_a_terminal_lines_come_whole_and_nothing_echoes() {
        let mut line = LineDiscipline::new(false);
        assert_eq!(line.feed(b"echo hi\nexi"), [Input::Line("echo hi".into())]);
        assert_eq!(line.feed(b"t 3\n"), [Input::Line("exit 3".into())]);
    }

    #[test]
    fn a_character_split_across_messages_is_kept_whole() {
        let mut line = LineDiscipline::new(false);
        let bytes = "砂場\n".as_bytes();
        assert!(line.feed(&bytes[..2]).is_empty());
        assert_eq!(line.feed(&bytes[2..]), [Input::Line("砂場".into())]);
    }

    #[test]
    fn a_non_zero_exit_carries_its_code_as_kubectl_reads_it() {
        let status = exit_status(&["sh".into(), "-c".into(), "exit 3".into()], 3);
        assert_eq!(status["reason"], "NonZeroExitCode");
        assert_eq!(status["details"]["causes"][0]["reason"], "ExitCode");
        assert_eq!(status["details"]["causes"][0]["message"], "3");
        assert_eq!(exit_status(&[], 0)["status"], "Success");
    }
}

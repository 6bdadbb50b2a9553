//! What a browser's terminal and a server's terminal session say to each
//! other: plain serde data, one JSON text message per WebSocket frame. The
//! server (`sunaba serve`, `/sunaba/v1/terminal`) runs the same
//! [`crate::terminal::Terminal`] the browser runs in a tab, so either way
//! a command prints the same bytes.
//!
//! The browser sends a [`ClientMessage`]: a line with the editor's files
//! (what `kubectl apply -f` reads), or Ctrl-C. The server answers each with
//! a [`ServerMessage::Screen`], and sends more while a command keeps
//! printing (`get -w`, `logs -f`); the first one, on connecting, shows the
//! prompt.

use serde::{Deserialize, Serialize};

use crate::kubectl::Output;
use crate::terminal::Terminal;

/// The WebSocket subprotocol of the terminal session.
pub const TERMINAL_PROTOCOL: &str = "terminal.sunaba.v1";

/// The WebSocket subprotocol of a watch whose events come one per message.
pub const WATCH_PROTOCOL: &str = "watch.sunaba.v1";

/// The prefix of the WebSocket subprotocol that carries a bearer token, as
/// Kubernetes reads it: `base64url.bearer.authorization.k8s.io.<token in
/// unpadded base64url>` (browsers cannot set headers on a WebSocket).
pub const BEARER_PROTOCOL_PREFIX: &str = "base64url.bearer.authorization.k8s.io.";

/// What the browser sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ClientMessage {
    /// A line typed at the prompt, with the files `-f` may read (name, text).
    Line {
        /// The line.
        line: String,
        /// The editor's files.
        #[serde(default)]
        files: Vec<(String, String)>,
    },
    /// Ctrl-C: stop the running command.
    Interrupt,
    /// `kubectl edit`'s buffer was saved (`Some`, with the editor's files)
    /// or given up (`None`).
    FinishEdit {
        /// The buffer as saved.
        saved: Option<String>,
        /// The editor's files.
        #[serde(default)]
        files: Vec<(String, String)>,
    },
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ServerMessage {
    /// What the terminal printed, and how it stands now.
    Screen(Screen),
}

/// Output since the last message, with the terminal's state after it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Screen {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The prompt to show (empty while a command runs).
    pub prompt: String,
    /// Whether a command is still running (Ctrl-C stops it).
    pub busy: bool,
    /// Whether lines go to a container's shell.
    pub in_container: bool,
    /// `kubectl edit`'s buffer, while it waits for the editor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<EditBuffer>,
}

/// The buffer of an edit waiting for the browser's editor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditBuffer {
    /// What is edited: `deployment.apps/echo`.
    pub title: String,
    /// The editor tab's name.
    pub file_name: String,
    /// The text: kubectl's header, any errors, the YAML.
    pub text: String,
}

impl Screen {
    /// What `out` printed, with `terminal`'s state after it.
    pub fn of(out: &Output, terminal: &Terminal) -> Self {
        Self {
            stdout: out.stdout.clone(),
            stderr: out.stderr.clone(),
            prompt: terminal.prompt(),
            busy: terminal.is_busy(),
            in_container: terminal.in_container(),
            edit: terminal.editing().map(|session| EditBuffer {
                title: session.title.clone(),
                file_name: session.file_name.clone(),
                text: session.text.clone(),
            }),
        }
    }

    /// Whether it printed anything.
    pub fn printed(&self) -> bool {
        !self.stdout.is_empty() || !self.stderr.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(
        value: &T,
        json: &str,
    ) {
        assert_eq!(serde_json::to_string(value).expect("serialises"), json);
        assert_eq!(&serde_json::from_str::<T>(json).expect("parses"), value);
    }

    #[test]
    fn client_messages_round_trip_as_tagged_json() {
        round_trip(
            &ClientMessage::Line {
                line: "kubectl apply -f pod.yaml".into(),
                files: vec![("pod.yaml".into(), "kind: Pod\n".into())],
            },
            r#"{"type":"line","line":"kubectl apply -f pod.yaml","files":[["pod.yaml","kind: Pod\n"]]}"#,
        );
        round_trip(&ClientMessage::Interrupt, r#"{"type":"interrupt"}"#);
        let without_files: ClientMessage =
            serde_json::from_str(r#"{"type":"line","line":"ls"}"#).expect("files are optional");
        assert_eq!(
            without_files,
            ClientMessage::Line {
                line: "ls".into(),
                files: Vec::new()
            }
        );
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"reboot"}"#).is_err());
    }

    #[test]
    fn server_messages_round_trip_as_tagged_json() {
        round_trip(
            &ServerMessage::Screen(Screen {
                stdout: "pod/x created\n".into(),
                stderr: String::new(),
                prompt: "$ ".into(),
                busy: false,
                in_container: false,
                edit: None,
            }),
            r#"{"type":"screen","stdout":"pod/x created\n","stderr":"","prompt":"$ ","busy":false,"inContainer":false}"#,
        );
        round_trip(
            &ClientMessage::FinishEdit {
                saved: None,
                files: Vec::new(),
            },
            r#"{"type":"finishEdit","saved":null,"files":[]}"#,
        );
    }

    #[test]
    fn a_screen_shows_the_terminals_state() {
        let screen = Screen::of(&Output::default(), &Terminal::new());
        assert_eq!(screen.prompt, crate::terminal::HOST_PROMPT);
        assert!(!screen.busy && !screen.printed());
    }
}

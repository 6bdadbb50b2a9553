//! Server mode as plain data, with no web APIs: which cluster the page
//! shows ([`Mode`]) and the terminal whose commands run on the server
//! ([`RemoteTerminal`]), speaking [`sunaba_core::remote`]'s messages.

use sunaba_core::remote::{ClientMessage, EditBuffer, Screen, ServerMessage};

use crate::state::{show_output, TermLine};

/// Which cluster the page shows and the terminal drives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// The cluster simulated in this tab (the only one without a token).
    #[default]
    Tab,
    /// The cluster of the `sunaba serve` that served the page, through its API.
    Server,
}

impl Mode {
    /// The name saved across reloads.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Tab => "tab",
            Mode::Server => "server",
        }
    }

    /// The mode a saved name stands for (anything else: the tab).
    pub fn parse(text: &str) -> Self {
        match text {
            "server" => Mode::Server,
            _ => Mode::Tab,
        }
    }
}

/// The terminal in server mode: the scrollback here, the session on the
/// server, which answers every line with a [`Screen`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteTerminal {
    /// What the terminal shows.
    pub scrollback: Vec<TermLine>,
    /// The prompt the server last sent (empty while a command runs).
    pub prompt: String,
    /// Whether a command is still running on the server.
    pub busy: bool,
    /// Whether lines go to a container's shell.
    pub in_container: bool,
    /// Whether the session's WebSocket is open.
    pub connected: bool,
    /// `kubectl edit`'s buffer, while it waits on the server.
    pub edit: Option<EditBuffer>,
}

impl Default for RemoteTerminal {
    fn default() -> Self {
        Self {
            scrollback: vec![TermLine::Out(
                "Connecting to the cluster of the server that served this page…".into(),
            )],
            prompt: String::new(),
            busy: false,
            in_container: false,
            connected: false,
            edit: None,
        }
    }
}

impl RemoteTerminal {
    /// A terminal waiting for its session.
    pub fn new() -> Self {
        Self::default()
    }

    /// A line typed at the prompt: shown with the prompt, and the message
    /// to send (with the editor's files), or None when it goes nowhere
    /// (no session, a command running, or `clear`).
    pub fn typed(&mut self, line: &str, files: &[(String, String)]) -> Option<ClientMessage> {
        if !self.connected || self.busy {
            return None;
        }
        self.scrollback
            .push(TermLine::Input(format!("{}{line}", self.prompt)));
        if line.trim() == "clear" && !self.in_container {
            self.scrollback.clear();
            return None;
        }
        Some(ClientMessage::Line {
            line: line.to_string(),
            files: files.to_vec(),
        })
    }

    /// Ctrl-C: the message to send, when a command runs.
    pub fn interrupt(&self) -> Option<ClientMessage> {
        (self.connected && self.busy).then_some(ClientMessage::Interrupt)
    }

    /// A message from the server; false when it could not be read.
    pub fn receive(&mut self, text: &str) -> bool {
        match serde_json::from_str::<ServerMessage>(text) {
            Ok(ServerMessage::Screen(screen)) => {
                self.show(&screen);
                true
            }
            Err(err) => {
                self.scrollback.push(TermLine::Err(format!(
                    "sunaba: cannot read the server's message: {err}"
                )));
                false
            }
        }
    }

    /// Shows what the server's terminal printed and takes its state.
    pub fn show(&mut self, screen: &Screen) {
        if !self.connected {
            self.connected = true;
            self.scrollback.push(TermLine::Out(
                "Connected: kubectl here runs on the server's cluster, as the real kubectl does."
                    .into(),
            ));
        }
        show_output(&mut self.scrollback, &screen.stdout, &screen.stderr);
        self.prompt = screen.prompt.clone();
        self.busy = screen.busy;
        self.in_container = screen.in_container;
        self.edit = screen.edit.clone();
    }

    /// The message that ends the server's edit: saved with `saved`, or
    /// given up; None when no edit waits.
    pub fn finish_edit(
        &mut self,
        saved: Option<String>,
        files: &[(String, String)],
    ) -> Option<ClientMessage> {
        (self.connected && self.edit.is_some()).then(|| ClientMessage::FinishEdit {
            saved,
            files: files.to_vec(),
        })
    }

    /// The session's WebSocket closed: a new session starts on reconnecting.
    pub fn disconnected(&mut self) {
        if self.connected {
            self.scrollback.push(TermLine::Err(
                "Disconnected from the server; reconnecting…".into(),
            ));
        }
        self.connected = false;
        self.busy = false;
        self.in_container = false;
        self.prompt = String::new();
    }

    /// Whether the scrollback shows an echo server's log line for a request
    /// (what the tutorial's last step looks for in server mode, where the
    /// containers' logs are the server's).
    pub fn shows_received_request(&self) -> bool {
        self.scrollback
            .iter()
            .any(|l| matches!(l, TermLine::Out(t) if t.ends_with("received request")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(stdout: &str, prompt: &str, busy: bool) -> String {
        serde_json::to_string(&ServerMessage::Screen(Screen {
            stdout: stdout.into(),
            prompt: prompt.into(),
            busy,
            ..Screen::default()
        }))
        .expect("serialises")
    }

    #[test]
    fn modes_are_saved_by_name() {
        for mode in [Mode::Tab, Mode::Server] {
            assert_eq!(Mode::parse(mode.as_str()), mode);
        }
        assert_eq!(Mode::parse("moon"), Mode::Tab);
    }

    #[test]
    fn lines_go_out_with_the_files_and_screens_come_back() {
        let mut terminal = RemoteTerminal::new();
        let files = vec![("pod.yaml".to_string(), "kind: Pod".to_string())];
        assert_eq!(
            terminal.typed("kubectl get pods", &files),
            None,
            "no session"
        );
        assert!(terminal.receive(&screen("", "$ ", false)));
        assert!(terminal.connected);
        let sent = terminal.typed("kubectl apply -f pod.yaml", &files);
        assert_eq!(
            sent,
            Some(ClientMessage::Line {
                line: "kubectl apply -f pod.yaml".into(),
                files: files.clone()
            })
        );
        assert_eq!(
            terminal.scrollback.last(),
            Some(&TermLine::Input("$ kubectl apply -f pod.yaml".into()))
        );
        assert!(terminal.receive(&screen("pod/x created\n", "$ ", false)));
        assert_eq!(
            terminal.scrollback.last(),
            Some(&TermLine::Out("pod/x created".into()))
        );
    }

    #[test]
    fn an_edit_on_the_server_waits_for_the_browsers_editor() {
        let mut terminal = RemoteTerminal::new();
        terminal.receive(&screen("", "$ ", false));
        assert_eq!(terminal.finish_edit(None, &[]), None);
        let buffer = EditBuffer {
            title: "deployment.apps/echo".into(),
            file_name: "kubectl-edit-deployment-echo.yaml".into(),
            text: "# Please edit the object below.\n".into(),
        };
        let waiting = serde_json::to_string(&ServerMessage::Screen(Screen {
            busy: true,
            edit: Some(buffer.clone()),
            ..Screen::default()
        }))
        .expect("serialises");
        terminal.receive(&waiting);
        assert_eq!(terminal.edit, Some(buffer));
        assert_eq!(
            terminal.finish_edit(Some("kind: Deployment\n".into()), &[]),
            Some(ClientMessage::FinishEdit {
                saved: Some("kind: Deployment\n".into()),
                files: Vec::new(),
            })
        );
        terminal.receive(&screen("deployment.apps/echo edited\n", "$ ", false));
        assert_eq!(terminal.edit, None);
    }

    #[test]
    fn a_running_command_takes_no_lines_and_ctrl_c_goes_to_the_server() {
        let mut terminal = RemoteTerminal::new();
        assert_eq!(terminal.interrupt(), None);
        terminal.receive(&screen("", "$ ", false));
        terminal.typed("kubectl get pods -w", &[]);
        terminal.receive(&screen("NAME   READY\n", "", true));
        assert_eq!(terminal.typed("kubectl get nodes", &[]), None);
        assert_eq!(terminal.interrupt(), Some(ClientMessage::Interrupt));
        terminal.disconnected();
        assert!(!terminal.busy && !terminal.connected);
        assert_eq!(terminal.interrupt(), None);
    }

    #[test]
    fn clear_empties_the_scrollback_here() {
        let mut terminal = RemoteTerminal::new();
        terminal.receive(&screen("", "$ ", false));
        assert_eq!(terminal.typed("clear", &[]), None);
        assert!(terminal.scrollback.is_empty());
    }

    #[test]
    fn a_damaged_message_is_shown_not_obeyed() {
        let mut terminal = RemoteTerminal::new();
        assert!(!terminal.receive("{}"));
        assert!(matches!(terminal.scrollback.last(), Some(TermLine::Err(_))));
        assert!(!terminal.connected);
    }
}

//! The terminal panel: scrollback above, the prompt and an input line
//! below. Enter runs the line; Up and Down walk the history; Tab completes
//! commands, resource types and file names; Ctrl-L clears; Ctrl-C drops the
//! line.

use std::rc::Rc;

use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::i18n::{use_lang, Texts};
use crate::state::TermLine;

/// What the terminal shows and where its lines go.
#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// The scrollback, shared: the same `Rc` until a line is added.
    pub lines: Rc<Vec<TermLine>>,
    /// The prompt before the input.
    pub prompt: String,
    /// Lines typed before, oldest first.
    pub history: Vec<String>,
    /// Names Tab can complete to (files, objects).
    pub completions: Vec<String>,
    /// Runs a line.
    pub on_run: Callback<String>,
    /// Clears the screen (Ctrl-L).
    pub on_clear: Callback<()>,
    /// Stops the running command (Ctrl-C).
    pub on_interrupt: Callback<()>,
    /// A command is still running: no prompt, and Ctrl-C stops it.
    pub busy: bool,
    /// A line pasted in (a tutorial command), numbered so that pasting the
    /// same line twice pastes it again.
    #[prop_or_default]
    pub paste: Option<(u64, String)>,
}

/// The terminal panel.
#[function_component(TerminalPanel)]
pub fn terminal_panel(props: &TerminalProps) -> Html {
    let input = use_state(String::new);
    let history_index = use_state(|| None::<usize>);
    let input_ref = use_node_ref();
    let scrollback_ref = use_node_ref();

    {
        // A pasted line replaces the input, ready for Enter.
        let input = input.clone();
        let input_ref = input_ref.clone();
        use_effect_with(props.paste.clone(), move |paste| {
            if let Some((_, line)) = paste {
                input.set(line.clone());
                if let Some(element) = input_ref.cast::<HtmlInputElement>() {
                    let _ = element.focus();
                }
            }
        });
    }
    {
        // Keep the newest line in view by scrolling the scrollback alone,
        // never the page around it.
        let scrollback_ref = scrollback_ref.clone();
        use_effect_with(props.lines.len(), move |_| {
            if let Some(scrollback) = scrollback_ref.cast::<web_sys::Element>() {
                scrollback.set_scroll_top(scrollback.scroll_height());
            }
        });
    }

    let onkeydown = {
        let input = input.clone();
        let history_index = history_index.clone();
        let history = props.history.clone();
        let completions = props.completions.clone();
        let on_run = props.on_run.clone();
        let on_clear = props.on_clear.clone();
        let on_interrupt = props.on_interrupt.clone();
        let busy = props.busy;
        Callback::from(move |event: KeyboardEvent| {
            // Keys that confirm an IME conversion (Japanese input) belong to
            // the IME, not to the prompt.
            if event.is_composing() || event.key_code() == 229 {
                return;
            }
            let key = event.key();
            match (key.as_str(), event.ctrl_key()) {
                ("Enter", _) => {
                    on_run.emit((*input).clone());
                    input.set(String::new());
                    history_index.set(None);
                }
                ("ArrowUp", _) => {
                    event.prevent_default();
                    let next = match *history_index {
                        None => history.len().checked_sub(1),
                        Some(i) => Some(i.saturating_sub(1)),
                    };
                    if let Some(i) = next {
                        input.set(history[i].clone());
                        history_index.set(Some(i));
                    }
                }
                ("ArrowDown", _) => {
                    event.prevent_default();
                    match *history_index {
                        Some(i) if i + 1 < history.len() => {
                            input.set(history[i + 1].clone());
                            history_index.set(Some(i + 1));
                        }
                        _ => {
                            input.set(String::new());
                            history_index.set(None);
                        }
                    }
                }
                ("Tab", _) => {
                    event.prevent_default();
                    if let Some(completed) = complete(&input, &completions) {
                        input.set(completed);
                    }
                }
                ("l", true) => {
                    event.prevent_default();
                    on_clear.emit(());
                }
                ("c", true) => {
                    event.prevent_default();
                    if busy {
                        on_interrupt.emit(());
                    }
                    input.set(String::new());
                }
                _ => {}
            }
        })
    };
    let oninput = {
        let input = input.clone();
        Callback::from(move |event: InputEvent| {
            let target: HtmlInputElement = event.target_unchecked_into();
            input.set(target.value());
        })
    };
    let focus = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(element) = input_ref.cast::<HtmlInputElement>() {
                let _ = element.focus();
            }
        })
    };

    let texts = use_lang().texts();
    html! {
        <section class="panel terminal" data-testid="terminal" aria-label={texts.terminal} onclick={focus}>
            <div class="scrollback" role="log" aria-live="polite" data-testid="terminal-output" ref={scrollback_ref}>
                <Scrollback lines={props.lines.clone()} />
            </div>
            <label class="prompt-line">
                <span class="prompt" data-testid="prompt">{ &props.prompt }</span>
                <input
                    ref={input_ref}
                    data-testid="terminal-input"
                    aria-label={texts.command}
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    value={(*input).clone()}
                    {oninput}
                    {onkeydown}
                />
            </label>
        </section>
    }
}

/// The scrollback's props.
#[derive(Properties, PartialEq)]
struct ScrollbackProps {
    lines: Rc<Vec<TermLine>>,
}

/// The lines shown, drawn again only when they change (not when the
/// prompt or the completions do).
#[function_component(Scrollback)]
fn scrollback(props: &ScrollbackProps) -> Html {
    let texts = use_lang().texts();
    html! { <>{ for props.lines.iter().map(|line| render_line(line, texts)) }</> }
}

fn render_line(line: &TermLine, texts: &Texts) -> Html {
    match line {
        TermLine::Welcome => html! { <pre class="line out welcome">{ texts.welcome }</pre> },
        TermLine::Input(text) => html! { <pre class="line input">{ text }</pre> },
        TermLine::Out(text) => html! { <pre class="line out">{ text }</pre> },
        TermLine::Err(text) => html! { <pre class="line err">{ text }</pre> },
    }
}

/// Completes the last word of a line from kubectl's commands, resource
/// types and the given names: the longest common prefix of the matches.
pub fn complete(line: &str, names: &[String]) -> Option<String> {
    let start = line.rfind(' ').map_or(0, |i| i + 1);
    let word = &line[start..];
    let words: Vec<&str> = line.split_whitespace().collect();
    let completing_command = words.first() == Some(&"kubectl")
        && (words.len() == 1 || (words.len() == 2 && !line.ends_with(' ')));
    let candidates: Vec<String> = if !line.contains(' ') {
        ["kubectl", "clear", "ls", "cat", "sleep"]
            .iter()
            .map(|c| c.to_string())
            .collect()
    } else if completing_command {
        sunaba_core::kubectl::COMMANDS
            .iter()
            .map(|c| c.to_string())
            .collect()
    } else if word.starts_with('-') {
        command_flags(&words)
    } else {
        RESOURCE_TYPES
            .iter()
            .map(|s| s.to_string())
            .chain(names.iter().cloned())
            .collect()
    };
    let matches: Vec<&String> = candidates.iter().filter(|c| c.starts_with(word)).collect();
    let first = matches.first()?;
    let common = matches.iter().skip(1).fold(first.len(), |len, m| {
        first
            .chars()
            .zip(m.chars())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count()
    });
    let mut completed = format!("{}{}", &line[..start], &first[..common]);
    if matches.len() == 1 {
        completed.push(' ');
    }
    (completed != line).then_some(completed)
}

/// The flags of the kubectl command a line names (`rollout undo` for
/// `kubectl rollout undo deploy/web --to`), from kubectl's own help, and
/// the global flags learners use most.
fn command_flags(words: &[&str]) -> Vec<String> {
    let path: Vec<&str> = words
        .iter()
        .skip(1)
        .copied()
        .filter(|w| !w.starts_with('-'))
        .collect();
    sunaba_core::kubectl::help::flags_of(&path)
        .into_iter()
        .chain(["--namespace", "--help"])
        .map(str::to_string)
        .collect()
}

const RESOURCE_TYPES: &[&str] = &[
    "pods",
    "replicasets",
    "deployments",
    "services",
    "endpoints",
    "nodes",
    "namespaces",
    "events",
    "configmaps",
    "secrets",
    "all",
    "deployment/",
    "pod/",
    "service/",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_completes_each_commands_own_flags() {
        sunaba_core::kubectl::help::install(include_str!(
            "../../../core/data/kubectl-1.32-help.txt"
        ));
        assert_eq!(
            complete("kubectl get pods --show-l", &[]),
            Some("kubectl get pods --show-labels ".into())
        );
        assert_eq!(
            complete("kubectl rollout undo deployment/echo --to", &[]),
            Some("kubectl rollout undo deployment/echo --to-revision ".into())
        );
        assert_eq!(
            complete("kubectl logs -f echo --tim", &[]),
            Some("kubectl logs -f echo --timestamps ".into())
        );
        assert_eq!(
            complete("kubectl apply --namesp", &[]),
            Some("kubectl apply --namespace ".into()),
            "a global flag"
        );
        assert_eq!(complete("kubectl get --show-labelz", &[]), None);
    }

    #[test]
    fn tab_completes_commands_types_and_names() {
        assert_eq!(complete("kub", &[]), Some("kubectl ".into()));
        assert_eq!(complete("kubectl app", &[]), Some("kubectl apply ".into()));
        assert_eq!(
            complete("kubectl ap", &[]),
            None,
            "api-resources, api-versions, apply"
        );
        assert_eq!(
            complete("kubectl get dep", &[]),
            Some("kubectl get deployment".into())
        );
        let names = vec![
            "simple-pod.yaml".to_string(),
            "simple-service.yaml".to_string(),
        ];
        assert_eq!(
            complete("kubectl apply -f simple-p", &names),
            Some("kubectl apply -f simple-pod.yaml ".into())
        );
        assert_eq!(
            complete("kubectl apply -f simple-", &names),
            None,
            "no longer common prefix to add"
        );
    }
}

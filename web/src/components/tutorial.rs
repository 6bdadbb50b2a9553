//! The tutorial panel: the chapter's steps, each with its idea, the
//! manifest it works with (a click opens it in the editor), commands (a
//! click pastes one into the terminal), and the goal its check watches,
//! ticked once the cluster shows it. The open step is the one the learner
//! moved to, and stays open, done or not, until they move on.

use yew::prelude::*;

use crate::i18n::use_lang;
use crate::tutorial::{current_step, STEPS};

/// Progress, and where clicks go.
#[derive(Properties, PartialEq)]
pub struct TutorialProps {
    /// Ids of the finished steps.
    pub done: Vec<String>,
    /// The id of the step "Next" (or a share link) moved on to, if any.
    pub moved_to: Option<String>,
    /// Pastes a command into the terminal.
    pub on_paste: Callback<String>,
    /// Opens a seed manifest in the editor.
    pub on_open: Callback<String>,
    /// Moves on to the step with this id.
    pub on_move: Callback<String>,
}

/// The tutorial panel.
#[function_component(TutorialPanel)]
pub fn tutorial_panel(props: &TutorialProps) -> Html {
    let lang = use_lang();
    let texts = lang.texts();
    let current = current_step(&props.done, props.moved_to.as_deref());
    let finished = props.done.len().min(STEPS.len());
    html! {
        <section class="panel tutorial" data-testid="tutorial" aria-label={texts.tutorial}>
            <h2>{ (texts.tutorial_progress)(finished, STEPS.len()) }</h2>
            <ol class="steps">
                { for STEPS.iter().enumerate().map(|(i, step)| {
                    let done = props.done.iter().any(|d| d == step.id);
                    let open = i == current;
                    html! {
                        <li key={step.id} class={classes!("step", done.then_some("done"), open.then_some("current"))}
                            data-testid={format!("step-{}", step.id)}>
                            <details open={open}>
                                <summary onclick={props.on_move.reform(move |event: MouseEvent| {
                                    // The panel decides which step is open.
                                    event.prevent_default();
                                    step.id.to_string()
                                })}>{ if done { "✓ " } else { "" } }{ step.title.get(lang) }</summary>
                                <div class="step-body" data-testid={open.then_some("tutorial-step")}
                                    data-step={step.id} data-done={done.to_string()}>
                                    { for step.text.get(lang).split("\n\n").map(|paragraph| html! { <p>{ paragraph }</p> }) }
                                    if let Some(file) = step.manifest {
                                        <button class="manifest" data-testid="open-manifest"
                                            onclick={props.on_open.reform(move |_| file.to_string())}>
                                            { "📄 " }{ (texts.open_in_editor)(file) }
                                        </button>
                                    }
                                    <p class="try">{ texts.try_these }</p>
                                    <ul class="commands">
                                        { for step.commands.iter().map(|command| html! {
                                            <li><button class="command" title={texts.paste_title}
                                                data-testid="tutorial-command"
                                                onclick={props.on_paste.reform(move |_| command.to_string())}>
                                                <code>{ *command }</code>
                                            </button></li>
                                        }) }
                                    </ul>
                                    <p class={classes!("goal", done.then_some("met"))} data-testid="tutorial-goal">
                                        { if done { "✓ " } else { "○ " } }{ texts.goal }{ step.goal.get(lang) }
                                    </p>
                                    if open && i + 1 < STEPS.len() {
                                        <button class={classes!("next", done.then_some("primary"))} data-testid="tutorial-next"
                                            onclick={props.on_move.reform(move |_| STEPS[i + 1].id.to_string())}>
                                            { texts.next_step }
                                        </button>
                                    }
                                    if open && i + 1 == STEPS.len() && done {
                                        <p class="all-done" data-testid="tutorial-finished">{ texts.all_done }</p>
                                    }
                                </div>
                            </details>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}

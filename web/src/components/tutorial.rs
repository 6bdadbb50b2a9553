//! The tutorial panel: the chapter's steps, each with its text, commands
//! that run on click, and a tick once the cluster shows it done. The step
//! shown is the first not done, or the one "Next" moved on to.

use yew::prelude::*;

use crate::tutorial::STEPS;

/// Progress and where clicked commands go.
#[derive(Properties, PartialEq)]
pub struct TutorialProps {
    /// Ids of the finished steps.
    pub done: Vec<String>,
    /// Runs a command in the terminal.
    pub on_run: Callback<String>,
}

/// The tutorial panel.
#[function_component(TutorialPanel)]
pub fn tutorial_panel(props: &TutorialProps) -> Html {
    let first_undone = STEPS
        .iter()
        .position(|s| !props.done.iter().any(|d| d == s.id))
        .unwrap_or(STEPS.len());
    let moved_on = use_state(|| None::<usize>);
    let current = moved_on
        .map_or(first_undone, |i| i.max(first_undone))
        .min(STEPS.len());
    html! {
        <section class="panel tutorial" data-testid="tutorial" aria-label="Tutorial">
            <h2>{ format!("Tutorial · {}/{} done", props.done.len().min(STEPS.len()), STEPS.len()) }</h2>
            <ol class="steps">
                { for STEPS.iter().enumerate().map(|(i, step)| {
                    let done = props.done.iter().any(|d| d == step.id);
                    html! {
                        <li class={classes!("step", done.then_some("done"), (i == current).then_some("current"))}
                            data-testid={format!("step-{}", step.id)}>
                            <details open={i == current}>
                                <summary>{ if done { "✓ " } else { "" } }{ step.title }</summary>
                                <div class="step-body" data-testid={(i == current).then_some("tutorial-step")}>
                                <p>{ step.text }</p>
                                <ul class="commands">
                                    { for step.commands.iter().map(|command| {
                                        let on_run = props.on_run.clone();
                                        let line = command.to_string();
                                        html! {
                                            <li><button class="command" title="Run in the terminal"
                                                onclick={Callback::from(move |_| on_run.emit(line.clone()))}>
                                                <code>{ *command }</code>
                                            </button></li>
                                        }
                                    }) }
                                </ul>
                                if i == current && i + 1 < STEPS.len() {
                                    <button class="next" data-testid="tutorial-next"
                                        onclick={let moved_on = moved_on.clone(); Callback::from(move |_| moved_on.set(Some(i + 1)))}>
                                        { "Next step →" }
                                    </button>
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

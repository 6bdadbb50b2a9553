//! The tutorial panel: the chapter's steps, each with its idea, the
//! manifest it works with (a click opens it in the editor), commands (a
//! click pastes one into the terminal), and the goal its check watches,
//! ticked once the cluster shows it. The open step is the first not done,
//! or a later one "Next" moved on to.

use yew::prelude::*;

use crate::i18n::use_lang;
use crate::tutorial::STEPS;

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

/// The index of the step shown open: the first not done, or a later one
/// moved on to; the last once all are done.
pub fn current_step(done: &[String], moved_to: Option<&str>) -> usize {
    let first_undone = STEPS
        .iter()
        .position(|s| !done.iter().any(|d| d == s.id))
        .unwrap_or(STEPS.len());
    let moved = moved_to.and_then(|id| STEPS.iter().position(|s| s.id == id));
    moved
        .map_or(first_undone, |i| i.max(first_undone))
        .min(STEPS.len() - 1)
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
                                <summary>{ if done { "✓ " } else { "" } }{ step.title.get(lang) }</summary>
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
                                        <button class="next" data-testid="tutorial-next"
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_open_step_is_the_first_not_done_or_a_later_one_moved_to() {
        assert_eq!(current_step(&[], None), 0);
        assert_eq!(current_step(&ids(&["kubernetes", "nodes"]), None), 2);
        assert_eq!(current_step(&ids(&["kubernetes"]), Some("service")), 8);
        // Moving back behind unfinished work is not a thing Next does.
        assert_eq!(
            current_step(&ids(&["kubernetes", "nodes", "pod"]), Some("nodes")),
            3
        );
        assert_eq!(current_step(&[], Some("no-such-step")), 0);
        let all: Vec<String> = STEPS.iter().map(|s| s.id.to_string()).collect();
        assert_eq!(current_step(&all, None), STEPS.len() - 1);
    }
}

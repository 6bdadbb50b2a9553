//! The editor panel: a tab per file, line numbers, YAML highlighting under
//! a transparent textarea, problems found as you type (core's own strict
//! decoder), and Apply, which runs `kubectl apply -f` in the terminal.

use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use sunaba_core::api::decode::{decode_manifests, DecodeError};

/// The files and what the editor may ask for.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// File names, in tab order.
    pub names: Vec<String>,
    /// The open file's index.
    pub active: usize,
    /// The open file's text.
    pub text: String,
    /// The text changed.
    pub on_edit: Callback<String>,
    /// Another tab was chosen.
    pub on_select: Callback<usize>,
    /// Apply the open file.
    pub on_apply: Callback<()>,
    /// A new file.
    pub on_new: Callback<()>,
    /// Rename the open file.
    pub on_rename: Callback<()>,
    /// Delete the open file.
    pub on_delete: Callback<()>,
}

/// A problem in the text, with its line when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, when the decoder knows it.
    pub line: Option<usize>,
    /// What is wrong, in the API server's words.
    pub message: String,
}

/// What core's decoder says of a manifest, as the API server would.
pub fn problems(text: &str) -> Vec<Problem> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    match decode_manifests(text) {
        Ok(_) => Vec::new(),
        Err(err) => {
            let line = match &err {
                DecodeError::Syntax { line, .. } => *line,
                DecodeError::TooDeep { line } => Some(*line),
                _ => None,
            };
            let mut message = err.message();
            for hint in err.hints() {
                message.push_str(&format!(" ({hint})"));
            }
            vec![Problem { line, message }]
        }
    }
}

/// The editor panel.
#[function_component(EditorPanel)]
pub fn editor_panel(props: &EditorProps) -> Html {
    let found = use_memo(props.text.clone(), |text| problems(text));
    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            on_edit.emit(area.value());
        })
    };
    let onkeydown = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.is_composing() {
                return;
            }
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            match event.key().as_str() {
                "Tab" if !event.shift_key() => {
                    event.prevent_default();
                    insert_at_cursor(&area, "  ", &on_edit);
                }
                "Enter" => {
                    event.prevent_default();
                    let indent = current_indent(&area);
                    insert_at_cursor(&area, &format!("\n{indent}"), &on_edit);
                }
                _ => {}
            }
        })
    };
    let line_count = props.text.lines().count().max(1) + usize::from(props.text.ends_with('\n'));
    let bad_lines: Vec<usize> = found.iter().filter_map(|p| p.line).collect();
    html! {
        <section class="panel editor" data-testid="editor" aria-label="Editor">
            <div class="tabs" role="tablist">
                { for props.names.iter().enumerate().map(|(i, name)| {
                    let on_select = props.on_select.clone();
                    html! {
                        <button role="tab" class={classes!("tab", (i == props.active).then_some("active"))}
                            aria-selected={(i == props.active).to_string()}
                            data-testid={format!("tab-{name}")}
                            onclick={Callback::from(move |_| on_select.emit(i))}>{ name }</button>
                    }
                }) }
                <button class="tab-action" title="New file" aria-label="New file" data-testid="new-file"
                    onclick={props.on_new.reform(|_| ())}>{ "+" }</button>
            </div>
            <div class="toolbar">
                <button class="primary" data-testid="apply" onclick={props.on_apply.reform(|_| ())}>{ "Apply" }</button>
                <button data-testid="rename" onclick={props.on_rename.reform(|_| ())}>{ "Rename" }</button>
                <button data-testid="delete-file" onclick={props.on_delete.reform(|_| ())}>{ "Delete" }</button>
            </div>
            <div class="code">
                <ol class="gutter" aria-hidden="true">
                    { for (1..=line_count).map(|n| html! {
                        <li class={classes!(bad_lines.contains(&n).then_some("bad"))}>{ n }</li>
                    }) }
                </ol>
                <div class="layers">
                    <pre class="highlight" aria-hidden="true">{ highlight(&props.text) }</pre>
                    <textarea
                        data-testid="editor-text"
                        aria-label="Manifest"
                        spellcheck="false"
                        autocapitalize="off"
                        value={props.text.clone()}
                        {oninput}
                        {onkeydown}
                    />
                </div>
            </div>
            <ul class="problems" data-testid="problems" aria-live="polite">
                { for found.iter().map(|p| html! {
                    <li>{ p.line.map(|l| format!("line {l}: ")).unwrap_or_default() }{ &p.message }</li>
                }) }
            </ul>
        </section>
    }
}

/// Inserts text at the cursor (replacing a selection) and reports the change.
fn insert_at_cursor(area: &HtmlTextAreaElement, text: &str, on_edit: &Callback<String>) {
    let value = area.value();
    let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
    let (start, end) = (utf16_to_byte(&value, start), utf16_to_byte(&value, end));
    let updated = format!("{}{text}{}", &value[..start], &value[end..]);
    area.set_value(&updated);
    let cursor = (value[..start].encode_utf16().count() + text.encode_utf16().count()) as u32;
    let _ = area.set_selection_range(cursor, cursor);
    on_edit.emit(updated);
}

/// The leading spaces of the line the cursor is on.
fn current_indent(area: &HtmlTextAreaElement) -> String {
    let value = area.value();
    let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let start = utf16_to_byte(&value, start);
    let line_start = value[..start].rfind('\n').map_or(0, |i| i + 1);
    value[line_start..]
        .chars()
        .take_while(|c| *c == ' ')
        .collect()
}

/// A UTF-16 offset (as the DOM counts) as a byte offset into `text`.
fn utf16_to_byte(text: &str, offset: usize) -> usize {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        if units >= offset {
            return byte;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// YAML, coloured: keys, comments, strings, numbers and list dashes.
pub fn highlight(text: &str) -> Html {
    html! {
        { for text.split('\n').enumerate().map(|(i, line)| html! {
            <>
                if i > 0 { { "\n" } }
                { highlight_line(line) }
            </>
        }) }
    }
}

fn highlight_line(line: &str) -> Html {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.starts_with('#') {
        return html! { <>{ indent }<span class="tok-comment">{ trimmed }</span></> };
    }
    let (dash, rest) = match trimmed.strip_prefix("- ") {
        Some(rest) => ("- ", rest),
        None => ("", trimmed),
    };
    match rest.split_once(':') {
        Some((key, value)) if !key.contains(' ') || key.starts_with('"') => html! {
            <>
                { indent }<span class="tok-dash">{ dash }</span>
                <span class="tok-key">{ key }</span>{ ":" }{ value_span(value) }
            </>
        },
        _ => html! { <>{ indent }<span class="tok-dash">{ dash }</span>{ value_span(rest) }</> },
    }
}

fn value_span(value: &str) -> Html {
    let trimmed = value.trim();
    let class = if trimmed.starts_with('"') || trimmed.starts_with('\'') {
        "tok-string"
    } else if trimmed.parse::<f64>().is_ok() || matches!(trimmed, "true" | "false" | "null") {
        "tok-number"
    } else {
        "tok-value"
    };
    html! { <span class={class}>{ value }</span> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_carry_the_decoders_words_and_lines() {
        assert_eq!(
            problems("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"),
            vec![]
        );
        let typo = problems(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    imag: nginx\n",
        );
        assert!(
            typo[0]
                .message
                .contains("unknown field \"spec.containers[0].imag\""),
            "{typo:?}"
        );
        let broken = problems("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [\n");
        assert!(broken[0].line.is_some(), "{broken:?}");
    }

    #[test]
    fn utf16_offsets_map_to_bytes() {
        assert_eq!(utf16_to_byte("aé日本", 2), 3);
        assert_eq!(utf16_to_byte("aé日本", 3), 6);
        assert_eq!(utf16_to_byte("ab", 9), 2);
    }
}

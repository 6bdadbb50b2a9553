//! The editor panel: a tab per file, line numbers, YAML highlighting under
//! a transparent textarea, problems found as you type (core's own strict
//! decoder), field help from the OpenAPI schemas that `kubectl explain`
//! reads (completion of the field names that fit where the cursor is, and
//! the documentation of the field under the cursor or the mouse), and
//! Apply, which runs `kubectl apply -f` in the terminal.

use web_sys::{HtmlTextAreaElement, KeyboardEvent, MouseEvent};
use yew::prelude::*;

use crate::i18n::{use_lang, Texts};
use sunaba_core::api::decode::{decode_manifests, DecodeError};
use sunaba_core::schema_help::{self, Completions, FieldDoc};

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
    /// What `kubectl edit` is waiting on (`deployment.apps/echo`), if it is.
    #[prop_or_default]
    pub editing: Option<String>,
    /// End the edit: save the buffer (true) or give up (false).
    #[prop_or_default]
    pub on_finish_edit: Callback<bool>,
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

/// The field suggestions on show and the one picked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Suggesting {
    open: bool,
    selected: usize,
}

/// The editor panel.
#[function_component(EditorPanel)]
pub fn editor_panel(props: &EditorProps) -> Html {
    let found = use_memo(props.text.clone(), |text| problems(text));
    let area_ref = use_node_ref();
    let measure_ref = use_node_ref();
    let tabs_ref = use_node_ref();
    {
        // The tabs scroll sideways: keep the open one in view.
        let tabs_ref = tabs_ref.clone();
        use_effect_with((props.active, props.names.len()), move |_| {
            if let Some(tabs) = tabs_ref.cast::<web_sys::HtmlElement>() {
                let active = tabs
                    .query_selector(".tab.active")
                    .ok()
                    .flatten()
                    .and_then(|tab| {
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(tab).ok()
                    });
                if let Some(tab) = active {
                    let (left, right) = (tab.offset_left(), tab.offset_left() + tab.offset_width());
                    let (shown_from, width) = (tabs.scroll_left(), tabs.client_width());
                    if left < shown_from {
                        tabs.set_scroll_left(left);
                    } else if right > shown_from + width {
                        tabs.set_scroll_left(right - width);
                    }
                }
            }
        });
    }
    // The cursor as a byte offset into the text.
    let cursor = use_state(|| 0usize);
    let suggesting = use_state(Suggesting::default);
    let mouse_doc = use_state(|| None::<FieldDoc>);
    let completions = suggesting
        .open
        .then(|| schema_help::completions(&props.text, *cursor))
        .flatten()
        .filter(|c| !c.fields.is_empty());
    let cursor_doc = schema_help::line_field(&props.text, *cursor);

    let track_cursor = {
        let cursor = cursor.clone();
        move |area: &HtmlTextAreaElement| {
            let value = area.value();
            let at = area.selection_start().ok().flatten().unwrap_or(0) as usize;
            cursor.set(utf16_to_byte(&value, at));
        }
    };
    let oninput = {
        let on_edit = props.on_edit.clone();
        let suggesting = suggesting.clone();
        let track_cursor = track_cursor.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            track_cursor(&area);
            // While an IME composes (Japanese input), nothing is offered.
            let typed_a_key_character = !event.is_composing()
                && event
                    .data()
                    .is_some_and(|d| d.chars().all(|c| c.is_ascii_alphanumeric()));
            suggesting.set(Suggesting {
                open: typed_a_key_character,
                selected: 0,
            });
            on_edit.emit(area.value());
        })
    };
    let onkeyup = {
        let track_cursor = track_cursor.clone();
        Callback::from(move |event: KeyboardEvent| {
            if !matches!(event.key().as_str(), "ArrowUp" | "ArrowDown") {
                track_cursor(&event.target_unchecked_into());
            }
        })
    };
    let onclick = {
        let suggesting = suggesting.clone();
        Callback::from(move |event: MouseEvent| {
            track_cursor(&event.target_unchecked_into());
            suggesting.set(Suggesting::default());
        })
    };
    let onmousemove = {
        let text = props.text.clone();
        let mouse_doc = mouse_doc.clone();
        let measure_ref = measure_ref.clone();
        Callback::from(move |event: MouseEvent| {
            let doc = offset_under_mouse(&text, &event, &measure_ref)
                .and_then(|offset| schema_help::hover(&text, offset));
            if *mouse_doc != doc {
                mouse_doc.set(doc);
            }
        })
    };
    let onkeydown = {
        let on_edit = props.on_edit.clone();
        let suggesting = suggesting.clone();
        let completions = completions.clone();
        let cursor = cursor.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.is_composing() || event.key_code() == 229 {
                return;
            }
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            if let Some(list) = &completions {
                let count = list.fields.len();
                let selected = suggesting.selected.min(count - 1);
                let key = event.key();
                let step = |to: usize| {
                    event.prevent_default();
                    suggesting.set(Suggesting {
                        open: true,
                        selected: to,
                    });
                };
                match key.as_str() {
                    "ArrowDown" => return step((selected + 1) % count),
                    "ArrowUp" => return step((selected + count - 1) % count),
                    "Enter" | "Tab" => {
                        event.prevent_default();
                        accept(&area, list, selected, &on_edit, &cursor);
                        suggesting.set(Suggesting::default());
                        return;
                    }
                    "Escape" => {
                        event.prevent_default();
                        suggesting.set(Suggesting::default());
                        return;
                    }
                    _ => {}
                }
            }
            match event.key().as_str() {
                " " if event.ctrl_key() => {
                    event.prevent_default();
                    suggesting.set(Suggesting {
                        open: true,
                        selected: 0,
                    });
                }
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
    let tooltip = mouse_doc.as_ref().map(doc_text);
    let on_pick = {
        let area_ref = area_ref.clone();
        let on_edit = props.on_edit.clone();
        let suggesting = suggesting.clone();
        let completions = completions.clone();
        let cursor = cursor.clone();
        move |index: usize| {
            let (area_ref, on_edit, suggesting) =
                (area_ref.clone(), on_edit.clone(), suggesting.clone());
            let (completions, cursor) = (completions.clone(), cursor.clone());
            Callback::from(move |event: MouseEvent| {
                event.prevent_default();
                if let (Some(area), Some(list)) =
                    (area_ref.cast::<HtmlTextAreaElement>(), &completions)
                {
                    accept(&area, list, index, &on_edit, &cursor);
                    let _ = area.focus();
                }
                suggesting.set(Suggesting::default());
            })
        }
    };
    let texts = use_lang().texts();
    html! {
        <section class="panel editor" data-testid="editor" aria-label={texts.editor}>
            if let Some(title) = &props.editing {
                <div class="edit-banner" role="status" data-testid="edit-banner">
                    <span>{ (texts.edit_waiting)(title) }</span>
                    <button class="primary" data-testid="edit-save"
                        onclick={props.on_finish_edit.reform(|_| true)}>{ texts.save_and_apply }</button>
                    <button data-testid="edit-cancel"
                        onclick={props.on_finish_edit.reform(|_| false)}>{ texts.cancel }</button>
                </div>
            }
            <div class="tabs" role="tablist" ref={tabs_ref}>
                { for props.names.iter().enumerate().map(|(i, name)| {
                    let on_select = props.on_select.clone();
                    html! {
                        <button role="tab" class={classes!("tab", (i == props.active).then_some("active"))}
                            aria-selected={(i == props.active).to_string()}
                            data-testid={format!("editor-tab-{name}")}
                            onclick={Callback::from(move |_| on_select.emit(i))}>{ name }</button>
                    }
                }) }
                <button class="tab-action" title={texts.new_file} aria-label={texts.new_file} data-testid="new-file"
                    onclick={props.on_new.reform(|_| ())}>{ "+" }</button>
            </div>
            <div class="toolbar">
                <button class="primary" data-testid="apply-button" onclick={props.on_apply.reform(|_| ())}>{ texts.apply }</button>
                <button data-testid="rename" onclick={props.on_rename.reform(|_| ())}>{ texts.rename }</button>
                <button data-testid="delete-file" onclick={props.on_delete.reform(|_| ())}>{ texts.delete }</button>
            </div>
            <div class="code">
                <ol class="gutter" aria-hidden="true">
                    { for (1..=line_count).map(|n| html! {
                        <li class={classes!(bad_lines.contains(&n).then_some("bad"))}>{ n }</li>
                    }) }
                </ol>
                <div class="layers">
                    <pre class="highlight" aria-hidden="true">{ highlight(&props.text) }</pre>
                    <span class="measure" aria-hidden="true" ref={measure_ref}>{ "0000000000" }</span>
                    <textarea
                        ref={area_ref}
                        data-testid="editor-text"
                        aria-label={texts.manifest}
                        aria-autocomplete="list"
                        aria-expanded={completions.is_some().to_string()}
                        spellcheck="false"
                        autocapitalize="off"
                        title={tooltip}
                        value={props.text.clone()}
                        {oninput}
                        {onkeydown}
                        {onkeyup}
                        {onclick}
                        {onmousemove}
                    />
                    if let Some(list) = &completions {
                        { suggestion_list(&props.text, *cursor, list, suggesting.selected, on_pick, texts) }
                    }
                </div>
            </div>
            <p class="field-doc" data-testid="field-doc" aria-live="polite">
                { cursor_doc.as_ref().map(doc_text).unwrap_or_default() }
            </p>
            <ul class="problems" data-testid="problems" aria-live="polite">
                { for found.iter().map(|p| html! {
                    <li>{ p.line.map(texts.at_line).unwrap_or_default() }{ &p.message }</li>
                }) }
            </ul>
        </section>
    }
}

/// `replicas <integer>: Number of desired pods…`, as explain heads a field.
fn doc_text(doc: &FieldDoc) -> String {
    let required = if doc.required { " -required-" } else { "" };
    format!(
        "{} <{}>{required}: {}",
        doc.name, doc.type_name, doc.description
    )
}

/// The suggestions under the cursor's line, with the picked one's
/// documentation.
fn suggestion_list(
    text: &str,
    cursor: usize,
    list: &Completions,
    selected: usize,
    on_pick: impl Fn(usize) -> Callback<MouseEvent>,
    texts: &Texts,
) -> Html {
    let (line, column) = line_and_column(text, cursor);
    let column = column.saturating_sub(list.typed.chars().count());
    let selected = selected.min(list.fields.len() - 1);
    let style = format!(
        "top: calc(.5rem + {} * 1.4em); left: calc(.5rem + {column}ch);",
        line + 1
    );
    html! {
        <div class="suggestions" {style}>
            <ul role="listbox" aria-label={(texts.fields_of)(&list.path)} data-testid="completions">
                { for list.fields.iter().enumerate().map(|(i, field)| html! {
                    <li role="option" aria-selected={(i == selected).to_string()}
                        class={classes!((i == selected).then_some("selected"))}
                        data-testid={format!("completion-{}", field.name)}
                        onmousedown={on_pick(i)}>
                        <span class="name">{ &field.name }</span>
                        <span class="type">{ format!("<{}>", field.type_name) }</span>
                    </li>
                }) }
            </ul>
            <p class="doc">{ &list.fields[selected].description }</p>
        </div>
    }
}

/// Replaces the typed part of the key with the picked field and `: `.
fn accept(
    area: &HtmlTextAreaElement,
    list: &Completions,
    index: usize,
    on_edit: &Callback<String>,
    cursor: &UseStateHandle<usize>,
) {
    let Some(field) = list.fields.get(index) else {
        return;
    };
    let value = area.value();
    let end = utf16_to_byte(
        &value,
        area.selection_start().ok().flatten().unwrap_or(0) as usize,
    );
    let start = end.saturating_sub(list.typed.len());
    if value.get(start..end) != Some(list.typed.as_str()) {
        return;
    }
    let inserted = format!("{}: ", field.name);
    let updated = format!("{}{inserted}{}", &value[..start], &value[end..]);
    area.set_value(&updated);
    let caret = (value[..start].encode_utf16().count() + inserted.encode_utf16().count()) as u32;
    let _ = area.set_selection_range(caret, caret);
    cursor.set(start + inserted.len());
    on_edit.emit(updated);
}

/// 0-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count(),
        before[line_start..].chars().count(),
    )
}

/// The byte offset of the character under the mouse. The hidden measure
/// element sits where the text starts and holds ten characters of the
/// editor's monospace font, so it gives the padding and a character's size.
fn offset_under_mouse(text: &str, event: &MouseEvent, measure: &NodeRef) -> Option<usize> {
    let measure = measure.cast::<web_sys::HtmlElement>()?;
    let (width, height) = (measure.offset_width(), measure.offset_height());
    if width <= 0 || height <= 0 {
        return None;
    }
    let x = f64::from(event.offset_x() - measure.offset_left());
    let y = f64::from(event.offset_y() - measure.offset_top());
    if x < 0.0 || y < 0.0 {
        return None;
    }
    let line = (y / f64::from(height)) as usize;
    let column = (x / (f64::from(width) / 10.0)) as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let line_text = text.get(line_start..)?.lines().next()?;
    let (byte, _) = line_text.char_indices().nth(column)?;
    Some(line_start + byte)
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
    fn lines_and_columns_count_characters() {
        assert_eq!(line_and_column("ab\ncdé", 7), (1, 3));
        assert_eq!(line_and_column("ab", 99), (0, 2));
    }

    #[test]
    fn a_fields_documentation_reads_as_explain_heads_it() {
        let doc = FieldDoc {
            name: "containers".into(),
            type_name: "[]Container".into(),
            required: true,
            description: "List of containers.".into(),
        };
        assert_eq!(
            doc_text(&doc),
            "containers <[]Container> -required-: List of containers."
        );
    }

    #[test]
    fn utf16_offsets_map_to_bytes() {
        assert_eq!(utf16_to_byte("aé日本", 2), 3);
        assert_eq!(utf16_to_byte("aé日本", 3), 6);
        assert_eq!(utf16_to_byte("ab", 9), 2);
    }
}

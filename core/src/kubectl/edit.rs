//! `kubectl edit`: the live objects as YAML in an editor, and what was saved
//! patched back, as kubectl 1.32 does it.
//!
//! The host owns the editor: `run` answers with an [`EditSession`] (the
//! buffer kubectl would write to a temporary file), the browser shows it in
//! its editor and `sunaba shell` opens `$EDITOR` on it, and the host calls
//! [`finish`] with what was saved (or nothing, when the learner gave up).
//! A change the API server refuses reopens the buffer with the errors as
//! comments at the top, as kubectl reopens the editor.

use serde_json::{Map, Value};

use super::args::Flag;
use super::errors::format_status;
use super::get::output::{self, Format};
use super::print_flags;
use super::resource_args::{self, Request};
use super::{Context, Output};
use crate::api::{decode, Kind, StatusError};
use crate::apiserver::patch::{self, FieldValidation, PatchType};
use crate::apiserver::WriteOptions;

const FLAGS: &[Flag] = &[
    Flag::strings("filename", Some('f')),
    Flag::string("kustomize", Some('k')),
    Flag::bool("recursive", Some('R')),
    Flag::string("output", Some('o')),
    Flag::bool("output-patch", None),
    Flag::bool("windows-line-endings", None),
    Flag::bool("save-config", None),
    Flag::string("validate", None),
    Flag::string("field-manager", None),
    Flag::string("subresource", None),
    Flag::bool("show-managed-fields", None),
    Flag::string("template", None),
    Flag::bool("allow-missing-template-keys", None),
    Flag::RECORD,
];

/// The comment kubectl heads the buffer with.
const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

const NO_CHANGES: &str = "Edit cancelled, no changes made.";

/// One object being edited, as it was when the buffer was written.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    kind: Kind,
    namespace: String,
    name: String,
    original: Value,
}

/// An edit waiting for the learner: the buffer to show and what it was
/// made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditSession {
    /// The buffer: kubectl's header, any errors of the last save, the YAML.
    pub text: String,
    /// What the edit is of, for the host's title: `deployment.apps/echo`.
    pub title: String,
    /// A file name for the buffer: `kubectl-edit-deployment-echo.yaml`.
    pub file_name: String,
    targets: Vec<Target>,
    /// The YAML as last shown, to tell an unchanged save.
    original_yaml: String,
    /// A save was refused, so giving up now is an error.
    refused: Option<String>,
    field_manager: String,
}

/// Runs `kubectl edit`: fetches the objects and opens the edit.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let (parsed, mut out) = match print_flags::parse_changing("edit", rest, FLAGS) {
        Ok(ready) => ready,
        Err(usage) => return *usage,
    };
    let request = Request {
        args: &parsed.positionals,
        filenames: parsed.all("filename"),
        recursive: parsed.flag("recursive"),
        namespace: parsed.value("namespace").unwrap_or("default"),
        ..Request::default()
    };
    let infos = match resource_args::fetch(ctx, &request) {
        Ok(infos) => infos,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    for error in &infos.errors {
        out.fail(error);
    }
    if infos.objects.is_empty() {
        return out;
    }
    let objects: Vec<&crate::api::Object> = infos.objects.iter().map(|o| o.as_ref()).collect();
    let single = objects.len() == 1;
    let yaml = output::print(&Format::Yaml, &objects, single, false).unwrap_or_default();
    let targets: Vec<Target> = objects
        .iter()
        .map(|object| Target {
            kind: object.kind(),
            namespace: object.namespace().to_string(),
            name: object.name().to_string(),
            original: without_managed_fields(object.to_value()),
        })
        .collect();
    let first = objects[0];
    out.edit = Some(EditSession {
        text: format!("{HEADER}{yaml}"),
        title: first.kubectl_name(),
        file_name: format!(
            "kubectl-edit-{}-{}.yaml",
            first.kind().singular(),
            first.name()
        ),
        targets,
        original_yaml: yaml,
        refused: None,
        field_manager: parsed
            .value("field-manager")
            .unwrap_or("kubectl-edit")
            .to_string(),
    });
    out
}

/// Ends an edit with the saved buffer, or `None` when the learner closed
/// it without saving. The output may carry the session again, reopened
/// with the errors of this save.
pub fn finish(ctx: &mut Context<'_>, session: EditSession, saved: Option<&str>) -> Output {
    let mut out = Output::default();
    let Some(saved) = saved else {
        give_up(&session, &mut out);
        return out;
    };
    let yaml = without_comments(saved);
    if yaml.trim().is_empty() {
        out.err(NO_CHANGES);
        return out;
    }
    if yaml == session.original_yaml {
        give_up(&session, &mut out);
        return out;
    }
    let edited = match decode::parse_documents(&yaml) {
        Ok(mut documents) if documents.len() == 1 => items_of(documents.remove(0)),
        Ok(_) => {
            return reopen(
                session,
                &yaml,
                "# The edited file must contain one object or a List\n#\n",
            )
        }
        Err(err) => {
            let comment = format!(
                "# The edited file had a syntax error: error parsing edited-file: error converting YAML to JSON: {}\n#\n",
                err.message()
            );
            return reopen(session, &yaml, &comment);
        }
    };
    let mut errors = String::new();
    for (target, edited) in session.targets.iter().zip(&edited) {
        match save_one(ctx, target, edited, &session.field_manager) {
            Ok(true) => out.out(format!(
                "{}/{} edited",
                target.kind.qualified_singular(),
                target.name
            )),
            Ok(false) => {}
            Err(err) => errors.push_str(&error_comment(target, &err)),
        }
    }
    if errors.is_empty() {
        if out.stdout.is_empty() {
            out.err(NO_CHANGES);
        }
        return out;
    }
    let mut reopened = reopen(session, &yaml, &errors);
    reopened.stdout.insert_str(0, &out.stdout);
    reopened
}

/// Closing without a (new) save: nothing to do, unless a save was refused.
fn give_up(session: &EditSession, out: &mut Output) {
    match &session.refused {
        None => out.err(NO_CHANGES),
        Some(invalid) => {
            out.fail(format!("error: {invalid}"));
            out.fail("error: Edit cancelled, no valid changes were saved.");
        }
    }
}

/// The session again, with `comment` (kubectl's `# …` lines) above the
/// learner's YAML.
fn reopen(mut session: EditSession, yaml: &str, comment: &str) -> Output {
    let first = &session.targets[0];
    session.refused = Some(format!(
        "{} {:?} is invalid",
        first.kind.qualified_plural(),
        first.name
    ));
    session.text = format!("{HEADER}{comment}{yaml}");
    // Saving the reopened buffer as it is gives up, as kubectl does.
    session.original_yaml = yaml.to_string();
    Output {
        edit: Some(session),
        ..Output::default()
    }
}

/// `# deployments.apps "echo" was not valid:` and a `# * field: message`
/// line per cause.
fn error_comment(target: &Target, err: &StatusError) -> String {
    let mut comment = format!(
        "# {} {:?} was not valid:\n",
        target.kind.qualified_plural(),
        target.name
    );
    match err.causes() {
        [] => comment.push_str(&format!("# * {}\n", format_status(err, None))),
        causes => {
            for cause in causes {
                comment.push_str(&format!(
                    "# * {}: {}\n",
                    cause.field.as_deref().unwrap_or_default(),
                    cause.message.as_deref().unwrap_or_default()
                ));
            }
        }
    }
    comment.push_str("#\n");
    comment
}

/// Patches one object with what changed between its buffer and the save;
/// `Ok(false)` when nothing did.
fn save_one(
    ctx: &mut Context<'_>,
    target: &Target,
    edited: &Value,
    field_manager: &str,
) -> Result<bool, StatusError> {
    let changes = patch::merge_patch_between(&target.original, edited);
    if changes.as_object().is_some_and(Map::is_empty) {
        return Ok(false);
    }
    for (field, path) in [
        ("apiVersion", "/apiVersion"),
        ("kind", "/kind"),
        ("name", "/metadata/name"),
    ] {
        if edited.pointer(path) != target.original.pointer(path) {
            return Err(StatusError::invalid_request(
                field,
                "At least one of apiVersion, kind and name was changed".to_string(),
            ));
        }
    }
    let current = ctx
        .cluster
        .api()
        .get(target.kind, &target.namespace, &target.name)?;
    let (patched, _) = patch::patched_object(
        &current,
        PatchType::Merge,
        &changes,
        FieldValidation::Strict,
    )?;
    let options = WriteOptions {
        field_manager: Some(field_manager.to_string()),
        ..WriteOptions::default()
    };
    ctx.cluster.update_with(patched, &options)?;
    Ok(true)
}

/// The objects of a saved buffer: one, or a List's items.
fn items_of(document: Value) -> Vec<Value> {
    match document.get("items").and_then(Value::as_array) {
        Some(items) if document.get("kind").and_then(Value::as_str) == Some("List") => {
            items.clone()
        }
        _ => vec![document],
    }
}

/// The buffer without kubectl's `#` lines.
fn without_comments(text: &str) -> String {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn without_managed_fields(mut value: Value) -> Value {
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("managedFields");
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_go_and_the_yaml_stays() {
        assert_eq!(without_comments("# a\nkind: Pod\n#b\n"), "kind: Pod\n");
    }

    #[test]
    fn a_list_is_edited_item_by_item() {
        let list =
            serde_json::json!({"kind": "List", "items": [{"kind": "Pod"}, {"kind": "Service"}]});
        assert_eq!(items_of(list).len(), 2);
        assert_eq!(items_of(serde_json::json!({"kind": "Pod"})).len(), 1);
    }
}

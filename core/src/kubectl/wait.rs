//! `kubectl wait --for=condition=Ready|delete|create|jsonpath=… TYPE/NAME`:
//! runs the simulated clock until every object meets the condition, or the
//! timeout (30 s by default) passes.

use super::args::{self, Flag, Parsed};
use super::errors::format_status;
use super::get::jsonpath::{value_text, Template};
use super::resource_args::{kind_of, MISSING_RESOURCE};
use super::{usage_error, Context, Output};
use crate::api::selector::Selector;
use crate::api::{Kind, Object};
use crate::store::ObjectKey;

const FLAGS: &[Flag] = &[
    Flag::string("for", None),
    Flag::string("timeout", None),
    Flag::strings("selector", Some('l')),
    Flag::bool("all", None),
    Flag::bool("all-namespaces", Some('A')),
    Flag::strings("filename", Some('f')),
    Flag::string("output", Some('o')),
    Flag::string("field-selector", None),
    Flag::bool("local", None),
];

/// What `--for` asks.
#[derive(Clone, Debug, PartialEq)]
enum Condition {
    /// `condition=Ready` (optionally `=false`).
    Status { name: String, value: String },
    /// `delete`.
    Delete,
    /// `create`.
    Create,
    /// `jsonpath={.status.phase}=Running`.
    JsonPath {
        path: Template,
        value: Option<String>,
    },
}

/// Runs `kubectl wait`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("wait", &e),
    };
    let mut out = Output::default();
    let condition = match parse_condition(parsed.value("for").unwrap_or("")) {
        Ok(c) => c,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let timeout_ms = match parsed.value("timeout").map(parse_duration) {
        None => 30_000,
        Some(Ok(ms)) => ms,
        Some(Err(text)) => {
            return usage_error(
                "wait",
                &args::ArgError(format!(
                    "invalid argument \"{text}\" for \"--timeout\" flag: time: invalid duration \"{text}\""
                )),
            )
        }
    };
    let keys = match targets(ctx, &parsed, &condition) {
        Ok(keys) => keys,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let deadline = ctx.cluster.now().plus_millis(timeout_ms);
    for key in keys {
        loop {
            let met = is_met(ctx, &key, &condition);
            match met {
                Ok(true) => {
                    out.out(format!(
                        "{}/{} condition met",
                        key.kind.qualified_singular(),
                        key.name
                    ));
                    break;
                }
                Err(message) => {
                    out.fail(message);
                    break;
                }
                Ok(false) if ctx.cluster.now() >= deadline => {
                    out.fail(format!(
                        "error: timed out waiting for the condition on {}/{}",
                        key.kind.qualified_plural(),
                        key.name
                    ));
                    break;
                }
                Ok(false) => {
                    let step = deadline.millis_since(ctx.cluster.now()).min(250);
                    ctx.cluster.advance(step);
                }
            }
        }
    }
    out
}

fn parse_condition(text: &str) -> Result<Condition, String> {
    let lower = text.to_ascii_lowercase();
    if lower == "delete" {
        return Ok(Condition::Delete);
    }
    if lower == "create" {
        return Ok(Condition::Create);
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
        return Ok(Condition::Status {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        let rest = rest.trim_matches('\'');
        let (path, value) = match rest.rfind("}=") {
            Some(at) => (&rest[..=at], Some(rest[at + 2..].to_string())),
            None => (rest, None),
        };
        let path = Template::parse(path)
            .map_err(|e| format!("error: unrecognized condition: {text:?}: {e}"))?;
        return Ok(Condition::JsonPath { path, value });
    }
    Err(format!("error: unrecognized condition: {text:?}"))
}

/// `30s`, `1m`, `2m30s`, `500ms`, `1h`: Go's duration syntax, in milliseconds.
fn parse_duration(text: &str) -> Result<i64, String> {
    let mut total = 0f64;
    let mut rest = text;
    if rest.is_empty() {
        return Err(text.to_string());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| text.to_string())?;
        let number: f64 = rest[..digits].parse().map_err(|_| text.to_string())?;
        rest = &rest[digits..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return Err(text.to_string()),
        };
        total += number * factor;
        rest = &rest[unit_end..];
    }
    Ok(total.min(1e12) as i64)
}

/// The objects to wait for.
fn targets(
    ctx: &Context<'_>,
    parsed: &Parsed,
    condition: &Condition,
) -> Result<Vec<ObjectKey>, String> {
    let namespace = parsed.value("namespace").unwrap_or("default");
    let args = &parsed.positionals;
    let Some(first) = args.first() else {
        return Err(MISSING_RESOURCE.into());
    };
    let mut keys = Vec::new();
    if first.contains('/') {
        for arg in args {
            let (kind, name) = arg.split_once('/').unwrap_or((arg, ""));
            let kind = kind_of(kind)?;
            keys.push(key(kind, namespace, name));
        }
    } else {
        let kind = kind_of(first)?;
        if args.len() > 1 {
            keys.extend(args[1..].iter().map(|n| key(kind, namespace, n)));
        } else {
            let selector = Selector::parse(&parsed.all("selector").join(","))
                .map_err(|e| format!("error: {e}"))?;
            if parsed.all("selector").is_empty() && !parsed.flag("all") {
                return Err("error: resource(s) were provided, but no name was specified".into());
            }
            let scope =
                (kind.is_namespaced() && !parsed.flag("all-namespaces")).then_some(namespace);
            keys.extend(
                ctx.cluster
                    .api()
                    .store()
                    .list(kind, scope)
                    .filter(|o| selector.matches_object(o))
                    .map(|o| ObjectKey::of(o)),
            );
            if keys.is_empty() {
                return Err("error: no matching resources found".into());
            }
        }
    }
    if !matches!(condition, Condition::Create | Condition::Delete) {
        for k in &keys {
            if ctx.cluster.api().store().get(k).is_none() {
                return Err(format_status(
                    &crate::api::StatusError::not_found(k.kind, &k.name),
                    None,
                ));
            }
        }
    }
    Ok(keys)
}

fn key(kind: Kind, namespace: &str, name: &str) -> ObjectKey {
    let namespace = if kind.is_namespaced() { namespace } else { "" };
    ObjectKey::new(kind, namespace, name)
}

fn is_met(ctx: &Context<'_>, key: &ObjectKey, condition: &Condition) -> Result<bool, String> {
    let object = ctx.cluster.api().store().get(key);
    match condition {
        Condition::Delete => Ok(object.is_none()),
        Condition::Create => Ok(object.is_some()),
        Condition::Status { name, value } => {
            let Some(object) = object else {
                return Err(format_status(
                    &crate::api::StatusError::not_found(key.kind, &key.name),
                    None,
                ));
            };
            Ok(condition_status(object, name)
                .is_some_and(|status| status.eq_ignore_ascii_case(value)))
        }
        Condition::JsonPath { path, value } => {
            let Some(object) = object else {
                return Ok(false);
            };
            let found = path.select(&object.to_value());
            Ok(match value {
                Some(wanted) => found.iter().any(|v| value_text(v) == *wanted),
                None => !found.is_empty(),
            })
        }
    }
}

/// `status.conditions[type=name].status`, for any kind that has conditions.
fn condition_status(object: &Object, name: &str) -> Option<String> {
    let value = object.to_value();
    value
        .get("status")?
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| {
            c.get("type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.eq_ignore_ascii_case(name))
        })
        .and_then(|c| c.get("status")?.as_str().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_go_reads_them() {
        assert_eq!(parse_duration("30s"), Ok(30_000));
        assert_eq!(parse_duration("2m30s"), Ok(150_000));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000));
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("10").is_err());
    }

    #[test]
    fn conditions_parse_like_kubectls() {
        assert_eq!(parse_condition("delete"), Ok(Condition::Delete));
        assert_eq!(
            parse_condition("condition=Available"),
            Ok(Condition::Status {
                name: "Available".into(),
                value: "true".into()
            })
        );
        assert_eq!(
            parse_condition(""),
            Err("error: unrecognized condition: \"\"".into())
        );
        assert!(matches!(
            parse_condition("jsonpath={.status.phase}=Running"),
            Ok(Condition::JsonPath { value: Some(v), .. }) if v == "Running"
        ));
    }
}

//! `kubectl events`: the namespace's events, oldest first, with repeats as
//! `5m (x3 over 10m)`, filtered by `--for=TYPE/NAME` and `--types`.

use k8s_openapi::api::core::v1::Event;

use super::args::{self, Flag};
use super::get::printers::since;
use super::get::table::tabwriter;
use super::{usage_error, Context, Output};
use crate::api::{Kind, Object};
use crate::time::{human_duration, SimTime};

const FLAGS: &[Flag] = &[
    Flag::string("for", None),
    Flag::strings("types", None),
    Flag::bool("all-namespaces", Some('A')),
    Flag::bool("no-headers", None),
    Flag::bool("watch", Some('w')),
    Flag::string("output", Some('o')),
    Flag::string("chunk-size", None),
];

/// Runs `kubectl events`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("events", &e),
    };
    let mut out = Output::default();
    let types: Vec<String> = parsed
        .all("types")
        .iter()
        .flat_map(|t| t.split(','))
        .map(str::to_string)
        .collect();
    if types
        .iter()
        .any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning"))
    {
        out.fail("error: valid --types are Normal or Warning");
        return out;
    }
    let involved = match parsed.value("for") {
        None => None,
        Some(target) => match target.split_once('/') {
            Some((kind, name)) if !name.is_empty() => match Kind::from_resource_arg(kind) {
                Some(kind) => Some((kind, name.to_string())),
                None => {
                    out.fail(format!(
                        "error: the server doesn't have a resource type \"{kind}\""
                    ));
                    return out;
                }
            },
            _ => {
                out.fail("error: --for must be in resource/name form");
                return out;
            }
        },
    };
    let all_namespaces = parsed.flag("all-namespaces");
    let namespace = parsed.value("namespace").unwrap_or("default");
    let store = ctx.cluster.api().store();
    let scope = (!all_namespaces).then_some(namespace);
    let mut events: Vec<&Event> = store
        .list(Kind::Event, scope)
        .filter_map(|o| match o.as_ref() {
            Object::Event(e) => Some(&**e),
            _ => None,
        })
        .filter(|e| {
            types.is_empty()
                || types.iter().any(|t| {
                    e.type_
                        .as_deref()
                        .is_some_and(|ty| ty.eq_ignore_ascii_case(t))
                })
        })
        .filter(|e| {
            involved.as_ref().is_none_or(|(kind, name)| {
                e.involved_object.kind.as_deref() == Some(kind.name())
                    && e.involved_object.name.as_deref() == Some(name.as_str())
            })
        })
        .collect();
    if events.is_empty() {
        out.err(if all_namespaces {
            "No events found.".to_string()
        } else {
            format!("No events found in {namespace} namespace.")
        });
        return out;
    }
    events.sort_by_key(|e| event_time(e));
    let now = ctx.cluster.now();
    let mut lines = Vec::new();
    if !parsed.flag("no-headers") {
        let mut header = Vec::new();
        if all_namespaces {
            header.push("NAMESPACE".to_string());
        }
        header.extend(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"].map(str::to_string));
        lines.push(header);
    }
    for event in events {
        let mut line = Vec::new();
        if all_namespaces {
            line.push(event.metadata.namespace.clone().unwrap_or_default());
        }
        line.push(interval(event, now));
        line.push(event.type_.clone().unwrap_or_default());
        line.push(event.reason.clone().unwrap_or_default());
        line.push(format!(
            "{}/{}",
            event.involved_object.kind.clone().unwrap_or_default(),
            event.involved_object.name.clone().unwrap_or_default()
        ));
        line.push(event.message.clone().unwrap_or_default().trim().to_string());
        lines.push(line);
    }
    out.stdout.push_str(&tabwriter(&lines));
    out
}

/// When an event last happened: its series, its lastTimestamp, or its eventTime.
pub fn event_time(event: &Event) -> SimTime {
    if let Some(t) = event
        .series
        .as_ref()
        .and_then(|s| s.last_observed_time.as_ref())
    {
        return SimTime(t.0.as_millisecond());
    }
    if let Some(t) = &event.last_timestamp {
        return SimTime::from_time(t);
    }
    event
        .event_time
        .as_ref()
        .map_or(SimTime::default(), |t| SimTime(t.0.as_millisecond()))
}

/// LAST SEEN: `5m`, or `5m (x3 over 10m)` for an event seen more than once.
fn interval(event: &Event, now: SimTime) -> String {
    let first = match &event.event_time {
        Some(t) => human_duration(now.millis_since(SimTime(t.0.as_millisecond()))),
        None => since(event.first_timestamp.as_ref(), now),
    };
    if let Some(series) = &event.series {
        let last = series
            .last_observed_time
            .as_ref()
            .map_or("<unknown>".to_string(), |t| {
                human_duration(now.millis_since(SimTime(t.0.as_millisecond())))
            });
        return format!("{last} (x{} over {first})", series.count.unwrap_or(0));
    }
    match event.count {
        Some(count) if count > 1 => format!(
            "{} (x{count} over {first})",
            since(event.last_timestamp.as_ref(), now)
        ),
        _ => first,
    }
}

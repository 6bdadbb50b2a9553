//! What every describer shares: multi-line labels and annotations, the
//! Events table, tolerations and taints, selectors, and kubectl's time
//! formats (RFC 1123 with a numeric zone, and `HumanDuration` ages).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Event, Taint, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, MicroTime, ObjectMeta, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use crate::kubectl::get::printers::selector_text;
use crate::time::{human_duration, SimTime};

/// Annotations describe never shows.
const SKIPPED_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// Annotations longer than this (key, value and `: `) print on their own lines.
const MAX_ANNOTATION_LEN: usize = 140;

/// Go's zero `time.Time` in RFC 1123 with a numeric zone.
const ZERO_TIME: &str = "Mon, 01 Jan 0001 00:00:00 +0000";

/// A timestamp as the API serves it: whole seconds (RFC 3339 drops the rest).
pub fn seconds(time: &Time) -> SimTime {
    let millis = SimTime::from_time(time).millis();
    SimTime(millis - millis.rem_euclid(1000))
}

/// `Thu, 01 Jan 2026 00:00:00 +0000` (Go's `time.RFC1123Z`), or Go's zero time.
pub fn rfc1123z(time: Option<&Time>) -> String {
    time.and_then(|t| k8s_openapi::jiff::fmt::strtime::format("%a, %d %b %Y %H:%M:%S %z", t.0).ok())
        .unwrap_or_else(|| ZERO_TIME.to_string())
}

/// kubectl's `translateTimestampSince`: HumanDuration since a timestamp, or `<unknown>`.
pub fn since(time: Option<&Time>, now: SimTime) -> String {
    match time {
        Some(t) => human_duration(now.millis_since(seconds(t))),
        None => "<unknown>".into(),
    }
}

/// kubectl's `translateMicroTimestampSince`.
fn micro_since(time: Option<&MicroTime>, now: SimTime) -> String {
    match time {
        Some(t) => human_duration(now.millis_since(SimTime(t.0.as_millisecond()))),
        None => "<unknown>".into(),
    }
}

/// `Labels:\tk=v`, one label per line after the first, keys sorted, or `<none>`.
pub fn labels_multiline(
    w: &mut PrefixWriter,
    title: &str,
    labels: Option<&BTreeMap<String, String>>,
) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let labels = labels.filter(|l| !l.is_empty());
    let Some(labels) = labels else {
        w.write_line("<none>");
        return;
    };
    for (i, (key, value)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.line(LEVEL_0, &format!("{key}={value}"));
    }
}

/// `Annotations:\tk: v`, skipping last-applied-configuration; long or
/// multi-line values go on indented lines of their own, cut at 138 bytes.
pub fn annotations_multiline(
    w: &mut PrefixWriter,
    title: &str,
    annotations: Option<&BTreeMap<String, String>>,
) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    let shown: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| !SKIPPED_ANNOTATIONS.contains(&k.as_str()))
        .collect();
    if shown.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (i, (key, value)) in shown.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.line(LEVEL_0, &format!("{key}:"));
            for part in value.split('\n') {
                w.line(
                    LEVEL_0,
                    &format!("\t  {}", shorten(part, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.line(LEVEL_0, &format!("{key}: {value}"));
        }
    }
}

/// The first `max` bytes and `...` (at a character boundary), or the text.
fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &text[..cut])
}

/// `Tolerations:\tkey=value:Effect op=Exists for 300s`, sorted by key, or `<none>`.
pub fn tolerations_multiline(w: &mut PrefixWriter, title: &str, tolerations: &[Toleration]) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut sorted: Vec<&Toleration> = tolerations.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, toleration) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.line(LEVEL_0, &toleration_text(toleration));
    }
}

fn toleration_text(t: &Toleration) -> String {
    let key = t.key.as_deref().unwrap_or("");
    let value = t.value.as_deref().unwrap_or("");
    let effect = t.effect.as_deref().unwrap_or("");
    let mut text = key.to_string();
    if !value.is_empty() {
        text.push_str(&format!("={value}"));
    }
    if !effect.is_empty() {
        text.push_str(&format!(":{effect}"));
    }
    if t.operator.as_deref() == Some("Exists") && value.is_empty() {
        let space = if key.is_empty() && effect.is_empty() {
            ""
        } else {
            " "
        };
        text.push_str(&format!("{space}op=Exists"));
    }
    if let Some(seconds) = t.toleration_seconds {
        text.push_str(&format!(" for {seconds}s"));
    }
    text
}

/// `Taints:\tkey=value:Effect`, sorted by effect then key, or `<none>`.
pub fn taints_multiline(w: &mut PrefixWriter, title: &str, taints: &[Taint]) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    if taints.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut sorted: Vec<&Taint> = taints.iter().collect();
    sorted.sort_by_key(|t| format!("{},{}", t.effect, t.key));
    for (i, taint) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let text = match taint.value.as_deref().filter(|v| !v.is_empty()) {
            Some(value) => format!("{}={value}:{}", taint.key, taint.effect),
            None => format!("{}:{}", taint.key, taint.effect),
        };
        w.line(LEVEL_0, &text);
    }
}

/// `metav1.FormatLabelSelector`: the selector's text, or `<none>` when it selects everything.
pub fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    let text = selector.map(selector_text).unwrap_or_default();
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

/// `labels.FormatLabels`: `k=v,k2=v2` with keys sorted, or `<none>`.
pub fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    let text = labels
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

/// `Kind/name` of the object's controller, as `Controlled By:` shows it.
pub fn controlled_by(meta: &ObjectMeta) -> Option<String> {
    crate::controllers::pod_util::controller_ref(meta).map(|r| format!("{}/{}", r.kind, r.name))
}

/// An int-or-string as Go's `IntOrString.String()`; `<nil>` when unset.
pub fn int_or_string(value: Option<&IntOrString>) -> String {
    match value {
        Some(IntOrString::Int(n)) => n.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => "<nil>".into(),
    }
}

/// Go's `%v` of a `*bool`: `<nil>` when unset.
pub fn bool_pointer(value: Option<bool>) -> String {
    value.map_or_else(|| "<nil>".to_string(), |b| b.to_string())
}

/// kubectl's `DescribeEvents`: nothing when events are not shown,
/// `Events:\t<none>`, or the table sorted by last timestamp.
pub fn describe_events(w: &mut PrefixWriter, events: Option<&[Event]>, now: SimTime) {
    let Some(events) = events else { return };
    if events.is_empty() {
        w.line(LEVEL_0, "Events:\t<none>");
        return;
    }
    let mut sorted: Vec<&Event> = events.iter().collect();
    // kubectl sorts by lastTimestamp alone; events without one (events.k8s.io) come first.
    sorted.sort_by_key(|e| e.last_timestamp.as_ref().map(seconds));
    w.line(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage");
    w.line(LEVEL_1, "----\t------\t----\t----\t-------");
    for event in sorted {
        w.line(
            LEVEL_1,
            &format!(
                "{}\t{}\t{}\t{}\t{}",
                event.type_.as_deref().unwrap_or(""),
                event.reason.as_deref().unwrap_or(""),
                event_age(event, now),
                event_source(event),
                event.message.as_deref().unwrap_or("").trim(),
            ),
        );
    }
}

/// `5m`, or `5m (x3 over 10m)` for a repeated event.
fn event_age(event: &Event, now: SimTime) -> String {
    let first = match &event.event_time {
        Some(t) => micro_since(Some(t), now),
        None => since(event.first_timestamp.as_ref(), now),
    };
    if let Some(series) = &event.series {
        return format!(
            "{} (x{} over {first})",
            micro_since(series.last_observed_time.as_ref(), now),
            series.count.unwrap_or(0)
        );
    }
    match event.count.unwrap_or(0) {
        count if count > 1 => format!(
            "{} (x{count} over {first})",
            since(event.last_timestamp.as_ref(), now)
        ),
        _ => first,
    }
}

/// From: `source.component`, else the reporting controller.
fn event_source(event: &Event) -> String {
    event
        .source
        .as_ref()
        .and_then(|s| s.component.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| event.reporting_component.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_as_rfc1123z() {
        let t = SimTime::TEST_EPOCH.plus_millis(61_500).to_time();
        assert_eq!(rfc1123z(Some(&t)), "Thu, 01 Jan 2026 00:01:01 +0000");
        assert_eq!(rfc1123z(None), ZERO_TIME);
    }

    #[test]
    fn ages_count_from_whole_seconds() {
        let t = SimTime::TEST_EPOCH.plus_millis(1_900).to_time();
        assert_eq!(since(Some(&t), SimTime::TEST_EPOCH.plus_secs(31)), "30s");
        assert_eq!(since(None, SimTime::TEST_EPOCH), "<unknown>");
    }

    #[test]
    fn long_annotations_get_lines_of_their_own() {
        let mut w = PrefixWriter::default();
        let long = "x".repeat(150);
        let annotations =
            BTreeMap::from([("a".to_string(), "1".to_string()), ("b".to_string(), long)]);
        annotations_multiline(&mut w, "Annotations", Some(&annotations));
        let text = w.finish();
        assert!(text.starts_with("Annotations:  a: 1\n              b:\n                "));
        assert!(text.ends_with(&format!("{}...\n", "x".repeat(138))));
    }

    #[test]
    fn tolerations_read_as_kubectl_writes_them() {
        let t = Toleration {
            key: Some("node.kubernetes.io/not-ready".into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: Some(300),
            ..Default::default()
        };
        assert_eq!(
            toleration_text(&t),
            "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s"
        );
        let everything = Toleration {
            operator: Some("Exists".into()),
            ..Default::default()
        };
        assert_eq!(toleration_text(&everything), "op=Exists");
    }
}

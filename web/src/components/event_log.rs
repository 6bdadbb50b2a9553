//! The event log: the cluster's Events and, between them, why each
//! controller acted (core's explanations, in plain words), newest first,
//! so a learner sees what happened and why.

use std::rc::Rc;

use sunaba_core::api::{Kind, Object};
use sunaba_core::controllers::driver::Explanation;
use sunaba_core::kubectl::events::event_time;
use sunaba_core::store::Store;
use sunaba_core::time::SimTime;
use yew::prelude::*;

use crate::i18n::Lang;

/// How many entries the log shows.
pub const SHOWN: usize = 60;

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// When it happened.
    pub at: SimTime,
    /// Who says it: the Event's reporter, or the controller.
    pub source: String,
    /// What happened (and why, for an explanation).
    pub text: String,
    /// `normal`, `warning` (Events) or `why` (explanations).
    pub class: &'static str,
}

/// The newest [`SHOWN`] Events and explanations, newest first (at one
/// moment, an explanation comes first, above the Events its action led to).
pub fn entries<'a>(
    store: &Store,
    explanations: impl Iterator<Item = &'a Explanation>,
    lang: Lang,
) -> Vec<LogEntry> {
    let events = store
        .list(Kind::Event, None)
        .filter_map(|o| match o.as_ref() {
            Object::Event(e) => Some(LogEntry {
                at: event_time(e),
                source: e
                    .reporting_component
                    .clone()
                    .or_else(|| e.source.as_ref().and_then(|s| s.component.clone()))
                    .unwrap_or_default(),
                text: format!(
                    "{} {}/{}: {}",
                    e.reason.clone().unwrap_or_default(),
                    e.involved_object
                        .kind
                        .clone()
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                    e.involved_object.name.clone().unwrap_or_default(),
                    e.message.clone().unwrap_or_default()
                ),
                class: if e.type_.as_deref() == Some("Warning") {
                    "warning"
                } else {
                    "normal"
                },
            }),
            _ => None,
        });
    let why = explanations.map(|e| LogEntry {
        at: e.at,
        source: e.controller.to_string(),
        text: crate::i18n::reason_text(&e.reason, lang),
        class: "why",
    });
    let mut all: Vec<LogEntry> = events.chain(why).collect();
    all.sort_by_key(|entry| std::cmp::Reverse((entry.at, entry.class == "why")));
    all.truncate(SHOWN);
    all
}

/// The log's props.
#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// What to show, newest first.
    pub entries: Rc<Vec<LogEntry>>,
}

/// The event log panel.
#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let texts = crate::i18n::use_lang().texts();
    html! {
        <section class="panel event-log" data-testid="event-log" aria-label={texts.event_log}>
            if props.entries.is_empty() {
                <p class="empty">{ texts.event_log_empty }</p>
            }
            <ol class="entries">
                { for props.entries.iter().map(|entry| html! {
                    <li class={classes!("entry", entry.class)}>
                        <time>{ clock(entry.at) }</time>
                        <span class="source">{ &entry.source }</span>
                        <span class="text">{ &entry.text }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}

fn clock(at: SimTime) -> String {
    let seconds = at.millis().div_euclid(1000);
    let (h, m, s) = ((seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60);
    format!("{h:02}:{m:02}:{s:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::{seed, Cluster, ClusterConfig};

    #[test]
    fn the_log_puts_why_beside_what_newest_first() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        let manifest = seed::manifest("simple-replicaset.yaml").expect("seed");
        for result in cluster.create_manifests(manifest).expect("decodes") {
            result.expect("created");
        }
        cluster.advance(30_000);
        let log = entries(
            cluster.api().store(),
            cluster.explanations_after(0),
            Lang::En,
        );
        assert!(!log.is_empty() && log.len() <= SHOWN);
        assert!(log.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
        let why = log
            .iter()
            .position(|e| {
                e.class == "why"
                    && e.text == "ReplicaSet echo creates 3 pods: 0 of 3 replicas existed."
            })
            .expect("the ReplicaSet says why");
        let created = log
            .iter()
            .position(|e| {
                e.text
                    .starts_with("SuccessfulCreate replicaset/echo: Created pod: echo-")
            })
            .expect("its events");
        assert!(
            why < created,
            "at one moment the why comes first, above its events"
        );
        assert!(log
            .iter()
            .any(|e| e.text.starts_with("Started pod/echo-") && e.source == "kubelet"));
    }
}

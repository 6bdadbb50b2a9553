//! Events: what the control plane and the kubelets record about objects.
//! Repeats of the same event are folded into one with a growing count, as
//! client-go's event correlator does.

use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::ApiServer;
use crate::api::{Kind, Object};
use crate::store::ObjectKey;
use crate::time::SimTime;

/// `Normal` or `Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// Something expected happened.
    Normal,
    /// Something went wrong.
    Warning,
}

impl EventType {
    /// As the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// Who reports an event.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Reporter {
    /// A core/v1 recorder with `source.component` (and host, for kubelets).
    Component {
        /// `kubelet`, `replicaset-controller`, …
        component: &'static str,
        /// The node, for kubelets.
        host: Option<String>,
    },
    /// An events.k8s.io recorder (the scheduler): `reportingController` and `action`.
    Controller {
        /// `default-scheduler`.
        controller: &'static str,
        /// `default-scheduler-<host>`.
        instance: String,
        /// `Binding`, `Scheduling`.
        action: &'static str,
    },
}

/// An event about to be recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    /// The object it is about.
    pub involved: ObjectReference,
    /// Normal or Warning.
    pub event_type: EventType,
    /// The reason, e.g. `Scheduled`.
    pub reason: &'static str,
    /// The message.
    pub message: String,
    /// Who reports it.
    pub reporter: Reporter,
}

/// Keeps track of recorded events so repeats are folded.
#[derive(Clone, Debug, Default)]
pub struct EventRecorder {
    /// The event last recorded under each signature's hash: the involved
    /// object's uid and field path, the reason, the message and the
    /// reporter. A repeat is checked against the stored event itself, so
    /// two signatures with one hash only miss a fold.
    by_signature: FxHashMap<u64, ObjectKey>,
    sequence: u64,
}

/// The hash of what makes two events the same event.
fn signature(event: &NewEvent) -> u64 {
    let mut hasher = FxHasher::default();
    event
        .involved
        .uid
        .as_deref()
        .unwrap_or("")
        .hash(&mut hasher);
    let field_path = event.involved.field_path.as_deref();
    field_path.unwrap_or("").hash(&mut hasher);
    event.reason.hash(&mut hasher);
    event.message.hash(&mut hasher);
    event.reporter.hash(&mut hasher);
    hasher.finish()
}

/// Whether a stored event is the one `event` would record again.
fn is_repeat(stored: &Event, event: &NewEvent) -> bool {
    let involved = &stored.involved_object;
    let source = stored.source.as_ref();
    let same_reporter = match &event.reporter {
        Reporter::Component { component, host } => {
            source.and_then(|s| s.component.as_deref()) == Some(component)
                && source.and_then(|s| s.host.as_ref()) == host.as_ref()
        }
        Reporter::Controller {
            controller,
            instance,
            action,
        } => {
            source.and_then(|s| s.component.as_deref()).is_none()
                && stored.reporting_component.as_deref() == Some(controller)
                && stored.reporting_instance.as_ref() == Some(instance)
                && stored.action.as_deref() == Some(action)
        }
    };
    same_reporter
        && involved.uid.as_deref().unwrap_or_default()
            == event.involved.uid.as_deref().unwrap_or_default()
        && involved.field_path.as_deref().unwrap_or_default()
            == event.involved.field_path.as_deref().unwrap_or_default()
        && stored.reason.as_deref() == Some(event.reason)
        && stored.message.as_ref() == Some(&event.message)
}

/// A reference to an object, as events and ownerless pointers carry it.
pub fn reference_to(object: &Object) -> ObjectReference {
    ObjectReference {
        api_version: Some(object.kind().api_version().to_string()),
        kind: Some(object.kind().name().to_string()),
        name: Some(object.name().to_string()),
        namespace: Some(object.namespace().to_string()).filter(|n| !n.is_empty()),
        uid: Some(object.uid().to_string()),
        resource_version: object.metadata().resource_version.clone(),
        field_path: None,
    }
}

impl ApiServer {
    /// Records an event, or counts a repeat of an identical one.
    pub fn record_event(&mut self, event: NewEvent, now: SimTime) -> Arc<Object> {
        let signature = signature(&event);
        if let Some(existing) = self.repeat_of(signature, &event) {
            return self.count_repeat(&existing, now);
        }
        let namespace = event
            .involved
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        self.events.sequence += 1;
        let nanos = now
            .millis()
            .saturating_mul(1_000_000)
            .saturating_add((self.events.sequence % 1_000_000) as i64);
        let name = format!("{}.{nanos:x}", event.involved.name.as_deref().unwrap_or(""));
        let object = Object::Event(Box::new(new_event_object(event, namespace, name, now)));
        let key = ObjectKey::of(&object);
        self.events.by_signature.insert(signature, key);
        self.store_event(object, now)
    }

    fn repeat_of(&self, signature: u64, event: &NewEvent) -> Option<Arc<Object>> {
        let key = self.events.by_signature.get(&signature)?;
        let stored = self.store.get(key)?;
        match stored.as_ref() {
            Object::Event(stored_event) if is_repeat(stored_event, event) => Some(stored.clone()),
            _ => None,
        }
    }

    fn count_repeat(&mut self, existing: &Object, now: SimTime) -> Arc<Object> {
        let mut updated = existing.clone();
        if let Object::Event(event) = &mut updated {
            event.count = Some(event.count.unwrap_or(1) + 1);
            event.last_timestamp = Some(now.to_time());
        }
        self.store.replace(updated)
    }

    fn store_event(&mut self, mut object: Object, now: SimTime) -> Arc<Object> {
        let meta = object.metadata_mut();
        meta.uid = Some(self.rng.uuid());
        meta.creation_timestamp = Some(now.to_time());
        self.store.insert(object)
    }

    /// Events about one object, oldest first (by last timestamp).
    pub fn events_for(&self, involved: &Object) -> Vec<Arc<Object>> {
        let mut events: Vec<Arc<Object>> = self
            .store
            .list(
                Kind::Event,
                Some(involved.namespace())
                    .filter(|n| !n.is_empty())
                    .or(Some("default")),
            )
            .filter(|e| match e.as_ref() {
                Object::Event(ev) => ev.involved_object.uid.as_deref() == Some(involved.uid()),
                _ => false,
            })
            .cloned()
            .collect();
        events.sort_by_key(|e| match e.as_ref() {
            Object::Event(ev) => last_seen(ev),
            _ => SimTime::default(),
        });
        events
    }
}

/// When an event was last seen: lastTimestamp, else firstTimestamp, else eventTime.
pub fn last_seen(event: &Event) -> SimTime {
    event
        .series
        .as_ref()
        .and_then(|s| s.last_observed_time.as_ref())
        .map(|t| SimTime(t.0.as_millisecond()))
        .or_else(|| event.last_timestamp.as_ref().map(SimTime::from_time))
        .or_else(|| event.first_timestamp.as_ref().map(SimTime::from_time))
        .or_else(|| {
            event
                .event_time
                .as_ref()
                .map(|t| SimTime(t.0.as_millisecond()))
        })
        .unwrap_or_default()
}

fn new_event_object(event: NewEvent, namespace: String, name: String, now: SimTime) -> Event {
    let mut object = Event {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace),
            ..Default::default()
        },
        involved_object: event.involved,
        reason: Some(event.reason.to_string()),
        message: Some(event.message),
        type_: Some(event.event_type.as_str().to_string()),
        count: Some(1),
        ..Default::default()
    };
    match event.reporter {
        Reporter::Component { component, host } => {
            object.source = Some(EventSource {
                component: Some(component.to_string()),
                host,
            });
            object.first_timestamp = Some(now.to_time());
            object.last_timestamp = Some(now.to_time());
            object.reporting_component = Some(component.to_string());
            object.reporting_instance = object.source.as_ref().and_then(|s| s.host.clone());
        }
        Reporter::Controller {
            controller,
            instance,
            action,
        } => {
            object.source = Some(EventSource::default());
            object.event_time = Some(now.to_micro_time());
            object.reporting_component = Some(controller.to_string());
            object.reporting_instance = Some(instance);
            object.action = Some(action.to_string());
            object.count = None;
        }
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn event(reason: &'static str, message: &str, reporter: Reporter) -> NewEvent {
        NewEvent {
            involved: ObjectReference {
                kind: Some("Pod".into()),
                name: Some("web".into()),
                namespace: Some("default".into()),
                uid: Some("pod-uid".into()),
                field_path: Some("spec.containers{web}".into()),
                ..ObjectReference::default()
            },
            event_type: EventType::Normal,
            reason,
            message: message.to_string(),
            reporter,
        }
    }

    fn kubelet(host: &str) -> Reporter {
        Reporter::Component {
            component: "kubelet",
            host: Some(host.to_string()),
        }
    }

    fn count(object: &Object) -> Option<i32> {
        match object {
            Object::Event(e) => e.count,
            _ => None,
        }
    }

    #[test]
    fn the_same_event_again_is_counted_on_the_first_one() {
        let mut api = ApiServer::new(1);
        let first = api.record_event(event("BackOff", "Back-off", kubelet("n1")), SimTime(0));
        let again = api.record_event(event("BackOff", "Back-off", kubelet("n1")), SimTime(10));
        assert_eq!(first.name(), again.name());
        assert_eq!(count(&again), Some(2));
        assert_eq!(api.store.count(Kind::Event), 1);
    }

    #[test]
    fn another_message_reason_or_reporter_is_a_new_event() {
        let mut api = ApiServer::new(1);
        let scheduler = Reporter::Controller {
            controller: "default-scheduler",
            instance: "default-scheduler-cp".into(),
            action: "Binding",
        };
        let variants = [
            event("BackOff", "Back-off", kubelet("n1")),
            event("BackOff", "Back-off again", kubelet("n1")),
            event("Pulled", "Back-off", kubelet("n1")),
            event("BackOff", "Back-off", kubelet("n2")),
            event("BackOff", "Back-off", scheduler),
        ];
        let names: BTreeSet<String> = variants
            .into_iter()
            .map(|variant| api.record_event(variant, SimTime(0)).name().to_string())
            .collect();
        assert_eq!(names.len(), 5);
        assert_eq!(api.store.count(Kind::Event), 5);
    }
}

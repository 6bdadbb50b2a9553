//! Events: what the control plane and the kubelets record about objects.
//! Repeats of the same event are folded into one with a growing count, as
//! client-go's event correlator does.

use rustc_hash::FxHashMap;
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
    by_signature: FxHashMap<Signature, ObjectKey>,
    sequence: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Signature {
    uid: String,
    field_path: String,
    reason: &'static str,
    message: String,
    reporter: Reporter,
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
        let signature = Signature {
            uid: event.involved.uid.clone().unwrap_or_default(),
            field_path: event.involved.field_path.clone().unwrap_or_default(),
            reason: event.reason,
            message: event.message.clone(),
            reporter: event.reporter.clone(),
        };
        if let Some(existing) = self.repeat_of(&signature) {
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
        let object = Object::Event(new_event_object(event, namespace, name, now));
        let key = ObjectKey::of(&object);
        self.events.by_signature.insert(signature, key);
        self.store_event(object, now)
    }

    fn repeat_of(&self, signature: &Signature) -> Option<Arc<Object>> {
        let key = self.events.by_signature.get(signature)?;
        self.store.get(key).cloned()
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

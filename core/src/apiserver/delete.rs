//! Deletion: graceful termination of pods, finalizers, and the propagation
//! policies that the garbage collector then carries out.

use std::sync::Arc;

use crate::api::{Object, StatusError};
use crate::time::SimTime;

/// How dependents are treated when their owner is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// The owner goes at once; the garbage collector deletes dependents after.
    Background,
    /// The owner waits, with finalizer `foregroundDeletion`, until its blocking dependents are gone.
    Foreground,
    /// The owner waits, with finalizer `orphan`, while dependents lose their ownerReferences.
    Orphan,
}

impl Propagation {
    /// Parses `Background`, `Foreground` or `Orphan`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Background" => Some(Self::Background),
            "Foreground" => Some(Self::Foreground),
            "Orphan" => Some(Self::Orphan),
            _ => None,
        }
    }

    fn finalizer(self) -> Option<&'static str> {
        match self {
            Propagation::Background => None,
            Propagation::Foreground => Some(FOREGROUND_DELETION),
            Propagation::Orphan => Some(ORPHAN),
        }
    }
}

/// The finalizer that holds an owner until its dependents are deleted.
pub const FOREGROUND_DELETION: &str = "foregroundDeletion";
/// The finalizer that holds an owner until its dependents are orphaned.
pub const ORPHAN: &str = "orphan";

/// DeleteOptions as the API takes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// Seconds of grace; 0 deletes at once. None takes the object's own.
    pub grace_period_seconds: Option<i64>,
    /// How dependents are treated; None means Background.
    pub propagation: Option<Propagation>,
    /// Delete only if the uid still matches.
    pub precondition_uid: Option<String>,
    /// Check, but change nothing.
    pub dry_run: bool,
}

/// What a delete did.
#[derive(Clone, Debug, PartialEq)]
pub enum DeleteOutcome {
    /// The object is gone; this was its last state.
    Deleted(Arc<Object>),
    /// The object is terminating (graceful period or finalizers).
    Terminating(Arc<Object>),
}

impl DeleteOutcome {
    /// The object as the response carries it.
    pub fn object(&self) -> &Arc<Object> {
        match self {
            DeleteOutcome::Deleted(o) | DeleteOutcome::Terminating(o) => o,
        }
    }
}

pub(super) enum Plan {
    Remove,
    MarkTerminating(Object),
    AlreadyTerminating(Arc<Object>),
}

impl Plan {
    pub(super) fn outcome_without_store(self, current: &Arc<Object>) -> DeleteOutcome {
        match self {
            Plan::Remove => DeleteOutcome::Deleted(current.clone()),
            Plan::MarkTerminating(o) => DeleteOutcome::Terminating(Arc::new(o)),
            Plan::AlreadyTerminating(o) => DeleteOutcome::Terminating(o),
        }
    }
}

pub(super) fn check_preconditions(
    current: &Object,
    options: &DeleteOptions,
) -> Result<(), StatusError> {
    match &options.precondition_uid {
        Some(uid) if uid != current.uid() => {
            Err(StatusError::conflict(current.kind(), current.name()))
        }
        _ => Ok(()),
    }
}

/// Decides how a delete proceeds for this object.
pub(super) fn plan(current: &Arc<Object>, now: SimTime, options: &DeleteOptions) -> Plan {
    let propagation = options.propagation.unwrap_or(Propagation::Background);
    let meta = current.metadata();
    let mut finalizers = meta.finalizers.clone().unwrap_or_default();
    if let Some(f) = propagation.finalizer() {
        if !finalizers.iter().any(|x| x == f) {
            finalizers.push(f.to_string());
        }
    }
    if let Object::Namespace(namespace) = current.as_ref() {
        return plan_namespace(&mut (**namespace).clone(), current, now);
    }
    let grace = grace_seconds(current, options);
    if meta.deletion_timestamp.is_some() {
        // A second delete may only shorten a pod's grace period.
        let shorter = grace.is_some_and(|g| {
            meta.deletion_grace_period_seconds
                .is_some_and(|old| g < old)
        });
        if grace == Some(0) && finalizers.is_empty() {
            return Plan::Remove;
        }
        if !shorter && finalizers.as_slice() == meta.finalizers.as_deref().unwrap_or_default() {
            return Plan::AlreadyTerminating(current.clone());
        }
    }
    let graceful = grace.is_some_and(|g| g > 0);
    if !graceful && finalizers.is_empty() {
        return Plan::Remove;
    }
    // Only a deletion that marks the object copies it.
    let mut marked = Object::clone(current);
    let meta = marked.metadata_mut();
    let grace = grace.unwrap_or(0);
    meta.deletion_timestamp = Some(now.plus_secs(grace).to_time());
    meta.deletion_grace_period_seconds = Some(grace);
    meta.finalizers = Some(finalizers).filter(|f| !f.is_empty());
    Plan::MarkTerminating(marked)
}

/// The grace period that applies: pods that run on a node get one; other kinds do not.
fn grace_seconds(current: &Object, options: &DeleteOptions) -> Option<i64> {
    let Object::Pod(pod) = current else {
        return Some(0);
    };
    let spec = pod.spec.as_ref();
    let scheduled = spec
        .and_then(|s| s.node_name.as_deref())
        .is_some_and(|n| !n.is_empty());
    let finished = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .is_some_and(|p| p == "Succeeded" || p == "Failed");
    if !scheduled || finished {
        return Some(0);
    }
    let own = spec
        .and_then(|s| s.termination_grace_period_seconds)
        .unwrap_or(30);
    Some(options.grace_period_seconds.unwrap_or(own).max(0))
}

/// A namespace turns Terminating; the namespace controller empties and then finalizes it.
fn plan_namespace(
    namespace: &mut k8s_openapi::api::core::v1::Namespace,
    current: &Arc<Object>,
    now: SimTime,
) -> Plan {
    if namespace.metadata.deletion_timestamp.is_some() {
        return Plan::AlreadyTerminating(current.clone());
    }
    let finalizers = namespace
        .spec
        .as_ref()
        .and_then(|s| s.finalizers.clone())
        .unwrap_or_default();
    if finalizers.is_empty()
        && namespace
            .metadata
            .finalizers
            .as_ref()
            .is_none_or(Vec::is_empty)
    {
        return Plan::Remove;
    }
    namespace.metadata.deletion_timestamp = Some(now.to_time());
    namespace.metadata.deletion_grace_period_seconds = Some(0);
    namespace.status.get_or_insert_with(Default::default).phase = Some("Terminating".into());
    Plan::MarkTerminating(Object::Namespace(Box::new(namespace.clone())))
}

//! The garbage collector: cascading deletion by ownerReferences. Dependents
//! of a vanished owner are deleted (Background); an owner held by the
//! `foregroundDeletion` finalizer waits for its dependents to go; one held by
//! `orphan` releases them first.

use std::sync::Arc;

use super::reason::Reason;
use super::{Action, Context, Controller};
use crate::api::{Kind, Object};
use crate::apiserver::delete::{FOREGROUND_DELETION, ORPHAN};
use crate::apiserver::{DeleteOptions, Propagation};
use crate::store::{ObjectKey, Store, WatchEvent, WatchEventType};

/// The garbage collector.
#[derive(Default)]
pub struct GarbageCollector;

impl Controller for GarbageCollector {
    fn name(&self) -> &'static str {
        "garbage-collector-controller"
    }

    fn observe(&mut self, change: &WatchEvent, store: &Store) -> Vec<ObjectKey> {
        let object = &change.object;
        let mut keys: Vec<ObjectKey> = Vec::new();
        match change.event_type {
            WatchEventType::Deleted => keys.extend(store.dependents_of(object.uid()).cloned()),
            _ => {
                let meta = object.metadata();
                let held = meta.deletion_timestamp.is_some()
                    && meta
                        .finalizers
                        .iter()
                        .flatten()
                        .any(|f| f == FOREGROUND_DELETION || f == ORPHAN);
                if held || has_missing_owner(object, store) {
                    keys.push(ObjectKey::of(object));
                }
                // A dependent that went away may release an owner held in the foreground.
                if meta.deletion_timestamp.is_some() {
                    keys.extend(owner_keys(object, store));
                }
            }
        }
        if change.event_type == WatchEventType::Deleted {
            keys.extend(owner_keys(object, store));
        }
        keys
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let Some(object) = ctx.store.get(key).cloned() else {
            return Vec::new();
        };
        let finalizers = object.metadata().finalizers.clone().unwrap_or_default();
        if object.metadata().deletion_timestamp.is_some() && finalizers.iter().any(|f| f == ORPHAN)
        {
            return orphan_dependents(ctx.store, &object);
        }
        if object.metadata().deletion_timestamp.is_some()
            && finalizers.iter().any(|f| f == FOREGROUND_DELETION)
        {
            return delete_in_foreground(ctx.store, &object);
        }
        collect_if_owners_gone(ctx.store, &object)
    }
}

/// True when one of the object's owners no longer exists (by uid).
fn has_missing_owner(object: &Object, store: &Store) -> bool {
    let refs = object.metadata().owner_references.iter().flatten();
    refs.into_iter()
        .any(|r| owner_of(object, r, store).is_none())
}

fn owner_of<'s>(
    dependent: &Object,
    reference: &k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference,
    store: &'s Store,
) -> Option<&'s Arc<Object>> {
    let kind = Kind::ALL
        .iter()
        .find(|k| k.name() == reference.kind && k.api_version() == reference.api_version)?;
    store
        .find(*kind, dependent.namespace(), &reference.name)
        .filter(|owner| owner.uid() == reference.uid)
}

fn owner_keys(object: &Object, store: &Store) -> Vec<ObjectKey> {
    object
        .metadata()
        .owner_references
        .iter()
        .flatten()
        .filter_map(|r| owner_of(object, r, store).map(|o| ObjectKey::of(o)))
        .collect()
}

fn collect_if_owners_gone(store: &Store, object: &Arc<Object>) -> Vec<Action> {
    let refs = object
        .metadata()
        .owner_references
        .clone()
        .unwrap_or_default();
    if refs.is_empty() || object.metadata().deletion_timestamp.is_some() {
        return Vec::new();
    }
    let (alive, gone): (Vec<_>, Vec<_>) = refs
        .into_iter()
        .partition(|r| owner_of(object, r, store).is_some());
    if gone.is_empty() {
        return Vec::new();
    }
    if alive.is_empty() {
        // An owner being deleted in the foreground passes that on to its dependents.
        let owners: Vec<String> = gone
            .iter()
            .map(|r| format!("{} {}", r.kind, r.name))
            .collect();
        return vec![
            Action::Explain(Reason::OwnersGone {
                kind: object.kind().name(),
                name: object.name().to_string(),
                owners,
            }),
            Action::Delete(ObjectKey::of(object), DeleteOptions::default()),
        ];
    }
    let mut kept = Object::clone(object);
    kept.metadata_mut().owner_references = Some(alive);
    vec![Action::Update(kept)]
}

fn dependents(store: &Store, owner: &Object) -> Vec<Arc<Object>> {
    store
        .dependents_of(owner.uid())
        .filter_map(|k| store.get(k).cloned())
        .collect()
}

fn orphan_dependents(store: &Store, owner: &Arc<Object>) -> Vec<Action> {
    let mut actions: Vec<Action> = dependents(store, owner)
        .into_iter()
        .map(|dependent| {
            let mut released = Object::clone(&dependent);
            let meta = released.metadata_mut();
            if let Some(refs) = meta.owner_references.as_mut() {
                refs.retain(|r| r.uid != owner.uid());
            }
            if meta.owner_references.as_ref().is_some_and(Vec::is_empty) {
                meta.owner_references = None;
            }
            Action::Update(released)
        })
        .collect();
    actions.push(Action::Update(without_finalizer(owner, ORPHAN)));
    actions
}

fn delete_in_foreground(store: &Store, owner: &Arc<Object>) -> Vec<Action> {
    let remaining = dependents(store, owner);
    let blocking: Vec<&Arc<Object>> = remaining
        .iter()
        .filter(|d| {
            d.metadata()
                .owner_references
                .iter()
                .flatten()
                .any(|r| r.uid == owner.uid() && r.block_owner_deletion == Some(true))
        })
        .collect();
    if blocking.is_empty() {
        return vec![Action::Update(without_finalizer(
            owner,
            FOREGROUND_DELETION,
        ))];
    }
    remaining
        .iter()
        .filter(|d| d.metadata().deletion_timestamp.is_none())
        .map(|d| {
            Action::Delete(
                ObjectKey::of(d),
                DeleteOptions {
                    propagation: Some(Propagation::Foreground),
                    ..DeleteOptions::default()
                },
            )
        })
        .collect()
}

fn without_finalizer(object: &Object, finalizer: &str) -> Object {
    let mut updated = object.clone();
    let meta = updated.metadata_mut();
    if let Some(list) = meta.finalizers.as_mut() {
        list.retain(|f| f != finalizer);
    }
    if meta.finalizers.as_ref().is_some_and(Vec::is_empty) {
        meta.finalizers = None;
    }
    updated
}

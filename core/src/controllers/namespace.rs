//! The namespace controller: a deleted namespace turns `Terminating`, its
//! contents are deleted, and when it is empty its `kubernetes` finalizer is
//! removed and it goes. Also the service-account and root-CA publishers,
//! which give every namespace its `default` ServiceAccount and its
//! `kube-root-ca.crt` ConfigMap.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Action, Context, Controller};
use crate::api::{Kind, Object};
use crate::apiserver::DeleteOptions;
use crate::store::{ObjectKey, Store, WatchEvent, WatchEventType};

/// The CA bundle every namespace's `kube-root-ca.crt` carries (a fixed, simulated certificate).
pub const ROOT_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIU3VuYWJhQ0EwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yNjAxMDEwMDAwMDBaFw0zNjAxMDEwMDAwMDBaMBUx\nEzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n-----END CERTIFICATE-----\n";

/// The namespace controller with the two per-namespace publishers.
#[derive(Default)]
pub struct NamespaceController;

impl Controller for NamespaceController {
    fn name(&self) -> &'static str {
        "namespace-controller"
    }

    fn observe(&mut self, change: &WatchEvent, store: &Store) -> Vec<ObjectKey> {
        let namespace_key = |ns: &str| ObjectKey::new(Kind::Namespace, "", ns);
        match change.object.as_ref() {
            Object::Namespace(_) if change.event_type != WatchEventType::Deleted => {
                vec![ObjectKey::of(&change.object)]
            }
            // A namespaced object that went away may empty a terminating namespace,
            // or may be the default ServiceAccount or root CA that must come back.
            object
                if change.event_type == WatchEventType::Deleted
                    && object.kind().is_namespaced() =>
            {
                let ns = object.namespace();
                store
                    .find(Kind::Namespace, "", ns)
                    .map(|_| vec![namespace_key(ns)])
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let Some(Object::Namespace(namespace)) = ctx.store.get(key).map(|o| o.as_ref()) else {
            return Vec::new();
        };
        if namespace.metadata.deletion_timestamp.is_some() {
            return delete_contents(ctx.store, namespace);
        }
        publish_defaults(ctx.store, &key.name)
    }
}

fn delete_contents(store: &Store, namespace: &Namespace) -> Vec<Action> {
    let name = namespace.metadata.name.clone().unwrap_or_default();
    let contents: Vec<ObjectKey> = Kind::ALL
        .iter()
        .filter(|k| k.is_namespaced())
        .flat_map(|k| store.list(*k, Some(&name)))
        .filter(|o| o.metadata().deletion_timestamp.is_none())
        .map(|o| ObjectKey::of(o))
        .collect();
    let remaining = Kind::ALL
        .iter()
        .filter(|k| k.is_namespaced())
        .any(|k| store.list(*k, Some(&name)).next().is_some());
    if remaining {
        return contents
            .into_iter()
            .map(|k| Action::Delete(k, DeleteOptions::default()))
            .collect();
    }
    let mut finalized = namespace.clone();
    finalized.spec = Some(Default::default());
    finalized.metadata.resource_version = None;
    vec![Action::FinalizeNamespace(Object::Namespace(Box::new(
        finalized,
    )))]
}

fn publish_defaults(store: &Store, namespace: &str) -> Vec<Action> {
    let mut actions = Vec::new();
    if store
        .find(Kind::ServiceAccount, namespace, "default")
        .is_none()
    {
        actions.push(Action::Create(
            Object::ServiceAccount(Box::new(ServiceAccount {
                metadata: meta(namespace, "default"),
                ..Default::default()
            })),
            None,
        ));
    }
    if store
        .find(Kind::ConfigMap, namespace, "kube-root-ca.crt")
        .is_none()
    {
        let mut metadata = meta(namespace, "kube-root-ca.crt");
        metadata.annotations = Some(BTreeMap::from([(
            "kubernetes.io/description".to_string(),
            "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string(),
        )]));
        actions.push(Action::Create(
            Object::ConfigMap(Box::new(ConfigMap {
                metadata,
                data: Some(BTreeMap::from([(
                    "ca.crt".to_string(),
                    ROOT_CA.to_string(),
                )])),
                ..Default::default()
            })),
            None,
        ));
    }
    actions
}

fn meta(namespace: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(namespace.into()),
        ..Default::default()
    }
}

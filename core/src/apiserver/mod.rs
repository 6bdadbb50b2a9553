//! The API server's rules on top of the store: admission (defaulting,
//! service accounts, ClusterIP allocation, Pod Security when enforced),
//! validation, resourceVersion preconditions, generations, graceful deletion
//! and finalizers.
//!
//! Everything that writes objects goes through here: kubectl, the REST
//! surface of the native server, and the controllers.

mod admission;
pub mod binding;
pub mod bootstrap;
pub mod defaults;
pub mod delete;
pub mod events;
pub mod patch;
pub mod pod_security;
pub mod server_side_apply;
pub mod validation;

use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::api::kinds::Kind;
use crate::api::{FieldError, Object, StatusError};
use crate::network::ipam::{NodePortAllocator, ServiceCidr, ServiceIpAllocator};
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use crate::time::SimTime;

pub use delete::{DeleteOptions, DeleteOutcome, Propagation};
pub use events::EventRecorder;
pub use pod_security::PodSecurityLevel;

/// Options shared by create and update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Validate and default, but store nothing (`dryRun=All`).
    pub dry_run: bool,
    /// Who is writing (`kubectl-client-side-apply`, a controller's name, …).
    pub field_manager: Option<String>,
}

/// The API server: the store plus the rules for changing it.
#[derive(Clone, Debug)]
pub struct ApiServer {
    store: Store,
    rng: Rng,
    service_ips: ServiceIpAllocator,
    node_ports: NodePortAllocator,
    pod_security: Option<PodSecurityLevel>,
    /// The events the control plane and kubelets record.
    pub events: EventRecorder,
}

impl ApiServer {
    /// An API server over an empty store; `seed` drives uids and generated names.
    pub fn new(seed: u64) -> Self {
        Self {
            store: Store::default(),
            rng: Rng::new(seed),
            service_ips: ServiceIpAllocator::default(),
            node_ports: NodePortAllocator::default(),
            pod_security: None,
            events: EventRecorder::default(),
        }
    }

    /// An API server over a restored store: the allocators take back the
    /// ClusterIPs and NodePorts its Services hold, and the random source is
    /// moved on by the store's resourceVersion, so a restart with the same
    /// seed does not draw the names and uids it already gave out.
    pub fn restored(seed: u64, store: Store) -> Self {
        let mut api = Self::new(seed ^ store.resource_version().rotate_left(29));
        api.store = store;
        api.take_back_service_ips();
        for object in api.store.list(Kind::Service, None) {
            if let Object::Service(service) = object.as_ref() {
                let spec = service.spec.as_ref();
                let ports = spec.and_then(|s| s.ports.as_deref()).unwrap_or_default();
                for port in ports.iter().filter_map(|p| p.node_port) {
                    let _ = api.node_ports.allocate(port);
                }
            }
        }
        api
    }

    /// Reserves the ClusterIPs the stored Services hold.
    fn take_back_service_ips(&mut self) {
        for object in self.store.list(Kind::Service, None) {
            if let Object::Service(service) = object.as_ref() {
                let spec = service.spec.as_ref();
                let ips = spec
                    .and_then(|s| s.cluster_ips.as_deref())
                    .unwrap_or_default();
                for ip in ips.iter().filter_map(|ip| ip.parse().ok()) {
                    let _ = self.service_ips.allocate(ip);
                }
            }
        }
    }

    /// Draws ClusterIPs from `cidr` from now on (`--service-cluster-ip-range`),
    /// keeping those the stored Services hold.
    pub fn set_service_cidr(&mut self, cidr: ServiceCidr) {
        self.service_ips = ServiceIpAllocator::new(cidr);
        self.take_back_service_ips();
    }

    /// The range ClusterIPs come from.
    pub fn service_cidr(&self) -> ServiceCidr {
        self.service_ips.cidr()
    }

    /// Enforces a Pod Security level on every pod from now on (refusing
    /// pods outside it as Forbidden), or nothing with `None`, as a default
    /// cluster does.
    pub fn set_pod_security(&mut self, level: Option<PodSecurityLevel>) {
        self.pod_security = level;
    }

    /// The Pod Security level enforced on pods, if any.
    pub fn pod_security(&self) -> Option<PodSecurityLevel> {
        self.pod_security
    }

    /// The objects, for reading.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The seeded generator, for callers that must draw from the cluster's randomness.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// The store to read and the generator to draw from, at once.
    pub fn store_and_rng(&mut self) -> (&Store, &mut Rng) {
        (&self.store, &mut self.rng)
    }

    /// Looks an object up, or NotFound.
    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Result<Arc<Object>, StatusError> {
        self.store
            .find(kind, namespace, name)
            .cloned()
            .ok_or_else(|| StatusError::not_found(kind, name))
    }

    /// Creates an object: fills the namespace, a generated name, defaults and
    /// admission fields, validates, then stores it with a fresh uid.
    pub fn create(
        &mut self,
        mut object: Object,
        now: SimTime,
        options: &WriteOptions,
    ) -> Result<Arc<Object>, StatusError> {
        let kind = object.kind();
        let rng_before = self.rng.clone();
        self.check_namespace(&mut object)?;
        self.resolve_generate_name(&mut object)?;
        defaults::apply_defaults(&mut object);
        admission::admit_create(&mut object, &mut self.rng);
        reject_invalid(&object, validation::validate_create(&object))?;
        pod_security::admit(self.pod_security, &object, None)?;
        let key = ObjectKey::of(&object);
        if self.store.get(&key).is_some() {
            return Err(StatusError::already_exists(kind, &key.name));
        }
        let allocated = admission::allocate_service_addresses(
            &mut object,
            &mut self.service_ips,
            &mut self.node_ports,
            &mut self.rng,
        )?;
        if options.dry_run {
            admission::release_service_addresses(
                &allocated,
                &mut self.service_ips,
                &mut self.node_ports,
            );
            self.rng = rng_before;
            return Ok(Arc::new(object));
        }
        stamp_new(object.metadata_mut(), kind, now, &mut self.rng);
        clear_status_on_create(&mut object);
        Ok(self.store.insert(object))
    }

    /// Replaces an object's spec and metadata. A set resourceVersion must
    /// match the stored one. The status is kept, as the main resource's
    /// update ignores it; the generation grows when the spec changes.
    pub fn update(
        &mut self,
        mut object: Object,
        options: &WriteOptions,
    ) -> Result<Arc<Object>, StatusError> {
        let current = self.current_for_write(&object)?;
        object.metadata_mut().namespace = current.metadata().namespace.clone();
        defaults::apply_defaults(&mut object);
        keep_server_fields(object.metadata_mut(), current.metadata());
        keep_status(&mut object, &current);
        admission::keep_service_addresses(&mut object, &current);
        let mut problems = validation::validate_update(&current, &object);
        problems.extend(finalizer_problems(&current, &object));
        reject_invalid(&object, problems)?;
        pod_security::admit(self.pod_security, &object, Some(&current))?;
        if spec_of(&object) != spec_of(&current) {
            bump_generation(object.metadata_mut());
        }
        self.commit_update(object, &current, options)
    }

    /// Replaces an object's status only (the `/status` subresource).
    pub fn update_status(&mut self, object: Object) -> Result<Arc<Object>, StatusError> {
        let current = self.current_for_write(&object)?;
        match with_status_of(object, &current) {
            Some(updated) => Ok(self.store.replace(updated)),
            None => Ok(current),
        }
    }

    /// Deletes an object, gracefully or through finalizers as its kind and
    /// the options ask.
    pub fn delete(
        &mut self,
        key: &ObjectKey,
        now: SimTime,
        options: &DeleteOptions,
    ) -> Result<DeleteOutcome, StatusError> {
        let current = self
            .store
            .get(key)
            .cloned()
            .ok_or_else(|| StatusError::not_found(key.kind, &key.name))?;
        delete::check_preconditions(&current, options)?;
        let plan = delete::plan(&current, now, options);
        if options.dry_run {
            return Ok(plan.outcome_without_store(&current));
        }
        match plan {
            delete::Plan::Remove => Ok(DeleteOutcome::Deleted(self.remove(key))),
            delete::Plan::MarkTerminating(marked) => {
                Ok(DeleteOutcome::Terminating(self.store.replace(marked)))
            }
            delete::Plan::AlreadyTerminating(current) => Ok(DeleteOutcome::Terminating(current)),
        }
    }

    /// Removes a terminating namespace whose contents are gone (`namespaces/<name>/finalize`).
    pub fn finalize_namespace(&mut self, namespace: &Object) -> Result<Arc<Object>, StatusError> {
        let key = ObjectKey::of(namespace);
        let current = self.get(Kind::Namespace, "", &key.name)?;
        if current.metadata().deletion_timestamp.is_none() {
            return Ok(current);
        }
        Ok(self.remove(&key))
    }

    fn remove(&mut self, key: &ObjectKey) -> Arc<Object> {
        let removed = self
            .store
            .remove(key)
            .unwrap_or_else(|| unreachable_missing(key));
        admission::release_for_removed(&removed, &mut self.service_ips, &mut self.node_ports);
        removed
    }

    fn commit_update(
        &mut self,
        object: Object,
        current: &Arc<Object>,
        options: &WriteOptions,
    ) -> Result<Arc<Object>, StatusError> {
        if options.dry_run {
            return Ok(Arc::new(object));
        }
        let finished_terminating = object.metadata().deletion_timestamp.is_some()
            && object
                .metadata()
                .finalizers
                .as_ref()
                .is_none_or(Vec::is_empty)
            && !is_graceful_pod(&object);
        if object == **current {
            return Ok(current.clone());
        }
        let key = ObjectKey::of(&object);
        if finished_terminating {
            self.store.replace(object);
            return Ok(self.remove(&key));
        }
        Ok(self.store.replace(object))
    }

    fn current_for_write(&self, object: &Object) -> Result<Arc<Object>, StatusError> {
        let kind = object.kind();
        let key = ObjectKey::of(object);
        let current = self
            .store
            .get(&key)
            .cloned()
            .ok_or_else(|| StatusError::not_found(kind, &key.name))?;
        let wanted = object.metadata().resource_version.as_deref().unwrap_or("");
        if !wanted.is_empty()
            && wanted != current.metadata().resource_version.as_deref().unwrap_or("")
        {
            return Err(StatusError::conflict(kind, &key.name));
        }
        Ok(current)
    }

    fn check_namespace(&self, object: &mut Object) -> Result<(), StatusError> {
        let kind = object.kind();
        if !kind.is_namespaced() {
            object.metadata_mut().namespace = None;
            return Ok(());
        }
        let namespace = object.namespace().to_string();
        let namespace = if namespace.is_empty() {
            "default".to_string()
        } else {
            namespace
        };
        let Some(ns) = self.store.find(Kind::Namespace, "", &namespace) else {
            return Err(StatusError::namespace_not_found(&namespace));
        };
        if ns.metadata().deletion_timestamp.is_some() {
            return Err(StatusError::forbidden(format!(
                "{} {:?} is forbidden: unable to create new content in namespace {namespace} because it is being terminated",
                kind.qualified_plural(),
                object.name()
            )));
        }
        object.metadata_mut().namespace = Some(namespace);
        Ok(())
    }

    fn resolve_generate_name(&mut self, object: &mut Object) -> Result<(), StatusError> {
        if !object.name().is_empty() {
            return Ok(());
        }
        let Some(base) = object
            .metadata()
            .generate_name
            .clone()
            .filter(|g| !g.is_empty())
        else {
            return Err(StatusError::invalid(
                object.kind(),
                "",
                vec![FieldError {
                    field: "metadata.name".into(),
                    reason: "FieldValueRequired",
                    message: "Required value: name or generateName is required".into(),
                }],
            ));
        };
        let base: String = base.chars().take(58).collect();
        // Retry on the rare collision, as the API server's generator does.
        for _ in 0..8 {
            let name = format!("{base}{}", self.rng.name_suffix(5));
            if self
                .store
                .find(object.kind(), object.namespace(), &name)
                .is_none()
            {
                object.metadata_mut().name = Some(name);
                return Ok(());
            }
        }
        Err(StatusError::already_exists(object.kind(), &base))
    }
}

fn unreachable_missing(key: &ObjectKey) -> Arc<Object> {
    // The caller just read the object under the same &mut borrow.
    panic!("object {key:?} vanished during a write")
}

fn reject_invalid(object: &Object, problems: Vec<FieldError>) -> Result<(), StatusError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StatusError::invalid(object.kind(), object.name(), problems))
    }
}

/// Stamps what the server owns on a new object.
fn stamp_new(meta: &mut ObjectMeta, kind: Kind, now: SimTime, rng: &mut Rng) {
    meta.uid = Some(rng.uuid());
    meta.creation_timestamp = Some(now.to_time());
    meta.resource_version = None;
    meta.deletion_timestamp = None;
    meta.deletion_grace_period_seconds = None;
    meta.generation = has_generation(kind).then_some(1);
}

fn has_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::Ingress | Kind::NetworkPolicy | Kind::Pod
    )
}

fn bump_generation(meta: &mut ObjectMeta) {
    if let Some(generation) = meta.generation.as_mut() {
        *generation += 1;
    }
}

/// Fields a client cannot change by update.
fn keep_server_fields(meta: &mut ObjectMeta, current: &ObjectMeta) {
    meta.uid = current.uid.clone();
    meta.creation_timestamp = current.creation_timestamp.clone();
    meta.generation = current.generation;
    meta.deletion_timestamp = current.deletion_timestamp.clone();
    meta.deletion_grace_period_seconds = current.deletion_grace_period_seconds;
    if meta.generate_name.is_none() {
        meta.generate_name = current.generate_name.clone();
    }
}

fn finalizer_problems(current: &Object, new: &Object) -> Vec<FieldError> {
    let terminating = current.metadata().deletion_timestamp.is_some();
    let old: Vec<String> = current.metadata().finalizers.clone().unwrap_or_default();
    let added: Vec<&String> = new
        .metadata()
        .finalizers
        .iter()
        .flatten()
        .filter(|f| !old.contains(f))
        .collect();
    if terminating && !added.is_empty() {
        vec![FieldError::forbidden(
            "metadata.finalizers",
            format!("no new finalizers can be added if the object is being deleted, found new finalizers {added:?}"),
        )]
    } else {
        Vec::new()
    }
}

fn is_graceful_pod(object: &Object) -> bool {
    matches!(object, Object::Pod(_))
        && object
            .metadata()
            .deletion_grace_period_seconds
            .is_some_and(|g| g > 0)
}

/// The part of an object whose change bumps the generation.
fn spec_of(object: &Object) -> serde_json::Value {
    let mut value = object.to_value();
    if let Some(map) = value.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
        map.remove("apiVersion");
        map.remove("kind");
    }
    value
}

fn keep_status(object: &mut Object, current: &Object) {
    copy_status(current, object);
}

fn clear_status_on_create(object: &mut Object) {
    match object {
        // The pod strategy's PrepareForCreate: Pending, with its QoS class.
        Object::Pod(o) => {
            o.status = Some(k8s_openapi::api::core::v1::PodStatus {
                phase: Some("Pending".into()),
                qos_class: Some(crate::kubelet::status::qos_class(o).into()),
                ..Default::default()
            })
        }
        Object::ReplicaSet(o) => o.status = None,
        Object::Deployment(o) => o.status = None,
        Object::Service(o) => o.status = Some(Default::default()),
        Object::Node(_) | Object::Namespace(_) => {}
        _ => {}
    }
}

/// Copies the status of `from` onto `to` (same kind).
/// Calls `$apply!` with every kind that has a status subresource.
macro_rules! kinds_with_status {
    ($apply:ident) => {
        $apply!(
            Pod,
            ReplicaSet,
            Deployment,
            Service,
            Node,
            Namespace,
            Ingress,
            PersistentVolumeClaim
        )
    };
}

/// Copies the status of `from` onto `to` (same kind).
fn copy_status(from: &Object, to: &mut Object) {
    macro_rules! copy {
        ($($kind:ident),*) => {
            match (from, to) {
                $((Object::$kind(from), Object::$kind(to)) => to.status = from.status.clone(),)*
                _ => {}
            }
        };
    }
    kinds_with_status!(copy)
}

/// `current` with the status of `from`, or None when the status is the same.
fn with_status_of(from: Object, current: &Object) -> Option<Object> {
    use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
    use k8s_openapi::api::core::v1::{Namespace, Node, PersistentVolumeClaim, Pod, Service};
    use k8s_openapi::api::networking::v1::Ingress;
    macro_rules! replace {
        ($($kind:ident),*) => {
            match (from, current) {
                $((Object::$kind(from), Object::$kind(current)) => {
                    (from.status != current.status).then(|| {
                        Object::$kind(Box::new($kind {
                            metadata: current.metadata.clone(),
                            spec: current.spec.clone(),
                            status: from.status,
                        }))
                    })
                })*
                _ => None,
            }
        };
    }
    kinds_with_status!(replace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, Namespace, Pod, PodSpec, PodStatus};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn meta(namespace: Option<&str>, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: namespace.map(str::to_string),
            ..ObjectMeta::default()
        }
    }

    fn server_with_bound_pod() -> ApiServer {
        let mut api = ApiServer::new(1);
        let now = SimTime::default();
        let options = WriteOptions::default();
        let namespace = Object::Namespace(Box::new(Namespace {
            metadata: meta(None, "default"),
            ..Namespace::default()
        }));
        api.create(namespace, now, &options).expect("namespace");
        let mut metadata = meta(Some("default"), "web");
        metadata.labels = Some([("app".to_string(), "web".to_string())].into());
        let pod = Object::Pod(Box::new(Pod {
            metadata,
            spec: Some(PodSpec {
                node_name: Some("node-1".into()),
                containers: vec![Container {
                    name: "web".into(),
                    image: Some("nginx:1.25".into()),
                    ..Container::default()
                }],
                ..PodSpec::default()
            }),
            status: None,
        }));
        api.create(pod, now, &options).expect("pod");
        api
    }

    #[test]
    fn a_status_update_carrying_only_key_and_status_keeps_the_rest() {
        let mut api = server_with_bound_pod();
        let status_only = Object::Pod(Box::new(Pod {
            metadata: meta(Some("default"), "web"),
            spec: None,
            status: Some(PodStatus {
                phase: Some("Running".into()),
                ..PodStatus::default()
            }),
        }));
        let updated = api.update_status(status_only).expect("updated");
        let Object::Pod(pod) = updated.as_ref() else {
            panic!("a pod")
        };
        let spec = pod.spec.as_ref().expect("spec kept");
        assert_eq!(spec.containers[0].image.as_deref(), Some("nginx:1.25"));
        assert_eq!(pod.metadata.labels.as_ref().map(|l| l.len()), Some(1));
        assert_eq!(
            pod.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Running")
        );
        let on_node: Vec<_> = api.store().pods_on_node("node-1").collect();
        assert_eq!(on_node, [&("default".to_string(), "web".to_string())]);
    }

    #[test]
    fn an_unchanged_status_writes_nothing() {
        let mut api = server_with_bound_pod();
        let current = api.get(Kind::Pod, "default", "web").expect("pod");
        let before = api.store().resource_version();
        let same = api.update_status(Object::clone(&current)).expect("same");
        assert_eq!(api.store().resource_version(), before);
        assert!(Arc::ptr_eq(&same, &current));
    }
}

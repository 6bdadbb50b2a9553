//! The Deployment controller. `sync_deployment` is a short dispatcher, as
//! `syncDeployment` is; each concern has its own file: `sync` (replica sets,
//! revisions, scaling, status), `rolling`, `recreate`, `rollback`
//! (history cleanup) and `progress` (conditions and the deadline).

mod progress;
mod recreate;
mod rollback;
mod rolling;
pub mod sync;
pub mod util;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;

use super::pod_util::controller_ref;
use super::{Action, Context, Controller};
use crate::api::selector::{labels_of, Selector};
use crate::api::{Kind, Object};
use crate::store::{ObjectKey, Store, WatchEvent, WatchEventType};

/// The Deployment controller.
#[derive(Default)]
pub struct DeploymentController;

impl Controller for DeploymentController {
    fn name(&self) -> &'static str {
        "deployment-controller"
    }

    fn observe(&mut self, change: &WatchEvent, store: &Store) -> Vec<ObjectKey> {
        match change.object.as_ref() {
            Object::Deployment(_) if change.event_type != WatchEventType::Deleted => {
                vec![ObjectKey::of(&change.object)]
            }
            Object::ReplicaSet(rs) => match controller_ref(&rs.metadata) {
                Some(owner) if owner.kind == "Deployment" => {
                    vec![ObjectKey::new(
                        Kind::Deployment,
                        change.object.namespace(),
                        owner.name.clone(),
                    )]
                }
                Some(_) => Vec::new(),
                None => deployments_selecting(store, &change.object),
            },
            // `deletePod`: a Recreate rollout waits for the old pods to be
            // gone, and nothing else tells it when the last one goes.
            Object::Pod(pod) if change.event_type == WatchEventType::Deleted => {
                recreate_deployment_of(store, pod).into_iter().collect()
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let Some(object) = ctx.store.get(key) else {
            return Vec::new();
        };
        let Object::Deployment(deployment) = object.as_ref() else {
            return Vec::new();
        };
        sync_deployment(ctx, object, deployment)
    }
}

/// The Recreate Deployment controlling a pod's ReplicaSet, if any.
fn recreate_deployment_of(store: &Store, pod: &Pod) -> Option<ObjectKey> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    let rs_ref = controller_ref(&pod.metadata).filter(|r| r.kind == "ReplicaSet")?;
    let rs = store
        .find(Kind::ReplicaSet, namespace, &rs_ref.name)
        .filter(|rs| rs.uid() == rs_ref.uid)?;
    let d_ref = controller_ref(rs.metadata()).filter(|r| r.kind == "Deployment")?;
    let d = store
        .find(Kind::Deployment, namespace, &d_ref.name)
        .filter(|d| d.uid() == d_ref.uid)?;
    match d.as_ref() {
        Object::Deployment(deployment) if util::strategy_type(deployment) == "Recreate" => {
            Some(ObjectKey::of(d))
        }
        _ => None,
    }
}

fn deployments_selecting(store: &Store, rs: &Object) -> Vec<ObjectKey> {
    let labels = labels_of(rs.metadata());
    store
        .list(Kind::Deployment, Some(rs.namespace()))
        .filter(|o| match o.as_ref() {
            Object::Deployment(d) => d
                .spec
                .as_ref()
                .and_then(|s| Selector::from_label_selector(&s.selector).ok())
                .is_some_and(|s| !s.is_empty() && s.matches(labels)),
            _ => false,
        })
        .map(|o| ObjectKey::of(o))
        .collect()
}

/// `syncDeployment`: adopt, then scale, roll out or report, as the state asks.
fn sync_deployment(ctx: Context<'_>, object: &Object, deployment: &Deployment) -> Vec<Action> {
    if deployment.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let mut plan = sync::Plan::new(ctx, object, deployment);
    if plan.adopt_orphans() {
        return plan.into_actions();
    }
    if util::is_paused(deployment) {
        plan.sync_paused();
        return plan.into_actions();
    }
    if plan.is_scaling_event() {
        plan.scale();
        plan.finish_status(false);
        return plan.into_actions();
    }
    match util::strategy_type(deployment) {
        "Recreate" => recreate::rollout(&mut plan),
        _ => rolling::rollout(&mut plan),
    }
    plan.into_actions()
}

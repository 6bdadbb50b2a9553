//! The controllers' edge cases, one test per behaviour: rollouts within
//! maxSurge and maxUnavailable, minReadySeconds, Recreate, rollback and
//! history, pause, the progress deadline, the ReplicaSet's scale-down ranking,
//! adoption and release, cascading deletion, the scheduler's filters and
//! spreading, the kubelet's probes, init containers, restart policies and
//! crash back-off, and the endpoint controllers. Each drives a `Cluster`
//! with manifests and a simulated clock and asserts on the store.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentCondition, ReplicaSet};
use k8s_openapi::api::core::v1::{ContainerStatus, Endpoints, Pod};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use sunaba_core::api::{Kind, Object};
use sunaba_core::apiserver::{DeleteOptions, Propagation};
use sunaba_core::kubectl::{self, Files};
use sunaba_core::store::ObjectKey;
use sunaba_core::time::SimTime;
use sunaba_core::{Cluster, ClusterConfig};

// ---------------------------------------------------------------- helpers

fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

fn apply(cluster: &mut Cluster, text: &str) {
    for result in cluster.create_manifests(text).expect("manifests decode") {
        result.expect("the API server accepts it");
    }
}

fn get(cluster: &Cluster, kind: Kind, name: &str) -> Arc<Object> {
    cluster
        .api()
        .get(kind, "default", name)
        .unwrap_or_else(|_| panic!("{kind:?} {name} exists"))
}

fn exists(cluster: &Cluster, kind: Kind, name: &str) -> bool {
    cluster.api().get(kind, "default", name).is_ok()
}

fn list(cluster: &Cluster, kind: Kind) -> Vec<Arc<Object>> {
    cluster
        .api()
        .store()
        .list(kind, Some("default"))
        .cloned()
        .collect()
}

fn as_pod(object: &Object) -> &Pod {
    match object {
        Object::Pod(pod) => pod,
        other => panic!("not a pod: {other:?}"),
    }
}

fn as_deployment(object: &Object) -> &Deployment {
    match object {
        Object::Deployment(d) => d,
        other => panic!("not a Deployment: {other:?}"),
    }
}

fn as_replica_set(object: &Object) -> &ReplicaSet {
    match object {
        Object::ReplicaSet(rs) => rs,
        other => panic!("not a ReplicaSet: {other:?}"),
    }
}

/// The pods whose labels include `key=value`, terminating ones too.
fn pods_labelled(cluster: &Cluster, key: &str, value: &str) -> Vec<Pod> {
    list(cluster, Kind::Pod)
        .iter()
        .map(|o| as_pod(o).clone())
        .filter(|p| label(p, key) == Some(value))
        .collect()
}

fn label<'p>(pod: &'p Pod, key: &str) -> Option<&'p str> {
    pod.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(key))
        .map(String::as_str)
}

fn name(pod: &Pod) -> String {
    pod.metadata.name.clone().unwrap_or_default()
}

fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

fn terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

/// Counts toward replicas, as the controllers count: not finished, not terminating.
fn active(pod: &Pod) -> bool {
    !terminating(pod) && !matches!(phase(pod), "Succeeded" | "Failed")
}

/// When the pod's Ready condition turned True, if it is True.
fn ready_since(pod: &Pod) -> Option<SimTime> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == "True")
        .and_then(|c| c.last_transition_time.as_ref())
        .map(SimTime::from_time)
}

fn ready(pod: &Pod) -> bool {
    ready_since(pod).is_some()
}

fn node_of(pod: &Pod) -> Option<String> {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .filter(|n| !n.is_empty())
}

fn condition<'p>(
    pod: &'p Pod,
    type_: &str,
) -> Option<&'p k8s_openapi::api::core::v1::PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

fn container_statuses(pod: &Pod) -> Vec<ContainerStatus> {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default()
}

fn restarts(pod: &Pod) -> i32 {
    container_statuses(pod)
        .iter()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
}

fn waiting_reason(status: &ContainerStatus) -> Option<String> {
    status.state.as_ref()?.waiting.as_ref()?.reason.clone()
}

fn waiting_message(status: &ContainerStatus) -> Option<String> {
    status.state.as_ref()?.waiting.as_ref()?.message.clone()
}

fn terminated_reason(status: &ContainerStatus) -> Option<(i32, String)> {
    let t = status.state.as_ref()?.terminated.as_ref()?;
    Some((t.exit_code, t.reason.clone().unwrap_or_default()))
}

fn pod_named(cluster: &Cluster, name: &str) -> Pod {
    as_pod(&get(cluster, Kind::Pod, name)).clone()
}

fn deployment_named(cluster: &Cluster, name: &str) -> Deployment {
    as_deployment(&get(cluster, Kind::Deployment, name)).clone()
}

/// The Deployment's ReplicaSets, by name.
fn replica_sets(cluster: &Cluster) -> BTreeMap<String, ReplicaSet> {
    list(cluster, Kind::ReplicaSet)
        .iter()
        .map(|o| (o.name().to_string(), as_replica_set(o).clone()))
        .collect()
}

fn annotation(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    key: &str,
) -> Option<String> {
    meta.annotations.as_ref()?.get(key).cloned()
}

fn revision(rs: &ReplicaSet) -> Option<String> {
    annotation(&rs.metadata, "deployment.kubernetes.io/revision")
}

fn rs_image(rs: &ReplicaSet) -> String {
    rs.spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.spec.as_ref())
        .and_then(|s| s.containers[0].image.clone())
        .unwrap_or_default()
}

fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
}

fn deployment_condition(d: &Deployment, type_: &str) -> Option<DeploymentCondition> {
    d.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
        .cloned()
}

/// (reason, status) of a Deployment condition.
fn condition_reason(d: &Deployment, type_: &str) -> Option<(String, String)> {
    deployment_condition(d, type_).map(|c| (c.reason.unwrap_or_default(), c.status))
}

/// An event as (type, reason, message, count, first seen).
#[derive(Clone, Debug)]
struct Seen {
    type_: String,
    reason: String,
    message: String,
    count: i32,
    first: Option<SimTime>,
}

fn events(cluster: &Cluster, involved: &Object) -> Vec<Seen> {
    cluster
        .api()
        .events_for(involved)
        .iter()
        .filter_map(|e| match e.as_ref() {
            Object::Event(ev) => Some(Seen {
                type_: ev.type_.clone().unwrap_or_default(),
                reason: ev.reason.clone().unwrap_or_default(),
                message: ev.message.clone().unwrap_or_default(),
                count: ev.count.unwrap_or(1),
                first: ev
                    .first_timestamp
                    .as_ref()
                    .map(SimTime::from_time)
                    .or_else(|| {
                        ev.event_time
                            .as_ref()
                            .map(|t| SimTime(t.0.as_millisecond()))
                    }),
            }),
            _ => None,
        })
        .collect()
}

fn event_lines(cluster: &Cluster, involved: &Object) -> Vec<String> {
    events(cluster, involved)
        .iter()
        .map(|e| format!("{} {}: {}", e.type_, e.reason, e.message))
        .collect()
}

/// Replaces a Deployment after `change`, as `kubectl edit` would.
fn edit_deployment(cluster: &mut Cluster, name: &str, change: impl FnOnce(&mut Deployment)) {
    let mut d = deployment_named(cluster, name);
    change(&mut d);
    d.metadata.resource_version = None;
    cluster
        .update(Object::Deployment(Box::new(d)))
        .expect("the Deployment is updated");
}

fn set_image(cluster: &mut Cluster, name: &str, image: &str) {
    edit_deployment(cluster, name, |d| {
        d.spec
            .as_mut()
            .and_then(|s| s.template.spec.as_mut())
            .expect("a pod spec")
            .containers[0]
            .image = Some(image.into());
    });
}

/// Advances the clock in steps of `step` ms until `done` holds, for at most
/// `limit` ms; returns the time it took.
fn advance_until(
    cluster: &mut Cluster,
    step: i64,
    limit: i64,
    mut done: impl FnMut(&Cluster) -> bool,
) -> i64 {
    let mut waited = 0;
    while !done(cluster) {
        assert!(waited < limit, "not done after {limit} ms");
        cluster.advance(step);
        waited += step;
    }
    waited
}

/// A Deployment `web` of nginx with the given replicas and extra spec lines
/// (indented for `spec:`).
fn web_deployment(replicas: i32, image: &str, extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
{extra}  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: {image}
"
    )
}

/// The Deployment has rolled out its current template completely.
fn rolled_out(cluster: &Cluster, name: &str) -> bool {
    let d = deployment_named(cluster, name);
    let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let status = d.status.clone().unwrap_or_default();
    status.observed_generation >= d.metadata.generation
        && status.updated_replicas.unwrap_or(0) == replicas
        && status.replicas.unwrap_or(0) == replicas
        && status.available_replicas.unwrap_or(0) == replicas
        && condition_reason(&d, "Progressing")
            .is_some_and(|(reason, _)| reason == "NewReplicaSetAvailable")
}

struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _path: &str) -> Option<String> {
        None
    }

    fn list(&self, _dir: &str) -> Option<Vec<String>> {
        None
    }
}

fn kubectl(cluster: &mut Cluster, command: &str) -> String {
    let argv = kubectl::args::split_words(command).expect("balanced quotes");
    let output = kubectl::run(
        &mut kubectl::Context {
            cluster,
            files: &NoFiles,
        },
        &argv,
    );
    assert_eq!(output.exit_code, 0, "{command}: {}", output.stderr);
    output.stdout
}

// ------------------------------------------------------------ Deployments

/// Rolls `web` (4 replicas, the given strategy lines) from nginx:1.25 to
/// nginx:1.26 in 200 ms steps and checks the bounds at every step; returns
/// (the most pods at once, the fewest available at once). Terminating pods
/// count toward neither, as the Deployment controller does not count them.
fn roll_within_bounds(strategy: &str, surge: usize, unavailable: usize) -> (usize, usize) {
    const REPLICAS: usize = 4;
    let mut cluster = cluster();
    apply(&mut cluster, &web_deployment(4, "nginx:1.25", strategy));
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    set_image(&mut cluster, "web", "nginx:1.26");
    let (mut most, mut fewest) = (0, usize::MAX);
    let mut elapsed = 0;
    loop {
        let pods = pods_labelled(&cluster, "app", "web");
        let total = pods.iter().filter(|p| active(p)).count();
        let available = pods.iter().filter(|p| active(p) && ready(p)).count();
        assert!(
            total <= REPLICAS + surge,
            "{total} pods at {elapsed} ms, more than {REPLICAS} + {surge}"
        );
        assert!(
            available + unavailable >= REPLICAS,
            "{available} available at {elapsed} ms, fewer than {REPLICAS} - {unavailable}"
        );
        most = most.max(total);
        fewest = fewest.min(available);
        let all_new = pods.iter().all(|p| {
            let image = p.spec.as_ref().and_then(|s| s.containers[0].image.clone());
            image.as_deref() == Some("nginx:1.26")
        });
        if all_new && total == REPLICAS && available == REPLICAS && rolled_out(&cluster, "web") {
            break;
        }
        assert!(elapsed < 120_000, "the rollout did not finish");
        cluster.advance(200);
        elapsed += 200;
    }
    let sets = replica_sets(&cluster);
    assert_eq!(sets.len(), 2);
    let by_image: BTreeMap<String, i32> = sets
        .values()
        .map(|rs| (rs_image(rs), rs_replicas(rs)))
        .collect();
    assert_eq!(
        by_image,
        BTreeMap::from([("nginx:1.25".into(), 0), ("nginx:1.26".into(), 4)])
    );
    (most, fewest)
}

#[test]
fn rolling_update_with_max_surge_1_and_max_unavailable_0_never_drops_below_replicas() {
    let (most, fewest) = roll_within_bounds(
        "  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n",
        1,
        0,
    );
    assert_eq!(
        (most, fewest),
        (5, 4),
        "the surge is used, availability never drops"
    );
}

#[test]
fn rolling_update_with_max_surge_0_and_max_unavailable_1_never_exceeds_replicas() {
    let (most, fewest) = roll_within_bounds(
        "  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n",
        0,
        1,
    );
    assert_eq!((most, fewest), (4, 3), "no surge, one pod down at a time");
}

#[test]
fn rolling_update_with_the_default_25_percent_surges_1_and_drops_1_of_4() {
    let (most, fewest) = roll_within_bounds("", 1, 1);
    assert_eq!((most, fewest), (5, 3));
}

#[test]
fn min_ready_seconds_delays_availability_and_the_rollout() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        &web_deployment(
            2,
            "nginx:1.25",
            "  minReadySeconds: 10\n  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n",
        ),
    );
    advance_until(&mut cluster, 200, 30_000, |c| {
        let pods = pods_labelled(c, "app", "web");
        pods.len() == 2 && pods.iter().all(ready)
    });
    let became_ready = pods_labelled(&cluster, "app", "web")
        .iter()
        .filter_map(ready_since)
        .max()
        .expect("ready");
    let available = |c: &Cluster| {
        deployment_named(c, "web")
            .status
            .and_then(|s| s.available_replicas)
            .unwrap_or(0)
    };
    assert_eq!(available(&cluster), 0, "ready is not yet available");
    let d = deployment_named(&cluster, "web");
    assert_eq!(
        condition_reason(&d, "Available"),
        Some(("MinimumReplicasUnavailable".into(), "False".into()))
    );
    cluster.run_until(became_ready.plus_millis(9_900));
    assert_eq!(available(&cluster), 0, "still inside minReadySeconds");
    cluster.run_until(became_ready.plus_millis(10_000));
    assert_eq!(available(&cluster), 2, "available once ready for 10 s");
    advance_until(&mut cluster, 1_000, 10_000, |c| rolled_out(c, "web"));

    // The rollout: no old pod goes until a new one has been ready for 10 s.
    set_image(&mut cluster, "web", "nginx:1.26");
    let is_new = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.containers[0].image.as_deref())
            == Some("nginx:1.26")
    };
    let mut first_new_ready: Option<SimTime> = None;
    let mut first_old_deleted: Option<SimTime> = None;
    advance_until(&mut cluster, 200, 120_000, |c| {
        let pods = pods_labelled(c, "app", "web");
        if first_new_ready.is_none() {
            first_new_ready = pods
                .iter()
                .filter(|p| is_new(p))
                .filter_map(ready_since)
                .min();
        }
        let old_active = pods.iter().filter(|p| !is_new(p) && active(p)).count();
        if first_old_deleted.is_none() && old_active < 2 {
            first_old_deleted = Some(c.now());
        }
        rolled_out(c, "web") && pods.iter().all(is_new)
    });
    let ready_at = first_new_ready.expect("a new pod became ready");
    let deleted_at = first_old_deleted.expect("an old pod was deleted");
    let waited = deleted_at.millis_since(ready_at);
    assert!(
        (10_000..=10_200).contains(&waited),
        "the first old pod went {waited} ms after the first new pod was ready"
    );
}

#[test]
fn recreate_removes_every_old_pod_before_creating_the_new_replica_set() {
    let mut cluster = cluster();
    // busybox ignores SIGTERM, so each old pod lingers for its 3 s grace period.
    apply(
        &mut cluster,
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 3
      containers:
      - name: app
        image: busybox:1.36
        command: [\"sleep\", \"3600\"]
",
    );
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    let old_rs: BTreeSet<String> = replica_sets(&cluster).into_keys().collect();
    set_image(&mut cluster, "web", "busybox:1.37");
    let mut saw_old_terminating = false;
    let waited = advance_until(&mut cluster, 200, 120_000, |c| {
        let pods = pods_labelled(c, "app", "web");
        let (old, new): (Vec<&Pod>, Vec<&Pod>) = pods.iter().partition(|p| {
            p.spec
                .as_ref()
                .and_then(|s| s.containers[0].image.as_deref())
                == Some("busybox:1.36")
        });
        assert!(
            old.is_empty() || new.is_empty(),
            "old and new pods together: {:?}",
            pods.iter().map(name).collect::<Vec<_>>()
        );
        let new_sets = replica_sets(c)
            .into_keys()
            .filter(|n| !old_rs.contains(n))
            .count();
        if !old.is_empty() {
            assert_eq!(new_sets, 0, "the new ReplicaSet waits for the old pods");
            saw_old_terminating |= old.iter().all(|p| terminating(p));
        }
        rolled_out(c, "web")
    });
    assert!(saw_old_terminating, "every old pod was terminating at once");
    assert!(waited >= 3_000, "the old pods took their grace period");
    let pods = pods_labelled(&cluster, "app", "web");
    assert_eq!(pods.len(), 3);
    let d = get(&cluster, Kind::Deployment, "web");
    let scaling: Vec<String> = events(&cluster, &d)
        .into_iter()
        .filter(|e| e.reason == "ScalingReplicaSet")
        .map(|e| e.message)
        .collect();
    assert_eq!(scaling.len(), 3, "{scaling:?}");
    assert!(
        scaling[1].starts_with("Scaled down replica set web-")
            && scaling[1].ends_with(" from 3 to 0")
    );
    assert!(
        scaling[2].starts_with("Scaled up replica set web-")
            && scaling[2].ends_with(" from 0 to 3")
    );
}

/// Sets the Deployment's template back to a ReplicaSet's, as `rollout undo` does.
fn undo_to(cluster: &mut Cluster, rs: &ReplicaSet) {
    let mut template = rs.spec.clone().and_then(|s| s.template).expect("template");
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove("pod-template-hash");
    }
    edit_deployment(cluster, "web", |d| {
        d.spec.as_mut().expect("spec").template = template;
    });
}

fn rs_for_image(cluster: &Cluster, image: &str) -> Option<ReplicaSet> {
    replica_sets(cluster)
        .into_values()
        .find(|rs| rs_image(rs) == image)
}

#[test]
fn rollback_reuses_the_old_replica_set_and_history_keeps_only_the_limit() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        &web_deployment(2, "nginx:1.25", "  revisionHistoryLimit: 2\n"),
    );
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    let first_name = rs_for_image(&cluster, "nginx:1.25")
        .and_then(|rs| rs.metadata.name)
        .expect("revision 1");
    for image in ["nginx:1.26", "nginx:1.27", "nginx:1.28"] {
        set_image(&mut cluster, "web", image);
        advance_until(&mut cluster, 1_000, 120_000, |c| rolled_out(c, "web"));
    }
    let history = |c: &Cluster| -> BTreeMap<String, (String, i32)> {
        replica_sets(c)
            .values()
            .map(|rs| {
                (
                    rs_image(rs),
                    (revision(rs).unwrap_or_default(), rs_replicas(rs)),
                )
            })
            .collect()
    };
    // Three old ReplicaSets at zero, limit 2: revision 1 is deleted.
    assert_eq!(
        history(&cluster),
        BTreeMap::from([
            ("nginx:1.26".into(), ("2".into(), 0)),
            ("nginx:1.27".into(), ("3".into(), 0)),
            ("nginx:1.28".into(), ("4".into(), 2)),
        ])
    );
    assert!(!exists(&cluster, Kind::ReplicaSet, &first_name));

    // Undo: revision 3's ReplicaSet comes back as revision 5.
    let previous = rs_for_image(&cluster, "nginx:1.27").expect("revision 3");
    let previous_uid = previous.metadata.uid.clone();
    undo_to(&mut cluster, &previous);
    advance_until(&mut cluster, 1_000, 120_000, |c| rolled_out(c, "web"));
    let reused = rs_for_image(&cluster, "nginx:1.27").expect("reused");
    assert_eq!(
        reused.metadata.uid, previous_uid,
        "the same ReplicaSet, not a copy"
    );
    assert_eq!(revision(&reused).as_deref(), Some("5"));
    assert_eq!(
        annotation(
            &reused.metadata,
            "deployment.kubernetes.io/revision-history"
        )
        .as_deref(),
        Some("3")
    );
    assert_eq!(
        annotation(
            &deployment_named(&cluster, "web").metadata,
            "deployment.kubernetes.io/revision"
        )
        .as_deref(),
        Some("5")
    );
    assert_eq!(
        history(&cluster),
        BTreeMap::from([
            ("nginx:1.26".into(), ("2".into(), 0)),
            ("nginx:1.27".into(), ("5".into(), 2)),
            ("nginx:1.28".into(), ("4".into(), 0)),
        ])
    );

    // Back to nginx:1.25, whose ReplicaSet is gone: a new one (the same
    // template hash, so the same name) as revision 6; revision 2 goes.
    set_image(&mut cluster, "web", "nginx:1.25");
    advance_until(&mut cluster, 1_000, 120_000, |c| rolled_out(c, "web"));
    assert_eq!(
        history(&cluster),
        BTreeMap::from([
            ("nginx:1.25".into(), ("6".into(), 2)),
            ("nginx:1.27".into(), ("5".into(), 0)),
            ("nginx:1.28".into(), ("4".into(), 0)),
        ])
    );
    assert!(exists(&cluster, Kind::ReplicaSet, &first_name));
}

#[test]
fn a_paused_deployment_rolls_out_a_template_change_only_when_resumed() {
    let mut cluster = cluster();
    apply(&mut cluster, &web_deployment(2, "nginx:1.25", ""));
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    edit_deployment(&mut cluster, "web", |d| {
        d.spec.as_mut().expect("spec").paused = Some(true);
    });
    set_image(&mut cluster, "web", "nginx:1.26");
    cluster.advance(60_000);
    assert_eq!(
        replica_sets(&cluster).len(),
        1,
        "no new ReplicaSet while paused"
    );
    let pods = pods_labelled(&cluster, "app", "web");
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| p
        .spec
        .as_ref()
        .and_then(|s| s.containers[0].image.as_deref())
        == Some("nginx:1.25")));
    let d = deployment_named(&cluster, "web");
    let progressing = deployment_condition(&d, "Progressing").expect("Progressing");
    assert_eq!(
        (
            progressing.status.as_str(),
            progressing.reason.as_deref(),
            progressing.message.as_deref()
        ),
        (
            "Unknown",
            Some("DeploymentPaused"),
            Some("Deployment is paused")
        )
    );
    // A paused Deployment still scales.
    edit_deployment(&mut cluster, "web", |d| {
        d.spec.as_mut().expect("spec").replicas = Some(3);
    });
    cluster.advance(10_000);
    assert_eq!(pods_labelled(&cluster, "app", "web").len(), 3);
    assert_eq!(replica_sets(&cluster).len(), 1);

    edit_deployment(&mut cluster, "web", |d| {
        d.spec.as_mut().expect("spec").paused = None;
    });
    assert_eq!(
        replica_sets(&cluster).len(),
        2,
        "resuming starts the rollout"
    );
    advance_until(&mut cluster, 1_000, 120_000, |c| rolled_out(c, "web"));
    let pods = pods_labelled(&cluster, "app", "web");
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|p| p
        .spec
        .as_ref()
        .and_then(|s| s.containers[0].image.as_deref())
        == Some("nginx:1.26")));
}

#[test]
fn a_rollout_stuck_on_an_unpullable_image_exceeds_its_progress_deadline() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        &web_deployment(2, "nginx:1.25", "  progressDeadlineSeconds: 30\n"),
    );
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    set_image(&mut cluster, "web", "nginx:no-such-tag");
    let started = cluster.now();
    let new_rs = rs_for_image(&cluster, "nginx:no-such-tag")
        .and_then(|rs| rs.metadata.name)
        .expect("a new ReplicaSet");
    let progressing = |c: &Cluster| {
        deployment_condition(&deployment_named(c, "web"), "Progressing").expect("Progressing")
    };
    cluster.run_until(started.plus_millis(29_000));
    let before = progressing(&cluster);
    assert_eq!(before.status, "True");
    assert_eq!(before.reason.as_deref(), Some("ReplicaSetUpdated"));
    let pods = pods_labelled(&cluster, "app", "web");
    assert!(pods.iter().any(|p| container_statuses(p)
        .iter()
        .any(|s| waiting_reason(s).as_deref() == Some("ImagePullBackOff"))));
    cluster.run_until(started.plus_millis(30_000));
    let after = progressing(&cluster);
    assert_eq!(after.status, "False");
    assert_eq!(after.reason.as_deref(), Some("ProgressDeadlineExceeded"));
    assert_eq!(
        after.message,
        Some(format!("ReplicaSet {new_rs:?} has timed out progressing."))
    );
    // The old pods keep serving: with 2 replicas, 25% allows none unavailable.
    let d = deployment_named(&cluster, "web");
    assert_eq!(
        condition_reason(&d, "Available"),
        Some(("MinimumReplicasAvailable".into(), "True".into()))
    );
}

// ------------------------------------------------------------ ReplicaSets

/// A pod manifest named `name` with label `app: rank`, pinned to a node when
/// `node` is given, with extra container lines and extra pod spec lines.
fn ranked_pod(name: &str, node: Option<&str>, container: &str, spec: &str, meta: &str) -> String {
    let selector = node
        .map(|n| format!("  nodeSelector:\n    kubernetes.io/hostname: {n}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: rank
{meta}spec:
{selector}{spec}  containers:
  - name: app
{container}"
    )
}

fn scale_replica_set(cluster: &mut Cluster, name: &str, replicas: i32) {
    let mut rs = as_replica_set(&get(cluster, Kind::ReplicaSet, name)).clone();
    rs.spec.as_mut().expect("spec").replicas = Some(replicas);
    rs.metadata.resource_version = None;
    cluster
        .update(Object::ReplicaSet(Box::new(rs)))
        .expect("scaled");
}

fn active_names(cluster: &Cluster, app: &str) -> BTreeSet<String> {
    pods_labelled(cluster, "app", app)
        .iter()
        .filter(|p| active(p))
        .map(name)
        .collect()
}

#[test]
fn scale_down_deletes_pods_in_the_replica_set_controllers_rank_order() {
    const NGINX: &str = "    image: nginx:1.25\n";
    const SHELL: &str = "    image: busybox:1.36\n    stdin: true\n";
    let worker = Some("sunaba-worker");
    let worker2 = Some("sunaba-worker2");
    let mut cluster = cluster();
    // One pod for each rule, oldest first.
    for manifest in [
        ranked_pod("unscheduled", None, NGINX, "  nodeSelector:\n    disktype: ssd\n", ""),
        ranked_pod("pulling", worker, "    image: nginx:no-such-tag\n", "", ""),
        ranked_pod(
            "crashing",
            worker,
            "    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"exit 1\"]\n",
            "",
            "",
        ),
        ranked_pod(
            "unready",
            worker,
            "    image: nginx:1.25\n    readinessProbe:\n      httpGet:\n        path: /healthz\n        port: 80\n",
            "",
            "",
        ),
        ranked_pod(
            "cheap",
            worker2,
            NGINX,
            "",
            "  annotations:\n    controller.kubernetes.io/pod-deletion-cost: \"-10\"\n",
        ),
        ranked_pod("elder-a", worker, SHELL, "", ""),
    ] {
        apply(&mut cluster, &manifest);
    }
    cluster.advance(10_000);
    apply(&mut cluster, &ranked_pod("elder-b", worker, SHELL, "", ""));
    cluster.advance(10_000);
    // The elders became ready 10 s apart, in the same log2 bucket by the
    // time of the scale-down. Restart the one with the larger uid: it has
    // more restarts, but within one bucket the uid decides.
    let uid = |c: &Cluster, n: &str| pod_named(c, n).metadata.uid.unwrap_or_default();
    let (first_elder, restarted) = if uid(&cluster, "elder-a") < uid(&cluster, "elder-b") {
        ("elder-a", "elder-b")
    } else {
        ("elder-b", "elder-a")
    };
    cluster.close_stdin("default", restarted, "app", 0);
    cluster.advance(40_000);
    apply(&mut cluster, &ranked_pod("young", worker2, NGINX, "", ""));
    cluster.advance(40_000);
    assert_eq!(restarts(&pod_named(&cluster, restarted)), 1);
    assert!(ready(&pod_named(&cluster, restarted)));
    assert_eq!(phase(&pod_named(&cluster, "pulling")), "Pending");
    assert!(node_of(&pod_named(&cluster, "unscheduled")).is_none());
    assert!(restarts(&pod_named(&cluster, "crashing")) > 1);
    assert_eq!(phase(&pod_named(&cluster, "crashing")), "Running");
    assert!(!ready(&pod_named(&cluster, "unready")));

    // The ReplicaSet adopts all eight, then is scaled down one at a time.
    apply(
        &mut cluster,
        "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: rank
spec:
  replicas: 8
  selector:
    matchLabels:
      app: rank
  template:
    metadata:
      labels:
        app: rank
    spec:
      containers:
      - name: app
        image: nginx:1.25
",
    );
    let rs_uid = get(&cluster, Kind::ReplicaSet, "rank").uid().to_string();
    let mut before = active_names(&cluster, "rank");
    assert_eq!(before.len(), 8, "{before:?}");
    for pod in pods_labelled(&cluster, "app", "rank") {
        let owner = pod.metadata.owner_references.clone().unwrap_or_default();
        assert_eq!(owner.len(), 1, "{} is adopted", name(&pod));
        assert_eq!(
            (owner[0].uid.as_str(), owner[0].controller),
            (rs_uid.as_str(), Some(true))
        );
    }
    let mut deleted = Vec::new();
    for replicas in (1..8).rev() {
        scale_replica_set(&mut cluster, "rank", replicas);
        cluster.advance(500);
        let after = active_names(&cluster, "rank");
        let gone: Vec<String> = before.difference(&after).cloned().collect();
        assert_eq!(gone.len(), 1, "scaling to {replicas} deleted {gone:?}");
        deleted.extend(gone);
        before = after;
    }
    assert_eq!(
        deleted,
        [
            "unscheduled", // 1. not yet on a node
            "pulling",     // 2. Pending before Running
            "crashing",    // 3. not ready; 7. more restarts than `unready`
            "unready",     // 3. not ready
            "cheap",       // 4. the lowest pod-deletion-cost
            "young",       // 6. ready for less time (log2 scale); a bare
            //    ReplicaSet ranks no pods by colocation
            first_elder, // 6. same log2 bucket: the lower uid, whatever the restarts
        ]
    );
    assert_eq!(before, BTreeSet::from([restarted.to_string()]));
}

#[test]
fn a_replica_set_adopts_a_matching_orphan_and_releases_a_relabelled_pod() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: stray\n  labels:\n    app: echo\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n",
    );
    cluster.advance(10_000);
    assert!(pod_named(&cluster, "stray")
        .metadata
        .owner_references
        .is_none());
    apply(
        &mut cluster,
        "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: echo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: echo
  template:
    metadata:
      labels:
        app: echo
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
",
    );
    cluster.advance(10_000);
    let rs = get(&cluster, Kind::ReplicaSet, "echo");
    let stray = pod_named(&cluster, "stray");
    let owners = stray.metadata.owner_references.clone().expect("adopted");
    assert_eq!(owners.len(), 1);
    assert_eq!(
        (
            owners[0].kind.as_str(),
            owners[0].name.as_str(),
            owners[0].uid.as_str(),
            owners[0].controller,
            owners[0].block_owner_deletion
        ),
        ("ReplicaSet", "echo", rs.uid(), Some(true), Some(true))
    );
    let pods = active_names(&cluster, "echo");
    assert_eq!(
        pods.len(),
        2,
        "one pod created beside the adopted one: {pods:?}"
    );
    assert!(pods.contains("stray"));
    let created: Vec<String> = events(&cluster, &rs)
        .into_iter()
        .filter(|e| e.reason == "SuccessfulCreate")
        .map(|e| e.message)
        .collect();
    assert_eq!(created.len(), 1, "{created:?}");

    // Relabel the adopted pod out of the selector: released, and replaced.
    let mut relabelled = pod_named(&cluster, "stray");
    relabelled
        .metadata
        .labels
        .as_mut()
        .expect("labels")
        .insert("app".into(), "debug".into());
    relabelled.metadata.resource_version = None;
    cluster
        .update(Object::Pod(Box::new(relabelled)))
        .expect("relabelled");
    cluster.advance(10_000);
    let released = pod_named(&cluster, "stray");
    assert_eq!(released.metadata.owner_references, None, "released");
    assert_eq!(phase(&released), "Running", "a released pod keeps running");
    let pods = active_names(&cluster, "echo");
    assert_eq!(pods.len(), 2, "{pods:?}");
    assert!(!pods.contains("stray"));
    let rs = get(&cluster, Kind::ReplicaSet, "echo");
    let created = events(&cluster, &rs)
        .into_iter()
        .filter(|e| e.reason == "SuccessfulCreate")
        .map(|e| e.count)
        .sum::<i32>();
    assert_eq!(created, 2, "a replacement was created");
}

// ------------------------------------------------------ garbage collector

fn sleeper_deployment() -> &'static str {
    // busybox ignores SIGTERM, so the pods terminate for their 5 s grace period.
    "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: app
        image: busybox:1.36
        command: [\"sleep\", \"3600\"]
"
}

fn delete_with(cluster: &mut Cluster, kind: Kind, name: &str, propagation: Propagation) {
    cluster
        .delete(
            &ObjectKey::new(kind, "default", name),
            &DeleteOptions {
                propagation: Some(propagation),
                ..DeleteOptions::default()
            },
        )
        .expect("deleted");
}

fn finalizers(object: &Object) -> Vec<String> {
    object.metadata().finalizers.clone().unwrap_or_default()
}

#[test]
fn background_deletion_removes_the_owner_at_once_and_then_its_dependents() {
    let mut cluster = cluster();
    apply(&mut cluster, sleeper_deployment());
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    delete_with(
        &mut cluster,
        Kind::Deployment,
        "web",
        Propagation::Background,
    );
    assert!(!exists(&cluster, Kind::Deployment, "web"));
    assert!(
        list(&cluster, Kind::ReplicaSet).is_empty(),
        "the ReplicaSet is collected"
    );
    let pods = pods_labelled(&cluster, "app", "web");
    assert_eq!(pods.len(), 2, "no replacement pods");
    assert!(pods
        .iter()
        .all(|p| terminating(p) && p.metadata.finalizers.is_none()));
    cluster.advance(4_000);
    assert_eq!(
        pods_labelled(&cluster, "app", "web").len(),
        2,
        "still in their grace period"
    );
    cluster.advance(2_000);
    assert!(pods_labelled(&cluster, "app", "web").is_empty());
}

#[test]
fn foreground_deletion_keeps_the_owner_until_its_dependents_are_gone() {
    let mut cluster = cluster();
    apply(&mut cluster, sleeper_deployment());
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    let rs_name = replica_sets(&cluster)
        .into_keys()
        .next()
        .expect("a ReplicaSet");
    delete_with(
        &mut cluster,
        Kind::Deployment,
        "web",
        Propagation::Foreground,
    );
    for _ in 0..4 {
        let d = get(&cluster, Kind::Deployment, "web");
        assert!(d.metadata().deletion_timestamp.is_some());
        assert_eq!(finalizers(&d), ["foregroundDeletion"]);
        // The ReplicaSet has dependents of its own: it is deleted in the foreground too.
        let rs = get(&cluster, Kind::ReplicaSet, &rs_name);
        assert!(rs.metadata().deletion_timestamp.is_some());
        assert_eq!(finalizers(&rs), ["foregroundDeletion"]);
        // The pods have none: the default policy, no finalizer.
        let pods = pods_labelled(&cluster, "app", "web");
        assert_eq!(pods.len(), 2, "a terminating ReplicaSet creates no pods");
        assert!(pods.iter().all(terminating));
        assert!(
            pods.iter().all(|p| p.metadata.finalizers.is_none()),
            "{:?}",
            pods.iter()
                .map(|p| p.metadata.finalizers.clone())
                .collect::<Vec<_>>()
        );
        cluster.advance(1_000);
    }
    cluster.advance(2_000);
    assert!(pods_labelled(&cluster, "app", "web").is_empty());
    assert!(!exists(&cluster, Kind::ReplicaSet, &rs_name));
    assert!(!exists(&cluster, Kind::Deployment, "web"));
}

#[test]
fn orphan_deletion_leaves_the_dependents_running_without_the_owner() {
    let mut cluster = cluster();
    apply(&mut cluster, sleeper_deployment());
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    let rs_name = replica_sets(&cluster)
        .into_keys()
        .next()
        .expect("a ReplicaSet");
    let pods_before = active_names(&cluster, "web");
    delete_with(&mut cluster, Kind::Deployment, "web", Propagation::Orphan);
    assert!(!exists(&cluster, Kind::Deployment, "web"));
    let rs = get(&cluster, Kind::ReplicaSet, &rs_name);
    assert_eq!(
        rs.metadata().owner_references,
        None,
        "the ReplicaSet is orphaned"
    );
    assert!(rs.metadata().deletion_timestamp.is_none());
    cluster.advance(30_000);
    assert_eq!(
        active_names(&cluster, "web"),
        pods_before,
        "the pods run on"
    );
    let rs = get(&cluster, Kind::ReplicaSet, &rs_name);
    for pod in pods_labelled(&cluster, "app", "web") {
        let owners = pod.metadata.owner_references.clone().unwrap_or_default();
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0].uid, rs.uid(), "pods keep their ReplicaSet");
        assert_eq!(phase(&pod), "Running");
    }
    // Orphaning a bare ReplicaSet leaves its pods ownerless.
    delete_with(
        &mut cluster,
        Kind::ReplicaSet,
        &rs_name,
        Propagation::Orphan,
    );
    assert!(!exists(&cluster, Kind::ReplicaSet, &rs_name));
    cluster.advance(10_000);
    let pods = pods_labelled(&cluster, "app", "web");
    assert_eq!(pods.len(), 2);
    assert!(pods
        .iter()
        .all(|p| p.metadata.owner_references.is_none() && active(p)));
}

// -------------------------------------------------------------- scheduler

fn scheduling_failures(cluster: &Cluster, pod: &str) -> Vec<String> {
    let object = get(cluster, Kind::Pod, pod);
    events(cluster, &object)
        .into_iter()
        .filter(|e| e.reason == "FailedScheduling")
        .map(|e| format!("{} {}", e.type_, e.message))
        .collect()
}

#[test]
fn a_node_selector_no_node_matches_leaves_the_pod_pending_with_the_real_message() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssd\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: nginx\n    image: nginx:1.25\n",
    );
    cluster.advance(10_000);
    let message = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assert_eq!(
        scheduling_failures(&cluster, "ssd"),
        [format!("Warning {message}")]
    );
    let pod = pod_named(&cluster, "ssd");
    assert_eq!(phase(&pod), "Pending");
    assert!(node_of(&pod).is_none());
    let scheduled = condition(&pod, "PodScheduled").expect("PodScheduled");
    assert_eq!(
        (
            scheduled.status.as_str(),
            scheduled.reason.as_deref(),
            scheduled.message.as_deref()
        ),
        ("False", Some("Unschedulable"), Some(message))
    );
    // Labelling a node makes room: the pod is retried and bound there.
    kubectl(&mut cluster, "label node sunaba-worker2 disktype=ssd");
    cluster.advance(10_000);
    let pod = pod_named(&cluster, "ssd");
    assert_eq!(node_of(&pod).as_deref(), Some("sunaba-worker2"));
    assert_eq!(phase(&pod), "Running");
}

const SSD_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssd\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: nginx\n    image: nginx:1.25\n";

/// The FailedScheduling event's count: the attempts that failed.
fn failed_attempts(cluster: &Cluster, pod: &str) -> i32 {
    let object = get(cluster, Kind::Pod, pod);
    events(cluster, &object)
        .iter()
        .filter(|e| e.reason == "FailedScheduling")
        .map(|e| e.count)
        .sum()
}

#[test]
fn a_pod_that_fits_nowhere_is_tried_as_its_back_off_allows_not_on_every_change() {
    let mut cluster = cluster();
    apply(&mut cluster, SSD_POD);
    // A node changes every half second for 20 s; none of it makes room.
    for i in 0..40 {
        cluster.advance(500);
        kubectl(
            &mut cluster,
            &format!("label node sunaba-worker2 tick={i} --overwrite"),
        );
    }
    // Attempts at 0, 1, 3, 7 and 15 s: back-offs of 1, 2, 4 and 8 s.
    assert_eq!(failed_attempts(&cluster, "ssd"), 5);
    cluster.advance(10_000);
    assert_eq!(failed_attempts(&cluster, "ssd"), 6, "at 25 s, after 10 s");
    assert_eq!(phase(&pod_named(&cluster, "ssd")), "Pending");
}

#[test]
fn a_pod_no_change_could_help_is_tried_again_after_five_minutes() {
    let mut cluster = cluster();
    apply(&mut cluster, SSD_POD);
    cluster.advance(299_000);
    assert_eq!(failed_attempts(&cluster, "ssd"), 1, "nothing changed");
    cluster.advance(1_000);
    assert_eq!(failed_attempts(&cluster, "ssd"), 2, "flushed at 5 min");
    // Room made during the second back-off (2 s) is used when it ends.
    kubectl(&mut cluster, "label node sunaba-worker disktype=ssd");
    cluster.advance(1_999);
    assert_eq!(node_of(&pod_named(&cluster, "ssd")), None);
    cluster.advance(1);
    assert_eq!(
        node_of(&pod_named(&cluster, "ssd")).as_deref(),
        Some("sunaba-worker")
    );
}

#[test]
fn a_toleration_for_the_control_plane_taint_lets_a_pod_run_there() {
    let mut cluster = cluster();
    let pod = |name: &str, tolerations: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeSelector:\n    kubernetes.io/hostname: sunaba-control-plane\n{tolerations}  containers:\n  - name: nginx\n    image: nginx:1.25\n"
        )
    };
    apply(&mut cluster, &pod("untolerated", ""));
    apply(
        &mut cluster,
        &pod(
            "tolerated",
            "  tolerations:\n  - key: node-role.kubernetes.io/control-plane\n    operator: Exists\n    effect: NoSchedule\n",
        ),
    );
    cluster.advance(10_000);
    assert_eq!(
        scheduling_failures(&cluster, "untolerated"),
        ["Warning 0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]
    );
    let tolerated = pod_named(&cluster, "tolerated");
    assert_eq!(node_of(&tolerated).as_deref(), Some("sunaba-control-plane"));
    assert_eq!(phase(&tolerated), "Running");
    assert!(scheduling_failures(&cluster, "tolerated").is_empty());
}

#[test]
fn resource_requests_that_fit_only_one_node_go_to_that_node() {
    let mut cluster = cluster();
    let pod = |name: &str, cpu: &str, extra: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{extra}  containers:\n  - name: nginx\n    image: nginx:1.25\n    resources:\n      requests:\n        cpu: \"{cpu}\"\n"
        )
    };
    apply(
        &mut cluster,
        &pod(
            "big",
            "3",
            "  nodeSelector:\n    kubernetes.io/hostname: sunaba-worker\n",
        ),
    );
    cluster.advance(5_000);
    // 4 CPUs per worker: 2 more fit only beside nothing.
    for name in ["fits-a", "fits-b"] {
        apply(&mut cluster, &pod(name, "1500m", ""));
        cluster.advance(5_000);
        assert_eq!(
            node_of(&pod_named(&cluster, name)).as_deref(),
            Some("sunaba-worker2"),
            "{name}"
        );
    }
    apply(&mut cluster, &pod("no-room", "1500m", ""));
    cluster.advance(5_000);
    assert_eq!(
        scheduling_failures(&cluster, "no-room"),
        ["Warning 0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."]
    );
    // Room frees up when `big` is gone: the pending pod is bound.
    cluster
        .delete(
            &ObjectKey::new(Kind::Pod, "default", "big"),
            &DeleteOptions::default(),
        )
        .expect("deleted");
    cluster.advance(5_000);
    assert!(!exists(&cluster, Kind::Pod, "big"));
    assert_eq!(
        node_of(&pod_named(&cluster, "no-room")).as_deref(),
        Some("sunaba-worker")
    );
}

#[test]
fn a_deployments_pods_spread_evenly_across_the_workers() {
    let mut cluster = cluster();
    apply(&mut cluster, &web_deployment(6, "nginx:1.25", ""));
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    let mut per_node: BTreeMap<String, usize> = BTreeMap::new();
    for pod in pods_labelled(&cluster, "app", "web") {
        *per_node.entry(node_of(&pod).expect("bound")).or_default() += 1;
    }
    assert_eq!(
        per_node,
        BTreeMap::from([("sunaba-worker".into(), 3), ("sunaba-worker2".into(), 3)])
    );
}

#[test]
fn in_a_cluster_of_over_100_nodes_the_scheduler_looks_only_until_enough_fit() {
    use sunaba_core::controllers::reason::Reason;
    use sunaba_core::scheduler::feasible_nodes_to_find;
    assert_eq!(
        [3, 99, 100, 150, 500, 1_000, 5_000, 7_000].map(feasible_nodes_to_find),
        [3, 99, 100, 100, 230, 420, 500, 350]
    );
    let mut cluster = Cluster::new(ClusterConfig {
        workers: 149,
        ..ClusterConfig::default()
    });
    apply(&mut cluster, &web_deployment(3, "nginx:1.25", ""));
    cluster.advance(1_000);
    let looks: Vec<(usize, usize, usize)> = cluster
        .explanations_after(0)
        .filter_map(|e| match &e.reason {
            Reason::PodScheduled {
                fit,
                looked_at,
                nodes,
                ..
            } => Some((*fit, *looked_at, *nodes)),
            _ => None,
        })
        .collect();
    // Each look passes the control-plane node, which the taint keeps out:
    // the first starts there, the next ones where the one before stopped
    // and wrap round to it. So 101 looked at for 100 that fit.
    assert_eq!(looks, [(100, 101, 150); 3]);
    let explained = cluster
        .explanations_after(0)
        .find(|e| matches!(e.reason, Reason::PodScheduled { .. }))
        .map(|e| e.reason.to_string())
        .unwrap_or_default();
    assert!(
        explained.contains("in a cluster of 150 nodes it looks at nodes only until 100 could take it (101 looked at"),
        "{explained}"
    );
}

// ---------------------------------------------------------------- kubelet

#[test]
fn a_failing_liveness_probe_restarts_the_container_again_and_again() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: live\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n    livenessProbe:\n      httpGet:\n        path: /healthz\n        port: 80\n      periodSeconds: 5\n",
    );
    cluster.advance(5_000);
    assert_eq!(restarts(&pod_named(&cluster, "live")), 0);
    let mut counts = Vec::new();
    for _ in 0..6 {
        cluster.advance(15_000);
        counts.push(restarts(&pod_named(&cluster, "live")));
    }
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert!(
        counts[0] >= 1 && counts[5] >= 3,
        "restartCount grows: {counts:?}"
    );
    let object = get(&cluster, Kind::Pod, "live");
    let seen = events(&cluster, &object);
    let unhealthy = seen
        .iter()
        .find(|e| e.reason == "Unhealthy")
        .expect("Unhealthy");
    let killing = seen
        .iter()
        .find(|e| e.reason == "Killing")
        .expect("Killing");
    assert_eq!(
        (unhealthy.type_.as_str(), unhealthy.message.as_str()),
        (
            "Warning",
            "Liveness probe failed: HTTP probe failed with statuscode: 404"
        )
    );
    assert_eq!(
        (killing.type_.as_str(), killing.message.as_str()),
        (
            "Normal",
            "Container nginx failed liveness probe, will be restarted"
        )
    );
    assert!(unhealthy.first < killing.first, "Unhealthy, then Killing");
    assert!(
        unhealthy.count >= 3 * killing.count,
        "three failures per kill"
    );
    let pod = pod_named(&cluster, "live");
    assert_eq!(phase(&pod), "Running");
    let status = &container_statuses(&pod)[0];
    assert!(status
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .is_some());
}

#[test]
fn a_failing_readiness_probe_keeps_ready_false_and_never_restarts() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"sleep 30; touch /tmp/ready; sleep 3600\"]\n    readinessProbe:\n      exec:\n        command: [\"cat\", \"/tmp/ready\"]\n      periodSeconds: 5\n",
    );
    cluster.advance(25_000);
    let pod = pod_named(&cluster, "slow");
    assert_eq!(phase(&pod), "Running");
    let status = &container_statuses(&pod)[0];
    assert_eq!(
        (status.ready, status.started, status.restart_count),
        (false, Some(true), 0)
    );
    for type_ in ["Ready", "ContainersReady"] {
        let c = condition(&pod, type_).expect("condition");
        assert_eq!(
            (c.status.as_str(), c.reason.as_deref(), c.message.as_deref()),
            (
                "False",
                Some("ContainersNotReady"),
                Some("containers with unready status: [app]")
            ),
            "{type_}"
        );
    }
    let object = get(&cluster, Kind::Pod, "slow");
    assert!(event_lines(&cluster, &object).contains(
        &"Warning Unhealthy: Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory"
            .to_string()
    ));
    assert!(!events(&cluster, &object)
        .iter()
        .any(|e| e.reason == "Killing"));
    cluster.advance(15_000);
    let pod = pod_named(&cluster, "slow");
    assert!(ready(&pod), "ready once the probe passes");
    assert_eq!(restarts(&pod), 0);
}

#[test]
fn init_containers_run_to_completion_before_the_app_containers_start() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: init\nspec:\n  initContainers:\n  - name: setup\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"sleep 5\"]\n  containers:\n  - name: nginx\n    image: nginx:1.25\n",
    );
    cluster.advance(3_000);
    let row = |c: &mut Cluster| {
        kubectl(c, "get pod init --no-headers")
            .split_whitespace()
            .nth(2)
            .map(str::to_string)
            .unwrap_or_default()
    };
    assert_eq!(row(&mut cluster), "Init:0/1");
    let pod = pod_named(&cluster, "init");
    assert_eq!(phase(&pod), "Pending");
    let initialized = condition(&pod, "Initialized").expect("Initialized");
    assert_eq!(
        (initialized.status.as_str(), initialized.reason.as_deref()),
        ("False", Some("ContainersNotInitialized"))
    );
    assert_eq!(
        waiting_reason(&container_statuses(&pod)[0]).as_deref(),
        Some("PodInitializing")
    );
    cluster.advance(20_000);
    assert_eq!(row(&mut cluster), "Running");
    let pod = pod_named(&cluster, "init");
    let init = pod
        .status
        .as_ref()
        .and_then(|s| s.init_container_statuses.clone())
        .expect("init statuses");
    assert_eq!(terminated_reason(&init[0]), Some((0, "Completed".into())));
    let finished = init[0]
        .state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .and_then(|t| t.finished_at.as_ref())
        .map(SimTime::from_time)
        .expect("finished");
    let object = get(&cluster, Kind::Pod, "init");
    let started_nginx = events(&cluster, &object)
        .into_iter()
        .find(|e| e.message == "Started container nginx")
        .and_then(|e| e.first)
        .expect("nginx started");
    assert!(
        started_nginx >= finished,
        "the app starts after the init container ends"
    );
    let pulled_nginx = events(&cluster, &object)
        .into_iter()
        .find(|e| e.message == "Pulling image \"nginx:1.25\"")
        .and_then(|e| e.first)
        .expect("nginx pulled");
    assert!(pulled_nginx >= finished, "not even pulled before");
}

#[test]
fn restart_policies_never_and_on_failure_end_in_succeeded_or_failed() {
    let mut cluster = cluster();
    let pod = |name: &str, policy: &str, code: i32| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  restartPolicy: {policy}\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"echo working; exit {code}\"]\n"
        )
    };
    for (name, policy, code) in [
        ("never-ok", "Never", 0),
        ("never-fails", "Never", 1),
        ("onfailure-ok", "OnFailure", 0),
        ("onfailure-fails", "OnFailure", 3),
    ] {
        apply(&mut cluster, &pod(name, policy, code));
    }
    cluster.advance(30_000);
    let outcome = |c: &mut Cluster, name: &str| {
        let pod = pod_named(c, name);
        let status = container_statuses(&pod)[0].clone();
        (
            phase(&pod).to_string(),
            terminated_reason(&status),
            status.restart_count,
        )
    };
    assert_eq!(
        outcome(&mut cluster, "never-ok"),
        ("Succeeded".into(), Some((0, "Completed".into())), 0)
    );
    assert_eq!(
        outcome(&mut cluster, "never-fails"),
        ("Failed".into(), Some((1, "Error".into())), 0)
    );
    assert_eq!(
        outcome(&mut cluster, "onfailure-ok"),
        ("Succeeded".into(), Some((0, "Completed".into())), 0)
    );
    // OnFailure restarts a failed container: the pod is Running meanwhile.
    let failing = pod_named(&cluster, "onfailure-fails");
    assert_eq!(phase(&failing), "Running");
    let status = &container_statuses(&failing)[0];
    assert!(status.restart_count >= 2, "{status:?}");
    let last = status
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .expect("last state");
    assert_eq!((last.exit_code, last.reason.as_deref()), (3, Some("Error")));
    for name in ["never-ok", "never-fails", "onfailure-ok"] {
        let pod = pod_named(&cluster, name);
        let ready = condition(&pod, "Ready").expect("Ready");
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_deref()),
            ("False", Some("PodCompleted")),
            "{name}"
        );
    }
    let table = kubectl(&mut cluster, "get pods --no-headers");
    let statuses: BTreeMap<&str, &str> = table
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?, words.nth(1)?))
        })
        .collect();
    assert_eq!(statuses["never-ok"], "Completed");
    assert_eq!(statuses["never-fails"], "Error");
    assert_eq!(statuses["onfailure-ok"], "Completed");
}

#[test]
fn a_crash_loop_backs_off_10s_20s_40s_doubling_up_to_five_minutes() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"exit 1\"]\n",
    );
    let mut restarted_at: Vec<SimTime> = Vec::new();
    let mut back_offs: Vec<String> = Vec::new();
    let mut count = 0;
    for _ in 0..(25 * 60 * 5) {
        cluster.advance(200);
        let pod = pod_named(&cluster, "crash");
        let status = &container_statuses(&pod)[0];
        if status.restart_count > count {
            count = status.restart_count;
            restarted_at.push(cluster.now());
        }
        if let Some(message) = waiting_message(status) {
            let delay = message
                .strip_prefix("back-off ")
                .and_then(|m| m.split(' ').next())
                .unwrap_or_default()
                .to_string();
            if back_offs.last() != Some(&delay) && !delay.is_empty() {
                back_offs.push(delay);
            }
            if back_offs.len() == 1 {
                assert!(
                    message.ends_with(&format!(
                        " restarting failed container=app pod=crash_default({})",
                        pod.metadata.uid.clone().unwrap_or_default()
                    )),
                    "{message}"
                );
            }
        }
    }
    assert_eq!(back_offs, ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s"]);
    let gaps: Vec<i64> = restarted_at
        .windows(2)
        .map(|w| w[1].millis_since(w[0]))
        .collect();
    let expected = [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000];
    assert!(gaps.len() >= expected.len(), "{gaps:?}");
    for (gap, want) in gaps.iter().zip(expected) {
        assert!(
            (want..=want + 1_000).contains(gap),
            "restart gaps {gaps:?}, expected about {expected:?}"
        );
    }
    let object = get(&cluster, Kind::Pod, "crash");
    let back_off_event = events(&cluster, &object)
        .into_iter()
        .find(|e| e.reason == "BackOff")
        .expect("BackOff");
    assert_eq!(back_off_event.type_, "Warning");
    assert!(back_off_event
        .message
        .starts_with("Back-off restarting failed container app in pod crash_default("));
}

// ---------------------------------------------------------------- endpoints

fn endpoints_named(cluster: &Cluster, name: &str) -> Endpoints {
    match get(cluster, Kind::Endpoints, name).as_ref() {
        Object::Endpoints(e) => (**e).clone(),
        other => panic!("not Endpoints: {other:?}"),
    }
}

fn slices_for(cluster: &Cluster, service: &str) -> Vec<EndpointSlice> {
    list(cluster, Kind::EndpointSlice)
        .iter()
        .filter_map(|o| match o.as_ref() {
            Object::EndpointSlice(s)
                if s.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("kubernetes.io/service-name"))
                    .is_some_and(|n| n == service) =>
            {
                Some((**s).clone())
            }
            _ => None,
        })
        .collect()
}

fn target_name(reference: Option<&k8s_openapi::api::core::v1::ObjectReference>) -> String {
    reference.and_then(|r| r.name.clone()).unwrap_or_default()
}

#[test]
fn not_ready_pods_are_not_ready_addresses_and_not_ready_endpoints() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\n  labels:\n    app: mix\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  labels:\n    app: mix\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n    readinessProbe:\n      httpGet:\n        path: /healthz\n        port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: mix\nspec:\n  selector:\n    app: mix\n  ports:\n  - port: 80\n",
    );
    cluster.advance(30_000);
    let endpoints = endpoints_named(&cluster, "mix");
    let subsets = endpoints.subsets.expect("subsets");
    assert_eq!(subsets.len(), 1);
    let names = |list: &Option<Vec<k8s_openapi::api::core::v1::EndpointAddress>>| {
        list.iter()
            .flatten()
            .map(|a| target_name(a.target_ref.as_ref()))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&subsets[0].addresses), ["good"]);
    assert_eq!(names(&subsets[0].not_ready_addresses), ["bad"]);
    let slices = slices_for(&cluster, "mix");
    assert_eq!(slices.len(), 1);
    type ReadyServingTerminating = (Option<bool>, Option<bool>, Option<bool>);
    let conditions: BTreeMap<String, ReadyServingTerminating> = slices[0]
        .endpoints
        .iter()
        .map(|e| {
            let c = e.conditions.clone().unwrap_or_default();
            (
                target_name(e.target_ref.as_ref()),
                (c.ready, c.serving, c.terminating),
            )
        })
        .collect();
    assert_eq!(
        conditions,
        BTreeMap::from([
            ("bad".into(), (Some(false), Some(false), Some(false))),
            ("good".into(), (Some(true), Some(true), Some(false))),
        ])
    );
}

#[test]
fn a_named_target_port_resolves_to_each_pods_own_container_port() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: on-80\n  labels:\n    app: named\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n    ports:\n    - name: web\n      containerPort: 80\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: on-5678\n  labels:\n    app: named\nspec:\n  containers:\n  - name: echo\n    image: hashicorp/http-echo:1.0\n    args: [\"-text=hi\"]\n    ports:\n    - name: web\n      containerPort: 5678\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: portless\n  labels:\n    app: named\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: named\nspec:\n  selector:\n    app: named\n  ports:\n  - name: http\n    port: 80\n    targetPort: web\n",
    );
    cluster.advance(30_000);
    let endpoints = endpoints_named(&cluster, "named");
    let by_port: BTreeMap<i32, Vec<String>> = endpoints
        .subsets
        .expect("subsets")
        .iter()
        .map(|s| {
            let ports = s.ports.clone().unwrap_or_default();
            assert_eq!(ports.len(), 1);
            assert_eq!(ports[0].name.as_deref(), Some("http"));
            (
                ports[0].port,
                s.addresses
                    .iter()
                    .flatten()
                    .map(|a| target_name(a.target_ref.as_ref()))
                    .collect(),
            )
        })
        .collect();
    // A pod without a port named `web` is not an endpoint of it.
    assert_eq!(
        by_port,
        BTreeMap::from([(80, vec!["on-80".into()]), (5678, vec!["on-5678".into()])])
    );
    // EndpointSlices group endpoints by their ports: one slice per mapping,
    // the pod without the port in a slice of no ports.
    let slice_ports = |c: &Cluster| -> BTreeMap<Vec<i32>, Vec<String>> {
        slices_for(c, "named")
            .iter()
            .map(|s| {
                let ports = s.ports.clone().unwrap_or_default();
                assert!(ports.iter().all(|p| p.name.as_deref() == Some("http")));
                (
                    ports.iter().filter_map(|p| p.port).collect(),
                    s.endpoints
                        .iter()
                        .map(|e| target_name(e.target_ref.as_ref()))
                        .collect(),
                )
            })
            .collect()
    };
    assert_eq!(
        slice_ports(&cluster),
        BTreeMap::from([
            (vec![], vec!["portless".into()]),
            (vec![80], vec!["on-80".into()]),
            (vec![5678], vec!["on-5678".into()])
        ])
    );
    // When the mappings go, so do their slices.
    for pod in ["on-5678", "portless"] {
        cluster
            .delete(
                &ObjectKey::new(Kind::Pod, "default", pod),
                &DeleteOptions::default(),
            )
            .expect("deleted");
    }
    cluster.advance(5_000);
    assert_eq!(
        slice_ports(&cluster),
        BTreeMap::from([(vec![80], vec!["on-80".into()])])
    );
}

// ------------------------------------------------------------ explanations

fn explanations(cluster: &Cluster) -> Vec<String> {
    cluster
        .explanations_after(0)
        .map(|e| format!("{}: {}", e.controller, e.reason))
        .collect()
}

/// Each controller says why it acted, in words a learner can follow.
#[test]
fn controllers_explain_why_they_act() {
    let mut cluster = cluster();
    apply(&mut cluster, &web_deployment(3, "nginx:1.25", ""));
    advance_until(&mut cluster, 1_000, 60_000, |c| rolled_out(c, "web"));
    let rs = pods_labelled(&cluster, "app", "web")[0]
        .metadata
        .owner_references
        .as_ref()
        .expect("owned")[0]
        .name
        .clone();
    let said = explanations(&cluster);
    for expected in [
        format!("deployment-controller: Deployment web scales up ReplicaSet {rs} from 0 to 3: spec.replicas is 3."),
        format!("replicaset-controller: ReplicaSet {rs} creates 3 pods: 0 of 3 replicas existed."),
    ] {
        assert!(said.contains(&expected), "{expected}\n{said:#?}");
    }
    let scheduled = said
        .iter()
        .filter(|s| {
            s.starts_with("default-scheduler: The scheduler puts pod web-")
                && s.contains(": 2 of 3 nodes could take it")
        })
        .count();
    assert_eq!(scheduled, 3, "{said:#?}");
    kubectl(&mut cluster, "set image deployment/web nginx=nginx:1.26");
    advance_until(&mut cluster, 1_000, 120_000, |c| rolled_out(c, "web"));
    let said = explanations(&cluster);
    assert!(
        said.iter().any(|s| s.contains("scales up ReplicaSet")
            && s.ends_with(
                ": the rollout adds new pods, at most 4 at once (3 replicas + maxSurge 1)."
            )),
        "{said:#?}"
    );
    assert!(
        said.iter().any(|s| s.contains("scales down ReplicaSet") && s.ends_with(": the rollout removes old pods while at least 3 stay available (3 replicas − maxUnavailable 0).")),
        "{said:#?}"
    );
    kubectl(&mut cluster, "delete deployment web");
    cluster.advance(10_000);
    let said = explanations(&cluster);
    let expected = format!(
        "garbage-collector-controller: The garbage collector deletes ReplicaSet {rs}: its owner Deployment web is gone."
    );
    assert!(said.contains(&expected), "{expected}\n{said:#?}");
}

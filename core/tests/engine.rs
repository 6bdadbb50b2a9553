//! The engine end to end: the seed's chapter and the usual mistakes, driven
//! through the cluster handle with a simulated clock.

use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;
use sunaba_core::api::{Kind, Object};
use sunaba_core::apiserver::DeleteOptions;
use sunaba_core::seed;
use sunaba_core::store::ObjectKey;
use sunaba_core::{Cluster, ClusterConfig};

fn cluster() -> Cluster {
    Cluster::new(ClusterConfig::default())
}

fn apply(cluster: &mut Cluster, text: &str) {
    for result in cluster.create_manifests(text).expect("manifests decode") {
        result.expect("the API server accepts it");
    }
}

fn pods(cluster: &Cluster) -> Vec<Arc<Object>> {
    cluster
        .api()
        .store()
        .list(Kind::Pod, Some("default"))
        .cloned()
        .collect()
}

fn as_pod(object: &Object) -> &Pod {
    match object {
        Object::Pod(pod) => pod,
        other => panic!("not a pod: {other:?}"),
    }
}

fn phase(object: &Object) -> String {
    as_pod(object)
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default()
}

fn waiting_reasons(object: &Object) -> Vec<String> {
    as_pod(object)
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone())
        .collect()
}

fn ready_count(object: &Object) -> usize {
    as_pod(object)
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default()
        .iter()
        .filter(|c| c.ready)
        .count()
}

/// A `sh` in the container named like its pod, in the default namespace.
fn shell_in(cluster: &Cluster, pod: &str) -> sunaba_core::shell::ContainerShell {
    let target = sunaba_core::shell::Target {
        namespace: "default".into(),
        pod: pod.into(),
        container: pod.into(),
    };
    sunaba_core::shell::ContainerShell::start(cluster, target, "sh", false).expect("a shell")
}

fn event_lines(cluster: &Cluster, involved: &Object) -> Vec<String> {
    cluster
        .api()
        .events_for(involved)
        .iter()
        .map(|e| match e.as_ref() {
            Object::Event(ev) => format!(
                "{} {}: {}",
                ev.type_.clone().unwrap_or_default(),
                ev.reason.clone().unwrap_or_default(),
                ev.message.clone().unwrap_or_default()
            ),
            _ => String::new(),
        })
        .collect()
}

#[test]
fn a_two_container_pod_is_scheduled_pulled_created_and_started_in_order() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-pod.yaml").expect("seed"),
    );
    cluster.advance(30_000);
    let pod = cluster
        .api()
        .get(Kind::Pod, "default", "simple-echo")
        .expect("created");
    assert_eq!(phase(&pod), "Running");
    assert_eq!(ready_count(&pod), 2);
    let node = as_pod(&pod)
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .expect("bound");
    assert_ne!(node, "sunaba-control-plane", "the control plane is tainted");
    let events = event_lines(&cluster, &pod);
    assert_eq!(
        events[0],
        format!("Normal Scheduled: Successfully assigned default/simple-echo to {node}")
    );
    assert_eq!(
        events[1],
        "Normal Pulling: Pulling image \"gihyodocker/nginx:latest\""
    );
    assert!(
        events[2].starts_with(
            "Normal Pulled: Successfully pulled image \"gihyodocker/nginx:latest\" in "
        ),
        "{}",
        events[2]
    );
    assert_eq!(
        &events[3..5],
        [
            "Normal Created: Created container: nginx",
            "Normal Started: Started container nginx"
        ]
    );
    assert_eq!(
        events[5],
        "Normal Pulling: Pulling image \"gihyodocker/echo:latest\""
    );
    assert_eq!(
        &events[7..],
        [
            "Normal Created: Created container: echo",
            "Normal Started: Started container echo"
        ]
    );
    let echo_log = cluster
        .kubelets()
        .logs("default", "simple-echo", "echo", false)
        .expect("running");
    assert!(echo_log[0].text.ends_with(" start server"), "{echo_log:?}");
}

#[test]
fn a_replica_set_keeps_three_pods_and_replaces_a_deleted_one() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-replicaset.yaml").expect("seed"),
    );
    cluster.advance(30_000);
    let running = pods(&cluster);
    assert_eq!(running.len(), 3);
    assert!(running
        .iter()
        .all(|p| p.name().starts_with("echo-") && p.name().len() == "echo-".len() + 5));
    assert!(running.iter().all(|p| phase(p) == "Running"));
    let victim = ObjectKey::of(&running[0]);
    cluster
        .delete(&victim, &DeleteOptions::default())
        .expect("deleted");
    cluster.advance(30_000);
    let after = pods(&cluster);
    assert_eq!(after.len(), 3);
    assert!(after.iter().all(|p| p.name() != victim.name));
    let rs = cluster
        .api()
        .get(Kind::ReplicaSet, "default", "echo")
        .expect("rs");
    let Object::ReplicaSet(rs) = rs.as_ref() else {
        panic!()
    };
    let status = rs.status.clone().expect("status");
    assert_eq!(
        (
            status.replicas,
            status.ready_replicas,
            status.available_replicas
        ),
        (3, Some(3), Some(3))
    );
}

#[test]
fn deleting_a_replica_set_cascades_to_its_pods() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-replicaset.yaml").expect("seed"),
    );
    cluster.advance(30_000);
    cluster
        .delete(
            &ObjectKey::new(Kind::ReplicaSet, "default", "echo"),
            &DeleteOptions::default(),
        )
        .expect("deleted");
    let terminating = pods(&cluster);
    assert_eq!(terminating.len(), 3);
    assert!(terminating
        .iter()
        .all(|p| p.metadata().deletion_timestamp.is_some()));
    cluster.advance(5_000);
    assert!(pods(&cluster).is_empty());
}

#[test]
fn a_deployment_rolls_out_a_new_image_and_rolls_back() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-deployment.yaml").expect("seed"),
    );
    cluster.advance(60_000);
    let replica_sets: Vec<_> = cluster
        .api()
        .store()
        .list(Kind::ReplicaSet, Some("default"))
        .cloned()
        .collect();
    assert_eq!(replica_sets.len(), 1);
    let first = replica_sets[0].name().to_string();
    assert!(first.starts_with("echo-"));
    assert_eq!(pods(&cluster).len(), 3);
    // Change the image: a new ReplicaSet, revision 2.
    let Object::Deployment(mut d) = Object::clone(
        &cluster
            .api()
            .get(Kind::Deployment, "default", "echo")
            .expect("d"),
    ) else {
        panic!()
    };
    d.spec
        .as_mut()
        .expect("spec")
        .template
        .spec
        .as_mut()
        .expect("pod spec")
        .containers[1]
        .image = Some("nginx:1.25".into());
    d.metadata.resource_version = None;
    cluster.update(Object::Deployment(d)).expect("updated");
    cluster.advance(120_000);
    let replica_sets: Vec<_> = cluster
        .api()
        .store()
        .list(Kind::ReplicaSet, Some("default"))
        .cloned()
        .collect();
    assert_eq!(replica_sets.len(), 2);
    let pods_now = pods(&cluster);
    assert_eq!(
        pods_now.len(),
        3,
        "{:?}",
        pods_now
            .iter()
            .map(|p| p.name().to_string())
            .collect::<Vec<_>>()
    );
    assert!(pods_now.iter().all(|p| !p.name().starts_with(&first)));
    let d = cluster
        .api()
        .get(Kind::Deployment, "default", "echo")
        .expect("d");
    assert_eq!(
        d.metadata()
            .annotations
            .as_ref()
            .and_then(|a| a.get("deployment.kubernetes.io/revision"))
            .map(String::as_str),
        Some("2")
    );
    let events = event_lines(&cluster, &d);
    assert!(
        events
            .iter()
            .any(|e| e.contains(&format!("Scaled down replica set {first} from 3 to 2"))),
        "{events:#?}"
    );
    // Roll back: the first ReplicaSet is reused and renumbered 3.
    let old = cluster
        .api()
        .get(Kind::ReplicaSet, "default", &first)
        .expect("old rs");
    let Object::ReplicaSet(old) = old.as_ref() else {
        panic!()
    };
    let Object::Deployment(mut d) = Object::clone(&d) else {
        panic!()
    };
    let mut template = old.spec.clone().expect("spec").template.expect("template");
    template
        .metadata
        .as_mut()
        .and_then(|m| m.labels.as_mut())
        .map(|l| l.remove("pod-template-hash"));
    d.spec.as_mut().expect("spec").template = template;
    d.metadata.resource_version = None;
    cluster.update(Object::Deployment(d)).expect("rolled back");
    cluster.advance(120_000);
    let old = cluster
        .api()
        .get(Kind::ReplicaSet, "default", &first)
        .expect("old rs");
    let annotations = old.metadata().annotations.clone().unwrap_or_default();
    assert_eq!(
        annotations
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("3")
    );
    assert_eq!(
        annotations
            .get("deployment.kubernetes.io/revision-history")
            .map(String::as_str),
        Some("1")
    );
    assert!(pods(&cluster).iter().all(|p| p.name().starts_with(&first)));
}

#[test]
fn a_service_selects_only_the_summer_pods() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-replicaset-with-label.yaml").expect("seed"),
    );
    apply(
        &mut cluster,
        seed::manifest("simple-service.yaml").expect("seed"),
    );
    cluster.advance(30_000);
    let Object::Service(service) = Object::clone(
        &cluster
            .api()
            .get(Kind::Service, "default", "echo")
            .expect("svc"),
    ) else {
        panic!()
    };
    let ip = service
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.clone())
        .expect("a ClusterIP");
    assert!(ip.starts_with("10."), "{ip}");
    let Object::Endpoints(endpoints) = Object::clone(
        &cluster
            .api()
            .get(Kind::Endpoints, "default", "echo")
            .expect("ep"),
    ) else {
        panic!()
    };
    let subsets = endpoints.subsets.expect("subsets");
    let addresses = subsets[0].addresses.clone().expect("ready addresses");
    assert_eq!(addresses.len(), 2);
    assert!(addresses.iter().all(|a| a
        .target_ref
        .as_ref()
        .and_then(|t| t.name.clone())
        .is_some_and(|n| n.starts_with("echo-summer-"))));
    assert_eq!(subsets[0].ports.as_ref().map(|p| p[0].port), Some(80));
    let slices_for_echo = cluster
        .api()
        .store()
        .list(Kind::EndpointSlice, Some("default"))
        .filter(|s| {
            s.metadata()
                .labels
                .as_ref()
                .and_then(|l| l.get("kubernetes.io/service-name"))
                .is_some_and(|n| n == "echo")
        })
        .count();
    assert_eq!(slices_for_echo, 1);
}

#[test]
fn an_unknown_image_goes_from_err_image_pull_to_image_pull_back_off() {
    let mut cluster = cluster();
    apply(&mut cluster, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: app\n    image: nginx:bad\n");
    cluster.advance(2_000);
    let pod = cluster.api().get(Kind::Pod, "default", "bad").expect("pod");
    assert_eq!(waiting_reasons(&pod), ["ErrImagePull"]);
    cluster.advance(3_000);
    let pod = cluster.api().get(Kind::Pod, "default", "bad").expect("pod");
    assert_eq!(waiting_reasons(&pod), ["ImagePullBackOff"]);
    let events = event_lines(&cluster, &pod);
    assert!(
        events.iter().any(|e| e.starts_with(
            "Warning Failed: Failed to pull image \"nginx:bad\": rpc error: code = NotFound"
        )),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e == "Normal BackOff: Back-off pulling image \"nginx:bad\""),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| e == "Warning Failed: Error: ImagePullBackOff"),
        "{events:#?}"
    );
}

#[test]
fn a_crashing_container_backs_off_ten_seconds_doubling() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: app\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo boom; exit 1\"]\n",
    );
    cluster.advance(5_000);
    let pod = cluster
        .api()
        .get(Kind::Pod, "default", "crash")
        .expect("pod");
    assert_eq!(
        phase(&pod),
        "Running",
        "restartPolicy Always keeps a crash-looping pod Running"
    );
    assert_eq!(waiting_reasons(&pod), ["CrashLoopBackOff"]);
    let restarts = |c: &Cluster| {
        as_pod(&c.api().get(Kind::Pod, "default", "crash").expect("pod"))
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.clone())
            .expect("statuses")[0]
            .restart_count
    };
    assert_eq!(restarts(&cluster), 1);
    cluster.advance(10_000);
    assert_eq!(restarts(&cluster), 2);
    // Restarted at about 11.7 s (the 10 s back-off, then the `Always` pull of
    // `busybox`), it crashed again: the next back-off is 20 s.
    cluster.advance(15_000);
    assert_eq!(restarts(&cluster), 2, "the second back-off is 20 s");
    cluster.advance(3_000);
    assert_eq!(restarts(&cluster), 3);
    let previous = cluster
        .kubelets()
        .logs("default", "crash", "app", true)
        .expect("running");
    assert_eq!(previous[0].text, "boom");
}

#[test]
fn a_pod_that_fits_nowhere_stays_pending_with_the_real_message() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      requests:\n        cpu: \"100\"\n",
    );
    cluster.advance(5_000);
    let pod = cluster.api().get(Kind::Pod, "default", "big").expect("pod");
    assert_eq!(phase(&pod), "Pending");
    let events = event_lines(&cluster, &pod);
    assert_eq!(
        events,
        ["Warning FailedScheduling: 0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."]
    );
}

#[test]
fn a_script_container_is_killed_when_its_grace_period_ends() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sleeper\nspec:\n  terminationGracePeriodSeconds: 10\n  containers:\n  - name: app\n    image: busybox\n    command: [\"sleep\", \"3600\"]\n",
    );
    cluster.advance(5_000);
    cluster
        .delete(
            &ObjectKey::new(Kind::Pod, "default", "sleeper"),
            &DeleteOptions::default(),
        )
        .expect("deleting");
    cluster.advance(9_000);
    let pod = cluster
        .api()
        .get(Kind::Pod, "default", "sleeper")
        .expect("still terminating");
    assert!(pod.metadata().deletion_timestamp.is_some());
    cluster.advance(2_000);
    assert!(cluster.api().get(Kind::Pod, "default", "sleeper").is_err());
}

#[test]
fn every_namespace_gets_a_default_service_account_and_the_root_ca() {
    let cluster = cluster();
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(
            cluster
                .api()
                .get(Kind::ServiceAccount, ns, "default")
                .is_ok(),
            "{ns}"
        );
        assert!(
            cluster
                .api()
                .get(Kind::ConfigMap, ns, "kube-root-ca.crt")
                .is_ok(),
            "{ns}"
        );
    }
}

/// Each request's path is kept for the picture: debug → service/echo →
/// the summer pod kube-proxy chose (the one that logs it), then that pod's
/// nginx on to its echo over localhost.
#[test]
fn requests_remember_the_path_they_took() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-replicaset-with-label.yaml").expect("seed"),
    );
    apply(
        &mut cluster,
        seed::manifest("simple-service.yaml").expect("seed"),
    );
    apply(&mut cluster, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n  - name: debug\n    image: gihyodocker/fundamental:0.1.0\n    stdin: true\n    tty: true\n");
    cluster.advance(30_000);
    assert_eq!(cluster.requests_after(0).count(), 0);
    cluster
        .http_get("default", "debug", "http://echo/")
        .expect("answered");
    let _ = cluster.http_get("default", "debug", "http://nowhere/");
    let requests: Vec<_> = cluster.requests_after(0).cloned().collect();
    assert_eq!(requests.len(), 2);
    let first = &requests[0];
    assert_eq!(
        (first.sequence, first.status, first.url.as_str()),
        (1, Some(200), "http://echo/")
    );
    let chosen = first.hops[0].to.clone();
    let at = |namespace: &str, name: &str| (namespace.to_string(), name.to_string());
    assert_eq!(first.hops[0].from, at("default", "debug"));
    assert_eq!(first.hops[0].service, Some(at("default", "echo")));
    assert!(chosen.1.starts_with("echo-summer-"), "{chosen:?}");
    assert_eq!(
        first.hops[1..],
        [sunaba_core::network::traffic::Hop {
            from: chosen.clone(),
            service: None,
            to: chosen.clone(),
        }],
        "nginx passes it to echo over localhost"
    );
    let logged = cluster
        .kubelets()
        .logs("default", &chosen.1, "echo", false)
        .expect("running")
        .iter()
        .any(|l| l.text.ends_with("received request"));
    assert!(logged, "the pod on the path is the one that answered");
    let failed = &requests[1];
    assert_eq!(
        (failed.status, failed.hops.len()),
        (None, 0),
        "it never left the pod"
    );
    assert_eq!(cluster.requests_after(1).count(), 1);
}

#[test]
fn curl_to_the_service_reaches_only_summer_pods_through_nginx() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-replicaset-with-label.yaml").expect("seed"),
    );
    apply(
        &mut cluster,
        seed::manifest("simple-service.yaml").expect("seed"),
    );
    apply(&mut cluster, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n  - name: debug\n    image: gihyodocker/fundamental:0.1.0\n    stdin: true\n    tty: true\n");
    cluster.advance(30_000);
    for _ in 0..20 {
        let answer = cluster
            .http_get("default", "debug", "http://echo/")
            .expect("answered");
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (200, "Hello Docker!!")
        );
    }
    let requests = |cluster: &Cluster, name: &str| {
        cluster
            .kubelets()
            .logs("default", name, "echo", false)
            .expect("running")
            .iter()
            .filter(|l| l.text.ends_with("received request"))
            .count()
    };
    let names: Vec<String> = pods(&cluster)
        .iter()
        .map(|p| p.name().to_string())
        .collect();
    let summer: usize = names
        .iter()
        .filter(|n| n.starts_with("echo-summer-"))
        .map(|n| requests(&cluster, n))
        .sum();
    let spring: usize = names
        .iter()
        .filter(|n| n.starts_with("echo-spring-"))
        .map(|n| requests(&cluster, n))
        .sum();
    assert_eq!((summer, spring), (20, 0));
    for name in names.iter().filter(|n| n.starts_with("echo-summer-")) {
        assert!(
            requests(&cluster, name) > 0,
            "kube-proxy spreads requests; {name} got none"
        );
    }
    for host in ["echo.default", "echo.default.svc.cluster.local"] {
        assert!(
            cluster
                .http_get("default", "debug", &format!("http://{host}/"))
                .is_ok(),
            "{host}"
        );
    }
    assert_eq!(
        cluster.http_get("default", "debug", "http://echo.default.svc.local/"),
        Err(sunaba_core::network::traffic::NetError::Resolve(
            "echo.default.svc.local".into()
        ))
    );
}

#[test]
fn a_failing_readiness_probe_keeps_the_pod_unready_and_out_of_endpoints() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n    readinessProbe:\n      httpGet:\n        path: /healthz\n        port: 80\n      periodSeconds: 5\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
    );
    cluster.advance(30_000);
    let pod = cluster.api().get(Kind::Pod, "default", "web").expect("pod");
    assert_eq!(phase(&pod), "Running");
    assert_eq!(ready_count(&pod), 0);
    let events = event_lines(&cluster, &pod);
    assert!(
        events.iter().any(|e| e
            == "Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404"),
        "{events:#?}"
    );
    let Object::Endpoints(endpoints) = Object::clone(
        &cluster
            .api()
            .get(Kind::Endpoints, "default", "web")
            .expect("ep"),
    ) else {
        panic!()
    };
    let subset = &endpoints.subsets.expect("a subset")[0];
    assert!(subset.addresses.is_none());
    assert_eq!(subset.not_ready_addresses.as_ref().map(Vec::len), Some(1));
}

#[test]
fn a_failing_liveness_probe_restarts_the_container() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: liveness\nspec:\n  containers:\n  - name: liveness\n    image: busybox\n    args: [\"/bin/sh\", \"-c\", \"touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\"]\n    livenessProbe:\n      exec:\n        command: [\"cat\", \"/tmp/healthy\"]\n      initialDelaySeconds: 5\n      periodSeconds: 5\n",
    );
    cluster.advance(30_000);
    let restarts = |c: &Cluster| {
        as_pod(&c.api().get(Kind::Pod, "default", "liveness").expect("pod"))
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.clone())
            .expect("statuses")[0]
            .restart_count
    };
    assert_eq!(restarts(&cluster), 0);
    cluster.advance(60_000);
    assert_eq!(restarts(&cluster), 1);
    let pod = cluster
        .api()
        .get(Kind::Pod, "default", "liveness")
        .expect("pod");
    let events = event_lines(&cluster, &pod);
    assert!(events.iter().any(|e| e == "Warning Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"), "{events:#?}");
    assert!(
        events
            .iter()
            .any(|e| e
                == "Normal Killing: Container liveness failed liveness probe, will be restarted"),
        "{events:#?}"
    );
}

#[test]
fn a_restored_cluster_keeps_objects_and_resource_versions_and_runs_on() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-deployment.yaml").expect("seed"),
    );
    cluster.advance(30_000);
    let saved: Vec<Object> = cluster
        .api()
        .store()
        .objects()
        .map(|o| Object::clone(o))
        .collect();
    let resource_version = cluster.api().store().resource_version();
    let deployment = |c: &Cluster| {
        c.api()
            .get(Kind::Deployment, "default", "echo")
            .expect("the deployment")
    };
    let before = deployment(&cluster);

    let mut restored = Cluster::restore(
        ClusterConfig {
            start: cluster.now(),
            ..ClusterConfig::default()
        },
        saved,
        resource_version,
    );
    // The controllers and kubelets relist and take over; nothing changes.
    restored.advance(1_000);
    let after = deployment(&restored);
    assert_eq!(after.uid(), before.uid());
    assert_eq!(
        after.metadata().resource_version,
        before.metadata().resource_version
    );
    assert!(restored.api().store().resource_version() >= resource_version);
    let names = |c: &Cluster| {
        let mut names: Vec<String> = pods(c).iter().map(|p| p.name().to_string()).collect();
        names.sort();
        names
    };
    assert_eq!(names(&restored), names(&cluster), "no pod added or lost");
    let ips = |c: &Cluster| {
        let mut ips: Vec<(String, Option<String>)> = pods(c)
            .iter()
            .map(|p| {
                let ip = as_pod(p).status.as_ref().and_then(|s| s.pod_ip.clone());
                (p.name().to_string(), ip)
            })
            .collect();
        ips.sort();
        ips
    };
    assert_eq!(
        ips(&restored),
        ips(&cluster),
        "the running pods were taken over"
    );

    // Writes go on from the saved resourceVersion, and the pods run again.
    apply(
        &mut restored,
        seed::manifest("simple-pod.yaml").expect("seed"),
    );
    let pod = restored
        .api()
        .get(Kind::Pod, "default", "simple-echo")
        .expect("created");
    let created_at: u64 = pod
        .metadata()
        .resource_version
        .as_deref()
        .and_then(|rv| rv.parse().ok())
        .expect("a resourceVersion");
    assert!(created_at > resource_version);
    restored.advance(30_000);
    assert!(pods(&restored).iter().all(|p| phase(p) == "Running"));
    assert_eq!(pods(&restored).len(), names(&cluster).len() + 1);
}

#[test]
fn a_node_on_a_real_machine_reports_its_cpus_and_memory() {
    use sunaba_core::kubelet::runtime::NodeCapacity;
    use sunaba_core::kubelet::SimRuntime;
    use sunaba_core::network::ipam::PodIpPool;
    let machine = NodeCapacity {
        cpus: 16,
        memory_bytes: 64 << 30,
    };
    let runtime = || Box::new(SimRuntime::new(PodIpPool::for_node(1)).on_machine(machine));
    let mut cluster = cluster();
    assert!(cluster.set_node_runtime("sunaba-worker", runtime()));
    assert!(!cluster.set_node_runtime("no-such-node", runtime()));
    let node = cluster
        .api()
        .get(Kind::Node, "", "sunaba-worker")
        .expect("the node");
    let Object::Node(node) = node.as_ref() else {
        panic!("a node")
    };
    let status = node.status.as_ref().expect("a status");
    for resources in [&status.capacity, &status.allocatable] {
        let resources = resources.as_ref().expect("resources");
        assert_eq!(resources["cpu"].0, "16");
        assert_eq!(resources["memory"].0, "67108864Ki");
        assert_eq!(resources["pods"].0, "110");
    }
}

#[test]
fn a_missing_config_map_holds_the_container_until_it_appears() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [\"sleep\", \"3600\"]
    env:
    - name: COLOR
      valueFrom:
        configMapKeyRef:
          name: settings
          key: color
    - name: GREETING
      value: \"the sky is $(COLOR)\"
",
    );
    cluster.advance(20_000);
    let pod = |c: &Cluster| c.api().get(Kind::Pod, "default", "app").expect("the pod");
    assert_eq!(
        waiting_reasons(&pod(&cluster)),
        ["CreateContainerConfigError"]
    );
    assert!(event_lines(&cluster, &pod(&cluster))
        .contains(&"Warning Failed: Error: configmap \"settings\" not found".to_string()));

    apply(
        &mut cluster,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n",
    );
    cluster.advance(10_000);
    assert_eq!(phase(&pod(&cluster)), "Running");
    let mut shell = shell_in(&cluster, "app");
    let output = shell.run_line(&mut cluster, "echo $GREETING");
    assert_eq!(output.stdout, "the sky is blue\n");
}

#[test]
fn a_config_map_volume_shows_its_keys_as_files_once_it_exists() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [\"sleep\", \"3600\"]
    volumeMounts:
    - name: config
      mountPath: /etc/app
  volumes:
  - name: config
    configMap:
      name: settings
",
    );
    cluster.advance(20_000);
    let pod = |c: &Cluster| c.api().get(Kind::Pod, "default", "app").expect("the pod");
    assert_eq!(waiting_reasons(&pod(&cluster)), ["ContainerCreating"]);
    assert!(event_lines(&cluster, &pod(&cluster)).contains(
        &"Warning FailedMount: MountVolume.SetUp failed for volume \"config\" : configmap \"settings\" not found"
            .to_string()
    ));
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n",
    );
    cluster.advance(10_000);
    assert_eq!(phase(&pod(&cluster)), "Running");
    let mut shell = shell_in(&cluster, "app");
    assert_eq!(
        shell.run_line(&mut cluster, "cat /etc/app/color").stdout,
        "blue"
    );
    assert_eq!(
        shell.run_line(&mut cluster, "ls /etc/app").stdout,
        "color\n"
    );
}

/// A simulated runtime whose engine refuses the first container creates.
#[derive(Debug)]
struct RefusingCreates {
    inner: sunaba_core::kubelet::SimRuntime,
    refusals: u32,
}

impl sunaba_core::kubelet::ContainerRuntime for RefusingCreates {
    fn run_sandbox(
        &mut self,
        pod: &sunaba_core::kubelet::PodRef,
        spec: &Pod,
        at: sunaba_core::time::SimTime,
    ) {
        self.inner.run_sandbox(pod, spec, at);
    }
    fn remove_sandbox(&mut self, pod: &sunaba_core::kubelet::PodRef) {
        self.inner.remove_sandbox(pod);
    }
    fn has_image(&self, image: &str) -> bool {
        self.inner.has_image(image)
    }
    fn pull_image(
        &mut self,
        pod: &sunaba_core::kubelet::PodRef,
        container: &str,
        image: &str,
        at: sunaba_core::time::SimTime,
    ) {
        self.inner.pull_image(pod, container, image, at);
    }
    fn start_container(
        &mut self,
        pod: &sunaba_core::kubelet::PodRef,
        config: &sunaba_core::kubelet::runtime::ContainerConfig<'_>,
        at: sunaba_core::time::SimTime,
    ) -> Option<sunaba_core::kubelet::runtime::Report> {
        if self.refusals > 0 {
            self.refusals -= 1;
            return Some(sunaba_core::kubelet::runtime::Report::CreateFailed {
                message: "Error response from daemon: no space left on device".into(),
            });
        }
        self.inner.start_container(pod, config, at)
    }
    fn stop_container(
        &mut self,
        pod: &sunaba_core::kubelet::PodRef,
        container: &str,
        at: sunaba_core::time::SimTime,
        deadline: sunaba_core::time::SimTime,
    ) {
        self.inner.stop_container(pod, container, at, deadline);
    }
    fn probe(
        &mut self,
        pod: &sunaba_core::kubelet::PodRef,
        container: &str,
        kind: sunaba_core::kubelet::runtime::ProbeKind,
        probe: &k8s_openapi::api::core::v1::Probe,
        at: sunaba_core::time::SimTime,
    ) -> Option<Result<(), String>> {
        self.inner.probe(pod, container, kind, probe, at)
    }
    fn due(
        &self,
        pod: &sunaba_core::kubelet::PodRef,
        container: Option<&str>,
    ) -> Option<sunaba_core::time::SimTime> {
        self.inner.due(pod, container)
    }
    fn wake(
        &mut self,
        pod: &sunaba_core::kubelet::PodRef,
        container: Option<&str>,
    ) -> Option<(
        sunaba_core::time::SimTime,
        sunaba_core::kubelet::runtime::Report,
    )> {
        self.inner.wake(pod, container)
    }
    fn logs(
        &self,
        pod: &sunaba_core::kubelet::PodRef,
        container: &str,
        previous: bool,
    ) -> Vec<sunaba_core::kubelet::LogLine> {
        self.inner.logs(pod, container, previous)
    }
}

#[test]
fn a_refused_create_waits_in_create_container_error_and_is_tried_again() {
    let mut cluster = cluster();
    let runtime = RefusingCreates {
        inner: sunaba_core::kubelet::SimRuntime::new(
            sunaba_core::network::ipam::PodIpPool::for_node(1),
        ),
        refusals: 1,
    };
    assert!(cluster.set_node_runtime("sunaba-worker", Box::new(runtime)));
    assert!(cluster.set_node_runtime(
        "sunaba-worker2",
        Box::new(RefusingCreates {
            inner: sunaba_core::kubelet::SimRuntime::new(
                sunaba_core::network::ipam::PodIpPool::for_node(2)
            ),
            refusals: 1,
        })
    ));
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n",
    );
    cluster.advance(8_000);
    let pod = |c: &Cluster| c.api().get(Kind::Pod, "default", "app").expect("the pod");
    assert_eq!(waiting_reasons(&pod(&cluster)), ["CreateContainerError"]);
    assert!(event_lines(&cluster, &pod(&cluster)).contains(
        &"Warning Failed: Error: Error response from daemon: no space left on device".to_string()
    ));
    cluster.advance(10_000);
    assert_eq!(phase(&pod(&cluster)), "Running");
    let restarts = as_pod(&pod(&cluster))
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map(|s| s[0].restart_count);
    assert_eq!(restarts, Some(0), "a refused create is not a restart");
}

/// Each container's (name, restartCount, ready) in a pod's status, init containers first.
fn restarts_and_readiness(object: &Object) -> Vec<(String, i32, bool)> {
    let status = as_pod(object).status.clone().unwrap_or_default();
    let init = status.init_container_statuses.unwrap_or_default();
    let regular = status.container_statuses.unwrap_or_default();
    init.iter()
        .chain(&regular)
        .map(|c| (c.name.clone(), c.restart_count, c.ready))
        .collect()
}

fn pod_ip(object: &Object) -> String {
    as_pod(object)
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.clone())
        .unwrap_or_default()
}

#[test]
fn a_dead_sandbox_is_recreated_with_a_new_ip_and_every_container_restarts() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        seed::manifest("simple-pod.yaml").expect("seed"),
    );
    cluster.advance(30_000);
    let before = cluster
        .api()
        .get(Kind::Pod, "default", "simple-echo")
        .expect("created");
    let old_ip = pod_ip(&before);
    let events_before = event_lines(&cluster, &before).len();

    assert!(cluster.kill_pod_sandbox("default", "simple-echo"));
    let dying = cluster
        .api()
        .get(Kind::Pod, "default", "simple-echo")
        .expect("kept");
    assert_eq!(ready_count(&dying), 0, "nothing is ready without a sandbox");
    assert_eq!(
        &event_lines(&cluster, &dying)[events_before..events_before + 3],
        [
            "Normal SandboxChanged: Pod sandbox changed, it will be killed and re-created.",
            "Normal Killing: Stopping container nginx",
            "Normal Killing: Stopping container echo",
        ]
    );

    cluster.advance(10_000);
    let after = cluster
        .api()
        .get(Kind::Pod, "default", "simple-echo")
        .expect("kept");
    assert_eq!(phase(&after), "Running");
    assert_eq!(
        restarts_and_readiness(&after),
        [("nginx".into(), 1, true), ("echo".into(), 1, true)]
    );
    assert_ne!(pod_ip(&after), old_ip, "a new sandbox, a new IP");
    let last_exit = as_pod(&after).status.clone().unwrap_or_default();
    let last = last_exit.container_statuses.unwrap_or_default()[0]
        .last_state
        .clone()
        .and_then(|s| s.terminated)
        .expect("the killed run");
    assert_eq!(
        last.reason.as_deref(),
        Some("Completed"),
        "nginx heeds SIGTERM"
    );
    let echo_log = cluster
        .kubelets()
        .logs("default", "simple-echo", "echo", false)
        .expect("running");
    assert!(echo_log[0].text.ends_with(" start server"), "{echo_log:?}");
    assert!(
        !cluster.kill_pod_sandbox("default", "nowhere"),
        "no such pod, no sandbox"
    );
}

#[test]
fn init_containers_run_again_in_a_new_sandbox() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n  - name: setup\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo ready\"]\n  containers:\n  - name: web\n    image: nginx\n",
    );
    cluster.advance(30_000);
    assert!(cluster.kill_pod_sandbox("default", "web"));
    cluster.advance(30_000);
    let pod = cluster
        .api()
        .get(Kind::Pod, "default", "web")
        .expect("kept");
    assert_eq!(phase(&pod), "Running");
    assert_eq!(
        restarts_and_readiness(&pod),
        [("setup".into(), 1, false), ("web".into(), 1, true)]
    );
}

#[test]
fn a_never_restarting_pod_gets_no_new_sandbox() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n  restartPolicy: Never\n  containers:\n  - name: app\n    image: busybox\n    command: [\"sh\", \"-c\", \"sleep 3600\"]\n",
    );
    cluster.advance(30_000);
    let ip = pod_ip(
        &cluster
            .api()
            .get(Kind::Pod, "default", "once")
            .expect("pod"),
    );
    assert!(cluster.kill_pod_sandbox("default", "once"));
    cluster.advance(60_000);
    let pod = cluster
        .api()
        .get(Kind::Pod, "default", "once")
        .expect("kept");
    assert_eq!(
        phase(&pod),
        "Failed",
        "sh ignores SIGTERM and is killed (137)"
    );
    assert_eq!(restarts_and_readiness(&pod), [("app".into(), 0, false)]);
    assert_eq!(pod_ip(&pod), ip, "no new sandbox");
    let created: Vec<String> = event_lines(&cluster, &pod)
        .into_iter()
        .filter(|line| line.contains("Created container"))
        .collect();
    assert_eq!(created, ["Normal Created: Created container: app"]);
}

#[test]
fn a_shell_sends_stdout_to_stderr_with_greater_than_ampersand_two() {
    let mut cluster = cluster();
    apply(
        &mut cluster,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: [\"sleep\", \"3600\"]\n",
    );
    cluster.advance(20_000);
    let mut shell = shell_in(&cluster, "app");
    let output = shell.run_line(&mut cluster, "echo oops >&2; echo fine");
    assert_eq!(
        (output.stdout.as_str(), output.stderr.as_str()),
        ("fine\n", "oops\n")
    );
    let output = shell.run_line(&mut cluster, "echo gone 1>&2 2>/dev/null");
    assert_eq!((output.stdout.as_str(), output.stderr.as_str()), ("", ""));
}

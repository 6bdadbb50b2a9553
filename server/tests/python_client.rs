//! The official Kubernetes Python client against `sunaba serve`: it reads
//! the kubeconfig, lists, creates, reads, patches the scale subresource,
//! watches pods until they run, and gets a real `ApiException` for a
//! missing object. Runs when `$SUNABA_PYTHON` is a Python with the
//! `kubernetes` package (`cargo xtask test` makes one); skipped otherwise.

mod support;

use std::process::Command;

use support::{scratch, Served};

/// What the script does, printing one line per step for the test to compare.
const SCRIPT: &str = r#"
import sys
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
apps = client.AppsV1Api()

print("nodes", sorted(n.metadata.name for n in core.list_node().items))
core.create_namespaced_config_map("default", client.V1ConfigMap(
    metadata=client.V1ObjectMeta(name="from-python"), data={"color": "blue"}))
print("configmap", core.read_namespaced_config_map("from-python", "default").data)
apps.create_namespaced_deployment("default", client.V1Deployment(
    metadata=client.V1ObjectMeta(name="web"),
    spec=client.V1DeploymentSpec(
        replicas=1,
        selector=client.V1LabelSelector(match_labels={"app": "web"}),
        template=client.V1PodTemplateSpec(
            metadata=client.V1ObjectMeta(labels={"app": "web"}),
            spec=client.V1PodSpec(containers=[
                client.V1Container(name="web", image="nginx:1.25")])))))
scale = apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 2}})
print("scale", scale.spec.replicas)
running = set()
stream = watch.Watch()
for event in stream.stream(core.list_namespaced_pod, "default", label_selector="app=web",
                           timeout_seconds=60):
    pod = event["object"]
    if pod.status.phase == "Running":
        running.add(pod.metadata.name)
    if len(running) == 2:
        stream.stop()
print("running", len(running))
try:
    core.read_namespaced_pod("nope", "default")
except ApiException as error:
    print("missing", error.status, error.reason)
core.delete_namespaced_config_map("from-python", "default")
print("left", [c.metadata.name for c in core.list_namespaced_config_map("default").items])
"#;

#[test]
fn the_python_client_lists_creates_scales_watches_and_deletes() {
    let Some(stdout) = run_against_sunaba("python", SCRIPT, &[]) else {
        return;
    };
    assert_eq!(
        stdout,
        "nodes ['sunaba-control-plane', 'sunaba-worker', 'sunaba-worker2']\n\
         configmap {'color': 'blue'}\n\
         scale 2\n\
         running 2\n\
         missing 404 Not Found\n\
         left ['kube-root-ca.crt']\n"
    );
}

/// Runs `script` with `$SUNABA_PYTHON` against a fresh `sunaba serve`, with
/// the kubeconfig's path as its first argument and a scratch directory
/// holding `files` as its second; what it printed, once it succeeded.
/// None (the test skipped) without `$SUNABA_PYTHON`.
fn run_against_sunaba(name: &str, script: &str, files: &[(&str, &str)]) -> Option<String> {
    let Some(python) = std::env::var_os("SUNABA_PYTHON") else {
        eprintln!("skipped: set SUNABA_PYTHON to a Python with the kubernetes package");
        return None;
    };
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("a file");
    }
    let kubeconfig = dir.join("kubeconfig");
    let served = Served::start(&[
        "--ephemeral",
        "--write-kubeconfig",
        &kubeconfig.to_string_lossy(),
    ]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !kubeconfig.exists() {
        assert!(std::time::Instant::now() < deadline, "no kubeconfig");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = Command::new(python)
        .args(["-c", script])
        .arg(&kubeconfig)
        .arg(&dir)
        .output()
        .expect("python runs");
    assert!(output.status.success(), "{output:?}");
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The seed's chapter through the Python client: each manifest applied
/// from its file, a watch until the pods run, logs, a new revision and its
/// rollback, the labelled ReplicaSets, the Service, and `curl http://echo/`
/// run over the exec WebSocket in a toolbox pod.
const CHAPTER: &str = r#"
import sys
from kubernetes import client, config, watch, utils
from kubernetes.stream import stream

config.load_kube_config(config_file=sys.argv[1])
files = sys.argv[2]
api = client.ApiClient()
core = client.CoreV1Api()
apps = client.AppsV1Api()

def running(count, selector="", field=""):
    ready = set()
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_pod, "default", label_selector=selector,
                          field_selector=field, timeout_seconds=120):
        pod = event["object"]
        statuses = pod.status.container_statuses or []
        if event["type"] == "DELETED":
            ready.discard(pod.metadata.name)
        elif pod.status.phase == "Running" and statuses and all(s.ready for s in statuses):
            ready.add(pod.metadata.name)
        if len(ready) >= count:
            w.stop()
    return len(ready)

def gone(selector):
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_pod, "default", label_selector=selector,
                          timeout_seconds=120):
        if not core.list_namespaced_pod("default", label_selector=selector).items:
            w.stop()
    return len(core.list_namespaced_pod("default", label_selector=selector).items)

utils.create_from_yaml(api, files + "/simple-pod.yaml")
print("pod running", running(1, field="metadata.name=simple-echo"))
log = core.read_namespaced_pod_log("simple-echo", "default", container="echo")
print("echo log", log.strip().endswith("start server"))
core.delete_namespaced_pod("simple-echo", "default")

utils.create_from_yaml(api, files + "/simple-deployment.yaml")
print("deployment running", running(3, selector="app=echo"))
apps.patch_namespaced_deployment("echo", "default", {"spec": {"template": {"spec": {
    "containers": [{"name": "nginx", "image": "gihyodocker/nginx:latest"}]}}}})
w = watch.Watch()
for event in w.stream(apps.list_namespaced_replica_set, "default", label_selector="app=echo",
                      timeout_seconds=120):
    sets = apps.list_namespaced_replica_set("default", label_selector="app=echo").items
    if len(sets) == 2 and sorted(s.status.ready_replicas or 0 for s in sets) == [0, 3]:
        w.stop()
revisions = sorted(s.metadata.annotations["deployment.kubernetes.io/revision"]
                   for s in apps.list_namespaced_replica_set("default", label_selector="app=echo").items)
print("revisions", revisions)
apps.delete_namespaced_deployment("echo", "default")
print("deployment gone", gone("app=echo"))

utils.create_from_yaml(api, files + "/simple-replicaset-with-label.yaml")
print("seasons running", running(3, selector="app=echo"))
utils.create_from_yaml(api, files + "/simple-service.yaml")
service = core.read_namespaced_service("echo", "default")
print("service", service.spec.type, service.spec.selector)
core.create_namespaced_pod("default", client.V1Pod(
    metadata=client.V1ObjectMeta(name="debug"),
    spec=client.V1PodSpec(containers=[client.V1Container(
        name="debug", image="gihyodocker/fundamental:0.1.0", command=["sleep", "3600"])])))
print("debug running", running(1, field="metadata.name=debug"))
answer = stream(core.connect_get_namespaced_pod_exec, "debug", "default",
                command=["curl", "-s", "http://echo/"], stderr=True, stdin=False,
                stdout=True, tty=False)
print("curl", answer)
"#;

#[test]
fn the_python_client_runs_the_seeds_chapter_with_watches() {
    let Some(stdout) = run_against_sunaba(
        "python-chapter",
        CHAPTER,
        &sunaba_core::seed::SEED_MANIFESTS,
    ) else {
        return;
    };
    assert_eq!(
        stdout,
        "pod running 1\n\
         echo log True\n\
         deployment running 3\n\
         revisions ['1', '2']\n\
         deployment gone 0\n\
         seasons running 3\n\
         service ClusterIP {'app': 'echo', 'release': 'summer'}\n\
         debug running 1\n\
         curl Hello Docker!!\n"
    );
}

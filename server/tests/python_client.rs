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
    let Some(python) = std::env::var_os("SUNABA_PYTHON") else {
        eprintln!("skipped: set SUNABA_PYTHON to a Python with the kubernetes package");
        return;
    };
    let dir = scratch("python");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
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
        .args(["-c", SCRIPT])
        .arg(&kubeconfig)
        .output()
        .expect("python runs");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "nodes ['sunaba-control-plane', 'sunaba-worker', 'sunaba-worker2']\n\
         configmap {'color': 'blue'}\n\
         scale 2\n\
         running 2\n\
         missing 404 Not Found\n\
         left ['kube-root-ca.crt']\n"
    );
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}

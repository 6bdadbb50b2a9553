//! `sunaba serve --backend docker` killed with SIGKILL while its pods run,
//! then started again on the same data directory: the kubelet takes the
//! running containers over (same containers, same pod IP, no restart),
//! and what the engine runs for pods the cluster no longer has is removed.
//! Needs a Docker engine and the demo images (`cargo xtask images --as-seed`).

mod support;

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use support::{available_or_skip, scratch, Served};

/// The seed's two-container pod, with images that need no registry.
const SEED_POD: &str = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"simple-echo"},
 "spec":{"terminationGracePeriodSeconds":2,"containers":[
  {"name":"nginx","image":"gihyodocker/nginx:latest","imagePullPolicy":"IfNotPresent",
   "env":[{"name":"BACKEND_HOST","value":"localhost:8080"}],"ports":[{"containerPort":80}]},
  {"name":"echo","image":"gihyodocker/echo:latest","imagePullPolicy":"IfNotPresent",
   "ports":[{"containerPort":8080}]}]}}"#;

/// The IDs of the containers with this cluster label, sorted.
fn labelled(cluster: &str) -> Vec<String> {
    let output = Command::new("docker")
        .args(["ps", "-aq", "--no-trunc", "--filter"])
        .arg(format!("label=io.sunaba.cluster={cluster}"))
        .output()
        .expect("the docker CLI runs");
    let mut ids: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    ids.sort();
    ids
}

fn all_ready(pod: &Value) -> bool {
    pod["status"]["containerStatuses"]
        .as_array()
        .is_some_and(|s| s.len() == 2 && s.iter().all(|c| c["ready"] == true))
}

#[test]
fn a_kill_9_then_a_restart_takes_the_running_containers_over() {
    if !available_or_skip("docker_restart") {
        return;
    }
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let cluster = format!("restart-{}-{stamp}", std::process::id());
    let _cleanup = support::RemoveCluster(cluster.clone());
    let dir = scratch(&cluster);
    let data_dir = dir.to_string_lossy().into_owned();
    let args = [
        "--backend",
        "docker",
        "--cluster-name",
        cluster.as_str(),
        "--data-dir",
        data_dir.as_str(),
    ];
    let pod_path = "/api/v1/namespaces/default/pods/simple-echo";
    let served = Served::start(&args);
    served.post("/api/v1/namespaces/default/pods", SEED_POD);
    let before = served.wait_for(pod_path, Duration::from_secs(60), all_ready);
    let containers = labelled(&cluster);
    assert_eq!(containers.len(), 3, "pause, nginx and echo");

    // An orphan: a container of this cluster for a pod it does not have.
    let orphan = Command::new("docker")
        .args(["run", "-d", "--label"])
        .arg(format!("io.sunaba.cluster={cluster}"))
        .args([
            "--label",
            "io.sunaba.pod-uid=no-such-pod",
            "--label",
            "io.sunaba.role=container",
            "sunaba/pause:latest",
        ])
        .output()
        .expect("docker run");
    assert!(orphan.status.success(), "{orphan:?}");
    served.kill_9();

    let served = Served::start(&args);
    std::thread::sleep(Duration::from_secs(3));
    let after = served.wait_for(pod_path, Duration::from_secs(30), all_ready);
    assert_eq!(after["metadata"]["uid"], before["metadata"]["uid"]);
    assert_eq!(after["status"]["podIP"], before["status"]["podIP"]);
    for status in after["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
    {
        assert_eq!(status["restartCount"], 0, "{status}");
    }
    assert_eq!(
        labelled(&cluster),
        containers,
        "the same containers, the orphan gone"
    );

    // The kubelet still follows them: deleting the pod removes them.
    let (status, _) = served.request("DELETE", pod_path, None).expect("an answer");
    assert_eq!(status, 200);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !labelled(&cluster).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "containers left behind"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reset_removes_the_clusters_docker_objects_and_nothing_else() {
    if !available_or_skip("docker_reset") {
        return;
    }
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let cluster = format!("reset-{}-{stamp}", std::process::id());
    let _cleanup = support::RemoveCluster(cluster.clone());
    let run = |labels: &[String], name: &str| {
        let mut command = Command::new("docker");
        command.args(["run", "-d", "--name", name]);
        for label in labels {
            command.args(["--label", label]);
        }
        let output = command
            .arg("sunaba/pause:latest")
            .output()
            .expect("docker run");
        assert!(output.status.success(), "{output:?}");
    };
    let ours = format!("{cluster}-ours");
    let theirs = format!("{cluster}-not-sunabas");
    run(
        &[
            format!("io.sunaba.cluster={cluster}"),
            "io.sunaba.role=pause".to_string(),
        ],
        &ours,
    );
    run(&[], &theirs);
    let dir = scratch(&cluster);
    let output = Command::new(env!("CARGO_BIN_EXE_sunaba"))
        .args([
            "reset",
            "--backend",
            "docker",
            "--cluster-name",
            cluster.as_str(),
        ])
        .arg("--data-dir")
        .arg(&dir)
        .output()
        .expect("sunaba runs");
    let untouched = Command::new("docker")
        .args(["inspect", "-f", "{{.State.Running}}", &theirs])
        .output()
        .expect("docker inspect");
    let _ = Command::new("docker").args(["rm", "-f", &theirs]).output();
    assert_eq!(
        String::from_utf8_lossy(&untouched.stdout).trim(),
        "true",
        "a container without sunaba's labels is not touched"
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("Removed 1 containers, 0 volumes and 0 networks of sunaba's from Docker."),
        "{output:?}"
    );
    assert!(
        labelled(&cluster).is_empty(),
        "the cluster's container is gone"
    );
}

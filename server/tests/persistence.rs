//! `sunaba serve --data-dir`: the real binary, killed with SIGKILL while it
//! serves, comes back with every acknowledged write, the same uids and the
//! same resourceVersions.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{free_addr, scratch, Served};

const CONFIG_MAP: &str = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}}"#;

const DEPLOYMENT: &str = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}}}}"#;

#[test]
fn a_kill_9_loses_no_acknowledged_write() {
    let dir = scratch("ack");
    let data_dir = dir.to_string_lossy().into_owned();
    let args = ["--seed", "3", "--data-dir", data_dir.as_str()];
    let served = Served::start(&args);
    let created = served.post("/api/v1/namespaces/default/configmaps", CONFIG_MAP);
    served.post("/apis/apps/v1/namespaces/default/deployments", DEPLOYMENT);
    // Let the controllers make the pods, then kill without warning.
    let deadline = Instant::now() + Duration::from_secs(20);
    let pods = loop {
        let pods = served.get("/api/v1/namespaces/default/pods");
        let items = pods["items"].as_array().cloned().unwrap_or_default();
        if items.len() == 2 {
            break items;
        }
        assert!(Instant::now() < deadline, "no pods: {pods}");
        std::thread::sleep(Duration::from_millis(200));
    };
    served.kill_9();

    let served = Served::start(&args);
    let kept = served.get("/api/v1/namespaces/default/configmaps/settings");
    assert_eq!(kept["metadata"]["uid"], created["metadata"]["uid"]);
    assert_eq!(
        kept["metadata"]["resourceVersion"],
        created["metadata"]["resourceVersion"]
    );
    assert_eq!(kept["data"]["color"], "blue");
    let names = |items: &[Value]| {
        let mut names: Vec<String> = items
            .iter()
            .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_string))
            .collect();
        names.sort();
        names
    };
    let after = served.get("/api/v1/namespaces/default/pods");
    let after = after["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(names(&after), names(&pods), "the same pods, none added");

    // Writes go on after the saved resourceVersion.
    let newer = served.post(
        "/api/v1/namespaces/default/configmaps",
        &CONFIG_MAP.replace("settings", "newer"),
    );
    let version = |v: &Value| {
        v["metadata"]["resourceVersion"]
            .as_str()
            .and_then(|rv| rv.parse::<u64>().ok())
            .expect("a resourceVersion")
    };
    assert!(version(&newer) > version(&kept));
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_server_on_the_same_directory_is_refused() {
    let dir = scratch("lock");
    let data_dir = dir.to_string_lossy().into_owned();
    let _first = Served::start(&["--data-dir", data_dir.as_str()]);
    let second = Command::new(env!("CARGO_BIN_EXE_sunaba"))
        .args(["serve", "--addr", &free_addr().to_string()])
        .arg("--data-dir")
        .arg(&dir)
        .output()
        .expect("sunaba runs");
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(
        stderr,
        format!(
            "error: {} is in use by another sunaba serve\n",
            dir.display()
        )
    );
}

#[test]
fn reset_removes_the_saved_state_unless_a_server_holds_it() {
    let dir = scratch("reset");
    let data_dir = dir.to_string_lossy().into_owned();
    let reset = || {
        Command::new(env!("CARGO_BIN_EXE_sunaba"))
            .args(["reset", "--data-dir", data_dir.as_str()])
            .output()
            .expect("sunaba runs")
    };
    let served = Served::start(&["--data-dir", data_dir.as_str()]);
    served.post(
        "/api/v1/namespaces/default/configmaps",
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept"}}"#,
    );
    let refused = reset();
    assert_eq!(refused.status.code(), Some(1));
    assert!(dir.exists(), "a served directory stays");
    served.kill_9();
    let done = reset();
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    assert_eq!(
        String::from_utf8_lossy(&done.stdout),
        format!("Removed the cluster's state in {}.\n", dir.display())
    );
    assert!(!dir.exists());
    let served = Served::start(&["--data-dir", data_dir.as_str()]);
    let (status, _) = served
        .request("GET", "/api/v1/namespaces/default/configmaps/kept", None)
        .expect("an answer");
    assert_eq!(status, 404, "a fresh cluster");
}

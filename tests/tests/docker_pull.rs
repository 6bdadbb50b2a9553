//! Real pulls on the Docker backend, from a registry on loopback
//! (`sunaba_tests::registry`, serving a demo image with a fresh layer, slowly): the pod's
//! events show the kubelet's `Pulling`, the pull's progress by layer and
//! bytes, and `Successfully pulled … Image size: N bytes.`; a tag the
//! registry does not have is ErrImagePull in containerd's words, then
//! ImagePullBackOff.

use std::process::Command;

use sunaba_tests::docker_cluster::{ready_after, DockerCluster};
use sunaba_tests::registry::Registry;

/// A pod of one container running `image`.
fn pod(name: &str, image: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: echo
    image: {image}
"
    )
}

/// The waiting reason of the pod's first container, if it waits.
fn waiting_reason(pod: &k8s_openapi::api::core::v1::Pod) -> Option<String> {
    pod.status
        .as_ref()?
        .container_statuses
        .as_ref()?
        .first()?
        .state
        .as_ref()?
        .waiting
        .as_ref()?
        .reason
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_shows_its_progress_and_a_missing_tag_backs_off() {
    if !sunaba_tests::docker::available_or_skip("docker_pull") {
        return;
    }
    // echo's layer (present already) and a fresh 1 MB one at 200 kB/s:
    // some five seconds, long enough for progress.
    let registry = Registry::start(
        &[("sunaba/echo:latest", ("pulltest/echo", "v1"))],
        1_000_000,
        200_000,
    );
    let image = format!("{}/pulltest/echo:v1", registry.host());
    let served = DockerCluster::start("pull").await;
    served.create(&pod("pulled", &image)).await;
    served.wait_for_pod("pulled", |p| ready_after(p, 0)).await;
    let events = served.events("pulled").await;
    let pulling = format!("Normal Pulling: Pulling image {image:?}");
    let progress = format!("Normal Pulling: Pulling image {image:?}: ");
    let pulled = format!("Normal Pulled: Successfully pulled image {image:?} in ");
    let position = |prefix: &str, exact: bool| {
        events.iter().position(|e| {
            if exact {
                e == prefix
            } else {
                e.starts_with(prefix)
            }
        })
    };
    let (Some(asked), Some(first_progress), Some(done)) = (
        position(&pulling, true),
        position(&progress, false),
        position(&pulled, false),
    ) else {
        panic!("no pull with progress in {events:#?}");
    };
    assert!(
        asked < first_progress && first_progress < done,
        "{events:#?}"
    );
    let shown = &events[first_progress][progress.len()..];
    assert!(
        shown.contains(" of 2 layers, ") && shown.contains("B of "),
        "{shown}"
    );
    assert!(events[done].contains(" Image size: "), "{}", events[done]);

    // A tag the registry lacks: ErrImagePull in containerd's words, then back-off.
    let missing = format!("{}/pulltest/echo:nope", registry.host());
    served.create(&pod("missing", &missing)).await;
    served
        .wait_for_pod("missing", |p| {
            waiting_reason(p).as_deref() == Some("ImagePullBackOff")
        })
        .await;
    let events = served.events("missing").await;
    let failed = format!(
        "Warning Failed: Failed to pull image {missing:?}: rpc error: code = NotFound desc = failed to pull and unpack image {missing:?}: "
    );
    assert!(
        events
            .iter()
            .any(|e| e.starts_with(&failed) && e.contains("manifest unknown")),
        "{events:#?}"
    );
    assert!(
        events.contains(&"Warning Failed: Error: ErrImagePull".to_string())
            && events.contains(&format!(
                "Normal BackOff: Back-off pulling image {missing:?}"
            )),
        "{events:#?}"
    );
    served.stop().await;
    let _ = Command::new("docker").args(["rmi", "-f", &image]).output();
}

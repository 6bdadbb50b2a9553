//! Pod Security admission at `baseline`, enforced cluster-wide: each rule's
//! pod is refused with the real server's Forbidden message and leaves the
//! store as it was; workloads are admitted and their pods refused with
//! `FailedCreate` events; kubectl prints the refusal as kubectl does.

use std::collections::BTreeMap;

use sunaba_core::api::{Kind, Object};
use sunaba_core::apiserver::PodSecurityLevel;
use sunaba_core::kubectl::{self, Context, Files};
use sunaba_core::{seed, Cluster, ClusterConfig};

fn enforcing_cluster() -> Cluster {
    Cluster::new(ClusterConfig {
        pod_security: Some(PodSecurityLevel::Baseline),
        ..ClusterConfig::default()
    })
}

/// Creates the one-object manifest on a fresh enforcing cluster and checks
/// that it is refused with `message` (after `pods "<name>" is forbidden: `)
/// and that nothing was stored.
#[track_caller]
fn check_refused(manifest: &str, name: &str, message: &str) {
    let mut cluster = enforcing_cluster();
    let before = cluster.api().store().resource_version();
    let results = cluster.create_manifests(manifest).expect("decodes");
    let [Err(err)] = results.as_slice() else {
        panic!("expected one refusal, got {results:?}");
    };
    assert_eq!(err.code(), 403);
    assert_eq!(err.reason(), "Forbidden");
    assert_eq!(
        err.message(),
        format!(r#"pods "{name}" is forbidden: violates PodSecurity "baseline:latest": {message}"#)
    );
    assert_eq!(cluster.api().store().resource_version(), before);
    assert!(cluster.api().get(Kind::Pod, "default", name).is_err());
}

/// A pod named `x` with one container `x`, with `spec` lines added under
/// `spec:` and `container` lines under the container.
fn pod(spec: &str, container: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n{spec}  containers:\n  - name: x\n    image: nginx:1.25\n{container}"
    )
}

#[test]
fn privileged_containers_are_refused() {
    check_refused(
        &pod("", "    securityContext:\n      privileged: true\n"),
        "x",
        r#"privileged (container "x" must not set securityContext.privileged=true)"#,
    );
}

#[test]
fn host_namespaces_are_refused() {
    check_refused(
        &pod("  hostNetwork: true\n", ""),
        "x",
        "host namespaces (hostNetwork=true)",
    );
    check_refused(
        &pod("  hostPID: true\n  hostIPC: true\n", ""),
        "x",
        "host namespaces (hostPID=true, hostIPC=true)",
    );
}

#[test]
fn host_path_volumes_are_refused() {
    check_refused(
        &pod(
            "  volumes:\n  - name: docker\n    hostPath:\n      path: /var/run/docker.sock\n",
            "",
        ),
        "x",
        r#"hostPath volumes (volume "docker")"#,
    );
}

#[test]
fn host_ports_are_refused() {
    check_refused(
        &pod(
            "",
            "    ports:\n    - containerPort: 8080\n      hostPort: 8080\n",
        ),
        "x",
        r#"hostPort (container "x" uses hostPort 8080)"#,
    );
}

#[test]
fn added_capabilities_beyond_the_default_set_are_refused() {
    check_refused(
        &pod(
            "",
            "    securityContext:\n      capabilities:\n        add: [NET_BIND_SERVICE, SYS_ADMIN]\n",
        ),
        "x",
        r#"non-default capabilities (container "x" must not include "SYS_ADMIN" in securityContext.capabilities.add)"#,
    );
}

#[test]
fn unsafe_sysctls_are_refused() {
    check_refused(
        &pod(
            "  securityContext:\n    sysctls:\n    - name: kernel.shm_rmid_forced\n      value: '1'\n    - name: kernel.msgmax\n      value: '65536'\n",
            "",
        ),
        "x",
        "forbidden sysctls (kernel.msgmax)",
    );
}

#[test]
fn unmasked_proc_mounts_are_refused() {
    check_refused(
        &pod(
            "  hostUsers: false\n",
            "    securityContext:\n      procMount: Unmasked\n",
        ),
        "x",
        r#"procMount (container "x" must not set securityContext.procMount to "Unmasked")"#,
    );
}

#[test]
fn unconfined_seccomp_is_refused() {
    check_refused(
        &pod(
            "  securityContext:\n    seccompProfile:\n      type: Unconfined\n",
            "",
        ),
        "x",
        r#"seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")"#,
    );
    check_refused(
        &pod(
            "",
            "    securityContext:\n      seccompProfile:\n        type: Unconfined\n",
        ),
        "x",
        r#"seccompProfile (container "x" must not set securityContext.seccompProfile.type to "Unconfined")"#,
    );
}

#[test]
fn unconfined_apparmor_is_refused() {
    check_refused(
        &pod(
            "",
            "    securityContext:\n      appArmorProfile:\n        type: Unconfined\n",
        ),
        "x",
        r#"forbidden AppArmor profile (container "x" must not set AppArmor profile type to "Unconfined")"#,
    );
    check_refused(
        &pod(
            "  securityContext:\n    appArmorProfile:\n      type: Unconfined\n",
            "",
        ),
        "x",
        r#"forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")"#,
    );
}

#[test]
fn selinux_options_outside_the_container_types_are_refused() {
    check_refused(
        &pod(
            "",
            "    securityContext:\n      seLinuxOptions:\n        type: spc_t\n        user: system_u\n",
        ),
        "x",
        r#"seLinuxOptions (container "x" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)"#,
    );
}

#[test]
fn windows_host_process_is_refused() {
    check_refused(
        &pod(
            "",
            "    securityContext:\n      windowsOptions:\n        hostProcess: true\n",
        ),
        "x",
        r#"hostProcess (container "x" must not set securityContext.windowsOptions.hostProcess=true)"#,
    );
}

#[test]
fn init_containers_count_and_every_violation_is_listed() {
    check_refused(
        "apiVersion: v1
kind: Pod
metadata:
  name: breakout
spec:
  hostNetwork: true
  initContainers:
  - name: setup
    image: busybox
    securityContext:
      privileged: true
  containers:
  - name: web
    image: nginx:1.25
    securityContext:
      privileged: true
  volumes:
  - name: root
    hostPath:
      path: /
",
        "breakout",
        r#"host namespaces (hostNetwork=true), hostPath volumes (volume "root"), privileged (containers "setup", "web" must not set securityContext.privileged=true)"#,
    );
}

#[test]
fn dry_runs_are_refused_too() {
    let mut cluster = enforcing_cluster();
    let object = sunaba_core::api::decode::decode_manifests(&pod(
        "",
        "    securityContext:\n      privileged: true\n",
    ))
    .expect("decodes")
    .remove(0);
    let options = sunaba_core::apiserver::WriteOptions {
        dry_run: true,
        ..Default::default()
    };
    let err = cluster.create_with(object, &options).expect_err("refused");
    assert_eq!(err.reason(), "Forbidden");
}

#[test]
fn the_seed_manifests_run_under_baseline() {
    let mut cluster = enforcing_cluster();
    for (name, text) in seed::SEED_MANIFESTS {
        for result in cluster.create_manifests(text).expect("decodes") {
            assert!(result.is_ok(), "{name}: {result:?}");
        }
    }
    cluster.advance(60_000);
    assert!(cluster.take_controller_errors().is_empty());
    let pods = cluster.api().store().count(Kind::Pod);
    // simple-echo, plus the replicas of the two ReplicaSets and the Deployment.
    assert!(pods >= 4, "{pods} pods");
}

#[test]
fn a_default_cluster_admits_any_pod() {
    let mut cluster = Cluster::new(ClusterConfig::default());
    let results = cluster
        .create_manifests(&pod("", "    securityContext:\n      privileged: true\n"))
        .expect("decodes");
    assert!(results.iter().all(Result::is_ok), "{results:?}");
}

#[test]
fn workloads_are_admitted_and_their_pods_refused_with_failed_create_events() {
    let mut cluster = enforcing_cluster();
    let results = cluster
        .create_manifests(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.25
        securityContext:
          privileged: true
",
        )
        .expect("decodes");
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    cluster.advance(10_000);
    assert_eq!(cluster.api().store().count(Kind::Pod), 0);
    let replica_sets: Vec<_> = cluster
        .api()
        .store()
        .list(Kind::ReplicaSet, Some("default"))
        .cloned()
        .collect();
    let [rs] = replica_sets.as_slice() else {
        panic!("one ReplicaSet, got {replica_sets:?}");
    };
    let failures: Vec<(String, String)> = cluster
        .api()
        .events_for(rs)
        .iter()
        .filter_map(|e| match e.as_ref() {
            Object::Event(ev) => Some((
                ev.reason.clone().unwrap_or_default(),
                ev.message.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .filter(|(reason, _)| reason == "FailedCreate")
        .collect();
    assert!(!failures.is_empty(), "no FailedCreate event");
    let prefix = format!(r#"Error creating: pods "{}-"#, rs.name());
    let suffix = r#"" is forbidden: violates PodSecurity "baseline:latest": privileged (container "web" must not set securityContext.privileged=true)"#;
    for (_, message) in &failures {
        let generated = message
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .unwrap_or_else(|| panic!("unexpected message {message:?}"));
        assert_eq!(generated.len(), 5, "{message}");
    }
    let errors = cluster.take_controller_errors();
    assert!(
        errors
            .iter()
            .all(|e| e.controller == "replicaset-controller" && e.message.ends_with(suffix)),
        "{errors:?}"
    );
}

struct MemFiles(BTreeMap<String, String>);

impl Files for MemFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }

    fn list(&self, _dir: &str) -> Option<Vec<String>> {
        None
    }
}

#[test]
fn kubectl_prints_the_refusal_as_kubectl_does() {
    let mut cluster = enforcing_cluster();
    let files = MemFiles(
        [(
            "privileged.yaml".to_string(),
            pod("", "    securityContext:\n      privileged: true\n"),
        )]
        .into(),
    );
    for command in ["apply -f privileged.yaml", "create -f privileged.yaml"] {
        let argv = kubectl::args::split_words(command).expect("words");
        let output = kubectl::run(
            &mut Context {
                cluster: &mut cluster,
                files: &files,
            },
            &argv,
        );
        assert_eq!(output.stdout, "", "{command}");
        assert_eq!(
            output.stderr,
            "Error from server (Forbidden): error when creating \"privileged.yaml\": pods \"x\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"x\" must not set securityContext.privileged=true)\n",
            "{command}"
        );
        assert_eq!(output.exit_code, 1, "{command}");
    }
    assert_eq!(cluster.api().store().count(Kind::Pod), 0);
}

#[test]
fn updates_are_judged_again_only_when_they_change_an_image() {
    use sunaba_core::apiserver::{ApiServer, WriteOptions};
    use sunaba_core::time::SimTime;
    let mut api = ApiServer::new(1);
    let now = SimTime::TEST_EPOCH;
    let options = WriteOptions::default();
    let decode = |text: &str| {
        sunaba_core::api::decode::decode_manifests(text)
            .expect("decodes")
            .remove(0)
    };
    api.create(
        decode("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n"),
        now,
        &options,
    )
    .expect("namespace");
    let privileged = pod("", "    securityContext:\n      privileged: true\n");
    // Admitted before enforcement began, as on a cluster that turned it on later.
    api.create(decode(&privileged), now, &options)
        .expect("admitted");
    api.set_pod_security(Some(PodSecurityLevel::Baseline));
    let mut relabelled = Object::clone(&api.get(Kind::Pod, "default", "x").expect("pod"));
    relabelled
        .metadata_mut()
        .labels
        .get_or_insert_with(Default::default)
        .insert("tier".into(), "web".into());
    api.update(relabelled, &options)
        .expect("a label change is not judged");
    let mut new_image = Object::clone(&api.get(Kind::Pod, "default", "x").expect("pod"));
    if let Object::Pod(pod) = &mut new_image {
        if let Some(spec) = pod.spec.as_mut() {
            spec.containers[0].image = Some("nginx:1.26".into());
        }
    }
    let before = api.store().resource_version();
    let err = api
        .update(new_image, &options)
        .expect_err("an image change is judged");
    assert_eq!(
        err.message(),
        r#"pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (container "x" must not set securityContext.privileged=true)"#
    );
    assert_eq!(api.store().resource_version(), before);
}

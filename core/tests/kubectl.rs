//! kubectl golden transcripts: each `$ kubectl …` line runs against a fresh
//! simulated cluster with the seed's files; `# advance N` moves the clock.
//! Output is compared byte for byte (`UPDATE_EXPECT=1` refreshes it).

use std::collections::BTreeMap;

use expect_test::{expect, Expect};
use sunaba_core::kubectl::{self, Context, Files};
use sunaba_core::{seed, Cluster, ClusterConfig};

struct MemFiles(BTreeMap<String, String>);

impl Files for MemFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let entries: Vec<String> = self
            .0
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(str::to_string)
            .collect();
        (!entries.is_empty()).then_some(entries)
    }
}

fn files(extra: &[(&str, &str)]) -> MemFiles {
    let mut map: BTreeMap<String, String> = seed::SEED_MANIFESTS
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    for (name, text) in extra {
        map.insert(name.to_string(), text.to_string());
    }
    MemFiles(map)
}

fn check(script: &str, extra: &[(&str, &str)], expected: Expect) {
    let mut cluster = Cluster::new(ClusterConfig::default());
    let files = files(extra);
    let mut transcript = String::new();
    for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(ms) = line.strip_prefix("# advance ") {
            cluster.advance(ms.trim_end_matches('s').parse::<i64>().expect("seconds") * 1000);
            continue;
        }
        let command = line.strip_prefix("$ kubectl ").expect("a kubectl line");
        let argv = kubectl::args::split_words(command).expect("balanced quotes");
        let output = kubectl::run(
            &mut Context {
                cluster: &mut cluster,
                files: &files,
            },
            &argv,
        );
        transcript.push_str(&format!("$ kubectl {command}\n{}", output.stdout));
        for err in output.stderr.lines() {
            transcript.push_str(&format!("stderr: {err}\n"));
        }
        if output.exit_code != 0 {
            transcript.push_str(&format!("exit: {}\n", output.exit_code));
        }
    }
    expected.assert_eq(&transcript);
}

#[test]
fn apply_creates_then_reports_unchanged_then_configured() {
    check(
        "$ kubectl apply -f simple-pod.yaml
         $ kubectl apply -f simple-pod.yaml
         $ kubectl apply -f simple-deployment.yaml --record
         $ kubectl apply -f scaled.yaml",
        &[(
            "scaled.yaml",
            &seed::manifest("simple-deployment.yaml")
                .expect("seed")
                .replace("replicas: 3", "replicas: 4"),
        )],
        expect![[r#"
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo unchanged
            $ kubectl apply -f simple-deployment.yaml --record
            deployment.apps/echo created
            stderr: Flag --record has been deprecated, --record will be removed in the future
            $ kubectl apply -f scaled.yaml
            deployment.apps/echo configured
        "#]],
    );
}

#[test]
fn apply_reports_file_and_server_errors_as_kubectl_does() {
    check(
        "$ kubectl apply -f missing.yaml
         $ kubectl apply -f broken.yaml
         $ kubectl apply -f typo.yaml
         $ kubectl apply -f foo.yaml
         $ kubectl apply -f nokind.yaml
         $ kubectl create -f simple-pod.yaml
         $ kubectl create -f simple-pod.yaml",
        &[
            ("broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: [\n"),
            ("typo.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: c\n    imag: nginx\n"),
            ("foo.yaml", "apiVersion: v1\nkind: Foo\nmetadata:\n  name: f\n"),
            ("nokind.yaml", "metadata:\n  name: n\n"),
        ],
        expect![[r#"
            $ kubectl apply -f missing.yaml
            stderr: error: the path "missing.yaml" does not exist
            exit: 1
            $ kubectl apply -f broken.yaml
            stderr: error: error parsing broken.yaml: error converting YAML to JSON: yaml: line 6: did not find expected node content
            exit: 1
            $ kubectl apply -f typo.yaml
            stderr: Error from server (BadRequest): error when creating "typo.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imag"
            exit: 1
            $ kubectl apply -f foo.yaml
            stderr: error: resource mapping not found for name: "f" namespace: "" from "foo.yaml": no matches for kind "Foo" in version "v1"
            stderr: ensure CRDs are installed first
            exit: 1
            $ kubectl apply -f nokind.yaml
            stderr: error: error validating "nokind.yaml": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false
            exit: 1
            $ kubectl create -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl create -f simple-pod.yaml
            stderr: Error from server (AlreadyExists): error when creating "simple-pod.yaml": pods "simple-echo" already exists
            exit: 1
        "#]],
    );
}

#[test]
fn delete_by_name_file_and_selector_waits_and_reports() {
    check(
        "$ kubectl apply -f simple-replicaset-with-label.yaml
         # advance 30s
         $ kubectl delete pod nope
         $ kubectl delete rs -l release=spring
         $ kubectl delete -f simple-replicaset-with-label.yaml
         $ kubectl delete pod
         $ kubectl delete
         $ kubectl delete foo bar
         $ kubectl delete pod x --cascade=sideways",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl delete pod nope
            stderr: Error from server (NotFound): pods "nope" not found
            exit: 1
            $ kubectl delete rs -l release=spring
            replicaset.apps "echo-spring" deleted
            $ kubectl delete -f simple-replicaset-with-label.yaml
            replicaset.apps "echo-summer" deleted
            stderr: Error from server (NotFound): error when deleting "simple-replicaset-with-label.yaml": replicasets.apps "echo-spring" not found
            exit: 1
            $ kubectl delete pod
            stderr: error: resource(s) were provided, but no name was specified
            exit: 1
            $ kubectl delete
            stderr: error: You must provide one or more resources by argument or filename.
            stderr: Example resource specifications include:
            stderr:    '-f rsrc.yaml'
            stderr:    '--filename=rsrc.json'
            stderr:    '<resource> <name>'
            stderr:    '<resource>'
            exit: 1
            $ kubectl delete foo bar
            stderr: error: the server doesn't have a resource type "foo"
            exit: 1
            $ kubectl delete pod x --cascade=sideways
            stderr: error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"
            exit: 1
        "#]],
    );
}

#[test]
fn unknown_commands_and_flags_get_cobras_errors() {
    check(
        "$ kubectl gte pods
         $ kubectl apply --foo
         $ kubectl apply -z
         $ kubectl version",
        &[],
        expect![[r#"
            $ kubectl gte pods
            stderr: Error: unknown command "gte" for "kubectl"
            stderr: 
            stderr: Did you mean this?
            stderr: 	get
            stderr: 
            exit: 1
            $ kubectl apply --foo
            stderr: Error: unknown flag: --foo
            stderr: See 'kubectl apply --help' for usage.
            exit: 1
            $ kubectl apply -z
            stderr: Error: unknown shorthand flag: 'z' in -z
            stderr: See 'kubectl apply --help' for usage.
            exit: 1
            $ kubectl version
            Client Version: v1.32.4
            Kustomize Version: v5.5.0
            Server Version: v1.33.1
        "#]],
    );
}

#[test]
fn logs_default_the_container_and_explain_waiting_ones() {
    check(
        "$ kubectl apply -f simple-pod.yaml
         $ kubectl logs simple-echo -c echo
         # advance 30s
         $ kubectl logs simple-echo -c echo
         $ kubectl logs simple-echo
         $ kubectl logs simple-echo -c nope
         $ kubectl logs simple-echo -c echo --previous
         $ kubectl logs simple-echo -c echo --timestamps --prefix
         $ kubectl logs nope
         $ kubectl logs",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl logs simple-echo -c echo
            stderr: Error from server (BadRequest): container "echo" in pod "simple-echo" is waiting to start: ContainerCreating
            exit: 1
            $ kubectl logs simple-echo -c echo
            2026/01/01 00:00:02 start server
            $ kubectl logs simple-echo
            /docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
            /docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/
            /docker-entrypoint.sh: Configuration complete; ready for start up
            stderr: Defaulted container "nginx" out of: nginx, echo
            $ kubectl logs simple-echo -c nope
            stderr: error: container nope is not valid for pod simple-echo
            exit: 1
            $ kubectl logs simple-echo -c echo --previous
            stderr: Error from server (BadRequest): previous terminated container "echo" in pod "simple-echo" not found
            exit: 1
            $ kubectl logs simple-echo -c echo --timestamps --prefix
            [pod/simple-echo/echo] 2026-01-01T00:00:02.185Z 2026/01/01 00:00:02 start server
            $ kubectl logs nope
            stderr: Error from server (NotFound): pods "nope" not found
            exit: 1
            $ kubectl logs
            stderr: error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.
            stderr: POD or TYPE/NAME is a required argument for the logs command
            stderr: See 'kubectl logs -h' for help and examples
            exit: 1
        "#]],
    );
}

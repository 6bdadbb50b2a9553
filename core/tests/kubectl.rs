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
            stderr: error: error parsing broken.yaml: error converting YAML to JSON: yaml: line 5: did not find expected node content
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
fn delete_by_field_selector_and_the_selector_conflicts() {
    check(
        "$ kubectl apply -f simple-replicaset-with-label.yaml
         # advance 30s
         $ kubectl delete rs echo-spring -l release=spring
         $ kubectl delete rs --all -l release=spring
         $ kubectl delete rs --all --field-selector metadata.name=echo-spring
         $ kubectl delete rs --field-selector spec.replicas=1
         $ kubectl delete rs --field-selector metadata.name=none
         $ kubectl delete rs --field-selector metadata.name=echo-summer
         $ kubectl get rs",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl delete rs echo-spring -l release=spring
            stderr: error: name cannot be provided when a selector is specified
            exit: 1
            $ kubectl delete rs --all -l release=spring
            stderr: error: cannot set --all and --selector at the same time
            exit: 1
            $ kubectl delete rs --all --field-selector metadata.name=echo-spring
            stderr: error: cannot set --all and --field-selector at the same time
            exit: 1
            $ kubectl delete rs --field-selector spec.replicas=1
            stderr: Error from server (BadRequest): Unable to find "apps/v1, Resource=replicasets" that match label selector "", field selector "spec.replicas=1": field label not supported: spec.replicas
            exit: 1
            $ kubectl delete rs --field-selector metadata.name=none
            No resources found
            $ kubectl delete rs --field-selector metadata.name=echo-summer
            replicaset.apps "echo-summer" deleted
            $ kubectl get rs
            NAME          DESIRED   CURRENT   READY   AGE
            echo-spring   1         1         1       30s
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
            stderr: error: unknown command "gte" for "kubectl"
            stderr: 
            stderr: Did you mean this?
            stderr: 	get
            exit: 1
            $ kubectl apply --foo
            stderr: error: unknown flag: --foo
            stderr: See 'kubectl apply --help' for usage.
            exit: 1
            $ kubectl apply -z
            stderr: error: unknown shorthand flag: 'z' in -z
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
            stderr: error: error from server (NotFound): pods "nope" not found in namespace "default"
            exit: 1
            $ kubectl logs
            stderr: error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.
            stderr: POD or TYPE/NAME is a required argument for the logs command
            stderr: See 'kubectl logs -h' for help and examples
            exit: 1
        "#]],
    );
}

#[test]
fn rollout_history_undo_and_status_follow_the_seed() {
    check(
        "$ kubectl apply -f simple-deployment.yaml --record
         $ kubectl rollout status deployment/echo
         $ kubectl rollout history deployment echo
         $ kubectl rollout history deployment echo --revision=1
         $ kubectl apply -f echo-v2.yaml --record
         $ kubectl rollout status deployment echo
         $ kubectl rollout history deployment/echo
         $ kubectl rollout undo deployment echo
         $ kubectl rollout history deployment/echo
         $ kubectl rollout undo deployment echo --to-revision=9
         $ kubectl rollout history deployment echo --revision=1
         $ kubectl rollout undo deployment nope",
        &[(
            "echo-v2.yaml",
            &seed::manifest("simple-deployment.yaml")
                .expect("seed")
                .replace("nginx-proxy:latest", "nginx:latest"),
        )],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml --record
            deployment.apps/echo created
            stderr: Flag --record has been deprecated, --record will be removed in the future
            $ kubectl rollout status deployment/echo
            Waiting for deployment "echo" rollout to finish: 0 of 3 updated replicas are available...
            deployment "echo" successfully rolled out
            $ kubectl rollout history deployment echo
            deployment.apps/echo 
            REVISION  CHANGE-CAUSE
            1         kubectl apply --filename=simple-deployment.yaml --record=true

            $ kubectl rollout history deployment echo --revision=1
            deployment.apps/echo with revision #1
            Pod Template:
              Labels:	app=echo
            	pod-template-hash=559c4867bd
              Annotations:	kubernetes.io/change-cause: kubectl apply --filename=simple-deployment.yaml --record=true
              Containers:
               nginx:
                Image:	gihyodocker/nginx-proxy:latest
                Port:	80/TCP
                Host Port:	0/TCP
                Environment:
                  BACKEND_HOST:	localhost:8080
                Mounts:	<none>
               echo:
                Image:	gihyodocker/echo:latest
                Port:	8080/TCP
                Host Port:	0/TCP
                Environment:	<none>
                Mounts:	<none>
              Volumes:	<none>
              Node-Selectors:	<none>
              Tolerations:	<none>

            $ kubectl apply -f echo-v2.yaml --record
            deployment.apps/echo configured
            stderr: Flag --record has been deprecated, --record will be removed in the future
            $ kubectl rollout status deployment echo
            Waiting for deployment "echo" rollout to finish: 1 out of 3 new replicas have been updated...
            Waiting for deployment "echo" rollout to finish: 2 out of 3 new replicas have been updated...
            Waiting for deployment "echo" rollout to finish: 1 old replicas are pending termination...
            deployment "echo" successfully rolled out
            $ kubectl rollout history deployment/echo
            deployment.apps/echo 
            REVISION  CHANGE-CAUSE
            1         kubectl apply --filename=simple-deployment.yaml --record=true
            2         kubectl apply --filename=echo-v2.yaml --record=true

            $ kubectl rollout undo deployment echo
            deployment.apps/echo rolled back
            $ kubectl rollout history deployment/echo
            deployment.apps/echo 
            REVISION  CHANGE-CAUSE
            2         kubectl apply --filename=echo-v2.yaml --record=true
            3         kubectl apply --filename=simple-deployment.yaml --record=true

            $ kubectl rollout undo deployment echo --to-revision=9
            stderr: error: unable to find specified revision 9 in history
            exit: 1
            $ kubectl rollout history deployment echo --revision=1
            stderr: error: unable to find the specified revision
            exit: 1
            $ kubectl rollout undo deployment nope
            stderr: Error from server (NotFound): deployments.apps "nope" not found
            exit: 1
        "#]],
    );
}

#[test]
fn get_prints_tables_as_the_seed_shows_them() {
    check(
        "$ kubectl get
         $ kubectl get pods
         $ kubectl apply -f simple-pod.yaml
         $ kubectl get pod
         # advance 169s
         $ kubectl get pod
         $ kubectl get pods -o wide
         $ kubectl get po simple-echo --show-labels
         $ kubectl get pods -L app,missing
         $ kubectl get pod nope simple-echo
         $ kubectl get foo
         $ kubectl get pods -n kube-system
         $ kubectl get nodes
         $ kubectl get nodes -o wide
         $ kubectl get ns",
        &[],
        expect![[r#"
            $ kubectl get
            stderr: You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.
            stderr: 
            stderr: error: Required resource not specified.
            stderr: Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).
            stderr: See 'kubectl get -h' for help and examples
            exit: 1
            $ kubectl get pods
            stderr: No resources found in default namespace.
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl get pod
            NAME          READY   STATUS              RESTARTS   AGE
            simple-echo   0/2     ContainerCreating   0          0s
            $ kubectl get pod
            NAME          READY   STATUS    RESTARTS   AGE
            simple-echo   2/2     Running   0          2m49s
            $ kubectl get pods -o wide
            NAME          READY   STATUS    RESTARTS   AGE     IP           NODE            NOMINATED NODE   READINESS GATES
            simple-echo   2/2     Running   0          2m49s   10.244.1.2   sunaba-worker   <none>           <none>
            $ kubectl get po simple-echo --show-labels
            NAME          READY   STATUS    RESTARTS   AGE     LABELS
            simple-echo   2/2     Running   0          2m49s   <none>
            $ kubectl get pods -L app,missing
            NAME          READY   STATUS    RESTARTS   AGE     APP   MISSING
            simple-echo   2/2     Running   0          2m49s         
            $ kubectl get pod nope simple-echo
            NAME          READY   STATUS    RESTARTS   AGE
            simple-echo   2/2     Running   0          2m49s
            stderr: Error from server (NotFound): pods "nope" not found
            exit: 1
            $ kubectl get foo
            stderr: error: the server doesn't have a resource type "foo"
            exit: 1
            $ kubectl get pods -n kube-system
            stderr: No resources found in kube-system namespace.
            $ kubectl get nodes
            NAME                   STATUS   ROLES           AGE     VERSION
            sunaba-control-plane   Ready    control-plane   2m49s   v1.33.1
            sunaba-worker          Ready    <none>          2m49s   v1.33.1
            sunaba-worker2         Ready    <none>          2m49s   v1.33.1
            $ kubectl get nodes -o wide
            NAME                   STATUS   ROLES           AGE     VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME
            sunaba-control-plane   Ready    control-plane   2m49s   v1.33.1   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-sunaba     containerd://2.1.1
            sunaba-worker          Ready    <none>          2m49s   v1.33.1   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-sunaba     containerd://2.1.1
            sunaba-worker2         Ready    <none>          2m49s   v1.33.1   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-sunaba     containerd://2.1.1
            $ kubectl get ns
            NAME              STATUS   AGE
            default           Active   2m49s
            kube-node-lease   Active   2m49s
            kube-public       Active   2m49s
            kube-system       Active   2m49s
        "#]],
    );
}

#[test]
fn get_several_types_prefixes_names_and_separates_tables() {
    check(
        "$ kubectl apply -f simple-deployment.yaml
         # advance 30s
         $ kubectl get pod,replicaset,deployment
         $ kubectl get deploy -o wide
         $ kubectl get rs -o name
         $ kubectl get all
         $ kubectl get deploy/echo svc/kubernetes
         $ kubectl get svc,ep -A
         $ kubectl get endpointslices",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml
            deployment.apps/echo created
            $ kubectl get pod,replicaset,deployment
            NAME                        READY   STATUS    RESTARTS   AGE
            pod/echo-559c4867bd-86m88   2/2     Running   0          30s
            pod/echo-559c4867bd-bc47j   2/2     Running   0          30s
            pod/echo-559c4867bd-h4828   2/2     Running   0          30s

            NAME                              DESIRED   CURRENT   READY   AGE
            replicaset.apps/echo-559c4867bd   3         3         3       30s

            NAME                   READY   UP-TO-DATE   AVAILABLE   AGE
            deployment.apps/echo   3/3     3            3           30s
            $ kubectl get deploy -o wide
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                                                   SELECTOR
            echo   3/3     3            3           30s   nginx,echo   gihyodocker/nginx-proxy:latest,gihyodocker/echo:latest   app=echo
            $ kubectl get rs -o name
            replicaset.apps/echo-559c4867bd
            $ kubectl get all
            NAME                        READY   STATUS    RESTARTS   AGE
            pod/echo-559c4867bd-86m88   2/2     Running   0          30s
            pod/echo-559c4867bd-bc47j   2/2     Running   0          30s
            pod/echo-559c4867bd-h4828   2/2     Running   0          30s

            NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
            service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   30s

            NAME                   READY   UP-TO-DATE   AVAILABLE   AGE
            deployment.apps/echo   3/3     3            3           30s

            NAME                              DESIRED   CURRENT   READY   AGE
            replicaset.apps/echo-559c4867bd   3         3         3       30s
            $ kubectl get deploy/echo svc/kubernetes
            NAME                   READY   UP-TO-DATE   AVAILABLE   AGE
            deployment.apps/echo   3/3     3            3           30s

            NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
            service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   30s
            $ kubectl get svc,ep -A
            NAMESPACE   NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
            default     service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   30s

            NAMESPACE   NAME                   ENDPOINTS         AGE
            default     endpoints/kubernetes   172.18.0.2:6443   30s
            $ kubectl get endpointslices
            NAME         ADDRESSTYPE   PORTS   ENDPOINTS    AGE
            kubernetes   IPv4          6443    172.18.0.2   30s
        "#]],
    );
}

#[test]
fn get_selects_by_labels_and_fields() {
    check(
        "$ kubectl apply -f simple-replicaset-with-label.yaml
         # advance 30s
         $ kubectl get pod -l release=spring
         $ kubectl get pod -l 'release in (summer)' --no-headers
         $ kubectl get pod -l release=autumn
         $ kubectl get pod -l 'release in (summer'
         $ kubectl get rs --field-selector metadata.name=echo-summer
         $ kubectl get rs --field-selector spec.replicas=1",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl get pod -l release=spring
            NAME                READY   STATUS    RESTARTS   AGE
            echo-spring-plsdb   2/2     Running   0          30s
            $ kubectl get pod -l 'release in (summer)' --no-headers
            echo-summer-86m88   2/2   Running   0     30s
            echo-summer-h4828   2/2   Running   0     30s
            $ kubectl get pod -l release=autumn
            stderr: No resources found in default namespace.
            $ kubectl get pod -l 'release in (summer'
            stderr: Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "release in (summer", field selector "": unable to parse requirement: found '', expected: ')'
            exit: 1
            $ kubectl get rs --field-selector metadata.name=echo-summer
            NAME          DESIRED   CURRENT   READY   AGE
            echo-summer   2         2         2       30s
            $ kubectl get rs --field-selector spec.replicas=1
            stderr: Error from server (BadRequest): Unable to find "apps/v1, Resource=replicasets" that match label selector "", field selector "spec.replicas=1": field label not supported: spec.replicas
            exit: 1
        "#]],
    );
}

#[test]
fn get_structured_outputs() {
    check(
        "$ kubectl apply -f simple-pod.yaml
         # advance 30s
         $ kubectl get ns default -o yaml
         $ kubectl get ns default kube-public -o json
         $ kubectl get pod simple-echo -o jsonpath='{.spec.containers[*].image}'
         $ kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}'
         $ kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,NODE:.spec.nodeSelector
         $ kubectl get pods -o yaml --show-labels
         $ kubectl get pods -o toml
         $ kubectl get pods -o jsonpath='{.items'",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl get ns default -o yaml
            apiVersion: v1
            kind: Namespace
            metadata:
              creationTimestamp: "2026-01-01T00:00:00Z"
              name: default
              resourceVersion: "1"
              uid: e220a839-7b1d-4daf-ae78-9e6aa1b965f4
            spec:
              finalizers:
              - kubernetes
            status:
              phase: Active
            $ kubectl get ns default kube-public -o json
            {
                "apiVersion": "v1",
                "items": [
                    {
                        "apiVersion": "v1",
                        "kind": "Namespace",
                        "metadata": {
                            "creationTimestamp": "2026-01-01T00:00:00Z",
                            "name": "default",
                            "resourceVersion": "1",
                            "uid": "e220a839-7b1d-4daf-ae78-9e6aa1b965f4"
                        },
                        "spec": {
                            "finalizers": [
                                "kubernetes"
                            ]
                        },
                        "status": {
                            "phase": "Active"
                        }
                    },
                    {
                        "apiVersion": "v1",
                        "kind": "Namespace",
                        "metadata": {
                            "creationTimestamp": "2026-01-01T00:00:00Z",
                            "name": "kube-public",
                            "resourceVersion": "3",
                            "uid": "1b39896a-51a8-449b-93cb-9f0c747ea2ea"
                        },
                        "spec": {
                            "finalizers": [
                                "kubernetes"
                            ]
                        },
                        "status": {
                            "phase": "Active"
                        }
                    }
                ],
                "kind": "List",
                "metadata": {
                    "resourceVersion": ""
                }
            }
            $ kubectl get pod simple-echo -o jsonpath='{.spec.containers[*].image}'
            gihyodocker/nginx:latest gihyodocker/echo:latest$ kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'
            simple-echo	Running
            $ kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,NODE:.spec.nodeSelector
            NAME          IMAGES                                             NODE
            simple-echo   gihyodocker/nginx:latest,gihyodocker/echo:latest   <none>
            $ kubectl get pods -o yaml --show-labels
            stderr: error: --show-labels option cannot be used with yaml printer
            exit: 1
            $ kubectl get pods -o toml
            stderr: error: unable to match a printer suitable for the output format "toml", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml
            exit: 1
            $ kubectl get pods -o jsonpath='{.items'
            stderr: error: error parsing jsonpath {.items, unclosed action
            exit: 1
        "#]],
    );
}

#[test]
fn get_shows_crash_loops_pull_errors_and_events() {
    check(
        "$ kubectl apply -f broken.yaml
         # advance 60s
         $ kubectl get pods
         $ kubectl get events",
        &[(
            "broken.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo boom; exit 1\"]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: c\n    image: nginxx:1.25\n",
        )],
        expect![[r#"
            $ kubectl apply -f broken.yaml
            pod/crash created
            pod/typo created
            $ kubectl get pods
            NAME    READY   STATUS             RESTARTS      AGE
            crash   0/1     CrashLoopBackOff   3 (27s ago)   60s
            typo    0/1     ImagePullBackOff   0             60s
            $ kubectl get events
            LAST SEEN   TYPE      REASON      OBJECT      MESSAGE
            60s         Normal    Scheduled   pod/crash   Successfully assigned default/crash to sunaba-worker
            28s         Normal    Pulling     pod/crash   Pulling image "busybox"
            59s         Normal    Pulled      pod/crash   Successfully pulled image "busybox" in 353ms (353ms including waiting). Image size: 2155404 bytes.
            27s         Normal    Created     pod/crash   Created container: c
            27s         Normal    Started     pod/crash   Started container c
            27s         Normal    Pulled      pod/crash   Successfully pulled image "busybox" in 480ms (480ms including waiting). Image size: 2155404 bytes.
            27s         Warning   BackOff     pod/crash   Back-off restarting failed container c in pod crash_default(134f7096-9181-45ce-87dc-930b302278a8)
            60s         Normal    Scheduled   pod/typo    Successfully assigned default/typo to sunaba-worker2
            27s         Normal    Pulling     pod/typo    Pulling image "nginxx:1.25"
            26s         Warning   Failed      pod/typo    Failed to pull image "nginxx:1.25": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nginxx:1.25": failed to resolve reference "docker.io/library/nginxx:1.25": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed
            26s         Warning   Failed      pod/typo    Error: ErrImagePull
            25s         Normal    BackOff     pod/typo    Back-off pulling image "nginxx:1.25"
            25s         Warning   Failed      pod/typo    Error: ImagePullBackOff
        "#]],
    );
}

#[test]
fn the_api_server_defaults_and_validates_what_is_applied() {
    let deployment = seed::manifest("simple-deployment.yaml").expect("seed");
    check(
        "$ kubectl apply -f mismatch.yaml
         $ kubectl apply -f badname.yaml
         $ kubectl apply -f simple-deployment.yaml
         $ kubectl apply -f reselect.yaml
         $ kubectl apply -f nginx.yaml
         $ kubectl get pod nginx -o yaml",
        &[
            (
                "mismatch.yaml",
                &deployment.replace(
                    "      labels:\n        app: echo",
                    "      labels:\n        app: other",
                ),
            ),
            (
                "badname.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Echo\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: 80\n    - containerPort: 0\n",
            ),
            ("reselect.yaml", &deployment.replace("app: echo", "app: echo2")),
            (
                "nginx.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\n",
            ),
        ],
        expect![[r#"
            $ kubectl apply -f mismatch.yaml
            stderr: The Deployment "echo" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`
            exit: 1
            $ kubectl apply -f badname.yaml
            stderr: The Pod "Echo" is invalid: 
            stderr: * metadata.name: Invalid value: "Echo": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
            stderr: * spec.containers[0].ports[1].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive
            exit: 1
            $ kubectl apply -f simple-deployment.yaml
            deployment.apps/echo created
            $ kubectl apply -f reselect.yaml
            stderr: The Deployment "echo" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"echo2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable
            exit: 1
            $ kubectl apply -f nginx.yaml
            pod/nginx created
            $ kubectl get pod nginx -o yaml
            apiVersion: v1
            kind: Pod
            metadata:
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"nginx","namespace":"default"},"spec":{"containers":[{"image":"nginx:1.27","name":"nginx"}]}}
              creationTimestamp: "2026-01-01T00:00:00Z"
              generation: 1
              name: nginx
              namespace: default
              resourceVersion: "45"
              uid: 8176daf8-00a0-4f50-8bd8-ff7a0385cdbc
            spec:
              containers:
              - image: nginx:1.27
                imagePullPolicy: IfNotPresent
                name: nginx
                resources: {}
                terminationMessagePath: /dev/termination-log
                terminationMessagePolicy: File
                volumeMounts:
                - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
                  name: kube-api-access-cn86h
                  readOnly: true
              dnsPolicy: ClusterFirst
              enableServiceLinks: true
              nodeName: sunaba-worker
              preemptionPolicy: PreemptLowerPriority
              priority: 0
              restartPolicy: Always
              schedulerName: default-scheduler
              securityContext: {}
              serviceAccount: default
              serviceAccountName: default
              terminationGracePeriodSeconds: 30
              tolerations:
              - effect: NoExecute
                key: node.kubernetes.io/not-ready
                operator: Exists
                tolerationSeconds: 300
              - effect: NoExecute
                key: node.kubernetes.io/unreachable
                operator: Exists
                tolerationSeconds: 300
              volumes:
              - name: kube-api-access-cn86h
                projected:
                  defaultMode: 420
                  sources:
                  - serviceAccountToken:
                      expirationSeconds: 3607
                      path: token
                  - configMap:
                      items:
                      - key: ca.crt
                        path: ca.crt
                      name: kube-root-ca.crt
                  - downwardAPI:
                      items:
                      - fieldRef:
                          apiVersion: v1
                          fieldPath: metadata.namespace
                        path: namespace
            status:
              conditions:
              - lastTransitionTime: "2026-01-01T00:00:00Z"
                status: "False"
                type: PodReadyToStartContainers
              - lastTransitionTime: "2026-01-01T00:00:00Z"
                status: "True"
                type: Initialized
              - lastTransitionTime: "2026-01-01T00:00:00Z"
                message: 'containers with unready status: [nginx]'
                reason: ContainersNotReady
                status: "False"
                type: Ready
              - lastTransitionTime: "2026-01-01T00:00:00Z"
                message: 'containers with unready status: [nginx]'
                reason: ContainersNotReady
                status: "False"
                type: ContainersReady
              - lastTransitionTime: "2026-01-01T00:00:00Z"
                status: "True"
                type: PodScheduled
              containerStatuses:
              - image: nginx:1.27
                imageID: ""
                lastState: {}
                name: nginx
                ready: false
                restartCount: 0
                started: false
                state:
                  waiting:
                    reason: ContainerCreating
              hostIP: 172.18.0.3
              hostIPs:
              - ip: 172.18.0.3
              phase: Pending
              qosClass: BestEffort
              startTime: "2026-01-01T00:00:00Z"
        "#]],
    );
}

#[test]
fn scale_sets_replicas_and_checks_preconditions() {
    check(
        "$ kubectl apply -f simple-deployment.yaml
         # advance 30s
         $ kubectl scale deployment/echo --replicas=5
         # advance 30s
         $ kubectl get deploy,rs
         $ kubectl scale deploy echo --current-replicas=3 --replicas=1
         $ kubectl scale deploy echo --current-replicas=5 --replicas=1 -o name
         $ kubectl scale deploy nope echo --replicas=2 --record
         # advance 30s
         $ kubectl get deploy echo
         $ kubectl rollout history deploy/echo
         $ kubectl scale deploy/echo --replicas=4 --dry-run=client -o jsonpath={.spec.replicas}
         $ kubectl scale deploy/echo --replicas=4 --dry-run=server
         $ kubectl get deploy echo -o jsonpath={.spec.replicas}
         $ kubectl scale deploy/echo --replicas=3 --resource-version=1",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml
            deployment.apps/echo created
            $ kubectl scale deployment/echo --replicas=5
            deployment.apps/echo scaled
            $ kubectl get deploy,rs
            NAME                   READY   UP-TO-DATE   AVAILABLE   AGE
            deployment.apps/echo   5/5     5            5           60s

            NAME                              DESIRED   CURRENT   READY   AGE
            replicaset.apps/echo-559c4867bd   5         5         5       60s
            $ kubectl scale deploy echo --current-replicas=3 --replicas=1
            stderr: error: Expected replicas to be 3, was 5
            exit: 1
            $ kubectl scale deploy echo --current-replicas=5 --replicas=1 -o name
            deployment.apps/echo
            $ kubectl scale deploy nope echo --replicas=2 --record
            deployment.apps/echo scaled
            stderr: Flag --record has been deprecated, --record will be removed in the future
            stderr: Error from server (NotFound): deployments.apps "nope" not found
            exit: 1
            $ kubectl get deploy echo
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE
            echo   2/2     2            2           90s
            $ kubectl rollout history deploy/echo
            deployment.apps/echo 
            REVISION  CHANGE-CAUSE
            1         kubectl scale deploy nope echo --record=true --replicas=2

            $ kubectl scale deploy/echo --replicas=4 --dry-run=client -o jsonpath={.spec.replicas}
            2$ kubectl scale deploy/echo --replicas=4 --dry-run=server
            deployment.apps/echo scaled (server dry run)
            $ kubectl get deploy echo -o jsonpath={.spec.replicas}
            2$ kubectl scale deploy/echo --replicas=3 --resource-version=1
            stderr: error: Expected resource version to be 1, was 175
            exit: 1
        "#]],
    );
}

#[test]
fn scale_reports_kubectls_errors() {
    check(
        "$ kubectl apply -f simple-replicaset-with-label.yaml -f simple-pod.yaml
         $ kubectl scale rs -l app=echo,release --replicas=0
         # advance 30s
         $ kubectl get rs
         $ kubectl scale rs/echo-summer
         $ kubectl scale rs/echo-summer --replicas=-1
         $ kubectl scale rs/echo-summer --replicas=two
         $ kubectl scale rs/echo-summer --replicas=1 --current-replicas=-2
         $ kubectl scale --replicas=3
         $ kubectl scale rs --replicas=3
         $ kubectl scale foo/x --replicas=3
         $ kubectl scale pod/simple-echo --replicas=2
         $ kubectl scale rs -l release=autumn --replicas=2
         $ kubectl scale rs echo-spring --replicas=2 -l app=echo
         $ kubectl scale rs/echo-spring --replicas=2 --dry-run=maybe
         $ kubectl scale rs/echo-spring --replicas=2 -o wide
         $ kubectl scale rs --all --replicas=1 --resource-version=9",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml -f simple-pod.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            pod/simple-echo created
            $ kubectl scale rs -l app=echo,release --replicas=0
            replicaset.apps/echo-spring scaled
            replicaset.apps/echo-summer scaled
            $ kubectl get rs
            NAME          DESIRED   CURRENT   READY   AGE
            echo-spring   0         0         0       30s
            echo-summer   0         0         0       30s
            $ kubectl scale rs/echo-summer
            stderr: E0101 00:00:30.000000    4242 run.go:72] "command failed" err="required flag(s) \"replicas\" not set"
            exit: 1
            $ kubectl scale rs/echo-summer --replicas=-1
            stderr: error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0
            exit: 1
            $ kubectl scale rs/echo-summer --replicas=two
            stderr: error: invalid argument "two" for "--replicas" flag: strconv.ParseInt: parsing "two": invalid syntax
            stderr: See 'kubectl scale --help' for usage.
            exit: 1
            $ kubectl scale rs/echo-summer --replicas=1 --current-replicas=-2
            stderr: error: The --current-replicas must specify an integer of -1 or greater
            exit: 1
            $ kubectl scale --replicas=3
            stderr: error: You must provide one or more resources by argument or filename.
            stderr: Example resource specifications include:
            stderr:    '-f rsrc.yaml'
            stderr:    '--filename=rsrc.json'
            stderr:    '<resource> <name>'
            stderr:    '<resource>'
            exit: 1
            $ kubectl scale rs --replicas=3
            stderr: error: resource(s) were provided, but no name was specified
            exit: 1
            $ kubectl scale foo/x --replicas=3
            stderr: error: the server doesn't have a resource type "foo"
            exit: 1
            $ kubectl scale pod/simple-echo --replicas=2
            stderr: Error from server (NotFound): the server could not find the requested resource
            exit: 1
            $ kubectl scale rs -l release=autumn --replicas=2
            stderr: error: no objects passed to scale
            exit: 1
            $ kubectl scale rs echo-spring --replicas=2 -l app=echo
            stderr: error: name cannot be provided when a selector is specified
            exit: 1
            $ kubectl scale rs/echo-spring --replicas=2 --dry-run=maybe
            stderr: error: Invalid dry-run value (maybe). Must be "none", "server", or "client".
            exit: 1
            $ kubectl scale rs/echo-spring --replicas=2 -o wide
            stderr: error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml
            exit: 1
            $ kubectl scale rs --all --replicas=1 --resource-version=9
            stderr: error: cannot use --resource-version with multiple resources
            exit: 1
        "#]],
    );
}

#[test]
fn label_sets_removes_and_refuses_to_overwrite() {
    check(
        "$ kubectl apply -f simple-pod.yaml -f simple-replicaset-with-label.yaml
         $ kubectl label pod simple-echo tier=web
         $ kubectl label pod simple-echo tier=db
         $ kubectl label pod simple-echo tier=db --overwrite
         $ kubectl label pod simple-echo tier=db --overwrite
         $ kubectl get pod simple-echo --show-labels
         $ kubectl label pod/simple-echo tier-
         $ kubectl label pod/simple-echo tier-
         $ kubectl label rs -l app=echo team=blue
         $ kubectl label rs --all team=red --overwrite -o name
         $ kubectl get rs -L team
         $ kubectl label rs echo-spring --list
         $ kubectl label rs echo-spring echo-summer --list
         $ kubectl label rs echo-spring app=x release=y
         $ kubectl label pod simple-echo a=b --dry-run=client
         $ kubectl label pod nope a=b
         $ kubectl label pod simple-echo
         $ kubectl label pod simple-echo a=b c
         $ kubectl label pod simple-echo a=b=c
         $ kubectl label pod simple-echo a=-b
         $ kubectl label pod simple-echo a=b a-
         $ kubectl label a=b
         $ kubectl label pods a=b
         $ kubectl label pod simple-echo a=b --list
         $ kubectl label pod simple-echo a=b --list -o yaml
         $ kubectl label rs --all -l app=echo a=b",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-pod.yaml -f simple-replicaset-with-label.yaml
            pod/simple-echo created
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl label pod simple-echo tier=web
            pod/simple-echo labeled
            $ kubectl label pod simple-echo tier=db
            stderr: error: 'tier' already has a value (web), and --overwrite is false
            exit: 1
            $ kubectl label pod simple-echo tier=db --overwrite
            pod/simple-echo labeled
            $ kubectl label pod simple-echo tier=db --overwrite
            pod/simple-echo not labeled
            $ kubectl get pod simple-echo --show-labels
            NAME          READY   STATUS              RESTARTS   AGE   LABELS
            simple-echo   0/2     ContainerCreating   0          0s    tier=db
            $ kubectl label pod/simple-echo tier-
            pod/simple-echo unlabeled
            $ kubectl label pod/simple-echo tier-
            label "tier" not found.
            pod/simple-echo labeled
            $ kubectl label rs -l app=echo team=blue
            replicaset.apps/echo-spring labeled
            replicaset.apps/echo-summer labeled
            $ kubectl label rs --all team=red --overwrite -o name
            replicaset.apps/echo-spring
            replicaset.apps/echo-summer
            $ kubectl get rs -L team
            NAME          DESIRED   CURRENT   READY   AGE   TEAM
            echo-spring   1         1         0       0s    red
            echo-summer   2         2         0       0s    red
            $ kubectl label rs echo-spring --list
            app=echo
            release=spring
            team=red
            $ kubectl label rs echo-spring echo-summer --list
            Listing labels for ReplicaSet.apps/echo-spring:
             app=echo
             release=spring
             team=red
            Listing labels for ReplicaSet.apps/echo-summer:
             app=echo
             release=summer
             team=red
            $ kubectl label rs echo-spring app=x release=y
            stderr: 'app' already has a value (echo), and --overwrite is false
            stderr: 'release' already has a value (spring), and --overwrite is false
            exit: 1
            $ kubectl label pod simple-echo a=b --dry-run=client
            pod/simple-echo labeled
            $ kubectl label pod nope a=b
            stderr: Error from server (NotFound): pods "nope" not found
            exit: 1
            $ kubectl label pod simple-echo
            stderr: error: at least one label update is required
            exit: 1
            $ kubectl label pod simple-echo a=b c
            stderr: error: all resources must be specified before label changes: c
            exit: 1
            $ kubectl label pod simple-echo a=b=c
            stderr: error: invalid label spec: a=b=c
            exit: 1
            $ kubectl label pod simple-echo a=-b
            stderr: error: invalid label value: "a=-b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')
            exit: 1
            $ kubectl label pod simple-echo a=b a-
            stderr: error: can not both modify and remove a label in the same command
            exit: 1
            $ kubectl label a=b
            stderr: error: one or more resources must be specified as <resource> <name> or <resource>/<name>
            exit: 1
            $ kubectl label pods a=b
            stderr: error: resource(s) were provided, but no name was specified
            exit: 1
            $ kubectl label pod simple-echo a=b --list
            a=b
            $ kubectl label pod simple-echo a=b --list -o yaml
            stderr: error: --list and --output may not be specified together
            exit: 1
            $ kubectl label rs --all -l app=echo a=b
            stderr: error: cannot set --all and --selector at the same time
            exit: 1
        "#]],
    );
}

#[test]
fn label_and_annotate_print_objects_and_keep_kubectls_quirks() {
    check(
        "$ kubectl apply -f simple-replicaset.yaml
         # advance 10s
         $ kubectl label rs echo release=v1 -o yaml
         $ kubectl label pod -l app=echo app- --overwrite
         # advance 10s
         $ kubectl get pods --show-labels
         $ kubectl annotate rs echo note='first try'
         $ kubectl annotate rs echo note=second
         $ kubectl annotate rs echo note=second --overwrite -o jsonpath={.metadata.annotations.note}
         $ kubectl annotate rs/echo note- owner=me --dry-run=client
         $ kubectl annotate rs echo --list
         $ kubectl annotate rs echo note=x note-
         $ kubectl annotate rs echo a=b --resource-version=1
         $ kubectl annotate rs echo a=b -o wide
         $ kubectl annotate rs echo
         $ kubectl annotate
         $ kubectl label node sunaba-worker disk=ssd
         $ kubectl annotate ns default owner=team-a
         $ kubectl get nodes -L disk
         $ kubectl annotate ns default --list",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-replicaset.yaml
            replicaset.apps/echo created
            $ kubectl label rs echo release=v1 -o yaml
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"annotations":{},"labels":{"app":"echo"},"name":"echo","namespace":"default"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"echo"}},"template":{"metadata":{"labels":{"app":"echo"}},"spec":{"containers":[{"env":[{"name":"BACKEND_HOST","value":"localhost:8080"}],"image":"gihyodocker/nginx:latest","name":"nginx","ports":[{"containerPort":80}]},{"image":"gihyodocker/echo:latest","name":"echo","ports":[{"containerPort":8080}]}]}}}}
              creationTimestamp: "2026-01-01T00:00:00Z"
              generation: 1
              labels:
                app: echo
                release: v1
              name: echo
              namespace: default
              resourceVersion: "70"
              uid: 417ef961-81da-4383-bc3c-41a3b43343a1
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: echo
              template:
                metadata:
                  labels:
                    app: echo
                spec:
                  containers:
                  - env:
                    - name: BACKEND_HOST
                      value: localhost:8080
                    image: gihyodocker/nginx:latest
                    imagePullPolicy: Always
                    name: nginx
                    ports:
                    - containerPort: 80
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  - image: gihyodocker/echo:latest
                    imagePullPolicy: Always
                    name: echo
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  enableServiceLinks: true
                  preemptionPolicy: PreemptLowerPriority
                  priority: 0
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            status:
              availableReplicas: 3
              fullyLabeledReplicas: 3
              observedGeneration: 1
              readyReplicas: 3
              replicas: 3
            $ kubectl label pod -l app=echo app- --overwrite
            pod/echo-fb4vh labeled
            pod/echo-jshv8 labeled
            pod/echo-plsdb labeled
            $ kubectl get pods --show-labels
            NAME         READY   STATUS    RESTARTS   AGE   LABELS
            echo-fb4vh   2/2     Running   0          20s   <none>
            echo-fsmtx   2/2     Running   0          10s   app=echo
            echo-jshv8   2/2     Running   0          20s   <none>
            echo-plsdb   2/2     Running   0          20s   <none>
            echo-srh22   2/2     Running   0          10s   app=echo
            echo-whx7c   2/2     Running   0          10s   app=echo
            $ kubectl annotate rs echo note='first try'
            replicaset.apps/echo annotated
            $ kubectl annotate rs echo note=second
            stderr: error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (first try)
            exit: 1
            $ kubectl annotate rs echo note=second --overwrite -o jsonpath={.metadata.annotations.note}
            second$ kubectl annotate rs/echo note- owner=me --dry-run=client
            replicaset.apps/echo annotated (dry run)
            $ kubectl annotate rs echo --list
            kubectl.kubernetes.io/last-applied-configuration={"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"annotations":{},"labels":{"app":"echo"},"name":"echo","namespace":"default"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"echo"}},"template":{"metadata":{"labels":{"app":"echo"}},"spec":{"containers":[{"env":[{"name":"BACKEND_HOST","value":"localhost:8080"}],"image":"gihyodocker/nginx:latest","name":"nginx","ports":[{"containerPort":80}]},{"image":"gihyodocker/echo:latest","name":"echo","ports":[{"containerPort":8080}]}]}}}}

            note=second
            $ kubectl annotate rs echo note=x note-
            stderr: error: can not both modify and remove the following annotation(s) in the same command: note
            exit: 1
            $ kubectl annotate rs echo a=b --resource-version=1
            stderr: Error from server (Conflict): Operation cannot be fulfilled on replicasets.apps "echo": the object has been modified; please apply your changes to the latest version and try again
            exit: 1
            $ kubectl annotate rs echo a=b -o wide
            stderr: error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml
            exit: 1
            $ kubectl annotate rs echo
            stderr: error: at least one annotation update is required
            exit: 1
            $ kubectl annotate
            stderr: error: one or more resources must be specified as <resource> <name> or <resource>/<name>
            exit: 1
            $ kubectl label node sunaba-worker disk=ssd
            node/sunaba-worker labeled
            $ kubectl annotate ns default owner=team-a
            namespace/default annotated
            $ kubectl get nodes -L disk
            NAME                   STATUS   ROLES           AGE   VERSION   DISK
            sunaba-control-plane   Ready    control-plane   20s   v1.33.1   
            sunaba-worker          Ready    <none>          20s   v1.33.1   ssd
            sunaba-worker2         Ready    <none>          20s   v1.33.1   
            $ kubectl annotate ns default --list
            owner=team-a
        "#]],
    );
}

#[test]
fn describe_pod_shows_containers_conditions_volumes_and_events() {
    check(
        "$ kubectl apply -f simple-pod.yaml
         # advance 30s
         $ kubectl describe pod simple-echo",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl describe pod simple-echo
            Name:             simple-echo
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             sunaba-worker/172.18.0.3
            Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
            Labels:           <none>
            Annotations:      <none>
            Status:           Running
            IP:               10.244.1.2
            IPs:
              IP:  10.244.1.2
            Containers:
              nginx:
                Container ID:   containerd://c38d7785cb763282028229975be6e029761f64d34c0e3f843fed80b88f3f2783
                Image:          gihyodocker/nginx:latest
                Image ID:       docker.io/gihyodocker/nginx@sha256:e1f76eeb837947eaec8d043091983b71d08c6660396c032cb67932708d92e40b
                Port:           80/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:01 +0000
                Ready:          True
                Restart Count:  0
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-jjpls (ro)
              echo:
                Container ID:   containerd://559497abff18d6eb79ca14d9fc2add9e3461556d73d7d81577254cac68c3e800
                Image:          gihyodocker/echo:latest
                Image ID:       docker.io/gihyodocker/echo@sha256:5ab3294dd15a73c9c94dfb62b3bb92a4e9e0058ba693a423fa5abb7e6a27b876
                Port:           8080/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:02 +0000
                Ready:          True
                Restart Count:  0
                Environment:    <none>
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-jjpls (ro)
            Conditions:
              Type                        Status
              PodReadyToStartContainers   True 
              Initialized                 True 
              Ready                       True 
              ContainersReady             True 
              PodScheduled                True 
            Volumes:
              kube-api-access-jjpls:
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            QoS Class:                   BestEffort
            Node-Selectors:              <none>
            Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                         node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
            Events:
              Type    Reason     Age   From               Message
              ----    ------     ----  ----               -------
              Normal  Scheduled  30s   default-scheduler  Successfully assigned default/simple-echo to sunaba-worker
              Normal  Pulling    30s   kubelet            Pulling image "gihyodocker/nginx:latest"
              Normal  Pulled     29s   kubelet            Successfully pulled image "gihyodocker/nginx:latest" in 1.378s (1.378s including waiting). Image size: 43134925 bytes.
              Normal  Created    29s   kubelet            Created container: nginx
              Normal  Started    29s   kubelet            Started container nginx
              Normal  Pulling    29s   kubelet            Pulling image "gihyodocker/echo:latest"
              Normal  Pulled     28s   kubelet            Successfully pulled image "gihyodocker/echo:latest" in 407ms (407ms including waiting). Image size: 4285961 bytes.
              Normal  Created    28s   kubelet            Created container: echo
              Normal  Started    28s   kubelet            Started container echo
        "#]],
    );
}

#[test]
fn describe_deployment_replicaset_and_their_pods() {
    check(
        "$ kubectl apply -f simple-deployment.yaml
         # advance 30s
         $ kubectl describe deploy echo
         $ kubectl describe rs
         $ kubectl describe pods -l app=echo --show-events=false",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml
            deployment.apps/echo created
            $ kubectl describe deploy echo
            Name:                   echo
            Namespace:              default
            CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000
            Labels:                 app=echo
            Annotations:            deployment.kubernetes.io/revision: 1
            Selector:               app=echo
            Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
            StrategyType:           RollingUpdate
            MinReadySeconds:        0
            RollingUpdateStrategy:  25% max unavailable, 25% max surge
            Pod Template:
              Labels:  app=echo
              Containers:
               nginx:
                Image:      gihyodocker/nginx-proxy:latest
                Port:       80/TCP
                Host Port:  0/TCP
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:          <none>
               echo:
                Image:         gihyodocker/echo:latest
                Port:          8080/TCP
                Host Port:     0/TCP
                Environment:   <none>
                Mounts:        <none>
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>
            Conditions:
              Type           Status  Reason
              ----           ------  ------
              Available      True    MinimumReplicasAvailable
              Progressing    True    NewReplicaSetAvailable
            OldReplicaSets:  <none>
            NewReplicaSet:   echo-559c4867bd (3/3 replicas created)
            Events:
              Type    Reason             Age   From                   Message
              ----    ------             ----  ----                   -------
              Normal  ScalingReplicaSet  30s   deployment-controller  Scaled up replica set echo-559c4867bd from 0 to 3
            $ kubectl describe rs
            Name:           echo-559c4867bd
            Namespace:      default
            Selector:       app=echo,pod-template-hash=559c4867bd
            Labels:         app=echo
                            pod-template-hash=559c4867bd
            Annotations:    deployment.kubernetes.io/desired-replicas: 3
                            deployment.kubernetes.io/max-replicas: 4
                            deployment.kubernetes.io/revision: 1
            Controlled By:  Deployment/echo
            Replicas:       3 current / 3 desired
            Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed
            Pod Template:
              Labels:  app=echo
                       pod-template-hash=559c4867bd
              Containers:
               nginx:
                Image:      gihyodocker/nginx-proxy:latest
                Port:       80/TCP
                Host Port:  0/TCP
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:          <none>
               echo:
                Image:         gihyodocker/echo:latest
                Port:          8080/TCP
                Host Port:     0/TCP
                Environment:   <none>
                Mounts:        <none>
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>
            Events:
              Type    Reason            Age   From                   Message
              ----    ------            ----  ----                   -------
              Normal  SuccessfulCreate  30s   replicaset-controller  Created pod: echo-559c4867bd-bc47j
              Normal  SuccessfulCreate  30s   replicaset-controller  Created pod: echo-559c4867bd-h4828
              Normal  SuccessfulCreate  30s   replicaset-controller  Created pod: echo-559c4867bd-86m88
            $ kubectl describe pods -l app=echo --show-events=false
            Name:             echo-559c4867bd-86m88
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             sunaba-worker2/172.18.0.4
            Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
            Labels:           app=echo
                              pod-template-hash=559c4867bd
            Annotations:      <none>
            Status:           Running
            IP:               10.244.2.3
            IPs:
              IP:           10.244.2.3
            Controlled By:  ReplicaSet/echo-559c4867bd
            Containers:
              nginx:
                Container ID:   containerd://89f5a987f3d47785232b7ee147747eb0bedbbce54e2b163f28bcb056bbaeab62
                Image:          gihyodocker/nginx-proxy:latest
                Image ID:       docker.io/gihyodocker/nginx-proxy@sha256:a1bfeccb81e939d59bc21912661056c0c3e485608110010f976927c0a97921f2
                Port:           80/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:01 +0000
                Ready:          True
                Restart Count:  0
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-6g25p (ro)
              echo:
                Container ID:   containerd://444ededcbcc85ae20c50e745893f9909e314dfd662bddee480c983ecef0ecb63
                Image:          gihyodocker/echo:latest
                Image ID:       docker.io/gihyodocker/echo@sha256:5ab3294dd15a73c9c94dfb62b3bb92a4e9e0058ba693a423fa5abb7e6a27b876
                Port:           8080/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:02 +0000
                Ready:          True
                Restart Count:  0
                Environment:    <none>
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-6g25p (ro)
            Conditions:
              Type                        Status
              PodReadyToStartContainers   True 
              Initialized                 True 
              Ready                       True 
              ContainersReady             True 
              PodScheduled                True 
            Volumes:
              kube-api-access-6g25p:
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            QoS Class:                   BestEffort
            Node-Selectors:              <none>
            Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                         node.kubernetes.io/unreachable:NoExecute op=Exists for 300s


            Name:             echo-559c4867bd-bc47j
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             sunaba-worker/172.18.0.3
            Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
            Labels:           app=echo
                              pod-template-hash=559c4867bd
            Annotations:      <none>
            Status:           Running
            IP:               10.244.1.2
            IPs:
              IP:           10.244.1.2
            Controlled By:  ReplicaSet/echo-559c4867bd
            Containers:
              nginx:
                Container ID:   containerd://a9524271e4fa7fd476a8d61fd33e25938e69060d708709262b319fac57cbf6fd
                Image:          gihyodocker/nginx-proxy:latest
                Image ID:       docker.io/gihyodocker/nginx-proxy@sha256:a1bfeccb81e939d59bc21912661056c0c3e485608110010f976927c0a97921f2
                Port:           80/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:01 +0000
                Ready:          True
                Restart Count:  0
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-pqf76 (ro)
              echo:
                Container ID:   containerd://74fb3970445ea02d63db34af83b0fc380a2ab769573b9f27013d9a181689d42a
                Image:          gihyodocker/echo:latest
                Image ID:       docker.io/gihyodocker/echo@sha256:5ab3294dd15a73c9c94dfb62b3bb92a4e9e0058ba693a423fa5abb7e6a27b876
                Port:           8080/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:02 +0000
                Ready:          True
                Restart Count:  0
                Environment:    <none>
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-pqf76 (ro)
            Conditions:
              Type                        Status
              PodReadyToStartContainers   True 
              Initialized                 True 
              Ready                       True 
              ContainersReady             True 
              PodScheduled                True 
            Volumes:
              kube-api-access-pqf76:
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            QoS Class:                   BestEffort
            Node-Selectors:              <none>
            Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                         node.kubernetes.io/unreachable:NoExecute op=Exists for 300s


            Name:             echo-559c4867bd-h4828
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             sunaba-worker2/172.18.0.4
            Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
            Labels:           app=echo
                              pod-template-hash=559c4867bd
            Annotations:      <none>
            Status:           Running
            IP:               10.244.2.2
            IPs:
              IP:           10.244.2.2
            Controlled By:  ReplicaSet/echo-559c4867bd
            Containers:
              nginx:
                Container ID:   containerd://3c22f0e2d5aceaeaaa7661e38188e27103e81781fc925e2c00870c86d975e30b
                Image:          gihyodocker/nginx-proxy:latest
                Image ID:       docker.io/gihyodocker/nginx-proxy@sha256:a1bfeccb81e939d59bc21912661056c0c3e485608110010f976927c0a97921f2
                Port:           80/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:01 +0000
                Ready:          True
                Restart Count:  0
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-mj6gk (ro)
              echo:
                Container ID:   containerd://9f323eaa8e9c1c03d9a33dedac7cead62b7a00e2786af2ed6dcb6b11f0a8c7f8
                Image:          gihyodocker/echo:latest
                Image ID:       docker.io/gihyodocker/echo@sha256:5ab3294dd15a73c9c94dfb62b3bb92a4e9e0058ba693a423fa5abb7e6a27b876
                Port:           8080/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:02 +0000
                Ready:          True
                Restart Count:  0
                Environment:    <none>
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-mj6gk (ro)
            Conditions:
              Type                        Status
              PodReadyToStartContainers   True 
              Initialized                 True 
              Ready                       True 
              ContainersReady             True 
              PodScheduled                True 
            Volumes:
              kube-api-access-mj6gk:
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            QoS Class:                   BestEffort
            Node-Selectors:              <none>
            Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                         node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        "#]],
    );
}

#[test]
fn describe_service_endpoints_node_and_namespace() {
    check(
        "$ kubectl apply -f simple-replicaset-with-label.yaml
         $ kubectl apply -f simple-service.yaml
         # advance 30s
         $ kubectl describe svc echo
         $ kubectl describe svc/kubernetes
         $ kubectl describe endpoints echo
         $ kubectl describe node sunaba-worker
         $ kubectl describe ns default",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl apply -f simple-service.yaml
            service/echo created
            $ kubectl describe svc echo
            Name:                     echo
            Namespace:                default
            Labels:                   <none>
            Annotations:              <none>
            Selector:                 app=echo,release=summer
            Type:                     ClusterIP
            IP Family Policy:         SingleStack
            IP Families:              IPv4
            IP:                       10.97.180.111
            IPs:                      10.97.180.111
            Port:                     http  80/TCP
            TargetPort:               80/TCP
            Endpoints:                10.244.1.2:80,10.244.2.3:80
            Session Affinity:         None
            Internal Traffic Policy:  Cluster
            Events:                   <none>
            $ kubectl describe svc/kubernetes
            Name:                     kubernetes
            Namespace:                default
            Labels:                   component=apiserver
                                      provider=kubernetes
            Annotations:              <none>
            Selector:                 <none>
            Type:                     ClusterIP
            IP Family Policy:         SingleStack
            IP Families:              IPv4
            IP:                       10.96.0.1
            IPs:                      10.96.0.1
            Port:                     https  443/TCP
            TargetPort:               6443/TCP
            Endpoints:                172.18.0.2:6443
            Session Affinity:         None
            Internal Traffic Policy:  Cluster
            Events:                   <none>
            $ kubectl describe endpoints echo
            Name:         echo
            Namespace:    default
            Labels:       <none>
            Annotations:  <none>
            Subsets:
              Addresses:          10.244.1.2,10.244.2.3
              NotReadyAddresses:  <none>
              Ports:
                Name  Port  Protocol
                ----  ----  --------
                http  80    TCP

            Events:  <none>
            $ kubectl describe node sunaba-worker
            Name:               sunaba-worker
            Roles:              <none>
            Labels:             beta.kubernetes.io/arch=amd64
                                beta.kubernetes.io/os=linux
                                kubernetes.io/arch=amd64
                                kubernetes.io/hostname=sunaba-worker
                                kubernetes.io/os=linux
            Annotations:        kubeadm.alpha.kubernetes.io/cri-socket: unix:///run/containerd/containerd.sock
                                node.alpha.kubernetes.io/ttl: 0
                                volumes.kubernetes.io/controller-managed-attach-detach: true
            CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
            Taints:             <none>
            Unschedulable:      false
            Lease:
              HolderIdentity:  sunaba-worker
              AcquireTime:     <unset>
              RenewTime:       Thu, 01 Jan 2026 00:00:30 +0000
            Conditions:
              Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
              ----             ------  -----------------                 ------------------                ------                       -------
              MemoryPressure   False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
              DiskPressure     False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
              PIDPressure      False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
              Ready            True    Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletReady                 kubelet is posting ready status
            Addresses:
              InternalIP:  172.18.0.3
              Hostname:    sunaba-worker
            Capacity:
              cpu:                4
              ephemeral-storage:  102626232Ki
              hugepages-1Gi:      0
              hugepages-2Mi:      0
              memory:             8131712Ki
              pods:               110
            Allocatable:
              cpu:                4
              ephemeral-storage:  102626232Ki
              hugepages-1Gi:      0
              hugepages-2Mi:      0
              memory:             8131712Ki
              pods:               110
            System Info:
              Machine ID:                 0000000000000000c21e9e2e5da54016
              System UUID:                1f8ed71ccfb085
              Boot ID:                    c21e9e2e5da54016
              Kernel Version:             6.8.0-sunaba
              OS Image:                   Debian GNU/Linux 12 (bookworm)
              Operating System:           linux
              Architecture:               amd64
              Container Runtime Version:  containerd://2.1.1
              Kubelet Version:            v1.33.1
              Kube-Proxy Version:         
            PodCIDR:                      10.244.1.0/24
            PodCIDRs:                     10.244.1.0/24
            ProviderID:                   kind://docker/sunaba/sunaba-worker
            Non-terminated Pods:          (1 in total)
              Namespace                   Name                 CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
              ---------                   ----                 ------------  ----------  ---------------  -------------  ---
              default                     echo-summer-h4828    0 (0%)        0 (0%)      0 (0%)           0 (0%)         30s
            Allocated resources:
              (Total limits may be over 100 percent, i.e., overcommitted.)
              Resource           Requests  Limits
              --------           --------  ------
              cpu                0 (0%)    0 (0%)
              memory             0 (0%)    0 (0%)
              ephemeral-storage  0 (0%)    0 (0%)
              hugepages-1Gi      0 (0%)    0 (0%)
              hugepages-2Mi      0 (0%)    0 (0%)
            Events:              <none>
            $ kubectl describe ns default
            Name:         default
            Labels:       <none>
            Annotations:  <none>
            Status:       Active

            No resource quota.

            No LimitRange resource.
        "#]],
    );
}

#[test]
fn describe_matches_name_prefixes_and_reports_errors() {
    check(
        "$ kubectl apply -f simple-replicaset-with-label.yaml
         # advance 30s
         $ kubectl describe rs echo-s --show-events=false
         $ kubectl describe -f simple-replicaset.yaml
         $ kubectl describe pod nope
         $ kubectl describe pods nope echo
         $ kubectl describe pod,svc echo
         $ kubectl describe pods echo -l app=echo
         $ kubectl describe pod/echo -l app=echo
         $ kubectl describe pods -l release=autumn
         $ kubectl describe foo
         $ kubectl describe
         $ kubectl describe pods -n kube-system
         $ kubectl describe pod echo -A
         $ kubectl describe cm
         $ kubectl describe pod --bogus",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl describe rs echo-s --show-events=false
            Name:         echo-spring
            Namespace:    default
            Selector:     app=echo,release=spring
            Labels:       app=echo
                          release=spring
            Annotations:  <none>
            Replicas:     1 current / 1 desired
            Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed
            Pod Template:
              Labels:  app=echo
                       release=spring
              Containers:
               nginx:
                Image:      gihyodocker/nginx:latest
                Port:       80/TCP
                Host Port:  0/TCP
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:          <none>
               echo:
                Image:         gihyodocker/echo:latest
                Port:          8080/TCP
                Host Port:     0/TCP
                Environment:   <none>
                Mounts:        <none>
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>

            Name:         echo-summer
            Namespace:    default
            Selector:     app=echo,release=summer
            Labels:       app=echo
                          release=summer
            Annotations:  <none>
            Replicas:     2 current / 2 desired
            Pods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed
            Pod Template:
              Labels:  app=echo
                       release=summer
              Containers:
               nginx:
                Image:      gihyodocker/nginx:latest
                Port:       80/TCP
                Host Port:  0/TCP
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:          <none>
               echo:
                Image:         gihyodocker/echo:latest
                Port:          8080/TCP
                Host Port:     0/TCP
                Environment:   <none>
                Mounts:        <none>
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>

            $ kubectl describe -f simple-replicaset.yaml
            stderr: Error from server (NotFound): replicasets.apps "echo" not found
            exit: 1
            $ kubectl describe pod nope
            stderr: Error from server (NotFound): pods "nope" not found
            exit: 1
            $ kubectl describe pods nope echo
            stderr: Error from server (NotFound): pods "nope" not found
            stderr: Error from server (NotFound): pods "echo" not found
            exit: 1
            $ kubectl describe pod,svc echo
            stderr: error: you must specify only one resource
            exit: 1
            $ kubectl describe pods echo -l app=echo
            stderr: error: name cannot be provided when a selector is specified
            exit: 1
            $ kubectl describe pod/echo -l app=echo
            stderr: error: selectors and the all flag cannot be used when passing resource/name arguments
            exit: 1
            $ kubectl describe pods -l release=autumn
            stderr: No resources found in default namespace.
            $ kubectl describe foo
            stderr: error: the server doesn't have a resource type "foo"
            exit: 1
            $ kubectl describe
            stderr: error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.
            exit: 1
            $ kubectl describe pods -n kube-system
            stderr: No resources found in kube-system namespace.
            $ kubectl describe pod echo -A
            stderr: error: a resource cannot be retrieved by name across all namespaces
            exit: 1
            $ kubectl describe cm
            stderr: error: no description has been implemented for /v1, Kind=ConfigMap
            exit: 1
            $ kubectl describe pod --bogus
            stderr: error: unknown flag: --bogus
            stderr: See 'kubectl describe --help' for usage.
            exit: 1
        "#]],
    );
}

#[test]
fn describe_pod_shows_waiting_terminated_and_repeated_events() {
    check(
        "$ kubectl apply -f simple-pod.yaml
         $ kubectl describe pod simple-echo
         $ kubectl apply -f broken.yaml
         # advance 60s
         $ kubectl describe pod crash
         $ kubectl describe pod typo
         $ kubectl delete pod simple-echo --wait=false
         $ kubectl describe pod simple-echo --show-events=false",
        &[(
            "broken.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\n  labels:\n    app: crash\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo boom; exit 1\"]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: c\n    image: nginxx:1.25\n",
        )],
        expect![[r#"
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl describe pod simple-echo
            Name:             simple-echo
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             sunaba-worker/172.18.0.3
            Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
            Labels:           <none>
            Annotations:      <none>
            Status:           Pending
            IP:               
            IPs:              <none>
            Containers:
              nginx:
                Container ID:   
                Image:          gihyodocker/nginx:latest
                Image ID:       
                Port:           80/TCP
                Host Port:      0/TCP
                State:          Waiting
                  Reason:       ContainerCreating
                Ready:          False
                Restart Count:  0
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-jjpls (ro)
              echo:
                Container ID:   
                Image:          gihyodocker/echo:latest
                Image ID:       
                Port:           8080/TCP
                Host Port:      0/TCP
                State:          Waiting
                  Reason:       ContainerCreating
                Ready:          False
                Restart Count:  0
                Environment:    <none>
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-jjpls (ro)
            Conditions:
              Type                        Status
              PodReadyToStartContainers   False 
              Initialized                 True 
              Ready                       False 
              ContainersReady             False 
              PodScheduled                True 
            Volumes:
              kube-api-access-jjpls:
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            QoS Class:                   BestEffort
            Node-Selectors:              <none>
            Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                         node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
            Events:
              Type    Reason     Age   From               Message
              ----    ------     ----  ----               -------
              Normal  Scheduled  0s    default-scheduler  Successfully assigned default/simple-echo to sunaba-worker
            $ kubectl apply -f broken.yaml
            pod/crash created
            pod/typo created
            $ kubectl describe pod crash
            Name:             crash
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             sunaba-worker2/172.18.0.4
            Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
            Labels:           app=crash
            Annotations:      <none>
            Status:           Running
            IP:               10.244.2.2
            IPs:
              IP:  10.244.2.2
            Containers:
              c:
                Container ID:  containerd://681c9555952d48dd4a8fe861ac23f3280949843475a217572a405ba3781cc49a
                Image:         busybox
                Image ID:      docker.io/library/busybox@sha256:4359df366bb084392d495e7f5834065435db398fe6944a135d0058d1d146f3a6
                Port:          <none>
                Host Port:     <none>
                Command:
                  sh
                  -c
                  echo boom; exit 1
                State:          Waiting
                  Reason:       CrashLoopBackOff
                Last State:     Terminated
                  Reason:       Error
                  Exit Code:    1
                  Started:      Thu, 01 Jan 2026 00:00:32 +0000
                  Finished:     Thu, 01 Jan 2026 00:00:32 +0000
                Ready:          False
                Restart Count:  3
                Environment:    <none>
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7jpqf (ro)
            Conditions:
              Type                        Status
              PodReadyToStartContainers   True 
              Initialized                 True 
              Ready                       False 
              ContainersReady             False 
              PodScheduled                True 
            Volumes:
              kube-api-access-7jpqf:
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            QoS Class:                   BestEffort
            Node-Selectors:              <none>
            Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                         node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
            Events:
              Type     Reason     Age                From               Message
              ----     ------     ----               ----               -------
              Normal   Scheduled  60s                default-scheduler  Successfully assigned default/crash to sunaba-worker2
              Normal   Pulled     60s                kubelet            Successfully pulled image "busybox" in 353ms (353ms including waiting). Image size: 2155404 bytes.
              Normal   Pulling    29s (x4 over 60s)  kubelet            Pulling image "busybox"
              Normal   Created    28s (x4 over 60s)  kubelet            Created container: c
              Normal   Started    28s (x4 over 60s)  kubelet            Started container c
              Normal   Pulled     28s (x3 over 59s)  kubelet            Successfully pulled image "busybox" in 480ms (480ms including waiting). Image size: 2155404 bytes.
              Warning  BackOff    28s (x3 over 59s)  kubelet            Back-off restarting failed container c in pod crash_default(e3ddd86b-a71a-4eb1-9f26-8adeb6513356)
            $ kubectl describe pod typo
            Name:             typo
            Namespace:        default
            Priority:         0
            Service Account:  default
            Node:             sunaba-worker2/172.18.0.4
            Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
            Labels:           <none>
            Annotations:      <none>
            Status:           Pending
            IP:               10.244.2.3
            IPs:
              IP:  10.244.2.3
            Containers:
              c:
                Container ID:   
                Image:          nginxx:1.25
                Image ID:       
                Port:           <none>
                Host Port:      <none>
                State:          Waiting
                  Reason:       ImagePullBackOff
                Ready:          False
                Restart Count:  0
                Environment:    <none>
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-4vh48 (ro)
            Conditions:
              Type                        Status
              PodReadyToStartContainers   True 
              Initialized                 True 
              Ready                       False 
              ContainersReady             False 
              PodScheduled                True 
            Volumes:
              kube-api-access-4vh48:
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            QoS Class:                   BestEffort
            Node-Selectors:              <none>
            Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                         node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
            Events:
              Type     Reason     Age                From               Message
              ----     ------     ----               ----               -------
              Normal   Scheduled  60s                default-scheduler  Successfully assigned default/typo to sunaba-worker2
              Normal   Pulling    28s (x3 over 60s)  kubelet            Pulling image "nginxx:1.25"
              Warning  Failed     26s (x3 over 59s)  kubelet            Failed to pull image "nginxx:1.25": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nginxx:1.25": failed to resolve reference "docker.io/library/nginxx:1.25": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed
              Warning  Failed     26s (x3 over 59s)  kubelet            Error: ErrImagePull
              Normal   BackOff    25s (x3 over 58s)  kubelet            Back-off pulling image "nginxx:1.25"
              Warning  Failed     25s (x3 over 58s)  kubelet            Error: ImagePullBackOff
            $ kubectl delete pod simple-echo --wait=false
            pod "simple-echo" deleted
            $ kubectl describe pod simple-echo --show-events=false
            Name:                      simple-echo
            Namespace:                 default
            Priority:                  0
            Service Account:           default
            Node:                      sunaba-worker/172.18.0.3
            Start Time:                Thu, 01 Jan 2026 00:00:00 +0000
            Labels:                    <none>
            Annotations:               <none>
            Status:                    Terminating (lasts <invalid>)
            Termination Grace Period:  30s
            IP:                        10.244.1.2
            IPs:
              IP:  10.244.1.2
            Containers:
              nginx:
                Container ID:   containerd://c38d7785cb763282028229975be6e029761f64d34c0e3f843fed80b88f3f2783
                Image:          gihyodocker/nginx:latest
                Image ID:       docker.io/gihyodocker/nginx@sha256:e1f76eeb837947eaec8d043091983b71d08c6660396c032cb67932708d92e40b
                Port:           80/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:01 +0000
                Ready:          True
                Restart Count:  0
                Environment:
                  BACKEND_HOST:  localhost:8080
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-jjpls (ro)
              echo:
                Container ID:   containerd://559497abff18d6eb79ca14d9fc2add9e3461556d73d7d81577254cac68c3e800
                Image:          gihyodocker/echo:latest
                Image ID:       docker.io/gihyodocker/echo@sha256:5ab3294dd15a73c9c94dfb62b3bb92a4e9e0058ba693a423fa5abb7e6a27b876
                Port:           8080/TCP
                Host Port:      0/TCP
                State:          Running
                  Started:      Thu, 01 Jan 2026 00:00:02 +0000
                Ready:          True
                Restart Count:  0
                Environment:    <none>
                Mounts:
                  /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-jjpls (ro)
            Conditions:
              Type                        Status
              PodReadyToStartContainers   True 
              Initialized                 True 
              Ready                       True 
              ContainersReady             True 
              PodScheduled                True 
            Volumes:
              kube-api-access-jjpls:
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            QoS Class:                   BestEffort
            Node-Selectors:              <none>
            Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                                         node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
        "#]],
    );
}

#[test]
fn describe_deployment_after_a_rollout_and_the_node_it_runs_on() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n        ports:\n        - containerPort: 80\n        - containerPort: 443\n        resources:\n          requests:\n            cpu: 250m\n            memory: 64Mi\n          limits:\n            cpu: \"0.5\"\n            memory: 128Mi\n        readinessProbe:\n          httpGet:\n            path: /\n            port: 80\n        env:\n        - name: POD_NAME\n          valueFrom:\n            fieldRef:\n              fieldPath: metadata.name\n";
    check(
        "$ kubectl apply -f web.yaml
         # advance 30s
         $ kubectl apply -f web-v2.yaml
         # advance 60s
         $ kubectl describe deployment web
         $ kubectl describe node sunaba-worker2 --show-events=false",
        &[
            ("web.yaml", deployment),
            (
                "web-v2.yaml",
                &deployment.replace("nginx:1.25", "nginx:1.27"),
            ),
        ],
        expect![[r#"
            $ kubectl apply -f web.yaml
            deployment.apps/web created
            $ kubectl apply -f web-v2.yaml
            deployment.apps/web configured
            $ kubectl describe deployment web
            Name:                   web
            Namespace:              default
            CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000
            Labels:                 <none>
            Annotations:            deployment.kubernetes.io/revision: 2
            Selector:               app=web
            Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
            StrategyType:           RollingUpdate
            MinReadySeconds:        0
            RollingUpdateStrategy:  25% max unavailable, 25% max surge
            Pod Template:
              Labels:  app=web
              Containers:
               nginx:
                Image:       nginx:1.27
                Ports:       80/TCP, 443/TCP
                Host Ports:  0/TCP, 0/TCP
                Limits:
                  cpu:     500m
                  memory:  128Mi
                Requests:
                  cpu:      250m
                  memory:   64Mi
                Readiness:  http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3
                Environment:
                  POD_NAME:     (v1:metadata.name)
                Mounts:        <none>
              Volumes:         <none>
              Node-Selectors:  <none>
              Tolerations:     <none>
            Conditions:
              Type           Status  Reason
              ----           ------  ------
              Available      True    MinimumReplicasAvailable
              Progressing    True    NewReplicaSetAvailable
            OldReplicaSets:  web-8474b788d7 (0/0 replicas created)
            NewReplicaSet:   web-5b954b74cc (2/2 replicas created)
            Events:
              Type    Reason             Age   From                   Message
              ----    ------             ----  ----                   -------
              Normal  ScalingReplicaSet  90s   deployment-controller  Scaled up replica set web-8474b788d7 from 0 to 2
              Normal  ScalingReplicaSet  60s   deployment-controller  Scaled up replica set web-5b954b74cc from 0 to 1
              Normal  ScalingReplicaSet  58s   deployment-controller  Scaled down replica set web-8474b788d7 from 2 to 1
              Normal  ScalingReplicaSet  58s   deployment-controller  Scaled up replica set web-5b954b74cc from 1 to 2
              Normal  ScalingReplicaSet  55s   deployment-controller  Scaled down replica set web-8474b788d7 from 1 to 0
            $ kubectl describe node sunaba-worker2 --show-events=false
            Name:               sunaba-worker2
            Roles:              <none>
            Labels:             beta.kubernetes.io/arch=amd64
                                beta.kubernetes.io/os=linux
                                kubernetes.io/arch=amd64
                                kubernetes.io/hostname=sunaba-worker2
                                kubernetes.io/os=linux
            Annotations:        kubeadm.alpha.kubernetes.io/cri-socket: unix:///run/containerd/containerd.sock
                                node.alpha.kubernetes.io/ttl: 0
                                volumes.kubernetes.io/controller-managed-attach-detach: true
            CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
            Taints:             <none>
            Unschedulable:      false
            Lease:
              HolderIdentity:  sunaba-worker2
              AcquireTime:     <unset>
              RenewTime:       Thu, 01 Jan 2026 00:01:30 +0000
            Conditions:
              Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
              ----             ------  -----------------                 ------------------                ------                       -------
              MemoryPressure   False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
              DiskPressure     False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
              PIDPressure      False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
              Ready            True    Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletReady                 kubelet is posting ready status
            Addresses:
              InternalIP:  172.18.0.4
              Hostname:    sunaba-worker2
            Capacity:
              cpu:                4
              ephemeral-storage:  102626232Ki
              hugepages-1Gi:      0
              hugepages-2Mi:      0
              memory:             8131712Ki
              pods:               110
            Allocatable:
              cpu:                4
              ephemeral-storage:  102626232Ki
              hugepages-1Gi:      0
              hugepages-2Mi:      0
              memory:             8131712Ki
              pods:               110
            System Info:
              Machine ID:                 00000000000000007f46ecc91fcbfd2c
              System UUID:                1f87d71ccfa4a0
              Boot ID:                    7f46ecc91fcbfd2c
              Kernel Version:             6.8.0-sunaba
              OS Image:                   Debian GNU/Linux 12 (bookworm)
              Operating System:           linux
              Architecture:               amd64
              Container Runtime Version:  containerd://2.1.1
              Kubelet Version:            v1.33.1
              Kube-Proxy Version:         
            PodCIDR:                      10.244.2.0/24
            PodCIDRs:                     10.244.2.0/24
            ProviderID:                   kind://docker/sunaba/sunaba-worker2
            Non-terminated Pods:          (1 in total)
              Namespace                   Name                    CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
              ---------                   ----                    ------------  ----------  ---------------  -------------  ---
              default                     web-5b954b74cc-pcv7l    250m (6%)     500m (12%)  64Mi (0%)        128Mi (1%)     58s
            Allocated resources:
              (Total limits may be over 100 percent, i.e., overcommitted.)
              Resource           Requests   Limits
              --------           --------   ------
              cpu                250m (6%)  500m (12%)
              memory             64Mi (0%)  128Mi (1%)
              ephemeral-storage  0 (0%)     0 (0%)
              hugepages-1Gi      0 (0%)     0 (0%)
              hugepages-2Mi      0 (0%)     0 (0%)
        "#]],
    );
}

#[test]
fn set_image_rolls_out_and_records_the_change_cause() {
    check(
        "$ kubectl apply -f simple-deployment.yaml
         # advance 30s
         $ kubectl set image deploy/echo nginx=nginx:1.25 --record
         $ kubectl rollout status deployment/echo
         $ kubectl rollout history deployment/echo
         $ kubectl get deploy echo -o wide
         $ kubectl set image deploy/echo nginx=nginx:1.25
         $ kubectl set image deploy/echo nope=busybox
         $ kubectl set image deploy/echo nginx=nginx:1.27 nope=busybox
         $ kubectl set image deployment echo '*=busybox:1.36' --dry-run=client -o jsonpath='{.spec.template.spec.containers[*].image}'
         $ kubectl set image deploy/echo
         $ kubectl set image deploy/nope nginx=x
         $ kubectl set image svc/kubernetes a=b
         $ kubectl set image nginx=nginx
         $ kubectl set image deploy/echo '*=a' b=c
         $ kubectl set image deploy/echo nginx- 
         $ kubectl set image deploy/echo nginx=a x
         $ kubectl set image deploy/echo nginx=
         $ kubectl set",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml
            deployment.apps/echo created
            $ kubectl set image deploy/echo nginx=nginx:1.25 --record
            deployment.apps/echo image updated
            stderr: Flag --record has been deprecated, --record will be removed in the future
            $ kubectl rollout status deployment/echo
            Waiting for deployment "echo" rollout to finish: 1 out of 3 new replicas have been updated...
            Waiting for deployment "echo" rollout to finish: 2 out of 3 new replicas have been updated...
            Waiting for deployment "echo" rollout to finish: 1 old replicas are pending termination...
            deployment "echo" successfully rolled out
            $ kubectl rollout history deployment/echo
            deployment.apps/echo 
            REVISION  CHANGE-CAUSE
            1         <none>
            2         kubectl set image deploy/echo nginx=nginx:1.25 --record=true

            $ kubectl get deploy echo -o wide
            NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                               SELECTOR
            echo   3/3     3            3           38s   nginx,echo   nginx:1.25,gihyodocker/echo:latest   app=echo
            $ kubectl set image deploy/echo nginx=nginx:1.25
            $ kubectl set image deploy/echo nope=busybox
            stderr: error: unable to find container named "nope"
            exit: 1
            $ kubectl set image deploy/echo nginx=nginx:1.27 nope=busybox
            deployment.apps/echo image updated
            stderr: error: unable to find container named "nope"
            exit: 1
            $ kubectl set image deployment echo '*=busybox:1.36' --dry-run=client -o jsonpath='{.spec.template.spec.containers[*].image}'
            busybox:1.36 busybox:1.36$ kubectl set image deploy/echo
            stderr: error: at least one image update is required
            exit: 1
            $ kubectl set image deploy/nope nginx=x
            stderr: Error from server (NotFound): deployments.apps "nope" not found
            exit: 1
            $ kubectl set image svc/kubernetes a=b
            stderr: error: services/kubernetes the object is not a pod or does not have a pod template: *v1.Service
            exit: 1
            $ kubectl set image nginx=nginx
            stderr: error: You must provide one or more resources by argument or filename.
            stderr: Example resource specifications include:
            stderr:    '-f rsrc.yaml'
            stderr:    '--filename=rsrc.json'
            stderr:    '<resource> <name>'
            stderr:    '<resource>'
            exit: 1
            $ kubectl set image deploy/echo '*=a' b=c
            stderr: error: all containers are already specified by *, but saw more than one container_name=container_image pairs
            exit: 1
            $ kubectl set image deploy/echo nginx-
            stderr: error: invalid image format: nginx-
            exit: 1
            $ kubectl set image deploy/echo nginx=a x
            stderr: error: all resources must be specified before image changes: x
            exit: 1
            $ kubectl set image deploy/echo nginx=
            stderr: error: failed to patch image update to pod template: Deployment.apps "echo" is invalid: spec.template.spec.containers[0].image: Required value
            exit: 1
            $ kubectl set
            stderr: Configure application resources.
            stderr: 
            stderr:  These commands help you make changes to existing application resources.
            stderr: 
            stderr: Available Commands:
            stderr:   env              Update environment variables on a pod template
            stderr:   image            Update the image of a pod template
            stderr:   resources        Update resource requests/limits on objects with pod templates
            stderr:   selector         Set the selector on a resource
            stderr:   serviceaccount   Update the service account of a resource
            stderr:   subject          Update the user, group, or service account in a role binding or cluster role binding
            stderr: 
            stderr: Usage:
            stderr:   kubectl set SUBCOMMAND [options]
            stderr: 
            stderr: Use "kubectl set <command> --help" for more information about a given command.
            stderr: Use "kubectl options" for a list of global command-line options (applies to all commands).
            exit: 1
        "#]],
    );
}

#[test]
fn set_env_adds_replaces_removes_and_lists() {
    check(
        "$ kubectl apply -f simple-deployment.yaml -f simple-pod.yaml
         $ kubectl create configmap app --from-literal=db.host=mysql --from-literal=mode=dev
         $ kubectl set env deploy/echo MODE=prod -c echo
         $ kubectl set env deploy/echo --list
         $ kubectl set env deploy/echo BACKEND_HOST=127.0.0.1:8080 MODE- -c nginx
         $ kubectl set env deploy/echo --from=configmap/app --prefix=APP_ -c echo
         $ kubectl set env deploy/echo --list --resolve -c echo
         $ kubectl set env deploy/echo MODE=prod -c echo
         $ kubectl set env deploy/echo MODE=test -c echo --overwrite=false
         $ kubectl set env deploy/echo X=1 -c nope
         $ kubectl set env deploy/echo X=1 --dry-run=client -o yaml -c echo
         $ kubectl set env pod/simple-echo X=1
         $ kubectl set env deploy/echo 1X=1
         $ kubectl set env deploy/echo A=1 A-
         $ kubectl set env deploy/echo A=1 x
         $ kubectl set env deploy/echo --keys=a
         $ kubectl set env deploy/echo --list -o yaml
         $ kubectl set env
         $ kubectl set env deploy/nope A=1
         # advance 60s
         $ kubectl rollout history deploy/echo",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml -f simple-pod.yaml
            deployment.apps/echo created
            pod/simple-echo created
            $ kubectl create configmap app --from-literal=db.host=mysql --from-literal=mode=dev
            configmap/app created
            $ kubectl set env deploy/echo MODE=prod -c echo
            deployment.apps/echo env updated
            $ kubectl set env deploy/echo --list
            # Deployment echo, container nginx
            BACKEND_HOST=localhost:8080
            # Deployment echo, container echo
            MODE=prod
            $ kubectl set env deploy/echo BACKEND_HOST=127.0.0.1:8080 MODE- -c nginx
            deployment.apps/echo env updated
            $ kubectl set env deploy/echo --from=configmap/app --prefix=APP_ -c echo
            deployment.apps/echo env updated
            $ kubectl set env deploy/echo --list --resolve -c echo
            # Deployment echo, container echo
            MODE=prod
            APP_DB_HOST=mysql
            APP_MODE=dev
            $ kubectl set env deploy/echo MODE=prod -c echo
            $ kubectl set env deploy/echo MODE=test -c echo --overwrite=false
            stderr: error: deployments/echo 'MODE' already has a value (prod), and --overwrite is false
            exit: 1
            $ kubectl set env deploy/echo X=1 -c nope
            stderr: warning: Deployment/echo does not have any containers matching "nope"
            $ kubectl set env deploy/echo X=1 --dry-run=client -o yaml -c echo
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              annotations:
                deployment.kubernetes.io/revision: "4"
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"labels":{"app":"echo"},"name":"echo","namespace":"default"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"echo"}},"template":{"metadata":{"labels":{"app":"echo"}},"spec":{"containers":[{"env":[{"name":"BACKEND_HOST","value":"localhost:8080"}],"image":"gihyodocker/nginx-proxy:latest","name":"nginx","ports":[{"containerPort":80}]},{"image":"gihyodocker/echo:latest","name":"echo","ports":[{"containerPort":8080}]}]}}}}
              creationTimestamp: "2026-01-01T00:00:00Z"
              generation: 4
              labels:
                app: echo
              name: echo
              namespace: default
              resourceVersion: "105"
              uid: 417ef961-81da-4383-bc3c-41a3b43343a1
            spec:
              progressDeadlineSeconds: 600
              replicas: 3
              revisionHistoryLimit: 10
              selector:
                matchLabels:
                  app: echo
              strategy:
                rollingUpdate:
                  maxSurge: 25%
                  maxUnavailable: 25%
                type: RollingUpdate
              template:
                metadata:
                  creationTimestamp: null
                  labels:
                    app: echo
                spec:
                  containers:
                  - env:
                    - name: BACKEND_HOST
                      value: 127.0.0.1:8080
                    image: gihyodocker/nginx-proxy:latest
                    imagePullPolicy: Always
                    name: nginx
                    ports:
                    - containerPort: 80
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  - env:
                    - name: MODE
                      value: prod
                    - name: APP_DB_HOST
                      valueFrom:
                        configMapKeyRef:
                          key: db.host
                          name: app
                    - name: APP_MODE
                      valueFrom:
                        configMapKeyRef:
                          key: mode
                          name: app
                    - name: X
                      value: "1"
                    image: gihyodocker/echo:latest
                    imagePullPolicy: Always
                    name: echo
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  enableServiceLinks: true
                  preemptionPolicy: PreemptLowerPriority
                  priority: 0
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            status:
              conditions:
              - lastTransitionTime: "2026-01-01T00:00:00Z"
                lastUpdateTime: "2026-01-01T00:00:00Z"
                message: Deployment does not have minimum availability.
                reason: MinimumReplicasUnavailable
                status: "False"
                type: Available
              - lastTransitionTime: "2026-01-01T00:00:00Z"
                lastUpdateTime: "2026-01-01T00:00:00Z"
                message: ReplicaSet "echo-5bb9b9f4d4" is progressing.
                reason: ReplicaSetUpdated
                status: "True"
                type: Progressing
              observedGeneration: 4
              replicas: 4
              unavailableReplicas: 3
              updatedReplicas: 1
            $ kubectl set env pod/simple-echo X=1
            stderr: error: failed to patch env update to pod template: Pod "simple-echo" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)
            exit: 1
            $ kubectl set env deploy/echo 1X=1
            stderr: error: "1X" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')
            exit: 1
            $ kubectl set env deploy/echo A=1 A-
            stderr: error: can not both modify and remove the same environment variable in the same command
            exit: 1
            $ kubectl set env deploy/echo A=1 x
            stderr: error: all resources must be specified before environment changes: deploy/echo A=1 x
            exit: 1
            $ kubectl set env deploy/echo --keys=a
            stderr: error: when specifying --keys, a configmap or secret must be provided with --from
            exit: 1
            $ kubectl set env deploy/echo --list -o yaml
            stderr: error: --list and --output may not be specified together
            exit: 1
            $ kubectl set env
            stderr: error: one or more resources must be specified as <resource> <name> or <resource>/<name>
            exit: 1
            $ kubectl set env deploy/nope A=1
            stderr: Error from server (NotFound): deployments.apps "nope" not found
            exit: 1
            $ kubectl rollout history deploy/echo
            deployment.apps/echo 
            REVISION  CHANGE-CAUSE
            1         <none>
            2         <none>
            3         <none>
            4         <none>

        "#]],
    );
}

#[test]
fn expose_creates_services_from_an_objects_selector_and_ports() {
    check(
        "$ kubectl apply -f simple-deployment.yaml -f simple-pod.yaml
         # advance 30s
         $ kubectl expose deployment echo --port=80 --target-port=8080
         $ kubectl expose deploy/echo --name=echo-np --type=NodePort --port=80
         $ kubectl expose deployment echo --name=echo-all --dry-run=client -o yaml
         $ kubectl expose svc echo --name=echo-https --port=443 --target-port=8443 --dry-run=client -o json
         # advance 5s
         $ kubectl get svc
         $ kubectl get endpoints echo
         $ kubectl expose deployment echo --port=80
         $ kubectl expose pod simple-echo --port=80
         $ kubectl expose ns default --port=80
         $ kubectl expose deployment nope --port=80
         $ kubectl expose deployment --port=80
         $ kubectl expose
         $ kubectl expose deploy echo --name=x --port=http
         $ kubectl expose deploy echo --name=x --port=80 --session-affinity=Sticky
         $ kubectl expose deploy echo --name=x --port=80 --selector=app
         $ kubectl expose deploy echo --name=x --port=80 --overrides='{\"spec\":{\"type\":\"NodePort\"}}' --dry-run=client -o yaml",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml -f simple-pod.yaml
            deployment.apps/echo created
            pod/simple-echo created
            $ kubectl expose deployment echo --port=80 --target-port=8080
            service/echo exposed
            $ kubectl expose deploy/echo --name=echo-np --type=NodePort --port=80
            service/echo-np exposed
            $ kubectl expose deployment echo --name=echo-all --dry-run=client -o yaml
            apiVersion: v1
            kind: Service
            metadata:
              creationTimestamp: null
              labels:
                app: echo
              name: echo-all
            spec:
              ports:
              - name: port-1
                port: 80
                protocol: TCP
                targetPort: 80
              - name: port-2
                port: 8080
                protocol: TCP
                targetPort: 8080
              selector:
                app: echo
            status:
              loadBalancer: {}
            $ kubectl expose svc echo --name=echo-https --port=443 --target-port=8443 --dry-run=client -o json
            {
                "kind": "Service",
                "apiVersion": "v1",
                "metadata": {
                    "name": "echo-https",
                    "creationTimestamp": null,
                    "labels": {
                        "app": "echo"
                    }
                },
                "spec": {
                    "ports": [
                        {
                            "protocol": "TCP",
                            "port": 443,
                            "targetPort": 8443
                        }
                    ],
                    "selector": {
                        "app": "echo"
                    }
                },
                "status": {
                    "loadBalancer": {}
                }
            }
            $ kubectl get svc
            NAME         TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)        AGE
            echo         ClusterIP   10.107.29.150   <none>        80/TCP         5s
            echo-np      NodePort    10.98.82.137    <none>        80:32685/TCP   5s
            kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP        35s
            $ kubectl get endpoints echo
            NAME   ENDPOINTS                                         AGE
            echo   10.244.1.2:8080,10.244.2.2:8080,10.244.2.3:8080   5s
            $ kubectl expose deployment echo --port=80
            stderr: Error from server (AlreadyExists): services "echo" already exists
            exit: 1
            $ kubectl expose pod simple-echo --port=80
            stderr: error: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed
            exit: 1
            $ kubectl expose ns default --port=80
            stderr: error: cannot expose a Namespace
            exit: 1
            $ kubectl expose deployment nope --port=80
            stderr: Error from server (NotFound): deployments.apps "nope" not found
            exit: 1
            $ kubectl expose deployment --port=80
            stderr: error: resource(s) were provided, but no name was specified
            exit: 1
            $ kubectl expose
            stderr: error: You must provide one or more resources by argument or filename.
            stderr: Example resource specifications include:
            stderr:    '-f rsrc.yaml'
            stderr:    '--filename=rsrc.json'
            stderr:    '<resource> <name>'
            stderr:    '<resource>'
            exit: 1
            $ kubectl expose deploy echo --name=x --port=http
            stderr: error: strconv.Atoi: parsing "http": invalid syntax
            exit: 1
            $ kubectl expose deploy echo --name=x --port=80 --session-affinity=Sticky
            stderr: error: unknown session affinity: Sticky
            exit: 1
            $ kubectl expose deploy echo --name=x --port=80 --selector=app
            stderr: error: unexpected label spec: app
            exit: 1
            $ kubectl expose deploy echo --name=x --port=80 --overrides='{"spec":{"type":"NodePort"}}' --dry-run=client -o yaml
            apiVersion: v1
            kind: Service
            metadata:
              creationTimestamp: null
              labels:
                app: echo
              name: x
            spec:
              ports:
              - port: 80
                protocol: TCP
                targetPort: 80
              selector:
                app: echo
              type: NodePort
            status:
              loadBalancer: {}
        "#]],
    );
}

#[test]
fn create_generators_print_what_kubectl_generates() {
    check(
        "$ kubectl create deployment echo --image=nginx --dry-run=client -o yaml
         $ kubectl create deployment echo --image=nginx --image=busybox:1.36 --replicas=3 --port=8080 --dry-run=client -o yaml
         $ kubectl create deployment echo --image=nginx --dry-run=client -o json
         $ kubectl create deploy e --image=busybox -n dev --dry-run=client -o yaml -- sleep 3600
         $ kubectl create deploy e --image=nginx --dry-run=client --save-config -o yaml
         $ kubectl create service clusterip echo --tcp=80:8080 --dry-run=client -o yaml
         $ kubectl create service clusterip echo --tcp=80 --tcp=443:https --dry-run=client -o yaml
         $ kubectl create service clusterip echo --clusterip=None --dry-run=client -o yaml
         $ kubectl create svc nodeport echo --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml
         $ kubectl create svc nodeport echo --tcp=80:8080 --dry-run=client -o json
         $ kubectl create namespace dev --dry-run=client -o yaml
         $ kubectl create ns dev --dry-run=client -o json
         $ kubectl create configmap cfg --from-literal=a=1 --from-literal=b='hello world' --dry-run=client -o yaml
         $ kubectl create cm cfg --from-file=nginx.conf --from-file=conf=nginx.conf --dry-run=client -o yaml
         $ kubectl create cm cfg --from-file=dir --dry-run=client -o yaml
         $ kubectl create cm cfg --from-env-file=app.env --dry-run=client -o json
         $ kubectl create secret generic s --from-literal=user=admin --from-literal=pass=s3cr3t --dry-run=client -o yaml
         $ kubectl create secret generic s --from-file=nginx.conf --type=kubernetes.io/basic-auth --dry-run=client -o json
         $ kubectl create ns dev --dry-run=client --save-config -o yaml",
        &[
            ("nginx.conf", "server {\n  listen 80;\n}\n"),
            ("dir/x.txt", "hi\n"),
            ("dir/y.txt", "yo\n"),
            ("app.env", "A=1\n# c\nB=two words\n\nC\n"),
        ],
        expect![[r#"
            $ kubectl create deployment echo --image=nginx --dry-run=client -o yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              creationTimestamp: null
              labels:
                app: echo
              name: echo
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: echo
              strategy: {}
              template:
                metadata:
                  creationTimestamp: null
                  labels:
                    app: echo
                spec:
                  containers:
                  - image: nginx
                    name: nginx
                    resources: {}
            status: {}
            $ kubectl create deployment echo --image=nginx --image=busybox:1.36 --replicas=3 --port=8080 --dry-run=client -o yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              creationTimestamp: null
              labels:
                app: echo
              name: echo
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: echo
              strategy: {}
              template:
                metadata:
                  creationTimestamp: null
                  labels:
                    app: echo
                spec:
                  containers:
                  - image: nginx
                    name: nginx
                    ports:
                    - containerPort: 8080
                    resources: {}
                  - image: busybox:1.36
                    name: busybox
                    resources: {}
            status: {}
            $ kubectl create deployment echo --image=nginx --dry-run=client -o json
            {
                "kind": "Deployment",
                "apiVersion": "apps/v1",
                "metadata": {
                    "name": "echo",
                    "creationTimestamp": null,
                    "labels": {
                        "app": "echo"
                    }
                },
                "spec": {
                    "replicas": 1,
                    "selector": {
                        "matchLabels": {
                            "app": "echo"
                        }
                    },
                    "template": {
                        "metadata": {
                            "creationTimestamp": null,
                            "labels": {
                                "app": "echo"
                            }
                        },
                        "spec": {
                            "containers": [
                                {
                                    "name": "nginx",
                                    "image": "nginx",
                                    "resources": {}
                                }
                            ]
                        }
                    },
                    "strategy": {}
                },
                "status": {}
            }
            $ kubectl create deploy e --image=busybox -n dev --dry-run=client -o yaml -- sleep 3600
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              creationTimestamp: null
              labels:
                app: e
              name: e
              namespace: dev
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: e
              strategy: {}
              template:
                metadata:
                  creationTimestamp: null
                  labels:
                    app: e
                spec:
                  containers:
                  - command:
                    - sleep
                    - "3600"
                    image: busybox
                    name: busybox
                    resources: {}
            status: {}
            $ kubectl create deploy e --image=nginx --dry-run=client --save-config -o yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"e","creationTimestamp":null,"labels":{"app":"e"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"e"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"e"}},"spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}]}},"strategy":{}},"status":{}}
              creationTimestamp: null
              labels:
                app: e
              name: e
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: e
              strategy: {}
              template:
                metadata:
                  creationTimestamp: null
                  labels:
                    app: e
                spec:
                  containers:
                  - image: nginx
                    name: nginx
                    resources: {}
            status: {}
            $ kubectl create service clusterip echo --tcp=80:8080 --dry-run=client -o yaml
            apiVersion: v1
            kind: Service
            metadata:
              creationTimestamp: null
              labels:
                app: echo
              name: echo
            spec:
              ports:
              - name: 80-8080
                port: 80
                protocol: TCP
                targetPort: 8080
              selector:
                app: echo
              type: ClusterIP
            status:
              loadBalancer: {}
            $ kubectl create service clusterip echo --tcp=80 --tcp=443:https --dry-run=client -o yaml
            apiVersion: v1
            kind: Service
            metadata:
              creationTimestamp: null
              labels:
                app: echo
              name: echo
            spec:
              ports:
              - name: "80"
                port: 80
                protocol: TCP
                targetPort: 80
              - name: 443-https
                port: 443
                protocol: TCP
                targetPort: https
              selector:
                app: echo
              type: ClusterIP
            status:
              loadBalancer: {}
            $ kubectl create service clusterip echo --clusterip=None --dry-run=client -o yaml
            apiVersion: v1
            kind: Service
            metadata:
              creationTimestamp: null
              labels:
                app: echo
              name: echo
            spec:
              clusterIP: None
              selector:
                app: echo
              type: ClusterIP
            status:
              loadBalancer: {}
            $ kubectl create svc nodeport echo --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml
            apiVersion: v1
            kind: Service
            metadata:
              creationTimestamp: null
              labels:
                app: echo
              name: echo
            spec:
              ports:
              - name: 80-8080
                nodePort: 30080
                port: 80
                protocol: TCP
                targetPort: 8080
              selector:
                app: echo
              type: NodePort
            status:
              loadBalancer: {}
            $ kubectl create svc nodeport echo --tcp=80:8080 --dry-run=client -o json
            {
                "kind": "Service",
                "apiVersion": "v1",
                "metadata": {
                    "name": "echo",
                    "creationTimestamp": null,
                    "labels": {
                        "app": "echo"
                    }
                },
                "spec": {
                    "ports": [
                        {
                            "name": "80-8080",
                            "protocol": "TCP",
                            "port": 80,
                            "targetPort": 8080
                        }
                    ],
                    "selector": {
                        "app": "echo"
                    },
                    "type": "NodePort"
                },
                "status": {
                    "loadBalancer": {}
                }
            }
            $ kubectl create namespace dev --dry-run=client -o yaml
            apiVersion: v1
            kind: Namespace
            metadata:
              creationTimestamp: null
              name: dev
            spec: {}
            status: {}
            $ kubectl create ns dev --dry-run=client -o json
            {
                "kind": "Namespace",
                "apiVersion": "v1",
                "metadata": {
                    "name": "dev",
                    "creationTimestamp": null
                },
                "spec": {},
                "status": {}
            }
            $ kubectl create configmap cfg --from-literal=a=1 --from-literal=b='hello world' --dry-run=client -o yaml
            apiVersion: v1
            data:
              a: "1"
              b: hello world
            kind: ConfigMap
            metadata:
              creationTimestamp: null
              name: cfg
            $ kubectl create cm cfg --from-file=nginx.conf --from-file=conf=nginx.conf --dry-run=client -o yaml
            apiVersion: v1
            data:
              conf: |
                server {
                  listen 80;
                }
              nginx.conf: |
                server {
                  listen 80;
                }
            kind: ConfigMap
            metadata:
              creationTimestamp: null
              name: cfg
            $ kubectl create cm cfg --from-file=dir --dry-run=client -o yaml
            apiVersion: v1
            data:
              x.txt: |
                hi
              y.txt: |
                yo
            kind: ConfigMap
            metadata:
              creationTimestamp: null
              name: cfg
            $ kubectl create cm cfg --from-env-file=app.env --dry-run=client -o json
            {
                "kind": "ConfigMap",
                "apiVersion": "v1",
                "metadata": {
                    "name": "cfg",
                    "creationTimestamp": null
                },
                "data": {
                    "A": "1",
                    "B": "two words",
                    "C": ""
                }
            }
            $ kubectl create secret generic s --from-literal=user=admin --from-literal=pass=s3cr3t --dry-run=client -o yaml
            apiVersion: v1
            data:
              pass: czNjcjN0
              user: YWRtaW4=
            kind: Secret
            metadata:
              creationTimestamp: null
              name: s
            $ kubectl create secret generic s --from-file=nginx.conf --type=kubernetes.io/basic-auth --dry-run=client -o json
            {
                "kind": "Secret",
                "apiVersion": "v1",
                "metadata": {
                    "name": "s",
                    "creationTimestamp": null
                },
                "data": {
                    "nginx.conf": "c2VydmVyIHsKICBsaXN0ZW4gODA7Cn0K"
                },
                "type": "kubernetes.io/basic-auth"
            }
            $ kubectl create ns dev --dry-run=client --save-config -o yaml
            apiVersion: v1
            kind: Namespace
            metadata:
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"dev","creationTimestamp":null},"spec":{},"status":{}}
              creationTimestamp: null
              name: dev
            spec: {}
            status: {}
        "#]],
    );
}

#[test]
fn create_generators_create_and_report_errors() {
    check(
        "$ kubectl create deployment web --image=nginx:1.27 --replicas=2 --port=80
         $ kubectl create service nodeport web --tcp=80:80 --node-port=30080
         $ kubectl create namespace dev
         $ kubectl create configmap cfg -n dev --from-literal=mode=prod
         $ kubectl create secret generic creds --from-literal=user=admin -o name
         # advance 30s
         $ kubectl get deploy,svc
         $ kubectl get cm,secret -n dev
         $ kubectl get secret creds -o jsonpath={.data.user}
         $ kubectl create deployment web --image=nginx
         $ kubectl create service clusterip web --tcp=80
         $ kubectl create ns dev
         $ kubectl create cm cfg -n dev
         $ kubectl create secret generic creds
         $ kubectl create deployment Web --image=nginx
         $ kubectl create deployment x
         $ kubectl create deployment --image=nginx
         $ kubectl create deploy a b --image=nginx
         $ kubectl create deploy a --image=a --image=b -- sleep 1
         $ kubectl create deploy a --image=a --replicas=x
         $ kubectl create deploy a --image=a -o wide
         $ kubectl create svc clusterip e
         $ kubectl create svc clusterip e --tcp=70000
         $ kubectl create svc clusterip e --tcp=80:Bad_Name
         $ kubectl create svc nodeport e --tcp=80 --clusterip=None
         $ kubectl create svc
         $ kubectl create svc foo e
         $ kubectl create cm c --from-literal=a
         $ kubectl create cm c --from-literal=a/b=1
         $ kubectl create cm c --from-literal=a=1 --from-literal=a=2
         $ kubectl create cm c --from-file=missing.txt
         $ kubectl create cm c --from-file=k=dir
         $ kubectl create cm c --from-env-file=app.env --from-literal=a=b
         $ kubectl create secret generic s --from-literal=a/b=1
         $ kubectl create secret generic s --from-literal=a=1 --from-literal=a=2
         $ kubectl create secret
         $ kubectl create ns
         $ kubectl create foo
         $ kubectl create job x --image=busybox
         $ kubectl create
         $ kubectl create --dry-run=client
         $ kubectl create -f simple-pod.yaml extra
         $ kubectl create -f simple-pod.yaml",
        &[("dir/x.txt", "hi\n"), ("app.env", "A=1\n")],
        expect![[r#"
            $ kubectl create deployment web --image=nginx:1.27 --replicas=2 --port=80
            deployment.apps/web created
            $ kubectl create service nodeport web --tcp=80:80 --node-port=30080
            service/web created
            $ kubectl create namespace dev
            namespace/dev created
            $ kubectl create configmap cfg -n dev --from-literal=mode=prod
            configmap/cfg created
            $ kubectl create secret generic creds --from-literal=user=admin -o name
            secret/creds
            $ kubectl get deploy,svc
            NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
            deployment.apps/web   2/2     2            2           30s

            NAME                 TYPE        CLUSTER-IP       EXTERNAL-IP   PORT(S)        AGE
            service/kubernetes   ClusterIP   10.96.0.1        <none>        443/TCP        30s
            service/web          NodePort    10.110.240.101   <none>        80:30080/TCP   30s
            $ kubectl get cm,secret -n dev
            NAME                         DATA   AGE
            configmap/cfg                1      30s
            configmap/kube-root-ca.crt   1      30s
            $ kubectl get secret creds -o jsonpath={.data.user}
            YWRtaW4=$ kubectl create deployment web --image=nginx
            stderr: error: failed to create deployment: deployments.apps "web" already exists
            exit: 1
            $ kubectl create service clusterip web --tcp=80
            stderr: error: failed to create ClusterIP service: services "web" already exists
            exit: 1
            $ kubectl create ns dev
            stderr: Error from server (AlreadyExists): namespaces "dev" already exists
            exit: 1
            $ kubectl create cm cfg -n dev
            stderr: error: failed to create configmap: configmaps "cfg" already exists
            exit: 1
            $ kubectl create secret generic creds
            stderr: error: failed to create secret secrets "creds" already exists
            exit: 1
            $ kubectl create deployment Web --image=nginx
            stderr: error: failed to create deployment: Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
            exit: 1
            $ kubectl create deployment x
            stderr: E0101 00:00:30.000000    4242 run.go:72] "command failed" err="required flag(s) \"image\" not set"
            exit: 1
            $ kubectl create deployment --image=nginx
            stderr: error: exactly one NAME is required, got 0
            stderr: See 'kubectl create deployment -h' for help and examples
            exit: 1
            $ kubectl create deploy a b --image=nginx
            stderr: error: exactly one NAME is required, got 2
            stderr: See 'kubectl create deployment -h' for help and examples
            exit: 1
            $ kubectl create deploy a --image=a --image=b -- sleep 1
            stderr: error: cannot specify multiple --image options and command
            exit: 1
            $ kubectl create deploy a --image=a --replicas=x
            stderr: error: invalid argument "x" for "-r, --replicas" flag: strconv.ParseInt: parsing "x": invalid syntax
            stderr: See 'kubectl create deployment --help' for usage.
            exit: 1
            $ kubectl create deploy a --image=a -o wide
            stderr: error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml
            exit: 1
            $ kubectl create svc clusterip e
            stderr: error: at least one tcp port specifier must be provided
            exit: 1
            $ kubectl create svc clusterip e --tcp=70000
            stderr: error: strconv.ParseUint: parsing "70000": value out of range
            exit: 1
            $ kubectl create svc clusterip e --tcp=80:Bad_Name
            stderr: error: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)
            exit: 1
            $ kubectl create svc nodeport e --tcp=80 --clusterip=None
            stderr: error: unknown flag: --clusterip
            stderr: See 'kubectl create service nodeport --help' for usage.
            exit: 1
            $ kubectl create svc
            stderr: Create a service using a specified subcommand.
            stderr: 
            stderr: Aliases:
            stderr: service, svc
            stderr: 
            stderr: Available Commands:
            stderr:   clusterip      Create a ClusterIP service
            stderr:   externalname   Create an ExternalName service
            stderr:   loadbalancer   Create a LoadBalancer service
            stderr:   nodeport       Create a NodePort service
            stderr: 
            stderr: Usage:
            stderr:   kubectl create service [flags] [options]
            stderr: 
            stderr: Use "kubectl create service <command> --help" for more information about a given command.
            stderr: Use "kubectl options" for a list of global command-line options (applies to all commands).
            exit: 1
            $ kubectl create svc foo e
            stderr: error: unknown command "foo e"
            stderr: See 'kubectl create service -h' for help and examples
            exit: 1
            $ kubectl create cm c --from-literal=a
            stderr: error: invalid literal source a, expected key=value
            exit: 1
            $ kubectl create cm c --from-literal=a/b=1
            stderr: error: "a/b" is not a valid key name for a ConfigMap: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')
            exit: 1
            $ kubectl create cm c --from-literal=a=1 --from-literal=a=2
            stderr: error: cannot add key "a", another key by that name already exists in Data for ConfigMap "c"
            exit: 1
            $ kubectl create cm c --from-file=missing.txt
            stderr: error: error reading missing.txt: no such file or directory
            exit: 1
            $ kubectl create cm c --from-file=k=dir
            stderr: error: cannot give a key name for a directory path
            exit: 1
            $ kubectl create cm c --from-env-file=app.env --from-literal=a=b
            stderr: error: from-env-file cannot be combined with from-file or from-literal
            exit: 1
            $ kubectl create secret generic s --from-literal=a/b=1
            stderr: error: "a/b" is not valid key name for a Secret a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')
            exit: 1
            $ kubectl create secret generic s --from-literal=a=1 --from-literal=a=2
            stderr: error: cannot add key a, another key by that name already exists
            exit: 1
            $ kubectl create secret
            stderr: Create a secret with specified type.
            stderr: 
            stderr:  A docker-registry type secret is for accessing a container registry.
            stderr: 
            stderr:  A generic type secret indicate an Opaque secret type.
            stderr: 
            stderr:  A tls type secret holds TLS certificate and its associated key.
            stderr: 
            stderr: Available Commands:
            stderr:   docker-registry   Create a secret for use with a Docker registry
            stderr:   generic           Create a secret from a local file, directory, or literal value
            stderr:   tls               Create a TLS secret
            stderr: 
            stderr: Usage:
            stderr:   kubectl create secret (docker-registry | generic | tls) [options]
            stderr: 
            stderr: Use "kubectl create secret <command> --help" for more information about a given command.
            stderr: Use "kubectl options" for a list of global command-line options (applies to all commands).
            exit: 1
            $ kubectl create ns
            stderr: error: exactly one NAME is required, got 0
            stderr: See 'kubectl create namespace -h' for help and examples
            exit: 1
            $ kubectl create foo
            stderr: error: Unexpected args: [foo]
            stderr: See 'kubectl create -h' for help and examples
            exit: 1
            $ kubectl create job x --image=busybox
            stderr: error: "kubectl create job" is not simulated by Sunaba yet; write a manifest and use "kubectl create -f"
            exit: 1
            $ kubectl create
            stderr: error: must specify one of -f and -k
            exit: 1
            $ kubectl create --dry-run=client
            stderr: error: must specify one of -f and -k
            exit: 1
            $ kubectl create -f simple-pod.yaml extra
            stderr: error: Unexpected args: [extra]
            stderr: See 'kubectl create -h' for help and examples
            exit: 1
            $ kubectl create -f simple-pod.yaml
            pod/simple-echo created
        "#]],
    );
}

#[test]
fn changes_read_files_work_locally_and_print_several_objects() {
    check(
        "$ kubectl apply -f simple-replicaset-with-label.yaml
         $ kubectl create namespace dev
         $ kubectl create deployment web -n dev --image=nginx
         $ kubectl label -f simple-replicaset-with-label.yaml team=blue
         $ kubectl annotate rs --all note=x -o yaml
         $ kubectl label deploy -A -l app=web tier=front
         $ kubectl label deploy web -A tier=front
         $ kubectl get deploy -A --show-labels
         $ kubectl scale -f simple-replicaset-with-label.yaml --replicas=1 -o name
         $ kubectl label -f simple-pod.yaml --local owner=me -o yaml
         $ kubectl set image -f simple-pod.yaml --local nginx=nginx:1.27 -o json
         $ kubectl label pod x --local a=b
         $ kubectl set image pod/x --local a=b
         $ kubectl get rs -L team",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl create namespace dev
            namespace/dev created
            $ kubectl create deployment web -n dev --image=nginx
            deployment.apps/web created
            $ kubectl label -f simple-replicaset-with-label.yaml team=blue
            replicaset.apps/echo-spring labeled
            replicaset.apps/echo-summer labeled
            $ kubectl annotate rs --all note=x -o yaml
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"annotations":{},"labels":{"app":"echo","release":"spring"},"name":"echo-spring","namespace":"default"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"echo","release":"spring"}},"template":{"metadata":{"labels":{"app":"echo","release":"spring"}},"spec":{"containers":[{"env":[{"name":"BACKEND_HOST","value":"localhost:8080"}],"image":"gihyodocker/nginx:latest","name":"nginx","ports":[{"containerPort":80}]},{"image":"gihyodocker/echo:latest","name":"echo","ports":[{"containerPort":8080}]}]}}}}
                note: x
              creationTimestamp: "2026-01-01T00:00:00Z"
              generation: 1
              labels:
                app: echo
                release: spring
                team: blue
              name: echo-spring
              namespace: default
              resourceVersion: "58"
              uid: 417ef961-81da-4383-bc3c-41a3b43343a1
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: echo
                  release: spring
              template:
                metadata:
                  labels:
                    app: echo
                    release: spring
                spec:
                  containers:
                  - env:
                    - name: BACKEND_HOST
                      value: localhost:8080
                    image: gihyodocker/nginx:latest
                    imagePullPolicy: Always
                    name: nginx
                    ports:
                    - containerPort: 80
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  - image: gihyodocker/echo:latest
                    imagePullPolicy: Always
                    name: echo
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  enableServiceLinks: true
                  preemptionPolicy: PreemptLowerPriority
                  priority: 0
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            status:
              fullyLabeledReplicas: 1
              observedGeneration: 1
              replicas: 1
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"annotations":{},"labels":{"app":"echo","release":"summer"},"name":"echo-summer","namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"echo","release":"summer"}},"template":{"metadata":{"labels":{"app":"echo","release":"summer"}},"spec":{"containers":[{"env":[{"name":"BACKEND_HOST","value":"localhost:8080"}],"image":"gihyodocker/nginx:latest","name":"nginx","ports":[{"containerPort":80}]},{"image":"gihyodocker/echo:latest","name":"echo","ports":[{"containerPort":8080}]}]}}}}
                note: x
              creationTimestamp: "2026-01-01T00:00:00Z"
              generation: 1
              labels:
                app: echo
                release: summer
                team: blue
              name: echo-summer
              namespace: default
              resourceVersion: "59"
              uid: c952c562-0043-4714-9b19-6bca844f1705
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: echo
                  release: summer
              template:
                metadata:
                  labels:
                    app: echo
                    release: summer
                spec:
                  containers:
                  - env:
                    - name: BACKEND_HOST
                      value: localhost:8080
                    image: gihyodocker/nginx:latest
                    imagePullPolicy: Always
                    name: nginx
                    ports:
                    - containerPort: 80
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  - image: gihyodocker/echo:latest
                    imagePullPolicy: Always
                    name: echo
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  enableServiceLinks: true
                  preemptionPolicy: PreemptLowerPriority
                  priority: 0
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
            status:
              fullyLabeledReplicas: 2
              observedGeneration: 1
              replicas: 2
            $ kubectl label deploy -A -l app=web tier=front
            deployment.apps/web labeled
            $ kubectl label deploy web -A tier=front
            stderr: error: a resource cannot be retrieved by name across all namespaces
            exit: 1
            $ kubectl get deploy -A --show-labels
            NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE   LABELS
            dev         web    0/1     1            0           0s    app=web,tier=front
            $ kubectl scale -f simple-replicaset-with-label.yaml --replicas=1 -o name
            replicaset.apps/echo-spring
            replicaset.apps/echo-summer
            $ kubectl label -f simple-pod.yaml --local owner=me -o yaml
            apiVersion: v1
            kind: Pod
            metadata:
              labels:
                owner: me
              name: simple-echo
            spec:
              containers:
              - env:
                - name: BACKEND_HOST
                  value: localhost:8080
                image: gihyodocker/nginx:latest
                name: nginx
                ports:
                - containerPort: 80
              - image: gihyodocker/echo:latest
                name: echo
                ports:
                - containerPort: 8080
            $ kubectl set image -f simple-pod.yaml --local nginx=nginx:1.27 -o json
            {
                "kind": "Pod",
                "apiVersion": "v1",
                "metadata": {
                    "name": "simple-echo",
                    "creationTimestamp": null
                },
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:1.27",
                            "ports": [
                                {
                                    "containerPort": 80
                                }
                            ],
                            "env": [
                                {
                                    "name": "BACKEND_HOST",
                                    "value": "localhost:8080"
                                }
                            ],
                            "resources": {}
                        },
                        {
                            "name": "echo",
                            "image": "gihyodocker/echo:latest",
                            "ports": [
                                {
                                    "containerPort": 8080
                                }
                            ],
                            "resources": {}
                        }
                    ]
                },
                "status": {}
            }
            $ kubectl label pod x --local a=b
            stderr: error: can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set
            exit: 1
            $ kubectl set image pod/x --local a=b
            stderr: error: you must specify resources by --filename when --local is set.
            stderr: Example resource specifications include:
            stderr:    '-f rsrc.yaml'
            stderr:    '--filename=rsrc.json'
            exit: 1
            $ kubectl get rs -L team
            NAME          DESIRED   CURRENT   READY   AGE   TEAM
            echo-spring   1         1         0       0s    blue
            echo-summer   1         1         0       0s    blue
        "#]],
    );
}

#[test]
fn wait_runs_the_clock_until_conditions_hold_or_time_out() {
    check(
        "$ kubectl apply -f simple-deployment.yaml
         $ kubectl wait --for=condition=Available deployment/echo --timeout=60s
         $ kubectl wait --for=condition=Ready pod -l app=echo
         $ kubectl wait --for=jsonpath={.status.readyReplicas}=3 deploy echo
         $ kubectl apply -f broken.yaml
         $ kubectl wait --for=condition=Ready pod/typo --timeout=5s
         $ kubectl delete deployment echo --wait=false
         $ kubectl wait --for=delete pod -l app=echo --timeout=2m
         $ kubectl wait pod/typo
         $ kubectl wait --for=condition=Ready pod/nope
         $ kubectl wait --for=delete
         $ kubectl wait --for=delete pod/typo --timeout=abc",
        &[(
            "broken.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: c\n    image: nginxx:1.25\n",
        )],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml
            deployment.apps/echo created
            $ kubectl wait --for=condition=Available deployment/echo --timeout=60s
            deployment.apps/echo condition met
            $ kubectl wait --for=condition=Ready pod -l app=echo
            pod/echo-559c4867bd-86m88 condition met
            pod/echo-559c4867bd-bc47j condition met
            pod/echo-559c4867bd-h4828 condition met
            $ kubectl wait --for=jsonpath={.status.readyReplicas}=3 deploy echo
            deployment.apps/echo condition met
            $ kubectl apply -f broken.yaml
            pod/typo created
            $ kubectl wait --for=condition=Ready pod/typo --timeout=5s
            stderr: error: timed out waiting for the condition on pods/typo
            exit: 1
            $ kubectl delete deployment echo --wait=false
            deployment.apps "echo" deleted
            $ kubectl wait --for=delete pod -l app=echo --timeout=2m
            pod/echo-559c4867bd-86m88 condition met
            pod/echo-559c4867bd-bc47j condition met
            pod/echo-559c4867bd-h4828 condition met
            $ kubectl wait pod/typo
            stderr: error: unrecognized condition: ""
            exit: 1
            $ kubectl wait --for=condition=Ready pod/nope
            stderr: Error from server (NotFound): pods "nope" not found
            exit: 1
            $ kubectl wait --for=delete
            stderr: error: You must provide one or more resources by argument or filename.
            stderr: Example resource specifications include:
            stderr:    '-f rsrc.yaml'
            stderr:    '--filename=rsrc.json'
            stderr:    '<resource> <name>'
            stderr:    '<resource>'
            exit: 1
            $ kubectl wait --for=delete pod/typo --timeout=abc
            stderr: error: invalid argument "abc" for "--timeout" flag: time: invalid duration "abc"
            stderr: See 'kubectl wait --help' for usage.
            exit: 1
        "#]],
    );
}

#[test]
fn api_resources_versions_and_cluster_info() {
    check(
        "$ kubectl api-resources
         $ kubectl api-resources --api-group=apps -o wide
         $ kubectl api-resources --namespaced=false -o name
         $ kubectl api-resources -o yaml
         $ kubectl api-versions
         $ kubectl cluster-info",
        &[],
        expect![[r#"
            $ kubectl api-resources
            NAME                     SHORTNAMES   APIVERSION                     NAMESPACED   KIND
            configmaps               cm           v1                             true         ConfigMap
            endpoints                ep           v1                             true         Endpoints
            events                   ev           v1                             true         Event
            namespaces               ns           v1                             false        Namespace
            nodes                    no           v1                             false        Node
            persistentvolumeclaims   pvc          v1                             true         PersistentVolumeClaim
            pods                     po           v1                             true         Pod
            secrets                               v1                             true         Secret
            serviceaccounts          sa           v1                             true         ServiceAccount
            services                 svc          v1                             true         Service
            deployments              deploy       apps/v1                        true         Deployment
            replicasets              rs           apps/v1                        true         ReplicaSet
            endpointslices                        discovery.k8s.io/v1            true         EndpointSlice
            ingresses                ing          networking.k8s.io/v1           true         Ingress
            networkpolicies          netpol       networking.k8s.io/v1           true         NetworkPolicy
            clusterrolebindings                   rbac.authorization.k8s.io/v1   false        ClusterRoleBinding
            clusterroles                          rbac.authorization.k8s.io/v1   false        ClusterRole
            rolebindings                          rbac.authorization.k8s.io/v1   true         RoleBinding
            roles                                 rbac.authorization.k8s.io/v1   true         Role
            $ kubectl api-resources --api-group=apps -o wide
            NAME          SHORTNAMES   APIVERSION   NAMESPACED   KIND         VERBS                                                        CATEGORIES
            deployments   deploy       apps/v1      true         Deployment   create,delete,deletecollection,get,list,patch,update,watch   all
            replicasets   rs           apps/v1      true         ReplicaSet   create,delete,deletecollection,get,list,patch,update,watch   all
            $ kubectl api-resources --namespaced=false -o name
            namespaces
            nodes
            clusterrolebindings.rbac.authorization.k8s.io
            clusterroles.rbac.authorization.k8s.io
            $ kubectl api-resources -o yaml
            stderr: error: --output yaml is not available
            exit: 1
            $ kubectl api-versions
            apps/v1
            discovery.k8s.io/v1
            networking.k8s.io/v1
            rbac.authorization.k8s.io/v1
            v1
            $ kubectl cluster-info
            Kubernetes control plane is running at https://127.0.0.1:6443

            To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.
        "#]],
    );
}

#[test]
fn events_lists_oldest_first_with_repeats_and_filters() {
    check(
        "$ kubectl events
         $ kubectl apply -f broken.yaml
         # advance 60s
         $ kubectl events --for=pod/crash
         $ kubectl events --types=Warning -A
         $ kubectl events --types=Info
         $ kubectl events --for=crash",
        &[(
            "broken.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo boom; exit 1\"]\n",
        )],
        expect![[r#"
            $ kubectl events
            stderr: No events found in default namespace.
            $ kubectl apply -f broken.yaml
            pod/crash created
            $ kubectl events --for=pod/crash
            LAST SEEN           TYPE      REASON      OBJECT      MESSAGE
            60s                 Normal    Scheduled   Pod/crash   Successfully assigned default/crash to sunaba-worker
            59s                 Normal    Pulled      Pod/crash   Successfully pulled image "busybox" in 353ms (353ms including waiting). Image size: 2155404 bytes.
            28s (x4 over 59s)   Normal    Pulling     Pod/crash   Pulling image "busybox"
            27s (x4 over 59s)   Normal    Created     Pod/crash   Created container: c
            27s (x4 over 59s)   Normal    Started     Pod/crash   Started container c
            27s (x3 over 58s)   Normal    Pulled      Pod/crash   Successfully pulled image "busybox" in 480ms (480ms including waiting). Image size: 2155404 bytes.
            27s (x3 over 58s)   Warning   BackOff     Pod/crash   Back-off restarting failed container c in pod crash_default(134f7096-9181-45ce-87dc-930b302278a8)
            $ kubectl events --types=Warning -A
            NAMESPACE   LAST SEEN           TYPE      REASON    OBJECT      MESSAGE
            default     27s (x3 over 58s)   Warning   BackOff   Pod/crash   Back-off restarting failed container c in pod crash_default(134f7096-9181-45ce-87dc-930b302278a8)
            $ kubectl events --types=Info
            stderr: error: valid --types are Normal or Warning
            exit: 1
            $ kubectl events --for=crash
            stderr: error: --for must be in resource/name form
            exit: 1
        "#]],
    );
}

const NEEDS_SETTINGS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: env
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
---
apiVersion: v1
kind: Pod
metadata:
  name: vol
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
";

#[test]
fn pods_wait_for_their_config_map_then_see_it() {
    check(
        "$ kubectl apply -f pods.yaml
         # advance 30s
         $ kubectl get pods
         $ kubectl create configmap settings --from-literal=color=blue
         # advance 15s
         $ kubectl get pods
         $ kubectl exec env -- sh -c 'echo $COLOR'
         $ kubectl exec vol -- cat /etc/app/color",
        &[("pods.yaml", NEEDS_SETTINGS)],
        expect![[r#"
            $ kubectl apply -f pods.yaml
            pod/env created
            pod/vol created
            $ kubectl get pods
            NAME   READY   STATUS                       RESTARTS   AGE
            env    0/1     CreateContainerConfigError   0          30s
            vol    0/1     ContainerCreating            0          30s
            $ kubectl create configmap settings --from-literal=color=blue
            configmap/settings created
            $ kubectl get pods
            NAME   READY   STATUS    RESTARTS   AGE
            env    1/1     Running   0          45s
            vol    1/1     Running   0          45s
            $ kubectl exec env -- sh -c 'echo $COLOR'
            blue
            $ kubectl exec vol -- cat /etc/app/color
            blue"#]],
    );
}

/// The playground's kubeconfig as `config view` prints it (the served
/// one's shape, with the control plane `cluster-info` names), what cannot
/// change it, and `proxy` pointing at the cluster view.
#[test]
fn config_view_and_proxy() {
    check(
        "$ kubectl config view
         $ kubectl config view --minify -o json
         $ kubectl config view --raw
         $ kubectl config set-context --current --namespace=dev
         $ kubectl config
         $ kubectl proxy",
        &[],
        expect![[r#"
            $ kubectl config view
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: DATA+OMITTED
                server: https://127.0.0.1:6443
              name: sunaba
            contexts:
            - context:
                cluster: sunaba
                namespace: default
                user: sunaba
              name: sunaba
            current-context: sunaba
            kind: Config
            preferences: {}
            users:
            - name: sunaba
              user:
                token: REDACTED
            $ kubectl config view --minify -o json
            {
                "kind": "Config",
                "apiVersion": "v1",
                "preferences": {},
                "clusters": [
                    {
                        "name": "sunaba",
                        "cluster": {
                            "server": "https://127.0.0.1:6443",
                            "certificate-authority-data": "DATA+OMITTED"
                        }
                    }
                ],
                "users": [
                    {
                        "name": "sunaba",
                        "user": {
                            "token": "REDACTED"
                        }
                    }
                ],
                "contexts": [
                    {
                        "name": "sunaba",
                        "context": {
                            "cluster": "sunaba",
                            "user": "sunaba",
                            "namespace": "default"
                        }
                    }
                ],
                "current-context": "sunaba"
            }
            $ kubectl config view --raw
            stderr: error: --raw has nothing to show here: the playground's cluster runs in this tab, with no certificate or token
            exit: 1
            $ kubectl config set-context --current --namespace=dev
            stderr: error: the playground's kubeconfig cannot be changed (`config set-context`): it has one context, "sunaba"; pick a namespace with -n NAMESPACE on each command
            exit: 1
            $ kubectl config
            Modify kubeconfig files using subcommands like "kubectl config set current-context my-context".

             The loading order follows these rules:

              1.  If the --kubeconfig flag is set, then only that file is loaded. The flag may only be set once and no merging takes place.
              2.  If $KUBECONFIG environment variable is set, then it is used as a list of paths (normal path delimiting rules for your system). These paths are merged. When a value is modified, it is modified in the file that defines the stanza. When a value is created, it is created in the first file that exists. If no files in the chain exist, then it creates the last file in the list.
              3.  Otherwise, ${HOME}/.kube/config is used and no merging takes place.

            Available Commands:
              current-context   Display the current-context
              delete-cluster    Delete the specified cluster from the kubeconfig
              delete-context    Delete the specified context from the kubeconfig
              delete-user       Delete the specified user from the kubeconfig
              get-clusters      Display clusters defined in the kubeconfig
              get-contexts      Describe one or many contexts
              get-users         Display users defined in the kubeconfig
              rename-context    Rename a context from the kubeconfig file
              set               Set an individual value in a kubeconfig file
              set-cluster       Set a cluster entry in kubeconfig
              set-context       Set a context entry in kubeconfig
              set-credentials   Set a user entry in kubeconfig
              unset             Unset an individual value in a kubeconfig file
              use-context       Set the current-context in a kubeconfig file
              view              Display merged kubeconfig settings or a specified kubeconfig file

            Usage:
              kubectl config SUBCOMMAND [options]

            Use "kubectl config <command> --help" for more information about a given command.
            Use "kubectl options" for a list of global command-line options (applies to all commands).
            $ kubectl proxy
            stderr: error: kubectl proxy serves the Kubernetes API on a port of this machine (127.0.0.1:8001) for browsers and dashboards; this playground's cluster runs inside the page and opens no port. Its dashboard is the cluster view beside this terminal: nodes, pods, Deployments and Services, live. With `sunaba serve`, the API itself is on the port it printed.
            exit: 1
        "#]],
    );
}

/// `--all-containers`: every container's log, in the pod spec's order (one
/// of the orders kubectl prints them in, as it walks a Go map), with
/// `--prefix`, and through `deploy/NAME`.
#[test]
fn logs_of_every_container() {
    check(
        "$ kubectl apply -f simple-deployment.yaml
         # advance 30s
         $ kubectl logs deploy/echo --all-containers
         $ kubectl logs deploy/echo --all-containers --prefix --tail=1",
        &[],
        expect![[r#"
            $ kubectl apply -f simple-deployment.yaml
            deployment.apps/echo created
            $ kubectl logs deploy/echo --all-containers
            /docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
            /docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/
            /docker-entrypoint.sh: Configuration complete; ready for start up
            2026/01/01 00:00:02 start server
            stderr: Found 3 pods, using pod/echo-559c4867bd-86m88
            $ kubectl logs deploy/echo --all-containers --prefix --tail=1
            [pod/echo-559c4867bd-86m88/nginx] /docker-entrypoint.sh: Configuration complete; ready for start up
            [pod/echo-559c4867bd-86m88/echo] 2026/01/01 00:00:02 start server
            stderr: Found 3 pods, using pod/echo-559c4867bd-86m88
        "#]],
    );
}

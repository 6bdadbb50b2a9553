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
            stderr: error: unable to parse requirement: found '', expected: ')'
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

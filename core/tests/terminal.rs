//! The terminal, end to end: the seed's chapter typed line by line, with
//! the prompts a learner sees, through `kubectl exec -it` and `kubectl run
//! -it --rm` into container shells. `# advance N` moves the clock a second
//! at a time, printing what a running command (`logs -f`, `get -w`) prints;
//! `> ^C` stops it; `>> ` types in a second terminal on the same cluster.

use std::collections::BTreeMap;

use expect_test::{expect, Expect};
use sunaba_core::kubectl::Files;
use sunaba_core::terminal::Terminal;
use sunaba_core::{seed, Cluster, ClusterConfig};

struct SeedFiles(BTreeMap<String, String>);

impl Files for SeedFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path.trim_start_matches("./")).cloned()
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        (dir == "." || dir == "./").then(|| self.0.keys().cloned().collect())
    }
}

fn check(script: &str, expected: Expect) {
    let mut cluster = Cluster::new(ClusterConfig::default());
    let files = SeedFiles(
        seed::SEED_MANIFESTS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    );
    let mut terminal = Terminal::new();
    let mut second = Terminal::new();
    let mut screen = String::new();
    for line in script.lines().map(str::trim_start) {
        if let Some(seconds) = line.strip_prefix("# advance ") {
            // Time passes a second at a time; a running command prints as it goes.
            let seconds: i64 = seconds.trim_end_matches('s').parse().expect("seconds");
            for _ in 0..seconds {
                cluster.advance(1000);
                let out = terminal.poll(&cluster);
                screen.push_str(&out.stdout);
            }
            continue;
        }
        if let Some(line) = line.strip_prefix(">> ") {
            // Another terminal on the same cluster: its output is not on this screen.
            let out = second.run_line(&mut cluster, &files, line);
            assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
            continue;
        }
        if line == "> ^C" {
            screen.push_str(&terminal.interrupt().stdout);
            continue;
        }
        let line = line.strip_prefix("> ").unwrap_or(line);
        screen.push_str(&format!("{}{line}\n", terminal.prompt()));
        let out = terminal.run_line(&mut cluster, &files, line);
        screen.push_str(&out.stdout);
        for err in out.stderr.lines() {
            screen.push_str(&format!("[stderr] {err}\n"));
        }
    }
    expected.assert_eq(&screen);
}

#[test]
fn exec_into_nginx_and_look_around() {
    check(
        "> kubectl apply -f simple-pod.yaml
         # advance 30s
         > kubectl exec -it simple-echo sh -c nginx
         > kubectl exec -it simple-echo -c nginx -- sh
         > hostname
         > cat /etc/resolv.conf
         > ls /etc/nginx/conf.d
         > wget -qO- http://localhost:8080/
         > echo $BACKEND_HOST && nosuchtool
         > cd /etc/nginx; pwd; cd /nope
         > exit 0
         > kubectl exec simple-echo -c echo -- ls /nope",
        expect![[r#"
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl exec -it simple-echo sh -c nginx
            [stderr] error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead
            [stderr] See 'kubectl exec -h' for help and examples
            $ kubectl exec -it simple-echo -c nginx -- sh
            / # hostname
            simple-echo
            / # cat /etc/resolv.conf
            search default.svc.cluster.local svc.cluster.local cluster.local
            nameserver 10.96.0.10
            options ndots:5
            / # ls /etc/nginx/conf.d
            default.conf
            / # wget -qO- http://localhost:8080/
            Hello Docker!!/ # echo $BACKEND_HOST && nosuchtool
            localhost:8080
            [stderr] sh: nosuchtool: not found
            / # cd /etc/nginx; pwd; cd /nope
            /etc/nginx
            [stderr] sh: cd: can't cd to /nope: No such file or directory
            /etc/nginx # exit 0
            $ kubectl exec simple-echo -c echo -- ls /nope
            [stderr] ls: /nope: No such file or directory
            [stderr] command terminated with exit code 1
        "#]],
    );
}

#[test]
fn a_debug_pod_curls_the_service_and_only_summer_answers() {
    check(
        "> kubectl apply -f simple-replicaset-with-label.yaml
         > kubectl apply -f simple-service.yaml
         # advance 30s
         > kubectl run -i --rm --tty debug --image=gihyodocker/fundamental:0.1.0 --restart=Never -- bash -il
         > curl http://echo/
         > curl http://echo.default
         > curl http://echo.default.svc.local
         > nslookup echo
         > exit
         > kubectl get pods -l app=echo
         > kubectl logs -l release=spring -c echo
         > kubectl logs -l release=summer -c echo --prefix",
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl apply -f simple-service.yaml
            service/echo created
            $ kubectl run -i --rm --tty debug --image=gihyodocker/fundamental:0.1.0 --restart=Never -- bash -il
            [stderr] If you don't see a command prompt, try pressing enter.
            debug:/# curl http://echo/
            Hello Docker!!debug:/# curl http://echo.default
            Hello Docker!!debug:/# curl http://echo.default.svc.local
            [stderr] curl: (6) Could not resolve host: echo.default.svc.local
            debug:/# nslookup echo
            Server:		10.96.0.10
            Address:	10.96.0.10:53

            Name:	echo.default.svc.cluster.local
            Address: 10.97.180.111

            debug:/# exit
            pod "debug" deleted
            $ kubectl get pods -l app=echo
            NAME                READY   STATUS    RESTARTS   AGE
            echo-spring-plsdb   2/2     Running   0          32s
            echo-summer-86m88   2/2     Running   0          32s
            echo-summer-h4828   2/2     Running   0          32s
            $ kubectl logs -l release=spring -c echo
            2026/01/01 00:00:02 start server
            $ kubectl logs -l release=summer -c echo --prefix
            [pod/echo-summer-86m88/echo] 2026/01/01 00:00:02 start server
            [pod/echo-summer-86m88/echo] 2026/01/01 00:00:32 received request
            [pod/echo-summer-86m88/echo] 2026/01/01 00:00:32 received request
            [pod/echo-summer-h4828/echo] 2026/01/01 00:00:02 start server
        "#]],
    );
}

#[test]
fn busybox_shell_pipes_redirects_variables_and_errors() {
    check(
        "> kubectl run box --image=busybox --restart=Never -- sleep 3600
         # advance 10s
         > kubectl exec box -- sh -c 'echo hi > /tmp/x; echo there >> /tmp/x; cat /tmp/x | wc -l; ls /tmp'
         > kubectl exec -it box -- sh
         > export A=1; echo \"$A-$HOSTNAME\"; false; echo $?
         > env | grep KUBERNETES_SERVICE_HOST
         > tail -n 1 /etc/hosts
         > cat /etc/hosts | tail -n 1
         > echo 'unterminated
         > wget -q -O - http://kubernetes.default.svc.cluster.local:8080/
         > exit 3
         > kubectl exec box -- curl http://x
         > kubectl run web --image=hashicorp/http-echo -- -text=hi
         # advance 10s
         > kubectl exec -it web -- sh",
        expect![[r#"
            $ kubectl run box --image=busybox --restart=Never -- sleep 3600
            pod/box created
            $ kubectl exec box -- sh -c 'echo hi > /tmp/x; echo there >> /tmp/x; cat /tmp/x | wc -l; ls /tmp'
            2
            x
            $ kubectl exec -it box -- sh
            / # export A=1; echo "$A-$HOSTNAME"; false; echo $?
            1-box
            1
            / # env | grep KUBERNETES_SERVICE_HOST
            KUBERNETES_SERVICE_HOST=10.96.0.1
            / # tail -n 1 /etc/hosts
            10.244.1.2	box
            / # cat /etc/hosts | tail -n 1
            10.244.1.2	box
            / # echo 'unterminated
            [stderr] sh: syntax error: unterminated quoted string
            / # wget -q -O - http://kubernetes.default.svc.cluster.local:8080/
            [stderr] wget: can't connect to remote host (10.96.0.1): Connection refused
            / # exit 3
            [stderr] command terminated with exit code 3
            $ kubectl exec box -- curl http://x
            [stderr] error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "827d6ff3f8f4e53edbae30610d438f3555349949e62bf8a057fb50337299956f": OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown
            $ kubectl run web --image=hashicorp/http-echo -- -text=hi
            pod/web created
            $ kubectl exec -it web -- sh
            [stderr] error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "40ce2d05a7105d45d41774b638b62170aa431a480031f1ffd4ef58fc54a78c22": OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown
        "#]],
    );
}

#[test]
fn logs_follow_and_get_watch_stream_until_interrupted() {
    check(
        "> kubectl get pods -w
         >> kubectl apply -f simple-pod.yaml
         # advance 3s
         > ^C
         > kubectl get pods --watch --output-watch-events
         >> kubectl delete pod simple-echo --wait=false
         # advance 2s
         > ^C
         > kubectl run loop --image=busybox -- sh -c 'while true; do echo tick; sleep 2; done'
         # advance 5s
         > kubectl logs -f loop
         # advance 4s
         > kubectl get pods
         > ^C
         > kubectl run once --image=busybox --restart=Never -- sh -c 'echo hi; sleep 3; echo bye'
         # advance 3s
         > kubectl logs -f once
         # advance 6s
         > kubectl get pod once",
        expect![[r#"
            $ kubectl get pods -w
            NAME          READY   STATUS    RESTARTS   AGE
            simple-echo   0/2     Pending   0          1s
            simple-echo   0/2     Pending   0          1s
            simple-echo   0/2     ContainerCreating   0          1s
            simple-echo   0/2     ContainerCreating   0          1s
            simple-echo   1/2     ContainerCreating   0          2s
            simple-echo   2/2     Running             0          3s
            ^C
            $ kubectl get pods --watch --output-watch-events
            EVENT   NAME          READY   STATUS    RESTARTS   AGE
            ADDED   simple-echo   2/2     Running   0          3s
            MODIFIED   simple-echo   2/2     Terminating   0          4s
            MODIFIED   simple-echo   0/2     Completed     0          4s
            DELETED    simple-echo   0/2     Completed     0          4s
            ^C
            $ kubectl run loop --image=busybox -- sh -c 'while true; do echo tick; sleep 2; done'
            pod/loop created
            $ kubectl logs -f loop
            tick
            tick
            tick
            tick
            tick
            kubectl get pods
            ^C
            $ kubectl run once --image=busybox --restart=Never -- sh -c 'echo hi; sleep 3; echo bye'
            pod/once created
            $ kubectl logs -f once
            hi
            bye
            $ kubectl get pod once
            NAME   READY   STATUS      RESTARTS   AGE
            once   0/1     Completed   0          9s
        "#]],
    );
}

/// The seed's whole chapter 5, typed as the seed types it (with kubectl
/// 1.32's `exec --` and `run` forms), in one session.
#[test]
fn the_seed_chapter_runs_end_to_end() {
    check(
        "> kubectl apply -f simple-pod.yaml
         # advance 169s
         > kubectl get pod
         > kubectl exec -it simple-echo sh -c nginx
         > kubectl exec -it simple-echo -c nginx -- sh
         > exit
         > kubectl logs simple-echo -c echo
         > kubectl delete pod simple-echo
         > kubectl apply -f simple-replicaset.yaml
         # advance 20s
         > kubectl get pod
         > kubectl delete -f simple-replicaset.yaml
         > kubectl apply -f simple-deployment.yaml --record
         # advance 20s
         > kubectl get pod,replicaset,deployment --selector app=echo
         > kubectl rollout history deployment echo
         > kubectl rollout history deployment echo  --revision=1
         > kubectl rollout undo deployment echo
         > kubectl delete -f simple-deployment.yaml
         > kubectl apply -f simple-replicaset-with-label.yaml
         # advance 20s
         > kubectl get pod -l app=echo -l release=spring
         > kubectl get pod -l app=echo -l release=summer
         > kubectl apply -f simple-service.yaml
         > kubectl get svc echo
         > kubectl run -i --rm --tty debug --image=gihyodocker/fundamental:0.1.0 --restart=Never -- bash -il
         > curl http://echo/
         > curl http://echo/
         > curl http://echo.default.svc.local
         > curl http://echo.default
         > exit
         > kubectl logs -l release=summer -c echo
         > kubectl logs -l release=spring -c echo",
        expect![[r#"
            $ kubectl apply -f simple-pod.yaml
            pod/simple-echo created
            $ kubectl get pod
            NAME          READY   STATUS    RESTARTS   AGE
            simple-echo   2/2     Running   0          2m49s
            $ kubectl exec -it simple-echo sh -c nginx
            [stderr] error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead
            [stderr] See 'kubectl exec -h' for help and examples
            $ kubectl exec -it simple-echo -c nginx -- sh
            / # exit
            $ kubectl logs simple-echo -c echo
            2026/01/01 00:00:02 start server
            $ kubectl delete pod simple-echo
            pod "simple-echo" deleted
            $ kubectl apply -f simple-replicaset.yaml
            replicaset.apps/echo created
            $ kubectl get pod
            NAME         READY   STATUS    RESTARTS   AGE
            echo-cn86h   2/2     Running   0          20s
            echo-kjkmr   2/2     Running   0          20s
            echo-shv86   2/2     Running   0          20s
            $ kubectl delete -f simple-replicaset.yaml
            replicaset.apps "echo" deleted
            $ kubectl apply -f simple-deployment.yaml --record
            deployment.apps/echo created
            [stderr] Flag --record has been deprecated, --record will be removed in the future
            $ kubectl get pod,replicaset,deployment --selector app=echo
            NAME                        READY   STATUS    RESTARTS   AGE
            pod/echo-559c4867bd-hk756   2/2     Running   0          20s
            pod/echo-559c4867bd-mxj6j   2/2     Running   0          20s
            pod/echo-559c4867bd-tzd46   2/2     Running   0          20s

            NAME                              DESIRED   CURRENT   READY   AGE
            replicaset.apps/echo-559c4867bd   3         3         3       20s

            NAME                   READY   UP-TO-DATE   AVAILABLE   AGE
            deployment.apps/echo   3/3     3            3           20s
            $ kubectl rollout history deployment echo
            deployment.apps/echo 
            REVISION  CHANGE-CAUSE
            1         kubectl apply --filename=simple-deployment.yaml --record=true

            $ kubectl rollout history deployment echo  --revision=1
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

            $ kubectl rollout undo deployment echo
            [stderr] error: no rollout history found for deployment "echo"
            $ kubectl delete -f simple-deployment.yaml
            deployment.apps "echo" deleted
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl get pod -l app=echo -l release=spring
            NAME                READY   STATUS    RESTARTS   AGE
            echo-spring-bcjfw   2/2     Running   0          20s
            $ kubectl get pod -l app=echo -l release=summer
            NAME                READY   STATUS    RESTARTS   AGE
            echo-summer-pq5zg   2/2     Running   0          20s
            echo-summer-rmg4n   2/2     Running   0          20s
            $ kubectl apply -f simple-service.yaml
            service/echo created
            $ kubectl get svc echo
            NAME   TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE
            echo   ClusterIP   10.99.159.213   <none>        80/TCP    0s
            $ kubectl run -i --rm --tty debug --image=gihyodocker/fundamental:0.1.0 --restart=Never -- bash -il
            [stderr] If you don't see a command prompt, try pressing enter.
            debug:/# curl http://echo/
            Hello Docker!!debug:/# curl http://echo/
            Hello Docker!!debug:/# curl http://echo.default.svc.local
            [stderr] curl: (6) Could not resolve host: echo.default.svc.local
            debug:/# curl http://echo.default
            Hello Docker!!debug:/# exit
            pod "debug" deleted
            $ kubectl logs -l release=summer -c echo
            2026/01/01 00:03:31 start server
            2026/01/01 00:03:52 received request
            2026/01/01 00:03:52 received request
            2026/01/01 00:03:31 start server
            2026/01/01 00:03:52 received request
            $ kubectl logs -l release=spring -c echo
            2026/01/01 00:03:31 start server
        "#]],
    );
}

#[test]
fn the_host_prompt_runs_files_sleep_and_explains_what_it_cannot() {
    check(
        "> ls
         > cat nope.yaml
         > sleep 5
         > kubectl get pods
         > curl http://echo/
         > vim simple-pod.yaml
         > kubectl get pods 'unbalanced
         > # a comment",
        expect![[r#"
            $ ls
            simple-deployment.yaml
            simple-pod.yaml
            simple-replicaset-with-label.yaml
            simple-replicaset.yaml
            simple-service.yaml
            $ cat nope.yaml
            [stderr] cat: nope.yaml: No such file or directory
            $ sleep 5
            $ kubectl get pods
            [stderr] No resources found in default namespace.
            $ curl http://echo/
            [stderr] curl: (6) Could not resolve host: echo
            [stderr] (Cluster names resolve only inside the cluster: try `kubectl run -it --rm debug --image=curlimages/curl -- sh`.)
            $ vim simple-pod.yaml
            [stderr] bash: vim: command not found
            $ kubectl get pods 'unbalanced
            [stderr] bash: unexpected EOF while looking for matching quote
            $ # a comment
        "#]],
    );
}

/// A ConfigMap as a web server would hand it out.
const CONFIGMAP_AT_URL: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fromurl\ndata:\n  a: b\n";

#[test]
fn apply_from_a_url_waits_for_the_host_to_fetch_it_then_applies_it() {
    use sunaba_core::kubectl::url::FetchError;
    let mut cluster = Cluster::new(ClusterConfig::default());
    let files = SeedFiles(BTreeMap::new());
    let mut terminal = Terminal::new();
    let url = "https://example.com/cm.yaml";
    let first = terminal.run_line(&mut cluster, &files, &format!("kubectl apply -f {url}"));
    assert_eq!(
        first,
        Default::default(),
        "nothing printed before the fetch"
    );
    assert_eq!(terminal.fetching(), Some(&[url.to_string()][..]));
    assert!(terminal.is_busy());
    assert_eq!(terminal.prompt(), "", "no prompt while it fetches");
    let lines_meanwhile = terminal.run_line(&mut cluster, &files, "kubectl get cm");
    assert_eq!(
        lines_meanwhile,
        Default::default(),
        "lines typed meanwhile go nowhere"
    );
    let out = terminal.finish_fetch(
        &mut cluster,
        &files,
        &[(url.to_string(), Ok(CONFIGMAP_AT_URL.to_string()))],
    );
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit_code),
        ("configmap/fromurl created\n", "", 0)
    );
    assert!(!terminal.is_busy());
    assert_eq!(terminal.fetching(), None);

    // A 404 fails as kubectl fails, and changes nothing.
    terminal.run_line(
        &mut cluster,
        &files,
        "kubectl delete -f https://example.com/missing.yaml",
    );
    let out = terminal.finish_fetch(
        &mut cluster,
        &files,
        &[(
            "https://example.com/missing.yaml".to_string(),
            Err(FetchError::Status {
                code: 404,
                reason: "Not Found".into(),
            }),
        )],
    );
    assert_eq!(
        (out.stderr.as_str(), out.exit_code),
        ("error: unable to read URL \"https://example.com/missing.yaml\", server reported 404 Not Found, status code=404\n", 1)
    );
    let get = terminal.run_line(&mut cluster, &files, "kubectl get cm fromurl -o name");
    assert_eq!(get.stdout, "configmap/fromurl\n");

    // Ctrl-C gives up the wait; a late answer is ignored.
    terminal.run_line(
        &mut cluster,
        &files,
        "kubectl apply -f http://slow.example/x.yaml",
    );
    assert_eq!(terminal.interrupt().stdout, "^C\n");
    assert!(!terminal.is_busy());
    let late = terminal.finish_fetch(&mut cluster, &files, &[]);
    assert_eq!(late, Default::default());

    // A URL the host left out fails as unreachable instead of waiting again.
    terminal.run_line(
        &mut cluster,
        &files,
        "kubectl apply -f http://a.example/x.yaml",
    );
    let out = terminal.finish_fetch(&mut cluster, &files, &[]);
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "Unable to connect to the server: Get \"http://a.example/x.yaml\": the host did not fetch it\n"
    );
    assert!(!terminal.is_busy());
}

#[test]
fn kubectl_outside_a_terminal_says_it_cannot_fetch_urls() {
    let mut cluster = Cluster::new(ClusterConfig::default());
    let files = SeedFiles(BTreeMap::new());
    let mut ctx = sunaba_core::kubectl::Context {
        cluster: &mut cluster,
        files: &files,
    };
    let out = sunaba_core::kubectl::run(
        &mut ctx,
        &[
            "apply".into(),
            "-f".into(),
            "https://example.com/a.yaml".into(),
        ],
    );
    assert_eq!(
        (out.stderr.as_str(), out.exit_code),
        (
            "error: unable to read URL \"https://example.com/a.yaml\": nothing here fetches URLs\n",
            1
        )
    );
}

#[test]
fn here_documents_pipes_and_redirects_feed_dash_f_dash() {
    check(
        r#"> kubectl apply -f - <<EOF
         > {"apiVersion": "v1", "kind": "ConfigMap",
         >  "metadata": {"name": "from-heredoc"}}
         > EOF
         > cat simple-pod.yaml | kubectl apply -f -
         > kubectl apply -f - < simple-service.yaml
         > kubectl get cm from-heredoc -o name | cat
         > cat <<'END' | kubectl create -f -
         > {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"quoted"}}
         > END
         > kubectl apply -f - <<EOF
         > ^C
         > kubectl apply -f - < missing.yaml
         > echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"piped"}}' | kubectl apply -f -
         > kubectl apply -f -"#,
        expect![[r#"
            $ kubectl apply -f - <<EOF
            > {"apiVersion": "v1", "kind": "ConfigMap",
            >  "metadata": {"name": "from-heredoc"}}
            > EOF
            configmap/from-heredoc created
            $ cat simple-pod.yaml | kubectl apply -f -
            pod/simple-echo created
            $ kubectl apply -f - < simple-service.yaml
            service/echo created
            $ kubectl get cm from-heredoc -o name | cat
            configmap/from-heredoc
            $ cat <<'END' | kubectl create -f -
            > {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"quoted"}}
            > END
            configmap/quoted created
            $ kubectl apply -f - <<EOF
            ^C
            $ kubectl apply -f - < missing.yaml
            [stderr] bash: missing.yaml: No such file or directory
            $ echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"piped"}}' | kubectl apply -f -
            namespace/piped created
            $ kubectl apply -f -
            [stderr] error: no objects passed to apply
        "#]],
    );
}

#[test]
fn run_dash_it_attaches_a_shell_and_rm_deletes_the_pod() {
    check(
        "> kubectl run -it --rm box --image=busybox --restart=Never -- sh
         > hostname
         > exit",
        expect![[r#"
            $ kubectl run -it --rm box --image=busybox --restart=Never -- sh
            [stderr] If you don't see a command prompt, try pressing enter.
            / # hostname
            box
            / # exit
            pod "box" deleted
        "#]],
    );
}

#[test]
fn curlimages_curl_runs_the_shell_it_is_given_as_its_entrypoint_does() {
    check(
        "> kubectl apply -f simple-replicaset-with-label.yaml
         > kubectl apply -f simple-service.yaml
         # advance 30s
         > kubectl run -it --rm curler --image=curlimages/curl --restart=Never -- sh
         > curl -s http://echo/
         > exit",
        expect![[r#"
            $ kubectl apply -f simple-replicaset-with-label.yaml
            replicaset.apps/echo-spring created
            replicaset.apps/echo-summer created
            $ kubectl apply -f simple-service.yaml
            service/echo created
            $ kubectl run -it --rm curler --image=curlimages/curl --restart=Never -- sh
            [stderr] If you don't see a command prompt, try pressing enter.
            / # curl -s http://echo/
            Hello Docker!!/ # exit
            pod "curler" deleted
        "#]],
    );
}

//! The guided tutorial: the seed's chapter 5 as steps, each with what to
//! read, the commands to try, and a check of the cluster (or of what was
//! typed) that says when the step is done.

use sunaba_core::api::{Kind, Object};
use sunaba_core::store::Store;

use crate::i18n::Tr;
use crate::state::Playground;

/// What the checks look at: the objects (the in-tab cluster's, or the
/// mirror of the server's), the lines typed, and whether an echo server
/// of the summer pods logged a request.
pub struct Seen<'a> {
    /// The cluster's objects.
    pub store: &'a Store,
    /// Lines typed, oldest first.
    pub history: &'a [String],
    /// Whether a summer echo pod logged `received request`: read from the
    /// in-tab kubelets, or in server mode from the logs the terminal showed.
    pub summer_received: bool,
}

impl<'a> Seen<'a> {
    /// What the in-tab playground shows.
    pub fn of_playground(p: &'a Playground) -> Self {
        Self {
            store: p.cluster.api().store(),
            history: &p.history,
            summer_received: summer_received_requests(p),
        }
    }
}

/// One step of the tutorial.
pub struct Step {
    /// A stable id, saved with the progress.
    pub id: &'static str,
    /// The step's title.
    pub title: Tr,
    /// The idea, in a few paragraphs (separated by blank lines).
    pub text: Tr,
    /// The seed manifest the step works with, which a click opens in the editor.
    pub manifest: Option<&'static str>,
    /// Commands to try, which a click pastes into the terminal.
    pub commands: &'static [&'static str],
    /// What the check watches for, in words.
    pub goal: Tr,
    /// Whether the step is done.
    pub check: fn(&Seen) -> bool,
}

/// The chapter, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "kubernetes",
        title: Tr {
            en: "5.1 What Kubernetes is",
            ja: "5.1 Kubernetes とは",
        },
        text: Tr {
            en: "Kubernetes runs containers across many machines and keeps them running. You do not start containers one by one: you write down the state you want (a manifest: three copies of this server, reachable under this name) and give it to the API server. Controllers then compare what is wanted with what exists, and act until the two agree: placing containers where there is room, restarting them when they die, scaling, and balancing requests.\n\nkubectl is the command-line client of that API. Here a whole cluster runs inside this browser tab, so nothing needs installing; everything you learn holds on a real cluster.",
            ja: "Kubernetes は、多数のマシンにまたがってコンテナを動かし、動き続けるよう面倒を見るシステムです。コンテナを一つずつ起動するのではなく、望む状態 (マニフェスト: 「このサーバーを 3 つ、この名前で届くように」) を書いて API サーバーに渡します。すると、コントローラーが「望む状態」と「今ある状態」を比べ、両者が一致するまで動きます。空きのあるマシンへのコンテナ配置、止まったコンテナの再起動、スケーリング、リクエストの振り分けなどです。\n\nkubectl はその API を操作するコマンドラインツールです。ここではクラスター全体がこのブラウザーのタブの中で動くので、インストールは要りません。ここで学んだことは本物のクラスターでもそのまま通用します。",
        },
        manifest: None,
        commands: &["kubectl version", "kubectl cluster-info"],
        goal: Tr {
            en: "you asked the cluster who it is (kubectl version or kubectl cluster-info).",
            ja: "クラスターに問い合わせた (kubectl version か kubectl cluster-info を実行した)。",
        },
        check: |p| typed(p, "kubectl version") || typed(p, "kubectl cluster-info"),
    },
    Step {
        id: "nodes",
        title: Tr {
            en: "5.2 The cluster and its nodes",
            ja: "5.2 クラスターとノード",
        },
        text: Tr {
            en: "A cluster is a set of machines called nodes. The control-plane node runs the API server, the scheduler and the controllers; it carries a NoSchedule taint, so your pods go to the worker nodes. Each worker runs a kubelet, which starts the containers the scheduler assigned to it and reports how they are.\n\nThe seed book starts a one-node cluster with Docker for Mac. This playground has a control plane and two workers, as kind would start them. The cluster view shows them as boxes; click one to see its details.",
            ja: "クラスターは、ノードと呼ばれるマシンの集まりです。コントロールプレーンのノードでは API サーバー、スケジューラー、コントローラーが動きます。このノードには NoSchedule の taint が付いているので、あなたの Pod はワーカーノードに置かれます。各ワーカーでは kubelet が動き、スケジューラーが割り当てたコンテナを起動して、その様子を報告します。\n\n元の本では Docker for Mac で 1 ノードのクラスターを使いますが、ここには kind と同じように、コントロールプレーン 1 台とワーカー 2 台があります。クラスター図ではノードが箱で描かれています。クリックすると詳細が見られます。",
        },
        manifest: None,
        commands: &["kubectl get nodes", "kubectl describe node sunaba-worker"],
        goal: Tr {
            en: "you listed the nodes (kubectl get nodes).",
            ja: "ノードの一覧を見た (kubectl get nodes を実行した)。",
        },
        check: |p| ran(p, "get", &["nodes", "node", "no"]) || ran(p, "describe", &["nodes", "node", "no"]),
    },
    Step {
        id: "pod",
        title: Tr {
            en: "5.6 A Pod",
            ja: "5.6 Pod",
        },
        text: Tr {
            en: "A Pod is the smallest unit Kubernetes deploys: one or more containers that always run together on one node and share one IP address. simple-pod.yaml runs nginx in front of an echo server; nginx passes requests to the echo server over localhost.\n\nOpen the manifest, apply it, and watch the pod appear on a worker: first ContainerCreating while the images are pulled, then Running with READY 2/2.",
            ja: "Pod は Kubernetes がデプロイする最小の単位です。1 つ以上のコンテナが、常に同じノードの上で一緒に動き、1 つの IP アドレスを共有します。simple-pod.yaml は echo サーバーの前に nginx を置きます。nginx は localhost 経由で echo サーバーにリクエストを渡します。\n\nマニフェストを開いて適用し、Pod がワーカーに現れる様子を見てください。イメージを取得している間は ContainerCreating、その後 READY 2/2 で Running になります。",
        },
        manifest: Some("simple-pod.yaml"),
        commands: &["kubectl apply -f simple-pod.yaml", "kubectl get pod"],
        goal: Tr {
            en: "the pod simple-echo is Running with both containers ready.",
            ja: "Pod simple-echo が Running になり、2 つのコンテナが両方 Ready になった。",
        },
        check: |p| pod_running(p, "simple-echo"),
    },
    Step {
        id: "exec",
        title: Tr {
            en: "Inside a container",
            ja: "コンテナの中に入る",
        },
        text: Tr {
            en: "kubectl exec runs a command in a running container. The book types `kubectl exec -it simple-echo sh -c nginx`; since kubectl 1.31 that form is an error, because kubectl could not tell its own flags from the command's. Today the command comes after `--`, and -c picks the container.\n\nOpen a shell in nginx, look around (`cat /etc/resolv.conf`, `ls /`), leave with `exit`, then read the echo container's log.",
            ja: "kubectl exec は、動いているコンテナの中でコマンドを実行します。元の本では `kubectl exec -it simple-echo sh -c nginx` と書いていますが、kubectl 1.31 からこの形はエラーになります。kubectl 自身のフラグとコマンドのフラグを区別できないためです。今はコマンドを `--` の後ろに書き、コンテナは -c で選びます。\n\nnginx コンテナでシェルを開いて中を見てみましょう (`cat /etc/resolv.conf`、`ls /`)。`exit` で抜けたら、echo コンテナのログを読みます。",
        },
        manifest: None,
        commands: &[
            "kubectl exec -it simple-echo -c nginx -- sh",
            "cat /etc/resolv.conf",
            "exit",
            "kubectl logs simple-echo -c echo",
        ],
        goal: Tr {
            en: "you ran kubectl exec and kubectl logs.",
            ja: "kubectl exec と kubectl logs を実行した。",
        },
        check: |p| typed(p, "kubectl exec") && typed(p, "kubectl logs"),
    },
    Step {
        id: "replicaset",
        title: Tr {
            en: "5.7 A ReplicaSet",
            ja: "5.7 ReplicaSet",
        },
        text: Tr {
            en: "A lone pod that dies stays dead. A ReplicaSet keeps a number of identical pods running: its controller counts the pods its selector matches and creates or deletes pods until the count is `replicas`.\n\nDelete the single pod, apply simple-replicaset.yaml, and watch three pods appear. Then delete one of them with `kubectl delete pod <name>` and see a new one take its place.",
            ja: "単独の Pod は、止まったらそれきりです。ReplicaSet は同じ Pod を決まった数だけ動かし続けます。そのコントローラーはセレクターに合う Pod を数え、数が `replicas` になるまで Pod を作ったり消したりします。\n\n単独の Pod を削除して simple-replicaset.yaml を適用し、Pod が 3 つ現れるのを見てください。そのうち 1 つを `kubectl delete pod <名前>` で消すと、代わりの Pod がすぐに作られます。",
        },
        manifest: Some("simple-replicaset.yaml"),
        commands: &[
            "kubectl delete -f simple-pod.yaml",
            "kubectl apply -f simple-replicaset.yaml",
            "kubectl get pod",
        ],
        goal: Tr {
            en: "three pods of the ReplicaSet echo are Running.",
            ja: "ReplicaSet echo の Pod が 3 つ Running になった。",
        },
        check: |p| running_pods_owned_by(p, Kind::ReplicaSet, "echo") >= 3,
    },
    Step {
        id: "deployment",
        title: Tr {
            en: "5.8 A Deployment",
            ja: "5.8 Deployment",
        },
        text: Tr {
            en: "A Deployment manages ReplicaSets: one per revision of the pod template. Change the template and it starts a new ReplicaSet and moves the pods over step by step, so the application never stops.\n\nThe book applies with `--record` to note the command as the revision's change cause. That flag is deprecated (kubectl warns about it) because it recorded whatever command ran last, flags and all. Today you set the cause yourself, with the kubernetes.io/change-cause annotation.",
            ja: "Deployment は ReplicaSet を管理します。Pod テンプレートのリビジョンごとに ReplicaSet が 1 つあります。テンプレートを変えると新しい ReplicaSet を作り、Pod を少しずつ移すので、アプリケーションは止まりません。\n\n元の本では `--record` を付けて適用し、コマンドをリビジョンの変更理由として記録しています。このフラグは非推奨になりました (kubectl が警告を出します)。最後に実行したコマンドをフラグごと記録するだけだったためです。今は kubernetes.io/change-cause アノテーションで、理由を自分で書きます。",
        },
        manifest: Some("simple-deployment.yaml"),
        commands: &[
            "kubectl delete -f simple-replicaset.yaml",
            "kubectl apply -f simple-deployment.yaml",
            "kubectl annotate deployment echo kubernetes.io/change-cause=\"first release\"",
            "kubectl get pod,replicaset,deployment --selector app=echo",
        ],
        goal: Tr {
            en: "the Deployment echo has 3 available replicas.",
            ja: "Deployment echo の利用可能なレプリカが 3 つになった。",
        },
        check: |p| deployment_available(p, "echo", 3),
    },
    Step {
        id: "rollout",
        title: Tr {
            en: "Revisions and rollback",
            ja: "リビジョンとロールバック",
        },
        text: Tr {
            en: "Edit simple-deployment.yaml: change the echo container's image tag or an environment value, and apply it again. In the cluster view the new ReplicaSet grows while the old one shrinks. Each template is a revision.\n\nLook at the history, set its change cause, and roll back with `rollout undo`: the old ReplicaSet grows again, as revision 3.",
            ja: "simple-deployment.yaml を編集して、echo コンテナのイメージのタグか環境変数の値を変え、もう一度適用します。クラスター図では、新しい ReplicaSet が増え、古い ReplicaSet が減っていきます。テンプレートの一つひとつがリビジョンです。\n\n履歴を見て変更理由を書き、`rollout undo` でロールバックしましょう。古い ReplicaSet がリビジョン 3 として再び増えます。",
        },
        manifest: Some("simple-deployment.yaml"),
        commands: &[
            "kubectl apply -f simple-deployment.yaml",
            "kubectl annotate deployment echo kubernetes.io/change-cause=\"second release\"",
            "kubectl rollout status deployment echo",
            "kubectl rollout history deployment echo",
            "kubectl rollout undo deployment echo",
        ],
        goal: Tr {
            en: "the Deployment echo has two revisions, and you rolled back.",
            ja: "Deployment echo のリビジョンが 2 つになり、ロールバックした。",
        },
        check: |p| typed(p, "rollout undo") && revisions(p, "echo") >= 2,
    },
    Step {
        id: "labels",
        title: Tr {
            en: "5.9 Labels",
            ja: "5.9 ラベル",
        },
        text: Tr {
            en: "Labels are key–value pairs on objects, and selectors pick objects by them. simple-replicaset-with-label.yaml runs two ReplicaSets: echo-spring and echo-summer, told apart by the label release.\n\nDelete the Deployment, apply the file, and select the pods with -l: several -l flags must all match.",
            ja: "ラベルはオブジェクトに付けるキーと値の組で、セレクターはラベルでオブジェクトを選びます。simple-replicaset-with-label.yaml は echo-spring と echo-summer の 2 つの ReplicaSet を動かし、release ラベルで区別します。\n\nDeployment を削除してこのファイルを適用し、-l で Pod を選んでみましょう。-l を複数書くと、すべてに合うものが選ばれます。",
        },
        manifest: Some("simple-replicaset-with-label.yaml"),
        commands: &[
            "kubectl delete -f simple-deployment.yaml",
            "kubectl apply -f simple-replicaset-with-label.yaml",
            "kubectl get pod -l app=echo -l release=summer",
        ],
        goal: Tr {
            en: "the summer pods run, and you selected them by label.",
            ja: "summer の Pod が動き、ラベルでそれを選んだ。",
        },
        check: |p| {
            typed(p, "release=summer") && running_pods_owned_by(p, Kind::ReplicaSet, "echo-summer") >= 2
        },
    },
    Step {
        id: "service",
        title: Tr {
            en: "5.9 A Service",
            ja: "5.9 Service",
        },
        text: Tr {
            en: "Pods come and go, and their IPs with them. A Service gives the pods its selector picks one stable address (a ClusterIP) and one DNS name, and spreads requests over them.\n\nApply simple-service.yaml: its selector wants app=echo and release=summer, so only the summer pods are behind it. In the cluster view the Service draws a line to each of its endpoints.",
            ja: "Pod は作られては消え、IP もそのたびに変わります。Service は、セレクターで選んだ Pod に 1 つの安定したアドレス (ClusterIP) と 1 つの DNS 名を与え、リクエストをそれらに振り分けます。\n\nsimple-service.yaml を適用しましょう。セレクターは app=echo と release=summer なので、Service の後ろにいるのは summer の Pod だけです。クラスター図では、Service からエンドポイントの一つひとつへ線が引かれます。",
        },
        manifest: Some("simple-service.yaml"),
        commands: &[
            "kubectl apply -f simple-service.yaml",
            "kubectl get svc echo",
            "kubectl get endpoints echo",
        ],
        goal: Tr {
            en: "the Service echo exists.",
            ja: "Service echo ができた。",
        },
        check: |p| p.store.find(Kind::Service, "default", "echo").is_some(),
    },
    Step {
        id: "dns",
        title: Tr {
            en: "Service names and a debug pod",
            ja: "Service の名前とデバッグ用 Pod",
        },
        text: Tr {
            en: "Inside the cluster a Service is found by name. Start a throwaway debug pod with bash and curl, and curl http://echo/ a few times: the answers come from summer pods only, as their logs show. `echo.default` and `echo.default.svc.cluster.local` work too.\n\nThe book writes `echo.default.svc.local`: that name does not resolve. The cluster's domain is cluster.local, and the pod's search path only lets you leave out the end of the full name, never its middle.",
            ja: "クラスターの中では、Service は名前で見つかります。bash と curl の入った使い捨てのデバッグ用 Pod を起動し、http://echo/ に何度か curl してみましょう。答えるのは summer の Pod だけで、そのログにも記録されます。`echo.default` や `echo.default.svc.cluster.local` でも届きます。\n\n元の本は `echo.default.svc.local` と書いていますが、この名前は解決できません。クラスターのドメインは cluster.local で、Pod の検索パスで省略できるのは完全な名前の末尾だけで、途中は省略できないからです。",
        },
        manifest: None,
        commands: &[
            "kubectl run -i --rm --tty debug --image=gihyodocker/fundamental:0.1.0 --restart=Never -- bash -il",
            "curl http://echo/",
            "curl http://echo.default.svc.cluster.local/",
            "exit",
            "kubectl logs -l release=summer -c echo",
        ],
        goal: Tr {
            en: "a summer pod answered a request through the Service.",
            ja: "Service 経由のリクエストに summer の Pod が答えた。",
        },
        check: |p| p.summer_received,
    },
];

/// The step with this id.
pub fn step(id: &str) -> Option<&'static Step> {
    STEPS.iter().find(|s| s.id == id)
}

fn typed(p: &Seen, text: &str) -> bool {
    p.history.iter().any(|h| h.contains(text))
}

/// Whether a line typed ran `kubectl <verb> <one of resources>`.
fn ran(p: &Seen, verb: &str, resources: &[&str]) -> bool {
    p.history.iter().any(|h| {
        let words: Vec<&str> = h.split_whitespace().collect();
        words.first() == Some(&"kubectl")
            && words.get(1) == Some(&verb)
            && words.get(2).is_some_and(|w| resources.contains(w))
    })
}

fn pod_running(p: &Seen, name: &str) -> bool {
    matches!(
        p.store.find(Kind::Pod, "default", name).map(|o| o.as_ref()),
        Some(Object::Pod(pod)) if sunaba_core::controllers::pod_util::is_ready(pod)
    )
}

fn running_pods_owned_by(p: &Seen, kind: Kind, owner: &str) -> usize {
    let store = p.store;
    let Some(owner) = store.find(kind, "default", owner) else {
        return 0;
    };
    store
        .dependents_of(owner.uid())
        .filter(|k| k.kind == Kind::Pod)
        .filter_map(|k| store.get(k))
        .filter(|o| matches!(o.as_ref(), Object::Pod(pod) if sunaba_core::controllers::pod_util::is_ready(pod)))
        .count()
}

fn deployment_available(p: &Seen, name: &str, replicas: i32) -> bool {
    matches!(
        p.store.find(Kind::Deployment, "default", name).map(|o| o.as_ref()),
        Some(Object::Deployment(d)) if d.status.as_ref().and_then(|s| s.available_replicas) == Some(replicas)
    )
}

fn revisions(p: &Seen, deployment: &str) -> usize {
    let store = p.store;
    let Some(d) = store.find(Kind::Deployment, "default", deployment) else {
        return 0;
    };
    store
        .dependents_of(d.uid())
        .filter(|k| k.kind == Kind::ReplicaSet)
        .count()
}

fn summer_received_requests(p: &Playground) -> bool {
    let kubelets = p.cluster.kubelets();
    kubelets
        .nodes()
        .flat_map(|n| n.workers())
        .filter(|((ns, name), _)| ns == "default" && name.starts_with("echo-summer-"))
        .any(|((ns, name), _)| {
            kubelets
                .logs(ns, name, "echo", false)
                .is_some_and(|lines| lines.iter().any(|l| l.text.ends_with("received request")))
        })
}

/// The index of the step shown open: the one the learner moved to (with
/// "Next", a click on its title, or a share link), else the first not done.
/// A step whose goal is met stays open until the learner moves on, so its
/// remaining commands can still be tried.
pub fn current_step(done: &[String], moved_to: Option<&str>) -> usize {
    let first_undone = || {
        STEPS
            .iter()
            .position(|s| !done.iter().any(|d| d == s.id))
            .unwrap_or(STEPS.len() - 1)
    };
    moved_to
        .and_then(|id| STEPS.iter().position(|s| s.id == id))
        .unwrap_or_else(first_undone)
}

/// The ids of the steps not in `done` whose checks now pass.
pub fn newly_done(done: &[String], seen: &Seen) -> Vec<String> {
    STEPS
        .iter()
        .filter(|step| !done.iter().any(|d| d == step.id) && (step.check)(seen))
        .map(|step| step.id.to_string())
        .collect()
}

/// Keeps the open step open when its goal is met: the learner moves on.
pub fn pin_open_step(p: &mut Playground) {
    if p.tutorial_at.is_none() {
        let open = current_step(&p.tutorial_done, None);
        p.tutorial_at = Some(STEPS[open].id.to_string());
    }
}

/// Marks the in-tab playground's steps whose checks now pass; true when
/// any became done.
pub fn update_progress(p: &mut Playground) -> bool {
    pin_open_step(p);
    let new = newly_done(&p.tutorial_done, &Seen::of_playground(p));
    let changed = !new.is_empty();
    p.tutorial_done.extend(new);
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::time::SimTime;

    #[test]
    fn the_whole_chapter_completes_every_step() {
        let mut p = Playground::new(3, SimTime::TEST_EPOCH);
        let run = |p: &mut Playground, line: &str, then_ms: i64| {
            p.run_line(line);
            p.tick(then_ms);
            update_progress(p);
        };
        run(&mut p, "kubectl get no", 0);
        assert_eq!(p.tutorial_done, vec!["nodes"], "any spelling of nodes");
        run(&mut p, "kubectl version", 0);
        run(&mut p, "kubectl apply -f simple-pod.yaml", 30_000);
        assert_eq!(p.tutorial_done, vec!["nodes", "kubernetes", "pod"]);
        run(&mut p, "kubectl exec -it simple-echo -c nginx -- sh", 0);
        run(&mut p, "exit", 0);
        run(&mut p, "kubectl logs simple-echo -c echo", 0);
        run(&mut p, "kubectl delete -f simple-pod.yaml", 0);
        run(&mut p, "kubectl apply -f simple-replicaset.yaml", 30_000);
        run(&mut p, "kubectl delete -f simple-replicaset.yaml", 0);
        run(&mut p, "kubectl apply -f simple-deployment.yaml", 40_000);
        run(
            &mut p,
            "kubectl annotate deployment echo kubernetes.io/change-cause=\"first release\"",
            0,
        );
        let changed = p.editor.files[2]
            .1
            .replace("localhost:8080", "127.0.0.1:8080");
        p.editor.files[2].1 = changed;
        run(
            &mut p,
            "kubectl apply -f simple-deployment.yaml --record",
            60_000,
        );
        run(&mut p, "kubectl rollout undo deployment echo", 60_000);
        run(&mut p, "kubectl delete -f simple-deployment.yaml", 0);
        run(
            &mut p,
            "kubectl apply -f simple-replicaset-with-label.yaml",
            30_000,
        );
        run(&mut p, "kubectl get pod -l app=echo -l release=summer", 0);
        run(&mut p, "kubectl apply -f simple-service.yaml", 5_000);
        run(&mut p, "kubectl run -i --rm --tty debug --image=gihyodocker/fundamental:0.1.0 --restart=Never -- bash -il", 0);
        run(&mut p, "curl http://echo/", 0);
        run(&mut p, "exit", 0);
        let mut all: Vec<&str> = STEPS.iter().map(|s| s.id).collect();
        all.swap(0, 1);
        assert_eq!(p.tutorial_done, all, "{:#?}", p.scrollback);
    }

    #[test]
    fn every_step_speaks_both_languages_and_opens_a_seed_manifest() {
        for step in STEPS {
            assert!(!step.title.en.is_empty() && !step.title.ja.is_empty());
            for text in [step.text, step.goal] {
                assert!(!text.en.is_empty() && !text.ja.is_empty(), "{}", step.id);
                assert!(
                    text.ja
                        .chars()
                        .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
                    "{}: {:?} is not Japanese",
                    step.id,
                    text.ja
                );
            }
            if let Some(file) = step.manifest {
                assert!(sunaba_core::seed::manifest(file).is_some(), "{file}");
            }
            assert!(!step.commands.is_empty(), "{}", step.id);
        }
        let ids: std::collections::BTreeSet<_> = STEPS.iter().map(|s| s.id).collect();
        assert_eq!(ids.len(), STEPS.len(), "ids are unique");
    }

    #[test]
    fn the_seeds_2019_forms_are_taught_in_todays() {
        let commands: Vec<&str> = STEPS
            .iter()
            .flat_map(|s| s.commands.iter().copied())
            .collect();
        assert!(commands.iter().all(|c| !c.contains("--record")));
        assert!(commands.iter().all(|c| !c.contains("svc.local")));
        let execs: Vec<&&str> = commands
            .iter()
            .filter(|c| c.contains("kubectl exec"))
            .collect();
        assert!(!execs.is_empty() && execs.iter().all(|c| c.contains(" -- ")));
        let text = |id: &str| step(id).map(|s| s.text.en).unwrap_or_default();
        assert!(text("exec").contains("1.31"), "says why the old exec fails");
        assert!(text("deployment").contains("deprecated"));
        assert!(text("dns").contains("does not resolve"));
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_open_step_is_the_one_moved_to_else_the_first_not_done() {
        assert_eq!(current_step(&[], None), 0);
        assert_eq!(current_step(&ids(&["kubernetes", "nodes"]), None), 2);
        assert_eq!(current_step(&ids(&["kubernetes"]), Some("service")), 8);
        // A step met stays open until the learner moves on; and going back
        // to read an earlier one is allowed.
        assert_eq!(current_step(&ids(&["kubernetes"]), Some("kubernetes")), 0);
        assert_eq!(
            current_step(&ids(&["kubernetes", "nodes", "pod"]), Some("nodes")),
            1
        );
        assert_eq!(current_step(&[], Some("no-such-step")), 0);
        let all: Vec<String> = STEPS.iter().map(|s| s.id.to_string()).collect();
        assert_eq!(current_step(&all, None), STEPS.len() - 1);
    }
}

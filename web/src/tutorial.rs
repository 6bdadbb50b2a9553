//! The guided tutorial: the seed's chapter 5 as steps, each with what to
//! read, the commands to try, and a check of the cluster (or of what was
//! typed) that says when the step is done.

use sunaba_core::api::{Kind, Object};
use sunaba_core::store::Store;

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
    pub title: &'static str,
    /// What to learn, in a few sentences.
    pub text: &'static str,
    /// Commands to try, which a click runs.
    pub commands: &'static [&'static str],
    /// Whether the step is done.
    pub check: fn(&Seen) -> bool,
}

/// The chapter, in order.
pub const STEPS: &[Step] = &[
    Step {
        id: "pod",
        title: "5.6 A Pod",
        text: "A Pod is the smallest unit Kubernetes deploys: one or more containers that share an IP. simple-pod.yaml runs nginx in front of an echo server. Apply it, and watch the pod appear on a worker node with its two containers.",
        commands: &["kubectl apply -f simple-pod.yaml", "kubectl get pod"],
        check: |p| pod_running(p, "simple-echo"),
    },
    Step {
        id: "exec",
        title: "Inside a container",
        text: "kubectl exec runs a command in a container. Open a shell in nginx (kubectl 1.32 wants `--` before the command), look at /etc/resolv.conf, and leave with `exit`.",
        commands: &["kubectl exec -it simple-echo -c nginx -- sh", "kubectl logs simple-echo -c echo"],
        check: |p| typed(p, "kubectl exec") && typed(p, "kubectl logs"),
    },
    Step {
        id: "replicaset",
        title: "5.7 A ReplicaSet",
        text: "A ReplicaSet keeps a number of identical pods running. Delete the single pod, apply simple-replicaset.yaml, then delete one of its pods and see a new one take its place.",
        commands: &["kubectl delete -f simple-pod.yaml", "kubectl apply -f simple-replicaset.yaml", "kubectl get pod"],
        check: |p| running_pods_owned_by(p, Kind::ReplicaSet, "echo") >= 3,
    },
    Step {
        id: "deployment",
        title: "5.8 A Deployment",
        text: "A Deployment manages ReplicaSets, one per revision of the pod template. Remove the ReplicaSet, apply simple-deployment.yaml with --record, and look at Deployment → ReplicaSet → Pods.",
        commands: &["kubectl delete -f simple-replicaset.yaml", "kubectl apply -f simple-deployment.yaml --record", "kubectl get pod,replicaset,deployment --selector app=echo"],
        check: |p| deployment_available(p, "echo", 3),
    },
    Step {
        id: "rollout",
        title: "Revisions and rollback",
        text: "Change the echo container's image or an environment value in simple-deployment.yaml and apply it again: a new ReplicaSet rolls out. Then look at the history and roll back.",
        commands: &["kubectl rollout history deployment echo", "kubectl rollout history deployment echo --revision=1", "kubectl rollout undo deployment echo"],
        check: |p| typed(p, "rollout undo") && revisions(p, "echo") >= 2,
    },
    Step {
        id: "labels",
        title: "5.9 Labels",
        text: "Labels let you pick pods. Delete the Deployment, apply simple-replicaset-with-label.yaml, and select the spring and summer pods with -l.",
        commands: &["kubectl delete -f simple-deployment.yaml", "kubectl apply -f simple-replicaset-with-label.yaml", "kubectl get pod -l app=echo -l release=summer"],
        check: |p| typed(p, "release=summer") && running_pods_owned_by(p, Kind::ReplicaSet, "echo-summer") >= 2,
    },
    Step {
        id: "service",
        title: "5.9 A Service",
        text: "A Service gives the pods its selector picks one address and one DNS name. Apply simple-service.yaml: only the summer pods are behind it.",
        commands: &["kubectl apply -f simple-service.yaml", "kubectl get svc echo"],
        check: |p| p.store.find(Kind::Service, "default", "echo").is_some(),
    },
    Step {
        id: "dns",
        title: "Service names",
        text: "From a debug pod, curl http://echo/ a few times: the answers come from summer pods only, as their logs show. `echo.default` works too; `echo.default.svc.local` does not (the domain is cluster.local).",
        commands: &["kubectl run -i --rm --tty debug --image=gihyodocker/fundamental:0.1.0 --restart=Never -- bash -il", "curl http://echo/", "exit", "kubectl logs -l release=summer -c echo"],
        check: |p| p.summer_received,
    },
];

fn typed(p: &Seen, text: &str) -> bool {
    p.history.iter().any(|h| h.contains(text))
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

/// The ids of the steps not in `done` whose checks now pass.
pub fn newly_done(done: &[String], seen: &Seen) -> Vec<String> {
    STEPS
        .iter()
        .filter(|step| !done.iter().any(|d| d == step.id) && (step.check)(seen))
        .map(|step| step.id.to_string())
        .collect()
}

/// Marks the in-tab playground's steps whose checks now pass; true when
/// any became done.
pub fn update_progress(p: &mut Playground) -> bool {
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
        run(&mut p, "kubectl apply -f simple-pod.yaml", 30_000);
        assert_eq!(p.tutorial_done, vec!["pod"]);
        run(&mut p, "kubectl exec -it simple-echo -c nginx -- sh", 0);
        run(&mut p, "exit", 0);
        run(&mut p, "kubectl logs simple-echo -c echo", 0);
        run(&mut p, "kubectl delete -f simple-pod.yaml", 0);
        run(&mut p, "kubectl apply -f simple-replicaset.yaml", 30_000);
        run(&mut p, "kubectl delete -f simple-replicaset.yaml", 0);
        run(
            &mut p,
            "kubectl apply -f simple-deployment.yaml --record",
            40_000,
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
        let all: Vec<&str> = STEPS.iter().map(|s| s.id).collect();
        assert_eq!(p.tutorial_done, all, "{:#?}", p.scrollback);
    }
}

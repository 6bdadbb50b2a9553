//! kube-scheduler: binds each new pod to a node. It filters nodes by
//! cordons, taints and tolerations, nodeSelector, required node affinity and
//! free resources, scores the rest (least allocated, balanced, spread), and
//! explains a pod that fits nowhere with the real `0/N nodes are available`
//! message. Pods that fit nowhere wait in [`queue`] and are tried again
//! as the real scheduling queue tries them.

pub mod queue;

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec, Taint, Toleration,
};

use crate::api::selector::labels_of;
use crate::api::{Kind, Object};
use crate::apiserver::events::{reference_to, EventType, NewEvent, Reporter};
use crate::controllers::pod_util::{self, controller_ref};
use crate::controllers::reason::Reason;
use crate::controllers::{Action, Context, Controller};
use crate::resources;
use crate::store::{ObjectKey, Store, WatchEvent, WatchEventType};

/// The scheduler's name, as pods' `schedulerName` and its events' controller.
pub const SCHEDULER_NAME: &str = "default-scheduler";

/// What a pod asks of a node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// CPU in millicores.
    pub cpu: i64,
    /// Memory in bytes.
    pub memory: i64,
}

/// What the scheduler knows of a node.
#[derive(Clone, Debug, Default)]
struct NodeInfo {
    node: Node,
    allocatable: Request,
    max_pods: i64,
    requested: Request,
    pods: i64,
}

/// The scheduler, with its cache of nodes and of what each pod takes.
#[derive(Default)]
pub struct Scheduler {
    nodes: BTreeMap<String, NodeInfo>,
    /// Pods counted on nodes: key → (node, request, owner uid).
    assigned: FxHashMap<ObjectKey, (String, Request, String)>,
    /// Pods of each owner (by uid) on each node, for spreading.
    owner_counts: FxHashMap<String, FxHashMap<String, i64>>,
    /// Pods that did not fit, tried again after their back-off once the
    /// cluster changes.
    unschedulable: queue::UnschedulablePods,
    /// The control-plane host, for the events' reporting instance.
    host: String,
    /// Where the next pod's look at the nodes starts (`nextStartNodeIndex`):
    /// after the last node the pod before looked at.
    next_start_node: usize,
}

/// Below this many nodes the scheduler looks at every node
/// (`minFeasibleNodesToFind`), and it never stops before finding this many.
const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;

/// The least share of the nodes it looks for, in percent
/// (`minFeasibleNodesPercentageToFind`).
const MIN_FEASIBLE_NODES_PERCENTAGE: usize = 5;

/// How many nodes that fit the scheduler looks for before it scores them
/// (`numFeasibleNodesToFind` with the default `percentageOfNodesToScore`):
/// every node up to 100; above that, a share falling from 50% by one point
/// per 125 nodes (at least 5%), and never fewer than 100.
pub fn feasible_nodes_to_find(nodes: usize) -> usize {
    if nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return nodes;
    }
    let percentage = 50usize
        .saturating_sub(nodes / 125)
        .max(MIN_FEASIBLE_NODES_PERCENTAGE);
    (nodes * percentage / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

impl Scheduler {
    /// A scheduler running on `host` (its events name `default-scheduler-<host>`).
    pub fn new(host: impl Into<String>) -> Self {
        Self {
            host: host.into(),
            ..Self::default()
        }
    }

    fn observe_node(&mut self, node: &Node, event: WatchEventType) -> Vec<ObjectKey> {
        let name = node.metadata.name.clone().unwrap_or_default();
        if event == WatchEventType::Deleted {
            self.nodes.remove(&name);
        } else {
            let allocatable = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
            let quantity = |key: &str| allocatable.and_then(|a| a.get(key));
            let info = self.nodes.entry(name).or_default();
            info.node = node.clone();
            info.allocatable = Request {
                cpu: quantity("cpu").and_then(resources::cpu_millis).unwrap_or(0),
                memory: quantity("memory").and_then(resources::bytes).unwrap_or(0),
            };
            info.max_pods = quantity("pods").and_then(resources::bytes).unwrap_or(110);
        }
        self.unschedulable.move_all()
    }

    fn observe_pod(&mut self, key: ObjectKey, pod: &Pod, event: WatchEventType) -> Vec<ObjectKey> {
        let node = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .filter(|n| !n.is_empty());
        let counts = event != WatchEventType::Deleted && !is_finished(pod);
        if counts && node.is_some_and(|node| self.takes_the_same(&key, node, pod)) {
            return Vec::new();
        }
        let freed = self.unaccount(&key);
        match node {
            Some(node) if counts => {
                self.unschedulable.forget(&key);
                self.account(key, node.to_string(), pod);
                Vec::new()
            }
            None if counts
                && wants_this_scheduler(pod)
                && pod.metadata.deletion_timestamp.is_none() =>
            {
                vec![key]
            }
            _ => {
                self.unschedulable.forget(&key);
                if freed {
                    self.unschedulable.move_all()
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn account(&mut self, key: ObjectKey, node: String, pod: &Pod) {
        let request = pod_request(pod);
        let owner = controller_ref(&pod.metadata)
            .map(|r| r.uid.clone())
            .unwrap_or_default();
        if let Some(info) = self.nodes.get_mut(&node) {
            info.requested.cpu += request.cpu;
            info.requested.memory += request.memory;
            info.pods += 1;
        }
        *self
            .owner_counts
            .entry(owner.clone())
            .or_default()
            .entry(node.clone())
            .or_default() += 1;
        self.assigned.insert(key, (node, request, owner));
    }

    /// Whether the pod is already counted on `node`, with the same request
    /// and owner: a change (such as a status update) that moves nothing.
    fn takes_the_same(&self, key: &ObjectKey, node: &str, pod: &Pod) -> bool {
        self.assigned.get(key).is_some_and(|(on, request, owner)| {
            on == node
                && *request == pod_request(pod)
                && controller_ref(&pod.metadata).map_or("", |r| r.uid.as_str()) == owner
        })
    }

    /// Forgets what a pod took; true when it had taken something.
    fn unaccount(&mut self, key: &ObjectKey) -> bool {
        let Some((node, request, owner)) = self.assigned.remove(key) else {
            return false;
        };
        if let Some(info) = self.nodes.get_mut(&node) {
            info.requested.cpu -= request.cpu;
            info.requested.memory -= request.memory;
            info.pods -= 1;
        }
        if let Some(count) = self
            .owner_counts
            .get_mut(&owner)
            .and_then(|nodes| nodes.get_mut(&node))
        {
            *count -= 1;
        }
        true
    }

    fn reporter(&self) -> Reporter {
        Reporter::Controller {
            controller: SCHEDULER_NAME,
            instance: format!("{SCHEDULER_NAME}-{}", self.host),
            action: "Binding",
        }
    }
}

fn is_finished(pod: &Pod) -> bool {
    matches!(pod_util::phase(pod), "Succeeded" | "Failed")
}

fn wants_this_scheduler(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.scheduler_name.as_deref())
        .is_none_or(|n| n == SCHEDULER_NAME)
}

/// The sum of the containers' requests (init containers: their maximum), as the scheduler counts them.
pub fn pod_request(pod: &Pod) -> Request {
    let Some(spec) = pod.spec.as_ref() else {
        return Request::default();
    };
    let of = |c: &k8s_openapi::api::core::v1::Container| {
        let requests = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        Request {
            cpu: requests
                .and_then(|r| r.get("cpu"))
                .and_then(resources::cpu_millis)
                .unwrap_or(0),
            memory: requests
                .and_then(|r| r.get("memory"))
                .and_then(resources::bytes)
                .unwrap_or(0),
        }
    };
    let sum = spec
        .containers
        .iter()
        .map(of)
        .fold(Request::default(), |a, b| Request {
            cpu: a.cpu + b.cpu,
            memory: a.memory + b.memory,
        });
    spec.init_containers
        .iter()
        .flatten()
        .map(of)
        .fold(sum, |a, b| Request {
            cpu: a.cpu.max(b.cpu),
            memory: a.memory.max(b.memory),
        })
}

impl Controller for Scheduler {
    fn name(&self) -> &'static str {
        SCHEDULER_NAME
    }

    fn observe(&mut self, change: &WatchEvent, _store: &Store) -> Vec<ObjectKey> {
        match change.object.as_ref() {
            Object::Node(node) => self.observe_node(node, change.event_type),
            Object::Pod(pod) => {
                self.observe_pod(ObjectKey::of(&change.object), pod, change.event_type)
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&mut self, ctx: Context<'_>, key: &ObjectKey) -> Vec<Action> {
        let Some(object) = ctx.store.get(key) else {
            return Vec::new();
        };
        let Object::Pod(pod) = object.as_ref() else {
            return Vec::new();
        };
        let bound = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty());
        if bound
            || pod.metadata.deletion_timestamp.is_some()
            || !self.unschedulable.may_try(key, ctx.now)
        {
            return Vec::new();
        }
        let request = pod_request(pod);
        let empty_spec = PodSpec::default();
        let spec = pod.spec.as_ref().unwrap_or(&empty_spec);
        let mut failures: BTreeMap<String, (usize, bool)> = BTreeMap::new();
        let total = self.nodes.len();
        let wanted = feasible_nodes_to_find(total);
        let mut feasible: Vec<(&str, &NodeInfo)> = Vec::with_capacity(wanted);
        let start = self.next_start_node % total.max(1);
        let mut looked_at = 0;
        for (name, info) in self
            .nodes
            .iter()
            .skip(start)
            .chain(self.nodes.iter().take(start))
        {
            if feasible.len() == wanted {
                break;
            }
            looked_at += 1;
            match filter(spec, info, request) {
                Ok(()) => feasible.push((name, info)),
                Err((reason, preemption_helps)) => {
                    let entry = failures.entry(reason).or_insert((0, preemption_helps));
                    entry.0 += 1;
                }
            }
        }
        let owner = controller_ref(&pod.metadata).map_or("", |r| r.uid.as_str());
        let best = self
            .best_node(&feasible, request, owner, object.uid())
            .map(str::to_string);
        self.next_start_node = (start + looked_at) % total.max(1);
        match best {
            Some(node) => {
                self.unschedulable.forget(key);
                let fit = feasible.len();
                vec![
                    Action::Explain(Reason::PodScheduled {
                        pod: key.name.clone(),
                        node: node.clone(),
                        fit,
                        looked_at,
                        nodes: total,
                    }),
                    Action::Bind(key.clone(), node.clone()),
                    Action::Record(NewEvent {
                        involved: reference_to(object),
                        event_type: EventType::Normal,
                        reason: "Scheduled",
                        message: format!(
                            "Successfully assigned {}/{} to {node}",
                            key.namespace, key.name
                        ),
                        reporter: self.reporter(),
                    }),
                ]
            }
            None => {
                let [backoff, flush] = self.unschedulable.failed(key, ctx.now);
                let message = unschedulable_message(self.nodes.len(), &failures);
                vec![
                    Action::Explain(Reason::PodUnschedulable {
                        pod: key.name.clone(),
                        message: message.clone(),
                        retry_seconds: backoff / 1000,
                    }),
                    Action::RequeueAfter(backoff),
                    Action::RequeueAfter(flush),
                    Action::MarkUnschedulable(key.clone(), message.clone()),
                    Action::Record(NewEvent {
                        involved: reference_to(object),
                        event_type: EventType::Warning,
                        reason: "FailedScheduling",
                        message,
                        reporter: Reporter::Controller {
                            controller: SCHEDULER_NAME,
                            instance: format!("{SCHEDULER_NAME}-{}", self.host),
                            action: "Scheduling",
                        },
                    }),
                ]
            }
        }
    }
}

impl Scheduler {
    /// The highest-scoring node; ties are broken by the pod's uid, so the
    /// choice is random-looking but the same for the same seed.
    fn best_node<'n>(
        &self,
        feasible: &[(&'n str, &NodeInfo)],
        request: Request,
        owner: &str,
        uid: &str,
    ) -> Option<&'n str> {
        let owned_here = self.owner_counts.get(owner).filter(|_| !owner.is_empty());
        let scored: Vec<(i64, &str)> = feasible
            .iter()
            .map(|(name, info)| {
                let same_owner = owned_here
                    .and_then(|nodes| nodes.get(*name))
                    .copied()
                    .unwrap_or(0);
                (score(info, request, same_owner), *name)
            })
            .collect();
        let best = scored.iter().map(|(s, _)| *s).max()?;
        let top: Vec<&str> = scored
            .iter()
            .filter(|(s, _)| *s == best)
            .map(|(_, n)| *n)
            .collect();
        let pick = fnv1a(uid.as_bytes()) as usize % top.len();
        Some(top[pick])
    }
}

/// A node's score for a pod: least allocated, balanced, and spread from the
/// `same_owner` pods of the pod's owner already there.
fn score(info: &NodeInfo, request: Request, same_owner: i64) -> i64 {
    let free = |alloc: i64, used: i64| {
        if alloc <= 0 {
            0
        } else {
            ((alloc - used).max(0) * 100) / alloc
        }
    };
    let cpu_used = info.requested.cpu + request.cpu;
    let mem_used = info.requested.memory + request.memory;
    let least_allocated =
        (free(info.allocatable.cpu, cpu_used) + free(info.allocatable.memory, mem_used)) / 2;
    let balanced = 100
        - (free(info.allocatable.cpu, cpu_used) - free(info.allocatable.memory, mem_used)).abs();
    let spread = 100 - (same_owner * 10).min(100);
    least_allocated + balanced + 2 * spread
}

/// FNV-1a, for stable tie-breaking.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// Why a pod cannot go to a node, and whether preempting pods there could help.
fn filter(spec: &PodSpec, info: &NodeInfo, request: Request) -> Result<(), (String, bool)> {
    let node_spec = info.node.spec.as_ref();
    if node_spec.and_then(|s| s.unschedulable) == Some(true) && !tolerates_unschedulable(spec) {
        return Err(("node(s) were unschedulable".into(), false));
    }
    let taints = node_spec.and_then(|s| s.taints.as_deref()).unwrap_or(&[]);
    if let Some(taint) = untolerated_taint(taints, spec.tolerations.as_deref().unwrap_or(&[])) {
        let value = taint.value.clone().unwrap_or_default();
        return Err((
            format!("node(s) had untolerated taint {{{}: {value}}}", taint.key),
            false,
        ));
    }
    if !matches_node_selector(spec, &info.node) {
        return Err((
            "node(s) didn't match Pod's node affinity/selector".into(),
            false,
        ));
    }
    if info.pods + 1 > info.max_pods {
        return Err(("Too many pods".into(), true));
    }
    if request.cpu > 0 && info.requested.cpu + request.cpu > info.allocatable.cpu {
        return Err(("Insufficient cpu".into(), true));
    }
    if request.memory > 0 && info.requested.memory + request.memory > info.allocatable.memory {
        return Err(("Insufficient memory".into(), true));
    }
    Ok(())
}

fn tolerates_unschedulable(spec: &PodSpec) -> bool {
    spec.tolerations.iter().flatten().any(|t| {
        t.key.as_deref() == Some("node.kubernetes.io/unschedulable")
            && t.effect.as_deref().is_none_or(|e| e == "NoSchedule")
    })
}

/// The first NoSchedule or NoExecute taint no toleration covers.
pub fn untolerated_taint<'t>(taints: &'t [Taint], tolerations: &[Toleration]) -> Option<&'t Taint> {
    taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|taint| !tolerations.iter().any(|t| tolerates(t, taint)))
}

/// Whether a toleration covers a taint.
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect_ok = toleration
        .effect
        .as_deref()
        .is_none_or(|e| e.is_empty() || e == taint.effect);
    let key_ok = toleration
        .key
        .as_deref()
        .is_none_or(|k| k.is_empty() || k == taint.key);
    let value_ok = match toleration.operator.as_deref().unwrap_or("Equal") {
        "Exists" => true,
        _ => toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
    };
    let empty_key_needs_exists = toleration.key.as_deref().unwrap_or("").is_empty()
        && toleration.operator.as_deref() != Some("Exists");
    effect_ok && key_ok && value_ok && !empty_key_needs_exists
}

fn matches_node_selector(spec: &PodSpec, node: &Node) -> bool {
    if spec.node_selector.is_none() && spec.affinity.is_none() {
        return true;
    }
    let labels = labels_of(&node.metadata);
    let selector_ok = spec
        .node_selector
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let terms = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|r| &r.node_selector_terms);
    let affinity_ok = match terms {
        None => true,
        Some(terms) => terms.iter().any(|term| term_matches(term, node, labels)),
    };
    selector_ok && affinity_ok
}

fn term_matches(term: &NodeSelectorTerm, node: &Node, labels: &BTreeMap<String, String>) -> bool {
    let expressions_ok = term
        .match_expressions
        .iter()
        .flatten()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)));
    let name = node.metadata.name.as_deref();
    let fields_ok = term
        .match_fields
        .iter()
        .flatten()
        .all(|r| r.key == "metadata.name" && requirement_matches(r, name));
    let empty = term.match_expressions.as_ref().is_none_or(Vec::is_empty)
        && term.match_fields.as_ref().is_none_or(Vec::is_empty);
    !empty && expressions_ok && fields_ok
}

fn requirement_matches(requirement: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = requirement.values.as_deref().unwrap_or(&[]);
    let number = |v: Option<&str>| v.and_then(|v| v.parse::<i64>().ok());
    let bound = values.first().and_then(|v| v.parse::<i64>().ok());
    match requirement.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => matches!((number(value), bound), (Some(v), Some(b)) if v > b),
        "Lt" => matches!((number(value), bound), (Some(v), Some(b)) if v < b),
        _ => false,
    }
}

/// `0/3 nodes are available: 1 node(s) had untolerated taint {…}, 2 Insufficient cpu. preemption: …`
pub fn unschedulable_message(total: usize, failures: &BTreeMap<String, (usize, bool)>) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".into();
    }
    let mut reasons: Vec<String> = failures
        .iter()
        .map(|(reason, (n, _))| format!("{n} {reason}"))
        .collect();
    reasons.sort();
    let reasons = reasons.join(", ");
    let helpless: usize = failures
        .values()
        .filter(|(_, helps)| !helps)
        .map(|(n, _)| n)
        .sum();
    let victims: usize = failures
        .values()
        .filter(|(_, helps)| *helps)
        .map(|(n, _)| n)
        .sum();
    let mut preemption = Vec::new();
    if victims > 0 {
        preemption.push(format!(
            "{victims} No preemption victims found for incoming pod"
        ));
    }
    if helpless > 0 {
        preemption.push(format!(
            "{helpless} Preemption is not helpful for scheduling"
        ));
    }
    preemption.sort();
    format!(
        "0/{total} nodes are available: {reasons}. preemption: 0/{total} nodes are available: {}.",
        preemption.join(", ")
    )
}

/// Pods a fresh scheduler must look at after a restore: every unbound pod.
pub fn unbound_pods(store: &Store) -> BTreeSet<ObjectKey> {
    store
        .pods_on_node("")
        .map(|(ns, name)| ObjectKey::new(Kind::Pod, ns.clone(), name.clone()))
        .collect()
}

//! Why a controller acted, as data: the event log words it in the
//! learner's language. [`Reason`]'s `Display` is the English wording.

use std::fmt;

/// Why a controller acted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The garbage collector deletes an object whose owners are all gone.
    OwnersGone {
        /// The object's kind (`Pod`).
        kind: &'static str,
        /// The object's name.
        name: String,
        /// Its owners, as `ReplicaSet echo`.
        owners: Vec<String>,
    },
    /// A Deployment scales one of its ReplicaSets.
    ReplicaSetScaled {
        /// The Deployment.
        deployment: String,
        /// The ReplicaSet.
        replica_set: String,
        /// Its replicas before.
        from: i32,
        /// Its replicas after.
        to: i32,
        /// What set the new count.
        cause: ScaleCause,
    },
    /// A ReplicaSet creates pods.
    PodsCreated {
        /// The ReplicaSet.
        replica_set: String,
        /// How many it creates now.
        count: usize,
        /// How many existed.
        existed: usize,
        /// How many it wants.
        wanted: usize,
        /// The most it creates at a time, when that held it back.
        burst: Option<usize>,
    },
    /// A ReplicaSet deletes pods.
    PodsDeleted {
        /// The ReplicaSet.
        replica_set: String,
        /// How many it deletes now.
        count: usize,
        /// How many existed.
        existed: usize,
        /// How many it wants.
        wanted: usize,
    },
    /// The scheduler binds a pod to a node.
    PodScheduled {
        /// The pod.
        pod: String,
        /// The node.
        node: String,
        /// How many of the nodes looked at could take it.
        fit: usize,
        /// How many nodes it looked at: all of them, except in a cluster
        /// of over 100 nodes, where it stops once it has found enough.
        looked_at: usize,
        /// How many nodes there are.
        nodes: usize,
    },
    /// The scheduler finds no node for a pod.
    PodUnschedulable {
        /// The pod.
        pod: String,
        /// kube-scheduler's message (`0/3 nodes are available: …`).
        message: String,
        /// When it tries again at the soonest, in seconds.
        retry_seconds: i64,
    },
}

/// What set a ReplicaSet's new count during a Deployment's sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleCause {
    /// `spec.replicas`, with no rollout under way.
    Replicas(i32),
    /// The Recreate strategy stops every old pod first.
    Recreate,
    /// A rolling update adds pods within replicas + maxSurge.
    Surge {
        /// `spec.replicas`.
        replicas: i32,
        /// maxSurge, resolved.
        surge: i32,
    },
    /// A rolling update removes pods keeping replicas − maxUnavailable.
    Availability {
        /// `spec.replicas`.
        replicas: i32,
        /// maxUnavailable, resolved.
        unavailable: i32,
    },
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl fmt::Display for ScaleCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ScaleCause::Replicas(replicas) => write!(f, "spec.replicas is {replicas}"),
            ScaleCause::Recreate => {
                f.write_str("the Recreate strategy stops every old pod before new ones start")
            }
            ScaleCause::Surge { replicas, surge } => write!(
                f,
                "the rollout adds new pods, at most {} at once ({replicas} replicas + maxSurge {surge})",
                replicas + surge
            ),
            ScaleCause::Availability {
                replicas,
                unavailable,
            } => write!(
                f,
                "the rollout removes old pods while at least {} stay available ({replicas} replicas − maxUnavailable {unavailable})",
                replicas - unavailable
            ),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::OwnersGone { kind, name, owners } => write!(
                f,
                "The garbage collector deletes {kind} {name}: its owner {} is gone.",
                owners.join(" and ")
            ),
            Reason::ReplicaSetScaled {
                deployment,
                replica_set,
                from,
                to,
                cause,
            } => {
                let direction = if to > from { "up" } else { "down" };
                write!(
                    f,
                    "Deployment {deployment} scales {direction} ReplicaSet {replica_set} from {from} to {to}: {cause}."
                )
            }
            Reason::PodsCreated {
                replica_set,
                count,
                existed,
                wanted,
                burst,
            } => {
                write!(
                    f,
                    "ReplicaSet {replica_set} creates {count} pod{}: {existed} of {wanted} replicas existed",
                    plural(*count)
                )?;
                if let Some(burst) = burst {
                    write!(f, " (at most {burst} at a time)")?;
                }
                f.write_str(".")
            }
            Reason::PodsDeleted {
                replica_set,
                count,
                existed,
                wanted,
            } => write!(
                f,
                "ReplicaSet {replica_set} deletes {count} pod{}: {existed} existed, {wanted} wanted; pods not yet scheduled, not ready or newest go first.",
                plural(*count)
            ),
            Reason::PodScheduled {
                pod,
                node,
                fit,
                looked_at,
                nodes,
            } if looked_at < nodes => write!(
                f,
                "The scheduler puts pod {pod} on {node}: in a cluster of {nodes} nodes it looks at nodes only until {fit} could take it ({looked_at} looked at, starting where the last pod left off), and {node} scored highest of those (free room, balance, and fewest pods of the same owner)."
            ),
            Reason::PodScheduled {
                pod,
                node,
                fit,
                nodes,
                ..
            } => write!(
                f,
                "The scheduler puts pod {pod} on {node}: {fit} of {nodes} node{} could take it, and {node} scored highest (free room, balance, and fewest pods of the same owner).",
                plural(*nodes)
            ),
            Reason::PodUnschedulable {
                pod,
                message,
                retry_seconds,
            } => write!(
                f,
                "The scheduler finds no node for pod {pod}: {message} It tries again once the cluster changes, {retry_seconds} s from now at the soonest."
            ),
        }
    }
}

//! The live picture of the cluster, in SVG: the nodes holding their pods
//! holding their containers (the seed's 5.4), then Deployments →
//! ReplicaSets → Pods and Services → the pods they send traffic to. The
//! picture is a plain value built from a store (`picture`): the in-tab
//! cluster's, or in server mode the mirror of the server's objects. It is
//! rebuilt only when that store moves, and drawn by components keyed by
//! name whose props compare by value: when one pod changes, Yew redraws
//! that pod (and what moved), not the other five hundred.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::Pod;
use yew::prelude::*;

use sunaba_core::api::selector::Selector;
use sunaba_core::api::{Kind, Object};
use sunaba_core::cluster::Request;
use sunaba_core::kubectl::get::printers::pod_summary;
use sunaba_core::store::Store;
use sunaba_core::time::SimTime;

use super::inspector::Inspected;
use crate::i18n::{use_lang, Lang, Texts};

/// A container as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerBox {
    /// Its name.
    pub name: String,
    /// `running`, `waiting` or `terminated`.
    pub state: &'static str,
    /// Whether it is ready.
    pub ready: bool,
}

/// A pod as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodBox {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// kubectl's STATUS.
    pub status: String,
    /// READY as `n/m`.
    pub ready: String,
    /// RESTARTS.
    pub restarts: String,
    /// Its containers.
    pub containers: Vec<ContainerBox>,
}

/// A node and its pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeBox {
    /// Its name.
    pub name: String,
    /// Whether it runs the control plane.
    pub control_plane: bool,
    /// The pods bound to it.
    pub pods: Vec<Rc<PodBox>>,
}

/// A Deployment (or a ReplicaSet without one) and what it owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadBox {
    /// `deployment/echo` or `replicaset/echo-summer`.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// `3/3` ready.
    pub ready: String,
    /// Its ReplicaSets with their pods (a bare ReplicaSet lists itself).
    pub replica_sets: Vec<(String, Vec<String>)>,
}

/// A Service and the pods it selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceBox {
    /// Its name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// Its ClusterIP.
    pub cluster_ip: String,
    /// The pods behind it, and whether each is ready.
    pub pods: Vec<(String, bool)>,
}

/// Everything the view draws.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Picture {
    /// The nodes, control plane first.
    pub nodes: Vec<Rc<NodeBox>>,
    /// Pods no node has yet.
    pub pending: Vec<Rc<PodBox>>,
    /// Deployments and ReplicaSets.
    pub workloads: Vec<Rc<WorkloadBox>>,
    /// Services.
    pub services: Vec<Rc<ServiceBox>>,
}

/// Builds the picture from a store's objects (the in-tab cluster's, or
/// the mirror of the server's) at `now`.
pub fn picture(store: &Store, now: SimTime) -> Picture {
    Painter::default().picture(store, now)
}

/// Builds pictures again and again, reusing each drawn pod whose object did
/// not change (same uid and resourceVersion): the work per picture then
/// grows with what changed, and the unchanged pods' props compare equal
/// by pointer.
#[derive(Default)]
pub struct Painter {
    /// The pods drawn last time, by uid, with their resourceVersion.
    pods: FxHashMap<String, (String, Rc<PodBox>)>,
}

impl Painter {
    /// The picture of `store` at `now`.
    pub fn picture(&mut self, store: &Store, now: SimTime) -> Picture {
        let mut drawn_before = std::mem::take(&mut self.pods);
        let mut picture = nodes_and_pods(store, |object, pod| {
            let version = object.metadata().resource_version.as_deref().unwrap_or("");
            // An unchanged pod keeps its box, and its entry's strings.
            let (uid, version, drawn) = match drawn_before.remove_entry(object.uid()) {
                Some((uid, (before, drawn))) if before == version => (uid, before, drawn),
                Some((uid, _)) => (uid, version.to_string(), Rc::new(pod_box(object, pod, now))),
                None => (
                    object.uid().to_string(),
                    version.to_string(),
                    Rc::new(pod_box(object, pod, now)),
                ),
            };
            self.pods.insert(uid, (version, drawn.clone()));
            drawn
        });
        picture.workloads = workloads(store).into_iter().map(Rc::new).collect();
        picture.services = services(store).into_iter().map(Rc::new).collect();
        picture
    }
}

/// A pod as drawn: STATUS, READY and RESTARTS as kubectl counts them (the
/// count alone, so that the box depends on the object only), and its
/// containers' states.
fn pod_box(object: &Object, pod: &Pod, now: SimTime) -> PodBox {
    let summary = pod_summary(pod, now);
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default();
    let containers = pod
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let status = statuses.iter().find(|s| s.name == c.name);
            let state = status.and_then(|s| s.state.as_ref());
            ContainerBox {
                name: c.name.clone(),
                state: match state {
                    Some(s) if s.running.is_some() => "running",
                    Some(s) if s.terminated.is_some() => "terminated",
                    _ => "waiting",
                },
                ready: status.is_some_and(|s| s.ready),
            }
        })
        .collect();
    PodBox {
        namespace: object.namespace().to_string(),
        name: object.name().to_string(),
        status: summary.status,
        ready: format!("{}/{}", summary.ready, summary.total),
        restarts: summary.restart_count.to_string(),
        containers,
    }
}

/// The nodes, control plane first, with the pods bound to them, and the
/// pods not yet bound; `draw` gives each pod's box.
fn nodes_and_pods(store: &Store, mut draw: impl FnMut(&Object, &Pod) -> Rc<PodBox>) -> Picture {
    let mut nodes: Vec<NodeBox> = store
        .list(Kind::Node, None)
        .map(|n| NodeBox {
            name: n.name().to_string(),
            control_plane: n
                .metadata()
                .labels
                .as_ref()
                .is_some_and(|l| l.contains_key("node-role.kubernetes.io/control-plane")),
            pods: Vec::new(),
        })
        .collect();
    nodes.sort_by_key(|n| !n.control_plane);
    let mut pending = Vec::new();
    for object in store.list(Kind::Pod, None) {
        let Object::Pod(pod) = object.as_ref() else {
            continue;
        };
        let drawn = draw(object.as_ref(), pod);
        let node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
        match node.and_then(|n| nodes.iter_mut().find(|b| b.name == n)) {
            Some(node) => node.pods.push(drawn),
            None => pending.push(drawn),
        }
    }
    Picture {
        nodes: nodes.into_iter().map(Rc::new).collect(),
        pending,
        ..Picture::default()
    }
}

fn workloads(store: &Store) -> Vec<WorkloadBox> {
    let pods_of = |uid: &str| -> Vec<String> {
        store
            .dependents_of(uid)
            .filter(|k| k.kind == Kind::Pod)
            .map(|k| k.name.clone())
            .collect()
    };
    let replica_sets_of = |uid: &str| -> Vec<(String, Vec<String>)> {
        store
            .dependents_of(uid)
            .filter(|k| k.kind == Kind::ReplicaSet)
            .filter_map(|k| store.get(k))
            .map(|rs| (rs.name().to_string(), pods_of(rs.uid())))
            .collect()
    };
    let mut drawn = Vec::new();
    for object in store.list(Kind::Deployment, None) {
        let Object::Deployment(d) = object.as_ref() else {
            continue;
        };
        let wanted = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let ready = d
            .status
            .as_ref()
            .and_then(|s| s.ready_replicas)
            .unwrap_or(0);
        drawn.push(WorkloadBox {
            name: format!("deployment/{}", object.name()),
            namespace: object.namespace().to_string(),
            ready: format!("{ready}/{wanted}"),
            replica_sets: replica_sets_of(object.uid()),
        });
    }
    for object in store.list(Kind::ReplicaSet, None) {
        let Object::ReplicaSet(rs) = object.as_ref() else {
            continue;
        };
        let owned = rs
            .metadata
            .owner_references
            .as_ref()
            .is_some_and(|o| o.iter().any(|r| r.controller == Some(true)));
        if owned {
            continue;
        }
        let wanted = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let ready = rs
            .status
            .as_ref()
            .and_then(|s| s.ready_replicas)
            .unwrap_or(0);
        drawn.push(WorkloadBox {
            name: format!("replicaset/{}", object.name()),
            namespace: object.namespace().to_string(),
            ready: format!("{ready}/{wanted}"),
            replica_sets: vec![(object.name().to_string(), pods_of(object.uid()))],
        });
    }
    drawn
}

fn services(store: &Store) -> Vec<ServiceBox> {
    let mut drawn = Vec::new();
    for object in store.list(Kind::Service, None) {
        let Object::Service(svc) = object.as_ref() else {
            continue;
        };
        let spec = svc.spec.clone().unwrap_or_default();
        let selector: BTreeMap<String, String> = spec.selector.clone().unwrap_or_default();
        let pods = if selector.is_empty() {
            Vec::new()
        } else {
            let selector = Selector::from_map(&selector);
            store
                .list(Kind::Pod, Some(object.namespace()))
                .filter(|p| selector.matches_object(p))
                .map(|p| {
                    let ready = match p.as_ref() {
                        Object::Pod(pod) => sunaba_core::controllers::pod_util::is_ready(pod),
                        _ => false,
                    };
                    (p.name().to_string(), ready)
                })
                .collect()
        };
        drawn.push(ServiceBox {
            name: object.name().to_string(),
            namespace: object.namespace().to_string(),
            cluster_ip: spec.cluster_ip.unwrap_or_default(),
            pods,
        });
    }
    drawn
}

/// The colour class of a pod's STATUS.
pub fn status_class(status: &str) -> &'static str {
    match status {
        "Running" | "Completed" => "ok",
        "ContainerCreating" | "Pending" | "PodInitializing" | "Terminating" => "busy",
        // `Init:0/1` is progress; `Init:ErrImagePull` and the like are not.
        s if s
            .strip_prefix("Init:")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit())) =>
        {
            "busy"
        }
        _ => "bad",
    }
}

/// The picture's props.
#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    /// What to draw.
    pub picture: Rc<Picture>,
    /// An object clicked (or chosen with Enter): the inspector opens it.
    pub on_inspect: Callback<Inspected>,
    /// The latest request between pods, whose path is animated: the
    /// sending pod, the Service, then the pod that answered.
    #[prop_or_default]
    pub traffic: Option<Rc<Request>>,
}

/// A pod's part in a request: `from` sent it, `to` answered it.
fn traffic_role(request: Option<&Request>, namespace: &str, name: &str) -> Option<&'static str> {
    let request = request?;
    let is = |pod: &(String, String)| pod.0 == namespace && pod.1 == name;
    if request.hops.iter().any(|h| is(&h.from) && !is(&h.to)) {
        Some("from")
    } else if request.hops.iter().any(|h| is(&h.to) && !is(&h.from)) {
        Some("to")
    } else {
        None
    }
}

/// The animation class for request number `sequence`: `pulse0` and
/// `pulse1` are the same keyframes, so a new request restarts it.
fn pulse(sequence: u64) -> &'static str {
    if sequence.is_multiple_of(2) {
        "pulse0"
    } else {
        "pulse1"
    }
}

/// `pod/debug → service/echo → pod/echo-summer-x · 200`.
fn traffic_caption(request: &Request) -> String {
    let mut parts: Vec<String> = Vec::new();
    for hop in request.hops.iter().filter(|h| h.from != h.to) {
        if parts.is_empty() {
            parts.push(format!("pod/{}", hop.from.1));
        }
        if let Some((_, service)) = &hop.service {
            parts.push(format!("service/{service}"));
        }
        parts.push(format!("pod/{}", hop.to.1));
    }
    let status = request
        .status
        .map_or_else(|| "no answer".to_string(), |s| s.to_string());
    format!("{} {} · {status}", request.url, parts.join(" → "))
}

/// A click and an Enter (or Space) that open `target` in the inspector.
fn opens(
    on_inspect: &Callback<Inspected>,
    target: Inspected,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let on_click = {
        let on_inspect = on_inspect.clone();
        let target = target.clone();
        Callback::from(move |event: MouseEvent| {
            event.stop_propagation();
            on_inspect.emit(target.clone());
        })
    };
    let on_key = {
        let on_inspect = on_inspect.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" || event.key() == " " {
                event.prevent_default();
                on_inspect.emit(target.clone());
            }
        })
    };
    (on_click, on_key)
}

/// `deployment/echo` as the inspector's target.
fn workload_target(name: &str, namespace: &str) -> Inspected {
    let (kind, name) = match name.split_once('/') {
        Some(("deployment", name)) => (Kind::Deployment, name),
        Some((_, name)) => (Kind::ReplicaSet, name),
        None => (Kind::ReplicaSet, name),
    };
    Inspected {
        kind,
        namespace: namespace.to_string(),
        name: name.to_string(),
    }
}

const NODE_WIDTH: i32 = 250;
const POD_HEIGHT: i32 = 58;
const GAP: i32 = 14;
/// Room for a node's name and role above its pods.
const NODE_HEADER: i32 = 48;

/// Above this many pods the picture draws groups instead of single pods
/// (with the margin [`Density::for_count`] gives).
pub const GROUP_ABOVE: usize = 500;

/// Above this many pods single pods are drawn as tiles, not labelled boxes
/// (with the same margin).
pub const TILES_ABOVE: usize = 60;

/// A pod tile's side.
const TILE: i32 = 20;
/// The room between tiles.
const TILE_GAP: i32 = 4;

/// How densely the view draws pods, sparsest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Density {
    /// A labelled box per pod.
    Boxes,
    /// A small tile per pod (above [`TILES_ABOVE`]).
    Tiles,
    /// A box per owner and STATUS (above [`GROUP_ABOVE`]).
    Groups,
}

impl Density {
    /// The density for `total` pods, coming from `before`. It grows denser
    /// only once the count is a twentieth past a threshold, and sparser as
    /// soon as the count is back under it: a count that wavers at a
    /// threshold (pods terminating while their replacements start) does
    /// not redraw every pod back and forth.
    fn for_count(total: usize, before: Density) -> Density {
        let at = |tiles_above: usize, groups_above: usize| {
            if total > groups_above {
                Density::Groups
            } else if total > tiles_above {
                Density::Tiles
            } else {
                Density::Boxes
            }
        };
        let plain = at(TILES_ABOVE, GROUP_ABOVE);
        let past_margin = at(
            TILES_ABOVE + TILES_ABOVE / 20,
            GROUP_ABOVE + GROUP_ABOVE / 20,
        );
        if plain < before {
            plain
        } else {
            past_margin.max(before)
        }
    }
}

/// How a node lays out its pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One labelled box per row, with the containers inside.
    Boxes,
    /// Small tiles in rows.
    Tiles,
}

impl Layout {
    fn per_row(self) -> usize {
        match self {
            Layout::Boxes => 1,
            Layout::Tiles => ((NODE_WIDTH - 20 + TILE_GAP) / (TILE + TILE_GAP)) as usize,
        }
    }

    fn pitch(self) -> i32 {
        match self {
            Layout::Boxes => POD_HEIGHT + 8,
            Layout::Tiles => TILE + TILE_GAP,
        }
    }

    /// The offset of the `index`th pod from the node's first.
    fn place(self, index: usize) -> (i32, i32) {
        let per_row = self.per_row();
        let (row, column) = (index / per_row, index % per_row);
        (column as i32 * self.pitch(), row as i32 * self.pitch())
    }

    /// The height `count` pods take.
    fn height(self, count: usize) -> i32 {
        count.div_ceil(self.per_row()) as i32 * self.pitch()
    }
}

/// Pods drawn as one box: those of one owner (the name before the last
/// `-suffix`, as a ReplicaSet names its pods) with one STATUS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodGroup {
    /// `web-7c5ddbdf54` (or a bare pod's own name).
    pub owner: String,
    /// kubectl's STATUS they share.
    pub status: String,
    /// How many.
    pub count: usize,
}

/// `pods` grouped by owner and STATUS, in first-seen order.
pub fn groups(pods: &[Rc<PodBox>]) -> Vec<PodGroup> {
    let mut groups: Vec<PodGroup> = Vec::new();
    for pod in pods {
        let owner = pod
            .name
            .rsplit_once('-')
            .map_or(pod.name.as_str(), |(owner, _)| owner);
        match groups
            .iter_mut()
            .find(|g| g.owner == owner && g.status == pod.status)
        {
            Some(group) => group.count += 1,
            None => groups.push(PodGroup {
                owner: owner.to_string(),
                status: pod.status.clone(),
                count: 1,
            }),
        }
    }
    groups
}

/// The cluster view panel.
#[function_component(ClusterView)]
pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let lang = use_lang();
    let texts = lang.texts();
    let picture = &props.picture;
    let total: usize =
        picture.nodes.iter().map(|n| n.pods.len()).sum::<usize>() + picture.pending.len();
    let density = use_mut_ref(|| Density::Boxes);
    let now = Density::for_count(total, *density.borrow());
    *density.borrow_mut() = now;
    let grouped = now == Density::Groups;
    let layout = if now == Density::Tiles {
        Layout::Tiles
    } else {
        Layout::Boxes
    };
    let boxes = |node: &NodeBox| {
        if grouped {
            groups(&node.pods).len()
        } else {
            node.pods.len()
        }
    };
    let tallest = picture.nodes.iter().map(|n| boxes(n)).max().unwrap_or(0);
    let node_height = NODE_HEADER + layout.height(tallest.max(1));
    let width = picture.nodes.len() as i32 * (NODE_WIDTH + GAP) + GAP;
    let height = node_height + 2 * GAP;
    html! {
        <section class="panel cluster-view" data-testid="cluster-view" aria-label={texts.cluster}>
            <svg class="nodes-picture" role="img" aria-label={texts.nodes_picture}
                viewBox={format!("0 0 {width} {height}")} width={width.to_string()} height={height.to_string()}>
                <rect class="cluster" x="2" y="2" width={(width - 4).to_string()} height={(height - 4).to_string()} rx="12" />
                { for picture.nodes.iter().enumerate().map(|(i, node)| html! {
                    <NodeView key={node.name.clone()} node={node.clone()} on_inspect={props.on_inspect.clone()}
                        traffic={props.traffic.clone()} grouped={grouped} layout={layout} lang={lang}
                        x={GAP + i as i32 * (NODE_WIDTH + GAP)} y={GAP} height={node_height} />
                }) }
            </svg>
            if !picture.pending.is_empty() {
                <p class="pending" data-testid="pending-pods">
                    { texts.not_scheduled }
                    if grouped {
                        { for groups(&picture.pending).iter().map(|g| html! {
                            <span class="chip bad" data-testid={format!("pod-group-{}", g.owner)}>
                                { format!("{} ×{} ({})", g.owner, g.count, g.status) }
                            </span>
                        }) }
                    } else {
                        { for picture.pending.iter().map(|p| html! { <PendingChip key={p.name.clone()} pod={p.clone()} on_inspect={props.on_inspect.clone()} lang={lang} /> }) }
                    }
                </p>
            }
            <div class="relations">
                <div class="workloads" data-testid="workloads">
                    <h3>{ texts.workloads }</h3>
                    { for picture.workloads.iter().map(|w| html! { <WorkloadView key={format!("{}/{}", w.namespace, w.name)} workload={w.clone()} on_inspect={props.on_inspect.clone()} /> }) }
                </div>
                <div class="services" data-testid="services">
                    <h3>{ texts.services }</h3>
                    { for picture.services.iter().map(|s| {
                        let via = props.traffic.as_ref().filter(|r| {
                            r.hops.iter().any(|h| h.service.as_ref().is_some_and(|(ns, name)| *ns == s.namespace && *name == s.name))
                        }).map(|r| r.sequence);
                        html! { <ServiceView key={format!("{}/{}", s.namespace, s.name)} service={s.clone()} on_inspect={props.on_inspect.clone()} via={via} /> }
                    }) }
                    if let Some(request) = &props.traffic {
                        <p class="traffic-path" data-testid="traffic">{ traffic_caption(request) }</p>
                    }
                </div>
            </div>
        </section>
    }
}

/// A node's props: the node and its box's place.
#[derive(Properties, PartialEq)]
struct NodeProps {
    node: Rc<NodeBox>,
    x: i32,
    y: i32,
    height: i32,
    on_inspect: Callback<Inspected>,
    traffic: Option<Rc<Request>>,
    /// Draw groups of pods instead of single pods (above [`GROUP_ABOVE`]).
    grouped: bool,
    /// How single pods are drawn.
    layout: Layout,
    /// The interface's language.
    lang: Lang,
}

#[function_component(NodeView)]
fn node_view(props: &NodeProps) -> Html {
    let NodeProps {
        node,
        x,
        y,
        height,
        on_inspect,
        traffic,
        grouped,
        layout,
        lang,
    } = props;
    let texts = lang.texts();
    let (x, y) = (*x, *y);
    let (on_click, on_key) = opens(
        on_inspect,
        Inspected {
            kind: Kind::Node,
            namespace: String::new(),
            name: node.name.clone(),
        },
    );
    html! {
        <g class="node" data-testid={format!("node-{}", node.name)}>
            <rect x={x.to_string()} y={y.to_string()} width={NODE_WIDTH.to_string()} height={height.to_string()} rx="10" />
            <text class="node-name" x={(x + 12).to_string()} y={(y + 24).to_string()}
                role="button" tabindex="0" aria-label={(texts.inspect)(&format!("node/{}", node.name))}
                onclick={on_click} onkeydown={on_key}>{ &node.name }</text>
            if node.control_plane {
                <text class="node-role" x={(x + 12).to_string()} y={(y + 38).to_string()}>{ "control-plane · NoSchedule" }</text>
            }
            if *grouped {
                { for groups(&node.pods).iter().enumerate().map(|(i, group)| draw_group(group, x + 10, y + NODE_HEADER + i as i32 * (POD_HEIGHT + 8), texts)) }
            } else {
                // Each pod in a group moved by its place alone: when pods
                // come and go, the others move without being drawn again.
                { for node.pods.iter().enumerate().map(|(i, pod)| {
                    let (dx, dy) = layout.place(i);
                    html! {
                        <g key={format!("{}/{}", pod.namespace, pod.name)}
                            transform={format!("translate({},{})", x + 10 + dx, y + NODE_HEADER + dy)}>
                            <PodView pod={pod.clone()} on_inspect={on_inspect.clone()} lang={*lang}
                                tile={*layout == Layout::Tiles}
                                traffic={traffic_role(traffic.as_deref(), &pod.namespace, &pod.name).zip(traffic.as_ref().map(|r| r.sequence))} />
                        </g>
                    }
                }) }
            }
        </g>
    }
}

/// A group of pods as one box: their owner, how many, their STATUS.
fn draw_group(group: &PodGroup, x: i32, y: i32, texts: &Texts) -> Html {
    let width = NODE_WIDTH - 20;
    html! {
        <g class={classes!("pod", "group", status_class(&group.status))}
            data-testid={format!("pod-group-{}", group.owner)} data-status={group.status.clone()}>
            <title>{ (texts.pod_group)(group.count, &group.owner, &group.status) }</title>
            <rect x={x.to_string()} y={y.to_string()} width={width.to_string()} height={POD_HEIGHT.to_string()} rx="8" />
            <text class="pod-name" x={(x + 8).to_string()} y={(y + 17).to_string()}>{ format!("{}-*", shorten(&group.owner, 26)) }</text>
            <text class="pod-status" x={(x + 8).to_string()} y={(y + 33).to_string()}>
                { format!("×{}  {}", group.count, group.status) }
            </text>
        </g>
    }
}

/// A pod's props: the pod, drawn from (0, 0) of its group.
#[derive(Properties, PartialEq)]
struct PodProps {
    pod: Rc<PodBox>,
    /// Drawn as a small tile (many pods), not a labelled box.
    tile: bool,
    on_inspect: Callback<Inspected>,
    /// Its part in the latest request, and that request's number.
    traffic: Option<(&'static str, u64)>,
    /// The interface's language.
    lang: Lang,
}

/// A pod as the inspector's target.
fn pod_target(pod: &PodBox) -> Inspected {
    Inspected {
        kind: Kind::Pod,
        namespace: pod.namespace.clone(),
        name: pod.name.clone(),
    }
}

/// A pod: `data-status` is the STATUS kubectl prints.
#[function_component(PodView)]
fn pod_view(props: &PodProps) -> Html {
    let PodProps {
        pod,
        tile,
        on_inspect,
        traffic,
        lang,
    } = props;
    let (x, y) = (0, 0);
    let (on_click, on_key) = opens(on_inspect, pod_target(pod));
    if *tile {
        return pod_tile(pod, *traffic, lang.texts(), on_click, on_key);
    }
    let class = classes!("pod", status_class(&pod.status));
    let width = NODE_WIDTH - 20;
    html! {
        <g class={class} data-testid={format!("pod-{}", pod.name)} data-status={pod.status.clone()}
            role="button" tabindex="0" aria-label={(lang.texts().inspect)(&format!("pod/{}", pod.name))}
            onclick={on_click} onkeydown={on_key}>
            <title>{ format!("{}/{}: {} {} restarts {}", pod.namespace, pod.name, pod.status, pod.ready, pod.restarts) }</title>
            <rect x={x.to_string()} y={y.to_string()} width={width.to_string()} height={POD_HEIGHT.to_string()} rx="8" />
            if let Some((role, sequence)) = traffic {
                // Two identical animations, alternated: each request restarts it.
                <rect class={classes!("traffic", *role, pulse(*sequence))} data-testid={format!("traffic-{role}")}
                    x={(x - 3).to_string()} y={(y - 3).to_string()} width={(width + 6).to_string()} height={(POD_HEIGHT + 6).to_string()} rx="10" />
            }
            <text class="pod-name" x={(x + 8).to_string()} y={(y + 17).to_string()}>{ shorten(&pod.name, 30) }</text>
            <text class="pod-status" x={(x + 8).to_string()} y={(y + 33).to_string()}>
                { format!("{}  {}  ↻{}", pod.status, pod.ready, pod.restarts) }
            </text>
            { for pod.containers.iter().enumerate().map(|(i, c)| {
                let cx = x + 8 + i as i32 * 72;
                html! {
                    <g class={classes!("container", c.state, c.ready.then_some("ready"))} data-testid={format!("container-{}-{}", pod.name, c.name)}>
                        <rect x={cx.to_string()} y={(y + 39).to_string()} width="66" height="14" rx="3" />
                        <text x={(cx + 4).to_string()} y={(y + 50).to_string()}>{ shorten(&c.name, 10) }</text>
                    </g>
                }
            }) }
        </g>
    }
}

/// A pod as a small tile, for clusters with many pods: its STATUS as its
/// colour, its containers as bars inside it, its name and counts in its
/// tooltip (and the inspector, on click).
fn pod_tile(
    pod: &PodBox,
    traffic: Option<(&'static str, u64)>,
    texts: &Texts,
    on_click: Callback<MouseEvent>,
    on_key: Callback<KeyboardEvent>,
) -> Html {
    let bars = pod.containers.len().max(1) as i32;
    let bar_width = ((TILE - 4) / bars - 1).max(1);
    html! {
        <g class={classes!("pod", "tile", status_class(&pod.status))} data-testid={format!("pod-{}", pod.name)}
            data-status={pod.status.clone()} role="button" tabindex="0"
            aria-label={(texts.inspect)(&format!("pod/{}", pod.name))}
            onclick={on_click} onkeydown={on_key}>
            <title>{ format!("{}/{}: {} {} ↻{}", pod.namespace, pod.name, pod.status, pod.ready, pod.restarts) }</title>
            <rect width={TILE.to_string()} height={TILE.to_string()} rx="3" />
            if let Some((role, sequence)) = traffic {
                <rect class={classes!("traffic", role, pulse(sequence))} data-testid={format!("traffic-{role}")}
                    x="-3" y="-3" width={(TILE + 6).to_string()} height={(TILE + 6).to_string()} rx="5" />
            }
            { for pod.containers.iter().enumerate().map(|(i, c)| html! {
                <g class={classes!("container", c.state, c.ready.then_some("ready"))}
                    data-testid={format!("container-{}-{}", pod.name, c.name)}>
                    <rect x={(2 + i as i32 * (bar_width + 1)).to_string()} y="4"
                        width={bar_width.to_string()} height={(TILE - 8).to_string()} />
                </g>
            }) }
        </g>
    }
}

/// A pod no node has yet's props.
#[derive(Properties, PartialEq)]
struct PendingProps {
    pod: Rc<PodBox>,
    on_inspect: Callback<Inspected>,
    lang: Lang,
}

/// A pod no node has yet, as a chip (with the same test hooks as a drawn pod).
#[function_component(PendingChip)]
fn pending_chip(props: &PendingProps) -> Html {
    let pod = &props.pod;
    let (on_click, on_key) = opens(&props.on_inspect, pod_target(pod));
    html! {
        <span class="chip bad" data-testid={format!("pod-{}", pod.name)} data-status={pod.status.clone()}
            role="button" tabindex="0" onclick={on_click} onkeydown={on_key}
            aria-label={(props.lang.texts().inspect)(&format!("pod/{}", pod.name))}>
            { format!("{} ({})", pod.name, pod.status) }
        </span>
    }
}

/// A workload's props.
#[derive(Properties, PartialEq)]
struct WorkloadProps {
    workload: Rc<WorkloadBox>,
    on_inspect: Callback<Inspected>,
}

#[function_component(WorkloadView)]
fn workload_view(props: &WorkloadProps) -> Html {
    let texts = use_lang().texts();
    let workload = &props.workload;
    let (on_click, on_key) = opens(
        &props.on_inspect,
        workload_target(&workload.name, &workload.namespace),
    );
    html! {
        <div class="workload" data-testid={format!("workload-{}", workload.name)}>
            <div class="owner" role="button" tabindex="0" onclick={on_click} onkeydown={on_key}>{ &workload.name }<span class="count">{ &workload.ready }</span></div>
            <ul>
                { for workload.replica_sets.iter().map(|(rs, pods)| {
                    let (on_click, on_key) = opens(
                        &props.on_inspect,
                        workload_target(&format!("replicaset/{rs}"), &workload.namespace),
                    );
                    html! {
                    <li key={rs.clone()}>
                        <span class="rs" role="button" tabindex="0" onclick={on_click} onkeydown={on_key}>{ format!("replicaset/{rs}") }</span>
                        <ul>
                            { for pods.iter().take(LISTED).map(|p| html! { <li key={p.clone()} class="pod-ref">{ format!("pod/{p}") }</li> }) }
                            { more(pods.len(), texts) }
                        </ul>
                    </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// A Service's props.
#[derive(Properties, PartialEq)]
struct ServiceProps {
    service: Rc<ServiceBox>,
    on_inspect: Callback<Inspected>,
    /// The latest request went through it: that request's number.
    via: Option<u64>,
}

#[function_component(ServiceView)]
fn service_view(props: &ServiceProps) -> Html {
    let texts = use_lang().texts();
    let service = &props.service;
    let (on_click, on_key) = opens(
        &props.on_inspect,
        Inspected {
            kind: Kind::Service,
            namespace: service.namespace.clone(),
            name: service.name.clone(),
        },
    );
    html! {
        <div class="service" data-testid={format!("service-{}", service.name)}>
            if let Some(sequence) = props.via {
                <span class={classes!("traffic", "via", pulse(sequence))} data-testid="traffic-via" aria-hidden="true" />
            }
            <div class="owner" role="button" tabindex="0" onclick={on_click} onkeydown={on_key}>{ format!("service/{}", service.name) }<span class="count">{ &service.cluster_ip }</span></div>
            <ul>
                { for service.pods.iter().take(LISTED).map(|(p, ready)| html! {
                    <li key={p.clone()} class={classes!("pod-ref", (!ready).then_some("not-ready"))}>{ format!("→ pod/{p}") }</li>
                }) }
                { more(service.pods.len(), texts) }
            </ul>
        </div>
    }
}

/// How many pods a ReplicaSet or a Service lists by name; the rest are
/// counted (the nodes above draw every one).
const LISTED: usize = 8;

/// `+492 more` after the pods listed, if any were left out.
fn more(total: usize, texts: &Texts) -> Html {
    match total.checked_sub(LISTED).filter(|&n| n > 0) {
        Some(left_out) => html! { <li key="more" class="more">{ (texts.more)(left_out) }</li> },
        None => html! {},
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let kept: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::{seed, Cluster, ClusterConfig};

    /// Every pod's box in a picture, by name.
    fn boxes(picture: &Picture) -> BTreeMap<String, Rc<PodBox>> {
        picture
            .nodes
            .iter()
            .flat_map(|n| n.pods.iter())
            .chain(picture.pending.iter())
            .map(|b| (b.name.clone(), b.clone()))
            .collect()
    }

    #[test]
    fn the_painter_keeps_the_box_of_a_pod_that_did_not_change() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        let pods = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: calm\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: busy\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
        for result in cluster.create_manifests(pods).expect("decodes") {
            result.expect("created");
        }
        cluster.advance(30_000);
        let mut painter = Painter::default();
        let before = boxes(&painter.picture(cluster.api().store(), cluster.now()));
        let busy = cluster
            .api()
            .get(Kind::Pod, "default", "busy")
            .expect("the pod");
        let Object::Pod(mut labelled) = Object::clone(&busy) else {
            panic!("a pod");
        };
        labelled
            .metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("touched".into(), "yes".into());
        cluster.update(Object::Pod(labelled)).expect("updated");
        let after = boxes(&painter.picture(cluster.api().store(), cluster.now()));
        assert!(Rc::ptr_eq(&before["calm"], &after["calm"]), "kept");
        assert!(!Rc::ptr_eq(&before["busy"], &after["busy"]), "drawn anew");
        assert_eq!(before["busy"], after["busy"], "though it looks the same");
    }

    #[test]
    fn the_picture_nests_pods_in_nodes_and_links_workloads_and_services() {
        let mut cluster = Cluster::new(ClusterConfig::default());
        for name in ["simple-replicaset-with-label.yaml", "simple-service.yaml"] {
            for result in cluster
                .create_manifests(seed::manifest(name).expect("seed"))
                .expect("decodes")
            {
                result.expect("created");
            }
        }
        cluster.advance(30_000);
        let drawn = picture(cluster.api().store(), cluster.now());
        assert_eq!(drawn.nodes.len(), 3);
        assert!(drawn.nodes[0].control_plane);
        assert!(
            drawn.nodes[0].pods.is_empty(),
            "the control plane is tainted"
        );
        let pods: Vec<&Rc<PodBox>> = drawn.nodes.iter().flat_map(|n| &n.pods).collect();
        assert_eq!(pods.len(), 3);
        assert!(pods
            .iter()
            .all(|p| p.status == "Running" && p.ready == "2/2"));
        assert_eq!(pods[0].containers.len(), 2);
        let echo = drawn
            .services
            .iter()
            .find(|s| s.name == "echo")
            .expect("echo");
        assert_eq!(echo.pods.len(), 2, "only the summer pods");
        assert_eq!(drawn.workloads.len(), 2);
    }

    /// A seed pod running and a pod no node can take, drawn.
    #[cfg(not(target_arch = "wasm32"))]
    fn running_and_pending_picture() -> Picture {
        let mut cluster = Cluster::new(ClusterConfig::default());
        let unschedulable = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nowhere\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: c\n    image: nginx\n";
        for manifest in [
            seed::manifest("simple-pod.yaml").expect("seed"),
            unschedulable,
        ] {
            for result in cluster.create_manifests(manifest).expect("decodes") {
                result.expect("created");
            }
        }
        cluster.advance(30_000);
        picture(cluster.api().store(), cluster.now())
    }

    /// Every pod carries `pod-<name>` and `data-status` with kubectl's
    /// STATUS, on a node or still waiting for one.
    #[cfg(not(target_arch = "wasm32"))]
    #[tokio::test]
    async fn pods_carry_their_status_for_tests_and_readers() {
        let html = yew::ServerRenderer::<ClusterView>::with_props(|| ClusterViewProps {
            picture: Rc::new(running_and_pending_picture()),
            on_inspect: Callback::noop(),
            traffic: None,
        })
        .render()
        .await;
        assert!(
            html.contains(r#"data-testid="pod-simple-echo" data-status="Running""#),
            "{html}"
        );
        assert!(
            html.contains(r#"data-testid="pod-nowhere" data-status="Pending""#),
            "{html}"
        );
    }

    /// A curl's path: the sender and the pod that answered are marked in
    /// the picture, the Service beside them, and the path is spelled out.
    #[cfg(not(target_arch = "wasm32"))]
    #[tokio::test]
    async fn a_requests_path_is_drawn_from_sender_through_service_to_answer() {
        let html = yew::ServerRenderer::<ClusterView>::with_props(|| {
            let mut cluster = Cluster::new(ClusterConfig::default());
            let debug = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n  - name: debug\n    image: gihyodocker/fundamental:0.1.0\n    stdin: true\n";
            for manifest in [
                seed::manifest("simple-replicaset-with-label.yaml").expect("seed"),
                seed::manifest("simple-service.yaml").expect("seed"),
                debug,
            ] {
                for result in cluster.create_manifests(manifest).expect("decodes") {
                    result.expect("created");
                }
            }
            cluster.advance(30_000);
            cluster
                .http_get("default", "debug", "http://echo/")
                .expect("answered");
            let request = cluster.requests_after(0).last().cloned();
            ClusterViewProps {
                picture: Rc::new(picture(cluster.api().store(), cluster.now())),
                on_inspect: Callback::noop(),
                traffic: request.map(Rc::new),
            }
        })
        .render()
        .await;
        for marker in [
            r#"data-testid="traffic-from""#,
            r#"data-testid="traffic-to""#,
            r#"data-testid="traffic-via""#,
        ] {
            assert_eq!(html.matches(marker).count(), 1, "{marker}: {html}");
        }
        let from = html
            .find(r#"data-testid="pod-debug""#)
            .expect("debug drawn");
        let marked = html
            .find(r#"data-testid="traffic-from""#)
            .expect("sender marked");
        assert!(marked > from, "the sender's mark is inside pod-debug");
        assert!(
            html.contains("http://echo/ pod/debug → service/echo → pod/echo-summer-"),
            "{html}"
        );
        assert!(html.contains(" · 200"), "{html}");
    }

    fn pod_box(name: &str, status: &str) -> Rc<PodBox> {
        Rc::new(PodBox {
            namespace: "default".into(),
            name: name.into(),
            status: status.into(),
            ready: "1/1".into(),
            restarts: "0".into(),
            containers: Vec::new(),
        })
    }

    #[test]
    fn pods_group_by_owner_and_status_in_first_seen_order() {
        let pods = [
            pod_box("web-7c5d-aaaaa", "Running"),
            pod_box("web-7c5d-bbbbb", "Pending"),
            pod_box("web-7c5d-ccccc", "Running"),
            pod_box("solo", "Running"),
        ];
        let group = |owner: &str, status: &str, count| PodGroup {
            owner: owner.into(),
            status: status.into(),
            count,
        };
        assert_eq!(
            groups(&pods),
            [
                group("web-7c5d", "Running", 2),
                group("web-7c5d", "Pending", 1),
                group("solo", "Running", 1)
            ]
        );
    }

    /// Above 500 pods, each node draws a box per owner and STATUS, with
    /// the count, instead of a box per pod.
    #[cfg(not(target_arch = "wasm32"))]
    #[tokio::test]
    async fn above_five_hundred_pods_the_picture_draws_groups() {
        let html = yew::ServerRenderer::<ClusterView>::with_props(|| {
            let node = |name: &str, range: std::ops::Range<usize>| {
                Rc::new(NodeBox {
                    name: name.into(),
                    control_plane: false,
                    pods: range
                        .map(|i| {
                            pod_box(
                                &format!("web-7c5d-{i:05}"),
                                if i % 3 == 0 {
                                    "ContainerCreating"
                                } else {
                                    "Running"
                                },
                            )
                        })
                        .collect(),
                })
            };
            ClusterViewProps {
                picture: Rc::new(Picture {
                    nodes: vec![node("worker", 0..260), node("worker2", 260..520)],
                    pending: (0..30)
                        .map(|i| pod_box(&format!("web-7c5d-p{i:04}"), "Pending"))
                        .collect(),
                    ..Picture::default()
                }),
                on_inspect: Callback::noop(),
                traffic: None,
            }
        })
        .render()
        .await;
        assert!(
            !html.contains(r#"data-testid="pod-web-7c5d-00001""#),
            "no single pods"
        );
        assert_eq!(
            html.matches(r#"data-testid="pod-group-web-7c5d""#).count(),
            5,
            "{html}"
        );
        assert!(html.contains("×173  Running"), "{html}");
        assert!(html.contains("×87  ContainerCreating"), "{html}");
        assert!(html.contains("web-7c5d ×30 (Pending)"), "{html}");
    }

    /// Above 60 pods, single pods are tiles in rows: coloured by STATUS,
    /// their containers as bars, their names in their tooltips.
    #[cfg(not(target_arch = "wasm32"))]
    #[tokio::test]
    async fn many_pods_are_drawn_as_tiles_in_rows() {
        let html = yew::ServerRenderer::<ClusterView>::with_props(|| {
            let pods = (0..80)
                .map(|i| {
                    let mut pod = PodBox::clone(&pod_box(&format!("web-7c5d-{i:05}"), "Running"));
                    pod.containers = vec![ContainerBox {
                        name: "web".into(),
                        state: "running",
                        ready: true,
                    }];
                    Rc::new(pod)
                })
                .collect();
            ClusterViewProps {
                picture: Rc::new(Picture {
                    nodes: vec![Rc::new(NodeBox {
                        name: "worker".into(),
                        control_plane: false,
                        pods,
                    })],
                    ..Picture::default()
                }),
                on_inspect: Callback::noop(),
                traffic: None,
            }
        })
        .render()
        .await;
        assert_eq!(html.matches(r#"class="pod tile ok""#).count(), 80, "{html}");
        assert!(html.contains(r#"data-testid="container-web-7c5d-00079-web""#));
        assert!(html.contains("default/web-7c5d-00000: Running 1/1 ↻0"));
        assert!(!html.contains(r#"class="pod-name""#), "no labels on tiles");
        // The first tile sits under the node's header; nine make a row,
        // so the tenth starts the second.
        assert!(html.contains(r#"transform="translate(24,62)""#), "{html}");
        assert_eq!(Layout::Tiles.place(9), (0, 24));
        assert_eq!(Layout::Tiles.height(80), 9 * 24);
        assert_eq!(Layout::Boxes.place(2), (0, 2 * (POD_HEIGHT + 8)));
    }

    #[test]
    fn the_density_changes_past_a_margin_so_a_wavering_count_keeps_it() {
        use Density::*;
        let walk = |counts: &[usize]| {
            let mut density = Boxes;
            counts
                .iter()
                .map(|n| {
                    density = Density::for_count(*n, density);
                    density
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            walk(&[60, 61, 63, 64, 61, 60]),
            [Boxes, Boxes, Boxes, Tiles, Tiles, Boxes]
        );
        assert_eq!(
            walk(&[500, 520, 526, 510, 501, 500, 520]),
            [Tiles, Tiles, Groups, Groups, Groups, Tiles, Tiles]
        );
        assert_eq!(walk(&[800, 40]), [Groups, Boxes], "straight past both");
    }

    #[test]
    fn status_colours_follow_kubectls_status() {
        assert_eq!(status_class("Running"), "ok");
        assert_eq!(status_class("ContainerCreating"), "busy");
        assert_eq!(status_class("CrashLoopBackOff"), "bad");
        assert_eq!(status_class("Init:0/1"), "busy");
        assert_eq!(status_class("Init:ErrImagePull"), "bad");
    }
}

//! `sunaba serve`: the HTTP server that offers the playground's web bundle
//! and, on the same port, the Kubernetes API ([`crate::api`]) over one
//! simulated cluster whose clock follows real time.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};
use sunaba_core::api::Kind;
use sunaba_core::time::SimTime;
use sunaba_core::ClusterConfig;
use tokio::net::TcpListener;

use crate::api::{self, Api};
use crate::assets;
use crate::cluster::{Clock, ClusterHandle, Job, Startup};
use crate::docker::{DockerConfig, DockerError, DockerRuntime};

/// What `sunaba serve` was asked to do.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Where to listen; loopback unless the user asks otherwise.
    pub addr: SocketAddr,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        }
    }
}

/// A bound, not yet running, server.
pub struct Server {
    listener: TcpListener,
    router: Router,
    cluster: ClusterHandle,
}

impl Server {
    /// Binds the listening socket, so the caller learns the real address
    /// (port 0 picks one), and starts a cluster that begins now, seeded
    /// from the clock, with its clock following real time.
    pub async fn bind(config: &ServeConfig) -> std::io::Result<Self> {
        Self::bind_with(config, wall_clock_cluster(None), Clock::Wall).await
    }

    /// Binds the listening socket and starts a cluster built from `cluster`,
    /// whose clock moves as `clock` says (tests use [`Clock::Manual`]).
    pub async fn bind_with(
        config: &ServeConfig,
        cluster: ClusterConfig,
        clock: Clock,
    ) -> std::io::Result<Self> {
        Self::bind_with_setup(config, cluster, clock, Box::new(|_| {})).await
    }

    /// Listens on `config.addr` and serves a cluster built from `cluster`,
    /// after `setup` ran on it (the Docker backend plugs in its runtime there).
    pub async fn bind_with_setup(
        config: &ServeConfig,
        cluster: ClusterConfig,
        clock: Clock,
        setup: Job,
    ) -> std::io::Result<Self> {
        let startup = Startup {
            setup,
            ..Startup::new(cluster, clock)
        };
        Self::bind_startup(config, startup).await
    }

    /// Listens on `config.addr` and serves the cluster `startup` describes
    /// (restored from its data directory when it has one).
    pub async fn bind_startup(config: &ServeConfig, startup: Startup) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.addr).await?;
        let docker = startup.docker.clone();
        let cluster = ClusterHandle::launch(startup)?;
        Ok(Self {
            listener,
            router: router(Api {
                docker,
                cluster: cluster.clone(),
            }),
            cluster,
        })
    }

    /// The handle on the served cluster: to read it, or to move a manual clock.
    pub fn cluster(&self) -> ClusterHandle {
        self.cluster.clone()
    }

    /// The kubeconfig that points kubectl at this server.
    pub fn kubeconfig(&self) -> std::io::Result<String> {
        Ok(api::kubeconfig::kubeconfig(self.local_addr()?))
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The URL a person opens to reach the playground.
    pub fn url(&self) -> std::io::Result<String> {
        Ok(format!("http://{}/", self.local_addr()?))
    }

    /// Serves until the process ends.
    pub async fn run(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router).await
    }
}

/// The cluster `sunaba serve` runs: two workers, starting now, seeded by `seed` or the clock.
pub fn wall_clock_cluster(seed: Option<u64>) -> ClusterConfig {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    ClusterConfig {
        start: SimTime(millis),
        seed: seed.unwrap_or_else(|| u64::try_from(millis).unwrap_or(0)),
        ..ClusterConfig::default()
    }
}

/// The web bundle's routes and the API's. Static routes (`/version`,
/// `/api`, …) take precedence over the bundle's `/{file}`.
/// The node whose pods the Docker backend runs on the engine: the one worker.
pub const DOCKER_NODE: &str = "sunaba-worker";

/// The cluster the Docker backend serves: the control plane and one worker
/// (the Docker host), admitting only pods within the `baseline` Pod
/// Security profile, since manifests may come from strangers.
pub fn docker_cluster(seed: Option<u64>) -> ClusterConfig {
    ClusterConfig {
        workers: 1,
        pod_security: Some(sunaba_core::apiserver::pod_security::PodSecurityLevel::Baseline),
        ..wall_clock_cluster(seed)
    }
}

/// How `sunaba serve --backend docker` starts: the cluster of
/// [`docker_cluster`] with the service range of its network (so that its
/// ClusterIPs are real addresses there), its node's pods on a
/// [`DockerRuntime`] for `docker`, and the engine at hand for `kubectl exec`.
pub async fn docker_startup(
    docker: &DockerConfig,
    seed: Option<u64>,
) -> Result<Startup, DockerError> {
    let runtime = DockerRuntime::connect(docker.clone()).await?;
    let engine = crate::docker::engine(docker).await?;
    let cluster = ClusterConfig {
        service_cidr: runtime.service_cidr(),
        ..docker_cluster(seed)
    };
    Ok(Startup {
        setup: with_docker(runtime),
        docker: Some(crate::api::DockerNode {
            node: DOCKER_NODE.to_string(),
            engine,
        }),
        ..Startup::new(cluster, Clock::Wall)
    })
}

/// The setup that runs the Docker node's pods on `runtime`: first it
/// removes what the engine still runs for pods the cluster no longer has
/// (a restarted sunaba's orphans); the kubelet takes over the others.
pub fn with_docker(mut runtime: DockerRuntime) -> Job {
    Box::new(move |cluster| {
        let store = cluster.api().store();
        let known = store
            .pods_on_node(DOCKER_NODE)
            .filter_map(|(namespace, name)| store.find(Kind::Pod, namespace, name))
            .map(|pod| pod.uid().to_string())
            .collect();
        runtime.remove_orphans(known);
        let plugged = cluster.set_node_runtime(DOCKER_NODE, Box::new(runtime));
        debug_assert!(plugged, "the Docker node exists");
    })
}

fn router(api: Api) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/{file}", get(bundle_file))
        .merge(api::router(api))
}

async fn index() -> Response {
    match assets::find("index.html") {
        Some(bytes) => asset_response("index.html", bytes),
        None => Html(assets::MISSING_BUNDLE_PAGE).into_response(),
    }
}

async fn bundle_file(Path(file): Path<String>) -> Response {
    match assets::find(&file) {
        Some(bytes) => asset_response(&file, bytes),
        None => (StatusCode::NOT_FOUND, "404 page not found\n").into_response(),
    }
}

fn asset_response(name: &str, bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, assets::content_type(name)),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        bytes,
    )
        .into_response()
}

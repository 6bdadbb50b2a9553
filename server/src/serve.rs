//! `sunaba serve`: the HTTP server that offers the playground's web bundle
//! and, on the same port, the Kubernetes API ([`crate::api`]) over one
//! simulated cluster whose clock follows real time. Every request passes
//! [`crate::api::guard`] first: the server's own names only, and the API
//! behind a bearer token drawn at each start.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::{
    extract::Path,
    http::{header, StatusCode},
    middleware,
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};
use sunaba_core::api::Kind;
use sunaba_core::time::SimTime;
use sunaba_core::ClusterConfig;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::api::guard::{self, Guard, OwnHosts};
use crate::api::token::Token;
use crate::api::watch::MAX_WATCHES;
use crate::api::{self, Api};
use crate::assets;
use crate::cluster::{Clock, ClusterHandle, Job, Startup};
use crate::docker::{DockerConfig, DockerError, DockerRuntime};
use crate::tls::{DualListener, Tls};

/// What `sunaba serve` was asked to do.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Where to listen; loopback unless the user asks otherwise.
    pub addr: SocketAddr,
    /// The bearer token the API demands; `None` draws a fresh random one
    /// (what `sunaba serve` always does; tests may choose theirs).
    pub token: Option<Token>,
    /// How many watches may be open at once ([`MAX_WATCHES`] unless a test
    /// wants fewer).
    pub max_watches: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            max_watches: MAX_WATCHES,
        }
    }
}

/// A bound, not yet running, server.
pub struct Server {
    listener: TcpListener,
    router: Router,
    cluster: ClusterHandle,
    token: Token,
    tls: Tls,
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
        let token = match &config.token {
            Some(token) => token.clone(),
            None => Token::generate()?,
        };
        let listener = TcpListener::bind(config.addr).await?;
        let local_addr = listener.local_addr()?;
        let tls = Tls::generate(local_addr)?;
        let guard = Guard {
            token: token.clone(),
            hosts: OwnHosts::new(local_addr),
        };
        let docker = startup.docker.clone();
        let cluster = ClusterHandle::launch(startup)?;
        let api = Api {
            docker,
            cluster: cluster.clone(),
            watches: Arc::new(Semaphore::new(config.max_watches)),
        };
        Ok(Self {
            listener,
            router: router(api, guard),
            cluster,
            token,
            tls,
        })
    }

    /// The handle on the served cluster: to read it, or to move a manual clock.
    pub fn cluster(&self) -> ClusterHandle {
        self.cluster.clone()
    }

    /// The bearer token this server's API demands.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The kubeconfig that points kubectl at this server over HTTPS, with
    /// its token and its CA.
    pub fn kubeconfig(&self) -> std::io::Result<String> {
        Ok(api::kubeconfig::kubeconfig(
            self.local_addr()?,
            &self.token,
            self.tls.ca_pem(),
        ))
    }

    /// The CA (PEM) that signed this server's HTTPS certificate.
    pub fn ca_pem(&self) -> &str {
        self.tls.ca_pem()
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The URL a person opens to reach the playground, carrying the token
    /// as Jupyter's does (`http://127.0.0.1:8080/?token=…`), so the web app
    /// can call the API. A wildcard address is shown as loopback.
    pub fn url(&self) -> std::io::Result<String> {
        let addr = api::kubeconfig::reachable(self.local_addr()?);
        Ok(format!("http://{addr}/?token={}", self.token.as_str()))
    }

    /// Serves, plain HTTP and HTTPS on the one port, until the process ends.
    pub async fn run(self) -> std::io::Result<()> {
        let listener = DualListener::new(self.listener, &self.tls)?;
        axum::serve(listener, self.router).await
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

/// The web bundle's routes and the API's, all behind `guard`. Static
/// routes (`/version`, `/api`, …) take precedence over the bundle's `/{file}`.
fn router(api: Api, guard: Guard) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/{file}", get(bundle_file))
        .merge(api::router(api))
        .layer(middleware::from_fn_with_state(
            Arc::new(guard),
            guard::check,
        ))
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

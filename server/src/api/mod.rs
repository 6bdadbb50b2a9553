//! The Kubernetes API that `sunaba serve` offers beside the web bundle, so
//! the real kubectl works against the playground's cluster:
//!
//! - [`discovery`]: `/version`, `/api`, `/apis` (aggregated and legacy);
//! - [`openapi`] and [`openapi_v2`]: the kinds' schemas as `/openapi/v3` and
//!   `/openapi/v2`, for kubectl's validation, `apply` and `explain`;
//! - [`resources`]: get, list, create, update, patch, delete, per
//!   [`path`], with [`table`] responses, [`watch`] streams, pod [`logs`]
//!   and the [`scale`] subresource;
//! - [`status`]: every error as a `Status` with its HTTP code;
//! - [`kubeconfig`]: the kubeconfig that points kubectl here;
//! - [`terminal`]: the playground's terminal on this cluster, over a
//!   WebSocket, for the web app in server mode;
//! - [`guard`]: in front of every route (the bundle's too): own `Host` and
//!   `Origin` only, the bearer [`token`] on everything but the bundle and
//!   the health endpoints, bodies within 3 MiB.
//!
//! Handlers are thin: they decode the request, run one job on the cluster
//! thread ([`crate::cluster::ClusterHandle`]), and encode what core answers.

pub mod discovery;
mod docker_exec;
pub mod exec;
pub mod guard;
pub mod kubeconfig;
pub mod logs;
pub mod openapi;
pub mod openapi_v2;
pub mod paging;
pub mod path;
pub mod protobuf;
pub mod request;
pub mod resources;
pub mod scale;
pub mod status;
pub mod table;
pub mod terminal;
pub mod token;
pub mod watch;

use std::sync::Arc;

use axum::routing::{any, get};
use axum::Router;
use tokio::sync::Semaphore;

use crate::cluster::ClusterHandle;

/// The API's shared state: the handle on the cluster thread.
#[derive(Clone)]
pub struct Api {
    /// The simulated cluster.
    pub cluster: ClusterHandle,
    /// The Docker engine that runs one node's pods, for `exec` into them.
    pub docker: Option<DockerNode>,
    /// A permit per watch that may be open at once ([`watch::MAX_WATCHES`]).
    pub watches: Arc<Semaphore>,
}

/// A node whose pods run on a Docker engine.
#[derive(Clone, Debug)]
pub struct DockerNode {
    /// The node's name.
    pub node: String,
    /// The engine.
    pub engine: bollard::Docker,
}

/// The API's routes, to merge with the web bundle's.
pub fn router(api: Api) -> Router {
    Router::new()
        .route("/version", get(discovery::get_version))
        .route("/healthz", get(ok))
        .route("/livez", get(ok))
        .route("/readyz", get(ok))
        .route("/sunaba/v1/terminal", get(terminal::terminal))
        .route("/api", get(discovery::get_api))
        .route("/api/v1", get(discovery::get_core_resources))
        .route(
            "/api/v1/namespaces/{namespace}/pods/{name}/exec",
            get(exec::exec).post(exec::exec),
        )
        .route(
            "/api/v1/namespaces/{namespace}/pods/{name}/attach",
            get(exec::attach).post(exec::attach),
        )
        .route("/api/v1/{*rest}", any(resources::core))
        .route("/apis", get(discovery::get_apis))
        .route("/apis/{group}", get(discovery::get_group))
        .route(
            "/apis/{group}/{version}",
            get(discovery::get_group_resources),
        )
        .route("/apis/{group}/{version}/{*rest}", any(resources::grouped))
        .route("/openapi/v2", get(openapi_v2::get))
        .route("/openapi/v3", get(openapi::get_root))
        .route("/openapi/v3/{*path}", get(openapi::get_document))
        .with_state(api)
}

/// `/healthz` and friends, open to anyone ([`guard::HEALTH_PATHS`]).
async fn ok() -> &'static str {
    "ok"
}

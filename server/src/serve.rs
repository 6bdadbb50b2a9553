//! `sunaba serve`: the HTTP server that offers the playground.

use std::net::SocketAddr;

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};
use tokio::net::TcpListener;

use crate::assets;

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
}

impl Server {
    /// Binds the listening socket, so the caller learns the real address (port 0 picks one).
    pub async fn bind(config: &ServeConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.addr).await?;
        Ok(Self {
            listener,
            router: router(),
        })
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

fn router() -> Router {
    Router::new()
        .route("/", get(index))
        .route("/{file}", get(bundle_file))
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

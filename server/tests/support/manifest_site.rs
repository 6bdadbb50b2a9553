//! A web site of manifests for `kubectl apply -f URL`, served on a free
//! loopback port over plain HTTP and, on the same port, HTTPS with a
//! throw-away certificate authority (`sunaba serve`'s own [`Tls`]):
//!
//! - `/cm.yaml`: a ConfigMap `fromurl`;
//! - `/moved.yaml`: a 301 to `/cm.yaml`;
//! - `/flaky.yaml`: 500 on every odd request, else a ConfigMap `flaky`;
//! - `/down.yaml`: always 503;
//! - `/broken.yaml`: YAML that does not parse;
//! - `/typo.yaml`: a ConfigMap `typo` with an unknown field;
//! - anything else: 404.

#![allow(dead_code)] // Each test file uses its own part.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sunaba_server::tls::{DualListener, Tls};

/// The ConfigMap at `/cm.yaml`.
pub const CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fromurl\ndata:\n  greeting: hello\n";

/// The site, serving until the runtime that started it ends.
pub struct ManifestSite {
    addr: SocketAddr,
    ca_pem: String,
}

impl ManifestSite {
    /// Starts the site on the current Tokio runtime.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let tls = Tls::generate(addr).expect("a certificate");
        let ca_pem = tls.ca_pem().to_string();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let app = Router::new().route("/{file}", get(answer)).with_state(hits);
        let listener = DualListener::new(listener, &tls).expect("a listener");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, ca_pem }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn http(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `https://127.0.0.1:PORT`.
    pub fn https(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// Writes the CA's certificate to `path`, for `SSL_CERT_FILE`.
    pub fn write_ca(&self, path: &Path) {
        std::fs::write(path, &self.ca_pem).expect("write the CA");
    }
}

async fn answer(
    State(hits): State<Arc<Mutex<HashMap<String, usize>>>>,
    UrlPath(file): UrlPath<String>,
) -> Response {
    let hit = {
        let mut hits = hits.lock().unwrap_or_else(|e| e.into_inner());
        let count = hits.entry(file.clone()).or_default();
        *count += 1;
        *count
    };
    match file.as_str() {
        "cm.yaml" => CONFIGMAP.into_response(),
        "moved.yaml" => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, "/cm.yaml")],
        )
            .into_response(),
        "flaky.yaml" if hit % 2 == 1 => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        "flaky.yaml" => CONFIGMAP.replace("fromurl", "flaky").into_response(),
        "down.yaml" => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "broken.yaml" => "not: [yaml".into_response(),
        "typo.yaml" => CONFIGMAP
            .replace("fromurl", "typo")
            .replace("metadata:\n", "metadata:\n  bogus: 1\n")
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

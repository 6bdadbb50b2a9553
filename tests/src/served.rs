//! A `sunaba serve` process on a free loopback port, for the benchmarks
//! that measure the real binary from outside; or the same server in the
//! test's own process, for the browser tests.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `sunaba serve`, ended on drop.
pub struct Served {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// The kubeconfig it wrote for kubectl.
    pub kubeconfig: PathBuf,
    /// The bearer token its API demands (from that kubeconfig).
    pub token: String,
}

impl Served {
    /// Starts `sunaba serve --seed 1 --ephemeral` (a fresh cluster, nothing
    /// kept on disk) on a free loopback port, writing its kubeconfig into
    /// `scratch`, and waits until `/healthz` answers and the kubeconfig,
    /// with the token, is there.
    pub fn start(sunaba: &Path, scratch: &Path) -> Self {
        let addr = SocketAddr::from(([127, 0, 0, 1], crate::browser::free_port()));
        let kubeconfig = scratch.join("kubeconfig");
        let child = Command::new(sunaba)
            .args(["serve", "--seed", "1", "--ephemeral"])
            .args(["--addr", &addr.to_string()])
            .arg("--write-kubeconfig")
            .arg(&kubeconfig)
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", sunaba.display()));
        let mut served = Self {
            child,
            addr,
            kubeconfig,
            token: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let token = std::fs::read_to_string(&served.kubeconfig)
                .ok()
                .and_then(|text| token_in(&text));
            if let (true, Some(token)) = (healthy(addr), token) {
                served.token = token;
                return served;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("sunaba serve did not answer on {addr} within 30 s");
    }

    /// The playground's address, with the token as `sunaba serve` prints it.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.token)
    }

    /// The `Authorization` header's value for its API.
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.token)
    }
}

/// Serves the playground from this process on a free loopback port (the
/// bundle `cargo xtask build` made); returns the page's address.
pub async fn serve_in_process() -> String {
    let server = sunaba_server::Server::bind(&sunaba_server::ServeConfig {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        ..sunaba_server::ServeConfig::default()
    })
    .await
    .expect("bind a loopback port");
    let url = server.url().expect("a bound address");
    tokio::spawn(server.run());
    url
}

/// The bearer token of a kubeconfig `sunaba serve` wrote.
pub fn token_in(kubeconfig: &str) -> Option<String> {
    kubeconfig
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("token: "))
        .map(|token| token.trim_matches('"').to_string())
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn healthy(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut response = String::new();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.read_to_string(&mut response))
        .is_ok()
        && response.starts_with("HTTP/1.1 200")
}

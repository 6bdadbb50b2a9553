//! A `sunaba serve` process on a free loopback port, for the benchmarks
//! that measure the real binary from outside.

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
}

impl Served {
    /// Starts `sunaba serve --seed 1 --ephemeral` (a fresh cluster, nothing
    /// kept on disk) on a free loopback port, writing its kubeconfig into
    /// `scratch`, and waits until `/healthz` answers.
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
        let served = Self {
            child,
            addr,
            kubeconfig,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if healthy(addr) && served.kubeconfig.exists() {
                return served;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("sunaba serve did not answer on {addr} within 30 s");
    }

    /// The playground's address.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
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
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .and_then(|()| stream.read_to_string(&mut response))
        .is_ok()
        && response.starts_with("HTTP/1.1 200")
}

//! The programs of Sunaba's demo images for the Docker backend, built as
//! static binaries for `FROM scratch` images by `cargo xtask images`:
//! `echo-server` (`sunaba/echo`), `nginx-proxy` (`sunaba/nginx-proxy`),
//! `pause` (`sunaba/pause`), `curl` (in `sunaba/toolbox`, beside busybox)
//! and `service-proxy` (`sunaba/service-proxy`, a Service's kube-proxy).
//!
//! They behave as the simulation's programs in `sunaba-core`'s `images/`
//! say they do: the same answers, the same log lines. The Service proxy
//! routes as the simulation's kube-proxy (`network/traffic.rs`) does: a
//! ready endpoint at random per connection, refused without one.

pub mod client;
pub mod clock;
pub mod curl;
pub mod echo;
pub mod http;
pub mod proxy;
pub mod server;
pub mod service_proxy;
pub mod signals;

//! The `sunaba` command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sunaba_server::api::kubeconfig;
use sunaba_server::cluster::Clock;
use sunaba_server::cluster::Startup;
use sunaba_server::docker::reset::{self, Scope};
use sunaba_server::docker::{docker_reason, services, DockerConfig};
use sunaba_server::persist::{self, DataDir};
use sunaba_server::serve::{docker_startup, wall_clock_cluster};
use sunaba_server::shell::ShellConfig;
use sunaba_server::{ServeConfig, Server};

/// Sunaba: a Kubernetes playground.
#[derive(Parser)]
#[command(name = "sunaba", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where `sunaba serve` runs its pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Backend {
    /// Simulated nodes, in the server's memory.
    Simulated,
    /// One node whose pods are real containers on the local Docker engine.
    Docker,
}

impl Backend {
    /// Its name, as `--backend` takes it (and its data directory's).
    fn name(self) -> &'static str {
        match self {
            Backend::Simulated => "simulated",
            Backend::Docker => "docker",
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the playground in the browser, and its Kubernetes API for kubectl.
    ///
    /// Each start draws a random token. The API demands it as a bearer token:
    /// the URL printed at start carries it (`/?token=…`), and the kubeconfig
    /// kept in the data directory (`DIR/kubeconfig`, mode 0600, printed by
    /// `sunaba kubeconfig`) or written by `--write-kubeconfig` holds it.
    /// kubectl, which sends a token only over TLS, reaches the API over
    /// HTTPS with a certificate made at start (the kubeconfig trusts its
    /// CA); the browser stays on plain HTTP. Only requests for the server's
    /// own host (`localhost` or an IP, with its port) and from its own
    /// origin are answered.
    Serve {
        /// The address to listen on. Loopback by default; 0.0.0.0 only when
        /// you mean it (other machines can then reach it by IP; the token
        /// still guards the API, and their kubeconfig needs `tls-server-name: localhost`).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Write a kubeconfig for this server, with its token, to PATH (mode
        /// 0600; then `KUBECONFIG=PATH kubectl get nodes`).
        #[arg(long, value_name = "PATH")]
        write_kubeconfig: Option<PathBuf>,
        /// Seed every random choice (names, IPs, load balancing) for a repeatable cluster.
        #[arg(long)]
        seed: Option<u64>,
        /// Where the pods run: `simulated` nodes, or real containers on the local `docker` engine.
        #[arg(long, value_enum, default_value_t = Backend::Simulated)]
        backend: Backend,
        /// Keep the cluster's state in DIR, to come back with after a restart
        /// [default: the user's data directory, e.g. ~/.local/share/sunaba/<backend>].
        #[arg(long, value_name = "DIR", conflicts_with = "ephemeral")]
        data_dir: Option<PathBuf>,
        /// Keep nothing on disk: every start is a fresh cluster, and
        /// `sunaba kubeconfig` cannot learn its token (use `--write-kubeconfig`).
        #[arg(long)]
        ephemeral: bool,
        /// With `--backend docker`: the `io.sunaba.cluster` label on every
        /// Docker object this cluster creates, to run several side by side.
        #[arg(long, default_value = "default")]
        cluster_name: String,
    },
    /// Print the kubeconfig, with its token, of the running `sunaba serve`.
    ///
    /// It is the one the server keeps in its data directory while it runs.
    /// A server started with `--ephemeral` keeps none: start it with
    /// `--write-kubeconfig PATH` instead.
    Kubeconfig {
        /// Which backend's server.
        #[arg(long, value_enum, default_value_t = Backend::Simulated)]
        backend: Backend,
        /// The server's data directory [default: as `sunaba serve` uses it].
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
    },
    /// Start over: remove a cluster's saved state and, with `--backend
    /// docker`, every Docker object it created (and nothing else).
    Reset {
        /// Which backend's cluster.
        #[arg(long, value_enum, default_value_t = Backend::Simulated)]
        backend: Backend,
        /// The cluster's data directory [default: as `sunaba serve` uses it].
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// With `--backend docker`: the cluster whose Docker objects to remove.
        #[arg(long, default_value = "default")]
        cluster_name: String,
        /// With `--backend docker`: every cluster's objects, and sunaba's network.
        #[arg(long)]
        all: bool,
    },
    /// The playground's terminal (kubectl and container shells) in this terminal.
    Shell {
        /// Seed every random choice (names, IPs, load balancing) for a repeatable session.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker nodes besides the control plane.
        #[arg(long)]
        workers: Option<usize>,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            addr,
            write_kubeconfig,
            seed,
            backend,
            data_dir,
            ephemeral,
            cluster_name,
        } => {
            let data_dir = (!ephemeral).then(|| {
                data_dir.unwrap_or_else(|| persist::default_data_dir().join(backend.name()))
            });
            let docker = (backend == Backend::Docker).then(|| DockerConfig {
                cluster: cluster_name,
                ..DockerConfig::default()
            });
            serve(
                ServeConfig {
                    addr,
                    ..ServeConfig::default()
                },
                write_kubeconfig,
                seed,
                docker,
                data_dir,
            )
            .await
        }
        Command::Reset {
            backend,
            data_dir,
            cluster_name,
            all,
        } => {
            let data_dir =
                data_dir.unwrap_or_else(|| persist::default_data_dir().join(backend.name()));
            reset(backend, &data_dir, &cluster_name, all).await
        }
        Command::Kubeconfig { backend, data_dir } => {
            let data_dir =
                data_dir.unwrap_or_else(|| persist::default_data_dir().join(backend.name()));
            print_kubeconfig(&data_dir)
        }
        Command::Shell { seed, workers } => {
            let code = sunaba_server::shell::run(&ShellConfig { seed, workers });
            std::process::ExitCode::from(u8::try_from(code.clamp(0, 255)).unwrap_or(1))
        }
    }
}

/// `sunaba kubeconfig`: the running server's, from its data directory.
fn print_kubeconfig(data_dir: &Path) -> ExitCode {
    match persist::running_kubeconfig(data_dir) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!(
                "error: {err}, so its token is unknown. A server started with --ephemeral \
                 keeps no kubeconfig: take the token from the URL it printed, or start it \
                 with --write-kubeconfig PATH."
            );
            ExitCode::FAILURE
        }
    }
}

/// `sunaba reset`: the data directory, then (for Docker) the labelled objects.
async fn reset(
    backend: Backend,
    data_dir: &std::path::Path,
    cluster: &str,
    all: bool,
) -> std::process::ExitCode {
    if let Err(err) = persist::remove(data_dir) {
        eprintln!("error: {err}");
        return std::process::ExitCode::FAILURE;
    }
    println!("Removed the cluster's state in {}.", data_dir.display());
    if backend != Backend::Docker {
        return std::process::ExitCode::SUCCESS;
    }
    let config = DockerConfig {
        cluster: cluster.to_string(),
        ..DockerConfig::default()
    };
    let scope = if all {
        Scope::All
    } else {
        Scope::Cluster(cluster)
    };
    let removed = match sunaba_server::docker::engine(&config).await {
        Ok(docker) => reset::remove(&docker, scope)
            .await
            .map_err(|e| docker_reason(&e)),
        Err(err) => Err(err.to_string()),
    };
    match removed {
        Ok(removed) => {
            println!(
                "Removed {} containers, {} volumes and {} networks of sunaba's from Docker.",
                removed.containers, removed.volumes, removed.networks
            );
            let _ = std::fs::remove_dir_all(config.state_dir());
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Tells where the server is (its URL with the token) and writes its
/// kubeconfigs: the data directory's, and `--write-kubeconfig`'s.
fn announce(
    server: &Server,
    config: &ServeConfig,
    data_dir: Option<&Path>,
    write_kubeconfig: Option<&Path>,
) -> Result<(), ExitCode> {
    let text = server.kubeconfig().map_err(|err| {
        eprintln!("error: {err}");
        ExitCode::FAILURE
    })?;
    if let Some(dir) = data_dir {
        write_private(&persist::kubeconfig_path(dir), &text)?;
    }
    if let Some(path) = write_kubeconfig {
        write_private(path, &text)?;
    }
    match server.url() {
        Ok(url) => println!("Sunaba is serving the playground at {url}"),
        Err(err) => eprintln!("error: {err}"),
    }
    if !config.addr.ip().is_loopback() {
        let addr = server.local_addr().unwrap_or(config.addr);
        println!("It listens on {addr}: other machines can reach it, and need its token too.");
    }
    let kubeconfig = write_kubeconfig
        .map(Path::to_path_buf)
        .or_else(|| data_dir.map(persist::kubeconfig_path));
    match kubeconfig {
        Some(path) => println!(
            "kubectl can reach it with: KUBECONFIG={} kubectl get nodes",
            path.display()
        ),
        None => println!(
            "It keeps no kubeconfig (--ephemeral): start it with --write-kubeconfig PATH for kubectl."
        ),
    }
    Ok(())
}

/// Writes a kubeconfig (mode 0600), or says why it could not.
fn write_private(path: &Path, text: &str) -> Result<(), ExitCode> {
    kubeconfig::write(path, text).map_err(|err| {
        eprintln!(
            "error: cannot write the kubeconfig to {}: {err}",
            path.display()
        );
        ExitCode::FAILURE
    })
}

async fn serve(
    config: ServeConfig,
    write_kubeconfig: Option<PathBuf>,
    seed: Option<u64>,
    docker: Option<DockerConfig>,
    data_dir: Option<PathBuf>,
) -> std::process::ExitCode {
    let data = match data_dir.as_deref().map(DataDir::open).transpose() {
        Ok(data) => data,
        Err(err) => {
            eprintln!("error: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let startup = match docker.clone() {
        None => Startup::new(wall_clock_cluster(seed), Clock::Wall),
        Some(docker) => match docker_startup(&docker, seed).await {
            Ok(startup) => startup,
            Err(err) => {
                eprintln!("error: the Docker backend needs a running engine: {err}");
                return std::process::ExitCode::FAILURE;
            }
        },
    };
    if let Some((data, saved)) = &data {
        let what = if saved.objects.is_empty() {
            "a new cluster".to_string()
        } else {
            format!(
                "{} objects at resourceVersion {}",
                saved.objects.len(),
                saved.resource_version
            )
        };
        println!(
            "The cluster's state is kept in {} ({what}).",
            data.path().display()
        );
    }
    let bound = Server::bind_startup(&config, Startup { data, ..startup }).await;
    let server = match bound {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: cannot listen on {}: {err}", config.addr);
            return std::process::ExitCode::FAILURE;
        }
    };
    if let Some(docker) = &docker {
        // The Services' names and proxies on the engine, following the cluster.
        if let Err(err) = services::start(server.cluster(), docker).await {
            eprintln!("error: the Docker backend cannot run Services: {err}");
            return std::process::ExitCode::FAILURE;
        }
    }
    if let Err(code) = announce(
        &server,
        &config,
        data_dir.as_deref(),
        write_kubeconfig.as_deref(),
    ) {
        return code;
    }
    if let Err(err) = server.run().await {
        eprintln!("error: {err}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

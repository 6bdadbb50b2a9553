//! The `sunaba` command line.

use std::net::SocketAddr;
use std::path::PathBuf;

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
    Serve {
        /// The address to listen on. Loopback by default; 0.0.0.0 only when you mean it.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Write a kubeconfig for this server to PATH (then `KUBECONFIG=PATH kubectl get nodes`).
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
        /// Keep nothing on disk: every start is a fresh cluster.
        #[arg(long)]
        ephemeral: bool,
        /// With `--backend docker`: the `io.sunaba.cluster` label on every
        /// Docker object this cluster creates, to run several side by side.
        #[arg(long, default_value = "default")]
        cluster_name: String,
    },
    /// Print a kubeconfig that points kubectl at `sunaba serve`.
    Kubeconfig {
        /// The address `sunaba serve` listens on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
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
                ServeConfig { addr },
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
        Command::Kubeconfig { addr } => {
            print!("{}", kubeconfig::kubeconfig(addr));
            std::process::ExitCode::SUCCESS
        }
        Command::Shell { seed, workers } => {
            let code = sunaba_server::shell::run(&ShellConfig { seed, workers });
            std::process::ExitCode::from(u8::try_from(code.clamp(0, 255)).unwrap_or(1))
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
    match server.url() {
        Ok(url) => println!("Sunaba is serving the playground at {url}"),
        Err(err) => eprintln!("error: {err}"),
    }
    if let Some(path) = write_kubeconfig {
        let written = server
            .local_addr()
            .and_then(|addr| kubeconfig::write(&path, addr));
        match written {
            Ok(()) => println!(
                "kubectl can reach it with: KUBECONFIG={} kubectl get nodes",
                path.display()
            ),
            Err(err) => {
                eprintln!(
                    "error: cannot write the kubeconfig to {}: {err}",
                    path.display()
                );
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    if let Err(err) = server.run().await {
        eprintln!("error: {err}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

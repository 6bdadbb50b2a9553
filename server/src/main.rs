//! The `sunaba` command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use sunaba_server::api::kubeconfig;
use sunaba_server::cluster::Clock;
use sunaba_server::docker::{DockerConfig, DockerRuntime};
use sunaba_server::serve::{docker_cluster, wall_clock_cluster, with_docker};
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
    },
    /// Print a kubeconfig that points kubectl at `sunaba serve`.
    Kubeconfig {
        /// The address `sunaba serve` listens on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
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
        } => serve(ServeConfig { addr }, write_kubeconfig, seed, backend).await,
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

async fn serve(
    config: ServeConfig,
    write_kubeconfig: Option<PathBuf>,
    seed: Option<u64>,
    backend: Backend,
) -> std::process::ExitCode {
    let bound = match backend {
        Backend::Simulated => {
            Server::bind_with(&config, wall_clock_cluster(seed), Clock::Wall).await
        }
        Backend::Docker => match DockerRuntime::connect(DockerConfig::default()).await {
            Ok(runtime) => {
                let cluster = docker_cluster(seed);
                Server::bind_with_setup(&config, cluster, Clock::Wall, with_docker(runtime)).await
            }
            Err(err) => {
                eprintln!("error: the Docker backend needs a running engine: {err}");
                return std::process::ExitCode::FAILURE;
            }
        },
    };
    let server = match bound {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: cannot listen on {}: {err}", config.addr);
            return std::process::ExitCode::FAILURE;
        }
    };
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

//! The `sunaba` command line.

use std::net::SocketAddr;

use clap::{Parser, Subcommand};
use sunaba_server::shell::ShellConfig;
use sunaba_server::{ServeConfig, Server};

/// Sunaba: a Kubernetes playground.
#[derive(Parser)]
#[command(name = "sunaba", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the playground in the browser.
    Serve {
        /// The address to listen on. Loopback by default; 0.0.0.0 only when you mean it.
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
        Command::Serve { addr } => serve(ServeConfig { addr }).await,
        Command::Shell { seed, workers } => {
            let code = sunaba_server::shell::run(&ShellConfig { seed, workers });
            std::process::ExitCode::from(u8::try_from(code.clamp(0, 255)).unwrap_or(1))
        }
    }
}

async fn serve(config: ServeConfig) -> std::process::ExitCode {
    let server = match Server::bind(&config).await {
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
    if let Err(err) = server.run().await {
        eprintln!("error: {err}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

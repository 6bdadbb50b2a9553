//! `cargo xtask`: Sunaba's build automation.
//!
//! - `cargo xtask serve [ARGS…]`: install what is missing, build the web bundle
//!   and the server, then run `sunaba serve ARGS…`.
//! - `cargo xtask build`: build the web bundle and the server, and print sizes.
//! - `cargo xtask test`: every test: native, WASM in headless Chromium, end to end.
//! - `cargo xtask bench [--quick] [--only SECTIONS]`: every benchmark; writes BENCHMARKS.md.
//! - `cargo xtask images [--as-seed]`: the demo images for the Docker backend.
//! - `cargo xtask openapi`: regenerate the trimmed v1.33 OpenAPI schemas in `core/data`.
//! - `cargo xtask kubectl-help`: regenerate kubectl 1.32's help texts in `core/data`.

mod bench;
mod bundle;
mod cmd;
mod images;
mod kubectl_help;
mod openapi;
mod test;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "serve" => serve(rest),
        "build" => bundle::build_all().map(|_| ()),
        "test" => test::run_all(),
        "bench" => bench::run(rest),
        "images" => images::run(rest),
        "openapi" => openapi::run(),
        "kubectl-help" => kubectl_help::run(),
        "help" | "-h" | "--help" => {
            print_help();
            Ok(())
        }
        other => Err(format!("unknown task {other:?}; see `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!(
        "cargo xtask <task>\n\n\
         serve [ARGS…]  build everything and run `sunaba serve ARGS…` (default http://127.0.0.1:8080)\n\
         build          build the web bundle and the server; print the bundle's gzip size\n\
         test           run every test: native, WASM in headless Chromium, end to end\n\
         bench [--quick] [--only engine,web,server,docker]\n               \
         run every benchmark (engine native and WASM, web app, server) and write\n               \
         BENCHMARKS.md; --quick: smaller and shorter, into target/bench/BENCHMARKS.md\n\
         images [--as-seed]\n               \
         build the demo images sunaba/echo, nginx-proxy, pause, service-proxy and toolbox\n               \
         in the local Docker engine; --as-seed also tags them with the seed's names (gihyodocker/…)\n\
         openapi        regenerate core/data/openapi-v1.33.json, the trimmed Kubernetes v1.33 OpenAPI\n               \
         schemas (downloads kubernetes-validate from PyPI)\n\
         kubectl-help   regenerate core/data/kubectl-1.32-help.txt from the kubectl 1.32 binary"
    );
}

/// Builds everything, then replaces this process's work with `sunaba serve`.
fn serve(args: &[String]) -> Result<(), String> {
    let server = bundle::build_all()?;
    let mut command = std::process::Command::new(server);
    command.arg("serve").args(args);
    cmd::run(&mut command)
}

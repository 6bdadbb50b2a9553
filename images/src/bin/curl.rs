//! `curl` for `sunaba/toolbox`: `curl [-sSfiIv] [-o FILE] URL…` over HTTP/1.1,
//! with curl's messages and exit codes.

use std::process::ExitCode;

use sunaba_images::curl;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match curl::parse_args(&args) {
        Ok(options) => {
            let code = curl::run(&options, &mut std::io::stdout(), &mut std::io::stderr());
            ExitCode::from(code)
        }
        Err(usage) => {
            eprintln!("{usage}");
            ExitCode::from(2)
        }
    }
}

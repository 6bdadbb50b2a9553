//! Embeds the web bundle that `cargo xtask build` wrote, so the `sunaba`
//! binary alone serves the playground.

use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=SUNABA_WEB_DIST");
    let dist = env::var_os("SUNABA_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
                .join("../target/web-dist")
        });
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut entries = Vec::new();
    if let Ok(dir) = fs::read_dir(&dist) {
        for entry in dir.flatten() {
            let path = entry.path();
            if path.is_file() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let abs = fs::canonicalize(&path).expect("a listed file can be resolved");
                entries.push(format!(
                    "    ({name:?}, include_bytes!({:?})),",
                    abs.display().to_string()
                ));
            }
        }
    }
    entries.sort();
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("web_assets.rs");
    let code = format!(
        "/// The web bundle's files, by name.\npub static WEB_ASSETS: &[(&str, &[u8])] = &[\n{}\n];\n",
        entries.join("\n")
    );
    fs::write(out, code).expect("OUT_DIR is writable");
}

//! Builds the web bundle (WASM + JS + CSS + index.html) and the server that embeds it.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::Command,
};

use crate::{cmd, tools};

/// Where the finished bundle goes; `server/build.rs` embeds this folder.
pub fn dist_dir() -> PathBuf {
    cmd::workspace_root().join("target/web-dist")
}

/// Builds the bundle and the release server; returns the server binary's path.
pub fn build_all() -> Result<PathBuf, String> {
    build_web()?;
    cmd::run(cmd::cargo().args(["build", "--release", "--package", "sunaba-server"]))?;
    Ok(cmd::workspace_root().join("target/release/sunaba"))
}

/// Builds the size-optimised web bundle into `target/web-dist` and prints its gzip size.
pub fn build_web() -> Result<(), String> {
    tools::ensure_wasm_target()?;
    let wasm_bindgen = tools::wasm_bindgen_tool("wasm-bindgen")?;
    cmd::run(cmd::cargo().args([
        "build",
        "--package",
        "sunaba-web",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "web-release",
    ]))?;
    let root = cmd::workspace_root();
    let stage = root.join("target/web-stage");
    let _ = fs::remove_dir_all(&stage);
    cmd::run(
        Command::new(wasm_bindgen)
            .arg(root.join("target/wasm32-unknown-unknown/web-release/sunaba_web.wasm"))
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&stage),
    )?;
    optimize(&stage.join("sunaba_web_bg.wasm"))?;
    copy(&root.join("index.html"), &stage.join("index.html"))?;
    copy(&root.join("web/style.css"), &stage.join("style.css"))?;
    // Core's data, which the web build leaves out and fetches from here.
    for data in ["openapi-v1.33.json", "kubectl-1.32-help.txt"] {
        copy(&root.join("core/data").join(data), &stage.join(data))?;
    }
    sync_dir(&stage, &dist_dir())?;
    report_sizes(&dist_dir())
}

/// Shrinks the module with `wasm-opt -Oz` (about 12% smaller gzipped), with
/// the WebAssembly features rustc's output uses. With `SUNABA_WASM_NAMES=1`
/// the functions keep their names, for a readable CPU profile (the web
/// benchmark's `SUNABA_WEB_PROFILE`).
fn optimize(wasm: &Path) -> Result<(), String> {
    let optimized = wasm.with_extension("opt.wasm");
    let keep_names = std::env::var_os("SUNABA_WASM_NAMES").is_some_and(|v| v == "1");
    cmd::run(
        tools::wasm_opt()?
            .arg("-Oz")
            .args(keep_names.then_some("--debuginfo"))
            .args([
                "--enable-bulk-memory",
                "--enable-reference-types",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-nontrapping-float-to-int",
                "--enable-multivalue",
            ])
            .arg(wasm)
            .arg("-o")
            .arg(&optimized),
    )?;
    fs::rename(&optimized, wasm).map_err(|err| format!("cannot replace {}: {err}", wasm.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|err| format!("cannot copy {} to {}: {err}", from.display(), to.display()))
}

/// Mirrors `from` into `to`, writing only files whose bytes changed, so an
/// unchanged bundle does not make cargo rebuild the server that embeds it.
fn sync_dir(from: &Path, to: &Path) -> Result<(), String> {
    let io = |err: std::io::Error| format!("cannot update {}: {err}", to.display());
    fs::create_dir_all(to).map_err(io)?;
    let mut wanted = Vec::new();
    for entry in fs::read_dir(from).map_err(io)?.flatten() {
        let name = entry.file_name();
        let bytes = fs::read(entry.path()).map_err(io)?;
        let target = to.join(&name);
        if fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            fs::write(&target, bytes).map_err(io)?;
        }
        wanted.push(name);
    }
    for entry in fs::read_dir(to).map_err(io)?.flatten() {
        if !wanted.contains(&entry.file_name()) {
            fs::remove_file(entry.path()).map_err(io)?;
        }
    }
    Ok(())
}

fn report_sizes(dist: &Path) -> Result<(), String> {
    let mut total = 0;
    let mut fetched_later = 0;
    let mut files: Vec<_> = fs::read_dir(dist)
        .map_err(|err| err.to_string())?
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    println!("web bundle in {}:", dist.display());
    for path in files {
        let bytes = fs::read(&path).map_err(|err| err.to_string())?;
        let gz = gzip_len(&bytes);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        // Core's data is fetched after the first render, not loaded with the app.
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "txt")
        ) {
            fetched_later += gz;
        } else {
            total += gz;
        }
        println!("  {name:<24} {:>9} bytes, {gz:>8} gzip", bytes.len());
    }
    println!(
        "  {:<24} {:>9} {total:>8} gzip ({:.1} KiB)",
        "app (html, js, wasm, css)",
        "",
        total as f64 / 1024.0
    );
    println!(
        "  {:<24} {:>9} {fetched_later:>8} gzip, fetched after the first render",
        "data (json, txt)", ""
    );
    Ok(())
}

/// The size of `bytes` after gzip at the best level.
pub fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .expect("writing to a Vec cannot fail");
    encoder
        .finish()
        .expect("writing to a Vec cannot fail")
        .len()
}

//! Installs the tools the build and the tests need, when they are missing.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use crate::cmd;

/// The wasm-bindgen version that Cargo.lock pins; the CLI must match it exactly.
pub fn pinned_wasm_bindgen_version() -> Result<String, String> {
    let lock = fs::read_to_string(cmd::workspace_root().join("Cargo.lock"))
        .map_err(|err| format!("cannot read Cargo.lock: {err}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
            {
                return Ok(version.to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

/// The binaryen release whose `wasm-opt` shrinks the web bundle. Debian's
/// (108) cannot read the module rustc writes (`table.fill`), so it comes
/// from the npm registry and runs on the machine's Node.js.
const BINARYEN: &str = "binaryen@132.0.0";

/// `wasm-opt` as a command (`node …/wasm-opt`), installed into
/// `target/tools/binaryen` with npm when missing.
pub fn wasm_opt() -> Result<Command, String> {
    let prefix = cmd::workspace_root().join("target/tools/binaryen");
    let script = prefix.join("node_modules/binaryen/bin/wasm-opt");
    if !script.is_file() {
        fs::create_dir_all(&prefix)
            .map_err(|err| format!("cannot create {}: {err}", prefix.display()))?;
        cmd::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&prefix)
                .arg(BINARYEN),
        )?;
    }
    let mut command = Command::new("node");
    command.arg(script);
    Ok(command)
}

/// Adds the wasm32 target when the toolchain lacks it (rust-toolchain.toml lists it,
/// but an already-installed toolchain does not always pick that up).
pub fn ensure_wasm_target() -> Result<(), String> {
    let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"]));
    match installed {
        Some(list) if list.lines().any(|t| t.trim() == "wasm32-unknown-unknown") => Ok(()),
        Some(_) => cmd::run(
            Command::new("rustup")
                .current_dir(cmd::workspace_root())
                .args(["target", "add", "wasm32-unknown-unknown"]),
        ),
        None => {
            eprintln!("xtask: rustup not found; assuming the toolchain has wasm32-unknown-unknown");
            Ok(())
        }
    }
}

/// Where `cargo install` puts binaries.
fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// The path of a wasm-bindgen CLI tool at the pinned version, installing it if needed.
pub fn wasm_bindgen_tool(name: &str) -> Result<PathBuf, String> {
    let version = pinned_wasm_bindgen_version()?;
    let path = cargo_bin_dir().join(name);
    let reported = cmd::output(Command::new(&path).arg("--version"));
    let current = reported
        .as_deref()
        .is_some_and(|v| v.split_whitespace().nth(1) == Some(version.as_str()));
    if !current {
        eprintln!("xtask: installing wasm-bindgen-cli {version} (once per machine)");
        // No --locked: the registry here is a snapshot that can lack the exact
        // patch releases the CLI's own lock file names.
        cmd::run(cmd::cargo().args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={version}"),
            "--force",
        ]))?;
    }
    Ok(path)
}

/// Chromium and ChromeDriver for the WASM and end-to-end tests: found, installed
/// (as root, from Debian), or an error that says exactly what to install.
pub fn ensure_chromium() -> Result<ChromeTools, String> {
    ensure_japanese_font();
    if let Some(tools) = ChromeTools::find() {
        return Ok(tools);
    }
    if is_root() {
        eprintln!("xtask: installing Debian's chromium and chromium-driver");
        cmd::run(Command::new("apt-get").arg("update"))?;
        cmd::run(
            Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", "chromium", "chromium-driver"]),
        )?;
    }
    ChromeTools::find().ok_or_else(|| {
        "the WASM and browser tests need Chromium and ChromeDriver: \
         run `sudo apt-get install chromium chromium-driver`"
            .to_string()
    })
}

/// A Japanese font, so that the Japanese tour's screenshots show text
/// rather than empty boxes: installed as root (Debian's IPA Gothic, 3.5 MB),
/// else a warning; the tests read the DOM, not the pixels, either way.
fn ensure_japanese_font() {
    const FONT: &str = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf";
    if Path::new(FONT).exists() {
        return;
    }
    if is_root() {
        eprintln!("xtask: installing Debian's fonts-ipafont-gothic");
        let installed = cmd::run(Command::new("apt-get").arg("update")).and_then(|()| {
            cmd::run(
                Command::new("apt-get")
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .args(["install", "-y", "fonts-ipafont-gothic"]),
            )
        });
        if installed.is_ok() {
            return;
        }
    }
    eprintln!(
        "xtask: no Japanese font ({FONT}); the Japanese screenshots will show boxes: \
         run `sudo apt-get install fonts-ipafont-gothic`"
    );
}

/// The browser and its WebDriver.
pub struct ChromeTools {
    /// The Chromium binary.
    pub chromium: PathBuf,
    /// The ChromeDriver binary.
    pub chromedriver: PathBuf,
}

impl ChromeTools {
    fn find() -> Option<Self> {
        Some(Self {
            chromium: which(&["chromium", "chromium-browser", "google-chrome"])?,
            chromedriver: which(&["chromedriver"])?,
        })
    }
}

/// A statically linked busybox for the toolbox image: found, installed (as
/// root, Debian's `busybox-static`), or an error that says what to install.
pub fn ensure_static_busybox() -> Result<PathBuf, String> {
    if let Some(busybox) = static_busybox() {
        return Ok(busybox);
    }
    if is_root() {
        eprintln!("xtask: installing Debian's busybox-static");
        cmd::run(Command::new("apt-get").arg("update"))?;
        cmd::run(
            Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", "busybox-static"]),
        )?;
    }
    static_busybox().ok_or_else(|| {
        "the toolbox image needs a static busybox: run `sudo apt-get install busybox-static`"
            .to_string()
    })
}

/// podman for the Docker bench's `podman kube play` figure (never for the
/// tests): found, or installed as root from Debian with catatonit (which
/// builds the pod's infra image); and `/etc/containers/containers.conf`
/// given `default_ulimits = []` when it lacks the setting, as setting
/// RLIMIT_NPROC fails here otherwise. The podman binary, or why not.
pub fn ensure_podman() -> Result<PathBuf, String> {
    let root = is_root();
    if which(&["podman"]).is_none() || which(&["catatonit"]).is_none() {
        if !root {
            return Err(
                "podman is not installed here (as root: `apt-get install -y podman \
                        catatonit`)"
                    .into(),
            );
        }
        eprintln!("xtask: installing Debian's podman and catatonit");
        let install = cmd::run(Command::new("apt-get").arg("update")).and_then(|()| {
            cmd::run(
                Command::new("apt-get")
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .args(["install", "-y", "podman", "catatonit"]),
            )
        });
        if let Err(why) = install {
            return Err(format!(
                "podman could not be installed (`apt-get install -y podman catatonit`: {why})"
            ));
        }
    }
    let podman = which(&["podman"])
        .ok_or("podman is not on PATH after `apt-get install -y podman catatonit`")?;
    if which(&["runc"]).is_none() {
        return Err(
            "podman needs runc here (crun fails on hybrid cgroups), and runc is \
                    not installed"
                .into(),
        );
    }
    let conf = Path::new("/etc/containers/containers.conf");
    let text = fs::read_to_string(conf).unwrap_or_default();
    if !text.contains("default_ulimits") {
        if !root {
            return Err(format!(
                "{} lacks `default_ulimits = []` under `[containers]`, and only root can add it",
                conf.display()
            ));
        }
        let mut lines: Vec<&str> = text.lines().collect();
        match lines.iter().position(|l| l.trim() == "[containers]") {
            Some(at) => lines.insert(at + 1, "default_ulimits = []"),
            None => lines.extend(["[containers]", "default_ulimits = []"]),
        }
        let written = fs::create_dir_all("/etc/containers")
            .and_then(|()| fs::write(conf, lines.join("\n") + "\n"));
        if let Err(err) = written {
            return Err(format!("cannot write {}: {err}", conf.display()));
        }
        eprintln!(
            "xtask: wrote `default_ulimits = []` into {}",
            conf.display()
        );
    }
    Ok(podman)
}

fn static_busybox() -> Option<PathBuf> {
    let busybox = which(&["busybox"])?;
    let bytes = fs::read(&busybox).ok()?;
    is_static_elf(&bytes).then_some(busybox)
}

/// Whether an ELF executable needs no dynamic loader: it has no `PT_INTERP`
/// program header. Only 64-bit little-endian files are understood.
fn is_static_elf(bytes: &[u8]) -> bool {
    const PT_INTERP: u64 = 3;
    // The little-endian unsigned integer of `len` bytes at `at`.
    let int = |at: u64, len: usize| -> Option<u64> {
        let at = usize::try_from(at).ok()?;
        let field = bytes.get(at..at.checked_add(len)?)?;
        Some(field.iter().rev().fold(0, |n, &b| n << 8 | u64::from(b)))
    };
    if !bytes.starts_with(b"\x7fELF\x02\x01") {
        return false;
    }
    let (Some(table), Some(entry_size), Some(entries)) = (int(0x20, 8), int(0x36, 2), int(0x38, 2))
    else {
        return false;
    };
    (0..entries).all(|i| {
        let entry = table.saturating_add(i * entry_size);
        int(entry, 4).is_some_and(|kind| kind != PT_INTERP)
    })
}

/// A Python with the official `kubernetes` client, for the server's
/// client test: a virtual environment under `target/python-client`, made
/// and filled from PyPI when missing. None (with a note) when Python or
/// PyPI is not at hand; the test is then skipped.
pub fn python_client() -> Option<PathBuf> {
    let venv = cmd::workspace_root().join("target").join("python-client");
    let python = venv.join("bin").join("python");
    let ready = |python: &Path| {
        Command::new(python)
            .args(["-c", "import kubernetes"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ready(&python) {
        return Some(python);
    }
    let system = which(&["python3", "python"])?;
    eprintln!(
        "xtask: installing the Python kubernetes client into {}",
        venv.display()
    );
    let made = cmd::run(Command::new(&system).arg("-m").arg("venv").arg(&venv)).and_then(|()| {
        cmd::run(Command::new(&python).args(["-m", "pip", "install", "-q", "kubernetes"]))
    });
    match made {
        Ok(()) if ready(&python) => Some(python),
        Ok(()) | Err(_) => {
            eprintln!("xtask: no Python kubernetes client; its test is skipped");
            None
        }
    }
}

/// The first of `names` found on PATH.
pub fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

fn is_root() -> bool {
    cmd::output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64-bit little-endian ELF header whose one program header has type `kind`.
    fn elf_with_program_header(kind: u8) -> Vec<u8> {
        let mut bytes = vec![0; 0x40 + 0x38];
        bytes[..6].copy_from_slice(b"\x7fELF\x02\x01");
        bytes[0x20] = 0x40; // e_phoff
        bytes[0x36] = 0x38; // e_phentsize
        bytes[0x38] = 1; // e_phnum
        bytes[0x40] = kind; // p_type
        bytes
    }

    #[test]
    fn an_interpreter_header_marks_a_dynamic_executable() {
        assert!(is_static_elf(&elf_with_program_header(1)));
        assert!(!is_static_elf(&elf_with_program_header(3)));
        assert!(!is_static_elf(b"#!/bin/sh\n"));
    }
}

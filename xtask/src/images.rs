//! `cargo xtask images [--as-seed]`: the programs of `images/` built as static
//! binaries and packed into local Docker images `FROM scratch` —
//! `sunaba/echo`, `sunaba/nginx-proxy`, `sunaba/pause`, `sunaba/service-proxy`
//! and `sunaba/toolbox`.
//! Nothing is pulled: there is no registry. `--as-seed` also tags them with
//! the names the seed's manifests use (`gihyodocker/echo:latest`, …).

use std::{
    fs,
    os::unix::fs::{symlink, PermissionsExt},
    path::{Path, PathBuf},
    process::Command,
};

use crate::{cmd, tools};

/// The target the binaries are built for. Static glibc resolves names from
/// `/etc/hosts` and DNS without NSS modules, so no musl is needed.
const TARGET: &str = "x86_64-unknown-linux-gnu";

/// Static and stripped. Given only for `--target` builds, these flags leave
/// build scripts and the normal build's cache alone.
const RUSTFLAGS: &str = "-C target-feature=+crt-static -C strip=symbols";

/// The label every image carries, with its short name as the value.
const LABEL: &str = "io.sunaba.image";

/// What `--as-seed` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tags {
    /// Only `sunaba/<name>:latest`.
    Own,
    /// Also the seed's image names.
    WithSeed,
}

/// One image: its files and how it starts.
struct Image {
    /// The short name: the image is `sunaba/<name>:latest`.
    name: &'static str,
    /// The `sunaba-images` binaries it holds, with their paths inside.
    binaries: &'static [(&'static str, &'static str)],
    /// The program it runs; None for a shell image (busybox, `CMD ["/bin/sh"]`).
    entrypoint: Option<&'static str>,
    /// The port its program listens on.
    expose: Option<u16>,
    /// The seed's names for it.
    seed_tags: &'static [&'static str],
}

const IMAGES: &[Image] = &[
    Image {
        name: "echo",
        binaries: &[("echo-server", "usr/local/bin/echo-server")],
        entrypoint: Some("/usr/local/bin/echo-server"),
        expose: Some(8080),
        seed_tags: &["gihyodocker/echo:latest"],
    },
    Image {
        name: "nginx-proxy",
        binaries: &[("nginx-proxy", "usr/local/bin/nginx-proxy")],
        entrypoint: Some("/usr/local/bin/nginx-proxy"),
        expose: Some(80),
        seed_tags: &["gihyodocker/nginx:latest", "gihyodocker/nginx-proxy:latest"],
    },
    Image {
        name: "pause",
        binaries: &[("pause", "pause")],
        entrypoint: Some("/pause"),
        expose: None,
        seed_tags: &[],
    },
    Image {
        name: "service-proxy",
        binaries: &[("service-proxy", "usr/local/bin/service-proxy")],
        entrypoint: Some("/usr/local/bin/service-proxy"),
        expose: None,
        seed_tags: &[],
    },
    Image {
        name: "toolbox",
        binaries: &[("curl", "usr/bin/curl")],
        entrypoint: None,
        expose: None,
        seed_tags: &["gihyodocker/fundamental:0.1.0"],
    },
];

/// The accounts a shell image knows (`id`, `whoami`), as the simulation's files say.
const PASSWD: &str =
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
const GROUP: &str = "root:x:0:\nnogroup:x:65534:\n";

/// `cargo xtask images [--as-seed]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let tags = match args {
        [] => Tags::Own,
        [flag] if flag == "--as-seed" => Tags::WithSeed,
        _ => {
            return Err(format!(
                "usage: cargo xtask images [--as-seed], not {args:?}"
            ))
        }
    };
    build(tags)
}

/// Whether a Docker engine answers the `docker` CLI.
pub fn engine_answers() -> bool {
    cmd::output(Command::new("docker").args(["version", "--format", "{{.Server.Version}}"]))
        .is_some()
}

/// Builds the binaries, a context per image, and the images. Quick when
/// nothing changed: cargo and Docker's layer cache both find their work done.
pub fn build(tags: Tags) -> Result<(), String> {
    if !engine_answers() {
        return Err("no Docker engine answers: start dockerd (as root: `dockerd &`)".into());
    }
    let busybox = tools::ensure_static_busybox()?;
    let binaries = build_binaries()?;
    let contexts = images_dir().join("context");
    for image in IMAGES {
        let context = contexts.join(image.name);
        write_context(image, &context, &binaries, &busybox)?;
        docker_build(image, &context, tags)?;
    }
    prune_replaced_images()
}

/// Removes the untagged images that earlier builds left behind.
fn prune_replaced_images() -> Result<(), String> {
    let label = format!("label={LABEL}");
    cmd::output(Command::new("docker").args(["image", "prune", "--force", "--filter", &label]))
        .map(|_| ())
        .ok_or_else(|| "`docker image prune` failed".to_string())
}

/// Where the image build keeps its target directory and contexts.
fn images_dir() -> PathBuf {
    cmd::workspace_root().join("target").join("images")
}

/// `cargo build --release` of `sunaba-images`, static; returns the binaries' directory.
fn build_binaries() -> Result<PathBuf, String> {
    let target_dir = images_dir();
    cmd::run(
        cmd::cargo()
            .args(["build", "--release", "--package", "sunaba-images"])
            .args(["--target", TARGET, "--target-dir"])
            .arg(&target_dir)
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env("RUSTFLAGS", RUSTFLAGS),
    )?;
    Ok(target_dir.join(TARGET).join("release"))
}

/// Lays out `context`: a `Dockerfile` and the image's tree under `rootfs/`,
/// rebuilt from scratch so nothing stale survives (Docker's cache looks at
/// contents, not times).
fn write_context(
    image: &Image,
    context: &Path,
    binaries: &Path,
    busybox: &Path,
) -> Result<(), String> {
    let rootfs = context.join("rootfs");
    if rootfs.exists() {
        fs::remove_dir_all(&rootfs).map_err(|err| io_error("remove", &rootfs, err))?;
    }
    for (binary, inside) in image.binaries {
        copy(&binaries.join(binary), &rootfs.join(inside))?;
    }
    if image.entrypoint.is_none() {
        write_shell_userland(&rootfs, busybox)?;
    }
    write(&context.join("Dockerfile"), &dockerfile(image))
}

/// busybox with a link per applet, `/tmp`, `/root` and the account files.
fn write_shell_userland(rootfs: &Path, busybox: &Path) -> Result<(), String> {
    copy(busybox, &rootfs.join("bin/busybox"))?;
    let applets = cmd::output(Command::new(busybox).arg("--list-full"))
        .ok_or_else(|| format!("`{} --list-full` failed", busybox.display()))?;
    for applet in applets.lines().map(str::trim) {
        let link = rootfs.join(applet);
        if applet.is_empty() || applet == "bin/busybox" || link.exists() {
            continue;
        }
        make_parent(&link)?;
        symlink("/bin/busybox", &link).map_err(|err| io_error("link", &link, err))?;
    }
    write(&rootfs.join("etc/passwd"), PASSWD)?;
    write(&rootfs.join("etc/group"), GROUP)?;
    for (dir, mode) in [("tmp", 0o1777), ("root", 0o700)] {
        let path = rootfs.join(dir);
        fs::create_dir_all(&path).map_err(|err| io_error("create", &path, err))?;
        fs::set_permissions(&path, fs::Permissions::from_mode(mode))
            .map_err(|err| io_error("chmod", &path, err))?;
    }
    Ok(())
}

/// The image's Dockerfile.
fn dockerfile(image: &Image) -> String {
    let mut text = format!(
        "FROM scratch\nCOPY rootfs/ /\nLABEL {LABEL}=\"{}\"\n",
        image.name
    );
    if let Some(port) = image.expose {
        text.push_str(&format!("EXPOSE {port}\n"));
    }
    match image.entrypoint {
        Some(program) => text.push_str(&format!("ENTRYPOINT [\"{program}\"]\n")),
        None => text.push_str("CMD [\"/bin/sh\"]\n"),
    }
    text
}

/// `docker build` with the image's tags; never pulls (`FROM scratch`).
fn docker_build(image: &Image, context: &Path, tags: Tags) -> Result<(), String> {
    let mut command = Command::new("docker");
    command
        .args(["build", "--quiet", "--tag"])
        .arg(format!("sunaba/{}:latest", image.name));
    if tags == Tags::WithSeed {
        for tag in image.seed_tags {
            command.args(["--tag", tag]);
        }
    }
    cmd::run(command.arg(context))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    make_parent(to)?;
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|err| format!("cannot copy {} to {}: {err}", from.display(), to.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    make_parent(path)?;
    fs::write(path, text).map_err(|err| io_error("write", path, err))
}

fn make_parent(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent).map_err(|err| io_error("create", parent, err)),
        None => Ok(()),
    }
}

fn io_error(action: &str, path: &Path, err: std::io::Error) -> String {
    format!("cannot {action} {}: {err}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_image_runs_its_program_and_a_shell_image_sh() {
        assert_eq!(
            dockerfile(&IMAGES[0]),
            "FROM scratch\nCOPY rootfs/ /\nLABEL io.sunaba.image=\"echo\"\nEXPOSE 8080\nENTRYPOINT [\"/usr/local/bin/echo-server\"]\n"
        );
        let toolbox = IMAGES.iter().find(|i| i.name == "toolbox");
        assert_eq!(
            toolbox.map(dockerfile).as_deref(),
            Some("FROM scratch\nCOPY rootfs/ /\nLABEL io.sunaba.image=\"toolbox\"\nCMD [\"/bin/sh\"]\n")
        );
    }
}

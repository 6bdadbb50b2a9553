//! Container images, simulated: a catalog of the images tutorials use, what
//! each one runs by default, how big it is, and which tools its shell has.
//! An image that is not in the catalog does not exist, so pulling it fails
//! as it does against a registry.

pub mod programs;

pub use programs::{HttpResponse, Program};

/// An image reference split as containerd sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The registry host, `docker.io` when none is given.
    pub registry: String,
    /// The repository path, `library/nginx` for official images.
    pub repository: String,
    /// The tag, `latest` when none is given.
    pub tag: String,
    /// The digest, when the reference pins one.
    pub digest: Option<String>,
}

impl Reference {
    /// Parses `nginx`, `nginx:1.25`, `gihyodocker/echo:latest`, `localhost:5000/x`, `x@sha256:…`.
    pub fn parse(image: &str) -> Self {
        let (name, digest) = match image.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_string())),
            None => (image, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (
                &name[..last_slash + i],
                name[last_slash + i + 1..].to_string(),
            ),
            None => (name, "latest".to_string()),
        };
        let (registry, path) = match name.split_once('/') {
            Some((host, rest))
                if host.contains('.') || host.contains(':') || host == "localhost" =>
            {
                (host.to_string(), rest.to_string())
            }
            _ => ("docker.io".to_string(), name.to_string()),
        };
        let repository = if registry == "docker.io" && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        Self {
            registry,
            repository,
            tag,
            digest,
        }
    }

    /// The fully qualified form containerd prints: `docker.io/library/nginx:latest`.
    pub fn canonical(&self) -> String {
        match &self.digest {
            Some(digest) => format!("{}/{}@{digest}", self.registry, self.repository),
            None => format!("{}/{}:{}", self.registry, self.repository, self.tag),
        }
    }
}

/// What the catalog knows of one image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The repository, as in [`Reference::repository`] (registry docker.io unless it says otherwise).
    pub repository: &'static str,
    /// The tags that exist.
    pub tags: &'static [&'static str],
    /// Compressed size in bytes, for pull times and the Pulled event.
    pub size: u64,
    /// What its entrypoint runs.
    pub program: Program,
    /// Executables on its PATH.
    pub tools: &'static [&'static str],
}

const SHELL_TOOLS: &[&str] = &[
    "sh", "echo", "ls", "cat", "pwd", "env", "hostname", "ps", "sleep", "date", "true", "false",
    "printenv", "id", "whoami", "uname", "mkdir", "touch", "rm", "grep", "head", "tail", "wc",
];
const BUSYBOX_TOOLS: &[&str] = &[
    "sh", "echo", "ls", "cat", "pwd", "env", "hostname", "ps", "sleep", "date", "true", "false",
    "printenv", "id", "whoami", "uname", "mkdir", "touch", "rm", "grep", "head", "tail", "wc",
    "wget", "nslookup", "ip", "ping", "nc", "top", "vi",
];
const FUNDAMENTAL_TOOLS: &[&str] = &[
    "sh", "bash", "echo", "ls", "cat", "pwd", "env", "hostname", "ps", "sleep", "date", "true",
    "false", "printenv", "id", "whoami", "uname", "mkdir", "touch", "rm", "grep", "head", "tail",
    "wc", "curl", "nslookup", "dig", "ip", "ping", "vim",
];

/// Every image the simulation can pull.
pub const CATALOG: &[Image] = &[
    Image {
        repository: "gihyodocker/echo",
        tags: &["latest"],
        size: 4_285_961,
        program: Program::EchoServer,
        tools: BUSYBOX_TOOLS,
    },
    Image {
        repository: "gihyodocker/nginx",
        tags: &["latest"],
        size: 43_134_925,
        program: Program::NginxProxy,
        tools: BUSYBOX_TOOLS,
    },
    Image {
        repository: "gihyodocker/nginx-proxy",
        tags: &["latest"],
        size: 43_134_925,
        program: Program::NginxProxy,
        tools: BUSYBOX_TOOLS,
    },
    Image {
        repository: "gihyodocker/fundamental",
        tags: &["0.1.0", "latest"],
        size: 74_917_315,
        program: Program::Shell,
        tools: FUNDAMENTAL_TOOLS,
    },
    Image {
        repository: "library/nginx",
        tags: &[
            "latest", "1.25", "1.26", "1.27", "1.27.5", "1.28", "alpine", "stable", "mainline",
        ],
        size: 72_099_501,
        program: Program::Nginx,
        tools: SHELL_TOOLS,
    },
    Image {
        repository: "library/httpd",
        tags: &["latest", "2.4", "alpine"],
        size: 58_176_416,
        program: Program::Httpd,
        tools: SHELL_TOOLS,
    },
    Image {
        repository: "library/busybox",
        tags: &["latest", "1.36", "1.37", "stable"],
        size: 2_155_404,
        program: Program::Shell,
        tools: BUSYBOX_TOOLS,
    },
    Image {
        repository: "library/alpine",
        tags: &["latest", "3.19", "3.20", "3.21", "3.22"],
        size: 3_642_145,
        program: Program::Shell,
        tools: BUSYBOX_TOOLS,
    },
    Image {
        repository: "library/ubuntu",
        tags: &["latest", "22.04", "24.04"],
        size: 29_754_290,
        program: Program::Shell,
        tools: SHELL_TOOLS,
    },
    Image {
        repository: "library/debian",
        tags: &["latest", "bookworm", "12"],
        size: 48_494_272,
        program: Program::Shell,
        tools: SHELL_TOOLS,
    },
    Image {
        repository: "curlimages/curl",
        tags: &["latest", "8.11.1", "8.13.0"],
        size: 11_045_532,
        program: Program::Curl,
        tools: &[
            "sh", "curl", "echo", "ls", "cat", "sleep", "env", "hostname", "nslookup", "wget",
        ],
    },
    Image {
        repository: "hashicorp/http-echo",
        tags: &["latest", "1.0"],
        size: 3_440_640,
        program: Program::HttpEcho,
        tools: &[],
    },
    Image {
        repository: "library/redis",
        tags: &["latest", "7", "7.4", "8", "alpine"],
        size: 45_169_734,
        program: Program::Redis,
        tools: SHELL_TOOLS,
    },
    Image {
        repository: "pause",
        tags: &["3.10"],
        size: 320_368,
        program: Program::Pause,
        tools: &[],
    },
];

/// Looks an image up; None when no registry would have it.
pub fn find(image: &str) -> Option<&'static Image> {
    let reference = Reference::parse(image);
    CATALOG.iter().find(|i| {
        let registry_ok = reference.registry == "docker.io"
            || (i.repository == "pause" && reference.registry == "registry.k8s.io");
        registry_ok
            && i.repository == reference.repository
            && (reference.digest.is_some() || i.tags.contains(&reference.tag.as_str()))
    })
}

/// The error containerd gives for an image no registry has, as the kubelet's
/// `Failed to pull image` event carries it.
pub fn pull_error(image: &str) -> String {
    let reference = Reference::parse(image);
    let canonical = reference.canonical();
    let repository_exists = CATALOG.iter().any(|i| i.repository == reference.repository);
    if repository_exists {
        format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"{canonical}\": \
             failed to resolve reference \"{canonical}\": {canonical}: not found"
        )
    } else {
        format!(
            "rpc error: code = Unknown desc = failed to pull and unpack image \"{canonical}\": \
             failed to resolve reference \"{canonical}\": pull access denied, repository does not exist \
             or may require authorization: server message: insufficient_scope: authorization failed"
        )
    }
}

/// How long a pull of `size` bytes takes on the simulated network, in ms.
pub fn pull_millis(size: u64) -> i64 {
    // 40 MB/s with 300 ms of registry round trips.
    300 + (size / 40_000) as i64
}

/// A duration as Go's `time.Duration.String` prints it: `1.234s`, `523ms`, `2m3.5s`.
pub fn go_duration(millis: i64) -> String {
    if millis < 1000 {
        return format!("{millis}ms");
    }
    let minutes = millis / 60_000;
    let rest = millis % 60_000;
    let seconds = format!("{}.{:03}", rest / 1000, rest % 1000);
    let seconds = seconds.trim_end_matches('0').trim_end_matches('.');
    if minutes > 0 {
        format!("{minutes}m{seconds}s")
    } else {
        format!("{seconds}s")
    }
}

/// A stable digest for an image, for `imageID`.
pub fn digest(image: &Image, tag: &str) -> String {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for b in image.repository.bytes().chain(tag.bytes()) {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut text = String::from("sha256:");
    let mut state = hash;
    for _ in 0..4 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        text.push_str(&format!("{state:016x}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalise_like_containerd() {
        let r = Reference::parse("nginx");
        assert_eq!(r.canonical(), "docker.io/library/nginx:latest");
        assert_eq!(
            Reference::parse("gihyodocker/echo:latest").canonical(),
            "docker.io/gihyodocker/echo:latest"
        );
        let local = Reference::parse("localhost:5000/team/app:v2");
        assert_eq!(
            (
                local.registry.as_str(),
                local.repository.as_str(),
                local.tag.as_str()
            ),
            ("localhost:5000", "team/app", "v2")
        );
        assert_eq!(
            Reference::parse("registry.k8s.io/pause:3.10").repository,
            "pause"
        );
    }

    #[test]
    fn the_catalog_has_the_seed_images_and_refuses_others() {
        for image in [
            "gihyodocker/echo:latest",
            "gihyodocker/nginx:latest",
            "gihyodocker/nginx-proxy:latest",
            "gihyodocker/fundamental:0.1.0",
        ] {
            assert!(find(image).is_some(), "{image}");
        }
        assert!(find("nginx:1.25").is_some());
        assert!(find("nginx:bad").is_none());
        assert!(pull_error("nginx:bad").ends_with("docker.io/library/nginx:bad: not found"));
        assert!(pull_error("nosuch/thing").contains("pull access denied"));
    }

    #[test]
    fn durations_print_as_go_does() {
        assert_eq!(go_duration(523), "523ms");
        assert_eq!(go_duration(1_234), "1.234s");
        assert_eq!(go_duration(2_000), "2s");
        assert_eq!(go_duration(123_500), "2m3.5s");
    }
}

//! Images on the engine: which ones it has (a cache the kubelet asks
//! synchronously), and pulls, with their progress by layer and their
//! failures worded as the kubelet quotes containerd's.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bollard::models::{CreateImageInfo, ImageSummary};
use bollard::query_parameters::{CreateImageOptions, ListImagesOptions};
use bollard::Docker;
use sunaba_core::images::Reference;
use sunaba_core::kubelet::runtime::PullProgress;
use tokio_stream::StreamExt;

use super::spec::pull_reference;

/// The engine's images, by their canonical references
/// (`docker.io/library/nginx:1.25`, `docker.io/library/nginx@sha256:…`).
#[derive(Debug, Default)]
pub struct ImageCache {
    names: Mutex<HashSet<String>>,
}

impl ImageCache {
    fn names(&self) -> MutexGuard<'_, HashSet<String>> {
        self.names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The engine's images now.
    pub async fn load(docker: &Docker) -> Result<Self, bollard::errors::Error> {
        let cache = Self::default();
        cache.refresh(docker).await?;
        Ok(cache)
    }

    /// Reads the engine's image list again.
    pub async fn refresh(&self, docker: &Docker) -> Result<(), bollard::errors::Error> {
        let images = docker.list_images(None::<ListImagesOptions>).await?;
        let mut names = self.names();
        names.clear();
        names.extend(images.iter().flat_map(image_names));
        Ok(())
    }

    /// Whether the engine has `image` (as written in a pod spec).
    pub fn has(&self, image: &str) -> bool {
        self.names().contains(&Reference::parse(image).canonical())
    }

    /// Notes that the engine has `image`.
    pub fn insert(&self, image: &str) {
        self.names().insert(Reference::parse(image).canonical());
    }
}

/// An image's tags and digests, canonical.
fn image_names(image: &ImageSummary) -> impl Iterator<Item = String> + '_ {
    image
        .repo_tags
        .iter()
        .chain(&image.repo_digests)
        .filter(|name| !name.starts_with("<none>"))
        .map(|name| Reference::parse(name).canonical())
}

/// What a successful pull reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pulled {
    /// How long it took, in milliseconds.
    pub took_ms: i64,
    /// The image's size in bytes.
    pub size: u64,
}

/// How often a pull's progress is reported at most.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(3);

/// A pull's layers as the engine's progress messages tell them.
#[derive(Debug, Default)]
pub struct LayerProgress {
    /// Per layer ID: (bytes downloaded, bytes in all if known, downloaded yet).
    layers: BTreeMap<String, (u64, u64, bool)>,
}

impl LayerProgress {
    /// Takes one of the engine's progress messages into account.
    pub fn observe(&mut self, info: &CreateImageInfo) {
        let (Some(id), Some(status)) = (info.id.as_deref(), info.status.as_deref()) else {
            return;
        };
        // The first line names the tag being pulled, not a layer.
        if status.starts_with("Pulling from") {
            return;
        }
        let layer = self.layers.entry(id.to_string()).or_default();
        match status {
            "Downloading" => {
                let detail = info.progress_detail.as_ref();
                let bytes = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok());
                if let Some(current) = bytes(detail.and_then(|d| d.current)) {
                    layer.0 = current;
                }
                if let Some(total) = bytes(detail.and_then(|d| d.total)) {
                    layer.1 = total;
                }
            }
            "Verifying Checksum" | "Download complete" | "Extracting" | "Pull complete"
            | "Already exists" => {
                layer.0 = layer.1.max(layer.0);
                layer.2 = true;
            }
            _ => {}
        }
    }

    /// How far the pull has got; None before any layer is known.
    pub fn summary(&self) -> Option<PullProgress> {
        if self.layers.is_empty() {
            return None;
        }
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Some(PullProgress {
            layers_done: count(self.layers.values().filter(|l| l.2).count()),
            layers: count(self.layers.len()),
            downloaded: self.layers.values().map(|l| l.0).sum(),
            total: self.layers.values().map(|l| l.1.max(l.0)).sum(),
        })
    }
}

/// Pulls `image` (with `:latest` when it names no tag) and notes it in `cache`;
/// a failure comes back in the kubelet's words ([`pull_error`]). While
/// layers download, `progress` hears how far it got, every
/// [`PROGRESS_EVERY`] at most.
pub async fn pull(
    docker: &Docker,
    cache: &ImageCache,
    image: &str,
    mut progress: impl FnMut(PullProgress),
) -> Result<Pulled, String> {
    let started = Instant::now();
    let reference = pull_reference(image);
    let options = CreateImageOptions {
        from_image: Some(reference.clone()),
        ..CreateImageOptions::default()
    };
    let mut stream = docker.create_image(Some(options), None, None);
    let mut layers = LayerProgress::default();
    let mut reported = Instant::now();
    while let Some(item) = stream.next().await {
        let info = match item {
            Ok(info) => info,
            Err(err) => return Err(pull_error(image, &super::docker_reason(&err))),
        };
        if let Some(reason) = info.error_detail.as_ref().and_then(|d| d.message.clone()) {
            return Err(pull_error(image, &reason));
        }
        layers.observe(&info);
        if reported.elapsed() >= PROGRESS_EVERY {
            if let Some(summary) = layers.summary() {
                progress(summary);
                reported = Instant::now();
            }
        }
    }
    let inspected = docker
        .inspect_image(&reference)
        .await
        .map_err(|err| pull_error(image, &super::docker_reason(&err)))?;
    cache.insert(image);
    for tag in inspected.repo_tags.iter().flatten() {
        cache.insert(tag);
    }
    Ok(Pulled {
        took_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        size: inspected
            .size
            .and_then(|s| u64::try_from(s).ok())
            .unwrap_or(0),
    })
}

/// A failed pull as the kubelet's `Failed to pull image` event quotes the
/// runtime (the shape of core's simulated `pull_error`), with Docker's reason:
/// `rpc error: code = Unknown desc = failed to pull and unpack image
/// "docker.io/x/y:1": <reason>`; `code = NotFound` when the registry said so.
pub fn pull_error(image: &str, reason: &str) -> String {
    let canonical = Reference::parse(image).canonical();
    let code = if reason.contains("not found") || reason.contains("manifest unknown") {
        "NotFound"
    } else {
        "Unknown"
    };
    format!(
        "rpc error: code = {code} desc = failed to pull and unpack image \"{canonical}\": {reason}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_errors_have_containerds_shape_with_dockers_reason() {
        assert_eq!(
            pull_error(
                "sunaba/does-not-exist:1",
                "pull access denied for sunaba/does-not-exist, repository does not exist"
            ),
            "rpc error: code = Unknown desc = failed to pull and unpack image \
             \"docker.io/sunaba/does-not-exist:1\": pull access denied for \
             sunaba/does-not-exist, repository does not exist"
        );
        assert!(pull_error("nginx:nope", "manifest for nginx:nope not found: manifest unknown")
            .starts_with("rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:nope\""));
    }

    fn info(id: &str, status: &str, detail: Option<(i64, i64)>) -> CreateImageInfo {
        CreateImageInfo {
            id: Some(id.into()),
            status: Some(status.into()),
            progress_detail: detail.map(|(current, total)| bollard::models::ProgressDetail {
                current: Some(current),
                total: Some(total),
            }),
            ..CreateImageInfo::default()
        }
    }

    #[test]
    fn layer_progress_counts_layers_and_the_bytes_known() {
        let mut layers = LayerProgress::default();
        assert_eq!(layers.summary(), None);
        for message in [
            info("1.27", "Pulling from library/nginx", None),
            info("a1", "Already exists", None),
            info("b2", "Pulling fs layer", None),
            info("c3", "Pulling fs layer", None),
            info("b2", "Downloading", Some((1_000, 4_000))),
            info("c3", "Downloading", Some((500, 10_000))),
            info("b2", "Downloading", Some((3_000, 4_000))),
        ] {
            layers.observe(&message);
        }
        assert_eq!(
            layers.summary(),
            Some(PullProgress {
                layers_done: 1,
                layers: 3,
                downloaded: 3_500,
                total: 14_000,
            })
        );
        layers.observe(&info("b2", "Download complete", None));
        layers.observe(&info("c3", "Downloading", Some((10_000, 10_000))));
        layers.observe(&info("c3", "Pull complete", None));
        let done = layers.summary().expect("known");
        assert_eq!(
            (done.layers_done, done.downloaded, done.total),
            (3, 14_000, 14_000)
        );
    }

    #[test]
    fn the_cache_knows_images_however_they_are_written() {
        let cache = ImageCache::default();
        let summary = ImageSummary {
            repo_tags: vec!["gihyodocker/echo:latest".into(), "nginx:1.25".into()],
            repo_digests: vec!["<none>@<none>".into()],
            ..ImageSummary::default()
        };
        cache.names().extend(image_names(&summary));
        assert!(cache.has("gihyodocker/echo"));
        assert!(cache.has("docker.io/gihyodocker/echo:latest"));
        assert!(cache.has("docker.io/library/nginx:1.25"));
        assert!(!cache.has("nginx"));
        cache.insert("nginx");
        assert!(cache.has("nginx:latest"));
    }
}

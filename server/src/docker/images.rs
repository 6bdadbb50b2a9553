//! Images on the engine: which ones it has (a cache the kubelet asks
//! synchronously), and pulls, with their failures worded as the kubelet
//! quotes containerd's.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use bollard::models::ImageSummary;
use bollard::query_parameters::{CreateImageOptions, ListImagesOptions};
use bollard::Docker;
use sunaba_core::images::Reference;
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

/// Pulls `image` (with `:latest` when it names no tag) and notes it in `cache`;
/// a failure comes back in the kubelet's words ([`pull_error`]).
pub async fn pull(docker: &Docker, cache: &ImageCache, image: &str) -> Result<Pulled, String> {
    let started = Instant::now();
    let reference = pull_reference(image);
    let options = CreateImageOptions {
        from_image: Some(reference.clone()),
        ..CreateImageOptions::default()
    };
    let mut progress = docker.create_image(Some(options), None, None);
    while let Some(item) = progress.next().await {
        let failure = match item {
            Ok(info) => info.error_detail.and_then(|d| d.message),
            Err(err) => Some(super::docker_reason(&err)),
        };
        if let Some(reason) = failure {
            return Err(pull_error(image, &reason));
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

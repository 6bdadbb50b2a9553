//! The files a container's ConfigMap and Secret volumes hold, as the
//! kubelet projects them: one file per key (or per `items` entry, at its
//! `path`) under the mount path. A volume whose ConfigMap or Secret is
//! missing, and not optional, cannot be set up; the kubelet says so with a
//! `FailedMount` event and tries again.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, KeyToPath, Pod, Volume};

use super::env::data_of;
use crate::api::Kind;
use crate::store::Store;

/// One ConfigMap or Secret volume, mounted in a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountedVolume {
    /// The volume's name in the pod.
    pub name: String,
    /// Where it is mounted in the container.
    pub mount_path: String,
    /// Its files: (path under the mount, content).
    pub files: Vec<(String, String)>,
}

/// Why a volume cannot be set up, in the kubelet's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountError {
    /// The volume.
    pub volume: String,
    /// What is missing: `configmap "x" not found`.
    pub reason: String,
}

impl MountError {
    /// The `FailedMount` event's message.
    pub fn message(&self) -> String {
        format!(
            "MountVolume.SetUp failed for volume \"{}\" : {}",
            self.volume, self.reason
        )
    }
}

/// The ConfigMap and Secret volumes `container` mounts, with their files.
pub fn mounted(
    pod: &Pod,
    container: &Container,
    store: &Store,
) -> Result<Vec<MountedVolume>, MountError> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let volumes = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_deref())
        .unwrap_or_default();
    let mut mounted = Vec::new();
    for mount in container.volume_mounts.iter().flatten() {
        let Some(volume) = volumes.iter().find(|v| v.name == mount.name) else {
            continue;
        };
        let Some(files) = files_of(volume, store, namespace)? else {
            continue;
        };
        mounted.push(MountedVolume {
            name: volume.name.clone(),
            mount_path: mount.mount_path.clone(),
            files,
        });
    }
    Ok(mounted)
}

/// A volume's files; None when it is not a ConfigMap or Secret volume.
fn files_of(
    volume: &Volume,
    store: &Store,
    namespace: &str,
) -> Result<Option<Vec<(String, String)>>, MountError> {
    let missing = |reason: String| MountError {
        volume: volume.name.clone(),
        reason,
    };
    let (data, items) = if let Some(source) = &volume.config_map {
        let optional = source.optional == Some(true);
        let data = data_of(store, Kind::ConfigMap, namespace, &source.name, optional);
        (data.map_err(missing)?, &source.items)
    } else if let Some(source) = &volume.secret {
        let name = source.secret_name.as_deref().unwrap_or_default();
        let optional = source.optional == Some(true);
        let data = data_of(store, Kind::Secret, namespace, name, optional);
        (data.map_err(missing)?, &source.items)
    } else {
        return Ok(None);
    };
    Ok(Some(project(&data, items.as_deref())))
}

/// The files of `data`: every key, or just the listed items at their paths.
fn project(data: &BTreeMap<String, String>, items: Option<&[KeyToPath]>) -> Vec<(String, String)> {
    match items {
        None | Some([]) => data.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(items) => items
            .iter()
            .filter_map(|item| Some((item.path.clone(), data.get(&item.key)?.clone())))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Object;
    use k8s_openapi::api::core::v1::{ConfigMap, ConfigMapVolumeSource, PodSpec, VolumeMount};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn pod_mounting(source: ConfigMapVolumeSource) -> (Pod, Container) {
        let container = Container {
            name: "c".into(),
            volume_mounts: Some(vec![VolumeMount {
                name: "config".into(),
                mount_path: "/etc/app".into(),
                ..VolumeMount::default()
            }]),
            ..Container::default()
        };
        let pod = Pod {
            metadata: ObjectMeta {
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            spec: Some(PodSpec {
                containers: vec![container.clone()],
                volumes: Some(vec![Volume {
                    name: "config".into(),
                    config_map: Some(source),
                    ..Volume::default()
                }]),
                ..PodSpec::default()
            }),
            status: None,
        };
        (pod, container)
    }

    fn store() -> Store {
        let map = ConfigMap {
            metadata: ObjectMeta {
                name: Some("settings".into()),
                namespace: Some("default".into()),
                ..ObjectMeta::default()
            },
            data: Some(
                [
                    ("color".to_string(), "blue".to_string()),
                    ("size".into(), "L".into()),
                ]
                .into(),
            ),
            ..ConfigMap::default()
        };
        Store::restored([Object::ConfigMap(Box::new(map))], 1)
    }

    #[test]
    fn every_key_is_a_file_unless_items_pick_some() {
        let (pod, container) = pod_mounting(ConfigMapVolumeSource {
            name: "settings".into(),
            ..ConfigMapVolumeSource::default()
        });
        let projected = mounted(&pod, &container, &store()).expect("mounts");
        assert_eq!(projected[0].mount_path, "/etc/app");
        assert_eq!(
            projected[0].files,
            [
                ("color".to_string(), "blue".to_string()),
                ("size".into(), "L".into())
            ]
        );
        let (pod, container) = pod_mounting(ConfigMapVolumeSource {
            name: "settings".into(),
            items: Some(vec![KeyToPath {
                key: "color".into(),
                path: "theme/color.txt".into(),
                mode: None,
            }]),
            ..ConfigMapVolumeSource::default()
        });
        let projected = mounted(&pod, &container, &store()).expect("mounts");
        assert_eq!(
            projected[0].files,
            [("theme/color.txt".to_string(), "blue".to_string())]
        );
    }

    #[test]
    fn a_missing_config_map_fails_the_mount_in_the_kubelets_words() {
        let (pod, container) = pod_mounting(ConfigMapVolumeSource {
            name: "nope".into(),
            ..ConfigMapVolumeSource::default()
        });
        let error = mounted(&pod, &container, &store()).expect_err("missing");
        assert_eq!(
            error.message(),
            "MountVolume.SetUp failed for volume \"config\" : configmap \"nope\" not found"
        );
    }
}

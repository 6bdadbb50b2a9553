//! The tutorial chapter's example manifests (the seed's chapter 5), shipped
//! as data so the browser, `sunaba shell` and the tests share them.

/// `(file name, contents)` for each manifest, in the order the chapter uses them.
pub const SEED_MANIFESTS: [(&str, &str); 5] = [
    ("simple-pod.yaml", include_str!("../seeds/simple-pod.yaml")),
    (
        "simple-replicaset.yaml",
        include_str!("../seeds/simple-replicaset.yaml"),
    ),
    (
        "simple-deployment.yaml",
        include_str!("../seeds/simple-deployment.yaml"),
    ),
    (
        "simple-replicaset-with-label.yaml",
        include_str!("../seeds/simple-replicaset-with-label.yaml"),
    ),
    (
        "simple-service.yaml",
        include_str!("../seeds/simple-service.yaml"),
    ),
];

/// A seed manifest by file name.
pub fn manifest(name: &str) -> Option<&'static str> {
    SEED_MANIFESTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

//! Fuzzes manifest decoding and creation: no input may panic the engine,
//! and a refused object leaves the store unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sunaba_core::{Cluster, ClusterConfig};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut cluster = Cluster::new(ClusterConfig { workers: 1, ..ClusterConfig::default() });
    let before = cluster.api().store().resource_version();
    if let Ok(results) = cluster.create_manifests(text) {
        if results.iter().all(Result::is_err) {
            assert_eq!(cluster.api().store().resource_version(), before, "a refused manifest changed the store");
        }
        cluster.advance(60_000);
    }
});

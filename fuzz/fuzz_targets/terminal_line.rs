//! Any bytes typed at the terminal: kubectl's parser, the host commands and
//! (after `exec -it`) a container's shell must answer without panicking.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use sunaba_core::kubectl::Files;
use sunaba_core::terminal::Terminal;
use sunaba_core::{seed, Cluster, ClusterConfig};

struct SeedFiles(BTreeMap<String, String>);

impl Files for SeedFiles {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }

    fn list(&self, _dir: &str) -> Option<Vec<String>> {
        Some(self.0.keys().cloned().collect())
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut cluster = Cluster::new(ClusterConfig::default());
    let files = SeedFiles(
        seed::SEED_MANIFESTS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    );
    let mut terminal = Terminal::new();
    // A running pod to exec into, so shell lines are reached too.
    terminal.run_line(&mut cluster, &files, "kubectl apply -f simple-pod.yaml");
    cluster.advance(30_000);
    for (i, line) in text.lines().take(16).enumerate() {
        if i == 1 {
            terminal.run_line(&mut cluster, &files, "kubectl exec -it simple-echo -- sh");
        }
        terminal.run_line(&mut cluster, &files, line);
        let _ = terminal.poll(&cluster);
        let _ = terminal.interrupt();
    }
});

//! The cluster handle: the one boundary through which the browser and the
//! server drive the simulation.

/// How a new cluster is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Worker nodes beside the control-plane node.
    pub workers: usize,
    /// The seed for every random choice the cluster makes.
    pub seed: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            seed: 0,
        }
    }
}

/// A whole simulated cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    config: ClusterConfig,
}

impl Cluster {
    /// Builds a fresh cluster: one control-plane node and `config.workers` workers.
    pub fn new(config: ClusterConfig) -> Self {
        Self { config }
    }

    /// The names of the nodes, control plane first, as kind names them.
    pub fn node_names(&self) -> Vec<String> {
        let workers = (1..=self.config.workers).map(|i| match i {
            1 => "sunaba-worker".to_string(),
            n => format!("sunaba-worker{n}"),
        });
        std::iter::once("sunaba-control-plane".to_string())
            .chain(workers)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_cluster_has_control_plane_and_two_workers() {
        let cluster = Cluster::new(ClusterConfig::default());
        assert_eq!(
            cluster.node_names(),
            ["sunaba-control-plane", "sunaba-worker", "sunaba-worker2"]
        );
    }
}

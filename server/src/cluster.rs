//! The served cluster: one `sunaba_core::Cluster` on a thread of its own.
//!
//! The core cluster is plain, single-threaded data that never reads a clock,
//! so the server keeps it on one thread and sends it jobs
//! ([`ClusterHandle::call`]). Before each job, and on a tick of
//! [`TICK`] when idle, the thread moves the simulated clock on by the wall
//! time that passed ([`Clock::Wall`]); tests use [`Clock::Manual`] and
//! advance it themselves. After every job or tick the store's
//! resourceVersion is published, so watches wake up when something changed.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sunaba_core::{Cluster, ClusterConfig};

use crate::persist::{DataDir, Saved};
use tokio::sync::{oneshot, watch};

/// How often an idle cluster catches up with the wall clock.
pub const TICK: Duration = Duration::from_millis(250);

/// How the simulated clock moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    /// It follows real time: before each request and every [`TICK`].
    #[default]
    Wall,
    /// It moves only when told ([`ClusterHandle::advance`]), for repeatable tests.
    Manual,
}

/// A job for the cluster thread.
pub type Job = Box<dyn FnOnce(&mut Cluster) + Send>;

/// A request for the cluster thread: it works on the cluster and returns
/// the answer to send once the cluster's changes are saved.
type Call = Box<dyn FnOnce(&mut Cluster) -> Answer + Send>;

/// Sends a call's answer back.
type Answer = Box<dyn FnOnce() + Send>;

/// How the cluster thread starts.
pub struct Startup {
    /// The cluster to build (or to restore into).
    pub config: ClusterConfig,
    /// Which clock it follows.
    pub clock: Clock,
    /// Run once on the new cluster before anything else (plugging in a
    /// node's container runtime, say).
    pub setup: Job,
    /// Where its state is kept, with what was there; None keeps nothing.
    pub data: Option<(DataDir, Saved)>,
    /// The Docker engine that runs one node's pods, for the API's `exec`.
    pub docker: Option<crate::api::DockerNode>,
}

impl Startup {
    /// A cluster with no setup that keeps nothing on disk.
    pub fn new(config: ClusterConfig, clock: Clock) -> Self {
        Self {
            config,
            clock,
            setup: Box::new(|_| {}),
            data: None,
            docker: None,
        }
    }
}

/// The cluster thread is gone (it panicked or the server is shutting down).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the simulated cluster stopped")]
pub struct Stopped;

/// A cheap, cloneable handle on the cluster thread.
#[derive(Clone)]
pub struct ClusterHandle {
    jobs: mpsc::Sender<Call>,
    versions: watch::Receiver<u64>,
}

impl ClusterHandle {
    /// Builds the cluster on a new thread and returns a handle on it.
    pub fn start(config: ClusterConfig, clock: Clock) -> std::io::Result<Self> {
        Self::start_with(config, clock, Box::new(|_| {}))
    }

    /// Builds the cluster on a new thread, runs `setup` on it before
    /// anything else (plugging in a node's container runtime, say), and
    /// returns a handle on it.
    pub fn start_with(config: ClusterConfig, clock: Clock, setup: Job) -> std::io::Result<Self> {
        Self::launch(Startup {
            setup,
            ..Startup::new(config, clock)
        })
    }

    /// Builds (or restores from its data directory) the cluster on a new
    /// thread and returns a handle on it.
    pub fn launch(startup: Startup) -> std::io::Result<Self> {
        let (jobs, inbox) = mpsc::channel::<Call>();
        let (publish, versions) = watch::channel(0);
        std::thread::Builder::new()
            .name("sunaba-cluster".into())
            .spawn(move || run(startup, &inbox, &publish))?;
        Ok(Self { jobs, versions })
    }

    /// Runs `job` on the cluster (after the clock caught up) and returns its result.
    pub async fn call<R, F>(&self, job: F) -> Result<R, Stopped>
    where
        R: Send + 'static,
        F: FnOnce(&mut Cluster) -> R + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let call: Call = Box::new(move |cluster| {
            let result = job(cluster);
            Box::new(move || {
                let _ = reply.send(result);
            })
        });
        self.jobs.send(call).map_err(|_| Stopped)?;
        answer.await.map_err(|_| Stopped)
    }

    /// Moves the simulated clock on by `millis` (on top of the wall clock, if it follows one).
    pub async fn advance(&self, millis: i64) -> Result<(), Stopped> {
        self.call(move |cluster| cluster.advance(millis)).await
    }

    /// The store's resourceVersion, updated after every job and tick.
    pub fn versions(&self) -> watch::Receiver<u64> {
        self.versions.clone()
    }
}

/// The cluster thread: builds the cluster, then runs jobs and ticks until every handle is gone.
fn run(startup: Startup, inbox: &mpsc::Receiver<Call>, publish: &watch::Sender<u64>) {
    let Startup {
        config,
        clock,
        setup,
        data,
        docker: _,
    } = startup;
    let (mut cluster, mut data) = match data {
        Some((data, saved)) if !saved.objects.is_empty() => (
            Cluster::restore(config, saved.objects, saved.resource_version),
            Some(data),
        ),
        Some((data, _)) => (Cluster::new(config), Some(data)),
        None => (Cluster::new(config), None),
    };
    setup(&mut cluster);
    save(&mut data, &cluster);
    let mut wall = WallClock::new();
    loop {
        let call = match inbox.recv_timeout(TICK) {
            Ok(call) => Some(call),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if clock == Clock::Wall {
            wall.catch_up(&mut cluster);
        }
        // A call that panics fails its own request (its answer is never
        // sent), not the whole server.
        let answer = call.and_then(|call| {
            std::panic::catch_unwind(AssertUnwindSafe(|| call(&mut cluster))).ok()
        });
        // What a request changed is on disk before it is answered.
        save(&mut data, &cluster);
        if let Some(answer) = answer {
            answer();
        }
        let version = cluster.api().store().resource_version();
        publish.send_if_modified(|seen| std::mem::replace(seen, version) != version);
    }
}

/// Writes the cluster's changes to its data directory, if it has one; a
/// failure is reported and the server goes on (in memory).
fn save(data: &mut Option<DataDir>, cluster: &Cluster) {
    if let Some(data) = data {
        if let Err(err) = data.record(cluster.api().store()) {
            eprintln!("sunaba: cannot save the cluster: {err}");
        }
    }
}

/// Real time handed to the simulation in whole milliseconds, without drift.
struct WallClock {
    last: Instant,
}

impl WallClock {
    fn new() -> Self {
        Self {
            last: Instant::now(),
        }
    }

    /// Advances the cluster by the whole milliseconds since the last catch-up.
    fn catch_up(&mut self, cluster: &mut Cluster) {
        let millis = self.last.elapsed().as_millis();
        if millis == 0 {
            return;
        }
        let millis = u64::try_from(millis).unwrap_or(u64::MAX);
        self.last += Duration::from_millis(millis);
        cluster.advance(i64::try_from(millis).unwrap_or(i64::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::time::SimTime;

    fn config() -> ClusterConfig {
        ClusterConfig {
            workers: 1,
            ..ClusterConfig::default()
        }
    }

    #[tokio::test]
    async fn a_manual_clock_moves_only_when_told() {
        let handle = ClusterHandle::start(config(), Clock::Manual).expect("thread starts");
        tokio::time::sleep(TICK * 2).await;
        let now = handle.call(|c| c.now()).await.expect("cluster runs");
        assert_eq!(now, SimTime::TEST_EPOCH);
        handle.advance(1500).await.expect("cluster runs");
        let now = handle.call(|c| c.now()).await.expect("cluster runs");
        assert_eq!(now.millis_since(SimTime::TEST_EPOCH), 1500);
    }

    #[tokio::test]
    async fn a_wall_clock_follows_real_time() {
        let handle = ClusterHandle::start(config(), Clock::Wall).expect("thread starts");
        let before = handle.call(|c| c.now()).await.expect("cluster runs");
        tokio::time::sleep(Duration::from_millis(600)).await;
        let after = handle.call(|c| c.now()).await.expect("cluster runs");
        let moved = after.millis_since(before);
        assert!((600..5000).contains(&moved), "moved {moved} ms");
    }

    #[tokio::test]
    async fn a_panicking_job_fails_alone() {
        let handle = ClusterHandle::start(config(), Clock::Manual).expect("thread starts");
        let failed = handle
            .call(|_| -> u8 { panic!("a bug in a handler") })
            .await;
        assert_eq!(failed, Err(Stopped));
        let nodes = handle.call(|c| c.node_names().len()).await;
        assert_eq!(nodes, Ok(2));
    }
}

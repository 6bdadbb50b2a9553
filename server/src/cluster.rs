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

/// The cluster thread is gone (it panicked or the server is shutting down).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the simulated cluster stopped")]
pub struct Stopped;

/// A cheap, cloneable handle on the cluster thread.
#[derive(Clone)]
pub struct ClusterHandle {
    jobs: mpsc::Sender<Job>,
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
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (publish, versions) = watch::channel(0);
        std::thread::Builder::new()
            .name("sunaba-cluster".into())
            .spawn(move || run(config, clock, setup, &inbox, &publish))?;
        Ok(Self { jobs, versions })
    }

    /// Runs `job` on the cluster (after the clock caught up) and returns its result.
    pub async fn call<R, F>(&self, job: F) -> Result<R, Stopped>
    where
        R: Send + 'static,
        F: FnOnce(&mut Cluster) -> R + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |cluster| {
            let _ = reply.send(job(cluster));
        });
        self.jobs.send(job).map_err(|_| Stopped)?;
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
fn run(
    config: ClusterConfig,
    clock: Clock,
    setup: Job,
    inbox: &mpsc::Receiver<Job>,
    publish: &watch::Sender<u64>,
) {
    let mut cluster = Cluster::new(config);
    setup(&mut cluster);
    let mut wall = WallClock::new();
    loop {
        let job = match inbox.recv_timeout(TICK) {
            Ok(job) => Some(job),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if clock == Clock::Wall {
            wall.catch_up(&mut cluster);
        }
        if let Some(job) = job {
            // A job that panics fails its own request (its reply is dropped),
            // not the whole server.
            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut cluster)));
        }
        let version = cluster.api().store().resource_version();
        publish.send_if_modified(|seen| std::mem::replace(seen, version) != version);
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

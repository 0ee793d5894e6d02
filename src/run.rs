//! Runs the replications of one scenario in parallel with rayon and returns them in index order,
//! so that every output is byte-identical whatever the thread count (SPEC §6).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::model::{Model, Observer, RepResult};

/// How to run: threads, cancellation and progress.
#[derive(Default)]
pub struct RunOptions<'a> {
    /// Worker threads (`None`: rayon's default, one per core).
    pub threads: Option<usize>,
    /// Set from another thread (a signal handler) to stop before the next replication starts.
    pub cancel: Option<&'a AtomicBool>,
    /// Called with the number of replications finished so far, from worker threads.
    pub progress: Option<&'a (dyn Fn(usize) + Sync)>,
}

impl std::fmt::Debug for RunOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions").field("threads", &self.threads).finish_non_exhaustive()
    }
}

/// Why a run produced no results.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The cancel flag was raised; finished replications are discarded (a run is one unit).
    #[error("interrupted")]
    Cancelled,
    /// The thread pool could not be built. Fatal.
    #[error("could not start {threads} worker threads: {reason}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The system's reason.
        reason: String,
    },
}

/// Runs replications `0..n` of `model`; replication 0 reports its groups to `records` if given.
/// Results come back in replication order, independent of scheduling.
pub fn replications(
    model: &Model,
    n: u64,
    opts: &RunOptions<'_>,
    records: Option<&mut (dyn Observer + Send)>,
) -> Result<Vec<RepResult>, RunError> {
    let records = Mutex::new(records);
    let done = AtomicUsize::new(0);
    let work = || {
        (0..n)
            .into_par_iter()
            .map(|r| {
                if opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return None;
                }
                let result = if r == 0 {
                    let mut guard = records.lock().unwrap_or_else(|e| e.into_inner());
                    match guard.as_mut() {
                        Some(obs) => model.replicate(r, &mut **obs),
                        None => model.replicate(r, &mut crate::model::NoRecords),
                    }
                } else {
                    model.replicate(r, &mut crate::model::NoRecords)
                };
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(p) = opts.progress {
                    p(finished);
                }
                Some(result)
            })
            .collect::<Vec<Option<RepResult>>>()
    };
    let results = match opts.threads {
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .map_err(|e| RunError::Threads { threads: t, reason: e.to_string() })?
            .install(work),
        None => work(),
    };
    results.into_iter().collect::<Option<Vec<_>>>().ok_or(RunError::Cancelled)
}

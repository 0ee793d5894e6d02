//! Runs the replications of one scenario in parallel with rayon and returns them in index order,
//! so that every output is byte-identical whatever the thread count.

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
    /// Receives each replication's per-port daily series as it finishes.
    pub port_daily: Option<&'a Mutex<crate::model::PortBands>>,
    /// Keeps each replication's per-port daily series in its result (calibration targets at a
    /// port read them); otherwise they are dropped, so that memory does not grow with the
    /// replications.
    pub keep_port_daily: bool,
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
    replication_range(model, 0..n, opts, records)
}

/// Runs replications `range` (for adding batches under `--precision`); see [`replications`].
pub fn replication_range(
    model: &Model,
    range: std::ops::Range<u64>,
    opts: &RunOptions<'_>,
    records: Option<&mut (dyn Observer + Send)>,
) -> Result<Vec<RepResult>, RunError> {
    let records = Mutex::new(records);
    let done = AtomicUsize::new(0);
    let one = |r: u64| {
        if opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return None;
        }
        let result = if r == 0 {
            let mut guard = records.lock().unwrap_or_else(|e| e.into_inner());
            match guard.as_mut() {
                Some(obs) => model.replicate_until(r, &mut **obs, opts.cancel),
                None => model.replicate_until(r, &mut crate::model::NoRecords, opts.cancel),
            }
        } else {
            model.replicate_until(r, &mut crate::model::NoRecords, opts.cancel)
        };
        let mut result = result?;
        if let Some(daily) = result.port_daily.take() {
            if let Some(bands) = opts.port_daily {
                bands.lock().unwrap_or_else(|e| e.into_inner()).add(&daily);
            }
            if opts.keep_port_daily {
                result.port_daily = Some(daily);
            }
        }
        let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(p) = opts.progress {
            p(finished);
        }
        Some(result)
    };
    let work = || range.clone().into_par_iter().map(one).collect::<Vec<Option<RepResult>>>();
    let serial = || range.clone().map(one).collect::<Vec<Option<RepResult>>>();
    // One thread, and wasm32 (which has none to spare), run on the calling thread.
    let results = match opts.threads {
        Some(1) => serial(),
        None if cfg!(target_arch = "wasm32") => serial(),
        Some(t) => rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .map_err(|e| RunError::Threads { threads: t, reason: e.to_string() })?
            .install(work),
        None => work(),
    };
    results.into_iter().collect::<Option<Vec<_>>>().ok_or(RunError::Cancelled)
}

/// A target precision for `--precision`: the 95 % CI half-width of the mean wait within `relative`
/// of the mean, adding replications up to `max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Target half-width relative to the mean (0.02 = 2 %).
    pub relative: f64,
    /// Never run more replications than this.
    pub max: u64,
}

/// The metric `--precision` watches: the mean wait from registration to processing.
pub const PRECISION_METRIC: &str = "wait_mean_days";

/// The relative half-width of the 95 % CI of the mean of per-replication mean waits (∞ when undefined).
pub fn relative_half_width(reps: &[RepResult]) -> f64 {
    let xs: Vec<f64> = reps.iter().map(|r| r.whole.wait.map_or(f64::NAN, |w| w.mean)).collect();
    let s = crate::stats::Summary::of(&xs);
    let rel = s.half_width() / s.mean.abs();
    if rel.is_finite() { rel } else { f64::INFINITY }
}

/// Runs `first` replications, then doubles the count (capped at `p.max`) until the mean wait's CI is
/// tight enough. The stopping rule looks only at results, and replication seeds depend only on their
/// index, so the outcome does not depend on thread count. Returns the results and whether the target
/// was met.
pub fn until_precise(
    model: &Model,
    first: u64,
    p: Precision,
    opts: &RunOptions<'_>,
    mut records: Option<&mut (dyn Observer + Send)>,
) -> Result<(Vec<RepResult>, bool), RunError> {
    let first = first.clamp(2, p.max.max(2));
    let mut reps = replication_range(model, 0..first, opts, records.take())?;
    loop {
        let met = relative_half_width(&reps) <= p.relative;
        let n = reps.len() as u64;
        if met || n >= p.max {
            return Ok((reps, met));
        }
        let next = (2 * n).min(p.max);
        reps.extend(replication_range(model, n..next, opts, None)?);
    }
}

//! The library's entry point: an [`Experiment`] is a validated scenario with its overrides, seed
//! and replications; [`Experiment::run`] runs it and returns a typed [`RunResult`], from which the
//! writers make the run's files. No IO happens here, so the same path serves the command line, a
//! Python package and a browser page.
//!
//! ```
//! use borderq::{Experiment, RunControl};
//!
//! let experiment = Experiment::builder("bailey")
//!     .set("scenario.end=\"2024-03-01\"")
//!     .replications(2)
//!     .seed(7)
//!     .build()?;
//! let result = experiment.run(&RunControl::serial())?;
//! let wait = result.metric("wait_mean_days").and_then(|m| m.mean).expect("groups were processed");
//! assert!(wait > 0.3 && wait < 0.8, "Bailey's mean wait is about half a day, not {wait}");
//! # Ok::<(), borderq::Error>(())
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::model::{Model, Observer, PortBands, RepResult};
use crate::output::{self, CohortRow, RunTables, SummaryRow};
use crate::reported::ComparisonRow;
use crate::run::{self, Precision, RunError, RunOptions};
use crate::scenario::{self, RunFlags, Scenario, ScenarioError, ScenarioText};

/// Any failure of the library's entry points, by kind: the caller maps kinds to exit codes or
/// exceptions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scenario, an override or a flag is invalid (its location and what is allowed).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A value given beside the scenario (a flag) is out of range.
    #[error("{0}")]
    Input(String),
    /// The scenario is too large to run (the size guard).
    #[error("{0}")]
    TooLarge(String),
    /// The run was cancelled, or its threads could not start.
    #[error(transparent)]
    Run(#[from] RunError),
    /// Writing outputs failed.
    #[error(transparent)]
    Output(#[from] output::OutputError),
    /// Drawing a chart or reading files to chart failed.
    #[cfg(feature = "charts")]
    #[error(transparent)]
    Plot(#[from] crate::plot::PlotError),
}

/// A cancellation flag shared with whoever may stop a run (a signal handler, a button, Python's
/// Ctrl-C). Cloning shares the flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Asks the run to stop; it stops before the next replication starts.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// The flag itself, for code that sets it from a signal handler.
    pub fn flag(&self) -> &Arc<AtomicBool> {
        &self.0
    }
}

/// Builds an [`Experiment`]: where the scenario comes from, then overrides, seed and replications,
/// applied in that order by [`ExperimentBuilder::build`], which validates once.
#[derive(Debug, Clone)]
pub struct ExperimentBuilder {
    source: Source,
    sets: Vec<String>,
    flags: RunFlags,
}

#[derive(Debug, Clone)]
enum Source {
    /// A bundled name or a path, resolved as the command line resolves its SCENARIO argument.
    Locate(String),
    /// Scenario text with the label its errors use.
    Text(ScenarioText),
}

impl ExperimentBuilder {
    /// Applies `PATH=VALUE` (VALUE parsed as TOML), after the file and earlier overrides.
    pub fn set(mut self, path_value: impl Into<String>) -> Self {
        self.sets.push(path_value.into());
        self
    }

    /// Applies several `PATH=VALUE` overrides in order.
    pub fn sets<I: IntoIterator<Item = S>, S: Into<String>>(mut self, sets: I) -> Self {
        self.sets.extend(sets.into_iter().map(Into::into));
        self
    }

    /// The master seed (0 to 2^63 − 1), applied after every override.
    pub fn seed(mut self, seed: u64) -> Self {
        self.flags.seed = Some(seed);
        self
    }

    /// The number of replications, applied after every override.
    pub fn replications(mut self, n: u32) -> Self {
        self.flags.replications = Some(n);
        self
    }

    /// Reads, overrides and validates the scenario, then checks that it can run (the size guard).
    pub fn build(self) -> Result<Experiment, Error> {
        let text = match self.source {
            Source::Locate(arg) => scenario::locate(&arg)?,
            Source::Text(text) => text,
        };
        let mut s = scenario::parse(&text, &self.sets)?;
        self.flags.check().map_err(Error::Input)?;
        self.flags.apply(&mut s);
        check_scale(&s)?;
        Ok(Experiment { scenario: s })
    }
}

/// Refuses, before anything runs, a scenario whose replications could not fit in memory.
pub fn check_scale(s: &Scenario) -> Result<(), Error> {
    s.scale_problem().map_or(Ok(()), |m| Err(Error::TooLarge(m)))
}

/// A validated scenario, ready to run any number of times.
#[derive(Debug, Clone)]
pub struct Experiment {
    scenario: Scenario,
}

/// How to run: threads (or serially), progress, cancellation and `--precision`.
#[derive(Default)]
pub struct RunControl<'a> {
    /// Worker threads; `Some(1)` runs serially on the calling thread, `None` uses one per core.
    pub threads: Option<usize>,
    /// Stops the run before the next replication; a cancelled run returns [`RunError::Cancelled`].
    pub cancel: Option<CancelToken>,
    /// Called with the number of replications finished so far, from worker threads.
    pub progress: Option<&'a (dyn Fn(usize) + Sync)>,
    /// Adds replications until the mean wait's interval is tight enough (`--precision`).
    pub precision: Option<Precision>,
}

impl std::fmt::Debug for RunControl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunControl")
            .field("threads", &self.threads)
            .field("precision", &self.precision)
            .finish_non_exhaustive()
    }
}

impl RunControl<'_> {
    /// Runs on the calling thread only, as a browser page or a notebook cell may need.
    pub fn serial() -> Self {
        RunControl { threads: Some(1), ..RunControl::default() }
    }
}

impl Experiment {
    /// Starts from a bundled scenario's name or a path to a `.toml` file.
    pub fn builder(name_or_path: impl Into<String>) -> ExperimentBuilder {
        ExperimentBuilder { source: Source::Locate(name_or_path.into()), sets: Vec::new(), flags: RunFlags::default() }
    }

    /// Starts from scenario text; `label` names it in error messages (a path, or `<page>`).
    pub fn from_text(label: impl Into<String>, text: impl Into<String>) -> ExperimentBuilder {
        ExperimentBuilder {
            source: Source::Text(ScenarioText { label: label.into(), text: text.into() }),
            sets: Vec::new(),
            flags: RunFlags::default(),
        }
    }

    /// This experiment on `other`'s seed and replications, as the B of a comparison runs.
    pub(crate) fn paired_with(mut self, other: &Scenario) -> Experiment {
        self.scenario.seed = other.seed;
        self.scenario.replications = other.replications;
        self
    }

    /// The validated scenario, with every override, the seed and the replications applied.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Warnings about a scenario that runs but cannot mean much (nobody ever registers).
    pub fn warnings(&self) -> Vec<String> {
        let s = &self.scenario;
        let load = scenario::Load::of(s);
        let mut out = Vec::new();
        if load.initial.is_none_or(|(groups, _)| groups == 0) && load.total_persons <= 0.0 {
            out.push(format!(
                "scenario {:?} has no arrivals and no initial backlog: nobody will register, and every count will be 0",
                s.name
            ));
        }
        out
    }

    /// The model of this scenario, measuring apart the bookings in the reported figures' periods.
    pub fn model(&self) -> Model {
        let s = &self.scenario;
        Model::new(s).measuring(crate::reported::measures(s))
    }

    /// Runs the replications (in parallel unless `control.threads == Some(1)`) and returns the
    /// results in replication order: the same for any thread count.
    pub fn run(&self, control: &RunControl<'_>) -> Result<RunResult, Error> {
        self.run_with(control, None)
    }

    /// As [`Experiment::run`], with an observer that receives replication 0's groups.
    pub fn run_observed(
        &self,
        control: &RunControl<'_>,
        records: &mut (dyn Observer + Send),
    ) -> Result<RunResult, Error> {
        self.run_with(control, Some(records))
    }

    fn run_with(
        &self,
        control: &RunControl<'_>,
        records: Option<&mut (dyn Observer + Send)>,
    ) -> Result<RunResult, Error> {
        let (s, precision, cancel) = (&self.scenario, control.precision, control.cancel.as_ref());
        let model = self.model();
        let port_daily = (!s.ports.is_empty()).then(|| Mutex::new(port_bands(s, precision)));
        let opts = RunOptions {
            threads: control.threads,
            cancel: cancel.map(|c| &**c.flag()),
            progress: control.progress,
            port_daily: port_daily.as_ref(),
            ..Default::default()
        };
        let (reps, precision) = match precision {
            None => (run::replications(&model, s.replications as u64, &opts, records)?, None),
            Some(p) => {
                let (reps, met) = run::until_precise(&model, s.replications as u64, p, &opts, records)?;
                (reps, Some((p, met)))
            }
        };
        if cancel.is_some_and(CancelToken::is_cancelled) {
            return Err(RunError::Cancelled.into());
        }
        let bands = port_daily.map(|b| b.into_inner().unwrap_or_else(|e| e.into_inner()));
        Ok(RunResult::new(s.clone(), reps, bands, precision))
    }
}

/// Bands for the per-port daily series, folded in as replications finish so that memory does not
/// grow with them; sized for the most replications the run may make.
fn port_bands(s: &Scenario, precision: Option<Precision>) -> PortBands {
    let n_max = match precision {
        Some(p) => p.max.max(s.replications as u64).max(2) as usize,
        None => s.replications as usize,
    };
    output::port_bands(s, n_max)
}

/// What a run measured: every replication's result in index order, and the tables built from them.
#[derive(Debug, Clone)]
pub struct RunResult {
    scenario: Scenario,
    reps: Vec<RepResult>,
    tables: RunTables,
    /// Made on first use: a comparison reads neither.
    record: OnceLock<Vec<ComparisonRow>>,
    cohorts: OnceLock<Vec<CohortRow>>,
    port_bands: Option<PortBands>,
    precision: Option<(Precision, bool)>,
}

/// What to include in [`RunResult::files`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileOptions {
    /// Leave out the charts and `report.html`.
    pub no_charts: bool,
    /// List `groups.csv` in the manifest (it is streamed by [`crate::GroupsCsv`], not returned here).
    pub records: bool,
}

impl RunResult {
    fn new(
        mut scenario: Scenario,
        reps: Vec<RepResult>,
        port_bands: Option<PortBands>,
        precision: Option<(Precision, bool)>,
    ) -> RunResult {
        // Under --precision the replications actually run are recorded, so scenario.toml repeats the run.
        scenario.replications = reps.len() as u32;
        let tables = RunTables::new(&reps);
        RunResult { scenario, reps, tables, record: OnceLock::new(), cohorts: OnceLock::new(), port_bands, precision }
    }

    /// The scenario that ran, with the replications actually run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Every replication's result, in replication order.
    pub fn replications(&self) -> &[RepResult] {
        &self.reps
    }

    /// The rows of `replications.csv` and `summary.csv`.
    pub fn tables(&self) -> &RunTables {
        &self.tables
    }

    /// The summary rows, one per metric of [`crate::METRICS`].
    pub fn summary(&self) -> &[SummaryRow] {
        &self.tables.summary
    }

    /// The summary row of one metric, by its name in [`crate::METRICS`].
    pub fn metric(&self, name: &str) -> Option<&SummaryRow> {
        self.tables.metric(name)
    }

    /// The model beside the reported figures (`record.csv`); empty unless the scenario compares.
    pub fn record(&self) -> &[ComparisonRow] {
        self.record.get_or_init(|| output::comparison_rows(&self.scenario, &self.reps))
    }

    /// Outcomes by month of registration (`cohorts.csv`).
    pub fn cohorts(&self) -> &[CohortRow] {
        self.cohorts.get_or_init(|| output::cohort_rows(&self.scenario, &self.reps))
    }

    /// The per-port daily bands, when the scenario has ports.
    pub fn port_bands(&self) -> Option<&PortBands> {
        self.port_bands.as_ref()
    }

    /// Under `--precision`: the rule, and whether it was met.
    pub fn precision(&self) -> Option<(Precision, bool)> {
        self.precision
    }

    /// `summary.json`, as `borderq run --json` prints it.
    pub fn summary_json(&self) -> Vec<u8> {
        output::summary_json(&self.scenario, &self.tables.summary)
    }

    /// Every file of the run directory but `groups.csv`, as (name, bytes) in writing order: the
    /// tables, the charts and report unless left out, `manifest.txt`, and `scenario.toml` last,
    /// since its presence marks a complete run. `dir` is where they will be written (the report
    /// names it).
    pub fn files(&self, dir: &std::path::Path, opts: FileOptions) -> Result<Vec<(String, Vec<u8>)>, Error> {
        let s = &self.scenario;
        let mut files: Vec<(String, Vec<u8>)> =
            output::run_files(s, &self.reps, (&self.tables, self.cohorts()), self.record(), self.port_bands.as_ref())
                .into_iter()
                .map(|(n, b)| (n.to_string(), b))
                .collect();
        #[cfg(feature = "charts")]
        if !opts.no_charts {
            let charts = crate::plot::chart_files(dir, &files)?;
            let marker = files.pop().expect("scenario.toml is last");
            files.extend(charts);
            files.push(marker);
        }
        #[cfg(not(feature = "charts"))]
        let _ = dir;
        let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        if opts.records {
            names.insert(names.len() - 1, output::GROUPS_CSV);
        }
        let manifest = output::manifest_text("run", &names);
        let marker = files.pop().expect("scenario.toml is last");
        files.push((output::MANIFEST.to_string(), manifest));
        files.push(marker);
        Ok(files)
    }
}

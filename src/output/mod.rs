//! Writing results: every file goes to a temporary name in its directory and is renamed into place,
//! so no reader ever sees a partial file. A directory holding another scenario's outputs
//! is refused unless forced.

mod cohorts;
mod events;
mod groups;
mod manifest;
mod ports;
mod tables;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use cohorts::{CohortRow, MEASURES as COHORT_MEASURES, cohort_headline, cohort_rows, headline_of, whole_run};
pub use events::{EventRow, event_rows, events_csv, parse_events};
pub use groups::{GROUP_COLUMNS, GROUPS_CSV, GroupsCsv};
pub use manifest::{DirLock, LOCK, MANIFEST, Manifest, manifest_text, read_manifest, remove_stale, unknown_files};
pub use ports::{PortRow, port_bands, port_rows, ports_csv, ports_daily_csv};
pub use tables::{
    ReplicationRow, SummaryRow, WaitRow, csv_bytes, daily_csv, fmt_f64, replications_csv, summary_json, summary_rows,
    wait_rows,
};

use crate::model::RepResult;
use crate::scenario::{self, Scenario};

/// The version of every JSON document borderq writes (`summary.json`, `compare.json`, `sweep.json`,
/// `plan.json` and the `--json` outputs), in its `schema_version` field; docs/outputs.md describes
/// each. It changes only when a field is removed or changes meaning; added fields keep it.
pub const SCHEMA_VERSION: u32 = 1;

/// The schema version a document without the field is read as (those of earlier releases had the
/// same shape).
pub fn schema_version() -> u32 {
    SCHEMA_VERSION
}

/// A failure to write outputs. Fatal for the run (exit code 1); nothing half-written is left.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// A file or directory could not be created, written or renamed.
    #[error("could not write {path}: {reason}")]
    Io {
        /// The path concerned.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// The directory holds another scenario's outputs and `--force` was not given.
    #[error(
        "{dir} holds the outputs of scenario {other:?}, not {this:?}: choose another directory with --out, or pass --force to overwrite"
    )]
    Occupied {
        /// The directory.
        dir: String,
        /// The scenario found there.
        other: String,
        /// The scenario being written.
        this: String,
    },
    /// The directory holds files that borderq did not write, and `--force` was not given.
    #[error(
        "{dir} holds files that borderq did not write ({files}): choose another directory with --out, or pass --force to write there anyway (borderq never deletes a file it did not write)"
    )]
    Foreign {
        /// The directory.
        dir: String,
        /// Some of the files, by name.
        files: String,
    },
    /// The directory holds another kind of borderq output, and `--force` was not given.
    #[error(
        "{dir} holds a borderq {found} directory, not a {this} one: choose another directory with --out, or pass --force"
    )]
    OtherKind {
        /// The directory.
        dir: String,
        /// The kind found there.
        found: String,
        /// The kind being written.
        this: String,
    },
    /// Another borderq run is writing into the directory.
    #[error("{dir} is in use by another borderq run: wait for it to finish, or choose another directory with --out")]
    Busy {
        /// The directory.
        dir: String,
    },
}

impl OutputError {
    /// Whether the failure is the user's choice of directory (it is occupied, in use, someone
    /// else's or another kind of output: exit 2) rather than the system's (exit 1).
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            OutputError::Occupied { .. }
                | OutputError::Busy { .. }
                | OutputError::Foreign { .. }
                | OutputError::OtherKind { .. }
        )
    }
}

fn io_err(path: &Path, e: std::io::Error) -> OutputError {
    OutputError::Io { path: path.display().to_string(), reason: e.to_string() }
}

/// Writes `bytes` to `dir/name` atomically: a temporary file in the same directory, synced, then renamed.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let tmp = write_temp(dir, name, bytes)?;
    let path = dir.join(name);
    fs::rename(&tmp, &path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(&path, e)
    })
}

/// Writes `bytes` to the temporary name of `dir/name` and syncs it; removes it again on failure.
fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    let tmp = temp_path(dir, name);
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    result.map(|_| tmp.clone()).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(&dir.join(name), e)
    })
}

/// A text cell made safe to open in a spreadsheet (OWASP's advice on CSV injection): text that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return, which a spreadsheet would run as a
/// formula, gets a leading `'`; so does text that begins with `'` already, so that
/// [`from_spreadsheet_safe`] gives back exactly what was written. Numbers are never passed here.
pub fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\'') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// The text that [`spreadsheet_safe`] made `cell` from.
pub fn from_spreadsheet_safe(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// The temporary name used for `name` in `dir` (hidden, with the process id).
pub fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Checks that `dir` may receive `scenario`'s outputs: it is absent, empty of borderq outputs, or holds
/// the same scenario's outputs (or `force`).
pub fn check_dir(dir: &Path, scenario: &Scenario, force: bool) -> Result<(), OutputError> {
    if dir.exists() && !dir.is_dir() {
        return Err(OutputError::Io {
            path: dir.display().to_string(),
            reason: "exists and is not a directory".into(),
        });
    }
    check_kind(dir, "run", force)?;
    let marker = dir.join("scenario.toml");
    if force || !marker.exists() {
        return Ok(());
    }
    let text = scenario::ScenarioText {
        label: marker.display().to_string(),
        text: fs::read_to_string(&marker).map_err(|e| io_err(&marker, e))?,
    };
    let other = match scenario::parse(&text, &[]) {
        Ok(s) => s.name,
        Err(_) => "(unreadable scenario.toml)".to_string(),
    };
    if other == scenario.name {
        Ok(())
    } else {
        Err(OutputError::Occupied { dir: dir.display().to_string(), other, this: scenario.name.clone() })
    }
}

/// Checks that `dir` may receive a directory of `kind`: it is empty (hidden files aside), or
/// borderq's own, as its manifest says, and of that kind. A directory without borderq's manifest
/// that holds files is not borderq's, even if the files have borderq's names. `force` lets it write
/// there, or over another kind; it still deletes only what a trusted manifest lists, and a user's
/// file beside borderq's in its own directory is never touched.
pub fn check_kind(dir: &Path, kind: &str, force: bool) -> Result<(), OutputError> {
    if force {
        return Ok(());
    }
    match read_manifest(dir) {
        Some(m) if m.kind != kind => {
            Err(OutputError::OtherKind { dir: dir.display().to_string(), found: m.kind, this: kind.to_string() })
        }
        Some(_) => Ok(()),
        None => {
            let unknown = unknown_files(dir, None);
            if unknown.is_empty() {
                return Ok(());
            }
            let mut files = unknown.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
            if unknown.len() > 5 {
                files.push_str(&format!(" and {} more", unknown.len() - 5));
            }
            Err(OutputError::Foreign { dir: dir.display().to_string(), files })
        }
    }
}

/// Checks that files can be created in `dir` (writes and removes a hidden temporary file).
pub fn probe_writable(dir: &Path) -> Result<(), OutputError> {
    let probe = temp_path(dir, "probe");
    fs::File::create(&probe).map_err(|e| io_err(dir, e))?;
    fs::remove_file(&probe).map_err(|e| io_err(dir, e))
}

/// Creates the output directory (and parents).
pub fn create_dir(dir: &Path) -> Result<(), OutputError> {
    fs::create_dir_all(dir).map_err(|e| io_err(dir, e))
}

/// The tables of a run, ready to write.
#[derive(Debug, Clone)]
pub struct RunTables {
    /// `replications.csv` rows.
    pub replications: Vec<ReplicationRow>,
    /// `summary.csv` rows.
    pub summary: Vec<SummaryRow>,
}

impl RunTables {
    /// Builds the rows from replications in index order.
    pub fn new(reps: &[RepResult]) -> RunTables {
        let replications: Vec<ReplicationRow> = reps.iter().map(ReplicationRow::of).collect();
        let summary = summary_rows(&replications);
        RunTables { replications, summary }
    }

    /// The summary row of `metric`.
    pub fn metric(&self, metric: &str) -> Option<&SummaryRow> {
        self.summary.iter().find(|r| r.metric == metric)
    }
}

/// Every file of a run except the charts and `groups.csv`, as (name, bytes), in writing order.
/// `record` comes from [`comparison_rows`]; `record.csv` is written when it is not empty;
/// `cohorts` from [`cohort_rows`]. With ports, `ports.csv`, and `ports_daily.csv` from `port_daily`
/// (the bands the run filled).
pub fn run_files(
    scenario: &Scenario,
    reps: &[RepResult],
    (tables, cohorts): (&RunTables, &[CohortRow]),
    record: &[crate::reported::ComparisonRow],
    port_daily: Option<&crate::model::PortBands>,
) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = vec![
        ("replications.csv", replications_csv(&tables.replications)),
        ("summary.csv", csv_bytes(&tables.summary)),
        ("daily.csv", daily_csv(scenario, reps)),
        ("waits.csv", waits_csv(reps)),
        ("cohorts.csv", csv_bytes(cohorts)),
        ("events.csv", events_csv(&event_rows(scenario, reps))),
        ("summary.json", summary_json(scenario, &tables.summary)),
    ];
    if !record.is_empty() {
        files.push(("record.csv", csv_bytes(record)));
    }
    if !scenario.ports.is_empty() {
        files.push(("ports.csv", ports_csv(scenario, reps)));
        if let Some(bands) = port_daily {
            files.push(("ports_daily.csv", ports_daily_csv(scenario, bands)));
        }
    }
    // Written last: its presence marks a complete run of this scenario.
    files.push(("scenario.toml", scenario::to_toml(scenario).into_bytes()));
    files
}

/// The model beside the reported figures (`record.csv`), when the scenario asks for them; `reps`
/// come from a model measuring [`reported::measures`](crate::reported::measures).
pub fn comparison_rows(scenario: &Scenario, reps: &[RepResult]) -> Vec<crate::reported::ComparisonRow> {
    if !scenario.compare_with_record {
        return Vec::new();
    }
    crate::reported::rows(scenario, reps)
}

/// `waits.csv`, with its header even when nothing was processed or booked.
pub fn waits_csv(reps: &[RepResult]) -> Vec<u8> {
    let rows = wait_rows(reps);
    if rows.is_empty() { b"measure,from_days,to_days,share,cumulative_share\n".to_vec() } else { csv_bytes(&rows) }
}

/// Writes a run's files into `dir` (created if needed), each atomically.
///
/// Every file is first written under its temporary name; only when all of them are on disk are they
/// renamed into place (renaming needs no space). So a full disk leaves the directory as it was, with
/// no new file and nothing half-written.
pub fn write_run<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)]) -> Result<(), OutputError> {
    create_dir(dir)?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        match write_temp(dir, name.as_ref(), bytes) {
            Ok(tmp) => temps.push((tmp, dir.join(name.as_ref()))),
            Err(e) => {
                for (tmp, _) in &temps {
                    let _ = fs::remove_file(tmp);
                }
                return Err(e);
            }
        }
    }
    for (tmp, path) in &temps {
        fs::rename(tmp, path).map_err(|e| io_err(path, e))?;
    }
    Ok(())
}

//! `groups.csv` (`--records`): one row per registered group of replication 0, streamed to a temporary
//! file as groups leave and renamed into place when the run completes.

use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::engine::time;
use crate::model::{GroupRow, Observer};

use super::{OutputError, temp_path};

/// Streams [`GroupRow`]s to CSV. Rows come in the order groups leave; censored groups last, by id.
pub struct GroupsCsv {
    writer: Option<csv::Writer<BufWriter<fs::File>>>,
    names: Vec<String>,
    tmp: PathBuf,
    path: PathBuf,
    error: Option<String>,
}

impl std::fmt::Debug for GroupsCsv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupsCsv").field("path", &self.path).finish_non_exhaustive()
    }
}

/// The file name of the per-group records.
pub const GROUPS_CSV: &str = "groups.csv";

/// Column names of `groups.csv`; times are days since the start (negative for the backlog), empty if
/// the event never happened.
pub const GROUP_COLUMNS: [&str; 11] = [
    "id",
    "source",
    "size",
    "registered",
    "selected",
    "booked",
    "appointment",
    "outcome",
    "ended",
    "attempts",
    "wait_days",
];

impl GroupsCsv {
    /// Opens a temporary file in `dir` for `groups.csv`; `names` labels sources.
    pub fn create(dir: &Path, names: Vec<String>) -> Result<GroupsCsv, OutputError> {
        let path = dir.join(GROUPS_CSV);
        let tmp = temp_path(dir, GROUPS_CSV);
        let file = fs::File::create(&tmp).map_err(|e| super::io_err(&tmp, e))?;
        let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file));
        writer
            .write_record(GROUP_COLUMNS)
            .map_err(|e| OutputError::Io { path: tmp.display().to_string(), reason: e.to_string() })?;
        let names = names.iter().map(|n| super::spreadsheet_safe(n).into_owned()).collect();
        Ok(GroupsCsv { writer: Some(writer), names, tmp, path, error: None })
    }

    /// Flushes and renames the file into place, or reports the first write error.
    pub fn finish(mut self) -> Result<(), OutputError> {
        let writer = self.writer.take().expect("finish is called once");
        let result = match self.error.take() {
            Some(reason) => Err(reason),
            None => writer
                .into_inner()
                .map_err(|e| e.to_string())
                .and_then(|buf| buf.into_inner().map_err(|e| e.to_string()))
                .and_then(|f| f.sync_all().map_err(|e| e.to_string()))
                .and_then(|_| fs::rename(&self.tmp, &self.path).map_err(|e| e.to_string())),
        };
        result.map_err(|reason| {
            let _ = fs::remove_file(&self.tmp);
            OutputError::Io { path: self.path.display().to_string(), reason }
        })
    }

    /// Removes the temporary file (after an interruption or failure).
    pub fn abandon(mut self) {
        self.writer.take();
        let _ = fs::remove_file(&self.tmp);
    }
}

impl Observer for GroupsCsv {
    fn group(&mut self, r: &GroupRow) {
        if self.error.is_some() {
            return;
        }
        let Some(w) = self.writer.as_mut() else { return };
        let days = |t: Option<i64>| t.map_or(String::new(), |t| super::fmt_f64(time::to_days(t)));
        let wait = matches!(r.outcome, crate::model::Outcome::Processed).then(|| r.ended_at - r.registered_at);
        let row = [
            r.id.to_string(),
            self.names.get(r.source as usize).cloned().unwrap_or_default(),
            r.size.to_string(),
            days(Some(r.registered_at)),
            days(r.selected_at),
            days(r.booked_at),
            days(r.appointment_at),
            r.outcome.as_str().to_string(),
            days(Some(r.ended_at)),
            r.attempts.to_string(),
            days(wait),
        ];
        if let Err(e) = w.write_record(&row) {
            self.error = Some(e.to_string());
        }
    }
}

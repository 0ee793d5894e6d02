//! What the charts and the report are drawn from: the run's own CSV files and resolved scenario, so that
//! `borderq plot DIR` redraws exactly what `borderq run` drew.

use std::collections::BTreeMap;
use std::path::Path;

use crate::scenario::{self, Scenario, ScenarioText};

/// The daily columns the charts read.
pub const DAILY_COLUMNS: &[&str] = &[
    "waiting_persons_mean",
    "waiting_persons_p05",
    "waiting_persons_p95",
    "quota_mean",
    "arrived_persons_mean",
    "booked_persons_mean",
    "processed_persons_mean",
    "abandoned_persons_mean",
    "missed_persons_mean",
];

/// A failure to read an output directory or to draw. Fatal for `plot`; for `run` the CSV files are
/// already safe.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The directory does not hold a complete borderq run.
    #[error("{dir} is not a borderq output directory: {reason}")]
    NotOutput {
        /// The directory.
        dir: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// plotters or the PNG encoder failed (a bug or an exotic value).
    #[error("could not draw {chart}: {reason}")]
    Draw {
        /// The chart.
        chart: String,
        /// The reason.
        reason: String,
    },
}

/// Daily series, summary and waiting-time bins of one run.
#[derive(Debug, Clone)]
pub struct ChartData {
    /// The resolved scenario.
    pub scenario: Scenario,
    /// `daily.csv` columns by name (the `date` column is left out; days are 0..n).
    pub daily: BTreeMap<String, Vec<f64>>,
    /// `summary.csv` by metric.
    pub summary: BTreeMap<String, MetricSummary>,
    /// `waits.csv` rows per measure: (from_days, share, cumulative_share).
    pub waits: BTreeMap<String, Vec<(f64, f64, f64)>>,
    /// The monthly rows of `record.csv`, when the run wrote one.
    pub record: Option<Vec<MonthRow>>,
    /// The rows of `record.csv` with a reported figure, in its order (differing rows first).
    pub verdicts: Vec<VerdictRow>,
    /// The rows of `cohorts.csv`, when the run wrote one.
    pub cohorts: Vec<CohortLine>,
    /// The rows of `events.csv`; without the file, the events the scenario alone gives (no
    /// caravan arrival windows).
    pub events: Vec<crate::output::EventRow>,
    /// One panel per port from `ports_daily.csv`, when the run wrote one.
    pub ports: Vec<PortPanel>,
}

/// One row of `summary.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricSummary {
    /// Mean over replications.
    pub mean: Option<f64>,
    /// Lower end of the 95 % CI.
    pub low: Option<f64>,
    /// Upper end of the 95 % CI.
    pub high: Option<f64>,
    /// Replications with a value.
    pub n: usize,
}

/// The files a run directory must hold for charts.
pub const INPUTS: [&str; 4] = ["scenario.toml", "daily.csv", "summary.csv", "waits.csv"];

impl ChartData {
    /// Reads a run directory. With `listed` (the run's manifest), only the files it lists are read:
    /// a file an earlier run left behind is not this run's.
    pub fn load(dir: &Path, listed: Option<&[String]>) -> Result<ChartData, PlotError> {
        let is_listed = |name: &str| listed.is_none_or(|l| l.iter().any(|n| n == name));
        let not_output = |reason: String| PlotError::NotOutput { dir: dir.display().to_string(), reason };
        if !dir.is_dir() {
            return Err(not_output("no such directory".into()));
        }
        let mut files = Vec::new();
        for name in INPUTS {
            if !is_listed(name) {
                return Err(not_output(format!(
                    "its manifest does not list {name}; expected the files written by borderq run"
                )));
            }
            let path = dir.join(name);
            let bytes = std::fs::read(&path).map_err(|e| {
                not_output(format!("cannot read {name} ({e}); expected the files written by borderq run"))
            })?;
            files.push(bytes);
        }
        let label = dir.join("scenario.toml").display().to_string();
        let mut data = Self::from_bytes(&label, &files[0], &files[1], &files[2], &files[3]).map_err(not_output)?;
        if is_listed("record.csv")
            && let Ok(bytes) = std::fs::read(dir.join("record.csv"))
        {
            data.record = Some(month_rows(&bytes).map_err(not_output)?);
            data.verdicts = verdict_rows(&bytes).map_err(not_output)?;
        }
        if is_listed("cohorts.csv")
            && let Ok(bytes) = std::fs::read(dir.join("cohorts.csv"))
        {
            data.cohorts = cohort_lines(&bytes).map_err(not_output)?;
        }
        if is_listed("events.csv")
            && let Ok(bytes) = std::fs::read(dir.join("events.csv"))
        {
            data.events = crate::output::parse_events(&bytes).map_err(not_output)?;
        }
        if is_listed("ports_daily.csv")
            && let Ok(bytes) = std::fs::read(dir.join("ports_daily.csv"))
        {
            let summary = std::fs::read(dir.join("ports.csv")).ok().filter(|_| is_listed("ports.csv"));
            data.ports = port_panels(&bytes, summary.as_deref()).map_err(not_output)?;
        }
        Ok(data)
    }

    /// Parses the four inputs from memory (what `run` has just written).
    pub fn from_bytes(
        label: &str,
        scenario: &[u8],
        daily: &[u8],
        summary: &[u8],
        waits: &[u8],
    ) -> Result<ChartData, String> {
        let text = String::from_utf8(scenario.to_vec()).map_err(|_| "scenario.toml is not UTF-8".to_string())?;
        let scenario = scenario::parse(&ScenarioText { label: label.to_string(), text }, &[])
            .map_err(|e| format!("scenario.toml is not a valid scenario: {e}"))?;
        let daily = columns(daily, "daily.csv", &["day", "date"])?;
        let days = scenario.report_days();
        for (name, values) in &daily {
            if values.len() != days {
                return Err(format!("daily.csv column {name} has {} rows, expected {days}", values.len()));
            }
        }
        for needed in DAILY_COLUMNS {
            if !daily.contains_key(*needed) {
                return Err(format!("daily.csv has no column {needed}"));
            }
        }
        let mut summary_map = BTreeMap::new();
        for rec in records(summary, "summary.csv", &["metric", "mean", "sd", "ci95_low", "ci95_high", "n"])? {
            let num = |s: &str| if s.is_empty() { Ok(None) } else { s.parse::<f64>().map(Some) };
            let bad = |_| format!("summary.csv has a non-numeric value in row {}", rec[0]);
            let n = rec[5].parse::<usize>().map_err(|_| format!("summary.csv has a bad n in row {}", rec[0]))?;
            let row = MetricSummary {
                mean: num(&rec[1]).map_err(bad)?,
                low: num(&rec[3]).map_err(bad)?,
                high: num(&rec[4]).map_err(bad)?,
                n,
            };
            summary_map.insert(rec[0].clone(), row);
        }
        let mut waits_map: BTreeMap<String, Vec<(f64, f64, f64)>> = BTreeMap::new();
        for rec in records(waits, "waits.csv", &["measure", "from_days", "to_days", "share", "cumulative_share"])? {
            let num = |s: &str| s.parse::<f64>().map_err(|_| format!("waits.csv has a non-numeric value {s:?}"));
            waits_map.entry(rec[0].clone()).or_default().push((num(&rec[1])?, num(&rec[3])?, num(&rec[4])?));
        }
        let events = crate::output::event_rows(&scenario, &[]);
        Ok(ChartData {
            events,
            scenario,
            daily,
            summary: summary_map,
            waits: waits_map,
            record: None,
            verdicts: Vec::new(),
            cohorts: Vec::new(),
            ports: Vec::new(),
        })
    }

    /// A daily column (present: checked when loading).
    pub fn col(&self, name: &str) -> &[f64] {
        &self.daily[name]
    }

    /// The mean of a summary metric.
    pub fn mean(&self, metric: &str) -> Option<f64> {
        self.summary.get(metric).and_then(|s| s.mean)
    }
}

/// The rows of a CSV file whose header starts with `header` (later columns may follow: tables only
/// gain columns at their end).
pub(super) fn records(bytes: &[u8], name: &str, header: &[&str]) -> Result<Vec<Vec<String>>, String> {
    let mut r = csv::Reader::from_reader(bytes);
    let h = r.headers().map_err(|e| format!("{name}: {e}"))?.clone();
    if h.len() < header.len() || h.iter().take(header.len()).collect::<Vec<_>>() != header {
        return Err(format!("{name} does not have the columns {}", header.join(",")));
    }
    r.records()
        .map(|rec| rec.map(|x| x.iter().map(str::to_string).collect()).map_err(|e| format!("{name}: {e}")))
        .collect()
}

pub(super) fn columns(bytes: &[u8], name: &str, skip: &[&str]) -> Result<BTreeMap<String, Vec<f64>>, String> {
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().map_err(|e| format!("{name}: {e}"))?.iter().map(str::to_string).collect();
    if header.len() < 3 || header[..skip.len()] != *skip {
        return Err(format!("{name} does not start with the columns {}", skip.join(",")));
    }
    let mut cols: BTreeMap<String, Vec<f64>> = header[skip.len()..].iter().map(|h| (h.clone(), Vec::new())).collect();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{name}: {e}"))?;
        for (h, v) in header.iter().zip(rec.iter()).skip(skip.len()) {
            let x = if v.is_empty() {
                f64::NAN
            } else {
                v.parse::<f64>().map_err(|_| format!("{name}: {h} = {v:?} is not a number"))?
            };
            cols.get_mut(h).expect("column from header").push(x);
        }
    }
    Ok(cols)
}

/// One monthly row of `record.csv`: month, model mean, CI, reported figure and its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Model mean, CI low, CI high.
    pub model: (f64, f64, f64),
    /// Reported figure and kind (`at_least`, `about`, `at_most`).
    pub reported: Option<(f64, String)>,
}

/// Parses the monthly processed-persons rows of `record.csv`, in month order.
pub fn month_rows(bytes: &[u8]) -> Result<Vec<MonthRow>, String> {
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().map_err(|e| format!("record.csv: {e}"))?.iter().map(str::to_string).collect();
    let col =
        |name: &str| header.iter().position(|h| h == name).ok_or_else(|| format!("record.csv has no column {name}"));
    let (period, measure, mean, lo, hi, rep, kind) = (
        col("period")?,
        col("measure")?,
        col("model_mean")?,
        col("model_ci95_low")?,
        col("model_ci95_high")?,
        col("reported")?,
        col("reported_kind")?,
    );
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("record.csv: {e}"))?;
        if &rec[measure] != "processed_persons" || rec[period].contains("..") {
            continue;
        }
        let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        out.push(MonthRow {
            month: rec[period].to_string(),
            model: (num(&rec[mean]), num(&rec[lo]), num(&rec[hi])),
            reported: rec[rep].parse::<f64>().ok().map(|v| (v, rec[kind].to_string())),
        });
    }
    out.sort_by(|a, b| a.month.cmp(&b.month));
    Ok(out)
}

/// A row of `record.csv` with a reported figure, as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct VerdictRow {
    /// The period: `YYYY-MM` or `from..to`.
    pub period: String,
    /// The measure's name.
    pub measure: String,
    /// Which groups the model's value covers.
    pub scope: String,
    /// Model mean, CI low, CI high (NaN where empty).
    pub model: (f64, f64, f64),
    /// The figure.
    pub reported: f64,
    /// `at_least`, `about` or `at_most`.
    pub kind: String,
    /// The figure's tolerance, if it has one.
    pub tolerance: Option<f64>,
    /// `agrees`, `differs` or `not comparable`.
    pub verdict: String,
    /// Why a row is not comparable.
    pub reason: String,
    /// Publisher, date, what it says, address.
    pub source: String,
}

/// Parses the rows of `record.csv` that carry a reported figure, in the file's order.
pub fn verdict_rows(bytes: &[u8]) -> Result<Vec<VerdictRow>, String> {
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().map_err(|e| format!("record.csv: {e}"))?.iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let need = |name: &str| col(name).ok_or_else(|| format!("record.csv has no column {name}"));
    let (period, measure, scope, mean, lo, hi) = (
        need("period")?,
        need("measure")?,
        need("model_scope")?,
        need("model_mean")?,
        need("model_ci95_low")?,
        need("model_ci95_high")?,
    );
    let (rep, kind, verdict, source) = (need("reported")?, need("reported_kind")?, need("verdict")?, need("source")?);
    let (tolerance, reason) = (col("tolerance"), col("reason"));
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("record.csv: {e}"))?;
        let Ok(reported) = rec[rep].parse::<f64>() else { continue };
        let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
        let text = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or_default().to_string();
        out.push(VerdictRow {
            period: rec[period].to_string(),
            measure: rec[measure].to_string(),
            scope: rec[scope].to_string(),
            model: (num(&rec[mean]), num(&rec[lo]), num(&rec[hi])),
            reported,
            kind: rec[kind].to_string(),
            tolerance: tolerance.and_then(|i| rec.get(i)).and_then(|t| t.parse().ok()),
            verdict: rec[verdict].to_string(),
            reason: text(reason),
            source: rec[source].to_string(),
        });
    }
    Ok(out)
}

/// A row of `cohorts.csv`: one measure of one registration cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortLine {
    /// `YYYY-MM`, or `all`.
    pub cohort: String,
    /// First registration day.
    pub from: String,
    /// Day after the last registration day.
    pub to: String,
    /// The measure's name.
    pub measure: String,
    /// Mean, CI low, CI high (NaN where empty).
    pub value: (f64, f64, f64),
}

/// Parses `cohorts.csv`.
pub fn cohort_lines(bytes: &[u8]) -> Result<Vec<CohortLine>, String> {
    let header = ["cohort", "from", "to", "measure", "mean", "ci95_low", "ci95_high"];
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    Ok(records(bytes, "cohorts.csv", &header)?
        .into_iter()
        .map(|r| CohortLine {
            cohort: r[0].clone(),
            from: r[1].clone(),
            to: r[2].clone(),
            measure: r[3].clone(),
            value: (num(&r[4]), num(&r[5]), num(&r[6])),
        })
        .collect())
}

/// One port's daily series for its panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PortPanel {
    /// The port's id.
    pub id: String,
    /// Persons waiting: mean, 5 % and 95 % across replications, by day.
    pub waiting: (Vec<f64>, Vec<f64>, Vec<f64>),
    /// The day's slots (mean across replications), by day.
    pub quota: Vec<f64>,
    /// The port's rows of `ports.csv`: metric → (mean, 95 % low, 95 % high), NaN where empty.
    pub metrics: BTreeMap<String, (f64, f64, f64)>,
}

impl PortPanel {
    /// The mean of a metric of `ports.csv`, if known.
    pub fn mean(&self, metric: &str) -> Option<f64> {
        self.metrics.get(metric).map(|m| m.0).filter(|x| x.is_finite())
    }
}

/// Reads `ports_daily.csv` (and the mean waits of `ports.csv`) into one panel per port, in the
/// file's port order.
pub(super) fn port_panels(daily: &[u8], summary: Option<&[u8]>) -> Result<Vec<PortPanel>, String> {
    let rows = records(daily, "ports_daily.csv", &["day", "date", "port", "series", "mean", "p05", "p95"])?;
    let mut panels: Vec<PortPanel> = Vec::new();
    for r in rows {
        let num = |s: &str| -> Result<f64, String> {
            if s.is_empty() {
                Ok(f64::NAN)
            } else {
                s.parse().map_err(|_| format!("ports_daily.csv: bad number {s:?}"))
            }
        };
        let i = match panels.iter().position(|p| p.id == r[2]) {
            Some(i) => i,
            None => {
                panels.push(PortPanel { id: r[2].clone(), ..PortPanel::default() });
                panels.len() - 1
            }
        };
        let p = &mut panels[i];
        match r[3].as_str() {
            "waiting_persons" => {
                p.waiting.0.push(num(&r[4])?);
                p.waiting.1.push(num(&r[5])?);
                p.waiting.2.push(num(&r[6])?);
            }
            "quota" => p.quota.push(num(&r[4])?),
            _ => {}
        }
    }
    if let Some(bytes) = summary {
        for r in records(bytes, "ports.csv", &["port", "metric", "mean", "sd", "ci95_low", "ci95_high", "n"])? {
            let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
            if let Some(p) = panels.iter_mut().find(|p| p.id == r[0]) {
                p.metrics.insert(r[1].clone(), (num(&r[2]), num(&r[4]), num(&r[5])));
            }
        }
    }
    Ok(panels)
}

//! Charts and the HTML report, drawn from the run's CSV files so that `borderq plot DIR`
//! redraws exactly what `borderq run` drew. plotters with embedded DejaVu fonts: nothing from the system.

use std::path::Path;

mod calibration;
mod charts;
mod cohorts;
mod compare;
mod data;
mod events;
mod fit;
mod page;
mod ports;
mod provenance;
mod report;
mod reported;
mod sensitivity;
mod style;
mod summary;
mod sweep;
mod sweep_report;

pub use calibration::{CalibrationSpec, FittedRow, calibration_report};
pub use charts::{Backlog, Flows, Waits};
pub use cohorts::Cohorts;
pub use compare::{Side, compare_charts, compare_html};
pub use data::{
    ChartData, CohortLine, DAILY_COLUMNS, INPUTS, MetricSummary, MonthRow, PlotError, PortPanel, VerdictRow,
    cohort_lines, month_rows, verdict_rows,
};
pub use fit::{FitRow, ProfilePanel, fit_chart, profile_chart};
pub use page::escape;
pub use report::html;
pub use sensitivity::{SensitivitySpec, ranking as sensitivity_ranking, sensitivity_files};
pub use style::{Chart, HEIGHT, WIDTH, register_fonts, render};
pub use sweep::{SweepSpec, sweep_charts};
pub use sweep_report::{sweep_report, sweep_table, sweep_table_text};

/// Every chart and the report, as (file name, bytes), in writing order.
pub fn render_all(d: &ChartData) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    let mut files = Vec::new();
    let mut svgs = Vec::new();
    for (name, result) in [("backlog", render(&Backlog(d))), ("waits", render(&Waits(d))), ("flows", render(&Flows(d)))]
    {
        let (png, svg) = result.map_err(|reason| PlotError::Draw { chart: name.to_string(), reason })?;
        files.push((format!("{name}.png"), png));
        files.push((format!("{name}.svg"), svg.clone().into_bytes()));
        svgs.push((name, svg));
    }
    if d.cohorts.iter().any(|c| c.cohort != "all") {
        let (png, svg) =
            render(&cohorts::Cohorts(d)).map_err(|reason| PlotError::Draw { chart: "cohorts".into(), reason })?;
        files.push(("cohorts.png".to_string(), png));
        files.push(("cohorts.svg".to_string(), svg.clone().into_bytes()));
        svgs.push(("cohorts", svg));
    }
    if !d.ports.is_empty() {
        let (png, svg) =
            render(&ports::Ports(d)).map_err(|reason| PlotError::Draw { chart: "ports".into(), reason })?;
        files.push(("ports.png".to_string(), png));
        files.push(("ports.svg".to_string(), svg.clone().into_bytes()));
        svgs.push(("ports", svg));
    }
    if let Some(rows) = d.record.as_ref().filter(|r| !r.is_empty()) {
        let (png, svg) = render(&reported::ReportedChart(d, rows))
            .map_err(|reason| PlotError::Draw { chart: "record".into(), reason })?;
        files.push(("record.png".to_string(), png));
        files.push(("record.svg".to_string(), svg.clone().into_bytes()));
        svgs.push(("record", svg));
    }
    let pairs: Vec<(&str, &str)> = svgs.iter().map(|(n, s)| (*n, s.as_str())).collect();
    files.push(("report.html".to_string(), html(d, &pairs).into_bytes()));
    Ok(files)
}

/// Renders the charts and the report of a run from its files' bytes (as `plot` would from disk).
pub fn chart_files<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)]) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    let find = |name: &str| files.iter().find(|(n, _)| n.as_ref() == name).map(|(_, b)| b.as_slice());
    let get = |name: &str| find(name).unwrap_or_default();
    let not_output = |reason| PlotError::NotOutput { dir: dir.display().to_string(), reason };
    let label = dir.join("scenario.toml").display().to_string();
    let mut data =
        ChartData::from_bytes(&label, get("scenario.toml"), get("daily.csv"), get("summary.csv"), get("waits.csv"))
            .map_err(not_output)?;
    if let Some(bytes) = find("record.csv") {
        data.record = Some(month_rows(bytes).map_err(not_output)?);
        data.verdicts = data::verdict_rows(bytes).map_err(not_output)?;
    }
    if let Some(bytes) = find("cohorts.csv") {
        data.cohorts = data::cohort_lines(bytes).map_err(not_output)?;
    }
    if let Some(bytes) = find("events.csv") {
        data.events = crate::output::parse_events(bytes).map_err(not_output)?;
    }
    if let Some(bytes) = find("ports_daily.csv") {
        data.ports = data::port_panels(bytes, find("ports.csv")).map_err(not_output)?;
    }
    render_all(&data)
}

//! Charts and the HTML report (SPEC §5), drawn from the run's CSV files so that `borderq plot DIR`
//! redraws exactly what `borderq run` drew. plotters with embedded DejaVu fonts: nothing from the system.

mod charts;
mod data;
mod record;
mod report;
mod sweep;

pub use charts::{Backlog, Chart, DAILY_COLUMNS, Flows, HEIGHT, WIDTH, Waits, register_fonts, render};
pub use data::{ChartData, INPUTS, MetricSummary, PlotError};
pub use record::{MonthRow, month_rows};
pub use report::{escape, html};
pub use sweep::sweep_charts;

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
    if let Some(rows) = d.record.as_ref().filter(|r| !r.is_empty()) {
        let (png, svg) =
            render(&record::Record(d, rows)).map_err(|reason| PlotError::Draw { chart: "record".into(), reason })?;
        files.push(("record.png".to_string(), png));
        files.push(("record.svg".to_string(), svg.clone().into_bytes()));
        svgs.push(("record", svg));
    }
    let pairs: Vec<(&str, &str)> = svgs.iter().map(|(n, s)| (*n, s.as_str())).collect();
    files.push(("report.html".to_string(), html(d, &pairs).into_bytes()));
    Ok(files)
}

//! The `ports` chart: persons waiting at each port of entry over time (mean and 5–95 % band across
//! replications) with the port's daily slots, as small multiples, each with its own scale; drawn
//! from `ports_daily.csv` and `ports.csv`.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{ChartData, PortPanel};
use super::style::{BLUE, Chart, FONT, GREY, draw_mesh, e, nice_max, thousands};

/// The ports chart.
#[derive(Debug)]
pub(super) struct Ports<'a>(pub &'a ChartData);

/// Panels per row.
const COLUMNS: usize = 2;
/// Height of one row of panels [px].
const ROW_HEIGHT: u32 = 260;

impl Chart for Ports<'_> {
    fn name(&self) -> &'static str {
        "ports"
    }

    fn size(&self) -> (u32, u32) {
        let rows = self.0.ports.len().div_ceil(COLUMNS).max(1) as u32;
        (super::style::WIDTH, 60 + rows * ROW_HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let d = self.0;
        root.fill(&WHITE).map_err(e)?;
        let root = root
            .titled(
                &format!(
                    "{}: persons waiting at each port (blue, left axis) and its daily slots (grey, right axis)",
                    d.scenario.name
                ),
                (FONT, 22, FontStyle::Bold),
            )
            .map_err(e)?;
        let rows = d.ports.len().div_ceil(COLUMNS).max(1);
        let areas = root.split_evenly((rows, COLUMNS));
        for (panel, area) in d.ports.iter().zip(areas.iter()) {
            let name =
                d.scenario.ports.iter().find(|p| p.id == panel.id).map_or(panel.id.as_str(), |p| p.name.as_str());
            draw_panel(area, (name, d.scenario.report_start()), panel)?;
        }
        Ok(())
    }
}

/// One port's panel: the band and mean of persons waiting, and the slots as a step line on the
/// right axis.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (name, start): (&str, chrono::NaiveDate),
    p: &PortPanel,
) -> Result<(), String> {
    let n = p.waiting.0.len();
    let finite_max = |xs: &[f64]| xs.iter().copied().filter(|x| x.is_finite()).fold(0.0, f64::max);
    let ymax = nice_max(finite_max(&p.waiting.2).max(finite_max(&p.waiting.0)) * 1.1);
    let qmax = nice_max(finite_max(&p.quota) * 1.25);
    let title = match p.mean("wait_mean_days") {
        Some(w) => format!("{name}: mean wait to processing {w:.0} days"),
        None => name.to_string(),
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 17, FontStyle::Bold))
        .margin(10)
        .x_label_area_size(24)
        .y_label_area_size(62)
        .right_y_label_area_size(48)
        .build_cartesian_2d(0f64..n.max(1) as f64, 0f64..ymax)
        .map_err(e)?
        .set_secondary_coord(0f64..n.max(1) as f64, 0f64..qmax);
    draw_mesh(
        chart
            .configure_mesh()
            .x_labels(5)
            .x_label_formatter(&|v| (start + chrono::Days::new(v.max(0.0) as u64)).format("%b %Y").to_string())
            .y_label_formatter(&|v| thousands(*v))
            .y_labels(5),
    )?;
    chart
        .configure_secondary_axes()
        .label_style((FONT, 15).into_font().color(&GREY))
        .y_labels(4)
        .y_label_formatter(&|v| thousands(*v))
        .draw()
        .map_err(e)?;
    let mut band: Vec<(f64, f64)> = (0..n).map(|i| (i as f64 + 0.5, p.waiting.2[i])).collect();
    band.extend((0..n).rev().map(|i| (i as f64 + 0.5, p.waiting.1[i])));
    chart.draw_series(std::iter::once(Polygon::new(band, BLUE.mix(0.22).filled()))).map_err(e)?;
    chart
        .draw_series(LineSeries::new((0..n).map(|i| (i as f64 + 0.5, p.waiting.0[i])), BLUE.stroke_width(2)))
        .map_err(e)?;
    let mut steps = Vec::with_capacity(2 * p.quota.len());
    for (i, q) in p.quota.iter().enumerate() {
        steps.push((i as f64, *q));
        steps.push((i as f64 + 1.0, *q));
    }
    chart.draw_secondary_series(LineSeries::new(steps, GREY.stroke_width(2))).map_err(e)?;
    Ok(())
}

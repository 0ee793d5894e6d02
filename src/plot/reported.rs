//! The `record` chart: the model's persons processed per month (mean and 95 % CI) with the reported
//! figures overlaid, drawn from `record.csv` alone.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{ChartData, MonthRow};
use super::style::{BLUE, Chart, FONT, VERMILLION, draw_mesh, e, legend, nice_max, thousands};

/// The record chart.
#[derive(Debug)]
pub(crate) struct ReportedChart<'a>(pub(crate) &'a ChartData, pub(crate) &'a [MonthRow]);

impl Chart for ReportedChart<'_> {
    fn name(&self) -> &'static str {
        "record"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let rows = self.1;
        let n = rows.len() as i32;
        let ymax = nice_max(
            rows.iter()
                .flat_map(|r| [r.model.2, r.reported.as_ref().map_or(0.0, |x| x.0)])
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max)
                * 1.25,
        );
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: persons processed per month, model and record", self.0.scenario.name),
                (FONT, 26, FontStyle::Bold),
            )
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..ymax)
            .map_err(e)?;
        draw_mesh(
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_desc("Month")
                .y_desc("Persons processed in the month")
                .x_labels(rows.len().min(24))
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => rows.get(*i as usize).map_or(String::new(), |r| r.month.clone()),
                    _ => String::new(),
                })
                .y_label_formatter(&|v| thousands(*v)),
        )?;
        let centre = |i: usize| SegmentValue::CenterOf(i as i32);
        chart
            .draw_series(rows.iter().enumerate().filter(|(_, r)| r.model.1.is_finite()).map(|(i, r)| {
                ErrorBar::new_vertical(centre(i), r.model.1, r.model.0, r.model.2, BLUE.stroke_width(2), 14)
            }))
            .map_err(e)?;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, r)| Circle::new((centre(i), r.model.0), 6, BLUE.filled())))
            .map_err(e)?
            .label("model: mean across replications, 95 % CI")
            .legend(|(x, y)| Circle::new((x + 10, y), 6, BLUE.filled()));
        let reported: Vec<(usize, f64, String)> =
            rows.iter().enumerate().filter_map(|(i, r)| r.reported.as_ref().map(|(v, k)| (i, *v, k.clone()))).collect();
        chart
            .draw_series(reported.iter().map(|(i, v, _)| TriangleMarker::new((centre(*i), *v), 9, VERMILLION.filled())))
            .map_err(e)?
            .label("reported by CBP, DHS and the press (each source in the report's table)")
            .legend(|(x, y)| TriangleMarker::new((x + 10, y), 8, VERMILLION.filled()));
        for (i, v, kind) in &reported {
            let text = match kind.as_str() {
                "at_least" => format!("> {}", thousands(*v)),
                "at_most" => format!("≤ {}", thousands(*v)),
                _ => format!("≈ {}", thousands(*v)),
            };
            chart
                .draw_series(std::iter::once(Text::new(
                    text,
                    (centre(*i), v * 1.04),
                    (FONT, 14).into_font().color(&VERMILLION),
                )))
                .map_err(e)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight, 10)
    }
}

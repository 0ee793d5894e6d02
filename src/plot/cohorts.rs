//! The `cohorts` chart: for the persons registering in each month, the share booked within 90 days,
//! the share who gave up within 180 days and the share still waiting at the end, each with its 95 %
//! interval over replications, drawn from `cohorts.csv` alone.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{ChartData, CohortLine};
use super::style::{BLUE, Chart, FONT, GREY, VERMILLION, draw_mesh, e, legend};

/// The measures drawn, with their labels and colours.
const BARS: [(&str, &str, RGBColor); 3] = [
    ("booked_within_90_days", "booked within 90 days", BLUE),
    ("abandoned_within_180_days", "gave up within 180 days", VERMILLION),
    ("waiting_at_end", "still waiting at the end of the run", GREY),
];

/// The cohorts chart.
#[derive(Debug)]
pub struct Cohorts<'a>(pub &'a ChartData);

impl Cohorts<'_> {
    /// The months, in order.
    fn months(&self) -> Vec<&str> {
        let mut m: Vec<&str> = self.0.cohorts.iter().filter(|c| c.cohort != "all").map(|c| c.cohort.as_str()).collect();
        m.dedup();
        m
    }

    fn value(&self, month: &str, measure: &str) -> Option<&CohortLine> {
        self.0.cohorts.iter().find(|c| c.cohort == month && c.measure == measure)
    }
}

impl Chart for Cohorts<'_> {
    fn name(&self) -> &'static str {
        "cohorts"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let months = self.months();
        let n = months.len().max(1) as f64;
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: what became of the persons registering each month", self.0.scenario.name),
                (FONT, 26, FontStyle::Bold),
            )
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..n, 0f64..1.15)
            .map_err(e)?;
        draw_mesh(
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_desc("Month of registration")
                .y_desc("Share of the persons registering that month")
                .x_labels(months.len().clamp(1, 24) * 2 + 1)
                .x_label_formatter(&|v| {
                    let i = v.floor() as usize;
                    if (v - i as f64 - 0.5).abs() < 1e-6 {
                        months.get(i).map_or(String::new(), |m| m.to_string())
                    } else {
                        String::new()
                    }
                })
                .y_label_formatter(&|v| if *v <= 1.0 + 1e-9 { format!("{:.0} %", v * 100.0) } else { String::new() }),
        )?;
        let width = 0.8 / BARS.len() as f64;
        for (b, (measure, label, color)) in BARS.iter().enumerate() {
            let bars: Vec<(f64, &CohortLine)> = months
                .iter()
                .enumerate()
                .filter_map(|(i, m)| self.value(m, measure).map(|c| (0.1 + i as f64 + b as f64 * width, c)))
                .filter(|(_, c)| c.value.0.is_finite())
                .collect();
            chart
                .draw_series(
                    bars.iter().map(|(x, c)| {
                        Rectangle::new([(*x, 0.0), (x + width * 0.9, c.value.0)], color.mix(0.75).filled())
                    }),
                )
                .map_err(e)?
                .label(*label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 22, y + 6)], color.mix(0.75).filled()));
            chart
                .draw_series(bars.iter().filter(|(_, c)| c.value.1.is_finite()).map(|(x, c)| {
                    ErrorBar::new_vertical(x + width * 0.45, c.value.1, c.value.0, c.value.2, BLACK.stroke_width(1), 6)
                }))
                .map_err(e)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight, 10)
    }
}

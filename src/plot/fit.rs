//! The calibration's fit chart: each target (with its scale as an error bar) beside the model at the
//! start (the centre of the ranges) and at the fit, each on its own scale (relative to the target).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{BLUE, Chart, FONT, GREY, draw_mesh, e, legend, render};

/// One target of the fit chart.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRow {
    /// What and when.
    pub label: String,
    /// The target's value.
    pub value: f64,
    /// Its standard uncertainty.
    pub scale: f64,
    /// The model at the start.
    pub before: f64,
    /// The model at the fit.
    pub after: f64,
}

struct FitChart<'a> {
    scenario: &'a str,
    rows: &'a [FitRow],
}

impl Chart for FitChart<'_> {
    fn name(&self) -> &'static str {
        "fit"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        // Each target on the scale of its own uncertainty: (model − target) / scale.
        let z = |m: f64, r: &FitRow| (m - r.value) / r.scale;
        let top = self
            .rows
            .iter()
            .flat_map(|r| [z(r.before, r), z(r.after, r)])
            .filter(|x| x.is_finite())
            .fold(3.0f64, |a, b| a.max(b.abs()))
            .ceil()
            + 1.0;
        let n = self.rows.len().max(1);
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: model against the calibration targets, before and after", self.scenario),
                (FONT, 24, FontStyle::Bold),
            )
            .margin(18)
            .x_label_area_size(120)
            .y_label_area_size(90)
            .build_cartesian_2d(0f64..n as f64, -top..top)
            .map_err(e)?;
        let labels: Vec<String> = self.rows.iter().map(|r| r.label.clone()).collect();
        draw_mesh(
            chart
                .configure_mesh()
                .disable_x_mesh()
                .y_desc("(model − target) / target's uncertainty")
                .x_labels(2 * n + 1)
                .x_label_formatter(&|v| {
                    let i = v.floor() as usize;
                    if (v - i as f64 - 0.5).abs() < 1e-6 {
                        labels.get(i).cloned().unwrap_or_default()
                    } else {
                        String::new()
                    }
                }),
        )?;
        chart
            .draw_series(
                (0..n)
                    .map(|i| Rectangle::new([(i as f64 + 0.1, -1.0), (i as f64 + 0.9, 1.0)], GREY.mix(0.15).filled())),
            )
            .map_err(e)?
            .label("target ± its uncertainty")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 22, y + 6)], GREY.mix(0.3).filled()));
        chart
            .draw_series(
                self.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| z(r.before, r).is_finite())
                    .map(|(i, r)| Circle::new((i as f64 + 0.35, z(r.before, r).clamp(-top, top)), 7, GREY.filled())),
            )
            .map_err(e)?
            .label("model before (centre of the ranges)")
            .legend(|(x, y)| Circle::new((x + 10, y), 6, GREY.filled()));
        chart
            .draw_series(
                self.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| z(r.after, r).is_finite())
                    .map(|(i, r)| Circle::new((i as f64 + 0.65, z(r.after, r).clamp(-top, top)), 7, BLUE.filled())),
            )
            .map_err(e)?
            .label("model at the fit")
            .legend(|(x, y)| Circle::new((x + 10, y), 6, BLUE.filled()));
        legend(&mut chart, SeriesLabelPosition::UpperRight, 10)
    }
}

/// `fit.png` and `fit.svg`.
pub fn fit_chart(scenario: &str, rows: &[FitRow]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let (png, svg) = render(&FitChart { scenario, rows })?;
    Ok(vec![("fit.png".to_string(), png), ("fit.svg".to_string(), svg.into_bytes())])
}

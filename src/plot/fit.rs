//! The calibration's charts: the fit (each target, with its scale, beside the model at the start
//! and at the fit, each on its own scale) and the profiles (the loss along each fitted parameter).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{BLUE, Chart, FONT, GREY, VERMILLION, draw_mesh, e, legend, nice_max, render};

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
    /// `at_least` or `at_most` for a bound ("more than X", "up to X"), `about` for a value.
    pub bound: &'static str,
}

impl FitRow {
    /// The model's miss in the target's uncertainties: none on the feasible side of a bound, which
    /// the loss does not count either.
    fn z(&self, model: f64) -> f64 {
        let met = match self.bound {
            "at_least" => model >= self.value,
            "at_most" => model <= self.value,
            _ => false,
        };
        if met { 0.0 } else { (model - self.value) / self.scale }
    }
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
        // Each target on the scale of its own uncertainty: (model − target) / scale, 0 for a bound
        // that the model meets.
        let z = |m: f64, r: &FitRow| r.z(m);
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
                .y_desc("(model − target) / target's uncertainty; 0: bound met")
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

/// One fitted parameter's profile: the loss at each value tried with the others at the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfilePanel {
    /// The parameter's path.
    pub path: String,
    /// (value, loss) of each profile evaluation and of the fit.
    pub points: Vec<(f64, f64)>,
    /// The fitted value.
    pub fitted: f64,
    /// The loss's replication noise at the fit (standard deviation).
    pub noise: f64,
    /// The rise above the minimum that bounds the profile interval (3.84).
    pub threshold: f64,
}

/// Panels per row of the profile chart.
const PROFILE_COLUMNS: usize = 2;
/// Height of one row of profile panels [px].
const PROFILE_ROW_HEIGHT: u32 = 330;

struct ProfileChart<'a> {
    scenario: &'a str,
    panels: &'a [ProfilePanel],
}

impl Chart for ProfileChart<'_> {
    fn name(&self) -> &'static str {
        "profile"
    }

    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(PROFILE_COLUMNS).max(1) as u32;
        (super::style::WIDTH, 90 + rows * PROFILE_ROW_HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(e)?;
        let root = root
            .titled(
                &format!("{}: the loss along each fitted parameter, the others at the fit", self.scenario),
                (FONT, 20, FontStyle::Bold),
            )
            .map_err(e)?
            .titled(
                &format!(
                    "loss above its minimum (blue); dashed: {} above it, the 95 % profile interval's bound; grey: 2 sd of the loss's replication noise; vertical: the fit",
                    self.panels.first().map_or(3.84, |p| p.threshold)
                ),
                (FONT, 14),
            )
            .map_err(e)?;
        let rows = self.panels.len().div_ceil(PROFILE_COLUMNS).max(1);
        for (panel, area) in self.panels.iter().zip(root.split_evenly((rows, PROFILE_COLUMNS)).iter()) {
            draw_profile(area, panel)?;
        }
        Ok(())
    }
}

/// One parameter's panel: the loss above its minimum against the value, the 3.84 line, the fit,
/// and the loss's replication noise as a grey band (± 2 sd) around the minimum.
fn draw_profile<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &ProfilePanel) -> Result<(), String> {
    let mut pts: Vec<(f64, f64)> = p.points.iter().copied().filter(|(x, l)| x.is_finite() && l.is_finite()).collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let min = pts.iter().map(|(_, l)| *l).fold(f64::INFINITY, f64::min);
    let rise: Vec<(f64, f64)> = pts.iter().map(|(x, l)| (*x, l - min)).collect();
    // Enough height for the threshold and the noise, not so much that the region near it vanishes.
    let t = p.threshold;
    let top = nice_max(
        rise.iter().map(|(_, r)| *r).fold(4.0 * t.max(2.0 * p.noise), f64::max).min((8.0 * t).max(6.0 * p.noise)),
    );
    let (lo, hi) = (pts.first().map_or(0.0, |p| p.0), pts.last().map_or(1.0, |p| p.0));
    let pad = ((hi - lo) * 0.03).max(1e-9);
    let noise = if p.noise.is_finite() { format!("noise sd {:.2}", p.noise) } else { "noise unknown".to_string() };
    let fitted = short(p.fitted);
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{} (fit {fitted}; {noise})", p.path), (FONT, 16, FontStyle::Bold))
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(56)
        .build_cartesian_2d(lo - pad..hi + pad, 0f64..top)
        .map_err(e)?;
    draw_mesh(
        chart.configure_mesh().x_labels(6).y_labels(5).y_desc("loss − minimum").x_label_formatter(&|v| short(*v)),
    )?;
    if p.noise.is_finite() && p.noise > 0.0 {
        let band = (2.0 * p.noise).min(top);
        chart
            .draw_series(std::iter::once(Rectangle::new([(lo - pad, 0.0), (hi + pad, band)], GREY.mix(0.15).filled())))
            .map_err(e)?;
    }
    chart
        .draw_series(DashedLineSeries::new([(lo - pad, t), (hi + pad, t)], 8, 5, VERMILLION.stroke_width(2)))
        .map_err(e)?;
    // A thin line: the bisection points lie a fraction of a pixel apart, where a thick line's joins spike.
    chart.draw_series(LineSeries::new(rise.iter().map(|(x, r)| (*x, r.min(top))), BLUE.stroke_width(1))).map_err(e)?;
    chart.draw_series(rise.iter().map(|(x, r)| Circle::new((*x, r.min(top)), 4, BLUE.filled()))).map_err(e)?;
    chart.draw_series(LineSeries::new([(p.fitted, 0.0), (p.fitted, top)], GREY.stroke_width(1))).map_err(e)?;
    Ok(())
}

/// A value in at most four significant digits.
fn short(v: f64) -> String {
    if v.abs() >= 1000.0 || v == v.round() {
        format!("{v:.0}")
    } else {
        format!("{:.4}", v).trim_end_matches('0').to_string()
    }
}

/// `profile.png` and `profile.svg`: the profile of every fitted parameter.
pub fn profile_chart(scenario: &str, panels: &[ProfilePanel]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let (png, svg) = render(&ProfileChart { scenario, panels })?;
    Ok(vec![("profile.png".to_string(), png), ("profile.svg".to_string(), svg.into_bytes())])
}

#[cfg(test)]
mod tests {
    use super::FitRow;

    /// A bound that the model meets is no miss: "more than 38,000" with 44,000 is drawn at 0.
    #[test]
    fn a_met_bound_is_drawn_as_no_miss() {
        let row =
            |bound| FitRow { label: String::new(), value: 38_000.0, scale: 500.0, before: 0.0, after: 0.0, bound };
        assert_eq!(row("at_least").z(44_000.0), 0.0);
        assert_eq!(row("at_least").z(37_000.0), -2.0);
        assert_eq!(row("at_most").z(37_000.0), 0.0);
        assert_eq!(row("about").z(44_000.0), 12.0);
    }
}

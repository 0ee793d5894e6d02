//! The charts and report of a sensitivity study: per metric, each parameter's indices with their
//! 95 % intervals (Sobol' first-order and total, or Morris μ* and σ), and the ranking in words.

use std::fmt::Write;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::page::{CSS, escape, figure};
use super::style::{BLUE, Chart, FONT, ORANGE, draw_mesh, e, legend, nice_max, render};
use crate::scenario::parameter_label;
use crate::stats::IndexRow;

/// What the charts and the report of a sensitivity study need of it.
#[derive(Debug, Clone)]
pub struct SensitivitySpec {
    /// Scenario name.
    pub scenario: String,
    /// The period its outputs cover, in words.
    pub period: String,
    /// Sobol' indices (true) or Morris effects.
    pub sobol: bool,
    /// Base samples or trajectories.
    pub samples: usize,
    /// Design points.
    pub points: usize,
    /// Replications per point.
    pub replications: u32,
    /// Seed.
    pub seed: u64,
    /// Each parameter's path and its range or levels as given.
    pub params: Vec<(String, String)>,
    /// Each metric's name and short label.
    pub metrics: Vec<(&'static str, &'static str)>,
}

/// The indices of one metric, one bar pair per parameter.
struct Indices<'a> {
    metric: &'static str,
    label: &'static str,
    sobol: bool,
    rows: Vec<&'a IndexRow>,
    params: Vec<String>,
}

impl Chart for Indices<'_> {
    fn name(&self) -> &'static str {
        "sensitivity"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (first, second, ylabel) = if self.sobol {
            ("S1", "ST", "Share of the variance (first-order S1, total ST)")
        } else {
            ("mu_star", "sigma", "Elementary effects per unit of range (μ*, σ)")
        };
        let get = |p: &str, idx: &str| self.rows.iter().find(|r| r.parameter == p && r.index == idx).copied();
        let top = self
            .rows
            .iter()
            .filter(|r| r.index != "noise_share" && r.index != "mu")
            .filter_map(|r| r.ci_high.or(r.value))
            .fold(0.0, f64::max);
        let ymax = if self.sobol { top.max(1.0) } else { nice_max(top * 1.1) };
        let n = self.params.len();
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption(format!("What drives {} ({})", self.label, self.metric), (FONT, 24, FontStyle::Bold))
            .margin(18)
            .x_label_area_size(90)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..n as f64, 0f64..ymax)
            .map_err(e)?;
        let params = self.params.clone();
        draw_mesh(chart.configure_mesh().disable_x_mesh().y_desc(ylabel).x_labels(2 * n + 1).x_label_formatter(
            &|v| {
                let i = v.floor() as usize;
                if (v - i as f64 - 0.5).abs() < 1e-6 {
                    params.get(i).map_or(String::new(), |p| parameter_label(p))
                } else {
                    String::new()
                }
            },
        ))?;
        for (b, (idx, color, label)) in [(first, BLUE, first), (second, ORANGE, second)].into_iter().enumerate() {
            let bars: Vec<(f64, &IndexRow)> = self
                .params
                .iter()
                .enumerate()
                .filter_map(|(i, p)| get(p, idx).map(|r| (i as f64 + 0.15 + 0.35 * b as f64, r)))
                .filter(|(_, r)| r.value.is_some())
                .collect();
            chart
                .draw_series(bars.iter().map(|(x, r)| {
                    Rectangle::new([(*x, 0.0), (x + 0.3, r.value.unwrap_or(0.0).max(0.0))], color.mix(0.8).filled())
                }))
                .map_err(e)?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 22, y + 6)], color.mix(0.8).filled()));
            chart
                .draw_series(bars.iter().filter_map(|(x, r)| {
                    let (l, h) = (r.ci_low?, r.ci_high?);
                    Some(ErrorBar::new_vertical(
                        x + 0.15,
                        l.max(0.0),
                        r.value?.max(0.0),
                        h.max(0.0),
                        BLACK.stroke_width(1),
                        8,
                    ))
                }))
                .map_err(e)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight, 10)
    }
}

/// `sensitivity-<metric>.png/.svg` for each metric, and `report.html`.
pub fn sensitivity_files(study: &SensitivitySpec, rows: &[IndexRow]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = Vec::new();
    let mut svgs = Vec::new();
    let params: Vec<String> = study.params.iter().map(|p| p.0.clone()).collect();
    for &(name, short) in &study.metrics {
        let chart = Indices {
            metric: name,
            label: short,
            sobol: study.sobol,
            rows: rows.iter().filter(|r| r.metric == name).collect(),
            params: params.clone(),
        };
        let (png, svg) = render(&chart)?;
        files.push((format!("sensitivity-{name}.png"), png));
        files.push((format!("sensitivity-{name}.svg"), svg.clone().into_bytes()));
        svgs.push(svg);
    }
    files.push(("report.html".to_string(), report(study, rows, &svgs).into_bytes()));
    Ok(files)
}

/// The ranking in words, per metric: "X explains 61 % [55, 67] of the variance of the mean wait".
pub fn ranking(study: &SensitivitySpec, rows: &[IndexRow]) -> Vec<String> {
    let pct = |x: Option<f64>| x.map_or("–".into(), |v| format!("{:.0}", 100.0 * v));
    let mut out = Vec::new();
    for &(name, short) in &study.metrics {
        let of = |idx: &str| -> Vec<&IndexRow> { rows.iter().filter(|r| r.metric == name && r.index == idx).collect() };
        let mut ranked = of(if study.sobol { "ST" } else { "mu_star" });
        ranked.sort_by(|a, b| b.value.unwrap_or(f64::NAN).total_cmp(&a.value.unwrap_or(f64::NAN)));
        for r in ranked {
            let param = parameter_label(&r.parameter);
            let line = match study.sobol {
                true => {
                    let s1 = of("S1").into_iter().find(|x| x.parameter == r.parameter);
                    format!(
                        "{param} explains {} % [{}, {}] of the variance of {} on its own, and {} % [{}, {}] with its interactions.",
                        pct(s1.and_then(|x| x.value)),
                        pct(s1.and_then(|x| x.ci_low)),
                        pct(s1.and_then(|x| x.ci_high)),
                        short,
                        pct(r.value),
                        pct(r.ci_low),
                        pct(r.ci_high)
                    )
                }
                false => format!(
                    "{param} moves {} by {} on average over a step of its range (μ*, 95 % interval [{}, {}]).",
                    short,
                    r.value.map_or("–".into(), |v| format!("{v:.3}")),
                    r.ci_low.map_or("–".into(), |v| format!("{v:.3}")),
                    r.ci_high.map_or("–".into(), |v| format!("{v:.3}"))
                ),
            };
            out.push(line);
        }
        if let Some(n) = of("noise_share").first().and_then(|r| r.value) {
            out.push(format!(
                "Replication noise is {:.1} % of the variance of {} across the design points.",
                100.0 * n,
                short
            ));
        }
    }
    out
}

fn report(study: &SensitivitySpec, rows: &[IndexRow], svgs: &[String]) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>borderq sensitivity: {}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<header><h1>What drives the results of {}</h1>\n<p class=\"identity\">{} · {} design points ({} method, {} {}) · {} replications per point · seed {} · borderq {}</p></header>\n",
        escape(&study.scenario),
        escape(&study.scenario),
        escape(&study.period),
        study.points,
        if study.sobol { "Sobol'" } else { "Morris" },
        study.samples,
        if study.sobol { "base samples" } else { "trajectories" },
        study.replications,
        study.seed,
        env!("CARGO_PKG_VERSION")
    );
    let warnings = crate::stats::index_warnings(rows, study.sobol, study.samples, study.replications);
    if !warnings.is_empty() {
        o.push_str("<section id=\"warnings\" style=\"border-left:4px solid #b00;padding-left:.8em\">\n<h2>Warnings</h2>\n<ul>\n");
        for w in &warnings {
            let _ = writeln!(o, "<li>{}</li>", escape(w));
        }
        o.push_str("</ul>\n</section>\n");
    }
    o.push_str("<section id=\"ranking\">\n<h2>Ranking</h2>\n<ul>\n");
    for line in ranking(study, rows) {
        let _ = writeln!(o, "<li>{}</li>", escape(&line));
    }
    o.push_str("</ul>\n<p class=\"note\">Sobol' indices: first-order S1 (Saltelli 2010) and total ST (Jansen 1999) from a Saltelli design on scrambled Sobol' points; Morris: the mean absolute elementary effect μ* and its spread σ, per unit of each parameter's range. Intervals are percentile-bootstrap 95 % intervals over the design's rows (1,000 resamples). Each design point averages its replications on the same seeds as every other point (common random numbers); the replication-noise share is the mean variance of a point's average due to its replications over the variance across points. An estimate below 0 % or above 100 % is sampling noise of the design: its interval says how much, and more base samples (--samples) narrow it.</p>\n</section>\n<section id=\"parameters\">\n<h2>Parameters</h2>\n<ul>\n");
    for (path, spec) in &study.params {
        let _ = writeln!(o, "<li>{} <small>({})</small></li>", escape(&parameter_label(path)), escape(spec));
    }
    o.push_str("</ul>\n</section>\n<section id=\"charts\">\n<h2>Charts</h2>\n");
    for svg in svgs {
        o.push_str(&figure(None, svg));
    }
    o.push_str("</section>\n<footer>Generated by borderq from sensitivity.csv and design.csv in this directory.</footer>\n</body>\n</html>\n");
    o
}

//! Sweep charts, drawn from `sweep.csv` alone: per headline metric, a line with its 95 % CI ribbon
//! against the first numeric varied parameter (one line per combination of the others), and, when
//! exactly two parameters vary, a heatmap of the mean.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{Chart, FONT, PALETTE, draw_mesh, e, legend, render};
use crate::metrics;
use crate::scenario::parameter_label;

/// What the sweep charts need to know of a sweep (from its `plan.json`).
#[derive(Debug, Clone, Copy)]
pub struct SweepSpec<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// Replications per point.
    pub replications: u32,
    /// The varied paths and their values, in grid order.
    pub vary: &'a [(String, Vec<String>)],
    /// Whether each varied parameter is numeric.
    pub numeric: &'a [bool],
}

/// At most this many lines per chart; further combinations are left out (and the title says so).
const MAX_LINES: usize = 8;

/// One point of a line: x and (mean, ci95_low, ci95_high).
type XPoint = (f64, (f64, f64, f64));

/// One parsed row of `sweep.csv`.
#[derive(Debug, Clone)]
struct Row {
    values: Vec<String>,
    metrics: Vec<(f64, f64, f64)>,
}

fn parse(plan: &SweepSpec, csv_text: &str) -> Vec<Row> {
    let nv = plan.vary.len();
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    r.records()
        .flatten()
        .map(|rec| {
            let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
            Row {
                values: (0..nv).map(|k| rec[1 + k].to_string()).collect(),
                metrics: (0..metrics::sweep_metrics().len())
                    .map(|j| {
                        let b = 2 + nv + 3 * j;
                        (num(&rec[b]), num(&rec[b + 1]), num(&rec[b + 2]))
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A cell's value as the heatmap prints it, and its colour bar's ticks: three decimals below 10,
/// else a whole number with thousands separators.
fn cell_text(v: f64) -> String {
    if v.abs() < 10.0 { format!("{v:.3}") } else { super::style::thousands(v) }
}

/// A tick label without float noise: `1000`, `0.25`, `12,500`.
fn short_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() >= 1000.0 {
        return super::style::thousands(v);
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

struct Lines<'a> {
    plan: &'a SweepSpec<'a>,
    rows: &'a [Row],
    metric: usize,
    x: usize,
}

impl Chart for Lines<'_> {
    fn name(&self) -> &'static str {
        "sweep"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (plan, m, x) = (self.plan, self.metric, self.x);
        let mut groups: BTreeMap<Vec<String>, Vec<XPoint>> = BTreeMap::new();
        for r in self.rows {
            let key: Vec<String> = r
                .values
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != x)
                .map(|(k, v)| format!("{} = {v}", parameter_label(&plan.vary[k].0)))
                .collect();
            let xv = r.values[x].parse::<f64>().unwrap_or(f64::NAN);
            groups.entry(key).or_default().push((xv, r.metrics[m]));
        }
        let all: Vec<f64> = self.rows.iter().map(|r| r.values[x].parse::<f64>().unwrap_or(f64::NAN)).collect();
        let (x0, x1) = all
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        let (x0, x1) = if x1 > x0 { (x0, x1) } else { (x0 - 1.0, x0 + 1.0) };
        let ys =
            self.rows.iter().flat_map(|r| [r.metrics[m].0, r.metrics[m].1, r.metrics[m].2]).filter(|v| v.is_finite());
        let (y0, y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        let (y0, y1) = if y1 > y0 {
            (y0, y1)
        } else if y0.is_finite() {
            (y0 - 1.0, y0 + 1.0)
        } else {
            (0.0, 1.0)
        };
        let pad = (y1 - y0) * 0.08;
        root.fill(&WHITE).map_err(e)?;
        let left_out = groups.len().saturating_sub(MAX_LINES);
        let title = format!(
            "{}: {}{}",
            plan.scenario,
            metrics::sweep_metrics()[m].long,
            if left_out > 0 { format!(" (first {MAX_LINES} of {} lines)", groups.len()) } else { String::new() }
        );
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 24, FontStyle::Bold))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .build_cartesian_2d(x0..x1, (y0 - pad).min(if y0 >= 0.0 { 0.0 } else { y0 - pad })..y1 + pad)
            .map_err(e)?;
        draw_mesh(
            chart
                .configure_mesh()
                .x_desc(format!(
                    "{}   (line: mean; band: 95 % CI over {} replications)",
                    parameter_label(&plan.vary[x].0),
                    plan.replications
                ))
                .y_desc(metrics::sweep_metrics()[m].axis_label())
                .x_label_formatter(&|v| short_number(*v))
                .y_label_formatter(&|v| short_number(*v)),
        )?;
        for (i, (key, mut pts)) in groups.into_iter().take(MAX_LINES).enumerate() {
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let color = PALETTE[i % PALETTE.len()];
            let mut band: Vec<(f64, f64)> = pts.iter().filter(|p| p.1.2.is_finite()).map(|p| (p.0, p.1.2)).collect();
            band.extend(pts.iter().rev().filter(|p| p.1.1.is_finite()).map(|p| (p.0, p.1.1)));
            if band.len() >= 3 {
                chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.2).filled()))).map_err(e)?;
            }
            let label = if key.is_empty() { "mean with 95 % CI".to_string() } else { key.join(", ") };
            chart
                .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1.0)), color.stroke_width(3)))
                .map_err(e)?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3)));
            chart.draw_series(pts.iter().map(|p| Circle::new((p.0, p.1.0), 4, color.filled()))).map_err(e)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight, 10)
    }
}

struct Heatmap<'a> {
    plan: &'a SweepSpec<'a>,
    rows: &'a [Row],
    metric: usize,
}

impl Chart for Heatmap<'_> {
    fn name(&self) -> &'static str {
        "heatmap"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let (plan, m) = (self.plan, self.metric);
        let (xs, ys) = (&plan.vary[0].1, &plan.vary[1].1);
        let vals: Vec<f64> = self.rows.iter().map(|r| r.metrics[m].0).filter(|v| v.is_finite()).collect();
        let (lo, hi) = vals.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        let span = if hi > lo { hi - lo } else { 1.0 };
        root.fill(&WHITE).map_err(e)?;
        let (main, bar) = root.split_horizontally(1000);
        let (nx, ny) = (xs.len() as i32, ys.len() as i32);
        let mut chart = ChartBuilder::on(&main)
            .caption(
                format!("{}: {} (mean)", plan.scenario, metrics::sweep_metrics()[m].long),
                (FONT, 24, FontStyle::Bold),
            )
            .margin(18)
            .x_label_area_size(60)
            .y_label_area_size(120)
            .build_cartesian_2d((0..nx - 1).into_segmented(), (0..ny - 1).into_segmented())
            .map_err(e)?;
        let label = |values: &[String], v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => values.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(parameter_label(&plan.vary[0].0))
            .y_desc(parameter_label(&plan.vary[1].0))
            .x_labels(xs.len().min(25))
            .y_labels(ys.len().min(25))
            .x_label_formatter(&|v| label(xs, v))
            .y_label_formatter(&|v| label(ys, v))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(e)?;
        for (i, r) in self.rows.iter().enumerate() {
            let (cx, cy) = ((i / ys.len()) as i32, (i % ys.len()) as i32);
            let v = r.metrics[m].0;
            let color = if v.is_finite() { ViridisRGB.get_color((v - lo) / span) } else { RGBColor(200, 200, 200) };
            let cell = [
                (SegmentValue::Exact(cx), SegmentValue::Exact(cy)),
                (SegmentValue::Exact(cx + 1), SegmentValue::Exact(cy + 1)),
            ];
            chart.draw_series(std::iter::once(Rectangle::new(cell, color.filled()))).map_err(e)?;
            if xs.len() * ys.len() <= 120 && v.is_finite() {
                let text_color = if (v - lo) / span > 0.6 { BLACK } else { WHITE };
                let style = (FONT, 14).into_font().color(&text_color).pos(Pos::new(HPos::Center, VPos::Center));
                chart
                    .draw_series(std::iter::once(Text::new(
                        cell_text(v),
                        (SegmentValue::CenterOf(cx), SegmentValue::CenterOf(cy)),
                        style,
                    )))
                    .map_err(e)?;
            }
        }
        colour_bar(&bar, lo, span, &metrics::sweep_metrics()[m].axis_label())
    }
}

/// The heatmap's colour bar: the same scale as the cells, ticks printed as the cells print values,
/// and the metric's label with its unit.
fn colour_bar<DB: DrawingBackend>(bar: &DrawingArea<DB, Shift>, lo: f64, span: f64, label: &str) -> Result<(), String> {
    let mut cb = ChartBuilder::on(bar)
        .margin_top(60)
        .margin_bottom(75)
        .margin_right(10)
        .y_label_area_size(110)
        .build_cartesian_2d(0f64..1.0, lo..lo + span)
        .map_err(e)?;
    cb.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc(format!("{label} (mean)"))
        .y_label_formatter(&|v| cell_text(*v))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .draw()
        .map_err(e)?;
    let steps = 100;
    cb.draw_series((0..steps).map(|k| {
        let a = lo + span * k as f64 / steps as f64;
        let b = lo + span * (k + 1) as f64 / steps as f64;
        Rectangle::new([(0.0, a), (1.0, b)], ViridisRGB.get_color(k as f64 / steps as f64).filled())
    }))
    .map_err(e)?;
    Ok(())
}

/// Every sweep chart as (file name, bytes).
pub fn sweep_charts(plan: &SweepSpec, csv_text: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let rows = parse(plan, csv_text);
    let mut files = Vec::new();
    let mut push = |name: String, result: Result<(Vec<u8>, String), String>| -> Result<(), String> {
        let (png, svg) = result.map_err(|err| format!("{name}: {err}"))?;
        files.push((format!("{name}.png"), png));
        files.push((format!("{name}.svg"), svg.into_bytes()));
        Ok(())
    };
    if let Some(x) = plan.numeric.iter().position(|n| *n) {
        for (m, name) in metrics::sweep_metrics().iter().map(|m| m.name).enumerate() {
            push(format!("sweep-{name}"), render(&Lines { plan, rows: &rows, metric: m, x }))?;
        }
    }
    if plan.vary.len() == 2 {
        for (m, name) in metrics::sweep_metrics().iter().map(|m| m.name).enumerate() {
            push(format!("heatmap-{name}"), render(&Heatmap { plan, rows: &rows, metric: m }))?;
        }
    }
    Ok(files)
}

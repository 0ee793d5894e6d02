//! The three charts of a run: `backlog`, `waits` and `flows`, drawn with plotters onto any backend in
//! the house style of `style.rs`.

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::ChartData;
use super::events::{Marks, draw_events};
use super::style::{
    BLUE, Calendar, Chart, FONT, GREY, ORANGE, PURPLE, VERMILLION, WIDTH, draw_mesh, e, legend, nice_max, thousands,
};
use crate::scenario::{QuotaUnit, Scenario};

fn max_of(xs: &[f64]) -> f64 {
    xs.iter().copied().filter(|x| x.is_finite()).fold(0.0, f64::max)
}

/// Puts the legend where the data leave room: the lower right unless the right part is low.
fn legend_position(series: &[&[f64]], ymax: f64) -> SeriesLabelPosition {
    let n = series.first().map_or(0, |s| s.len());
    let right = n * 3 / 5;
    let low = series.iter().all(|s| s[right..].iter().all(|v| !v.is_finite() || *v < 0.55 * ymax));
    if low { SeriesLabelPosition::UpperRight } else { SeriesLabelPosition::LowerRight }
}

/// People waiting over time: mean and 5–95 % band, outages, caravans, quota on the right axis.
#[derive(Debug)]
pub struct Backlog<'a>(pub &'a ChartData);

impl Chart for Backlog<'_> {
    fn name(&self) -> &'static str {
        "backlog"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let d = self.0;
        let s = &d.scenario;
        let n = s.report_days();
        let (mean, lo, hi, quota) = (
            d.col("waiting_persons_mean"),
            d.col("waiting_persons_p05"),
            d.col("waiting_persons_p95"),
            d.col("quota_mean"),
        );
        let ymax = nice_max(max_of(hi).max(max_of(mean)) * 1.15);
        let unit = if s.quota.unit == QuotaUnit::Persons { "persons" } else { "groups" };
        root.fill(&WHITE).map_err(e)?;
        let root = root
            .titled(&format!("{}: people waiting for an appointment", s.name), (FONT, 28, FontStyle::Bold))
            .map_err(e)?;
        // The pool above, the daily quota in its own panel below, on the same dates.
        let (top, bottom) = root.split_vertically(470);
        let mut chart = ChartBuilder::on(&top)
            .margin(18)
            .margin_bottom(4)
            .x_label_area_size(10)
            .y_label_area_size(95)
            .build_cartesian_2d(0f64..n as f64, 0f64..ymax)
            .map_err(e)?;
        draw_mesh(
            chart
                .configure_mesh()
                .y_desc("Persons waiting (not yet selected)")
                .y_label_formatter(&|v| thousands(*v))
                .x_labels(0)
                .y_labels(8),
        )?;
        month_ticks(&mut chart, s.report_start(), n, ymax, false)?;
        draw_events(&mut chart, d, ymax, Marks { outages: true, changes: true, caravans: false, windows: false })?;

        // 5–95 % band, then the mean on top.
        let mut band: Vec<(f64, f64)> = (0..n).map(|i| (i as f64 + 0.5, hi[i])).collect();
        band.extend((0..n).rev().map(|i| (i as f64 + 0.5, lo[i])));
        chart
            .draw_series(std::iter::once(Polygon::new(band, BLUE.mix(0.22).filled())))
            .map_err(e)?
            .label("5–95 % range across replications")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 22, y + 6)], BLUE.mix(0.3).filled()));
        chart
            .draw_series(LineSeries::new((0..n).map(|i| (i as f64 + 0.5, mean[i])), BLUE.stroke_width(3)))
            .map_err(e)?
            .label("mean across replications")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], BLUE.stroke_width(3)));
        draw_events(&mut chart, d, ymax, Marks { outages: false, changes: false, caravans: true, windows: true })?;
        legend(&mut chart, legend_position(&[hi, mean], ymax), 12)?;
        quota_panel(&bottom, s, quota, unit)
    }
}

/// The daily quota as a step line in its own panel, with the month starts marked below it.
fn quota_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Scenario,
    quota: &[f64],
    unit: &str,
) -> Result<(), String> {
    let n = s.report_days();
    let qmax = nice_max(max_of(quota) * 1.2);
    let mut chart = ChartBuilder::on(area)
        .margin(18)
        .margin_top(0)
        .x_label_area_size(55)
        .y_label_area_size(95)
        .build_cartesian_2d(0f64..n as f64, 0f64..qmax)
        .map_err(e)?;
    draw_mesh(
        chart
            .configure_mesh()
            .x_desc("Date (month starts marked)")
            .y_desc(format!("Quota [{unit}/day]"))
            .y_label_formatter(&|v| thousands(*v))
            .x_labels(0)
            .y_labels(3),
    )?;
    let mut steps = Vec::with_capacity(2 * n);
    for (i, q) in quota.iter().enumerate() {
        steps.push((i as f64, *q));
        steps.push((i as f64 + 1.0, *q));
    }
    chart.draw_series(LineSeries::new(steps, GREY.stroke_width(2))).map_err(e)?;
    month_ticks(&mut chart, s.report_start(), n, qmax, true)
}

/// Month starts on a calendar chart: a light line at each, and a label under the axis if `labels`.
fn month_ticks<DB: DrawingBackend>(
    chart: &mut Calendar<'_, DB>,
    start: NaiveDate,
    n: usize,
    ymax: f64,
    labels: bool,
) -> Result<(), String> {
    let months: Vec<(f64, NaiveDate)> = (0..n)
        .map(|i| (i as f64, start + chrono::Days::new(i as u64)))
        .filter(|(_, d)| chrono::Datelike::day(d) == 1)
        .collect();
    // Every month while they fit, else every second or third.
    let every = months.len().div_ceil(12).max(1);
    for (k, (x, d)) in months.iter().enumerate() {
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(*x, 0.0), (*x, ymax)], BLACK.mix(0.12))))
            .map_err(e)?;
        if labels && k % every == 0 {
            let (px, py) = chart.backend_coord(&(*x, 0.0));
            let label = d.format("%b %Y").to_string();
            let style = TextStyle::from((FONT, 15).into_font()).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            ));
            chart
                .plotting_area()
                .strip_coord_spec()
                .draw_text(
                    &label,
                    &style,
                    (px - chart.plotting_area().get_base_pixel().0, py - chart.plotting_area().get_base_pixel().1 + 8),
                )
                .map_err(e)?;
        }
    }
    Ok(())
}

/// Waiting-time distributions: histogram (left) and cumulative share (right), medians and p90 marked.
#[derive(Debug)]
pub struct Waits<'a>(pub &'a ChartData);

const MEASURES: [(&str, &str, &str, RGBColor); 2] = [
    ("wait_days", "registration to processing", "wait", BLUE),
    ("selection_wait_days", "registration to booking", "selection_wait", ORANGE),
];

impl Chart for Waits<'_> {
    fn name(&self) -> &'static str {
        "waits"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let d = self.0;
        root.fill(&WHITE).map_err(e)?;
        let title = format!("{}: waiting times (all replications pooled)", d.scenario.name);
        let root = root.titled(&title, (FONT, 28, FontStyle::Bold)).map_err(e)?;
        let (left, right) = root.split_horizontally(WIDTH / 2);
        let rows = |m: &str| wait_rows(d, m);
        // Cut the axis where 99.9 % of both distributions are reached, so the tail does not flatten the plot.
        let xmax = MEASURES
            .iter()
            .filter_map(|(m, ..)| rows(m).iter().find(|r| r.2 >= 0.999).or(rows(m).last()).map(|r| r.0 + 1.0))
            .fold(1.0, f64::max);
        let xmax = nice_max(xmax);
        let smax = nice_max(MEASURES.iter().flat_map(|(m, ..)| rows(m).iter().map(|r| r.1)).fold(0.0, f64::max) * 1.15);

        histogram(&left, d, xmax, smax)?;
        cumulative(&right, d, xmax)
    }
}

/// The pooled 1-day bins of one wait measure: (from day, share, cumulative share).
fn wait_rows<'d>(d: &'d ChartData, m: &str) -> &'d [(f64, f64, f64)] {
    d.waits.get(m).map_or(&[], Vec::as_slice)
}

/// The histogram of both waits.
fn histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &ChartData,
    xmax: f64,
    smax: f64,
) -> Result<(), String> {
    let rows = |m: &str| wait_rows(d, m);
    let mut hist = ChartBuilder::on(area)
        .caption("Share of groups per 1-day bin", (FONT, 20))
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(75)
        .build_cartesian_2d(0f64..xmax, 0f64..smax)
        .map_err(e)?;
    draw_mesh(
        hist.configure_mesh()
            .x_desc("Waiting time [days]")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("Share of groups")
            .y_label_formatter(&|v| format!("{:.1} %", v * 100.0)),
    )?;
    for (m, label, _, color) in MEASURES {
        let bars = rows(m)
            .iter()
            .filter(|r| r.0 < xmax)
            .map(|r| Rectangle::new([(r.0, 0.0), (r.0 + 1.0, r.1)], color.mix(0.45).filled()));
        hist.draw_series(bars)
            .map_err(e)?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 22, y + 6)], color.mix(0.55).filled()));
    }
    legend(&mut hist, SeriesLabelPosition::UpperRight, 10)?;
    Ok(())
}

/// The cumulative share of both waits, with the mean median (●) and p90 (■) marked.
fn cumulative<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, d: &ChartData, xmax: f64) -> Result<(), String> {
    let rows = |m: &str| wait_rows(d, m);
    let mut cum = ChartBuilder::on(area)
        .caption("Cumulative share, with median and p90", (FONT, 20))
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(75)
        .build_cartesian_2d(0f64..xmax, 0f64..1.22)
        .map_err(e)?;
    draw_mesh(
        cum.configure_mesh()
            .x_desc("Waiting time [days]")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("Share of groups waiting at most this long")
            .y_label_formatter(&|v| if *v <= 1.0 + 1e-9 { format!("{:.0} %", v * 100.0) } else { String::new() }),
    )?;
    for (m, label, metric, color) in MEASURES {
        let mut pts = vec![(0.0, 0.0)];
        pts.extend(rows(m).iter().map(|r| (r.0 + 1.0, r.2)));
        let (p50, p90) = (d.mean(&format!("{metric}_p50_days")), d.mean(&format!("{metric}_p90_days")));
        let values = match (p50, p90) {
            (Some(a), Some(b)) => format!(": median {a:.1} d (●), p90 {b:.1} d (■)"),
            _ => String::new(),
        };
        cum.draw_series(LineSeries::new(pts, color.stroke_width(3)))
            .map_err(e)?
            .label(format!("{label}{values}"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3)));
        // Mean over replications of each replication's median and p90, on their own level.
        if let Some(v) = p50.filter(|v| *v <= xmax) {
            cum.draw_series(LineSeries::new(vec![(v, 0.0), (v, 0.5)], color.mix(0.7).stroke_width(1))).map_err(e)?;
            cum.draw_series(std::iter::once(Circle::new((v, 0.5), 6, color.filled()))).map_err(e)?;
        }
        if let Some(v) = p90.filter(|v| *v <= xmax) {
            cum.draw_series(LineSeries::new(vec![(v, 0.0), (v, 0.9)], color.mix(0.7).stroke_width(1))).map_err(e)?;
            // A square of 12 × 12 pixels, as in the legend's ■.
            let square = EmptyElement::at((v, 0.9)) + Rectangle::new([(-6, -6), (6, 6)], color.filled());
            cum.draw_series(std::iter::once(square)).map_err(e)?;
        }
    }
    // Above 100 % no curve passes: the legend has the top band to itself.
    legend(&mut cum, SeriesLabelPosition::UpperLeft, 6)
}

/// Daily flows of persons: the daily means across replications, unsmoothed so that one-day events
/// (an outage, a caravan's arrival) stay visible.
#[derive(Debug)]
pub struct Flows<'a>(pub &'a ChartData);

impl Chart for Flows<'_> {
    fn name(&self) -> &'static str {
        "flows"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let d = self.0;
        let s = &d.scenario;
        let n = s.report_days();
        let series: Vec<(&str, Vec<f64>, RGBColor)> = [
            ("registered (arrivals)", "arrived_persons_mean", GREY),
            ("booked (appointment confirmed)", "booked_persons_mean", ORANGE),
            ("processed at the port", "processed_persons_mean", BLUE),
            ("abandoned", "abandoned_persons_mean", VERMILLION),
            ("missed confirmations", "missed_persons_mean", PURPLE),
        ]
        .into_iter()
        .map(|(label, col, color)| (label, d.col(col).to_vec(), color))
        .collect();
        let ymax = nice_max(series.iter().take(4).map(|(_, v, _)| max_of(v)).fold(0.0, f64::max) * 1.25);
        // Missed confirmations are rare next to the other flows: they get the right axis.
        let missed_max = nice_max(max_of(&series[4].1) * 1.6);
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption(format!("{}: daily flows of persons", s.name), (FONT, 28, FontStyle::Bold))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .right_y_label_area_size(80)
            .build_cartesian_2d(0f64..n as f64, 0f64..ymax)
            .map_err(e)?
            .set_secondary_coord(0f64..n as f64, 0f64..missed_max);
        draw_mesh(
            chart
                .configure_mesh()
                .x_desc("Date (month starts marked)")
                .y_desc("Persons per day (daily mean across replications)")
                .y_label_formatter(&|v| thousands(*v))
                .x_labels(0)
                .y_labels(10),
        )?;
        chart
            .configure_secondary_axes()
            .y_desc("Missed confirmations [persons/day]")
            .y_label_formatter(&|v| thousands(*v))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()
            .map_err(e)?;
        month_ticks(&mut chart, s.report_start(), n, ymax, true)?;
        draw_events(&mut chart, d, ymax, Marks { outages: true, changes: false, caravans: true, windows: false })?;
        for (k, (label, values, color)) in series.iter().enumerate() {
            let color = *color;
            let points = values.iter().enumerate().map(|(i, v)| (i as f64 + 0.5, *v));
            let drawn = if k == 4 {
                chart.draw_secondary_series(LineSeries::new(points, color.mix(0.8).stroke_width(1))).map_err(e)?
            } else {
                chart.draw_series(LineSeries::new(points, color.stroke_width(2))).map_err(e)?
            };
            let label = if k == 4 { format!("{label}, right axis") } else { label.to_string() };
            drawn.label(label).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3)));
        }
        // A day that books far more than usual: confirmations held up by an outage coming through.
        let booked = &series[1].1;
        let mut sorted: Vec<f64> = booked.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        if let Some((day, peak)) = booked.iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1))
            && median > 0.0
            && peak > 1.5 * median
        {
            let text = format!("{} booked: held-up confirmations come through", thousands(peak));
            let style = (FONT, 14).into_font().color(&ORANGE);
            chart.draw_series(std::iter::once(Text::new(text, (day as f64 + 1.5, peak), style))).map_err(e)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight, 12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_helpers() {
        assert_eq!(nice_max(93_000.0), 100_000.0);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(1_450.0 * 1.6), 2_500.0);
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }
}

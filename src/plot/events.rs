//! The events of `events.csv` on the calendar charts: outages shaded, the program's end as a line
//! and a grey stretch (never as an outage), dated changes as dashed lines, and caravans as their
//! departure with the window of their registrations.

use chrono::NaiveDateTime;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor;

use super::data::ChartData;
use super::style::{Calendar, FONT, GREEN, GREY, PURPLE, VERMILLION, e};
use crate::output::EventRow;

/// Which events a chart draws.
#[derive(Debug, Clone, Copy)]
pub(super) struct Marks {
    /// Outages and the program's end (shading, drawn first).
    pub outages: bool,
    /// Dated changes (`event`, `schedule`, `cancellation`) as labelled dashed lines.
    pub changes: bool,
    /// Caravan departures.
    pub caravans: bool,
    /// Caravan registration windows (bars along the top).
    pub windows: bool,
}

/// Days from the report's first midnight to `text` (`YYYY-MM-DDTHH:MM`).
fn day_of(d: &ChartData, text: &str) -> Option<f64> {
    let t = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()?;
    let origin = d.scenario.report_start().and_time(chrono::NaiveTime::MIN);
    Some((t - origin).num_seconds() as f64 / 86_400.0)
}

/// `[from, to]` of an event in days, clipped to the chart, or `None` when it lies outside.
fn span(d: &ChartData, ev: &EventRow, min_width: f64) -> Option<(f64, f64)> {
    let n = d.scenario.report_days() as f64;
    let x0 = day_of(d, &ev.from)?;
    let x1 = day_of(d, &ev.to).unwrap_or(x0).max(x0 + min_width);
    (x1 >= 0.0 && x0 <= n).then(|| (x0.max(0.0), x1.min(n)))
}

/// Draws the events behind (shading) and on (lines, labels) a calendar chart with `ymax` on top.
pub(super) fn draw_events<'a, DB: DrawingBackend + 'a>(
    chart: &mut Calendar<'a, DB>,
    d: &ChartData,
    ymax: f64,
    marks: Marks,
) -> Result<(), String> {
    let n = d.scenario.report_days() as f64;
    let mut labelled = [false; 5];
    let mut first = |k: usize| !std::mem::replace(&mut labelled[k], true);
    let outages = d.events.iter().filter(|ev| marks.outages && ev.kind == "outage");
    for (i, ev) in outages.enumerate() {
        let Some((x0, x1)) = span(d, ev, 0.5) else { continue };
        let s = chart
            .draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, ymax)], VERMILLION.mix(0.25).filled())))
            .map_err(e)?;
        if first(0) {
            s.label("outage (shaded)")
                .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 22, y + 6)], VERMILLION.mix(0.35).filled()));
        }
        let y = ymax * (0.985 - 0.045 * (i % 4) as f64);
        let x = if x1 + 0.35 * n > n { x0 + 0.01 * n } else { x1 + 0.8 };
        let font = (FONT, 14).into_font().color(&VERMILLION);
        chart.draw_series(std::iter::once(Text::new(ev.label.clone(), (x, y), font))).map_err(e)?;
    }
    for ev in d.events.iter().filter(|ev| marks.outages && ev.kind == "program_end") {
        let Some((x0, x1)) = span(d, ev, 0.0) else { continue };
        chart
            .draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, ymax)], GREY.mix(0.12).filled())))
            .map_err(e)?;
        let s = chart.draw_series(LineSeries::new(vec![(x0, 0.0), (x0, ymax)], BLACK.stroke_width(2))).map_err(e)?;
        if first(1) {
            s.label("end of the program (grey after)")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], BLACK.stroke_width(2)));
        }
        let font = (FONT, 14)
            .into_font()
            .color(&BLACK)
            .pos(text_anchor::Pos::new(text_anchor::HPos::Right, text_anchor::VPos::Top));
        chart
            .draw_series(std::iter::once(Text::new(ev.label.clone(), (x0 - 0.005 * n, ymax * 0.985), font)))
            .map_err(e)?;
    }
    if marks.changes {
        draw_changes(chart, d, ymax, &mut first)?;
    }
    if marks.caravans {
        draw_caravans(chart, d, ymax, marks.windows, &mut first)?;
    }
    Ok(())
}

/// Dated changes as dashed lines; those on the same day share one line and one label (cut short
/// when long: `events.csv` has them in full).
fn draw_changes<'a, DB: DrawingBackend + 'a>(
    chart: &mut Calendar<'a, DB>,
    d: &ChartData,
    ymax: f64,
    first: &mut dyn FnMut(usize) -> bool,
) -> Result<(), String> {
    let n = d.scenario.report_days() as f64;
    let mut days: Vec<(f64, Vec<&str>)> = Vec::new();
    for ev in d.events.iter().filter(|ev| matches!(ev.kind.as_str(), "event" | "schedule" | "cancellation")) {
        let Some((x, _)) = span(d, ev, 0.0) else { continue };
        match days.iter_mut().find(|(dx, _)| (*dx - x).abs() < 0.5) {
            Some((_, labels)) => labels.push(&ev.label),
            None => days.push((x, vec![&ev.label])),
        }
    }
    let style = PURPLE.stroke_width(2);
    for (x, labels) in days {
        let dashes = (0..20).map(|k| k as f64 * ymax / 20.0);
        let s = chart
            .draw_series(dashes.map(|y| PathElement::new(vec![(x, y), (x, y + ymax / 40.0)], style)))
            .map_err(e)?;
        if first(2) {
            s.label("dated change (dashed)").legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 9, y)], style));
        }
        let mut text = labels.join(" · ");
        if text.chars().count() > 60 {
            text = format!("{}…", text.chars().take(59).collect::<String>());
        }
        let font = (FONT, 13).into_font().color(&PURPLE).transform(FontTransform::Rotate270);
        chart.draw_series(std::iter::once(Text::new(text, (x + n * 0.006, ymax * 0.02), font))).map_err(e)?;
    }
    Ok(())
}

/// Caravan departures (a green line, named along it) and registration windows (a green bar along
/// the top, from the first to the last registration).
fn draw_caravans<'a, DB: DrawingBackend + 'a>(
    chart: &mut Calendar<'a, DB>,
    d: &ChartData,
    ymax: f64,
    windows: bool,
    first: &mut dyn FnMut(usize) -> bool,
) -> Result<(), String> {
    let n = d.scenario.report_days() as f64;
    let departures = d.events.iter().filter(|ev| ev.kind == "caravan_departure");
    for ev in departures {
        let Some((x, _)) = span(d, ev, 0.0) else { continue };
        let s =
            chart.draw_series(LineSeries::new(vec![(x, 0.0), (x, ymax * 0.8)], GREEN.stroke_width(2))).map_err(e)?;
        if first(3) {
            s.label("caravan departure")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], GREEN.stroke_width(2)));
        }
        let style = (FONT, 13).into_font().color(&GREEN).transform(FontTransform::Rotate270);
        chart
            .draw_series(std::iter::once(Text::new(ev.label.clone(), (x + n * 0.006, ymax * 0.02), style)))
            .map_err(e)?;
    }
    let spans = d.events.iter().filter(|ev| windows && ev.kind == "caravan_arrivals");
    for (i, ev) in spans.enumerate() {
        let Some((x0, x1)) = span(d, ev, 0.5) else { continue };
        let y = ymax * (0.87 - 0.035 * (i % 4) as f64);
        let s = chart
            .draw_series(std::iter::once(Rectangle::new([(x0, y), (x1, y + ymax * 0.012)], GREEN.mix(0.55).filled())))
            .map_err(e)?;
        if first(4) {
            s.label("caravan registrations, first to last (mean over replications)")
                .legend(|(x, y)| Rectangle::new([(x, y - 4), (x + 22, y + 4)], GREEN.mix(0.55).filled()));
        }
        let name = ev.label.split(" (").next().unwrap_or(&ev.label).to_string();
        let font = (FONT, 12).into_font().color(&GREEN);
        chart.draw_series(std::iter::once(Text::new(name, (x0 + n * 0.003, y + ymax * 0.03), font))).map_err(e)?;
    }
    Ok(())
}

//! The charts and the page of `borderq compare --out`: scenarios A and B overlaid (persons waiting
//! over time, and the cumulative share of waits to processing), drawn from their `daily.csv` and
//! `waits.csv` bytes, and a page with the difference table.

use std::fmt::Write;

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{columns, records};
use super::page::{escape, figure};
use super::style::{BLUE, Chart, FONT, ORANGE, draw_mesh, e, legend, nice_max, render, thousands};

/// One side of a comparison: its label, first reported day, and daily and waits tables.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// "A: name" or "B: name with …".
    pub label: &'a str,
    /// The first day of its `daily.csv`.
    pub start: NaiveDate,
    /// Its `daily.csv`.
    pub daily: &'a [u8],
    /// Its `waits.csv`.
    pub waits: &'a [u8],
}

/// Persons waiting over time, A and B.
struct Backlog {
    lines: Vec<(String, NaiveDate, Vec<f64>)>,
}

impl Chart for Backlog {
    fn name(&self) -> &'static str {
        "compare-backlog"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let start = self.lines.iter().map(|l| l.1).min().expect("two sides");
        let offset = |d: NaiveDate| (d - start).num_days() as f64;
        let xmax = self.lines.iter().map(|l| offset(l.1) + l.2.len() as f64).fold(1.0, f64::max);
        let ymax = nice_max(self.lines.iter().flat_map(|l| l.2.iter().copied()).fold(0.0, f64::max) * 1.15);
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption("Persons waiting for an appointment: A and B", (FONT, 26, FontStyle::Bold))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .build_cartesian_2d(0f64..xmax, 0f64..ymax)
            .map_err(e)?;
        draw_mesh(
            chart
                .configure_mesh()
                .x_desc("Date")
                .y_desc("Persons waiting (mean across replications)")
                .x_label_formatter(&|v| (start + chrono::Days::new(v.max(0.0) as u64)).format("%-d %b %Y").to_string())
                .y_label_formatter(&|v| thousands(*v)),
        )?;
        for ((label, from, values), color) in self.lines.iter().zip([BLUE, ORANGE]) {
            let x0 = offset(*from);
            chart
                .draw_series(LineSeries::new(
                    values.iter().enumerate().map(|(i, v)| (x0 + i as f64 + 0.5, *v)),
                    color.stroke_width(3),
                ))
                .map_err(e)?
                .label(label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3)));
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight, 12)
    }
}

/// The cumulative share of waits to processing, A and B.
struct Waits {
    lines: Vec<(String, Vec<(f64, f64)>)>,
}

impl Chart for Waits {
    fn name(&self) -> &'static str {
        "compare-waits"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let xmax = nice_max(self.lines.iter().flat_map(|l| l.1.iter().map(|p| p.0)).fold(1.0, f64::max));
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(root)
            .caption("Wait from registration to processing: A and B", (FONT, 26, FontStyle::Bold))
            .margin(18)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .build_cartesian_2d(0f64..xmax, 0f64..1.0)
            .map_err(e)?;
        draw_mesh(
            chart
                .configure_mesh()
                .x_desc("Waiting time [days]")
                .y_desc("Share of groups processed within this wait")
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| format!("{:.0} %", v * 100.0)),
        )?;
        for ((label, points), color) in self.lines.iter().zip([BLUE, ORANGE]) {
            chart
                .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(3)))
                .map_err(e)?
                .label(label.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3)));
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight, 12)
    }
}

/// Files as (name, bytes), and SVG texts as (chart name, text).
type Drawn = (Vec<(String, Vec<u8>)>, Vec<(String, String)>);

/// The two overlay charts as (file name, bytes) for PNG and SVG, with their SVG text for a page.
pub fn compare_charts(a: Side, b: Side) -> Result<Drawn, String> {
    let waiting = |s: &Side| -> Result<(String, NaiveDate, Vec<f64>), String> {
        let cols = columns(s.daily, "daily.csv", &["day", "date"])?;
        let v = cols.get("waiting_persons_mean").cloned().ok_or("daily.csv has no waiting_persons_mean")?;
        Ok((s.label.to_string(), s.start, v))
    };
    let cumulative = |s: &Side| -> Result<(String, Vec<(f64, f64)>), String> {
        let rows = records(s.waits, "waits.csv", &["measure", "from_days", "to_days", "share", "cumulative_share"])?;
        let mut pts = vec![(0.0, 0.0)];
        pts.extend(
            rows.iter()
                .filter(|r| r[0] == "wait_days")
                .map(|r| (r[2].parse::<f64>().unwrap_or(f64::NAN), r[4].parse::<f64>().unwrap_or(f64::NAN))),
        );
        Ok((s.label.to_string(), pts))
    };
    let mut files = Vec::new();
    let mut svgs = Vec::new();
    let backlog = Backlog { lines: vec![waiting(&a)?, waiting(&b)?] };
    let waits = Waits { lines: vec![cumulative(&a)?, cumulative(&b)?] };
    for (name, (png, svg)) in [("compare-backlog", render(&backlog)?), ("compare-waits", render(&waits)?)] {
        files.push((format!("{name}.png"), png));
        files.push((format!("{name}.svg"), svg.clone().into_bytes()));
        svgs.push((name.to_string(), svg));
    }
    Ok((files, svgs))
}

/// The page of a comparison: its identity, the difference table (rows of cells, already in
/// words), a note, and the overlay charts inline.
pub fn compare_html(
    title: &str,
    identity: &[String],
    header: &[&str],
    rows: &[Vec<String>],
    note: &str,
    svgs: &[(String, String)],
) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(title),
        super::page::CSS,
        escape(title)
    );
    for line in identity {
        let _ = writeln!(o, "<p class=\"identity\">{}</p>", escape(line));
    }
    o.push_str("<section id=\"differences\">\n<h2>Differences</h2>\n<div class=\"wide\"><table>\n<thead><tr>");
    for h in header {
        let _ = write!(o, "<th>{}</th>", escape(h));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        o.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"num\"" };
            let _ = write!(o, "<td{class}>{}</td>", escape(c));
        }
        o.push_str("</tr>\n");
    }
    let _ = writeln!(o, "</tbody>\n</table></div>\n<p class=\"note\">{}</p>\n</section>", escape(note));
    o.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for (name, svg) in svgs {
        o.push_str(&figure(Some(name), svg));
    }
    o.push_str("</section>\n</body>\n</html>\n");
    o
}

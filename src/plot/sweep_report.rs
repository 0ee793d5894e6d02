//! A sweep's table in words, for the terminal and for its `report.html`, built from `sweep.csv`.

use std::fmt::Write;

use super::page::{CSS, charts_section, escape};
use super::sweep::SweepSpec;
use crate::metrics;

/// One cell: "mean [low, high]" with the metric's decimals and thousands separators.
fn cell(m: &metrics::Metric, mean: &str, lo: &str, hi: &str) -> String {
    let num = |s: &str| s.parse::<f64>().ok();
    let Some(x) = num(mean) else { return "–".into() };
    let places = m.decimals_for(x);
    let f = |v: f64| {
        if places == 0 { super::style::thousands(v.round()) } else { format!("{v:.places$}") }
    };
    match (num(lo), num(hi)) {
        (Some(l), Some(h)) => format!("{} [{}, {}]", f(x), f(l), f(h)),
        _ => f(x),
    }
}

/// The table of a sweep: a header and one row per point (the point, its values, then each sweep
/// metric named in `shown`, or every one when it is empty, as "mean [95 % CI]").
pub fn sweep_table(plan: &SweepSpec, csv_text: &str, shown: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let all = metrics::sweep_metrics();
    let columns: Vec<(usize, &metrics::Metric)> = all
        .iter()
        .enumerate()
        .filter(|(_, m)| shown.is_empty() || shown.contains(&m.name))
        .map(|(j, m)| (j, *m))
        .collect();
    let mut header = vec!["point".to_string()];
    header.extend(plan.vary.iter().map(|(path, _)| crate::scenario::parameter_label(path)));
    header.extend(columns.iter().map(|(_, m)| m.short.to_string()));
    let nv = plan.vary.len();
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let rows = r
        .records()
        .flatten()
        .map(|rec| {
            let mut row: Vec<String> = (0..=nv).map(|k| rec[k].to_string()).collect();
            for (j, m) in &columns {
                let base = 2 + nv + 3 * j;
                row.push(cell(m, &rec[base], &rec[base + 1], &rec[base + 2]));
            }
            row
        })
        .collect();
    (header, rows)
}

/// The table as aligned text for the terminal.
pub fn sweep_table_text(plan: &SweepSpec, csv_text: &str) -> String {
    let (header, rows) = sweep_table(plan, csv_text, &["wait_mean_days", "processed_persons"]);
    let widths: Vec<usize> = (0..header.len())
        .map(|k| rows.iter().map(|r| r[k].chars().count()).chain([header[k].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("{}\n", parts.join("  ").trim_end())
    };
    let mut o = line(&header);
    for r in &rows {
        o.push_str(&line(r));
    }
    o
}

/// `report.html` of a sweep: its identity, the table of every point and metric, and the charts.
pub fn sweep_report(plan: &SweepSpec, csv_text: &str, svgs: &[(String, String)]) -> String {
    let (header, rows) = sweep_table(plan, csv_text, &[]);
    let mut o = String::new();
    let title = format!(
        "{}: sweep of {}",
        plan.scenario,
        plan.vary.iter().map(|v| v.0.as_str()).collect::<Vec<_>>().join(" × ")
    );
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{t}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<h1>{t}</h1>\n<p class=\"identity\">{} points × {} replications (common random numbers across points)</p>\n",
        rows.len(),
        plan.replications,
        t = escape(&title)
    );
    o.push_str("<section id=\"points\">\n<h2>Every point</h2>\n<div class=\"wide\"><table>\n<thead><tr>");
    for h in &header {
        let _ = write!(o, "<th>{}</th>", escape(h));
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in &rows {
        o.push_str("<tr>");
        for (k, c) in r.iter().enumerate() {
            let class = if k > plan.vary.len() { " class=\"num\"" } else { "" };
            let _ = write!(o, "<td{class}>{}</td>", escape(c));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table></div>\n<p class=\"note\">Each cell is the mean over replications with its 95 % interval (percentile bootstrap for counts, Student-t for waits and time-averages). The points share replication seeds, so differences between them are the parameters' effect, not different random arrivals.</p>\n</section>\n");
    o.push_str(&charts_section(svgs));
    o.push_str("</body>\n</html>\n");
    o
}

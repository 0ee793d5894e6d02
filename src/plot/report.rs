//! `report.html`: one self-contained page (no network, no scripts, no external fonts; the SVG charts
//! inline) with the scenario, the headline results with 95 % CIs, the key parameters and the charts.

use std::fmt::Write;

use super::data::ChartData;
use super::style::thousands;
use crate::scenario::{OnMiss, OutagePolicy, QuotaUnit, Schedule};

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn num(x: f64, decimals: usize) -> String {
    if decimals == 0 { thousands(x.round()) } else { format!("{x:.decimals$}") }
}

fn schedule(s: &Schedule) -> String {
    match s {
        Schedule::Constant(v) => v.to_string(),
        Schedule::Steps(steps) => steps.iter().map(|(d, v)| format!("{v} from {d}")).collect::<Vec<_>>().join(", "),
    }
}

/// The page, given the three charts' SVG text in order backlog, waits, flows.
pub fn html(d: &ChartData, svgs: &[(&str, &str)]) -> String {
    let s = &d.scenario;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>borderq: {}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n",
        escape(&s.name),
        CSS
    );
    let _ =
        writeln!(o, "<header><h1>{}</h1>\n<p class=\"description\">{}</p>", escape(&s.name), escape(&s.description));
    let _ = writeln!(
        o,
        "<p class=\"identity\">{} to {} ({} days) · {} replications · seed {} · borderq {}</p></header>",
        s.start,
        s.end,
        s.days(),
        s.replications,
        s.seed,
        env!("CARGO_PKG_VERSION")
    );

    o.push_str("<section id=\"headline\">\n<h2>Headline results</h2>\n<table>\n<thead><tr><th>Measure</th><th>Mean</th><th>95 % confidence interval</th></tr></thead>\n<tbody>\n");
    for m in crate::metrics::headline_metrics() {
        let Some(row) = d.summary.get(m.name) else { continue };
        if m.only_with_cancellations && d.scenario.appointment.as_ref().is_none_or(|a| a.cancel_from.is_none()) {
            continue;
        }
        let label = m.long;
        let mean = row.mean.map_or("–".to_string(), |x| num(x, m.decimals));
        let ci = match (row.low, row.high) {
            (Some(lo), Some(hi)) => format!("{} – {}", num(lo, m.decimals), num(hi, m.decimals)),
            _ => "– (one replication)".to_string(),
        };
        let _ =
            writeln!(o, "<tr><td>{}</td><td class=\"num\">{mean}</td><td class=\"num\">{ci}</td></tr>", escape(label));
    }
    o.push_str("</tbody>\n</table>\n<p class=\"note\">Means over replications with Student-t 95 % intervals. Counts cover the whole horizon; waiting times cover groups registering after the warm-up.</p>\n</section>\n");

    o.push_str("<section id=\"parameters\">\n<h2>Key parameters</h2>\n<dl>\n");
    let q = &s.quota;
    let unit = if q.unit == QuotaUnit::Persons { "persons" } else { "groups" };
    let mut dt = |k: &str, v: String| {
        let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
    };
    dt("Daily quota", format!("{} {unit} per day", schedule(&q.daily)));
    dt(
        "Allocation",
        format!(
            "daily at {:.1} h; requests from {:.1} h to {:.1} h (relative to the allocation's day); request probability {}; seniority share {} then lottery",
            q.allocation_hour,
            q.request_open_hour,
            q.request_close_hour,
            schedule(&q.request_probability),
            schedule(&q.seniority_share)
        ),
    );
    dt(
        "Confirmation",
        match &s.confirmation {
            Some(c) => format!(
                "{} h window, up to {} attempts, failure probability {}; outage policy {}{}; on a miss: {}",
                c.window_hours,
                c.max_attempts,
                c.failure_probability,
                match c.outage_policy {
                    OutagePolicy::None => "none",
                    OutagePolicy::Extend => "extend",
                    OutagePolicy::Reissue => "reissue",
                },
                if c.outage_policy == OutagePolicy::Extend {
                    format!(" (+{} h grace)", c.grace_hours)
                } else {
                    String::new()
                },
                if c.on_miss == OnMiss::Return { "return to waiting" } else { "leave" }
            ),
            None => "none: selected groups are booked at once".into(),
        },
    );
    dt(
        "Appointment",
        match &s.appointment {
            Some(a) => format!(
                "lead time {} ({:.1} days on average), no-show probability {}{}",
                a.lead_days.name(),
                a.lead_days.clamped_mean(),
                a.no_show_probability,
                a.cancel_from.map_or(String::new(), |c| format!("; every appointment from {c} is cancelled"))
            ),
            None => "processed at the moment of booking".into(),
        },
    );
    dt(
        "Abandonment",
        match &s.abandonment {
            Some(a) => {
                format!("patience {} ({:.0} days on average)", a.patience_days.name(), a.patience_days.clamped_mean())
            }
            None => "none".into(),
        },
    );
    let mut sources = Vec::new();
    if let Some(i) = &s.initial {
        sources.push(format!("initial backlog of {} groups", i.groups));
    }
    for a in &s.arrivals {
        sources.push(format!("{}: {} groups per day", a.name, schedule(&a.groups_per_day)));
    }
    for c in &s.caravans {
        sources.push(format!(
            "{}: {} persons departing {}, {} km away, dropout {}",
            c.name, c.persons, c.depart, c.distance_km, c.dropout
        ));
    }
    if let Some(p) = &s.caravan_process {
        sources.push(format!("random caravans: {} per month", p.per_month));
    }
    dt("Sources", sources.join("; "));
    let mut outages: Vec<String> = s
        .outages
        .iter()
        .map(|x| format!("{} ({}, {} h, affects {})", x.label, x.start, x.hours, x.affects.names().join(", ")))
        .collect();
    if let Some(p) = &s.outage_process {
        outages.push(format!("random outages: {} per month", p.per_month));
    }
    dt("Outages", if outages.is_empty() { "none".into() } else { outages.join("; ") });
    o.push_str("</dl>\n</section>\n");

    o.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for (name, svg) in svgs {
        let body = svg.trim_start_matches(|c| c != '<');
        let body = if body.starts_with("<?xml") {
            body.split_once("?>").map_or(body, |(_, rest)| rest.trim_start())
        } else {
            body
        };
        let _ = writeln!(o, "<figure id=\"chart-{name}\">\n{body}\n</figure>");
    }
    o.push_str("</section>\n<footer>Generated by borderq from this directory's CSV files; the same charts are saved as PNG and SVG beside this page.</footer>\n</body>\n</html>\n");
    o
}

const CSS: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:2em auto;max-width:1240px;color:#222;line-height:1.4;padding:0 1em}\
h1{margin-bottom:.2em}.description{font-size:1.15em;margin-top:0}.identity{color:#555}\
table{border-collapse:collapse;margin:1em 0}th,td{border-bottom:1px solid #ddd;padding:.35em .8em;text-align:left}\
td.num{text-align:right;font-variant-numeric:tabular-nums}thead th{border-bottom:2px solid #444}\
dl{display:grid;grid-template-columns:max-content auto;gap:.3em 1.2em}dt{font-weight:bold}dd{margin:0}\
figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #eee}.note,footer{color:#555;font-size:.9em}";

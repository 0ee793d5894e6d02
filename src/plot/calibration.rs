//! A calibration's `report.html`: what was fitted to what, the loss before and after with its
//! noise, each parameter's value and profile interval (or why it cannot be read), each target
//! beside the model, and the fit and profile charts.

use std::fmt::Write as _;

use super::fit::FitRow;
use super::page::{CSS, charts_section, escape};

/// One fitted parameter, as the report prints it.
#[derive(Debug, Clone)]
pub struct FittedRow {
    /// The scenario path.
    pub path: String,
    /// Its range as given (`LOW:HIGH`).
    pub range: String,
    /// The fitted value.
    pub value: f64,
    /// The profile interval's ends.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether the targets pin it down.
    pub identifiable: bool,
    /// Whether it lies at an end of its range.
    pub at_edge: bool,
}

/// What the calibration report shows.
#[derive(Debug, Clone)]
pub struct CalibrationSpec<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// Replications per evaluation, and the seed.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Evaluations made, and the budget.
    pub evaluations: usize,
    /// `--budget`.
    pub budget: usize,
    /// The loss at the centre of the ranges and at the fit, and its replication noise at the fit.
    pub losses: (f64, f64, f64),
    /// The noise under which the profile intervals can be read.
    pub noise_limit: f64,
    /// A profile point was better than the search's best, and is the fit.
    pub moved_by_profile: bool,
    /// The parameters.
    pub fitted: &'a [FittedRow],
    /// The targets, with the model before and after.
    pub targets: &'a [FitRow],
}

fn num(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x.abs() >= 1000.0 {
        crate::metrics::group_digits(x, 0)
    } else {
        format!("{:.4}", x).trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `report.html` of a calibration; `svgs` are the fit and profile charts (name, SVG text).
pub fn calibration_report(spec: &CalibrationSpec, svgs: &[(String, String)]) -> String {
    let (start, fit, noise) = spec.losses;
    let resolved = noise <= spec.noise_limit;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>borderq calibration: {name}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<header><h1>Calibration of {name}</h1>\n<p class=\"identity\">{} parameter{} fitted to {} target{} · {} evaluations of at most {} · {} replications each · seed {} · borderq {}</p></header>\n",
        spec.fitted.len(),
        if spec.fitted.len() == 1 { "" } else { "s" },
        spec.targets.len(),
        if spec.targets.len() == 1 { "" } else { "s" },
        spec.evaluations,
        spec.budget,
        spec.replications,
        spec.seed,
        env!("CARGO_PKG_VERSION"),
        name = escape(spec.scenario),
    );
    let _ = write!(
        o,
        "<section id=\"loss\">\n<h2>Loss</h2>\n<p class=\"lead\">{} at the centre of the ranges, {} at the fit. Its replication noise at the fit is sd {} (over bootstrap resamples of the replications): {}</p>\n",
        num(start),
        num(fit),
        num(noise),
        if resolved {
            format!("below {}, so the profile intervals can be read.", num(spec.noise_limit))
        } else {
            format!(
                "above {}, so a rise of 3.84 in the loss cannot be told from noise and the intervals are not given; run more replications.",
                num(spec.noise_limit)
            )
        }
    );
    if spec.moved_by_profile {
        o.push_str("<p>A profile found a lower loss than the search, and its point is the fit. The intervals were traced around the search's best point: rerun from the fit to trace them around it.</p>\n");
    }
    o.push_str("</section>\n");
    parameters_table(&mut o, spec.fitted, resolved);
    targets_table(&mut o, spec.targets);
    o.push_str(&charts_section(svgs));
    o.push_str("</body>\n</html>\n");
    o
}

/// The fitted parameters' table: the interval only where the loss's noise lets it be read.
fn parameters_table(o: &mut String, fitted: &[FittedRow], resolved: bool) {
    o.push_str("<section id=\"parameters\">\n<h2>Fitted parameters</h2>\n<div class=\"wide\"><table>\n<thead><tr><th>parameter</th><th>range</th><th>fit</th><th>95 % profile interval</th><th>note</th></tr></thead>\n<tbody>\n");
    for f in fitted {
        let interval = if resolved { format!("{} to {}", num(f.low), num(f.high)) } else { "not resolved".into() };
        let mut note = Vec::new();
        if resolved && !f.identifiable {
            note.push("not identifiable from these targets");
        }
        if f.at_edge {
            note.push("at the edge of its range");
        }
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{interval}</td><td>{}</td></tr>",
            escape(&f.path),
            escape(&f.range),
            num(f.value),
            note.join("; ")
        );
    }
    o.push_str("</tbody></table></div>\n</section>\n");
}

/// The targets' table: each beside the model before and at the fit.
fn targets_table(o: &mut String, targets: &[FitRow]) {
    o.push_str("<section id=\"targets\">\n<h2>Targets</h2>\n<div class=\"wide\"><table>\n<thead><tr><th>target</th><th>kind</th><th>value</th><th>uncertainty</th><th>model before</th><th>model at the fit</th></tr></thead>\n<tbody>\n");
    for t in targets {
        let kind = match t.bound {
            "at_least" => "more than",
            "at_most" => "up to",
            _ => "about",
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{kind}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&t.label),
            num(t.value),
            num(t.scale),
            num(t.before),
            num(t.after)
        );
    }
    o.push_str("</tbody></table></div>\n<p class=\"note\">The loss is the sum over the targets of ((model − target) / uncertainty)², nothing on the met side of a \"more than\" or \"up to\" figure. Every evaluation runs the same replications on the same seeds (common random numbers), so differences between evaluations are the parameters' own. calibration.csv lists every evaluation; fit.csv and parameters.csv hold these tables.</p>\n</section>\n");
}

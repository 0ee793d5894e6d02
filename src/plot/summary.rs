//! The report's opening: a summary in plain words, generated from the results, and how to read the
//! numbers that follow.

use super::data::ChartData;
use super::page::escape;
use super::style::thousands;

/// "mean [low, high]" of a summary metric, in the metric's decimals; `None` if the run lacks it.
fn with_ci(d: &ChartData, metric: &str) -> Option<String> {
    let m = crate::metrics::get(metric)?;
    let row = d.summary.get(metric)?;
    let x = row.mean?;
    let places = m.decimals_for(x);
    let f = |v: f64| if places == 0 { thousands(v.round()) } else { format!("{v:.places$}") };
    Some(match (row.low, row.high) {
        (Some(lo), Some(hi)) => format!("{} [{}, {}]", f(x), f(lo), f(hi)),
        _ => f(x),
    })
}

/// Three to five sentences: what was simulated, the main outcomes with their intervals, the
/// cohort headline, and how the model compares with reported figures.
pub(super) fn summary(d: &ChartData) -> String {
    let s = &d.scenario;
    let mut sentences = vec![format!(
        "borderq simulated the scenario “{}” ({}) over {}, {} times with different random draws.",
        s.name,
        s.description.trim_end_matches('.'),
        s.period_text(),
        s.replications
    )];
    if let (Some(wait), Some(processed), Some(gave_up)) =
        (with_ci(d, "wait_mean_days"), with_ci(d, "processed_persons"), with_ci(d, "abandoned_persons"))
    {
        sentences.push(format!(
            "At the ports, {processed} persons were processed; they had waited {wait} days on average since registering. In the period, {gave_up} persons gave up."
        ));
    }
    let all = |m: &str| d.cohorts.iter().find(|c| c.cohort == "all" && c.measure == m).map(|c| c.value);
    if let (Some(b), Some(a)) = (all("booked_within_90_days"), all("abandoned_within_180_days"))
        && b.0.is_finite()
    {
        let pct = |(m, lo, hi): (f64, f64, f64)| {
            if lo.is_finite() {
                format!("{:.1} % [{:.1}, {:.1}]", 100.0 * m, 100.0 * lo, 100.0 * hi)
            } else {
                format!("{:.1} %", 100.0 * m)
            }
        };
        sentences.push(format!(
            "Of everyone who registered in the period, {} had an appointment within 90 days and {} had given up within 180 days.",
            pct(b),
            if a.0.is_finite() { pct(a) } else { "an unknown share (the run is too short to tell)".into() }
        ));
    }
    if !d.verdicts.is_empty() {
        let count = |v: &str| d.verdicts.iter().filter(|r| r.verdict == v).count();
        let mut sentence = format!(
            "Against {} reported figures for the same periods, the model agrees with {} and differs from {}",
            d.verdicts.len(),
            count("agrees"),
            count("differs")
        );
        if let Some(r) = d.verdicts.iter().find(|r| r.verdict == "differs") {
            let n = |x: f64| if x.abs() < 10.0 { format!("{x:.2}") } else { thousands(x.round()) };
            let measure = crate::metrics::get(&r.measure).map_or(r.measure.replace('_', " "), |m| {
                let mut l = m.long.to_string();
                l[..1].make_ascii_lowercase();
                l
            });
            sentence.push_str(&format!(
                ", most notably the {} for {}: {} in the model against {} reported",
                measure,
                r.period.replace("..", " to "),
                n(r.model.0),
                n(r.reported)
            ));
        }
        sentence.push('.');
        sentences.push(sentence);
    }
    let text: Vec<String> = sentences.iter().map(|x| escape(x)).collect();
    format!("<section id=\"summary\">\n<h2>In brief</h2>\n<p class=\"lead\">{}</p>\n</section>\n", text.join(" "))
}

/// What the intervals mean, which inputs are sourced, and which groups the waits cover.
pub(super) fn how_to_read(d: &ChartData) -> String {
    let s = &d.scenario;
    let waits = match s.report_from {
        Some(r) => format!(
            "The waiting times cover the groups processed (or booked) from {r} to {}, whatever their registration date; the months simulated before {r} only build the queue.",
            s.end
        ),
        None => format!(
            "The waiting times cover the groups processed (or booked) before {} that registered {}.",
            s.end,
            if s.warmup_days > 0.0 {
                format!("after the first {} days (the warm-up)", s.warmup_days)
            } else {
                "during the run".into()
            }
        ),
    };
    let items = [
        "Each interval is the simulation's own noise: the range in which the mean over replications would fall 95 times in 100 if the scenario's assumptions were exactly true. It says nothing about how far the assumptions are from reality.".to_string(),
        super::provenance::sourced_sentence(s),
        format!("{waits} They leave out those who gave up and those still waiting at the end, so they describe the people who got through; the outcomes by month of registration count everybody."),
    ];
    let mut o = String::from("<section id=\"how-to-read\">\n<h2>How to read this</h2>\n<ul>\n");
    for i in items {
        o.push_str(&format!("<li>{}</li>\n", escape(&i)));
    }
    o.push_str("</ul>\n</section>\n");
    o
}

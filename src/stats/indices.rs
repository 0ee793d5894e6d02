//! The rows of a sensitivity study's table, shared by the estimators and the charts.

use serde::Serialize;

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndexRow {
    /// The metric's `replications.csv` name.
    pub metric: &'static str,
    /// The parameter's path (or "(replication noise)").
    pub parameter: String,
    /// `S1`, `ST`, `mu_star`, `mu`, `sigma` or `noise_share`.
    pub index: &'static str,
    /// The estimate.
    pub value: Option<f64>,
    /// Lower end of its percentile-bootstrap 95 % interval.
    pub ci_low: Option<f64>,
    /// Upper end.
    pub ci_high: Option<f64>,
}

/// Warnings for estimates that cannot be right, each saying what to do: a first-order index above
/// the total one, an index or its interval outside [0, 1] (Sobol'), and replication noise as large
/// as the spread across the design points, or a metric that does not vary at all. `sobol` says
/// which method made `rows`; `samples` is the base sample size (or trajectories), `replications`
/// the replications per point.
pub fn index_warnings(rows: &[IndexRow], sobol: bool, samples: usize, replications: u32) -> Vec<String> {
    let mut out = Vec::new();
    let larger = (4 * samples).max(128);
    // Half a percentage point, the precision indices are printed at: below it nothing is visible.
    const SLACK: f64 = 0.005;
    let mut metrics: Vec<&'static str> = rows.iter().map(|r| r.metric).collect();
    metrics.dedup();
    for m in metrics {
        let of = |index: &'static str| rows.iter().filter(move |r| r.metric == m && r.index == index);
        if sobol {
            let mut odd = Vec::new();
            for st in of("ST") {
                let s1 = of("S1").find(|r| r.parameter == st.parameter);
                let above = matches!((s1.and_then(|r| r.value), st.value), (Some(a), Some(t)) if a > t + SLACK);
                let outside = [s1, Some(st)].into_iter().flatten().any(|r| {
                    [r.value, r.ci_low, r.ci_high].into_iter().flatten().any(|x| !(-SLACK..=1.0 + SLACK).contains(&x))
                });
                if above || outside {
                    odd.push(format!("{}{}", st.parameter, if above { " (S1 above ST)" } else { " (outside [0, 1])" }));
                }
            }
            if !odd.is_empty() {
                out.push(format!(
                    "{m}: the Sobol' estimates for {} cannot all be right: with {samples} base samples the design is too small for them; rerun with --samples {larger} or more",
                    odd.join(", ")
                ));
            }
        }
        if let Some(n) = of("noise_share").next() {
            match n.value {
                None => out.push(format!(
                    "{m} does not vary across the design points: its indices say nothing; choose another metric or wider ranges"
                )),
                Some(v) if v >= 1.0 => out.push(format!(
                    "{m}: replication noise is as large as the whole spread across the design points ({:.0} % of it), so no parameter's effect on it is resolved; raise --replications (now {replications}) or widen the ranges",
                    100.0 * v
                )),
                Some(_) => {}
            }
        }
    }
    out
}

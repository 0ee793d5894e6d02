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

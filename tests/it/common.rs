//! Shared helpers.

use borderq::model::{Model, RepResult};
use borderq::scenario::{self, Scenario, ScenarioText};

/// Parses scenario text (panics with the validation message if invalid).
pub fn scenario(toml: &str) -> Scenario {
    scenario::parse(&ScenarioText { label: "test.toml".into(), text: toml.into() }, &[])
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs replications 0..n of a scenario sequentially.
pub fn replicate(s: &Scenario, n: u64) -> Vec<RepResult> {
    let m = Model::new(s);
    (0..n).map(|r| m.replicate(r, &mut borderq::model::NoRecords)).collect()
}

/// Mean and standard error of the mean.
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let s = borderq::stats::Summary::of(xs);
    (s.mean, s.sd / (s.n as f64).sqrt())
}

/// The borderq binary.
pub fn borderq() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("borderq").expect("binary built");
    c.env_remove("RUST_BACKTRACE");
    c
}

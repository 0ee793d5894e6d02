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

/// The fast harness: runs scenario text with overrides in-process, serially, through the library's
/// entry point, as the command line would (panics with the message if the input is refused).
#[allow(dead_code)]
pub fn run_text(text: &str, sets: &[&str], replications: u32) -> borderq::RunResult {
    borderq::Experiment::from_text("test.toml", text)
        .sets(sets.iter().copied())
        .replications(replications)
        .build()
        .and_then(|e| e.run(&borderq::RunControl::serial()))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The message the command line prints after "error: " for scenario text labelled `label` with
/// these overrides, checked to be an input error (exit code 2), in-process.
pub fn input_error(label: &str, text: &str, sets: &[&str]) -> String {
    match borderq::Experiment::from_text(label, text).sets(sets.iter().copied()).build() {
        Ok(_) => panic!("{label}: accepted, but an error was expected"),
        Err(e @ (borderq::Error::Scenario(_) | borderq::Error::Input(_) | borderq::Error::TooLarge(_))) => {
            e.to_string()
        }
        Err(e) => panic!("{label}: {e} is not an input error"),
    }
}

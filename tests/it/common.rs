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

/// The output directory of `borderq ARGS --out DIR`, run once for the whole test binary however
/// many tests ask for the same arguments (in parallel or not); read it, do not change it (copy it
/// with [`shared_run_copy`] to change it).
pub fn shared_run(args: &[&str]) -> std::path::PathBuf {
    type Runs = std::sync::Mutex<
        std::collections::HashMap<Vec<String>, std::sync::Arc<std::sync::OnceLock<tempfile::TempDir>>>,
    >;
    static RUNS: std::sync::OnceLock<Runs> = std::sync::OnceLock::new();
    let key: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let cell = RUNS.get_or_init(Default::default).lock().unwrap().entry(key).or_default().clone();
    let run = cell.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        borderq().args(args).arg("--out").arg(tmp.path().join("run")).assert().success();
        tmp
    });
    run.path().join("run")
}

/// A bundled scenario's whole run, charts included, shared by every test that reads one: 10
/// replications of the default scenario, 4 of the others (fewer replications make wider intervals,
/// so the checks on them are no easier).
pub fn bundled_run(name: &str) -> std::path::PathBuf {
    let reps = if name == "may-2024-outage" { "10" } else { "4" };
    shared_run(&["run", name, "--replications", reps, "--quiet"])
}

/// A copy of [`shared_run`]'s directory in `dir` (created if absent), for a test that changes it.
#[allow(dead_code)]
pub fn shared_run_copy(args: &[&str], dir: &std::path::Path) {
    let from = shared_run(args);
    std::fs::create_dir_all(dir).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
}

//! The library's entry point: the same results as the command line, serially or in parallel, and
//! typed errors.

use borderq::{Error, Experiment, FileOptions, RunControl};

use super::common::borderq;

/// The default scenario through the public API, in-process and serially, gives byte for byte the
/// summary `borderq run --json` prints with the same seed and replications.
#[test]
fn the_default_scenario_in_process_equals_run_json() {
    let dir = tempfile::tempdir().unwrap();
    let cli = borderq()
        .args(["run", "--replications", "3", "--seed", "11", "--json", "--no-charts", "--quiet", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let experiment = Experiment::builder(borderq::scenario::DEFAULT_SCENARIO).replications(3).seed(11).build().unwrap();
    let result = experiment.run(&RunControl::serial()).unwrap();
    assert_eq!(String::from_utf8(result.summary_json()).unwrap(), String::from_utf8(cli.stdout).unwrap());
}

/// Every file `run` writes (charts and report included) comes from `RunResult::files`, whatever the
/// thread count.
#[test]
fn files_match_the_command_line_and_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let cli = borderq().args(["run", "bailey", "--replications", "4", "--quiet", "--out"]).arg(&out).output().unwrap();
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let experiment = Experiment::builder("bailey").replications(4).build().unwrap();
    let serial = experiment.run(&RunControl::serial()).unwrap().files(&out, FileOptions::default()).unwrap();
    let parallel = experiment
        .run(&RunControl { threads: Some(2), ..RunControl::default() })
        .unwrap()
        .files(&out, FileOptions::default())
        .unwrap();
    assert_eq!(serial, parallel);
    assert_eq!(serial.last().map(|(n, _)| n.as_str()), Some("scenario.toml"), "the marker is last");
    for (name, bytes) in &serial {
        assert_eq!(&std::fs::read(out.join(name)).unwrap(), bytes, "{name}");
    }
}

/// Errors arrive typed: a bad override is a scenario error with its location and key; the size
/// guard and an out-of-range seed are their own kinds; a cancelled token stops the run.
#[test]
fn errors_are_typed() {
    match Experiment::builder("bailey").set("quota.daily=-5").build() {
        Err(Error::Scenario(e)) => {
            assert_eq!(e.key.as_deref(), Some("quota.daily"));
            assert!(e.location.starts_with("--set"), "{}", e.location);
        }
        other => panic!("expected a scenario error, got {other:?}"),
    }
    let huge = Experiment::builder("bailey").set("scenario.end=\"2100-01-01\"").set("arrivals.0.groups_per_day=1e6");
    assert!(matches!(huge.build(), Err(Error::TooLarge(_))));
    assert!(matches!(Experiment::builder("bailey").seed(u64::MAX).build(), Err(Error::Input(_))));
    let token = borderq::CancelToken::new();
    token.cancel();
    let e = Experiment::builder("bailey").build().unwrap();
    let control = RunControl { cancel: Some(token), ..RunControl::serial() };
    assert!(matches!(e.run(&control), Err(Error::Run(borderq::run::RunError::Cancelled))));
}

/// Scenario text is accepted directly, and its errors name the label given.
#[test]
fn scenario_text_is_labelled_in_errors() {
    let text = borderq::scenario::BUNDLED.iter().find(|b| b.name == "bailey").unwrap().text;
    let e = Experiment::from_text("mine.toml", text.replace("daily = ", "daily = -")).build().unwrap_err();
    assert!(e.to_string().starts_with("mine.toml:"), "{e}");
}

//! `borderq calibrate`: recovering known parameter values from targets the model made, resuming
//! from `calibration.csv`, and bad targets refused.

use borderq::calibrate::{Bound, Target, TargetMetric};
use borderq::model::{Model, NoRecords};

use crate::common::{borderq, scenario};

/// A small queue with reneging; the truth is 90 groups a day and a mean patience of 30 days.
const SCENARIO: &str = "[scenario]\nname = \"cal\"\nstart = \"2024-01-01\"\nend = \"2024-08-01\"\n\
    report_from = \"2024-03-01\"\nreplications = 8\nseed = 3\n[quota]\nunit = \"groups\"\ndaily = 80\n\
    [abandonment]\npatience_days = { dist = \"exponential\", mean = 30 }\n[[arrivals]]\ngroups_per_day = 90\n";

/// Targets made by the model at the truth (same seed and replications as the calibration): persons
/// waiting and persons who gave up over the reported period, each with a 5 % uncertainty (larger
/// than the replication noise of an 8-replication mean, so that the profile can be read).
fn targets_csv() -> String {
    let s = scenario(SCENARIO);
    let (from, to) = (s.report_start(), s.end);
    let targets = [TargetMetric::WaitingPersons, TargetMetric::AbandonedPersons].map(|metric| Target {
        from,
        to,
        metric,
        value: 0.0,
        scale: 1.0,
        bound: Bound::Equal,
        port: None,
    });
    let model = Model::new(&s).measuring(targets.iter().map(Target::measure).collect());
    let reps: Vec<_> = (0..8).map(|r| model.replicate(r, &mut NoRecords)).collect();
    let mut csv = String::from("from,to,metric,value,tolerance\n");
    for t in &targets {
        let metric = t.metric;
        let v = reps.iter().map(|r| r.period(&t.measure()).unwrap()).sum::<f64>() / 8.0;
        csv.push_str(&format!("{from},{to},{},{v},{}\n", metric.name(), 0.05 * v));
    }
    csv
}

#[test]
fn calibration_recovers_known_values_within_their_intervals_and_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("cal.toml"), SCENARIO).unwrap();
    std::fs::write(tmp.path().join("targets.csv"), targets_csv()).unwrap();
    let run = |extra: &[&str]| {
        borderq()
            .arg("calibrate")
            .arg(tmp.path().join("cal.toml"))
            .args([
                "--fit",
                "arrivals.0.groups_per_day=60.0:120.0",
                "--fit",
                "abandonment.patience_days.mean=10.0:60.0",
            ])
            .arg("--target")
            .arg(tmp.path().join("targets.csv"))
            .args(["--budget", "60", "--quiet", "--no-charts", "--out"])
            .arg(tmp.path().join("out"))
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let params = std::fs::read_to_string(tmp.path().join("out/parameters.csv")).unwrap();
    for (line, truth) in params.lines().skip(1).zip([90.0, 30.0]) {
        let c: Vec<&str> = line.split(',').collect();
        let (fit, lo, hi): (f64, f64, f64) = (c[1].parse().unwrap(), c[2].parse().unwrap(), c[3].parse().unwrap());
        assert!(lo <= truth && truth <= hi, "{line}: the truth {truth} is outside the stated interval");
        assert!((fit - truth).abs() / truth < 0.1, "{line}: fitted far from {truth}");
        assert_eq!(c[4], "true", "{line}: both are pinned down by these targets");
    }
    let calibrated = std::fs::read_to_string(tmp.path().join("out/calibrated.toml")).unwrap();
    assert!(
        borderq::scenario::parse(&borderq::scenario::ScenarioText { label: "c".into(), text: calibrated }, &[]).is_ok()
    );
    // A rerun resumes: every evaluation is found in calibration.csv, the results are the same.
    let log = std::fs::read(tmp.path().join("out/calibration.csv")).unwrap();
    let out = borderq()
        .arg("calibrate")
        .arg(tmp.path().join("cal.toml"))
        .args(["--fit", "arrivals.0.groups_per_day=60.0:120.0", "--fit", "abandonment.patience_days.mean=10.0:60.0"])
        .arg("--target")
        .arg(tmp.path().join("targets.csv"))
        .args(["--budget", "60", "--no-charts", "--out"])
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("resuming"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(tmp.path().join("out/calibration.csv")).unwrap(), log, "the same evaluations");
    assert_eq!(std::fs::read_to_string(tmp.path().join("out/parameters.csv")).unwrap(), params);
    // With two replications the loss's replication noise swamps the 3.84 a profile reads: said so.
    let out = run(&["--replications", "2", "--force"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let params = std::fs::read_to_string(tmp.path().join("out/parameters.csv")).unwrap();
    for line in params.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        assert_eq!((c[4], c[7]), ("unknown", "false"), "{line}");
        assert!(c[6].parse::<f64>().unwrap() > borderq::calibrate::NOISE_LIMIT, "{line}");
    }
}

#[test]
fn bad_targets_are_refused_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("cal.toml"), SCENARIO).unwrap();
    let cases = [
        (
            "from,to,metric,value,tolerance\n2024-03-01,2024-09-01,processed_persons,5,1\n",
            "t0.csv:2: the period 2024-03-01 to 2024-09-01 is outside the horizon",
        ),
        (
            "from,to,metric,value,tolerance\n2024-03-01,2024-04-01,procesed_persons,5,1\n",
            "t1.csv:2: metric = \"procesed_persons\" is not a target metric",
        ),
        ("from,to,metric,value\n2024-03-01,2024-04-01,processed_persons,5\n", "t2.csv:1: the columns are"),
        (
            "from,to,metric,value,tolerance\n2024-03-01,2024-04-01,processed_persons,5,0\n",
            "t3.csv:2: tolerance = 0 is too small for a loss to be computed",
        ),
        (
            "from,to,metric,value,tolerance\n2024-03-01,2024-04-01,processed_persons,x,1\n",
            "t4.csv:2: value = \"x\" is not a number",
        ),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let path = tmp.path().join(format!("t{i}.csv"));
        std::fs::write(&path, text).unwrap();
        let out = borderq()
            .arg("calibrate")
            .arg(tmp.path().join("cal.toml"))
            .args(["--fit", "arrivals.0.groups_per_day=60.0:120.0", "--quiet", "--target"])
            .arg(&path)
            .arg("--out")
            .arg(tmp.path().join("o"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "case {i}: {err}");
        assert!(err.contains(want), "case {i}: {err}");
        assert!(!tmp.path().join("o").join("calibration.csv").exists(), "case {i}: nothing ran");
    }
    let out = borderq()
        .arg("calibrate")
        .arg(tmp.path().join("cal.toml"))
        .args(["--fit", "arrivals.0.groups_per_day=120.0:60.0", "--quiet", "--out"])
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reversed"));
}

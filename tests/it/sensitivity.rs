//! `borderq sensitivity`: the same `sensitivity.csv` however the design points were run (one
//! machine, three shards merged, interrupted and resumed), and bad input refused before any run.

use crate::common::borderq;

/// A small study of the textbook queue: three parameters, a range of whole numbers, a continuous
/// range and levels.
fn study(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    borderq()
        .args([
            "sensitivity",
            "bailey",
            "--param",
            "quota.daily=95:110",
            "--param",
            "arrivals.0.groups_per_day=80.0:100.0",
        ])
        .args(["--param", "quota.allocation_hour=12,16,20", "--samples", "8", "--replications", "2", "--quiet"])
        .args(["--set", "scenario.end=\"2024-04-01\"", "--metric", "wait_mean_days", "--metric", "processed_persons"])
        .args(["--no-charts", "--out"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn sensitivity_csv_is_identical_for_one_machine_shards_and_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let t = |n: &str| tmp.path().join(n);
    assert!(study(&t("one"), &[]).status.success());
    let reference = std::fs::read(t("one").join("sensitivity.csv")).unwrap();
    let text = String::from_utf8_lossy(&reference).to_string();
    assert!(text.starts_with("metric,parameter,index,value,ci_low,ci_high\n"), "{text}");
    for idx in ["wait_mean_days,quota.daily,S1,", "processed_persons,quota.allocation_hour,ST,", "noise_share"] {
        assert!(text.contains(idx), "{idx} missing from {text}");
    }
    let design = std::fs::read_to_string(t("one").join("design.csv")).unwrap();
    assert_eq!(design.lines().count(), 1 + 8 * 5, "N (k + 2) design points");
    for k in 1..=3 {
        let out = study(&t(&format!("s{k}")), &["--shard", &format!("{k}/3")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!t(&format!("s{k}")).join("sensitivity.csv").exists(), "a shard alone is not a study");
    }
    let out = borderq()
        .arg("merge")
        .args([t("s1"), t("s2"), t("s3")])
        .arg("--no-charts")
        .arg("--out")
        .arg(t("merged"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(t("merged").join("sensitivity.csv")).unwrap(), reference, "3 shards merged");
    assert_eq!(std::fs::read_to_string(t("merged").join("design.csv")).unwrap(), design);
    // Interrupted: some points lost; --resume completes the same study.
    for i in [0, 7, 20] {
        std::fs::remove_file(t("one").join("points").join(format!("point-{i:06}.csv"))).unwrap();
    }
    assert_eq!(study(&t("one"), &[]).status.code(), Some(2), "finished points without --resume");
    assert!(study(&t("one"), &["--resume"]).status.success());
    assert_eq!(std::fs::read(t("one").join("sensitivity.csv")).unwrap(), reference, "resumed");
    // Morris on the same scenario.
    let m = t("morris");
    assert!(study(&m, &["--method", "morris", "--levels", "4"]).status.success());
    let text = std::fs::read_to_string(m.join("sensitivity.csv")).unwrap();
    assert!(text.contains(",mu_star,") && text.contains(",sigma,"), "{text}");
}

#[test]
fn bad_sensitivity_input_is_refused_before_any_run() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        borderq()
            .args(["sensitivity", "bailey", "--replications", "2", "--quiet", "--out"])
            .arg(tmp.path().join("x"))
            .args(args)
            .output()
            .unwrap()
    };
    let cases: [(&[&str], &str); 6] = [
        (&["--param", "quota.daily=110:95"], "reversed"),
        (&["--param", "quota.unit=1:2"], "quota.unit = 1 does not make a valid scenario"),
        (&["--param", "quota.daily=95:110", "--metric", "wait_meen_days"], "unknown metric: valid metrics are"),
        (&["--param", "quota.daily=95:110", "--samples", "4"], "at least 8 base samples"),
        (&["--param", "quota.daily=95:110", "--method", "morris", "--samples", "1"], "at least 2 trajectories"),
        (&["--param", "quota.dayly=95:110"], "unknown key \"dayly\""),
    ];
    for (args, want) in cases {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!tmp.path().join("x").join("points").exists(), "{args:?}: nothing runs");
    }
}

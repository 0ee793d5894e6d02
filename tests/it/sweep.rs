//! Sweeps give the same `sweep.csv` whatever the thread count, shard split, or interruption
//!, and `merge` refuses what does not belong together.

use std::path::Path;

use predicates::prelude::*;

use crate::common::borderq;

const GRID: [&str; 8] = [
    "sweep",
    "bailey",
    "--vary",
    "quota.daily=90:110:10",
    "--vary",
    "quota.seniority_share=0,0.5",
    "--replications",
    "3",
];
const SHORT: [&str; 2] = ["--set", "scenario.end=\"2024-04-01\""];

fn sweep(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    borderq().args(GRID).args(SHORT).args(["--quiet", "--no-charts", "--out"]).arg(dir).args(extra).assert()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn sweep_csv_is_identical_for_threads_shards_and_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let t = |n: &str| tmp.path().join(n);
    sweep(&t("one"), &["--threads", "1"]).success();
    sweep(&t("two"), &["--threads", "2"]).success();
    let reference = read(&t("one").join("sweep.csv"));
    assert_eq!(String::from_utf8_lossy(&reference).lines().count(), 1 + 6);
    assert_eq!(reference, read(&t("two").join("sweep.csv")), "--threads 1 vs 2");
    assert_eq!(read(&t("one").join("sweep.json")), read(&t("two").join("sweep.json")));

    // Two shards, then merge (the path the Slurm and GitHub Actions examples take).
    sweep(&t("s1"), &["--shard", "1/2"]).success();
    sweep(&t("s2"), &["--shard", "2/2", "--threads", "1"]).success();
    assert!(!t("s1").join("sweep.csv").exists(), "a shard alone is not a complete sweep");
    borderq()
        .arg("merge")
        .arg(t("s1"))
        .arg(t("s2"))
        .arg("--no-charts")
        .arg("--out")
        .arg(t("merged"))
        .assert()
        .success();
    assert_eq!(reference, read(&t("merged").join("sweep.csv")), "2 shards merged");
    assert_eq!(read(&t("one").join("sweep.json")), read(&t("merged").join("sweep.json")));

    // An interruption leaves only whole points (here: all but two); --resume completes the same sweep.
    sweep(&t("resumed"), &[]).success();
    for i in [1, 2] {
        std::fs::remove_file(t("resumed").join("points").join(format!("point-{i:06}.csv"))).unwrap();
    }
    std::fs::remove_file(t("resumed").join("sweep.csv")).unwrap();
    sweep(&t("resumed"), &[]).failure().stderr(predicate::str::contains("pass --resume"));
    sweep(&t("resumed"), &["--resume"]).success();
    assert_eq!(reference, read(&t("resumed").join("sweep.csv")), "interrupted then resumed");
}

#[test]
fn merge_refuses_other_sweeps_and_reports_missing_points() {
    let tmp = tempfile::tempdir().unwrap();
    let t = |n: &str| tmp.path().join(n);
    sweep(&t("a"), &["--shard", "1/2"]).success();
    sweep(&t("other"), &["--shard", "2/2", "--seed", "99"]).success();
    borderq()
        .arg("merge")
        .arg(t("a"))
        .arg(t("other"))
        .args(["--out"])
        .arg(t("m"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("belongs to another sweep"));
    borderq()
        .arg("merge")
        .arg(t("a"))
        .args(["--out"])
        .arg(t("m"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("3 of 6 points are missing: 1, 3, 5"));
    // A doubled identical point is reported and kept once.
    borderq().arg("merge").arg(t("a")).arg(t("a")).arg("--out").arg(t("m2")).assert().code(2).stderr(
        predicate::str::contains("appear in more than one directory with identical results")
            .and(predicate::str::contains("missing")),
    );
}

#[test]
fn sweep_validates_every_point_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    borderq()
        .args(["sweep", "bailey", "--vary", "quota.seniority_share=0,0.5,1.5", "--out"])
        .arg(tmp.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("grid point 2 (quota.seniority_share=1.5)"));
    assert!(!tmp.path().join("x").exists());
    borderq()
        .args(["sweep", "bailey", "--vary", "quota.daily=1:10:0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("STEP = 0"));
    borderq().args(["sweep", "bailey"]).assert().code(2).stderr(predicate::str::contains("nothing to vary"));
}

#[test]
fn sweep_writes_line_charts_and_heatmaps() {
    let tmp = tempfile::tempdir().unwrap();
    borderq().args(GRID).args(SHORT).args(["--quiet", "--out"]).arg(tmp.path()).assert().success();
    for f in [
        "sweep-wait_mean_days.png",
        "sweep-processed_persons.svg",
        "heatmap-wait_mean_days.png",
        "heatmap-mean_waiting_persons.svg",
    ] {
        assert!(tmp.path().join(f).exists(), "{f}");
    }
    let svg = std::fs::read_to_string(tmp.path().join("sweep-wait_mean_days.svg")).unwrap();
    roxmltree::Document::parse(&svg).unwrap();
    assert!(
        svg.contains("Daily quota [persons]") && svg.contains("Share of the quota by seniority = 0.5"),
        "human labels"
    );
}

#[test]
fn compare_reports_paired_differences() {
    let out = borderq()
        .args(["compare", "bailey", "--set", "quota.daily=120", "--replications", "4", "--json", "--quiet"])
        .args(SHORT)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let wait = v["metrics"].as_array().unwrap().iter().find(|m| m["metric"] == "wait_mean_days").unwrap();
    // A higher quota shortens the wait, on every paired replication.
    assert!(wait["difference"].as_f64().unwrap() < 0.0);
    assert_eq!(wait["significant"], true);
    assert_eq!(wait["n"], 4);
    // A scenario against itself: every difference is exactly 0 and none is significant.
    let out =
        borderq().args(["compare", "bailey", "bailey", "--replications", "3", "--quiet"]).args(SHORT).output().unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    let row = table.lines().find(|l| l.starts_with("wait to processing, mean [days]")).expect("a wait row");
    let cells: Vec<&str> = row["wait to processing, mean [days]".len()..].split_whitespace().collect();
    assert_eq!(cells[2], "0.000", "B − A of {row}");
    assert_eq!(cells[3..5], ["+0.0", "%"], "relative difference of {row}");
    assert_eq!(cells.last(), Some(&"no"), "not significant: {row}");
    assert!(table.contains("significant at the 5 % level"));
    assert!(table.contains("persons processed") && !table.contains("processed_persons"), "human labels");
    // Counts print as counts, with separators.
    let processed = table.lines().find(|l| l.starts_with("persons processed")).unwrap();
    let a_cell = processed["persons processed".len()..].split_whitespace().next().unwrap();
    assert!(!a_cell.contains('.') && a_cell.contains(','), "{processed}");
    // Scenarios over different periods are flagged.
    borderq()
        .args(["compare", "launch-2023", "may-2024-outage", "--replications", "2", "--quiet"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: A covers 2023-05-12"));
    // --out writes the comparison's files and a page with the table and the overlays.
    let dir = tempfile::tempdir().unwrap();
    borderq()
        .args(["compare", "bailey", "--set", "quota.daily=120", "--replications", "2", "--quiet", "--out"])
        .arg(dir.path())
        .args(SHORT)
        .assert()
        .success();
    for f in ["compare.csv", "compare.json", "report.html", "compare-backlog.png", "compare-waits.svg", "manifest.txt"]
    {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("chart-compare-backlog") && html.contains("significant at 5 %"));
    let csv = std::fs::read_to_string(dir.path().join("compare.csv")).unwrap();
    assert!(csv.starts_with(
        "metric,a,b,difference,ci95_low,ci95_high,significant,n,interval,label,unit,relative_difference_percent\n"
    ));
    borderq().args(["compare", "bailey"]).assert().code(2).stderr(predicate::str::contains("needs scenario B"));
}

#[test]
fn precision_adds_replications_until_the_ci_is_tight() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |precision: &str, dir: &str| {
        borderq()
            .args(["run", "bailey", "--replications", "2", "--precision", precision, "--max-replications", "16"])
            .args(["--no-charts", "--out"])
            .arg(tmp.path().join(dir))
            .args(SHORT)
            .assert()
            .success()
    };
    let rows =
        |dir: &str| std::fs::read_to_string(tmp.path().join(dir).join("replications.csv")).unwrap().lines().count() - 1;
    // An unreachable target runs up to the cap, doubling: 2, 4, 8, 16.
    run("0.0001", "tight")
        .stderr(predicate::str::contains("precision 0.0001 not reached within --max-replications 16"));
    assert_eq!(rows("tight"), 16);
    let resolved = std::fs::read_to_string(tmp.path().join("tight").join("scenario.toml")).unwrap();
    assert!(resolved.contains("replications = 16"), "the count reached is recorded");
    // A loose target is met by the first batch.
    run("0.5", "loose").stderr(predicate::str::contains("precision 0.5 reached with 2 replications"));
    assert_eq!(rows("loose"), 2);
}

/// A completed sweep prints each point's headline metrics with their intervals and writes a report.
#[test]
fn a_completed_sweep_prints_its_table_and_writes_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = borderq()
        .args(["sweep", "bailey", "--vary", "quota.daily=95,110", "--replications", "3"])
        .args(SHORT)
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("point  Daily quota [persons]  wait to processing, mean [days]"), "{table}");
    assert_eq!(table.lines().count(), 3, "a header and two points");
    assert!(table.lines().nth(2).unwrap().contains('['), "with intervals: {table}");
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(html.contains("<section id=\"points\">") && html.contains("chart-sweep-wait_mean_days"));
}

/// `--shard auto` picks the shard from a Slurm array task or a Kubernetes Indexed Job, a Slurm task
/// resubmitted alone keeps its index given `--shards`, and `--resume` refuses a directory that
/// holds another shard of the sweep.
#[test]
fn shard_auto_reads_slurm_and_kubernetes_and_resume_keeps_the_split() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = |dir: &str, envs: &[(&str, &str)], extra: &[&str]| {
        let mut c = crate::common::borderq();
        c.env_remove("SLURM_ARRAY_TASK_ID").env_remove("SLURM_ARRAY_TASK_COUNT").env_remove("JOB_COMPLETION_INDEX");
        for (k, v) in envs {
            c.env(k, v);
        }
        c.args([
            "sweep",
            "bailey",
            "--vary",
            "quota.daily=95,100,110",
            "--replications",
            "2",
            "--quiet",
            "--no-charts",
        ])
        .args(["--shard", "auto", "--out"])
        .arg(tmp.path().join(dir))
        .args(extra);
        c.output().unwrap()
    };
    let shard = |dir: &str| {
        let plan: serde_json::Value =
            serde_json::from_slice(&std::fs::read(tmp.path().join(dir).join("plan.json")).unwrap()).unwrap();
        plan["shard"].as_str().unwrap().to_string()
    };
    assert!(sweep("slurm", &[("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "3")], &[]).status.success());
    assert_eq!(shard("slurm"), "2/3");
    // Resubmitted alone (`sbatch --array=2`): the count is 1, so --shards gives N.
    let alone = [("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "1")];
    assert!(sweep("slurm", &alone, &["--shards", "3", "--resume"]).status.success());
    let out = sweep("slurm", &alone, &["--resume"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --shards N"));
    // A 0-based array: --shard-base 0.
    assert!(
        sweep("zero", &[("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "3")], &["--shard-base", "0"])
            .status
            .success()
    );
    assert_eq!(shard("zero"), "1/3");
    assert!(sweep("k8s", &[("JOB_COMPLETION_INDEX", "2")], &["--shards", "3"]).status.success());
    assert_eq!(shard("k8s"), "3/3");
    let out = sweep("none", &[], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither SLURM_ARRAY_TASK_ID"));
    // Resuming shard 1/3 into shard 2/3's directory is refused.
    let out = sweep("slurm", &[("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "3")], &["--resume"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds shard 2/3 of this sweep, not shard 1/3"));
}

//! Hardening: each class of failure found by adversarial use, held by a test that failed before
//! its fix (numbers, shards and names from the environment, duplicates, exit codes, temporary
//! files, spreadsheet formulas, stated bounds, impossible estimates, calibrate's budget).

use crate::common::borderq;

/// An index from the cluster's environment at the largest integer does not wrap around to a shard
/// that runs nothing and succeeds: it is refused, with exit 2.
#[test]
fn a_shard_index_at_the_largest_integer_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let max = u64::MAX.to_string();
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: [Case; 3] = [
        ("k8s", &[("JOB_COMPLETION_INDEX", &max)], &["--shards", "4"]),
        ("slurm0", &[("SLURM_ARRAY_TASK_ID", &max), ("SLURM_ARRAY_TASK_COUNT", "4")], &["--shard-base", "0"]),
        ("slurm1", &[("SLURM_ARRAY_TASK_ID", &max)], &["--shards", "4"]),
    ];
    for (name, env, extra) in cases {
        let dir = tmp.path().join(name);
        let mut c = borderq();
        c.env_remove("SLURM_ARRAY_TASK_ID").env_remove("JOB_COMPLETION_INDEX");
        c.envs(env.iter().copied());
        c.args(["sweep", "bailey", "--vary", "quota.daily=90,100", "--replications", "1", "--quiet", "--no-charts"])
            .args(["--shard", "auto", "--out"])
            .arg(&dir)
            .args(extra);
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("does not exist"), "{name}: {err}");
        assert!(!dir.join("sweep.csv").exists(), "{name}");
    }
}

/// A parameter given twice is refused by every command that varies parameters, before any run.
#[test]
fn a_parameter_given_twice_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = "quota.daily=90:110";
    let cases: [&[&str]; 3] = [
        &["sensitivity", "bailey", "--param", p, "--param", "quota.daily=95:105", "--samples", "8"],
        &["calibrate", "bailey", "--fit", p, "--fit", p, "--target", "record"],
        &["sweep", "bailey", "--vary", "quota.daily=90,100", "--vary", "quota.daily=95,99"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let dir = tmp.path().join(i.to_string());
        let out = borderq().args(*args).args(["--replications", "1", "--quiet", "--out"]).arg(&dir).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("quota.daily is given twice"), "{args:?}: {err}");
        assert!(!dir.exists(), "{args:?}: nothing is written");
    }
}

/// A file that cannot be written is a failure of the run (exit 1), not of the input (exit 2), for
/// sensitivity and its merge as for every other command; a name that cannot be a directory name
/// (a NUL byte, a newline) is bad input (exit 2), found before anything is written.
#[test]
fn exit_codes_say_whose_fault_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let study = |dir: &std::path::Path| {
        let mut c = borderq();
        c.args(["sensitivity", "bailey", "--param", "quota.daily=90:110", "--samples", "8", "--replications", "1"])
            .args(["--set", "scenario.end=\"2024-02-01\"", "--quiet", "--no-charts", "--out"])
            .arg(dir);
        c.output().unwrap()
    };
    // plan.json cannot be written: a directory stands in its place (as a full disk would refuse).
    let blocked = tmp.path().join("blocked");
    std::fs::create_dir_all(blocked.join("plan.json")).unwrap();
    let out = study(&blocked);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    // Merge into a directory whose plan.json cannot be written.
    let done = tmp.path().join("done");
    assert!(study(&done).status.success());
    let into = tmp.path().join("into");
    std::fs::create_dir_all(into.join("plan.json")).unwrap();
    let out = borderq().args(["merge"]).arg(&done).arg("--out").arg(&into).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    // Names that no file system takes.
    for bad in ["a\\u0000b", "a\\nb", "tab\\there"] {
        let out = borderq()
            .args(["run", "bailey", "--replications", "1", "--set"])
            .arg(format!("scenario.name=\"{bad}\""))
            .current_dir(tmp.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("control characters"), "{bad}: {err}");
    }
    assert!(!tmp.path().join("output").exists(), "nothing written for a bad name");
}

/// A run killed while writing leaves a temporary file; the next run that takes the directory (a
/// resume) removes it, and nothing else.
#[test]
fn a_resume_removes_the_temporary_files_of_a_killed_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    let sweep = |extra: &[&str]| {
        borderq()
            .args(["sweep", "bailey", "--vary", "quota.daily=90,100", "--replications", "1", "--quiet"])
            .args(["--no-charts", "--set", "scenario.end=\"2024-02-01\"", "--out"])
            .arg(&dir)
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(sweep(&[]).status.success());
    let stale = [dir.join("points/.point-000001.csv.tmp-999999"), dir.join(".sweep.csv.tmp-999998")];
    for p in &stale {
        std::fs::write(p, "half a line").unwrap();
    }
    let keep = dir.join("points/.keep-this");
    std::fs::write(&keep, "mine").unwrap();
    let out = sweep(&["--resume"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for p in &stale {
        assert!(!p.exists(), "{} is left", p.display());
    }
    assert!(keep.exists(), "a file borderq did not write stays");
}

/// Text that a spreadsheet would run as a formula is written with a leading `'` in events.csv,
/// groups.csv and sweep.csv (numbers stay numbers), and `plot` reads it back as written, so it
/// redraws the charts byte for byte.
#[test]
fn formulas_in_labels_reach_no_spreadsheet() {
    let text = r#"
[scenario]
name = "formulas"
start = "2024-01-01"
end = "2024-03-01"
replications = 2
seed = 7

[quota]
unit = "groups"
daily = 100
allocation_hour = 12

[initial]
groups = 50
registered_days_ago = { dist = "uniform", min = 1, max = 10 }

[[arrivals]]
name = "=HYPERLINK(\"http://example.com\",\"x\")"
groups_per_day = 90

[[arrivals]]
name = "'quoted"
groups_per_day = 5

[[outages]]
label = "@SUM(A1)"
start = "2024-01-20T06:00"
hours = 30
affects = ["requests"]

[[events]]
date = "2024-02-01"
label = "+cmd|' /C calc'!A0"
"#;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("formulas.toml");
    std::fs::write(&path, text).unwrap();
    let dir = tmp.path().join("run");
    borderq().arg("run").arg(&path).args(["--records", "--quiet", "--out"]).arg(&dir).assert().success();
    let events = std::fs::read_to_string(dir.join("events.csv")).unwrap();
    assert!(events.contains("'@SUM(A1)") && events.contains("'+cmd|"), "{events}");
    let groups = std::fs::read_to_string(dir.join("groups.csv")).unwrap();
    let mut r = csv::Reader::from_reader(groups.as_bytes());
    let (mut formula, mut quoted, mut negative) = (0, 0, 0);
    for rec in r.records() {
        let rec = rec.unwrap();
        for cell in rec.iter() {
            assert!(!cell.starts_with(['=', '+', '@']), "a formula reaches groups.csv: {cell}");
            if cell.starts_with('-') {
                assert!(cell.parse::<f64>().is_ok(), "a text cell starting with '-': {cell}");
                negative += 1;
            }
        }
        formula += (rec[1].starts_with("'=HYPERLINK")) as usize;
        quoted += (&rec[1] == "''quoted") as usize;
    }
    assert!(formula > 0 && quoted > 0, "the stream names are written, made safe");
    assert!(negative > 0, "the backlog's registration times stay negative numbers");
    // plot reads the labels back as they were written, and draws the same charts.
    let charts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "svg" || x == "html"))
        .collect();
    assert!(charts.len() > 4);
    let before: Vec<Vec<u8>> = charts.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let svg = charts.iter().find(|p| p.ends_with("flows.svg")).map(|p| std::fs::read_to_string(p).unwrap());
    assert!(
        svg.is_none_or(|s| !s.contains("&apos;@SUM") && !s.contains("'@SUM")),
        "the chart shows the label as written"
    );
    for p in &charts {
        std::fs::remove_file(p).unwrap();
    }
    borderq().arg("plot").arg(&dir).assert().success();
    for (p, b) in charts.iter().zip(&before) {
        assert!(std::fs::read(p).unwrap() == *b, "{} differs after plot", p.display());
    }
    // A sweep's levels are TOML values: text is quoted, so its cell starts with a quote, not a
    // formula, and a bare formula is refused as a value.
    let out = borderq()
        .arg("sweep")
        .arg(&path)
        .args(["--vary", "scenario.description=plain,=1+2", "--replications", "1", "--quiet", "--out"])
        .arg(tmp.path().join("sweep"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The bound a message states is the bound the check applies: a value at the bound is taken,
/// one past it is refused with that same bound in words.
#[test]
fn messages_state_the_bound_that_is_checked() {
    let check = |sets: &[&str]| {
        let mut c = borderq();
        c.args(["check", "cbp-one"]);
        for s in sets {
            c.args(["--set", s]);
        }
        c.output().unwrap()
    };
    let cases = [
        ("arrivals.1.ports.nogales", "1e12", "1e13", "a weight in [0, 1,000,000,000,000]"),
        ("outages.0.hours", "1e6", "1e7", "a number of hours in (0, 1,000,000]"),
        ("confirmation.window_hours", "1e6", "1e7", "a number of hours in [1, 1,000,000]"),
        ("confirmation.grace_hours", "1e6", "1e7", "a number of hours in [0, 1,000,000]"),
    ];
    for (path, at, past, words) in cases {
        let ok = check(&[&format!("{path}={at}")]);
        assert!(ok.status.success(), "{path}={at}: {}", String::from_utf8_lossy(&ok.stderr));
        let bad = check(&[&format!("{path}={past}")]);
        let err = String::from_utf8_lossy(&bad.stderr);
        assert_eq!(bad.status.code(), Some(2), "{path}={past}: {err}");
        assert!(err.contains(words), "{path}={past}: {err}");
    }
}

/// A provenance entry can be given on the command line with its path quoted, and one that cites an
/// input the scenario does not have is refused, whether written or set.
#[test]
fn provenance_cites_only_inputs_that_exist() {
    let ok = borderq().args(["check", "bailey", "--set", r#"provenance."quota.daily"="a source""#]).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let typo = borderq().args(["check", "bailey", "--set", r#"provenance."quota.dialy"="x""#]).output().unwrap();
    let err = String::from_utf8_lossy(&typo.stderr);
    assert_eq!(typo.status.code(), Some(2), "{err}");
    assert!(err.contains("does not name a scenario key"), "{err}");
    let base = r#"
[scenario]
name = "p"
start = "2024-01-01"
end = "2024-02-01"

[quota]
daily = 10

[[arrivals]]
name = "a"
groups_per_day = 5
"#;
    for (entry, why) in [
        (r#""arrivals.7.groups_per_day" = "x""#, "arrivals has 1 entries, numbered from 0, so there is no arrivals.7"),
        (r#""caravans.persons" = "x""#, "it has no caravans"),
        (r#""abandonment.patience_days" = "x""#, "it has no abandonment"),
    ] {
        let text = format!("{base}\n[provenance]\n{entry}\n");
        let e = crate::common::input_error("p.toml", &text, &[]);
        assert!(e.contains("p.toml:") && e.contains(why), "{entry}: {e}");
    }
    let set = crate::common::input_error("p.toml", base, &[r#"provenance."arrivals.3.name"="x""#]);
    assert!(set.contains("no arrivals.3"), "{set}");
    // The default of a key that is not written is still an input.
    let text = format!("{base}\n[provenance]\n\"quota.allocation_hour\" = \"assumption\"\n");
    crate::common::run_text(&text, &[], 1);
}

fn small_sweep(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    borderq()
        .args(["sweep", "bailey", "--vary", "quota.daily=90,95,100,105", "--replications", "1", "--quiet"])
        .args(["--no-charts", "--set", "scenario.end=\"2024-02-01\"", "--out"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

fn merge(dirs: &[&std::path::Path], out: &std::path::Path) -> (Option<i32>, String) {
    let o = borderq().arg("merge").args(dirs).arg("--out").arg(out).arg("--no-charts").output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// merge takes the lock of the directory it writes, as every command does, and never writes into
/// a directory of another sweep.
#[test]
fn merge_takes_the_lock_and_checks_the_directory_it_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, live, other) =
        (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("live"), tmp.path().join("o"));
    assert!(small_sweep(&a, &["--shard", "1/2"]).status.success());
    assert!(small_sweep(&b, &["--shard", "2/2"]).status.success());
    // A sweep is writing into `live`: it holds the lock.
    std::fs::create_dir_all(&live).unwrap();
    let held = std::fs::File::create(live.join(borderq::output::LOCK)).unwrap();
    held.try_lock().unwrap();
    let (code, err) = merge(&[&a, &b], &live);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("in use") || err.contains("another borderq"), "{err}");
    assert!(!live.join("plan.json").exists() && !live.join("sweep.csv").exists(), "nothing written under the lock");
    drop(held);
    // A directory of another sweep is not merged into.
    assert!(small_sweep(&other, &["--seed", "5"]).status.success());
    let before = std::fs::read(other.join("sweep.csv")).unwrap();
    let (code, err) = merge(&[&a, &b], &other);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("holds another sweep"), "{err}");
    assert_eq!(std::fs::read(other.join("sweep.csv")).unwrap(), before);
}

/// merge reads every point file whole, checks it belongs to the sweep and the grid, and refuses
/// what does not, naming each file; an edited plan.json is refused whatever hash it kept.
#[test]
fn merge_refuses_point_files_and_plans_that_do_not_belong() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(small_sweep(&a, &["--shard", "1/2"]).status.success());
    assert!(small_sweep(&b, &["--shard", "2/2"]).status.success());
    let seeded = tmp.path().join("seeded");
    assert!(small_sweep(&seeded, &["--seed", "99"]).status.success());
    let point = |d: &std::path::Path, i: usize| d.join(format!("points/point-{i:06}.csv"));
    let good = std::fs::read_to_string(point(&b, 1)).unwrap();
    type Spoil<'a> = Box<dyn Fn(&std::path::Path) + 'a>;
    let cases: Vec<(&str, Spoil, &str)> = vec![
        ("cut mid-row", Box::new(|d| std::fs::write(point(d, 1), &good[..good.len() - 7]).unwrap()), "cut short"),
        (
            "header only",
            Box::new(|d| {
                let keep: String = good.lines().take(2).map(|l| format!("{l}\n")).collect();
                std::fs::write(point(d, 1), keep).unwrap()
            }),
            "no row",
        ),
        ("a stray point", Box::new(|d| std::fs::write(point(d, 99), &good).unwrap()), "point-000099.csv"),
        (
            "another seed's point",
            Box::new(|d| std::fs::copy(point(&seeded, 3), point(d, 3)).map(|_| ()).unwrap()),
            "another sweep",
        ),
        (
            "edited plan",
            Box::new(|d| {
                let p = std::fs::read_to_string(d.join("plan.json")).unwrap();
                std::fs::write(d.join("plan.json"), p.replace("\"replications\": 1", "\"replications\": 7")).unwrap()
            }),
            "was edited",
        ),
        (
            "huge plan",
            Box::new(|d| {
                let p = std::fs::read_to_string(d.join("plan.json")).unwrap();
                std::fs::write(d.join("plan.json"), p.replace("\"points\": 4", "\"points\": 100000000000")).unwrap()
            }),
            "does not hold together",
        ),
    ];
    for (what, spoil, why) in cases {
        let copy = tmp.path().join(what.replace(' ', "-"));
        copy_dir(&b, &copy);
        spoil(&copy);
        let out = tmp.path().join(format!("{}-out", what.replace(' ', "-")));
        let (code, err) = merge(&[&a, &copy], &out);
        assert_eq!(code, Some(2), "{what}: {err}");
        assert!(err.contains(why), "{what}: {err}");
        assert!(!out.join("sweep.csv").exists(), "{what}: no sweep.csv");
    }
    let (code, err) = merge(&[&a, &b], &tmp.path().join("fine"));
    assert_eq!(code, Some(0), "{err}");
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to.join("points")).unwrap();
    for sub in ["", "points"] {
        for e in std::fs::read_dir(from.join(sub)).unwrap().flatten() {
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), to.join(sub).join(e.file_name())).unwrap();
            }
        }
    }
}

/// A study's merge counts its points by index: a stray point is refused by name, never counted in
/// place of a missing one, and doubled points are reported.
#[test]
fn a_study_merge_counts_points_by_index() {
    let tmp = tempfile::tempdir().unwrap();
    let study = |dir: &std::path::Path, shard: &str| {
        borderq()
            .args(["sensitivity", "bailey", "--param", "quota.daily=90:110", "--samples", "8", "--replications", "1"])
            .args(["--set", "scenario.end=\"2024-02-01\"", "--quiet", "--no-charts", "--shard", shard, "--out"])
            .arg(dir)
            .output()
            .unwrap()
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(study(&a, "1/2").status.success() && study(&b, "2/2").status.success());
    let point = |d: &std::path::Path, i: usize| d.join(format!("points/point-{i:06}.csv"));
    // One point missing and a stray one in its place.
    let spoiled = tmp.path().join("spoiled");
    copy_dir(&b, &spoiled);
    std::fs::rename(point(&spoiled, 1), point(&spoiled, 101)).unwrap();
    let (code, err) = merge(&[&a, &spoiled], &tmp.path().join("x"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("point-000101.csv"), "{err}");
    // A stray point beside complete shards: refused, no underflow.
    let stray = tmp.path().join("stray");
    copy_dir(&b, &stray);
    std::fs::copy(point(&b, 1), point(&stray, 500)).unwrap();
    let (code, err) = merge(&[&a, &stray], &tmp.path().join("y"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("point-000500.csv") && !err.contains("18446744073709551615"), "{err}");
    // A directory given twice: its points are doubled, and said so.
    let (code, err) = merge(&[&a, &b, &a], &tmp.path().join("z"));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("appear in more than one directory"), "{err}");
}

/// A sweep directory written before point files carried their identity (plan schema version 1,
/// no scenario.toml) still resumes and merges, and a resume writes its points in the new form.
#[test]
fn a_sweep_directory_of_the_earlier_format_still_resumes_and_merges() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert!(small_sweep(&a, &["--shard", "1/2"]).status.success());
    assert!(small_sweep(&b, &["--shard", "2/2"]).status.success());
    let reference = tmp.path().join("ref");
    assert_eq!(merge(&[&a, &b], &reference).0, Some(0));
    for d in [&a, &b] {
        std::fs::remove_file(d.join("scenario.toml")).unwrap();
        let plan = std::fs::read_to_string(d.join("plan.json")).unwrap();
        std::fs::write(d.join("plan.json"), plan.replace("\"schema_version\": 2", "\"schema_version\": 1")).unwrap();
        for e in std::fs::read_dir(d.join("points")).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let old =
                text.split_once('\n').filter(|(first, _)| first.starts_with("# borderq point")).map(|(_, rest)| rest);
            std::fs::write(e.path(), old.unwrap_or(&text)).unwrap();
        }
    }
    let merged = tmp.path().join("merged");
    let (code, err) = merge(&[&a, &b], &merged);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(std::fs::read(merged.join("sweep.csv")).unwrap(), std::fs::read(reference.join("sweep.csv")).unwrap());
    let out = small_sweep(&b, &["--shard", "2/2", "--resume"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let first = std::fs::read_to_string(b.join("points/point-000001.csv")).unwrap();
    assert!(first.starts_with("# borderq point 1 of "), "{first}");
}

/// Estimates that cannot be right are said so, with what to do: S1 above ST from a design too
/// small, a metric that does not vary (no noise share, instead of a ratio of rounding errors),
/// and a target tolerance too small for any loss to be computed.
#[test]
fn impossible_estimates_come_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let study = |param: &str, dir: &str| {
        borderq()
            .args(["sensitivity", "bailey", "--param", param, "--samples", "8", "--replications", "2"])
            .args(["--set", "scenario.end=\"2024-03-01\"", "--out"])
            .arg(tmp.path().join(dir))
            .output()
            .unwrap()
    };
    let flat = study("quota.request_open_hour=0:5", "flat");
    let err = String::from_utf8_lossy(&flat.stderr);
    assert!(flat.status.success(), "{err}");
    assert!(err.contains("warning: wait_mean_days does not vary across the design points"), "{err}");
    let csv_text = std::fs::read_to_string(tmp.path().join("flat/sensitivity.csv")).unwrap();
    let noise = csv_text.lines().find(|l| l.starts_with("wait_mean_days,(replication noise),noise_share")).unwrap();
    assert_eq!(noise, "wait_mean_days,(replication noise),noise_share,,,", "no ratio of rounding errors");
    let small = study("quota.request_probability=0.5:1", "small");
    let err = String::from_utf8_lossy(&small.stderr);
    assert!(err.contains("cannot all be right") && err.contains("rerun with --samples 128"), "{err}");
    let report = std::fs::read_to_string(tmp.path().join("small/report.html")).unwrap();
    assert!(report.contains("<h2>Warnings</h2>") && report.contains("cannot all be right"));
    // A tolerance that makes every loss infinite is refused before anything runs.
    let targets = tmp.path().join("t.csv");
    std::fs::write(&targets, "from,to,metric,value,tolerance\n2024-01-01,2024-03-01,wait_mean_days,0.5,1e-300\n")
        .unwrap();
    let out = borderq()
        .args([
            "calibrate",
            "bailey",
            "--fit",
            "quota.daily=95:110",
            "--set",
            "scenario.end=\"2024-03-01\"",
            "--target",
        ])
        .arg(&targets)
        .arg("--out")
        .arg(tmp.path().join("cal"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("t.csv:2: tolerance = 1e-300 is too small") && err.contains("at least 1e-9"), "{err}");
}

/// A replication stops as soon as it is told to, even one that spends its time drawing arrivals
/// that never register: SIGTERM ends it within seconds, with exit 143 and no output files; and a
/// scenario that would draw more arrivals than the guard allows is refused before it starts.
#[cfg(unix)]
#[test]
fn a_long_replication_stops_on_sigterm_and_too_many_draws_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("borderq");
    let dir = tmp.path().join("long");
    let mut child = std::process::Command::new(bin)
        .args(["run", "bailey", "--replications", "1", "--threads", "1", "--quiet"])
        .args(["--set", "arrivals.0.groups_per_day=5e6", "--set", "arrivals.0.register_share=0", "--out"])
        .arg(&dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(child.try_wait().unwrap().is_none(), "still drawing after 1.5 s");
    let sent = std::time::Instant::now();
    std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(sent.elapsed().as_secs() < 5, "still running 5 s after SIGTERM");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(143));
    assert!(!dir.join("summary.csv").exists());
    let refused = borderq()
        .args(["run", "bailey", "--replications", "1", "--set", "arrivals.0.groups_per_day=1e8"])
        .args(["--set", "arrivals.0.register_share=0", "--out"])
        .arg(tmp.path().join("refused"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{err}");
    assert!(err.contains("would draw about") && err.contains("refuses more than 2e9"), "{err}");
}

/// calibrate's budget is the total of its evaluations, said before it starts; one too small for
/// the profiles is refused; the fit is the best point of all; progress to a file is plain lines; it
/// writes report.html like every other command; an interval that cannot be read is not printed.
#[test]
fn calibrate_keeps_to_its_budget_and_reports_like_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let targets = tmp.path().join("t.csv");
    std::fs::write(&targets, "from,to,metric,value,tolerance\n2024-01-01,2024-03-01,processed_persons,5800,50\n")
        .unwrap();
    let calibrate = |fits: &[&str], budget: &str, dir: &str| {
        let mut c = borderq();
        c.args(["calibrate", "bailey", "--set", "scenario.end=\"2024-03-01\"", "--replications", "2"]);
        for f in fits {
            c.args(["--fit", f]);
        }
        c.args(["--budget", budget, "--target"]).arg(&targets).arg("--out").arg(tmp.path().join(dir));
        c.output().unwrap()
    };
    let small = calibrate(&["quota.daily=90:110", "arrivals.0.groups_per_day=80:100"], "20", "small");
    let err = String::from_utf8_lossy(&small.stderr);
    assert_eq!(small.status.code(), Some(2), "{err}");
    assert!(err.contains("--budget 20 is too small") && err.contains("give --budget 51 or more"), "{err}");
    let out = calibrate(&["quota.daily=90:110"], "40", "one");
    let (stdout, err) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{err}");
    assert!(err.contains("at most 40 evaluations"), "{err}");
    assert!(!err.contains('\r'), "progress to a file is plain lines");
    assert!(err.lines().filter(|l| l.starts_with("borderq: evaluation ")).count() > 5, "{err}");
    let dir = tmp.path().join("one");
    let log = std::fs::read_to_string(dir.join("calibration.csv")).unwrap();
    assert!(log.lines().count() - 1 <= 40, "the budget counts every evaluation");
    // The fit is the lowest loss of every evaluation.
    let mut r = csv::Reader::from_reader(log.as_bytes());
    let best = r
        .records()
        .map(|x| x.unwrap())
        .min_by(|a, b| a[3].parse::<f64>().unwrap().total_cmp(&b[3].parse::<f64>().unwrap()))
        .unwrap();
    let params = std::fs::read_to_string(dir.join("parameters.csv")).unwrap();
    let fitted: f64 = params.lines().nth(1).unwrap().split(',').nth(1).unwrap().parse().unwrap();
    assert_eq!(fitted, best[2].parse::<f64>().unwrap(), "{params}\n{log}");
    let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(report.contains("<h1>Calibration of bailey</h1>") && report.contains("<svg"), "report.html");
    for line in stdout.lines().filter(|l| l.starts_with("quota.daily = ")) {
        assert!(!(line.contains("not resolved") && line.contains(" to ")), "{line}");
    }
}

/// A directory is borderq's only when borderq's manifest says so: a user's own manifest is not
/// trusted to say what may be deleted, a directory of the user's files is refused (and, with
/// --force, written into without deleting any of them), and a manifest of an earlier version is
/// trusted beside a scenario.toml that borderq wrote.
#[test]
fn only_borderqs_own_manifest_lets_it_delete_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |dir: &std::path::Path, extra: &[&str]| {
        borderq()
            .args(["run", "bailey", "--replications", "1", "--quiet", "--no-charts"])
            .args(["--set", "scenario.end=\"2024-02-01\"", "--out"])
            .arg(dir)
            .args(extra)
            .output()
            .unwrap()
    };
    let mine = tmp.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    for (f, text) in [("notes.txt", "n"), ("data.csv", "d"), ("manifest.txt", "notes.txt\ndata.csv\n")] {
        std::fs::write(mine.join(f), text).unwrap();
    }
    let out = run(&mine, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("holds files that borderq did not write"), "{err}");
    let out = run(&mine, &["--force"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(mine.join("notes.txt").exists() && mine.join("data.csv").exists(), "nothing of the user's is deleted");
    // The user's own daily.csv and summary.json, with no scenario.toml: not silently replaced.
    let theirs = tmp.path().join("theirs");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("daily.csv"), "mine").unwrap();
    std::fs::write(theirs.join("summary.json"), "{}").unwrap();
    assert_eq!(run(&theirs, &[]).status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(theirs.join("daily.csv")).unwrap(), "mine");
    // A run directory of an earlier version: old header, borderq's scenario.toml beside it.
    let old = tmp.path().join("old");
    assert!(run(&old, &["--records"]).status.success());
    let manifest = std::fs::read_to_string(old.join("manifest.txt")).unwrap();
    assert!(manifest.starts_with("# borderq run directory: "), "{manifest}");
    let body: String = manifest.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(
        old.join("manifest.txt"),
        format!("# The files borderq wrote in this directory in its last run; a rerun removes those it does not write again.\n{body}"),
    )
    .unwrap();
    let out = run(&old, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!old.join("groups.csv").exists(), "the earlier run's groups.csv, listed, is removed");
    // A compare directory is not a run's.
    let cmp = tmp.path().join("cmp");
    let c = borderq()
        .args(["compare", "bailey", "--set", "quota.daily=95", "--replications", "2", "--quiet"])
        .args(["--set", "scenario.end=\"2024-02-01\"", "--out"])
        .arg(&cmp)
        .output()
        .unwrap();
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let out = run(&cmp, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("holds a borderq compare directory, not a run one"), "{err}");
}

/// The size guard applies at every design point of a study and at every corner of a calibration's
/// ranges, not only to the base scenario; and a study's design is bounded before it is drawn.
#[test]
fn the_size_guard_applies_to_every_point_a_study_or_a_fit_may_run() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (&["sensitivity", "bailey", "--param", "arrivals.0.groups_per_day=90:1e7", "--samples", "8"], "design point"),
        (&["calibrate", "bailey", "--fit", "arrivals.0.groups_per_day=90:1e7", "--target", "record"], "at the corner"),
        (
            &["sensitivity", "bailey", "--param", "quota.daily=90:110", "--samples", "1000000"],
            "the design would have 3000000 points",
        ),
    ];
    for (i, (args, why)) in cases.iter().enumerate() {
        let started = std::time::Instant::now();
        let out =
            borderq().args(*args).args(["--quiet", "--out"]).arg(tmp.path().join(i.to_string())).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err}");
        assert!(started.elapsed().as_secs() < 20, "{args:?}: refused before anything is drawn");
    }
}

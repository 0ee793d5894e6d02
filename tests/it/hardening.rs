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

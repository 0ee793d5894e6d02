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

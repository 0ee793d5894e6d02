//! The command line, end to end: files written, columns in their fixed order, exit codes, errors.

use predicates::prelude::*;

use crate::common::borderq;

const SPEC_COLUMNS: &str = "replication,seed,initial_groups,initial_persons,arrived_groups,arrived_persons,selected_groups,booked_groups,\
booked_persons,processed_groups,processed_persons,abandoned_groups,abandoned_persons,no_show_groups,missed_confirmations,\
missed_in_outage,unused_slots,final_waiting_groups,final_waiting_persons,final_selected_groups,final_booked_groups,\
mean_waiting_groups,mean_waiting_persons,max_waiting_persons,wait_mean_days,wait_p50_days,wait_p90_days,wait_p99_days,\
selection_wait_mean_days,selection_wait_p50_days,selection_wait_p90_days,selection_wait_p99_days,no_show_persons,\
final_selected_persons,final_booked_persons";

const TINY: &str = r#"
[scenario]
name = "tiny"
start = "2024-01-01"
end = "2024-02-01"
replications = 3

[quota]
daily = 50

[[arrivals]]
groups_per_day = 40
group_size = { dist = "empirical", values = [1, 2, 3], weights = [3, 2, 1] }
"#;

#[test]
fn run_writes_every_file_with_spec_columns_and_a_summary_table() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("tiny.toml");
    std::fs::write(&file, TINY).unwrap();
    let out = tmp.path().join("out");
    borderq()
        .arg("run")
        .arg(&file)
        .args(["--replications", "4", "--seed", "7", "--set", "quota.daily=60", "--records", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("tiny: 4 replications, seed 7"))
        .stdout(predicate::str::contains("persons processed"))
        .stdout(predicate::str::contains("95% CI"));
    let reps = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    assert!(reps.starts_with(SPEC_COLUMNS), "{}", reps.lines().next().unwrap());
    assert_eq!(reps.lines().count(), 5);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("metric,mean,sd,ci95_low,ci95_high,n,interval\n"));
    let daily = std::fs::read_to_string(out.join("daily.csv")).unwrap();
    assert!(
        daily.starts_with("day,date,waiting_groups_mean,waiting_groups_p05,waiting_groups_p95,waiting_persons_mean")
    );
    let header = daily.lines().next().unwrap();
    assert!(header.contains(",quota_p95,outage_hours_mean,outage_hours_p05,outage_hours_p95,"), "{header}");
    assert!(header.ends_with(",requests_persons_mean,requests_persons_p05,requests_persons_p95"), "{header}");
    assert_eq!(daily.lines().count(), 32);
    assert!(daily.lines().nth(1).unwrap().starts_with("0,2024-01-01,"));
    let waits = std::fs::read_to_string(out.join("waits.csv")).unwrap();
    assert!(waits.starts_with("measure,from_days,to_days,share,cumulative_share\nwait_days,0,1,"));
    assert!(waits.contains("selection_wait_days,0,1,"));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["scenario"], "tiny");
    assert_eq!(json["seed"], 7);
    assert_eq!(json["replications"], 4);
    let resolved = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(resolved.contains("daily = 60") && resolved.contains("seed = 7") && resolved.contains("replications = 4"));
    let groups = std::fs::read_to_string(out.join("groups.csv")).unwrap();
    assert!(
        groups.starts_with("id,source,size,registered,selected,booked,appointment,outcome,ended,attempts,wait_days\n")
    );
    let header: Vec<&str> = reps.lines().next().unwrap().split(',').collect();
    let r0: Vec<&str> = reps.lines().nth(1).unwrap().split(',').collect();
    let col = |name: &str| r0[header.iter().position(|h| *h == name).unwrap()].parse::<u64>().unwrap();
    let rows = groups.lines().count() - 1;
    assert_eq!(rows as u64, col("initial_groups") + col("arrived_groups"), "one row per registered group");
    // No temporary file is left behind.
    assert!(std::fs::read_dir(&out).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with('.')));
    // The resolved scenario alone repeats the run.
    let again = tmp.path().join("again");
    borderq().arg("run").arg(out.join("scenario.toml")).arg("--quiet").arg("--out").arg(&again).assert().success();
    assert_eq!(std::fs::read(again.join("replications.csv")).unwrap(), reps.as_bytes());
}

#[test]
fn json_flag_prints_the_summary_as_json() {
    let tmp = tempfile::tempdir().unwrap();
    let out = borderq()
        .args(["run", "bailey", "--replications", "2", "--set", "scenario.end=\"2024-03-01\"", "--json", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scenario"], "bailey");
    assert!(v["metrics"].as_array().unwrap().iter().any(|m| m["metric"] == "wait_mean_days"));
}

#[test]
fn bad_scenarios_exit_2_with_one_located_message_and_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.toml");
    std::fs::write(&file, TINY.replace("daily = 50", "daily = 50\nseniority_share = 1.4")).unwrap();
    let out = tmp.path().join("out");
    borderq()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .env("RUST_BACKTRACE", "1")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: {}:10:19: quota.seniority_share = 1.4 is out of range: expected a number in [0, 1]",
            file.display()
        )))
        .stderr(predicate::str::contains("backtrace").not())
        .stderr(predicate::str::contains("panicked").not());
    assert!(!out.exists());
    borderq()
        .args(["run", "bailey", "--set", "quota.dayly=3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown key \"dayly\" in [quota] (did you mean \"daily\"?): valid keys are"));
    borderq()
        .args(["run", "no-such-scenario"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no bundled scenario"));
    borderq().args(["run", "--replications", "0"]).assert().code(2);
    borderq().arg("run").arg(tmp.path()).assert().code(2).stderr(predicate::str::contains("is a directory"));
}

#[test]
fn a_directory_of_another_scenario_is_refused_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let short = ["--replications", "1", "--quiet", "--set", "scenario.end=\"2024-02-15\"", "--out"];
    borderq().arg("run").arg("bailey").args(short).arg(tmp.path()).assert().success();
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("tiny-other.toml");
    std::fs::write(&file, TINY).unwrap();
    borderq()
        .arg("run")
        .arg(&file)
        .args(["--quiet", "--out"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds the outputs of scenario \"bailey\""));
    borderq().arg("run").arg(&file).args(["--quiet", "--force", "--out"]).arg(tmp.path()).assert().success();
}

#[test]
fn one_replication_says_there_is_no_confidence_interval() {
    let tmp = tempfile::tempdir().unwrap();
    borderq()
        .args(["run", "bailey", "--replications", "1", "--set", "scenario.end=\"2024-02-01\"", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("no confidence intervals"))
        .stdout(predicate::str::contains("NaN").not());
}

#[test]
fn check_validates_and_describes() {
    borderq()
        .args(["check", "may-2024-outage", "bailey"])
        .assert()
        .success()
        .stdout(predicate::str::contains("may-2024-outage: ok"))
        .stdout(predicate::str::contains("total arriving"))
        .stdout(predicate::str::contains("bailey: ok"));
    borderq()
        .args(["check", "bailey", "--set", "quota.unit=\"people\""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("quota.unit = \"people\" is not allowed"));
}

#[test]
fn scenarios_lists_and_shows() {
    borderq()
        .arg("scenarios")
        .assert()
        .success()
        .stdout(predicate::str::contains("may-2024-outage"))
        .stdout(predicate::str::contains("(default)"))
        .stdout(predicate::str::contains("bailey"));
    borderq()
        .args(["scenarios", "show", "bailey"])
        .assert()
        .success()
        .stdout(predicate::str::contains("groups_per_day = 90"));
    borderq()
        .args(["scenarios", "show", "bailey", "--resolved"])
        .assert()
        .success()
        .stdout(predicate::str::contains("request_probability = 1.0"));
    borderq().args(["scenarios", "show", "nope"]).assert().code(2);
}

/// A run directory belongs to one run: a rerun removes the files of the earlier run that it does
/// not write itself (`groups.csv` from `--records`, `record.*`, charts), leaves files it never
/// wrote alone, and `plot` draws only what the manifest lists.
#[test]
fn a_rerun_removes_the_earlier_runs_files_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let short = ["--replications", "2", "--quiet", "--set", "scenario.end=\"2024-08-01\"", "--out"];
    borderq().args(["run", "may-2024-outage", "--records"]).args(short).arg(&out).assert().success();
    for f in ["groups.csv", "record.csv", "record.png", "backlog.png", "manifest.txt"] {
        assert!(out.join(f).exists(), "{f} after the first run");
    }
    std::fs::write(out.join("my-notes.txt"), "mine").unwrap();
    let rerun = ["--set", "scenario.compare_with_record=false", "--no-charts"];
    borderq().args(["run", "may-2024-outage"]).args(rerun).args(short).arg(&out).assert().success();
    for f in ["groups.csv", "record.csv", "record.png", "record.svg", "backlog.png", "report.html"] {
        assert!(!out.join(f).exists(), "{f} of the earlier run is left behind");
    }
    assert!(out.join("my-notes.txt").exists(), "a file borderq did not write is never touched");
    let manifest = std::fs::read_to_string(out.join("manifest.txt")).unwrap();
    assert!(manifest.contains("summary.csv") && !manifest.contains("record.csv"), "{manifest}");
    // A stale record.csv put back by hand is not this run's: plot ignores it.
    std::fs::write(out.join("record.csv"), "period,measure\n").unwrap();
    borderq().arg("plot").arg(&out).assert().success();
    assert!(out.join("backlog.png").exists() && !out.join("record.png").exists());
    assert!(std::fs::read_to_string(out.join("manifest.txt")).unwrap().contains("backlog.png"));
}

/// A second run into a directory in use is refused with a clear message, and writes nothing.
#[test]
fn a_run_into_a_directory_in_use_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("busy");
    std::fs::create_dir(&out).unwrap();
    // Another run holds the directory's lock (the same operating-system lock borderq takes).
    let held =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(out.join(".borderq.lock")).unwrap();
    held.try_lock().unwrap();
    borderq()
        .args(["run", "bailey", "--replications", "1", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is in use by another borderq run"));
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names, [".borderq.lock"], "nothing written");
    borderq().args(["plot"]).arg(&out).assert().code(2).stderr(predicate::str::contains("in use"));
    drop(held);
    borderq()
        .args(["run", "bailey", "--replications", "1", "--quiet", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
}

/// The README's synopsis names exactly the long flags that `--help` lists, for every subcommand.
#[test]
fn the_readme_synopsis_matches_help() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("borderq run [SCENARIO]").expect("the synopsis");
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let flags = |text: &str| -> std::collections::BTreeSet<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .filter(|w| w.starts_with("--") && w.len() > 2 && *w != "--help" && *w != "--version")
            .map(str::to_string)
            .collect()
    };
    for cmd in ["run", "sweep", "sensitivity", "merge", "compare", "check", "plot", "scenarios"] {
        let line_start = block.find(&format!("borderq {cmd}")).unwrap_or_else(|| panic!("{cmd} in the synopsis"));
        let rest = &block[line_start + 8..];
        let end = rest.find("\nborderq ").unwrap_or(rest.len());
        let documented = flags(&rest[..end]);
        // `--resolved` belongs to `scenarios show`.
        let args: &[&str] = if cmd == "scenarios" { &["scenarios", "show", "--help"] } else { &[cmd, "--help"] };
        let out = borderq().args(args).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        let options = &help[help.find("Options:").unwrap_or(0)..help.find("Examples:").unwrap_or(help.len())];
        assert_eq!(documented, flags(options), "borderq {cmd}: README synopsis vs --help");
    }
}

/// The command line says what it does: one error line for one bad scenario, the replications
/// actually run, a date's wrong part, small waits with their digits, counts with separators, the
/// request window in words, aligned listings, singulars, and a warning for an empty scenario.
#[test]
fn messages_say_what_happened() {
    let out = borderq().args(["check", "nosuch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1, "one line for one bad scenario");
    let short = ["--set", "scenario.end=\"2024-02-01\"", "--no-charts", "--out"];
    let tmp = tempfile::tempdir().unwrap();
    borderq()
        .args(["run", "bailey", "--replications", "2", "--precision", "0.000001", "--max-replications", "8"])
        .args(short)
        .arg(tmp.path().join("p"))
        .assert()
        .success()
        .stderr(predicate::str::contains("borderq: 8 replications in"));
    borderq()
        .args(["run", "--set", "scenario.start=2024-13-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("month 13 does not exist"));
    let bailey = borderq()
        .args(["run", "bailey", "--replications", "2"])
        .args(short)
        .arg(tmp.path().join("b"))
        .output()
        .unwrap();
    let table = String::from_utf8(bailey.stdout).unwrap();
    let wait = table.lines().find(|l| l.starts_with("wait to processing, mean")).unwrap();
    let mean = wait.split_whitespace().nth(5).unwrap();
    assert!(mean.len() == 5 && mean.starts_with("0."), "three decimals for a wait under 10 days: {wait}");
    borderq()
        .args(["check", "may-2024-outage"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1,450 persons/day on 2024-04-01"))
        .stdout(predicate::str::contains("requests from 12:00 to 24:00 the day before"))
        .stdout(predicate::str::contains("(of 3,000 departing 2024-07-23"));
    let list = String::from_utf8(borderq().arg("scenarios").output().unwrap().stdout).unwrap();
    let columns: Vec<usize> = list
        .lines()
        .map(|l| l.find("  ").unwrap() + l[l.find("  ").unwrap()..].find(|c: char| c != ' ').unwrap())
        .collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "descriptions start in one column:\n{list}");
    borderq()
        .args([
            "sweep",
            "bailey",
            "--vary",
            "quota.daily=100",
            "--replications",
            "1",
            "--set",
            "scenario.end=\"2024-03-10\"",
        ])
        .args(["--no-charts", "--out"])
        .arg(tmp.path().join("s"))
        .assert()
        .success()
        .stderr(predicate::str::contains("1 grid point × 1 replication; 1 point to run"));
    borderq()
        .args(["run", "bailey", "--replications", "1", "--set", "arrivals.0.groups_per_day=0"])
        .args(short)
        .arg(tmp.path().join("e"))
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: scenario \"bailey\" has no arrivals"));
}

/// `run --help` lists every file a run can write.
#[test]
fn run_help_lists_every_file() {
    let help = String::from_utf8(borderq().args(["run", "--help"]).output().unwrap().stdout).unwrap();
    let out = crate::common::shared_run(&["run", "may-2024-outage", "--replications", "2", "--records", "--quiet"]);
    for e in std::fs::read_dir(&out).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        let stem = name.split('.').next().unwrap();
        assert!(help.contains(&name) || help.contains(stem), "run --help does not mention {name}");
    }
}

/// The README's worked what-if is exactly what the command prints today, so its figures cannot go
/// stale.
#[test]
fn the_readme_what_if_is_what_compare_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let quota = "quota.daily=[{from=\"2023-01-12\",value=960},{from=\"2023-05-12\",value=1000},{from=\"2023-05-22\",value=1250},{from=\"2023-06-20\",value=1450},{from=\"2024-04-01\",value=1000}]";
    let prompt = format!("$ borderq compare may-2024-outage --set '{quota}' --replications 10\n");
    let start = readme.find(&prompt).expect("the worked what-if") + prompt.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let out = borderq().args(["compare", "may-2024-outage", "--set", quota, "--replications", "10"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(shown, String::from_utf8(out.stdout).unwrap(), "update the README's what-if");
}

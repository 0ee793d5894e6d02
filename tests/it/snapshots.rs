//! Snapshot tests (insta) of what a user reads in the terminal: the help of every subcommand, the
//! summary table of a run, `check`'s account of a scenario, and the messages of typical mistakes.
//! A change to any of them shows as a diff to review (`cargo insta review`, or INSTA_UPDATE=always);
//! with CI set, a snapshot that differs fails and nothing is written.

use crate::common::{borderq, input_error};

/// The terminal text of a command: stdout, or stderr when it fails, the temporary directory
/// replaced by `[DIR]`.
fn terminal(args: &[&str], dir: &std::path::Path) -> String {
    let out = borderq().args(args).env("NO_COLOR", "1").output().unwrap();
    let text = if out.status.success() { out.stdout } else { out.stderr };
    String::from_utf8(text).unwrap().replace(&dir.display().to_string(), "[DIR]")
}

#[test]
fn help_of_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    insta::assert_snapshot!("help", terminal(&["--help"], tmp.path()));
    for sub in ["run", "sweep", "sensitivity", "calibrate", "merge", "compare", "check", "plot", "scenarios"] {
        insta::assert_snapshot!(format!("help-{sub}"), terminal(&[sub, "--help"], tmp.path()));
    }
}

#[test]
fn the_summary_table_of_a_short_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let args = ["run", "bailey", "--replications", "3", "--set", "scenario.end=\"2024-03-01\"", "--no-charts", "--out"];
    let mut all: Vec<&str> = args.to_vec();
    let out_s = out.display().to_string();
    all.push(&out_s);
    insta::assert_snapshot!(terminal(&all, tmp.path()));
}

#[test]
fn check_describes_the_default_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(terminal(&["check", "may-2024-outage"], tmp.path()));
}

#[test]
fn messages_of_typical_mistakes() {
    let base = "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n";
    let cases: &[(&str, &str, &[&str])] = &[
        ("a misspelt key", base, &["quota.dialy=5"]),
        ("a value out of range", base, &["quota.seniority_share=1.5"]),
        ("a wrong type", base, &["quota.daily=\"many\""]),
        ("an end before the start", base, &["scenario.end=\"2023-12-01\""]),
        ("an unknown table", &format!("{base}\n[arivals]\ngroups_per_day = 3\n"), &[]),
        (
            "a distribution without its parameter",
            &format!("{base}\n[abandonment]\npatience_days = {{ dist = \"exponential\" }}\n"),
            &[],
        ),
    ];
    let text: String = cases
        .iter()
        .map(|(name, toml, sets)| format!("{name}:\n  error: {}\n", input_error("mine.toml", toml, sets)))
        .collect();
    insta::assert_snapshot!(text);
}

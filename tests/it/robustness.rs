//! Degenerate but valid scenarios, output safety (unwritable directories, broken pipes, signals), scale
//! safety, and property tests of the model's invariants on random valid scenarios.

use std::process::{Command, Stdio};
use std::time::Duration;

use predicates::prelude::*;
use proptest::prelude::*;

use crate::common::{borderq, scenario};

const HEAD: &str = "[scenario]\nname = \"d\"\nstart = \"2024-01-01\"\nend = \"2024-03-01\"\nreplications = 3\n";

#[test]
fn degenerate_scenarios_run_and_say_something_sensible() {
    let cases = [
        ("zero arrivals", format!("{HEAD}[quota]\ndaily = 100\n")),
        ("zero quota", format!("{HEAD}[quota]\ndaily = 0\n[[arrivals]]\ngroups_per_day = 20\n")),
        ("quota far above demand", format!("{HEAD}[quota]\ndaily = 1000000\n[[arrivals]]\ngroups_per_day = 20\n")),
        (
            "an outage over the whole horizon",
            format!(
                "{HEAD}[quota]\ndaily = 50\n[initial]\ngroups = 30\n[[arrivals]]\ngroups_per_day = 20\n\
                 [confirmation]\n[[outages]]\nstart = \"2023-12-31T00:00\"\nhours = 2000\n"
            ),
        ),
        ("a horizon of one day", "[scenario]\nname = \"d\"\nstart = \"2024-01-01\"\nend = \"2024-01-02\"\n[quota]\ndaily = 5\n[[arrivals]]\ngroups_per_day = 20\n".to_string()),
        ("one replication", format!("{HEAD}[quota]\ndaily = 50\n[[arrivals]]\ngroups_per_day = 20\n").replace("replications = 3", "replications = 1")),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (i, (name, toml)) in cases.iter().enumerate() {
        let file = tmp.path().join(format!("d{i}.toml"));
        std::fs::write(&file, toml).unwrap();
        let out = tmp.path().join(format!("out{i}"));
        let result = borderq().arg("run").arg(&file).arg("--out").arg(&out).output().unwrap();
        let stdout = String::from_utf8_lossy(&result.stdout);
        assert!(result.status.success(), "{name}: {}", String::from_utf8_lossy(&result.stderr));
        assert!(!stdout.contains("NaN") && !stdout.contains("inf"), "{name}: {stdout}");
        for f in ["summary.csv", "replications.csv", "daily.csv", "summary.json"] {
            let text = std::fs::read_to_string(out.join(f)).unwrap();
            assert!(!text.contains("NaN") && !text.contains("inf"), "{name}: {f} has NaN or inf");
        }
        assert!(out.join("report.html").exists(), "{name}: charts and report are drawn even when empty");
    }
    // Nothing registers under a permanent outage of registrations; nothing is selected without requests.
    let s = scenario(&cases[3].1);
    let r = borderq::model::Model::new(&s).replicate(0, &mut borderq::model::NoRecords);
    assert_eq!((r.whole.counts.arrived_groups, r.whole.counts.selected_groups), (0, 0));
    assert_eq!(r.whole.counts.unused_slots, 50 * 60);
}

#[test]
fn unwritable_output_is_a_clean_failure() {
    borderq()
        .args([
            "run",
            "bailey",
            "--replications",
            "2",
            "--set",
            "scenario.end=\"2024-02-01\"",
            "--out",
            "/proc/borderq-cannot-write-here",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("error: could not write /proc/borderq-cannot-write-here"))
        .stdout(predicate::str::is_empty());
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    borderq()
        .args(["run", "bailey", "--replications", "2", "--set", "scenario.end=\"2024-02-01\"", "--out"])
        .arg(file.join("sub"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("could not write"));
}

#[test]
fn a_closed_stdout_pipe_is_not_an_error() {
    let bin = assert_cmd::cargo::cargo_bin("borderq");
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
        .args(["run", "bailey", "--replications", "2", "--set", "scenario.end=\"2024-02-01\"", "--out"])
        .arg(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // like `| head -0`: the reader is gone before borderq writes
    assert!(child.wait().unwrap().success());
}

fn interrupted(signal: &str, expected: i32) {
    let bin = assert_cmd::cargo::cargo_bin("borderq");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let child = Command::new(bin)
        .args(["run", "may-2024-outage", "--replications", "100000", "--threads", "1", "--quiet", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let status = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let result = child.wait_with_output().unwrap();
    assert_eq!(result.status.code(), Some(expected), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(!out.exists(), "an interrupted run leaves no output");
}

#[test]
fn sigint_and_sigterm_stop_cleanly_with_130_and_143() {
    interrupted("-INT", 130);
    interrupted("-TERM", 143);
}

#[test]
fn scenarios_too_large_for_memory_are_refused_up_front() {
    borderq()
        .args(["run", "bailey", "--set", "arrivals.0.groups_per_day=10000000", "--set", "scenario.end=\"2034-01-01\""])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("would register about 3.653e10 groups per replication"));
    // A 10,000-point sweep is validated and its size reported before anything runs.
    let tmp = tempfile::tempdir().unwrap();
    borderq()
        .args([
            "sweep",
            "bailey",
            "--vary",
            "quota.daily=1:10000:1",
            "--replications",
            "1",
            "--shard",
            "1/10000",
            "--no-charts",
        ])
        .args(["--set", "scenario.end=\"2024-01-03\"", "--set", "scenario.warmup_days=0", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("10000 grid points × 1 replication; 1 point to run in shard 1/10000"));
}

/// Three replications of scenario text on one thread (with every group's row) and on two.
fn one_and_two_threads(
    toml: &str,
) -> (Vec<borderq::model::RepResult>, Vec<borderq::model::RepResult>, Vec<borderq::model::GroupRow>) {
    let m = borderq::model::Model::new(&scenario(toml));
    let opts1 = borderq::run::RunOptions { threads: Some(1), ..Default::default() };
    let opts2 = borderq::run::RunOptions { threads: Some(2), ..Default::default() };
    let mut records = Vec::new();
    let one = borderq::run::replications(&m, 3, &opts1, Some(&mut records)).unwrap();
    let two = borderq::run::replications(&m, 3, &opts2, None).unwrap();
    (one, two, records)
}

/// Small random valid scenarios: every mechanism on, sizes and parameters drawn by proptest.
fn random_scenario() -> impl Strategy<Value = String> {
    (
        (0u32..40, 0u32..60, prop_oneof![Just("persons"), Just("groups")], 0.0f64..=1.0, 0.0f64..=1.0),
        (1.0f64..30.0, 0.0f64..30.0, 1u32..4, 0.0f64..=1.0, prop_oneof![Just("none"), Just("extend"), Just("reissue")]),
        (prop_oneof![Just("return"), Just("drop")], 0.0f64..5.0, 0.0f64..=0.5, 0.5f64..30.0, 0u32..30),
        (0u32..300, 0.0f64..48.0, 0.0f64..24.0, 0.0f64..=1.0, 1u32..10),
    )
        .prop_map(|((rate, quota, unit, share, p), (window, first, attempts, fail, policy), (miss, lead, noshow, patience, backlog), (caravan, outage_at, outage_h, dropout, max_size))| {
            format!(
                "[scenario]\nname = \"p\"\nstart = \"2024-01-01\"\nend = \"2024-01-21\"\nwarmup_days = 2\nreplications = 3\n\
                 [quota]\nunit = \"{unit}\"\ndaily = {quota}\nseniority_share = {share}\nrequest_probability = {p}\n\
                 [confirmation]\nwindow_hours = {window}\nfirst_attempt_hours = {{ dist = \"exponential\", mean = {first}, max = 48 }}\n\
                 max_attempts = {attempts}\nfailure_probability = {fail}\noutage_policy = \"{policy}\"\ngrace_hours = 3\non_miss = \"{miss}\"\n\
                 [appointment]\nlead_days = {{ dist = \"uniform\", min = 0, max = {lead} }}\nno_show_probability = {noshow}\n\
                 [abandonment]\npatience_days = {{ dist = \"exponential\", mean = {patience} }}\n\
                 [initial]\ngroups = {backlog}\nregistered_days_ago = {{ dist = \"uniform\", min = 0, max = 10 }}\n\
                 group_size = {{ dist = \"uniform\", min = 1, max = {max_size} }}\n\
                 [[arrivals]]\ngroups_per_day = {rate}\ngroup_size = {{ dist = \"uniform\", min = 1, max = {max_size} }}\n\
                 [[caravans]]\ndepart = \"2023-12-30\"\npersons = {caravan}\ndistance_km = 100\npace_km_per_day = {{ dist = \"normal\", mean = 20, sd = 8, min = 2 }}\ndropout = {dropout}\n\
                 [[outages]]\nstart = \"2024-01-03T00:00\"\nhours = {outage_h}\naffects = [\"confirmations\", \"requests\"]\n\
                 [[outages]]\nstart = \"2024-01-08T00:00\"\nhours = {outage_at}\naffects = [\"registrations\"]\n"
            )
            .replace("hours = 0\n", "hours = 1\n")
            .replace("hours = 0.0\n", "hours = 1\n")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Conservation, the quota and Little's law are asserted inside every replication (a violation
    /// panics); here: no panic, waits never negative, states consistent, and identical results for
    /// one and two threads.
    #[test]
    fn model_invariants_hold_on_random_scenarios(toml in random_scenario()) {
        let (one, two, records) = one_and_two_threads(&toml);
        // Compared as text: a share that is not estimable is NaN, which is never equal to itself.
        prop_assert_eq!(format!("{one:?}"), format!("{two:?}"));
        for r in &one {
            for w in [r.whole.wait, r.whole.booking_wait].into_iter().flatten() {
                prop_assert!(w.mean >= 0.0 && w.p50 >= 0.0 && w.p90 >= w.p50 && w.p99 >= w.p90);
            }
            let c = &r.whole.counts;
            prop_assert!(c.booked_groups <= c.selected_groups);
            prop_assert!(c.missed_in_outage <= c.missed_confirmations);
            prop_assert_eq!(r.whole.waiting_integral, r.whole.waiting_time_sum);
        }
        // Each registered group of replication 0 is reported exactly once, in one final state.
        let c = &one[0].whole.counts;
        prop_assert_eq!(records.len() as u64, c.initial_groups + c.arrived_groups);
        let mut ids: Vec<u64> = records.iter().map(|g| g.id).collect();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), records.len());
        for g in &records {
            prop_assert!(g.ended_at >= g.registered_at);
            if let Some(b) = g.booked_at { prop_assert!(b >= g.registered_at); }
        }
    }
}

/// Small random valid scenarios with two or three ports, moves between them, closures to
/// appointments (kept or cancelled) and to allocations (slots kept or redistributed), cancelled
/// appointments from a date, a reported period after a simulated history, and random caravans and
/// outages: every mechanism that acts at a port.
fn random_port_scenario() -> impl Strategy<Value = String> {
    (
        (2usize..=3, [0u32..25, 0u32..25, 0u32..25], prop_oneof![Just("persons"), Just("groups")], 0.0f64..=1.0),
        (2u32..20, 0.0f64..=0.5, prop_oneof![Just("shortest_wait"), Just("weights")], 0u32..6, any::<bool>()),
        (2u32..30, prop::option::of(3u32..34), 0.0f64..3.0, 0.0f64..6.0, 0u32..60),
        (1u32..25, 0u32..100, prop_oneof![Just("cancel"), Just("honour_later")], 0u32..120, any::<bool>()),
        (0u32..40, [1u32..4, 1u32..4, 1u32..4], 0u64..1000),
    )
        .prop_map(
            |(
                (ports, quotas, unit, share),
                (report_day, move_p, rule, after, lead_at_a),
                (rate, cancel_day, caravans, outages, backlog),
                (closed_day, closed_h, booked, alloc_h, redistribute),
                (patience, weights, seed),
            )| {
                let ids = ["a", "b", "c"];
                let mut t = format!(
                    "[scenario]\nname = \"pp\"\nstart = \"2024-01-01\"\nend = \"2024-02-05\"\nreport_from = \"2024-01-{report_day:02}\"\nseed = {seed}\n\
                     [quota]\nunit = \"{unit}\"\nseniority_share = {share}\nrequest_probability = 0.9\n"
                );
                for (i, id) in ids.iter().take(ports).enumerate() {
                    t += &format!("[[ports]]\nid = \"{id}\"\nquota = {}\n", quotas[i]);
                    if i == 0 && lead_at_a {
                        t += "lead_days = { dist = \"uniform\", min = 0, max = 4 }\n";
                    }
                }
                t += &format!("[port_switching]\nafter_days = {after}\ndaily_probability = {move_p}\nrule = \"{rule}\"\n");
                t += "[confirmation]\nwindow_hours = 23\nfirst_attempt_hours = { dist = \"exponential\", mean = 4, max = 48 }\n\
                      max_attempts = 2\nfailure_probability = 0.1\noutage_policy = \"reissue\"\ngrace_hours = 3\non_miss = \"return\"\n";
                t += "[appointment]\nlead_days = { dist = \"uniform\", min = 0, max = 6 }\nno_show_probability = 0.05\n";
                if let Some(d) = cancel_day {
                    t += &format!("cancel_from = \"2024-01-{:02}T09:00\"\n", d.min(31));
                }
                if patience > 0 {
                    t += &format!("[abandonment]\npatience_days = {{ dist = \"exponential\", mean = {patience} }}\n");
                }
                let w: Vec<String> = ids.iter().take(ports).zip(weights).map(|(id, w)| format!("{id} = {w}")).collect();
                let w = w.join(", ");
                if backlog > 0 {
                    t += &format!("[initial]\ngroups = {backlog}\nregistered_days_ago = {{ dist = \"uniform\", min = 0, max = 10 }}\nports = {{ {w} }}\n");
                }
                t += &format!("[[arrivals]]\ngroups_per_day = {rate}\nports = {{ {w} }}\n");
                t += &format!(
                    "[caravan_process]\nper_month = {caravans}\npersons = {{ dist = \"uniform\", min = 1, max = 150 }}\ndistance_km = 100\n\
                     pace_km_per_day = {{ dist = \"normal\", mean = 20, sd = 8, min = 2 }}\n\
                     [outage_process]\nper_month = {outages}\nhours = {{ dist = \"lognormal\", mean = 4, sd = 3 }}\n"
                );
                if closed_h > 0 {
                    t += &format!(
                        "[[outages]]\nstart = \"2024-01-{closed_day:02}T00:00\"\nhours = {closed_h}\nports = [\"a\"]\naffects = [\"appointments\"]\nbooked = \"{booked}\"\n"
                    );
                }
                if alloc_h > 0 {
                    t += &format!(
                        "[[outages]]\nstart = \"2024-01-{:02}T06:00\"\nhours = {alloc_h}\nports = [\"b\"]\naffects = [\"allocations\"]\nredistribute = {redistribute}\nbooked = \"honour\"\n",
                        (closed_day + 3).min(28)
                    );
                }
                t
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Every invariant is asserted at each port and for the whole inside every replication (a
    /// violation panics); here also: the whole is the sum of its ports, moves balance, a closure
    /// to allocations gives out nothing at the closed port unless redistributed, results do not
    /// depend on threads, and each group in the system in the reported period is reported once.
    #[test]
    fn port_mechanisms_keep_the_invariants_on_random_scenarios(toml in random_port_scenario()) {
        let (one, two, records) = one_and_two_threads(&toml);
        prop_assert_eq!(format!("{one:?}"), format!("{two:?}"));
        for r in &one {
            let w = &r.whole.counts;
            let sum = |f: fn(&borderq::model::Counts) -> u64| r.ports.iter().map(|p| f(&p.counts)).sum::<u64>();
            prop_assert_eq!(sum(|c| c.processed_persons), w.processed_persons);
            prop_assert_eq!(sum(|c| c.booked_groups), w.booked_groups);
            prop_assert_eq!(sum(|c| c.abandoned_groups), w.abandoned_groups);
            prop_assert_eq!(sum(|c| c.cancelled_appointments), w.cancelled_appointments);
            prop_assert_eq!(sum(|c| c.final_waiting_groups), w.final_waiting_groups);
            prop_assert_eq!(sum(|c| c.moved_in_persons), sum(|c| c.moved_out_persons));
            prop_assert_eq!(r.ports.iter().map(|p| p.waiting_integral).sum::<u128>(), r.whole.waiting_integral);
            prop_assert!(r.whole.max_waiting_groups <= r.ports.iter().map(|p| p.max_waiting_groups).sum::<u64>());
            prop_assert!(r.whole.max_waiting_groups >= r.ports.iter().map(|p| p.max_waiting_groups).max().unwrap_or(0));
            for p in &r.ports {
                for w in [p.wait, p.booking_wait].into_iter().flatten() {
                    prop_assert!(w.mean >= 0.0 && w.p50 >= 0.0 && w.p90 >= w.p50 && w.p99 >= w.p90);
                }
            }
        }
        let c = &one[0].whole.counts;
        let ids: std::collections::BTreeSet<u64> = records.iter().map(|g| g.id).collect();
        prop_assert_eq!(ids.len(), records.len(), "each group reported once");
        prop_assert!(records.len() as u64 >= c.arrived_groups, "every group registered in the period is reported");
    }
}

//! Ports of entry: independent ports against separate runs, Bailey at each port, the Laredo halt,
//! the quota split and the per-port errors.

use borderq::model::{Measures, Model, NoRecords, PortSeries, RepResult};

use crate::common::{borderq, mean_se, replicate, scenario};

/// Two ports with a quota and an arrival stream each, every source tied to one port.
fn two_ports(days: u32) -> String {
    let end = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(days as u64);
    format!(
        "[scenario]\nname = \"two\"\nstart = \"2024-01-01\"\nend = \"{end}\"\nwarmup_days = 50\nseed = 11\n\
         [quota]\nunit = \"persons\"\nseniority_share = 0.3\nrequest_probability = 0.7\n\
         [[ports]]\nid = \"a\"\nquota = 100\n[[ports]]\nid = \"b\"\nquota = 60\n\
         [confirmation]\nwindow_hours = 23\n[appointment]\nlead_days = {{ dist = \"uniform\", min = 5, max = 15 }}\n\
         [abandonment]\npatience_days = {{ dist = \"exponential\", mean = 60 }}\n\
         [[arrivals]]\nname = \"to a\"\ngroups_per_day = 55\ngroup_size = {{ dist = \"empirical\", values = [1, 2, 3], weights = [3, 2, 1] }}\nports = {{ a = 1 }}\n\
         [[arrivals]]\nname = \"to b\"\ngroups_per_day = 38\ngroup_size = {{ dist = \"empirical\", values = [1, 2, 3], weights = [3, 2, 1] }}\nports = {{ b = 1 }}\n"
    )
}

/// One port's stream and quota alone, otherwise the same scenario.
fn one_port(days: u32, quota: u32, rate: u32) -> String {
    let end = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(days as u64);
    format!(
        "[scenario]\nname = \"one\"\nstart = \"2024-01-01\"\nend = \"{end}\"\nwarmup_days = 50\nseed = 12\n\
         [quota]\nunit = \"persons\"\ndaily = {quota}\nseniority_share = 0.3\nrequest_probability = 0.7\n\
         [confirmation]\nwindow_hours = 23\n[appointment]\nlead_days = {{ dist = \"uniform\", min = 5, max = 15 }}\n\
         [abandonment]\npatience_days = {{ dist = \"exponential\", mean = 60 }}\n\
         [[arrivals]]\ngroups_per_day = {rate}\ngroup_size = {{ dist = \"empirical\", values = [1, 2, 3], weights = [3, 2, 1] }}\n"
    )
}

/// A named measure of one replication.
type Measure = (&'static str, fn(&Measures) -> f64);

/// With every source tied to one port and no moves, each port behaves in law like a run of its
/// own: the means of the headline measures agree within 4 standard errors of their difference
/// (a correct model fails one comparison with probability about 6e-5).
#[test]
fn independent_ports_match_separate_single_port_runs() {
    let both = replicate(&scenario(&two_ports(400)), 24);
    for (p, (quota, rate)) in [(100, 55), (60, 38)].into_iter().enumerate() {
        let alone = replicate(&scenario(&one_port(400, quota, rate)), 24);
        let measures: [Measure; 4] = [
            ("processed persons", |r| r.counts.processed_persons as f64),
            ("abandoned persons", |r| r.counts.abandoned_persons as f64),
            ("persons waiting, time-average", |r| r.mean_waiting_persons),
            ("mean wait", |r| r.wait.unwrap().mean),
        ];
        for (name, f) in measures {
            let (m1, s1) = mean_se(&both.iter().map(|r| f(&r.ports[p])).collect::<Vec<_>>());
            let (m2, s2) = mean_se(&alone.iter().map(|r| f(&r.whole)).collect::<Vec<_>>());
            let se = (s1 * s1 + s2 * s2).sqrt();
            assert!((m1 - m2).abs() < 4.0 * se, "port {p}, {name}: {m1} ± {s1} at two ports vs {m2} ± {s2} alone");
        }
    }
}

/// Bailey's bulk queue at each of two ports (Poisson arrivals, q groups served at 12:00), against
/// the same stationary chain the single-port test uses, within 4 standard errors.
#[test]
fn bailey_holds_at_each_port() {
    let text = "[scenario]\nname = \"b2\"\nstart = \"2024-01-01\"\nend = \"2026-11-15\"\nwarmup_days = 50\nseed = 3\n\
                [quota]\nunit = \"groups\"\n[[ports]]\nid = \"x\"\nquota = 100\n[[ports]]\nid = \"y\"\nquota = 100\n\
                [[arrivals]]\ngroups_per_day = 90\nports = { x = 1 }\n[[arrivals]]\ngroups_per_day = 90\nports = { y = 1 }\n";
    let reps = replicate(&scenario(text), 24);
    // E[N] after allocation for λ = 90, q = 100 (Bailey's chain; see theory.rs): L = E[N] + λ/2.
    let l = crate::theory::bailey_mean_pool_after_allocation(90.0, 100) + 45.0;
    for p in 0..2 {
        let (ml, sel) = mean_se(&reps.iter().map(|r| r.ports[p].mean_waiting_groups).collect::<Vec<_>>());
        assert!((ml - l).abs() < 4.0 * sel, "port {p}: L {ml} ± {sel} vs Bailey {l}");
        let (mw, sew) = mean_se(&reps.iter().map(|r| r.ports[p].wait.unwrap().mean).collect::<Vec<_>>());
        assert!((mw - l / 90.0).abs() < 4.0 * sew, "port {p}: W {mw} ± {sew} vs Bailey {}", l / 90.0);
    }
}

/// Laredo, June 2023: no slots at Laredo from 3 to 27 June while the other ports share them;
/// appointments booked before 3 June are processed; then nobody is processed at Laredo until the
/// slots given out from 28 June come due (the lead time is at least 7 days).
#[test]
fn laredo_halt_redistributes_and_honours_booked_appointments() {
    let s = borderq::scenario::load("laredo-jun-2023", &[]).expect("bundled");
    let model = Model::new(&s);
    let laredo = s.ports.iter().position(|p| p.id == "laredo").unwrap();
    let day = |date: &str| (date.parse::<chrono::NaiveDate>().unwrap() - s.report_start()).num_days() as usize;
    let (halt, resume, first_due) = (day("2023-06-03"), day("2023-06-28"), day("2023-07-05"));
    for r in 0..4 {
        let rep = model.replicate(r, &mut NoRecords);
        let d = rep.port_daily.as_ref().expect("per-port series");
        let quota = |p: usize, t: usize| d.get(p, PortSeries::Quota, t);
        for t in halt..resume {
            assert_eq!(quota(laredo, t), 0, "Laredo gives out slots on day {t}");
            let total: u64 = (0..s.ports.len()).map(|p| quota(p, t)).sum();
            assert_eq!(total as f64, rep.daily.get(borderq::model::Series::Quota)[t], "slots lost on day {t}");
        }
        assert!(quota(laredo, halt - 1) > 0 && quota(laredo, resume) > 0, "Laredo's slots before and after");
        let processed = |t: usize| d.get(laredo, PortSeries::ProcessedPersons, t);
        assert!((halt..halt + 7).all(|t| processed(t) > 0), "appointments booked before 3 June are kept");
        let last = (halt..resume).rev().find(|t| processed(*t) > 0).expect("some booked before the halt");
        assert!((last + 1..first_due).all(|t| processed(t) == 0), "processed at Laredo with no appointment due");
        assert!((first_due..first_due + 7).any(|t| processed(t) > 0), "Laredo resumes once the new slots come due");
    }
}

/// The largest-remainder split: 1,450 over eight equal shares gives two ports 182 and six 181,
/// the extra slots to the first ports.
#[test]
fn shares_split_by_the_largest_remainder() {
    let ports: String = (0..8).map(|i| format!("[[ports]]\nid = \"p{i}\"\nshare = 0.125\n")).collect();
    let text = format!(
        "[scenario]\nname = \"split\"\nstart = \"2024-01-01\"\nend = \"2024-01-03\"\n[quota]\ndaily = 1450\n{ports}\
         [[arrivals]]\ngroups_per_day = 3000\n"
    );
    let s = scenario(&text);
    let rep = Model::new(&s).replicate(0, &mut NoRecords);
    let d = rep.port_daily.unwrap();
    let q: Vec<u64> = (0..8).map(|p| d.get(p, PortSeries::Quota, 0)).collect();
    assert_eq!(q, [182, 182, 181, 181, 181, 181, 181, 181]);
}

/// Bad port input: exit 2, the location, and the valid names.
#[test]
fn bad_port_input_names_the_place_and_the_valid_ports() {
    let base = "[scenario]\nname = \"x\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n[quota]\n";
    let two = "[[ports]]\nid = \"a\"\nquota = 10\n[[ports]]\nid = \"b\"\nquota = 5\n";
    let cases: [(String, &str); 6] = [
        (
            format!("{base}{two}[[arrivals]]\ngroups_per_day = 1\nports = {{ c = 1 }}\n"),
            "names the unknown port \"c\": valid ports are \"a\", \"b\"",
        ),
        (format!("{base}{two}[[arrivals]]\ngroups_per_day = 1\nports = {{ a = 0 }}\n"), "gives every port weight 0"),
        (
            format!("{base}daily = 10\n[[ports]]\nid = \"a\"\nshare = 0.7\n[[ports]]\nid = \"b\"\nshare = 0.5\n"),
            "makes the shares of the ports sum to 1.2",
        ),
        (format!("{base}{two}[[ports]]\nid = \"a\"\nquota = 3\n"), "ports.2.id = \"a\" is already the id of ports.0"),
        (format!("{base}[[ports]]\nid = \"a\"\nquota = 3\nshare = 0.5\n"), "is given together with quota"),
        (
            format!(
                "{base}{two}[[outages]]\nstart = \"2024-01-05T00:00\"\nhours = 5\nports = [\"z\"]\naffects = [\"allocations\"]\n"
            ),
            "names the unknown port \"z\": valid ports are \"a\", \"b\"",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (text, want)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("p{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let out = borderq().arg("check").arg(&path).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "case {i}: {err}");
        assert!(err.contains(want) && err.contains(&format!("p{i}.toml:")), "case {i}: {err}");
    }
}

/// Two ports, B closed to appointments for ten days with `booked` as given; A open throughout.
fn closure(booked: &str) -> String {
    format!(
        "[scenario]\nname = \"closed\"\nstart = \"2024-01-01\"\nend = \"2024-03-01\"\nseed = 5\n\
         [quota]\nunit = \"persons\"\n[[ports]]\nid = \"a\"\nquota = 50\n[[ports]]\nid = \"b\"\nquota = 50\n\
         [appointment]\nlead_days = {{ dist = \"uniform\", min = 3, max = 8 }}\n\
         [[arrivals]]\ngroups_per_day = 60\nports = {{ a = 1 }}\n[[arrivals]]\ngroups_per_day = 60\nports = {{ b = 1 }}\n\
         [[outages]]\nlabel = \"B closed\"\nstart = \"2024-01-20T00:00\"\nhours = 240\nports = [\"b\"]\n\
         affects = [\"appointments\"]\nbooked = \"{booked}\"\n"
    )
}

/// A closure to appointments: nobody is processed at the closed port inside it. `honour_later`
/// moves the appointments to the first open day (a bulge then, nothing cancelled); `cancel` sends
/// the groups back to waiting (cancellations, no bulge); the open port is untouched.
#[test]
fn closures_to_appointments_honour_later_or_cancel() {
    let (from, to) = (19, 29);
    for booked in ["honour_later", "cancel"] {
        let s = scenario(&closure(booked));
        for r in 0..3 {
            let rep = Model::new(&s).replicate(r, &mut NoRecords);
            let d = rep.port_daily.as_ref().unwrap();
            let processed = |p: usize, t: usize| d.get(p, PortSeries::ProcessedPersons, t);
            assert!((from..to).all(|t| processed(1, t) == 0), "{booked}: processed at B while closed");
            assert!((from..to).all(|t| processed(0, t) > 0), "{booked}: A keeps processing");
            let cancelled = rep.ports[1].counts.cancelled_persons;
            if booked == "honour_later" {
                assert_eq!(cancelled, 0);
                assert!(processed(1, to) > 2 * 50, "the moved appointments come on the first open day");
            } else {
                assert!(cancelled > 0, "appointments inside the closure are cancelled");
                assert!(processed(1, to) < 2 * 50, "no bulge: nothing moved to the first open day");
            }
        }
    }
}

/// Moves between ports: with `shortest_wait`, groups that waited long leave the overloaded port
/// for the short queue, keep their registration time, and every per-port invariant holds
/// (asserted in each replication); the moves in and out balance.
#[test]
fn long_waiters_move_to_the_shortest_queue() {
    let text = "[scenario]\nname = \"moves\"\nstart = \"2024-01-01\"\nend = \"2024-06-01\"\nseed = 9\n\
                [quota]\nunit = \"groups\"\nseniority_share = 0.5\n[[ports]]\nid = \"busy\"\nquota = 40\n[[ports]]\nid = \"quiet\"\nquota = 60\n\
                [abandonment]\npatience_days = { dist = \"exponential\", mean = 200 }\n\
                [[arrivals]]\ngroups_per_day = 60\nports = { busy = 1 }\n[[arrivals]]\ngroups_per_day = 30\nports = { quiet = 1 }\n\
                [port_switching]\nafter_days = 20\ndaily_probability = 0.05\nrule = \"shortest_wait\"\n";
    let reps = replicate(&scenario(text), 4);
    for r in &reps {
        let (busy, quiet) = (&r.ports[0].counts, &r.ports[1].counts);
        assert!(busy.moved_out_groups > 0 && quiet.moved_in_groups == busy.moved_out_groups);
        assert_eq!(quiet.moved_out_groups, 0, "nobody leaves the short queue for the long one");
        assert_eq!(busy.processed_groups + quiet.processed_groups, r.whole.counts.processed_groups);
    }
    // Without moves the quiet port's slots go partly unused; with them, fewer do.
    let still = replicate(&scenario(&text.replace("daily_probability = 0.05", "daily_probability = 0")), 4);
    let unused = |reps: &[RepResult]| reps.iter().map(|r| r.ports[1].counts.unused_slots).sum::<u64>();
    assert!(unused(&reps) < unused(&still), "moves use the quiet port's slots");
}

/// Moves back and forth: with two ports and `weights`, a group that moves twice is back at its
/// first port, whose seniority log still holds it; it is walked (and selected) once.
#[test]
fn a_group_that_moves_back_is_selected_once() {
    let text = two_ports(240)
        .replace("ports = { a = 1 }", "ports = { a = 1, b = 1 }")
        .replace("ports = { b = 1 }", "ports = { a = 1, b = 2 }")
        + "[port_switching]\nafter_days = 5\ndaily_probability = 0.2\nrule = \"weights\"\n";
    for r in replicate(&scenario(&text), 3) {
        let (a, b) = (&r.ports[0].counts, &r.ports[1].counts);
        assert!(a.moved_in_groups > 0 && b.moved_in_groups > 0, "groups move both ways");
        assert_eq!(a.moved_in_groups + b.moved_in_groups, a.moved_out_groups + b.moved_out_groups);
    }
}

/// A scenario without ports has one implicit port; declaring that port must change nothing but
/// the per-port rows: every bundled single-port scenario (reported periods, warm-ups, outages,
/// cancellations, backlogs, caravans), field by field, the whole equal to its one port.
#[test]
fn one_declared_port_measures_the_whole_as_no_ports_do() {
    for b in borderq::scenario::BUNDLED.iter().filter(|b| scenario(b.text).ports.is_empty()) {
        let plain = scenario(b.text);
        let one = scenario(&format!("{}\n[[ports]]\nid = \"only\"\nshare = 1\n", b.text));
        // One replication: that rooms reused from one replication to the next change nothing is
        // held by the thread-count tests (one thread reuses them, two split the replications).
        for (mut with, without) in replicate(&one, 1).into_iter().zip(replicate(&plain, 1)) {
            assert_eq!(with.ports.len(), 1);
            assert_eq!(with.ports[0].counts, with.whole.counts, "{}: the port is the whole", b.name);
            (with.ports, with.port_daily) = (Vec::new(), None);
            // As text: a cohort's empty statistics are NaN, which no float equals.
            assert_eq!(format!("{with:?}"), format!("{without:?}"), "{}", b.name);
        }
    }
}

/// A calibration target at a port reads that port's own measurements: the sums of its daily series
/// are its counts, the mean of its daily waiting persons is its time-average, its wait is its own.
#[test]
fn targets_at_a_port_read_that_port() {
    use borderq::calibrate::{Bound, Target, TargetMetric};
    let s = scenario(&two_ports(200));
    let (from, to) = (s.report_start(), s.end);
    let at = |metric, p: usize| Target {
        from,
        to,
        metric,
        value: 0.0,
        scale: 1.0,
        bound: Bound::Equal,
        port: Some((p, ["a", "b"][p].to_string())),
    };
    let after_warmup = |p| Target { from: s.start + chrono::Days::new(50), ..at(TargetMetric::WaitingPersons, p) };
    let targets: Vec<Target> = (0..2)
        .flat_map(|p| [at(TargetMetric::ProcessedPersons, p), after_warmup(p), at(TargetMetric::WaitMeanDays, p)])
        .collect();
    let reps = borderq::run::replications(
        &Model::new(&s).measuring(targets.iter().map(Target::measure).collect()),
        2,
        &borderq::run::RunOptions {
            threads: Some(1),
            cancel: None,
            progress: None,
            port_daily: None,
            keep_port_daily: true,
        },
        None,
    )
    .unwrap();
    for r in &reps {
        for p in 0..2 {
            let port = &r.ports[p];
            let value = |t: Target| r.period(&t.measure()).unwrap();
            let processed = value(at(TargetMetric::ProcessedPersons, p));
            assert_eq!(processed, port.counts.processed_persons as f64, "port {p}");
            // The time-averages start after the warm-up.
            let waiting = value(after_warmup(p));
            assert!((waiting - port.mean_waiting_persons).abs() < 1e-9 * waiting, "port {p}: {waiting}");
            let wait = value(at(TargetMetric::WaitMeanDays, p));
            assert_eq!(wait, port.wait.unwrap().mean, "port {p}");
        }
        assert_ne!(r.ports[0].counts.processed_persons, r.ports[1].counts.processed_persons);
    }
}

/// `--set` reaches one port's weight in a source's `ports` table, and a wrong id is refused with
/// the valid ones.
#[test]
fn set_reaches_a_single_port_weight() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.toml");
    std::fs::write(&path, two_ports(120)).unwrap();
    let run = |set: &str| {
        borderq()
            .arg("run")
            .arg(&path)
            .args(["--replications", "2", "--quiet", "--no-charts", "--force", "--set", set, "--out"])
            .arg(dir.path().join("out"))
            .output()
            .unwrap()
    };
    let out = run("arrivals.0.ports.b=1");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let used = std::fs::read_to_string(dir.path().join("out/scenario.toml")).unwrap();
    assert!(used.contains(r#"ports = { "a" = 1.0, "b" = 1.0 }"#), "the weight is in the scenario that ran:\n{used}");
    let out = run("arrivals.0.ports.c=1");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("unknown port \"c\"") && err.contains("valid ports are \"a\", \"b\""), "{err}");
}

/// A target CSV may name a port; an unknown one is refused with the file, the line and the ports.
#[test]
fn a_target_at_an_unknown_port_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("two.toml"), two_ports(200)).unwrap();
    let csv = "from,to,metric,value,tolerance,port\n2024-02-20,2024-07-19,processed_persons,5,1,a\n\
               2024-02-20,2024-07-19,processed_persons,5,1,z\n";
    std::fs::write(dir.path().join("t.csv"), csv).unwrap();
    let out = borderq()
        .arg("calibrate")
        .arg(dir.path().join("two.toml"))
        .args(["--fit", "arrivals.0.groups_per_day=40.0:70.0", "--quiet", "--target"])
        .arg(dir.path().join("t.csv"))
        .arg("--out")
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("t.csv:3: port = \"z\" is not a port of the scenario: expected one of a, b"), "{err}");
}

//! Parsing, overrides, validation messages and the resolved round trip.

use super::*;

fn text(s: &str) -> ScenarioText {
    ScenarioText { label: "t.toml".into(), text: s.into() }
}

const MINIMAL: &str = "[scenario]\nname = \"m\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n";

fn err(toml: &str, sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    parse(&text(toml), &sets).expect_err("should be rejected").to_string()
}

#[test]
fn every_bundled_scenario_is_valid_and_round_trips_through_resolved_toml() {
    for b in BUNDLED {
        let s = bundled(b.name).unwrap().unwrap_or_else(|e| panic!("{}: {e}", b.name));
        assert_eq!(s.name, b.name);
        let resolved = to_toml(&s);
        let again = parse(&text(&resolved), &[]).unwrap_or_else(|e| panic!("{}: {e}\n{resolved}", b.name));
        assert_eq!(again, s, "resolved {} differs", b.name);
        assert_eq!(to_toml(&again), resolved);
    }
}

#[test]
fn defaults_follow_spec() {
    let s = parse(&text(MINIMAL), &[]).unwrap();
    assert_eq!(s.replications, 30);
    assert_eq!(s.seed, 1);
    assert_eq!(s.warmup_days, 0.0);
    assert_eq!(s.quota.unit, QuotaUnit::Persons);
    assert_eq!(s.quota.allocation_hour, 12.0);
    assert_eq!(s.quota.request_open_hour, crate::scenario::Schedule::Constant(0.0));
    assert_eq!(s.quota.request_close_hour, crate::scenario::Schedule::Constant(12.0));
    assert_eq!(s.quota.request_probability, Schedule::Constant(1.0));
    assert_eq!(s.quota.seniority_share, Schedule::Constant(0.0));
    assert!(s.confirmation.is_none() && s.appointment.is_none() && s.abandonment.is_none());
    let c = parse(&text(&format!("{MINIMAL}[confirmation]\n")), &[]).unwrap().confirmation.unwrap();
    assert_eq!(c.window_hours, 23.0);
    assert_eq!(c.first_attempt_hours, Dist::constant(0.0));
    assert_eq!(c.retry_hours, Dist::constant(1.0));
    assert_eq!((c.max_attempts, c.failure_probability, c.grace_hours), (1, 0.0, 0.0));
    assert_eq!((c.outage_policy, c.on_miss), (OutagePolicy::None, OnMiss::Return));
    let o = parse(&text(&format!("{MINIMAL}[[outages]]\nstart = \"2024-01-02T06:00\"\nhours = 3\n")), &[]).unwrap();
    assert_eq!(o.outages[0].affects, Affects::ALL);
}

#[test]
fn overrides_apply_in_order_and_parse_as_toml() {
    let sets = [
        "quota.daily=2000".to_string(),
        "quota.daily=2500".into(),
        "confirmation.outage_policy=none".into(),
        "abandonment.patience_days={ dist = \"exponential\", mean = 30 }".into(),
        "scenario.end=\"2024-03-01\"".into(),
    ];
    let s = parse(&text(MINIMAL), &sets).unwrap();
    assert_eq!(s.quota.daily, Schedule::Constant(2500.0));
    assert_eq!(s.confirmation.unwrap().outage_policy, OutagePolicy::None);
    assert_eq!(s.abandonment.unwrap().patience_days.law, Law::Exponential { mean: 30.0 });
    assert_eq!(s.end.to_string(), "2024-03-01");
    let b =
        load("may-2024-outage", &["arrivals.0.register_share=0.8".into(), "caravans.1.persons=3000".into()]).unwrap();
    assert_eq!(b.arrivals[0].register_share, 0.8);
    assert_eq!(b.caravans[1].persons, 3000);
}

#[test]
fn errors_name_file_line_column_key_value_and_what_is_allowed() {
    let bad = MINIMAL.replace("daily = 10", "daily = 10\nseniority_share = 1.4");
    assert_eq!(err(&bad, &[]), "t.toml:8:19: quota.seniority_share = 1.4 is out of range: expected a number in [0, 1]");
    let e = err(&MINIMAL.replace("daily = 10", "daily = 10\nunti = \"groups\""), &[]);
    assert!(
        e.starts_with(
            "t.toml:8:1: unknown key \"unti\" in [quota] (did you mean \"unit\"?): valid keys are unit, daily"
        ),
        "{e}"
    );
    let e = err(&MINIMAL.replace("daily = 10", "daily = 10\nunit = \"person\""), &[]);
    assert!(e.contains("quota.unit = \"person\" is not allowed: expected one of \"persons\", \"groups\" (did you mean \"persons\"?)"), "{e}");
    let e = err(&format!("{MINIMAL}[abandonment]\npatience_days = {{ dist = \"expnential\", mean = 3 }}\n"), &[]);
    assert!(e.contains("t.toml:9:26") && e.contains("(did you mean \"exponential\"?)"), "{e}");
    let e = err(MINIMAL, &["quota.dayly=5"]);
    assert!(e.starts_with("--set quota.dayly=5: unknown key \"dayly\" in [quota] (did you mean \"daily\"?): valid keys are unit, daily,"), "{e}");
    let e = err(MINIMAL, &["quota.daily=abc"]);
    assert!(e.contains("quota.daily = \"abc\" has the wrong type"), "{e}");
    let e = err(&MINIMAL.replace("2024-02-01", "2023-12-01"), &[]);
    assert!(e.contains("scenario.end = \"2023-12-01\" is not after start"), "{e}");
    let e = err(&MINIMAL.replace("[scenario]\n", "[scenario\n"), &[]);
    assert!(e.starts_with("t.toml:1:") && e.contains("invalid TOML"), "{e}");
}

#[test]
fn cross_field_and_distribution_rules_are_enforced() {
    let cases: &[(&str, &str)] = &[
        ("[quota]\ndaily = 10\nrequest_close_hour = 13", "after the allocation"),
        ("[quota]\ndaily = 10\nrequest_open_hour = 12", "does not open before"),
        ("[quota]\ndaily = -1", "is out of range"),
        ("[quota]\ndaily = [{ from = \"2024-01-05\", value = 3 }]", "starts after the scenario"),
        (
            "[quota]\ndaily = [{ from = \"2024-01-01\", value = 3 }, { from = \"2024-01-01\", value = 4 }]",
            "strictly increasing",
        ),
        ("[quota]\ndaily = 10\n[confirmation]\nwindow_hours = 0.5", "a number of hours in [1, 1,000,000]"),
        (
            "[quota]\ndaily = 10\n[appointment]\nlead_days = { dist = \"normal\", mean = 3, sd = 1 }",
            "can produce negative values",
        ),
        (
            "[quota]\ndaily = 10\n[initial]\ngroups = 3\ngroup_size = { dist = \"empirical\", values = [1, 11], weights = [1, 1] }",
            "from 1 to 10",
        ),
        (
            "[quota]\ndaily = 10\n[initial]\ngroups = 3\ngroup_size = { dist = \"empirical\", values = [1, 2], weights = [0, 0] }",
            "sums to zero",
        ),
        (
            "[quota]\ndaily = 10\n[[caravans]]\ndepart = \"2024-01-01\"\npersons = 5\ndistance_km = 100\npace_km_per_day = { dist = \"exponential\", mean = 3 }",
            "bounded away from 0",
        ),
        ("[quota]\ndaily = 10\n[abandonment]\npatience_days = { dist = \"gamma\", mean = 3, sd = -1 }", "a number ≥ 0"),
        (
            "[quota]\ndaily = 10\n[abandonment]\npatience_days = { dist = \"exponential\", mean = 3, sd = 1 }",
            "unknown key \"sd\"",
        ),
        (
            "[quota]\ndaily = 10\n[[outages]]\nstart = \"2024-01-02T06:00\"\nhours = -3",
            "a number of hours in (0, 1,000,000]",
        ),
        (
            "[quota]\ndaily = 10\n[[outages]]\nstart = \"2024-01-02T06:00\"\nhours = 3\naffects = [\"request\"]",
            "did you mean \"requests\"",
        ),
    ];
    let head = "[scenario]\nname = \"m\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n";
    for (body, expected) in cases {
        let e = err(&format!("{head}{body}\n"), &[]);
        assert!(e.contains(expected), "{body:?}: {e}");
        assert!(e.starts_with("t.toml:"), "{e}");
    }
}

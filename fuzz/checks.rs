//! The checks of the fuzz targets, shared with the test that runs their seed corpora
//! (`tests/it/fuzz_seeds.rs`): each takes arbitrary bytes, and panics only on a defect.
#![allow(dead_code)]

/// Fuzzes the scenario parser and validator, `--set` overrides, and (for small valid scenarios) one
/// replication: no input may panic. Lines starting with `--set ` at the top of the input are taken
/// as overrides. See fuzz/README.md.
pub fn scenario(data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let mut sets = Vec::new();
    let mut rest = input;
    while let Some(line) = rest.strip_prefix("--set ") {
        let (set, tail) = line.split_once('\n').unwrap_or((line, ""));
        sets.push(set.to_string());
        rest = tail;
    }
    let text = borderq::scenario::ScenarioText { label: "fuzz.toml".into(), text: rest.to_string() };
    let Ok(s) = borderq::scenario::parse(&text, &sets) else { return };
    // The resolved form must read back as the same scenario.
    let resolved = borderq::scenario::to_toml(&s);
    let again =
        borderq::scenario::parse(&borderq::scenario::ScenarioText { label: "resolved".into(), text: resolved }, &[])
            .expect("resolved scenario is valid");
    assert_eq!(again, s);
    if s.days() <= 60 && s.expected_groups() < 20_000.0 {
        let m = borderq::model::Model::new(&s);
        let _ = m.replicate(0, &mut borderq::model::NoRecords);
    }
}

const HEADER: &str = "point,quota.daily,replications,wait_mean_days_mean\n";

/// Fuzzes what `merge` and `--resume` read from a sweep or study directory: a point file (its
/// identity, header and row) and `plan.json` (its grid checked before anything is allocated). No
/// input may panic; an accepted point is one row of the header's columns, ending in a newline. The
/// first byte picks the point's index and whether the directory is of the earlier format.
pub fn points(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let set =
        borderq::sweep::PointSet { hash: "0123456789abcdef", header: HEADER, points: 8, legacy: first & 0x80 != 0 };
    let index = (first & 0x0f) as usize;
    if let Ok(line) = borderq::sweep::parse_point(text, index, &set) {
        assert!(index < set.points);
        assert!(line.ends_with('\n'));
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
        let rows: Vec<_> = r.records().collect::<Result<_, _>>().expect("an accepted row is CSV");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].len(), 4);
    }
    if let Ok(plan) = serde_json::from_str::<borderq::sweep::PlanFile>(text)
        && plan.check(None).is_ok()
    {
        assert!(plan.points <= borderq::sweep::MAX_POINTS);
        let _ = plan.header();
    }
    let _ = serde_json::from_str::<borderq::sensitivity::StudyPlan>(text);
}

const SCENARIO: &str = r#"
[scenario]
name = "fuzz"
start = "2024-01-01"
end = "2024-03-01"

[quota]
daily = 100

[[ports]]
id = "a"
share = 0.6

[[ports]]
id = "b"
share = 0.4

[[arrivals]]
name = "x"
groups_per_day = 90
"#;

/// Fuzzes calibrate's target files (`--target FILE.csv`) against a small scenario: no input may
/// panic, and every accepted target has a finite value and a period inside the scenario.
pub fn targets(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let s = borderq::scenario::parse(
        &borderq::scenario::ScenarioText { label: "fuzz.toml".into(), text: SCENARIO.into() },
        &[],
    )
    .expect("the fuzz scenario is valid");
    if let Ok(targets) = borderq::calibrate::targets::read_csv("targets.csv", text, &s) {
        for t in &targets {
            let _ = t.label();
            let _ = t.measure();
            assert!(t.value.is_finite(), "{t:?}");
            assert!(t.scale.is_finite() && t.scale > 0.0, "{t:?}");
            assert!(t.from >= s.start && t.from < t.to && t.to <= s.end, "{t:?}");
            assert_eq!(t.loss(t.value), 0.0, "{t:?}");
        }
    }
}

//! Fuzzes the scenario parser and validator, `--set` overrides, and (for small valid scenarios) one
//! replication: no input may panic. Lines starting with `--set ` at the top of the input are taken as
//! overrides. See fuzz/README.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
    let again = borderq::scenario::parse(&borderq::scenario::ScenarioText { label: "resolved".into(), text: resolved }, &[])
        .expect("resolved scenario is valid");
    assert_eq!(again, s);
    if s.days() <= 60 && s.expected_groups() < 20_000.0 {
        let m = borderq::model::Model::new(&s);
        let _ = m.replicate(0, &mut borderq::model::NoRecords);
    }
});

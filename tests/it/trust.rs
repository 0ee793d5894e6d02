//! What a user may rely on in the numbers: intervals that respect their metric's support.

use crate::common::{borderq, bundled_run as historical, shared_run};

/// Every metric is non-negative, so no lower bound in `summary.csv` may be negative: counts, which
/// can be rare and skewed (missed confirmations, unused slots), get a percentile bootstrap. Checked
/// on every bundled scenario, the default one at its full 30 replications, and says which method.
#[test]
fn summary_csv_has_no_negative_lower_bound_and_names_its_interval_method() {
    let names =
        ["may-2024-outage", "launch-2023", "christmas-caravan-2023", "geofence-aug-2024", "end-jan-2025", "bailey"];
    for name in names {
        let out = historical(name);
        let text = std::fs::read_to_string(out.join("summary.csv")).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header.last(), Some(&"interval"), "{name}: the method column comes last");
        let (low, method) = (header.iter().position(|h| *h == "ci95_low").unwrap(), header.len() - 1);
        for line in lines {
            let cols: Vec<&str> = line.split(',').collect();
            if let Ok(lo) = cols[low].parse::<f64>() {
                assert!(lo >= 0.0, "{name}: {line}");
            }
            let metric = borderq::metrics::get(cols[0]).expect("a defined metric");
            assert_eq!(cols[method], metric.interval.name(), "{name}: {line}");
            let counts = metric.unit != "days" && !metric.name.starts_with("mean_");
            assert_eq!(counts, cols[method] == "bootstrap_percentile", "counts are bootstrapped: {line}");
        }
    }
}

/// The words that point outside the repository or to its development history.
fn outside_references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains("../shared") {
        found.push("../shared".to_string());
    }
    for word in ["SPEC", "DOMAIN"] {
        for (i, _) in text.match_indices(word) {
            let before = text[..i].chars().last();
            let after = text[i + word.len()..].chars().next();
            if !before.is_some_and(|c| c.is_ascii_uppercase()) && !after.is_some_and(|c| c.is_ascii_uppercase()) {
                found.push(word.to_string());
            }
        }
    }
    let lower = text.to_lowercase();
    for (i, _) in lower.match_indices("issue ") {
        let digits: String = lower[i + 6..].chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() {
            found.push(format!("issue {digits}"));
        }
    }
    found
}

fn text_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            text_files(&p, out);
        } else if p.extension().is_some_and(|x| {
            ["md", "toml", "sh", "yml", "sbatch", "csv", "json", "svg", "html", "txt"].iter().any(|t| x == *t)
        }) {
            out.push(p);
        }
    }
}

/// Nothing a user sees points to a file outside the repository, to the development documents or
/// to issue numbers: the documentation, the bundled scenarios, `--help`, and a run's outputs and
/// charts. Sources are named in `docs/sources.md` and in the outputs themselves.
#[test]
fn user_visible_text_names_real_sources_only() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md"), root.join("ARCHITECTURE.md")];
    for dir in ["docs", "scenarios", "examples"] {
        text_files(&root.join(dir), &mut files);
    }
    for name in ["may-2024-outage", "end-jan-2025"] {
        let out = shared_run(&["run", name, "--replications", "2", "--records", "--quiet"]);
        text_files(&out, &mut files);
    }
    assert!(files.len() > 40, "the files to check were found");
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for hit in outside_references(&text) {
            problems.push(format!("{}: {hit}", f.display()));
        }
    }
    for b in borderq::scenario::BUNDLED {
        for hit in outside_references(b.text) {
            problems.push(format!("bundled {}: {hit}", b.name));
        }
    }
    for cmd in [
        &["--help"][..],
        &["run", "--help"],
        &["sweep", "--help"],
        &["merge", "--help"],
        &["compare", "--help"],
        &["check", "--help"],
        &["plot", "--help"],
        &["scenarios", "--help"],
    ] {
        let out = borderq().args(cmd).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{cmd:?}");
        for hit in outside_references(&text) {
            problems.push(format!("borderq {}: {hit}", cmd.join(" ")));
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let summary = borderq()
        .args(["run", "launch-2023", "--replications", "2", "--no-charts", "--out"])
        .arg(tmp.path().join("t"))
        .output()
        .unwrap();
    for hit in outside_references(&String::from_utf8_lossy(&summary.stdout)) {
        problems.push(format!("run summary: {hit}"));
    }
    assert!(problems.is_empty(), "references outside the repository:\n{}", problems.join("\n"));
    assert_eq!(
        outside_references("see SPEC §2, DOMAIN.md, issue 13 and ../shared"),
        ["../shared", "SPEC", "DOMAIN", "issue 13"]
    );
    assert!(outside_references("SPECIAL DOMAINS, an issue of 2024").is_empty());
}

/// `daily.csv` as (date, column → value) rows.
fn daily(dir: &std::path::Path) -> Vec<(String, std::collections::BTreeMap<String, f64>)> {
    let text = std::fs::read_to_string(dir.join("daily.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            let values =
                header.iter().zip(&cols).skip(2).map(|(h, v)| (h.to_string(), v.parse().unwrap_or(f64::NAN))).collect();
            (cols[1].to_string(), values)
        })
        .collect()
}

/// Every historical scenario starts from a state the model produced (a simulated history before
/// the reported period): its first full reported month processes at least 95 % of what the quota
/// allows that month, quota × days × (1 − no-show probability). The quota that allows a month's
/// processing is that of the allocations whose appointments fall in it: each day's quota one mean
/// lead time earlier (the same as the month's own quota where the quota does not change).
#[test]
fn the_first_reported_month_of_every_historical_scenario_is_not_a_start_up_artefact() {
    for name in ["may-2024-outage", "launch-2023", "christmas-caravan-2023", "geofence-aug-2024", "end-jan-2025"] {
        let s = borderq::scenario::bundled(name).unwrap().unwrap();
        assert!(s.report_from.is_some(), "{name} reports after a simulated history");
        let out = historical(name);
        let rows = daily(&out);
        // The first full calendar month of the reported period.
        let first = rows.iter().position(|(d, _)| d.ends_with("-01")).expect("a month starts");
        let month = &rows[first].0[..7];
        let days: Vec<usize> = (first..rows.len()).take_while(|i| rows[*i].0.starts_with(month)).collect();
        let appointment = s.appointment.as_ref();
        let no_show = appointment.map_or(0.0, |a| a.no_show_probability);
        let lead = appointment.map_or(0.0, |a| a.lead_days.clamped_mean()).round() as usize;
        let quota = s.quota.daily.per_day(s.start, s.days());
        let offset = s.history_days();
        let allowed: f64 = days.iter().map(|i| quota[offset + i - lead]).sum::<f64>() * (1.0 - no_show);
        let processed: f64 = days.iter().map(|i| rows[*i].1["processed_persons_mean"]).sum();
        assert!(
            processed >= 0.95 * allowed,
            "{name}, {month}: processed {processed:.0} of {allowed:.0} the quota allows"
        );
    }
}

/// Every bundled historical scenario is a window of cbp-one: run with the same seed and
/// replications, any two give the same rows of `daily.csv` and `ports_daily.csv` (without the `day`
/// column, counted from each one's first reported day) on every date both report, whatever their
/// `report_from` and `end`; and a what-if from a date changes nothing before that date.
#[test]
fn windows_of_the_program_agree_on_every_day_they_share_until_their_what_ifs_part() {
    type Rows = std::collections::BTreeMap<String, Vec<String>>;
    let rows = |name: &str, sets: &[&str]| -> (Rows, Rows) {
        let text = borderq::scenario::BUNDLED.iter().find(|b| b.name == name).expect("bundled").text;
        let mut all = vec!["scenario.seed=5"];
        all.extend_from_slice(sets);
        let r = crate::common::run_text(text, &all, 2);
        let files = r.files(std::path::Path::new("unused"), borderq::FileOptions { no_charts: true, records: false });
        let files: std::collections::BTreeMap<String, Vec<u8>> = files.unwrap().into_iter().collect();
        let by_date = |file: &str| -> Rows {
            let text = String::from_utf8(files[file].clone()).unwrap();
            let mut out = Rows::new();
            for l in text.lines().skip(1) {
                let row = l.split_once(',').unwrap().1.to_string();
                out.entry(row[..10].to_string()).or_default().push(row);
            }
            out
        };
        (by_date("daily.csv"), by_date("ports_daily.csv"))
    };
    let agree_before = |a: &(Rows, Rows), b: &(Rows, Rows), until: &str, what: &str| -> usize {
        let mut shared = 0;
        for (x, y) in [(&a.0, &b.0), (&a.1, &b.1)] {
            for (date, rx) in x.range(..until.to_string()) {
                if let Some(ry) = y.get(date) {
                    assert_eq!(rx, ry, "{what}: {date}");
                    shared += 1;
                }
            }
        }
        shared
    };
    let may = rows("may-2024-outage", &[]);
    for other in ["geofence-aug-2024", "end-jan-2025", "ports-2024", "christmas-caravan-2023"] {
        let shared = agree_before(&may, &rows(other, &[]), "9999", other);
        assert!(shared >= 2 * 29, "may-2024-outage and {other} share {shared} dated rows");
    }
    let launch = rows("launch-2023", &[]);
    assert!(agree_before(&launch, &rows("laredo-jun-2023", &[]), "9999", "laredo-jun-2023") >= 2 * 80);
    // A what-if from 1 September 2024: the seniority share rises to 0.6.
    let share = "quota.seniority_share=[{from=\"2023-01-12\",value=0},{from=\"2023-05-12\",value=0.5},\
                 {from=\"2024-02-01\",value=0.3},{from=\"2024-09-01\",value=0.6}]";
    let what_if = rows("geofence-aug-2024", &[share]);
    assert!(agree_before(&may, &what_if, "2024-09-01", "the what-if") >= 2 * 92);
    assert_ne!(may.0["2024-09-02"], what_if.0["2024-09-02"], "the what-if changes the days after it");
}

/// `report_from` must lie inside the run and cannot be combined with a warm-up.
#[test]
fn report_from_is_checked() {
    borderq()
        .args(["run", "bailey", "--set", "scenario.report_from=\"2024-07-01\""])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is set together with scenario.warmup_days"));
    borderq()
        .args(["run", "bailey", "--set", "scenario.warmup_days=0", "--set", "scenario.report_from=\"2023-07-01\""])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("scenario.report_from = \"2023-07-01\" is outside the run"));
}

#[test]
fn every_bundled_scenario_says_where_its_daily_quota_comes_from() {
    for name in
        ["may-2024-outage", "launch-2023", "christmas-caravan-2023", "geofence-aug-2024", "end-jan-2025", "bailey"]
    {
        let out = borderq().args(["scenarios", "show", name, "--resolved"]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let section = text.split("[provenance]").nth(1).unwrap_or_else(|| panic!("{name}: no [provenance]"));
        assert!(section.contains("\"quota.daily\" = "), "{name}: the quota's source");
    }
}

/// A scenario with every random mechanism that acts near the end of a run: arrivals that travel,
/// patience, confirmation failures and retries, no-shows, random outages and caravans, ports with
/// moves between them.
const EVERY_DRAW: &str = r#"[scenario]
name = "every-draw"
start = "2024-01-01"
end = "2024-07-01"
seed = 11
[quota]
unit = "persons"
[[ports]]
id = "a"
quota = 200
[[ports]]
id = "b"
quota = 100
[port_switching]
after_days = 20
daily_probability = 0.01
[confirmation]
failure_probability = 0.3
max_attempts = 3
[appointment]
lead_days = { dist = "uniform", min = 5, max = 40 }
no_show_probability = 0.1
[abandonment]
patience_days = { dist = "exponential", mean = 60 }
[[arrivals]]
name = "travellers"
groups_per_day = 150
travel_days = { dist = "uniform", min = 0, max = 30 }
[caravan_process]
per_month = 2
persons = { dist = "uniform", min = 200, max = 800 }
distance_km = 300
pace_km_per_day = { dist = "uniform", min = 10, max = 30 }
[outage_process]
per_month = 3
hours = { dist = "uniform", min = 2, max = 30 }
"#;

/// No random draw depends on the end of the run: the same scenario ended on two dates, and reported
/// from two dates, gives the same daily rows, for every port too, on every day both report.
#[test]
fn runs_that_end_on_different_days_agree_on_every_day_they_share() {
    let files = |from: &str, end: &str| {
        let sets = [format!("scenario.report_from=\"{from}\""), format!("scenario.end=\"{end}\"")];
        let r = crate::common::run_text(EVERY_DRAW, &[&sets[0], &sets[1]], 3);
        let files = r.files(std::path::Path::new("unused"), borderq::FileOptions { no_charts: true, records: false });
        files.unwrap().into_iter().collect::<std::collections::BTreeMap<_, _>>()
    };
    let (short, long) = (files("2024-03-01", "2024-05-01"), files("2024-02-01", "2024-07-01"));
    for name in ["daily.csv", "ports_daily.csv"] {
        // Each row without its `day` column (days counted from the first reported day), on the
        // days both report.
        let rows = |f: &std::collections::BTreeMap<String, Vec<u8>>| -> Vec<String> {
            let text = String::from_utf8(f[name].clone()).unwrap();
            let mut lines = text.lines();
            assert!(lines.next().unwrap().starts_with("day,date,"), "{name}");
            lines
                .map(|l| l.split_once(',').unwrap().1.to_string())
                .filter(|r| ("2024-03-01".."2024-05-01").contains(&&r[..10]))
                .collect()
        };
        let (a, b) = (rows(&short), rows(&long));
        assert!(a.len() >= 61, "{name}: {} rows", a.len());
        assert_eq!(a.len(), b.len(), "{name}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{name}");
        }
    }
}

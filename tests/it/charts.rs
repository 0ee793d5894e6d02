//! Charts and the report: produced for the bundled scenarios in a quick configuration, decodable,
//! labelled, and reproduced byte for byte by `borderq plot` from the CSV files alone.

use predicates::prelude::*;

use crate::common::{borderq, shared_run_copy};

const CHARTS: [&str; 3] = ["backlog", "waits", "flows"];

/// The files of `borderq run SCENARIO --replications 3 --set scenario.end="2024-09-01"` in `dir`,
/// run once for the test binary and copied for each test, which may change its copy.
fn quick_run(scenario: &str, dir: &std::path::Path) {
    let args = ["run", scenario, "--replications", "3", "--quiet", "--set", "scenario.end=\"2024-09-01\""];
    shared_run_copy(&args, dir);
}

fn check_chart_files(dir: &std::path::Path, scenario: &str) {
    for chart in CHARTS {
        let png = std::fs::read(dir.join(format!("{chart}.png"))).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap_or_else(|e| panic!("{chart}.png does not decode: {e}"));
        let info = reader.info();
        assert_eq!((info.width, info.height), (borderq::plot::WIDTH, borderq::plot::HEIGHT), "{chart}.png size");

        let svg = std::fs::read_to_string(dir.join(format!("{chart}.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{chart}.svg is not well-formed: {e}"));
        let texts: Vec<&str> = doc.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
        let all = texts.join("\n");
        assert!(all.contains(scenario), "{chart}.svg has no title naming {scenario}");
        let labels: &[&str] = match chart {
            "backlog" => &[
                "Date (month starts marked)",
                "Persons waiting (not yet selected)",
                "Quota [",
                "mean across replications",
            ],
            "waits" => &["Waiting time [days]", "Share of groups", "registration to processing"],
            _ => &["Date", "Persons per day (daily mean across replications)", "processed at the port", "right axis"],
        };
        for label in labels {
            assert!(all.contains(label), "{chart}.svg lacks the text {label:?}");
        }
    }
}

#[test]
fn charts_and_report_for_every_bundled_scenario() {
    for b in borderq::scenario::BUNDLED {
        check_chart_files(&crate::common::bundled_run(b.name), b.name);
    }
}

#[test]
fn report_is_self_contained_and_has_its_parts() {
    let tmp = tempfile::tempdir().unwrap();
    quick_run("may-2024-outage", tmp.path());
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
    )
    .unwrap_or_else(|e| panic!("report.html does not parse: {e}"));
    let find = |tag: &'static str| doc.descendants().filter(move |n| n.has_tag_name(tag));
    assert_eq!(find("h1").next().unwrap().text(), Some("may-2024-outage"));
    let sections: Vec<&str> = find("section").filter_map(|n| n.attribute("id")).collect();
    assert_eq!(
        sections,
        vec!["summary", "headline", "how-to-read", "cohorts", "ports", "record", "parameters", "provenance", "charts"]
    );
    // The sources are printed in full, so the report can be read on its own.
    assert!(html.contains("https://cbp.gov/newsroom/national-media-release/cbp-one-appointments-increased-1450-day"));
    assert!(html.contains("<td>assumption</td>") && html.contains("Patience before giving up [days]"));
    let rows = find("tr").count();
    assert!(rows >= 10, "headline table has {rows} rows");
    let figures: Vec<&str> = find("figure").filter_map(|n| n.attribute("id")).collect();
    assert_eq!(
        figures,
        vec!["chart-backlog", "chart-waits", "chart-flows", "chart-cohorts", "chart-ports", "chart-record"]
    );
    assert_eq!(doc.descendants().filter(|n| n.tag_name().name() == "svg").count(), 6);
    let params: Vec<String> = find("dt").filter_map(|n| n.text().map(str::to_string)).collect();
    for p in ["Daily quota", "Allocation", "Confirmation", "Sources", "Outages"] {
        assert!(params.iter().any(|x| x == p), "no parameter {p}");
    }
    // Self-contained: no scripts, no links, no external resources.
    assert_eq!(find("script").count() + find("link").count() + find("img").count(), 0);
    // Nothing is loaded from outside: no attribute or style points at an address. Addresses appear
    // only as text, where the report names its sources.
    for loader in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(loader), "the report loads {loader}…");
    }
    let source_cells: Vec<&str> = find("td").filter_map(|n| n.text()).filter(|t| t.contains("https://")).collect();
    let local = html.replace("http://www.w3.org/2000/svg", "").replace("http://www.w3.org/1999/xlink", "");
    let addresses = local.matches("https://").count() + local.matches("http://").count();
    let in_cells: usize = source_cells.iter().map(|t| t.matches("https://").count()).sum();
    assert_eq!(addresses, in_cells, "every address is in a table cell that names a source");
    assert!(html.contains("CBP One confirmation failure"));
}

#[test]
fn plot_reproduces_the_charts_of_a_run_from_its_csv_files() {
    let tmp = tempfile::tempdir().unwrap();
    quick_run("may-2024-outage", tmp.path());
    let names: Vec<String> = CHARTS
        .iter()
        .chain(&["record"])
        .flat_map(|c| [format!("{c}.png"), format!("{c}.svg")])
        .chain(std::iter::once("report.html".to_string()))
        .collect();
    let before: Vec<Vec<u8>> = names.iter().map(|n| std::fs::read(tmp.path().join(n)).unwrap()).collect();
    for n in &names {
        std::fs::remove_file(tmp.path().join(n)).unwrap();
    }
    borderq().arg("plot").arg(tmp.path()).assert().success();
    for (n, b) in names.iter().zip(&before) {
        assert!(std::fs::read(tmp.path().join(n)).unwrap() == *b, "{n} differs after borderq plot");
    }
}

#[test]
fn plot_refuses_a_directory_that_is_not_a_borderq_output() {
    let tmp = tempfile::tempdir().unwrap();
    borderq()
        .arg("plot")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a borderq output directory: cannot read scenario.toml"));
    borderq().args(["plot", "/nonexistent/dir"]).assert().code(2).stderr(predicate::str::contains("no such directory"));
}

#[test]
fn no_charts_skips_them() {
    let tmp = tempfile::tempdir().unwrap();
    borderq()
        .args([
            "run",
            "bailey",
            "--replications",
            "2",
            "--quiet",
            "--no-charts",
            "--set",
            "scenario.end=\"2024-03-01\"",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    assert!(tmp.path().join("summary.csv").exists());
    assert!(!tmp.path().join("backlog.png").exists() && !tmp.path().join("report.html").exists());
}

#[test]
fn historical_runs_write_the_record_beside_the_model() {
    let tmp = tempfile::tempdir().unwrap();
    borderq()
        .args(["run", "may-2024-outage", "--replications", "3", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("against reported figures, for the same periods"))
        .stdout(predicates::str::contains("2024-05                  processed_persons"));
    let record = std::fs::read_to_string(tmp.path().join("record.csv")).unwrap();
    assert!(record.starts_with(
        "period,measure,model_scope,model_mean,model_ci95_low,model_ci95_high,reported,reported_kind,verdict,source,\
         from,to,tolerance,gap_percent,reason,interval\n"
    ));
    let may = record.lines().find(|l| l.starts_with("2024-05,processed_persons,")).expect("a May 2024 row");
    assert!(may.contains(",44500.0,at_least,"), "{may}");
    let months = record.lines().filter(|l| l.contains(",processed in the period,") && !l.contains("..")).count();
    assert_eq!(months, 9, "April to December");
    // Differing rows come first, then those that agree, then the months without a figure.
    let verdicts: Vec<String> =
        csv::Reader::from_reader(record.as_bytes()).records().map(|r| r.unwrap()[8].to_string()).collect();
    let rank = |v: &String| ["differs", "not comparable", "agrees", ""].iter().position(|x| x == v).unwrap();
    assert!(verdicts.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])), "{verdicts:?}");
    let png = std::fs::read(tmp.path().join("record.png")).unwrap();
    let info = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap().info().clone();
    assert_eq!((info.width, info.height), (borderq::plot::WIDTH, borderq::plot::HEIGHT));
    let svg = std::fs::read_to_string(tmp.path().join("record.svg")).unwrap();
    assert!(svg.contains("persons processed per month") && svg.contains("reported"));
    // The textbook scenario is not historical: no record, no record chart.
    let bailey = crate::common::bundled_run("bailey");
    assert!(!bailey.join("record.csv").exists() && !bailey.join("record.png").exists());
}

#[test]
fn events_csv_lists_caravan_windows_changes_and_the_program_end_and_plot_redraws_them() {
    let tmp = tempfile::tempdir().unwrap();
    quick_run("may-2024-outage", tmp.path());
    let text = std::fs::read_to_string(tmp.path().join("events.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(r.headers().unwrap(), vec!["kind", "label", "from", "to"]);
    let kinds: Vec<&str> = rows.iter().map(|x| &x[0]).collect();
    for k in ["event", "schedule", "outage", "caravan_departure", "caravan_arrivals"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    for w in rows.iter().filter(|x| &x[0] == "caravan_arrivals") {
        assert!(w[2] < w[3], "a window runs forwards: {w:?}");
    }
    let svg = std::fs::read_to_string(tmp.path().join("backlog.svg")).unwrap();
    assert!(svg.contains("caravan registrations, first to last") && svg.contains("Asylum restrictions between ports"));
    // `plot` reads the windows back from events.csv alone: the same chart again.
    borderq().arg("plot").arg(tmp.path()).assert().success();
    assert_eq!(std::fs::read_to_string(tmp.path().join("backlog.svg")).unwrap(), svg);

    // The end of the program is an event of its own, not an outage.
    let end = crate::common::bundled_run("end-jan-2025");
    let text = std::fs::read_to_string(end.join("events.csv")).unwrap();
    assert!(
        text.contains("program_end,Program ends: no more appointments,2025-01-20T00:00,2025-03-01T00:00"),
        "{text}"
    );
    assert!(text.contains("cancellation,Booked appointments cancelled,2025-01-20T09:00,"), "{text}");
    assert!(!text.contains("outage,"), "{text}");
    let backlog = std::fs::read_to_string(end.join("backlog.svg")).unwrap();
    assert!(!backlog.contains("960 h") && backlog.contains("end of the program"));
}

/// With ports: `ports.png/.svg` as small multiples (a panel per port, its name and slots), a
/// per-port table in the report, and `plot` redraws them identically from the CSV files.
#[test]
fn ports_chart_and_report_rows_and_plot_redraws_them() {
    let tmp = tempfile::tempdir().unwrap();
    shared_run_copy(&["run", "laredo-jun-2023", "--replications", "4", "--quiet"], tmp.path());
    let png = std::fs::read(tmp.path().join("ports.png")).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
    assert_eq!((reader.info().width, reader.info().height), (borderq::plot::WIDTH, 60 + 4 * 260), "four rows of two");
    let svg = std::fs::read_to_string(tmp.path().join("ports.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let text: String = doc.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join("\n");
    for label in
        ["Laredo: mean wait to processing", "San Ysidro", "Brownsville", "daily slots (grey, right axis)", "Jun 2023"]
    {
        assert!(text.contains(label), "ports.svg lacks {label:?}");
    }
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(html.contains("<h2>By port of entry</h2>") && html.contains("<td>Eagle Pass</td>"), "per-port rows");
    assert!(html.contains("id=\"chart-ports\""), "the ports chart in the report");
    let names = ["ports.png", "ports.svg", "report.html"];
    let before: Vec<Vec<u8>> = names.iter().map(|n| std::fs::read(tmp.path().join(n)).unwrap()).collect();
    for n in names {
        std::fs::remove_file(tmp.path().join(n)).unwrap();
    }
    borderq().arg("plot").arg(tmp.path()).assert().success();
    for (n, b) in names.iter().zip(&before) {
        assert!(std::fs::read(tmp.path().join(n)).unwrap() == *b, "{n} differs after borderq plot");
    }
}

//! What a user may rely on in the numbers: intervals that respect their metric's support.

use crate::common::borderq;

/// Every metric is non-negative, so no lower bound in `summary.csv` may be negative: counts, which
/// can be rare and skewed (missed confirmations, unused slots), get a percentile bootstrap. Checked
/// on every bundled scenario, the default one at its full 30 replications, and says which method.
#[test]
fn summary_csv_has_no_negative_lower_bound_and_names_its_interval_method() {
    let tmp = tempfile::tempdir().unwrap();
    let names =
        ["may-2024-outage", "launch-2023", "christmas-caravan-2023", "geofence-aug-2024", "end-jan-2025", "bailey"];
    for (i, name) in names.iter().enumerate() {
        let out = tmp.path().join(name);
        let reps = if i == 0 { "30" } else { "4" };
        borderq()
            .args(["run", name, "--replications", reps, "--no-charts", "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
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
            let counts = metric.unit != "days" && !metric.name.starts_with("mean_waiting");
            assert_eq!(counts, cols[method] == "bootstrap_percentile", "counts are bootstrapped: {line}");
        }
    }
}

//! Same scenario + seed ⇒ byte-identical outputs, whatever the thread count.

use crate::common::borderq;

fn run_to(dir: &std::path::Path, threads: &str) {
    borderq()
        // To the end of May: the history, the reported period's start and the outage, at half the length.
        .args(["run", "may-2024-outage", "--replications", "6", "--quiet", "--threads", threads, "--records"])
        .args(["--set", "scenario.end=\"2024-06-01\"", "--out"])
        .arg(dir)
        .assert()
        .success();
}

#[test]
fn outputs_are_byte_identical_for_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_to(&a, "1");
    run_to(&b, "2");
    for f in
        ["scenario.toml", "replications.csv", "summary.csv", "daily.csv", "waits.csv", "summary.json", "groups.csv"]
    {
        let (x, y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
        assert!(!x.is_empty(), "{f} is empty");
        assert!(x == y, "{f} differs between --threads 1 and --threads 2");
    }
}

#[test]
fn replication_results_do_not_depend_on_what_else_runs() {
    // Replication 3 alone equals replication 3 of a batch: seeds derive from (seed, index) only.
    let s = borderq::scenario::bundled("bailey").unwrap().unwrap();
    let m = borderq::model::Model::new(&s);
    let alone = m.replicate(3, &mut borderq::model::NoRecords);
    let batch =
        borderq::run::replications(&m, 5, &borderq::run::RunOptions { threads: Some(2), ..Default::default() }, None)
            .unwrap();
    assert_eq!(batch[3], alone);
    assert_ne!(batch[2], alone);
}

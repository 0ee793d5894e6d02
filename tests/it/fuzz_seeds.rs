//! The fuzz targets' seed corpora, run through the same checks as the fuzzers (`fuzz/checks.rs`),
//! so that CI holds every seed, and every crash a fuzzer found once, on the stable toolchain.

#[path = "../../fuzz/checks.rs"]
mod checks;

fn files(dir: &str) -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{dir} has seeds");
    out
}

#[test]
fn the_scenario_seeds_pass_the_fuzz_checks() {
    for p in files("scenarios").into_iter().filter(|p| p.extension().is_some_and(|x| x == "toml")) {
        checks::scenario(&std::fs::read(&p).unwrap());
    }
}

#[test]
fn the_point_file_and_plan_seeds_pass_the_fuzz_checks() {
    for p in files("fuzz/seeds/points") {
        checks::points(&std::fs::read(&p).unwrap());
    }
}

#[test]
fn the_target_file_seeds_pass_the_fuzz_checks() {
    for p in files("fuzz/seeds/targets") {
        checks::targets(&std::fs::read(&p).unwrap());
    }
}

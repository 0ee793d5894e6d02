//! One integration-test binary (matklad's "delete cargo integration tests"), one module per area.

/// report.html in headless Chromium at 420 and 1280 px.
mod browser;
/// Calibration: recovering known values, resuming, bad targets.
mod calibrate;
/// Charts and report: PNG size, SVG text, HTML parts, `plot` reproduces `run`.
mod charts;
/// The command line: run, check, scenarios, exit codes, output files.
mod cli;
/// Helpers: scenario text, running the binary.
mod common;
/// Outputs byte-identical across thread counts.
mod determinism;
/// The fuzz targets' seed corpora through the fuzzers' own checks.
mod fuzz_seeds;
/// Hardening: one test per class of failure found by adversarial use.
mod hardening;
/// Scenario inheritance: merging, chains, errors in parent and child.
mod inherit;
/// The library's entry point against the command line.
mod library;
/// Ports of entry: independence, Bailey per port, the Laredo halt, the split, bad input.
mod ports;
/// The whole program's mechanisms: requests counted, lead time, request window and shares by date.
mod program;
/// Degenerate scenarios, output safety, signals, scale safety, property tests.
mod robustness;
/// Bad inputs: pinned messages, exit 2, nothing written.
mod scenario_errors;
/// Sensitivity studies: identical however run, bad input refused.
mod sensitivity;
/// Snapshots (insta): help, the summary table, check, typical mistakes' messages.
mod snapshots;
mod structure;
/// Sweeps: thread counts, shards + merge, resume after interruption, compare, precision.
mod sweep;
/// Textbook queues: Bailey bulk service, reneging fluid limit, Little's law, conservation.
mod theory;
/// A hand-worked deterministic trace under each outage policy.
mod trace;
/// Trustworthy answers: intervals within their support.
mod trust;

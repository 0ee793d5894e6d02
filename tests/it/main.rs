//! One integration-test binary (matklad's "delete cargo integration tests"), one module per area.

mod charts;
mod cli; // the command line: run, check, scenarios, exit codes, output files
mod common; // helpers: scenario text, running the binary
mod determinism; // byte-identical outputs across thread counts and runs
mod sweep;
mod theory; // textbook queues: Bailey bulk service, reneging fluid limit, Little's law, conservation
mod trace; // a hand-worked deterministic trace under each outage policy // charts and report: PNG size, SVG text, HTML parts, `plot` reproduces `run` // sweeps: thread counts, shards + merge, resume after interruption, compare, precision

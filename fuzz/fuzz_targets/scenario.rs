//! Fuzzes the scenario parser and validator, `--set` overrides, and (for small valid scenarios) one
//! replication: no input may panic. Lines starting with `--set ` at the top of the input are taken as
//! overrides. See fuzz/README.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::scenario(data));

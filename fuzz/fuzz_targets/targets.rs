//! Fuzzes calibrate's target files (`--target FILE.csv`) against a small scenario: no input may
//! panic, and every accepted target has a finite value and a period inside the scenario.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::targets(data));

//! Fuzzes what `merge` and `--resume` read from a sweep or study directory: a point file (its
//! identity, header and row) and `plan.json` (its grid checked before anything is allocated). No
//! input may panic; an accepted point is one row of the header's columns, ending in a newline.
//! The first byte picks the point's index and whether the directory is of the earlier format.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::points(data));

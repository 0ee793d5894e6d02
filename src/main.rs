//! The `borderq` command: parses flags, calls the library, and owns the error and exit-code policy:
//! 0 success, 2 bad usage or bad scenario, 1 a run that failed (I/O and the like),
//! 130 interrupted by SIGINT, 143 by SIGTERM. Errors are printed once, as `error: …`, never as a panic
//! or a backtrace.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}

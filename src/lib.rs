//! # borderq
//!
//! A discrete-event simulator of border asylum-appointment queues (the CBP One app, 2023–2025):
//! groups arrive alone, in families or in caravans, register, request an appointment every day, are
//! drawn by seniority and lottery against a daily quota, must confirm within a window that app outages
//! can break, wait for their appointment, and may give up on the way.
//!
//! The entry point is [`Experiment`]: a scenario (a bundled name, a path or TOML text) with its
//! overrides, validated once and checked against the size guard; [`Experiment::run`] runs its
//! replications, in parallel or serially, with a [`CancelToken`] and a progress callback, and
//! returns a typed [`RunResult`]. The writers are functions over it: [`RunResult::files`] gives the
//! bytes of every file `borderq run` writes, [`RunResult::summary_json`] what `--json` prints.
//!
//! ```
//! let result = borderq::Experiment::builder("bailey")
//!     .set("scenario.end=\"2024-03-01\"")
//!     .replications(2)
//!     .build()?
//!     .run(&borderq::RunControl::serial())?;
//! let wait = result.metric("wait_mean_days").and_then(|m| m.mean).expect("groups were processed");
//! assert!(wait > 0.3 && wait < 0.8, "Bailey's mean wait is about half a day");
//! # Ok::<(), borderq::Error>(())
//! ```
//!
//! Features: `cli` (the binary: clap, indicatif, signal-hook) brings `charts` (PNG and SVG charts
//! and the HTML reports) and `calibrate` (argmin). All are on by default; without them the library
//! builds for `wasm32-unknown-unknown`.
//!
//! See ARCHITECTURE.md for the code map and the invariants.

#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

#[cfg(feature = "calibrate")]
pub mod calibrate;
pub mod compare;
pub mod engine;
pub mod experiment;
pub mod metrics;
pub mod model;
pub mod output;
#[cfg(feature = "charts")]
pub mod plot;
pub mod reported;
pub mod run;
pub mod scenario;
pub mod sensitivity;
pub mod stats;
pub mod sweep;

pub use compare::{Comparison, PairedRow, PortPairedRow};
pub use experiment::{
    CancelToken, Error, Experiment, ExperimentBuilder, FileOptions, RunControl, RunResult, check_scale,
};
pub use metrics::{METRICS, Metric};
pub use output::GroupsCsv;

//! # borderq
//!
//! A discrete-event simulator of border asylum-appointment queues (the CBP One app, 2023–2025):
//! groups arrive alone, in families or in caravans, register, request an appointment every day, are
//! drawn by seniority and lottery against a daily quota, must confirm within a window that app outages
//! can break, wait for their appointment, and may give up on the way.
//!
//! The pipeline: scenario TOML → [`scenario::Scenario`] (validated) → [`model::Model`] (compiled) →
//! replications in parallel ([`run::replications`]) → [`model::RepResult`]s in index order →
//! tables ([`output`]) → CSV and JSON files.
//!
//! ```
//! let scenario = borderq::scenario::load("bailey", &["scenario.end=\"2024-03-01\"".into()]).unwrap();
//! let model = borderq::model::Model::new(&scenario);
//! let result = model.replicate(0, &mut borderq::model::NoRecords);
//! let wait = result.wait.expect("groups were processed");
//! assert!(wait.mean > 0.3 && wait.mean < 0.8, "Bailey's mean wait is about half a day");
//! ```
//!
//! See ARCHITECTURE.md for the code map and the invariants.

#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

#[cfg(feature = "calibrate")]
pub mod calibrate;
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

pub use experiment::{
    CancelToken, Error, Experiment, ExperimentBuilder, FileOptions, RunControl, RunResult, check_scale,
};
pub use metrics::{METRICS, Metric};
pub use output::GroupsCsv;

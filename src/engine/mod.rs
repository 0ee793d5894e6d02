//! The discrete-event core: exact integer time, a deterministic event queue and seeded random streams.
//!
//! This module knows nothing about migrants, quotas or apps: it could drive any simulation.
//! Read [`EventQueue`] first, then [`time`] and [`rng`].

pub mod queue;
pub mod rng;
pub mod time;

pub use queue::{Event, EventQueue};
pub use time::SimTime;

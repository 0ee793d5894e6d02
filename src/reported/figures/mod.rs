//! The published figures the historical scenarios are compared with: each with its period, what it
//! measures, how it bounds the truth, the imprecision it states (or half a unit of its last stated
//! digit when it states none), and its source. `docs/sources.md` lists them with their reliability.

mod national;
mod ports;

use super::Figure;

/// Every reported figure: those about the whole program, then those about one port.
pub fn figures() -> impl Iterator<Item = &'static Figure> {
    national::FIGURES.iter().chain(ports::FIGURES)
}

//! Simulation time in whole seconds since the scenario's start at 00:00.
//!
//! Integer seconds make "12:00 every day" and "a 23-hour window" exact, so ties between events
//! are real ties that the ordering rules can resolve, never floating-point accidents.
//! Sampled durations are rounded to the nearest second after clamping.

/// Seconds: an instant since the scenario's `start` at 00:00 (negative for the initial backlog's
/// past), or a length of time.
pub type SimTime = i64;

/// Seconds in one minute.
pub const MINUTE: SimTime = 60;
/// Seconds in one hour.
pub const HOUR: SimTime = 3_600;
/// Seconds in one day (every day has 24 hours: no daylight-saving shifts).
pub const DAY: SimTime = 86_400;

/// Converts a duration in days to whole seconds, rounding to the nearest second.
pub fn from_days(days: f64) -> SimTime {
    round_secs(days * DAY as f64)
}

/// Converts a duration in hours to whole seconds, rounding to the nearest second.
pub fn from_hours(hours: f64) -> SimTime {
    round_secs(hours * HOUR as f64)
}

/// Converts seconds to fractional days, for outputs.
pub fn to_days(t: SimTime) -> f64 {
    t as f64 / DAY as f64
}

/// Rounds seconds to an integer, saturating so that an infinite sample becomes "never".
fn round_secs(secs: f64) -> SimTime {
    if secs.is_nan() {
        0
    } else if secs >= i64::MAX as f64 / 2.0 {
        i64::MAX / 2
    } else if secs <= i64::MIN as f64 / 2.0 {
        i64::MIN / 2
    } else if secs >= 0.0 {
        // Half away from zero, like f64::round, without the libm call on baseline x86-64.
        (secs + 0.5) as i64
    } else {
        -((-secs + 0.5) as i64)
    }
}

/// The day index containing instant `t` (day `d` is `[d, d+1)`), flooring for negative times.
pub fn day_of(t: SimTime) -> i64 {
    t.div_euclid(DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_are_exact_at_whole_hours_and_round_to_nearest_second() {
        assert_eq!(from_hours(23.0), 23 * HOUR);
        assert_eq!(from_days(0.5), 12 * HOUR);
        assert_eq!(from_days(1.0 / 86_400.0 * 0.6), 1);
        assert_eq!(from_hours(-12.0), -12 * HOUR);
        assert_eq!(from_days(f64::INFINITY), i64::MAX / 2);
        assert_eq!(day_of(-1), -1);
        assert_eq!(day_of(DAY), 1);
        assert_eq!(to_days(DAY / 2), 0.5);
    }
}

//! Values that change on calendar dates: the quota, shares and arrival rates.

use chrono::NaiveDate;

/// A number, or a list of `(from, value)` steps with strictly increasing dates, each value holding
/// from its date at 00:00 until the next step.
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    /// The same value on every day.
    Constant(f64),
    /// Steps; the first date is at or before the scenario's start (checked by validation).
    Steps(Vec<(NaiveDate, f64)>),
}

impl Schedule {
    /// The value in force on `date`.
    pub fn value_on(&self, date: NaiveDate) -> f64 {
        match self {
            Schedule::Constant(v) => *v,
            Schedule::Steps(steps) => {
                steps.iter().take_while(|(from, _)| *from <= date).last().map_or(steps[0].1, |(_, v)| *v)
            }
        }
    }

    /// The value on each of `days` consecutive days from `start`.
    pub fn per_day(&self, start: NaiveDate, days: usize) -> Vec<f64> {
        (0..days).map(|d| self.value_on(start + chrono::Days::new(d as u64))).collect()
    }

    /// Every value the schedule can take.
    pub fn values(&self) -> Vec<f64> {
        match self {
            Schedule::Constant(v) => vec![*v],
            Schedule::Steps(s) => s.iter().map(|(_, v)| *v).collect(),
        }
    }

    /// Every date at which one of `schedules` has a step, in order, each once.
    pub fn step_dates(schedules: &[&Schedule]) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = schedules.iter().flat_map(|s| s.changes().iter().map(|(d, _)| *d)).collect();
        dates.sort_unstable();
        dates.dedup();
        dates
    }

    /// The dates at which the value changes, with the new value (empty for a constant).
    pub fn changes(&self) -> &[(NaiveDate, f64)] {
        match self {
            Schedule::Constant(_) => &[],
            Schedule::Steps(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn steps_hold_from_their_date() {
        let s = Schedule::Steps(vec![(d("2024-01-01"), 1.0), (d("2024-01-03"), 2.0)]);
        assert_eq!(s.per_day(d("2024-01-01"), 4), vec![1.0, 1.0, 2.0, 2.0]);
        assert_eq!(Schedule::Constant(5.0).value_on(d("1999-01-01")), 5.0);
    }
}

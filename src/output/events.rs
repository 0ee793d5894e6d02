//! `events.csv`: every dated happening a chart marks, so that `plot` can redraw them from the files
//! alone. One row per event: `kind`, `label`, `from`, `to` (local date and time; `to` is empty for
//! an instant).
//!
//! Kinds: `event` (a scenario's `[[events]]`), `schedule` (a dated change of the quota, the shares
//! or an arrival rate), `cancellation` (`appointment.cancel_from`), `program_end` (the quota falls
//! to zero for good), `outage` (an explicit outage; one that starts once the program has ended is
//! part of the end, not an outage), `caravan_departure`, and `caravan_arrivals` (from the first to
//! the last registration of a caravan's groups, each the mean over the replications where any of
//! its groups registered).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::engine::time::SimTime;
use crate::model::RepResult;
use crate::scenario::{Scenario, Schedule};

/// One row of `events.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    /// What kind of event (see the module's documentation).
    pub kind: String,
    /// What happened, in words.
    pub label: String,
    /// When it starts, `YYYY-MM-DDTHH:MM`.
    pub from: String,
    /// When it ends, or empty for an instant.
    pub to: String,
}

/// The header of `events.csv`, written even when there is no event.
const EVENTS_HEADER: &str = "kind,label,from,to\n";

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// An event before it is written: its start kept as a date and time, to keep those inside the run.
struct Dated {
    kind: &'static str,
    label: String,
    from: NaiveDateTime,
    to: Option<NaiveDateTime>,
}

fn row(kind: &'static str, label: String, from: NaiveDateTime, to: Option<NaiveDateTime>) -> Dated {
    Dated { kind, label, from, to }
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// `1,450` or `0.5`.
fn amount(v: f64) -> String {
    if v.fract() == 0.0 { crate::metrics::group_digits(v, 0) } else { v.to_string() }
}

/// The date from which the daily quota is zero for good, if it ever is after the start.
fn program_end(s: &Scenario) -> Option<NaiveDate> {
    match &s.quota.daily {
        Schedule::Steps(steps) => {
            let (last_date, last) = *steps.last()?;
            (last == 0.0 && last_date > s.start && steps.len() > 1).then_some(last_date)
        }
        Schedule::Constant(_) => None,
    }
}

/// Every event of a run of `s`, in time order (then kind and label); `reps` give the caravans'
/// registration windows (none when empty).
pub fn event_rows(s: &Scenario, reps: &[RepResult]) -> Vec<EventRow> {
    // What the charts can show: an event that meets the reported period.
    let (first_day, last) = (midnight(s.report_start()), midnight(s.end));
    let meets = |from: NaiveDateTime, to: Option<NaiveDateTime>| from < last && to.unwrap_or(from) >= first_day;
    let mut out = Vec::new();
    for e in &s.events {
        out.push(row("event", e.label.clone(), e.at, None));
    }
    let end = program_end(s);
    let unit = if s.quota.unit == crate::scenario::QuotaUnit::Persons { "persons" } else { "groups" };
    // The quota's fall to zero is the program's end, listed below, not a schedule change.
    let schedules: [(&Schedule, String, Option<NaiveDate>); 3] = [
        (&s.quota.daily, format!("Daily quota: {{}} {unit}"), end),
        (&s.quota.seniority_share, "Share by seniority: {}".into(), None),
        (&s.quota.request_probability, "Daily request probability: {}".into(), None),
    ];
    for (sched, template, skip) in schedules {
        for (d, v) in sched.changes().iter().filter(|(d, _)| *d > s.start && Some(*d) != skip) {
            out.push(row("schedule", template.replace("{}", &amount(*v)), midnight(*d), None));
        }
    }
    for a in &s.arrivals {
        for (d, v) in a.groups_per_day.changes().iter().filter(|(d, _)| *d > s.start) {
            out.push(row("schedule", format!("{}: {} groups a day", a.name, amount(*v)), midnight(*d), None));
        }
    }
    if let Some(c) = s.appointment.as_ref().and_then(|a| a.cancel_from) {
        out.push(row("cancellation", "Booked appointments cancelled".into(), c, None));
    }
    if let Some(d) = end {
        out.push(row("program_end", "Program ends: no more appointments".into(), midnight(d), Some(midnight(s.end))));
    }
    for o in &s.outages {
        let from = o.start;
        if end.is_some_and(|d| from >= midnight(d)) {
            continue;
        }
        let to = from + chrono::Duration::seconds((o.hours * 3600.0).round() as i64);
        out.push(row("outage", format!("{} ({} h)", o.label, amount(o.hours)), from, Some(to)));
    }
    let mut reaching = Vec::new();
    for (i, c) in s.caravans.iter().enumerate() {
        let label = format!("{} ({} persons)", c.name, amount(c.persons as f64));
        let departure = row("caravan_departure", label.clone(), midnight(c.depart), None);
        let windows: Vec<(SimTime, SimTime)> =
            reps.iter().filter_map(|r| r.caravan_windows.get(i).copied().flatten()).collect();
        if !windows.is_empty() {
            let n = windows.len() as i128;
            let first = (windows.iter().map(|w| w.0 as i128).sum::<i128>() / n) as i64;
            let last = (windows.iter().map(|w| w.1 as i128).sum::<i128>() / n) as i64;
            let at = |secs: i64| midnight(s.start) + chrono::Duration::seconds(secs);
            let arrivals = row("caravan_arrivals", label, at(first), Some(at(last)));
            // A departure before the reported period is listed when its registrations reach it.
            if meets(arrivals.from, arrivals.to) {
                reaching.push(departure);
                out.push(arrivals);
                continue;
            }
        }
        out.push(departure);
    }
    out.retain(|ev| meets(ev.from, ev.to));
    let mut out: Vec<EventRow> = out
        .into_iter()
        .chain(reaching)
        .map(|ev| EventRow {
            kind: ev.kind.into(),
            label: ev.label,
            from: stamp(ev.from),
            to: ev.to.map(stamp).unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| (&a.from, &a.kind, &a.label).cmp(&(&b.from, &b.kind, &b.label)));
    out
}

/// `events.csv`, with its header even when there is no event.
/// Labels are text cells made safe for spreadsheets ([`super::spreadsheet_safe`]).
pub fn events_csv(rows: &[EventRow]) -> Vec<u8> {
    if rows.is_empty() {
        return EVENTS_HEADER.as_bytes().to_vec();
    }
    let safe: Vec<EventRow> =
        rows.iter().map(|r| EventRow { label: super::spreadsheet_safe(&r.label).into_owned(), ..r.clone() }).collect();
    super::tables::csv_bytes(&safe)
}

/// Reads `events.csv`.
/// Reads `events.csv`, with the labels as they were before [`events_csv`] made them safe.
pub fn parse_events(bytes: &[u8]) -> Result<Vec<EventRow>, String> {
    let mut r = csv::Reader::from_reader(bytes);
    r.deserialize::<EventRow>()
        .enumerate()
        .map(|(i, row)| {
            let row = row.map_err(|e| format!("events.csv row {}: {e}", i + 2))?;
            Ok(EventRow { label: super::from_spreadsheet_safe(&row.label).to_string(), ..row })
        })
        .collect()
}

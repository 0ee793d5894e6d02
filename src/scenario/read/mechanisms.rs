//! Reading the tables of the mechanisms: `[quota]`, `[confirmation]`, `[appointment]`,
//! `[abandonment]`, `[[outages]]` and `[outage_process]`.

use chrono::NaiveDate;

use super::laws::{Role, dist};
use super::values::{
    Result, Tab, array_of, bad, choice, date, datetime, integer, probability, ranged, schedule, string, wrong_type,
};
use crate::scenario::dist::Dist;
use crate::scenario::schedule::Schedule;
use crate::scenario::schema;
use crate::scenario::tree::{At, Node, Source, Val};
use crate::scenario::types::*;

/// `[quota]` (required).
/// `from_ports`: the total of the ports' own quotas, which stands for `quota.daily` (then absent).
pub(super) fn quota(src: &Source, top: &mut Tab, start: NaiveDate, from_ports: Option<Schedule>) -> Result<Quota> {
    let q_node = top.required("quota", "a [quota] table with daily = …")?;
    let mut q = Tab::of(src, "quota", q_node, schema::QUOTA)?;
    let unit = match q.take("unit") {
        Some(n) => match choice(src, "quota.unit", n, &["persons", "groups"])? {
            "persons" => QuotaUnit::Persons,
            _ => QuotaUnit::Groups,
        },
        None => QuotaUnit::Persons,
    };
    let daily = match from_ports {
        Some(total) => {
            if let Some(d) = q.take("daily") {
                let expected = "no quota.daily when every port has its own quota (or shares of quota.daily instead)";
                return Err(bad(src, d, "quota.daily", "is given together with the ports' quotas", expected));
            }
            total
        }
        None => {
            let d = q.required("daily", "daily = <slots per day or a schedule>")?;
            schedule(src, "quota.daily", d, start, &|k, n| {
                integer(src, k, n, 0, 100_000_000, "a whole number of slots per day").map(|i| i as f64)
            })?
        }
    };
    let hour = |q: &mut Tab, key: &str, default: f64, lo: f64, hi: f64, expected: &str| -> Result<(f64, At)> {
        match q.take(key) {
            Some(n) => Ok((ranged(src, &format!("quota.{key}"), n, lo, hi, expected)?, n.at)),
            None => Ok((default, q.at)),
        }
    };
    // Times are kept to the second: an hour from 23:59:59.5 on would be the next day's 00:00.
    let last = (crate::engine::time::DAY as f64 - 0.5 - 1e-6) / 3600.0;
    let noun = "an hour {} (before 23:59:59.5 of the day: times are kept to the second)";
    let (allocation_hour, _) = hour(&mut q, "allocation_hour", 12.0, 0.0, last, noun)?;
    let (open, close) = request_window(src, &mut q, start, allocation_hour)?;
    let p = |k: &str, n: &Node| probability(src, k, n);
    let request_probability =
        q.take("request_probability").map(|n| schedule(src, "quota.request_probability", n, start, &p)).transpose()?;
    let seniority_share =
        q.take("seniority_share").map(|n| schedule(src, "quota.seniority_share", n, start, &p)).transpose()?;
    q.finish()?;
    Ok(Quota {
        unit,
        daily,
        allocation_hour,
        request_open_hour: open,
        request_close_hour: close,
        request_probability: request_probability.unwrap_or(Schedule::Constant(1.0)),
        seniority_share: seniority_share.unwrap_or(Schedule::Constant(0.0)),
    })
}

/// `[confirmation]`.
pub(super) fn confirmation(src: &Source, node: &Node) -> Result<Confirmation> {
    let mut t = Tab::of(src, "confirmation", node, schema::CONFIRMATION)?;
    let window_hours = match t.take("window_hours") {
        Some(n) => ranged(src, "confirmation.window_hours", n, 1.0, 1e6, "a number of hours")?,
        None => 23.0,
    };
    let first_attempt_hours = t
        .take("first_attempt_hours")
        .map(|n| dist(src, "confirmation.first_attempt_hours", n, Role::Duration))
        .transpose()?
        .unwrap_or(Dist::constant(0.0));
    let retry_hours = t
        .take("retry_hours")
        .map(|n| dist(src, "confirmation.retry_hours", n, Role::Duration))
        .transpose()?
        .unwrap_or(Dist::constant(1.0));
    let max_attempts = match t.take("max_attempts") {
        Some(n) => integer(src, "confirmation.max_attempts", n, 1, 1000, "a whole number")? as u32,
        None => 1,
    };
    let failure_probability = t
        .take("failure_probability")
        .map(|n| probability(src, "confirmation.failure_probability", n))
        .transpose()?
        .unwrap_or(0.0);
    let outage_policy = match t.take("outage_policy") {
        Some(n) => match choice(src, "confirmation.outage_policy", n, &["none", "extend", "reissue"])? {
            "none" => OutagePolicy::None,
            "extend" => OutagePolicy::Extend,
            _ => OutagePolicy::Reissue,
        },
        None => OutagePolicy::None,
    };
    let grace_hours = match t.take("grace_hours") {
        Some(n) => ranged(src, "confirmation.grace_hours", n, 0.0, 1e6, "a number of hours")?,
        None => 0.0,
    };
    let on_miss = match t.take("on_miss") {
        Some(n) => match choice(src, "confirmation.on_miss", n, &["return", "drop"])? {
            "return" => OnMiss::Return,
            _ => OnMiss::Drop,
        },
        None => OnMiss::Return,
    };
    t.finish()?;
    Ok(Confirmation {
        window_hours,
        first_attempt_hours,
        retry_hours,
        max_attempts,
        failure_probability,
        outage_policy,
        grace_hours,
        on_miss,
    })
}

/// `[appointment]`.
pub(super) fn appointment(src: &Source, top: &mut Tab, start: NaiveDate) -> Result<Option<Appointment>> {
    top.take("appointment")
        .map(|n| {
            let mut t = Tab::of(src, "appointment", n, schema::APPOINTMENT)?;
            let lead_days =
                t.take("lead_days").map(|n| dist(src, "appointment.lead_days", n, Role::Duration)).transpose()?;
            let lead_days_from = lead_changes(src, &mut t, start)?;
            let cancel_from = t.take("cancel_from").map(|n| datetime(src, "appointment.cancel_from", n)).transpose()?;
            let no_show_probability = t
                .take("no_show_probability")
                .map(|n| probability(src, "appointment.no_show_probability", n))
                .transpose()?;
            t.finish()?;
            Ok(Appointment {
                lead_days: lead_days.unwrap_or(Dist::constant(0.0)),
                lead_days_from,
                no_show_probability: no_show_probability.unwrap_or(0.0),
                cancel_from,
            })
        })
        .transpose()
}

/// `[abandonment]`.
pub(super) fn abandonment(src: &Source, top: &mut Tab) -> Result<Option<Abandonment>> {
    top.take("abandonment")
        .map(|n| {
            let mut t = Tab::of(src, "abandonment", n, schema::ABANDONMENT)?;
            let p = t.required("patience_days", "patience_days = { dist = … }")?;
            let patience_days = dist(src, "abandonment.patience_days", p, Role::Duration)?;
            t.finish()?;
            Ok(Abandonment { patience_days })
        })
        .transpose()
}

/// `[[outages]]`.
pub(super) fn outages(src: &Source, top: &mut Tab, ports: &[Port]) -> Result<Vec<Outage>> {
    array_of(src, top, "outages", schema::OUTAGES, |t, i| {
        let label = match t.take("label") {
            Some(n) => string(src, &t.key("label"), n)?,
            None => format!("outage {}", i + 1),
        };
        let st = t.required("start", "start = \"YYYY-MM-DDTHH:MM\"")?;
        let start = datetime(src, &t.key("start"), st)?;
        let h = t.required("hours", "hours = <length in hours>")?;
        let hours = ranged(src, &t.key("hours"), h, f64::MIN_POSITIVE, 1e6, "a number of hours")?;
        let affects_node = t.take("affects");
        let affects = closure_affects(src, &t.key("affects"), affects_node)?;
        let closes = affects.allocations || affects.appointments;
        let not_a_closure = |t: &Tab, key: &str, n: &Node| {
            let expected = "affects to include \"allocations\" or \"appointments\" (a port closure)";
            bad(src, n, &t.key(key), "applies only to closures", expected)
        };
        let closed = match t.take("ports") {
            Some(n) if !closes => return Err(not_a_closure(t, "ports", n)),
            Some(n) => Some(super::ports::closed(src, &t.key("ports"), n, ports)?),
            None => None,
        };
        let redistribute = match t.take("redistribute") {
            Some(n) => match n.val {
                Val::Bool(true) if !affects.allocations => {
                    let expected = "affects to include \"allocations\" (the slots of closed ports move to open ones)";
                    return Err(bad(
                        src,
                        n,
                        &t.key("redistribute"),
                        "applies only to closures to allocations",
                        expected,
                    ));
                }
                Val::Bool(b) => b,
                _ => return Err(wrong_type(src, n, &t.key("redistribute"), "true or false")),
            },
            None => false,
        };
        let booked = match t.take("booked") {
            Some(n) if !closes => return Err(not_a_closure(t, "booked", n)),
            Some(n) if affects.appointments => match choice(src, &t.key("booked"), n, &["honour_later", "cancel"])? {
                "honour_later" => Booked::HonourLater,
                _ => Booked::Cancel,
            },
            Some(n) => {
                choice(src, &t.key("booked"), n, &["honour"])?;
                Booked::Honour
            }
            None if affects.appointments => Booked::HonourLater,
            None => Booked::Honour,
        };
        Ok(Outage { label, start, hours, affects, ports: closed, redistribute, booked })
    })
}

/// `[[events]]`: dated changes that are not mechanisms.
pub(super) fn events(src: &Source, top: &mut Tab) -> Result<Vec<Event>> {
    array_of(src, top, "events", schema::EVENTS, |t, _| {
        let d = t.required("date", "date = \"YYYY-MM-DD\" or \"YYYY-MM-DDTHH:MM\"")?;
        let at = datetime(src, &t.key("date"), d)?;
        let l = t.required("label", "label = \"what changed\"")?;
        let label = string(src, &t.key("label"), l)?;
        Ok(Event { at, label })
    })
}

/// `[outage_process]`.
pub(super) fn outage_process(src: &Source, top: &mut Tab) -> Result<Option<OutageProcess>> {
    top.take("outage_process")
        .map(|n| {
            let mut t = Tab::of(src, "outage_process", n, schema::OUTAGE_PROCESS)?;
            let pm = t.required("per_month", "per_month = <outages per month>")?;
            let per_month =
                ranged(src, "outage_process.per_month", pm, 0.0, 10_000.0, "a number of outages per month")?;
            let h = t.required("hours", "hours = { dist = … }")?;
            let hours = dist(src, "outage_process.hours", h, Role::Duration)?;
            let affects = affects(src, "outage_process.affects", t.take("affects"))?;
            t.finish()?;
            Ok(OutageProcess { per_month, hours, affects })
        })
        .transpose()
}

/// `affects = [...]` of an explicit outage: the three activities of the app, and the port
/// closures `allocations` and `appointments` (the three of the app when absent).
fn closure_affects(src: &Source, key: &str, node: Option<&Node>) -> Result<Affects> {
    let Some(node) = node else { return Ok(Affects::ALL) };
    let all = ["requests", "confirmations", "registrations", "allocations", "appointments"];
    let expected =
        "a non-empty list of \"requests\", \"confirmations\", \"registrations\", \"allocations\", \"appointments\"";
    let Val::Array(items) = &node.val else { return Err(wrong_type(src, node, key, expected)) };
    if items.is_empty() {
        return Err(bad(src, node, key, "is empty", expected));
    }
    let mut a = Affects::default();
    for item in items {
        match choice(src, key, item, &all)? {
            "requests" => a.requests = true,
            "confirmations" => a.confirmations = true,
            "registrations" => a.registrations = true,
            "allocations" => a.allocations = true,
            _ => a.appointments = true,
        }
    }
    Ok(a)
}

/// `affects = [...]` of an outage (every activity when absent).
fn affects(src: &Source, key: &str, node: Option<&Node>) -> Result<Affects> {
    let Some(node) = node else { return Ok(Affects::ALL) };
    let expected = "a non-empty list of \"requests\", \"confirmations\", \"registrations\"";
    let Val::Array(items) = &node.val else { return Err(wrong_type(src, node, key, expected)) };
    if items.is_empty() {
        return Err(bad(src, node, key, "is empty", expected));
    }
    let mut a = Affects::default();
    for item in items {
        match choice(src, key, item, &["requests", "confirmations", "registrations"])? {
            "requests" => a.requests = true,
            "confirmations" => a.confirmations = true,
            _ => a.registrations = true,
        }
    }
    Ok(a)
}

/// The request window's opening and closing hours, each a number or a dated schedule, checked on
/// every date either changes: it opens before it closes, and closes at or before the allocation.
fn request_window(src: &Source, q: &mut Tab, start: NaiveDate, allocation_hour: f64) -> Result<(Schedule, Schedule)> {
    let hours = |k: &str, n: &Node| ranged(src, k, n, -24.0, 24.0, "an hour {} (negative: the day before)");
    let mut read = |key: &str, default: f64| -> Result<(Schedule, At)> {
        match q.take(key) {
            Some(n) => Ok((schedule(src, &format!("quota.{key}"), n, start, &hours)?, n.at)),
            None => Ok((Schedule::Constant(default), q.at)),
        }
    };
    let (open, open_at) = read("request_open_hour", 0.0)?;
    let (close, close_at) = read("request_close_hour", 12.0)?;
    let later = Schedule::step_dates(&[&open, &close]).into_iter().filter(|d| *d > start);
    for d in std::iter::once(start).chain(later) {
        let (o, c) = (open.value_on(d), close.value_on(d));
        let on = |s: &Schedule| if s.changes().is_empty() { String::new() } else { format!(" on {d}") };
        if c > allocation_hour {
            return Err(src.error(
                close_at,
                "quota.request_close_hour",
                format!("quota.request_close_hour = {c:?}{} is after the allocation: expected request_close_hour ≤ allocation_hour = {allocation_hour:?}", on(&close)),
            ));
        }
        if o >= c {
            return Err(src.error(
                open_at,
                "quota.request_open_hour",
                format!("quota.request_open_hour = {o:?}{} does not open before the window closes: expected request_open_hour < request_close_hour = {c:?}", on(&open)),
            ));
        }
    }
    Ok((open, close))
}

/// `appointment.lead_days_from`: later lead times, each from its date (after the start, in
/// strictly increasing order).
fn lead_changes(src: &Source, t: &mut Tab, start: NaiveDate) -> Result<Vec<(NaiveDate, Dist)>> {
    let Some(node) = t.take("lead_days_from") else { return Ok(Vec::new()) };
    let Val::Array(items) = &node.val else {
        return Err(wrong_type(
            src,
            node,
            "appointment.lead_days_from",
            "a list of { from = \"YYYY-MM-DD\", lead_days = { dist = … } }",
        ));
    };
    let mut out: Vec<(NaiveDate, Dist)> = Vec::with_capacity(items.len());
    for (i, n) in items.iter().enumerate() {
        let key = format!("appointment.lead_days_from.{i}");
        let mut item = Tab::of(src, &key, n, schema::LEAD_STEP)?;
        let from_node = item.required("from", "from = \"YYYY-MM-DD\"")?;
        let from = date(src, &item.key("from"), from_node)?;
        let after = out.last().map_or(start, |(d, _)| *d);
        if from <= after {
            let expected = format!("a date after {after} (after the start and the previous change)");
            return Err(bad(src, from_node, &format!("{key}.from"), "is not after the previous change", &expected));
        }
        let lead = item.required("lead_days", "lead_days = { dist = … }")?;
        let lead = dist(src, &item.key("lead_days"), lead, Role::Duration)?;
        item.finish()?;
        out.push((from, lead));
    }
    Ok(out)
}

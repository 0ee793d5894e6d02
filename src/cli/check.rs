//! `borderq check`: validates scenarios and prints what would run, with expected arrivals against the
//! quota, so an analyst sees an overloaded or idle system before running it.

use borderq::scenario::{DAYS_PER_MONTH, Dist, Law, OnMiss, OutagePolicy, QuotaUnit, Scenario};

use super::args::CheckArgs;
use super::{Failure, load, out};

pub(crate) fn check(a: CheckArgs) -> Result<(), Failure> {
    let mut errors = Vec::new();
    for arg in &a.scenarios {
        match load(arg, &a.flags) {
            Ok(s) => out(&describe(arg, &s))?,
            Err(Failure::Input(msg)) => {
                eprintln!("error: {msg}");
                errors.push(arg.clone());
            }
            Err(e) => return Err(e),
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 if a.scenarios.len() == 1 => Err(Failure::Input(format!("{} is not a valid scenario", errors[0]))),
        n => {
            Err(Failure::Input(format!("{n} of {} scenarios are not valid: {}", a.scenarios.len(), errors.join(", "))))
        }
    }
}

/// Mean of a group-size law after rounding and clamping to 1–10 (SPEC §2.8).
fn size_mean(d: &Dist) -> f64 {
    let rc = |x: f64| x.round().clamp(1.0, 10.0);
    match &d.law {
        Law::Empirical { values, weights } => {
            let total: f64 = weights.iter().sum();
            values.iter().zip(weights).map(|(v, w)| rc(d.clamp(*v)) * w).sum::<f64>() / total
        }
        _ => {
            let n = 20_000;
            (0..n).map(|i| rc(d.quantile((i as f64 + 0.5) / n as f64))).sum::<f64>() / n as f64
        }
    }
}

fn hours(h: f64) -> String {
    let sign = if h < 0.0 { "-" } else { "" };
    let m = (h.abs() * 60.0).round() as i64;
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

fn describe(arg: &str, s: &Scenario) -> String {
    let days = s.days();
    let mut o = format!("{arg}: ok\n  {} — {}\n", s.name, s.description);
    o.push_str(&format!(
        "  horizon {} to {} ({days} days, warm-up {} days), {} replications, seed {}\n",
        s.start, s.end, s.warmup_days, s.replications, s.seed
    ));
    let q = &s.quota;
    let unit = if q.unit == QuotaUnit::Persons { "persons" } else { "groups" };
    let quota_total: f64 = q.daily.per_day(s.start, days).iter().sum();
    o.push_str(&format!(
        "  quota: {} {unit}/day{}, allocation at {} (requests {}–{}), request probability {}, seniority share {}\n",
        q.daily.values()[0],
        if q.daily.changes().len() > 1 {
            format!(" (changing {} times)", q.daily.changes().len() - 1)
        } else {
            String::new()
        },
        hours(q.allocation_hour),
        hours(q.request_open_hour),
        hours(q.request_close_hour),
        q.request_probability.values().iter().map(|v| v.to_string()).collect::<Vec<_>>().join("→"),
        q.seniority_share.values().iter().map(|v| v.to_string()).collect::<Vec<_>>().join("→"),
    ));
    match &s.confirmation {
        Some(c) => {
            let policy = match c.outage_policy {
                OutagePolicy::None => "none".to_string(),
                OutagePolicy::Extend => format!("extend (+{} h grace)", c.grace_hours),
                OutagePolicy::Reissue => "reissue".to_string(),
            };
            let miss = if c.on_miss == OnMiss::Return { "return" } else { "drop" };
            o.push_str(&format!(
                "  confirmation: {} h window, up to {} attempts, failure probability {}, outage policy {policy}, on miss {miss}\n",
                c.window_hours, c.max_attempts, c.failure_probability
            ));
        }
        None => o.push_str("  confirmation: none (selected groups are booked at once)\n"),
    }
    match &s.appointment {
        Some(a) => o.push_str(&format!(
            "  appointment: lead time {} ({:.1} days on average), no-show probability {}{}\n",
            a.lead_days.name(),
            a.lead_days.clamped_mean(),
            a.no_show_probability,
            a.cancel_from.map_or(String::new(), |c| format!("; every appointment from {c} is cancelled"))
        )),
        None => o.push_str("  appointment: none (processed at the moment of booking)\n"),
    }
    match &s.abandonment {
        Some(a) => o.push_str(&format!(
            "  abandonment: patience {} ({:.1} days on average)\n",
            a.patience_days.name(),
            a.patience_days.clamped_mean()
        )),
        None => o.push_str("  abandonment: none\n"),
    }

    o.push_str("  expected persons registering during the horizon:\n");
    let mut total_persons = 0.0;
    let mut total_groups = 0.0;
    if let Some(i) = &s.initial {
        let persons = i.groups as f64 * size_mean(&i.group_size);
        o.push_str(&format!(
            "    {:<44} {:>12.0}  (waiting at the start: {} groups)\n",
            "initial backlog", persons, i.groups
        ));
    }
    for a in &s.arrivals {
        let groups: f64 = a.groups_per_day.per_day(s.start, days).iter().sum::<f64>() * a.register_share;
        let persons = groups * size_mean(&a.group_size);
        total_groups += groups;
        total_persons += persons;
        o.push_str(&format!("    {:<44} {:>12.0}\n", a.name, persons));
    }
    let origin = s.start;
    let horizon = days as f64;
    for c in &s.caravans {
        let depart = (c.depart - origin).num_days() as f64;
        // Reach time = depart + distance/pace: registered within [0, horizon) iff pace lies in a band.
        let p_before = if depart < 0.0 && c.distance_km > 0.0 {
            1.0 - c.pace_km_per_day.cdf(c.distance_km / -depart)
        } else if depart < 0.0 {
            1.0
        } else {
            0.0
        };
        let p_after = if horizon - depart > 0.0 && c.distance_km > 0.0 {
            c.pace_km_per_day.cdf(c.distance_km / (horizon - depart))
        } else if horizon <= depart {
            1.0
        } else {
            0.0
        };
        let go_on = c.persons as f64 * (1.0 - c.dropout);
        let persons = go_on * (1.0 - p_before - p_after).max(0.0);
        total_persons += persons;
        total_groups += persons / size_mean(&c.group_size);
        let mut note = format!("(of {} departing {}", c.persons, c.depart);
        if p_before > 0.0 {
            note.push_str(&format!("; {:.0} would arrive before start and are dropped", go_on * p_before));
        }
        note.push(')');
        o.push_str(&format!("    {:<44} {:>12.0}  {note}\n", c.name, persons));
    }
    if let Some(p) = &s.caravan_process {
        let mean_trip = p.distance_km / p.pace_km_per_day.clamped_mean().max(1e-9);
        let caravans = p.per_month / DAYS_PER_MONTH * (horizon - mean_trip).max(0.0);
        let persons = caravans * p.persons.clamped_mean().max(0.0) * (1.0 - p.dropout);
        total_persons += persons;
        total_groups += persons / size_mean(&p.group_size);
        o.push_str(&format!(
            "    {:<44} {:>12.0}  (about {:.1} caravans arriving)\n",
            "random caravans", persons, caravans
        ));
    }
    let quota_persons = match q.unit {
        QuotaUnit::Persons => quota_total,
        QuotaUnit::Groups => quota_total * if total_groups > 0.0 { total_persons / total_groups } else { 1.0 },
    };
    o.push_str(&format!(
        "  total arriving {total_persons:.0} persons vs quota {quota_persons:.0} persons over the horizon (ratio {:.2})\n",
        if quota_persons > 0.0 { total_persons / quota_persons } else { f64::INFINITY }
    ));
    let outage_hours: f64 = s.outages.iter().map(|x| x.hours).fold(0.0, |a, b| a + b);
    o.push_str(&format!("  outages: {} explicit ({outage_hours} h in all)", s.outages.len()));
    if let Some(p) = &s.outage_process {
        o.push_str(&format!(", random {} per month of {:.1} h on average", p.per_month, p.hours.clamped_mean()));
    }
    o.push('\n');
    o
}

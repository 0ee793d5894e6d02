//! `borderq check`: validates scenarios and prints what would run, with expected arrivals against the
//! quota, so an analyst sees an overloaded or idle system before running it.

use borderq::scenario::{Load, OnMiss, OutagePolicy, QuotaUnit, Scenario};

use super::args::CheckArgs;
use super::{Failure, load, out};
use borderq::metrics::group_digits;

pub(crate) fn check(a: CheckArgs) -> Result<(), Failure> {
    let mut errors = Vec::new();
    for arg in &a.scenarios {
        match load(arg, &a.flags) {
            Ok(s) => out(&describe(arg, &s))?,
            // One scenario: its error is the one line.
            Err(e) if a.scenarios.len() == 1 => return Err(e),
            Err(Failure::Input(msg)) => {
                eprintln!("error: {msg}");
                errors.push(arg.clone());
            }
            Err(e) => return Err(e),
        }
    }
    match errors.len() {
        0 => Ok(()),
        n => {
            Err(Failure::Input(format!("{n} of {} scenarios are not valid: {}", a.scenarios.len(), errors.join(", "))))
        }
    }
}

fn describe(arg: &str, s: &Scenario) -> String {
    let days = s.days();
    let mut o = format!("{arg}: ok\n  {} — {}\n", s.name, s.description);
    o.push_str(&format!(
        "  horizon {} to {} ({days} days{}), {} replications, seed {}\n",
        s.start,
        s.end,
        match s.report_from {
            Some(r) => format!("; reported from {r}, {} days", s.report_days()),
            None => format!(", warm-up {} days", s.warmup_days),
        },
        s.replications,
        s.seed
    ));
    o.push_str(&describe_rules(s));
    o.push_str(&describe_load(s));
    let outage_hours: f64 = s.outages.iter().map(|x| x.hours).fold(0.0, |a, b| a + b);
    o.push_str(&format!("  outages: {} explicit ({outage_hours} h in all)", s.outages.len()));
    if let Some(p) = &s.outage_process {
        o.push_str(&format!(", random {} per month of {:.1} h on average", p.per_month, p.hours.clamped_mean()));
    }
    o.push('\n');
    o
}

/// The quota, confirmation, appointment and abandonment rules.
fn describe_rules(s: &Scenario) -> String {
    let mut o = String::new();
    let q = &s.quota;
    let unit = if q.unit == QuotaUnit::Persons { "persons" } else { "groups" };
    let steps = q.daily.changes();
    let changes = steps.windows(2).filter(|w| w[0].1 != w[1].1).count();
    o.push_str(&format!(
        "  quota: {} {unit}/day on {}{}, allocation at {} (requests {}), request probability {}, seniority share {}\n",
        group_digits(q.daily.value_on(s.report_start()), 0),
        s.report_start(),
        if changes > 0 { format!(" (changing {changes} times over the run)") } else { String::new() },
        q.allocation_text(),
        q.request_window_text(s.report_start()),
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
            "  appointment: lead time {}, no-show probability {}{}\n",
            a.lead_text(),
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

    o
}

/// Expected persons registering per source, against the quota.
fn describe_load(s: &Scenario) -> String {
    let load = Load::of(s);
    let mut o = String::from("  expected persons registering during the horizon:\n");
    if let Some((groups, persons)) = load.initial {
        o.push_str(&format!(
            "    {:<44} {:>12}  (waiting at the start: {} groups)\n",
            "initial backlog",
            group_digits(persons, 0),
            group_digits(groups as f64, 0)
        ));
    }
    for a in &load.arrivals {
        o.push_str(&format!("    {:<44} {:>12}\n", a.name, group_digits(a.persons, 0)));
    }
    for (c, l) in s.caravans.iter().zip(&load.caravans) {
        let mut note = format!("(of {} departing {}", group_digits(c.persons as f64, 0), c.depart);
        if let Some(dropped) = l.before_start {
            note.push_str(&format!("; {dropped:.0} would arrive before start and are dropped"));
        }
        note.push(')');
        o.push_str(&format!("    {:<44} {:>12}  {note}\n", l.load.name, group_digits(l.load.persons, 0)));
    }
    if let Some((l, caravans)) = &load.random_caravans {
        o.push_str(&format!(
            "    {:<44} {:>12}  (about {caravans:.1} caravans arriving)\n",
            "random caravans",
            group_digits(l.persons, 0)
        ));
    }
    let (total, quota) = (load.total_persons, load.quota_persons);
    o.push_str(&format!(
        "  total arriving {} persons vs quota {} persons over the horizon (ratio {:.2})\n",
        group_digits(total, 0),
        group_digits(quota, 0),
        if quota > 0.0 { total / quota } else { f64::INFINITY }
    ));
    o
}

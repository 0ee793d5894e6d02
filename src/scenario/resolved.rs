//! Writes a [`Scenario`] back as TOML with every default filled in (`scenario.toml` of each run and
//! `borderq scenarios show NAME --resolved`). Reading the text back gives the same scenario.

use std::fmt::Write;

use super::dist::{Dist, Law};
use super::schedule::Schedule;
use super::types::*;

/// The scenario as TOML text, defaults included.
pub fn to_toml(s: &Scenario) -> String {
    let mut o = String::new();
    let w = &mut o;
    let _ = writeln!(w, "# Resolved by borderq {}: every default filled in.", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(w, "[scenario]");
    kv(w, "name", &string(&s.name));
    kv(w, "description", &string(&s.description));
    kv(w, "start", &string(&s.start.to_string()));
    kv(w, "end", &string(&s.end.to_string()));
    kv(w, "warmup_days", &float(s.warmup_days));
    if let Some(r) = s.report_from {
        kv(w, "report_from", &string(&r.to_string()));
    }
    kv(w, "replications", &s.replications.to_string());
    kv(w, "seed", &s.seed.to_string());
    kv(w, "compare_with_record", &s.compare_with_record.to_string());

    mechanisms(w, s);
    sources(w, s);
    outages(w, s);
    if let Some(sw) = &s.sweep {
        let _ = writeln!(w, "\n[sweep]");
        let items: Vec<String> = sw.vary.iter().map(|v| string(v)).collect();
        kv(w, "vary", &format!("[{}]", items.join(", ")));
    }
    if !s.provenance.is_empty() {
        let _ = writeln!(w, "\n[provenance]");
        for (path, source) in &s.provenance {
            kv(w, &string(path), &string(source));
        }
    }
    o
}

/// `[quota]`, `[confirmation]`, `[appointment]`, `[abandonment]`.
fn mechanisms(w: &mut String, s: &Scenario) {
    let q = &s.quota;
    let _ = writeln!(w, "\n[quota]");
    kv(w, "unit", &string(if q.unit == QuotaUnit::Persons { "persons" } else { "groups" }));
    if !s.ports.iter().any(|p| matches!(p.quota, PortQuota::Slots(_))) {
        kv(w, "daily", &schedule(&q.daily, true));
    }
    kv(w, "allocation_hour", &float(q.allocation_hour));
    kv(w, "request_open_hour", &schedule(&q.request_open_hour, false));
    kv(w, "request_close_hour", &schedule(&q.request_close_hour, false));
    kv(w, "request_probability", &schedule(&q.request_probability, false));
    kv(w, "seniority_share", &schedule(&q.seniority_share, false));

    ports(w, s);
    if let Some(c) = &s.confirmation {
        let _ = writeln!(w, "\n[confirmation]");
        kv(w, "window_hours", &float(c.window_hours));
        kv(w, "first_attempt_hours", &dist(&c.first_attempt_hours));
        kv(w, "retry_hours", &dist(&c.retry_hours));
        kv(w, "max_attempts", &c.max_attempts.to_string());
        kv(w, "failure_probability", &float(c.failure_probability));
        let policy = match c.outage_policy {
            OutagePolicy::None => "none",
            OutagePolicy::Extend => "extend",
            OutagePolicy::Reissue => "reissue",
        };
        kv(w, "outage_policy", &string(policy));
        kv(w, "grace_hours", &float(c.grace_hours));
        kv(w, "on_miss", &string(if c.on_miss == OnMiss::Return { "return" } else { "drop" }));
    }
    if let Some(a) = &s.appointment {
        let _ = writeln!(w, "\n[appointment]");
        kv(w, "lead_days", &dist(&a.lead_days));
        if !a.lead_days_from.is_empty() {
            let items: Vec<String> = a
                .lead_days_from
                .iter()
                .map(|(d, l)| format!("{{ from = {}, lead_days = {} }}", string(&d.to_string()), dist(l)))
                .collect();
            kv(w, "lead_days_from", &format!("[{}]", items.join(", ")));
        }
        kv(w, "no_show_probability", &float(a.no_show_probability));
        if let Some(c) = a.cancel_from {
            kv(w, "cancel_from", &string(&c.format("%Y-%m-%dT%H:%M:%S").to_string()));
        }
    }
    if let Some(a) = &s.abandonment {
        let _ = writeln!(w, "\n[abandonment]");
        kv(w, "patience_days", &dist(&a.patience_days));
    }
}

/// `[[ports]]`, `[port_switching]`.
fn ports(w: &mut String, s: &Scenario) {
    for p in &s.ports {
        let _ = writeln!(w, "\n[[ports]]");
        kv(w, "id", &string(&p.id));
        kv(w, "name", &string(&p.name));
        match &p.quota {
            PortQuota::Slots(q) => kv(w, "quota", &schedule(q, true)),
            PortQuota::Share(x) => kv(w, "share", &schedule(x, false)),
        }
        if let Some(l) = &p.lead_days {
            kv(w, "lead_days", &dist(l));
        }
    }
    if let Some(sw) = &s.port_switching {
        let _ = writeln!(w, "\n[port_switching]");
        kv(w, "after_days", &float(sw.after_days));
        kv(w, "daily_probability", &float(sw.daily_probability));
        let rule = if sw.rule == SwitchRule::Weights { "weights" } else { "shortest_wait" };
        kv(w, "rule", &string(rule));
    }
}

/// A source's port choice weights, `{ "id" = w, … }` (ports of weight 0 left out).
fn weights(w: &mut String, s: &Scenario, weights: &Option<Vec<f64>>) {
    if let Some(ws) = weights {
        let items: Vec<String> = s
            .ports
            .iter()
            .zip(ws)
            .filter(|(_, x)| **x > 0.0)
            .map(|(p, x)| format!("{} = {}", string(&p.id), float(*x)))
            .collect();
        kv(w, "ports", &format!("{{ {} }}", items.join(", ")));
    }
}

/// `[initial]`, `[[arrivals]]`, `[[caravans]]`, `[caravan_process]`.
fn sources(w: &mut String, s: &Scenario) {
    if let Some(i) = &s.initial {
        let _ = writeln!(w, "\n[initial]");
        kv(w, "groups", &i.groups.to_string());
        kv(w, "registered_days_ago", &dist(&i.registered_days_ago));
        kv(w, "group_size", &dist(&i.group_size));
        weights(w, s, &i.ports);
    }
    for a in &s.arrivals {
        let _ = writeln!(w, "\n[[arrivals]]");
        kv(w, "name", &string(&a.name));
        kv(w, "groups_per_day", &schedule(&a.groups_per_day, false));
        kv(w, "group_size", &dist(&a.group_size));
        kv(w, "travel_days", &dist(&a.travel_days));
        kv(w, "register_share", &float(a.register_share));
        weights(w, s, &a.ports);
    }
    for c in &s.caravans {
        let _ = writeln!(w, "\n[[caravans]]");
        kv(w, "name", &string(&c.name));
        kv(w, "depart", &string(&c.depart.to_string()));
        kv(w, "persons", &c.persons.to_string());
        kv(w, "distance_km", &float(c.distance_km));
        kv(w, "pace_km_per_day", &dist(&c.pace_km_per_day));
        kv(w, "dropout", &float(c.dropout));
        kv(w, "group_size", &dist(&c.group_size));
        weights(w, s, &c.ports);
    }
    if let Some(c) = &s.caravan_process {
        let _ = writeln!(w, "\n[caravan_process]");
        kv(w, "per_month", &float(c.per_month));
        kv(w, "persons", &dist(&c.persons));
        kv(w, "distance_km", &float(c.distance_km));
        kv(w, "pace_km_per_day", &dist(&c.pace_km_per_day));
        kv(w, "dropout", &float(c.dropout));
        kv(w, "group_size", &dist(&c.group_size));
        weights(w, s, &c.ports);
    }
}

/// `[[outages]]`, `[outage_process]`.
fn outages(w: &mut String, s: &Scenario) {
    for o in &s.outages {
        let _ = writeln!(w, "\n[[outages]]");
        kv(w, "label", &string(&o.label));
        kv(w, "start", &string(&o.start.format("%Y-%m-%dT%H:%M:%S").to_string()));
        kv(w, "hours", &float(o.hours));
        kv(w, "affects", &affects(&o.affects));
        if let Some(ps) = &o.ports {
            let ids: Vec<String> = ps.iter().map(|i| string(&s.ports[*i].id)).collect();
            kv(w, "ports", &format!("[{}]", ids.join(", ")));
        }
        if o.affects.allocations || o.affects.appointments {
            kv(w, "redistribute", &o.redistribute.to_string());
            kv(w, "booked", &string(o.booked.name()));
        }
    }
    if let Some(p) = &s.outage_process {
        let _ = writeln!(w, "\n[outage_process]");
        kv(w, "per_month", &float(p.per_month));
        kv(w, "hours", &dist(&p.hours));
        kv(w, "affects", &affects(&p.affects));
    }
    for ev in &s.events {
        let _ = writeln!(w, "\n[[events]]");
        kv(w, "date", &string(&ev.at.format("%Y-%m-%dT%H:%M:%S").to_string()));
        kv(w, "label", &string(&ev.label));
    }
}

fn kv(w: &mut String, key: &str, value: &str) {
    let _ = writeln!(w, "{key} = {value}");
}

/// A TOML basic string with escapes.
fn string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A float TOML reads back as the same f64 (Rust's shortest round-trip form, always with a dot or exponent).
fn float(x: f64) -> String {
    format!("{x:?}")
}

fn schedule(s: &Schedule, integer: bool) -> String {
    let num = |v: f64| if integer { format!("{}", v as i64) } else { float(v) };
    match s {
        Schedule::Constant(v) => num(*v),
        Schedule::Steps(steps) => {
            let items: Vec<String> = steps
                .iter()
                .map(|(d, v)| format!("{{ from = {}, value = {} }}", string(&d.to_string()), num(*v)))
                .collect();
            format!("[{}]", items.join(", "))
        }
    }
}

fn dist(d: &Dist) -> String {
    let mut parts = vec![format!("dist = {}", string(d.name()))];
    let list = |xs: &[f64]| format!("[{}]", xs.iter().map(|x| float(*x)).collect::<Vec<_>>().join(", "));
    match &d.law {
        Law::Constant { value } => parts.push(format!("value = {}", float(*value))),
        Law::Exponential { mean } => parts.push(format!("mean = {}", float(*mean))),
        Law::Uniform { min, max } => parts.push(format!("min = {}, max = {}", float(*min), float(*max))),
        Law::Normal { mean, sd } | Law::LogNormal { mean, sd } | Law::Gamma { mean, sd } => {
            parts.push(format!("mean = {}, sd = {}", float(*mean), float(*sd)))
        }
        Law::Weibull { shape, scale } => parts.push(format!("shape = {}, scale = {}", float(*shape), float(*scale))),
        Law::Empirical { values, weights } => {
            parts.push(format!("values = {}, weights = {}", list(values), list(weights)))
        }
    }
    if let Some(lo) = d.lo {
        parts.push(format!("min = {}", float(lo)));
    }
    if let Some(hi) = d.hi {
        parts.push(format!("max = {}", float(hi)));
    }
    format!("{{ {} }}", parts.join(", "))
}

fn affects(a: &Affects) -> String {
    let items: Vec<String> = a.names().iter().map(|n| string(n)).collect();
    format!("[{}]", items.join(", "))
}

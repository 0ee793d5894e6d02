//! Reading the ports of entry: `[[ports]]`, `[port_switching]`, a source's choice weights
//! (`ports = { id = weight }`) and the ports a closure names.

use chrono::NaiveDate;

use super::laws::{Role, dist};
use super::values::{Result, Tab, array_of, bad, choice, integer, probability, ranged, schedule, string, wrong_type};
use crate::scenario::schedule::Schedule;
use crate::scenario::schema;
use crate::scenario::tree::{At, Node, Source, Val};
use crate::scenario::types::*;

/// Tolerance on the sum of the shares (they are written with a few decimals).
const SHARE_SUM_TOLERANCE: f64 = 1e-9;

/// `[[ports]]`: ids unique and well formed, names unique, every port with `quota` or every port
/// with `share`, shares summing to 1.
pub(super) fn ports(src: &Source, top: &mut Tab, start: NaiveDate) -> Result<Vec<Port>> {
    // Where each port's quota or share, id and name were written: (at, text, is quota).
    let mut nodes: Vec<(At, String, bool)> = Vec::new();
    let mut named: Vec<(At, Option<At>)> = Vec::new();
    let ports = array_of(src, top, "ports", schema::PORTS, |t, i| {
        let id_node = t.required("id", "id = \"lowercase-letters-digits-and-dashes\"")?;
        let id = string(src, &t.key("id"), id_node)?;
        let well_formed = !id.is_empty()
            && !id.starts_with('-')
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            let expected =
                "a non-empty id of lowercase letters, digits and '-' (not starting with '-'), such as \"san-ysidro\"";
            return Err(bad(src, id_node, &t.key("id"), "is not a valid port id", expected));
        }
        let name_node = t.take("name");
        named.push((id_node.at, name_node.map(|n| n.at)));
        let name = match name_node {
            Some(n) => string(src, &t.key("name"), n)?,
            None => id.clone(),
        };
        let quota = match (t.take("quota"), t.take("share")) {
            (Some(_), Some(s)) => {
                let expected = "either quota (its own slots per day) or share (of quota.daily), not both";
                return Err(bad(src, s, &t.key("share"), "is given together with quota", expected));
            }
            (Some(q), None) => {
                nodes.push((q.at, q.render(), true));
                PortQuota::Slots(schedule(src, &t.key("quota"), q, start, &|k, n| {
                    integer(src, k, n, 0, 100_000_000, "a whole number of slots per day").map(|i| i as f64)
                })?)
            }
            (None, Some(s)) => {
                nodes.push((s.at, s.render(), false));
                PortQuota::Share(schedule(src, &t.key("share"), s, start, &|k, n| probability(src, k, n))?)
            }
            (None, None) => {
                return Err(src.error(
                    t.at,
                    &t.key("quota"),
                    format!(
                        "missing key {}: [[ports]] number {} needs quota = <slots per day or a schedule> or share = <share of quota.daily>",
                        t.key("quota"),
                        i + 1
                    ),
                ));
            }
        };
        let lead_days = t.take("lead_days").map(|n| dist(src, &t.key("lead_days"), n, Role::Duration)).transpose()?;
        Ok(Port { id, name, quota, lead_days })
    })?;
    check(src, &ports, &nodes, &named, start)?;
    Ok(ports)
}

/// Ids and names unique, every port with quota or every port with share, shares summing to 1.
fn check(
    src: &Source,
    ports: &[Port],
    nodes: &[(At, String, bool)],
    named: &[(At, Option<At>)],
    start: NaiveDate,
) -> Result<()> {
    for (i, p) in ports.iter().enumerate() {
        if let Some(j) = ports[..i].iter().position(|q| q.id == p.id || q.name == p.name) {
            let (what, value, at) = match named[i] {
                (id_at, _) if ports[j].id == p.id => ("id", &p.id, id_at),
                (id_at, name_at) => ("name", &p.name, name_at.unwrap_or(id_at)),
            };
            let ids: Vec<&str> = ports[..i].iter().map(|q| q.id.as_str()).collect();
            return Err(src.error(
                at,
                &format!("ports.{i}.{what}"),
                format!(
                    "ports.{i}.{what} = {value:?} is already the {what} of ports.{j}: expected a port {what} not yet used (ports so far: {})",
                    ids.join(", ")
                ),
            ));
        }
    }
    if let Some(i) = nodes.iter().position(|(_, _, q)| *q != nodes[0].2) {
        let (this, first) = if nodes[i].2 { ("quota", "share") } else { ("share", "quota") };
        let key = format!("ports.{i}.{this}");
        return Err(src.error(
            nodes[i].0,
            &key,
            format!(
                "{key} = {} is given while ports.0 has {first}: expected every port with quota (its own slots per day, quota.daily omitted) or every port with share (of quota.daily)",
                nodes[i].1
            ),
        ));
    }
    let shares: Vec<&Schedule> =
        ports.iter().filter_map(|p| if let PortQuota::Share(s) = &p.quota { Some(s) } else { None }).collect();
    let steps = Schedule::step_dates(&shares);
    let dated = !steps.is_empty();
    let dates = std::iter::once(start).chain(steps.into_iter().filter(|d| *d > start));
    for date in dates.filter(|_| !shares.is_empty()) {
        let total: f64 = shares.iter().map(|s| s.value_on(date)).sum();
        if (total - 1.0).abs() > SHARE_SUM_TOLERANCE {
            let last = nodes.len() - 1;
            let key = format!("ports.{last}.share");
            let on = if dated { format!(" on {date}") } else { String::new() };
            return Err(src.error(
                nodes[last].0,
                &key,
                format!(
                    "{key} = {} makes the shares of the ports sum to {total}{on}: expected shares that sum to 1 on every date",
                    nodes[last].1
                ),
            ));
        }
    }
    Ok(())
}

/// The total daily quota of ports with their own schedules: a schedule that changes whenever one
/// of theirs does, holding their sum.
pub(super) fn total_quota(ports: &[Port]) -> Option<Schedule> {
    let schedules: Vec<&Schedule> =
        ports.iter().filter_map(|p| if let PortQuota::Slots(s) = &p.quota { Some(s) } else { None }).collect();
    if schedules.is_empty() {
        return None;
    }
    let dates = Schedule::step_dates(&schedules);
    let sum = |d: NaiveDate| schedules.iter().map(|s| s.value_on(d)).sum::<f64>();
    Some(match dates.first() {
        None => Schedule::Constant(schedules.iter().map(|s| s.value_on(NaiveDate::MIN)).sum()),
        Some(_) => Schedule::Steps(dates.into_iter().map(|d| (d, sum(d))).collect()),
    })
}

/// `[port_switching]`.
pub(super) fn switching(src: &Source, top: &mut Tab, ports: &[Port]) -> Result<Option<PortSwitching>> {
    let Some(node) = top.take("port_switching") else { return Ok(None) };
    if ports.len() < 2 {
        return Err(bad(
            src,
            node,
            "port_switching",
            "needs ports to switch between",
            "at least two [[ports]], or no [port_switching]",
        ));
    }
    let mut t = Tab::of(src, "port_switching", node, schema::PORT_SWITCHING)?;
    let a = t.required("after_days", "after_days = <days waited before a group may move>")?;
    let after_days = ranged(src, "port_switching.after_days", a, 0.0, 36_525.0, "a number of days")?;
    let p = t.required("daily_probability", "daily_probability = <chance per day of moving>")?;
    let daily_probability = probability(src, "port_switching.daily_probability", p)?;
    let rule = match t.take("rule") {
        Some(n) => match choice(src, "port_switching.rule", n, &["weights", "shortest_wait"])? {
            "weights" => SwitchRule::Weights,
            _ => SwitchRule::ShortestWait,
        },
        None => SwitchRule::Weights,
    };
    t.finish()?;
    Ok(Some(PortSwitching { after_days, daily_probability, rule }))
}

/// The valid ids, for messages: `"a", "b"`.
fn valid_ids(ports: &[Port]) -> String {
    ports.iter().map(|p| format!("{:?}", p.id)).collect::<Vec<_>>().join(", ")
}

/// The index of the port named `id`, or an error at `node` listing the valid ids.
fn port_index(src: &Source, key: &str, node: &Node, id: &str, ports: &[Port]) -> Result<usize> {
    ports.iter().position(|p| p.id == id).ok_or_else(|| {
        let hint = schema::suggest(id, ports.iter().map(|p| p.id.as_str()));
        let valid = if ports.is_empty() {
            "no ports: declare [[ports]] first".to_string()
        } else {
            format!("valid ports are {}", valid_ids(ports))
        };
        src.error(node.at, key, format!("{key} names the unknown port {id:?}{hint}: {valid}"))
    })
}

/// A source's `ports = { id = weight, … }`: weights ≥ 0 by port index (0 for ports not named), not
/// all 0.
pub(super) fn weights(src: &Source, t: &mut Tab, ports: &[Port]) -> Result<Option<Vec<f64>>> {
    let key = t.key("ports");
    let Some(node) = t.take("ports") else { return Ok(None) };
    let expected = "a table of port ids and weights, such as { \"san-ysidro\" = 3, nogales = 1 }";
    let Val::Table(entries) = &node.val else { return Err(wrong_type(src, node, &key, expected)) };
    let mut w = vec![0.0; ports.len()];
    for e in entries {
        let k = format!("{key}.{}", e.key);
        let i = port_index(src, &k, &e.node, &e.key, ports)?;
        w[i] = ranged(src, &k, &e.node, 0.0, 1e12, "a weight")?;
    }
    if w.iter().sum::<f64>() <= 0.0 {
        let valid = if ports.is_empty() { "no ports declared".to_string() } else { valid_ids(ports) };
        return Err(bad(
            src,
            node,
            &key,
            "gives every port weight 0",
            &format!("a positive weight for at least one of {valid}"),
        ));
    }
    Ok(Some(w))
}

/// A closure's `ports = ["id", …]`: port indices, in the order given, without repeats.
pub(super) fn closed(src: &Source, key: &str, node: &Node, ports: &[Port]) -> Result<Vec<usize>> {
    let expected = format!("a non-empty list of port ids (valid ports are {})", valid_ids(ports));
    let Val::Array(items) = &node.val else { return Err(wrong_type(src, node, key, &expected)) };
    if items.is_empty() {
        return Err(bad(src, node, key, "is empty", &expected));
    }
    let mut out = Vec::new();
    for item in items {
        let id = string(src, key, item)?;
        let i = port_index(src, key, item, &id, ports)?;
        if !out.contains(&i) {
            out.push(i);
        }
    }
    Ok(out)
}

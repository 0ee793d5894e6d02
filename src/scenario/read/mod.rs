//! Turns a scenario tree into a validated [`Scenario`]: defaults, types, ranges and cross-field
//! rules. Every error names the location, the key, the bad value and what is allowed.
//!
//! `values.rs` reads plain values, `laws.rs` distributions, `mechanisms.rs`, `sources.rs` and `ports.rs` the
//! tables; this file reads `[scenario]` and `[sweep]` and assembles the whole.

mod laws;
mod mechanisms;
mod ports;
mod sources;
mod values;

use chrono::NaiveDate;

use super::schema;
use super::tree::{At, Entry, Source, Val};
use super::types::*;
use values::{Result, Tab, bad, date, integer, string, wrong_type};

/// Reads and validates a whole scenario document.
pub(crate) fn scenario(src: &Source, root: &[Entry]) -> Result<Scenario> {
    let mut top = Tab::new(src, "", root, At::Nowhere, schema::root_keys());
    let h = header(src, &mut top)?;
    let start = h.start;
    let ports = ports::ports(src, &mut top, start)?;
    let quota = mechanisms::quota(src, &mut top, start, ports::total_quota(&ports))?;
    let port_switching = ports::switching(src, &mut top, &ports)?;
    let confirmation = top.take("confirmation").map(|n| mechanisms::confirmation(src, n)).transpose()?;
    let appointment = mechanisms::appointment(src, &mut top, start)?;
    let abandonment = mechanisms::abandonment(src, &mut top)?;
    let initial = sources::initial(src, &mut top, &ports)?;
    let arrivals = sources::arrivals(src, &mut top, start, &ports)?;
    let caravans = sources::caravans(src, &mut top, &ports)?;
    let caravan_process = sources::caravan_process(src, &mut top, &ports)?;
    let outages = mechanisms::outages(src, &mut top, &ports)?;
    let outage_process = mechanisms::outage_process(src, &mut top)?;
    let sweep = sweep(src, &mut top)?;
    let events = mechanisms::events(src, &mut top)?;
    let provenance = provenance(src, &mut top, root)?;
    top.finish()?;
    Ok(Scenario {
        name: h.name,
        description: h.description,
        start,
        end: h.end,
        warmup_days: h.warmup_days,
        report_from: h.report_from,
        replications: h.replications,
        seed: h.seed,
        compare_with_record: h.compare_with_record,
        quota,
        confirmation,
        appointment,
        abandonment,
        initial,
        arrivals,
        caravans,
        caravan_process,
        outages,
        outage_process,
        events,
        ports,
        port_switching,
        sweep,
        provenance,
    })
}

/// What `[scenario]` holds.
struct Header {
    name: String,
    description: String,
    start: NaiveDate,
    end: NaiveDate,
    warmup_days: f64,
    report_from: Option<NaiveDate>,
    replications: u32,
    seed: u64,
    compare_with_record: bool,
}

/// `[scenario]` (required).
fn header(src: &Source, top: &mut Tab) -> Result<Header> {
    let scen_node = top.required("scenario", "a [scenario] table with name, start and end")?;
    let mut s = Tab::of(src, "scenario", scen_node, schema::SCENARIO)?;
    if let Some(n) = s.take("extends") {
        return Err(bad(
            src,
            n,
            "scenario.extends",
            "cannot be set on the command line",
            "extends written in the scenario file, which is then its parent with the file laid over it",
        ));
    }
    let name_node = s.required("name", "name = \"…\"")?;
    const MAX_NAME_BYTES: usize = 200;
    let name = string(src, "scenario.name", name_node)?;
    // The name becomes a directory name (`output/NAME`, `NAME-sweep`): it must be one everywhere.
    if name.trim().is_empty()
        || name.contains(['/', '\\'])
        || name.starts_with('.')
        || name.chars().any(char::is_control)
        || name.len() > MAX_NAME_BYTES
    {
        return Err(bad(
            src,
            name_node,
            "scenario.name",
            "is not usable as a directory name",
            &format!(
                "a non-empty name of at most {MAX_NAME_BYTES} bytes, without slashes or control characters (such as NUL or a newline), that does not start with a dot"
            ),
        ));
    }
    let description =
        s.take("description").map(|n| string(src, "scenario.description", n)).transpose()?.unwrap_or_default();
    let start_node = s.required("start", "start = \"YYYY-MM-DD\"")?;
    let start = date(src, "scenario.start", start_node)?;
    let end_node = s.required("end", "end = \"YYYY-MM-DD\" (exclusive)")?;
    let end = date(src, "scenario.end", end_node)?;
    if end <= start {
        return Err(bad(
            src,
            end_node,
            "scenario.end",
            "is not after start",
            &format!("a date after scenario.start = {start}"),
        ));
    }
    let horizon = (end - start).num_days();
    if horizon > 36_525 {
        return Err(bad(
            src,
            end_node,
            "scenario.end",
            "makes the horizon longer than 100 years",
            "a horizon of at most 36,525 days",
        ));
    }
    let warmup_days = warmup(src, &mut s, horizon)?;
    let report_from = report_from(src, &mut s, start, end, warmup_days)?;
    let replications = match s.take("replications") {
        Some(n) => integer(src, "scenario.replications", n, 1, 10_000_000, "a whole number")? as u32,
        None => 30,
    };
    let seed = match s.take("seed") {
        Some(n) => integer(src, "scenario.seed", n, 0, i64::MAX, "a whole number")? as u64,
        None => 1,
    };
    let compare_with_record = match s.take("compare_with_record") {
        Some(n) => match n.val {
            Val::Bool(b) => b,
            _ => return Err(wrong_type(src, n, "scenario.compare_with_record", "true or false")),
        },
        None => false,
    };
    s.finish()?;
    Ok(Header { name, description, start, end, warmup_days, report_from, replications, seed, compare_with_record })
}

/// `scenario.warmup_days`: in [0, horizon).
fn warmup(src: &Source, s: &mut Tab, horizon: i64) -> Result<f64> {
    let Some(n) = s.take("warmup_days") else { return Ok(0.0) };
    let expected = format!("a number of days in [0, {horizon}) (the horizon is {horizon} days)");
    let w = values::number(src, "scenario.warmup_days", n, &expected)?;
    if !(0.0..horizon as f64).contains(&w) {
        let problem = if w >= horizon as f64 { "is not shorter than the horizon" } else { "is out of range" };
        return Err(bad(src, n, "scenario.warmup_days", problem, &expected));
    }
    Ok(w)
}

/// `scenario.report_from`: a date in [start, end); not with a positive `warmup_days`.
fn report_from(src: &Source, s: &mut Tab, start: NaiveDate, end: NaiveDate, warmup: f64) -> Result<Option<NaiveDate>> {
    let Some(n) = s.take("report_from") else { return Ok(None) };
    let d = date(src, "scenario.report_from", n)?;
    if d < start || d >= end {
        let expected = format!("a date from scenario.start = {start} to the day before scenario.end = {end}");
        return Err(bad(src, n, "scenario.report_from", "is outside the run", &expected));
    }
    if warmup > 0.0 {
        let expected = "either report_from (a simulated history before the reported period) or warmup_days, not both";
        return Err(bad(src, n, "scenario.report_from", "is set together with scenario.warmup_days", expected));
    }
    Ok(Some(d))
}

/// `[sweep]`.
fn sweep(src: &Source, top: &mut Tab) -> Result<Option<Sweep>> {
    top.take("sweep")
        .map(|n| {
            let mut t = Tab::of(src, "sweep", n, schema::SWEEP)?;
            let v = t.required("vary", "vary = [\"PATH=V1,V2,…\", \"PATH=START:STOP:STEP\"]")?;
            let expected = "a list of \"PATH=V1,V2,…\" or \"PATH=START:STOP:STEP\" strings";
            let Val::Array(items) = &v.val else { return Err(wrong_type(src, v, "sweep.vary", expected)) };
            let mut vary = Vec::new();
            for item in items {
                let s = string(src, "sweep.vary", item)?;
                match s.split_once('=') {
                    Some((path, values)) if !path.trim().is_empty() && !values.trim().is_empty() => vary.push(s),
                    _ => return Err(bad(src, item, "sweep.vary", "is not of the form PATH=VALUES", expected)),
                }
            }
            t.finish()?;
            Ok(Sweep { vary })
        })
        .transpose()
}

/// Why the input that a provenance `path` cites is not in the document `root`, or `None` if it
/// is: every table and list item on the way must be there (a list cited without an index must
/// have an item); the last key may be left out, when it takes its default.
fn missing_input(root: &[Entry], path: &str) -> Option<String> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut entries = root;
    let mut i = 0;
    while i < segs.len() {
        let (seg, last) = (segs[i], i + 1 == segs.len());
        let walked = segs[..=i].join(".");
        let Some(e) = entries.iter().find(|e| e.key == seg) else {
            return (!last).then(|| format!("it has no {walked}"));
        };
        match &e.node.val {
            Val::Table(t) => entries = t,
            Val::Array(items) => match segs.get(i + 1).and_then(|n| n.parse::<usize>().ok()) {
                Some(k) if k >= items.len() => {
                    return Some(format!(
                        "{walked} has {} entries, numbered from 0, so there is no {walked}.{k}",
                        items.len()
                    ));
                }
                Some(k) => match &items[k].val {
                    Val::Table(t) => {
                        entries = t;
                        i += 2;
                        continue;
                    }
                    _ => return None,
                },
                None if items.is_empty() => return Some(format!("{walked} is empty")),
                None => return None,
            },
            _ => return None,
        }
        i += 1;
    }
    None
}

/// `[provenance]`: `"path" = "source"` for keys this scenario may hold.
fn provenance(src: &Source, top: &mut Tab, root: &[Entry]) -> Result<Vec<(String, String)>> {
    let Some(node) = top.take("provenance") else { return Ok(Vec::new()) };
    let Val::Table(entries) = &node.val else {
        return Err(wrong_type(src, node, "provenance", "a table of \"scenario.path\" = \"source\" entries"));
    };
    let mut out = Vec::new();
    for e in entries {
        let key = format!("provenance.\"{}\"", e.key);
        if !schema::is_path(&e.key) {
            return Err(src.error(
                e.key_at,
                &key,
                format!(
                    "{key} does not name a scenario key: expected a dotted path such as \"quota.daily\", \
                     \"arrivals.0.groups_per_day\" or \"abandonment.patience_days\""
                ),
            ));
        }
        if let Some(why) = missing_input(root, &e.key) {
            // An inherited source of an input this scenario removed goes with the input.
            if src.inherited(e.key_at) {
                continue;
            }
            return Err(src.error(
                e.key_at,
                &key,
                format!("{key} cites an input this scenario does not have: {why}: expected a path to an input it sets"),
            ));
        }
        let text = string(src, &key, &e.node)?;
        if text.trim().is_empty() {
            return Err(bad(
                src,
                &e.node,
                &key,
                "is empty",
                "the source (publisher, date, address) or \"assumption: …\"",
            ));
        }
        out.push((e.key.clone(), text));
    }
    Ok(out)
}

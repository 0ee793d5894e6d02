//! Turns a scenario tree into a validated [`Scenario`]: defaults, types, ranges and cross-field rules
//! (SPEC §3.2, §3.3). Every error names the location, the key, the bad value and what is allowed.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::dist::{DIST_NAMES, Dist, Law};
use super::error::ScenarioError;
use super::model::*;
use super::schedule::Schedule;
use super::schema::{self, Shape};
use super::tree::{At, Entry, Node, Source, Val};

type Result<T> = std::result::Result<T, ScenarioError>;

/// A table being read: marks the keys taken so that the rest can be reported as unknown.
struct Tab<'a> {
    src: &'a Source,
    path: String,
    entries: &'a [Entry],
    at: At,
    used: Vec<bool>,
    keys: &'static [(&'static str, Shape)],
}

impl<'a> Tab<'a> {
    fn new(src: &'a Source, path: &str, entries: &'a [Entry], at: At, keys: &'static [(&'static str, Shape)]) -> Self {
        Tab { src, path: path.to_string(), entries, at, used: vec![false; entries.len()], keys }
    }

    fn of(src: &'a Source, path: &str, node: &'a Node, keys: &'static [(&'static str, Shape)]) -> Result<Self> {
        match &node.val {
            Val::Table(entries) => Ok(Tab::new(src, path, entries, node.at, keys)),
            other => Err(src.error(
                node.at,
                path,
                format!("{path} = {} has the wrong type: expected a table, found {}", node.render(), other.type_name()),
            )),
        }
    }

    fn key(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }

    fn take(&mut self, key: &str) -> Option<&'a Node> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        self.used[i] = true;
        Some(&self.entries[i].node)
    }

    fn required(&mut self, key: &str, what: &str) -> Result<&'a Node> {
        if let Some(n) = self.take(key) {
            return Ok(n);
        }
        // A misspelt key is the likelier mistake than a forgotten one: report it first.
        if let Some(e) = self.entries.iter().find(|e| !self.keys.iter().any(|(k, _)| *k == e.key)) {
            let allowed: Vec<&str> = self.keys.iter().map(|(k, _)| *k).collect();
            return Err(self.unknown(e, &allowed));
        }
        self.take(key).ok_or_else(|| {
            let table = if self.path.is_empty() { "the top level".to_string() } else { format!("[{}]", self.path) };
            self.src.error(self.at, &self.key(key), format!("missing key {}: {table} needs {what}", self.key(key)))
        })
    }

    fn unknown(&self, entry: &Entry, allowed: &[&str]) -> ScenarioError {
        let level = if self.path.is_empty() { "the top level".to_string() } else { format!("[{}]", self.path) };
        self.src.error(
            entry.key_at,
            &self.key(&entry.key),
            format!(
                "unknown key {:?} in {level}{}: valid keys are {}",
                entry.key,
                schema::suggest(&entry.key, allowed.iter().copied()),
                allowed.join(", ")
            ),
        )
    }

    /// Errors on the first key not taken, listing the valid keys (`allowed` narrows `self.keys`).
    fn finish_with(self, allowed: &[&str]) -> Result<()> {
        match self.entries.iter().zip(&self.used).find(|(_, used)| !**used) {
            Some((entry, _)) => Err(self.unknown(entry, allowed)),
            None => Ok(()),
        }
    }

    fn finish(self) -> Result<()> {
        let allowed: Vec<&str> = self.keys.iter().map(|(k, _)| *k).collect();
        self.finish_with(&allowed)
    }
}

fn bad(src: &Source, node: &Node, key: &str, problem: &str, expected: &str) -> ScenarioError {
    src.error(node.at, key, format!("{key} = {} {problem}: expected {expected}", node.render()))
}

fn wrong_type(src: &Source, node: &Node, key: &str, expected: &str) -> ScenarioError {
    src.error(
        node.at,
        key,
        format!("{key} = {} has the wrong type: expected {expected}, found {}", node.render(), node.val.type_name()),
    )
}

fn number(src: &Source, key: &str, node: &Node, expected: &str) -> Result<f64> {
    let x = match node.val {
        Val::Int(i) => i as f64,
        Val::Float(f) => f,
        _ => return Err(wrong_type(src, node, key, expected)),
    };
    if !x.is_finite() {
        return Err(bad(src, node, key, "is not a finite number", expected));
    }
    Ok(x)
}

/// A number in `[lo, hi]` (use ±∞ for open ends); `expected` describes the range for messages.
fn ranged(src: &Source, key: &str, node: &Node, lo: f64, hi: f64, expected: &str) -> Result<f64> {
    let x = number(src, key, node, expected)?;
    if x < lo || x > hi {
        return Err(bad(src, node, key, "is out of range", expected));
    }
    Ok(x)
}

fn probability(src: &Source, key: &str, node: &Node) -> Result<f64> {
    ranged(src, key, node, 0.0, 1.0, "a number in [0, 1]")
}

fn non_negative(src: &Source, key: &str, node: &Node) -> Result<f64> {
    ranged(src, key, node, 0.0, f64::INFINITY, "a number ≥ 0")
}

fn integer(src: &Source, key: &str, node: &Node, lo: i64, hi: i64, expected: &str) -> Result<i64> {
    match node.val {
        Val::Int(i) if i >= lo && i <= hi => Ok(i),
        Val::Int(_) => Err(bad(src, node, key, "is out of range", expected)),
        Val::Float(f) if f.fract() == 0.0 && f >= lo as f64 && f <= hi as f64 => Ok(f as i64),
        Val::Float(_) => Err(bad(src, node, key, "is not a whole number", expected)),
        _ => Err(wrong_type(src, node, key, expected)),
    }
}

fn string(src: &Source, key: &str, node: &Node) -> Result<String> {
    match &node.val {
        Val::Str(s) => Ok(s.clone()),
        _ => Err(wrong_type(src, node, key, "a string")),
    }
}

fn choice<'c>(src: &Source, key: &str, node: &Node, choices: &[&'c str]) -> Result<&'c str> {
    let quoted: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
    let expected = format!("one of {}", quoted.join(", "));
    let s = match &node.val {
        Val::Str(s) => s,
        _ => return Err(wrong_type(src, node, key, &expected)),
    };
    choices.iter().find(|c| **c == s).copied().ok_or_else(|| {
        let hint = schema::suggest(s, choices.iter().copied());
        src.error(node.at, key, format!("{key} = {} is not allowed: expected {expected}{hint}", node.render()))
    })
}

/// Dates outside these years are refused: they are typos, and date arithmetic must never overflow.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn date(src: &Source, key: &str, node: &Node) -> Result<NaiveDate> {
    let expected = "a date written YYYY-MM-DD, between 1900 and 2200";
    let text = match &node.val {
        Val::Str(s) | Val::Datetime(s) => s,
        _ => return Err(wrong_type(src, node, key, expected)),
    };
    let d = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| bad(src, node, key, "is not a valid date", expected))?;
    if !YEARS.contains(&chrono::Datelike::year(&d)) {
        return Err(bad(src, node, key, "is out of range", expected));
    }
    Ok(d)
}

fn datetime(src: &Source, key: &str, node: &Node) -> Result<NaiveDateTime> {
    let expected = "a local date and time written YYYY-MM-DDTHH:MM";
    let text = match &node.val {
        Val::Str(s) | Val::Datetime(s) => s.as_str(),
        _ => return Err(wrong_type(src, node, key, expected)),
    };
    let parsed = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(text, fmt).ok())
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(|d| d.and_time(NaiveTime::MIN)));
    match parsed {
        Some(dt) if YEARS.contains(&chrono::Datelike::year(&dt)) => Ok(dt),
        Some(_) => Err(bad(src, node, key, "is out of range", "a local date and time between 1900 and 2200")),
        None => Err(bad(src, node, key, "is not a valid date and time", expected)),
    }
}

/// What a distribution describes, which decides the extra checks on its support.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A duration: samples must be ≥ 0.
    Duration,
    /// Persons per group: values 1–10 where they are listed.
    GroupSize,
    /// A pace: samples must be > 0.
    Pace,
    /// A count of persons: samples must be ≥ 0.
    Count,
}

/// The parameters each family takes, besides `dist` and the clamps `min`/`max`.
fn family_keys(name: &str) -> &'static [&'static str] {
    match name {
        "constant" => &["value"],
        "exponential" => &["mean"],
        "uniform" => &[],
        "normal" | "lognormal" | "gamma" => &["mean", "sd"],
        "weibull" => &["shape", "scale"],
        "empirical" => &["values", "weights"],
        _ => &[],
    }
}

fn number_list(src: &Source, key: &str, node: &Node) -> Result<Vec<f64>> {
    match &node.val {
        Val::Array(items) if !items.is_empty() => {
            items.iter().map(|n| number(src, key, n, "a list of numbers")).collect()
        }
        Val::Array(_) => Err(bad(src, node, key, "is empty", "a non-empty list of numbers")),
        _ => Err(wrong_type(src, node, key, "a list of numbers")),
    }
}

fn dist(src: &Source, key: &str, node: &Node, role: Role) -> Result<Dist> {
    // A bare number is shorthand for a constant.
    if matches!(node.val, Val::Int(_) | Val::Float(_)) {
        let value = number(src, key, node, "a number")?;
        let d = Dist::constant(value);
        check_support(src, key, node, &d, role)?;
        return Ok(d);
    }
    let mut t = Tab::of(src, key, node, schema::DIST)?;
    let name_node = t.required("dist", &format!("dist = one of {}", DIST_NAMES.join(", ")))?;
    let name = choice(src, &t.key("dist"), name_node, DIST_NAMES)?;
    let param = |t: &mut Tab, p: &str| -> Result<f64> {
        let n = t.required(p, &format!("{p} for dist = {name:?}"))?;
        number(src, &t.key(p), n, "a number")
    };
    let law = match name {
        "constant" => Law::Constant { value: param(&mut t, "value")? },
        "exponential" => {
            let n = t.required("mean", "mean for dist = \"exponential\"")?;
            Law::Exponential { mean: ranged(src, &t.key("mean"), n, f64::MIN_POSITIVE, f64::INFINITY, "a number > 0")? }
        }
        "uniform" => {
            let lo = param(&mut t, "min")?;
            let hi_node = t.required("max", "max for dist = \"uniform\"")?;
            let hi = number(src, &t.key("max"), hi_node, "a number")?;
            if hi < lo {
                return Err(bad(src, hi_node, &t.key("max"), "is below min", &format!("a number ≥ min = {lo}")));
            }
            Law::Uniform { min: lo, max: hi }
        }
        "normal" | "lognormal" | "gamma" => {
            let mean_node = t.required("mean", &format!("mean for dist = {name:?}"))?;
            let mean = if name == "normal" {
                number(src, &t.key("mean"), mean_node, "a number")?
            } else {
                ranged(src, &t.key("mean"), mean_node, f64::MIN_POSITIVE, f64::INFINITY, "a number > 0")?
            };
            let sd_node = t.required("sd", &format!("sd for dist = {name:?}"))?;
            let sd = non_negative(src, &t.key("sd"), sd_node)?;
            match name {
                "normal" => Law::Normal { mean, sd },
                "lognormal" => Law::LogNormal { mean, sd },
                _ => Law::Gamma { mean, sd },
            }
        }
        "weibull" => {
            let shape_node = t.required("shape", "shape for dist = \"weibull\"")?;
            let shape = ranged(src, &t.key("shape"), shape_node, f64::MIN_POSITIVE, f64::INFINITY, "a number > 0")?;
            let scale_node = t.required("scale", "scale for dist = \"weibull\"")?;
            let scale = ranged(src, &t.key("scale"), scale_node, f64::MIN_POSITIVE, f64::INFINITY, "a number > 0")?;
            Law::Weibull { shape, scale }
        }
        _ => {
            let values_node = t.required("values", "values for dist = \"empirical\"")?;
            let values = number_list(src, &t.key("values"), values_node)?;
            let weights_node = t.required("weights", "weights for dist = \"empirical\"")?;
            let weights = number_list(src, &t.key("weights"), weights_node)?;
            if weights.len() != values.len() {
                return Err(bad(
                    src,
                    weights_node,
                    &t.key("weights"),
                    &format!("has {} entries", weights.len()),
                    &format!("one weight per value ({})", values.len()),
                ));
            }
            if weights.iter().any(|w| *w < 0.0) {
                return Err(bad(src, weights_node, &t.key("weights"), "has a negative weight", "weights ≥ 0"));
            }
            if weights.iter().sum::<f64>() <= 0.0 {
                return Err(bad(src, weights_node, &t.key("weights"), "sums to zero", "weights with a positive sum"));
            }
            Law::Empirical { values, weights }
        }
    };
    let (lo, hi) = if name == "uniform" {
        (None, None)
    } else {
        let lo = t.take("min").map(|n| number(src, &format!("{key}.min"), n, "a number")).transpose()?;
        let hi_node = t.take("max");
        let hi = hi_node.map(|n| number(src, &format!("{key}.max"), n, "a number")).transpose()?;
        if let (Some(lo), Some(hi), Some(n)) = (lo, hi, hi_node)
            && hi < lo
        {
            return Err(bad(src, n, &format!("{key}.max"), "is below min", &format!("a number ≥ min = {lo}")));
        }
        (lo, hi)
    };
    let mut allowed = vec!["dist"];
    allowed.extend_from_slice(family_keys(name));
    allowed.extend(["min", "max"]);
    t.finish_with(&allowed)?;
    let d = Dist { law, lo, hi };
    check_support(src, key, node, &d, role)?;
    Ok(d)
}

fn check_support(src: &Source, key: &str, node: &Node, d: &Dist, role: Role) -> Result<()> {
    let lb = d.lower_bound();
    match role {
        Role::Duration | Role::Count if lb < 0.0 => {
            let what = if role == Role::Duration { "a duration" } else { "a count" };
            Err(src.error(
                node.at,
                key,
                format!(
                    "{key} = {} can produce negative values, but it is {what}: expected a distribution whose samples are ≥ 0 (add min = 0)",
                    node.render()
                ),
            ))
        }
        Role::Pace if lb <= 0.0 => Err(src.error(
            node.at,
            key,
            format!(
                "{key} = {} can produce a pace of 0 or less: expected a distribution bounded away from 0 (add min > 0, e.g. min = 1)",
                node.render()
            ),
        )),
        Role::GroupSize => {
            let listed: Vec<f64> = match &d.law {
                Law::Empirical { values, .. } => values.clone(),
                Law::Constant { value } => vec![*value],
                _ => vec![],
            };
            if let Some(v) = listed.iter().find(|v| !(1.0..=10.0).contains(*v) || v.fract() != 0.0) {
                return Err(src.error(
                    node.at,
                    key,
                    format!(
                        "{key} = {} contains the group size {v}: expected whole numbers from 1 to 10 (a registration holds at most 10 persons)",
                        node.render()
                    ),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A number or a list of `{ from, value }` steps; `value` checks each value.
fn schedule(
    src: &Source,
    key: &str,
    node: &Node,
    start: NaiveDate,
    value: &dyn Fn(&str, &Node) -> Result<f64>,
) -> Result<Schedule> {
    match &node.val {
        Val::Int(_) | Val::Float(_) => Ok(Schedule::Constant(value(key, node)?)),
        Val::Array(items) if !items.is_empty() => {
            let mut steps: Vec<(NaiveDate, f64)> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let item_key = format!("{key}.{i}");
                let mut t = Tab::of(src, &item_key, item, schema::STEP)?;
                let from_node = t.required("from", "from = \"YYYY-MM-DD\"")?;
                let from = date(src, &t.key("from"), from_node)?;
                let v_node = t.required("value", "value")?;
                let v = value(&t.key("value"), v_node)?;
                t.finish()?;
                if let Some((prev, _)) = steps.last()
                    && from <= *prev
                {
                    return Err(bad(
                        src,
                        from_node,
                        &format!("{item_key}.from"),
                        "is not after the previous step",
                        &format!("dates in strictly increasing order (after {prev})"),
                    ));
                }
                if i == 0 && from > start {
                    return Err(bad(
                        src,
                        from_node,
                        &format!("{item_key}.from"),
                        "starts after the scenario",
                        &format!("a first date at or before scenario.start = {start}"),
                    ));
                }
                steps.push((from, v));
            }
            Ok(Schedule::Steps(steps))
        }
        Val::Array(_) => Err(bad(src, node, key, "is empty", "a number or a non-empty list of { from, value } steps")),
        _ => Err(wrong_type(src, node, key, "a number or a list of { from = \"YYYY-MM-DD\", value = … } steps")),
    }
}

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

/// Reads and validates a whole scenario document.
pub(crate) fn scenario(src: &Source, root: &[Entry]) -> Result<Scenario> {
    let mut top = Tab::new(src, "", root, At::Nowhere, schema::root_keys());
    let scen_node = top.required("scenario", "a [scenario] table with name, start and end")?;
    let mut s = Tab::of(src, "scenario", scen_node, schema::SCENARIO)?;
    let name_node = s.required("name", "name = \"…\"")?;
    let name = string(src, "scenario.name", name_node)?;
    if name.trim().is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(bad(
            src,
            name_node,
            "scenario.name",
            "is not usable as a directory name",
            "a non-empty name without slashes that does not start with a dot",
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
    let warmup_days = match s.take("warmup_days") {
        Some(n) => ranged(
            src,
            "scenario.warmup_days",
            n,
            0.0,
            horizon as f64,
            &format!("a number in [0, {horizon}) (the horizon is {horizon} days)"),
        )
        .and_then(|w| {
            if w >= horizon as f64 {
                Err(bad(
                    src,
                    n,
                    "scenario.warmup_days",
                    "is not shorter than the horizon",
                    &format!("a number in [0, {horizon})"),
                ))
            } else {
                Ok(w)
            }
        })?,
        None => 0.0,
    };
    let replications = match s.take("replications") {
        Some(n) => {
            integer(src, "scenario.replications", n, 1, 10_000_000, "a whole number from 1 to 10,000,000")? as u32
        }
        None => 30,
    };
    let seed = match s.take("seed") {
        Some(n) => integer(src, "scenario.seed", n, 0, i64::MAX, "a whole number ≥ 0")? as u64,
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

    let quota = quota(src, &mut top, start)?;

    let confirmation = top.take("confirmation").map(|n| confirmation(src, n)).transpose()?;
    let appointment = top
        .take("appointment")
        .map(|n| {
            let mut t = Tab::of(src, "appointment", n, schema::APPOINTMENT)?;
            let lead_days =
                t.take("lead_days").map(|n| dist(src, "appointment.lead_days", n, Role::Duration)).transpose()?;
            let cancel_from = t.take("cancel_from").map(|n| datetime(src, "appointment.cancel_from", n)).transpose()?;
            let no_show_probability = t
                .take("no_show_probability")
                .map(|n| probability(src, "appointment.no_show_probability", n))
                .transpose()?;
            t.finish()?;
            Ok(Appointment {
                lead_days: lead_days.unwrap_or(Dist::constant(0.0)),
                no_show_probability: no_show_probability.unwrap_or(0.0),
                cancel_from,
            })
        })
        .transpose()?;
    let abandonment = top
        .take("abandonment")
        .map(|n| {
            let mut t = Tab::of(src, "abandonment", n, schema::ABANDONMENT)?;
            let p = t.required("patience_days", "patience_days = { dist = … }")?;
            let patience_days = dist(src, "abandonment.patience_days", p, Role::Duration)?;
            t.finish()?;
            Ok(Abandonment { patience_days })
        })
        .transpose()?;
    let initial = top
        .take("initial")
        .map(|n| {
            let mut t = Tab::of(src, "initial", n, schema::INITIAL)?;
            let g = t.required("groups", "groups = <number of groups waiting at the start>")?;
            let groups =
                integer(src, "initial.groups", g, 0, 100_000_000, "a whole number from 0 to 100,000,000")? as u64;
            let registered_days_ago = t
                .take("registered_days_ago")
                .map(|n| dist(src, "initial.registered_days_ago", n, Role::Duration))
                .transpose()?
                .unwrap_or(Dist::constant(0.0));
            let group_size = group_size(src, &mut t)?;
            t.finish()?;
            Ok(Initial { groups, registered_days_ago, group_size })
        })
        .transpose()?;

    let arrivals = array_of(src, &mut top, "arrivals", schema::ARRIVALS, |t, i| {
        let name = name_or(src, t, &format!("arrivals {}", i + 1))?;
        let r = t.required("groups_per_day", "groups_per_day = <groups per day or a schedule>")?;
        let key = t.key("groups_per_day");
        let groups_per_day = schedule(src, &key, r, start, &|k, n| {
            ranged(src, k, n, 0.0, 1e8, "a number of groups per day in [0, 100,000,000]")
        })?;
        let group_size = group_size(src, t)?;
        let travel_days =
            t.take("travel_days").map(|n| dist(src, &t.key("travel_days"), n, Role::Duration)).transpose()?;
        let register_share =
            t.take("register_share").map(|n| probability(src, &t.key("register_share"), n)).transpose()?;
        Ok(ArrivalStream {
            name,
            groups_per_day,
            group_size,
            travel_days: travel_days.unwrap_or(Dist::constant(0.0)),
            register_share: register_share.unwrap_or(1.0),
        })
    })?;

    let caravans = array_of(src, &mut top, "caravans", schema::CARAVANS, |t, i| {
        let name = name_or(src, t, &format!("caravan {}", i + 1))?;
        let d = t.required("depart", "depart = \"YYYY-MM-DD\"")?;
        let depart = date(src, &t.key("depart"), d)?;
        let p = t.required("persons", "persons = <number of persons departing>")?;
        let persons = integer(src, &t.key("persons"), p, 0, 10_000_000, "a whole number from 0 to 10,000,000")? as u64;
        let (distance_km, pace_km_per_day, dropout, group_size) = walk(src, t)?;
        Ok(Caravan { name, depart, persons, distance_km, pace_km_per_day, dropout, group_size })
    })?;

    let caravan_process = top
        .take("caravan_process")
        .map(|n| {
            let mut t = Tab::of(src, "caravan_process", n, schema::CARAVAN_PROCESS)?;
            let pm = t.required("per_month", "per_month = <caravans per month>")?;
            let per_month = ranged(
                src,
                "caravan_process.per_month",
                pm,
                0.0,
                1000.0,
                "a number of caravans per month in [0, 1000]",
            )?;
            let p = t.required("persons", "persons = { dist = … }")?;
            let persons = dist(src, "caravan_process.persons", p, Role::Count)?;
            if persons.upper_bound() > 10_000_000.0 {
                return Err(bad(
                    src,
                    p,
                    "caravan_process.persons",
                    "is unbounded or too large",
                    "a distribution with max ≤ 10,000,000 (add max = …)",
                ));
            }
            let (distance_km, pace_km_per_day, dropout, group_size) = walk(src, &mut t)?;
            t.finish()?;
            Ok(CaravanProcess { per_month, persons, distance_km, pace_km_per_day, dropout, group_size })
        })
        .transpose()?;

    let outages = array_of(src, &mut top, "outages", schema::OUTAGES, |t, i| {
        let label = match t.take("label") {
            Some(n) => string(src, &t.key("label"), n)?,
            None => format!("outage {}", i + 1),
        };
        let st = t.required("start", "start = \"YYYY-MM-DDTHH:MM\"")?;
        let start = datetime(src, &t.key("start"), st)?;
        let h = t.required("hours", "hours = <length in hours>")?;
        let hours = ranged(src, &t.key("hours"), h, f64::MIN_POSITIVE, 1e6, "a number of hours > 0")?;
        let affects = affects(src, &t.key("affects"), t.take("affects"))?;
        Ok(Outage { label, start, hours, affects })
    })?;

    let outage_process = top
        .take("outage_process")
        .map(|n| {
            let mut t = Tab::of(src, "outage_process", n, schema::OUTAGE_PROCESS)?;
            let pm = t.required("per_month", "per_month = <outages per month>")?;
            let per_month = ranged(
                src,
                "outage_process.per_month",
                pm,
                0.0,
                10_000.0,
                "a number of outages per month in [0, 10,000]",
            )?;
            let h = t.required("hours", "hours = { dist = … }")?;
            let hours = dist(src, "outage_process.hours", h, Role::Duration)?;
            let affects = affects(src, "outage_process.affects", t.take("affects"))?;
            t.finish()?;
            Ok(OutageProcess { per_month, hours, affects })
        })
        .transpose()?;

    let sweep = top
        .take("sweep")
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
        .transpose()?;
    top.finish()?;

    Ok(Scenario {
        name,
        description,
        start,
        end,
        warmup_days,
        replications,
        seed,
        compare_with_record,
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
        sweep,
    })
}

fn quota(src: &Source, top: &mut Tab, start: NaiveDate) -> Result<Quota> {
    let q_node = top.required("quota", "a [quota] table with daily = …")?;
    let mut q = Tab::of(src, "quota", q_node, schema::QUOTA)?;
    let unit = match q.take("unit") {
        Some(n) => match choice(src, "quota.unit", n, &["persons", "groups"])? {
            "persons" => QuotaUnit::Persons,
            _ => QuotaUnit::Groups,
        },
        None => QuotaUnit::Persons,
    };
    let d = q.required("daily", "daily = <slots per day or a schedule>")?;
    let daily = schedule(src, "quota.daily", d, start, &|k, n| {
        integer(src, k, n, 0, 100_000_000, "a whole number of slots per day from 0 to 100,000,000").map(|i| i as f64)
    })?;
    let hour = |q: &mut Tab, key: &str, default: f64, lo: f64, hi: f64, expected: &str| -> Result<(f64, At)> {
        match q.take(key) {
            Some(n) => Ok((ranged(src, &format!("quota.{key}"), n, lo, hi, expected)?, n.at)),
            None => Ok((default, q.at)),
        }
    };
    let (allocation_hour, _) = hour(&mut q, "allocation_hour", 12.0, 0.0, 23.999_999, "an hour in [0, 24)")?;
    let (open, open_at) =
        hour(&mut q, "request_open_hour", 0.0, -24.0, 24.0, "an hour in [-24, 24) (negative: the day before)")?;
    let (close, close_at) =
        hour(&mut q, "request_close_hour", 12.0, -24.0, 24.0, "an hour in [-24, 24) (negative: the day before)")?;
    if close > allocation_hour {
        return Err(src.error(
            close_at,
            "quota.request_close_hour",
            format!("quota.request_close_hour = {close:?} is after the allocation: expected request_close_hour ≤ allocation_hour = {allocation_hour:?}"),
        ));
    }
    if open >= close {
        return Err(src.error(
            open_at,
            "quota.request_open_hour",
            format!("quota.request_open_hour = {open:?} does not open before the window closes: expected request_open_hour < request_close_hour = {close:?}"),
        ));
    }
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

fn confirmation(src: &Source, node: &Node) -> Result<Confirmation> {
    let mut t = Tab::of(src, "confirmation", node, schema::CONFIRMATION)?;
    let window_hours = match t.take("window_hours") {
        Some(n) => ranged(src, "confirmation.window_hours", n, 1.0, 1e6, "a number of hours ≥ 1")?,
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
        Some(n) => integer(src, "confirmation.max_attempts", n, 1, 1000, "a whole number from 1 to 1000")? as u32,
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
        Some(n) => ranged(src, "confirmation.grace_hours", n, 0.0, 1e6, "a number of hours ≥ 0")?,
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

fn name_or(src: &Source, t: &mut Tab, default: &str) -> Result<String> {
    match t.take("name") {
        Some(n) => string(src, &t.key("name"), n),
        None => Ok(default.to_string()),
    }
}

fn group_size(src: &Source, t: &mut Tab) -> Result<Dist> {
    Ok(t.take("group_size")
        .map(|n| dist(src, &t.key("group_size"), n, Role::GroupSize))
        .transpose()?
        .unwrap_or(Dist::constant(1.0)))
}

/// The keys shared by explicit and random caravans.
fn walk(src: &Source, t: &mut Tab) -> Result<(f64, Dist, f64, Dist)> {
    let d = t.required("distance_km", "distance_km = <distance to the registration zone>")?;
    let distance_km = ranged(src, &t.key("distance_km"), d, 0.0, 1e5, "a distance in km in [0, 100,000]")?;
    let p = t.required("pace_km_per_day", "pace_km_per_day = { dist = …, min = … }")?;
    let pace = dist(src, &t.key("pace_km_per_day"), p, Role::Pace)?;
    let dropout = t.take("dropout").map(|n| probability(src, &t.key("dropout"), n)).transpose()?.unwrap_or(0.0);
    let size = group_size(src, t)?;
    Ok((distance_km, pace, dropout, size))
}

/// Reads `[[key]]`: a list of tables, each read by `item`.
fn array_of<T>(
    src: &Source,
    top: &mut Tab,
    key: &str,
    keys: &'static [(&'static str, Shape)],
    mut item: impl FnMut(&mut Tab, usize) -> Result<T>,
) -> Result<Vec<T>> {
    let Some(node) = top.take(key) else { return Ok(Vec::new()) };
    let Val::Array(items) = &node.val else {
        return Err(wrong_type(src, node, key, &format!("a list of tables ([[{key}]])")));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, n) in items.iter().enumerate() {
        let mut t = Tab::of(src, &format!("{key}.{i}"), n, keys)?;
        out.push(item(&mut t, i)?);
        t.finish()?;
    }
    Ok(out)
}

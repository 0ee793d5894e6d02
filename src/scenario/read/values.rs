//! Reading values out of the scenario tree: a table whose unused keys are errors, and numbers,
//! ranges, strings, choices, dates, lists, schedules and arrays of tables, each with an error that
//! names the location, the key, the bad value and what is allowed.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::scenario::error::ScenarioError;
use crate::scenario::schedule::Schedule;
use crate::scenario::schema::{self, Shape};
use crate::scenario::tree::{At, Entry, Node, Source, Val};

pub(super) type Result<T> = std::result::Result<T, ScenarioError>;

/// A table being read: marks the keys taken so that the rest can be reported as unknown.
pub(super) struct Tab<'a> {
    src: &'a Source,
    path: String,
    entries: &'a [Entry],
    pub(super) at: At,
    used: Vec<bool>,
    keys: &'static [(&'static str, Shape)],
}

impl<'a> Tab<'a> {
    pub(super) fn new(
        src: &'a Source,
        path: &str,
        entries: &'a [Entry],
        at: At,
        keys: &'static [(&'static str, Shape)],
    ) -> Self {
        Tab { src, path: path.to_string(), entries, at, used: vec![false; entries.len()], keys }
    }

    pub(super) fn of(
        src: &'a Source,
        path: &str,
        node: &'a Node,
        keys: &'static [(&'static str, Shape)],
    ) -> Result<Self> {
        match &node.val {
            Val::Table(entries) => Ok(Tab::new(src, path, entries, node.at, keys)),
            other => Err(src.error(
                node.at,
                path,
                format!("{path} = {} has the wrong type: expected a table, found {}", node.render(), other.type_name()),
            )),
        }
    }

    pub(super) fn key(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }

    pub(super) fn take(&mut self, key: &str) -> Option<&'a Node> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        self.used[i] = true;
        Some(&self.entries[i].node)
    }

    pub(super) fn required(&mut self, key: &str, what: &str) -> Result<&'a Node> {
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

    pub(super) fn unknown(&self, entry: &Entry, allowed: &[&str]) -> ScenarioError {
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
    pub(super) fn finish_with(self, allowed: &[&str]) -> Result<()> {
        match self.entries.iter().zip(&self.used).find(|(_, used)| !**used) {
            Some((entry, _)) => Err(self.unknown(entry, allowed)),
            None => Ok(()),
        }
    }

    pub(super) fn finish(self) -> Result<()> {
        let allowed: Vec<&str> = self.keys.iter().map(|(k, _)| *k).collect();
        self.finish_with(&allowed)
    }
}

pub(super) fn bad(src: &Source, node: &Node, key: &str, problem: &str, expected: &str) -> ScenarioError {
    src.error(node.at, key, format!("{key} = {} {problem}: expected {expected}", node.render()))
}

pub(super) fn wrong_type(src: &Source, node: &Node, key: &str, expected: &str) -> ScenarioError {
    src.error(
        node.at,
        key,
        format!("{key} = {} has the wrong type: expected {expected}, found {}", node.render(), node.val.type_name()),
    )
}

pub(super) fn number(src: &Source, key: &str, node: &Node, expected: &str) -> Result<f64> {
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

/// A bound as the messages print it: whole numbers with thousands separators from 10,000 on.
fn bound_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() >= 10_000.0 {
        let digits = format!("{}", x.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if x < 0.0 { format!("-{out}") } else { out }
    } else if x.fract() == 0.0 {
        x.to_string()
    } else {
        // At most 5 decimals: a bound is printed for people, never read back.
        let t = format!("{x:.5}");
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// What a number in `[lo, hi]` is expected to be, from the bounds the check uses, so that the
/// message cannot state another bound: `noun` ("a number of hours") followed by the range, or the
/// range put where `noun` says `{}`. `lo = f64::MIN_POSITIVE` means "> 0", `hi = ∞` no upper bound.
pub(super) fn range_text(noun: &str, lo: f64, hi: f64) -> String {
    let positive = lo == f64::MIN_POSITIVE;
    let range = match (positive, hi.is_finite()) {
        (true, false) => "> 0".to_string(),
        (false, false) => format!("≥ {}", bound_text(lo)),
        (true, true) => format!("in (0, {}]", bound_text(hi)),
        (false, true) => format!("in [{}, {}]", bound_text(lo), bound_text(hi)),
    };
    if noun.contains("{}") { noun.replacen("{}", &range, 1) } else { format!("{noun} {range}") }
}

/// A number in `[lo, hi]` (`f64::MIN_POSITIVE` for "> 0", ∞ for no upper end); `noun` says what it
/// is, and the message adds the range from these same bounds ([`range_text`]).
pub(super) fn ranged(src: &Source, key: &str, node: &Node, lo: f64, hi: f64, noun: &str) -> Result<f64> {
    let expected = range_text(noun, lo, hi);
    let x = number(src, key, node, &expected)?;
    if x < lo || x > hi {
        return Err(bad(src, node, key, "is out of range", &expected));
    }
    Ok(x)
}

pub(super) fn probability(src: &Source, key: &str, node: &Node) -> Result<f64> {
    ranged(src, key, node, 0.0, 1.0, "a number")
}

pub(super) fn non_negative(src: &Source, key: &str, node: &Node) -> Result<f64> {
    ranged(src, key, node, 0.0, f64::INFINITY, "a number")
}

/// What a whole number in `[lo, hi]` is expected to be: `noun` ("a whole number of slots per day")
/// "from lo to hi", or "≥ lo" when `hi` is the largest integer.
pub(super) fn integer_text(noun: &str, lo: i64, hi: i64) -> String {
    let b = |x: i64| bound_text(x as f64);
    if hi == i64::MAX { format!("{noun} ≥ {}", b(lo)) } else { format!("{noun} from {} to {}", b(lo), b(hi)) }
}

/// A whole number in `[lo, hi]`; the message's range comes from these bounds ([`integer_text`]).
pub(super) fn integer(src: &Source, key: &str, node: &Node, lo: i64, hi: i64, noun: &str) -> Result<i64> {
    let expected = integer_text(noun, lo, hi);
    match node.val {
        Val::Int(i) if i >= lo && i <= hi => Ok(i),
        Val::Int(_) => Err(bad(src, node, key, "is out of range", &expected)),
        Val::Float(f) if f.fract() == 0.0 && f >= lo as f64 && f <= hi as f64 => Ok(f as i64),
        Val::Float(_) => Err(bad(src, node, key, "is not a whole number", &expected)),
        _ => Err(wrong_type(src, node, key, &expected)),
    }
}

pub(super) fn string(src: &Source, key: &str, node: &Node) -> Result<String> {
    match &node.val {
        Val::Str(s) => Ok(s.clone()),
        _ => Err(wrong_type(src, node, key, "a string")),
    }
}

pub(super) fn choice<'c>(src: &Source, key: &str, node: &Node, choices: &[&'c str]) -> Result<&'c str> {
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
pub(super) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

pub(super) fn date(src: &Source, key: &str, node: &Node) -> Result<NaiveDate> {
    let expected = "a date written YYYY-MM-DD, between 1900 and 2200";
    let text = match &node.val {
        Val::Str(s) | Val::Datetime(s) => s,
        _ => return Err(wrong_type(src, node, key, expected)),
    };
    let d =
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad(src, node, key, &date_problem(text), expected))?;
    if !YEARS.contains(&chrono::Datelike::year(&d)) {
        return Err(bad(src, node, key, "is out of range", expected));
    }
    Ok(d)
}

/// Why `text` is not a valid `YYYY-MM-DD` date: the part that is wrong, when it can tell.
fn date_problem(text: &str) -> String {
    let parts: Vec<&str> = text.split('-').collect();
    if let [y, m, d] = parts[..]
        && let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
    {
        if !(1..=12).contains(&m) {
            return format!("is not a valid date: month {m} does not exist (months are 1 to 12)");
        }
        let days = NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|f| f.checked_add_months(chrono::Months::new(1)))
            .map_or(31, |n| (n - NaiveDate::from_ymd_opt(y, m, 1).expect("day 1")).num_days());
        if d == 0 || d as i64 > days {
            return format!("is not a valid date: day {d} does not exist in {y}-{m:02} (it has {days} days)");
        }
    }
    "is not a valid date".to_string()
}

pub(super) fn datetime(src: &Source, key: &str, node: &Node) -> Result<NaiveDateTime> {
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

pub(super) fn number_list(src: &Source, key: &str, node: &Node) -> Result<Vec<f64>> {
    match &node.val {
        Val::Array(items) if !items.is_empty() => {
            items.iter().map(|n| number(src, key, n, "a list of numbers")).collect()
        }
        Val::Array(_) => Err(bad(src, node, key, "is empty", "a non-empty list of numbers")),
        _ => Err(wrong_type(src, node, key, "a list of numbers")),
    }
}

/// A number or a list of `{ from, value }` steps; `value` checks each value.
pub(super) fn schedule(
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

pub(super) fn name_or(src: &Source, t: &mut Tab, default: &str) -> Result<String> {
    match t.take("name") {
        Some(n) => string(src, &t.key("name"), n),
        None => Ok(default.to_string()),
    }
}

/// Reads `[[key]]`: a list of tables, each read by `item`.
pub(super) fn array_of<T>(
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

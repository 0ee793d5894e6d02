//! The keys a scenario file may contain, per table: the single source of truth for "unknown key"
//! errors, for `--set` path checking, and for the valid keys listed in those messages.

/// What a key holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// A plain value (number, string, list of strings, or a distribution table).
    Value,
    /// A table with these keys.
    Table(&'static [(&'static str, Shape)]),
    /// A list of tables with these keys (`[[arrivals]]`).
    ArrayOf(&'static [(&'static str, Shape)]),
    /// A number or a list of `{ from, value }` steps.
    Schedule(&'static [(&'static str, Shape)]),
    /// A table of numbers keyed by port id (`ports = { "nogales" = 2 }`): `--set` may reach one
    /// weight; the ids are checked against the scenario's ports when it is read.
    Weights,
}

const V: Shape = Shape::Value;
/// A distribution: `dist` plus its parameters; kept as a table so `--set x.mean=…` can reach inside.
const D: Shape = Shape::Table(DIST);
const S: Shape = Shape::Schedule(STEP);
/// Choice weights by port.
const W: Shape = Shape::Weights;

pub(crate) const DIST: &[(&str, Shape)] = &[
    ("dist", V),
    ("value", V),
    ("mean", V),
    ("sd", V),
    ("min", V),
    ("max", V),
    ("shape", V),
    ("scale", V),
    ("values", V),
    ("weights", V),
];
pub(crate) const STEP: &[(&str, Shape)] = &[("from", V), ("value", V)];
pub(crate) const SCENARIO: &[(&str, Shape)] = &[
    ("extends", V),
    ("name", V),
    ("description", V),
    ("start", V),
    ("end", V),
    ("warmup_days", V),
    ("report_from", V),
    ("replications", V),
    ("seed", V),
    ("compare_with_record", V),
];
pub(crate) const QUOTA: &[(&str, Shape)] = &[
    ("unit", V),
    ("daily", S),
    ("allocation_hour", V),
    ("request_open_hour", V),
    ("request_close_hour", V),
    ("request_probability", S),
    ("seniority_share", S),
];
pub(crate) const CONFIRMATION: &[(&str, Shape)] = &[
    ("window_hours", V),
    ("first_attempt_hours", D),
    ("retry_hours", D),
    ("max_attempts", V),
    ("failure_probability", V),
    ("outage_policy", V),
    ("grace_hours", V),
    ("on_miss", V),
];
pub(crate) const APPOINTMENT: &[(&str, Shape)] =
    &[("lead_days", D), ("lead_days_from", Shape::ArrayOf(LEAD_STEP)), ("no_show_probability", V), ("cancel_from", V)];
/// A later lead time: `{ from = "YYYY-MM-DD", lead_days = { dist = … } }`.
pub(crate) const LEAD_STEP: &[(&str, Shape)] = &[("from", V), ("lead_days", D)];
pub(crate) const ABANDONMENT: &[(&str, Shape)] = &[("patience_days", D)];
pub(crate) const INITIAL: &[(&str, Shape)] =
    &[("groups", V), ("registered_days_ago", D), ("group_size", D), ("ports", W)];
pub(crate) const ARRIVALS: &[(&str, Shape)] =
    &[("name", V), ("groups_per_day", S), ("group_size", D), ("travel_days", D), ("register_share", V), ("ports", W)];
pub(crate) const CARAVANS: &[(&str, Shape)] = &[
    ("name", V),
    ("depart", V),
    ("persons", V),
    ("distance_km", V),
    ("pace_km_per_day", D),
    ("dropout", V),
    ("group_size", D),
    ("ports", W),
];
pub(crate) const CARAVAN_PROCESS: &[(&str, Shape)] = &[
    ("per_month", V),
    ("persons", D),
    ("distance_km", V),
    ("pace_km_per_day", D),
    ("dropout", V),
    ("group_size", D),
    ("ports", W),
];
pub(crate) const OUTAGES: &[(&str, Shape)] =
    &[("label", V), ("start", V), ("hours", V), ("affects", V), ("ports", V), ("redistribute", V), ("booked", V)];
pub(crate) const PORTS: &[(&str, Shape)] = &[("id", V), ("name", V), ("quota", S), ("share", V), ("lead_days", D)];
pub(crate) const PORT_SWITCHING: &[(&str, Shape)] = &[("after_days", V), ("daily_probability", V), ("rule", V)];
pub(crate) const OUTAGE_PROCESS: &[(&str, Shape)] = &[("per_month", V), ("hours", D), ("affects", V)];
pub(crate) const SWEEP: &[(&str, Shape)] = &[("vary", V)];
pub(crate) const EVENTS: &[(&str, Shape)] = &[("date", V), ("label", V)];

/// The keys that identify an entry of a list of tables, by list: a scenario that extends another
/// merges its lists by them, and they name entries in messages.
pub(crate) const ENTRY_KEYS: &[(&str, &[&str])] = &[
    ("ports", &["id"]),
    ("arrivals", &["name"]),
    ("caravans", &["name"]),
    ("outages", &["label"]),
    ("events", &["date", "label"]),
];

/// The key that, set to `true` in an entry of a list of a scenario that extends another, removes
/// the inherited entry with the same identifying keys.
pub(crate) const REMOVE: &str = "remove";

/// The identifying keys of the entries of top-level list `list`, if it has them.
pub(crate) fn entry_keys(list: &str) -> Option<&'static [&'static str]> {
    ENTRY_KEYS.iter().find(|(l, _)| *l == list).map(|(_, k)| *k)
}

/// The top level of a scenario file.
pub(crate) const ROOT: Shape = Shape::Table(&[
    ("scenario", Shape::Table(SCENARIO)),
    ("quota", Shape::Table(QUOTA)),
    ("ports", Shape::ArrayOf(PORTS)),
    ("port_switching", Shape::Table(PORT_SWITCHING)),
    ("confirmation", Shape::Table(CONFIRMATION)),
    ("appointment", Shape::Table(APPOINTMENT)),
    ("abandonment", Shape::Table(ABANDONMENT)),
    ("initial", Shape::Table(INITIAL)),
    ("arrivals", Shape::ArrayOf(ARRIVALS)),
    ("caravans", Shape::ArrayOf(CARAVANS)),
    ("caravan_process", Shape::Table(CARAVAN_PROCESS)),
    ("outages", Shape::ArrayOf(OUTAGES)),
    ("outage_process", Shape::Table(OUTAGE_PROCESS)),
    ("sweep", Shape::Table(SWEEP)),
    ("events", Shape::ArrayOf(EVENTS)),
    ("provenance", Shape::Table(&[])),
]);

/// The keys of the top level.
pub(crate) fn root_keys() -> &'static [(&'static str, Shape)] {
    match ROOT {
        Shape::Table(k) => k,
        _ => unreachable!(),
    }
}

/// Whether `path` names a key a scenario may hold (list indices and schedule steps allowed:
/// `arrivals.0.groups_per_day`, `quota.daily.1.value`); the keys a `[provenance]` entry may cite.
pub(crate) fn is_path(path: &str) -> bool {
    let mut shape = ROOT;
    let mut indexed = false;
    let mut segments = path.split('.').peekable();
    while let Some(seg) = segments.next() {
        let keys = match shape {
            Shape::Table(k) => k,
            Shape::ArrayOf(k) | Shape::Schedule(k) if indexed => k,
            Shape::ArrayOf(_) | Shape::Schedule(_) if seg.parse::<usize>().is_ok() && segments.peek().is_some() => {
                indexed = true;
                continue;
            }
            // A key of every item of a list (`arrivals.groups_per_day`).
            Shape::ArrayOf(k) => k,
            // One port's weight (`arrivals.0.ports.nogales`).
            Shape::Weights => return segments.peek().is_none(),
            Shape::Schedule(_) => return false,
            Shape::Value => return false,
        };
        indexed = false;
        match keys.iter().find(|(k, _)| *k == seg) {
            Some((_, child)) if seg != "provenance" => shape = *child,
            _ => return false,
        }
    }
    !path.is_empty()
}

/// `" (did you mean \"x\"?)"` when a valid key is within a small edit distance of `got`, else `""`.
pub(crate) fn suggest<'a>(got: &str, valid: impl Iterator<Item = &'a str>) -> String {
    valid
        .map(|k| (strsim::damerau_levenshtein(got, k), k))
        .filter(|(d, k)| *d <= 1.max(k.len() / 3) && *d < k.len())
        .min()
        .map_or(String::new(), |(_, k)| format!(" (did you mean {k:?}?)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_paths_are_checked_against_the_schema() {
        for ok in [
            "quota.daily",
            "quota.daily.1.value",
            "arrivals.0.groups_per_day",
            "arrivals",
            "abandonment.patience_days.scale",
            "scenario.start",
            "arrivals.group_size",
        ] {
            assert!(is_path(ok), "{ok}");
        }
        for no in ["quota.dialy", "quota.daily.x", "provenance", "", "quota..daily", "arrivals.0"] {
            assert!(!is_path(no), "{no}");
        }
    }

    #[test]
    fn near_misses_are_suggested_and_far_ones_are_not() {
        assert_eq!(suggest("expnential", ["exponential", "uniform"].into_iter()), " (did you mean \"exponential\"?)");
        assert_eq!(suggest("zzz", ["exponential", "uniform"].into_iter()), "");
        assert_eq!(suggest("quotta", root_keys().iter().map(|(k, _)| *k)), " (did you mean \"quota\"?)");
    }
}

//! Human labels with units for the scenario paths a sweep varies, used on sweep axes, in sweep
//! tables and in reports; a path without a label is shown as written.

/// Labels for the paths analysts most often vary; matched on the path without list indices.
const LABELS: &[(&str, &str)] = &[
    ("quota.daily", "Daily quota [persons]"),
    ("quota.seniority_share", "Share of the quota by seniority"),
    ("quota.request_probability", "Daily request probability"),
    ("quota.allocation_hour", "Allocation hour [h]"),
    ("confirmation.window_hours", "Confirmation window [hours]"),
    ("confirmation.grace_hours", "Grace after an outage [hours]"),
    ("confirmation.failure_probability", "Confirmation failure probability"),
    ("confirmation.max_attempts", "Confirmation attempts"),
    ("confirmation.outage_policy", "Policy after an outage"),
    ("appointment.no_show_probability", "No-show probability"),
    ("appointment.lead_days.value", "Days from booking to appointment"),
    ("appointment.lead_days.mean", "Mean days from booking to appointment"),
    ("abandonment.patience_days", "Patience before giving up [days]"),
    ("appointment.lead_days", "Days from booking to appointment"),
    ("appointment.cancel_from", "Cancellation of booked appointments"),
    ("arrivals.group_size", "Group size [persons]"),
    ("initial.group_size", "Group size at the start [persons]"),
    ("initial.registered_days_ago", "Days registered before the start"),
    ("caravans.pace_km_per_day", "Caravan walking pace [km/day]"),
    ("caravans.group_size", "Caravan group size [persons]"),
    ("quota.unit", "What the quota counts"),
    ("outages", "Dated outages"),
    ("caravans", "Dated caravans"),
    ("abandonment.patience_days.mean", "Mean patience [days]"),
    ("abandonment.patience_days.value", "Patience [days]"),
    ("abandonment.patience_days.scale", "Patience scale [days]"),
    ("initial.groups", "Groups waiting at the start"),
    ("arrivals.groups_per_day", "New groups per day"),
    ("caravans.persons", "Caravan size [persons]"),
    ("caravans.distance_km", "Caravan distance [km]"),
    ("caravans.dropout", "Caravan dropout share"),
    ("caravan_process.per_month", "Caravans per month"),
    ("outages.hours", "Outage length [hours]"),
    ("outage_process.per_month", "Outages per month"),
    ("scenario.warmup_days", "Warm-up [days]"),
    ("ports.quota", "Daily slots of a port"),
    ("ports.share", "Share of the quota of a port"),
    ("ports.lead_days", "Days from booking to appointment at a port"),
    ("arrivals.ports", "Port choice of new groups"),
    ("initial.ports", "Port choice of the groups waiting at the start"),
    ("caravans.ports", "Port choice of a caravan's groups"),
    ("caravan_process.ports", "Port choice of random caravans' groups"),
    ("outages.start", "Outage start"),
    ("port_switching.daily_probability", "Daily probability of moving to another port"),
    ("port_switching.after_days", "Days waited before moving to another port"),
];

/// The human label of a scenario path: "Daily quota \[persons\]" for `quota.daily`. A path into a
/// list (`arrivals.1.groups_per_day`) keeps its index, and a schedule step (`quota.daily.2.value`)
/// is labelled as its schedule; a path without a label is shown as written.
pub fn parameter_label(path: &str) -> String {
    let segments: Vec<&str> = path.split('.').collect();
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let plain: Vec<&str> = segments.iter().copied().filter(|s| !numeric(s)).collect();
    let index: Vec<&str> = segments.iter().copied().filter(|s| numeric(s)).collect();
    let mut key = plain.join(".");
    if !LABELS.iter().any(|(p, _)| *p == key) && !index.is_empty() {
        key = key.strip_suffix(".value").unwrap_or(&key).to_string();
    }
    match LABELS.iter().find(|(p, _)| *p == key) {
        Some((_, label)) if index.is_empty() => label.to_string(),
        Some((_, label)) => format!("{label} ({path})"),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::parameter_label;

    #[test]
    fn known_paths_get_labels_and_others_stay_as_written() {
        assert_eq!(parameter_label("quota.daily"), "Daily quota [persons]");
        assert_eq!(parameter_label("arrivals.1.groups_per_day"), "New groups per day (arrivals.1.groups_per_day)");
        assert_eq!(parameter_label("quota.daily.2.value"), "Daily quota [persons] (quota.daily.2.value)");
        assert_eq!(parameter_label("confirmation.retry_hours"), "confirmation.retry_hours");
    }
}

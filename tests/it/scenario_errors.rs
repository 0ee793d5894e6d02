//! Every bad input gets exit code 2 and one clear line naming file:line:column (where there is a file),
//! the key, the bad value and what is allowed, pinned here; no panic, no backtrace (even with
//! RUST_BACKTRACE=1), and no output directory left behind.

use predicates::prelude::*;

use crate::common::{borderq, input_error};

struct Case {
    name: &'static str,
    toml: &'static str,
    sets: &'static [&'static str],
    expected: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "an event with an impossible date",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[events]]\ndate = \"2024-02-30\"\nlabel = \"x\"\n",
        sets: &[],
        expected: "error: {file}:10:8: events.0.date = \"2024-02-30\" is not a valid date and time: expected a local date and time written YYYY-MM-DDTHH:MM",
    },
    Case {
        name: "provenance for a key that does not exist",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[provenance]\n\"quota.dialy\" = \"CBP\"\n",
        sets: &[],
        expected: "error: {file}:10:1: provenance.\"quota.dialy\" does not name a scenario key: expected a dotted path such as \"quota.daily\", \"arrivals.0.groups_per_day\" or \"abandonment.patience_days\"",
    },
    Case {
        name: "provenance that is not a string",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[provenance]\n\"quota.daily\" = 3\n",
        sets: &[],
        expected: "error: {file}:10:17: provenance.\"quota.daily\" = 3 has the wrong type: expected a string, found an integer",
    },
    Case {
        name: "syntax: unclosed table header",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}:6:7: invalid TOML: unclosed table, expected `]`",
    },
    Case {
        name: "syntax: missing value",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[appointment]\nlead_days =\n",
        sets: &[],
        expected: "error: {file}:10:12: invalid TOML: string values must be quoted, expected literal string",
    },
    Case {
        name: "syntax: duplicate key",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\ndaily = 11\n",
        sets: &[],
        expected: "error: {file}:8:1: invalid TOML: duplicate key",
    },
    Case {
        name: "unknown top-level table",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[qouta]\ndaily = 3\n",
        sets: &[],
        expected: "error: {file}:9:2: unknown key \"qouta\" in the top level (did you mean \"quota\"?): valid keys are scenario, quota, ports, port_switching, confirmation, appointment, abandonment, initial, arrivals, caravans, caravan_process, outages, outage_process, sweep, events, provenance",
    },
    Case {
        name: "unknown key in [scenario]",
        toml: "[scenario]\nname = \"e\"\nseeed = 3\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}:3:1: unknown key \"seeed\" in [scenario] (did you mean \"seed\"?): valid keys are extends, name, description, start, end, warmup_days, report_from, replications, seed, compare_with_record",
    },
    Case {
        name: "unknown key in [quota]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\nunti = \"groups\"\n",
        sets: &[],
        expected: "error: {file}:8:1: unknown key \"unti\" in [quota] (did you mean \"unit\"?): valid keys are unit, daily, allocation_hour, request_open_hour, request_close_hour, request_probability, seniority_share",
    },
    Case {
        name: "unknown key in [confirmation]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[confirmation]\nwindow_hour = 23\n",
        sets: &[],
        expected: "error: {file}:10:1: unknown key \"window_hour\" in [confirmation] (did you mean \"window_hours\"?): valid keys are window_hours, first_attempt_hours, retry_hours, max_attempts, failure_probability, outage_policy, grace_hours, on_miss",
    },
    Case {
        name: "unknown key in [appointment]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[appointment]\nlead = 3\n",
        sets: &[],
        expected: "error: {file}:10:1: unknown key \"lead\" in [appointment]: valid keys are lead_days, lead_days_from, no_show_probability, cancel_from",
    },
    Case {
        name: "unknown key in [abandonment]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[abandonment]\npatience = 3\n",
        sets: &[],
        expected: "error: {file}:10:1: unknown key \"patience\" in [abandonment]: valid keys are patience_days",
    },
    Case {
        name: "unknown key in [initial]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[initial]\ngroups = 3\nage = 2\n",
        sets: &[],
        expected: "error: {file}:11:1: unknown key \"age\" in [initial]: valid keys are groups, registered_days_ago, group_size, ports",
    },
    Case {
        name: "unknown key in [[arrivals]]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[arrivals]]\ngroups_per_day = 3\nrate = 2\n",
        sets: &[],
        expected: "error: {file}:11:1: unknown key \"rate\" in [arrivals.0]: valid keys are name, groups_per_day, group_size, travel_days, register_share, ports",
    },
    Case {
        name: "unknown key in [[caravans]]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[caravans]]\ndepart = \"2024-01-05\"\npersons = 10\ndistance_km = 100\npace_km_per_day = 10\nspeed = 3\n",
        sets: &[],
        expected: "error: {file}:14:1: unknown key \"speed\" in [caravans.0]: valid keys are name, depart, persons, distance_km, pace_km_per_day, dropout, group_size, ports",
    },
    Case {
        name: "unknown key in [caravan_process]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[caravan_process]\nper_month = 1\npersons = 100\ndistance_km = 10\npace_km_per_day = 10\nsize = 3\n",
        sets: &[],
        expected: "error: {file}:14:1: unknown key \"size\" in [caravan_process]: valid keys are per_month, persons, distance_km, pace_km_per_day, dropout, group_size, ports",
    },
    Case {
        name: "unknown key in [[outages]]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[outages]]\nstart = \"2024-01-02T00:00\"\nhours = 3\nduration = 2\n",
        sets: &[],
        expected: "error: {file}:12:1: unknown key \"duration\" in [outages.0]: valid keys are label, start, hours, affects, ports, redistribute, booked",
    },
    Case {
        name: "unknown key in [outage_process]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[outage_process]\nper_month = 1\nhours = 3\nrate = 2\n",
        sets: &[],
        expected: "error: {file}:12:1: unknown key \"rate\" in [outage_process]: valid keys are per_month, hours, affects",
    },
    Case {
        name: "unknown key in [sweep]",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[sweep]\nvaries = [\"quota.daily=1,2\"]\n",
        sets: &[],
        expected: "error: {file}:10:1: unknown key \"varies\" in [sweep]: valid keys are vary",
    },
    Case {
        name: "unknown key in a distribution",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[abandonment]\npatience_days = { dist = \"exponential\", mean = 3, sd = 1 }\n",
        sets: &[],
        expected: "error: {file}:10:51: unknown key \"sd\" in [abandonment.patience_days]: valid keys are dist, mean, min, max",
    },
    Case {
        name: "wrong type: string for a number",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = \"ten\"\n",
        sets: &[],
        expected: "error: {file}:7:9: quota.daily = \"ten\" has the wrong type: expected a number or a list of { from = \"YYYY-MM-DD\", value = … } steps, found a string",
    },
    Case {
        name: "wrong type: table for a string",
        toml: "[scenario]\nname = { a = 1 }\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}:2:8: scenario.name = { a = 1 } has the wrong type: expected a string, found a table",
    },
    Case {
        name: "wrong type: number for a list",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[outages]]\nstart = \"2024-01-02T00:00\"\nhours = 3\naffects = 3\n",
        sets: &[],
        expected: "error: {file}:12:11: outages.0.affects = 3 has the wrong type: expected a non-empty list of \"requests\", \"confirmations\", \"registrations\", \"allocations\", \"appointments\", found an integer",
    },
    Case {
        name: "wrong type: [[arrivals]] as a table",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[arrivals]\ngroups_per_day = 3\n",
        sets: &[],
        expected: "error: {file}:9:1: arrivals = { groups_per_day = 3 } has the wrong type: expected a list of tables ([[arrivals]]), found a table",
    },
    Case {
        name: "probability above 1",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\nseniority_share = 1.4\n",
        sets: &[],
        expected: "error: {file}:8:19: quota.seniority_share = 1.4 is out of range: expected a number in [0, 1]",
    },
    Case {
        name: "negative probability",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[appointment]\nno_show_probability = -0.1\n",
        sets: &[],
        expected: "error: {file}:10:23: appointment.no_show_probability = -0.1 is out of range: expected a number in [0, 1]",
    },
    Case {
        name: "probability in a schedule",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\nrequest_probability = [{ from = \"2024-01-01\", value = 2 }]\n",
        sets: &[],
        expected: "error: {file}:8:55: quota.request_probability.0.value = 2 is out of range: expected a number in [0, 1]",
    },
    Case {
        name: "negative duration (constant)",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[appointment]\nlead_days = -3\n",
        sets: &[],
        expected: "error: {file}:10:13: appointment.lead_days = -3 can produce negative values, but it is a duration: expected a distribution whose samples are ≥ 0 (add min = 0)",
    },
    Case {
        name: "negative outage length",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[outages]]\nstart = \"2024-01-02T00:00\"\nhours = -3\n",
        sets: &[],
        expected: "error: {file}:11:9: outages.0.hours = -3 is out of range: expected a number of hours in (0, 1,000,000]",
    },
    Case {
        name: "duration law that can go negative",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[confirmation]\nfirst_attempt_hours = { dist = \"normal\", mean = 3, sd = 1 }\n",
        sets: &[],
        expected: "error: {file}:10:23: confirmation.first_attempt_hours = { dist = \"normal\", mean = 3, sd = 1 } can produce negative values, but it is a duration: expected a distribution whose samples are ≥ 0 (add min = 0)",
    },
    Case {
        name: "unsorted schedule",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = [{ from = \"2024-01-01\", value = 3 }, { from = \"2024-01-20\", value = 4 }, { from = \"2024-01-10\", value = 5 }]\n",
        sets: &[],
        expected: "error: {file}:7:91: quota.daily.2.from = \"2024-01-10\" is not after the previous step: expected dates in strictly increasing order (after 2024-01-20)",
    },
    Case {
        name: "schedule starting after start",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = [{ from = \"2024-01-02\", value = 3 }]\n",
        sets: &[],
        expected: "error: {file}:7:19: quota.daily.0.from = \"2024-01-02\" starts after the scenario: expected a first date at or before scenario.start = 2024-01-01",
    },
    Case {
        name: "end before start",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2023-12-01\"\n\n[quota]\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}:4:7: scenario.end = \"2023-12-01\" is not after start: expected a date after scenario.start = 2024-01-01",
    },
    Case {
        name: "end equal to start",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-01-01\"\n\n[quota]\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}:4:7: scenario.end = \"2024-01-01\" is not after start: expected a date after scenario.start = 2024-01-01",
    },
    Case {
        name: "warm-up as long as the horizon",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\nwarmup_days = 31\n\n[quota]\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}:5:15: scenario.warmup_days = 31 is not shorter than the horizon: expected a number of days in [0, 31) (the horizon is 31 days)",
    },
    Case {
        name: "invalid date",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-02-30\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}:3:9: scenario.start = \"2024-02-30\" is not a valid date: day 30 does not exist in 2024-02 (it has 29 days): expected a date written YYYY-MM-DD, between 1900 and 2200",
    },
    Case {
        name: "weights summing to zero",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[initial]\ngroups = 3\ngroup_size = { dist = \"empirical\", values = [1, 2], weights = [0, 0] }\n",
        sets: &[],
        expected: "error: {file}:11:63: initial.group_size.weights = [0, 0] sums to zero: expected weights with a positive sum",
    },
    Case {
        name: "negative weight",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[initial]\ngroups = 3\ngroup_size = { dist = \"empirical\", values = [1, 2], weights = [3, -1] }\n",
        sets: &[],
        expected: "error: {file}:11:63: initial.group_size.weights = [3, -1] has a negative weight: expected weights ≥ 0",
    },
    Case {
        name: "group size 11",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[initial]\ngroups = 3\ngroup_size = { dist = \"empirical\", values = [1, 11], weights = [1, 1] }\n",
        sets: &[],
        expected: "error: {file}:11:14: initial.group_size = { dist = \"empirical\", values = [1, 11], weights = [1, 1] } contains the group size 11: expected whole numbers from 1 to 10 (a registration holds at most 10 persons)",
    },
    Case {
        name: "group size 0",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[arrivals]]\ngroups_per_day = 3\ngroup_size = 0\n",
        sets: &[],
        expected: "error: {file}:11:14: arrivals.0.group_size = 0 contains the group size 0: expected whole numbers from 1 to 10 (a registration holds at most 10 persons)",
    },
    Case {
        name: "request window closing after the allocation",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\nrequest_close_hour = 13\n",
        sets: &[],
        expected: "error: {file}:8:22: quota.request_close_hour = 13.0 is after the allocation: expected request_close_hour ≤ allocation_hour = 12.0",
    },
    Case {
        name: "request window opening after it closes",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\nrequest_open_hour = 12\nrequest_close_hour = 10\n",
        sets: &[],
        expected: "error: {file}:8:21: quota.request_open_hour = 12.0 does not open before the window closes: expected request_open_hour < request_close_hour = 10.0",
    },
    Case {
        name: "confirmation window under an hour",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[confirmation]\nwindow_hours = 0.5\n",
        sets: &[],
        expected: "error: {file}:10:16: confirmation.window_hours = 0.5 is out of range: expected a number of hours in [1, 1,000,000]",
    },
    Case {
        name: "zero attempts",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[confirmation]\nmax_attempts = 0\n",
        sets: &[],
        expected: "error: {file}:10:16: confirmation.max_attempts = 0 is out of range: expected a whole number from 1 to 1000",
    },
    Case {
        name: "unknown distribution (near miss)",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[abandonment]\npatience_days = { dist = \"expnential\", mean = 30 }\n",
        sets: &[],
        expected: "error: {file}:10:26: abandonment.patience_days.dist = \"expnential\" is not allowed: expected one of \"constant\", \"exponential\", \"uniform\", \"normal\", \"lognormal\", \"gamma\", \"weibull\", \"empirical\" (did you mean \"exponential\"?)",
    },
    Case {
        name: "unknown distribution (far)",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[abandonment]\npatience_days = { dist = \"zipf\", mean = 30 }\n",
        sets: &[],
        expected: "error: {file}:10:26: abandonment.patience_days.dist = \"zipf\" is not allowed: expected one of \"constant\", \"exponential\", \"uniform\", \"normal\", \"lognormal\", \"gamma\", \"weibull\", \"empirical\"",
    },
    Case {
        name: "unknown outage policy",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[confirmation]\noutage_policy = \"extended\"\n",
        sets: &[],
        expected: "error: {file}:10:17: confirmation.outage_policy = \"extended\" is not allowed: expected one of \"none\", \"extend\", \"reissue\" (did you mean \"extend\"?)",
    },
    Case {
        name: "unknown affects",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[outages]]\nstart = \"2024-01-02T00:00\"\nhours = 3\naffects = [\"confirmation\"]\n",
        sets: &[],
        expected: "error: {file}:12:12: outages.0.affects = \"confirmation\" is not allowed: expected one of \"requests\", \"confirmations\", \"registrations\", \"allocations\", \"appointments\" (did you mean \"confirmations\"?)",
    },
    Case {
        name: "pace without a positive minimum",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[[caravans]]\ndepart = \"2024-01-05\"\npersons = 10\ndistance_km = 100\npace_km_per_day = { dist = \"normal\", mean = 14, sd = 4 }\n",
        sets: &[],
        expected: "error: {file}:13:19: caravans.0.pace_km_per_day = { dist = \"normal\", mean = 14, sd = 4 } can produce a pace of 0 or less: expected a distribution bounded away from 0 (add min > 0, e.g. min = 1)",
    },
    Case {
        name: "missing required key",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\nunit = \"groups\"\n",
        sets: &[],
        expected: "error: {file}:6:1: missing key quota.daily: [quota] needs daily = <slots per day or a schedule>",
    },
    Case {
        name: "missing [scenario]",
        toml: "[quota]\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}: missing key scenario: the top level needs a [scenario] table with name, start and end",
    },
    Case {
        name: "uniform with max below min",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n\n[appointment]\nlead_days = { dist = \"uniform\", min = 10, max = 5 }\n",
        sets: &[],
        expected: "error: {file}:10:49: appointment.lead_days.max = 5 is below min: expected a number ≥ min = 10",
    },
    Case {
        name: "--set unknown path",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &["quota.dayly=5"],
        expected: "error: --set quota.dayly=5: unknown key \"dayly\" in [quota] (did you mean \"daily\"?): valid keys are unit, daily, allocation_hour, request_open_hour, request_close_hour, request_probability, seniority_share",
    },
    Case {
        name: "--set unknown table",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &["qouta.daily=5"],
        expected: "error: --set qouta.daily=5: unknown key \"qouta\" in the top level (did you mean \"quota\"?): valid keys are scenario, quota, ports, port_switching, confirmation, appointment, abandonment, initial, arrivals, caravans, caravan_process, outages, outage_process, sweep, events, provenance",
    },
    Case {
        name: "--set wrong type",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &["quota.daily=abc"],
        expected: "error: --set quota.daily=abc: quota.daily = \"abc\" has the wrong type: expected a number or a list of { from = \"YYYY-MM-DD\", value = … } steps, found a string",
    },
    Case {
        name: "--set out of range",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &["quota.seniority_share=2"],
        expected: "error: --set quota.seniority_share=2: quota.seniority_share = 2 is out of range: expected a number in [0, 1]",
    },
    Case {
        name: "--set index out of range",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &["arrivals.3.register_share=0.5"],
        expected: "error: --set arrivals.3.register_share=0.5: arrivals is not a list in this scenario, so arrivals.3.register_share does not exist",
    },
    Case {
        name: "--set without =",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &["quota.daily"],
        expected: "error: --set quota.daily: expected PATH=VALUE, for example --set quota.daily=2000",
    },
    Case {
        name: "--set into a value",
        toml: "[scenario]\nname = \"e\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &["quota.daily.value=3"],
        expected: "error: --set quota.daily.value=3: quota.daily is not a list in this scenario, so quota.daily.value does not exist",
    },
    Case {
        name: "empty file",
        toml: "",
        sets: &[],
        expected: "error: {file}: is empty: expected a scenario with at least [scenario] (name, start, end) and [quota] (daily)",
    },
    Case {
        name: "comments only",
        toml: "# nothing here\n",
        sets: &[],
        expected: "error: {file}: missing key scenario: the top level needs a [scenario] table with name, start and end",
    },
    Case {
        name: "date out of range",
        toml: "[scenario]\nname = \"e\"\nstart = \"1024-01-01\"\nend = \"2024-02-01\"\n\n[quota]\ndaily = 10\n",
        sets: &[],
        expected: "error: {file}:3:9: scenario.start = \"1024-01-01\" is out of range: expected a date written YYYY-MM-DD, between 1900 and 2200",
    },
];

/// Runs `borderq run FILE --set …` and checks the exit code, the exact message, that no panic or
/// backtrace shows (with RUST_BACKTRACE=1) and that nothing was written.
fn check(file: &std::path::Path, sets: &[&str], expected: &str) {
    let out_dir = file.with_extension("out");
    let mut cmd = borderq();
    cmd.arg("run").arg(file).arg("--out").arg(&out_dir).env("RUST_BACKTRACE", "1");
    for s in sets {
        cmd.args(["--set", s]);
    }
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{expected}\n{stderr}");
    assert_eq!(stderr.trim_end(), expected.replace("{file}", &file.display().to_string()));
    assert!(!out_dir.exists(), "an output directory was left behind for {expected}");
}

/// Every pinned case in-process, through the library's entry point (the message the command line
/// prints, and an input error, so exit code 2).
#[test]
fn broken_scenarios_and_overrides_get_one_pinned_message_each() {
    assert!(CASES.len() >= 40, "at least 40 pinned cases");
    for (i, case) in CASES.iter().enumerate() {
        let label = format!("case{i}.toml");
        let got = format!("error: {}", input_error(&label, case.toml, case.sets));
        assert_eq!(got, case.expected.replace("{file}", &label), "case {i}: {}", case.name);
    }
}

/// The command line prints the same message for a sample of the cases (a file's error, a syntax
/// error, an override's error), with exit code 2, no backtrace and no output directory: what is
/// common to every input error, since the binary formats them all alike.
#[test]
fn the_command_line_prints_the_pinned_message_with_exit_code_2() {
    let tmp = tempfile::tempdir().unwrap();
    let first = |f: &dyn Fn(&Case) -> bool| CASES.iter().find(|c| f(c)).expect("such a case");
    let sample = [
        first(&|c| c.name.starts_with("syntax")),
        first(&|c| !c.sets.is_empty()),
        first(&|c| c.sets.is_empty() && !c.name.starts_with("syntax")),
    ];
    for (i, case) in sample.iter().enumerate() {
        let file = tmp.path().join(format!("case{i}.toml"));
        std::fs::write(&file, case.toml).unwrap();
        check(&file, case.sets, case.expected);
    }
}

#[test]
fn unreadable_inputs_get_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let garbage = tmp.path().join("garbage.toml");
    std::fs::write(&garbage, [0x00u8, 0xff, 0xfe, 0x9f, 0x41, 0x80]).unwrap();
    check(&garbage, &[], "error: {file}: is not UTF-8 text (invalid byte at offset 1): expected a TOML scenario file");

    let huge = tmp.path().join("huge.toml");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    check(&huge, &[], "error: {file}: is 52428800 bytes: expected a scenario file of at most 4194304 bytes");

    let dir = tmp.path().join("adir.toml");
    std::fs::create_dir(&dir).unwrap();
    check(&dir, &[], "error: {file}: is a directory: expected a scenario .toml file");

    let missing = tmp.path().join("missing.toml");
    borderq()
        .arg("run")
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file, and no bundled scenario has this name"));

    // Without read permission (root reads everything, so there the file is simply read and rejected
    // for its content; either way the exit code is 2 and the message names the file).
    let locked = tmp.path().join("locked.toml");
    std::fs::write(&locked, "not = [toml").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = borderq().arg("check").arg(&locked).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with(&format!("error: {}", locked.display())), "{stderr}");
    assert!(stderr.contains("permission denied") || stderr.contains("invalid TOML"), "{stderr}");
}

#[test]
fn bad_vary_ranges_are_refused_before_anything_runs() {
    let cases: &[(&str, &str)] = &[
        ("quota.daily=1000:2000:0", "STEP = 0 does not lead from 1000 to 2000"),
        ("quota.daily=2000:1000:250", "STEP = 250 does not lead from 2000 to 1000"),
        ("quota.daily", "expected PATH=V1,V2,… or PATH=START:STOP:STEP"),
        ("quota.daily=1,,2", "an empty value in the list"),
        (
            "quota.daly=1,2",
            "grid point 0 (quota.daly=1): --set quota.daly=1: unknown key \"daly\" in [quota] (did you mean \"daily\"?)",
        ),
        ("quota.daily=0:1e9:1", "more than the 1000000 allowed"),
    ];
    for (vary, expected) in cases {
        borderq()
            .args(["sweep", "bailey", "--vary", vary, "--out", "/nonexistent/never-written"])
            .env("RUST_BACKTRACE", "1")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*expected))
            .stderr(predicate::str::contains("panicked").not());
    }
}

//! A hand-worked deterministic trace: constant distributions, quota 2 groups/day, seniority
//! only, one confirmation outage, worked out by hand under each outage policy.
//!
//! Scenario (times are days since 2024-01-01 00:00; "d+h" is day d plus h hours):
//! - backlog: 3 single-person groups (ids 0, 1, 2) registered at −1, patience 3 days → deadline 2.0;
//! - caravan: 2 persons departing 2024-01-02 (t = 1) 12 km away at 24 km/day → groups 3, 4 register at
//!   1.5 (12:00, the instant of the day-1 allocation: registered, but not strictly before the request
//!   window closed, so not eligible that day); patience 3 → deadline 4.5;
//! - allocation daily at 12:00, quota 2 groups, seniority share 1 (registration order, ties by id);
//! - confirmation: 23 h window, one attempt 25 h after selection (so it misses unless the window is
//!   extended), no failures, grace 2 h, on_miss = "return";
//! - appointment 2 days after confirmation; outage of confirmations on 2024-01-02 06:00–18:00 = [1+6, 1+18).
//!
//! `extend` (worked by hand):
//! | id | selected | deadline (extended) | attempt | booked | processed | outcome |
//! |----|----------|---------------------|---------|--------|-----------|---------|
//! | 0  | 0+12     | 1+11 + 12 h outage + 2 h grace = 2+1 | 1+13 → postponed to 1+18 | 1+18 | 3+18 | processed, wait 4.75 |
//! | 1  | 0+12     | same as 0           | 1+18    | 1+18   | 3+18      | processed, wait 4.75 |
//! | 2  | 1+12     | 2+11 + 6 h + 2 h = 2+19 | 2+13 | 2+13  | 4+13      | processed (patience 2.0 passes while selected) |
//! | 3  | 2+12, 3+12 | 3+11, 4+11 (no overlap) | none (25 h > 23 h) | – | – | missed twice, returned, abandoned at 4.5 |
//! | 4  | like 3   |                     |         |        |           | abandoned at 4.5 |
//! Unused slots: day 1: 1 (only group 2 eligible), day 2: 0, day 3: 0, days 4–6: 2 each → 7.
//! Waiting pool (group-days): 0 and 1: 0.5 each; 2: 1.5; 3 and 4: 1 + 1/24 + 1/24 each → 14/3 in all.
//!
//! `none`: 0 and 1 miss at 1+11 (window overlapped: missed_in_outage), return, are re-selected at 1+12,
//! miss again at 2+11 (overlapped again) with patience gone (2.0): abandon on return. Group 2 abandons
//! at 2.0 while waiting. 3 and 4 as above. Selected 8, missed 8 (4 in outage), unused 6, abandoned 5.
//!
//! `reissue`: as `none`, but the 2 slots missed at 1+11 are added to the 1+12 allocation (quota 4):
//! groups 0, 1, 2 are selected (1 slot unused); all three miss at 2+11 with their windows overlapping
//! the outage: 3 slots are added to the 2+12 allocation (quota 5), where 3 and 4 take 2 (3 unused);
//! 0, 1, 2 abandon on return. Selected 9, missed 9 (5 in outage), unused 1 + 3 + 6 = 10, abandoned 5.

use borderq::model::{GroupRow, Model, Outcome, RepResult, Series};

use crate::common::scenario;

const DAY: i64 = 86_400;
const H: i64 = 3_600;

fn trace_toml(policy: &str) -> String {
    format!(
        r#"
[scenario]
name = "trace"
start = "2024-01-01"
end = "2024-01-08"
replications = 1

[quota]
unit = "groups"
daily = 2
allocation_hour = 12
request_open_hour = 0
request_close_hour = 12
seniority_share = 1

[confirmation]
window_hours = 23
first_attempt_hours = {{ dist = "constant", value = 25 }}
max_attempts = 1
failure_probability = 0
outage_policy = "{policy}"
grace_hours = 2
on_miss = "return"

[appointment]
lead_days = {{ dist = "constant", value = 2 }}

[abandonment]
patience_days = {{ dist = "constant", value = 3 }}

[initial]
groups = 3
registered_days_ago = {{ dist = "constant", value = 1 }}

[[caravans]]
name = "c"
depart = "2024-01-02"
persons = 2
distance_km = 12
pace_km_per_day = {{ dist = "constant", value = 24 }}

[[outages]]
start = "2024-01-02T06:00"
hours = 12
affects = ["confirmations"]
"#
    )
}

fn run(policy: &str) -> (RepResult, Vec<GroupRow>) {
    let m = Model::new(&scenario(&trace_toml(policy)));
    let mut records = Vec::new();
    let r = m.replicate(0, &mut records);
    records.sort_by_key(|g| g.id);
    (r, records)
}

#[test]
fn extend_trace_matches_the_hand_worked_table() {
    let (r, g) = run("extend");
    let at = |d: i64, h: i64| d * DAY + h * H;
    let row = |id, selected, booked, appointment, outcome, ended, attempts| GroupRow {
        id,
        source: if id < 3 { 0 } else { 1 },
        size: 1,
        registered_at: if id < 3 { -DAY } else { at(1, 12) },
        selected_at: selected,
        booked_at: booked,
        appointment_at: appointment,
        outcome,
        ended_at: ended,
        attempts,
    };
    let expected = vec![
        row(0, Some(at(0, 12)), Some(at(1, 18)), Some(at(3, 18)), Outcome::Processed, at(3, 18), 1),
        row(1, Some(at(0, 12)), Some(at(1, 18)), Some(at(3, 18)), Outcome::Processed, at(3, 18), 1),
        row(2, Some(at(1, 12)), Some(at(2, 13)), Some(at(4, 13)), Outcome::Processed, at(4, 13), 1),
        row(3, Some(at(3, 12)), None, None, Outcome::Abandoned, at(4, 12), 0),
        row(4, Some(at(3, 12)), None, None, Outcome::Abandoned, at(4, 12), 0),
    ];
    assert_eq!(g, expected);
    let c = &r.whole.counts;
    assert_eq!((c.initial_groups, c.arrived_groups), (3, 2));
    assert_eq!((c.selected_groups, c.booked_groups, c.processed_groups), (7, 3, 3));
    assert_eq!((c.missed_confirmations, c.missed_in_outage, c.abandoned_groups), (4, 0, 2));
    assert_eq!(c.unused_slots, 7);
    assert_eq!(r.daily.get(Series::UnusedSlots), [0.0, 1.0, 0.0, 0.0, 2.0, 2.0, 2.0]);
    assert!((r.whole.mean_waiting_groups - 14.0 / 3.0 / 7.0).abs() < 1e-12);
    let w = r.whole.wait.unwrap();
    assert_eq!(w.n, 3);
    assert!((w.mean - (4.75 + 4.75 + (5.0 + 13.0 / 24.0)) / 3.0).abs() < 1e-12);
}

#[test]
fn none_trace_loses_the_slots_of_the_outage() {
    let (r, g) = run("none");
    let c = &r.whole.counts;
    assert_eq!((c.selected_groups, c.booked_groups, c.processed_groups), (8, 0, 0));
    assert_eq!((c.missed_confirmations, c.missed_in_outage, c.abandoned_groups), (8, 4, 5));
    assert_eq!(c.unused_slots, 6);
    let ended: Vec<(Outcome, i64)> = g.iter().map(|x| (x.outcome, x.ended_at)).collect();
    assert_eq!(
        ended,
        vec![
            (Outcome::Abandoned, 2 * DAY + 11 * H),
            (Outcome::Abandoned, 2 * DAY + 11 * H),
            (Outcome::Abandoned, 2 * DAY),
            (Outcome::Abandoned, 4 * DAY + 12 * H),
            (Outcome::Abandoned, 4 * DAY + 12 * H),
        ]
    );
}

#[test]
fn reissue_trace_adds_missed_slots_to_the_next_allocation() {
    let (r, g) = run("reissue");
    let c = &r.whole.counts;
    assert_eq!((c.selected_groups, c.missed_confirmations, c.missed_in_outage), (9, 9, 5));
    assert_eq!((c.abandoned_groups, c.unused_slots), (5, 10));
    assert_eq!(r.daily.get(Series::Quota), [2.0, 4.0, 5.0, 2.0, 2.0, 2.0, 2.0], "daily quota with reissued slots");
    assert_eq!(r.daily.get(Series::UnusedSlots), [0.0, 1.0, 3.0, 0.0, 2.0, 2.0, 2.0], "daily unused slots");
    assert!(g.iter().take(3).all(|x| x.outcome == Outcome::Abandoned && x.ended_at == 2 * DAY + 11 * H));
}

/// `appointment.cancel_from` (the program's end): three groups booked on day 0 for day 3 lose their
/// appointments at the cancellation instant (day 2, 00:00). With this seed, two draw a patience of
/// 10 days and wait again; with the quota at 0 from day 1 nobody is selected again, so both are
/// still waiting at the horizon. The third draws 1.5 days, over by then, and abandons at the
/// cancellation instead.
#[test]
fn cancelled_appointments_send_groups_back_to_waiting() {
    let toml = r#"
[scenario]
name = "cancel"
start = "2024-01-01"
end = "2024-01-08"

[quota]
unit = "groups"
daily = [{ from = "2024-01-01", value = 3 }, { from = "2024-01-02", value = 0 }]
seniority_share = 1

[appointment]
lead_days = 3
cancel_from = "2024-01-03T00:00"

[abandonment]
patience_days = { dist = "empirical", values = [1.5, 10], weights = [1, 2] }

[initial]
groups = 3
"#;
    let m = Model::new(&scenario(toml));
    let mut records = Vec::new();
    let r = m.replicate(0, &mut records);
    let c = &r.whole.counts;
    assert_eq!((c.selected_groups, c.booked_groups, c.processed_groups), (3, 3, 0));
    assert_eq!(c.cancelled_appointments, 3);
    assert_eq!((c.abandoned_groups, c.final_waiting_groups), (1, 2), "one group abandons, two wait again");
    let outcomes: Vec<Outcome> = records.iter().map(|g| g.outcome).collect();
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::Abandoned).count(), 1);
    assert_eq!(outcomes.iter().filter(|o| **o == Outcome::CensoredWaiting).count(), 2);
    for g in &records {
        assert_eq!(g.booked_at, Some(DAY / 2));
        match g.outcome {
            Outcome::Abandoned => assert_eq!(g.ended_at, 2 * DAY, "patience 1.5 days is over at the cancellation"),
            Outcome::CensoredWaiting => assert_eq!(g.ended_at, 7 * DAY),
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    // Without cancellation all three are processed on day 3.
    let m = Model::new(&scenario(&toml.replace("cancel_from = \"2024-01-03T00:00\"\n", "")));
    let r = m.replicate(0, &mut borderq::model::NoRecords);
    assert_eq!((r.whole.counts.processed_groups, r.whole.counts.cancelled_appointments), (3, 0));
}

/// Regression test for a bug found by the property test: after the seniority pass, the lottery
/// reused the seniority pass's counts of eligible groups not yet considered, so a group the
/// seniority pass had walked (and not chosen) was subtracted twice and the lottery stopped before
/// it had considered every candidate.
///
/// Quota 5 persons, seniority share 0.2 (1 person). Waiting on day 0: A (2 persons, the backlog,
/// oldest), then B (1 person) and C (2 persons) from two caravans registering at 00:00. The
/// seniority pass walks A, which does not fit into 1 person, then chooses B. The lottery has 4
/// persons and must take both A and C (nothing unused). With the bug it counted one eligible group
/// of 2, took one and stopped (2 unused).
#[test]
fn lottery_recounts_eligible_groups_after_the_seniority_pass() {
    let toml = r#"
[scenario]
name = "recount"
start = "2024-01-01"
end = "2024-01-03"

[quota]
unit = "persons"
daily = 5
seniority_share = 0.2

[initial]
groups = 1
group_size = 2
registered_days_ago = 10

[[caravans]]
name = "B"
depart = "2024-01-01"
persons = 1
distance_km = 0
pace_km_per_day = 20

[[caravans]]
name = "C"
depart = "2024-01-01"
persons = 2
distance_km = 0
pace_km_per_day = 20
group_size = 2
"#;
    let r = Model::new(&scenario(toml)).replicate(0, &mut borderq::model::NoRecords);
    assert_eq!(r.whole.counts.initial_groups + r.whole.counts.arrived_groups, 3);
    assert_eq!(r.daily.get(Series::SelectedPersons)[0], 5.0, "A, B and C selected on day 0");
    assert_eq!(r.daily.get(Series::UnusedSlots)[0], 0.0);
    assert_eq!(r.whole.counts.selected_groups, 3);
}

/// Outcomes by registration cohort against a known answer: 3,000 single persons register on
/// 1 January at 00:00 (a caravan that does not walk), nobody gives up, and 20 are booked each day by
/// seniority. By day k, 20(k + 1) are booked: 20 % within 30 days, 40 % within 60, 60 % within 90,
/// everybody within 180; half have been booked after 75 days.
#[test]
fn cohort_outcomes_of_a_deterministic_queue() {
    let toml = r#"
[scenario]
name = "cohort"
start = "2024-01-01"
end = "2024-07-01"

[quota]
daily = 20
seniority_share = 1

[[caravans]]
name = "all at once"
depart = "2024-01-01"
persons = 3000
distance_km = 0
pace_km_per_day = 20
"#;
    let r = Model::new(&scenario(toml)).replicate(0, &mut borderq::model::NoRecords);
    assert_eq!(r.cohorts.len(), 6 + 1, "six months and the whole run");
    let jan = r.cohorts[0];
    assert_eq!(jan.registered_persons, 3000);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(jan.booked_within[0], 0.2) && close(jan.booked_within[1], 0.4), "{jan:?}");
    assert!(close(jan.booked_within[2], 0.6) && close(jan.booked_within[3], 1.0), "{jan:?}");
    assert!(close(jan.abandoned_within, 0.0) && close(jan.waiting_at_end, 0.0));
    assert!(close(jan.median_days_to_booking, 75.0), "{jan:?}");
    assert_eq!(r.cohorts[6], jan, "the whole run is January's cohort");
    assert_eq!(r.cohorts[1].registered_persons, 0);
    assert!(r.cohorts[1].booked_within[0].is_nan(), "nobody registered in February");
}

//! The mechanisms the whole-program scenario needs, each checked on a scenario small enough to
//! work out by hand: requests counted as their expectation, a lead time that changes on a date, a
//! request window that changes on a date, port shares that change on a date.

use borderq::model::Series;

use crate::common::{input_error, replicate, scenario};

/// A backlog of 1,000 groups of 2 persons that nobody serves (quota 0) and nobody leaves.
const IDLE: &str = r#"[scenario]
name = "idle"
start = "2024-01-01"
end = "2024-01-11"
[quota]
unit = "persons"
daily = 0
request_probability = [ { from = "2024-01-01", value = 0.5 }, { from = "2024-01-06", value = 0.8 } ]
[initial]
groups = 1000
registered_days_ago = 3
group_size = 2
"#;

/// Requests are eligible groups × the day's request probability, exactly, in groups and persons,
/// and an outage of requests over the whole window makes them none.
#[test]
fn requests_are_the_eligible_groups_times_the_request_probability() {
    let s = scenario(IDLE);
    let r = &replicate(&s, 1)[0];
    for d in 0..10 {
        let p = if d < 5 { 0.5 } else { 0.8 };
        assert_eq!(r.daily.value(Series::RequestsGroups, d), 1000.0 * p, "day {d}");
        assert_eq!(r.daily.value(Series::RequestsPersons, d), 2000.0 * p, "day {d}");
    }
    assert!((r.whole.mean_requests_groups - 650.0).abs() < 1e-9, "{}", r.whole.mean_requests_groups);
    let outage = "[[outages]]\nstart = \"2024-01-03T00:00\"\nhours = 24\naffects = [\"requests\"]\n";
    // The request window is [0, 12) of the allocation's day: day 2's is inside the outage.
    let r = &replicate(&scenario(&format!("{IDLE}{outage}")), 1)[0];
    assert_eq!(r.daily.value(Series::RequestsGroups, 2), 0.0);
    assert_eq!(r.daily.value(Series::RequestsGroups, 3), 500.0);
}

/// One group of one person a day, registered at 06:00, selected at 12:00 and booked at once: its
/// appointment is 1 day later until 5 January, then 4 days later, so no one is processed on the
/// three days after the change and everyone booked is processed.
#[test]
fn a_lead_time_from_a_date_holds_for_the_groups_booked_from_then() {
    let s = scenario(
        r#"[scenario]
name = "lead"
start = "2024-01-01"
end = "2024-01-15"
[quota]
unit = "persons"
daily = 1
request_close_hour = 12
[appointment]
lead_days = 1
lead_days_from = [ { from = "2024-01-05", lead_days = 4 } ]
[initial]
groups = 14
registered_days_ago = 1
"#,
    );
    let r = &replicate(&s, 1)[0];
    let processed: Vec<f64> = (0..14).map(|d| r.daily.value(Series::ProcessedPersons, d)).collect();
    // Booked on days 0–3 at 12:00, processed on days 1–4; booked from day 4 on, processed 4 days later.
    assert_eq!(processed, [0., 1., 1., 1., 1., 0., 0., 0., 1., 1., 1., 1., 1., 1.], "{processed:?}");
    let text = borderq::scenario::to_toml(&s);
    let written = "lead_days_from = [{ from = \"2024-01-05\", lead_days = { dist = \"constant\", value = 4.0 } }]";
    assert!(text.contains(written), "{text}");
    // The resolved scenario reads back to the same scenario.
    assert_eq!(scenario(&text), s);
}

/// The request window may change by date; on every date it must open before it closes and close by
/// the allocation, and the message names the date.
#[test]
fn a_request_window_by_date_is_checked_on_every_date() {
    let base = "[scenario]\nname = \"w\"\nstart = \"2024-01-01\"\nend = \"2024-02-01\"\n[quota]\ndaily = 10\n";
    let late = format!(
        "{base}request_close_hour = [ {{ from = \"2024-01-01\", value = 11 }}, {{ from = \"2024-01-10\", value = 13 }} ]\n"
    );
    let e = input_error("w.toml", &late, &[]);
    assert!(e.contains("quota.request_close_hour = 13.0 on 2024-01-10 is after the allocation"), "{e}");
    let shut = format!(
        "{base}request_open_hour = [ {{ from = \"2024-01-01\", value = 0 }}, {{ from = \"2024-01-20\", value = 12 }} ]\n"
    );
    let e = input_error("w.toml", &shut, &[]);
    assert!(e.contains("quota.request_open_hour = 12.0 on 2024-01-20 does not open before the window closes"), "{e}");
    // A window that closes earlier from a date: a group registered at 06:00 is eligible the same day
    // before the change (window to 12:00) and the next day after it (window to 24:00 the day before).
    let s = scenario(&format!(
        "{base}unit = \"groups\"\nrequest_open_hour = -12\nrequest_close_hour = [ {{ from = \"2024-01-01\", value = 11 }}, {{ from = \"2024-01-10\", value = 0 }} ]\n"
    ));
    assert_eq!(
        s.quota.request_window_text(s.start),
        "from 12:00 the day before to 11:00; from 2024-01-10, from 12:00 to 24:00 the day before"
    );
}

/// Port shares that change on a date split each day's quota by that day's shares; shares that do
/// not sum to 1 on some date are refused with that date.
#[test]
fn port_shares_by_date_split_each_day_by_its_own_shares() {
    let text = r#"[scenario]
name = "split"
start = "2024-01-01"
end = "2024-01-05"
[quota]
daily = 100
[[ports]]
id = "a"
share = [ { from = "2024-01-01", value = 0.25 }, { from = "2024-01-03", value = 0.75 } ]
[[ports]]
id = "b"
share = [ { from = "2024-01-01", value = 0.75 }, { from = "2024-01-03", value = 0.25 } ]
"#;
    let r = &replicate(&scenario(text), 1)[0];
    let quota = |p: usize, d: usize| r.port_daily.as_ref().unwrap().get(p, borderq::model::PortSeries::Quota, d);
    assert_eq!([quota(0, 0), quota(0, 2), quota(1, 0), quota(1, 3)], [25, 75, 75, 25]);
    let bad = text.replace("{ from = \"2024-01-03\", value = 0.25 }", "{ from = \"2024-01-03\", value = 0.5 }");
    let e = input_error("split.toml", &bad, &[]);
    assert!(e.contains("makes the shares of the ports sum to 1.25 on 2024-01-03"), "{e}");
}

/// Times are kept to the second, so an allocation hour that rounds to 24:00 would fall on the next
/// day: it is refused with the last hour allowed, and the last hour allowed runs.
#[test]
fn an_allocation_hour_that_rounds_to_midnight_is_refused() {
    let e = input_error("idle.toml", IDLE, &["quota.allocation_hour=23.9999"]);
    assert!(e.contains("quota.allocation_hour = 23.9999 is out of range"), "{e}");
    assert!(e.contains("an hour in [0, 23.99986] (before 23:59:59.5"), "{e}");
    let s = scenario(&IDLE.replace("daily = 0", "daily = 0\nallocation_hour = 23.99986"));
    let r = &replicate(&s, 1)[0];
    assert_eq!(r.daily.value(Series::RequestsGroups, 0), 500.0);
}

//! Reading the sources of groups: `[initial]`, `[[arrivals]]`, `[[caravans]]` and
//! `[caravan_process]`.

use chrono::NaiveDate;

use super::laws::{Role, dist};
use super::ports::weights;
use super::values::{Result, Tab, array_of, bad, date, integer, name_or, probability, ranged, schedule};
use crate::scenario::dist::Dist;
use crate::scenario::schema;
use crate::scenario::tree::Source;
use crate::scenario::types::*;

/// `[initial]`, the backlog.
pub(super) fn initial(src: &Source, top: &mut Tab, ports: &[Port]) -> Result<Option<Initial>> {
    top.take("initial")
        .map(|n| {
            let mut t = Tab::of(src, "initial", n, schema::INITIAL)?;
            let g = t.required("groups", "groups = <number of groups waiting at the start>")?;
            let groups = integer(src, "initial.groups", g, 0, 100_000_000, "a whole number")? as u64;
            let registered_days_ago = t
                .take("registered_days_ago")
                .map(|n| dist(src, "initial.registered_days_ago", n, Role::Duration))
                .transpose()?
                .unwrap_or(Dist::constant(0.0));
            let group_size = group_size(src, &mut t)?;
            let ports = weights(src, &mut t, ports)?;
            t.finish()?;
            Ok(Initial { groups, registered_days_ago, group_size, ports })
        })
        .transpose()
}

/// `[[arrivals]]`.
pub(super) fn arrivals(src: &Source, top: &mut Tab, start: NaiveDate, ports: &[Port]) -> Result<Vec<ArrivalStream>> {
    array_of(src, top, "arrivals", schema::ARRIVALS, |t, i| {
        let name = name_or(src, t, &format!("arrivals {}", i + 1))?;
        let r = t.required("groups_per_day", "groups_per_day = <groups per day or a schedule>")?;
        let key = t.key("groups_per_day");
        let groups_per_day =
            schedule(src, &key, r, start, &|k, n| ranged(src, k, n, 0.0, 1e8, "a number of groups per day"))?;
        let group_size = group_size(src, t)?;
        let travel_days =
            t.take("travel_days").map(|n| dist(src, &t.key("travel_days"), n, Role::Duration)).transpose()?;
        let register_share =
            t.take("register_share").map(|n| probability(src, &t.key("register_share"), n)).transpose()?;
        let ports = weights(src, t, ports)?;
        Ok(ArrivalStream {
            name,
            groups_per_day,
            group_size,
            travel_days: travel_days.unwrap_or(Dist::constant(0.0)),
            register_share: register_share.unwrap_or(1.0),
            ports,
        })
    })
}

/// `[[caravans]]`.
pub(super) fn caravans(src: &Source, top: &mut Tab, ports: &[Port]) -> Result<Vec<Caravan>> {
    array_of(src, top, "caravans", schema::CARAVANS, |t, i| {
        let name = name_or(src, t, &format!("caravan {}", i + 1))?;
        let d = t.required("depart", "depart = \"YYYY-MM-DD\"")?;
        let depart = date(src, &t.key("depart"), d)?;
        let p = t.required("persons", "persons = <number of persons departing>")?;
        let persons = integer(src, &t.key("persons"), p, 0, 10_000_000, "a whole number")? as u64;
        let (distance_km, pace_km_per_day, dropout, group_size) = walk(src, t)?;
        let ports = weights(src, t, ports)?;
        Ok(Caravan { name, depart, persons, distance_km, pace_km_per_day, dropout, group_size, ports })
    })
}

/// `[caravan_process]`.
pub(super) fn caravan_process(src: &Source, top: &mut Tab, ports: &[Port]) -> Result<Option<CaravanProcess>> {
    top.take("caravan_process")
        .map(|n| {
            let mut t = Tab::of(src, "caravan_process", n, schema::CARAVAN_PROCESS)?;
            let pm = t.required("per_month", "per_month = <caravans per month>")?;
            let per_month =
                ranged(src, "caravan_process.per_month", pm, 0.0, 1000.0, "a number of caravans per month")?;
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
            let ports = weights(src, &mut t, ports)?;
            t.finish()?;
            Ok(CaravanProcess { per_month, persons, distance_km, pace_km_per_day, dropout, group_size, ports })
        })
        .transpose()
}

/// `group_size` of a source (1 person when absent).
fn group_size(src: &Source, t: &mut Tab) -> Result<Dist> {
    Ok(t.take("group_size")
        .map(|n| dist(src, &t.key("group_size"), n, Role::GroupSize))
        .transpose()?
        .unwrap_or(Dist::constant(1.0)))
}

/// The keys shared by explicit and random caravans.
fn walk(src: &Source, t: &mut Tab) -> Result<(f64, Dist, f64, Dist)> {
    let d = t.required("distance_km", "distance_km = <distance to the registration zone>")?;
    let distance_km = ranged(src, &t.key("distance_km"), d, 0.0, 1e5, "a distance in km")?;
    let p = t.required("pace_km_per_day", "pace_km_per_day = { dist = …, min = … }")?;
    let pace = dist(src, &t.key("pace_km_per_day"), p, Role::Pace)?;
    let dropout = t.take("dropout").map(|n| probability(src, &t.key("dropout"), n)).transpose()?.unwrap_or(0.0);
    let size = group_size(src, t)?;
    Ok((distance_km, pace, dropout, size))
}

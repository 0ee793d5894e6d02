//! The end of a replication: the groups still in the system are counted (and reported) as censored,
//! the invariants are checked, and the result is assembled.
//!
//! The invariants hold exactly in every replication; a failure is a bug in borderq, never bad input,
//! and panics with the replication index:
//! - conservation of groups and of persons: initial + arrived = processed + no-shows + abandoned +
//!   waiting + selected + booked at the end;
//! - the pool's size agrees with the groups' states;
//! - the sample-path Little's law: ∫ pool dt = Σ time spent waiting, both over `[warmup, end)`;
//! - each of these at every port (one implicit port without `[[ports]]`), where conservation
//!   counts the moves in and out, and the moves balance; the whole is then the sum of its ports
//!   (`measure.rs`), checked as above.
//!
//! The allocation checks its own invariant (never more than the quota, used + unused = quota) each
//! day, in `allocation.rs`.

use super::Sim;
use super::groups::{Occupant, State};
use crate::engine::time::SimTime;
use crate::model::observer::{Observer, Outcome};
use crate::model::result::{Counts, Measures, REQUEST_SCALE, RepResult, WindowWaits};

impl Sim<'_> {
    /// Counts the censored groups, checks the invariants and returns the replication's result.
    pub(super) fn finish(mut self, obs: &mut dyn Observer) -> RepResult {
        self.censor(obs);
        let ports = self.port_results();
        self.whole_from_ports();
        check_invariants(&self.tally.counts, self.pool.len() as u64, self.replication);
        assert_eq!(
            self.tally.path.level().0,
            self.pool.len() as u64,
            "pool path out of step in replication {}",
            self.replication
        );
        // Sample-path Little's law: ∫ pool dt = Σ time spent waiting, both over [warmup, end).
        assert_eq!(
            self.tally.integral_groups, self.tally.waiting_time_sum,
            "Little's law (sample path) violated in replication {}",
            self.replication
        );

        let window = self.tally.window_length() as f64;
        let (wait, booking_wait) = self.whole_wait_stats();
        let per_day = per_day_of(self.m.scenario.report_days());
        let t = &mut self.tally;
        let requests = (per_day(t.counts.requests_groups), per_day(t.counts.requests_persons));
        let whole = Measures {
            counts: std::mem::take(&mut t.counts),
            mean_waiting_groups: t.integral_groups as f64 / window,
            mean_waiting_persons: t.integral_persons as f64 / window,
            mean_requests_groups: requests.0,
            mean_requests_persons: requests.1,
            max_waiting_groups: t.path.max_groups,
            max_waiting_persons: t.path.max_persons,
            wait,
            booking_wait,
            waiting_integral: t.integral_groups,
            waiting_time_sum: t.waiting_time_sum,
            booking_windows: t
                .windows
                .iter_mut()
                .map(|(_, _, log, within)| WindowWaits { wait: log.stats(), within_56_days: *within })
                .collect(),
        };
        let result = RepResult {
            replication: self.replication,
            seed: self.seed,
            whole,
            wait_bins: exact_size(std::mem::take(&mut t.wait_bins)),
            booking_wait_bins: exact_size(std::mem::take(&mut t.booking_wait_bins)),
            daily: std::mem::take(&mut t.daily),
            cohorts: self.cohorts.outcomes(),
            caravan_windows: std::mem::take(&mut self.caravan_windows),
            port_daily: (!self.m.scenario.ports.is_empty())
                .then(|| Box::new(std::mem::take(&mut self.port_tally.daily))),
            ports,
            periods: Vec::new(),
        };
        self.give_back();
        result
    }

    /// Counts the groups still waiting, selected or booked at the horizon, closes the waiting spells
    /// of those waiting, and reports them all, by id, when records are wanted.
    fn censor(&mut self, obs: &mut dyn Observer) {
        let horizon = self.m.horizon;
        let mut censored: Vec<(u64, u32, Outcome, u8, SimTime)> = Vec::new();
        let occupants: Vec<Occupant> = self.groups.occupants().collect();
        for o in occupants {
            let never_booked = o.state != State::Booked && !self.groups.was_booked(o.slot);
            let (size, registered_at, port) = if o.state == State::Waiting {
                // A waiting group's data is in its pool entry (it may have no group record).
                let e = *self.pool.entry(o.pos);
                self.end_spell(&e, horizon);
                (e.size, e.registered_at, e.port)
            } else {
                (o.held.size, o.held.registered_at, o.held.port)
            };
            let c = self.counts_of(port);
            let (groups, persons, outcome) = match o.state {
                State::Waiting => (&mut c.final_waiting_groups, &mut c.final_waiting_persons, Outcome::CensoredWaiting),
                State::Selected => {
                    (&mut c.final_selected_groups, &mut c.final_selected_persons, Outcome::CensoredSelected)
                }
                State::Booked => (&mut c.final_booked_groups, &mut c.final_booked_persons, Outcome::CensoredBooked),
                State::Travelling | State::Free => unreachable!("not an occupant"),
            };
            *groups += 1;
            *persons += size as u64;
            if never_booked {
                self.cohorts.censored(registered_at, horizon, size);
            }
            censored.push((o.id, o.slot, outcome, size, registered_at));
        }
        if self.groups.keeps_times() {
            censored.sort_unstable_by_key(|c| c.0);
            for &(_, slot, outcome, size, registered_at) in &censored {
                obs.group(&self.groups.row(slot, outcome, horizon, size, registered_at));
            }
        }
    }
}

impl Sim<'_> {
    /// Closes every port's measurements and checks its invariants: conservation with moves, its
    /// pool against its path, its Little's law, and the moves balancing. Returns each port's result
    /// when the scenario declares ports (the implicit port's is the whole's).
    fn port_results(&mut self) -> Vec<Measures> {
        self.port_tally.close();
        let declared = !self.m.scenario.ports.is_empty();
        let r = self.replication;
        let window = self.port_tally.window_length() as f64;
        let per_day = per_day_of(self.m.scenario.report_days());
        let mut out = Vec::with_capacity(self.port_tally.ports.len());
        let mut moves = 0i64;
        let n = self.port_tally.ports.len();
        let paths: Vec<u64> = (0..n).map(|p| self.port_tally.path_groups(p)).collect();
        let pools: Vec<u64> = self.pool.ports.iter().map(|p| p.len() as u64).collect();
        let mut windows: Vec<Vec<WindowWaits>> = vec![Vec::new(); n];
        for (_, _, p, log, within) in &mut self.port_tally.windows {
            windows[*p as usize].push(WindowWaits { wait: log.stats(), within_56_days: *within });
        }
        for (p, m) in self.port_tally.ports.iter_mut().enumerate() {
            let c = &m.counts;
            let moved_in = (c.moved_in_groups, c.moved_in_persons);
            let moved_out = (c.moved_out_groups, c.moved_out_persons);
            let mut whole = c.clone();
            whole.arrived_groups += moved_in.0;
            whole.arrived_persons += moved_in.1;
            whole.abandoned_groups += moved_out.0;
            whole.abandoned_persons += moved_out.1;
            check_invariants(&whole, pools[p], r);
            assert_eq!(paths[p], pools[p], "port {p}'s pool path out of step in replication {r}");
            assert_eq!(
                m.integral_groups as i64, m.spells,
                "Little's law (sample path) violated at port {p} in replication {r}"
            );
            moves += c.moved_in_persons as i64 - c.moved_out_persons as i64;
            if !declared {
                continue;
            }
            out.push(Measures {
                counts: c.clone(),
                mean_waiting_groups: m.integral_groups as f64 / window,
                mean_waiting_persons: m.integral_persons as f64 / window,
                mean_requests_groups: per_day(c.requests_groups),
                mean_requests_persons: per_day(c.requests_persons),
                max_waiting_groups: m.path.max_groups,
                max_waiting_persons: m.path.max_persons,
                wait: m.waits.stats(),
                booking_wait: m.booking_waits.stats(),
                waiting_integral: m.integral_groups,
                waiting_time_sum: m.spells as u128,
                booking_windows: std::mem::take(&mut windows[p]),
            });
        }
        assert_eq!(moves, 0, "moves between ports do not balance in replication {r}");
        out
    }
}

/// `v` without spare capacity: a run keeps every replication's result until it writes its files.
fn exact_size<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

/// Conservation of groups and persons, and the pool against the groups' states.
fn check_invariants(c: &Counts, pool_len: u64, replication: u64) {
    assert_eq!(
        c.initial_groups + c.arrived_groups,
        c.processed_groups
            + c.no_show_groups
            + c.abandoned_groups
            + c.final_waiting_groups
            + c.final_selected_groups
            + c.final_booked_groups,
        "conservation of groups violated in replication {replication}"
    );
    assert_eq!(
        c.initial_persons + c.arrived_persons,
        c.processed_persons
            + c.no_show_persons
            + c.abandoned_persons
            + c.final_waiting_persons
            + c.final_selected_persons
            + c.final_booked_persons,
        "conservation of persons violated in replication {replication}"
    );
    assert_eq!(c.final_waiting_groups, pool_len, "pool out of sync with group states");
}

/// Per reported day: a sum of expected requests (in hundredths) over `days` days, as requests a day.
fn per_day_of(days: usize) -> impl Fn(u64) -> f64 {
    move |x| x as f64 / REQUEST_SCALE / days.max(1) as f64
}

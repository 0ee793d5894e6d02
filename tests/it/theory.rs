//! borderq reduced to textbook queues, with tolerances from the replications' standard error.

use borderq::model::Series;

use crate::common::{mean_se, replicate, scenario};

/// Stationary distribution of Bailey's chain N' = max(N + A − Q, 0), A ~ Poisson(λ), by iterating the
/// transition on 0..max_n until the total variation change is below 1e-14. Returns E[N].
pub(crate) fn bailey_mean_pool_after_allocation(lambda: f64, q: usize) -> f64 {
    let a_max = (lambda + 20.0 * lambda.sqrt()) as usize + 20;
    let mut pmf = vec![0.0; a_max + 1];
    pmf[0] = (-lambda).exp();
    for k in 1..=a_max {
        pmf[k] = pmf[k - 1] * lambda / k as f64;
    }
    let max_n = 10 * q;
    let mut pi = vec![0.0; max_n + 1];
    pi[0] = 1.0;
    for _ in 0..100_000 {
        let mut next = vec![0.0; max_n + 1];
        for (n, p) in pi.iter().enumerate().filter(|(_, p)| **p > 1e-300) {
            for (a, pa) in pmf.iter().enumerate() {
                let j = (n + a).saturating_sub(q).min(max_n);
                next[j] += p * pa;
            }
        }
        let change: f64 = next.iter().zip(&pi).map(|(a, b)| (a - b).abs()).sum();
        pi = next;
        if change < 1e-14 {
            break;
        }
    }
    pi.iter().enumerate().map(|(n, p)| n as f64 * p).sum()
}

fn bailey_scenario(lambda: f64, q: u32, days: u32) -> String {
    let end = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(days as u64);
    format!(
        "[scenario]\nname = \"b\"\nstart = \"2024-01-01\"\nend = \"{end}\"\nwarmup_days = 50\nseed = 7\n\
         [quota]\nunit = \"groups\"\ndaily = {q}\n[[arrivals]]\ngroups_per_day = {lambda}\n"
    )
}

/// Mean wait and time-average pool against Bailey's stationary values W = L/λ, L = E[N] + λ/2.
/// Tolerance: 4 standard errors of the mean over replications (each replication's mean is an average
/// over ~1,000 days, so replication means are close to normal and independent), which a correct
/// model fails with probability about 6e-5 per comparison.
fn check_bailey(lambda: f64, q: u32) {
    let en = bailey_mean_pool_after_allocation(lambda, q as usize);
    let l = en + lambda / 2.0;
    let w = l / lambda;
    let reps = replicate(&scenario(&bailey_scenario(lambda, q, 1050)), 24);
    let waits: Vec<f64> = reps.iter().map(|r| r.whole.wait.unwrap().mean).collect();
    let pools: Vec<f64> = reps.iter().map(|r| r.whole.mean_waiting_groups).collect();
    let (mw, sew) = mean_se(&waits);
    let (ml, sel) = mean_se(&pools);
    assert!((mw - w).abs() < 4.0 * sew, "λ={lambda}: simulated W {mw} ± {sew} vs Bailey {w}");
    assert!((ml - l).abs() < 4.0 * sel, "λ={lambda}: simulated L {ml} ± {sel} vs Bailey {l}");
    // L = λW (Little) on the same runs, up to edge effects of order 1/horizon.
    assert!((ml - lambda * mw).abs() / ml < 0.01, "Little: L {ml} vs λW {}", lambda * mw);
}

#[test]
fn bailey_chain_reproduces_the_published_values() {
    // Bailey's chain: for λ = 90, Q = 100, W = 0.51233 and the time-average pool is 46.110; for λ = 95, W = 0.55345.
    let w90 = (bailey_mean_pool_after_allocation(90.0, 100) + 45.0) / 90.0;
    let w95 = (bailey_mean_pool_after_allocation(95.0, 100) + 47.5) / 95.0;
    assert!((w90 - 0.51233).abs() < 5e-5, "{w90}");
    assert!((w95 - 0.55345).abs() < 5e-5, "{w95}");
}

#[test]
fn bailey_bulk_service_lambda_90() {
    check_bailey(90.0, 100);
}

#[test]
fn bailey_bulk_service_lambda_95() {
    check_bailey(95.0, 100);
}

/// Overloaded with exponential reneging: in stationarity the abandonment rate N̄/θ equals λ − Q
/// (everything not served reneges; the pool never runs below Q), so the time-average pool is θ(λ − Q).
#[test]
fn overloaded_pool_approaches_the_fluid_limit() {
    let (lambda, q, theta) = (200.0, 100.0, 20.0);
    let toml = format!(
        "[scenario]\nname = \"r\"\nstart = \"2024-01-01\"\nend = \"2025-08-01\"\nwarmup_days = 200\nseed = 3\n\
         [quota]\nunit = \"groups\"\ndaily = {q}\n[[arrivals]]\ngroups_per_day = {lambda}\n\
         [abandonment]\npatience_days = {{ dist = \"exponential\", mean = {theta} }}\n"
    );
    let reps = replicate(&scenario(&toml), 12);
    let pools: Vec<f64> = reps.iter().map(|r| r.whole.mean_waiting_groups).collect();
    let (m, se) = mean_se(&pools);
    let fluid = theta * (lambda - q);
    assert!((m - fluid).abs() < 4.0 * se + 1e-3 * fluid, "pool {m} ± {se} vs θ(λ−Q) = {fluid}");
    for r in &reps {
        let unused_after_first_days: f64 = r.daily.get(Series::UnusedSlots)[5..].iter().sum();
        assert_eq!(unused_after_first_days, 0.0, "an overloaded system uses every slot once the pool has filled");
    }
}

/// Conservation and the sample-path Little's law hold exactly in every replication of the default
/// scenario (they are also asserted inside the engine; this checks the reported numbers).
#[test]
fn conservation_and_sample_path_littles_law_on_the_default_scenario() {
    let s = borderq::scenario::bundled("may-2024-outage").unwrap().unwrap();
    for r in replicate(&s, 3) {
        let c = &r.whole.counts;
        assert_eq!(
            c.initial_groups + c.arrived_groups,
            c.processed_groups
                + c.no_show_groups
                + c.abandoned_groups
                + c.final_waiting_groups
                + c.final_selected_groups
                + c.final_booked_groups
        );
        assert_eq!(
            c.initial_persons + c.arrived_persons,
            c.processed_persons
                + c.no_show_persons
                + c.abandoned_persons
                + c.final_waiting_persons
                + c.final_selected_persons
                + c.final_booked_persons
        );
        assert_eq!(r.whole.waiting_integral, r.whole.waiting_time_sum);
        let daily_integral: f64 = r.daily.get(Series::WaitingGroups).iter().sum();
        // Over the reported period (after the simulated history).
        let horizon = s.report_days() as f64;
        assert!((daily_integral / horizon - r.whole.mean_waiting_groups).abs() < 1e-6 * r.whole.mean_waiting_groups);
        // The quota is never exceeded: selected persons + unused = the day's quota (persons unit).
        for d in 0..s.report_days() {
            let v = |s: Series| r.daily.get(s)[d];
            assert_eq!(
                v(Series::SelectedPersons) + v(Series::UnusedSlots),
                v(Series::Quota),
                "day {d}: selected + unused = quota"
            );
        }
        assert!(c.booked_groups > 0 && c.abandoned_groups > 0 && c.missed_confirmations > 0);
    }
}

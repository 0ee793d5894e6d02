//! Calibration: the values of uncertain parameters that bring the model nearest to targets.
//!
//! The loss is Σ over targets of the squared standardised difference between the model's mean over
//! the replications and the target (`((model − value) / scale)²`), nothing on the feasible side of
//! a bound. Every evaluation runs the same replications on the same seeds (common random numbers),
//! so the loss is a smooth function of the parameters rather than a noisy one. Nelder–Mead (the
//! `argmin` crate) searches the unit cube of the parameters' ranges from its centre, within a
//! budget of evaluations. Each parameter's uncertainty is its profile: the loss along the parameter
//! with the others at the fit, and the values within 3.84 of the minimum (a likelihood-ratio 95 %
//! interval, reading the loss as −2 log-likelihood of normal target errors). A profile that stays
//! within 3.84 over the whole range says the targets cannot pin the parameter down.

pub mod targets;

use std::collections::BTreeMap;
use std::sync::Mutex;

use argmin::core::{CostFunction, Executor};
use argmin::solver::neldermead::NelderMead;

use crate::model::Model;
use crate::output::fmt_f64;
use crate::run::{self, RunOptions};
use crate::scenario::{self, RunFlags, Scenario, ScenarioText};
use crate::sensitivity::{Param, ParamKind};
pub use targets::{Bound, Target, TargetMetric};

/// The loss rise that bounds a profile interval (χ²₁ at 95 %).
pub const PROFILE_RISE: f64 = 3.84;
/// Points on each parameter's profile.
pub const PROFILE_POINTS: usize = 11;
/// The largest replication noise of the loss at the fit (its standard deviation over bootstrap
/// resamples of the replications) under which a profile interval is read: a quarter of
/// [`PROFILE_RISE`]. Above it, the profile's rise of 3.84 cannot be told from noise.
pub const NOISE_LIMIT: f64 = PROFILE_RISE / 4.0;
/// Bootstrap resamples of the replications for the loss's noise.
const NOISE_RESAMPLES: usize = 500;

/// Evaluations by the parameters' `--set` values: the loss and each target's model value.
pub type Cache = BTreeMap<Vec<String>, (f64, Vec<f64>)>;

/// One evaluation: the parameters' values, the loss and each target's model value.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// What it was for: `start`, `search` or `profile:<path>`.
    pub purpose: String,
    /// The `--set` values of the parameters.
    pub values: Vec<String>,
    /// The loss.
    pub loss: f64,
    /// Each target's model value (mean over the replications).
    pub model: Vec<f64>,
}

/// A calibration problem: the scenario, the fitted parameters (ranges only) and the targets.
pub struct Problem<'a> {
    /// The scenario text and the overrides for every evaluation.
    pub text: &'a ScenarioText,
    /// `--set` overrides.
    pub sets: &'a [String],
    /// `--seed` and `--replications`.
    pub flags: RunFlags,
    /// The fitted parameters.
    pub params: &'a [Param],
    /// The targets.
    pub targets: &'a [Target],
    /// Evaluations already made (resumed from `calibration.csv`), by their values.
    pub cache: Mutex<Cache>,
    /// Every evaluation, in order, as made or found in the cache.
    pub log: Mutex<Vec<Evaluation>>,
    /// Called with each new evaluation (to write `calibration.csv` as the search goes).
    pub on_evaluation: &'a (dyn Fn(&[Evaluation]) + Sync),
    /// How the replications run.
    pub opts: &'a RunOptions<'a>,
    /// The most evaluations the search may make.
    pub budget: usize,
}

/// The search's error when the budget is spent (the best point so far is the fit).
const BUDGET_SPENT: &str = "the budget of evaluations is spent";

/// Bisection steps per end of a profile interval.
const BISECTION_STEPS: usize = 6;

/// The most evaluations the profiles of `k` parameters make: each a grid of [`PROFILE_POINTS`]
/// and 6 bisection steps at each end.
pub fn profile_evaluations(k: usize) -> usize {
    k * (PROFILE_POINTS + 2 * BISECTION_STEPS)
}

/// The smallest budget for `k` parameters: the start, a simplex of `k + 1` points more, the fit
/// and the profiles.
pub fn min_budget(k: usize) -> usize {
    1 + (k + 1) + 1 + profile_evaluations(k)
}

/// Checks `budget` (the total of evaluations, profiles included) for `k` parameters.
pub fn check_budget(budget: usize, k: usize) -> Result<(), String> {
    let least = min_budget(k);
    if budget < least {
        return Err(format!(
            "--budget {budget} is too small: it counts every evaluation, and with {k} parameter{} the profiles alone take up to {} and the search at least {}: give --budget {least} or more",
            if k == 1 { "" } else { "s" },
            profile_evaluations(k),
            k + 2
        ));
    }
    Ok(())
}

impl std::fmt::Debug for Problem<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Problem").field("params", &self.params).field("targets", &self.targets).finish_non_exhaustive()
    }
}

impl Problem<'_> {
    /// The `--set` values at unit coordinates `u` (clamped to the cube).
    pub fn values(&self, u: &[f64]) -> Vec<String> {
        self.params.iter().zip(u).map(|(p, x)| p.value(x.clamp(0.0, 1.0))).collect()
    }

    /// The scenario at these values.
    pub fn scenario(&self, values: &[String]) -> Result<Scenario, String> {
        let mut all = self.sets.to_vec();
        all.extend(self.params.iter().zip(values).map(|(p, v)| format!("{}={v}", p.path)));
        let mut s = scenario::parse(self.text, &all).map_err(|e| e.to_string())?;
        self.flags.apply(&mut s);
        Ok(s)
    }

    /// Evaluates the loss at these values (from the cache if already made), logging it.
    pub fn evaluate(&self, purpose: &str, values: Vec<String>) -> Result<f64, String> {
        let cached = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&values).cloned();
        let (loss, model) = match cached {
            Some(c) => c,
            None => {
                let per_rep = self.per_replication(&values)?;
                let model: Vec<f64> = per_rep.iter().map(|xs| finite_mean(xs.iter())).collect();
                let loss = self.loss_of(&model);
                self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(values.clone(), (loss, model.clone()));
                (loss, model)
            }
        };
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.push(Evaluation { purpose: purpose.to_string(), values, loss, model });
        (self.on_evaluation)(&log);
        Ok(loss)
    }
}

impl Problem<'_> {
    /// Each target's model value in each replication at these values (NaN where a replication has
    /// none, such as a window without bookings).
    fn per_replication(&self, values: &[String]) -> Result<Vec<Vec<f64>>, String> {
        let s = self.scenario(values)?;
        let m = Model::new(&s).measuring(self.targets.iter().map(Target::measure).collect());
        let reps = run::replications(&m, s.replications as u64, self.opts, None).map_err(|e| e.to_string())?;
        Ok(self
            .targets
            .iter()
            .map(|t| reps.iter().map(|r| r.period(&t.measure()).unwrap_or(f64::NAN)).collect())
            .collect())
    }

    /// The loss of these model values, one per target.
    fn loss_of(&self, model: &[f64]) -> f64 {
        self.targets.iter().zip(model).map(|(t, m)| t.loss(*m)).sum()
    }

    /// The replication noise of the loss at these values: its standard deviation over
    /// 500 bootstrap resamples of the replications (each resample draws R
    /// replications with replacement, the same for every target; a fixed seed).
    pub fn loss_noise(&self, values: &[String]) -> Result<f64, String> {
        use rand::{RngExt, SeedableRng};
        let per_rep = self.per_replication(values)?;
        let r = per_rep.first().map_or(0, Vec::len);
        if r < 2 {
            return Ok(f64::INFINITY);
        }
        let mut rng = crate::engine::rng::StreamRng::seed_from_u64(0x6c6f_7373);
        let losses: Vec<f64> = (0..NOISE_RESAMPLES)
            .map(|_| {
                let pick: Vec<usize> = (0..r).map(|_| rng.random_range(0..r)).collect();
                let model: Vec<f64> = per_rep.iter().map(|xs| finite_mean(pick.iter().map(|&i| &xs[i]))).collect();
                self.loss_of(&model)
            })
            .collect();
        Ok(crate::stats::Summary::of(&losses).sd)
    }
}

/// The mean of the finite values, or NaN if there are none.
fn finite_mean<'a>(xs: impl Iterator<Item = &'a f64>) -> f64 {
    let (sum, n) = xs.filter(|x| x.is_finite()).fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { f64::NAN } else { sum / n as f64 }
}

/// A point of the unit cube as Nelder–Mead moves it: element-wise sums and differences, and a
/// product with a scalar, exactly as argmin's own `Vec<f64>` arithmetic (which would pull OS
/// randomness into the tree through its `rand` feature).
#[derive(Debug, Clone, PartialEq)]
struct Point(Vec<f64>);

impl argmin_math::ArgminAdd<Point, Point> for Point {
    fn add(&self, other: &Point) -> Point {
        assert_eq!(self.0.len(), other.0.len());
        Point(self.0.iter().zip(&other.0).map(|(a, b)| a + b).collect())
    }
}

impl argmin_math::ArgminSub<Point, Point> for Point {
    fn sub(&self, other: &Point) -> Point {
        assert_eq!(self.0.len(), other.0.len());
        Point(self.0.iter().zip(&other.0).map(|(a, b)| a - b).collect())
    }
}

impl argmin_math::ArgminMul<f64, Point> for Point {
    fn mul(&self, other: &f64) -> Point {
        Point(self.0.iter().map(|a| a * other).collect())
    }
}

/// The search's view of a problem: the loss at a point of the unit cube.
struct Search<'p, 'a>(&'p Problem<'a>);

impl CostFunction for Search<'_, '_> {
    type Param = Point;
    type Output = f64;

    fn cost(&self, u: &Point) -> Result<f64, argmin::core::Error> {
        let (u, problem) = (&u.0, self.0);
        // The search may use what the fit's evaluation and the profiles leave of the budget.
        let allowance = problem.budget.saturating_sub(1 + profile_evaluations(problem.params.len()));
        if problem.log.lock().unwrap_or_else(|e| e.into_inner()).len() >= allowance {
            return Err(argmin::core::Error::msg(BUDGET_SPENT));
        }
        // Outside the cube the loss is the clamped point's, plus a slope that leads back inside.
        let outside: f64 = u.iter().map(|x| (x - x.clamp(0.0, 1.0)).abs()).sum();
        let loss = problem.evaluate("search", problem.values(u)).map_err(argmin::core::Error::msg)?;
        Ok(loss + 1e3 * outside)
    }
}

/// A parameter's fitted value and its profile interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The parameter's path.
    pub path: String,
    /// The fitted value.
    pub value: f64,
    /// The profile interval's ends (range ends where the profile stays under the threshold).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Whether the profile stays within the threshold over the whole range (read only when the
    /// fit's profiles are [`Fit::resolved`]).
    pub identifiable: bool,
    /// Whether the fit lies at an end of the range (within 2 % of it): the best value may lie beyond.
    pub at_edge: bool,
}

/// The result of a calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The loss at the start (the centre of the ranges) and at the fit.
    pub start_loss: f64,
    /// The loss at the fit.
    pub loss: f64,
    /// The fitted values as `--set` values.
    pub values: Vec<String>,
    /// Each parameter's fit and interval.
    pub fitted: Vec<Fitted>,
    /// Evaluations made by the search (not counting the profiles).
    pub evaluations: usize,
    /// The replication noise of the loss at the fit ([`Problem::loss_noise`]).
    pub loss_noise: f64,
    /// A profile found a lower loss than the search, and its point is the fit (the intervals were
    /// traced around the search's best).
    pub moved_by_profile: bool,
}

impl Fit {
    /// Whether the loss's replication noise at the fit is under [`NOISE_LIMIT`], so that the
    /// profile intervals and `identifiable` can be read at all.
    pub fn resolved(&self) -> bool {
        self.loss_noise <= NOISE_LIMIT
    }
}

/// Checks that every parameter is a range (levels cannot be fitted) and every end a valid scenario.
pub fn check_params(text: &ScenarioText, sets: &[String], params: &[Param]) -> Result<(), String> {
    Param::check_distinct(params, "--fit")?;
    for p in params {
        if let ParamKind::Levels(_) = p.kind {
            return Err(format!("--fit {}: levels cannot be fitted: expected a range PATH=LOW:HIGH", p.spec()));
        }
        p.check(text, sets, "--fit")?;
    }
    // The size guard at every corner of the ranges (each parameter at an end), where the search
    // may go; with many parameters, the corners where all are at the same end.
    let k = params.len();
    let corners: Vec<Vec<f64>> = if k <= 8 {
        (0..1u32 << k).map(|c| (0..k).map(|i| f64::from((c >> i) & 1)).collect()).collect()
    } else {
        vec![vec![0.0; k], vec![1.0; k]]
    };
    for corner in corners {
        let mut all = sets.to_vec();
        all.extend(params.iter().zip(&corner).map(|(p, u)| format!("{}={}", p.path, p.value(*u))));
        if let Ok(s) = scenario::parse(text, &all)
            && let Some(problem) = s.scale_problem()
        {
            return Err(format!("at the corner {} of the ranges: {problem}", all[sets.len()..].join(" ")));
        }
    }
    Ok(())
}

/// Runs Nelder–Mead from the centre of the ranges until its simplex's losses agree within 1e-4 or
/// the budget of evaluations is spent, then each parameter's profile.
pub fn calibrate(problem: &Problem) -> Result<Fit, String> {
    let k = problem.params.len();
    let start = vec![0.5; k];
    let start_loss = problem.evaluate("start", problem.values(&start))?;
    let mut simplex = vec![Point(start.clone())];
    for i in 0..k {
        let mut v = start.clone();
        v[i] += 0.25;
        simplex.push(Point(v));
    }
    let solver = NelderMead::new(simplex).with_sd_tolerance(1e-4).map_err(|e| e.to_string())?;
    let searched = Executor::new(Search(problem), solver).configure(|s| s.max_iters(problem.budget as u64)).run();
    if let Err(e) = &searched
        && !e.to_string().contains(BUDGET_SPENT)
    {
        return Err(e.to_string());
    }
    // The best point the search evaluated (the solver's own best when it converged).
    let values = {
        let log = problem.log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().min_by(|a, b| a.loss.total_cmp(&b.loss)).map(|e| e.values.clone()).unwrap_or_default()
    };
    let best: Vec<f64> = problem.params.iter().zip(&values).map(|(p, v)| p.unit(v)).collect();
    let loss = problem.evaluate("fit", values.clone())?;
    let evaluations = problem.log.lock().unwrap_or_else(|e| e.into_inner()).len();
    let loss_noise = problem.loss_noise(&values)?;
    let mut fitted = Vec::with_capacity(k);
    for i in 0..k {
        fitted.push(profile(problem, &best, i, loss)?);
    }
    // The best point found is the fit: a profile point lower than the search's best replaces it.
    let lowest = {
        let log = problem.log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().filter(|e| e.loss < loss).min_by(|a, b| a.loss.total_cmp(&b.loss)).cloned()
    };
    let (values, loss, loss_noise, moved) = match lowest {
        Some(e) => {
            let noise = problem.loss_noise(&e.values)?;
            for (f, v) in fitted.iter_mut().zip(&e.values) {
                f.value = v.parse::<f64>().unwrap_or(f.value);
            }
            (e.values, e.loss, noise, true)
        }
        None => (values, loss, loss_noise, false),
    };
    Ok(Fit { start_loss, loss, values, fitted, evaluations, loss_noise, moved_by_profile: moved })
}

/// Parameter `i`'s profile: the loss over a grid of its range with the others at the fit, then the
/// ends of the region within [`PROFILE_RISE`] of the minimum, each refined by bisection between
/// the last grid point inside and the first outside.
fn profile(problem: &Problem, best: &[f64], i: usize, loss: f64) -> Result<Fitted, String> {
    let p = &problem.params[i];
    let purpose = format!("profile:{}", p.path);
    let at = |x: f64| -> Result<f64, String> {
        let mut u = best.to_vec();
        u[i] = x;
        problem.evaluate(&purpose, problem.values(&u))
    };
    let mut grid = Vec::with_capacity(PROFILE_POINTS + 1);
    for g in 0..PROFILE_POINTS {
        let x = g as f64 / (PROFILE_POINTS - 1) as f64;
        grid.push((x, at(x)?));
    }
    grid.push((best[i], loss));
    grid.sort_by(|a, b| a.0.total_cmp(&b.0));
    let min = grid.iter().map(|(_, l)| *l).fold(f64::INFINITY, f64::min);
    let limit = min + PROFILE_RISE;
    let centre = grid.iter().position(|(x, _)| *x == best[i]).unwrap_or(0);
    let edge = |step: isize| -> Result<f64, String> {
        let mut j = centre as isize;
        while j + step >= 0 && ((j + step) as usize) < grid.len() && grid[(j + step) as usize].1 <= limit {
            j += step;
        }
        let inside = grid[j as usize].0;
        let Some(&(outside, _)) = grid.get((j + step) as usize).filter(|_| j + step >= 0) else { return Ok(inside) };
        let (mut a, mut b) = (inside, outside);
        for _ in 0..BISECTION_STEPS {
            let m = 0.5 * (a + b);
            if at(m)? <= limit { a = m } else { b = m }
        }
        Ok(a)
    };
    let (lo, hi) = (edge(-1)?, edge(1)?);
    let num = |u: f64| p.value(u).parse::<f64>().unwrap_or(f64::NAN);
    Ok(Fitted {
        path: p.path.clone(),
        value: num(best[i]),
        low: num(lo),
        high: num(hi),
        identifiable: !(lo <= 0.0 && hi >= 1.0),
        at_edge: best[i] <= 0.02 || best[i] >= 0.98,
    })
}

/// `calibration.csv`: one row per evaluation: its number and purpose, the parameters' values, the
/// loss, and each target's model value.
pub fn calibration_csv(params: &[Param], targets: &[Target], log: &[Evaluation]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["evaluation".to_string(), "purpose".to_string()];
    header.extend(params.iter().map(|p| p.path.clone()));
    header.push("loss".into());
    header.extend(targets.iter().map(Target::label));
    w.write_record(&header).expect("in-memory write");
    for (i, e) in log.iter().enumerate() {
        let mut rec = vec![i.to_string(), e.purpose.clone()];
        rec.extend(e.values.iter().cloned());
        rec.push(fmt_f64(e.loss));
        rec.extend(e.model.iter().map(|x| fmt_f64(*x)));
        w.write_record(&rec).expect("in-memory write");
    }
    w.into_inner().expect("in-memory flush")
}

/// The evaluations of an earlier `calibration.csv` with the same columns, by their values.
pub fn read_cache(params: &[Param], targets: &[Target], text: &str) -> Cache {
    let mut out = BTreeMap::new();
    let expected = String::from_utf8(calibration_csv(params, targets, &[])).unwrap_or_default();
    if !text.starts_with(expected.trim_end()) {
        return out;
    }
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let k = params.len();
    for rec in r.records().flatten() {
        let values: Vec<String> = (2..2 + k).map(|i| rec[i].to_string()).collect();
        let num = |s: &str| if s.is_empty() { f64::NAN } else { s.parse().unwrap_or(f64::NAN) };
        let loss = num(&rec[2 + k]);
        let model: Vec<f64> = (3 + k..rec.len()).map(|i| num(&rec[i])).collect();
        out.insert(values, (loss, model));
    }
    out
}

//! Designs: Saltelli's scheme on Owen-scrambled Sobol' points (from `sobol_burley`), and Morris
//! trajectories on a grid of levels. A design is a list of points in the unit cube `[0, 1)^k`;
//! [`Param::value`](super::Param::value) maps a coordinate to a parameter's value.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use crate::engine::rng::StreamRng;

/// How the indices are estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// First-order and total Sobol' indices (Saltelli 2010, Jansen 1999).
    Sobol,
    /// Morris elementary effects: μ*, μ and σ.
    Morris,
}

impl Method {
    /// The command-line spelling.
    pub fn name(self) -> &'static str {
        match self {
            Method::Sobol => "sobol",
            Method::Morris => "morris",
        }
    }
}

/// A design: points in the unit cube, and what each point is in the scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The method the design is for.
    pub method: Method,
    /// Parameters (dimensions).
    pub k: usize,
    /// Base samples (Sobol) or trajectories (Morris).
    pub samples: usize,
    /// The grid levels (Morris; 0 for Sobol).
    pub levels: usize,
    /// The points, each `k` coordinates in `[0, 1]`.
    pub points: Vec<Vec<f64>>,
    /// What each point is: `A`, `B`, `AB1`… (Sobol, per base row) or `step0`, `step1`… (Morris,
    /// per trajectory), with the row or trajectory index.
    pub roles: Vec<(String, usize)>,
}

/// Saltelli's scheme with `n` base rows: for each row j the points A_j, B_j and AB_j^(i) (A_j with
/// coordinate i from B_j), i = 1..k, so `n (k + 2)` points. A and B are the first and last k
/// dimensions of a 2k-dimensional Owen-scrambled Sobol' sequence (scramble seed from `seed`),
/// skipping the first point, which sits at the cube's corner before scrambling.
pub fn saltelli(k: usize, n: usize, seed: u64) -> Design {
    let scramble = (seed ^ (seed >> 32)) as u32;
    let coord = |row: usize, dim: usize| sobol_burley::sample(row as u32 + 1, dim as u32, scramble) as f64;
    let mut points = Vec::with_capacity(n * (k + 2));
    let mut roles = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        let a: Vec<f64> = (0..k).map(|d| coord(j, d)).collect();
        let b: Vec<f64> = (0..k).map(|d| coord(j, k + d)).collect();
        points.push(a.clone());
        roles.push(("A".to_string(), j));
        points.push(b.clone());
        roles.push(("B".to_string(), j));
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            points.push(ab);
            roles.push((format!("AB{}", i + 1), j));
        }
    }
    Design { method: Method::Sobol, k, samples: n, levels: 0, points, roles }
}

/// Morris trajectories: `r` of them on a grid of `p` levels {0, 1/(p−1), …, 1}, with the step
/// Δ = p / (2 (p − 1)). Each starts at a random grid point whose coordinates are at most 1 − Δ and
/// moves each coordinate up by Δ once, in a random order: `r (k + 1)` points.
pub fn morris(k: usize, r: usize, p: usize, seed: u64) -> Design {
    let mut rng = StreamRng::seed_from_u64(seed ^ 0x6d6f_7272_6973);
    let delta = p as f64 / (2.0 * (p - 1) as f64);
    let start_levels: Vec<f64> =
        (0..p).map(|l| l as f64 / (p - 1) as f64).filter(|x| *x <= 1.0 - delta + 1e-12).collect();
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut roles = Vec::with_capacity(r * (k + 1));
    for t in 0..r {
        let mut x: Vec<f64> = (0..k).map(|_| start_levels[rng.random_range(0..start_levels.len())]).collect();
        let mut order: Vec<usize> = (0..k).collect();
        order.shuffle(&mut rng);
        points.push(x.clone());
        roles.push(("step0".to_string(), t));
        for (s, &i) in order.iter().enumerate() {
            x[i] += delta;
            points.push(x.clone());
            roles.push((format!("step{}:x{}", s + 1, i + 1), t));
        }
    }
    Design { method: Method::Morris, k, samples: r, levels: p, points, roles }
}

impl Design {
    /// Morris: the step Δ.
    pub fn delta(&self) -> f64 {
        self.levels as f64 / (2.0 * (self.levels as f64 - 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saltelli_points_share_coordinates_as_the_scheme_says() {
        let d = saltelli(3, 4, 7);
        assert_eq!(d.points.len(), 4 * 5);
        let (a, b, ab2) = (&d.points[0], &d.points[1], &d.points[3]);
        assert_eq!((ab2[0], ab2[1], ab2[2]), (a[0], b[1], a[2]));
        assert!(d.points.iter().flatten().all(|x| (0.0..1.0).contains(x)));
    }

    #[test]
    fn morris_trajectories_move_one_coordinate_by_delta_per_step() {
        let d = morris(3, 5, 4, 1);
        assert_eq!(d.points.len(), 5 * 4);
        let delta = d.delta();
        for t in 0..5 {
            for s in 0..3 {
                let (x, y) = (&d.points[t * 4 + s], &d.points[t * 4 + s + 1]);
                let moved: Vec<usize> = (0..3).filter(|i| x[*i] != y[*i]).collect();
                assert_eq!(moved.len(), 1);
                assert!((y[moved[0]] - x[moved[0]] - delta).abs() < 1e-12);
            }
        }
        assert!(d.points.iter().flatten().all(|x| (0.0..=1.0 + 1e-12).contains(x)));
    }
}

//! Sweep benchmark (issue 5). Run with `cargo bench --bench sweep`.
//!
//! `sweep/default-10x4/threads-{1,2}`: a 10-point grid (quota.daily = 1000:2125:125) × 4 replications
//! of the default scenario, every point's replications run as the CLI runs them (rayon over points,
//! replications nested), on a pool of 1 and of 2 threads: the ratio is the parallel speed-up.
//! The full 10 × 100 sweep of issue 5 is timed with the CLI in benches/README.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

use borderq::model::Model;
use borderq::run::{self, RunOptions};
use borderq::scenario::{self, ScenarioText};
use borderq::sweep::Plan;

fn sweep(c: &mut Criterion) {
    let bundled = scenario::BUNDLED.iter().find(|b| b.name == "may-2024-outage").expect("default scenario");
    let text = ScenarioText { label: "may-2024-outage".into(), text: bundled.text.into() };
    let plan = Plan::new(&text, &[], &["quota.daily=1000:2125:125".into()], None, Some(4), None).expect("valid grid");
    let models: Vec<Model> = plan.points.iter().map(Model::new).collect();
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        g.bench_function(format!("default-10x4/threads-{threads}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    let lines: Vec<String> = models
                        .par_iter()
                        .enumerate()
                        .map(|(i, m)| {
                            let reps = run::replications(m, 4, &RunOptions::default(), None).expect("not cancelled");
                            plan.point_line(i, &reps)
                        })
                        .collect();
                    black_box(lines)
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);

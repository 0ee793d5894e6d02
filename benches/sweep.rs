//! Sweep benchmark. Run with `cargo bench --bench sweep`.
//!
//! `sweep/default-10x4/threads-{1,2}`: a 10-point grid (quota.daily = 1000:2125:125) × 4 replications
//! of the default scenario, run by the library's point loop as the CLI runs it (rayon over points,
//! replications nested, each point's line to a sink), on a pool of 1 and of 2 threads: the ratio is
//! the parallel speed-up.
//! The full 10 × 100 sweep is timed with the CLI in benches/README.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Mutex;

use borderq::run::RunOptions;
use borderq::scenario::{self, ScenarioText};
use borderq::sweep::{self, Plan};

fn sweep(c: &mut Criterion) {
    let bundled = scenario::BUNDLED.iter().find(|b| b.name == "may-2024-outage").expect("default scenario");
    let text = ScenarioText { label: "may-2024-outage".into(), text: bundled.text.into() };
    let flags = scenario::RunFlags { seed: None, replications: Some(4) };
    let plan = Plan::new(&text, &[], &["quota.daily=1000:2125:125".into()], flags, None).expect("valid grid");
    let todo: Vec<usize> = (0..plan.grid.len()).collect();
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
        g.bench_function(format!("default-10x4/threads-{threads}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    let lines = Mutex::new(Vec::new());
                    let sink = |i: usize, line: &str, _ports: &str| {
                        lines.lock().expect("not poisoned").push((i, line.to_string()));
                        Ok(())
                    };
                    sweep::run_points(&plan, &todo, None, &RunOptions::default(), &sink).expect("not cancelled");
                    black_box(lines.into_inner().expect("not poisoned"))
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);

//! Engine benchmarks. Run with `cargo bench --bench engine`.
//!
//! - `replication/reference`: one replication of the real-scale reference model R
//!   (`benches/reference.toml`: 2,000 groups/day for 365 days, about 730,000 groups), one core.
//! - `replication/reference-8-ports`: one replication of R split into 8 equal ports with equal
//!   choice weights (`benches/reference-8-ports.toml`): the cost of ports.
//! - `replication/default`: one replication of the default scenario `may-2024-outage`.
//! - `scaling/rate`: one replication of R at 0.25×, 1× and 4× its arrival rate (and quota).
//! - `queue/hold`: the event queue under a hold model with 100,000 pending events (events per second).
//! - `allocation/pool-100k`: one day's allocation from a pool of 100,000 waiting groups.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};

use borderq::engine::rng::StreamRng;
use borderq::engine::{Event, EventQueue};
use borderq::model::{Model, NoRecords};
use borderq::scenario::{self, ScenarioText};

fn reference(sets: &[String]) -> Model {
    let text = ScenarioText { label: "benches/reference.toml".into(), text: include_str!("reference.toml").into() };
    Model::new(&scenario::parse(&text, sets).expect("reference scenario is valid"))
}

fn replication(c: &mut Criterion) {
    let mut g = c.benchmark_group("replication");
    g.sample_size(10);
    let r = reference(&[]);
    g.bench_function("reference", |b| b.iter(|| black_box(r.replicate(0, &mut NoRecords))));
    let text = ScenarioText {
        label: "benches/reference-8-ports.toml".into(),
        text: include_str!("reference-8-ports.toml").into(),
    };
    let r8 = Model::new(&scenario::parse(&text, &[]).expect("reference-8-ports scenario is valid"));
    g.bench_function("reference-8-ports", |b| b.iter(|| black_box(r8.replicate(0, &mut NoRecords))));
    let d = Model::new(&scenario::bundled("may-2024-outage").unwrap().unwrap());
    g.bench_function("default", |b| b.iter(|| black_box(d.replicate(0, &mut NoRecords))));
    g.finish();

    let mut g = c.benchmark_group("scaling");
    g.sample_size(10);
    for factor in [0.25, 1.0, 4.0] {
        let sets = [
            format!("arrivals.0.groups_per_day={}", 2000.0 * factor),
            format!("quota.daily={}", (1450.0 * factor) as u64),
        ];
        let m = reference(&sets);
        g.bench_with_input(BenchmarkId::new("rate", factor), &m, |b, m| {
            b.iter(|| black_box(m.replicate(0, &mut NoRecords)))
        });
    }
    g.finish();
}

/// The hold model: pop the earliest event, push one a random time later, with 100,000 pending —
/// the load of a real-scale replication (waiting groups' patience, appointments, arrivals).
fn queue(c: &mut Criterion) {
    let mut g = c.benchmark_group("queue");
    let pending = 100_000u64;
    let ops = 1_000_000u64;
    g.throughput(Throughput::Elements(ops));
    g.bench_function("hold", |b| {
        b.iter(|| {
            let mut rng = StreamRng::seed_from_u64(1);
            let mut q = EventQueue::new();
            for id in 0..pending {
                q.push(Event { time: rng.random_range(0..30 * 86_400), kind: 2, id, slot: id });
            }
            for id in pending..pending + ops {
                let e = q.pop().expect("pending");
                q.push(Event { time: e.time + rng.random_range(1..30 * 86_400), kind: 2, id, slot: e.slot });
            }
            black_box(q.len())
        })
    });
    g.finish();
}

/// A day's allocation from a pool of about 100,000 waiting groups: a scenario whose backlog holds
/// 100,000 groups and whose horizon is one day, so the replication is dominated by one allocation
/// (1,450 selections, half by seniority) plus building the pool.
fn allocation(c: &mut Criterion) {
    let mut g = c.benchmark_group("allocation");
    g.sample_size(20);
    let text = ScenarioText {
        label: "pool".into(),
        text: "[scenario]\nname = \"pool\"\nstart = \"2024-01-01\"\nend = \"2024-01-02\"\n\
               [quota]\ndaily = 1450\nseniority_share = 0.5\nrequest_probability = 0.9\n\
               [initial]\ngroups = 100000\nregistered_days_ago = { dist = \"uniform\", min = 0, max = 200 }\n\
               group_size = { dist = \"empirical\", values = [1, 2, 3, 4], weights = [4, 3, 2, 1] }\n"
            .into(),
    };
    let m = Model::new(&scenario::parse(&text, &[]).unwrap());
    g.bench_function("pool-100k", |b| b.iter(|| black_box(m.replicate(0, &mut NoRecords))));
    g.finish();
}

criterion_group!(benches, replication, queue, allocation);
criterion_main!(benches);

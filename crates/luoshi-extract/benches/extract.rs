//! Extraction speed: the Wuhan plan alone, and throughput on a large input made of many plans.
//! Run with `cargo bench -p luoshi-extract --bench extract`; results go in BENCHMARKS.md.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

fn wuhan(c: &mut Criterion) {
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(PLAN.len() as u64));
    group.bench_function("wuhan-2021", |b| {
        b.iter(|| luoshi_extract::extract(black_box(PLAN)))
    });
    group.finish();
}

/// About 3 MB: the plan 200 times over, each copy's tasks numbered on, as a province-wide
/// compilation of plans would be.
fn large(c: &mut Criterion) {
    let big = PLAN.repeat(200);
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(10);
    group.bench_function("wuhan-2021-x200", |b| {
        b.iter(|| luoshi_extract::extract(black_box(&big)))
    });
    group.finish();
}

criterion_group!(benches, wuhan, large);
criterion_main!(benches);

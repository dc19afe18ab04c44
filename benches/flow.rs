//! Loading and checking a flow of 10,000 steps: the designer's tools must stay instant.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mvx::flow;

/// A flow of `steps` choice steps, each with a screen, a prompt and three choices that
/// lead forward, back and to an end, like a long real flow.
fn generated_flow(steps: usize) -> String {
    let mut out = String::from("flow: generated\ntitle: A long generated flow\nsteps:\n");
    for i in 0..steps {
        let next = if i + 1 < steps {
            format!("step-{}", i + 1)
        } else {
            "done".into()
        };
        let back = format!("step-{}", i.saturating_sub(1));
        let _ = write!(
            out,
            "  step-{i}:\n    screen: |\n      +----------------+\n      | Screen {i:<8}|\n      +----------------+\n    \
             text: What do you do on step {i}?\n    choices:\n      - Go on -> {next}\n      - Go back -> {back}\n      \
             - {{ label: Give up, go: gave-up, key: g }}\n"
        );
    }
    out.push_str("  done:\n    end: success\n  gave-up:\n    end: abandoned\n");
    out.push_str("questions:\n  - id: ease\n    ask: How easy?\n    scale: { from: 1, to: 7 }\n");
    out
}

fn bench(c: &mut Criterion) {
    let source = generated_flow(10_000);
    let loaded = flow::load(&source).expect("the generated flow loads");
    assert!(
        flow::check::check(&loaded).is_empty(),
        "the generated flow is clean"
    );
    let mut group = c.benchmark_group("flow-10000-steps");
    group.sample_size(20);
    group.bench_function("load", |b| b.iter(|| flow::load(black_box(&source))));
    group.bench_function("check", |b| {
        b.iter(|| flow::check::check(black_box(&loaded)))
    });
    group.bench_function("load+check", |b| {
        b.iter(|| flow::load(black_box(&source)).map(|f| flow::check::check(&f)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

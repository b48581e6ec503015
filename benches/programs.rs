//! Whole programs under egret (the committed bench images at test sizes), on the JIT with
//! block chaining, on the JIT with every block exit returning to the dispatcher (`-d nochain`),
//! and on the reference interpreter. fib is call/return heavy: the difference between the first
//! two, divided by the dispatch count `--stats` reports, is the price of a dispatcher round trip
//! over a chained transition.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use std::process::{Command, Stdio};

fn run(extra: &[&str], image: &str, args: &[&str]) {
    let prog = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("guest-images/bin")
        .join(image);
    let st = Command::new(env!("CARGO_BIN_EXE_egret"))
        .arg("run")
        .args(extra)
        .arg(&prog)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("run egret");
    assert!(st.success(), "{image} failed under egret {extra:?}");
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("programs");
    let progs: &[(&str, &[&str])] = &[
        ("bench-fib", &["27"]),
        ("bench-sieve", &["2000000", "2"]),
        ("bench-sha", &["4"]),
        ("bench-nbody", &["100000"]),
    ];
    for (image, args) in progs {
        g.bench_function(format!("{image} jit"), |b| b.iter(|| run(&[], image, args)));
    }
    g.bench_function("bench-fib jit nochain", |b| {
        b.iter(|| run(&["-d", "nochain"], "bench-fib", &["27"]))
    });
    g.bench_function("bench-fib interp", |b| {
        b.iter(|| run(&["--engine", "interp"], "bench-fib", &["22"]))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);

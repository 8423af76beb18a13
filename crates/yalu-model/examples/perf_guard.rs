//! CI's performance guard for one replicate, robust on a loaded, shared machine: it never
//! compares a time with a fixed number. It times the baseline replicate and a fixed
//! reference workload (random draws, floating-point maths and table look-ups, like the
//! model's daily loops) alternately in the same process, takes the median of the ratios,
//! and fails if that ratio exceeds the stored one (`bench/replicate_ratio.txt`) by more
//! than 25%. Load slows both alike, so the ratio moves far less than either time: with
//! both cores saturated by other work the replicate took 6 times longer (300 ms instead of
//! 48) while the median ratio moved from 2.06 to 2.1-2.5. (The fastest replicate over the
//! fastest reference was tried and moved more, 1.5-3.2: the two minima fall at different
//! moments of contention.)
//!
//! `cargo run --profile guard -p yalu-model --example perf_guard` checks;
//! `... -- --bless` stores the ratio measured now (after an intended change in cost).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use yalu_model::run_replicate;
use yalu_scenario::{Registry, Scenario};

/// Rounds of (reference, replicate); the median ratio is kept.
const ROUNDS: usize = 31;
/// How much slower than the stored ratio a replicate may become.
const TOLERANCE: f64 = 1.25;

/// The reference: a fixed amount of work of the kind a replicate does.
fn reference() -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let table: Vec<f64> = (0..16_384).map(|i| f64::from(i).sqrt()).collect();
    let mut acc = 0.0;
    for _ in 0..400_000 {
        let u: f64 = rng.random();
        let i = rng.random_range(0..table.len());
        acc += (u * table[i]).ln_1p() + (-u).exp();
        if rng.random_bool(0.1) {
            acc = acc.round();
        }
    }
    acc
}

fn seconds(f: impl FnOnce()) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

fn main() -> std::process::ExitCode {
    let bless = std::env::args().any(|a| a == "--bless");
    let params = Scenario::baseline(&Registry::embedded())
        .expect("baseline is valid")
        .params;
    // Warm up caches and the allocator.
    black_box(reference());
    black_box(run_replicate(&params, 1, 0).expect("replicate runs"));
    let mut ratios = Vec::with_capacity(ROUNDS);
    let mut replicate_s = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let r = seconds(|| {
            black_box(reference());
        });
        let m = seconds(|| {
            black_box(run_replicate(&params, 1, round as u32).expect("replicate runs"));
        });
        ratios.push(m / r);
        replicate_s.push(m);
    }
    ratios.sort_by(f64::total_cmp);
    replicate_s.sort_by(f64::total_cmp);
    let ratio = ratios[ROUNDS / 2];
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/replicate_ratio.txt");
    println!(
        "replicate / reference: median {ratio:.3} (range {:.3}-{:.3}); replicate median {:.1} ms",
        ratios[0],
        ratios[ROUNDS - 1],
        replicate_s[ROUNDS / 2] * 1e3
    );
    if bless {
        std::fs::write(&path, format!("{ratio:.3}\n")).expect("writes the stored ratio");
        println!("stored in {}", path.display());
        return std::process::ExitCode::SUCCESS;
    }
    let stored: f64 = std::fs::read_to_string(&path)
        .expect("bench/replicate_ratio.txt exists (run with --bless)")
        .trim()
        .parse()
        .expect("a number");
    if ratio > stored * TOLERANCE {
        eprintln!(
            "a replicate got slower: ratio {ratio:.3} against the stored {stored:.3} (limit {:.3})",
            stored * TOLERANCE
        );
        std::process::ExitCode::FAILURE
    } else {
        println!("within {TOLERANCE} x the stored {stored:.3}");
        std::process::ExitCode::SUCCESS
    }
}

//! How fast the porter channel runs: one simulated year of the baseline, and the whole
//! nine-year baseline, per replicate. Agent-steps are porters x days.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::date;
use yalu_model::run_replicate;
use yalu_scenario::{Registry, Scenario};

fn porters(c: &mut Criterion) {
    let scenario = Scenario::baseline(&Registry::embedded()).expect("baseline is valid");
    let applicants: u64 = scenario
        .params
        .porter
        .sites
        .iter()
        .map(|s| u64::from(s.applicants))
        .sum();
    let mut group = c.benchmark_group("porter_channel");
    group.sample_size(20);

    let mut one_year = scenario.params.clone();
    one_year.first_day = date(2018, 1, 1);
    one_year.last_day = date(2018, 12, 31);
    group.throughput(Throughput::Elements(applicants * 365));
    group.bench_function("one_year_agent_steps", |b| {
        b.iter(|| run_replicate(&one_year, 1, 0).expect("replicate runs"))
    });

    let days = (scenario.params.last_day - scenario.params.first_day).get_days() as u64 + 1;
    group.throughput(Throughput::Elements(applicants * days));
    group.bench_function("baseline_2017_2025_agent_steps", |b| {
        b.iter(|| run_replicate(&scenario.params, 1, 0).expect("replicate runs"))
    });
    group.finish();
}

criterion_group!(benches, porters);
criterion_main!(benches);

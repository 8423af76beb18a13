//! How fast a replicate runs: one simulated year of the porter channel alone, and the
//! whole nine-year baseline with every channel.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::date;
use yalu_model::run_replicate;
use yalu_scenario::{Registry, Scenario};

fn porters(c: &mut Criterion) {
    let scenario = Scenario::baseline(&Registry::embedded()).expect("baseline is valid");
    let applicants: u64 = scenario
        .params
        .porter
        .iter()
        .flat_map(|p| &p.sites)
        .map(|s| u64::from(s.applicants))
        .sum();
    let mut group = c.benchmark_group("porter_channel");
    group.sample_size(20);

    // The porter channel alone for one year: agent-steps are porters x days.
    let mut one_year = scenario.params.clone();
    one_year.first_day = date(2018, 1, 1);
    one_year.last_day = date(2018, 12, 31);
    one_year.state_trade = None;
    one_year.households = None;
    one_year.couriers = None;
    one_year.diplomats = None;
    one_year.labour = None;
    one_year.maritime = None;
    group.throughput(Throughput::Elements(applicants * 365));
    group.bench_function("porters_one_year_agent_steps", |b| {
        b.iter(|| run_replicate(&one_year, 1, 0).expect("replicate runs"))
    });

    let days = (scenario.params.last_day - scenario.params.first_day).get_days() as u64 + 1;
    group.throughput(Throughput::Elements(applicants * days));
    // The whole baseline, every channel, 2017-2025 (throughput still counts porter-days).
    group.bench_function("baseline_2017_2025_all_channels", |b| {
        b.iter(|| run_replicate(&scenario.params, 1, 0).expect("replicate runs"))
    });
    group.finish();
}

criterion_group!(benches, porters);
criterion_main!(benches);

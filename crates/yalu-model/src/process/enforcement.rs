//! Chinese border enforcement.
//!
//! - **When**: first thing every day.
//! - **What**: E moves towards the scheduled level and takes a normal shock, kept in
//!   [0, 1]: `E' = E + k (E*(t) - E) + s z`. E raises seizure risk and lowers nightly
//!   capacity at every crossing (see `state_smuggling`, `livelihood`) and, with
//!   `[adaptation]`, the price of protection there.
//! - **Parameters**: `enforcement.schedule` (E*), `enforcement.reversion_per_day` (k),
//!   `enforcement.sigma_per_day` (s).
//! - **Ledger**: none.

use rand_distr::{Distribution, StandardNormal};

use crate::calendar::Day;
use crate::params::ModelParams;
use crate::streams::Rng;
use crate::world::World;

/// Moves today's enforcement level.
pub fn run(world: &mut World, params: &ModelParams, rng: &mut Rng, day: Day) {
    let Some(e) = &params.enforcement else {
        return;
    };
    let target = e.scheduled(world.calendar.date(day));
    let shock: f64 = StandardNormal.sample(rng);
    world.enforcement = (world.enforcement
        + e.reversion_per_day * (target - world.enforcement)
        + e.sigma_per_day * shock)
        .clamp(0.0, 1.0);
}

/// Seizure probability at a site for a mode whose base probability is `base` (the base
/// itself when the scenario models no enforcement).
pub fn seizure_probability(params: &ModelParams, base: f64, barrier: f64, enforcement: f64) -> f64 {
    params.enforcement.as_ref().map_or(base, |e| {
        (base * (1.0 + e.barrier_seizure_effect * barrier) * (1.0 + e.seizure_effect * enforcement))
            .min(1.0)
    })
}

//! Market prices at the border sites.
//!
//! - **When**: first thing every day.
//! - **What**: the log of each site's rice price reverts towards the long-run price and
//!   takes a normal shock: `ln p' = ln p + k (ln p* - ln p) + s z`.
//! - **Parameters**: `market.rice_price_cny_per_kg` (p*), `market.rice_price_reversion_per_day`
//!   (k), `market.rice_price_sigma_per_day` (s).
//! - **Ledger**: none (prices only).

use rand_distr::{Distribution, StandardNormal};

use crate::calendar::Day;
use crate::params::{ModelParams, SiteId};
use crate::streams::Rng;
use crate::world::World;

/// Moves every site's rice price one day and records it.
pub fn run(world: &mut World, params: &ModelParams, rng: &mut Rng, day: Day) {
    let market = &params.market;
    let long_run = market.rice_price_cny_per_kg.ln();
    let month = world.calendar.month_index(day);
    for (s, price) in world.rice_price_cny_per_kg.iter_mut().enumerate() {
        let shock: f64 = StandardNormal.sample(rng);
        let log_price = price.ln();
        *price = (log_price
            + market.rice_price_reversion_per_day * (long_run - log_price)
            + market.rice_price_sigma_per_day * shock)
            .exp();
        world
            .metrics
            .record_rice_price(month, SiteId(s as u16), *price);
    }
}

//! Market prices at the border sites.
//!
//! - **When**: first thing every day, from the supply observed up to yesterday.
//! - **What**: the log of each site's rice price reverts towards the long-run price and
//!   takes a normal shock: `ln p' = ln p + k (ln p* - ln p) + s z`. The essentials price
//!   answers to the shortfall of supply: `q = q0 (S0 / S)^e`, where S is the smoothed
//!   supply of essentials reaching the market (households' livelihood smuggling) and S0
//!   its level in normal times, capped at `essentials_price_cap_multiple` times q0 either
//!   way.
//! - **Parameters**: `market.rice_price_cny_per_kg` (p*), `rice_price_reversion_per_day`
//!   (k), `rice_price_sigma_per_day` (s), `essentials_price_elasticity` (e),
//!   `essentials_price_cap_multiple`; q0 is the essentials good's home price.
//! - **Ledger**: none (prices only).

use rand_distr::{Distribution, StandardNormal};

use crate::calendar::Day;
use crate::params::{ModelParams, SiteId};
use crate::streams::Rng;
use crate::world::World;

/// Moves every site's prices one day and records them.
pub fn run(world: &mut World, params: &ModelParams, rng: &mut Rng, day: Day) {
    let market = &params.market;
    let long_run = market.rice_price_cny_per_kg.ln();
    let normal_essentials = params.households.as_ref().map_or(f64::NAN, |h| {
        params.goods[h.good.0 as usize].home_price_cny_per_unit
    });
    let cap = market.essentials_price_cap_multiple;
    let month = world.calendar.month_index(day);
    let markets = &mut world.markets;
    for s in 0..markets.rice_price_cny_per_kg.len() {
        let shock: f64 = StandardNormal.sample(rng);
        let rice = &mut markets.rice_price_cny_per_kg[s];
        let log_price = rice.ln();
        *rice = (log_price
            + market.rice_price_reversion_per_day * (long_run - log_price)
            + market.rice_price_sigma_per_day * shock)
            .exp();

        let normal_supply = markets.essentials_normal_supply_kg_per_day[s];
        let essentials = if normal_supply > 0.0 {
            let shortfall =
                normal_supply / markets.essentials_supply_kg_per_day[s].max(f64::MIN_POSITIVE);
            (normal_essentials * shortfall.powf(market.essentials_price_elasticity))
                .clamp(normal_essentials / cap, normal_essentials * cap)
        } else {
            f64::NAN
        };
        markets.essentials_price_cny_per_kg[s] = essentials;
        let rice = *rice;
        world
            .metrics
            .record_prices(month, SiteId(s as u16), rice, essentials);
    }
}

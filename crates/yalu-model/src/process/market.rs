//! Market prices and the won's rates at the border sites.
//!
//! - **When**: first thing every day, from the flows observed up to yesterday; the
//!   foreign-money flows are read once a month, from the month just closed.
//! - **The won**: the log of each site's won-per-yuan rate r reverts towards a target and
//!   takes a normal shock: `ln r' = ln r + k_r (ln r* - ln r) + s_r z`, with
//!   `r* = r0 exp(a_F u_F - a_D u_D) m`. u_F is last month's shortfall of foreign money
//!   reaching the border markets (the value of exports smuggled across by porters and
//!   trading companies, households' pay for carrying state consignments, and the savings
//!   workers abroad bring home, `labour.rs`), u_D that
//!   of foreign money wanted for smuggled imports (households' essentials included);
//!   each against its level in the same calendar month of the first
//!   `fx_reference_months` (the normal level), and each `1 - flow / normal`, between -1
//!   (double) and 1 (none). The flows are pooled over the sites, because traders carry
//!   cash between the border cities and the surveys find the same rate in each within a
//!   few percent; declared trade is left out, being settled by the trading companies'
//!   accounts in China rather than through the markets.
//!   Scarcer foreign money weakens the won; fewer imports to pay for strengthen it. m is
//!   the product of the market events' `rate_multiplier` at the site (currency
//!   crackdowns, policies). Won per dollar is r times the yuan per dollar of the day.
//! - **Rice**: the won price P follows `ln P' = ln P + k (ln P* - ln P) + s z`, with
//!   `P* = p* r0 (r / r0)^pi (q / q0)^c (1 + A cos(2 pi (d - d_peak) / 365.25)) g
//!   exp(h u_I)`: p* the long-run yuan price at the normal rate, pi the pass-through of
//!   the rate, c the pull of scarce imported essentials (q over q0, below) on rice, A the
//!   seasonal swing peaking on day of the year d_peak (the lean season before the
//!   harvest), g the events' `rice_price_multiplier` (state grain shops). u_I is last
//!   month's shortfall of declared food imports, `1 - I / I0` between -1 and 1: I the
//!   declared imports sold in the markets (each import category's value sent times its
//!   `market_share`, `declared_trade`) and I0 their normal value; China supplies nearly
//!   all the rice the country imports, so a cut in them is a cut in the grain on sale.
//!   h is `rice_food_import_effect` (at 0 rice ignores them). Pooled over the sites, as
//!   the customs do not say where the goods are sold. The yuan price is P / r.
//! - **Essentials**: their yuan price answers to the shortfall of supply,
//!   `q = q0 (S0 / S)^e`, where S is the smoothed supply of essentials reaching the market
//!   (households' livelihood smuggling, and the site's share of the declared imports sold
//!   in the markets, shared as the households are, `livelihood` and `declared_trade`) and
//!   S0 its level in normal times (declared trade at its normal value, converted at the
//!   first day's rate), capped at `essentials_price_cap_multiple` times q0 either way;
//!   imported, they are priced in yuan, so their won price is q r.
//! - **Parameters**: `market.*`, `declared_trade.categories[].market_share`; q0 is the
//!   essentials good's home price.
//! - **Ledger**: none (prices only).

use std::f64::consts::TAU;

use rand_distr::{Distribution, StandardNormal};

use crate::calendar::Day;
use crate::events::{EventChannel, Target};
use crate::observe::{Channel, DayPrices, Outcome, RateRecord};
use crate::params::{Direction, ModelParams, SiteId};
use crate::streams::Rng;
use crate::world::World;

/// Moves every site's rates and prices one day and records them.
pub fn run(world: &mut World, params: &ModelParams, rng: &mut Rng, day: Day) {
    let market = &params.market;
    let month = world.calendar.month_index(day);
    if world.calendar.is_month_start(day) && month > 0 {
        read_fx_flows(world, params, month - 1);
        read_food_imports(world, params);
    }
    let date = world.calendar.date(day);
    let cny_per_usd = params.exchange.cny_per_usd(date);
    // Worked in logs, so that a site's day costs a few logarithms and exponentials.
    let log_normal_rate = market.won_per_cny.ln();
    let normal_essentials = params.households.as_ref().map_or(f64::NAN, |h| {
        params.goods[h.good.0 as usize].home_price_cny_per_unit
    });
    let log_cap = market.essentials_price_cap_multiple.ln();
    let shortfall = |ratio: f64| (1.0 - ratio).clamp(-1.0, 1.0);
    // The flows are pooled over the sites: one target for all but the events' factors.
    let log_flow_target = log_normal_rate
        + market.rate_fx_supply_effect * shortfall(world.markets.fx_supply_ratio)
        - market.rate_fx_demand_effect * shortfall(world.markets.fx_demand_ratio);
    // Pooled as the declared imports are: the customs do not say where they are sold.
    let log_food_pull = market.rice_food_import_effect * shortfall(world.markets.food_import_ratio);
    let season = 1.0
        + market.rice_season_amplitude
            * (TAU * f64::from(date.day_of_year() - market.rice_season_peak_day as i16) / 365.25)
                .cos();
    let log_rice_base = (market.rice_price_cny_per_kg * market.won_per_cny * season).ln()
        - market.rice_rate_pass_through * log_normal_rate
        + log_food_pull;
    let surveyed = (date.day() as u32 - 1).is_multiple_of(market.rate_sample_interval_days);
    let markets = &mut world.markets;
    for s in 0..markets.rice_price_cny_per_kg.len() {
        let site = SiteId(s as u16);
        let policy = world
            .calendar
            .conditions(EventChannel::Market, Target::Site(site), day);

        let rate_shock: f64 = StandardNormal.sample(rng);
        let log_rate = revert(
            markets.won_per_cny[s].ln(),
            log_flow_target + log_factor(policy.rate),
            market.rate_reversion_per_day,
            market.rate_sigma_per_day * rate_shock,
        );
        let rate = log_rate.exp();
        markets.won_per_cny[s] = rate;

        let normal_supply = markets.essentials_normal_supply_kg_per_day[s];
        let (essentials, log_scarcity) = if normal_supply > 0.0 {
            let shortfall =
                normal_supply / markets.essentials_supply_kg_per_day[s].max(f64::MIN_POSITIVE);
            let log_scarcity =
                (market.essentials_price_elasticity * shortfall.ln()).clamp(-log_cap, log_cap);
            (normal_essentials * log_scarcity.exp(), log_scarcity)
        } else {
            (f64::NAN, 0.0)
        };
        markets.essentials_price_cny_per_kg[s] = essentials;

        let log_target_rice = log_rice_base
            + market.rice_rate_pass_through * log_rate
            + market.rice_essentials_elasticity * log_scarcity
            + log_factor(policy.rice_price);
        let rice_shock: f64 = StandardNormal.sample(rng);
        let rice_kpw = revert(
            markets.rice_price_kpw_per_kg[s].ln(),
            log_target_rice,
            market.rice_price_reversion_per_day,
            market.rice_price_sigma_per_day * rice_shock,
        )
        .exp();
        markets.rice_price_kpw_per_kg[s] = rice_kpw;
        let rice_cny = rice_kpw / rate;
        markets.rice_price_cny_per_kg[s] = rice_cny;
        let won_per_usd = rate * cny_per_usd;
        world.metrics.record_prices(
            month,
            site,
            &DayPrices {
                rice_cny_per_kg: rice_cny,
                essentials_cny_per_kg: essentials,
                rice_kpw_per_kg: rice_kpw,
                essentials_kpw_per_kg: essentials * rate,
                won_per_cny: rate,
                won_per_usd,
            },
        );
        if surveyed {
            world.metrics.record_rates(RateRecord {
                month,
                day_of_month: date.day() as u8,
                site,
                won_per_cny: rate,
                won_per_usd,
            });
        }
    }
}

/// One day of a mean-reverting log price: `ln x + k (ln target - ln x) + shock`.
fn revert(log_x: f64, log_target: f64, k: f64, shock: f64) -> f64 {
    log_x + k * (log_target - log_x) + shock
}

/// The log of an event's factor (most days none is in force, and the factor is 1).
fn log_factor(factor: f64) -> f64 {
    if factor == 1.0 { 0.0 } else { factor.ln() }
}

/// Reads the declared imports sold in the markets over the month just closed against
/// their normal value (`market_share` times each import category's normal value).
fn read_food_imports(world: &mut World, params: &ModelParams) {
    let sold_usd = std::mem::take(&mut world.markets.declared_market_usd_this_month);
    let normal_usd = params
        .declared_trade
        .as_ref()
        .map_or(0.0, |d| d.market_usd_per_month());
    world.markets.food_import_ratio = if normal_usd > 0.0 {
        sold_usd / normal_usd
    } else {
        1.0
    };
}

/// Reads a closed month's foreign-money flows across the border markets: over the
/// reference months they add up, by calendar month, to the normal level (so the seasons
/// of the ice and the harvest are part of it); after them, each month's flows over the
/// normal level of the same calendar month are the ratios the rate answers to.
fn read_fx_flows(world: &mut World, params: &ModelParams, month: usize) {
    let calendar_month = world.calendar.months()[month].month as usize - 1;
    let metrics = &world.metrics;
    let mut supply: f64 = (0..params.sites.len())
        .map(|s| metrics.household_tally(month, SiteId(s as u16)).wages.cny())
        .sum::<f64>()
        + std::mem::take(&mut world.markets.savings_home_cny);
    let mut demand = 0.0;
    for flow in metrics.month_flows(month).filter(|f| {
        f.key.outcome == Outcome::Delivered
            && matches!(
                f.key.channel,
                Channel::Porter | Channel::StateSmuggling | Channel::Livelihood
            )
    }) {
        match params.goods[flow.key.good.0 as usize].direction {
            Direction::Export => supply += flow.value.cny(),
            Direction::Import => demand += flow.value.cny(),
        }
    }
    let markets = &mut world.markets;
    let reference = &mut markets.fx_reference[calendar_month];
    if month < params.market.fx_reference_months as usize {
        *reference = [
            reference[0] + supply,
            reference[1] + demand,
            reference[2] + 1.0,
        ];
        return;
    }
    let ratio = |flow: f64, sum: f64| {
        if sum > 0.0 {
            flow * reference[2] / sum
        } else {
            1.0
        }
    };
    markets.fx_supply_ratio = ratio(supply, reference[0]);
    markets.fx_demand_ratio = ratio(demand, reference[1]);
}

//! Border households' livelihood smuggling of essentials (food, necessities, medicine).
//!
//! - **When**: every day, after the state consignments.
//! - **What**: at each site, of n households each makes a trip today with probability
//!   `trips_per_month / days_in_month`, times (1 - `takeover.household_crackdown`) once the
//!   takeover has begun, times the events' capacity share at the site (none while an event
//!   stops the livelihood channel there). Each site draws from its own stream. Each trip buys `kg_per_trip` of essentials in China at the Chinese
//!   price; a trip is seized with probability `seizure_probability_per_trip` raised by
//!   Chinese enforcement, the crackdown and the events' risk multiplier; what gets through is sold in the border market
//!   at today's essentials price. Trips are drawn per site as Binomial(n, p), households
//!   being alike. Under the takeover, State Security and Public Security agents take
//!   `takeover.household_bribe_share_of_margin` of the margin on the trips that still go;
//!   with `[adaptation]` that share responds to the enforcement pressure P at the site (E
//!   times the events' risk factor) as every price of protection does, times
//!   `exp(e_E (P - P0))` and at most all of the margin (see `state_smuggling`).
//! - **Finance**: households pay for the essentials before they sell them, from their
//!   savings (`[finance]`); trips beyond what the savings cover are not made that day
//!   (`trips_unaffordable`).
//! - **Ledger**: households -> Chinese merchants (purchase); market buyers -> households
//!   (sale); households -> State Security and Public Security units (bribe, takeover).
//! - **Feeds**: the essentials supply that sets tomorrow's price (`market`): what the
//!   trips deliver plus the site's share of today's declared imports sold in the markets
//!   (`declared_trade`), smoothed with `market.essentials_supply_smoothing_per_day`.

use rand_distr::{Binomial, Distribution};

use crate::calendar::Day;
use crate::events::{EventChannel, Target};
use crate::ledger::{LedgerError, Purpose};
use crate::observe::{Activity, Channel, FlowKey, Outcome};
use crate::params::{Agency, Mode, ModelParams, SiteId};
use crate::process::enforcement::seizure_probability;
use crate::streams::Rng;
use crate::units::{Fen, round_to_i64};
use crate::world::World;

/// Runs the day's livelihood trips and updates the essentials supply.
pub fn run(
    world: &mut World,
    params: &ModelParams,
    rngs: &mut [Rng],
    day: Day,
) -> Result<(), LedgerError> {
    let Some(h) = &params.households else {
        return Ok(());
    };
    let month = world.calendar.month_index(day);
    let date = world.calendar.date(day);
    let takeover = params.takeover.filter(|t| date >= t.first_day);
    let crackdown = takeover.map_or(0.0, |t| t.household_crackdown);
    let normal_trip_probability =
        world.calendar.daily_chance(day, h.trips_per_month) * (1.0 - crackdown);
    let essentials = &params.goods[h.good.0 as usize];
    let smoothing = params.market.essentials_supply_smoothing_per_day;
    let declared_kg = std::mem::take(&mut world.markets.declared_essentials_kg_today);
    for (s, &households) in h.households_at_site.iter().enumerate() {
        let site = SiteId(s as u16);
        let conditions =
            world
                .calendar
                .conditions(EventChannel::Livelihood, Target::Site(site), day);
        let trip_probability = normal_trip_probability * conditions.capacity;
        let rng = &mut rngs[s];
        let mut delivered_kg = 0.0;
        if households > 0 && trip_probability > 0.0 {
            let wanted = sample_binomial(rng, u64::from(households), trip_probability);
            // Households buy before they sell: trips beyond what their savings pay for
            // are not made today.
            let trip_cost = Fen::from_cny(h.kg_per_trip * essentials.china_price_cny_per_unit);
            let households_account = world.accounts.at_site[s].households;
            let affordable = match world.ledger.available(households_account) {
                Some(left) if trip_cost > Fen::ZERO => (left.0.max(0) / trip_cost.0) as u64,
                _ => wanted,
            };
            let trips = wanted.min(affordable);
            if trips < wanted {
                world.metrics.add_activity(
                    month,
                    Activity::TripsUnaffordable,
                    (wanted - trips) as f64,
                );
            }
            let seize = seizure_probability(
                params,
                h.seizure_probability_per_trip * (1.0 + crackdown) * conditions.risk,
                params.sites[s].barrier,
                world.enforcement,
            );
            let seized = sample_binomial(rng, trips, seize);
            delivered_kg = (trips - seized) as f64 * h.kg_per_trip;
            let price = world.markets.essentials_price_cny_per_kg[s];
            let cost = Fen(trip_cost.0 * trips as i64);
            let sales = Fen::from_cny(delivered_kg * price);
            let accounts = world.accounts.at_site[s];
            world.ledger.transfer(
                accounts.households,
                world.accounts.chinese_merchants,
                cost,
                Purpose::Purchase,
            )?;
            world.ledger.transfer(
                accounts.market_buyers,
                accounts.households,
                sales,
                Purpose::Sale,
            )?;
            let mut bribes = Fen::ZERO;
            if let Some(takeover) = takeover
                && sales > cost
            {
                let take = (sales - cost).share(household_bribe_share(
                    params,
                    takeover.household_bribe_share_of_margin,
                    world.enforcement * conditions.risk,
                ));
                for agency in [Agency::StateSecurity, Agency::PublicSecurity] {
                    let a = agency as usize;
                    let bribe = take.share(0.5);
                    world.ledger.transfer(
                        accounts.households,
                        accounts.officials[a],
                        bribe,
                        Purpose::Bribe,
                    )?;
                    world.official_take_this_month[s][a] += bribe;
                    bribes += bribe;
                }
            }
            let key = |outcome| FlowKey {
                channel: Channel::Livelihood,
                mode: Mode::OnFoot,
                site,
                good: h.good,
                outcome,
            };
            world
                .metrics
                .record_flow(key(Outcome::Delivered), round_to_i64(delivered_kg), sales);
            let seized_kg = seized as f64 * h.kg_per_trip;
            world.metrics.record_flow(
                key(Outcome::Seized),
                round_to_i64(seized_kg),
                Fen::from_cny(seized_kg * price),
            );
            let rice_price = world.markets.rice_price_cny_per_kg[s];
            let tally = world.metrics.household_month(month, site);
            tally.trips += trips;
            tally.kg_delivered += delivered_kg;
            tally.livelihood_income += sales - cost - bribes;
            tally.income_rice_kg += (sales - cost - bribes).cny() / rice_price;
        }
        let markets = &mut world.markets;
        let reaching_kg = delivered_kg + declared_kg * markets.declared_essentials_site_share[s];
        let supply = &mut markets.essentials_supply_kg_per_day[s];
        *supply += smoothing * (reaching_kg - *supply);
    }
    Ok(())
}

/// The agents' share of a trip's margin under the takeover: the recorded share times the
/// price of protection's response to the enforcement pressure at the site (`[adaptation]`),
/// at most all of it.
fn household_bribe_share(params: &ModelParams, recorded: f64, pressure: f64) -> f64 {
    params.adaptation.map_or(recorded, |a| {
        (recorded * a.enforcement_factor(pressure, a.protection_reference_enforcement)).min(1.0)
    })
}

fn sample_binomial(rng: &mut Rng, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    Binomial::new(n, p.min(1.0))
        .expect("p is clamped to [0, 1]")
        .sample(rng)
}

//! Cash couriers: Room 39's officials abroad hand bags of cash to ship captains leaving
//! Chinese coastal cities for Nampo.
//!
//! - **When**: every day.
//! - **What**: each official sends a bag today with probability
//!   `trips_per_month / days_in_month` times the events' capacity share (none while an
//!   event stops the couriers); the bag holds `cash_usd_per_month / trips_per_month`
//!   times a lognormal factor (mean 1, sigma `cash_sigma`), raised from the office's
//!   business abroad, so an official sends `cash_usd_per_month` on average whatever the
//!   number of bags (the record gives the cash moved, not the bags). With
//!   probability `capture_probability_per_trip` (times the events' risk multiplier) it is
//!   found and seized; otherwise the
//!   captain keeps `captain_fee_share` and the rest reaches Room 39.
//! - **Ledger**: foreign counterparties -> Room 39 abroad (sale: the cash raised); Room 39
//!   abroad -> foreign authorities (seizure), or Room 39 abroad -> ship captains (fee) and
//!   -> Room 39 (remittance).

use rand::RngExt;

use crate::calendar::Day;
use crate::events::{EventChannel, Target};
use crate::ledger::{LedgerError, Purpose};
use crate::observe::Activity;
use crate::params::ModelParams;
use crate::process::price_factor;
use crate::streams::Rng;
use crate::units::Fen;
use crate::world::World;

/// Sends today's bags.
pub fn run(
    world: &mut World,
    params: &ModelParams,
    rng: &mut Rng,
    day: Day,
) -> Result<(), LedgerError> {
    let Some(couriers) = &params.couriers else {
        return Ok(());
    };
    let month = world.calendar.month_index(day);
    let cny_per_usd = params.exchange.cny_per_usd(world.calendar.date(day));
    let conditions = world
        .calendar
        .conditions(EventChannel::Couriers, Target::Whole, day);
    if conditions.stopped() {
        return Ok(());
    }
    let probability =
        world.calendar.daily_chance(day, couriers.trips_per_month) * conditions.capacity;
    let capture = (couriers.capture_probability_per_trip * conditions.risk).min(1.0);
    // Used only when a bag goes, which needs trips_per_month > 0.
    let mean_bag_usd = couriers.cash_usd_per_month / couriers.trips_per_month;
    let a = &world.accounts;
    for _ in 0..couriers.officials {
        if !rng.random_bool(probability) {
            continue;
        }
        let usd = mean_bag_usd * price_factor(rng, couriers.cash_sigma);
        let bag = Fen::from_cny(usd * cny_per_usd);
        world.ledger.transfer(
            a.foreign_counterparties,
            a.room39_abroad,
            bag,
            Purpose::Sale,
        )?;
        world
            .metrics
            .add_activity(month, Activity::CourierBags, 1.0);
        world
            .metrics
            .add_activity(month, Activity::CourierCashUsd, usd);
        if rng.random_bool(capture) {
            world.ledger.transfer(
                a.room39_abroad,
                a.foreign_authorities,
                bag,
                Purpose::Seizure,
            )?;
            world
                .metrics
                .add_activity(month, Activity::CourierBagsSeized, 1.0);
            continue;
        }
        let fee = bag.share(couriers.captain_fee_share);
        world
            .ledger
            .transfer(a.room39_abroad, a.ship_captains, fee, Purpose::Fee)?;
        world
            .ledger
            .transfer(a.room39_abroad, a.room39, bag - fee, Purpose::Remittance)?;
    }
    Ok(())
}

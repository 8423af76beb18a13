//! State drug production and sales (the historical scenario of the early 2000s).
//!
//! - **When**: every day.
//! - **What**: heroin and methamphetamine are made at `*_kg_per_year / 365.25` a day at
//!   the goods' home price (production cost). On a day with a sale (probability
//!   `sales_per_month / days_in_month`) every whole unit in stock (heroin in
//!   `heroin_unit_g` packs, methamphetamine in `methamphetamine_unit_kg` units) is sold in
//!   one batch, at sea with probability `sea_share` (at `sea_price_multiple` times the
//!   goods' Chinese price), otherwise at the Chinese border (the Chinese price). A batch is seized with probability
//!   `seizure_probability_per_sale`. Room 39 receives `room39_share` of the proceeds; the
//!   traffickers keep the rest.
//! - **Ledger**: centre -> suppliers at the border site (purchase: production, paid by the
//!   state whose factories make the drugs);
//!   foreign counterparties -> drug traffickers (sale); drug traffickers -> Room 39
//!   (remittance).

use rand::RngExt;

use crate::calendar::Day;
use crate::ledger::{LedgerError, Purpose};
use crate::observe::{Activity, Channel, FlowKey, Outcome};
use crate::params::{Drugs, GoodId, Mode, ModelParams};
use crate::streams::Rng;
use crate::units::{Fen, round_to_i64};
use crate::world::World;

const DAYS_PER_YEAR: f64 = 365.25;

/// Makes today's drugs and sells a batch on sale days.
pub fn run(
    world: &mut World,
    params: &ModelParams,
    rng: &mut Rng,
    day: Day,
) -> Result<(), LedgerError> {
    let Some(drugs) = &params.drugs else {
        return Ok(());
    };
    let made_kg = [drugs.heroin_kg_per_year, drugs.methamphetamine_kg_per_year]
        .map(|per_year| per_year / DAYS_PER_YEAR);
    let cost = Fen::from_cny(
        [drugs.heroin, drugs.methamphetamine]
            .iter()
            .zip(made_kg)
            .map(|(good, kg)| kg * cny_per_kg(params, *good, false))
            .sum(),
    );
    let producers = world.accounts.at_site[drugs.border_site.0 as usize].suppliers;
    // The state pays for production (its own factories); the traffickers only sell, so
    // they never pay out more than they have taken in.
    world
        .ledger
        .transfer(world.accounts.centre, producers, cost, Purpose::Purchase)?;
    for (stock, made) in world.drug_stock_kg.iter_mut().zip(made_kg) {
        *stock += made;
    }
    let sale_probability = world.calendar.daily_chance(day, drugs.sales_per_month);
    if rng.random_bool(sale_probability) {
        sell_batch(world, params, drugs, rng, day)?;
    }
    Ok(())
}

/// A drug good's price per kilogram in yuan: Chinese (sale) or home (production cost).
/// Drug goods are counted in grams.
fn cny_per_kg(params: &ModelParams, good: GoodId, sale: bool) -> f64 {
    let good = &params.goods[good.0 as usize];
    let per_unit = if sale {
        good.china_price_cny_per_unit
    } else {
        good.home_price_cny_per_unit
    };
    per_unit / good.mass_kg_per_unit
}

fn sell_batch(
    world: &mut World,
    params: &ModelParams,
    drugs: &Drugs,
    rng: &mut Rng,
    day: Day,
) -> Result<(), LedgerError> {
    let month = world.calendar.month_index(day);
    let at_sea = rng.random_bool(drugs.sea_share);
    let (site, mode, price_multiple) = if at_sea {
        (drugs.sea_site, Mode::Ship, drugs.sea_price_multiple)
    } else {
        (drugs.border_site, Mode::OnFoot, 1.0)
    };
    let seized = rng.random_bool(drugs.seizure_probability_per_sale);
    let units_kg = [drugs.heroin_unit_g / 1000.0, drugs.methamphetamine_unit_kg];
    for (i, good) in [drugs.heroin, drugs.methamphetamine]
        .into_iter()
        .enumerate()
    {
        let kg = (world.drug_stock_kg[i] / units_kg[i]).floor() * units_kg[i];
        if kg <= 0.0 {
            continue;
        }
        world.drug_stock_kg[i] -= kg;
        let value = Fen::from_cny(kg * cny_per_kg(params, good, true) * price_multiple);
        let outcome = if seized {
            Outcome::Seized
        } else {
            Outcome::Delivered
        };
        let key = FlowKey {
            channel: Channel::Drugs,
            mode,
            site,
            good,
            outcome,
        };
        // Flows of drugs are counted in grams so heroin's 336 g packs stay whole numbers.
        world
            .metrics
            .record_flow(key, round_to_i64(kg * 1000.0), value);
        let activity = if seized {
            Activity::DrugsSeizedKg
        } else {
            Activity::DrugsSoldKg
        };
        world.metrics.add_activity(month, activity, kg);
        if seized {
            continue;
        }
        let a = &world.accounts;
        world.ledger.transfer(
            a.foreign_counterparties,
            a.drug_traffickers,
            value,
            Purpose::Sale,
        )?;
        world.ledger.transfer(
            a.drug_traffickers,
            a.room39,
            value.share(drugs.room39_share),
            Purpose::Remittance,
        )?;
    }
    Ok(())
}

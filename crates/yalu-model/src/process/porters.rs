//! Porter crews carry goods across the river at night and sell them in China.
//!
//! - **When**: every day on which land crossings are open. Each crew runs on a given day
//!   with probability `runs_per_month / days_in_month`, so about `runs_per_month` runs a
//!   month.
//! - **What**: every member carries `min(strength, max_load_kg)` of one good, drawn by
//!   `share_of_runs`. The donju buys the goods at the good's home price. With
//!   probability `seizure_probability_per_run` the goods are seized and the run earns
//!   nothing. Otherwise Chinese merchants pay the good's Chinese price times a lognormal
//!   factor (mean 1, sigma `sale_price_sigma`). If the run makes a profit, the border
//!   guards take `profit_split.border_guards_share` of it, the porters' pool
//!   `profit_split.porters_share` is divided among the members in proportion to the weight each
//!   carried, and the donju keeps the rest (`profit_split.donju_share`).
//! - **Finance**: the donju must be able to pay for the goods and a night's interest on
//!   the part they borrow (`[finance]`); otherwise the crew does not run that night
//!   (`trips_unaffordable`).
//! - **Ledger**: donju -> suppliers (purchase); donju -> moneylenders (interest);
//!   Chinese merchants -> donju (sale); donju -> border guards (bribe); donju -> porters
//!   (wage).
//! - **Emerges**: pay per kilogram (pool share x profit / kg) and porters' monthly income.

use rand::RngExt;

use crate::calendar::Day;
use crate::ledger::{LedgerError, Purpose};
use crate::observe::{Activity, Channel, FlowKey, Outcome};
use crate::params::{Agency, Mode, ModelParams, PorterGood, PorterParams};
use crate::process::{donju_interest, price_factor};
use crate::streams::Rng;
use crate::units::Fen;
use crate::world::World;

/// Runs the day's crossings for every crew.
pub fn run(
    world: &mut World,
    params: &ModelParams,
    rng: &mut Rng,
    day: Day,
) -> Result<(), LedgerError> {
    let Some(porter) = &params.porter else {
        return Ok(());
    };
    if !world.calendar.land_open(day) {
        return Ok(());
    }
    let run_probability = world.calendar.daily_chance(day, porter.runs_per_month);
    for crew in 0..world.crews.site.len() {
        if world.crews.members[crew].is_empty() || !rng.random_bool(run_probability) {
            continue;
        }
        run_crew(world, params, porter, rng, day, crew)?;
    }
    Ok(())
}

/// The chosen good for a run, by cumulative share.
fn pick_good<'a>(goods: &'a [PorterGood], rng: &mut Rng) -> &'a PorterGood {
    let mut u: f64 = rng.random::<f64>() * goods.iter().map(|g| g.share_of_runs).sum::<f64>();
    for good in goods {
        if u < good.share_of_runs {
            return good;
        }
        u -= good.share_of_runs;
    }
    &goods[goods.len() - 1]
}

/// What one porter carries on a run.
pub fn load_kg(strength_kg: u32, max_load_kg: u32) -> u32 {
    strength_kg.min(max_load_kg)
}

fn run_crew(
    world: &mut World,
    params: &ModelParams,
    porter: &PorterParams,
    rng: &mut Rng,
    day: Day,
    crew: usize,
) -> Result<(), LedgerError> {
    let site = world.crews.site[crew];
    let accounts = world.accounts.at_site[site.0 as usize];
    let month = world.calendar.month_index(day);
    let total_kg = world.crews.load_kg[crew];
    let good = pick_good(&porter.goods, rng);
    let key = |outcome| FlowKey {
        channel: Channel::Porter,
        mode: Mode::OnFoot,
        site,
        good: good.good,
        outcome,
    };
    let prices = &params.goods[good.good.0 as usize];
    let cost = Fen::from_cny(total_kg as f64 * prices.home_price_cny_per_unit);
    // The goods are paid for before the night's crossing; the part the donju borrow
    // costs a night's interest, owed whatever happens.
    let interest = donju_interest(world, params, accounts.donju, cost, 1.0);
    if !world.ledger.can_pay(accounts.donju, cost + interest) {
        world
            .metrics
            .add_activity(month, Activity::TripsUnaffordable, 1.0);
        return Ok(());
    }
    world
        .ledger
        .transfer(accounts.donju, accounts.suppliers, cost, Purpose::Purchase)?;
    world.ledger.transfer(
        accounts.donju,
        world.accounts.moneylenders,
        interest,
        Purpose::Interest,
    )?;

    let tally = world.metrics.porter_month(month, site);
    tally.runs += 1;
    if rng.random_bool(porter.seizure_probability_per_run) {
        tally.kg_seized += total_kg;
        let value = Fen::from_cny(total_kg as f64 * prices.china_price_cny_per_unit);
        world
            .metrics
            .record_flow(key(Outcome::Seized), total_kg as i64, value);
        return Ok(());
    }
    tally.kg_sold += total_kg;

    let price = prices.china_price_cny_per_unit * price_factor(rng, porter.sale_price_sigma);
    let revenue = Fen::from_cny(total_kg as f64 * price);
    world.ledger.transfer(
        world.accounts.chinese_merchants,
        accounts.donju,
        revenue,
        Purpose::Sale,
    )?;
    world
        .metrics
        .record_flow(key(Outcome::Delivered), total_kg as i64, revenue);

    let profit = revenue - cost - interest;
    if profit <= Fen::ZERO {
        return Ok(());
    }
    let guards = profit.share(porter.profit_split.border_guards_share);
    let agency = Agency::BorderGuards as usize;
    world.ledger.transfer(
        accounts.donju,
        accounts.officials[agency],
        guards,
        Purpose::Bribe,
    )?;
    world.official_take_this_month[site.0 as usize][agency] += guards;

    let pool = profit.share(porter.profit_split.porters_share);
    let mut wages = Fen::ZERO;
    // Each member's load and purse sit beside the crew, in member order: the loop reads
    // them in order and touches no other porter.
    let crews = &mut world.crews;
    for (&kg, cash) in crews.member_kg[crew]
        .iter()
        .zip(crews.member_cash[crew].iter_mut())
    {
        let pay = pool.pro_rata(u64::from(kg), total_kg);
        *cash += pay;
        wages += pay;
    }
    crews.paid.push(crew as u32);
    world
        .ledger
        .transfer(accounts.donju, accounts.porters, wages, Purpose::Wage)?;
    world.metrics.porter_month(month, site).wages += wages;
    world.porters.paid_at_site[site.0 as usize] += wages;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_are_capped_by_the_bags() {
        assert_eq!(load_kg(62, 50), 50);
        assert_eq!(load_kg(34, 50), 34);
    }
}

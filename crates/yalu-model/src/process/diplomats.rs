//! Embassies earn foreign currency from contraband and hand Room 39 a monthly quota.
//!
//! - **When**: the last day of each month.
//! - **What**: `embassies` less those closed by expulsions so far stay open. Each open
//!   embassy earns `earnings_usd_per_month` times a lognormal factor (mean 1, sigma
//!   `earnings_sigma`) from contraband (liquor, cigarettes and the like), adds it to what
//!   it holds, and hands Room 39 its quota or, if it holds less, all it has; the shortfall
//!   is recorded.
//! - **Ledger**: foreign counterparties -> diplomats (sale); diplomats -> Room 39
//!   (remittance).

use crate::calendar::Day;
use crate::ledger::{LedgerError, Purpose};
use crate::observe::Activity;
use crate::params::ModelParams;
use crate::process::price_factor;
use crate::streams::Rng;
use crate::units::Fen;
use crate::world::World;

/// Runs the month's earnings and quota payments.
pub fn run(
    world: &mut World,
    params: &ModelParams,
    rng: &mut Rng,
    day: Day,
) -> Result<(), LedgerError> {
    let Some(diplomats) = &params.diplomats else {
        return Ok(());
    };
    let date = world.calendar.date(day);
    let month = world.calendar.month_index(day);
    let cny_per_usd = params.exchange.cny_per_usd(date);
    let expelled: u32 = diplomats
        .expulsions
        .iter()
        .filter(|(when, _)| *when <= date)
        .map(|(_, n)| n)
        .sum();
    let open = diplomats.embassies.saturating_sub(expelled) as usize;
    let quota = Fen::from_cny(diplomats.quota_usd_per_month * cny_per_usd);
    let a = &world.accounts;
    let mut shortfall = Fen::ZERO;
    for cash in world.embassy_cash.iter_mut().take(open) {
        let usd = diplomats.earnings_usd_per_month * price_factor(rng, diplomats.earnings_sigma);
        let earnings = Fen::from_cny(usd * cny_per_usd);
        world.ledger.transfer(
            a.foreign_counterparties,
            a.diplomats,
            earnings,
            Purpose::Sale,
        )?;
        *cash += earnings;
        let paid = quota.min(*cash);
        world
            .ledger
            .transfer(a.diplomats, a.room39, paid, Purpose::Remittance)?;
        *cash -= paid;
        shortfall += quota - paid;
    }
    world
        .metrics
        .add_activity(month, Activity::EmbassiesOpen, open as f64);
    world.metrics.add_activity(
        month,
        Activity::DiplomatQuotaShortfallUsd,
        shortfall.cny() / cny_per_usd,
    );
    Ok(())
}

//! Workers abroad hand most of their wages to the state.
//!
//! - **When**: the last day of each month.
//! - **What**: the workers abroad on that day (a dated schedule; repatriation is a lower
//!   step) are paid `wage_usd_per_month` each and hand `handover_share` of it over.
//! - **Ledger**: foreign counterparties -> overseas workers (wage); overseas workers ->
//!   Room 39 (remittance).

use crate::calendar::Day;
use crate::ledger::{LedgerError, Purpose};
use crate::observe::Activity;
use crate::params::ModelParams;
use crate::units::Fen;
use crate::world::World;

/// Pays the month's wages and takes the handover.
pub fn run(world: &mut World, params: &ModelParams, day: Day) -> Result<(), LedgerError> {
    let Some(labour) = &params.labour else {
        return Ok(());
    };
    let date = world.calendar.date(day);
    let month = world.calendar.month_index(day);
    let workers = labour.workers_on(date);
    let wages = Fen::from_cny(
        f64::from(workers) * labour.wage_usd_per_month * params.exchange.cny_per_usd(date),
    );
    let a = &world.accounts;
    world.ledger.transfer(
        a.foreign_counterparties,
        a.overseas_workers,
        wages,
        Purpose::Wage,
    )?;
    world.ledger.transfer(
        a.overseas_workers,
        a.room39,
        wages.share(labour.handover_share),
        Purpose::Remittance,
    )?;
    world
        .metrics
        .add_activity(month, Activity::WorkersAbroad, f64::from(workers));
    Ok(())
}

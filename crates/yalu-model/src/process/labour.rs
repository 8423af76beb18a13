//! Workers abroad: a stock moved by dispatch, contract ends and repatriation, who hand
//! most of their wages to the state.
//!
//! - **When**: every day (the stock moves); the last day of each month (wages).
//! - **What**: the stock W starts at `workers_at_start`. Each day
//!   `dispatch_workers_per_month / days_in_month` workers leave, times the events' capacity
//!   share on `labour_dispatch` (none while an event stops it: UNSCR 2375's ban on new work
//!   authorisations, the COVID closure). Contracts end at `W / (contract_months x
//!   days_in_month)` a day and those workers come home, and the events' repatriation
//!   hazard on `labour_return` (UNSCR 2397's deadline) sends more home; while an event
//!   stops `labour_return` (the closure) nobody comes home and the workers are kept on.
//!   The stock is a number of workers, not whole people: the flows are expected values.
//!   On the last day of the month the workers abroad are paid `wage_usd_per_month` each
//!   and hand `handover_share` of it over.
//! - **Savings brought home**: of the pay they keep, the workers save
//!   `savings_home_share` for their families, a pool held abroad (at the start, that of a
//!   stock abroad for years: `Labour::savings_at_start_cny`); each day those who come
//!   home bring their part of it, `pool x home / W`. None comes home while returns are
//!   stopped (the closure), and a wave of returns (the 2019 deadline) brings a wave of
//!   savings. What is brought home in a month is foreign money reaching the markets, where
//!   the won answers to it (`market.rs`). At 0 nothing is saved and the won ignores it.
//! - **Ledger**: foreign counterparties -> overseas workers (wage); overseas workers ->
//!   Room 39 (remittance). The savings are part of the workers' own balance and move no
//!   money: bringing them home changes where they are spent, not whose they are.

use crate::calendar::Day;
use crate::events::{EventChannel, Target};
use crate::ledger::{LedgerError, Purpose};
use crate::observe::Activity;
use crate::params::{Labour, ModelParams};
use crate::units::Fen;
use crate::world::World;

/// Moves today's workers; on the month's last day, pays the month's wages and takes the
/// handover.
pub fn run(world: &mut World, params: &ModelParams, day: Day) -> Result<(), LedgerError> {
    let Some(labour) = &params.labour else {
        return Ok(());
    };
    let (stock, home) = next_stock(world, labour, day);
    // Those who come home bring their share of the savings: they reach the markets.
    if home > 0.0 {
        let carried_cny = world.workers_savings_cny * home / world.workers_abroad;
        world.workers_savings_cny -= carried_cny;
        world.markets.savings_home_cny += carried_cny;
    }
    world.workers_abroad = stock;
    if !world.calendar.is_month_end(day) {
        return Ok(());
    }
    let date = world.calendar.date(day);
    let month = world.calendar.month_index(day);
    let workers = world.workers_abroad;
    let wages =
        Fen::from_cny(workers * labour.wage_usd_per_month * params.exchange.cny_per_usd(date));
    let a = &world.accounts;
    world.ledger.transfer(
        a.foreign_counterparties,
        a.overseas_workers,
        wages,
        Purpose::Wage,
    )?;
    let handover = wages.share(labour.handover_share);
    world
        .ledger
        .transfer(a.overseas_workers, a.room39, handover, Purpose::Remittance)?;
    world.workers_savings_cny += (wages - handover).cny() * labour.savings_home_share;
    world
        .metrics
        .add_activity(month, Activity::WorkersAbroad, workers);
    Ok(())
}

/// The stock after today's dispatch, contract ends and repatriation, and the workers who
/// came home.
fn next_stock(world: &World, labour: &Labour, day: Day) -> (f64, f64) {
    let calendar = &world.calendar;
    let days = f64::from(calendar.days_in_month(day));
    let dispatch = calendar.conditions(EventChannel::LabourDispatch, Target::Whole, day);
    let returns = calendar.conditions(EventChannel::LabourReturn, Target::Whole, day);
    let stock = world.workers_abroad;
    let sent = labour.dispatch_workers_per_month / days * dispatch.capacity;
    let home = if returns.stopped() {
        0.0
    } else {
        let ended = stock / (labour.contract_months * days);
        (ended + stock * returns.repatriate_per_day).min(stock)
    };
    (stock + sent - home, home)
}

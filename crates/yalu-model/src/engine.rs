//! The engine: the whole simulated day in one function, and a replicate from the first day
//! to the last with the books checked at the end.

use std::sync::Arc;

use crate::calendar::{Calendar, Day};
use crate::ledger::LedgerError;
use crate::observe;
pub use crate::observe::ReplicateResult;
use crate::params::ModelParams;
use crate::process::{
    Scratch, consumption, couriers, declared_trade, diplomats, directives, drugs, enforcement,
    hiring, incomes, labour, livelihood, maritime, market, pass_up, porters, state_smuggling,
};
use crate::streams::Streams;
use crate::units::Fen;
use crate::world::World;

/// Why a replicate failed. Each is a bug in the model, reported loudly rather than hidden.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum ModelError {
    /// The ledger refused a transfer or does not balance.
    #[error("replicate {replicate}: {source}")]
    Ledger {
        /// Which replicate.
        replicate: u32,
        /// What the ledger found.
        source: LedgerError,
    },
    /// An account disagrees with the cash its holders keep in the world's columns.
    #[error(
        "replicate {replicate}: the account of {holders} holds {account_fen} fen but they hold {cash_fen} fen"
    )]
    CashMismatch {
        /// Which replicate.
        replicate: u32,
        /// Whose cash, e.g. `porters at hyesan` or `embassies`.
        holders: String,
        /// The account balance.
        account_fen: i64,
        /// The sum of the holders' cash in the columns.
        cash_fen: i64,
    },
}

/// One simulated day, phase by phase (the numbers follow the schedule in docs/ODD.md).
pub fn step_day(
    world: &mut World,
    params: &ModelParams,
    streams: &mut Streams,
    scratch: &mut Scratch,
    day: Day,
) -> Result<(), LedgerError> {
    let month = world.calendar.month_index(day);
    world.ledger.set_month(month);
    // 1. Environment: Chinese enforcement and market prices move.
    enforcement::run(world, params, &mut streams.enforcement, day);
    market::run(world, params, &mut streams.market, day);
    // 2. Directives, first of the month: Room 39 sets quotas; donju hire porter crews.
    if world.calendar.is_month_start(day) {
        directives::run(world, params, day);
        hiring::run(world, params, &mut streams.hiring, day);
    }
    // 3-4. Planning and land crossings: porter crews, then trading companies' consignments.
    porters::run(world, params, &mut streams.porters, day)?;
    state_smuggling::run(
        world,
        params,
        &mut streams.state_trade,
        &mut scratch.trade_options,
        day,
    )?;
    // Declared trade through customs, by road, rail and sea.
    declared_trade::run(world, params, day)?;
    // 5. Sea: voyages, ship-to-ship transfers and port deliveries; monitors and interdiction.
    maritime::run(world, params, &mut streams.maritime, day)?;
    // 6. Room 39's other channels: cash couriers and drug sales (daily).
    couriers::run(world, params, &mut streams.couriers, day)?;
    drugs::run(world, params, &mut streams.drugs, day)?;
    // 8. Households: livelihood smuggling; porters buy rice with their pay.
    livelihood::run(world, params, &mut streams.livelihood, day)?;
    consumption::run(world, day)?;
    // Workers abroad: dispatch, contract ends and repatriation (their wages at month end).
    labour::run(world, params, day)?;
    // 7 and 9, last of the month: officials pass up their take; the month is closed.
    if world.calendar.is_month_end(day) {
        // 6, monthly: embassies' quotas.
        diplomats::run(world, params, &mut streams.diplomats, day)?;
        // 8, monthly: households' state wages, rations and market trade.
        incomes::run(world, params, day)?;
        pass_up::run(world, params)?;
        observe::close_month(world, params, month, world.calendar.date(day));
    }
    Ok(())
}

/// Runs replicate `replicate` of a scenario under master seed `seed`, checks the books
/// and returns its tidy records.
pub fn run_replicate(
    params: &ModelParams,
    seed: u64,
    replicate: u32,
) -> Result<ReplicateResult, ModelError> {
    Setup::new(params).run(seed, replicate)
}

/// What every replicate of one parameter set starts from (the calendar and its event
/// columns, which depend on the parameters only): built once, it spares each replicate
/// of a run that work.
#[derive(Debug)]
pub struct Setup<'a> {
    params: &'a ModelParams,
    calendar: Arc<Calendar>,
}

impl<'a> Setup<'a> {
    /// The setup of `params`.
    pub fn new(params: &'a ModelParams) -> Setup<'a> {
        Setup {
            params,
            calendar: Arc::new(World::calendar_of(params)),
        }
    }

    /// Whether this is the setup of `params` (the same parameters, not an equal copy).
    pub fn is_of(&self, params: &ModelParams) -> bool {
        std::ptr::eq(self.params, params)
    }

    /// Runs replicate `replicate` under master seed `seed`, as [`run_replicate`].
    pub fn run(&self, seed: u64, replicate: u32) -> Result<ReplicateResult, ModelError> {
        run_on(self.params, Arc::clone(&self.calendar), seed, replicate)
    }
}

/// A replicate on `calendar`, the calendar of `params`.
fn run_on(
    params: &ModelParams,
    calendar: Arc<Calendar>,
    seed: u64,
    replicate: u32,
) -> Result<ReplicateResult, ModelError> {
    let mut streams = Streams::new(seed, replicate, params.sites.len());
    let mut world = World::on(params, calendar, &mut streams.population);
    let mut scratch = Scratch::default();
    let ledger_error = |source| ModelError::Ledger { replicate, source };
    for day in world.calendar.all_days() {
        step_day(&mut world, params, &mut streams, &mut scratch, day).map_err(ledger_error)?;
    }
    world.ledger.verify().map_err(ledger_error)?;
    check_cash_columns(&world, params, replicate)?;
    Ok(observe::collect(world, params, seed, replicate))
}

/// Cross-checks every class whose cash is also kept in columns (the porters' purses by
/// crew member, the embassies' cash by embassy) against its ledger accounts.
fn check_cash_columns(
    world: &World,
    params: &ModelParams,
    replicate: u32,
) -> Result<(), ModelError> {
    let agree = |holders: String, account_fen: Fen, cash_fen: Fen| {
        if account_fen == cash_fen {
            Ok(())
        } else {
            Err(ModelError::CashMismatch {
                replicate,
                holders,
                account_fen: account_fen.0,
                cash_fen: cash_fen.0,
            })
        }
    };
    for (s, accounts) in world.accounts.at_site.iter().enumerate() {
        let cash_fen: Fen = world
            .crews
            .site
            .iter()
            .zip(&world.crews.member_cash)
            .filter(|(site, _)| site.0 as usize == s)
            .flat_map(|(_, purses)| purses.iter().copied())
            .sum();
        agree(
            format!("porters at {}", params.sites[s].id),
            world.ledger.balance(accounts.porters),
            cash_fen,
        )?;
    }
    agree(
        "embassies".to_owned(),
        world.ledger.balance(world.accounts.diplomats),
        world.embassy_cash.iter().copied().sum(),
    )
}

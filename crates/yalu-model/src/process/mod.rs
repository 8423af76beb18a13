//! The daily processes, one file each, named after what they do. The engine calls them in
//! schedule order ([`crate::engine::step_day`]); each documents when it runs, the parameters
//! it reads and the ledger entries it makes.

use rand_distr::{Distribution, StandardNormal};

use crate::ledger::AccountId;
use crate::params::ModelParams;
use crate::streams::Rng;
use crate::units::Fen;
use crate::world::World;

pub mod consumption;
pub mod couriers;
pub mod declared_trade;
pub mod diplomats;
pub mod directives;
pub mod drugs;
pub mod enforcement;
pub mod hiring;
pub mod incomes;
pub mod labour;
pub mod livelihood;
pub mod maritime;
pub mod market;
pub mod pass_up;
pub mod porters;
pub mod state_smuggling;

/// Buffers the processes reuse from day to day, so the daily loop allocates nothing. They
/// belong to the processes, not to the world's state.
#[derive(Debug, Default)]
pub struct Scratch {
    /// A consignment's options, reused by every plan ([`state_smuggling`]).
    pub trade_options: Vec<state_smuggling::TradeOption>,
}

/// Interest the donju owe for laying out `outlay` for `days` days: on the part their cash
/// does not cover, which they borrow (`[finance]`, required wherever donju pay).
pub fn donju_interest(
    world: &World,
    params: &ModelParams,
    donju: AccountId,
    outlay: Fen,
    days: f64,
) -> Fen {
    let own = world.ledger.balance(donju).max(Fen::ZERO);
    if outlay <= own {
        return Fen::ZERO;
    }
    Fen::from_cny((outlay - own).cny() * donju_credit_cost_per_day(params) * days)
}

/// What a day's use of money costs the donju.
pub fn donju_credit_cost_per_day(params: &ModelParams) -> f64 {
    params
        .finance
        .as_ref()
        .expect("validated: [finance] is required wherever donju pay")
        .donju_credit_cost_per_day
}

/// A lognormal price factor with mean 1: `exp(s z - s^2 / 2)`.
pub fn price_factor(rng: &mut Rng, sigma: f64) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    (sigma * z - sigma * sigma / 2.0).exp()
}

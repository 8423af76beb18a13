//! The daily processes, one file each, named after what they do. The engine calls them in
//! schedule order ([`crate::engine::step_day`]); each documents when it runs, the parameters
//! it reads and the ledger entries it makes.

use rand_distr::{Distribution, StandardNormal};

use crate::streams::Rng;

pub mod consumption;
pub mod couriers;
pub mod diplomats;
pub mod directives;
pub mod drugs;
pub mod enforcement;
pub mod hiring;
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

/// A lognormal price factor with mean 1: `exp(s z - s^2 / 2)`.
pub fn price_factor(rng: &mut Rng, sigma: f64) -> f64 {
    let z: f64 = StandardNormal.sample(rng);
    (sigma * z - sigma * sigma / 2.0).exp()
}

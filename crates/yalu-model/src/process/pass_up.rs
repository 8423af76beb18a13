//! Officials pass part of their take up their chain.
//!
//! - **When**: the last day of each month.
//! - **What**: for each agency, each site's unit passes `pass_up.unit_to_senior` of what it
//!   took this month to the agency's senior officials, who pass `pass_up.senior_to_centre`
//!   of what they received to the centre.
//! - **Ledger**: unit -> senior officials (pass-up); senior officials -> centre (pass-up).

use crate::ledger::{LedgerError, Purpose};
use crate::params::{Agency, ModelParams};
use crate::units::Fen;
use crate::world::World;

/// Passes the month's take up every agency's chain.
pub fn run(world: &mut World, params: &ModelParams) -> Result<(), LedgerError> {
    let Some(pass_up) = &params.pass_up else {
        return Ok(());
    };
    for (a, _) in Agency::ALL.iter().enumerate() {
        let senior = world.accounts.seniors[a];
        let mut received = Fen::ZERO;
        for (site, takes) in world.official_take_this_month.iter_mut().enumerate() {
            let passed = takes[a].share(pass_up.unit_to_senior[a]);
            world.ledger.transfer(
                world.accounts.at_site[site].officials[a],
                senior,
                passed,
                Purpose::PassUp,
            )?;
            received += passed;
            takes[a] = Fen::ZERO;
        }
        let to_centre = received.share(pass_up.senior_to_centre[a]);
        world
            .ledger
            .transfer(senior, world.accounts.centre, to_centre, Purpose::PassUp)?;
    }
    Ok(())
}

//! Officials pass part of their take up their chain.
//!
//! - **When**: the last day of each month.
//! - **What**: each site's border guard unit passes `pass_up.border_guards_to_command` of
//!   what it took this month to the border guard command, which passes
//!   `pass_up.command_to_centre` of what it received to the centre.
//! - **Ledger**: border guards -> border guard command (pass-up);
//!   border guard command -> centre (pass-up).

use crate::ledger::{LedgerError, Purpose};
use crate::params::ModelParams;
use crate::units::Fen;
use crate::world::World;

/// Passes the month's take up the border guard chain.
pub fn run(world: &mut World, params: &ModelParams) -> Result<(), LedgerError> {
    let command = world.accounts.border_guard_command;
    let mut command_received = Fen::ZERO;
    for (site, take) in world.guard_take_this_month.iter_mut().enumerate() {
        let passed = take.share(params.pass_up.border_guards_to_command);
        world.ledger.transfer(
            world.accounts.at_site[site].border_guards,
            command,
            passed,
            Purpose::PassUp,
        )?;
        command_received += passed;
        *take = Fen::ZERO;
    }
    let to_centre = command_received.share(params.pass_up.command_to_centre);
    world
        .ledger
        .transfer(command, world.accounts.centre, to_centre, Purpose::PassUp)
}

//! Porters spend their pay on rice at the market price.
//!
//! - **When**: every day, after the crossings.
//! - **What**: each porter with unspent pay buys rice with all of it at the site's price of
//!   the day; the rice is counted in the month's tally.
//! - **Ledger**: porters -> rice traders (purchase), one entry per site and day.

use crate::calendar::Day;
use crate::ledger::{LedgerError, Purpose};
use crate::params::SiteId;
use crate::units::Fen;
use crate::world::World;

/// Spends every porter's cash on rice.
pub fn run(world: &mut World, day: Day) -> Result<(), LedgerError> {
    let month = world.calendar.month_index(day);
    let porters = &mut world.porters;
    // Only the members of the crews paid since yesterday hold cash, and what they hold at
    // each site is already summed (sums of fen are exact in any order).
    let crews = &mut world.crews;
    for crew in crews.paid.drain(..) {
        crews.member_cash[crew as usize].fill(Fen::ZERO);
    }
    let spent_at_site = &mut world.spent_at_site;
    spent_at_site.clear();
    spent_at_site.extend_from_slice(&porters.paid_at_site);
    porters.paid_at_site.fill(Fen::ZERO);
    for (site, &spent) in spent_at_site.iter().enumerate() {
        if spent == Fen::ZERO {
            continue;
        }
        let accounts = world.accounts.at_site[site];
        world.ledger.transfer(
            accounts.porters,
            accounts.rice_traders,
            spent,
            Purpose::Purchase,
        )?;
        let rice_kg = spent.cny() / world.markets.rice_price_cny_per_kg[site];
        world
            .metrics
            .porter_month(month, SiteId(site as u16))
            .rice_bought_kg += rice_kg;
    }
    Ok(())
}

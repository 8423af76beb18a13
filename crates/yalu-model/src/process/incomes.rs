//! Border households' income besides smuggling and porterage: state wages, rations and
//! market trade.
//!
//! - **When**: last day of each month, after the day's trips and before the month closes.
//! - **What**: at each site with n households,
//!   - state wages `n w m` won, m the market events' `wage_multiplier` there (the wage
//!     reform), paid whatever happens at the border;
//!   - rations `n g` kg of grain, counted as rice, in kind;
//!   - market trade `n t (1 - i + i min(S / S0, 2))` won: the part `i` in imported goods
//!     shrinks with the essentials reaching the market (S, smoothed, against S0 in
//!     normal times), the rest goes on.
//!
//!   Won are turned into yuan at the site's rate of the day. The month's income in won
//!   (`income_kpw`) counts every money income at that rate and rations at the won rice
//!   price; in rice, money at the yuan rice price plus the rations.
//! - **Parameters**: `households.state_wage_kpw_per_month` (w),
//!   `ration_rice_kg_per_month` (g), `market_trade_kpw_per_month` (t),
//!   `market_trade_import_share` (i).
//! - **Ledger**: centre -> households (wage); market buyers -> households (sale).

use crate::calendar::Day;
use crate::events::{EventChannel, Target};
use crate::ledger::{LedgerError, Purpose};
use crate::params::{ModelParams, SiteId};
use crate::units::Fen;
use crate::world::World;

/// Pays the month's wages, rations and market trade at every site with households.
pub fn run(world: &mut World, params: &ModelParams, day: Day) -> Result<(), LedgerError> {
    let Some(h) = &params.households else {
        return Ok(());
    };
    let month = world.calendar.month_index(day);
    for (s, &households) in h.households_at_site.iter().enumerate() {
        if households == 0 {
            continue;
        }
        let site = SiteId(s as u16);
        let n = f64::from(households);
        let policy = world
            .calendar
            .conditions(EventChannel::Market, Target::Site(site), day);
        let markets = &world.markets;
        let rate = markets.won_per_cny[s];
        let normal_supply = markets.essentials_normal_supply_kg_per_day[s];
        let supply_ratio = if normal_supply > 0.0 {
            (markets.essentials_supply_kg_per_day[s] / normal_supply).min(2.0)
        } else {
            1.0
        };
        let trade_share =
            1.0 - h.market_trade_import_share + h.market_trade_import_share * supply_ratio;
        let wages = Fen::from_cny(n * h.state_wage_kpw_per_month * policy.wage / rate);
        let trade = Fen::from_cny(n * h.market_trade_kpw_per_month * trade_share / rate);
        let rations_kg = n * h.ration_rice_kg_per_month;
        let accounts = world.accounts.at_site[s];
        world.ledger.transfer(
            world.accounts.centre,
            accounts.households,
            wages,
            Purpose::Wage,
        )?;
        world.ledger.transfer(
            accounts.market_buyers,
            accounts.households,
            trade,
            Purpose::Sale,
        )?;
        let (rice_cny, rice_kpw) = (
            markets.rice_price_cny_per_kg[s],
            markets.rice_price_kpw_per_kg[s],
        );
        let tally = world.metrics.household_month(month, site);
        tally.state_wages += wages;
        tally.market_trade += trade;
        tally.rations_rice_kg += rations_kg;
        tally.income_rice_kg += (wages + trade).cny() / rice_cny + rations_kg;
        tally.income_kpw = tally.money_income().cny() * rate + rations_kg * rice_kpw;
    }
    Ok(())
}

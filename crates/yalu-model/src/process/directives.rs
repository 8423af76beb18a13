//! Room 39's monthly directives.
//!
//! - **When**: the first day of each month.
//! - **What**: Room 39 sets how many units of each state-traded good are to move this
//!   month (its target, times the takeover multiplier once the takeover has begun), split
//!   across the provincial trading bureaus by their shares. Unused quota lapses.
//! - **Parameters**: `state_trade.goods[].monthly_target_units`,
//!   `state_trade.bureaus[].share_of_targets`, `takeover.first_day`,
//!   `takeover.state_trade_multiplier`.
//! - **Ledger**: none.

use crate::calendar::Day;
use crate::params::ModelParams;
use crate::world::World;

/// Sets this month's quotas.
pub fn run(world: &mut World, params: &ModelParams, day: Day) {
    let Some(trade) = &params.state_trade else {
        return;
    };
    let date = world.calendar.date(day);
    let multiplier = params
        .takeover
        .filter(|t| date >= t.first_day)
        .map_or(1.0, |t| t.state_trade_multiplier);
    let goods = trade.goods.len();
    for (b, bureau) in trade.bureaus.iter().enumerate() {
        for (g, good) in trade.goods.iter().enumerate() {
            world.quota_left[b * goods + g] =
                good.monthly_target_units * multiplier * bureau.share_of_targets;
        }
    }
}

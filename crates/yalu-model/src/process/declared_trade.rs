//! Declared trade with China: the trade China's customs count, by category of goods and
//! by mode (road, rail, sea), with its capacity, the events that stop or cut it, and the
//! levy.
//!
//! - **When**: every day, after the land crossings.
//! - **What**: each category c orders `usd_per_month x mode_share / days_in_month` a day by
//!   each mode m, on top of the orders still waiting (its backlog). The events on
//!   `declared_trade` at (m, c) give a capacity share k: a sanctions ban stops its
//!   categories (k = 0), a closure stops a mode, a partial resumption cuts it. Each
//!   category has its lane of the mode's capacity, in proportion to its normal value by
//!   that mode: it sends at most `k x <mode>_capacity_usd_per_month x (its normal value
//!   by m / all categories' normal value by m) / days_in_month` a day (a banned
//!   category's lane stays empty). What is not sent waits, up to `pent_up_months` of the
//!   category's normal value by that mode, and the rest is lost. After a reopening the
//!   waiting orders are sent as fast as the lane's capacity allows, so the rebound is
//!   bounded by it. The levels follow the normal values and the events' dates: nothing
//!   here makes them emerge.
//! - **Parameters**: `[declared_trade]` (`categories[]`: `direction`, `usd_per_month`,
//!   `road_share`, `rail_share`; the capacities by mode, `pent_up_months`,
//!   `margin_share`), `state_trade.official_levy_share` and `state_trade.room39_share`,
//!   the exchange rate of the day.
//! - **Ledger**: exports: Chinese merchants -> declared traders (sale, the value V),
//!   declared traders -> suppliers (purchase, V (1 - margin)); imports: domestic buyers ->
//!   declared traders (sale, V (1 + margin)), declared traders -> Chinese merchants
//!   (purchase, V). Then declared traders -> centre (levy: `official_levy_share` x the
//!   events' levy multiplier of the margin) and -> Room 39 (remittance: `room39_share` of
//!   what the margin leaves after the levy), so the foreign currency of declared trade
//!   shows as its own channel. The traders are paid before they pay, so no credit is
//!   needed.

use crate::calendar::Day;
use crate::events::{EventChannel, Target};
use crate::ledger::{LedgerError, Purpose};
use crate::params::{CategoryId, DeclaredTrade, Direction, ModelParams, TradeMode};
use crate::units::Fen;
use crate::world::World;

/// Sends today's declared trade by every mode and posts its money.
pub fn run(world: &mut World, params: &ModelParams, day: Day) -> Result<(), LedgerError> {
    let Some(trade) = &params.declared_trade else {
        return Ok(());
    };
    let days = f64::from(world.calendar.days_in_month(day));
    for mode in TradeMode::ALL {
        // The mode's capacity per dollar of its normal trade: each category has its lane.
        let normal_usd: f64 = trade
            .categories
            .iter()
            .map(|c| c.usd_per_month * c.mode_share(mode))
            .sum();
        let headroom = if normal_usd > 0.0 {
            trade.capacity_usd_per_month(mode) / normal_usd
        } else {
            0.0
        };
        for (c, category) in trade.categories.iter().enumerate() {
            let normal_today_usd = category.usd_per_month * category.mode_share(mode) / days;
            let events = world.calendar.conditions(
                EventChannel::DeclaredTrade,
                Target::Declared(mode, CategoryId(c as u16)),
                day,
            );
            let cell = c * TradeMode::ALL.len() + mode.index();
            let wanted_usd = normal_today_usd + world.declared_backlog_usd[cell];
            let sent_usd = wanted_usd.min(events.capacity * headroom * normal_today_usd);
            world.declared_backlog_usd[cell] =
                (wanted_usd - sent_usd).min(trade.pent_up_months * normal_today_usd * days);
            if sent_usd > 0.0 {
                settle(
                    world,
                    params,
                    trade,
                    Lane { mode, category: c },
                    sent_usd,
                    events.levy,
                    day,
                )?;
            }
        }
    }
    Ok(())
}

/// A category's lane of a mode.
struct Lane {
    mode: TradeMode,
    category: usize,
}

/// Records what crossed and moves the money for it; `levy_factor` is the events' levy
/// multiplier on the lane.
fn settle(
    world: &mut World,
    params: &ModelParams,
    trade: &DeclaredTrade,
    Lane { mode, category }: Lane,
    sent_usd: f64,
    levy_factor: f64,
    day: Day,
) -> Result<(), LedgerError> {
    let month = world.calendar.month_index(day);
    world
        .metrics
        .record_declared(month, CategoryId(category as u16), mode, sent_usd);
    let value = Fen::from_cny(sent_usd * params.exchange.cny_per_usd(world.calendar.date(day)));
    let margin = value.share(trade.margin_share);
    let a = &world.accounts;
    let (traders, ledger) = (a.declared_traders, &mut world.ledger);
    match trade.categories[category].direction {
        Direction::Export => {
            ledger.transfer(a.chinese_merchants, traders, value, Purpose::Sale)?;
            ledger.transfer(
                traders,
                a.declared_suppliers,
                value - margin,
                Purpose::Purchase,
            )?;
        }
        Direction::Import => {
            ledger.transfer(a.domestic_buyers, traders, value + margin, Purpose::Sale)?;
            ledger.transfer(traders, a.chinese_merchants, value, Purpose::Purchase)?;
        }
    }
    // A scenario with declared trade has state trade (the checker requires it); a model
    // built without it levies nothing and the traders keep their margin.
    let (levy_share, room39_share) = params
        .state_trade
        .as_ref()
        .map_or((0.0, 0.0), |s| (s.official_levy_share, s.room39_share));
    let levy = margin.share((levy_share * levy_factor).min(1.0));
    ledger.transfer(traders, a.centre, levy, Purpose::Levy)?;
    ledger.transfer(
        traders,
        a.room39,
        (margin - levy).share(room39_share),
        Purpose::Remittance,
    )
}

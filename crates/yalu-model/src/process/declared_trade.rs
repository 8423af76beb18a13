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
//!   needed. Each lane's amounts are priced to the fen, summed over the lanes and posted
//!   once a day.

use crate::calendar::Day;
use crate::events::{EventChannel, Target};
use crate::ledger::{LedgerError, Purpose};
use crate::params::{CategoryId, Direction, ModelParams, TradeMode};
use crate::units::Fen;
use crate::world::World;

/// Sends today's declared trade by every mode and posts its money.
pub fn run(world: &mut World, params: &ModelParams, day: Day) -> Result<(), LedgerError> {
    let Some(trade) = &params.declared_trade else {
        return Ok(());
    };
    let days = f64::from(world.calendar.days_in_month(day));
    let month = world.calendar.month_index(day);
    let cny_per_usd = params.exchange.cny_per_usd(world.calendar.date(day));
    // A scenario with declared trade has state trade (the checker requires it); a model
    // built without it levies nothing and the traders keep their margin.
    let (levy_share, room39_share) = params
        .state_trade
        .as_ref()
        .map_or((0.0, 0.0), |s| (s.official_levy_share, s.room39_share));
    // The day's money, summed over the lanes (each lane's amounts rounded to the fen as
    // it is priced), then posted once: the same monthly flows as a posting per lane.
    let mut day_money = DayMoney::default();
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
                world
                    .metrics
                    .record_declared(month, CategoryId(c as u16), mode, sent_usd);
                let value = Fen::from_cny(sent_usd * cny_per_usd);
                let margin = value.share(trade.margin_share);
                let levy = margin.share((levy_share * events.levy).min(1.0));
                day_money.add(category.direction, value, margin);
                day_money.levy += levy;
                day_money.remittance += (margin - levy).share(room39_share);
            }
        }
    }
    day_money.post(world)
}

/// What the day's declared trade moves, by payment.
#[derive(Default)]
struct DayMoney {
    /// Exports: paid by the Chinese merchants (V), and to the suppliers (V less the margin).
    export_sales: Fen,
    export_purchases: Fen,
    /// Imports: paid by the domestic buyers (V plus the margin), and to the Chinese
    /// merchants (V).
    import_sales: Fen,
    import_purchases: Fen,
    levy: Fen,
    remittance: Fen,
}

impl DayMoney {
    fn add(&mut self, direction: Direction, value: Fen, margin: Fen) {
        match direction {
            Direction::Export => {
                self.export_sales += value;
                self.export_purchases += value - margin;
            }
            Direction::Import => {
                self.import_sales += value + margin;
                self.import_purchases += value;
            }
        }
    }

    /// Posts the day's payments: the traders are paid before they pay.
    fn post(self, world: &mut World) -> Result<(), LedgerError> {
        let a = &world.accounts;
        let (traders, ledger) = (a.declared_traders, &mut world.ledger);
        ledger.transfer(
            a.chinese_merchants,
            traders,
            self.export_sales,
            Purpose::Sale,
        )?;
        ledger.transfer(a.domestic_buyers, traders, self.import_sales, Purpose::Sale)?;
        ledger.transfer(
            traders,
            a.declared_suppliers,
            self.export_purchases,
            Purpose::Purchase,
        )?;
        ledger.transfer(
            traders,
            a.chinese_merchants,
            self.import_purchases,
            Purpose::Purchase,
        )?;
        ledger.transfer(traders, a.centre, self.levy, Purpose::Levy)?;
        ledger.transfer(traders, a.room39, self.remittance, Purpose::Remittance)
    }
}

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
//!   bounded by it.
//! - **Substitution**: of today's orders a lane cannot send (its waiting orders go first),
//!   a share s moves to another mode, s = `land_substitution_share` between road and rail
//!   (they cross at the same posts, the Dandong-Sinuiju bridge carrying both) and
//!   `sea_substitution_share` between sea and land. The other mode m' takes them, in the
//!   order road, rail, sea, up to what it can still carry today:
//!   `k(m', c) x <m'>_capacity_usd_per_month / days_in_month` less what it has sent today,
//!   k(m', c) being the events' capacity share of that mode for the category (a banned
//!   category moves nowhere; the lanes of banned categories leave room on the trains).
//!   Categories take the room in their order. What moves no longer waits; the rest waits
//!   as above. At s = 0 nothing moves. The levels follow the normal values, the events'
//!   dates and these shares: nothing here makes them emerge.
//! - **To the markets**: of each import category's value sent today, `market_share` is
//!   sold in the border markets as essentials: it joins today's essentials supply there
//!   in kg (the value in yuan at the day's rate over the essentials good's Chinese price,
//!   since customs value goods at what they cost in China), and the month's total in
//!   dollars is what the rice price reads (`market`). At 0 nothing reaches them.
//! - **Parameters**: `[declared_trade]` (`categories[]`: `direction`, `usd_per_month`,
//!   `road_share`, `rail_share`, `market_share`; the capacities by mode, `pent_up_months`,
//!   `export_margin_share` and `import_margin_share`, `land_substitution_share`,
//!   `sea_substitution_share`),
//!   `state_trade.official_levy_share` and `state_trade.room39_share`, the exchange rate
//!   of the day.
//! - **Ledger**: exports: Chinese merchants -> declared traders (sale, the value V),
//!   declared traders -> suppliers (purchase, V (1 - export margin)); imports: domestic
//!   buyers -> declared traders (sale, V (1 + import margin)), declared traders -> Chinese
//!   merchants (purchase, V). Then declared traders -> centre (levy: `official_levy_share` x the
//!   events' levy multiplier of the margin) and -> Room 39 (remittance: `room39_share` of
//!   what the margin leaves after the levy), so the foreign currency of declared trade
//!   shows as its own channel; orders that moved are priced as the mode that carried them
//!   (its levy multiplier). The traders are paid before they pay, so no credit is
//!   needed. Each lane's amounts are priced to the fen, summed over the lanes and posted
//!   once a day.

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
    let month = world.calendar.month_index(day);
    // A scenario with declared trade has state trade (the checker requires it); a model
    // built without it levies nothing and the traders keep their margin.
    let (levy_share, room39_share) = params
        .state_trade
        .as_ref()
        .map_or((0.0, 0.0), |s| (s.official_levy_share, s.room39_share));
    let date = world.calendar.date(day);
    let mut day_trade = DayTrade {
        trade,
        month,
        cny_per_usd: params.exchange.cny_per_usd(date),
        essentials_kg_per_usd: params.essentials_kg_per_usd(date),
        levy_share,
        room39_share,
        money: DayMoney::default(),
        used_usd: [0.0; TradeMode::ALL.len()],
    };
    // What each lane could not send today: all of it, and the part that is today's orders.
    let rerouting = trade.substitutes();
    let mut unsent = Vec::with_capacity(if rerouting {
        world.declared_backlog_usd.len()
    } else {
        0
    });
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
            let category_id = CategoryId(c as u16);
            let normal_today_usd = category.usd_per_month * category.mode_share(mode) / days;
            let events = world.calendar.conditions(
                EventChannel::DeclaredTrade,
                Target::Declared(mode, category_id),
                day,
            );
            let cell = cell(category_id, mode);
            let wanted_usd = normal_today_usd + world.declared_backlog_usd[cell];
            let sent_usd = wanted_usd.min(events.capacity * headroom * normal_today_usd);
            let unsent_usd = wanted_usd - sent_usd;
            world.declared_backlog_usd[cell] =
                trade.waiting_usd(unsent_usd, normal_today_usd, days);
            day_trade.send(world, category_id, mode, sent_usd, events.levy);
            if rerouting {
                unsent.push(Unsent {
                    orders_usd: unsent_usd,
                    todays_usd: unsent_usd.min(normal_today_usd),
                    normal_today_usd,
                });
            }
        }
    }
    if rerouting {
        reroute(world, &mut day_trade, &unsent, day);
    }
    day_trade.money.post(world)
}

/// The position of a lane in the backlog (by mode within category, as it is allocated).
fn cell(category: CategoryId, mode: TradeMode) -> usize {
    category.0 as usize * TradeMode::ALL.len() + mode.index()
}

/// What a lane could not send today, in US dollars.
struct Unsent {
    /// All its unsent orders, today's and those that were waiting.
    orders_usd: f64,
    /// The part of them ordered today (the waiting orders go first).
    todays_usd: f64,
    /// The lane's normal value a day, which bounds what may wait.
    normal_today_usd: f64,
}

/// Moves a share of today's orders each lane could not send (`land_substitution_share`
/// between road and rail, `sea_substitution_share` between sea and land) to the other
/// modes the events leave open to the category, within what those modes can still carry
/// today; what they take no longer waits.
fn reroute(world: &mut World, day_trade: &mut DayTrade, unsent: &[Unsent], day: Day) {
    let trade = day_trade.trade;
    let days = f64::from(world.calendar.days_in_month(day));
    // `unsent` was filled mode by mode, category within mode.
    let lane = |c: usize, mode: TradeMode| &unsent[mode.index() * trade.categories.len() + c];
    for c in 0..trade.categories.len() {
        let category = CategoryId(c as u16);
        for from in TradeMode::ALL {
            let left = lane(c, from);
            let mut moved_usd = 0.0;
            for to in TradeMode::ALL.into_iter().filter(|&m| m != from) {
                let offered_usd = (trade.substitution_share(from, to) * left.todays_usd)
                    .min(left.todays_usd - moved_usd);
                if offered_usd <= 0.0 {
                    continue;
                }
                let events = world.calendar.conditions(
                    EventChannel::DeclaredTrade,
                    Target::Declared(to, category),
                    day,
                );
                let spare_usd = events.capacity * trade.capacity_usd_per_month(to) / days
                    - day_trade.used_usd[to.index()];
                let taken_usd = offered_usd.min(spare_usd.max(0.0));
                if taken_usd > 0.0 {
                    day_trade.send(world, category, to, taken_usd, events.levy);
                    moved_usd += taken_usd;
                }
            }
            if moved_usd == 0.0 {
                continue;
            }
            world.declared_backlog_usd[cell(category, from)] =
                trade.waiting_usd(left.orders_usd - moved_usd, left.normal_today_usd, days);
        }
    }
}

/// The day's sending: where it is priced, and what each mode has carried so far.
struct DayTrade<'a> {
    trade: &'a DeclaredTrade,
    month: usize,
    cny_per_usd: f64,
    /// Kilograms of essentials a dollar of imports sold in the markets brings.
    essentials_kg_per_usd: f64,
    levy_share: f64,
    room39_share: f64,
    money: DayMoney,
    /// US dollars each mode has carried today, by [`TradeMode::index`].
    used_usd: [f64; TradeMode::ALL.len()],
}

impl DayTrade<'_> {
    /// Records `usd` of a category sent by `mode` and prices its money (each lane's
    /// amounts rounded to the fen, summed over the lanes and posted once a day: the same
    /// monthly flows as a posting per lane).
    fn send(
        &mut self,
        world: &mut World,
        category: CategoryId,
        mode: TradeMode,
        usd: f64,
        levy: f64,
    ) {
        if usd <= 0.0 {
            return;
        }
        self.used_usd[mode.index()] += usd;
        world
            .metrics
            .record_declared(self.month, category, mode, usd);
        let value = Fen::from_cny(usd * self.cny_per_usd);
        let category = &self.trade.categories[category.0 as usize];
        let margin = value.share(self.trade.margin_share(category.direction));
        let levy = margin.share((self.levy_share * levy).min(1.0));
        let market_usd = usd * category.sold_in_markets_share();
        if market_usd > 0.0 {
            let markets = &mut world.markets;
            markets.declared_market_usd_this_month += market_usd;
            markets.declared_essentials_kg_today += market_usd * self.essentials_kg_per_usd;
        }
        self.money.add(category.direction, value, margin);
        self.money.levy += levy;
        self.money.remittance += (margin - levy).share(self.room39_share);
    }
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

//! Trading companies plan consignments and send them by state smuggling or through
//! official customs; the donju finance them and pay the bribes.
//!
//! - **When**: every day, after the porter crews.
//! - **Capacity**: each crossing lets `loads_per_night x (1 - capacity_effect x E) x k`
//!   loads across tonight, k the events' capacity share at its site (0 while an event stops
//!   state smuggling there); ice trucks need a frozen river, boats an open one.
//! - **Planning**: each company plans with probability `planning_probability_per_day`. It
//!   draws a good in proportion to the consignments its bureau still needs this month
//!   (remaining quota / mean consignment), times `exp(goods_shift_sensitivity x m)` with
//!   `[adaptation]`, m the net margin the company has learned on the good (profit over value
//!   sent, a seizure counting as the loss of its costs; `m' = m + a (margin - m)`, a
//!   `goods_margin_learning_rate`), and a consignment of
//!   Uniform{min..max} units, capped by the quota. It then values every option open to it:
//!   state smuggling at each crossing in its bureau's province whose mode can carry the
//!   good and has capacity left (the consignment shrinks to fit), and the official customs
//!   route at the bureau's customs site unless an event stops declared trade in the good
//!   there (a sanctions ban, a closure) (at a capacity share k < 1, customs takes the consignment
//!   with probability k). Events also multiply the bribes per load at a crossing and the
//!   levy at customs.
//! - **Price of protection** (`[adaptation]`, if present): the bribes per load at a crossing
//!   respond to enforcement and demand, `b = b0 x events' factor x exp(e_E (P - P0) + e_D
//!   (u - u0))`, where P = E x the events' risk factor at the site is the
//!   enforcement pressure, u the share of the crossing's nightly loads already taken
//!   tonight (enforcement and events that cut capacity raise it), and b0, P0, u0 the
//!   recorded prices and the conditions they were paid under (e_E
//!   `protection_enforcement_elasticity`, P0 `protection_reference_enforcement`, e_D
//!   `protection_demand_elasticity`, u0 `protection_reference_utilisation`). Companies
//!   value the options at tonight's price and pay it.
//!   Expected profit: smuggling `(1 - r) V - O - f O`, where r is the seizure risk the
//!   company has learned at that crossing (not the true risk) and O = C + B + L + X the
//!   money laid out; official `(V - C - L)(1 - levy) - f (C + L)(1 + d)` (the levy on positive
//!   profit). V: value at the sale price, C: purchase, B: bribes per load for each agency,
//!   L: labour, the mode's `labour_cny_per_load` per load of cargo or
//!   `vehicle_labour_cny_per_unit` per vehicle driven across, X: the Chinese side's leg,
//!   `chinese_leg_cny_per_load` per load of cargo times the bribes' factor (brokers,
//!   drivers and officials on the far bank; a vehicle driven across pays it inside its
//!   Chinese price), f:
//!   `finance.donju_credit_cost_per_day`, d:
//!   `official_clearance_days` (a smuggled load crosses in one night). A good under
//!   sanction that is smuggled trades at a worse Chinese price: exports lose
//!   `sanctioned_export_discount` of it, imports pay `sanctioned_import_premium` on top.
//! - **Finance and choice**: the donju decline unless the best option's expected profit is
//!   at least `donju_hurdle_return` of the money laid out. Among the options that clear it,
//!   the company picks by a logit on expected margin (profit / V) with scale
//!   `choice_sensitivity`. The donju at the site must be able to pay the outlay and the
//!   interest on its borrowed part (what they hold plus what is left of their credit
//!   line, `[finance]`); otherwise the consignment is not sent (`trips_unaffordable`)
//!   and uses no quota or capacity.
//! - **Crossing**: a smuggled consignment is seized whole with the true probability
//!   (mode base x barrier and enforcement effects x the events' risk multiplier); the
//!   company updates its learned risk
//!   at that crossing: `r' = r + a (seized - r)`.
//! - **Ledger**: donju -> suppliers (export purchase) or Chinese merchants (import
//!   purchase); donju -> Chinese merchants (fee: the Chinese leg, smuggling only); donju ->
//!   each agency's officials at the site (bribe, smuggling only);
//!   donju -> households (wage, transport labour); donju -> moneylenders (interest on the
//!   borrowed part, owed whether or not the goods are seized); then, if not seized,
//!   Chinese merchants (export) or domestic buyers (import) -> donju (sale); donju ->
//!   centre (levy, official route, on positive profit); donju -> trading company (fee:
//!   `company_share` of profit after levy); company -> bureau (fee: `bureau_fee_share` of
//!   the company's take);
//!   company -> Room 39 (remittance: `room39_share` of it).

use rand::RngExt;

use crate::calendar::Day;
use crate::events::{Conditions, EventChannel, Target};
use crate::ledger::{LedgerError, Purpose};
use crate::observe::{Activity, Channel, FlowKey, Outcome};
use crate::params::{
    Agency, Direction, GoodId, Mode, ModelParams, SiteId, StateGood, StateTrade, UnitPrices,
};
use crate::process::enforcement::seizure_probability;
use crate::process::{donju_credit_cost_per_day, donju_interest, price_factor};
use crate::streams::Rng;
use crate::units::{Fen, round_to_i64};
use crate::world::World;

/// Where and how a consignment crosses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    /// The crossing (index into `params.crossings`) for smuggling; `None` for official.
    pub crossing: Option<usize>,
    /// Where it crosses.
    pub site: SiteId,
    /// How.
    pub mode: Mode,
}

/// A way a consignment could go.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TradeOption {
    /// The good (index into `state_trade.goods`).
    pub state_good: usize,
    /// Where and how.
    pub route: Route,
    /// Units sent (shrunk to fit tonight's capacity).
    pub units: f64,
    /// Loads needed.
    pub loads: u64,
    /// Expected profit, in yuan.
    pub expected_profit_cny: f64,
    /// Money laid out before any sale, in yuan.
    pub outlay_cny: f64,
    /// Expected profit as a share of value.
    pub margin: f64,
}

fn mode_usable_tonight(mode: Mode, river_frozen: bool) -> bool {
    match mode {
        Mode::Convoy => true,
        Mode::IceTruck => river_frozen,
        Mode::Boat => !river_frozen,
        Mode::OnFoot | Mode::Ship => false,
    }
}

fn mode_carries(mode: Mode, driven_across: bool) -> bool {
    match mode {
        Mode::Convoy | Mode::IceTruck => true,
        Mode::Boat => !driven_across,
        Mode::OnFoot | Mode::Ship => false,
    }
}

/// Runs the day's planning and crossings for every company; `trade_options` is reused
/// for each plan's options.
pub fn run(
    world: &mut World,
    params: &ModelParams,
    rng: &mut Rng,
    trade_options: &mut Vec<TradeOption>,
    day: Day,
) -> Result<(), LedgerError> {
    let Some(trade) = &params.state_trade else {
        return Ok(());
    };
    let frozen = world.calendar.river_frozen(day);
    let capacity_effect = params
        .enforcement
        .as_ref()
        .map_or(0.0, |e| e.capacity_effect);
    let capacity_factor = (1.0 - capacity_effect * world.enforcement).max(0.0);
    for (c, crossing) in params.crossings.iter().enumerate() {
        let events = world.calendar.conditions(
            EventChannel::StateSmuggling,
            Target::Site(crossing.site),
            day,
        );
        world.loads_left_tonight[c] = if mode_usable_tonight(crossing.mode, frozen) {
            (f64::from(crossing.loads_per_night) * capacity_factor * events.capacity).floor() as u32
        } else {
            0
        };
    }
    for company in 0..world.companies.bureau.len() {
        if rng.random_bool(trade.planning_probability_per_day) {
            plan_and_send(world, params, trade, rng, trade_options, day, company)?;
        }
    }
    Ok(())
}

/// A company learns the net margin of its latest consignment of a good (`[adaptation]`):
/// `m' = m + a (profit / value sent - m)`, a `goods_margin_learning_rate`.
fn learn_margin(
    world: &mut World,
    params: &ModelParams,
    company: usize,
    state_good: usize,
    profit: Fen,
    value_sent: Fen,
) {
    let (Some(a), Some(trade)) = (&params.adaptation, &params.state_trade) else {
        return;
    };
    if value_sent <= Fen::ZERO {
        return;
    }
    let cell = company * trade.goods.len() + state_good;
    let learned = &mut world.companies.learned_margin[cell];
    *learned += a.goods_margin_learning_rate * (profit.cny() / value_sent.cny() - *learned);
    world.companies.goods_taste[cell] = a.goods_factor(*learned);
}

/// Picks a state good with probability proportional to the consignments its bureau still
/// needs this month (remaining quota over the mean consignment), so that goods counted in
/// kilograms do not crowd out goods counted in units, times the company's taste for the
/// good's learned margin (`[adaptation]`, see [`crate::params::Adaptation::goods_factor`]); returns its
/// index in `state_trade.goods`.
fn pick_good(world: &World, trade: &StateTrade, company: usize, rng: &mut Rng) -> Option<usize> {
    let goods = &trade.goods;
    let bureau = world.companies.bureau[company].0 as usize;
    let quotas = &world.quota_left[bureau * goods.len()..(bureau + 1) * goods.len()];
    let taste = &world.companies.goods_taste[company * goods.len()..][..goods.len()];
    let weight = |g: usize| {
        let spec = &goods[g];
        let mean = f64::from(spec.consignment_units_min + spec.consignment_units_max) / 2.0;
        if quotas[g] < 1.0 {
            return 0.0;
        }
        quotas[g] / mean * taste[g]
    };
    let total: f64 = (0..goods.len()).map(weight).sum();
    if total <= 0.0 {
        return None;
    }
    let mut u = rng.random::<f64>() * total;
    for g in 0..goods.len() {
        let w = weight(g);
        if u < w {
            return Some(g);
        }
        u -= w;
    }
    (0..goods.len()).rev().find(|&g| weight(g) > 0.0)
}

/// Values one way of sending `units` of a state good: by smuggling at `crossing` with
/// learned seizure risk `risk`, or through official customs when `crossing` is `None`,
/// under the `events`' bribe or levy factors at the route's site.
fn value_option(
    params: &ModelParams,
    trade: &StateTrade,
    state_good: usize,
    units: f64,
    route: Route,
    (risk, sanctioned): (f64, bool),
    events: Conditions,
) -> TradeOption {
    let spec = &trade.goods[state_good];
    let good = &params.goods[spec.good.0 as usize];
    let loads = loads_for(params, spec, units, route.mode);
    let prices = trade.unit_prices_cny(good, sanctioned && route.crossing.is_some());
    let value = units * prices.sale_cny;
    let purchase = units * prices.purchase_cny;
    let labour = labour_cny(params, trade, spec, loads, route.mode);
    // The trade licence is paid on either route: to the centre at customs, or as its
    // equivalent in bribes when smuggled.
    let licence = units * spec.licence_cny_per_unit;
    // The donju's money is tied up for the night of a crossing, and at customs for the
    // clearance days too; what that costs is part of the expected profit.
    let financing = |outlay: f64, days: f64| outlay * donju_credit_cost_per_day(params) * days;
    let (expected_profit_cny, outlay_cny) = if route.crossing.is_some() {
        let bribes = smuggling_bribes_cny(trade, loads, licence, events.bribe);
        let outlay = purchase + bribes + labour + chinese_leg_cny(trade, spec, loads, events.bribe);
        (
            (1.0 - risk) * value - outlay - financing(outlay, 1.0),
            outlay,
        )
    } else {
        let profit = value - purchase - labour - licence;
        let outlay = purchase + labour + licence;
        (
            profit
                - levy_share(trade, events) * profit.max(0.0)
                - financing(outlay, 1.0 + trade.official_clearance_days),
            outlay,
        )
    };
    TradeOption {
        state_good,
        route,
        units,
        loads,
        expected_profit_cny,
        outlay_cny,
        margin: if value > 0.0 {
            expected_profit_cny / value
        } else {
            0.0
        },
    }
}

fn mode_params(params: &ModelParams, mode: Mode) -> &crate::params::ModeParams {
    params
        .modes
        .iter()
        .find(|m| m.mode == mode)
        .expect("validated: every mode used by a crossing has parameters")
}

fn loads_for(params: &ModelParams, spec: &StateGood, units: f64, mode: Mode) -> u64 {
    if spec.driven_across {
        return units.ceil() as u64;
    }
    let good = &params.goods[spec.good.0 as usize];
    let cargo = mode_params(params, mode).cargo_kg_per_load;
    (units * good.mass_kg_per_unit / cargo).ceil().max(1.0) as u64
}

/// The largest number of units that fits in `loads` loads.
fn units_fitting(params: &ModelParams, spec: &StateGood, loads: u32, mode: Mode) -> f64 {
    if spec.driven_across {
        return f64::from(loads);
    }
    let good = &params.goods[spec.good.0 as usize];
    let cargo = mode_params(params, mode).cargo_kg_per_load;
    (f64::from(loads) * cargo / good.mass_kg_per_unit).floor()
}

/// Every option open to a company for a consignment, written into `options`.
pub fn options(
    world: &World,
    params: &ModelParams,
    day: Day,
    company: usize,
    state_good: usize,
    units: f64,
    options: &mut Vec<TradeOption>,
) {
    options.clear();
    let Some(trade) = &params.state_trade else {
        return;
    };
    let bureau = world.companies.bureau[company];
    let spec = &trade.goods[state_good];
    let crossings = params.crossings.len();
    let sanctioned = world.calendar.sanctioned(spec.good, day);
    let value = |units: f64, route: Route, risk: f64| {
        let events = route_conditions(world, route, spec.good, day);
        let events = Conditions {
            bribe: bribe_factor(world, params, route, events),
            ..events
        };
        value_option(
            params,
            trade,
            state_good,
            units,
            route,
            (risk, sanctioned),
            events,
        )
    };
    for (c, crossing) in params.crossings.iter().enumerate() {
        let left = world.loads_left_tonight[c];
        if left == 0
            || params.sites[crossing.site.0 as usize].bureau != Some(bureau)
            || !mode_carries(crossing.mode, spec.driven_across)
        {
            continue;
        }
        let units = units.min(units_fitting(params, spec, left, crossing.mode));
        if units < 1.0 {
            continue;
        }
        let risk = world.companies.learned_risk[company * crossings + c];
        let route = Route {
            crossing: Some(c),
            site: crossing.site,
            mode: crossing.mode,
        };
        options.push(value(units, route, risk));
    }
    let route = Route {
        crossing: None,
        site: trade.bureaus[bureau.0 as usize].customs_site,
        mode: Mode::Convoy,
    };
    // A sanctions ban on the good stops it at customs, as any event stopping declared trade.
    if !route_conditions(world, route, spec.good, day).stopped() {
        options.push(value(units, route, 0.0));
    }
}

/// What the events in force set on a route today for a good: the smuggling channel at a
/// crossing's site, or declared trade in the good at the customs site.
fn route_conditions(world: &World, route: Route, good: GoodId, day: Day) -> Conditions {
    let (channel, target) = match route.crossing {
        Some(_) => (EventChannel::StateSmuggling, Target::Site(route.site)),
        None => (
            EventChannel::OfficialCustoms,
            Target::SiteGood(route.site, good),
        ),
    };
    world.calendar.conditions(channel, target, day)
}

/// The levy on declared trade's profit under the events in force (at most all of it).
fn levy_share(trade: &StateTrade, events: Conditions) -> f64 {
    (trade.official_levy_share * events.levy).min(1.0)
}

/// What a smuggled consignment pays the agencies at the crossing: the per-load bribes
/// (times the events' bribe factor), or the trade licence's equivalent where that is
/// larger (companies that skip the licence spend its price on bribes instead, so the two
/// are not paid twice).
fn smuggling_bribes_cny(trade: &StateTrade, loads: u64, licence_cny: f64, factor: f64) -> f64 {
    (loads as f64 * trade.bribe_cny_per_load.iter().sum::<f64>() * factor).max(licence_cny)
}

/// What border households are paid to take `loads` loads of a state good across: a
/// vehicle's own personnel cost when it is driven across, else its mode's pay per load.
fn labour_cny(
    params: &ModelParams,
    trade: &StateTrade,
    spec: &StateGood,
    loads: u64,
    mode: Mode,
) -> f64 {
    let per_load = if spec.driven_across {
        trade.vehicle_labour_cny_per_unit
    } else {
        mode_params(params, mode).labour_cny_per_load
    };
    loads as f64 * per_load
}

/// What the Chinese side's leg of a smuggled consignment costs: `chinese_leg_cny_per_load`
/// for each load of cargo, times the bribes' factor (protection on both banks answers to the
/// same enforcement and demand). Vehicles driven across pay it inside their Chinese price.
fn chinese_leg_cny(trade: &StateTrade, spec: &StateGood, loads: u64, factor: f64) -> f64 {
    if spec.driven_across {
        return 0.0;
    }
    loads as f64 * trade.chinese_leg_cny_per_load * factor
}

/// The factor on the per-load bribes at a route's crossing tonight: the events' factor
/// times the price of protection's response (`[adaptation]`) to the enforcement pressure
/// at the site (E times the events' risk factor) and to how much of the crossing's nightly
/// loads are already taken (a tightening or an event cutting capacity takes some too).
/// The events' factor alone on the official route or without the section.
fn bribe_factor(world: &World, params: &ModelParams, route: Route, events: Conditions) -> f64 {
    let (Some(c), Some(a)) = (route.crossing, &params.adaptation) else {
        return events.bribe;
    };
    let pressure = world.enforcement * events.risk;
    let nightly = f64::from(params.crossings[c].loads_per_night);
    let used = if nightly > 0.0 {
        1.0 - f64::from(world.loads_left_tonight[c]) / nightly
    } else {
        1.0
    };
    events.bribe * a.crossing_factor(pressure, used)
}

/// Whether the donju would finance an option: a positive expected profit of at least
/// `donju_hurdle_return` of the money laid out.
fn financed(o: &TradeOption, trade: &StateTrade) -> bool {
    o.expected_profit_cny > 0.0 && o.expected_profit_cny >= trade.donju_hurdle_return * o.outlay_cny
}

/// The donju's financing rule and the company's logit choice; `None` when no option
/// clears the hurdle.
pub fn choose(options: &[TradeOption], trade: &StateTrade, rng: &mut Rng) -> Option<TradeOption> {
    let financed = |o: &&TradeOption| financed(o, trade);
    let best = options
        .iter()
        .filter(financed)
        .map(|o| o.margin)
        .fold(f64::NEG_INFINITY, f64::max);
    if best == f64::NEG_INFINITY {
        return None;
    }
    let weight = |o: &TradeOption| (trade.choice_sensitivity * (o.margin - best)).exp();
    let total: f64 = options.iter().filter(financed).map(weight).sum();
    let mut u = rng.random::<f64>() * total;
    let mut last = None;
    for o in options.iter().filter(financed) {
        if u < weight(o) {
            return Some(*o);
        }
        u -= weight(o);
        last = Some(*o);
    }
    last
}

fn plan_and_send(
    world: &mut World,
    params: &ModelParams,
    trade: &StateTrade,
    rng: &mut Rng,
    trade_options: &mut Vec<TradeOption>,
    day: Day,
    company: usize,
) -> Result<(), LedgerError> {
    let bureau = world.companies.bureau[company].0 as usize;
    let Some(state_good) = pick_good(world, trade, company, rng) else {
        return Ok(());
    };
    let spec = &trade.goods[state_good];
    let quota_cell = bureau * trade.goods.len() + state_good;
    let drawn =
        f64::from(rng.random_range(spec.consignment_units_min..=spec.consignment_units_max));
    let units = drawn.min(world.quota_left[quota_cell].floor());
    options(
        world,
        params,
        day,
        company,
        state_good,
        units,
        trade_options,
    );
    // Declared trade at part capacity: customs clears this consignment with that chance.
    if let Some(official) = trade_options.iter().find(|o| o.route.crossing.is_none()) {
        let capacity = route_conditions(world, official.route, spec.good, day).capacity;
        if capacity < 1.0 && !rng.random_bool(capacity) {
            trade_options.retain(|o| o.route.crossing.is_some());
        }
    }
    let chosen = choose(trade_options, trade, rng);
    let Some(chosen) = chosen else {
        return Ok(());
    };
    let month = world.calendar.month_index(day);
    let outlay = Outlay::of(world, params, trade, day, &chosen);
    let donju = world.accounts.at_site[chosen.route.site.0 as usize].donju;
    if !world.ledger.can_pay(donju, outlay.total()) {
        world
            .metrics
            .add_activity(month, Activity::TripsUnaffordable, 1.0);
        return Ok(());
    }
    let financed = |o: &TradeOption| financed(o, trade);
    let smuggling_open = trade_options
        .iter()
        .any(|o| o.route.crossing.is_some() && financed(o));
    let official_open = trade_options
        .iter()
        .any(|o| o.route.crossing.is_none() && financed(o));
    if smuggling_open && official_open {
        let metrics = &mut world.metrics;
        metrics.add_activity(month, Activity::TradeChoicesBothRoutes, 1.0);
        if chosen.route.crossing.is_some() {
            metrics.add_activity(month, Activity::TradeChoicesSmuggled, 1.0);
        }
    }
    world.quota_left[quota_cell] -= chosen.units;
    if let Some(c) = chosen.route.crossing {
        world.loads_left_tonight[c] -= chosen.loads as u32;
    }
    send(world, params, trade, rng, day, company, chosen, outlay)
}

/// What a consignment costs the donju before any sale, in the ledger's fen.
#[derive(Clone, Copy, Debug)]
struct Outlay {
    /// Unit prices on the chosen route.
    prices: UnitPrices,
    purchase: Fen,
    labour: Fen,
    /// The licence, paid to the centre on the official route.
    licence_fee: Fen,
    /// Bribes to the agencies at the crossing (smuggling).
    bribes: Fen,
    /// The Chinese counterparts' leg of the crossing (smuggling).
    chinese_leg: Fen,
    /// Interest on the part of the outlay the donju borrow: for the crossing night, and at
    /// customs for the clearance days too.
    interest: Fen,
}

impl Outlay {
    fn of(
        world: &World,
        params: &ModelParams,
        trade: &StateTrade,
        day: Day,
        chosen: &TradeOption,
    ) -> Outlay {
        let spec = &trade.goods[chosen.state_good];
        let good = &params.goods[spec.good.0 as usize];
        let route = chosen.route;
        let sanctioned = world.calendar.sanctioned(spec.good, day);
        let prices = trade.unit_prices_cny(good, sanctioned && route.crossing.is_some());
        let purchase = Fen::from_cny(chosen.units * prices.purchase_cny);
        let labour = Fen::from_cny(labour_cny(params, trade, spec, chosen.loads, route.mode));
        let licence_cny = chosen.units * spec.licence_cny_per_unit;
        let (licence_fee, bribes, chinese_leg, days) = match route.crossing {
            Some(_) => {
                let factor = bribe_factor(
                    world,
                    params,
                    route,
                    route_conditions(world, route, spec.good, day),
                );
                (
                    Fen::ZERO,
                    Fen::from_cny(smuggling_bribes_cny(
                        trade,
                        chosen.loads,
                        licence_cny,
                        factor,
                    )),
                    Fen::from_cny(chinese_leg_cny(trade, spec, chosen.loads, factor)),
                    1.0,
                )
            }
            None => (
                Fen::from_cny(licence_cny),
                Fen::ZERO,
                Fen::ZERO,
                1.0 + trade.official_clearance_days,
            ),
        };
        let laid_out = purchase + labour + licence_fee + bribes + chinese_leg;
        let donju = world.accounts.at_site[route.site.0 as usize].donju;
        let interest = donju_interest(world, params, donju, laid_out, days);
        Outlay {
            prices,
            purchase,
            labour,
            licence_fee,
            bribes,
            chinese_leg,
            interest,
        }
    }

    fn total(&self) -> Fen {
        self.purchase
            + self.labour
            + self.licence_fee
            + self.bribes
            + self.chinese_leg
            + self.interest
    }
}

#[allow(clippy::too_many_arguments)]
fn send(
    world: &mut World,
    params: &ModelParams,
    trade: &StateTrade,
    rng: &mut Rng,
    day: Day,
    company: usize,
    chosen: TradeOption,
    outlay: Outlay,
) -> Result<(), LedgerError> {
    let spec = &trade.goods[chosen.state_good];
    let good = &params.goods[spec.good.0 as usize];
    let route = chosen.route;
    let month = world.calendar.month_index(day);
    let s = route.site.0 as usize;
    let site = world.accounts.at_site[s];
    let accounts = &world.accounts;
    let channel = if route.crossing.is_some() {
        Channel::StateSmuggling
    } else {
        Channel::OfficialCustoms
    };
    let sanctioned = world.calendar.sanctioned(spec.good, day);
    let costs = outlay.total();
    let Outlay {
        prices,
        purchase,
        labour,
        licence_fee,
        bribes,
        chinese_leg,
        interest,
    } = outlay;
    let events = route_conditions(world, route, spec.good, day);

    let seller = match good.direction {
        Direction::Export => site.suppliers,
        Direction::Import => accounts.chinese_merchants,
    };
    world
        .ledger
        .transfer(site.donju, seller, purchase, Purpose::Purchase)?;
    world
        .ledger
        .transfer(site.donju, site.households, labour, Purpose::Wage)?;
    world.metrics.household_month(month, route.site).wages += labour;
    let rice_price = world.markets.rice_price_cny_per_kg[s];
    world
        .metrics
        .household_month(month, route.site)
        .income_rice_kg += labour.cny() / rice_price;

    world
        .ledger
        .transfer(site.donju, world.accounts.centre, licence_fee, Purpose::Fee)?;
    // The loan is owed whether or not the goods get through.
    world.ledger.transfer(
        site.donju,
        world.accounts.moneylenders,
        interest,
        Purpose::Interest,
    )?;
    let mut seized = false;
    if let Some(c) = route.crossing {
        world.ledger.transfer(
            site.donju,
            world.accounts.chinese_merchants,
            chinese_leg,
            Purpose::Fee,
        )?;
        let rates: f64 = trade.bribe_cny_per_load.iter().sum();
        let mut paid = Fen::ZERO;
        for (a, rate) in trade.bribe_cny_per_load.iter().enumerate() {
            // Shared as the per-load rates are; the last agency takes the rounding.
            let bribe = if a + 1 == Agency::ALL.len() {
                bribes - paid
            } else if rates > 0.0 {
                bribes.share(rate / rates)
            } else {
                Fen(bribes.0 / Agency::ALL.len() as i64)
            };
            paid += bribe;
            world
                .ledger
                .transfer(site.donju, site.officials[a], bribe, Purpose::Bribe)?;
            world.official_take_this_month[s][a] += bribe;
        }
        let mode_base = mode_params(params, route.mode).base_seizure_probability;
        let p = seizure_probability(
            params,
            mode_base,
            params.sites[s].barrier,
            world.enforcement,
        );
        seized = rng.random_bool((p * events.risk).min(1.0));
        let risk = &mut world.companies.learned_risk[company * params.crossings.len() + c];
        *risk += trade.risk_learning_rate * (f64::from(u8::from(seized)) - *risk);
    }

    let value_sent = Fen::from_cny(chosen.units * prices.sale_cny);
    let tally = world.metrics.trade_month(month, channel, sanctioned);
    tally.value_sent += value_sent;
    tally.consignments += 1;
    tally.loads += chosen.loads;
    tally.purchases += purchase;
    tally.labour += labour;
    tally.bribes += bribes;
    tally.levy += licence_fee;
    tally.interest += interest;
    tally.chinese_leg += chinese_leg;
    let key = |outcome| FlowKey {
        channel,
        mode: route.mode,
        site: route.site,
        good: spec.good,
        outcome,
    };
    let quantity = round_to_i64(chosen.units);
    if seized {
        tally.seized += 1;
        world
            .metrics
            .record_flow(key(Outcome::Seized), quantity, value_sent);
        learn_margin(
            world,
            params,
            company,
            chosen.state_good,
            Fen::ZERO - costs,
            value_sent,
        );
        return Ok(());
    }

    let revenue =
        Fen::from_cny(chosen.units * prices.sale_cny * price_factor(rng, trade.price_sigma));
    let buyer = match good.direction {
        Direction::Export => world.accounts.chinese_merchants,
        Direction::Import => world.accounts.domestic_buyers,
    };
    world
        .ledger
        .transfer(buyer, site.donju, revenue, Purpose::Sale)?;
    world
        .metrics
        .record_flow(key(Outcome::Delivered), quantity, revenue);
    let mut profit = revenue - costs;
    let mut levy = Fen::ZERO;
    if channel == Channel::OfficialCustoms && profit > Fen::ZERO {
        levy = profit.share(levy_share(trade, events));
        world
            .ledger
            .transfer(site.donju, world.accounts.centre, levy, Purpose::Levy)?;
        profit -= levy;
    }
    learn_margin(
        world,
        params,
        company,
        chosen.state_good,
        profit,
        value_sent,
    );
    let tally = world.metrics.trade_month(month, channel, sanctioned);
    tally.revenue += revenue;
    tally.levy += levy;
    if profit <= Fen::ZERO {
        return Ok(());
    }
    let company_account = world.companies.account[company];
    let company_take = profit.share(trade.company_share);
    world
        .ledger
        .transfer(site.donju, company_account, company_take, Purpose::Fee)?;
    let bureau = world.accounts.bureaus[world.companies.bureau[company].0 as usize];
    world.ledger.transfer(
        company_account,
        bureau,
        company_take.share(trade.bureau_fee_share),
        Purpose::Fee,
    )?;
    world.ledger.transfer(
        company_account,
        world.accounts.room39,
        company_take.share(trade.room39_share),
        Purpose::Remittance,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ice_trucks_need_ice_and_boats_open_water() {
        assert!(mode_usable_tonight(Mode::IceTruck, true));
        assert!(!mode_usable_tonight(Mode::IceTruck, false));
        assert!(mode_usable_tonight(Mode::Boat, false));
        assert!(!mode_usable_tonight(Mode::Boat, true));
        assert!(mode_usable_tonight(Mode::Convoy, false));
        assert!(!mode_carries(Mode::Boat, true), "vehicles are not boated");
        assert!(
            !mode_usable_tonight(Mode::OnFoot, false),
            "porters are not state trade"
        );
    }
}

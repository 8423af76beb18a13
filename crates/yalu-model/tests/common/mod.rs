//! Helpers shared by the model's integration tests. Each test file uses some of them.
#![allow(dead_code)]

use yalu_model::ReplicateResult;
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::params::ModelParams;
use yalu_scenario::{Registry, Scenario};

/// The embedded baseline's parameters.
pub fn baseline() -> ModelParams {
    Scenario::baseline(&Registry::embedded())
        .expect("baseline is valid")
        .params
}

/// The baseline with only the sea channel, from the baseline's first day to `last`. The
/// sea draws from its own stream and reads nothing the land channels change, so its
/// results are those of the full baseline over the same days.
pub fn sea_only(last: jiff::civil::Date) -> ModelParams {
    let mut p = baseline();
    p.last_day = last;
    p.porter = None;
    p.state_trade = None;
    p.households = None;
    p.takeover = None;
    p.couriers = None;
    p.diplomats = None;
    p.labour = None;
    p.drugs = None;
    p
}

/// Index in a replicate's months of the month that holds `from`.
pub fn month_of(result: &ReplicateResult, from: jiff::civil::Date) -> usize {
    result
        .months
        .iter()
        .position(|m| m.year == from.year() && m.month == from.month())
        .expect("the date falls in the run")
}

/// Fen paid from one class to another for one purpose over the whole replicate.
pub fn money_total(
    result: &ReplicateResult,
    payer: ActorClass,
    payee: ActorClass,
    purpose: Purpose,
) -> i64 {
    result
        .money
        .iter()
        .filter(|m| m.payer == payer && m.payee == payee && m.purpose == purpose)
        .map(|m| m.amount.0)
        .sum()
}

/// A random event, its dates as offsets from a first day given later (so a test can draw
/// the horizon and the events together).
#[derive(Debug, Clone)]
pub struct EventDraw {
    pub kind: yalu_model::events::EventKind,
    pub from_days: i64,
    pub length_days: Option<i64>,
    pub effects: Vec<yalu_model::events::Effect>,
}

impl EventDraw {
    /// The event with its dates counted from `first`.
    pub fn at(&self, id: usize, first: jiff::civil::Date) -> yalu_model::events::Event {
        let day = |offset: i64| first + jiff::Span::new().days(offset);
        yalu_model::events::Event {
            id: format!("e{id}"),
            kind: self.kind,
            first: day(self.from_days),
            last: self.length_days.map(|len| day(self.from_days + len)),
            effects: self.effects.clone(),
        }
    }
}

/// Categories of declared trade in the baseline.
pub const DECLARED_CATEGORIES: u16 = 11;

/// One effect on a random channel with a random action it supports, on random targets of
/// a world of `sites` sites and `goods` goods.
pub fn arb_effect(
    sites: u16,
    goods: u16,
) -> impl proptest::strategy::Strategy<Value = yalu_model::events::Effect> {
    use proptest::prelude::*;
    use yalu_model::events::{Action, Effect, EventChannel};
    use yalu_model::observe::SeaRoute;
    use yalu_model::params::{CategoryId, GoodId, SiteId, TradeMode};
    (
        0..EventChannel::ALL.len(),
        0usize..8,
        0.0f64..3.0,
        proptest::collection::btree_set(0..sites, 0..3),
        proptest::option::of(0..SeaRoute::ALL.len()),
        proptest::collection::btree_set(0..goods, 0..2),
        (
            proptest::collection::btree_set(0..TradeMode::ALL.len(), 0..2),
            proptest::collection::btree_set(0..DECLARED_CATEGORIES, 0..3),
        ),
    )
        .prop_map(
            move |(c, a, value, site_set, route, good_set, (mode_set, category_set))| {
                let channel = EventChannel::ALL[c];
                let action = channel.actions()[a % channel.actions().len()];
                let value = match action {
                    Action::Stop | Action::Open => 1.0,
                    Action::CapacityShare | Action::RepatriateShare => value / 3.0,
                    // Positive factors on prices (a price of zero has no logarithm).
                    Action::RateMultiplier | Action::RicePriceMultiplier => 0.1 + value,
                    _ => value,
                };
                Effect {
                    channel,
                    sites: if channel.has_sites() {
                        site_set.into_iter().map(SiteId).collect()
                    } else {
                        Vec::new()
                    },
                    routes: if channel.has_routes() {
                        route.map(|r| vec![SeaRoute::ALL[r]]).unwrap_or_default()
                    } else {
                        Vec::new()
                    },
                    goods: if channel.has_routes() {
                        good_set.into_iter().map(GoodId).collect()
                    } else {
                        Vec::new()
                    },
                    modes: if channel.has_modes() {
                        mode_set.into_iter().map(|m| TradeMode::ALL[m]).collect()
                    } else {
                        Vec::new()
                    },
                    categories: if channel.has_modes() {
                        category_set.into_iter().map(CategoryId).collect()
                    } else {
                        Vec::new()
                    },
                    action,
                    value,
                }
            },
        )
}

/// A random event starting within `days` days of the first day, with one to three effects.
pub fn arb_event(
    days: i64,
    sites: u16,
    goods: u16,
) -> impl proptest::strategy::Strategy<Value = EventDraw> {
    use proptest::prelude::*;
    use yalu_model::events::EventKind;
    (
        0..EventKind::ALL.len(),
        0..days.max(1),
        proptest::option::of(0..days.max(1)),
        proptest::collection::vec(arb_effect(sites, goods), 1..4),
    )
        .prop_map(|(k, from_days, length_days, effects)| EventDraw {
            kind: EventKind::ALL[k],
            from_days,
            length_days,
            effects,
        })
}

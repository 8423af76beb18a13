//! Property test: a random event changes what it names, from the day it starts, and
//! nothing else. Each run is compared with the same replicate without the event (the same
//! seed and replicate, so the same streams: common random numbers).
//!
//! What "names" means follows how the channels are built: porter crews and households at
//! one site draw from their own streams and do not interact with other sites, so an event
//! on them at some sites leaves every other site alone; trading companies choose between
//! crossings and customs, so an event on state smuggling or declared trade may move their
//! consignments anywhere in those two channels (that substitution is the model's point),
//! and ships share counterparts, so a sea event may change any voyage; neither reaches
//! another channel. Declared trade gives each category its own lane of each mode, and
//! what a lane cannot carry may go by another mode, so an event on it changes only the
//! categories it names (by any mode). Workers' savings brought home reach the won, and
//! the won households' trips, so a labour event may change livelihood flows; the declared
//! imports sold in the markets join the essentials supply, pooled over the sites, so an
//! event on declared trade may change the livelihood flows' value (at the essentials
//! price) at any site.

mod common;

use std::collections::BTreeMap;

use common::{arb_event, baseline};
use jiff::civil::{Date, date};
use proptest::prelude::*;
use yalu_model::events::{Action, Effect, Event, EventChannel};
use yalu_model::observe::{Activity, Channel, DeclaredRecord, FlowKey};
use yalu_model::params::ModelParams;
use yalu_model::{ReplicateResult, run_replicate};

/// A short horizon, so each case runs fast; it spans an ice season and a summer.
fn short_baseline() -> ModelParams {
    let mut p = baseline();
    p.first_day = date(2018, 10, 1);
    p.last_day = date(2019, 5, 31);
    p.events.clear();
    p
}

/// A flow's key as a sortable tuple.
type Key = (usize, u8, u8, u16, u16, u8);

fn key(month: usize, k: &FlowKey) -> Key {
    (
        month,
        k.channel as u8,
        k.mode as u8,
        k.site.0,
        k.good.0,
        k.outcome as u8,
    )
}

fn flows(r: &ReplicateResult) -> BTreeMap<Key, (i64, i64, FlowKey)> {
    r.flows
        .iter()
        .map(|f| (key(f.month, &f.key), (f.quantity, f.value.0, f.key)))
        .collect()
}

fn activity(r: &ReplicateResult) -> BTreeMap<(usize, Activity), f64> {
    r.activity
        .iter()
        .map(|a| ((a.month, a.activity), a.value))
        .collect()
}

/// Whether an effect may change a flow: the flow is in its channel (or the channels it is
/// coupled with) and, for the site-separable channels, at a site it names.
fn may_change(effect: &Effect, flow: &FlowKey) -> bool {
    let at_site = effect.sites.is_empty() || effect.sites.contains(&flow.site);
    match effect.channel {
        EventChannel::Porter => flow.channel == Channel::Porter && at_site,
        EventChannel::Livelihood => flow.channel == Channel::Livelihood && at_site,
        EventChannel::StateSmuggling | EventChannel::OfficialCustoms => matches!(
            flow.channel,
            Channel::StateSmuggling | Channel::OfficialCustoms
        ),
        EventChannel::Maritime => flow.channel == Channel::Maritime,
        EventChannel::Couriers => false,
        EventChannel::DeclaredTrade | EventChannel::LabourDispatch | EventChannel::LabourReturn => {
            flow.channel == Channel::Livelihood
        }
        // The won's rate and state wages reach households' cash, and so, through what they
        // can afford, their trips at the named sites; no goods otherwise.
        EventChannel::Market => flow.channel == Channel::Livelihood && at_site,
    }
}

/// Whether an effect may change declared trade of a category by a mode: only an effect on
/// `declared_trade` naming the category (each category has its own lane of each mode, and
/// the orders a named lane cannot carry may move to the category's other modes).
fn may_change_declared(effect: &Effect, d: &DeclaredRecord) -> bool {
    effect.channel == EventChannel::DeclaredTrade
        && (effect.categories.is_empty() || effect.categories.contains(&d.category))
}

/// The activity an effect may change.
fn may_change_activity(effect: &Effect, activity: Activity) -> bool {
    match effect.channel {
        EventChannel::Couriers => matches!(
            activity,
            Activity::CourierBags | Activity::CourierBagsSeized | Activity::CourierCashUsd
        ),
        EventChannel::StateSmuggling | EventChannel::OfficialCustoms => matches!(
            activity,
            Activity::TradeChoicesBothRoutes | Activity::TradeChoicesSmuggled
        ),
        EventChannel::LabourDispatch | EventChannel::LabourReturn => {
            activity == Activity::WorkersAbroad
        }
        _ => false,
    }
}

/// Month index of a date in a result, if inside.
fn month_of(r: &ReplicateResult, d: Date) -> Option<usize> {
    r.months
        .iter()
        .position(|m| m.year == d.year() && m.month == d.month())
}

fn check(event: &Event, seed: u64) -> Result<(), TestCaseError> {
    let without = short_baseline();
    let mut with = without.clone();
    with.events = vec![event.clone()];
    let a = run_replicate(&without, seed, 0).expect("runs");
    let b = run_replicate(&with, seed, 0).expect("runs");
    let start = if event.first < without.first_day {
        0
    } else {
        month_of(&a, event.first).unwrap_or(a.months.len())
    };
    let (fa, fb) = (flows(&a), flows(&b));
    let keys: std::collections::BTreeSet<&Key> = fa.keys().chain(fb.keys()).collect();
    for k in keys {
        let (qa, va, flow) = fa.get(k).copied().unwrap_or_else(|| (0, 0, fb[k].2));
        let (qb, vb, _) = fb.get(k).copied().unwrap_or((0, 0, flow));
        let named = event.effects.iter().any(|e| may_change(e, &flow));
        if k.0 < start || !named {
            prop_assert_eq!(
                (qa, va),
                (qb, vb),
                "flow {:?} in month {} changed (event from month {})",
                flow,
                k.0,
                start
            );
        }
    }
    for (da, db) in a.declared.iter().zip(&b.declared) {
        let named = event.effects.iter().any(|e| may_change_declared(e, da));
        if da.month < start || !named {
            prop_assert_eq!(
                da.usd,
                db.usd,
                "declared {:?} by {:?} in month {} changed",
                da.category,
                da.mode,
                da.month
            );
        }
    }
    let (aa, ab) = (activity(&a), activity(&b));
    for (k, va) in &aa {
        let named = event.effects.iter().any(|e| may_change_activity(e, k.1));
        if k.0 < start || !named {
            prop_assert_eq!(Some(va), ab.get(k), "activity {:?} changed", k);
        }
    }
    // A stop, alone, empties what it names in the months wholly inside its window.
    if let [effect] = &event.effects[..]
        && effect.action == Action::Stop
        && matches!(
            effect.channel,
            EventChannel::Porter | EventChannel::Livelihood
        )
    {
        let last = event.last.unwrap_or(without.last_day);
        let inside = b.months.iter().enumerate().filter(|(_, m)| {
            let first_day = date(m.year, m.month, 1);
            let last_day = first_day.last_of_month();
            first_day >= event.first && last_day <= last
        });
        for (month, _) in inside {
            let moved: i64 = b
                .flows
                .iter()
                .filter(|f| f.month == month && may_change(effect, &f.key))
                .map(|f| f.quantity)
                .sum();
            prop_assert_eq!(moved, 0, "flows under a stop in month {}", month);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn an_event_changes_what_it_names_from_its_start_and_nothing_else(
        draw in arb_event(240, 13, 17),
        seed in 0u64..1000,
    ) {
        let event = draw.at(0, date(2018, 10, 1));
        check(&event, seed)?;
    }
}

/// The property on a hand-made case: stopping porters at Hyesan changes Hyesan's porter
/// flows and leaves Samjiyon's and every other channel as they were.
#[test]
fn a_stop_at_one_site_leaves_the_other_sites_alone() {
    let p = short_baseline();
    let hyesan = p.sites.iter().position(|s| s.id == "hyesan").unwrap();
    let event = Event {
        id: "hyesan-stop".into(),
        kind: yalu_model::events::EventKind::Crackdown,
        first: date(2019, 1, 1),
        last: Some(date(2019, 2, 28)),
        effects: vec![Effect {
            sites: vec![yalu_model::params::SiteId(hyesan as u16)],
            ..Effect::on(EventChannel::Porter, Action::Stop, 1.0)
        }],
    };
    check(&event, 11).unwrap();
    let mut with = p.clone();
    with.events = vec![event];
    let (a, b) = (
        run_replicate(&p, 11, 0).unwrap(),
        run_replicate(&with, 11, 0).unwrap(),
    );
    let porter_kg_at_hyesan = |r: &ReplicateResult| -> i64 {
        r.flows
            .iter()
            .filter(|f| f.key.channel == Channel::Porter && f.key.site.0 as usize == hyesan)
            .map(|f| f.quantity)
            .sum()
    };
    assert!(
        porter_kg_at_hyesan(&b) < porter_kg_at_hyesan(&a),
        "the stop takes two months of Hyesan's porter runs away"
    );
}

/// The calendar's column of sanctions bans (looked up by the daily processes) agrees with
/// the events, day by day and good by good.
#[test]
fn the_calendar_knows_each_day_which_goods_are_banned() {
    let p = baseline();
    let calendar = yalu_model::world::World::calendar_of(&p);
    let mut banned = 0;
    for day in calendar.all_days() {
        for g in 0..p.goods.len() {
            let good = yalu_model::params::GoodId(g as u16);
            let expected = p.sanctioned(good, calendar.date(day));
            assert_eq!(
                calendar.sanctioned(good, day),
                expected,
                "{good:?} on {day:?}"
            );
            banned += usize::from(expected);
        }
    }
    assert!(banned > 0, "the baseline bans some goods on some days");
}

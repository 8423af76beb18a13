//! Declared trade as its own channel: a sanctions ban stops its categories from its date
//! and nothing else, a road closure cuts road and not rail or sea, the modes' capacity
//! bounds the rebound after a reopening, part of a closed mode's orders moves to the modes
//! still open within their capacity, and the money it moves balances and repeats.

use jiff::civil::{Date, date};
use yalu_model::events::{Action, Effect, Event, EventChannel, EventKind};
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::observe::ReplicateResult;
use yalu_model::params::{CategoryId, ModelParams, TradeMode};
use yalu_model::run_replicate;

mod common;
use common::quiet;

const SEED: u64 = 7;

/// The baseline over 2018 with no events, so every category trades by every mode.
fn quiet_2018() -> ModelParams {
    quiet(date(2018, 1, 1), date(2018, 12, 31))
}

fn category(p: &ModelParams, id: &str) -> CategoryId {
    let declared = p
        .declared_trade
        .as_ref()
        .expect("the baseline has declared trade");
    let at = declared.categories.iter().position(|c| c.id == id).unwrap();
    CategoryId(at as u16)
}

fn event(kind: EventKind, first: Date, last: Option<Date>, effect: Effect) -> Event {
    Event {
        id: "test".into(),
        kind,
        first,
        last,
        effects: vec![effect],
    }
}

fn stop(modes: &[TradeMode], categories: &[CategoryId]) -> Effect {
    Effect {
        modes: modes.to_vec(),
        categories: categories.to_vec(),
        ..Effect::on(EventChannel::DeclaredTrade, Action::Stop, 1.0)
    }
}

fn run(p: &ModelParams) -> ReplicateResult {
    run_replicate(p, SEED, 0).expect("the books balance")
}

/// Declared US dollars in month `month` that satisfy `which`.
fn usd(r: &ReplicateResult, month: usize, which: impl Fn(CategoryId, TradeMode) -> bool) -> f64 {
    r.declared
        .iter()
        .filter(|d| d.month == month && which(d.category, d.mode))
        .map(|d| d.usd)
        .sum()
}

#[test]
fn a_sanctions_ban_stops_its_category_from_its_date_and_nothing_else() {
    let quiet = quiet_2018();
    let coal = category(&quiet, "coal");
    let mut banned = quiet.clone();
    banned.events = vec![event(
        EventKind::SanctionMeasure,
        date(2018, 4, 1),
        None,
        stop(&[], &[coal]),
    )];
    let (a, b) = (run(&quiet), run(&banned));
    for month in 0..12 {
        let coal_after = usd(&b, month, |c, _| c == coal);
        if month < 3 {
            assert_eq!(
                coal_after,
                usd(&a, month, |c, _| c == coal),
                "month {month}"
            );
            assert!(coal_after > 0.0);
        } else {
            assert_eq!(coal_after, 0.0, "coal in month {month} under the ban");
        }
        assert_eq!(
            usd(&b, month, |c, _| c != coal),
            usd(&a, month, |c, _| c != coal),
            "the other categories in month {month}"
        );
    }
}

/// Sets the shares of unsent orders that move between the land modes and to and from sea.
fn substituting(mut p: ModelParams, land: f64, sea: f64) -> ModelParams {
    let declared = p.declared_trade.as_mut().unwrap();
    declared.land_substitution_share = land;
    declared.sea_substitution_share = sea;
    p
}

/// Road shut from March to the end of 2018.
fn road_shut_from_march(p: &ModelParams) -> ModelParams {
    let mut closed = p.clone();
    closed.events = vec![event(
        EventKind::PandemicMeasure,
        date(2018, 3, 1),
        None,
        stop(&[TradeMode::Road], &[]),
    )];
    closed
}

#[test]
fn a_road_closure_cuts_road_and_not_rail_or_sea() {
    let quiet = substituting(quiet_2018(), 0.0, 0.0);
    let mut closed = quiet.clone();
    closed.events = vec![event(
        EventKind::PandemicMeasure,
        date(2018, 3, 1),
        Some(date(2018, 5, 31)),
        stop(&[TradeMode::Road], &[]),
    )];
    let (a, b) = (run(&quiet), run(&closed));
    for month in 0..12 {
        let road = |r: &ReplicateResult| usd(r, month, |_, m| m == TradeMode::Road);
        if (2..=4).contains(&month) {
            assert_eq!(road(&b), 0.0, "road in month {month}");
        } else if month < 2 {
            assert_eq!(road(&b), road(&a));
        }
        for mode in [TradeMode::Rail, TradeMode::Sea] {
            assert_eq!(
                usd(&b, month, |_, m| m == mode),
                usd(&a, month, |_, m| m == mode),
                "{} in month {month}",
                mode.name()
            );
        }
    }
    // What waited is sent after the reopening: road carries more than normal in June.
    assert!(usd(&b, 5, |_, m| m == TradeMode::Road) > usd(&a, 5, |_, m| m == TradeMode::Road));
}

#[test]
fn a_road_closure_moves_part_of_roads_orders_to_rail_and_sea_within_their_capacity() {
    let quiet = quiet_2018();
    let declared = quiet.declared_trade.as_ref().unwrap();
    let capacity = |mode: TradeMode| declared.capacity_usd_per_month(mode);
    let lanes_only = run(&road_shut_from_march(&substituting(
        quiet.clone(),
        0.0,
        0.0,
    )));
    let to_rail = run(&road_shut_from_march(&substituting(
        quiet.clone(),
        0.5,
        0.0,
    )));
    let to_both = run(&road_shut_from_march(&substituting(
        quiet.clone(),
        0.5,
        0.5,
    )));
    let by = |r: &ReplicateResult, month: usize, mode: TradeMode| usd(r, month, |_, m| m == mode);
    for month in 0..12 {
        if month < 2 {
            // Before the closure every lane carries its own orders, whatever the shares.
            for mode in TradeMode::ALL {
                assert_eq!(by(&to_both, month, mode), by(&lanes_only, month, mode));
            }
            continue;
        }
        assert_eq!(
            by(&to_both, month, TradeMode::Road),
            0.0,
            "road shut in {month}"
        );
        // Between the land modes only: rail takes some of road's orders, sea none.
        assert!(
            by(&to_rail, month, TradeMode::Rail) > by(&lanes_only, month, TradeMode::Rail),
            "rail takes road's orders in month {month}"
        );
        assert_eq!(
            by(&to_rail, month, TradeMode::Sea),
            by(&lanes_only, month, TradeMode::Sea)
        );
        // With sea open to them too, sea takes some as well.
        assert!(by(&to_both, month, TradeMode::Sea) > by(&lanes_only, month, TradeMode::Sea));
        for mode in [TradeMode::Rail, TradeMode::Sea] {
            // Each mode carries at most its capacity: a day's share of it, every day.
            let carried = by(&to_both, month, mode);
            let bound = capacity(mode);
            assert!(
                carried <= bound * (1.0 + 1e-9),
                "{} in month {month}: {carried} over its capacity {bound}",
                mode.name()
            );
        }
    }
    // Rail's spare room is smaller than half of road's orders: it fills to its capacity.
    let rail_april = by(&to_rail, 3, TradeMode::Rail);
    assert!((rail_april - capacity(TradeMode::Rail)).abs() < 1e-6 * rail_april);
}

#[test]
fn capacity_bounds_the_rebound_after_a_reopening() {
    let mut p = quiet_2018();
    p.declared_trade.as_mut().unwrap().pent_up_months = 6.0;
    p.events = vec![event(
        EventKind::PandemicMeasure,
        date(2018, 1, 1),
        Some(date(2018, 4, 30)),
        stop(&[], &[]),
    )];
    let r = run(&p);
    let declared = p.declared_trade.as_ref().unwrap();
    let normal = |mode: TradeMode| -> f64 {
        declared
            .categories
            .iter()
            .map(|c| c.usd_per_month * c.mode_share(mode))
            .sum()
    };
    for mode in TradeMode::ALL {
        let capacity = declared.capacity_usd_per_month(mode);
        assert!(capacity > normal(mode), "the test needs headroom");
        // May (month 4): four months of orders wait, more than the headroom clears.
        let may = usd(&r, 4, |_, m| m == mode);
        assert!(
            (may - capacity).abs() < 1e-6 * capacity,
            "{} in May: {may} against a capacity of {capacity}",
            mode.name()
        );
    }
}

#[test]
fn declared_trade_balances_repeats_and_pays_the_levy_on_its_margin() {
    let p = quiet_2018();
    let (a, b) = (run(&p), run(&p));
    assert_eq!(a.declared, b.declared, "same seed, same declared trade");
    assert_eq!(a.money, b.money);
    let money = |payer, payee, purpose| -> f64 {
        a.money
            .iter()
            .filter(|m| m.payer == payer && m.payee == payee && m.purpose == purpose)
            .map(|m| m.amount.cny())
            .sum()
    };
    let declared = p.declared_trade.as_ref().unwrap();
    let state = p.state_trade.as_ref().unwrap();
    let value_cny: f64 = a
        .declared
        .iter()
        .map(|d| d.usd * a.cny_per_usd[d.month])
        .sum();
    let margin_cny: f64 = a
        .declared
        .iter()
        .map(|d| d.usd * a.cny_per_usd[d.month] * declared.margin_share(d.direction))
        .sum();
    let levy = money(
        ActorClass::DeclaredTraders,
        ActorClass::Centre,
        Purpose::Levy,
    );
    let expected = margin_cny * state.official_levy_share;
    assert!(value_cny > 0.0);
    // Each day's payment is rounded to the fen, and the rate is the day's, not the month's.
    assert!(
        (levy - expected).abs() < 0.01 * expected,
        "levy {levy} against {expected}"
    );
    let remitted = money(
        ActorClass::DeclaredTraders,
        ActorClass::Room39,
        Purpose::Remittance,
    );
    assert!(
        (remitted - (expected / state.official_levy_share - expected) * state.room39_share).abs()
            < 0.01 * remitted
    );
}

#[test]
fn china_counts_the_molybdenum_the_companies_send_through_customs() {
    // China's declared imports of DPRK molybdenum ore (iecsa2021-moly-ore-2019 and the
    // other years) are read from the trading companies' customs route, the one route
    // China's customs see: some with the good's target, none without it.
    let registry = yalu_scenario::Registry::embedded();
    let observation = registry
        .series
        .iter()
        .find(|o| o.observation == "iecsa2021-moly-ore-2019")
        .expect("on file");
    let measure = yalu_lab::observations::observable(observation)
        .expect("the model produces it")
        .measure;
    let declared_in_year =
        |p: &ModelParams| measure(p, &run(p), observation, 0, 11).expect("state trade runs");
    let p = quiet_2018();
    let molybdenum = p
        .goods
        .iter()
        .position(|g| g.id == "molybdenum_ore")
        .unwrap();
    let mut without = p.clone();
    for spec in &mut without.state_trade.as_mut().unwrap().goods {
        if spec.good.0 as usize == molybdenum {
            spec.monthly_target_units = 0.0;
        }
    }
    assert!(declared_in_year(&p) > 1.0e6);
    assert_eq!(declared_in_year(&without), 0.0);
}

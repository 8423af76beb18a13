//! Declared food imports feed the border markets, as specifications: stopping the declared
//! food lane from a date raises the won prices of essentials and rice after it when the
//! rules are on (a share of the food sold in the markets, rice's pull from its shortfall),
//! moves no price when they are off, and leaves every month before the date as it was.

use jiff::civil::{Date, date};
use yalu_model::events::{Action, Effect, Event, EventChannel, EventKind};
use yalu_model::params::{CategoryId, ModelParams, SiteId};
use yalu_model::{ReplicateResult, run_replicate};

mod common;
use common::{month_of, quiet, site};

const CUT: Date = date(2019, 3, 1);

/// The baseline from mid-2018 to 2019 with no events, the rules on as the baseline sets
/// them or off (no declared food sold in the markets, no pull on rice), and, if `cut`,
/// the declared food lane stopped from [`CUT`] by every mode.
fn scenario(rules_on: bool, cut: bool) -> ModelParams {
    let mut p = quiet(date(2018, 7, 1), date(2019, 12, 31));
    let trade = p
        .declared_trade
        .as_mut()
        .expect("the baseline has declared trade");
    let food = trade
        .categories
        .iter()
        .position(|c| c.id == "food")
        .expect("a food category");
    if rules_on {
        assert!(
            trade.categories[food].market_share > 0.0,
            "food reaches the markets"
        );
        assert!(p.market.rice_food_import_effect > 0.0, "rice answers to it");
    } else {
        for c in &mut trade.categories {
            c.market_share = 0.0;
        }
        p.market.rice_food_import_effect = 0.0;
    }
    if cut {
        p.events.push(Event {
            id: "food-cut".into(),
            kind: EventKind::SanctionMeasure,
            first: CUT,
            last: None,
            effects: vec![Effect {
                categories: vec![CategoryId(food as u16)],
                ..Effect::on(EventChannel::DeclaredTrade, Action::Stop, 1.0)
            }],
        });
    }
    p
}

/// Mean over `months` of a site's monthly won price of (rice, essentials).
fn won_prices(r: &ReplicateResult, s: SiteId, months: std::ops::Range<usize>) -> (f64, f64) {
    let records: Vec<_> = r
        .prices
        .iter()
        .filter(|x| x.site == s && months.contains(&x.month))
        .collect();
    let n = records.len() as f64;
    (
        records.iter().map(|x| x.rice_price_kpw_per_kg).sum::<f64>() / n,
        records
            .iter()
            .map(|x| x.essentials_price_kpw_per_kg)
            .sum::<f64>()
            / n,
    )
}

/// Everything the markets and households record in months before `month`, as text
/// (sites with no essentials market have NaN prices, never equal as numbers).
fn before(r: &ReplicateResult, month: usize) -> String {
    let prices: Vec<_> = r.prices.iter().filter(|x| x.month < month).collect();
    let rates: Vec<_> = r.rates.iter().filter(|x| x.month < month).collect();
    let households: Vec<_> = r
        .household_months
        .iter()
        .filter(|x| x.month < month)
        .collect();
    let flows: Vec<_> = r.flows.iter().filter(|x| x.month < month).collect();
    format!("{prices:?}{rates:?}{households:?}{flows:?}")
}

#[test]
fn cutting_declared_food_raises_essentials_and_rice_after_the_cut_only_with_the_rules_on() {
    let base = scenario(true, false);
    let (hyesan, sinuiju) = (site(&base, "hyesan"), site(&base, "sinuiju"));
    let normal = run_replicate(&base, 4, 0).unwrap();
    let cut = run_replicate(&scenario(true, true), 4, 0).unwrap();
    let from = month_of(&normal, CUT);
    assert_eq!(
        before(&normal, from),
        before(&cut, from),
        "nothing moves before"
    );
    // Two months on, the smoothed supply and the rice price have taken up the cut.
    let after = from + 2..normal.months.len();
    for s in [hyesan, sinuiju] {
        let (rice_normal, essentials_normal) = won_prices(&normal, s, after.clone());
        let (rice_cut, essentials_cut) = won_prices(&cut, s, after.clone());
        let essentials = essentials_cut / essentials_normal;
        let rice = rice_cut / rice_normal;
        assert!(essentials > 1.1, "essentials x{essentials} at {s:?}");
        assert!(rice > 1.03, "rice x{rice} at {s:?}");
    }
}

#[test]
fn with_the_rules_off_cutting_declared_food_moves_no_market_price() {
    let normal = run_replicate(&scenario(false, false), 4, 0).unwrap();
    let cut = run_replicate(&scenario(false, true), 4, 0).unwrap();
    assert_eq!(format!("{:?}", normal.prices), format!("{:?}", cut.prices));
    assert_eq!(format!("{:?}", normal.rates), format!("{:?}", cut.rates));
}

#[test]
fn with_declared_food_in_the_markets_the_books_balance_and_runs_repeat() {
    let p = scenario(true, true);
    let a = run_replicate(&p, 9, 2).expect("the ledger verifies at the end");
    let b = run_replicate(&p, 9, 2).unwrap();
    assert!(
        format!("{a:?}") == format!("{b:?}"),
        "same seed, same results"
    );
}

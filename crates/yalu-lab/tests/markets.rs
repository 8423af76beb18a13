//! Markets in won and households' whole income, as specifications: a currency policy moves
//! the won where it says and from when it says; a closure that cuts foreign money weakens
//! the won as the rule's sensitivity says, and not at all when it is 0; households keep
//! their wages and rations through the closure; the savings workers abroad bring home
//! hold the won up, so it weakens when their returns stop, and not at all when the rule is
//! off; the books balance and runs repeat.

use jiff::civil::{Date, date};
use yalu_model::events::{Action, Effect, Event, EventChannel, EventKind};
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::params::{ModelParams, SiteId};
use yalu_model::{ReplicateResult, run_replicate};

mod common;
use common::{baseline, month_of, quiet, site};

/// The won per yuan sampled at a site in months `months`.
fn rates_at(r: &ReplicateResult, s: SiteId, months: std::ops::Range<usize>) -> Vec<f64> {
    r.rates
        .iter()
        .filter(|x| x.site == s && months.contains(&x.month))
        .map(|x| x.won_per_cny)
        .collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn market_event(first: Date, sites: Vec<SiteId>, action: Action, value: f64) -> Event {
    Event {
        id: "market-policy".into(),
        kind: EventKind::Crackdown,
        first,
        last: None,
        effects: vec![Effect {
            sites,
            ..Effect::on(EventChannel::Market, action, value)
        }],
    }
}

#[test]
fn a_currency_crackdown_moves_the_won_at_the_sites_it_names_from_its_date_only() {
    let without = quiet(date(2018, 10, 1), date(2019, 5, 31));
    let hyesan = site(&without, "hyesan");
    let start = date(2019, 1, 1);
    let mut with = without.clone();
    with.events = vec![market_event(
        start,
        vec![hyesan],
        Action::RateMultiplier,
        0.7,
    )];
    let (a, b) = (
        run_replicate(&without, 5, 0).unwrap(),
        run_replicate(&with, 5, 0).unwrap(),
    );
    let from = month_of(&a, start);
    for s in 0..without.sites.len() {
        let s = SiteId(s as u16);
        let before = 0..from;
        assert_eq!(rates_at(&a, s, before.clone()), rates_at(&b, s, before));
        let after = from..a.months.len();
        if s == hyesan {
            // Three months on, the rate has closed most of the gap to 0.7 of its level.
            let late = from + 3..a.months.len();
            let ratio = mean(&rates_at(&b, s, late.clone())) / mean(&rates_at(&a, s, late));
            assert!((0.7..0.8).contains(&ratio), "Hyesan's won moved by {ratio}");
        } else {
            assert_eq!(
                rates_at(&a, s, after.clone()),
                rates_at(&b, s, after),
                "site {s:?} is not named"
            );
        }
    }
}

/// The baseline with only the closure of the land border (declared road freight included)
/// and of workers' returns among its events, so that the flows of foreign money stop (smuggled exports, households' pay
/// for carrying, workers' savings brought home) and nothing else moves the won.
fn closure_only(supply_effect: f64, demand_effect: f64) -> ModelParams {
    let mut p = baseline();
    p.events.retain(|e| {
        [
            "covid-closure-land",
            "covid-declared-road",
            "covid-workers-stranded",
        ]
        .contains(&e.id.as_str())
    });
    assert_eq!(p.events.len(), 3, "the baseline has the land closure");
    p.market.rate_fx_supply_effect = supply_effect;
    p.market.rate_fx_demand_effect = demand_effect;
    p
}

#[test]
fn cutting_foreign_money_weakens_the_won_and_raises_won_prices_as_the_rule_says() {
    let p = closure_only(0.3, 0.0);
    let r = run_replicate(&p, 3, 0).unwrap();
    let hyesan = site(&p, "hyesan");
    let normal = rates_at(&r, hyesan, 0..month_of(&r, date(2020, 1, 1)));
    let closed = month_of(&r, date(2020, 6, 1))..month_of(&r, date(2023, 7, 1));
    let during = rates_at(&r, hyesan, closed.clone());
    // Supply of foreign money at nil: the target is exp(0.3) = 1.35 times the normal rate.
    let ratio = mean(&during) / mean(&normal);
    assert!((1.25..1.45).contains(&ratio), "won per yuan x{ratio}");
    let rice_kpw = |months: std::ops::Range<usize>| {
        let prices: Vec<f64> = r
            .prices
            .iter()
            .filter(|x| x.site == hyesan && months.contains(&x.month))
            .map(|x| x.rice_price_kpw_per_kg)
            .collect();
        mean(&prices)
    };
    let rice_ratio = rice_kpw(closed) / rice_kpw(0..month_of(&r, date(2020, 1, 1)));
    assert!(rice_ratio > 1.08, "rice in won x{rice_ratio}");
}

#[test]
fn with_no_sensitivity_to_foreign_money_the_won_stays_at_its_normal_rate() {
    let mut p = closure_only(0.0, 0.0);
    p.market.rate_sigma_per_day = 0.0;
    let r = run_replicate(&p, 3, 0).unwrap();
    assert!(!r.rates.is_empty());
    for x in &r.rates {
        assert!(
            (x.won_per_cny - p.market.won_per_cny).abs() < 1e-6 * p.market.won_per_cny,
            "{} won per yuan in month {}",
            x.won_per_cny,
            x.month
        );
    }
}

/// The baseline from 2017 to mid-2019 with no events (dispatch open, the stock steady),
/// its normal foreign money measured over 2017, workers saving `savings_home_share` of
/// their kept pay, and, if `stranded`, every return stopped from 2018 (as the closure did).
fn workers_kept_abroad(savings_home_share: f64, stranded: bool) -> ModelParams {
    let mut p = baseline();
    p.first_day = date(2017, 1, 1);
    p.last_day = date(2019, 6, 30);
    p.market.fx_reference_months = 12;
    p.labour
        .as_mut()
        .expect("the baseline has labour")
        .savings_home_share = savings_home_share;
    p.events.clear();
    if stranded {
        p.events.push(Event {
            id: "stranded".into(),
            kind: EventKind::PandemicMeasure,
            first: date(2018, 1, 1),
            last: None,
            effects: vec![Effect::on(EventChannel::LabourReturn, Action::Stop, 1.0)],
        });
    }
    p
}

#[test]
fn the_won_weakens_when_workers_stop_bringing_savings_home_and_not_when_the_rule_is_off() {
    let won = |savings_home_share, stranded| {
        let p = workers_kept_abroad(savings_home_share, stranded);
        let r = run_replicate(&p, 11, 0).unwrap();
        let from = month_of(&r, date(2018, 4, 1));
        rates_at(&r, site(&p, "hyesan"), from..r.months.len())
    };
    let share = baseline().labour.unwrap().savings_home_share;
    assert!(share > 0.0, "the baseline brings savings home");
    let ratio = mean(&won(share, true)) / mean(&won(share, false));
    assert!(
        ratio > 1.1,
        "won per yuan x{ratio} with the savings stopped"
    );
    // With nothing saved the won never hears of the workers.
    assert_eq!(won(0.0, true), won(0.0, false));
}

#[test]
fn households_keep_wages_and_rations_through_the_closure_but_earn_less() {
    let p = baseline();
    let r = run_replicate(&p, 7, 0).unwrap();
    let per_household = |year: i16, f: &dyn Fn(&yalu_model::observe::HouseholdMonth) -> f64| {
        let months: Vec<_> = r
            .household_months
            .iter()
            .filter(|h| r.months[h.month].year == year)
            .collect();
        let households: f64 = months.iter().map(|h| f64::from(h.households)).sum();
        months.iter().map(|h| f(h)).sum::<f64>() / households
    };
    let income = |year| per_household(year, &|h| h.money_income().cny());
    let (normal, closed) = (income(2019), income(2021));
    assert!(
        closed > 0.0 && closed < 0.9 * normal,
        "{normal} -> {closed} CNY"
    );
    assert_eq!(per_household(2021, &|h| h.livelihood_income.cny()), 0.0);
    assert!(per_household(2021, &|h| h.state_wages.cny()) > 0.0);
    assert!(per_household(2021, &|h| h.rations_rice_kg) > 0.0);
    // Market trade shrinks with the essentials brought in, but goes on.
    let trade = |year| per_household(year, &|h| h.market_trade.cny());
    assert!(trade(2021) > 0.0 && trade(2021) < trade(2019));
    assert!(per_household(2021, &|h| h.income_kpw) > 0.0);
}

#[test]
fn wages_move_through_the_ledger_the_books_balance_and_runs_repeat() {
    let p = baseline();
    let a = run_replicate(&p, 21, 1).expect("the ledger verifies at the end");
    let b = run_replicate(&p, 21, 1).unwrap();
    // Compared as text: prices at sites with no essentials market are NaN, never equal.
    assert!(
        format!("{a:?}") == format!("{b:?}"),
        "same seed and replicate, same results"
    );
    let paid = |payer, purpose| -> i64 {
        a.money
            .iter()
            .filter(|m| {
                m.payer == payer && m.payee == ActorClass::Households && m.purpose == purpose
            })
            .map(|m| m.amount.0)
            .sum()
    };
    let recorded: i64 = a.household_months.iter().map(|h| h.state_wages.0).sum();
    assert_eq!(paid(ActorClass::Centre, Purpose::Wage), recorded);
    let trade: i64 = a.household_months.iter().map(|h| h.market_trade.0).sum();
    assert!(paid(ActorClass::MarketBuyers, Purpose::Sale) >= trade);
}

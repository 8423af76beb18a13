//! State smuggling on land: the trading companies' choice rule, the officials' pass-up
//! chains, the closure, the ice season, the crackdown on households, and the patterns
//! P6, P13, P14 and P15 (docs/ODD.md), each against a tolerance stated in the test.

mod common;

use common::{baseline, money_total};
use jiff::civil::date;
use yalu_model::indicators::{trade_totals, vehicles_per_month};
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::observe::Channel;
use yalu_model::params::{Agency, Mode, ModelParams, SiteId};
use yalu_model::process::state_smuggling::{Route, TradeOption, choose, options};
use yalu_model::streams::{Stream, stream};
use yalu_model::world::World;
use yalu_model::{ReplicateResult, run_replicate};

fn month_index(result: &ReplicateResult, year: i16, month: i8) -> usize {
    result
        .months
        .iter()
        .position(|m| m.year == year && m.month == month)
        .unwrap()
}

fn option(margin: f64, expected_profit_cny: f64, outlay_cny: f64) -> TradeOption {
    TradeOption {
        state_good: 0,
        route: Route {
            crossing: Some(0),
            site: SiteId(0),
            mode: Mode::Convoy,
        },
        units: 1.0,
        loads: 1,
        expected_profit_cny,
        outlay_cny,
        margin,
    }
}

#[test]
fn donju_finance_nothing_below_their_hurdle() {
    let mut params = baseline();
    params.state_trade.as_mut().unwrap().donju_hurdle_return = 0.1;
    let mut rng = stream(1, 0, Stream::StateTrade);
    let poor = [option(0.05, 5.0, 100.0), option(-0.2, -20.0, 100.0)];
    let trade = params.state_trade.as_ref().unwrap();
    assert_eq!(choose(&poor, trade, &mut rng), None);
    let mixed = [option(0.05, 5.0, 100.0), option(0.2, 20.0, 100.0)];
    for _ in 0..100 {
        assert_eq!(choose(&mixed, trade, &mut rng).unwrap().margin, 0.2);
    }
}

#[test]
fn companies_prefer_the_better_margin_more_sharply_with_higher_sensitivity() {
    let mut trade = baseline().state_trade.unwrap();
    trade.donju_hurdle_return = 0.0;
    let pair = [option(0.30, 30.0, 70.0), option(0.25, 25.0, 75.0)];
    let share_best = |sensitivity: f64| {
        let mut trade = trade.clone();
        trade.choice_sensitivity = sensitivity;
        let mut rng = stream(2, 0, Stream::StateTrade);
        let picks = 4000;
        let best = (0..picks)
            .filter(|_| choose(&pair, &trade, &mut rng).unwrap().margin == 0.30)
            .count();
        best as f64 / picks as f64
    };
    // Logit: P(best) = 1 / (1 + exp(-sensitivity x 0.05)).
    for (sensitivity, expected) in [(0.0, 0.5), (20.0, 0.731), (100.0, 0.993)] {
        let share = share_best(sensitivity);
        assert!(
            (share - expected).abs() < 0.03,
            "sensitivity {sensitivity}: {share}"
        );
    }
}

#[test]
fn learned_risk_not_true_risk_drives_expected_profit_and_sanctioned_goods_have_no_official_route() {
    let params = baseline();
    let mut world = World::new(&params, &mut stream(3, 0, Stream::Population));
    world.loads_left_tonight.fill(100);
    let day = world.calendar.day_of(date(2024, 5, 1)).unwrap();
    let company = 0; // a Ryanggang company
    let trade = params.state_trade.as_ref().unwrap();
    let sedans = trade
        .goods
        .iter()
        .position(|g| params.goods[g.good.0 as usize].id == "sedans")
        .unwrap();
    let cement = trade
        .goods
        .iter()
        .position(|g| params.goods[g.good.0 as usize].id == "cement")
        .unwrap();
    let mut found = Vec::new();
    options(&world, &params, day, company, sedans, 20.0, &mut found);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|o| o.route.crossing.is_some()),
        "sedans are sanctioned"
    );
    let before = found[0];

    let crossings = params.crossings.len();
    let c = before.route.crossing.unwrap();
    world.companies.learned_risk[company * crossings + c] = 0.5;
    options(&world, &params, day, company, sedans, 20.0, &mut found);
    let after = found.iter().find(|o| o.route.crossing == Some(c)).unwrap();
    // Half the consignments expected lost: at least 40% of the 20 sedans' value goes.
    let sedan_price = params.goods[trade.goods[sedans].good.0 as usize].sale_price_cny();
    assert!(after.expected_profit_cny < before.expected_profit_cny - 0.4 * 20.0 * sedan_price);

    options(&world, &params, day, company, cement, 400_000.0, &mut found);
    assert!(
        found.iter().any(|o| o.route.crossing.is_none()),
        "cement may go through customs"
    );
}

/// A Ryanggang company's options for `units` of the state good `good` on 1 May 2024, with
/// every crossing open: each option's crossing (`None` for customs), mode, outlay and loads.
fn outlays(params: &ModelParams, good: &str, units: f64) -> Vec<(Option<usize>, Mode, f64, u64)> {
    let mut world = World::new(params, &mut stream(3, 0, Stream::Population));
    world.loads_left_tonight.fill(100);
    let day = world.calendar.day_of(date(2024, 5, 1)).unwrap();
    let trade = params.state_trade.as_ref().unwrap();
    let index = trade
        .goods
        .iter()
        .position(|g| params.goods[g.good.0 as usize].id == good)
        .unwrap();
    let mut found = Vec::new();
    options(&world, params, day, 0, index, units, &mut found);
    found
        .iter()
        .map(|o| (o.route.crossing, o.route.mode, o.outlay_cny, o.loads))
        .collect()
}

#[test]
fn the_chinese_side_charges_each_smuggled_load_of_cargo_but_not_vehicles_or_customs() {
    // "Costly for both sides" (asiapress-china-enforcement-varies): a smuggled load of cargo
    // pays the Chinese leg in proportion to its rate; a vehicle driven across carries it
    // in its Chinese price, and the customs route has no far-bank leg at all.
    let mut params = baseline();
    let mut with_leg = |rate: f64| {
        params
            .state_trade
            .as_mut()
            .unwrap()
            .chinese_leg_cny_per_load = rate;
        (
            outlays(&params, "molybdenum_ore", 200_000.0),
            outlays(&params, "sedans", 20.0),
        )
    };
    let (ore_free, sedans_free) = with_leg(0.0);
    let (ore_single, sedans_single) = with_leg(8_000.0);
    let (ore_double, _) = with_leg(16_000.0);
    assert!(
        ore_free.iter().any(|o| o.0.is_none()),
        "ore may go through customs"
    );
    assert!(
        ore_free.iter().any(|o| o.0.is_some()),
        "ore may be smuggled"
    );
    for ((free, single), double) in ore_free.iter().zip(&ore_single).zip(&ore_double) {
        let (leg, twice) = (single.2 - free.2, double.2 - free.2);
        if free.0.is_some() {
            assert!(leg > 0.0, "a smuggled load of ore pays the Chinese leg");
            assert!(
                (twice - 2.0 * leg).abs() < 1e-6,
                "{leg} doubled is not {twice}"
            );
        } else {
            assert_eq!(leg, 0.0, "customs has no Chinese leg");
        }
    }
    assert_eq!(sedans_free, sedans_single, "vehicles pay it in their price");
}

#[test]
fn a_vehicle_driven_across_pays_its_own_crew_and_cargo_pays_its_modes_labour() {
    // Personnel cost of 2,500 CNY to bring one car over (dnk2024-car-transport-labour): each
    // vehicle driven across pays the vehicle rate, whatever its mode; cargo pays its mode's
    // rate per load, and the vehicle rate does not touch it.
    let mut params = baseline();
    let mut with_rates = |vehicle: f64, convoy_load: f64| {
        params
            .state_trade
            .as_mut()
            .unwrap()
            .vehicle_labour_cny_per_unit = vehicle;
        for mode in &mut params.modes {
            if mode.mode == Mode::Convoy {
                mode.labour_cny_per_load = convoy_load;
            }
        }
        (
            outlays(&params, "molybdenum_ore", 200_000.0),
            outlays(&params, "sedans", 20.0),
        )
    };
    let (ore_base, sedans_base) = with_rates(0.0, 300.0);
    let (ore_crewed, sedans_crewed) = with_rates(2_500.0, 300.0);
    let (ore_dearer, sedans_dearer) = with_rates(2_500.0, 1_300.0);
    assert!(!sedans_base.is_empty());
    for (base, crewed) in sedans_base.iter().zip(&sedans_crewed) {
        assert_eq!(base.3, 20, "twenty sedans are twenty loads");
        assert!(
            (crewed.2 - base.2 - 20.0 * 2_500.0).abs() < 1e-6,
            "each sedan pays its crew: {} -> {}",
            base.2,
            crewed.2
        );
    }
    assert_eq!(ore_base, ore_crewed, "cargo does not pay the vehicle rate");
    assert_eq!(
        sedans_crewed, sedans_dearer,
        "vehicles do not pay the convoy rate"
    );
    assert!(ore_crewed.iter().any(|o| o.1 == Mode::Convoy));
    for (crewed, dearer) in ore_crewed.iter().zip(&ore_dearer) {
        let expected = if crewed.1 == Mode::Convoy {
            crewed.3 as f64 * 1_000.0
        } else {
            0.0
        };
        assert!(
            (dearer.2 - crewed.2 - expected).abs() < 1e-6,
            "{:?}: {} -> {}",
            crewed.1,
            crewed.2,
            dearer.2
        );
    }
}

#[test]
fn border_households_are_paid_each_vehicles_crew_whatever_its_mode_or_route() {
    // With cargo's labour at nothing, the donju's wages to households are exactly 2,500 CNY
    // for every vehicle that crossed, seized or not, smuggled or through customs, by
    // convoy or over the ice.
    let mut params = baseline();
    for mode in &mut params.modes {
        mode.labour_cny_per_load = 0.0;
    }
    let trade = params.state_trade.as_mut().unwrap();
    trade.vehicle_labour_cny_per_unit = 2_500.0;
    let vehicles: Vec<_> = trade
        .goods
        .iter()
        .filter(|g| g.driven_across)
        .map(|g| g.good)
        .collect();
    let result = run_replicate(&params, 5, 0).unwrap();
    let crossed: Vec<_> = result
        .flows
        .iter()
        .filter(|f| {
            vehicles.contains(&f.key.good)
                && matches!(
                    f.key.channel,
                    Channel::StateSmuggling | Channel::OfficialCustoms
                )
        })
        .collect();
    let units: i64 = crossed.iter().map(|f| f.quantity).sum();
    assert!(crossed.iter().any(|f| f.key.mode == Mode::IceTruck));
    assert!(crossed.iter().any(|f| f.key.mode == Mode::Convoy));
    assert!(
        crossed
            .iter()
            .any(|f| f.key.channel == Channel::OfficialCustoms)
    );
    let wages = money_total(
        &result,
        ActorClass::Donju,
        ActorClass::Households,
        Purpose::Wage,
    );
    assert_eq!(wages, units * 2_500 * 100, "{units} vehicles");
}

#[test]
fn the_chinese_leg_is_paid_through_the_ledger_and_lowers_the_smuggling_margin() {
    let mut params = baseline();
    let result = run_replicate(&params, 5, 0).unwrap();
    let smuggled = trade_totals(&result, Channel::StateSmuggling);
    let official = trade_totals(&result, Channel::OfficialCustoms);
    assert!(smuggled.chinese_leg.0 > 0);
    assert_eq!(official.chinese_leg.0, 0);
    let paid = money_total(
        &result,
        ActorClass::Donju,
        ActorClass::ChineseMerchants,
        Purpose::Fee,
    );
    assert_eq!(
        paid, smuggled.chinese_leg.0,
        "every yuan of the leg is a ledger transfer"
    );

    params
        .state_trade
        .as_mut()
        .unwrap()
        .chinese_leg_cny_per_load = 0.0;
    let free = trade_totals(
        &run_replicate(&params, 5, 0).unwrap(),
        Channel::StateSmuggling,
    );
    let margin = |t: &yalu_model::observe::TradeMonth| t.net_profit().cny() / t.revenue.cny();
    assert!(
        margin(&smuggled) < margin(&free) - 0.02,
        "{} with the leg, {} without",
        margin(&smuggled),
        margin(&free)
    );
}

#[test]
fn every_agency_passes_its_shares_up_to_seniors_and_the_centre() {
    let params = baseline();
    let result = run_replicate(&params, 5, 0).unwrap();
    let months = result.months.len() as f64;
    let sites = params.sites.len() as f64;
    for agency in Agency::ALL {
        let unit = ActorClass::unit_of(agency);
        let senior = ActorClass::senior_of(agency);
        let taken: i64 = result
            .money
            .iter()
            .filter(|m| m.payee == unit && m.purpose == Purpose::Bribe)
            .map(|m| m.amount.0)
            .sum();
        assert!(taken > 0, "{agency:?} took nothing");
        let to_senior = money_total(&result, unit, senior, Purpose::PassUp);
        let to_centre = money_total(&result, senior, ActorClass::Centre, Purpose::PassUp);
        let a = agency as usize;
        let pass_up = params.pass_up.unwrap();
        // Rounding is to the fen per site and month.
        assert!(
            (to_senior as f64 - pass_up.unit_to_senior[a] * taken as f64).abs() <= months * sites
        );
        assert!(
            (to_centre as f64 - pass_up.senior_to_centre[a] * to_senior as f64).abs() <= months
        );
    }
}

#[test]
fn nothing_is_smuggled_by_land_during_the_closure_and_declared_trade_follows_the_rail() {
    let params = baseline();
    let result = run_replicate(&params, 6, 0).unwrap();
    let closed = month_index(&result, 2020, 2)..=month_index(&result, 2023, 8);
    // Smuggling by land stops; ships at sea are not stopped by the land closure except for
    // seafood (see tests/maritime.rs), and declared trade runs through Sinuiju only, in the
    // periods its rail freight ran (events covid-trade-2020, rail-freight-*).
    assert!(
        result
            .flows
            .iter()
            .filter(|f| !matches!(f.key.channel, Channel::Maritime | Channel::OfficialCustoms))
            .all(|f| !closed.contains(&f.month))
    );
    assert!(
        result
            .trade_months
            .iter()
            .filter(|t| closed.contains(&t.month) && t.channel == Some(Channel::StateSmuggling))
            .all(|t| t.consignments == 0)
    );
    let sinuiju = params.sites.iter().position(|s| s.id == "sinuiju").unwrap();
    let declared = |months: std::ops::RangeInclusive<usize>| {
        result
            .flows
            .iter()
            .filter(|f| f.key.channel == Channel::OfficialCustoms && months.contains(&f.month))
            .map(|f| (f.key.site.0 as usize, f.value.0))
            .collect::<Vec<_>>()
    };
    let during = declared(closed.clone());
    assert!(during.iter().all(|&(site, _)| site == sinuiju));
    assert!(
        declared(month_index(&result, 2020, 9)..=month_index(&result, 2021, 12)).is_empty(),
        "rail freight halted from August 2020 to mid-January 2022"
    );
    assert!(
        declared(month_index(&result, 2022, 10)..=month_index(&result, 2023, 7))
            .iter()
            .any(|&(_, value)| value > 0),
        "rail freight resumed from late September 2022"
    );
    for channel in [
        Channel::StateSmuggling,
        Channel::OfficialCustoms,
        Channel::Livelihood,
    ] {
        let open = month_index(&result, 2019, 6);
        assert!(
            result
                .flows
                .iter()
                .any(|f| f.month == open && f.key.channel == channel),
            "no {channel:?} flows in an open month"
        );
    }
}

#[test]
fn ice_trucks_cross_only_in_the_ice_season_and_boats_only_outside_it() {
    let params = baseline();
    let result = run_replicate(&params, 7, 0).unwrap();
    let month_of = |f: &yalu_model::observe::FlowRecord| result.months[f.month].month;
    let ice_trucks: Vec<i8> = result
        .flows
        .iter()
        .filter(|f| f.key.mode == Mode::IceTruck)
        .map(month_of)
        .collect();
    assert!(!ice_trucks.is_empty());
    assert!(
        ice_trucks.iter().all(|m| [11, 12, 1, 2].contains(m)),
        "{ice_trucks:?}"
    );
    let boats: Vec<i8> = result
        .flows
        .iter()
        .filter(|f| f.key.mode == Mode::Boat)
        .map(month_of)
        .collect();
    assert!(!boats.is_empty());
    // The season starts on 25 November and ends on the last day of February.
    assert!(boats.iter().all(|m| ![12, 1].contains(m)), "{boats:?}");
}

#[test]
fn nightly_capacity_bounds_what_crosses() {
    let params = baseline();
    let result = run_replicate(&params, 8, 0).unwrap();
    let nightly: u64 = params
        .crossings
        .iter()
        .map(|c| u64::from(c.loads_per_night))
        .sum();
    for t in result
        .trade_months
        .iter()
        .filter(|t| t.channel == Some(Channel::StateSmuggling))
    {
        assert!(
            t.loads <= nightly * 31,
            "month {}: {} loads",
            t.month,
            t.loads
        );
    }
}

/// Mean over a window of months of a per-site-month household figure.
fn household_mean(
    result: &ReplicateResult,
    months: std::ops::Range<usize>,
    f: impl Fn(&yalu_model::observe::HouseholdMonth) -> f64,
) -> f64 {
    let rows: Vec<_> = result
        .household_months
        .iter()
        .filter(|h| months.contains(&h.month))
        .collect();
    rows.iter().map(|h| f(h)).sum::<f64>() / rows.len() as f64
}

#[test]
fn the_crackdown_cuts_household_trips_and_income_and_essentials_prices_rise() {
    // P13 (nkinsider-state-smuggling): livelihood smuggling lost, prices rise sharply.
    // Tolerances: trips per household fall by at least 70% (the crackdown stops 85%),
    // income by at least 25%, the essentials price rises by at least half (P13b's judged
    // target: since the declared food sold in the markets came back with the reopening,
    // the supply no longer falls with the households' trips alone).
    let params = baseline();
    let result = run_replicate(&params, 9, 0).unwrap();
    let before = month_index(&result, 2019, 1)..month_index(&result, 2020, 1);
    let after = month_index(&result, 2024, 1)..month_index(&result, 2025, 1);
    let trips = |m: std::ops::Range<usize>| {
        household_mean(&result, m, |h| h.trips as f64 / f64::from(h.households))
    };
    assert!(trips(after.clone()) < 0.3 * trips(before.clone()));
    let income = |m: std::ops::Range<usize>| household_mean(&result, m, |h| h.mean_income_cny());
    assert!(
        income(after.clone()) < 0.75 * income(before.clone()),
        "{} -> {}",
        income(before.clone()),
        income(after.clone())
    );
    let price = |m: std::ops::Range<usize>| {
        let p: Vec<f64> = result
            .prices
            .iter()
            .filter(|p| m.contains(&p.month) && p.essentials_price_cny_per_kg.is_finite())
            .map(|p| p.essentials_price_cny_per_kg)
            .collect();
        p.iter().sum::<f64>() / p.len() as f64
    };
    let (before, after) = (price(before), price(after));
    assert!(after > 1.5 * before, "{before} -> {after} CNY/kg");
}

#[test]
fn vehicle_imports_run_to_hundreds_a_month_after_the_reopening() {
    // P6 (nkinsider-state-smuggling): "hundreds of units each month". Tolerance: a mean of
    // 100-1,000 a month from 2024 on, and more than before the closure.
    let params = baseline();
    let result = run_replicate(&params, 10, 0).unwrap();
    let after: Vec<usize> = (month_index(&result, 2024, 1)..result.months.len()).collect();
    let before: Vec<usize> =
        (month_index(&result, 2019, 1)..month_index(&result, 2020, 1)).collect();
    let mean = |months: &[usize]| vehicles_per_month(&params, &result, months);
    assert!((100.0..=1000.0).contains(&mean(&after)), "{}", mean(&after));
    assert!(mean(&after) > mean(&before));
}

fn route_shares(params: &ModelParams, seed: u64) -> (f64, f64, f64, f64) {
    let result = run_replicate(params, seed, 0).unwrap();
    let smuggled = trade_totals(&result, Channel::StateSmuggling);
    let official = trade_totals(&result, Channel::OfficialCustoms);
    let revenue = smuggled.revenue.0 as f64;
    (
        revenue / (smuggled.revenue + official.revenue).0 as f64,
        smuggled.net_profit().0 as f64 / revenue,
        (smuggled.revenue - smuggled.purchases - smuggled.labour).0 as f64 / revenue,
        official.net_profit().0 as f64 / official.revenue.0 as f64,
    )
}

#[test]
fn the_levy_pushes_companies_towards_smuggling() {
    // P14 (dailynk-porters): the 30% levy makes companies prefer smuggling. Emerges from the
    // choice rule: most value goes by smuggling at the baseline levy, and less when the
    // levy is cut to 5%.
    let mut params = baseline();
    let (share, _, _, _) = route_shares(&params, 11);
    assert!(share > 0.5, "smuggling share {share}");
    params.state_trade.as_mut().unwrap().official_levy_share = 0.05;
    let (low_levy_share, _, _, _) = route_shares(&params, 11);
    assert!(low_levy_share < share - 0.05, "{share} -> {low_levy_share}");
}

#[test]
fn smuggling_margins_are_lower_than_regular_trade_and_volumes_limited_when_enforcement_relaxes() {
    // P15 (asiapress-state-smuggling). Tolerance: the net margin is below the margin the
    // same consignments would make without bribes and seizures; with Chinese enforcement
    // at zero, vehicles delivered still fall short of Room 39's target (capacity binds).
    let mut params = baseline();
    let (_, net, gross, _) = route_shares(&params, 12);
    assert!(net < gross - 0.02, "net {net} vs gross {gross}");

    let enforcement = params.enforcement.as_mut().unwrap();
    enforcement.schedule = vec![(params.first_day, 0.0)];
    enforcement.sigma_per_day = 0.0;
    let result = run_replicate(&params, 12, 0).unwrap();
    let after: Vec<usize> = (month_index(&result, 2024, 1)..result.months.len()).collect();
    let delivered = vehicles_per_month(&params, &result, &after);
    let target: f64 = params
        .state_trade
        .as_ref()
        .unwrap()
        .goods
        .iter()
        .filter(|g| g.driven_across)
        .map(|g| g.monthly_target_units)
        .sum::<f64>()
        * params.takeover.unwrap().state_trade_multiplier;
    assert!(delivered < 0.9 * target, "{delivered} of {target}");
}

#[test]
fn companies_send_nothing_on_a_closed_day_and_draw_down_quota_on_an_open_one() {
    let params = baseline();
    let mut world = World::new(&params, &mut stream(4, 0, Stream::Population));
    let mut rng = stream(4, 0, Stream::StateTrade);
    for (date, open) in [(date(2021, 6, 1), false), (date(2024, 6, 1), true)] {
        let day = world.calendar.day_of(date).unwrap();
        yalu_model::process::directives::run(&mut world, &params, day);
        let quota = world.quota_left.clone();
        yalu_model::process::state_smuggling::run(
            &mut world,
            &params,
            &mut rng,
            &mut Vec::new(),
            day,
        )
        .unwrap();
        let drawn: f64 = quota
            .iter()
            .zip(&world.quota_left)
            .map(|(a, b)| a - b)
            .sum();
        assert_eq!(drawn > 0.0, open, "{date}: {drawn}");
    }
}

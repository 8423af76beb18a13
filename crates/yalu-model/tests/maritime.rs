//! The maritime channel: the patterns P7 (coal), P8 (sand), P9 (fuel against the cap) and
//! P12 (seafood stops in the closure), each against a stated tolerance; the detection
//! model; conservation of interdicted money and goods; the cap counted from what the
//! monitors saw; and deterrence when surveillance doubles.
//!
//! Honesty about the patterns (see docs/ODD.md, 7.x): the volumes in P7-P9 follow mostly
//! from fleet sizes, capacities and voyage times, which are assumptions sized so that the
//! baseline lands near the UN panel's figures: a calibration, not a prediction. What is
//! not set by any parameter is the split of coal between ship-to-ship and port delivery
//! (it comes from the operators' choice and the receiving ships' capacity, which were
//! however also chosen with the panel's 70% in view), sand going to ports rather than to
//! ships at sea, and the gap between true and observed volumes. P12 holds because the
//! scenario says the closure stops seafood voyages (the source's statement, as a rule);
//! the test checks that the rule leaves nothing through.

mod common;

use std::ops::RangeInclusive;

use jiff::civil::date;
use yalu_model::engine::step_day;
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::observe::{Channel, Outcome, SeaRoute};
use yalu_model::params::{ModelParams, Monitors};
use yalu_model::process::Scratch;
use yalu_model::process::maritime::{detection_probability, imports_against_cap, learned_risk};
use yalu_model::streams::Streams;
use yalu_model::world::World;
use yalu_model::{ReplicateResult, run_replicate};

use common::{baseline, sea_only};

fn months(result: &ReplicateResult, from: (i16, i8), to: (i16, i8)) -> RangeInclusive<usize> {
    let at = |(year, month): (i16, i8)| {
        result
            .months
            .iter()
            .position(|m| m.year == year && m.month == month)
            .unwrap()
    };
    at(from)..=at(to)
}

fn good(params: &ModelParams, id: &str) -> u16 {
    params.goods.iter().position(|g| g.id == id).unwrap() as u16
}

/// Quantity of a good truly delivered by sea in some months: (ship-to-ship, port).
fn delivered(
    params: &ModelParams,
    result: &ReplicateResult,
    id: &str,
    window: &RangeInclusive<usize>,
) -> (f64, f64) {
    let g = good(params, id);
    let zone = params.maritime.as_ref().unwrap().sts_zone;
    let mut by_route = (0.0, 0.0);
    for f in result.flows.iter().filter(|f| {
        f.key.channel == Channel::Maritime
            && f.key.good.0 == g
            && f.key.outcome == Outcome::Delivered
            && window.contains(&f.month)
    }) {
        if f.key.site == zone {
            by_route.0 += f.quantity as f64;
        } else {
            by_route.1 += f.quantity as f64;
        }
    }
    by_route
}

/// USD value of a quantity at the good's Chinese price (how the panel values exports),
/// at the month's exchange rate, summed over the months' deliveries.
fn usd_at_chinese_price(
    params: &ModelParams,
    result: &ReplicateResult,
    id: &str,
    window: &RangeInclusive<usize>,
) -> f64 {
    let g = good(params, id);
    let price = params.goods[g as usize].china_price_cny_per_unit;
    result
        .flows
        .iter()
        .filter(|f| {
            f.key.channel == Channel::Maritime
                && f.key.good.0 == g
                && f.key.outcome == Outcome::Delivered
                && window.contains(&f.month)
        })
        .map(|f| f.quantity as f64 * price / result.cny_per_usd[f.month])
        .sum()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

const REPLICATES: u32 = 9;

fn replicates(params: &ModelParams, seed: u64) -> Vec<ReplicateResult> {
    (0..REPLICATES)
        .map(|r| run_replicate(params, seed, r).unwrap())
        .collect()
}

#[test]
fn p7_coal_january_to_august_2019_about_3_7_mt_370_musd_70_percent_at_sea() {
    // P7 (asiapress-state-smuggling, citing the UN panel): about 3.7 Mt of coal worth
    // about USD 370M in January-August 2019, about 70% (2.8 Mt) by ship-to-ship transfer.
    // Tolerances on the median of 9 replicates: 3.7 Mt +- 15%; USD 300-440M at the
    // Chinese price (the catalogue's 0.63 CNY/kg is USD 100/t at 6.29 CNY/USD but only
    // USD 91/t at 2019's 6.90, so 3.7 Mt values at about USD 340M); share at sea 0.6-0.8.
    // The tonnage follows from the fleet's size (an assumption sized for this pattern).
    let params = sea_only(date(2019, 8, 31));
    let results = replicates(&params, 2019);
    let window = months(&results[0], (2019, 1), (2019, 8));
    let coal: Vec<(f64, f64)> = results
        .iter()
        .map(|r| delivered(&params, r, "coal", &window))
        .collect();
    let tonnes = median(coal.iter().map(|(s, p)| (s + p) / 1000.0).collect());
    let share_at_sea = median(coal.iter().map(|(s, p)| s / (s + p)).collect());
    let usd = median(
        results
            .iter()
            .map(|r| usd_at_chinese_price(&params, r, "coal", &window))
            .collect(),
    );
    println!("P7: coal {tonnes:.0} t, {share_at_sea:.3} at sea, USD {usd:.0} at the Chinese price");
    assert!(
        (3.7e6 * 0.85..=3.7e6 * 1.15).contains(&tonnes),
        "coal {tonnes} t"
    );
    assert!(
        (0.6..=0.8).contains(&share_at_sea),
        "share at sea {share_at_sea}"
    );
    assert!((300e6..=440e6).contains(&usd), "coal USD {usd}");
    // What North Korea actually received is less: buyers at sea pay less than the
    // Chinese price (their margin and freight).
    let received: f64 = results[0]
        .flows
        .iter()
        .filter(|f| {
            f.key.channel == Channel::Maritime
                && f.key.good.0 == good(&params, "coal")
                && f.key.outcome == Outcome::Delivered
                && window.contains(&f.month)
        })
        .map(|f| f.value.cny() / results[0].cny_per_usd[f.month])
        .sum();
    assert!(received < usd_at_chinese_price(&params, &results[0], "coal", &window));
}

#[test]
fn the_coal_share_at_sea_comes_from_choice_and_receiving_capacity() {
    // The share is not a parameter: with no receiving ships nothing goes ship-to-ship;
    // with twice as many, more does; when the port route is made longer, more goes to sea.
    let base = sea_only(date(2019, 8, 31));
    let share = |params: &ModelParams| -> f64 {
        let results: Vec<_> = (0..5)
            .map(|r| run_replicate(params, 70, r).unwrap())
            .collect();
        let window = months(&results[0], (2019, 1), (2019, 8));
        median(
            results
                .iter()
                .map(|r| {
                    let (s, p) = delivered(params, r, "coal", &window);
                    s / (s + p)
                })
                .collect(),
        )
    };
    let baseline_share = share(&base);

    let mut none = base.clone();
    for c in &mut none.maritime.as_mut().unwrap().counterparts {
        c.ships = 0;
    }
    assert_eq!(share(&none), 0.0);

    let mut more = base.clone();
    for c in &mut more.maritime.as_mut().unwrap().counterparts {
        c.ships *= 2;
    }
    let more_share = share(&more);
    println!("share at sea {baseline_share:.3}; receivers x2 {more_share:.3}");
    assert!(
        more_share > baseline_share + 0.05,
        "{baseline_share} -> {more_share}"
    );

    let mut far = base.clone();
    for f in &mut far.maritime.as_mut().unwrap().fleets {
        f.port_voyage_days *= 1.5;
    }
    let far_share = share(&far);
    println!("port trips x1.5 {far_share:.3}");
    assert!(
        far_share > baseline_share + 0.03,
        "{baseline_share} -> {far_share}"
    );
}

#[test]
fn p8_sand_january_to_august_2019_at_least_1_mt_about_22_musd_mostly_to_ports() {
    // P8: at least 1 Mt of sand worth about USD 22M to Chinese ports, January-August
    // 2019. Tolerances on the median of 9 replicates: 0.9-1.4 Mt (the panel's "at least"
    // less 10% for the model's spread); USD 17-30M at the Chinese price; at least 80% by
    // port delivery. The tonnage follows from the sand fleet's size (sized for this
    // pattern); the preference for ports is emergent: the receiving ships' freight per
    // tonne is a large part of sand's low price, so transfers at sea rarely pay.
    let params = sea_only(date(2019, 8, 31));
    let results = replicates(&params, 2019);
    let window = months(&results[0], (2019, 1), (2019, 8));
    let sand: Vec<(f64, f64)> = results
        .iter()
        .map(|r| delivered(&params, r, "sand", &window))
        .collect();
    let tonnes = median(sand.iter().map(|(s, p)| (s + p) / 1000.0).collect());
    let to_ports = median(sand.iter().map(|(s, p)| p / (s + p)).collect());
    let usd = median(
        results
            .iter()
            .map(|r| usd_at_chinese_price(&params, r, "sand", &window))
            .collect(),
    );
    println!("P8: sand {tonnes:.0} t, {to_ports:.3} to ports, USD {usd:.0}");
    assert!((0.9e6..=1.4e6).contains(&tonnes), "sand {tonnes} t");
    assert!(to_ports >= 0.8, "share to ports {to_ports}");
    assert!((17e6..=30e6).contains(&usd), "sand USD {usd}");
}

#[test]
fn p9_fuel_imports_are_several_times_the_cap_but_the_reported_volume_is_lower() {
    // P9: refined petroleum imports several times the 500,000 barrel cap (the truth), while
    // a panel counting only the transfers it detected reports less. Tolerance: true imports
    // 2-8 times the cap in each full year 2018-2019 (median of 9 replicates); reported
    // below 60% of the true volume. The true volume follows from the tanker fleet (sized
    // for this pattern); the reported share is emergent from the detection model.
    let params = sea_only(date(2019, 12, 31));
    let results = replicates(&params, 2397);
    let cap = 500_000.0;
    for year in [2018, 2019] {
        let rows: Vec<_> = results
            .iter()
            .map(|r| {
                imports_against_cap(&params, r)
                    .into_iter()
                    .find(|y| y.year == year)
                    .unwrap()
            })
            .collect();
        assert!(
            rows.iter()
                .all(|y| y.capped_months == 12 && (y.cap - cap).abs() < 1e-6)
        );
        let multiple = median(rows.iter().map(|y| y.true_delivered / cap).collect());
        let reported = median(rows.iter().map(|y| y.reported / y.true_delivered).collect());
        println!("P9 {year}: true {multiple:.2} x cap, reported/true {reported:.3}");
        assert!(
            (2.0..=8.0).contains(&multiple),
            "{year}: {multiple} times the cap"
        );
        assert!(reported < 0.6, "{year}: reported share {reported}");
        assert!(rows.iter().all(|y| y.reported < y.true_delivered));
    }
}

#[test]
fn fuel_before_october_2017_is_not_held_against_any_cap() {
    // UNSCR 2375 first capped refined petroleum at 500,000 barrels for October-December
    // 2017 (unscr2375-refined-cap-2017q4); before that there was no cap. 2017 is therefore
    // measured over its last three months against 500,000 barrels, not over the year
    // against 2397's annual cap.
    let params = sea_only(date(2018, 3, 31));
    let result = run_replicate(&params, 2375, 0).unwrap();
    let years = imports_against_cap(&params, &result);
    let year_2017 = years.iter().find(|y| y.year == 2017).unwrap();
    assert_eq!((year_2017.months, year_2017.capped_months), (12, 3));
    assert!(
        (year_2017.cap - 500_000.0).abs() < 1e-6,
        "{}",
        year_2017.cap
    );
    let fuel = good(&params, "refined_petroleum");
    let delivered = |window: RangeInclusive<usize>| -> f64 {
        result
            .flows
            .iter()
            .filter(|f| {
                window.contains(&f.month)
                    && f.key.channel == Channel::Maritime
                    && f.key.good.0 == fuel
                    && f.key.outcome == Outcome::Delivered
            })
            .map(|f| f.quantity as f64)
            .sum()
    };
    let before = delivered(months(&result, (2017, 1), (2017, 9)));
    assert!(before > 0.0, "fuel arrives before the cap too");
    assert_eq!(
        year_2017.true_delivered,
        delivered(months(&result, (2017, 10), (2017, 12)))
    );
    let year_2018 = years.iter().find(|y| y.year == 2018).unwrap();
    assert_eq!((year_2018.months, year_2018.capped_months), (3, 3));
    assert!(
        (year_2018.cap - 125_000.0).abs() < 1e-6,
        "{}",
        year_2018.cap
    );
}

#[test]
fn p12_seafood_transshipment_stops_completely_during_the_closure() {
    // P12: seafood transfers at sea stopped completely under the COVID rules. Tolerance:
    // none at all, in flows or in the monitors' tallies, in any month wholly inside the
    // closure (February 2020 - August 2023), in every replicate; seafood moves before and
    // after. Coal, on which the source is silent, is taken to continue (an assumption).
    let params = baseline();
    let stop = params
        .events
        .iter()
        .find(|e| e.id == "covid-seafood-at-sea")
        .expect("the baseline stops seafood at sea");
    assert_eq!(
        (stop.first, stop.last),
        (date(2020, 1, 31), Some(date(2023, 8, 31)))
    );
    let seafood = good(&params, "seafood");
    for r in 0..3 {
        let result = run_replicate(&params, 2020, r).unwrap();
        let inside = months(&result, (2020, 2), (2023, 8));
        let sea = |window: &RangeInclusive<usize>| -> i64 {
            result
                .flows
                .iter()
                .filter(|f| {
                    f.key.channel == Channel::Maritime
                        && f.key.good.0 == seafood
                        && window.contains(&f.month)
                })
                .map(|f| f.quantity)
                .sum()
        };
        assert_eq!(sea(&inside), 0);
        assert!(
            result
                .observed
                .iter()
                .all(|o| o.good.0 != seafood || !inside.contains(&o.month))
        );
        assert!(sea(&months(&result, (2019, 1), (2019, 12))) > 0);
        assert!(sea(&months(&result, (2023, 10), (2024, 9))) > 0);
        let coal = delivered(&params, &result, "coal", &inside);
        assert!(coal.0 + coal.1 > 0.0, "coal continues in the closure");
    }
}

fn monitors() -> Monitors {
    baseline().maritime.unwrap().monitors
}

#[test]
fn detection_probability_is_a_probability_rising_with_coverage_and_duration() {
    let base = monitors();
    let routes = SeaRoute::ALL;
    let flags = [(false, false), (true, false), (false, true), (true, true)];
    for route in routes {
        for (ais_off, night) in flags {
            let mut last = -1.0;
            for hours in [0.0, 0.5, 1.0, 4.0, 12.0, 48.0, 500.0, 1e6] {
                let p = detection_probability(&base, route, hours, ais_off, night);
                assert!((0.0..=1.0).contains(&p), "{p}");
                assert!(p >= last, "not rising with duration");
                last = p;
            }
            let mut last = -1.0;
            for scale in [0.0, 0.5, 1.0, 2.0, 4.0, 100.0] {
                let m = Monitors {
                    satellite_revisits_per_day: base.satellite_revisits_per_day * scale,
                    aircraft_patrol_hours_per_day: (base.aircraft_patrol_hours_per_day * scale)
                        .min(24.0),
                    ..base
                };
                let p = detection_probability(&m, route, 12.0, ais_off, night);
                assert!((0.0..=1.0).contains(&p));
                assert!(p >= last, "not rising with coverage");
                last = p;
            }
        }
        // Strictly: doubling coverage or duration raises it; AIS off and night lower it.
        let p = |m: &Monitors, hours, ais_off, night| {
            detection_probability(m, route, hours, ais_off, night)
        };
        let doubled = Monitors {
            satellite_revisits_per_day: 2.0 * base.satellite_revisits_per_day,
            aircraft_patrol_hours_per_day: 2.0 * base.aircraft_patrol_hours_per_day,
            ..base
        };
        assert!(p(&doubled, 12.0, false, false) > p(&base, 12.0, false, false));
        assert!(p(&base, 24.0, false, false) > p(&base, 12.0, false, false));
        assert!(p(&base, 12.0, true, false) < p(&base, 12.0, false, false));
        if route == SeaRoute::ShipToShip {
            assert!(p(&base, 12.0, false, true) < p(&base, 12.0, false, false));
        }
    }
    // Extreme but valid inputs stay in [0, 1].
    let extreme = Monitors {
        satellite_revisits_per_day: 1e9,
        satellite_detection_per_pass: 1.0,
        aircraft_patrol_hours_per_day: 24.0,
        aircraft_sightings_per_hour: 1e9,
        ais_off_detection_factor: 1.0,
        night_detection_factor: 1.0,
        port_inspection_probability: 1.0,
        ..base
    };
    for route in routes {
        assert_eq!(detection_probability(&extreme, route, 1.0, true, true), 1.0);
    }
    let blind = Monitors {
        satellite_revisits_per_day: 0.0,
        aircraft_patrol_hours_per_day: 0.0,
        port_inspection_probability: 0.0,
        ..base
    };
    for route in routes {
        assert_eq!(detection_probability(&blind, route, 1e6, false, false), 0.0);
    }
}

#[test]
fn every_interdicted_fen_and_tonne_is_recorded() {
    // With heavy surveillance and frequent interdiction, the seizures in the ledger equal
    // the payments the monitors' tallies say were seized; the seized flows equal the
    // interdicted quantities; delivered plus seized equals what was carried; and each
    // interdicted ship's replacement is paid for.
    let mut params = sea_only(date(2019, 12, 31));
    let m = params.maritime.as_mut().unwrap();
    m.monitors.satellite_revisits_per_day *= 4.0;
    m.monitors.interdiction_probability_at_sea = 0.3;
    m.monitors.interdiction_probability_in_port = 0.4;
    let result = run_replicate(&params, 5, 0).unwrap();
    let m = params.maritime.as_ref().unwrap();

    let interdicted: u32 = result
        .observed
        .iter()
        .map(|o| o.interdicted_transfers)
        .sum();
    assert!(interdicted > 50, "{interdicted}");
    let seized_fen: i64 = result
        .money
        .iter()
        .filter(|f| f.payee == ActorClass::Interdictors)
        .inspect(|f| assert_eq!(f.purpose, Purpose::Seizure))
        .map(|f| f.amount.0)
        .sum();
    let tallied_fen: i64 = result.observed.iter().map(|o| o.interdicted_value.0).sum();
    assert_eq!(seized_fen, tallied_fen);
    assert!(seized_fen > 0);

    for g in m.cargoes.iter().map(|c| c.good) {
        let flows = |outcome| -> i64 {
            result
                .flows
                .iter()
                .filter(|f| {
                    f.key.channel == Channel::Maritime
                        && f.key.good == g
                        && f.key.outcome == outcome
                })
                .map(|f| f.quantity)
                .sum()
        };
        let of = |get: fn(&yalu_model::observe::ObservedRecord) -> i64| -> i64 {
            result
                .observed
                .iter()
                .filter(|o| o.good == g)
                .map(get)
                .sum()
        };
        assert_eq!(flows(Outcome::Seized), of(|o| o.interdicted_quantity));
        assert_eq!(
            flows(Outcome::Delivered) + flows(Outcome::Seized),
            of(|o| o.true_quantity)
        );
        assert!(of(|o| o.interdicted_quantity) <= of(|o| o.observed_quantity));
    }

    // Replacement ships: one per interdiction, at the fleet's ship value.
    let replacements: f64 = result
        .money
        .iter()
        .filter(|f| {
            f.payer == ActorClass::ShippingOperators
                && f.payee == ActorClass::ForeignCounterparties
                && f.purpose == Purpose::Purchase
        })
        .map(|f| f.amount.cny())
        .sum();
    let values: Vec<f64> = m.fleets.iter().map(|f| f.hull.ship_value_cny).collect();
    let (low, high) = (
        values.iter().copied().fold(f64::INFINITY, f64::min),
        values.iter().copied().fold(0.0, f64::max),
    );
    assert!(replacements >= low * f64::from(interdicted) - 1.0);
    assert!(replacements <= high * f64::from(interdicted) + 1.0);
}

#[test]
fn the_cap_is_counted_from_what_was_observed_and_the_truth_from_the_flows() {
    let params = sea_only(date(2019, 12, 31));
    let result = run_replicate(&params, 11, 0).unwrap();
    let fuel = good(&params, "refined_petroleum");
    let years = imports_against_cap(&params, &result);
    assert_eq!(
        years.iter().map(|y| y.year).collect::<Vec<_>>(),
        vec![2017, 2018, 2019]
    );
    for y in &years {
        // The year's months under the cap, which began in October 2017.
        let in_year = |month: usize| {
            let m = result.months[month];
            m.year == y.year && (m.year, m.month) >= (2017, 10)
        };
        let truth: i64 = result
            .flows
            .iter()
            .filter(|f| {
                f.key.channel == Channel::Maritime
                    && f.key.good.0 == fuel
                    && f.key.outcome == Outcome::Delivered
                    && in_year(f.month)
            })
            .map(|f| f.quantity)
            .sum();
        let seen: i64 = result
            .observed
            .iter()
            .filter(|o| o.good.0 == fuel && in_year(o.month))
            .map(|o| o.observed_quantity - o.interdicted_quantity)
            .sum();
        assert_eq!(y.true_delivered, truth as f64);
        assert_eq!(y.reported, seen as f64);
        assert!(y.reported < y.true_delivered);
    }

    // Blind monitors report nothing; all-seeing ones report everything that arrived.
    let mut blind = params.clone();
    let m = &mut blind.maritime.as_mut().unwrap().monitors;
    m.satellite_revisits_per_day = 0.0;
    m.aircraft_patrol_hours_per_day = 0.0;
    m.port_inspection_probability = 0.0;
    let result = run_replicate(&blind, 11, 0).unwrap();
    for y in imports_against_cap(&blind, &result) {
        assert_eq!(y.reported, 0.0);
        assert!(y.true_delivered > 0.0);
    }
    let mut seeing = params.clone();
    let m = &mut seeing.maritime.as_mut().unwrap().monitors;
    m.port_inspection_probability = 1.0;
    m.satellite_revisits_per_day = 1e6;
    m.satellite_detection_per_pass = 1.0;
    m.ais_off_detection_factor = 1.0;
    m.night_detection_factor = 1.0;
    m.interdiction_probability_at_sea = 0.0;
    m.interdiction_probability_in_port = 0.0;
    let result = run_replicate(&seeing, 11, 0).unwrap();
    for y in imports_against_cap(&seeing, &result) {
        assert_eq!(y.reported, y.true_delivered);
    }
}

/// Coal truly delivered, coal carried (delivered or seized: the voyages operators chose to
/// make) and the monitors' detection ratio over the horizon, summed over replicates.
fn coal_and_detection(params: &ModelParams, replicates: u32) -> (f64, f64, f64) {
    let coal = good(params, "coal");
    let (mut delivered, mut seen, mut carried) = (0.0, 0.0, 0.0);
    for r in 0..replicates {
        let result = run_replicate(params, 2018, r).unwrap();
        delivered += result
            .flows
            .iter()
            .filter(|f| {
                f.key.channel == Channel::Maritime
                    && f.key.good.0 == coal
                    && f.key.outcome == Outcome::Delivered
            })
            .map(|f| f.quantity as f64)
            .sum::<f64>();
        for o in result.observed.iter().filter(|o| o.good.0 == coal) {
            seen += o.observed_quantity as f64;
            carried += o.true_quantity as f64;
        }
    }
    (delivered, carried, seen / carried)
}

fn doubled(mut params: ModelParams) -> ModelParams {
    let m = &mut params.maritime.as_mut().unwrap().monitors;
    m.satellite_revisits_per_day *= 2.0;
    m.aircraft_patrol_hours_per_day *= 2.0;
    params
}

fn two_years_at_sea() -> ModelParams {
    let mut p = sea_only(date(2019, 12, 31));
    p.first_day = date(2018, 1, 1);
    p
}

#[test]
fn doubling_surveillance_lowers_true_flows_and_raises_the_detection_ratio() {
    // Baseline values, 12 replicates of 2018-2019. Tolerance: at least 2% less coal
    // delivered, and a detection ratio at least 0.1 higher.
    let base = two_years_at_sea();
    let (coal, _, ratio) = coal_and_detection(&base, 12);
    let (coal_x2, _, ratio_x2) = coal_and_detection(&doubled(base), 12);
    println!("x2: coal {coal:.3e} -> {coal_x2:.3e}, detection {ratio:.3} -> {ratio_x2:.3}");
    assert!(coal_x2 < 0.98 * coal, "{coal} -> {coal_x2}");
    assert!(ratio_x2 > ratio + 0.1, "{ratio} -> {ratio_x2}");
}

#[test]
fn deterrence_works_through_what_operators_learn() {
    // Part of the drop above is ships taken out by interdiction, and part is cargo seized.
    // To see deterrence alone, interdicted ships are replaced as soon as their voyage
    // would have ended, and what is measured is the coal carried (the voyages operators
    // chose to make, delivered or seized). Operators who learn see more sightings, expect
    // more risk and sail less; operators who never update (learning rate 0) sail much as
    // before. How much learning deters depends on how often a sighting ends in
    // interdiction: at the baseline's low rates (2% at sea, 3% in port) the effect is
    // within the noise of a few replicates (learning -0.11% to 0.57%, fixed beliefs -0.29%
    // to 0.22%, over 8 and 24 replicates at hurdles 0.10 and 0.094 with 25 and 26 coal ships); at three
    // times those rates it is clear. Tolerances (8 replicates of 2018-2019): at baseline
    // rates, learning cuts coal carried by less than 1%; at three times the rates, by more
    // than 1% and more than three times as much as fixed beliefs do (1.4% against 0.2%).
    // Each fleet keeps one class of ship: which hull replaces a lost one also follows what
    // operators learn (tests/vessels.rs), and would mix a change of fleet into the voyages.
    let mut base = two_years_at_sea();
    let m = base.maritime.as_mut().unwrap();
    m.ship_replacement_days = 0;
    for fleet in &mut m.fleets {
        fleet.classes.clear();
    }
    let drop = |params: &ModelParams| {
        let (_, before, _) = coal_and_detection(params, 8);
        let (_, after, _) = coal_and_detection(&doubled(params.clone()), 8);
        1.0 - after / before
    };
    let fixed_beliefs = |params: &ModelParams| {
        let mut p = params.clone();
        p.maritime.as_mut().unwrap().risk_learning_rate = 0.0;
        p
    };
    let learning = drop(&base);
    let fixed = drop(&fixed_beliefs(&base));
    println!("deterrence at baseline rates: {learning:.4} learning, {fixed:.4} fixed beliefs");
    assert!(
        learning.abs() < 0.01,
        "learning {learning}, fixed beliefs {fixed}"
    );

    let mut strict = base.clone();
    let m = &mut strict.maritime.as_mut().unwrap().monitors;
    m.interdiction_probability_at_sea *= 3.0;
    m.interdiction_probability_in_port *= 3.0;
    let learning = drop(&strict);
    let fixed = drop(&fixed_beliefs(&strict));
    println!("deterrence at 3x interdiction: {learning:.4} learning, {fixed:.4} fixed beliefs");
    assert!(learning > 0.01, "drop with learning {learning}");
    assert!(
        learning > 3.0 * fixed.abs(),
        "learning {learning}, fixed beliefs {fixed}"
    );

    // What operators learned: more sightings, higher expected risk, on both routes.
    let learned = |params: &ModelParams| {
        let mut streams = Streams::new(2018, 0, params.sites.len());
        let mut world = World::new(params, &mut streams.population);
        let mut scratch = Scratch::default();
        let mut risk = [0.0; 2];
        let days = world.calendar.days();
        for day in world.calendar.all_days() {
            step_day(&mut world, params, &mut streams, &mut scratch, day).unwrap();
            if day.0 >= days / 2 {
                for (r, route) in SeaRoute::ALL.into_iter().enumerate() {
                    risk[r] += learned_risk(&world, params.maritime.as_ref().unwrap(), 0, route);
                }
            }
        }
        world.ledger.verify().unwrap();
        risk
    };
    let before = learned(&base);
    let after = learned(&doubled(base));
    println!("learned risk {before:?} -> {after:?}");
    assert!(
        after[0] > 1.2 * before[0] && after[1] > 1.2 * before[1],
        "{before:?} -> {after:?}"
    );
}

#[test]
fn sea_revenue_reaches_trading_companies_and_room39_and_officials_are_paid() {
    let params = sea_only(date(2019, 12, 31));
    let result = run_replicate(&params, 39, 0).unwrap();
    let m = params.maritime.as_ref().unwrap();
    let total = |payer: ActorClass, payee: ActorClass, purpose: Purpose| -> f64 {
        result
            .money
            .iter()
            .filter(|f| f.payer == payer && f.payee == payee && f.purpose == purpose)
            .map(|f| f.amount.cny())
            .sum()
    };
    let ops = ActorClass::ShippingOperators;
    let to_room39 = total(ops, ActorClass::Room39, Purpose::Remittance);
    let to_companies = total(ops, ActorClass::TradingCompanies, Purpose::Fee);
    assert!(to_room39 > 0.0 && to_companies > 0.0);
    // Room 39 gets room39_share of the company's share (to rounding, per voyage).
    let share = to_room39 / (to_room39 + to_companies);
    assert!((share - m.room39_share).abs() < 0.001, "{share}");
    assert_eq!(ActorClass::ShippingOperators.fx_channel(), Some("maritime"));
    // Supervision: customs and security units at the home ports, party officials.
    for payee in [
        ActorClass::Customs,
        ActorClass::StateSecurity,
        ActorClass::PartyOfficials,
    ] {
        assert!(total(ops, payee, Purpose::Bribe) > 0.0, "{payee:?}");
    }
    // The units pass part of it up their chain like any other take.
    assert!(
        total(
            ActorClass::Customs,
            ActorClass::CustomsSenior,
            Purpose::PassUp
        ) > 0.0
    );
    // Exports are paid for by Chinese ships at sea and Chinese merchants in port; fuel is
    // resold to domestic buyers.
    assert!(total(ActorClass::ChineseShipsAtSea, ops, Purpose::Sale) > 0.0);
    assert!(total(ActorClass::ChineseMerchants, ops, Purpose::Sale) > 0.0);
    assert!(total(ActorClass::DomesticBuyers, ops, Purpose::Sale) > 0.0);
}

#[test]
fn the_sea_is_deterministic_and_untouched_by_the_land_channels() {
    let full = baseline();
    let mut short = full.clone();
    short.last_day = date(2018, 6, 30);
    let sea = sea_only(date(2018, 6, 30));
    let a = run_replicate(&short, 3, 1).unwrap();
    let b = run_replicate(&short, 3, 1).unwrap();
    // (Whole results are not compared: sites without households have NaN essentials
    // prices, and NaN is never equal to itself.)
    assert_eq!(
        (&a.flows, &a.money, &a.observed),
        (&b.flows, &b.money, &b.observed)
    );
    let c = run_replicate(&sea, 3, 1).unwrap();
    assert_eq!(a.observed, c.observed);
    let sea_flows = |r: &ReplicateResult| -> Vec<_> {
        r.flows
            .iter()
            .filter(|f| f.key.channel == Channel::Maritime)
            .cloned()
            .collect()
    };
    assert_eq!(sea_flows(&a), sea_flows(&c));
    assert!(!sea_flows(&a).is_empty());
    // Without a [maritime] section nothing moves by sea.
    let mut none = short;
    none.maritime = None;
    let d = run_replicate(&none, 3, 1).unwrap();
    assert!(d.observed.is_empty() && sea_flows(&d).is_empty());
}

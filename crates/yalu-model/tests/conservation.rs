//! Property test: over random scenarios (horizons, random dated events on every channel,
//! splits, crews, prices, seizure rates, state trade, households, enforcement, and the
//! maritime channel on or off with random fleets, coverage and interdiction), every
//! replicate's ledger balances and no money or goods are created or lost.

mod common;

use common::{arb_event, baseline};
use jiff::civil::{Date, date};
use proptest::prelude::*;
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::params::{ModelParams, ProfitSplit};
use yalu_model::run_replicate;

fn day(offset: i64) -> Date {
    date(2017, 1, 1) + jiff::Span::new().days(offset)
}

prop_compose! {
    fn porter_and_calendar()(
        start in 0i64..2800,
        length in 1i64..400,
        events in proptest::collection::vec(arb_event(400, 13, 17), 0..4),
        guards in 0.0f64..1.0,
        porters_of_rest in 0.0f64..1.0,
        crews in 0u32..6,
        applicants in 0u32..300,
        seizure in 0.0f64..=1.0,
        sigma in 0.0f64..1.0,
        price in 0.0f64..20.0,
        cost in 0.0f64..20.0,
        runs in 0.0f64..28.0,
    ) -> ModelParams {
        let mut p = baseline();
        p.first_day = day(start);
        p.last_day = day(start + length);
        p.events = events
            .iter()
            .enumerate()
            .map(|(i, e)| e.at(i, day(start)))
            .collect();
        let porters = (1.0 - guards) * porters_of_rest;
        let porter = p.porter.as_mut().unwrap();
        porter.profit_split = ProfitSplit {
            border_guards_share: guards,
            porters_share: porters,
            donju_share: 1.0 - guards - porters,
        };
        for site in &mut porter.sites {
            site.crews = crews;
            site.applicants = applicants;
        }
        porter.seizure_probability_per_run = seizure;
        porter.sale_price_sigma = sigma;
        porter.runs_per_month = runs;
        let good = porter.goods[0].good.0 as usize;
        p.goods[good].china_price_cny_per_unit = price;
        p.goods[good].home_price_cny_per_unit = cost;
        p
    }
}

prop_compose! {
    fn random_params()(
        base in porter_and_calendar(),
        pass_up_draw in (0.0f64..=1.0, 0.0f64..=1.0),
        planning in 0.0f64..=1.0,
        levy in 0.0f64..=1.0,
        shares in (0.0f64..=1.0, 0.0f64..=0.5, 0.0f64..=0.5),
        bribe in 0.0f64..20000.0,
        crackdown in (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..5.0),
        takeover in 0i64..3000,
        households in 0u32..5000,
        enforcement in (0.0f64..=1.0, 0.0f64..0.2),
        channels_on in proptest::collection::vec(any::<bool>(), 9),
        sea in sea_draws(),
    ) -> ModelParams {
        let mut p = base;
        let pass_up = p.pass_up.as_mut().unwrap();
        pass_up.unit_to_senior = [pass_up_draw.0; 4];
        pass_up.senior_to_centre = [pass_up_draw.1; 4];
        let t = p.state_trade.as_mut().unwrap();
        t.planning_probability_per_day = planning;
        t.official_levy_share = levy;
        (t.company_share, t.bureau_fee_share, t.room39_share) = shares;
        t.bribe_cny_per_load = [bribe; 4];
        let t = p.takeover.as_mut().unwrap();
        t.household_crackdown = crackdown.0;
        t.household_bribe_share_of_margin = crackdown.1;
        t.state_trade_multiplier = crackdown.2;
        t.first_day = day(takeover);
        p.households.as_mut().unwrap().households_at_site.fill(households);
        let e = p.enforcement.as_mut().unwrap();
        e.schedule = vec![(day(0), enforcement.0)];
        e.sigma_per_day = enforcement.1;
        // Any channel may be left out of a scenario; the books must balance regardless.
        if !channels_on[0] {
            p.couriers = None;
        }
        if !channels_on[1] {
            p.diplomats = None;
        }
        if !channels_on[2] {
            p.labour = None;
        }
        if !channels_on[3] {
            p.porter = None;
        }
        if !channels_on[4] {
            // Declared trade pays its levy at state trade's rate, so it needs the section.
            p.state_trade = None;
            p.declared_trade = None;
        }
        if !channels_on[5] {
            p.households = None;
        }
        if !channels_on[6] {
            p.takeover = None;
        }
        if !channels_on[8] {
            p.declared_trade = None;
        }
        if channels_on[7] {
            sea.apply(&mut p);
        } else {
            p.maritime = None;
        }
        p
    }
}

/// Random values for the maritime channel: coverage, interdiction,
/// learning, fleets (their other classes of ship and how sharply operators choose among
/// them included) and counterparts.
#[derive(Debug, Clone)]
struct SeaDraws {
    coverage: (f64, f64, f64),
    interdiction: (f64, f64),
    learning: (f64, f64),
    ships: (u32, u32, u32),
    vessel_choice: f64,
    replacement: u32,
    shares: (f64, f64),
    hurdle: f64,
}

impl SeaDraws {
    fn apply(&self, p: &mut ModelParams) {
        let m = p.maritime.as_mut().unwrap();
        m.monitors.satellite_revisits_per_day = self.coverage.0;
        m.monitors.aircraft_patrol_hours_per_day = self.coverage.1;
        m.monitors.port_inspection_probability = self.coverage.2;
        m.monitors.interdiction_probability_at_sea = self.interdiction.0;
        m.monitors.interdiction_probability_in_port = self.interdiction.1;
        (m.risk_learning_rate, m.prior_detection_probability) = self.learning;
        for fleet in &mut m.fleets {
            fleet.ships = self.ships.0;
            for class in &mut fleet.classes {
                class.ships = self.ships.2;
            }
        }
        m.vessel_choice_sensitivity_days = self.vessel_choice;
        for counterpart in &mut m.counterparts {
            counterpart.ships = self.ships.1;
        }
        m.ship_replacement_days = self.replacement;
        (m.company_share, m.room39_share) = self.shares;
        m.hurdle_return_per_day = self.hurdle;
    }
}

prop_compose! {
    fn sea_draws()(
        coverage in (0.0f64..20.0, 0.0f64..=24.0, 0.0f64..=1.0),
        interdiction in (0.0f64..=1.0, 0.0f64..=1.0),
        learning in (0.0f64..=1.0, 0.0f64..=1.0),
        ships in (0u32..30, 0u32..10, 0u32..10),
        vessel_choice in 0.0f64..5000.0,
        replacement in 0u32..400,
        shares in (0.0f64..=1.0, 0.0f64..=1.0),
        hurdle in 0.0f64..0.5,
    ) -> SeaDraws {
        SeaDraws { coverage, interdiction, learning, ships, vessel_choice, replacement, shares, hurdle }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn every_replicate_balances(params in random_params(), seed in any::<u64>()) {
        // run_replicate verifies the books itself and fails loudly if they do not balance.
        let result = run_replicate(&params, seed, 0);
        prop_assert!(result.is_ok(), "{:?}", result.err());
        let result = result.unwrap();
        // Pass-up never exceeds what officials took.
        let sum = |payee_is_senior: bool, purpose: Purpose| -> i64 {
            result.money.iter()
                .filter(|m| m.purpose == purpose)
                .filter(|m| payee_is_senior == (m.payee == ActorClass::Centre))
                .map(|m| m.amount.0).sum()
        };
        let bribes = sum(false, Purpose::Bribe);
        let to_seniors = sum(false, Purpose::PassUp);
        let to_centre = sum(true, Purpose::PassUp);
        prop_assert!(to_seniors <= bribes);
        prop_assert!(to_centre <= to_seniors);
        // At sea: what the interdictors took is what the monitors' tallies say was seized,
        // and every tonne carried was either delivered or seized.
        let seized_fen: i64 = result.money.iter()
            .filter(|m| m.payee == ActorClass::Interdictors)
            .map(|m| m.amount.0).sum();
        let tallied_fen: i64 = result.observed.iter().map(|o| o.interdicted_value.0).sum();
        prop_assert_eq!(seized_fen, tallied_fen);
        let sea_flows: i64 = result.flows.iter()
            .filter(|f| f.key.channel == yalu_model::observe::Channel::Maritime)
            .map(|f| f.quantity).sum();
        let carried: i64 = result.observed.iter().map(|o| o.true_quantity).sum();
        prop_assert_eq!(sea_flows, carried);
        if params.maritime.is_none() {
            prop_assert!(result.observed.is_empty());
        }
        // Every list of records is in month order: the report takes a window's months as
        // one slice of each.
        prop_assert!(result.flows.is_sorted_by_key(|r| r.month));
        prop_assert!(result.money.is_sorted_by_key(|r| r.month));
        prop_assert!(result.porter_months.is_sorted_by_key(|r| r.month));
        prop_assert!(result.household_months.is_sorted_by_key(|r| r.month));
        prop_assert!(result.trade_months.is_sorted_by_key(|r| r.month));
        prop_assert!(result.prices.is_sorted_by_key(|r| r.month));
        prop_assert!(result.rates.is_sorted_by_key(|r| r.month));
        prop_assert!(result.activity.is_sorted_by_key(|r| r.month));
        prop_assert!(result.observed.is_sorted_by_key(|r| r.month));
        prop_assert!(result.declared.is_sorted_by_key(|r| r.month));
        prop_assert!(result.ships.is_sorted_by_key(|r| r.month));
    }
}

//! Property test: over random scenarios (horizons, closures, splits, crews, prices,
//! seizure rates, state trade, households, enforcement), every replicate's ledger balances
//! and no money is created or lost.

use jiff::civil::{Date, date};
use proptest::prelude::*;
use yalu_model::calendar::{Phase, PhaseKind};
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::params::{ModelParams, ProfitSplit};
use yalu_model::run_replicate;
use yalu_scenario::{Registry, Scenario};

fn baseline() -> ModelParams {
    Scenario::baseline(&Registry::embedded()).unwrap().params
}

fn day(offset: i64) -> Date {
    date(2017, 1, 1) + jiff::Span::new().days(offset)
}

prop_compose! {
    fn porter_and_calendar()(
        start in 0i64..2800,
        length in 1i64..400,
        closure in proptest::option::of((0i64..300, 0i64..200)),
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
        p.phases = closure.map(|(from, len)| Phase {
            id: "closure".into(),
            kind: PhaseKind::BorderClosure,
            first: day(start + from),
            last: day(start + from + len),
        }).into_iter().collect();
        let porters = (1.0 - guards) * porters_of_rest;
        p.profit_split = ProfitSplit { border_guards: guards, porters, donju: 1.0 - guards - porters };
        for site in &mut p.porter.sites {
            site.crews = crews;
            site.applicants = applicants;
        }
        p.porter.seizure_probability_per_run = seizure;
        p.porter.sale_price_sigma = sigma;
        p.porter.runs_per_month = runs;
        let good = p.porter.goods[0].good.0 as usize;
        p.goods[good].china_price_cny_per_unit = price;
        p.goods[good].home_price_cny_per_unit = cost;
        p
    }
}

prop_compose! {
    fn random_params()(
        base in porter_and_calendar(),
        pass_up in (0.0f64..=1.0, 0.0f64..=1.0),
        planning in 0.0f64..=1.0,
        levy in 0.0f64..=1.0,
        shares in (0.0f64..=1.0, 0.0f64..=0.5, 0.0f64..=0.5),
        bribe in 0.0f64..20000.0,
        crackdown in (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..5.0),
        takeover in 0i64..3000,
        households in 0u32..5000,
        enforcement in (0.0f64..=1.0, 0.0f64..0.2),
    ) -> ModelParams {
        let mut p = base;
        p.pass_up.unit_to_senior = [pass_up.0; 4];
        p.pass_up.senior_to_centre = [pass_up.1; 4];
        let t = &mut p.state_trade;
        t.planning_probability_per_day = planning;
        t.official_levy_share = levy;
        (t.company_share, t.bureau_fee_share, t.room39_share) = shares;
        t.bribe_cny_per_load = [bribe; 4];
        p.takeover.household_crackdown = crackdown.0;
        p.takeover.household_bribe_share_of_margin = crackdown.1;
        p.takeover.state_trade_multiplier = crackdown.2;
        p.takeover.first_day = day(takeover);
        p.households.households_at_site.fill(households);
        p.enforcement.schedule = vec![(day(0), enforcement.0)];
        p.enforcement.sigma_per_day = enforcement.1;
        p
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
    }
}

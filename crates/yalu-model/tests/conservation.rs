//! Property test: over random scenarios (horizons, closures, splits, crews, prices,
//! seizure rates), every replicate's ledger balances and no money is created or lost.

use jiff::civil::{Date, date};
use proptest::prelude::*;
use yalu_model::calendar::{Phase, PhaseKind};
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
    fn random_params()(
        start in 0i64..2000,
        length in 1i64..500,
        closure in proptest::option::of((0i64..600, 0i64..300)),
        guards in 0.0f64..1.0,
        porters_of_rest in 0.0f64..1.0,
        to_command in 0.0f64..=1.0,
        to_centre in 0.0f64..=1.0,
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
        p.pass_up.border_guards_to_command = to_command;
        p.pass_up.command_to_centre = to_centre;
        for site in &mut p.porter.sites {
            site.crews = crews;
            site.applicants = applicants;
        }
        p.porter.seizure_probability_per_run = seizure;
        p.porter.sale_price_sigma = sigma;
        p.porter.runs_per_month = runs;
        p.porter.goods[0].china_price_cny_per_kg = price;
        p.porter.goods[0].supply_cost_cny_per_kg = cost;
        p
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_replicate_balances(params in random_params(), seed in any::<u64>()) {
        // run_replicate verifies the books itself and fails loudly if they do not balance.
        let result = run_replicate(&params, seed, 0);
        prop_assert!(result.is_ok(), "{:?}", result.err());
        let result = result.unwrap();
        // The donju pay bribes and wages only out of profitable sales.
        let paid_in: i64 = result.money.iter()
            .filter(|m| m.purpose == yalu_model::ledger::Purpose::Sale)
            .map(|m| m.amount.0).sum();
        let paid_out_of_donju: i64 = result.money.iter()
            .filter(|m| m.payer == yalu_model::ledger::ActorClass::Donju)
            .filter(|m| m.purpose != yalu_model::ledger::Purpose::Purchase)
            .map(|m| m.amount.0).sum();
        prop_assert!(paid_out_of_donju <= paid_in);
    }
}

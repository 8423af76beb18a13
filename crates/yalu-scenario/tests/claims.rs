//! Checked citations: a number that cites a claim must agree with it. The claim must exist
//! and give a figure; a value in the claim's unit must lie within its bound; a value in
//! another unit must show its arithmetic; a value used outside the claim's period must say
//! why the figure carries over.

use yalu_scenario::{ErrorKind, Evidence, Registry, Scenario, ScenarioErrors, SourceText};

const REGISTRY: &str = r#"
[[source]]
id = "survey"
kind = "news_report"
outlet = "A market survey"
date = "2018-06"
title = "Prices at the border"
supports = "Rice prices and the yuan rate in 2018."

[[source.claim]]
id = "survey-rice-2018"
claim = "Rice sold for about 4 yuan a kilogram at the border market."
location = "paragraph 3"
counted = "rice retail price"
place = "Hyesan market"
period = "2018"
unit = "CNY/kg"
bound = "about"
value = 4.0

[[source.claim]]
id = "survey-rice-2018-kpw"
claim = "Rice sold for about 5,000 won a kilogram."
location = "paragraph 4"
counted = "rice retail price"
place = "Hyesan market"
period = "2018"
unit = "KPW/kg"
bound = "about"
value = 5000

[[source.claim]]
id = "survey-rate-2019"
claim = "The yuan traded at 6.9 to the dollar."
location = "paragraph 5"
period = "2019"
unit = "CNY/USD"
bound = "point"
value = 6.9

[[source.claim]]
id = "survey-markets-busy"
claim = "Border markets were busy."
location = "paragraph 1"
"#;

/// A scenario of 2018-2019 with no channels: only the sections every scenario has.
fn scenario(rice: &str, rate_2019: &str) -> String {
    format!(
        r#"
[scenario]
name = "t"
description = "d"
first_day = "2018-01-01"
last_day = "2019-12-31"
seed = 1

[calendar]
ice_first_day = "11-25"
ice_last_day = "02-28"
assumption = "A test season."

[market]
rice_price_cny_per_kg = {{ value = {rice} }}
rice_price_sigma_per_day = {{ value = 0.01, assumption = "test", range = [0, 0.1] }}
rice_price_reversion_per_day = {{ value = 0.05, assumption = "test", range = [0, 1] }}
essentials_price_elasticity = {{ value = 1, assumption = "test", range = [0, 2] }}
essentials_supply_smoothing_per_day = {{ value = 0.1, assumption = "test", range = [0.01, 1] }}
essentials_price_cap_multiple = {{ value = 4, assumption = "test", range = [1, 10] }}
won_per_cny = {{ value = 1200, assumption = "test", range = [1000, 1400] }}
rate_sigma_per_day = {{ value = 0.01, assumption = "test", range = [0, 0.1] }}
rate_reversion_per_day = {{ value = 0.05, assumption = "test", range = [0, 1] }}
rate_fx_supply_effect = {{ value = 0.3, assumption = "test", range = [0, 1] }}
rate_fx_demand_effect = {{ value = 0.5, assumption = "test", range = [0, 1] }}
fx_reference_months = {{ value = 12, assumption = "test", range = [12, 24] }}
rice_rate_pass_through = {{ value = 0.5, assumption = "test", range = [0, 1] }}
rice_essentials_elasticity = {{ value = 0.1, assumption = "test", range = [0, 1] }}
rice_season_amplitude = {{ value = 0.1, assumption = "test", range = [0, 0.2] }}
rice_season_peak_day = {{ value = 166, assumption = "test", range = [100, 200] }}
rate_sample_interval_days = {{ value = 10, assumption = "test", range = [7, 15] }}
rice_food_import_effect = {{ value = 0, assumption = "test", range = [0, 0.3] }}

[[exchange.schedule]]
from = "2018-01-01"
cny_per_usd = {{ value = 6.6, assumption = "test", range = [6, 7] }}

[[exchange.schedule]]
from = "2019-01-01"
cny_per_usd = {{ value = {rate_2019} }}
"#
    )
}

fn parse(rice: &str, rate_2019: &str) -> Result<Scenario, ScenarioErrors> {
    let registry = Registry::parse(&SourceText::new("r.toml", REGISTRY)).unwrap();
    Scenario::parse(
        &SourceText::new("t.toml", scenario(rice, rate_2019)),
        &registry,
    )
}

const RATE: &str = r#"6.9, claim = "survey-rate-2019""#;

fn only_error(rice: &str) -> yalu_scenario::ScenarioError {
    let errors = parse(rice, RATE).unwrap_err().errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn a_value_within_its_claims_bound_takes_the_claims_range() {
    let scenario = parse(
        r#"4.2, claim = "survey-rice-2018", carry_over = "Rice prices were stable through 2019.""#,
        RATE,
    )
    .unwrap();
    let rice = scenario
        .parameters
        .iter()
        .find(|p| p.path == "market.rice_price_cny_per_kg")
        .unwrap();
    assert!(
        matches!(&rice.evidence, Evidence::Claim { source, range: Some([low, high]), .. }
            if source == "survey" && (*low - 3.6).abs() < 1e-9 && (*high - 4.4).abs() < 1e-9)
    );
}

#[test]
fn a_value_outside_its_claims_bound_is_refused() {
    let e = only_error(
        r#"5.0, claim = "survey-rice-2018", carry_over = "Rice prices were stable through 2019.""#,
    );
    assert_eq!(e.field, "market.rice_price_cny_per_kg.claim");
    assert!(
        matches!(&e.kind, ErrorKind::OutsideClaim { value, claim, figure }
            if *value == 5.0 && claim == "survey-rice-2018" && figure.contains("about 4"))
    );
}

#[test]
fn a_value_in_another_unit_must_show_its_arithmetic() {
    let e = only_error(
        r#"4.3, claim = "survey-rice-2018-kpw", carry_over = "Stable prices.", range = [3, 5]"#,
    );
    assert!(matches!(&e.kind, ErrorKind::DerivationNeeded { unit, .. } if *unit == "CNY/kg"));
    parse(
        r#"4.3, claim = "survey-rice-2018-kpw", derivation = "5,000 KPW/kg / 1,160 KPW/CNY = 4.3 CNY/kg", carry_over = "Stable prices.", range = [3, 5]"#,
        RATE,
    )
    .unwrap();
}

#[test]
fn a_figure_used_beyond_its_period_must_say_why_it_carries_over() {
    // The claim describes 2018; the market price is used in 2018 and 2019.
    let e = only_error(r#"4.0, claim = "survey-rice-2018""#);
    assert!(matches!(&e.kind, ErrorKind::ClaimPeriod { claim, used, .. }
            if claim == "survey-rice-2018" && used.contains("2019-12-31")));
}

#[test]
fn a_schedule_step_needs_its_claim_to_cover_only_its_own_days() {
    // The 2019 rate cites a 2019 claim: it is in force from 2019-01-01 to the horizon's end.
    parse(
        r#"4.0, claim = "survey-rice-2018", carry_over = "Stable prices.""#,
        RATE,
    )
    .unwrap();
    // Moved to cover 2018 too, the same citation no longer covers its days.
    let text = scenario(
        r#"4.0, claim = "survey-rice-2018", carry_over = "Stable prices.""#,
        RATE,
    )
    .replace(
        "from = \"2018-01-01\"\ncny_per_usd = { value = 6.6, assumption = \"test\", range = [6, 7] }\n\n[[exchange.schedule]]\n",
        "",
    );
    let registry = Registry::parse(&SourceText::new("r.toml", REGISTRY)).unwrap();
    let errors = Scenario::parse(&SourceText::new("t.toml", text), &registry)
        .unwrap_err()
        .errors;
    assert!(
        errors
            .iter()
            .any(|e| matches!(&e.kind, ErrorKind::ClaimPeriod { claim, .. } if claim == "survey-rate-2019")),
        "{errors:?}"
    );
}

#[test]
fn an_unknown_claim_names_the_nearest_registered_ones() {
    let e = only_error(r#"4.0, claim = "survey-rice-2019""#);
    assert!(matches!(&e.kind, ErrorKind::UnknownClaim { id, nearest }
            if id == "survey-rice-2019" && nearest.starts_with("survey-rice-2018")));
}

#[test]
fn a_claim_without_a_figure_cannot_source_a_number() {
    let e = only_error(r#"4.0, claim = "survey-markets-busy""#);
    assert_eq!(
        e.kind,
        ErrorKind::ClaimWithoutFigure("survey-markets-busy".into())
    );
}

#[test]
fn every_claim_the_shipped_scenarios_cite_resolves() {
    let registry = Registry::embedded();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let scenario = yalu_scenario::load(&path, &registry)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        for p in &scenario.parameters {
            if let Evidence::Claim { claim, source, .. } = &p.evidence {
                let (found, _) = registry.claim(claim).expect("checked on load");
                assert_eq!(&found.id, source);
            }
        }
    }
}

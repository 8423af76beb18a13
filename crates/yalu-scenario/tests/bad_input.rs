//! Each kind of bad scenario gets a precise error: the file, the line and column, the field
//! and what was expected. The cases mutate the embedded baseline one thing at a time.

mod common;

use common::{errors_of, line_of, only_error, param_line};
use yalu_scenario::{BASELINE, ErrorKind, Registry, Scenario, SourceText};

#[test]
fn baseline_is_valid_and_every_number_has_evidence() {
    let scenario = Scenario::baseline(&Registry::embedded()).unwrap();
    assert_eq!(scenario.name, "baseline");
    assert!(scenario.parameters.len() > 30);
    let numbers = BASELINE.matches("value = ").count();
    let numeric_records = scenario
        .parameters
        .iter()
        .filter(|p| matches!(p.value, yalu_scenario::Value::Number(_)))
        .count();
    assert_eq!(numbers, numeric_records);
}

#[test]
fn unknown_field() {
    let e = only_error("seed = 20170101", "seed = 20170101\ncolour = \"red\"");
    assert_eq!(e.field, "scenario.colour");
    assert!(matches!(&e.kind, ErrorKind::Schema(m) if m.contains("unknown field `colour`")));
    assert_eq!(e.column, 1);
}

#[test]
fn unknown_field_inside_a_parameter() {
    let e = only_error(
        "runs_per_month = { value = 4, unit = \"runs/month\", claim",
        "runs_per_month = { value = 4, unit = \"runs/month\", sorce = \"x\", claim",
    );
    assert_eq!(e.field, "porter.runs_per_month.sorce");
    assert!(matches!(&e.kind, ErrorKind::Schema(m) if m.contains("sorce")));
}

#[test]
fn wrong_unit() {
    let e = only_error(
        "max_load_kg = { value = 60, unit = \"kg\"",
        "max_load_kg = { value = 60, unit = \"lb\"",
    );
    assert_eq!(e.field, "porter.max_load_kg.unit");
    assert_eq!(
        e.kind,
        ErrorKind::WrongUnit {
            expected: "kg",
            found: "lb".into()
        }
    );
    assert_eq!(e.line, line_of("max_load_kg"));
    assert!(e.to_string().starts_with(&format!("bad.toml:{}:", e.line)));
}

#[test]
fn negative_load() {
    // Refused as a count, and as outside what its claim (at least 30 kg) states.
    let errors = errors_of(
        "min_load_kg = { value = 30,",
        "min_load_kg = { value = -30,",
    );
    assert!(
        errors
            .iter()
            .any(|e| matches!(&e.kind, ErrorKind::OutsideClaim { value, .. } if *value == -30.0))
    );
    let e = errors
        .into_iter()
        .find(|e| matches!(e.kind, ErrorKind::Invalid { .. }))
        .unwrap();
    assert_eq!(e.field, "porter.min_load_kg.value");
    assert_eq!(e.line, line_of("min_load_kg"));
    assert_eq!(e.column, 25);
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, found } if expected == "a whole number in [0, 1000] (kg)" && found == "-30")
    );
}

#[test]
fn split_shares_that_do_not_sum_to_one() {
    // 0.25 also leaves what the claim states (20%), a second error.
    let e = errors_of(
        "porters_share = { value = 0.2,",
        "porters_share = { value = 0.25,",
    )
    .into_iter()
    .find(|e| e.field == "profit_split")
    .unwrap();
    assert_eq!(e.field, "profit_split");
    assert!(matches!(e.kind, ErrorKind::SharesDoNotSumToOne { sum } if (sum - 1.05).abs() < 1e-9));
}

#[test]
fn end_before_start() {
    let e = only_error("last_day = \"2025-12-31\"", "last_day = \"2016-12-31\"");
    assert_eq!(e.field, "scenario.last_day");
    assert!(matches!(e.kind, ErrorKind::EndBeforeStart { .. }));
}

#[test]
fn unknown_claim_id() {
    let e = only_error(
        "claim = \"dailynk-porters-runs-4-per-month\"",
        "claim = \"dailynk-porters-runs-4-a-month\"",
    );
    assert_eq!(e.field, "porter.runs_per_month.claim");
    assert!(
        matches!(&e.kind, ErrorKind::UnknownClaim { id, nearest } if id == "dailynk-porters-runs-4-a-month" && nearest.contains("dailynk-porters-runs-4-per-month"))
    );
}

#[test]
fn the_old_source_form_is_refused_with_the_keys_that_are_accepted() {
    let e = errors_of(
        "claim = \"dailynk-porters-runs-4-per-month\"",
        "source = \"dailynk-porters: paragraph 12\"",
    )
    .into_iter()
    .find(|e| matches!(e.kind, ErrorKind::Schema(_)))
    .unwrap();
    assert_eq!(e.field, "porter.runs_per_month.source");
    assert!(
        matches!(&e.kind, ErrorKind::Schema(m) if m.contains("`claim`") && m.contains("`assumption`"))
    );
}

#[test]
fn unknown_site_in_a_schedule() {
    let e = only_error("site = \"samjiyon\"", "site = \"chongjin\"");
    assert_eq!(e.field, "porter.sites[chongjin].site");
    assert_eq!(e.line, line_of("site = \"samjiyon\""));
    assert!(matches!(&e.kind, ErrorKind::UnknownSite { id, .. } if id == "chongjin"));
}

#[test]
fn unknown_good_in_a_sanction() {
    let e = only_error(
        "goods = [\"coal\", \"seafood\"]",
        "goods = [\"coal\", \"squid\"]",
    );
    assert_eq!(e.field, "events[unscr2371-export-bans].effects[0].goods");
    assert!(matches!(&e.kind, ErrorKind::UnknownGood { id, .. } if id == "squid"));
}

#[test]
fn assumption_without_range() {
    let line = param_line("site = \"samjiyon\"", "applicants");
    let e = only_error(&line, &line.replace(", range = [100, 600]", ""));
    assert_eq!(e.field, "porter.sites[samjiyon].applicants");
    assert_eq!(e.kind, ErrorKind::AssumptionWithoutRange);
}

#[test]
fn value_without_evidence() {
    let e = only_error(
        "strength_sd_kg = { value = 8, unit = \"kg\", assumption = \"Spread such that a few applicants fall below the 30 kg hiring bar.\", range",
        "strength_sd_kg = { value = 8, unit = \"kg\", range",
    );
    assert_eq!(e.kind, ErrorKind::NoEvidence);
}

#[test]
fn probability_outside_zero_one() {
    let e = only_error(
        "seizure_probability_per_run = { value = 0.02, unit = \"probability\", assumption = \"Seizures are rare: the testimony says bribes are paid on both sides and patrols stay off the roads.\", range = [0.0, 0.1] }",
        "seizure_probability_per_run = { value = 1.5, unit = \"probability\", assumption = \"x\", range = [0.0, 2.0] }",
    );
    assert_eq!(e.field, "porter.seizure_probability_per_run.value");
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("in [0, 1]"))
    );
}

#[test]
fn a_range_must_be_finite() {
    let e = only_error(
        "seizure_probability_per_run = { value = 0.02, unit = \"probability\", assumption = \"Seizures are rare: the testimony says bribes are paid on both sides and patrols stay off the roads.\", range = [0.0, 0.1] }",
        "seizure_probability_per_run = { value = 0.02, unit = \"probability\", assumption = \"Seizures are rare: the testimony says bribes are paid on both sides and patrols stay off the roads.\", range = [0.0, inf] }",
    );
    assert_eq!(e.field, "porter.seizure_probability_per_run.range");
    assert!(matches!(e.kind, ErrorKind::BadRange { high, .. } if high.is_infinite()));
}

#[test]
fn value_outside_its_own_stated_range() {
    let e = only_error(
        "crews = { value = 12, unit = \"crews\"",
        "crews = { value = 40, unit = \"crews\"",
    );
    assert_eq!(e.field, "porter.sites[hyesan].crews.value");
    assert_eq!(
        e.kind,
        ErrorKind::OutsideStatedRange {
            value: 40.0,
            low: 4.0,
            high: 30.0
        }
    );
}

#[test]
fn malformed_date() {
    let e = only_error("first_day = \"2020-08-01\"", "first_day = \"2020-13-01\"");
    assert_eq!(e.field, "events[covid-rail-freight-halt].first_day");
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("YYYY-MM-DD"))
    );
}

#[test]
fn several_problems_are_all_reported_in_file_order() {
    let text = BASELINE
        .replacen(
            "porters_share = { value = 0.2,",
            "porters_share = { value = 0.3,",
            1,
        )
        .replacen(
            "min_load_kg = { value = 30,",
            "min_load_kg = { value = -1,",
            1,
        );
    let errors = Scenario::parse(&SourceText::new("bad.toml", text), &Registry::embedded())
        .unwrap_err()
        .errors;
    // Each mutation is also outside its claim's figure: four errors, in file order.
    assert_eq!(errors.len(), 4);
    assert!(
        errors
            .windows(2)
            .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column))
    );
    assert!(errors[0].line < errors[3].line);
}

#[test]
fn a_maximum_below_its_minimum_is_reported_at_the_maximum() {
    let errors = errors_of(
        "crew_size_max = { value = 50,",
        "crew_size_max = { value = 25,",
    );
    let order = errors
        .iter()
        .find(|e| e.field == "porter.crew_size_max.value")
        .expect("the maximum is refused");
    assert_eq!(order.line, line_of("crew_size_max = {"));
    assert!(
        matches!(&order.kind, ErrorKind::Invalid { expected, found }
            if expected == "at least crew_size_typical_max (30)" && found == "25"),
        "{:?}",
        order.kind
    );
}

/// The `Invalid` error reported at `field` among `errors`, as (expected, found).
fn invalid_at(errors: &[yalu_scenario::ScenarioError], field: &str) -> (String, String) {
    errors
        .iter()
        .find_map(|e| match &e.kind {
            ErrorKind::Invalid { expected, found } if e.field == field => {
                Some((expected.clone(), found.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no invalid value at {field}: {errors:#?}"))
}

#[test]
fn a_consignment_maximum_below_its_minimum_is_refused() {
    let errors = errors_of(
        "consignment_units_max = { value = 400000,",
        "consignment_units_max = { value = 50000,",
    );
    let field = "state_trade.goods[molybdenum_ore].consignment_units_max.value";
    let expected = "at least consignment_units_min (100000)";
    assert_eq!(
        invalid_at(&errors, field),
        (expected.into(), "50000".into())
    );
}

#[test]
fn a_fleet_carries_what_its_kind_carries() {
    let errors = errors_of(
        "kind = \"bulk_carrier\"\ngood = \"coal\"",
        "kind = \"tanker\"\ngood = \"coal\"",
    );
    let field = "maritime.fleets[nampo_coal_carriers].good";
    let expected = "an import counted in barrels for a tanker fleet";
    assert_eq!(
        invalid_at(&errors, field),
        (expected.into(), "`coal`".into())
    );
}

#[test]
fn a_counterpart_trades_the_way_its_kind_trades() {
    let errors = errors_of("kind = \"supply_tanker\"", "kind = \"receiving_ship\"");
    let field = "maritime.counterparts[supply_tankers].goods";
    let expected = "an export (receiving ships buy from North Korean ships)";
    let found = "`refined_petroleum`";
    assert_eq!(invalid_at(&errors, field), (expected.into(), found.into()));
}

/// The baseline without section `name`: every table headed `[name]`, `[name.…]` or
/// `[[name.…]]`.
fn without_section(name: &str) -> String {
    let mut kept = true;
    let lines = BASELINE.lines().filter(|line| {
        if line.starts_with('[') {
            let header = line.trim_matches(['[', ']']);
            kept = header != name && !header.starts_with(&format!("{name}."));
        }
        kept
    });
    lines.collect::<Vec<_>>().join("\n")
}

#[test]
fn a_section_another_needs_is_reported_missing_on_line_one_with_why() {
    for (section, why) in [
        (
            "state_trade",
            "declared trade pays the levy `state_trade.official_levy_share`",
        ),
        ("profit_split", "the scenario has porter crews"),
        ("pass_up", "officials are paid in this scenario"),
        ("enforcement", "state trade or households cross the border"),
        (
            "finance",
            "donju, households or ship operators pay before they are paid",
        ),
    ] {
        let text = SourceText::new("bad.toml", without_section(section));
        let errors = Scenario::parse(&text, &Registry::embedded())
            .expect_err(section)
            .errors;
        let missing = errors.iter().find(|e| e.field == section);
        let e = missing.unwrap_or_else(|| panic!("no error for `{section}`: {errors:#?}"));
        assert_eq!((e.line, e.column), (1, 1));
        let expected = format!("a [{section}] table, because {why}");
        assert!(e.to_string().contains(&expected), "{e}");
    }
}

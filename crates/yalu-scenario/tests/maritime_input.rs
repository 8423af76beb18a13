//! The `[maritime]` section: the baseline's is valid and fully evidenced, and each kind of
//! bad value gets a precise error (file, line, column, field, what was expected). The cases
//! mutate the embedded baseline one thing at a time, as `bad_input.rs` does.

use yalu_model::params::{CounterpartKind, FleetKind};
mod common;

use common::{line_of, only_error, param_line};
use yalu_scenario::{BASELINE, ErrorKind, Evidence, Registry, Scenario, SourceText};

#[test]
fn baseline_maritime_section_is_valid_and_every_value_has_evidence() {
    let scenario = Scenario::baseline(&Registry::embedded()).unwrap();
    let m = scenario
        .params
        .maritime
        .as_ref()
        .expect("baseline has [maritime]");
    let site = |s: yalu_model::params::SiteId| scenario.params.sites[s.0 as usize].id.as_str();
    let good = |g: yalu_model::params::GoodId| scenario.params.goods[g.0 as usize].id.as_str();
    assert_eq!(site(m.sts_zone), "west_sea_sts");
    let kinds: Vec<(FleetKind, &str, &str)> = m
        .fleets
        .iter()
        .map(|f| (f.kind, good(f.good), site(f.home_port)))
        .collect();
    assert!(kinds.contains(&(FleetKind::BulkCarrier, "coal", "nampo")));
    assert!(kinds.contains(&(FleetKind::FishingBoat, "seafood", "nampo")));
    assert!(kinds.contains(&(FleetKind::Tanker, "refined_petroleum", "nampo")));
    assert!(
        m.counterparts
            .iter()
            .any(|c| c.kind == CounterpartKind::ReceivingShip)
    );
    assert!(
        m.counterparts
            .iter()
            .any(|c| c.kind == CounterpartKind::SupplyTanker)
    );
    let cap = m.cap.as_ref().expect("the fuel cap is an input");
    assert_eq!(good(cap.good), "refined_petroleum");
    // No cap before UNSCR 2375's quarter; 500,000 barrels for it, then 2397's a year.
    let month = |year, month| yalu_model::calendar::YearMonth { year, month };
    assert_eq!(cap.barrels_per_year(month(2017, 9)), None);
    assert_eq!(cap.barrels_per_year(month(2017, 10)), Some(2_000_000.0));
    assert_eq!(cap.barrels_per_year(month(2018, 1)), Some(500_000.0));
    assert_eq!(cap.barrels_per_year(month(2025, 12)), Some(500_000.0));

    // Every maritime number is recorded with its evidence; the cap cites UNSCR 2397 and
    // the seafood stop (an event) cites the ASIAPRESS report.
    let records: Vec<_> = scenario
        .parameters
        .iter()
        .filter(|p| p.path.starts_with("maritime."))
        .collect();
    // From `[maritime]` to the next table that is not one of its own.
    let section = &BASELINE[BASELINE.find("[maritime]").unwrap()..];
    let section = section
        .match_indices("\n[")
        .find(|(i, _)| {
            let header = section[i + 1..].trim_start_matches('[');
            !header.starts_with("maritime")
        })
        .map_or(section, |(i, _)| &section[..i]);
    assert_eq!(records.len(), section.matches("value = ").count());
    let evidence_of = |path: &str| {
        &scenario
            .parameters
            .iter()
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("{path} recorded"))
            .evidence
    };
    assert!(matches!(
        evidence_of("maritime.cap.schedule[0].barrels_per_year"),
        Evidence::Claim { source, .. } if source == "unscr-2375"
    ));
    assert!(matches!(
        evidence_of("maritime.cap.schedule[1].barrels_per_year"),
        Evidence::Claim { source, .. } if source == "unscr-2397"
    ));
    assert!(matches!(
        evidence_of("events[covid-seafood-at-sea]"),
        Evidence::Claim { source, .. } if source == "asiapress-state-smuggling"
    ));
    assert!(matches!(
        evidence_of("events[covid-trade-2020].effects[0].capacity_share"),
        Evidence::Claim { range: Some(_), .. } | Evidence::Assumption { range: Some(_), .. }
    ));
    for record in &records {
        if let Evidence::Assumption { range, .. } = &record.evidence {
            assert!(
                range.is_some(),
                "{} is an assumption with no range",
                record.path
            );
        }
    }
}

#[test]
fn a_probability_outside_zero_one_is_refused() {
    // The range is widened too, so that only the [0, 1] rule is broken.
    let text = BASELINE.replacen(
        "satellite_detection_per_pass = { value = 0.3, unit = \"probability\", assumption = \"An image taken during a transfer shows it and an analyst picks it out, allowing for cloud and resolution.\", range = [0.05, 0.8] }",
        "satellite_detection_per_pass = { value = 1.5, unit = \"probability\", assumption = \"x\", range = [0.0, 2.0] }",
        1,
    );
    assert_ne!(text, BASELINE, "test bug: parameter line not found");
    let errors = Scenario::parse(&SourceText::new("bad.toml", text), &Registry::embedded())
        .unwrap_err()
        .errors;
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!(
        e.field,
        "maritime.monitors.satellite_detection_per_pass.value"
    );
    assert_eq!(e.line, line_of("satellite_detection_per_pass"));
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, found } if expected.contains("in [0, 1]") && expected.contains("probability") && found == "1.5"),
        "{:?}",
        e.kind
    );
}

#[test]
fn an_interdiction_rate_above_one_is_refused() {
    let e = only_error(
        &param_line("[maritime.monitors]", "interdiction_probability_in_port"),
        "interdiction_probability_in_port = { value = 1.2, unit = \"probability\", assumption = \"x\", range = [0.0, 2.0] }",
    );
    assert_eq!(
        e.field,
        "maritime.monitors.interdiction_probability_in_port.value"
    );
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("in [0, 1]"))
    );
}

#[test]
fn a_ship_capacity_of_zero_is_refused() {
    let line = param_line("id = \"nampo_coal_carriers\"", "capacity_t");
    let e = only_error(
        &line,
        "capacity_t = { value = 0, unit = \"t\", assumption = \"x\", range = [0, 10000] }",
    );
    assert_eq!(
        e.field,
        "maritime.fleets[nampo_coal_carriers].capacity_t.value"
    );
    assert_eq!(e.line, line_of(&line));
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, found } if expected.contains("in (0, 1e12]") && expected.contains("(t)") && found == "0"),
        "{:?}",
        e.kind
    );
}

#[test]
fn a_counterpart_capacity_of_zero_is_refused() {
    let e = only_error(
        &param_line("id = \"bulk_receivers\"", "capacity_t"),
        "capacity_t = { value = 0, unit = \"t\", assumption = \"x\", range = [0, 30000] }",
    );
    assert_eq!(
        e.field,
        "maritime.counterparts[bulk_receivers].capacity_t.value"
    );
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("in (0, 1e12]"))
    );
}

#[test]
fn an_unknown_home_port_is_refused() {
    let from = "id = \"nampo_coal_carriers\"\nkind = \"bulk_carrier\"\ngood = \"coal\"\nhome_port = \"nampo\"";
    let e = only_error(
        from,
        "id = \"nampo_coal_carriers\"\nkind = \"bulk_carrier\"\ngood = \"coal\"\nhome_port = \"wonsan\"",
    );
    assert_eq!(e.field, "maritime.fleets[nampo_coal_carriers].home_port");
    assert_eq!(
        e.line,
        BASELINE[..BASELINE.find(from).unwrap()]
            .matches('\n')
            .count()
            + 4
    );
    assert_eq!(e.column, 13);
    assert!(
        matches!(&e.kind, ErrorKind::UnknownSite { id, known } if id == "wonsan" && known.contains("nampo") && known.contains("west_sea_sts"))
    );
}

#[test]
fn an_unknown_delivery_port_is_refused() {
    let e = only_error(
        "good = \"seafood\"\nport = \"donggang\"",
        "good = \"seafood\"\nport = \"dalian\"",
    );
    assert_eq!(e.field, "maritime.cargoes[seafood].port");
    assert!(matches!(&e.kind, ErrorKind::UnknownSite { id, .. } if id == "dalian"));
}

#[test]
fn an_unknown_transfer_zone_is_refused() {
    let e = only_error("sts_zone = \"west_sea_sts\"", "sts_zone = \"east_sea\"");
    assert_eq!(e.field, "maritime.sts_zone");
    assert!(matches!(&e.kind, ErrorKind::UnknownSite { id, .. } if id == "east_sea"));
}

#[test]
fn an_unknown_fleet_kind_is_refused() {
    let e = only_error("kind = \"fishing_boat\"", "kind = \"trawler\"");
    assert_eq!(e.field, "maritime.fleets[west_coast_fishing_boats].kind");
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, found } if expected.contains("`bulk_carrier`") && expected.contains("`tanker`") && found == "`trawler`")
    );
}

#[test]
fn a_tanker_must_carry_an_import_counted_in_barrels() {
    let e = only_error(
        "kind = \"tanker\"\ngood = \"refined_petroleum\"",
        "kind = \"tanker\"\ngood = \"coal\"",
    );
    assert_eq!(e.field, "maritime.fleets[nampo_tankers].good");
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("barrels") && expected.contains("tanker"))
    );
}

#[test]
fn a_fleet_good_without_a_cargo_entry_is_refused() {
    let e = only_error(
        "kind = \"bulk_carrier\"\ngood = \"sand\"",
        "kind = \"bulk_carrier\"\ngood = \"molybdenum_ore\"",
    );
    assert_eq!(e.field, "maritime.fleets[songnim_sand_carriers].good");
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("[[maritime.cargoes]]"))
    );
}

#[test]
fn a_supply_tanker_cannot_sell_an_export() {
    let e = only_error(
        "kind = \"supply_tanker\"\ngoods = [\"refined_petroleum\"]",
        "kind = \"supply_tanker\"\ngoods = [\"coal\"]",
    );
    assert_eq!(e.field, "maritime.counterparts[supply_tankers].goods");
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("an import"))
    );
}

#[test]
fn the_cap_must_be_on_a_good_counted_in_barrels() {
    let e = only_error(
        "[maritime.cap]\ngood = \"refined_petroleum\"",
        "[maritime.cap]\ngood = \"coal\"",
    );
    assert_eq!(e.field, "maritime.cap.good");
    assert!(matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("barrels")));
}

#[test]
fn each_cap_step_cites_a_resolution_in_force_for_its_months() {
    // UNSCR 2375's quarter cannot stand for 2018 on: its claim covers October-December
    // 2017 only.
    let e = only_error(
        "claim = \"unscr2397-refined-cap-500k\" }",
        "claim = \"unscr2375-refined-cap-2017q4\", derivation = \"500,000 barrels a quarter.\" }",
    );
    assert_eq!(e.field, "maritime.cap.schedule[1].barrels_per_year.claim");
    assert!(
        matches!(&e.kind, ErrorKind::ClaimPeriod { claim, .. } if claim == "unscr2375-refined-cap-2017q4")
    );
}

#[test]
fn a_cap_may_begin_after_the_first_day_but_an_exchange_rate_may_not() {
    // A cap not yet imposed is nothing; a rate missing for the first days is a hole.
    let late_cap = BASELINE.replacen("from = \"2017-10-01\"", "from = \"2017-11-01\"", 1);
    let scenario = Scenario::parse(
        &SourceText::new("late-cap.toml", late_cap),
        &Registry::embedded(),
    )
    .expect("a cap from November 2017 is accepted");
    let cap = scenario.params.maritime.unwrap().cap.unwrap();
    assert_eq!(cap.schedule[0].0, jiff::civil::date(2017, 11, 1));
    let first_rate = BASELINE[BASELINE.find("[[exchange.schedule]]").unwrap()..]
        .lines()
        .find(|l| l.starts_with("from = "))
        .unwrap()
        .to_owned();
    let e = only_error(
        &format!("[[exchange.schedule]]\n{first_rate}"),
        "[[exchange.schedule]]\nfrom = \"2017-02-01\"",
    );
    assert_eq!(e.field, "exchange.schedule[0].from");
}

#[test]
fn a_cap_step_must_start_a_month() {
    // The cap is counted by whole months, so a step from the middle of one is refused
    // rather than read as starting the next.
    let e = only_error("from = \"2017-10-01\"", "from = \"2017-10-15\"");
    assert_eq!(e.field, "maritime.cap.schedule[0].from");
    assert!(
        matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("first day of a month"))
    );
}

#[test]
fn a_wrong_unit_is_refused() {
    let e = only_error(
        "sts_voyage_days = { value = 5, unit = \"days\", assumption = \"Nampo to Korea Bay and back, with the transfer.\"",
        "sts_voyage_days = { value = 5, unit = \"hours\", assumption = \"Nampo to Korea Bay and back, with the transfer.\"",
    );
    assert_eq!(
        e.field,
        "maritime.fleets[nampo_coal_carriers].sts_voyage_days.unit"
    );
    assert_eq!(
        e.kind,
        ErrorKind::WrongUnit {
            expected: "days",
            found: "hours".into()
        }
    );
}

#[test]
fn patrol_hours_beyond_a_day_are_refused() {
    let e = only_error(
        "aircraft_patrol_hours_per_day = { value = 3, unit = \"hours/day\", assumption = \"Patrol aircraft over the zone a few hours a day (the source's Self-Defense Forces footage shows such patrols exist).\", range = [0, 12] }",
        "aircraft_patrol_hours_per_day = { value = 30, unit = \"hours/day\", assumption = \"x\", range = [0, 48] }",
    );
    assert_eq!(
        e.field,
        "maritime.monitors.aircraft_patrol_hours_per_day.value"
    );
    assert!(matches!(&e.kind, ErrorKind::Invalid { expected, .. } if expected.contains("[0, 24]")));
}

#[test]
fn an_assumption_without_a_range_is_refused() {
    let e = only_error(
        "night_share = { value = 0.5, unit = \"share\", assumption = \"Transfers at sea take many hours and run into the night about half the time.\", range = [0.2, 0.9] }",
        "night_share = { value = 0.5, unit = \"share\", assumption = \"Transfers at sea take many hours and run into the night about half the time.\" }",
    );
    assert_eq!(e.field, "maritime.night_share");
    assert_eq!(e.kind, ErrorKind::AssumptionWithoutRange);
}

#[test]
fn an_unknown_monitor_field_is_refused() {
    let e = only_error(
        "[maritime.monitors]\n",
        "[maritime.monitors]\ndrones_per_day = 3\n",
    );
    assert!(
        matches!(&e.kind, ErrorKind::Schema(m) if m.contains("unknown field `drones_per_day`"))
    );
    assert_eq!(e.line, line_of("[maritime.monitors]") + 1);
}

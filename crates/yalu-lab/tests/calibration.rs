//! Calibration fits only what may be fitted: calibrated patterns and observations marked
//! `calibration`. Emergent and input patterns, and observations held out as `test`, are
//! refused before anything runs; a fit is the same for the same seed.

use std::path::{Path, PathBuf};

use yalu_lab::calibration_file::CalibrationFile;
use yalu_lab::experiment::ExperimentError;
use yalu_scenario::Registry;
use yalu_scenario::evidence::Use;

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name)
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}

/// A calibration of the couriers of 2014, a scenario small enough to load and run at once.
fn file(dir: &Path, targets: &str) -> PathBuf {
    fit_file(
        dir,
        &scenario("courier-2014.toml"),
        "couriers.trips_per_month",
        targets,
    )
}

/// A calibration of the porters' pay (P2) in 2017, on a one-year copy of the baseline.
fn porter_fit_file(dir: &Path) -> PathBuf {
    let baseline = std::fs::read_to_string(scenario("baseline.toml")).unwrap();
    let (name, last_day) = ("name = \"baseline\"", "last_day = \"2025-12-31\"");
    assert!(baseline.contains(name) && baseline.contains(last_day));
    let one_year = baseline
        .replacen(name, "name = \"porters-2017\"", 1)
        .replacen(last_day, "last_day = \"2017-12-31\"", 1);
    let path = dir.join("porters-2017.toml");
    std::fs::write(&path, one_year).unwrap();
    fit_file(
        dir,
        &path.display().to_string(),
        "goods[larch_cones].china_price_cny_per_unit",
        "patterns = [\"P2\"]",
    )
}

fn fit_file(dir: &Path, scenario_path: &str, parameter: &str, targets: &str) -> PathBuf {
    let text = format!(
        "[calibration]\nscenario = \"{scenario_path}\"\nparameters = [\"{parameter}\"]\n{targets}\nsamples = 6\naccept_share = 0.5\nreplicates = 1\nseed = 9\n"
    );
    let path = dir.join("fit.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn refusal(targets: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    match CalibrationFile::load(&file(dir.path(), targets), &Registry::embedded()) {
        Err(e @ ExperimentError::File(_)) => e.to_string(),
        Err(other) => panic!("expected a located refusal, got {other}"),
        Ok(_) => panic!("{targets} should be refused"),
    }
}

#[test]
fn an_observation_held_out_as_test_cannot_be_fitted() {
    let registry = Registry::embedded();
    let test = registry
        .series
        .iter()
        .find(|o| o.use_ == Use::Test && yalu_lab::observations::observable(o).is_some())
        .expect("the series hold out a test observation the model produces");
    let message = refusal(&format!("observations = [\"{}\"]", test.observation));
    assert!(message.contains("hold out as a test"), "{message}");
    assert!(message.contains("fit.toml:"), "{message}");
}

#[test]
fn emergent_and_input_patterns_cannot_be_fitted() {
    let message = refusal("patterns = [\"P14\"]");
    assert!(message.contains("P14 is emergent"), "{message}");
    let message = refusal("patterns = [\"P1\"]");
    assert!(message.contains("P1 is input"), "{message}");
}

#[test]
fn an_unknown_observation_is_refused_with_the_nearest_ids() {
    let message = refusal("observations = [\"tt2020afp-coal-jan-aug-2019\"]");
    assert!(
        message.contains("tt2020afp-coal-jan-aug-2019-obs"),
        "{message}"
    );
}

#[test]
fn a_fit_to_a_calibrated_pattern_is_the_same_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::embedded();
    let path = porter_fit_file(dir.path());
    let fit = || {
        CalibrationFile::load(&path, &registry)
            .unwrap()
            .run(&registry, 2, &|| {})
            .unwrap()
    };
    let (a, b) = (fit(), fit());
    assert_eq!(a.fit.accepted_sets, b.fit.accepted_sets);
    assert_eq!(a.scenario_toml, b.scenario_toml);
    assert_eq!(a.fit.accepted, 3);
    // The calibrated scenario is valid and named apart from its parent, so running it
    // does not write over the parent's default output folder.
    let calibrated = yalu_scenario::Scenario::parse(
        &yalu_scenario::SourceText::new("calibrated.toml", a.scenario_toml.as_str()),
        &registry,
    )
    .unwrap();
    assert_eq!(calibrated.name, format!("{}-calibrated", a.scenario_name));
    // Every file it writes, the posterior's accepted sets included, is the same bytes.
    assert_eq!(a.files(), b.files());
    let posterior = &a.posterior;
    assert_eq!(posterior.sets.len(), 3);
    assert_eq!(posterior.seed, 9);
    assert_eq!(
        posterior.parameters,
        ["goods[larch_cones].china_price_cny_per_unit"]
    );
    assert_eq!(posterior.targets, ["P2"]);
    for (set, accepted) in posterior.sets.iter().zip(&a.fit.accepted_sets) {
        assert_eq!(set.values, accepted.values);
        assert_eq!(set.weight, 1.0 / 3.0, "rejection ABC weighs sets equally");
    }
}

#[test]
fn a_calibrated_pattern_whose_claim_is_held_out_as_a_test_cannot_be_fitted() {
    let mut registry = Registry::embedded();
    let p2 = yalu_lab::patterns::patterns()
        .into_iter()
        .find(|p| p.id == "P2")
        .unwrap();
    let mut held_out = registry.series[0].clone();
    held_out.observation = "p2-claim-held-out".into();
    held_out.claim = p2.claim.into();
    held_out.use_ = Use::Test;
    registry.series.push(held_out);
    let dir = tempfile::tempdir().unwrap();
    let path = porter_fit_file(dir.path());
    let message = match CalibrationFile::load(&path, &registry) {
        Err(e @ ExperimentError::File(_)) => e.to_string(),
        Err(other) => panic!("expected a located refusal, got {other}"),
        Ok(_) => panic!("P2 rests on a held-out claim and should be refused"),
    };
    assert!(message.contains("hold out as a test"), "{message}");
    assert!(message.contains(p2.claim), "{message}");
}

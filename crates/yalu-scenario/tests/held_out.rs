//! Held-out observations stay held out: an observation marked `use = "test"` in
//! `evidence/series/*.csv` is only ever compared with a run, so no input of a shipped
//! scenario may cite its claim. An observation whose claim sets an input is a calibration
//! observation and must be marked so.

use std::collections::BTreeSet;
use std::path::PathBuf;

use yalu_scenario::evidence::Use;
use yalu_scenario::{BASELINE, Evidence, Registry, Scenario, SourceText};

/// The claims of the registry's held-out (`test`) observations.
fn held_out_claims(registry: &Registry) -> BTreeSet<&str> {
    registry
        .series
        .iter()
        .filter(|o| o.use_ == Use::Test)
        .map(|o| o.claim.as_str())
        .collect()
}

/// `path cites claim` for every input of the scenario whose claim is held out.
fn inputs_citing_held_out_claims(scenario: &Scenario, registry: &Registry) -> Vec<String> {
    let held_out = held_out_claims(registry);
    scenario
        .parameters
        .iter()
        .filter_map(|p| match &p.evidence {
            Evidence::Claim { claim, .. } if held_out.contains(claim.as_str()) => {
                Some(format!("{} cites {claim}", p.path))
            }
            _ => None,
        })
        .collect()
}

fn shipped_scenarios() -> Vec<PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn no_input_of_a_shipped_scenario_cites_a_held_out_observation() {
    let registry = Registry::embedded();
    assert!(
        !held_out_claims(&registry).is_empty(),
        "the registry holds nothing out, so the rule checks nothing"
    );
    let paths = shipped_scenarios();
    assert!(paths.iter().any(|p| p.ends_with("baseline.toml")));
    let mut violations = Vec::new();
    for path in paths {
        let scenario = yalu_scenario::load(&path, &registry)
            .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy();
        for v in inputs_citing_held_out_claims(&scenario, &registry) {
            violations.push(format!("scenarios/{name}: {v}"));
        }
    }
    assert!(
        violations.is_empty(),
        "inputs fitted to held-out observations (re-mark the observation `calibration` or \
         cite another claim):\n{}",
        violations.join("\n")
    );
}

#[test]
fn marking_a_cited_claims_observation_as_test_is_caught() {
    let mut registry = Registry::embedded();
    let baseline = Scenario::parse(&SourceText::new("baseline.toml", BASELINE), &registry)
        .expect("the baseline loads");
    // The first input whose claim has an observation in the series.
    let (path, claim) = baseline
        .parameters
        .iter()
        .find_map(|p| match &p.evidence {
            Evidence::Claim { claim, .. } if registry.series.iter().any(|o| &o.claim == claim) => {
                Some((p.path.clone(), claim.clone()))
            }
            _ => None,
        })
        .expect("some baseline input cites a claim with an observation");
    for observation in registry.series.iter_mut().filter(|o| o.claim == claim) {
        observation.use_ = Use::Test;
    }
    let violations = inputs_citing_held_out_claims(&baseline, &registry);
    assert!(
        violations.contains(&format!("{path} cites {claim}")),
        "{violations:?}"
    );
}

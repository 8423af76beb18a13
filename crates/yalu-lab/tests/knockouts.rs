//! Every emergent pattern comes from a mechanism: switching the mechanism off (its
//! knock-out, declared beside the pattern) must make the pattern miss. A pattern whose
//! knock-out still passes is not evidence of its mechanism and must be relabelled.

use yalu_lab::patterns::{Class, patterns};
use yalu_model::run_replicate;
use yalu_scenario::overrides::beyond_ranges;
use yalu_scenario::{BASELINE, Registry, SourceText};

const REPLICATES: u32 = 3;
const SEED: u64 = 11;

#[test]
fn every_emergent_pattern_misses_when_its_mechanism_is_knocked_out() {
    let registry = Registry::embedded();
    let baseline = SourceText::new("<baseline>", BASELINE);
    let mut emergent = 0;
    for pattern in patterns() {
        let Class::Emergent(knockout) = pattern.class else {
            continue;
        };
        emergent += 1;
        let values: Vec<(String, f64)> = knockout
            .set
            .iter()
            .map(|(path, value)| ((*path).to_owned(), *value))
            .collect();
        let scenario = beyond_ranges(&baseline, &values, &registry)
            .unwrap_or_else(|e| panic!("{}: {e}", pattern.id));
        let results: Vec<_> = (0..REPLICATES)
            .map(|r| run_replicate(&scenario.params, SEED, r).unwrap())
            .collect();
        let checks = yalu_lab::patterns::check_patterns(&scenario.params, &results, &registry);
        let check = checks.iter().find(|c| c.id == pattern.id).unwrap();
        assert!(
            check.covered,
            "{} is not covered once knocked out",
            pattern.id
        );
        assert_eq!(
            check.pass,
            Some(false),
            "{} still passes without {}: {:?} in [{}, {}]",
            pattern.id,
            knockout.mechanism,
            check.simulated,
            check.low,
            check.high
        );
    }
    assert!(emergent >= 3, "P13a, P14 and P15 are emergent");
}

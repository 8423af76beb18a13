//! A scenario's validation, both scores in one place (`validation.json`): the patterns,
//! each with its class, where only emergent passes count as evidence; and the observed
//! series, with in-sample (`calibration`) and out-of-sample (`test`) hit rates, each
//! observation with its bound, median and 5-95% band.

use std::path::Path;

use serde::Serialize;
use yalu_model::{ModelParams, ReplicateResult};
use yalu_scenario::Registry;

use crate::observations::{self, ObservationCheck, Scores, check_observations, scores};
use crate::patterns::{self, PatternCheck, check_patterns};

/// Patterns of one class: how many the scenario covers and how many of those pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassScore {
    /// `input`, `calibrated` or `emergent`.
    pub class: &'static str,
    /// Patterns of the class the scenario covers.
    pub covered: usize,
    /// Of which pass.
    pub passed: usize,
    /// Whether its passes are evidence that the mechanisms are right (emergent only:
    /// input and calibrated patterns reproduce what was copied or fitted).
    pub evidence: bool,
}

/// The validation of one scenario's replicates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    /// Scenario name.
    pub scenario: String,
    /// Replicates run.
    pub replicates: usize,
    /// Pattern scores by class.
    pub pattern_scores: Vec<ClassScore>,
    /// Every pattern checked.
    pub patterns: Vec<PatternCheck>,
    /// Hit rates of the observations in sample and out of sample.
    pub observation_scores: Scores,
    /// Every observation the replicates cover.
    pub observations: Vec<ObservationCheck>,
}

impl Validation {
    /// Checks the patterns and observations on the replicates of `scenario`.
    pub fn check(
        scenario: &str,
        params: &ModelParams,
        results: &[ReplicateResult],
        registry: &Registry,
    ) -> Validation {
        let patterns = check_patterns(params, results, registry);
        let observations = check_observations(params, results, registry);
        Validation {
            scenario: scenario.to_owned(),
            replicates: results.len(),
            pattern_scores: ["emergent", "calibrated", "input"]
                .into_iter()
                .map(|class| {
                    let covered = patterns.iter().filter(|c| c.kind == class && c.covered);
                    ClassScore {
                        class,
                        covered: covered.clone().count(),
                        passed: covered.filter(|c| c.pass == Some(true)).count(),
                        evidence: class == "emergent",
                    }
                })
                .collect(),
            patterns,
            observation_scores: scores(&observations),
            observations,
        }
    }

    /// `validation.json`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a validation serializes") + "\n"
    }

    /// Both tables as text, the patterns' ending with where they were written.
    pub fn render(&self, written_to: &Path) -> String {
        patterns::render(
            &self.scenario,
            self.replicates as u32,
            &self.patterns,
            written_to,
        ) + &observations::render(&self.observations)
    }
}

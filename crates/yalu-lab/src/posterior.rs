//! A calibration's posterior: the accepted parameter sets, written by `yalu calibrate` as
//! `<scenario>-calibrated.posterior.json` beside the calibrated scenario, and drawn from by
//! `yalu run --posterior FILE`, so a run's bands carry parameter uncertainty as well as
//! randomness.
//!
//! Each replicate draws one set, in proportion to the sets' weights, from its own stream of
//! (seed, replicate): the same seed gives the same sets whatever the threads, and the
//! model's own streams are untouched, so a replicate sees the same random numbers with or
//! without a posterior (common random numbers) and only its parameter values differ.

use std::path::Path;

use rand::RngExt as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use yalu_model::ModelParams;
use yalu_model::streams::{Stream, stream};
use yalu_report::PosteriorUse;
use yalu_scenario::overrides::{check_path, with_values};
use yalu_scenario::{Registry, SourceText};

use crate::calibrate::Calibration;

/// The version of the file's layout; a file of another version is refused.
pub const FORMAT: u32 = 1;

/// What `yalu calibrate` writes after the calibrated scenario's name.
pub const SUFFIX: &str = ".posterior.json";

/// The posterior file: the accepted sets and what they were fitted to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PosteriorFile {
    /// Layout version ([`FORMAT`]).
    pub format: u32,
    /// How the sets were chosen.
    pub method: String,
    /// The calibration file that produced it.
    pub calibration_file: String,
    /// The scenario's name.
    pub scenario: String,
    /// SHA-256 of the scenario text the calibration file names, hex.
    pub scenario_sha256: String,
    /// SHA-256 of the calibrated scenario written beside this file, hex.
    pub calibrated_sha256: String,
    /// The calibration's seed.
    pub seed: u64,
    /// Sets drawn from the prior.
    pub samples: usize,
    /// The patterns and observations fitted to.
    pub targets: Vec<String>,
    /// The parameter paths, in the order of each set's values.
    pub parameters: Vec<String>,
    /// The accepted sets, closest first.
    pub sets: Vec<Set>,
}

/// One accepted set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Set {
    /// Its number among the draws from the prior.
    pub draw: usize,
    /// Values, in [`PosteriorFile::parameters`] order.
    pub values: Vec<f64>,
    /// Distance to the targets (0: inside every one).
    pub distance: f64,
    /// Relative weight in the posterior (rejection ABC: equal).
    pub weight: f64,
}

/// Why a posterior file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PosteriorError {
    /// Unreadable.
    #[error("{file}: cannot read the posterior file: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not JSON of the posterior's layout.
    #[error(
        "{file}:{line}:{column}: not a posterior file ({problem}); `yalu calibrate` writes one as <scenario>-calibrated{SUFFIX}"
    )]
    Syntax {
        /// The file.
        file: String,
        /// Line (from 1).
        line: usize,
        /// Column (from 1).
        column: usize,
        /// What is wrong.
        problem: String,
    },
    /// A field holds something it may not.
    #[error("{file}: `{field}`: {problem}")]
    Invalid {
        /// The file.
        file: String,
        /// The field, as a JSON path.
        field: String,
        /// What is wrong, and what was expected.
        problem: String,
    },
}

impl PosteriorFile {
    /// The posterior of `fit` (parameters `parameters`, fitted to `targets`), fitted on
    /// `scenario` (whose text is `scenario_text`) and written beside `calibrated_text`.
    #[allow(clippy::too_many_arguments)]
    pub fn of(
        fit: &Calibration,
        calibration_file: &str,
        scenario: &str,
        scenario_text: &str,
        calibrated_text: &str,
        seed: u64,
        targets: Vec<String>,
    ) -> PosteriorFile {
        let weight = 1.0 / fit.accepted_sets.len().max(1) as f64;
        PosteriorFile {
            format: FORMAT,
            method: "ABC rejection: the closest draws from the prior, equal weights".into(),
            calibration_file: calibration_file.to_owned(),
            scenario: scenario.to_owned(),
            scenario_sha256: sha256_hex(scenario_text.as_bytes()),
            calibrated_sha256: sha256_hex(calibrated_text.as_bytes()),
            seed,
            samples: fit.samples,
            targets,
            parameters: fit.posterior.iter().map(|p| p.parameter.clone()).collect(),
            sets: fit
                .accepted_sets
                .iter()
                .map(|s| Set {
                    draw: s.draw,
                    values: s.values.clone(),
                    distance: s.distance,
                    weight,
                })
                .collect(),
        }
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a posterior serializes") + "\n"
    }

    /// Reads and checks `path`; returns the file and the SHA-256 of its bytes.
    pub fn load(path: &Path) -> Result<(PosteriorFile, String), PosteriorError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| PosteriorError::Read {
            file: file.clone(),
            source,
        })?;
        let posterior = PosteriorFile::parse(&file, &bytes)?;
        Ok((posterior, sha256_hex(&bytes)))
    }

    /// Parses and checks the bytes of `file`.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<PosteriorFile, PosteriorError> {
        let posterior: PosteriorFile =
            serde_json::from_slice(bytes).map_err(|e| PosteriorError::Syntax {
                file: file.to_owned(),
                line: e.line(),
                column: e.column(),
                problem: e.to_string(),
            })?;
        let invalid = |field: String, problem: String| PosteriorError::Invalid {
            file: file.to_owned(),
            field,
            problem,
        };
        if posterior.format != FORMAT {
            return Err(invalid(
                "format".into(),
                format!(
                    "expected {FORMAT}, found {}: rerun `yalu calibrate`",
                    posterior.format
                ),
            ));
        }
        if posterior.parameters.is_empty() {
            return Err(invalid(
                "parameters".into(),
                "expected at least one parameter path".into(),
            ));
        }
        if let Some((i, path)) = posterior
            .parameters
            .iter()
            .enumerate()
            .find(|(i, p)| posterior.parameters[..*i].contains(p))
        {
            return Err(invalid(
                format!("parameters[{i}]"),
                format!("`{path}` is named twice"),
            ));
        }
        if posterior.sets.is_empty() {
            return Err(invalid(
                "sets".into(),
                "expected at least one accepted set".into(),
            ));
        }
        for (i, set) in posterior.sets.iter().enumerate() {
            if set.values.len() != posterior.parameters.len() {
                return Err(invalid(
                    format!("sets[{i}].values"),
                    format!(
                        "expected {} values (one per parameter), found {}",
                        posterior.parameters.len(),
                        set.values.len()
                    ),
                ));
            }
            if let Some(j) = set.values.iter().position(|v| !v.is_finite()) {
                return Err(invalid(
                    format!("sets[{i}].values[{j}]"),
                    "expected a finite number".into(),
                ));
            }
            if !(set.weight.is_finite() && set.weight > 0.0) {
                return Err(invalid(
                    format!("sets[{i}].weight"),
                    format!("expected a positive finite weight, found {}", set.weight),
                ));
            }
        }
        Ok(posterior)
    }
}

/// A posterior bound to the scenario a run runs: each set's parameters, validated, and the
/// set each replicate runs.
pub struct PosteriorRun {
    /// Parameters of each set that some replicate uses (`None`: unused).
    sets: Vec<Option<ModelParams>>,
    /// What the manifest records.
    pub used: PosteriorUse,
}

impl PosteriorRun {
    /// Binds the posterior at `path` to the scenario `text` for `replicates` replicates on
    /// `seed`: the scenario must be the one it was fitted on (or the calibrated scenario
    /// written beside it), every parameter path must exist, and every set used must make a
    /// valid scenario.
    pub fn bind(
        path: &Path,
        text: &SourceText,
        registry: &Registry,
        seed: u64,
        replicates: u32,
    ) -> Result<PosteriorRun, PosteriorError> {
        let (posterior, sha256) = PosteriorFile::load(path)?;
        let file = path.display().to_string();
        let invalid = |field: String, problem: String| PosteriorError::Invalid {
            file: file.clone(),
            field,
            problem,
        };
        let given = sha256_hex(text.text.as_bytes());
        if given != posterior.scenario_sha256 && given != posterior.calibrated_sha256 {
            return Err(invalid(
                "scenario_sha256".into(),
                format!(
                    "fitted on scenario `{}` (SHA-256 {}, calibrated {}), but {} has SHA-256 \
                     {given}: run the calibrated scenario written beside the posterior \
                     (--scenario <scenario>-calibrated.toml), or recalibrate",
                    posterior.scenario,
                    posterior.scenario_sha256,
                    posterior.calibrated_sha256,
                    text.name
                ),
            ));
        }
        for (i, parameter) in posterior.parameters.iter().enumerate() {
            // The error names the scenario and the missing key.
            check_path(text, parameter)
                .map_err(|e| invalid(format!("parameters[{i}]"), e.to_string()))?;
        }
        let weights: Vec<f64> = posterior.sets.iter().map(|s| s.weight).collect();
        let set_of_replicate: Vec<usize> = (0..replicates)
            .map(|replicate| set_of(seed, replicate, &weights))
            .collect();
        let mut sets: Vec<Option<ModelParams>> = vec![None; posterior.sets.len()];
        for &i in &set_of_replicate {
            if sets[i].is_some() {
                continue;
            }
            let assignments: Vec<(String, f64)> = posterior
                .parameters
                .iter()
                .cloned()
                .zip(posterior.sets[i].values.iter().copied())
                .collect();
            let scenario = with_values(text, &assignments, registry)
                .map_err(|e| invalid(format!("sets[{i}].values"), e.to_string()))?;
            sets[i] = Some(scenario.params);
        }
        Ok(PosteriorRun {
            sets,
            used: PosteriorUse {
                file,
                sha256,
                sets: posterior.sets.len(),
                parameters: posterior.parameters,
                set_of_replicate,
            },
        })
    }

    /// The parameters replicate `replicate` runs.
    pub fn params(&self, replicate: u32) -> &ModelParams {
        let set = self.used.set_of_replicate[replicate as usize];
        self.sets[set].as_ref().expect("every used set is built")
    }
}

/// The set replicate `replicate` of `seed` runs, drawn in proportion to `weights` from the
/// replicate's stream 0, which no process of the model draws from.
pub fn set_of(seed: u64, replicate: u32, weights: &[f64]) -> usize {
    let mut rng = stream(seed, replicate, Stream::Population);
    rng.set_stream(0);
    let total: f64 = weights.iter().sum();
    let mut left = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if left < *w {
            return i;
        }
        left -= w;
    }
    weights.len() - 1
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_replicate_draws_a_set_in_proportion_to_the_weights_and_the_same_for_the_same_seed() {
        let weights = [1.0, 3.0];
        let draws: Vec<usize> = (0..4000).map(|r| set_of(7, r, &weights)).collect();
        assert_eq!(
            draws,
            (0..4000)
                .map(|r| set_of(7, r, &weights))
                .collect::<Vec<_>>()
        );
        let share = draws.iter().filter(|&&s| s == 1).count() as f64 / 4000.0;
        assert!((share - 0.75).abs() < 0.03, "{share}");
        let other: Vec<usize> = (0..4000).map(|r| set_of(8, r, &weights)).collect();
        assert_ne!(draws, other, "another seed draws other sets");
    }

    fn text(values: &str, weight: &str) -> String {
        format!(
            r#"{{"format": 1, "method": "m", "calibration_file": "f", "scenario": "s",
            "scenario_sha256": "a", "calibrated_sha256": "b", "seed": 1, "samples": 4,
            "targets": ["P6"], "parameters": ["x.y", "x.z"],
            "sets": [{{"draw": 0, "values": {values}, "distance": 0.0, "weight": {weight}}}]}}"#
        )
    }

    #[test]
    fn a_malformed_posterior_is_refused_naming_the_field() {
        assert!(PosteriorFile::parse("p.json", text("[1, 2]", "1").as_bytes()).is_ok());
        let refused = |values: &str, weight: &str| {
            PosteriorFile::parse("p.json", text(values, weight).as_bytes())
                .unwrap_err()
                .to_string()
        };
        let message = refused("[1]", "1");
        assert!(
            message.starts_with("p.json: `sets[0].values`: expected 2 values"),
            "{message}"
        );
        let message = refused("[1, 2]", "0");
        assert!(message.contains("`sets[0].weight`"), "{message}");
        let message = refused("[1, \"a\"]", "1");
        assert!(message.starts_with("p.json:4:"), "{message}");
    }
}

//! A calibration experiment: its file (scenario, assumptions to fit, emergent patterns to
//! fit them to, samples, accepted share, replicates, seed), checked with located errors,
//! and its run by ABC rejection through the experiment runner.
//!
//! ```toml
//! [calibration]
//! scenario = "../scenarios/baseline.toml"   # or "baseline"
//! parameters = ["state_trade.choice_sensitivity"]
//! patterns = ["P6", "P14"]
//! samples = 40
//! accept_share = 0.2
//! replicates = 1
//! seed = 3
//! ```

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use yalu_report::Band;
use yalu_report::format::readable;
use yalu_report::outputs::nearest;
use yalu_scenario::Registry;
use yalu_scenario::overrides::rewritten_as_assumptions;

use crate::calibrate::{Calibration, Target, abc_rejection};
use crate::design::ParameterRange;
use crate::experiment::{Base, ExperimentError, measure_points, read};
use crate::patterns::{Pattern, patterns};
use crate::sweep::{Locator, Problem, ScenarioSource};
use crate::thread_pool;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    calibration: RawCalibration,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalibration {
    scenario: String,
    parameters: Vec<Spanned<String>>,
    patterns: Vec<Spanned<String>>,
    samples: usize,
    accept_share: f64,
    replicates: Spanned<u32>,
    seed: u64,
}

/// A checked calibration file.
pub struct CalibrationFile {
    base: Base,
    ranges: Vec<ParameterRange>,
    patterns: Vec<Pattern>,
    samples: usize,
    accept_share: f64,
    replicates: u32,
    seed: u64,
}

/// A calibration's outcome and the scenario rewritten with the fitted values.
pub struct Calibrated {
    /// The fit.
    pub fit: Calibration,
    /// The scenario text, each fitted parameter an assumption at its posterior median.
    pub scenario_toml: String,
    /// The scenario's name.
    pub scenario_name: String,
    /// The target patterns' ids, comma-separated.
    pub targets: String,
}

impl Calibrated {
    /// The fit as text: draws, acceptance rate, effective sample size and each
    /// parameter's prior range and accepted values, labelled.
    pub fn render(&self) -> String {
        let fit = &self.fit;
        // Rejection ABC weighs every accepted draw equally, so the effective sample size is
        // the number accepted.
        let effective = fit.accepted;
        let mut text = format!(
            "ABC rejection against {}: {} draws from the prior, {} accepted (acceptance rate {:.0}%), effective sample size {effective} (equal weights); largest accepted distance {:.3} (0: inside every target; 1: one target's width outside)\n",
            self.targets,
            fit.samples,
            fit.accepted,
            100.0 * fit.accepted as f64 / fit.samples.max(1) as f64,
            fit.tolerance,
        );
        if effective < MIN_EFFECTIVE {
            text.push_str(&format!(
                "warning: only {effective} accepted draws; the accepted ranges are rough: increase samples (or accept_share)\n"
            ));
        }
        text.push_str(&format!(
            "{:<45} {:>22} {:>16} {:>12} {:>16}\n",
            "parameter", "prior range", "lowest accepted", "median", "highest accepted"
        ));
        for p in &fit.posterior {
            text.push_str(&format!(
                "{:<45} {:>22} {:>16} {:>12} {:>16}\n",
                p.parameter,
                format!("[{}, {}]", readable(p.prior[0]), readable(p.prior[1])),
                readable(p.low),
                readable(p.median),
                readable(p.high)
            ));
        }
        text.push_str("The calibrated scenario takes each median; the lowest and highest accepted values are the spread of the accepted draws, not a credible interval.\n");
        text
    }
}

/// Fewer accepted draws than this make the accepted ranges too rough to read.
const MIN_EFFECTIVE: usize = 10;

impl CalibrationFile {
    /// Reads and checks `file`.
    pub fn load(file: &Path, registry: &Registry) -> Result<CalibrationFile, ExperimentError> {
        let text = read(file)?;
        let name = file.display().to_string();
        let at = Locator {
            file: &name,
            text: &text,
        };
        let raw = at.parse::<RawFile>()?.calibration;
        let base = Base::load(file, &ScenarioSource::named(file, &raw.scenario), registry)?;
        if *raw.replicates.get_ref() == 0 {
            return Err(at
                .error(
                    raw.replicates.span().start,
                    "calibration.replicates",
                    Problem::ZeroReplicates,
                )
                .into());
        }
        let ranges = base.ranges(&at, &raw.parameters, "calibration.parameters", true)?;
        let all = patterns();
        let ids: Vec<String> = all.iter().map(|p| p.id.to_owned()).collect();
        let mut picked = Vec::new();
        for id in &raw.patterns {
            let at_pattern = |problem| at.error(id.span().start, "calibration.patterns", problem);
            let pattern = all.iter().find(|p| p.id == id.get_ref()).ok_or_else(|| {
                at_pattern(Problem::UnknownPattern {
                    id: id.get_ref().clone(),
                    nearest: nearest(id.get_ref(), &ids, 3),
                })
            })?;
            let class = pattern.class;
            if !matches!(class, crate::patterns::Class::Calibrated(_)) {
                let problem = Problem::NotCalibrated(id.get_ref().clone(), class.name());
                return Err(at_pattern(problem).into());
            }
            let held_out = registry
                .series
                .iter()
                .any(|o| o.claim == pattern.claim && o.use_ == yalu_scenario::evidence::Use::Test);
            if held_out {
                let problem =
                    Problem::TestObservation(id.get_ref().clone(), pattern.claim.to_owned());
                return Err(at_pattern(problem).into());
            }
            picked.push(*pattern);
        }
        Ok(CalibrationFile {
            base,
            ranges,
            patterns: picked,
            samples: raw.samples,
            accept_share: raw.accept_share,
            replicates: *raw.replicates.get_ref(),
            seed: raw.seed,
        })
    }

    /// Parameter sets to draw.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Replicates per parameter set.
    pub fn replicates(&self) -> u32 {
        self.replicates
    }

    /// Draws parameter sets, simulates each (`on_done` after each replicate), keeps the
    /// closest to the targets and rewrites the scenario with the fitted values.
    pub fn run(
        &self,
        registry: &Registry,
        threads: usize,
        on_done: &(dyn Fn() + Sync),
    ) -> Result<Calibrated, ExperimentError> {
        let pool = thread_pool(threads)?;
        let targets: Vec<Target> = self
            .patterns
            .iter()
            .map(|p| Target {
                id: p.id.to_owned(),
                low: p.accepted(registry).map_or(f64::NAN, |a| a.0),
                high: p.accepted(registry).map_or(f64::NAN, |a| a.1),
            })
            .collect();
        let paths: Vec<String> = self.ranges.iter().map(|r| r.name.clone()).collect();
        let simulate = |sets: &[Vec<f64>]| -> Result<Vec<Vec<f64>>, String> {
            let points = self
                .base
                .points(&paths, sets, registry)
                .map_err(|e| e.to_string())?;
            let measured = measure_points(
                &pool,
                &points,
                self.seed,
                self.replicates,
                &|params, result| {
                    self.patterns
                        .iter()
                        .map(|p| (p.measure)(params, &result).unwrap_or(f64::NAN))
                        .collect::<Vec<f64>>()
                },
                on_done,
            )
            .map_err(|e| e.to_string())?;
            // Each pattern's median over the replicates of a set.
            Ok(measured
                .iter()
                .map(|replicates| {
                    (0..self.patterns.len())
                        .map(|p| {
                            Band::of(replicates.iter().map(|r| r[p])).map_or(f64::NAN, |b| b.median)
                        })
                        .collect()
                })
                .collect())
        };
        let fit = abc_rejection(
            &self.ranges,
            &targets,
            self.samples,
            self.accept_share,
            self.seed,
            &simulate,
        )
        .map_err(|e| self.base.analysis_error(e))?;
        let targets_text = self
            .patterns
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>()
            .join(", ");
        let fitted: Vec<(String, f64, String)> = fit
            .posterior
            .iter()
            .map(|p| {
                (
                    p.parameter.clone(),
                    p.median,
                    format!(
                        "Calibrated by yalu calibrate ({}): ABC rejection, {} draws from the prior range [{}, {}], {} accepted (distance <= {:.3}) against {targets_text}; posterior range [{:.4}, {:.4}], value = posterior median.",
                        self.base.file,
                        fit.samples,
                        p.prior[0],
                        p.prior[1],
                        fit.accepted,
                        fit.tolerance,
                        p.low,
                        p.high
                    ),
                )
            })
            .collect();
        let scenario_toml = rewritten_as_assumptions(&self.base.text, &fitted)
            .map_err(|e| self.base.analysis_error(e))?;
        Ok(Calibrated {
            fit,
            scenario_toml,
            scenario_name: self.base.scenario.name.clone(),
            targets: targets_text,
        })
    }
}

//! A calibration experiment: its file (scenario, assumptions to fit, the calibrated
//! patterns and the `calibration` observations of the evidence series to fit them to,
//! samples, accepted share, replicates, seed), checked with located errors, and its run by
//! ABC rejection through the experiment runner. Emergent and input patterns, and
//! observations held out as `test`, are refused: they stay out of every fit.
//!
//! ```toml
//! [calibration]
//! scenario = "../scenarios/baseline.toml"   # or "baseline"
//! parameters = ["takeover.state_trade_multiplier"]
//! patterns = ["P6"]
//! observations = ["tt2020afp-coal-jan-aug-2019-obs"]
//! samples = 40
//! accept_share = 0.2
//! replicates = 1
//! seed = 3
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use yalu_report::Band;
use yalu_report::atomic::{prepare_dir, write_file};
use yalu_report::format::readable;
use yalu_report::outputs::nearest;
use yalu_scenario::Registry;
use yalu_scenario::evidence::{Observation, Use};
use yalu_scenario::overrides::rewritten_as_assumptions;

use crate::budget::Work;
use crate::calibrate::{Calibration, Target, abc_rejection};
use crate::design::MAX_POINTS;
use crate::design::ParameterRange;
use crate::experiment::{Base, ExperimentError, Progress, RangePolicy, measure_points, read};
use crate::observations::{Observable, observable};
use crate::patterns::{Pattern, patterns};
use crate::posterior::{self, PosteriorFile};
use crate::sweep::{
    Locator, MAX_REPLICATES, Problem, ScenarioSource, SpecError, distinct, require,
};
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
    parameters: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    patterns: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    observations: Option<Spanned<Vec<Spanned<String>>>>,
    samples: Spanned<usize>,
    accept_share: Spanned<f64>,
    replicates: Spanned<u32>,
    seed: u64,
}

/// What a calibration fits to: a calibrated pattern, or an observation of the series the
/// model produces, over the observation's months.
#[derive(Clone)]
enum Fitted {
    Pattern(Pattern),
    Observation {
        id: String,
        observable: &'static Observable,
        /// The observation itself (its months, and its place for market surveys).
        observation: Observation,
        accepted: (f64, f64),
    },
}

impl Fitted {
    fn id(&self) -> &str {
        match self {
            Fitted::Pattern(p) => p.id,
            Fitted::Observation { id, .. } => id,
        }
    }

    fn accepted(&self, registry: &Registry) -> (f64, f64) {
        match self {
            Fitted::Pattern(p) => p.accepted(registry).unwrap_or((f64::NAN, f64::NAN)),
            Fitted::Observation { accepted, .. } => *accepted,
        }
    }

    fn measure(
        &self,
        params: &yalu_model::ModelParams,
        result: &yalu_model::ReplicateResult,
    ) -> Option<f64> {
        match self {
            Fitted::Pattern(p) => (p.measure)(params, result),
            Fitted::Observation {
                observable,
                observation,
                ..
            } => {
                let index = |text: &str| {
                    let (year, month) = text.split_once('-')?;
                    let (year, month): (i16, i8) = (year.parse().ok()?, month.parse().ok()?);
                    result
                        .months
                        .iter()
                        .position(|m| m.year == year && m.month == month)
                };
                (observable.measure)(
                    params,
                    result,
                    observation,
                    index(&observation.first)?,
                    index(&observation.last)?,
                )
            }
        }
    }
}

/// A checked calibration file.
pub struct CalibrationFile {
    base: Base,
    ranges: Vec<ParameterRange>,
    targets: Vec<Fitted>,
    /// Line and column of each target in the file.
    target_at: Vec<(usize, usize)>,
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
    /// The accepted sets, for `yalu run --posterior`.
    pub posterior: PosteriorFile,
}

impl Calibrated {
    /// The calibrated scenario's file name.
    pub fn scenario_file_name(&self) -> String {
        format!("{}-calibrated.toml", self.scenario_name)
    }

    /// The files a calibration writes, by name: `calibration.json` (the fit), the
    /// calibrated scenario and, beside it, its posterior (the accepted sets).
    pub fn files(&self) -> Vec<(String, String)> {
        vec![
            (
                "calibration.json".into(),
                serde_json::to_string_pretty(&self.fit).expect("a fit serializes") + "\n",
            ),
            (
                self.scenario_file_name(),
                calibrated_text(&self.scenario_toml),
            ),
            (
                format!("{}-calibrated{}", self.scenario_name, posterior::SUFFIX),
                self.posterior.to_json(),
            ),
        ]
    }

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
        text.push_str(&format!(
            "The {} accepted sets are in {}-calibrated{}: `yalu run --scenario <folder>/{} --posterior <folder>/{}-calibrated{}` draws each replicate's parameters from them, so its bands carry parameter uncertainty too.\n",
            fit.accepted,
            self.scenario_name,
            posterior::SUFFIX,
            self.scenario_file_name(),
            self.scenario_name,
            posterior::SUFFIX,
        ));
        text
    }
}

impl CalibrationFile {
    /// Runs the calibration ([`CalibrationFile::run`]) and writes the fit to
    /// `out/calibration.json` and the calibrated scenario to `out/<scenario>-calibrated.toml`;
    /// returns the fit for reading.
    pub fn run_into(
        &self,
        out: &Path,
        registry: &Registry,
        threads: usize,
        on_done: &dyn Progress,
    ) -> Result<String, ExperimentError> {
        prepare_dir(out)?;
        let calibrated = self.run(registry, threads, on_done)?;
        for (name, contents) in calibrated.files() {
            write_file(&out.join(name), contents.as_bytes())?;
        }
        Ok(format!(
            "{}Written to {}\n",
            calibrated.render(),
            out.display()
        ))
    }
}

/// Fewer accepted draws than this make the accepted ranges too rough to read.
const MIN_EFFECTIVE: usize = 10;

impl CalibrationFile {
    /// Reads and checks `file`.
    pub fn load(file: &Path, registry: &Registry) -> Result<CalibrationFile, ExperimentError> {
        CalibrationFile::parse(file, &read(file)?, registry)
    }

    /// Checks the text of `file`: every field, the scenario it names, every assumption's
    /// range and every pattern, all before anything runs.
    pub fn parse(
        file: &Path,
        text: &str,
        registry: &Registry,
    ) -> Result<CalibrationFile, ExperimentError> {
        let name = file.display().to_string();
        let at = Locator { file: &name, text };
        let raw = at.parse::<RawFile>()?.calibration;
        let r = &raw.replicates;
        require(
            &at,
            (1..=MAX_REPLICATES).contains(r.get_ref()),
            r.span().start,
            "calibration.replicates",
            format!("a whole number of replicates in [1, {MAX_REPLICATES}]"),
            r.get_ref(),
        )?;
        let n = &raw.samples;
        require(
            &at,
            (1..=MAX_POINTS).contains(n.get_ref()),
            n.span().start,
            "calibration.samples",
            format!("a whole number of samples in [1, {MAX_POINTS}]"),
            n.get_ref(),
        )?;
        let share = &raw.accept_share;
        require(
            &at,
            *share.get_ref() > 0.0 && *share.get_ref() <= 1.0,
            share.span().start,
            "calibration.accept_share",
            "a share in (0, 1]",
            share.get_ref(),
        )?;
        distinct(&at, &raw.parameters, "calibration.parameters", "parameter")?;
        if let Some(patterns) = &raw.patterns {
            distinct(&at, patterns, "calibration.patterns", "pattern")?;
        }
        if let Some(observations) = &raw.observations {
            distinct(&at, observations, "calibration.observations", "observation")?;
        }
        let base = Base::load(file, &ScenarioSource::named(file, &raw.scenario), registry)?;
        let ranges = base.ranges(
            &at,
            raw.parameters.get_ref(),
            "calibration.parameters",
            true,
        )?;
        let all = patterns();
        let ids: Vec<String> = all.iter().map(|p| p.id.to_owned()).collect();
        let mut targets = Vec::new();
        let mut target_at = Vec::new();
        for id in raw.patterns.iter().flat_map(|p| p.get_ref()) {
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
            if held_out(registry, pattern.claim) {
                let problem =
                    Problem::TestObservation(id.get_ref().clone(), pattern.claim.to_owned());
                return Err(at_pattern(problem).into());
            }
            targets.push(Fitted::Pattern(*pattern));
            target_at.push(at.line_column(id.span().start));
        }
        let observation_ids: Vec<String> = registry
            .series
            .iter()
            .map(|o| o.observation.clone())
            .collect();
        for id in raw.observations.iter().flat_map(|o| o.get_ref()) {
            let at_observation =
                |problem| at.error(id.span().start, "calibration.observations", problem);
            let o = registry
                .series
                .iter()
                .find(|o| &o.observation == id.get_ref())
                .ok_or_else(|| {
                    at_observation(Problem::UnknownObservation {
                        id: id.get_ref().clone(),
                        nearest: nearest(id.get_ref(), &observation_ids, 3),
                    })
                })?;
            if o.use_ == Use::Test {
                let problem = Problem::TestObservation(id.get_ref().clone(), o.claim.clone());
                return Err(at_observation(problem).into());
            }
            let (Some(observable), Some([low, high])) = (observable(o), o.interval()) else {
                let problem = Problem::NotModelled(id.get_ref().clone(), o.what.clone());
                return Err(at_observation(problem).into());
            };
            targets.push(Fitted::Observation {
                id: o.observation.clone(),
                observable,
                observation: o.clone(),
                accepted: (low, high),
            });
            target_at.push(at.line_column(id.span().start));
        }
        Ok(CalibrationFile {
            base,
            ranges,
            targets,
            target_at,
            samples: *raw.samples.get_ref(),
            accept_share: *raw.accept_share.get_ref(),
            replicates: *raw.replicates.get_ref(),
            seed: raw.seed,
        })
    }

    /// The model runs: samples times replicates.
    pub fn runs(&self) -> u64 {
        self.samples() as u64 * u64::from(self.replicates())
    }

    /// The default output folder: `out/calibration-<scenario>`.
    pub fn default_out(&self) -> PathBuf {
        Path::new("out").join(format!("calibration-{}", self.scenario_name()))
    }

    /// The scenario's name.
    pub fn scenario_name(&self) -> &str {
        &self.base.scenario.name
    }

    /// The work of every draw on `threads` worker threads (each holds one result).
    pub fn work(&self, threads: usize) -> Work {
        let mut work = Work::of(
            &[&self.base.scenario.params],
            self.replicates,
            threads as u64,
            threads,
        );
        work.points = self.samples as u64;
        work
    }

    /// Refuses a pattern that one replicate of the scenario as written cannot measure (it
    /// lacks the channel or period): every draw would be at an infinite distance.
    fn check_coverage(&self) -> Result<(), ExperimentError> {
        let params = &self.base.scenario.params;
        let result = yalu_model::run_replicate(params, self.seed, 0)?;
        for (target, &(line, column)) in self.targets.iter().zip(&self.target_at) {
            if target.measure(params, &result).is_none() {
                let field = match target {
                    Fitted::Pattern(_) => "calibration.patterns",
                    Fitted::Observation { .. } => "calibration.observations",
                };
                return Err(SpecError::Invalid {
                    file: self.base.file.clone(),
                    line,
                    column,
                    field: field.into(),
                    problem: Problem::UncoveredPattern(target.id().to_owned()),
                }
                .into());
            }
        }
        Ok(())
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
        on_done: &dyn Progress,
    ) -> Result<Calibrated, ExperimentError> {
        let pool = thread_pool(threads)?;
        self.check_coverage()?;
        let targets: Vec<Target> = self
            .targets
            .iter()
            .map(|t| {
                let (low, high) = t.accepted(registry);
                Target {
                    id: t.id().to_owned(),
                    low,
                    high,
                }
            })
            .collect();
        let paths: Vec<String> = self.ranges.iter().map(|r| r.name.clone()).collect();
        let simulate = |sets: &[Vec<f64>]| -> Result<Vec<Vec<f64>>, String> {
            let points = self
                .base
                .points(&paths, sets, registry, RangePolicy::Recorded)
                .map_err(|e| e.to_string())?;
            let measured = measure_points(
                &pool,
                &points,
                self.seed,
                self.replicates,
                &|params, result| {
                    self.targets
                        .iter()
                        .map(|t| t.measure(params, &result).unwrap_or(f64::NAN))
                        .collect::<Vec<f64>>()
                },
                on_done,
            )
            .map_err(|e| e.to_string())?;
            // Each pattern's median over the replicates of a set.
            Ok(measured
                .iter()
                .map(|replicates| {
                    (0..self.targets.len())
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
            .targets
            .iter()
            .map(Fitted::id)
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
        let calibrated_name = format!("{}-calibrated", self.base.scenario.name);
        let scenario_toml = rewritten_as_assumptions(&self.base.text, &fitted, &calibrated_name)
            .map_err(|e| self.base.analysis_error(e))?;
        let posterior = PosteriorFile::of(
            &fit,
            &self.base.file,
            &self.base.scenario.name,
            &self.base.text.text,
            &calibrated_text(&scenario_toml),
            self.seed,
            self.targets.iter().map(|t| t.id().to_owned()).collect(),
        );
        Ok(Calibrated {
            fit,
            scenario_toml,
            scenario_name: self.base.scenario.name.clone(),
            targets: targets_text,
            posterior,
        })
    }
}

/// The calibrated scenario file's bytes.
fn calibrated_text(scenario_toml: &str) -> String {
    format!("{scenario_toml}\n")
}

/// Whether the series hold out an observation of `claim` as a test.
fn held_out(registry: &Registry, claim: &str) -> bool {
    registry
        .series
        .iter()
        .any(|o| o.claim == claim && o.use_ == Use::Test)
}

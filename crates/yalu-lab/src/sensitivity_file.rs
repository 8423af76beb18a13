//! A sensitivity experiment: its file (scenario, parameters, outputs by registry id,
//! replicates, seed, Morris and Sobol settings), checked with located errors, and its run
//! through the experiment runner into long rows (output, parameter, statistic, value).
//!
//! ```toml
//! [sensitivity]
//! scenario = "../scenarios/baseline.toml"   # or "baseline"
//! parameters = ["state_trade.company_share"]
//! outputs = ["fx.total_usd_per_year"]
//! replicates = 1
//! seed = 11
//! [morris]                                  # optional
//! trajectories = 10
//! levels = 4
//! [sobol]                                   # optional
//! base_samples = 64
//! bootstrap_resamples = 200
//! confidence_level = 0.95
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use yalu_model::ModelParams;
use yalu_report::atomic::{prepare_dir, write_table};
use yalu_report::format::readable;
use yalu_report::headline::unit_of;
use yalu_report::outputs::{Catalog, OutputSet};
use yalu_report::table::{ColumnData, Table};
use yalu_scenario::Registry;

use crate::budget::Work;
use crate::design::{ParameterRange, morris, saltelli};
use crate::experiment::{
    Base, ExperimentError, Progress, RangePolicy, Sweep, mean_over_replicates, measure_points, read,
};
use crate::sensitivity::{BootstrapConfig, morris_effects, sobol_indices};
use crate::store::SweepStore;
use crate::sweep::{Locator, MAX_REPLICATES, ScenarioSource, SpecError, distinct, require};
use crate::thread_pool;

/// The design and estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Morris elementary effects (mu, mu*, sigma).
    Morris,
    /// Sobol first- and total-order indices with bootstrap intervals.
    Sobol,
}

impl Method {
    /// Every method's name.
    pub const NAMES: [&str; 2] = ["morris", "sobol"];

    /// The method called `name`.
    pub fn named(name: &str) -> Option<Method> {
        [Method::Morris, Method::Sobol]
            .into_iter()
            .find(|m| m.name() == name)
    }

    /// The default output folder: `out/sensitivity-<method>`.
    pub fn default_out(self) -> PathBuf {
        Path::new("out").join(format!("sensitivity-{}", self.name()))
    }

    /// Its name in file and folder names.
    pub fn name(self) -> &'static str {
        match self {
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    sensitivity: RawCommon,
    morris: Option<RawMorris>,
    sobol: Option<RawSobol>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommon {
    scenario: String,
    parameters: Spanned<Vec<Spanned<String>>>,
    outputs: Spanned<Vec<Spanned<String>>>,
    replicates: Option<Spanned<u32>>,
    seed: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMorris {
    trajectories: Spanned<usize>,
    levels: Spanned<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSobol {
    base_samples: Spanned<usize>,
    bootstrap_resamples: Spanned<usize>,
    confidence_level: Spanned<f64>,
}

/// Morris trajectories and levels.
#[derive(Debug)]
struct MorrisSettings {
    trajectories: usize,
    levels: usize,
}

impl Default for MorrisSettings {
    fn default() -> MorrisSettings {
        MorrisSettings {
            trajectories: 10,
            levels: 4,
        }
    }
}

/// Sobol base samples and bootstrap.
#[derive(Debug)]
struct SobolSettings {
    base_samples: usize,
    bootstrap_resamples: usize,
    confidence_level: f64,
}

impl Default for SobolSettings {
    fn default() -> SobolSettings {
        SobolSettings {
            base_samples: 64,
            bootstrap_resamples: 200,
            confidence_level: 0.95,
        }
    }
}

/// The most bootstrap resamples, Morris trajectories and levels, and Sobol base samples a
/// file may ask for (the designs are also capped at `design::MAX_POINTS`).
const MAX_RESAMPLES: usize = 100_000;
const MAX_TRAJECTORIES: usize = 100_000;
const MAX_LEVELS: usize = 1_000;
const MAX_BASE_SAMPLES: usize = 1_000_000;

impl RawMorris {
    fn check(self, at: &Locator) -> Result<MorrisSettings, SpecError> {
        let (t, l) = (&self.trajectories, &self.levels);
        require(
            at,
            (2..=MAX_TRAJECTORIES).contains(t.get_ref()),
            t.span().start,
            "morris.trajectories",
            format!("a whole number of trajectories in [2, {MAX_TRAJECTORIES}]"),
            t.get_ref(),
        )?;
        require(
            at,
            (2..=MAX_LEVELS).contains(l.get_ref()) && l.get_ref() % 2 == 0,
            l.span().start,
            "morris.levels",
            format!("an even number of levels in [2, {MAX_LEVELS}]"),
            l.get_ref(),
        )?;
        Ok(MorrisSettings {
            trajectories: self.trajectories.into_inner(),
            levels: self.levels.into_inner(),
        })
    }
}

impl RawSobol {
    fn check(self, at: &Locator) -> Result<SobolSettings, SpecError> {
        let (n, b, c) = (
            &self.base_samples,
            &self.bootstrap_resamples,
            &self.confidence_level,
        );
        require(
            at,
            (2..=MAX_BASE_SAMPLES).contains(n.get_ref()),
            n.span().start,
            "sobol.base_samples",
            format!("a whole number of base samples in [2, {MAX_BASE_SAMPLES}]"),
            n.get_ref(),
        )?;
        require(
            at,
            (1..=MAX_RESAMPLES).contains(b.get_ref()),
            b.span().start,
            "sobol.bootstrap_resamples",
            format!("a whole number of resamples in [1, {MAX_RESAMPLES}]"),
            b.get_ref(),
        )?;
        let level = *c.get_ref();
        require(
            at,
            level > 0.0 && level < 1.0,
            c.span().start,
            "sobol.confidence_level",
            "a confidence level strictly between 0 and 1, like 0.95",
            level,
        )?;
        Ok(SobolSettings {
            base_samples: *n.get_ref(),
            bootstrap_resamples: *b.get_ref(),
            confidence_level: level,
        })
    }
}

/// A checked sensitivity file: its scenario loaded, every parameter ranged, every output
/// declared.
pub struct SensitivityFile {
    base: Base,
    ranges: Vec<ParameterRange>,
    outputs: OutputSet,
    replicates: u32,
    seed: u64,
    morris: MorrisSettings,
    sobol: SobolSettings,
}

impl SensitivityFile {
    /// Reads and checks `file`.
    pub fn load(file: &Path, registry: &Registry) -> Result<SensitivityFile, ExperimentError> {
        SensitivityFile::parse(file, &read(file)?, registry)
    }

    /// Checks the text of `file`: every field, the scenario it names, every parameter's
    /// range and every output, all before anything runs.
    pub fn parse(
        file: &Path,
        text: &str,
        registry: &Registry,
    ) -> Result<SensitivityFile, ExperimentError> {
        let name = file.display().to_string();
        let at = Locator { file: &name, text };
        let raw: RawFile = at.parse()?;
        let common = raw.sensitivity;
        let replicates = match &common.replicates {
            Some(r) => {
                require(
                    &at,
                    (1..=MAX_REPLICATES).contains(r.get_ref()),
                    r.span().start,
                    "sensitivity.replicates",
                    format!("a whole number of replicates in [1, {MAX_REPLICATES}]"),
                    r.get_ref(),
                )?;
                *r.get_ref()
            }
            None => 1,
        };
        distinct(
            &at,
            &common.parameters,
            "sensitivity.parameters",
            "parameter",
        )?;
        distinct(&at, &common.outputs, "sensitivity.outputs", "output id")?;
        let morris = raw.morris.map(|m| m.check(&at)).transpose()?;
        let sobol = raw.sobol.map(|s| s.check(&at)).transpose()?;
        let base = Base::load(
            file,
            &ScenarioSource::named(file, &common.scenario),
            registry,
        )?;
        let outputs = common.outputs.get_ref();
        let ids: Vec<String> = outputs.iter().map(|o| o.get_ref().clone()).collect();
        let outputs = Catalog::new(&base.scenario.params)
            .resolve(&ids)
            .map_err(|unknown| {
                let item = &outputs[ids.iter().position(|i| *i == unknown.id).unwrap_or(0)];
                at.error(item.span().start, "sensitivity.outputs", unknown.into())
            })?;
        let ranges = base.ranges(
            &at,
            common.parameters.get_ref(),
            "sensitivity.parameters",
            false,
        )?;
        Ok(SensitivityFile {
            base,
            ranges,
            outputs,
            replicates,
            seed: common.seed,
            morris: morris.unwrap_or_default(),
            sobol: sobol.unwrap_or_default(),
        })
    }

    /// Parameters analysed.
    pub fn parameters(&self) -> usize {
        self.ranges.len()
    }

    /// Replicates per design point.
    pub fn replicates(&self) -> u32 {
        self.replicates
    }

    /// The model runs of `method`'s design: its points times the replicates.
    pub fn runs(&self, method: Method) -> Result<u64, ExperimentError> {
        Ok(self.points(method)?.len() as u64 * u64::from(self.replicates))
    }

    /// The design's points, parameter values in file order.
    pub fn points(&self, method: Method) -> Result<Vec<Vec<f64>>, ExperimentError> {
        let points = match method {
            Method::Morris => morris(
                &self.ranges,
                self.morris.trajectories,
                self.morris.levels,
                self.seed,
            )
            .map(|d| d.points().to_vec()),
            Method::Sobol => saltelli(&self.ranges, self.sobol.base_samples, self.seed)
                .map(|d| d.points().to_vec()),
        };
        points.map_err(|e| self.base.analysis_error(e))
    }

    /// The scenario of every point of `method`'s design, each re-validated.
    fn scenarios(
        &self,
        method: Method,
        registry: &Registry,
    ) -> Result<Vec<ModelParams>, ExperimentError> {
        let paths: Vec<String> = self.ranges.iter().map(|r| r.name.clone()).collect();
        self.base.points(
            &paths,
            &self.points(method)?,
            registry,
            RangePolicy::Recorded,
        )
    }

    /// The work of every point of `method`'s design, given the worker threads (each
    /// holds one replicate's results at a time).
    pub fn work(
        &self,
        method: Method,
        registry: &Registry,
    ) -> Result<impl FnOnce(usize) -> Work + use<>, ExperimentError> {
        let points = self.scenarios(method, registry)?;
        let points: Vec<&ModelParams> = points.iter().collect();
        let work = Work::of(&points, self.replicates, 0, 0);
        Ok(move |threads: usize| Work {
            threads: threads as u64,
            held: threads as u64,
            ..work
        })
    }

    /// Runs every design point (`on_done` after each replicate) and estimates each
    /// output's sensitivity to each parameter.
    pub fn run(
        &self,
        method: Method,
        registry: &Registry,
        threads: usize,
        on_done: &dyn Progress,
    ) -> Result<SensitivityRows, ExperimentError> {
        let points = self.scenarios(method, registry)?;
        let pool = thread_pool(threads)?;
        let measured = measure_points(
            &pool,
            &points,
            self.seed,
            self.replicates,
            &|params, result| self.outputs.measure(params, &result),
            on_done,
        )?;
        let means: Vec<Vec<f64>> = measured.iter().map(|r| mean_over_replicates(r)).collect();
        self.estimate(method, &means)
    }

    /// The design of `method` as a sweep (a `list` design of its points, with the file's
    /// replicates, seed and outputs as metrics), so that other schedulers (Ray) run its
    /// units into a sweep store; [`SensitivityFile::from_store`] then gives the same
    /// estimates as [`SensitivityFile::run`].
    pub fn sweep(&self, method: Method, registry: &Registry) -> Result<Sweep, ExperimentError> {
        let points = self.points(method)?;
        let quoted = |text: &str| toml::Value::String(text.to_owned()).to_string();
        let metrics: Vec<String> = self.outputs.ids().iter().map(|id| quoted(id)).collect();
        let mut text = format!(
            "# The {} design of {}, as a sweep.\n[sweep]\nname = \"sensitivity-{}\"\nscenario = {}\nreplicates = {}\nseed = {}\nmetrics = [{}]\n\n[design]\nkind = \"list\"\n",
            method.name(),
            self.base.file,
            method.name(),
            quoted(&self.base.text.name),
            self.replicates,
            self.seed,
            metrics.join(", ")
        );
        for (i, range) in self.ranges.iter().enumerate() {
            // `{:?}` writes the shortest text that reads back as the same f64.
            let values: Vec<String> = points.iter().map(|p| format!("{:?}", p[i])).collect();
            text.push_str(&format!(
                "\n[[parameters]]\npath = {}\nvalues = [{}]\n",
                quoted(&range.name),
                values.join(", ")
            ));
        }
        Sweep::from_texts(
            Path::new(&self.base.file),
            &text,
            self.base.text.clone(),
            registry,
            RangePolicy::Recorded,
        )
    }

    /// The estimates from a store of [`SensitivityFile::sweep`] holding every unit: each
    /// point's outputs averaged over its replicates in replicate order, as
    /// [`SensitivityFile::run`] averages them.
    pub fn from_store(
        &self,
        method: Method,
        store: &SweepStore,
    ) -> Result<SensitivityRows, ExperimentError> {
        let points = self.points(method)?.len();
        let ids = self.outputs.ids();
        let mut measured = vec![vec![vec![f64::NAN; ids.len()]; self.replicates as usize]; points];
        let mut found = 0;
        for row in store.results()? {
            let output = ids.iter().position(|id| *id == row.metric);
            let cell = measured
                .get_mut(row.point)
                .and_then(|p| p.get_mut(row.replicate as usize))
                .zip(output)
                .map(|(replicate, o)| &mut replicate[o]);
            if let Some(cell) = cell {
                *cell = row.value;
                found += 1;
            }
        }
        let expected = points * self.replicates as usize * ids.len();
        if found != expected {
            return Err(self.base.analysis_error(format!(
                "the store {} holds {found} of the design's {expected} results; run the \
                 missing units first",
                store.path().display()
            )));
        }
        let means: Vec<Vec<f64>> = measured.iter().map(|r| mean_over_replicates(r)).collect();
        self.estimate(method, &means)
    }

    /// Each output's sensitivity to each parameter from the design points' mean outputs.
    fn estimate(
        &self,
        method: Method,
        means: &[Vec<f64>],
    ) -> Result<SensitivityRows, ExperimentError> {
        let bad = |e: &dyn std::fmt::Display| self.base.analysis_error(e);
        let mut rows = SensitivityRows::default();
        for (o, output) in self.outputs.ids().iter().enumerate() {
            let outputs: Vec<f64> = means.iter().map(|v| v[o]).collect();
            match method {
                Method::Morris => {
                    let design = morris(
                        &self.ranges,
                        self.morris.trajectories,
                        self.morris.levels,
                        self.seed,
                    )
                    .map_err(|e| bad(&e))?;
                    for e in morris_effects(&design, &outputs).map_err(|e| bad(&e))? {
                        rows.push(
                            output,
                            &e.name,
                            [("mu", e.mu), ("mu_star", e.mu_star), ("sigma", e.sigma)],
                        );
                    }
                }
                Method::Sobol => {
                    let design = saltelli(&self.ranges, self.sobol.base_samples, self.seed)
                        .map_err(|e| bad(&e))?;
                    let bootstrap = BootstrapConfig {
                        resamples: self.sobol.bootstrap_resamples,
                        confidence_level: self.sobol.confidence_level,
                        seed: self.seed,
                    };
                    for s in sobol_indices(&design, &outputs, &bootstrap).map_err(|e| bad(&e))? {
                        for (order, estimate) in [
                            ("first_order", s.first_order),
                            ("total_order", s.total_order),
                        ] {
                            rows.push(
                                output,
                                &s.name,
                                [
                                    (order.to_owned(), estimate.value),
                                    (format!("{order}_low"), estimate.low),
                                    (format!("{order}_high"), estimate.high),
                                ],
                            );
                        }
                    }
                }
            }
        }
        Ok(rows)
    }
}

/// What each index means, printed above the tables.
const MORRIS_MEANINGS: &str = "  mu*    mean absolute elementary effect: how much the output moves when the parameter steps
         across its range (output's unit); ranks influence
  mu     mean signed effect: near mu* when the effect always goes one way, near 0 when it changes sign
  sigma  spread of the effects: large against mu* means interactions or a non-linear effect\n";
const SOBOL_MEANINGS: &str =
    "  S1     first-order index: share of the output's variance due to the parameter alone (0 to 1)
  ST     total-order index: share including its interactions with others (0 to 1; ST near 0:
         the parameter could be fixed); [low, high] is the bootstrap interval\n";
/// How far outside [0, 1] a Sobol estimate may stray before it is flagged.
const SOBOL_SLACK: f64 = 0.05;
/// An interval wider than this is too wide to rank by.
const WIDE_INTERVAL: f64 = 0.3;

impl SensitivityFile {
    /// The estimates for reading: per output, its parameters ranked (by mu* for Morris,
    /// by the total-order index for Sobol) under a header, with what each index means and,
    /// for Sobol, a warning when estimates leave [0, 1] or their intervals are wide.
    pub fn render(&self, method: Method, rows: &SensitivityRows) -> String {
        let mut text = match method {
            Method::Morris => format!(
                "Morris screening: {} trajectories, {} levels.\n{MORRIS_MEANINGS}",
                self.morris.trajectories, self.morris.levels
            ),
            Method::Sobol => format!(
                "Sobol indices: {} base samples, {} bootstrap resamples, {:.0}% intervals.\n{SOBOL_MEANINGS}",
                self.sobol.base_samples,
                self.sobol.bootstrap_resamples,
                100.0 * self.sobol.confidence_level
            ),
        };
        let mut suspect = Vec::new();
        for output in rows.outputs() {
            let value = |parameter: &str, statistic: &str| {
                rows.get(output, parameter, statistic).unwrap_or(f64::NAN)
            };
            let key = match method {
                Method::Morris => "mu_star",
                Method::Sobol => "total_order",
            };
            let mut parameters: Vec<&str> = self.ranges.iter().map(|r| r.name.as_str()).collect();
            parameters.sort_by(|a, b| value(b, key).abs().total_cmp(&value(a, key).abs()));
            let width = parameters.iter().map(|p| p.len()).max().unwrap_or(9).max(9);
            text.push_str(&format!("\n{output} ({})\n", unit_of(output)));
            match method {
                Method::Morris => text.push_str(&format!(
                    "rank  {:<width$}  {:>14}  {:>14}  {:>14}\n",
                    "parameter", "mu*", "mu", "sigma"
                )),
                Method::Sobol => text.push_str(&format!(
                    "rank  {:<width$}  {:>22}  {:>22}\n",
                    "parameter", "S1 [low, high]", "ST [low, high]"
                )),
            }
            for (rank, parameter) in parameters.iter().enumerate() {
                let cells = match method {
                    Method::Morris => ["mu_star", "mu", "sigma"]
                        .map(|s| format!("{:>14}", readable(value(parameter, s))))
                        .join("  "),
                    Method::Sobol => ["first_order", "total_order"]
                        .map(|order| {
                            let [estimate, low, high] =
                                [order, &format!("{order}_low"), &format!("{order}_high")]
                                    .map(|s| value(parameter, s));
                            let outside = |v: f64| !(-SOBOL_SLACK..=1.0 + SOBOL_SLACK).contains(&v);
                            if outside(estimate) || high - low > WIDE_INTERVAL {
                                suspect.push(format!("{output} / {parameter} {order}"));
                            }
                            format!("{:>22}", format!("{estimate:.2} [{low:.2}, {high:.2}]"))
                        })
                        .join("  "),
                };
                text.push_str(&format!("{:>4}  {parameter:<width$}  {cells}\n", rank + 1));
            }
        }
        if !suspect.is_empty() {
            text.push_str(&format!(
                "\nwarning: {} Sobol estimate(s) fall outside [0, 1] or have an interval wider than {WIDE_INTERVAL}: with base_samples = {} they are too noisy to rank by; increase base_samples (and replicates). First: {}\n",
                suspect.len(),
                self.sobol.base_samples,
                suspect[0]
            ));
        }
        text
    }
}

impl SensitivityFile {
    /// Runs `method`'s design ([`SensitivityFile::run`]), writes every estimate to
    /// `out/sensitivity.*` and the parameters ranked over all outputs
    /// ([`SensitivityRows::ranking`]) to `out/ranking.*`; returns the estimates and the
    /// ranking's top 20 for reading.
    pub fn run_into(
        &self,
        out: &Path,
        method: Method,
        registry: &Registry,
        threads: usize,
        on_done: &dyn Progress,
    ) -> Result<String, ExperimentError> {
        prepare_dir(out)?;
        let rows = self.run(method, registry, threads, on_done)?;
        self.write(method, rows, out)
    }

    /// Writes `rows` (as [`SensitivityFile::run`] or [`SensitivityFile::from_store`] gave
    /// them) to `out/sensitivity.*` and the ranking to `out/ranking.*`; returns the text
    /// [`SensitivityFile::run_into`] returns.
    pub fn write(
        &self,
        method: Method,
        rows: SensitivityRows,
        out: &Path,
    ) -> Result<String, ExperimentError> {
        let points = self.points(method)?.len();
        let (statistic, label) = match method {
            Method::Morris => ("mu_star", "mu*"),
            Method::Sobol => ("total_order", "total-order index"),
        };
        let ranking = rows.ranking(statistic);
        let rendered = self.render(method, &rows);
        write_table(&rows.into_table(), out, "sensitivity")?;
        write_table(&ranking_table(&ranking), out, "ranking")?;
        let top: String = ranking
            .iter()
            .take(20)
            .enumerate()
            .map(|(i, (parameter, score))| format!("{:>4}  {score:>5.2}  {parameter}\n", i + 1))
            .collect();
        Ok(format!(
            "{} sensitivity over {} parameters, {points} model points x {} replicates\n{rendered}\n\
             Most influential over all outputs (score: the parameter's largest {label} on any output, as a share of that output's largest)\n\
             rank  score  parameter\n{top}Written to {} and ranking.csv\n",
            method.name(),
            self.parameters(),
            self.replicates(),
            out.join("sensitivity.csv").display()
        ))
    }
}

/// The ranking as a table: rank, parameter, score.
fn ranking_table(ranking: &[(String, f64)]) -> Table {
    Table {
        columns: vec![
            (
                "rank",
                ColumnData::Int((1..=ranking.len() as i64).collect()),
            ),
            (
                "parameter",
                ColumnData::Text(ranking.iter().map(|(p, _)| p.clone()).collect()),
            ),
            (
                "score",
                ColumnData::Float(ranking.iter().map(|(_, s)| *s).collect()),
            ),
        ],
    }
}

/// Long rows: output, parameter, statistic, value.
#[derive(Debug, Default, PartialEq)]
pub struct SensitivityRows {
    output: Vec<String>,
    parameter: Vec<String>,
    statistic: Vec<String>,
    value: Vec<f64>,
}

impl SensitivityRows {
    fn push<S: Into<String>, const N: usize>(
        &mut self,
        output: &str,
        parameter: &str,
        stats: [(S, f64); N],
    ) {
        for (statistic, value) in stats {
            self.output.push(output.to_owned());
            self.parameter.push(parameter.to_owned());
            self.statistic.push(statistic.into());
            self.value.push(value);
        }
    }

    /// The value of `statistic` for `output` and `parameter`.
    pub fn get(&self, output: &str, parameter: &str, statistic: &str) -> Option<f64> {
        (0..self.value.len())
            .find(|&i| {
                self.output[i] == output
                    && self.parameter[i] == parameter
                    && self.statistic[i] == statistic
            })
            .map(|i| self.value[i])
    }

    /// Parameters ranked by influence: for each output, `statistic` (`mu_star` for
    /// Morris, `total_order` for Sobol) divided by its largest value over the parameters;
    /// a parameter's score is its largest share over the outputs, so one that dominates
    /// any output ranks first. Ties keep the file's order.
    pub fn ranking(&self, statistic: &str) -> Vec<(String, f64)> {
        let rows = || (0..self.value.len()).filter(|&i| self.statistic[i] == statistic);
        let largest = |output: &str| {
            rows()
                .filter(|&i| self.output[i] == output)
                .map(|i| self.value[i].abs())
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max)
        };
        let mut scores: Vec<(String, f64)> = Vec::new();
        for i in rows() {
            let top = largest(&self.output[i]);
            let share = if top > 0.0 && self.value[i].is_finite() {
                self.value[i].abs() / top
            } else {
                0.0
            };
            match scores.iter_mut().find(|(p, _)| *p == self.parameter[i]) {
                Some((_, score)) => *score = score.max(share),
                None => scores.push((self.parameter[i].clone(), share)),
            }
        }
        scores.sort_by(|a, b| b.1.total_cmp(&a.1));
        scores
    }

    /// The outputs in file order.
    fn outputs(&self) -> Vec<&str> {
        let mut outputs: Vec<&str> = Vec::new();
        for output in &self.output {
            if !outputs.contains(&output.as_str()) {
                outputs.push(output);
            }
        }
        outputs
    }

    /// The rows as a table.
    pub fn into_table(self) -> Table {
        Table {
            columns: vec![
                ("output", ColumnData::Text(self.output)),
                ("parameter", ColumnData::Text(self.parameter)),
                ("statistic", ColumnData::Text(self.statistic)),
                ("value", ColumnData::Float(self.value)),
            ],
        }
    }
}

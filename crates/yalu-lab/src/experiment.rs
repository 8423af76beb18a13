//! The experiment runner every command uses: design points -> scenario overrides ->
//! replicates (common random numbers: every point runs the same seed and replicate
//! numbers) -> named outputs -> aggregation. [`run_units`] is the parallel loop over
//! independent units; `compare`, `sweep`, `sensitivity` and `calibrate` go through it (a
//! sweep through [`crate::sweep::run_sweep`], which commits each unit as it finishes),
//! while an ensemble's replicates (`run`, `validate`) go through
//! [`crate::fold_replicates_of`], which folds them in chunks on the workers. Nothing here
//! prints or spawns the binary, so tests call it directly.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use yalu_model::{ModelError, ModelParams, ReplicateResult, run_replicate};
use yalu_scenario::overrides::{
    OverrideError, beyond_ranges, check_path, stated_range, with_values,
};
use yalu_scenario::{BASELINE, Evidence, LoadError, Registry, Scenario, SourceText};

use yalu_report::ReportError;
use yalu_report::atomic::{prepare_dir, write_table};
use yalu_report::outputs::{Catalog, OutputSet};
use yalu_report::table::{ColumnData, Table};

use toml::Spanned;

use crate::LabError;
use crate::design::ParameterRange;
use crate::store::{StoreError, SweepStore};
use crate::sweep::{
    Locator, MetricCheck, Metrics, Problem, ScenarioSource, Shard, SpecError, SweepError,
    SweepFile, SweepSpec, SweepSummary, run_sweep, summarize, summary_table, todo,
};

/// One replicate to run: which scenario, on which seed, with which replicate number.
#[derive(Clone, Copy)]
pub struct Unit<'a> {
    /// The scenario's parameters.
    pub params: &'a ModelParams,
    /// Master seed.
    pub seed: u64,
    /// Replicate number.
    pub replicate: u32,
}

/// Told as each replicate finishes (from worker threads); may ask the work to stop.
/// Any `Fn() + Sync` closure is one that never stops the work.
pub trait Progress: Sync {
    /// A replicate finished.
    fn done(&self);
    /// Whether to stop: no replicate starts once it says so, and the work ends with
    /// [`LabError::Cancelled`].
    fn cancelled(&self) -> bool {
        false
    }
}

impl<F: Fn() + Sync> Progress for F {
    fn done(&self) {
        self()
    }
}

/// Progress that only listens for a stop: set the flag (from another thread, on Ctrl-C
/// say) and the work ends between replicates.
pub struct StopFlag<'a>(pub &'a AtomicBool);

impl Progress for StopFlag<'_> {
    fn done(&self) {}

    fn cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Runs `units` in parallel on `pool` and returns `measure` of each, in unit order, so the
/// results do not depend on the number of threads; `on_done` is told as each finishes,
/// and no unit starts once it asks to stop.
pub fn run_units<T: Send>(
    pool: &rayon::ThreadPool,
    units: &[Unit],
    measure: &(dyn Fn(&ModelParams, ReplicateResult) -> T + Sync),
    on_done: &dyn Progress,
) -> Result<Vec<T>, LabError> {
    pool.install(|| {
        units
            .par_iter()
            .map(|unit| {
                if on_done.cancelled() {
                    return Err(LabError::Cancelled);
                }
                let result = run_replicate(unit.params, unit.seed, unit.replicate)?;
                let measured = measure(unit.params, result);
                on_done.done();
                Ok(measured)
            })
            .collect()
    })
}

/// Per point, per replicate, `measure` of replicates `0..replicates` of every point, all
/// on `seed` (common random numbers across points).
pub fn measure_points<T: Send>(
    pool: &rayon::ThreadPool,
    points: &[ModelParams],
    seed: u64,
    replicates: u32,
    measure: &(dyn Fn(&ModelParams, ReplicateResult) -> T + Sync),
    on_done: &dyn Progress,
) -> Result<Vec<Vec<T>>, LabError> {
    let units: Vec<Unit> = points
        .iter()
        .flat_map(|params| {
            (0..replicates).map(move |replicate| Unit {
                params,
                seed,
                replicate,
            })
        })
        .collect();
    let mut measured = run_units(pool, &units, measure, on_done)?.into_iter();
    Ok(points
        .iter()
        .map(|_| measured.by_ref().take(replicates as usize).collect())
        .collect())
}

/// Why an experiment could not run; [`ExperimentError::is_bad_input`] tells the user's
/// mistakes from failed runs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExperimentError {
    /// The experiment file is unreadable, malformed, or names something that does not
    /// exist (located by file, line and column).
    #[error(transparent)]
    File(#[from] SpecError),
    /// The scenario it names does not load.
    #[error(transparent)]
    Scenario(#[from] LoadError),
    /// A design point does not make a valid scenario.
    #[error("{file}: {source}")]
    Point {
        /// The experiment file.
        file: String,
        /// Why the point is invalid.
        source: OverrideError,
    },
    /// A design point sets values outside their parameters' recorded ranges, and the
    /// experiment was not allowed beyond them.
    #[error(
        "{file}: {source}\n{} outside the recorded range; to stress-test beyond it on \
         purpose, rerun with --allow-outside-range (the run then records which parameters \
         left their ranges)",
        describe_outside(.outside)
    )]
    OutsideRange {
        /// The experiment file.
        file: String,
        /// The scenario's own complaint, located in the scenario.
        source: OverrideError,
        /// Every parameter the design sets outside its recorded range (boxed: the error
        /// stays small).
        outside: Box<[OutsideRange]>,
    },
    /// The analysis refused its inputs (a design too small, say).
    #[error("{file}: {message}")]
    Analysis {
        /// The experiment file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The sweep's store cannot be used (another sweep's, or not a store).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A run failed.
    #[error(transparent)]
    Run(#[from] LabError),
    /// A sweep's run failed.
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// The work or memory it asks for is above the limits.
    #[error(transparent)]
    Budget(#[from] crate::budget::BudgetError),
    /// The outputs cannot be written (an unusable `--out`, say).
    #[error(transparent)]
    Report(#[from] ReportError),
    /// What is asked cannot be done as asked (a window outside the run, scenarios with no
    /// output in common).
    #[error("{0}")]
    Refused(String),
    /// `yalu run`'s replicates failed, or could not be written.
    #[error("the run failed")]
    Failed(#[source] LabError),
    /// An external driver (the Ray driver) could not start or failed.
    #[error("{0}")]
    Driver(String),
}

impl From<ModelError> for ExperimentError {
    fn from(error: ModelError) -> ExperimentError {
        ExperimentError::Run(error.into())
    }
}

impl ExperimentError {
    /// Whether the user's input is at fault (exit code 2) rather than a run (1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            ExperimentError::Run(_)
            | ExperimentError::Sweep(_)
            | ExperimentError::Failed(_)
            | ExperimentError::Driver(_) => false,
            ExperimentError::Report(e) => e.is_bad_input(),
            _ => true,
        }
    }

    /// A refusal of what is asked, said by `error`.
    pub fn refused(error: impl std::fmt::Display) -> ExperimentError {
        ExperimentError::Refused(error.to_string())
    }
}

/// Whether an experiment's values may leave their parameters' recorded ranges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RangePolicy {
    /// A value outside a recorded range is refused, located in the scenario.
    #[default]
    Recorded,
    /// Values beyond the recorded ranges run (`--allow-outside-range`), each range widened
    /// to take them and every such parameter reported ([`OutsideRange`]).
    AllowOutside,
}

impl RangePolicy {
    /// [`RangePolicy::AllowOutside`] when `allow` (`--allow-outside-range`), else
    /// [`RangePolicy::Recorded`].
    pub fn allowing_outside(allow: bool) -> RangePolicy {
        if allow {
            RangePolicy::AllowOutside
        } else {
            RangePolicy::Recorded
        }
    }
}

/// A parameter an experiment sets outside its recorded range.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutsideRange {
    /// The parameter's path.
    pub parameter: String,
    /// The range the scenario records for it: [low, high].
    pub recorded_range: [f64; 2],
    /// The values outside it, ascending, each once.
    pub values: Vec<f64>,
}

impl std::fmt::Display for OutsideRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let values: Vec<String> = self.values.iter().map(f64::to_string).collect();
        let [low, high] = self.recorded_range;
        write!(
            f,
            "`{}` = {} (recorded range [{low}, {high}])",
            self.parameter,
            values.join(", ")
        )
    }
}

/// The parameters outside their ranges, one clause each, for a message.
fn describe_outside(outside: &[OutsideRange]) -> String {
    let clauses: Vec<String> = outside.iter().map(|o| format!("  {o}")).collect();
    let verb = if outside.len() == 1 { "is" } else { "are" };
    format!("{}\n  {verb}", clauses.join("\n"))
}

/// Loads a scenario (the built-in baseline or a file) with the text it was read from (for
/// hashes and parameter overrides).
pub fn load_scenario(
    source: &ScenarioSource,
    registry: &Registry,
) -> Result<(Scenario, SourceText), LoadError> {
    let text = match source {
        ScenarioSource::Baseline => SourceText::new("<baseline>", BASELINE),
        ScenarioSource::File(path) => {
            let text = yalu_scenario::read_text(path)?;
            SourceText::new(path.display().to_string(), text)
        }
    };
    Ok((Scenario::parse(&text, registry)?, text))
}

/// The scenario an experiment file names, with the text overrides apply to.
pub struct Base {
    /// The experiment file, as errors name it.
    pub file: String,
    /// The scenario text.
    pub text: SourceText,
    /// The scenario as written.
    pub scenario: Scenario,
}

impl Base {
    /// Loads the scenario an experiment `file` names.
    pub fn load(
        file: &Path,
        scenario: &ScenarioSource,
        registry: &Registry,
    ) -> Result<Base, LoadError> {
        let (scenario, text) = load_scenario(scenario, registry)?;
        Ok(Base {
            file: file.display().to_string(),
            text,
            scenario,
        })
    }

    /// The parameters of every point (`paths[i]` set to `point[i]`), each re-validated
    /// before any runs, so a bad point fails early. Under [`RangePolicy::Recorded`] a
    /// value outside its recorded range is refused; under
    /// [`RangePolicy::AllowOutside`] it runs (see [`Base::outside_ranges`]).
    pub fn points(
        &self,
        paths: &[String],
        points: &[Vec<f64>],
        registry: &Registry,
        policy: RangePolicy,
    ) -> Result<Vec<ModelParams>, ExperimentError> {
        let set = match policy {
            RangePolicy::Recorded => with_values,
            RangePolicy::AllowOutside => beyond_ranges,
        };
        points
            .iter()
            .map(|values| {
                let assignments: Vec<(String, f64)> =
                    paths.iter().cloned().zip(values.iter().copied()).collect();
                set(&self.text, &assignments, registry)
                    .map(|scenario| scenario.params)
                    .map_err(|source| {
                        let outside = match policy {
                            RangePolicy::Recorded => self.outside_ranges(paths, points),
                            RangePolicy::AllowOutside => Vec::new(),
                        };
                        let file = self.file.clone();
                        if outside.is_empty() {
                            ExperimentError::Point { file, source }
                        } else {
                            ExperimentError::OutsideRange {
                                file,
                                source,
                                outside: outside.into(),
                            }
                        }
                    })
            })
            .collect()
    }

    /// Every parameter among `paths` that some point sets outside the range the scenario
    /// states for it, with those values.
    pub fn outside_ranges(&self, paths: &[String], points: &[Vec<f64>]) -> Vec<OutsideRange> {
        paths
            .iter()
            .enumerate()
            .filter_map(|(i, path)| {
                let [low, high] = stated_range(&self.text, path).ok()??;
                let mut values: Vec<f64> = points
                    .iter()
                    .map(|p| p[i])
                    .filter(|v| !(low..=high).contains(v))
                    .collect();
                values.sort_by(f64::total_cmp);
                values.dedup();
                (!values.is_empty()).then(|| OutsideRange {
                    parameter: path.clone(),
                    recorded_range: [low, high],
                    values,
                })
            })
            .collect()
    }

    /// Why `path` is not a parameter of the scenario, if it is not.
    pub fn check_path(&self, path: &str) -> Result<(), String> {
        check_path(&self.text, path).map_err(|e| e.to_string())
    }

    /// The recorded range of a parameter, and whether it is an assumption.
    pub fn range(&self, path: &str) -> Option<([f64; 2], bool)> {
        let record = self.scenario.parameters.iter().find(|p| p.path == path)?;
        match &record.evidence {
            Evidence::Assumption { range, .. } => range.map(|r| (r, true)),
            Evidence::Claim { range, .. } => range.map(|r| (r, false)),
        }
    }

    /// Each parameter's recorded range (for `assumptions_only`, only an assumption's),
    /// every problem located at the parameter's `field` in the file.
    pub(crate) fn ranges(
        &self,
        at: &Locator,
        parameters: &[Spanned<String>],
        field: &str,
        assumptions_only: bool,
    ) -> Result<Vec<ParameterRange>, SpecError> {
        parameters
            .iter()
            .map(|parameter| {
                let path = parameter.get_ref();
                let fail = |problem| at.error(parameter.span().start, field, problem);
                self.check_path(path).map_err(|reason| {
                    fail(Problem::UnknownParameter {
                        path: path.clone(),
                        reason,
                    })
                })?;
                let ([low, high], _) = self
                    .range(path)
                    .filter(|(_, assumption)| *assumption || !assumptions_only)
                    .ok_or_else(|| {
                        fail(if assumptions_only {
                            Problem::NotAnAssumption(path.clone())
                        } else {
                            Problem::NoRange(path.clone())
                        })
                    })?;
                ParameterRange::new(path.clone(), low, high).map_err(|e| fail(e.into()))
            })
            .collect()
    }

    /// A problem with the analysis, naming the file.
    pub fn analysis_error(&self, error: impl std::fmt::Display) -> ExperimentError {
        ExperimentError::Analysis {
            file: self.file.clone(),
            message: error.to_string(),
        }
    }
}

/// A sweep file checked against its scenario, every point's parameters validated.
///
/// Besides [`Sweep::run`] (the whole sweep, or one shard, on local threads), the sweep can
/// be driven unit by unit, so that other schedulers (Ray tasks, say) reuse this code: the
/// driver opens the store ([`Sweep::open_store`]), asks what is left ([`Sweep::todo`]),
/// has workers run units ([`Sweep::evaluate`] on a sweep rebuilt from
/// [`Sweep::from_texts`]) and records each result itself ([`Sweep::record`]), so the store
/// keeps a single writer.
pub struct Sweep {
    spec: SweepSpec,
    base: Base,
    outputs: OutputSet,
    points: Vec<ModelParams>,
    /// The sweep file's text.
    text: String,
    policy: RangePolicy,
    /// The parameters its points set outside their recorded ranges (allowed by `policy`).
    outside: Vec<OutsideRange>,
}

/// The store's `meta` key listing the parameters a sweep set outside their recorded ranges.
pub const OUTSIDE_RANGES_KEY: &str = "outside_recorded_ranges";

/// What a sweep did and its tables.
pub struct SweepRun {
    /// Units found done and units run now.
    pub summary: SweepSummary,
    /// Each point's parameter values: point, parameter, value.
    pub points: Table,
    /// Each point's metrics over replicates: point, metric, replicates, mean, p05, p50, p95.
    pub metrics: Table,
}

impl Sweep {
    /// Reads `file`, checks its parameter paths and metrics against the scenario it names,
    /// and validates every point (beyond the recorded ranges only if `policy` allows).
    pub fn load(
        file: &Path,
        registry: &Registry,
        policy: RangePolicy,
    ) -> Result<Sweep, ExperimentError> {
        let text = read(file)?;
        let parsed = SweepFile::parse(
            &file.display().to_string(),
            &text,
            file.parent().unwrap_or(Path::new("")),
        )?;
        let base = Base::load(file, parsed.scenario(), registry)?;
        Sweep::checked(parsed, base, text, registry, policy)
    }

    /// The sweep whose file `file` reads `text`, on the scenario `scenario` (whatever the
    /// file names): what a worker without the files rebuilds from [`Sweep::texts`]. It
    /// is the same sweep, with the same store, as [`Sweep::load`] of the files.
    pub fn from_texts(
        file: &Path,
        text: &str,
        scenario: SourceText,
        registry: &Registry,
        policy: RangePolicy,
    ) -> Result<Sweep, ExperimentError> {
        let parsed = SweepFile::parse(&file.display().to_string(), text, Path::new(""))?;
        let base = Base {
            file: file.display().to_string(),
            scenario: Scenario::parse(&scenario, registry).map_err(LoadError::from)?,
            text: scenario,
        };
        Sweep::checked(parsed, base, text.to_owned(), registry, policy)
    }

    fn checked(
        parsed: SweepFile,
        base: Base,
        text: String,
        registry: &Registry,
        policy: RangePolicy,
    ) -> Result<Sweep, ExperimentError> {
        let outputs = parsed.outputs(&Catalog::new(&base.scenario.params))?;
        let spec = parsed.validate(&|path| base.check_path(path))?;
        let values: Vec<Vec<f64>> = spec
            .points()
            .iter()
            .map(|p| p.values.iter().map(|(_, v)| *v).collect())
            .collect();
        let points = base.points(spec.parameters(), &values, registry, policy)?;
        let outside = match policy {
            RangePolicy::Recorded => Vec::new(),
            RangePolicy::AllowOutside => base.outside_ranges(spec.parameters(), &values),
        };
        Ok(Sweep {
            spec,
            base,
            outputs,
            points,
            text,
            policy,
            outside,
        })
    }

    /// Whether its points may leave the recorded ranges (as it was loaded).
    pub fn policy(&self) -> RangePolicy {
        self.policy
    }

    /// The parameters its points set outside their recorded ranges (none unless loaded
    /// with [`RangePolicy::AllowOutside`]).
    pub fn outside_ranges(&self) -> &[OutsideRange] {
        &self.outside
    }

    /// The checked spec.
    pub fn spec(&self) -> &SweepSpec {
        &self.spec
    }

    /// The work of every unit, on `threads` worker threads (each holds one result).
    pub fn work(&self, threads: usize) -> crate::budget::Work {
        let points: Vec<&ModelParams> = self.points.iter().collect();
        crate::budget::Work::of(&points, self.spec.replicates(), threads as u64, threads)
    }

    /// The sweep file's text and the scenario's, for [`Sweep::from_texts`].
    pub fn texts(&self) -> (&str, &SourceText) {
        (&self.text, &self.base.text)
    }

    /// Opens (creating if absent) `out/sweep.sqlite` for this sweep; a store of another
    /// sweep or scenario text is refused. Parameters set outside their recorded ranges
    /// are recorded in its `meta` under `outside_recorded_ranges` (JSON).
    pub fn open_store(&self, out: &Path) -> Result<SweepStore, ExperimentError> {
        let store = SweepStore::open(out, &self.spec, &self.base.text.text)?;
        if !self.outside.is_empty() {
            let json = serde_json::to_string(&self.outside).expect("serializes");
            store.set_meta(OUTSIDE_RANGES_KEY, &json)?;
        }
        Ok(store)
    }

    /// The units of `shard` that `store` does not hold yet, and how many it holds.
    pub fn todo(
        &self,
        store: &SweepStore,
        shard: Shard,
    ) -> Result<(Vec<(usize, u32)>, SweepSummary), ExperimentError> {
        Ok(todo(&self.spec, store, shard)?)
    }

    /// Runs one unit: replicate `replicate` of point `point`, on the sweep's seed, and
    /// measures the sweep's metrics.
    pub fn evaluate(&self, point: usize, replicate: u32) -> Result<Metrics, SweepError> {
        let Some(params) = self
            .points
            .get(point)
            .filter(|_| replicate < self.spec.replicates())
        else {
            return Err(SweepError::Evaluate {
                point,
                replicate,
                source: format!(
                    "no such unit: the sweep has points 0..{} and replicates 0..{}",
                    self.points.len(),
                    self.spec.replicates()
                )
                .into(),
            });
        };
        self.measure(params, replicate)
            .map_err(|source| SweepError::Evaluate {
                point,
                replicate,
                source: source.into(),
            })
    }

    fn measure(&self, params: &ModelParams, replicate: u32) -> Result<Metrics, ModelError> {
        run_replicate(params, self.spec.seed(), replicate).map(|result| {
            let values = self.outputs.measure(params, &result);
            self.outputs.ids().iter().cloned().zip(values).collect()
        })
    }

    /// Commits one unit's metrics (as [`Sweep::evaluate`] gave them) to `store`, after
    /// checking they are the sweep's metrics with finite values.
    pub fn record(
        &self,
        store: &mut SweepStore,
        point: usize,
        replicate: u32,
        metrics: Metrics,
    ) -> Result<(), ExperimentError> {
        let metrics = MetricCheck::new(&self.spec).check(point, replicate, metrics)?;
        store
            .record(point, replicate, &metrics)
            .map_err(|e| SweepError::from(e).into())
    }

    /// Runs the units of `shard` ([`Shard::ALL`]: every unit) that `out/sweep.sqlite` does
    /// not hold yet, then summarises every unit the store holds.
    pub fn run(
        &self,
        out: &Path,
        threads: usize,
        shard: Shard,
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> Result<SweepRun, ExperimentError> {
        self.run_until(out, threads, shard, on_progress, &|| {})
    }

    /// As [`Sweep::run`], but no unit starts once `stop` asks to stop: the sweep then ends
    /// with an error, keeping in the store every unit that finished (a rerun resumes).
    pub fn run_until(
        &self,
        out: &Path,
        threads: usize,
        shard: Shard,
        on_progress: &mut dyn FnMut(usize, usize),
        stop: &dyn Progress,
    ) -> Result<SweepRun, ExperimentError> {
        let mut store = self.open_store(out)?;
        let evaluate = |point: &crate::sweep::Point, replicate: u32, _seed: u64| {
            if stop.cancelled() {
                return Err(LabError::Cancelled);
            }
            Ok(self.measure(&self.points[point.index], replicate)?)
        };
        let summary = run_sweep(
            &self.spec,
            &mut store,
            &evaluate,
            threads,
            shard,
            on_progress,
        )?;
        let (points, metrics) = self.tables(&store)?;
        Ok(SweepRun {
            summary,
            points,
            metrics,
        })
    }

    /// The default output folder: `out/sweep-<name>`.
    pub fn default_out(&self) -> PathBuf {
        Path::new("out").join(format!("sweep-{}", self.spec.name()))
    }

    /// Runs the units of `shard` (all when `None`) that `out` does not hold yet
    /// ([`Sweep::run`]) and writes `out/sweep_points.*` and `out/sweep_summary.*`; returns
    /// what was done for reading.
    pub fn run_into(
        &self,
        out: &Path,
        threads: usize,
        shard: Option<Shard>,
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> Result<String, ExperimentError> {
        prepare_dir(out)?;
        let run = self.run(out, threads, shard.unwrap_or(Shard::ALL), on_progress)?;
        write_table(&run.points, out, "sweep_points")?;
        write_table(&run.metrics, out, "sweep_summary")?;
        let share = match shard {
            Some(shard) => format!(" (shard {shard}: {} units)", run.summary.total_units),
            None => String::new(),
        };
        let spec = &self.spec;
        Ok(format!(
            "Sweep {}: {} points x {} replicates{share}; {} runs were already done, {} ran now.\nResults: {} (SQLite) and {}\n",
            spec.name(),
            spec.points().len(),
            spec.replicates(),
            run.summary.already_done,
            run.summary.ran,
            out.join("sweep.sqlite").display(),
            out.join("sweep_summary.csv").display()
        ))
    }

    /// The `sweep_points` table (point, parameter, value) and the `sweep_summary` table of
    /// the units `store` holds.
    pub fn tables(&self, store: &SweepStore) -> Result<(Table, Table), ExperimentError> {
        let metrics = summary_table(&summarize(&store.results()?));
        let (mut point, mut parameter, mut value) = (Vec::new(), Vec::new(), Vec::new());
        for p in self.spec.points() {
            for (path, v) in &p.values {
                point.push(p.index as i64);
                parameter.push(path.clone());
                value.push(*v);
            }
        }
        let points = Table {
            columns: vec![
                ("point", ColumnData::Int(point)),
                ("parameter", ColumnData::Text(parameter)),
                ("value", ColumnData::Float(value)),
            ],
        };
        Ok((points, metrics))
    }
}

/// The mean over replicates of each measured output (one `Vec` per replicate).
pub fn mean_over_replicates(replicates: &[Vec<f64>]) -> Vec<f64> {
    let count = replicates.len() as f64;
    let outputs = replicates.first().map_or(0, Vec::len);
    (0..outputs)
        .map(|o| replicates.iter().map(|r| r[o] / count).sum())
        .collect()
}

/// Reads an experiment file's text, located errors naming it.
pub(crate) fn read(file: &Path) -> Result<String, SpecError> {
    yalu_scenario::read_text(file).map_err(|error| match error {
        LoadError::NotUtf8 {
            path,
            line,
            column,
            byte,
        } => SpecError::Invalid {
            file: path,
            line,
            column,
            field: "<text>".into(),
            problem: Problem::Schema(format!(
                "the file is not UTF-8 text (byte 0x{byte:02x} here); save it as UTF-8"
            )),
        },
        LoadError::Read { error, .. } => SpecError::Read {
            file: file.display().to_string(),
            source: error,
        },
        other => SpecError::Read {
            file: file.display().to_string(),
            source: std::io::Error::other(other.to_string()),
        },
    })
}

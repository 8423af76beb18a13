//! Resumable parameter sweeps.
//!
//! A sweep file (TOML) names a scenario, the parameters to vary and how (a grid, a Latin
//! hypercube or an explicit list of points), the replicates per point and the metrics to
//! record. [`run_sweep`] runs every (point, replicate) unit not yet recorded in a
//! [`SweepStore`], in parallel, committing each unit as it finishes, so a sweep stopped at
//! any moment resumes where it stopped and ends with the same results as one that never
//! stopped.
//!
//! Reading a sweep file takes two steps because the parameter paths can only be checked
//! against the scenario the file names: [`SweepFile::parse`] (or [`SweepFile::load`])
//! checks everything the file alone tells, then [`SweepFile::validate`] checks each path
//! with the caller's knowledge of the scenario and gives the [`SweepSpec`].
//!
//! ```toml
//! [sweep]
//! name = "enforcement-vs-levy"
//! scenario = "scenarios/baseline.toml"  # relative to the sweep file, or "baseline"
//! replicates = 10
//! seed = 42
//! metrics = ["state_trade.vehicles_per_month_after_takeover", "fx.total_usd_per_year"]
//!
//! [design]
//! kind = "grid"                         # "grid" | "latin_hypercube" | "list"
//!
//! [[parameters]]
//! path = "state_trade.official_levy_share"
//! values = [0.1, 0.3, 0.5]              # grid and list; a latin_hypercube takes
//!                                       # range = [min, max] and [design] samples, seed
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::error::Error;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use yalu_model::stats::quantile_of_sorted;

use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;
use yalu_scenario::SourceText;

use yalu_report::outputs::{Catalog, OutputSet, UnknownOutput};
use yalu_report::table::{ColumnData, Table};

use crate::design::{DesignError, ParameterRange, full_factorial, latin_hypercube};
use crate::store::{ResultRow, StoreError, SweepStore};

/// What is wrong with a value in a sweep file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The TOML does not parse or does not fit the schema (unknown field, wrong type...).
    #[error("{0}")]
    Schema(String),
    /// A text that must say something is empty.
    #[error("expected a non-empty {0}, found \"\"")]
    Empty(&'static str),
    /// `replicates = 0`.
    #[error("expected at least 1 replicate, found 0")]
    ZeroReplicates,
    /// `metrics = []`.
    #[error("expected at least one metric name, found none")]
    NoMetrics,
    /// A metric listed twice.
    #[error("expected each metric once, found `{0}` more than once")]
    DuplicateMetric(String),
    /// A design kind that is not one of the three.
    #[error("expected one of `grid`, `latin_hypercube`, `list`, found `{0}`")]
    UnknownDesignKind(String),
    /// `samples = 0` in a Latin hypercube.
    #[error("expected at least 1 sample, found 0")]
    ZeroSamples,
    /// A field the design needs is absent.
    #[error("missing: expected {0}")]
    Missing(&'static str),
    /// A field the design does not use is present.
    #[error("not used by a `{kind}` design, which expects {expected}")]
    NotForDesign {
        /// The design kind of the file.
        kind: DesignKind,
        /// What that design expects instead.
        expected: &'static str,
    },
    /// The file has no `[[parameters]]` table.
    #[error("expected at least one [[parameters]] table, found none")]
    NoParameters,
    /// Two `[[parameters]]` tables vary the same path.
    #[error("expected each parameter path once, found `{path}` already on line {first_line}")]
    DuplicatePath {
        /// The path.
        path: String,
        /// Line of its first occurrence, from 1.
        first_line: usize,
    },
    /// `values = []`.
    #[error("expected at least one value, found none")]
    EmptyValues,
    /// An infinite or NaN value.
    #[error("expected finite numbers, found {0}")]
    NonFinite(f64),
    /// In a list design, parameters with different numbers of values.
    #[error(
        "expected {expected} values, as many as `{first_path}` has (point i takes the i-th \
         value of every parameter), found {found}"
    )]
    UnequalLengths {
        /// Values of the first parameter.
        expected: usize,
        /// Values of this one.
        found: usize,
        /// The first parameter's path.
        first_path: String,
    },
    /// A path the scenario does not have, as the caller's check says.
    #[error("unknown parameter `{path}`: {reason}")]
    UnknownParameter {
        /// The path.
        path: String,
        /// Why, in the caller's words.
        reason: String,
    },
    /// The design module refused the ranges or the design (an inverted range, too many
    /// points...).
    #[error(transparent)]
    Design(#[from] DesignError),
    /// An output id that the registry does not declare.
    #[error(transparent)]
    UnknownOutput(#[from] UnknownOutput),
    /// A pattern id that is not one of P1-P15.
    #[error("unknown pattern `{id}`; nearest: {}", nearest.join(", "))]
    UnknownPattern {
        /// The id asked for.
        id: String,
        /// The closest pattern ids.
        nearest: Vec<String>,
    },
    /// An observation id that is not in the registry's series.
    #[error("unknown observation `{id}`; nearest: {}", nearest.join(", "))]
    UnknownObservation {
        /// The id asked for.
        id: String,
        /// The closest observation ids.
        nearest: Vec<String>,
    },
    /// An observation the model does not produce.
    #[error(
        "observation `{0}` ({1}) is not something the model produces (`yalu validate` lists those it does)"
    )]
    NotModelled(String, String),
    /// A parameter without a recorded range cannot be sampled.
    #[error(
        "parameter `{0}` has no recorded range (give it `range = [low, high]` in the scenario)"
    )]
    NoRange(String),
    /// Only assumptions with a recorded range are calibrated.
    #[error("`{0}` is not an assumption with a recorded range; only assumptions are calibrated")]
    NotAnAssumption(String),
    /// A number outside what the field admits.
    #[error("expected {expected}, found {found}")]
    OutOfRange {
        /// What the field admits.
        expected: String,
        /// The value given.
        found: String,
    },
    /// A list naming the same thing twice.
    #[error("`{0}` is listed more than once")]
    Repeated(String),
    /// A list that must name at least one thing.
    #[error("expected at least one {0}, found none")]
    NoneListed(&'static str),
    /// A sweep name that cannot name a folder.
    #[error(
        "expected a name of letters, digits, - and _ (it names the output folder), found `{0}`"
    )]
    BadName(String),
    /// A pattern that no replicate of the scenario can measure.
    #[error(
        "{0} is not covered by the scenario (it lacks the channel or period it measures); \
         calibrate against what `yalu validate` reports as covered"
    )]
    UncoveredPattern(String),
    /// Only a calibrated pattern may be fitted: fitting an input is meaningless and fitting
    /// an emergent one would make it calibrated.
    #[error("{0} is {1}; calibrate against calibrated patterns (`yalu validate` lists them)")]
    NotCalibrated(String, &'static str),
    /// The pattern's claim is held out for testing.
    #[error(
        "{0} rests on claim `{1}`, which the series hold out as a test observation; it may not be fitted"
    )]
    TestObservation(String, String),
}

/// Why a sweep file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The file could not be read.
    #[error("cannot read experiment file {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why not.
        source: std::io::Error,
    },
    /// A value is missing, malformed or inconsistent.
    #[error("{file}:{line}:{column}: `{field}`: {problem}")]
    Invalid {
        /// The file, as the caller named it.
        file: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// Dotted field, e.g. `design.samples` or `parameters[1].range` (counted from 0).
        field: String,
        /// What is wrong.
        problem: Problem,
    },
}

/// How the points of a sweep are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignKind {
    /// Every combination of every parameter's `values`; the first parameter varies slowest.
    Grid,
    /// `samples` points over each parameter's `range`, one per stratum, drawn with `seed`.
    LatinHypercube,
    /// Point i takes the i-th of every parameter's `values`.
    List,
}

impl fmt::Display for DesignKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DesignKind::Grid => "grid",
            DesignKind::LatinHypercube => "latin_hypercube",
            DesignKind::List => "list",
        })
    }
}

/// The scenario a sweep varies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioSource {
    /// `scenario = "baseline"`: the built-in baseline.
    Baseline,
    /// Any other text: a scenario file, resolved against the sweep file's folder.
    File(PathBuf),
}

impl From<Option<&Path>> for ScenarioSource {
    /// A scenario file, or the built-in baseline when none is given.
    fn from(path: Option<&Path>) -> ScenarioSource {
        path.map_or(ScenarioSource::Baseline, |p| {
            ScenarioSource::File(p.to_path_buf())
        })
    }
}

impl ScenarioSource {
    /// `baseline`, or a path relative to `base_dir`.
    pub fn relative_to(base_dir: &Path, scenario: &str) -> ScenarioSource {
        match scenario {
            "baseline" => ScenarioSource::Baseline,
            relative => ScenarioSource::File(base_dir.join(relative)),
        }
    }

    /// The scenario an experiment `file` names: `baseline`, or a path relative to the
    /// file's folder.
    pub fn named(file: &Path, scenario: &str) -> ScenarioSource {
        ScenarioSource::relative_to(file.parent().unwrap_or(Path::new("")), scenario)
    }
}

/// One set of parameter values at which the model is run.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Position in the design, from 0; the key of the point in the store.
    pub index: usize,
    /// `(parameter path, value)`, in the order the sweep file lists the parameters.
    pub values: Vec<(String, f64)>,
}

impl Point {
    /// The value of parameter `path` at this point.
    pub fn value(&self, path: &str) -> Option<f64> {
        self.values
            .iter()
            .find(|(name, _)| name == path)
            .map(|&(_, value)| value)
    }

    /// The values as a JSON object (keys sorted), as stored in the `points` table.
    pub(crate) fn values_json(&self) -> serde_json::Value {
        self.values
            .iter()
            .map(|(path, value)| (path.clone(), serde_json::Value::from(*value)))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}

/// A checked sweep: its points are expanded and every parameter path was accepted by the
/// caller's check.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    name: String,
    scenario: ScenarioSource,
    replicates: u32,
    seed: u64,
    metrics: Vec<String>,
    design: DesignKind,
    parameters: Vec<String>,
    points: Vec<Point>,
}

impl SweepSpec {
    /// The sweep's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The scenario it varies.
    pub fn scenario(&self) -> &ScenarioSource {
        &self.scenario
    }

    /// Replicates per point, numbered from 0.
    pub fn replicates(&self) -> u32 {
        self.replicates
    }

    /// The seed every replicate of every point is run with (common random numbers).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The metrics the evaluator must return for every unit, in file order.
    pub fn metrics(&self) -> &[String] {
        &self.metrics
    }

    /// How the points are laid out.
    pub fn design(&self) -> DesignKind {
        self.design
    }

    /// The parameter paths varied, in file order.
    pub fn parameters(&self) -> &[String] {
        &self.parameters
    }

    /// The design points, by index.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// Units of work: points times replicates (checked to fit when the file was parsed).
    pub fn unit_count(&self) -> usize {
        self.points.len() * self.replicates as usize
    }

    /// The `(point, replicate)` units of `shard`, point-major (point 0's replicates first).
    pub fn units(&self, shard: Shard) -> Vec<(usize, u32)> {
        self.points
            .iter()
            .flat_map(|point| (0..self.replicates).map(move |replicate| (point.index, replicate)))
            .enumerate()
            .filter(|(number, _)| number % shard.count == shard.index)
            .map(|(_, unit)| unit)
            .collect()
    }

    /// Everything that determines the results except the scenario text, as canonical JSON
    /// (sorted keys): comments, layout and the way the points were specified do not count,
    /// the points themselves do.
    pub(crate) fn definition_json(&self) -> String {
        serde_json::json!({
            "name": self.name,
            "replicates": self.replicates,
            "seed": self.seed,
            "metrics": self.metrics,
            "points": self.points.iter().map(Point::values_json).collect::<Vec<_>>(),
        })
        .to_string()
    }
}

/// A parsed sweep file whose parameter paths are not yet checked against the scenario.
#[derive(Debug, Clone)]
pub struct SweepFile {
    file: String,
    spec: SweepSpec,
    /// `(line, column)` of each parameter's path, for [`SweepFile::validate`]'s errors.
    path_positions: Vec<(usize, usize)>,
    /// `(line, column)` of each metric, for [`SweepFile::outputs`]' errors.
    metric_positions: Vec<(usize, usize)>,
}

impl SweepFile {
    /// Reads and parses the sweep file at `path`; a relative scenario path is resolved
    /// against its folder.
    pub fn load(path: &Path) -> Result<SweepFile, SpecError> {
        let file = path.display().to_string();
        let text = crate::experiment::read(path)?;
        Self::parse(&file, &text, path.parent().unwrap_or(Path::new("")))
    }

    /// Parses a sweep file's `text`, reporting errors under the name `file` and resolving
    /// a relative scenario path against `base_dir`.
    pub fn parse(file: &str, text: &str, base_dir: &Path) -> Result<SweepFile, SpecError> {
        let at = Locator { file, text };
        let raw: RawFile = at.parse()?;
        let RawSweep {
            name,
            scenario,
            replicates,
            seed,
            metrics,
        } = raw.sweep;
        let name_offset = name.span().start;
        let name = non_empty(&at, name, "sweep.name", "sweep name")?;
        if !valid_name(&name) {
            return Err(at.error(name_offset, "sweep.name", Problem::BadName(name)));
        }
        if *replicates.get_ref() > MAX_REPLICATES {
            return Err(at.error(
                replicates.span().start,
                "sweep.replicates",
                Problem::OutOfRange {
                    expected: format!("at most {MAX_REPLICATES} replicates"),
                    found: replicates.get_ref().to_string(),
                },
            ));
        }
        let scenario = ScenarioSource::relative_to(
            base_dir,
            &non_empty(&at, scenario, "sweep.scenario", "scenario")?,
        );
        if *replicates.get_ref() == 0 {
            return Err(at.error(
                replicates.span().start,
                "sweep.replicates",
                Problem::ZeroReplicates,
            ));
        }
        let metric_positions = metrics
            .get_ref()
            .iter()
            .map(|metric| at.line_column(metric.span().start))
            .collect();
        let metrics = parse_metrics(&at, metrics)?;
        let plan = parse_design(&at, &raw.design)?;
        if raw.parameters.is_empty() {
            return Err(at.error(text.len(), "parameters", Problem::NoParameters));
        }
        let parameters = parse_paths(&at, &raw.parameters)?;
        let expanded = expand(&at, plan, &raw.design, &parameters, &raw.parameters)?;
        if expanded
            .len()
            .checked_mul(*replicates.get_ref() as usize)
            .is_none()
        {
            return Err(at.error(
                replicates.span().start,
                "sweep.replicates",
                DesignError::TooManyPoints.into(),
            ));
        }
        let points = expanded
            .into_iter()
            .enumerate()
            .map(|(index, values)| Point {
                index,
                values: parameters.iter().cloned().zip(values).collect(),
            })
            .collect();
        let path_positions = raw
            .parameters
            .iter()
            .map(|parameter| at.line_column(parameter.path.span().start))
            .collect();
        Ok(SweepFile {
            file: file.to_owned(),
            spec: SweepSpec {
                name,
                scenario,
                replicates: replicates.into_inner(),
                seed,
                metrics,
                design: plan.kind(),
                parameters,
                points,
            },
            path_positions,
            metric_positions,
        })
    }

    /// The metrics as registry outputs; the first id the `catalog` does not know is
    /// reported with its line, column and the nearest valid ids.
    pub fn outputs(&self, catalog: &Catalog) -> Result<OutputSet, SpecError> {
        let metrics = &self.spec.metrics;
        catalog.resolve(metrics).map_err(|unknown| {
            let index = metrics.iter().position(|m| *m == unknown.id).unwrap_or(0);
            let (line, column) = self.metric_positions[index];
            SpecError::Invalid {
                file: self.file.clone(),
                line,
                column,
                field: "sweep.metrics".into(),
                problem: unknown.into(),
            }
        })
    }

    /// The scenario the file names, to be loaded before [`SweepFile::validate`].
    pub fn scenario(&self) -> &ScenarioSource {
        &self.spec.scenario
    }

    /// Checks every parameter path with `check_path` (which knows the scenario's paths and
    /// says why a path is not one of them) and gives the checked spec. The first unknown
    /// path is reported with its line.
    pub fn validate(
        self,
        check_path: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<SweepSpec, SpecError> {
        for (index, (path, &(line, column))) in self
            .spec
            .parameters
            .iter()
            .zip(&self.path_positions)
            .enumerate()
        {
            check_path(path).map_err(|reason| SpecError::Invalid {
                file: self.file.clone(),
                line,
                column,
                field: format!("parameters[{index}].path"),
                problem: Problem::UnknownParameter {
                    path: path.clone(),
                    reason,
                },
            })?;
        }
        Ok(self.spec)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    sweep: RawSweep,
    design: RawDesign,
    #[serde(default)]
    parameters: Vec<RawParameter>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    name: Spanned<String>,
    scenario: Spanned<String>,
    replicates: Spanned<u32>,
    seed: u64,
    metrics: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesign {
    kind: Spanned<String>,
    samples: Option<Spanned<usize>>,
    seed: Option<Spanned<u64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    path: Spanned<String>,
    values: Option<Spanned<Vec<f64>>>,
    range: Option<Spanned<[f64; 2]>>,
}

/// A design kind with the settings only it has.
#[derive(Debug, Clone, Copy)]
enum Plan {
    Grid,
    List,
    LatinHypercube { samples: usize, seed: u64 },
}

impl Plan {
    fn kind(self) -> DesignKind {
        match self {
            Plan::Grid => DesignKind::Grid,
            Plan::List => DesignKind::List,
            Plan::LatinHypercube { .. } => DesignKind::LatinHypercube,
        }
    }
}

/// The file name and text, to turn byte offsets into located errors.
pub(crate) struct Locator<'a> {
    pub(crate) file: &'a str,
    pub(crate) text: &'a str,
}

impl Locator<'_> {
    /// The text as `T`; a schema error is located by the parser's span.
    pub(crate) fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, SpecError> {
        toml::from_str(self.text).map_err(|error| {
            let offset = error.span().map_or(0, |span| span.start);
            let field = self.source().field_at(offset);
            self.error(offset, field, Problem::Schema(error.message().to_owned()))
        })
    }

    pub(crate) fn error(
        &self,
        offset: usize,
        field: impl Into<String>,
        problem: Problem,
    ) -> SpecError {
        let (line, column) = self.line_column(offset);
        SpecError::Invalid {
            file: self.file.to_owned(),
            line,
            column,
            field: field.into(),
            problem,
        }
    }

    /// Line and column, both from 1, of a byte offset.
    pub(crate) fn line_column(&self, offset: usize) -> (usize, usize) {
        self.source().line_column(offset)
    }

    /// The text as the scenario crate's located source, whose locator every file shares
    /// (only built when a problem is reported).
    fn source(&self) -> SourceText {
        SourceText::new(self.file, self.text)
    }
}

/// The longest parameter path (real ones are under 80 characters).
pub const MAX_PATH_LEN: usize = 200;

/// The most replicates per point an experiment file may ask for.
pub const MAX_REPLICATES: u32 = 1_000_000;

/// Whether `name` can name a file or folder: letters, digits, `-` and `_` only (no
/// separators, no `..`), as scenario names.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
}

/// A located error if `ok` is false: `field` must be `expected`, and is `found`.
pub(crate) fn require(
    at: &Locator,
    ok: bool,
    offset: usize,
    field: &str,
    expected: impl Into<String>,
    found: impl std::fmt::Display,
) -> Result<(), SpecError> {
    if ok {
        Ok(())
    } else {
        Err(at.error(
            offset,
            field,
            Problem::OutOfRange {
                expected: expected.into(),
                found: found.to_string(),
            },
        ))
    }
}

/// A located error for an empty list or a repeated item.
pub(crate) fn distinct(
    at: &Locator,
    list: &Spanned<Vec<Spanned<String>>>,
    field: &str,
    what: &'static str,
) -> Result<(), SpecError> {
    let items = list.get_ref();
    if items.is_empty() {
        return Err(at.error(list.span().start, field, Problem::NoneListed(what)));
    }
    for (i, item) in items.iter().enumerate() {
        if items[..i].iter().any(|e| e.get_ref() == item.get_ref()) {
            return Err(at.error(
                item.span().start,
                field,
                Problem::Repeated(item.get_ref().clone()),
            ));
        }
    }
    Ok(())
}

fn non_empty(
    at: &Locator,
    text: Spanned<String>,
    field: &str,
    what: &'static str,
) -> Result<String, SpecError> {
    if text.get_ref().trim().is_empty() {
        Err(at.error(text.span().start, field, Problem::Empty(what)))
    } else {
        Ok(text.into_inner())
    }
}

fn parse_metrics(
    at: &Locator,
    metrics: Spanned<Vec<Spanned<String>>>,
) -> Result<Vec<String>, SpecError> {
    if metrics.get_ref().is_empty() {
        return Err(at.error(metrics.span().start, "sweep.metrics", Problem::NoMetrics));
    }
    let mut names: Vec<String> = Vec::with_capacity(metrics.get_ref().len());
    for metric in metrics.into_inner() {
        let offset = metric.span().start;
        let name = non_empty(at, metric, "sweep.metrics", "metric name")?;
        if names.contains(&name) {
            return Err(at.error(offset, "sweep.metrics", Problem::DuplicateMetric(name)));
        }
        names.push(name);
    }
    Ok(names)
}

fn parse_design(at: &Locator, design: &RawDesign) -> Result<Plan, SpecError> {
    let kind_offset = design.kind.span().start;
    let plan = match design.kind.get_ref().as_str() {
        "grid" => Plan::Grid,
        "list" => Plan::List,
        "latin_hypercube" => {
            let samples = design.samples.as_ref().ok_or_else(|| {
                at.error(
                    kind_offset,
                    "design.samples",
                    Problem::Missing("`samples = N`, the number of points to draw"),
                )
            })?;
            let seed = design.seed.as_ref().ok_or_else(|| {
                at.error(
                    kind_offset,
                    "design.seed",
                    Problem::Missing("`seed = N`, the seed the points are drawn with"),
                )
            })?;
            if *samples.get_ref() == 0 {
                return Err(at.error(samples.span().start, "design.samples", Problem::ZeroSamples));
            }
            return Ok(Plan::LatinHypercube {
                samples: *samples.get_ref(),
                seed: *seed.get_ref(),
            });
        }
        other => {
            return Err(at.error(
                kind_offset,
                "design.kind",
                Problem::UnknownDesignKind(other.to_owned()),
            ));
        }
    };
    // Only a Latin hypercube draws: `samples` or `seed` elsewhere is a mistake, not a no-op.
    let not_for_design = |field: &str, offset: usize| {
        at.error(
            offset,
            field,
            Problem::NotForDesign {
                kind: plan.kind(),
                expected: "only `kind` in [design]",
            },
        )
    };
    if let Some(samples) = &design.samples {
        return Err(not_for_design("design.samples", samples.span().start));
    }
    if let Some(seed) = &design.seed {
        return Err(not_for_design("design.seed", seed.span().start));
    }
    Ok(plan)
}

/// The parameter paths, each non-empty and given once.
fn parse_paths(at: &Locator, parameters: &[RawParameter]) -> Result<Vec<String>, SpecError> {
    let mut first_lines: HashMap<&str, usize> = HashMap::new();
    let mut paths = Vec::with_capacity(parameters.len());
    for (index, parameter) in parameters.iter().enumerate() {
        let field = format!("parameters[{index}].path");
        let offset = parameter.path.span().start;
        let path = non_empty(at, parameter.path.clone(), &field, "parameter path")?;
        // Every point carries its paths: a long one multiplies memory by the points.
        if path.len() > MAX_PATH_LEN {
            return Err(at.error(
                offset,
                field,
                Problem::OutOfRange {
                    expected: format!("a parameter path of at most {MAX_PATH_LEN} characters"),
                    found: format!("{} characters", path.len()),
                },
            ));
        }
        let (line, _) = at.line_column(offset);
        if let Some(&first_line) = first_lines.get(path.as_str()) {
            return Err(at.error(offset, field, Problem::DuplicatePath { path, first_line }));
        }
        first_lines.insert(parameter.path.get_ref(), line);
        paths.push(path);
    }
    Ok(paths)
}

/// Each parameter's `values`, for a grid or a list.
fn listed_values<'a>(
    at: &Locator,
    kind: DesignKind,
    parameters: &'a [RawParameter],
) -> Result<Vec<&'a Spanned<Vec<f64>>>, SpecError> {
    const EXPECTED: &str = "`values = [v1, v2, ...]`";
    parameters
        .iter()
        .enumerate()
        .map(|(index, parameter)| {
            if let Some(range) = &parameter.range {
                return Err(at.error(
                    range.span().start,
                    format!("parameters[{index}].range"),
                    Problem::NotForDesign {
                        kind,
                        expected: EXPECTED,
                    },
                ));
            }
            let field = format!("parameters[{index}].values");
            let values = parameter.values.as_ref().ok_or_else(|| {
                at.error(
                    parameter.path.span().start,
                    field.clone(),
                    Problem::Missing(EXPECTED),
                )
            })?;
            let offset = values.span().start;
            if values.get_ref().is_empty() {
                return Err(at.error(offset, field, Problem::EmptyValues));
            }
            match values.get_ref().iter().find(|value| !value.is_finite()) {
                Some(&value) => Err(at.error(offset, field, Problem::NonFinite(value))),
                None => Ok(values),
            }
        })
        .collect()
}

/// The design's points, each with one value per parameter in file order.
fn expand(
    at: &Locator,
    plan: Plan,
    design: &RawDesign,
    paths: &[String],
    parameters: &[RawParameter],
) -> Result<Vec<Vec<f64>>, SpecError> {
    let points = match plan {
        Plan::Grid => {
            let values = listed_values(at, DesignKind::Grid, parameters)?;
            full_factorial(&values.iter().map(|v| v.get_ref()).collect::<Vec<_>>())
        }
        Plan::List => {
            return list_points(at, paths, &listed_values(at, DesignKind::List, parameters)?);
        }
        Plan::LatinHypercube { samples, seed } => {
            latin_hypercube(&lhs_ranges(at, parameters)?, samples, seed)
        }
    };
    points.map_err(|error| at.error(design.kind.span().start, "design", error.into()))
}

/// Point i of a list design: the i-th value of every parameter, once all have as many.
fn list_points(
    at: &Locator,
    paths: &[String],
    values: &[&Spanned<Vec<f64>>],
) -> Result<Vec<Vec<f64>>, SpecError> {
    let expected = values.first().map_or(0, |first| first.get_ref().len());
    if let Some((index, mismatched)) = values
        .iter()
        .enumerate()
        .find(|(_, values)| values.get_ref().len() != expected)
    {
        return Err(at.error(
            mismatched.span().start,
            format!("parameters[{index}].values"),
            Problem::UnequalLengths {
                expected,
                found: mismatched.get_ref().len(),
                first_path: paths.first().cloned().unwrap_or_default(),
            },
        ));
    }
    Ok((0..expected)
        .map(|row| values.iter().map(|column| column.get_ref()[row]).collect())
        .collect())
}

/// Each parameter's `range`, for a Latin hypercube.
fn lhs_ranges(at: &Locator, parameters: &[RawParameter]) -> Result<Vec<ParameterRange>, SpecError> {
    const EXPECTED: &str = "`range = [min, max]`";
    parameters
        .iter()
        .enumerate()
        .map(|(index, parameter)| {
            if let Some(values) = &parameter.values {
                return Err(at.error(
                    values.span().start,
                    format!("parameters[{index}].values"),
                    Problem::NotForDesign {
                        kind: DesignKind::LatinHypercube,
                        expected: EXPECTED,
                    },
                ));
            }
            let field = format!("parameters[{index}].range");
            let range = parameter.range.as_ref().ok_or_else(|| {
                at.error(
                    parameter.path.span().start,
                    field.clone(),
                    Problem::Missing(EXPECTED),
                )
            })?;
            let [min, max] = *range.get_ref();
            ParameterRange::new(parameter.path.get_ref().clone(), min, max)
                .map_err(|error| at.error(range.span().start, field, error.into()))
        })
        .collect()
}

/// A deterministic share of a sweep's units, for running one sweep as several jobs (a
/// Slurm job array, say), each into its own store, merged afterwards
/// ([`crate::store::merge`]). Units are numbered point-major (`point * replicates +
/// replicate`) and unit u belongs to shard `u mod count`, so every shard gets points from
/// across the design and the shards together hold every unit once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which share, from 0.
    index: usize,
    /// How many shares.
    count: usize,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Share `number` (from 1, as Slurm's array task ids usually are) of `count`.
    pub fn new(number: usize, count: usize) -> Result<Shard, String> {
        if count == 0 || number == 0 || number > count {
            return Err(format!(
                "expected a shard K/N with 1 <= K <= N, found {number}/{count}"
            ));
        }
        Ok(Shard {
            index: number - 1,
            count,
        })
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N`, e.g. `3/8`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let parse = |part: &str| {
            part.trim()
                .parse::<usize>()
                .map_err(|_| format!("expected a shard K/N such as 3/8, found `{text}`"))
        };
        let (number, count) = text
            .split_once('/')
            .ok_or_else(|| format!("expected a shard K/N such as 3/8, found `{text}`"))?;
        Shard::new(parse(number)?, parse(count)?)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index + 1, self.count)
    }
}

/// One unit's metrics as `(name, value)`, as the evaluator returns them.
pub type Metrics = Vec<(String, f64)>;

/// What [`run_sweep`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepSummary {
    /// Units in the sweep (points times replicates), or in the shard run.
    pub total_units: usize,
    /// Units found already done in the store, and skipped.
    pub already_done: usize,
    /// Units run and written by this call.
    pub ran: usize,
}

/// Why a sweep stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// Why not.
        source: rayon::ThreadPoolBuildError,
    },
    /// The store was opened for another sweep spec than the one given.
    #[error("the store {} was opened for another sweep spec than this one", .store.display())]
    StoreMismatch {
        /// The store's file.
        store: PathBuf,
    },
    /// The evaluator failed.
    #[error("point {point}, replicate {replicate}: {source}")]
    Evaluate {
        /// Point index.
        point: usize,
        /// Replicate number.
        replicate: u32,
        /// The evaluator's error.
        source: Box<dyn Error + Send + Sync>,
    },
    /// The evaluator did not return exactly the sweep's metrics.
    #[error(
        "point {point}, replicate {replicate}: expected the metrics [{}], each once; the \
         evaluator returned [{}]",
        .expected.join(", "),
        .found.join(", ")
    )]
    WrongMetrics {
        /// Point index.
        point: usize,
        /// Replicate number.
        replicate: u32,
        /// The sweep's metrics.
        expected: Vec<String>,
        /// The names returned.
        found: Vec<String>,
    },
    /// The evaluator returned an infinite or NaN value.
    #[error(
        "point {point}, replicate {replicate}: expected a finite value of `{metric}`, found \
         {value}"
    )]
    NonFiniteMetric {
        /// Point index.
        point: usize,
        /// Replicate number.
        replicate: u32,
        /// The metric.
        metric: String,
        /// The value.
        value: f64,
    },
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One unit's outcome, sent from a worker to the thread that writes the store.
struct Finished {
    point: usize,
    replicate: u32,
    outcome: Result<Metrics, SweepError>,
}

/// Runs every (point, replicate) of `spec`'s `shard` ([`Shard::ALL`]: every unit) that
/// `store` does not yet hold, on a rayon pool of `threads` threads (0: one per core), and
/// commits each unit's metrics as soon as it finishes, so a rerun after an interruption
/// skips the finished units.
///
/// `evaluate(point, replicate, seed)` runs one replicate at one point and returns every
/// metric of the spec, each once, with finite values. `seed` is the sweep's seed for every
/// point, so replicate r of every point sees the same random numbers. Workers only compute:
/// the calling thread, which holds the store, does all the writing, so SQLite has a single
/// writer and the stored results do not depend on `threads`.
///
/// `on_progress(done, total)` is called on the calling thread once at the start, with the
/// units already done, and again after each unit is committed.
///
/// On the first error (from `evaluate`, a wrong metric set or the store) no new unit is
/// started; units already running are still committed if they succeed, and the first
/// error is returned. A panic in `evaluate` is propagated once the workers have stopped;
/// units committed before it stay committed.
pub fn run_sweep<E>(
    spec: &SweepSpec,
    store: &mut SweepStore,
    evaluate: &(dyn Fn(&Point, u32, u64) -> Result<Metrics, E> + Sync),
    threads: usize,
    shard: Shard,
    on_progress: &mut dyn FnMut(usize, usize),
) -> Result<SweepSummary, SweepError>
where
    E: Into<Box<dyn Error + Send + Sync>>,
{
    let (todo, mut summary) = todo(spec, store, shard)?;
    let todo: Vec<(&Point, u32)> = todo
        .into_iter()
        .map(|(point, replicate)| (&spec.points[point], replicate))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| SweepError::ThreadPool { threads, source })?;
    let total = summary.total_units;
    on_progress(summary.already_done, total);
    let expected = MetricCheck::new(spec);

    let (sender, receiver) = mpsc::channel::<Finished>();
    let mut first_error = None;
    thread::scope(|scope| {
        scope.spawn(|| {
            pool.install(|| {
                todo.into_par_iter()
                    .try_for_each_with(sender, |sender, (point, replicate)| {
                        let outcome = evaluate(point, replicate, spec.seed)
                            .map_err(|source| SweepError::Evaluate {
                                point: point.index,
                                replicate,
                                source: source.into(),
                            })
                            .and_then(|metrics| expected.check(point.index, replicate, metrics));
                        let failed = outcome.is_err();
                        let finished = Finished {
                            point: point.index,
                            replicate,
                            outcome,
                        };
                        // A closed channel means the writer has stopped: stop too.
                        sender.send(finished).map_err(drop)?;
                        if failed { Err(()) } else { Ok(()) }
                    })
            })
        });
        // Ends when every worker has finished and dropped its sender.
        for finished in receiver {
            let written = finished.outcome.and_then(|metrics| {
                store
                    .record(finished.point, finished.replicate, &metrics)
                    .map_err(SweepError::from)
            });
            match written {
                Ok(()) => {
                    summary.ran += 1;
                    on_progress(summary.already_done + summary.ran, total);
                }
                Err(error) => {
                    let store_failed = matches!(error, SweepError::Store(_));
                    first_error.get_or_insert(error);
                    if store_failed {
                        // Dropping the receiver makes the workers' next send fail.
                        break;
                    }
                }
            }
        }
    });
    match first_error {
        Some(error) => Err(error),
        None => Ok(summary),
    }
}

/// The units of `shard` that `store` does not hold yet, and the counts so far; refuses a
/// store made for another spec.
pub(crate) fn todo(
    spec: &SweepSpec,
    store: &SweepStore,
    shard: Shard,
) -> Result<(Vec<(usize, u32)>, SweepSummary), SweepError> {
    if store.definition() != spec.definition_json() {
        return Err(SweepError::StoreMismatch {
            store: store.path().to_owned(),
        });
    }
    let done: HashSet<(usize, u32)> = store.done_units()?.into_iter().collect();
    let units = spec.units(shard);
    let total_units = units.len();
    let todo: Vec<(usize, u32)> = units
        .into_iter()
        .filter(|unit| !done.contains(unit))
        .collect();
    let summary = SweepSummary {
        total_units,
        already_done: total_units - todo.len(),
        ran: 0,
    };
    Ok((todo, summary))
}

/// Checks that a unit's metrics are the spec's, each once, with finite values.
pub(crate) struct MetricCheck<'a> {
    spec: &'a SweepSpec,
    /// The spec's metric names, sorted.
    sorted: Vec<&'a str>,
}

impl<'a> MetricCheck<'a> {
    pub(crate) fn new(spec: &'a SweepSpec) -> MetricCheck<'a> {
        let mut sorted: Vec<&str> = spec.metrics.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        MetricCheck { spec, sorted }
    }

    /// `metrics` if it names every metric of the spec once with finite values.
    pub(crate) fn check(
        &self,
        point: usize,
        replicate: u32,
        metrics: Metrics,
    ) -> Result<Metrics, SweepError> {
        let mut found: Vec<&str> = metrics.iter().map(|(name, _)| name.as_str()).collect();
        found.sort_unstable();
        if found != self.sorted {
            return Err(SweepError::WrongMetrics {
                point,
                replicate,
                expected: self.spec.metrics.clone(),
                found: metrics.into_iter().map(|(name, _)| name).collect(),
            });
        }
        if let Some((metric, value)) = metrics.iter().find(|(_, value)| !value.is_finite()) {
            return Err(SweepError::NonFiniteMetric {
                point,
                replicate,
                metric: metric.clone(),
                value: *value,
            });
        }
        Ok(metrics)
    }
}

/// One metric at one point, over its replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSummary {
    /// Point index.
    pub point: usize,
    /// Metric name.
    pub metric: String,
    /// Replicates summarised.
    pub replicates: usize,
    /// Mean over replicates.
    pub mean: f64,
    /// 5th percentile.
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// The `sweep_summary` table of `rows`: point, metric, replicates, mean, p05, p50, p95.
pub fn summary_table(rows: &[MetricSummary]) -> Table {
    let number = |f: fn(&MetricSummary) -> f64| ColumnData::Float(rows.iter().map(f).collect());
    Table {
        columns: vec![
            (
                "point",
                ColumnData::Int(rows.iter().map(|r| r.point as i64).collect()),
            ),
            (
                "metric",
                ColumnData::Text(rows.iter().map(|r| r.metric.clone()).collect()),
            ),
            (
                "replicates",
                ColumnData::Int(rows.iter().map(|r| r.replicates as i64).collect()),
            ),
            ("mean", number(|r| r.mean)),
            ("p05", number(|r| r.p05)),
            ("p50", number(|r| r.p50)),
            ("p95", number(|r| r.p95)),
        ],
    }
}

/// Summarises `rows` (as from [`SweepStore::results`]) per point and metric, sorted by
/// point then metric. Percentiles interpolate linearly between order statistics (type 7 of
/// Hyndman and Fan, the default of R and numpy).
pub fn summarize(rows: &[ResultRow]) -> Vec<MetricSummary> {
    let mut groups: BTreeMap<(usize, &str), Vec<f64>> = BTreeMap::new();
    for row in rows {
        groups
            .entry((row.point, row.metric.as_str()))
            .or_default()
            .push(row.value);
    }
    groups
        .into_iter()
        .map(|((point, metric), mut values)| {
            values.sort_by(f64::total_cmp);
            MetricSummary {
                point,
                metric: metric.to_owned(),
                replicates: values.len(),
                mean: values.iter().sum::<f64>() / values.len() as f64,
                p05: quantile_of_sorted(&values, 0.05),
                p50: quantile_of_sorted(&values, 0.5),
                p95: quantile_of_sorted(&values, 0.95),
            }
        })
        .collect()
}

//! `yalu compare`, `yalu sweep` and `yalu sensitivity`: experiments over scenarios whose
//! outputs are the headline figures `yalu run` prints (named exactly as printed).

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;
use yalu_lab::compare::{Difference, compare as compare_runs};
use yalu_lab::design::{ParameterRange, morris, saltelli};
use yalu_lab::sensitivity::{BootstrapConfig, morris_effects, sobol_indices};
use yalu_lab::store::SweepStore;
use yalu_lab::sweep::{ScenarioSource, SweepFile, run_sweep, summarize};
use yalu_lab::{EnsembleSpec, thread_pool};
use yalu_model::{ModelParams, ReplicateResult, run_replicate};
use yalu_report::headlines;
use yalu_report::table::{ColumnData, Table};
use yalu_scenario::overrides::{check_path, with_values};
use yalu_scenario::{BASELINE, Evidence, Registry, SourceText};

use crate::{Failure, load, print, progress_bar};

/// Problems with an experiment file or its requests.
#[derive(Debug, thiserror::Error)]
enum ExperimentError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error(
        "{file}: unknown output `{name}`; the outputs are the figures `yalu run` prints, e.g. {examples}"
    )]
    UnknownOutput {
        file: String,
        name: String,
        examples: String,
    },
    #[error(
        "{file}: parameter `{path}` has no recorded range (give it `range = [low, high]` in the scenario)"
    )]
    NoRange { file: String, path: String },
    #[error("{file}: {source}")]
    Parameter {
        file: String,
        source: yalu_scenario::overrides::OverrideError,
    },
    #[error("{file}: {problem}")]
    Design { file: String, problem: String },
}

/// The named figures of one replicate, for the outputs asked for; a money or goods figure
/// absent from a replicate is zero (nothing moved).
fn outputs_of(
    params: &ModelParams,
    result: &ReplicateResult,
    names: &[String],
) -> Vec<(String, f64)> {
    let all = headlines(params, result);
    names
        .iter()
        .map(|name| {
            let value = all
                .iter()
                .find(|h| &h.name == name)
                .map_or(0.0, |h| h.value);
            (name.clone(), value)
        })
        .collect()
}

/// Checks requested output names against a trial replicate of the scenario.
fn check_outputs(file: &str, params: &ModelParams, names: &[String]) -> Result<(), Failure> {
    let trial = run_replicate(params, 0, 0).map_err(Failure::run)?;
    let known = headlines(params, &trial);
    for name in names {
        if !known.iter().any(|h| &h.name == name) {
            let examples = known
                .iter()
                .filter(|h| !h.name.contains("->"))
                .take(6)
                .map(|h| format!("\"{}\"", h.name))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Failure::bad_input(ExperimentError::UnknownOutput {
                file: file.to_owned(),
                name: name.clone(),
                examples,
            }));
        }
    }
    Ok(())
}

/// Writes `<name>.csv` and `<name>.parquet` into `dir` under temporary names first, so a
/// failed write never leaves a partial table behind.
fn write_table(table: &Table, dir: &Path, name: &str) -> Result<(), Failure> {
    let temporary = dir.join(format!(".{name}.partial-{}", std::process::id()));
    std::fs::create_dir_all(&temporary).map_err(Failure::run)?;
    let written = table
        .write(&temporary, name)
        .map_err(Failure::run)
        .and_then(|()| {
            for extension in ["csv", "parquet"] {
                let file = format!("{name}.{extension}");
                std::fs::rename(temporary.join(&file), dir.join(&file)).map_err(Failure::run)?;
            }
            Ok(())
        });
    let _ = std::fs::remove_dir_all(&temporary);
    written
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Scenario A (the reference).
    a: PathBuf,
    /// Scenario B (the alternative).
    b: PathBuf,
    /// Replicate pairs.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    replicates: u32,
    /// Master seed (default: A's seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Give B independent random streams instead of common ones (to see what CRN buys).
    #[arg(long)]
    independent: bool,
    /// Output folder for compare.csv.
    #[arg(long, default_value = "out/compare")]
    out: PathBuf,
}

pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let a = load(Some(&args.a), &registry)?.scenario;
    let b = load(Some(&args.b), &registry)?.scenario;
    let spec = EnsembleSpec {
        seed: args.seed.unwrap_or(a.seed),
        replicates: args.replicates,
        threads: args.threads,
    };
    let progress = progress_bar(u64::from(args.replicates), "replicate pairs");
    let metrics = |params: &ModelParams, result: &ReplicateResult| {
        headlines(params, result)
            .into_iter()
            .map(|h| (h.name, h.value))
            .collect()
    };
    let differences = compare_runs(
        &a.params,
        &b.params,
        spec,
        !args.independent,
        &metrics,
        &|| progress.inc(1),
    )
    .map_err(Failure::run)?;
    progress.finish_and_clear();
    write_table(&compare_table(&differences), &args.out, "compare")?;
    let mut text = format!(
        "{} vs {}: {} replicate pairs, {} random numbers\n{:<70} {:>16} {:>16} {:>16}  90% interval of B - A\n",
        a.name,
        b.name,
        args.replicates,
        if args.independent {
            "independent"
        } else {
            "common"
        },
        "figure",
        "A",
        "B",
        "B - A"
    );
    for d in differences
        .iter()
        .filter(|d| d.mean_difference != 0.0 && !d.metric.contains("->"))
    {
        text.push_str(&format!(
            "{:<70} {:>16.3} {:>16.3} {:>16.3}  [{:.3}, {:.3}]\n",
            d.metric, d.mean_a, d.mean_b, d.mean_difference, d.difference_p05, d.difference_p95
        ));
    }
    text.push_str(&format!(
        "All figures, money flows included: {}\n",
        args.out.join("compare.csv").display()
    ));
    print(&text)
}

fn compare_table(differences: &[Difference]) -> Table {
    let number = |f: fn(&Difference) -> f64| ColumnData::Float(differences.iter().map(f).collect());
    Table {
        columns: vec![
            (
                "metric",
                ColumnData::Text(differences.iter().map(|d| d.metric.clone()).collect()),
            ),
            (
                "replicates",
                ColumnData::Int(differences.iter().map(|d| d.replicates as i64).collect()),
            ),
            ("mean_a", number(|d| d.mean_a)),
            ("mean_b", number(|d| d.mean_b)),
            ("mean_difference", number(|d| d.mean_difference)),
            ("difference_p05", number(|d| d.difference_p05)),
            ("difference_p95", number(|d| d.difference_p95)),
        ],
    }
}

/// The text of a scenario an experiment names: the baseline or a file.
fn scenario_text(source: &ScenarioSource) -> Result<SourceText, Failure> {
    match source {
        ScenarioSource::Baseline => Ok(SourceText::new("<baseline>", BASELINE)),
        ScenarioSource::File(path) => Ok(load_text(path)?),
    }
}

/// The scenario an experiment file names: `baseline`, or a path relative to the file.
pub(crate) fn experiment_scenario(file: &Path, scenario: &str) -> Result<SourceText, Failure> {
    if scenario == "baseline" {
        Ok(SourceText::new("<baseline>", BASELINE))
    } else {
        load_text(&file.parent().unwrap_or(Path::new(".")).join(scenario))
    }
}

fn load_text(path: &Path) -> Result<SourceText, Failure> {
    let text = std::fs::read_to_string(path).map_err(|source| {
        Failure::from(yalu_scenario::LoadError::Read {
            path: path.display().to_string(),
            source,
        })
    })?;
    Ok(SourceText::new(path.display().to_string(), text))
}

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The sweep file.
    file: PathBuf,
    /// Output folder holding sweep.sqlite and the summary (default: out/sweep-<name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let file = SweepFile::load(&args.file).map_err(Failure::bad_input)?;
    let text = scenario_text(file.scenario())?;
    let spec = file
        .validate(&|path| check_path(&text, path).map_err(|e| e.to_string()))
        .map_err(Failure::bad_input)?;
    let base = yalu_scenario::Scenario::parse(&text, &registry)
        .map_err(|e| Failure::from(yalu_scenario::LoadError::from(e)))?;
    check_outputs(
        &args.file.display().to_string(),
        &base.params,
        spec.metrics(),
    )?;
    // Every point must make a valid scenario; check them before running any.
    let mut point_params = Vec::with_capacity(spec.points().len());
    for point in spec.points() {
        let scenario = with_values(&text, &point.values, &registry).map_err(|source| {
            Failure::bad_input(ExperimentError::Parameter {
                file: args.file.display().to_string(),
                source,
            })
        })?;
        point_params.push(scenario.params);
    }
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(format!("sweep-{}", spec.name())));
    std::fs::create_dir_all(&out).map_err(Failure::run)?;
    let mut store = SweepStore::open(&out, &spec, &text.text).map_err(Failure::bad_input)?;
    let progress = progress_bar(spec.unit_count() as u64, "runs");
    let evaluate = |point: &yalu_lab::sweep::Point, replicate: u32, seed: u64| {
        let params = &point_params[point.index];
        run_replicate(params, seed, replicate).map(|r| outputs_of(params, &r, spec.metrics()))
    };
    let summary = run_sweep(
        &spec,
        &mut store,
        &evaluate,
        args.threads,
        &mut |done, total| {
            progress.set_length(total as u64);
            progress.set_position(done as u64);
        },
    )
    .map_err(Failure::run)?;
    progress.finish_and_clear();
    let rows = summarize(&store.results().map_err(Failure::run)?);
    let number = |f: fn(&yalu_lab::sweep::MetricSummary) -> f64| {
        ColumnData::Float(rows.iter().map(f).collect())
    };
    let table = Table {
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
    };
    let (mut point, mut parameter, mut value) = (Vec::new(), Vec::new(), Vec::new());
    for p in spec.points() {
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
    write_table(&points, &out, "sweep_points")?;
    write_table(&table, &out, "sweep_summary")?;
    print(&format!(
        "Sweep {}: {} points x {} replicates; {} runs were already done, {} ran now.\nResults: {} (SQLite) and {}\n",
        spec.name(),
        spec.points().len(),
        spec.replicates(),
        summary.already_done,
        summary.ran,
        store.path().display(),
        out.join("sweep_summary.csv").display()
    ))
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Method {
    Morris,
    Sobol,
}

#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// The sensitivity file.
    file: PathBuf,
    /// Method.
    #[arg(long, value_enum, default_value_t = Method::Morris)]
    method: Method,
    /// Output folder for sensitivity.csv (default: out/sensitivity-<method>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SensitivityFile {
    sensitivity: SensitivityCommon,
    #[serde(default)]
    morris: MorrisSettings,
    #[serde(default)]
    sobol: SobolSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SensitivityCommon {
    /// `baseline` or a path relative to the file.
    scenario: String,
    parameters: Vec<String>,
    outputs: Vec<String>,
    #[serde(default = "one")]
    replicates: u32,
    seed: u64,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// An experiment file's problem, naming the file.
pub(crate) fn invalid(file: &Path, message: impl Into<String>) -> Failure {
    Failure::bad_input(ExperimentError::Invalid {
        file: file.display().to_string(),
        message: message.into(),
    })
}

/// Reads and parses an experiment file (unknown fields are refused by its types).
pub(crate) fn read_experiment<T: serde::de::DeserializeOwned>(file: &Path) -> Result<T, Failure> {
    let raw = std::fs::read_to_string(file).map_err(|e| invalid(file, e.to_string()))?;
    toml::from_str(&raw).map_err(|e| invalid(file, e.to_string()))
}

pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let file_name = args.file.display().to_string();
    let bad = |message: String| invalid(&args.file, message);
    let file: SensitivityFile = read_experiment(&args.file)?;
    let common = &file.sensitivity;
    let text = experiment_scenario(&args.file, &common.scenario)?;
    let base = yalu_scenario::Scenario::parse(&text, &registry)
        .map_err(|e| Failure::from(yalu_scenario::LoadError::from(e)))?;
    check_outputs(&file_name, &base.params, &common.outputs)?;
    if common.replicates == 0 || common.parameters.is_empty() {
        return Err(bad(
            "expected at least one parameter and at least one replicate".into(),
        ));
    }
    let mut ranges = Vec::new();
    for path in &common.parameters {
        check_path(&text, path).map_err(|source| {
            Failure::bad_input(ExperimentError::Parameter {
                file: file_name.clone(),
                source,
            })
        })?;
        let range = base
            .parameters
            .iter()
            .find(|p| &p.path == path)
            .and_then(|p| match &p.evidence {
                Evidence::Assumption { range, .. } | Evidence::Source { range, .. } => *range,
            });
        let [low, high] = range.ok_or_else(|| {
            Failure::bad_input(ExperimentError::NoRange {
                file: file_name.clone(),
                path: path.clone(),
            })
        })?;
        ranges.push(ParameterRange::new(path.clone(), low, high).map_err(|e| {
            Failure::bad_input(ExperimentError::Design {
                file: file_name.clone(),
                problem: e.to_string(),
            })
        })?);
    }
    let design_error = |e: &dyn std::fmt::Display| {
        Failure::bad_input(ExperimentError::Design {
            file: file_name.clone(),
            problem: e.to_string(),
        })
    };
    let points: Vec<Vec<f64>> = match args.method {
        Method::Morris => morris(
            &ranges,
            file.morris.trajectories,
            file.morris.levels,
            common.seed,
        )
        .map_err(|e| design_error(&e))?
        .points()
        .to_vec(),
        Method::Sobol => saltelli(&ranges, file.sobol.base_samples, common.seed)
            .map_err(|e| design_error(&e))?
            .points()
            .to_vec(),
    };
    // Outputs of every point: the mean over replicates of each requested figure.
    let progress = progress_bar(points.len() as u64, "points");
    let pool = thread_pool(args.threads).map_err(Failure::run)?;
    let evaluated: Result<Vec<Vec<f64>>, Failure> = pool.install(|| {
        points
            .par_iter()
            .map(|values| {
                let assignments: Vec<(String, f64)> = common
                    .parameters
                    .iter()
                    .cloned()
                    .zip(values.iter().copied())
                    .collect();
                let scenario = with_values(&text, &assignments, &registry).map_err(|source| {
                    Failure::bad_input(ExperimentError::Parameter {
                        file: file_name.clone(),
                        source,
                    })
                })?;
                let mut sums = vec![0.0; common.outputs.len()];
                for replicate in 0..common.replicates {
                    let result = run_replicate(&scenario.params, common.seed, replicate)
                        .map_err(Failure::run)?;
                    for (sum, (_, v)) in
                        sums.iter_mut()
                            .zip(outputs_of(&scenario.params, &result, &common.outputs))
                    {
                        *sum += v / f64::from(common.replicates);
                    }
                }
                progress.inc(1);
                Ok(sums)
            })
            .collect()
    });
    let evaluated = evaluated?;
    progress.finish_and_clear();

    let mut rows = SensitivityRows::default();
    for (o, output) in common.outputs.iter().enumerate() {
        let outputs: Vec<f64> = evaluated.iter().map(|v| v[o]).collect();
        match args.method {
            Method::Morris => {
                let design = morris(
                    &ranges,
                    file.morris.trajectories,
                    file.morris.levels,
                    common.seed,
                )
                .map_err(|e| design_error(&e))?;
                for e in morris_effects(&design, &outputs).map_err(Failure::run)? {
                    rows.push(
                        output,
                        &e.name,
                        [("mu", e.mu), ("mu_star", e.mu_star), ("sigma", e.sigma)],
                    );
                }
            }
            Method::Sobol => {
                let design = saltelli(&ranges, file.sobol.base_samples, common.seed)
                    .map_err(|e| design_error(&e))?;
                let bootstrap = BootstrapConfig {
                    resamples: file.sobol.bootstrap_resamples,
                    confidence_level: file.sobol.confidence_level,
                    seed: common.seed,
                };
                for s in sobol_indices(&design, &outputs, &bootstrap).map_err(Failure::run)? {
                    rows.push(
                        output,
                        &s.name,
                        [
                            ("first_order", s.first_order.value),
                            ("first_order_low", s.first_order.low),
                            ("first_order_high", s.first_order.high),
                        ],
                    );
                    rows.push(
                        output,
                        &s.name,
                        [
                            ("total_order", s.total_order.value),
                            ("total_order_low", s.total_order.low),
                            ("total_order_high", s.total_order.high),
                        ],
                    );
                }
            }
        }
    }
    let method = match args.method {
        Method::Morris => "morris",
        Method::Sobol => "sobol",
    };
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(format!("sensitivity-{method}")));
    let rendered = rows.render();
    write_table(&rows.into_table(), &out, "sensitivity")?;
    print(&format!(
        "{method} sensitivity over {} parameters, {} model points x {} replicates\n{rendered}Written to {}\n",
        ranges.len(),
        points.len(),
        common.replicates,
        out.join("sensitivity.csv").display()
    ))
}

/// Long rows: output, parameter, statistic, value.
#[derive(Default)]
struct SensitivityRows {
    output: Vec<String>,
    parameter: Vec<String>,
    statistic: Vec<String>,
    value: Vec<f64>,
}

impl SensitivityRows {
    fn push<const N: usize>(&mut self, output: &str, parameter: &str, stats: [(&str, f64); N]) {
        for (statistic, value) in stats {
            self.output.push(output.to_owned());
            self.parameter.push(parameter.to_owned());
            self.statistic.push(statistic.to_owned());
            self.value.push(value);
        }
    }

    fn render(&self) -> String {
        let mut text = String::new();
        for i in 0..self.value.len() {
            text.push_str(&format!(
                "{:<45} {:<45} {:<18} {:>14.4}\n",
                self.output[i], self.parameter[i], self.statistic[i], self.value[i]
            ));
        }
        text
    }

    fn into_table(self) -> Table {
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

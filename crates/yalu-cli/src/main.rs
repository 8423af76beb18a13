//! The `yalu` command: parses arguments and calls the library crates, one function per
//! subcommand. Exit codes: 0 on success, 2 for bad input (arguments, scenario, sweep or
//! sensitivity files), 1 when a run fails or a validated pattern misses.

mod experiments;
mod info;
mod run;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use yalu_lab::budget::{self, DEFAULT_MAX_WORK, Work};
use yalu_lab::experiment::{ExperimentError, load_scenario};
use yalu_lab::sweep::ScenarioSource;
use yalu_lab::{EnsembleSpec, said_once};
use yalu_model::ModelParams;
use yalu_scenario::{Format, LoadError, Registry, Scenario, SourceText};

// A run builds and drops many small tables and strings per replicate on every worker;
// mimalloc's per-thread heaps serve them with far less time in the allocator than glibc's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  yalu                                     run the built-in baseline (2017-2025) once
  yalu run --replicates 100 --threads 2    100 replicates with 5-95% bands, in out/baseline
  yalu run --replicates 20 --window 2024   headline figures for 2024 only (per year of 2024)
  yalu run --scenario scenarios/courier-2014.toml --seed 7 --out results/courier
  yalu compare scenarios/baseline.toml my.toml --replicates 50 --window 2024
  yalu sweep sweeps/levy.toml              a resumable parameter sweep (SQLite store)
  yalu sensitivity sweeps/sensitivity.toml --method morris
  yalu calibrate sweeps/calibration.toml   fit assumptions to calibrated patterns (ABC)
  yalu validate --replicates 20            check patterns P1-P15 against the evidence
  yalu report out/baseline                 a self-contained HTML report
  yalu check scenarios/baseline.toml       validate a scenario file
  yalu evidence --format json              every input with its source or assumption
  yalu evidence claims --topic channels    the registry's claims on one topic
  yalu outputs                             every output id experiments can ask for

my.toml is your own scenario: copy scenarios/baseline.toml and edit it (README: Write a
what-if scenario).";

/// Yalu: an evidence-backed agent-based simulator of North Korea's state-run smuggling
/// and foreign-currency network, for sanctions analysis and research: run scenarios,
/// compare them, sweep, analyse sensitivity, calibrate and validate against the evidence,
/// and report.
#[derive(Debug, Parser)]
#[command(name = "yalu", version, after_help = EXAMPLES)]
struct Cli {
    /// What to do; with none, `yalu` runs the baseline as `yalu run` would.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario (the built-in baseline by default) and write its outputs.
    #[command(
        after_help = "Outputs: manifest.json, scenario.json, summary.{csv,parquet} and per replicate \
flows, money, fx, porters, incomes, trade, prices, activity, balances, observed (.csv and .parquet).\n\
Example: yalu run --replicates 20 --out out/test --window 2024"
    )]
    Run(run::RunArgs),
    /// Compare two scenarios replicate by replicate with common random numbers.
    #[command(
        after_help = "Writes compare.csv: for each headline figure, the means under A and B and the \
mean and 90% interval of B - A.\nExample: yalu compare scenarios/baseline.toml my.toml --replicates 50 --window 2024"
    )]
    Compare(experiments::CompareArgs),
    /// Run a parameter sweep from a sweep file; rerunning resumes where it stopped.
    #[command(
        after_help = "Examples:\n  yalu sweep sweeps/levy.toml --out out/levy-sweep\n  \
yalu sweep sweeps/levy.toml --shard 2/8 --out out/levy-2     one share, e.g. a Slurm array task\n  \
yalu sweep merge --out out/levy out/levy-*                  merge the shards' stores\n  \
yalu sweep sweeps/levy.toml --ray auto                      units as tasks on a Ray cluster"
    )]
    Sweep(experiments::SweepCommand),
    /// Morris or Sobol sensitivity analysis over the parameters' recorded ranges.
    #[command(
        after_help = "Writes sensitivity.csv (every estimate) and ranking.csv; prints each output's parameters ranked.\nExample: yalu sensitivity sweeps/sensitivity.toml --method sobol"
    )]
    Sensitivity(experiments::SensitivityArgs),
    /// Check a scenario's patterns (P1-P15) against the evidence; exit 1 if an emergent one misses.
    #[command(after_help = "Example: yalu validate --replicates 20 --out out/validation")]
    Validate(run::ValidateArgs),
    /// Fit assumptions to calibrated patterns and `calibration` observations by approximate
    /// Bayesian computation (ABC rejection).
    #[command(
        after_help = "Writes calibration.json, <scenario>-calibrated.toml and its accepted sets, \
<scenario>-calibrated.posterior.json (for `yalu run --posterior`).\nExample: yalu calibrate sweeps/calibration.toml"
    )]
    Calibrate(experiments::CalibrateArgs),
    /// Write report.html (self-contained) and charts for a run's output folder.
    #[command(after_help = "Example: yalu report out/baseline")]
    Report {
        /// The run's output folder.
        #[arg(default_value = "out/baseline")]
        out_dir: PathBuf,
    },
    /// Validate scenario files; print every problem with file, line, column and field.
    #[command(after_help = "Example: yalu check scenarios/baseline.toml")]
    Check {
        /// Scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List every input of a scenario with its value, unit and source or assumption.
    #[command(after_help = "Example: yalu evidence claims --topic channels --year 2017")]
    Evidence(yalu_scenario::EvidenceArgs),
    /// List a scenario's dated events: window, kind, channels, sites and effects, source.
    #[command(after_help = "Example: yalu events scenarios/baseline.toml --format json")]
    Events {
        /// Scenario file (default: the built-in baseline).
        scenario: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// List every output id (for compare, sweep and sensitivity files) with its unit,
    /// aggregation and meaning.
    #[command(after_help = "Example: yalu outputs --scenario scenarios/courier-2014.toml")]
    Outputs {
        /// Scenario whose sites key the porter outputs (default: the built-in baseline).
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
    /// The workbench: a local web app to edit scenarios, run, compare and browse evidence.
    #[command(after_help = "Example: yalu serve --port 8765")]
    Serve(yalu_serve::ServeArgs),
}

/// A scenario run as an ensemble: shared by `run` and `validate`.
#[derive(Debug, clap::Args)]
struct EnsembleArgs {
    /// Scenario file (default: the built-in baseline).
    #[arg(long)]
    scenario: Option<PathBuf>,
    #[command(flatten)]
    replicates: ReplicateArgs,
}

impl EnsembleArgs {
    /// The scenario, its text, and the ensemble to run on it (`default_replicates` unless
    /// given) once its `work` (of the parameters, replicates and threads) is within the
    /// limits.
    fn load(
        &self,
        registry: &Registry,
        default_replicates: u32,
        work: fn(&ModelParams, u32, usize) -> Work,
    ) -> Result<(Scenario, SourceText, EnsembleSpec), Failure> {
        let (scenario, text) = load(self.scenario.as_deref(), registry)?;
        let spec = self
            .replicates
            .spec(default_replicates, scenario.seed, |count, threads| {
                work(&scenario.params, count, threads)
            })?;
        Ok((scenario, text, spec))
    }
}

/// How many replicates, on which seed, on how many threads: shared by `run`, `compare`
/// and `validate`.
#[derive(Debug, clap::Args)]
struct ReplicateArgs {
    /// Replicates (default: 1 for run, 10 for validate, 20 pairs for compare).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    replicates: Option<u32>,
    /// Master seed (default: the scenario's seed).
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    threads: ThreadArgs,
}

impl ReplicateArgs {
    /// The ensemble to run, once its `work` (given the replicates and threads) is within
    /// the limits (see [`ThreadArgs::budget`]).
    fn spec(
        &self,
        default_replicates: u32,
        scenario_seed: u64,
        work: impl FnOnce(u32, usize) -> Work,
    ) -> Result<EnsembleSpec, Failure> {
        let replicates = self.replicates.unwrap_or(default_replicates);
        Ok(EnsembleSpec {
            seed: self.seed.unwrap_or(scenario_seed),
            replicates,
            threads: self.threads.budget(|threads| work(replicates, threads))?,
        })
    }
}

/// Worker threads and the work limit, shared by every command that runs the model.
#[derive(Debug, clap::Args)]
struct ThreadArgs {
    /// Worker threads (default: one per core; at most 4 per core). Results do not depend
    /// on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// The most work to start, in agent-days (agents x days x replicates x points); the
    /// estimate is printed before the model runs.
    #[arg(long, default_value_t = DEFAULT_MAX_WORK)]
    max_work: f64,
}

impl ThreadArgs {
    /// The worker threads to use, after printing the estimate of `work` (given the
    /// threads) and refusing it above the limits: all before the model runs.
    fn budget(&self, work: impl FnOnce(usize) -> Work) -> Result<usize, Failure> {
        budget::plan(self.threads, self.max_work, work, |estimate| {
            eprintln!("{estimate}")
        })
        .map_err(Failure::bad_input)
    }
}

/// A failure and the exit code it maps to.
enum Failure {
    BadInput(miette::Report),
    Run(anyhow::Error),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Failure {
        Failure::BadInput(miette::Report::new(e))
    }
}

impl From<ExperimentError> for Failure {
    fn from(e: ExperimentError) -> Failure {
        match e {
            ExperimentError::Scenario(e) => e.into(),
            e if e.is_bad_input() => Failure::bad_input(e),
            e => Failure::run(e),
        }
    }
}

impl Failure {
    fn run(error: impl Into<anyhow::Error>) -> Failure {
        Failure::Run(error.into())
    }

    fn bad_input(error: impl std::error::Error + Send + Sync + 'static) -> Failure {
        Failure::BadInput(miette::Report::msg(error.to_string()))
    }
}

fn main() -> ExitCode {
    if let Err(error) = yalu_report::atomic::remove_partials_on_interrupt() {
        eprintln!(
            "warning: cannot catch Ctrl-C ({error}); an interrupted run may leave a partial folder, removed by the next run"
        );
    }
    // Errors on one line each, however long: easy to read in logs and to search.
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())
    }));
    let cli = Cli::parse();
    // No subcommand: the same as `yalu run`, with its defaults.
    let command = cli
        .command
        .or_else(|| Cli::parse_from(["yalu", "run"]).command)
        .expect("`yalu run` parses");
    let outcome = match command {
        Command::Run(args) => run::run(args),
        Command::Compare(args) => experiments::compare(args),
        Command::Sweep(args) => experiments::sweep(args),
        Command::Sensitivity(args) => experiments::sensitivity(args),
        Command::Validate(args) => run::validate(args),
        Command::Calibrate(args) => experiments::calibrate(args),
        Command::Report { out_dir } => info::report(&out_dir),
        Command::Check { files } => info::check(&files),
        Command::Evidence(args) => info::evidence(args),
        Command::Events { scenario, format } => info::events(scenario.as_deref(), format),
        Command::Outputs { scenario } => info::outputs(scenario.as_deref()),
        Command::Serve(args) => yalu_serve::serve(args).map_err(Failure::run),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(report)) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
        Err(Failure::Run(error)) => {
            eprintln!("error: {}", said_once(error.as_ref()));
            ExitCode::from(1)
        }
    }
}

/// Loads a scenario file, or the built-in baseline, with the text it was read from.
fn load(path: Option<&Path>, registry: &Registry) -> Result<(Scenario, SourceText), Failure> {
    Ok(load_scenario(&ScenarioSource::from(path), registry)?)
}

/// Writes to standard output; a reader that has gone (`yalu ... | head`) is no failure.
fn print(text: &str) -> Result<(), Failure> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Failure::run(e)),
        _ => Ok(()),
    }
}

//! The `yalu` command: parses arguments and calls the library crates. Exit codes: 0 on
//! success, 2 for bad input (arguments, scenario files), 1 when a run fails.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use yalu_lab::{EnsembleSpec, run_ensemble};
use yalu_report::{Manifest, Summary, write_run};
use yalu_scenario::{BASELINE, Evidence, LoadError, Registry, Scenario, SourceText};

const EXAMPLES: &str = "\
Examples:
  yalu                                     run the built-in baseline (2017-2025) once
  yalu run                                 the same
  yalu run --replicates 100 --threads 2    100 replicates, results in out/baseline
  yalu run --scenario my.toml --seed 7 --out results/my-run
  yalu check scenarios/baseline.toml       validate a scenario file
  yalu evidence --format json              every input with its source or assumption";

/// Yalu: an evidence-backed agent-based simulator of North Korea's state-run smuggling
/// and foreign-currency network, for sanctions analysis and research.
#[derive(Debug, Parser)]
#[command(name = "yalu", version, about, after_help = EXAMPLES)]
struct Cli {
    /// What to do; with none, `yalu` runs the baseline as `yalu run` would.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario (the built-in baseline by default) and write its outputs.
    #[command(
        after_help = "Outputs: manifest.json, flows.{csv,parquet}, money.{csv,parquet}, \
porters.{csv,parquet}, prices.{csv,parquet}.\nExample: yalu run --replicates 20 --out out/test"
    )]
    Run(RunArgs),
    /// Validate scenario files; print every problem with file, line, column and field.
    #[command(after_help = "Example: yalu check scenarios/baseline.toml")]
    Check {
        /// Scenario files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List every input of a scenario with its value, unit and source or assumption.
    #[command(after_help = "Example: yalu evidence --scenario my.toml --format json")]
    Evidence {
        /// Scenario file (default: the built-in baseline).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Scenario file (default: the built-in baseline).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Master seed (default: the scenario's seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Number of replicates.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    replicates: u32,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Output folder (default: out/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Do not print the summary.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    // No subcommand: the same as `yalu run`, with its defaults.
    let command = cli
        .command
        .or_else(|| Cli::parse_from(["yalu", "run"]).command)
        .expect("`yalu run` parses");
    let outcome = match command {
        Command::Run(args) => run(args),
        Command::Check { files } => check(&files),
        Command::Evidence { scenario, format } => evidence(scenario.as_deref(), format),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(report)) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
        Err(Failure::Run(error)) => {
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// The scenario and the text it was read from (for the manifest's hash).
fn load(path: Option<&Path>, registry: &Registry) -> Result<(Scenario, String, String), Failure> {
    match path {
        None => Ok((
            Scenario::baseline(registry).map_err(LoadError::from)?,
            BASELINE.to_owned(),
            "<baseline>".to_owned(),
        )),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
                path: path.display().to_string(),
                source,
            })?;
            let name = path.display().to_string();
            let scenario = Scenario::parse(&SourceText::new(name.clone(), text.clone()), registry)
                .map_err(LoadError::from)?;
            Ok((scenario, text, name))
        }
    }
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let (scenario, text, file) = load(args.scenario.as_deref(), &registry)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let out_dir = args
        .out
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));

    let progress = ProgressBar::new(u64::from(args.replicates));
    progress.set_style(
        ProgressStyle::with_template(
            "{spinner} replicates {pos}/{len} [{bar:30}] {elapsed} eta {eta}",
        )
        .expect("static template")
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let spec = EnsembleSpec {
        seed,
        replicates: args.replicates,
        threads: args.threads,
    };
    let results = run_ensemble(&scenario.params, spec, &|| progress.inc(1))
        .map_err(|e| Failure::Run(anyhow::Error::new(e).context("the run failed")))?;
    progress.finish_and_clear();
    let wall_time_s = started.elapsed().as_secs_f64();

    let manifest = Manifest {
        yalu_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        scenario_file: file,
        scenario_sha256: Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        seed,
        replicates: args.replicates,
        first_day: scenario.params.first_day.to_string(),
        last_day: scenario.params.last_day.to_string(),
        wall_time_s,
        files: Vec::new(),
    };
    write_run(&out_dir, &manifest, &scenario.params, &results)
        .map_err(|e| Failure::Run(e.into()))?;

    if !args.quiet {
        let summary = Summary::new(&scenario.params, &results).render();
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "{} {} to {}, seed {seed}, {} replicate(s) in {wall_time_s:.2} s; ledger balanced in every replicate.\n\n{summary}\nOutputs in {}",
            scenario.name,
            scenario.params.first_day,
            scenario.params.last_day,
            args.replicates,
            out_dir.display()
        )
        .map_err(|e| Failure::Run(e.into()))?;
    }
    Ok(())
}

fn check(files: &[PathBuf]) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let mut failures = Vec::new();
    for file in files {
        match yalu_scenario::load(file, &registry) {
            Ok(scenario) => println!(
                "{}: ok ({}, {} inputs with evidence)",
                file.display(),
                scenario.name,
                scenario.parameters.len()
            ),
            Err(e) => failures.push(e),
        }
    }
    match failures.len() {
        0 => Ok(()),
        _ => {
            let last = failures.pop().expect("non-empty");
            for e in failures {
                eprintln!("{:?}", miette::Report::new(e));
            }
            Err(last.into())
        }
    }
}

fn evidence(path: Option<&Path>, format: Format) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let (scenario, _, _) = load(path, &registry)?;
    let mut cited: Vec<&str> = scenario
        .parameters
        .iter()
        .filter_map(|p| match &p.evidence {
            Evidence::Source { id, .. } => Some(id.as_str()),
            Evidence::Assumption { .. } => None,
        })
        .collect();
    cited.sort_unstable();
    cited.dedup();
    let sources: Vec<_> = cited.iter().filter_map(|id| registry.get(id)).collect();
    let mut stdout = std::io::stdout().lock();
    let written = match format {
        Format::Json => {
            let json = serde_json::json!({
                "scenario": scenario.name,
                "parameters": scenario.parameters,
                "sources": sources,
            });
            writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&json).expect("serializes")
            )
        }
        Format::Table => {
            let mut text = format!(
                "Evidence for scenario `{}` ({} inputs)\n\n",
                scenario.name,
                scenario.parameters.len()
            );
            for p in &scenario.parameters {
                let evidence = match &p.evidence {
                    Evidence::Source { id, location, .. } => format!("source {id}: {location}"),
                    Evidence::Assumption { reason, range } => match range {
                        Some([low, high]) => format!("assumption, range [{low}, {high}]: {reason}"),
                        None => format!("assumption: {reason}"),
                    },
                };
                text.push_str(&format!(
                    "{}\n    {} {}\n    {}\n",
                    p.path, p.value, p.unit, evidence
                ));
            }
            text.push_str("\nSources cited\n");
            for source in &sources {
                text.push_str(&format!("  {}: {}\n", source.id, source.citation()));
            }
            let use_pager_hint = std::io::stdout().is_terminal();
            if use_pager_hint {
                text.push_str("\n(yalu evidence --format json gives the same as JSON)\n");
            }
            stdout.write_all(text.as_bytes())
        }
    };
    written.map_err(|e| Failure::Run(e.into()))
}

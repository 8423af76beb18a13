//! `yalu run` (replicates streamed into the output folder) and `yalu validate` (the
//! patterns of docs/ODD.md checked against a scenario's replicates).

use std::path::PathBuf;

use yalu_lab::progress_bar::Bar;
use yalu_lab::run_folder::{
    RunFolder, default_out, run_into, run_work, validate_into, validate_work,
};
use yalu_report::window::Window;
use yalu_scenario::Registry;

use crate::{EnsembleArgs, Failure, print};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    ensemble: EnsembleArgs,
    /// Output folder (default: out/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write only the summaries, not every replicate's rows (for large runs).
    #[arg(long)]
    no_replicate_files: bool,
    /// Do not print the summary.
    #[arg(long)]
    quiet: bool,
    /// Measure the printed headline figures over these months only (2024-01..2024-12,
    /// 2024, 2018..2020); per year then means per year of the window. The figures of
    /// every year are written to summary_by_year.csv either way.
    #[arg(long)]
    window: Option<Window>,
    /// Draw each replicate's parameters from the accepted sets of a calibration
    /// (`<scenario>-calibrated.posterior.json`, written by `yalu calibrate`), so the bands
    /// carry parameter uncertainty as well as randomness.
    #[arg(long, value_name = "FILE")]
    posterior: Option<PathBuf>,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let (scenario, text, spec) = args.ensemble.load(&registry, 1, run_work)?;
    let folder = RunFolder {
        out_dir: args.out.unwrap_or_else(|| default_out(&scenario.name)),
        replicate_files: !args.no_replicate_files,
        window: args.window,
        posterior: args.posterior,
    };
    let bar = Bar::new(u64::from(spec.replicates), "replicates");
    let done = run_into(&folder, (&scenario, &text), &registry, spec, &bar)?;
    drop(bar);
    if !done.kept.is_empty() {
        eprintln!(
            "kept in {}: {} (not written by this run)",
            folder.out_dir.display(),
            done.kept.join(", ")
        );
    }
    if !args.quiet {
        print(&done.render(&scenario, spec, &folder.out_dir))?;
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    ensemble: EnsembleArgs,
    /// Folder for validation.json, the patterns and observations scored (default: out/<scenario name>, beside the run's outputs).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let (scenario, _, spec) = args.ensemble.load(&registry, 10, validate_work)?;
    let out = args.out.unwrap_or_else(|| default_out(&scenario.name));
    let bar = Bar::new(u64::from(spec.replicates), "replicates");
    let validation = validate_into(&out, &scenario, &registry, spec, &bar)?;
    drop(bar);
    print(&validation.text)?;
    validation.missed().map_or(Ok(()), |missed| {
        Err(Failure::run(anyhow::Error::msg(missed)))
    })
}

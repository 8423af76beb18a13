//! `yalu run` (replicates streamed into the output folder) and `yalu validate` (the
//! patterns of docs/ODD.md checked against a scenario's replicates).

use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};
use yalu_lab::budget::Work;
use yalu_lab::posterior::PosteriorRun;
use yalu_lab::validation::Validation;
use yalu_lab::{BATCH_PER_THREAD, for_each_replicate_of, run_ensemble};
use yalu_report::atomic::{prepare_dir, write_file};
use yalu_report::window::Window;
use yalu_report::{Manifest, RunWriter, bands_note};
use yalu_scenario::Registry;

use crate::{EnsembleArgs, Failure, load, print, progress_bar};

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
    let (scenario, text) = load(args.ensemble.scenario.as_deref(), &registry)?;
    let replicates = &args.ensemble.replicates;
    let count = replicates.replicates.unwrap_or(1);
    let threads = replicates.threads.budget(|threads| {
        let batch = threads as u64 * u64::from(BATCH_PER_THREAD);
        Work::of(&[&scenario.params], count, batch, threads)
    })?;
    let spec = replicates.spec(1, scenario.seed, threads);
    if let Some(window) = args.window {
        window
            .check_overlaps(Window::covering(
                scenario.params.first_day,
                scenario.params.last_day,
            ))
            .map_err(Failure::bad_input)?;
    }
    let posterior = args
        .posterior
        .as_deref()
        .map(|file| PosteriorRun::bind(file, &text, &registry, spec.seed, spec.replicates))
        .transpose()
        .map_err(Failure::bad_input)?;
    let out_dir = args
        .out
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));
    let mut writer =
        RunWriter::create(&out_dir, !args.no_replicate_files)?.with_window(args.window);
    let kept = writer.kept().join(", ");
    let progress = progress_bar(u64::from(spec.replicates), "replicates");
    let started = Instant::now();
    let params_of = |replicate| {
        posterior
            .as_ref()
            .map_or(&scenario.params, |p| p.params(replicate))
    };
    for_each_replicate_of(
        &params_of,
        spec,
        &|| progress.inc(1),
        &mut |params, result| Ok(writer.add(params, &result)?),
    )
    .map_err(|e| Failure::run(anyhow::Error::new(e).context("the run failed")))?;
    progress.finish_and_clear();
    let wall_time_s = started.elapsed().as_secs_f64();

    let manifest = Manifest {
        yalu_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        scenario_file: text.name.clone(),
        scenario_sha256: sha256_hex(&text.text),
        seed: spec.seed,
        replicates: spec.replicates,
        first_day: scenario.params.first_day.to_string(),
        last_day: scenario.params.last_day.to_string(),
        wall_time_s,
        posterior: posterior.map(|p| p.used),
        files: Vec::new(),
    };
    let evidence = serde_json::to_string_pretty(&scenario.evidence_document(&registry))
        .expect("evidence serializes");
    let headlines = writer.finish(&manifest, &[("scenario.json", evidence)])?;
    if !kept.is_empty() {
        eprintln!(
            "kept in {}: {kept} (not written by this run)",
            out_dir.display()
        );
    }
    if !args.quiet {
        print(&format!(
            "{} {} to {}, seed {}, {} replicate(s) in {wall_time_s:.2} s; ledger balanced in every replicate.\n{}\n{}\nOutputs in {} (this table: headline.txt and headline.csv)\n",
            scenario.name,
            scenario.params.first_day,
            scenario.params.last_day,
            spec.seed,
            spec.replicates,
            headlines.render(),
            bands_note(manifest.posterior.as_ref()),
            out_dir.display()
        ))?;
    }
    Ok(())
}

/// SHA-256 of a text, as lowercase hex.
fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    let (scenario, _) = load(args.ensemble.scenario.as_deref(), &registry)?;
    let out = args
        .out
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));
    let replicates = &args.ensemble.replicates;
    let count = replicates.replicates.unwrap_or(10);
    // Every replicate's results are held for the patterns.
    let threads = replicates
        .threads
        .budget(|threads| Work::of(&[&scenario.params], count, u64::from(count), threads))?;
    prepare_dir(&out)?;
    let spec = replicates.spec(10, scenario.seed, threads);
    let progress = progress_bar(u64::from(spec.replicates), "replicates");
    let results =
        run_ensemble(&scenario.params, spec, &|| progress.inc(1)).map_err(Failure::run)?;
    progress.finish_and_clear();
    let validation = Validation::check(&scenario.name, &scenario.params, &results, &registry);
    let written_to = out.join("validation.json");
    write_file(&written_to, validation.to_json().as_bytes())?;
    print(&validation.render(&written_to))?;
    let missed: Vec<String> = validation
        .patterns
        .iter()
        .filter(|c| c.covered && c.pass == Some(false))
        .map(|c| format!("{} ({})", c.id, c.kind))
        .collect();
    if missed.is_empty() {
        Ok(())
    } else {
        Err(Failure::run(anyhow::anyhow!(
            "patterns missed their targets: {}",
            missed.join(", ")
        )))
    }
}

//! `yalu run`: replicates streamed into the output folder.

use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};
use yalu_lab::{EnsembleSpec, for_each_replicate};
use yalu_report::{Manifest, RunWriter};
use yalu_scenario::Registry;

use crate::{Failure, Loaded, load, print, progress_bar};

#[derive(Debug, clap::Args)]
pub struct RunArgs {
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
    /// Write only the summaries, not every replicate's rows (for large runs).
    #[arg(long)]
    no_replicate_files: bool,
    /// Do not print the summary.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let Loaded { scenario, text } = load(args.scenario.as_deref(), &registry)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let out_dir = args
        .out
        .unwrap_or_else(|| Path::new("out").join(&scenario.name));
    let mut writer = RunWriter::create(&out_dir, !args.no_replicate_files).map_err(Failure::run)?;
    let progress = progress_bar(u64::from(args.replicates), "replicates");
    let started = Instant::now();
    let spec = EnsembleSpec {
        seed,
        replicates: args.replicates,
        threads: args.threads,
    };
    for_each_replicate(&scenario.params, spec, &|| progress.inc(1), &mut |result| {
        Ok(writer.add(&scenario.params, &result)?)
    })
    .map_err(|e| Failure::run(anyhow::Error::new(e).context("the run failed")))?;
    progress.finish_and_clear();
    let wall_time_s = started.elapsed().as_secs_f64();

    let manifest = Manifest {
        yalu_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        scenario_file: text.name.clone(),
        scenario_sha256: sha256_hex(&text.text),
        seed,
        replicates: args.replicates,
        first_day: scenario.params.first_day.to_string(),
        last_day: scenario.params.last_day.to_string(),
        wall_time_s,
        files: Vec::new(),
    };
    let evidence = serde_json::to_string_pretty(&scenario.evidence_document(&registry))
        .expect("evidence serializes");
    let summary = writer
        .finish(&manifest, &[("scenario.json", evidence)])
        .map_err(Failure::run)?;
    if !args.quiet {
        print(&format!(
            "{} {} to {}, seed {seed}, {} replicate(s) in {wall_time_s:.2} s; ledger balanced in every replicate.\n{}\nOutputs in {}\n",
            scenario.name,
            scenario.params.first_day,
            scenario.params.last_day,
            args.replicates,
            summary.render(),
            out_dir.display()
        ))?;
    }
    Ok(())
}

/// SHA-256 of a text, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

//! A scenario's ensemble into its folder: `yalu run` streams the replicates into the run's
//! outputs (tables, summaries, manifest, evidence), `yalu validate` checks the patterns
//! and observed series and writes `validation.json` and `observations.json`. Each returns
//! what the command prints.

use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};
use yalu_model::ModelParams;
use yalu_report::atomic::{prepare_dir, write_json};
use yalu_report::headline::HeadlineSummaries;
use yalu_report::window::Window;
use yalu_report::{Manifest, RunWriter};
use yalu_scenario::{Registry, Scenario, SourceText};

use crate::budget::Work;
use crate::experiment::ExperimentError;
use crate::observations::{check_observations, render as render_observations, scores};
use crate::patterns::{PatternCheck, check_patterns, render};
use crate::{BATCH_PER_THREAD, EnsembleSpec, for_each_replicate, run_ensemble};

/// Refuses a window that shares no month with the run of `params`.
pub fn check_window(window: Option<Window>, params: &ModelParams) -> Result<(), ExperimentError> {
    let run = Window::covering(params.first_day, params.last_day);
    window
        .map_or(Ok(()), |w| w.check_overlaps(run))
        .map_err(ExperimentError::refused)
}

/// The work of `replicates` replicates of `params` streamed into a folder: a batch per
/// thread is held at a time.
pub fn run_work(params: &ModelParams, replicates: u32, threads: usize) -> Work {
    let batch = threads as u64 * u64::from(BATCH_PER_THREAD);
    Work::of(&[params], replicates, batch, threads)
}

/// The work of validating `replicates` replicates of `params`: every replicate's results
/// are held for the patterns.
pub fn validate_work(params: &ModelParams, replicates: u32, threads: usize) -> Work {
    Work::of(&[params], replicates, u64::from(replicates), threads)
}

/// The default output folder of a run or validation of scenario `name`: `out/<name>`.
pub fn default_out(name: &str) -> PathBuf {
    Path::new("out").join(name)
}

/// Where and how `yalu run` writes.
pub struct RunFolder {
    /// The output folder.
    pub out_dir: PathBuf,
    /// Whether every replicate's rows are written, not only the summaries.
    pub replicate_files: bool,
    /// The months the printed headline figures cover (`None`: the whole run).
    pub window: Option<Window>,
}

/// A run written.
pub struct RunDone {
    /// The headline figures over the window and per year.
    pub headlines: HeadlineSummaries,
    /// Seconds the replicates took.
    pub wall_time_s: f64,
    /// Files found in the folder and kept (not this run's).
    pub kept: Vec<String>,
}

/// Runs `spec`'s replicates of `scenario` (read from `text`) and streams them into
/// `folder`, with `manifest.json` and `scenario.json` (the inputs with their evidence);
/// `on_done` after each replicate.
pub fn run_into(
    folder: &RunFolder,
    (scenario, text): (&Scenario, &SourceText),
    registry: &Registry,
    spec: EnsembleSpec,
    on_done: &(dyn Fn() + Sync),
) -> Result<RunDone, ExperimentError> {
    let params = &scenario.params;
    check_window(folder.window, params)?;
    let mut writer =
        RunWriter::create(&folder.out_dir, folder.replicate_files)?.with_window(folder.window);
    let kept = writer.kept().to_vec();
    let started = Instant::now();
    for_each_replicate(params, spec, on_done, &mut |result| {
        Ok(writer.add(params, &result)?)
    })
    .map_err(ExperimentError::Failed)?;
    let wall_time_s = started.elapsed().as_secs_f64();
    let manifest = Manifest {
        yalu_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        scenario_file: text.name.clone(),
        scenario_sha256: sha256_hex(&text.text),
        seed: spec.seed,
        replicates: spec.replicates,
        first_day: params.first_day.to_string(),
        last_day: params.last_day.to_string(),
        wall_time_s,
        files: Vec::new(),
    };
    let evidence = serde_json::to_string_pretty(&scenario.evidence_document(registry))
        .expect("evidence serializes");
    let headlines = writer.finish(&manifest, &[("scenario.json", evidence)])?;
    Ok(RunDone {
        headlines,
        wall_time_s,
        kept,
    })
}

impl RunDone {
    /// What the run did, its headline figures and where its outputs are.
    pub fn render(&self, scenario: &Scenario, spec: EnsembleSpec, out_dir: &Path) -> String {
        format!(
            "{} {} to {}, seed {}, {} replicate(s) in {:.2} s; ledger balanced in every replicate.\n{}\nOutputs in {} (this table: headline.txt and headline.csv)\n",
            scenario.name,
            scenario.params.first_day,
            scenario.params.last_day,
            spec.seed,
            spec.replicates,
            self.wall_time_s,
            self.headlines.render(),
            out_dir.display()
        )
    }
}

/// SHA-256 of a text, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A scenario's patterns and observed series checked.
pub struct Validation {
    /// Each pattern's check.
    pub checks: Vec<PatternCheck>,
    /// The checks for reading.
    pub text: String,
}

impl Validation {
    /// Which patterns missed their targets (`patterns missed their targets: id (kind),
    /// ...`); `None` when every one that is covered passed.
    pub fn missed(&self) -> Option<String> {
        let missed: Vec<String> = self
            .checks
            .iter()
            .filter(|c| c.covered && c.pass == Some(false))
            .map(|c| format!("{} ({})", c.id, c.kind))
            .collect();
        (!missed.is_empty())
            .then(|| format!("patterns missed their targets: {}", missed.join(", ")))
    }
}

/// Runs `spec`'s replicates of `scenario`, checks its patterns and observed series, and
/// writes them to `out/validation.json` and `out/observations.json`.
pub fn validate_into(
    out: &Path,
    scenario: &Scenario,
    registry: &Registry,
    spec: EnsembleSpec,
    on_done: &(dyn Fn() + Sync),
) -> Result<Validation, ExperimentError> {
    prepare_dir(out)?;
    let results = run_ensemble(&scenario.params, spec, on_done)?;
    let checks = check_patterns(&scenario.params, &results, registry);
    write_json(&out.join("validation.json"), &checks)?;
    let observed = check_observations(&scenario.params, &results, registry);
    let json = serde_json::json!({"scores": scores(&observed), "observations": observed});
    write_json(&out.join("observations.json"), &json)?;
    let mut text = render(
        &scenario.name,
        spec.replicates,
        &checks,
        &out.join("validation.json"),
    );
    text.push_str(&render_observations(&observed));
    Ok(Validation { checks, text })
}

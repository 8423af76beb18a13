//! A scenario's ensemble into its folder: `yalu run` streams the replicates into the run's
//! outputs (tables, summaries, manifest, evidence), drawing each replicate's parameters
//! from a calibration's posterior if asked; `yalu validate` checks the patterns and
//! observed series and writes both scores to `validation.json`. Each returns what the
//! command prints.

use std::path::{Path, PathBuf};
use std::time::Instant;

use yalu_model::ModelParams;
use yalu_report::atomic::{prepare_dir, write_file};
use yalu_report::headline::HeadlineSummaries;
use yalu_report::window::Window;
use yalu_report::{Manifest, RunWriter, bands_note};
use yalu_scenario::{Registry, Scenario, SourceText};

use crate::budget::Work;
use crate::experiment::{ExperimentError, Progress};
use crate::posterior::{PosteriorRun, sha256_hex};
use crate::validation::Validation;
use crate::{CHUNKS_PER_THREAD, EnsembleSpec, fold_replicates_of, run_ensemble};

/// Refuses a window that shares no month with the run of `params`.
pub fn check_window(window: Option<Window>, params: &ModelParams) -> Result<(), ExperimentError> {
    let run = Window::covering(params.first_day, params.last_day);
    window
        .map_or(Ok(()), |w| w.check_overlaps(run))
        .map_err(ExperimentError::refused)
}

/// The work of `replicates` replicates of `params` streamed into a folder: each worker
/// holds one replicate's results at a time (its chunk's summaries are far smaller), and a
/// few chunks' summaries wait to be merged.
pub fn run_work(params: &ModelParams, replicates: u32, threads: usize) -> Work {
    let held = threads as u64 * u64::from(CHUNKS_PER_THREAD);
    Work::of(&[params], replicates, held, threads)
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
    /// A calibration's accepted parameter sets to draw each replicate's parameters from
    /// (`None`: every replicate runs the scenario's own values).
    pub posterior: Option<PathBuf>,
}

/// A run written.
pub struct RunDone {
    /// The headline figures over the window and per year.
    pub headlines: HeadlineSummaries,
    /// Seconds the replicates took.
    pub wall_time_s: f64,
    /// Files found in the folder and kept (not this run's).
    pub kept: Vec<String>,
    /// What the bands carry: randomness only, or parameter uncertainty too.
    pub bands: String,
}

/// Runs `spec`'s replicates of `scenario` (read from `text`) and streams them into
/// `folder`, with `manifest.json` and `scenario.json` (the inputs with their evidence);
/// `on_done` after each replicate.
pub fn run_into(
    folder: &RunFolder,
    (scenario, text): (&Scenario, &SourceText),
    registry: &Registry,
    spec: EnsembleSpec,
    on_done: &dyn Progress,
) -> Result<RunDone, ExperimentError> {
    let params = &scenario.params;
    check_window(folder.window, params)?;
    let posterior = folder
        .posterior
        .as_deref()
        .map(|file| PosteriorRun::bind(file, text, registry, spec.seed, spec.replicates))
        .transpose()
        .map_err(ExperimentError::refused)?;
    let mut writer =
        RunWriter::create(&folder.out_dir, folder.replicate_files)?.with_window(folder.window);
    let kept = writer.kept().to_vec();
    let started = Instant::now();
    let params_of = |replicate| posterior.as_ref().map_or(params, |p| p.params(replicate));
    // Each worker summarises its chunk of replicates; the writer only appends the parts.
    let blank = writer.part();
    fold_replicates_of(
        &params_of,
        spec,
        on_done,
        &|| blank.clone(),
        &|part, params, result| part.add(params, &result),
        &mut |part| Ok(writer.merge(part)?),
    )
    .map_err(ExperimentError::Failed)?;
    let wall_time_s = started.elapsed().as_secs_f64();
    let manifest = Manifest {
        yalu_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        scenario_file: text.name.clone(),
        scenario_sha256: sha256_hex(text.text.as_bytes()),
        seed: spec.seed,
        replicates: spec.replicates,
        first_day: params.first_day.to_string(),
        last_day: params.last_day.to_string(),
        wall_time_s,
        posterior: posterior.map(|p| p.used),
        files: Vec::new(),
    };
    let bands = bands_note(manifest.posterior.as_ref());
    let evidence = serde_json::to_string_pretty(&scenario.evidence_document(registry))
        .expect("evidence serializes");
    let headlines = writer.finish(&manifest, &[("scenario.json", evidence)])?;
    Ok(RunDone {
        headlines,
        wall_time_s,
        kept,
        bands,
    })
}

impl RunDone {
    /// What the run did, its headline figures and where its outputs are.
    pub fn render(&self, scenario: &Scenario, spec: EnsembleSpec, out_dir: &Path) -> String {
        format!(
            "{} {} to {}, seed {}, {} replicate(s) in {:.2} s; ledger balanced in every replicate.\n{}\n{}\nOutputs in {} (this table: headline.txt and headline.csv)\n",
            scenario.name,
            scenario.params.first_day,
            scenario.params.last_day,
            spec.seed,
            spec.replicates,
            self.wall_time_s,
            self.headlines.render(),
            self.bands,
            out_dir.display()
        )
    }
}

/// A validation written, with what the command prints.
pub struct Validated {
    /// The patterns and observed series scored.
    pub validation: Validation,
    /// The scores for reading.
    pub text: String,
}

impl Validated {
    /// Which patterns missed their targets (`patterns missed their targets: id (kind),
    /// ...`); `None` when every one that is covered passed.
    pub fn missed(&self) -> Option<String> {
        let missed: Vec<String> = self
            .validation
            .patterns
            .iter()
            .filter(|c| c.covered && c.pass == Some(false))
            .map(|c| format!("{} ({})", c.id, c.kind))
            .collect();
        (!missed.is_empty())
            .then(|| format!("patterns missed their targets: {}", missed.join(", ")))
    }
}

/// Runs `spec`'s replicates of `scenario`, checks its patterns and observed series, and
/// writes both scores to `out/validation.json`.
pub fn validate_into(
    out: &Path,
    scenario: &Scenario,
    registry: &Registry,
    spec: EnsembleSpec,
    on_done: &dyn Progress,
) -> Result<Validated, ExperimentError> {
    prepare_dir(out)?;
    let results = run_ensemble(&scenario.params, spec, on_done)?;
    let validation = Validation::check(&scenario.name, &scenario.params, &results, registry);
    let written_to = out.join("validation.json");
    write_file(&written_to, validation.to_json().as_bytes())?;
    let text = validation.render(&written_to);
    Ok(Validated { validation, text })
}

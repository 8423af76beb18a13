//! Writing a run's folder: replicates are appended as they finish, every numeric series is
//! summarised across replicates, and the folder is assembled under a hidden temporary name
//! that replaces the target only once complete. A failed or abandoned run leaves no partial
//! folder.

use std::path::{Path, PathBuf};

use serde::Serialize;
use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;

use crate::ReportError;
use crate::series::SeriesSummary;
use crate::summary::{Summary, SummaryBuilder, headlines};
use crate::table::{Table, TableFiles};
use crate::tables;

/// What was run, written as `manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Version of Yalu that ran.
    pub yalu_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from (a path, or `<baseline>`).
    pub scenario_file: String,
    /// SHA-256 of the scenario text, hex.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replicates run.
    pub replicates: u32,
    /// First simulated day.
    pub first_day: String,
    /// Last simulated day.
    pub last_day: String,
    /// Wall-clock seconds the simulation took.
    pub wall_time_s: f64,
    /// Files in the folder.
    pub files: Vec<String>,
}

type TableFn = fn(&ModelParams, &[ReplicateResult]) -> Table;

/// The per-replicate tables: name, builder, and whether a row missing from a replicate
/// means zero (flows, money) rather than no value (prices, incomes).
const TABLES: [(&str, TableFn, bool); 10] = [
    ("flows", tables::flows, true),
    ("money", tables::money, true),
    ("fx", tables::fx, true),
    ("porters", tables::porters, false),
    ("incomes", tables::incomes, false),
    ("trade", tables::trade, true),
    ("prices", tables::prices, false),
    ("activity", tables::activity, true),
    ("balances", tables::balances, true),
    ("observed", tables::observed, true),
];

/// A run's output folder being written.
pub struct RunWriter {
    out_dir: PathBuf,
    temporary: PathBuf,
    replicate_files: Option<Vec<TableFiles>>,
    series: SeriesSummary,
    summary: SummaryBuilder,
}

impl RunWriter {
    /// Starts a run's folder. With `keep_replicate_files` false only the summaries are
    /// written (for runs of many replicates). An existing folder is replaced at the end
    /// only if it is a Yalu output (it has a manifest.json).
    pub fn create(out_dir: &Path, keep_replicate_files: bool) -> Result<RunWriter, ReportError> {
        if out_dir.exists() && !out_dir.join("manifest.json").is_file() {
            return Err(ReportError::NotAYaluFolder {
                path: out_dir.display().to_string(),
            });
        }
        let parent = parent_of(out_dir);
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let temporary = parent.join(format!(
            ".{}.partial-{}",
            name_of(out_dir),
            std::process::id()
        ));
        if temporary.exists() {
            std::fs::remove_dir_all(&temporary).map_err(io(&temporary))?;
        }
        std::fs::create_dir(&temporary).map_err(io(&temporary))?;
        let mut writer = RunWriter {
            out_dir: out_dir.to_path_buf(),
            temporary,
            replicate_files: None,
            series: SeriesSummary::default(),
            summary: SummaryBuilder::default(),
        };
        if keep_replicate_files {
            writer.replicate_files = Some(
                TABLES
                    .iter()
                    .map(|(name, _, _)| TableFiles::create(&writer.temporary, name))
                    .collect::<Result<_, _>>()?,
            );
        }
        Ok(writer)
    }

    /// Adds the next replicate (replicates must come in replicate order).
    pub fn add(
        &mut self,
        params: &ModelParams,
        result: &ReplicateResult,
    ) -> Result<(), ReportError> {
        let one = std::slice::from_ref(result);
        for (i, (name, build, absent_is_zero)) in TABLES.iter().enumerate() {
            let table = build(params, one);
            self.series.add(name, *absent_is_zero, &table);
            if let Some(files) = &mut self.replicate_files {
                files[i].append(&table)?;
            }
        }
        self.series.end_replicate();
        self.summary.add(headlines(params, result));
        Ok(())
    }

    /// Writes the summaries, `extra_files` (name, contents) and the manifest, and moves the
    /// folder into place. Returns the headline summary.
    pub fn finish(
        mut self,
        manifest: &Manifest,
        extra_files: &[(&str, String)],
    ) -> Result<Summary, ReportError> {
        let mut files = Vec::new();
        if let Some(tables) = self.replicate_files.take() {
            for (table, (name, _, _)) in tables.into_iter().zip(TABLES) {
                table.finish()?;
                files.push(format!("{name}.csv"));
                files.push(format!("{name}.parquet"));
            }
        }
        std::mem::take(&mut self.series)
            .finish()
            .write(&self.temporary, "summary")?;
        files.extend(["summary.csv".into(), "summary.parquet".into()]);
        let summary = std::mem::take(&mut self.summary).finish();
        files.extend(extra_files.iter().map(|(name, _)| (*name).to_owned()));
        files.push("manifest.json".into());
        let manifest = Manifest {
            files,
            ..manifest.clone()
        };
        let json = serde_json::to_string_pretty(&manifest).expect("manifest serializes");
        for (name, contents) in extra_files
            .iter()
            .map(|(name, contents)| (*name, contents.as_str()))
            .chain([("manifest.json", json.as_str())])
        {
            let path = self.temporary.join(name);
            std::fs::write(&path, format!("{contents}\n")).map_err(io(&path))?;
        }
        replace(&self.temporary, &self.out_dir)?;
        Ok(summary)
    }
}

impl Drop for RunWriter {
    /// A run that did not finish leaves nothing behind (after `finish` the temporary folder
    /// has been renamed away, so this removes nothing).
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.temporary);
    }
}

/// Writes every output of replicates already in memory (tests, small runs).
pub fn write_run(
    out_dir: &Path,
    manifest: &Manifest,
    params: &ModelParams,
    results: &[ReplicateResult],
    extra_files: &[(&str, String)],
) -> Result<Summary, ReportError> {
    let mut writer = RunWriter::create(out_dir, true)?;
    for result in results {
        writer.add(params, result)?;
    }
    writer.finish(manifest, extra_files)
}

fn parent_of(out_dir: &Path) -> PathBuf {
    out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

fn name_of(out_dir: &Path) -> String {
    out_dir
        .file_name()
        .map_or_else(|| "run".into(), |n| n.to_string_lossy().into_owned())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + use<> {
    let path = path.display().to_string();
    move |source| ReportError::Io { path, source }
}

/// Moves the finished folder into place, setting any earlier output aside first.
fn replace(temporary: &Path, out_dir: &Path) -> Result<(), ReportError> {
    if out_dir.exists() {
        let old =
            parent_of(out_dir).join(format!(".{}.old-{}", name_of(out_dir), std::process::id()));
        std::fs::rename(out_dir, &old).map_err(io(out_dir))?;
        std::fs::rename(temporary, out_dir).map_err(io(out_dir))?;
        std::fs::remove_dir_all(&old).map_err(io(&old))
    } else {
        std::fs::rename(temporary, out_dir).map_err(io(out_dir))
    }
}

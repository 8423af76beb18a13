//! Writing a run's folder: replicates are appended as they finish, every numeric series is
//! summarised across replicates, and the folder is a [`StagedDir`]: it replaces the target
//! only once complete, and a failed or abandoned run leaves no partial folder.

use std::path::Path;

use serde::Serialize;
use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;

use crate::ReportError;
use crate::atomic::{StagedDir, io};
use crate::headline::{HeadlineSummaries, Headlines};
use crate::series::SeriesSummary;
use crate::table::{Table, TableFiles};
use crate::tables::{self, Schema};
use crate::window::Window;

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

/// The per-replicate tables: schema, builder, and whether a row missing from a replicate
/// means zero (flows, money) rather than no value (prices, incomes).
const TABLES: [(&Schema, TableFn, bool); 10] = [
    (&tables::FLOWS, tables::flows, true),
    (&tables::MONEY, tables::money, true),
    (&tables::FX, tables::fx, true),
    (&tables::PORTERS, tables::porters, false),
    (&tables::INCOMES, tables::incomes, false),
    (&tables::TRADE, tables::trade, true),
    (&tables::PRICES, tables::prices, false),
    (&tables::ACTIVITY, tables::activity, true),
    (&tables::BALANCES, tables::balances, true),
    (&tables::OBSERVED, tables::observed, true),
];

/// A run's output folder being written.
pub struct RunWriter {
    folder: StagedDir,
    replicate_files: Option<Vec<TableFiles>>,
    series: SeriesSummary,
    /// The printed figures' window (`None`: the whole run).
    window: Option<Window>,
    /// Headline figures, from the first replicate on.
    headlines: Option<Headlines>,
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
        let mut writer = RunWriter {
            folder: StagedDir::create(out_dir)?,
            replicate_files: None,
            series: SeriesSummary::default(),
            window: None,
            headlines: None,
        };
        if keep_replicate_files {
            writer.replicate_files = Some(
                TABLES
                    .iter()
                    .map(|(schema, _, _)| TableFiles::create(writer.folder.path(), schema.name))
                    .collect::<Result<_, _>>()?,
            );
        }
        Ok(writer)
    }

    /// Measures the headline figures over `window` instead of the whole run (they are
    /// also written per year either way).
    pub fn with_window(self, window: Option<Window>) -> RunWriter {
        RunWriter { window, ..self }
    }

    /// Adds the next replicate (replicates must come in replicate order).
    pub fn add(
        &mut self,
        params: &ModelParams,
        result: &ReplicateResult,
    ) -> Result<(), ReportError> {
        let one = std::slice::from_ref(result);
        for (i, (schema, build, absent_is_zero)) in TABLES.iter().enumerate() {
            let table = build(params, one);
            self.series.add(schema.name, *absent_is_zero, &table);
            if let Some(files) = &mut self.replicate_files {
                files[i].append(&table)?;
            }
        }
        self.series.end_replicate();
        self.headlines
            .get_or_insert_with(|| Headlines::new(params, self.window))
            .add(params, result);
        Ok(())
    }

    /// Writes the summaries (`summary.*`; the headline figures as `headline.*`, their
    /// printed table as `headline.txt`, and per year as `summary_by_year.*`),
    /// `extra_files` (name, contents) and the manifest, and moves the folder into place.
    /// Returns the headline summary.
    pub fn finish(
        self,
        manifest: &Manifest,
        extra_files: &[(&str, String)],
    ) -> Result<HeadlineSummaries, ReportError> {
        let mut files = Vec::new();
        let RunWriter {
            folder,
            replicate_files,
            series,
            headlines,
            ..
        } = self;
        if let Some(tables) = replicate_files {
            for (table, (schema, _, _)) in tables.into_iter().zip(TABLES) {
                table.finish()?;
                files.push(format!("{}.csv", schema.name));
                files.push(format!("{}.parquet", schema.name));
            }
        }
        series.finish().write(folder.path(), "summary")?;
        files.extend(["summary.csv".into(), "summary.parquet".into()]);
        let headlines = headlines
            .expect("a run has at least one replicate")
            .finish();
        files.extend(headlines.write(folder.path())?);
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
            let path = folder.path().join(name);
            std::fs::write(&path, format!("{contents}\n")).map_err(io(&path))?;
        }
        folder.commit()?;
        Ok(headlines)
    }
}

/// Writes every output of replicates already in memory (tests, small runs).
pub fn write_run(
    out_dir: &Path,
    manifest: &Manifest,
    params: &ModelParams,
    results: &[ReplicateResult],
    extra_files: &[(&str, String)],
) -> Result<HeadlineSummaries, ReportError> {
    let mut writer = RunWriter::create(out_dir, true)?;
    for result in results {
        writer.add(params, result)?;
    }
    writer.finish(manifest, extra_files)
}

//! Writing a run's folder: replicates are appended as they finish, every numeric series is
//! summarised across replicates, and the folder is a [`StagedDir`]: it replaces the target
//! only once complete, and a failed or abandoned run leaves no partial folder.
//!
//! The work of a replicate (its tables, their series, its headline figures) is done in a
//! [`RunPart`] on the worker that ran it, for a chunk of consecutive replicates; the
//! writer merges the parts in replicate order ([`RunWriter::merge`]), which only appends,
//! so its outputs do not depend on how the replicates were chunked or on the threads.

use std::path::Path;

use serde::{Deserialize, Serialize};
use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;

use crate::ReportError;
use crate::atomic::{StagedDir, io, remove_stale};
use crate::headline::{HeadlinePart, HeadlineSummaries, Headlines};
use crate::series::{SeriesPart, SeriesSummary};
use crate::summary::{Summary, SummaryBuilder};
use crate::table::{Table, TableFiles};
use crate::tables::{self, Both, RowSink, Schema, TableBuilder};
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
    /// The accepted parameter sets the replicates drew from (`yalu run --posterior`);
    /// `None`: every replicate ran the scenario's own values.
    pub posterior: Option<PosteriorUse>,
    /// Files in the folder.
    pub files: Vec<String>,
}

/// Which accepted parameter sets of a calibration's posterior a run's replicates used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosteriorUse {
    /// The posterior file, as given.
    pub file: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Accepted sets it holds.
    pub sets: usize,
    /// The parameter paths each set gives values for.
    pub parameters: Vec<String>,
    /// The set (0-based, in the file's order) each replicate ran, by replicate number.
    pub set_of_replicate: Vec<usize>,
}

/// What a run's 5-95% bands carry: randomness only, or parameter uncertainty too.
pub fn bands_note(posterior: Option<&PosteriorUse>) -> String {
    match posterior {
        None => "Bands: randomness only (every replicate runs the scenario's own parameter \
                 values)."
            .to_owned(),
        Some(p) => {
            let mut used = p.set_of_replicate.clone();
            used.sort_unstable();
            used.dedup();
            format!(
                "Bands: randomness and parameter uncertainty: each replicate drew one of the {} \
                 accepted parameter sets of {} ({} distinct sets used; parameters: {}).",
                p.sets,
                p.file,
                used.len(),
                p.parameters.join(", ")
            )
        }
    }
}

/// The per-replicate tables, in the order a run folder lists them.
const TABLES: [&Schema; 12] = [
    &tables::FLOWS,
    &tables::MONEY,
    &tables::FX,
    &tables::PORTERS,
    &tables::INCOMES,
    &tables::TRADE,
    &tables::PRICES,
    &tables::RATES,
    &tables::ACTIVITY,
    &tables::BALANCES,
    &tables::OBSERVED,
    &tables::DECLARED,
];

/// What a chunk of consecutive replicates gives, gathered on the thread that ran them:
/// each numeric series across them, their headline figures, and their tables if the run
/// keeps them. Made by [`RunWriter::part`] or [`RunTables::part`], merged by their `merge`.
#[derive(Clone)]
pub struct RunPart {
    series: SeriesPart,
    headlines: HeadlinePart,
    /// Each replicate's tables, in [`TABLES`] order; `None` when the run does not keep
    /// them.
    tables: Option<Vec<Vec<Table>>>,
}

impl RunPart {
    fn new(gathered: &Gathered, keep_tables: bool) -> RunPart {
        RunPart {
            series: gathered.series.part(),
            headlines: HeadlinePart::new(gathered.window),
            tables: keep_tables.then(Vec::new),
        }
    }

    /// Adds the chunk's next replicate (in replicate order). Without tables to keep, a
    /// table's rows go straight into the series, never built into a [`Table`].
    pub fn add(&mut self, params: &ModelParams, result: &ReplicateResult) {
        let months: Vec<String> = result.months.iter().map(ToString::to_string).collect();
        let mut kept = Vec::new();
        for schema in TABLES {
            let fill = |rows: &mut dyn RowSink| (schema.fill)(params, result, rows);
            if self.tables.is_some() {
                let mut table = TableBuilder::new(schema);
                table.replicate(result);
                self.series.add(schema, &months, |series| {
                    fill(&mut Both(&mut table, series))
                });
                kept.push(table.finish());
            } else {
                self.series.add(schema, &months, fill);
            }
        }
        self.series.end_replicate();
        if let Some(tables) = &mut self.tables {
            tables.push(kept);
        }
        self.headlines.add(params, result);
    }
}

/// What every run gathers, whether it writes a folder or keeps its tables in memory: each
/// numeric series across replicates (`summary.*`) and the headline figures.
#[derive(Default)]
struct Gathered {
    series: SeriesSummary,
    /// The printed figures' window (`None`: the whole run).
    window: Option<Window>,
    /// Whether the printed figures keep every replicate's value (in memory only).
    every_value: bool,
    /// Headline figures, from the first replicate on.
    headlines: Option<Headlines>,
}

impl Gathered {
    /// Appends a part's series and headline figures, after the replicates already here.
    fn merge(&mut self, series: SeriesPart, headlines: HeadlinePart) {
        self.series.merge(series);
        if let Some(run) = headlines.run() {
            self.headlines
                .get_or_insert_with(|| Headlines::starting(run, self.window, self.every_value))
                .add_part(headlines);
        }
    }
}

/// A run's output folder being written.
pub struct RunWriter {
    folder: StagedDir,
    keep: Vec<String>,
    replicate_files: Option<Vec<TableFiles>>,
    gathered: Gathered,
}

impl RunWriter {
    /// Starts a run's folder. With `keep_replicate_files` false only the summaries are
    /// written (for runs of many replicates). An existing folder is replaced at the end
    /// only if it is empty or a Yalu output (its manifest.json lists the files Yalu wrote);
    /// entries Yalu did not write are kept, moved into the new folder, and a run that
    /// would overwrite one is refused.
    pub fn create(out_dir: &Path, keep_replicate_files: bool) -> Result<RunWriter, ReportError> {
        // An earlier output that a killed run had set aside is put back first.
        remove_stale(out_dir);
        let keep = foreign_entries(out_dir)?;
        let mut writer = RunWriter {
            folder: StagedDir::create(out_dir)?,
            keep,
            replicate_files: None,
            gathered: Gathered::default(),
        };
        if keep_replicate_files {
            writer.replicate_files = Some(
                TABLES
                    .iter()
                    .map(|schema| TableFiles::create(writer.folder.path(), schema.name))
                    .collect::<Result<_, _>>()?,
            );
        }
        Ok(writer)
    }

    /// Entries of the existing folder that Yalu did not write; they are kept.
    pub fn kept(&self) -> &[String] {
        &self.keep
    }

    /// Measures the headline figures over `window` instead of the whole run (they are
    /// also written per year either way).
    pub fn with_window(mut self, window: Option<Window>) -> RunWriter {
        self.gathered.window = window;
        self
    }

    /// An empty part for a chunk of this run's replicates, to fill on any thread.
    pub fn part(&self) -> RunPart {
        RunPart::new(&self.gathered, self.replicate_files.is_some())
    }

    /// Adds the next replicate (replicates must come in replicate order).
    pub fn add(
        &mut self,
        params: &ModelParams,
        result: &ReplicateResult,
    ) -> Result<(), ReportError> {
        let mut part = self.part();
        part.add(params, result);
        self.merge(part)
    }

    /// Appends a part, made by [`RunWriter::part`], holding the replicates that follow
    /// those already added.
    pub fn merge(&mut self, part: RunPart) -> Result<(), ReportError> {
        if let (Some(files), Some(tables)) = (&mut self.replicate_files, part.tables) {
            for replicate in &tables {
                for (file, table) in files.iter_mut().zip(replicate) {
                    file.append(table)?;
                }
            }
        }
        self.gathered.merge(part.series, part.headlines);
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
            keep,
            replicate_files,
            gathered: Gathered {
                series, headlines, ..
            },
        } = self;
        if let Some(tables) = replicate_files {
            for (table, schema) in tables.into_iter().zip(TABLES) {
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
        folder.commit_keeping(&keep)?;
        Ok(headlines)
    }
}

/// A run's outputs kept in memory instead of written (the Python API): every replicate's
/// tables, built by the same code as a run folder's files, and the same summaries.
pub struct RunTables {
    /// Per table (in [`TABLES`] order), its piece from each replicate; `None` when only
    /// the summaries are kept.
    replicates: Option<Vec<Vec<Table>>>,
    gathered: Gathered,
}

/// What [`RunTables::finish`] gives.
pub struct RunOutputs {
    /// Each per-replicate table's name and its pieces, one per replicate in replicate
    /// order, in the order a run folder lists them.
    pub tables: Vec<(&'static str, Vec<Table>)>,
    /// Every numeric series across replicates, as `summary.csv` holds it.
    pub series: Table,
    /// The headline figures across replicates.
    pub summary: Summary,
}

impl RunTables {
    /// Starts gathering; with `keep_replicate_tables` false only the summaries are kept
    /// (the tables of [`RunOutputs`] are then empty), as `--no-replicate-files` does.
    /// Every replicate's headline values are kept ([`crate::summary::Spread::values`]).
    pub fn new(keep_replicate_tables: bool) -> RunTables {
        RunTables {
            replicates: keep_replicate_tables.then(|| TABLES.iter().map(|_| Vec::new()).collect()),
            gathered: Gathered {
                every_value: true,
                ..Gathered::default()
            },
        }
    }

    /// An empty part for a chunk of this run's replicates, to fill on any thread.
    pub fn part(&self) -> RunPart {
        RunPart::new(&self.gathered, self.replicates.is_some())
    }

    /// Adds the next replicate (replicates must come in replicate order).
    pub fn add(&mut self, params: &ModelParams, result: &ReplicateResult) {
        let mut part = self.part();
        part.add(params, result);
        self.merge(part);
    }

    /// Appends a part, made by [`RunTables::part`], holding the replicates that follow
    /// those already added.
    pub fn merge(&mut self, part: RunPart) {
        if let (Some(kept), Some(tables)) = (&mut self.replicates, part.tables) {
            for replicate in tables {
                for (pieces, table) in kept.iter_mut().zip(replicate) {
                    pieces.push(table);
                }
            }
        }
        self.gathered.merge(part.series, part.headlines);
    }

    /// The tables and summaries.
    pub fn finish(self) -> RunOutputs {
        let mut pieces = self.replicates.unwrap_or_default().into_iter();
        RunOutputs {
            tables: TABLES
                .iter()
                .map(|schema| (schema.name, pieces.next().unwrap_or_default()))
                .collect(),
            series: self.gathered.series.finish(),
            summary: self.gathered.headlines.map_or_else(
                || SummaryBuilder::default().finish(),
                |h| h.finish().summary,
            ),
        }
    }
}

/// The entries of `out_dir` that a run may keep: none for an absent or empty folder, those
/// its Yalu manifest does not list for an earlier output; an error for anything else.
fn foreign_entries(out_dir: &Path) -> Result<Vec<String>, ReportError> {
    let path = out_dir.display().to_string();
    let not_yalu = |reason: &str| ReportError::NotAYaluFolder {
        path: path.clone(),
        reason: reason.to_owned(),
    };
    if !out_dir.is_dir() {
        // Absent, or a file: StagedDir::create says which problem it is.
        return Ok(Vec::new());
    }
    let mut entries: Vec<String> = std::fs::read_dir(out_dir)
        .and_then(|dir| {
            dir.map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect()
        })
        .map_err(io(out_dir))?;
    entries.sort();
    if entries.is_empty() {
        return Ok(entries);
    }
    let manifest = out_dir.join("manifest.json");
    let text = match std::fs::read_to_string(&manifest) {
        Ok(text) => text,
        // What `yalu validate` or `yalu report` left in the folder before any run: kept.
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && entries
                    .iter()
                    .all(|e| OTHER_COMMANDS_FILES.contains(&e.as_str())) =>
        {
            return Ok(entries);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not_yalu("has no manifest.json"));
        }
        Err(_) => return Err(not_yalu("its manifest.json cannot be read as text")),
    };
    let written = serde_json::from_str::<WrittenBy>(&text)
        .ok()
        .filter(|m| !m.yalu_version.is_empty())
        .ok_or_else(|| not_yalu("its manifest.json was not written by Yalu"))?
        .files;
    let writes: Vec<String> = TABLES
        .iter()
        .flat_map(|schema| {
            [
                format!("{}.csv", schema.name),
                format!("{}.parquet", schema.name),
            ]
        })
        .chain(RUN_FILES.iter().map(|name| (*name).to_owned()))
        .collect();
    let foreign: Vec<String> = entries
        .into_iter()
        .filter(|e| !written.contains(e))
        .collect();
    if let Some(name) = foreign.iter().find(|e| writes.contains(e)) {
        return Err(ReportError::ForeignEntry {
            path,
            name: name.clone(),
        });
    }
    Ok(foreign)
}

/// Entries other commands write into a run's folder (`yalu validate`, `yalu report`); a
/// run keeps them, even in a folder no run has written yet.
const OTHER_COMMANDS_FILES: [&str; 4] = [
    "validation.json",
    "observations.json",
    "report.html",
    "charts",
];

/// Files a run writes besides the per-replicate tables.
const RUN_FILES: [&str; 4] = [
    "summary.csv",
    "summary.parquet",
    "scenario.json",
    "manifest.json",
];

/// What marks a manifest as Yalu's: its version and the files it wrote.
#[derive(serde::Deserialize)]
struct WrittenBy {
    yalu_version: String,
    files: Vec<String>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_starts_with_the_key_and_gives_each_other_column_a_kind() {
        for schema in TABLES {
            assert_eq!(
                &schema.columns[..3],
                &["replicate", "seed", "month"],
                "{}",
                schema.name
            );
            assert_eq!(
                schema.columns.len(),
                3 + schema.kinds.len(),
                "{}",
                schema.name
            );
            assert!(
                schema.metrics().count() > 0,
                "{} measures nothing",
                schema.name
            );
        }
    }
}

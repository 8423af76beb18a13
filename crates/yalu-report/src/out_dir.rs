//! Writing a run's folder atomically: everything goes into a hidden temporary sibling,
//! which replaces the target only once complete. A failed run leaves no partial folder.

use std::path::{Path, PathBuf};

use serde::Serialize;
use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;

use crate::ReportError;
use crate::table::Table;
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

/// Writes every output of a run into `out_dir`, replacing an earlier Yalu output there.
pub fn write_run(
    out_dir: &Path,
    manifest: &Manifest,
    params: &ModelParams,
    results: &[ReplicateResult],
) -> Result<(), ReportError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| ReportError::Io { path, source }
    };
    if out_dir.exists() && !out_dir.join("manifest.json").is_file() {
        return Err(ReportError::NotAYaluFolder {
            path: out_dir.display().to_string(),
        });
    }
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let name = out_dir
        .file_name()
        .map_or_else(|| "run".into(), |n| n.to_string_lossy().into_owned());
    let temporary = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if temporary.exists() {
        std::fs::remove_dir_all(&temporary).map_err(io(&temporary))?;
    }
    std::fs::create_dir(&temporary).map_err(io(&temporary))?;

    let written = write_files(&temporary, manifest, params, results)
        .and_then(|()| replace(&temporary, out_dir, parent, &name));
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&temporary);
    }
    written
}

fn write_files(
    dir: &Path,
    manifest: &Manifest,
    params: &ModelParams,
    results: &[ReplicateResult],
) -> Result<(), ReportError> {
    let outputs: [(&str, Table); 6] = [
        ("flows", tables::flows(params, results)),
        ("money", tables::money(params, results)),
        ("porters", tables::porters(params, results)),
        ("incomes", tables::incomes(params, results)),
        ("trade", tables::trade(params, results)),
        ("prices", tables::prices(params, results)),
    ];
    let mut files = Vec::new();
    for (name, table) in &outputs {
        table.write_csv(&dir.join(format!("{name}.csv")))?;
        table.write_parquet(&dir.join(format!("{name}.parquet")))?;
        files.push(format!("{name}.csv"));
        files.push(format!("{name}.parquet"));
    }
    files.push("manifest.json".into());
    let manifest = Manifest {
        files,
        ..manifest.clone()
    };
    let path = dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).expect("manifest serializes");
    std::fs::write(&path, json + "\n").map_err(|source| ReportError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Moves the finished folder into place, setting any earlier output aside first.
fn replace(temporary: &Path, out_dir: &Path, parent: &Path, name: &str) -> Result<(), ReportError> {
    let io = |path: PathBuf| {
        move |source| ReportError::Io {
            path: path.display().to_string(),
            source,
        }
    };
    if out_dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(out_dir, &old).map_err(io(out_dir.to_path_buf()))?;
        std::fs::rename(temporary, out_dir).map_err(io(out_dir.to_path_buf()))?;
        std::fs::remove_dir_all(&old).map_err(io(old.clone()))
    } else {
        std::fs::rename(temporary, out_dir).map_err(io(out_dir.to_path_buf()))
    }
}

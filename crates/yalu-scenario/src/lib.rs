//! Yalu scenarios: the TOML schema, its validation with precise diagnostics, the evidence
//! registry and the embedded baseline.
//!
//! A scenario's sections are declared once, in `yalu_model::params`; [`Scenario::parse`]
//! reads the file as a spanned TOML tree and checks each section against its declaration
//! (unknown keys, units, bounds, evidence), then the rules that tie fields together.
#![deny(missing_docs)]

mod citation;
mod dates;
pub mod declared;
pub mod error;
pub mod events;
pub mod evidence;
pub mod listing;
pub mod overrides;
mod read;
pub mod records;
mod refs;
pub mod scenario;

pub use error::{ErrorKind, ScenarioError, ScenarioErrors, SourceText};
pub use evidence::Registry;
pub use listing::{EvidenceArgs, EvidenceView, Format, Listing, coverage_table};
pub use records::{
    CoverageReport, CoverageRow, Evidence, EvidenceDocument, InfluentialInput, KindCount,
    ParameterRecord, RegistrySummary, Value, coverage, coverage_of, coverage_report,
    most_influential,
};
pub use scenario::{BASELINE, Scenario, SiteInfo};

use std::io::Read;
use std::path::Path;

/// Reads and validates a scenario file.
pub fn load(path: &Path, registry: &Registry) -> Result<Scenario, LoadError> {
    let text = read_text(path)?;
    Ok(Scenario::parse(
        &SourceText::new(path.display().to_string(), text),
        registry,
    )?)
}

/// Checks a scenario file: `FILE: ok (NAME, N inputs with evidence)`, or why it does not
/// load (what `yalu check` says of each file).
pub fn check(path: &Path, registry: &Registry) -> Result<String, LoadError> {
    let scenario = load(path, registry)?;
    Ok(format!(
        "{}: ok ({}, {} inputs with evidence)\n",
        path.display(),
        scenario.name,
        scenario.parameters.len()
    ))
}

/// The largest scenario or experiment file read (a device such as `/dev/zero` named as a
/// scenario is refused, not read forever).
pub const MAX_TEXT_BYTES: u64 = 16 << 20;

/// Reads a text file (a scenario or an experiment file): bytes that are not UTF-8 are an
/// error located at the first of them.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let name = || path.display().to_string();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_TEXT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|error| LoadError::Read {
            path: name(),
            error,
        })?;
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(LoadError::Read {
            path: name(),
            error: std::io::Error::other(format!(
                "larger than {} MiB, too large for a scenario or experiment file",
                MAX_TEXT_BYTES >> 20
            )),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(&bytes[..valid]);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        LoadError::NotUtf8 {
            path: name(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            byte: bytes.get(valid).copied().unwrap_or(0),
        }
    })
}

/// Why a scenario file could not be loaded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read scenario file {path}: {error}")]
    Read {
        /// The path.
        path: String,
        /// The IO error (said in the message, so not a separate cause).
        error: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error(
        "{path}:{line}:{column}: the file is not UTF-8 text (byte 0x{byte:02x} there); save \
         it as UTF-8"
    )]
    NotUtf8 {
        /// The path.
        path: String,
        /// Line of the first invalid byte, from 1.
        line: usize,
        /// Column (in characters) of the first invalid byte, from 1.
        column: usize,
        /// The byte.
        byte: u8,
    },
    /// The file has problems.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(#[from] ScenarioErrors),
}

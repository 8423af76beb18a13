//! Yalu scenarios: the TOML schema, its validation with precise diagnostics, the evidence
//! registry and the embedded baseline.
//!
//! A scenario's sections are declared once, in `yalu_model::params`; [`Scenario::parse`]
//! reads the file as a spanned TOML tree and checks each section against its declaration
//! (unknown keys, units, bounds, evidence), then the rules that tie fields together.
#![deny(missing_docs)]

pub mod declared;
pub mod error;
pub mod evidence;
pub mod overrides;
mod read;
pub mod records;
pub mod scenario;

pub use error::{ErrorKind, ScenarioError, ScenarioErrors, SourceText};
pub use evidence::Registry;
pub use records::{
    CoverageRow, Evidence, ParameterRecord, Value, coverage, coverage_of, most_influential,
};
pub use scenario::{BASELINE, EvidenceDocument, Scenario, SiteInfo};

use std::path::Path;

/// Reads and validates a scenario file.
pub fn load(path: &Path, registry: &Registry) -> Result<Scenario, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Scenario::parse(
        &SourceText::new(path.display().to_string(), text),
        registry,
    )?)
}

/// Why a scenario file could not be loaded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read scenario file {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The file has problems.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(#[from] ScenarioErrors),
}

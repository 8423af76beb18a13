//! Yalu outputs: the run's tidy tables as CSV and Parquet, the manifest, and the summary
//! printed at the end of a run. A run's folder is written under a temporary name and
//! renamed into place only when every file is complete.
#![deny(missing_docs)]

pub mod atomic;
pub mod format;
pub mod headline;
pub mod html;
pub mod out_dir;
pub mod outputs;
pub mod series;
pub mod summary;
pub mod table;
pub mod tables;
pub mod window;

pub use out_dir::{
    Manifest, PosteriorUse, RunOutputs, RunTables, RunWriter, bands_note, write_run,
};
pub use summary::{Band, Summary, SummaryBuilder};

/// Why outputs could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A file or folder could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// Path involved.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// A Parquet file could not be written.
    #[error("cannot write Parquet file {path}: {message}")]
    Parquet {
        /// Path involved.
        path: String,
        /// What the Parquet writer said.
        message: String,
    },
    /// The output folder exists and was not written by Yalu, so it is not replaced.
    #[error(
        "output folder {path} exists and {reason}, so it is not a Yalu output and is left as it is; choose another --out"
    )]
    NotAYaluFolder {
        /// The folder.
        path: String,
        /// What gave it away.
        reason: String,
    },
    /// The output location cannot be used (the user's `--out`): a file where a folder
    /// should be, or a folder that cannot be created or written.
    #[error("cannot use {path} as the output folder: {reason}; choose another --out")]
    BadOutDir {
        /// The folder asked for.
        path: String,
        /// Why not.
        reason: String,
    },
    /// The output folder holds an entry Yalu did not write under a name this run writes.
    #[error(
        "output folder {path} holds {name}, which Yalu did not write and this run would \
         overwrite; move it away or choose another --out"
    )]
    ForeignEntry {
        /// The folder.
        path: String,
        /// The entry.
        name: String,
    },
    /// A run's folder lacks files the report needs (all of them when the folder is absent).
    #[error(
        "{dir} is not a complete Yalu output: missing {}; run `yalu run --out {dir}` first",
        missing.join(", ")
    )]
    MissingOutputs {
        /// The folder.
        dir: String,
        /// Names of the missing files.
        missing: Vec<String>,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// Path involved.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// A file could not be parsed.
    #[error("{path}, line {line}: {message}")]
    Malformed {
        /// Path involved.
        path: String,
        /// Line of the problem, from 1.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

impl ReportError {
    /// Whether the user's input is at fault (an unusable `--out`, a folder that is not a
    /// Yalu output): exit code 2 rather than 1.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            ReportError::BadOutDir { .. }
                | ReportError::ForeignEntry { .. }
                | ReportError::NotAYaluFolder { .. }
                | ReportError::MissingOutputs { .. }
        )
    }
}

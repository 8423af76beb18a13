//! Yalu experiments. For now: an ensemble of replicates of one scenario, run in parallel
//! across replicates with rayon and returned in replicate order, so results do not depend
//! on the number of threads.
#![deny(missing_docs)]
pub mod design;
pub mod sensitivity;

use rayon::prelude::*;
use yalu_model::{ModelError, ModelParams, ReplicateResult, run_replicate};

/// Why an ensemble could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabError {
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// Why not.
        source: rayon::ThreadPoolBuildError,
    },
    /// A replicate failed its checks.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// What an ensemble is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct EnsembleSpec {
    /// Master seed.
    pub seed: u64,
    /// Number of replicates, numbered from 0.
    pub replicates: u32,
    /// Worker threads; 0 lets rayon choose (one per core).
    pub threads: usize,
}

/// Runs every replicate, calling `on_done` after each one finishes (from worker threads),
/// and returns the results in replicate order. Fails on the first replicate that fails.
pub fn run_ensemble(
    params: &ModelParams,
    spec: EnsembleSpec,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<ReplicateResult>, LabError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(spec.threads)
        .build()
        .map_err(|source| LabError::ThreadPool {
            threads: spec.threads,
            source,
        })?;
    let results: Result<Vec<_>, ModelError> = pool.install(|| {
        (0..spec.replicates)
            .into_par_iter()
            .map(|replicate| {
                let result = run_replicate(params, spec.seed, replicate);
                on_done();
                result
            })
            .collect()
    });
    Ok(results?)
}

//! Yalu experiments: ensembles of replicates streamed in replicate order (so results do
//! not depend on the number of threads, and memory does not grow with the number of
//! replicates), paired comparisons with common random numbers, parameter sweeps that
//! resume, and sensitivity analysis.
//!
//! Modules: [`experiment`] (the runner: design points, overrides, replicates with common
//! random numbers, outputs, aggregation), [`design`] (grids, Latin hypercubes, Saltelli
//! and Morris designs), [`sensitivity`] (Morris effects, Sobol indices) and
//! [`sensitivity_file`] (a sensitivity experiment), [`sweep`] and [`store`] (resumable
//! sweeps in SQLite), [`compare`] (paired scenario comparison), [`patterns`] (P1-P15),
//! [`calibrate`] (ABC rejection), [`calibration_file`] (a calibration experiment) and
//! [`posterior`] (its accepted parameter sets, which runs draw their replicates from);
//! [`validation`] puts the patterns and the [`observations`] in one score;
//! [`run_folder`] (`yalu run` and `yalu validate` into their folder), [`ray`] (a sweep's
//! units on a Ray cluster, through the Python driver), [`progress_bar`] (progress on the
//! terminal).
#![deny(missing_docs)]
pub mod budget;
pub mod calibrate;
pub mod calibration_file;
pub mod compare;
pub mod design;
pub mod experiment;
pub mod observations;
pub mod patterns;
pub mod posterior;
pub mod progress_bar;
pub mod ray;
pub mod run_folder;
pub mod sensitivity;
pub mod sensitivity_file;
pub mod store;
pub mod sweep;
pub mod validation;

use experiment::{Progress, Unit, run_units};
use yalu_model::{ModelError, ModelParams, ReplicateResult};

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
    /// The consumer of the results failed (for example, writing them).
    #[error(transparent)]
    Consumer(Box<dyn std::error::Error + Send + Sync>),
    /// Stopped between replicates when asked to ([`experiment::Progress::cancelled`]).
    #[error("stopped between replicates, as asked")]
    Cancelled,
}

/// An error and its causes, each said once and joined by `: `: a cause whose text the
/// message already contains (an OS or SQLite error that the message quotes) is not
/// repeated.
pub fn said_once(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut cause = Some(error);
    while let Some(error) = cause {
        let said = error.to_string();
        if !text.contains(&said) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&said);
        }
        cause = error.source();
    }
    text
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

/// A rayon pool of the requested size.
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, LabError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| LabError::ThreadPool { threads, source })
}

/// Replicates run at once per worker thread before their results are handed over.
pub const BATCH_PER_THREAD: u32 = 4;

/// Runs replicates in parallel batches and hands each result to `consume` in replicate
/// order; `on_done` is called as each replicate finishes (from worker threads). Only one
/// batch of results is held in memory at a time.
pub fn for_each_replicate(
    params: &ModelParams,
    spec: EnsembleSpec,
    on_done: &dyn Progress,
    consume: &mut dyn FnMut(
        ReplicateResult,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
) -> Result<(), LabError> {
    for_each_replicate_of(&|_| params, spec, on_done, &mut |_, result| consume(result))
}

/// As [`for_each_replicate`], replicate `r` running `params_of(r)` (a set drawn from a
/// posterior, say); `consume` gets each result with the parameters it ran.
pub fn for_each_replicate_of<'a>(
    params_of: &(dyn Fn(u32) -> &'a ModelParams + Sync),
    spec: EnsembleSpec,
    on_done: &dyn Progress,
    consume: &mut dyn FnMut(
        &'a ModelParams,
        ReplicateResult,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
) -> Result<(), LabError> {
    let pool = thread_pool(spec.threads)?;
    let batch = pool.current_num_threads() as u32 * BATCH_PER_THREAD;
    let units_of = |first: u32| -> Vec<Unit> {
        (first..(first + batch).min(spec.replicates))
            .map(|replicate| Unit {
                params: params_of(replicate),
                seed: spec.seed,
                replicate,
            })
            .collect()
    };
    let simulate = |units: &[Unit]| run_units(&pool, units, &|_, result| result, on_done);
    // The next batch simulates on the pool while this thread consumes the current one,
    // so the serial consumer (summaries, files) no longer leaves the workers idle. The
    // order of consumption, and so every output, is unchanged; two batches are held.
    let mut units = units_of(0);
    let mut results = simulate(&units)?;
    while !units.is_empty() {
        let next_units = units_of(units[units.len() - 1].replicate + 1);
        let (next_results, consumed) = std::thread::scope(|scope| {
            let next = scope.spawn(|| simulate(&next_units));
            let consumed = units
                .iter()
                .zip(results)
                .try_for_each(|(unit, result)| consume(unit.params, result))
                .map_err(LabError::Consumer);
            let next = next
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (next, consumed)
        });
        consumed?;
        results = next_results?;
        units = next_units;
    }
    Ok(())
}

/// Runs every replicate and returns the results in replicate order (for small runs and
/// tests; large runs should stream with [`for_each_replicate`]).
pub fn run_ensemble(
    params: &ModelParams,
    spec: EnsembleSpec,
    on_done: &dyn Progress,
) -> Result<Vec<ReplicateResult>, LabError> {
    let mut results = Vec::with_capacity(spec.replicates as usize);
    for_each_replicate(params, spec, on_done, &mut |r| {
        results.push(r);
        Ok(())
    })?;
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{message}")]
    struct Said {
        message: &'static str,
        #[source]
        cause: Option<Box<Said>>,
    }

    fn said(message: &'static str, cause: Option<Said>) -> Said {
        Said {
            message,
            cause: cause.map(Box::new),
        }
    }

    #[test]
    fn causes_are_joined_and_a_quoted_one_is_not_repeated() {
        let disk = said("disk full", None);
        let quoted = said("cannot write out/a.csv: disk full", Some(disk));
        let run = said("the run failed", Some(quoted));
        assert_eq!(
            said_once(&run),
            "the run failed: cannot write out/a.csv: disk full"
        );
        let io = said("broken pipe", None);
        assert_eq!(
            said_once(&said("cannot print", Some(io))),
            "cannot print: broken pipe"
        );
    }
}

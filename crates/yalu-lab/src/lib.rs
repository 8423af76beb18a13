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

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use experiment::Progress;
use yalu_model::{ModelError, ModelParams, ReplicateResult, Setup};

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

/// Chunks of replicates in flight (running, or done and waiting to be merged) per worker
/// thread: bounds what is held in unmerged parts or results.
pub const CHUNKS_PER_THREAD: u32 = 2;

/// The most consecutive replicates a worker folds into one part before it is merged.
const CHUNK_MAX: u32 = 16;

/// An error raised by the code consuming the replicates.
pub type ConsumerError = Box<dyn std::error::Error + Send + Sync>;

/// Runs replicates on the pool, a chunk of consecutive replicates per task: each task folds
/// its replicates, in replicate order, into a part made by `start`, with `add`, on the
/// worker that ran them; `merge` receives the parts on the calling thread in replicate
/// order while the workers go on with the next chunks. Replicate `r` runs `params_of(r)`
/// (a set drawn from a posterior, say). `on_done` is told as each replicate finishes (from
/// worker threads), and no replicate starts once it asks to stop. A few chunks are in
/// flight at a time, so memory does not grow with the number of replicates.
///
/// Chunks hold at most 16 replicates, fewer when there are few per thread (so both cores
/// work on a small run): the chunking depends on the thread count, so `merge` must
/// append in order, as if the replicates had come one at a time.
pub fn fold_replicates_of<'a, P: Send>(
    params_of: &(dyn Fn(u32) -> &'a ModelParams + Sync),
    spec: EnsembleSpec,
    on_done: &dyn Progress,
    start: &(dyn Fn() -> P + Sync),
    add: &(dyn Fn(&mut P, &'a ModelParams, ReplicateResult) + Sync),
    merge: &mut dyn FnMut(P) -> Result<(), ConsumerError>,
) -> Result<(), LabError> {
    let pool = thread_pool(spec.threads)?;
    let threads = pool.current_num_threads() as u32;
    let chunk = spec.replicates.div_ceil(threads * 4).clamp(1, CHUNK_MAX);
    fold_chunks(&pool, chunk, params_of, spec, on_done, start, add, merge)
}

/// [`fold_replicates_of`] with chunks of `chunk` replicates.
#[allow(clippy::too_many_arguments)]
fn fold_chunks<'a, P: Send>(
    pool: &rayon::ThreadPool,
    chunk: u32,
    params_of: &(dyn Fn(u32) -> &'a ModelParams + Sync),
    spec: EnsembleSpec,
    on_done: &dyn Progress,
    start: &(dyn Fn() -> P + Sync),
    add: &(dyn Fn(&mut P, &'a ModelParams, ReplicateResult) + Sync),
    merge: &mut dyn FnMut(P) -> Result<(), ConsumerError>,
) -> Result<(), LabError> {
    let chunks = spec.replicates.div_ceil(chunk);
    let in_flight = pool.current_num_threads() as u32 * CHUNKS_PER_THREAD;
    // Set when the merge fails: the chunks still running stop between replicates.
    let failed = AtomicBool::new(false);
    let run_chunk = |index: u32| -> Result<P, LabError> {
        let mut part = start();
        let first = index * chunk;
        // Consecutive replicates of the same parameters share their setup.
        let mut setup: Option<Setup<'a>> = None;
        for replicate in first..(first + chunk).min(spec.replicates) {
            if on_done.cancelled() || failed.load(Ordering::Relaxed) {
                return Err(LabError::Cancelled);
            }
            let params = params_of(replicate);
            let setup = match setup.take() {
                Some(kept) if kept.is_of(params) => setup.insert(kept),
                _ => setup.insert(Setup::new(params)),
            };
            add(&mut part, params, setup.run(spec.seed, replicate)?);
            on_done.done();
        }
        Ok(part)
    };
    type Outcome<P> = std::thread::Result<Result<P, LabError>>;
    let (sender, receiver) = mpsc::channel::<(u32, Outcome<P>)>();
    pool.in_place_scope(|scope| {
        let spawn = |index: u32| {
            let sender = sender.clone();
            let run_chunk = &run_chunk;
            scope.spawn(move |_| {
                // A panic is sent too, so the merging thread never waits for a part that
                // will not come; the receiver outlives the scope.
                let _ = sender.send((index, catch_unwind(AssertUnwindSafe(|| run_chunk(index)))));
            });
        };
        let mut spawned = chunks.min(in_flight);
        (0..spawned).for_each(&spawn);
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        let mut merged = || -> Result<(), LabError> {
            while next < chunks {
                let (index, outcome) = receiver.recv().expect("the scope holds a sender");
                waiting.insert(index, outcome);
                while let Some(outcome) = waiting.remove(&next) {
                    let part = outcome.unwrap_or_else(|panic| resume_unwind(panic))?;
                    merge(part).map_err(LabError::Consumer)?;
                    next += 1;
                    if spawned < chunks {
                        spawn(spawned);
                        spawned += 1;
                    }
                }
            }
            Ok(())
        };
        let outcome = catch_unwind(AssertUnwindSafe(&mut merged));
        if !matches!(outcome, Ok(Ok(()))) {
            failed.store(true, Ordering::Relaxed);
        }
        outcome.unwrap_or_else(|panic| resume_unwind(panic))
    })
}

/// Runs replicates in parallel and hands each result to `consume` in replicate order;
/// `on_done` is called as each replicate finishes (from worker threads). Only a few
/// results are held at a time.
pub fn for_each_replicate(
    params: &ModelParams,
    spec: EnsembleSpec,
    on_done: &dyn Progress,
    consume: &mut dyn FnMut(ReplicateResult) -> Result<(), ConsumerError>,
) -> Result<(), LabError> {
    for_each_replicate_of(&|_| params, spec, on_done, &mut |_, result| consume(result))
}

/// As [`for_each_replicate`], replicate `r` running `params_of(r)` (a set drawn from a
/// posterior, say); `consume` gets each result with the parameters it ran.
pub fn for_each_replicate_of<'a>(
    params_of: &(dyn Fn(u32) -> &'a ModelParams + Sync),
    spec: EnsembleSpec,
    on_done: &dyn Progress,
    consume: &mut dyn FnMut(&'a ModelParams, ReplicateResult) -> Result<(), ConsumerError>,
) -> Result<(), LabError> {
    let pool = thread_pool(spec.threads)?;
    // One replicate a chunk: the consumer gets each result as soon as its turn comes.
    fold_chunks(
        &pool,
        1,
        params_of,
        spec,
        on_done,
        &Vec::new,
        &|results, params, result| results.push((params, result)),
        &mut |results| {
            results
                .into_iter()
                .try_for_each(|(params, result)| consume(params, result))
        },
    )
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

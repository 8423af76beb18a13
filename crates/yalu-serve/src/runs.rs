//! Runs: a bounded number execute at once on their own threads, the rest wait in a queue
//! whose positions are published; each run can be cancelled between replicates; finished
//! runs are cached by (scenario hash, seed, replicates) and their folders written under
//! the workbench's run folder by the same writer as `yalu run`.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use yalu_lab::experiment::{Unit, run_units};
use yalu_lab::thread_pool;
use yalu_lab::validation::Validation;
use yalu_model::ReplicateResult;
use yalu_report::{Manifest, RunWriter};
use yalu_scenario::{Registry, Scenario};

use crate::figures::{Measurements, measure};

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting for a free slot.
    Queued,
    /// Running.
    Running,
    /// Finished; results available.
    Done,
    /// Stopped on request.
    Cancelled,
    /// Failed (the message says why).
    Failed,
}

impl State {
    /// Whether the run will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, State::Done | State::Cancelled | State::Failed)
    }
}

/// A run's progress, as streamed to the page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Progress {
    /// The run's id.
    pub id: String,
    /// Where it stands.
    pub state: State,
    /// Replicates finished.
    pub done: u32,
    /// Replicates asked for.
    pub total: u32,
    /// Position in the queue (1 = next), while queued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a run computes.
pub struct Request {
    /// The checked scenario.
    pub scenario: Scenario,
    /// The text it was read from (hashed for the cache key and written in the manifest).
    pub text: String,
    /// Master seed.
    pub seed: u64,
    /// Replicates.
    pub replicates: u32,
}

/// A finished run's results.
pub struct Results {
    /// Every figure's values, replicate by replicate.
    pub measurements: Measurements,
    /// The patterns checked against the evidence (as `yalu validate` reports them).
    pub validation: serde_json::Value,
    /// Seconds the replicates took.
    pub wall_time_s: f64,
}

/// One run.
pub struct Run {
    /// Cache key: hex digest of (scenario text, seed, replicates).
    pub id: String,
    /// Scenario name.
    pub scenario: String,
    /// Hex SHA-256 of the scenario text.
    pub scenario_sha256: String,
    /// Master seed.
    pub seed: u64,
    /// Replicates.
    pub replicates: u32,
    /// The run's folder (written when it finishes).
    pub folder: PathBuf,
    request: Mutex<Option<Request>>,
    cancel: AtomicBool,
    progress: watch::Sender<Progress>,
    results: OnceLock<Arc<Results>>,
}

impl Run {
    /// The run's progress now.
    pub fn progress(&self) -> Progress {
        self.progress.borrow().clone()
    }

    /// A receiver of every change of progress.
    pub fn subscribe(&self) -> watch::Receiver<Progress> {
        self.progress.subscribe()
    }

    /// The results, once done.
    pub fn results(&self) -> Option<Arc<Results>> {
        self.results.get().cloned()
    }

    fn set(&self, change: impl FnOnce(&mut Progress)) {
        self.progress.send_modify(change);
    }
}

/// Limits on runs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Replicates one run may ask for.
    pub max_replicates: u32,
    /// Runs executing at once; the rest queue.
    pub max_concurrent: usize,
    /// Runs that may wait in the queue; more are refused.
    pub max_queued: usize,
    /// Finished runs kept in memory (the oldest are forgotten; their folders stay).
    pub max_kept: usize,
}

struct Table {
    runs: HashMap<String, Arc<Run>>,
    queue: VecDeque<Arc<Run>>,
    running: usize,
    /// Finished runs, oldest first.
    finished: VecDeque<String>,
}

/// Every run of the server.
pub struct Runs {
    table: Mutex<Table>,
    limits: Limits,
    dir: PathBuf,
    registry: Arc<Registry>,
}

/// Why a run was not started.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// More replicates than allowed.
    #[error("at most {max} replicates per run (asked for {asked})")]
    TooManyReplicates {
        /// The cap.
        max: u32,
        /// The request.
        asked: u32,
    },
    /// No replicates.
    #[error("replicates must be at least 1")]
    NoReplicates,
    /// The queue is full.
    #[error("the queue is full ({0} runs waiting); try again when a run finishes")]
    QueueFull(usize),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// A run's id: the first 16 bytes of SHA-256 over its cache key.
pub fn run_id(scenario_sha256: &str, seed: u64, replicates: u32) -> String {
    hex(&Sha256::digest(format!("{scenario_sha256}/{seed}/{replicates}").as_bytes())[..16])
}

/// Whether `id` has the form of a run id (so it can never be a path).
pub fn is_run_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Runs {
    /// No runs yet; folders go under `dir`.
    pub fn new(dir: PathBuf, limits: Limits, registry: Arc<Registry>) -> Runs {
        Runs {
            table: Mutex::new(Table {
                runs: HashMap::new(),
                queue: VecDeque::new(),
                running: 0,
                finished: VecDeque::new(),
            }),
            limits,
            dir,
            registry,
        }
    }

    /// The workbench's run folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // A panic while holding the lock leaves consistent data (every change is one
        // statement), so a poisoned lock is taken over rather than spreading the panic.
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs executing now and runs waiting in the queue.
    pub fn counts(&self) -> (usize, usize) {
        let table = self.lock();
        (table.running, table.queue.len())
    }

    /// The run with this id, if known.
    pub fn get(&self, id: &str) -> Option<Arc<Run>> {
        self.lock().runs.get(id).cloned()
    }

    /// Starts or queues a run, or returns the same run already done or under way (a cache
    /// hit: the second value is true).
    pub fn submit(self: &Arc<Self>, request: Request) -> Result<(Arc<Run>, bool), SubmitError> {
        if request.replicates == 0 {
            return Err(SubmitError::NoReplicates);
        }
        if request.replicates > self.limits.max_replicates {
            return Err(SubmitError::TooManyReplicates {
                max: self.limits.max_replicates,
                asked: request.replicates,
            });
        }
        let sha = sha256_hex(&request.text);
        let id = run_id(&sha, request.seed, request.replicates);
        let mut table = self.lock();
        if let Some(run) = table.runs.get(&id)
            && matches!(
                run.progress().state,
                State::Queued | State::Running | State::Done
            )
        {
            return Ok((run.clone(), true));
        }
        if table.queue.len() >= self.limits.max_queued {
            return Err(SubmitError::QueueFull(table.queue.len()));
        }
        let (progress, _) = watch::channel(Progress {
            id: id.clone(),
            state: State::Queued,
            done: 0,
            total: request.replicates,
            position: None,
            error: None,
        });
        let run = Arc::new(Run {
            folder: self.dir.join(&id),
            id: id.clone(),
            scenario: request.scenario.name.clone(),
            scenario_sha256: sha,
            seed: request.seed,
            replicates: request.replicates,
            request: Mutex::new(Some(request)),
            cancel: AtomicBool::new(false),
            progress,
            results: OnceLock::new(),
        });
        table.finished.retain(|f| *f != id);
        table.runs.insert(id, run.clone());
        table.queue.push_back(run.clone());
        self.start_waiting(&mut table);
        Ok((run, false))
    }

    /// Asks a run to stop: a queued run leaves the queue at once, a running one stops
    /// before its next replicate. Returns false if it had already finished.
    pub fn cancel(self: &Arc<Self>, run: &Arc<Run>) -> bool {
        let mut table = self.lock();
        match run.progress().state {
            State::Queued => {
                table.queue.retain(|r| r.id != run.id);
                table.finished.push_back(run.id.clone());
                run.set(|p| {
                    p.state = State::Cancelled;
                    p.position = None;
                });
                Self::number_queue(&table);
                true
            }
            State::Running => {
                run.cancel.store(true, Ordering::SeqCst);
                true
            }
            _ => false,
        }
    }

    /// Starts queued runs while there are free slots, and renumbers the rest.
    fn start_waiting(self: &Arc<Self>, table: &mut Table) {
        while table.running < self.limits.max_concurrent {
            let Some(run) = table.queue.pop_front() else {
                break;
            };
            table.running += 1;
            run.set(|p| {
                p.state = State::Running;
                p.position = None;
            });
            let runs = Arc::clone(self);
            let spawned = std::thread::Builder::new()
                .name(format!("run-{}", &run.id[..8]))
                .spawn({
                    let run = run.clone();
                    move || runs.execute(&run)
                });
            if let Err(e) = spawned {
                table.running -= 1;
                run.set(|p| {
                    p.state = State::Failed;
                    p.error = Some(format!("cannot start a thread: {e}"));
                });
            }
        }
        Self::number_queue(table);
    }

    fn number_queue(table: &Table) {
        for (i, run) in table.queue.iter().enumerate() {
            run.set(|p| p.position = Some(i + 1));
        }
    }

    /// Runs on its own thread; never lets a panic escape.
    fn execute(self: &Arc<Self>, run: &Arc<Run>) {
        let request = run
            .request
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let outcome = match request {
            Some(request) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.compute(run, &request)
            }))
            .unwrap_or_else(|_| Err("the run panicked; see the server's log".to_owned())),
            None => Err("the run had no request".to_owned()),
        };
        let mut table = self.lock();
        table.running -= 1;
        match outcome {
            Ok(Some(results)) => {
                let _ = run.results.set(Arc::new(results));
                run.set(|p| p.state = State::Done);
                table.finished.push_back(run.id.clone());
            }
            Ok(None) => {
                run.set(|p| p.state = State::Cancelled);
                table.finished.push_back(run.id.clone());
            }
            Err(message) => {
                run.set(|p| {
                    p.state = State::Failed;
                    p.error = Some(message);
                });
                table.finished.push_back(run.id.clone());
            }
        }
        // Cancelled and failed runs stay visible (their status) but are not results: a
        // new submission of the same key replaces them.
        while table.finished.len() > self.limits.max_kept {
            if let Some(old) = table.finished.pop_front()
                && table
                    .runs
                    .get(&old)
                    .is_some_and(|r| r.progress().state.is_final())
            {
                table.runs.remove(&old);
            }
        }
        self.start_waiting(&mut table);
    }

    /// The replicates, one at a time (so a cancel takes effect between replicates), each
    /// written to the run's folder and measured; `None` when cancelled.
    fn compute(&self, run: &Run, request: &Request) -> Result<Option<Results>, String> {
        let params = &request.scenario.params;
        let pool = thread_pool(1).map_err(|e| e.to_string())?;
        let mut writer = RunWriter::create(&run.folder, true).map_err(|e| e.to_string())?;
        let mut measurements = Measurements::default();
        let mut kept: Vec<ReplicateResult> = Vec::new();
        let started = Instant::now();
        for replicate in 0..request.replicates {
            if run.cancel.load(Ordering::SeqCst) {
                return Ok(None);
            }
            let unit = Unit {
                params,
                seed: request.seed,
                replicate,
            };
            let result = run_units(&pool, &[unit], &|_, r| r, &|| ())
                .map_err(|e| e.to_string())?
                .pop()
                .ok_or("no result")?;
            writer.add(params, &result).map_err(|e| e.to_string())?;
            if measurements.months.is_empty() {
                measurements.months = result.months.iter().map(|m| m.to_string()).collect();
            }
            measurements.replicates.push(measure(params, &result));
            kept.push(result);
            run.set(|p| p.done = replicate + 1);
        }
        let wall_time_s = started.elapsed().as_secs_f64();
        let checked = Validation::check(&request.scenario.name, params, &kept, &self.registry);
        drop(kept);
        // The page shows the patterns; validation.json holds the observations too.
        let validation = serde_json::to_value(&checked.patterns).map_err(|e| e.to_string())?;
        let manifest = Manifest {
            yalu_version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario: request.scenario.name.clone(),
            scenario_file: format!("{}.toml", request.scenario.name),
            scenario_sha256: run.scenario_sha256.clone(),
            seed: request.seed,
            replicates: request.replicates,
            first_day: params.first_day.to_string(),
            last_day: params.last_day.to_string(),
            wall_time_s,
            posterior: None,
            files: Vec::new(),
        };
        let evidence =
            serde_json::to_string_pretty(&request.scenario.evidence_document(&self.registry))
                .map_err(|e| e.to_string())?;
        let validation_json = checked.to_json().trim_end().to_owned();
        writer
            .finish(
                &manifest,
                &[
                    ("scenario.json", evidence),
                    ("scenario.toml", request.text.clone()),
                    ("validation.json", validation_json),
                ],
            )
            .map_err(|e| e.to_string())?;
        yalu_report::html::write_report(&run.folder).map_err(|e| e.to_string())?;
        Ok(Some(Results {
            measurements,
            validation,
            wall_time_s,
        }))
    }
}

//! Bounded work: before an experiment runs, its work (agent-days: agents stepped x days x
//! replicates x points) and memory are estimated from the validated scenario, printed, and
//! refused above a limit the user can raise (`--max-work`), so no input starts a run of
//! weeks or an allocation the machine cannot hold.

use yalu_model::ModelParams;

/// The default limit, in agent-days: hours of work on a laptop; 10,000 replicates of the
/// baseline (3.7e8 agent-days each, the README's largest example) fit within it.
pub const DEFAULT_MAX_WORK: f64 = 1e13;

/// Memory (bytes) an estimate may reach before it is refused whatever `--max-work` says.
pub const MAX_MEMORY_BYTES: f64 = 16e9;

/// Bytes of state per agent in one replicate (columns, per-site sums, scratch buffers).
const BYTES_PER_AGENT: f64 = 64.0;

/// Bytes of results per simulated day of one replicate (monthly tallies and records).
const RESULT_BYTES_PER_DAY: f64 = 2_000.0;

/// Worker threads allowed per core: more only adds contention.
pub const THREADS_PER_CORE: usize = 4;

/// What an experiment will cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Work {
    /// Agents in the largest point's scenario.
    pub agents: u64,
    /// Days simulated per replicate (the longest point).
    pub days: u64,
    /// Replicates per point.
    pub replicates: u64,
    /// Model points (1 for a run; design points for sweeps and sensitivity analysis).
    pub points: u64,
    /// Replicates whose results are held in memory at once.
    pub held: u64,
    /// Worker threads.
    pub threads: u64,
}

/// Why an experiment is refused before it starts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BudgetError {
    /// More work than the limit.
    #[error(
        "this would take {} agent-days ({}), above the limit of {limit:e}; run fewer \
         replicates or points, or raise the limit with --max-work {:e}",
        sci(.work.agent_days()),
        .work.terms(),
        .work.agent_days().ceil()
    )]
    TooMuchWork {
        /// The estimate.
        work: Work,
        /// The limit.
        limit: f64,
    },
    /// More memory than any machine running Yalu is taken to have.
    #[error(
        "this would need about {} of memory ({}), above the limit of {}; run fewer \
         threads or replicates at once (--no-replicate-files keeps memory bounded)",
        bytes(.work.memory_bytes()),
        .work.terms(),
        bytes(MAX_MEMORY_BYTES)
    )]
    TooMuchMemory {
        /// The estimate.
        work: Work,
    },
    /// A limit that is not a positive number.
    #[error("expected --max-work to be a positive number of agent-days, found {0}")]
    BadLimit(f64),
    /// More threads than the machine can use.
    #[error(
        "expected at most {max} worker threads ({THREADS_PER_CORE} per core on this \
         machine), found {threads}"
    )]
    TooManyThreads {
        /// Threads asked for.
        threads: usize,
        /// The most allowed.
        max: usize,
    },
}

impl Work {
    /// The work of `replicates` replicates of each of `points` (the largest counts).
    pub fn of(points: &[&ModelParams], replicates: u32, held: u64, threads: usize) -> Work {
        Work {
            agents: points.iter().map(|p| p.agents()).max().unwrap_or(0),
            days: points.iter().map(|p| p.days()).max().unwrap_or(0),
            replicates: u64::from(replicates),
            points: points.len() as u64,
            held,
            threads: threads as u64,
        }
    }

    /// Agents x days x replicates x points.
    pub fn agent_days(&self) -> f64 {
        self.agents as f64 * self.days as f64 * self.replicates as f64 * self.points as f64
    }

    /// Agents' state in every worker thread plus the results held at once.
    pub fn memory_bytes(&self) -> f64 {
        self.threads.max(1) as f64 * self.agents as f64 * BYTES_PER_AGENT
            + self.held as f64 * self.days as f64 * RESULT_BYTES_PER_DAY
    }

    fn terms(&self) -> String {
        format!(
            "{} agents x {} days x {} replicates x {} points",
            self.agents, self.days, self.replicates, self.points
        )
    }

    /// One line for the user: the work and memory to expect.
    pub fn describe(&self) -> String {
        format!(
            "estimated work: {} agent-days ({}), memory about {}",
            sci(self.agent_days()),
            self.terms(),
            bytes(self.memory_bytes())
        )
    }

    /// Refuses work above `limit` agent-days or memory above [`MAX_MEMORY_BYTES`].
    pub fn check(&self, limit: f64) -> Result<(), BudgetError> {
        if !(limit.is_finite() && limit > 0.0) {
            return Err(BudgetError::BadLimit(limit));
        }
        if self.agent_days() > limit {
            return Err(BudgetError::TooMuchWork { work: *self, limit });
        }
        if self.memory_bytes() > MAX_MEMORY_BYTES {
            return Err(BudgetError::TooMuchMemory { work: *self });
        }
        Ok(())
    }
}

/// The worker threads to use: `0` means one per core; more than [`THREADS_PER_CORE`] per
/// core is refused.
pub fn threads(asked: usize) -> Result<usize, BudgetError> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let max = cores * THREADS_PER_CORE;
    match asked {
        0 => Ok(cores),
        n if n <= max => Ok(n),
        n => Err(BudgetError::TooManyThreads { threads: n, max }),
    }
}

/// The worker threads for `asked` (0: one per core), after telling the estimate of
/// `work` (given the threads) and refusing it above `limit`: all before the model runs.
pub fn plan(
    asked: usize,
    limit: f64,
    work: impl FnOnce(usize) -> Work,
    tell: impl FnOnce(&str),
) -> Result<usize, BudgetError> {
    let threads = threads(asked)?;
    let work = work(threads);
    tell(&work.describe());
    work.check(limit)?;
    Ok(threads)
}

fn sci(x: f64) -> String {
    format!("{x:.2e}")
}

fn bytes(b: f64) -> String {
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(agents: u64, replicates: u64) -> Work {
        Work {
            agents,
            days: 1000,
            replicates,
            points: 2,
            held: 8,
            threads: 2,
        }
    }

    #[test]
    fn work_is_agents_times_days_times_replicates_times_points() {
        assert_eq!(work(10, 3).agent_days(), 60_000.0);
        assert!(work(10, 3).check(60_000.0).is_ok());
        assert!(matches!(
            work(10, 3).check(59_999.0),
            Err(BudgetError::TooMuchWork { .. })
        ));
        assert!(matches!(
            work(10, 3).check(f64::NAN),
            Err(BudgetError::BadLimit(_))
        ));
    }

    #[test]
    fn memory_is_refused_above_the_limit_whatever_the_work_limit() {
        let huge = work(1_000_000_000, 1);
        assert!(matches!(
            huge.check(f64::MAX),
            Err(BudgetError::TooMuchMemory { .. })
        ));
        let message = huge.check(1.0).unwrap_err().to_string();
        assert!(message.contains("--max-work"), "{message}");
    }

    #[test]
    fn threads_are_capped_at_a_multiple_of_the_cores() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(threads(0), Ok(cores));
        assert_eq!(threads(1), Ok(1));
        assert!(threads(cores * THREADS_PER_CORE + 1).is_err());
    }
}

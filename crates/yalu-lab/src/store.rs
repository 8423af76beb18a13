//! The SQLite file a sweep writes into, `sweep.sqlite` in the sweep's out dir.
//!
//! Tables: `meta(key, value)` (store kind, format version, sweep name and the SHA-256 of the
//! sweep definition and scenario text), `points(point, values_json)`,
//! `results(point, replicate, metric, value)` and `done(point, replicate)`. A unit's
//! results and its `done` row are committed in one transaction, and a trigger refuses a
//! result whose `done` row is not there, so the file never holds part of a unit.
//!
//! An existing file is used only if it is a store of this format made for the same sweep
//! definition and scenario text; anything else is refused and left as it was.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::types::FromSql;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use crate::sweep::SweepSpec;

/// The store's file name inside the out dir.
pub const STORE_FILE_NAME: &str = "sweep.sqlite";

/// `meta` value of `kind` that marks a Yalu sweep store.
const STORE_KIND: &str = "yalu-sweep";
/// Bumped whenever the tables change meaning; other versions are refused, not migrated.
const FORMAT_VERSION: &str = "1";
/// How long to wait for a lock held by another connection (a reader, say) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE points (point INTEGER PRIMARY KEY, values_json TEXT NOT NULL);
CREATE TABLE done (
    point INTEGER NOT NULL,
    replicate INTEGER NOT NULL,
    PRIMARY KEY (point, replicate)
);
CREATE TABLE results (
    point INTEGER NOT NULL,
    replicate INTEGER NOT NULL,
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (point, replicate, metric)
);
CREATE TRIGGER result_needs_done BEFORE INSERT ON results
WHEN NOT EXISTS (SELECT 1 FROM done WHERE point = NEW.point AND replicate = NEW.replicate)
BEGIN
    SELECT RAISE(ABORT, 'a result must be written with its done row, in one transaction');
END;
";

/// Why a store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A file or folder could not be created.
    #[error("cannot create {}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why not.
        source: io::Error,
    },
    /// The file exists but is not a Yalu sweep store (another SQLite database, or not a
    /// database at all).
    #[error(
        "refusing to use {}: it is not a Yalu sweep store ({reason}); it was left untouched, \
         move it away or use another out dir",
        .path.display()
    )]
    NotAStore {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// The file is a Yalu sweep store of another format version.
    #[error(
        "refusing to use {}: expected a sweep store of format version {expected}, found \
         version {found}; use another out dir",
        .path.display()
    )]
    FormatVersion {
        /// The file.
        path: PathBuf,
        /// The version it has.
        found: String,
        /// The version this Yalu writes.
        expected: &'static str,
    },
    /// The file holds another sweep's results, or this sweep's with another scenario text.
    #[error(
        "refusing to use {}: it holds results of sweep `{stored_name}` made from a different \
         sweep definition or scenario text; use another out dir for this sweep",
        .path.display()
    )]
    OtherSweep {
        /// The file.
        path: PathBuf,
        /// The sweep name it records.
        stored_name: String,
    },
    /// A store to merge holds another sweep than the first one given.
    #[error(
        "refusing to merge {}: it holds sweep `{name}`, made from a different sweep definition \
         or scenario text than {}; only shards of one sweep can be merged",
        .path.display(),
        .first.display()
    )]
    OtherSweepToMerge {
        /// The store refused.
        path: PathBuf,
        /// The sweep name it records.
        name: String,
        /// The store the others are compared with.
        first: PathBuf,
    },
    /// Two stores hold different results for the same unit.
    #[error(
        "refusing to merge {}: point {point}, replicate {replicate} has other results there \
         than in {}",
        .path.display(),
        .merged.display()
    )]
    Conflict {
        /// The store whose unit differs.
        path: PathBuf,
        /// The merged store.
        merged: PathBuf,
        /// Point index.
        point: usize,
        /// Replicate number.
        replicate: u32,
    },
    /// Another process is running a sweep on this store.
    #[error(
        "{} is in use: a sweep is already running on it (pid {pid}); wait for it to \
         finish, or use another out dir",
        .path.display()
    )]
    Busy {
        /// The store.
        path: PathBuf,
        /// The process holding it, as its lock file says.
        pid: String,
    },
    /// SQLite's integrity check failed: the file is damaged.
    #[error(
        "{} is damaged (SQLite's integrity check: {report}); its results cannot be trusted: \
         move it away and run the sweep again",
        .path.display()
    )]
    Corrupt {
        /// The store.
        path: PathBuf,
        /// The first problems the check reports.
        report: String,
    },
    /// SQLite failed.
    #[error("{}: {source}", .path.display())]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
}

/// One metric of one replicate at one point.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// Point index.
    pub point: usize,
    /// Replicate number.
    pub replicate: u32,
    /// Metric name.
    pub metric: String,
    /// Its value.
    pub value: f64,
}

/// An open sweep store.
#[derive(Debug)]
pub struct SweepStore {
    path: PathBuf,
    connection: Connection,
    /// `sweep.sqlite.lock`, locked for as long as the store is open.
    _lock: fs::File,
    /// The spec's canonical definition, to refuse running another spec into this store.
    definition: String,
}

/// Distinguishes staging files of stores created at once by threads of one process.
static STAGING_COUNTER: AtomicU64 = AtomicU64::new(0);

impl SweepStore {
    /// Opens `out_dir/sweep.sqlite` for `spec` run on a scenario whose text is
    /// `scenario_text`, creating the folder and the store if absent. An existing file is
    /// refused unless it is a store of this format for the same definition and scenario.
    pub fn open(
        out_dir: &Path,
        spec: &SweepSpec,
        scenario_text: &str,
    ) -> Result<SweepStore, StoreError> {
        fs::create_dir_all(out_dir).map_err(|source| StoreError::Io {
            path: out_dir.to_owned(),
            source,
        })?;
        let path = out_dir.join(STORE_FILE_NAME);
        let lock = lock(&path)?;
        let definition = spec.definition_json();
        let digest = definition_digest(&definition, scenario_text);
        let exists = path.try_exists().map_err(|source| StoreError::Io {
            path: path.clone(),
            source,
        })?;
        if !exists {
            let points: Vec<(usize, String)> = spec
                .points()
                .iter()
                .map(|point| (point.index, point.values_json().to_string()))
                .collect();
            create(&path, spec.name(), &digest, &points)?;
        }
        check(&path, &digest)?;
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        // Without CREATE: if the file vanished since the check, fail rather than start over.
        let connection = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sqlite)?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        let report: Vec<String> = connection
            .prepare("PRAGMA integrity_check(5)")
            .and_then(|mut check| {
                check
                    .query_map([], |row| row.get::<_, String>(0))?
                    .collect()
            })
            .map_err(sqlite)?;
        if report != ["ok"] {
            return Err(StoreError::Corrupt {
                path,
                report: report.join("; "),
            });
        }
        // WAL: readers (a report, say) do not block the writer, and a commit is one append.
        connection
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(sqlite)?;
        Ok(SweepStore {
            path,
            connection,
            _lock: lock,
            definition,
        })
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every finished (point, replicate), sorted.
    pub fn done_units(&self) -> Result<Vec<(usize, u32)>, StoreError> {
        self.query(
            "SELECT point, replicate FROM done ORDER BY point, replicate",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
    }

    /// Every result, sorted by point, replicate and metric.
    pub fn results(&self) -> Result<Vec<ResultRow>, StoreError> {
        self.query(
            "SELECT point, replicate, metric, value FROM results
             ORDER BY point, replicate, metric",
            [],
            |row| {
                Ok(ResultRow {
                    point: row.get(0)?,
                    replicate: row.get(1)?,
                    metric: row.get(2)?,
                    value: row.get(3)?,
                })
            },
        )
    }

    /// Sets `key` of the store's `meta` table to `value` (a note about the sweep, such as
    /// the parameters it set outside their recorded ranges).
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.connection
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                (key, value),
            )
            .map(drop)
            .map_err(|source| StoreError::Sqlite {
                path: self.path.clone(),
                source,
            })
    }

    /// The value of `key` in the store's `meta` table, if set.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .query("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })?
            .pop())
    }

    pub(crate) fn definition(&self) -> &str {
        &self.definition
    }

    /// Commits one unit: its `done` row and every metric, all or nothing.
    pub(crate) fn record(
        &mut self,
        point: usize,
        replicate: u32,
        metrics: &[(String, f64)],
    ) -> Result<(), StoreError> {
        let path = &self.path;
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let transaction = self.connection.transaction().map_err(sqlite)?;
        // `done` first: the trigger accepts a result only once its unit is marked done.
        transaction
            .execute(
                "INSERT INTO done (point, replicate) VALUES (?1, ?2)",
                (point, replicate),
            )
            .map_err(sqlite)?;
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO results (point, replicate, metric, value)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(sqlite)?;
            for (metric, value) in metrics {
                insert
                    .execute((point, replicate, metric, value))
                    .map_err(sqlite)?;
            }
        }
        transaction.commit().map_err(sqlite)
    }

    fn query<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let sqlite = |source| StoreError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let mut statement = self.connection.prepare(sql).map_err(sqlite)?;
        let rows = statement.query_map(params, map).map_err(sqlite)?;
        rows.collect::<Result<_, _>>().map_err(sqlite)
    }
}

/// What [`merge`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeSummary {
    /// Units copied into the merged store.
    pub added: usize,
    /// Units found in the merged store already, with the same results.
    pub already_there: usize,
    /// Units the merged store holds now.
    pub total: usize,
}

impl MergeSummary {
    /// What merging `stores` stores into `out_dir` did, and how to write its tables.
    pub fn render(&self, stores: usize, out_dir: &Path) -> String {
        format!(
            "Merged {stores} stores into {}: {} units added, {} already there, {} in all.\n\
             Run `yalu sweep FILE --out {}` to write its tables (it runs any unit still missing).\n",
            out_dir.join(STORE_FILE_NAME).display(),
            self.added,
            self.already_there,
            self.total,
            out_dir.display()
        )
    }
}

/// Merges stores of one sweep (shards run with `--shard K/N`, each into its own store;
/// `inputs` are store files or out dirs holding `sweep.sqlite`) into `out_dir/sweep.sqlite`,
/// creating it if absent. Every input, and an existing output, must be a store of this
/// format for the same sweep definition and scenario text; a unit found twice must have
/// the same results (it is then kept once), so merging again, or merging overlapping
/// shards, changes nothing. Each input's units are committed in one transaction.
pub fn merge(inputs: &[PathBuf], out_dir: &Path) -> Result<MergeSummary, StoreError> {
    let stores: Vec<PathBuf> = inputs
        .iter()
        .map(|input| {
            if input.is_dir() {
                input.join(STORE_FILE_NAME)
            } else {
                input.clone()
            }
        })
        .collect();
    let mut summary = MergeSummary {
        added: 0,
        already_there: 0,
        total: 0,
    };
    let Some(first) = stores.first() else {
        return Ok(summary);
    };
    let first_meta = checked_meta(first)?;
    let digest = first_meta
        .get("definition_sha256")
        .cloned()
        .unwrap_or_default();
    for store in &stores[1..] {
        let meta = checked_meta(store)?;
        if meta.get("definition_sha256") != Some(&digest) {
            return Err(StoreError::OtherSweepToMerge {
                path: store.clone(),
                name: meta.get("sweep_name").cloned().unwrap_or_default(),
                first: first.clone(),
            });
        }
    }
    fs::create_dir_all(out_dir).map_err(|source| StoreError::Io {
        path: out_dir.to_owned(),
        source,
    })?;
    let path = out_dir.join(STORE_FILE_NAME);
    let sqlite = |path: &Path| {
        let path = path.to_owned();
        move |source| StoreError::Sqlite { path, source }
    };
    if !path.try_exists().map_err(|source| StoreError::Io {
        path: path.clone(),
        source,
    })? {
        let source = read_only(first).map_err(sqlite(first))?;
        let points = rows(
            &source,
            "SELECT point, values_json FROM points ORDER BY point",
        )
        .map_err(sqlite(first))?;
        let name = first_meta.get("sweep_name").cloned().unwrap_or_default();
        create(&path, &name, &digest, &points)?;
    }
    check(&path, &digest)?;
    let mut merged = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(sqlite(&path))?;
    merged.busy_timeout(BUSY_TIMEOUT).map_err(sqlite(&path))?;
    let mut units = unit_results(&merged).map_err(sqlite(&path))?;
    for store in &stores {
        let source = read_only(store).map_err(sqlite(store))?;
        let transaction = merged.transaction().map_err(sqlite(&path))?;
        for ((point, replicate), results) in unit_results(&source).map_err(sqlite(store))? {
            match units.get(&(point, replicate)) {
                Some(existing) if *existing == results => summary.already_there += 1,
                Some(_) => {
                    return Err(StoreError::Conflict {
                        path: store.clone(),
                        merged: path.clone(),
                        point,
                        replicate,
                    });
                }
                None => {
                    transaction
                        .execute(
                            "INSERT INTO done (point, replicate) VALUES (?1, ?2)",
                            (point, replicate),
                        )
                        .map_err(sqlite(&path))?;
                    for (metric, bits) in &results {
                        transaction
                            .execute(
                                "INSERT INTO results (point, replicate, metric, value)
                                 VALUES (?1, ?2, ?3, ?4)",
                                (point, replicate, metric, f64::from_bits(*bits)),
                            )
                            .map_err(sqlite(&path))?;
                    }
                    units.insert((point, replicate), results);
                    summary.added += 1;
                }
            }
        }
        transaction.commit().map_err(sqlite(&path))?;
    }
    summary.total = units.len();
    Ok(summary)
}

/// A unit's results: `(metric, value bits)` sorted by metric, so equal means identical.
type UnitResults = Vec<(String, u64)>;

/// Every unit a store holds, with its results.
fn unit_results(connection: &Connection) -> rusqlite::Result<HashMap<(usize, u32), UnitResults>> {
    let mut units: HashMap<(usize, u32), UnitResults> = HashMap::new();
    for (point, replicate) in rows::<usize, u32>(connection, "SELECT point, replicate FROM done")? {
        units.insert((point, replicate), Vec::new());
    }
    let mut statement = connection.prepare(
        "SELECT point, replicate, metric, value FROM results ORDER BY point, replicate, metric",
    )?;
    let results = statement.query_map([], |row| {
        Ok((
            (row.get::<_, usize>(0)?, row.get::<_, u32>(1)?),
            row.get::<_, String>(2)?,
            row.get::<_, f64>(3)?,
        ))
    })?;
    for result in results {
        let (unit, metric, value) = result?;
        units
            .entry(unit)
            .or_default()
            .push((metric, value.to_bits()));
    }
    Ok(units)
}

/// Every row of a two-column query, as pairs.
fn rows<A: FromSql, B: FromSql>(
    connection: &Connection,
    sql: &str,
) -> rusqlite::Result<Vec<(A, B)>> {
    let mut statement = connection.prepare(sql)?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

fn read_only(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// A store's `meta`, refused unless it is a Yalu sweep store of this format.
fn checked_meta(path: &Path) -> Result<HashMap<String, String>, StoreError> {
    let meta = read_meta(path).map_err(|error| StoreError::NotAStore {
        path: path.to_owned(),
        reason: error.to_string(),
    })?;
    let digest = meta.get("definition_sha256").cloned().unwrap_or_default();
    check(path, &digest)?;
    Ok(meta)
}

/// Takes the advisory lock `STORE.lock` beside the store (released when the returned file
/// is closed, even if the process is killed) and writes this process's id into it; if
/// another process holds it, says which.
fn lock(store: &Path) -> Result<fs::File, StoreError> {
    use std::io::{Read, Write};
    let path = store.with_file_name(format!("{STORE_FILE_NAME}.lock"));
    let io_error = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_error)?;
    if try_lock(&file).map_err(io_error)? {
        file.set_len(0).map_err(io_error)?;
        write!(file, "{}", std::process::id()).map_err(io_error)?;
        Ok(file)
    } else {
        let mut pid = String::new();
        let _ = file.read_to_string(&mut pid);
        Err(StoreError::Busy {
            path: store.to_owned(),
            pid: pid.trim().to_owned(),
        })
    }
}

/// Takes a write lock on the whole of `file` if no other process holds one: a POSIX
/// record lock, held by the process (so a store reopened in the same process, as a test
/// that simulates a crash does, is not refused) and released by the system when the
/// process ends, however it ends.
#[cfg(unix)]
fn try_lock(file: &fs::File) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: `flock` is a plain C struct for which all zeroes is a valid value.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as _;
    lock.l_whence = libc::SEEK_SET as _;
    // l_start = 0 and l_len = 0: the whole file, however long.
    // SAFETY: the descriptor is open for as long as `file` lives; `lock` outlives the call.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &lock) } == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::EACCES | libc::EAGAIN) => Ok(false),
        _ => Err(error),
    }
}

/// Elsewhere, the operating system's advisory file lock.
#[cfg(not(unix))]
fn try_lock(file: &fs::File) -> io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(fs::TryLockError::WouldBlock) => Ok(false),
        Err(fs::TryLockError::Error(error)) => Err(error),
    }
}

/// Hex SHA-256 of the canonical definition and the scenario text.
fn definition_digest(definition: &str, scenario_text: &str) -> String {
    let mut hasher = Sha256::new();
    // The JSON ends at its closing brace, so definition and scenario cannot run together.
    hasher.update(b"yalu sweep definition\n");
    hasher.update(definition.as_bytes());
    hasher.update(b"\n");
    hasher.update(scenario_text.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Creates the store at `path`, complete: it is built under a temporary name and linked
/// into place, so a kill during creation never leaves a half-made store that later runs
/// would refuse as foreign, and a store another process created meanwhile is not replaced.
fn create(
    path: &Path,
    name: &str,
    digest: &str,
    points: &[(usize, String)],
) -> Result<(), StoreError> {
    let staging = path.with_file_name(format!(
        ".{STORE_FILE_NAME}.{}-{}.tmp",
        std::process::id(),
        STAGING_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let io_error = |path: &Path| {
        let path = path.to_owned();
        move |source| StoreError::Io { path, source }
    };
    // A leftover from a killed process that had the same id would make CREATE TABLE fail.
    match fs::remove_file(&staging) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            return Err(io_error(&staging)(error));
        }
        _ => {}
    }
    let linked = build(&staging, name, digest, points).and_then(|()| {
        match fs::hard_link(&staging, path) {
            // Another process created the store first: it is checked like any existing file.
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            other => other.map_err(io_error(path)),
        }
    });
    let removed = fs::remove_file(&staging).map_err(io_error(&staging));
    linked.and(removed)
}

/// Writes the tables, `meta` and `points` into a new database at `staging`, and closes it.
fn build(
    staging: &Path,
    name: &str,
    digest: &str,
    points: &[(usize, String)],
) -> Result<(), StoreError> {
    let sqlite = |source| StoreError::Sqlite {
        path: staging.to_owned(),
        source,
    };
    let mut connection = Connection::open(staging).map_err(sqlite)?;
    let transaction = connection.transaction().map_err(sqlite)?;
    transaction.execute_batch(SCHEMA).map_err(sqlite)?;
    for (key, value) in [
        ("kind", STORE_KIND),
        ("format_version", FORMAT_VERSION),
        ("sweep_name", name),
        ("definition_sha256", digest),
    ] {
        transaction
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                (key, value),
            )
            .map_err(sqlite)?;
    }
    for (point, values_json) in points {
        transaction
            .execute(
                "INSERT INTO points (point, values_json) VALUES (?1, ?2)",
                (point, values_json),
            )
            .map_err(sqlite)?;
    }
    transaction.commit().map_err(sqlite)?;
    connection.close().map_err(|(_, source)| sqlite(source))
}

/// Refuses `path` unless it is a store of this format whose definition digest is `digest`.
/// Read-only, so a refused file is not touched.
fn check(path: &Path, digest: &str) -> Result<(), StoreError> {
    let not_a_store = |reason: String| StoreError::NotAStore {
        path: path.to_owned(),
        reason,
    };
    let meta = read_meta(path).map_err(|error| not_a_store(error.to_string()))?;
    if meta.get("kind").map(String::as_str) != Some(STORE_KIND) {
        return Err(not_a_store(format!(
            "its `meta` table has no `kind = {STORE_KIND}`"
        )));
    }
    let version = meta.get("format_version").map(String::as_str);
    if version != Some(FORMAT_VERSION) {
        return Err(StoreError::FormatVersion {
            path: path.to_owned(),
            found: version.unwrap_or("none").to_owned(),
            expected: FORMAT_VERSION,
        });
    }
    if meta.get("definition_sha256").map(String::as_str) != Some(digest) {
        return Err(StoreError::OtherSweep {
            path: path.to_owned(),
            stored_name: meta.get("sweep_name").cloned().unwrap_or_default(),
        });
    }
    Ok(())
}

fn read_meta(path: &Path) -> rusqlite::Result<HashMap<String, String>> {
    Ok(rows(&read_only(path)?, "SELECT key, value FROM meta")?
        .into_iter()
        .collect())
}

//! The one way Yalu writes files and folders: assembled under a hidden temporary name
//! (`.NAME.partial-PID`) beside the target and renamed over it only when complete, so a
//! failed or interrupted write never leaves a partial output behind. Temporaries of
//! processes that died (killed with `kill -9`, say) are removed by the next write beside
//! them, and [`remove_partials`] removes this process's own when a signal stops it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::ReportError;
use crate::table::Table;

/// The temporary folders and files this process is assembling.
static PARTIALS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn track(path: &Path) {
    PARTIALS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(path.to_path_buf());
}

fn untrack(path: &Path) {
    PARTIALS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|p| p != path);
}

/// Removes every temporary folder and file this process is assembling: what a signal
/// handler calls before the process exits, so Ctrl-C or SIGTERM leaves nothing behind.
pub fn remove_partials() {
    let partials = std::mem::take(&mut *PARTIALS.lock().unwrap_or_else(PoisonError::into_inner));
    for path in partials {
        if std::fs::remove_dir_all(&path).is_err() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Installs the process's handler for Ctrl-C, SIGTERM and SIGHUP: remove the partial
/// output folders being assembled, say so, and stop with 130 (128 + SIGINT, as shells
/// report an interrupted command). For binaries; a library host keeps its own handler.
pub fn remove_partials_on_interrupt() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        remove_partials();
        eprintln!("interrupted: partial outputs removed");
        std::process::exit(130);
    })
}

/// Whether process `pid` is running. Where this cannot be told, every process is taken to
/// be running, so nothing of a live process is ever removed.
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Removes the temporaries (`.NAME.partial-PID`, `.NAME.old-PID`, `.NAME.probe-PID`) that
/// dead processes left beside `target`; a set-aside earlier output whose replacement never
/// arrived is put back instead.
pub(crate) fn remove_stale(target: &Path) {
    let name = file_name(target);
    let Ok(entries) = std::fs::read_dir(parent_of(target)) else {
        return;
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = entry_name.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let Some((what, pid)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !matches!(what, "partial" | "old" | "probe") || pid == std::process::id() || alive(pid) {
            continue;
        }
        let path = entry.path();
        if what == "old" && !target.exists() {
            let _ = std::fs::rename(&path, target);
        } else if std::fs::remove_dir_all(&path).is_err() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Checks before any work that `target` can be written as a folder: not a file, its
/// parent creatable and writable. Problems are the user's (`--out`), named by `target`.
pub fn check_target(target: &Path) -> Result<(), ReportError> {
    if target.exists() && !target.is_dir() {
        return Err(ReportError::BadOutDir {
            path: target.display().to_string(),
            reason: "it is a file, not a folder".into(),
        });
    }
    check_parent(target)
}

/// Checks that the folder `target` goes in can be created and written.
fn check_parent(target: &Path) -> Result<(), ReportError> {
    let bad = |reason: String| ReportError::BadOutDir {
        path: target.display().to_string(),
        reason,
    };
    let parent = parent_of(target);
    std::fs::create_dir_all(&parent)
        .map_err(|e| bad(format!("cannot create {}: {e}", parent.display())))?;
    let probe = sibling(target, "probe");
    std::fs::create_dir(&probe)
        .and_then(|()| std::fs::remove_dir(&probe))
        .map_err(|e| bad(format!("cannot write in {}: {e}", parent.display())))
}

/// Creates folder `dir` if needed and checks it can be written (for commands that write
/// files into a folder); problems are the user's (`--out`), named by `dir`.
pub fn prepare_dir(dir: &Path) -> Result<(), ReportError> {
    check_target(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| ReportError::BadOutDir {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })
}

/// A folder being assembled beside its target; dropped without [`StagedDir::commit`], it
/// is removed.
pub struct StagedDir {
    target: PathBuf,
    temporary: PathBuf,
}

impl StagedDir {
    /// Starts a fresh temporary folder for `target` (its parent is created if needed),
    /// after removing what dead processes left beside it.
    pub fn create(target: &Path) -> Result<StagedDir, ReportError> {
        check_target(target)?;
        remove_stale(target);
        let temporary = sibling(target, "partial");
        if temporary.exists() {
            std::fs::remove_dir_all(&temporary).map_err(io(target))?;
        }
        std::fs::create_dir(&temporary).map_err(io(target))?;
        track(&temporary);
        Ok(StagedDir {
            target: target.to_path_buf(),
            temporary,
        })
    }

    /// Where to write the folder's files.
    pub fn path(&self) -> &Path {
        &self.temporary
    }

    /// Moves the folder into place, setting any earlier one aside and removing it after.
    pub fn commit(self) -> Result<(), ReportError> {
        self.commit_keeping(&[])
    }

    /// Like [`StagedDir::commit`], but first moves the entries `keep` of the earlier
    /// folder into the new one, so they survive the replacement.
    pub fn commit_keeping(self, keep: &[String]) -> Result<(), ReportError> {
        for name in keep {
            let from = self.target.join(name);
            std::fs::rename(&from, self.temporary.join(name)).map_err(io(&from))?;
        }
        if self.target.exists() {
            let old = sibling(&self.target, "old");
            std::fs::rename(&self.target, &old).map_err(io(&self.target))?;
            std::fs::rename(&self.temporary, &self.target).map_err(io(&self.target))?;
            untrack(&self.temporary);
            std::fs::remove_dir_all(&old).map_err(io(&old))
        } else {
            std::fs::rename(&self.temporary, &self.target).map_err(io(&self.target))?;
            untrack(&self.temporary);
            Ok(())
        }
    }
}

impl Drop for StagedDir {
    /// After `commit` the temporary folder has been renamed away, so this removes nothing.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.temporary);
        untrack(&self.temporary);
    }
}

/// Writes `bytes` to `path` under a temporary name and renames it into place (the folder
/// is created if needed).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    if path.is_dir() {
        return Err(ReportError::BadOutDir {
            path: path.display().to_string(),
            reason: "it is a folder, where a file is to be written".into(),
        });
    }
    check_parent(path)?;
    remove_stale(path);
    let temporary = sibling(path, "partial");
    track(&temporary);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    untrack(&temporary);
    written.map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        io(path)(source)
    })
}

/// Writes `value` to `path` as indented JSON ending in a newline, as [`write_file`] does.
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), ReportError> {
    let json = serde_json::to_string_pretty(value).expect("serializes") + "\n";
    write_file(path, json.as_bytes())
}

/// Writes `<name>.csv` and `<name>.parquet` into `dir`, each renamed into place only once
/// both are complete.
pub fn write_table(table: &Table, dir: &Path, name: &str) -> Result<(), ReportError> {
    let staged = StagedDir::create(&dir.join(name))?;
    table.write(staged.path(), name)?;
    for extension in ["csv", "parquet"] {
        let file = format!("{name}.{extension}");
        let target = dir.join(&file);
        std::fs::rename(staged.path().join(&file), &target).map_err(io(&target))?;
    }
    Ok(())
}

/// The last component of `path` (`out` for a path without one, like `.` or `/`).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned())
}

/// `.NAME.what-PID` beside `path`.
fn sibling(path: &Path, what: &str) -> PathBuf {
    parent_of(path).join(format!(
        ".{}.{what}-{}",
        file_name(path),
        std::process::id()
    ))
}

pub(crate) fn parent_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + use<> {
    let path = path.display().to_string();
    move |source| ReportError::Io { path, source }
}

//! The one way Yalu writes files and folders: assembled under a hidden temporary name
//! (`.NAME.partial-PID`) beside the target and renamed over it only when complete, so a
//! failed or interrupted write never leaves a partial output behind.

use std::path::{Path, PathBuf};

use crate::ReportError;
use crate::table::Table;

/// A folder being assembled beside its target; dropped without [`StagedDir::commit`], it
/// is removed.
pub struct StagedDir {
    target: PathBuf,
    temporary: PathBuf,
}

impl StagedDir {
    /// Starts a fresh temporary folder for `target` (its parent is created if needed).
    pub fn create(target: &Path) -> Result<StagedDir, ReportError> {
        let temporary = sibling(target, "partial");
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        if temporary.exists() {
            std::fs::remove_dir_all(&temporary).map_err(io(&temporary))?;
        }
        std::fs::create_dir(&temporary).map_err(io(&temporary))?;
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
        if self.target.exists() {
            let old = sibling(&self.target, "old");
            std::fs::rename(&self.target, &old).map_err(io(&self.target))?;
            std::fs::rename(&self.temporary, &self.target).map_err(io(&self.target))?;
            std::fs::remove_dir_all(&old).map_err(io(&old))
        } else {
            std::fs::rename(&self.temporary, &self.target).map_err(io(&self.target))
        }
    }
}

impl Drop for StagedDir {
    /// After `commit` the temporary folder has been renamed away, so this removes nothing.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.temporary);
    }
}

/// Writes `bytes` to `path` under a temporary name and renames it into place (the folder
/// is created if needed).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let parent = parent_of(path);
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let temporary = sibling(path, "partial");
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, path));
    written.map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        io(path)(source)
    })
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

/// `.NAME.what-PID` beside `path`.
fn sibling(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    parent_of(path).join(format!(".{name}.{what}-{}", std::process::id()))
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

//! A sweep on a Ray cluster (`yalu sweep FILE --ray ADDRESS`): the driver is the Python
//! package's `python -m yalu.ray`, which schedules the units as Ray tasks and stays the
//! store's one writer; it runs with `$YALU_PYTHON` or `python3`.

use std::path::Path;

use crate::experiment::ExperimentError;

/// Runs the Ray driver on sweep `file` at cluster `address`, with the store in `out` (the
/// driver's default when `None`) and `batch` units per task; its exit code 2 (input
/// refused, said by the driver itself) is bad input, any other failure a failed run.
pub fn ray_sweep(
    file: &Path,
    address: &str,
    out: Option<&Path>,
    batch: Option<usize>,
) -> Result<(), ExperimentError> {
    let python = std::env::var_os("YALU_PYTHON").unwrap_or_else(|| "python3".into());
    let mut command = std::process::Command::new(&python);
    command
        .args(["-m", "yalu.ray", "sweep"])
        .arg(file)
        .args(["--address", address]);
    if let Some(out) = out {
        command.arg("--out").arg(out);
    }
    if let Some(batch) = batch {
        command.args(["--batch", &batch.to_string()]);
    }
    let status = command.status().map_err(|e| {
        ExperimentError::Driver(format!(
            "cannot start {} for the Ray driver: {e}; install the Python package (see the README) \
             or set YALU_PYTHON",
            python.to_string_lossy()
        ))
    })?;
    match status.code() {
        Some(0) => Ok(()),
        Some(2) => Err(ExperimentError::refused(
            "the Ray driver refused its input (above)",
        )),
        _ => Err(ExperimentError::Driver(format!(
            "the Ray driver failed ({status})"
        ))),
    }
}

//! Sweeps and sensitivity designs on a Ray cluster (`yalu sweep FILE --ray ADDRESS`,
//! `yalu sensitivity FILE --ray ADDRESS`): the driver is the Python package's
//! `python -m yalu.ray`, which schedules the units as Ray tasks and stays the store's one
//! writer; it runs with `$YALU_PYTHON` or `python3`.

use std::path::Path;

use crate::experiment::ExperimentError;
use crate::sensitivity_file::Method;

/// Runs the Ray driver on sweep `file` at cluster `address`, with the store in `out` (the
/// driver's default when `None`) and `batch` units per task, beyond the recorded ranges
/// if `allow_outside_range`; its exit code 2 (input refused, said by the driver itself)
/// is bad input, any other failure a failed run.
pub fn ray_sweep(
    file: &Path,
    address: &str,
    out: Option<&Path>,
    batch: Option<usize>,
    allow_outside_range: bool,
) -> Result<(), ExperimentError> {
    let extra: &[&str] = if allow_outside_range {
        &["--allow-outside-range"]
    } else {
        &[]
    };
    driver("sweep", file, address, out, batch, extra)
}

/// As [`ray_sweep`], for the design of `method` in sensitivity `file`; the driver writes
/// the indices as `yalu sensitivity` does.
pub fn ray_sensitivity(
    file: &Path,
    address: &str,
    out: Option<&Path>,
    batch: Option<usize>,
    method: Method,
) -> Result<(), ExperimentError> {
    driver(
        "sensitivity",
        file,
        address,
        out,
        batch,
        &["--method", method.name()],
    )
}

fn driver(
    subcommand: &str,
    file: &Path,
    address: &str,
    out: Option<&Path>,
    batch: Option<usize>,
    extra: &[&str],
) -> Result<(), ExperimentError> {
    let python = std::env::var_os("YALU_PYTHON").unwrap_or_else(|| "python3".into());
    let mut command = std::process::Command::new(&python);
    command
        .args(["-m", "yalu.ray", subcommand])
        .arg(file)
        .args(["--address", address])
        .args(extra);
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

//! Sensitivity analysis from Python: the whole design on local threads
//! (`yalu.sensitivity`, as `yalu sensitivity`), or its points as the units of a sweep for
//! other schedulers (`yalu.ray sensitivity`): the driver runs the design's sweep into a
//! store as for any sweep, then computes the indices from the store.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use yalu_lab::experiment::StopFlag;
use yalu_lab::sensitivity_file::{Method, SensitivityFile};
use yalu_scenario::Registry;

use crate::errors::experiment_error;
use crate::run::interruptible;
use crate::sweep::{Sweep, SweepStore};

fn method(name: &str) -> PyResult<Method> {
    Method::named(name).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "method must be one of {:?}, not {name:?}",
            Method::NAMES
        ))
    })
}

/// A sensitivity file checked against its scenario, with the method to run.
#[pyclass(module = "yalu._native", name = "Sensitivity", frozen)]
pub struct Sensitivity {
    file: SensitivityFile,
    method: Method,
    path: PathBuf,
}

#[pymethods]
impl Sensitivity {
    /// Reads a sensitivity file; `method` is "morris" or "sobol".
    #[new]
    #[pyo3(signature = (file, method = "morris"))]
    fn new(py: Python<'_>, file: PathBuf, method: &str) -> PyResult<Sensitivity> {
        let method = self::method(method)?;
        let path = file;
        let file = py
            .detach(|| SensitivityFile::load(&path, &Registry::embedded()))
            .map_err(|e| experiment_error(py, e))?;
        Ok(Sensitivity { file, method, path })
    }

    /// "morris" or "sobol".
    #[getter]
    fn method(&self) -> &'static str {
        self.method.name()
    }

    /// The folder `yalu sensitivity` writes to by default: out/sensitivity-METHOD.
    #[getter]
    fn default_out(&self) -> PathBuf {
        self.method.default_out()
    }

    /// The design's points as a sweep (a `list` design with the file's replicates, seed
    /// and outputs): run its units anywhere into a store, then call `analyse`.
    #[getter]
    fn sweep(&self, py: Python<'_>) -> PyResult<Sweep> {
        let sweep = py
            .detach(|| self.file.sweep(self.method, &Registry::embedded()))
            .map_err(|e| experiment_error(py, e))?;
        Ok(Sweep {
            sweep: Arc::new(sweep),
            file: self.path.clone(),
        })
    }

    /// The indices from a store holding every unit of `sweep`, written to `out` as
    /// `yalu sensitivity` writes them (sensitivity and ranking, CSV and Parquet); returns
    /// the text it prints.
    fn analyse(&self, py: Python<'_>, store: &SweepStore, out: PathBuf) -> PyResult<String> {
        let rows = self
            .file
            .from_store(self.method, &store.lock())
            .map_err(|e| experiment_error(py, e))?;
        self.file
            .write(self.method, rows, &out)
            .map_err(|e| experiment_error(py, e))
    }
}

/// Runs a sensitivity file on local threads, as `yalu sensitivity` does (see
/// `yalu.sensitivity`).
#[pyfunction]
#[pyo3(signature = (file, method = "morris", out = None, threads = 0))]
pub fn sensitivity(
    py: Python<'_>,
    file: PathBuf,
    method: &str,
    out: Option<PathBuf>,
    threads: usize,
) -> PyResult<String> {
    let method = self::method(method)?;
    let registry = Registry::embedded();
    let file = py
        .detach(|| SensitivityFile::load(&file, &registry))
        .map_err(|e| experiment_error(py, e))?;
    let out = out.unwrap_or_else(|| method.default_out());
    interruptible(py, |stop| {
        file.run_into(&out, method, &registry, threads, &StopFlag(stop))
    })?
    .map_err(|e| experiment_error(py, e))
}

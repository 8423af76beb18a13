//! Runs, comparisons and validation: the same library calls as `yalu run`, `compare` and
//! `validate`, with results as Arrow tables and Python objects.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use yalu_lab::compare::{compare as compare_runs, table as compare_table};
use yalu_lab::experiment::StopFlag;
use yalu_lab::patterns::check_patterns;
use yalu_lab::{EnsembleSpec, LabError, for_each_replicate};
use yalu_report::RunTables;
use yalu_report::outputs::Catalog;
use yalu_report::table::{ColumnData, Table as YaluTable};
use yalu_scenario::Registry;

use crate::arrow::Table;
use crate::errors::RunError;
use crate::scenario::{Scenario, from_json, resolve};

/// How often the waiting thread looks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `work` on a scoped thread with the GIL released, checking for signals meanwhile;
/// on Ctrl-C (or any signal handler's exception) it sets the flag `work` is given, waits
/// for `work` to stop, and returns the exception.
pub fn interruptible<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> T + Send,
) -> PyResult<T> {
    let cancel = AtomicBool::new(false);
    py.detach(|| {
        let waiting = std::thread::current();
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let outcome = work(&cancel);
                waiting.unpark();
                outcome
            });
            let mut interrupted = None;
            while !worker.is_finished() {
                std::thread::park_timeout(SIGNAL_POLL);
                if interrupted.is_none()
                    && let Err(error) = Python::attach(|py| py.check_signals())
                {
                    cancel.store(true, Ordering::Relaxed);
                    interrupted = Some(error);
                }
            }
            let outcome = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            match interrupted {
                Some(error) => Err(error),
                None => Ok(outcome),
            }
        })
    })
}

/// Stopped by Ctrl-C.
#[derive(Debug)]
struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// The ensemble's replicates, each handed to `consume` in replicate order, stopping at the
/// first batch boundary after `cancel` is set.
fn each_replicate(
    scenario: &Scenario,
    spec: EnsembleSpec,
    cancel: &AtomicBool,
    consume: &mut dyn FnMut(yalu_model::ReplicateResult) -> Result<(), String>,
) -> Result<(), LabError> {
    for_each_replicate(&scenario.loaded.params, spec, &|| {}, &mut |result| {
        if cancel.load(Ordering::Relaxed) {
            return Err(Box::new(Interrupted));
        }
        consume(result).map_err(Into::into)
    })
}

fn spec(scenario: &Scenario, replicates: u32, seed: Option<u64>, threads: usize) -> EnsembleSpec {
    EnsembleSpec {
        seed: seed.unwrap_or(scenario.loaded.seed),
        replicates,
        threads,
    }
}

fn check_replicates(replicates: u32) -> PyResult<()> {
    if replicates == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "replicates must be at least 1",
        ));
    }
    Ok(())
}

/// A run's outputs: every table `yalu run` writes, as Arrow tables.
#[pyclass(module = "yalu._native", name = "RunResult", frozen)]
pub struct RunResult {
    scenario: Py<Scenario>,
    seed: u64,
    replicates: u32,
    wall_time_s: f64,
    tables: Vec<(String, Py<Table>)>,
}

#[pymethods]
impl RunResult {
    /// The scenario run (overrides applied).
    #[getter]
    fn scenario(&self, py: Python<'_>) -> Py<Scenario> {
        self.scenario.clone_ref(py)
    }

    /// The master seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.seed
    }

    /// Replicates run.
    #[getter]
    fn replicates(&self) -> u32 {
        self.replicates
    }

    /// Wall-clock seconds the simulation took.
    #[getter]
    fn wall_time_s(&self) -> f64 {
        self.wall_time_s
    }

    /// The tables' names, in the order a run folder lists them.
    #[getter]
    fn table_names(&self) -> Vec<String> {
        self.tables.iter().map(|(name, _)| name.clone()).collect()
    }

    /// A table by name (`result["flows"]`, or `result.flows`).
    fn __getitem__(&self, py: Python<'_>, name: &str) -> PyResult<Py<Table>> {
        self.tables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, table)| table.clone_ref(py))
            .ok_or_else(|| {
                pyo3::exceptions::PyKeyError::new_err(format!(
                    "no table `{name}`; the run has: {}",
                    self.table_names().join(", ")
                ))
            })
    }

    fn __getattr__(&self, py: Python<'_>, name: &str) -> PyResult<Py<Table>> {
        self.__getitem__(py, name)
            .map_err(|e| pyo3::exceptions::PyAttributeError::new_err(e.value(py).to_string()))
    }

    fn __repr__(&self) -> String {
        format!(
            "yalu.RunResult('{}', seed {}, {} replicates; tables: {})",
            self.scenario.get().loaded.name,
            self.seed,
            self.replicates,
            self.table_names().join(", ")
        )
    }
}

/// Loads and checks a scenario (see `yalu.load_scenario`).
#[pyfunction]
#[pyo3(signature = (scenario = None, overrides = None))]
pub fn load_scenario(
    py: Python<'_>,
    scenario: Option<&Bound<'_, PyAny>>,
    overrides: Option<&Bound<'_, PyDict>>,
) -> PyResult<Scenario> {
    resolve(py, scenario, overrides, &Registry::embedded())
}

/// Runs a scenario's replicates (see `yalu.run`).
#[pyfunction]
#[pyo3(signature = (scenario = None, overrides = None, replicates = 1, seed = None, threads = 0, tables = true))]
pub fn run(
    py: Python<'_>,
    scenario: Option<&Bound<'_, PyAny>>,
    overrides: Option<&Bound<'_, PyDict>>,
    replicates: u32,
    seed: Option<u64>,
    threads: usize,
    tables: bool,
) -> PyResult<RunResult> {
    check_replicates(replicates)?;
    let scenario = resolve(py, scenario, overrides, &Registry::embedded())?;
    let spec = spec(&scenario, replicates, seed, threads);
    let started = Instant::now();
    let (outcome, collected) = interruptible(py, |cancel| {
        let mut collected = RunTables::new(tables);
        let params = &scenario.loaded.params;
        let outcome = each_replicate(&scenario, spec, cancel, &mut |result| {
            collected.add(params, &result);
            Ok(())
        });
        (outcome, collected)
    })?;
    outcome.map_err(|e| RunError::new_err(format!("the run failed: {e}")))?;
    let wall_time_s = started.elapsed().as_secs_f64();
    let finished = collected.finish();
    let mut named: Vec<(String, Py<Table>)> = Vec::new();
    for (name, pieces) in &finished.tables {
        if !pieces.is_empty() {
            named.push(((*name).to_owned(), Py::new(py, Table::new(name, pieces)?)?));
        }
    }
    named.push((
        "summary".to_owned(),
        Py::new(py, Table::new("summary", &[finished.series])?)?,
    ));
    named.push((
        "outputs".to_owned(),
        Py::new(
            py,
            Table::new("outputs", &[outputs_table(&finished.summary)])?,
        )?,
    ));
    Ok(RunResult {
        scenario: Py::new(py, scenario)?,
        seed: spec.seed,
        replicates,
        wall_time_s,
        tables: named,
    })
}

/// Every headline output in every replicate: replicate, output (registry id), label, value.
fn outputs_table(summary: &yalu_report::Summary) -> YaluTable {
    let (mut replicate, mut output, mut label, mut value) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for figure in &summary.figures {
        let values = figure.values.values().unwrap_or_default();
        for (r, v) in values.iter().enumerate() {
            replicate.push(r as i64);
            output.push(figure.id.clone());
            label.push(figure.label.clone());
            value.push(*v);
        }
    }
    YaluTable {
        columns: vec![
            ("replicate", ColumnData::Int(replicate)),
            ("output", ColumnData::Text(output)),
            ("label", ColumnData::Text(label)),
            ("value", ColumnData::Float(value)),
        ],
    }
}

/// Compares two scenarios replicate by replicate (see `yalu.compare`).
#[pyfunction]
#[pyo3(signature = (a, b, replicates = 20, seed = None, threads = 0, common_random_numbers = true))]
pub fn compare(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    replicates: u32,
    seed: Option<u64>,
    threads: usize,
    common_random_numbers: bool,
) -> PyResult<Table> {
    check_replicates(replicates)?;
    let registry = Registry::embedded();
    let a = resolve(py, Some(a), None, &registry)?;
    let b = resolve(py, Some(b), None, &registry)?;
    let spec = spec(&a, replicates, seed, threads);
    let differences = interruptible(py, |stop| {
        compare_runs(
            &a.loaded.params,
            &b.loaded.params,
            spec,
            common_random_numbers,
            None,
            &StopFlag(stop),
        )
    })?
    .map_err(|e| RunError::new_err(e.to_string()))?;
    Table::new("compare", &[compare_table(&differences)])
}

/// Checks patterns P1-P15 against a scenario's replicates (see `yalu.validate`).
#[pyfunction]
#[pyo3(signature = (scenario = None, replicates = 10, seed = None, threads = 0))]
pub fn validate<'py>(
    py: Python<'py>,
    scenario: Option<&Bound<'py, PyAny>>,
    replicates: u32,
    seed: Option<u64>,
    threads: usize,
) -> PyResult<Bound<'py, PyAny>> {
    check_replicates(replicates)?;
    let registry = Registry::embedded();
    let scenario = resolve(py, scenario, None, &registry)?;
    let spec = spec(&scenario, replicates, seed, threads);
    let (outcome, results) = interruptible(py, |cancel| {
        let mut results = Vec::new();
        let outcome = each_replicate(&scenario, spec, cancel, &mut |result| {
            results.push(result);
            Ok(())
        });
        (outcome, results)
    })?;
    outcome.map_err(|e| RunError::new_err(format!("the run failed: {e}")))?;
    let checks = check_patterns(&scenario.loaded.params, &results, &registry);
    from_json(py, &serde_json::to_string(&checks).expect("serializes"))
}

/// A scenario's inputs with their evidence (see `yalu.evidence`).
#[pyfunction]
#[pyo3(signature = (scenario = None))]
pub fn evidence<'py>(
    py: Python<'py>,
    scenario: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let registry = Registry::embedded();
    let scenario = resolve(py, scenario, None, &registry)?;
    let document = scenario.loaded.evidence_document(&registry);
    from_json(py, &serde_json::to_string(&document).expect("serializes"))
}

/// Every output id experiments can ask for (see `yalu.outputs`).
#[pyfunction]
#[pyo3(signature = (scenario = None))]
pub fn outputs(py: Python<'_>, scenario: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    let scenario = resolve(py, scenario, None, &Registry::embedded())?;
    Ok(Catalog::new(&scenario.loaded.params).ids())
}

//! Sweeps from Python: the whole sweep on local threads (`yalu.sweep`), or unit by unit
//! for other schedulers (`yalu.ray`): the driver holds the store and records every result
//! (one writer), workers rebuild the sweep from its texts (it pickles as them) and run
//! units. Shards and merged stores as `yalu sweep --shard` and `yalu sweep merge`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use yalu_lab::experiment::{RangePolicy, StopFlag, Sweep as LabSweep};
use yalu_lab::store::{self, SweepStore as LabStore};
use yalu_lab::sweep::{Metrics, Shard};
use yalu_report::atomic::write_table;
use yalu_report::table::{ColumnData, Table as YaluTable};
use yalu_scenario::{Registry, SourceText};

use crate::arrow::Table;
use crate::errors::{ExperimentFileError, RunError, StoreError, YaluError, experiment_error};
use crate::run::interruptible;
use crate::scenario::from_json;

/// A pickled sweep: its file's name and text, its scenario's name and text, and whether
/// it may leave the recorded ranges.
type SweepTexts = (String, String, String, String, bool);

/// Units left to run, the shard's unit count, and how many the store holds.
type Todo = (Vec<(usize, u32)>, usize, usize);

fn shard(shard: Option<&str>) -> PyResult<Shard> {
    shard.map_or(Ok(Shard::ALL), |text| {
        text.parse()
            .map_err(pyo3::exceptions::PyValueError::new_err)
    })
}

/// A sweep file checked against its scenario, every point validated.
#[pyclass(module = "yalu._native", name = "Sweep", frozen)]
pub struct Sweep {
    pub(crate) sweep: Arc<LabSweep>,
    pub(crate) file: PathBuf,
}

/// A sweep's SQLite store (`sweep.sqlite`), opened by the driver, the one writer.
#[pyclass(module = "yalu._native", name = "SweepStore", frozen)]
pub struct SweepStore {
    store: Mutex<LabStore>,
}

impl SweepStore {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, LabStore> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[pymethods]
impl Sweep {
    /// Reads a sweep file and checks it against the scenario it names; values outside
    /// their parameters' recorded ranges are refused unless `allow_outside_range`.
    #[new]
    #[pyo3(signature = (file, allow_outside_range = false))]
    fn new(py: Python<'_>, file: PathBuf, allow_outside_range: bool) -> PyResult<Sweep> {
        let policy = RangePolicy::allowing_outside(allow_outside_range);
        let sweep = py
            .detach(|| LabSweep::load(&file, &Registry::embedded(), policy))
            .map_err(|e| experiment_error(py, e))?;
        Ok(Sweep {
            sweep: Arc::new(sweep),
            file,
        })
    }

    /// The sweep whose file `file` reads `text`, on the scenario `scenario_text` (named
    /// `scenario_name` in errors): how a worker without the files rebuilds it.
    #[staticmethod]
    #[pyo3(signature = (file, text, scenario_name, scenario_text, allow_outside_range = false))]
    fn from_texts(
        py: Python<'_>,
        file: PathBuf,
        text: &str,
        scenario_name: &str,
        scenario_text: &str,
        allow_outside_range: bool,
    ) -> PyResult<Sweep> {
        let scenario = SourceText::new(scenario_name, scenario_text);
        let policy = RangePolicy::allowing_outside(allow_outside_range);
        let sweep = py
            .detach(|| LabSweep::from_texts(&file, text, scenario, &Registry::embedded(), policy))
            .map_err(|e| experiment_error(py, e))?;
        Ok(Sweep {
            sweep: Arc::new(sweep),
            file,
        })
    }

    /// Pickles as its texts, so Ray (or multiprocessing) ships it to workers without the
    /// files; a worker rebuilds it once (`yalu._sweep_from_texts` caches it).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, SweepTexts)> {
        let rebuild = py.import("yalu")?.getattr("_sweep_from_texts")?;
        let (text, scenario) = self.sweep.texts();
        Ok((
            rebuild,
            (
                self.file.display().to_string(),
                text.to_owned(),
                scenario.name.clone(),
                scenario.text.to_string(),
                self.sweep.policy() == RangePolicy::AllowOutside,
            ),
        ))
    }

    /// The parameters its points set outside their recorded ranges (allowed by
    /// `allow_outside_range`): `[{"parameter", "recorded_range", "values"}]`.
    #[getter]
    fn outside_ranges<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = serde_json::to_string(self.sweep.outside_ranges()).expect("serializes");
        from_json(py, &json)
    }

    /// The sweep's name.
    #[getter]
    fn name(&self) -> &str {
        self.sweep.spec().name()
    }

    /// The file it was read from.
    #[getter]
    fn file(&self) -> &Path {
        &self.file
    }

    /// Replicates per point.
    #[getter]
    fn replicates(&self) -> u32 {
        self.sweep.spec().replicates()
    }

    /// The seed of every unit.
    #[getter]
    fn seed(&self) -> u64 {
        self.sweep.spec().seed()
    }

    /// The metrics (output ids), in file order.
    #[getter]
    fn metrics(&self) -> Vec<String> {
        self.sweep.spec().metrics().to_vec()
    }

    /// Each point's parameter values, `[{path: value}]` by point index.
    #[getter]
    fn points(&self) -> Vec<Vec<(String, f64)>> {
        self.sweep
            .spec()
            .points()
            .iter()
            .map(|p| p.values.clone())
            .collect()
    }

    /// Points times replicates.
    #[getter]
    fn unit_count(&self) -> usize {
        self.sweep.spec().unit_count()
    }

    /// The `(point, replicate)` units of `shard` (`"K/N"`; None: all), point-major.
    #[pyo3(signature = (shard = None))]
    fn units(&self, shard: Option<&str>) -> PyResult<Vec<(usize, u32)>> {
        Ok(self.sweep.spec().units(self::shard(shard)?))
    }

    /// Runs units one after another with the GIL released and returns `(point,
    /// replicate, [(metric, value)])` for each, in order.
    fn evaluate(
        &self,
        py: Python<'_>,
        units: Vec<(usize, u32)>,
    ) -> PyResult<Vec<(usize, u32, Metrics)>> {
        py.detach(|| {
            units
                .into_iter()
                .map(|(point, replicate)| {
                    self.sweep
                        .evaluate(point, replicate)
                        .map(|metrics| (point, replicate, metrics))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| RunError::new_err(e.to_string()))
    }

    /// Opens (creating if absent) `out/sweep.sqlite` for this sweep.
    fn open_store(&self, py: Python<'_>, out: PathBuf) -> PyResult<SweepStore> {
        let store = self
            .sweep
            .open_store(&out)
            .map_err(|e| experiment_error(py, e))?;
        Ok(SweepStore {
            store: Mutex::new(store),
        })
    }

    /// The units of `shard` the store does not hold yet, the shard's unit count, and how
    /// many the store holds.
    #[pyo3(signature = (store, shard = None))]
    fn todo(&self, py: Python<'_>, store: &SweepStore, shard: Option<&str>) -> PyResult<Todo> {
        let (todo, summary) = self
            .sweep
            .todo(&store.lock(), self::shard(shard)?)
            .map_err(|e| experiment_error(py, e))?;
        Ok((todo, summary.total_units, summary.already_done))
    }

    /// Commits one unit's metrics to the store (all or nothing), after checking they are
    /// the sweep's metrics with finite values.
    fn record(
        &self,
        py: Python<'_>,
        store: &SweepStore,
        point: usize,
        replicate: u32,
        metrics: Metrics,
    ) -> PyResult<()> {
        self.sweep
            .record(&mut store.lock(), point, replicate, metrics)
            .map_err(|e| experiment_error(py, e))
    }

    /// Writes `sweep_points` and `sweep_summary` (CSV and Parquet) of the units the store
    /// holds into `out`, as `yalu sweep` does.
    fn write_tables(&self, py: Python<'_>, store: &SweepStore, out: PathBuf) -> PyResult<()> {
        let (points, metrics) = self
            .sweep
            .tables(&store.lock())
            .map_err(|e| experiment_error(py, e))?;
        for (table, name) in [(points, "sweep_points"), (metrics, "sweep_summary")] {
            write_table(&table, &out, name).map_err(|e| YaluError::new_err(e.to_string()))?;
        }
        Ok(())
    }

    fn __repr__(&self) -> String {
        let spec = self.sweep.spec();
        format!(
            "yalu.Sweep('{}', {} points x {} replicates, from {})",
            spec.name(),
            spec.points().len(),
            spec.replicates(),
            self.file.display()
        )
    }
}

#[pymethods]
impl SweepStore {
    /// The store's file.
    #[getter]
    fn path(&self) -> PathBuf {
        self.lock().path().to_owned()
    }

    /// Every stored result: point, replicate, metric, value (sorted).
    fn results(&self) -> PyResult<Table> {
        let rows = self
            .lock()
            .results()
            .map_err(|e| StoreError::new_err(e.to_string()))?;
        Table::new(
            "results",
            &[YaluTable {
                columns: vec![
                    (
                        "point",
                        ColumnData::Int(rows.iter().map(|r| r.point as i64).collect()),
                    ),
                    (
                        "replicate",
                        ColumnData::Int(rows.iter().map(|r| i64::from(r.replicate)).collect()),
                    ),
                    (
                        "metric",
                        ColumnData::Text(rows.iter().map(|r| r.metric.clone()).collect()),
                    ),
                    (
                        "value",
                        ColumnData::Float(rows.iter().map(|r| r.value).collect()),
                    ),
                ],
            }],
        )
    }

    /// Units done: `(point, replicate)`, sorted.
    fn done_units(&self) -> PyResult<Vec<(usize, u32)>> {
        self.lock()
            .done_units()
            .map_err(|e| StoreError::new_err(e.to_string()))
    }
}

/// Runs a sweep (or one shard of it) on local threads into `out/sweep.sqlite`, resuming
/// what the store holds, and writes its tables (see `yalu.sweep`).
#[pyfunction]
#[pyo3(signature = (file, out = None, threads = 0, shard = None, allow_outside_range = false))]
pub fn sweep<'py>(
    py: Python<'py>,
    file: PathBuf,
    out: Option<PathBuf>,
    threads: usize,
    shard: Option<&str>,
    allow_outside_range: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let shard = self::shard(shard)?;
    let policy = RangePolicy::allowing_outside(allow_outside_range);
    let sweep = py
        .detach(|| LabSweep::load(&file, &Registry::embedded(), policy))
        .map_err(|e| experiment_error(py, e))?;
    let out =
        out.unwrap_or_else(|| Path::new("out").join(format!("sweep-{}", sweep.spec().name())));
    let run = interruptible(py, |stop| {
        sweep.run_until(&out, threads, shard, &mut |_, _| {}, &StopFlag(stop))
    })?
    .map_err(|e| experiment_error(py, e))?;
    for (table, name) in [
        (&run.points, "sweep_points"),
        (&run.metrics, "sweep_summary"),
    ] {
        write_table(table, &out, name).map_err(|e| YaluError::new_err(e.to_string()))?;
    }
    let summary = PyDict::new(py);
    summary.set_item("store", out.join(store::STORE_FILE_NAME))?;
    summary.set_item("total_units", run.summary.total_units)?;
    summary.set_item("already_done", run.summary.already_done)?;
    summary.set_item("ran", run.summary.ran)?;
    Ok(summary)
}

/// Merges shards' stores into `out/sweep.sqlite` (see `yalu.merge`).
#[pyfunction]
pub fn merge<'py>(
    py: Python<'py>,
    stores: Vec<PathBuf>,
    out: PathBuf,
) -> PyResult<Bound<'py, PyDict>> {
    if stores.is_empty() {
        return Err(ExperimentFileError::new_err("no stores to merge"));
    }
    let merged = py
        .detach(|| store::merge(&stores, &out))
        .map_err(|e| StoreError::new_err(e.to_string()))?;
    let summary = PyDict::new(py);
    summary.set_item("store", out.join(store::STORE_FILE_NAME))?;
    summary.set_item("added", merged.added)?;
    summary.set_item("already_there", merged.already_there)?;
    summary.set_item("total", merged.total)?;
    Ok(summary)
}

//! Tables handed to Python through the Arrow C stream interface (the `__arrow_c_stream__`
//! PyCapsule protocol): pyarrow, polars, pandas and DuckDB import the record batches'
//! buffers as they are, without copying them.

use std::ffi::CStr;
use std::sync::Arc;

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::SchemaRef;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use yalu_report::table::Table as YaluTable;

use crate::errors::YaluError;

const STREAM_CAPSULE: &CStr = c"arrow_array_stream";

/// An Arrow table (record batches of one schema) made by Yalu.
///
/// It is an Arrow stream (`__arrow_c_stream__`), so `pyarrow.table(t)`, `polars.DataFrame(t)`
/// or `duckdb.arrow(t)` take it without copying; `to_arrow()`, `to_pandas()` and
/// `to_polars()` do that for you. A missing value (pay per kg in a month when nothing sold,
/// say) is a null.
#[pyclass(module = "yalu._native", name = "Table", frozen)]
pub struct Table {
    name: String,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Table {
    /// A table of `pieces` (one per replicate, say), all with the same columns; `pieces`
    /// must not be empty.
    pub fn new(name: &str, pieces: &[YaluTable]) -> PyResult<Table> {
        let batches = pieces
            .iter()
            .map(YaluTable::to_record_batch)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| YaluError::new_err(format!("table {name}: {e}")))?;
        let schema = batches
            .first()
            .map(RecordBatch::schema)
            .ok_or_else(|| YaluError::new_err(format!("table {name} has no pieces")))?;
        Ok(Table {
            name: name.to_owned(),
            schema,
            batches,
        })
    }
}

#[pymethods]
impl Table {
    /// The table's name (`flows`, `money`, ...).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// Column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    fn __len__(&self) -> usize {
        self.num_rows()
    }

    fn __repr__(&self) -> String {
        format!(
            "yalu.Table('{}', {} rows, columns: {})",
            self.name,
            self.num_rows(),
            self.column_names().join(", ")
        )
    }

    /// The Arrow C stream of the record batches, as a PyCapsule (the Arrow PyCapsule
    /// interface). `requested_schema` is not supported and must be None.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        if requested_schema.is_some_and(|s| !s.is_none()) {
            return Err(pyo3::exceptions::PyNotImplementedError::new_err(
                "yalu tables are exported with their own schema only",
            ));
        }
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            Arc::clone(&self.schema),
        );
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        // The consumer moves the stream out (and marks it released); dropping the capsule
        // then releases only a stream nobody took.
        PyCapsule::new_with_value(py, stream, STREAM_CAPSULE)
    }

    /// The table as a `pyarrow.Table` (needs pyarrow).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("pyarrow")?.call_method1("table", (slf,))
    }

    /// The table as a pandas DataFrame (needs pyarrow and pandas).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Table::to_arrow(slf)?.call_method0("to_pandas")
    }

    /// The table as a polars DataFrame (needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("polars")?
            .getattr("DataFrame")?
            .call1((slf,))
    }
}

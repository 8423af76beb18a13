//! A tidy table held as columns, written to CSV or Parquet by the same code path, so both
//! formats always carry the same columns and values. A NaN float is a missing value: an
//! empty CSV cell and a Parquet null.

use std::fs::File;
use std::io::BufWriter;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::ReportError;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Whole numbers.
    Int(Vec<i64>),
    /// Real numbers; NaN means missing.
    Float(Vec<f64>),
    /// Text.
    Text(Vec<String>),
    /// Yes/no.
    Bool(Vec<bool>),
}

impl ColumnData {
    fn len(&self) -> usize {
        match self {
            ColumnData::Int(v) => v.len(),
            ColumnData::Float(v) => v.len(),
            ColumnData::Text(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
        }
    }

    pub(crate) fn csv_cell(&self, row: usize) -> String {
        match self {
            ColumnData::Int(v) => v[row].to_string(),
            ColumnData::Float(v) if v[row].is_nan() => String::new(),
            ColumnData::Float(v) => v[row].to_string(),
            ColumnData::Text(v) => v[row].clone(),
            ColumnData::Bool(v) => v[row].to_string(),
        }
    }

    fn arrow(&self) -> (DataType, ArrayRef) {
        match self {
            ColumnData::Int(v) => (DataType::Int64, Arc::new(Int64Array::from(v.clone()))),
            ColumnData::Float(v) => (
                DataType::Float64,
                Arc::new(Float64Array::from_iter(
                    v.iter().map(|x| (!x.is_nan()).then_some(*x)),
                )),
            ),
            ColumnData::Text(v) => (
                DataType::Utf8,
                Arc::new(StringArray::from_iter_values(v.iter())),
            ),
            ColumnData::Bool(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v.clone()))),
        }
    }
}

/// A named table of equally long columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names and values, in output order.
    pub columns: Vec<(&'static str, ColumnData)>,
}

impl Table {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// The column of this name.
    pub fn column(&self, name: &str) -> Option<&ColumnData> {
        self.columns
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| c)
    }

    /// Writes the table as `<name>.csv` and `<name>.parquet` in `dir`.
    pub fn write(&self, dir: &Path, name: &str) -> Result<(), ReportError> {
        let mut files = TableFiles::create(dir, name)?;
        files.append(self)?;
        files.finish()
    }

    /// The table as one Arrow record batch, with the schema its Parquet file has (floats
    /// nullable, a NaN a null; every other column not nullable).
    pub fn to_record_batch(&self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = self
            .columns
            .iter()
            .map(|(name, data)| {
                let (data_type, array) = data.arrow();
                let nullable = matches!(data, ColumnData::Float(_));
                (Field::new(*name, data_type, nullable), array)
            })
            .unzip();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
    }
}

/// A table's CSV and Parquet files, opened once and appended to piece by piece (one
/// replicate at a time), so a run never holds every replicate's rows in memory.
pub struct TableFiles {
    csv_path: PathBuf,
    parquet_path: PathBuf,
    csv: csv::Writer<BufWriter<File>>,
    wrote_header: bool,
    parquet: Option<ArrowWriter<File>>,
}

impl TableFiles {
    /// Creates `<name>.csv` and `<name>.parquet` in `dir`.
    pub fn create(dir: &Path, name: &str) -> Result<TableFiles, ReportError> {
        let csv_path = dir.join(format!("{name}.csv"));
        let file = File::create(&csv_path).map_err(|source| ReportError::Io {
            path: csv_path.display().to_string(),
            source,
        })?;
        Ok(TableFiles {
            csv: csv::Writer::from_writer(BufWriter::new(file)),
            parquet_path: dir.join(format!("{name}.parquet")),
            csv_path,
            wrote_header: false,
            parquet: None,
        })
    }

    /// Appends the rows of `table`; every piece must have the same columns.
    pub fn append(&mut self, table: &Table) -> Result<(), ReportError> {
        let csv_error = |e: csv::Error| ReportError::Io {
            path: self.csv_path.display().to_string(),
            source: e.into(),
        };
        if !self.wrote_header {
            self.csv
                .write_record(table.columns.iter().map(|(name, _)| *name))
                .map_err(csv_error)?;
            self.wrote_header = true;
        }
        for row in 0..table.rows() {
            self.csv
                .write_record(table.columns.iter().map(|(_, c)| c.csv_cell(row)))
                .map_err(csv_error)?;
        }
        let batch = table.to_record_batch().map_err(|e| ReportError::Parquet {
            path: self.parquet_path.display().to_string(),
            message: e.to_string(),
        })?;
        let parquet_error = |e: parquet::errors::ParquetError| ReportError::Parquet {
            path: self.parquet_path.display().to_string(),
            message: e.to_string(),
        };
        if self.parquet.is_none() {
            let file = File::create(&self.parquet_path).map_err(|source| ReportError::Io {
                path: self.parquet_path.display().to_string(),
                source,
            })?;
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build();
            self.parquet = Some(
                ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(parquet_error)?,
            );
        }
        if let Some(writer) = &mut self.parquet {
            writer.write(&batch).map_err(parquet_error)?;
        }
        Ok(())
    }

    /// Flushes and closes both files.
    pub fn finish(self) -> Result<(), ReportError> {
        let io = |source| ReportError::Io {
            path: self.csv_path.display().to_string(),
            source,
        };
        let mut inner = self
            .csv
            .into_inner()
            .map_err(|e| io(std::io::Error::other(e.to_string())))?;
        inner.flush().map_err(io)?;
        if let Some(writer) = self.parquet {
            writer.close().map_err(|e| ReportError::Parquet {
                path: self.parquet_path.display().to_string(),
                message: e.to_string(),
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_writes_header_rows_and_blank_for_missing() {
        let table = Table {
            columns: vec![
                (
                    "month",
                    ColumnData::Text(vec!["2017-01".into(), "2017-02".into()]),
                ),
                ("kg", ColumnData::Int(vec![5, 6])),
                ("pay", ColumnData::Float(vec![0.8, f64::NAN])),
                ("sanctioned", ColumnData::Bool(vec![false, true])),
            ],
        };
        let dir = std::env::temp_dir().join(format!("yalu-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.csv");
        table.write(&dir, "t").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "month,kg,pay,sanctioned\n2017-01,5,0.8,false\n2017-02,6,,true\n"
        );
        let bytes = std::fs::read(dir.join("t.parquet")).unwrap();
        assert_eq!(&bytes[..4], b"PAR1");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! Every numeric series of a run summarised across replicates with bounded memory: for
//! each table, month, key and numeric column, the mean and the 5th, 50th and 95th
//! percentiles. Values are kept exactly up to a limit per series, then folded into a
//! t-digest, so memory does not grow with the number of replicates beyond that.
//!
//! Summaries merge: a worker summarises a chunk of consecutive replicates (exactly: a
//! chunk is far smaller than the limit), and [`SeriesSummary::merge`] appends the chunks in
//! replicate order, value by value. Every series thus sees its values in replicate order,
//! as if one consumer had added them one replicate at a time: the result depends neither on
//! the thread count nor on how the replicates were chunked.

use std::collections::HashMap;
use std::fmt::Write;
use std::hash::{BuildHasherDefault, Hasher};

use tdigest::TDigest;
use yalu_model::stats::quantile_of_sorted;

use crate::table::{ColumnData, Table};

/// Values kept exactly per series before switching to a t-digest.
pub(crate) const EXACT_LIMIT: usize = 500;
/// Values buffered before they are folded into a series' t-digest.
pub(crate) const DIGEST_BUFFER: usize = 250;
/// Centroids a series' t-digest may hold.
pub(crate) const DIGEST_SIZE: usize = 200;
/// Columns that identify a row rather than measure something.
const KEY_COLUMNS: [&str; 3] = ["replicate", "seed", "month"];

#[derive(Debug, Clone)]
enum Sketch {
    Exact(Vec<f64>),
    /// The digest and the values not yet folded into it.
    Digest(TDigest, Vec<f64>),
}

#[derive(Debug, Clone)]
struct Series {
    sum: f64,
    count: usize,
    sketch: Sketch,
}

impl Default for Series {
    fn default() -> Series {
        Series {
            sum: 0.0,
            count: 0,
            sketch: Sketch::Exact(Vec::new()),
        }
    }
}

impl Series {
    fn push(&mut self, value: f64) {
        self.sum += value;
        self.count += 1;
        match &mut self.sketch {
            Sketch::Exact(values) if values.len() < EXACT_LIMIT => values.push(value),
            Sketch::Exact(values) => {
                values.push(value);
                let digest =
                    TDigest::new_with_size(DIGEST_SIZE).merge_unsorted(std::mem::take(values));
                self.sketch = Sketch::Digest(digest, Vec::with_capacity(DIGEST_BUFFER));
            }
            Sketch::Digest(digest, pending) => {
                pending.push(value);
                if pending.len() >= DIGEST_BUFFER {
                    *digest = digest.merge_unsorted(std::mem::take(pending));
                }
            }
        }
    }

    /// Pushes `later`'s values after this series' own, in order; `later` holds a chunk of
    /// replicates, so it is still exact.
    fn append(&mut self, later: Series) {
        let Sketch::Exact(values) = later.sketch else {
            unreachable!("a chunk of replicates is summarised exactly")
        };
        for value in values {
            self.push(value);
        }
    }

    /// Mean and quantiles, counting `zeros` more replicates at zero.
    fn stats(mut self, zeros: usize, quantiles: &[f64]) -> (usize, f64, Vec<f64>) {
        for _ in 0..zeros {
            self.push(0.0);
        }
        let mean = self.sum / self.count as f64;
        let qs = match &mut self.sketch {
            Sketch::Exact(values) => {
                values.sort_by(f64::total_cmp);
                quantiles
                    .iter()
                    .map(|&q| quantile_of_sorted(values, q))
                    .collect()
            }
            Sketch::Digest(digest, pending) => {
                let digest = digest.merge_unsorted(std::mem::take(pending));
                quantiles
                    .iter()
                    .map(|&q| digest.estimate_quantile(q).unwrap_or(f64::NAN))
                    .collect()
            }
        };
        (self.count, mean, qs)
    }
}

/// A table's name, whether its absent rows mean zero, and its numeric columns.
type TableInfo = (&'static str, bool, Vec<&'static str>);

/// The series of every table of a run, or of a chunk of its replicates.
#[derive(Debug, Clone, Default)]
pub struct SeriesSummary {
    tables: Vec<TableInfo>,
    /// A row's (table, month, key) joined by [`SEPARATOR`] to its index in `rows`: joined,
    /// a row is looked up from a reused buffer without allocating.
    index: HashMap<String, usize, BuildHasherDefault<RowHasher>>,
    /// Each row's table, month and key, and the first of its series (one per numeric
    /// column).
    rows: Vec<(usize, String, String, usize)>,
    series: Vec<Series>,
    replicates: usize,
    /// Reused for a row's joined key.
    buffer: String,
}

/// Hashes row keys for `index`: a rotation and a multiply per 8 bytes (rustc's FxHash),
/// cheaper than the default SipHash on the row keys every replicate looks up; the keys are
/// the model's own, so resistance to crafted collisions is not needed.
#[derive(Default)]
struct RowHasher(u64);

impl RowHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for RowHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.mix(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(word));
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Joins the parts of a row's key (never in a cell).
const SEPARATOR: char = '\u{1f}';

impl SeriesSummary {
    /// Adds one replicate's rows of a table. `absent_is_zero` says whether a row missing
    /// from a replicate means zero (flows, money) rather than no value (prices, incomes).
    pub fn add(&mut self, name: &'static str, absent_is_zero: bool, table: &Table) {
        let numbers: Vec<(&'static str, &ColumnData)> = table
            .columns
            .iter()
            .filter(|(n, c)| {
                !KEY_COLUMNS.contains(n) && matches!(c, ColumnData::Int(_) | ColumnData::Float(_))
            })
            .map(|(n, c)| (*n, c))
            .collect();
        let metrics = numbers.iter().map(|(n, _)| *n).collect();
        let t = self.table_index((name, absent_is_zero, metrics));
        let month = table.column("month");
        let keys: Vec<&ColumnData> = table
            .columns
            .iter()
            .filter(|(n, c)| {
                !KEY_COLUMNS.contains(n) && matches!(c, ColumnData::Text(_) | ColumnData::Bool(_))
            })
            .map(|(_, c)| c)
            .collect();
        let mut buffer = std::mem::take(&mut self.buffer);
        for row in 0..table.rows() {
            buffer.clear();
            write!(buffer, "{t}{SEPARATOR}").expect("writes to a string");
            if let Some(month) = month {
                month.write_cell(row, &mut buffer);
            }
            buffer.push(SEPARATOR);
            for (i, column) in keys.iter().enumerate() {
                if i > 0 {
                    buffer.push('/');
                }
                column.write_cell(row, &mut buffer);
            }
            let base = self.row_base(t, &buffer);
            for (m, (_, column)) in numbers.iter().enumerate() {
                let value = match column {
                    ColumnData::Int(v) => v[row] as f64,
                    ColumnData::Float(v) => v[row],
                    _ => continue,
                };
                if !value.is_nan() {
                    self.series[base + m].push(value);
                }
            }
        }
        self.buffer = buffer;
    }

    /// The position of a table in `tables`, added if new.
    fn table_index(&mut self, info: TableInfo) -> usize {
        match self.tables.iter().position(|(n, _, _)| *n == info.0) {
            Some(t) => t,
            None => {
                self.tables.push(info);
                self.tables.len() - 1
            }
        }
    }

    /// The first series of the row of table `t` whose joined key is `joined`, created if
    /// new.
    fn row_base(&mut self, t: usize, joined: &str) -> usize {
        if let Some(&r) = self.index.get(joined) {
            return self.rows[r].3;
        }
        let mut parts = joined.splitn(3, SEPARATOR).skip(1);
        let (month, key) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let base = self.series.len();
        let metrics = self.tables[t].2.len();
        self.series.extend((0..metrics).map(|_| Series::default()));
        self.rows.push((t, month.to_owned(), key.to_owned(), base));
        self.index.insert(joined.to_owned(), self.rows.len() - 1);
        base
    }

    /// Appends `later`, the summary of the replicates that follow those already here: each
    /// series gets `later`'s values after its own, in order, which is what adding those
    /// replicates here one by one would give.
    pub fn merge(&mut self, later: SeriesSummary) {
        let SeriesSummary {
            tables,
            rows,
            series,
            replicates,
            ..
        } = later;
        let table_here: Vec<usize> = tables
            .into_iter()
            .map(|info| self.table_index(info))
            .collect();
        let mut series: Vec<Option<Series>> = series.into_iter().map(Some).collect();
        let mut buffer = std::mem::take(&mut self.buffer);
        for (t, month, key, later_base) in rows {
            let t = table_here[t];
            buffer.clear();
            write!(buffer, "{t}{SEPARATOR}{month}{SEPARATOR}{key}").expect("writes to a string");
            let base = self.row_base(t, &buffer);
            for m in 0..self.tables[t].2.len() {
                let values = series[later_base + m].take().expect("each series once");
                self.series[base + m].append(values);
            }
        }
        self.buffer = buffer;
        self.replicates += replicates;
    }

    /// Marks the end of a replicate (all its tables added).
    pub fn end_replicate(&mut self) {
        self.replicates += 1;
    }

    /// The summary table: `table, month, key, metric, replicates, mean, p05, p50, p95`,
    /// sorted by table order, month and key, metrics in column order.
    pub fn finish(self) -> Table {
        let mut rows = self.rows;
        rows.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
        let mut series: Vec<Option<Series>> = self.series.into_iter().map(Some).collect();
        let mut columns = SummaryColumns::default();
        for (t, month, key, base) in rows {
            let (name, absent_is_zero, metrics) = &self.tables[t];
            for (m, metric) in metrics.iter().enumerate() {
                let s = series[base + m].take().expect("each series is listed once");
                if s.count == 0 {
                    continue;
                }
                let zeros = if *absent_is_zero {
                    self.replicates.saturating_sub(s.count)
                } else {
                    0
                };
                let (n, mean, qs) = s.stats(zeros, &[0.05, 0.5, 0.95]);
                columns.table.push((*name).to_owned());
                columns.month.push(month.clone());
                columns.key.push(key.clone());
                columns.metric.push((*metric).to_owned());
                columns.replicates.push(n as i64);
                columns.mean.push(mean);
                columns.p05.push(qs[0]);
                columns.p50.push(qs[1]);
                columns.p95.push(qs[2]);
            }
        }
        Table {
            columns: vec![
                ("table", ColumnData::Text(columns.table)),
                ("month", ColumnData::Text(columns.month)),
                ("key", ColumnData::Text(columns.key)),
                ("metric", ColumnData::Text(columns.metric)),
                ("replicates", ColumnData::Int(columns.replicates)),
                ("mean", ColumnData::Float(columns.mean)),
                ("p05", ColumnData::Float(columns.p05)),
                ("p50", ColumnData::Float(columns.p50)),
                ("p95", ColumnData::Float(columns.p95)),
            ],
        }
    }
}

#[derive(Default)]
struct SummaryColumns {
    table: Vec<String>,
    month: Vec<String>,
    key: Vec<String>,
    metric: Vec<String>,
    replicates: Vec<i64>,
    mean: Vec<f64>,
    p05: Vec<f64>,
    p50: Vec<f64>,
    p95: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_row(value: f64) -> Table {
        Table {
            columns: vec![
                ("replicate", ColumnData::Int(vec![0])),
                ("month", ColumnData::Text(vec!["2019-01".into()])),
                ("site", ColumnData::Text(vec!["hyesan".into()])),
                ("quantity", ColumnData::Float(vec![value])),
            ],
        }
    }

    #[test]
    fn summarises_each_series_and_counts_absent_rows_as_zero_where_asked() {
        let mut summary = SeriesSummary::default();
        for v in [1.0, 2.0, 3.0] {
            summary.add("flows", true, &one_row(v));
            summary.add("prices", false, &one_row(v));
            summary.end_replicate();
        }
        summary.end_replicate(); // a fourth replicate with no rows at all
        let table = summary.finish();
        assert_eq!(table.rows(), 2);
        let ColumnData::Float(mean) = table.column("mean").unwrap() else {
            panic!()
        };
        let ColumnData::Int(n) = table.column("replicates").unwrap() else {
            panic!()
        };
        // flows: 1, 2, 3 and a zero; prices: 1, 2, 3 only.
        assert_eq!((n[0], mean[0]), (4, 1.5));
        assert_eq!((n[1], mean[1]), (3, 2.0));
        let ColumnData::Float(p50) = table.column("p50").unwrap() else {
            panic!()
        };
        assert_eq!(p50[0], 1.5);
        assert_eq!(p50[1], 2.0);
    }

    /// Adds replicates `first..` with `values` (a fifth of them without the flows row).
    fn add_replicates(summary: &mut SeriesSummary, first: usize, values: &[f64]) {
        for (i, &v) in values.iter().enumerate() {
            if (first + i) % 5 != 3 {
                summary.add("flows", true, &one_row(v));
            }
            summary.add("prices", false, &one_row(v * 2.0));
            summary.end_replicate();
        }
    }

    /// The summary of `values`, one replicate each, added in chunks of `chunk` replicates
    /// summarised apart and merged in order.
    fn summary_in_chunks(values: &[f64], chunk: usize) -> Table {
        let mut summary = SeriesSummary::default();
        for (c, part) in values.chunks(chunk).enumerate() {
            let mut partial = SeriesSummary::default();
            add_replicates(&mut partial, c * chunk, part);
            summary.merge(partial);
        }
        summary.finish()
    }

    #[test]
    fn chunks_merged_in_order_give_the_summary_of_one_replicate_at_a_time() {
        // Past the exact limit, so the digests must come out the same too.
        let values: Vec<f64> = (0..1300).map(|i| f64::from((i * 7919) % 1000)).collect();
        let mut one_at_a_time = SeriesSummary::default();
        add_replicates(&mut one_at_a_time, 0, &values);
        let one_at_a_time = one_at_a_time.finish();
        for chunk in [1, 2, 16, 64, 333] {
            assert_eq!(
                summary_in_chunks(&values, chunk),
                one_at_a_time,
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn many_replicates_switch_to_a_digest_that_stays_close() {
        let mut series = Series {
            sum: 0.0,
            count: 0,
            sketch: Sketch::Exact(Vec::new()),
        };
        for i in 0..5000 {
            series.push(f64::from(i % 1000));
        }
        assert!(matches!(series.sketch, Sketch::Digest(..)));
        let (n, mean, qs) = series.stats(0, &[0.05, 0.5, 0.95]);
        assert_eq!(n, 5000);
        assert!((mean - 499.5).abs() < 1e-9);
        for (q, expected) in qs.iter().zip([50.0, 500.0, 950.0]) {
            assert!((q - expected).abs() < 15.0, "{q} vs {expected}");
        }
    }
}

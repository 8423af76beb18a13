//! Every numeric series of a run summarised across replicates with bounded memory: for
//! each table, month, key and numeric column, the mean and the 5th, 50th and 95th
//! percentiles. Values are kept exactly up to a limit per series, then folded into a
//! t-digest, so memory does not grow with the number of replicates beyond that.
//!
//! A worker gathers a chunk of consecutive replicates into a [`SeriesPart`]: each value
//! with the number of its series, found by the row's key in the run's row index, which the
//! run's summary and all its parts share (a row is created once, by whichever part meets
//! it first). [`SeriesSummary::merge`] pushes a part's values into their series, parts in
//! replicate order, with no lookup. Every series thus sees its values in replicate order,
//! as if one consumer had added them one replicate at a time: the result depends neither on
//! the thread count nor on how the replicates were chunked (rows are sorted by table, month
//! and key at the end, so the order in which they were created does not show).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tdigest::TDigest;
use yalu_model::stats::quantile_of_sorted;

use crate::table::{ColumnData, Table};
use crate::tables::{Cell, RowSink, Schema};

/// Values kept exactly per series before switching to a t-digest.
pub(crate) const EXACT_LIMIT: usize = 500;
/// Values buffered before they are folded into a series' t-digest.
pub(crate) const DIGEST_BUFFER: usize = 250;
/// Centroids a series' t-digest may hold.
pub(crate) const DIGEST_SIZE: usize = 200;

#[derive(Debug, Clone)]
enum Sketch {
    Exact(Vec<f64>),
    /// The digest and the values not yet folded into it; boxed, so that a series is
    /// small: a part's values are pushed into tens of thousands of series at random.
    Digest(Box<(TDigest, Vec<f64>)>),
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
                self.sketch = Sketch::Digest(Box::new((digest, Vec::with_capacity(DIGEST_BUFFER))));
            }
            Sketch::Digest(boxed) => {
                let (digest, pending) = &mut **boxed;
                pending.push(value);
                if pending.len() >= DIGEST_BUFFER {
                    *digest = digest.merge_unsorted(std::mem::take(pending));
                }
            }
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
            Sketch::Digest(boxed) => {
                let (digest, pending) = &mut **boxed;
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

/// The tables and rows of a run, shared by its summary and its parts.
#[derive(Debug, Default)]
struct RowIndex {
    tables: Vec<TableInfo>,
    /// A row's (table, month, key) joined by [`SEPARATOR`] to its index in `rows`: joined,
    /// a row is looked up from a reused buffer without allocating.
    index: HashMap<String, usize, BuildHasherDefault<RowHasher>>,
    /// Each row's table, month and key, and the number of the first of its series (one
    /// per numeric column).
    rows: Vec<(usize, String, String, usize)>,
    /// Series numbered so far.
    series: usize,
}

impl RowIndex {
    /// The position of table `name` in `tables`, if known.
    fn table(&self, name: &str) -> Option<usize> {
        self.tables.iter().position(|(n, _, _)| *n == name)
    }

    /// The first series of the row of table `t` whose joined key is `joined`, created if
    /// new.
    fn row_base(&mut self, t: usize, joined: &str) -> usize {
        if let Some(&r) = self.index.get(joined) {
            return self.rows[r].3;
        }
        let mut parts = joined.splitn(3, SEPARATOR).skip(1);
        let (month, key) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let base = self.series;
        self.series += self.tables[t].2.len();
        self.rows.push((t, month.to_owned(), key.to_owned(), base));
        self.index.insert(joined.to_owned(), self.rows.len() - 1);
        base
    }
}

/// The run's row index, shared between threads.
type SharedRows = Arc<RwLock<RowIndex>>;

/// The buffers of merged parts, for the next parts to fill: a part's values (a chunk's,
/// megabytes; emptied) and its tables' recent rows (kept: their series do not change).
/// Memory fresh from the system is zeroed by the kernel page by page (a tenth of a run's
/// time before buffers were reused).
type SpareValues = Arc<Mutex<Vec<Buffers>>>;

/// What a part fills, handed on from part to part.
#[derive(Debug, Clone, Default)]
struct Buffers {
    /// Series numbers and values, in the order they were added.
    values: Vec<(u32, f64)>,
    /// By table number: its rows as the last replicate gave them, and those of the
    /// replicate being added.
    recent: Vec<(RecentRows, RecentRows)>,
    /// By row (its place in the row index): its place in its table's recent rows, the
    /// last replicate's or, once found, this one's; checked before use.
    places: Vec<u32>,
}

/// A table's rows in the order a replicate gave them, with their first series: the next
/// replicate gives mostly the same rows in the same order, so a row is first looked for
/// here, a few places on from the last one found, by comparing its joined key with
/// memory read in order, before the row index is hashed into at random (and the search
/// goes on from where the row found there was).
#[derive(Debug, Clone, Default)]
struct RecentRows {
    /// The rows' joined keys, end to end.
    keys: String,
    /// Each row's end in `keys`, place in the row index and first series.
    rows: Vec<(usize, u32, usize)>,
}

/// Rows past the expected one that a row is looked for among (rows a replicate lacks).
const LOOKAHEAD: usize = 8;

impl RecentRows {
    /// The place in the row index and first series of the row whose joined key is
    /// `joined`, if it is among the [`LOOKAHEAD`] rows from `*next`, which then moves
    /// past it.
    fn find(&self, next: &mut usize, joined: &str) -> Option<(u32, usize)> {
        let end = (*next + LOOKAHEAD).min(self.rows.len());
        for at in *next..end {
            let start = at.checked_sub(1).map_or(0, |before| self.rows[before].0);
            let (stop, row, base) = self.rows[at];
            if &self.keys[start..stop] == joined {
                *next = at + 1;
                return Some((row, base));
            }
        }
        None
    }

    /// Adds a row, returning its place.
    fn push(&mut self, joined: &str, row: u32, base: usize) -> u32 {
        self.keys.push_str(joined);
        self.rows.push((self.keys.len(), row, base));
        u32::try_from(self.rows.len() - 1).expect("fewer than 2^32 rows")
    }

    /// Whether row `row` of the index is at `place`.
    fn holds(&self, place: u32, row: u32) -> bool {
        self.rows.get(place as usize).is_some_and(|r| r.1 == row)
    }

    fn clear(&mut self) {
        self.keys.clear();
        self.rows.clear();
    }
}

/// Spare buffers kept: more than the parts in flight at once need.
const SPARE_MAX: usize = 8;

/// Hashes row keys for the row index (and the headline figures' keys): a rotation and a
/// multiply per 8 bytes (rustc's FxHash), cheaper than the default SipHash on the keys
/// every replicate looks up; the keys are the model's own, so resistance to crafted
/// collisions is not needed.
#[derive(Default)]
pub(crate) struct RowHasher(u64);

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

/// The series of every table of a run.
#[derive(Debug, Default)]
pub struct SeriesSummary {
    rows: SharedRows,
    spare: SpareValues,
    /// By series number.
    series: Vec<Series>,
    replicates: usize,
}

/// The values of a chunk of consecutive replicates, gathered on any thread, each with the
/// number of its series in the run's row index; made by [`SeriesSummary::part`].
#[derive(Debug, Clone)]
pub struct SeriesPart {
    rows: SharedRows,
    spare: SpareValues,
    buffers: Buffers,
    replicates: usize,
    /// Reused for a row's joined key.
    buffer: String,
}

impl SeriesPart {
    /// Adds one replicate's rows of a table, as `fill` gives them to its sink; `months`
    /// names the replicate's months. Tables are numbered as they are first added and
    /// summarised in that order, so every replicate adds the same tables in the same order,
    /// even those with no rows: then the order does not depend on which part came first.
    pub fn add(&mut self, schema: &Schema, months: &[String], fill: impl FnOnce(&mut dyn RowSink)) {
        if self.buffers.values.capacity() == 0 {
            let spare = self
                .spare
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            self.buffers = spare.unwrap_or_default();
        }
        let known = read(&self.rows).table(schema.name);
        let t = known.unwrap_or_else(|| {
            let mut rows = write(&self.rows);
            rows.table(schema.name).unwrap_or_else(|| {
                let metrics = schema.metrics().collect();
                rows.tables
                    .push((schema.name, schema.absent_is_zero, metrics));
                rows.tables.len() - 1
            })
        });
        // Rows met for the first time are created after the others, under the write lock;
        // the read lock is held over the whole table, so a row is either found every time
        // or new every time in it, and its values keep their order either way.
        let mut new_rows = Vec::new();
        let mut buffer = std::mem::take(&mut self.buffer);
        let Buffers {
            values,
            recent,
            places,
        } = &mut self.buffers;
        if recent.len() <= t {
            recent.resize_with(t + 1, Default::default);
        }
        let (last, this) = &mut recent[t];
        this.clear();
        {
            let index = read(&self.rows);
            places.resize(index.rows.len(), u32::MAX);
            fill(&mut SeriesRows {
                prefix: format!("{t}{SEPARATOR}"),
                months,
                index: &index,
                values,
                new_rows: &mut new_rows,
                buffer: &mut buffer,
                last,
                next: 0,
                this,
                places,
            });
        }
        if !new_rows.is_empty() {
            let mut rows = write(&self.rows);
            for (joined, numbers) in new_rows {
                let base = rows.row_base(t, &joined);
                push_numbers(values, base, numbers);
            }
        }
        std::mem::swap(last, this);
        self.buffer = buffer;
    }

    /// Marks the end of a replicate (all its tables added).
    pub fn end_replicate(&mut self) {
        self.replicates += 1;
    }
}

/// A table's rows going into a part's values: each row found by its joined key among the
/// last replicate's rows or in the row index, or kept aside with its numbers to be created
/// after the table.
struct SeriesRows<'a> {
    /// The table's number and a separator, which every joined key starts with.
    prefix: String,
    months: &'a [String],
    index: &'a RowIndex,
    values: &'a mut Vec<(u32, f64)>,
    new_rows: &'a mut Vec<(String, Vec<f64>)>,
    buffer: &'a mut String,
    /// The table's rows in the last replicate, and the one expected next.
    last: &'a RecentRows,
    next: usize,
    /// The table's rows found so far in this replicate.
    this: &'a mut RecentRows,
    places: &'a mut [u32],
}

impl RowSink for SeriesRows<'_> {
    fn row(&mut self, month: usize, cells: &[Cell<'_>]) {
        let buffer = &mut *self.buffer;
        buffer.clear();
        buffer.push_str(&self.prefix);
        buffer.push_str(&self.months[month]);
        buffer.push(SEPARATOR);
        let mut first = true;
        for cell in cells {
            let text = match *cell {
                Cell::Text(text) => text,
                Cell::Bool(yes) => {
                    if yes {
                        "true"
                    } else {
                        "false"
                    }
                }
                Cell::Int(_) | Cell::Float(_) => continue,
            };
            if !first {
                buffer.push('/');
            }
            first = false;
            buffer.push_str(text);
        }
        let numbers = cells.iter().filter_map(|c| c.number());
        let found = self.last.find(&mut self.next, buffer).or_else(|| {
            let r = *self.index.index.get(buffer.as_str())?;
            let row = u32::try_from(r).expect("fewer than 2^32 rows");
            // Rows the last replicate had and this one lacks were passed over.
            let place = self.places[r];
            if self.last.holds(place, row) {
                self.next = place as usize + 1;
            }
            Some((row, self.index.rows[r].3))
        });
        match found {
            Some((row, base)) => {
                self.places[row as usize] = self.this.push(buffer, row, base);
                push_numbers(self.values, base, numbers);
            }
            None => self.new_rows.push((buffer.clone(), numbers.collect())),
        }
    }
}

/// Pushes a row's numbers, the first of whose series is `base`; a NaN is no value.
fn push_numbers(values: &mut Vec<(u32, f64)>, base: usize, numbers: impl IntoIterator<Item = f64>) {
    for (m, value) in numbers.into_iter().enumerate() {
        if !value.is_nan() {
            let series = u32::try_from(base + m).expect("fewer than 2^32 series");
            values.push((series, value));
        }
    }
}

/// Reads the row index (a panic elsewhere while it was held leaves it usable: rows are
/// only ever added whole).
fn read(rows: &SharedRows) -> std::sync::RwLockReadGuard<'_, RowIndex> {
    rows.read().unwrap_or_else(PoisonError::into_inner)
}

/// Writes the row index.
fn write(rows: &SharedRows) -> std::sync::RwLockWriteGuard<'_, RowIndex> {
    rows.write().unwrap_or_else(PoisonError::into_inner)
}

impl SeriesSummary {
    /// An empty part for a chunk of this run's replicates, sharing its row index.
    pub fn part(&self) -> SeriesPart {
        SeriesPart {
            rows: Arc::clone(&self.rows),
            spare: Arc::clone(&self.spare),
            buffers: Buffers::default(),
            replicates: 0,
            buffer: String::new(),
        }
    }

    /// Appends `later`, a part holding the replicates that follow those already here: each
    /// series gets `later`'s values after its own, in order, which is what adding those
    /// replicates here one by one would give.
    pub fn merge(&mut self, later: SeriesPart) {
        assert!(
            Arc::ptr_eq(&self.rows, &later.rows),
            "a part is merged into the summary that made it"
        );
        let numbered = read(&self.rows).series;
        if self.series.len() < numbered {
            self.series.resize_with(numbered, Series::default);
        }
        for &(series, value) in &later.buffers.values {
            self.series[series as usize].push(value);
        }
        self.replicates += later.replicates;
        let mut buffers = later.buffers;
        buffers.values.clear();
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < SPARE_MAX {
            spare.push(buffers);
        }
    }

    /// The summary table: `table, month, key, metric, replicates, mean, p05, p50, p95`,
    /// sorted by table order, month and key, metrics in column order.
    pub fn finish(self) -> Table {
        let RowIndex {
            tables, mut rows, ..
        } = std::mem::take(&mut *write(&self.rows));
        rows.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
        let mut series: Vec<Option<Series>> = self.series.into_iter().map(Some).collect();
        let mut columns = SummaryColumns::default();
        for (t, month, key, base) in rows {
            let (name, absent_is_zero, metrics) = &tables[t];
            for (m, metric) in metrics.iter().enumerate() {
                // A row created by a part that was never merged has no values.
                let Some(s) = series.get_mut(base + m).and_then(Option::take) else {
                    continue;
                };
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
    use crate::tables::Kind;

    /// A table of one measure by site, whose absent rows mean zero (`flows`) or no value
    /// (`prices`); the rows are given by the tests, not by `fill`.
    const fn by_site(name: &'static str, absent_is_zero: bool) -> Schema {
        Schema {
            name,
            columns: &["replicate", "seed", "month", "site", "quantity"],
            kinds: &[Kind::Text, Kind::Float],
            absent_is_zero,
            fill: |_, _, _| {},
        }
    }
    const FLOWS: Schema = by_site("flows", true);
    const PRICES: Schema = by_site("prices", false);

    /// Month names: the run's one month, and a month only rare rows have.
    fn months(rare: &str) -> Vec<String> {
        vec!["2019-01".to_owned(), rare.to_owned()]
    }

    /// Adds a table of one row in `month` (an index into [`months`]), or of none.
    fn add_table(part: &mut SeriesPart, schema: &Schema, month: Option<usize>, value: f64) {
        part.add(schema, &months("rare"), |rows| {
            if let Some(month) = month {
                rows.row(month, &[Cell::Text("hyesan"), Cell::Float(value)]);
            }
        });
    }

    #[test]
    fn summarises_each_series_and_counts_absent_rows_as_zero_where_asked() {
        let mut summary = SeriesSummary::default();
        let mut part = summary.part();
        for v in [1.0, 2.0, 3.0] {
            add_table(&mut part, &FLOWS, Some(0), v);
            add_table(&mut part, &PRICES, Some(0), v);
            part.end_replicate();
        }
        part.end_replicate(); // a fourth replicate with no rows at all
        summary.merge(part);
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

    /// Adds replicates `first..` with `values` (a fifth of them with no flows row; every
    /// seventh with a flows row of its own month).
    fn add_replicates(part: &mut SeriesPart, first: usize, values: &[f64]) {
        for (i, &v) in values.iter().enumerate() {
            let replicate = first + i;
            // Every replicate adds every table, in the same order, rows or none.
            let flows = (replicate % 5 != 3).then_some(0);
            add_table(part, &FLOWS, flows, v);
            if replicate.is_multiple_of(7) {
                let rare = months(&format!("r{replicate}"));
                part.add(&FLOWS, &rare, |rows| {
                    rows.row(1, &[Cell::Text("hyesan"), Cell::Float(v)]);
                });
            }
            add_table(part, &PRICES, Some(0), v * 2.0);
            part.end_replicate();
        }
    }

    /// The summary of `values`, one replicate each, added in chunks of `chunk` replicates
    /// gathered apart, the last chunk first (so it creates rows before the others), and
    /// merged in order.
    fn summary_in_chunks(values: &[f64], chunk: usize) -> Table {
        let mut summary = SeriesSummary::default();
        let chunks: Vec<&[f64]> = values.chunks(chunk).collect();
        let mut parts: Vec<SeriesPart> = chunks.iter().map(|_| summary.part()).collect();
        for (c, values) in chunks.iter().enumerate().rev() {
            add_replicates(&mut parts[c], c * chunk, values);
        }
        for part in parts {
            summary.merge(part);
        }
        summary.finish()
    }

    #[test]
    fn chunks_merged_in_order_give_the_summary_of_one_replicate_at_a_time() {
        // Past the exact limit, so the digests must come out the same too.
        let values: Vec<f64> = (0..1300).map(|i| f64::from((i * 7919) % 1000)).collect();
        let mut one_at_a_time = SeriesSummary::default();
        let mut all = one_at_a_time.part();
        add_replicates(&mut all, 0, &values);
        one_at_a_time.merge(all);
        let one_at_a_time = one_at_a_time.finish();
        assert_eq!(one_at_a_time.rows(), 2 + 1300_usize.div_ceil(7));
        for chunk in [1, 2, 16, 64, 333] {
            assert_eq!(
                summary_in_chunks(&values, chunk),
                one_at_a_time,
                "chunk {chunk}"
            );
        }
    }

    /// Adds replicate `replicate` of a table of 40 sites, one row each: some replicates
    /// lack a run of sites longer than the look-ahead, some give the sites in reverse.
    fn add_sites(part: &mut SeriesPart, replicate: usize) {
        let names: Vec<String> = (0..40).map(|s| format!("site{s}")).collect();
        let mut sites: Vec<usize> = (0..40)
            .filter(|s| replicate % 3 != 1 || !(5..5 + 2 * LOOKAHEAD).contains(s))
            .collect();
        if replicate % 4 == 2 {
            sites.reverse();
        }
        part.add(&FLOWS, &months("rare"), |rows| {
            for &s in &sites {
                let value = (replicate * 41 + s) as f64;
                rows.row(0, &[Cell::Text(&names[s]), Cell::Float(value)]);
            }
        });
        part.end_replicate();
    }

    #[test]
    fn rows_missing_or_reordered_from_one_replicate_to_the_next_keep_their_series() {
        // Each replicate in a part of its own, all filled before any is merged (so none
        // has recent rows to look among), against all of them in one part (each table's
        // rows looked for among the last replicate's).
        let mut apart = SeriesSummary::default();
        let mut own: Vec<SeriesPart> = (0..24).map(|_| apart.part()).collect();
        let mut together = SeriesSummary::default();
        let mut one = together.part();
        for (replicate, part) in own.iter_mut().enumerate() {
            add_sites(part, replicate);
            add_sites(&mut one, replicate);
        }
        own.into_iter().for_each(|part| apart.merge(part));
        together.merge(one);
        let (apart, together) = (apart.finish(), together.finish());
        assert_eq!(together.rows(), 40);
        assert_eq!(together, apart);
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

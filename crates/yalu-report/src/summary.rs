//! The registry's outputs summarised across replicates: the table printed at the end of
//! `yalu run` (each figure's mean with its 5th-95th percentile band), and [`Band`], the
//! spread of any figure across replicates. A figure's values are a [`Spread`]: exact up to
//! the series' limit of values, then a t-digest, so that a run's summary does not grow
//! with its replicates.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;
use tdigest::TDigest;
use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;
use yalu_model::stats::{quantile_of_sorted, sorted_finite};

use crate::format::readable;
use crate::outputs::{Section, Value, values};
use crate::series::{DIGEST_BUFFER, DIGEST_SIZE, EXACT_LIMIT};

/// Money flows shown in the printed summary.
const MONEY_ROWS_SHOWN: usize = 12;

/// One figure per replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Across(pub Vec<f64>);

impl Across {
    /// Mean across replicates (NaN values are skipped).
    pub fn mean(&self) -> f64 {
        let finite: Vec<f64> = self.0.iter().copied().filter(|x| x.is_finite()).collect();
        finite.iter().sum::<f64>() / finite.len() as f64
    }

    /// The `q`-quantile across replicates, linear between order statistics (NaN skipped).
    pub fn quantile(&self, q: f64) -> f64 {
        quantile_of_sorted(&sorted_finite(self.0.iter().copied()), q)
    }

    /// Mean, with the 5-95% band when there is more than one replicate, for reading.
    pub fn show(&self) -> String {
        show(self.0.len(), self.mean(), |q| self.quantile(q))
    }
}

/// A mean, with the 5-95% band of `quantile` when there is more than one replicate.
fn show(replicates: usize, mean: f64, quantile: impl Fn(f64) -> f64) -> String {
    if replicates > 1 {
        format!(
            "{} [{}, {}]",
            readable(mean),
            readable(quantile(0.05)),
            readable(quantile(0.95))
        )
    } else {
        readable(mean)
    }
}

/// One figure across replicates in bounded memory: every value in replicate order up to a
/// limit (the series' 500 by default; its statistics are then exactly those of
/// [`Across`]), beyond it the running sum and count of the finite values and a t-digest of
/// them (the mean stays exact, the quantiles become estimates).
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    /// Replicates counted.
    count: usize,
    /// Values kept exactly, at most this many.
    limit: usize,
    exact: Vec<f64>,
    folded: Option<Folded>,
}

/// The finite values of a [`Spread`] past its limit.
#[derive(Debug, Clone, PartialEq)]
struct Folded {
    sum: f64,
    finite: usize,
    digest: TDigest,
    /// Values not yet folded into the digest.
    pending: Vec<f64>,
}

impl Default for Spread {
    fn default() -> Spread {
        Spread::keeping(EXACT_LIMIT)
    }
}

impl Spread {
    /// An empty spread keeping up to `limit` values exactly.
    fn keeping(limit: usize) -> Spread {
        Spread {
            count: 0,
            limit,
            exact: Vec::new(),
            folded: None,
        }
    }

    /// Adds the next replicate's value (NaN: missing).
    pub fn push(&mut self, value: f64) {
        self.count += 1;
        match &mut self.folded {
            None if self.exact.len() < self.limit => self.exact.push(value),
            None => {
                let mut folded = Folded {
                    sum: 0.0,
                    finite: 0,
                    digest: TDigest::new_with_size(DIGEST_SIZE),
                    pending: Vec::with_capacity(DIGEST_BUFFER),
                };
                // In replicate order, so the sum is the one the exact mean takes.
                for kept in std::mem::take(&mut self.exact).into_iter().chain([value]) {
                    folded.push(kept);
                }
                self.folded = Some(folded);
            }
            Some(folded) => folded.push(value),
        }
    }

    /// Replicates counted.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no replicate was counted.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Every value in replicate order, while they are all kept.
    pub fn values(&self) -> Option<&[f64]> {
        self.folded.is_none().then_some(self.exact.as_slice())
    }

    /// Mean across replicates (NaN values are skipped).
    pub fn mean(&self) -> f64 {
        match &self.folded {
            None => mean_of_finite(&self.exact),
            Some(folded) => folded.sum / folded.finite as f64,
        }
    }

    /// The `q`-quantile across replicates (NaN skipped): linear between order statistics
    /// while every value is kept, estimated from the t-digest beyond.
    pub fn quantile(&self, q: f64) -> f64 {
        match &self.folded {
            None => quantile_of_sorted(&sorted_finite(self.exact.iter().copied()), q),
            Some(folded) if folded.pending.is_empty() => {
                folded.digest.estimate_quantile(q).unwrap_or(f64::NAN)
            }
            Some(folded) => {
                let mut settled = folded.clone();
                settled.fold();
                settled.digest.estimate_quantile(q).unwrap_or(f64::NAN)
            }
        }
    }

    /// Mean, with the 5-95% band when there is more than one replicate, for reading.
    pub fn show(&self) -> String {
        show(self.count, self.mean(), |q| self.quantile(q))
    }

    /// Folds the values still pending into the digest, so that quantiles read it directly.
    fn settle(&mut self) {
        if let Some(folded) = &mut self.folded {
            folded.fold();
        }
    }
}

impl Folded {
    fn push(&mut self, value: f64) {
        if value.is_finite() {
            self.sum += value;
            self.finite += 1;
            self.pending.push(value);
            if self.pending.len() >= DIGEST_BUFFER {
                self.fold();
            }
        }
    }

    fn fold(&mut self) {
        if !self.pending.is_empty() {
            self.digest = self
                .digest
                .merge_unsorted(std::mem::take(&mut self.pending));
        }
    }
}

/// The mean of the finite values, summed in order (as [`Across::mean`]).
fn mean_of_finite(values: &[f64]) -> f64 {
    let finite = || values.iter().filter(|x| x.is_finite());
    finite().sum::<f64>() / finite().count() as f64
}

/// The spread of one figure across replicates: its 5th percentile, median and 95th
/// percentile, each linear between order statistics. Missing (NaN) values are left out; a
/// figure missing in every replicate is NaN throughout.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    /// Median.
    pub median: f64,
    /// 5th percentile.
    pub p05: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Band {
    /// The band of `values`, one per replicate.
    pub fn across(values: &[f64]) -> Band {
        let across = Across(values.to_vec());
        Band {
            median: across.quantile(0.5),
            p05: across.quantile(0.05),
            p95: across.quantile(0.95),
        }
    }

    /// The band of the finite values; `None` when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Band> {
        let finite: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        (!finite.is_empty()).then(|| Band::across(&finite))
    }
}

/// An output across replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Where it is shown.
    pub section: Section,
    /// Its registry id.
    pub id: String,
    /// Its printed label.
    pub label: String,
    /// Its values across replicates, in replicate order.
    pub values: Spread,
}

/// Outputs gathered replicate by replicate, in replicate order; each figure is a
/// [`Spread`], so memory is bounded by the number of outputs whatever the replicates.
#[derive(Debug, Clone)]
pub struct SummaryBuilder {
    replicates: usize,
    /// Values each figure keeps exactly.
    limit: usize,
    index: HashMap<String, usize>,
    /// Each figure as first reported (its description), its values, and its value in the
    /// replicate being added.
    figures: Vec<(Value, Spread, Option<f64>)>,
}

impl Default for SummaryBuilder {
    fn default() -> SummaryBuilder {
        SummaryBuilder {
            replicates: 0,
            limit: EXACT_LIMIT,
            index: HashMap::new(),
            figures: Vec::new(),
        }
    }
}

impl SummaryBuilder {
    /// A builder whose figures keep every value (in memory, for a caller that wants each
    /// replicate's values back: [`Spread::values`]).
    pub fn keeping_every_value() -> SummaryBuilder {
        SummaryBuilder {
            limit: usize::MAX,
            ..SummaryBuilder::default()
        }
    }

    /// Adds the next replicate's outputs; a figure reported twice keeps the last value,
    /// and a replicate that does not report a figure takes its aggregation's missing value.
    pub fn add(&mut self, outputs: Vec<Value>) {
        let numbered: Vec<(usize, f64)> = outputs
            .iter()
            .map(|output| (self.figure(output), output.value))
            .collect();
        self.add_numbered(&numbered);
    }

    /// Adds the replicates of a part, in order: `figures` describes the part's figures,
    /// each replicate's values name them by their place there.
    pub(crate) fn add_part(&mut self, figures: &[Value], replicates: &[Vec<(u32, f64)>]) {
        // The part's figures by their number here, found when first met, so new figures
        // are created in the order the replicates report them, as `add` would.
        let mut here: Vec<Option<usize>> = vec![None; figures.len()];
        let mut numbered = Vec::new();
        for values in replicates {
            numbered.clear();
            for &(figure, value) in values {
                let at = match here[figure as usize] {
                    Some(at) => at,
                    None => *here[figure as usize].insert(self.figure(&figures[figure as usize])),
                };
                numbered.push((at, value));
            }
            self.add_numbered(&numbered);
        }
    }

    /// The number of the figure `output` reports, created (missing in every replicate so
    /// far) if new.
    fn figure(&mut self, output: &Value) -> usize {
        if let Some(&at) = self.index.get(&output.id) {
            return at;
        }
        let mut spread = Spread::keeping(self.limit);
        let missing = output.aggregation.missing_value();
        (0..self.replicates).for_each(|_| spread.push(missing));
        self.index.insert(output.id.clone(), self.figures.len());
        self.figures.push((output.clone(), spread, None));
        self.figures.len() - 1
    }

    /// Adds a replicate's values, by figure number.
    fn add_numbered(&mut self, values: &[(usize, f64)]) {
        for &(at, value) in values {
            self.figures[at].2 = Some(value);
        }
        for (first, spread, value) in &mut self.figures {
            spread.push(value.take().unwrap_or(first.aggregation.missing_value()));
        }
        self.replicates += 1;
    }

    /// The summary, figures in section order then label order.
    pub fn finish(self) -> Summary {
        let replicates = self.replicates;
        let mut figures: Vec<Figure> = self
            .figures
            .into_iter()
            .map(|(first, mut values, _)| {
                values.settle();
                Figure {
                    section: first.section,
                    id: first.id,
                    label: first.label,
                    values,
                }
            })
            .collect();
        figures.sort_by(|a, b| (a.section, &a.label).cmp(&(b.section, &b.label)));
        Summary {
            figures,
            replicates,
        }
    }
}

/// The headline figures across replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Every figure, in section then name order.
    pub figures: Vec<Figure>,
    /// Replicates summarised.
    pub replicates: usize,
}

impl Summary {
    /// Summarises replicates already in memory.
    pub fn new(params: &ModelParams, results: &[ReplicateResult]) -> Summary {
        let mut builder = SummaryBuilder::default();
        for r in results {
            builder.add(values(params, r));
        }
        builder.finish()
    }

    /// A figure by registry id.
    pub fn get(&self, id: &str) -> Option<&Spread> {
        self.figures.iter().find(|f| f.id == id).map(|f| &f.values)
    }

    /// The summary as aligned text tables, one per section.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let band = if self.replicates > 1 {
            format!("mean [5%, 95%] over {} replicates", self.replicates)
        } else {
            "1 replicate".to_owned()
        };
        let mut sections: Vec<Section> = self.figures.iter().map(|f| f.section).collect();
        sections.dedup();
        for section in sections {
            let mut figures: Vec<&Figure> = self
                .figures
                .iter()
                .filter(|f| f.section == section)
                .collect();
            let total = figures.len();
            // Money between classes is long; the largest flows tell the story, the rest
            // are in summary.csv and money.csv.
            if section == Section::Money {
                figures.sort_by(|a, b| b.values.mean().abs().total_cmp(&a.values.mean().abs()));
                figures.truncate(MONEY_ROWS_SHOWN);
            }
            let rows: Vec<[String; 2]> = figures
                .iter()
                .map(|f| [f.label.clone(), f.values.show()])
                .collect();
            let _ = writeln!(out, "\n{} ({band})", section.title());
            render_rows(&mut out, &["figure", "value"], &rows);
            if total > rows.len() {
                let _ = writeln!(
                    out,
                    "(the {} largest of {total}; all are in money.csv and summary.csv)",
                    rows.len()
                );
            }
        }
        out
    }
}

fn render_rows<const N: usize>(out: &mut String, header: &[&str; N], rows: &[[String; N]]) {
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for row in rows {
        let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::Aggregation;

    #[test]
    fn quantiles_interpolate_and_skip_missing() {
        let values = Across(vec![4.0, 1.0, f64::NAN, 3.0, 2.0]);
        assert_eq!(values.mean(), 2.5);
        assert_eq!(values.quantile(0.0), 1.0);
        assert_eq!(values.quantile(1.0), 4.0);
        assert_eq!(values.quantile(0.5), 2.5);
        assert!((values.quantile(0.05) - 1.15).abs() < 1e-12);
    }

    #[test]
    fn a_money_flow_missing_from_a_replicate_counts_as_zero_and_a_ratio_as_missing() {
        let output = |id: &str, section, aggregation, value| Value {
            id: id.to_owned(),
            label: id.to_owned(),
            section,
            aggregation,
            value,
        };
        let mut builder = SummaryBuilder::default();
        builder.add(vec![
            output(
                "money.cny_per_year[a/b/bribe]",
                Section::Money,
                Aggregation::PerYear,
                10.0,
            ),
            output(
                "porter.pay_cny_per_kg[x]",
                Section::Porters,
                Aggregation::Ratio,
                0.8,
            ),
        ]);
        builder.add(vec![]);
        let summary = builder.finish();
        let values = |id| summary.get(id).unwrap().values().unwrap();
        assert_eq!(values("money.cny_per_year[a/b/bribe]"), [10.0, 0.0]);
        let pay = values("porter.pay_cny_per_kg[x]");
        assert_eq!(pay[0], 0.8);
        assert!(pay[1].is_nan());
    }

    #[test]
    fn a_spread_keeps_every_value_up_to_the_limit_then_a_bounded_digest() {
        let mut spread = Spread::default();
        for i in 0..EXACT_LIMIT {
            spread.push(i as f64);
        }
        assert_eq!(spread.values().map(<[f64]>::len), Some(EXACT_LIMIT));
        assert_eq!(spread.mean(), Across(spread.exact.clone()).mean());
        assert_eq!(
            spread.quantile(0.05),
            Across(spread.exact.clone()).quantile(0.05)
        );
        for i in EXACT_LIMIT..20_000 {
            spread.push(if i % 10 == 0 {
                f64::NAN
            } else {
                (i % 1000) as f64
            });
        }
        assert_eq!(spread.len(), 20_000);
        assert!(spread.values().is_none());
        assert_eq!(spread.exact.capacity(), 0);
        let folded = spread.folded.as_ref().unwrap();
        assert!(folded.pending.len() < DIGEST_BUFFER);
        assert!(folded.digest.centroids().len() <= DIGEST_SIZE);
        // Values 0..999 about evenly, the NaNs left out.
        assert!((spread.mean() - 499.5).abs() < 5.0, "{}", spread.mean());
        assert!((spread.quantile(0.5) - 500.0).abs() < 15.0);
        assert!((spread.quantile(0.95) - 950.0).abs() < 15.0);
    }

    #[test]
    fn a_builder_keeping_every_value_never_folds() {
        let mut builder = SummaryBuilder::keeping_every_value();
        let value = |v| Value {
            id: "x".to_owned(),
            label: "x".to_owned(),
            section: Section::Porters,
            aggregation: Aggregation::Ratio,
            value: v,
        };
        for i in 0..EXACT_LIMIT + 10 {
            builder.add(vec![value(i as f64)]);
        }
        let summary = builder.finish();
        let kept = summary.get("x").unwrap().values().unwrap();
        assert_eq!(kept.len(), EXACT_LIMIT + 10);
        assert_eq!(kept[EXACT_LIMIT + 9], (EXACT_LIMIT + 9) as f64);
    }

    #[test]
    fn a_band_leaves_out_missing_values() {
        let band = Band::across(&[10.0, 2.0, f64::NAN, 4.0, 1.0, 3.0]);
        assert_eq!(band.median, 3.0);
        assert_eq!(Band::of([f64::NAN]), None);
        assert!(Band::across(&[]).median.is_nan());
    }
}

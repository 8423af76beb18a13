//! The registry's outputs summarised across replicates: the table printed at the end of
//! `yalu run` (each figure's mean with its 5th-95th percentile band), and [`Band`], the
//! spread of any figure across replicates.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;
use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;
use yalu_model::stats::{quantile_of_sorted, sorted_finite};

use crate::format::readable;
use crate::outputs::{Section, Value, values};

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
        if self.0.len() > 1 {
            format!(
                "{} [{}, {}]",
                readable(self.mean()),
                readable(self.quantile(0.05)),
                readable(self.quantile(0.95))
            )
        } else {
            readable(self.mean())
        }
    }
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
    /// Its value in each replicate, in replicate order.
    pub values: Across,
}

/// Outputs gathered replicate by replicate, in replicate order, so that memory grows with
/// the number of outputs times replicates only.
#[derive(Debug, Clone, Default)]
pub struct SummaryBuilder {
    replicates: usize,
    index: HashMap<String, usize>,
    figures: Vec<(Value, Vec<(usize, f64)>)>,
}

impl SummaryBuilder {
    /// Adds the next replicate's outputs.
    pub fn add(&mut self, outputs: Vec<Value>) {
        let replicate = self.replicates;
        for output in outputs {
            let value = output.value;
            let at = *self.index.entry(output.id.clone()).or_insert_with(|| {
                self.figures.push((output, Vec::new()));
                self.figures.len() - 1
            });
            self.figures[at].1.push((replicate, value));
        }
        self.replicates += 1;
    }

    /// The summary, figures in section order then label order; a replicate that did not
    /// report a figure takes its aggregation's missing value.
    pub fn finish(self) -> Summary {
        let replicates = self.replicates;
        let mut figures: Vec<Figure> = self
            .figures
            .into_iter()
            .map(|(first, values)| {
                let mut all = vec![first.aggregation.missing_value(); replicates];
                for (r, v) in values {
                    all[r] = v;
                }
                Figure {
                    section: first.section,
                    id: first.id,
                    label: first.label,
                    values: Across(all),
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
    pub fn get(&self, id: &str) -> Option<&Across> {
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
        assert_eq!(
            summary.get("money.cny_per_year[a/b/bribe]").unwrap().0,
            vec![10.0, 0.0]
        );
        let pay = &summary.get("porter.pay_cny_per_kg[x]").unwrap().0;
        assert_eq!(pay[0], 0.8);
        assert!(pay[1].is_nan());
    }

    #[test]
    fn a_band_leaves_out_missing_values() {
        let band = Band::across(&[10.0, 2.0, f64::NAN, 4.0, 1.0, 3.0]);
        assert_eq!(band.median, 3.0);
        assert_eq!(Band::of([f64::NAN]), None);
        assert!(Band::across(&[]).median.is_nan());
    }
}

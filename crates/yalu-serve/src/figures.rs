//! The workbench's figures, kept replicate by replicate so that a run can be summarised
//! (median and 5-95% band per month) and two runs on the same seed and replicate numbers
//! can be differenced replicate by replicate (common random numbers).
//!
//! Each figure is built from the same tidy tables `yalu run` writes (`yalu_report::tables`),
//! so its numbers are the ones in the run's CSV files.

use std::collections::BTreeMap;

use serde::Serialize;
use yalu_model::stats::quantile_of_sorted;
use yalu_model::{ModelParams, ReplicateResult};
use yalu_report::outputs::values;
use yalu_report::table::{ColumnData, Table};
use yalu_report::tables;

/// How a figure is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Monthly series, each a median line in its 5-95% band.
    Band,
    /// One total per series over the whole run, with its 5-95% interval.
    Bars,
    /// Totals from payer to payee, drawn as a Sankey diagram.
    Sankey,
}

/// A figure's declaration.
struct FigureDef {
    id: &'static str,
    title: &'static str,
    unit: &'static str,
    kind: Kind,
    /// Whether a month with no rows is a zero (flows) rather than no value (prices).
    absent_is_zero: bool,
    /// The series of one replicate: name to value per month (or one total).
    measure: fn(&ModelParams, &ReplicateResult, usize) -> BTreeMap<String, Vec<f64>>,
}

const FIGURES: &[FigureDef] = &[
    FigureDef {
        id: "goods_by_channel",
        title: "Goods delivered by channel",
        unit: "CNY per month",
        kind: Kind::Band,
        absent_is_zero: true,
        measure: goods_by_channel,
    },
    FigureDef {
        id: "goods",
        title: "Goods delivered over the run, by good",
        unit: "CNY",
        kind: Kind::Bars,
        absent_is_zero: true,
        measure: goods_by_good,
    },
    FigureDef {
        id: "fx_by_channel",
        title: "Foreign currency reaching Room 39, by channel",
        unit: "USD per month",
        kind: Kind::Band,
        absent_is_zero: true,
        measure: fx_by_channel,
    },
    FigureDef {
        id: "value_capture",
        title: "Who captures the value: money between classes over the run",
        unit: "CNY",
        kind: Kind::Sankey,
        absent_is_zero: true,
        measure: value_capture,
    },
    FigureDef {
        id: "monitor",
        title: "What the monitor sees at sea against the truth",
        unit: "quantity per month (goods' own units, summed)",
        kind: Kind::Band,
        absent_is_zero: true,
        measure: monitor,
    },
    FigureDef {
        id: "incomes",
        title: "Mean monthly income by group",
        unit: "CNY per person per month",
        kind: Kind::Band,
        absent_is_zero: false,
        measure: incomes,
    },
    FigureDef {
        id: "prices",
        title: "Market prices (mean over sites)",
        unit: "CNY per kg",
        kind: Kind::Band,
        absent_is_zero: false,
        measure: prices,
    },
];

fn text(table: &Table, column: &str) -> Vec<String> {
    match table.column(column) {
        Some(ColumnData::Text(v)) => v.clone(),
        _ => vec![String::new(); table.rows()],
    }
}

fn number(table: &Table, column: &str) -> Vec<f64> {
    match table.column(column) {
        Some(ColumnData::Float(v)) => v.clone(),
        Some(ColumnData::Int(v)) => v.iter().map(|&x| x as f64).collect(),
        _ => vec![f64::NAN; table.rows()],
    }
}

/// Month index of each row (the tables' months are the result's months, as text).
fn month_index(result: &ReplicateResult, table: &Table) -> Vec<Option<usize>> {
    let months: BTreeMap<String, usize> = result
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| (m.to_string(), i))
        .collect();
    text(table, "month")
        .iter()
        .map(|m| months.get(m).copied())
        .collect()
}

/// Sums `value` per key and month over the rows `keep` accepts.
fn monthly_sums(
    result: &ReplicateResult,
    table: &Table,
    months: usize,
    key: &[String],
    value: &[f64],
    keep: impl Fn(usize) -> bool,
) -> BTreeMap<String, Vec<f64>> {
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (row, month) in month_index(result, table).into_iter().enumerate() {
        if let Some(month) = month
            && keep(row)
            && value[row].is_finite()
        {
            out.entry(key[row].clone())
                .or_insert_with(|| vec![0.0; months])[month] += value[row];
        }
    }
    out
}

/// Value delivered each month, by the flows table's column `key` (channel, good, ...).
fn delivered_by(
    params: &ModelParams,
    result: &ReplicateResult,
    months: usize,
    key: &str,
) -> BTreeMap<String, Vec<f64>> {
    let t = tables::FLOWS.table(params, std::slice::from_ref(result));
    let outcome = text(&t, "outcome");
    monthly_sums(
        result,
        &t,
        months,
        &text(&t, key),
        &number(&t, "value_cny"),
        |r| outcome[r] == "delivered",
    )
}

fn goods_by_channel(
    params: &ModelParams,
    result: &ReplicateResult,
    months: usize,
) -> BTreeMap<String, Vec<f64>> {
    delivered_by(params, result, months, "channel")
}

fn goods_by_good(
    params: &ModelParams,
    result: &ReplicateResult,
    months: usize,
) -> BTreeMap<String, Vec<f64>> {
    delivered_by(params, result, months, "good")
        .into_iter()
        .map(|(k, v)| (k, vec![v.iter().sum()]))
        .collect()
}

fn fx_by_channel(
    params: &ModelParams,
    result: &ReplicateResult,
    months: usize,
) -> BTreeMap<String, Vec<f64>> {
    let t = tables::FX.table(params, std::slice::from_ref(result));
    monthly_sums(
        result,
        &t,
        months,
        &text(&t, "channel"),
        &number(&t, "amount_usd"),
        |_| true,
    )
}

/// The separator between payer and payee in a Sankey series name.
pub const FLOW_ARROW: &str = " -> ";

fn value_capture(
    params: &ModelParams,
    result: &ReplicateResult,
    months: usize,
) -> BTreeMap<String, Vec<f64>> {
    let t = tables::MONEY.table(params, std::slice::from_ref(result));
    let (payer, payee) = (text(&t, "payer"), text(&t, "payee"));
    let key: Vec<String> = payer
        .iter()
        .zip(&payee)
        .map(|(a, b)| format!("{a}{FLOW_ARROW}{b}"))
        .collect();
    monthly_sums(result, &t, months, &key, &number(&t, "amount_cny"), |r| {
        payer[r] != payee[r]
    })
    .into_iter()
    .map(|(k, v)| (k, vec![v.iter().sum()]))
    .collect()
}

fn monitor(
    params: &ModelParams,
    result: &ReplicateResult,
    months: usize,
) -> BTreeMap<String, Vec<f64>> {
    let t = tables::OBSERVED.table(params, std::slice::from_ref(result));
    let mut out = BTreeMap::new();
    for (name, column) in [
        ("observed by monitors", "observed_quantity"),
        ("true", "true_quantity"),
    ] {
        let key = vec![name.to_owned(); t.rows()];
        out.extend(monthly_sums(
            result,
            &t,
            months,
            &key,
            &number(&t, column),
            |_| true,
        ));
    }
    out
}

fn incomes(
    params: &ModelParams,
    result: &ReplicateResult,
    months: usize,
) -> BTreeMap<String, Vec<f64>> {
    let t = tables::INCOMES.table(params, std::slice::from_ref(result));
    let group = text(&t, "group");
    let people = number(&t, "people");
    let income = number(&t, "mean_income_cny");
    let weighted: Vec<f64> = people.iter().zip(&income).map(|(p, i)| p * i).collect();
    let totals = monthly_sums(result, &t, months, &group, &weighted, |_| true);
    let heads = monthly_sums(result, &t, months, &group, &people, |r| {
        income[r].is_finite()
    });
    ratio(totals, &heads)
}

fn prices(
    params: &ModelParams,
    result: &ReplicateResult,
    months: usize,
) -> BTreeMap<String, Vec<f64>> {
    let t = tables::PRICES.table(params, std::slice::from_ref(result));
    let good = text(&t, "good");
    let price = number(&t, "price_cny_per_kg");
    let sums = monthly_sums(result, &t, months, &good, &price, |_| true);
    let counts = monthly_sums(result, &t, months, &good, &vec![1.0; t.rows()], |r| {
        price[r].is_finite()
    });
    ratio(sums, &counts)
}

/// Each series divided month by month by its denominator; no value where that is zero.
fn ratio(
    numerators: BTreeMap<String, Vec<f64>>,
    denominators: &BTreeMap<String, Vec<f64>>,
) -> BTreeMap<String, Vec<f64>> {
    numerators
        .into_iter()
        .filter_map(|(k, n)| {
            let d = denominators.get(&k)?;
            let v = n
                .iter()
                .zip(d)
                .map(|(n, d)| if *d > 0.0 { n / d } else { f64::NAN })
                .collect();
            Some((k, v))
        })
        .collect()
}

/// One replicate's measurements: every figure's series and every headline output.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Figure index to series name to values.
    series: Vec<BTreeMap<String, Vec<f64>>>,
    /// Headline outputs: id, label and value, in registry order.
    headline: Vec<(String, String, f64)>,
}

/// Measures one replicate.
pub fn measure(params: &ModelParams, result: &ReplicateResult) -> Measured {
    let months = result.months.len();
    Measured {
        series: FIGURES
            .iter()
            .map(|f| (f.measure)(params, result, months))
            .collect(),
        headline: values(params, result)
            .into_iter()
            .map(|v| (v.id, v.label, v.value))
            .collect(),
    }
}

/// A run's measurements, replicate by replicate.
#[derive(Debug, Clone, Default)]
pub struct Measurements {
    /// The months, `YYYY-MM`.
    pub months: Vec<String>,
    /// One entry per replicate, in replicate order.
    pub replicates: Vec<Measured>,
}

/// A series across replicates: median and 5-95% band per point.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesBand {
    /// Series name (a channel, a good, `payer -> payee`).
    pub name: String,
    /// 5th percentiles.
    pub p05: Vec<Option<f64>>,
    /// Medians.
    pub p50: Vec<Option<f64>>,
    /// 95th percentiles.
    pub p95: Vec<Option<f64>>,
}

/// A figure ready to draw.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figure {
    /// Stable id (also the file name of its downloads).
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// Unit of the values.
    pub unit: &'static str,
    /// How it is drawn.
    pub kind: Kind,
    /// The x axis of band figures: months.
    pub months: Vec<String>,
    /// The series.
    pub series: Vec<SeriesBand>,
}

/// A headline figure across replicates, or the difference of two runs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Headline {
    /// Output id (as `yalu outputs` lists it).
    pub id: String,
    /// Printed label.
    pub label: String,
    /// Replicates in which it was defined.
    pub replicates: usize,
    /// Mean under the run (or under the reference, A).
    pub mean_a: Option<f64>,
    /// Mean under the variant, B (comparisons only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_b: Option<f64>,
    /// Mean of B - A (comparisons) or the median of the run.
    pub centre: Option<f64>,
    /// 5th percentile (of the run's values, or of B - A).
    pub p05: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Median and band of the finite values; all `None` when there are none.
fn band(mut values: Vec<f64>) -> [Option<f64>; 3] {
    values.retain(|v| v.is_finite());
    values.sort_by(f64::total_cmp);
    [0.05, 0.5, 0.95].map(|q| finite(quantile_of_sorted(&values, q)))
}

/// Most series a figure shows (the largest by median total), so charts stay legible.
const MAX_SERIES: usize = 12;

impl Measurements {
    /// Every figure's per-replicate values of one series, zero-filled or NaN-filled where
    /// a replicate lacks it.
    fn series_of(&self, figure: usize, name: &str, len: usize) -> Vec<Vec<f64>> {
        let fill = if FIGURES[figure].absent_is_zero {
            0.0
        } else {
            f64::NAN
        };
        self.replicates
            .iter()
            .map(|r| {
                r.series[figure]
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| vec![fill; len])
            })
            .collect()
    }

    fn names(&self, figure: usize) -> Vec<String> {
        let mut names: Vec<String> = self
            .replicates
            .iter()
            .flat_map(|r| r.series[figure].keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The figures of this run, or with `reference`, of this run minus the reference,
    /// replicate by replicate.
    pub fn figures(&self, reference: Option<&Measurements>) -> Vec<Figure> {
        FIGURES
            .iter()
            .enumerate()
            .map(|(f, def)| {
                let len = if def.kind == Kind::Band {
                    self.months.len()
                } else {
                    1
                };
                let mut names = self.names(f);
                if let Some(a) = reference {
                    names.extend(a.names(f));
                    names.sort();
                    names.dedup();
                }
                let mut series: Vec<(f64, SeriesBand)> = names
                    .into_iter()
                    .map(|name| {
                        let b = self.series_of(f, &name, len);
                        let values = match reference {
                            Some(a) => subtract(&b, &a.series_of(f, &name, len)),
                            None => b,
                        };
                        let bands: Vec<[Option<f64>; 3]> = (0..len)
                            .map(|i| band(values.iter().map(|v| v[i]).collect()))
                            .collect();
                        let weight = bands.iter().filter_map(|b| b[1]).map(f64::abs).sum::<f64>();
                        let pick = |k: usize| bands.iter().map(|b| b[k]).collect();
                        (
                            weight,
                            SeriesBand {
                                p05: pick(0),
                                p50: pick(1),
                                p95: pick(2),
                                name,
                            },
                        )
                    })
                    .collect();
                // Largest first, then only the ones that show.
                series.sort_by(|a, b| b.0.total_cmp(&a.0));
                series.truncate(MAX_SERIES);
                if def.kind == Kind::Band {
                    series.sort_by(|a, b| a.1.name.cmp(&b.1.name));
                }
                Figure {
                    id: def.id,
                    title: def.title,
                    unit: def.unit,
                    kind: def.kind,
                    months: if def.kind == Kind::Band {
                        self.months.clone()
                    } else {
                        Vec::new()
                    },
                    series: series.into_iter().map(|(_, s)| s).collect(),
                }
            })
            .collect()
    }

    /// The headline outputs across replicates: median and 5-95% band.
    pub fn headline(&self) -> Vec<Headline> {
        let Some(first) = self.replicates.first() else {
            return Vec::new();
        };
        first
            .headline
            .iter()
            .map(|(id, label, _)| {
                let values: Vec<f64> = self
                    .replicates
                    .iter()
                    .filter_map(|r| r.headline.iter().find(|h| h.0 == *id).map(|h| h.2))
                    .filter(|v| v.is_finite())
                    .collect();
                let mean = finite(values.iter().sum::<f64>() / values.len() as f64);
                let replicates = values.len();
                let [p05, p50, p95] = band(values);
                Headline {
                    id: id.clone(),
                    label: label.clone(),
                    replicates,
                    mean_a: mean,
                    mean_b: None,
                    centre: p50,
                    p05,
                    p95,
                }
            })
            .collect()
    }

    /// The headline outputs of this run (B) against `reference` (A), paired by replicate,
    /// computed as `yalu compare` computes them (`yalu_lab::compare::compare`): per output
    /// both report, the means under A and B and the mean and 5-95% interval of B - A over
    /// the replicate pairs where both are finite.
    pub fn compare_headline(&self, reference: &Measurements) -> Vec<Headline> {
        let Some(first) = reference.replicates.first() else {
            return Vec::new();
        };
        let lookup = |m: &Measured, id: &str| m.headline.iter().find(|h| h.0 == id).map(|h| h.2);
        first
            .headline
            .iter()
            .map(|(id, label, _)| {
                let pairs = reference
                    .replicates
                    .iter()
                    .zip(&self.replicates)
                    .map(|(ma, mb)| (lookup(ma, id), lookup(mb, id)));
                let d = yalu_lab::compare::paired_difference(id.clone(), pairs);
                Headline {
                    id: d.metric,
                    label: label.clone(),
                    replicates: d.replicates,
                    mean_a: finite(d.mean_a),
                    mean_b: finite(d.mean_b),
                    centre: finite(d.mean_difference),
                    p05: finite(d.difference_p05),
                    p95: finite(d.difference_p95),
                }
            })
            .collect()
    }
}

fn subtract(b: &[Vec<f64>], a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    b.iter()
        .zip(a)
        .map(|(b, a)| b.iter().zip(a).map(|(y, x)| y - x).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(value: f64) -> Measured {
        let mut series = vec![BTreeMap::new(); FIGURES.len()];
        series[0].insert("porter".to_owned(), vec![value, 2.0 * value]);
        Measured {
            series,
            headline: vec![("porter.kg".into(), "kg".into(), value)],
        }
    }

    fn run(values: &[f64]) -> Measurements {
        Measurements {
            months: vec!["2019-01".into(), "2019-02".into()],
            replicates: values.iter().map(|&v| measured(v)).collect(),
        }
    }

    #[test]
    fn bands_and_paired_differences() {
        let a = run(&[1.0, 2.0, 3.0]);
        let b = run(&[2.0, 4.0, 6.0]);
        let figure = &b.figures(Some(&a))[0];
        assert_eq!(figure.series[0].p50, vec![Some(2.0), Some(4.0)]);
        let alone = &a.figures(None)[0];
        assert_eq!(alone.series[0].p05, vec![Some(1.1), Some(2.2)]);
        let h = &b.compare_headline(&a)[0];
        assert_eq!(
            (h.mean_a, h.mean_b, h.centre),
            (Some(2.0), Some(4.0), Some(2.0))
        );
        assert_eq!(h.replicates, 3);
        assert_eq!(a.headline()[0].centre, Some(2.0));
    }
}

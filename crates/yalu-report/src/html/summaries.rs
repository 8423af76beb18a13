//! The sections of a report on a run written with `--no-replicate-files`: what its
//! summaries hold (the headline figures and each year's, with their bands, and monthly
//! series from `summary.csv`), in place of the sections drawn from replicate rows.

use std::collections::{BTreeMap, HashMap};

use super::charts::{Panel, Series, band_chart};
use super::input::{HeadlineRow, RunData, SeriesRow, Summaries};
use super::sections::{Figures, note, table, timeline};
use super::svg::{channel_colour, escape, human, palette, pretty};
use crate::summary::Band;

/// Keys drawn per panel of a monthly series (the largest by their medians' total).
const TOP_KEYS: usize = 6;

/// The monthly series charted from `summary.csv`: table, metric, unit, panel title.
const SERIES: [(&str, &str, &str, &str); 4] = [
    (
        "fx",
        "amount_usd",
        "USD",
        "Foreign currency earned by channel (USD per month)",
    ),
    (
        "money",
        "amount_cny",
        "CNY",
        "Largest payments by payer, payee and purpose (CNY per month)",
    ),
    (
        "flows",
        "value_cny",
        "CNY",
        "Largest flows by channel, site, good and outcome (CNY per month)",
    ),
    (
        "porters",
        "kg_sold",
        "kg",
        "Porters: kg sold per month, by site",
    ),
];

/// The headline figures over the run (or the window the run was asked for) and per year.
pub(crate) fn headline_section(data: &RunData, _: &mut Figures) -> Option<String> {
    let summaries = data.summaries.as_ref()?;
    let mut html = note(
        "This run was written with --no-replicate-files: its replicate tables (flows, money, fx, incomes and the others) were not written, so the sections drawn from them are left out. What follows is what its summaries hold: medians across replicates with the 5th to 95th percentile. Rerun without that flag (a few replicates are enough) for the full report.",
    );
    if let Some(headline) = &summaries.headline {
        html.push_str("<h3>Headline figures</h3>");
        html.push_str(&headline_table(headline));
    }
    if let Some(by_year) = &summaries.by_year {
        html.push_str(&per_year(by_year));
    }
    Some(html)
}

/// Label, window, unit, median with its band, and mean, one row per output.
fn headline_table(rows: &[HeadlineRow]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            vec![
                escape(&row.label),
                escape(&row.window),
                escape(&row.unit),
                band_text(row),
                human(row.mean.unwrap_or(f64::NAN)),
            ]
        })
        .collect();
    table(
        &[
            "Output",
            "Window",
            "Unit",
            "Median (5th – 95th percentile)",
            "Mean",
        ],
        &cells,
    )
}

fn band_text(row: &HeadlineRow) -> String {
    let [median, low, high] = [row.p50, row.p05, row.p95].map(|v| human(v.unwrap_or(f64::NAN)));
    if low == high {
        median
    } else {
        format!("{median} ({low} – {high})")
    }
}

/// `summary_by_year.csv` as one table: output, unit, then each year's median with its
/// band.
fn per_year(rows: &[HeadlineRow]) -> String {
    let mut years: Vec<&str> = rows.iter().map(|r| r.window.as_str()).collect();
    years.sort_unstable();
    years.dedup();
    // Each output once, in the order first met; its labels name their year, which the
    // column says instead.
    let mut outputs: Vec<(String, &str)> = Vec::new();
    let mut cells: HashMap<(String, &str), String> = HashMap::new();
    for row in rows {
        let label = row
            .label
            .replace(&format!(" of {}", row.window), "")
            .replace(&format!(" in {}", row.window), "");
        if !outputs.iter().any(|(l, u)| *l == label && *u == row.unit) {
            outputs.push((label.clone(), &row.unit));
        }
        cells.insert((label, &row.window), band_text(row));
    }
    let headers: Vec<&str> = ["Output", "Unit"]
        .into_iter()
        .chain(years.iter().copied())
        .collect();
    let body: Vec<Vec<String>> = outputs
        .into_iter()
        .map(|(label, unit)| {
            let year_cells: Vec<String> = years
                .iter()
                .map(|year| {
                    cells
                        .get(&(label.clone(), *year))
                        .cloned()
                        .unwrap_or_else(|| "–".to_owned())
                })
                .collect();
            [escape(&label), escape(unit)]
                .into_iter()
                .chain(year_cells)
                .collect()
        })
        .collect();
    format!(
        "<h3>Per year</h3>{}{}",
        note(
            "Each year's figures from summary_by_year.csv: median (5th – 95th percentile) across replicates."
        ),
        table(&headers, &body)
    )
}

/// Monthly bands of the series `summary.csv` holds, one panel per table and metric.
pub(crate) fn series_section(data: &RunData, figures: &mut Figures) -> Option<String> {
    let summaries = data.summaries.as_ref()?;
    let panels: Vec<Panel> = SERIES
        .iter()
        .map(|(table, metric, unit, title)| Panel {
            title: (*title).to_owned(),
            y_label: format!("{unit} per month"),
            series: series(data, summaries, table, metric, unit),
        })
        .collect();
    let chart = figures.add(band_chart(
        "summary-series",
        "Monthly series from summary.csv (median and 5th – 95th percentile)".into(),
        timeline(data),
        &panels,
        2,
    ));
    (!chart.is_empty()).then(|| {
        format!(
            "{}{chart}",
            note("Each line is a key's median across replicates, its band the 5th to 95th percentile, as summary.csv records them; only the largest keys of each table are drawn.")
        )
    })
}

/// The `TOP_KEYS` largest keys of `table`'s `metric` as monthly bands.
fn series(
    data: &RunData,
    summaries: &Summaries,
    table: &str,
    metric: &str,
    unit: &str,
) -> Vec<Series> {
    let mut by_key: BTreeMap<&str, Vec<&SeriesRow>> = BTreeMap::new();
    for row in summaries
        .series
        .iter()
        .filter(|r| r.table == table && r.metric == metric)
    {
        by_key.entry(row.key.as_str()).or_default().push(row);
    }
    let total = |rows: &[&SeriesRow]| -> f64 { rows.iter().filter_map(|r| r.p50).sum() };
    let mut keys: Vec<(&str, f64)> = by_key.iter().map(|(k, rows)| (*k, total(rows))).collect();
    keys.sort_by(|a, b| b.1.total_cmp(&a.1));
    keys.iter()
        .filter(|(_, total)| *total > 0.0)
        .take(TOP_KEYS)
        .enumerate()
        .map(|(i, (key, _))| {
            let mut bands = vec![
                Band {
                    median: f64::NAN,
                    p05: f64::NAN,
                    p95: f64::NAN,
                };
                data.month_count
            ];
            for row in &by_key[key] {
                if let Ok(index) = usize::try_from(row.month - data.first_month)
                    && let Some(band) = bands.get_mut(index)
                {
                    *band = Band {
                        median: row.p50.unwrap_or(f64::NAN),
                        p05: row.p05.unwrap_or(f64::NAN),
                        p95: row.p95.unwrap_or(f64::NAN),
                    };
                }
            }
            Series {
                name: pretty(key),
                unit: unit.to_owned(),
                colour: if table == "fx" {
                    channel_colour(key)
                } else {
                    palette(i)
                },
                bands,
            }
        })
        .collect()
}

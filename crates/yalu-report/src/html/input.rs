//! Reading a run's folder for the report. Every table is read by column name, so extra
//! columns and files are ignored; the optional files (everything but the manifest, flows and
//! money) may be absent. A file that cannot be parsed gives an error naming it and the line.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ReportError;
use crate::tables::{FLOWS, FX, INCOMES, MONEY, PRICES, RATES, Schema};

/// The files without which there is nothing to report.
pub(crate) const REQUIRED_FILES: [&str; 3] = ["manifest.json", "flows.csv", "money.csv"];

/// A calendar month counted from year 0 (`year * 12 + month - 1`), so months subtract.
pub(crate) type Month = i64;

/// What `manifest.json` says about the run. Every field may be absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RunInfo {
    pub yalu_version: String,
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    pub seed: Option<u64>,
    pub replicates: Option<u64>,
    pub first_day: String,
    pub last_day: String,
    pub wall_time_s: Option<f64>,
    /// The posterior the replicates drew their parameters from, if any.
    pub posterior: Option<crate::PosteriorUse>,
}

/// Whether a flow reached its buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Delivered,
    Seized,
    /// An outcome this report does not know; counted in neither.
    Other,
}

/// One row of `flows.csv`.
#[derive(Debug)]
pub(crate) struct Flow {
    pub replicate: u32,
    pub month: Month,
    pub channel: String,
    pub site: String,
    pub good: String,
    pub outcome: Outcome,
    pub sanctioned: bool,
    pub quantity: f64,
    pub unit: String,
    pub value_cny: f64,
}

/// One row of `money.csv`.
#[derive(Debug)]
pub(crate) struct Payment {
    pub replicate: u32,
    pub month: Month,
    pub payer: String,
    pub payee: String,
    pub purpose: String,
    pub amount_cny: f64,
}

/// One row of `incomes.csv`; the mean income is missing when no one earned.
#[derive(Debug)]
pub(crate) struct Income {
    pub replicate: u32,
    pub month: Month,
    pub group: String,
    pub people: f64,
    pub mean_income_cny: Option<f64>,
    pub mean_income_rice_kg: Option<f64>,
}

/// One row of `prices.csv`.
#[derive(Debug)]
pub(crate) struct Price {
    pub replicate: u32,
    pub month: Month,
    pub good: String,
    pub price_cny_per_kg: Option<f64>,
}

/// One row of `rates.csv`: the won's rates at a site on a survey day.
#[derive(Debug)]
pub(crate) struct Rate {
    pub replicate: u32,
    pub month: Month,
    pub site: String,
    pub won_per_cny: f64,
    pub won_per_usd: f64,
}

/// One row of `fx.csv`.
#[derive(Debug)]
pub(crate) struct ForeignCurrency {
    pub replicate: u32,
    pub month: Month,
    pub channel: String,
    pub amount_usd: f64,
}

/// One row of `observed.csv`: what the monitor saw. The file may have no replicate
/// column (one view for the whole run) or no good column.
#[derive(Debug)]
pub(crate) struct Observation {
    pub replicate: Option<u32>,
    pub month: Month,
    pub good: Option<String>,
    pub quantity: f64,
}

/// `observed.csv` and which of its columns held the observed quantity.
#[derive(Debug)]
pub(crate) struct Observed {
    pub quantity_column: String,
    pub rows: Vec<Observation>,
}

/// A site of `scenario.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Site {
    #[serde(deserialize_with = "lenient_text")]
    pub id: String,
    #[serde(deserialize_with = "lenient_text")]
    pub name: String,
    #[serde(deserialize_with = "lenient_text")]
    pub province: String,
    #[serde(deserialize_with = "lenient_text")]
    pub waterway: String,
    #[serde(deserialize_with = "lenient_text")]
    pub china_counterpart: String,
    pub latitude_deg: Option<f64>,
    pub longitude_deg: Option<f64>,
}

/// Where a parameter's value comes from.
#[derive(Debug, Default, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum Evidence {
    /// A registered claim, with the arithmetic from its figure when the units differ.
    Claim {
        #[serde(default, deserialize_with = "lenient_text")]
        claim: String,
        #[serde(default, deserialize_with = "lenient_text")]
        source: String,
        #[serde(default, deserialize_with = "lenient_text")]
        location: String,
        #[serde(default, deserialize_with = "lenient_text")]
        figure: String,
        #[serde(default, deserialize_with = "lenient_text")]
        derivation: String,
        #[serde(default, deserialize_with = "lenient_text")]
        carry_over: String,
        #[serde(default)]
        range: Value,
    },
    Assumption {
        #[serde(default, deserialize_with = "lenient_text")]
        reason: String,
        #[serde(default)]
        range: Value,
    },
    #[default]
    #[serde(other)]
    Unknown,
}

/// An input of `scenario.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Parameter {
    #[serde(deserialize_with = "lenient_text")]
    pub path: String,
    pub value: Value,
    #[serde(deserialize_with = "lenient_text")]
    pub unit: String,
    pub evidence: Evidence,
}

/// A registered document of `scenario.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Source {
    #[serde(deserialize_with = "lenient_text")]
    pub id: String,
    #[serde(deserialize_with = "lenient_text")]
    pub outlet: String,
    #[serde(deserialize_with = "lenient_text")]
    pub author: String,
    #[serde(deserialize_with = "lenient_text")]
    pub date: String,
    #[serde(deserialize_with = "lenient_text")]
    pub title: String,
    #[serde(deserialize_with = "lenient_text")]
    pub link: String,
    #[serde(deserialize_with = "lenient_text")]
    pub supports: String,
    /// `official_statistic`, `testimony`, ...
    #[serde(deserialize_with = "lenient_text")]
    pub kind: String,
    #[serde(rename = "claim")]
    pub claims: Vec<SourceClaim>,
}

/// A claim of a registered document: its bound and period (the figure's words come with
/// the parameter's evidence).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SourceClaim {
    #[serde(deserialize_with = "lenient_text")]
    pub id: String,
    /// `point`, `about`, `at_least`, `at_most` or `range`; empty for a claim without a figure.
    #[serde(deserialize_with = "lenient_text")]
    pub bound: String,
    #[serde(deserialize_with = "lenient_text")]
    pub period: String,
}

/// Claims that disagree and what the model does about it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Conflict {
    #[serde(deserialize_with = "lenient_text")]
    pub id: String,
    pub claims: Vec<Value>,
    #[serde(deserialize_with = "lenient_text")]
    pub about: String,
    #[serde(deserialize_with = "lenient_text")]
    pub resolution: String,
}

/// The number of registered sources of one kind.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct KindCount {
    #[serde(deserialize_with = "lenient_text")]
    pub kind: String,
    pub sources: u64,
}

/// The size of the registry the scenario was checked against.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RegistrySummary {
    pub sources: u64,
    pub sources_by_kind: Vec<KindCount>,
    pub claims: u64,
    pub observations: u64,
}

/// `scenario.json`: the scenario as run, with its evidence.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Scenario {
    #[serde(deserialize_with = "lenient_text")]
    pub name: String,
    #[serde(deserialize_with = "lenient_text")]
    pub description: String,
    pub sites: Vec<Site>,
    pub parameters: Vec<Parameter>,
    pub sources: Vec<Source>,
    pub conflicts: Vec<Conflict>,
    pub registry: Option<RegistrySummary>,
    pub events: Vec<EventMark>,
}

/// A dated event of `scenario.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EventMark {
    #[serde(deserialize_with = "lenient_text")]
    pub id: String,
    #[serde(deserialize_with = "lenient_text")]
    pub kind: String,
    #[serde(deserialize_with = "lenient_text")]
    pub first_day: String,
    pub last_day: Option<String>,
    pub channels: Vec<String>,
    pub effects: Vec<String>,
    #[serde(deserialize_with = "lenient_text")]
    pub source: String,
}

impl EventMark {
    /// The months the event spans (to the run's last month if it does not end).
    pub fn months(&self, last_month: Month) -> Option<(Month, Month)> {
        let first = day_month(&self.first_day)?;
        let last = self
            .last_day
            .as_deref()
            .map_or(Some(last_month), day_month)?;
        Some((first, last))
    }
}

/// The spread of a simulated pattern across replicates.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Simulated {
    pub median: Option<f64>,
    pub p05: Option<f64>,
    pub p95: Option<f64>,
}

/// One pattern check of `validation.json`. Display-only fields stay JSON values so a
/// target may be a number, a range or a sentence; `simulated` is null when not covered.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Check {
    pub id: Value,
    pub kind: Value,
    pub description: Value,
    pub source: Value,
    pub target: Value,
    pub simulated: Option<Simulated>,
    pub tolerance: Value,
    pub pass: Option<bool>,
    pub covered: Option<bool>,
}

/// One row of `headline.csv` or `summary_by_year.csv`: an output over a window (the run's
/// or one year) across replicates.
#[derive(Debug)]
pub(crate) struct HeadlineRow {
    pub window: String,
    pub label: String,
    pub unit: String,
    pub mean: Option<f64>,
    pub p05: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

/// One row of `summary.csv`: a monthly series across replicates.
#[derive(Debug)]
pub(crate) struct SeriesRow {
    pub table: String,
    pub month: Month,
    pub key: String,
    pub metric: String,
    pub p05: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

/// What a run written with `--no-replicate-files` holds instead of its replicates' rows.
#[derive(Debug)]
pub(crate) struct Summaries {
    pub headline: Option<Vec<HeadlineRow>>,
    pub by_year: Option<Vec<HeadlineRow>>,
    pub series: Vec<SeriesRow>,
}

/// One observation of `validation.json`: an observed figure, its accepted bound, and the
/// simulated median and band over its months.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ObservationCheck {
    pub observation: String,
    /// `calibration` (may be fitted to) or `test` (held out).
    #[serde(rename = "use")]
    pub use_: String,
    pub what: String,
    pub period: String,
    pub unit: String,
    /// The bound's ends; `None` when open (written as null).
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub simulated: Option<Simulated>,
    pub pass: Option<bool>,
}

/// `validation.json`: the patterns and the observed series; an older file is the list of
/// patterns alone.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ValidationFile {
    Both {
        patterns: Vec<Check>,
        observations: Vec<ObservationCheck>,
    },
    Patterns(Vec<Check>),
}

/// What the report shows of `validation.json`.
#[derive(Debug)]
pub(crate) struct Validation {
    pub patterns: Vec<Check>,
    /// `None` for a file written before the observations joined it.
    pub observations: Option<Vec<ObservationCheck>>,
}

impl From<ValidationFile> for Validation {
    fn from(file: ValidationFile) -> Validation {
        match file {
            ValidationFile::Both {
                patterns,
                observations,
            } => Validation {
                patterns,
                observations: Some(observations),
            },
            ValidationFile::Patterns(patterns) => Validation {
                patterns,
                observations: None,
            },
        }
    }
}

/// Everything the report reads from a run's folder.
#[derive(Debug)]
pub(crate) struct RunData {
    pub dir: PathBuf,
    pub info: RunInfo,
    /// Replicate ids seen in any table, ascending; a replicate's slot is its position.
    pub replicates: Vec<u32>,
    /// First month of the run; months run contiguously from it.
    pub first_month: Month,
    pub month_count: usize,
    pub flows: Vec<Flow>,
    pub money: Vec<Payment>,
    pub incomes: Option<Vec<Income>>,
    pub prices: Option<Vec<Price>>,
    pub rates: Option<Vec<Rate>>,
    pub foreign_currency: Option<Vec<ForeignCurrency>>,
    pub observed: Option<Observed>,
    pub scenario: Option<Scenario>,
    pub validation: Option<Validation>,
    /// The summaries, when the run wrote no replicate tables (the flows and the other
    /// tables above are then empty).
    pub summaries: Option<Summaries>,
}

impl RunData {
    /// Reads `dir`, failing with the list of missing files when a required one is absent.
    pub fn read(dir: &Path) -> Result<RunData, ReportError> {
        let missing: Vec<String> = REQUIRED_FILES
            .iter()
            .filter(|name| !dir.join(name).is_file())
            .map(|name| (*name).to_owned())
            .collect();
        let summary_only = !missing.is_empty()
            && dir.join("summary.csv").is_file()
            && dir.join("manifest.json").is_file();
        if summary_only {
            return RunData::read_summaries(dir);
        }
        if !missing.is_empty() {
            return Err(ReportError::MissingOutputs {
                dir: dir.display().to_string(),
                missing,
            });
        }
        let info: RunInfo = read_json(&dir.join("manifest.json"))?;
        let flows = read_table(dir, &FLOWS, flow)?;
        let money = read_table(dir, &MONEY, payment)?;
        let incomes = optional_table(dir, &INCOMES, income)?;
        let prices = optional_table(dir, &PRICES, price)?;
        let rates = optional_table(dir, &RATES, rate)?;
        let foreign_currency = optional_table(dir, &FX, foreign_currency)?;
        let observed = optional(&dir.join("observed.csv"), read_observed)?;
        let scenario: Option<Scenario> = optional(&dir.join("scenario.json"), read_json)?;
        let validation = optional(&dir.join("validation.json"), read_json::<ValidationFile>)?
            .map(Validation::from);

        let mut replicates = BTreeSet::new();
        let mut months = BTreeSet::new();
        for (replicate, month) in flows
            .iter()
            .map(|r| (r.replicate, r.month))
            .chain(money.iter().map(|r| (r.replicate, r.month)))
            .chain(incomes.iter().flatten().map(|r| (r.replicate, r.month)))
            .chain(prices.iter().flatten().map(|r| (r.replicate, r.month)))
            .chain(
                foreign_currency
                    .iter()
                    .flatten()
                    .map(|r| (r.replicate, r.month)),
            )
        {
            replicates.insert(replicate);
            months.insert(month);
        }
        // The manifest's dates give the full span even when the first or last months moved
        // nothing; the data can only widen it.
        months.extend(day_month(&info.first_day));
        months.extend(day_month(&info.last_day));
        if replicates.is_empty() {
            replicates.extend(0..info.replicates.unwrap_or(1).clamp(1, u64::from(u32::MAX)) as u32);
        }
        let (first_month, month_count) = span(&months);
        Ok(RunData {
            dir: dir.to_path_buf(),
            info,
            replicates: replicates.into_iter().collect(),
            first_month,
            month_count,
            flows,
            money,
            incomes,
            prices,
            rates,
            foreign_currency,
            observed,
            scenario,
            validation,
            summaries: None,
        })
    }

    /// Reads a folder written with `--no-replicate-files`: the manifest, the summaries
    /// (`summary.csv`; `headline.csv` and `summary_by_year.csv` when present), the scenario
    /// and the validation; no replicate rows.
    fn read_summaries(dir: &Path) -> Result<RunData, ReportError> {
        let info: RunInfo = read_json(&dir.join("manifest.json"))?;
        let series = read_csv(
            &dir.join("summary.csv"),
            &["table", "month", "key", "metric", "p05", "p50", "p95"],
            |row| {
                Ok(SeriesRow {
                    table: row.text("table")?.to_owned(),
                    month: row.month()?,
                    key: row.text("key")?.to_owned(),
                    metric: row.text("metric")?.to_owned(),
                    p05: row.optional_number("p05")?,
                    p50: row.optional_number("p50")?,
                    p95: row.optional_number("p95")?,
                })
            },
        )?;
        let headline = |name: &str| {
            optional(&dir.join(name), |path| {
                read_csv(
                    path,
                    &["window", "label", "unit", "mean", "p05", "p50", "p95"],
                    |row| {
                        Ok(HeadlineRow {
                            window: row.text("window")?.to_owned(),
                            label: row.text("label")?.to_owned(),
                            unit: row.text("unit")?.to_owned(),
                            mean: row.optional_number("mean")?,
                            p05: row.optional_number("p05")?,
                            p50: row.optional_number("p50")?,
                            p95: row.optional_number("p95")?,
                        })
                    },
                )
            })
        };
        let mut months: BTreeSet<Month> = series.iter().map(|r| r.month).collect();
        months.extend(day_month(&info.first_day));
        months.extend(day_month(&info.last_day));
        let (first_month, month_count) = span(&months);
        let replicates =
            (0..info.replicates.unwrap_or(1).clamp(1, u64::from(u32::MAX)) as u32).collect();
        Ok(RunData {
            dir: dir.to_path_buf(),
            replicates,
            first_month,
            month_count,
            flows: Vec::new(),
            money: Vec::new(),
            incomes: None,
            prices: None,
            rates: None,
            foreign_currency: None,
            observed: None,
            scenario: optional(&dir.join("scenario.json"), read_json)?,
            validation: optional(&dir.join("validation.json"), read_json::<ValidationFile>)?
                .map(Validation::from),
            summaries: Some(Summaries {
                headline: headline("headline.csv")?,
                by_year: headline("summary_by_year.csv")?,
                series,
            }),
            info,
        })
    }

    /// The (replicate slot, month index) of a row, if it lies in the run.
    pub fn cell(&self, replicate: u32, month: Month) -> Option<(usize, usize)> {
        let slot = self.replicates.binary_search(&replicate).ok()?;
        let index = usize::try_from(month - self.first_month).ok()?;
        (index < self.month_count).then_some((slot, index))
    }
}

/// The first month and the number of months from it to the last.
fn span(months: &BTreeSet<Month>) -> (Month, usize) {
    let first_month = months.first().copied().unwrap_or_default();
    let month_count = months
        .last()
        .map_or(0, |last| (last - first_month + 1) as usize);
    (first_month, month_count)
}

/// Parses `YYYY-MM`.
pub(crate) fn parse_month(text: &str) -> Option<Month> {
    let (year, month) = text.trim().split_once('-')?;
    let year: i64 = year.parse().ok()?;
    let month: i64 = month.parse().ok()?;
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

/// Formats a month as `YYYY-MM`.
pub(crate) fn month_label(month: Month) -> String {
    format!("{}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// The month of a `YYYY-MM-DD` day.
fn day_month(day: &str) -> Option<Month> {
    day.get(..7).and_then(parse_month)
}

/// Text that may be absent, null or a number in the JSON (an optional author, say).
fn lenient_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Null => String::new(),
        Value::String(text) => text,
        other => other.to_string(),
    })
}

/// Reads a file that a run may not have written.
fn optional<T>(
    path: &Path,
    read: impl FnOnce(&Path) -> Result<T, ReportError>,
) -> Result<Option<T>, ReportError> {
    path.is_file().then(|| read(path)).transpose()
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, ReportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ReportError::Read {
        path: path.display().to_string(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| ReportError::Malformed {
        path: path.display().to_string(),
        line: e.line() as u64,
        message: e.to_string(),
    })
}

/// One CSV record with its columns looked up by name.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl Row<'_> {
    fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    fn text(&self, column: &str) -> Result<&str, String> {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .ok_or_else(|| format!("no value in column `{column}`"))
    }

    fn number(&self, column: &str) -> Result<f64, String> {
        self.optional_number(column)?
            .ok_or_else(|| format!("column `{column}` is empty"))
    }

    /// An empty cell is a missing value.
    fn optional_number(&self, column: &str) -> Result<Option<f64>, String> {
        let text = self.text(column)?.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| format!("column `{column}`: `{text}` is not a number"))
    }

    fn replicate(&self) -> Result<u32, String> {
        let text = self.text("replicate")?;
        text.trim()
            .parse()
            .map_err(|_| format!("column `replicate`: `{text}` is not a replicate number"))
    }

    fn month(&self) -> Result<Month, String> {
        let text = self.text("month")?;
        parse_month(text).ok_or_else(|| format!("column `month`: `{text}` is not YYYY-MM"))
    }

    fn flag(&self, column: &str) -> Result<bool, String> {
        match self.text(column)?.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(format!("column `{column}`: `{other}` is not true or false")),
        }
    }
}

/// Reads `<schema name>.csv` in `dir`, whose header must hold the schema's columns.
fn read_table<T>(
    dir: &Path,
    schema: &Schema,
    parse: impl FnMut(&Row) -> Result<T, String>,
) -> Result<Vec<T>, ReportError> {
    read_csv(
        &dir.join(format!("{}.csv", schema.name)),
        schema.columns,
        parse,
    )
}

/// [`read_table`] for a table a run may not have written.
fn optional_table<T>(
    dir: &Path,
    schema: &Schema,
    parse: impl FnMut(&Row) -> Result<T, String>,
) -> Result<Option<Vec<T>>, ReportError> {
    let path = dir.join(format!("{}.csv", schema.name));
    optional(&path, |_| read_table(dir, schema, parse))
}

/// Reads a CSV whose header must hold `required`, parsing each record with `parse`.
fn read_csv<T>(
    path: &Path,
    required: &[&str],
    mut parse: impl FnMut(&Row) -> Result<T, String>,
) -> Result<Vec<T>, ReportError> {
    let (columns, mut reader) = open_csv(path)?;
    let malformed = |line: u64, message: String| ReportError::Malformed {
        path: path.display().to_string(),
        line,
        message,
    };
    let absent: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !absent.is_empty() {
        return Err(malformed(
            1,
            format!("missing column(s) {}", absent.join(", ")),
        ));
    }
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(rows),
            Ok(true) => {
                let row = Row {
                    record: &record,
                    columns: &columns,
                };
                rows.push(parse(&row).map_err(|message| malformed(line, message))?);
            }
            Err(e) => return Err(csv_error(path, line, &e)),
        }
    }
}

fn open_csv(
    path: &Path,
) -> Result<(HashMap<String, usize>, csv::Reader<std::fs::File>), ReportError> {
    let file = std::fs::File::open(path).map_err(|source| ReportError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let mut reader = csv::Reader::from_reader(file);
    let header = reader
        .headers()
        .map_err(|e| csv_error(path, 1, &e))?
        .iter()
        .enumerate()
        .map(|(i, name)| (name.trim().to_owned(), i))
        .collect();
    Ok((header, reader))
}

fn csv_error(path: &Path, line: u64, error: &csv::Error) -> ReportError {
    ReportError::Malformed {
        path: path.display().to_string(),
        line: error.position().map_or(line, csv::Position::line),
        message: error.to_string(),
    }
}

fn flow(row: &Row) -> Result<Flow, String> {
    Ok(Flow {
        replicate: row.replicate()?,
        month: row.month()?,
        channel: row.text("channel")?.to_owned(),
        site: row.text("site")?.to_owned(),
        good: row.text("good")?.to_owned(),
        outcome: match row.text("outcome")? {
            "delivered" => Outcome::Delivered,
            "seized" => Outcome::Seized,
            _ => Outcome::Other,
        },
        sanctioned: row.flag("sanctioned")?,
        quantity: row.number("quantity")?,
        unit: row.text("unit")?.to_owned(),
        value_cny: row.number("value_cny")?,
    })
}

fn payment(row: &Row) -> Result<Payment, String> {
    Ok(Payment {
        replicate: row.replicate()?,
        month: row.month()?,
        payer: row.text("payer")?.to_owned(),
        payee: row.text("payee")?.to_owned(),
        purpose: row.text("purpose")?.to_owned(),
        amount_cny: row.number("amount_cny")?,
    })
}

fn income(row: &Row) -> Result<Income, String> {
    Ok(Income {
        replicate: row.replicate()?,
        month: row.month()?,
        group: row.text("group")?.to_owned(),
        people: row.optional_number("people")?.unwrap_or(0.0),
        mean_income_cny: row.optional_number("mean_income_cny")?,
        mean_income_rice_kg: row.optional_number("mean_income_rice_kg")?,
    })
}

fn price(row: &Row) -> Result<Price, String> {
    Ok(Price {
        replicate: row.replicate()?,
        month: row.month()?,
        good: row.text("good")?.to_owned(),
        price_cny_per_kg: row.optional_number("price_cny_per_kg")?,
    })
}

fn rate(row: &Row) -> Result<Rate, String> {
    Ok(Rate {
        replicate: row.replicate()?,
        month: row.month()?,
        site: row.text("site")?.to_owned(),
        won_per_cny: row.number("won_per_cny")?,
        won_per_usd: row.number("won_per_usd")?,
    })
}

fn foreign_currency(row: &Row) -> Result<ForeignCurrency, String> {
    Ok(ForeignCurrency {
        replicate: row.replicate()?,
        month: row.month()?,
        channel: row.text("channel")?.to_owned(),
        amount_usd: row.number("amount_usd")?,
    })
}

/// Reads `observed.csv`, whose quantity column is the first whose name mentions a
/// quantity, else the first that mentions "observed" (the format is still settling).
fn read_observed(path: &Path) -> Result<Observed, ReportError> {
    let (columns, _) = open_csv(path)?;
    let mut names: Vec<(&str, usize)> = columns.iter().map(|(n, i)| (n.as_str(), *i)).collect();
    names.sort_by_key(|(_, i)| *i);
    let pick = |word: &str| {
        names
            .iter()
            .map(|(name, _)| *name)
            .find(|name| name.contains(word) && *name != "month")
    };
    let Some(quantity_column) = pick("quantity").or_else(|| pick("observed")) else {
        return Err(ReportError::Malformed {
            path: path.display().to_string(),
            line: 1,
            message: "no column of observed quantities (a name with `quantity` or `observed`)"
                .into(),
        });
    };
    let quantity_column = quantity_column.to_owned();
    let rows = read_csv(path, &["month"], |row| {
        Ok(Observation {
            replicate: row.has("replicate").then(|| row.replicate()).transpose()?,
            month: row.month()?,
            good: row
                .has("good")
                .then(|| row.text("good").map(str::to_owned))
                .transpose()?,
            quantity: row.optional_number(&quantity_column)?.unwrap_or(0.0),
        })
    })?;
    Ok(Observed {
        quantity_column,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_print() {
        assert_eq!(parse_month("2017-01"), Some(2017 * 12));
        assert_eq!(month_label(2017 * 12 + 11), "2017-12");
        assert_eq!(parse_month("2017-13"), None);
        assert_eq!(parse_month("soon"), None);
        assert_eq!(day_month("2025-12-31"), Some(2025 * 12 + 11));
    }
}

//! The headline figures a run prints, gathered over its window and over each calendar
//! year it touches, and written as `headline.*` (the printed table, as data and as text)
//! and `summary_by_year.*`, so that a figure "per year" can be read year by year instead
//! of averaged over quiet years (a closure, say).

use std::path::Path;

use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;

use crate::ReportError;
use crate::atomic::io;
use crate::outputs::{OUTPUTS, Value, values_in};
use crate::summary::{Summary, SummaryBuilder};
use crate::table::{ColumnData, Table};
use crate::window::Window;

/// Headline figures gathered replicate by replicate over a window and per year.
#[derive(Debug, Clone)]
pub struct Headlines {
    /// The window of the printed figures, or the run's months.
    shown: Window,
    whole: SummaryBuilder,
    years: Vec<(Window, SummaryBuilder)>,
}

/// One replicate's headline figures over a window and per year, measured where the
/// replicate ran and added to [`Headlines`] in replicate order.
#[derive(Debug, Clone)]
pub struct HeadlineValues {
    /// The run's months.
    run: Window,
    whole: Vec<Value>,
    years: Vec<Vec<Value>>,
}

impl HeadlineValues {
    /// The figures of `result` over `window` (the whole run when `None`) and per year.
    pub fn of(params: &ModelParams, result: &ReplicateResult, window: Option<Window>) -> Self {
        let run = Window::covering(params.first_day, params.last_day);
        HeadlineValues {
            run,
            whole: values_in(params, result, window),
            years: run
                .years()
                .map(|year| values_in(params, result, Some(Window::year(year))))
                .collect(),
        }
    }
}

impl Headlines {
    /// Gathers the run that `first` (its first replicate's figures, measured over
    /// `window`) belongs to. The printed figures keep every value when `every_value`,
    /// else a bounded [`crate::summary::Spread`] each, as the per-year figures do.
    pub fn starting(first: &HeadlineValues, window: Option<Window>, every_value: bool) -> Self {
        let whole = if every_value {
            SummaryBuilder::keeping_every_value()
        } else {
            SummaryBuilder::default()
        };
        Headlines {
            shown: window.unwrap_or(first.run),
            whole,
            years: first
                .run
                .years()
                .map(|year| (Window::year(year), SummaryBuilder::default()))
                .collect(),
        }
    }

    /// Adds the next replicate's figures, measured by [`HeadlineValues::of`] over this
    /// window (replicates must come in replicate order).
    pub fn add(&mut self, values: HeadlineValues) {
        self.whole.add(values.whole);
        for ((_, builder), year) in self.years.iter_mut().zip(values.years) {
            builder.add(year);
        }
    }

    /// The window's summary and the summaries per year.
    pub fn finish(self) -> HeadlineSummaries {
        HeadlineSummaries {
            window: self.shown,
            summary: self.whole.finish(),
            by_year: self
                .years
                .into_iter()
                .map(|(year, builder)| (year, builder.finish()))
                .collect(),
        }
    }
}

/// The headline figures across replicates, over a window and per year.
#[derive(Debug, Clone)]
pub struct HeadlineSummaries {
    /// The window of [`HeadlineSummaries::summary`].
    pub window: Window,
    /// The printed figures.
    pub summary: Summary,
    /// The figures of each calendar year of the run.
    pub by_year: Vec<(Window, Summary)>,
}

impl HeadlineSummaries {
    /// The printed table as text, headed by its window.
    pub fn render(&self) -> String {
        format!(
            "Headline figures over {}; per-year figures are totals over that window divided by its years (each year: summary_by_year.csv).\n{}",
            self.window,
            self.summary.render()
        )
    }

    /// Writes `headline.{csv,parquet}`, `headline.txt` and `summary_by_year.{csv,parquet}`
    /// into `dir`, returning the files' names.
    pub fn write(&self, dir: &Path) -> Result<Vec<String>, ReportError> {
        table(&[(self.window, &self.summary)]).write(dir, "headline")?;
        let by_year: Vec<(Window, &Summary)> = self.by_year.iter().map(|(w, s)| (*w, s)).collect();
        table(&by_year).write(dir, "summary_by_year")?;
        let text = dir.join("headline.txt");
        std::fs::write(&text, self.render()).map_err(io(&text))?;
        Ok([
            "headline.csv",
            "headline.parquet",
            "headline.txt",
            "summary_by_year.csv",
            "summary_by_year.parquet",
        ]
        .map(str::to_owned)
        .to_vec())
    }
}

/// The unit of an output id (`family`, `family[key]`, with or without `@window`).
pub fn unit_of(id: &str) -> &'static str {
    let family = id.split(['[', '@']).next().unwrap_or(id);
    OUTPUTS
        .iter()
        .find(|def| def.id == family)
        .map_or("", |def| def.unit)
}

/// Summaries as one long table: `window, id, label, unit, replicates, mean, p05, p50, p95`
/// (raw numbers; the label as printed).
pub fn table(summaries: &[(Window, &Summary)]) -> Table {
    let rows = || {
        summaries
            .iter()
            .flat_map(|(window, summary)| summary.figures.iter().map(move |f| (window, f)))
    };
    let text = |f: &dyn Fn(&Window, &crate::summary::Figure) -> String| {
        ColumnData::Text(rows().map(|(w, figure)| f(w, figure)).collect())
    };
    let number = |f: &dyn Fn(&crate::summary::Figure) -> f64| {
        ColumnData::Float(rows().map(|(_, figure)| f(figure)).collect())
    };
    Table {
        columns: vec![
            ("window", text(&|w, _| w.to_string())),
            ("id", text(&|_, f| f.id.clone())),
            ("label", text(&|_, f| f.label.clone())),
            ("unit", text(&|_, f| unit_of(&f.id).to_owned())),
            (
                "replicates",
                ColumnData::Int(rows().map(|(_, f)| f.values.len() as i64).collect()),
            ),
            ("mean", number(&|f| f.values.mean())),
            ("p05", number(&|f| f.values.quantile(0.05))),
            ("p50", number(&|f| f.values.quantile(0.5))),
            ("p95", number(&|f| f.values.quantile(0.95))),
        ],
    }
}

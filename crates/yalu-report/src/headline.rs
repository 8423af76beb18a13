//! The headline figures a run prints, gathered over its window and over each calendar
//! year it touches, and written as `headline.*` (the printed table, as data and as text)
//! and `summary_by_year.*`, so that a figure "per year" can be read year by year instead
//! of averaged over quiet years (a closure, say).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::BuildHasherDefault;
use std::path::Path;

use yalu_model::ReplicateResult;
use yalu_model::params::ModelParams;

use crate::ReportError;
use crate::atomic::io;
use crate::outputs::{OUTPUTS, Value, describe, measured_in};
use crate::series::RowHasher;
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

/// A chunk of consecutive replicates' headline figures over a window and per year,
/// measured where they ran and merged into [`Headlines`] in replicate order. Each figure
/// is named (its id and label formatted) once per chunk, when the chunk first meets it;
/// a replicate keeps only its values, by figure number.
#[derive(Debug, Clone)]
pub struct HeadlinePart {
    /// The printed figures' window (`None`: the whole run).
    window: Option<Window>,
    /// The run's months, from the first replicate added.
    run: Option<Window>,
    /// The window's figures, then each year's.
    windows: Vec<WindowPart>,
}

/// One window's figures in a chunk of replicates.
#[derive(Debug, Clone, Default)]
struct WindowPart {
    /// A figure's number by its family (a place in the output registry) and key.
    index: HashMap<(usize, String), u32, BuildHasherDefault<RowHasher>>,
    /// Each figure as first measured.
    figures: Vec<Value>,
    /// Each replicate's values, by figure number.
    replicates: Vec<Vec<(u32, f64)>>,
}

impl WindowPart {
    fn add(
        &mut self,
        params: &ModelParams,
        result: &ReplicateResult,
        window: Option<Window>,
        run: Window,
    ) {
        let mut values = Vec::new();
        for (family, key, value) in measured_in(params, result, window) {
            let figure = match self.index.entry((family, key)) {
                Entry::Occupied(known) => *known.get(),
                Entry::Vacant(new) => {
                    let number = u32::try_from(self.figures.len()).expect("fewer than 2^32");
                    self.figures
                        .push(describe(family, &new.key().1, window, run, value));
                    *new.insert(number)
                }
            };
            values.push((figure, value));
        }
        self.replicates.push(values);
    }
}

impl HeadlinePart {
    /// An empty part measuring the printed figures over `window` (`None`: the whole run).
    pub fn new(window: Option<Window>) -> HeadlinePart {
        HeadlinePart {
            window,
            run: None,
            windows: Vec::new(),
        }
    }

    /// The run's months, once a replicate was added.
    pub fn run(&self) -> Option<Window> {
        self.run
    }

    /// Adds the figures of `result`, the chunk's next replicate.
    pub fn add(&mut self, params: &ModelParams, result: &ReplicateResult) {
        let run = *self
            .run
            .get_or_insert_with(|| Window::covering(params.first_day, params.last_day));
        let windows =
            std::iter::once(self.window).chain(run.years().map(|y| Some(Window::year(y))));
        self.windows
            .resize_with(1 + run.years().count(), WindowPart::default);
        for (part, window) in self.windows.iter_mut().zip(windows) {
            part.add(params, result, window, run);
        }
    }
}

impl Headlines {
    /// Gathers a run over the months `run`, its printed figures measured over `window`.
    /// The printed figures keep every value when `every_value`, else a bounded
    /// [`crate::summary::Spread`] each, as the per-year figures do.
    pub fn starting(run: Window, window: Option<Window>, every_value: bool) -> Self {
        let whole = if every_value {
            SummaryBuilder::keeping_every_value()
        } else {
            SummaryBuilder::default()
        };
        Headlines {
            shown: window.unwrap_or(run),
            whole,
            years: run
                .years()
                .map(|year| (Window::year(year), SummaryBuilder::default()))
                .collect(),
        }
    }

    /// Appends a part's replicates, which follow those already here.
    pub fn add_part(&mut self, part: HeadlinePart) {
        let builders =
            std::iter::once(&mut self.whole).chain(self.years.iter_mut().map(|(_, b)| b));
        for (builder, window) in builders.zip(part.windows) {
            builder.add_part(&window.figures, &window.replicates);
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

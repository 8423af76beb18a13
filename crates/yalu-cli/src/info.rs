//! The commands that describe rather than simulate: `report`, `check`, `evidence`,
//! `events` and `outputs`.

use std::path::{Path, PathBuf};

use yalu_report::outputs::Catalog;
use yalu_scenario::{Registry, RegistryView, coverage_table};

use crate::{Failure, Format, load, print};

pub fn report(out_dir: &Path) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let path = yalu_report::html::write_report(out_dir).map_err(|e| match e {
        yalu_report::ReportError::MissingOutputs { .. } => Failure::bad_input(e),
        other => Failure::run(other),
    })?;
    print(&format!(
        "Wrote {} and charts/ in {:.2} s\n",
        path.display(),
        started.elapsed().as_secs_f64()
    ))
}

pub fn check(files: &[PathBuf]) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let mut failures = Vec::new();
    for file in files {
        match yalu_scenario::check(file, &registry) {
            Ok(said) => print(&said)?,
            Err(e) => failures.push(e),
        }
    }
    match failures.pop() {
        None => Ok(()),
        Some(last) => {
            for e in failures {
                eprintln!("{:?}", miette::Report::new(e));
            }
            Err(last.into())
        }
    }
}

/// `yalu evidence`: a scenario's inputs, or the registry.
#[derive(Debug, clap::Args)]
pub struct EvidenceArgs {
    /// What to list: a scenario's inputs, or the registry's sources, claims, conflicts
    /// or observed series.
    #[arg(value_enum, default_value_t = EvidenceView::Inputs)]
    view: EvidenceView,
    /// Scenario file (default: the built-in baseline).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Only claims or series of this registry file: core, land, maritime, channels,
    /// prices.
    #[arg(long)]
    topic: Option<String>,
    /// Only claims or series whose period includes this year.
    #[arg(long)]
    year: Option<i16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Show the share of inputs that are sourced, per submodel.
    #[arg(long)]
    coverage: bool,
}

/// What `yalu evidence` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EvidenceView {
    /// Every input of a scenario with its value, unit and evidence.
    Inputs,
    /// The registered sources, with their kind and citation.
    Sources,
    /// The claims: each figure with its bound, period and location.
    Claims,
    /// Where claims disagree and what the model does about it.
    Conflicts,
    /// Observations over time, marked calibration or test.
    Series,
}

pub fn evidence(args: EvidenceArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let view = match args.view {
        EvidenceView::Inputs => None,
        EvidenceView::Sources => Some(RegistryView::Sources),
        EvidenceView::Claims => Some(RegistryView::Claims),
        EvidenceView::Conflicts => Some(RegistryView::Conflicts),
        EvidenceView::Series => Some(RegistryView::Series),
    };
    if let Some(view) = view {
        let listing = registry.listing(view, args.topic.as_deref(), args.year);
        // Through a JSON value, whose keys are sorted.
        return show(args.format, &serde_json::json!(listing), listing.table());
    }
    let (scenario, _) = load(args.scenario.as_deref(), &registry)?;
    if args.coverage {
        let table = yalu_scenario::coverage_report(&scenario.parameters);
        return show(args.format, &table, coverage_table(&scenario.name, &table));
    }
    let document = scenario.evidence_document(&registry);
    show(args.format, &document, document.table())
}

pub fn events(scenario: Option<&Path>, format: Format) -> Result<(), Failure> {
    let (scenario, _) = load(scenario, &Registry::embedded())?;
    let rows = yalu_scenario::events::event_rows(&scenario);
    match format {
        Format::Json => print(&format!("{:#}\n", serde_json::json!(rows))),
        Format::Table => print(&yalu_scenario::events::render(&rows)),
    }
}

pub fn outputs(scenario: Option<&Path>) -> Result<(), Failure> {
    let (scenario, _) = load(scenario, &Registry::embedded())?;
    print(&Catalog::new(&scenario.params).render(&scenario.name))
}

/// `value` as JSON, or `table`.
fn show(format: Format, value: &impl serde::Serialize, table: String) -> Result<(), Failure> {
    match format {
        Format::Json => print(&format!(
            "{}\n",
            serde_json::to_string_pretty(value).expect("serializes")
        )),
        Format::Table => print(&table),
    }
}

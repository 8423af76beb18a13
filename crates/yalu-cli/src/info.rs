//! The commands that describe rather than simulate: `report`, `check`, `evidence`,
//! `events` and `outputs`.

use std::path::{Path, PathBuf};

use yalu_lab::experiment::{ExperimentError, load_scenario};
use yalu_report::outputs::Catalog;
use yalu_scenario::{EvidenceArgs, Format, Registry};

use crate::{Failure, load, print};

pub fn report(out_dir: &Path) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    // Its exit code as for any experiment's outputs (`ReportError::is_bad_input`).
    let path = yalu_report::html::write_report(out_dir).map_err(ExperimentError::from)?;
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

pub fn evidence(args: EvidenceArgs) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let load = |path: Option<&Path>| Ok(load_scenario(&path.into(), &registry)?.0);
    print(&args.render(&registry, load)?)
}

pub fn events(scenario: Option<&Path>, format: Format) -> Result<(), Failure> {
    let (scenario, _) = load(scenario, &Registry::embedded())?;
    let rows = yalu_scenario::events::event_rows(&scenario);
    print(&format.show(
        &serde_json::json!(rows),
        yalu_scenario::events::render(&rows),
    ))
}

pub fn outputs(scenario: Option<&Path>) -> Result<(), Failure> {
    let (scenario, _) = load(scenario, &Registry::embedded())?;
    print(&Catalog::new(&scenario.params).render(&scenario.name))
}

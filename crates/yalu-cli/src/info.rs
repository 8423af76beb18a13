//! The commands that describe rather than simulate: `report`, `check`, `evidence` and
//! `outputs`.

use std::path::{Path, PathBuf};

use yalu_report::outputs::Catalog;
use yalu_scenario::{Evidence, Registry};

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
        match yalu_scenario::load(file, &registry) {
            Ok(scenario) => print(&format!(
                "{}: ok ({}, {} inputs with evidence)\n",
                file.display(),
                scenario.name,
                scenario.parameters.len()
            ))?,
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

pub fn evidence(path: Option<&Path>, format: Format, coverage: bool) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let (scenario, _) = load(path, &registry)?;
    if coverage {
        let table = yalu_scenario::coverage(&scenario.parameters);
        return match format {
            Format::Json => print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&table).expect("serializes")
            )),
            Format::Table => {
                let mut text = format!(
                    "Evidence coverage for scenario `{}`\n{:<20} {:>8} {:>8} {:>11} {:>9}\n",
                    scenario.name, "submodel", "inputs", "sourced", "assumptions", "sourced %"
                );
                for row in &table {
                    text.push_str(&format!(
                        "{:<20} {:>8} {:>8} {:>11} {:>8.0}%\n",
                        row.submodel,
                        row.inputs,
                        row.sourced,
                        row.assumptions,
                        100.0 * row.sourced_share
                    ));
                }
                print(&text)
            }
        };
    }
    let document = scenario.evidence_document(&registry);
    match format {
        Format::Json => print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&document).expect("serializes")
        )),
        Format::Table => {
            let mut text = format!(
                "Evidence for scenario `{}` ({} inputs)\n\n",
                scenario.name,
                scenario.parameters.len()
            );
            for p in &scenario.parameters {
                let evidence = match &p.evidence {
                    Evidence::Source { id, location, .. } => format!("source {id}: {location}"),
                    Evidence::Assumption { reason, range } => match range {
                        Some([low, high]) => format!("assumption, range [{low}, {high}]: {reason}"),
                        None => format!("assumption: {reason}"),
                    },
                };
                text.push_str(&format!(
                    "{}\n    {} {}\n    {}\n",
                    p.path, p.value, p.unit, evidence
                ));
            }
            text.push_str("\nSources cited\n");
            for source in &document.sources {
                text.push_str(&format!("  {}: {}\n", source.id, source.citation()));
            }
            print(&text)
        }
    }
}

pub fn outputs(scenario: Option<&Path>) -> Result<(), Failure> {
    let (scenario, _) = load(scenario, &Registry::embedded())?;
    print(&Catalog::new(&scenario.params).render(&scenario.name))
}

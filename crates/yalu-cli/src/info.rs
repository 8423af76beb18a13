//! The commands that describe rather than simulate: `report`, `check`, `evidence` and
//! `outputs`.

use std::path::{Path, PathBuf};

use yalu_report::outputs::Catalog;
use yalu_scenario::{Evidence, Registry};

use crate::{EvidenceView, Failure, Format, load, print};

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
        let mut table = yalu_scenario::coverage(&scenario.parameters);
        table.push(yalu_scenario::coverage_of(
            &scenario.parameters,
            &yalu_scenario::most_influential(30),
            "top 30 (Morris)",
        ));
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
                    Evidence::Claim {
                        claim,
                        source,
                        location,
                        figure,
                        derivation,
                        carry_over,
                        ..
                    } => {
                        let mut text = format!("claim {claim} ({source}, {location}): {figure}");
                        if let Some(d) = derivation {
                            text.push_str(&format!("; derived: {d}"));
                        }
                        if let Some(c) = carry_over {
                            text.push_str(&format!("; carried over: {c}"));
                        }
                        text
                    }
                    Evidence::Assumption { reason, range } => match range {
                        Some([low, high]) => format!("assumption, range [{low}, {high}]: {reason}"),
                        None => format!("assumption: {reason}"),
                    },
                };
                text.push_str(&format!(
                    "{}\n    {} {}  {}\n    {}\n",
                    p.path, p.value, p.unit, p.doc, evidence
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

/// Lists the registry: sources, claims, conflicts or series, optionally of one topic and
/// one year.
pub fn registry(
    view: EvidenceView,
    topic: Option<&str>,
    year: Option<i16>,
    format: Format,
) -> Result<(), Failure> {
    let registry = Registry::embedded();
    let in_year = |first: &str, last: &str| {
        year.is_none_or(|y| {
            yalu_scenario::evidence::period(&format!("{first}..{last}"))
                .is_ok_and(|(a, b)| a.year() <= y && y <= b.year())
        })
    };
    let topic_of = |claim: &str| registry.claim(claim).map_or("", |(s, _)| s.topic.as_str());
    let json = |value: serde_json::Value| print(&format!("{value:#}\n"));
    match (view, format) {
        (EvidenceView::Inputs, _) => unreachable!("inputs are listed by `evidence`"),
        (EvidenceView::Sources, Format::Json) => json(serde_json::json!(registry.sources)),
        (EvidenceView::Sources, Format::Table) => print(
            &registry
                .sources
                .iter()
                .filter(|s| topic.is_none_or(|t| s.topic == t))
                .map(|s| {
                    format!(
                        "{} [{}, {}]\n    {}\n",
                        s.id,
                        s.kind.name(),
                        s.topic,
                        s.citation()
                    )
                })
                .collect::<String>(),
        ),
        (EvidenceView::Claims, format) => {
            let rows = registry.claim_rows(topic, year);
            match format {
                Format::Json => json(serde_json::json!(rows)),
                Format::Table => print(
                    &rows
                        .iter()
                        .map(|r| {
                            format!(
                                "{} ({}, {})\n    {} | {} | {}\n",
                                r.claim, r.source, r.location, r.period, r.figure, r.counted
                            )
                        })
                        .chain(std::iter::once(format!("{} claims\n", rows.len())))
                        .collect::<String>(),
                ),
            }
        }
        (EvidenceView::Conflicts, Format::Json) => json(serde_json::json!(registry.conflicts)),
        (EvidenceView::Conflicts, Format::Table) => print(
            &registry
                .conflicts
                .iter()
                .map(|c| {
                    format!(
                        "{}: {}\n    claims: {}\n    model: {}\n",
                        c.id,
                        c.about,
                        c.claims.join(", "),
                        c.resolution
                    )
                })
                .collect::<String>(),
        ),
        (EvidenceView::Series, format) => {
            let rows: Vec<_> = registry
                .series
                .iter()
                .filter(|o| topic.is_none_or(|t| topic_of(&o.claim) == t))
                .filter(|o| in_year(&o.first, &o.last))
                .collect();
            match format {
                Format::Json => json(serde_json::json!(rows)),
                Format::Table => print(
                    &rows
                        .iter()
                        .map(|o| {
                            let figure = match (o.value, o.low, o.high) {
                                (Some(v), _, _) => format!("{v}"),
                                (None, Some(l), Some(h)) => format!("{l}-{h}"),
                                _ => String::new(),
                            };
                            format!(
                                "{:<44} {}..{} {:?} {} {} [{:?}] {}\n",
                                o.observation,
                                o.first,
                                o.last,
                                o.bound,
                                figure,
                                o.unit,
                                o.use_,
                                o.what
                            )
                        })
                        .collect::<String>(),
                ),
            }
        }
    }
}

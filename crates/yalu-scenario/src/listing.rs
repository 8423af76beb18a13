//! What `yalu evidence` prints: a scenario's inputs with their evidence, the share of them
//! that is sourced, and the registry's sources, claims, conflicts and observed series, each
//! as a table for reading (JSON is the same values serialized).

use std::fmt::Write;

use serde::Serialize;

use crate::evidence::{self, ClaimRow, Conflict, Observation, Registry, Source};
use crate::records::{CoverageRow, Evidence};
use crate::scenario::EvidenceDocument;

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Evidence::Claim {
                claim,
                source,
                location,
                figure,
                derivation,
                carry_over,
                ..
            } => {
                write!(f, "claim {claim} ({source}, {location}): {figure}")?;
                if let Some(d) = derivation {
                    write!(f, "; derived: {d}")?;
                }
                if let Some(c) = carry_over {
                    write!(f, "; carried over: {c}")?;
                }
                Ok(())
            }
            Evidence::Assumption {
                reason,
                range: Some([low, high]),
            } => write!(f, "assumption, range [{low}, {high}]: {reason}"),
            Evidence::Assumption {
                reason,
                range: None,
            } => write!(f, "assumption: {reason}"),
        }
    }
}

impl EvidenceDocument<'_> {
    /// Every input with its value, unit, meaning and evidence, then the sources cited.
    pub fn table(&self) -> String {
        let mut text = format!(
            "Evidence for scenario `{}` ({} inputs)\n\n",
            self.name,
            self.parameters.len()
        );
        for p in self.parameters {
            let _ = write!(
                text,
                "{}\n    {} {}  {}\n    {}\n",
                p.path, p.value, p.unit, p.doc, p.evidence
            );
        }
        text.push_str("\nSources cited\n");
        for source in &self.sources {
            let _ = writeln!(text, "  {}: {}", source.id, source.citation());
        }
        text
    }
}

/// The coverage rows of scenario `name` as a table, the sourced share in percent.
pub fn coverage_table(name: &str, rows: &[CoverageRow]) -> String {
    let mut text = format!(
        "Evidence coverage for scenario `{name}`\n{:<20} {:>8} {:>8} {:>11} {:>9}\n",
        "submodel", "inputs", "sourced", "assumptions", "sourced %"
    );
    for row in rows {
        let _ = writeln!(
            text,
            "{:<20} {:>8} {:>8} {:>11} {:>8.0}%",
            row.submodel,
            row.inputs,
            row.sourced,
            row.assumptions,
            100.0 * row.sourced_share
        );
    }
    text
}

/// What of the registry to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryView {
    /// The registered sources.
    Sources,
    /// The claims.
    Claims,
    /// Where claims disagree.
    Conflicts,
    /// The observed series.
    Series,
}

/// A part of the registry, filtered by topic and year where that applies.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Listing<'a> {
    /// Sources of the topic.
    Sources(Vec<&'a Source>),
    /// Claims of the topic whose period includes the year.
    Claims(Vec<ClaimRow<'a>>),
    /// Every conflict.
    Conflicts(&'a [Conflict]),
    /// Observations of the topic whose period includes the year.
    Series(Vec<&'a Observation>),
}

impl Registry {
    /// The `view` of the registry, only of `topic` (a registry file: core, land, ...) and
    /// only what concerns `year`, where the view has topics or periods.
    pub fn listing(
        &self,
        view: RegistryView,
        topic: Option<&str>,
        year: Option<i16>,
    ) -> Listing<'_> {
        let of_topic = |t: &str| topic.is_none_or(|wanted| t == wanted);
        match view {
            RegistryView::Sources => {
                Listing::Sources(self.sources.iter().filter(|s| of_topic(&s.topic)).collect())
            }
            RegistryView::Claims => Listing::Claims(self.claim_rows(topic, year)),
            RegistryView::Conflicts => Listing::Conflicts(&self.conflicts),
            RegistryView::Series => Listing::Series(
                self.series
                    .iter()
                    .filter(|o| of_topic(self.claim(&o.claim).map_or("", |(s, _)| &s.topic)))
                    .filter(|o| {
                        year.is_none_or(|y| {
                            evidence::period(&format!("{}..{}", o.first, o.last))
                                .is_ok_and(|(a, b)| a.year() <= y && y <= b.year())
                        })
                    })
                    .collect(),
            ),
        }
    }
}

impl Listing<'_> {
    /// The listing for reading, an entry a line or three.
    pub fn table(&self) -> String {
        let mut text = String::new();
        match self {
            Listing::Sources(sources) => {
                for s in sources {
                    let (kind, citation) = (s.kind.name(), s.citation());
                    let _ = write!(text, "{} [{kind}, {}]\n    {citation}\n", s.id, s.topic);
                }
            }
            Listing::Claims(rows) => {
                for r in rows {
                    let _ = write!(
                        text,
                        "{} ({}, {})\n    {} | {} | {}\n",
                        r.claim, r.source, r.location, r.period, r.figure, r.counted
                    );
                }
                let _ = writeln!(text, "{} claims", rows.len());
            }
            Listing::Conflicts(conflicts) => {
                for c in conflicts.iter() {
                    let claims = c.claims.join(", ");
                    let _ = write!(
                        text,
                        "{}: {}\n    claims: {claims}\n    model: {}\n",
                        c.id, c.about, c.resolution
                    );
                }
            }
            Listing::Series(observations) => {
                for o in observations {
                    let figure = match (o.value, o.low, o.high) {
                        (Some(v), _, _) => format!("{v}"),
                        (None, Some(l), Some(h)) => format!("{l}-{h}"),
                        _ => String::new(),
                    };
                    let _ = writeln!(
                        text,
                        "{:<44} {}..{} {:?} {figure} {} [{:?}] {}",
                        o.observation, o.first, o.last, o.bound, o.unit, o.use_, o.what
                    );
                }
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn the_baseline_lists_every_input_and_the_sources_it_cites() {
        let registry = Registry::embedded();
        let scenario = Scenario::baseline(&registry).expect("baseline is valid");
        let document = scenario.evidence_document(&registry);
        let table = document.table();
        assert!(table.starts_with(&format!(
            "Evidence for scenario `baseline` ({} inputs)",
            scenario.parameters.len()
        )));
        for p in &scenario.parameters {
            assert!(table.contains(&format!("{}\n    {} {}", p.path, p.value, p.unit)));
        }
        let cited = table.split("\nSources cited\n").nth(1).expect("sources");
        assert_eq!(cited.lines().count(), document.sources.len());
    }

    #[test]
    fn an_assumption_reads_with_its_range_and_a_claim_with_its_derivation() {
        let assumed = Evidence::Assumption {
            reason: "guess".into(),
            range: Some([1.0, 2.5]),
        };
        assert_eq!(assumed.to_string(), "assumption, range [1, 2.5]: guess");
        let claimed = Evidence::Claim {
            claim: "c1".into(),
            source: "s1".into(),
            location: "p. 3".into(),
            figure: "about 7".into(),
            derivation: Some("7 / 2".into()),
            carry_over: None,
            range: None,
        };
        assert_eq!(
            claimed.to_string(),
            "claim c1 (s1, p. 3): about 7; derived: 7 / 2"
        );
    }

    #[test]
    fn listings_keep_to_their_topic_and_year() {
        let registry = Registry::embedded();
        let Listing::Sources(all) = registry.listing(RegistryView::Sources, None, None) else {
            panic!("sources")
        };
        let Listing::Sources(land) = registry.listing(RegistryView::Sources, Some("land"), None)
        else {
            panic!("sources")
        };
        assert!(!land.is_empty() && land.len() < all.len());
        assert!(land.iter().all(|s| s.topic == "land"));
        let Listing::Series(series) = registry.listing(RegistryView::Series, None, Some(2019))
        else {
            panic!("series")
        };
        assert!(
            series
                .iter()
                .all(|o| o.first.as_str() <= "2019-12" && o.last.as_str() >= "2019")
        );
        let claims = registry
            .listing(RegistryView::Claims, Some("land"), None)
            .table();
        assert!(claims.ends_with(&format!(
            "{} claims\n",
            registry.claim_rows(Some("land"), None).len()
        )));
    }
}

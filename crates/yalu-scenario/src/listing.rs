//! What `yalu evidence` prints: a scenario's inputs with their evidence, the share of them
//! that is sourced, and the registry's sources, claims, conflicts and observed series, each
//! as a table for reading (JSON is the same values serialized). The command's arguments
//! ([`EvidenceArgs`]) are declared here, beside what they choose.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::evidence::{self, ClaimRow, Conflict, Observation, Registry, Source};
use crate::records::{CoverageReport, Evidence, EvidenceDocument};
use crate::scenario::Scenario;
use crate::{LoadError, coverage_report};

/// How a listing is printed (the names say it: no help of their own, so `--help` lists
/// them on one line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For reading.
    #[value(help = None::<&str>)]
    Table,
    /// JSON, pretty-printed.
    #[value(help = None::<&str>)]
    Json,
}

impl Format {
    /// `value` as JSON, or `table`, ending with a newline.
    pub fn show(self, value: &impl Serialize, table: String) -> String {
        match self {
            Format::Json => {
                let json = serde_json::to_string_pretty(value).expect("serializes");
                format!("{json}\n")
            }
            Format::Table => table,
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

impl EvidenceArgs {
    /// What `yalu evidence` prints: a view of the registry, or the inputs (or their
    /// coverage) of the scenario `load` reads from `--scenario` (`None`: the baseline),
    /// loaded only for them.
    pub fn render(
        &self,
        registry: &Registry,
        load: impl FnOnce(Option<&Path>) -> Result<Scenario, LoadError>,
    ) -> Result<String, LoadError> {
        if let Some(listing) = registry.listing(self.view, self.topic.as_deref(), self.year) {
            // Through a JSON value, whose keys are sorted.
            return Ok(self
                .format
                .show(&serde_json::json!(listing), listing.table()));
        }
        let scenario = load(self.scenario.as_deref())?;
        if self.coverage {
            let report = coverage_report(&scenario.parameters);
            return Ok(self
                .format
                .show(&report, coverage_table(&scenario.name, &report)));
        }
        let document = scenario.evidence_document(registry);
        Ok(self.format.show(&document, document.table()))
    }
}

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
pub fn coverage_table(name: &str, report: &CoverageReport) -> String {
    let mut text = format!(
        "Evidence coverage for scenario `{name}`\n{:<20} {:>8} {:>8} {:>11} {:>9}\n",
        "submodel", "inputs", "sourced", "assumptions", "sourced %"
    );
    for row in &report.rows {
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
    let _ = writeln!(
        text,
        "\nThe 30 most influential inputs (evidence/influence.csv):\n{:>4} {:>6}  {:<10}  input",
        "rank", "score", "evidence"
    );
    for input in &report.most_influential {
        let evidence = if input.sourced { "claim" } else { "assumption" };
        let _ = writeln!(
            text,
            "{:>4} {:>6.3}  {:<10}  {}",
            input.rank, input.score, evidence, input.input
        );
    }
    text
}

/// What `yalu evidence` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvidenceView {
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
    /// only what concerns `year`, where the view has topics or periods; `None` for the
    /// inputs, which are a scenario's.
    pub fn listing(
        &self,
        view: EvidenceView,
        topic: Option<&str>,
        year: Option<i16>,
    ) -> Option<Listing<'_>> {
        let of_topic = |t: &str| topic.is_none_or(|wanted| t == wanted);
        Some(match view {
            EvidenceView::Inputs => return None,
            EvidenceView::Sources => {
                Listing::Sources(self.sources.iter().filter(|s| of_topic(&s.topic)).collect())
            }
            EvidenceView::Claims => Listing::Claims(self.claim_rows(topic, year)),
            EvidenceView::Conflicts => Listing::Conflicts(&self.conflicts),
            EvidenceView::Series => Listing::Series(
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
        })
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

    /// `yalu evidence`'s arguments as the command line gives them.
    fn evidence_args(words: &[&str]) -> EvidenceArgs {
        #[derive(clap::Parser)]
        struct Command {
            #[command(flatten)]
            args: EvidenceArgs,
        }
        let words = std::iter::once("evidence").chain(words.iter().copied());
        <Command as clap::Parser>::parse_from(words).args
    }

    #[test]
    fn a_registry_view_reads_no_scenario_and_the_inputs_read_the_one_named() {
        let registry = Registry::embedded();
        let unreadable = |path: Option<&Path>| -> Result<Scenario, LoadError> {
            Err(LoadError::Read {
                path: format!("{path:?}"),
                error: std::io::Error::other("not read"),
            })
        };
        let claims = evidence_args(&["claims", "--topic", "land"])
            .render(&registry, unreadable)
            .expect("a registry view needs no scenario");
        let land = registry.listing(EvidenceView::Claims, Some("land"), None);
        assert_eq!(claims, land.expect("a registry view").table());
        let error = evidence_args(&["--scenario", "my.toml"])
            .render(&registry, unreadable)
            .expect_err("the inputs are the scenario's");
        assert!(error.to_string().contains("my.toml"), "{error}");
        let json = evidence_args(&["--format", "json"])
            .render(&registry, |path| {
                assert_eq!(path, None, "the baseline when none is named");
                Ok(Scenario::baseline(&registry)?)
            })
            .expect("the baseline's inputs");
        let document: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        assert_eq!(document["name"], "baseline");
        assert!(json.ends_with("}\n"));
    }

    #[test]
    fn listings_keep_to_their_topic_and_year() {
        let registry = Registry::embedded();
        let sources = |topic| registry.listing(EvidenceView::Sources, topic, None);
        let Some(Listing::Sources(all)) = sources(None) else {
            panic!("sources")
        };
        let Some(Listing::Sources(land)) = sources(Some("land")) else {
            panic!("sources")
        };
        assert!(!land.is_empty() && land.len() < all.len());
        assert!(land.iter().all(|s| s.topic == "land"));
        let Some(Listing::Series(series)) =
            registry.listing(EvidenceView::Series, None, Some(2019))
        else {
            panic!("series")
        };
        assert!(
            series
                .iter()
                .all(|o| o.first.as_str() <= "2019-12" && o.last.as_str() >= "2019")
        );
        let claims = registry
            .listing(EvidenceView::Claims, Some("land"), None)
            .expect("a registry view")
            .table();
        assert!(registry.listing(EvidenceView::Inputs, None, None).is_none());
        assert!(claims.ends_with(&format!(
            "{} claims\n",
            registry.claim_rows(Some("land"), None).len()
        )));
    }
}

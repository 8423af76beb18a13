//! What `yalu evidence` lists: every input of a scenario with its value, unit, meaning and
//! evidence, the share of inputs that are sourced, and the evidence document
//! ([`Scenario::evidence_document`], written as `scenario.json`).

use serde::Serialize;

use crate::evidence::{Conflict, Registry, Source, SourceKind};
use crate::scenario::{Scenario, SiteInfo};

/// A value and the evidence behind it, as `yalu evidence` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterRecord {
    /// Dotted path, e.g. `porter.sites[hyesan].crews`.
    pub path: String,
    /// The value.
    pub value: Value,
    /// Its unit.
    pub unit: &'static str,
    /// What it means (from its declaration; empty for dates and places).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub doc: &'static str,
    /// Where it comes from.
    pub evidence: Evidence,
}

/// A number or a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A number.
    Number(f64),
    /// A date or date range, as written.
    Text(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

/// Sourced or assumed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// From a registered claim.
    Claim {
        /// Claim id.
        claim: String,
        /// The source it is in.
        source: String,
        /// Where in the document.
        location: String,
        /// The claim's figure and bound, in words.
        figure: String,
        /// The arithmetic from the figure to the value, when they differ in unit.
        #[serde(skip_serializing_if = "Option::is_none")]
        derivation: Option<String>,
        /// Why the figure holds beyond the claim's period, when it is used there.
        #[serde(skip_serializing_if = "Option::is_none")]
        carry_over: Option<String>,
        /// The range the claim supports.
        range: Option<[f64; 2]>,
    },
    /// The modellers' assumption.
    Assumption {
        /// Why.
        reason: String,
        /// Plausible range (numbers only).
        range: Option<[f64; 2]>,
    },
}

/// Sourced versus assumed inputs of one submodel (the first part of their paths).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageRow {
    /// Submodel, e.g. `porter`, `state_trade`; `all` for the total.
    pub submodel: String,
    /// Inputs with evidence.
    pub inputs: usize,
    /// Of which sourced.
    pub sourced: usize,
    /// Of which assumptions.
    pub assumptions: usize,
    /// Sourced share.
    pub sourced_share: f64,
}

/// Evidence coverage per submodel, in path order, then the total.
pub fn coverage(parameters: &[ParameterRecord]) -> Vec<CoverageRow> {
    let mut rows: Vec<CoverageRow> = Vec::new();
    let mut add = |submodel: &str, sourced: bool| {
        let row = match rows.iter().position(|r| r.submodel == submodel) {
            Some(i) => &mut rows[i],
            None => {
                rows.push(CoverageRow {
                    submodel: submodel.to_owned(),
                    inputs: 0,
                    sourced: 0,
                    assumptions: 0,
                    sourced_share: 0.0,
                });
                rows.last_mut().expect("just pushed")
            }
        };
        row.inputs += 1;
        if sourced {
            row.sourced += 1;
        } else {
            row.assumptions += 1;
        }
        row.sourced_share = row.sourced as f64 / row.inputs as f64;
    };
    for p in parameters {
        let submodel = p.path.split(['.', '[']).next().unwrap_or(&p.path);
        let sourced = matches!(p.evidence, Evidence::Claim { .. });
        add(submodel, sourced);
        add("all", sourced);
    }
    // The total last.
    if let Some(i) = rows.iter().position(|r| r.submodel == "all") {
        let all = rows.remove(i);
        rows.push(all);
    }
    rows
}

/// The committed influence ranking (`evidence/influence.csv`: rank, parameter, score), from
/// `yalu sensitivity sweeps/influence.toml --method morris --max-work 2e13`.
pub const INFLUENCE: &str = include_str!("../../../evidence/influence.csv");

/// The committed ranking's rows: rank, parameter path and score, most influential first.
fn influence_rows() -> impl Iterator<Item = (usize, &'static str, f64)> {
    INFLUENCE.lines().skip(1).filter_map(|line| {
        let mut fields = line.split(',');
        let rank = fields.next()?.parse().ok()?;
        let path = fields.next()?;
        let score = fields.next()?.parse().ok()?;
        Some((rank, path, score))
    })
}

/// The `n` most influential parameter paths of the committed ranking.
pub fn most_influential(n: usize) -> Vec<&'static str> {
    influence_rows().map(|(_, path, _)| path).take(n).collect()
}

/// One of the most influential inputs, with whether it rests on a claim.
#[derive(Debug, Clone, Serialize)]
pub struct InfluentialInput {
    /// Rank in the committed ranking (1 is the most influential).
    pub rank: usize,
    /// Parameter path.
    pub input: String,
    /// Its score in the ranking (1 for an input that moves some headline output most).
    pub score: f64,
    /// Whether it cites a claim; otherwise it is an assumption.
    pub sourced: bool,
}

/// What `yalu evidence --coverage` reports: the shares, and the most influential inputs
/// one by one, the assumptions among them being where evidence would narrow the results
/// most.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageReport {
    /// Per submodel, then all inputs, then the 30 most influential.
    pub rows: Vec<CoverageRow>,
    /// The 30 most influential inputs the scenario has, in rank order.
    pub most_influential: Vec<InfluentialInput>,
}

/// Sourced versus assumed among the inputs at `paths` (those the scenario has), as a row
/// named `label`.
pub fn coverage_of(parameters: &[ParameterRecord], paths: &[&str], label: &str) -> CoverageRow {
    let chosen: Vec<&ParameterRecord> = parameters
        .iter()
        .filter(|p| paths.contains(&p.path.as_str()))
        .collect();
    let sourced = chosen
        .iter()
        .filter(|p| matches!(p.evidence, Evidence::Claim { .. }))
        .count();
    CoverageRow {
        submodel: label.to_owned(),
        inputs: chosen.len(),
        sourced,
        assumptions: chosen.len() - sourced,
        sourced_share: if chosen.is_empty() {
            0.0
        } else {
            sourced as f64 / chosen.len() as f64
        },
    }
}

/// [`coverage`], then the row of the 30 most influential parameters, and those parameters
/// one by one: what `yalu evidence --coverage` lists.
pub fn coverage_report(parameters: &[ParameterRecord]) -> CoverageReport {
    let mut rows = coverage(parameters);
    rows.push(coverage_of(
        parameters,
        &most_influential(30),
        "top 30 (Morris)",
    ));
    let most_influential = influence_rows()
        .take(30)
        .filter_map(|(rank, path, score)| {
            let record = parameters.iter().find(|p| p.path == path)?;
            Some(InfluentialInput {
                rank,
                input: path.to_owned(),
                score,
                sourced: matches!(record.evidence, Evidence::Claim { .. }),
            })
        })
        .collect();
    CoverageReport {
        rows,
        most_influential,
    }
}

/// A scenario's inputs with their evidence, as `yalu evidence --format json` prints it and
/// `yalu run` writes it (`scenario.json`).
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceDocument<'a> {
    /// Scenario name.
    pub name: &'a str,
    /// What it represents.
    pub description: &'a str,
    /// Sites with coordinates.
    pub sites: &'a [SiteInfo],
    /// Every input with its unit and evidence.
    pub parameters: &'a [ParameterRecord],
    /// The registered sources the inputs cite, with full citations.
    pub sources: Vec<&'a Source>,
    /// The dated events in date order, as `yalu events` lists them.
    pub events: Vec<crate::events::EventRow>,
    /// Every conflict between claims in the registry, with what the model does about it.
    pub conflicts: &'a [Conflict],
    /// The size of the registry the scenario was checked against.
    pub registry: RegistrySummary,
}

/// How much evidence the registry holds: sources by kind, claims and observations.
#[derive(Debug, Clone, Serialize)]
pub struct RegistrySummary {
    /// Registered sources.
    pub sources: usize,
    /// Sources of each kind present, in the registry's kind order.
    pub sources_by_kind: Vec<KindCount>,
    /// Claims across all sources.
    pub claims: usize,
    /// Observations across all series.
    pub observations: usize,
}

/// The number of sources of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    /// The kind as the registry writes it (`testimony`, ...).
    pub kind: &'static str,
    /// Sources of that kind.
    pub sources: usize,
}

impl RegistrySummary {
    /// Counts `registry`'s sources by kind, its claims and its observations.
    pub fn of(registry: &Registry) -> RegistrySummary {
        let mut kinds: Vec<SourceKind> = registry.sources.iter().map(|s| s.kind).collect();
        kinds.sort_unstable();
        let mut sources_by_kind: Vec<KindCount> = Vec::new();
        for kind in kinds {
            match sources_by_kind.last_mut() {
                Some(last) if last.kind == kind.name() => last.sources += 1,
                _ => sources_by_kind.push(KindCount {
                    kind: kind.name(),
                    sources: 1,
                }),
            }
        }
        RegistrySummary {
            sources: registry.sources.len(),
            sources_by_kind,
            claims: registry.sources.iter().map(|s| s.claims.len()).sum(),
            observations: registry.series.len(),
        }
    }
}

impl Scenario {
    /// The scenario's inputs with their evidence and the sources they cite.
    pub fn evidence_document<'a>(&'a self, registry: &'a Registry) -> EvidenceDocument<'a> {
        let mut cited: Vec<&str> = self
            .parameters
            .iter()
            .filter_map(|p| match &p.evidence {
                Evidence::Claim { source, .. } => Some(source.as_str()),
                Evidence::Assumption { .. } => None,
            })
            .collect();
        cited.sort_unstable();
        cited.dedup();
        EvidenceDocument {
            name: &self.name,
            description: &self.description,
            sites: &self.sites,
            parameters: &self.parameters,
            sources: cited.iter().filter_map(|id| registry.get(id)).collect(),
            conflicts: &registry.conflicts,
            registry: RegistrySummary::of(registry),
            events: crate::events::event_rows(self),
        }
    }
}

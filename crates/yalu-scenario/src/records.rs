//! What `yalu evidence` lists: every input of a scenario with its value, unit, meaning and
//! evidence, and the share of inputs that are sourced.

use serde::Serialize;

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
/// `yalu sensitivity sweeps/influence.toml --method morris`.
pub const INFLUENCE: &str = include_str!("../../../evidence/influence.csv");

/// The `n` most influential parameter paths of the committed ranking.
pub fn most_influential(n: usize) -> Vec<&'static str> {
    INFLUENCE
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(1))
        .take(n)
        .collect()
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

/// [`coverage`], then the row of the 30 most influential parameters: what `yalu evidence
/// --coverage` lists.
pub fn coverage_report(parameters: &[ParameterRecord]) -> Vec<CoverageRow> {
    let mut rows = coverage(parameters);
    rows.push(coverage_of(
        parameters,
        &most_influential(30),
        "top 30 (Morris)",
    ));
    rows
}

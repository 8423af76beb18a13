//! The evidence registry (`evidence/`): every source a scenario may rest on, the claims
//! the model takes from each (a figure with its unit, period, place and bound, located in
//! the document), the conflicts between claims, and the observed series that calibration
//! and validation compare the model with. See `evidence/README.md` for the file formats.

use std::ops::Range;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, ScenarioError, ScenarioErrors, SourceText};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// All the sources, conflicts and observations.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Registry {
    /// The sources, in file order.
    pub sources: Vec<Source>,
    /// Where claims disagree.
    pub conflicts: Vec<Conflict>,
    /// Observations over time.
    pub series: Vec<Observation>,
}

/// One registry file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default, rename = "source")]
    sources: Vec<Source>,
    #[serde(default, rename = "conflict")]
    conflicts: Vec<Conflict>,
}

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A statistics office or customs figure.
    OfficialStatistic,
    /// A UN Panel of Experts report or a government advisory, read directly.
    MonitoringReport,
    /// A news or wire report of a monitoring report or statistic.
    SecondaryReport,
    /// Defectors, in-country sources, officials on record.
    Testimony,
    /// Academic, think-tank or journalistic analysis.
    Analysis,
    /// A Security Council resolution or a national sanctions law.
    Resolution,
    /// Original reporting of another kind.
    NewsReport,
}

impl SourceKind {
    /// The name as the registry writes it.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::OfficialStatistic => "official_statistic",
            SourceKind::MonitoringReport => "monitoring_report",
            SourceKind::SecondaryReport => "secondary_report",
            SourceKind::Testimony => "testimony",
            SourceKind::Analysis => "analysis",
            SourceKind::Resolution => "resolution",
            SourceKind::NewsReport => "news_report",
        }
    }
}

/// One source document and what the model uses from it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short id, e.g. `dailynk-porters`.
    pub id: String,
    /// What kind of document.
    pub kind: SourceKind,
    /// Publication.
    pub outlet: String,
    /// Author or reporter, where known.
    pub author: Option<String>,
    /// Date of publication as precisely as known.
    pub date: String,
    /// Title.
    pub title: String,
    /// Link, where known.
    pub link: Option<String>,
    /// The copy in `shared/sources`, if any.
    pub file: Option<String>,
    /// What the source supports, in brief.
    pub supports: String,
    /// Claims the model takes from it.
    #[serde(default, rename = "claim")]
    pub claims: Vec<Claim>,
    /// The registry file it is in, without extension (`core`, `land`, ...): its topic.
    #[serde(skip_deserializing)]
    pub topic: String,
}

/// How a claim's figure bounds the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Exactly as reported (to rounding).
    Point,
    /// About the value (within `tolerance`, 10% unless stated).
    About,
    /// The value or more.
    AtLeast,
    /// The value or less.
    AtMost,
    /// Between `low` and `high`.
    Range,
}

/// Rounding allowed around a point figure.
const POINT_ROUNDING: f64 = 0.005;
/// The spread of an `about` figure when the claim states none.
const ABOUT_TOLERANCE: f64 = 0.1;

/// A claim taken from a source: a figure with its unit, period, place and bound, or a
/// qualitative statement.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Unique id, cited by scenarios as `claim = "<id>"`.
    pub id: String,
    /// What the source says, in the project's own words.
    pub claim: String,
    /// Where in the document.
    pub location: String,
    /// What was counted.
    pub counted: Option<String>,
    /// Where.
    pub place: Option<String>,
    /// The period the figure describes: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `FIRST..LAST`.
    pub period: Option<String>,
    /// Unit of the figure.
    pub unit: Option<String>,
    /// How the figure bounds the truth.
    pub bound: Option<Bound>,
    /// The figure (point, about, at least, at most).
    pub value: Option<f64>,
    /// Low end of a range.
    pub low: Option<f64>,
    /// High end of a range.
    pub high: Option<f64>,
    /// Relative spread of an `about` figure.
    pub tolerance: Option<f64>,
}

impl Bound {
    /// The values a figure with this bound admits, `[low, high]`: `value` for point, about,
    /// at least and at most; `low` and `high` for a range.
    pub fn interval(
        self,
        value: Option<f64>,
        low: Option<f64>,
        high: Option<f64>,
        tolerance: Option<f64>,
    ) -> Option<[f64; 2]> {
        match self {
            Bound::Point => value.map(|v| widen(v, POINT_ROUNDING)),
            Bound::About => value.map(|v| widen(v, tolerance.unwrap_or(ABOUT_TOLERANCE))),
            Bound::AtLeast => value.map(|v| [v, f64::INFINITY]),
            Bound::AtMost => value.map(|v| [f64::NEG_INFINITY, v]),
            Bound::Range => Some([low?, high?]),
        }
    }
}

impl Claim {
    /// The values the claim admits, `[low, high]`, if it gives a figure.
    pub fn interval(&self) -> Option<[f64; 2]> {
        self.bound?
            .interval(self.value, self.low, self.high, self.tolerance)
    }

    /// The period as dates (first and last day), if the claim states one.
    pub fn dates(&self) -> Option<Result<(Date, Date), String>> {
        self.period.as_deref().map(period)
    }

    /// The figure and its bound in words, e.g. `about 3700000 t`.
    pub fn figure(&self) -> String {
        let unit = self.unit.as_deref().unwrap_or("");
        let value = self.value.map_or(String::new(), |v| v.to_string());
        match self.bound {
            Some(Bound::Point) => format!("{value} {unit}"),
            Some(Bound::About) => format!("about {value} {unit}"),
            Some(Bound::AtLeast) => format!("at least {value} {unit}"),
            Some(Bound::AtMost) => format!("at most {value} {unit}"),
            Some(Bound::Range) => format!(
                "{}-{} {unit}",
                self.low.unwrap_or(f64::NAN),
                self.high.unwrap_or(f64::NAN)
            ),
            None => "no figure".into(),
        }
    }
}

fn widen(value: f64, share: f64) -> [f64; 2] {
    let spread = (value * share).abs();
    [value - spread, value + spread]
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or two of those joined by `..`, as the first and last
/// day they cover.
pub fn period(text: &str) -> Result<(Date, Date), String> {
    let (first, last) = text.split_once("..").unwrap_or((text, text));
    let first = day(first.trim(), false)?;
    let last = day(last.trim(), true)?;
    if last < first {
        return Err(format!("`{text}` ends before it starts"));
    }
    Ok((first, last))
}

fn day(text: &str, last: bool) -> Result<Date, String> {
    let bad = || format!("`{text}` is not YYYY, YYYY-MM or YYYY-MM-DD");
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str| s.parse::<i16>().map_err(|_| bad());
    let date = match parts.as_slice() {
        [y] => Date::new(
            number(y)?,
            if last { 12 } else { 1 },
            if last { 31 } else { 1 },
        ),
        [y, m] => {
            let first = Date::new(number(y)?, number(m)? as i8, 1).map_err(|_| bad())?;
            return Ok(if last { first.last_of_month() } else { first });
        }
        [y, m, d] => Date::new(number(y)?, number(m)? as i8, number(d)? as i8),
        _ => return Err(bad()),
    };
    date.map_err(|_| bad())
}

/// Claims that disagree, and what the model does about it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    /// Unique id.
    pub id: String,
    /// The claims in conflict.
    pub claims: Vec<String>,
    /// What they disagree about.
    pub about: String,
    /// What the model does.
    pub resolution: String,
}

/// Whether an observation may be fitted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    /// Calibration may fit parameters to it.
    Calibration,
    /// Held out: only ever compared with, never fitted to.
    Test,
}

/// One observation of a series (`evidence/series/*.csv`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// Unique id.
    pub observation: String,
    /// The claim it comes from.
    pub claim: String,
    /// First month, `YYYY-MM`.
    pub first: String,
    /// Last month, `YYYY-MM`.
    pub last: String,
    /// What was counted.
    pub what: String,
    /// Where.
    pub place: String,
    /// Unit of the figures.
    pub unit: String,
    /// How the figure bounds the truth.
    pub bound: Bound,
    /// The figure, except for a range.
    pub value: Option<f64>,
    /// Low end of a range.
    pub low: Option<f64>,
    /// High end of a range.
    pub high: Option<f64>,
    /// Calibration or test.
    #[serde(rename = "use")]
    pub use_: Use,
}

impl Observation {
    /// The values the observation admits, `[low, high]`.
    pub fn interval(&self) -> Option<[f64; 2]> {
        self.bound.interval(self.value, self.low, self.high, None)
    }
}

impl Registry {
    /// The registry shipped with Yalu.
    pub fn embedded() -> Registry {
        let texts = |files: &[(&str, &str)]| -> Vec<SourceText> {
            files
                .iter()
                .map(|(name, text)| SourceText::new(*name, *text))
                .collect()
        };
        Registry::from_texts(&texts(EMBEDDED_SOURCES), &texts(EMBEDDED_SERIES))
            .expect("the embedded registry is checked by a test")
    }

    /// Parses one registry file with no series (for tests and small registries).
    pub fn parse(text: &SourceText) -> Result<Registry, ScenarioErrors> {
        Registry::from_texts(std::slice::from_ref(text), &[])
    }

    /// Parses registry files and series, refusing duplicate ids, claims without a
    /// location or with an unusable figure, and references to unknown claims.
    pub fn from_texts(
        sources: &[SourceText],
        series: &[SourceText],
    ) -> Result<Registry, ScenarioErrors> {
        let mut registry = Registry::default();
        // Conflicts may name claims of any file, so they are checked once all are read.
        let mut conflicts_by_file = Vec::new();
        for text in sources {
            let file: RegistryFile =
                toml::from_str(&text.text).map_err(|e| ScenarioErrors::toml(text, &e))?;
            let topic = text
                .name
                .rsplit('/')
                .next()
                .unwrap_or(&text.name)
                .trim_end_matches(".toml")
                .to_owned();
            let start = registry.sources.len();
            registry.sources.extend(file.sources);
            for source in &mut registry.sources[start..] {
                source.topic.clone_from(&topic);
            }
            check_sources(text, &registry.sources, start)?;
            conflicts_by_file.push((text, file.conflicts));
        }
        for (text, conflicts) in conflicts_by_file {
            check_conflicts(text, &conflicts, &registry)?;
            registry.conflicts.extend(conflicts);
        }
        for text in series {
            let mut reader = csv::Reader::from_reader(text.text.as_bytes());
            for row in reader.deserialize::<Observation>() {
                let observation = row.map_err(|e| {
                    let line = e.position().map_or(1, |p| p.line() as usize);
                    let offset = text
                        .text
                        .lines()
                        .take(line.saturating_sub(1))
                        .map(|l| l.len() + 1)
                        .sum::<usize>();
                    errors(
                        text,
                        offset..offset,
                        "series",
                        ErrorKind::Schema(e.to_string()),
                    )
                })?;
                registry.series.push(observation);
            }
            check_series(text, &registry)?;
        }
        Ok(registry)
    }

    /// The source with this id.
    pub fn get(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The claim with this id and its source.
    pub fn claim(&self, id: &str) -> Option<(&Source, &Claim)> {
        self.sources
            .iter()
            .find_map(|s| s.claims.iter().find(|c| c.id == id).map(|c| (s, c)))
    }

    /// The claim ids closest to `id` (sharing its longest prefix), for error messages.
    pub fn nearest_claims(&self, id: &str) -> String {
        let shared = |other: &str| {
            id.chars()
                .zip(other.chars())
                .take_while(|(a, b)| a == b)
                .count()
        };
        let mut ids: Vec<&str> = self
            .sources
            .iter()
            .flat_map(|s| s.claims.iter().map(|c| c.id.as_str()))
            .collect();
        ids.sort_by_key(|other| std::cmp::Reverse(shared(other)));
        ids.truncate(5);
        ids.join(", ")
    }

    /// All source ids, comma-separated, for error messages.
    pub fn ids(&self) -> String {
        self.sources
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A claim as `yalu evidence claims` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimRow<'a> {
    /// The claim's id.
    pub claim: &'a str,
    /// Its source's id.
    pub source: &'a str,
    /// Its source's kind.
    pub kind: SourceKind,
    /// The registry file (topic) it is in.
    pub topic: &'a str,
    /// The period it describes, as written.
    pub period: &'a str,
    /// Its figure and bound, in words.
    pub figure: String,
    /// What was counted.
    pub counted: &'a str,
    /// Where in the document.
    pub location: &'a str,
}

impl Registry {
    /// The claims, optionally only those of one topic (`core`, `land`, `maritime`,
    /// `channels`) and those whose period overlaps one year.
    pub fn claim_rows(&self, topic: Option<&str>, year: Option<i16>) -> Vec<ClaimRow<'_>> {
        self.sources
            .iter()
            .filter(|s| topic.is_none_or(|t| s.topic == t))
            .flat_map(|s| s.claims.iter().map(move |c| (s, c)))
            .filter(|(_, c)| {
                year.is_none_or(|y| {
                    matches!(c.dates(), Some(Ok((first, last))) if first.year() <= y && y <= last.year())
                })
            })
            .map(|(s, c)| ClaimRow {
                claim: &c.id,
                source: &s.id,
                kind: s.kind,
                topic: &s.topic,
                period: c.period.as_deref().unwrap_or(""),
                figure: c.figure(),
                counted: c.counted.as_deref().unwrap_or(""),
                location: &c.location,
            })
            .collect()
    }
}

impl Source {
    /// A one-line citation: outlet, author, date, title, link.
    pub fn citation(&self) -> String {
        let mut parts = vec![self.outlet.clone()];
        parts.extend(self.author.clone());
        parts.push(self.date.clone());
        parts.push(format!("\"{}\"", self.title));
        parts.extend(self.link.clone());
        parts.join(", ")
    }
}

fn errors(text: &SourceText, span: Range<usize>, field: &str, kind: ErrorKind) -> ScenarioErrors {
    ScenarioErrors {
        file: text.name.clone(),
        errors: vec![ScenarioError::at(text, span, field, kind)],
    }
}

/// The span of `"<id>"` in the file (where an id is defined), or the start.
fn span_of(text: &SourceText, id: &str) -> Range<usize> {
    let quoted = format!("\"{id}\"");
    text.text
        .find(&quoted)
        .map_or(0..0, |at| at..at + quoted.len())
}

fn invalid(expected: impl Into<String>, found: impl Into<String>) -> ErrorKind {
    ErrorKind::Invalid {
        expected: expected.into(),
        found: found.into(),
    }
}

fn check_sources(
    text: &SourceText,
    sources: &[Source],
    start: usize,
) -> Result<(), ScenarioErrors> {
    for (i, source) in sources.iter().enumerate().skip(start) {
        if sources[..i].iter().any(|s| s.id == source.id) {
            let kind = ErrorKind::Duplicate(source.id.clone());
            return Err(errors(text, span_of(text, &source.id), "source.id", kind));
        }
        for claim in &source.claims {
            let at = span_of(text, &claim.id);
            let seen = sources[..=i]
                .iter()
                .flat_map(|s| &s.claims)
                .filter(|c| c.id == claim.id)
                .count();
            if seen > 1 {
                let kind = ErrorKind::Duplicate(claim.id.clone());
                return Err(errors(text, at, "claim.id", kind));
            }
            if claim.location.trim().is_empty() {
                let kind = invalid(
                    "where in the document the claim stands",
                    "an empty location",
                );
                return Err(errors(text, at, "claim.location", kind));
            }
            if let Some(Err(why)) = claim.dates() {
                return Err(errors(text, at, "claim.period", invalid("a period", why)));
            }
            if let Some(bound) = claim.bound {
                let complete = claim.unit.is_some()
                    && match bound {
                        Bound::Range => claim.low.zip(claim.high).is_some_and(|(l, h)| l <= h),
                        _ => claim.value.is_some_and(f64::is_finite),
                    };
                if !complete {
                    let kind = invalid(
                        "a unit and a value (or low <= high for a range) with a bound",
                        format!("claim `{}`", claim.id),
                    );
                    return Err(errors(text, at, "claim.bound", kind));
                }
            }
        }
    }
    Ok(())
}

fn check_conflicts(
    text: &SourceText,
    conflicts: &[Conflict],
    registry: &Registry,
) -> Result<(), ScenarioErrors> {
    for conflict in conflicts {
        for claim in &conflict.claims {
            if registry.claim(claim).is_none() {
                let kind = ErrorKind::UnknownClaim {
                    id: claim.clone(),
                    nearest: registry.nearest_claims(claim),
                };
                return Err(errors(text, span_of(text, claim), "conflict.claims", kind));
            }
        }
    }
    Ok(())
}

fn check_series(text: &SourceText, registry: &Registry) -> Result<(), ScenarioErrors> {
    for (i, o) in registry.series.iter().enumerate() {
        let at = || {
            text.text
                .find(&format!("{},", o.observation))
                .map_or(0..0, |a| a..a + o.observation.len())
        };
        if registry.series[..i]
            .iter()
            .any(|p| p.observation == o.observation)
        {
            let kind = ErrorKind::Duplicate(o.observation.clone());
            return Err(errors(text, at(), "series.observation", kind));
        }
        if registry.claim(&o.claim).is_none() {
            let kind = ErrorKind::UnknownClaim {
                id: o.claim.clone(),
                nearest: registry.nearest_claims(&o.claim),
            };
            return Err(errors(text, at(), "series.claim", kind));
        }
        if let Err(why) = period(&format!("{}..{}", o.first, o.last)) {
            return Err(errors(
                text,
                at(),
                "series.first",
                invalid("months YYYY-MM", why),
            ));
        }
        let complete = match o.bound {
            Bound::Range => o.low.zip(o.high).is_some_and(|(l, h)| l <= h),
            _ => o.value.is_some_and(f64::is_finite),
        };
        if !complete {
            let kind = invalid(
                "a value (or low <= high for a range)",
                o.observation.clone(),
            );
            return Err(errors(text, at(), "series.value", kind));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Result<Registry, ScenarioErrors> {
        Registry::parse(&SourceText::new("r.toml", text))
    }

    const SOURCE: &str = "[[source]]\nid = \"a\"\nkind = \"testimony\"\noutlet = \"o\"\ndate = \"2018\"\ntitle = \"t\"\nsupports = \"s\"\n";

    #[test]
    fn the_embedded_registry_parses_with_the_founding_documents_and_the_series() {
        let registry = Registry::embedded();
        for id in [
            "nypost-office39",
            "nkinsider-state-smuggling",
            "asiapress-state-smuggling",
            "dailynk-porters",
            "donga-drugs-2003",
        ] {
            let source = registry.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert!(!source.claims.is_empty(), "{id} lists no claims");
        }
        assert!(EMBEDDED_SERIES.len() >= 3);
    }

    #[test]
    fn duplicate_source_and_claim_ids_are_refused() {
        let err = one(&format!("{SOURCE}\n{SOURCE}")).unwrap_err();
        assert!(matches!(err.errors[0].kind, ErrorKind::Duplicate(_)));
        let claim = "[[source.claim]]\nid = \"c\"\nclaim = \"x\"\nlocation = \"p1\"\n";
        let err = one(&format!("{SOURCE}{claim}{claim}")).unwrap_err();
        assert!(matches!(&err.errors[0].kind, ErrorKind::Duplicate(id) if id == "c"));
    }

    #[test]
    fn a_claim_needs_a_location_and_a_complete_figure() {
        let empty = "[[source.claim]]\nid = \"c\"\nclaim = \"x\"\nlocation = \" \"\n";
        let err = one(&format!("{SOURCE}{empty}")).unwrap_err();
        assert_eq!(err.errors[0].field, "claim.location");
        let no_unit = "[[source.claim]]\nid = \"c\"\nclaim = \"x\"\nlocation = \"p2\"\nbound = \"about\"\nvalue = 3\n";
        let err = one(&format!("{SOURCE}{no_unit}")).unwrap_err();
        assert_eq!(err.errors[0].field, "claim.bound");
        let inverted = "[[source.claim]]\nid = \"c\"\nclaim = \"x\"\nlocation = \"p2\"\nunit = \"t\"\nbound = \"range\"\nlow = 5\nhigh = 3\n";
        assert!(one(&format!("{SOURCE}{inverted}")).is_err());
    }

    #[test]
    fn conflicts_name_registered_claims() {
        let conflict =
            "[[conflict]]\nid = \"k\"\nclaims = [\"nope\"]\nabout = \"a\"\nresolution = \"r\"\n";
        let err = one(&format!("{SOURCE}{conflict}")).unwrap_err();
        assert!(matches!(&err.errors[0].kind, ErrorKind::UnknownClaim { id, .. } if id == "nope"));
    }

    #[test]
    fn bounds_become_intervals() {
        let claim = |bound, value, low, high| Claim {
            id: "c".into(),
            claim: "x".into(),
            location: "p".into(),
            counted: None,
            place: None,
            period: None,
            unit: Some("t".into()),
            bound: Some(bound),
            value,
            low,
            high,
            tolerance: None,
        };
        assert_eq!(
            claim(Bound::About, Some(100.0), None, None).interval(),
            Some([90.0, 110.0])
        );
        assert_eq!(
            claim(Bound::AtMost, Some(0.5), None, None).interval(),
            Some([f64::NEG_INFINITY, 0.5])
        );
        assert_eq!(
            claim(Bound::Range, None, Some(20.0), Some(30.0)).interval(),
            Some([20.0, 30.0])
        );
    }

    #[test]
    fn periods_cover_whole_years_and_months() {
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(period("2019"), Ok((d(2019, 1, 1), d(2019, 12, 31))));
        assert_eq!(
            period("2019-01..2019-08"),
            Ok((d(2019, 1, 1), d(2019, 8, 31)))
        );
        assert_eq!(period("2020-02"), Ok((d(2020, 2, 1), d(2020, 2, 29))));
        assert!(period("2019-13").is_err());
        assert!(period("2020..2019").is_err());
    }
}

//! Typed scenario errors that name the file, line, column and field, say what was expected,
//! and render with the offending source line underlined (miette).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// What is wrong with a scenario value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The TOML does not parse or does not fit the schema (unknown field, wrong type...).
    #[error("{0}")]
    Schema(String),
    /// A `claim` names an id that is not in the evidence registry.
    #[error("unknown claim id `{id}`; the nearest registered claims: {nearest}")]
    UnknownClaim {
        /// The id given.
        id: String,
        /// The closest registered ids.
        nearest: String,
    },
    /// A sourced value outside the bound its claim states.
    #[error("value {} lies outside what claim `{claim}` states ({figure})", number(*.value))]
    OutsideClaim {
        /// The value.
        value: f64,
        /// The claim.
        claim: String,
        /// The claim's figure and bound, in words.
        figure: String,
    },
    /// A value in another unit than its claim's, with no arithmetic shown.
    #[error(
        "the value is in {unit} but claim `{claim}` gives {figure}; show the arithmetic in `derivation = \"...\"`"
    )]
    DerivationNeeded {
        /// The parameter's unit.
        unit: &'static str,
        /// The claim.
        claim: String,
        /// The claim's figure.
        figure: String,
    },
    /// A claim whose period does not cover the dates the value is used for.
    #[error(
        "claim `{claim}` covers {period} but the value is used {used}; say why it carries over in `carry_over = \"...\"`"
    )]
    ClaimPeriod {
        /// The claim.
        claim: String,
        /// Its period.
        period: String,
        /// When the value is used.
        used: String,
    },
    /// A number citing a claim that gives no figure.
    #[error(
        "claim `{0}` gives no figure, so it cannot source a number; make the value an assumption whose reason cites it"
    )]
    ClaimWithoutFigure(String),
    /// A value has neither a source nor an assumption.
    #[error("expected `claim = \"<claim-id>\"` or `assumption = \"<why>\"`, found neither")]
    NoEvidence,
    /// A value has both a source and an assumption.
    #[error("expected either `claim` or `assumption`, found both")]
    BothEvidence,
    /// An assumption without its plausible range.
    #[error("an assumption needs a plausible `range = [low, high]`")]
    AssumptionWithoutRange,
    /// A range whose low end exceeds its high end.
    #[error("expected range [low, high] with low <= high, found [{}, {}]", number(*.low), number(*.high))]
    InvertedRange {
        /// Low end.
        low: f64,
        /// High end.
        high: f64,
    },
    /// A value outside the range its own evidence gives.
    #[error("value {} lies outside its stated range [{}, {}]", number(*.value), number(*.low), number(*.high))]
    OutsideStatedRange {
        /// The value.
        value: f64,
        /// Low end.
        low: f64,
        /// High end.
        high: f64,
    },
    /// A value the model cannot use.
    #[error("expected {expected}, found {found}")]
    Invalid {
        /// What the model needs.
        expected: String,
        /// What the file has.
        found: String,
    },
    /// A unit that is not the one the field is measured in.
    #[error("wrong unit: expected `{expected}`, found `{found}`")]
    WrongUnit {
        /// The field's unit.
        expected: &'static str,
        /// The unit given.
        found: String,
    },
    /// Shares that must sum to 1 do not.
    #[error("expected shares summing to 1, found {sum}")]
    SharesDoNotSumToOne {
        /// Their sum.
        sum: f64,
    },
    /// An end date before its start date.
    #[error("end {last} is before start {first}")]
    EndBeforeStart {
        /// Start date.
        first: String,
        /// End date.
        last: String,
    },
    /// A reference to a site the scenario does not define.
    #[error("unknown site `{id}`; expected one of: {known}")]
    UnknownSite {
        /// The id given.
        id: String,
        /// The sites defined.
        known: String,
    },
    /// A reference to a good the scenario does not define.
    #[error("unknown good `{id}`; expected one of: {known}")]
    UnknownGood {
        /// The id given.
        id: String,
        /// The goods defined.
        known: String,
    },
    /// An id defined twice.
    #[error("`{0}` is defined more than once")]
    Duplicate(String),
    /// A list naming the same thing twice.
    #[error("`{0}` is listed more than once")]
    Repeated(String),
    /// A stated range with an end that is not a finite number (or is beyond any real
    /// figure, [`yalu_model::declare::Bounds::LARGEST`]).
    #[error(
        "expected a range [low, high] of finite numbers, each within ±1e12, found [{}, {}]",
        number(*.low),
        number(*.high)
    )]
    BadRange {
        /// Low end.
        low: f64,
        /// High end.
        high: f64,
    },
}

/// One problem in a scenario file, located precisely.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}:{column}: `{field}`: {kind}")]
pub struct ScenarioError {
    /// The file (or `<baseline>` for the embedded scenario).
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// Dotted path of the field, e.g. `porter.min_load_kg`.
    pub field: String,
    /// What is wrong.
    pub kind: ErrorKind,
    source_code: NamedSource<Arc<str>>,
    span: SourceSpan,
}

impl Diagnostic for ScenarioError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("yalu::scenario"))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source_code)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.field.clone()), self.span),
        )))
    }
}

impl ScenarioError {
    /// An error at a byte span of the source.
    pub(crate) fn at(
        source: &SourceText,
        span: Range<usize>,
        field: impl Into<String>,
        kind: ErrorKind,
    ) -> ScenarioError {
        let (line, column) = source.line_column(span.start);
        ScenarioError {
            file: source.name.clone(),
            line,
            column,
            field: field.into(),
            kind,
            source_code: NamedSource::new(source.name.clone(), source.text.clone()),
            span: span.into(),
        }
    }
}

/// A number as an error message shows it: in full up to 15 digits, in exponent form
/// beyond (1e308, not 309 digits).
pub fn number(value: f64) -> String {
    if value.is_finite() && value != 0.0 && !(1e-6..1e15).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// Every problem found in a scenario, in file order.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} in {file}", plural(.errors.len()))]
pub struct ScenarioErrors {
    /// The file.
    pub file: String,
    /// The problems.
    pub errors: Vec<ScenarioError>,
}

impl ScenarioErrors {
    /// A text that is not valid TOML: the parser's one problem, located.
    pub(crate) fn toml(text: &SourceText, error: &toml::de::Error) -> ScenarioErrors {
        let span = error.span().unwrap_or(0..0);
        let kind = ErrorKind::Schema(error.message().trim().to_owned());
        let error = ScenarioError::at(text, span.clone(), text.field_at(span.start), kind);
        ScenarioErrors {
            file: text.name.clone(),
            errors: vec![error],
        }
    }

    /// The count, then one `file:line:col: `field`: problem` line per problem (plain text,
    /// where the command line renders them with miette).
    pub fn describe(&self) -> String {
        std::iter::once(self.to_string())
            .chain(self.errors.iter().map(|e| format!("  {e}")))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 problem".to_owned()
    } else {
        format!("{n} problems")
    }
}

impl Diagnostic for ScenarioErrors {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

/// A scenario's text with the name it is reported under.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// File name as the user gave it.
    pub name: String,
    /// The whole text.
    pub text: Arc<str>,
}

impl SourceText {
    /// Wraps a text.
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceText {
        SourceText {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Line and column (both from 1) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// The dotted field a byte offset falls in, read from the nearest table header above it
    /// and the key on its line (for errors the TOML parser reports only as a span).
    pub fn field_at(&self, offset: usize) -> String {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = self.text[line_start..].lines().next().unwrap_or("");
        // The table the offset is in: its own line when that is a header, else the nearest
        // header above.
        let header = self.text[..line_start + line.len()]
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.starts_with('['))
            .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_owned());
        let key = line
            .split_once('=')
            .map(|(k, _)| k.trim().to_owned())
            .filter(|k| !k.starts_with('[') && !line.trim_start().starts_with('['));
        let token: String = self.text[offset..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let mut parts: Vec<String> = header.into_iter().collect();
        parts.extend(key.clone());
        if !token.is_empty() && Some(&token) != key.as_ref() && line.contains(&format!("{token} ="))
        {
            parts.push(token);
        }
        if parts.is_empty() {
            "<top level>".to_owned()
        } else {
            parts.join(".")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_columns_and_fields() {
        let src = SourceText::new(
            "s.toml",
            "[scenario]\nname = \"x\"\n\n[porter]\nmin_load_kg = { value = 30, sorce = \"a\" }\n",
        );
        let offset = src.text.find("sorce").unwrap();
        assert_eq!(src.line_column(offset), (5, 29));
        assert_eq!(src.field_at(offset), "porter.min_load_kg.sorce");
        let offset = src.text.find("name").unwrap();
        assert_eq!(src.field_at(offset), "scenario.name");
        let offset = src.text.find("[porter]").unwrap();
        assert_eq!(src.field_at(offset), "porter");
    }
}

//! Citations: the evidence keys a scenario item carries (`claim`, with `derivation` and
//! `carry_over`, or `assumption`) and the rules that judge them. Whether a cited value
//! fits its claim (the claim's bound, its unit, its period covering the days the value is
//! used on) is the claim's own behaviour ([`Claim::misfit`], [`Claim::misdated`]); the
//! reader only finds the keys in the file and places each problem at its line and column.

use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;
use yalu_model::declare::{Bounds, ParamSpec};

use crate::error::{ErrorKind, number};
use crate::evidence::{Claim, Registry};
use crate::read::Str;
use crate::records::Evidence;

/// The evidence keys of an item: `claim` (with `derivation` and `carry_over`) or
/// `assumption`.
pub(crate) struct Cited<'t> {
    pub claim: Option<Str<'t>>,
    pub derivation: Option<Str<'t>>,
    pub carry_over: Option<Str<'t>>,
    pub assumption: Option<Str<'t>>,
}

/// A parameter as written: `{ value = 30, unit = "kg", claim = "...", range = [a, b] }`.
pub(crate) struct RawParam<'t> {
    pub value: Spanned<f64>,
    pub unit: Option<Str<'t>>,
    pub cited: Cited<'t>,
    pub range: Option<Spanned<[f64; 2]>>,
    /// The parameter's whole table.
    pub span: Range<usize>,
}

/// Something a citation's rules refuse: the span it points at, the key of the item it
/// concerns (`None` for the item itself) and what is wrong.
#[derive(Debug)]
pub(crate) struct Problem {
    pub span: Range<usize>,
    pub key: Option<&'static str>,
    pub kind: ErrorKind,
}

/// What the rules make of a cited item: the evidence to record (none where the citation
/// cannot stand at all) and every problem found.
#[derive(Debug, Default)]
pub(crate) struct Judged {
    pub evidence: Option<Evidence>,
    pub problems: Vec<Problem>,
}

impl Judged {
    fn refuse(&mut self, span: Range<usize>, key: Option<&'static str>, kind: ErrorKind) {
        self.problems.push(Problem { span, key, kind });
    }
}

/// The context a citation is judged in.
#[derive(Clone, Copy)]
pub(crate) struct Context<'r> {
    pub registry: &'r Registry,
    /// The days the value is used on, which a cited claim's period must cover.
    pub window: Option<(Date, Date)>,
}

impl Claim {
    /// Why `value`, in `unit`, does not fit the claim's figure, if it does not: in the
    /// claim's unit it must lie in the interval the bound admits; in another unit the
    /// arithmetic from the figure must be stated (`derived`).
    pub(crate) fn misfit(
        &self,
        value: f64,
        unit: &'static str,
        derived: bool,
    ) -> Option<ErrorKind> {
        let Some([low, high]) = self.interval() else {
            return Some(ErrorKind::ClaimWithoutFigure(self.id.clone()));
        };
        if self.unit.as_deref() == Some(unit) {
            (!(low..=high).contains(&value)).then(|| ErrorKind::OutsideClaim {
                value,
                claim: self.id.clone(),
                figure: self.figure(),
            })
        } else {
            (!derived).then(|| ErrorKind::DerivationNeeded {
                unit,
                claim: self.id.clone(),
                figure: self.figure(),
            })
        }
    }

    /// Why a value used from `used.0` to `used.1` may not rest on the claim, if it may
    /// not: the days must lie in the claim's period unless a carry-over is stated. A claim
    /// without a period covers any days.
    pub(crate) fn misdated(&self, used: (Date, Date), carried_over: bool) -> Option<ErrorKind> {
        let Some(Ok((first, last))) = self.dates() else {
            return None;
        };
        let (used_first, used_last) = used;
        (!carried_over && (used_first < first || used_last > last)).then(|| {
            ErrorKind::ClaimPeriod {
                claim: self.id.clone(),
                period: format!("{first} to {last}"),
                used: format!("from {used_first} to {used_last}"),
            }
        })
    }

    /// The range a parameter in `unit` within `bounds` may be sampled from on the claim's
    /// word: its finite interval, within what the parameter may take (a point claim of 1
    /// is no licence to sample 1.005 of a share).
    pub(crate) fn sampling_range(&self, unit: &str, bounds: &Bounds) -> Option<[f64; 2]> {
        let [low, high] = self.interval()?;
        (self.unit.as_deref() == Some(unit) && low.is_finite() && high.is_finite())
            .then(|| [low.max(bounds.min), high.min(bounds.max)])
    }
}

impl RawParam<'_> {
    /// Judges the parameter against its declaration `spec` (unit, bounds), its stated
    /// range and its evidence.
    pub fn judge(&self, spec: &ParamSpec, context: Context) -> Judged {
        let value = *self.value.get_ref();
        let unit = spec.unit.name();
        let mut judged = Judged::default();
        if let Some(given) = &self.unit
            && given.text != unit
        {
            let kind = ErrorKind::WrongUnit {
                expected: unit,
                found: given.text.to_owned(),
            };
            judged.refuse(given.span.clone(), Some("unit"), kind);
        }
        let range = self.range.as_ref().map(|r| *r.get_ref());
        if let (Some(spanned), Some([low, high])) = (&self.range, range) {
            let admits = |end: f64| end.is_finite() && end.abs() <= Bounds::LARGEST;
            let wrong = if !admits(low) || !admits(high) {
                Some(ErrorKind::BadRange { low, high })
            } else {
                (low > high).then_some(ErrorKind::InvertedRange { low, high })
            };
            if let Some(kind) = wrong {
                judged.refuse(spanned.span(), Some("range"), kind);
            } else if !(low..=high).contains(&value) {
                let kind = ErrorKind::OutsideStatedRange { value, low, high };
                judged.refuse(self.value.span(), Some("value"), kind);
            }
        }
        let cited = &self.cited;
        if cited.assumption.is_some() && cited.claim.is_none() && range.is_none() {
            judged.refuse(self.span.clone(), None, ErrorKind::AssumptionWithoutRange);
        }
        if !spec.bounds.admits(value, spec.whole) {
            let kind = ErrorKind::Invalid {
                expected: format!("{} ({unit})", spec.bounds.describe(spec.whole)),
                found: number(value),
            };
            judged.refuse(self.value.span(), Some("value"), kind);
        }
        let cited = cited.judge(Some((value, spec, range)), self.span.clone(), context);
        judged.problems.extend(cited.problems);
        Judged {
            evidence: cited.evidence,
            ..judged
        }
    }
}

impl Cited<'_> {
    /// Judges the evidence of an item whose whole table spans `span`; for a number,
    /// `(value, declaration, stated range)` are checked against the claim's figure.
    pub fn judge(
        &self,
        number: Option<(f64, &ParamSpec, Option<[f64; 2]>)>,
        span: Range<usize>,
        context: Context,
    ) -> Judged {
        let mut judged = Judged::default();
        let range = number.and_then(|(_, _, range)| range);
        if self.claim.is_none() {
            for extra in [&self.derivation, &self.carry_over].into_iter().flatten() {
                let kind = ErrorKind::Invalid {
                    expected: "`derivation` and `carry_over` only beside a `claim`".into(),
                    found: "an assumption with one".into(),
                };
                judged.refuse(extra.span.clone(), None, kind);
            }
        }
        judged.evidence = match (&self.claim, &self.assumption) {
            (Some(_), Some(a)) => {
                judged.refuse(a.span.clone(), None, ErrorKind::BothEvidence);
                None
            }
            (None, None) => {
                judged.refuse(span, None, ErrorKind::NoEvidence);
                None
            }
            (None, Some(reason)) => Some(Evidence::Assumption {
                reason: reason.text.trim().to_owned(),
                range,
            }),
            (Some(id), None) => self.claim_evidence(id, number, context, &mut judged),
        };
        judged
    }

    fn claim_evidence(
        &self,
        id: &Str,
        number: Option<(f64, &ParamSpec, Option<[f64; 2]>)>,
        context: Context,
        judged: &mut Judged,
    ) -> Option<Evidence> {
        let registry = context.registry;
        let at = id.span.clone();
        let Some((source, claim)) = registry.claim(id.text) else {
            let kind = ErrorKind::UnknownClaim {
                id: id.text.to_owned(),
                nearest: registry.nearest_claims(id.text),
            };
            judged.refuse(at, Some("claim"), kind);
            return None;
        };
        let mut range = number.and_then(|(_, _, range)| range);
        if let Some((value, spec, _)) = number {
            let unit = spec.unit.name();
            let misfit = claim.misfit(value, unit, self.derivation.is_some());
            if let Some(kind) = misfit {
                let without_figure = matches!(kind, ErrorKind::ClaimWithoutFigure(_));
                judged.refuse(at.clone(), Some("claim"), kind);
                if without_figure {
                    return None;
                }
            }
            range = range.or_else(|| claim.sampling_range(unit, &spec.bounds));
        }
        if let Some(kind) = context
            .window
            .and_then(|used| claim.misdated(used, self.carry_over.is_some()))
        {
            judged.refuse(at, Some("claim"), kind);
        }
        let text = |s: &Option<Str>| s.as_ref().map(|s| s.text.trim().to_owned());
        Some(Evidence::Claim {
            claim: claim.id.clone(),
            source: source.id.clone(),
            location: claim.location.clone(),
            figure: claim.figure(),
            derivation: text(&self.derivation),
            carry_over: text(&self.carry_over),
            range,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Bound;

    fn claim(bound: Bound, value: Option<f64>, range: Option<[f64; 2]>) -> Claim {
        Claim {
            id: "c".into(),
            claim: "x".into(),
            location: "p".into(),
            counted: None,
            place: None,
            period: Some("2018..2019".into()),
            unit: Some("t".into()),
            bound: Some(bound),
            value,
            low: range.map(|r| r[0]),
            high: range.map(|r| r[1]),
            tolerance: None,
        }
    }

    fn day(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn a_value_in_the_claims_unit_must_lie_within_its_bound() {
        let at_least = claim(Bound::AtLeast, Some(100.0), None);
        assert!(at_least.misfit(150.0, "t", false).is_none());
        assert!(matches!(
            at_least.misfit(99.0, "t", false),
            Some(ErrorKind::OutsideClaim { value: 99.0, .. })
        ));
        let about = claim(Bound::About, Some(100.0), None);
        assert!(about.misfit(109.0, "t", false).is_none());
        assert!(about.misfit(111.0, "t", false).is_some());
        let range = claim(Bound::Range, None, Some([20.0, 30.0]));
        assert!(range.misfit(20.0, "t", false).is_none());
        assert!(range.misfit(30.5, "t", false).is_some());
    }

    #[test]
    fn a_value_in_another_unit_needs_a_derivation_and_is_not_compared() {
        let point = claim(Bound::Point, Some(100.0), None);
        assert!(matches!(
            point.misfit(7.0, "kg", false),
            Some(ErrorKind::DerivationNeeded { unit: "kg", .. })
        ));
        assert!(point.misfit(7.0, "kg", true).is_none());
    }

    #[test]
    fn a_claim_without_a_figure_supports_no_number() {
        let mut words = claim(Bound::Point, None, None);
        words.bound = None;
        assert!(matches!(
            words.misfit(1.0, "t", true),
            Some(ErrorKind::ClaimWithoutFigure(_))
        ));
    }

    #[test]
    fn the_claims_period_must_cover_the_days_used_unless_carried_over() {
        let c = claim(Bound::Point, Some(1.0), None);
        assert!(
            c.misdated((day(2018, 1, 1), day(2019, 12, 31)), false)
                .is_none()
        );
        let late = (day(2019, 6, 1), day(2020, 1, 1));
        assert!(matches!(
            c.misdated(late, false),
            Some(ErrorKind::ClaimPeriod { .. })
        ));
        assert!(c.misdated(late, true).is_none());
        let mut timeless = c.clone();
        timeless.period = None;
        assert!(timeless.misdated(late, false).is_none());
    }

    #[test]
    fn the_sampling_range_is_the_claims_finite_interval_within_the_bounds() {
        let share = Bounds::UNIT_INTERVAL;
        let mut one = claim(Bound::Point, Some(1.0), None);
        one.unit = Some("share".into());
        assert_eq!(one.sampling_range("share", &share), Some([0.995, 1.0]));
        assert_eq!(one.sampling_range("t", &share), None);
        let open = claim(Bound::AtLeast, Some(5.0), None);
        assert_eq!(open.sampling_range("t", &Bounds::NON_NEGATIVE), None);
    }
}

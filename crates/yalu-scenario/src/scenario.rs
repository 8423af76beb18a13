//! From the raw file to a validated [`Scenario`]: evidence resolved against the registry,
//! units and ranges checked, ids cross-referenced. Every problem is collected with its
//! location, so the user sees them all at once.

use std::ops::Range;

use jiff::civil::Date;
use serde::Serialize;
use toml::Spanned;
use yalu_model::calendar::{IceSeason, MonthDay, Phase, PhaseKind};
use yalu_model::params::{
    Bureau, BureauId, CounterpartFleet, CounterpartKind, Couriers, Crossing, Diplomats, Direction,
    Drugs, Enforcement, ExchangeSchedule, Fleet, FleetKind, Good, GoodId, HouseholdParams,
    ImportCap, Labour, Maritime, MarketParams, Mode, ModeParams, ModelParams, Monitors, PassUp,
    PorterGood, PorterParams, PorterSite, ProfitSplit, QuantityUnit, Sanction, SeaCargo, Site,
    SiteId, StateGood, StateTrade, Takeover,
};

use crate::error::{ErrorKind, ScenarioError, ScenarioErrors, SourceText};
use crate::evidence::Registry;
use crate::raw::{
    Param, RawCouriers, RawDiplomats, RawDrugs, RawEnforcement, RawHouseholds, RawLabour,
    RawMaritime, RawPassUp, RawPorter, RawScenario, RawStateTrade, RawTakeover,
};

/// Checks `raw.field` as the parameter at path `prefix.field`, so a parameter's path is
/// always its TOML key: `param!(c.number(p, "porter", max_load_kg, Unit::Kg, POSITIVE))`.
macro_rules! param {
    ($c:ident . $method:ident ($raw:expr, $prefix:literal, $field:ident $(, $rest:expr)*)) => {
        $c.$method(&$raw.$field, concat!($prefix, ".", stringify!($field)) $(, $rest)*)
    };
}

/// The baseline scenario shipped with Yalu.
pub const BASELINE: &str = include_str!("../../../scenarios/baseline.toml");

/// A checked scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// What it represents.
    pub description: String,
    /// Default master seed.
    pub seed: u64,
    /// What the engine runs on.
    pub params: ModelParams,
    /// Sites with their display facts, in [`SiteId`] order.
    pub sites: Vec<SiteInfo>,
    /// Every value with its unit and evidence, in file order.
    pub parameters: Vec<ParameterRecord>,
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
    pub sources: Vec<&'a crate::evidence::Source>,
}

impl Scenario {
    /// The scenario's inputs with their evidence and the sources they cite.
    pub fn evidence_document<'a>(&'a self, registry: &'a Registry) -> EvidenceDocument<'a> {
        let mut cited: Vec<&str> = self
            .parameters
            .iter()
            .filter_map(|p| match &p.evidence {
                Evidence::Source { id, .. } => Some(id.as_str()),
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
        }
    }
}

/// Display facts about a site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Province.
    pub province: String,
    /// River or sea area.
    pub waterway: String,
    /// The place across the border.
    pub china_counterpart: String,
    /// Degrees north.
    pub latitude_deg: f64,
    /// Degrees east.
    pub longitude_deg: f64,
}

/// A value and the evidence behind it, as `yalu evidence` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterRecord {
    /// Dotted path, e.g. `porter.sites[hyesan].crews`.
    pub path: String,
    /// The value.
    pub value: Value,
    /// Its unit.
    pub unit: &'static str,
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
    /// From a registered source.
    Source {
        /// Source id.
        id: String,
        /// Where in the document.
        location: String,
        /// A range the source gives, if any.
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

/// Units the fields are measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Kg,
    CnyPerKg,
    CnyPerUsd,
    Porters,
    Crews,
    People,
    RunsPerMonth,
    Probability,
    Share,
    PerDay,
    LogSigma,
    KgEach,
    CnyEach,
    CnyPerLoad,
    LoadsPerNight,
    Level,
    Multiplier,
    Companies,
    Households,
    TripsPerMonth,
    KgPerTrip,
    Units,
    UnitsPerMonth,
    LogitScale,
    Ratio,
    UsdPerTrip,
    UsdPerMonth,
    Embassies,
    KgPerYear,
    Grams,
    SalesPerMonth,
    Tonnes,
    Days,
    Hours,
    Ships,
    Cny,
    CnyPerDay,
    CnyPerTonne,
    PassesPerDay,
    HoursPerDay,
    PerHour,
    BarrelsPerYear,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Kg => "kg",
            Unit::CnyPerKg => "CNY/kg",
            Unit::CnyPerUsd => "CNY/USD",
            Unit::Porters => "porters",
            Unit::Crews => "crews",
            Unit::People => "people",
            Unit::RunsPerMonth => "runs/month",
            Unit::Probability => "probability",
            Unit::Share => "share",
            Unit::PerDay => "1/day",
            Unit::LogSigma => "log sigma",
            Unit::KgEach => "kg/unit",
            Unit::CnyEach => "CNY/unit",
            Unit::CnyPerLoad => "CNY/load",
            Unit::LoadsPerNight => "loads/night",
            Unit::Level => "level",
            Unit::Multiplier => "multiplier",
            Unit::Companies => "companies",
            Unit::Households => "households",
            Unit::TripsPerMonth => "trips/month",
            Unit::KgPerTrip => "kg/trip",
            Unit::Units => "units",
            Unit::UnitsPerMonth => "units/month",
            Unit::LogitScale => "1/margin",
            Unit::Ratio => "ratio",
            Unit::UsdPerTrip => "USD/trip",
            Unit::UsdPerMonth => "USD/month",
            Unit::Embassies => "embassies",
            Unit::KgPerYear => "kg/year",
            Unit::Grams => "g",
            Unit::SalesPerMonth => "sales/month",
            Unit::Tonnes => "t",
            Unit::Days => "days",
            Unit::Hours => "hours",
            Unit::Ships => "ships",
            Unit::Cny => "CNY",
            Unit::CnyPerDay => "CNY/day",
            Unit::CnyPerTonne => "CNY/t",
            Unit::PassesPerDay => "passes/day",
            Unit::HoursPerDay => "hours/day",
            Unit::PerHour => "1/hour",
            Unit::BarrelsPerYear => "barrels/year",
        }
    }
}

/// The values a field may take (inclusive).
#[derive(Debug, Clone, Copy)]
struct Allowed {
    min: f64,
    max: f64,
    whole: bool,
}

const NON_NEGATIVE: Allowed = Allowed {
    min: 0.0,
    max: f64::INFINITY,
    whole: false,
};
const POSITIVE: Allowed = Allowed {
    min: f64::MIN_POSITIVE,
    max: f64::INFINITY,
    whole: false,
};
const UNIT_INTERVAL: Allowed = Allowed {
    min: 0.0,
    max: 1.0,
    whole: false,
};
const COUNT: Allowed = Allowed {
    min: 0.0,
    max: u32::MAX as f64,
    whole: true,
};
/// An event rate per month (at most daily).
const PER_MONTH: Allowed = Allowed {
    min: 0.0,
    max: 28.0,
    whole: false,
};
const POSITIVE_COUNT: Allowed = Allowed {
    min: 1.0,
    max: u32::MAX as f64,
    whole: true,
};

impl Allowed {
    fn describe(self) -> String {
        let kind = if self.whole {
            "a whole number"
        } else {
            "a number"
        };
        match (self.min, self.max) {
            (min, max) if max.is_infinite() && min == f64::MIN_POSITIVE => format!("{kind} > 0"),
            (min, max) if max.is_infinite() || max == u32::MAX as f64 => format!("{kind} >= {min}"),
            (min, max) => format!("{kind} in [{min}, {max}]"),
        }
    }

    fn admits(self, value: f64) -> bool {
        value.is_finite()
            && value >= self.min
            && value <= self.max
            && (!self.whole || value.fract() == 0.0)
    }
}

/// Collects problems and parameter records while walking the raw file.
struct Checker<'a> {
    text: &'a SourceText,
    registry: &'a Registry,
    errors: Vec<ScenarioError>,
    records: Vec<ParameterRecord>,
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, field: impl Into<String>, kind: ErrorKind) {
        self.errors
            .push(ScenarioError::at(self.text, span, field, kind));
    }

    /// Resolves `source` / `assumption` for a field whose whole table spans `span`.
    fn evidence(
        &mut self,
        source: Option<&Spanned<String>>,
        assumption: Option<&Spanned<String>>,
        range: Option<[f64; 2]>,
        span: Range<usize>,
        field: &str,
    ) -> Option<Evidence> {
        match (source, assumption) {
            (Some(_), Some(a)) => {
                self.error(a.span(), field, ErrorKind::BothEvidence);
                None
            }
            (None, None) => {
                self.error(span, field, ErrorKind::NoEvidence);
                None
            }
            (None, Some(reason)) => Some(Evidence::Assumption {
                reason: reason.get_ref().trim().to_owned(),
                range,
            }),
            (Some(source), None) => {
                let Some((id, location)) = source.get_ref().split_once(':') else {
                    self.error(
                        source.span(),
                        format!("{field}.source"),
                        ErrorKind::MalformedSource(source.get_ref().clone()),
                    );
                    return None;
                };
                let (id, location) = (id.trim(), location.trim());
                if location.is_empty() || id.is_empty() {
                    self.error(
                        source.span(),
                        format!("{field}.source"),
                        ErrorKind::MalformedSource(source.get_ref().clone()),
                    );
                    return None;
                }
                if self.registry.get(id).is_none() {
                    self.error(
                        source.span(),
                        format!("{field}.source"),
                        ErrorKind::UnknownSource {
                            id: id.to_owned(),
                            known: self.registry.ids(),
                        },
                    );
                    return None;
                }
                Some(Evidence::Source {
                    id: id.to_owned(),
                    location: location.to_owned(),
                    range,
                })
            }
        }
    }

    /// Checks a numeric parameter and records it; returns its value (0 when invalid, in
    /// which case an error has been recorded and the scenario will be refused).
    fn number(&mut self, param: &Param, field: &str, unit: Unit, allowed: Allowed) -> f64 {
        let raw = param.get_ref();
        let value = *raw.value.get_ref();
        if let Some(given) = &raw.unit
            && given.get_ref() != unit.name()
        {
            self.error(
                given.span(),
                format!("{field}.unit"),
                ErrorKind::WrongUnit {
                    expected: unit.name(),
                    found: given.get_ref().clone(),
                },
            );
        }
        let range = raw.range.as_ref().map(|r| *r.get_ref());
        if let (Some(spanned), Some([low, high])) = (&raw.range, range) {
            if low > high {
                self.error(
                    spanned.span(),
                    format!("{field}.range"),
                    ErrorKind::InvertedRange { low, high },
                );
            } else if !(low..=high).contains(&value) {
                self.error(
                    raw.value.span(),
                    format!("{field}.value"),
                    ErrorKind::OutsideStatedRange { value, low, high },
                );
            }
        }
        if raw.assumption.is_some() && raw.source.is_none() && range.is_none() {
            self.error(param.span(), field, ErrorKind::AssumptionWithoutRange);
        }
        if !allowed.admits(value) {
            self.error(
                raw.value.span(),
                format!("{field}.value"),
                ErrorKind::Invalid {
                    expected: format!("{} ({})", allowed.describe(), unit.name()),
                    found: value.to_string(),
                },
            );
        }
        if let Some(evidence) = self.evidence(
            raw.source.as_ref(),
            raw.assumption.as_ref(),
            range,
            param.span(),
            field,
        ) {
            self.records.push(ParameterRecord {
                path: field.to_owned(),
                value: Value::Number(value),
                unit: unit.name(),
                evidence,
            });
        }
        if allowed.admits(value) { value } else { 0.0 }
    }

    fn whole(&mut self, param: &Param, field: &str, unit: Unit, allowed: Allowed) -> u32 {
        self.number(param, field, unit, allowed) as u32
    }

    fn date(&mut self, text: &Spanned<String>, field: &str) -> Option<Date> {
        match text.get_ref().parse::<Date>() {
            Ok(date) => Some(date),
            Err(_) => {
                self.error(
                    text.span(),
                    field,
                    ErrorKind::Invalid {
                        expected: "a date YYYY-MM-DD".into(),
                        found: format!("`{}`", text.get_ref()),
                    },
                );
                None
            }
        }
    }

    fn month_day(&mut self, text: &Spanned<String>, field: &str) -> Option<MonthDay> {
        // 2024 is a leap year, so 02-29 is accepted.
        match format!("2024-{}", text.get_ref()).parse::<Date>() {
            Ok(date) if text.get_ref().len() == 5 => Some(MonthDay {
                month: date.month(),
                day: date.day(),
            }),
            _ => {
                self.error(
                    text.span(),
                    field,
                    ErrorKind::Invalid {
                        expected: "a day of the year MM-DD".into(),
                        found: format!("`{}`", text.get_ref()),
                    },
                );
                None
            }
        }
    }

    /// Records a dated item (phase, sanction, season) with its evidence.
    fn dated_record(
        &mut self,
        field: &str,
        value: String,
        source: Option<&Spanned<String>>,
        assumption: Option<&Spanned<String>>,
        span: Range<usize>,
    ) {
        if let Some(evidence) = self.evidence(source, assumption, None, span, field) {
            self.records.push(ParameterRecord {
                path: field.to_owned(),
                value: Value::Text(value),
                unit: "date",
                evidence,
            });
        }
    }

    fn shares_sum_to_one(&mut self, shares: &[f64], span: Range<usize>, field: &str) {
        let sum: f64 = shares.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            self.error(span, field, ErrorKind::SharesDoNotSumToOne { sum });
        }
    }

    /// Looks up an id among `known`, reporting unknown ones.
    fn lookup(
        &mut self,
        id: &Spanned<String>,
        known: &[String],
        field: &str,
        unknown: impl Fn(String, String) -> ErrorKind,
    ) -> Option<u16> {
        let found = known.iter().position(|k| k == id.get_ref());
        if found.is_none() {
            self.error(
                id.span(),
                field,
                unknown(id.get_ref().clone(), known.join(", ")),
            );
        }
        found.map(|i| i as u16)
    }

    fn unique_ids<'s>(&mut self, ids: impl Iterator<Item = &'s Spanned<String>>, field: &str) {
        let mut seen: Vec<&str> = Vec::new();
        for id in ids {
            if seen.contains(&id.get_ref().as_str()) {
                self.error(id.span(), field, ErrorKind::Duplicate(id.get_ref().clone()));
            }
            seen.push(id.get_ref());
        }
    }
}

/// Converts a TOML error into a located scenario error.
pub(crate) fn toml_error(text: &SourceText, error: &toml::de::Error) -> ScenarioError {
    let span = error.span().unwrap_or(0..0);
    let field = text.field_at(span.start);
    ScenarioError::at(
        text,
        span,
        field,
        ErrorKind::Schema(error.message().trim().to_owned()),
    )
}

impl Scenario {
    /// The embedded baseline.
    pub fn baseline(registry: &Registry) -> Result<Scenario, ScenarioErrors> {
        Scenario::parse(&SourceText::new("<baseline>", BASELINE), registry)
    }

    /// Parses and validates a scenario text.
    pub fn parse(text: &SourceText, registry: &Registry) -> Result<Scenario, ScenarioErrors> {
        let raw: RawScenario = toml::from_str(&text.text).map_err(|e| ScenarioErrors {
            file: text.name.clone(),
            errors: vec![toml_error(text, &e)],
        })?;
        let mut checker = Checker {
            text,
            registry,
            errors: Vec::new(),
            records: Vec::new(),
        };
        let scenario = validate(&raw, &mut checker);
        if checker.errors.is_empty() {
            let mut scenario = scenario.expect("no errors means every part converted");
            scenario.parameters = checker.records;
            Ok(scenario)
        } else {
            checker.errors.sort_by_key(|e| (e.line, e.column));
            Err(ScenarioErrors {
                file: text.name.clone(),
                errors: checker.errors,
            })
        }
    }
}

fn validate(raw: &RawScenario, c: &mut Checker) -> Option<Scenario> {
    let meta = &raw.scenario;
    if meta.name.get_ref().trim().is_empty()
        || !meta
            .name
            .get_ref()
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        c.error(
            meta.name.span(),
            "scenario.name",
            ErrorKind::Invalid {
                expected: "a name of letters, digits, - and _ (it names the output folder)".into(),
                found: format!("`{}`", meta.name.get_ref()),
            },
        );
    }
    let first_day = c.date(&meta.first_day, "scenario.first_day");
    let last_day = c.date(&meta.last_day, "scenario.last_day");
    if let (Some(first), Some(last)) = (first_day, last_day) {
        c.ordered(first, last, &meta.last_day, "scenario.last_day");
    }

    let cal = &raw.calendar;
    let ice_first = c.month_day(&cal.ice_first_day, "calendar.ice_first_day");
    let ice_last = c.month_day(&cal.ice_last_day, "calendar.ice_last_day");
    c.dated_record(
        "calendar.ice_season",
        format!(
            "{} to {}",
            cal.ice_first_day.get_ref(),
            cal.ice_last_day.get_ref()
        ),
        cal.source.as_ref(),
        cal.assumption.as_ref(),
        cal.ice_first_day.span(),
    );

    let phases = phases(raw, c);
    let (goods, good_ids) = goods(raw, c);
    let sanctions = sanctions(raw, c, &good_ids);
    let bureau_ids: Vec<String> = raw
        .state_trade
        .iter()
        .flat_map(|t| &t.bureaus)
        .map(|b| b.id.get_ref().clone())
        .collect();
    let (sites, site_infos, site_ids) = sites(raw, c, &bureau_ids);
    let ids = Ids {
        sites: &site_ids,
        goods: &good_ids,
    };

    let porter = raw
        .porter
        .as_ref()
        .and_then(|p| porter_params(raw, p, c, &ids));
    let officials_paid = raw.porter.is_some()
        || raw.state_trade.is_some()
        || raw.households.is_some()
        || raw.maritime.is_some();
    let pass_up = c
        .required(
            &raw.pass_up,
            officials_paid,
            "pass_up",
            "officials are paid in this scenario",
        )
        .map(|p| pass_up(p, c));
    let market = market(raw, c);
    let exchange = exchange(raw, c);
    let border_trade = raw.state_trade.is_some() || raw.households.is_some();
    let enforcement = c
        .required(
            &raw.enforcement,
            border_trade,
            "enforcement",
            "state trade or households cross the border",
        )
        .map(|e| enforcement(e, c));
    let modes = modes(raw, c);
    let crossings = crossings(raw, c, &ids, &modes);
    let state_trade = raw
        .state_trade
        .as_ref()
        .and_then(|t| state_trade(t, c, &ids, &goods));
    let takeover = raw.takeover.as_ref().and_then(|t| takeover(t, c));
    let households = raw
        .households
        .as_ref()
        .and_then(|h| households(h, c, &ids, &goods));
    let couriers = raw.couriers.as_ref().map(|x| couriers(x, c));
    let diplomats = raw.diplomats.as_ref().and_then(|x| diplomats(x, c));
    let labour = raw.labour.as_ref().and_then(|x| labour(x, c));
    let drugs = raw.drugs.as_ref().and_then(|x| drugs(x, c, &ids, &goods));
    let maritime = raw
        .maritime
        .as_ref()
        .and_then(|x| maritime(x, c, &ids, &goods));

    Some(Scenario {
        name: meta.name.get_ref().clone(),
        description: meta.description.trim().to_owned(),
        seed: meta.seed,
        params: ModelParams {
            first_day: first_day?,
            last_day: last_day?,
            ice_season: IceSeason {
                first: ice_first?,
                last: ice_last?,
            },
            phases,
            sanctions,
            goods,
            sites,
            market,
            exchange,
            porter,
            pass_up,
            enforcement,
            modes,
            crossings,
            state_trade,
            takeover,
            households,
            couriers,
            diplomats,
            labour,
            drugs,
            maritime,
        },
        sites: site_infos,
        parameters: Vec::new(),
    })
}

/// The ids other sections refer to.
struct Ids<'a> {
    sites: &'a [String],
    goods: &'a [String],
}

impl Checker<'_> {
    /// A section that must be present when `needed`; reports its absence.
    fn required<'r, T>(
        &mut self,
        section: &'r Option<T>,
        needed: bool,
        name: &str,
        why: &str,
    ) -> Option<&'r T> {
        if needed && section.is_none() {
            self.error(
                0..0,
                name,
                ErrorKind::Invalid {
                    expected: format!("a [{name}] table, because {why}"),
                    found: "none".into(),
                },
            );
        }
        section.as_ref()
    }

    /// Dated steps `(from, value)` in strictly increasing date order, at least one.
    fn schedule<T>(
        &mut self,
        steps: &[T],
        field: &str,
        mut step: impl FnMut(&mut Self, &T, &str) -> (Option<Date>, Range<usize>, f64),
    ) -> Vec<(Date, f64)> {
        let mut schedule: Vec<(Date, f64)> = Vec::new();
        for (i, item) in steps.iter().enumerate() {
            let item_field = format!("{field}[{i}]");
            let (from, from_span, value) = step(self, item, &item_field);
            if let Some(from) = from {
                if let Some((previous, _)) = schedule.last()
                    && from <= *previous
                {
                    self.error(
                        from_span,
                        format!("{item_field}.from"),
                        ErrorKind::Invalid {
                            expected: format!("a date after the previous step's ({previous})"),
                            found: from.to_string(),
                        },
                    );
                }
                schedule.push((from, value));
            }
        }
        if steps.is_empty() {
            self.error(
                0..0,
                field,
                ErrorKind::Invalid {
                    expected: format!("at least one [[{field}]] step"),
                    found: "none".into(),
                },
            );
        }
        schedule
    }

    fn share(&mut self, param: &Param, field: &str) -> f64 {
        self.number(param, field, Unit::Share, UNIT_INTERVAL)
    }

    fn probability(&mut self, param: &Param, field: &str) -> f64 {
        self.number(param, field, Unit::Probability, UNIT_INTERVAL)
    }

    fn ordered(&mut self, first: Date, last: Date, last_text: &Spanned<String>, field: &str) {
        if last < first {
            self.error(
                last_text.span(),
                field,
                ErrorKind::EndBeforeStart {
                    first: first.to_string(),
                    last: last.to_string(),
                },
            );
        }
    }

    fn site(&mut self, id: &Spanned<String>, ids: &Ids, field: &str) -> Option<SiteId> {
        self.lookup(id, ids.sites, field, |id, known| ErrorKind::UnknownSite {
            id,
            known,
        })
        .map(SiteId)
    }

    fn good(&mut self, id: &Spanned<String>, ids: &Ids, field: &str) -> Option<GoodId> {
        self.lookup(id, ids.goods, field, |id, known| ErrorKind::UnknownGood {
            id,
            known,
        })
        .map(GoodId)
    }

    /// A value that must be at least `low` (from another field named `what`).
    fn at_least(&mut self, value: f64, low: f64, what: &str, param: &Param, field: &str) {
        if value < low {
            self.error(
                param.get_ref().value.span(),
                format!("{field}.value"),
                ErrorKind::Invalid {
                    expected: format!("at least {what} ({low})"),
                    found: value.to_string(),
                },
            );
        }
    }

    fn one_of<T: Copy>(
        &mut self,
        text: &Spanned<String>,
        field: &str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let found = choices
            .iter()
            .find(|(name, _)| *name == text.get_ref())
            .map(|(_, v)| *v);
        if found.is_none() {
            let expected = choices
                .iter()
                .map(|(name, _)| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            self.error(
                text.span(),
                field,
                ErrorKind::Invalid {
                    expected,
                    found: format!("`{}`", text.get_ref()),
                },
            );
        }
        found
    }
}

fn phases(raw: &RawScenario, c: &mut Checker) -> Vec<Phase> {
    let mut phases = Vec::new();
    c.unique_ids(raw.phases.iter().map(|p| &p.id), "phases.id");
    for phase in &raw.phases {
        let field = format!("phases[{}]", phase.id.get_ref());
        let kind = c.one_of(
            &phase.kind,
            &format!("{field}.kind"),
            &[("border_closure", PhaseKind::BorderClosure)],
        );
        let first = c.date(&phase.first_day, &format!("{field}.first_day"));
        let last = c.date(&phase.last_day, &format!("{field}.last_day"));
        if let (Some(f), Some(l)) = (first, last) {
            c.ordered(f, l, &phase.last_day, &format!("{field}.last_day"));
        }
        c.dated_record(
            &field,
            format!(
                "{} to {}",
                phase.first_day.get_ref(),
                phase.last_day.get_ref()
            ),
            phase.source.as_ref(),
            phase.assumption.as_ref(),
            phase.id.span(),
        );
        if let (Some(kind), Some(first), Some(last)) = (kind, first, last) {
            phases.push(Phase {
                id: phase.id.get_ref().clone(),
                kind,
                first,
                last,
            });
        }
    }
    phases
}

fn goods(raw: &RawScenario, c: &mut Checker) -> (Vec<Good>, Vec<String>) {
    c.unique_ids(raw.goods.iter().map(|g| &g.id), "goods.id");
    let good_ids: Vec<String> = raw.goods.iter().map(|g| g.id.get_ref().clone()).collect();
    let mut goods = Vec::new();
    for good in &raw.goods {
        let field = format!("goods[{}]", good.id.get_ref());
        let unit = c.one_of(
            &good.unit,
            &format!("{field}.unit"),
            &[
                ("kg", QuantityUnit::Kg),
                ("g", QuantityUnit::Grams),
                ("units", QuantityUnit::Units),
                ("barrels", QuantityUnit::Barrels),
            ],
        );
        let direction = c.one_of(
            &good.direction,
            &format!("{field}.direction"),
            &[("export", Direction::Export), ("import", Direction::Import)],
        );
        let mass_kg_per_unit = match (&good.mass_kg_per_unit, unit) {
            (Some(mass), Some(QuantityUnit::Kg | QuantityUnit::Grams)) => {
                c.error(
                    mass.span(),
                    format!("{field}.mass_kg_per_unit"),
                    ErrorKind::Invalid {
                        expected: "no mass_kg_per_unit for a good counted in kg or g".into(),
                        found: "a mass".into(),
                    },
                );
                1.0
            }
            (None, Some(QuantityUnit::Kg)) | (None, None) => 1.0,
            (None, Some(QuantityUnit::Grams)) => 0.001,
            (Some(mass), _) => c.number(
                mass,
                &format!("{field}.mass_kg_per_unit"),
                Unit::KgEach,
                POSITIVE,
            ),
            (None, Some(_)) => {
                c.error(
                    good.id.span(),
                    format!("{field}.mass_kg_per_unit"),
                    ErrorKind::Invalid {
                        expected: "a mass_kg_per_unit for a good counted in units or barrels"
                            .into(),
                        found: "none".into(),
                    },
                );
                1.0
            }
        };
        let china_price_cny_per_unit = c.number(
            &good.china_price_cny_per_unit,
            &format!("{field}.china_price_cny_per_unit"),
            Unit::CnyEach,
            NON_NEGATIVE,
        );
        let home_price_cny_per_unit = c.number(
            &good.home_price_cny_per_unit,
            &format!("{field}.home_price_cny_per_unit"),
            Unit::CnyEach,
            NON_NEGATIVE,
        );
        if let (Some(unit), Some(direction)) = (unit, direction) {
            goods.push(Good {
                id: good.id.get_ref().clone(),
                unit,
                direction,
                mass_kg_per_unit,
                china_price_cny_per_unit,
                home_price_cny_per_unit,
            });
        }
    }
    (goods, good_ids)
}

fn sanctions(raw: &RawScenario, c: &mut Checker, good_ids: &[String]) -> Vec<Sanction> {
    let ids = Ids {
        sites: &[],
        goods: good_ids,
    };
    let mut sanctions = Vec::new();
    for sanction in &raw.sanctions {
        let field = format!("sanctions[{}]", sanction.id.get_ref());
        let date = c.date(&sanction.in_force_from, &format!("{field}.in_force_from"));
        let banned: Vec<GoodId> = sanction
            .goods
            .iter()
            .filter_map(|g| c.good(g, &ids, &format!("{field}.goods")))
            .collect();
        c.dated_record(
            &field,
            sanction.in_force_from.get_ref().clone(),
            sanction.source.as_ref(),
            sanction.assumption.as_ref(),
            sanction.id.span(),
        );
        if let Some(date) = date {
            sanctions.push(Sanction {
                id: sanction.id.get_ref().clone(),
                in_force_from: date,
                goods: banned,
            });
        }
    }
    sanctions
}

fn sites(
    raw: &RawScenario,
    c: &mut Checker,
    bureau_ids: &[String],
) -> (Vec<Site>, Vec<SiteInfo>, Vec<String>) {
    c.unique_ids(raw.sites.iter().map(|s| &s.id), "sites.id");
    let site_ids: Vec<String> = raw.sites.iter().map(|s| s.id.get_ref().clone()).collect();
    let (mut sites, mut infos) = (Vec::new(), Vec::new());
    for site in &raw.sites {
        let field = format!("sites[{}]", site.id.get_ref());
        for (coordinate, limit, name) in [
            (&site.latitude_deg, 90.0, "latitude_deg"),
            (&site.longitude_deg, 180.0, "longitude_deg"),
        ] {
            if !(-limit..=limit).contains(coordinate.get_ref()) {
                c.error(
                    coordinate.span(),
                    format!("{field}.{name}"),
                    ErrorKind::Invalid {
                        expected: format!("degrees in [-{limit}, {limit}]"),
                        found: coordinate.get_ref().to_string(),
                    },
                );
            }
        }
        if let Some(evidence) = c.evidence(
            site.source.as_ref(),
            site.assumption.as_ref(),
            None,
            site.id.span(),
            &field,
        ) {
            c.records.push(ParameterRecord {
                path: format!("{field}.location"),
                value: Value::Text(format!(
                    "{:.3} N, {:.3} E",
                    site.latitude_deg.get_ref(),
                    site.longitude_deg.get_ref()
                )),
                unit: "degrees",
                evidence,
            });
        }
        let bureau = site.bureau.as_ref().and_then(|b| {
            c.lookup(b, bureau_ids, &format!("{field}.bureau"), |id, known| {
                ErrorKind::Invalid {
                    expected: format!("a bureau id from [[state_trade.bureaus]]: {known}"),
                    found: format!("`{id}`"),
                }
            })
        });
        let barrier = c.number(
            &site.barrier,
            &format!("{field}.barrier"),
            Unit::Level,
            UNIT_INTERVAL,
        );
        sites.push(Site {
            id: site.id.get_ref().clone(),
            bureau: bureau.map(BureauId),
            barrier,
        });
        infos.push(SiteInfo {
            id: site.id.get_ref().clone(),
            name: site.name.clone(),
            province: site.province.clone(),
            waterway: site.waterway.clone(),
            china_counterpart: site.china_counterpart.clone(),
            latitude_deg: *site.latitude_deg.get_ref(),
            longitude_deg: *site.longitude_deg.get_ref(),
        });
    }
    (sites, infos, site_ids)
}

fn pass_up(p: &RawPassUp, c: &mut Checker) -> PassUp {
    let agencies = [
        ("customs", &p.customs),
        ("state_security", &p.state_security),
        ("public_security", &p.public_security),
        ("border_guards", &p.border_guards),
    ];
    let mut pass_up = PassUp {
        unit_to_senior: [0.0; 4],
        senior_to_centre: [0.0; 4],
    };
    for (a, (name, agency)) in agencies.iter().enumerate() {
        pass_up.unit_to_senior[a] = c.share(
            &agency.unit_to_senior_share,
            &format!("pass_up.{name}.unit_to_senior_share"),
        );
        pass_up.senior_to_centre[a] = c.share(
            &agency.senior_to_centre_share,
            &format!("pass_up.{name}.senior_to_centre_share"),
        );
    }
    pass_up
}

fn market(raw: &RawScenario, c: &mut Checker) -> MarketParams {
    let m = &raw.market;
    MarketParams {
        rice_price_cny_per_kg: param!(c.number(
            m,
            "market",
            rice_price_cny_per_kg,
            Unit::CnyPerKg,
            POSITIVE
        )),
        rice_price_sigma_per_day: param!(c.number(
            m,
            "market",
            rice_price_sigma_per_day,
            Unit::LogSigma,
            NON_NEGATIVE
        )),
        rice_price_reversion_per_day: param!(c.number(
            m,
            "market",
            rice_price_reversion_per_day,
            Unit::PerDay,
            UNIT_INTERVAL
        )),
        essentials_price_elasticity: param!(c.number(
            m,
            "market",
            essentials_price_elasticity,
            Unit::Ratio,
            NON_NEGATIVE
        )),
        essentials_supply_smoothing_per_day: param!(c.number(
            m,
            "market",
            essentials_supply_smoothing_per_day,
            Unit::PerDay,
            Allowed {
                min: f64::MIN_POSITIVE,
                max: 1.0,
                whole: false,
            }
        )),
        essentials_price_cap_multiple: param!(c.number(
            m,
            "market",
            essentials_price_cap_multiple,
            Unit::Multiplier,
            Allowed {
                min: 1.0,
                max: f64::INFINITY,
                whole: false,
            }
        )),
    }
}

fn enforcement(e: &RawEnforcement, c: &mut Checker) -> Enforcement {
    let schedule = c.schedule(&e.schedule, "enforcement.schedule", |c, step, field| {
        let level = c.number(
            &step.level,
            &format!("{field}.level"),
            Unit::Level,
            UNIT_INTERVAL,
        );
        (
            c.date(&step.from, &format!("{field}.from")),
            step.from.span(),
            level,
        )
    });
    Enforcement {
        schedule,
        sigma_per_day: param!(c.number(e, "enforcement", sigma_per_day, Unit::Level, NON_NEGATIVE)),
        reversion_per_day: param!(c.number(
            e,
            "enforcement",
            reversion_per_day,
            Unit::PerDay,
            UNIT_INTERVAL
        )),
        seizure_effect: param!(c.number(
            e,
            "enforcement",
            seizure_effect,
            Unit::Ratio,
            NON_NEGATIVE
        )),
        capacity_effect: param!(c.number(
            e,
            "enforcement",
            capacity_effect,
            Unit::Ratio,
            UNIT_INTERVAL
        )),
        barrier_seizure_effect: param!(c.number(
            e,
            "enforcement",
            barrier_seizure_effect,
            Unit::Ratio,
            NON_NEGATIVE
        )),
    }
}

const STATE_MODES: [(&str, Mode); 3] = [
    ("convoy", Mode::Convoy),
    ("ice_truck", Mode::IceTruck),
    ("boat", Mode::Boat),
];

fn modes(raw: &RawScenario, c: &mut Checker) -> Vec<ModeParams> {
    c.unique_ids(raw.modes.iter().map(|m| &m.mode), "modes.mode");
    let mut modes = Vec::new();
    for m in &raw.modes {
        let field = format!("modes[{}]", m.mode.get_ref());
        let mode = c.one_of(&m.mode, &format!("{field}.mode"), &STATE_MODES);
        let cargo_kg_per_load = c.number(
            &m.cargo_kg_per_load,
            &format!("{field}.cargo_kg_per_load"),
            Unit::Kg,
            POSITIVE,
        );
        let labour_cny_per_load = c.number(
            &m.labour_cny_per_load,
            &format!("{field}.labour_cny_per_load"),
            Unit::CnyPerLoad,
            NON_NEGATIVE,
        );
        let base_seizure_probability = c.probability(
            &m.base_seizure_probability,
            &format!("{field}.base_seizure_probability"),
        );
        if let Some(mode) = mode {
            modes.push(ModeParams {
                mode,
                cargo_kg_per_load,
                labour_cny_per_load,
                base_seizure_probability,
            });
        }
    }
    if raw.state_trade.is_some() && !modes.iter().any(|m| m.mode == Mode::Convoy) {
        let at = c.text.text.find("[[modes]]").unwrap_or(0);
        c.error(
            at..at + 9,
            "modes",
            ErrorKind::Invalid {
                expected: "a `convoy` entry (the official customs route uses it)".into(),
                found: "none".into(),
            },
        );
    }
    modes
}

fn crossings(raw: &RawScenario, c: &mut Checker, ids: &Ids, modes: &[ModeParams]) -> Vec<Crossing> {
    let mut crossings: Vec<Crossing> = Vec::new();
    for x in &raw.crossings {
        let field = format!("crossings[{}/{}]", x.site.get_ref(), x.mode.get_ref());
        let site = c.site(&x.site, ids, &format!("{field}.site"));
        let mode = c.one_of(&x.mode, &format!("{field}.mode"), &STATE_MODES);
        if let Some(mode) = mode
            && !modes.iter().any(|m| m.mode == mode)
        {
            c.error(
                x.mode.span(),
                format!("{field}.mode"),
                ErrorKind::Invalid {
                    expected: "a mode described in [[modes]]".into(),
                    found: format!("`{}`", x.mode.get_ref()),
                },
            );
        }
        let loads_per_night = c.whole(
            &x.loads_per_night,
            &format!("{field}.loads_per_night"),
            Unit::LoadsPerNight,
            COUNT,
        );
        if let (Some(site), Some(mode)) = (site, mode) {
            if crossings.iter().any(|k| k.site == site && k.mode == mode) {
                c.error(x.mode.span(), &field, ErrorKind::Duplicate(field.clone()));
            }
            crossings.push(Crossing {
                site,
                mode,
                loads_per_night,
            });
        }
    }
    crossings
}

fn state_trade(
    t: &RawStateTrade,
    c: &mut Checker,
    ids: &Ids,
    goods: &[Good],
) -> Option<StateTrade> {
    let planning_probability_per_day =
        param!(c.probability(t, "state_trade", planning_probability_per_day));
    let official_levy_share = param!(c.share(t, "state_trade", official_levy_share));
    let company_share = param!(c.share(t, "state_trade", company_share));
    let bureau_fee_share = param!(c.share(t, "state_trade", bureau_fee_share));
    let room39_share = param!(c.share(t, "state_trade", room39_share));
    if bureau_fee_share + room39_share > 1.0 {
        c.error(
            t.room39_share.span(),
            "state_trade.room39_share",
            ErrorKind::Invalid {
                expected: format!("at most 1 - bureau_fee_share ({})", 1.0 - bureau_fee_share),
                found: room39_share.to_string(),
            },
        );
    }
    let b = &t.bribe_cny_per_load;
    let bribe_cny_per_load = [
        ("customs", &b.customs),
        ("state_security", &b.state_security),
        ("public_security", &b.public_security),
        ("border_guards", &b.border_guards),
    ]
    .map(|(name, param)| {
        c.number(
            param,
            &format!("state_trade.bribe_cny_per_load.{name}"),
            Unit::CnyPerLoad,
            NON_NEGATIVE,
        )
    });

    c.unique_ids(t.bureaus.iter().map(|b| &b.id), "state_trade.bureaus.id");
    let mut bureaus = Vec::new();
    for bureau in &t.bureaus {
        let field = format!("state_trade.bureaus[{}]", bureau.id.get_ref());
        let companies = c.whole(
            &bureau.companies,
            &format!("{field}.companies"),
            Unit::Companies,
            COUNT,
        );
        let share_of_targets = c.share(
            &bureau.share_of_targets,
            &format!("{field}.share_of_targets"),
        );
        let customs_site = c.site(&bureau.customs_site, ids, &format!("{field}.customs_site"));
        if let Some(customs_site) = customs_site {
            bureaus.push(Bureau {
                id: bureau.id.get_ref().clone(),
                companies,
                share_of_targets,
                customs_site,
            });
        }
    }
    if let (Some(first), Some(last)) = (t.bureaus.first(), t.bureaus.last()) {
        let shares: Vec<f64> = bureaus.iter().map(|b| b.share_of_targets).collect();
        c.shares_sum_to_one(
            &shares,
            first.id.span().start..last.customs_site.span().end,
            "state_trade.bureaus.share_of_targets",
        );
    }

    c.unique_ids(t.goods.iter().map(|g| &g.good), "state_trade.goods.good");
    let mut state_goods = Vec::new();
    for g in &t.goods {
        let field = format!("state_trade.goods[{}]", g.good.get_ref());
        let good = c.good(&g.good, ids, &format!("{field}.good"));
        let monthly_target_units = c.number(
            &g.monthly_target_units,
            &format!("{field}.monthly_target_units"),
            Unit::UnitsPerMonth,
            NON_NEGATIVE,
        );
        let min = c.whole(
            &g.consignment_units_min,
            &format!("{field}.consignment_units_min"),
            Unit::Units,
            POSITIVE_COUNT,
        );
        let max = c.whole(
            &g.consignment_units_max,
            &format!("{field}.consignment_units_max"),
            Unit::Units,
            POSITIVE_COUNT,
        );
        c.at_least(
            f64::from(max),
            f64::from(min),
            "consignment_units_min",
            &g.consignment_units_max,
            &format!("{field}.consignment_units_max"),
        );
        if let Some(good) = good {
            if g.driven_across
                && goods
                    .get(good.0 as usize)
                    .is_some_and(|x| x.unit != QuantityUnit::Units)
            {
                c.error(
                    g.good.span(),
                    format!("{field}.driven_across"),
                    ErrorKind::Invalid {
                        expected: "a good counted in units (vehicles) when driven_across = true"
                            .into(),
                        found: format!("`{}`", g.good.get_ref()),
                    },
                );
            }
            state_goods.push(StateGood {
                good,
                monthly_target_units,
                consignment_units_min: min,
                consignment_units_max: max,
                driven_across: g.driven_across,
            });
        }
    }
    Some(StateTrade {
        bureaus,
        goods: state_goods,
        planning_probability_per_day,
        official_levy_share,
        company_share,
        bureau_fee_share,
        room39_share,
        bribe_cny_per_load,
        price_sigma: param!(c.number(t, "state_trade", price_sigma, Unit::LogSigma, NON_NEGATIVE)),
        risk_learning_rate: param!(c.number(
            t,
            "state_trade",
            risk_learning_rate,
            Unit::Share,
            UNIT_INTERVAL
        )),
        prior_seizure_risk: param!(c.probability(t, "state_trade", prior_seizure_risk)),
        choice_sensitivity: param!(c.number(
            t,
            "state_trade",
            choice_sensitivity,
            Unit::LogitScale,
            NON_NEGATIVE
        )),
        donju_hurdle_return: param!(c.number(
            t,
            "state_trade",
            donju_hurdle_return,
            Unit::Ratio,
            NON_NEGATIVE
        )),
    })
}

fn takeover(t: &RawTakeover, c: &mut Checker) -> Option<Takeover> {
    let first_day = c.date(&t.first_day, "takeover.first_day");
    c.dated_record(
        "takeover.first_day",
        t.first_day.get_ref().clone(),
        t.source.as_ref(),
        t.assumption.as_ref(),
        t.first_day.span(),
    );
    let state_trade_multiplier = param!(c.number(
        t,
        "takeover",
        state_trade_multiplier,
        Unit::Multiplier,
        NON_NEGATIVE
    ));
    let household_crackdown = param!(c.share(t, "takeover", household_crackdown));
    let household_bribe_share_of_margin =
        param!(c.share(t, "takeover", household_bribe_share_of_margin));
    Some(Takeover {
        first_day: first_day?,
        state_trade_multiplier,
        household_crackdown,
        household_bribe_share_of_margin,
    })
}

fn households(
    h: &RawHouseholds,
    c: &mut Checker,
    ids: &Ids,
    goods: &[Good],
) -> Option<HouseholdParams> {
    let good = c.good(&h.good, ids, "households.good");
    if let Some(g) = good
        && goods
            .get(g.0 as usize)
            .is_some_and(|x| x.unit != QuantityUnit::Kg)
    {
        c.error(
            h.good.span(),
            "households.good",
            ErrorKind::Invalid {
                expected: "a good counted in kg".into(),
                found: format!("`{}`", h.good.get_ref()),
            },
        );
    }
    let mut households_at_site = vec![0; ids.sites.len()];
    c.unique_ids(h.sites.iter().map(|s| &s.site), "households.sites.site");
    for s in &h.sites {
        let field = format!("households.sites[{}]", s.site.get_ref());
        let site = c.site(&s.site, ids, &format!("{field}.site"));
        let n = c.whole(
            &s.households,
            &format!("{field}.households"),
            Unit::Households,
            COUNT,
        );
        if let Some(site) = site {
            households_at_site[site.0 as usize] = n;
        }
    }
    Some(HouseholdParams {
        households_at_site,
        good: good?,
        trips_per_month: param!(c.number(
            h,
            "households",
            trips_per_month,
            Unit::TripsPerMonth,
            Allowed {
                min: 0.0,
                max: 28.0,
                whole: false,
            }
        )),
        kg_per_trip: param!(c.number(h, "households", kg_per_trip, Unit::KgPerTrip, NON_NEGATIVE)),
        seizure_probability_per_trip: param!(c.probability(
            h,
            "households",
            seizure_probability_per_trip
        )),
    })
}

fn porter_params(
    raw: &RawScenario,
    p: &RawPorter,
    c: &mut Checker,
    ids: &Ids,
) -> Option<PorterParams> {
    let split = c.required(
        &raw.profit_split,
        true,
        "profit_split",
        "the scenario has porter crews",
    )?;
    let profit_split = ProfitSplit {
        border_guards: param!(c.share(split, "profit_split", border_guards_share)),
        donju: param!(c.share(split, "profit_split", donju_share)),
        porters: param!(c.share(split, "profit_split", porters_share)),
    };
    c.shares_sum_to_one(
        &[
            profit_split.border_guards,
            profit_split.donju,
            profit_split.porters,
        ],
        split.border_guards_share.span().start..split.porters_share.span().end,
        "profit_split",
    );
    let crew_size_min = param!(c.whole(p, "porter", crew_size_min, Unit::Porters, POSITIVE_COUNT));
    let crew_size_typical_max = param!(c.whole(
        p,
        "porter",
        crew_size_typical_max,
        Unit::Porters,
        POSITIVE_COUNT
    ));
    let crew_size_max = param!(c.whole(p, "porter", crew_size_max, Unit::Porters, POSITIVE_COUNT));
    c.at_least(
        f64::from(crew_size_typical_max),
        f64::from(crew_size_min),
        "crew_size_min",
        &p.crew_size_typical_max,
        "porter.crew_size_typical_max",
    );
    c.at_least(
        f64::from(crew_size_max),
        f64::from(crew_size_typical_max),
        "crew_size_typical_max",
        &p.crew_size_max,
        "porter.crew_size_max",
    );
    let large_crew_share = param!(c.share(p, "porter", large_crew_share));
    let min_load_kg = param!(c.whole(p, "porter", min_load_kg, Unit::Kg, COUNT));
    let max_load_kg = param!(c.whole(p, "porter", max_load_kg, Unit::Kg, POSITIVE_COUNT));
    c.at_least(
        f64::from(max_load_kg),
        f64::from(min_load_kg),
        "min_load_kg",
        &p.max_load_kg,
        "porter.max_load_kg",
    );
    let strength_mean_kg = param!(c.number(p, "porter", strength_mean_kg, Unit::Kg, POSITIVE));
    let strength_sd_kg = param!(c.number(p, "porter", strength_sd_kg, Unit::Kg, NON_NEGATIVE));
    let runs_per_month = param!(c.number(
        p,
        "porter",
        runs_per_month,
        Unit::RunsPerMonth,
        Allowed {
            min: 0.0,
            max: 28.0,
            whole: false,
        }
    ));
    let seizure_probability_per_run =
        param!(c.probability(p, "porter", seizure_probability_per_run));
    let sale_price_sigma =
        param!(c.number(p, "porter", sale_price_sigma, Unit::LogSigma, NON_NEGATIVE));

    c.unique_ids(p.sites.iter().map(|s| &s.site), "porter.sites.site");
    let mut sites = Vec::new();
    for s in &p.sites {
        let field = format!("porter.sites[{}]", s.site.get_ref());
        let site = c.site(&s.site, ids, &format!("{field}.site"));
        let crews = c.whole(&s.crews, &format!("{field}.crews"), Unit::Crews, COUNT);
        let applicants = c.whole(
            &s.applicants,
            &format!("{field}.applicants"),
            Unit::People,
            COUNT,
        );
        if let Some(site) = site {
            sites.push(PorterSite {
                site,
                crews,
                applicants,
            });
        }
    }

    c.unique_ids(p.goods.iter().map(|g| &g.good), "porter.goods.good");
    let mut goods = Vec::new();
    for g in &p.goods {
        let field = format!("porter.goods[{}]", g.good.get_ref());
        let good = c.good(&g.good, ids, &format!("{field}.good"));
        let share_of_runs = c.share(&g.share_of_runs, &format!("{field}.share_of_runs"));
        if let Some(good) = good {
            goods.push(PorterGood {
                good,
                share_of_runs,
            });
        }
    }
    match (p.goods.first(), p.goods.last()) {
        (Some(first), Some(last)) => {
            let shares: Vec<f64> = goods.iter().map(|g| g.share_of_runs).collect();
            c.shares_sum_to_one(
                &shares,
                first.good.span().start..last.share_of_runs.span().end,
                "porter.goods.share_of_runs",
            );
        }
        _ => {
            let at = c.text.text.find("[porter]").unwrap_or(0);
            c.error(
                at..at + "[porter]".len(),
                "porter.goods",
                ErrorKind::Invalid {
                    expected: "at least one [[porter.goods]] entry".into(),
                    found: "none".into(),
                },
            );
        }
    }

    Some(PorterParams {
        crew_size_min,
        crew_size_typical_max,
        crew_size_max,
        large_crew_share,
        min_load_kg,
        max_load_kg,
        strength_mean_kg,
        strength_sd_kg,
        runs_per_month,
        seizure_probability_per_run,
        sale_price_sigma,
        sites,
        goods,
        profit_split,
    })
}

fn exchange(raw: &RawScenario, c: &mut Checker) -> ExchangeSchedule {
    ExchangeSchedule {
        steps: c.schedule(
            &raw.exchange.schedule,
            "exchange.schedule",
            |c, step, field| {
                let rate = c.number(
                    &step.cny_per_usd,
                    &format!("{field}.cny_per_usd"),
                    Unit::CnyPerUsd,
                    POSITIVE,
                );
                (
                    c.date(&step.from, &format!("{field}.from")),
                    step.from.span(),
                    rate,
                )
            },
        ),
    }
}

fn couriers(x: &RawCouriers, c: &mut Checker) -> Couriers {
    Couriers {
        officials: param!(c.whole(x, "couriers", officials, Unit::People, COUNT)),
        trips_per_month: param!(c.number(
            x,
            "couriers",
            trips_per_month,
            Unit::TripsPerMonth,
            PER_MONTH
        )),
        cash_usd_per_trip: param!(c.number(
            x,
            "couriers",
            cash_usd_per_trip,
            Unit::UsdPerTrip,
            NON_NEGATIVE
        )),
        cash_sigma: param!(c.number(x, "couriers", cash_sigma, Unit::LogSigma, NON_NEGATIVE)),
        captain_fee_share: param!(c.share(x, "couriers", captain_fee_share)),
        capture_probability_per_trip: param!(c.probability(
            x,
            "couriers",
            capture_probability_per_trip
        )),
    }
}

fn diplomats(x: &RawDiplomats, c: &mut Checker) -> Option<Diplomats> {
    let embassies = param!(c.whole(x, "diplomats", embassies, Unit::Embassies, COUNT));
    let mut expulsions = Vec::new();
    for (i, e) in x.expulsions.iter().enumerate() {
        let field = format!("diplomats.expulsions[{i}]");
        let closed = c.whole(
            &e.embassies,
            &format!("{field}.embassies"),
            Unit::Embassies,
            COUNT,
        );
        if let Some(date) = c.date(&e.date, &format!("{field}.date")) {
            expulsions.push((date, closed));
        }
    }
    Some(Diplomats {
        embassies,
        quota_usd_per_month: param!(c.number(
            x,
            "diplomats",
            quota_usd_per_month,
            Unit::UsdPerMonth,
            NON_NEGATIVE
        )),
        earnings_usd_per_month: param!(c.number(
            x,
            "diplomats",
            earnings_usd_per_month,
            Unit::UsdPerMonth,
            NON_NEGATIVE
        )),
        earnings_sigma: param!(c.number(
            x,
            "diplomats",
            earnings_sigma,
            Unit::LogSigma,
            NON_NEGATIVE
        )),
        expulsions,
    })
}

fn labour(x: &RawLabour, c: &mut Checker) -> Option<Labour> {
    let workers = c.schedule(&x.workers, "labour.workers", |c, step, field| {
        let n = c.whole(
            &step.workers,
            &format!("{field}.workers"),
            Unit::People,
            COUNT,
        );
        (
            c.date(&step.from, &format!("{field}.from")),
            step.from.span(),
            f64::from(n),
        )
    });
    Some(Labour {
        workers: workers.into_iter().map(|(d, n)| (d, n as u32)).collect(),
        wage_usd_per_month: param!(c.number(
            x,
            "labour",
            wage_usd_per_month,
            Unit::UsdPerMonth,
            NON_NEGATIVE
        )),
        handover_share: param!(c.share(x, "labour", handover_share)),
    })
}

fn drugs(x: &RawDrugs, c: &mut Checker, ids: &Ids, goods: &[Good]) -> Option<Drugs> {
    let drug_good = |id: &Spanned<String>, field: &str, c: &mut Checker| {
        let good = c.good(id, ids, field)?;
        if goods
            .get(good.0 as usize)
            .is_some_and(|g| g.unit != QuantityUnit::Grams)
        {
            c.error(
                id.span(),
                field,
                ErrorKind::Invalid {
                    expected: "a good counted in g".into(),
                    found: format!("`{}`", id.get_ref()),
                },
            );
        }
        Some(good)
    };
    let heroin = drug_good(&x.heroin_good, "drugs.heroin_good", c);
    let methamphetamine = drug_good(&x.methamphetamine_good, "drugs.methamphetamine_good", c);
    let border_site = c.site(&x.border_site, ids, "drugs.border_site");
    let sea_site = c.site(&x.sea_site, ids, "drugs.sea_site");
    let per_year =
        |c: &mut Checker, p: &Param, f: &str| c.number(p, f, Unit::KgPerYear, NON_NEGATIVE);
    Some(Drugs {
        heroin_kg_per_year: per_year(c, &x.heroin_kg_per_year, "drugs.heroin_kg_per_year"),
        methamphetamine_kg_per_year: per_year(
            c,
            &x.methamphetamine_kg_per_year,
            "drugs.methamphetamine_kg_per_year",
        ),
        heroin_unit_g: param!(c.number(x, "drugs", heroin_unit_g, Unit::Grams, POSITIVE)),
        methamphetamine_unit_kg: param!(c.number(
            x,
            "drugs",
            methamphetamine_unit_kg,
            Unit::Kg,
            POSITIVE
        )),
        sea_price_multiple: param!(c.number(
            x,
            "drugs",
            sea_price_multiple,
            Unit::Multiplier,
            NON_NEGATIVE
        )),
        sea_share: param!(c.share(x, "drugs", sea_share)),
        sales_per_month: param!(c.number(
            x,
            "drugs",
            sales_per_month,
            Unit::SalesPerMonth,
            PER_MONTH
        )),
        seizure_probability_per_sale: param!(c.probability(
            x,
            "drugs",
            seizure_probability_per_sale
        )),
        room39_share: param!(c.share(x, "drugs", room39_share)),
        heroin: heroin?,
        methamphetamine: methamphetamine?,
        border_site: border_site?,
        sea_site: sea_site?,
    })
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
        let sourced = matches!(p.evidence, Evidence::Source { .. });
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

fn maritime(x: &RawMaritime, c: &mut Checker, ids: &Ids, goods: &[Good]) -> Option<Maritime> {
    let sts_zone = c.site(&x.sts_zone, ids, "maritime.sts_zone");
    let choice_sensitivity_days = param!(c.number(
        x,
        "maritime",
        choice_sensitivity_days,
        Unit::Days,
        NON_NEGATIVE
    ));
    let hurdle_return_per_day = param!(c.number(
        x,
        "maritime",
        hurdle_return_per_day,
        Unit::PerDay,
        NON_NEGATIVE
    ));
    let risk_learning_rate = param!(c.number(
        x,
        "maritime",
        risk_learning_rate,
        Unit::Share,
        UNIT_INTERVAL
    ));
    let prior_detection_probability =
        param!(c.probability(x, "maritime", prior_detection_probability));
    let company_share = param!(c.share(x, "maritime", company_share));
    let room39_share = param!(c.share(x, "maritime", room39_share));
    let price_sigma = param!(c.number(x, "maritime", price_sigma, Unit::LogSigma, NON_NEGATIVE));
    let ais_off_share = param!(c.share(x, "maritime", ais_off_share));
    let night_share = param!(c.share(x, "maritime", night_share));
    let ship_replacement_days =
        param!(c.whole(x, "maritime", ship_replacement_days, Unit::Days, COUNT));
    let b = &x.bribe_cny_per_t;
    let bribe_cny_per_t = [
        ("customs", &b.customs),
        ("state_security", &b.state_security),
        ("party", &b.party),
    ]
    .map(|(name, param)| {
        c.number(
            param,
            &format!("maritime.bribe_cny_per_t.{name}"),
            Unit::CnyPerTonne,
            NON_NEGATIVE,
        )
    });
    let monitors = sea_monitors(x, c);

    let is_barrels = |g: GoodId| {
        goods
            .get(g.0 as usize)
            .is_some_and(|x| x.unit == QuantityUnit::Barrels)
    };
    let cap = x.cap.as_ref().and_then(|cap| {
        let good = c.good(&cap.good, ids, "maritime.cap.good");
        if let Some(g) = good
            && !is_barrels(g)
        {
            c.error(
                cap.good.span(),
                "maritime.cap.good",
                ErrorKind::Invalid {
                    expected: "a good counted in barrels".into(),
                    found: format!("`{}`", cap.good.get_ref()),
                },
            );
        }
        let units_per_year = param!(c.number(
            cap,
            "maritime.cap",
            barrels_per_year,
            Unit::BarrelsPerYear,
            NON_NEGATIVE
        ));
        Some(ImportCap {
            good: good?,
            units_per_year,
        })
    });

    c.unique_ids(x.cargoes.iter().map(|g| &g.good), "maritime.cargoes.good");
    let mut cargoes = Vec::new();
    for cargo in &x.cargoes {
        let field = format!("maritime.cargoes[{}]", cargo.good.get_ref());
        let good = c.good(&cargo.good, ids, &format!("{field}.good"));
        let port = c.site(&cargo.port, ids, &format!("{field}.port"));
        let closure_stop_share = c.share(
            &cargo.closure_stop_share,
            &format!("{field}.closure_stop_share"),
        );
        if let (Some(good), Some(port)) = (good, port) {
            cargoes.push(SeaCargo {
                good,
                port,
                closure_stop_share,
            });
        }
    }
    let carried = |g: GoodId| {
        x.cargoes
            .iter()
            .any(|cargo| cargo.good.get_ref() == &ids.goods[g.0 as usize])
    };

    c.unique_ids(x.fleets.iter().map(|f| &f.id), "maritime.fleets.id");
    let mut fleets = Vec::new();
    for f in &x.fleets {
        let field = format!("maritime.fleets[{}]", f.id.get_ref());
        let kind = c.one_of(
            &f.kind,
            &format!("{field}.kind"),
            &[
                ("bulk_carrier", FleetKind::BulkCarrier),
                ("fishing_boat", FleetKind::FishingBoat),
                ("tanker", FleetKind::Tanker),
            ],
        );
        let good = c.good(&f.good, ids, &format!("{field}.good"));
        if let (Some(kind), Some(g)) = (kind, good)
            && let Some(spec) = goods.get(g.0 as usize)
        {
            let (unit, direction, what) = match kind {
                FleetKind::Tanker => (
                    QuantityUnit::Barrels,
                    Direction::Import,
                    "an import counted in barrels",
                ),
                FleetKind::BulkCarrier | FleetKind::FishingBoat => (
                    QuantityUnit::Kg,
                    Direction::Export,
                    "an export counted in kg",
                ),
            };
            if spec.unit != unit || spec.direction != direction {
                c.error(
                    f.good.span(),
                    format!("{field}.good"),
                    ErrorKind::Invalid {
                        expected: format!("{what} for a {} fleet", kind.name()),
                        found: format!("`{}`", f.good.get_ref()),
                    },
                );
            } else if !carried(g) {
                c.error(
                    f.good.span(),
                    format!("{field}.good"),
                    ErrorKind::Invalid {
                        expected: "a good listed in [[maritime.cargoes]]".into(),
                        found: format!("`{}`", f.good.get_ref()),
                    },
                );
            }
        }
        let home_port = c.site(&f.home_port, ids, &format!("{field}.home_port"));
        let ships = c.whole(&f.ships, &format!("{field}.ships"), Unit::Ships, COUNT);
        let capacity_t = c.number(
            &f.capacity_t,
            &format!("{field}.capacity_t"),
            Unit::Tonnes,
            POSITIVE,
        );
        let days = |c: &mut Checker, p: &Param, name: &str| {
            c.number(p, &format!("{field}.{name}"), Unit::Days, POSITIVE)
        };
        let sts_voyage_days = days(c, &f.sts_voyage_days, "sts_voyage_days");
        let port_voyage_days = days(c, &f.port_voyage_days, "port_voyage_days");
        let hours = |c: &mut Checker, p: &Param, name: &str| {
            c.number(p, &format!("{field}.{name}"), Unit::Hours, NON_NEGATIVE)
        };
        let transfer_hours = hours(c, &f.transfer_hours, "transfer_hours");
        let port_hours = hours(c, &f.port_hours, "port_hours");
        let per_day = |c: &mut Checker, p: &Param, name: &str| {
            c.number(p, &format!("{field}.{name}"), Unit::CnyPerDay, NON_NEGATIVE)
        };
        let fuel_cost_cny_per_day = per_day(c, &f.fuel_cost_cny_per_day, "fuel_cost_cny_per_day");
        let crew_wage_cny_per_day = per_day(c, &f.crew_wage_cny_per_day, "crew_wage_cny_per_day");
        let ship_value_cny = c.number(
            &f.ship_value_cny,
            &format!("{field}.ship_value_cny"),
            Unit::Cny,
            NON_NEGATIVE,
        );
        if let (Some(kind), Some(good), Some(home_port)) = (kind, good, home_port) {
            fleets.push(Fleet {
                id: f.id.get_ref().clone(),
                kind,
                good,
                home_port,
                ships,
                capacity_t,
                sts_voyage_days,
                port_voyage_days,
                transfer_hours,
                port_hours,
                fuel_cost_cny_per_day,
                crew_wage_cny_per_day,
                ship_value_cny,
            });
        }
    }

    c.unique_ids(
        x.counterparts.iter().map(|f| &f.id),
        "maritime.counterparts.id",
    );
    let mut counterparts = Vec::new();
    for f in &x.counterparts {
        let field = format!("maritime.counterparts[{}]", f.id.get_ref());
        let kind = c.one_of(
            &f.kind,
            &format!("{field}.kind"),
            &[
                ("receiving_ship", CounterpartKind::ReceivingShip),
                ("supply_tanker", CounterpartKind::SupplyTanker),
            ],
        );
        let mut traded = Vec::new();
        for id in &f.goods {
            let Some(g) = c.good(id, ids, &format!("{field}.goods")) else {
                continue;
            };
            let spec = &goods[g.0 as usize];
            let direction = match kind {
                Some(CounterpartKind::ReceivingShip) => Some(Direction::Export),
                Some(CounterpartKind::SupplyTanker) => Some(Direction::Import),
                None => None,
            };
            let first_unit = traded
                .first()
                .map(|first: &GoodId| goods[first.0 as usize].unit);
            if direction.is_some_and(|d| d != spec.direction) {
                c.error(
                    id.span(),
                    format!("{field}.goods"),
                    ErrorKind::Invalid {
                        expected: match kind {
                            Some(CounterpartKind::SupplyTanker) => {
                                "an import (supply tankers sell to North Korean ships)".into()
                            }
                            _ => "an export (receiving ships buy from North Korean ships)".into(),
                        },
                        found: format!("`{}`", id.get_ref()),
                    },
                );
            } else if first_unit.is_some_and(|u| u != spec.unit) {
                c.error(
                    id.span(),
                    format!("{field}.goods"),
                    ErrorKind::Invalid {
                        expected: "goods all counted in the same unit".into(),
                        found: format!("`{}` in {}", id.get_ref(), spec.unit.name()),
                    },
                );
            } else if !carried(g) {
                c.error(
                    id.span(),
                    format!("{field}.goods"),
                    ErrorKind::Invalid {
                        expected: "a good listed in [[maritime.cargoes]]".into(),
                        found: format!("`{}`", id.get_ref()),
                    },
                );
            }
            traded.push(g);
        }
        if f.goods.is_empty() {
            c.error(
                f.id.span(),
                format!("{field}.goods"),
                ErrorKind::Invalid {
                    expected: "at least one good".into(),
                    found: "none".into(),
                },
            );
        }
        let ships = c.whole(&f.ships, &format!("{field}.ships"), Unit::Ships, COUNT);
        let capacity_t = c.number(
            &f.capacity_t,
            &format!("{field}.capacity_t"),
            Unit::Tonnes,
            POSITIVE,
        );
        let voyage_days = c.number(
            &f.voyage_days,
            &format!("{field}.voyage_days"),
            Unit::Days,
            POSITIVE,
        );
        let margin_share = c.share(&f.margin_share, &format!("{field}.margin_share"));
        let freight_cny_per_t = c.number(
            &f.freight_cny_per_t,
            &format!("{field}.freight_cny_per_t"),
            Unit::CnyPerTonne,
            NON_NEGATIVE,
        );
        if let Some(kind) = kind {
            counterparts.push(CounterpartFleet {
                id: f.id.get_ref().clone(),
                kind,
                goods: traded,
                ships,
                capacity_t,
                voyage_days,
                margin_share,
                freight_cny_per_t,
            });
        }
    }

    Some(Maritime {
        sts_zone: sts_zone?,
        cargoes,
        fleets,
        counterparts,
        monitors,
        cap,
        bribe_cny_per_t,
        company_share,
        room39_share,
        price_sigma,
        risk_learning_rate,
        prior_detection_probability,
        choice_sensitivity_days,
        hurdle_return_per_day,
        ais_off_share,
        night_share,
        ship_replacement_days,
    })
}

fn sea_monitors(x: &RawMaritime, c: &mut Checker) -> Monitors {
    let m = &x.monitors;
    Monitors {
        satellite_revisits_per_day: param!(c.number(
            m,
            "maritime.monitors",
            satellite_revisits_per_day,
            Unit::PassesPerDay,
            NON_NEGATIVE
        )),
        satellite_detection_per_pass: param!(c.probability(
            m,
            "maritime.monitors",
            satellite_detection_per_pass
        )),
        aircraft_patrol_hours_per_day: param!(c.number(
            m,
            "maritime.monitors",
            aircraft_patrol_hours_per_day,
            Unit::HoursPerDay,
            Allowed {
                min: 0.0,
                max: 24.0,
                whole: false,
            }
        )),
        aircraft_sightings_per_hour: param!(c.number(
            m,
            "maritime.monitors",
            aircraft_sightings_per_hour,
            Unit::PerHour,
            NON_NEGATIVE
        )),
        ais_off_detection_factor: param!(c.number(
            m,
            "maritime.monitors",
            ais_off_detection_factor,
            Unit::Ratio,
            UNIT_INTERVAL
        )),
        night_detection_factor: param!(c.number(
            m,
            "maritime.monitors",
            night_detection_factor,
            Unit::Ratio,
            UNIT_INTERVAL
        )),
        port_inspection_probability: param!(c.probability(
            m,
            "maritime.monitors",
            port_inspection_probability
        )),
        interdiction_probability_at_sea: param!(c.probability(
            m,
            "maritime.monitors",
            interdiction_probability_at_sea
        )),
        interdiction_probability_in_port: param!(c.probability(
            m,
            "maritime.monitors",
            interdiction_probability_in_port
        )),
    }
}

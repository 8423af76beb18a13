//! From the raw file to a validated [`Scenario`]: evidence resolved against the registry,
//! units and ranges checked, ids cross-referenced. Every problem is collected with its
//! location, so the user sees them all at once.

use std::ops::Range;

use jiff::civil::Date;
use serde::Serialize;
use toml::Spanned;
use yalu_model::calendar::{IceSeason, MonthDay, Phase, PhaseKind};
use yalu_model::params::{
    Bureau, BureauId, Crossing, Direction, Enforcement, Good, GoodId, HouseholdParams,
    MarketParams, Mode, ModeParams, ModelParams, PassUp, PorterGood, PorterParams, PorterSite,
    ProfitSplit, QuantityUnit, Sanction, Site, SiteId, StateGood, StateTrade, Takeover,
};

use crate::error::{ErrorKind, ScenarioError, ScenarioErrors, SourceText};
use crate::evidence::Registry;
use crate::raw::{Param, RawScenario};

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
    /// Yuan per US dollar, for reports.
    pub cny_per_usd: f64,
    /// Every value with its unit and evidence, in file order.
    pub parameters: Vec<ParameterRecord>,
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
        .bureaus
        .iter()
        .map(|b| b.id.get_ref().clone())
        .collect();
    let (sites, site_infos, site_ids) = sites(raw, c, &bureau_ids);
    let ids = Ids {
        sites: &site_ids,
        goods: &good_ids,
    };

    let porter = porter_params(raw, c, &ids);
    let split = &raw.profit_split;
    let profit_split = ProfitSplit {
        border_guards: c.share(
            &split.border_guards_share,
            "profit_split.border_guards_share",
        ),
        donju: c.share(&split.donju_share, "profit_split.donju_share"),
        porters: c.share(&split.porters_share, "profit_split.porters_share"),
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
    let pass_up = pass_up(raw, c);
    let market = market(raw, c);
    let cny_per_usd = c.number(
        &raw.exchange.cny_per_usd,
        "exchange.cny_per_usd",
        Unit::CnyPerUsd,
        POSITIVE,
    );
    let enforcement = enforcement(raw, c);
    let modes = modes(raw, c);
    let crossings = crossings(raw, c, &ids, &modes);
    let state_trade = state_trade(raw, c, &ids, &goods);
    let takeover = takeover(raw, c);
    let households = households(raw, c, &ids, &goods);

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
            porter: porter?,
            profit_split,
            pass_up,
            market,
            enforcement,
            modes,
            crossings,
            state_trade: state_trade?,
            takeover: takeover?,
            households: households?,
        },
        sites: site_infos,
        cny_per_usd,
        parameters: Vec::new(),
    })
}

/// The ids other sections refer to.
struct Ids<'a> {
    sites: &'a [String],
    goods: &'a [String],
}

impl Checker<'_> {
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
            (Some(mass), Some(QuantityUnit::Kg)) => {
                c.error(
                    mass.span(),
                    format!("{field}.mass_kg_per_unit"),
                    ErrorKind::Invalid {
                        expected: "no mass_kg_per_unit for a good counted in kg".into(),
                        found: "a mass".into(),
                    },
                );
                1.0
            }
            (None, Some(QuantityUnit::Kg)) | (None, None) => 1.0,
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

fn pass_up(raw: &RawScenario, c: &mut Checker) -> PassUp {
    let p = &raw.pass_up;
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
        rice_price_cny_per_kg: c.number(
            &m.rice_price_cny_per_kg,
            "market.rice_price_cny_per_kg",
            Unit::CnyPerKg,
            POSITIVE,
        ),
        rice_price_sigma_per_day: c.number(
            &m.rice_price_sigma_per_day,
            "market.rice_price_sigma_per_day",
            Unit::LogSigma,
            NON_NEGATIVE,
        ),
        rice_price_reversion_per_day: c.number(
            &m.rice_price_reversion_per_day,
            "market.rice_price_reversion_per_day",
            Unit::PerDay,
            UNIT_INTERVAL,
        ),
        essentials_price_elasticity: c.number(
            &m.essentials_price_elasticity,
            "market.essentials_price_elasticity",
            Unit::Ratio,
            NON_NEGATIVE,
        ),
        essentials_supply_smoothing_per_day: c.number(
            &m.essentials_supply_smoothing_per_day,
            "market.essentials_supply_smoothing_per_day",
            Unit::PerDay,
            Allowed {
                min: f64::MIN_POSITIVE,
                max: 1.0,
                whole: false,
            },
        ),
        essentials_price_cap_multiple: c.number(
            &m.essentials_price_cap_multiple,
            "market.essentials_price_cap_multiple",
            Unit::Multiplier,
            Allowed {
                min: 1.0,
                max: f64::INFINITY,
                whole: false,
            },
        ),
    }
}

fn enforcement(raw: &RawScenario, c: &mut Checker) -> Enforcement {
    let e = &raw.enforcement;
    let mut schedule: Vec<(Date, f64)> = Vec::new();
    for (i, step) in e.schedule.iter().enumerate() {
        let field = format!("enforcement.schedule[{i}]");
        let level = c.number(
            &step.level,
            &format!("{field}.level"),
            Unit::Level,
            UNIT_INTERVAL,
        );
        if let Some(from) = c.date(&step.from, &format!("{field}.from")) {
            if let Some((previous, _)) = schedule.last()
                && from <= *previous
            {
                c.error(
                    step.from.span(),
                    format!("{field}.from"),
                    ErrorKind::Invalid {
                        expected: format!("a date after the previous step's ({previous})"),
                        found: from.to_string(),
                    },
                );
            }
            schedule.push((from, level));
        }
    }
    if e.schedule.is_empty() {
        let at = c.text.text.find("[enforcement]").unwrap_or(0);
        c.error(
            at..at + "[enforcement]".len(),
            "enforcement.schedule",
            ErrorKind::Invalid {
                expected: "at least one [[enforcement.schedule]] step".into(),
                found: "none".into(),
            },
        );
    }
    Enforcement {
        schedule,
        sigma_per_day: c.number(
            &e.sigma_per_day,
            "enforcement.sigma_per_day",
            Unit::Level,
            NON_NEGATIVE,
        ),
        reversion_per_day: c.number(
            &e.reversion_per_day,
            "enforcement.reversion_per_day",
            Unit::PerDay,
            UNIT_INTERVAL,
        ),
        seizure_effect: c.number(
            &e.seizure_effect,
            "enforcement.seizure_effect",
            Unit::Ratio,
            NON_NEGATIVE,
        ),
        capacity_effect: c.number(
            &e.capacity_effect,
            "enforcement.capacity_effect",
            Unit::Ratio,
            UNIT_INTERVAL,
        ),
        barrier_seizure_effect: c.number(
            &e.barrier_seizure_effect,
            "enforcement.barrier_seizure_effect",
            Unit::Ratio,
            NON_NEGATIVE,
        ),
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
    if !modes.iter().any(|m| m.mode == Mode::Convoy) {
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
    raw: &RawScenario,
    c: &mut Checker,
    ids: &Ids,
    goods: &[Good],
) -> Option<StateTrade> {
    let t = &raw.state_trade;
    let planning_probability_per_day = c.probability(
        &t.planning_probability_per_day,
        "state_trade.planning_probability_per_day",
    );
    let official_levy_share = c.share(&t.official_levy_share, "state_trade.official_levy_share");
    let company_share = c.share(&t.company_share, "state_trade.company_share");
    let bureau_fee_share = c.share(&t.bureau_fee_share, "state_trade.bureau_fee_share");
    let room39_share = c.share(&t.room39_share, "state_trade.room39_share");
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
        price_sigma: c.number(
            &t.price_sigma,
            "state_trade.price_sigma",
            Unit::LogSigma,
            NON_NEGATIVE,
        ),
        risk_learning_rate: c.number(
            &t.risk_learning_rate,
            "state_trade.risk_learning_rate",
            Unit::Share,
            UNIT_INTERVAL,
        ),
        prior_seizure_risk: c.probability(&t.prior_seizure_risk, "state_trade.prior_seizure_risk"),
        choice_sensitivity: c.number(
            &t.choice_sensitivity,
            "state_trade.choice_sensitivity",
            Unit::LogitScale,
            NON_NEGATIVE,
        ),
        donju_hurdle_return: c.number(
            &t.donju_hurdle_return,
            "state_trade.donju_hurdle_return",
            Unit::Ratio,
            NON_NEGATIVE,
        ),
    })
}

fn takeover(raw: &RawScenario, c: &mut Checker) -> Option<Takeover> {
    let t = &raw.takeover;
    let first_day = c.date(&t.first_day, "takeover.first_day");
    c.dated_record(
        "takeover.first_day",
        t.first_day.get_ref().clone(),
        t.source.as_ref(),
        t.assumption.as_ref(),
        t.first_day.span(),
    );
    let state_trade_multiplier = c.number(
        &t.state_trade_multiplier,
        "takeover.state_trade_multiplier",
        Unit::Multiplier,
        NON_NEGATIVE,
    );
    let household_crackdown = c.share(&t.household_crackdown, "takeover.household_crackdown");
    let household_bribe_share_of_margin = c.share(
        &t.household_bribe_share_of_margin,
        "takeover.household_bribe_share_of_margin",
    );
    Some(Takeover {
        first_day: first_day?,
        state_trade_multiplier,
        household_crackdown,
        household_bribe_share_of_margin,
    })
}

fn households(
    raw: &RawScenario,
    c: &mut Checker,
    ids: &Ids,
    goods: &[Good],
) -> Option<HouseholdParams> {
    let h = &raw.households;
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
        trips_per_month: c.number(
            &h.trips_per_month,
            "households.trips_per_month",
            Unit::TripsPerMonth,
            Allowed {
                min: 0.0,
                max: 28.0,
                whole: false,
            },
        ),
        kg_per_trip: c.number(
            &h.kg_per_trip,
            "households.kg_per_trip",
            Unit::KgPerTrip,
            NON_NEGATIVE,
        ),
        seizure_probability_per_trip: c.probability(
            &h.seizure_probability_per_trip,
            "households.seizure_probability_per_trip",
        ),
    })
}

fn porter_params(raw: &RawScenario, c: &mut Checker, ids: &Ids) -> Option<PorterParams> {
    let p = &raw.porter;
    let crew_size_min = c.whole(
        &p.crew_size_min,
        "porter.crew_size_min",
        Unit::Porters,
        POSITIVE_COUNT,
    );
    let crew_size_typical_max = c.whole(
        &p.crew_size_typical_max,
        "porter.crew_size_typical_max",
        Unit::Porters,
        POSITIVE_COUNT,
    );
    let crew_size_max = c.whole(
        &p.crew_size_max,
        "porter.crew_size_max",
        Unit::Porters,
        POSITIVE_COUNT,
    );
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
    let large_crew_share = c.share(&p.large_crew_share, "porter.large_crew_share");
    let min_load_kg = c.whole(&p.min_load_kg, "porter.min_load_kg", Unit::Kg, COUNT);
    let max_load_kg = c.whole(
        &p.max_load_kg,
        "porter.max_load_kg",
        Unit::Kg,
        POSITIVE_COUNT,
    );
    c.at_least(
        f64::from(max_load_kg),
        f64::from(min_load_kg),
        "min_load_kg",
        &p.max_load_kg,
        "porter.max_load_kg",
    );
    let strength_mean_kg = c.number(
        &p.strength_mean_kg,
        "porter.strength_mean_kg",
        Unit::Kg,
        POSITIVE,
    );
    let strength_sd_kg = c.number(
        &p.strength_sd_kg,
        "porter.strength_sd_kg",
        Unit::Kg,
        NON_NEGATIVE,
    );
    let runs_per_month = c.number(
        &p.runs_per_month,
        "porter.runs_per_month",
        Unit::RunsPerMonth,
        Allowed {
            min: 0.0,
            max: 28.0,
            whole: false,
        },
    );
    let seizure_probability_per_run = c.probability(
        &p.seizure_probability_per_run,
        "porter.seizure_probability_per_run",
    );
    let sale_price_sigma = c.number(
        &p.sale_price_sigma,
        "porter.sale_price_sigma",
        Unit::LogSigma,
        NON_NEGATIVE,
    );

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
    })
}

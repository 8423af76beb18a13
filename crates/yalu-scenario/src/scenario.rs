//! From the raw file to a validated [`Scenario`]: evidence resolved against the registry,
//! units and ranges checked, ids cross-referenced. Every problem is collected with its
//! location, so the user sees them all at once.

use std::ops::Range;

use jiff::civil::Date;
use serde::Serialize;
use toml::Spanned;
use yalu_model::calendar::{IceSeason, MonthDay, Phase, PhaseKind};
use yalu_model::params::{
    Good, GoodId, MarketParams, ModelParams, PassUp, PorterGood, PorterParams, PorterSite,
    ProfitSplit, QuantityUnit, Sanction, Site, SiteId,
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
    if let (Some(first), Some(last)) = (first_day, last_day)
        && last < first
    {
        c.error(
            meta.last_day.span(),
            "scenario.last_day",
            ErrorKind::EndBeforeStart {
                first: first.to_string(),
                last: last.to_string(),
            },
        );
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

    let mut phases = Vec::new();
    c.unique_ids(raw.phases.iter().map(|p| &p.id), "phases.id");
    for phase in &raw.phases {
        let field = format!("phases[{}]", phase.id.get_ref());
        let kind = match phase.kind.get_ref().as_str() {
            "border_closure" => Some(PhaseKind::BorderClosure),
            other => {
                c.error(
                    phase.kind.span(),
                    format!("{field}.kind"),
                    ErrorKind::Invalid {
                        expected: "`border_closure`".into(),
                        found: format!("`{other}`"),
                    },
                );
                None
            }
        };
        let first = c.date(&phase.first_day, &format!("{field}.first_day"));
        let last = c.date(&phase.last_day, &format!("{field}.last_day"));
        if let (Some(f), Some(l)) = (first, last)
            && l < f
        {
            c.error(
                phase.last_day.span(),
                format!("{field}.last_day"),
                ErrorKind::EndBeforeStart {
                    first: f.to_string(),
                    last: l.to_string(),
                },
            );
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

    c.unique_ids(raw.goods.iter().map(|g| &g.id), "goods.id");
    let good_ids: Vec<String> = raw.goods.iter().map(|g| g.id.get_ref().clone()).collect();
    let mut goods = Vec::new();
    for good in &raw.goods {
        let field = format!("goods[{}]", good.id.get_ref());
        let unit = match good.unit.get_ref().as_str() {
            "kg" => Some(QuantityUnit::Kg),
            "units" => Some(QuantityUnit::Units),
            "barrels" => Some(QuantityUnit::Barrels),
            other => {
                c.error(
                    good.unit.span(),
                    format!("{field}.unit"),
                    ErrorKind::Invalid {
                        expected: "`kg`, `units` or `barrels`".into(),
                        found: format!("`{other}`"),
                    },
                );
                None
            }
        };
        if !matches!(good.direction.get_ref().as_str(), "export" | "import") {
            c.error(
                good.direction.span(),
                format!("{field}.direction"),
                ErrorKind::Invalid {
                    expected: "`export` or `import`".into(),
                    found: format!("`{}`", good.direction.get_ref()),
                },
            );
        }
        if let Some(unit) = unit {
            goods.push(Good {
                id: good.id.get_ref().clone(),
                unit,
            });
        }
    }

    let mut sanctions = Vec::new();
    for sanction in &raw.sanctions {
        let field = format!("sanctions[{}]", sanction.id.get_ref());
        let date = c.date(&sanction.in_force_from, &format!("{field}.in_force_from"));
        let banned: Vec<GoodId> = sanction
            .goods
            .iter()
            .filter_map(|g| {
                c.lookup(g, &good_ids, &format!("{field}.goods"), |id, known| {
                    ErrorKind::UnknownGood { id, known }
                })
            })
            .map(GoodId)
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

    c.unique_ids(raw.sites.iter().map(|s| &s.id), "sites.id");
    let site_ids: Vec<String> = raw.sites.iter().map(|s| s.id.get_ref().clone()).collect();
    let mut sites = Vec::new();
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
        sites.push(SiteInfo {
            id: site.id.get_ref().clone(),
            name: site.name.clone(),
            province: site.province.clone(),
            waterway: site.waterway.clone(),
            china_counterpart: site.china_counterpart.clone(),
            latitude_deg: *site.latitude_deg.get_ref(),
            longitude_deg: *site.longitude_deg.get_ref(),
        });
    }

    let porter = porter_params(raw, c, &site_ids, &good_ids);

    let split = &raw.profit_split;
    let profit_split = ProfitSplit {
        border_guards: c.number(
            &split.border_guards_share,
            "profit_split.border_guards_share",
            Unit::Share,
            UNIT_INTERVAL,
        ),
        donju: c.number(
            &split.donju_share,
            "profit_split.donju_share",
            Unit::Share,
            UNIT_INTERVAL,
        ),
        porters: c.number(
            &split.porters_share,
            "profit_split.porters_share",
            Unit::Share,
            UNIT_INTERVAL,
        ),
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

    let pass_up = PassUp {
        border_guards_to_command: c.number(
            &raw.pass_up.border_guards_to_command_share,
            "pass_up.border_guards_to_command_share",
            Unit::Share,
            UNIT_INTERVAL,
        ),
        command_to_centre: c.number(
            &raw.pass_up.command_to_centre_share,
            "pass_up.command_to_centre_share",
            Unit::Share,
            UNIT_INTERVAL,
        ),
    };

    let m = &raw.market;
    let market = MarketParams {
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
    };
    let cny_per_usd = c.number(
        &raw.exchange.cny_per_usd,
        "exchange.cny_per_usd",
        Unit::CnyPerUsd,
        POSITIVE,
    );

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
            sites: site_ids.iter().map(|id| Site { id: id.clone() }).collect(),
            porter: porter?,
            profit_split,
            pass_up,
            market,
        },
        sites,
        cny_per_usd,
        parameters: Vec::new(),
    })
}

fn porter_params(
    raw: &RawScenario,
    c: &mut Checker,
    site_ids: &[String],
    good_ids: &[String],
) -> Option<PorterParams> {
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
    for (span, field, low, high, what) in [
        (
            p.crew_size_typical_max.get_ref().value.span(),
            "porter.crew_size_typical_max",
            crew_size_min,
            crew_size_typical_max,
            "crew_size_min",
        ),
        (
            p.crew_size_max.get_ref().value.span(),
            "porter.crew_size_max",
            crew_size_typical_max,
            crew_size_max,
            "crew_size_typical_max",
        ),
    ] {
        if high < low {
            c.error(
                span,
                format!("{field}.value"),
                ErrorKind::Invalid {
                    expected: format!("at least {what} ({low})"),
                    found: high.to_string(),
                },
            );
        }
    }
    let large_crew_share = c.number(
        &p.large_crew_share,
        "porter.large_crew_share",
        Unit::Share,
        UNIT_INTERVAL,
    );
    let min_load_kg = c.whole(&p.min_load_kg, "porter.min_load_kg", Unit::Kg, COUNT);
    let max_load_kg = c.whole(
        &p.max_load_kg,
        "porter.max_load_kg",
        Unit::Kg,
        POSITIVE_COUNT,
    );
    if max_load_kg < min_load_kg {
        c.error(
            p.max_load_kg.get_ref().value.span(),
            "porter.max_load_kg.value",
            ErrorKind::Invalid {
                expected: format!("at least min_load_kg ({min_load_kg})"),
                found: max_load_kg.to_string(),
            },
        );
    }
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
    let seizure_probability_per_run = c.number(
        &p.seizure_probability_per_run,
        "porter.seizure_probability_per_run",
        Unit::Probability,
        UNIT_INTERVAL,
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
        let site = c.lookup(&s.site, site_ids, &format!("{field}.site"), |id, known| {
            ErrorKind::UnknownSite { id, known }
        });
        let crews = c.whole(&s.crews, &format!("{field}.crews"), Unit::Crews, COUNT);
        let applicants = c.whole(
            &s.applicants,
            &format!("{field}.applicants"),
            Unit::People,
            COUNT,
        );
        if let Some(site) = site {
            sites.push(PorterSite {
                site: SiteId(site),
                crews,
                applicants,
            });
        }
    }

    c.unique_ids(p.goods.iter().map(|g| &g.good), "porter.goods.good");
    let mut goods = Vec::new();
    for g in &p.goods {
        let field = format!("porter.goods[{}]", g.good.get_ref());
        let good = c.lookup(&g.good, good_ids, &format!("{field}.good"), |id, known| {
            ErrorKind::UnknownGood { id, known }
        });
        let share_of_runs = c.number(
            &g.share_of_runs,
            &format!("{field}.share_of_runs"),
            Unit::Share,
            UNIT_INTERVAL,
        );
        let china_price_cny_per_kg = c.number(
            &g.china_price_cny_per_kg,
            &format!("{field}.china_price_cny_per_kg"),
            Unit::CnyPerKg,
            NON_NEGATIVE,
        );
        let supply_cost_cny_per_kg = c.number(
            &g.supply_cost_cny_per_kg,
            &format!("{field}.supply_cost_cny_per_kg"),
            Unit::CnyPerKg,
            NON_NEGATIVE,
        );
        if let Some(good) = good {
            goods.push(PorterGood {
                good: GoodId(good),
                share_of_runs,
                china_price_cny_per_kg,
                supply_cost_cny_per_kg,
            });
        }
    }
    match (p.goods.first(), p.goods.last()) {
        (Some(first), Some(last)) => {
            let shares: Vec<f64> = goods.iter().map(|g| g.share_of_runs).collect();
            c.shares_sum_to_one(
                &shares,
                first.good.span().start..last.supply_cost_cny_per_kg.span().end,
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

//! From the file to a validated [`Scenario`]. Each section's numeric parameters are read
//! from their declaration in `yalu_model::params` ([`Checker::params`]); what is written here
//! by hand are the ids, dates and lists, and the rules that tie fields together (max >=
//! min, shares summing to 1, references that must exist). Every problem is collected with
//! its location, so the user sees them all at once.

use std::ops::Range;

use jiff::civil::Date;
use serde::Serialize;
use toml::de::DeTable;
use yalu_model::calendar::IceSeason;
use yalu_model::declare::ParamSet;
use yalu_model::params::{
    AgencyPassUp, Bureau, BureauId, CounterpartFleet, CounterpartKind, Couriers, Crossing,
    Diplomats, Direction, Drugs, Enforcement, ExchangeSchedule, Fleet, FleetKind, Good, GoodId,
    HouseholdParams, HouseholdSite, ImportCap, Labour, LandBribes, MASS_KG_PER_UNIT, Maritime,
    MarketParams, Mode, ModeParams, ModelParams, Monitors, PassUp, PorterGood, PorterParams,
    PorterSite, ProfitSplit, QuantityUnit, SeaBribes, SeaCargo, Site, SiteId, StateGood,
    StateTrade, Takeover,
};

use crate::error::{ErrorKind, ScenarioError, ScenarioErrors, SourceText};
use crate::evidence::Registry;
use crate::read::{Checker, Str, Table};
use crate::records::{Evidence, ParameterRecord};

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
    /// The dated events in date order, as `yalu events` lists them.
    pub events: Vec<crate::events::EventRow>,
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
            events: crate::events::event_rows(self),
        }
    }

    /// The embedded baseline.
    pub fn baseline(registry: &Registry) -> Result<Scenario, ScenarioErrors> {
        Scenario::parse(&SourceText::new("<baseline>", BASELINE), registry)
    }

    /// Parses and validates a scenario text.
    pub fn parse(text: &SourceText, registry: &Registry) -> Result<Scenario, ScenarioErrors> {
        let document = DeTable::parse(&text.text).map_err(|e| ScenarioErrors {
            file: text.name.clone(),
            errors: vec![toml_error(text, &e)],
        })?;
        let mut c = Checker::new(text, registry);
        let mut root = Table::new("", &document);
        let scenario = validate(&mut root, &mut c);
        c.finish(root);
        match scenario {
            Some(scenario) if c.errors.is_empty() => Ok(Scenario {
                parameters: c.into_records(),
                ..scenario
            }),
            _ => {
                let mut errors = c.errors;
                if errors.is_empty() {
                    // Every part that failed to convert reports why; this is a safety net.
                    errors.push(ScenarioError::at(
                        text,
                        0..0,
                        "scenario",
                        ErrorKind::Schema("the scenario is incomplete".into()),
                    ));
                }
                errors.sort_by_key(|e| (e.line, e.column));
                Err(ScenarioErrors {
                    file: text.name.clone(),
                    errors,
                })
            }
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

/// The ids other sections refer to.
pub(crate) struct Ids {
    pub sites: Vec<String>,
    pub goods: Vec<String>,
}

fn validate(root: &mut Table, c: &mut Checker) -> Option<Scenario> {
    let mut meta = c.required_table(root, "scenario")?;
    let name = c.string(&mut meta, "name");
    if let Some(name) = &name
        && (name.text.trim().is_empty()
            || !name
                .text
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
    {
        c.error(
            name.span.clone(),
            "scenario.name",
            ErrorKind::Invalid {
                expected: "a name of letters, digits, - and _ (it names the output folder)".into(),
                found: format!("`{}`", name.text),
            },
        );
    }
    let description = c.string(&mut meta, "description");
    let first_text = c.string(&mut meta, "first_day");
    let last_text = c.string(&mut meta, "last_day");
    let first_day = first_text
        .as_ref()
        .and_then(|d| c.date(d, "scenario.first_day"));
    let last_day = last_text
        .as_ref()
        .and_then(|d| c.date(d, "scenario.last_day"));
    if let (Some(first), Some(last), Some(text)) = (first_day, last_day, &last_text) {
        ordered(c, first, last, text, "scenario.last_day");
    }
    let seed = c.whole_u64(&mut meta, "seed");
    c.finish(meta);
    c.window = first_day.zip(last_day);

    let ice_season = calendar(root, c);
    let (goods, good_ids) = goods(root, c);

    // Sites name their bureau, which [state_trade] defines: read the bureau ids first.
    let mut state_trade_table = c.table(root, "state_trade");
    let mut bureau_tables = state_trade_table
        .as_mut()
        .map(|t| c.tables(t, "bureaus"))
        .unwrap_or_default();
    let mut bureau_ids = Vec::new();
    for b in &mut bureau_tables {
        bureau_ids.push(c.string(b, "id"));
    }
    let (sites, site_infos, site_ids) = sites(root, c, &bureau_ids);
    let ids = Ids {
        sites: site_ids,
        goods: good_ids,
    };
    let events = crate::events::events(root, c, &ids);

    let mut porter_table = c.table(root, "porter");
    let mut split_table = c.table(root, "profit_split");
    let mut pass_up_table = c.table(root, "pass_up");
    let mut market_table = c.required_table(root, "market");
    let mut exchange_table = c.required_table(root, "exchange");
    let mut enforcement_table = c.table(root, "enforcement");
    let mut takeover_table = c.table(root, "takeover");
    let mut households_table = c.table(root, "households");
    let mut couriers_table = c.table(root, "couriers");
    let mut diplomats_table = c.table(root, "diplomats");
    let mut labour_table = c.table(root, "labour");
    let mut drugs_table = c.table(root, "drugs");
    let mut maritime_table = c.table(root, "maritime");

    let porter = porter_table
        .as_mut()
        .and_then(|p| porter_params(p, split_table.as_mut(), c, &ids));
    if porter_table.is_none()
        && let Some(split) = split_table.as_mut()
    {
        // A split without porters is still checked, so its mistakes are not silent.
        profit_split(split, c);
    }
    let officials_paid = porter_table.is_some()
        || state_trade_table.is_some()
        || households_table.is_some()
        || maritime_table.is_some();
    let pass_up = required(
        c,
        pass_up_table.as_mut(),
        officials_paid,
        "pass_up",
        "officials are paid in this scenario",
    )
    .map(|p| pass_up(p, c));
    let market = market_table.as_mut().map(|m| {
        let values = c.params::<MarketParams>(m);
        MarketParams::from_values(&values)
    });
    let exchange = exchange_table.as_mut().map(|e| exchange(e, c));
    let border_trade = state_trade_table.is_some() || households_table.is_some();
    let enforcement = required(
        c,
        enforcement_table.as_mut(),
        border_trade,
        "enforcement",
        "state trade or households cross the border",
    )
    .map(|e| enforcement(e, c));
    let modes = modes(root, c, state_trade_table.is_some());
    let crossings = crossings(root, c, &ids, &modes);
    let state_trade = state_trade_table
        .as_mut()
        .and_then(|t| state_trade(t, bureau_tables, &bureau_ids, c, &ids, &goods));
    let takeover = takeover_table.as_mut().and_then(|t| takeover(t, c));
    let households = households_table
        .as_mut()
        .and_then(|h| households(h, c, &ids, &goods));
    let couriers = couriers_table.as_mut().map(|x| {
        let values = c.params::<Couriers>(x);
        Couriers::from_values(&values)
    });
    let diplomats = diplomats_table.as_mut().map(|x| diplomats(x, c));
    let labour = labour_table.as_mut().map(|x| labour(x, c));
    let drugs = drugs_table.as_mut().and_then(|x| drugs(x, c, &ids, &goods));
    let maritime = maritime_table
        .as_mut()
        .and_then(|x| maritime(x, c, &ids, &goods));

    for table in [
        state_trade_table,
        porter_table,
        split_table,
        pass_up_table,
        market_table,
        exchange_table,
        enforcement_table,
        takeover_table,
        households_table,
        couriers_table,
        diplomats_table,
        labour_table,
        drugs_table,
        maritime_table,
    ]
    .into_iter()
    .flatten()
    {
        c.finish(table);
    }

    Some(Scenario {
        name: name?.text.to_owned(),
        description: description?.text.trim().to_owned(),
        seed: seed?,
        params: ModelParams {
            first_day: first_day?,
            last_day: last_day?,
            ice_season: ice_season?,
            events,
            goods: goods.into_iter().collect::<Option<_>>()?,
            sites,
            market: market?,
            exchange: exchange?,
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

/// A section that must be present when `needed`; reports its absence.
fn required<'s, 't, 'i>(
    c: &mut Checker,
    section: Option<&'s mut Table<'t, 'i>>,
    needed: bool,
    name: &str,
    why: &str,
) -> Option<&'s mut Table<'t, 'i>> {
    if needed && section.is_none() {
        c.error(
            0..0,
            name,
            ErrorKind::Invalid {
                expected: format!("a [{name}] table, because {why}"),
                found: "none".into(),
            },
        );
    }
    section
}

pub(crate) fn ordered(c: &mut Checker, first: Date, last: Date, last_text: &Str, field: &str) {
    if last < first {
        c.error(
            last_text.span.clone(),
            field,
            ErrorKind::EndBeforeStart {
                first: first.to_string(),
                last: last.to_string(),
            },
        );
    }
}

fn shares_sum_to_one(c: &mut Checker, shares: &[f64], span: Range<usize>, field: &str) {
    let sum: f64 = shares.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        c.error(span, field, ErrorKind::SharesDoNotSumToOne { sum });
    }
}

/// Looks up an id among `known`, reporting unknown ones.
fn lookup(
    c: &mut Checker,
    id: &Str,
    known: &[String],
    field: &str,
    unknown: impl Fn(String, String) -> ErrorKind,
) -> Option<u16> {
    let found = known.iter().position(|k| k == id.text);
    if found.is_none() {
        c.error(
            id.span.clone(),
            field,
            unknown(id.text.to_owned(), known.join(", ")),
        );
    }
    found.map(|i| i as u16)
}

pub(crate) fn site(c: &mut Checker, id: &Str, ids: &Ids, field: &str) -> Option<SiteId> {
    lookup(c, id, &ids.sites, field, |id, known| {
        ErrorKind::UnknownSite { id, known }
    })
    .map(SiteId)
}

pub(crate) fn good(c: &mut Checker, id: &Str, ids: &Ids, field: &str) -> Option<GoodId> {
    lookup(c, id, &ids.goods, field, |id, known| {
        ErrorKind::UnknownGood { id, known }
    })
    .map(GoodId)
}

/// The string under `key` resolved as a site id.
fn site_at(c: &mut Checker, t: &mut Table, key: &'static str, ids: &Ids) -> Option<SiteId> {
    let id = c.string(t, key)?;
    let field = format!("{}.{key}", t.path);
    site(c, &id, ids, &field)
}

/// The string under `key` resolved as a good id.
fn good_at(c: &mut Checker, t: &mut Table, key: &'static str, ids: &Ids) -> Option<GoodId> {
    let id = c.string(t, key)?;
    let field = format!("{}.{key}", t.path);
    good(c, &id, ids, &field)
}

/// Reports ids defined twice.
fn unique_ids(c: &mut Checker, ids: &[Option<Str>], field: &str) {
    let mut seen: Vec<&str> = Vec::new();
    for id in ids.iter().flatten() {
        if seen.contains(&id.text) {
            c.error(
                id.span.clone(),
                field,
                ErrorKind::Duplicate(id.text.to_owned()),
            );
        }
        seen.push(id.text);
    }
}

/// Reads each table's identifying key, names the table after it (`section[id]`) and reports
/// duplicates; the ids are returned in table order.
pub(crate) fn identify<'t>(
    c: &mut Checker,
    tables: &mut [Table<'t, '_>],
    section: &str,
    key: &'static str,
) -> Vec<Option<Str<'t>>> {
    let ids: Vec<Option<Str<'t>>> = tables.iter_mut().map(|t| c.string(t, key)).collect();
    for id in ids.iter().flatten() {
        let text = id.text;
        if text.trim().is_empty()
            || text.trim() != text
            || text
                .chars()
                .any(|ch| ch.is_control() || "/[]\"".contains(ch))
        {
            c.error(
                id.span.clone(),
                format!("{section}.{key}"),
                ErrorKind::Invalid {
                    expected: "a non-empty id without surrounding spaces, `/`, `[`, `]` or \
                               `\"` (ids key paths and summary rows)"
                        .into(),
                    found: format!("`{text}`"),
                },
            );
        }
    }
    for (t, id) in tables.iter_mut().zip(&ids) {
        if let Some(id) = id {
            t.path = format!("{section}[{}]", id.text);
        }
    }
    unique_ids(c, &ids, &format!("{section}.{key}"));
    ids
}

/// A value that must be at least `low` (from another field named `what`).
fn at_least(c: &mut Checker, t: &Table, key: &str, value: f64, low: f64, what: &str) {
    if value < low {
        c.error(
            t.span_of(key),
            format!("{}.{key}.value", t.path),
            ErrorKind::Invalid {
                expected: format!("at least {what} ({low})"),
                found: value.to_string(),
            },
        );
    }
}

pub(crate) fn one_of<T: Copy>(
    c: &mut Checker,
    text: &Str,
    field: &str,
    choices: &[(&str, T)],
) -> Option<T> {
    let found = choices
        .iter()
        .find(|(name, _)| *name == text.text)
        .map(|(_, v)| *v);
    if found.is_none() {
        let expected = choices
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        c.error(
            text.span.clone(),
            field,
            ErrorKind::Invalid {
                expected,
                found: format!("`{}`", text.text),
            },
        );
    }
    found
}

/// The string under `key`, which must be one of `choices`.
pub(crate) fn choice<T: Copy>(
    c: &mut Checker,
    t: &mut Table,
    key: &'static str,
    choices: &[(&str, T)],
) -> Option<T> {
    let text = c.string(t, key)?;
    let field = format!("{}.{key}", t.path);
    one_of(c, &text, &field, choices)
}

/// The good `id` names, if its table was valid.
fn spec_of(goods: &[Option<Good>], id: GoodId) -> Option<&Good> {
    goods.get(usize::from(id.0)).and_then(Option::as_ref)
}

/// A good counted in `unit`, or an error saying so.
fn good_in_unit(
    c: &mut Checker,
    id: &Str,
    good: GoodId,
    goods: &[Option<Good>],
    unit: QuantityUnit,
    field: &str,
) {
    if spec_of(goods, good).is_some_and(|g| g.unit != unit) {
        c.error(
            id.span.clone(),
            field,
            ErrorKind::Invalid {
                expected: format!("a good counted in {}", unit.name()),
                found: format!("`{}`", id.text),
            },
        );
    }
}

/// An error for a list that must not be empty.
fn none_given(c: &mut Checker, span: Range<usize>, field: &str, expected: &str) {
    c.error(
        span,
        field,
        ErrorKind::Invalid {
            expected: expected.into(),
            found: "none".into(),
        },
    );
}

/// Dated steps `(from, value)` in strictly increasing date order, at least one; `value`
/// reads each step's parameter, with the checker's window set to the days the step is in
/// force (so a cited claim must cover them).
fn schedule(
    c: &mut Checker,
    t: &mut Table,
    key: &'static str,
    mut value: impl FnMut(&mut Checker, &mut Table) -> f64,
) -> Vec<(Date, f64)> {
    let field = format!("{}.{key}", t.path);
    let mut steps = c.tables(t, key);
    if steps.is_empty() {
        none_given(
            c,
            t.span.clone(),
            &field,
            &format!("at least one [[{field}]] step"),
        );
    }
    let mut dates: Vec<Option<Date>> = Vec::new();
    for step in &mut steps {
        let from_field = format!("{}.from", step.path);
        let date = c.string(step, "from").and_then(|text| {
            let date = c.date(&text, &from_field)?;
            if let Some(previous) = dates.iter().flatten().next_back()
                && date <= *previous
            {
                c.error(
                    text.span.clone(),
                    &from_field,
                    ErrorKind::Invalid {
                        expected: format!("a date after the previous step's ({previous})"),
                        found: date.to_string(),
                    },
                );
            }
            Some(date)
        });
        dates.push(date);
    }
    let horizon = c.window;
    // The first step stands from the horizon's first day: a schedule that starts later
    // would leave the first days without a value.
    if let (Some(Some(first_step)), Some((first, _))) = (dates.first(), horizon)
        && *first_step > first
    {
        let from = steps.first().map_or(t.span.clone(), |s| s.span_of("from"));
        c.error(
            from,
            format!("{field}[0].from"),
            ErrorKind::Invalid {
                expected: format!(
                    "a first step from on or before the scenario's first day ({first}), so \
                     the schedule covers the whole horizon"
                ),
                found: first_step.to_string(),
            },
        );
    }
    let mut schedule = Vec::new();
    for (i, mut step) in steps.into_iter().enumerate() {
        let next = dates[i + 1..].iter().flatten().next();
        // The first step's value also stands before its date (schedules begin with it); a
        // step that ends before the horizon starts is never used: no window to cover.
        c.window = match (dates[i], horizon) {
            (Some(from), Some((first, last))) => {
                let start = if i == 0 { first } else { from.max(first) };
                let end = next.and_then(|n| n.yesterday().ok()).unwrap_or(last);
                Some((start, end.min(last))).filter(|(a, b)| a <= b)
            }
            _ => horizon,
        };
        let v = value(c, &mut step);
        if let Some(from) = dates[i] {
            schedule.push((from, v));
        }
        c.finish(step);
    }
    c.window = horizon;
    schedule
}

fn calendar(root: &mut Table, c: &mut Checker) -> Option<IceSeason> {
    let mut cal = c.required_table(root, "calendar")?;
    let first_text = c.string(&mut cal, "ice_first_day");
    let last_text = c.string(&mut cal, "ice_last_day");
    let first = first_text
        .as_ref()
        .and_then(|d| c.month_day(d, "calendar.ice_first_day"));
    let last = last_text
        .as_ref()
        .and_then(|d| c.month_day(d, "calendar.ice_last_day"));
    if let (Some(f), Some(l)) = (&first_text, &last_text) {
        let value = format!("{} to {}", f.text, l.text);
        c.text_record(
            &mut cal,
            "calendar.ice_season",
            value,
            "date",
            f.span.clone(),
        );
    }
    c.finish(cal);
    Some(IceSeason {
        first: first?,
        last: last?,
    })
}

/// The goods, one entry per `[[goods]]` table in file order (`None` where the table has
/// errors, already reported), so a [`GoodId`] always indexes the good its id names.
fn goods(root: &mut Table, c: &mut Checker) -> (Vec<Option<Good>>, Vec<String>) {
    let mut tables = c.tables(root, "goods");
    let ids = identify(c, &mut tables, "goods", "id");
    let good_ids = ids
        .iter()
        .map(|id| id.as_ref().map_or(String::new(), |i| i.text.to_owned()))
        .collect();
    let mut goods = Vec::new();
    for (mut t, id) in tables.into_iter().zip(ids) {
        let field = t.path.clone();
        c.string(&mut t, "name");
        let unit = choice(
            c,
            &mut t,
            "unit",
            &[
                ("kg", QuantityUnit::Kg),
                ("g", QuantityUnit::Grams),
                ("units", QuantityUnit::Units),
                ("barrels", QuantityUnit::Barrels),
            ],
        );
        let direction = choice(
            c,
            &mut t,
            "direction",
            &[("export", Direction::Export), ("import", Direction::Import)],
        );
        let mass_given = t.span_of("mass_kg_per_unit") != t.span;
        let mass_kg_per_unit = match (mass_given, unit) {
            (true, Some(QuantityUnit::Kg | QuantityUnit::Grams)) => {
                c.param(&mut t, &MASS_KG_PER_UNIT);
                c.error(
                    t.span_of("mass_kg_per_unit"),
                    format!("{field}.mass_kg_per_unit"),
                    ErrorKind::Invalid {
                        expected: "no mass_kg_per_unit for a good counted in kg or g".into(),
                        found: "a mass".into(),
                    },
                );
                1.0
            }
            (false, Some(QuantityUnit::Kg) | None) => 1.0,
            (false, Some(QuantityUnit::Grams)) => 0.001,
            (true, _) => c.param(&mut t, &MASS_KG_PER_UNIT),
            (false, Some(_)) => {
                none_given(
                    c,
                    id.as_ref().map_or(t.span.clone(), |i| i.span.clone()),
                    &format!("{field}.mass_kg_per_unit"),
                    "a mass_kg_per_unit for a good counted in units or barrels",
                );
                1.0
            }
        };
        let values = c.params::<Good>(&mut t);
        goods.push(match (id, unit, direction) {
            (Some(id), Some(unit), Some(direction)) => Some(Good::from_values(
                id.text.to_owned(),
                unit,
                direction,
                mass_kg_per_unit,
                &values,
            )),
            _ => None,
        });
        c.finish(t);
    }
    (goods, good_ids)
}

fn sites(
    root: &mut Table,
    c: &mut Checker,
    bureau_ids: &[Option<Str>],
) -> (Vec<Site>, Vec<SiteInfo>, Vec<String>) {
    let bureau_ids: Vec<String> = bureau_ids
        .iter()
        .flatten()
        .map(|b| b.text.to_owned())
        .collect();
    let mut tables = c.tables(root, "sites");
    let ids = identify(c, &mut tables, "sites", "id");
    let site_ids = ids
        .iter()
        .map(|id| id.as_ref().map_or(String::new(), |i| i.text.to_owned()))
        .collect();
    let (mut sites, mut infos) = (Vec::new(), Vec::new());
    for (mut t, id) in tables.into_iter().zip(ids) {
        let field = t.path.clone();
        let mut text = |c: &mut Checker, key| c.string(&mut t, key).map(|s| s.text.to_owned());
        let (name, province, waterway, china_counterpart) = (
            text(c, "name"),
            text(c, "province"),
            text(c, "waterway"),
            text(c, "china_counterpart"),
        );
        let mut coordinates = [0.0; 2];
        for (i, (key, limit)) in [("latitude_deg", 90.0), ("longitude_deg", 180.0)]
            .into_iter()
            .enumerate()
        {
            if let Some(coordinate) = c.number(&mut t, key) {
                coordinates[i] = *coordinate.get_ref();
                if !(-limit..=limit).contains(coordinate.get_ref()) {
                    c.error(
                        coordinate.span(),
                        format!("{field}.{key}"),
                        ErrorKind::Invalid {
                            expected: format!("degrees in [-{limit}, {limit}]"),
                            found: coordinate.get_ref().to_string(),
                        },
                    );
                }
            }
        }
        if let Some(id) = &id {
            let value = format!("{:.3} N, {:.3} E", coordinates[0], coordinates[1]);
            let path = format!("{field}.location");
            c.text_record(&mut t, &path, value, "degrees", id.span.clone());
        }
        let bureau = c.opt_string(&mut t, "bureau").and_then(|b| {
            lookup(
                c,
                &b,
                &bureau_ids,
                &format!("{field}.bureau"),
                |id, known| ErrorKind::Invalid {
                    expected: format!("a bureau id from [[state_trade.bureaus]]: {known}"),
                    found: format!("`{id}`"),
                },
            )
        });
        let values = c.params::<Site>(&mut t);
        if let Some(id) = id {
            sites.push(Site::from_values(
                id.text.to_owned(),
                bureau.map(BureauId),
                &values,
            ));
            infos.push(SiteInfo {
                id: id.text.to_owned(),
                name: name.unwrap_or_default(),
                province: province.unwrap_or_default(),
                waterway: waterway.unwrap_or_default(),
                china_counterpart: china_counterpart.unwrap_or_default(),
                latitude_deg: coordinates[0],
                longitude_deg: coordinates[1],
            });
        }
        c.finish(t);
    }
    (sites, infos, site_ids)
}

const AGENCIES: [&str; 4] = [
    "customs",
    "state_security",
    "public_security",
    "border_guards",
];

fn pass_up(p: &mut Table, c: &mut Checker) -> PassUp {
    let mut pass_up = PassUp {
        unit_to_senior: [0.0; 4],
        senior_to_centre: [0.0; 4],
    };
    for (a, name) in AGENCIES.into_iter().enumerate() {
        if let Some(mut agency) = c.required_table(p, name) {
            let values = c.params::<AgencyPassUp>(&mut agency);
            let shares = AgencyPassUp::from_values(&values);
            pass_up.unit_to_senior[a] = shares.unit_to_senior_share;
            pass_up.senior_to_centre[a] = shares.senior_to_centre_share;
            c.finish(agency);
        }
    }
    pass_up
}

fn enforcement(e: &mut Table, c: &mut Checker) -> Enforcement {
    let schedule = schedule(c, e, "schedule", |c, step| {
        c.param(step, &yalu_model::params::ENFORCEMENT_LEVEL)
    });
    let values = c.params::<Enforcement>(e);
    Enforcement::from_values(schedule, &values)
}

fn exchange(e: &mut Table, c: &mut Checker) -> ExchangeSchedule {
    ExchangeSchedule {
        steps: schedule(c, e, "schedule", |c, step| {
            c.param(step, &yalu_model::params::CNY_PER_USD)
        }),
    }
}

const STATE_MODES: [(&str, Mode); 3] = [
    ("convoy", Mode::Convoy),
    ("ice_truck", Mode::IceTruck),
    ("boat", Mode::Boat),
];

fn modes(root: &mut Table, c: &mut Checker, state_trade: bool) -> Vec<ModeParams> {
    let mut tables = c.tables(root, "modes");
    let names = identify(c, &mut tables, "modes", "mode");
    let mut modes = Vec::new();
    for (mut t, name) in tables.into_iter().zip(names) {
        let field = format!("{}.mode", t.path);
        let mode = name.and_then(|n| one_of(c, &n, &field, &STATE_MODES));
        let values = c.params::<ModeParams>(&mut t);
        if let Some(mode) = mode {
            modes.push(ModeParams::from_values(mode, &values));
        }
        c.finish(t);
    }
    if state_trade && !modes.iter().any(|m| m.mode == Mode::Convoy) {
        let at = c.text.text.find("[[modes]]").unwrap_or(0);
        none_given(
            c,
            at..at + 9,
            "modes",
            "a `convoy` entry (the official customs route uses it)",
        );
    }
    modes
}

fn crossings(root: &mut Table, c: &mut Checker, ids: &Ids, modes: &[ModeParams]) -> Vec<Crossing> {
    let mut crossings: Vec<Crossing> = Vec::new();
    for mut t in c.tables(root, "crossings") {
        let site_text = c.string(&mut t, "site");
        let mode_text = c.string(&mut t, "mode");
        let (Some(site_text), Some(mode_text)) = (site_text, mode_text) else {
            c.finish(t);
            continue;
        };
        t.path = format!("crossings[{}/{}]", site_text.text, mode_text.text);
        let field = t.path.clone();
        let site = site(c, &site_text, ids, &format!("{field}.site"));
        let mode = one_of(c, &mode_text, &format!("{field}.mode"), &STATE_MODES);
        if let Some(mode) = mode
            && !modes.iter().any(|m| m.mode == mode)
        {
            c.error(
                mode_text.span.clone(),
                format!("{field}.mode"),
                ErrorKind::Invalid {
                    expected: "a mode described in [[modes]]".into(),
                    found: format!("`{}`", mode_text.text),
                },
            );
        }
        let values = c.params::<Crossing>(&mut t);
        if let (Some(site), Some(mode)) = (site, mode) {
            if crossings.iter().any(|k| k.site == site && k.mode == mode) {
                c.error(
                    mode_text.span.clone(),
                    &field,
                    ErrorKind::Duplicate(field.clone()),
                );
            }
            crossings.push(Crossing::from_values(site, mode, &values));
        }
        c.finish(t);
    }
    crossings
}

fn state_trade<'t>(
    t: &mut Table<'t, '_>,
    mut bureau_tables: Vec<Table<'t, '_>>,
    bureau_ids: &[Option<Str<'t>>],
    c: &mut Checker,
    ids: &Ids,
    goods: &[Option<Good>],
) -> Option<StateTrade> {
    let values = c.params::<StateTrade>(t);
    let levels = StateTrade::SPECS.iter().map(|s| s.key);
    let share = |key: &str| {
        levels
            .clone()
            .position(|k| k == key)
            .map_or(0.0, |i| values[i])
    };
    let (bureau_fee_share, room39_share) = (share("bureau_fee_share"), share("room39_share"));
    if bureau_fee_share + room39_share > 1.0 {
        c.error(
            t.span_of("room39_share"),
            "state_trade.room39_share",
            ErrorKind::Invalid {
                expected: format!("at most 1 - bureau_fee_share ({})", 1.0 - bureau_fee_share),
                found: room39_share.to_string(),
            },
        );
    }
    let bribes = c.required_table(t, "bribe_cny_per_load").map(|mut b| {
        let values = c.params::<LandBribes>(&mut b);
        c.finish(b);
        LandBribes::from_values(&values).by_agency()
    });

    for (b, id) in bureau_tables.iter_mut().zip(bureau_ids) {
        if let Some(id) = id {
            b.path = format!("state_trade.bureaus[{}]", id.text);
        }
    }
    unique_ids(c, bureau_ids, "state_trade.bureaus.id");
    let mut bureaus = Vec::new();
    let mut shares = Vec::new();
    let span = bureau_tables.first().map(|f| f.span.start).unwrap_or(0)
        ..bureau_tables.last().map(|l| l.span.end).unwrap_or(0);
    for (mut b, id) in bureau_tables.into_iter().zip(bureau_ids) {
        let customs_site = site_at(c, &mut b, "customs_site", ids);
        let values = c.params::<Bureau>(&mut b);
        if let (Some(id), Some(customs_site)) = (id, customs_site) {
            let bureau = Bureau::from_values(id.text.to_owned(), customs_site, &values);
            shares.push(bureau.share_of_targets);
            bureaus.push(bureau);
        }
        c.finish(b);
    }
    if !span.is_empty() {
        shares_sum_to_one(c, &shares, span, "state_trade.bureaus.share_of_targets");
    }

    let mut good_tables = c.tables(t, "goods");
    let good_names = identify(c, &mut good_tables, "state_trade.goods", "good");
    let mut state_goods = Vec::new();
    for (mut g, name) in good_tables.into_iter().zip(good_names) {
        let field = g.path.clone();
        let good = name
            .as_ref()
            .and_then(|n| self::good(c, n, ids, &format!("{field}.good")));
        let driven_across = c.boolean(&mut g, "driven_across");
        let values = c.params::<StateGood>(&mut g);
        let state_good = StateGood::from_values(
            good.unwrap_or(GoodId(0)),
            driven_across.unwrap_or(false),
            &values,
        );
        at_least(
            c,
            &g,
            "consignment_units_max",
            f64::from(state_good.consignment_units_max),
            f64::from(state_good.consignment_units_min),
            "consignment_units_min",
        );
        if let (Some(good), Some(name)) = (good, &name) {
            if state_good.driven_across
                && spec_of(goods, good).is_some_and(|x| x.unit != QuantityUnit::Units)
            {
                c.error(
                    name.span.clone(),
                    format!("{field}.driven_across"),
                    ErrorKind::Invalid {
                        expected: "a good counted in units (vehicles) when driven_across = true"
                            .into(),
                        found: format!("`{}`", name.text),
                    },
                );
            }
            if driven_across.is_some() {
                state_goods.push(state_good);
            }
        }
        c.finish(g);
    }
    Some(StateTrade::from_values(
        bureaus,
        state_goods,
        bribes?,
        &values,
    ))
}

fn takeover(t: &mut Table, c: &mut Checker) -> Option<Takeover> {
    let first_text = c.string(t, "first_day");
    let first_day = first_text
        .as_ref()
        .and_then(|d| c.date(d, "takeover.first_day"));
    if let Some(d) = &first_text {
        c.text_record(
            t,
            "takeover.first_day",
            d.text.to_owned(),
            "date",
            d.span.clone(),
        );
    }
    let values = c.params::<Takeover>(t);
    Some(Takeover::from_values(first_day?, &values))
}

fn households(
    h: &mut Table,
    c: &mut Checker,
    ids: &Ids,
    goods: &[Option<Good>],
) -> Option<HouseholdParams> {
    let good_text = c.string(h, "good");
    let good = good_text.as_ref().and_then(|g| {
        let found = good(c, g, ids, "households.good");
        if let Some(found) = found {
            good_in_unit(c, g, found, goods, QuantityUnit::Kg, "households.good");
        }
        found
    });
    let mut households_at_site = vec![0; ids.sites.len()];
    let mut tables = c.tables(h, "sites");
    let sites = identify(c, &mut tables, "households.sites", "site");
    for (mut s, id) in tables.into_iter().zip(sites) {
        let field = format!("{}.site", s.path);
        let site = id.and_then(|id| site(c, &id, ids, &field));
        let values = c.params::<HouseholdSite>(&mut s);
        if let Some(site) = site {
            households_at_site[site.0 as usize] = HouseholdSite::from_values(&values).households;
        }
        c.finish(s);
    }
    let values = c.params::<HouseholdParams>(h);
    Some(HouseholdParams::from_values(
        households_at_site,
        good?,
        &values,
    ))
}

fn profit_split(split: &mut Table, c: &mut Checker) -> ProfitSplit {
    let values = c.params::<ProfitSplit>(split);
    let profit_split = ProfitSplit::from_values(&values);
    shares_sum_to_one(
        c,
        &values,
        split.span_of("border_guards_share").start..split.span_of("porters_share").end,
        "profit_split",
    );
    profit_split
}

fn porter_params(
    p: &mut Table,
    split: Option<&mut Table>,
    c: &mut Checker,
    ids: &Ids,
) -> Option<PorterParams> {
    let split = required(
        c,
        split,
        true,
        "profit_split",
        "the scenario has porter crews",
    )
    .map(|s| profit_split(s, c));
    let values = c.params::<PorterParams>(p);
    let mut sites = Vec::new();
    let mut site_tables = c.tables(p, "sites");
    let site_ids = identify(c, &mut site_tables, "porter.sites", "site");
    for (mut s, id) in site_tables.into_iter().zip(site_ids) {
        let field = format!("{}.site", s.path);
        let site = id.and_then(|id| site(c, &id, ids, &field));
        let values = c.params::<PorterSite>(&mut s);
        if let Some(site) = site {
            sites.push(PorterSite::from_values(site, &values));
        }
        c.finish(s);
    }

    let mut good_tables = c.tables(p, "goods");
    let good_ids = identify(c, &mut good_tables, "porter.goods", "good");
    let span = good_tables.first().map(|f| f.span.start).unwrap_or(0)
        ..good_tables.last().map(|l| l.span.end).unwrap_or(0);
    let mut porter_goods = Vec::new();
    for (mut g, id) in good_tables.into_iter().zip(good_ids) {
        let field = format!("{}.good", g.path);
        let good = id.and_then(|id| good(c, &id, ids, &field));
        let values = c.params::<PorterGood>(&mut g);
        if let Some(good) = good {
            porter_goods.push(PorterGood::from_values(good, &values));
        }
        c.finish(g);
    }
    if span.is_empty() {
        let at = c.text.text.find("[porter]").unwrap_or(0);
        none_given(
            c,
            at..at + "[porter]".len(),
            "porter.goods",
            "at least one [[porter.goods]] entry",
        );
    } else {
        let shares: Vec<f64> = porter_goods.iter().map(|g| g.share_of_runs).collect();
        shares_sum_to_one(c, &shares, span, "porter.goods.share_of_runs");
    }

    let porter = PorterParams::from_values(sites, porter_goods, split?, &values);
    at_least(
        c,
        p,
        "crew_size_typical_max",
        f64::from(porter.crew_size_typical_max),
        f64::from(porter.crew_size_min),
        "crew_size_min",
    );
    at_least(
        c,
        p,
        "crew_size_max",
        f64::from(porter.crew_size_max),
        f64::from(porter.crew_size_typical_max),
        "crew_size_typical_max",
    );
    at_least(
        c,
        p,
        "max_load_kg",
        f64::from(porter.max_load_kg),
        f64::from(porter.min_load_kg),
        "min_load_kg",
    );
    Some(porter)
}

fn diplomats(x: &mut Table, c: &mut Checker) -> Diplomats {
    let mut expulsions = Vec::new();
    for mut e in c.tables(x, "expulsions") {
        let closed = c.param(&mut e, &yalu_model::params::EMBASSIES_CLOSED);
        let field = format!("{}.date", e.path);
        if let Some(text) = c.string(&mut e, "date")
            && let Some(date) = c.date(&text, &field)
        {
            expulsions.push((date, closed as u32));
        }
        c.finish(e);
    }
    let values = c.params::<Diplomats>(x);
    Diplomats::from_values(expulsions, &values)
}

fn labour(x: &mut Table, c: &mut Checker) -> Labour {
    let values = c.params::<Labour>(x);
    Labour::from_values(&values)
}

fn drugs(x: &mut Table, c: &mut Checker, ids: &Ids, goods: &[Option<Good>]) -> Option<Drugs> {
    let mut drug_good = |c: &mut Checker, key: &'static str| {
        let text = c.string(x, key)?;
        let field = format!("drugs.{key}");
        let found = good(c, &text, ids, &field)?;
        good_in_unit(c, &text, found, goods, QuantityUnit::Grams, &field);
        Some(found)
    };
    let heroin = drug_good(c, "heroin_good");
    let methamphetamine = drug_good(c, "methamphetamine_good");
    let border_site = site_at(c, x, "border_site", ids);
    let sea_site = site_at(c, x, "sea_site", ids);
    let values = c.params::<Drugs>(x);
    Some(Drugs::from_values(
        heroin?,
        methamphetamine?,
        border_site?,
        sea_site?,
        &values,
    ))
}

fn maritime(x: &mut Table, c: &mut Checker, ids: &Ids, goods: &[Option<Good>]) -> Option<Maritime> {
    let sts_zone = site_at(c, x, "sts_zone", ids);
    let values = c.params::<Maritime>(x);
    let bribes = c.required_table(x, "bribe_cny_per_t").map(|mut b| {
        let values = c.params::<SeaBribes>(&mut b);
        c.finish(b);
        SeaBribes::from_values(&values).by_agency()
    });
    let monitors = c.required_table(x, "monitors").map(|mut m| {
        let values = c.params::<Monitors>(&mut m);
        c.finish(m);
        Monitors::from_values(&values)
    });
    let cap = c.table(x, "cap").and_then(|mut cap| {
        let good = good_at(c, &mut cap, "good", ids);
        if let Some(g) = good
            && spec_of(goods, g).is_some_and(|x| x.unit != QuantityUnit::Barrels)
        {
            c.error(
                cap.span_of("good"),
                "maritime.cap.good",
                ErrorKind::Invalid {
                    expected: "a good counted in barrels".into(),
                    found: format!(
                        "`{}`",
                        ids.goods.get(g.0 as usize).map_or("", String::as_str)
                    ),
                },
            );
        }
        let values = c.params::<ImportCap>(&mut cap);
        c.finish(cap);
        Some(ImportCap::from_values(good?, &values))
    });

    let mut cargo_tables = c.tables(x, "cargoes");
    let cargo_ids = identify(c, &mut cargo_tables, "maritime.cargoes", "good");
    let carried: Vec<&str> = cargo_ids.iter().flatten().map(|g| g.text).collect();
    let mut cargoes = Vec::new();
    for (mut cargo, id) in cargo_tables.into_iter().zip(&cargo_ids) {
        let field = format!("{}.good", cargo.path);
        let good = id.as_ref().and_then(|id| good(c, id, ids, &field));
        let port = site_at(c, &mut cargo, "port", ids);
        if let (Some(good), Some(port)) = (good, port) {
            cargoes.push(SeaCargo { good, port });
        }
        c.finish(cargo);
    }
    let not_carried = |c: &mut Checker, id: &Str, field: String| {
        c.error(
            id.span.clone(),
            field,
            ErrorKind::Invalid {
                expected: "a good listed in [[maritime.cargoes]]".into(),
                found: format!("`{}`", id.text),
            },
        );
    };

    let mut fleet_tables = c.tables(x, "fleets");
    let fleet_ids = identify(c, &mut fleet_tables, "maritime.fleets", "id");
    let mut fleets = Vec::new();
    for (mut f, id) in fleet_tables.into_iter().zip(fleet_ids) {
        let field = f.path.clone();
        let kind = choice(
            c,
            &mut f,
            "kind",
            &[
                ("bulk_carrier", FleetKind::BulkCarrier),
                ("fishing_boat", FleetKind::FishingBoat),
                ("tanker", FleetKind::Tanker),
            ],
        );
        let good_text = c.string(&mut f, "good");
        let good = good_text
            .as_ref()
            .and_then(|g| good(c, g, ids, &format!("{field}.good")));
        if let (Some(kind), Some(g), Some(text)) = (kind, good, &good_text)
            && let Some(spec) = spec_of(goods, g)
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
                    text.span.clone(),
                    format!("{field}.good"),
                    ErrorKind::Invalid {
                        expected: format!("{what} for a {} fleet", kind.name()),
                        found: format!("`{}`", text.text),
                    },
                );
            } else if !carried.contains(&text.text) {
                not_carried(c, text, format!("{field}.good"));
            }
        }
        let home_port = site_at(c, &mut f, "home_port", ids);
        let values = c.params::<Fleet>(&mut f);
        if let (Some(id), Some(kind), Some(good), Some(home_port)) = (id, kind, good, home_port) {
            fleets.push(Fleet::from_values(
                id.text.to_owned(),
                kind,
                good,
                home_port,
                &values,
            ));
        }
        c.finish(f);
    }

    let mut counterpart_tables = c.tables(x, "counterparts");
    let counterpart_ids = identify(c, &mut counterpart_tables, "maritime.counterparts", "id");
    let mut counterparts = Vec::new();
    for (mut f, id) in counterpart_tables.into_iter().zip(counterpart_ids) {
        let field = format!("{}.goods", f.path);
        let kind = choice(
            c,
            &mut f,
            "kind",
            &[
                ("receiving_ship", CounterpartKind::ReceivingShip),
                ("supply_tanker", CounterpartKind::SupplyTanker),
            ],
        );
        let mut traded: Vec<GoodId> = Vec::new();
        let names = c.strings(&mut f, "goods");
        for name in &names {
            let Some(g) = good(c, name, ids, &field) else {
                continue;
            };
            let Some(spec) = spec_of(goods, g) else {
                continue;
            };
            let first_unit = traded
                .first()
                .and_then(|&first| spec_of(goods, first))
                .map(|first| first.unit);
            let expected = match kind {
                Some(CounterpartKind::SupplyTanker) if spec.direction != Direction::Import => {
                    Some("an import (supply tankers sell to North Korean ships)")
                }
                Some(CounterpartKind::ReceivingShip) if spec.direction != Direction::Export => {
                    Some("an export (receiving ships buy from North Korean ships)")
                }
                _ => None,
            };
            if let Some(expected) = expected {
                c.error(
                    name.span.clone(),
                    field.clone(),
                    ErrorKind::Invalid {
                        expected: expected.into(),
                        found: format!("`{}`", name.text),
                    },
                );
            } else if first_unit.is_some_and(|u| u != spec.unit) {
                c.error(
                    name.span.clone(),
                    field.clone(),
                    ErrorKind::Invalid {
                        expected: "goods all counted in the same unit".into(),
                        found: format!("`{}` in {}", name.text, spec.unit.name()),
                    },
                );
            } else if !carried.contains(&name.text) {
                not_carried(c, name, field.clone());
            }
            traded.push(g);
        }
        if names.is_empty()
            && let Some(id) = &id
        {
            none_given(c, id.span.clone(), &field, "at least one good");
        }
        let values = c.params::<CounterpartFleet>(&mut f);
        if let (Some(id), Some(kind)) = (id, kind) {
            counterparts.push(CounterpartFleet::from_values(
                id.text.to_owned(),
                kind,
                traded,
                &values,
            ));
        }
        c.finish(f);
    }

    Some(Maritime::from_values(
        sts_zone?,
        cargoes,
        fleets,
        counterparts,
        monitors?,
        cap,
        bribes?,
        &values,
    ))
}

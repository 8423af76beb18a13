//! From the file to a validated [`Scenario`]. Each section's numeric parameters are read
//! from their declaration in `yalu_model::params` ([`Checker::params`]); what is written here
//! by hand are the ids, dates and lists, and the rules that tie fields together (max >=
//! min, shares summing to 1, references that must exist). Every problem is collected with
//! its location, so the user sees them all at once.

use std::ops::Range;

use serde::Serialize;
use toml::de::DeTable;
use yalu_model::calendar::IceSeason;
use yalu_model::declare::ParamSet;
use yalu_model::params::{
    Adaptation, Agency, AgencyPassUp, Bureau, CounterpartFleet, CounterpartKind, Couriers,
    Crossing, DeclaredCategory, DeclaredTrade, Diplomats, Direction, Drugs, Enforcement,
    ExchangeSchedule, Finance, Fleet, FleetKind, Good, GoodId, HouseholdParams, HouseholdSite,
    ImportCap, Labour, LandBribes, MASS_KG_PER_UNIT, Maritime, MarketParams, Mode, ModeParams,
    ModelParams, Monitors, PassUp, PorterGood, PorterParams, PorterSite, ProfitSplit, QuantityUnit,
    SeaBribes, SeaCargo, Site, SiteId, StateGood, StateTrade, Takeover, VesselClass,
};

use crate::dates::{ScheduleKind, days, schedule};
use crate::error::{ErrorKind, ScenarioErrors, SourceText};
use crate::evidence::Registry;
use crate::read::{Checker, Str, Table};
use crate::records::ParameterRecord;
use crate::refs::{Ids, choice, named, one_of};

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

impl Scenario {
    /// The embedded baseline.
    pub fn baseline(registry: &Registry) -> Result<Scenario, ScenarioErrors> {
        Scenario::parse(&SourceText::new("<baseline>", BASELINE), registry)
    }

    /// Parses and validates a scenario text.
    pub fn parse(text: &SourceText, registry: &Registry) -> Result<Scenario, ScenarioErrors> {
        let document = DeTable::parse(&text.text).map_err(|e| ScenarioErrors::toml(text, &e))?;
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
                if c.errors.is_empty() {
                    // Every part that failed to convert reports why; this is a safety net.
                    let kind = ErrorKind::Schema("the scenario is incomplete".into());
                    c.error(0..0, "scenario", kind);
                }
                let mut errors = c.errors;
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

/// The sections other sections need: `(needed, by any of, why)`, reported on line 1 when
/// missing.
const NEEDED: [(&str, &[&str], &str); 5] = [
    (
        "state_trade",
        &["declared_trade"],
        "declared trade pays the levy `state_trade.official_levy_share`",
    ),
    ("profit_split", &["porter"], "the scenario has porter crews"),
    (
        "pass_up",
        &["porter", "state_trade", "households", "maritime"],
        "officials are paid in this scenario",
    ),
    (
        "enforcement",
        &["state_trade", "households"],
        "state trade or households cross the border",
    ),
    (
        "finance",
        &["porter", "state_trade", "households", "maritime"],
        "donju, households or ship operators pay before they are paid in this scenario",
    ),
];

fn validate(root: &mut Table, c: &mut Checker) -> Option<Scenario> {
    let mut meta = c.table(root, "scenario", true)?;
    let name = c.string(&mut meta, "name");
    if let Some(name) = &name
        && (name.text.trim().is_empty()
            || !name
                .text
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'))
    {
        c.refuse(
            name,
            "scenario.name",
            "a name of letters, digits, - and _ (it names the output folder)",
        );
    }
    let description = c.string(&mut meta, "description");
    let [(_, first_day), (_, last_day)] = days(c, &mut meta, true);
    let seed = c.whole_u64(&mut meta, "seed");
    c.finish(meta);
    c.context.window = first_day.zip(last_day);

    let ice_season = calendar(root, c);
    let (goods, good_ids) = goods(root, c);

    // Sites name their bureau, which [state_trade] defines: read the bureau ids first.
    let mut state_trade_table = c.table(root, "state_trade", false);
    let mut bureau_tables = state_trade_table
        .as_mut()
        .map(|t| c.tables(t, "bureaus"))
        .unwrap_or_default();
    let bureau_ids: Vec<_> = bureau_tables
        .iter_mut()
        .map(|b| c.string(b, "id"))
        .collect();
    let mut ids = Ids {
        bureaus: bureau_ids
            .iter()
            .flatten()
            .map(|b| b.text.to_owned())
            .collect(),
        sites: Vec::new(),
        goods: good_ids,
        categories: Vec::new(),
        specs: &goods,
    };
    let (sites, site_infos, site_ids) = sites(root, c, &ids);
    ids.sites = site_ids;
    // Events name the categories of declared trade: read it first.
    let declared_trade = c.section(root, "declared_trade", false, declared_trade);
    ids.categories = declared_trade
        .iter()
        .flat_map(|d| d.categories.iter().map(|x| x.id.clone()))
        .collect();
    let events = crate::events::events(root, c, &ids);

    let market = c.section(root, "market", true, Checker::built::<MarketParams>);
    let exchange = c.section(root, "exchange", true, exchange);
    for (needed, by, why) in NEEDED {
        if by.iter().any(|key| root.has(key)) && !root.has(needed) {
            c.absent(0..0, needed, format!("a [{needed}] table, because {why}"));
        }
    }
    // Read even without porters, so a split's mistakes are not silent.
    let split = c.section(root, "profit_split", false, |c, s| {
        let values = c.params::<ProfitSplit>(s);
        let span = s.span_of("border_guards_share").start..s.span_of("porters_share").end;
        shares_sum_to_one(c, &values, span, "profit_split");
        ProfitSplit::from_values(&values)
    });
    let porter = c.section(root, "porter", false, |c, p| {
        porter_params(c, p, split, &ids)
    });
    let pass_up = c.section(root, "pass_up", false, pass_up);
    let enforcement = c.section(root, "enforcement", false, enforcement);
    let modes = modes(root, c, state_trade_table.is_some());
    let crossings = crossings(root, c, &ids, &modes);
    let state_trade = state_trade_table
        .as_mut()
        .and_then(|t| state_trade(t, bureau_tables, &bureau_ids, c, &ids));
    if let Some(t) = state_trade_table {
        c.finish(t);
    }
    let takeover = c.section(root, "takeover", false, takeover);
    let households = c.section(root, "households", false, |c, h| households(c, h, &ids));
    let couriers = c.section(root, "couriers", false, Checker::built::<Couriers>);
    let diplomats = c.section(root, "diplomats", false, diplomats);
    let labour = c.section(root, "labour", false, Checker::built::<Labour>);
    let drugs = c.section(root, "drugs", false, |c, x| drugs(c, x, &ids));
    let maritime = c.section(root, "maritime", false, |c, x| maritime(c, x, &ids));
    let adaptation = c.section(root, "adaptation", false, Checker::built::<Adaptation>);
    let finance = c.section(root, "finance", false, Checker::built::<Finance>);

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
            porter: porter.flatten(),
            pass_up,
            enforcement,
            modes,
            crossings,
            state_trade,
            takeover: takeover.flatten(),
            households: households.flatten(),
            couriers,
            diplomats,
            labour,
            drugs: drugs.flatten(),
            maritime: maritime.flatten(),
            finance,
            declared_trade,
            adaptation,
        },
        sites: site_infos,
        parameters: Vec::new(),
    })
}

fn shares_sum_to_one(c: &mut Checker, shares: &[f64], span: Range<usize>, field: &str) {
    let sum: f64 = shares.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        c.error(span, field, ErrorKind::SharesDoNotSumToOne { sum });
    }
}

fn calendar(root: &mut Table, c: &mut Checker) -> Option<IceSeason> {
    c.section(root, "calendar", true, |c, cal| {
        let (first_text, first) = c.parsed_at(cal, "ice_first_day", Checker::month_day);
        let (last_text, last) = c.parsed_at(cal, "ice_last_day", Checker::month_day);
        if let (Some(f), Some(l)) = (&first_text, &last_text) {
            let value = format!("{} to {}", f.text, l.text);
            c.text_record(cal, "calendar.ice_season", value, "date", f.span.clone());
        }
        Some(IceSeason {
            first: first?,
            last: last?,
        })
    })?
}

/// The goods, one entry per `[[goods]]` table in file order (`None` where the table has
/// errors, already reported), so a [`GoodId`] always indexes the good its id names.
fn goods(root: &mut Table, c: &mut Checker) -> (Vec<Option<Good>>, Vec<String>) {
    let mut good_ids = Vec::new();
    let goods = c.each(root, "goods", "id", |c, t, id| {
        good_ids.push(id.as_ref().map_or(String::new(), |i| i.text.to_owned()));
        c.string(t, "name");
        let unit = choice(c, t, "unit", &named(&QuantityUnit::ALL, QuantityUnit::name));
        let direction = choice(c, t, "direction", &named(&Direction::ALL, Direction::name));
        let mass_given = t.span_of("mass_kg_per_unit") != t.span;
        let mass_kg = mass_given.then(|| c.param(t, &MASS_KG_PER_UNIT));
        let mass_kg_per_unit = match (mass_kg, unit.and_then(QuantityUnit::fixed_mass_kg)) {
            (Some(_), Some(_)) => {
                let expected = "no mass_kg_per_unit for a good counted in kg or g";
                c.invalid(
                    t.span_of("mass_kg_per_unit"),
                    t.field("mass_kg_per_unit"),
                    expected,
                    "a mass",
                );
                1.0
            }
            (Some(mass_kg), None) | (None, Some(mass_kg)) => mass_kg,
            (None, None) => {
                if unit.is_some() {
                    let expected = "a mass_kg_per_unit for a good counted in units or barrels";
                    let span = id.as_ref().map_or(t.span.clone(), |i| i.span.clone());
                    c.absent(span, t.field("mass_kg_per_unit"), expected);
                }
                1.0
            }
        };
        let values = c.params::<Good>(t);
        Some(match (id, unit, direction) {
            (Some(id), Some(unit), Some(direction)) => Some(Good::from_values(
                id.text.to_owned(),
                unit,
                direction,
                mass_kg_per_unit,
                &values,
            )),
            _ => None,
        })
    });
    (goods, good_ids)
}

fn sites(root: &mut Table, c: &mut Checker, ids: &Ids) -> (Vec<Site>, Vec<SiteInfo>, Vec<String>) {
    let mut site_ids = Vec::new();
    let read = c.each(root, "sites", "id", |c, t, id| {
        site_ids.push(id.as_ref().map_or(String::new(), |i| i.text.to_owned()));
        let field = t.path.clone();
        let keys = ["name", "province", "waterway", "china_counterpart"];
        let [name, province, waterway, china_counterpart] = keys.map(|key| {
            c.string(t, key)
                .map_or(String::new(), |s| s.text.to_owned())
        });
        let mut coordinates = [0.0; 2];
        for (i, (key, limit)) in [("latitude_deg", 90.0), ("longitude_deg", 180.0)]
            .into_iter()
            .enumerate()
        {
            if let Some(coordinate) = c.number(t, key) {
                coordinates[i] = *coordinate.get_ref();
                if !(-limit..=limit).contains(coordinate.get_ref()) {
                    c.invalid(
                        coordinate.span(),
                        format!("{field}.{key}"),
                        format!("degrees in [-{limit}, {limit}]"),
                        coordinate.get_ref().to_string(),
                    );
                }
            }
        }
        if let Some(id) = &id {
            let value = format!("{:.3} N, {:.3} E", coordinates[0], coordinates[1]);
            let path = format!("{field}.location");
            c.text_record(t, &path, value, "degrees", id.span.clone());
        }
        let bureau = c.opt_string(t, "bureau");
        let bureau = bureau.and_then(|b| c.refer(&b, ids, &t.field("bureau")));
        let values = c.params::<Site>(t);
        let id = id?.text.to_owned();
        let site = Site::from_values(id.clone(), bureau, &values);
        let info = SiteInfo {
            id,
            name,
            province,
            waterway,
            china_counterpart,
            latitude_deg: coordinates[0],
            longitude_deg: coordinates[1],
        };
        Some((site, info))
    });
    let (sites, infos) = read.into_iter().unzip();
    (sites, infos, site_ids)
}

fn pass_up(c: &mut Checker, p: &mut Table) -> PassUp {
    let mut pass_up = PassUp {
        unit_to_senior: [0.0; 4],
        senior_to_centre: [0.0; 4],
    };
    for (a, agency) in Agency::ALL.into_iter().enumerate() {
        if let Some(shares) = c.built_in::<AgencyPassUp>(p, agency.name()) {
            pass_up.unit_to_senior[a] = shares.unit_to_senior_share;
            pass_up.senior_to_centre[a] = shares.senior_to_centre_share;
        }
    }
    pass_up
}

fn enforcement(c: &mut Checker, e: &mut Table) -> Enforcement {
    let schedule = schedule(c, e, "schedule", ScheduleKind::Level, |c, step| {
        c.param(step, &yalu_model::params::ENFORCEMENT_LEVEL)
    });
    let values = c.params::<Enforcement>(e);
    Enforcement::from_values(schedule, &values)
}

fn exchange(c: &mut Checker, e: &mut Table) -> ExchangeSchedule {
    ExchangeSchedule {
        steps: schedule(c, e, "schedule", ScheduleKind::Level, |c, step| {
            c.param(step, &yalu_model::params::CNY_PER_USD)
        }),
    }
}

/// The modes state trade may use, by name.
fn state_modes() -> Vec<(&'static str, Mode)> {
    named(&[Mode::Convoy, Mode::IceTruck, Mode::Boat], Mode::name)
}

fn modes(root: &mut Table, c: &mut Checker, state_trade: bool) -> Vec<ModeParams> {
    let state_modes = state_modes();
    let modes = c.each(root, "modes", "mode", |c, t, name| {
        let field = format!("{}.mode", t.path);
        let mode = name.and_then(|n| one_of(c, &n, &field, &state_modes));
        let values = c.params::<ModeParams>(t);
        Some(ModeParams::from_values(mode?, &values))
    });
    if state_trade && !modes.iter().any(|m| m.mode == Mode::Convoy) {
        let expected = "a `convoy` entry (the official customs route uses it)";
        c.absent(c.header("[[modes]]"), "modes", expected);
    }
    modes
}

fn crossings(root: &mut Table, c: &mut Checker, ids: &Ids, modes: &[ModeParams]) -> Vec<Crossing> {
    let mut crossings: Vec<Crossing> = Vec::new();
    let state_modes = state_modes();
    for mut t in c.tables(root, "crossings") {
        let site_text = c.string(&mut t, "site");
        let mode_text = c.string(&mut t, "mode");
        let (Some(site_text), Some(mode_text)) = (site_text, mode_text) else {
            c.finish(t);
            continue;
        };
        t.path = format!("crossings[{}/{}]", site_text.text, mode_text.text);
        let field = t.path.clone();
        let site = c.refer::<SiteId>(&site_text, ids, &format!("{field}.site"));
        let mode = one_of(c, &mode_text, &format!("{field}.mode"), &state_modes);
        if let Some(mode) = mode
            && !modes.iter().any(|m| m.mode == mode)
        {
            let expected = "a mode described in [[modes]]";
            c.refuse(&mode_text, format!("{field}.mode"), expected);
        }
        let values = c.params::<Crossing>(&mut t);
        if let (Some(site), Some(mode)) = (site, mode) {
            if crossings.iter().any(|k| k.site == site && k.mode == mode) {
                let kind = ErrorKind::Duplicate(field.clone());
                c.error(mode_text.span.clone(), &field, kind);
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
) -> Option<StateTrade> {
    let values = c.params::<StateTrade>(t);
    let shares = ["bureau_fee_share", "room39_share"];
    within_rest::<StateTrade>(c, t, &values, shares, |left| format!("({left})"));
    let bribes = c
        .built_in::<LandBribes>(t, "bribe_cny_per_load")
        .map(LandBribes::by_agency);

    c.name_after(&mut bureau_tables, bureau_ids, "state_trade.bureaus", "id");
    let mut bureaus = Vec::new();
    let mut shares = Vec::new();
    let span = bureau_tables.first().map(|f| f.span.start).unwrap_or(0)
        ..bureau_tables.last().map(|l| l.span.end).unwrap_or(0);
    for (mut b, id) in bureau_tables.into_iter().zip(bureau_ids) {
        let customs_site = c.refer_at(&mut b, "customs_site", ids);
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

    let state_goods = c.each(t, "goods", "good", |c, g, name| {
        let field = g.path.clone();
        let good = name
            .as_ref()
            .and_then(|n| c.refer::<GoodId>(n, ids, &format!("{field}.good")));
        let driven_across = c.boolean(g, "driven_across");
        let values = c.params::<StateGood>(g);
        let (good, name) = (good?, name?);
        let state_good = StateGood::from_values(good, driven_across?, &values);
        if state_good.driven_across
            && ids
                .spec(good)
                .is_some_and(|x| x.unit != QuantityUnit::Units)
        {
            c.refuse(
                &name,
                format!("{field}.driven_across"),
                "a good counted in units (vehicles) when driven_across = true",
            );
        }
        Some(state_good)
    });
    Some(StateTrade::from_values(
        bureaus,
        state_goods,
        bribes?,
        &values,
    ))
}

fn takeover(c: &mut Checker, t: &mut Table) -> Option<Takeover> {
    let (first_text, first_day) = c.date_at(t, "first_day");
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

fn households(c: &mut Checker, h: &mut Table, ids: &Ids) -> Option<HouseholdParams> {
    let good = c.good_in(h, "good", ids, QuantityUnit::Kg);
    let mut households_at_site = vec![0; ids.sites.len()];
    c.each(h, "sites", "site", |c, s, id| {
        let site = id.and_then(|id| c.refer::<SiteId>(&id, ids, &s.field("site")));
        let households = c.built::<HouseholdSite>(s).households;
        households_at_site[site?.0 as usize] = households;
        Some(())
    });
    let values = c.params::<HouseholdParams>(h);
    Some(HouseholdParams::from_values(
        households_at_site,
        good?,
        &values,
    ))
}

fn porter_params(
    c: &mut Checker,
    p: &mut Table,
    split: Option<ProfitSplit>,
    ids: &Ids,
) -> Option<PorterParams> {
    let values = c.params::<PorterParams>(p);
    let sites = c.each(p, "sites", "site", |c, s, id| {
        let site = id.and_then(|id| c.refer::<SiteId>(&id, ids, &s.field("site")));
        let values = c.params::<PorterSite>(s);
        Some(PorterSite::from_values(site?, &values))
    });
    let mut span: Option<Range<usize>> = None;
    let porter_goods = c.each(p, "goods", "good", |c, g, id| {
        span.get_or_insert(g.span.clone()).end = g.span.end;
        let good = id.and_then(|id| c.refer::<GoodId>(&id, ids, &g.field("good")));
        let values = c.params::<PorterGood>(g);
        Some(PorterGood::from_values(good?, &values))
    });
    match span {
        None => {
            let expected = "at least one [[porter.goods]] entry";
            c.absent(c.header("[porter]"), "porter.goods", expected);
        }
        Some(span) => {
            let shares: Vec<f64> = porter_goods.iter().map(|g| g.share_of_runs).collect();
            shares_sum_to_one(c, &shares, span, "porter.goods.share_of_runs");
        }
    }
    Some(PorterParams::from_values(
        sites,
        porter_goods,
        split?,
        &values,
    ))
}

/// Reports the share `rest` of section `S` (its `values` in declaration order) above what
/// the share `first` leaves of 1; `left` shows what is left, `1 - first`.
fn within_rest<S: ParamSet>(
    c: &mut Checker,
    t: &Table,
    values: &[f64],
    [first, rest]: [&str; 2],
    left: impl Fn(f64) -> String,
) {
    let [a, b] = [first, rest].map(|key| {
        let at = S::SPECS.iter().position(|s| s.key == key);
        at.map_or(0.0, |i| values[i])
    });
    if a + b > 1.0 {
        let expected = format!("at most 1 - {first} {}", left(1.0 - a));
        c.invalid(t.span_of(rest), t.field(rest), expected, b.to_string());
    }
}

fn diplomats(c: &mut Checker, x: &mut Table) -> Diplomats {
    let mut expulsions = Vec::new();
    for mut e in c.tables(x, "expulsions") {
        let closed = c.param(&mut e, &yalu_model::params::EMBASSIES_CLOSED);
        if let (_, Some(date)) = c.date_at(&mut e, "date") {
            expulsions.push((date, closed as u32));
        }
        c.finish(e);
    }
    let values = c.params::<Diplomats>(x);
    Diplomats::from_values(expulsions, &values)
}

fn declared_trade(c: &mut Checker, d: &mut Table) -> DeclaredTrade {
    let categories = c.each(d, "categories", "id", |c, t, id| {
        let direction = choice(c, t, "direction", &named(&Direction::ALL, Direction::name));
        let values = c.params::<DeclaredCategory>(t);
        let shares = ["road_share", "rail_share"];
        let left = |left| format!("({left:.3}): the rest goes by sea");
        within_rest::<DeclaredCategory>(c, t, &values, shares, left);
        Some(DeclaredCategory::from_values(
            id?.text.to_owned(),
            direction?,
            &values,
        ))
    });
    let values = c.params::<DeclaredTrade>(d);
    DeclaredTrade::from_values(categories, &values)
}

fn drugs(c: &mut Checker, x: &mut Table, ids: &Ids) -> Option<Drugs> {
    let heroin = c.good_in(x, "heroin_good", ids, QuantityUnit::Grams);
    let methamphetamine = c.good_in(x, "methamphetamine_good", ids, QuantityUnit::Grams);
    let border_site = c.refer_at(x, "border_site", ids);
    let sea_site = c.refer_at(x, "sea_site", ids);
    let values = c.params::<Drugs>(x);
    Some(Drugs::from_values(
        heroin?,
        methamphetamine?,
        border_site?,
        sea_site?,
        &values,
    ))
}

fn maritime(c: &mut Checker, x: &mut Table, ids: &Ids) -> Option<Maritime> {
    let sts_zone = c.refer_at(x, "sts_zone", ids);
    let values = c.params::<Maritime>(x);
    let bribes = c
        .built_in::<SeaBribes>(x, "bribe_cny_per_t")
        .map(SeaBribes::by_agency);
    let monitors = c.built_in::<Monitors>(x, "monitors");
    let cap = c
        .section(x, "cap", false, |c, cap| {
            let good = c.good_in(cap, "good", ids, QuantityUnit::Barrels);
            let schedule = schedule(c, cap, "schedule", ScheduleKind::MonthlyCap, |c, step| {
                c.param(step, &yalu_model::params::BARRELS_PER_YEAR)
            });
            Some(ImportCap {
                good: good?,
                schedule,
            })
        })
        .flatten();

    let mut carried: Vec<&str> = Vec::new();
    let cargoes = c.each(x, "cargoes", "good", |c, cargo, id| {
        carried.extend(id.as_ref().map(|id| id.text));
        let field = format!("{}.good", cargo.path);
        let good = id
            .as_ref()
            .and_then(|id| c.refer::<GoodId>(id, ids, &field));
        let port = c.refer_at(cargo, "port", ids);
        Some(SeaCargo {
            good: good?,
            port: port?,
        })
    });
    let not_carried = |c: &mut Checker, id: &Str, field: String| {
        c.refuse(id, field, "a good listed in [[maritime.cargoes]]");
    };

    let fleets = c.each(x, "fleets", "id", |c, f, id| {
        let field = f.path.clone();
        let kind = choice(c, f, "kind", &named(&FleetKind::ALL, FleetKind::name));
        let good_text = c.string(f, "good");
        let good = good_text
            .as_ref()
            .and_then(|g| c.refer::<GoodId>(g, ids, &format!("{field}.good")));
        if let (Some(kind), Some(g), Some(text)) = (kind, good, &good_text)
            && let Some(spec) = ids.spec(g)
        {
            let (unit, direction) = kind.carries();
            if spec.unit != unit || spec.direction != direction {
                let (direction, unit, kind) = (direction.name(), unit.name(), kind.name());
                let expected = format!("an {direction} counted in {unit} for a {kind} fleet");
                c.refuse(text, format!("{field}.good"), expected);
            } else if !carried.contains(&text.text) {
                not_carried(c, text, format!("{field}.good"));
            }
        }
        let home_port = c.refer_at(f, "home_port", ids);
        let classes = c.each(f, "classes", "id", |c, k, id| {
            let values = c.params::<VesselClass>(k);
            Some(VesselClass::from_values(id?.text.to_owned(), &values))
        });
        let values = c.params::<Fleet>(f);
        let id = id?.text.to_owned();
        Some(Fleet::from_values(
            id, kind?, good?, home_port?, classes, &values,
        ))
    });

    let counterparts = c.each(x, "counterparts", "id", |c, f, id| {
        let field = format!("{}.goods", f.path);
        let kinds = named(&CounterpartKind::ALL, CounterpartKind::name);
        let kind = choice(c, f, "kind", &kinds);
        let mut traded: Vec<GoodId> = Vec::new();
        let names = c.strings(f, "goods");
        for name in &names {
            let found = c.refer::<GoodId>(name, ids, &field);
            let Some((g, spec)) = found.and_then(|g| Some((g, ids.spec(g)?))) else {
                continue;
            };
            let first_unit = traded
                .first()
                .and_then(|&first| ids.spec(first))
                .map(|first| first.unit);
            let expected = kind
                .filter(|k| k.trades() != spec.direction)
                .map(|k| match k {
                    CounterpartKind::SupplyTanker => {
                        "an import (supply tankers sell to North Korean ships)"
                    }
                    CounterpartKind::ReceivingShip => {
                        "an export (receiving ships buy from North Korean ships)"
                    }
                });
            if let Some(expected) = expected {
                c.refuse(name, field.clone(), expected);
            } else if first_unit.is_some_and(|u| u != spec.unit) {
                c.invalid(
                    name.span.clone(),
                    field.clone(),
                    "goods all counted in the same unit",
                    format!("`{}` in {}", name.text, spec.unit.name()),
                );
            } else if !carried.contains(&name.text) {
                not_carried(c, name, field.clone());
            }
            traded.push(g);
        }
        if names.is_empty()
            && let Some(id) = &id
        {
            c.absent(id.span.clone(), &field, "at least one good");
        }
        let values = c.params::<CounterpartFleet>(f);
        let id = id?.text.to_owned();
        Some(CounterpartFleet::from_values(id, kind?, traded, &values))
    });

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

//! Every declared section and where it stands in a scenario file, for the listings built
//! from the declarations: the parameter tables of `docs/ODD.md` and `yalu evidence`'s
//! meanings. A test checks that every parameter the baseline records matches an entry, so
//! this list cannot fall behind what the checker reads.

use std::fmt::Write as _;

use yalu_model::declare::{ParamSet, ParamSpec};
use yalu_model::events::EFFECT_SPECS;
use yalu_model::params::{
    Adaptation, AgencyPassUp, BARRELS_PER_YEAR, Bureau, CNY_PER_USD, CounterpartFleet, Couriers,
    Crossing, DeclaredCategory, DeclaredTrade, Diplomats, Drugs, EMBASSIES_CLOSED,
    ENFORCEMENT_LEVEL, Enforcement, Finance, Fleet, Good, HouseholdParams, HouseholdSite, Labour,
    LandBribes, MASS_KG_PER_UNIT, Maritime, MarketParams, ModeParams, Monitors, PorterGood,
    PorterParams, PorterSite, ProfitSplit, SeaBribes, Site, StateGood, StateTrade, Takeover,
    VesselClass,
};

/// A section: its path template (`[]` for an element of an array of tables, `<agency>` for
/// one table per agency) and its declared parameters.
pub struct Section {
    /// Where it stands, e.g. `porter.sites[]`.
    pub path: &'static str,
    /// Its parameters.
    pub specs: &'static [ParamSpec],
}

const fn section(path: &'static str, specs: &'static [ParamSpec]) -> Section {
    Section { path, specs }
}

/// Every section, in the order a scenario file lists them.
pub const SECTIONS: &[Section] = &[
    section("events[].effects[]", &EFFECT_SPECS),
    section("goods[]", &[MASS_KG_PER_UNIT]),
    section("goods[]", Good::SPECS),
    section("sites[]", Site::SPECS),
    section("market", MarketParams::SPECS),
    section("exchange.schedule[]", &[CNY_PER_USD]),
    section("porter", PorterParams::SPECS),
    section("porter.sites[]", PorterSite::SPECS),
    section("porter.goods[]", PorterGood::SPECS),
    section("profit_split", ProfitSplit::SPECS),
    section("pass_up.<agency>", AgencyPassUp::SPECS),
    section("enforcement", Enforcement::SPECS),
    section("enforcement.schedule[]", &[ENFORCEMENT_LEVEL]),
    section("modes[]", ModeParams::SPECS),
    section("crossings[]", Crossing::SPECS),
    section("state_trade", StateTrade::SPECS),
    section("state_trade.bribe_cny_per_load", LandBribes::SPECS),
    section("state_trade.bureaus[]", Bureau::SPECS),
    section("state_trade.goods[]", StateGood::SPECS),
    section("takeover", Takeover::SPECS),
    section("households", HouseholdParams::SPECS),
    section("households.sites[]", HouseholdSite::SPECS),
    section("couriers", Couriers::SPECS),
    section("diplomats", Diplomats::SPECS),
    section("diplomats.expulsions[]", &[EMBASSIES_CLOSED]),
    section("labour", Labour::SPECS),
    section("drugs", Drugs::SPECS),
    section("maritime", Maritime::SPECS),
    section("maritime.bribe_cny_per_t", SeaBribes::SPECS),
    section("maritime.monitors", Monitors::SPECS),
    section("maritime.cap.schedule[]", &[BARRELS_PER_YEAR]),
    section("maritime.fleets[]", Fleet::SPECS),
    section("maritime.fleets[].classes[]", VesselClass::SPECS),
    section("maritime.counterparts[]", CounterpartFleet::SPECS),
    section("finance", Finance::SPECS),
    section("declared_trade", DeclaredTrade::SPECS),
    section("declared_trade.categories[]", DeclaredCategory::SPECS),
    section("adaptation", Adaptation::SPECS),
];

/// The template of a parameter's path: `porter.sites[hyesan].crews` becomes
/// `porter.sites[].crews`, `pass_up.customs.unit_to_senior_share` becomes
/// `pass_up.<agency>.unit_to_senior_share`.
pub fn template(path: &str) -> String {
    let mut out = String::new();
    let mut in_brackets = false;
    for ch in path.chars() {
        match ch {
            '[' => {
                in_brackets = true;
                out.push('[');
            }
            ']' => {
                in_brackets = false;
                out.push(']');
            }
            _ if in_brackets => {}
            _ => out.push(ch),
        }
    }
    match out.strip_prefix("pass_up.") {
        Some(rest) => match rest.split_once('.') {
            Some((_, key)) => format!("pass_up.<agency>.{key}"),
            None => out,
        },
        None => out,
    }
}

/// The declaration of the parameter at `path`, if any.
pub fn spec_of(path: &str) -> Option<&'static ParamSpec> {
    let template = template(path);
    let (section, key) = template.rsplit_once('.')?;
    SECTIONS
        .iter()
        .filter(|s| s.path == section)
        .flat_map(|s| s.specs)
        .find(|spec| spec.key == key)
}

/// The parameter tables of `docs/ODD.md`: one table per section, each parameter with its
/// unit, allowed values and meaning.
pub fn parameter_tables() -> String {
    let mut out = String::new();
    let mut last = "";
    for s in SECTIONS {
        if s.path != last {
            let _ = write!(
                out,
                "\n`{}`\n\n| key | unit | allowed | meaning |\n|---|---|---|---|\n",
                s.path
            );
            last = s.path;
        }
        for spec in s.specs {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                spec.key,
                spec.unit.name(),
                spec.bounds.describe(spec.whole),
                spec.doc
            );
        }
    }
    out
}

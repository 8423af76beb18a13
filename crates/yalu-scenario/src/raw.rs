//! The scenario file as written: serde types that mirror the TOML and reject unknown
//! fields. Every value keeps its span so that validation can point at it.

use serde::Deserialize;
use toml::Spanned;

/// A number with its evidence: `{ value = 30, source = "dailynk-porters: paragraph 6" }`
/// or `{ value = 12, assumption = "why", range = [4, 30] }`. `unit` is optional; when
/// given it must be the field's unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParam {
    /// The value.
    pub value: Spanned<f64>,
    /// The unit, if the author states it.
    pub unit: Option<Spanned<String>>,
    /// `<source-id>: <where in the document>`.
    pub source: Option<Spanned<String>>,
    /// Why this value, when no source gives it.
    pub assumption: Option<Spanned<String>>,
    /// Plausible range `[low, high]`.
    pub range: Option<Spanned<[f64; 2]>>,
}

/// A spanned parameter.
pub type Param = Spanned<RawParam>;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Name, horizon and seed.
    pub scenario: RawMeta,
    /// Seasons.
    pub calendar: RawCalendar,
    /// Dated phases.
    #[serde(default)]
    pub phases: Vec<RawPhase>,
    /// Sanctions resolutions.
    #[serde(default)]
    pub sanctions: Vec<RawSanction>,
    /// Goods catalogue.
    pub goods: Vec<RawGood>,
    /// Crossing sites.
    pub sites: Vec<RawSite>,
    /// Porter channel.
    pub porter: RawPorter,
    /// Porter operation profit split.
    pub profit_split: RawProfitSplit,
    /// Pass-up shares.
    pub pass_up: RawPassUp,
    /// Rice market.
    pub market: RawMarket,
    /// Exchange rate.
    pub exchange: RawExchange,
}

/// `[scenario]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    /// Short name; the default output folder is `out/<name>`.
    pub name: Spanned<String>,
    /// One paragraph on what the scenario represents.
    pub description: String,
    /// First simulated day, `YYYY-MM-DD`.
    pub first_day: Spanned<String>,
    /// Last simulated day, `YYYY-MM-DD`.
    pub last_day: Spanned<String>,
    /// Default master seed.
    pub seed: u64,
}

/// `[calendar]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    /// First frozen day, `MM-DD`.
    pub ice_first_day: Spanned<String>,
    /// Last frozen day, `MM-DD`.
    pub ice_last_day: Spanned<String>,
    /// Evidence for the ice season.
    pub source: Option<Spanned<String>>,
    /// Evidence for the ice season.
    pub assumption: Option<Spanned<String>>,
}

/// `[[phases]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    /// Identifier.
    pub id: Spanned<String>,
    /// `border_closure`.
    pub kind: Spanned<String>,
    /// First day, `YYYY-MM-DD`.
    pub first_day: Spanned<String>,
    /// Last day, `YYYY-MM-DD`.
    pub last_day: Spanned<String>,
    /// Evidence.
    pub source: Option<Spanned<String>>,
    /// Evidence.
    pub assumption: Option<Spanned<String>>,
}

/// `[[sanctions]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSanction {
    /// Identifier, e.g. `UNSCR 2397`.
    pub id: Spanned<String>,
    /// First day in force, `YYYY-MM-DD`.
    pub in_force_from: Spanned<String>,
    /// Goods banned (ids from `[[goods]]`).
    pub goods: Vec<Spanned<String>>,
    /// Evidence.
    pub source: Option<Spanned<String>>,
    /// Evidence.
    pub assumption: Option<Spanned<String>>,
}

/// `[[goods]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGood {
    /// Identifier.
    pub id: Spanned<String>,
    /// Display name.
    pub name: String,
    /// `kg`, `units` or `barrels`.
    pub unit: Spanned<String>,
    /// `export` or `import`.
    pub direction: Spanned<String>,
}

/// `[[sites]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Identifier.
    pub id: Spanned<String>,
    /// Display name.
    pub name: String,
    /// Province.
    pub province: String,
    /// River or sea area.
    pub waterway: String,
    /// The place across the border.
    pub china_counterpart: String,
    /// Latitude in degrees north.
    pub latitude_deg: Spanned<f64>,
    /// Longitude in degrees east.
    pub longitude_deg: Spanned<f64>,
    /// Evidence for the site and its role.
    pub source: Option<Spanned<String>>,
    /// Evidence for the site and its role.
    pub assumption: Option<Spanned<String>>,
}

/// `[porter]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPorter {
    /// Smallest crew.
    pub crew_size_min: Param,
    /// Largest usual crew.
    pub crew_size_typical_max: Param,
    /// Largest crew.
    pub crew_size_max: Param,
    /// Share of crews above the usual size.
    pub large_crew_share: Param,
    /// Hiring threshold.
    pub min_load_kg: Param,
    /// Bag capacity.
    pub max_load_kg: Param,
    /// Mean strength of applicants.
    pub strength_mean_kg: Param,
    /// Spread of strength.
    pub strength_sd_kg: Param,
    /// Runs per month.
    pub runs_per_month: Param,
    /// Seizure chance per run.
    pub seizure_probability_per_run: Param,
    /// Lognormal sigma of the sale price.
    pub sale_price_sigma: Param,
    /// Sites with crews.
    pub sites: Vec<RawPorterSite>,
    /// Goods carried.
    pub goods: Vec<RawPorterGood>,
}

/// `[[porter.sites]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPorterSite {
    /// Site id.
    pub site: Spanned<String>,
    /// Crews (donju operations).
    pub crews: Param,
    /// Applicants.
    pub applicants: Param,
}

/// `[[porter.goods]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPorterGood {
    /// Good id.
    pub good: Spanned<String>,
    /// Share of runs.
    pub share_of_runs: Param,
    /// Chinese price.
    pub china_price_cny_per_kg: Param,
    /// Supply cost.
    pub supply_cost_cny_per_kg: Param,
}

/// `[profit_split]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfitSplit {
    /// Border guards' share.
    pub border_guards_share: Param,
    /// Donju's share.
    pub donju_share: Param,
    /// Porters' share.
    pub porters_share: Param,
}

/// `[pass_up]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPassUp {
    /// Guards to command.
    pub border_guards_to_command_share: Param,
    /// Command to centre.
    pub command_to_centre_share: Param,
}

/// `[market]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarket {
    /// Long-run rice price.
    pub rice_price_cny_per_kg: Param,
    /// Daily volatility.
    pub rice_price_sigma_per_day: Param,
    /// Daily reversion.
    pub rice_price_reversion_per_day: Param,
}

/// `[exchange]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExchange {
    /// Yuan per US dollar.
    pub cny_per_usd: Param,
}

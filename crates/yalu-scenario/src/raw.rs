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
    #[serde(default)]
    pub goods: Vec<RawGood>,
    /// Sites.
    #[serde(default)]
    pub sites: Vec<RawSite>,
    /// Rice and essentials markets.
    pub market: RawMarket,
    /// Exchange rate schedule.
    pub exchange: RawExchange,
    /// Porter channel (absent: no porters).
    pub porter: Option<RawPorter>,
    /// Porter operation profit split (needed with `[porter]`).
    pub profit_split: Option<RawProfitSplit>,
    /// Pass-up shares (needed when officials are paid).
    pub pass_up: Option<RawPassUp>,
    /// Chinese border enforcement (needed with state trade or households).
    pub enforcement: Option<RawEnforcement>,
    /// How each crossing mode works.
    #[serde(default)]
    pub modes: Vec<RawMode>,
    /// Modes of crossing at each site and their capacity.
    #[serde(default)]
    pub crossings: Vec<RawCrossing>,
    /// State smuggling (absent: none).
    pub state_trade: Option<RawStateTrade>,
    /// The state takeover after the reopening (absent: none in the horizon).
    pub takeover: Option<RawTakeover>,
    /// Border households (absent: none).
    pub households: Option<RawHouseholds>,
    /// Cash couriers (absent: none).
    pub couriers: Option<RawCouriers>,
    /// Embassies (absent: none).
    pub diplomats: Option<RawDiplomats>,
    /// Overseas labour (absent: none).
    pub labour: Option<RawLabour>,
    /// State drugs (absent: none).
    pub drugs: Option<RawDrugs>,
    /// The maritime channel (absent: none).
    pub maritime: Option<RawMaritime>,
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
    /// Mass of one unit; only for goods not counted in kg.
    pub mass_kg_per_unit: Option<Param>,
    /// Price of one unit in China.
    pub china_price_cny_per_unit: Param,
    /// Price of one unit in North Korea (supply cost of exports, resale of imports).
    pub home_price_cny_per_unit: Param,
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
    /// The bureau (province) whose companies use the site, if any.
    pub bureau: Option<Spanned<String>>,
    /// How hard the site is to cross, 0 to 1.
    pub barrier: Param,
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

/// `[pass_up]`, one table per agency.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPassUp {
    /// Customs.
    pub customs: RawAgencyPassUp,
    /// State Security.
    pub state_security: RawAgencyPassUp,
    /// Public Security.
    pub public_security: RawAgencyPassUp,
    /// Border guards.
    pub border_guards: RawAgencyPassUp,
}

/// `[pass_up.<agency>]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgencyPassUp {
    /// Unit to senior officials.
    pub unit_to_senior_share: Param,
    /// Senior officials to the centre.
    pub senior_to_centre_share: Param,
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
    /// Elasticity of the essentials price to supply shortfalls.
    pub essentials_price_elasticity: Param,
    /// Weight of today's supply in the smoothed supply.
    pub essentials_supply_smoothing_per_day: Param,
    /// Price cap as a multiple of the normal price.
    pub essentials_price_cap_multiple: Param,
}

/// `[exchange]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExchange {
    /// Dated rates.
    pub schedule: Vec<RawRateStep>,
}

/// `[[exchange.schedule]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRateStep {
    /// First day of this rate.
    pub from: Spanned<String>,
    /// Yuan per US dollar.
    pub cny_per_usd: Param,
}

/// `[enforcement]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnforcement {
    /// Scheduled levels.
    pub schedule: Vec<RawEnforcementStep>,
    /// Daily noise.
    pub sigma_per_day: Param,
    /// Daily reversion to the schedule.
    pub reversion_per_day: Param,
    /// Effect on seizure risk.
    pub seizure_effect: Param,
    /// Effect on capacity.
    pub capacity_effect: Param,
    /// Effect of a site's barrier on seizure risk.
    pub barrier_seizure_effect: Param,
}

/// `[[enforcement.schedule]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnforcementStep {
    /// First day of this level.
    pub from: Spanned<String>,
    /// The level, 0 to 1.
    pub level: Param,
}

/// `[[modes]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMode {
    /// `convoy`, `ice_truck` or `boat`.
    pub mode: Spanned<String>,
    /// Cargo per load.
    pub cargo_kg_per_load: Param,
    /// Labour per load.
    pub labour_cny_per_load: Param,
    /// Base seizure chance.
    pub base_seizure_probability: Param,
}

/// `[[crossings]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCrossing {
    /// Site id.
    pub site: Spanned<String>,
    /// Mode name.
    pub mode: Spanned<String>,
    /// Nightly capacity.
    pub loads_per_night: Param,
}

/// `[state_trade]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStateTrade {
    /// Daily planning chance per company.
    pub planning_probability_per_day: Param,
    /// Official route's levy.
    pub official_levy_share: Param,
    /// Company's share of profit.
    pub company_share: Param,
    /// Bureau's share of the company's take.
    pub bureau_fee_share: Param,
    /// Room 39's share of the company's take.
    pub room39_share: Param,
    /// Sale price spread.
    pub price_sigma: Param,
    /// Learning rate of seizure risk.
    pub risk_learning_rate: Param,
    /// Prior seizure risk.
    pub prior_seizure_risk: Param,
    /// Logit scale.
    pub choice_sensitivity: Param,
    /// Donju hurdle.
    pub donju_hurdle_return: Param,
    /// Bribes per load by agency.
    pub bribe_cny_per_load: RawBribes,
    /// Bureaus.
    pub bureaus: Vec<RawBureau>,
    /// Goods and targets.
    pub goods: Vec<RawStateGood>,
}

/// `[state_trade.bribe_cny_per_load]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBribes {
    /// Customs.
    pub customs: Param,
    /// State Security.
    pub state_security: Param,
    /// Public Security.
    pub public_security: Param,
    /// Border guards.
    pub border_guards: Param,
}

/// `[[state_trade.bureaus]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBureau {
    /// Identifier.
    pub id: Spanned<String>,
    /// Companies under it.
    pub companies: Param,
    /// Share of Room 39's targets.
    pub share_of_targets: Param,
    /// Site of its official customs post.
    pub customs_site: Spanned<String>,
}

/// `[[state_trade.goods]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStateGood {
    /// Good id.
    pub good: Spanned<String>,
    /// Room 39's monthly target.
    pub monthly_target_units: Param,
    /// Smallest consignment.
    pub consignment_units_min: Param,
    /// Largest consignment.
    pub consignment_units_max: Param,
    /// Vehicles driven across, one per load.
    pub driven_across: bool,
}

/// `[takeover]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTakeover {
    /// First day, `YYYY-MM-DD`.
    pub first_day: Spanned<String>,
    /// Evidence for the date.
    pub source: Option<Spanned<String>>,
    /// Evidence for the date.
    pub assumption: Option<Spanned<String>>,
    /// Multiplier on Room 39's targets.
    pub state_trade_multiplier: Param,
    /// Share of household trips stopped.
    pub household_crackdown: Param,
    /// Officials' share of the margin on trips that still go.
    pub household_bribe_share_of_margin: Param,
}

/// `[households]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHouseholds {
    /// The good carried.
    pub good: Spanned<String>,
    /// Trips per month.
    pub trips_per_month: Param,
    /// Load per trip.
    pub kg_per_trip: Param,
    /// Seizure chance per trip.
    pub seizure_probability_per_trip: Param,
    /// Households at each site.
    pub sites: Vec<RawHouseholdSite>,
}

/// `[[households.sites]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHouseholdSite {
    /// Site id.
    pub site: Spanned<String>,
    /// Households.
    pub households: Param,
}

/// `[couriers]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCouriers {
    /// Officials sending cash.
    pub officials: Param,
    /// Bags per official per month.
    pub trips_per_month: Param,
    /// Mean cash per bag.
    pub cash_usd_per_trip: Param,
    /// Lognormal sigma of cash per bag.
    pub cash_sigma: Param,
    /// Captain's fee.
    pub captain_fee_share: Param,
    /// Seizure chance per bag.
    pub capture_probability_per_trip: Param,
}

/// `[diplomats]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiplomats {
    /// Embassies.
    pub embassies: Param,
    /// Quota per embassy per month.
    pub quota_usd_per_month: Param,
    /// Mean earnings per embassy per month.
    pub earnings_usd_per_month: Param,
    /// Lognormal sigma of earnings.
    pub earnings_sigma: Param,
    /// Dated expulsions.
    #[serde(default)]
    pub expulsions: Vec<RawExpulsion>,
}

/// `[[diplomats.expulsions]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpulsion {
    /// Date, `YYYY-MM-DD`.
    pub date: Spanned<String>,
    /// Embassies closed.
    pub embassies: Param,
}

/// `[labour]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabour {
    /// Wage per worker per month.
    pub wage_usd_per_month: Param,
    /// Share handed over.
    pub handover_share: Param,
    /// Dated worker counts.
    pub workers: Vec<RawWorkersStep>,
}

/// `[[labour.workers]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkersStep {
    /// First day.
    pub from: Spanned<String>,
    /// Workers abroad.
    pub workers: Param,
}

/// `[drugs]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDrugs {
    /// Heroin good id.
    pub heroin_good: Spanned<String>,
    /// Methamphetamine good id.
    pub methamphetamine_good: Spanned<String>,
    /// Heroin per year.
    pub heroin_kg_per_year: Param,
    /// Methamphetamine per year.
    pub methamphetamine_kg_per_year: Param,
    /// Heroin pack.
    pub heroin_unit_g: Param,
    /// Methamphetamine unit.
    pub methamphetamine_unit_kg: Param,
    /// Sea price over border price.
    pub sea_price_multiple: Param,
    /// Share sold at sea.
    pub sea_share: Param,
    /// Sales per month.
    pub sales_per_month: Param,
    /// Seizure chance per sale.
    pub seizure_probability_per_sale: Param,
    /// Room 39's share.
    pub room39_share: Param,
    /// Border sales site.
    pub border_site: Spanned<String>,
    /// Sea sales site.
    pub sea_site: Spanned<String>,
}

/// `[maritime]`: ships, transfers at sea, port deliveries and the monitors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMaritime {
    /// Site id of the ship-to-ship transfer zone.
    pub sts_zone: Spanned<String>,
    /// Logit scale on the options' daily returns.
    pub choice_sensitivity_days: Param,
    /// Daily return that keeping a ship in port is worth.
    pub hurdle_return_per_day: Param,
    /// Learning rate of the chance of being seen.
    pub risk_learning_rate: Param,
    /// Prior chance of being seen on a route.
    pub prior_detection_probability: Param,
    /// The trading company's share of a voyage's profit.
    pub company_share: Param,
    /// Room 39's share of the company's take.
    pub room39_share: Param,
    /// Sale price spread.
    pub price_sigma: Param,
    /// Share of transfers with AIS off.
    pub ais_off_share: Param,
    /// Share of transfers at sea made at night.
    pub night_share: Param,
    /// Days before an interdicted ship is replaced.
    pub ship_replacement_days: Param,
    /// Supervision payments per tonne by agency.
    pub bribe_cny_per_t: RawSeaBribes,
    /// Satellites, aircraft, inspections, interdiction.
    pub monitors: RawMonitors,
    /// An annual import cap (absent: none accounted).
    pub cap: Option<RawImportCap>,
    /// Goods carried by sea.
    #[serde(default)]
    pub cargoes: Vec<RawSeaCargo>,
    /// North Korean fleets.
    #[serde(default)]
    pub fleets: Vec<RawFleet>,
    /// Counterpart ships at sea.
    #[serde(default)]
    pub counterparts: Vec<RawCounterpart>,
}

/// `[maritime.bribe_cny_per_t]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeaBribes {
    /// Customs.
    pub customs: Param,
    /// State Security.
    pub state_security: Param,
    /// Party officials.
    pub party: Param,
}

/// `[maritime.monitors]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMonitors {
    /// Satellite images a day.
    pub satellite_revisits_per_day: Param,
    /// Chance an image shows a transfer under way.
    pub satellite_detection_per_pass: Param,
    /// Patrol aircraft hours over the zone a day.
    pub aircraft_patrol_hours_per_day: Param,
    /// Sighting rate of a patrol aircraft overhead.
    pub aircraft_sightings_per_hour: Param,
    /// Hazard multiplier with AIS off.
    pub ais_off_detection_factor: Param,
    /// Hazard multiplier at night.
    pub night_detection_factor: Param,
    /// Chance of notice by inspection in port.
    pub port_inspection_probability: Param,
    /// Interdiction after a detection at sea.
    pub interdiction_probability_at_sea: Param,
    /// Interdiction after a detection in port.
    pub interdiction_probability_in_port: Param,
}

/// `[maritime.cap]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawImportCap {
    /// Good id (counted in barrels).
    pub good: Spanned<String>,
    /// Barrels a year allowed.
    pub barrels_per_year: Param,
}

/// `[[maritime.cargoes]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeaCargo {
    /// Good id.
    pub good: Spanned<String>,
    /// Site id of the Chinese port for direct deliveries.
    pub port: Spanned<String>,
    /// Share of its voyages stopped while the border is closed.
    pub closure_stop_share: Param,
}

/// `[[maritime.fleets]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFleet {
    /// Identifier.
    pub id: Spanned<String>,
    /// `bulk_carrier`, `fishing_boat` or `tanker`.
    pub kind: Spanned<String>,
    /// Good id.
    pub good: Spanned<String>,
    /// Site id of the home port.
    pub home_port: Spanned<String>,
    /// Ships.
    pub ships: Param,
    /// Cargo per ship.
    pub capacity_t: Param,
    /// Round trip to the transfer zone.
    pub sts_voyage_days: Param,
    /// Round trip to the Chinese port.
    pub port_voyage_days: Param,
    /// Hours to transfer a full load at sea.
    pub transfer_hours: Param,
    /// Hours a full load spends in a Chinese port.
    pub port_hours: Param,
    /// Fuel and stores per day at sea.
    pub fuel_cost_cny_per_day: Param,
    /// Crew pay per day at sea.
    pub crew_wage_cny_per_day: Param,
    /// Value of a ship.
    pub ship_value_cny: Param,
}

/// `[[maritime.counterparts]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCounterpart {
    /// Identifier.
    pub id: Spanned<String>,
    /// `receiving_ship` or `supply_tanker`.
    pub kind: Spanned<String>,
    /// Good ids.
    pub goods: Vec<Spanned<String>>,
    /// Ships.
    pub ships: Param,
    /// Cargo per ship.
    pub capacity_t: Param,
    /// Round trip to a Chinese port.
    pub voyage_days: Param,
    /// Their margin on the Chinese price.
    pub margin_share: Param,
    /// Their freight per tonne.
    pub freight_cny_per_t: Param,
}

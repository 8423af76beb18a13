//! The validated inputs the engine runs on. `yalu-scenario` builds these from a scenario
//! file after checking every value, so the engine trusts them.

use jiff::civil::Date;

use crate::calendar::{IceSeason, Phase};

/// Index of a site in [`ModelParams::sites`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteId(pub u16);

/// Index of a good in [`ModelParams::goods`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoodId(pub u16);

/// Everything one simulation needs.
#[derive(Clone, Debug)]
pub struct ModelParams {
    /// First simulated day.
    pub first_day: Date,
    /// Last simulated day (inclusive).
    pub last_day: Date,
    /// When the rivers are frozen.
    pub ice_season: IceSeason,
    /// Dated phases such as border closures.
    pub phases: Vec<Phase>,
    /// Sanctions resolutions and the goods they ban.
    pub sanctions: Vec<Sanction>,
    /// The goods catalogue.
    pub goods: Vec<Good>,
    /// Crossing sites.
    pub sites: Vec<Site>,
    /// The rice and essentials markets at border sites.
    pub market: MarketParams,
    /// Yuan per US dollar over time.
    pub exchange: ExchangeSchedule,
    /// The porter channel, if the scenario has it.
    pub porter: Option<PorterParams>,
    /// How officials of each agency pass their take up their chain, if any officials are
    /// paid in the scenario.
    pub pass_up: Option<PassUp>,
    /// Chinese border enforcement, if modelled (otherwise E = 0 with no effects).
    pub enforcement: Option<Enforcement>,
    /// How each crossing mode works.
    pub modes: Vec<ModeParams>,
    /// Crossings: which modes each site allows, and their nightly capacity.
    pub crossings: Vec<Crossing>,
    /// State smuggling by trading companies under Room 39, if the scenario has it.
    pub state_trade: Option<StateTrade>,
    /// The state takeover of cross-border trade after the reopening, if it happens within
    /// the scenario.
    pub takeover: Option<Takeover>,
    /// Border households' livelihood smuggling, if the scenario has it.
    pub households: Option<HouseholdParams>,
    /// Cash carried by ship captains for Room 39's officials abroad, if modelled.
    pub couriers: Option<Couriers>,
    /// Embassies earning foreign currency under quotas, if modelled.
    pub diplomats: Option<Diplomats>,
    /// Workers abroad handing over their wages, if modelled.
    pub labour: Option<Labour>,
    /// State drug production and sales, if modelled.
    pub drugs: Option<Drugs>,
    /// The maritime channel (ships, transfers at sea, port deliveries, monitors), if
    /// modelled.
    pub maritime: Option<Maritime>,
}

/// Room 39's officials abroad send cash home by handing it to ship captains bound for
/// Nampo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Couriers {
    /// Officials sending cash this way.
    pub officials: u32,
    /// Bags each official sends in a month.
    pub trips_per_month: f64,
    /// Mean cash in one bag.
    pub cash_usd_per_trip: f64,
    /// Spread of the cash per bag, as a lognormal sigma.
    pub cash_sigma: f64,
    /// Share of each bag the captain keeps.
    pub captain_fee_share: f64,
    /// Chance a bag is found and seized on the way.
    pub capture_probability_per_trip: f64,
}

/// Embassies abroad with foreign-currency quotas.
#[derive(Clone, Debug, PartialEq)]
pub struct Diplomats {
    /// Embassies at the start.
    pub embassies: u32,
    /// What each embassy must hand Room 39 each month.
    pub quota_usd_per_month: f64,
    /// Mean of what an embassy earns from contraband in a month.
    pub earnings_usd_per_month: f64,
    /// Spread of those earnings, as a lognormal sigma.
    pub earnings_sigma: f64,
    /// Dated expulsions: on each date, this many embassies close.
    pub expulsions: Vec<(Date, u32)>,
}

/// Workers sent abroad, who hand most of their wages to the state.
#[derive(Clone, Debug, PartialEq)]
pub struct Labour {
    /// (first day, workers abroad) steps; repatriation is a lower step.
    pub workers: Vec<(Date, u32)>,
    /// Wage per worker per month.
    pub wage_usd_per_month: f64,
    /// Share of the wage handed to the state.
    pub handover_share: f64,
}

impl Labour {
    /// Workers abroad on a date (none before the first step).
    pub fn workers_on(&self, date: Date) -> u32 {
        self.workers
            .iter()
            .take_while(|(from, _)| *from <= date)
            .last()
            .map_or(0, |(_, n)| *n)
    }
}

/// State production and sale of heroin and methamphetamine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drugs {
    /// The heroin good.
    pub heroin: GoodId,
    /// The methamphetamine good.
    pub methamphetamine: GoodId,
    /// Heroin made per year.
    pub heroin_kg_per_year: f64,
    /// Methamphetamine made per year.
    pub methamphetamine_kg_per_year: f64,
    /// Heroin is packed and sold in units of this mass.
    pub heroin_unit_g: f64,
    /// Methamphetamine is sold in units of this mass.
    pub methamphetamine_unit_kg: f64,
    /// Price at sea relative to the price at the Chinese border (the goods' Chinese price;
    /// production cost is their home price).
    pub sea_price_multiple: f64,
    /// Share of sales made at sea.
    pub sea_share: f64,
    /// Sales (batches) a month.
    pub sales_per_month: f64,
    /// Chance a batch is seized.
    pub seizure_probability_per_sale: f64,
    /// Share of the proceeds handed to Room 39 (the rest stays with the traffickers).
    pub room39_share: f64,
    /// Where border sales happen.
    pub border_site: SiteId,
    /// Where sea sales happen.
    pub sea_site: SiteId,
}

/// Yuan per US dollar: dated steps, each in force until the next.
#[derive(Clone, Debug, PartialEq)]
pub struct ExchangeSchedule {
    /// (first day, yuan per dollar), in date order.
    pub steps: Vec<(Date, f64)>,
}

impl ExchangeSchedule {
    /// The rate on a date (the first step's before it begins).
    pub fn cny_per_usd(&self, date: Date) -> f64 {
        self.steps
            .iter()
            .take_while(|(from, _)| *from <= date)
            .last()
            .or(self.steps.first())
            .map_or(f64::NAN, |(_, rate)| *rate)
    }
}

impl ModelParams {
    /// Whether a good is under a sanction in force on a date.
    pub fn sanctioned(&self, good: GoodId, date: Date) -> bool {
        self.sanctions
            .iter()
            .any(|s| s.in_force_from <= date && s.goods.contains(&good))
    }
}

/// A sanctions resolution: from a date, the listed goods may not be traded.
#[derive(Clone, Debug, PartialEq)]
pub struct Sanction {
    /// Identifier, e.g. `UNSCR 2397`.
    pub id: String,
    /// First day the ban applies.
    pub in_force_from: Date,
    /// Goods banned.
    pub goods: Vec<GoodId>,
}

/// What a good's quantities are counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityUnit {
    /// Kilograms (bulk goods).
    Kg,
    /// Grams (drugs).
    Grams,
    /// Whole items (vehicles, appliances).
    Units,
    /// Barrels (refined petroleum).
    Barrels,
}

impl QuantityUnit {
    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            QuantityUnit::Kg => "kg",
            QuantityUnit::Grams => "g",
            QuantityUnit::Units => "units",
            QuantityUnit::Barrels => "barrels",
        }
    }
}

/// Which way a good crosses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From North Korea to China.
    Export,
    /// From China to North Korea.
    Import,
}

/// A good in the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct Good {
    /// Identifier, e.g. `larch_cones`.
    pub id: String,
    /// What its quantities are counted in.
    pub unit: QuantityUnit,
    /// Which way it crosses.
    pub direction: Direction,
    /// Mass of one unit (1 for goods counted in kg).
    pub mass_kg_per_unit: f64,
    /// Price of one unit on the Chinese side.
    pub china_price_cny_per_unit: f64,
    /// Price of one unit on the North Korean side (supply cost of an export, resale price
    /// of an import).
    pub home_price_cny_per_unit: f64,
}

impl Good {
    /// Price paid to acquire one unit: at home for an export, in China for an import.
    pub fn purchase_price_cny(&self) -> f64 {
        match self.direction {
            Direction::Export => self.home_price_cny_per_unit,
            Direction::Import => self.china_price_cny_per_unit,
        }
    }

    /// Price received for one unit: in China for an export, at home for an import.
    pub fn sale_price_cny(&self) -> f64 {
        match self.direction {
            Direction::Export => self.china_price_cny_per_unit,
            Direction::Import => self.home_price_cny_per_unit,
        }
    }
}

/// Index of a province in [`StateTrade::bureaus`] (one trading bureau per province).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BureauId(pub u16);

/// A crossing site.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Identifier, e.g. `hyesan`.
    pub id: String,
    /// The provincial trading bureau whose companies use this site, if any.
    pub bureau: Option<BureauId>,
    /// How hard the site is to cross in [0, 1] (fences, guards); it raises seizure risk.
    pub barrier: f64,
}

/// How goods cross.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Carried across on foot (porter crews, households).
    OnFoot,
    /// Vehicle convoys driven across.
    Convoy,
    /// Trucks driven over the frozen river.
    IceTruck,
    /// Boats.
    Boat,
    /// Ships at sea.
    Ship,
}

impl Mode {
    /// Every mode, in output order.
    pub const ALL: [Mode; 5] = [
        Mode::OnFoot,
        Mode::Convoy,
        Mode::IceTruck,
        Mode::Boat,
        Mode::Ship,
    ];

    /// The name used in scenario files and output tables.
    pub fn name(self) -> &'static str {
        match self {
            Mode::OnFoot => "on_foot",
            Mode::Convoy => "convoy",
            Mode::IceTruck => "ice_truck",
            Mode::Boat => "boat",
            Mode::Ship => "ship",
        }
    }
}

/// How a crossing mode works.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModeParams {
    /// The mode.
    pub mode: Mode,
    /// Cargo one load carries (a truck, a boat). Vehicles imported by convoy are driven
    /// across, one vehicle a load.
    pub cargo_kg_per_load: f64,
    /// Drivers', loaders' or boatmen's pay per load, paid to border households.
    pub labour_cny_per_load: f64,
    /// Chance a consignment is seized with no barrier and no Chinese enforcement.
    pub base_seizure_probability: f64,
}

/// A mode of crossing at a site, with its nightly capacity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Crossing {
    /// The site.
    pub site: SiteId,
    /// The mode.
    pub mode: Mode,
    /// Loads that can cross in one night with no Chinese enforcement.
    pub loads_per_night: u32,
}

/// Chinese border enforcement E(t) in [0, 1]: a dated schedule plus mean-reverting noise.
#[derive(Clone, Debug, PartialEq)]
pub struct Enforcement {
    /// (first day, level) steps; the level before the first step is the first step's.
    pub schedule: Vec<(Date, f64)>,
    /// Daily noise of E around the schedule.
    pub sigma_per_day: f64,
    /// Share of the gap to the schedule closed each day.
    pub reversion_per_day: f64,
    /// Seizure risk is multiplied by (1 + this x E).
    pub seizure_effect: f64,
    /// Nightly capacity is multiplied by (1 - this x E).
    pub capacity_effect: f64,
    /// Seizure risk is multiplied by (1 + this x barrier).
    pub barrier_seizure_effect: f64,
}

impl Enforcement {
    /// The scheduled level on a date.
    pub fn scheduled(&self, date: Date) -> f64 {
        self.schedule
            .iter()
            .take_while(|(from, _)| *from <= date)
            .last()
            .or(self.schedule.first())
            .map_or(0.0, |(_, level)| *level)
    }
}

/// A provincial trading bureau and its trading companies.
#[derive(Clone, Debug, PartialEq)]
pub struct Bureau {
    /// Identifier, e.g. `ryanggang`.
    pub id: String,
    /// Trading companies under it.
    pub companies: u32,
    /// Its share of Room 39's targets.
    pub share_of_targets: f64,
    /// Where its companies' goods pass through official customs.
    pub customs_site: SiteId,
}

/// A good traded by state smuggling, with Room 39's monthly target for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StateGood {
    /// The good.
    pub good: GoodId,
    /// Units a month Room 39 wants moved, before the takeover multiplier.
    pub monthly_target_units: f64,
    /// Smallest consignment.
    pub consignment_units_min: u32,
    /// Largest consignment.
    pub consignment_units_max: u32,
    /// Whether each unit is a vehicle driven across (one load each) rather than cargo.
    pub driven_across: bool,
}

/// State smuggling: Room 39, the bureaus, the trading companies and the donju behind them.
#[derive(Clone, Debug, PartialEq)]
pub struct StateTrade {
    /// Provincial trading bureaus.
    pub bureaus: Vec<Bureau>,
    /// Goods and Room 39's targets.
    pub goods: Vec<StateGood>,
    /// Chance a company plans a consignment on a given day.
    pub planning_probability_per_day: f64,
    /// Share of profit the official customs route takes.
    pub official_levy_share: f64,
    /// Share of an operation's profit the trading company takes from the donju.
    pub company_share: f64,
    /// Share of the company's take paid to its bureau as the approval fee.
    pub bureau_fee_share: f64,
    /// Share of the company's take remitted to Room 39.
    pub room39_share: f64,
    /// Bribes per load by agency, in [`Agency::ALL`] order.
    pub bribe_cny_per_load: [f64; 4],
    /// Spread of sale prices, as a lognormal sigma.
    pub price_sigma: f64,
    /// Weight of the latest outcome in a company's learned seizure risk.
    pub risk_learning_rate: f64,
    /// Seizure risk a company expects before it has any experience.
    pub prior_seizure_risk: f64,
    /// How sharply companies prefer the better option (logit scale on expected margin
    /// as a share of value).
    pub choice_sensitivity: f64,
    /// Expected profit, as a share of the money laid out, below which donju decline to
    /// finance.
    pub donju_hurdle_return: f64,
}

/// The agencies whose officials attend state smuggling operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Agency {
    /// Customs ("mobile customs" counting the goods).
    Customs,
    /// State Security (checking for drugs, South Korean goods, foreign media).
    StateSecurity,
    /// Public Security.
    PublicSecurity,
    /// Border guards.
    BorderGuards,
}

impl Agency {
    /// Every agency, in parameter order.
    pub const ALL: [Agency; 4] = [
        Agency::Customs,
        Agency::StateSecurity,
        Agency::PublicSecurity,
        Agency::BorderGuards,
    ];
}

/// The state takeover of cross-border trade after the reopening.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Takeover {
    /// First day of the takeover.
    pub first_day: Date,
    /// Room 39's targets are multiplied by this from the first day.
    pub state_trade_multiplier: f64,
    /// Share of households' livelihood trips the crackdown stops.
    pub household_crackdown: f64,
    /// Share of the margin on the trips that still go ahead that State Security and Public
    /// Security agents take (split equally).
    pub household_bribe_share_of_margin: f64,
}

/// Border households' livelihood smuggling of essentials.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdParams {
    /// Households at each site (index by [`SiteId`]).
    pub households_at_site: Vec<u32>,
    /// The good they carry (essentials).
    pub good: GoodId,
    /// Trips a household makes in a month when unhindered.
    pub trips_per_month: f64,
    /// Kilograms carried per trip.
    pub kg_per_trip: f64,
    /// Chance a trip's goods are seized.
    pub seizure_probability_per_trip: f64,
}

/// Parameters of the porter channel (Daily NK testimony).
#[derive(Clone, Debug, PartialEq)]
pub struct PorterParams {
    /// Smallest crew a donju sends.
    pub crew_size_min: u32,
    /// Largest crew of the usual kind.
    pub crew_size_typical_max: u32,
    /// Largest crew ever seen.
    pub crew_size_max: u32,
    /// Share of crews larger than the usual kind.
    pub large_crew_share: f64,
    /// Donju do not hire anyone who cannot carry this much.
    pub min_load_kg: u32,
    /// The most one porter's bags hold.
    pub max_load_kg: u32,
    /// Mean of what applicants can carry.
    pub strength_mean_kg: f64,
    /// Spread of what applicants can carry.
    pub strength_sd_kg: f64,
    /// Runs a crew makes in a month.
    pub runs_per_month: f64,
    /// Chance that Chinese or North Korean checks seize a run's goods.
    pub seizure_probability_per_run: f64,
    /// Spread of the Chinese buyers' price around its mean, as a lognormal sigma.
    pub sale_price_sigma: f64,
    /// Where porter crews operate.
    pub sites: Vec<PorterSite>,
    /// What they carry.
    pub goods: Vec<PorterGood>,
    /// How an operation's profit is divided.
    pub profit_split: ProfitSplit,
}

/// A site where porter crews work.
#[derive(Clone, Debug, PartialEq)]
pub struct PorterSite {
    /// The site.
    pub site: SiteId,
    /// Donju operations, each with one crew.
    pub crews: u32,
    /// People looking for porter work there.
    pub applicants: u32,
}

/// A good porters carry.
#[derive(Clone, Debug, PartialEq)]
pub struct PorterGood {
    /// The good.
    pub good: GoodId,
    /// Share of runs that carry it (prices are the catalogue's).
    pub share_of_runs: f64,
}

/// Shares of a porter operation's profit. They sum to 1; the donju keeps what is left
/// after the border guards and the porters are paid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProfitSplit {
    /// Border guards' share.
    pub border_guards: f64,
    /// Donju's share.
    pub donju: f64,
    /// Porters' share, divided among them by weight carried.
    pub porters: f64,
}

/// Shares officials pass up their hierarchy each month, by agency in [`Agency::ALL`] order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PassUp {
    /// Share of a site unit's take passed to the agency's senior officials.
    pub unit_to_senior: [f64; 4],
    /// Share of the seniors' receipts passed to the centre.
    pub senior_to_centre: [f64; 4],
}

/// The border markets: rice follows a mean-reverting log price; the essentials price
/// answers to how much of them reaches the market.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MarketParams {
    /// Long-run rice price.
    pub rice_price_cny_per_kg: f64,
    /// Daily volatility of the log price.
    pub rice_price_sigma_per_day: f64,
    /// Share of the gap to the long-run price closed each day.
    pub rice_price_reversion_per_day: f64,
    /// Elasticity of the essentials price to the shortfall of supply.
    pub essentials_price_elasticity: f64,
    /// Weight of today's supply in the smoothed supply the price answers to.
    pub essentials_supply_smoothing_per_day: f64,
    /// Highest essentials price, as a multiple of the normal price.
    pub essentials_price_cap_multiple: f64,
}

/// The maritime channel: North Korean ships carrying exports out and fuel in, by
/// ship-to-ship transfer in the West Sea zone or by direct delivery to a Chinese port, and
/// the monitors who watch them.
#[derive(Clone, Debug, PartialEq)]
pub struct Maritime {
    /// The ship-to-ship transfer zone (a site at sea).
    pub sts_zone: SiteId,
    /// Goods carried by sea, with where they are delivered directly.
    pub cargoes: Vec<SeaCargo>,
    /// North Korean fleets.
    pub fleets: Vec<Fleet>,
    /// Chinese and foreign ships that trade with them at sea.
    pub counterparts: Vec<CounterpartFleet>,
    /// Satellites, aircraft, port inspections and interdiction.
    pub monitors: Monitors,
    /// The annual cap on a good's imports, if the scenario accounts for one.
    pub cap: Option<ImportCap>,
    /// Supervision payments per tonne of cargo, in [`SeaAgency::ALL`] order.
    pub bribe_cny_per_t: [f64; 3],
    /// Share of a voyage's profit the trading company takes from the operator.
    pub company_share: f64,
    /// Share of the company's take remitted to Room 39.
    pub room39_share: f64,
    /// Spread of sale prices, as a lognormal sigma.
    pub price_sigma: f64,
    /// Weight of the latest voyage in an operator's learned chance of being seen.
    pub risk_learning_rate: f64,
    /// Chance of being seen on a route an operator expects before any experience.
    pub prior_detection_probability: f64,
    /// Logit scale on the expected daily return of the options (days).
    pub choice_sensitivity_days: f64,
    /// Daily return on the money laid out that keeping a ship in port is worth.
    pub hurdle_return_per_day: f64,
    /// Share of ship-to-ship transfers made with AIS switched off.
    pub ais_off_share: f64,
    /// Share of ship-to-ship transfers made at night.
    pub night_share: f64,
    /// Days before an interdicted ship is replaced by another.
    pub ship_replacement_days: u32,
}

/// The agencies whose officials supervise North Korean ships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeaAgency {
    /// Customs officers at the home port.
    Customs,
    /// Security officers (State Security) at the home port.
    StateSecurity,
    /// Party officials.
    Party,
}

impl SeaAgency {
    /// Every agency, in parameter order.
    pub const ALL: [SeaAgency; 3] = [
        SeaAgency::Customs,
        SeaAgency::StateSecurity,
        SeaAgency::Party,
    ];
}

/// A good carried by sea.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeaCargo {
    /// The good.
    pub good: GoodId,
    /// The Chinese port (a site) it goes to when delivered directly.
    pub port: SiteId,
    /// Share of voyages carrying it that do not sail while the border is closed.
    pub closure_stop_share: f64,
}

/// What kind of North Korean ship a fleet is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetKind {
    /// Bulk carriers (coal, sand).
    BulkCarrier,
    /// Fishing boats (seafood).
    FishingBoat,
    /// Tankers (refined petroleum).
    Tanker,
}

impl FleetKind {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            FleetKind::BulkCarrier => "bulk_carrier",
            FleetKind::FishingBoat => "fishing_boat",
            FleetKind::Tanker => "tanker",
        }
    }
}

/// A North Korean fleet: ships alike, of one operator, carrying one good from one port.
#[derive(Clone, Debug, PartialEq)]
pub struct Fleet {
    /// Identifier, e.g. `nampo_coal_carriers`.
    pub id: String,
    /// Kind of ship.
    pub kind: FleetKind,
    /// What it carries (out for an export, in for an import).
    pub good: GoodId,
    /// Where its ships load, unload and are supervised.
    pub home_port: SiteId,
    /// Ships at the start.
    pub ships: u32,
    /// Cargo one ship carries, in tonnes.
    pub capacity_t: f64,
    /// Round trip from the home port to the transfer zone and back, with the transfer.
    pub sts_voyage_days: f64,
    /// Round trip to the Chinese port and back, with the time in port.
    pub port_voyage_days: f64,
    /// Hours a full load takes to transfer at sea.
    pub transfer_hours: f64,
    /// Hours a full load spends in a Chinese port.
    pub port_hours: f64,
    /// Fuel and stores per day at sea.
    pub fuel_cost_cny_per_day: f64,
    /// Crew pay per day at sea.
    pub crew_wage_cny_per_day: f64,
    /// What the operator loses with a ship (its value), in yuan.
    pub ship_value_cny: f64,
}

/// What a counterpart ship does at the transfer zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterpartKind {
    /// Chinese receiving ships that buy exports at sea.
    ReceivingShip,
    /// Tankers that sell fuel at sea.
    SupplyTanker,
}

impl CounterpartKind {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            CounterpartKind::ReceivingShip => "receiving_ship",
            CounterpartKind::SupplyTanker => "supply_tanker",
        }
    }
}

/// Chinese or foreign ships that trade with North Korean ships in the transfer zone.
#[derive(Clone, Debug, PartialEq)]
pub struct CounterpartFleet {
    /// Identifier.
    pub id: String,
    /// Receiving ships or supply tankers.
    pub kind: CounterpartKind,
    /// Goods they take (receiving ships) or sell (supply tankers); all in one unit.
    pub goods: Vec<GoodId>,
    /// Ships.
    pub ships: u32,
    /// Cargo one ship holds, in tonnes.
    pub capacity_t: f64,
    /// Round trip from the zone to a Chinese port and back, to unload or reload.
    pub voyage_days: f64,
    /// Share of the Chinese price they keep for the risk (a discount on what they buy, a
    /// premium on what they sell).
    pub margin_share: f64,
    /// Their cost of carrying a tonne between the zone and a Chinese port.
    pub freight_cny_per_t: f64,
}

/// Satellites, aircraft and inspections, and what follows a detection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Monitors {
    /// Satellite images of the zone (and the Chinese ports) per day.
    pub satellite_revisits_per_day: f64,
    /// Chance an image taken during a transfer shows it.
    pub satellite_detection_per_pass: f64,
    /// Hours a day patrol aircraft spend over the zone.
    pub aircraft_patrol_hours_per_day: f64,
    /// Rate at which a patrol aircraft over the zone spots a transfer under way (per hour).
    pub aircraft_sightings_per_hour: f64,
    /// Detection hazard is multiplied by this when AIS is off.
    pub ais_off_detection_factor: f64,
    /// Detection hazard is multiplied by this for transfers at night.
    pub night_detection_factor: f64,
    /// Chance a direct delivery is noticed by inspection in a Chinese port.
    pub port_inspection_probability: f64,
    /// Chance a detected transfer at sea is interdicted.
    pub interdiction_probability_at_sea: f64,
    /// Chance a detected delivery in port is interdicted.
    pub interdiction_probability_in_port: f64,
}

/// An annual cap on imports of a good (UNSCR 2397's on refined petroleum).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImportCap {
    /// The good.
    pub good: GoodId,
    /// Units a year allowed.
    pub units_per_year: f64,
}

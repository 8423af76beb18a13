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
    /// The porter channel.
    pub porter: PorterParams,
    /// How a porter operation's profit is divided.
    pub profit_split: ProfitSplit,
    /// How officials of each agency pass their take up their chain.
    pub pass_up: PassUp,
    /// The rice and essentials markets at border sites.
    pub market: MarketParams,
    /// Chinese border enforcement.
    pub enforcement: Enforcement,
    /// How each crossing mode works.
    pub modes: Vec<ModeParams>,
    /// Crossings: which modes each site allows, and their nightly capacity.
    pub crossings: Vec<Crossing>,
    /// State smuggling by trading companies under Room 39.
    pub state_trade: StateTrade,
    /// The state takeover of cross-border trade after the reopening.
    pub takeover: Takeover,
    /// Border households' livelihood smuggling.
    pub households: HouseholdParams,
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
}

impl Mode {
    /// Every mode, in output order.
    pub const ALL: [Mode; 4] = [Mode::OnFoot, Mode::Convoy, Mode::IceTruck, Mode::Boat];

    /// The name used in scenario files and output tables.
    pub fn name(self) -> &'static str {
        match self {
            Mode::OnFoot => "on_foot",
            Mode::Convoy => "convoy",
            Mode::IceTruck => "ice_truck",
            Mode::Boat => "boat",
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

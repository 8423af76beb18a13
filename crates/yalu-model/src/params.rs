//! The validated inputs the engine runs on. `yalu-scenario` builds these from a scenario
//! file after checking every value, so the engine trusts them.

use jiff::civil::Date;

use crate::calendar::{IceSeason, YearMonth};
use crate::declare::{Bounds, ParamSpec, Unit};
use crate::events::Event;
use crate::param_set;

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
    /// Dated events (sanctions measures, campaigns, pandemic measures, resumptions,
    /// crackdowns, policies) and their effects on channels.
    pub events: Vec<Event>,
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
    /// What the donju, households and ship operators start with and may borrow, if any of
    /// them lays out money in the scenario.
    pub finance: Option<Finance>,
    /// Declared trade with China by category and mode, if modelled.
    pub declared_trade: Option<DeclaredTrade>,
    /// How protection prices and operators' tactics respond to enforcement, if modelled
    /// (otherwise prices are constants per load and the AIS-off share is fixed).
    pub adaptation: Option<Adaptation>,
}

/// Index of a category in [`DeclaredTrade::categories`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CategoryId(pub u16);

/// How declared trade crosses the border.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TradeMode {
    /// Trucks over the bridges at the customs posts.
    Road,
    /// Freight trains (Dandong-Sinuiju).
    Rail,
    /// Ships between Chinese ports and Nampo or the other ports.
    Sea,
}

impl TradeMode {
    /// Every mode, in output order.
    pub const ALL: [TradeMode; 3] = [TradeMode::Road, TradeMode::Rail, TradeMode::Sea];

    /// The name used in scenario files and output tables.
    pub fn name(self) -> &'static str {
        match self {
            TradeMode::Road => "road",
            TradeMode::Rail => "rail",
            TradeMode::Sea => "sea",
        }
    }

    /// Its position in [`TradeMode::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

param_set! {
    /// A category of declared trade (a basket the sanctions cut), with its normal value
    /// before the bans and how it splits between the modes.
    #[derive(Clone, Debug, PartialEq)]
    pub struct DeclaredCategory {
        /// Identifier, e.g. `coal`.
        pub id: String,
        /// Which way it crosses.
        pub direction: Direction,
        params:
        /// Declared value a month in normal times, before the sanctions of 2016-2017.
        usd_per_month: f64 [UsdPerMonth, Bounds::NON_NEGATIVE],
        /// Share of it that crosses by road.
        road_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of it that crosses by rail (the rest goes by sea).
        rail_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of an import's declared value sold as essentials in the border markets the model has (0 for goods that are not essentials; exports ignore it).
        market_share: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

impl DeclaredCategory {
    /// Share of the category's value sold as essentials in the border markets: imports
    /// only, since exports leave the country.
    pub fn sold_in_markets_share(&self) -> f64 {
        match self.direction {
            Direction::Import => self.market_share,
            Direction::Export => 0.0,
        }
    }

    /// Share of the category's value that crosses by `mode`.
    pub fn mode_share(&self, mode: TradeMode) -> f64 {
        match mode {
            TradeMode::Road => self.road_share,
            TradeMode::Rail => self.rail_share,
            TradeMode::Sea => (1.0 - self.road_share - self.rail_share).max(0.0),
        }
    }
}

param_set! {
    /// `[declared_trade]`: trade declared to China's customs, by category and mode; the
    /// trading companies earn a margin on it and the state levies
    /// `state_trade.official_levy_share` of that margin.
    #[derive(Clone, Debug, PartialEq)]
    pub struct DeclaredTrade {
        /// The categories, exports and imports.
        pub categories: Vec<DeclaredCategory>,
        params:
        /// Declared value road can carry in a month (trucks through the customs posts).
        road_capacity_usd_per_month: f64 [UsdPerMonth, Bounds::NON_NEGATIVE],
        /// Declared value rail can carry in a month.
        rail_capacity_usd_per_month: f64 [UsdPerMonth, Bounds::NON_NEGATIVE],
        /// Declared value the ports can handle in a month.
        sea_capacity_usd_per_month: f64 [UsdPerMonth, Bounds::NON_NEGATIVE],
        /// Orders held back by a stop or a cut wait to be filled when trade resumes, up to this many months of the category's normal value; the rest are lost.
        pent_up_months: f64 [Months, Bounds::new(0.0, 36.0)],
        /// The trading companies' cut on declared exports: what China pays less what the suppliers get, as a share of the value.
        export_margin_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// The trading companies' markup on declared imports: what the domestic buyers pay over the value, as a share of it.
        import_margin_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of the orders road or rail cannot carry on a day that the other land mode takes, within what it can still carry that day; 0 moves none.
        land_substitution_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of the orders a mode cannot carry on a day that go between sea and land, within what the other mode can still carry that day; 0 moves none.
        sea_substitution_share: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

impl DeclaredTrade {
    /// Declared imports sold in the border markets in a normal month, in US dollars.
    pub fn market_usd_per_month(&self) -> f64 {
        self.categories
            .iter()
            .map(|c| c.sold_in_markets_share() * c.usd_per_month)
            .sum()
    }

    /// The trading companies' margin on trade going `direction`, as a share of its value.
    pub fn margin_share(&self, direction: Direction) -> f64 {
        match direction {
            Direction::Export => self.export_margin_share,
            Direction::Import => self.import_margin_share,
        }
    }

    /// What `mode` can carry in a month, in US dollars.
    pub fn capacity_usd_per_month(&self, mode: TradeMode) -> f64 {
        match mode {
            TradeMode::Road => self.road_capacity_usd_per_month,
            TradeMode::Rail => self.rail_capacity_usd_per_month,
            TradeMode::Sea => self.sea_capacity_usd_per_month,
        }
    }

    /// Share of the orders `from` cannot carry that may go by `to` instead: between the
    /// land modes (which cross at the same customs posts), or between sea and land.
    pub fn substitution_share(&self, from: TradeMode, to: TradeMode) -> f64 {
        if from == to {
            0.0
        } else if from == TradeMode::Sea || to == TradeMode::Sea {
            self.sea_substitution_share
        } else {
            self.land_substitution_share
        }
    }

    /// Whether orders a mode cannot carry may move to another.
    pub fn substitutes(&self) -> bool {
        self.land_substitution_share > 0.0 || self.sea_substitution_share > 0.0
    }

    /// What of a lane's `unsent_usd` orders waits for tomorrow: at most `pent_up_months`
    /// of its normal value (`normal_today_usd` a day over a month of `days`).
    pub fn waiting_usd(&self, unsent_usd: f64, normal_today_usd: f64, days: f64) -> f64 {
        unsent_usd.min(self.pent_up_months * normal_today_usd * days)
    }
}

param_set! {
    /// `[finance]`: endowments and credit of the actors who pay before they are paid.
    /// Nobody else needs money up front, and the outside world (Chinese partners, buyers,
    /// the state budget) is not followed.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Finance {
        params:
        /// Working capital the donju at one site hold on the first day.
        donju_opening_cny_per_site: f64 [Cny, Bounds::NON_NEGATIVE],
        /// How much the donju at one site may borrow from moneylenders at any time.
        donju_credit_limit_cny_per_site: f64 [Cny, Bounds::NON_NEGATIVE],
        /// Interest per day on the donju's money, as a share of the sum: what borrowing costs them, and what tying up their own money forgoes.
        donju_credit_cost_per_day: f64 [PerDay, Bounds::UNIT_INTERVAL],
        /// Savings a border household holds on the first day, for buying goods before it sells them.
        households_savings_cny_per_household: f64 [Cny, Bounds::NON_NEGATIVE],
        /// Cash the state shipping operators hold on the first day, for cargo, bribes, fuel, crews and replacement ships.
        shipping_operators_opening_cny: f64 [Cny, Bounds::NON_NEGATIVE],
    }
}

param_set! {
    /// Room 39's officials abroad send cash home by handing it to ship captains bound for
    /// Nampo.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Couriers {
        params:
        /// Officials sending cash this way.
        officials: u32 [People, Bounds::count(100_000)],
        /// Bags each official sends in a month; they share the month's cash, so they set each bag's size, not the flow.
        trips_per_month: f64 [TripsPerMonth, Bounds::PER_MONTH],
        /// Mean cash each official sends home in a month, shared among the month's bags.
        cash_usd_per_month: f64 [UsdPerMonth, Bounds::NON_NEGATIVE],
        /// Spread of the cash per bag, as a lognormal sigma.
        cash_sigma: f64 [LogSigma, Bounds::NON_NEGATIVE],
        /// Share of each bag the captain keeps.
        captain_fee_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Chance a bag is found and seized on the way.
        capture_probability_per_trip: f64 [Probability, Bounds::UNIT_INTERVAL],
    }
}

param_set! {
    /// Embassies abroad with foreign-currency quotas.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Diplomats {
        /// Dated expulsions: on each date, this many embassies close.
        pub expulsions: Vec<(Date, u32)>,
        params:
        /// Embassies at the start.
        embassies: u32 [Embassies, Bounds::count(200)],
        /// What each embassy must hand Room 39 each month.
        quota_usd_per_month: f64 [UsdPerMonth, Bounds::NON_NEGATIVE],
        /// Mean of what an embassy earns from contraband in a month.
        earnings_usd_per_month: f64 [UsdPerMonth, Bounds::NON_NEGATIVE],
        /// Spread of those earnings, as a lognormal sigma.
        earnings_sigma: f64 [LogSigma, Bounds::NON_NEGATIVE],
    }
}

param_set! {
    /// Workers sent abroad, a stock moved by dispatch, contract ends and repatriation
    /// (when each runs is said by the events on `labour_dispatch` and `labour_return`);
    /// they hand most of their wages to the state.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Labour {
        params:
        /// Wage per worker per month.
        wage_usd_per_month: f64 [UsdPerMonth, Bounds::NON_NEGATIVE],
        /// Share of the wage handed to the state.
        handover_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Workers abroad on the first simulated day.
        workers_at_start: u32 [People, Bounds::count(1_000_000)],
        /// Mean contract abroad (then a worker comes home unless returns are stopped).
        contract_months: f64 [Months, Bounds::new(1.0, 240.0)],
        /// Workers sent abroad in a month while dispatch is open at full capacity.
        dispatch_workers_per_month: f64 [PeoplePerMonth, Bounds::new(0.0, 100_000.0)],
        /// Share of the pay workers keep (after the handover) that they save and bring home when they return, changed into won in the markets; 0 leaves the won blind to it.
        savings_home_share: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

impl Labour {
    /// The savings the workers hold abroad on the first day, in yuan at `cny_per_usd`:
    /// each saves `savings_home_share` of the pay kept each month and the stock turns over
    /// every `contract_months` (those who leave take their part), so in a steady state the
    /// pool is the workers x a month's savings x `contract_months`. Starting from it keeps
    /// the first months' savings brought home, part of the won's normal level, at the
    /// level of a stock that has been abroad for years.
    pub fn savings_at_start_cny(&self, cny_per_usd: f64) -> f64 {
        f64::from(self.workers_at_start)
            * self.wage_usd_per_month
            * (1.0 - self.handover_share)
            * self.savings_home_share
            * self.contract_months
            * cny_per_usd
    }
}

param_set! {
    /// State production and sale of heroin and methamphetamine.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Drugs {
        /// The heroin good.
        pub heroin: GoodId,
        /// The methamphetamine good.
        pub methamphetamine: GoodId,
        /// Where border sales happen.
        pub border_site: SiteId,
        /// Where sea sales happen.
        pub sea_site: SiteId,
        params:
        /// Heroin made per year.
        heroin_kg_per_year: f64 [KgPerYear, Bounds::NON_NEGATIVE],
        /// Methamphetamine made per year.
        methamphetamine_kg_per_year: f64 [KgPerYear, Bounds::NON_NEGATIVE],
        /// Heroin is packed and sold in units of this mass.
        heroin_unit_g: f64 [Grams, Bounds::POSITIVE],
        /// Methamphetamine is sold in units of this mass.
        methamphetamine_unit_kg: f64 [Kg, Bounds::POSITIVE],
        /// Price at sea as a multiple of the Chinese-border price (production cost is the home price).
        sea_price_multiple: f64 [Multiplier, Bounds::NON_NEGATIVE],
        /// Share of sales made at sea.
        sea_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Sales (batches) a month.
        sales_per_month: f64 [SalesPerMonth, Bounds::PER_MONTH],
        /// Chance a batch is seized.
        seizure_probability_per_sale: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// Share of the proceeds handed to Room 39 (the rest stays with the traffickers).
        room39_share: f64 [Share, Bounds::UNIT_INTERVAL],
    }
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
        step_in_force(&self.steps, |from| *from <= date)
            .or(self.steps.first().map(|(_, rate)| *rate))
            .unwrap_or(f64::NAN)
    }
}

/// The value of the last of dated `steps` (in date order) that has `begun`; `None` before
/// the first.
fn step_in_force(steps: &[(Date, f64)], begun: impl Fn(&Date) -> bool) -> Option<f64> {
    steps
        .iter()
        .take_while(|(from, _)| begun(from))
        .last()
        .map(|(_, value)| *value)
}

/// Average days in a month, for rates given per month.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

impl ModelParams {
    /// Days simulated, first and last included (0 if the dates are inverted, which a
    /// validated scenario never has).
    pub fn days(&self) -> u64 {
        u64::try_from((self.last_day - self.first_day).get_days() + 1).unwrap_or(0)
    }

    /// Agents the engine steps every day: porters (applicants and crews), households,
    /// courier officials, embassies, workers abroad at the peak, trading companies and
    /// ships; at least 1 (the markets). This is the size the work and memory estimates of
    /// an experiment rest on; every term is bounded by its count's declared maximum.
    pub fn agents(&self) -> u64 {
        let porters = self.porter.as_ref().map_or(0, |p| {
            p.sites
                .iter()
                .map(|s| u64::from(s.applicants) + u64::from(s.crews))
                .sum()
        });
        let households = self.households.as_ref().map_or(0, |h| {
            h.households_at_site.iter().copied().map(u64::from).sum()
        });
        let couriers = self.couriers.map_or(0, |c| u64::from(c.officials));
        let embassies = self
            .diplomats
            .as_ref()
            .map_or(0, |d| u64::from(d.embassies));
        let workers = self.labour.map_or(0, |l| u64::from(l.workers_at_start));
        let companies = self.state_trade.as_ref().map_or(0, |t| {
            t.bureaus.iter().map(|b| u64::from(b.companies)).sum()
        });
        let ships = self.maritime.as_ref().map_or(0, |m| {
            m.fleets
                .iter()
                .flat_map(|f| (0..f.classes()).map(|c| u64::from(f.ships_of(c))))
                .sum::<u64>()
                + m.counterparts
                    .iter()
                    .map(|c| u64::from(c.ships))
                    .sum::<u64>()
        });
        1 + porters + households + couriers + embassies + workers + companies + ships
    }

    /// Essentials reaching each site's market per day in normal times (no crackdown, no
    /// enforcement, declared trade at its normal value), against which the market
    /// measures shortfalls.
    pub fn essentials_normal_supply_kg_per_day(&self) -> Vec<f64> {
        let Some(h) = &self.households else {
            return vec![0.0; self.sites.len()];
        };
        let declared_kg = self.declared_trade.as_ref().map_or(0.0, |d| {
            d.market_usd_per_month() / DAYS_PER_MONTH * self.essentials_kg_per_usd(self.first_day)
        });
        h.households_at_site
            .iter()
            .zip(self.declared_essentials_site_shares())
            .map(|(&n, share)| {
                f64::from(n) * h.trips_per_month / DAYS_PER_MONTH
                    * h.kg_per_trip
                    * (1.0 - h.seizure_probability_per_trip)
                    + declared_kg * share
            })
            .collect()
    }

    /// Kilograms of essentials a declared dollar buys on `date`: customs value imports at
    /// what they cost in China, so at the essentials good's Chinese price (0 without
    /// households, whose good the essentials are).
    pub fn essentials_kg_per_usd(&self, date: Date) -> f64 {
        self.households.as_ref().map_or(0.0, |h| {
            self.exchange.cny_per_usd(date) / self.goods[h.good.0 as usize].china_price_cny_per_unit
        })
    }

    /// Each site's share of the declared essentials sold in the border markets: the
    /// customs do not record where goods go on to, so they are shared as the households
    /// (the markets' buyers) are.
    pub fn declared_essentials_site_shares(&self) -> Vec<f64> {
        let Some(h) = &self.households else {
            return vec![0.0; self.sites.len()];
        };
        let total: f64 = h.households_at_site.iter().map(|&n| f64::from(n)).sum();
        h.households_at_site
            .iter()
            .map(|&n| {
                if total > 0.0 {
                    f64::from(n) / total
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// What one ship of a counterpart fleet holds, in its goods' unit (kg, or barrels).
    pub fn counterpart_capacity_units(&self, counterpart: &CounterpartFleet) -> f64 {
        let mass = counterpart
            .goods
            .first()
            .map_or(1.0, |g| self.goods[g.0 as usize].mass_kg_per_unit);
        counterpart.capacity_t * 1000.0 / mass
    }

    /// Whether a good is under a sanctions ban in force on a date (a sanction measure
    /// event that stops declared trade in it).
    pub fn sanctioned(&self, good: GoodId, date: Date) -> bool {
        crate::events::sanctioned(&self.events, good, date)
    }
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
    /// Every unit.
    pub const ALL: [QuantityUnit; 4] = [
        QuantityUnit::Kg,
        QuantityUnit::Grams,
        QuantityUnit::Units,
        QuantityUnit::Barrels,
    ];

    /// The mass of one unit where the unit itself fixes it (kg and g), in kg.
    pub fn fixed_mass_kg(self) -> Option<f64> {
        match self {
            QuantityUnit::Kg => Some(1.0),
            QuantityUnit::Grams => Some(0.001),
            QuantityUnit::Units | QuantityUnit::Barrels => None,
        }
    }

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

impl Direction {
    /// Both directions.
    pub const ALL: [Direction; 2] = [Direction::Export, Direction::Import];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Export => "export",
            Direction::Import => "import",
        }
    }
}

param_set! {
    /// A good in the catalogue.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Good {
        /// Identifier, e.g. `larch_cones`.
        pub id: String,
        /// What its quantities are counted in.
        pub unit: QuantityUnit,
        /// Which way it crosses.
        pub direction: Direction,
        /// Mass of one unit (1 for goods counted in kg; see [`MASS_KG_PER_UNIT`]).
        pub mass_kg_per_unit: f64,
        params:
        /// Price of one unit on the Chinese side.
        china_price_cny_per_unit: f64 [CnyEach, Bounds::NON_NEGATIVE],
        /// Price of one unit in North Korea (supply cost of an export, resale price of an import).
        home_price_cny_per_unit: f64 [CnyEach, Bounds::NON_NEGATIVE],
    }
}

/// A good's mass per unit, given only for goods counted in units or barrels.
pub const MASS_KG_PER_UNIT: ParamSpec = ParamSpec {
    key: "mass_kg_per_unit",
    unit: Unit::KgEach,
    bounds: Bounds::POSITIVE,
    whole: false,
    doc: "Mass of one unit of a good counted in units or barrels.",
};

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

param_set! {
    /// A crossing site.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Site {
        /// Identifier, e.g. `hyesan`.
        pub id: String,
        /// The provincial trading bureau whose companies use this site, if any.
        pub bureau: Option<BureauId>,
        params:
        /// How hard the site is to cross (fences, guards); it raises seizure risk.
        barrier: f64 [Level, Bounds::UNIT_INTERVAL],
    }
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

param_set! {
    /// How a crossing mode works.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct ModeParams {
        /// The mode.
        pub mode: Mode,
        params:
        /// Cargo one load carries (vehicles imported by convoy are driven across, one a load).
        cargo_kg_per_load: f64 [Kg, Bounds::POSITIVE],
        /// Drivers', loaders' or boatmen's pay per load, paid to border households.
        labour_cny_per_load: f64 [CnyPerLoad, Bounds::NON_NEGATIVE],
        /// Chance a consignment is seized with no barrier and no Chinese enforcement.
        base_seizure_probability: f64 [Probability, Bounds::UNIT_INTERVAL],
    }
}

param_set! {
    /// A mode of crossing at a site, with its nightly capacity.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Crossing {
        /// The site.
        pub site: SiteId,
        /// The mode.
        pub mode: Mode,
        params:
        /// Loads that can cross in one night with no Chinese enforcement.
        loads_per_night: u32 [LoadsPerNight, Bounds::count(100_000)],
    }
}

param_set! {
    /// Chinese border enforcement E(t) in [0, 1]: a dated schedule plus mean-reverting noise.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Enforcement {
        /// (first day, level) steps; the level before the first step is the first step's.
        pub schedule: Vec<(Date, f64)>,
        params:
        /// Daily noise of E around the schedule.
        sigma_per_day: f64 [Level, Bounds::NON_NEGATIVE],
        /// Share of the gap to the schedule closed each day.
        reversion_per_day: f64 [PerDay, Bounds::UNIT_INTERVAL],
        /// Seizure risk is multiplied by (1 + this x E).
        seizure_effect: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// Nightly capacity is multiplied by (1 - this x E).
        capacity_effect: f64 [Ratio, Bounds::UNIT_INTERVAL],
        /// Seizure risk is multiplied by (1 + this x barrier).
        barrier_seizure_effect: f64 [Ratio, Bounds::NON_NEGATIVE],
    }
}

impl Enforcement {
    /// The scheduled level on a date.
    pub fn scheduled(&self, date: Date) -> f64 {
        step_in_force(&self.schedule, |from| *from <= date)
            .or(self.schedule.first().map(|(_, level)| *level))
            .unwrap_or(0.0)
    }
}

param_set! {
    /// A provincial trading bureau and its trading companies.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Bureau {
        /// Identifier, e.g. `ryanggang`.
        pub id: String,
        /// Where its companies' goods pass through official customs.
        pub customs_site: SiteId,
        params:
        /// Trading companies under it.
        companies: u32 [Companies, Bounds::count(10_000)],
        /// Its share of Room 39's targets.
        share_of_targets: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

param_set! {
    /// A good traded by state smuggling, with Room 39's monthly target for it.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct StateGood {
        /// The good.
        pub good: GoodId,
        /// Whether each unit is a vehicle driven across (one load each) rather than cargo.
        pub driven_across: bool,
        params:
        /// Units a month Room 39 wants moved, before the takeover multiplier.
        monthly_target_units: f64 [UnitsPerMonth, Bounds::NON_NEGATIVE],
        /// Smallest consignment.
        consignment_units_min: u32 [Units, Bounds::positive_count(10_000_000)],
        /// Largest consignment.
        consignment_units_max: u32 [
            Units, Bounds::positive_count(10_000_000), at_least consignment_units_min
        ],
        /// Trade licence (waku) per unit, paid on either route: to the centre through customs, as bribes when smuggled.
        licence_cny_per_unit: f64 [CnyEach, Bounds::NON_NEGATIVE],
    }
}

param_set! {
    /// State smuggling: Room 39, the bureaus, the trading companies and the donju behind them.
    #[derive(Clone, Debug, PartialEq)]
    pub struct StateTrade {
        /// Provincial trading bureaus.
        pub bureaus: Vec<Bureau>,
        /// Goods and Room 39's targets.
        pub goods: Vec<StateGood>,
        /// Bribes per load by agency, in [`Agency::ALL`] order (declared in [`LandBribes`]).
        pub bribe_cny_per_load: [f64; 4],
        params:
        /// Chance a company plans a consignment on a given day.
        planning_probability_per_day: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// Share of profit the official customs route takes.
        official_levy_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of an operation's profit the trading company takes from the donju.
        company_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of the company's take paid to its bureau as the approval fee.
        bureau_fee_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of the company's take remitted to Room 39.
        room39_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Spread of sale prices, as a lognormal sigma.
        price_sigma: f64 [LogSigma, Bounds::NON_NEGATIVE],
        /// Weight of the latest outcome in a company's learned seizure risk.
        risk_learning_rate: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Seizure risk a company expects before it has any experience.
        prior_seizure_risk: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// How sharply companies prefer the better option (logit scale on margin as a share of value).
        choice_sensitivity: f64 [LogitScale, Bounds::NON_NEGATIVE],
        /// Expected return on the money laid out below which donju decline to finance.
        donju_hurdle_return: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// Days official customs holds a consignment (inspection, papers) beyond the one night a crossing takes.
        official_clearance_days: f64 [Days, Bounds::NON_NEGATIVE],
        /// Share of its Chinese price a smuggled export under sanction forgoes: Chinese buyers of banned goods pay less for the risk and costs on their side.
        sanctioned_export_discount: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share added to the Chinese price of a smuggled import under sanction, for the same reason on the sellers' side.
        sanctioned_import_premium: f64 [Share, Bounds::NON_NEGATIVE],
        /// The Chinese side's leg of a smuggled load of cargo (brokers, drivers, the officials who look away), paid to the Chinese counterparts; vehicles driven across carry it in their Chinese price.
        chinese_leg_cny_per_load: f64 [CnyPerLoad, Bounds::NON_NEGATIVE],
        /// Personnel cost of taking one vehicle driven across (a load of its own) into the DPRK, smuggled or through customs, paid to border households in place of its mode's labour per load of cargo.
        vehicle_labour_cny_per_unit: f64 [CnyEach, Bounds::NON_NEGATIVE],
    }
}

impl StateTrade {
    /// What one unit of `good` fetches and costs, in yuan, on a route: smuggling a good
    /// under sanction moves its Chinese price against the company ("costly for both
    /// sides": the Chinese counterpart prices in its own risk); the official route and
    /// goods free of sanctions trade at the catalogue's prices.
    pub fn unit_prices_cny(&self, good: &Good, smuggled_under_sanction: bool) -> UnitPrices {
        let mut china = good.china_price_cny_per_unit;
        if smuggled_under_sanction {
            china *= match good.direction {
                Direction::Export => 1.0 - self.sanctioned_export_discount,
                Direction::Import => 1.0 + self.sanctioned_import_premium,
            };
        }
        let home = good.home_price_cny_per_unit;
        match good.direction {
            Direction::Export => UnitPrices {
                purchase_cny: home,
                sale_cny: china,
            },
            Direction::Import => UnitPrices {
                purchase_cny: china,
                sale_cny: home,
            },
        }
    }
}

/// A unit's purchase and sale price on one route.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitPrices {
    /// Price paid to acquire it.
    pub purchase_cny: f64,
    /// Price received for it.
    pub sale_cny: f64,
}

param_set! {
    /// `[state_trade.bribe_cny_per_load]`: what each agency takes per load.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct LandBribes {
        params:
        /// Customs officers' take per load.
        customs: f64 [CnyPerLoad, Bounds::NON_NEGATIVE],
        /// State Security agents' take per load.
        state_security: f64 [CnyPerLoad, Bounds::NON_NEGATIVE],
        /// Public Security agents' take per load.
        public_security: f64 [CnyPerLoad, Bounds::NON_NEGATIVE],
        /// Border guards' take per load.
        border_guards: f64 [CnyPerLoad, Bounds::NON_NEGATIVE],
    }
}

impl LandBribes {
    /// The amounts in [`Agency::ALL`] order.
    pub fn by_agency(self) -> [f64; 4] {
        [
            self.customs,
            self.state_security,
            self.public_security,
            self.border_guards,
        ]
    }
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

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Agency::Customs => "customs",
            Agency::StateSecurity => "state_security",
            Agency::PublicSecurity => "public_security",
            Agency::BorderGuards => "border_guards",
        }
    }
}

param_set! {
    /// The state takeover of cross-border trade after the reopening.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Takeover {
        /// First day of the takeover.
        pub first_day: Date,
        params:
        /// Room 39's targets are multiplied by this from the first day.
        state_trade_multiplier: f64 [Multiplier, Bounds::NON_NEGATIVE],
        /// Share of households' livelihood trips the crackdown stops.
        household_crackdown: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of the margin on trips still made that State and Public Security agents take.
        household_bribe_share_of_margin: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

param_set! {
    /// Border households' livelihood smuggling of essentials.
    #[derive(Clone, Debug, PartialEq)]
    pub struct HouseholdParams {
        /// Households at each site (index by [`SiteId`]; declared in [`HouseholdSite`]).
        pub households_at_site: Vec<u32>,
        /// The good they carry (essentials).
        pub good: GoodId,
        params:
        /// Trips a household makes in a month when unhindered.
        trips_per_month: f64 [TripsPerMonth, Bounds::PER_MONTH],
        /// Kilograms carried per trip.
        kg_per_trip: f64 [KgPerTrip, Bounds::NON_NEGATIVE],
        /// Chance a trip's goods are seized.
        seizure_probability_per_trip: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// State wage a household draws in a month, in won.
        state_wage_kpw_per_month: f64 [KpwPerMonth, Bounds::NON_NEGATIVE],
        /// Grain rations a household receives in a month, counted as rice.
        ration_rice_kg_per_month: f64 [KgPerMonth, Bounds::NON_NEGATIVE],
        /// A household's earnings from market trade in a month of normal supply, in won.
        market_trade_kpw_per_month: f64 [KpwPerMonth, Bounds::NON_NEGATIVE],
        /// Share of market trade in imported goods, which shrinks with their supply.
        market_trade_import_share: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

param_set! {
    /// `[[households.sites]]`: the households at one site.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct HouseholdSite {
        params:
        /// Border households living on small-scale smuggling there.
        households: u32 [Households, Bounds::count(1_000_000)],
    }
}

param_set! {
    /// Parameters of the porter channel (Daily NK testimony).
    #[derive(Clone, Debug, PartialEq)]
    pub struct PorterParams {
        /// Where porter crews operate.
        pub sites: Vec<PorterSite>,
        /// What they carry.
        pub goods: Vec<PorterGood>,
        /// How an operation's profit is divided.
        pub profit_split: ProfitSplit,
        params:
        /// Smallest crew a donju sends.
        crew_size_min: u32 [Porters, Bounds::positive_count(1_000)],
        /// Largest crew of the usual kind.
        crew_size_typical_max: u32 [Porters, Bounds::positive_count(1_000), at_least crew_size_min],
        /// Largest crew ever seen.
        crew_size_max: u32 [Porters, Bounds::positive_count(1_000), at_least crew_size_typical_max],
        /// Share of crews larger than the usual kind.
        large_crew_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Donju do not hire anyone who cannot carry this much.
        min_load_kg: u32 [Kg, Bounds::count(1_000)],
        /// The most one porter's bags hold.
        max_load_kg: u32 [Kg, Bounds::positive_count(1_000), at_least min_load_kg],
        /// Mean of what applicants can carry.
        strength_mean_kg: f64 [Kg, Bounds::POSITIVE],
        /// Spread of what applicants can carry.
        strength_sd_kg: f64 [Kg, Bounds::NON_NEGATIVE],
        /// Runs a crew makes in a month.
        runs_per_month: f64 [RunsPerMonth, Bounds::PER_MONTH],
        /// Chance that Chinese or North Korean checks seize a run's goods.
        seizure_probability_per_run: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// Spread of the Chinese buyers' price around its mean, as a lognormal sigma.
        sale_price_sigma: f64 [LogSigma, Bounds::NON_NEGATIVE],
    }
}

param_set! {
    /// A site where porter crews work.
    #[derive(Clone, Debug, PartialEq)]
    pub struct PorterSite {
        /// The site.
        pub site: SiteId,
        params:
        /// Donju operations, each with one crew.
        crews: u32 [Crews, Bounds::count(100_000)],
        /// People looking for porter work there.
        applicants: u32 [People, Bounds::count(1_000_000)],
    }
}

param_set! {
    /// A good porters carry.
    #[derive(Clone, Debug, PartialEq)]
    pub struct PorterGood {
        /// The good.
        pub good: GoodId,
        params:
        /// Share of runs that carry it (prices are the catalogue's).
        share_of_runs: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

param_set! {
    /// Shares of a porter operation's profit. They sum to 1; the donju keeps what is left
    /// after the border guards and the porters are paid.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct ProfitSplit {
        params:
        /// Border guards' share.
        border_guards_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Donju's share.
        donju_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Porters' share, divided among them by weight carried.
        porters_share: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

/// Shares officials pass up their hierarchy each month, by agency in [`Agency::ALL`] order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PassUp {
    /// Share of a site unit's take passed to the agency's senior officials.
    pub unit_to_senior: [f64; 4],
    /// Share of the seniors' receipts passed to the centre.
    pub senior_to_centre: [f64; 4],
}

param_set! {
    /// `[pass_up.<agency>]`: how one agency's officials pass their take up.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct AgencyPassUp {
        params:
        /// Share of a site unit's take passed to the agency's senior officials.
        unit_to_senior_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of the seniors' receipts passed to the centre.
        senior_to_centre_share: f64 [Share, Bounds::UNIT_INTERVAL],
    }
}

param_set! {
    /// The border markets: rice follows a mean-reverting log price; the essentials price
    /// answers to how much of them reaches the market.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct MarketParams {
        params:
        /// Long-run rice price.
        rice_price_cny_per_kg: f64 [CnyPerKg, Bounds::POSITIVE],
        /// Daily volatility of the log price.
        rice_price_sigma_per_day: f64 [LogSigma, Bounds::NON_NEGATIVE],
        /// Share of the gap to the long-run price closed each day.
        rice_price_reversion_per_day: f64 [PerDay, Bounds::UNIT_INTERVAL],
        /// Elasticity of the essentials price to the shortfall of supply.
        essentials_price_elasticity: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// Weight of today's supply in the smoothed supply the price answers to.
        essentials_supply_smoothing_per_day: f64 [PerDay, Bounds::new(f64::MIN_POSITIVE, 1.0)],
        /// Highest essentials price, as a multiple of the normal price.
        essentials_price_cap_multiple: f64 [Multiplier, Bounds::new(1.0, f64::INFINITY)],
        /// The won's rate against the yuan in normal times, which the market reverts to.
        won_per_cny: f64 [KpwPerCny, Bounds::POSITIVE],
        /// Daily volatility of the log of the won's rate.
        rate_sigma_per_day: f64 [LogSigma, Bounds::NON_NEGATIVE],
        /// Share of the gap to the rate's target closed each day.
        rate_reversion_per_day: f64 [PerDay, Bounds::UNIT_INTERVAL],
        /// Log change of the won's target rate when foreign money reaching the market stops (a shortfall of 1); 0 ignores it.
        rate_fx_supply_effect: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// Log change of the won's target rate, downwards, when demand for foreign money to pay for imports stops; 0 ignores it.
        rate_fx_demand_effect: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// Months at the start of the run whose foreign-money flows are the normal level shortfalls are measured against.
        fx_reference_months: u32 [Months, Bounds::positive_count(120)],
        /// Elasticity of the won price of rice to the won's rate against the yuan.
        rice_rate_pass_through: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Elasticity of the rice price to the essentials price over its normal level (imported food and rice compete for the same spending).
        rice_essentials_elasticity: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// Half the seasonal swing of the rice price, as a share of its level.
        rice_season_amplitude: f64 [Share, Bounds::new(0.0, 0.5)],
        /// Day of the year on which the seasonal rice price peaks (the lean season).
        rice_season_peak_day: u32 [Days, Bounds::positive_count(366)],
        /// Days between the market surveys the rate table samples (from the 1st of each month).
        rate_sample_interval_days: u32 [Days, Bounds::positive_count(31)],
        /// Log change of the rice price's target when the declared imports sold in the markets stop (a shortfall of 1); 0 ignores them.
        rice_food_import_effect: f64 [Ratio, Bounds::NON_NEGATIVE],
    }
}

param_set! {
    /// The maritime channel: North Korean ships carrying exports out and fuel in, by
    /// ship-to-ship transfer in the West Sea zone or by direct delivery to a Chinese port,
    /// and the monitors who watch them.
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
        /// The cap on a good's imports by sea, if the scenario accounts for one.
        pub cap: Option<ImportCap>,
        /// Supervision payments per tonne of cargo, in [`SeaAgency::ALL`] order (declared in [`SeaBribes`]).
        pub bribe_cny_per_t: [f64; 3],
        params:
        /// Logit scale on the expected daily return of the options.
        choice_sensitivity_days: f64 [Days, Bounds::NON_NEGATIVE],
        /// Daily return on the money laid out that keeping a ship in port is worth.
        hurdle_return_per_day: f64 [PerDay, Bounds::NON_NEGATIVE],
        /// Weight of the latest voyage in an operator's learned chance of being seen.
        risk_learning_rate: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Chance of being seen on a route an operator expects before any experience.
        prior_detection_probability: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// Share of a voyage's profit the trading company takes from the operator.
        company_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of the company's take remitted to Room 39.
        room39_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Spread of sale prices, as a lognormal sigma.
        price_sigma: f64 [LogSigma, Bounds::NON_NEGATIVE],
        /// Share of ship-to-ship transfers made with AIS switched off.
        ais_off_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Share of ship-to-ship transfers made at night.
        night_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Days before an interdicted ship is replaced by another.
        ship_replacement_days: u32 [Days, Bounds::count(3_650)],
        /// Logit scale on the expected daily return of the classes of ship an operator may buy to replace one lost.
        vessel_choice_sensitivity_days: f64 [Days, Bounds::NON_NEGATIVE],
    }
}

param_set! {
    /// `[adaptation]`: how actors respond to what happens to them. Protection prices follow
    /// enforcement and demand (`state_smuggling`, `livelihood`, `maritime`); operators go
    /// dark more often as they learn they are seen (`maritime`). Every elasticity at 0 gives
    /// the constant prices and the fixed AIS-off share of a scenario without the section.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Adaptation {
        params:
        /// Semi-elasticity of protection prices to enforcement pressure: a price is multiplied by exp(this x (pressure - reference)).
        protection_enforcement_elasticity: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// Enforcement pressure (E times the events' risk factor) at which the recorded land protection prices were paid.
        protection_reference_enforcement: f64 [Level, Bounds::UNIT_INTERVAL],
        /// Semi-elasticity of a crossing's bribes to tonight's demand: they are multiplied by exp(this x (used - reference)), used the share of the crossing's nightly loads already taken.
        protection_demand_elasticity: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// Share of a crossing's nightly loads taken at which the recorded prices were paid.
        protection_reference_utilisation: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Elasticity of the AIS-off share to a fleet's learned chance of being seen on a route, relative to the prior, at the prior: share x (1 + this x (learned / prior - 1)).
        ais_off_detection_elasticity: f64 [Ratio, Bounds::NON_NEGATIVE],
        /// What a voyage made dark costs the operator (a disguised identity: false papers and MMSI, repainting), paid to foreign brokers.
        dark_voyage_cost_cny: f64 [Cny, Bounds::NON_NEGATIVE],
        /// Weight of a company's latest consignment of a good in the net margin it has learned for that good (a moving average).
        goods_margin_learning_rate: f64 [Share, Bounds::UNIT_INTERVAL],
        /// How strongly companies favour goods by the margins they have learned: a good's chance of being planned is multiplied by exp(this x learned margin).
        goods_shift_sensitivity: f64 [LogitScale, Bounds::NON_NEGATIVE],
    }
}

impl Adaptation {
    /// The factor on a good's chance of being planned once a company has learned a net
    /// margin `learned` on it: `exp(goods_shift_sensitivity x learned)`.
    pub fn goods_factor(&self, learned: f64) -> f64 {
        (self.goods_shift_sensitivity * learned).exp()
    }

    /// The factor on a protection price at enforcement `pressure`, against the `reference`
    /// at which the price was recorded.
    pub fn enforcement_factor(&self, pressure: f64, reference: f64) -> f64 {
        (self.protection_enforcement_elasticity * (pressure - reference)).exp()
    }

    /// The factor on a crossing's bribes at enforcement `pressure` when `used` of its
    /// nightly loads are taken: `exp(e_E (pressure - P0) + e_D (used - u0))`, one
    /// exponential for both (a crossing's price is worked out for every option valued).
    pub fn crossing_factor(&self, pressure: f64, used: f64) -> f64 {
        (self.protection_enforcement_elasticity
            * (pressure - self.protection_reference_enforcement)
            + self.protection_demand_elasticity
                * (used.clamp(0.0, 1.0) - self.protection_reference_utilisation))
            .exp()
    }
}

impl Maritime {
    /// The row of class `class` of fleet `fleet` among every fleet's classes, fleet by
    /// fleet and class by class.
    pub fn class_cell(&self, fleet: usize, class: usize) -> usize {
        self.fleets[..fleet]
            .iter()
            .map(Fleet::classes)
            .sum::<usize>()
            + class
    }

    /// Classes of ship over every fleet.
    pub fn class_cells(&self) -> usize {
        self.fleets.iter().map(Fleet::classes).sum()
    }

    /// A fleet operator's tactics on a route once it has learned it is seen there with
    /// chance `learned`: the share of its voyages made dark, `ais_off_share x (1 + e
    /// (learned / prior - 1))` in [0, 1] (e `ais_off_detection_elasticity`; linear, as it
    /// is revised after every voyage), and the factor on its
    /// supervision payments, `exp(e_E (learned - prior))`; the recorded share and 1
    /// without `[adaptation]` (the share too without a prior to compare with).
    pub fn tactics(&self, adaptation: Option<&Adaptation>, learned: f64) -> (f64, f64) {
        let prior = self.prior_detection_probability;
        let Some(a) = adaptation else {
            return (self.ais_off_share, 1.0);
        };
        let dark = if prior > 0.0 {
            (self.ais_off_share * (1.0 + a.ais_off_detection_elasticity * (learned / prior - 1.0)))
                .clamp(0.0, 1.0)
        } else {
            self.ais_off_share
        };
        (dark, a.enforcement_factor(learned, prior))
    }
}

param_set! {
    /// `[maritime.bribe_cny_per_t]`: supervision payments per tonne by agency.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct SeaBribes {
        params:
        /// Customs officers at the home port.
        customs: f64 [CnyPerTonne, Bounds::NON_NEGATIVE],
        /// State Security officers at the home port.
        state_security: f64 [CnyPerTonne, Bounds::NON_NEGATIVE],
        /// Party officials.
        party: f64 [CnyPerTonne, Bounds::NON_NEGATIVE],
    }
}

impl SeaBribes {
    /// The amounts in [`SeaAgency::ALL`] order.
    pub fn by_agency(self) -> [f64; 3] {
        [self.customs, self.state_security, self.party]
    }
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

/// A good carried by sea. When its voyages stop or slow (a closure, a campaign) is said by
/// the scenario's events on the maritime channel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeaCargo {
    /// The good.
    pub good: GoodId,
    /// The Chinese port (a site) it goes to when delivered directly.
    pub port: SiteId,
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
    /// Every kind.
    pub const ALL: [FleetKind; 3] = [
        FleetKind::BulkCarrier,
        FleetKind::FishingBoat,
        FleetKind::Tanker,
    ];

    /// What its ships carry: a good counted in this unit, crossing this way.
    pub fn carries(self) -> (QuantityUnit, Direction) {
        match self {
            FleetKind::Tanker => (QuantityUnit::Barrels, Direction::Import),
            FleetKind::BulkCarrier | FleetKind::FishingBoat => {
                (QuantityUnit::Kg, Direction::Export)
            }
        }
    }

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            FleetKind::BulkCarrier => "bulk_carrier",
            FleetKind::FishingBoat => "fishing_boat",
            FleetKind::Tanker => "tanker",
        }
    }
}

param_set! {
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
        /// Other hulls its operator may buy when it replaces a ship
        /// (`[[maritime.fleets.classes]]`); the fleet's own figures are its first class.
        pub classes: Vec<VesselClass>,
        params:
        /// Ships at the start.
        ships: u32 [Ships, Bounds::count(10_000)],
        /// Round trip from the home port to the transfer zone and back, with the transfer.
        sts_voyage_days: f64 [Days, Bounds::POSITIVE],
        /// Round trip to the Chinese port and back, with the time in port.
        port_voyage_days: f64 [Days, Bounds::POSITIVE],
        nested:
        /// The hull of its own ships, its first class.
        hull: Hull,
    }
}

param_set! {
    /// The figures of one class of a fleet's ships, declared once for the fleet's own
    /// ships and each of its other classes.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Hull {
        params:
        /// Cargo one ship carries.
        capacity_t: f64 [Tonnes, Bounds::POSITIVE],
        /// Hours a full load takes to transfer at sea.
        transfer_hours: f64 [Hours, Bounds::NON_NEGATIVE],
        /// Hours a full load spends in a Chinese port.
        port_hours: f64 [Hours, Bounds::NON_NEGATIVE],
        /// Fuel and stores per day at sea.
        fuel_cost_cny_per_day: f64 [CnyPerDay, Bounds::NON_NEGATIVE],
        /// Crew pay per day at sea.
        crew_wage_cny_per_day: f64 [CnyPerDay, Bounds::NON_NEGATIVE],
        /// What the operator loses with a ship of this class, and pays for one.
        ship_value_cny: f64 [Cny, Bounds::NON_NEGATIVE],
    }
}

impl Fleet {
    /// Its classes of ship: its own figures first, then `classes` in order.
    pub fn classes(&self) -> usize {
        1 + self.classes.len()
    }

    /// The figures of class `class` (0: the fleet's own). Panics past [`Fleet::classes`].
    pub fn hull(&self, class: usize) -> Hull {
        class
            .checked_sub(1)
            .map_or(self.hull, |k| self.classes[k].hull)
    }

    /// Ships of class `class` at the start.
    pub fn ships_of(&self, class: usize) -> u32 {
        class
            .checked_sub(1)
            .map_or(self.ships, |k| self.classes[k].ships)
    }

    /// The dearest ship of any of its classes: what an operator must be able to pay at
    /// once to replace a ship whatever class it then chooses.
    pub fn dearest_ship_cny(&self) -> f64 {
        (0..self.classes())
            .map(|c| self.hull(c).ship_value_cny)
            .fold(0.0, f64::max)
    }
}

param_set! {
    /// Another class of hull a fleet's operator may buy when it replaces a ship (an older,
    /// smaller, cheaper one, say). Its voyages take the fleet's days: the route, not the
    /// hull, sets them.
    #[derive(Clone, Debug, PartialEq)]
    pub struct VesselClass {
        /// Identifier within the fleet, e.g. `old_small_carriers`.
        pub id: String,
        params:
        /// Ships of this class at the start.
        ships: u32 [Ships, Bounds::count(10_000)],
        nested:
        /// Its hull.
        hull: Hull,
    }
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
    /// Every kind.
    pub const ALL: [CounterpartKind; 2] = [
        CounterpartKind::ReceivingShip,
        CounterpartKind::SupplyTanker,
    ];

    /// The way the goods it trades cross: receiving ships buy exports, supply tankers
    /// sell imports.
    pub fn trades(self) -> Direction {
        match self {
            CounterpartKind::ReceivingShip => Direction::Export,
            CounterpartKind::SupplyTanker => Direction::Import,
        }
    }

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            CounterpartKind::ReceivingShip => "receiving_ship",
            CounterpartKind::SupplyTanker => "supply_tanker",
        }
    }
}

param_set! {
    /// Chinese or foreign ships that trade with North Korean ships in the transfer zone.
    #[derive(Clone, Debug, PartialEq)]
    pub struct CounterpartFleet {
        /// Identifier.
        pub id: String,
        /// Receiving ships or supply tankers.
        pub kind: CounterpartKind,
        /// Goods they take (receiving ships) or sell (supply tankers); all in one unit.
        pub goods: Vec<GoodId>,
        params:
        /// Ships.
        ships: u32 [Ships, Bounds::count(10_000)],
        /// Cargo one ship holds.
        capacity_t: f64 [Tonnes, Bounds::POSITIVE],
        /// Round trip from the zone to a Chinese port and back, to unload or reload.
        voyage_days: f64 [Days, Bounds::POSITIVE],
        /// Share of the Chinese price they keep for the risk (discount on buying, premium on selling).
        margin_share: f64 [Share, Bounds::UNIT_INTERVAL],
        /// Their cost of carrying a tonne between the zone and a Chinese port.
        freight_cny_per_t: f64 [CnyPerTonne, Bounds::NON_NEGATIVE],
    }
}

param_set! {
    /// Satellites, aircraft and inspections, and what follows a detection.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Monitors {
        params:
        /// Satellite images of the zone (and the Chinese ports) per day.
        satellite_revisits_per_day: f64 [PassesPerDay, Bounds::NON_NEGATIVE],
        /// Chance an image taken during a transfer shows it.
        satellite_detection_per_pass: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// Hours a day patrol aircraft spend over the zone.
        aircraft_patrol_hours_per_day: f64 [HoursPerDay, Bounds::new(0.0, 24.0)],
        /// Rate at which a patrol aircraft over the zone spots a transfer under way.
        aircraft_sightings_per_hour: f64 [PerHour, Bounds::NON_NEGATIVE],
        /// Detection hazard is multiplied by this when AIS is off.
        ais_off_detection_factor: f64 [Ratio, Bounds::UNIT_INTERVAL],
        /// Detection hazard is multiplied by this for transfers at night.
        night_detection_factor: f64 [Ratio, Bounds::UNIT_INTERVAL],
        /// Chance a direct delivery is noticed by inspection in a Chinese port.
        port_inspection_probability: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// Chance a detected transfer at sea is interdicted.
        interdiction_probability_at_sea: f64 [Probability, Bounds::UNIT_INTERVAL],
        /// Chance a detected delivery in port is interdicted.
        interdiction_probability_in_port: f64 [Probability, Bounds::UNIT_INTERVAL],
    }
}

/// A cap on imports of a good by sea (UNSCR 2375's, then 2397's, on refined petroleum):
/// dated steps of the barrels a year allowed, with no cap before the first. Steps start on
/// the first day of a month (the scenario checker holds them to it), so a month is under
/// one step or none.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportCap {
    /// The good.
    pub good: GoodId,
    /// (first day, barrels a year) steps in date order.
    pub schedule: Vec<(Date, f64)>,
}

impl ImportCap {
    /// Barrels a year allowed in a month; `None` before the cap begins.
    pub fn barrels_per_year(&self, month: YearMonth) -> Option<f64> {
        step_in_force(&self.schedule, |from| {
            (from.year(), from.month()) <= (month.year, month.month)
        })
    }

    /// Barrels a month allows: a twelfth of the annual rate in force, whole months at the
    /// horizon's ends included; `None` before the cap begins.
    pub fn barrels_in_month(&self, month: YearMonth) -> Option<f64> {
        self.barrels_per_year(month).map(|barrels| barrels / 12.0)
    }
}

/// One step of an import cap (`[[maritime.cap.schedule]]`).
pub const BARRELS_PER_YEAR: ParamSpec = ParamSpec {
    key: "barrels_per_year",
    unit: Unit::BarrelsPerYear,
    bounds: Bounds::NON_NEGATIVE,
    whole: false,
    doc: "Barrels a year allowed from this step's date.",
};

/// One step of the enforcement schedule (`[[enforcement.schedule]]`).
pub const ENFORCEMENT_LEVEL: ParamSpec = ParamSpec {
    key: "level",
    unit: Unit::Level,
    bounds: Bounds::UNIT_INTERVAL,
    whole: false,
    doc: "Scheduled Chinese enforcement level from this step's date.",
};

/// One step of the exchange-rate schedule (`[[exchange.schedule]]`).
pub const CNY_PER_USD: ParamSpec = ParamSpec {
    key: "cny_per_usd",
    unit: Unit::CnyPerUsd,
    bounds: Bounds::POSITIVE,
    whole: false,
    doc: "Yuan per US dollar from this step's date.",
};

/// One dated expulsion (`[[diplomats.expulsions]]`).
pub const EMBASSIES_CLOSED: ParamSpec = ParamSpec {
    key: "embassies",
    unit: Unit::Embassies,
    bounds: Bounds::count(200),
    whole: true,
    doc: "Embassies that close on this date.",
};

//! Observation: what processes report is added to monthly accumulators (dense arrays,
//! allocated once), and at the end of a replicate turned into tidy records keyed by month.

use crate::calendar::YearMonth;
use crate::ledger::MoneyFlow;
use crate::params::{
    CategoryId, Direction, GoodId, Maritime, Mode, ModelParams, SiteId, TradeMode,
};
use crate::units::Fen;
use crate::world::World;

/// Who moved goods, and by which route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// Donju-run porter crews.
    Porter,
    /// Trading companies' state smuggling.
    StateSmuggling,
    /// Trading companies through the official customs route.
    OfficialCustoms,
    /// Border households' small-scale smuggling of essentials.
    Livelihood,
    /// State drug sales.
    Drugs,
    /// Ships: transfers at sea and direct deliveries to Chinese ports.
    Maritime,
}

impl Channel {
    /// Every channel, in output order.
    pub const ALL: [Channel; 6] = [
        Channel::Porter,
        Channel::StateSmuggling,
        Channel::OfficialCustoms,
        Channel::Livelihood,
        Channel::Drugs,
        Channel::Maritime,
    ];

    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Porter => "porter",
            Channel::StateSmuggling => "state_smuggling",
            Channel::OfficialCustoms => "official_customs",
            Channel::Livelihood => "livelihood",
            Channel::Drugs => "drugs",
            Channel::Maritime => "maritime",
        }
    }
}

/// What became of goods that set out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Crossed and sold.
    Delivered,
    /// Seized on the way.
    Seized,
}

impl Outcome {
    /// Every outcome, in output order.
    pub const ALL: [Outcome; 2] = [Outcome::Delivered, Outcome::Seized];

    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Seized => "seized",
        }
    }
}

/// What a flow is tallied under within a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowKey {
    /// Who moved the goods.
    pub channel: Channel,
    /// How they crossed.
    pub mode: Mode,
    /// Where.
    pub site: SiteId,
    /// What.
    pub good: GoodId,
    /// Delivered or seized.
    pub outcome: Outcome,
}

/// Goods moved in one month through one channel and mode at one site.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// Channel, mode, site, good and outcome.
    pub key: FlowKey,
    /// Quantity in the good's unit.
    pub quantity: i64,
    /// Value at the price it sold for (or would have, if seized).
    pub value: Fen,
    /// Whether the good was under sanctions by the end of the month.
    pub sanctioned: bool,
}

/// Porter pay and spending at one site in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct PorterMonth {
    /// Index into the calendar's months.
    pub month: usize,
    /// Where.
    pub site: SiteId,
    /// Porters hired into crews.
    pub porters_hired: u32,
    /// Crew runs made.
    pub runs: u32,
    /// Kilograms carried on runs that were sold (pay is by weight on those).
    pub kg_sold: u64,
    /// Kilograms carried on runs that were seized.
    pub kg_seized: u64,
    /// Pay to porters.
    pub wages: Fen,
    /// Rice the porters bought with it.
    pub rice_bought_kg: f64,
}

impl PorterMonth {
    /// Pay per kilogram sold (NaN when nothing was sold).
    pub fn pay_cny_per_kg(&self) -> f64 {
        ratio(self.wages.cny(), self.kg_sold as f64)
    }

    /// Mean income of the porters hired this month (NaN when none were).
    pub fn mean_income_cny(&self) -> f64 {
        ratio(self.wages.cny(), f64::from(self.porters_hired))
    }

    /// Mean rice bought by the porters hired this month (NaN when none were).
    pub fn mean_income_rice_kg(&self) -> f64 {
        ratio(self.rice_bought_kg, f64::from(self.porters_hired))
    }
}

/// Border households' income at one site in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdMonth {
    /// Index into the calendar's months.
    pub month: usize,
    /// Where.
    pub site: SiteId,
    /// Households living there.
    pub households: u32,
    /// Livelihood smuggling trips made.
    pub trips: u64,
    /// Essentials delivered to the market.
    pub kg_delivered: f64,
    /// Net income from livelihood smuggling (sales less purchases).
    pub livelihood_income: Fen,
    /// Pay for transport labour on state consignments (porterage).
    pub wages: Fen,
    /// State wages, paid in won (here at the day's rate).
    pub state_wages: Fen,
    /// Earnings from market trade.
    pub market_trade: Fen,
    /// Grain rations received, counted as rice.
    pub rations_rice_kg: f64,
    /// Total income valued in rice at each day's price, rations included.
    pub income_rice_kg: f64,
    /// Total income in won: money at the month's last rate, rations at its rice price.
    pub income_kpw: f64,
}

impl HouseholdMonth {
    /// Money income from every source (rations, in kind, are not money).
    pub fn money_income(&self) -> Fen {
        self.livelihood_income + self.wages + self.state_wages + self.market_trade
    }

    /// Mean money income per household (NaN when there are none).
    pub fn mean_income_cny(&self) -> f64 {
        ratio(self.money_income().cny(), f64::from(self.households))
    }

    /// Mean income per household in won, rations included (NaN when there are none).
    pub fn mean_income_kpw(&self) -> f64 {
        ratio(self.income_kpw, f64::from(self.households))
    }

    /// Mean income per household in rice (NaN when there are none).
    pub fn mean_income_rice_kg(&self) -> f64 {
        ratio(self.income_rice_kg, f64::from(self.households))
    }
}

/// Trading companies' consignments through one channel in one month.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TradeMonth {
    /// Index into the calendar's months.
    pub month: usize,
    /// State smuggling or the official customs route.
    pub channel: Option<Channel>,
    /// Whether the goods were under a sanction in force when sent.
    pub sanctioned: bool,
    /// Consignments sent.
    pub consignments: u32,
    /// Of which seized.
    pub seized: u32,
    /// Loads (trucks, vehicles, boats) sent.
    pub loads: u64,
    /// Value of every consignment sent (seized ones too) at the list sale price.
    pub value_sent: Fen,
    /// Sales of the consignments that got through.
    pub revenue: Fen,
    /// Goods bought.
    pub purchases: Fen,
    /// Transport labour.
    pub labour: Fen,
    /// Bribes to officials.
    pub bribes: Fen,
    /// Paid to the centre at customs: the levy on profit and trade licences.
    pub levy: Fen,
    /// Interest paid to moneylenders on the borrowed part of the outlay.
    pub interest: Fen,
    /// Paid to the Chinese counterparts for their leg of a smuggled crossing.
    pub chinese_leg: Fen,
}

impl TradeMonth {
    /// Profit after every cost, bribe, levy, interest, Chinese leg and seizure loss.
    pub fn net_profit(&self) -> Fen {
        self.revenue
            - self.purchases
            - self.labour
            - self.bribes
            - self.levy
            - self.interest
            - self.chinese_leg
    }
}

/// Monthly activity of Room 39's other foreign-currency channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Activity {
    /// Bags of cash handed to ship captains.
    CourierBags,
    /// Of which seized.
    CourierBagsSeized,
    /// Cash sent, in US dollars (before seizures and fees).
    CourierCashUsd,
    /// Embassies open.
    EmbassiesOpen,
    /// What embassies fell short of their quotas, in US dollars.
    DiplomatQuotaShortfallUsd,
    /// Workers abroad.
    WorkersAbroad,
    /// Drugs sold, in kilograms.
    DrugsSoldKg,
    /// Drugs seized, in kilograms.
    DrugsSeizedKg,
    /// Consignments planned when both state smuggling and official customs were open to
    /// the company and cleared the donju's hurdle.
    TradeChoicesBothRoutes,
    /// Of which sent by state smuggling.
    TradeChoicesSmuggled,
    /// Consignments, porter runs, household trips and voyages not made because the payer
    /// could not afford the outlay (its cash plus what is left of its credit line).
    TripsUnaffordable,
}

impl Activity {
    /// Every activity metric, in output order.
    pub const ALL: [Activity; 11] = [
        Activity::CourierBags,
        Activity::CourierBagsSeized,
        Activity::CourierCashUsd,
        Activity::EmbassiesOpen,
        Activity::DiplomatQuotaShortfallUsd,
        Activity::WorkersAbroad,
        Activity::DrugsSoldKg,
        Activity::DrugsSeizedKg,
        Activity::TradeChoicesBothRoutes,
        Activity::TradeChoicesSmuggled,
        Activity::TripsUnaffordable,
    ];

    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            Activity::CourierBags => "courier_bags",
            Activity::CourierBagsSeized => "courier_bags_seized",
            Activity::CourierCashUsd => "courier_cash_usd",
            Activity::EmbassiesOpen => "embassies_open",
            Activity::DiplomatQuotaShortfallUsd => "diplomat_quota_shortfall_usd",
            Activity::WorkersAbroad => "workers_abroad",
            Activity::DrugsSoldKg => "drugs_sold_kg",
            Activity::DrugsSeizedKg => "drugs_seized_kg",
            Activity::TradeChoicesBothRoutes => "trade_choices_both_routes",
            Activity::TradeChoicesSmuggled => "trade_choices_smuggled",
            Activity::TripsUnaffordable => "trips_unaffordable",
        }
    }
}

/// One activity figure for one month.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// What.
    pub activity: Activity,
    /// How much.
    pub value: f64,
}

/// How a sea cargo changes hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeaRoute {
    /// Ship-to-ship transfer in the West Sea zone.
    ShipToShip,
    /// Direct delivery to (or loading in) a Chinese port.
    PortDelivery,
}

impl SeaRoute {
    /// Both routes, in output order.
    pub const ALL: [SeaRoute; 2] = [SeaRoute::ShipToShip, SeaRoute::PortDelivery];

    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            SeaRoute::ShipToShip => "ship_to_ship",
            SeaRoute::PortDelivery => "port_delivery",
        }
    }
}

/// One month of one good by one sea route: what truly moved beside what the monitors saw.
/// The truth is also in the flows; this record keeps the monitor's view apart from it.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// What.
    pub good: GoodId,
    /// Ship-to-ship or port delivery.
    pub route: SeaRoute,
    /// Transfers (voyages) that truly took place.
    pub transfers: u32,
    /// Quantity truly carried, in the good's unit (delivered and interdicted).
    pub true_quantity: i64,
    /// Transfers the monitors detected.
    pub detected_transfers: u32,
    /// Quantity in the detected transfers: what a panel could report.
    pub observed_quantity: i64,
    /// Detected transfers that were interdicted (each takes its ship out of service).
    pub interdicted_transfers: u32,
    /// Quantity interdicted (a part of the observed quantity).
    pub interdicted_quantity: i64,
    /// Payment seized with the interdicted cargo (recorded in the ledger as `seizure`).
    pub interdicted_value: Fen,
}

impl ObservedRecord {
    /// Nothing moved yet.
    pub fn empty(month: usize, good: GoodId, route: SeaRoute) -> ObservedRecord {
        ObservedRecord {
            month,
            good,
            route,
            transfers: 0,
            true_quantity: 0,
            detected_transfers: 0,
            observed_quantity: 0,
            interdicted_transfers: 0,
            interdicted_quantity: 0,
            interdicted_value: Fen::ZERO,
        }
    }

    /// Quantity delivered as the monitors saw it: detected and not interdicted.
    pub fn observed_delivered(&self) -> i64 {
        self.observed_quantity - self.interdicted_quantity
    }

    /// Quantity truly delivered: carried and not interdicted.
    pub fn true_delivered(&self) -> i64 {
        self.true_quantity - self.interdicted_quantity
    }

    /// The detection gap: observed over true quantity (NaN when nothing moved).
    pub fn detection_ratio(&self) -> f64 {
        ratio(self.observed_quantity as f64, self.true_quantity as f64)
    }
}

/// Mean market prices at one site in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// Where.
    pub site: SiteId,
    /// Mean of the daily rice prices.
    pub rice_price_cny_per_kg: f64,
    /// Mean of the daily essentials prices (NaN where no essentials market is modelled).
    pub essentials_price_cny_per_kg: f64,
    /// Mean of the daily won prices of rice.
    pub rice_price_kpw_per_kg: f64,
    /// Mean of the daily won prices of essentials (NaN where none are modelled).
    pub essentials_price_kpw_per_kg: f64,
    /// Mean of the daily won per yuan.
    pub won_per_cny: f64,
    /// Mean of the daily won per dollar.
    pub won_per_usd: f64,
}

/// One day's market prices at a site, as the market process records them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayPrices {
    /// Rice in yuan.
    pub rice_cny_per_kg: f64,
    /// Essentials in yuan.
    pub essentials_cny_per_kg: f64,
    /// Rice in won.
    pub rice_kpw_per_kg: f64,
    /// Essentials in won.
    pub essentials_kpw_per_kg: f64,
    /// Won per yuan.
    pub won_per_cny: f64,
    /// Won per dollar.
    pub won_per_usd: f64,
}

impl DayPrices {
    fn columns(&self) -> [f64; PRICE_COLUMNS] {
        [
            self.rice_cny_per_kg,
            self.essentials_cny_per_kg,
            self.rice_kpw_per_kg,
            self.essentials_kpw_per_kg,
            self.won_per_cny,
            self.won_per_usd,
        ]
    }
}

const PRICE_COLUMNS: usize = 6;

/// The won's rates at a site on one survey day (a day-of-month sample).
#[derive(Clone, Debug, PartialEq)]
pub struct RateRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// Day of the month sampled.
    pub day_of_month: u8,
    /// Where.
    pub site: SiteId,
    /// Won per yuan.
    pub won_per_cny: f64,
    /// Won per dollar.
    pub won_per_usd: f64,
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
    }
}

/// Monthly accumulators, indexed densely so that recording is an array write. Flows are
/// tallied for the current month only and flushed into records when it closes.
#[derive(Clone, Debug)]
pub struct Metrics {
    sites: usize,
    goods: usize,
    month_flow_quantity: Vec<i64>,
    month_flow_value: Vec<Fen>,
    /// The cells recorded this month (each at least once), so that the month's close
    /// visits those, not every cell.
    month_flow_cells: Vec<usize>,
    flows: Vec<FlowRecord>,
    porter_months: Vec<PorterMonth>,
    household_months: Vec<HouseholdMonth>,
    trade_months: Vec<TradeMonth>,
    price_sums: Vec<[f64; PRICE_COLUMNS]>,
    price_days: Vec<u32>,
    rates: Vec<RateRecord>,
    activity: Vec<f64>,
    observed: Vec<ObservedRecord>,
    /// Declared trade in US dollars, by month, category and mode.
    declared_usd: Vec<f64>,
    categories: usize,
    /// Ships of each fleet's classes at the month's last day, by month and class cell.
    ships_by_class: Vec<u32>,
    /// Ships of each class bought in the month (replacements), same layout.
    ships_bought: Vec<u32>,
    class_cells: usize,
}

/// A fleet's ships of one class in one month: how many it had at the month's last day and
/// how many it bought to replace ships lost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShipClassRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// The fleet (index into `maritime.fleets`).
    pub fleet: u16,
    /// The class within the fleet (0: the fleet's own figures).
    pub class: u16,
    /// Ships of the class at the month's last day.
    pub ships: u32,
    /// Ships of the class bought in the month.
    pub bought: u32,
}

/// Declared trade of one category by one mode in one month.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeclaredRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// The category (index into `declared_trade.categories`).
    pub category: CategoryId,
    /// Which way it crossed.
    pub direction: Direction,
    /// How.
    pub mode: TradeMode,
    /// Its declared value in US dollars.
    pub usd: f64,
}

const OUTCOMES: usize = Outcome::ALL.len();
const MODES: usize = Mode::ALL.len();

impl Metrics {
    /// Empty accumulators for a horizon of `months` months.
    pub fn new(params: &ModelParams, months: usize) -> Metrics {
        let (sites, goods) = (params.sites.len(), params.goods.len());
        let cells = Channel::ALL.len() * MODES * sites * goods * OUTCOMES;
        let per_site_month = |month: usize, s: usize| (month, SiteId(s as u16));
        let porter_months = (0..months)
            .flat_map(|m| (0..sites).map(move |s| per_site_month(m, s)))
            .map(|(month, site)| PorterMonth {
                month,
                site,
                porters_hired: 0,
                runs: 0,
                kg_sold: 0,
                kg_seized: 0,
                wages: Fen::ZERO,
                rice_bought_kg: 0.0,
            })
            .collect();
        let household_months = (0..months)
            .flat_map(|m| (0..sites).map(move |s| per_site_month(m, s)))
            .map(|(month, site)| HouseholdMonth {
                month,
                site,
                households: params
                    .households
                    .as_ref()
                    .map_or(0, |h| h.households_at_site[site.0 as usize]),
                trips: 0,
                kg_delivered: 0.0,
                livelihood_income: Fen::ZERO,
                wages: Fen::ZERO,
                state_wages: Fen::ZERO,
                market_trade: Fen::ZERO,
                rations_rice_kg: 0.0,
                income_rice_kg: 0.0,
                income_kpw: 0.0,
            })
            .collect();
        let trade_months = (0..months)
            .flat_map(|month| {
                [Channel::StateSmuggling, Channel::OfficialCustoms]
                    .into_iter()
                    .flat_map(move |c| {
                        [false, true].map(|sanctioned| TradeMonth {
                            month,
                            channel: Some(c),
                            sanctioned,
                            ..TradeMonth::default()
                        })
                    })
            })
            .collect();
        let categories = params
            .declared_trade
            .as_ref()
            .map_or(0, |d| d.categories.len());
        let class_cells = params.maritime.as_ref().map_or(0, Maritime::class_cells);
        Metrics {
            ships_by_class: vec![0; months * class_cells],
            ships_bought: vec![0; months * class_cells],
            class_cells,
            declared_usd: vec![0.0; months * categories * TradeMode::ALL.len()],
            categories,
            sites,
            goods,
            month_flow_quantity: vec![0; cells],
            month_flow_value: vec![Fen::ZERO; cells],
            month_flow_cells: Vec::new(),
            flows: Vec::new(),
            porter_months,
            household_months,
            trade_months,
            price_sums: vec![[0.0; PRICE_COLUMNS]; months * sites],
            price_days: vec![0; months * sites],
            // Room for every survey day, so recording never allocates.
            rates: Vec::with_capacity(
                months
                    * sites
                    * 31_usize.div_ceil(params.market.rate_sample_interval_days as usize),
            ),
            activity: vec![0.0; months * Activity::ALL.len()],
            observed: (0..months)
                .flat_map(|month| {
                    (0..goods).flat_map(move |g| {
                        SeaRoute::ALL
                            .map(|route| ObservedRecord::empty(month, GoodId(g as u16), route))
                    })
                })
                .collect(),
        }
    }

    fn flow_cell(&self, key: FlowKey) -> usize {
        (((key.channel as usize * MODES + key.mode as usize) * self.sites + key.site.0 as usize)
            * self.goods
            + key.good.0 as usize)
            * OUTCOMES
            + key.outcome as usize
    }

    fn flow_key(&self, cell: usize) -> FlowKey {
        let outcome = Outcome::ALL[cell % OUTCOMES];
        let rest = cell / OUTCOMES;
        let good = GoodId((rest % self.goods) as u16);
        let rest = rest / self.goods;
        let site = SiteId((rest % self.sites) as u16);
        let rest = rest / self.sites;
        FlowKey {
            channel: Channel::ALL[rest / MODES],
            mode: Mode::ALL[rest % MODES],
            site,
            good,
            outcome,
        }
    }

    /// Adds declared trade of a category by a mode in a month.
    pub fn record_declared(
        &mut self,
        month: usize,
        category: CategoryId,
        mode: TradeMode,
        usd: f64,
    ) {
        let cell =
            (month * self.categories + category.0 as usize) * TradeMode::ALL.len() + mode.index();
        self.declared_usd[cell] += usd;
    }

    /// Adds goods moved to this month's flows.
    pub fn record_flow(&mut self, key: FlowKey, quantity: i64, value: Fen) {
        let cell = self.flow_cell(key);
        if self.month_flow_quantity[cell] == 0 && self.month_flow_value[cell] == Fen::ZERO {
            self.month_flow_cells.push(cell);
        }
        self.month_flow_quantity[cell] += quantity;
        self.month_flow_value[cell] += value;
    }

    /// The porter tallies of a site in a month, to add to.
    pub fn porter_month(&mut self, month: usize, site: SiteId) -> &mut PorterMonth {
        &mut self.porter_months[month * self.sites + site.0 as usize]
    }

    /// The household tallies of a site in a month, to add to.
    pub fn household_month(&mut self, month: usize, site: SiteId) -> &mut HouseholdMonth {
        &mut self.household_months[month * self.sites + site.0 as usize]
    }

    /// The trade tallies of a channel (state smuggling or official) in a month, for goods
    /// under a sanction or not.
    pub fn trade_month(
        &mut self,
        month: usize,
        channel: Channel,
        sanctioned: bool,
    ) -> &mut TradeMonth {
        let offset = 2 * usize::from(channel == Channel::OfficialCustoms) + usize::from(sanctioned);
        &mut self.trade_months[month * 4 + offset]
    }

    /// The sea tallies of a good by a route in a month, to add to.
    pub fn sea_month(
        &mut self,
        month: usize,
        good: GoodId,
        route: SeaRoute,
    ) -> &mut ObservedRecord {
        &mut self.observed
            [(month * self.goods + good.0 as usize) * SeaRoute::ALL.len() + route as usize]
    }

    /// Sets the month's count of ships by class (the last day recorded is the month's).
    pub fn record_ships(&mut self, month: usize, ships_by_class: &[u32]) {
        let row = month * self.class_cells;
        self.ships_by_class[row..row + self.class_cells].copy_from_slice(ships_by_class);
    }

    /// Counts a ship of a class (its cell) bought in a month.
    pub fn add_ship_bought(&mut self, month: usize, class_cell: usize) {
        self.ships_bought[month * self.class_cells + class_cell] += 1;
    }

    /// Adds to an activity figure of a month.
    pub fn add_activity(&mut self, month: usize, activity: Activity, value: f64) {
        self.activity[month * Activity::ALL.len() + activity as usize] += value;
    }

    /// Adds one day's prices at a site.
    pub fn record_prices(&mut self, month: usize, site: SiteId, prices: &DayPrices) {
        let cell = month * self.sites + site.0 as usize;
        for (sum, price) in self.price_sums[cell].iter_mut().zip(prices.columns()) {
            *sum += price;
        }
        self.price_days[cell] += 1;
    }

    /// Records the won's rates on a survey day.
    pub fn record_rates(&mut self, record: RateRecord) {
        self.rates.push(record);
    }

    /// The porter tallies of a site in a month.
    pub fn porter_tally(&self, month: usize, site: SiteId) -> &PorterMonth {
        &self.porter_months[month * self.sites + site.0 as usize]
    }

    /// The household tallies of a site in a month.
    pub fn household_tally(&self, month: usize, site: SiteId) -> &HouseholdMonth {
        &self.household_months[month * self.sites + site.0 as usize]
    }

    /// The flow records of a closed month: those of the last closed month are the newest,
    /// so only they are read.
    pub fn month_flows(&self, month: usize) -> impl Iterator<Item = &FlowRecord> {
        self.flows
            .iter()
            .rev()
            .take_while(move |f| f.month == month)
    }

    /// Moves this month's flows into records, in the order of their cells, and clears the
    /// month's tallies. A cell holds something only if it was recorded since it last held
    /// nothing, which listed it: the cells not listed are empty and are skipped.
    fn flush_flows(&mut self, month: usize, params: &ModelParams, month_end: jiff::civil::Date) {
        let mut cells = std::mem::take(&mut self.month_flow_cells);
        cells.sort_unstable();
        cells.dedup();
        for &cell in &cells {
            let quantity = std::mem::take(&mut self.month_flow_quantity[cell]);
            let value = std::mem::take(&mut self.month_flow_value[cell]);
            if quantity != 0 {
                let key = self.flow_key(cell);
                self.flows.push(FlowRecord {
                    month,
                    key,
                    quantity,
                    value,
                    sanctioned: params.sanctioned(key.good, month_end),
                });
            }
        }
        cells.clear();
        self.month_flow_cells = cells;
    }
}

/// Closes a month: counts the porters hired at each site and moves the month's flows into
/// records.
pub fn close_month(
    world: &mut World,
    params: &ModelParams,
    month: usize,
    month_end: jiff::civil::Date,
) {
    for (s, &hired) in world.porters.hired_at_site.iter().enumerate() {
        world
            .metrics
            .porter_month(month, SiteId(s as u16))
            .porters_hired += hired;
    }
    world.metrics.flush_flows(month, params, month_end);
}

/// Everything one replicate produced, as tidy records. Every list of records is in month
/// order (collected month by month, or laid out month-major), which the report's windowed
/// measures rely on to take a window's months as one slice.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicateResult {
    /// Replicate number.
    pub replicate: u32,
    /// Master seed of the run.
    pub seed: u64,
    /// The months the records index.
    pub months: Vec<YearMonth>,
    /// Goods moved.
    pub flows: Vec<FlowRecord>,
    /// Money between actor classes.
    pub money: Vec<MoneyFlow>,
    /// Porter work, pay and rice, for site-months with anyone hired.
    pub porter_months: Vec<PorterMonth>,
    /// Border households' income, for sites with households.
    pub household_months: Vec<HouseholdMonth>,
    /// Trading companies' consignments by channel.
    pub trade_months: Vec<TradeMonth>,
    /// Market prices.
    pub prices: Vec<PriceRecord>,
    /// The won's rates by site on each survey day.
    pub rates: Vec<RateRecord>,
    /// Activity of Room 39's other channels.
    pub activity: Vec<ActivityRecord>,
    /// Yuan per US dollar in each month (on its 15th, or the horizon's nearest day).
    pub cny_per_usd: Vec<f64>,
    /// The monitors' view of the sea beside the truth, for good-route-months with any
    /// transfer.
    pub observed: Vec<ObservedRecord>,
    /// Declared trade by month, category and mode (every cell, zeros included).
    pub declared: Vec<DeclaredRecord>,
    /// The fleets' ships by class and month (every cell, zeros included).
    pub ships: Vec<ShipClassRecord>,
}

/// Turns a finished world into tidy records.
pub fn collect(world: World, params: &ModelParams, seed: u64, replicate: u32) -> ReplicateResult {
    let months = world.calendar.months().to_vec();
    let cny_per_usd = months
        .iter()
        .map(|m| {
            let mid_month = jiff::civil::Date::new(m.year, m.month, 15).unwrap_or(params.first_day);
            params
                .exchange
                .cny_per_usd(mid_month.clamp(params.first_day, params.last_day))
        })
        .collect();
    let metrics = world.metrics;
    let sites = metrics.sites;
    let prices = metrics
        .price_sums
        .iter()
        .zip(&metrics.price_days)
        .enumerate()
        .filter(|(_, (_, days))| **days > 0)
        .map(|(cell, (sums, days))| {
            let mean = |c: usize| sums[c] / f64::from(*days);
            PriceRecord {
                month: cell / sites,
                site: SiteId((cell % sites) as u16),
                rice_price_cny_per_kg: mean(0),
                essentials_price_cny_per_kg: mean(1),
                rice_price_kpw_per_kg: mean(2),
                essentials_price_kpw_per_kg: mean(3),
                won_per_cny: mean(4),
                won_per_usd: mean(5),
            }
        })
        .collect();
    let activity = metrics
        .activity
        .iter()
        .enumerate()
        .filter(|(_, v)| **v != 0.0)
        .map(|(cell, value)| ActivityRecord {
            month: cell / Activity::ALL.len(),
            activity: Activity::ALL[cell % Activity::ALL.len()],
            value: *value,
        })
        .collect();
    let modes = TradeMode::ALL.len();
    let declared = params.declared_trade.as_ref().map_or_else(Vec::new, |d| {
        metrics
            .declared_usd
            .iter()
            .enumerate()
            .map(|(cell, &usd)| {
                let category = (cell / modes) % metrics.categories;
                DeclaredRecord {
                    month: cell / (modes * metrics.categories),
                    category: CategoryId(category as u16),
                    direction: d.categories[category].direction,
                    mode: TradeMode::ALL[cell % modes],
                    usd,
                }
            })
            .collect()
    });
    let ships = params.maritime.as_ref().map_or_else(Vec::new, |m| {
        let classes: Vec<(u16, u16)> = m
            .fleets
            .iter()
            .enumerate()
            .flat_map(|(f, fleet)| (0..fleet.classes()).map(move |c| (f as u16, c as u16)))
            .collect();
        metrics
            .ships_by_class
            .iter()
            .zip(&metrics.ships_bought)
            .enumerate()
            .map(|(cell, (&ships, &bought))| {
                let (fleet, class) = classes[cell % classes.len()];
                ShipClassRecord {
                    month: cell / classes.len(),
                    fleet,
                    class,
                    ships,
                    bought,
                }
            })
            .collect()
    });
    ReplicateResult {
        ships,
        declared,
        replicate,
        seed,
        months,
        activity,
        cny_per_usd,
        flows: metrics.flows,
        money: world.ledger.flows().collect(),
        porter_months: metrics
            .porter_months
            .into_iter()
            .filter(|p| p.porters_hired > 0)
            .collect(),
        household_months: metrics
            .household_months
            .into_iter()
            .filter(|h| h.households > 0)
            .collect(),
        trade_months: metrics.trade_months,
        prices,
        rates: metrics.rates,
        observed: metrics
            .observed
            .into_iter()
            .filter(|o| o.transfers > 0)
            .collect(),
    }
}

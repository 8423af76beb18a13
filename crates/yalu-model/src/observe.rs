//! Observation: what processes report is added to monthly accumulators (dense arrays,
//! allocated once), and at the end of a replicate turned into tidy records keyed by month.

use crate::calendar::YearMonth;
use crate::ledger::MoneyFlow;
use crate::params::{GoodId, Mode, ModelParams, SiteId};
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
}

impl Channel {
    /// Every channel, in output order.
    pub const ALL: [Channel; 4] = [
        Channel::Porter,
        Channel::StateSmuggling,
        Channel::OfficialCustoms,
        Channel::Livelihood,
    ];

    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Porter => "porter",
            Channel::StateSmuggling => "state_smuggling",
            Channel::OfficialCustoms => "official_customs",
            Channel::Livelihood => "livelihood",
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
    /// Pay for transport labour on state consignments.
    pub wages: Fen,
    /// Total income valued in rice at each day's price.
    pub income_rice_kg: f64,
}

impl HouseholdMonth {
    /// Mean income per household (NaN when there are none).
    pub fn mean_income_cny(&self) -> f64 {
        ratio(
            (self.livelihood_income + self.wages).cny(),
            f64::from(self.households),
        )
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
    /// Consignments sent.
    pub consignments: u32,
    /// Of which seized.
    pub seized: u32,
    /// Loads (trucks, vehicles, boats) sent.
    pub loads: u64,
    /// Sales of the consignments that got through.
    pub revenue: Fen,
    /// Goods bought.
    pub purchases: Fen,
    /// Transport labour.
    pub labour: Fen,
    /// Bribes to officials.
    pub bribes: Fen,
    /// Customs levy.
    pub levy: Fen,
}

impl TradeMonth {
    /// Profit after every cost, bribe, levy and seizure loss.
    pub fn net_profit(&self) -> Fen {
        self.revenue - self.purchases - self.labour - self.bribes - self.levy
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
    flows: Vec<FlowRecord>,
    porter_months: Vec<PorterMonth>,
    household_months: Vec<HouseholdMonth>,
    trade_months: Vec<TradeMonth>,
    price_sums: Vec<[f64; 2]>,
    price_days: Vec<u32>,
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
                households: params.households.households_at_site[site.0 as usize],
                trips: 0,
                kg_delivered: 0.0,
                livelihood_income: Fen::ZERO,
                wages: Fen::ZERO,
                income_rice_kg: 0.0,
            })
            .collect();
        let trade_months = (0..months)
            .flat_map(|month| {
                [Channel::StateSmuggling, Channel::OfficialCustoms].map(|c| TradeMonth {
                    month,
                    channel: Some(c),
                    ..TradeMonth::default()
                })
            })
            .collect();
        Metrics {
            sites,
            goods,
            month_flow_quantity: vec![0; cells],
            month_flow_value: vec![Fen::ZERO; cells],
            flows: Vec::new(),
            porter_months,
            household_months,
            trade_months,
            price_sums: vec![[0.0; 2]; months * sites],
            price_days: vec![0; months * sites],
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

    /// Adds goods moved to this month's flows.
    pub fn record_flow(&mut self, key: FlowKey, quantity: i64, value: Fen) {
        let cell = self.flow_cell(key);
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

    /// The trade tallies of a channel (state smuggling or official) in a month.
    pub fn trade_month(&mut self, month: usize, channel: Channel) -> &mut TradeMonth {
        let offset = usize::from(channel == Channel::OfficialCustoms);
        &mut self.trade_months[month * 2 + offset]
    }

    /// Adds one day's prices at a site.
    pub fn record_prices(&mut self, month: usize, site: SiteId, rice: f64, essentials: f64) {
        let cell = month * self.sites + site.0 as usize;
        self.price_sums[cell][0] += rice;
        self.price_sums[cell][1] += essentials;
        self.price_days[cell] += 1;
    }

    /// Moves this month's flows into records and clears the month's tallies.
    fn flush_flows(&mut self, month: usize, params: &ModelParams, month_end: jiff::civil::Date) {
        for cell in 0..self.month_flow_quantity.len() {
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
    let porters = &world.porters;
    for (site, _) in porters
        .site
        .iter()
        .zip(&porters.hired)
        .filter(|(_, hired)| **hired)
    {
        world.metrics.porter_month(month, *site).porters_hired += 1;
    }
    world.metrics.flush_flows(month, params, month_end);
}

/// Everything one replicate produced, as tidy records.
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
}

/// Turns a finished world into tidy records.
pub fn collect(world: World, seed: u64, replicate: u32) -> ReplicateResult {
    let months = world.calendar.months().to_vec();
    let metrics = world.metrics;
    let sites = metrics.sites;
    let prices = metrics
        .price_sums
        .iter()
        .zip(&metrics.price_days)
        .enumerate()
        .filter(|(_, (_, days))| **days > 0)
        .map(|(cell, (sums, days))| PriceRecord {
            month: cell / sites,
            site: SiteId((cell % sites) as u16),
            rice_price_cny_per_kg: sums[0] / f64::from(*days),
            essentials_price_cny_per_kg: sums[1] / f64::from(*days),
        })
        .collect();
    ReplicateResult {
        replicate,
        seed,
        months,
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
    }
}

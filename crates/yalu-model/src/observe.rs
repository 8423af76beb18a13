//! Observation: what processes report is added to monthly accumulators (dense arrays,
//! allocated once), and at the end of a replicate turned into tidy records keyed by month.

use crate::calendar::YearMonth;
use crate::ledger::MoneyFlow;
use crate::params::{GoodId, ModelParams, SiteId};
use crate::units::Fen;
use crate::world::World;

/// How goods crossed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// Porter crews carrying bags across the river.
    Porter,
}

impl Channel {
    /// Every channel, in output order.
    pub const ALL: [Channel; 1] = [Channel::Porter];

    /// The name used in output tables.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Porter => "porter",
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

/// What a flow is tallied under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowKey {
    /// Index into the calendar's months.
    pub month: usize,
    /// How the goods crossed.
    pub channel: Channel,
    /// Where.
    pub site: SiteId,
    /// What.
    pub good: GoodId,
    /// Delivered or seized.
    pub outcome: Outcome,
}

/// Goods moved in one month through one channel at one site.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// How they crossed.
    pub channel: Channel,
    /// Where.
    pub site: SiteId,
    /// What.
    pub good: GoodId,
    /// Delivered or seized.
    pub outcome: Outcome,
    /// Quantity in the good's unit.
    pub quantity: i64,
    /// Value at the Chinese buyers' price.
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

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
    }
}

/// Mean market price at one site in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceRecord {
    /// Index into the calendar's months.
    pub month: usize,
    /// Where.
    pub site: SiteId,
    /// Mean of the daily rice prices.
    pub rice_price_cny_per_kg: f64,
}

/// Monthly accumulators, indexed densely so that recording is an array write.
#[derive(Clone, Debug)]
pub struct Metrics {
    sites: usize,
    goods: usize,
    flow_quantity: Vec<i64>,
    flow_value: Vec<Fen>,
    porter_months: Vec<PorterMonth>,
    price_sum: Vec<f64>,
    price_days: Vec<u32>,
}

impl Metrics {
    /// Empty accumulators for a horizon of `months` months.
    pub fn new(params: &ModelParams, months: usize) -> Metrics {
        let (sites, goods) = (params.sites.len(), params.goods.len());
        let flow_cells = months * Channel::ALL.len() * sites * goods * Outcome::ALL.len();
        let porter_months = (0..months)
            .flat_map(|month| {
                (0..sites).map(move |s| PorterMonth {
                    month,
                    site: SiteId(s as u16),
                    porters_hired: 0,
                    runs: 0,
                    kg_sold: 0,
                    kg_seized: 0,
                    wages: Fen::ZERO,
                    rice_bought_kg: 0.0,
                })
            })
            .collect();
        Metrics {
            sites,
            goods,
            flow_quantity: vec![0; flow_cells],
            flow_value: vec![Fen::ZERO; flow_cells],
            porter_months,
            price_sum: vec![0.0; months * sites],
            price_days: vec![0; months * sites],
        }
    }

    fn flow_cell(&self, key: FlowKey) -> usize {
        (((key.month * Channel::ALL.len() + key.channel as usize) * self.sites
            + key.site.0 as usize)
            * self.goods
            + key.good.0 as usize)
            * Outcome::ALL.len()
            + key.outcome as usize
    }

    /// Adds goods moved to the month's flows.
    pub fn record_flow(&mut self, key: FlowKey, quantity: i64, value: Fen) {
        let cell = self.flow_cell(key);
        self.flow_quantity[cell] += quantity;
        self.flow_value[cell] += value;
    }

    /// The porter tallies of a site in a month, to add to.
    pub fn porter_month(&mut self, month: usize, site: SiteId) -> &mut PorterMonth {
        &mut self.porter_months[month * self.sites + site.0 as usize]
    }

    /// Adds one day's price at a site.
    pub fn record_rice_price(&mut self, month: usize, site: SiteId, price_cny_per_kg: f64) {
        let cell = month * self.sites + site.0 as usize;
        self.price_sum[cell] += price_cny_per_kg;
        self.price_days[cell] += 1;
    }
}

/// Closes a month: counts the porters who were hired in it at each site.
pub fn close_month(world: &mut World, month: usize) {
    let porters = &world.porters;
    for (site, _) in porters
        .site
        .iter()
        .zip(&porters.hired)
        .filter(|(_, hired)| **hired)
    {
        world.metrics.porter_month(month, *site).porters_hired += 1;
    }
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
    /// Market prices.
    pub prices: Vec<PriceRecord>,
}

/// Turns a finished world into tidy records.
pub fn collect(world: World, params: &ModelParams, seed: u64, replicate: u32) -> ReplicateResult {
    let months = world.calendar.months().to_vec();
    let metrics = &world.metrics;
    let mut flows = Vec::new();
    for (month, ym) in months.iter().enumerate() {
        let month_end = jiff::civil::Date::new(ym.year, ym.month, 1)
            .map(|d| d.last_of_month())
            .unwrap_or(params.last_day);
        for channel in Channel::ALL {
            for site in (0..metrics.sites as u16).map(SiteId) {
                for good in (0..metrics.goods as u16).map(GoodId) {
                    for outcome in Outcome::ALL {
                        let key = FlowKey {
                            month,
                            channel,
                            site,
                            good,
                            outcome,
                        };
                        let cell = metrics.flow_cell(key);
                        if metrics.flow_quantity[cell] != 0 {
                            flows.push(FlowRecord {
                                month,
                                channel,
                                site,
                                good,
                                outcome,
                                quantity: metrics.flow_quantity[cell],
                                value: metrics.flow_value[cell],
                                sanctioned: params.sanctioned(good, month_end),
                            });
                        }
                    }
                }
            }
        }
    }
    let prices = metrics
        .price_sum
        .iter()
        .zip(&metrics.price_days)
        .enumerate()
        .filter(|(_, (_, days))| **days > 0)
        .map(|(cell, (sum, days))| PriceRecord {
            month: cell / metrics.sites,
            site: SiteId((cell % metrics.sites) as u16),
            rice_price_cny_per_kg: sum / f64::from(*days),
        })
        .collect();
    ReplicateResult {
        replicate,
        seed,
        months,
        flows,
        money: world.ledger.flows().collect(),
        porter_months: metrics
            .porter_months
            .iter()
            .filter(|p| p.porters_hired > 0)
            .cloned()
            .collect(),
        prices,
    }
}

//! The output registry: every headline figure a replicate yields is declared once in
//! [`OUTPUTS`] with a stable machine id, its unit, its meaning, how it aggregates and the
//! label the printed summary shows. The printed summary, `compare`, `sweep`,
//! `sensitivity` and `yalu outputs` all look figures up here by id, so an id that is not
//! declared is an error ([`Catalog::resolve`]), never a silent zero.
//!
//! A declaration is a family: `porter.pay_cny_per_kg` alone, or keyed like a parameter
//! path, `porter.pay_cny_per_kg[hyesan]`, `fx.usd_per_year[overseas_labour]`,
//! `money.cny_per_year[donju/border_guards/bribe]` (payer/payee/purpose). Any id takes a
//! time window after `@` ([`Window`]): `fx.total_usd_per_year@2024`; without one, a figure
//! is measured over the whole run. "Per year" always means per year of the window.

use serde::Serialize;
use std::ops::Range;
use yalu_model::ReplicateResult;

use yalu_model::indicators::{
    essentials_price_cny_per_kg, household_income_cny_per_month, porter_totals_in,
    takeover_windows, trade_totals_in, vehicles_per_month,
};
use yalu_model::ledger::{ActorClass, Purpose};
use yalu_model::observe::{Channel, HouseholdMonth, Outcome, PriceRecord, ShipClassRecord};
use yalu_model::params::{Direction, Maritime, ModelParams, SiteId};

use crate::window::{Window, records_in_months};

/// The part of the printed summary a figure belongs to, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Porter crews.
    Porters,
    /// Goods delivered by channel.
    Channels,
    /// Trading companies' routes and margins.
    StateTrade,
    /// The sea: capped imports against the cap, and what the monitors see.
    Sea,
    /// Border households and markets.
    Households,
    /// Foreign currency reaching Room 39.
    ForeignCurrency,
    /// Money between actor classes.
    Money,
}

impl Section {
    /// The heading of the section in the printed summary.
    pub fn title(self) -> &'static str {
        match self {
            Section::Porters => "Porter crews",
            Section::Channels => "Goods delivered by channel",
            Section::StateTrade => "State trade",
            Section::Sea => "The sea: the import cap and the monitors' view",
            Section::Households => "Border households and markets",
            Section::ForeignCurrency => "Foreign currency reaching Room 39",
            Section::Money => "Money between actor classes",
        }
    }
}

/// How a figure is formed within a replicate, which also says what a figure missing from
/// a replicate means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// A total over the window divided by its length in years; missing means nothing
    /// moved, so zero.
    PerYear,
    /// A ratio of totals over the window; missing means not applicable (no value).
    Ratio,
    /// A mean per month over a phase of the run (within the window); missing means not
    /// applicable.
    MonthlyMean,
}

impl Aggregation {
    /// The value of a figure a replicate does not report.
    pub fn missing_value(self) -> f64 {
        match self {
            Aggregation::PerYear => 0.0,
            Aggregation::Ratio | Aggregation::MonthlyMean => f64::NAN,
        }
    }

    /// How it is described by `yalu outputs`.
    pub fn describe(self) -> &'static str {
        match self {
            Aggregation::PerYear => "total over the window divided by its years (missing = 0)",
            Aggregation::Ratio => "ratio of totals over the window (missing = n/a)",
            Aggregation::MonthlyMean => {
                "mean per month over a phase of the run, within the window (missing = n/a)"
            }
        }
    }
}

/// What a family's key ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// No key.
    None,
    /// Optional porter site: without a key, all sites together.
    PorterSite,
    /// A goods channel (`porter`, `state_smuggling`, ...).
    Channel,
    /// A foreign-currency channel (`state_trade`, `overseas_labour`, ...).
    FxChannel,
    /// `payer/payee/purpose`, actor classes and purposes as in `money.csv`.
    MoneyFlow,
    /// A good carried by sea (`coal`, `refined_petroleum`, ...).
    SeaGood,
    /// Optional market site (a site with households): without a key, all of them.
    MarketSite,
    /// `fleet/class`: a class of ship of a fleet (`main`: the fleet's own figures).
    ShipClass,
}

impl KeyKind {
    /// The placeholder shown after a family id by `yalu outputs`.
    pub fn placeholder(self) -> &'static str {
        match self {
            KeyKind::None => "",
            KeyKind::PorterSite => "[<site>] (optional: all sites without it)",
            KeyKind::Channel => "[<channel>]",
            KeyKind::FxChannel => "[<fx channel>]",
            KeyKind::MoneyFlow => "[<payer>/<payee>/<purpose>]",
            KeyKind::SeaGood => "[<sea good>]",
            KeyKind::MarketSite => "[<market site>] (optional: all market sites without it)",
            KeyKind::ShipClass => "[<fleet>/<class>] (main: the fleet's own figures)",
        }
    }
}

/// One replicate as the measures see it, through a window.
pub struct Replicate<'a> {
    params: &'a ModelParams,
    result: &'a ReplicateResult,
    /// Indices of the run's months in the window.
    months: Range<usize>,
    /// Simulated years in the window.
    years: f64,
}

impl Replicate<'_> {
    /// Whether month index `month` lies in the window.
    fn within(&self, month: usize) -> bool {
        self.months.contains(&month)
    }

    /// `months` (indices) that lie in the window.
    fn clip(&self, months: Vec<usize>) -> Vec<usize> {
        months.into_iter().filter(|&m| self.within(m)).collect()
    }

    /// The records of the window's months ([`records_in_months`]): the same records in the
    /// same order as filtering by [`Replicate::within`], found once for each of a run's
    /// windows.
    fn in_window<'r, T>(&self, records: &'r [T], month_of: fn(&T) -> usize) -> &'r [T] {
        records_in_months(records, self.months.clone(), month_of)
    }
}

/// A family's values in one replicate: `(key, value)`, key empty when unkeyed.
type Measure = fn(&Replicate) -> Vec<(String, f64)>;

/// One declared output family.
#[derive(Serialize)]
pub struct OutputDef {
    /// Stable machine id (without a key).
    pub id: &'static str,
    /// What the key ranges over.
    pub key: KeyKind,
    /// Unit of the value.
    pub unit: &'static str,
    /// How the value is formed, and what missing means.
    pub aggregation: Aggregation,
    /// Where the printed summary shows it.
    pub section: Section,
    /// The printed label; `{0}`, `{1}`... are the key's `/`-separated parts (as words),
    /// `{window}` the window.
    pub label: &'static str,
    /// What it means.
    pub description: &'static str,
    #[serde(skip)]
    measure: Measure,
}

/// Every output family, in display order within each section.
pub const OUTPUTS: &[OutputDef] = &[
    OutputDef {
        id: "porter.kg_sold_per_year",
        key: KeyKind::PorterSite,
        unit: "kg/year",
        aggregation: Aggregation::PerYear,
        section: Section::Porters,
        label: "porters at {0}: kg sold per year of {window}",
        description: "goods porters carried across and sold, per year of the window",
        measure: |r| porters(r, |t, years| t.kg_sold / years),
    },
    OutputDef {
        id: "porter.pay_cny_per_kg",
        key: KeyKind::PorterSite,
        unit: "CNY/kg",
        aggregation: Aggregation::Ratio,
        section: Section::Porters,
        label: "porters at {0}: pay per kg sold, CNY/kg",
        description: "porters' wages per kilogram sold",
        measure: |r| porters(r, |t, _| t.pay_cny_per_kg()),
    },
    OutputDef {
        id: "porter.income_cny_per_month",
        key: KeyKind::PorterSite,
        unit: "CNY/month",
        aggregation: Aggregation::Ratio,
        section: Section::Porters,
        label: "porters at {0}: income per porter hired, CNY per month worked",
        description: "a hired porter's income per month worked (months nobody was hired, such as the closure, are left out)",
        measure: |r| porters(r, |t, _| t.income_cny_per_month()),
    },
    OutputDef {
        id: "porter.income_rice_kg_per_month",
        key: KeyKind::PorterSite,
        unit: "kg rice/month",
        aggregation: Aggregation::Ratio,
        section: Section::Porters,
        label: "porters at {0}: income per porter hired, kg of rice per month worked",
        description: "a hired porter's income per month worked, in kilograms of rice at market prices",
        measure: |r| porters(r, |t, _| t.rice_kg_per_month()),
    },
    OutputDef {
        id: "goods.delivered_cny_per_year",
        key: KeyKind::Channel,
        unit: "CNY/year",
        aggregation: Aggregation::PerYear,
        section: Section::Channels,
        label: "{0}: value delivered, CNY per year of {window}",
        description: "value of goods a channel delivered to buyers, per year of the window",
        measure: |r| {
            Channel::ALL
                .iter()
                .map(|&channel| {
                    let value: f64 = r
                        .in_window(&r.result.flows, |f| f.month)
                        .iter()
                        .filter(|f| f.key.channel == channel && f.key.outcome == Outcome::Delivered)
                        .map(|f| f.value.cny())
                        .sum();
                    (channel.name().to_owned(), value / r.years)
                })
                // A channel that moved nothing is not shown (its missing value is zero).
                .filter(|(_, value)| *value != 0.0)
                .collect()
        },
    },
    OutputDef {
        id: "declared.exports_usd_per_year",
        key: KeyKind::None,
        unit: "USD/year",
        aggregation: Aggregation::PerYear,
        section: Section::Channels,
        label: "declared exports to China, USD per year of {window}",
        description: "the DPRK's declared exports to China (China's imports from the DPRK), all modes, per year of the window; the levels follow the basket's normal values and the events' dates",
        measure: |r| declared_usd_per_year(r, Direction::Export),
    },
    OutputDef {
        id: "declared.imports_usd_per_year",
        key: KeyKind::None,
        unit: "USD/year",
        aggregation: Aggregation::PerYear,
        section: Section::Channels,
        label: "declared imports from China, USD per year of {window}",
        description: "the DPRK's declared imports from China (China's exports to the DPRK), all modes, per year of the window; the levels follow the basket's normal values and the events' dates",
        measure: |r| declared_usd_per_year(r, Direction::Import),
    },
    OutputDef {
        id: "state_trade.smuggling_value_share",
        key: KeyKind::None,
        unit: "share",
        aggregation: Aggregation::Ratio,
        section: Section::StateTrade,
        label: "share of consignment value by state smuggling",
        description: "state smuggling's share of trading companies' consignment value",
        measure: |r| {
            state_trade(r, |smuggled, official| {
                smuggled.revenue.cny() / (smuggled.revenue + official.revenue).cny()
            })
        },
    },
    OutputDef {
        id: "state_trade.smuggling_net_margin",
        key: KeyKind::None,
        unit: "share",
        aggregation: Aggregation::Ratio,
        section: Section::StateTrade,
        label: "state smuggling net margin (after bribes, seizures), share of value",
        description: "state smuggling's net profit over its revenue",
        measure: |r| {
            state_trade(r, |smuggled, _| {
                smuggled.net_profit().cny() / smuggled.revenue.cny()
            })
        },
    },
    OutputDef {
        id: "state_trade.smuggling_margin_before_bribes",
        key: KeyKind::None,
        unit: "share",
        aggregation: Aggregation::Ratio,
        section: Section::StateTrade,
        label: "same consignments without bribes or seizures, share of value",
        description: "state smuggling's margin over revenue before bribes and seizures",
        measure: |r| {
            state_trade(r, |smuggled, _| {
                (smuggled.revenue - smuggled.purchases - smuggled.labour).cny()
                    / smuggled.revenue.cny()
            })
        },
    },
    OutputDef {
        id: "state_trade.customs_net_margin",
        key: KeyKind::None,
        unit: "share",
        aggregation: Aggregation::Ratio,
        section: Section::StateTrade,
        label: "official customs net margin (after the levy), share of value",
        description: "official customs trade's net profit over its revenue",
        measure: |r| {
            state_trade(r, |_, official| {
                official.net_profit().cny() / official.revenue.cny()
            })
        },
    },
    OutputDef {
        id: "state_trade.vehicles_per_month_after_takeover",
        key: KeyKind::None,
        unit: "vehicles/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::StateTrade,
        label: "vehicles imported by state smuggling per month after the takeover",
        description: "vehicles state smuggling delivered per month from the takeover on",
        measure: |r| {
            if r.params.state_trade.is_none() {
                return Vec::new();
            }
            after_takeover(r, |_, after| vehicles_per_month(r.params, r.result, after))
        },
    },
    OutputDef {
        id: "sea.cap_multiple_delivered",
        key: KeyKind::None,
        unit: "x cap",
        aggregation: Aggregation::Ratio,
        section: Section::Sea,
        label: "capped import delivered by sea, times the cap ({window})",
        description: "true deliveries of the capped good (refined petroleum in the baseline) in the months of the window under the cap, over the barrels those months allowed",
        measure: |r| capped(r, |o| o.true_delivered()),
    },
    OutputDef {
        id: "sea.cap_multiple_observed",
        key: KeyKind::None,
        unit: "x cap",
        aggregation: Aggregation::Ratio,
        section: Section::Sea,
        label: "capped import as the monitors saw it, times the cap ({window})",
        description: "deliveries of the capped good the monitors detected (and did not interdict) in the months of the window under the cap, over the barrels those months allowed",
        measure: |r| capped(r, |o| o.observed_delivered()),
    },
    OutputDef {
        id: "sea.cap_multiple_unseen",
        key: KeyKind::None,
        unit: "x cap",
        aggregation: Aggregation::Ratio,
        section: Section::Sea,
        label: "detection gap: capped import the monitors missed, times the cap ({window})",
        description: "true minus observed deliveries of the capped good in the months of the window under the cap, over the barrels those months allowed",
        measure: |r| capped(r, |o| o.true_delivered() - o.observed_delivered()),
    },
    OutputDef {
        id: "sea.observed_share",
        key: KeyKind::SeaGood,
        unit: "share",
        aggregation: Aggregation::Ratio,
        section: Section::Sea,
        label: "{0} by sea: share of the quantity carried that the monitors saw",
        description: "observed over true quantity carried by sea (observed.csv's detection_gap over the window)",
        measure: |r| {
            let mut goods: Vec<(String, (f64, f64))> = Vec::new();
            for o in r.in_window(&r.result.observed, |o| o.month) {
                let id = &r.params.goods[o.good.0 as usize].id;
                let at = match goods.iter().position(|(g, _)| g == id) {
                    Some(at) => at,
                    None => {
                        goods.push((id.clone(), (0.0, 0.0)));
                        goods.len() - 1
                    }
                };
                goods[at].1.0 += o.observed_quantity as f64;
                goods[at].1.1 += o.true_quantity as f64;
            }
            goods
                .into_iter()
                .map(|(good, (seen, carried))| (good, seen / carried))
                .collect()
        },
    },
    OutputDef {
        id: "sea.ships",
        key: KeyKind::ShipClass,
        unit: "ships",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Sea,
        label: "{0}: ships of class {1} at the end of a month of {window}",
        description: "a fleet's ships of one class at the end of each month, averaged over the window's months; operators choose the class of each replacement (maritime.rs)",
        measure: |r| by_ship_class(r, |s| s.ships, r.months.len() as f64),
    },
    OutputDef {
        id: "sea.ships_bought_per_year",
        key: KeyKind::ShipClass,
        unit: "ships/year",
        aggregation: Aggregation::PerYear,
        section: Section::Sea,
        label: "{0}: ships of class {1} bought to replace ships lost, per year of {window}",
        description: "replacements of interdicted ships a fleet's operator bought of one class, per year of the window",
        measure: |r| by_ship_class(r, |s| s.bought, r.years),
    },
    OutputDef {
        id: "households.income_cny_per_month_before_closure",
        key: KeyKind::None,
        unit: "CNY/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "border income per household (smuggling, porterage), CNY per month, 12 months before the closure",
        description: "a border household's income from smuggling and carrying state consignments per month, 12 months before the closure",
        measure: |r| {
            households(r, |before, _| {
                household_income_cny_per_month(r.result, before)
            })
        },
    },
    OutputDef {
        id: "households.income_cny_per_month_after_takeover",
        key: KeyKind::None,
        unit: "CNY/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "border income per household (smuggling, porterage), CNY per month, after the takeover",
        description: "a border household's income from smuggling and carrying state consignments per month from the takeover on",
        measure: |r| {
            households(r, |_, after| {
                household_income_cny_per_month(r.result, after)
            })
        },
    },
    OutputDef {
        id: "households.essentials_price_cny_per_kg_before_closure",
        key: KeyKind::None,
        unit: "CNY/kg",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "essentials price, CNY/kg, mean of the 12 months before the closure",
        description: "mean market price of essentials, 12 months before the closure",
        measure: |r| households(r, |before, _| essentials_price_cny_per_kg(r.result, before)),
    },
    OutputDef {
        id: "households.essentials_price_cny_per_kg_after_takeover",
        key: KeyKind::None,
        unit: "CNY/kg",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "essentials price, CNY/kg, mean of the months after the takeover",
        description: "mean market price of essentials from the takeover on",
        measure: |r| households(r, |_, after| essentials_price_cny_per_kg(r.result, after)),
    },
    OutputDef {
        id: "market.won_per_usd",
        key: KeyKind::MarketSite,
        unit: "KPW/USD",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "won per dollar at {0}, mean of the months of {window}",
        description: "the won's market rate against the dollar, mean of the monthly means",
        measure: |r| market(r, |p| p.won_per_usd),
    },
    OutputDef {
        id: "market.won_per_cny",
        key: KeyKind::MarketSite,
        unit: "KPW/CNY",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "won per yuan at {0}, mean of the months of {window}",
        description: "the won's market rate against the yuan, mean of the monthly means",
        measure: |r| market(r, |p| p.won_per_cny),
    },
    OutputDef {
        id: "market.rice_price_kpw_per_kg",
        key: KeyKind::MarketSite,
        unit: "KPW/kg",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "rice at {0}, won per kg, mean of the months of {window}",
        description: "the market price of rice in won, mean of the monthly means",
        measure: |r| market(r, |p| p.rice_price_kpw_per_kg),
    },
    OutputDef {
        id: "households.income_kpw_per_month",
        key: KeyKind::MarketSite,
        unit: "KPW/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "households at {0}: whole income per household, won per month of {window}",
        description: "a border household's income from every source, rations at the won rice price, per month",
        measure: |r| household_income(r, |h| h.income_kpw),
    },
    OutputDef {
        id: "households.income_rice_kg_per_month",
        key: KeyKind::MarketSite,
        unit: "kg rice/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "households at {0}: whole income per household, kg of rice per month of {window}",
        description: "a border household's income from every source in rice at each day's price, rations included, per month",
        measure: |r| household_income(r, |h| h.income_rice_kg),
    },
    OutputDef {
        id: "households.smuggling_cny_per_month",
        key: KeyKind::MarketSite,
        unit: "CNY/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "households at {0}: smuggling income per household, CNY per month of {window}",
        description: "a border household's net income from livelihood smuggling, per month",
        measure: |r| household_income(r, |h| h.livelihood_income.cny()),
    },
    OutputDef {
        id: "households.porterage_cny_per_month",
        key: KeyKind::MarketSite,
        unit: "CNY/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "households at {0}: pay for carrying state consignments per household, CNY per month of {window}",
        description: "a border household's pay for transport labour on state consignments, per month",
        measure: |r| household_income(r, |h| h.wages.cny()),
    },
    OutputDef {
        id: "households.state_wages_cny_per_month",
        key: KeyKind::MarketSite,
        unit: "CNY/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "households at {0}: state wages per household, CNY per month of {window}",
        description: "a border household's state wage, paid in won, in yuan at the day's rate, per month",
        measure: |r| household_income(r, |h| h.state_wages.cny()),
    },
    OutputDef {
        id: "households.market_trade_cny_per_month",
        key: KeyKind::MarketSite,
        unit: "CNY/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "households at {0}: market trade income per household, CNY per month of {window}",
        description: "a border household's earnings from market trade, which shrink with imported supply, per month",
        measure: |r| household_income(r, |h| h.market_trade.cny()),
    },
    OutputDef {
        id: "households.rations_rice_kg_per_month",
        key: KeyKind::MarketSite,
        unit: "kg rice/month",
        aggregation: Aggregation::MonthlyMean,
        section: Section::Households,
        label: "households at {0}: rations per household, kg of grain per month of {window}",
        description: "grain rations a border household receives, counted as rice, per month",
        measure: |r| household_income(r, |h| h.rations_rice_kg),
    },
    OutputDef {
        id: "fx.usd_per_year",
        key: KeyKind::FxChannel,
        unit: "USD/year",
        aggregation: Aggregation::PerYear,
        section: Section::ForeignCurrency,
        label: "Room 39 from {0}, USD per year of {window}",
        description: "foreign currency reaching Room 39 through one modelled channel (dated rate), per year of the window",
        measure: foreign_currency_by_channel,
    },
    OutputDef {
        id: "fx.total_usd_per_year",
        key: KeyKind::None,
        unit: "USD/year",
        aggregation: Aggregation::PerYear,
        section: Section::ForeignCurrency,
        label: "Room 39 from the modelled channels only, USD per year of {window}",
        description: "foreign currency reaching Room 39 through the channels this scenario models; not all of Room 39's income: cyber theft, arms sales and counterfeiting are outside the model",
        measure: |r| {
            let total = foreign_currency_by_channel(r)
                .iter()
                .map(|(_, usd)| usd)
                .sum();
            vec![(String::new(), total)]
        },
    },
    OutputDef {
        id: "money.cny_per_year",
        key: KeyKind::MoneyFlow,
        unit: "CNY/year",
        aggregation: Aggregation::PerYear,
        section: Section::Money,
        label: "{0} -> {1} ({2}), CNY per year of {window}",
        description: "money paid by one actor class to another for one purpose, per year of the window",
        measure: |r| {
            // Summed by flow (names are one per class and purpose), each key formatted
            // once: the flows of a run are few, its money records thousands.
            let mut money: Vec<((ActorClass, ActorClass, Purpose), f64)> = Vec::new();
            for m in r.in_window(&r.result.money, |m| m.month) {
                let flow = (m.payer, m.payee, m.purpose);
                let value = m.amount.cny() / r.years;
                match money.iter_mut().find(|(f, _)| *f == flow) {
                    Some((_, total)) => *total += value,
                    None => money.push((flow, value)),
                }
            }
            money
                .into_iter()
                .map(|((payer, payee, purpose), total)| {
                    let key = format!("{}/{}/{}", payer.name(), payee.name(), purpose.name());
                    (key, total)
                })
                .collect()
        },
    },
];

/// Porter figures for all sites (no key) and for each porter site.
fn porters(
    r: &Replicate,
    figure: fn(&yalu_model::indicators::PorterTotals, f64) -> f64,
) -> Vec<(String, f64)> {
    let Some(porter) = &r.params.porter else {
        return Vec::new();
    };
    let totals = |site| porter_totals_in(r.result, site, r.months.clone());
    porter
        .sites
        .iter()
        .map(|s| {
            let id = r.params.sites[s.site.0 as usize].id.clone();
            (id, figure(&totals(Some(s.site)), r.years))
        })
        .chain([(String::new(), figure(&totals(None), r.years))])
        .collect()
}

type TradeTotals = yalu_model::observe::TradeMonth;

fn state_trade(r: &Replicate, figure: fn(&TradeTotals, &TradeTotals) -> f64) -> Vec<(String, f64)> {
    if r.params.state_trade.is_none() {
        return Vec::new();
    }
    let smuggled = trade_totals_in(r.result, Channel::StateSmuggling, r.months.clone());
    let official = trade_totals_in(r.result, Channel::OfficialCustoms, r.months.clone());
    vec![(String::new(), figure(&smuggled, &official))]
}

/// A quantity of the capped good over the window's months under the cap, as a multiple of
/// the barrels those months allowed ([`ImportCap::barrels_in_month`]); nothing when the
/// scenario has no cap or the window has no month under it.
///
/// [`ImportCap::barrels_in_month`]: yalu_model::params::ImportCap::barrels_in_month
fn capped(
    r: &Replicate,
    quantity: fn(&yalu_model::observe::ObservedRecord) -> i64,
) -> Vec<(String, f64)> {
    let Some(cap) = r.params.maritime.as_ref().and_then(|m| m.cap.as_ref()) else {
        return Vec::new();
    };
    let allowance = |month: usize| cap.barrels_in_month(r.result.months[month]);
    let allowed: f64 = r.months.clone().filter_map(allowance).sum();
    if allowed <= 0.0 {
        return Vec::new();
    }
    let total: i64 = r
        .in_window(&r.result.observed, |o| o.month)
        .iter()
        .filter(|o| o.good == cap.good && allowance(o.month).is_some())
        .map(quantity)
        .sum();
    vec![(String::new(), total as f64 / allowed)]
}

/// A figure over the 12 months before the closure and the months after the takeover, each
/// kept to the window, when the run has both.
fn after_takeover(r: &Replicate, figure: impl Fn(&[usize], &[usize]) -> f64) -> Vec<(String, f64)> {
    takeover_windows(r.params, &r.result.months)
        .map(|(before, after)| (String::new(), figure(&r.clip(before), &r.clip(after))))
        .into_iter()
        .collect()
}

fn households(r: &Replicate, figure: impl Fn(&[usize], &[usize]) -> f64) -> Vec<(String, f64)> {
    if r.params.households.is_none() {
        return Vec::new();
    }
    after_takeover(r, figure)
}

/// Declared trade in one direction per year of the window; nothing without the channel.
fn declared_usd_per_year(r: &Replicate, direction: Direction) -> Vec<(String, f64)> {
    if r.params.declared_trade.is_none() {
        return Vec::new();
    }
    let usd: f64 = r
        .in_window(&r.result.declared, |d| d.month)
        .iter()
        .filter(|d| d.direction == direction)
        .map(|d| d.usd)
        .sum();
    vec![(String::new(), usd / r.years)]
}

/// The market sites (sites with households), by id.
fn market_sites(params: &ModelParams) -> Vec<(SiteId, String)> {
    params
        .households
        .iter()
        .flat_map(|h| {
            h.households_at_site
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(s, _)| (SiteId(s as u16), params.sites[s].id.clone()))
        })
        .collect()
}

/// A figure at each market site and over all of them (the empty key), by `figure` over
/// the window's records at the site (all market sites for the empty key), in record
/// order. One pass over the window's records buckets them by site.
fn by_market_site<T>(
    r: &Replicate,
    records: &[T],
    month_of: fn(&T) -> usize,
    site_of: fn(&T) -> SiteId,
    figure: impl Fn(&[&T]) -> f64,
) -> Vec<(String, f64)> {
    let sites = market_sites(r.params);
    let mut at_site: Vec<Vec<&T>> = vec![Vec::new(); sites.len()];
    let mut at_any = Vec::new();
    for x in r.in_window(records, month_of) {
        let site = site_of(x);
        if let Some(at) = sites.iter().position(|(s, _)| *s == site) {
            at_site[at].push(x);
            at_any.push(x);
        }
    }
    sites
        .iter()
        .zip(&at_site)
        .map(|((_, id), kept)| (id.clone(), figure(kept)))
        .chain([(String::new(), figure(&at_any))])
        .collect()
}

/// A count summed over the window's months, over `per`, for each class of each fleet,
/// keyed `fleet/class` (`main` for the fleet's own figures).
fn by_ship_class(
    r: &Replicate,
    count: fn(&ShipClassRecord) -> u32,
    per: f64,
) -> Vec<(String, f64)> {
    let Some(m) = &r.params.maritime else {
        return Vec::new();
    };
    let mut totals = vec![0_u64; m.class_cells()];
    for s in r.in_window(&r.result.ships, |s| s.month) {
        totals[m.class_cell(usize::from(s.fleet), usize::from(s.class))] += u64::from(count(s));
    }
    ship_class_keys(m)
        .into_iter()
        .zip(totals)
        .map(|(key, total)| (key, total as f64 / per))
        .collect()
}

/// `fleet/class` for every class of every fleet, in [`Maritime::class_cell`] order.
fn ship_class_keys(m: &Maritime) -> Vec<String> {
    m.fleets
        .iter()
        .flat_map(|f| {
            std::iter::once("main")
                .chain(f.classes.iter().map(|c| c.id.as_str()))
                .map(move |class| format!("{}/{class}", f.id))
        })
        .collect()
}

/// The mean of a monthly market figure at each market site, and over all of them.
fn market(r: &Replicate, figure: fn(&PriceRecord) -> f64) -> Vec<(String, f64)> {
    by_market_site(
        r,
        &r.result.prices,
        |p| p.month,
        |p| p.site,
        |kept| {
            let values: Vec<f64> = kept.iter().map(|p| figure(p)).collect();
            values.iter().sum::<f64>() / values.len() as f64
        },
    )
}

/// A household income per household and month at each market site, and over all of them.
fn household_income(r: &Replicate, figure: fn(&HouseholdMonth) -> f64) -> Vec<(String, f64)> {
    by_market_site(
        r,
        &r.result.household_months,
        |h| h.month,
        |h| h.site,
        |kept| {
            let households: f64 = kept.iter().map(|h| f64::from(h.households)).sum();
            kept.iter().map(|h| figure(h)).sum::<f64>() / households
        },
    )
}

/// Foreign currency reaching Room 39 per channel in the window, in channel name order.
fn foreign_currency_by_channel(r: &Replicate) -> Vec<(String, f64)> {
    let mut fx: Vec<(String, f64)> = Vec::new();
    for m in r
        .in_window(&r.result.money, |m| m.month)
        .iter()
        .filter(|m| m.payee == ActorClass::Room39)
    {
        if let Some(channel) = m.payer.fx_channel() {
            let usd = m.amount.cny() / r.result.cny_per_usd[m.month] / r.years;
            match fx.iter_mut().find(|(c, _)| c == channel) {
                Some((_, total)) => *total += usd,
                None => fx.push((channel.to_owned(), usd)),
            }
        }
    }
    fx.sort_by(|a, b| a.0.cmp(&b.0));
    fx
}

/// One output's value in one replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// Its id, `family` or `family[key]`, with `@window` when measured over a window.
    pub id: String,
    /// Its printed label.
    pub label: String,
    /// Its family's section.
    pub section: Section,
    /// Its family's aggregation.
    pub aggregation: Aggregation,
    /// The value.
    pub value: f64,
}

/// A key or class name as words: `border_guards` as "border guards", `room39` as
/// "Room 39".
pub fn words(name: &str) -> String {
    match name {
        "room39" => "Room 39".to_owned(),
        other => other.replace('_', " "),
    }
}

impl OutputDef {
    /// The id of this family with `key` (empty for none).
    pub fn id_with(&self, key: &str) -> String {
        if key.is_empty() {
            self.id.to_owned()
        } else {
            format!("{}[{key}]", self.id)
        }
    }

    /// The printed label with `key` (as words) and `window` filled in.
    pub fn label_with(&self, key: &str, window: &Window) -> String {
        let key = if key.is_empty() && self.key == KeyKind::PorterSite {
            "all sites"
        } else {
            key
        };
        key.split('/')
            .enumerate()
            .fold(self.label.to_owned(), |label, (i, part)| {
                label.replace(&format!("{{{i}}}"), &words(part))
            })
            .replace("{window}", &window.to_string())
    }
}

/// Every output present in one replicate over the whole run, in registry order.
pub fn values(params: &ModelParams, result: &ReplicateResult) -> Vec<Value> {
    values_in(params, result, None)
}

/// Every output present in one replicate over `window` (the whole run when `None`; ids
/// then carry no window), in registry order.
pub fn values_in(
    params: &ModelParams,
    result: &ReplicateResult,
    window: Option<Window>,
) -> Vec<Value> {
    let run = Window::covering(params.first_day, params.last_day);
    measured_in(params, result, window)
        .into_iter()
        .map(|(family, key, value)| describe(family, &key, window, run, value))
        .collect()
}

/// Every output present in one replicate over `window` (the whole run when `None`), in
/// registry order, as its family (a place in [`OUTPUTS`]), key and value: what
/// [`values_in`] gives, before each is named by [`describe`].
pub(crate) fn measured_in(
    params: &ModelParams,
    result: &ReplicateResult,
    window: Option<Window>,
) -> Vec<(usize, String, f64)> {
    let shown = window.unwrap_or_else(|| Window::covering(params.first_day, params.last_day));
    let replicate = Replicate {
        params,
        result,
        months: shown.indices(&result.months),
        years: shown.years_within(params.first_day, params.last_day),
    };
    OUTPUTS
        .iter()
        .enumerate()
        .flat_map(|(family, def)| {
            (def.measure)(&replicate)
                .into_iter()
                .map(move |(key, value)| (family, key, value))
        })
        .collect()
}

/// The output of family `family` (a place in [`OUTPUTS`]) with `key`, measured over
/// `window` (`None`: the whole run, `run`), as a [`Value`] with its id and label.
pub(crate) fn describe(
    family: usize,
    key: &str,
    window: Option<Window>,
    run: Window,
    value: f64,
) -> Value {
    let def = &OUTPUTS[family];
    let suffix = window.map_or(String::new(), |w| format!("@{w}"));
    Value {
        id: def.id_with(key) + &suffix,
        label: def.label_with(key, &window.unwrap_or(run)),
        section: def.section,
        aggregation: def.aggregation,
        value,
    }
}

/// Outputs resolved by [`Catalog::resolve`], measured together from one replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSet {
    ids: Vec<String>,
    missing: Vec<f64>,
    /// The distinct windows asked for (`None`: the whole run).
    windows: Vec<Option<Window>>,
}

impl OutputSet {
    /// The ids, in the order asked for.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Each output's value in one replicate, in the order asked for; an output the
    /// replicate does not report takes its aggregation's missing value.
    pub fn measure(&self, params: &ModelParams, result: &ReplicateResult) -> Vec<f64> {
        let all: Vec<Value> = self
            .windows
            .iter()
            .flat_map(|window| values_in(params, result, *window))
            .collect();
        self.ids
            .iter()
            .zip(&self.missing)
            .map(|(id, missing)| {
                all.iter()
                    .find(|v| &v.id == id)
                    .map_or(*missing, |v| v.value)
            })
            .collect()
    }
}

/// An id that is not a declared output, or whose window cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", match .window_problem {
    Some(problem) => format!("output `{id}`: {problem}"),
    None => format!("unknown output `{id}`; nearest: {}", nearest.join(", ")),
})]
pub struct UnknownOutput {
    /// The id asked for.
    pub id: String,
    /// The closest valid ids, closest first.
    pub nearest: Vec<String>,
    /// What is wrong with the window after `@`, when that is the problem (boxed: the
    /// error travels inside every experiment error).
    pub window_problem: Option<Box<String>>,
}

/// The valid output ids of one scenario (its porter sites key the porter outputs).
#[derive(Debug, Clone)]
pub struct Catalog {
    porter_sites: Vec<String>,
    sea_goods: Vec<String>,
    market_sites: Vec<String>,
    ship_classes: Vec<String>,
    run: Window,
}

impl Catalog {
    /// The catalog for a scenario's parameters.
    pub fn new(params: &ModelParams) -> Catalog {
        let porter_sites = params.porter.iter().flat_map(|p| &p.sites);
        let mut sea_goods: Vec<String> = params
            .maritime
            .iter()
            .flat_map(|m| &m.cargoes)
            .map(|c| params.goods[c.good.0 as usize].id.clone())
            .collect();
        sea_goods.dedup();
        Catalog {
            porter_sites: porter_sites
                .map(|s| params.sites[s.site.0 as usize].id.clone())
                .collect(),
            sea_goods,
            market_sites: market_sites(params).into_iter().map(|(_, id)| id).collect(),
            ship_classes: params
                .maritime
                .as_ref()
                .map_or_else(Vec::new, ship_class_keys),
            run: Window::covering(params.first_day, params.last_day),
        }
    }

    /// The keys a family takes (the empty key meaning none).
    pub fn keys(&self, kind: KeyKind) -> Vec<String> {
        let names = |names: &mut dyn Iterator<Item = &str>| names.map(str::to_owned).collect();
        match kind {
            KeyKind::None => vec![String::new()],
            KeyKind::PorterSite => [String::new()]
                .into_iter()
                .chain(self.porter_sites.iter().cloned())
                .collect(),
            KeyKind::Channel => names(&mut Channel::ALL.iter().map(|c| c.name())),
            KeyKind::FxChannel => names(&mut ActorClass::ALL.iter().filter_map(|c| c.fx_channel())),
            KeyKind::MoneyFlow => {
                let mut keys = Vec::new();
                for payer in ActorClass::ALL {
                    for payee in ActorClass::ALL {
                        for purpose in Purpose::ALL {
                            keys.push(format!(
                                "{}/{}/{}",
                                payer.name(),
                                payee.name(),
                                purpose.name()
                            ));
                        }
                    }
                }
                keys
            }
            KeyKind::SeaGood => self.sea_goods.clone(),
            KeyKind::ShipClass => self.ship_classes.clone(),
            KeyKind::MarketSite => [String::new()]
                .into_iter()
                .chain(self.market_sites.iter().cloned())
                .collect(),
        }
    }

    /// Every valid id.
    pub fn ids(&self) -> Vec<String> {
        OUTPUTS
            .iter()
            .flat_map(|def| self.keys(def.key).into_iter().map(|k| def.id_with(&k)))
            .collect()
    }

    /// Every family with its key, unit, aggregation and meaning, then the keys, as text
    /// (`yalu outputs`).
    pub fn render(&self, scenario: &str) -> String {
        let mut text = format!(
            "Outputs (ids for compare, sweep metrics and sensitivity outputs); keys for scenario `{scenario}`\n\
             Every id takes a time window after `@`: `fx.total_usd_per_year@2024`, \
             `porter.kg_sold_per_year[hyesan]@2019-01..2019-06`, `...@2018..2020`; without one, \
             the whole run ({}). Per year means per year of the window.\n",
            self.run
        );
        for def in OUTPUTS {
            text.push_str(&format!(
                "\n{}{}\n    unit: {}; aggregation: {}\n    {}\n",
                def.id,
                def.key.placeholder(),
                def.unit,
                def.aggregation.describe(),
                def.description
            ));
        }
        for (kind, what) in [
            (KeyKind::PorterSite, "<site>"),
            (KeyKind::Channel, "<channel>"),
            (KeyKind::FxChannel, "<fx channel>"),
            (KeyKind::SeaGood, "<sea good>"),
            (KeyKind::MarketSite, "<market site>"),
        ] {
            let keys: Vec<String> = self
                .keys(kind)
                .into_iter()
                .filter(|k| !k.is_empty())
                .collect();
            text.push_str(&format!("\n{what}: {}", keys.join(", ")));
        }
        let names = |names: Vec<&str>| names.join(", ");
        text.push_str(&format!(
            "\n<payer>, <payee>: {}\n<purpose>: {}\n",
            names(ActorClass::ALL.iter().map(|c| c.name()).collect()),
            names(Purpose::ALL.iter().map(|p| p.name()).collect())
        ));
        text
    }

    /// Checks `ids` (each with an optional `@window`) and gives them as a set to measure.
    pub fn resolve(&self, ids: &[String]) -> Result<OutputSet, UnknownOutput> {
        let mut missing = Vec::with_capacity(ids.len());
        let mut windows = Vec::new();
        for id in ids {
            let (aggregation, window) = self.aggregation_of(id)?;
            missing.push(aggregation.missing_value());
            if !windows.contains(&window) {
                windows.push(window);
            }
        }
        Ok(OutputSet {
            ids: ids.to_vec(),
            missing,
            windows,
        })
    }

    fn aggregation_of(&self, id: &str) -> Result<(Aggregation, Option<Window>), UnknownOutput> {
        let (output, window) = match id.split_once('@') {
            Some((output, window)) => (output, Some(window)),
            None => (id, None),
        };
        let window_problem = |problem: String| UnknownOutput {
            id: id.to_owned(),
            nearest: Vec::new(),
            window_problem: Some(Box::new(problem)),
        };
        let window = window
            .map(|w| {
                w.parse::<Window>()
                    .map_err(|e| window_problem(e.to_string()))
            })
            .transpose()?;
        if let Some(w) = window {
            w.check_overlaps(self.run)
                .map_err(|e| window_problem(e.to_string()))?;
        }
        let (family, key) = match output.split_once('[') {
            Some((family, rest)) => (family, rest.strip_suffix(']').unwrap_or("\u{0}")),
            None => (output, ""),
        };
        OUTPUTS
            .iter()
            .find(|def| def.id == family && self.keys(def.key).iter().any(|k| k == key))
            .map(|def| (def.aggregation, window))
            .ok_or_else(|| UnknownOutput {
                id: id.to_owned(),
                nearest: nearest(output, &self.ids(), 3),
                window_problem: None,
            })
    }
}

/// The `count` candidates closest to `wanted` by edit distance, closest first.
pub fn nearest(wanted: &str, candidates: &[String], count: usize) -> Vec<String> {
    let mut ranked: Vec<(usize, &String)> = candidates
        .iter()
        .map(|c| (edit_distance(wanted, c), c))
        .collect();
    ranked.sort();
    ranked
        .into_iter()
        .take(count)
        .map(|(_, c)| c.clone())
        .collect()
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_machine_friendly_and_labels_fill_their_keys() {
        let mut ids: Vec<&str> = OUTPUTS.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), OUTPUTS.len());
        for id in ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c)),
                "{id}"
            );
        }
        let money = OUTPUTS
            .iter()
            .find(|d| d.id == "money.cny_per_year")
            .unwrap();
        let run: Window = "2017..2025".parse().unwrap();
        assert_eq!(
            money.label_with("donju/border_guards/bribe", &run),
            "donju -> border guards (bribe), CNY per year of 2017..2025"
        );
        let pay = OUTPUTS
            .iter()
            .find(|d| d.id == "porter.pay_cny_per_kg")
            .unwrap();
        assert_eq!(
            pay.label_with("", &run),
            "porters at all sites: pay per kg sold, CNY/kg"
        );
    }

    #[test]
    fn nearest_ids_rank_by_edit_distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let candidates = [
            "fx.total_usd_per_year",
            "porter.pay_cny_per_kg",
            "fx.usd_per_year",
        ]
        .map(String::from);
        assert_eq!(
            nearest("fx.totl_usd_per_year", &candidates, 2),
            ["fx.total_usd_per_year", "fx.usd_per_year"]
        );
    }
}

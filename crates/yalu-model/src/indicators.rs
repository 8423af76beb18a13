//! Indicators computed from a replicate's records, shared by the printed summary, the
//! experiments' outputs and the pattern checks, so that each is defined once.

use std::ops::Range;

use crate::calendar::YearMonth;
use crate::observe::{Channel, Outcome, ReplicateResult, TradeMonth};
use crate::params::{ModelParams, SiteId};

/// Porters' totals over a replicate, at one site or all.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PorterTotals {
    /// Kilograms sold.
    pub kg_sold: f64,
    /// Pay in yuan.
    pub wages_cny: f64,
    /// Porter-months hired.
    pub porter_months: f64,
    /// Rice bought.
    pub rice_kg: f64,
}

impl PorterTotals {
    /// Pay per kilogram sold.
    pub fn pay_cny_per_kg(&self) -> f64 {
        self.wages_cny / self.kg_sold
    }

    /// Mean monthly income of a hired porter.
    pub fn income_cny_per_month(&self) -> f64 {
        self.wages_cny / self.porter_months
    }

    /// Mean monthly rice bought by a hired porter.
    pub fn rice_kg_per_month(&self) -> f64 {
        self.rice_kg / self.porter_months
    }
}

/// Porters' totals at `site`, or at every site when `None`.
pub fn porter_totals(r: &ReplicateResult, site: Option<SiteId>) -> PorterTotals {
    porter_totals_in(r, site, 0..r.months.len())
}

/// Porters' totals at `site` (every site when `None`) over the month indices `months`.
pub fn porter_totals_in(
    r: &ReplicateResult,
    site: Option<SiteId>,
    months: Range<usize>,
) -> PorterTotals {
    r.porter_months
        .iter()
        .filter(|p| site.is_none_or(|s| s == p.site) && months.contains(&p.month))
        .fold(PorterTotals::default(), |t, p| PorterTotals {
            kg_sold: t.kg_sold + p.kg_sold as f64,
            wages_cny: t.wages_cny + p.wages.cny(),
            porter_months: t.porter_months + f64::from(p.porters_hired),
            rice_kg: t.rice_kg + p.rice_bought_kg,
        })
}

/// Trading companies' consignments by one channel, summed over the replicate.
pub fn trade_totals(r: &ReplicateResult, channel: Channel) -> TradeMonth {
    trade_totals_in(r, channel, 0..r.months.len())
}

/// Trading companies' consignments by one channel over the month indices `months`.
pub fn trade_totals_in(r: &ReplicateResult, channel: Channel, months: Range<usize>) -> TradeMonth {
    sum_trade(r, channel, |t| months.contains(&t.month))
}

/// A channel's trade over the run for goods under a sanction (`Some(true)`), free goods
/// (`Some(false)`) or all (`None`).
pub fn trade_totals_of(
    r: &ReplicateResult,
    channel: Channel,
    sanctioned: Option<bool>,
) -> TradeMonth {
    sum_trade(r, channel, |t| sanctioned.is_none_or(|s| t.sanctioned == s))
}

/// A channel's trade months that `keep` keeps, summed.
fn sum_trade(
    r: &ReplicateResult,
    channel: Channel,
    keep: impl Fn(&TradeMonth) -> bool,
) -> TradeMonth {
    r.trade_months
        .iter()
        .filter(|t| t.channel == Some(channel) && keep(t))
        .fold(TradeMonth::default(), |mut sum, t| {
            sum.consignments += t.consignments;
            sum.seized += t.seized;
            sum.loads += t.loads;
            sum.value_sent += t.value_sent;
            sum.revenue += t.revenue;
            sum.purchases += t.purchases;
            sum.labour += t.labour;
            sum.bribes += t.bribes;
            sum.levy += t.levy;
            sum.interest += t.interest;
            sum.chinese_leg += t.chinese_leg;
            sum
        })
}

/// Month indices of the 12 months before the border closure and of the months from the
/// takeover to the end; `None` when the scenario has no closure, no takeover, or fewer
/// than 12 months before the closure.
pub fn takeover_windows(
    params: &ModelParams,
    months: &[YearMonth],
) -> Option<(Vec<usize>, Vec<usize>)> {
    let index = |date: jiff::civil::Date| {
        months
            .iter()
            .position(|m| m.year == date.year() && m.month == date.month())
    };
    let closure = crate::events::closure(&params.events)?;
    let start = index(closure.first)?;
    let after = index(params.takeover?.first_day)?;
    (start >= 12).then(|| {
        (
            (start - 12..start).collect(),
            (after..months.len()).collect(),
        )
    })
}

/// Whether a month index is one of `months`: a mask made once, where `contains` would
/// scan the list again for every record.
fn among(months: &[usize]) -> impl Fn(usize) -> bool {
    let mut mask = vec![false; months.iter().max().map_or(0, |m| m + 1)];
    for &m in months {
        mask[m] = true;
    }
    move |m| mask.get(m).copied().unwrap_or(false)
}

/// Mean monthly income a border household earns from the border over some months:
/// livelihood smuggling and carrying state consignments (wages, rations and market trade
/// are left out; `HouseholdMonth::money_income` has them all).
pub fn household_income_cny_per_month(r: &ReplicateResult, months: &[usize]) -> f64 {
    let within = among(months);
    let (income, households) =
        r.household_months
            .iter()
            .filter(|h| within(h.month))
            .fold((0.0, 0.0), |(i, n), h| {
                (
                    i + (h.livelihood_income + h.wages).cny(),
                    n + f64::from(h.households),
                )
            });
    income / households
}

/// Mean essentials price over some months and every site with an essentials market.
pub fn essentials_price_cny_per_kg(r: &ReplicateResult, months: &[usize]) -> f64 {
    let within = among(months);
    let prices: Vec<f64> = r
        .prices
        .iter()
        .filter(|p| within(p.month) && p.essentials_price_cny_per_kg.is_finite())
        .map(|p| p.essentials_price_cny_per_kg)
        .collect();
    prices.iter().sum::<f64>() / prices.len() as f64
}

/// Vehicles delivered by state smuggling per month over some months.
pub fn vehicles_per_month(params: &ModelParams, r: &ReplicateResult, months: &[usize]) -> f64 {
    let driven: Vec<_> = params
        .state_trade
        .iter()
        .flat_map(|t| &t.goods)
        .filter(|g| g.driven_across)
        .map(|g| g.good)
        .collect();
    let within = among(months);
    let vehicles: i64 = r
        .flows
        .iter()
        .filter(|f| {
            f.key.channel == Channel::StateSmuggling
                && f.key.outcome == Outcome::Delivered
                && driven.contains(&f.key.good)
                && within(f.month)
        })
        .map(|f| f.quantity)
        .sum();
    vehicles as f64 / months.len() as f64
}

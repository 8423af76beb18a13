//! Headline figures of a replicate, and their summary across replicates: the table printed
//! at the end of `yalu run`, the outputs `yalu compare` differences, and the metrics a
//! sweep or a sensitivity analysis can ask for. Each figure has a stable name; the summary
//! shows its mean across replicates with the 5th-95th percentile band.

use std::collections::HashMap;
use std::fmt::Write;

use yalu_model::ReplicateResult;
use yalu_model::indicators::{
    essentials_price_cny_per_kg, household_income_cny_per_month, porter_totals, takeover_windows,
    trade_totals, vehicles_per_month,
};
use yalu_model::ledger::ActorClass;
use yalu_model::observe::{Channel, Outcome};
use yalu_model::params::ModelParams;
use yalu_model::stats::{quantile_of_sorted, sorted_finite};

/// Money flows shown in the printed summary.
const MONEY_ROWS_SHOWN: usize = 12;

/// One figure per replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Across(pub Vec<f64>);

impl Across {
    /// Mean across replicates (NaN values are skipped).
    pub fn mean(&self) -> f64 {
        let finite: Vec<f64> = self.0.iter().copied().filter(|x| x.is_finite()).collect();
        finite.iter().sum::<f64>() / finite.len() as f64
    }

    /// The `q`-quantile across replicates, linear between order statistics (NaN skipped).
    pub fn quantile(&self, q: f64) -> f64 {
        quantile_of_sorted(&sorted_finite(self.0.iter().copied()), q)
    }

    /// Mean, with the 5-95% band when there is more than one replicate.
    pub fn show(&self) -> String {
        let decimals = if self.mean().abs() < 10.0 { 3 } else { 0 };
        if self.0.len() > 1 {
            format!(
                "{:.*} [{:.*}, {:.*}]",
                decimals,
                self.mean(),
                decimals,
                self.quantile(0.05),
                decimals,
                self.quantile(0.95)
            )
        } else {
            format!("{:.*}", decimals, self.mean())
        }
    }
}

/// The part of the summary a figure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Porter crews.
    Porters,
    /// Goods delivered by channel.
    Channels,
    /// Trading companies' routes and margins.
    StateTrade,
    /// Border households and markets.
    Households,
    /// Foreign currency reaching Room 39.
    ForeignCurrency,
    /// Money between actor classes.
    Money,
}

impl Section {
    fn title(self) -> &'static str {
        match self {
            Section::Porters => "Porter crews",
            Section::Channels => "Goods delivered by channel",
            Section::StateTrade => "State trade",
            Section::Households => "Border households and markets",
            Section::ForeignCurrency => "Foreign currency reaching Room 39",
            Section::Money => "Money between actor classes",
        }
    }

    /// Whether a figure missing from a replicate means zero (money and goods that did not
    /// move) rather than not applicable.
    fn absent_is_zero(self) -> bool {
        matches!(
            self,
            Section::Money | Section::Channels | Section::ForeignCurrency
        )
    }
}

/// One named figure of one replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// Where it is shown.
    pub section: Section,
    /// Its name, with its unit.
    pub name: String,
    /// Its value.
    pub value: f64,
}

fn headline(section: Section, name: impl Into<String>, value: f64) -> Headline {
    Headline {
        section,
        name: name.into(),
        value,
    }
}

/// Every headline figure of one replicate.
pub fn headlines(params: &ModelParams, result: &ReplicateResult) -> Vec<Headline> {
    let years = ((params.last_day - params.first_day).get_days() + 1) as f64 / 365.25;
    let mut out = Vec::new();
    porter_headlines(params, result, years, &mut out);
    for channel in Channel::ALL {
        let value: f64 = result
            .flows
            .iter()
            .filter(|f| f.key.channel == channel && f.key.outcome == Outcome::Delivered)
            .map(|f| f.value.cny())
            .sum();
        if value != 0.0 {
            out.push(headline(
                Section::Channels,
                format!("{} value delivered, CNY/year", channel.name()),
                value / years,
            ));
        }
    }
    if params.state_trade.is_some() {
        state_trade_headlines(params, result, &mut out);
    }
    if params.households.is_some() {
        household_headlines(params, result, &mut out);
    }
    let mut fx: Vec<(&'static str, f64)> = Vec::new();
    for m in result
        .money
        .iter()
        .filter(|m| m.payee == ActorClass::Room39)
    {
        if let Some(channel) = m.payer.fx_channel() {
            let usd = m.amount.cny() / result.cny_per_usd[m.month] / years;
            match fx.iter_mut().find(|(c, _)| *c == channel) {
                Some((_, total)) => *total += usd,
                None => fx.push((channel, usd)),
            }
        }
    }
    fx.sort_by(|a, b| a.0.cmp(b.0));
    let total: f64 = fx.iter().map(|(_, usd)| usd).sum();
    for (channel, usd) in fx {
        out.push(headline(
            Section::ForeignCurrency,
            format!("Room 39 from {channel}, USD/year"),
            usd,
        ));
    }
    out.push(headline(
        Section::ForeignCurrency,
        "Room 39 from all channels, USD/year",
        total,
    ));
    let mut money: Vec<(String, f64)> = Vec::new();
    for m in &result.money {
        let name = format!(
            "{} -> {} ({}), CNY/year",
            m.payer.name(),
            m.payee.name(),
            m.purpose.name()
        );
        match money.iter_mut().find(|(n, _)| *n == name) {
            Some((_, total)) => *total += m.amount.cny() / years,
            None => money.push((name, m.amount.cny() / years)),
        }
    }
    money.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(
        money
            .into_iter()
            .map(|(name, value)| headline(Section::Money, name, value)),
    );
    out
}

fn porter_headlines(
    params: &ModelParams,
    r: &ReplicateResult,
    years: f64,
    out: &mut Vec<Headline>,
) {
    let Some(porter) = &params.porter else {
        return;
    };
    let sites = porter.sites.iter().map(|s| Some(s.site)).chain([None]);
    for only in sites {
        let totals = porter_totals(r, only);
        let site = only.map_or("all sites", |s| params.sites[s.0 as usize].id.as_str());
        for (what, value) in [
            ("kg sold per year", totals.kg_sold / years),
            ("pay CNY/kg", totals.pay_cny_per_kg()),
            ("income CNY/month", totals.income_cny_per_month()),
            ("income in rice, kg/month", totals.rice_kg_per_month()),
        ] {
            out.push(headline(
                Section::Porters,
                format!("porters at {site}: {what}"),
                value,
            ));
        }
    }
}

fn state_trade_headlines(params: &ModelParams, r: &ReplicateResult, out: &mut Vec<Headline>) {
    let smuggled = trade_totals(r, Channel::StateSmuggling);
    let official = trade_totals(r, Channel::OfficialCustoms);
    let mut figures = vec![
        (
            "share of consignment value by state smuggling",
            smuggled.revenue.cny() / (smuggled.revenue + official.revenue).cny(),
        ),
        (
            "state smuggling net margin (after bribes, seizures), share of value",
            smuggled.net_profit().cny() / smuggled.revenue.cny(),
        ),
        (
            "same consignments without bribes or seizures, share of value",
            (smuggled.revenue - smuggled.purchases - smuggled.labour).cny()
                / smuggled.revenue.cny(),
        ),
        (
            "official customs net margin (after the levy), share of value",
            official.net_profit().cny() / official.revenue.cny(),
        ),
    ];
    if let Some((_, after)) = takeover_windows(params, &r.months) {
        figures.push((
            "vehicles imported by state smuggling per month after the takeover",
            vehicles_per_month(params, r, &after),
        ));
    }
    for (name, value) in figures {
        out.push(headline(Section::StateTrade, name, value));
    }
}

fn household_headlines(params: &ModelParams, r: &ReplicateResult, out: &mut Vec<Headline>) {
    let Some((before, after)) = takeover_windows(params, &r.months) else {
        return;
    };
    for (name, value) in [
        (
            "household income, CNY/month, 12 months before the closure",
            household_income_cny_per_month(r, &before),
        ),
        (
            "household income, CNY/month, after the takeover",
            household_income_cny_per_month(r, &after),
        ),
        (
            "essentials price, CNY/kg, 12 months before the closure",
            essentials_price_cny_per_kg(r, &before),
        ),
        (
            "essentials price, CNY/kg, after the takeover",
            essentials_price_cny_per_kg(r, &after),
        ),
    ] {
        out.push(headline(Section::Households, name, value));
    }
}

/// A figure across replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Where it is shown.
    pub section: Section,
    /// Its name, with its unit.
    pub name: String,
    /// Its value in each replicate, in replicate order.
    pub values: Across,
}

/// Headline figures gathered replicate by replicate, in replicate order, so that memory
/// grows with the number of figures times replicates only.
#[derive(Debug, Clone, Default)]
pub struct SummaryBuilder {
    replicates: usize,
    index: HashMap<String, usize>,
    figures: Vec<Gathered>,
}

/// A figure's section, name, and (replicate, value) pairs so far.
type Gathered = (Section, String, Vec<(usize, f64)>);

impl SummaryBuilder {
    /// Adds the next replicate's headlines.
    pub fn add(&mut self, headlines: Vec<Headline>) {
        let replicate = self.replicates;
        for h in headlines {
            let at = *self.index.entry(h.name.clone()).or_insert_with(|| {
                self.figures.push((h.section, h.name, Vec::new()));
                self.figures.len() - 1
            });
            self.figures[at].2.push((replicate, h.value));
        }
        self.replicates += 1;
    }

    /// The summary, figures in section order then name order.
    pub fn finish(self) -> Summary {
        let replicates = self.replicates;
        let mut figures: Vec<Figure> = self
            .figures
            .into_iter()
            .map(|(section, name, values)| {
                let fill = if section.absent_is_zero() {
                    0.0
                } else {
                    f64::NAN
                };
                let mut all = vec![fill; replicates];
                for (r, v) in values {
                    all[r] = v;
                }
                Figure {
                    section,
                    name,
                    values: Across(all),
                }
            })
            .collect();
        figures.sort_by(|a, b| (a.section, &a.name).cmp(&(b.section, &b.name)));
        Summary {
            figures,
            replicates,
        }
    }
}

/// The headline figures across replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Every figure, in section then name order.
    pub figures: Vec<Figure>,
    /// Replicates summarised.
    pub replicates: usize,
}

impl Summary {
    /// Summarises replicates already in memory.
    pub fn new(params: &ModelParams, results: &[ReplicateResult]) -> Summary {
        let mut builder = SummaryBuilder::default();
        for r in results {
            builder.add(headlines(params, r));
        }
        builder.finish()
    }

    /// A figure by name.
    pub fn get(&self, name: &str) -> Option<&Across> {
        self.figures
            .iter()
            .find(|f| f.name == name)
            .map(|f| &f.values)
    }

    /// The summary as aligned text tables, one per section.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let band = if self.replicates > 1 {
            format!("mean [5%, 95%] over {} replicates", self.replicates)
        } else {
            "1 replicate".to_owned()
        };
        let mut sections: Vec<Section> = self.figures.iter().map(|f| f.section).collect();
        sections.dedup();
        for section in sections {
            let mut figures: Vec<&Figure> = self
                .figures
                .iter()
                .filter(|f| f.section == section)
                .collect();
            let total = figures.len();
            // Money between classes is long; the largest flows tell the story, the rest
            // are in summary.csv and money.csv.
            if section == Section::Money {
                figures.sort_by(|a, b| b.values.mean().abs().total_cmp(&a.values.mean().abs()));
                figures.truncate(MONEY_ROWS_SHOWN);
            }
            let rows: Vec<[String; 2]> = figures
                .iter()
                .map(|f| [f.name.clone(), f.values.show()])
                .collect();
            let _ = writeln!(out, "\n{} ({band})", section.title());
            render_rows(&mut out, &["figure", "value"], &rows);
            if total > rows.len() {
                let _ = writeln!(
                    out,
                    "(the {} largest of {total}; all are in money.csv and summary.csv)",
                    rows.len()
                );
            }
        }
        out
    }
}

fn render_rows<const N: usize>(out: &mut String, header: &[&str; N], rows: &[[String; N]]) {
    let widths: Vec<usize> = (0..N)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(out, "{}", line(header.to_vec()));
    for row in rows {
        let _ = writeln!(out, "{}", line(row.iter().map(String::as_str).collect()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_and_skip_missing() {
        let values = Across(vec![4.0, 1.0, f64::NAN, 3.0, 2.0]);
        assert_eq!(values.mean(), 2.5);
        assert_eq!(values.quantile(0.0), 1.0);
        assert_eq!(values.quantile(1.0), 4.0);
        assert_eq!(values.quantile(0.5), 2.5);
        assert!((values.quantile(0.05) - 1.15).abs() < 1e-12);
    }

    #[test]
    fn a_money_flow_missing_from_a_replicate_counts_as_zero_and_a_ratio_as_missing() {
        let mut builder = SummaryBuilder::default();
        builder.add(vec![
            headline(Section::Money, "a -> b (bribe), CNY/year", 10.0),
            headline(Section::Porters, "porters at x: pay CNY/kg", 0.8),
        ]);
        builder.add(vec![]);
        let summary = builder.finish();
        assert_eq!(
            summary.get("a -> b (bribe), CNY/year").unwrap().0,
            vec![10.0, 0.0]
        );
        let pay = &summary.get("porters at x: pay CNY/kg").unwrap().0;
        assert_eq!(pay[0], 0.8);
        assert!(pay[1].is_nan());
    }
}

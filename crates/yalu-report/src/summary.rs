//! The short summary printed at the end of `yalu run`: per site, what the porters moved
//! and earned; per money flow, yearly amounts. Each figure is the mean across replicates,
//! with the 5th-95th percentile band when there is more than one replicate.

use std::fmt::Write;

use yalu_model::ReplicateResult;
use yalu_model::calendar::{PhaseKind, YearMonth};
use yalu_model::observe::{Channel, Outcome, TradeMonth};
use yalu_model::params::ModelParams;

/// One figure per replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct Across(pub Vec<f64>);

impl Across {
    /// Mean across replicates (NaN values are skipped).
    pub fn mean(&self) -> f64 {
        let finite: Vec<f64> = self.0.iter().copied().filter(|x| x.is_finite()).collect();
        finite.iter().sum::<f64>() / finite.len() as f64
    }

    /// The `q`-quantile across replicates, linear between order statistics.
    pub fn quantile(&self, q: f64) -> f64 {
        let mut sorted: Vec<f64> = self.0.iter().copied().filter(|x| x.is_finite()).collect();
        if sorted.is_empty() {
            return f64::NAN;
        }
        sorted.sort_by(f64::total_cmp);
        let position = q * (sorted.len() - 1) as f64;
        let (low, high) = (position.floor() as usize, position.ceil() as usize);
        sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
    }

    fn show(&self, decimals: usize) -> String {
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

/// Porter figures for one site (or all sites).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSummary {
    /// Site id, or `all`.
    pub site: String,
    /// Kilograms sold in China per year.
    pub kg_sold_per_year: Across,
    /// Value sold per year.
    pub value_cny_per_year: Across,
    /// Porter pay per kilogram (emergent).
    pub pay_cny_per_kg: Across,
    /// Mean monthly income of a hired porter in months the border was open.
    pub income_cny_per_month: Across,
    /// The same in rice bought.
    pub income_rice_kg_per_month: Across,
}

/// A yearly money flow between classes.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneySummary {
    /// Payer class.
    pub payer: &'static str,
    /// Payee class.
    pub payee: &'static str,
    /// Purpose.
    pub purpose: &'static str,
    /// Yuan per year.
    pub cny_per_year: Across,
}

/// A named figure across replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What it is, with its unit.
    pub label: String,
    /// Its value in each replicate.
    pub values: Across,
}

/// The end-of-run summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Per site, then `all`.
    pub sites: Vec<SiteSummary>,
    /// Value delivered per year by channel.
    pub channels: Vec<Figure>,
    /// State trade: routes, margins, vehicles.
    pub state_trade: Vec<Figure>,
    /// Households and markets before the closure and after the takeover.
    pub households: Vec<Figure>,
    /// Money flows.
    pub money: Vec<MoneySummary>,
    /// Replicates summarised.
    pub replicates: usize,
}

/// Month indices before the border closure (the 12 months before it starts) and after the
/// takeover (from its first month to the end).
fn windows(params: &ModelParams, months: &[YearMonth]) -> (Vec<usize>, Vec<usize>) {
    let index = |date: jiff::civil::Date| {
        months
            .iter()
            .position(|m| m.year == date.year() && m.month == date.month())
    };
    let closure = params
        .phases
        .iter()
        .find(|p| p.kind == PhaseKind::BorderClosure)
        .and_then(|p| index(p.first));
    let before_end = closure.unwrap_or(12.min(months.len()));
    let before = (before_end.saturating_sub(12)..before_end).collect();
    let after_start = index(params.takeover.first_day).unwrap_or(months.len());
    (before, (after_start..months.len()).collect())
}

fn figure(label: &str, results: &[ReplicateResult], f: impl Fn(&ReplicateResult) -> f64) -> Figure {
    Figure {
        label: label.to_owned(),
        values: Across(results.iter().map(f).collect()),
    }
}

fn channel_figures(results: &[ReplicateResult], years: f64) -> Vec<Figure> {
    Channel::ALL
        .iter()
        .map(|&channel| {
            figure(
                &format!("{} value delivered, CNY/year", channel.name()),
                results,
                |r| {
                    r.flows
                        .iter()
                        .filter(|f| f.key.channel == channel && f.key.outcome == Outcome::Delivered)
                        .map(|f| f.value.cny())
                        .sum::<f64>()
                        / years
                },
            )
        })
        .collect()
}

fn state_trade_figures(params: &ModelParams, results: &[ReplicateResult]) -> Vec<Figure> {
    let totals = |r: &ReplicateResult, channel: Channel| {
        r.trade_months
            .iter()
            .filter(|t| t.channel == Some(channel))
            .fold(TradeMonth::default(), |mut sum, t| {
                sum.consignments += t.consignments;
                sum.seized += t.seized;
                sum.revenue += t.revenue;
                sum.purchases += t.purchases;
                sum.labour += t.labour;
                sum.bribes += t.bribes;
                sum.levy += t.levy;
                sum
            })
    };
    let driven: Vec<_> = params
        .state_trade
        .goods
        .iter()
        .filter(|g| g.driven_across)
        .map(|g| g.good)
        .collect();
    vec![
        figure(
            "share of consignment value by state smuggling",
            results,
            |r| {
                let smuggled = totals(r, Channel::StateSmuggling).revenue.cny();
                smuggled / (smuggled + totals(r, Channel::OfficialCustoms).revenue.cny())
            },
        ),
        figure(
            "state smuggling net margin (after bribes, seizures), share of value",
            results,
            |r| {
                let t = totals(r, Channel::StateSmuggling);
                t.net_profit().cny() / t.revenue.cny()
            },
        ),
        figure(
            "same consignments without bribes or seizures, share of value",
            results,
            |r| {
                let t = totals(r, Channel::StateSmuggling);
                (t.revenue - t.purchases - t.labour).cny() / t.revenue.cny()
            },
        ),
        figure(
            "official customs net margin (after 30% levy), share of value",
            results,
            |r| {
                let t = totals(r, Channel::OfficialCustoms);
                t.net_profit().cny() / t.revenue.cny()
            },
        ),
        figure(
            "vehicles imported by state smuggling per month after the takeover",
            results,
            |r| {
                let (_, after) = windows(params, &r.months);
                let vehicles: i64 = r
                    .flows
                    .iter()
                    .filter(|f| {
                        f.key.channel == Channel::StateSmuggling
                            && f.key.outcome == Outcome::Delivered
                            && driven.contains(&f.key.good)
                            && after.contains(&f.month)
                    })
                    .map(|f| f.quantity)
                    .sum();
                vehicles as f64 / after.len() as f64
            },
        ),
    ]
}

fn household_figures(params: &ModelParams, results: &[ReplicateResult]) -> Vec<Figure> {
    let mean_income = |r: &ReplicateResult, window: &[usize]| {
        let (income, households) = r
            .household_months
            .iter()
            .filter(|h| window.contains(&h.month))
            .fold((0.0, 0.0), |(i, n), h| {
                (
                    i + (h.livelihood_income + h.wages).cny(),
                    n + f64::from(h.households),
                )
            });
        income / households
    };
    let mean_price = |r: &ReplicateResult, window: &[usize]| {
        let prices: Vec<f64> = r
            .prices
            .iter()
            .filter(|p| window.contains(&p.month) && p.essentials_price_cny_per_kg.is_finite())
            .map(|p| p.essentials_price_cny_per_kg)
            .collect();
        prices.iter().sum::<f64>() / prices.len() as f64
    };
    vec![
        figure(
            "household income, CNY/month, 12 months before the closure",
            results,
            |r| mean_income(r, &windows(params, &r.months).0),
        ),
        figure(
            "household income, CNY/month, after the takeover",
            results,
            |r| mean_income(r, &windows(params, &r.months).1),
        ),
        figure(
            "essentials price, CNY/kg, 12 months before the closure",
            results,
            |r| mean_price(r, &windows(params, &r.months).0),
        ),
        figure(
            "essentials price, CNY/kg, after the takeover",
            results,
            |r| mean_price(r, &windows(params, &r.months).1),
        ),
    ]
}

impl Summary {
    /// Summarises a run.
    pub fn new(params: &ModelParams, results: &[ReplicateResult]) -> Summary {
        let years = ((params.last_day - params.first_day).get_days() + 1) as f64 / 365.25;
        let site_ids: Vec<Option<u16>> = params
            .porter
            .sites
            .iter()
            .map(|s| Some(s.site.0))
            .chain([None])
            .collect();
        let sites = site_ids
            .iter()
            .map(|&only| {
                let per_replicate: Vec<[f64; 5]> = results
                    .iter()
                    .map(|r| {
                        let (mut kg, mut value, mut wages, mut hired, mut rice) =
                            (0.0, 0.0, 0.0, 0.0, 0.0);
                        for p in r
                            .porter_months
                            .iter()
                            .filter(|p| only.is_none_or(|s| s == p.site.0))
                        {
                            kg += p.kg_sold as f64;
                            wages += p.wages.cny();
                            hired += f64::from(p.porters_hired);
                            rice += p.rice_bought_kg;
                        }
                        for f in r.flows.iter().filter(|f| {
                            only.is_none_or(|s| s == f.key.site.0)
                                && f.key.channel == Channel::Porter
                                && f.key.outcome == Outcome::Delivered
                        }) {
                            value += f.value.cny();
                        }
                        [
                            kg / years,
                            value / years,
                            wages / kg,
                            wages / hired,
                            rice / hired,
                        ]
                    })
                    .collect();
                let column = |i: usize| Across(per_replicate.iter().map(|v| v[i]).collect());
                SiteSummary {
                    site: only.map_or("all".into(), |s| params.sites[s as usize].id.clone()),
                    kg_sold_per_year: column(0),
                    value_cny_per_year: column(1),
                    pay_cny_per_kg: column(2),
                    income_cny_per_month: column(3),
                    income_rice_kg_per_month: column(4),
                }
            })
            .collect();

        let mut money: Vec<MoneySummary> = Vec::new();
        for (i, r) in results.iter().enumerate() {
            for flow in &r.money {
                let key = (flow.payer.name(), flow.payee.name(), flow.purpose.name());
                let entry = match money
                    .iter_mut()
                    .position(|m| (m.payer, m.payee, m.purpose) == key)
                {
                    Some(at) => &mut money[at],
                    None => {
                        money.push(MoneySummary {
                            payer: key.0,
                            payee: key.1,
                            purpose: key.2,
                            cny_per_year: Across(vec![0.0; results.len()]),
                        });
                        money.last_mut().expect("just pushed")
                    }
                };
                entry.cny_per_year.0[i] += flow.amount.cny() / years;
            }
        }
        money.sort_by(|a, b| (a.payer, a.payee, a.purpose).cmp(&(b.payer, b.payee, b.purpose)));
        Summary {
            sites,
            channels: channel_figures(results, years),
            state_trade: state_trade_figures(params, results),
            households: household_figures(params, results),
            money,
            replicates: results.len(),
        }
    }

    /// The summary as an aligned text table.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let band = if self.replicates > 1 {
            format!("mean [5%, 95%] over {} replicates", self.replicates)
        } else {
            "1 replicate".to_owned()
        };
        let _ = writeln!(out, "Porter channel ({band})");
        let header = [
            "site",
            "kg sold/year",
            "value CNY/year",
            "pay CNY/kg",
            "income CNY/month",
            "income rice kg/month",
        ];
        let rows: Vec<[String; 6]> = self
            .sites
            .iter()
            .map(|s| {
                [
                    s.site.clone(),
                    s.kg_sold_per_year.show(0),
                    s.value_cny_per_year.show(0),
                    s.pay_cny_per_kg.show(3),
                    s.income_cny_per_month.show(1),
                    s.income_rice_kg_per_month.show(1),
                ]
            })
            .collect();
        render_rows(&mut out, &header, &rows);
        for (title, figures) in [
            ("Goods delivered by channel", &self.channels),
            ("State trade", &self.state_trade),
            ("Border households and markets", &self.households),
        ] {
            let _ = writeln!(out, "\n{title} ({band})");
            let rows: Vec<[String; 2]> = figures
                .iter()
                .map(|f| {
                    [
                        f.label.clone(),
                        f.values
                            .show(if f.values.mean().abs() < 10.0 { 3 } else { 0 }),
                    ]
                })
                .collect();
            render_rows(&mut out, &["figure", "value"], &rows);
        }
        let _ = writeln!(out, "\nMoney between actor classes, CNY per year ({band})");
        let rows: Vec<[String; 4]> = self
            .money
            .iter()
            .map(|m| {
                [
                    m.payer.to_owned(),
                    m.payee.to_owned(),
                    m.purpose.to_owned(),
                    m.cny_per_year.show(0),
                ]
            })
            .collect();
        render_rows(&mut out, &["payer", "payee", "purpose", "CNY/year"], &rows);
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
}

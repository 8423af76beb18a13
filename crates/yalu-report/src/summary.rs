//! The short summary printed at the end of `yalu run`: per site, what the porters moved
//! and earned; per money flow, yearly amounts. Each figure is the mean across replicates,
//! with the 5th-95th percentile band when there is more than one replicate.

use std::fmt::Write;

use yalu_model::ReplicateResult;
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

/// The end-of-run summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Per site, then `all`.
    pub sites: Vec<SiteSummary>,
    /// Money flows.
    pub money: Vec<MoneySummary>,
    /// Replicates summarised.
    pub replicates: usize,
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
                            only.is_none_or(|s| s == f.site.0)
                                && f.outcome == yalu_model::observe::Outcome::Delivered
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

//! The patterns of docs/ODD.md (P1-P15) as checks on a scenario's replicates: for each,
//! the target and its source, whether it is an input or emergent, the tolerance, the
//! simulated median and 90% band across replicates, and pass or miss. A pattern whose
//! channel or period the scenario lacks is reported as not covered, never as passed.

use std::path::Path;

use serde::Serialize;
use yalu_model::ReplicateResult;
use yalu_model::calendar::{PhaseKind, YearMonth};
use yalu_model::indicators::{
    PorterTotals, essentials_price_cny_per_kg, household_income_cny_per_month, porter_totals,
    takeover_windows, trade_totals, vehicles_per_month,
};
use yalu_model::observe::{Activity, Channel, Outcome, SeaRoute};
use yalu_model::params::GoodId;
use yalu_model::params::ModelParams;
use yalu_report::Band;

/// One pattern checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternCheck {
    /// Pattern id, e.g. `P2`.
    pub id: &'static str,
    /// What the pattern is.
    pub description: &'static str,
    /// `input` (copied from a parameter) or `emergent` (from the dynamics).
    pub kind: &'static str,
    /// The source id and where.
    pub source: &'static str,
    /// The target as the source states it.
    pub target: &'static str,
    /// The accepted interval for the simulated median.
    pub tolerance: String,
    /// Lower end of the accepted interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Median and 90% band across replicates; `None` when not covered.
    pub simulated: Option<Band>,
    /// Whether the scenario covers the pattern.
    pub covered: bool,
    /// Whether the median lies in the accepted interval; `None` when not covered.
    pub pass: Option<bool>,
}

/// A pattern's definition: the figure it reads from a replicate (`None` when the
/// replicate does not cover it) and the accepted interval.
#[derive(Clone, Copy)]
pub struct Pattern {
    /// Id.
    pub id: &'static str,
    /// Description.
    pub description: &'static str,
    /// `input` or `emergent`.
    pub kind: &'static str,
    /// Source id and location.
    pub source: &'static str,
    /// Target as stated.
    pub target: &'static str,
    /// Accepted interval for the median.
    pub accepted: (f64, f64),
    /// The simulated figure of one replicate.
    pub measure: fn(&ModelParams, &ReplicateResult) -> Option<f64>,
}

fn month_index(r: &ReplicateResult, year: i16, month: i8) -> Option<usize> {
    r.months
        .iter()
        .position(|m| *m == YearMonth { year, month })
}

fn months_between(
    r: &ReplicateResult,
    from: (i16, i8),
    to: (i16, i8),
) -> Option<std::ops::RangeInclusive<usize>> {
    Some(month_index(r, from.0, from.1)?..=month_index(r, to.0, to.1)?)
}

fn good_index(p: &ModelParams, id: &str) -> Option<GoodId> {
    p.goods
        .iter()
        .position(|g| g.id == id)
        .map(|i| GoodId(i as u16))
}

/// A sea export's delivered quantity (kg), value (USD) and ship-to-ship share of the true
/// quantity, January-August 2019; `None` without a maritime channel or that period.
fn sea_2019_jan_aug(p: &ModelParams, r: &ReplicateResult, good: &str) -> Option<(f64, f64, f64)> {
    p.maritime.as_ref()?;
    let good = good_index(p, good)?;
    let months = months_between(r, (2019, 1), (2019, 8))?;
    let delivered = r.flows.iter().filter(|f| {
        f.key.channel == Channel::Maritime
            && f.key.good == good
            && f.key.outcome == Outcome::Delivered
            && months.contains(&f.month)
    });
    let (kg, usd) = delivered.fold((0.0, 0.0), |(kg, usd), f| {
        (
            kg + f.quantity as f64,
            usd + f.value.cny() / r.cny_per_usd[f.month],
        )
    });
    let (sts, all) = r
        .observed
        .iter()
        .filter(|o| o.good == good && months.contains(&o.month))
        .fold((0.0, 0.0), |(sts, all), o| {
            let q = o.true_quantity as f64;
            (
                sts + if o.route == SeaRoute::ShipToShip {
                    q
                } else {
                    0.0
                },
                all + q,
            )
        });
    Some((kg, usd, sts / all))
}

/// Porters' totals over every site, when any porter was hired.
fn porters(r: &ReplicateResult) -> Option<PorterTotals> {
    let totals = porter_totals(r, None);
    (totals.porter_months > 0.0).then_some(totals)
}

/// Every pattern the model checks.
pub fn patterns() -> Vec<Pattern> {
    vec![
        Pattern {
            id: "P1",
            description: "porters' share of a porter operation's profit",
            kind: "input",
            source: "dailynk-porters: paragraphs 9-11",
            target: "guards up to 50%, donju 30%, porters 20%",
            accepted: (0.19, 0.21),
            measure: |p, _| p.porter.as_ref().map(|x| x.profit_split.porters_share),
        },
        Pattern {
            id: "P2",
            description: "porter pay per kilogram",
            kind: "emergent",
            source: "dailynk-porters: paragraph 12",
            target: "about 0.8 CNY/kg",
            accepted: (0.65, 0.95),
            measure: |_, r| porters(r).map(|t| t.pay_cny_per_kg()),
        },
        Pattern {
            id: "P3",
            description: "porters per crew (mean of crews sent out)",
            kind: "input",
            source: "dailynk-porters: paragraph 2",
            target: "mostly 20-30, up to 50",
            accepted: (20.0, 35.0),
            measure: |p, r| {
                let crews: u32 = p.porter.as_ref()?.sites.iter().map(|s| s.crews).sum();
                let hired = porters(r)?.porter_months;
                let months = r
                    .porter_months
                    .iter()
                    .map(|m| m.month)
                    .collect::<std::collections::BTreeSet<_>>()
                    .len();
                Some(hired / (f64::from(crews) * months as f64))
            },
        },
        Pattern {
            id: "P4",
            description: "porter monthly income",
            kind: "emergent",
            source: "dailynk-porters: paragraph 12",
            target: "160-200 CNY a month",
            accepted: (144.0, 220.0),
            measure: |_, r| porters(r).map(|t| t.income_cny_per_month()),
        },
        Pattern {
            id: "P5",
            description: "rice bought per yuan of porter income",
            kind: "emergent",
            source: "dailynk-porters: paragraph 12",
            target: "48 kg of rice for 200 CNY (0.24 kg/CNY)",
            accepted: (0.204, 0.276),
            measure: |_, r| porters(r).map(|t| t.rice_kg / t.wages_cny),
        },
        Pattern {
            id: "P6",
            description: "vehicles imported by state smuggling per month after the reopening",
            kind: "emergent",
            source: "nkinsider-state-smuggling: paragraphs 4-6",
            target: "hundreds of units each month",
            accepted: (100.0, 1000.0),
            measure: |p, r| {
                p.state_trade.as_ref()?;
                let (_, after) = takeover_windows(p, &r.months)?;
                Some(vehicles_per_month(p, r, &after))
            },
        },
        Pattern {
            id: "P6b",
            description: "vehicles smuggled in early-to-mid April",
            kind: "emergent",
            source: "nkinsider-state-smuggling: paragraph 6",
            target: "more than 200 from early to mid-April",
            accepted: (200.0, f64::INFINITY),
            // Flows are tallied by month, so a half-month count is not observable yet.
            measure: |_, _| None,
        },
        Pattern {
            id: "P7",
            description: "coal exported by sea, January-August 2019 (Mt)",
            kind: "emergent",
            source: "asiapress-state-smuggling: section on coal transshipments",
            target: "about 3.7 Mt",
            accepted: (2.8, 4.6),
            measure: |p, r| sea_2019_jan_aug(p, r, "coal").map(|(kg, _, _)| kg / 1e9),
        },
        Pattern {
            id: "P7b",
            description: "share of that coal moved ship-to-ship",
            kind: "emergent",
            source: "asiapress-state-smuggling: section on coal transshipments",
            target: "about 70% (2.8 of 3.7 Mt)",
            accepted: (0.6, 0.8),
            measure: |p, r| sea_2019_jan_aug(p, r, "coal").map(|(_, _, sts)| sts),
        },
        Pattern {
            id: "P7c",
            description: "value of that coal (USD million)",
            kind: "emergent",
            source: "asiapress-state-smuggling: section on coal transshipments",
            target: "about USD 370M",
            accepted: (280.0, 460.0),
            measure: |p, r| sea_2019_jan_aug(p, r, "coal").map(|(_, usd, _)| usd / 1e6),
        },
        Pattern {
            id: "P8",
            description: "sand exported to Chinese ports, January-August 2019 (Mt)",
            kind: "emergent",
            source: "asiapress-state-smuggling: section on coal transshipments",
            target: "at least 1 Mt, about USD 22M",
            accepted: (1.0, 2.0),
            measure: |p, r| sea_2019_jan_aug(p, r, "sand").map(|(kg, _, _)| kg / 1e9),
        },
        Pattern {
            id: "P9",
            description: "refined petroleum imported / the 500,000 barrel cap (true, per year)",
            kind: "emergent",
            source: "asiapress-state-smuggling: section on coal transshipments",
            target: "several times the cap",
            accepted: (2.0, 10.0),
            measure: |p, r| {
                let years = yalu_model::process::maritime::imports_against_cap(p, r);
                let full: Vec<f64> = years
                    .iter()
                    .filter(|y| y.months == 12 && y.cap > 0.0)
                    .map(|y| y.true_delivered / y.cap)
                    .collect();
                (!full.is_empty()).then(|| full.iter().sum::<f64>() / full.len() as f64)
            },
        },
        Pattern {
            id: "P12",
            description: "seafood moved by sea during the COVID closure (t)",
            kind: "emergent",
            source: "asiapress-state-smuggling: section on seafood transshipments",
            target: "stopped completely",
            accepted: (0.0, 0.0),
            measure: |p, r| {
                p.maritime.as_ref()?;
                let seafood = good_index(p, "seafood")?;
                let closure = p
                    .phases
                    .iter()
                    .find(|ph| ph.kind == PhaseKind::BorderClosure)?;
                let months = months_between(
                    r,
                    (closure.first.year(), closure.first.month() + 1),
                    (closure.last.year(), closure.last.month()),
                )?;
                Some(
                    r.flows
                        .iter()
                        .filter(|f| {
                            f.key.channel == Channel::Maritime
                                && f.key.good == seafood
                                && months.contains(&f.month)
                        })
                        .map(|f| f.quantity as f64 / 1000.0)
                        .sum(),
                )
            },
        },
        Pattern {
            id: "P10",
            description: "cash sent by ship captains, first nine months of 2014 (USD)",
            kind: "emergent",
            source: "nypost-office39: last paragraph",
            target: "about USD 10M",
            accepted: (7.0e6, 13.0e6),
            measure: |p, r| {
                p.couriers?;
                let months = months_between(r, (2014, 1), (2014, 9))?;
                Some(
                    r.activity
                        .iter()
                        .filter(|a| {
                            a.activity == Activity::CourierCashUsd && months.contains(&a.month)
                        })
                        .map(|a| a.value)
                        .sum(),
                )
            },
        },
        Pattern {
            id: "P11",
            description: "state drugs made and sold per year (kg, heroin and meth together)",
            kind: "input",
            source: "donga-drugs-2003: paragraphs 5 and 8",
            target: "about 1 t of each a year; USD 10,000/kg at the border, 15,000 at sea",
            accepted: (1900.0, 2050.0),
            measure: |p, r| {
                p.drugs?;
                let years = r.months.len() as f64 / 12.0;
                let moved: f64 = r
                    .activity
                    .iter()
                    .filter(|a| {
                        matches!(a.activity, Activity::DrugsSoldKg | Activity::DrugsSeizedKg)
                    })
                    .map(|a| a.value)
                    .sum();
                (years >= 1.0).then_some(moved / years)
            },
        },
        Pattern {
            id: "P13a",
            description: "household income after the takeover / before the closure",
            kind: "emergent",
            source: "nkinsider-state-smuggling: paragraphs 16-17",
            target: "livelihood smuggling lost: income falls",
            accepted: (0.0, 0.8),
            measure: |p, r| {
                p.households.as_ref()?;
                let (before, after) = takeover_windows(p, &r.months)?;
                Some(
                    household_income_cny_per_month(r, &after)
                        / household_income_cny_per_month(r, &before),
                )
            },
        },
        Pattern {
            id: "P13b",
            description: "essentials price after the takeover / before the closure",
            kind: "emergent",
            source: "nkinsider-state-smuggling: paragraph 17",
            target: "essential prices rise sharply",
            accepted: (1.5, 10.0),
            measure: |p, r| {
                p.households.as_ref()?;
                let (before, after) = takeover_windows(p, &r.months)?;
                Some(
                    essentials_price_cny_per_kg(r, &after)
                        / essentials_price_cny_per_kg(r, &before),
                )
            },
        },
        Pattern {
            id: "P14",
            description: "share of trading companies' consignment value smuggled",
            kind: "emergent",
            source: "dailynk-porters: paragraphs 15-16",
            target: "companies prefer smuggling to the 30% customs levy",
            accepted: (0.5, 1.0),
            measure: |p, r| {
                p.state_trade.as_ref()?;
                let smuggled = trade_totals(r, Channel::StateSmuggling).revenue.cny();
                let official = trade_totals(r, Channel::OfficialCustoms).revenue.cny();
                Some(smuggled / (smuggled + official))
            },
        },
        Pattern {
            id: "P15",
            description: "smuggling net margin / the same trade's margin without bribes or seizures",
            kind: "emergent",
            source: "asiapress-state-smuggling: end of the KBS section",
            target: "margins much lower than regular trade",
            accepted: (0.0, 0.9),
            measure: |p, r| {
                p.state_trade.as_ref()?;
                let t = trade_totals(r, Channel::StateSmuggling);
                Some(t.net_profit().cny() / (t.revenue - t.purchases - t.labour).cny())
            },
        },
    ]
}

/// Whether a simulated band's median lies in [low, high]; `None` when not covered.
pub fn judge(simulated: Option<Band>, low: f64, high: f64) -> Option<bool> {
    simulated.map(|s| (low..=high).contains(&s.median))
}

/// Checks every pattern on the replicates of one scenario.
pub fn check_patterns(params: &ModelParams, results: &[ReplicateResult]) -> Vec<PatternCheck> {
    patterns()
        .into_iter()
        .map(|pattern| {
            let simulated = Band::of(results.iter().filter_map(|r| (pattern.measure)(params, r)));
            let (low, high) = pattern.accepted;
            PatternCheck {
                id: pattern.id,
                description: pattern.description,
                kind: pattern.kind,
                source: pattern.source,
                target: pattern.target,
                tolerance: format!("median in [{low}, {high}]"),
                low,
                high,
                covered: simulated.is_some(),
                pass: judge(simulated, low, high),
                simulated,
            }
        })
        .collect()
}

/// The checks as a text table, ending with where they were written.
pub fn render(
    scenario: &str,
    replicates: u32,
    checks: &[PatternCheck],
    written_to: &Path,
) -> String {
    let mut text = format!(
        "Patterns for scenario `{scenario}`, {replicates} replicates (median [5%, 95%])\n{:<5} {:<9} {:<6} {:<44} {:<32} {}\n",
        "id", "kind", "result", "pattern", "target (tolerance)", "simulated"
    );
    for c in checks {
        let result = match (c.covered, c.pass) {
            (false, _) => "n/c",
            (true, Some(true)) => "pass",
            (true, Some(false)) => "MISS",
            (true, None) => "-",
        };
        let simulated = c
            .simulated
            .map(|s| format!("{:.3} [{:.3}, {:.3}]", s.median, s.p05, s.p95))
            .unwrap_or_else(|| "not covered by this scenario".into());
        text.push_str(&format!(
            "{:<5} {:<9} {:<6} {:<44} {:<32} {}\n",
            c.id,
            c.kind,
            result,
            c.description,
            format!("{} ({})", c.target, c.tolerance),
            simulated
        ));
    }
    text.push_str(&format!(
        "n/c: not covered (the scenario lacks the channel or period). Written to {}\n",
        written_to.display()
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_is_median_and_90_percent_interval_of_finite_values() {
        let band = Band::of([5.0, 1.0, 3.0, f64::NAN, 2.0, 4.0]).unwrap();
        assert_eq!(band.median, 3.0);
        assert!((band.p05 - 1.2).abs() < 1e-12);
        assert!((band.p95 - 4.8).abs() < 1e-12);
        assert_eq!(Band::of([f64::NAN]), None);
    }

    #[test]
    fn a_pattern_passes_when_its_median_is_in_the_interval_and_is_never_passed_uncovered() {
        let band = |median| {
            Some(Band {
                median,
                p05: median - 1.0,
                p95: median + 1.0,
            })
        };
        assert_eq!(judge(band(0.8), 0.65, 0.95), Some(true));
        assert_eq!(judge(band(0.65), 0.65, 0.95), Some(true), "ends are inside");
        assert_eq!(judge(band(1.0), 0.65, 0.95), Some(false));
        assert_eq!(judge(None, 0.65, 0.95), None);
    }

    #[test]
    fn every_pattern_id_is_unique_and_has_a_source_from_the_registry() {
        let all = patterns();
        for (i, p) in all.iter().enumerate() {
            assert!(all[..i].iter().all(|q| q.id != p.id), "{} twice", p.id);
            let id = p.source.split(':').next().unwrap();
            assert!(
                [
                    "dailynk-porters",
                    "nkinsider-state-smuggling",
                    "asiapress-state-smuggling",
                    "nypost-office39",
                    "donga-drugs-2003"
                ]
                .contains(&id),
                "{}: {id}",
                p.id
            );
            assert!(p.accepted.0 <= p.accepted.1);
            assert!(p.kind == "input" || p.kind == "emergent");
        }
    }
}

//! The observed series (`evidence/series/*.csv`) against the model: each observation the
//! model can produce is read from the replicates over the observation's months and judged
//! against its bound. Observations marked `calibration` may be fitted to; those marked
//! `test` are held out, so their hit rate is the out-of-sample score.

use serde::Serialize;
use yalu_model::ReplicateResult;
use yalu_model::calendar::YearMonth;
use yalu_model::observe::{Activity, Channel, Outcome, PriceRecord};
use yalu_model::params::{Direction, ModelParams};
use yalu_report::Band;
use yalu_scenario::Registry;
use yalu_scenario::evidence::{Observation, Use};

/// A kind of observation the model produces: observations of this `what` (see
/// [`observable`]) in this `unit` are read by `measure` over a range of months (and, for
/// market surveys, at the places they name).
pub struct Observable {
    /// The start of the observations' `what`.
    pub what: &'static str,
    /// Their unit.
    pub unit: &'static str,
    /// The model's figure for an observation over months `first..=last` of one replicate.
    pub measure: fn(&ModelParams, &ReplicateResult, &Observation, usize, usize) -> Option<f64>,
}

/// What the model can be compared with.
pub const OBSERVABLES: &[Observable] = &[
    Observable {
        what: "coal exported by sea",
        unit: "t",
        measure: |p, r, _, a, b| sea(p, r, "coal", a, b).map(|(kg, _)| kg / 1000.0),
    },
    Observable {
        what: "coal export value",
        unit: "USD",
        measure: |p, r, _, a, b| sea(p, r, "coal", a, b).map(|(_, usd)| usd),
    },
    Observable {
        what: "sand exported",
        unit: "t",
        measure: |p, r, _, a, b| sea(p, r, "sand", a, b).map(|(kg, _)| kg / 1000.0),
    },
    Observable {
        what: "refined petroleum imported",
        unit: "barrels",
        measure: |p, r, _, a, b| sea(p, r, "refined_petroleum", a, b).map(|(units, _)| units),
    },
    // A good the trading companies send through China's customs, which China counts.
    Observable {
        what: "DPRK molybdenum ore exports to China",
        unit: "USD",
        measure: |p, r, _, a, b| {
            p.state_trade.as_ref()?;
            delivered(p, r, Channel::OfficialCustoms, "molybdenum_ore", a, b).map(|(_, usd)| usd)
        },
    },
    Observable {
        what: "workers abroad",
        unit: "people",
        measure: |p, r, _, a, b| {
            p.labour.as_ref()?;
            let months = (b - a + 1) as f64;
            let sum: f64 = r
                .activity
                .iter()
                .filter(|x| x.activity == Activity::WorkersAbroad && (a..=b).contains(&x.month))
                .map(|x| x.value)
                .sum();
            Some(sum / months)
        },
    },
    // China's customs totals against declared trade: China's exports are the DPRK's
    // imports. Their levels follow the basket's normal values and the events' dates.
    Observable {
        what: "China exports to DPRK",
        unit: "USD",
        measure: |p, r, _, a, b| declared(p, r, Some(Direction::Import), a, b),
    },
    Observable {
        what: "China exports to DPRK, month",
        unit: "USD",
        measure: |p, r, _, a, b| declared(p, r, Some(Direction::Import), a, b),
    },
    Observable {
        what: "China imports from DPRK",
        unit: "USD",
        measure: |p, r, _, a, b| declared(p, r, Some(Direction::Export), a, b),
    },
    Observable {
        what: "China imports from DPRK, month",
        unit: "USD",
        measure: |p, r, _, a, b| declared(p, r, Some(Direction::Export), a, b),
    },
    Observable {
        what: "trade total",
        unit: "USD",
        measure: |p, r, _, a, b| declared(p, r, None, a, b),
    },
    Observable {
        what: "trade total, month",
        unit: "USD",
        measure: |p, r, _, a, b| declared(p, r, None, a, b),
    },
    Observable {
        what: "KPW per CNY",
        unit: "KPW/CNY",
        measure: |p, r, o, a, b| market(p, r, o, a, b, |x| x.won_per_cny),
    },
    Observable {
        what: "market rate of the yuan",
        unit: "KPW/CNY",
        measure: |p, r, o, a, b| market(p, r, o, a, b, |x| x.won_per_cny),
    },
    Observable {
        what: "KPW per USD",
        unit: "KPW/USD",
        measure: |p, r, o, a, b| market(p, r, o, a, b, |x| x.won_per_usd),
    },
    Observable {
        what: "rice price",
        unit: "KPW/kg",
        measure: |p, r, o, a, b| market(p, r, o, a, b, |x| x.rice_price_kpw_per_kg),
    },
];

/// Declared trade in US dollars over months `a..=b` in one direction (the DPRK's exports
/// or imports), or both; `None` without a declared trade channel.
fn declared(
    p: &ModelParams,
    r: &ReplicateResult,
    direction: Option<Direction>,
    a: usize,
    b: usize,
) -> Option<f64> {
    p.declared_trade.as_ref()?;
    Some(
        r.declared
            .iter()
            .filter(|d| (a..=b).contains(&d.month) && direction.is_none_or(|x| x == d.direction))
            .map(|d| d.usd)
            .sum(),
    )
}

/// The mean of a monthly market figure over months `a..=b` at the sites a survey's place
/// names (`Hyesan market`; `Pyongyang, Sinuiju and Hyesan markets` is read at the modelled
/// ones), or at every site with households for the country's markets (`DPRK markets`);
/// `None` where the place names no modelled site.
fn market(
    p: &ModelParams,
    r: &ReplicateResult,
    o: &Observation,
    a: usize,
    b: usize,
    figure: fn(&PriceRecord) -> f64,
) -> Option<f64> {
    let place = o.place.to_lowercase();
    let named = |s: usize| place.contains(p.sites[s].id.as_str());
    let whole_country = place.starts_with("dprk");
    let market_site = |s: usize| {
        p.households
            .as_ref()
            .is_some_and(|h| h.households_at_site[s] > 0)
    };
    let values: Vec<f64> = r
        .prices
        .iter()
        .filter(|x| {
            let s = x.site.0 as usize;
            (a..=b).contains(&x.month) && (named(s) || (whole_country && market_site(s)))
        })
        .map(figure)
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Delivered quantity (in the good's unit) and value (USD) of a good by sea over months
/// `a..=b`; `None` without a maritime channel or that good.
fn sea(p: &ModelParams, r: &ReplicateResult, good: &str, a: usize, b: usize) -> Option<(f64, f64)> {
    p.maritime.as_ref()?;
    delivered(p, r, Channel::Maritime, good, a, b)
}

/// Delivered quantity (in the good's unit) and value (USD) of a good by one channel over
/// months `a..=b`; `None` without that good.
fn delivered(
    p: &ModelParams,
    r: &ReplicateResult,
    channel: Channel,
    good: &str,
    a: usize,
    b: usize,
) -> Option<(f64, f64)> {
    let good = p.goods.iter().position(|g| g.id == good)? as u16;
    Some(
        r.flows
            .iter()
            .filter(|f| {
                f.key.channel == channel
                    && f.key.good.0 == good
                    && f.key.outcome == Outcome::Delivered
                    && (a..=b).contains(&f.month)
            })
            .fold((0.0, 0.0), |(q, usd), f| {
                (
                    q + f.quantity as f64,
                    usd + f.value.cny() / r.cny_per_usd[f.month],
                )
            }),
    )
}

/// One observation judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObservationCheck {
    /// The observation's id.
    pub observation: String,
    /// The claim it comes from.
    pub claim: String,
    /// Calibration (in sample) or test (held out).
    #[serde(rename = "use")]
    pub use_: Use,
    /// What was counted, and the period.
    pub what: String,
    /// `first..last` months.
    pub period: String,
    /// Unit.
    pub unit: String,
    /// Accepted interval for the simulated median.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Median and 90% band across replicates.
    pub simulated: Band,
    /// Whether the median lies in the interval.
    pub pass: bool,
}

/// Hit rates in and out of sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    /// Calibration observations hit, of those the run covers.
    pub in_sample: (usize, usize),
    /// Test observations hit, of those the run covers.
    pub out_of_sample: (usize, usize),
}

fn month_index(r: &ReplicateResult, text: &str) -> Option<usize> {
    let (year, month) = text.split_once('-')?;
    let wanted = YearMonth {
        year: year.parse().ok()?,
        month: month.parse().ok()?,
    };
    r.months.iter().position(|m| *m == wanted)
}

/// The observable that reads `o`, if the model produces it: its `what` is the
/// observable's, alone or with a parenthesised qualifier (`workers abroad (UN)`).
pub fn observable(o: &Observation) -> Option<&'static Observable> {
    OBSERVABLES.iter().find(|x| {
        o.unit == x.unit && (o.what == x.what || o.what.starts_with(&format!("{} (", x.what)))
    })
}

/// Every observation the scenario's replicates cover, judged against its bound.
pub fn check_observations(
    params: &ModelParams,
    results: &[ReplicateResult],
    registry: &Registry,
) -> Vec<ObservationCheck> {
    let first = results.first();
    registry
        .series
        .iter()
        .filter_map(|o| {
            let observable = observable(o)?;
            let r0 = first?;
            let (a, b) = (month_index(r0, &o.first)?, month_index(r0, &o.last)?);
            let [low, high] = o.interval()?;
            let simulated = Band::of(
                results
                    .iter()
                    .filter_map(|r| (observable.measure)(params, r, o, a, b)),
            )?;
            Some(ObservationCheck {
                observation: o.observation.clone(),
                claim: o.claim.clone(),
                use_: o.use_,
                what: o.what.clone(),
                period: format!("{}..{}", o.first, o.last),
                unit: o.unit.clone(),
                low,
                high,
                pass: (low..=high).contains(&simulated.median),
                simulated,
            })
        })
        .collect()
}

/// In-sample and out-of-sample hit rates.
pub fn scores(checks: &[ObservationCheck]) -> Scores {
    let rate = |which: Use| {
        let chosen = checks.iter().filter(|c| c.use_ == which);
        (chosen.clone().filter(|c| c.pass).count(), chosen.count())
    };
    Scores {
        in_sample: rate(Use::Calibration),
        out_of_sample: rate(Use::Test),
    }
}

/// The observations and scores as text.
pub fn render(checks: &[ObservationCheck]) -> String {
    let mut text = format!(
        "Observed series (median [5%, 95%] against each observation's bound)\n{:<44} {:<11} {:<6} {:<17} {:<28} {}\n",
        "observation", "use", "result", "period", "accepted", "simulated"
    );
    for c in checks {
        text.push_str(&format!(
            "{:<44} {:<11} {:<6} {:<17} {:<28} {:.4e} [{:.4e}, {:.4e}] {}\n",
            c.observation,
            match c.use_ {
                Use::Calibration => "calibration",
                Use::Test => "test",
            },
            if c.pass { "hit" } else { "MISS" },
            c.period,
            format!("[{:.4e}, {:.4e}]", c.low, c.high),
            c.simulated.median,
            c.simulated.p05,
            c.simulated.p95,
            c.unit
        ));
    }
    let s = scores(checks);
    text.push_str(&format!(
        "In sample (calibration observations): {} of {} hit; out of sample (held-out test observations): {} of {} hit.\n",
        s.in_sample.0, s.in_sample.1, s.out_of_sample.0, s.out_of_sample.1
    ));
    text
}

//! Calibration by approximate Bayesian computation (rejection): draw parameter sets from
//! the prior (uniform over each parameter's recorded range, by Latin hypercube), simulate
//! the chosen patterns, keep the sets whose patterns land closest to their targets, and
//! report the accepted sets' ranges as the posterior.
//!
//! Distance: for each pattern, how far the simulated median lies outside the pattern's
//! accepted interval, in units of the interval's width (zero inside it), summed over
//! patterns. Sets are ranked by distance, ties by draw order, and the best `accept_share`
//! kept, or every set inside all the targets (distance 0) when there are more of those:
//! cutting ties at zero by draw order would bias the posterior.

use serde::Serialize;

use crate::design::{DesignError, ParameterRange, latin_hypercube};

/// A pattern's accepted interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Pattern id.
    pub id: String,
    /// Lower end.
    pub low: f64,
    /// Upper end (may be infinite).
    pub high: f64,
}

impl Target {
    /// How far `value` lies outside the interval, in widths of the interval.
    pub fn distance(&self, value: f64) -> f64 {
        if !value.is_finite() {
            return f64::INFINITY;
        }
        let width = if self.high.is_finite() {
            (self.high - self.low).max(f64::MIN_POSITIVE)
        } else {
            self.low.abs().max(1.0)
        };
        if value < self.low {
            (self.low - value) / width
        } else if value > self.high {
            (value - self.high) / width
        } else {
            0.0
        }
    }
}

/// One parameter's posterior.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Posterior {
    /// Parameter path.
    pub parameter: String,
    /// Prior range.
    pub prior: [f64; 2],
    /// Lowest accepted value.
    pub low: f64,
    /// Median of the accepted values.
    pub median: f64,
    /// Highest accepted value.
    pub high: f64,
}

/// The outcome of a calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Parameter sets drawn.
    pub samples: usize,
    /// Of which accepted.
    pub accepted: usize,
    /// The largest distance accepted.
    pub tolerance: f64,
    /// Per parameter.
    pub posterior: Vec<Posterior>,
    /// The accepted sets, closest first.
    pub accepted_sets: Vec<AcceptedSet>,
}

/// One accepted parameter set. Rejection ABC weighs every accepted set equally.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AcceptedSet {
    /// Its number among the draws from the prior (from 0).
    pub draw: usize,
    /// Values, in parameter order.
    pub values: Vec<f64>,
    /// Its distance to the targets (see the module).
    pub distance: f64,
}

/// Why a calibration could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrationError {
    /// The prior design could not be drawn.
    #[error(transparent)]
    Design(#[from] DesignError),
    /// The accepted share is not in (0, 1].
    #[error("accept_share must be in (0, 1], found {0}")]
    AcceptShare(f64),
    /// No target patterns.
    #[error("no target patterns to calibrate against")]
    NoTargets,
    /// The simulation failed.
    #[error("simulation failed: {0}")]
    Simulation(String),
    /// No draw's targets could be measured.
    #[error("no draw from the prior could be measured on every target")]
    NothingMeasured,
}

/// Simulates parameter sets (values in range order), giving each target's simulated
/// median per set.
pub type Simulator<'a> = dyn Fn(&[Vec<f64>]) -> Result<Vec<Vec<f64>>, String> + Sync + 'a;

/// Runs ABC rejection. `simulate` maps a parameter set (values in `ranges` order) to the
/// simulated median of each target, in `targets` order; it may run in parallel inside.
pub fn abc_rejection(
    ranges: &[ParameterRange],
    targets: &[Target],
    samples: usize,
    accept_share: f64,
    seed: u64,
    simulate: &Simulator,
) -> Result<Calibration, CalibrationError> {
    if !(accept_share > 0.0 && accept_share <= 1.0) {
        return Err(CalibrationError::AcceptShare(accept_share));
    }
    if targets.is_empty() {
        return Err(CalibrationError::NoTargets);
    }
    let draws = latin_hypercube(ranges, samples, seed)?;
    let simulated = simulate(&draws).map_err(CalibrationError::Simulation)?;
    let mut scored: Vec<(usize, f64)> = simulated
        .iter()
        .enumerate()
        .map(|(i, values)| {
            let distance = targets
                .iter()
                .zip(values)
                .map(|(t, v)| t.distance(*v))
                .sum();
            (i, distance)
        })
        .collect();
    // A draw whose targets were not measured (an infinite distance) is never accepted.
    scored.retain(|(_, d)| d.is_finite());
    if scored.is_empty() {
        return Err(CalibrationError::NothingMeasured);
    }
    scored.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let inside = scored.iter().filter(|(_, d)| *d == 0.0).count();
    let keep = ((samples as f64 * accept_share).ceil() as usize)
        .max(inside)
        .clamp(1, scored.len());
    let accepted: Vec<(usize, f64)> = scored.into_iter().take(keep).collect();
    let posterior = ranges
        .iter()
        .enumerate()
        .map(|(p, range)| {
            let sorted =
                yalu_model::stats::sorted_finite(accepted.iter().map(|(i, _)| draws[*i][p]));
            Posterior {
                parameter: range.name.clone(),
                prior: [range.low, range.high],
                low: sorted.first().copied().unwrap_or(f64::NAN),
                median: yalu_model::stats::quantile_of_sorted(&sorted, 0.5),
                high: sorted.last().copied().unwrap_or(f64::NAN),
            }
        })
        .collect();
    Ok(Calibration {
        samples,
        accepted: accepted.len(),
        tolerance: accepted.last().map_or(f64::NAN, |(_, d)| *d),
        posterior,
        accepted_sets: accepted
            .iter()
            .map(|&(draw, distance)| AcceptedSet {
                draw,
                values: draws[draw].clone(),
                distance,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_is_zero_inside_and_grows_outside_in_widths() {
        let t = Target {
            id: "P".into(),
            low: 1.0,
            high: 3.0,
        };
        assert_eq!(t.distance(2.0), 0.0);
        assert_eq!(t.distance(5.0), 1.0);
        assert_eq!(t.distance(0.0), 0.5);
        assert_eq!(t.distance(f64::NAN), f64::INFINITY);
    }

    #[test]
    fn recovers_the_parameter_of_a_known_model() {
        // y = 2x; the target y in [0.9, 1.1] means x near 0.5.
        let ranges = [ParameterRange::new("x", 0.0, 2.0).unwrap()];
        let targets = [Target {
            id: "y".into(),
            low: 0.9,
            high: 1.1,
        }];
        let simulate = |sets: &[Vec<f64>]| Ok(sets.iter().map(|s| vec![2.0 * s[0]]).collect());
        let fit = abc_rejection(&ranges, &targets, 200, 0.05, 7, &simulate).unwrap();
        assert_eq!(fit.accepted, 10);
        let post = &fit.posterior[0];
        assert!(post.low >= 0.44 && post.high <= 0.56, "{post:?}");
        assert!((post.median - 0.5).abs() < 0.05);
        assert_eq!(fit.tolerance, 0.0);
    }

    #[test]
    fn a_draw_whose_targets_were_not_measured_is_never_accepted() {
        let ranges = [ParameterRange::new("x", 0.0, 1.0).unwrap()];
        let targets = [Target {
            id: "y".into(),
            low: 10.0,
            high: 11.0,
        }];
        // Half the draws measure nothing; accepting every draw keeps only the others.
        let simulate = |sets: &[Vec<f64>]| {
            Ok(sets
                .iter()
                .map(|s| vec![if s[0] < 0.5 { f64::NAN } else { s[0] }])
                .collect())
        };
        let fit = abc_rejection(&ranges, &targets, 10, 1.0, 3, &simulate).unwrap();
        assert_eq!(fit.accepted, 5);
        assert!(fit.accepted_sets.iter().all(|s| s.distance.is_finite()));
        let unmeasured = |sets: &[Vec<f64>]| Ok(sets.iter().map(|_| vec![f64::NAN]).collect());
        assert!(matches!(
            abc_rejection(&ranges, &targets, 10, 1.0, 3, &unmeasured),
            Err(CalibrationError::NothingMeasured)
        ));
    }

    #[test]
    fn bad_settings_are_refused() {
        let ranges = [ParameterRange::new("x", 0.0, 1.0).unwrap()];
        let targets = [Target {
            id: "y".into(),
            low: 0.0,
            high: 1.0,
        }];
        let simulate = |sets: &[Vec<f64>]| Ok(sets.to_vec());
        assert!(matches!(
            abc_rejection(&ranges, &targets, 10, 0.0, 1, &simulate),
            Err(CalibrationError::AcceptShare(_))
        ));
        assert!(matches!(
            abc_rejection(&ranges, &[], 10, 0.5, 1, &simulate),
            Err(CalibrationError::NoTargets)
        ));
        assert!(matches!(
            abc_rejection(&ranges, &targets, 0, 0.5, 1, &simulate),
            Err(CalibrationError::Design(_))
        ));
    }
}

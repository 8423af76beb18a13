//! Sensitivity analysis from the outputs of a model run at every point of a design from
//! [`crate::design`]: Morris screening and Sobol variance-based indices.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use yalu_model::stats::quantile_of_sorted;

use crate::design::{DesignError, MorrisDesign, SaltelliDesign, SaltelliOutputs};

/// Why sensitivity measures could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SensitivityError {
    /// The outputs do not fit the design.
    #[error(transparent)]
    Design(#[from] DesignError),
    /// A model output is infinite or NaN.
    #[error("model output {index} is not finite: {value}")]
    NonFiniteOutput {
        /// Index of the output, in design point order.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The outputs of `A` and `B` (or of a bootstrap resample of them) do not vary, so
    /// there is no variance to apportion.
    #[error("the model outputs do not vary, so Sobol indices are undefined")]
    ZeroVariance,
    /// The bootstrap was asked for zero resamples.
    #[error("the bootstrap needs at least one resample")]
    NoResamples,
    /// The confidence level is not strictly between 0 and 1.
    #[error("confidence level {level} is not strictly between 0 and 1")]
    InvalidConfidenceLevel {
        /// Level given.
        level: f64,
    },
}

fn check_finite(outputs: &[f64]) -> Result<(), SensitivityError> {
    match outputs.iter().position(|output| !output.is_finite()) {
        Some(index) => Err(SensitivityError::NonFiniteOutput {
            index,
            value: outputs[index],
        }),
        None => Ok(()),
    }
}

/// Morris screening measures of one parameter, in output units per whole range of the
/// parameter (elementary effects divide by the step as a fraction of the range).
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisEffects {
    /// Parameter name.
    pub name: String,
    /// Mean elementary effect; effects of opposite signs cancel.
    pub mu: f64,
    /// Mean absolute elementary effect: overall importance.
    pub mu_star: f64,
    /// Sample standard deviation of the elementary effects: non-linearity or interactions.
    pub sigma: f64,
}

/// Morris measures for each parameter of `design`, in parameter order, from `outputs`, one
/// per design point in order.
pub fn morris_effects(
    design: &MorrisDesign,
    outputs: &[f64],
) -> Result<Vec<MorrisEffects>, SensitivityError> {
    check_finite(outputs)?;
    let effects = design.elementary_effects(outputs)?;
    let measures = design
        .ranges()
        .iter()
        .zip(effects)
        .map(|(range, effects)| {
            // A Morris design has at least 2 trajectories, so both divisions are defined.
            let count = effects.len() as f64;
            let mu = effects.iter().sum::<f64>() / count;
            let mu_star = effects.iter().map(|effect| effect.abs()).sum::<f64>() / count;
            let squares: f64 = effects.iter().map(|effect| (effect - mu).powi(2)).sum();
            MorrisEffects {
                name: range.name.clone(),
                mu,
                mu_star,
                sigma: (squares / (count - 1.0)).sqrt(),
            }
        })
        .collect();
    Ok(measures)
}

/// How to bootstrap confidence intervals: resample the rows of the Saltelli matrices with
/// replacement and take percentiles of the re-estimated indices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BootstrapConfig {
    /// Number of resamples, at least 1.
    pub resamples: usize,
    /// Coverage of the interval, strictly between 0 and 1 (0.95 for a 95 % interval).
    pub confidence_level: f64,
    /// Seed of the ChaCha8 stream that draws the resampled rows.
    pub seed: u64,
}

impl BootstrapConfig {
    fn validate(&self) -> Result<(), SensitivityError> {
        if self.resamples == 0 {
            return Err(SensitivityError::NoResamples);
        }
        // Written so that NaN fails too.
        if !(self.confidence_level > 0.0 && self.confidence_level < 1.0) {
            return Err(SensitivityError::InvalidConfidenceLevel {
                level: self.confidence_level,
            });
        }
        Ok(())
    }
}

/// A point estimate with a bootstrap percentile confidence interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Estimate from all rows.
    pub value: f64,
    /// Lower end of the confidence interval.
    pub low: f64,
    /// Upper end of the confidence interval.
    pub high: f64,
}

impl Estimate {
    /// Whether `value` lies in the confidence interval, ends included.
    pub fn covers(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// Sobol indices of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// Parameter name.
    pub name: String,
    /// First-order index `S_i`: share of output variance due to this parameter alone.
    pub first_order: Estimate,
    /// Total-order index `ST_i`: share due to this parameter, interactions included.
    pub total_order: Estimate,
}

/// Sobol first-order (Saltelli et al. 2010) and total-order (Jansen 1999) indices for each
/// parameter of `design`, in parameter order, from `outputs`, one per design point in
/// order, with bootstrap confidence intervals as set by `bootstrap`.
pub fn sobol_indices(
    design: &SaltelliDesign,
    outputs: &[f64],
    bootstrap: &BootstrapConfig,
) -> Result<Vec<SobolIndices>, SensitivityError> {
    bootstrap.validate()?;
    let split = design.split_outputs(outputs)?;
    check_finite(outputs)?;
    let rows = design.base_samples();
    let all_rows: Vec<usize> = (0..rows).collect();
    let point_estimates = estimate_indices(&split, &all_rows)?;

    let parameters = design.ranges().len();
    let mut first_order_draws = vec![Vec::with_capacity(bootstrap.resamples); parameters];
    let mut total_order_draws = vec![Vec::with_capacity(bootstrap.resamples); parameters];
    let mut rng = ChaCha8Rng::seed_from_u64(bootstrap.seed);
    let mut resampled_rows = vec![0; rows];
    for _ in 0..bootstrap.resamples {
        resampled_rows.fill_with(|| rng.random_range(0..rows));
        for (parameter, indices) in estimate_indices(&split, &resampled_rows)?
            .into_iter()
            .enumerate()
        {
            first_order_draws[parameter].push(indices.first_order);
            total_order_draws[parameter].push(indices.total_order);
        }
    }

    let level = bootstrap.confidence_level;
    let results = design
        .ranges()
        .iter()
        .zip(point_estimates)
        .zip(first_order_draws.into_iter().zip(total_order_draws))
        .map(
            |((range, point), (first_draws, total_draws))| SobolIndices {
                name: range.name.clone(),
                first_order: with_interval(point.first_order, first_draws, level),
                total_order: with_interval(point.total_order, total_draws, level),
            },
        )
        .collect();
    Ok(results)
}

#[derive(Debug, Clone, Copy)]
struct PointIndices {
    first_order: f64,
    total_order: f64,
}

/// Indices for every parameter from the given rows of the matrices (each row may repeat).
fn estimate_indices(
    split: &SaltelliOutputs<'_>,
    rows: &[usize],
) -> Result<Vec<PointIndices>, SensitivityError> {
    let count = rows.len() as f64;
    let (a, b) = (split.a, split.b);
    // Total variance from A and B together, as both sample the inputs independently.
    let mean = rows.iter().map(|&row| a[row] + b[row]).sum::<f64>() / (2.0 * count);
    let squares: f64 = rows
        .iter()
        .map(|&row| (a[row] - mean).powi(2) + (b[row] - mean).powi(2))
        .sum();
    let variance = squares / (2.0 * count);
    if variance <= 0.0 {
        return Err(SensitivityError::ZeroVariance);
    }
    let indices = split
        .ab
        .iter()
        .map(|mixed| {
            let (mut first_order_sum, mut total_order_sum) = (0.0, 0.0);
            for &row in rows {
                let change = mixed[row] - a[row];
                // Centring f(B) leaves the estimator's expectation unchanged but removes
                // noise proportional to the output's mean.
                first_order_sum += (b[row] - mean) * change;
                total_order_sum += change * change;
            }
            PointIndices {
                first_order: first_order_sum / count / variance,
                total_order: total_order_sum / (2.0 * count) / variance,
            }
        })
        .collect();
    Ok(indices)
}

fn with_interval(value: f64, mut draws: Vec<f64>, level: f64) -> Estimate {
    draws.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    Estimate {
        value,
        low: quantile_of_sorted(&draws, tail),
        high: quantile_of_sorted(&draws, 1.0 - tail),
    }
}

//! Paired comparison of two scenarios. With common random numbers, replicate i of A and of
//! B draw from the same random streams (they share the seed and replicate number), so the
//! difference B - A in each replicate reflects the scenarios, not the luck of the draw;
//! without them, B runs on a different master seed.

use rayon::prelude::*;
use yalu_model::stats::quantile_of_sorted;
use yalu_model::{ModelError, ModelParams, ReplicateResult, run_replicate};

use crate::{EnsembleSpec, LabError, thread_pool};

/// Named figures of one replicate.
pub type Metrics = Vec<(String, f64)>;

/// The difference B - A of one metric across replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The metric.
    pub metric: String,
    /// Mean under A.
    pub mean_a: f64,
    /// Mean under B.
    pub mean_b: f64,
    /// Mean of the paired differences.
    pub mean_difference: f64,
    /// 5th percentile of the differences.
    pub difference_p05: f64,
    /// 95th percentile of the differences.
    pub difference_p95: f64,
    /// Replicate pairs in which the metric was defined in both.
    pub replicates: usize,
}

impl Difference {
    /// Width of the 90% interval of the difference.
    pub fn interval_width(&self) -> f64 {
        self.difference_p95 - self.difference_p05
    }
}

/// The seed B runs on when streams are not common: far from A's in the key space.
pub fn independent_seed(seed: u64) -> u64 {
    seed ^ 0xA5A5_5A5A_DEAD_BEEF
}

/// Runs A and B for every replicate and summarises the differences of each metric that
/// `metrics` reports for both (metrics are matched by name; A's order is kept).
pub fn compare(
    a: &ModelParams,
    b: &ModelParams,
    spec: EnsembleSpec,
    common_random_numbers: bool,
    metrics: &(dyn Fn(&ModelParams, &ReplicateResult) -> Metrics + Sync),
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Difference>, LabError> {
    let seed_b = if common_random_numbers {
        spec.seed
    } else {
        independent_seed(spec.seed)
    };
    let pool = thread_pool(spec.threads)?;
    let pairs: Result<Vec<(Metrics, Metrics)>, ModelError> = pool.install(|| {
        (0..spec.replicates)
            .into_par_iter()
            .map(|replicate| {
                let ra = run_replicate(a, spec.seed, replicate)?;
                let rb = run_replicate(b, seed_b, replicate)?;
                on_done();
                Ok((metrics(a, &ra), metrics(b, &rb)))
            })
            .collect()
    });
    let pairs = pairs?;
    let Some((first_a, _)) = pairs.first() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = first_a.iter().map(|(n, _)| n.clone()).collect();
    Ok(names
        .into_iter()
        .map(|name| {
            let lookup = |m: &Metrics| m.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
            let (mut va, mut vb, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
            for (ma, mb) in &pairs {
                if let (Some(x), Some(y)) = (lookup(ma), lookup(mb))
                    && x.is_finite()
                    && y.is_finite()
                {
                    va.push(x);
                    vb.push(y);
                    diffs.push(y - x);
                }
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            diffs.sort_by(f64::total_cmp);
            Difference {
                mean_a: mean(&va),
                mean_b: mean(&vb),
                mean_difference: mean(&diffs),
                difference_p05: quantile_of_sorted(&diffs, 0.05),
                difference_p95: quantile_of_sorted(&diffs, 0.95),
                replicates: diffs.len(),
                metric: name,
            }
        })
        .collect())
}

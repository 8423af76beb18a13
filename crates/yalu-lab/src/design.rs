//! Experiment designs: the parameter values at which to run a model.
//!
//! A design is a list of points, one `Vec<f64>` per model run holding one value per
//! parameter, in the order the parameters were given. Random designs take an explicit seed
//! and draw from ChaCha8, so the same seed gives the same design on every platform.

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Why a design could not be built, or why model outputs do not fit it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DesignError {
    /// A bound is infinite or NaN.
    #[error("parameter {name:?}: bounds [{low}, {high}] must be finite")]
    NonFiniteBound {
        /// Parameter name.
        name: String,
        /// Lower bound given.
        low: f64,
        /// Upper bound given.
        high: f64,
    },
    /// The lower bound is above the upper bound.
    #[error("parameter {name:?}: low bound {low} is above high bound {high}")]
    InvertedRange {
        /// Parameter name.
        name: String,
        /// Lower bound given.
        low: f64,
        /// Upper bound given.
        high: f64,
    },
    /// No parameters were given.
    #[error("a design needs at least one parameter")]
    NoParameters,
    /// Zero samples were asked for.
    #[error("a design needs at least one sample")]
    NoSamples,
    /// A parameter of a factorial design has no values.
    #[error("parameter {parameter} has no levels")]
    EmptyLevels {
        /// Index of the parameter, from 0.
        parameter: usize,
    },
    /// More points than any design may have ([`MAX_POINTS`]).
    #[error("the design would have more than {MAX_POINTS} points; use fewer values or samples")]
    TooManyPoints,
    /// A Morris design needs an even number of levels, at least 2, so that every jump of
    /// `delta` from a starting level lands on another level.
    #[error("a Morris design needs an even number of levels, at least 2; got {levels}")]
    InvalidLevels {
        /// Levels asked for.
        levels: usize,
    },
    /// A Morris design needs at least 2 trajectories for the spread `sigma` to be defined.
    #[error("a Morris design needs at least 2 trajectories; got {trajectories}")]
    TooFewTrajectories {
        /// Trajectories asked for.
        trajectories: usize,
    },
    /// The model outputs are not one per design point.
    #[error("expected {expected} model outputs, one per design point; got {found}")]
    OutputCount {
        /// Number of design points.
        expected: usize,
        /// Number of outputs given.
        found: usize,
    },
}

/// A named parameter and the closed interval `[low, high]` it is varied over.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterRange {
    /// Parameter name, carried into sensitivity results.
    pub name: String,
    /// Lower bound, in the parameter's own units.
    pub low: f64,
    /// Upper bound, in the parameter's own units.
    pub high: f64,
}

impl ParameterRange {
    /// A range, checked with [`ParameterRange::validate`].
    pub fn new(name: impl Into<String>, low: f64, high: f64) -> Result<Self, DesignError> {
        let range = Self {
            name: name.into(),
            low,
            high,
        };
        range.validate()?;
        Ok(range)
    }

    /// Fails if a bound is not finite or `low > high`. A zero-width range is allowed: it
    /// pins the parameter. Designs check this again, since the fields are public.
    pub fn validate(&self) -> Result<(), DesignError> {
        let (name, low, high) = (self.name.clone(), self.low, self.high);
        if !low.is_finite() || !high.is_finite() {
            return Err(DesignError::NonFiniteBound { name, low, high });
        }
        if low > high {
            return Err(DesignError::InvertedRange { name, low, high });
        }
        Ok(())
    }

    /// The value `fraction` of the way from `low` (0) to `high` (1).
    pub fn at_fraction(&self, fraction: f64) -> f64 {
        // Interpolating this way cannot overflow and returns the bounds exactly at 0 and 1.
        (1.0 - fraction) * self.low + fraction * self.high
    }
}

fn validate_ranges(ranges: &[ParameterRange]) -> Result<(), DesignError> {
    if ranges.is_empty() {
        return Err(DesignError::NoParameters);
    }
    ranges.iter().try_for_each(ParameterRange::validate)
}

/// The most points a design may have: checked before any point is made, so no design
/// allocates more than the machine holds.
pub const MAX_POINTS: usize = 100_000;

fn point_count(factors: &[usize]) -> Result<usize, DesignError> {
    factors
        .iter()
        .try_fold(1_usize, |count, &factor| count.checked_mul(factor))
        .filter(|&count| count <= MAX_POINTS)
        .ok_or(DesignError::TooManyPoints)
}

fn check_output_count(expected: usize, outputs: &[f64]) -> Result<(), DesignError> {
    if outputs.len() == expected {
        Ok(())
    } else {
        Err(DesignError::OutputCount {
            expected,
            found: outputs.len(),
        })
    }
}

/// Every combination of the given values, one list of values per parameter. The first
/// parameter varies slowest and the last fastest, as in nested loops written in parameter
/// order.
pub fn full_factorial<V: AsRef<[f64]>>(levels: &[V]) -> Result<Vec<Vec<f64>>, DesignError> {
    if levels.is_empty() {
        return Err(DesignError::NoParameters);
    }
    let counts: Vec<usize> = levels.iter().map(|values| values.as_ref().len()).collect();
    if let Some(parameter) = counts.iter().position(|&count| count == 0) {
        return Err(DesignError::EmptyLevels { parameter });
    }
    let total = point_count(&counts)?;
    let points = (0..total)
        .map(|index| {
            // Read `index` as a mixed-radix number whose last digit is the last parameter.
            let mut rest = index;
            let mut point = vec![0.0; levels.len()];
            for ((value, values), &count) in point.iter_mut().zip(levels).zip(&counts).rev() {
                *value = values.as_ref()[rest % count];
                rest /= count;
            }
            point
        })
        .collect();
    Ok(points)
}

/// A Latin hypercube of `samples` points: each parameter's range is cut into `samples`
/// equal strata and every stratum holds exactly one point, at a uniform position inside it.
pub fn latin_hypercube(
    ranges: &[ParameterRange],
    samples: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>, DesignError> {
    validate_ranges(ranges)?;
    if samples == 0 {
        return Err(DesignError::NoSamples);
    }
    point_count(&[samples])?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut points: Vec<Vec<f64>> = (0..samples)
        .map(|_| Vec::with_capacity(ranges.len()))
        .collect();
    let mut strata: Vec<usize> = (0..samples).collect();
    for range in ranges {
        // Each parameter gets its own permutation of strata, independent of the others.
        strata.shuffle(&mut rng);
        for (point, &stratum) in points.iter_mut().zip(&strata) {
            let fraction = (stratum as f64 + rng.random::<f64>()) / samples as f64;
            point.push(range.at_fraction(fraction));
        }
    }
    Ok(points)
}

/// A Saltelli design for Sobol indices: two independent uniform random matrices `A` and
/// `B` of `base_samples` rows each, and for each parameter `i` the matrix `A_B^(i)`, which
/// is `A` with column `i` taken from `B`.
///
/// [`points`](SaltelliDesign::points) lists the rows of `A`, then `B`, then one `A_B^(i)`
/// per parameter in parameter order: `base_samples * (k + 2)` points in all.
#[derive(Debug, Clone)]
pub struct SaltelliDesign {
    ranges: Vec<ParameterRange>,
    base_samples: usize,
    points: Vec<Vec<f64>>,
}

/// Model outputs of a [`SaltelliDesign`], split by matrix. Each slice has one output per
/// row, `base_samples` long.
#[derive(Debug, Clone)]
pub struct SaltelliOutputs<'a> {
    /// Outputs at the rows of `A`.
    pub a: &'a [f64],
    /// Outputs at the rows of `B`.
    pub b: &'a [f64],
    /// `ab[i]`: outputs at the rows of `A_B^(i)`, in parameter order.
    pub ab: Vec<&'a [f64]>,
}

/// A Saltelli design with `base_samples` rows per matrix over `ranges`, drawn from ChaCha8
/// seeded with `seed`.
pub fn saltelli(
    ranges: &[ParameterRange],
    base_samples: usize,
    seed: u64,
) -> Result<SaltelliDesign, DesignError> {
    validate_ranges(ranges)?;
    if base_samples == 0 {
        return Err(DesignError::NoSamples);
    }
    let total = point_count(&[base_samples, ranges.len() + 2])?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut random_matrix = || -> Vec<Vec<f64>> {
        (0..base_samples)
            .map(|_| {
                ranges
                    .iter()
                    .map(|range| range.at_fraction(rng.random()))
                    .collect()
            })
            .collect()
    };
    let a = random_matrix();
    let b = random_matrix();
    let mut points = Vec::with_capacity(total);
    points.extend(a.iter().cloned());
    points.extend(b.iter().cloned());
    for parameter in 0..ranges.len() {
        points.extend(a.iter().zip(&b).map(|(a_row, b_row)| {
            let mut mixed = a_row.clone();
            mixed[parameter] = b_row[parameter];
            mixed
        }));
    }
    Ok(SaltelliDesign {
        ranges: ranges.to_vec(),
        base_samples,
        points,
    })
}

impl SaltelliDesign {
    /// The parameters, in column order.
    pub fn ranges(&self) -> &[ParameterRange] {
        &self.ranges
    }

    /// Rows per matrix (`N`).
    pub fn base_samples(&self) -> usize {
        self.base_samples
    }

    /// The points to run the model at, laid out as described on [`SaltelliDesign`].
    pub fn points(&self) -> &[Vec<f64>] {
        &self.points
    }

    /// Splits `outputs`, one per point in [`points`](SaltelliDesign::points) order, by matrix.
    pub fn split_outputs<'a>(
        &self,
        outputs: &'a [f64],
    ) -> Result<SaltelliOutputs<'a>, DesignError> {
        check_output_count(self.points.len(), outputs)?;
        // The count check above guarantees the blocks A, B and one A_B^(i) per parameter.
        let (a, rest) = outputs.split_at(self.base_samples);
        let (b, mixes) = rest.split_at(self.base_samples);
        Ok(SaltelliOutputs {
            a,
            b,
            ab: mixes.chunks_exact(self.base_samples).collect(),
        })
    }
}

/// A Morris design: `trajectories` one-at-a-time paths through a grid of `levels` values
/// per parameter (the range cut into `levels - 1` equal steps). Each path starts at a
/// random grid point and moves every parameter exactly once, in random order, by
/// `delta = levels / (2 (levels - 1))` of its range, up or down at random.
///
/// [`points`](MorrisDesign::points) lists each trajectory's `k + 1` points in turn.
#[derive(Debug, Clone)]
pub struct MorrisDesign {
    ranges: Vec<ParameterRange>,
    levels: usize,
    points: Vec<Vec<f64>>,
    /// One per step, trajectory by trajectory: which parameter moved, and whether up.
    moves: Vec<MorrisMove>,
}

#[derive(Debug, Clone, Copy)]
struct MorrisMove {
    parameter: usize,
    upward: bool,
}

/// A Morris design with `trajectories` paths on a grid of `levels` values per parameter,
/// drawn from ChaCha8 seeded with `seed`. `levels` must be even and at least 2, and
/// `trajectories` at least 2.
pub fn morris(
    ranges: &[ParameterRange],
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Result<MorrisDesign, DesignError> {
    validate_ranges(ranges)?;
    if levels < 2 || !levels.is_multiple_of(2) {
        return Err(DesignError::InvalidLevels { levels });
    }
    if trajectories < 2 {
        return Err(DesignError::TooFewTrajectories { trajectories });
    }
    let parameters = ranges.len();
    let total = point_count(&[trajectories, parameters + 1])?;
    // Work on integer grid levels so points sit exactly on the grid; delta is `jump` levels.
    let jump = levels / 2;
    let to_point = |grid: &[usize]| -> Vec<f64> {
        ranges
            .iter()
            .zip(grid)
            .map(|(range, &level)| range.at_fraction(level as f64 / (levels - 1) as f64))
            .collect()
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut points = Vec::with_capacity(total);
    let mut moves = Vec::with_capacity(trajectories * parameters);
    let mut order: Vec<usize> = (0..parameters).collect();
    for _ in 0..trajectories {
        // Morris (1991): a base level in the lower half of the grid; a parameter that will
        // move down starts `jump` levels above its base so that it ends on it.
        let mut grid: Vec<usize> = (0..parameters).map(|_| rng.random_range(0..jump)).collect();
        let upward: Vec<bool> = (0..parameters).map(|_| rng.random()).collect();
        for (level, &up) in grid.iter_mut().zip(&upward) {
            if !up {
                *level += jump;
            }
        }
        order.shuffle(&mut rng);
        points.push(to_point(&grid));
        for &parameter in &order {
            let up = upward[parameter];
            if up {
                grid[parameter] += jump;
            } else {
                grid[parameter] -= jump;
            }
            points.push(to_point(&grid));
            moves.push(MorrisMove {
                parameter,
                upward: up,
            });
        }
    }
    Ok(MorrisDesign {
        ranges: ranges.to_vec(),
        levels,
        points,
        moves,
    })
}

impl MorrisDesign {
    /// The parameters, in column order.
    pub fn ranges(&self) -> &[ParameterRange] {
        &self.ranges
    }

    /// Grid levels per parameter (`p`).
    pub fn levels(&self) -> usize {
        self.levels
    }

    /// Number of trajectories (`r`).
    pub fn trajectories(&self) -> usize {
        self.moves.len() / self.ranges.len()
    }

    /// The jump `delta = p / (2 (p - 1))`, as a fraction of each parameter's range.
    pub fn delta_fraction(&self) -> f64 {
        (self.levels / 2) as f64 / (self.levels - 1) as f64
    }

    /// The points to run the model at, laid out as described on [`MorrisDesign`].
    pub fn points(&self) -> &[Vec<f64>] {
        &self.points
    }

    /// Elementary effects from `outputs`, one per point in [`points`](MorrisDesign::points)
    /// order: `result[i][t]` is parameter `i`'s effect in trajectory `t`, the output change
    /// over its step divided by the signed step as a fraction of its range (so effects of
    /// parameters in different units are comparable).
    pub fn elementary_effects(&self, outputs: &[f64]) -> Result<Vec<Vec<f64>>, DesignError> {
        check_output_count(self.points.len(), outputs)?;
        let parameters = self.ranges.len();
        let delta = self.delta_fraction();
        let mut effects: Vec<Vec<f64>> = (0..parameters)
            .map(|_| Vec::with_capacity(self.trajectories()))
            .collect();
        let trajectory_outputs = outputs.chunks_exact(parameters + 1);
        for (path_outputs, path_moves) in
            trajectory_outputs.zip(self.moves.chunks_exact(parameters))
        {
            for (pair, step) in path_outputs.windows(2).zip(path_moves) {
                let signed_delta = if step.upward { delta } else { -delta };
                effects[step.parameter].push((pair[1] - pair[0]) / signed_delta);
            }
        }
        Ok(effects)
    }
}

//! Experiment designs and sensitivity measures, checked against functions whose answers
//! are known: the Ishigami function and a linear function.

use std::f64::consts::PI;

use yalu_lab::design::{
    DesignError, ParameterRange, full_factorial, latin_hypercube, morris, saltelli,
};
use yalu_lab::sensitivity::{BootstrapConfig, SensitivityError, morris_effects, sobol_indices};

const ISHIGAMI_A: f64 = 7.0;
const ISHIGAMI_B: f64 = 0.1;

fn ishigami(x: &[f64]) -> f64 {
    x[0].sin() + ISHIGAMI_A * x[1].sin().powi(2) + ISHIGAMI_B * x[2].powi(4) * x[0].sin()
}

fn ishigami_ranges() -> Vec<ParameterRange> {
    ["x1", "x2", "x3"]
        .into_iter()
        .map(|name| ParameterRange::new(name, -PI, PI).unwrap())
        .collect()
}

/// Analytic (first-order, total-order) indices of the Ishigami function, inputs uniform on
/// [-pi, pi]: only x1 and x3 interact.
fn ishigami_analytic_indices() -> [(f64, f64); 3] {
    let (a, b) = (ISHIGAMI_A, ISHIGAMI_B);
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let total = v1 + v2 + v13;
    [
        (v1 / total, (v1 + v13) / total),
        (v2 / total, v2 / total),
        (0.0, v13 / total),
    ]
}

fn evaluate(points: &[Vec<f64>], model: impl Fn(&[f64]) -> f64) -> Vec<f64> {
    points.iter().map(|point| model(point)).collect()
}

fn unit_ranges(count: usize) -> Vec<ParameterRange> {
    (0..count)
        .map(|i| ParameterRange::new(format!("p{i}"), 0.0, 1.0).unwrap())
        .collect()
}

#[test]
fn parameter_range_rejects_inverted_and_non_finite_bounds() {
    assert!(matches!(
        ParameterRange::new("x", 2.0, 1.0),
        Err(DesignError::InvertedRange { .. })
    ));
    for (low, high) in [
        (f64::NAN, 1.0),
        (0.0, f64::INFINITY),
        (f64::NEG_INFINITY, 0.0),
    ] {
        assert!(matches!(
            ParameterRange::new("x", low, high),
            Err(DesignError::NonFiniteBound { .. })
        ));
    }
    let pinned = ParameterRange::new("x", 3.0, 3.0).unwrap();
    assert_eq!(pinned.at_fraction(0.7), 3.0);
    let range = ParameterRange::new("x", -2.0, 6.0).unwrap();
    assert_eq!(range.at_fraction(0.0), -2.0);
    assert_eq!(range.at_fraction(1.0), 6.0);
}

#[test]
fn designs_recheck_ranges_built_without_the_constructor() {
    let inverted = vec![ParameterRange {
        name: "x".into(),
        low: 1.0,
        high: 0.0,
    }];
    let expected = Err(DesignError::InvertedRange {
        name: "x".into(),
        low: 1.0,
        high: 0.0,
    });
    assert_eq!(latin_hypercube(&inverted, 4, 1), expected);
    assert_eq!(
        saltelli(&inverted, 4, 1).map(|_| ()),
        expected.clone().map(|_| ())
    );
    assert_eq!(morris(&inverted, 4, 4, 1).map(|_| ()), expected.map(|_| ()));
}

#[test]
fn full_factorial_varies_first_parameter_slowest() {
    let grid = full_factorial(&[vec![1.0, 2.0], vec![10.0, 20.0, 30.0]]).unwrap();
    let expected = [
        [1.0, 10.0],
        [1.0, 20.0],
        [1.0, 30.0],
        [2.0, 10.0],
        [2.0, 20.0],
        [2.0, 30.0],
    ];
    assert_eq!(grid, expected.map(Vec::from));
}

#[test]
fn full_factorial_rejects_bad_levels() {
    let no_parameters: [Vec<f64>; 0] = [];
    assert_eq!(
        full_factorial(&no_parameters),
        Err(DesignError::NoParameters)
    );
    assert_eq!(
        full_factorial(&[vec![1.0], vec![]]),
        Err(DesignError::EmptyLevels { parameter: 1 })
    );
    // 2^64 points cannot be counted.
    let huge = vec![vec![0.0, 1.0]; 64];
    assert_eq!(full_factorial(&huge), Err(DesignError::TooManyPoints));
}

#[test]
fn latin_hypercube_hits_every_stratum_of_every_parameter_once() {
    let ranges = vec![
        ParameterRange::new("rate_per_day", 0.5, 2.5).unwrap(),
        ParameterRange::new("temperature_c", -10.0, 40.0).unwrap(),
        ParameterRange::new("share", 0.0, 1.0).unwrap(),
    ];
    let samples = 50;
    let points = latin_hypercube(&ranges, samples, 7).unwrap();
    assert_eq!(points.len(), samples);
    for (column, range) in ranges.iter().enumerate() {
        let mut strata: Vec<usize> = points
            .iter()
            .map(|point| {
                let value = point[column];
                assert!((range.low..=range.high).contains(&value));
                let fraction = (value - range.low) / (range.high - range.low);
                (fraction * samples as f64) as usize
            })
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..samples).collect::<Vec<_>>(), "{}", range.name);
    }
}

#[test]
fn random_designs_depend_only_on_their_seed() {
    let ranges = unit_ranges(3);
    assert_eq!(
        latin_hypercube(&ranges, 20, 11).unwrap(),
        latin_hypercube(&ranges, 20, 11).unwrap()
    );
    assert_ne!(
        latin_hypercube(&ranges, 20, 11).unwrap(),
        latin_hypercube(&ranges, 20, 12).unwrap()
    );
    let saltelli_points = |seed| saltelli(&ranges, 16, seed).unwrap().points().to_vec();
    assert_eq!(saltelli_points(11), saltelli_points(11));
    assert_ne!(saltelli_points(11), saltelli_points(12));
    let morris_points = |seed| morris(&ranges, 10, 4, seed).unwrap().points().to_vec();
    assert_eq!(morris_points(11), morris_points(11));
    assert_ne!(morris_points(11), morris_points(12));
}

#[test]
fn sampling_designs_reject_zero_samples_and_no_parameters() {
    let ranges = unit_ranges(2);
    assert_eq!(latin_hypercube(&ranges, 0, 1), Err(DesignError::NoSamples));
    assert_eq!(latin_hypercube(&[], 5, 1), Err(DesignError::NoParameters));
    assert_eq!(saltelli(&ranges, 0, 1).err(), Some(DesignError::NoSamples));
    assert_eq!(saltelli(&[], 5, 1).err(), Some(DesignError::NoParameters));
    assert_eq!(morris(&[], 5, 4, 1).err(), Some(DesignError::NoParameters));
}

#[test]
fn saltelli_mixes_take_one_column_from_b() {
    let ranges = vec![
        ParameterRange::new("x", 0.0, 1.0).unwrap(),
        ParameterRange::new("y", 10.0, 20.0).unwrap(),
        ParameterRange::new("z", -5.0, 5.0).unwrap(),
    ];
    let n = 8;
    let design = saltelli(&ranges, n, 3).unwrap();
    let points = design.points();
    assert_eq!(design.base_samples(), n);
    assert_eq!(points.len(), n * (ranges.len() + 2));
    let (a, b) = (&points[..n], &points[n..2 * n]);
    for (parameter, mixed) in points[2 * n..].chunks(n).enumerate() {
        for row in 0..n {
            for column in 0..ranges.len() {
                let source = if column == parameter {
                    &b[row]
                } else {
                    &a[row]
                };
                assert_eq!(mixed[row][column], source[column]);
            }
        }
    }
    for point in points {
        for (value, range) in point.iter().zip(&ranges) {
            assert!((range.low..=range.high).contains(value));
        }
    }
    // Outputs come back split by matrix, in the same layout.
    let outputs: Vec<f64> = (0..points.len()).map(|i| i as f64).collect();
    let split = design.split_outputs(&outputs).unwrap();
    assert_eq!(split.a, &outputs[..n]);
    assert_eq!(split.b, &outputs[n..2 * n]);
    assert_eq!(split.ab.len(), ranges.len());
    assert_eq!(split.ab[2], &outputs[4 * n..5 * n]);
    assert_eq!(
        design.split_outputs(&outputs[1..]).err(),
        Some(DesignError::OutputCount {
            expected: outputs.len(),
            found: outputs.len() - 1
        })
    );
}

#[test]
fn sobol_ishigami_matches_analytic_indices() {
    let analytic = ishigami_analytic_indices();
    // The figures usually quoted, to make sure the formulas above are the right ones.
    let quoted = [(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)];
    for ((first, total), (quoted_first, quoted_total)) in analytic.iter().zip(quoted) {
        assert!((first - quoted_first).abs() < 1e-4);
        assert!((total - quoted_total).abs() < 1e-4);
    }

    let design = saltelli(&ishigami_ranges(), 1 << 13, 2024).unwrap();
    let outputs = evaluate(design.points(), ishigami);
    // 99 % intervals, so that all six cover together with probability about 0.94.
    let bootstrap = BootstrapConfig {
        resamples: 300,
        confidence_level: 0.99,
        seed: 5,
    };
    let indices = sobol_indices(&design, &outputs, &bootstrap).unwrap();
    const TOLERANCE: f64 = 0.05;
    for (estimated, (first, total)) in indices.iter().zip(analytic) {
        eprintln!("{estimated:?} analytic S={first:.4} ST={total:.4}");
        for (estimate, truth) in [
            (estimated.first_order, first),
            (estimated.total_order, total),
        ] {
            assert!(
                (estimate.value - truth).abs() < TOLERANCE,
                "{}: {estimate:?} vs {truth}",
                estimated.name
            );
            assert!(
                estimate.covers(truth),
                "{}: {estimate:?} vs {truth}",
                estimated.name
            );
            assert!(estimate.low <= estimate.value && estimate.value <= estimate.high);
        }
    }
    assert_eq!(indices[0].name, "x1");

    // Same seeds, same intervals.
    assert_eq!(
        sobol_indices(&design, &outputs, &bootstrap).unwrap(),
        indices
    );
}

#[test]
fn sobol_rejects_bad_outputs_and_bootstrap_settings() {
    let design = saltelli(&unit_ranges(2), 16, 1).unwrap();
    let outputs = evaluate(design.points(), |x| x[0] + x[1]);
    let bootstrap = BootstrapConfig {
        resamples: 10,
        confidence_level: 0.9,
        seed: 1,
    };
    assert!(sobol_indices(&design, &outputs, &bootstrap).is_ok());

    assert_eq!(
        sobol_indices(&design, &outputs[1..], &bootstrap),
        Err(SensitivityError::Design(DesignError::OutputCount {
            expected: outputs.len(),
            found: outputs.len() - 1
        }))
    );
    let mut broken = outputs.clone();
    broken[5] = f64::NAN;
    assert!(matches!(
        sobol_indices(&design, &broken, &bootstrap),
        Err(SensitivityError::NonFiniteOutput { index: 5, .. })
    ));
    let constant = vec![3.0; outputs.len()];
    assert_eq!(
        sobol_indices(&design, &constant, &bootstrap),
        Err(SensitivityError::ZeroVariance)
    );
    let no_resamples = BootstrapConfig {
        resamples: 0,
        ..bootstrap
    };
    assert_eq!(
        sobol_indices(&design, &outputs, &no_resamples),
        Err(SensitivityError::NoResamples)
    );
    for level in [0.0, 1.0, 1.5, f64::NAN] {
        let bad_level = BootstrapConfig {
            confidence_level: level,
            ..bootstrap
        };
        assert!(matches!(
            sobol_indices(&design, &outputs, &bad_level),
            Err(SensitivityError::InvalidConfidenceLevel { .. })
        ));
    }
}

#[test]
fn morris_trajectories_move_each_parameter_once_by_delta_on_the_grid() {
    let ranges = vec![
        ParameterRange::new("x", 0.0, 1.0).unwrap(),
        ParameterRange::new("y", 100.0, 400.0).unwrap(),
        ParameterRange::new("z", -1.0, 1.0).unwrap(),
    ];
    let (trajectories, levels) = (30, 6);
    let design = morris(&ranges, trajectories, levels, 9).unwrap();
    assert_eq!(design.trajectories(), trajectories);
    assert_eq!(design.levels(), levels);
    let delta = levels as f64 / (2.0 * (levels - 1) as f64);
    assert_eq!(design.delta_fraction(), delta);
    assert_eq!(design.points().len(), trajectories * (ranges.len() + 1));
    let to_grid = |value: f64, range: &ParameterRange| {
        (value - range.low) / (range.high - range.low) * (levels - 1) as f64
    };
    for path in design.points().chunks(ranges.len() + 1) {
        for point in path {
            for (&value, range) in point.iter().zip(&ranges) {
                let level = to_grid(value, range);
                assert!(
                    (level - level.round()).abs() < 1e-9 && (-1e-9..=5.0 + 1e-9).contains(&level)
                );
            }
        }
        let mut moved: Vec<usize> = path
            .windows(2)
            .map(|pair| {
                let changed: Vec<usize> = (0..ranges.len())
                    .filter(|&i| pair[0][i] != pair[1][i])
                    .collect();
                assert_eq!(changed.len(), 1, "one parameter per step");
                let i = changed[0];
                let step = (pair[1][i] - pair[0][i]) / (ranges[i].high - ranges[i].low);
                assert!((step.abs() - delta).abs() < 1e-12);
                i
            })
            .collect();
        moved.sort_unstable();
        assert_eq!(moved, [0, 1, 2]);
    }
}

#[test]
fn morris_rejects_bad_levels_trajectories_and_output_count() {
    let ranges = unit_ranges(2);
    for levels in [0, 1, 3, 5] {
        assert_eq!(
            morris(&ranges, 4, levels, 1).err(),
            Some(DesignError::InvalidLevels { levels })
        );
    }
    for trajectories in [0, 1] {
        assert_eq!(
            morris(&ranges, trajectories, 4, 1).err(),
            Some(DesignError::TooFewTrajectories { trajectories })
        );
    }
    let design = morris(&ranges, 4, 4, 1).unwrap();
    let outputs = vec![0.0; design.points().len() + 1];
    assert_eq!(
        morris_effects(&design, &outputs),
        Err(SensitivityError::Design(DesignError::OutputCount {
            expected: outputs.len() - 1,
            found: outputs.len()
        }))
    );
    let mut outputs = vec![0.0; design.points().len()];
    outputs[2] = f64::INFINITY;
    assert!(matches!(
        morris_effects(&design, &outputs),
        Err(SensitivityError::NonFiniteOutput { index: 2, .. })
    ));
}

#[test]
fn morris_linear_function_effects_are_slope_times_range() {
    let range_x1 = 5.0;
    let ranges = vec![
        ParameterRange::new("x1", 1.0, 1.0 + range_x1).unwrap(),
        ParameterRange::new("x2", -3.0, 3.0).unwrap(),
    ];
    let design = morris(&ranges, 20, 4, 3).unwrap();
    let outputs = evaluate(design.points(), |x| 2.0 * x[0] + 0.0 * x[1]);
    let effects = morris_effects(&design, &outputs).unwrap();
    let expected_x1 = 2.0 * range_x1;
    assert!(
        (effects[0].mu_star - expected_x1).abs() < 1e-9,
        "{:?}",
        effects[0]
    );
    assert!((effects[0].mu - expected_x1).abs() < 1e-9);
    assert!(effects[0].sigma < 1e-9);
    // x2 does not enter the output at all, so its effects are exactly zero.
    assert_eq!(
        (effects[1].mu, effects[1].mu_star, effects[1].sigma),
        (0.0, 0.0, 0.0)
    );
    assert_eq!(effects[1].name, "x2");
}

#[test]
fn morris_ishigami_sees_x3_through_its_interaction() {
    // With 4 levels on [-pi, pi] the grid is {-pi, -pi/3, pi/3, pi} and every step jumps
    // two levels (delta = 2/3), so the expected mu* follow by hand:
    // - x2: |a (sin^2(pi/3) - 0)| / delta, the same for every step;
    // - x1: |sin x1| changes by sin(pi/3), scaled by (1 + b x3^4) at the current x3;
    // - x3: x3^4 changes by pi^4 - (pi/3)^4, scaled by b |sin x1| at the current x1.
    // x3 and x1 sit uniformly on the grid when the other one moves.
    let delta = 2.0 / 3.0;
    let sin_third = (PI / 3.0).sin();
    let mean_x3_factor = 1.0 + ISHIGAMI_B * (PI.powi(4) + (PI / 3.0).powi(4)) / 2.0;
    let expected_x1 = sin_third * mean_x3_factor / delta;
    let expected_x2 = ISHIGAMI_A * sin_third.powi(2) / delta;
    let expected_x3 = ISHIGAMI_B * (PI.powi(4) - (PI / 3.0).powi(4)) * (sin_third / 2.0) / delta;

    let design = morris(&ishigami_ranges(), 400, 4, 17).unwrap();
    assert_eq!(design.delta_fraction(), delta);
    let outputs = evaluate(design.points(), ishigami);
    let effects = morris_effects(&design, &outputs).unwrap();
    for effect in &effects {
        eprintln!("{effect:?}");
    }
    let [x1, x2, x3] = [&effects[0], &effects[1], &effects[2]];
    assert!(
        (x2.mu_star - expected_x2).abs() < 1e-9,
        "{x2:?} vs {expected_x2}"
    );
    // x1 and x3 depend on which grid points were drawn: a standard error is about 0.31,
    // so allow 4.
    assert!(
        (x1.mu_star - expected_x1).abs() < 1.25,
        "{x1:?} vs {expected_x1}"
    );
    assert!(
        (x3.mu_star - expected_x3).abs() < 1.25,
        "{x3:?} vs {expected_x3}"
    );
    // x3 has no first-order effect (S3 = 0) yet clearly matters, through x1; it still ranks
    // last, as it does by total-order index.
    assert!(x3.mu_star > 3.0 && x3.sigma > 3.0);
    assert!(x3.mu_star < x1.mu_star && x3.mu_star < x2.mu_star);
}

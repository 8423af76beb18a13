//! Parameter sweeps: sweep files and their errors, design points, the SQLite store, runs
//! that do not depend on the thread count, resuming, atomic units, refusing foreign files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rusqlite::Connection;
use tempfile::TempDir;
use yalu_lab::design::DesignError;
use yalu_lab::store::{ResultRow, STORE_FILE_NAME, StoreError, SweepStore, merge};
use yalu_lab::sweep::{
    DesignKind, MetricSummary, Point, Problem, ScenarioSource, Shard, SpecError, SweepError,
    SweepFile, SweepSpec, run_sweep, summarize,
};

const SCENARIO_TEXT: &str = "[scenario]\nname = \"toy\"\n";

/// 3 x 2 points, 3 replicates: 18 units.
const GRID: &str = r#"
[sweep]
name = "toy-grid"
scenario = "scenarios/toy.toml"
replicates = 3
seed = 42
metrics = ["y", "x_plus_seed"]

[design]
kind = "grid"

[[parameters]]
path = "a"
values = [1, 2, 3]

[[parameters]]
path = "x"
values = [0.5, 1.5]
"#;

const LHS: &str = r#"
[sweep]
name = "toy-lhs"
scenario = "baseline"
replicates = 2
seed = 42
metrics = ["y"]

[design]
kind = "latin_hypercube"
samples = 20
seed = 7

[[parameters]]
path = "a"
range = [0.0, 1.0]

[[parameters]]
path = "x"
range = [0.5, 5.0]
"#;

const LIST: &str = r#"
[sweep]
name = "toy-list"
scenario = "baseline"
replicates = 1
seed = 1
metrics = ["y"]

[design]
kind = "list"

[[parameters]]
path = "a"
values = [1.0, 2.0, 3.0]

[[parameters]]
path = "x"
values = [10.0, 20.0, 30.0]
"#;

const TOY_METRICS: usize = 2;

fn accept_all(_: &str) -> Result<(), String> {
    Ok(())
}

fn parse(text: &str) -> Result<SweepSpec, SpecError> {
    SweepFile::parse("toy.toml", text, Path::new("sweeps"))?.validate(&accept_all)
}

fn sweep(text: &str) -> SweepSpec {
    parse(text).expect("a valid sweep file")
}

/// `text` with `old` (which must occur) replaced by `new`.
fn edit(text: &str, old: &str, new: &str) -> String {
    assert!(text.contains(old), "{old:?} not in the sweep file");
    text.replacen(old, new, 1)
}

/// Line (from 1) of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let offset = text.find(needle).expect("needle in text");
    text[..offset].matches('\n').count() + 1
}

/// The toy model: `y = a x + replicate` and `x_plus_seed = x + seed`, slow enough (2 ms)
/// for two threads to interleave.
fn toy(point: &Point, replicate: u32, seed: u64) -> Result<Vec<(String, f64)>, String> {
    std::thread::sleep(Duration::from_millis(2));
    let a = point.value("a").ok_or("no parameter a")?;
    let x = point.value("x").ok_or("no parameter x")?;
    Ok(vec![
        ("y".to_owned(), a * x + f64::from(replicate)),
        ("x_plus_seed".to_owned(), x + seed as f64),
    ])
}

fn no_progress(_: usize, _: usize) {}

fn open(dir: &Path, spec: &SweepSpec) -> SweepStore {
    SweepStore::open(dir, spec, SCENARIO_TEXT).expect("store opens")
}

/// The results of the whole of `spec` run in a new store with `threads` threads.
fn complete_run(spec: &SweepSpec, threads: usize) -> Vec<ResultRow> {
    let dir = TempDir::new().unwrap();
    let mut store = open(dir.path(), spec);
    run_sweep(
        spec,
        &mut store,
        &toy,
        threads,
        Shard::ALL,
        &mut no_progress,
    )
    .unwrap();
    store.results().unwrap()
}

fn invalid(text: &str) -> (String, Problem, String) {
    let error = parse(text).expect_err("an invalid sweep file");
    let message = error.to_string();
    match error {
        SpecError::Invalid { field, problem, .. } => (field, problem, message),
        other => panic!("expected an invalid sweep file, got {other:?}"),
    }
}

#[test]
fn parses_a_grid_with_the_first_parameter_varying_slowest() {
    let spec = sweep(GRID);
    assert_eq!(spec.name(), "toy-grid");
    assert_eq!(
        spec.scenario(),
        &ScenarioSource::File(PathBuf::from("sweeps/scenarios/toy.toml"))
    );
    assert_eq!((spec.replicates(), spec.seed()), (3, 42));
    assert_eq!(spec.metrics(), ["y", "x_plus_seed"]);
    assert_eq!(spec.design(), DesignKind::Grid);
    assert_eq!(spec.parameters(), ["a", "x"]);
    assert_eq!(spec.unit_count(), 18);
    let expected = [
        (1.0, 0.5),
        (1.0, 1.5),
        (2.0, 0.5),
        (2.0, 1.5),
        (3.0, 0.5),
        (3.0, 1.5),
    ];
    assert_eq!(spec.points().len(), expected.len());
    for (index, (point, &(a, x))) in spec.points().iter().zip(&expected).enumerate() {
        assert_eq!(point.index, index);
        assert_eq!(point.values, [("a".to_owned(), a), ("x".to_owned(), x)]);
    }
}

#[test]
fn latin_hypercube_is_stratified_and_fixed_by_its_seed() {
    let spec_a = sweep(LHS);
    assert_eq!(spec_a.scenario(), &ScenarioSource::Baseline);
    assert_eq!(spec_a.design(), DesignKind::LatinHypercube);
    assert_eq!(spec_a.points(), sweep(LHS).points());
    let reseeded = sweep(&edit(LHS, "seed = 7", "seed = 8"));
    assert_ne!(spec_a.points(), reseeded.points());

    let samples = 20;
    assert_eq!(spec_a.points().len(), samples);
    for (path, min, max) in [("a", 0.0, 1.0), ("x", 0.5, 5.0)] {
        let mut strata: Vec<usize> = spec_a
            .points()
            .iter()
            .map(|point| {
                let value = point.value(path).unwrap();
                assert!((min..=max).contains(&value), "{path} = {value}");
                ((value - min) / (max - min) * samples as f64) as usize
            })
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..samples).collect::<Vec<_>>(), "{path}");
    }
}

#[test]
fn list_takes_the_ith_value_of_every_parameter() {
    let spec = sweep(LIST);
    assert_eq!(spec.design(), DesignKind::List);
    let values: Vec<_> = spec
        .points()
        .iter()
        .map(|point| (point.value("a").unwrap(), point.value("x").unwrap()))
        .collect();
    assert_eq!(values, [(1.0, 10.0), (2.0, 20.0), (3.0, 30.0)]);
}

#[test]
fn load_resolves_the_scenario_next_to_the_sweep_file() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("grid.toml");
    std::fs::write(&file, GRID).unwrap();
    let parsed = SweepFile::load(&file).unwrap();
    assert_eq!(
        parsed.scenario(),
        &ScenarioSource::File(dir.path().join("scenarios/toy.toml"))
    );
    let missing = dir.path().join("missing.toml");
    assert!(matches!(
        SweepFile::load(&missing),
        Err(SpecError::Read { file, .. }) if file == missing.display().to_string()
    ));
}

/// Whether a problem is the one a bad-input case expects.
type IsExpected = fn(&Problem) -> bool;

#[test]
fn bad_sweep_files_name_the_field_and_the_problem() {
    let no_parameters = &GRID[..GRID.find("[[parameters]]").unwrap()];
    let cases: Vec<(&str, String, &str, IsExpected)> = vec![
        (
            "min > max",
            edit(LHS, "range = [0.5, 5.0]", "range = [5.0, 0.5]"),
            "parameters[1].range",
            |p| matches!(p, Problem::Design(DesignError::InvertedRange { .. })),
        ),
        (
            "zero samples",
            edit(LHS, "samples = 20", "samples = 0"),
            "design.samples",
            |p| *p == Problem::ZeroSamples,
        ),
        (
            "no samples",
            edit(LHS, "samples = 20\n", ""),
            "design.samples",
            |p| matches!(p, Problem::Missing(_)),
        ),
        (
            "empty values",
            edit(GRID, "values = [0.5, 1.5]", "values = []"),
            "parameters[1].values",
            |p| *p == Problem::EmptyValues,
        ),
        (
            "non-finite value",
            edit(GRID, "values = [0.5, 1.5]", "values = [0.5, nan]"),
            "parameters[1].values",
            |p| matches!(p, Problem::NonFinite(v) if v.is_nan()),
        ),
        (
            "unequal list lengths",
            edit(LIST, "values = [10.0, 20.0, 30.0]", "values = [10.0, 20.0]"),
            "parameters[1].values",
            |p| {
                *p == Problem::UnequalLengths {
                    expected: 3,
                    found: 2,
                    first_path: "a".to_owned(),
                }
            },
        ),
        (
            "duplicate path",
            edit(GRID, "path = \"x\"", "path = \"a\""),
            "parameters[1].path",
            |p| {
                *p == Problem::DuplicatePath {
                    path: "a".to_owned(),
                    first_line: line_of(GRID, "path = \"a\""),
                }
            },
        ),
        (
            "grid with a range",
            edit(
                GRID,
                "values = [0.5, 1.5]",
                "values = [0.5, 1.5]\nrange = [0.0, 1.0]",
            ),
            "parameters[1].range",
            |p| {
                matches!(
                    p,
                    Problem::NotForDesign {
                        kind: DesignKind::Grid,
                        ..
                    }
                )
            },
        ),
        (
            "grid without values",
            edit(GRID, "values = [0.5, 1.5]\n", ""),
            "parameters[1].values",
            |p| matches!(p, Problem::Missing(_)),
        ),
        (
            "grid with samples",
            edit(GRID, "kind = \"grid\"", "kind = \"grid\"\nsamples = 4"),
            "design.samples",
            |p| matches!(p, Problem::NotForDesign { .. }),
        ),
        (
            "latin hypercube with values",
            edit(LHS, "range = [0.0, 1.0]", "values = [0.0, 1.0]"),
            "parameters[0].values",
            |p| {
                matches!(
                    p,
                    Problem::NotForDesign {
                        kind: DesignKind::LatinHypercube,
                        ..
                    }
                )
            },
        ),
        (
            "unknown design kind",
            edit(GRID, "kind = \"grid\"", "kind = \"sobol\""),
            "design.kind",
            |p| *p == Problem::UnknownDesignKind("sobol".to_owned()),
        ),
        (
            "zero replicates",
            edit(GRID, "replicates = 3", "replicates = 0"),
            "sweep.replicates",
            |p| *p == Problem::ZeroReplicates,
        ),
        (
            "negative replicates",
            edit(GRID, "replicates = 3", "replicates = -1"),
            "sweep.replicates",
            |p| matches!(p, Problem::Schema(_)),
        ),
        (
            "no metrics",
            edit(GRID, "metrics = [\"y\", \"x_plus_seed\"]", "metrics = []"),
            "sweep.metrics",
            |p| *p == Problem::NoMetrics,
        ),
        (
            "duplicate metric",
            edit(
                GRID,
                "metrics = [\"y\", \"x_plus_seed\"]",
                "metrics = [\"y\", \"y\"]",
            ),
            "sweep.metrics",
            |p| *p == Problem::DuplicateMetric("y".to_owned()),
        ),
        (
            "empty name",
            edit(GRID, "name = \"toy-grid\"", "name = \"\""),
            "sweep.name",
            |p| matches!(p, Problem::Empty(_)),
        ),
        (
            "unknown field",
            edit(GRID, "kind = \"grid\"", "kind = \"grid\"\nsampels = 4"),
            "design.sampels",
            |p| matches!(p, Problem::Schema(message) if message.contains("unknown field")),
        ),
        (
            "no parameters",
            no_parameters.to_owned(),
            "parameters",
            |p| *p == Problem::NoParameters,
        ),
    ];
    for (case, text, expected_field, expected_problem) in cases {
        let (field, problem, message) = invalid(&text);
        assert_eq!(field, expected_field, "{case}: {message}");
        assert!(expected_problem(&problem), "{case}: {problem:?}");
        assert!(
            message.starts_with("toy.toml:") && message.contains(expected_field),
            "{case}: {message}"
        );
    }
}

#[test]
fn an_unknown_parameter_path_is_reported_with_its_line() {
    let parsed = SweepFile::parse("toy.toml", GRID, Path::new("")).unwrap();
    let reject_x = |path: &str| {
        if path == "x" {
            Err("no such parameter in scenario toy".to_owned())
        } else {
            Ok(())
        }
    };
    match parsed.validate(&reject_x) {
        Err(SpecError::Invalid {
            file,
            line,
            field,
            problem: Problem::UnknownParameter { path, reason },
            ..
        }) => {
            assert_eq!(file, "toy.toml");
            assert_eq!(line, line_of(GRID, "path = \"x\""));
            assert_eq!(field, "parameters[1].path");
            assert_eq!(path, "x");
            assert_eq!(reason, "no such parameter in scenario toy");
        }
        other => panic!("expected an unknown parameter, got {other:?}"),
    }
}

#[test]
fn stored_results_do_not_depend_on_the_thread_count() {
    let spec = sweep(GRID);
    let one = complete_run(&spec, 1);
    let two = complete_run(&spec, 2);
    assert_eq!(one, two);
    assert_eq!(one.len(), spec.unit_count() * TOY_METRICS);
    for row in &one {
        let point = &spec.points()[row.point];
        let (a, x) = (point.value("a").unwrap(), point.value("x").unwrap());
        let expected = match row.metric.as_str() {
            "y" => a * x + f64::from(row.replicate),
            _ => x + 42.0,
        };
        assert_eq!(row.value, expected, "{row:?}");
    }
}

#[test]
fn progress_counts_up_to_the_total() {
    let spec = sweep(GRID);
    let dir = TempDir::new().unwrap();
    let mut store = open(dir.path(), &spec);
    let mut calls = Vec::new();
    let summary = run_sweep(
        &spec,
        &mut store,
        &toy,
        2,
        Shard::ALL,
        &mut |done, total| calls.push((done, total)),
    )
    .unwrap();
    assert_eq!(
        calls,
        (0..=18).map(|done| (done, 18)).collect::<Vec<_>>(),
        "one call at the start, then one per unit"
    );
    assert_eq!(summary.ran, 18);
}

#[test]
fn an_interrupted_sweep_resumes_without_repeating_or_losing_units() {
    const FINISHED_BEFORE_FAILURE: usize = 7;
    let spec = sweep(GRID);
    let dir = TempDir::new().unwrap();
    let attempts = AtomicUsize::new(0);
    let completed = AtomicUsize::new(0);
    let failing = |point: &Point, replicate, seed| {
        if attempts.fetch_add(1, Ordering::SeqCst) >= FINISHED_BEFORE_FAILURE {
            return Err("injected failure".to_owned());
        }
        let metrics = toy(point, replicate, seed);
        completed.fetch_add(1, Ordering::SeqCst);
        metrics
    };
    let mut store = open(dir.path(), &spec);
    let error =
        run_sweep(&spec, &mut store, &failing, 2, Shard::ALL, &mut no_progress).unwrap_err();
    let SweepError::Evaluate { source, .. } = &error else {
        panic!("expected the evaluator's error, got {error}");
    };
    assert_eq!(source.to_string(), "injected failure");
    assert_eq!(store.done_units().unwrap().len(), FINISHED_BEFORE_FAILURE);
    assert_eq!(
        store.results().unwrap().len(),
        FINISHED_BEFORE_FAILURE * TOY_METRICS
    );
    // Stop as a killed process would: no clean close, so the WAL is not checkpointed.
    std::mem::forget(store);

    let good = |point: &Point, replicate, seed| {
        completed.fetch_add(1, Ordering::SeqCst);
        toy(point, replicate, seed)
    };
    let mut store = open(dir.path(), &spec);
    let summary = run_sweep(&spec, &mut store, &good, 2, Shard::ALL, &mut no_progress).unwrap();
    assert_eq!(summary.already_done, FINISHED_BEFORE_FAILURE);
    assert_eq!(summary.ran, spec.unit_count() - FINISHED_BEFORE_FAILURE);
    assert_eq!(completed.load(Ordering::SeqCst), spec.unit_count());
    assert_eq!(store.results().unwrap(), complete_run(&spec, 1));

    let summary = run_sweep(&spec, &mut store, &good, 2, Shard::ALL, &mut no_progress).unwrap();
    assert_eq!((summary.already_done, summary.ran), (spec.unit_count(), 0));
    assert_eq!(completed.load(Ordering::SeqCst), spec.unit_count());
}

#[test]
fn a_result_cannot_exist_without_its_done_row() {
    let spec = sweep(GRID);
    let dir = TempDir::new().unwrap();
    let mut store = open(dir.path(), &spec);
    // Unit 0 of point 1 returns a metric the sweep does not have: nothing of it is written.
    let wrong_once = |point: &Point, replicate, seed| {
        let mut metrics = toy(point, replicate, seed)?;
        if (point.index, replicate) == (1, 0) {
            metrics[1].0 = "typo".to_owned();
        }
        Ok::<_, String>(metrics)
    };
    let error = run_sweep(
        &spec,
        &mut store,
        &wrong_once,
        1,
        Shard::ALL,
        &mut no_progress,
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            SweepError::WrongMetrics {
                point: 1,
                replicate: 0,
                ..
            }
        ),
        "{error}"
    );
    let done = store.done_units().unwrap();
    assert!(!done.contains(&(1, 0)));
    let mut units_with_results: Vec<(usize, u32)> = store
        .results()
        .unwrap()
        .chunks(TOY_METRICS)
        .map(|unit| {
            assert!(
                unit.iter()
                    .all(|row| (row.point, row.replicate) == (unit[0].point, unit[0].replicate))
            );
            (unit[0].point, unit[0].replicate)
        })
        .collect();
    units_with_results.dedup();
    assert_eq!(
        units_with_results, done,
        "every done unit has all its metrics, no other has any"
    );

    let raw = Connection::open(store.path()).unwrap();
    let journal: String = raw
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let orphan = raw.execute(
        "INSERT INTO results (point, replicate, metric, value) VALUES (5, 2, 'y', 1.0)",
        [],
    );
    assert!(
        orphan.is_err(),
        "a result without its done row was accepted"
    );
    let count: usize = raw
        .query_row(
            "SELECT count(*) FROM results WHERE point = 5 AND replicate = 2",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(count, 0);
}

#[test]
fn metrics_must_be_finite() {
    let spec = sweep(GRID);
    let dir = TempDir::new().unwrap();
    let mut store = open(dir.path(), &spec);
    let nan = |point: &Point, replicate, seed| {
        let mut metrics = toy(point, replicate, seed)?;
        metrics[0].1 = f64::NAN;
        Ok::<_, String>(metrics)
    };
    let error = run_sweep(&spec, &mut store, &nan, 1, Shard::ALL, &mut no_progress).unwrap_err();
    assert!(
        matches!(&error, SweepError::NonFiniteMetric { metric, .. } if metric == "y"),
        "{error}"
    );
    assert!(store.done_units().unwrap().is_empty());
}

#[test]
fn a_store_runs_only_the_spec_it_was_opened_for() {
    let dir = TempDir::new().unwrap();
    let mut store = open(dir.path(), &sweep(GRID));
    let error = run_sweep(
        &sweep(LIST),
        &mut store,
        &toy,
        1,
        Shard::ALL,
        &mut no_progress,
    )
    .unwrap_err();
    assert!(matches!(error, SweepError::StoreMismatch { .. }), "{error}");
}

/// Opening `dir` for the grid sweep fails as `expected` says, and the store file's bytes
/// are the same afterwards.
fn assert_refused_untouched(dir: &Path, expected: fn(&StoreError) -> bool) {
    let file = dir.join(STORE_FILE_NAME);
    let before = std::fs::read(&file).unwrap();
    let error = SweepStore::open(dir, &sweep(GRID), SCENARIO_TEXT).unwrap_err();
    assert!(expected(&error), "{error}");
    assert!(error.to_string().contains("refusing"), "{error}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the refused file changed"
    );
}

#[test]
fn refuses_a_foreign_sqlite_file_untouched() {
    let dir = TempDir::new().unwrap();
    let foreign = Connection::open(dir.path().join(STORE_FILE_NAME)).unwrap();
    foreign
        .execute_batch("CREATE TABLE foo (bar TEXT); INSERT INTO foo VALUES ('keep me');")
        .unwrap();
    foreign.close().unwrap();
    assert_refused_untouched(dir.path(), |e| matches!(e, StoreError::NotAStore { .. }));
}

#[test]
fn refuses_a_file_of_random_bytes_untouched() {
    let dir = TempDir::new().unwrap();
    // A fixed xorshift stream: arbitrary bytes, the same on every run.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    std::fs::write(dir.path().join(STORE_FILE_NAME), bytes).unwrap();
    assert_refused_untouched(dir.path(), |e| matches!(e, StoreError::NotAStore { .. }));
}

#[test]
fn refuses_a_store_of_another_sweep_untouched() {
    let dir = TempDir::new().unwrap();
    let other = sweep(&edit(GRID, "seed = 42", "seed = 43"));
    let mut store = open(dir.path(), &other);
    run_sweep(&other, &mut store, &toy, 1, Shard::ALL, &mut no_progress).unwrap();
    drop(store);
    assert_refused_untouched(dir.path(), |e| {
        matches!(e, StoreError::OtherSweep { stored_name, .. } if stored_name == "toy-grid")
            && e.to_string().contains("another out dir")
    });

    // The same sweep on another scenario text is another sweep too.
    let same_definition = TempDir::new().unwrap();
    drop(open(same_definition.path(), &sweep(GRID)));
    let changed = SweepStore::open(same_definition.path(), &sweep(GRID), "[scenario]\n");
    assert!(matches!(changed, Err(StoreError::OtherSweep { .. })));
}

#[test]
fn refuses_a_store_of_another_format_version_untouched() {
    let dir = TempDir::new().unwrap();
    let store = open(dir.path(), &sweep(GRID));
    let path = store.path().to_owned();
    drop(store);
    let raw = Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE meta SET value = '999' WHERE key = 'format_version'",
        [],
    )
    .unwrap();
    raw.close().unwrap();
    assert_refused_untouched(
        dir.path(),
        |e| matches!(e, StoreError::FormatVersion { found, .. } if found == "999"),
    );
}

#[test]
fn summaries_interpolate_between_order_statistics() {
    let rows: Vec<ResultRow> = [5.0, 1.0, 4.0, 2.0, 3.0]
        .into_iter()
        .enumerate()
        .flat_map(|(replicate, value)| {
            let replicate = replicate as u32;
            [
                ResultRow {
                    point: 0,
                    replicate,
                    metric: "m".to_owned(),
                    value,
                },
                ResultRow {
                    point: 0,
                    replicate,
                    metric: "constant".to_owned(),
                    value: 2.5,
                },
            ]
        })
        .collect();
    let summaries = summarize(&rows);
    let expected = [
        MetricSummary {
            point: 0,
            metric: "constant".to_owned(),
            replicates: 5,
            mean: 2.5,
            p05: 2.5,
            p50: 2.5,
            p95: 2.5,
        },
        // Sorted 1..5: p05 sits 0.05 * 4 = 0.2 of the way from the 1st to the 2nd value.
        MetricSummary {
            point: 0,
            metric: "m".to_owned(),
            replicates: 5,
            mean: 3.0,
            p05: 1.2,
            p50: 3.0,
            p95: 4.8,
        },
    ];
    assert_eq!(summaries.len(), expected.len());
    for (summary, expected) in summaries.iter().zip(&expected) {
        assert_eq!(
            (&summary.metric, summary.point, summary.replicates),
            (&expected.metric, expected.point, expected.replicates)
        );
        for (found, wanted) in [
            (summary.mean, expected.mean),
            (summary.p05, expected.p05),
            (summary.p50, expected.p50),
            (summary.p95, expected.p95),
        ] {
            assert!((found - wanted).abs() < 1e-12, "{summary:?}");
        }
    }
}

#[test]
fn summaries_of_a_stored_sweep_cover_every_point_and_metric() {
    let spec = sweep(GRID);
    let summaries = summarize(&complete_run(&spec, 2));
    assert_eq!(summaries.len(), spec.points().len() * TOY_METRICS);
    let y_at_first_point = summaries
        .iter()
        .find(|s| s.point == 0 && s.metric == "y")
        .unwrap();
    // a = 1, x = 0.5: y = 0.5 + replicate over replicates 0, 1, 2.
    assert_eq!(y_at_first_point.replicates, 3);
    assert!((y_at_first_point.mean - 1.5).abs() < 1e-12);
    assert!((y_at_first_point.p50 - 1.5).abs() < 1e-12);
}

#[test]
fn reopening_the_same_sweep_keeps_its_results() {
    let spec = sweep(GRID);
    let dir = TempDir::new().unwrap();
    let mut store = open(dir.path(), &spec);
    run_sweep(&spec, &mut store, &toy, 2, Shard::ALL, &mut no_progress).unwrap();
    let results = store.results().unwrap();
    drop(store);
    // Comments and layout are not part of the definition.
    let reformatted = sweep(&format!("# a comment\n{}", GRID.replace(" = ", "=")));
    let store = open(dir.path(), &reformatted);
    assert_eq!(store.results().unwrap(), results);
    let points: Vec<String> = Connection::open(store.path())
        .unwrap()
        .prepare("SELECT values_json FROM points ORDER BY point")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(points.len(), 6);
    assert_eq!(points[0], r#"{"a":1.0,"x":0.5}"#);
}

#[test]
fn shards_split_the_units_once_each_and_are_parsed_as_k_of_n() {
    let spec = sweep(GRID);
    let shards: Vec<Vec<(usize, u32)>> = (1..=4)
        .map(|k| spec.units(Shard::new(k, 4).unwrap()))
        .collect();
    let mut all: Vec<(usize, u32)> = shards.concat();
    all.sort_unstable();
    assert_eq!(
        all,
        spec.units(Shard::ALL),
        "every unit in exactly one shard"
    );
    assert_eq!(shards[0][..2], [(0, 0), (1, 1)], "round robin, point-major");
    assert_eq!("2/4".parse::<Shard>(), Shard::new(2, 4));
    assert_eq!(Shard::new(2, 4).unwrap().to_string(), "2/4");
    for bad in ["0/4", "5/4", "1/0", "1", "a/b"] {
        let error = bad.parse::<Shard>().unwrap_err();
        assert!(error.contains("K/N"), "{bad}: {error}");
    }
}

#[test]
fn merged_shards_equal_the_unsharded_sweep_and_merging_again_changes_nothing() {
    let spec = sweep(GRID);
    let shard_dirs: Vec<TempDir> = (1..=3).map(|_| TempDir::new().unwrap()).collect();
    for (k, dir) in shard_dirs.iter().enumerate() {
        let mut store = open(dir.path(), &spec);
        let shard = Shard::new(k + 1, 3).unwrap();
        let summary = run_sweep(&spec, &mut store, &toy, 2, shard, &mut no_progress).unwrap();
        assert_eq!(summary.ran, 6, "18 units in 3 shards");
    }
    let inputs: Vec<PathBuf> = shard_dirs.iter().map(|d| d.path().to_owned()).collect();
    let merged = TempDir::new().unwrap();
    let summary = merge(&inputs, merged.path()).unwrap();
    assert_eq!(
        (summary.added, summary.already_there, summary.total),
        (18, 0, 18)
    );
    let store = open(merged.path(), &spec);
    assert_eq!(store.results().unwrap(), complete_run(&spec, 2));

    let again = merge(&inputs[..1], merged.path()).unwrap();
    assert_eq!((again.added, again.already_there, again.total), (0, 6, 18));
}

#[test]
fn merge_refuses_another_sweeps_store_and_conflicting_units() {
    let spec = sweep(GRID);
    let other = sweep(&edit(GRID, "seed = 42", "seed = 43"));
    let (a, b, out) = (
        TempDir::new().unwrap(),
        TempDir::new().unwrap(),
        TempDir::new().unwrap(),
    );
    run_sweep(
        &spec,
        &mut open(a.path(), &spec),
        &toy,
        1,
        Shard::new(1, 2).unwrap(),
        &mut no_progress,
    )
    .unwrap();
    run_sweep(
        &other,
        &mut open(b.path(), &other),
        &toy,
        1,
        Shard::ALL,
        &mut no_progress,
    )
    .unwrap();
    let error = merge(&[a.path().to_owned(), b.path().to_owned()], out.path()).unwrap_err();
    assert!(
        matches!(error, StoreError::OtherSweepToMerge { .. }),
        "{error}"
    );
    assert!(
        !out.path().join(STORE_FILE_NAME).exists(),
        "nothing written"
    );

    // The same sweep, but one unit's value altered: refused, naming the unit.
    let c = TempDir::new().unwrap();
    run_sweep(
        &spec,
        &mut open(c.path(), &spec),
        &toy,
        1,
        Shard::new(1, 2).unwrap(),
        &mut no_progress,
    )
    .unwrap();
    Connection::open(c.path().join(STORE_FILE_NAME))
        .unwrap()
        .execute("UPDATE results SET value = value + 1 WHERE point = 0 AND replicate = 0 AND metric = 'y'", [])
        .unwrap();
    let error = merge(&[a.path().to_owned(), c.path().to_owned()], out.path()).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Conflict {
                point: 0,
                replicate: 0,
                ..
            }
        ),
        "{error}"
    );
}

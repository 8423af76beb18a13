//! The experiment runner used as a library, without the `yalu` binary: design points to
//! overrides to replicates to named outputs, deterministic whatever the thread count, and
//! experiment files whose unknown outputs are located errors.

use std::path::{Path, PathBuf};

use yalu_lab::experiment::{ExperimentError, Sweep, measure_points};
use yalu_lab::sensitivity_file::{Method, SensitivityFile};
use yalu_lab::sweep::{Problem, SpecError};
use yalu_lab::thread_pool;
use yalu_report::outputs::Catalog;
use yalu_scenario::{BASELINE, Registry, Scenario, SourceText};

/// The baseline cut to 2019, small enough to run a few dozen replicates in a test.
fn short_baseline(dir: &Path) -> PathBuf {
    let text = BASELINE
        .replacen(
            "first_day = \"2017-01-01\"",
            "first_day = \"2019-01-01\"",
            1,
        )
        .replacen("last_day = \"2025-12-31\"", "last_day = \"2019-12-31\"", 1);
    let path = dir.join("short.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn sensitivity_file(dir: &Path, outputs: &str) -> PathBuf {
    short_baseline(dir);
    let path = dir.join("sens.toml");
    std::fs::write(
        &path,
        format!(
            "[sensitivity]\nscenario = \"short.toml\"\nparameters = [\"porter.sites[hyesan].crews\", \"market.rice_price_sigma_per_day\"]\noutputs = [{outputs}]\nseed = 5\n\n[morris]\ntrajectories = 2\nlevels = 4\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn sensitivity_runs_from_a_file_and_does_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::embedded();
    let file = SensitivityFile::load(
        &sensitivity_file(dir.path(), "\"porter.kg_sold_per_year\""),
        &registry,
    )
    .unwrap();
    let one = file.run(Method::Morris, &registry, 1, &|| {}).unwrap();
    let two = file.run(Method::Morris, &registry, 2, &|| {}).unwrap();
    assert_eq!(one.render(), two.render());
    let mu_star = |parameter| {
        one.get("porter.kg_sold_per_year", parameter, "mu_star")
            .unwrap()
    };
    // More crews carry more; with common random numbers the rice market's noise changes
    // nothing porters carry, so its effect is exactly zero.
    assert!(mu_star("porter.sites[hyesan].crews") > 0.0);
    assert_eq!(mu_star("market.rice_price_sigma_per_day"), 0.0);
}

#[test]
fn points_share_random_numbers_and_results_keep_their_order() {
    let registry = Registry::embedded();
    let dir = tempfile::tempdir().unwrap();
    let path = short_baseline(dir.path());
    let text = SourceText::new("short", std::fs::read_to_string(path).unwrap());
    let params = Scenario::parse(&text, &registry).unwrap().params;
    let outputs = Catalog::new(&params)
        .resolve(&["porter.kg_sold_per_year".to_owned()])
        .unwrap();
    let points = [params.clone(), params];
    let measure = |threads| {
        measure_points(
            &thread_pool(threads).unwrap(),
            &points,
            3,
            3,
            &|p, r| outputs.measure(p, &r)[0],
            &|| {},
        )
        .unwrap()
    };
    let one = measure(1);
    assert_eq!(one, measure(2));
    assert_eq!(one[0], one[1], "the same point on the same streams");
    assert_ne!(one[0][0], one[0][1], "replicates differ");
}

#[test]
fn an_unknown_output_is_reported_at_its_line_and_column_with_the_nearest_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sweep.toml");
    std::fs::write(
        &path,
        "[sweep]\nname = \"s\"\nscenario = \"baseline\"\nreplicates = 1\nseed = 1\nmetrics = [\"porter.pay_cny_per_kg\", \"porter.pay_cny_kg\"]\n\n[design]\nkind = \"grid\"\n\n[[parameters]]\npath = \"state_trade.official_levy_share\"\nvalues = [0.1]\n",
    )
    .unwrap();
    let Err(ExperimentError::File(SpecError::Invalid {
        line,
        column,
        field,
        problem: Problem::UnknownOutput(unknown),
        ..
    })) = Sweep::load(&path, &Registry::embedded())
    else {
        panic!("expected an unknown output");
    };
    assert_eq!((line, column, field.as_str()), (6, 37, "sweep.metrics"));
    assert_eq!(unknown.id, "porter.pay_cny_kg");
    assert_eq!(unknown.nearest[0], "porter.pay_cny_per_kg");
}

//! The experiment runner used as a library, without the `yalu` binary: design points to
//! overrides to replicates to named outputs, deterministic whatever the thread count, and
//! experiment files whose unknown outputs are located errors.

use std::path::{Path, PathBuf};

use yalu_lab::experiment::{
    ExperimentError, OUTSIDE_RANGES_KEY, OutsideRange, RangePolicy, Sweep, measure_points,
};
use yalu_lab::sensitivity_file::{Method, SensitivityFile};
use yalu_lab::sweep::Shard;
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
    assert_eq!(one, two);
    let text = file.render(Method::Morris, &one);
    assert!(
        text.contains("4 levels.\n  mu*    mean absolute elementary effect"),
        "{text}"
    );
    assert!(
        text.contains("porter.kg_sold_per_year (kg/year)\nrank  parameter"),
        "{text}"
    );
    // Ranked: the crews (a real effect) above the rice market's noise (none).
    let crews = text
        .find("1  porter.sites[hyesan].crews")
        .expect("crews rank first");
    assert!(crews < text.find("2  market.rice_price_sigma_per_day").unwrap());
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
    })) = Sweep::load(&path, &Registry::embedded(), RangePolicy::Recorded)
    else {
        panic!("expected an unknown output");
    };
    assert_eq!((line, column, field.as_str()), (6, 37, "sweep.metrics"));
    assert_eq!(unknown.id, "porter.pay_cny_kg");
    assert_eq!(unknown.nearest[0], "porter.pay_cny_per_kg");
}

#[test]
fn sobol_on_too_few_samples_warns_to_increase_them() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::embedded();
    let path = sensitivity_file(dir.path(), "\"porter.kg_sold_per_year\"");
    let text = std::fs::read_to_string(&path).unwrap()
        + "\n[sobol]\nbase_samples = 4\nbootstrap_resamples = 20\nconfidence_level = 0.9\n";
    std::fs::write(&path, text).unwrap();
    let file = SensitivityFile::load(&path, &registry).unwrap();
    let rows = file.run(Method::Sobol, &registry, 2, &|| {}).unwrap();
    let text = file.render(Method::Sobol, &rows);
    assert!(text.contains("S1     first-order index"), "{text}");
    assert!(text.contains("increase base_samples"), "{text}");
}

/// The README's what-if: a hard crackdown in 2024 only, appended to the baseline.
fn what_if_2024() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let walkthrough = &readme[readme
        .find("## Write a what-if scenario")
        .expect("README has the walkthrough")..];
    let start = walkthrough.find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + walkthrough[start..].find("```").unwrap();
    format!("{BASELINE}\n{}", &walkthrough[start..end])
}

#[test]
fn a_2024_only_policy_shows_its_full_effect_in_a_windowed_compare() {
    use yalu_lab::EnsembleSpec;
    use yalu_lab::compare::compare;
    let registry = Registry::embedded();
    let a = Scenario::parse(&SourceText::new("<baseline>", BASELINE), &registry).unwrap();
    let b = Scenario::parse(&SourceText::new("what-if.toml", what_if_2024()), &registry).unwrap();
    let spec = EnsembleSpec {
        seed: 7,
        replicates: 2,
        threads: 2,
    };
    let id = "goods.delivered_cny_per_year[state_smuggling]";
    let difference = |window: Option<&str>| {
        let window = window.map(|w| w.parse().unwrap());
        let differences = compare(&a.params, &b.params, spec, true, window, &|| {}).unwrap();
        let wanted = match window {
            Some(w) => format!("{id}@{w}"),
            None => id.to_owned(),
        };
        differences
            .into_iter()
            .find(|d| d.metric == wanted)
            .unwrap_or_else(|| panic!("{wanted} compared"))
            .mean_difference
    };
    // Common random numbers: before the policy the runs are identical.
    assert_eq!(difference(Some("2017..2023")), 0.0);
    let (year, run) = (difference(Some("2024")), difference(None));
    assert!(year < 0.0, "a crackdown cuts smuggling: {year}");
    // Over the nine-year run the same policy reads several times weaker.
    assert!(
        year.abs() > 4.0 * run.abs(),
        "2024: {year}, whole run: {run}"
    );
}

#[test]
fn a_sweep_runs_beyond_a_recorded_range_only_when_allowed_and_its_store_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_baseline(dir.path());
    let path = dir.path().join("stress.toml");
    // [200, 10000] CNY a load is the baseline's recorded range; 150 and 12,000 leave it.
    std::fs::write(
        &path,
        format!(
            "[sweep]\nname = \"stress\"\nscenario = \"{}\"\nreplicates = 1\nseed = 5\nmetrics = [\"fx.usd_per_year[state_trade]\"]\n\n[design]\nkind = \"list\"\n\n[[parameters]]\npath = \"state_trade.bribe_cny_per_load.state_security\"\nvalues = [12000, 2500, 150, 12000]\n\n[[parameters]]\npath = \"state_trade.official_levy_share\"\nvalues = [0.3, 0.3, 0.3, 0.9]\n",
            scenario.display()
        ),
    )
    .unwrap();
    let registry = Registry::embedded();
    let Err(ExperimentError::OutsideRange { outside, .. }) =
        Sweep::load(&path, &registry, RangePolicy::Recorded)
    else {
        panic!("a value beyond the recorded range is refused by default");
    };
    let expected = vec![OutsideRange {
        parameter: "state_trade.bribe_cny_per_load.state_security".into(),
        recorded_range: [200.0, 10000.0],
        values: vec![150.0, 12000.0],
    }];
    // The levy cites a claim without a stated range: any share is an experiment's input.
    assert_eq!(outside.to_vec(), expected);

    let sweep = Sweep::load(&path, &registry, RangePolicy::AllowOutside).unwrap();
    assert_eq!(sweep.outside_ranges(), expected.as_slice());
    let out = dir.path().join("out");
    let run = sweep.run(&out, 2, Shard::ALL, &mut |_, _| {}).unwrap();
    assert_eq!(run.summary.ran, 4);
    let store = sweep.open_store(&out).unwrap();
    let recorded: serde_json::Value =
        serde_json::from_str(&store.meta(OUTSIDE_RANGES_KEY).unwrap().unwrap()).unwrap();
    assert_eq!(recorded, serde_json::to_value(&expected).unwrap());
    let values: Vec<f64> = store.results().unwrap().iter().map(|r| r.value).collect();
    assert_eq!(values.len(), 4);
    assert!(values.iter().all(|v| v.is_finite()), "{values:?}");
}

#[test]
fn a_sensitivity_design_run_as_a_sweep_gives_the_local_estimates() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::embedded();
    let path = sensitivity_file(
        dir.path(),
        "\"porter.kg_sold_per_year\", \"porter.pay_cny_per_kg\"",
    );
    let file = SensitivityFile::load(&path, &registry).unwrap();
    let local = file.run(Method::Morris, &registry, 2, &|| {}).unwrap();
    let sweep = file.sweep(Method::Morris, &registry).unwrap();
    assert_eq!(
        sweep.spec().points().len(),
        file.points(Method::Morris).unwrap().len()
    );
    let out = dir.path().join("store");
    // Half the units, then the rest, as a resumed scheduler would leave them.
    sweep
        .run(&out, 1, "1/2".parse().unwrap(), &mut |_, _| {})
        .unwrap();
    let store = sweep.open_store(&out).unwrap();
    assert!(
        file.from_store(Method::Morris, &store).is_err(),
        "incomplete"
    );
    drop(store);
    sweep.run(&out, 2, Shard::ALL, &mut |_, _| {}).unwrap();
    let store = sweep.open_store(&out).unwrap();
    assert_eq!(file.from_store(Method::Morris, &store).unwrap(), local);
    // Rebuilt from its texts (as a worker unpickles it), it is the same sweep and store.
    let (text, scenario) = sweep.texts();
    let rebuilt = Sweep::from_texts(
        &path,
        text,
        scenario.clone(),
        &registry,
        RangePolicy::Recorded,
    )
    .unwrap();
    assert_eq!(
        rebuilt.evaluate(3, 0).unwrap(),
        sweep.evaluate(3, 0).unwrap()
    );
}

#[test]
fn a_stop_flag_ends_a_comparison_between_replicates() {
    use std::sync::atomic::AtomicBool;
    use yalu_lab::compare::compare;
    use yalu_lab::experiment::StopFlag;
    use yalu_lab::{EnsembleSpec, LabError};
    let registry = Registry::embedded();
    let a = Scenario::parse(&SourceText::new("<baseline>", BASELINE), &registry).unwrap();
    let spec = EnsembleSpec {
        seed: 7,
        replicates: 50,
        threads: 2,
    };
    let stop = AtomicBool::new(true);
    let started = std::time::Instant::now();
    let outcome = compare(&a.params, &a.params, spec, true, None, &StopFlag(&stop));
    assert!(matches!(outcome, Err(LabError::Cancelled)), "{outcome:?}");
    assert!(started.elapsed().as_secs() < 5, "no replicate ran");
}

/// Runs `replicates` of a short baseline into `dir/run` (seed 3, one thread) over
/// `window`, counting the replicates done: the folder, the spec, the outcome, the ticks
/// and the scenario text's hash.
fn short_run(
    dir: &Path,
    replicates: u32,
    window: Option<yalu_report::window::Window>,
) -> (PathBuf, Result<String, ExperimentError>, u32, String) {
    use yalu_lab::posterior::sha256_hex;
    use yalu_lab::run_folder::{RunFolder, run_into};
    let (scenario, text) = yalu_lab::experiment::load_scenario(
        &yalu_lab::sweep::ScenarioSource::File(short_baseline(dir)),
        &Registry::embedded(),
    )
    .unwrap();
    let folder = RunFolder {
        out_dir: dir.join("run"),
        replicate_files: false,
        window,
        posterior: None,
    };
    let spec = yalu_lab::EnsembleSpec {
        seed: 3,
        replicates,
        threads: 1,
    };
    let ticks = std::sync::atomic::AtomicU32::new(0);
    let done = run_into(
        &folder,
        (&scenario, &text),
        &Registry::embedded(),
        spec,
        &|| {
            ticks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        },
    )
    .map(|done| done.render(&scenario, spec, &folder.out_dir));
    (
        folder.out_dir,
        done,
        ticks.into_inner(),
        sha256_hex(text.text.as_bytes()),
    )
}

#[test]
fn a_run_writes_its_folder_and_says_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let (out, said, ticks, sha256) = short_run(dir.path(), 2, None);
    let said = said.unwrap();
    assert_eq!(ticks, 2, "one tick per replicate");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["replicates"], 2);
    assert_eq!(manifest["scenario_sha256"], sha256);
    assert!(out.join("scenario.json").is_file());
    assert!(said.contains("seed 3, 2 replicate(s)"), "{said}");
    let default = yalu_lab::run_folder::default_out("x");
    assert_eq!(default, Path::new("out").join("x"));
}

#[test]
fn a_window_outside_the_run_is_refused_as_bad_input_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let window = yalu_report::window::Window::year(2024);
    let (out, said, ticks, _) = short_run(dir.path(), 1, Some(window));
    let error = said.expect_err("refused");
    assert!(error.is_bad_input(), "{error}");
    assert_eq!(ticks, 0, "nothing ran");
    assert!(!out.exists(), "no folder is written");
}

#[test]
fn a_sensitivity_run_writes_its_estimates_and_ranking() {
    let dir = tempfile::tempdir().unwrap();
    let path = sensitivity_file(dir.path(), "\"porter.kg_sold_per_year\"");
    let registry = Registry::embedded();
    let file = SensitivityFile::load(&path, &registry).unwrap();
    let out = dir.path().join("sens-out");
    let said = file
        .run_into(&out, Method::Morris, &registry, 1, &|| ())
        .unwrap();
    for name in ["sensitivity.csv", "ranking.csv"] {
        assert!(out.join(name).is_file(), "{name}");
    }
    let ranking = std::fs::read_to_string(out.join("ranking.csv")).unwrap();
    assert_eq!(ranking.lines().next(), Some("rank,parameter,score"));
    assert_eq!(ranking.lines().count(), 1 + file.parameters());
    assert!(said.contains("rank  score  parameter"), "{said}");
    assert_eq!(
        file.runs(Method::Morris).unwrap(),
        file.points(Method::Morris).unwrap().len() as u64 * u64::from(file.replicates())
    );
    assert_eq!(Method::named("sobol"), Some(Method::Sobol));
    assert_eq!(Method::named("fast"), None);
}

#[test]
fn a_run_writes_the_same_bytes_whatever_the_thread_count() {
    use yalu_lab::run_folder::{RunFolder, run_into};
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::embedded();
    let (scenario, text) = yalu_lab::experiment::load_scenario(
        &yalu_lab::sweep::ScenarioSource::File(short_baseline(dir.path())),
        &registry,
    )
    .unwrap();
    // 1, 2 and 3 threads cut 20 replicates into chunks of 5, 3 and 2, merged in order.
    let files = [
        "summary.csv",
        "headline.csv",
        "summary_by_year.csv",
        "flows.csv",
    ];
    let run = |threads: usize| {
        let folder = RunFolder {
            out_dir: dir.path().join(format!("run{threads}")),
            replicate_files: true,
            window: None,
            posterior: None,
        };
        let spec = yalu_lab::EnsembleSpec {
            seed: 11,
            replicates: 20,
            threads,
        };
        run_into(&folder, (&scenario, &text), &registry, spec, &|| {}).unwrap();
        files.map(|name| std::fs::read(folder.out_dir.join(name)).unwrap())
    };
    let one = run(1);
    assert!(
        one.iter().all(|bytes| bytes.len() > 1_000),
        "every file has rows"
    );
    for threads in [2, 3] {
        let other = run(threads);
        for (name, (a, b)) in files.iter().zip(one.iter().zip(&other)) {
            assert!(a == b, "{name} differs between 1 and {threads} threads");
        }
    }
}

#[test]
fn the_cap_outputs_count_2017_from_october_against_unscr_2375s_quarter() {
    // No cap before October 2017, then 500,000 barrels for October-December: the 2017
    // figure is the fuel delivered in those three months over 500,000, and a window
    // wholly before the cap has no figure at all.
    use yalu_model::observe::ObservedRecord;
    use yalu_report::outputs::values_in;
    use yalu_report::window::Window;
    let params = Scenario::baseline(&Registry::embedded()).unwrap().params;
    let result = yalu_model::run_replicate(&params, 7, 0).unwrap();
    let fuel = params
        .goods
        .iter()
        .position(|g| g.id == "refined_petroleum")
        .unwrap();
    let delivered = |from: usize, to: usize| -> i64 {
        result
            .observed
            .iter()
            .filter(|o| usize::from(o.good.0) == fuel && (from..=to).contains(&o.month))
            .map(ObservedRecord::true_delivered)
            .sum()
    };
    let value = |window: &str, id: &str| {
        values_in(&params, &result, Some(window.parse::<Window>().unwrap()))
            .into_iter()
            .find(|v| v.id == format!("{id}@{window}"))
            .map(|v| v.value)
    };
    // Months are counted from January 2017: October-December are 9-11.
    let expected = delivered(9, 11) as f64 / 500_000.0;
    assert!(delivered(0, 8) > 0, "fuel arrives before the cap too");
    let got = value("2017", "sea.cap_multiple_delivered").unwrap();
    assert!((got - expected).abs() < 1e-9, "{got} against {expected}");
    assert_eq!(
        value("2017-01..2017-09", "sea.cap_multiple_delivered"),
        None
    );
}

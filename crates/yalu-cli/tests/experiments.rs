//! Experiments from the command line: Monte Carlo summaries, paired comparison with common
//! random numbers, resumable sweeps, sensitivity analysis, validation and evidence coverage.

mod common;

use common::{text, yalu};
use std::path::Path;

fn baseline_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/baseline.toml")
        .display()
        .to_string()
}

/// A one-year copy of the baseline (2019), small enough for quick experiments.
fn short_baseline(dir: &Path, name: &str, replace: &[(&str, &str)]) -> String {
    let mut scenario = std::fs::read_to_string(baseline_path())
        .unwrap()
        .replacen("name = \"baseline\"", &format!("name = \"{name}\""), 1)
        .replacen(
            "first_day = \"2017-01-01\"",
            "first_day = \"2019-01-01\"",
            1,
        )
        .replacen("last_day = \"2025-12-31\"", "last_day = \"2019-12-31\"", 1);
    for (from, to) in replace {
        assert!(scenario.contains(from), "{from}");
        scenario = scenario.replacen(from, to, 1);
    }
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, scenario).unwrap();
    path.display().to_string()
}

/// A replacement that turns the baseline's parameter `key` (its first occurrence) into
/// `key = {table}`: a what-if departs from a sourced value only as an assumption.
fn what_if(key: &str, table: &str) -> (String, String) {
    let baseline = std::fs::read_to_string(baseline_path()).unwrap();
    let line = baseline
        .lines()
        .find(|l| l.starts_with(&format!("{key} = {{")))
        .unwrap_or_else(|| panic!("no {key} in the baseline"));
    (line.to_owned(), format!("{key} = {table}"))
}

#[test]
fn many_replicates_give_a_summary_with_bands_and_can_skip_replicate_files() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_baseline(dir.path(), "short", &[]);
    let out = yalu(
        &[
            "run",
            "--scenario",
            &scenario,
            "--replicates",
            "6",
            "--no-replicate-files",
            "--out",
            "mc",
            "--quiet",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = dir.path().join("mc");
    assert!(
        !run.join("flows.csv").exists(),
        "replicate files were asked away"
    );
    let summary = std::fs::read_to_string(run.join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    assert_eq!(
        lines.next().unwrap(),
        "table,month,key,metric,replicates,mean,p05,p50,p95"
    );
    let row = summary
        .lines()
        .find(|l| l.starts_with("fx,2019-06,overseas_labour,amount_usd,"))
        .expect("a monthly FX series");
    let cells: Vec<f64> = row.split(',').skip(4).map(|c| c.parse().unwrap()).collect();
    assert_eq!(cells[0], 6.0);
    assert!(cells[2] <= cells[3] && cells[3] <= cells[4], "{row}");
    let flows = summary.lines().filter(|l| l.starts_with("flows,")).count();
    assert!(flows > 100, "flows series summarised: {flows}");
}

#[test]
fn common_random_numbers_narrow_the_interval_of_a_difference() {
    let dir = tempfile::tempdir().unwrap();
    let a = short_baseline(dir.path(), "a", &[]);
    let (line, lower_levy) = what_if(
        "official_levy_share",
        r#"{ value = 0.2, unit = "share", assumption = "What if the levy were 20%?", range = [0, 1] }"#,
    );
    let b = short_baseline(dir.path(), "b", &[(&line, &lower_levy)]);
    let width = |independent: bool| {
        let mut args = vec![
            "compare",
            a.as_str(),
            b.as_str(),
            "--replicates",
            "12",
            "--out",
        ];
        args.push(if independent { "ind" } else { "crn" });
        if independent {
            args.push("--independent");
        }
        let out = yalu(&args, dir.path());
        assert!(out.status.success(), "{}", text(&out.stderr));
        let csv = std::fs::read_to_string(
            dir.path()
                .join(if independent { "ind" } else { "crn" })
                .join("compare.csv"),
        )
        .unwrap();
        assert!(csv.starts_with(
            "metric,unit,replicates,mean_a,mean_b,mean_difference,difference_p05,difference_p95"
        ));
        let row = csv
            .lines()
            .find(|l| l.starts_with("porter.income_cny_per_month,"))
            .expect("porter income compared");
        let cells: Vec<&str> = row.split(',').collect();
        let cell = |back: usize| cells[cells.len() - back].parse::<f64>().unwrap();
        cell(1) - cell(2)
    };
    let (crn, independent) = (width(false), width(true));
    // The levy does not touch porters, so with common random numbers their income is
    // identical in each pair; with independent streams it differs by the draw's luck.
    assert!(
        crn < 0.1 * independent,
        "CRN {crn} vs independent {independent}"
    );
}

#[test]
fn sweep_shards_merged_equal_the_unsharded_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_baseline(dir.path(), "short", &[]);
    let sweep = format!(
        "[sweep]\nname = \"levy\"\nscenario = \"{scenario}\"\nreplicates = 2\nseed = 3\nmetrics = [\"state_trade.smuggling_value_share\", \"fx.total_usd_per_year\"]\n\n[design]\nkind = \"grid\"\n\n[[parameters]]\npath = \"state_trade.official_levy_share\"\nvalues = [0.1, 0.3, 0.5]\n"
    );
    std::fs::write(dir.path().join("sweep.toml"), &sweep).unwrap();
    let run = |args: &[&str]| {
        let out = yalu(args, dir.path());
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    run(&["sweep", "sweep.toml", "--out", "whole"]);
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let stdout = run(&[
            "sweep",
            "sweep.toml",
            "--shard",
            &shard,
            "--out",
            &format!("s{k}"),
        ]);
        assert!(
            stdout.contains(&format!("(shard {shard}: 2 units)")),
            "{stdout}"
        );
    }
    let merged = run(&[
        "sweep",
        "merge",
        "--out",
        "merged",
        "s1",
        "s2",
        "s3/sweep.sqlite",
    ]);
    assert!(
        merged.contains("6 units added, 0 already there, 6 in all"),
        "{merged}"
    );
    let finished = run(&["sweep", "sweep.toml", "--out", "merged"]);
    assert!(
        finished.contains("6 runs were already done, 0 ran now"),
        "{finished}"
    );
    let at =
        |d: &str| std::fs::read_to_string(dir.path().join(d).join("sweep_summary.csv")).unwrap();
    assert_eq!(at("merged"), at("whole"));

    // A store of another sweep (another seed) is refused as bad input.
    std::fs::write(
        dir.path().join("other.toml"),
        sweep.replace("seed = 3", "seed = 4"),
    )
    .unwrap();
    run(&["sweep", "other.toml", "--shard", "1/3", "--out", "o1"]);
    let out = yalu(
        &["sweep", "merge", "--out", "mixed", "s1", "o1"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("refusing to merge"),
        "{}",
        text(&out.stderr)
    );
    let out = yalu(&["sweep", "sweep.toml", "--shard", "4/3"], dir.path());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_sweep_runs_resumes_and_refuses_a_foreign_store() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_baseline(dir.path(), "short", &[]);
    let sweep = format!(
        "[sweep]\nname = \"levy\"\nscenario = \"{scenario}\"\nreplicates = 2\nseed = 3\nmetrics = [\"state_trade.smuggling_value_share\"]\n\n[design]\nkind = \"grid\"\n\n[[parameters]]\npath = \"state_trade.official_levy_share\"\nvalues = [0.1, 0.3]\n"
    );
    std::fs::write(dir.path().join("sweep.toml"), &sweep).unwrap();
    let out = yalu(&["sweep", "sweep.toml", "--out", "sw"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("0 runs were already done, 4 ran now"),
        "{}",
        text(&out.stdout)
    );
    let again = yalu(&["sweep", "sweep.toml", "--out", "sw"], dir.path());
    assert!(again.status.success());
    assert!(
        text(&again.stdout).contains("4 runs were already done, 0 ran now"),
        "{}",
        text(&again.stdout)
    );
    let summary = std::fs::read_to_string(dir.path().join("sw/sweep_summary.csv")).unwrap();
    let mean = |point: &str| -> f64 {
        let row = summary
            .lines()
            .find(|l| l.starts_with(&format!("{point},")))
            .unwrap();
        row.split(',').nth(3).unwrap().parse().unwrap()
    };
    assert!(
        mean("1") > mean("0"),
        "a higher levy pushes value into smuggling:\n{summary}"
    );

    let bad = sweep.replace(
        "state_trade.official_levy_share",
        "state_trade.official_levy",
    );
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let out = yalu(&["sweep", "bad.toml", "--out", "sw2"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("state_trade.official_levy"),
        "{}",
        text(&out.stderr)
    );

    std::fs::create_dir(dir.path().join("foreign")).unwrap();
    std::fs::write(
        dir.path().join("foreign/sweep.sqlite"),
        b"not a database at all",
    )
    .unwrap();
    let out = yalu(&["sweep", "sweep.toml", "--out", "foreign"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("foreign/sweep.sqlite")).unwrap(),
        b"not a database at all"
    );
}

#[test]
fn a_sweep_beyond_a_recorded_range_is_refused_unless_allowed_and_then_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_baseline(dir.path(), "short", &[]);
    // The baseline records [200, 10000] CNY a load for State Security; 20,000 is beyond.
    let sweep = format!(
        "[sweep]\nname = \"stress\"\nscenario = \"{scenario}\"\nreplicates = 1\nseed = 3\nmetrics = [\"fx.usd_per_year[state_trade]\"]\n\n[design]\nkind = \"list\"\n\n[[parameters]]\npath = \"state_trade.bribe_cny_per_load.state_security\"\nvalues = [2500, 20000]\n"
    );
    std::fs::write(dir.path().join("stress.toml"), &sweep).unwrap();

    let refused = yalu(&["sweep", "stress.toml", "--out", "refused"], dir.path());
    assert_eq!(refused.status.code(), Some(2));
    let stderr = text(&refused.stderr);
    let range_line = std::fs::read_to_string(&scenario)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("state_security = {"))
        .unwrap()
        + 1;
    for expected in [
        format!("short.toml:{range_line}:"),
        "`state_trade.bribe_cny_per_load.state_security.value`".to_owned(),
        "outside its stated range [200, 10000]".to_owned(),
        "--allow-outside-range".to_owned(),
    ] {
        assert!(stderr.contains(&expected), "{expected} in:\n{stderr}");
    }
    assert!(!dir.path().join("refused/sweep.sqlite").exists());

    let allowed = yalu(
        &[
            "sweep",
            "stress.toml",
            "--out",
            "allowed",
            "--allow-outside-range",
        ],
        dir.path(),
    );
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    let stderr = text(&allowed.stderr);
    assert!(
        stderr.contains(
            "`state_trade.bribe_cny_per_load.state_security` = 20000 (recorded range [200, 10000])"
        ),
        "{stderr}"
    );
    assert!(text(&allowed.stdout).contains("2 ran now"));
    // The store says which parameter left its range, with the value and the range.
    let store: Vec<u8> = ["sweep.sqlite", "sweep.sqlite-wal"]
        .iter()
        .flat_map(|f| std::fs::read(dir.path().join("allowed").join(f)).unwrap_or_default())
        .collect();
    let recorded = r#"[{"parameter":"state_trade.bribe_cny_per_load.state_security","recorded_range":[200.0,10000.0],"values":[20000.0]}]"#;
    assert!(
        store
            .windows(recorded.len())
            .any(|w| w == recorded.as_bytes()),
        "the store's meta records the excursion"
    );
}

#[test]
fn morris_sensitivity_ranks_parameters_over_their_recorded_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_baseline(dir.path(), "short", &[]);
    let sens = format!(
        "[sensitivity]\nscenario = \"{scenario}\"\nparameters = [\"porter.sites[hyesan].crews\", \"market.rice_price_sigma_per_day\"]\noutputs = [\"porter.kg_sold_per_year\"]\nseed = 5\n\n[morris]\ntrajectories = 3\nlevels = 4\n"
    );
    std::fs::write(dir.path().join("sens.toml"), sens).unwrap();
    let out = yalu(
        &[
            "sensitivity",
            "sens.toml",
            "--method",
            "morris",
            "--out",
            "se",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(dir.path().join("se/sensitivity.csv")).unwrap();
    let mu_star = |parameter: &str| -> f64 {
        csv.lines()
            .find(|l| l.contains(parameter) && l.contains(",mu_star,"))
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    // More crews carry more; the rice market's noise does not touch what porters carry.
    assert!(mu_star("porter.sites[hyesan].crews") > 0.0);
    assert_eq!(mu_star("market.rice_price_sigma_per_day"), 0.0);

    let unranged = "[sensitivity]\nscenario = \"baseline\"\nparameters = [\"porter.min_load_kg\"]\noutputs = [\"porter.pay_cny_per_kg\"]\nseed = 1\n";
    std::fs::write(dir.path().join("unranged.toml"), unranged).unwrap();
    let out = yalu(&["sensitivity", "unranged.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no recorded range"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn validate_reports_every_pattern_and_fails_on_a_missed_emergent_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = yalu(&["validate", "--replicates", "2", "--out", "v"], dir.path());
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("v/validation.json")).unwrap(),
    )
    .unwrap();
    let checks = json["patterns"].as_array().unwrap();
    for field in [
        "id",
        "kind",
        "source",
        "target",
        "simulated",
        "tolerance",
        "pass",
        "covered",
    ] {
        assert!(checks.iter().all(|c| c.get(field).is_some()), "{field}");
    }
    // Exit 1 exactly when a covered pattern misses, each miss named with its class.
    let missed: Vec<String> = checks
        .iter()
        .filter(|c| c["covered"] == true && c["pass"] == false)
        .map(|c| {
            format!(
                "{} ({})",
                c["id"].as_str().unwrap(),
                c["kind"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        out.status.code(),
        Some(if missed.is_empty() { 0 } else { 1 })
    );
    for miss in &missed {
        assert!(text(&out.stderr).contains(miss.as_str()), "{miss}");
    }
    for c in checks {
        let kind = c["kind"].as_str().unwrap();
        assert!(["input", "calibrated", "emergent"].contains(&kind), "{c}");
        assert!(c["how"].as_str().unwrap().len() > 10, "{c}");
    }
    // Only emergent passes are evidence; the file says so class by class.
    let scores = json["pattern_scores"].as_array().unwrap();
    for s in scores {
        assert_eq!(s["evidence"], s["class"] == "emergent", "{s}");
        let passed = checks
            .iter()
            .filter(|c| c["kind"] == s["class"] && c["pass"] == true)
            .count();
        assert_eq!(s["passed"], passed, "{s}");
    }
    // The observed series in the same file: each with its use, bound, median and band,
    // and the in-sample and out-of-sample hit rates counted from them.
    let observations = json["observations"].as_array().unwrap();
    let rate = |use_: &str| {
        let chosen: Vec<_> = observations.iter().filter(|o| o["use"] == use_).collect();
        let hit = chosen.iter().filter(|o| o["pass"] == true).count();
        serde_json::json!([hit, chosen.len()])
    };
    assert_eq!(json["observation_scores"]["in_sample"], rate("calibration"));
    assert_eq!(json["observation_scores"]["out_of_sample"], rate("test"));
    assert!(
        rate("test")[1].as_u64().unwrap() > 0,
        "test observations are scored"
    );
    for o in observations {
        for field in ["low", "high", "period", "unit"] {
            assert!(o.get(field).is_some(), "{field}: {o}");
        }
        let band = &o["simulated"];
        let (p05, median, p95) = (
            band["p05"].as_f64().unwrap(),
            band["median"].as_f64().unwrap(),
            band["p95"].as_f64().unwrap(),
        );
        assert!(p05 <= median && median <= p95, "{o}");
    }
    assert!(
        !dir.path().join("v/observations.json").exists(),
        "one file holds both scores"
    );
    let p10 = checks.iter().find(|c| c["id"] == "P10").unwrap();
    assert_eq!(p10["covered"], false, "the baseline has no 2014 couriers");
    assert!(p10["pass"].is_null(), "not covered is not passed");

    // Porters paid 60% of the profit earn far more than the testimony's 0.8 CNY/kg.
    let guards = what_if(
        "border_guards_share",
        r#"{ value = 0.1, unit = "share", assumption = "What if guards took 10%?", range = [0, 1] }"#,
    );
    let porters = what_if(
        "porters_share",
        r#"{ value = 0.6, unit = "share", assumption = "What if porters took 60%?", range = [0, 1] }"#,
    );
    let greedy = short_baseline(
        dir.path(),
        "greedy",
        &[(&guards.0, &guards.1), (&porters.0, &porters.1)],
    );
    let out = yalu(
        &[
            "validate",
            "--scenario",
            &greedy,
            "--replicates",
            "2",
            "--out",
            "g",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("P2 (calibrated)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn evidence_coverage_counts_sourced_and_assumed_inputs_per_submodel() {
    let dir = tempfile::tempdir().unwrap();
    let out = yalu(&["evidence", "--coverage", "--format", "json"], dir.path());
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = report["rows"].as_array().unwrap();
    // Per submodel, then all inputs, then the 30 most influential (evidence/influence.csv).
    let top = rows.last().unwrap();
    assert_eq!(top["submodel"], "top 30 (Morris)");
    assert_eq!(top["inputs"].as_u64().unwrap(), 30);
    // The same 30 one by one, in rank order, with the same count sourced.
    let inputs = report["most_influential"].as_array().unwrap();
    let ranks: Vec<u64> = inputs.iter().map(|i| i["rank"].as_u64().unwrap()).collect();
    assert_eq!(ranks, (1..=30).collect::<Vec<u64>>());
    let sourced = inputs.iter().filter(|i| i["sourced"] == true).count() as u64;
    assert_eq!(sourced, top["sourced"].as_u64().unwrap());
    let all = &rows[rows.len() - 2];
    assert_eq!(all["submodel"], "all");
    let sum = |field: &str| {
        rows[..rows.len() - 2]
            .iter()
            .map(|r| r[field].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(all["inputs"].as_u64().unwrap(), sum("inputs"));
    assert_eq!(all["sourced"].as_u64().unwrap(), sum("sourced"));
    let profit_split = rows
        .iter()
        .find(|r| r["submodel"] == "profit_split")
        .unwrap();
    assert_eq!(profit_split["sourced_share"], 1.0);
}

#[test]
fn an_unknown_output_in_a_sweep_file_is_bad_input_naming_its_line_and_the_nearest_ids() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = "[sweep]\nname = \"typo\"\nscenario = \"baseline\"\nreplicates = 1\nseed = 1\nmetrics = [\n  \"porter.pay_cny_per_kg\",\n  \"fx.totl_usd_per_year\",\n]\n\n[design]\nkind = \"grid\"\n\n[[parameters]]\npath = \"state_trade.official_levy_share\"\nvalues = [0.1]\n";
    std::fs::write(dir.path().join("typo.toml"), sweep).unwrap();
    let out = yalu(&["sweep", "typo.toml", "--out", "never"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("typo.toml:8:3: `sweep.metrics`: unknown output `fx.totl_usd_per_year`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("nearest: fx.total_usd_per_year"),
        "{stderr}"
    );
    assert!(!dir.path().join("never").exists(), "nothing ran");
}

#[test]
fn an_unknown_output_in_a_sensitivity_file_is_located_too() {
    let dir = tempfile::tempdir().unwrap();
    let sens = "[sensitivity]\nscenario = \"baseline\"\nparameters = [\"porter.sites[hyesan].crews\"]\noutputs = [\"porter.pay_cny_per_kg[hyesam]\"]\nseed = 1\n";
    std::fs::write(dir.path().join("sens.toml"), sens).unwrap();
    let out = yalu(&["sensitivity", "sens.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("sens.toml:4:12: `sensitivity.outputs`"),
        "{stderr}"
    );
    assert!(stderr.contains("porter.pay_cny_per_kg[hyesan]"), "{stderr}");
}

#[test]
fn outputs_lists_every_id_with_unit_aggregation_and_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let out = yalu(&["outputs"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for def in yalu_report::outputs::OUTPUTS {
        assert!(stdout.contains(def.id), "{} not listed", def.id);
        assert!(stdout.contains(def.unit), "{} unit", def.id);
        assert!(stdout.contains(def.description), "{} description", def.id);
    }
    assert!(
        stdout.contains("porter.kg_sold_per_year[<site>]"),
        "{stdout}"
    );
    assert!(stdout.contains("<site>: hyesan"), "{stdout}");
    assert!(stdout.contains("total over the window divided by its years (missing = 0)"));
    assert!(stdout.contains("`fx.total_usd_per_year@2024`"), "{stdout}");
}

/// The band (p95 - p05) of a headline figure in a run folder's headline.csv.
fn headline_band(run: &Path, id: &str) -> f64 {
    let csv = std::fs::read_to_string(run.join("headline.csv")).unwrap();
    let row = csv
        .lines()
        .find(|l| l.split(',').nth(1) == Some(id))
        .unwrap_or_else(|| panic!("no {id} in headline.csv"));
    let fields: Vec<f64> = row
        .rsplit(',')
        .take(3)
        .map(|x| x.parse().unwrap())
        .collect();
    // Last three columns: p95, p50, p05 read from the right.
    fields[0] - fields[2]
}

#[test]
fn a_posterior_carries_parameter_uncertainty_into_the_bands_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_baseline(dir.path(), "short", &[]);
    std::fs::write(
        dir.path().join("fit.toml"),
        format!(
            "[calibration]\nscenario = \"{scenario}\"\n\
             parameters = [\"maritime.fleets[nampo_coal_carriers].ships\"]\n\
             observations = [\"tt2020afp-coal-jan-aug-2019-obs\"]\n\
             samples = 8\naccept_share = 0.5\nreplicates = 1\nseed = 5\n"
        ),
    )
    .unwrap();
    let calibrate = |out: &str| {
        let run = yalu(&["calibrate", "fit.toml", "--out", out], dir.path());
        assert!(run.status.success(), "{}", text(&run.stderr));
    };
    calibrate("c1");
    calibrate("c2");
    let posterior_name = "short-calibrated.posterior.json";
    for name in [posterior_name, "short-calibrated.toml", "calibration.json"] {
        let read = |out: &str| std::fs::read(dir.path().join(out).join(name)).unwrap();
        assert_eq!(read("c1"), read("c2"), "{name} differs for the same seed");
    }
    let posterior: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("c1").join(posterior_name)).unwrap())
            .unwrap();
    assert_eq!(posterior["sets"].as_array().unwrap().len(), 4, "half of 8");
    assert_eq!(posterior["seed"], 5);

    let calibrated = "c1/short-calibrated.toml";
    let with_posterior = format!("c1/{posterior_name}");
    let run = |out: &str, posterior: bool| {
        let mut args = vec![
            "run",
            "--scenario",
            calibrated,
            "--replicates",
            "8",
            "--no-replicate-files",
            "--out",
            out,
        ];
        if posterior {
            args.extend(["--posterior", &with_posterior]);
        }
        let run = yalu(&args, dir.path());
        assert!(run.status.success(), "{}", text(&run.stderr));
        text(&run.stdout)
    };
    let printed = run("p1", true);
    assert!(
        printed.contains("randomness and parameter uncertainty")
            && printed.contains("of the 4 accepted parameter sets"),
        "{printed}"
    );
    run("p2", true);
    for name in ["summary.csv", "headline.csv"] {
        let read = |out: &str| std::fs::read(dir.path().join(out).join(name)).unwrap();
        assert_eq!(read("p1"), read("p2"), "{name} differs for the same seed");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("p1/manifest.json")).unwrap())
            .unwrap();
    let used = &manifest["posterior"];
    assert_eq!(used["sets"], 4);
    assert_eq!(used["sha256"].as_str().unwrap().len(), 64);
    let sets: std::collections::BTreeSet<u64> = used["set_of_replicate"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    assert_eq!(used["set_of_replicate"].as_array().unwrap().len(), 8);
    assert!(sets.len() > 1, "replicates drew different sets: {sets:?}");

    let printed = run("fixed", false);
    assert!(printed.contains("randomness only"), "{printed}");
    let fixed = std::fs::read_to_string(dir.path().join("fixed/manifest.json")).unwrap();
    assert!(fixed.contains("\"posterior\": null"), "{fixed}");
    // The number of coal carriers was fitted; the value delivered by sea depends on it.
    let id = "goods.delivered_cny_per_year[maritime]";
    let (drawn, point) = (
        headline_band(&dir.path().join("p1"), id),
        headline_band(&dir.path().join("fixed"), id),
    );
    assert!(
        drawn > 1.5 * point,
        "band with the posterior {drawn} vs at the calibrated point {point}"
    );
}

#[test]
fn a_posterior_of_another_scenario_or_parameter_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_baseline(dir.path(), "short", &[]);
    let posterior = |scenario_sha256: &str, parameter: &str| {
        serde_json::json!({
            "format": 1, "method": "test", "calibration_file": "fit.toml", "scenario": "short",
            "scenario_sha256": scenario_sha256, "calibrated_sha256": "none", "seed": 1,
            "samples": 2, "targets": ["x"], "parameters": [parameter],
            "sets": [{"draw": 0, "values": [20.0], "distance": 0.0, "weight": 1.0}]
        })
        .to_string()
    };
    let sha = {
        use sha2::Digest;
        sha2::Sha256::digest(std::fs::read(&scenario).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let run = |file: &str, contents: String| {
        std::fs::write(dir.path().join(file), contents).unwrap();
        let out = yalu(
            &[
                "run",
                "--scenario",
                &scenario,
                "--posterior",
                file,
                "--out",
                "r",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(!dir.path().join("r").exists(), "nothing is written");
        text(&out.stderr)
    };
    let message = run(
        "unknown.json",
        posterior(&sha, "maritime.fleets[nampo_coal_carriers].shipz"),
    );
    assert!(
        message.contains("unknown.json") && message.contains("parameters[0]"),
        "{message}"
    );
    let message = run(
        "foreign.json",
        posterior(
            &"0".repeat(64),
            "maritime.fleets[nampo_coal_carriers].ships",
        ),
    );
    assert!(
        message.contains("foreign.json") && message.contains("scenario_sha256"),
        "{message}"
    );
    let message = run("broken.json", "{\"format\": 1,\n \"sets\": [}".into());
    assert!(message.contains("broken.json:2:"), "{message}");
}

//! The `yalu` command as a user runs it: the baseline end to end, determinism across
//! thread counts, bad input, and the evidence listing.

mod common;

use common::{text, yalu};
use std::path::Path;

fn header(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn bare_yalu_runs_the_embedded_baseline_and_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = yalu(&[], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for section in [
        "Porter crews",
        "State trade",
        "Foreign currency reaching Room 39",
        "Money between actor classes",
    ] {
        assert!(stdout.contains(section), "no {section} in {stdout}");
    }
    assert!(stdout.contains("ledger balanced"), "{stdout}");

    let run = dir.path().join("out/baseline");
    for table in [
        "flows", "money", "fx", "porters", "incomes", "trade", "prices", "rates", "activity",
        "balances", "summary",
    ] {
        assert!(run.join(format!("{table}.csv")).is_file(), "{table}.csv");
        let parquet = std::fs::read(run.join(format!("{table}.parquet"))).unwrap();
        assert_eq!(&parquet[..4], b"PAR1");
    }
    assert_eq!(
        header(&run.join("flows.csv")),
        "replicate,seed,month,channel,mode,site,good,outcome,sanctioned,quantity,unit,value_cny"
    );
    assert_eq!(
        header(&run.join("money.csv")),
        "replicate,seed,month,payer,payee,purpose,amount_cny"
    );
    let flows = std::fs::read_to_string(run.join("flows.csv")).unwrap();
    assert!(
        flows
            .lines()
            .skip(1)
            .all(|l| l.split(',').nth(2).unwrap().len() == 7)
    );
    for channel in [
        ",porter,on_foot,hyesan,",
        ",state_smuggling,convoy,kimjongsuk,",
        ",official_customs,convoy,",
        ",livelihood,on_foot,",
    ] {
        assert!(flows.contains(channel), "no {channel} rows");
    }
    assert_eq!(
        header(&run.join("incomes.csv")),
        "replicate,seed,month,group,site,people,mean_income_cny,mean_income_rice_kg,mean_income_kpw,\
         smuggling_cny,porterage_cny,state_wages_cny,market_trade_cny,rations_rice_kg"
    );
    assert_eq!(
        header(&run.join("rates.csv")),
        "replicate,seed,month,site,day_of_month,won_per_cny,won_per_usd"
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["scenario"], "baseline");
    assert_eq!(manifest["seed"], 20170101);
    assert_eq!(manifest["replicates"], 1);
    assert_eq!(manifest["first_day"], "2017-01-01");
    assert_eq!(manifest["last_day"], "2025-12-31");
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["wall_time_s"].as_f64().unwrap() > 0.0);
    assert!(manifest["yalu_version"].is_string());

    // Nothing temporary is left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec!["baseline"]);
}

#[test]
fn outputs_are_identical_whatever_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    for threads in ["1", "2"] {
        let out = yalu(
            &[
                "run",
                "--replicates",
                "4",
                "--seed",
                "99",
                "--threads",
                threads,
                "--out",
                threads,
                "--quiet",
            ],
            dir.path(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    for file in [
        "flows.csv",
        "money.csv",
        "porters.csv",
        "prices.csv",
        "fx.csv",
        "observed.csv",
        "balances.csv",
        "summary.csv",
        "flows.parquet",
        "money.parquet",
        "summary.parquet",
    ] {
        let one = std::fs::read(dir.path().join("1").join(file)).unwrap();
        let two = std::fs::read(dir.path().join("2").join(file)).unwrap();
        assert!(one == two, "{file} differs between 1 and 2 threads");
    }
    let flows = std::fs::read_to_string(dir.path().join("1/flows.csv")).unwrap();
    for replicate in 0..4 {
        assert!(
            flows
                .lines()
                .any(|l| l.starts_with(&format!("{replicate},99,")))
        );
    }
}

#[test]
fn a_bad_scenario_exits_2_with_a_located_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = include_str!("../../../scenarios/baseline.toml");
    let bad = baseline.replacen(
        "porters_share = { value = 0.2,",
        "porters_share = { value = 0.4,",
        1,
    );
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let out = yalu(
        &["run", "--scenario", "bad.toml", "--out", "result"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.toml:"), "{stderr}");
    assert!(stderr.contains("profit_split"), "{stderr}");
    assert!(stderr.contains("summing to 1"), "{stderr}");
    assert!(!dir.path().join("result").exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only bad.toml remains"
    );

    let out = yalu(&["check", "bad.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = yalu(&["check", "missing.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read scenario file missing.toml"));
}

#[test]
fn check_accepts_the_shipped_baseline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = yalu(&["check", "scenarios/baseline.toml"], &root);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ok"));
}

#[test]
fn an_existing_folder_that_is_not_a_yalu_output_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("precious")).unwrap();
    std::fs::write(dir.path().join("precious/notes.txt"), "keep").unwrap();
    let out = yalu(&["run", "--out", "precious", "--quiet"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a Yalu output"));
    assert!(dir.path().join("precious/notes.txt").is_file());

    // An earlier Yalu output is replaced.
    assert!(
        yalu(&["run", "--out", "again", "--quiet"], dir.path())
            .status
            .success()
    );
    assert!(
        yalu(
            &["run", "--out", "again", "--quiet", "--seed", "3"],
            dir.path()
        )
        .status
        .success()
    );
    let manifest = std::fs::read_to_string(dir.path().join("again/manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 3"));
}

#[test]
fn evidence_lists_every_input_as_a_table_and_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = yalu(&["evidence", "--format", "json"], dir.path());
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parameters = json["parameters"].as_array().unwrap();
    assert!(parameters.len() > 30);
    for p in parameters {
        assert!(p["path"].is_string() && p["unit"].is_string(), "{p}");
        let kind = p["evidence"]["kind"].as_str().unwrap();
        assert!(kind == "claim" || kind == "assumption", "{p}");
        if kind == "assumption" && p["value"].is_number() {
            assert!(p["evidence"]["range"].is_array(), "{p}");
        }
    }
    let runs = parameters
        .iter()
        .find(|p| p["path"] == "porter.runs_per_month")
        .unwrap();
    assert_eq!(runs["value"], 4.0);
    assert_eq!(runs["unit"], "runs/month");
    assert_eq!(runs["evidence"]["source"], "dailynk-porters");
    assert_eq!(
        runs["evidence"]["claim"],
        "dailynk-porters-runs-4-per-month"
    );
    assert_eq!(runs["doc"], "Runs a crew makes in a month.");
    assert!(
        json["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "dailynk-porters")
    );

    let out = yalu(&["evidence"], dir.path());
    let table = text(&out.stdout);
    for p in parameters {
        assert!(table.contains(p["path"].as_str().unwrap()));
    }
    assert!(table.contains("Daily NK"));
}

#[test]
fn events_lists_the_dated_events_with_their_effects_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let out = yalu(&["events", "--format", "json"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.len() >= 10);
    let firsts: Vec<&str> = rows
        .iter()
        .map(|r| r["first_day"].as_str().unwrap())
        .collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "in date order");
    let closure = rows
        .iter()
        .find(|r| r["id"] == "covid-closure-land")
        .unwrap();
    assert_eq!(closure["kind"], "pandemic_measure");
    assert_eq!(closure["last_day"], "2023-08-31");
    assert!(
        closure["effects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "porter: stop")
    );
    assert!(
        closure["source"]
            .as_str()
            .unwrap()
            .starts_with("yon2020-rail-air-suspended")
    );

    let out = yalu(&["events", "scenarios-do-not-exist.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = yalu(&["events"], dir.path());
    let table = text(&out.stdout);
    assert!(table.contains("2020-01-31 to 2023-08-31  covid-closure-land [pandemic_measure]"));
    assert!(table.contains("- maritime (seafood): stop"), "{table}");
}

#[test]
fn report_writes_a_self_contained_page_and_names_missing_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = yalu(&["report", "nowhere"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("manifest.json"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        yalu(
            &["run", "--replicates", "2", "--out", "r", "--quiet"],
            dir.path()
        )
        .status
        .success()
    );
    let out = yalu(&["report", "r"], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(dir.path().join("r/report.html")).unwrap();
    assert!(html.matches("<svg class=\"chart\"").count() >= 7);
    // The events: a timeline of their own, and marks on the time charts.
    assert!(html.contains("id=\"chart-events\""));
    assert!(html.matches("class=\"event\"").count() > 10);
    assert!(!html.contains("<script src") && !html.contains("<link rel=\"stylesheet\" href"));
    assert!(dir.path().join("r/charts").read_dir().unwrap().count() >= 7);
}

#[test]
fn every_shipped_scenario_checks_and_runs_with_seed_42() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut shipped: Vec<_> = std::fs::read_dir(&scenarios)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    shipped.sort();
    assert!(shipped.len() >= 3, "{shipped:?}");
    for scenario in shipped {
        let path = scenario.display().to_string();
        let check = yalu(&["check", &path], dir.path());
        assert!(check.status.success(), "{path}: {}", text(&check.stderr));
        let name = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let run = yalu(
            &["run", "--scenario", &path, "--seed", "42", "--out", &name],
            dir.path(),
        );
        assert!(run.status.success(), "{path}: {}", text(&run.stderr));
        assert!(
            text(&run.stdout).contains("Foreign currency reaching Room 39"),
            "{path}"
        );
        assert!(dir.path().join(&name).join("fx.csv").is_file());
    }
}

#[test]
fn a_summary_only_run_is_reported_from_its_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/courier-2014.toml"
    );
    let run = yalu(
        &[
            "run",
            "--scenario",
            scenario,
            "--no-replicate-files",
            "--replicates",
            "3",
            "--out",
            "large",
            "--quiet",
        ],
        dir.path(),
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let report = yalu(&["report", "large"], dir.path());
    assert!(report.status.success(), "{}", text(&report.stderr));
    let html = std::fs::read_to_string(dir.path().join("large/report.html")).unwrap();
    assert!(html.contains("written with --no-replicate-files"));
    // The headline figures the run saved appear with their bands, as headline.csv has them.
    let headline = std::fs::read_to_string(dir.path().join("large/headline.csv")).unwrap();
    let couriers = headline
        .lines()
        .find(|l| l.contains(",fx.usd_per_year[cash_couriers],"))
        .expect("the couriers' USD per year");
    let label = couriers.split('"').nth(1).unwrap();
    assert!(html.contains(&format!("<td>{label}</td>")), "{label}");
    let p50: f64 = couriers.rsplit(',').nth(1).unwrap().parse().unwrap();
    assert!(p50 > 0.0);
    // Three significant digits in millions, as the report writes money.
    let millions = p50 / 1e6;
    assert!((1.0..1000.0).contains(&millions), "{p50}");
    let decimals = (2.0 - millions.log10().floor()) as usize;
    let median = format!("{millions:.decimals$}");
    let median = median
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned()
        + " M";
    assert!(html.contains(&median), "median {median}");
    assert!(html.contains("<h3>Per year</h3>"));
    assert!(std::path::Path::new(&dir.path().join("large/charts/summary-series.svg")).is_file());
}

#[test]
fn the_report_of_each_shipped_scenario_has_no_empty_panel_and_no_mixed_units() {
    let dir = tempfile::tempdir().unwrap();
    let registry = yalu_scenario::Registry::embedded();
    for scenario in ["baseline", "courier-2014", "drugs-2003"] {
        let file = format!(
            "{}/../../scenarios/{scenario}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let run = yalu(
            &[
                "run",
                "--scenario",
                &file,
                "--replicates",
                "2",
                "--out",
                scenario,
                "--quiet",
            ],
            dir.path(),
        );
        assert!(run.status.success(), "{}", text(&run.stderr));
        let report = yalu(&["report", scenario], dir.path());
        assert!(report.status.success(), "{}", text(&report.stderr));
        let html = std::fs::read_to_string(dir.path().join(scenario).join("report.html")).unwrap();
        for empty in [">no data<", "top 0 ", "(-0 ", "– -0)", "0 CNY (0 – 0)"] {
            assert!(!html.contains(empty), "{scenario}: {empty:?} in the report");
        }
        // Every chart axis carries one unit, named in its label.
        for (axis, units) in html.split("data-axis=\"").skip(1).map(|chunk| {
            let value = |t: &str| t.split('"').next().unwrap_or_default().to_owned();
            (
                value(chunk),
                chunk
                    .split("data-unit=\"")
                    .skip(1)
                    .map(value)
                    .collect::<Vec<_>>(),
            )
        }) {
            assert!(
                units.iter().all(|u| *u == units[0] && axis.contains(u)),
                "{scenario}: {axis} {units:?}"
            );
        }
        // The scope box cites registered claims only.
        let scope = html
            .split("<div class=\"scope\">")
            .nth(1)
            .unwrap()
            .split("</div>")
            .next()
            .unwrap();
        let claims: Vec<&str> = scope
            .split("<code>")
            .skip(1)
            .filter_map(|c| c.split("</code>").next())
            .filter(|c| !c.contains(' '))
            .collect();
        assert!(claims.len() >= 5, "{claims:?}");
        for claim in claims {
            assert!(
                registry.claim(claim).is_some(),
                "{scenario}: scope cites unknown claim {claim}"
            );
        }
    }
}

#[test]
fn a_run_after_validate_keeps_the_validation_in_the_same_folder() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/courier-2014.toml"
    );
    let validate = yalu(
        &["validate", "--scenario", scenario, "--replicates", "2"],
        dir.path(),
    );
    assert_ne!(
        validate.status.code(),
        Some(2),
        "{}",
        text(&validate.stderr)
    );
    let folder = dir.path().join("out/courier-2014");
    let validation = std::fs::read(folder.join("validation.json")).unwrap();
    let run = yalu(
        &["run", "--scenario", scenario, "--replicates", "2"],
        dir.path(),
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(folder.join("manifest.json").is_file());
    assert_eq!(
        std::fs::read(folder.join("validation.json")).unwrap(),
        validation
    );
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("kept in") && stderr.contains("validation.json"),
        "the run says what it kept: {stderr}"
    );
}

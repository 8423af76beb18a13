//! `write_report` on small hand-made run folders: the page's structure, its charts and
//! their files, the band arithmetic, errors on missing or malformed inputs, and the page
//! as a real browser renders it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use yalu_report::Band;
use yalu_report::ReportError;
use yalu_report::html::write_report;

const HEADINGS: [&str; 10] = [
    "Run and how to read it",
    "What the model covers",
    "Flows by channel and good",
    "Foreign currency and Room 39",
    "Who captures the value",
    "Sites",
    "Incomes and prices",
    "What the monitor sees",
    "Validation",
    "Evidence",
];

/// Charts of a run with every optional file, in page order.
const ALL_CHARTS: [&str; 9] = [
    "flows-by-channel",
    "flows-by-good",
    "sanctioned",
    "foreign-currency",
    "money-flows",
    "site-map",
    "incomes",
    "prices",
    "monitor",
];

/// Charts of a run with only the required files and the tables every run writes today.
const CORE_CHARTS: [&str; 7] = [
    "flows-by-channel",
    "flows-by-good",
    "sanctioned",
    "foreign-currency",
    "money-flows",
    "incomes",
    "prices",
];

const MONTHS: [&str; 3] = ["2020-01", "2020-02", "2020-03"];
const REPLICATES: u32 = 3;
/// Porter value delivered each month, by replicate: totals of 300, 600 and 1,200 CNY.
const PORTER_CNY_PER_MONTH: [f64; 3] = [100.0, 200.0, 400.0];
const SOURCE_LINK: &str = "https://example.org/source-a";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("test folder is writable");
}

/// Rows for every replicate and month: `row(replicate, month index)` gives the columns
/// after `replicate,seed,month`.
fn table(header: &str, rows_per_cell: impl Fn(u32, usize) -> Vec<String>) -> String {
    let mut csv = format!("replicate,seed,month,{header}\n");
    for replicate in 0..REPLICATES {
        for (m, month) in MONTHS.iter().enumerate() {
            for row in rows_per_cell(replicate, m) {
                let _ = writeln!(csv, "{replicate},7,{month},{row}");
            }
        }
    }
    csv
}

/// The files every run has: manifest, flows, money, incomes and prices.
fn write_core_run(dir: &Path) {
    write(
        dir,
        "manifest.json",
        r#"{"yalu_version":"0.1.0","scenario":"synthetic","scenario_file":"<test>","scenario_sha256":"abc123","seed":7,"replicates":3,"first_day":"2020-01-01","last_day":"2020-03-31","wall_time_s":0.5,"files":[]}"#,
    );
    let flows = table(
        "channel,mode,site,good,outcome,sanctioned,quantity,unit,value_cny",
        |r, m| {
            vec![
                format!(
                    "porter,on_foot,hyesan,herbs,delivered,false,50,kg,{}",
                    PORTER_CNY_PER_MONTH[r as usize]
                ),
                format!(
                    "state_smuggling,convoy,sinuiju,coal,delivered,true,1000,kg,{}",
                    5000 + 100 * r as usize * m
                ),
                "state_smuggling,convoy,sinuiju,coal,seized,true,50,kg,250".into(),
                "state_smuggling,convoy,hyesan,sedans,delivered,true,2,units,40000".into(),
                format!(
                    "maritime,ship,nampo,seafood,delivered,false,{},kg,3000",
                    200 + 10 * r
                ),
            ]
        },
    );
    write(dir, "flows.csv", &flows);
    let money = table("payer,payee,purpose,amount_cny", |r, _| {
        [
            "chinese_merchants,donju,sale,10000",
            "donju,chinese_merchants,purchase,4000",
            "donju,border_guards,bribe,1000",
            "border_guards,border_guard_command,pass_up,500",
            "border_guard_command,centre,pass_up,250",
            "donju,porters,wage,300",
        ]
        .map(String::from)
        .into_iter()
        .chain([format!(
            "trading_companies,room39,remittance,{}",
            2000 + 100 * r
        )])
        .collect()
    });
    write(dir, "money.csv", &money);
    let incomes = table(
        "group,site,people,mean_income_cny,mean_income_rice_kg,mean_income_kpw,\
         smuggling_cny,porterage_cny,state_wages_cny,market_trade_cny,rations_rice_kg",
        |r, m| {
            let porters = if m == 1 {
                "porters,hyesan,0,,,,,,,,".to_owned() // nobody hired: a gap, not a zero
            } else {
                format!("porters,hyesan,30,{},43,{},,,,,", 180 + r, 216_000 + r)
            };
            vec![
                porters,
                "households,sinuiju,1000,90,21,108000,40,10,3,37,3.5".into(),
            ]
        },
    );
    write(dir, "incomes.csv", &incomes);
    let prices = table("site,good,price_cny_per_kg,price_kpw_per_kg", |r, _| {
        vec![
            format!("hyesan,rice,4.{r},500{r}"),
            "hyesan,essentials,9,10800".into(),
        ]
    });
    write(dir, "prices.csv", &prices);
}

/// A run with every optional file too.
fn write_full_run(dir: &Path) {
    write_core_run(dir);
    write(
        dir,
        "fx.csv",
        &table("channel,amount_cny,amount_usd", |_, _| {
            vec!["state_smuggling,2000,318".into()]
        }),
    );
    // The monitor's view has no replicate column and an extra column the report ignores.
    write(
        dir,
        "observed.csv",
        "month,good,mode,observed_quantity,unit,confidence\n2020-01,seafood,ship,120,kg,high\n2020-02,seafood,ship,90,kg,low\n",
    );
    write(
        dir,
        "scenario.json",
        &format!(
            r#"{{"name":"synthetic","description":"A hand-made run for tests.",
            "sites":[
              {{"id":"hyesan","name":"Hyesan","province":"Ryanggang","waterway":"upper Yalu","china_counterpart":"Changbai","latitude_deg":41.40,"longitude_deg":128.18}},
              {{"id":"sinuiju","name":"Sinuiju","province":"North Pyongan","waterway":"lower Yalu","china_counterpart":"Dandong","latitude_deg":40.10,"longitude_deg":124.40}},
              {{"id":"samjiyon","name":"Samjiyon","province":"Ryanggang","waterway":"upper Tumen","china_counterpart":"Jilin","latitude_deg":41.82,"longitude_deg":128.31}}],
            "parameters":[
              {{"path":"porter.pay","value":0.8,"unit":"CNY/kg","evidence":{{"kind":"claim","claim":"pay-per-kg","source":"source-a","location":"paragraph 2","figure":"about 0.8 CNY/kg","range":[0.72,0.88]}}}},
              {{"path":"porter.runs_per_month","value":4,"unit":"runs","evidence":{{"kind":"assumption","reason":"Testimony says about four.","range":[3,5]}}}},
              {{"path":"market.rice_price","value":4.17,"unit":"CNY/kg","evidence":{{"kind":"claim","claim":"rice-for-pay","source":"source-a","location":"paragraph 13","figure":"48 kg","derivation":"200 CNY / 48 kg = 4.17 CNY/kg","carry_over":"Rice prices held to 2019.","range":null}}}}],
            "sources":[
              {{"id":"source-a","kind":"testimony","outlet":"Daily NK","author":"A. Writer","date":"2019-05-01","title":"Porters on the Yalu","link":"{SOURCE_LINK}","supports":"Porter pay.","extra":"ignored",
                "claim":[{{"id":"pay-per-kg","claim":"Porters earn about 0.8 CNY a kilogram.","location":"paragraph 2","period":"2017","unit":"CNY/kg","bound":"about","value":0.8}},
                         {{"id":"rice-for-pay","claim":"A month's pay buys 48 kg of rice.","location":"paragraph 13","period":"2017-03..2017-09","unit":"kg","bound":"point","value":48}}]}},
              {{"id":"source-b","kind":"news_report","outlet":"NK Insider","author":null,"date":"2024","title":"No link here","link":null,"supports":"Maritime trade."}}],
            "conflicts":[
              {{"id":"pay-by-weight","claims":["pay-per-kg","other-pay"],"about":"Whether porters are paid by weight or by run.","resolution":"The model pays by weight and checks the run total against the other claim."}}],
            "registry":{{"sources":5,"sources_by_kind":[{{"kind":"testimony","sources":3}},{{"kind":"news_report","sources":2}}],"claims":12,"observations":7}}}}"#
        ),
    );
    write(
        dir,
        "validation.json",
        r#"{"scenario":"synthetic","replicates":3,
            "patterns":[
            {"id":"P2","kind":"emergent","source":"source-a","target":0.8,"simulated":{"median":0.83,"p05":0.8,"p95":0.86},"tolerance":0.1,"pass":true,"covered":true},
            {"id":"P4","kind":"emergent","source":"source-a","target":[160,200],"simulated":{"median":153,"p05":150,"p95":157},"tolerance":"within range","pass":false,"covered":true},
            {"id":"P6","kind":"calibrated","source":"source-a","target":250,"simulated":{"median":251,"p05":240,"p95":262},"tolerance":"fitted","pass":true,"covered":true},
            {"id":"P9","kind":"emergent","description":"Maritime share of coal exports","source":"source-b","target":"maritime share","simulated":null,"tolerance":null,"pass":null,"covered":false}],
            "observations":[
            {"observation":"coal-2019","use":"calibration","what":"coal exported by sea","period":"2019-01..2019-08","unit":"t","low":3330000,"high":4070000,"simulated":{"median":3567500,"p05":3457800,"p95":3787800},"pass":true},
            {"observation":"oil-2019","use":"calibration","what":"refined petroleum imported","period":"2019-01..2019-12","unit":"barrels","low":3890000,"high":null,"simulated":{"median":3288400,"p05":3167800,"p95":3607700},"pass":false},
            {"observation":"workers-2023","use":"test","what":"workers abroad","period":"2023-01..2023-12","unit":"people","low":90000,"high":110000,"simulated":{"median":50000,"p05":50000,"p95":50000},"pass":false}]}"#,
    );
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

fn chart_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("charts"))
        .expect("charts folder exists")
        .map(|entry| {
            entry
                .expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn sorted_svg_names(charts: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = charts.iter().map(|c| format!("{c}.svg")).collect();
    names.sort();
    names
}

#[test]
fn full_run_report_has_every_section_chart_and_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_full_run(dir.path());
    let path = write_report(dir.path()).expect("report is written");
    assert_eq!(path, dir.path().join("report.html"));
    let html = std::fs::read_to_string(&path).expect("report is readable");

    for heading in HEADINGS {
        assert!(
            html.contains(&format!("<h2>{heading}</h2>")),
            "missing heading {heading}"
        );
    }
    assert_eq!(count(&html, "<svg class=\"chart\""), ALL_CHARTS.len());
    let positions: Vec<usize> = ALL_CHARTS
        .iter()
        .map(|c| {
            html.find(&format!("id=\"chart-{c}\""))
                .unwrap_or_else(|| panic!("no chart {c}"))
        })
        .collect();
    assert!(positions.is_sorted(), "charts out of order: {positions:?}");
    assert_eq!(chart_files(dir.path()), sorted_svg_names(&ALL_CHARTS));
    for chart in ALL_CHARTS {
        let svg = std::fs::read_to_string(dir.path().join("charts").join(format!("{chart}.svg")))
            .expect("chart file");
        assert!(
            svg.starts_with("<?xml"),
            "{chart}.svg lacks the XML declaration"
        );
        assert!(
            svg.contains("xmlns=\"http://www.w3.org/2000/svg\""),
            "{chart}.svg lacks its namespace"
        );
        assert!(
            svg.contains("<svg class=\"chart\""),
            "{chart}.svg is not a chart"
        );
        assert!(svg.contains("<title"), "{chart}.svg has no title");
    }

    // Self-contained: nothing to fetch; the only web address is the citation's link.
    for resource in [
        "<script", "<link", "src=", "url(", "@import", "<iframe", "<img",
    ] {
        assert!(
            !html.contains(resource),
            "report references a resource: {resource}"
        );
    }
    let citation = format!("<a href=\"{SOURCE_LINK}\" rel=\"noreferrer\">{SOURCE_LINK}</a>");
    assert_eq!(count(&html, &citation), 1);
    let without_citation = html.replace(&citation, "");
    assert!(!without_citation.contains("http://") && !without_citation.contains("https://"));

    // The content of the optional files reached the page.
    for expected in [
        "A hand-made run for tests.",
        "Hyesan",
        "Sites in flows.csv but not in scenario.json (not mapped): nampo.",
        "observed_quantity",
        "<span class=\"fail\">fail</span>",
        "claim <code>pay-per-kg</code> of <a href=\"#source-source-a\">source-a</a>; paragraph 2; figure about 0.8 CNY/kg (range 0.72 – 0.88)",
        "<em>assumption</em>: Testimony says about four. (range 3 – 5)",
        "<li id=\"source-source-b\">",
        "Foreign currency earned by channel (USD per year)",
        "Maritime share of coal exports",
    ] {
        assert!(html.contains(expected), "report lacks {expected:?}");
    }
    // Both scores: the patterns, where only emergent passes count, and the observations
    // in and out of sample, each with its bound, median and band.
    for expected in [
        "Evidence: 1 of 2 covered emergent patterns pass.",
        "Calibrated patterns (1 of 1 pass)",
        "1 of 4 patterns are not covered",
        "In sample: 1 of 2 calibration observations hit; out of sample: 0 of 1 held-out test observations hit.",
        "3.33 M – 4.07 M t",
        "at least 3.89 M barrels",
        "3.57 M (3.46 M – 3.79 M)",
        "<span class=\"fail\">miss</span>",
        "<span class=\"pass\">hit</span>",
    ] {
        assert!(html.contains(expected), "report lacks {expected:?}");
    }
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial") || name.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// The part of `html` from `start` up to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("page lacks {start:?}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn evidence_section_shows_sources_by_kind_conflicts_and_each_claims_bound() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_full_run(dir.path());
    let html =
        std::fs::read_to_string(write_report(dir.path()).expect("report")).expect("readable");
    let evidence = between(&html, "<h2>Evidence</h2>", "</section>");
    assert!(evidence.contains(
        "3 inputs: 2 sourced (each cites a claim of a registered source), 1 assumed (each with a reason and a range). The sourced inputs cite 2 source(s) of the registry's 5, which holds 12 claims and 7 observations"
    ));

    // Sources by kind: cited by the scenario against the registry's count.
    let kinds = between(evidence, "<h3>Sources by kind</h3>", "</table>");
    assert!(
        kinds.contains("<td>testimony</td><td>1</td><td>3</td>"),
        "{kinds}"
    );
    assert!(
        kinds.contains("<td>news report</td><td>1</td><td>2</td>"),
        "{kinds}"
    );

    // Each sourced input with its claim's figure, bound and period, under its submodel.
    let claims = between(
        evidence,
        "<h3>What the sourced inputs rest on</h3>",
        "</table>",
    );
    let porter = claims.find("porter (1 sourced)").expect("porter group");
    let market = claims.find("market (1 sourced)").expect("market group");
    let pay = claims.find("pay-per-kg").expect("pay row");
    let rice = claims.find("rice-for-pay").expect("rice row");
    assert!(
        porter < pay && pay < market && market < rice,
        "rows sit under their submodel"
    );
    assert!(
        claims.contains("<td>about 0.8 CNY/kg</td><td>about</td><td>2017</td>"),
        "{claims}"
    );
    assert!(
        claims.contains("<td>48 kg (derived)</td><td>point</td><td>2017-03..2017-09</td>"),
        "{claims}"
    );
    assert!(
        !claims.contains("runs_per_month"),
        "assumptions are not in the claims table"
    );

    // The conflicts: which claims, what they disagree about, what the model does.
    let conflicts = between(evidence, "<h3>Conflicts between claims</h3>", "</table>");
    assert!(conflicts.contains("1 recorded conflicts"));
    for expected in [
        "<code>pay-by-weight</code>",
        "<code>pay-per-kg</code>, <code>other-pay</code>",
        "Whether porters are paid by weight or by run.",
        "The model pays by weight and checks the run total against the other claim.",
    ] {
        assert!(conflicts.contains(expected), "conflicts lack {expected:?}");
    }

    // The full list keeps the arithmetic and the carry-over.
    assert!(evidence.contains(
        "derivation: 200 CNY / 48 kg = 4.17 CNY/kg; carried over: Rice prices held to 2019."
    ));
}

#[test]
fn a_validation_of_patterns_alone_says_the_observed_scores_are_missing() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_core_run(dir.path());
    write(
        dir.path(),
        "validation.json",
        r#"[{"id":"P2","kind":"emergent","source":"source-a","target":0.8,"simulated":{"median":0.83,"p05":0.8,"p95":0.86},"tolerance":0.1,"pass":true,"covered":true}]"#,
    );
    let html = std::fs::read_to_string(write_report(dir.path()).expect("report")).expect("read");
    assert!(html.contains("Evidence: 1 of 1 covered emergent patterns pass."));
    assert!(html.contains("holds the patterns only"), "{html}");
}

#[test]
fn the_report_says_whether_bands_carry_parameter_uncertainty() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_core_run(dir.path());
    let html = std::fs::read_to_string(write_report(dir.path()).expect("report")).expect("read");
    assert!(html.contains("Bands: randomness only"), "{html}");
    let manifest = dir.path().join("manifest.json");
    let text = std::fs::read_to_string(&manifest).expect("manifest").replace(
        r#""files":[]"#,
        r#""posterior":{"file":"fit.posterior.json","sha256":"abc","sets":8,"parameters":["a.b"],"set_of_replicate":[3,1,3]},"files":[]"#,
    );
    std::fs::write(&manifest, text).expect("write");
    let html = std::fs::read_to_string(write_report(dir.path()).expect("report")).expect("read");
    assert!(
        html.contains("Bands: randomness and parameter uncertainty")
            && html.contains(
                "one of the 8 accepted parameter sets of fit.posterior.json (2 distinct sets used"
            ),
        "{html}"
    );
    assert!(html.contains("drawn per replicate from the 8 accepted sets"));
}

#[test]
fn core_run_report_says_what_is_absent() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_core_run(dir.path());
    let html =
        std::fs::read_to_string(write_report(dir.path()).expect("report")).expect("readable");
    // Sections without data are left out; the run section says which files are absent.
    for heading in HEADINGS {
        let absent = ["Validation", "Evidence"].contains(&heading);
        assert_eq!(
            !html.contains(&format!("<h2>{heading}</h2>")),
            absent,
            "heading {heading}"
        );
    }
    let absent = html
        .split("<th>Optional files absent</th><td>")
        .nth(1)
        .and_then(|rest| rest.split("</td>").next())
        .expect("the run section lists absent files");
    for file in ["scenario.json", "validation.json"] {
        assert!(
            absent.contains(file),
            "{file} not listed as absent: {absent}"
        );
    }
    assert_eq!(count(&html, "<svg class=\"chart\""), CORE_CHARTS.len());
    assert_eq!(chart_files(dir.path()), sorted_svg_names(&CORE_CHARTS));
    for expected in [
        "no scenario.json, so the sites&#39; coordinates are unknown",
        "flows include a maritime channel, but this output has no observed.csv",
        "Room 39&#39;s receipts from money.csv",
        "Room 39 receipts by paying class (CNY per year)",
    ] {
        assert!(html.contains(expected), "report lacks {expected:?}");
    }

    // A second report replaces the first, charts included: a chart no longer drawn goes.
    write_full_run(dir.path());
    write_report(dir.path()).expect("report");
    std::fs::remove_file(dir.path().join("scenario.json")).expect("remove");
    write_report(dir.path()).expect("report");
    assert!(!chart_files(dir.path()).contains(&"site-map.svg".to_owned()));
}

#[test]
fn bands_are_linear_between_order_statistics() {
    // Sorted 1, 2, 3, 4, 10: the 5th percentile sits 0.2 of the way from 1 to 2, the 95th
    // 0.8 of the way from 4 to 10.
    let band = Band::across(&[10.0, 2.0, 4.0, 1.0, 3.0]);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(
        close(band.p05, 1.2) && close(band.median, 3.0) && close(band.p95, 8.8),
        "{band:?}"
    );
    let band = Band::across(&[0.0, 100.0]);
    assert!(
        close(band.p05, 5.0) && close(band.median, 50.0) && close(band.p95, 95.0),
        "{band:?}"
    );
    // A replicate missing the figure is left out, not counted as zero.
    assert!(close(Band::across(&[f64::NAN, 1.0, 3.0]).median, 2.0));
    assert!(Band::across(&[]).median.is_nan());

    // In the report: porter totals of 300, 600 and 1,200 CNY give a median of 600 with
    // 330 (300 + 0.1 x 300) and 1,140 (600 + 0.9 x 600).
    let dir = tempfile::tempdir().expect("temporary folder");
    write_core_run(dir.path());
    let html =
        std::fs::read_to_string(write_report(dir.path()).expect("report")).expect("readable");
    assert!(
        html.contains("<td>porter</td><td>600 CNY (330 – 1.14 k)</td>"),
        "porter band not found"
    );
}

fn missing_files(error: ReportError) -> Vec<String> {
    match error {
        ReportError::MissingOutputs { missing, .. } => missing,
        other => panic!("expected MissingOutputs, got {other}"),
    }
}

#[test]
fn missing_or_partial_folders_name_the_missing_files() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let absent = dir.path().join("never-run");
    let error = write_report(&absent).expect_err("no folder, no report");
    assert!(
        error
            .to_string()
            .contains("manifest.json, flows.csv, money.csv"),
        "{error}"
    );
    assert_eq!(
        missing_files(error),
        ["manifest.json", "flows.csv", "money.csv"]
    );

    write_core_run(dir.path());
    std::fs::remove_file(dir.path().join("money.csv")).expect("remove");
    let error = write_report(dir.path()).expect_err("money.csv is required");
    assert!(error.to_string().contains("missing money.csv;"), "{error}");
    assert_eq!(missing_files(error), ["money.csv"]);
    assert!(!dir.path().join("report.html").exists());
}

/// The (file, line) a malformed-input error names.
fn malformed_at(error: ReportError) -> (PathBuf, u64) {
    match error {
        ReportError::Malformed { path, line, .. } => (PathBuf::from(path), line),
        other => panic!("expected Malformed, got {other}"),
    }
}

#[test]
fn malformed_inputs_name_the_file_and_line() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_core_run(dir.path());
    let flows = dir.path().join("flows.csv");
    let good = std::fs::read_to_string(&flows).expect("flows");

    // Line 4 (the third data row) has a value that is not a number.
    let mut lines: Vec<String> = good.lines().map(String::from).collect();
    lines[3] = lines[3].replace(",250", ",lots");
    std::fs::write(&flows, lines.join("\n")).expect("write");
    let error = write_report(dir.path()).expect_err("bad number");
    assert!(
        error.to_string().contains("`lots` is not a number"),
        "{error}"
    );
    assert_eq!(malformed_at(error), (flows.clone(), 4));

    // A row with too few fields, and a header without a needed column.
    lines[3] = "0,7,2020-01,porter".into();
    std::fs::write(&flows, lines.join("\n")).expect("write");
    assert_eq!(
        malformed_at(write_report(dir.path()).expect_err("short row")),
        (flows.clone(), 4)
    );
    std::fs::write(&flows, good.replacen("value_cny", "worth", 1)).expect("write");
    let error = write_report(dir.path()).expect_err("no value column");
    assert!(
        error.to_string().contains("missing column(s) value_cny"),
        "{error}"
    );
    assert_eq!(malformed_at(error), (flows.clone(), 1));
    std::fs::write(&flows, &good).expect("write");

    // Optional files are checked too once present; JSON errors carry their line.
    let validation = dir.path().join("validation.json");
    std::fs::write(&validation, "[\n{\"id\": \"P1\",\n\"pass\": maybe}]").expect("write");
    assert_eq!(
        malformed_at(write_report(dir.path()).expect_err("bad JSON")),
        (validation.clone(), 3)
    );
    std::fs::remove_file(&validation).expect("remove");
    let month = dir.path().join("prices.csv");
    std::fs::write(
        &month,
        "replicate,seed,month,site,good,price_cny_per_kg,price_kpw_per_kg\n0,7,March,hyesan,rice,4,4800\n",
    )
    .expect("write");
    let error = write_report(dir.path()).expect_err("bad month");
    assert!(
        error.to_string().contains("`March` is not YYYY-MM"),
        "{error}"
    );
    assert_eq!(malformed_at(error), (month, 2));
}

/// Where Chromium is installed, if it is.
fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .chain([PathBuf::from("/usr/bin/chromium")])
        .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium on `page` with `extra` flags, stdout to `stdout`; returns stderr.
fn run_chromium(
    browser: &Path,
    page: &Path,
    extra: &[String],
    work: &Path,
    stdout: &Path,
) -> String {
    let profile = tempfile::tempdir_in(work).expect("fresh profile folder");
    let stderr_path = work.join("chromium-stderr.txt");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        // Files, not pipes: a page's DOM overflows a pipe nobody reads while we wait.
        .stdout(std::fs::File::create(stdout).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("chromium can be waited on") {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::read_to_string(&stderr_path).unwrap_or_default()
}

/// The numeric value of `name="..."` in an element's opening tag.
fn attribute(tag: &str, name: &str) -> Option<f64> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let length = tag[start..].find('"')?;
    tag[start..start + length].parse().ok()
}

#[test]
fn report_renders_in_headless_chromium() {
    let Some(browser) = find_chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed; CI must install it (apt-get install -y chromium)"
        );
        eprintln!("note: chromium not found, skipping the browser test");
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let run = dir.path().join("run");
    std::fs::create_dir(&run).expect("run folder");
    write_full_run(&run);
    let page = write_report(&run).expect("report");

    let dom_path = dir.path().join("dom.html");
    let log = run_chromium(
        &browser,
        &page,
        &["--dump-dom".into()],
        dir.path(),
        &dom_path,
    );
    let dom = std::fs::read_to_string(&dom_path).expect("dumped DOM");
    let charts: Vec<&str> = dom
        .match_indices("<svg class=\"chart\"")
        .map(|(start, _)| &dom[start..start + dom[start..].find('>').unwrap_or(0)])
        .collect();
    assert_eq!(charts.len(), ALL_CHARTS.len(), "charts in the rendered DOM");
    for tag in charts {
        let (width, height) = (attribute(tag, "width"), attribute(tag, "height"));
        assert!(
            width.is_some_and(|w| w > 0.0) && height.is_some_and(|h| h > 0.0),
            "chart without a size: {tag}"
        );
    }
    let page_messages: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("Uncaught") || line.contains(":CONSOLE"))
        .collect();
    assert!(
        page_messages.is_empty(),
        "the page logged: {page_messages:?}"
    );

    let screenshot = dir.path().join("report.png");
    run_chromium(
        &browser,
        &page,
        &[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,4000".into(),
        ],
        dir.path(),
        &dir.path().join("screenshot-stdout.txt"),
    );
    let png = std::fs::read(&screenshot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
    assert!(
        png.len() > 50_000,
        "screenshot is nearly blank: {} bytes",
        png.len()
    );
}

/// For each axis of a chart (`data-axis`, its label), the units of the series drawn on it.
pub fn axes_and_units(svg: &str) -> Vec<(String, Vec<String>)> {
    let value = |text: &str| text.split('"').next().unwrap_or_default().to_owned();
    svg.split("data-axis=\"")
        .skip(1)
        .map(|chunk| {
            let units = chunk
                .split("data-unit=\"")
                .skip(1)
                .map(value)
                .collect::<Vec<_>>();
            (value(chunk), units)
        })
        .collect()
}

#[test]
fn no_chart_mixes_units_and_every_axis_names_its_unit() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_full_run(dir.path());
    write_report(dir.path()).expect("report");
    let mut axes = 0;
    for chart in chart_files(dir.path()) {
        let svg = std::fs::read_to_string(dir.path().join("charts").join(&chart)).unwrap();
        for (axis, units) in axes_and_units(&svg) {
            axes += 1;
            assert!(!units.is_empty(), "{chart}: axis {axis} has no series");
            assert!(
                units.iter().all(|u| *u == units[0]),
                "{chart}: axis {axis} mixes {units:?}"
            );
            assert!(
                axis.contains(&units[0]),
                "{chart}: axis {axis} lacks its unit {}",
                units[0]
            );
        }
    }
    assert!(axes >= 10, "{axes} axes inspected");
}

/// A folder as `yalu run --no-replicate-files` writes it: manifest and summaries only.
fn write_summary_only_run(dir: &Path) {
    write(
        dir,
        "manifest.json",
        r#"{"yalu_version":"0.1.0","scenario":"synthetic","scenario_file":"<test>","scenario_sha256":"abc123","seed":7,"replicates":3,"first_day":"2020-01-01","last_day":"2020-03-31","wall_time_s":0.5,"files":[]}"#,
    );
    let mut series = String::from("table,month,key,metric,replicates,mean,p05,p50,p95\n");
    for (m, month) in MONTHS.iter().enumerate() {
        let usd = 1000.0 * (m + 1) as f64;
        let _ = writeln!(
            series,
            "fx,{month},cash_couriers,amount_usd,3,{usd},{},{usd},{}",
            usd * 0.8,
            usd * 1.3
        );
        let _ = writeln!(
            series,
            "money,{month},room39_abroad/room39/remittance,amount_cny,3,7000,6000,7000,8000"
        );
    }
    write(dir, "summary.csv", &series);
    let header = "window,id,label,unit,replicates,mean,p05,p50,p95\n";
    write(
        dir,
        "headline.csv",
        &format!(
            "{header}2020,fx.total_usd_per_year,\"Room 39 from the modelled channels only, USD per year of 2020\",USD/year,3,24000,19000,24500,31000\n"
        ),
    );
    write(
        dir,
        "summary_by_year.csv",
        &format!(
            "{header}2020,fx.total_usd_per_year@2020,\"Room 39 from the modelled channels only, USD per year of 2020\",USD/year,3,24000,19000,24500,31000\n"
        ),
    );
}

#[test]
fn a_summary_only_run_is_reported_from_what_its_summaries_hold() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write_summary_only_run(dir.path());
    let html =
        std::fs::read_to_string(write_report(dir.path()).expect("report")).expect("readable");
    assert!(
        html.contains("written with --no-replicate-files"),
        "the note"
    );
    // The headline figure with its band, and the year's.
    assert!(
        html.contains("<td>Room 39 from the modelled channels only, USD per year of 2020</td><td>2020</td><td>USD/year</td><td>24.5 k (19 k – 31 k)</td><td>24 k</td>"),
        "headline row"
    );
    assert!(
        html.contains("<td>Room 39 from the modelled channels only, USD per year</td><td>USD/year</td><td>24.5 k (19 k – 31 k)</td>"),
        "per-year row"
    );
    assert!(html.contains("Modelled in this run:</strong> cash couriers"));
    // Only the series chart: sections drawn from replicate rows are left out, not empty.
    assert_eq!(chart_files(dir.path()), ["summary-series.svg"]);
    for absent in [
        "Flows by channel and good",
        "Sites",
        "What the monitor sees",
    ] {
        assert!(!html.contains(&format!("<h2>{absent}</h2>")), "{absent}");
    }
    let svg = std::fs::read_to_string(dir.path().join("charts/summary-series.svg")).unwrap();
    let axes = axes_and_units(&svg);
    assert_eq!(axes.len(), 2, "a USD panel and a CNY panel: {axes:?}");
    for (axis, units) in axes {
        assert!(
            units.iter().all(|u| axis.contains(u.as_str())),
            "{axis}: {units:?}"
        );
    }
}

#[test]
fn a_summary_only_report_renders_in_headless_chromium() {
    let Some(browser) = find_chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed; CI must install it (apt-get install -y chromium)"
        );
        eprintln!("note: chromium not found, skipping the browser test");
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let run = dir.path().join("run");
    std::fs::create_dir(&run).expect("run folder");
    write_summary_only_run(&run);
    let page = write_report(&run).expect("report");
    let dom_path = dir.path().join("dom.html");
    let log = run_chromium(
        &browser,
        &page,
        &["--dump-dom".into()],
        dir.path(),
        &dom_path,
    );
    let dom = std::fs::read_to_string(&dom_path).expect("dumped DOM");
    assert_eq!(
        dom.matches("<svg class=\"chart\"").count(),
        1,
        "the series chart"
    );
    assert!(
        dom.contains("24.5 k (19 k – 31 k)"),
        "the headline band is in the DOM"
    );
    assert!(
        !log.lines()
            .any(|l| l.contains("Uncaught") || l.contains(":CONSOLE")),
        "the page logged: {log}"
    );
}

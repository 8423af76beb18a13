//! The workbench's HTTP API on a real loopback socket: scenarios, runs, cache, compare,
//! and the guards (token, body limits, paths, panics, headers).

mod common;

use common::*;
use serde_json::{Value, json};
use yalu_lab::EnsembleSpec;
use yalu_scenario::{Registry, Scenario, SourceText};

/// The first editable parameter with a proper range, and a value inside it other than its own.
fn editable(view: &Value) -> (String, f64, f64, f64) {
    for group in view["groups"].as_array().unwrap() {
        for p in group["parameters"].as_array().unwrap() {
            if p["editable"] == true
                && let (Some(min), Some(max), Some(value)) =
                    (p["min"].as_f64(), p["max"].as_f64(), p["value"].as_f64())
                && max > min
                && p["whole"] == false
            {
                let new = if value < (min + max) / 2.0 { max } else { min };
                return (p["path"].as_str().unwrap().to_owned(), value, min, new);
            }
        }
    }
    panic!("no editable parameter")
}

fn parameter<'a>(view: &'a Value, path: &str) -> &'a Value {
    view["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["parameters"].as_array().unwrap())
        .find(|p| p["path"] == path)
        .unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn scenario_round_trip_and_out_of_range_refused() {
    let server = start();
    let shipped = get(server.addr, "/api/scenarios/baseline");
    assert_eq!(shipped.status, 200);
    let text = shipped.json()["text"].as_str().unwrap().to_owned();
    let view = post_json(server.addr, "/api/check", &json!({ "text": text }));
    assert_eq!(view.status, 200, "{}", view.text());
    let view = view.json();
    assert_eq!(view["name"], "baseline");
    // Every parameter carries its unit and evidence, grouped by submodel.
    let groups = view["groups"].as_array().unwrap();
    assert!(groups.iter().any(|g| g["submodel"] == "porter"));
    let sourced = groups
        .iter()
        .flat_map(|g| g["parameters"].as_array().unwrap())
        .find(|p| p["evidence"]["kind"] == "claim")
        .expect("a sourced parameter");
    assert!(sourced["evidence"]["location"].as_str().is_some());
    assert!(sourced["unit"].as_str().is_some());

    let (path, old, _, new) = editable(&view);
    let edited = post_json(
        server.addr,
        "/api/edit",
        &json!({ "text": text, "values": { path.clone(): new } }),
    );
    assert_eq!(edited.status, 200, "{}", edited.text());
    let edited = edited.json();
    assert_eq!(parameter(&edited, &path)["value"], new);
    // The edited text, downloaded and uploaded again, reads back the same value.
    let again = post_json(
        server.addr,
        "/api/check",
        &json!({ "text": edited["text"], "name": "edited.toml" }),
    );
    assert_eq!(again.status, 200);
    assert_eq!(parameter(&again.json(), &path)["value"], new);
    assert_ne!(old, new);

    // Outside the range: refused, naming the field.
    let max = parameter(&view, &path)["max"].as_f64().unwrap();
    let refused = post_json(
        server.addr,
        "/api/edit",
        &json!({ "text": text, "values": { path.clone(): max * 2.0 + 1.0 } }),
    );
    assert_eq!(refused.status, 422);
    assert_eq!(refused.json()["field"], path);
    assert!(
        refused.json()["error"]
            .as_str()
            .unwrap()
            .contains("outside")
    );
}

#[test]
fn an_invalid_upload_lists_its_problems_with_lines() {
    let server = start();
    let broken = yalu_scenario::BASELINE.replacen("[scenario]", "[scenario]\nnonsense = 1", 1);
    let answer = post_json(
        server.addr,
        "/api/check",
        &json!({ "text": broken, "name": "../../up<b>.toml" }),
    );
    assert_eq!(answer.status, 422);
    let answer = answer.json();
    let problem = &answer["problems"][0];
    assert_eq!(problem["line"], 10);
    assert!(problem["field"].as_str().unwrap().contains("nonsense"));
    // The name shown is cleaned of anything but a file name's letters.
    assert!(
        problem["text"]
            .as_str()
            .unwrap()
            .starts_with("....upb.toml:10")
    );
}

#[test]
fn run_streams_progress_gives_results_and_is_cached() {
    let server = start();
    let text = short_baseline();
    let started = post_json(
        server.addr,
        "/api/runs",
        &json!({ "text": text, "seed": 3, "replicates": 2 }),
    );
    assert_eq!(started.status, 202, "{}", started.text());
    let id = started.json()["run"]["id"].as_str().unwrap().to_owned();
    // The event stream ends with the final state.
    let events = get(server.addr, &format!("/api/runs/{id}/events"));
    assert_eq!(events.status, 200);
    assert!(
        events
            .header("content-type")
            .unwrap()
            .starts_with("text/event-stream")
    );
    let stream = events.text();
    assert!(stream.contains("event: progress"), "{stream}");
    assert!(stream.contains("\"state\":\"done\""), "{stream}");
    assert!(stream.contains("\"done\":2"), "{stream}");
    assert_eq!(wait(server.addr, &id, 60)["state"], "done");

    let results = get(server.addr, &format!("/api/runs/{id}/results"));
    assert_eq!(results.status, 200);
    let results = results.json();
    let ids: Vec<&str> = results["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for wanted in [
        "goods_by_channel",
        "goods",
        "fx_by_channel",
        "value_capture",
        "monitor",
        "incomes",
        "prices",
    ] {
        assert!(ids.contains(&wanted), "{wanted} missing from {ids:?}");
    }
    let channel = &results["figures"][0]["series"][0];
    assert_eq!(channel["p50"].as_array().unwrap().len(), 6);
    assert!(results["headline"].as_array().unwrap().len() > 10);
    assert!(results["validation"].as_array().unwrap().len() >= 10);

    // The same scenario, seed and replicates: the cached run, answered at once.
    let again = post_json(
        server.addr,
        "/api/runs",
        &json!({ "text": text, "seed": 3, "replicates": 2 }),
    );
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["cached"], true);
    assert_eq!(again.json()["run"]["id"], id.as_str());
    assert_eq!(again.json()["run"]["state"], "done");

    // The run's folder as a zip with the tables, manifest and report.
    let zip = get(server.addr, &format!("/api/runs/{id}/download.zip"));
    assert_eq!(zip.status, 200);
    assert_eq!(zip.header("content-type"), Some("application/zip"));
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).unwrap();
    let names: Vec<&str> = archive.file_names().collect();
    for wanted in [
        "manifest.json",
        "flows.csv",
        "flows.parquet",
        "summary.csv",
        "report.html",
        "scenario.toml",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("charts/")));
}

#[test]
fn too_many_replicates_and_cancel() {
    let server = start();
    let text = short_baseline();
    let refused = post_json(
        server.addr,
        "/api/runs",
        &json!({ "text": text, "replicates": 9 }),
    );
    assert_eq!(refused.status, 422);
    assert!(
        refused.json()["error"]
            .as_str()
            .unwrap()
            .contains("at most 8")
    );

    let started = post_json(
        server.addr,
        "/api/runs",
        &json!({ "text": text, "seed": 11, "replicates": 8 }),
    );
    let id = started.json()["run"]["id"].as_str().unwrap().to_owned();
    let cancelled = post_json(server.addr, &format!("/api/runs/{id}/cancel"), &json!({}));
    assert_eq!(cancelled.status, 200);
    assert_eq!(cancelled.json()["cancelled"], true);
    let last = wait(server.addr, &id, 120);
    assert_eq!(last["state"], "cancelled", "{last}");
    assert!(last["done"].as_u64().unwrap() < 8, "{last}");
    // A cancelled run leaves no folder and is not cached.
    assert!(!server.app.runs.dir().join(&id).exists());
    let again = post_json(
        server.addr,
        "/api/runs",
        &json!({ "text": text, "seed": 11, "replicates": 1 }),
    );
    assert_eq!(again.json()["cached"], false);
}

#[test]
fn compare_with_common_random_numbers_equals_yalu_compare() {
    let server = start();
    let text = short_baseline();
    let view = post_json(server.addr, "/api/check", &json!({ "text": text })).json();
    let path = "porter.sites[hyesan].crews";
    let old = parameter(&view, path)["value"].as_f64().unwrap();
    let max = parameter(&view, path)["max"].as_f64().unwrap();
    let new = (old * 2.0).min(max).max(old + 1.0);
    let edited = post_json(
        server.addr,
        "/api/edit",
        &json!({ "text": text, "values": { path: new } }),
    );
    assert_eq!(edited.status, 200, "{}", edited.text());
    let variant_text = edited.json()["text"].as_str().unwrap().to_owned();

    let (seed, replicates) = (5, 3);
    let a = run(server.addr, &text, seed, replicates);
    let b = run(server.addr, &variant_text, seed, replicates);
    let compared = get(
        server.addr,
        &format!("/api/compare?reference={a}&variant={b}"),
    );
    assert_eq!(compared.status, 200, "{}", compared.text());
    let compared = compared.json();

    let registry = Registry::embedded();
    let parse = |t: &str| Scenario::parse(&SourceText::new("s.toml", t.to_owned()), &registry);
    let (pa, pb) = (parse(&text).unwrap(), parse(&variant_text).unwrap());
    let lab = yalu_lab::compare::compare(
        &pa.params,
        &pb.params,
        EnsembleSpec {
            seed,
            replicates,
            threads: 1,
        },
        true,
        None,
        &|| {},
    )
    .unwrap();
    let headline = compared["headline"].as_array().unwrap();
    assert_eq!(headline.len(), lab.len());
    // Equal up to the last bit JSON's decimal text may lose on the way back (serde_json
    // writes the shortest exact text; its default reader may round the last bit).
    let same = |json: &Value, x: f64| match json.as_f64() {
        Some(v) => v == x || (v - x).abs() <= 4.0 * f64::EPSILON * x.abs(),
        None => !x.is_finite(),
    };
    let mut differing = 0;
    for (row, d) in headline.iter().zip(&lab) {
        assert_eq!(row["id"], d.metric.as_str());
        assert!(same(&row["mean_a"], d.mean_a), "{row} vs {d:?}");
        assert!(same(&row["mean_b"], d.mean_b), "{row} vs {d:?}");
        assert!(same(&row["centre"], d.mean_difference), "{row} vs {d:?}");
        assert!(same(&row["p05"], d.difference_p05), "{row} vs {d:?}");
        assert!(same(&row["p95"], d.difference_p95), "{row} vs {d:?}");
        differing += usize::from(d.mean_difference != 0.0);
    }
    assert!(differing > 0, "doubling crews changed nothing");
    // Each chart shows the difference: a band figure's series are differences.
    assert!(
        !compared["figures"][0]["series"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Different seeds are not common random numbers.
    let c = run(server.addr, &text, seed + 1, replicates);
    let refused = get(
        server.addr,
        &format!("/api/compare?reference={a}&variant={c}"),
    );
    assert_eq!(refused.status, 422);
}

#[test]
fn token_required_off_loopback() {
    // Bound to loopback for the test, configured as if on every interface.
    let server = start_with(
        |a| a.host = "0.0.0.0".parse().unwrap(),
        yalu_serve::api::router,
    );
    let token = server.app.token.clone().expect("a generated token");
    assert_eq!(token.len(), 32);
    let mut weak = common::args(server.dir.path().into());
    weak.token = Some("short".into());
    assert!(yalu_serve::app(&weak, 1).is_err());
    let refused = get(server.addr, "/api/info");
    assert_eq!(refused.status, 401);
    assert!(refused.json()["error"].as_str().unwrap().contains("token"));
    assert_eq!(get(server.addr, "/").status, 401);
    assert_eq!(get(server.addr, "/assets/app.js").status, 401);
    let wrong = request(
        server.addr,
        "GET",
        "/api/info",
        &[("Authorization", "Bearer 0000")],
        b"",
    );
    assert_eq!(wrong.status, 401);
    let bearer = format!("Bearer {token}");
    let ok = request(
        server.addr,
        "GET",
        "/api/info",
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(ok.status, 200);
    // The printed URL sets the cookie the page's own requests then carry.
    let page = get(server.addr, &format!("/?token={token}"));
    assert_eq!(page.status, 200);
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let with_cookie = request(
        server.addr,
        "GET",
        "/assets/app.js",
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(with_cookie.status, 200);
}

#[test]
fn loopback_without_token_refuses_other_host_names() {
    let server = start();
    let rebound = request(
        server.addr,
        "GET",
        "/api/info",
        &[("Host", "evil.example")],
        b"",
    );
    assert_eq!(rebound.status, 403, "{rebound:?}");
    assert!(server.app.token.is_none());
}

#[test]
fn oversize_bodies_and_scenarios_refused_as_json() {
    let server = start();
    let huge = vec![b'x'; 2 * 1024 * 1024];
    let refused = request(
        server.addr,
        "POST",
        "/api/check",
        &[("Content-Type", "application/json")],
        &huge,
    );
    assert_eq!(refused.status, 413);
    assert!(refused.json()["error"].as_str().is_some());
    let long = "#".repeat(600 * 1024);
    let refused = post_json(server.addr, "/api/check", &json!({ "text": long }));
    assert_eq!(refused.status, 413);
    assert!(
        refused.json()["error"]
            .as_str()
            .unwrap()
            .contains("at most")
    );
    let not_json = request(
        server.addr,
        "POST",
        "/api/check",
        &[("Content-Type", "application/json")],
        b"{",
    );
    assert_eq!(not_json.status, 400);
    assert!(not_json.json()["error"].as_str().is_some());
}

#[test]
fn paths_outside_the_run_folder_are_refused() {
    let server = start();
    for path in [
        "/api/runs/..%2F..%2F..%2Fetc%2Fpasswd/download.zip",
        "/api/runs/../../etc/passwd",
        "/api/runs/%2e%2e/download.zip",
        "/api/runs/00000000000000000000000000000000/download.zip",
        "/assets/..%2F..%2FCargo.toml",
        "/assets/%2Fetc%2Fpasswd",
        "/api/scenarios/..%2F..%2FCargo.toml",
        "/../../etc/passwd",
    ] {
        let answer = get(server.addr, path);
        assert!(
            answer.status == 404 || answer.status == 400,
            "{path}: {}",
            answer.status
        );
        assert!(answer.json()["error"].as_str().is_some(), "{path}");
        assert!(!answer.text().contains("root:"), "{path}");
    }
}

#[test]
fn a_panicking_handler_answers_500_and_the_server_goes_on() {
    let server = start_with(
        |_| {},
        |app| {
            yalu_serve::api::protect(
                yalu_serve::api::routes().route(
                    "/api/boom",
                    axum::routing::get(|| async {
                        if std::env::var_os("NEVER_SET_IN_TESTS").is_none() {
                            panic!("boom");
                        }
                        "unreachable"
                    }),
                ),
                app,
            )
        },
    );
    let boom = get(server.addr, "/api/boom");
    assert_eq!(boom.status, 500);
    assert!(!boom.text().contains("boom"), "no panic message leaks");
    assert!(boom.json()["error"].as_str().is_some());
    assert_eq!(get(server.addr, "/api/info").status, 200);
}

#[test]
fn the_page_has_a_strict_policy_and_no_inline_script() {
    let server = start();
    let page = get(server.addr, "/");
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let html = page.text();
    let scripts = html.matches("<script").count();
    assert!(scripts >= 2);
    assert_eq!(
        scripts,
        html.matches("<script src=").count(),
        "inline script"
    );
    let chart = get(server.addr, "/assets/echarts.min.js");
    assert_eq!(chart.status, 200);
    assert!(chart.body.len() > 500_000);
    let unknown = get(server.addr, "/api/nothing");
    assert_eq!(unknown.status, 404);
    assert!(unknown.json()["error"].as_str().is_some());
}

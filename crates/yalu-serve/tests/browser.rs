//! The workbench in headless Chromium (Debian's `chromium` and `chromium-driver`), driven
//! over the WebDriver protocol, with every address but loopback unreachable: load the
//! page, upload a short scenario, run it, change a parameter, run again and check the
//! chart's median moved the way `yalu compare` says; pin, run the variant, see the
//! difference charts; no console errors. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/workbench-screenshots`.
//!
//! Without Chromium the test is skipped locally, and fails when `CI=true`.

mod common;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use yalu_lab::EnsembleSpec;
use yalu_scenario::{Registry, Scenario, SourceText};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver child process, killed on drop.
struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn driver() -> Driver {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver { child, addr }
}

/// A WebDriver session.
struct Browser<'d> {
    driver: &'d Driver,
    session: String,
    shots: PathBuf,
}

impl Browser<'_> {
    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let answer = request(
            self.driver.addr,
            method,
            &path,
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        );
        let value = answer.json();
        assert_eq!(answer.status, 200, "{method} {path}: {value}");
        value["value"].clone()
    }

    fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
    }

    fn element(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            json!({ "using": "css selector", "value": css }),
        );
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/click"), json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.call("POST", &format!("/element/{id}/clear"), json!({}));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        );
    }

    /// Waits until `script` returns something truthy, and returns it.
    fn until(&self, what: &str, script: &str, seconds: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let value = self.script(script);
            if !(value.is_null() || value == false || value == "") {
                return value;
            }
            if Instant::now() > deadline {
                self.screenshot("timeout");
                panic!(
                    "timed out waiting for {what}; page says: {}",
                    self.script("return document.getElementById('message').textContent + ' | ' + document.body.innerText.slice(0, 2000)")
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        let data = self.call("GET", "/screenshot", json!({}));
        let bytes = decode_base64(data.as_str().unwrap());
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, bytes).unwrap();
        println!("screenshot: {}", path.display());
        path
    }

    fn severe_console_messages(&self) -> Vec<String> {
        self.call("POST", "/se/log", json!({ "type": "browser" }))
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["level"] == "SEVERE")
            .map(|m| m["message"].to_string())
            .collect()
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    sextets
        .chunks(4)
        .flat_map(|c| {
            let n = c
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &s)| n | (u32::from(s) << (18 - 6 * i)));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            bytes.into_iter().take(c.len().saturating_sub(1))
        })
        .collect()
}

/// Sum of the median line of one series of a drawn chart.
fn median_sum(browser: &Browser, container: &str, figure: &str, series: &str) -> f64 {
    let script = format!(
        "const dom = document.querySelector('#{container} [data-figure={figure}]');
         const s = echarts.getInstanceByDom(dom).getOption().series.find(s => s.name === '{series}');
         return s ? s.data.reduce((a, b) => a + (b || 0), 0) : null;"
    );
    browser
        .script(&script)
        .as_f64()
        .unwrap_or_else(|| panic!("no {series} in {figure}"))
}

fn chromium_present() -> bool {
    Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()
}

#[test]
fn workbench_in_headless_chromium() {
    if !chromium_present() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI needs {CHROMIUM} and {CHROMEDRIVER} (Debian's chromium and chromium-driver; .ci/run installs them)"
        );
        eprintln!("skipped: no {CHROMIUM} or {CHROMEDRIVER} on this machine");
        return;
    }
    let server = start();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("workbench-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let scenario_file = server.dir.path().join("short.toml");
    let text = short_baseline();
    std::fs::write(&scenario_file, &text).unwrap();

    let driver = driver();
    let created = request(
        driver.addr,
        "POST",
        "/session",
        &[("Content-Type", "application/json")],
        json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--metrics-recording-only",
                    // No network: everything but loopback goes to a closed port.
                    "--proxy-server=http://127.0.0.1:9",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
                ]
            }
        }}})
        .to_string()
        .as_bytes(),
    );
    assert_eq!(created.status, 200, "{}", created.text());
    let session = created.json()["value"]["sessionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let browser = Browser {
        driver: &driver,
        session,
        shots,
    };
    let page = format!("http://{}/", server.addr);
    browser.call("POST", "/url", json!({ "url": page }));
    browser.until(
        "the page to load",
        "return document.body.dataset.ready === 'yes'",
        60,
    );
    browser.screenshot("01-scenario-panel");

    // Upload the short scenario through the file field.
    let upload = browser.element("#upload");
    browser.call(
        "POST",
        &format!("/element/{upload}/value"),
        json!({ "text": scenario_file.display().to_string() }),
    );
    browser.until(
        "the uploaded scenario",
        "return document.getElementById('scenario-summary').textContent.includes('2017-06-30')",
        30,
    );

    // Run it: the reference.
    browser.click("#tabs button[data-tab=run]");
    browser.type_into("#replicates", "2");
    browser.type_into("#seed", "4");
    browser.click("#start-run");
    let first = browser.until(
        "the first run's charts",
        "return document.getElementById('run-charts').dataset.drawn",
        300,
    );
    let before = median_sum(&browser, "run-charts", "goods_by_channel", "porter");
    browser.screenshot("02-run-results");
    // The SVG and PNG exports each chart's buttons download.
    let exports = browser.script(
        "const dom = document.querySelector('#run-charts [data-figure=value_capture]');
         const live = echarts.getInstanceByDom(dom);
         const ssr = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 600, height: 320 });
         ssr.setOption(live.getOption());
         const svg = ssr.renderToSVGString();
         ssr.dispose();
         return [svg.slice(0, 4), live.getDataURL({ type: 'png' }).slice(0, 22)];",
    );
    assert_eq!(exports, json!(["<svg", "data:image/png;base64,"]));
    browser.click("#pin-run");

    // Change a parameter in the panel and run again.
    let path = "porter.sites[hyesan].crews";
    browser.click("#tabs button[data-tab=scenario]");
    let view = post_json(server.addr, "/api/check", &json!({ "text": text })).json();
    let record = view["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["parameters"].as_array().unwrap())
        .find(|p| p["path"] == path)
        .unwrap()
        .clone();
    let old = record["value"].as_f64().unwrap();
    let new = (old * 2.0).min(record["max"].as_f64().unwrap());
    assert!(new > old, "{record}");
    browser.script(&format!(
        "document.getElementById('param-{path}').closest('details').open = true"
    ));
    // Out of range first: refused at the field.
    let too_big = record["max"].as_f64().unwrap() + 1.0;
    let field = format!("input[type=number][data-path='{path}']");
    browser.type_into(&field, &too_big.to_string());
    browser.click("#scenario-summary");
    browser.until(
        "the out-of-range refusal",
        &format!("return document.getElementById('param-{path}').querySelector('.field-error')?.textContent"),
        20,
    );
    browser.screenshot("03-out-of-range");
    browser.type_into(&field, &new.to_string());
    browser.click("#scenario-summary");
    browser.until(
        "the edit",
        &format!("return document.getElementById('param-{path}')?.classList.contains('edited')"),
        20,
    );
    browser.screenshot("04-edited");
    browser.click("#tabs button[data-tab=run]");
    browser.click("#start-run");
    browser.until(
        "the second run's charts",
        &format!(
            "const d = document.getElementById('run-charts').dataset.drawn; return d && d !== '{}' ? d : null",
            first.as_str().unwrap()
        ),
        300,
    );
    let after = median_sum(&browser, "run-charts", "goods_by_channel", "porter");

    // What `yalu compare` says for the same two scenarios.
    let registry = Registry::embedded();
    let a = Scenario::parse(&SourceText::new("a.toml", text.clone()), &registry).unwrap();
    let edited_text = post_json(
        server.addr,
        "/api/edit",
        &json!({ "text": text, "values": { path: new } }),
    )
    .json()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = Scenario::parse(&SourceText::new("b.toml", edited_text), &registry).unwrap();
    let expected = yalu_lab::compare::compare(
        &a.params,
        &b.params,
        EnsembleSpec {
            seed: 4,
            replicates: 2,
            threads: 1,
        },
        true,
        None,
        &|| {},
    )
    .unwrap()
    .into_iter()
    .find(|d| d.metric == "goods.delivered_cny_per_year[porter]")
    .expect("porter goods in the comparison");
    assert!(expected.mean_difference != 0.0, "{expected:?}");
    assert_eq!(
        (after - before).signum(),
        expected.mean_difference.signum(),
        "chart median moved from {before} to {after}; yalu compare says {expected:?}"
    );

    // The variant against the pinned reference.
    browser.click("#tabs button[data-tab=compare]");
    browser.click("#run-variant");
    browser.until(
        "the difference charts",
        "return document.getElementById('compare-charts').dataset.drawn",
        300,
    );
    let difference = median_sum(&browser, "compare-charts", "goods_by_channel", "porter");
    assert_eq!(
        difference.signum(),
        expected.mean_difference.signum(),
        "difference chart {difference}"
    );
    let rows = browser.script("return document.querySelectorAll('#compare-table tbody tr').length");
    assert!(rows.as_u64().unwrap() > 0);
    browser.screenshot("05-compare");

    // From a parameter to its claim.
    browser.click("#tabs button[data-tab=scenario]");
    browser.script(
        "document.querySelector('a[data-claim]').closest('details').open = true; document.querySelector('a[data-claim]').click()",
    );
    browser.until(
        "the claim in the evidence browser",
        "return document.querySelector('.claim.highlight')?.id",
        30,
    );
    browser.screenshot("06-evidence");

    let severe = browser.severe_console_messages();
    assert!(severe.is_empty(), "console errors: {severe:#?}");
    browser.call("DELETE", "", json!({}));
}

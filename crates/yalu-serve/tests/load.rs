//! Load on 127.0.0.1: 20 clients at once each start a small run and poll it to the end
//! (a bounded loop), while a prober times status requests. The server must stay
//! responsive (p95 of a status request under 200 ms while runs execute), never run more
//! than its limit at once, number the queue, finish every run, and keep its memory bounded.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

const CLIENTS: u64 = 20;
const MAX_CONCURRENT: usize = 2;

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(mut values: Vec<f64>, q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * q).round() as usize]
}

#[test]
fn twenty_clients_start_and_poll_small_runs() {
    let server = start_with(
        |a| {
            a.max_concurrent = MAX_CONCURRENT;
            a.max_replicates = 2;
        },
        yalu_serve::api::router,
    );
    let addr = server.addr;
    // Three months: small runs, each a little different (its own seed), none cached.
    let text = short_baseline().replace("last_day = \"2017-06-30\"", "last_day = \"2017-03-31\"");
    let memory_before = resident_kib();
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|seed| {
            let text = text.clone();
            let latencies = latencies.clone();
            std::thread::spawn(move || {
                let answer = post_json(
                    addr,
                    "/api/runs",
                    &json!({ "text": text, "seed": seed, "replicates": 1 }),
                );
                assert_eq!(answer.status, 202, "{}", answer.text());
                let id = answer.json()["run"]["id"].as_str().unwrap().to_owned();
                let mut states = Vec::new();
                // Bounded: at most 10 minutes of polling every 100 ms.
                for _ in 0..6000 {
                    let sent = Instant::now();
                    let progress = get(addr, &format!("/api/runs/{id}")).json();
                    latencies
                        .lock()
                        .unwrap()
                        .push(sent.elapsed().as_secs_f64() * 1000.0);
                    let state = progress["state"].as_str().unwrap().to_owned();
                    if state == "queued" {
                        assert!(progress["position"].as_u64().unwrap() >= 1, "{progress}");
                    }
                    states.push(state.clone());
                    if state == "done" || state == "failed" || state == "cancelled" {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                states
            })
        })
        .collect();

    // While the clients poll, count the runs executing at once.
    let mut most_running = 0;
    let mut sampled = 0;
    while !clients.iter().all(|c| c.is_finished()) {
        let (running, _) = server.app.runs.counts();
        most_running = most_running.max(running);
        sampled += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let outcomes: Vec<Vec<String>> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    let elapsed = started.elapsed();
    let memory_after = resident_kib();

    for states in &outcomes {
        assert_eq!(
            states.last().map(String::as_str),
            Some("done"),
            "{states:?}"
        );
    }
    let queued = outcomes
        .iter()
        .filter(|s| s.iter().any(|x| x == "queued"))
        .count();
    assert!(queued > 0, "with 20 runs and 2 slots some must have queued");
    assert!(
        most_running <= MAX_CONCURRENT,
        "{most_running} runs at once"
    );
    assert!(sampled > 0);

    let latencies = latencies.lock().unwrap().clone();
    let p50 = percentile(latencies.clone(), 0.5);
    let p95 = percentile(latencies.clone(), 0.95);
    let max = percentile(latencies.clone(), 1.0);
    println!(
        "load: {CLIENTS} clients, {} status requests in {:.1} s: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms; {queued} runs queued at first; at most {most_running} running at once; resident memory {} -> {} MiB",
        latencies.len(),
        elapsed.as_secs_f64(),
        memory_before / 1024,
        memory_after / 1024
    );
    assert!(p95 < 200.0, "p95 status latency {p95:.1} ms");
    // Bounded memory: twenty small runs must not take hundreds of megabytes.
    assert!(
        memory_after.saturating_sub(memory_before) < 512 * 1024,
        "resident memory grew from {memory_before} KiB to {memory_after} KiB"
    );
}

//! A workbench on a free loopback port and a minimal HTTP/1.1 client for the tests.
#![allow(dead_code)] // each test binary uses part of this module

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use yalu_serve::{App, ServeArgs};

/// A short scenario: the baseline cut to its first year (fast enough for debug builds).
pub fn short_baseline() -> String {
    yalu_scenario::BASELINE.replace("last_day = \"2025-12-31\"", "last_day = \"2017-06-30\"")
}

pub fn args(runs_dir: PathBuf) -> ServeArgs {
    ServeArgs {
        port: 0,
        host: "127.0.0.1".parse().unwrap(),
        token: None,
        runs_dir,
        max_replicates: 8,
        max_concurrent: 2,
        max_queued: 64,
    }
}

/// A running server: its address and the folder its runs go to (removed on drop).
pub struct Server {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    pub dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

/// Starts the workbench's router (or `router` built on the app) on 127.0.0.1.
pub fn start_with(
    configure: impl FnOnce(&mut ServeArgs),
    router: impl FnOnce(Arc<App>) -> Router,
) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut args = args(dir.path().join("runs"));
    configure(&mut args);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0)))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Arc::new(yalu_serve::app(&args, addr.port()).unwrap());
    let service = router(app.clone());
    runtime.spawn(async move { axum::serve(listener, service).await });
    Server {
        addr,
        app,
        dir,
        _runtime: runtime,
    }
}

pub fn start() -> Server {
    start_with(|_| {}, yalu_serve::api::router)
}

/// A response: status, headers (lowercase names) and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request (`Connection: close`) with extra header lines, and reads the answer.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra_headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !extra_headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) before reading all of a large body, and close.
    let _ = stream.write_all(body);
    parse(&read_response(&mut stream))
}

/// Reads one response: the head, then the body by its length, its chunks, or to the end
/// (some servers keep the connection open despite `Connection: close`).
fn read_response(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buffer = [0u8; 65536];
    loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            let body = raw.len() - split - 4;
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| body >= n)
                || (head.contains("transfer-encoding: chunked") && raw.ends_with(b"\r\n0\r\n\r\n"))
            {
                return raw;
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return raw,
            Ok(n) => raw.extend_from_slice(&buffer[..n]),
        }
    }
}

fn parse(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        let stop = (start + size).min(data.len());
        out.extend_from_slice(&data[start..stop]);
        data = &data[(stop + 2).min(data.len())..];
    }
    out
}

pub fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, &[], b"")
}

pub fn post_json(addr: SocketAddr, path: &str, body: &serde_json::Value) -> Response {
    request(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

/// Polls a run until it is final (at most `seconds`), returning its last progress.
pub fn wait(addr: SocketAddr, id: &str, seconds: u64) -> serde_json::Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        let progress = get(addr, &format!("/api/runs/{id}")).json();
        let state = progress["state"].as_str().unwrap_or_default().to_owned();
        if matches!(state.as_str(), "done" | "cancelled" | "failed") {
            return progress;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "run {id} not finished after {seconds} s: {progress}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts a run and waits for it: its id.
pub fn run(addr: SocketAddr, text: &str, seed: u64, replicates: u32) -> String {
    let answer = post_json(
        addr,
        "/api/runs",
        &serde_json::json!({"text": text, "seed": seed, "replicates": replicates}),
    );
    assert!(
        answer.status == 200 || answer.status == 202,
        "{}",
        answer.text()
    );
    let id = answer.json()["run"]["id"].as_str().unwrap().to_owned();
    let last = wait(addr, &id, 600);
    assert_eq!(last["state"], "done", "{last}");
    id
}

//! The HTTP routes. Every answer is JSON (errors as `{"error": ...}`), except the page,
//! its assets, the progress stream (server-sent events) and the run's zip. No route takes
//! a file path: runs are named by their id (hex digits, checked), assets and scenarios by
//! names looked up in fixed tables.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, middleware};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use yalu_scenario::records::{Evidence, ParameterRecord, Value};
use yalu_scenario::{Scenario, SourceText, declared, overrides};

use crate::guard::{self, TOKEN_COOKIE, error};
use crate::runs::{Progress, Request, Run, SubmitError, is_run_id};
use crate::{App, MAX_BODY_BYTES, MAX_SCENARIO_BYTES};

/// The page and its assets, embedded: (name, content type, bytes).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "echarts.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/echarts.min.js"),
    ),
    (
        "ECHARTS-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/ECHARTS-LICENSE.txt"),
    ),
];

const INDEX: &str = include_str!("../assets/index.html");

/// The shipped scenarios: (name, text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("baseline", yalu_scenario::BASELINE),
    (
        "courier-2014",
        include_str!("../../../scenarios/courier-2014.toml"),
    ),
    (
        "drugs-2003",
        include_str!("../../../scenarios/drugs-2003.toml"),
    ),
];

/// Every route, without the guards (see [`protect`]).
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(index))
        .route("/assets/{name}", get(asset))
        .route("/api/info", get(info))
        .route("/api/scenarios/{name}", get(shipped))
        .route("/api/check", post(check))
        .route("/api/edit", post(edit))
        .route("/api/runs", post(submit))
        .route("/api/runs/{id}", get(status))
        .route("/api/runs/{id}/events", get(events))
        .route("/api/runs/{id}/cancel", post(cancel))
        .route("/api/runs/{id}/results", get(results))
        .route("/api/runs/{id}/download.zip", get(download))
        .route("/api/compare", get(compare))
        .route("/api/evidence", get(evidence))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such page or API route") })
}

/// `routes` behind the guards: body limit, panic catcher, token or host check, security
/// headers and JSON errors.
pub fn protect(routes: Router<Arc<App>>, app: Arc<App>) -> Router {
    routes
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(guard::panicked))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            guard::authorize,
        ))
        .layer(middleware::from_fn(guard::harden))
        .with_state(app)
}

/// The workbench's router.
pub fn router(app: Arc<App>) -> Router {
    protect(routes(), app)
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn index(Query(query): Query<TokenQuery>) -> Response {
    let mut response =
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response();
    // The token in the printed URL becomes a cookie, so the page's own requests (assets,
    // the progress stream, downloads) carry it without putting it in every URL.
    if let Some(token) = query
        .token
        .filter(|t| t.bytes().all(|b| b.is_ascii_alphanumeric()))
        && let Ok(cookie) = HeaderValue::from_str(&format!(
            "{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
        ))
    {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

async fn asset(UrlPath(name): UrlPath<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, bytes)) => ([(header::CONTENT_TYPE, *kind)], *bytes).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no asset `{name}`")),
    }
}

async fn info(State(app): State<Arc<App>>) -> Json<serde_json::Value> {
    let limits = app.runs.limits();
    let (running, queued) = app.runs.counts();
    Json(json!({
        "running": running,
        "queued": queued,
        "version": env!("CARGO_PKG_VERSION"),
        "scenarios": SHIPPED.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        "max_replicates": limits.max_replicates,
        "max_concurrent": limits.max_concurrent,
        "max_scenario_bytes": MAX_SCENARIO_BYTES,
    }))
}

/// A parameter as the scenario panel shows it.
#[derive(Serialize)]
struct ParameterView<'a> {
    #[serde(flatten)]
    record: &'a ParameterRecord,
    /// Lowest and highest value the panel accepts (the evidence's range within the
    /// declared bounds), when the parameter is a number.
    min: Option<f64>,
    max: Option<f64>,
    whole: bool,
    editable: bool,
}

/// The range a number may be set to: the claim's or the assumption's range within the
/// declared bounds; the declared bounds alone when the evidence gives none.
fn allowed_range(record: &ParameterRecord) -> Option<[f64; 2]> {
    let Value::Number(_) = record.value else {
        return None;
    };
    let spec = declared::spec_of(&record.path);
    let (low, high) = spec.map_or((f64::NEG_INFINITY, f64::INFINITY), |s| {
        (s.bounds.min, s.bounds.max)
    });
    let evidence = match &record.evidence {
        Evidence::Claim { range, .. } | Evidence::Assumption { range, .. } => *range,
    };
    let [a, b] = evidence.unwrap_or([low, high]);
    Some([a.max(low), b.min(high)])
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// The submodel a parameter belongs to: the first part of its path.
fn submodel(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

fn scenario_view(scenario: &Scenario, text: &str) -> serde_json::Value {
    let mut groups: Vec<(String, Vec<ParameterView>)> = Vec::new();
    for record in &scenario.parameters {
        let range = allowed_range(record);
        let view = ParameterView {
            record,
            min: range.and_then(|r| finite(r[0])),
            max: range.and_then(|r| finite(r[1])),
            whole: declared::spec_of(&record.path).is_some_and(|s| s.whole),
            editable: range.is_some() && declared::spec_of(&record.path).is_some(),
        };
        let group = submodel(&record.path);
        match groups.iter_mut().find(|(g, _)| g == group) {
            Some((_, list)) => list.push(view),
            None => groups.push((group.to_owned(), vec![view])),
        }
    }
    json!({
        "name": scenario.name,
        "description": scenario.description,
        "seed": scenario.seed,
        "sha256": crate::runs::sha256_hex(text),
        "first_day": scenario.params.first_day.to_string(),
        "last_day": scenario.params.last_day.to_string(),
        "text": text,
        "groups": groups.iter().map(|(g, p)| json!({"submodel": g, "parameters": p})).collect::<Vec<_>>(),
    })
}

async fn shipped(UrlPath(name): UrlPath<String>) -> Response {
    match SHIPPED.iter().find(|(n, _)| *n == name) {
        Some((name, text)) => Json(json!({ "name": name, "text": text })).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!("no shipped scenario `{name}`"),
        ),
    }
}

#[derive(Deserialize)]
struct CheckBody {
    text: String,
    /// The file name shown in diagnostics.
    #[serde(default)]
    name: Option<String>,
}

fn too_long(text: &str) -> Option<Response> {
    (text.len() > MAX_SCENARIO_BYTES).then(|| {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the scenario is {} bytes; at most {MAX_SCENARIO_BYTES} are accepted",
                text.len()
            ),
        )
    })
}

/// File names shown in diagnostics: letters, digits, `.`, `-` and `_` only.
fn display_name(name: Option<&str>) -> String {
    let clean: String = name
        .unwrap_or("scenario.toml")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(80)
        .collect();
    if clean.is_empty() {
        "scenario.toml".into()
    } else {
        clean
    }
}

fn problems(errors: &yalu_scenario::ScenarioErrors) -> Response {
    let list: Vec<_> = errors
        .errors
        .iter()
        .map(|e| {
            json!({
                "line": e.line,
                "column": e.column,
                "field": e.field,
                "message": e.kind.to_string(),
                "text": e.to_string(),
            })
        })
        .collect();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": errors.to_string(), "problems": list })),
    )
        .into_response()
}

/// Checks a scenario as `yalu check` does; answers its parameters or every problem.
async fn check(State(app): State<Arc<App>>, Json(body): Json<CheckBody>) -> Response {
    off_the_loop(move || check_now(&app, body)).await
}

fn check_now(app: &App, body: CheckBody) -> Response {
    if let Some(refusal) = too_long(&body.text) {
        return refusal;
    }
    let source = SourceText::new(display_name(body.name.as_deref()), body.text.clone());
    match Scenario::parse(&source, &app.registry) {
        Ok(scenario) => Json(scenario_view(&scenario, &body.text)).into_response(),
        Err(errors) => problems(&errors),
    }
}

#[derive(Deserialize)]
struct EditBody {
    text: String,
    values: BTreeMap<String, f64>,
}

/// Sets parameters by path within their ranges; a value outside is refused naming the
/// field.
async fn edit(State(app): State<Arc<App>>, Json(body): Json<EditBody>) -> Response {
    off_the_loop(move || edit_now(&app, body)).await
}

fn edit_now(app: &App, body: EditBody) -> Response {
    let (source, scenario) = match checked(app, &body.text) {
        Ok(checked) => checked,
        Err(refusal) => return *refusal,
    };
    for (path, value) in &body.values {
        let Some(record) = scenario.parameters.iter().find(|p| p.path == *path) else {
            return field_error(path, format!("no parameter `{path}` in this scenario"));
        };
        let Some([low, high]) = allowed_range(record) else {
            return field_error(path, format!("`{path}` is not a number that can be edited"));
        };
        if !value.is_finite() || *value < low || *value > high {
            return field_error(
                path,
                format!("`{path}` = {value} is outside its allowed range [{low}, {high}]"),
            );
        }
    }
    let values: Vec<(String, f64)> = body.values.into_iter().collect();
    match overrides::edited(&source, &values, &app.registry) {
        Ok((text, scenario)) => Json(scenario_view(&scenario, &text.text)).into_response(),
        Err(overrides::OverrideError::Invalid(errors)) => problems(&errors),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    }
}

/// A submitted scenario text within the length limit, checked; the refusal otherwise.
fn checked(app: &App, text: &str) -> Result<(SourceText, Scenario), Box<Response>> {
    if let Some(refusal) = too_long(text) {
        return Err(Box::new(refusal));
    }
    let source = SourceText::new("scenario.toml", text.to_owned());
    let scenario =
        Scenario::parse(&source, &app.registry).map_err(|errors| Box::new(problems(&errors)))?;
    Ok((source, scenario))
}

fn field_error(path: &str, message: String) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": message, "field": path })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct RunBody {
    text: String,
    /// Master seed (default: the scenario's).
    seed: Option<u64>,
    replicates: u32,
}

async fn submit(State(app): State<Arc<App>>, Json(body): Json<RunBody>) -> Response {
    off_the_loop(move || submit_now(&app, body)).await
}

fn submit_now(app: &App, body: RunBody) -> Response {
    let (_, scenario) = match checked(app, &body.text) {
        Ok(checked) => checked,
        Err(refusal) => return *refusal,
    };
    let request = Request {
        seed: body.seed.unwrap_or(scenario.seed),
        scenario,
        text: body.text,
        replicates: body.replicates,
    };
    match app.runs.submit(request) {
        Ok((run, cached)) => (
            if cached {
                StatusCode::OK
            } else {
                StatusCode::ACCEPTED
            },
            Json(json!({ "run": run.progress(), "cached": cached })),
        )
            .into_response(),
        Err(e @ SubmitError::QueueFull(_)) => error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    }
}

/// Runs `work` (parsing and checking a scenario: milliseconds to tenths of a second) on
/// the blocking pool, so status requests never wait behind it.
async fn off_the_loop(work: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| guard::panicked(Box::new("the request failed")))
}

/// The run named by a URL, or a 404 (a name that is not a run id never reaches the disk).
fn find(app: &App, id: &str) -> Result<Arc<Run>, NotFound> {
    if !is_run_id(id) {
        return Err(NotFound("not a run id (32 hexadecimal digits)".into()));
    }
    app.runs
        .get(id)
        .ok_or_else(|| NotFound(format!("no run `{id}`")))
}

/// A run that is not there.
struct NotFound(String);

impl IntoResponse for NotFound {
    fn into_response(self) -> Response {
        error(StatusCode::NOT_FOUND, self.0)
    }
}

async fn status(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    match find(&app, &id) {
        Ok(run) => Json(run.progress()).into_response(),
        Err(e) => e.into_response(),
    }
}

fn progress_event(progress: &Progress) -> Event {
    Event::default()
        .event("progress")
        .json_data(progress)
        .unwrap_or_else(|_| Event::default().event("progress"))
}

/// Progress as server-sent events, one per change, ending with the final state.
async fn events(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let run = match find(&app, &id) {
        Ok(run) => run,
        Err(e) => return e.into_response(),
    };
    let stream = progress_stream(run.subscribe());
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn progress_stream(
    receiver: tokio::sync::watch::Receiver<Progress>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    futures_util::stream::unfold(
        (receiver, false, true),
        |(mut receiver, finished, first)| async move {
            if finished || (!first && receiver.changed().await.is_err()) {
                return None;
            }
            let progress = receiver.borrow_and_update().clone();
            let last = progress.state.is_final();
            Some((Ok(progress_event(&progress)), (receiver, last, false)))
        },
    )
}

async fn cancel(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    match find(&app, &id) {
        Ok(run) => {
            let cancelled = app.runs.cancel(&run);
            Json(json!({ "cancelled": cancelled, "run": run.progress() })).into_response()
        }
        Err(e) => e.into_response(),
    }
}

fn run_info(run: &Run) -> serde_json::Value {
    json!({
        "id": run.id,
        "scenario": run.scenario,
        "scenario_sha256": run.scenario_sha256,
        "seed": run.seed,
        "replicates": run.replicates,
    })
}

async fn results(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let run = match find(&app, &id) {
        Ok(run) => run,
        Err(e) => return e.into_response(),
    };
    let Some(results) = run.results() else {
        return error(
            StatusCode::CONFLICT,
            format!(
                "run `{id}` is {:?}; results come when it is done",
                run.progress().state
            ),
        );
    };
    let m = &results.measurements;
    Json(json!({
        "run": run_info(&run),
        "wall_time_s": results.wall_time_s,
        "figures": m.figures(None),
        "headline": m.headline(),
        "validation": results.validation,
    }))
    .into_response()
}

#[derive(Deserialize)]
struct CompareQuery {
    reference: String,
    variant: String,
}

/// The variant minus the reference, replicate by replicate: both must have run on the
/// same seed and number of replicates (common random numbers).
async fn compare(State(app): State<Arc<App>>, Query(q): Query<CompareQuery>) -> Response {
    let (a, b) = match (find(&app, &q.reference), find(&app, &q.variant)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    if a.seed != b.seed || a.replicates != b.replicates {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "common random numbers need the same seed and replicates: the reference ran seed {} x {}, the variant seed {} x {}",
                a.seed, a.replicates, b.seed, b.replicates
            ),
        );
    }
    let (Some(ra), Some(rb)) = (a.results(), b.results()) else {
        return error(StatusCode::CONFLICT, "both runs must be done to compare");
    };
    Json(json!({
        "reference": run_info(&a),
        "variant": run_info(&b),
        "figures": rb.measurements.figures(Some(&ra.measurements)),
        "headline": rb.measurements.compare_headline(&ra.measurements),
    }))
    .into_response()
}

async fn evidence(State(app): State<Arc<App>>) -> Json<serde_json::Value> {
    let r = &app.registry;
    Json(json!({ "sources": r.sources, "conflicts": r.conflicts }))
}

/// A name safe in a file name: letters, digits, `-` and `_`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect()
}

async fn download(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    let run = match find(&app, &id) {
        Ok(run) => run,
        Err(e) => return e.into_response(),
    };
    if run.results().is_none() {
        return error(StatusCode::CONFLICT, "the run is not done");
    }
    let folder = run.folder.clone();
    let zipped = tokio::task::spawn_blocking(move || zip_folder(&folder)).await;
    match zipped {
        Ok(Ok(bytes)) => {
            let name = format!("yalu-{}-{}.zip", file_safe(&run.scenario), &run.id[..8]);
            (
                [
                    (header::CONTENT_TYPE, "application/zip".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(Err(e)) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot zip the run: {e}"),
        ),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "zipping failed"),
    }
}

/// The run's folder as a zip: its files and those of `charts/`, nothing else.
fn zip_folder(folder: &Path) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (prefix, dir) in [
        ("", folder.to_path_buf()),
        ("charts/", folder.join("charts")),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .collect();
        files.sort_by_key(|e| e.file_name());
        for entry in files {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let bytes = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
            zip.start_file(name, options).map_err(|e| e.to_string())?;
            zip.write_all(&bytes).map_err(|e| e.to_string())?;
        }
    }
    zip.finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| e.to_string())
}

//! What every request goes through: the token (or, without one, a loopback host name),
//! security headers with a strict Content-Security-Policy, errors as JSON, and a handler
//! that panics answering 500 instead of taking the server down.

use std::any::Any;
use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::App;

/// The policy for every response: only this origin's scripts, styles and connections; no
/// inline scripts; no frames; images only from here or made by the page (chart PNGs).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The name of the cookie the page's URL sets with the token.
pub const TOKEN_COOKIE: &str = "yalu_token";

/// A JSON error response: `{"error": message}`.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "error": message.into() }))).into_response()
}

fn equal_in_constant_time(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token a request carries: bearer header, cookie or `token` query parameter.
fn presented_token(request: &Request) -> Vec<String> {
    let headers = request.headers();
    let mut found = Vec::new();
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        found.push(bearer.trim().to_owned());
    }
    for cookie in headers.get_all(header::COOKIE) {
        if let Ok(text) = cookie.to_str() {
            found.extend(text.split(';').filter_map(|c| {
                c.trim()
                    .strip_prefix(TOKEN_COOKIE)
                    .and_then(|r| r.strip_prefix('='))
                    .map(str::to_owned)
            }));
        }
    }
    if let Some(query) = request.uri().query() {
        found.extend(
            query
                .split('&')
                .filter_map(|kv| kv.strip_prefix("token="))
                .map(str::to_owned),
        );
    }
    found
}

/// Refuses requests without the token (when there is one) or naming a host other than
/// loopback (when there is none).
pub async fn authorize(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    match &app.token {
        Some(token) => {
            if !presented_token(&request)
                .iter()
                .any(|t| equal_in_constant_time(t.as_bytes(), token.as_bytes()))
            {
                return error(
                    StatusCode::UNAUTHORIZED,
                    "this server requires its token: open the URL it printed, or send `Authorization: Bearer TOKEN`",
                );
            }
        }
        None => {
            let host = request
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            if !app.allowed_hosts.iter().any(|h| h == host) {
                return error(
                    StatusCode::FORBIDDEN,
                    format!("requests must name this server's loopback address, not `{host}`"),
                );
            }
        }
    }
    next.run(request).await
}

/// Longest error body turned into a JSON message.
const ERROR_TEXT_LIMIT: usize = 4096;

/// Adds the security headers, and turns any error answered as plain text (a rejected body,
/// an unknown route, a wrong method) into `{"error": ...}`.
pub async fn harden(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let mut response = if response.status().is_client_error() || response.status().is_server_error()
    {
        if is_json {
            response
        } else {
            let status = response.status();
            let text = to_bytes(response.into_body(), ERROR_TEXT_LIMIT)
                .await
                .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
                .unwrap_or_default();
            let text = if text.is_empty() {
                status
                    .canonical_reason()
                    .unwrap_or("request failed")
                    .to_owned()
            } else {
                text
            };
            error(status, text)
        }
    } else {
        response
    };
    set_security_headers(response.headers_mut(), is_api);
    response
}

fn set_security_headers(headers: &mut HeaderMap, no_store: bool) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// The answer of a handler that panicked: a JSON 500; the server goes on.
pub fn panicked(_payload: Box<dyn Any + Send + 'static>) -> Response<Body> {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error: the request failed; the server is still running",
    )
}

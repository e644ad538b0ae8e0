//! One structured log line per request, with a request id that the answer carries back
//! (`X-Request-Id`), and the request counted in the metrics under its route's pattern.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header::HeaderName};
use axum::middleware::Next;
use axum::response::Response;

use super::metrics::{Metrics, RequestLabels, RouteLabels};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// An id a client or proxy sent, if it is short and plain enough to log as it is.
fn given_id(request: &Request) -> Option<String> {
    let id = request.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let plain = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    plain.then(|| id.to_string())
}

/// Ids unique within the process and unlikely to repeat across restarts: a random prefix
/// chosen at start, then a counter.
fn new_id() -> String {
    static PREFIX: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        let mut bytes = [0u8; 4];
        // A fixed prefix only makes ids repeat across restarts; logs still read.
        let _ = getrandom::fill(&mut bytes);
        u32::from_le_bytes(bytes)
    });
    format!("{prefix:08x}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The middleware: see the module's comment.
pub async fn observe(metrics: Arc<Metrics>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = given_id(&request).unwrap_or_else(new_id);
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_string(), |m| m.as_str().to_string());
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(REQUEST_ID, value.clone());
    }
    let mut response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: method.clone(),
            route: route.clone(),
            status,
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    // The path only: queries may carry a CSRF token.
    tracing::info!(
        target: "luoshi::request",
        request_id = %id,
        method = %method,
        path = %path,
        route = %route,
        status,
        ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    response
}

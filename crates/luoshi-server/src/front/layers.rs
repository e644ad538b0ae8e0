//! What every response passes through, whichever route answers: a deadline, and compression of
//! pages and JSON for clients that accept it.

use axum::Router;
use axum::http::StatusCode;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use super::Limits;

/// `app` with a deadline per request and its body, and gzip for text.
pub fn bounded(app: Router, limits: &Limits) -> Router {
    // .docx, .xlsx and zip archives are compressed already; images too (the default skips them).
    let compressible = DefaultPredicate::new()
        .and(NotForContentType::const_new(
            "application/vnd.openxmlformats",
        ))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/pdf"));
    app.layer(
        CompressionLayer::new()
            .gzip(true)
            .compress_when(compressible),
    )
    .layer(RequestBodyTimeoutLayer::new(limits.request_timeout))
    .layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        limits.request_timeout,
    ))
}

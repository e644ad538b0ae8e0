//! No request a user can make answers 500: arbitrary bytes in paths, query strings and headers,
//! for an anonymous visitor, the office and a district reporter, across the site and the API.
//! Found by the attack: `/my?period=%0a` and a login `next` holding CR or LF took the redirect
//! down. Every response also carries the security headers.

mod common;

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use luoshi_reporting::Day;
use luoshi_server::AppState;
use proptest::prelude::*;
use tower::ServiceExt;

const JIANGAN_SECRET: &str = "2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn state() -> (AppState, tempfile::TempDir) {
    let (mut state, dir) = common::wuhan(true).await;
    common::sign_in_jiangan(&state.store, JIANGAN_SECRET, "jiangan-csrf").await;
    state.today = Day::parse("2021-06-20");
    (state, dir)
}

fn app(state: &AppState) -> axum::Router {
    luoshi_server::router(state.clone()).merge(luoshi_web::router(state.clone()))
}

/// Every byte but unreserved ones percent-encoded, so any byte string fits in a URI.
fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (*b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const PAGES: [&str; 16] = [
    "/my?period=",
    "/login?next=",
    "/plans/1/tasks?q=",
    "/plans/1/reporting?period=",
    "/plans/1/dashboard?period=",
    "/plans/1/bulletins/",
    "/plans/1/units/",
    "/plans/1/districts/",
    "/reports/",
    "/reports/1/",
    "/attachments/",
    "/api/plans/1/standing?period=",
    "/api/plans/1/tasks?offset=",
    "/api/tasks/",
    "/api/periods/",
    "/plans/",
];

fn cookie_for(who: usize) -> Option<String> {
    match who % 3 {
        0 => None,
        1 => Some(common::office_cookie()),
        _ => Some(format!("luoshi_session={JIANGAN_SECRET}")),
    }
}

async fn status_of(state: &AppState, request: Request<Body>) -> (StatusCode, bool) {
    let response = app(state).oneshot(request).await.expect("answered");
    let secured = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .is_some_and(|v| v.to_str().is_ok_and(|p| p.contains("default-src 'none'")))
        && response
            .headers()
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .is_some();
    (response.status(), secured)
}

#[test]
fn the_reproductions_answer_without_a_server_error() {
    runtime().block_on(async {
        let (state, _dir) = state().await;
        for uri in [
            "/my?period=%0a",
            "/my?period=%0d%0a",
            "/my?period=%00",
            "/login?next=%2F%0d%0aSet-Cookie:x",
            "/login?next=/%09/evil.example/",
        ] {
            for who in 0..3 {
                let mut request = Request::builder().uri(uri);
                if let Some(c) = cookie_for(who) {
                    request = request.header(header::COOKIE, c);
                }
                let (status, secured) =
                    status_of(&state, request.body(Body::empty()).expect("request")).await;
                assert!(!status.is_server_error(), "{uri} as {who}: {status}");
                assert!(secured, "{uri}: security headers");
            }
        }
    });
}

#[test]
fn refused_paths_are_not_echoed_back() {
    runtime().block_on(async {
        let (state, _dir) = state().await;
        for uri in [
            "/api/tasks/x%3Cscript%3Ealert(1)",
            "/tasks/x%3Cscript%3Ealert(1)",
        ] {
            let request = Request::builder()
                .uri(uri)
                .header(header::COOKIE, common::office_cookie())
                .body(Body::empty())
                .expect("request");
            let response = app(&state).oneshot(request).await.expect("answered");
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
            let body = http_body_util::BodyExt::collect(response.into_body())
                .await
                .expect("body")
                .to_bytes();
            let body = String::from_utf8_lossy(&body);
            assert!(!body.contains("script"), "{uri}: {body}");
            assert!(body.contains("格式不对"), "{uri}: {body}");
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_paths_queries_and_headers_never_answer_500(
        page in 0..PAGES.len(),
        tail in prop::collection::vec(any::<u8>(), 0..40),
        header_bytes in prop::collection::vec(any::<u8>(), 0..40),
        which_header in 0..5usize,
        who in 0..3usize,
        post in any::<bool>(),
    ) {
        let (status, secured) = runtime().block_on(async {
            let (state, _dir) = state().await;
            let uri = format!("{}{}", PAGES[page], encode(&tail));
            let mut request = Request::builder()
                .uri(uri.as_str())
                .method(if post { "POST" } else { "GET" });
            if let Some(c) = cookie_for(who) {
                request = request.header(header::COOKIE, c);
            }
            // Header values can hold any visible byte and obs-text; others cannot be sent.
            if let Ok(value) = HeaderValue::from_bytes(&header_bytes) {
                let name = ["x-csrf-token", "authorization", "cookie", "content-type", "x-forwarded-for"][which_header];
                request = request.header(name, value);
            }
            let request = request.body(Body::from(tail.clone())).expect("request");
            status_of(&state, request).await
        });
        prop_assert!(!status.is_server_error(), "{status}");
        prop_assert!(secured);
    }
}

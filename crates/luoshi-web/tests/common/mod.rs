//! A ledger holding the Wuhan plan, for the page tests.

#![allow(dead_code)]

use std::sync::Arc;

use luoshi_directory::{Directory, resolve};
use luoshi_server::AppState;

pub const PLAN: &str = include_str!("../../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

/// A fresh SQLite ledger with the Wuhan plan imported, and published when `publish`.
pub async fn wuhan(publish: bool) -> (AppState, tempfile::TempDir) {
    let (state, _, dir) = ledger_with(PLAN, Directory::wuhan(), publish).await;
    (state, dir)
}

/// A fresh SQLite ledger with `plan` read, resolved through `directory` and imported (published
/// when `publish`), and the office signed in. Returns the plan's id too.
pub async fn ledger_with(
    plan: &str,
    directory: Directory,
    publish: bool,
) -> (AppState, i64, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store =
        luoshi_store::Store::open(&format!("sqlite://{}", dir.path().join("web.db").display()))
            .await
            .expect("store");
    let directory = Arc::new(directory);
    let id = store
        .import_plan(
            &resolve(luoshi_extract::extract(plan), &directory),
            "plan.txt",
            plan.as_bytes(),
            "测试",
        )
        .await
        .expect("import");
    if publish {
        store
            .publish(id, &directory, "测试")
            .await
            .expect("publish");
    }
    sign_in(
        &store,
        "office",
        luoshi_reporting::Role::Office,
        None,
        None,
        OFFICE_SECRET,
        OFFICE_CSRF,
    )
    .await;
    (AppState::new(store, directory), id, dir)
}

/// The office's session: every request of the page tests carries it unless it says otherwise.
pub const OFFICE_SECRET: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
pub const OFFICE_CSRF: &str = "office-csrf-token";

pub fn office_cookie() -> String {
    format!("luoshi_session={OFFICE_SECRET}")
}

/// Creates a user and a browser session whose cookie secret and CSRF token are the given ones.
pub async fn sign_in(
    store: &luoshi_store::Store,
    username: &str,
    role: luoshi_reporting::Role,
    unit: Option<&str>,
    district: Option<&str>,
    secret: &str,
    csrf: &str,
) {
    let user = store
        .create_user(
            luoshi_store::NewUser {
                username: username.into(),
                display_name: None,
                role,
                unit: unit.map(str::to_string),
                district: district.map(str::to_string),
                email: None,
                password_hash: "unused".into(),
                must_change_password: false,
            },
            "测试",
        )
        .await
        .expect("user");
    store
        .create_session(
            user.id,
            "browser",
            None,
            &luoshi_server::auth::digest(secret),
            csrf,
            "2999-01-01T00:00:00.000Z",
        )
        .await
        .expect("session");
}

/// 江岸区's district reporter, signed in with the given cookie secret and CSRF token.
pub async fn sign_in_jiangan(store: &luoshi_store::Store, secret: &str, csrf: &str) {
    sign_in(
        store,
        "jiangan",
        luoshi_reporting::Role::DistrictReporter,
        None,
        Some("江岸区"),
        secret,
        csrf,
    )
    .await;
}

/// The unit a signed-in user answers for.
pub async fn unit_of(store: &luoshi_store::Store, username: &str) -> i64 {
    store
        .credentials(username)
        .await
        .expect("credentials")
        .expect("user")
        .principal
        .unit_id
        .expect("a unit")
}

/// Percent-encodes everything but ASCII letters and digits, for paths and forms.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A page's answer, read whole.
pub struct Answer {
    pub status: axum::http::StatusCode,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
    pub body: String,
}

/// Sends one request through the pages' router.
pub async fn send(state: &AppState, request: axum::http::Request<axum::body::Body>) -> Answer {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = luoshi_web::router(state.clone())
        .oneshot(request)
        .await
        .expect("response");
    let status = response.status();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let location = header(axum::http::header::LOCATION);
    let content_type = header(axum::http::header::CONTENT_TYPE);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Answer {
        status,
        location,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

pub fn get(uri: &str, cookie: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .uri(uri)
        .header(axum::http::header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .expect("request")
}

pub fn post(uri: &str, cookie: &str, form: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .method("POST")
        .uri(uri)
        .header(axum::http::header::COOKIE, cookie)
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(axum::body::Body::from(form.to_string()))
        .expect("request")
}

/// A multipart form with `file` (a spreadsheet) as its `file` field and `fields` after it.
pub fn multipart(
    uri: &str,
    cookie: &str,
    file: &[u8],
    fields: &[(&str, &str)],
) -> axum::http::Request<axum::body::Body> {
    multipart_named(uri, cookie, "表.xlsx", file, fields)
}

/// A multipart form with `file`, named `filename`, as its `file` field and `fields` after it.
pub fn multipart_named(
    uri: &str,
    cookie: &str,
    filename: &str,
    file: &[u8],
    fields: &[(&str, &str)],
) -> axum::http::Request<axum::body::Body> {
    let boundary = "luoshiboundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n");
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    axum::http::Request::builder()
        .method("POST")
        .uri(uri)
        .header(axum::http::header::COOKIE, cookie)
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .expect("request")
}

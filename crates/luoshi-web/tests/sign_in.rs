//! Signing in under attack: back-off per (name, address) that an outsider cannot hold against
//! the account, the same answers for names that do not exist, a flood that neither exhausts
//! memory nor locks the real user out, limited guesses of the current password, and the
//! office lifting a back-off.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use luoshi_reporting::Role;
use luoshi_server::AppState;
use luoshi_server::sign_in::SignInGuard;
use luoshi_store::NewUser;
use tower::ServiceExt;

const PASSWORD: &str = "江城科技创新2021年";
const CSRF: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn state() -> (AppState, tempfile::TempDir) {
    let (mut state, dir) = common::wuhan(false).await;
    let hash = luoshi_server::auth::password::hash(PASSWORD).expect("hash");
    state
        .store
        .create_user(
            NewUser {
                username: "kjj".into(),
                display_name: None,
                role: Role::Office,
                unit: None,
                district: None,
                email: None,
                password_hash: hash,
                must_change_password: false,
            },
            "测试",
        )
        .await
        .expect("user");
    // Requests sent in-process carry no peer address (read as 0.0.0.0): that is the proxy.
    state.proxies = Some(Arc::new(
        luoshi_server::proxy::TrustedProxies::parse("x-forwarded-for", "0.0.0.0").expect("proxies"),
    ));
    state.sign_in = Arc::new(SignInGuard::new(2));
    (state, dir)
}

async fn send(state: &AppState, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = luoshi_web::router(state.clone())
        .oneshot(request)
        .await
        .expect("response");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn attempt(from: &str, username: &str, password: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::COOKIE, format!("luoshi_csrf={CSRF}"))
        .header("x-forwarded-for", from)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={CSRF}&username={}&password={}",
            common::encode(username),
            common::encode(password)
        )))
        .expect("request")
}

/// The message of a login page's answer, its digits (a time) left out.
fn message(body: &str) -> String {
    let text = body
        .split("role=\"alert\">")
        .nth(1)
        .and_then(|m| m.split('<').next())
        .unwrap_or_default();
    assert!(!text.is_empty(), "a message on the page: {body}");
    text.chars().filter(|c| !c.is_ascii_digit()).collect()
}

#[tokio::test]
async fn an_outsider_locks_only_their_own_address_and_unknown_names_answer_alike() {
    let (state, _dir) = state().await;
    let outsider = "203.0.113.9";
    let mut real = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..5 {
        real.push(send(&state, attempt(outsider, "kjj", "wrong")).await);
        unknown.push(send(&state, attempt(outsider, "nobody", "wrong")).await);
    }
    for (r, u) in real.iter().zip(&unknown) {
        assert_eq!(r.0, u.0, "same status for a real and an unknown name");
        assert_eq!(message(&r.2), message(&u.2), "same words");
    }
    assert_eq!(real[3].0, StatusCode::UNAUTHORIZED);
    let (status, headers, body) = &real[4];
    assert_eq!(*status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("北京时间"), "{body}");
    let wait: u64 = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((800..=900).contains(&wait), "{wait}");
    // The outsider's address waits, even with the right password...
    let (status, _, _) = send(&state, attempt(outsider, "kjj", PASSWORD)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // ...but the real user, elsewhere, signs in.
    let (status, headers, _) = send(&state, attempt("198.51.100.7", "kjj", PASSWORD)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers.get(header::SET_COOKIE).is_some());
    // The office sees the back-off and lifts it.
    let locks = state.store.login_locks().await.expect("locks");
    assert!(
        locks
            .iter()
            .any(|l| l.username == "kjj" && l.address == outsider && l.locked_until.is_some()),
        "{locks:?}"
    );
    let cleared = state
        .store
        .clear_login_failures("kjj", Some(outsider))
        .await
        .expect("clear");
    assert_eq!(cleared, 1);
    let (status, _, _) = send(&state, attempt(outsider, "kjj", PASSWORD)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn after_signing_in_only_a_path_on_this_site_is_followed() {
    let (state, _dir) = state().await;
    for (next, expected) in [
        ("%2Fmy", "/my"),
        ("%2F%09%2Fevil.example%2F", "/"),
        ("%2F%2Fevil.example", "/"),
        ("https%3A%2F%2Fevil.example", "/"),
        ("%2F%5Cevil.example", "/"),
        ("%2Fmy%0D%0ASet-Cookie%3A%20x%3D1", "/"),
    ] {
        let request = Request::builder()
            .method("POST")
            .uri("/login")
            .header(header::COOKIE, format!("luoshi_csrf={CSRF}"))
            .header("x-forwarded-for", "192.0.2.77")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={CSRF}&username=kjj&password={}&next={next}",
                common::encode(PASSWORD)
            )))
            .expect("request");
        let (status, headers, body) = send(&state, request).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{next}: {body}");
        assert_eq!(
            headers.get(header::LOCATION).and_then(|v| v.to_str().ok()),
            Some(expected),
            "{next}"
        );
    }
}

#[tokio::test]
async fn a_flood_of_attempts_is_answered_without_errors_and_the_real_user_still_gets_in() {
    let (state, _dir) = state().await;
    let mut flood = Vec::new();
    for i in 0..64u32 {
        let state = state.clone();
        flood.push(tokio::spawn(async move {
            let from = format!("10.0.{}.{}", i / 200, i % 200 + 1);
            send(&state, attempt(&from, "kjj", &format!("guess{i}")))
                .await
                .0
        }));
    }
    for task in flood {
        let status = task.await.expect("joined");
        assert!(
            [
                StatusCode::UNAUTHORIZED,
                StatusCode::SERVICE_UNAVAILABLE,
                StatusCode::TOO_MANY_REQUESTS
            ]
            .contains(&status),
            "{status}"
        );
    }
    let (status, _, body) = send(&state, attempt("192.0.2.1", "kjj", PASSWORD)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
}

#[tokio::test]
async fn one_address_has_a_budget_of_attempts_whatever_the_names() {
    let (state, _dir) = state().await;
    let mut statuses = Vec::new();
    for i in 0..25 {
        let (status, headers, _) =
            send(&state, attempt("203.0.113.50", &format!("name{i}"), "x")).await;
        statuses.push((status, headers.get(header::RETRY_AFTER).is_some()));
    }
    assert!(
        statuses[..20]
            .iter()
            .all(|s| s.0 == StatusCode::UNAUTHORIZED)
    );
    assert!(
        statuses[20..]
            .iter()
            .all(|s| *s == (StatusCode::TOO_MANY_REQUESTS, true)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn guesses_of_the_current_password_back_off_too() {
    let (state, _dir) = state().await;
    let (_, headers, _) = send(&state, attempt("192.0.2.9", "kjj", PASSWORD)).await;
    let session = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("luoshi_session="))
        .and_then(|c| c.split(';').next())
        .expect("session")
        .to_string();
    let (_, _, page) = send(
        &state,
        Request::builder()
            .uri("/account/password")
            .header(header::COOKIE, &session)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    let token = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf")
        .to_string();
    let change = |current: &str| {
        Request::builder()
            .method("POST")
            .uri("/account/password")
            .header(header::COOKIE, &session)
            .header("x-forwarded-for", "192.0.2.9")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={token}&current={}&new=x7Hq2mPv9sLk&repeat=x7Hq2mPv9sLk",
                common::encode(current)
            )))
            .expect("request")
    };
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(send(&state, change("guess")).await.0);
    }
    assert_eq!(statuses[..4], [StatusCode::UNPROCESSABLE_ENTITY; 4]);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
    let (status, _, body) = send(&state, change(PASSWORD)).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the right one waits too: {body}"
    );
}

#[tokio::test]
async fn the_office_sees_the_waits_on_its_account_page_and_lifts_them() {
    let (state, _dir) = state().await;
    for _ in 0..5 {
        send(&state, attempt("203.0.113.20", "kjj", "wrong")).await;
    }
    let page = |cookie: String| {
        Request::builder()
            .uri("/account")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request")
    };
    let (status, _, body) = send(&state, page(common::office_cookie())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("id=\"login-locks\"") && body.contains("203.0.113.20"),
        "{body}"
    );
    let clear = Request::builder()
        .method("POST")
        .uri("/account/login-locks/clear")
        .header(header::COOKIE, common::office_cookie())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&username=kjj&address=203.0.113.20",
            common::OFFICE_CSRF
        )))
        .expect("request");
    let (status, _, body) = send(&state, clear).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("已解除「kjj」自 203.0.113.20 的登录限制（1 项）"),
        "{body}"
    );
    let (status, _, _) = send(&state, attempt("203.0.113.20", "kjj", PASSWORD)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "signs in again");
}

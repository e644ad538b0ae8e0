//! Signing in and out, changing one's password (forced after a one-time password), and issuing
//! API tokens. The login form is the only page anonymous visitors see; its CSRF token is a
//! double-submit cookie because there is no session yet.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{self, Caller, LoginError, Office, SESSION_SECONDS};
use luoshi_server::redirect::see_other;
use luoshi_server::sign_in::{self, ClientAddress};
use serde::Deserialize;

use crate::csrf;
use crate::pages::PageError;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

/// Only a path on this site is followed after login (no open redirects): it starts with one
/// `/`, and holds no backslash, whitespace or control character (browsers drop tabs and line
/// breaks from addresses, so `/\t/evil.example` would become `//evil.example`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() <= 2048
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

fn render_login(
    token: &str,
    next: &str,
    username: &str,
    error: Option<String>,
) -> Result<String, PageError> {
    LoginPage {
        csrf: token.to_string(),
        next: next.to_string(),
        username: username.to_string(),
        error,
    }
    .render()
    .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

pub async fn login_page(
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    let (token, fresh) = match csrf::from_cookie(&headers) {
        Some(t) => (t, false),
        None => (
            csrf::new_token().ok_or_else(|| PageError::internal("无法生成随机数".into()))?,
            true,
        ),
    };
    let body = render_login(&token, &safe_next(q.next.as_deref()), "", None)?;
    let mut response = Html(body).into_response();
    if fresh && let Ok(value) = csrf::set_cookie(&token).parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf: String,
    username: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn login(
    State(s): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(form.next.as_deref());
    let token = csrf::from_cookie(&headers).unwrap_or_default();
    if !csrf::valid(&headers, &form.csrf) {
        let body = render_login(
            &token,
            &next,
            &form.username,
            Some("登录表单已过期，请重新输入".into()),
        )?;
        return Ok((StatusCode::FORBIDDEN, Html(body)).into_response());
    }
    match auth::login(
        &s.store,
        &s.sign_in,
        address,
        &form.username,
        &form.password,
    )
    .await
    {
        Ok(session) => {
            let target = if session.must_change_password {
                "/account/password".to_string()
            } else {
                next
            };
            let mut response = see_other(&target).into_response();
            if let Ok(value) =
                auth::session_cookie(&session.secret, SESSION_SECONDS, s.secure_cookies).parse()
            {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(e @ (LoginError::Store(_) | LoginError::Internal(_))) => {
            Err(PageError::internal(e.to_string()))
        }
        Err(e) => {
            let body = render_login(&token, &next, &form.username, Some(e.to_string()))?;
            Ok(with_retry_after(
                (e.status(), Html(body)).into_response(),
                &e,
            ))
        }
    }
}

/// Adds `Retry-After` when waiting is what the caller should do.
fn with_retry_after(mut response: Response, e: &LoginError) -> Response {
    if let Some(seconds) = e.retry_after()
        && let Ok(value) = seconds.to_string().parse()
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub async fn logout(State(s): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    s.store.end_session(&caller.session_hash).await?;
    let mut response = see_other("/login").into_response();
    if let Ok(value) = auth::session_cookie("", 0, s.secure_cookies).parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    nav: crate::nav::Nav,
    caller: Caller,
    role: &'static str,
    csrf: String,
    issued: Option<(String, String)>,
    error: Option<String>,
    tokens: Vec<TokenLine>,
    /// The office sees the sign-in back-offs in force; other roles do not.
    locks: Option<Vec<LockLine>>,
    notice: Option<String>,
}

struct TokenLine {
    id: i64,
    label: String,
    created: String,
    expires: String,
}

struct LockLine {
    username: String,
    address: String,
    failures: i64,
    until: Option<String>,
    last: String,
}

fn beijing(utc: &str) -> String {
    luoshi_reporting::beijing_time(utc).unwrap_or_else(|| utc.to_string())
}

/// What the account page shows besides the form's own outcome.
struct Outcome {
    issued: Option<(String, String)>,
    error: Option<String>,
    notice: Option<String>,
}

async fn account_page(s: &AppState, caller: Caller, outcome: Outcome) -> Result<String, PageError> {
    let tokens = s
        .store
        .api_tokens(caller.principal.user_id)
        .await?
        .into_iter()
        .map(|t| TokenLine {
            id: t.id,
            label: t.label,
            created: beijing(&t.created_at),
            expires: beijing(&t.expires_at),
        })
        .collect();
    let locks = if caller.principal.is_office() {
        let locks = s.store.login_locks().await?;
        Some(
            locks
                .into_iter()
                .map(|l| LockLine {
                    username: l.username,
                    address: l.address,
                    failures: l.failures,
                    until: l.locked_until.as_deref().map(beijing),
                    last: beijing(&l.last_failure),
                })
                .collect(),
        )
    } else {
        None
    };
    let nav = crate::nav::Nav::build(s, &caller, None, crate::nav::Here::Elsewhere).await?;
    AccountPage {
        nav,
        role: caller.principal.role.label(),
        csrf: caller.csrf_token.clone(),
        caller,
        issued: outcome.issued,
        error: outcome.error,
        tokens,
        locks,
        notice: outcome.notice,
    }
    .render()
    .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

const NOTHING: Outcome = Outcome {
    issued: None,
    error: None,
    notice: None,
};

pub async fn account(State(s): State<AppState>, caller: Caller) -> Result<Html<String>, PageError> {
    Ok(Html(account_page(&s, caller, NOTHING).await?))
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    label: String,
    #[serde(default)]
    days: Option<String>,
}

pub async fn create_token(
    State(s): State<AppState>,
    caller: Caller,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let label = form.label.trim();
    let days = match form
        .days
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => Ok(auth::TOKEN_DAYS),
        Some(d) => d
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=auth::TOKEN_MAX_DAYS).contains(d))
            .ok_or(format!(
                "有效期须为 1–{} 天（填了「{d}」）",
                auth::TOKEN_MAX_DAYS
            )),
    };
    let error = match (&days, label.is_empty()) {
        (Err(e), _) => Some(e.clone()),
        (_, true) => Some("请说明令牌的用途".to_string()),
        _ => None,
    };
    if let Some(error) = error {
        let outcome = Outcome {
            error: Some(error),
            ..NOTHING
        };
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(account_page(&s, caller, outcome).await?),
        )
            .into_response());
    }
    let issued = luoshi_server::accounts::issue_token(
        &s.store,
        caller.principal.user_id,
        label,
        days.unwrap_or(auth::TOKEN_DAYS),
    )
    .await?;
    let outcome = Outcome {
        issued: Some((issued.token, beijing(&issued.expires_at))),
        ..NOTHING
    };
    Ok(Html(account_page(&s, caller, outcome).await?).into_response())
}

pub async fn revoke_token(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    s.store
        .revoke_token(caller.principal.user_id, id, &caller.actor())
        .await?;
    Ok(see_other("/account").into_response())
}

#[derive(Debug, Deserialize)]
pub struct LockForm {
    username: String,
    #[serde(default)]
    address: Option<String>,
}

/// The office lifts a sign-in back-off.
pub async fn clear_lock(
    State(s): State<AppState>,
    Office(caller): Office,
    Form(form): Form<LockForm>,
) -> Result<Response, PageError> {
    let address = form.address.as_deref().filter(|a| !a.is_empty());
    let cleared = s
        .store
        .clear_login_failures(&form.username, address)
        .await?;
    let notice = Some(format!(
        "已解除「{}」{}的登录限制（{cleared} 项）",
        form.username,
        address.map(|a| format!("自 {a} ")).unwrap_or_default()
    ));
    let outcome = Outcome { notice, ..NOTHING };
    Ok(Html(account_page(&s, caller, outcome).await?).into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    nav: crate::nav::Nav,
    csrf: String,
    forced: bool,
    error: Option<String>,
}

pub async fn password_page(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Html<String>, PageError> {
    let page = PasswordPage {
        nav: crate::nav::Nav::build(&s, &caller, None, crate::nav::Here::Elsewhere).await?,
        csrf: caller.csrf_token.clone(),
        forced: caller.must_change_password,
        error: None,
    };
    Ok(Html(page.render().map_err(|e| {
        PageError::internal(format!("页面生成失败：{e}"))
    })?))
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

pub async fn change_password(
    State(s): State<AppState>,
    ClientAddress(address): ClientAddress,
    caller: Caller,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let username = caller.principal.username.clone();
    let nav = crate::nav::Nav::build(&s, &caller, None, crate::nav::Here::Elsewhere).await?;
    let fail_with = |status: StatusCode, message: String| -> Result<Response, PageError> {
        let page = PasswordPage {
            nav: nav.clone(),
            csrf: caller.csrf_token.clone(),
            forced: caller.must_change_password,
            error: Some(message),
        };
        let body = page
            .render()
            .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))?;
        Ok((status, Html(body)).into_response())
    };
    let fail = |message: String| fail_with(StatusCode::UNPROCESSABLE_ENTITY, message);
    // Guesses of the current password count and back off like sign-in attempts.
    match sign_in::check_current_password(&s.store, &s.sign_in, address, &username, &form.current)
        .await
    {
        Ok(()) => {}
        Err(LoginError::Wrong) => return fail("当前密码不正确".into()),
        Err(e @ (LoginError::Store(_) | LoginError::Internal(_))) => {
            return Err(PageError::internal(e.to_string()));
        }
        Err(e) => {
            let refused = fail_with(e.status(), e.to_string())?;
            return Ok(with_retry_after(refused, &e));
        }
    }
    if form.new != form.repeat {
        return fail("两次输入的新密码不一致".into());
    }
    if form.new == form.current {
        return fail("新密码不能与当前密码相同".into());
    }
    if let Some(weak) = auth::password::weakness(&username, &form.new) {
        return fail(weak);
    }
    let new = form.new.clone();
    let hash = auth::hash_password(new)
        .await
        .map_err(PageError::internal)?;
    s.store
        .set_password(
            &username,
            &hash,
            false,
            Some(&caller.session_hash),
            &caller.actor(),
        )
        .await?;
    Ok(see_other("/").into_response())
}

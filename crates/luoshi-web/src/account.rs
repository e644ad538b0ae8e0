//! Signing in and out, changing one's password (forced after a one-time password), and issuing
//! API tokens. The login form is the only page anonymous visitors see; its CSRF token is a
//! double-submit cookie because there is no session yet.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{self, Caller, LoginError, SESSION_SECONDS};
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

/// Only local paths are followed after login (no open redirects).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
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
    match auth::login(&s.store, &form.username, &form.password).await {
        Ok(session) => {
            let target = if session.must_change_password {
                "/account/password".to_string()
            } else {
                next
            };
            let mut response = Redirect::to(&target).into_response();
            if let Ok(value) =
                auth::session_cookie(&session.secret, SESSION_SECONDS, s.secure_cookies).parse()
            {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(e @ (LoginError::Wrong | LoginError::Locked(_))) => {
            let status = if matches!(e, LoginError::Locked(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let body = render_login(&token, &next, &form.username, Some(e.to_string()))?;
            Ok((status, Html(body)).into_response())
        }
        Err(e) => Err(PageError::internal(e.to_string())),
    }
}

pub async fn logout(State(s): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    s.store.end_session(&caller.session_hash).await?;
    let mut response = Redirect::to("/login").into_response();
    if let Ok(value) = auth::session_cookie("", 0, s.secure_cookies).parse() {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    caller: Caller,
    role: &'static str,
    csrf: String,
    issued: Option<(String, String)>,
    error: Option<String>,
}

fn account_page(
    caller: Caller,
    issued: Option<(String, String)>,
    error: Option<String>,
) -> Result<String, PageError> {
    AccountPage {
        role: caller.principal.role.label(),
        csrf: caller.csrf_token.clone(),
        caller,
        issued,
        error,
    }
    .render()
    .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

pub async fn account(caller: Caller) -> Result<Html<String>, PageError> {
    Ok(Html(account_page(caller, None, None)?))
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
            .filter(|d| (1..=366).contains(d))
            .ok_or(format!("有效期须为 1–366 天（填了「{d}」）")),
    };
    let error = match (&days, label.is_empty()) {
        (Err(e), _) => Some(e.clone()),
        (_, true) => Some("请说明令牌的用途".to_string()),
        _ => None,
    };
    if let Some(error) = error {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(account_page(caller, None, Some(error))?),
        )
            .into_response());
    }
    let issued = luoshi_server::reporting::issue_token(
        &s.store,
        caller.principal.user_id,
        label,
        days.unwrap_or(auth::TOKEN_DAYS),
    )
    .await?;
    Ok(Html(account_page(
        caller,
        Some((issued.token, issued.expires_at)),
        None,
    )?)
    .into_response())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    csrf: String,
    forced: bool,
    error: Option<String>,
}

pub async fn password_page(caller: Caller) -> Result<Html<String>, PageError> {
    let page = PasswordPage {
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
    caller: Caller,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let username = caller.principal.username.clone();
    let fail = |message: String| -> Result<Response, PageError> {
        let page = PasswordPage {
            csrf: caller.csrf_token.clone(),
            forced: caller.must_change_password,
            error: Some(message),
        };
        let body = page
            .render()
            .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
    };
    let Some(creds) = s.store.credentials(&username).await? else {
        return Err(PageError::new(StatusCode::NOT_FOUND, "用户不存在".into()));
    };
    let (current, hash) = (form.current.clone(), creds.password_hash.clone());
    let ok = auth::verify_password(current, hash).await;
    if !ok {
        return fail("当前密码不正确".into());
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
    Ok(Redirect::to("/").into_response())
}

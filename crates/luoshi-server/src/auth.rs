//! Who is calling: browser sessions (a random token in an HttpOnly, SameSite=Strict cookie) and
//! API tokens (`Authorization: Bearer …`), both stored only as SHA-256; argon2id passwords; login
//! throttling; CSRF checks on every state-changing request a browser makes. Every route except
//! the login page sits behind [`authenticate`]: anonymous requests get the login page or a 401.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use luoshi_reporting::Principal;
use luoshi_store::{Store, StoreError};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "luoshi_session";
/// A browser session lasts a working day.
pub const SESSION_SECONDS: i64 = 8 * 3600;
/// API tokens last 90 days unless asked otherwise, ten years at most.
pub const TOKEN_DAYS: i64 = 90;
pub const TOKEN_MAX_DAYS: i64 = 3650;
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Form bodies read for their CSRF field are at most this large (uploads use multipart).
const FORM_LIMIT: usize = 1 << 20;

/// How a caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Token,
}

/// The signed-in user behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub csrf_token: String,
    pub must_change_password: bool,
    pub via: Via,
    /// The SHA-256 of the session's secret (to end it on logout).
    pub session_hash: String,
}

impl Caller {
    /// The name written into the audit log: `用户名（显示名）`.
    pub fn actor(&self) -> String {
        let p = &self.principal;
        if p.display_name == p.username {
            p.username.clone()
        } else {
            format!("{}（{}）", p.username, p.display_name)
        }
    }

    pub fn require_office(&self) -> Result<(), ApiError> {
        if self.principal.is_office() {
            Ok(())
        } else {
            Err(ApiError::forbidden("只有协调办公室可以进行此操作"))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Caller, ApiError> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(ApiError::unauthorized)
    }
}

/// A caller of the coordinating office: a handler that takes this cannot be reached by any
/// other role (403 before the handler runs).
#[derive(Debug, Clone)]
pub struct Office(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Office {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Office, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require_office()?;
        Ok(Office(caller))
    }
}

/// A caller who reviews reports: the office or a lead unit's reviewer (403 for anyone else);
/// whether a given report is theirs to review is still checked report by report.
#[derive(Debug, Clone)]
pub struct Reviewer(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Reviewer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Reviewer, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.principal.role {
            luoshi_reporting::Role::Office | luoshi_reporting::Role::LeadReviewer => {
                Ok(Reviewer(caller))
            }
            _ => Err(ApiError::forbidden(
                "只有牵头单位审核员和协调办公室可以审核报告",
            )),
        }
    }
}

/// A caller who writes 领导批示 and 圈阅: a leader, or the office recording a leader's
/// instruction on their behalf (403 for anyone else).
#[derive(Debug, Clone)]
pub struct Instructor(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Instructor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Instructor, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.principal.role {
            luoshi_reporting::Role::Office | luoshi_reporting::Role::Leader => {
                Ok(Instructor(caller))
            }
            _ => Err(ApiError::forbidden(
                "只有领导（或代领导录入的协调办公室）可以批示、圈阅",
            )),
        }
    }
}

/// A caller who answers for a unit (a unit's, district's or lead unit's account): the only
/// one who signs for (签收) or objects to that unit's assignments. 403 for anyone else, the office
/// included — acknowledging is the unit's own act.
#[derive(Debug, Clone)]
pub struct UnitMember {
    pub caller: Caller,
    pub unit_id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for UnitMember {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<UnitMember, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match (caller.principal.role, caller.principal.unit_id) {
            (
                luoshi_reporting::Role::UnitReporter
                | luoshi_reporting::Role::DistrictReporter
                | luoshi_reporting::Role::LeadReviewer,
                Some(unit_id),
            ) => Ok(UnitMember { caller, unit_id }),
            _ => Err(ApiError::forbidden(
                "只有承担任务的单位和区的账号可以签收或提出异议",
            )),
        }
    }
}

pub mod password {
    use argon2::Argon2;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    /// An argon2id hash (PHC string) of `password`.
    pub fn hash(password: &str) -> Result<String, String> {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| format!("密码哈希失败：{e}"))
    }

    /// `Ok(false)` for a wrong password only; a hash that cannot be computed or a stored hash
    /// that does not parse is an error, so that it is never taken for a wrong password.
    pub fn check(password: &str, hash: &str) -> Result<bool, String> {
        match Argon2::default().verify_password(password.as_bytes(), hash) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(format!("密码哈希无法计算：{e}")),
        }
    }

    pub fn verify(password: &str, hash: &str) -> bool {
        check(password, hash).unwrap_or(false)
    }

    /// Passwords common in China that the general list (zxcvbn's) rates too kindly.
    const COMMON: &str = include_str!("common_passwords.txt");

    /// Why a new password is not acceptable, if it is not: too short, the user name or built on
    /// it, one of the most common passwords, or too easily guessed (zxcvbn's estimate below 2,
    /// "guessable in an online attack").
    pub fn weakness(username: &str, password: &str) -> Option<String> {
        let chars = password.chars().count();
        if chars < super::MIN_PASSWORD_CHARS {
            return Some(format!("密码至少 {} 个字符", super::MIN_PASSWORD_CHARS));
        }
        if password
            .chars()
            .all(|c| c == password.chars().next().unwrap_or(c))
        {
            return Some("密码不能由同一个字符组成".into());
        }
        let lower = password.to_lowercase();
        let name = username.trim().to_lowercase();
        if lower == name {
            return Some("密码不能与用户名相同".into());
        }
        if name.chars().count() >= 3 && lower.contains(&name) {
            return Some("密码不能包含用户名".into());
        }
        let common = COMMON
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .any(|l| l == lower);
        let estimate = zxcvbn::zxcvbn(password, &[username.trim()]);
        if common || (estimate.score() as u8) < 2 {
            return Some(
                "密码过于常见或容易猜到（如 password12、1234567890、Password1!），请换用更长、无规律的组合"
                    .into(),
            );
        }
        None
    }

    /// A random password to hand out once (`luoshi user add`, the first `admin`).
    pub fn one_time() -> Option<String> {
        // Letters and digits people can read aloud without confusion (no 0/O, 1/l/I).
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).ok()?;
        Some(
            bytes
                .iter()
                .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
                .collect(),
        )
    }
}

/// [`password::hash`] off the async threads.
pub async fn hash_password(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| format!("密码哈希中断：{e}"))?
}

/// A fresh random secret (session token, API token, CSRF token): 32 bytes, hex.
pub fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| ApiError::internal("无法生成随机数"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub use crate::sign_in::{LoginError, NewSession, login};

/// The session cookie for `secret` (`Max-Age=0` clears it).
pub fn session_cookie(secret: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

/// The caller a request's token or cookie belongs to, if any is live.
pub async fn identify(store: &Store, headers: &HeaderMap) -> Result<Option<Caller>, StoreError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let (secret, via) = match bearer {
        Some(token) => (token.to_string(), Via::Token),
        None => match cookie(headers, SESSION_COOKIE) {
            Some(secret) => (secret, Via::Cookie),
            None => return Ok(None),
        },
    };
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = digest(&secret);
    let Some(session) = store.session(&hash).await? else {
        return Ok(None);
    };
    // A token is for machines and a cookie for browsers: neither works as the other.
    let expected = if via == Via::Token { "api" } else { "browser" };
    if session.kind != expected {
        return Ok(None);
    }
    Ok(Some(Caller {
        principal: session.principal,
        csrf_token: session.csrf_token,
        must_change_password: session.must_change_password,
        via,
        session_hash: hash,
    }))
}

/// Paths anyone may open.
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/static/luoshi.css")
}

/// Paths a user holding a one-time password may still open.
fn allowed_before_password_change(path: &str) -> bool {
    matches!(path, "/account/password" | "/logout" | "/api/me")
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The gate in front of every route: identifies the caller, sends anonymous visitors to the
/// login page (API: 401), holds users with a one-time password at the change-password page,
/// and checks the CSRF token of every state-changing request made with a session cookie.
pub async fn authenticate(State(s): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if is_public(&path) {
        return next.run(request).await;
    }
    let caller = match identify(&s.store, request.headers()).await {
        Ok(caller) => caller,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let Some(caller) = caller else {
        if is_api(&path) {
            return ApiError::unauthorized().into_response();
        }
        let next_page = request
            .uri()
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_string();
        let target = format!("/login?next={}", urlencode(&next_page));
        return crate::redirect::see_other(&target).into_response();
    };
    if caller.must_change_password && !allowed_before_password_change(&path) {
        if is_api(&path) {
            return ApiError::forbidden("请先在网页上修改初始密码").into_response();
        }
        return crate::redirect::see_other("/account/password").into_response();
    }
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let mut request = request;
    if unsafe_method && caller.via == Via::Cookie {
        let (ok, rebuilt) = csrf_ok(request, &caller.csrf_token).await;
        request = rebuilt;
        if !ok {
            return if is_api(&path) {
                ApiError::forbidden("CSRF 校验失败：请在 X-CSRF-Token 头中带上会话的 CSRF 令牌")
                    .into_response()
            } else {
                (
                    StatusCode::FORBIDDEN,
                    axum::response::Html(
                        "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>表单已过期 · 落实</title><p>表单已过期（CSRF 校验失败）。请返回上一页，刷新后重新提交。</p></html>",
                    ),
                )
                    .into_response()
            };
        }
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// Whether the request carries the session's CSRF token: in the `X-CSRF-Token` header, in the
/// `csrf` field of a urlencoded form, or in the `csrf` query parameter (multipart uploads).
/// Returns the request rebuilt, since reading a form consumes its body.
async fn csrf_ok(request: Request, expected: &str) -> (bool, Request) {
    let matches = |given: &str| constant_time_eq(given.as_bytes(), expected.as_bytes());
    if let Some(v) = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        let ok = matches(v);
        return (ok, request);
    }
    let query_token = request.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "csrf")
            .map(|(_, v)| v.to_string())
    });
    if let Some(token) = query_token {
        return (matches(&token), request);
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (false, request);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return (false, Request::from_parts(parts, Body::empty()));
    };
    let ok = form_field(&bytes, "csrf").is_some_and(|t| matches(&t));
    (ok, Request::from_parts(parts, Body::from(bytes)))
}

/// A field of a urlencoded form, decoded as the handler's `Form` will decode it.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = password::hash("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(password::verify("correct horse battery", &hash));
        assert!(!password::verify("correct horse batterx", &hash));
        assert!(!password::verify("anything", "not a hash"));
        assert_eq!(password::check("correct horse battery", &hash), Ok(true));
        assert_eq!(password::check("wrong", &hash), Ok(false));
        assert!(password::check("anything", "not a hash").is_err());
    }

    #[test]
    fn weak_passwords_are_named() {
        assert!(password::weakness("admin", "short").is_some());
        assert!(password::weakness("administrator", "administrator").is_some());
        assert!(password::weakness("admin", "aaaaaaaaaaaa").is_some());
        for common in [
            "password12",
            "1234567890",
            "Password1!",
            "woaini1314",
            "1qaz2wsx3edc",
        ] {
            let why = password::weakness("jiangan", common).expect(common);
            assert!(why.contains("常见"), "{common}: {why}");
        }
        assert!(
            password::weakness("jiangan", "Jiangan2021abc").is_some_and(|w| w.contains("用户名"))
        );
        assert_eq!(password::weakness("admin", "江城科技创新2021"), None);
        let a = password::one_time().expect("random");
        assert_eq!(a.len(), 16);
        assert_ne!(Some(a), password::one_time());
    }

    #[test]
    fn form_fields_and_secrets() {
        assert_eq!(
            form_field(b"a=1&csrf=abc&b=2", "csrf").as_deref(),
            Some("abc")
        );
        assert_eq!(form_field(b"a=1", "csrf"), None);
        // Decoded as the handler's form is: an encoded token still matches.
        assert_eq!(
            form_field(b"csrf=ab%2Dc+d", "csrf").as_deref(),
            Some("ab-c d")
        );
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert_eq!(new_secret().expect("secret").len(), 64);
        assert_eq!(urlencode("/plans/1?x=江"), "/plans/1%3Fx%3D%E6%B1%9F");
    }
}

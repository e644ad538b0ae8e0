//! One's own API tokens (issue, list, revoke one by one) and, for the office, the sign-in
//! back-offs in force (see and lift).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use luoshi_store::{ApiToken, LoginLock, Store, StoreError, time_after};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Caller, Office, TOKEN_DAYS, TOKEN_MAX_DAYS, digest, new_secret};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::{JsonBody, QueryParams};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/tokens", get(list_tokens).post(create_token))
        .route("/api/tokens/{id}", delete(revoke_token))
        .route("/api/login-locks", get(login_locks))
        .route("/api/login-locks/{username}", delete(clear_login_lock))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    /// What the token is for (shown in the audit log).
    pub label: String,
    /// Days until it expires, 1–3650 (default 90).
    #[serde(default)]
    pub days: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenIssued {
    /// Shown once; send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: String,
}

#[utoipa::path(post, path = "/api/tokens", tag = "账号", request_body = TokenRequest,
    responses((status = 201, body = TokenIssued), (status = 422, body = crate::ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    caller: Caller,
    JsonBody(req): JsonBody<TokenRequest>,
) -> Result<(StatusCode, Json<TokenIssued>), ApiError> {
    let label = req.label.trim();
    if label.is_empty() {
        return Err(StoreError::invalid("label", "请说明令牌的用途").into());
    }
    let days = req.days.unwrap_or(TOKEN_DAYS);
    let issued = issue_token(&s.store, caller.principal.user_id, label, days).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// Issues an API token for a user (also used by `luoshi user token` and the account page),
/// valid 1–[`TOKEN_MAX_DAYS`] days.
pub async fn issue_token(
    store: &Store,
    user_id: i64,
    label: &str,
    days: i64,
) -> Result<TokenIssued, ApiError> {
    if !(1..=TOKEN_MAX_DAYS).contains(&days) {
        return Err(StoreError::invalid(
            "days",
            format!("有效期须为 1–{TOKEN_MAX_DAYS} 天（填了 {days}）"),
        )
        .into());
    }
    let token = new_secret()?;
    let csrf = new_secret()?;
    let expires_at = time_after(days * 86_400);
    store
        .create_session(
            user_id,
            "api",
            Some(label),
            &digest(&token),
            &csrf,
            &expires_at,
        )
        .await?;
    Ok(TokenIssued { token, expires_at })
}

#[utoipa::path(get, path = "/api/tokens", tag = "账号",
    responses((status = 200, body = Vec<ApiToken>), (status = 401, body = crate::ErrorBody)))]
pub async fn list_tokens(State(s): State<AppState>, caller: Caller) -> ApiResult<Vec<ApiToken>> {
    Ok(Json(s.store.api_tokens(caller.principal.user_id).await?))
}

#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "账号",
    params(("id" = i64, Path, description = "令牌编号（GET /api/tokens 所列）")),
    responses((status = 204), (status = 404, body = crate::ErrorBody)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.store
        .revoke_token(caller.principal.user_id, id, &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/login-locks", tag = "账号",
    responses((status = 200, body = Vec<LoginLock>), (status = 403, body = crate::ErrorBody)))]
pub async fn login_locks(State(s): State<AppState>, _office: Office) -> ApiResult<Vec<LoginLock>> {
    Ok(Json(s.store.login_locks().await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LockQuery {
    /// Only the back-off from this address (default: from every address).
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Cleared {
    pub cleared: u64,
}

#[utoipa::path(delete, path = "/api/login-locks/{username}", tag = "账号",
    params(("username" = String, Path, description = "用户名（如实输入的名字）"), LockQuery),
    responses((status = 200, body = Cleared), (status = 403, body = crate::ErrorBody)))]
pub async fn clear_login_lock(
    State(s): State<AppState>,
    _office: Office,
    Path(username): Path<String>,
    QueryParams(q): QueryParams<LockQuery>,
) -> ApiResult<Cleared> {
    let cleared = s
        .store
        .clear_login_failures(&username, q.address.as_deref())
        .await?;
    Ok(Json(Cleared { cleared }))
}

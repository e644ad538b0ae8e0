//! The office's accounts: list, create (a one-time password shown once), reset, unlock,
//! disable and enable — the same functions behind the JSON API and the 账号 page. An office
//! user cannot disable itself, and the last office account that can sign in is never disabled.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use luoshi_reporting::Role;
use luoshi_store::{NewUser, StoreError, UserRow};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Caller, Office, hash_password, password};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::JsonBody;
use crate::known_names::Known;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/users", get(list_users).post(create_user))
        .route("/api/users/{username}/reset-password", post(reset))
        .route("/api/users/{username}/disable", post(disable))
        .route("/api/users/{username}/enable", post(enable))
        .route("/api/users/{username}/unlock", post(unlock))
}

/// An account as the office's list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Account {
    #[serde(flatten)]
    pub user: UserRow,
    pub mobile: Option<String>,
    /// Sign-in back-offs in force on the name (any address), until when (UTC).
    pub locked_until: Option<String>,
}

pub async fn accounts(s: &AppState) -> Result<Vec<Account>, ApiError> {
    let mobiles = s.store.mobiles().await?;
    let locks = s.store.login_locks().await?;
    Ok(s.store
        .users()
        .await?
        .into_iter()
        .map(|user| Account {
            mobile: mobiles
                .iter()
                .find(|(id, _)| *id == user.id)
                .map(|(_, m)| m.clone()),
            locked_until: locks
                .iter()
                .filter(|l| l.username == user.username)
                .filter_map(|l| l.locked_until.clone())
                .max(),
            user,
        })
        .collect())
}

/// A new account as the office types it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewAccount {
    pub username: String,
    /// `office`, `unit`, `district`, `lead` or `leader`.
    pub role: String,
    /// The unit (for unit reporters and lead reviewers), as the directory spells it.
    #[serde(default)]
    pub unit: Option<String>,
    /// The district (for district reporters).
    #[serde(default)]
    pub district: Option<String>,
    /// The person's name (姓名).
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// An account just made or reset, with the one-time password to hand over (shown once; the
/// user must choose their own at first sign-in).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub username: String,
    pub display_name: String,
    /// The role's name (单位填报员, …).
    pub role: String,
    pub unit: Option<String>,
    pub one_time_password: String,
}

impl Issued {
    pub fn new(user: UserRow, one_time_password: String) -> Issued {
        Issued {
            role: user.role.label().to_string(),
            unit: user.district.or(user.unit),
            username: user.username,
            display_name: user.display_name,
            one_time_password,
        }
    }
}

fn role_of(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| {
        ApiError::bad_request(
            Some("role".into()),
            format!(
                "角色「{text}」无效：应为协调办公室、单位填报员、区填报员、牵头单位审核员或领导"
            ),
        )
    })
}

pub(crate) async fn one_time_hash() -> Result<(String, String), ApiError> {
    let plain = password::one_time().ok_or_else(|| ApiError::internal("无法生成随机密码"))?;
    let hash = hash_password(plain.clone())
        .await
        .map_err(ApiError::internal)?;
    Ok((plain, hash))
}

/// Creates one account with a one-time password.
pub async fn create_account(
    s: &AppState,
    caller: &Caller,
    new: &NewAccount,
) -> Result<Issued, ApiError> {
    let role = role_of(&new.role)?;
    let mobile = luoshi_store::normalise_mobile(new.mobile.as_deref().unwrap_or(""))?;
    let text = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    // A name the directory does not know is refused with the closest ones it does.
    let known = Known::load(s).await?;
    let (field, typed, found) = match role {
        Role::DistrictReporter => {
            let typed = text(&new.district).or(text(&new.unit));
            let found = typed
                .as_deref()
                .is_some_and(|t| known.district(t).is_some());
            ("district", typed, found)
        }
        r if r.needs_unit() => {
            let typed = text(&new.unit);
            let found = typed.as_deref().is_some_and(|t| known.unit(t).is_some());
            ("unit", typed, found)
        }
        _ => ("unit", None, true),
    };
    if let (Some(typed), false) = (&typed, found) {
        return Err(StoreError::invalid(field, known.unknown(typed, field == "district")).into());
    }
    let (plain, hash) = one_time_hash().await?;
    let user = s
        .store
        .create_user(
            NewUser {
                username: new.username.trim().to_string(),
                display_name: text(&new.display_name),
                role,
                unit: text(&new.unit),
                district: text(&new.district),
                email: text(&new.email),
                password_hash: hash,
                must_change_password: true,
            },
            &caller.actor(),
        )
        .await?;
    if mobile.is_some() {
        s.store
            .set_mobile(&user.username, mobile.as_deref(), &caller.actor())
            .await?;
    }
    Ok(Issued::new(user, plain))
}

/// A new one-time password for `username` (every session and token of theirs ends).
pub async fn reset_password(
    s: &AppState,
    caller: &Caller,
    username: &str,
) -> Result<Issued, ApiError> {
    let user = s.store.user(username).await?;
    let (plain, hash) = one_time_hash().await?;
    s.store
        .set_password(username, &hash, true, None, &caller.actor())
        .await?;
    Ok(Issued::new(user, plain))
}

pub async fn set_disabled(
    s: &AppState,
    caller: &Caller,
    username: &str,
    disabled: bool,
) -> Result<(), ApiError> {
    if disabled && caller.principal.username == username {
        return Err(StoreError::invalid("username", "不能停用自己正在使用的账号").into());
    }
    Ok(s.store
        .set_disabled(username, disabled, &caller.actor())
        .await?)
}

#[utoipa::path(get, path = "/api/users", tag = "账号",
    responses((status = 200, body = Vec<Account>), (status = 403, body = crate::ErrorBody)))]
pub async fn list_users(State(s): State<AppState>, Office(_): Office) -> ApiResult<Vec<Account>> {
    Ok(Json(accounts(&s).await?))
}

#[utoipa::path(post, path = "/api/users", tag = "账号", request_body = NewAccount,
    responses((status = 201, body = Issued), (status = 400, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    Office(caller): Office,
    JsonBody(req): JsonBody<NewAccount>,
) -> Result<(StatusCode, Json<Issued>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(create_account(&s, &caller, &req).await?),
    ))
}

#[utoipa::path(post, path = "/api/users/{username}/reset-password", tag = "账号", params(("username" = String, Path)),
    responses((status = 200, body = Issued), (status = 404, body = crate::ErrorBody)))]
pub async fn reset(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(username): Path<String>,
) -> ApiResult<Issued> {
    Ok(Json(reset_password(&s, &caller, &username).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Done {
    pub username: String,
}

#[utoipa::path(post, path = "/api/users/{username}/disable", tag = "账号", params(("username" = String, Path)),
    responses((status = 200, body = Done), (status = 422, body = crate::ErrorBody)))]
pub async fn disable(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(username): Path<String>,
) -> ApiResult<Done> {
    set_disabled(&s, &caller, &username, true).await?;
    Ok(Json(Done { username }))
}

#[utoipa::path(post, path = "/api/users/{username}/enable", tag = "账号", params(("username" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = crate::ErrorBody)))]
pub async fn enable(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(username): Path<String>,
) -> ApiResult<Done> {
    set_disabled(&s, &caller, &username, false).await?;
    Ok(Json(Done { username }))
}

#[utoipa::path(post, path = "/api/users/{username}/unlock", tag = "账号", params(("username" = String, Path)),
    responses((status = 200, body = Done), (status = 404, body = crate::ErrorBody)))]
pub async fn unlock(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(username): Path<String>,
) -> ApiResult<Done> {
    s.store.unlock_user(&username, &caller.actor()).await?;
    Ok(Json(Done { username }))
}

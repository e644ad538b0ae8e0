//! Reminders and channels over the API (the office): the plan's reminder rules, its channels
//! (webhook, 企业微信, 钉钉, SMS), the reminders sent, the outbox's messages by state, and a
//! given-up message sent again.

use axum::extract::{Path, State};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use luoshi_reporting::reminders::ReminderRules;
use luoshi_store::{Channel, Delivery, NewChannel, Reminder};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Caller, Office};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::{JsonBody, QueryParams};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/plans/{id}/reminder-rules",
            get(get_rules).put(set_rules),
        )
        .route(
            "/api/plans/{id}/channels",
            get(list_channels).post(add_channel),
        )
        .route("/api/plans/{id}/channels/{channel}", delete(remove_channel))
        .route("/api/plans/{id}/reminders", get(list_reminders))
        .route("/api/plans/{id}/deliveries", get(list_deliveries))
        .route("/api/plans/{id}/deliveries/{delivery}/retry", post(retry))
}

#[utoipa::path(get, path = "/api/plans/{id}/reminder-rules", tag = "提醒", params(("id" = i64, Path)),
    responses((status = 200, body = ReminderRules), (status = 403, body = crate::ErrorBody)))]
pub async fn get_rules(
    State(s): State<AppState>,
    Office(_): Office,
    Path(id): Path<i64>,
) -> ApiResult<ReminderRules> {
    Ok(Json(s.store.reminder_rules(id).await?))
}

#[utoipa::path(put, path = "/api/plans/{id}/reminder-rules", tag = "提醒", params(("id" = i64, Path)), request_body = ReminderRules,
    responses((status = 200, body = ReminderRules), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set_rules(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(rules): JsonBody<ReminderRules>,
) -> ApiResult<ReminderRules> {
    Ok(Json(
        s.store
            .set_reminder_rules(id, &rules, &caller.actor())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/plans/{id}/channels", tag = "提醒", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Channel>), (status = 403, body = crate::ErrorBody)))]
pub async fn list_channels(
    State(s): State<AppState>,
    Office(_): Office,
    Path(id): Path<i64>,
) -> ApiResult<Vec<Channel>> {
    s.store.plan(id).await?;
    Ok(Json(s.store.channels(id).await?))
}

#[utoipa::path(post, path = "/api/plans/{id}/channels", tag = "提醒", params(("id" = i64, Path)), request_body = NewChannel,
    responses((status = 200, body = Channel), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn add_channel(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(channel): JsonBody<NewChannel>,
) -> ApiResult<Channel> {
    Ok(Json(
        s.store.add_channel(id, &channel, &caller.actor()).await?,
    ))
}

#[utoipa::path(delete, path = "/api/plans/{id}/channels/{channel}", tag = "提醒", params(("id" = i64, Path), ("channel" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn remove_channel(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((id, channel)): Path<(i64, i64)>,
) -> Result<axum::http::StatusCode, ApiError> {
    s.store.remove_channel(id, channel, &caller.actor()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/plans/{id}/reminders", tag = "提醒", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Reminder>), (status = 403, body = crate::ErrorBody)))]
pub async fn list_reminders(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<Reminder>> {
    if !crate::instructions::oversees(&caller) {
        return Err(ApiError::forbidden("只有协调办公室和领导可以查看提醒记录"));
    }
    s.store.plan(id).await?;
    Ok(Json(s.store.reminders(id, 1000).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StateQuery {
    /// `pending`, `sent` or `failed` (the default: what needs the office's eye).
    #[serde(default)]
    pub state: Option<String>,
}

#[utoipa::path(get, path = "/api/plans/{id}/deliveries", tag = "提醒", params(("id" = i64, Path), StateQuery),
    responses((status = 200, body = Vec<Delivery>), (status = 400, body = crate::ErrorBody), (status = 403, body = crate::ErrorBody)))]
pub async fn list_deliveries(
    State(s): State<AppState>,
    Office(_): Office,
    Path(id): Path<i64>,
    QueryParams(q): QueryParams<StateQuery>,
) -> ApiResult<Vec<Delivery>> {
    let state = q.state.unwrap_or_else(|| "failed".into());
    if !matches!(state.as_str(), "pending" | "sent" | "failed") {
        return Err(ApiError::bad_request(
            Some("state".into()),
            format!("「{state}」无效：应为 pending、sent 或 failed"),
        ));
    }
    s.store.plan(id).await?;
    Ok(Json(s.store.plan_deliveries(id, &state, 500).await?))
}

#[utoipa::path(post, path = "/api/plans/{id}/deliveries/{delivery}/retry", tag = "提醒", params(("id" = i64, Path), ("delivery" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn retry(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((id, delivery)): Path<(i64, i64)>,
) -> Result<axum::http::StatusCode, ApiError> {
    s.store
        .retry_delivery(id, delivery, &caller.actor())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

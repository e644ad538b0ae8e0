//! 签收 / 异议 over the API: a unit's assignments waiting to be acknowledged, acknowledging
//! several at once, objecting with a reason; the office's list of a plan's receipts and its
//! answer to an objection.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use luoshi_store::{ObjectionAnswer, Receipt};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Office, UnitMember};
use crate::error::ApiResult;
use crate::handlers::axum_extra_free::JsonBody;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/receipts", get(own_receipts))
        .route("/api/receipts/acknowledge", post(acknowledge))
        .route("/api/receipts/{assignment}/objection", post(object))
        .route("/api/receipts/{assignment}/answer", post(answer))
        .route("/api/plans/{id}/receipts", get(plan_receipts))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AcknowledgeRequest {
    /// The assignments to acknowledge (all or none).
    pub assignments: Vec<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Acknowledged {
    pub acknowledged: usize,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ObjectionRequest {
    /// Why the assignment is not the unit's (at most 500 characters).
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswerRequest {
    pub answer: ObjectionAnswer,
    /// The office's reply, which the unit reads.
    pub reply: String,
}

#[utoipa::path(get, path = "/api/receipts", tag = "签收",
    responses((status = 200, body = Vec<Receipt>), (status = 403, body = crate::ErrorBody)))]
pub async fn own_receipts(
    State(s): State<AppState>,
    member: UnitMember,
) -> ApiResult<Vec<Receipt>> {
    Ok(Json(s.store.unit_receipts(member.unit_id).await?))
}

#[utoipa::path(post, path = "/api/receipts/acknowledge", tag = "签收", request_body = AcknowledgeRequest,
    responses((status = 200, body = Acknowledged), (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody)))]
pub async fn acknowledge(
    State(s): State<AppState>,
    member: UnitMember,
    JsonBody(request): JsonBody<AcknowledgeRequest>,
) -> ApiResult<Acknowledged> {
    let acknowledged = s
        .store
        .acknowledge(member.unit_id, &request.assignments, &member.caller.actor())
        .await?;
    Ok(Json(Acknowledged { acknowledged }))
}

#[utoipa::path(post, path = "/api/receipts/{assignment}/objection", tag = "签收", params(("assignment" = i64, Path)), request_body = ObjectionRequest,
    responses((status = 200, body = Receipt), (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn object(
    State(s): State<AppState>,
    member: UnitMember,
    Path(assignment): Path<i64>,
    JsonBody(request): JsonBody<ObjectionRequest>,
) -> ApiResult<Receipt> {
    Ok(Json(
        s.store
            .object(
                member.unit_id,
                assignment,
                &request.reason,
                &member.caller.actor(),
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/receipts/{assignment}/answer", tag = "签收", params(("assignment" = i64, Path)), request_body = AnswerRequest,
    responses((status = 200, body = Receipt), (status = 403, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn answer(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(assignment): Path<i64>,
    JsonBody(request): JsonBody<AnswerRequest>,
) -> ApiResult<Receipt> {
    Ok(Json(
        s.store
            .answer_objection(assignment, request.answer, &request.reply, &caller.actor())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/plans/{id}/receipts", tag = "签收", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Receipt>), (status = 403, body = crate::ErrorBody)))]
pub async fn plan_receipts(
    State(s): State<AppState>,
    Office(_): Office,
    Path(id): Path<i64>,
) -> ApiResult<Vec<Receipt>> {
    Ok(Json(s.store.plan_receipts(id).await?))
}

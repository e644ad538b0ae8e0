//! 待审核: the reports waiting for a lead unit's review, and reviewing several at once.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use luoshi_store::{PendingReview, ReviewTarget};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Caller, Reviewer};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::JsonBody;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/reviews", get(list_pending).post(review_many))
}

/// What waits for `caller`: a lead unit's responsible units' submitted reports; for the
/// office, every submitted report.
pub async fn pending_for(s: &AppState, caller: &Caller) -> Result<Vec<PendingReview>, ApiError> {
    let unit = if caller.principal.is_office() {
        None
    } else {
        Some(
            caller
                .principal
                .unit_id
                .ok_or_else(|| ApiError::forbidden("该账号没有所属单位，无可审核的报告"))?,
        )
    };
    Ok(s.store.pending_reviews(unit).await?)
}

/// Reviews every report in `targets` in one transaction, after checking that each is the
/// caller's to review.
pub async fn review_batch(
    s: &AppState,
    caller: &Caller,
    targets: &[ReviewTarget],
    accept: bool,
    comment: &str,
) -> Result<usize, ApiError> {
    if targets.len() > luoshi_store::MAX_BATCH {
        return Err(ApiError::bad_request(
            Some("reports".into()),
            format!("一次最多审核 {} 份报告", luoshi_store::MAX_BATCH),
        ));
    }
    for t in targets {
        let view = s.store.report(t.period_id, t.assignment_id).await?;
        if !caller.principal.can_review_report(&view.scope()) {
            return Err(ApiError::forbidden(format!(
                "无权审核{}（{} {}）的报告：只有该任务的牵头单位或协调办公室可以审核",
                view.unit, view.task_path, view.task_title
            )));
        }
    }
    Ok(s.store
        .review_reports(targets, accept, comment, &caller.actor())
        .await?)
}

#[utoipa::path(get, path = "/api/reviews", tag = "填报",
    responses((status = 200, body = Vec<PendingReview>), (status = 403, body = crate::ErrorBody)))]
pub async fn list_pending(
    State(s): State<AppState>,
    Reviewer(caller): Reviewer,
) -> ApiResult<Vec<PendingReview>> {
    Ok(Json(pending_for(&s, &caller).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BatchReview {
    /// The reports, each with the version the reviewer saw.
    pub reports: Vec<ReviewTarget>,
    /// `true`: accept all; `false`: return all with `comment`.
    pub accept: bool,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reviewed {
    pub reviewed: usize,
}

#[utoipa::path(post, path = "/api/reviews", tag = "填报", request_body = BatchReview,
    responses((status = 200, body = Reviewed), (status = 403, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn review_many(
    State(s): State<AppState>,
    Reviewer(caller): Reviewer,
    JsonBody(req): JsonBody<BatchReview>,
) -> ApiResult<Reviewed> {
    let reviewed = review_batch(&s, &caller, &req.reports, req.accept, &req.comment).await?;
    Ok(Json(Reviewed { reviewed }))
}

//! 销号 in the JSON API: close a task without a numeric target as done, reopen it, list its
//! history. Office only for changes; the task page's forms call the same store code.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use luoshi_store::TaskClosure;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Caller, Office};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::JsonBody;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/tasks/{id}/closures",
            get(list_closures).post(close_task),
        )
        .route("/api/tasks/{id}/reopen", post(reopen_task))
        .route("/api/tasks/{id}/deadline", axum::routing::put(set_deadline))
        .route(
            "/api/tasks/{id}/task-milestones",
            get(get_task_milestones).put(set_task_milestones),
        )
}

/// A milestone (节点) of a task without a numeric target.
#[derive(Debug, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TaskMilestone {
    /// 1–12: due by the end of this month.
    pub month: u32,
    pub text: String,
}

#[utoipa::path(get, path = "/api/tasks/{id}/task-milestones", tag = "任务", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TaskMilestone>), (status = 404, body = crate::ErrorBody)))]
pub async fn get_task_milestones(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<TaskMilestone>> {
    let task = s.store.task(id).await?;
    crate::handlers::visible_plan(&s, &caller, task.row.plan_id).await?;
    Ok(Json(
        s.store
            .task_milestones(id)
            .await?
            .into_iter()
            .map(|(month, text)| TaskMilestone { month, text })
            .collect(),
    ))
}

#[utoipa::path(put, path = "/api/tasks/{id}/task-milestones", tag = "任务", params(("id" = i64, Path)), request_body = Vec<TaskMilestone>,
    responses((status = 204), (status = 422, body = crate::ErrorBody)))]
pub async fn set_task_milestones(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(milestones): JsonBody<Vec<TaskMilestone>>,
) -> Result<StatusCode, ApiError> {
    let list: Vec<(u32, String)> = milestones.into_iter().map(|m| (m.month, m.text)).collect();
    s.store
        .set_task_milestones(id, &list, &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeadlineRequest {
    /// As plans write it: `9月底前`, `上半年`, `2021年12月底`; empty or null: the year's end.
    #[serde(default)]
    pub deadline: Option<String>,
}

/// Sets a task's 完成时限 once it is known to name a month of the plan's year (shared by the page).
pub async fn apply_deadline(
    s: &AppState,
    caller: &Caller,
    task_id: i64,
    deadline: Option<&str>,
) -> Result<(), ApiError> {
    let task = s.store.task(task_id).await?;
    let year = s
        .store
        .plan(task.row.plan_id)
        .await?
        .year
        .and_then(|y| i32::try_from(y).ok())
        .unwrap_or(s.today().year);
    let deadline = deadline.map(str::trim).filter(|d| !d.is_empty());
    if let Some(text) = deadline
        && luoshi_evaluation::deadline_month(text, year).is_none()
    {
        return Err(luoshi_store::StoreError::invalid(
            "deadline",
            format!("「{text}」不是 {year} 年内的完成时限（如 9月底前、上半年、三季度、年底前）"),
        )
        .into());
    }
    s.store
        .set_task_deadline(task_id, deadline, &caller.actor())
        .await?;
    Ok(())
}

#[utoipa::path(put, path = "/api/tasks/{id}/deadline", tag = "任务", params(("id" = i64, Path)), request_body = DeadlineRequest,
    responses((status = 204), (status = 422, body = crate::ErrorBody)))]
pub async fn set_deadline(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<DeadlineRequest>,
) -> Result<StatusCode, ApiError> {
    apply_deadline(&s, &caller, id, req.deadline.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ClosureRequest {
    /// What was done (销号说明) or why it is reopened.
    pub note: String,
}

#[utoipa::path(get, path = "/api/tasks/{id}/closures", tag = "任务", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TaskClosure>), (status = 404, body = crate::ErrorBody)))]
pub async fn list_closures(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<TaskClosure>> {
    let task = s.store.task(id).await?;
    crate::handlers::visible_plan(&s, &caller, task.row.plan_id).await?;
    Ok(Json(s.store.task_closures(id).await?))
}

#[utoipa::path(post, path = "/api/tasks/{id}/closures", tag = "任务", params(("id" = i64, Path)), request_body = ClosureRequest,
    responses((status = 201, body = TaskClosure), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn close_task(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ClosureRequest>,
) -> Result<(StatusCode, Json<TaskClosure>), ApiError> {
    let closure = s
        .store
        .close_task(id, &req.note, None, s.today(), &caller.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(closure)))
}

#[utoipa::path(post, path = "/api/tasks/{id}/reopen", tag = "任务", params(("id" = i64, Path)), request_body = ClosureRequest,
    responses((status = 204), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn reopen_task(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ClosureRequest>,
) -> Result<StatusCode, ApiError> {
    s.store
        .reopen_task(id, &req.note, s.today(), &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

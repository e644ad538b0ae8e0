//! 领导批示 and 圈阅 over the API: written by a leader (or the office on a leader's behalf) on a
//! task, target, 督办单 or issued document's item; listed for the plan (office and leaders), for a
//! task (everyone who reads it) and for the unit that answers; answered by that unit.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use luoshi_store::{Instruction, NewInstruction};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Caller, Instructor, UnitMember};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::JsonBody;
use crate::handlers::visible_plan;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/plans/{id}/instructions",
            get(plan_instructions).post(write),
        )
        .route("/api/tasks/{id}/instructions", get(task_instructions))
        .route("/api/instructions/mine", get(own_instructions))
        .route("/api/instructions/{id}", get(one_instruction))
        .route("/api/instructions/{id}/answer", post(answer))
}

/// Writes `new` for `caller`: a leader signs with their own name unless another is given; the
/// office must name the leader it records for.
pub async fn write_for(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    mut new: NewInstruction,
) -> Result<Instruction, ApiError> {
    if new.leader.trim().is_empty() && caller.principal.role == luoshi_reporting::Role::Leader {
        new.leader = caller.principal.display_name.clone();
    }
    Ok(s.store
        .write_instruction(plan_id, &new, s.today(), &caller.actor())
        .await?)
}

#[utoipa::path(post, path = "/api/plans/{id}/instructions", tag = "领导批示", params(("id" = i64, Path)), request_body = NewInstruction,
    responses((status = 200, body = Instruction), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn write(
    State(s): State<AppState>,
    Instructor(caller): Instructor,
    Path(id): Path<i64>,
    JsonBody(new): JsonBody<NewInstruction>,
) -> ApiResult<Instruction> {
    Ok(Json(write_for(&s, &caller, id, new).await?))
}

/// The office and leaders follow every instruction.
pub fn oversees(caller: &Caller) -> bool {
    matches!(
        caller.principal.role,
        luoshi_reporting::Role::Office | luoshi_reporting::Role::Leader
    )
}

#[utoipa::path(get, path = "/api/plans/{id}/instructions", tag = "领导批示", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Instruction>), (status = 403, body = crate::ErrorBody)))]
pub async fn plan_instructions(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<Instruction>> {
    if !oversees(&caller) {
        return Err(ApiError::forbidden(
            "只有协调办公室和领导可以查看全部领导批示",
        ));
    }
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.instructions(id).await?))
}

#[utoipa::path(get, path = "/api/tasks/{id}/instructions", tag = "领导批示", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Instruction>), (status = 404, body = crate::ErrorBody)))]
pub async fn task_instructions(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<Instruction>> {
    let task = s.store.task(id).await?;
    visible_plan(&s, &caller, task.row.plan_id).await?;
    Ok(Json(s.store.task_instructions(id).await?))
}

#[utoipa::path(get, path = "/api/instructions/mine", tag = "领导批示",
    responses((status = 200, body = Vec<Instruction>), (status = 403, body = crate::ErrorBody)))]
pub async fn own_instructions(
    State(s): State<AppState>,
    member: UnitMember,
) -> ApiResult<Vec<Instruction>> {
    Ok(Json(s.store.unit_instructions(member.unit_id).await?))
}

/// An instruction the caller may read: the office's and leaders' any, a unit the ones it
/// answers, anyone else one on a task of a plan they read (the task page shows them).
pub async fn readable_instruction(
    s: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<Instruction, ApiError> {
    let instruction = s.store.instruction(id).await?;
    if oversees(caller)
        || caller
            .principal
            .unit_id
            .is_some_and(|u| instruction.unit_id == Some(u))
    {
        return Ok(instruction);
    }
    if instruction.task_id.is_some() {
        visible_plan(s, caller, instruction.plan_id).await?;
        return Ok(instruction);
    }
    Err(ApiError::not_found(format!("领导批示 {id} 不存在")))
}

#[utoipa::path(get, path = "/api/instructions/{id}", tag = "领导批示", params(("id" = i64, Path)),
    responses((status = 200, body = Instruction), (status = 404, body = crate::ErrorBody)))]
pub async fn one_instruction(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Instruction> {
    Ok(Json(readable_instruction(&s, &caller, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InstructionAnswer {
    /// 办理情况.
    pub answer: String,
}

#[utoipa::path(post, path = "/api/instructions/{id}/answer", tag = "领导批示", params(("id" = i64, Path)), request_body = InstructionAnswer,
    responses((status = 200, body = Instruction), (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn answer(
    State(s): State<AppState>,
    member: UnitMember,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<InstructionAnswer>,
) -> ApiResult<Instruction> {
    Ok(Json(
        s.store
            .answer_instruction(
                member.unit_id,
                id,
                &request.answer,
                s.today(),
                &member.caller.actor(),
            )
            .await?,
    ))
}

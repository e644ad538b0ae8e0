//! The handlers: parse the request, call the store, answer JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum_extra_free::{JsonBody, QueryParams};
use luoshi_store::*;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Caller, Office};
use crate::error::{ApiError, ApiResult};

/// Draft plans are the office's work in progress: others see published plans only.
pub(crate) async fn visible_plan(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
) -> Result<(), ApiError> {
    if caller.principal.is_office() || s.store.plan(plan_id).await?.status == "published" {
        Ok(())
    } else {
        Err(ApiError::not_found(format!(
            "方案 {plan_id} 不存在或尚未发布"
        )))
    }
}

/// JSON and query extractors whose rejections answer in the API's error format.
pub(crate) mod axum_extra_free {
    use axum::extract::{FromRequest, FromRequestParts, Request};
    use axum::http::request::Parts;
    use serde::de::DeserializeOwned;

    use crate::error::ApiError;

    pub struct JsonBody<T>(pub T);

    impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
        type Rejection = ApiError;
        async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
            let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
            Ok(JsonBody(value))
        }
    }

    pub struct QueryParams<T>(pub T);

    impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
        type Rejection = ApiError;
        async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
            let axum::extract::Query(value) =
                axum::extract::Query::<T>::from_request_parts(parts, state).await?;
            Ok(QueryParams(value))
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// `draft` or `published`.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/plans", tag = "方案", params(PlanQuery),
    responses((status = 200, body = Vec<PlanSummary>), (status = 422, body = crate::ErrorBody)))]
pub async fn list_plans(
    caller: Caller,
    State(s): State<AppState>,
    QueryParams(q): QueryParams<PlanQuery>,
) -> ApiResult<Vec<PlanSummary>> {
    let status = q.status.as_deref().map(str::trim).filter(|v| !v.is_empty());
    if let Some(status) = status
        && status != "draft"
        && status != "published"
    {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: crate::ErrorBody {
                error: "只能是 draft（草稿）或 published（已发布）".into(),
                field: Some("status".into()),
            },
        });
    }
    let plans = s.store.plans().await?;
    Ok(Json(
        plans
            .into_iter()
            .filter(|p| status.is_none_or(|v| p.status == v))
            .filter(|p| caller.principal.is_office() || p.status == "published")
            .collect(),
    ))
}

/// A plan document to import, as text (already decoded).
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ImportRequest {
    /// A name for the source (usually the file name).
    pub source_name: String,
    /// The plan's text.
    pub text: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/plans", tag = "方案", request_body = ImportRequest,
    responses((status = 201, body = Created), (status = 400, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn import_plan(
    State(s): State<AppState>,
    Office(caller): Office,
    JsonBody(req): JsonBody<ImportRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let source = req.text.as_bytes().to_vec();
    let id =
        crate::plans::import_text(&s, &caller.actor(), &req.source_name, req.text, source).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/plans/{id}", tag = "方案", params(("id" = i64, Path, description = "方案编号")),
    responses((status = 200, body = PlanSummary), (status = 404, body = crate::ErrorBody)))]
pub async fn get_plan(
    caller: Caller,
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<PlanSummary> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.plan(id).await?))
}

#[utoipa::path(get, path = "/api/plans/{id}/sections", tag = "方案", params(("id" = i64, Path)), responses((status = 200, body = Vec<SectionRow>)))]
pub async fn list_sections(
    caller: Caller,
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Vec<SectionRow>> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.sections(id).await?))
}

#[utoipa::path(get, path = "/api/plans/{id}/indicators", tag = "方案", params(("id" = i64, Path)), responses((status = 200, body = Vec<IndicatorRow>)))]
pub async fn list_indicators(
    caller: Caller,
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Vec<IndicatorRow>> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.indicators(id).await?))
}

/// Filters and page of the task list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// A unit (canonical name or alias) that leads or is responsible.
    pub unit: Option<String>,
    /// A district (name, alias or government).
    pub district: Option<String>,
    /// A section path (`二.（一）`); tasks in it and below.
    pub section: Option<String>,
    /// `lead` or `responsible`, with `unit` or `district`.
    pub role: Option<String>,
    /// Words in the title or text.
    pub text: Option<String>,
    /// Only tasks with (true) or without (false) numeric targets.
    pub has_target: Option<bool>,
    /// Only tasks with (true) or without (false) an aspirational target (力争/争取).
    pub aspirational: Option<bool>,
    /// First item, from 0.
    pub offset: Option<i64>,
    /// Items per page, 1–1000 (default 50).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/plans/{id}/tasks", tag = "任务", params(("id" = i64, Path), TaskQuery),
    responses((status = 200, body = Page<TaskRow>), (status = 422, body = crate::ErrorBody)))]
pub async fn list_tasks(
    caller: Caller,
    State(s): State<AppState>,
    Path(id): Path<i64>,
    QueryParams(q): QueryParams<TaskQuery>,
) -> ApiResult<Page<TaskRow>> {
    visible_plan(&s, &caller, id).await?;
    let filter = TaskFilter {
        unit: q.unit,
        district: q.district,
        section: q.section,
        role: q.role,
        text: q.text,
        has_target: q.has_target,
        aspirational: q.aspirational,
    };
    Ok(Json(
        s.store
            .tasks(id, &filter, q.offset.unwrap_or(0), q.limit.unwrap_or(50))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/tasks/{id}", tag = "任务", params(("id" = i64, Path)), responses((status = 200, body = TaskDetail), (status = 404, body = crate::ErrorBody)))]
pub async fn get_task(
    caller: Caller,
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<TaskDetail> {
    let task = s.store.task(id).await?;
    visible_plan(&s, &caller, task.row.plan_id).await?;
    Ok(Json(task))
}

#[utoipa::path(get, path = "/api/plans/{id}/review-items", tag = "待核对", params(("id" = i64, Path)), responses((status = 200, body = Vec<ReviewItem>)))]
pub async fn list_review_items(
    Office(_): Office,
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Vec<ReviewItem>> {
    Ok(Json(s.store.review_items(id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentQuery {
    pub unit: Option<String>,
    pub district: Option<String>,
}

#[utoipa::path(get, path = "/api/plans/{id}/assignments", tag = "任务", params(("id" = i64, Path), AssignmentQuery), responses((status = 200, body = Vec<AssignmentRow>)))]
pub async fn list_assignments(
    caller: Caller,
    State(s): State<AppState>,
    Path(id): Path<i64>,
    QueryParams(q): QueryParams<AssignmentQuery>,
) -> ApiResult<Vec<AssignmentRow>> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(
        s.store
            .assignments(id, q.unit.as_deref(), q.district.as_deref())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/plans/{id}/districts/{district}/table", tag = "一区一表",
    params(("id" = i64, Path), ("district" = String, Path, description = "区名、别称或区政府名")),
    responses((status = 200, body = DistrictTable), (status = 404, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn district_table(
    caller: Caller,
    State(s): State<AppState>,
    Path((id, district)): Path<(i64, String)>,
) -> ApiResult<DistrictTable> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.district_table(id, &district).await?))
}

#[utoipa::path(post, path = "/api/plans/{id}/district-rows", tag = "一区一表", params(("id" = i64, Path)), request_body = DistrictRowInput,
    responses((status = 201, body = Created), (status = 422, body = crate::ErrorBody)))]
pub async fn add_district_row(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<DistrictRowInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let row = s
        .store
        .add_district_row(id, &input, &caller.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: row })))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct MergeRequest {
    /// The spelling to replace.
    pub from: String,
    /// The name it is merged into.
    pub into: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Changed {
    pub changed: u64,
}

#[utoipa::path(post, path = "/api/plans/{id}/merge-units", tag = "方案", params(("id" = i64, Path)), request_body = MergeRequest,
    responses((status = 200, body = Changed), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn merge_units(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<MergeRequest>,
) -> ApiResult<Changed> {
    Ok(Json(Changed {
        changed: s
            .store
            .merge_units(id, &req.from, &req.into, &caller.actor())
            .await?,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublishQuery {
    /// The month (1–12) reports are due from: by default the month of publication (January
    /// when published outside the plan's year); an earlier month asks for back-filling.
    pub reporting_start: Option<u32>,
}

#[utoipa::path(post, path = "/api/plans/{id}/publish", tag = "方案", params(("id" = i64, Path), PublishQuery),
    responses((status = 200, body = PlanSummary), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn publish(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    QueryParams(q): QueryParams<PublishQuery>,
) -> ApiResult<PlanSummary> {
    let how = Publishing {
        today: s.today(),
        reporting_start: q.reporting_start,
    };
    s.store
        .publish_with(id, &s.directory.current(), how, &caller.actor())
        .await?;
    Ok(Json(s.store.plan(id).await?))
}

#[utoipa::path(delete, path = "/api/plans/{id}", tag = "方案", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody)))]
pub async fn delete_plan(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.store.delete_draft(id, &caller.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/plans/{id}/amendments", tag = "方案", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AmendmentRow>), (status = 404, body = crate::ErrorBody)))]
pub async fn list_amendments(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<AmendmentRow>> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.amendments(id).await?))
}

#[utoipa::path(put, path = "/api/tasks/{id}/units", tag = "任务", params(("id" = i64, Path)), request_body = UnitsInput,
    responses((status = 200, body = TaskDetail), (status = 422, body = crate::ErrorBody)))]
pub async fn set_task_units(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<UnitsInput>,
) -> ApiResult<TaskDetail> {
    s.store
        .set_task_units(
            id,
            &input,
            &s.directory.current(),
            s.today(),
            &caller.actor(),
        )
        .await?;
    let task = s.store.task(id).await?;
    visible_plan(&s, &caller, task.row.plan_id).await?;
    Ok(Json(task))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SplitRequest {
    pub parts: Vec<TargetPart>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedMany {
    pub ids: Vec<i64>,
}

#[utoipa::path(post, path = "/api/targets/{id}/split", tag = "任务", params(("id" = i64, Path)), request_body = SplitRequest,
    responses((status = 201, body = CreatedMany), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn split_target(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<SplitRequest>,
) -> Result<(StatusCode, Json<CreatedMany>), ApiError> {
    let ids = s
        .store
        .split_target(id, &req.parts, &caller.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedMany { ids })))
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Share {
    pub district: String,
    pub value: f64,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SharesRequest {
    pub shares: Vec<Share>,
}

#[utoipa::path(put, path = "/api/targets/{id}/shares", tag = "一区一表", params(("id" = i64, Path)), request_body = SharesRequest,
    responses((status = 204), (status = 422, body = crate::ErrorBody)))]
pub async fn set_shares(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<SharesRequest>,
) -> Result<StatusCode, ApiError> {
    let shares: Vec<(String, f64)> = req
        .shares
        .into_iter()
        .map(|s| (s.district, s.value))
        .collect();
    s.store
        .set_target_shares(id, &shares, s.today(), &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ResolveRequest {
    pub resolution: String,
}

#[utoipa::path(post, path = "/api/review-items/{id}/resolve", tag = "待核对", params(("id" = i64, Path)), request_body = ResolveRequest,
    responses((status = 204), (status = 404, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn resolve_review_item(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ResolveRequest>,
) -> Result<StatusCode, ApiError> {
    s.store
        .resolve_review_item(id, &req.resolution, &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Count tasks of this plan only.
    pub plan: Option<i64>,
}

#[utoipa::path(get, path = "/api/units", tag = "单位", params(UnitQuery), responses((status = 200, body = Vec<UnitRow>)))]
pub async fn list_units(
    State(s): State<AppState>,
    QueryParams(q): QueryParams<UnitQuery>,
) -> ApiResult<Vec<UnitRow>> {
    Ok(Json(s.store.units(q.plan).await?))
}

#[utoipa::path(get, path = "/api/districts", tag = "单位", responses((status = 200, body = Vec<DistrictRow>)))]
pub async fn list_districts(State(s): State<AppState>) -> ApiResult<Vec<DistrictRow>> {
    Ok(Json(s.store.districts().await?))
}

pub async fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        body: crate::ErrorBody {
            error: "没有这个地址".into(),
            field: None,
        },
    }
}

//! The OpenAPI document of the JSON API.

use axum::Json;
use utoipa::OpenApi;

use crate::handlers;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "luoshi 落实 API",
        description = "实施方案任务台账：方案、任务、目标、单位、区、一区一表、审计。"
    ),
    paths(
        handlers::list_plans,
        handlers::import_plan,
        handlers::get_plan,
        handlers::list_sections,
        handlers::list_indicators,
        handlers::list_tasks,
        handlers::get_task,
        handlers::list_review_items,
        handlers::list_assignments,
        handlers::district_table,
        handlers::add_district_row,
        handlers::merge_units,
        handlers::publish,
        handlers::set_task_units,
        handlers::split_target,
        handlers::set_shares,
        handlers::resolve_review_item,
        handlers::list_units,
        handlers::list_districts,
        handlers::audit_log,
        handlers::verify_audit,
    ),
    components(schemas(crate::ErrorBody))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

//! The OpenAPI document of the JSON API.

use axum::Json;
use utoipa::OpenApi;

use crate::{accounts, allocation, closures, handlers, issuing, reporting};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "luoshi 落实 API",
        description = "实施方案任务台账：方案、任务、目标、单位、区、一区一表、月度填报、催报、审计。机器客户端用 API 令牌（Authorization: Bearer …，由 POST /api/tokens 或 `luoshi user token` 签发）；浏览器会话的写请求须带 X-CSRF-Token 头。"
    ),
    paths(
        handlers::list_plans,
        handlers::import_plan,
        crate::plans::import_plan_document,
        handlers::get_plan,
        handlers::delete_plan,
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
        handlers::list_amendments,
        handlers::set_task_units,
        handlers::split_target,
        handlers::set_shares,
        handlers::resolve_review_item,
        handlers::list_units,
        handlers::list_districts,
        crate::audit::audit_log,
        crate::audit::verify_audit,
        reporting::me,
        accounts::create_token,
        accounts::list_tokens,
        accounts::revoke_token,
        accounts::login_locks,
        accounts::clear_login_lock,
        reporting::notices,
        reporting::list_periods,
        reporting::set_calendar,
        reporting::reopen,
        reporting::my_reports,
        reporting::get_report,
        reporting::save_report,
        reporting::review_report,
        reporting::task_reports,
        reporting::reporting_status,
        reporting::remind,
        reporting::template,
        reporting::upload_sheet,
        reporting::add_attachment,
        reporting::get_attachment,
        reporting::list_assessment_items,
        reporting::add_assessment_item,
        reporting::delete_assessment_item,
        reporting::get_rules,
        reporting::set_rules,
        reporting::get_milestones,
        reporting::set_milestones,
        reporting::set_indicator_source,
        reporting::set_indicator_value,
        crate::standing::plan_standing,
        allocation::get_allocation,
        issuing::list_issues,
        closures::list_closures,
        closures::close_task,
        closures::reopen_task,
        closures::set_deadline,
        closures::get_task_milestones,
        closures::set_task_milestones,
        issuing::issue,
        allocation::put_allocation,
        allocation::allocation_sheet,
        allocation::upload_allocation,
        crate::reviews::list_pending,
        crate::reviews::review_many,
        crate::users::list_users,
        crate::users::create_user,
        crate::users::reset,
        crate::users::disable,
        crate::users::enable,
        crate::users::unlock,
        crate::document_settings::get_settings,
        crate::document_settings::set_settings,
        crate::receipts::own_receipts,
        crate::receipts::acknowledge,
        crate::receipts::object,
        crate::receipts::answer,
        crate::receipts::plan_receipts,
        crate::supervision::list_suggestions,
        crate::supervision::issue,
        crate::supervision::dismiss,
        crate::supervision::escalate,
        crate::supervision::plan_orders,
        crate::supervision::one_order,
        crate::supervision::own_orders,
        crate::supervision::sign,
        crate::supervision::answer,
        crate::supervision::review,
        crate::supervision::get_rules,
        crate::supervision::set_rules,
        crate::instructions::write,
        crate::instructions::plan_instructions,
        crate::instructions::task_instructions,
        crate::instructions::own_instructions,
        crate::instructions::one_instruction,
        crate::instructions::answer,
        crate::notifications::get_rules,
        crate::notifications::set_rules,
        crate::notifications::list_channels,
        crate::notifications::add_channel,
        crate::notifications::remove_channel,
        crate::notifications::list_reminders,
        crate::notifications::list_deliveries,
        crate::notifications::retry,
        crate::roster::upload_roster,
        crate::roster::template,
        crate::roster::accounts_for_plan,
        crate::directory::download,
        crate::directory::upload,
        crate::directory::edit,
    ),
    modifiers(&BearerAuth),
    security(("token" = []), ("session" = [])),
    components(schemas(crate::ErrorBody))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Declares the two ways to authenticate: API tokens and the browser session cookie.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("luoshi_session"))),
        );
    }
}

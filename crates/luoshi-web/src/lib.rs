//! luoshi-web: the pages people open every day, rendered on the server in Simplified Chinese,
//! with the stylesheet embedded in the binary (no JavaScript build, no fetches from outside):
//! plan overview, task list with filters, task page with its targets highlighted in the text,
//! the index of districts and each district's table (一区一表) with a print stylesheet and an xlsx
//! download of exactly that table; and the draft review, where the office fixes what the parser
//! could not decide and publishes (CSRF-protected forms that call the same store operations as
//! the API).

mod account;
mod accounts;
mod allocation;
mod assessment;
mod audit;
mod cadence;
mod chart;
mod closures;
mod csrf;
mod directory;
mod download;
mod form_numbers;
mod indicators;
mod instructions;
mod issuing;
mod my;
mod nav;
mod notifications;
mod pages;
mod plans;
mod progress;
mod receipts;
mod reporting;
mod reporting_status;
mod review;
mod reviews;
mod supervision;
mod support;
mod task_sheets;
mod upload_field;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use luoshi_server::AppState;

/// Multipart uploads (sheets, attachments) may be this large; each handler applies its own,
/// smaller limit with a clear message.
const UPLOAD_LIMIT: usize = 12 * 1024 * 1024;

/// The pages' routes over `state`, behind the login; merge them with the API's router.
pub fn router(state: AppState) -> Router {
    use pages::*;
    let routes = Router::new()
        .route("/", get(plans::home))
        .route(
            "/plans/import",
            post(plans::import).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/static/luoshi.css", get(stylesheet))
        .route("/plans/{id}", get(overview))
        .route("/plans/{id}/delete", post(plans::delete_plan))
        .route("/plans/{id}/tasks", get(tasks))
        .route("/plans/{id}/support.xlsx", get(support::support_xlsx))
        .route("/tasks/{id}", get(task))
        .route(
            "/tasks/{id}/closure",
            post(closures::close).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/tasks/{id}/reopen", post(closures::reopen))
        .route("/tasks/{id}/deadline", post(closures::deadline))
        .route("/tasks/{id}/task-milestones", post(closures::milestones))
        .route("/closures/{id}/evidence", get(closures::evidence))
        .route(
            "/tasks/{id}/targets/{target}/milestones",
            post(pages::set_milestones),
        )
        .route("/plans/{id}/units/{name}", get(unit))
        .route(
            "/plans/{id}/units/{name}/tasks.xlsx",
            get(task_sheets::unit_xlsx),
        )
        .route(
            "/plans/{id}/units/{name}/tasks.docx",
            get(task_sheets::unit_docx),
        )
        .route("/plans/{id}/task-sheets.zip", get(task_sheets::all_zip))
        .route("/plans/{id}/districts", get(districts))
        .route("/plans/{id}/districts/{name}", get(district))
        .route(
            "/plans/{id}/districts/{name}/table.xlsx",
            get(district_xlsx),
        )
        .route(
            "/plans/{id}/districts/{name}/table.docx",
            get(task_sheets::district_docx),
        )
        .route("/plans/{id}/review", get(review::review))
        .route(
            "/plans/{id}/allocation",
            get(allocation::allocation).post(allocation::save),
        )
        .route("/plans/{id}/allocation.xlsx", get(allocation::sheet))
        .route("/plans/{id}/allocation/upload", post(allocation::upload))
        .route(
            "/plans/{id}/review/tasks/{task}/units",
            post(review::set_units),
        )
        .route(
            "/plans/{id}/review/items/{item}/resolve",
            post(review::resolve),
        )
        .route("/plans/{id}/review/publish", post(review::publish))
        .route("/plans/{id}/review/merge", post(review::merge))
        .route(
            "/plans/{id}/review/targets/{target}/split",
            post(review::split),
        )
        .route(
            "/plans/{id}/review/district-rows",
            post(review::district_row),
        )
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route("/account", get(account::account))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/account/login-locks/clear", post(account::clear_lock))
        .route(
            "/account/password",
            get(account::password_page).post(account::change_password),
        )
        .route(
            "/reviews",
            get(reviews::reviews).post(reviews::review_selected),
        )
        .route("/audit", get(audit::audit))
        .route("/directory", get(directory::directory_page))
        .route("/directory/edit", post(directory::edit))
        .route("/directory.toml", get(directory::download))
        .route(
            "/directory/upload",
            post(directory::upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/accounts", get(accounts::accounts).post(accounts::create))
        .route(
            "/accounts/roster",
            post(accounts::upload_roster).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/accounts/roster-template.xlsx",
            get(accounts::roster_template),
        )
        .route("/accounts/for-plan", post(accounts::for_plan))
        .route("/accounts/handout.xlsx", post(accounts::handout))
        .route("/accounts/{username}/{action}", post(accounts::act))
        .route("/my", get(my::my))
        .route("/my/receipts/acknowledge", post(receipts::acknowledge))
        .route("/my/receipts/objection", post(receipts::object))
        .route("/plans/{id}/receipts", get(receipts::receipts_page))
        .route("/plans/{id}/supervision", get(supervision::plan_page))
        .route("/plans/{id}/supervision/decide", post(supervision::decide))
        .route(
            "/plans/{id}/supervision/rules",
            post(supervision::set_rules),
        )
        .route(
            "/plans/{id}/supervision/escalate",
            post(supervision::escalate),
        )
        .route(
            "/plans/{id}/instructions",
            get(instructions::list).post(instructions::write),
        )
        .route("/plans/{id}/instructions/new", get(instructions::new_form))
        .route("/instructions/{id}", get(instructions::show))
        .route("/instructions/{id}/answer", post(instructions::answer))
        .route("/plans/{id}/notifications", get(notifications::page))
        .route(
            "/plans/{id}/notifications/rules",
            post(notifications::set_rules),
        )
        .route(
            "/plans/{id}/notifications/channels",
            post(notifications::add_channel),
        )
        .route(
            "/plans/{id}/notifications/channels/{channel}/remove",
            post(notifications::remove_channel),
        )
        .route(
            "/plans/{id}/notifications/deliveries/{delivery}/retry",
            post(notifications::retry),
        )
        .route("/supervision/{id}", get(supervision::order))
        .route("/supervision/{id}/sign", post(supervision::sign))
        .route(
            "/supervision/{id}/answer",
            post(supervision::answer).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/supervision/{id}/review", post(supervision::review))
        .route("/supervision/{id}/evidence", get(supervision::evidence))
        .route("/supervision/{id}/order.docx", get(supervision::docx))
        .route(
            "/plans/{id}/receipts/{assignment}/answer",
            post(receipts::answer),
        )
        .route("/my/template.xlsx", get(my::my_template))
        .route(
            "/my/upload",
            post(my::my_upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/reports/{period}/{assignment}",
            get(reporting::report).post(reporting::save_report),
        )
        .route(
            "/reports/{period}/{assignment}/review",
            post(reporting::review_report),
        )
        .route(
            "/reports/{period}/{assignment}/attachments",
            post(reporting::add_attachment).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/reports/{period}/tasks/{task}",
            get(reporting::task_reports),
        )
        .route("/attachments/{id}", get(reporting::attachment))
        .route("/plans/{id}/reporting", get(reporting_status::reporting))
        .route(
            "/plans/{id}/reporting.xlsx",
            get(reporting_status::reporting_xlsx),
        )
        .route(
            "/plans/{id}/reporting/remind",
            post(reporting_status::remind),
        )
        .route(
            "/plans/{id}/reporting/reopen",
            post(reporting_status::reopen),
        )
        .route(
            "/plans/{id}/reporting/calendar",
            post(reporting_status::set_due_day),
        )
        .route("/plans/{id}/bulletins/{period}", get(cadence::bulletin))
        .route(
            "/plans/{id}/issues",
            get(issuing::issues).post(issuing::issue),
        )
        .route("/plans/{id}/document-settings", post(issuing::set_settings))
        .route("/plans/{id}/assessment", get(assessment::assessment))
        .route("/plans/{id}/dashboard", get(cadence::dashboard))
        .route("/plans/{id}/indicators", get(indicators::indicators))
        .route(
            "/plans/{id}/indicators/{indicator}/source",
            post(indicators::set_source),
        )
        .route(
            "/plans/{id}/indicators/{indicator}/values",
            post(indicators::set_values),
        )
        .route("/plans/{id}/assessment/items", post(assessment::add_item))
        .route("/plans/{id}/assessment/rules", post(assessment::set_rules))
        .route(
            "/plans/{id}/assessment/items/{item}/delete",
            post(assessment::delete_item),
        )
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            cadence::demo_banner,
        ));
    luoshi_server::protect(routes, state)
}

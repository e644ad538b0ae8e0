//! 方案: the plan list everyone but reporters starts from; the office uploads a plan document
//! here (landing on the new draft's review) and deletes drafts.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::PlanSummary;

use crate::nav::{Here, Nav};
use crate::pages::{PageError, render};

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    nav: Nav,
    plans: Vec<PlanSummary>,
    office: bool,
    csrf: String,
    /// Why the last upload was refused (shown beside the file field).
    upload_error: Option<String>,
}

async fn plans_page(
    s: &AppState,
    caller: &Caller,
    status: StatusCode,
    upload_error: Option<String>,
) -> Result<Response, PageError> {
    let office = caller.principal.is_office();
    let mut plans: Vec<PlanSummary> = s
        .store
        .plans()
        .await?
        .into_iter()
        .filter(|p| office || p.status == "published")
        .collect();
    plans.reverse();
    let page = PlansPage {
        nav: Nav::build(s, caller, None, Here::Plans).await?,
        plans,
        office,
        csrf: caller.csrf_token.clone(),
        upload_error,
    };
    Ok((status, render(page)?).into_response())
}

/// The plan list: every plan (drafts only for the office), most recent first, with the way into
/// each; reporters start from their own tasks, leaders from the dashboard's plan list too.
pub async fn home(State(s): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if caller.principal.reports() {
        return Ok(see_other("/my").into_response());
    }
    plans_page(&s, &caller, StatusCode::OK, None).await
}

/// The office deletes a draft from the plan list.
pub async fn delete_plan(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    s.store.delete_draft(id, &caller.actor()).await?;
    Ok(see_other("/").into_response())
}

/// The office uploads a plan document (multipart field `file`): it is read, parsed and stored
/// as a draft, and the office lands on that draft's review list.
pub async fn import(
    State(s): State<AppState>,
    Office(caller): Office,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let refuse = |message: String| plans_page(&s, &caller, StatusCode::BAD_REQUEST, Some(message));
    let (name, bytes) = match crate::upload_field::file_field(
        &mut form,
        luoshi_server::plans::MAX_DOCUMENT_BYTES,
        "请选择要导入的方案文件",
    )
    .await
    {
        Ok(file) => file,
        Err(message) => return refuse(message).await,
    };
    let name = if name.trim().is_empty() {
        "上传的方案".to_string()
    } else {
        name
    };
    match luoshi_server::plans::import_document(&s, &caller.actor(), &name, bytes.to_vec()).await {
        Ok(id) => Ok(see_other(&format!("/plans/{id}/review")).into_response()),
        Err(e) if e.status.is_client_error() => refuse(e.body.error).await,
        Err(e) => Err(e.into()),
    }
}

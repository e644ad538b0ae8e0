//! The draft review: the office fixes what the parser could not decide and publishes, from the
//! browser. The forms call the same store operations as the API; every POST needs the CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::Caller;
use luoshi_server::redirect::see_other;
use luoshi_store::{PlanSummary, StoreError, UnitsInput};
use serde::Deserialize;

use crate::pages::PageError;

pub struct ItemView {
    id: i64,
    path: Option<String>,
    line: Option<i64>,
    reason: String,
    task_id: Option<i64>,
    lead: String,
    responsible: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    items: Vec<ItemView>,
    csrf: String,
    /// Draft: the reporting start offered at publishing (the month of publication).
    publish_month: u32,
    /// Published: the months an amendment made today may take effect in.
    amendment_months: Vec<u32>,
    general_error: Option<String>,
    /// The item whose form the error belongs to (0: none).
    error_item: i64,
    error: Option<String>,
    error_field: String,
}

/// What went wrong with a submitted form, to show next to it.
#[derive(Default)]
struct FormError {
    task: Option<i64>,
    field: String,
    message: Option<String>,
    general: Option<String>,
}

async fn render(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    error: FormError,
) -> Result<String, PageError> {
    let plan = s.store.plan(plan_id).await?;
    let mut items = Vec::new();
    for item in s
        .store
        .review_items(plan_id)
        .await?
        .into_iter()
        .filter(|r| !r.resolved)
    {
        let (lead, responsible) = match item.task_id {
            Some(task) => {
                let detail = s.store.task(task).await?;
                (
                    detail.row.lead.join("、"),
                    detail.row.responsible.join("、"),
                )
            }
            None => Default::default(),
        };
        items.push(ItemView {
            id: item.id,
            path: item.path,
            line: item.line,
            reason: item.reason,
            task_id: item.task_id,
            lead,
            responsible,
        });
    }
    let error_item = error
        .task
        .and_then(|t| items.iter().find(|i| i.task_id == Some(t)).map(|i| i.id))
        .unwrap_or(0);
    let today = s.today();
    let publish_month = luoshi_reporting::months::default_reporting_start(
        plan.year
            .and_then(|y| i32::try_from(y).ok())
            .unwrap_or(today.year),
        today,
    );
    let amendment_months = if plan.status == "published" {
        (s.store.amendment_month(plan_id, today).await?..=12).collect()
    } else {
        Vec::new()
    };
    let page = ReviewPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Review).await?,
        plan,
        items,
        csrf: caller.csrf_token.clone(),
        publish_month,
        amendment_months,
        general_error: error.general,
        error_item,
        error: error.message,
        error_field: error.field,
    };
    page.render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

pub async fn review(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    let body = render(&s, &caller, id, FormError::default()).await?;
    Ok(Html(body).into_response())
}

/// `市科技局、市财政局` → the names, split on 、，,；; and spaces.
fn names(list: &str) -> Vec<String> {
    list.split(['、', '，', ',', '；', ';', ' ', '　'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct UnitsForm {
    lead: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    effective_month: Option<u32>,
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    reporting_start: Option<u32>,
}

async fn failed(
    s: &AppState,
    caller: &Caller,
    plan: i64,
    status: StatusCode,
    error: FormError,
) -> Result<Response, PageError> {
    Ok((status, Html(render(s, caller, plan, error).await?)).into_response())
}

pub async fn set_units(
    State(s): State<AppState>,
    caller: Caller,
    Path((plan, task)): Path<(i64, i64)>,
    Form(form): Form<UnitsForm>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    let input = UnitsInput {
        lead: names(&form.lead),
        responsible: names(&form.responsible),
        reason: form.reason.filter(|r| !r.trim().is_empty()),
        effective_month: form.effective_month,
    };
    match s
        .store
        .set_task_units(task, &input, &s.directory, s.today(), &caller.actor())
        .await
    {
        Ok(()) => Ok(see_other(&format!("/plans/{plan}/review")).into_response()),
        Err(StoreError::Invalid { field, message }) => {
            let error = FormError {
                task: Some(task),
                field,
                message: Some(message),
                general: None,
            };
            failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    resolution: String,
}

pub async fn resolve(
    State(s): State<AppState>,
    caller: Caller,
    Path((plan, item)): Path<(i64, i64)>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    match s
        .store
        .resolve_review_item(item, &form.resolution, &caller.actor())
        .await
    {
        Ok(()) => Ok(see_other(&format!("/plans/{plan}/review")).into_response()),
        Err(StoreError::Invalid { field, message }) => {
            let error = FormError {
                task: None,
                field,
                message: None,
                general: Some(format!("第 {item} 项：{message}")),
            };
            failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn publish(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
    Form(form): Form<PublishForm>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    let how = luoshi_store::Publishing {
        today: s.today(),
        reporting_start: form.reporting_start,
    };
    match s
        .store
        .publish_with(plan, &s.directory, how, &caller.actor())
        .await
    {
        Ok(()) => Ok(see_other(&format!("/plans/{plan}")).into_response()),
        Err(StoreError::Invalid { field, message }) => {
            let error = FormError {
                field,
                general: Some(message),
                ..FormError::default()
            };
            failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
        Err(StoreError::Published(message)) => {
            let error = FormError {
                general: Some(message),
                ..FormError::default()
            };
            failed(&s, &caller, plan, StatusCode::CONFLICT, error).await
        }
        Err(e) => Err(e.into()),
    }
}

//! 印发记录: every period's document (调度通报, 季度小结, 半年讲评, 年度考核) with whether it was
//! issued, as which number and when; the office issues a period, or corrects an issued one
//! (更正, with a reason), from here.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::{IssuedDocument, PlanSummary};
use serde::Deserialize;

use crate::pages::PageError;

struct PeriodLine {
    key: String,
    label: String,
    document: &'static str,
    /// Every issue of the period, oldest first.
    issues: Vec<IssuedDocument>,
    /// Its reports are all due (it can be issued).
    closed: bool,
}

#[derive(Template)]
#[template(path = "issues.html")]
struct IssuesPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    lines: Vec<PeriodLine>,
    office: bool,
    csrf: String,
    /// The period whose form the error belongs to.
    error_period: String,
    error: Option<String>,
    reason: String,
}

async fn render(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    status: StatusCode,
    error: Option<(String, String, String)>,
) -> Result<Response, PageError> {
    let plan = s.store.plan(plan_id).await?;
    let issues = s.store.issues(plan_id).await?;
    let today = s.today().to_string();
    let mut lines = Vec::new();
    for p in s.store.periods(plan_id).await? {
        let Some((_, cadence)) = luoshi_cadence::Cadence::parse(&p.key) else {
            continue;
        };
        lines.push(PeriodLine {
            document: cadence.name(),
            issues: issues
                .iter()
                .filter(|i| i.period_key == p.key)
                .cloned()
                .collect(),
            closed: p.due_on < today,
            key: p.key,
            label: p.label,
        });
    }
    let (error_period, error, reason) = match error {
        Some((period, message, reason)) => (period, Some(message), reason),
        None => Default::default(),
    };
    let page = IssuesPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Issues).await?,
        plan,
        lines,
        office: caller.principal.is_office(),
        csrf: caller.csrf_token.clone(),
        error_period,
        error,
        reason,
    };
    let body = page
        .render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))?;
    Ok((status, Html(body)).into_response())
}

pub async fn issues(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
) -> Result<Response, PageError> {
    crate::pages::visible(&s, &caller, plan).await?;
    render(&s, &caller, plan, StatusCode::OK, None).await
}

#[derive(Debug, Deserialize)]
pub struct IssueForm {
    period: String,
    #[serde(default)]
    reason: String,
}

pub async fn issue(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<IssueForm>,
) -> Result<Response, PageError> {
    let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
    match luoshi_server::issuing::issue_period(&s, &caller, plan, &form.period, reason).await {
        Ok(_) => Ok(see_other(&format!("/plans/{plan}/bulletins/{}", form.period)).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            let error = (form.period, e.body.error, form.reason);
            render(&s, &caller, plan, e.status, Some(error)).await
        }
        Err(e) => Err(e.into()),
    }
}

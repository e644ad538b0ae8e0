//! 年度考核: the scores of every district and unit as they stand, and the office's forms for review
//! marks and bonus and deduction items (each with its reason, in the audit log).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use luoshi_cadence::AnnualAssessment;
use luoshi_evaluation::forecast::thousands;
use luoshi_evaluation::{AssessmentRules, Rules};
use luoshi_reporting::Role;
use luoshi_server::AppState;
use luoshi_server::auth::Caller;
use luoshi_store::{AssessmentItem, AssessmentItemInput, PlanSummary, StoreError};
use serde::Deserialize;

use crate::pages::PageError;

type ScoreRow = (String, u32, String, String, String, String, String, String);

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    plan: PlanSummary,
    year: i32,
    rows: Vec<ScoreRow>,
    subjects: Vec<String>,
    items: Vec<AssessmentItem>,
    office: bool,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
}

async fn page(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    if !matches!(caller.principal.role, Role::Office | Role::Leader) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "只有协调办公室和领导可以查看年度考核".into(),
        ));
    }
    let plan = s.store.plan(plan_id).await?;
    if plan.status != "published" {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "方案尚未发布，没有考核".into(),
        ));
    }
    let snapshot = s.store.snapshot(plan_id).await?;
    let items = s.store.assessment_items(plan_id).await?;
    let assessment = AnnualAssessment::build(
        &snapshot,
        &items,
        &Rules::default(),
        &AssessmentRules::default(),
    )
    .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "该方案没有填报期间".into()))?;
    let rows = assessment
        .districts
        .iter()
        .chain(&assessment.units)
        .map(|sc| {
            (
                sc.group.clone().unwrap_or_default(),
                sc.rank,
                sc.name.clone(),
                thousands(sc.completion),
                thousands(sc.discipline),
                thousands(sc.review),
                thousands(sc.adjustments),
                thousands(sc.total),
            )
        })
        .collect();
    let code = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = AssessmentPage {
        year: assessment.year,
        subjects: assessment
            .subjects()
            .into_iter()
            .map(str::to_string)
            .collect(),
        rows,
        plan,
        items,
        office: caller.principal.is_office(),
        csrf: caller.csrf_token.clone(),
        message,
        error,
    }
    .render()
    .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))?;
    Ok((code, Html(body)).into_response())
}

pub async fn assessment(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
) -> Result<Response, PageError> {
    page(&s, &caller, plan, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct ItemForm {
    subject: String,
    kind: String,
    points: String,
    reason: String,
}

pub async fn add_item(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
    Form(form): Form<ItemForm>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    let Ok(points) = form.points.trim().parse::<f64>() else {
        return page(
            &s,
            &caller,
            plan,
            None,
            Some(format!("分值「{}」不是数字", form.points.trim())),
        )
        .await;
    };
    let input = AssessmentItemInput {
        subject: form.subject,
        kind: form.kind,
        points,
        reason: form.reason,
    };
    match s
        .store
        .add_assessment_item(
            plan,
            &input,
            AssessmentRules::default().review_weight,
            &caller.actor(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{plan}/assessment")).into_response()),
        Err(StoreError::Invalid { message, .. }) => {
            page(&s, &caller, plan, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_item(
    State(s): State<AppState>,
    caller: Caller,
    Path((plan, item)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    s.store
        .delete_assessment_item(plan, item, &caller.actor())
        .await?;
    Ok(Redirect::to(&format!("/plans/{plan}/assessment")).into_response())
}

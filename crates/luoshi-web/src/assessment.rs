//! 年度考核: the scores of every district and unit as they stand, and the office's forms for review
//! marks and bonus and deduction items (each with its reason, in the audit log).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_cadence::AnnualAssessment;
use luoshi_evaluation::forecast::thousands;
use luoshi_reporting::Role;
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::{AssessmentItem, AssessmentItemInput, PlanRules, PlanSummary, StoreError};
use serde::Deserialize;

use crate::pages::PageError;

type ScoreRow = (String, u32, String, String, String, String, String, String);

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    year: i32,
    /// 预评估 before the year closes, or why nothing is scored yet.
    label: Option<String>,
    rows: Vec<ScoreRow>,
    subjects: Vec<String>,
    items: Vec<AssessmentItem>,
    rules: PlanRules,
    /// The 左右 tolerance in per cent.
    tolerance: String,
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
    let snapshot = s
        .store
        .snapshot_with(plan_id, luoshi_store::Texts::None, 12)
        .await?;
    let items = luoshi_server::supervision::assessment_items(s, plan_id).await?;
    let plan_rules = s.store.plan_rules(plan_id).await?;
    let (rules, assess) = luoshi_cadence::rules_of(&plan_rules);
    // Scores count closed months only; before any has closed there is nothing to score yet,
    // but the office can already enter review marks and items for every subject.
    let scored = AnnualAssessment::as_of(&snapshot, &items, &rules, &assess, s.today());
    let whole = AnnualAssessment::build(&snapshot, &items, &rules, &assess)
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "该方案没有填报期间".into()))?;
    let label = match &scored {
        Some(a) if a.preliminary() => Some(format!(
            "预评估（截至{}月，只计已截止的月份；年度结束后为正式考核）",
            a.through
        )),
        Some(_) => None,
        None => Some("尚无已截止的月份，暂不计分".to_string()),
    };
    let empty = AnnualAssessment {
        districts: Vec::new(),
        units: Vec::new(),
        ..whole.clone()
    };
    let assessment = scored.as_ref().unwrap_or(&empty);
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
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Assessment).await?,
        year: whole.year,
        label,
        subjects: whole.subjects().into_iter().map(str::to_string).collect(),
        rows,
        tolerance: format!("{}", (plan_rules.about_tolerance * 1000.0).round() / 10.0),
        rules: plan_rules,
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
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<ItemForm>,
) -> Result<Response, PageError> {
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
    let max_review = s.store.plan_rules(plan).await?.review_weight;
    match s
        .store
        .add_assessment_item(plan, &input, max_review, &caller.actor())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/plans/{plan}/assessment")).into_response()),
        Err(StoreError::Invalid { message, .. }) => {
            page(&s, &caller, plan, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_item(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan, item)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    s.store
        .delete_assessment_item(plan, item, &caller.actor())
        .await?;
    Ok(see_other(&format!("/plans/{plan}/assessment")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RulesForm {
    on_pace_gap: String,
    serious_gap: String,
    not_started_serious_after: String,
    about_tolerance: String,
    completion_weight: String,
    discipline_weight: String,
    review_weight: String,
    late_deduction: String,
    missing_deduction: String,
}

pub async fn set_rules(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<RulesForm>,
) -> Result<Response, PageError> {
    let fields = [
        ("符合序时差距", &form.on_pace_gap),
        ("严重滞后差距", &form.serious_gap),
        ("未启动转红月数", &form.not_started_serious_after),
        ("“左右”容差", &form.about_tolerance),
        ("目标完成权重", &form.completion_weight),
        ("报送纪律权重", &form.discipline_weight),
        ("评议权重", &form.review_weight),
        ("迟报扣分", &form.late_deduction),
        ("漏报扣分", &form.missing_deduction),
    ];
    let numbers = match crate::form_numbers::numbers(&fields) {
        Ok(numbers) => numbers,
        Err(error) => return page(&s, &caller, plan, None, Some(error)).await,
    };
    let rules = PlanRules {
        on_pace_gap: numbers[0],
        serious_gap: numbers[1],
        not_started_serious_after: numbers[2].round() as i64,
        about_tolerance: numbers[3] / 100.0,
        completion_weight: numbers[4],
        discipline_weight: numbers[5],
        review_weight: numbers[6],
        late_deduction: numbers[7],
        missing_deduction: numbers[8],
    };
    match s.store.set_plan_rules(plan, &rules, &caller.actor()).await {
        Ok(_) => {
            page(
                &s,
                &caller,
                plan,
                Some("规则已保存，各项通报和考核即按新规则计算。".into()),
                None,
            )
            .await
        }
        Err(StoreError::Invalid { message, .. }) => {
            page(&s, &caller, plan, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

//! 签收 in the browser: a unit acknowledges its new assignments on 我的任务 (ticked ones, or all
//! at once) or objects to one with a reason; the office's 签收情况 page shows who has not signed
//! and answers each objection (分工维持 or 已调整).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office, UnitMember};
use luoshi_store::{MAX_ACKNOWLEDGE, ObjectionAnswer, PlanSummary, Receipt, ReceiptState};

use crate::pages::PageError;

/// What 我的任务 shows of the unit's receipts: what waits for it, and what waits for the office.
pub struct Awaiting {
    pub(crate) rows: Vec<Receipt>,
}

impl Awaiting {
    pub(crate) async fn of(s: &AppState, unit_id: i64) -> Result<Awaiting, PageError> {
        let rows = s
            .store
            .unit_receipts(unit_id)
            .await?
            .into_iter()
            .filter(|r| r.state.awaits_unit() || r.state == ReceiptState::Objected)
            .collect();
        Ok(Awaiting { rows })
    }

    /// How many the unit can still sign for.
    pub(crate) fn to_sign(&self) -> usize {
        self.rows.iter().filter(|r| r.state.awaits_unit()).count()
    }
}

/// 牵头 / 责任, as the lists print the role.
pub(crate) fn role_label(role: &str) -> &'static str {
    if role == "lead" { "牵头" } else { "责任" }
}

/// The ticked `assignment` boxes, or with `all` every assignment waiting for the unit.
pub async fn acknowledge(
    State(s): State<AppState>,
    member: UnitMember,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ids: Option<Vec<i64>> = if fields.iter().any(|(k, _)| k == "all") {
        Some(
            Awaiting::of(&s, member.unit_id)
                .await?
                .rows
                .iter()
                .filter(|r| r.state.awaits_unit())
                .map(|r| r.assignment_id)
                .collect(),
        )
    } else {
        fields
            .iter()
            .filter(|(k, _)| k == "assignment")
            .take(MAX_ACKNOWLEDGE + 1)
            .map(|(_, v)| v.parse().ok())
            .collect()
    };
    let Some(ids) = ids else {
        return crate::my::page_with(
            &s,
            &member.caller,
            None,
            Some("所选任务无法识别，请刷新页面后重选".into()),
        )
        .await;
    };
    let done = s
        .store
        .acknowledge(member.unit_id, &ids, &member.caller.actor())
        .await;
    answer_on_my_page(
        &s,
        &member.caller,
        done.map(|n| format!("已签收 {n} 项任务。")),
    )
    .await
}

#[derive(Debug, serde::Deserialize)]
pub struct ObjectionForm {
    assignment: String,
    reason: String,
}

pub async fn object(
    State(s): State<AppState>,
    member: UnitMember,
    Form(form): Form<ObjectionForm>,
) -> Result<Response, PageError> {
    let Ok(assignment) = form.assignment.parse::<i64>() else {
        return crate::my::page_with(&s, &member.caller, None, Some("请选择有异议的任务".into()))
            .await;
    };
    let done = s
        .store
        .object(
            member.unit_id,
            assignment,
            &form.reason,
            &member.caller.actor(),
        )
        .await;
    answer_on_my_page(
        &s,
        &member.caller,
        done.map(|r| {
            format!(
                "已就 {} {} 提出异议，等待协调办公室答复。",
                r.task_path, r.task_title
            )
        }),
    )
    .await
}

/// 我的任务 with what happened: the message, or the refusal (422) in words.
async fn answer_on_my_page(
    s: &AppState,
    caller: &Caller,
    done: luoshi_store::Result<String>,
) -> Result<Response, PageError> {
    match done {
        Ok(message) => crate::my::page_with(s, caller, Some(message), None).await,
        Err(e) => {
            let (_, error) = crate::pages::refusal(e)?;
            crate::my::page_with(s, caller, None, Some(error)).await
        }
    }
}

/// One unit's count on 签收情况.
pub struct UnitCount {
    pub(crate) unit: String,
    pub(crate) pending: usize,
    pub(crate) acknowledged: usize,
    pub(crate) objected: usize,
}

#[derive(Template)]
#[template(path = "receipts.html")]
struct ReceiptsPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    units: Vec<UnitCount>,
    objections: Vec<Receipt>,
    answered: Vec<Receipt>,
    total: usize,
    pending: usize,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
}

impl ReceiptsPage {
    fn role(&self, r: &Receipt) -> &'static str {
        role_label(&r.role)
    }

    fn beijing(utc: &Option<String>) -> String {
        utc.as_deref()
            .map(|t| luoshi_reporting::beijing_time(t).unwrap_or_else(|| t.to_string()))
            .unwrap_or_default()
    }
}

/// Counts per unit, units with something unsigned first.
fn unit_counts(receipts: &[Receipt]) -> Vec<UnitCount> {
    let mut units: Vec<UnitCount> = Vec::new();
    for r in receipts {
        let at = match units.iter().position(|u| u.unit == r.unit) {
            Some(i) => i,
            None => {
                units.push(UnitCount {
                    unit: r.unit.clone(),
                    pending: 0,
                    acknowledged: 0,
                    objected: 0,
                });
                units.len() - 1
            }
        };
        let count = &mut units[at];
        match r.state {
            ReceiptState::Pending | ReceiptState::Kept => count.pending += 1,
            ReceiptState::Acknowledged => count.acknowledged += 1,
            ReceiptState::Objected => count.objected += 1,
            ReceiptState::Amended => {}
        }
    }
    units.sort_by_key(|u| std::cmp::Reverse(u.pending + u.objected));
    units
}

async fn render(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let plan = s.store.plan(plan_id).await?;
    let receipts = s.store.plan_receipts(plan_id).await?;
    let objections = receipts
        .iter()
        .filter(|r| r.state == ReceiptState::Objected)
        .cloned()
        .collect();
    let answered = receipts
        .iter()
        .filter(|r| r.replied_at.is_some())
        .cloned()
        .collect();
    let page = ReceiptsPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Reporting).await?,
        units: unit_counts(&receipts),
        total: receipts.len(),
        pending: receipts.iter().filter(|r| r.state.awaits_unit()).count(),
        objections,
        answered,
        plan,
        csrf: caller.csrf_token.clone(),
        message,
        error,
    };
    Ok((status, crate::pages::render(page)?).into_response())
}

pub async fn receipts_page(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
) -> Result<Response, PageError> {
    render(&s, &caller, plan, StatusCode::OK, None, None).await
}

#[derive(Debug, serde::Deserialize)]
pub struct AnswerForm {
    answer: String,
    reply: String,
}

pub async fn answer(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan, assignment)): Path<(i64, i64)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    let answer = match form.answer.as_str() {
        "keep" => ObjectionAnswer::Keep,
        "amended" => ObjectionAnswer::Amended,
        other => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                format!("答复「{other}」无效：应为“维持分工”或“已调整分工”"),
            ));
        }
    };
    let receipt = s.store.receipt(assignment).await?;
    if receipt.plan_id != plan {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "该方案没有这项分工".into(),
        ));
    }
    match s
        .store
        .answer_objection(assignment, answer, &form.reply, &caller.actor())
        .await
    {
        Ok(r) => {
            let message = format!(
                "已答复{}对 {} {} 的异议：{}。",
                r.unit,
                r.task_path,
                r.task_title,
                r.state.label()
            );
            render(&s, &caller, plan, StatusCode::OK, Some(message), None).await
        }
        Err(e) => {
            let (status, error) = crate::pages::refusal(e)?;
            render(&s, &caller, plan, status, None, Some(error)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(unit: &str, state: ReceiptState) -> Receipt {
        Receipt {
            assignment_id: 1,
            plan_id: 1,
            task_id: 1,
            task_path: "二.1".into(),
            task_title: "任务".into(),
            unit_id: 1,
            unit: unit.into(),
            role: "lead".into(),
            state,
            reason: String::new(),
            by: None,
            at: None,
            reply: String::new(),
            replied_by: None,
            replied_at: None,
        }
    }

    #[test]
    fn units_with_something_unsigned_come_first() {
        let counts = unit_counts(&[
            receipt("市科技局", ReceiptState::Acknowledged),
            receipt("江岸区人民政府", ReceiptState::Pending),
            receipt("江岸区人民政府", ReceiptState::Objected),
            receipt("江岸区人民政府", ReceiptState::Kept),
            receipt("市科技局", ReceiptState::Amended),
        ]);
        let rows: Vec<(&str, usize, usize, usize)> = counts
            .iter()
            .map(|u| (u.unit.as_str(), u.pending, u.acknowledged, u.objected))
            .collect();
        assert_eq!(rows, [("江岸区人民政府", 2, 0, 1), ("市科技局", 0, 1, 0)]);
    }
}

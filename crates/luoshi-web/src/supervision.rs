//! 督办 in the browser: the office's page of a month's suggested orders (issued as suggested or
//! changed, or dismissed with a reason) and of every order with its state; an order's own page,
//! where the unit signs for and answers it (整改措施, evidence) and the office closes it or sends
//! it back; the order as a .docx in the plan's 公文 frame.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_reporting::followup::{Level, OrderState};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office, UnitMember};
use luoshi_server::supervision::{Suggestion, readable_order, suggestions_for};
use luoshi_store::{NewOrder, PlanSummary, SubjectKind, SupervisionOrder};
use serde::Deserialize;

use crate::pages::PageError;

#[derive(Template)]
#[template(path = "supervision.html")]
struct PlanPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    period: String,
    office: bool,
    suggestions: Vec<Suggestion>,
    orders: Vec<SupervisionOrder>,
    rules: luoshi_reporting::followup::SupervisionRules,
    today: luoshi_reporting::Day,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
}

impl PlanPage {
    fn kind(s: &Suggestion) -> &'static str {
        match s.order.subject_kind {
            SubjectKind::Target => "target",
            SubjectKind::Task => "task",
        }
    }

    fn overdue(&self, o: &SupervisionOrder) -> bool {
        o.overdue(self.today) || o.overdue_on.is_some()
    }
}

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    period: Option<String>,
}

/// The month before `today` (the one a dispatch meeting follows up), as `2021-05`.
fn last_month(today: luoshi_reporting::Day) -> String {
    if today.month == 1 {
        format!("{}-12", today.year - 1)
    } else {
        format!("{}-{:02}", today.year, today.month - 1)
    }
}

/// The plan's month the page opens on: the last one up to the month before today (a plan of a
/// past year: its December; of a future one: its first month).
async fn default_month(s: &AppState, plan_id: i64) -> Result<String, PageError> {
    let wanted = last_month(s.today());
    let months: Vec<String> = s
        .store
        .periods(plan_id)
        .await?
        .into_iter()
        .filter(luoshi_store::PeriodRow::is_month)
        .map(|p| p.key)
        .collect();
    Ok(months
        .iter()
        .rev()
        .find(|k| **k <= wanted)
        .or(months.first())
        .cloned()
        .unwrap_or(wanted))
}

async fn render(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    period: Option<String>,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let office = caller.principal.is_office();
    if !office && caller.principal.role != luoshi_reporting::Role::Leader {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "只有协调办公室和领导可以查看督办".into(),
        ));
    }
    let plan = s.store.plan(plan_id).await?;
    let period = match period.filter(|p| !p.trim().is_empty()) {
        Some(p) => p.trim().to_string(),
        None => default_month(s, plan_id).await?,
    };
    let (mut error, mut status) = (error, status);
    let suggestions = if office {
        match suggestions_for(s, plan_id, &period).await {
            Ok(list) => list,
            // A month the plan does not have: said beside the month picker.
            Err(e) if e.status.is_client_error() => {
                status = e.status;
                error.get_or_insert(e.body.error);
                Vec::new()
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        Vec::new()
    };
    let page = PlanPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Supervision)
            .await?,
        orders: s.store.supervision_orders(plan_id).await?,
        rules: s.store.supervision_rules(plan_id).await?,
        today: s.today(),
        plan,
        period,
        office,
        suggestions,
        csrf: caller.csrf_token.clone(),
        message,
        error,
    };
    Ok((status, crate::pages::render(page)?).into_response())
}

pub async fn plan_page(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    render(&s, &caller, plan, q.period, StatusCode::OK, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct IssueForm {
    level: String,
    subject_kind: String,
    subject_id: i64,
    unit: String,
    period_key: String,
    reason: String,
    requirement: String,
    due_on: String,
    /// `issue` or `dismiss`.
    action: String,
    #[serde(default)]
    dismissal: String,
}

/// A suggestion's form: issued (as suggested or changed) or dismissed with a reason.
pub async fn decide(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<IssueForm>,
) -> Result<Response, PageError> {
    let bad = |what: &str| PageError::new(StatusCode::BAD_REQUEST, format!("{what}无法识别"));
    let level = Level::parse(&form.level).ok_or_else(|| bad("督办级别"))?;
    let subject_kind = match form.subject_kind.as_str() {
        "target" => SubjectKind::Target,
        "task" => SubjectKind::Task,
        _ => return Err(bad("督办对象")),
    };
    let period = Some(form.period_key.clone());
    let done = match form.action.as_str() {
        "issue" => s
            .store
            .issue_order(
                plan,
                &NewOrder {
                    level,
                    subject_kind,
                    subject_id: form.subject_id,
                    unit: form.unit.clone(),
                    period_key: form.period_key.clone(),
                    reason: form.reason.clone(),
                    requirement: form.requirement.clone(),
                    due_on: form.due_on.clone(),
                },
                s.today(),
                &caller.actor(),
            )
            .await
            .map(|o| {
                format!(
                    "已下达{}（{}，{}）。",
                    o.number_label(),
                    o.level.label(),
                    o.unit
                )
            }),
        "dismiss" => s
            .store
            .dismiss_suggestion(
                plan,
                &form.period_key,
                subject_kind,
                form.subject_id,
                &form.unit,
                level,
                &form.dismissal,
                &caller.actor(),
            )
            .await
            .map(|()| format!("已不予督办：{}。", form.unit)),
        _ => return Err(bad("操作")),
    };
    match done {
        Ok(message) => {
            render(
                &s,
                &caller,
                plan,
                period,
                StatusCode::OK,
                Some(message),
                None,
            )
            .await
        }
        Err(e) => {
            let (status, error) = crate::pages::refusal(e)?;
            render(&s, &caller, plan, period, status, None, Some(error)).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RulesForm {
    prompt_after_lagging: String,
    yellow_after_lagging: String,
    #[serde(default)]
    red_when_serious: Option<String>,
    prompt_after_missed: String,
    red_after_missed: String,
    days_prompt: String,
    days_yellow: String,
    days_red: String,
    deduction_prompt: String,
    deduction_yellow: String,
    deduction_red: String,
    overdue_deduction: String,
}

/// The plan's 督办规则 from the form; a field that is not a number is named.
pub async fn set_rules(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<RulesForm>,
) -> Result<Response, PageError> {
    let whole = [
        ("提示：连续滞后月数", &form.prompt_after_lagging),
        ("黄色督办：连续滞后月数", &form.yellow_after_lagging),
        ("提示：连续未报送月数", &form.prompt_after_missed),
        ("红色督办：连续未报送月数", &form.red_after_missed),
        ("提示办理天数", &form.days_prompt),
        ("黄色督办办理天数", &form.days_yellow),
        ("红色督办办理天数", &form.days_red),
    ];
    let refused = |error: String| {
        render(
            &s,
            &caller,
            plan,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(error),
        )
    };
    let counts = match crate::form_numbers::counts(&whole) {
        Ok(counts) => counts,
        Err(error) => return refused(error).await,
    };
    let points = [
        ("提示扣分", &form.deduction_prompt),
        ("黄色督办扣分", &form.deduction_yellow),
        ("红色督办扣分", &form.deduction_red),
        ("逾期扣分", &form.overdue_deduction),
    ];
    let deductions = match crate::form_numbers::numbers(&points) {
        Ok(numbers) => numbers,
        Err(error) => return refused(error).await,
    };
    let rules = luoshi_reporting::followup::SupervisionRules {
        prompt_after_lagging: counts[0],
        yellow_after_lagging: counts[1],
        red_when_serious: form.red_when_serious.is_some(),
        prompt_after_missed: counts[2],
        red_after_missed: counts[3],
        days_to_answer: [counts[4], counts[5], counts[6]],
        deduction: [deductions[0], deductions[1], deductions[2]],
        overdue_deduction: deductions[3],
    };
    match s
        .store
        .set_supervision_rules(plan, &rules, &caller.actor())
        .await
    {
        Ok(_) => {
            let message = Some("督办规则已保存。".to_string());
            render(&s, &caller, plan, None, StatusCode::OK, message, None).await
        }
        Err(luoshi_store::StoreError::Invalid { message, .. }) => {
            render(
                &s,
                &caller,
                plan,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn escalate(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
) -> Result<Response, PageError> {
    let new = luoshi_server::supervision::escalate_plan(&s, plan, &caller.actor()).await?;
    let message = if new.is_empty() {
        "没有需要升级的逾期督办单。".to_string()
    } else {
        let numbers: Vec<String> = new.iter().map(SupervisionOrder::number_label).collect();
        format!("逾期督办单已升级：{}。", numbers.join("、"))
    };
    render(&s, &caller, plan, None, StatusCode::OK, Some(message), None).await
}

#[derive(Template)]
#[template(path = "order.html")]
struct OrderPage {
    nav: crate::nav::Nav,
    order: SupervisionOrder,
    /// The caller's unit answers for it.
    own: bool,
    office: bool,
    overdue: bool,
    /// 领导批示 on this order.
    list: crate::instructions::OnPage,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
}

impl OrderPage {
    fn beijing(utc: &Option<String>) -> String {
        utc.as_deref()
            .map(|t| luoshi_reporting::beijing_time(t).unwrap_or_else(|| t.to_string()))
            .unwrap_or_default()
    }
}

async fn order_page(
    s: &AppState,
    caller: &Caller,
    id: i64,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let order = readable_order(s, caller, id).await?;
    let on_order = s
        .store
        .task_instructions(order.task_id)
        .await?
        .into_iter()
        .filter(|i| i.subject_kind == luoshi_store::InstructedKind::Order && i.subject_id == id)
        .collect();
    let page = OrderPage {
        list: crate::instructions::OnPage::new(
            caller,
            on_order,
            s.today(),
            order.plan_id,
            &format!("order:{id}"),
        ),
        nav: crate::nav::Nav::build(s, caller, Some(order.plan_id), crate::nav::Here::Elsewhere)
            .await?,
        own: caller.principal.unit_id == Some(order.unit_id) && caller.principal.reports(),
        office: caller.principal.is_office(),
        overdue: order.overdue(s.today()) || order.overdue_on.is_some(),
        order,
        csrf: caller.csrf_token.clone(),
        message,
        error,
    };
    Ok((status, crate::pages::render(page)?).into_response())
}

pub async fn order(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    order_page(&s, &caller, id, StatusCode::OK, None, None).await
}

/// The page after an action: its message, or the refusal (4xx) in words.
async fn after(
    s: &AppState,
    caller: &Caller,
    id: i64,
    done: luoshi_store::Result<String>,
) -> Result<Response, PageError> {
    match done {
        Ok(message) => order_page(s, caller, id, StatusCode::OK, Some(message), None).await,
        Err(e) => {
            let (status, error) = crate::pages::refusal(e)?;
            order_page(s, caller, id, status, None, Some(error)).await
        }
    }
}

pub async fn sign(
    State(s): State<AppState>,
    member: UnitMember,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let done = s
        .store
        .sign_order(member.unit_id, id, &member.caller.actor())
        .await
        .map(|o| {
            format!(
                "已签收{}，请在 {} 前反馈整改措施。",
                o.number_label(),
                o.due_on
            )
        });
    after(&s, &member.caller, id, done).await
}

pub async fn answer(
    State(s): State<AppState>,
    member: UnitMember,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let (measures, evidence) =
        match luoshi_server::evidence::text_and_evidence(&mut form, "measures").await {
            Ok(read) => read,
            Err(message) => {
                return order_page(
                    &s,
                    &member.caller,
                    id,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    Some(message),
                )
                .await;
            }
        };
    let done = s
        .store
        .answer_order(
            member.unit_id,
            id,
            &measures,
            evidence.as_ref(),
            s.today(),
            &member.caller.actor(),
        )
        .await
        .map(|o| format!("已反馈{}，等待协调办公室复核。", o.number_label()));
    after(&s, &member.caller, id, done).await
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    /// `close` or `return`.
    decision: String,
    #[serde(default)]
    comment: String,
}

pub async fn review(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let close = match form.decision.as_str() {
        "close" => true,
        "return" => false,
        other => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                format!("复核决定「{other}」无效：应为“办结”或“退回”"),
            ));
        }
    };
    let done = s
        .store
        .review_order(id, close, &form.comment, &caller.actor())
        .await
        .map(|o| format!("{}：{}。", o.number_label(), o.state.label()));
    after(&s, &caller, id, done).await
}

pub async fn evidence(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    readable_order(&s, &caller, id).await?;
    let (name, kind, bytes) = s.store.supervision_evidence(id).await?;
    Ok(luoshi_server::reporting::download(bytes, &kind, &name))
}

/// The order as a Word document in the plan's 公文 frame.
pub async fn docx(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let order = readable_order(&s, &caller, id).await?;
    let settings = s.store.document_settings(order.plan_id).await?;
    let demo = s.store.plan(order.plan_id).await?.demo;
    let document = luoshi_cadence::supervision::order_document(&order, &settings.issuer, demo)
        .framed(&settings);
    let bytes = luoshi_cadence::docx::render(&document)
        .map_err(|e| PageError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(luoshi_server::reporting::download(
        bytes,
        crate::download::DOCX,
        &format!("{}.docx", order.number_label()),
    ))
}

/// The unit's open orders, for 我的任务.
pub(crate) async fn open_for_unit(
    s: &AppState,
    unit_id: i64,
) -> Result<Vec<SupervisionOrder>, PageError> {
    Ok(s.store
        .unit_supervision_orders(unit_id)
        .await?
        .into_iter()
        .filter(|o| o.state != OrderState::Closed)
        .collect())
}

//! 我的任务: a reporter's month — its assignments and their reports, 催报 notices, what its lead
//! unit has to review — and the month's sheet to download, fill in Excel and upload.

use crate::pages::PageError;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_reporting::{ReportStatus, Role};
use luoshi_server::AppState;
use luoshi_server::auth::Caller;
use luoshi_server::redirect::see_other;
use luoshi_server::reporting as api;
use luoshi_store::*;
use serde::Deserialize;

use crate::reporting::*;

pub struct MyRow {
    pub(crate) period_id: i64,
    pub(crate) assignment_id: i64,
    pub(crate) path: String,
    pub(crate) title: String,
    pub(crate) role: &'static str,
    pub(crate) status: &'static str,
    pub(crate) class: &'static str,
    pub(crate) note: String,
}

/// One published plan's month for this unit: its tasks and sheet.
pub struct PlanSection {
    pub(crate) plan: PlanSummary,
    pub(crate) periods: Vec<PeriodOption>,
    pub(crate) period: PeriodRow,
    pub(crate) window: &'static str,
    pub(crate) accepts: bool,
    pub(crate) rows: Vec<MyRow>,
    pub(crate) todo: usize,
    pub(crate) returned: usize,
    pub(crate) reported: usize,
}

impl MyPage {
    fn instruction_overdue(&self, i: &Instruction) -> bool {
        i.overdue(self.today)
    }
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    nav: crate::nav::Nav,
    pub(crate) unit: String,
    pub(crate) sections: Vec<PlanSection>,
    pub(crate) notices: Vec<Notice>,
    /// Assignments waiting to be signed for (签收), or objected to and waiting for the office.
    pub(crate) awaiting: crate::receipts::Awaiting,
    /// 督办单 not yet closed.
    pub(crate) orders: Vec<SupervisionOrder>,
    /// 领导批示 waiting for this unit's 办理情况.
    pub(crate) instructions: Vec<Instruction>,
    pub(crate) today: luoshi_reporting::Day,
    /// Submitted reports waiting for this lead unit's review (in every plan).
    pub(crate) pending_reviews: usize,
    pub(crate) csrf: String,
    pub(crate) message: Option<String>,
    pub(crate) error: Option<String>,
}

impl MyPage {
    /// A stored (UTC) time as the page shows it, in Beijing time.
    fn beijing(utc: &str) -> String {
        luoshi_reporting::beijing_time(utc).unwrap_or_else(|| utc.to_string())
    }

    fn role(&self, r: &Receipt) -> &'static str {
        crate::receipts::role_label(&r.role)
    }
}

/// 我的任务 as it stands now, with what an action did (`message`) or why it was refused (`error`,
/// answered 422).
pub(crate) async fn page_with(
    s: &AppState,
    caller: &Caller,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    my_page(s, caller, &Choice::default(), message, error).await
}

#[derive(Debug, Deserialize)]
pub struct MyQuery {
    /// The plan whose month `period` picks; absent: every plan that has that month.
    #[serde(default)]
    plan: Option<i64>,
    #[serde(default)]
    period: Option<String>,
}

pub async fn my(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<MyQuery>,
) -> Result<Response, PageError> {
    let choice = Choice {
        plan: q.plan,
        period: q.period.filter(|p| !p.trim().is_empty()),
    };
    my_page(&s, &caller, &choice, None, None).await
}

/// Which month a visit asks for.
#[derive(Debug, Default)]
struct Choice {
    plan: Option<i64>,
    period: Option<String>,
}

impl Choice {
    fn of(period: &PeriodRow) -> Choice {
        Choice {
            plan: Some(period.plan_id),
            period: Some(period.key.clone()),
        }
    }

    /// The month asked for in `plan`, if any (`None`: the current one).
    fn key_for(&self, plan: i64, months: &[PeriodRow]) -> Option<&str> {
        let key = self.period.as_deref()?;
        match self.plan {
            Some(p) if p == plan => Some(key),
            Some(_) => None,
            None => months.iter().any(|m| m.key == key).then_some(key),
        }
    }
}

async fn my_page(
    s: &AppState,
    caller: &Caller,
    choice: &Choice,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let Some(unit_id) = caller
        .principal
        .unit_id
        .filter(|_| caller.principal.reports())
    else {
        // The office and leaders follow everyone's reporting instead.
        let plan = current_plan(s).await?;
        let query = choice
            .period
            .as_deref()
            .map(|k| format!("?period={k}"))
            .unwrap_or_default();
        return Ok(see_other(&format!("/plans/{}/reporting{query}", plan.id)).into_response());
    };
    let mut plans: Vec<PlanSummary> = s
        .store
        .plans()
        .await?
        .into_iter()
        .filter(|p| p.status == "published")
        .collect();
    plans.reverse();
    let mut sections = Vec::new();
    for plan in plans {
        let months: Vec<PeriodRow> = s
            .store
            .periods(plan.id)
            .await?
            .into_iter()
            .filter(PeriodRow::is_month)
            .collect();
        if months.is_empty() {
            continue;
        }
        let key = choice.key_for(plan.id, &months).map(str::to_string);
        let (period, periods) = chosen_month(s, plan.id, key.as_deref()).await?;
        let views: Vec<ReportView> = s
            .store
            .unit_reports(period.id, unit_id)
            .await?
            .into_iter()
            .filter(|v| {
                caller.principal.can_edit_report(&v.scope())
                    || caller.principal.can_view_report(
                        &v.scope(),
                        luoshi_reporting::access::ReportStatusRef::Shared,
                    )
            })
            .collect();
        // A plan this unit has nothing in (this month or any other) is not its business.
        if views.is_empty() && !s.store.unit_in_plan(plan.id, unit_id).await? {
            continue;
        }
        sections.push(section(s, plan, period, periods, &views));
    }
    if sections.is_empty() {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "已发布的方案中没有本单位的任务".into(),
        ));
    }
    let pending_reviews = if caller.principal.role == Role::LeadReviewer {
        s.store.pending_reviews(Some(unit_id)).await?.len()
    } else {
        0
    };
    let notices = s.store.notices(unit_id).await?;
    s.store.mark_notices_read(unit_id).await?;
    let awaiting = crate::receipts::Awaiting::of(s, unit_id).await?;
    let orders = crate::supervision::open_for_unit(s, unit_id).await?;
    let instructions = crate::instructions::waiting_for_unit(s, unit_id).await?;
    let page = MyPage {
        instructions,
        today: s.today(),
        nav: crate::nav::Nav::build(s, caller, Some(sections[0].plan.id), crate::nav::Here::My)
            .await?,
        unit: caller
            .principal
            .district
            .clone()
            .or(caller.principal.unit.clone())
            .unwrap_or_default(),
        sections,
        notices,
        awaiting,
        orders,
        pending_reviews,
        csrf: caller.csrf_token.clone(),
        error: error.clone(),
        message,
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(render(page)?)).into_response())
}

fn section(
    s: &AppState,
    plan: PlanSummary,
    period: PeriodRow,
    periods: Vec<PeriodOption>,
    views: &[ReportView],
) -> PlanSection {
    let window = period.window(s.today());
    let closed = !window.accepts_entries() && window != luoshi_reporting::Window::Upcoming;
    let mut rows = Vec::new();
    let (mut todo, mut returned, mut reported) = (0, 0, 0);
    for v in views {
        let note = match v.status {
            Some(ReportStatus::Returned) => {
                returned += 1;
                format!("退回意见：{}", v.review_comment.clone().unwrap_or_default())
            }
            Some(s) if s.is_reported() => {
                reported += 1;
                if v.submitted_late {
                    "补报".into()
                } else {
                    String::new()
                }
            }
            _ => {
                todo += 1;
                if closed {
                    "逾期未报".into()
                } else {
                    format!("{} 前报送", period.due_on)
                }
            }
        };
        rows.push(MyRow {
            period_id: period.id,
            assignment_id: v.assignment_id,
            path: v.task_path.clone(),
            title: v.task_title.clone(),
            role: role_label(&v.role),
            status: v.status_label(),
            class: if closed && v.status.is_none_or(|s| !s.is_reported()) {
                "status-late"
            } else {
                status_class(v.status)
            },
            note,
        });
    }
    PlanSection {
        plan,
        periods,
        window: window.label(),
        accepts: window.accepts_entries(),
        period,
        rows,
        todo,
        returned,
        reported,
    }
}

#[derive(Debug, Deserialize)]
pub struct PeriodId {
    pub(crate) period: i64,
}

pub async fn my_template(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<PeriodId>,
) -> Result<Response, PageError> {
    let (bytes, name) = api::template_bytes(&s, &caller, q.period).await?;
    Ok(api::download(bytes, api::XLSX, &name))
}

/// The filled-in sheet, as a multipart form (file + whether to submit).
pub async fn my_upload(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<PeriodId>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let period = s.store.period(q.period).await?;
    let mut file = None;
    let mut submit = false;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return my_page(
                    &s,
                    &caller,
                    &Choice::of(&period),
                    None,
                    Some(format!("上传失败：{}", e.body_text())),
                )
                .await;
            }
        };
        match field.name() {
            Some("file") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(_) => {
                    let limit = luoshi_export::report_sheet::MAX_UPLOAD_BYTES / 1_048_576;
                    return my_page(
                        &s,
                        &caller,
                        &Choice::of(&period),
                        None,
                        Some(format!("文件过大，上限 {limit} MB")),
                    )
                    .await;
                }
            },
            Some("submit") => submit = true,
            _ => {}
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return my_page(
            &s,
            &caller,
            &Choice::of(&period),
            None,
            Some("请选择要上传的填报表".into()),
        )
        .await;
    };
    match api::apply_upload(&s, &caller, q.period, &bytes, submit).await {
        Ok(n) => {
            let what = if submit { "报送" } else { "保存为草稿" };
            my_page(
                &s,
                &caller,
                &Choice::of(&period),
                Some(format!("已从填报表{what} {n} 份报告。")),
                None,
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            my_page(&s, &caller, &Choice::of(&period), None, Some(e.body.error)).await
        }
        Err(e) => Err(e.into()),
    }
}

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

pub struct ReviewRow {
    pub(crate) period_id: i64,
    pub(crate) assignment_id: i64,
    pub(crate) task_id: i64,
    pub(crate) path: String,
    pub(crate) title: String,
    pub(crate) unit: String,
    pub(crate) status: &'static str,
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    pub(crate) unit: String,
    pub(crate) plan: PlanSummary,
    pub(crate) periods: Vec<PeriodOption>,
    pub(crate) period: PeriodRow,
    pub(crate) window: &'static str,
    pub(crate) accepts: bool,
    pub(crate) notices: Vec<Notice>,
    pub(crate) rows: Vec<MyRow>,
    pub(crate) todo: usize,
    pub(crate) returned: usize,
    pub(crate) reported: usize,
    pub(crate) reviews: Vec<ReviewRow>,
    pub(crate) csrf: String,
    pub(crate) message: Option<String>,
    pub(crate) error: Option<String>,
}

pub async fn my(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    my_page(&s, &caller, q.period.as_deref(), None, None).await
}

async fn my_page(
    s: &AppState,
    caller: &Caller,
    period_key: Option<&str>,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let plan = current_plan(s).await?;
    let Some(unit_id) = caller
        .principal
        .unit_id
        .filter(|_| caller.principal.reports())
    else {
        // The office and leaders follow everyone's reporting instead.
        let query = period_key
            .map(|k| format!("?period={k}"))
            .unwrap_or_default();
        return Ok(see_other(&format!("/plans/{}/reporting{query}", plan.id)).into_response());
    };
    let (period, periods) = chosen_month(s, plan.id, period_key).await?;
    let window = period.window(s.today());
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
    let closed = !window.accepts_entries() && window != luoshi_reporting::Window::Upcoming;
    let mut rows = Vec::new();
    let (mut todo, mut returned, mut reported) = (0, 0, 0);
    for v in &views {
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
    // A lead unit reviews its responsible units' submitted reports.
    let mut reviews = Vec::new();
    if caller.principal.role == Role::LeadReviewer {
        for v in views.iter().filter(|v| v.role == "lead") {
            for other in s.store.task_reports(period.id, v.task_id).await? {
                if other.status == Some(ReportStatus::Submitted)
                    && caller.principal.can_review_report(&other.scope())
                {
                    reviews.push(ReviewRow {
                        period_id: period.id,
                        assignment_id: other.assignment_id,
                        task_id: other.task_id,
                        path: other.task_path.clone(),
                        title: other.task_title.clone(),
                        unit: other.unit.clone(),
                        status: other.status_label(),
                    });
                }
            }
        }
    }
    let notices = s.store.notices(unit_id).await?;
    s.store.mark_notices_read(unit_id).await?;
    let page = MyPage {
        unit: caller
            .principal
            .district
            .clone()
            .or(caller.principal.unit.clone())
            .unwrap_or_default(),
        plan,
        periods,
        window: window.label(),
        accepts: window.accepts_entries(),
        period,
        notices,
        rows,
        todo,
        returned,
        reported,
        reviews,
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
                    Some(&period.key),
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
                        Some(&period.key),
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
            Some(&period.key),
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
                Some(&period.key),
                Some(format!("已从填报表{what} {n} 份报告。")),
                None,
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            my_page(&s, &caller, Some(&period.key), None, Some(e.body.error)).await
        }
        Err(e) => Err(e.into()),
    }
}

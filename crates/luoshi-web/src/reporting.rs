//! The monthly reporting pages: "my tasks" (我的任务) with notices, the sheet download and upload;
//! the report form (save, submit, copy last month forward, attachments) and its review; the lead
//! unit's side-by-side view of a task; and the office's 填报情况 page with 催报, reopening and
//! the due day. Access is checked here on every request with the rules of `luoshi-reporting`.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, ReportStatus, Role};
use luoshi_server::AppState;
use luoshi_server::auth::Caller;
use luoshi_server::redirect::see_other;
use luoshi_server::reporting as api;
use luoshi_store::*;
use serde::Deserialize;

use crate::pages::{PageError, number};

fn render(t: impl Template) -> Result<String, PageError> {
    t.render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

/// The newest published plan: reporting happens on published plans only.
async fn current_plan(s: &AppState) -> Result<PlanSummary, PageError> {
    s.store
        .plans()
        .await?
        .into_iter()
        .rev()
        .find(|p| p.status == "published")
        .ok_or_else(|| {
            PageError::new(
                StatusCode::NOT_FOUND,
                "还没有已发布的方案，暂无填报任务".into(),
            )
        })
}

pub struct PeriodOption {
    key: String,
    label: String,
    selected: bool,
}

/// The month named by `?period=2021-06`, else the current month.
async fn chosen_month(
    s: &AppState,
    plan: i64,
    key: Option<&str>,
) -> Result<(PeriodRow, Vec<PeriodOption>), PageError> {
    let months: Vec<PeriodRow> = s
        .store
        .periods(plan)
        .await?
        .into_iter()
        .filter(PeriodRow::is_month)
        .collect();
    let period = match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) => months
            .iter()
            .find(|p| p.key == key)
            .cloned()
            .ok_or_else(|| {
                PageError::new(StatusCode::NOT_FOUND, format!("没有 {key} 这个填报期间"))
            })?,
        None => s
            .store
            .current_month(plan, s.today())
            .await?
            .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "该方案还没有填报期间".into()))?,
    };
    let options = months
        .iter()
        .map(|p| PeriodOption {
            key: p.key.clone(),
            label: p.label.clone(),
            selected: p.id == period.id,
        })
        .collect();
    Ok((period, options))
}

fn status_class(status: Option<ReportStatus>) -> &'static str {
    match status {
        None | Some(ReportStatus::Draft) => "status-draft",
        Some(ReportStatus::Submitted) => "status-submitted",
        Some(ReportStatus::Accepted) => "status-accepted",
        Some(ReportStatus::Returned) => "status-returned",
    }
}

fn role_label(role: &str) -> &'static str {
    if role == "lead" {
        "牵头（汇总报告）"
    } else {
        "责任"
    }
}

pub struct MyRow {
    period_id: i64,
    assignment_id: i64,
    path: String,
    title: String,
    role: &'static str,
    status: &'static str,
    class: &'static str,
    note: String,
}

pub struct ReviewRow {
    period_id: i64,
    assignment_id: i64,
    task_id: i64,
    path: String,
    title: String,
    unit: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    unit: String,
    plan: PlanSummary,
    periods: Vec<PeriodOption>,
    period: PeriodRow,
    window: &'static str,
    accepts: bool,
    notices: Vec<Notice>,
    rows: Vec<MyRow>,
    todo: usize,
    returned: usize,
    reported: usize,
    reviews: Vec<ReviewRow>,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    period: Option<String>,
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
    period: i64,
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

pub struct TargetForm {
    target_id: i64,
    text: String,
    unit: String,
    expected: String,
    previous: String,
    value: String,
    note: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    view: ReportView,
    period: PeriodRow,
    window: &'static str,
    role: &'static str,
    status: &'static str,
    class: &'static str,
    editable: bool,
    reviewable: bool,
    csrf: String,
    targets: Vec<TargetForm>,
    progress: String,
    problems: String,
    next_steps: String,
    coordination: String,
    /// For the lead of a task without a numeric target: its word on the month and why.
    task_status: String,
    status_reason: String,
    version: i64,
    error: Option<String>,
    error_field: String,
    /// After a refused save: what the other person saved.
    latest: Option<ReportView>,
    can_copy: bool,
}

/// What the form shows: the stored report, or what the user just typed.
struct Typed {
    values: Vec<(i64, String, String)>,
    progress: String,
    problems: String,
    next_steps: String,
    coordination: String,
    task_status: String,
    status_reason: String,
    version: i64,
}

impl Typed {
    fn from_view(view: &ReportView, copy: bool) -> Typed {
        let texts = match (&view.previous, copy) {
            (Some(p), true) => (
                p.progress.clone(),
                p.problems.clone(),
                p.next_steps.clone(),
                p.coordination.clone(),
            ),
            _ => (
                view.progress.clone(),
                view.problems.clone(),
                view.next_steps.clone(),
                view.coordination.clone(),
            ),
        };
        Typed {
            values: view
                .targets
                .iter()
                .map(|t| {
                    (
                        t.target_id,
                        t.value.map(number).unwrap_or_default(),
                        t.note.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            progress: texts.0,
            problems: texts.1,
            next_steps: texts.2,
            coordination: texts.3,
            task_status: view.task_status.clone().unwrap_or_default(),
            status_reason: view.status_reason.clone().unwrap_or_default(),
            version: view.version,
        }
    }
}

async fn report_page(
    s: &AppState,
    caller: &Caller,
    view: ReportView,
    typed: Typed,
    error: Option<(String, String)>,
    latest: Option<ReportView>,
) -> Result<String, PageError> {
    let period = s.store.period(view.period_id).await?;
    let window = period.window(s.today());
    let scope = view.scope();
    let editable = caller.principal.can_edit_report(&scope)
        && window.accepts_entries()
        && matches!(
            view.status,
            None | Some(ReportStatus::Draft) | Some(ReportStatus::Returned)
        );
    let reviewable = caller.principal.can_review_report(&scope)
        && matches!(
            view.status,
            Some(ReportStatus::Submitted) | Some(ReportStatus::Accepted)
        );
    let targets = view
        .targets
        .iter()
        .map(|t| {
            let (value, note) = typed
                .values
                .iter()
                .find(|(id, _, _)| *id == t.target_id)
                .map(|(_, v, n)| (v.clone(), n.clone()))
                .unwrap_or_default();
            TargetForm {
                target_id: t.target_id,
                text: t.text.clone(),
                unit: t.unit.clone(),
                expected: number(t.expected),
                previous: t.previous.map(number).unwrap_or_else(|| "—".into()),
                value,
                note,
            }
        })
        .collect();
    let (error, error_field) = error.map_or((None, String::new()), |(f, m)| (Some(m), f));
    render(ReportPage {
        window: window.label(),
        role: role_label(&view.role),
        status: view.status_label(),
        class: status_class(view.status),
        editable,
        reviewable,
        csrf: caller.csrf_token.clone(),
        targets,
        progress: typed.progress,
        problems: typed.problems,
        next_steps: typed.next_steps,
        coordination: typed.coordination,
        task_status: typed.task_status,
        status_reason: typed.status_reason,
        version: typed.version,
        error,
        error_field,
        latest,
        can_copy: editable && view.previous.is_some(),
        period,
        view,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct CopyQuery {
    #[serde(default)]
    copy: Option<String>,
}

pub async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, assignment)): Path<(i64, i64)>,
    Query(q): Query<CopyQuery>,
) -> Result<Html<String>, PageError> {
    let view = api::viewable_report(&s, &caller, period, assignment).await?;
    let typed = Typed::from_view(&view, q.copy.is_some());
    Ok(Html(
        report_page(&s, &caller, view, typed, None, None).await?,
    ))
}

/// Reads the report form: texts, `value_<target>`/`note_<target>` pairs, version and action.
fn parse_form(
    pairs: &[(String, String)],
    view: &ReportView,
) -> (Typed, bool, Result<ReportInput, (String, String)>) {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let submit = get("action") == "submit";
    let mut typed = Typed {
        values: Vec::new(),
        progress: get("progress"),
        problems: get("problems"),
        next_steps: get("next_steps"),
        coordination: get("coordination"),
        task_status: get("task_status"),
        status_reason: get("status_reason"),
        version: get("version").trim().parse().unwrap_or(-1),
    };
    let mut values = Vec::new();
    let mut error = None;
    for t in &view.targets {
        let raw = get(&format!("value_{}", t.target_id));
        let note = get(&format!("note_{}", t.target_id));
        typed.values.push((t.target_id, raw.clone(), note.clone()));
        let cleaned = raw.trim().replace([',', '，'], "");
        if cleaned.is_empty() {
            continue;
        }
        match cleaned.parse::<f64>() {
            Ok(value) if value.is_finite() => values.push(ValueInput {
                target_id: t.target_id,
                value,
                note: (!note.trim().is_empty()).then(|| note.trim().to_string()),
            }),
            _ => {
                error.get_or_insert((
                    format!("value_{}", t.target_id),
                    format!("「{}」的本期累计「{}」不是数字", t.text, raw.trim()),
                ));
            }
        }
    }
    let input = ReportInput {
        progress: typed.progress.trim().to_string(),
        problems: typed.problems.trim().to_string(),
        next_steps: typed.next_steps.trim().to_string(),
        coordination: typed.coordination.trim().to_string(),
        values,
        task_status: Some(typed.task_status.trim().to_string()).filter(|s| !s.is_empty()),
        status_reason: Some(typed.status_reason.trim().to_string()).filter(|s| !s.is_empty()),
        version: typed.version,
    };
    (typed, submit, error.map_or(Ok(input), Err))
}

pub async fn save_report(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, assignment)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let view = s.store.report(period, assignment).await?;
    if !caller.principal.can_edit_report(&view.scope()) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "无权填报这份报告：它不属于您的单位".into(),
        ));
    }
    let (typed, submit, input) = parse_form(&pairs, &view);
    let input = match input {
        Ok(input) => input,
        Err(error) => {
            let body = report_page(&s, &caller, view, typed, Some(error), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response());
        }
    };
    let action = if submit {
        ReportAction::Submit
    } else {
        ReportAction::Save
    };
    match s
        .store
        .save_report(
            period,
            assignment,
            &input,
            action,
            s.today(),
            &caller.actor(),
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("/reports/{period}/{assignment}")).into_response()),
        Err(StoreError::Invalid { field, message }) => {
            let body = report_page(&s, &caller, view, typed, Some((field, message)), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
        }
        Err(StoreError::Conflict(message)) => {
            // Keep what the user typed; show what was saved meanwhile; the next save starts
            // from the latest version, so it is a deliberate overwrite.
            let latest = s.store.report(period, assignment).await?;
            let typed = Typed {
                version: latest.version,
                ..typed
            };
            let body = report_page(
                &s,
                &caller,
                latest.clone(),
                typed,
                Some(("version".into(), message)),
                Some(latest),
            )
            .await?;
            Ok((StatusCode::CONFLICT, Html(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    version: i64,
    decision: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    back: Option<String>,
}

pub async fn review_report(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, assignment)): Path<(i64, i64)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let view = s.store.report(period, assignment).await?;
    if !caller.principal.can_review_report(&view.scope()) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "无权审核这份报告：只有该任务的牵头单位或协调办公室可以审核".into(),
        ));
    }
    let accept = form.decision == "accept";
    match s
        .store
        .review_report(
            period,
            assignment,
            form.version,
            accept,
            &form.comment,
            &caller.actor(),
        )
        .await
    {
        Ok(_) => {
            let back = form
                .back
                .filter(|b| b.starts_with("/reports/") && !b.starts_with("//"))
                .unwrap_or_else(|| format!("/reports/{period}/{assignment}"));
            Ok(see_other(&back).into_response())
        }
        Err(e @ (StoreError::Invalid { .. } | StoreError::Conflict(_))) => {
            let (field, message) = match e {
                StoreError::Invalid { field, message } => (field, message),
                other => ("version".to_string(), other.to_string()),
            };
            let view = s.store.report(period, assignment).await?;
            let typed = Typed::from_view(&view, false);
            let body = report_page(&s, &caller, view, typed, Some((field, message)), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// An attachment, as a multipart form field `file`.
pub async fn add_attachment(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, assignment)): Path<(i64, i64)>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let mut upload = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("附件").to_string();
                match field.bytes().await {
                    Ok(bytes) => upload = Some((name, bytes)),
                    Err(_) => {
                        return attachment_error(
                            &s,
                            &caller,
                            period,
                            assignment,
                            format!(
                                "附件过大，上限 {} MB",
                                api::MAX_ATTACHMENT_BYTES / 1_048_576
                            ),
                        )
                        .await;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                return attachment_error(
                    &s,
                    &caller,
                    period,
                    assignment,
                    format!("上传失败：{}", e.body_text()),
                )
                .await;
            }
        }
    }
    let Some((name, bytes)) = upload else {
        return attachment_error(&s, &caller, period, assignment, "请选择要上传的文件".into())
            .await;
    };
    match api::attach(&s, &caller, period, assignment, &name, &bytes).await {
        Ok(_) => Ok(see_other(&format!("/reports/{period}/{assignment}")).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            attachment_error(&s, &caller, period, assignment, e.body.error).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn attachment_error(
    s: &AppState,
    caller: &Caller,
    period: i64,
    assignment: i64,
    message: String,
) -> Result<Response, PageError> {
    let view = api::viewable_report(s, caller, period, assignment).await?;
    let typed = Typed::from_view(&view, false);
    let body = report_page(s, caller, view, typed, Some(("file".into(), message)), None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
}

pub async fn attachment(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (meta, bytes, period, assignment) = s.store.attachment(id).await?;
    api::viewable_report(&s, &caller, period, assignment).await?;
    Ok(api::download(bytes, &meta.content_type, &meta.filename))
}

pub struct SideReport {
    view: ReportView,
    role: &'static str,
    status: &'static str,
    class: &'static str,
    reviewable: bool,
    values: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "task_reports.html")]
struct TaskReportsPage {
    period: PeriodRow,
    path: String,
    title: String,
    reports: Vec<SideReport>,
    hidden: usize,
    csrf: String,
    back: String,
}

/// A task's reports side by side: the lead unit consolidates and reviews from here.
pub async fn task_reports(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, task)): Path<(i64, i64)>,
) -> Result<Html<String>, PageError> {
    let period_row = s.store.period(period).await?;
    let detail = s.store.task(task).await?;
    let all = s.store.task_reports(period, task).await?;
    let total = all.len();
    let mut reports = Vec::new();
    for view in all {
        let visible = view
            .status
            .map_or(luoshi_reporting::access::ReportStatusRef::Draft, |s| {
                s.visibility()
            });
        if !caller.principal.can_view_report(&view.scope(), visible) {
            continue;
        }
        let values = view
            .targets
            .iter()
            .map(|t| {
                (
                    t.text.clone(),
                    t.value
                        .map_or_else(|| "—".to_string(), |v| format!("{}{}", number(v), t.unit)),
                )
            })
            .collect();
        reports.push(SideReport {
            role: role_label(&view.role),
            status: view.status_label(),
            class: status_class(view.status),
            reviewable: caller.principal.can_review_report(&view.scope())
                && view.status == Some(ReportStatus::Submitted),
            values,
            view,
        });
    }
    if reports.is_empty() {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "无权查看该任务的报告".into(),
        ));
    }
    Ok(Html(render(TaskReportsPage {
        path: detail.row.path,
        title: detail.row.title,
        hidden: total - reports.len(),
        reports,
        csrf: caller.csrf_token.clone(),
        back: format!("/reports/{period}/tasks/{task}"),
        period: period_row,
    })?))
}

pub struct StatusRow {
    unit: String,
    district: String,
    assigned: i64,
    reported: i64,
    returned: i64,
    missing: usize,
    missing_list: String,
    rate: String,
}

#[derive(Template)]
#[template(path = "reporting.html")]
struct ReportingPage {
    plan: PlanSummary,
    periods: Vec<PeriodOption>,
    period: PeriodRow,
    window: &'static str,
    rows: Vec<StatusRow>,
    total_assigned: i64,
    total_reported: i64,
    units_missing: usize,
    office: bool,
    csrf: String,
    due_day: String,
    /// The quarter (`2021-Q2`) and half (`2021-H1`) a quarter's or half's last month closes.
    quarter_key: Option<String>,
    half_key: Option<String>,
    message: Option<String>,
    error: Option<String>,
}

fn status_rows(status: &[UnitReporting]) -> Vec<StatusRow> {
    let mut rows: Vec<StatusRow> = status
        .iter()
        .map(|u| StatusRow {
            unit: u.unit.clone(),
            district: u.district.clone().unwrap_or_default(),
            assigned: u.assigned,
            reported: u.reported,
            returned: u.returned,
            missing: u.missing.len(),
            missing_list: u.missing.join("；"),
            rate: if u.assigned == 0 {
                "—".into()
            } else {
                format!("{:.0}%", u.reported as f64 * 100.0 / u.assigned as f64)
            },
        })
        .collect();
    // Most missing first: who to chase.
    rows.sort_by(|a, b| b.missing.cmp(&a.missing).then_with(|| a.unit.cmp(&b.unit)));
    rows
}

/// `2021-06` → 6.
fn month_number(key: &str) -> Option<u32> {
    key.get(5..7)?.parse().ok()
}

async fn office_or_leader(caller: &Caller) -> Result<(), PageError> {
    if matches!(caller.principal.role, Role::Office | Role::Leader) {
        Ok(())
    } else {
        Err(PageError::new(
            StatusCode::FORBIDDEN,
            "只有协调办公室和领导可以查看各单位的填报情况".into(),
        ))
    }
}

pub async fn reporting(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    reporting_page(&s, &caller, plan, q.period.as_deref(), None, None).await
}

async fn reporting_page(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    key: Option<&str>,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    office_or_leader(caller).await?;
    let plan = s.store.plan(plan_id).await?;
    if plan.status != "published" {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "方案尚未发布，还没有填报期间".into(),
        ));
    }
    let (period, periods) = chosen_month(s, plan_id, key).await?;
    let status = s.store.reporting_status(period.id).await?;
    let rows = status_rows(&status);
    let due_day = Day::parse(&period.due_on)
        .map(|d| d.day.to_string())
        .unwrap_or_default();
    let code = if error.is_some() && message.is_none() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let month = month_number(&period.key);
    let year = period.key.get(..4).unwrap_or_default();
    let quarter_key = month
        .filter(|m| m % 3 == 0)
        .map(|m| format!("{year}-Q{}", m / 3));
    let half_key = month
        .filter(|m| m % 6 == 0)
        .map(|m| format!("{year}-H{}", m / 6));
    let page = ReportingPage {
        total_assigned: rows.iter().map(|r| r.assigned).sum(),
        total_reported: rows.iter().map(|r| r.reported).sum(),
        units_missing: rows.iter().filter(|r| r.missing > 0).count(),
        window: period.window(s.today()).label(),
        office: caller.principal.is_office(),
        csrf: caller.csrf_token.clone(),
        plan,
        periods,
        period,
        quarter_key,
        half_key,
        rows,
        due_day,
        error: error.clone(),
        message,
    };
    Ok((code, Html(render(page)?)).into_response())
}

/// The missing-reports list as xlsx, to send round or print.
pub async fn reporting_xlsx(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    office_or_leader(&caller).await?;
    let (period, _) = chosen_month(&s, plan, q.period.as_deref()).await?;
    let rows = status_rows(&s.store.reporting_status(period.id).await?);
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.unit.clone(),
                r.district.clone(),
                r.assigned.to_string(),
                r.reported.to_string(),
                r.returned.to_string(),
                r.missing.to_string(),
                r.missing_list.clone(),
            ]
        })
        .collect();
    let columns = [
        ("单位", 26.0),
        ("区", 10.0),
        ("任务数", 8.0),
        ("已报送", 8.0),
        ("被退回", 8.0),
        ("未报送", 8.0),
        ("未报送任务", 60.0),
    ];
    let demo = if s.demo { "【演示数据】" } else { "" };
    let title = format!("{demo}{}填报情况（截止日 {}）", period.label, period.due_on);
    let bytes = luoshi_export::table_xlsx(&title, &columns, &table)
        .map_err(|e| PageError::internal(format!("生成 xlsx 失败：{e}")))?;
    Ok(api::download(
        bytes,
        api::XLSX,
        &format!("{}-填报情况.xlsx", period.key),
    ))
}

#[derive(Debug, Deserialize)]
pub struct RemindForm {
    period: String,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

pub async fn remind(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
    Form(form): Form<RemindForm>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    let period = s.store.period_by_key(plan, &form.period).await?;
    let units: Vec<String> = form
        .unit
        .into_iter()
        .filter(|u| !u.trim().is_empty())
        .collect();
    match api::send_reminders(&s, &caller, period.id, &units, form.text.as_deref()).await {
        Ok(sent) if sent.units.is_empty() => {
            reporting_page(
                &s,
                &caller,
                plan,
                Some(&period.key),
                Some("所有单位均已报送，无需催报。".into()),
                None,
            )
            .await
        }
        Ok(sent) => {
            let mut message = format!(
                "已向 {} 个单位发出催报通知：{}",
                sent.units.len(),
                sent.units.join("、")
            );
            if sent.emailed > 0 {
                message.push_str(&format!("；另发送邮件 {} 封", sent.emailed));
            }
            let error = (!sent.email_failures.is_empty()).then(|| {
                format!(
                    "以下邮件未能发出（站内通知已送达）：{}",
                    sent.email_failures.join("；")
                )
            });
            reporting_page(&s, &caller, plan, Some(&period.key), Some(message), error).await
        }
        Err(e) if e.status.is_client_error() => {
            reporting_page(
                &s,
                &caller,
                plan,
                Some(&period.key),
                None,
                Some(e.body.error),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ReopenForm {
    period: String,
    #[serde(default)]
    until: String,
}

pub async fn reopen(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
    Form(form): Form<ReopenForm>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    let period = s.store.period_by_key(plan, &form.period).await?;
    let until = form.until.trim();
    let day = if until.is_empty() {
        None
    } else {
        match Day::parse(until) {
            Some(d) => Some(d),
            None => {
                return reporting_page(
                    &s,
                    &caller,
                    plan,
                    Some(&period.key),
                    None,
                    Some(format!("「{until}」不是日期（应为 2021-07-05）")),
                )
                .await;
            }
        }
    };
    match s.store.reopen_period(period.id, day, &caller.actor()).await {
        Ok(p) => {
            let message = match &p.reopened_until {
                Some(u) => format!("{}已重新开放补报，至 {u}。", p.label),
                None => format!("{}已关闭补报。", p.label),
            };
            reporting_page(&s, &caller, plan, Some(&period.key), Some(message), None).await
        }
        Err(StoreError::Invalid { message, .. }) => {
            reporting_page(&s, &caller, plan, Some(&period.key), None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct DueDayForm {
    period: String,
    due_day: String,
}

pub async fn set_due_day(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
    Form(form): Form<DueDayForm>,
) -> Result<Response, PageError> {
    caller.require_office()?;
    let Some(day) = form.due_day.trim().parse::<u32>().ok() else {
        return reporting_page(
            &s,
            &caller,
            plan,
            Some(&form.period),
            None,
            Some(format!("截止日「{}」不是数字", form.due_day.trim())),
        )
        .await;
    };
    match s.store.set_due_day(plan, day, &caller.actor()).await {
        Ok(()) => {
            reporting_page(
                &s,
                &caller,
                plan,
                Some(&form.period),
                Some(format!("每月填报截止日已改为 {day} 日。")),
                None,
            )
            .await
        }
        Err(StoreError::Invalid { message, .. }) => {
            reporting_page(&s, &caller, plan, Some(&form.period), None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct BulletinQuery {
    #[serde(default)]
    format: Option<String>,
}

/// A document of the cadence — the monthly bulletin (`2021-06`), the quarterly summary
/// (`2021-Q2`), the half-year review (`2021-H1`), the assessment (`2021`) — as a printable page,
/// .docx or .xlsx. Once issued (印发), every download is the issued copy and the page lists what
/// the ledger now says differently; before, it is computed live and marked 未印发. Circulated to
/// every unit, so every signed-in user may read it (the assessment: see `ScoreScope`).
pub async fn bulletin(
    State(s): State<AppState>,
    caller: Caller,
    Path((plan_id, key)): Path<(i64, String)>,
    Query(q): Query<BulletinQuery>,
) -> Result<Response, PageError> {
    use luoshi_cadence::{Cadence, Format};
    use luoshi_server::issuing;
    let format = match q.format.as_deref() {
        None | Some("") => Format::Html,
        Some(f) => Format::parse(f).ok_or_else(|| {
            PageError::new(
                StatusCode::BAD_REQUEST,
                format!("format「{f}」无效：应为 docx、xlsx 或 html"),
            )
        })?,
    };
    let cadence = issuing::cadence_of(&s, plan_id, &key).await?;
    let scope = caller.principal.score_scope();
    if cadence == Cadence::Annual && scope == luoshi_reporting::ScoreScope::Nothing {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "年度考核结果只对协调办公室、领导和被考核单位本身开放".into(),
        ));
    }
    let (_, live) = issuing::live_document(&s, plan_id, &key, &scope).await?;
    let whole = if scope == luoshi_reporting::ScoreScope::All {
        live.clone()
    } else {
        issuing::live_document(&s, plan_id, &key, &luoshi_reporting::ScoreScope::All)
            .await?
            .1
    };
    let mut standing = issuing::standing(&s, plan_id, &key, &whole).await?;
    let issued = issuing::reads_issued(cadence, &scope);
    if !issued {
        // Only the lines of the score sheets this reader may see.
        let mine = |line: &String| line.split('｜').any(|cell| scope.covers(cell));
        standing.changed.0.retain(mine);
        standing.changed.1.retain(mine);
    }
    let stored = standing.latest().filter(|_| issued).cloned();
    if format == Format::Html {
        let base = format!("/plans/{plan_id}/bulletins/{key}");
        let back = match cadence {
            Cadence::Monthly(_) => format!("/plans/{plan_id}/reporting?period={key}"),
            _ => format!("/plans/{plan_id}/reporting"),
        };
        let mut links = vec![
            ("返回填报情况", back),
            ("下载 Word（公文版式）", format!("{base}?format=docx")),
            ("下载 Excel", format!("{base}?format=xlsx")),
        ];
        if caller.principal.is_office() {
            links.push(("印发记录", format!("/plans/{plan_id}/issues")));
        }
        let notices = standing.notices(cadence);
        let page = match &stored {
            Some(issue) => {
                let html = issuing::issued_bytes(&s, issue, Format::Html).await?;
                // The issued page as stored, with this visit's links and notices above it.
                luoshi_cadence::html::with_chrome(&String::from_utf8_lossy(&html), &links, &notices)
            }
            None => luoshi_cadence::html::render_page(&live, &links, &notices),
        };
        return Ok(Html(page).into_response());
    }
    let bytes = match &stored {
        Some(issue) => issuing::issued_bytes(&s, issue, format).await?,
        None => {
            luoshi_cadence::render(&live, format).map_err(|e| PageError::internal(e.to_string()))?
        }
    };
    let label = live.subtitle.trim_matches(['（', '）']).to_string();
    let number = stored
        .map(|i| format!("（第{}期）", i.number))
        .unwrap_or_default();
    Ok(api::download(
        bytes,
        format.content_type(),
        &format!("{label}{}{number}.{}", cadence.name(), format.extension()),
    ))
}

/// Puts a 演示数据 banner at the top of every page of a demonstration ledger.
pub async fn demo_banner(State(s): State<AppState>, response: Response) -> Response {
    let is_html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !s.demo || !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "页面过大").into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let banner = "<body>\n<div class=\"demo-banner\" role=\"note\">演示数据 · 本台账为模拟的一年报送，仅供演示</div>";
    let marked = html.replacen("<body>", banner, 1);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(marked))
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    plan: PlanSummary,
    periods: Vec<PeriodOption>,
    period: PeriodRow,
    /// (label, count, colour class)
    cards: Vec<(&'static str, usize, &'static str)>,
    due: usize,
    reported: usize,
    mean: String,
    trend: String,
    warnings: Vec<String>,
    /// Targets due this month with no figure: no forecast can be made for them.
    unreported: usize,
    /// Targets due this month.
    targets_due: usize,
    /// Tasks without a numeric target by status: `(label, how many, colour)`.
    plain: Vec<(&'static str, usize, &'static str)>,
    ranking: Vec<(String, u32, String, String, String, String)>,
    indicators: Vec<crate::indicators::IndicatorView>,
}

/// The leader dashboard: counts by status, the trend month by month, year-end warnings, district
/// ranking and the headline goals, on one printable page.
pub async fn dashboard(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan_id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    use luoshi_evaluation::Status;
    use luoshi_evaluation::forecast::thousands;
    office_or_leader(&caller).await?;
    let plan = s.store.plan(plan_id).await?;
    if plan.status != "published" {
        return Err(PageError::new(StatusCode::NOT_FOUND, "方案尚未发布".into()));
    }
    let (period, periods) = chosen_month(&s, plan_id, q.period.as_deref()).await?;
    let month = month_number(&period.key).unwrap_or(1);
    let snapshot = s
        .store
        .snapshot_with(plan_id, luoshi_store::Texts::None, month)
        .await?;
    let (rules, _) = luoshi_cadence::rules_of(&s.store.plan_rules(plan_id).await?);
    // One index of the ledger for the months' trend and the indicators' courses.
    let ledger = luoshi_cadence::Ledger::through(&snapshot, month);
    let months = ledger.bulletins_through(month, &rules);
    let Some(now) = months.last() else {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "该方案没有填报期间".into(),
        ));
    };
    let counts = now.counts();
    let count = |st: Status| counts.iter().find(|(c, _)| *c == st).map_or(0, |(_, n)| *n);
    let cards = Status::ALL
        .iter()
        .map(|st| (st.label(), count(*st), st.colour()))
        .collect();
    let series = |pick: &dyn Fn(Status) -> bool| -> Vec<i64> {
        months
            .iter()
            .map(|b| {
                b.counts()
                    .iter()
                    .filter(|(st, _)| pick(*st))
                    .map(|(_, n)| *n as i64)
                    .sum()
            })
            .collect()
    };
    let labels: Vec<String> = (1..=months.len()).map(|m| format!("{m}月")).collect();
    let trend = crate::chart::trend(
        "指标状态走势（项）",
        &labels,
        &[
            (
                "完成及符合序时",
                "#1a7f37",
                series(&|st| matches!(st, Status::Completed | Status::OnPace)),
            ),
            (
                "滞后及未启动",
                "#e0a800",
                series(&|st| matches!(st, Status::Lagging | Status::NotStarted)),
            ),
            (
                "严重滞后及未报送",
                "#b00020",
                series(&|st| matches!(st, Status::SeriouslyLagging | Status::NotReported)),
            ),
        ],
    );
    let measured: Vec<f64> = now
        .targets
        .iter()
        .filter(|t| !t.aspirational)
        .filter_map(|t| t.evaluation.progress)
        .map(|p| p.clamp(0.0, 1.0))
        .collect();
    let mean = if measured.is_empty() {
        "—".to_string()
    } else {
        format!(
            "{:.1}%",
            measured.iter().sum::<f64>() * 100.0 / measured.len() as f64
        )
    };
    let warnings = now
        .targets
        .iter()
        .filter_map(|t| {
            t.warning
                .as_ref()
                .map(|w| format!("{} {}（{}）：{w}", t.path, t.target, t.lead))
        })
        .take(15)
        .collect();
    let ranking = luoshi_cadence::halfyear::ranking(&snapshot, &months)
        .into_iter()
        .filter(|sc| sc.group.as_deref() != Some(luoshi_cadence::halfyear::UNIT_GROUP))
        .map(|sc| {
            (
                sc.group.clone().unwrap_or_default(),
                sc.rank,
                sc.name.clone(),
                thousands(sc.total),
                thousands(sc.completion),
                thousands(sc.discipline),
            )
        })
        .collect();
    let rows = s.store.indicators(plan_id).await?;
    let indicators = crate::indicators::views(ledger.indicator_lines(&rows, month, &rules), &rows);
    let unreported = now.targets.iter().filter(|t| t.actual.is_none()).count();
    let plain = Status::ALL
        .iter()
        .map(|st| {
            let n = now.tasks.iter().filter(|t| t.status == *st).count();
            (st.label(), n, st.colour())
        })
        .filter(|(_, n, _)| *n > 0)
        .collect();
    let page = DashboardPage {
        plain,
        unreported,
        targets_due: now.targets.len(),
        due: now.reports_due,
        reported: now.reports_in,
        plan,
        periods,
        period,
        cards,
        mean,
        trend,
        warnings,
        ranking,
        indicators,
    };
    Ok(Html(render(page)?).into_response())
}

//! The monthly report: its form (save, submit, copy last month forward, attachments, the lead's
//! word on a task without a number) and its review, and the lead unit's side-by-side view of a
//! task; with what the other reporting pages (`my`, `reporting_status`, `cadence`) share. Access
//! is checked on every request with the rules of `luoshi-reporting`.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_reporting::report::{IMPLAUSIBLE_RATIO, NO_PROGRESS, ReportAction};
use luoshi_reporting::{ReportStatus, Role};
use luoshi_server::AppState;
use luoshi_server::auth::Caller;
use luoshi_server::redirect::see_other;
use luoshi_server::reporting as api;
use luoshi_store::*;
use serde::Deserialize;

use crate::pages::{PageError, number};

pub(crate) fn render(t: impl Template) -> Result<String, PageError> {
    t.render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

/// The newest published plan: reporting happens on published plans only.
pub(crate) async fn current_plan(s: &AppState) -> Result<PlanSummary, PageError> {
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
    pub(crate) key: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

/// The month named by `?period=2021-06`, else the current month.
pub(crate) async fn chosen_month(
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

pub(crate) fn status_class(status: Option<ReportStatus>) -> &'static str {
    match status {
        None | Some(ReportStatus::Draft) => "status-draft",
        Some(ReportStatus::Submitted) => "status-submitted",
        Some(ReportStatus::Accepted) => "status-accepted",
        Some(ReportStatus::Returned) => "status-returned",
    }
}

pub(crate) fn role_label(role: &str) -> &'static str {
    if role == "lead" {
        "牵头（汇总报告）"
    } else {
        "责任"
    }
}

pub struct TargetForm {
    pub(crate) target_id: i64,
    pub(crate) text: String,
    pub(crate) unit: String,
    pub(crate) expected: String,
    pub(crate) previous: String,
    pub(crate) value: String,
    pub(crate) note: String,
    /// The value typed is a hundred times the target or more: the form asks to confirm it.
    pub(crate) implausible: bool,
    pub(crate) confirmed: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    nav: crate::nav::Nav,
    pub(crate) view: ReportView,
    pub(crate) period: PeriodRow,
    pub(crate) window: &'static str,
    pub(crate) role: &'static str,
    pub(crate) status: &'static str,
    pub(crate) class: &'static str,
    pub(crate) editable: bool,
    pub(crate) reviewable: bool,
    pub(crate) csrf: String,
    pub(crate) targets: Vec<TargetForm>,
    pub(crate) progress: String,
    /// 本月无进展 ticked (its reason is in `progress`).
    pub(crate) no_progress: bool,
    pub(crate) problems: String,
    pub(crate) next_steps: String,
    pub(crate) coordination: String,
    /// For the lead of a task without a numeric target: its word on the month and why.
    pub(crate) task_status: String,
    pub(crate) status_reason: String,
    /// The task's milestones (节点), for a lead asked for its word.
    pub(crate) task_milestones: Vec<(u32, String)>,
    pub(crate) version: i64,
    pub(crate) error: Option<String>,
    pub(crate) error_field: String,
    /// After a refused save: what the other person saved.
    pub(crate) latest: Option<ReportView>,
    pub(crate) can_copy: bool,
}

/// What the form shows: the stored report, or what the user just typed.
struct Typed {
    pub(crate) values: Vec<(i64, String, String)>,
    pub(crate) progress: String,
    pub(crate) problems: String,
    pub(crate) next_steps: String,
    pub(crate) coordination: String,
    pub(crate) task_status: String,
    pub(crate) status_reason: String,
    pub(crate) version: i64,
    /// Targets whose value the reporter confirmed (数值无误).
    pub(crate) confirmed: Vec<i64>,
    /// 本月无进展 is ticked; `progress` then holds its reason.
    pub(crate) no_progress: bool,
}

/// A stored progress text as the form shows it: 本月无进展 as the tick box, its reason as the text.
fn split_no_progress(progress: String) -> (bool, String) {
    match progress.strip_prefix(NO_PROGRESS) {
        Some(rest) => (
            true,
            rest.trim_start_matches(['：', ':']).trim().to_string(),
        ),
        None => (false, progress),
    }
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
            progress: split_no_progress(texts.0.clone()).1,
            no_progress: split_no_progress(texts.0).0,
            confirmed: Vec::new(),
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
            let implausible = value
                .trim()
                .replace([',', '，'], "")
                .parse::<f64>()
                .is_ok_and(|v| t.expected > 0.0 && v >= t.expected * IMPLAUSIBLE_RATIO);
            TargetForm {
                target_id: t.target_id,
                text: t.text.clone(),
                unit: t.unit.clone(),
                expected: number(t.expected),
                previous: t.previous.map(number).unwrap_or_else(|| "—".into()),
                value,
                note,
                implausible,
                confirmed: typed.confirmed.contains(&t.target_id),
            }
        })
        .collect();
    let (error, error_field) = error.map_or((None, String::new()), |(f, m)| (Some(m), f));
    render(ReportPage {
        nav: crate::nav::Nav::build(s, caller, Some(period.plan_id), crate::nav::Here::My).await?,
        window: window.label(),
        role: role_label(&view.role),
        status: view.status_label(),
        class: status_class(view.status),
        editable,
        reviewable,
        csrf: caller.csrf_token.clone(),
        targets,
        progress: typed.progress,
        no_progress: typed.no_progress,
        problems: typed.problems,
        next_steps: typed.next_steps,
        coordination: typed.coordination,
        task_milestones: if view.asks_status {
            s.store.task_milestones(view.task_id).await?
        } else {
            Vec::new()
        },
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
    pub(crate) copy: Option<String>,
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
        confirmed: Vec::new(),
        no_progress: !get("no_progress").is_empty(),
    };
    let mut values = Vec::new();
    let mut error = None;
    for t in &view.targets {
        let raw = get(&format!("value_{}", t.target_id));
        let note = get(&format!("note_{}", t.target_id));
        let confirmed = !get(&format!("confirm_{}", t.target_id)).is_empty();
        if confirmed {
            typed.confirmed.push(t.target_id);
        }
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
                confirmed,
            }),
            _ => {
                error.get_or_insert((
                    format!("value_{}", t.target_id),
                    format!("「{}」的本期累计「{}」不是数字", t.text, raw.trim()),
                ));
            }
        }
    }
    let progress = if typed.no_progress {
        format!("{NO_PROGRESS}：{}", typed.progress.trim())
    } else {
        typed.progress.trim().to_string()
    };
    let input = ReportInput {
        progress,
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
        .save_report_as(
            &caller.principal,
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
    pub(crate) version: i64,
    pub(crate) decision: String,
    #[serde(default)]
    pub(crate) comment: String,
    #[serde(default)]
    pub(crate) back: Option<String>,
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
    pub(crate) view: ReportView,
    pub(crate) role: &'static str,
    pub(crate) status: &'static str,
    pub(crate) class: &'static str,
    pub(crate) reviewable: bool,
    pub(crate) values: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "task_reports.html")]
struct TaskReportsPage {
    nav: crate::nav::Nav,
    pub(crate) period: PeriodRow,
    pub(crate) path: String,
    pub(crate) title: String,
    pub(crate) reports: Vec<SideReport>,
    pub(crate) hidden: usize,
    pub(crate) csrf: String,
    pub(crate) back: String,
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
        nav: crate::nav::Nav::build(
            &s,
            &caller,
            Some(period_row.plan_id),
            crate::nav::Here::Reviews,
        )
        .await?,
        path: detail.row.path,
        title: detail.row.title,
        hidden: total - reports.len(),
        reports,
        csrf: caller.csrf_token.clone(),
        back: format!("/reports/{period}/tasks/{task}"),
        period: period_row,
    })?))
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    pub(crate) period: Option<String>,
}

/// `2021-06` → 6.
pub(crate) fn month_number(key: &str) -> Option<u32> {
    key.get(5..7)?.parse().ok()
}

pub(crate) async fn office_or_leader(caller: &Caller) -> Result<(), PageError> {
    if matches!(caller.principal.role, Role::Office | Role::Leader) {
        Ok(())
    } else {
        Err(PageError::new(
            StatusCode::FORBIDDEN,
            "只有协调办公室和领导可以查看各单位的填报情况".into(),
        ))
    }
}

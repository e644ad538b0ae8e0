//! The reporting API: the calendar, reports (save, submit, review), the lead unit's side-by-side
//! view, who has not reported (催报) and reminders, bulk upload and attachments.
//! Every handler asks the access rules of `luoshi-reporting` before it reads or writes.

use axum::Json;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use luoshi_export::report_sheet::{MAX_UPLOAD_BYTES, read_report_sheet, write_report_sheet};
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, Principal, Role, Window};
use luoshi_store::*;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Caller, Office};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::{JsonBody, QueryParams};
use crate::handlers::visible_plan;
use crate::upload;

/// Largest attachment, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/me", get(me))
        .route("/api/notices", get(notices))
        .route("/api/plans/{id}/periods", get(list_periods))
        .route("/api/plans/{id}/calendar", put(set_calendar))
        .route("/api/periods/{id}/reopen", post(reopen))
        .route("/api/periods/{id}/my-reports", get(my_reports))
        .route("/api/periods/{id}/reporting-status", get(reporting_status))
        .route("/api/periods/{id}/reminders", post(remind))
        .route("/api/periods/{id}/template.xlsx", get(template))
        .route("/api/periods/{id}/upload", post(upload_sheet))
        .route("/api/periods/{id}/tasks/{task}/reports", get(task_reports))
        .route(
            "/api/periods/{id}/assignments/{assignment}/report",
            get(get_report).put(save_report),
        )
        .route(
            "/api/periods/{id}/assignments/{assignment}/review",
            post(review_report),
        )
        .route(
            "/api/periods/{id}/assignments/{assignment}/attachments",
            post(add_attachment),
        )
        .route("/api/attachments/{id}", get(get_attachment))
        .route("/api/plans/{id}/rules", get(get_rules).put(set_rules))
        .route(
            "/api/targets/{id}/milestones",
            get(get_milestones).put(set_milestones),
        )
        .route("/api/indicators/{id}/source", put(set_indicator_source))
        .route("/api/indicators/{id}/values", put(set_indicator_value))
        .route(
            "/api/plans/{id}/assessment-items",
            get(list_assessment_items).post(add_assessment_item),
        )
        .route(
            "/api/plans/{id}/assessment-items/{item}",
            axum::routing::delete(delete_assessment_item),
        )
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user: Principal,
    pub must_change_password: bool,
    /// Send back in `X-CSRF-Token` on writes made with the session cookie.
    pub csrf_token: String,
}

#[utoipa::path(get, path = "/api/me", tag = "账号", responses((status = 200, body = Me), (status = 401, body = crate::ErrorBody)))]
pub async fn me(caller: Caller) -> ApiResult<Me> {
    Ok(Json(Me {
        must_change_password: caller.must_change_password,
        csrf_token: caller.csrf_token.clone(),
        user: caller.principal,
    }))
}

#[utoipa::path(get, path = "/api/notices", tag = "填报", responses((status = 200, body = Vec<Notice>)))]
pub async fn notices(State(s): State<AppState>, caller: Caller) -> ApiResult<Vec<Notice>> {
    match caller.principal.unit_id {
        Some(unit) => Ok(Json(s.store.notices(unit).await?)),
        None => Ok(Json(Vec::new())),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodInfo {
    #[serde(flatten)]
    pub period: PeriodRow,
    /// Where the period stands today: `upcoming`, `open`, `closed`, `reopened`.
    pub window: Window,
}

#[utoipa::path(get, path = "/api/plans/{id}/periods", tag = "填报", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PeriodInfo>)))]
pub async fn list_periods(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<PeriodInfo>> {
    visible_plan(&s, &caller, id).await?;
    let today = s.today();
    Ok(Json(
        s.store
            .periods(id)
            .await?
            .into_iter()
            .map(|period| PeriodInfo {
                window: period.window(today),
                period,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CalendarRequest {
    /// The day of the month reports are due: 1–28, or 31 for the month's last day (月末); 29
    /// and 30 are refused (February has neither).
    pub due_day: u32,
}

#[utoipa::path(put, path = "/api/plans/{id}/calendar", tag = "填报", params(("id" = i64, Path)), request_body = CalendarRequest,
    responses((status = 200, body = Vec<PeriodRow>), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set_calendar(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<CalendarRequest>,
) -> ApiResult<Vec<PeriodRow>> {
    s.store
        .set_due_day(id, req.due_day, &caller.actor())
        .await?;
    Ok(Json(s.store.periods(id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReopenRequest {
    /// Late entry allowed through this day (`2021-07-05`); null closes the period again.
    pub until: Option<String>,
}

#[utoipa::path(post, path = "/api/periods/{id}/reopen", tag = "填报", params(("id" = i64, Path)), request_body = ReopenRequest,
    responses((status = 200, body = PeriodRow), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn reopen(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ReopenRequest>,
) -> ApiResult<PeriodRow> {
    let until = match req
        .until
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        None => None,
        Some(text) => Some(Day::parse(text).ok_or_else(|| {
            ApiError::from(StoreError::invalid(
                "until",
                format!("「{text}」不是日期（应为 2021-07-05）"),
            ))
        })?),
    };
    Ok(Json(
        s.store.reopen_period(id, until, &caller.actor()).await?,
    ))
}

/// The caller's unit, for routes only reporters use.
fn reporter_unit(caller: &Caller) -> Result<i64, ApiError> {
    match (caller.principal.role, caller.principal.unit_id) {
        (Role::Leader, _) | (_, None) => Err(ApiError::forbidden(
            "只有绑定单位的填报账号有本单位的填报清单",
        )),
        (_, Some(unit)) => Ok(unit),
    }
}

#[utoipa::path(get, path = "/api/periods/{id}/my-reports", tag = "填报", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ReportView>), (status = 403, body = crate::ErrorBody)))]
pub async fn my_reports(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<ReportView>> {
    let unit = reporter_unit(&caller)?;
    let views = s.store.unit_reports(id, unit).await?;
    Ok(Json(
        views
            .into_iter()
            .filter(|v| {
                caller.principal.can_edit_report(&v.scope())
                    || caller.principal.can_view_report(&v.scope(), visibility(v))
            })
            .collect(),
    ))
}

fn visibility(view: &ReportView) -> luoshi_reporting::access::ReportStatusRef {
    view.status
        .map_or(luoshi_reporting::access::ReportStatusRef::Draft, |s| {
            s.visibility()
        })
}

/// A report the caller may see, or 403 (404 when the period or assignment does not exist).
pub async fn viewable_report(
    s: &AppState,
    caller: &Caller,
    period: i64,
    assignment: i64,
) -> Result<ReportView, ApiError> {
    let view = s.store.report(period, assignment).await?;
    if caller
        .principal
        .can_view_report(&view.scope(), visibility(&view))
    {
        Ok(view)
    } else {
        Err(ApiError::forbidden("无权查看这份报告"))
    }
}

#[utoipa::path(get, path = "/api/periods/{id}/assignments/{assignment}/report", tag = "填报",
    params(("id" = i64, Path), ("assignment" = i64, Path)),
    responses((status = 200, body = ReportView), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn get_report(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, assignment)): Path<(i64, i64)>,
) -> ApiResult<ReportView> {
    Ok(Json(
        viewable_report(&s, &caller, period, assignment).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SaveRequest {
    #[serde(flatten)]
    pub input: ReportInput,
    /// Submit (报送) instead of saving a draft.
    #[serde(default)]
    pub submit: bool,
}

#[utoipa::path(put, path = "/api/periods/{id}/assignments/{assignment}/report", tag = "填报",
    params(("id" = i64, Path), ("assignment" = i64, Path)), request_body = SaveRequest,
    responses((status = 200, body = ReportView), (status = 403, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn save_report(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, assignment)): Path<(i64, i64)>,
    JsonBody(req): JsonBody<SaveRequest>,
) -> ApiResult<ReportView> {
    let action = if req.submit {
        ReportAction::Submit
    } else {
        ReportAction::Save
    };
    // Whether the caller may edit it is checked by the commit, on the form it reads (403).
    Ok(Json(
        s.store
            .save_report_as(
                &caller.principal,
                period,
                assignment,
                &req.input,
                action,
                s.today(),
                &caller.actor(),
            )
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    /// The version as loaded.
    pub version: i64,
    /// Accept (true) or return (false).
    pub accept: bool,
    /// Required when returning.
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/periods/{id}/assignments/{assignment}/review", tag = "填报",
    params(("id" = i64, Path), ("assignment" = i64, Path)), request_body = ReviewRequest,
    responses((status = 200, body = ReportView), (status = 403, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn review_report(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, assignment)): Path<(i64, i64)>,
    JsonBody(req): JsonBody<ReviewRequest>,
) -> ApiResult<ReportView> {
    let view = s.store.report(period, assignment).await?;
    if !caller.principal.can_review_report(&view.scope()) {
        return Err(ApiError::forbidden(
            "无权审核这份报告：只有该任务的牵头单位或协调办公室可以审核",
        ));
    }
    Ok(Json(
        s.store
            .review_report(
                period,
                assignment,
                req.version,
                req.accept,
                &req.comment,
                &caller.actor(),
            )
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/periods/{id}/tasks/{task}/reports", tag = "填报",
    params(("id" = i64, Path), ("task" = i64, Path)),
    responses((status = 200, body = Vec<ReportView>)))]
pub async fn task_reports(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, task)): Path<(i64, i64)>,
) -> ApiResult<Vec<ReportView>> {
    let views = s.store.task_reports(period, task).await?;
    Ok(Json(
        views
            .into_iter()
            .filter(|v| caller.principal.can_view_report(&v.scope(), visibility(v)))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/periods/{id}/reporting-status", tag = "催报", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<UnitReporting>), (status = 403, body = crate::ErrorBody)))]
pub async fn reporting_status(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<UnitReporting>> {
    if !matches!(caller.principal.role, Role::Office | Role::Leader) {
        return Err(ApiError::forbidden(
            "只有协调办公室和领导可以查看各单位的填报情况",
        ));
    }
    Ok(Json(s.store.reporting_status(id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReminderRequest {
    /// Units to remind (names); empty or absent: every unit with a missing report.
    #[serde(default)]
    pub units: Vec<String>,
    /// The notice; absent: a standard reminder naming the period and due day.
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RemindersSent {
    /// Units that got an in-app notice.
    pub units: Vec<String>,
    /// Emails sent (when SMTP is configured and users have addresses).
    pub emailed: usize,
    /// Emails that could not be sent, with the reason; the in-app notices stand regardless.
    pub email_failures: Vec<String>,
}

#[utoipa::path(post, path = "/api/periods/{id}/reminders", tag = "催报", params(("id" = i64, Path)), request_body = ReminderRequest,
    responses((status = 200, body = RemindersSent), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn remind(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ReminderRequest>,
) -> ApiResult<RemindersSent> {
    Ok(Json(
        send_reminders(&s, &caller, id, &req.units, req.text.as_deref()).await?,
    ))
}

/// Sends 催报 notices, and emails when a mailer is configured; shared by the API and the page.
pub async fn send_reminders(
    s: &AppState,
    caller: &Caller,
    period_id: i64,
    units: &[String],
    text: Option<&str>,
) -> Result<RemindersSent, ApiError> {
    let period = s.store.period(period_id).await?;
    let status = s.store.reporting_status(period_id).await?;
    let chosen: Vec<&UnitReporting> = if units.is_empty() {
        status.iter().filter(|u| !u.missing.is_empty()).collect()
    } else {
        let mut chosen = Vec::new();
        for (i, name) in units.iter().enumerate() {
            let unit = status
                .iter()
                .find(|u| &u.unit == name || u.district.as_ref() == Some(name))
                .ok_or_else(|| {
                    ApiError::from(StoreError::invalid(
                        format!("units[{i}]"),
                        format!("「{name}」在本方案中没有任务"),
                    ))
                })?;
            chosen.push(unit);
        }
        chosen
    };
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("请于 {} 前报送{}的工作进展。", period.due_on, period.label));
    let ids: Vec<i64> = chosen.iter().map(|u| u.unit_id).collect();
    s.store
        .send_notices(Some(period_id), &ids, &text, &caller.actor())
        .await?;
    // The plan's channels carry it too (robots, webhooks, SMS), from the outbox.
    let plan = s.store.plan(period.plan_id).await?;
    for unit in &chosen {
        let message = crate::notify::format::Message {
            event: "notice".into(),
            plan_id: plan.id,
            plan: plan
                .plan_title
                .clone()
                .or(plan.title.clone())
                .unwrap_or_default(),
            unit: unit.unit.clone(),
            title: format!("【催报】{}工作进展", period.label),
            text: text.clone(),
            link: "/my".into(),
        };
        s.store
            .enqueue_messages(plan.id, &[unit.unit_id], &serde_json::json!(message))
            .await?;
    }
    let mut emailed = 0;
    let mut email_failures = Vec::new();
    if let Some(mailer) = &s.mailer {
        let subject = format!("【催报】{}工作进展", period.label);
        for (unit_id, address, name) in s.store.unit_emails(&ids).await? {
            let missing = chosen
                .iter()
                .find(|u| u.unit_id == unit_id)
                .map(|u| u.missing.join("\n  "))
                .unwrap_or_default();
            let body = format!(
                "{name}：\n\n{text}\n\n尚未报送的任务：\n  {missing}\n\n——{}",
                caller.principal.display_name
            );
            match mailer.send(&address, &name, &subject, &body).await {
                Ok(()) => emailed += 1,
                Err(e) => email_failures.push(e),
            }
        }
    }
    Ok(RemindersSent {
        units: chosen.iter().map(|u| u.unit.clone()).collect(),
        emailed,
        email_failures,
    })
}

/// The caller's unit's reports for the sheet, with the unit's name.
async fn own_views(
    s: &AppState,
    caller: &Caller,
    period: i64,
) -> Result<(Vec<ReportView>, String), ApiError> {
    let unit = reporter_unit(caller)?;
    let views: Vec<ReportView> = s
        .store
        .unit_reports(period, unit)
        .await?
        .into_iter()
        .filter(|v| caller.principal.can_edit_report(&v.scope()))
        .collect();
    Ok((views, caller.principal.unit.clone().unwrap_or_default()))
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The caller's sheet for a period, as xlsx bytes and a file name.
pub async fn template_bytes(
    s: &AppState,
    caller: &Caller,
    period_id: i64,
) -> Result<(Vec<u8>, String), ApiError> {
    let period = s.store.period(period_id).await?;
    let (views, unit) = own_views(s, caller, period_id).await?;
    let mut info = upload::sheet_info(&period, &unit);
    if s.demo {
        info.period_label = format!("【演示数据】{}", info.period_label);
    }
    let bytes = write_report_sheet(&info, &upload::sheet_lines(&views))
        .map_err(|e| ApiError::internal(format!("生成填报表失败：{e}")))?;
    Ok((bytes, format!("{unit}-{}-填报表.xlsx", period.key)))
}

pub fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::auth::urlencode(filename)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(get, path = "/api/periods/{id}/template.xlsx", tag = "填报", params(("id" = i64, Path)),
    responses((status = 200, description = "本单位本期的填报表（xlsx）"), (status = 403, body = crate::ErrorBody)))]
pub async fn template(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (bytes, name) = template_bytes(&s, &caller, id).await?;
    Ok(download(bytes, XLSX, &name))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// Submit the reports (true) or keep them as drafts (false, the default).
    pub submit: Option<bool>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadResult {
    /// Reports saved (all rows of the file, in one transaction).
    pub reports: usize,
}

/// Saves a filled-in sheet; shared by the API and the web page.
pub async fn apply_upload(
    s: &AppState,
    caller: &Caller,
    period_id: i64,
    bytes: &[u8],
    submit: bool,
) -> Result<usize, ApiError> {
    let period = s.store.period(period_id).await?;
    let (views, _) = own_views(s, caller, period_id).await?;
    let sheet_error = |e: luoshi_export::report_sheet::SheetError| {
        ApiError::from(StoreError::invalid("file", e.to_string()))
    };
    let (info, lines) = read_report_sheet(bytes).map_err(sheet_error)?;
    let entries = upload::entries(&period, &info, &lines, &views).map_err(sheet_error)?;
    if entries.is_empty() {
        return Err(StoreError::invalid(
            "file",
            "文件中没有可保存的内容（本期累计和文字都是空的，或都已报送）",
        )
        .into());
    }
    let action = if submit {
        ReportAction::Submit
    } else {
        ReportAction::Save
    };
    Ok(s.store
        .save_reports(period_id, &entries, action, s.today(), &caller.actor())
        .await?)
}

/// Reads a request body up to `limit` bytes, with a clear 413 beyond it.
pub async fn read_limited(body: Body, limit: usize, what: &str) -> Result<Vec<u8>, ApiError> {
    to_bytes(body, limit)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            body: crate::ErrorBody {
                error: format!("{what}过大，上限 {} MB", limit / 1_048_576),
                field: Some("file".into()),
            },
        })
}

#[utoipa::path(post, path = "/api/periods/{id}/upload", tag = "填报", params(("id" = i64, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "填好的填报表"),
    responses((status = 200, body = UploadResult), (status = 413, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn upload_sheet(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    QueryParams(q): QueryParams<UploadQuery>,
    body: Body,
) -> ApiResult<UploadResult> {
    let bytes = read_limited(body, MAX_UPLOAD_BYTES, "文件").await?;
    let reports = apply_upload(&s, &caller, id, &bytes, q.submit.unwrap_or(false)).await?;
    Ok(Json(UploadResult { reports }))
}

/// What an attachment may be, told by its first bytes (never by the name or the browser's word).
pub fn sniff(bytes: &[u8], filename: &str) -> Option<&'static str> {
    let lower = filename.to_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    match (bytes, ext) {
        ([0x25, 0x50, 0x44, 0x46, b'-', ..], "pdf") => Some("application/pdf"),
        ([0x89, b'P', b'N', b'G', ..], "png") => Some("image/png"),
        ([0xFF, 0xD8, 0xFF, ..], "jpg" | "jpeg") => Some("image/jpeg"),
        ([b'P', b'K', 3, 4, ..], "docx") => {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        ([b'P', b'K', 3, 4, ..], "xlsx") => Some(XLSX),
        _ => None,
    }
}

/// A file name safe to store and send back: no directories, no control characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "附件".into()
    } else {
        cleaned
    }
}

/// Checks and stores an attachment on the caller's own saved report; shared with the web page.
pub async fn attach(
    s: &AppState,
    caller: &Caller,
    period: i64,
    assignment: i64,
    filename: &str,
    bytes: &[u8],
) -> Result<i64, ApiError> {
    let view = s.store.report(period, assignment).await?;
    if !caller.principal.can_edit_report(&view.scope()) {
        return Err(ApiError::forbidden("无权为这份报告上传附件"));
    }
    let Some(report_id) = view.id else {
        return Err(StoreError::Conflict("请先保存报告，再上传附件".into()).into());
    };
    if bytes.is_empty() {
        return Err(StoreError::invalid("file", "附件是空的").into());
    }
    let name = clean_filename(filename);
    let content_type = sniff(bytes, &name).ok_or_else(|| {
        ApiError::from(StoreError::invalid("file", format!("「{name}」不是允许的附件类型（PDF、Word .docx、Excel .xlsx、PNG、JPEG），或扩展名与内容不符")))
    })?;
    Ok(s.store
        .add_attachment(
            report_id,
            &name,
            content_type,
            bytes,
            s.today(),
            &caller.actor(),
        )
        .await?)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    pub filename: String,
}

#[utoipa::path(post, path = "/api/periods/{id}/assignments/{assignment}/attachments", tag = "填报",
    params(("id" = i64, Path), ("assignment" = i64, Path), AttachmentQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = crate::handlers::Created), (status = 413, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn add_attachment(
    State(s): State<AppState>,
    caller: Caller,
    Path((period, assignment)): Path<(i64, i64)>,
    QueryParams(q): QueryParams<AttachmentQuery>,
    body: Body,
) -> Result<(StatusCode, Json<crate::handlers::Created>), ApiError> {
    let bytes = read_limited(body, MAX_ATTACHMENT_BYTES, "附件").await?;
    let id = attach(&s, &caller, period, assignment, &q.filename, &bytes).await?;
    Ok((StatusCode::CREATED, Json(crate::handlers::Created { id })))
}

#[utoipa::path(get, path = "/api/attachments/{id}", tag = "填报", params(("id" = i64, Path)),
    responses((status = 200, description = "附件内容"), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn get_attachment(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    _headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (meta, bytes, period, assignment) = s.store.attachment(id).await?;
    viewable_report(&s, &caller, period, assignment).await?;
    Ok(download(bytes, &meta.content_type, &meta.filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_told_by_content_and_name_together() {
        assert_eq!(sniff(b"%PDF-1.7 ...", "进展.pdf"), Some("application/pdf"));
        assert_eq!(sniff(b"%PDF-1.7 ...", "进展.exe"), None);
        assert_eq!(sniff(b"MZ\x90\x00", "进展.pdf"), None);
        assert_eq!(sniff(b"\x89PNG\r\n", "a.PNG"), Some("image/png"));
        assert_eq!(
            sniff(b"PK\x03\x04", "a.docx").map(|t| t.contains("word")),
            Some(true)
        );
        assert_eq!(sniff(b"<html>", "a.html"), None);
    }

    #[test]
    fn file_names_lose_directories_and_odd_characters() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\docs\\进展\"<b>.pdf"), "进展b.pdf");
        assert_eq!(clean_filename(".."), "附件");
        assert_eq!(clean_filename(".hidden.pdf"), "hidden.pdf");
    }
}

#[utoipa::path(get, path = "/api/plans/{id}/assessment-items", tag = "考核", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AssessmentItem>), (status = 403, body = crate::ErrorBody)))]
pub async fn list_assessment_items(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<AssessmentItem>> {
    // The same rule as the assessment's pages: a unit or district sees only its own items.
    let scope = caller.principal.score_scope();
    if scope == luoshi_reporting::ScoreScope::Nothing {
        return Err(ApiError::forbidden(
            "考核评分记录只对协调办公室、领导和被考核单位本身开放",
        ));
    }
    // The office's items and the 督办 deductions (id 0: computed from the orders, not stored).
    let mut items = crate::supervision::assessment_items(&s, id).await?;
    items.retain(|item| scope.covers(&item.subject));
    Ok(Json(items))
}

#[utoipa::path(post, path = "/api/plans/{id}/assessment-items", tag = "考核", params(("id" = i64, Path)), request_body = AssessmentItemInput,
    responses((status = 201, body = crate::handlers::Created), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn add_assessment_item(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<AssessmentItemInput>,
) -> Result<(StatusCode, Json<crate::handlers::Created>), ApiError> {
    let max_review = s.store.plan_rules(id).await?.review_weight;
    let id = s
        .store
        .add_assessment_item(id, &input, max_review, &caller.actor())
        .await?;
    Ok((StatusCode::CREATED, Json(crate::handlers::Created { id })))
}

#[utoipa::path(delete, path = "/api/plans/{id}/assessment-items/{item}", tag = "考核", params(("id" = i64, Path), ("item" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::ErrorBody), (status = 404, body = crate::ErrorBody)))]
pub async fn delete_assessment_item(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((id, item)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    s.store
        .delete_assessment_item(id, item, &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/plans/{id}/rules", tag = "考核", params(("id" = i64, Path)),
    responses((status = 200, body = PlanRules), (status = 404, body = crate::ErrorBody)))]
pub async fn get_rules(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<PlanRules> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.plan_rules(id).await?))
}

#[utoipa::path(put, path = "/api/plans/{id}/rules", tag = "考核", params(("id" = i64, Path)), request_body = PlanRules,
    responses((status = 200, body = PlanRules), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set_rules(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(rules): JsonBody<PlanRules>,
) -> ApiResult<PlanRules> {
    Ok(Json(
        s.store.set_plan_rules(id, &rules, &caller.actor()).await?,
    ))
}

#[utoipa::path(get, path = "/api/targets/{id}/milestones", tag = "考核", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Milestone>)))]
pub async fn get_milestones(
    State(s): State<AppState>,
    _signed_in: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<Milestone>> {
    Ok(Json(s.store.milestones(id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MilestonesRequest {
    /// `[{"month": 6, "fraction": 0.3}, {"month": 12, "fraction": 1}]`; empty: back to monthly steps.
    pub milestones: Vec<Milestone>,
}

#[utoipa::path(put, path = "/api/targets/{id}/milestones", tag = "考核", params(("id" = i64, Path)), request_body = MilestonesRequest,
    responses((status = 200, body = Vec<Milestone>), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set_milestones(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<MilestonesRequest>,
) -> ApiResult<Vec<Milestone>> {
    Ok(Json(
        s.store
            .set_milestones(id, &req.milestones, &caller.actor())
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/indicators/{id}/source", tag = "考核", params(("id" = i64, Path)),
    request_body(content = luoshi_store::IndicatorSource, description = "`{\"source\": \"auto\"}`, `{\"source\": \"target\", \"target_id\": 12}` or `{\"source\": \"entered\"}`"),
    responses((status = 200, body = luoshi_store::IndicatorSource), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set_indicator_source(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(source): JsonBody<luoshi_store::IndicatorSource>,
) -> ApiResult<luoshi_store::IndicatorSource> {
    Ok(Json(
        s.store
            .set_indicator_source(id, source, &caller.actor())
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct IndicatorValueRequest {
    /// 1–12.
    pub month: u32,
    /// Cumulative for totals, the level reached for rates; `null` clears the month.
    pub value: Option<f64>,
}

#[utoipa::path(put, path = "/api/indicators/{id}/values", tag = "考核", params(("id" = i64, Path)), request_body = IndicatorValueRequest,
    responses((status = 204), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set_indicator_value(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<IndicatorValueRequest>,
) -> Result<StatusCode, ApiError> {
    s.store
        .set_indicator_value(id, req.month, req.value, &caller.actor())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

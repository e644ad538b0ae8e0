//! The documents of the cadence, computed live or as issued (印发). Issuing renders a period's
//! bulletin, summary, review or assessment with its number (第 N 期) and stores the three files;
//! from then on every download of that period is the issued copy, and what the ledger now says
//! differently is listed as changes since issue. The API and the pages call these functions.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use luoshi_cadence::document::changes;
use luoshi_cadence::{Cadence, Format, OfficialDocument};
use luoshi_reporting::ScoreScope;
use luoshi_store::{IssueFiles, IssuedDocument, IssuedFile};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Caller, Office};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::JsonBody;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/plans/{id}/issues", get(list_issues).post(issue))
}

/// The kind of document a cadence issues, as the ledger names it.
pub fn kind_of(cadence: Cadence) -> &'static str {
    match cadence {
        Cadence::Monthly(_) => "month",
        Cadence::Quarterly(_) => "quarter",
        Cadence::HalfYear(_) => "half",
        Cadence::Annual => "year",
    }
}

fn not_found(key: &str) -> ApiError {
    ApiError::not_found(format!(
        "该方案没有 {key} 这个期间（月如 2021-06，季度如 2021-Q2，半年如 2021-H1，年如 2021）"
    ))
}

/// The period a key names in the plan's year, or 404.
pub async fn cadence_of(s: &AppState, plan_id: i64, key: &str) -> Result<Cadence, ApiError> {
    let (year, cadence) = Cadence::parse(key).ok_or_else(|| not_found(key))?;
    let months = s.store.periods(plan_id).await?;
    let plan_year = months
        .first()
        .and_then(|p| p.key.get(..4))
        .and_then(|y| y.parse::<i32>().ok());
    if plan_year != Some(year) {
        return Err(not_found(key));
    }
    Ok(cadence)
}

/// The document of period `key` as the ledger gives it now, as `scope` may read it.
pub async fn live_document(
    s: &AppState,
    plan_id: i64,
    key: &str,
    scope: &ScoreScope,
) -> Result<(Cadence, OfficialDocument), ApiError> {
    let plan = s.store.plan(plan_id).await?;
    if plan.status != "published" {
        return Err(ApiError::not_found("方案尚未发布，没有调度通报"));
    }
    let cadence = cadence_of(s, plan_id, key).await?;
    let (texts, through) = cadence.scope();
    let snapshot = s.store.snapshot_with(plan_id, texts, through).await?;
    let settings = s.store.document_settings(plan_id).await?;
    let doc = cadence
        .document(
            &snapshot,
            &crate::supervision::assessment_items(s, plan_id).await?,
            &s.store.plan_rules(plan_id).await?,
            &settings.issuer,
            s.today(),
            plan.demo || s.demo,
            scope,
        )
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "{key} 还没有可出具的{}（尚无已截止的月份）",
                cadence.name()
            ))
        })?;
    let doc = match cadence {
        Cadence::Monthly(_) => luoshi_cadence::instructions::with_instructions(
            luoshi_cadence::supervision::with_orders(
                doc,
                &s.store.supervision_orders(plan_id).await?,
                key,
                s.today(),
            ),
            &s.store.instructions(plan_id).await?,
            key,
            s.today(),
        ),
        _ => doc,
    }
    .framed(&settings);
    Ok((cadence, doc))
}

/// Whether `scope` reads the issued copy of a `cadence` document: every document is circulated
/// whole except the assessment, whose issued copy only readers of every score sheet get.
pub fn reads_issued(cadence: Cadence, scope: &ScoreScope) -> bool {
    cadence != Cadence::Annual || *scope == ScoreScope::All
}

/// Issues period `key`: renders it with its number and stores it. A second issue of a period is
/// a correction and needs `reason`.
/// The longest 按语, in characters.
pub const MAX_FOREWORD: usize = 1000;

pub async fn issue_period(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    key: &str,
    reason: Option<&str>,
    foreword: Option<&str>,
) -> Result<IssuedDocument, ApiError> {
    let foreword = foreword.map(str::trim).filter(|f| !f.is_empty());
    if let Some(f) = foreword
        && f.chars().count() > MAX_FOREWORD
    {
        return Err(luoshi_store::StoreError::invalid(
            "foreword",
            format!(
                "按语不能超过 {MAX_FOREWORD} 个字（填了 {} 个字）",
                f.chars().count()
            ),
        )
        .into());
    }
    let period = s.store.period_by_key(plan_id, key).await?;
    let due = luoshi_reporting::Day::parse(&period.due_on);
    if due.is_none_or(|due| s.today() <= due) {
        return Err(luoshi_store::StoreError::invalid(
            "period",
            format!(
                "{}的填报尚未截止（截止日 {}），截止后才能印发",
                period.label, period.due_on
            ),
        )
        .into());
    }
    let (cadence, mut doc) = live_document(s, plan_id, key, &ScoreScope::All).await?;
    doc.foreword = foreword.map(str::to_string);
    let kind = kind_of(cadence);
    let next = s.store.next_issue(plan_id, kind, key).await?;
    doc.issue = Some(match next.corrects {
        None => format!("第 {} 期", next.number),
        Some((_, old)) => format!("第 {} 期（更正第 {old} 期）", next.number),
    });
    let render = |format| {
        luoshi_cadence::render(&doc, format)
            .map_err(|e| ApiError::internal(format!("生成文件失败：{e}")))
    };
    let files = IssueFiles {
        title: format!("{}{}", doc.title, doc.subtitle),
        docx: render(Format::Docx)?,
        xlsx: render(Format::Xlsx)?,
        html: luoshi_cadence::html::render(&doc),
        figures: doc.figures(),
    };
    Ok(s.store
        .issue_document(
            plan_id,
            kind,
            key,
            next,
            reason,
            s.today(),
            &files,
            &caller.actor(),
        )
        .await?)
}

/// Where a period's document stands: its issues (the last in force) and, once issued, what the
/// ledger now states differently (`(as issued, now)`).
pub struct Standing {
    pub issues: Vec<IssuedDocument>,
    pub changed: (Vec<String>, Vec<String>),
}

impl Standing {
    pub fn latest(&self) -> Option<&IssuedDocument> {
        self.issues.last()
    }

    /// The lines a page shows above the document: issued when and as which number, or not yet,
    /// and the changes since.
    pub fn notices(&self, cadence: Cadence) -> Vec<String> {
        let Some(latest) = self.latest() else {
            return vec![format!(
                "未印发：以下{}按现在的台账实时计算，数字会随迟报、补报和修订变化。",
                cadence.name()
            )];
        };
        let mut out = vec![match (&latest.corrects, &latest.reason) {
            (Some(_), Some(reason)) => format!(
                "已于 {} 印发（第 {} 期，更正此前一期：{reason}）。以下为印发的文件。",
                latest.issued_on, latest.number
            ),
            _ => format!(
                "已于 {} 印发（第 {} 期）。以下为印发的文件。",
                latest.issued_on, latest.number
            ),
        }];
        let (gone, new) = &self.changed;
        if gone.is_empty() && new.is_empty() {
            out.push("印发后台账数字没有变化。".into());
            return out;
        }
        out.push(format!(
            "印发后台账数字有变化（迟报、补报或修订）：{} 处与印发时不同。如需更正，请协调办公室重新印发（更正）。",
            gone.len().max(new.len())
        ));
        const SHOWN: usize = 12;
        out.extend(gone.iter().take(SHOWN).map(|l| format!("印发时：{l}")));
        out.extend(new.iter().take(SHOWN).map(|l| format!("现　在：{l}")));
        let hidden = gone.len().saturating_sub(SHOWN) + new.len().saturating_sub(SHOWN);
        if hidden > 0 {
            out.push(format!("另有 {hidden} 行变化未列出。"));
        }
        out
    }
}

/// The issues of period `key` and, when issued, what changed since against `live`.
pub async fn standing(
    s: &AppState,
    plan_id: i64,
    key: &str,
    live: &OfficialDocument,
) -> Result<Standing, ApiError> {
    let issues = s.store.issues_of(plan_id, key).await?;
    let changed = match issues.last() {
        Some(latest) => changes(&s.store.issued_figures(latest.id).await?, &live.figures()),
        None => (Vec::new(), Vec::new()),
    };
    Ok(Standing { issues, changed })
}

/// A stored file of an issue.
pub async fn issued_bytes(
    s: &AppState,
    issue: &IssuedDocument,
    format: Format,
) -> Result<Vec<u8>, ApiError> {
    let file = match format {
        Format::Docx => IssuedFile::Docx,
        Format::Xlsx => IssuedFile::Xlsx,
        Format::Html => IssuedFile::Html,
    };
    Ok(s.store.issued_file(issue.id, file).await?)
}

#[utoipa::path(get, path = "/api/plans/{id}/issues", tag = "通报", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<IssuedDocument>), (status = 404, body = crate::ErrorBody)))]
pub async fn list_issues(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<IssuedDocument>> {
    crate::handlers::visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.issues(id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct IssueRequest {
    /// `2021-06`, `2021-Q2`, `2021-H1`, `2021`.
    pub period: String,
    /// Needed when the period was issued before (更正).
    #[serde(default)]
    pub reason: Option<String>,
    /// 按语 printed above the text of the issued copy.
    #[serde(default)]
    pub foreword: Option<String>,
}

#[utoipa::path(post, path = "/api/plans/{id}/issues", tag = "通报", params(("id" = i64, Path)), request_body = IssueRequest,
    responses((status = 201, body = IssuedDocument), (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn issue(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<IssueRequest>,
) -> Result<(StatusCode, Json<IssuedDocument>), ApiError> {
    let issued = issue_period(
        &s,
        &caller,
        id,
        &req.period,
        req.reason.as_deref(),
        req.foreword.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

//! 印发记录: every period's document (调度通报, 季度小结, 半年讲评, 年度考核) with whether it was
//! issued, as which number and when; the office issues a period, or corrects an issued one
//! (更正, with a reason), from here.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::{DocumentSettings, IssuedDocument, PlanSummary};
use serde::Deserialize;

use crate::pages::PageError;

struct PeriodLine {
    key: String,
    label: String,
    document: &'static str,
    /// Every issue of the period, oldest first.
    issues: Vec<IssuedDocument>,
    /// Its reports are all due (it can be issued).
    closed: bool,
}

#[derive(Template)]
#[template(path = "issues.html")]
struct IssuesPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    lines: Vec<PeriodLine>,
    office: bool,
    /// Leaders (and the office for them) may write 批示 on an issued document.
    instructs: bool,
    csrf: String,
    /// The period whose form the error belongs to.
    error_period: String,
    error: Option<String>,
    reason: String,
    /// The 公文 settings as stored, or as typed into a form that was refused.
    settings: SettingsForm,
    /// Why the settings form was refused, and which field.
    settings_error: Option<(String, String)>,
}

/// The 公文设置 form: the plan's document settings as text boxes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    signer: String,
    /// One body per line.
    #[serde(default)]
    copies_to: String,
    #[serde(default)]
    printed_by: String,
}

impl SettingsForm {
    fn of(settings: &DocumentSettings) -> SettingsForm {
        SettingsForm {
            issuer: settings.issuer.clone(),
            signer: settings.signer.clone().unwrap_or_default(),
            copies_to: settings.copies_to.join("\n"),
            printed_by: settings.printed_by.clone().unwrap_or_default(),
        }
    }

    fn settings(&self) -> DocumentSettings {
        let optional = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        DocumentSettings {
            issuer: self.issuer.clone(),
            signer: optional(&self.signer),
            copies_to: self
                .copies_to
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect(),
            printed_by: optional(&self.printed_by),
        }
    }
}

/// A refused settings form, shown again with what was typed.
struct SettingsFailure {
    field: String,
    message: String,
    typed: SettingsForm,
}

async fn render(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    status: StatusCode,
    error: Option<(String, String, String)>,
    settings_failure: Option<SettingsFailure>,
) -> Result<Response, PageError> {
    let plan = s.store.plan(plan_id).await?;
    let (settings, settings_error) = match settings_failure {
        Some(f) => (f.typed, Some((f.field, f.message))),
        None => (
            SettingsForm::of(&s.store.document_settings(plan_id).await?),
            None,
        ),
    };
    let issues = s.store.issues(plan_id).await?;
    let today = s.today().to_string();
    let mut lines = Vec::new();
    for p in s.store.periods(plan_id).await? {
        let Some((_, cadence)) = luoshi_cadence::Cadence::parse(&p.key) else {
            continue;
        };
        lines.push(PeriodLine {
            document: cadence.name(),
            issues: issues
                .iter()
                .filter(|i| i.period_key == p.key)
                .cloned()
                .collect(),
            closed: p.due_on < today,
            key: p.key,
            label: p.label,
        });
    }
    let (error_period, error, reason) = match error {
        Some((period, message, reason)) => (period, Some(message), reason),
        None => Default::default(),
    };
    let page = IssuesPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Issues).await?,
        plan,
        lines,
        office: caller.principal.is_office(),
        instructs: luoshi_server::instructions::oversees(caller),
        csrf: caller.csrf_token.clone(),
        error_period,
        error,
        reason,
        settings,
        settings_error,
    };
    let body = page
        .render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))?;
    Ok((status, Html(body)).into_response())
}

pub async fn issues(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan): Path<i64>,
) -> Result<Response, PageError> {
    crate::pages::visible(&s, &caller, plan).await?;
    render(&s, &caller, plan, StatusCode::OK, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct IssueForm {
    period: String,
    #[serde(default)]
    reason: String,
    /// 按语, optional.
    #[serde(default)]
    foreword: String,
}

pub async fn issue(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<IssueForm>,
) -> Result<Response, PageError> {
    let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
    let foreword = Some(form.foreword.as_str()).filter(|f| !f.trim().is_empty());
    match luoshi_server::issuing::issue_period(&s, &caller, plan, &form.period, reason, foreword)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/plans/{plan}/bulletins/{}", form.period)).into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            let error = (form.period, e.body.error, form.reason);
            render(&s, &caller, plan, e.status, Some(error), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /plans/{id}/document-settings`: the office sets the plan's 公文 frame; a refused value
/// is shown beside the form with what was typed, nothing stored.
pub async fn set_settings(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
    match s
        .store
        .set_document_settings(plan, &form.settings(), &caller.actor())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/plans/{plan}/issues#document-settings")).into_response()),
        Err(luoshi_store::StoreError::Invalid { field, message }) => {
            let failure = SettingsFailure {
                field,
                message,
                typed: form,
            };
            render(
                &s,
                &caller,
                plan,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(failure),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

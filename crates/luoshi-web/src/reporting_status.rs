//! 填报情况: who has reported in a month and who has not, for the office and leaders; 催报,
//! reopening a month for 补报, the due day, and the page as a spreadsheet.

use crate::pages::PageError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_reporting::Day;
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::reporting as api;
use luoshi_store::*;
use serde::Deserialize;

use crate::reporting::*;

pub struct StatusRow {
    pub(crate) unit: String,
    pub(crate) district: String,
    pub(crate) assigned: i64,
    pub(crate) reported: i64,
    pub(crate) returned: i64,
    pub(crate) missing: usize,
    pub(crate) missing_list: String,
    pub(crate) rate: String,
}

#[derive(Template)]
#[template(path = "reporting.html")]
struct ReportingPage {
    nav: crate::nav::Nav,
    pub(crate) plan: PlanSummary,
    pub(crate) periods: Vec<PeriodOption>,
    pub(crate) period: PeriodRow,
    pub(crate) window: &'static str,
    pub(crate) rows: Vec<StatusRow>,
    pub(crate) total_assigned: i64,
    pub(crate) total_reported: i64,
    pub(crate) units_missing: usize,
    /// Assignments not yet signed for (签收), and objections waiting for the office.
    pub(crate) unsigned: usize,
    pub(crate) objections: usize,
    pub(crate) office: bool,
    pub(crate) csrf: String,
    /// The plan's due day (31: 月末), for the calendar form's choice.
    pub(crate) due_day: u32,
    /// The choices: 1–28 and 月末.
    pub(crate) due_days: Vec<(u32, String)>,
    /// The quarter (`2021-Q2`) and half (`2021-H1`) a quarter's or half's last month closes.
    pub(crate) quarter_key: Option<String>,
    pub(crate) half_key: Option<String>,
    /// The month's automatic reminders per unit, in words (`截止前 3 天（06-22）`).
    pub(crate) reminded: std::collections::HashMap<String, String>,
    pub(crate) reminders_sent: usize,
    pub(crate) message: Option<String>,
    pub(crate) error: Option<String>,
}

impl ReportingPage {
    fn reminded_of(&self, unit: &str) -> &str {
        self.reminded.get(unit).map_or("", String::as_str)
    }
}

/// The month's automatic reminders by unit: which occasions reached it and on which day.
fn reminders_by_unit(
    reminders: &[luoshi_store::Reminder],
    period_key: &str,
) -> (std::collections::HashMap<String, String>, usize) {
    let prefix = format!("report:{period_key}:");
    let mut by_unit: std::collections::HashMap<String, Vec<String>> = Default::default();
    let mut sent = 0;
    // Oldest first, as they went out.
    for r in reminders.iter().rev() {
        let Some(occasion) = r
            .rule
            .strip_prefix(&prefix)
            .and_then(luoshi_reporting::reminders::Occasion::parse)
        else {
            continue;
        };
        sent += 1;
        by_unit.entry(r.unit.clone()).or_default().push(format!(
            "{}（{}）",
            occasion.label(),
            r.sent_on.get(5..).unwrap_or(&r.sent_on)
        ));
    }
    (
        by_unit
            .into_iter()
            .map(|(u, l)| (u, l.join("、")))
            .collect(),
        sent,
    )
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
    let due_day = s.store.due_day(plan_id).await?;
    let receipts = s.store.plan_receipts(plan_id).await?;
    let (reminded, reminders_sent) =
        reminders_by_unit(&s.store.reminders(plan_id, 10_000).await?, &period.key);
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
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Reporting).await?,
        total_assigned: rows.iter().map(|r| r.assigned).sum(),
        total_reported: rows.iter().map(|r| r.reported).sum(),
        units_missing: rows.iter().filter(|r| r.missing > 0).count(),
        unsigned: receipts.iter().filter(|r| r.state.awaits_unit()).count(),
        objections: receipts
            .iter()
            .filter(|r| r.state == luoshi_store::ReceiptState::Objected)
            .count(),
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
        due_days: (1..=28)
            .chain([luoshi_reporting::calendar::MONTH_END])
            .map(|d| (d, luoshi_reporting::calendar::due_day_label(d)))
            .collect(),
        reminded,
        reminders_sent,
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
    pub(crate) period: String,
    #[serde(default)]
    pub(crate) unit: Option<String>,
    #[serde(default)]
    pub(crate) text: Option<String>,
}

pub async fn remind(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<RemindForm>,
) -> Result<Response, PageError> {
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
    pub(crate) period: String,
    #[serde(default)]
    pub(crate) until: String,
}

pub async fn reopen(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<ReopenForm>,
) -> Result<Response, PageError> {
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
    pub(crate) period: String,
    pub(crate) due_day: String,
}

pub async fn set_due_day(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<DueDayForm>,
) -> Result<Response, PageError> {
    let day = match luoshi_reporting::calendar::parse_due_day(&form.due_day) {
        Ok(day) => day,
        Err(message) => {
            return reporting_page(&s, &caller, plan, Some(&form.period), None, Some(message))
                .await;
        }
    };
    match s.store.set_due_day(plan, day, &caller.actor()).await {
        Ok(()) => {
            reporting_page(
                &s,
                &caller,
                plan,
                Some(&form.period),
                Some(format!(
                    "每月填报截止日已改为{}。",
                    luoshi_reporting::calendar::due_day_label(day)
                )),
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

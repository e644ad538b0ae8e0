//! 提醒与通知 (the office): the plan's automatic reminder rules and quiet hours, its channels
//! (webhook, 企业微信, 钉钉, SMS) added and removed, the messages given up and sent again, and
//! the reminders that went out.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_reporting::reminders::{ReminderRules, clock, parse_clock};
use luoshi_server::AppState;
use luoshi_server::auth::Office;
use luoshi_store::{Channel, ChannelKind, Delivery, NewChannel, PlanSummary, Reminder};
use serde::Deserialize;

use crate::pages::PageError;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    rules: RulesForm,
    channels: Vec<Channel>,
    kinds: Vec<(&'static str, &'static str)>,
    failed: Vec<Delivery>,
    pending: usize,
    reminders: Vec<Reminder>,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
}

impl NotificationsPage {
    fn channel_of(&self, d: &Delivery) -> String {
        match &d.channel {
            Some(c) => format!("{}（{}）", c.name, c.kind.label()),
            None => "邮件".into(),
        }
    }

    fn recipient_of(d: &Delivery) -> String {
        let unit = serde_json::from_str::<serde_json::Value>(&d.message)
            .ok()
            .and_then(|m| m["unit"].as_str().map(str::to_string))
            .unwrap_or_default();
        if d.recipient.is_empty() {
            unit
        } else {
            format!("{unit} {}", d.recipient)
        }
    }
}

/// The rules as the form shows and sends them: day lists as `1, 3`, times as `22:00`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RulesForm {
    #[serde(default)]
    enabled: Option<String>,
    #[serde(default)]
    report_days_before: String,
    #[serde(default)]
    report_on_due_day: Option<String>,
    #[serde(default)]
    report_days_after: String,
    #[serde(default)]
    deadline_days_before: String,
    #[serde(default)]
    deadline_on_day: Option<String>,
    #[serde(default)]
    deadline_days_after: String,
    #[serde(default)]
    quiet_from: String,
    #[serde(default)]
    quiet_until: String,
}

fn days_text(days: &[u32]) -> String {
    days.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl RulesForm {
    fn of(rules: &ReminderRules) -> RulesForm {
        let on = |b: bool| b.then(|| "on".to_string());
        RulesForm {
            enabled: on(rules.enabled),
            report_days_before: days_text(&rules.report_days_before),
            report_on_due_day: on(rules.report_on_due_day),
            report_days_after: days_text(&rules.report_days_after),
            deadline_days_before: days_text(&rules.deadline_days_before),
            deadline_on_day: on(rules.deadline_on_day),
            deadline_days_after: days_text(&rules.deadline_days_after),
            quiet_from: clock(rules.quiet_from),
            quiet_until: clock(rules.quiet_until),
        }
    }

    /// The rules typed, or what is wrong with them in words.
    fn rules(&self) -> Result<ReminderRules, String> {
        let days = |label: &str, text: &str| -> Result<Vec<u32>, String> {
            let mut days = text
                .split([',', '，', '、', ' ', ';', '；'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| {
                    t.trim_end_matches('天')
                        .parse::<u32>()
                        .map_err(|_| format!("{label}：「{t}」不是天数"))
                })
                .collect::<Result<Vec<u32>, String>>()?;
            days.sort_unstable();
            days.dedup();
            Ok(days)
        };
        let time = |label: &str, text: &str| {
            parse_clock(text).ok_or_else(|| format!("{label}：「{text}」应写成 22:00 这样的时间"))
        };
        Ok(ReminderRules {
            enabled: self.enabled.is_some(),
            report_days_before: days("截止前提醒", &self.report_days_before)?,
            report_on_due_day: self.report_on_due_day.is_some(),
            report_days_after: days("逾期后提醒", &self.report_days_after)?,
            deadline_days_before: days("期限前提醒", &self.deadline_days_before)?,
            deadline_on_day: self.deadline_on_day.is_some(),
            deadline_days_after: days("逾期后提醒", &self.deadline_days_after)?,
            quiet_from: time("免打扰开始", &self.quiet_from)?,
            quiet_until: time("免打扰结束", &self.quiet_until)?,
        })
    }
}

async fn render(
    s: &AppState,
    plan_id: i64,
    caller: &luoshi_server::auth::Caller,
    typed: Option<RulesForm>,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let plan = s.store.plan(plan_id).await?;
    let rules = match typed {
        Some(form) => form,
        None => RulesForm::of(&s.store.reminder_rules(plan_id).await?),
    };
    let page = NotificationsPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Reporting).await?,
        plan,
        rules,
        channels: s.store.channels(plan_id).await?,
        kinds: ChannelKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        failed: s.store.plan_deliveries(plan_id, "failed", 200).await?,
        pending: s
            .store
            .plan_deliveries(plan_id, "pending", 10_000)
            .await?
            .len(),
        reminders: s.store.reminders(plan_id, 100).await?,
        csrf: caller.csrf_token.clone(),
        message,
        error,
    };
    Ok((status, crate::pages::render(page)?).into_response())
}

pub async fn page(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan_id): Path<i64>,
) -> Result<Response, PageError> {
    render(&s, plan_id, &caller, None, StatusCode::OK, None, None).await
}

/// After an action: its message, or the refusal in words (4xx).
async fn after(
    s: &AppState,
    plan_id: i64,
    caller: &luoshi_server::auth::Caller,
    done: luoshi_store::Result<String>,
) -> Result<Response, PageError> {
    match done {
        Ok(message) => {
            render(
                s,
                plan_id,
                caller,
                None,
                StatusCode::OK,
                Some(message),
                None,
            )
            .await
        }
        Err(e) => {
            let (status, error) = crate::pages::refusal(e)?;
            render(s, plan_id, caller, None, status, None, Some(error)).await
        }
    }
}

pub async fn set_rules(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan_id): Path<i64>,
    Form(form): Form<RulesForm>,
) -> Result<Response, PageError> {
    let rules = match form.rules() {
        Ok(rules) => rules,
        Err(message) => {
            return render(
                &s,
                plan_id,
                &caller,
                Some(form),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(message),
            )
            .await;
        }
    };
    match s
        .store
        .set_reminder_rules(plan_id, &rules, &caller.actor())
        .await
    {
        Ok(_) => {
            let message = Some("自动提醒规则已保存。".to_string());
            render(&s, plan_id, &caller, None, StatusCode::OK, message, None).await
        }
        Err(e) => {
            let (status, error) = crate::pages::refusal(e)?;
            render(&s, plan_id, &caller, Some(form), status, None, Some(error)).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ChannelForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    body_template: String,
    #[serde(default)]
    unit: String,
}

pub async fn add_channel(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan_id): Path<i64>,
    Form(form): Form<ChannelForm>,
) -> Result<Response, PageError> {
    let Some(kind) = ChannelKind::parse(&form.kind) else {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            format!("渠道类型「{}」无效", form.kind),
        ));
    };
    let new = NewChannel {
        kind,
        name: form.name,
        url: form.url,
        secret: form.secret,
        body_template: form.body_template,
        unit: Some(form.unit).filter(|u| !u.trim().is_empty()),
    };
    let done = s
        .store
        .add_channel(plan_id, &new, &caller.actor())
        .await
        .map(|c| format!("已添加通知渠道「{}」（{}）。", c.name, c.kind.label()));
    after(&s, plan_id, &caller, done).await
}

pub async fn remove_channel(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan_id, channel)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let done = s
        .store
        .remove_channel(plan_id, channel, &caller.actor())
        .await
        .map(|()| "通知渠道已删除，尚未发出的消息随之取消。".to_string());
    after(&s, plan_id, &caller, done).await
}

pub async fn retry(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan_id, delivery)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let done = s
        .store
        .retry_delivery(plan_id, delivery, &caller.actor())
        .await
        .map(|()| "已重新排入发送队列，一分钟内发出。".to_string());
    after(&s, plan_id, &caller, done).await
}

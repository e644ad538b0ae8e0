//! The scheduler inside the server (no cron): every minute, for each published plan outside its
//! quiet hours, escalates overdue 督办单 and records the reminders its rules call for today —
//! reports not yet submitted before, on and after their due day, 督办单 and 领导批示 near and
//! past their deadlines — each once per rule and recipient; then sends what the outbox holds.

use std::time::Duration;

use luoshi_reporting::Day;
use luoshi_reporting::reminders::{Occasion, ReminderRules};
use luoshi_store::{NewReminder, PlanSummary, ReminderKind};

use super::Moment;
use super::format::Message;
use crate::{ApiError, AppState};

/// Who the scheduler's writes are recorded by.
pub const ACTOR: &str = "luoshi（自动提醒）";

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RemindRun {
    /// Reminders recorded (each with its notice and outbox entries).
    pub reminded: usize,
    /// Reminders already sent before (not repeated).
    pub already_sent: usize,
    /// New 督办单 from escalating overdue ones.
    pub escalated: usize,
    /// Plans skipped for their quiet hours.
    pub quiet: usize,
}

fn words(occasion: Occasion, due: &str) -> String {
    match occasion {
        Occasion::Before(n) => format!("还有 {n} 天截止（{due}）"),
        Occasion::OnDay => format!("今天（{due}）截止"),
        Occasion::After(n) => format!("已逾期 {n} 天（截止日 {due}）"),
    }
}

fn plan_name(plan: &PlanSummary) -> String {
    plan.plan_title
        .clone()
        .or_else(|| plan.title.clone())
        .unwrap_or_else(|| format!("方案 {}", plan.id))
}

/// The reminders `plan`'s rules call for on `today`.
async fn due_reminders(
    s: &AppState,
    plan: &PlanSummary,
    rules: &ReminderRules,
    today: Day,
) -> Result<Vec<NewReminder>, ApiError> {
    let name = plan_name(plan);
    let mut out = Vec::new();
    let mut push = |rule: String,
                    unit_id: i64,
                    unit: &str,
                    kind,
                    subject_id,
                    title: String,
                    text: String,
                    link: String| {
        out.push(NewReminder {
            plan_id: plan.id,
            rule,
            unit_id,
            kind,
            subject_id,
            message: serde_json::json!(Message {
                event: "reminder".into(),
                plan_id: plan.id,
                plan: name.clone(),
                unit: unit.to_string(),
                title: title.clone(),
                text: text.clone(),
                link,
            }),
            text: format!("{title}{text}"),
        });
    };
    for period in s.store.periods(plan.id).await? {
        if !period.is_month() {
            continue;
        }
        let Some(due) = Day::parse(&period.due_on) else {
            continue;
        };
        let Some(occasion) = rules.report_occasion(due, today) else {
            continue;
        };
        for unit in s.store.reporting_status(period.id).await? {
            if unit.missing.is_empty() {
                continue;
            }
            let text = format!(
                "{}工作进展{}，尚有 {} 项未报送：{}。",
                period.label,
                words(occasion, &period.due_on),
                unit.missing.len(),
                unit.missing
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("；")
                    + if unit.missing.len() > 3 { " 等" } else { "" }
            );
            push(
                format!("report:{}:{}", period.key, occasion.key()),
                unit.unit_id,
                &unit.unit,
                ReminderKind::Report,
                period.id,
                "【自动提醒】".into(),
                text,
                "/my".into(),
            );
        }
    }
    for order in s.store.supervision_orders(plan.id).await? {
        let (true, Some(due)) = (order.state.awaits_unit(), Day::parse(&order.due_on)) else {
            continue;
        };
        let Some(occasion) = rules.deadline_occasion(due, today) else {
            continue;
        };
        push(
            format!("order:{}:{}", order.id, occasion.key()),
            order.unit_id,
            &order.unit,
            ReminderKind::Order,
            order.id,
            "【督办提醒】".into(),
            format!(
                "{}（{}）{}，请及时{}。",
                order.number_label(),
                order.level.label(),
                words(occasion, &order.due_on),
                if order.state.can_sign() {
                    "签收并反馈整改措施"
                } else {
                    "反馈整改措施"
                }
            ),
            format!("/supervision/{}", order.id),
        );
    }
    for i in s.store.instructions(plan.id).await? {
        let (true, Some(unit_id), Some(due)) = (
            i.awaits_answer(),
            i.unit_id,
            i.due_on.as_deref().and_then(Day::parse),
        ) else {
            continue;
        };
        let Some(occasion) = rules.deadline_occasion(due, today) else {
            continue;
        };
        push(
            format!("instruction:{}:{}", i.id, occasion.key()),
            unit_id,
            i.unit.as_deref().unwrap_or_default(),
            ReminderKind::Instruction,
            i.id,
            "【批示提醒】".into(),
            format!(
                "{}{}批示（{}）办理{}，请及时反馈办理情况。",
                i.leader,
                i.written_on,
                i.item,
                words(occasion, due.to_string().as_str())
            ),
            format!("/instructions/{}", i.id),
        );
    }
    Ok(out)
}

/// One pass at `at` over every published plan, recording at most `limit` new reminders.
pub async fn remind_once(s: &AppState, at: &Moment, limit: usize) -> Result<RemindRun, ApiError> {
    let mut run = RemindRun::default();
    let today = s.today();
    for plan in s.store.plans().await? {
        if plan.status != "published" {
            continue;
        }
        let rules = s.store.reminder_rules(plan.id).await?;
        if rules.quiet_at(at.beijing_minute) {
            run.quiet += 1;
            continue;
        }
        run.escalated += crate::supervision::escalate_plan(s, plan.id, ACTOR)
            .await?
            .len();
        // What went out already is skipped without taking the writer's turn each minute; the
        // unique (rule, unit) in the store stays the guard.
        let sent: std::collections::HashSet<(String, i64)> = s
            .store
            .reminders(plan.id, 10_000)
            .await?
            .into_iter()
            .map(|r| (r.rule, r.unit_id))
            .collect();
        for reminder in due_reminders(s, &plan, &rules, today).await? {
            if sent.contains(&(reminder.rule.clone(), reminder.unit_id)) {
                run.already_sent += 1;
                continue;
            }
            if run.reminded >= limit {
                return Ok(run);
            }
            match s
                .store
                .record_reminder(&reminder, s.mailer.is_some(), today, ACTOR)
                .await?
            {
                Some(_) => run.reminded += 1,
                None => run.already_sent += 1,
            }
        }
    }
    Ok(run)
}

/// How often the scheduler wakes.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// The most reminders one pass records, and messages one pass sends.
pub const BATCH: usize = 500;

/// Runs the scheduler until the process ends: a pass every [`INTERVAL`] while this process
/// leads (see [`luoshi_store::Leadership`]), errors logged and the next pass tried as usual.
pub fn spawn(s: AppState) -> Result<tokio::task::JoinHandle<()>, String> {
    let client = super::send::client()?;
    Ok(tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut lead: Option<luoshi_store::Leadership> = None;
        loop {
            tick.tick().await;
            // With several servers on one PostgreSQL only the one holding the lead reminds and
            // sends, so nothing goes out twice; when it dies another takes over at its next tick.
            if !luoshi_store::Leadership::keep(&s.store, luoshi_store::Job::Reminders, &mut lead)
                .await
            {
                continue;
            }
            let at = Moment::now();
            if let Err(e) = remind_once(&s, &at, BATCH).await {
                eprintln!("自动提醒未完成：{}", e.body.error);
            }
            if let Err(e) = super::send::deliver_due(&s, &client, &at, BATCH as i64).await {
                eprintln!("消息发送未完成：{}", e.body.error);
            }
        }
    }))
}

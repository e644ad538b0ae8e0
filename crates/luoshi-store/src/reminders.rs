//! Automatic reminders in the ledger: the plan's reminder rules, and each reminder recorded once
//! per rule and recipient in the same transaction as its in-app notice and its outbox entries
//! (one per channel and phone or email address), so that a restart neither repeats nor loses
//! one.

use luoshi_reporting::Day;
use luoshi_reporting::reminders::ReminderRules;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::plan_settings::SettingsTable;
use crate::{Result, Store, StoreError, now};

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// A month's report not yet submitted (its period's id).
    Report,
    /// A 督办单 not yet answered.
    Order,
    /// A 领导批示 not yet answered.
    Instruction,
}

impl ReminderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::Report => "report",
            ReminderKind::Order => "order",
            ReminderKind::Instruction => "instruction",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReminderKind::Report => "月度报送",
            ReminderKind::Order => "督办单",
            ReminderKind::Instruction => "领导批示",
        }
    }

    fn parse(text: &str) -> ReminderKind {
        match text {
            "order" => ReminderKind::Order,
            "instruction" => ReminderKind::Instruction,
            _ => ReminderKind::Report,
        }
    }
}

/// A reminder about to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReminder {
    pub plan_id: i64,
    /// The deadline and the occasion (`report:2021-06:before3`): once per rule and unit.
    pub rule: String,
    pub unit_id: i64,
    pub kind: ReminderKind,
    pub subject_id: i64,
    /// The notice's words.
    pub text: String,
    /// What the channels receive (formatted per channel when sent).
    pub message: serde_json::Value,
}

/// A reminder as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reminder {
    pub id: i64,
    pub plan_id: i64,
    pub rule: String,
    pub unit_id: i64,
    pub unit: String,
    pub kind: ReminderKind,
    pub subject_id: i64,
    pub text: String,
    /// The ledger's day it went out.
    pub sent_on: String,
    pub sent_at: String,
}

impl Store {
    /// The plan's reminder rules, or the defaults.
    pub async fn reminder_rules(&self, plan_id: i64) -> Result<ReminderRules> {
        self.plan_settings(SettingsTable::Reminders, plan_id).await
    }

    /// Sets the plan's reminder rules, checked, recorded with what they were before.
    pub async fn set_reminder_rules(
        &self,
        plan_id: i64,
        rules: &ReminderRules,
        actor: &str,
    ) -> Result<ReminderRules> {
        rules
            .check()
            .map_err(|(field, message)| StoreError::invalid(field, message))?;
        self.set_plan_settings(SettingsTable::Reminders, plan_id, rules, actor)
            .await?;
        Ok(rules.clone())
    }

    /// Records `reminder` on `today` unless its rule already reached its unit, with its in-app
    /// notice and an outbox entry per channel of the plan that takes the unit's messages (an
    /// SMS channel: per mobile of the unit's accounts) and, when `email`, per email address.
    /// All in one transaction. `None` when it had already been sent.
    pub async fn record_reminder(
        &self,
        reminder: &NewReminder,
        email: bool,
        today: Day,
        actor: &str,
    ) -> Result<Option<i64>> {
        let mut write = self.begin_write(actor).await?;
        let at = now();
        let conn = write.conn();
        let inserted = sqlx::query("INSERT INTO reminders (plan_id, rule, unit_id, kind, subject_id, text, sent_on, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (plan_id, rule, unit_id) DO NOTHING RETURNING id")
            .bind(reminder.plan_id)
            .bind(&reminder.rule)
            .bind(reminder.unit_id)
            .bind(reminder.kind.as_str())
            .bind(reminder.subject_id)
            .bind(&reminder.text)
            .bind(today.to_string())
            .bind(&at)
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = inserted else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let period_id = (reminder.kind == ReminderKind::Report).then_some(reminder.subject_id);
        sqlx::query("INSERT INTO notices (unit_id, period_id, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(reminder.unit_id)
            .bind(period_id)
            .bind(&reminder.text)
            .bind(actor)
            .bind(&at)
            .execute(&mut *conn)
            .await?;
        let queued = crate::deliveries::enqueue_in(
            conn,
            reminder.plan_id,
            reminder.unit_id,
            Some(id),
            &reminder.message,
            email,
            &at,
        )
        .await?;
        write.record(Change::new("remind", "reminder", Some(id)).after(json!({
            "rule": reminder.rule,
            "unit_id": reminder.unit_id,
            "text": reminder.text,
            "deliveries": queued,
        })));
        write.commit().await?;
        Ok(Some(id))
    }

    /// The plan's reminders, newest first (at most `limit`).
    pub async fn reminders(&self, plan_id: i64, limit: i64) -> Result<Vec<Reminder>> {
        let rows = sqlx::query("SELECT r.*, u.name AS unit_name FROM reminders r JOIN units u ON u.id = r.unit_id WHERE r.plan_id = $1 ORDER BY r.id DESC LIMIT $2")
            .bind(plan_id)
            .bind(limit.clamp(1, 10_000))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Reminder {
                    id: r.try_get("id")?,
                    plan_id: r.try_get("plan_id")?,
                    rule: r.try_get("rule")?,
                    unit_id: r.try_get("unit_id")?,
                    unit: r.try_get("unit_name")?,
                    kind: ReminderKind::parse(&r.try_get::<String, _>("kind")?),
                    subject_id: r.try_get("subject_id")?,
                    text: r.try_get("text")?,
                    sent_on: r.try_get("sent_on")?,
                    sent_at: r.try_get("sent_at")?,
                })
            })
            .collect()
    }
}

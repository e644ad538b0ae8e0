//! A plan's rules kept as one JSON row (督办规则, 自动提醒规则): read with the defaults when the
//! plan has none, replaced whole, the change audited with what it was before.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;

use crate::audit::Change;
use crate::{Result, Store, now};

/// The tables that hold such rules (`plan_id`, `rules`, `updated_by`, `updated_at`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum SettingsTable {
    Supervision,
    Reminders,
}

impl SettingsTable {
    fn name(self) -> &'static str {
        match self {
            SettingsTable::Supervision => "supervision_rules",
            SettingsTable::Reminders => "reminder_rules",
        }
    }

    fn action(self) -> &'static str {
        match self {
            SettingsTable::Supervision => "set_supervision_rules",
            SettingsTable::Reminders => "set_reminder_rules",
        }
    }
}

impl Store {
    /// The plan's rules in `table`, or `T::default()`.
    pub(crate) async fn plan_settings<T: DeserializeOwned + Default>(
        &self,
        table: SettingsTable,
        plan_id: i64,
    ) -> Result<T> {
        self.plan(plan_id).await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT rules FROM {} WHERE plan_id = $1",
            table.name()
        )))
        .bind(plan_id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(serde_json::from_str(&r.try_get::<String, _>("rules")?)?),
            None => Ok(T::default()),
        }
    }

    /// Replaces the plan's rules in `table` (already checked), recorded with what they were.
    pub(crate) async fn set_plan_settings<T: Serialize + DeserializeOwned + Default>(
        &self,
        table: SettingsTable,
        plan_id: i64,
        rules: &T,
        actor: &str,
    ) -> Result<()> {
        let before: T = self.plan_settings(table, plan_id).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {} WHERE plan_id = $1",
            table.name()
        )))
        .bind(plan_id)
        .execute(&mut *conn)
        .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {} (plan_id, rules, updated_by, updated_at) VALUES ($1, $2, $3, $4)",
            table.name()
        )))
        .bind(plan_id)
        .bind(serde_json::to_string(rules)?)
        .bind(actor)
        .bind(now())
        .execute(&mut *conn)
        .await?;
        write.record(
            Change::new(table.action(), "plan", Some(plan_id))
                .before(&before)
                .after(rules),
        );
        write.commit().await?;
        Ok(())
    }
}

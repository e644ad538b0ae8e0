//! In-app notices (催报) to units.

use serde_json::json;
use sqlx::Row;

use luoshi_reporting::report::check_text;

use super::{Notice, rule};
use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

impl Store {
    /// Sends an in-app notice to each unit; returns how many were sent.
    pub async fn send_notices(
        &self,
        period_id: Option<i64>,
        unit_ids: &[i64],
        text: &str,
        actor: &str,
    ) -> Result<usize> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::invalid("text", "催报内容不能为空"));
        }
        check_text("text", text).map_err(rule)?;
        let mut write = self.begin_write(actor).await?;
        let at = now();
        for unit in unit_ids {
            let row = sqlx::query("INSERT INTO notices (unit_id, period_id, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(unit)
                .bind(period_id)
                .bind(text)
                .bind(actor)
                .bind(&at)
                .fetch_one(write.conn())
                .await?;
            let id: i64 = row.try_get("id")?;
            write.record(
                Change::new("notify", "notice", Some(id))
                    .after(json!({ "unit": unit, "period": period_id, "text": text })),
            );
        }
        write.commit().await?;
        Ok(unit_ids.len())
    }

    /// A unit's notices, newest first.
    pub async fn notices(&self, unit_id: i64) -> Result<Vec<Notice>> {
        let rows = sqlx::query("SELECT id, text, created_by, created_at, read_at FROM notices WHERE unit_id = $1 ORDER BY id DESC LIMIT 50")
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Notice {
                    id: r.try_get("id")?,
                    text: r.try_get("text")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                    read: r.try_get::<Option<String>, _>("read_at")?.is_some(),
                })
            })
            .collect()
    }

    pub async fn mark_notices_read(&self, unit_id: i64) -> Result<()> {
        sqlx::query("UPDATE notices SET read_at = $1 WHERE unit_id = $2 AND read_at IS NULL")
            .bind(now())
            .bind(unit_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

//! Where a headline indicator's (主要目标) monthly figures come from, and the figures the office
//! enters for indicators no task reports (growth rates and totals kept by the statistics bureau).

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// Where an indicator's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "source", content = "target_id", rename_all = "snake_case")]
pub enum IndicatorSource {
    /// The task target stating the same number, found when read.
    Auto,
    /// A target chosen by the office: its lead unit's reports.
    Target(i64),
    /// Figures the office enters month by month.
    Entered,
}

impl IndicatorSource {
    /// From the stored `source` and `target_id` columns (an unknown word reads as `auto`).
    pub fn from_columns(source: &str, target_id: Option<i64>) -> IndicatorSource {
        match (source, target_id) {
            ("target", Some(id)) => IndicatorSource::Target(id),
            ("entered", _) => IndicatorSource::Entered,
            _ => IndicatorSource::Auto,
        }
    }

    fn columns(self) -> (&'static str, Option<i64>) {
        match self {
            IndicatorSource::Auto => ("auto", None),
            IndicatorSource::Target(id) => ("target", Some(id)),
            IndicatorSource::Entered => ("entered", None),
        }
    }
}

impl Store {
    /// The plan an indicator belongs to.
    async fn indicator_plan(&self, indicator_id: i64) -> Result<i64> {
        let row = sqlx::query("SELECT plan_id FROM indicators WHERE id = $1")
            .bind(indicator_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "主要目标",
                id: indicator_id.to_string(),
            })?;
        Ok(row.try_get("plan_id")?)
    }

    /// Sets where the indicator's figures come from; a chosen target must be of the same plan.
    pub async fn set_indicator_source(
        &self,
        indicator_id: i64,
        source: IndicatorSource,
        actor: &str,
    ) -> Result<IndicatorSource> {
        let plan = self.indicator_plan(indicator_id).await?;
        if let IndicatorSource::Target(target) = source {
            let same_plan = sqlx::query("SELECT g.id FROM targets g JOIN tasks t ON t.id = g.task_id WHERE g.id = $1 AND t.plan_id = $2")
                .bind(target)
                .bind(plan)
                .fetch_optional(&self.pool)
                .await?;
            if same_plan.is_none() {
                return Err(StoreError::invalid(
                    "target_id",
                    format!("指标 {target} 不是本方案的任务指标"),
                ));
            }
        }
        let (word, target) = source.columns();
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let before = sqlx::query("SELECT source, target_id FROM indicators WHERE id = $1")
            .bind(indicator_id)
            .fetch_one(&mut *conn)
            .await?;
        let before = IndicatorSource::from_columns(
            &before.try_get::<String, _>("source")?,
            before.try_get("target_id")?,
        );
        sqlx::query("UPDATE indicators SET source = $1, target_id = $2 WHERE id = $3")
            .bind(word)
            .bind(target)
            .bind(indicator_id)
            .execute(&mut *conn)
            .await?;
        write.record(
            Change::new("set_source", "indicator", Some(indicator_id))
                .before(json!(before))
                .after(json!(source)),
        );
        write.commit().await?;
        Ok(source)
    }

    /// Enters (or, with `None`, clears) the indicator's figure for `month` (1–12): cumulative
    /// for totals, the level reached for rates.
    pub async fn set_indicator_value(
        &self,
        indicator_id: i64,
        month: u32,
        value: Option<f64>,
        actor: &str,
    ) -> Result<()> {
        self.set_indicator_values(indicator_id, &[(month, value)], actor)
            .await
    }

    /// Enters or clears several months' figures in one transaction: every month and figure is
    /// checked before anything is written, and only the months whose figure changes are written
    /// and audited.
    pub async fn set_indicator_values(
        &self,
        indicator_id: i64,
        figures: &[(u32, Option<f64>)],
        actor: &str,
    ) -> Result<()> {
        for (month, value) in figures {
            if !(1..=12).contains(month) {
                return Err(StoreError::invalid(
                    "month",
                    format!("月份须在 1–12 之间（填了 {month}）"),
                ));
            }
            if let Some(v) = value
                && !v.is_finite()
            {
                return Err(StoreError::invalid(
                    "value",
                    format!("{month} 月的数值无法识别"),
                ));
            }
        }
        self.indicator_plan(indicator_id).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let mut stored: Vec<(u32, f64)> = Vec::new();
        for r in sqlx::query("SELECT month, value FROM indicator_values WHERE indicator_id = $1")
            .bind(indicator_id)
            .fetch_all(&mut *conn)
            .await?
        {
            stored.push((
                u32::try_from(r.try_get::<i64, _>("month")?).unwrap_or(0),
                r.try_get("value")?,
            ));
        }
        let mut changes = Vec::new();
        for &(month, value) in figures {
            let before = stored.iter().find(|(m, _)| *m == month).map(|(_, v)| *v);
            if before == value {
                continue;
            }
            sqlx::query("DELETE FROM indicator_values WHERE indicator_id = $1 AND month = $2")
                .bind(indicator_id)
                .bind(i64::from(month))
                .execute(&mut *conn)
                .await?;
            if let Some(v) = value {
                sqlx::query("INSERT INTO indicator_values (indicator_id, month, value, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(indicator_id)
                    .bind(i64::from(month))
                    .bind(v)
                    .bind(actor)
                    .bind(now())
                    .execute(&mut *conn)
                    .await?;
            }
            changes.push(
                Change::new("set_value", "indicator", Some(indicator_id))
                    .before(json!({ "month": month, "value": before }))
                    .after(json!({ "month": month, "value": value })),
            );
        }
        if changes.is_empty() {
            // Nothing changes: no transaction to commit, nothing to audit.
            return Ok(());
        }
        for change in changes {
            write.record(change);
        }
        write.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_round_trip_through_their_columns() {
        for source in [
            IndicatorSource::Auto,
            IndicatorSource::Target(7),
            IndicatorSource::Entered,
        ] {
            let (word, target) = source.columns();
            assert_eq!(IndicatorSource::from_columns(word, target), source);
        }
        assert_eq!(
            IndicatorSource::from_columns("target", None),
            IndicatorSource::Auto,
            "a chosen target that was deleted falls back to auto"
        );
        assert_eq!(
            serde_json::to_value(IndicatorSource::Target(7)).expect("json"),
            json!({ "source": "target", "target_id": 7 })
        );
    }
}

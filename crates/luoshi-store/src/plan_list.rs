//! Which plan a page without one of its own should point at.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, Store};

/// A plan as navigation needs it: its id and whether it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanRef {
    pub id: i64,
    pub published: bool,
}

impl Store {
    /// The newest published plan; else, when `drafts` is set, the newest draft.
    pub async fn latest_plan(&self, drafts: bool) -> Result<Option<PlanRef>> {
        let mut conn = self.conn().await?;
        let row = sqlx::query(
            "SELECT id, status FROM plans WHERE status = 'published' OR $1 \
             ORDER BY CASE WHEN status = 'published' THEN 0 ELSE 1 END, id DESC LIMIT 1",
        )
        .bind(drafts)
        .fetch_optional(&mut *conn)
        .await?;
        row.as_ref().map(plan_ref).transpose()
    }

    /// `plan_id` as navigation needs it, if it exists.
    pub async fn plan_ref(&self, plan_id: i64) -> Result<Option<PlanRef>> {
        let mut conn = self.conn().await?;
        let row = sqlx::query("SELECT id, status FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(plan_ref).transpose()
    }

    /// Whether `unit_id` has any assignment (lead or responsible, any month) in `plan_id`.
    pub async fn unit_in_plan(&self, plan_id: i64, unit_id: i64) -> Result<bool> {
        let mut conn = self.conn().await?;
        let row = sqlx::query(
            "SELECT 1 AS one FROM assignments WHERE plan_id = $1 AND unit_id = $2 LIMIT 1",
        )
        .bind(plan_id)
        .bind(unit_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(row.is_some())
    }
}

fn plan_ref(r: &AnyRow) -> Result<PlanRef> {
    Ok(PlanRef {
        id: r.try_get("id")?,
        published: r.try_get::<String, _>("status")? == "published",
    })
}

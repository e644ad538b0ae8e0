//! 政策支持 as the plan prints it (`给予最高100万元奖励`): stored with its task at import, read for
//! the task page, the API and the plan's 政策支持 sheet. Never evaluated, never asked for in a
//! report.

use luoshi_extract::SupportMeasure;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::import::qualifier_name;
use crate::{Result, Store};

/// One support measure of a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupportRow {
    pub id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    /// The clause that states it, as printed.
    pub text: String,
    pub value: f64,
    pub max: Option<f64>,
    pub unit: String,
    /// `exact`, `at_most` (最高 / 不超过), `at_least`, …
    pub qualifier: String,
    /// `funding`, `rate`, `duration` or `quota`.
    pub kind: String,
    /// The sentence around it: what it is given for.
    pub purpose: String,
}

pub(crate) async fn insert_support(
    conn: &mut AnyConnection,
    task_id: i64,
    measures: &[SupportMeasure],
) -> Result<()> {
    for (ord, m) in measures.iter().enumerate() {
        let kind = serde_json::to_value(m.kind)?
            .as_str()
            .unwrap_or_default()
            .to_string();
        sqlx::query(
            "INSERT INTO support_measures (task_id, ord, text, value, max_value, unit, qualifier, kind, purpose) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(task_id)
        .bind(ord as i64)
        .bind(&m.text)
        .bind(m.value)
        .bind(m.max)
        .bind(&m.unit)
        .bind(qualifier_name(m.qualifier))
        .bind(kind)
        .bind(&m.purpose)
        .persistent(false) // an optional f64 is bound; see edit::insert_target
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

macro_rules! select_support {
    ($where_order:literal) => {
        concat!(
            "SELECT s.id, s.task_id, t.path, t.title, s.text, s.value, s.max_value, s.unit, s.qualifier, s.kind, s.purpose FROM support_measures s JOIN tasks t ON t.id = s.task_id ",
            $where_order
        )
    };
}

fn row(r: &sqlx::any::AnyRow) -> Result<SupportRow> {
    Ok(SupportRow {
        id: r.try_get("id")?,
        task_id: r.try_get("task_id")?,
        task_path: r.try_get("path")?,
        task_title: r.try_get("title")?,
        text: r.try_get("text")?,
        value: r.try_get("value")?,
        max: r.try_get("max_value")?,
        unit: r.try_get("unit")?,
        qualifier: r.try_get("qualifier")?,
        kind: r.try_get("kind")?,
        purpose: r.try_get("purpose")?,
    })
}

pub(crate) async fn support_of_task(
    conn: &mut AnyConnection,
    task_id: i64,
) -> Result<Vec<SupportRow>> {
    sqlx::query(select_support!("WHERE s.task_id = $1 ORDER BY s.ord"))
        .bind(task_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(row)
        .collect()
}

impl Store {
    /// Every support measure of a plan, task by task.
    pub async fn support_measures(&self, plan_id: i64) -> Result<Vec<SupportRow>> {
        self.ensure_plan(plan_id).await?;
        let mut conn = self.conn().await?;
        sqlx::query(select_support!(
            "WHERE t.plan_id = $1 ORDER BY t.ord, s.ord"
        ))
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(row)
        .collect()
    }
}

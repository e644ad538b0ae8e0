//! The office's entries for the annual assessment: one review mark per district or unit (the
//! latest counts) and any number of bonus and deduction items, each with its reason.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessmentItem {
    pub id: i64,
    /// The district or unit, as ranked (江岸区, 市科技局).
    pub subject: String,
    /// `review`, `bonus` or `deduction`.
    pub kind: String,
    /// Positive; a deduction subtracts it.
    pub points: f64,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessmentItemInput {
    pub subject: String,
    pub kind: String,
    pub points: f64,
    pub reason: String,
}

impl Store {
    pub async fn assessment_items(&self, plan_id: i64) -> Result<Vec<AssessmentItem>> {
        let rows = sqlx::query("SELECT id, subject, kind, points, reason, created_by, created_at FROM assessment_items WHERE plan_id = $1 ORDER BY id")
            .bind(plan_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AssessmentItem {
                    id: r.try_get("id")?,
                    subject: r.try_get("subject")?,
                    kind: r.try_get("kind")?,
                    points: r.try_get("points")?,
                    reason: r.try_get("reason")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Records a review mark (out of `max_review`), a bonus or a deduction.
    pub async fn add_assessment_item(
        &self,
        plan_id: i64,
        input: &AssessmentItemInput,
        max_review: f64,
        actor: &str,
    ) -> Result<i64> {
        let subject = input.subject.trim();
        let reason = input.reason.trim();
        if subject.is_empty() {
            return Err(StoreError::invalid("subject", "请指定区或单位"));
        }
        if !matches!(input.kind.as_str(), "review" | "bonus" | "deduction") {
            return Err(StoreError::invalid(
                "kind",
                format!(
                    "「{}」无效：应为 review（评议分）、bonus（加分）或 deduction（减分）",
                    input.kind
                ),
            ));
        }
        if !input.points.is_finite() || input.points < 0.0 {
            return Err(StoreError::invalid("points", "分值须为不小于 0 的数字"));
        }
        if input.kind == "review" && input.points > max_review {
            return Err(StoreError::invalid(
                "points",
                format!("评议分满分为 {max_review}，填了 {}", input.points),
            ));
        }
        if input.kind != "review" && (input.points == 0.0 || input.points > 20.0) {
            return Err(StoreError::invalid(
                "points",
                format!("加分、减分每项须在 0 到 20 分之间（填了 {}）", input.points),
            ));
        }
        if reason.is_empty() {
            return Err(StoreError::invalid("reason", "请写明依据"));
        }
        let mut write = self.begin_write(actor).await?;
        let row = sqlx::query("INSERT INTO assessment_items (plan_id, subject, kind, points, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(plan_id)
            .bind(subject)
            .bind(&input.kind)
            .bind(input.points)
            .bind(reason)
            .bind(actor)
            .bind(now())
            .fetch_one(write.conn())
            .await?;
        let id: i64 = row.try_get("id")?;
        write.record(Change::new("add", "assessment_item", Some(id)).after(json!({
            "plan": plan_id, "subject": subject, "kind": input.kind, "points": input.points, "reason": reason,
        })));
        write.commit().await?;
        Ok(id)
    }

    pub async fn delete_assessment_item(&self, plan_id: i64, id: i64, actor: &str) -> Result<()> {
        let items = self.assessment_items(plan_id).await?;
        let Some(item) = items.into_iter().find(|i| i.id == id) else {
            return Err(StoreError::NotFound {
                entity: "考核记录",
                id: id.to_string(),
            });
        };
        let mut write = self.begin_write(actor).await?;
        sqlx::query("DELETE FROM assessment_items WHERE id = $1")
            .bind(id)
            .execute(write.conn())
            .await?;
        write.record(Change::new("delete", "assessment_item", Some(id)).before(&item));
        write.commit().await
    }
}

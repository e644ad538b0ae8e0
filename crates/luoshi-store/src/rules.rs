//! The evaluation and assessment rules of a plan: the gap thresholds, when a target not started
//! turns red, the tolerance of 左右, and the assessment's weights and deductions. Plans without
//! their own use DESIGN.md's.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanRules {
    /// On pace while the gap is at most this many percentage points.
    pub on_pace_gap: f64,
    /// Seriously lagging beyond this many points.
    pub serious_gap: f64,
    /// A target not started turns seriously lagging after this many months.
    pub not_started_serious_after: i64,
    /// 左右 targets are met within this fraction either side.
    pub about_tolerance: f64,
    pub completion_weight: f64,
    pub discipline_weight: f64,
    pub review_weight: f64,
    pub late_deduction: f64,
    pub missing_deduction: f64,
}

impl Default for PlanRules {
    fn default() -> PlanRules {
        PlanRules {
            on_pace_gap: 10.0,
            serious_gap: 30.0,
            not_started_serious_after: 3,
            about_tolerance: 0.10,
            completion_weight: 70.0,
            discipline_weight: 20.0,
            review_weight: 10.0,
            late_deduction: 1.0,
            missing_deduction: 2.0,
        }
    }
}

impl PlanRules {
    /// The first rule that does not hold, as (field, message).
    fn check(&self) -> Result<()> {
        let bad = |field: &str, message: String| Err(StoreError::invalid(field, message));
        let numbers = [
            self.on_pace_gap,
            self.serious_gap,
            self.about_tolerance,
            self.completion_weight,
            self.discipline_weight,
            self.review_weight,
            self.late_deduction,
            self.missing_deduction,
        ];
        if numbers.iter().any(|n| !n.is_finite() || *n < 0.0) {
            return bad("rules", "各项取值须为不小于 0 的数字".into());
        }
        if !(self.on_pace_gap > 0.0
            && self.on_pace_gap < self.serious_gap
            && self.serious_gap <= 100.0)
        {
            return bad(
                "serious_gap",
                format!(
                    "须满足 0 < 符合序时的差距（{}）< 严重滞后的差距（{}）≤ 100",
                    self.on_pace_gap, self.serious_gap
                ),
            );
        }
        if !(0..=12).contains(&self.not_started_serious_after) {
            return bad(
                "not_started_serious_after",
                "未启动转为严重滞后的月数须在 0–12 之间".into(),
            );
        }
        if self.about_tolerance > 0.5 {
            return bad("about_tolerance", "“左右”的容差不能超过 50%".into());
        }
        let total = self.completion_weight + self.discipline_weight + self.review_weight;
        if (total - 100.0).abs() > 1e-9 {
            return bad(
                "completion_weight",
                format!("目标完成、报送纪律、评议三项权重之和须为 100（现为 {total}）"),
            );
        }
        Ok(())
    }
}

impl Store {
    /// The plan's rules (DESIGN.md's when it has none of its own).
    pub async fn plan_rules(&self, plan_id: i64) -> Result<PlanRules> {
        self.plan(plan_id).await?;
        let row = sqlx::query("SELECT on_pace_gap, serious_gap, not_started_serious_after, about_tolerance, completion_weight, discipline_weight, review_weight, late_deduction, missing_deduction FROM plan_rules WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else {
            return Ok(PlanRules::default());
        };
        Ok(PlanRules {
            on_pace_gap: r.try_get("on_pace_gap")?,
            serious_gap: r.try_get("serious_gap")?,
            not_started_serious_after: r.try_get("not_started_serious_after")?,
            about_tolerance: r.try_get("about_tolerance")?,
            completion_weight: r.try_get("completion_weight")?,
            discipline_weight: r.try_get("discipline_weight")?,
            review_weight: r.try_get("review_weight")?,
            late_deduction: r.try_get("late_deduction")?,
            missing_deduction: r.try_get("missing_deduction")?,
        })
    }

    /// Sets the plan's rules, checked, recorded with what they were before.
    pub async fn set_plan_rules(
        &self,
        plan_id: i64,
        rules: &PlanRules,
        actor: &str,
    ) -> Result<PlanRules> {
        rules.check()?;
        let before = self.plan_rules(plan_id).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        sqlx::query("DELETE FROM plan_rules WHERE plan_id = $1")
            .bind(plan_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("INSERT INTO plan_rules (plan_id, on_pace_gap, serious_gap, not_started_serious_after, about_tolerance, completion_weight, discipline_weight, review_weight, late_deduction, missing_deduction, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
            .bind(plan_id)
            .bind(rules.on_pace_gap)
            .bind(rules.serious_gap)
            .bind(rules.not_started_serious_after)
            .bind(rules.about_tolerance)
            .bind(rules.completion_weight)
            .bind(rules.discipline_weight)
            .bind(rules.review_weight)
            .bind(rules.late_deduction)
            .bind(rules.missing_deduction)
            .bind(actor)
            .bind(now())
            .execute(&mut *conn)
            .await?;
        write.record(
            Change::new("set_rules", "plan", Some(plan_id))
                .before(&before)
                .after(json!(rules)),
        );
        write.commit().await?;
        Ok(rules.clone())
    }
}

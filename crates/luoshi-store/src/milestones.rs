//! Milestones (节点) on targets: by the end of a month, this fraction of the value is due. Set by
//! the office; a target with milestones is paced by them instead of by equal monthly steps.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Milestone {
    /// 1–12.
    pub month: u32,
    /// Share of the year's value due by the end of the month, 0–1.
    pub fraction: f64,
}

/// Months 1–12, each once, fractions between 0 and 1 that never go down.
fn check(milestones: &[Milestone]) -> Result<Vec<Milestone>> {
    let mut sorted = milestones.to_vec();
    sorted.sort_by_key(|m| m.month);
    for (i, m) in sorted.iter().enumerate() {
        let field = format!("milestones[{i}]");
        if !(1..=12).contains(&m.month) {
            return Err(StoreError::invalid(
                field,
                format!("月份须在 1–12 之间（填了 {}）", m.month),
            ));
        }
        if !m.fraction.is_finite() || !(0.0..=1.0).contains(&m.fraction) {
            return Err(StoreError::invalid(
                field,
                format!("{} 月的节点进度须在 0–100% 之间", m.month),
            ));
        }
        if let Some(before) = i.checked_sub(1).and_then(|j| sorted.get(j)) {
            if before.month == m.month {
                return Err(StoreError::invalid(
                    field,
                    format!("{} 月的节点填了两次", m.month),
                ));
            }
            if m.fraction < before.fraction {
                return Err(StoreError::invalid(
                    field,
                    format!("{} 月的节点进度低于 {} 月的", m.month, before.month),
                ));
            }
        }
    }
    Ok(sorted)
}

impl Store {
    pub async fn milestones(&self, target_id: i64) -> Result<Vec<Milestone>> {
        let rows = sqlx::query(
            "SELECT month, fraction FROM target_milestones WHERE target_id = $1 ORDER BY month",
        )
        .bind(target_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Milestone {
                    month: u32::try_from(r.try_get::<i64, _>("month")?).unwrap_or(0),
                    fraction: r.try_get("fraction")?,
                })
            })
            .collect()
    }

    /// Replaces a target's milestones (an empty list: back to monthly steps).
    pub async fn set_milestones(
        &self,
        target_id: i64,
        milestones: &[Milestone],
        actor: &str,
    ) -> Result<Vec<Milestone>> {
        let sorted = check(milestones)?;
        let exists = sqlx::query("SELECT id FROM targets WHERE id = $1")
            .bind(target_id)
            .fetch_optional(&self.pool)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                entity: "指标",
                id: target_id.to_string(),
            });
        }
        let before = self.milestones(target_id).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        sqlx::query("DELETE FROM target_milestones WHERE target_id = $1")
            .bind(target_id)
            .execute(&mut *conn)
            .await?;
        for m in &sorted {
            sqlx::query(
                "INSERT INTO target_milestones (target_id, month, fraction) VALUES ($1, $2, $3)",
            )
            .bind(target_id)
            .bind(i64::from(m.month))
            .bind(m.fraction)
            .execute(&mut *conn)
            .await?;
        }
        write.record(
            Change::new("set_milestones", "target", Some(target_id))
                .before(&before)
                .after(json!(sorted)),
        );
        write.commit().await?;
        Ok(sorted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(month: u32, fraction: f64) -> Milestone {
        Milestone { month, fraction }
    }

    #[test]
    fn milestones_are_checked() {
        assert_eq!(
            check(&[m(12, 1.0), m(6, 0.3)]).expect("ok"),
            vec![m(6, 0.3), m(12, 1.0)]
        );
        assert!(check(&[m(13, 1.0)]).is_err());
        assert!(check(&[m(6, 1.2)]).is_err());
        assert!(check(&[m(6, 0.5), m(6, 0.6)]).is_err());
        let e = check(&[m(6, 0.5), m(9, 0.4)]).expect_err("going down");
        assert!(e.to_string().contains("9 月的节点进度低于 6 月的"), "{e}");
        assert!(check(&[]).expect("none").is_empty());
    }
}

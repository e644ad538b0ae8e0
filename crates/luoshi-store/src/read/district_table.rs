//! The district table (一区一表): every task a district leads or shares, every target it owes a
//! share of, its focuses and the rows added for it by hand. A query over the ledger, not a copy,
//! cached per ledger version.

use sqlx::Row;

use super::{district_row, plan_units};
use crate::rows::*;
use crate::{Result, Store};

impl Store {
    /// The district's table (一区一表) in a plan: every task it leads or shares, every target it
    /// owes a share of, its focuses and the rows added for it by hand.
    pub async fn district_table(&self, plan_id: i64, district: &str) -> Result<DistrictTable> {
        let version = self.version().await?;
        let key = (plan_id, district.trim().to_string());
        if let Some(table) = self.district_tables.get(&key, version) {
            return Ok((*table).clone());
        }
        let table = self.district_table_uncached(plan_id, district).await?;
        self.district_tables
            .put(key, version, std::sync::Arc::new(table.clone()));
        Ok(table)
    }

    /// A handful of queries, whatever the plan's size.
    async fn district_table_uncached(&self, plan_id: i64, district: &str) -> Result<DistrictTable> {
        self.ensure_plan(plan_id).await?;
        let district_id = self.district_id(district.trim()).await?;
        let mut conn = self.conn().await?;
        let d = sqlx::query("SELECT d.id, d.name, d.grp, d.zone, u.name AS government FROM districts d JOIN units u ON u.id = d.unit_id WHERE d.id = $1").bind(district_id).fetch_one(&mut *conn).await?;
        let district = district_row(&d)?;
        let tasks = sqlx::query(
            "SELECT t.id, t.path, t.title, t.deadline, \
             (SELECT MIN(a.role) FROM assignments a WHERE a.task_id = t.id AND a.district_id = $2) AS role \
             FROM tasks t WHERE t.plan_id = $1 AND (EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.district_id = $2) \
             OR EXISTS (SELECT 1 FROM targets g JOIN target_shares s ON s.target_id = g.id WHERE g.task_id = t.id AND s.district_id = $2)) ORDER BY t.ord",
        )
        .bind(plan_id)
        .bind(district_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut units = plan_units(&mut conn, plan_id).await?;
        let mut targets: std::collections::HashMap<i64, Vec<DistrictTarget>> =
            std::collections::HashMap::new();
        let target_rows = sqlx::query(
            "SELECT g.task_id, g.id, g.text, g.value, g.unit, g.qualifier, g.kind, s.value AS share, s.source FROM targets g JOIN tasks t ON t.id = g.task_id \
             LEFT JOIN target_shares s ON s.target_id = g.id AND s.district_id = $2 WHERE t.plan_id = $1 ORDER BY g.task_id, g.ord",
        )
        .bind(plan_id)
        .bind(district_id)
        .fetch_all(&mut *conn)
        .await?;
        for g in &target_rows {
            let share: Option<f64> = g.try_get("share")?;
            let source: Option<String> = if g.try_get::<String, _>("kind")? == "existing_count" {
                Some("existing".to_string())
            } else {
                g.try_get("source")?
            };
            targets
                .entry(g.try_get("task_id")?)
                .or_default()
                .push(DistrictTarget {
                    target_id: Some(g.try_get("id")?),
                    text: g.try_get("text")?,
                    value: share.or(g.try_get("value")?),
                    unit: Some(g.try_get("unit")?),
                    qualifier: Some(g.try_get("qualifier")?),
                    source: source.unwrap_or_else(|| "city".to_string()),
                });
        }
        let mut rows = Vec::with_capacity(tasks.len());
        for t in &tasks {
            let id: i64 = t.try_get("id")?;
            let (lead, responsible) = units.remove(&id).unwrap_or_default();
            let role: Option<String> = t.try_get("role")?;
            rows.push(DistrictTableRow {
                task_id: Some(id),
                path: t.try_get("path")?,
                title: t.try_get("title")?,
                role: role.unwrap_or_else(|| "share".to_string()),
                lead,
                responsible,
                targets: targets.remove(&id).unwrap_or_default(),
                deadline: t.try_get("deadline")?,
                note: None,
                hand_added: false,
            });
        }
        let hand = sqlx::query("SELECT r.id, r.task_id, r.text, r.value, r.unit, r.deadline, r.note, t.path, t.title FROM district_rows r LEFT JOIN tasks t ON t.id = r.task_id WHERE r.plan_id = $1 AND r.district_id = $2 ORDER BY r.id")
            .bind(plan_id)
            .bind(district_id)
            .fetch_all(&mut *conn)
            .await?;
        for (i, r) in hand.iter().enumerate() {
            let text: String = r.try_get("text")?;
            let path: Option<String> = r.try_get("path")?;
            rows.push(DistrictTableRow {
                task_id: r.try_get("task_id")?,
                path: path.unwrap_or_else(|| format!("补{}", i + 1)),
                title: r
                    .try_get::<Option<String>, _>("title")?
                    .unwrap_or_else(|| text.clone()),
                role: "lead".to_string(),
                lead: vec![district.government.clone()],
                responsible: Vec::new(),
                targets: vec![DistrictTarget {
                    target_id: None,
                    text,
                    value: r.try_get("value")?,
                    unit: r.try_get("unit")?,
                    qualifier: None,
                    source: "manual".to_string(),
                }],
                deadline: r.try_get("deadline")?,
                note: r.try_get("note")?,
                hand_added: true,
            });
        }
        let focuses = sqlx::query("SELECT f.items FROM focuses f JOIN tasks t ON t.id = f.task_id WHERE t.plan_id = $1 AND f.district_id = $2 ORDER BY t.ord, f.ord")
            .bind(plan_id)
            .bind(district_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|f| Ok(serde_json::from_str::<Vec<String>>(&f.try_get::<String, _>("items")?)?))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect();
        Ok(DistrictTable {
            plan_id,
            district,
            rows,
            focuses,
        })
    }
}

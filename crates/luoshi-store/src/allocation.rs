//! The allocation grid (目标分解): every city target of a plan against every district, with
//! each district's share in force and the office's note; saved all at once (the page's form or
//! an uploaded spreadsheet), all or nothing, every change audited.

use std::collections::HashMap;

use luoshi_reporting::{Day, Months};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::shares::{Holder, effective_from, set_shares_in};
use crate::{Result, Store, StoreError};

/// One city target's row of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AllocationRow {
    pub target_id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    pub text: String,
    pub value: f64,
    pub unit: String,
    /// The task's lead unit(s) as the plan names them.
    pub lead: String,
    /// Each district's share in force, in the order of [`Allocation::districts`].
    pub shares: Vec<Option<f64>>,
    /// The districts assigned to the task (a share elsewhere is one nobody reports on).
    pub assigned: Vec<bool>,
    /// The task's responsible units (not district governments) with the share each holds.
    pub units: Vec<UnitShare>,
    pub note: String,
}

/// A responsible unit and its share of a target, if it holds one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitShare {
    pub unit: String,
    pub share: Option<f64>,
}

impl AllocationRow {
    /// The sum of the shares given, to districts and to units.
    pub fn allocated(&self) -> f64 {
        self.shares.iter().flatten().sum::<f64>()
            + self.units.iter().filter_map(|u| u.share).sum::<f64>()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Allocation {
    pub plan_id: i64,
    pub districts: Vec<String>,
    pub rows: Vec<AllocationRow>,
}

/// One target's shares and note as the office sets them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AllocationInput {
    pub target_id: i64,
    /// A district left out holds no share.
    pub shares: Vec<DistrictShare>,
    /// Shares of the task's responsible units; a unit left out holds none.
    #[serde(default)]
    pub unit_shares: Vec<UnitShareInput>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitShareInput {
    pub unit: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistrictShare {
    pub district: String,
    pub value: f64,
}

impl Store {
    /// The plan's allocation grid: its city targets (not 分别 targets, whose every member owes
    /// the whole, nor counts of what exists) against the districts assigned in the plan.
    pub async fn allocation(&self, plan_id: i64) -> Result<Allocation> {
        let plan = self.plan(plan_id).await?;
        let mut conn = self.pool.acquire().await?;
        let mut districts: Vec<(i64, String)> = sqlx::query("SELECT DISTINCT d.id, d.name FROM districts d JOIN assignments a ON a.district_id = d.id WHERE a.plan_id = $1 ORDER BY d.id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
            .collect::<Result<_>>()?;
        if districts.is_empty() {
            districts = sqlx::query("SELECT id, name FROM districts ORDER BY id")
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
                .collect::<Result<_>>()?;
        }
        let column: HashMap<i64, usize> = districts
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        let targets = sqlx::query("SELECT g.id, g.task_id, t.path, t.title, g.text, g.value, g.unit, g.allocation_note, (SELECT string_agg(u.printed, '、') FROM task_units u WHERE u.task_id = t.id AND u.role = 'lead') AS lead FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1 AND g.per_each IS NULL AND g.kind <> 'existing_count' ORDER BY t.ord, g.ord")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        let shares = sqlx::query("SELECT s.target_id, s.district_id, s.value, s.months_due FROM target_shares s JOIN targets g ON g.id = s.target_id JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        let assigned = sqlx::query("SELECT DISTINCT task_id, district_id FROM assignments WHERE plan_id = $1 AND district_id IS NOT NULL")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        let published = plan.status == "published";
        let mut rows: Vec<AllocationRow> = Vec::with_capacity(targets.len());
        let mut row_of: HashMap<i64, usize> = HashMap::new();
        for t in &targets {
            let target_id: i64 = t.try_get("id")?;
            row_of.insert(target_id, rows.len());
            rows.push(AllocationRow {
                target_id,
                task_id: t.try_get("task_id")?,
                task_path: t.try_get("path")?,
                task_title: t.try_get("title")?,
                text: t.try_get("text")?,
                value: t.try_get("value")?,
                unit: t.try_get("unit")?,
                lead: t.try_get::<Option<String>, _>("lead")?.unwrap_or_default(),
                shares: vec![None; districts.len()],
                assigned: vec![false; districts.len()],
                units: Vec::new(),
                note: t
                    .try_get::<Option<String>, _>("allocation_note")?
                    .unwrap_or_default(),
            });
        }
        for s in &shares {
            let months = Months::from_bits(s.try_get("months_due")?);
            // A share an amendment took away keeps its months but is no longer in force.
            if published && !months.contains(12) {
                continue;
            }
            let (Some(row), Some(col)) = (
                row_of.get(&s.try_get::<i64, _>("target_id")?),
                column.get(&s.try_get::<i64, _>("district_id")?),
            ) else {
                continue;
            };
            rows[*row].shares[*col] = Some(s.try_get("value")?);
        }
        let by_task: HashMap<i64, Vec<usize>> =
            rows.iter()
                .enumerate()
                .fold(HashMap::new(), |mut m, (i, r)| {
                    m.entry(r.task_id).or_default().push(i);
                    m
                });
        for a in &assigned {
            let (task, district): (i64, i64) = (a.try_get("task_id")?, a.try_get("district_id")?);
            if let (Some(list), Some(col)) = (by_task.get(&task), column.get(&district)) {
                for i in list {
                    rows[*i].assigned[*col] = true;
                }
            }
        }
        // Each task's responsible units, and the shares they hold.
        let responsible = sqlx::query("SELECT DISTINCT a.task_id, u.id, u.name FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.plan_id = $1 AND a.role = 'responsible' AND a.district_id IS NULL AND u.kind <> 'unspecified' AND a.months_due >= 2048 ORDER BY u.id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        let unit_shares: HashMap<(i64, i64), f64> = sqlx::query("SELECT s.target_id, s.unit_id, s.value, s.months_due FROM target_unit_shares s JOIN targets g ON g.id = s.target_id JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .filter(|r| {
                !published
                    || r.try_get("months_due")
                        .is_ok_and(|m| Months::from_bits(m).contains(12))
            })
            .map(|r| Ok(((r.try_get("target_id")?, r.try_get("unit_id")?), r.try_get("value")?)))
            .collect::<Result<_>>()?;
        for r in &responsible {
            let (task, unit, name): (i64, i64, String) =
                (r.try_get("task_id")?, r.try_get("id")?, r.try_get("name")?);
            for i in by_task.get(&task).into_iter().flatten() {
                let row = &mut rows[*i];
                row.units.push(UnitShare {
                    share: unit_shares.get(&(row.target_id, unit)).copied(),
                    unit: name.clone(),
                });
            }
        }
        Ok(Allocation {
            plan_id,
            districts: districts.into_iter().map(|(_, n)| n).collect(),
            rows,
        })
    }

    /// Sets the shares and notes of many targets of a plan in one transaction: all or nothing.
    /// Targets whose shares and note are unchanged are left alone (nothing audited for them).
    /// `places` name each input in messages (`rows[3]`, a spreadsheet row). Returns how many
    /// targets changed.
    pub async fn set_allocation(
        &self,
        plan_id: i64,
        inputs: &[AllocationInput],
        places: &[String],
        today: Day,
        actor: &str,
    ) -> Result<usize> {
        let current = self.allocation(plan_id).await?;
        let mut write = self.begin_write(actor).await?;
        // One effective month for every share the save sets.
        let from = effective_from(write.conn(), plan_id, today).await?;
        let mut changed = 0;
        for (i, input) in inputs.iter().enumerate() {
            let place = places
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("rows[{i}]"));
            let Some(row) = current.rows.iter().find(|r| r.target_id == input.target_id) else {
                return Err(StoreError::invalid(
                    format!("{place}.target_id"),
                    format!("指标编号 {} 不是本方案可分解的全市目标", input.target_id),
                ));
            };
            let note = input.note.trim();
            if note.chars().count() > 500 {
                return Err(StoreError::invalid(
                    format!("{place}.note"),
                    "备注过长（超过 500 字）",
                ));
            }
            let before: Vec<(String, f64)> = current
                .districts
                .iter()
                .zip(&row.shares)
                .filter_map(|(d, s)| Some((d.clone(), (*s)?)))
                .collect();
            let given: Vec<(String, f64)> = input
                .shares
                .iter()
                .map(|s| (s.district.trim().to_string(), s.value))
                .collect();
            let mut after = given.clone();
            after.sort_by_key(|(d, _)| current.districts.iter().position(|x| x == d));
            let units_before: Vec<(String, f64)> = row
                .units
                .iter()
                .filter_map(|u| Some((u.unit.clone(), u.share?)))
                .collect();
            let units_given: Vec<(String, f64)> = input
                .unit_shares
                .iter()
                .map(|s| (s.unit.trim().to_string(), s.value))
                .collect();
            let mut units_after = units_given.clone();
            units_after.sort_by_key(|(u, _)| row.units.iter().position(|x| x.unit == *u));
            if after != before || note != row.note || units_after != units_before {
                changed += 1;
            }
            if units_after != units_before {
                let change = set_shares_in(
                    write.conn(),
                    Holder::Unit,
                    input.target_id,
                    &units_given,
                    from,
                    &format!("{place}.unit_shares"),
                )
                .await?;
                write.record(change);
            }
            if after != before {
                let change = set_shares_in(
                    write.conn(),
                    Holder::District,
                    input.target_id,
                    &given,
                    from,
                    &format!("{place}.shares"),
                )
                .await?;
                write.record(change);
            }
            if note != row.note {
                sqlx::query("UPDATE targets SET allocation_note = $1 WHERE id = $2")
                    .bind((!note.is_empty()).then_some(note))
                    .bind(input.target_id)
                    .execute(write.conn())
                    .await?;
                write.record(
                    Change::new("set_allocation_note", "target", Some(input.target_id))
                        .before(json!({ "note": row.note }))
                        .after(json!({ "note": note })),
                );
            }
        }
        write.commit().await?;
        Ok(changed)
    }
}

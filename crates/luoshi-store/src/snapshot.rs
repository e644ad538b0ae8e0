//! Everything the evaluation of one plan needs, read in a handful of queries: its months, numeric
//! targets, assignments, district shares, reports and reported values. Plain data; the rules in
//! `luoshi-evaluation` and the outputs work from it without touching the database.

use serde::Serialize;
use sqlx::Row;

use crate::periods::{PeriodRow, period_row};
use crate::rows::PlanSummary;
use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapTarget {
    pub id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    pub section_path: String,
    pub text: String,
    pub value: f64,
    pub max: Option<f64>,
    pub unit: String,
    pub qualifier: String,
    pub aspirational: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapAssignment {
    pub id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    pub unit_id: i64,
    pub unit: String,
    /// `lead` or `responsible`.
    pub role: String,
    pub district: Option<String>,
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapReport {
    pub assignment_id: i64,
    /// 1–12.
    pub month: u32,
    pub status: String,
    pub late: bool,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub coordination: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapValue {
    pub assignment_id: i64,
    pub month: u32,
    pub target_id: i64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub plan: PlanSummary,
    /// The plan's months, January first.
    pub months: Vec<PeriodRow>,
    pub targets: Vec<SnapTarget>,
    pub assignments: Vec<SnapAssignment>,
    /// `(target id, district, value)`.
    pub shares: Vec<(i64, String, f64)>,
    pub reports: Vec<SnapReport>,
    pub values: Vec<SnapValue>,
    /// `(target id, month, fraction due)`: milestones (节点) set on targets.
    pub milestones: Vec<(i64, u32, f64)>,
}

/// `2021-06` → 6.
fn month_of(key: &str) -> u32 {
    key.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0)
}

impl Store {
    /// The plan's evaluation inputs.
    pub async fn snapshot(&self, plan_id: i64) -> Result<Snapshot> {
        let plan = self.plan(plan_id).await?;
        let mut conn = self.pool.acquire().await?;
        let months: Vec<PeriodRow> = sqlx::query("SELECT id, plan_id, kind, key, label, starts_on, ends_on, due_on, reopened_until FROM periods WHERE plan_id = $1 AND kind = 'month' ORDER BY starts_on")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(period_row)
            .collect::<Result<_>>()?;
        let targets = sqlx::query("SELECT g.id, g.task_id, t.path, t.title, t.section_path, g.text, g.value, g.max_value, g.unit, g.qualifier, g.aspirational FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1 ORDER BY t.ord, g.ord")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(SnapTarget {
                    id: r.try_get("id")?,
                    task_id: r.try_get("task_id")?,
                    task_path: r.try_get("path")?,
                    task_title: r.try_get("title")?,
                    section_path: r.try_get("section_path")?,
                    text: r.try_get("text")?,
                    value: r.try_get("value")?,
                    max: r.try_get("max_value")?,
                    unit: r.try_get("unit")?,
                    qualifier: r.try_get("qualifier")?,
                    aspirational: r.try_get::<i64, _>("aspirational")? != 0,
                })
            })
            .collect::<Result<_>>()?;
        let assignments = sqlx::query("SELECT a.id, a.task_id, t.path, t.title, a.unit_id, u.name AS unit_name, a.role, d.name AS district_name, d.grp FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id LEFT JOIN districts d ON d.id = a.district_id WHERE a.plan_id = $1 ORDER BY t.ord, a.role, a.id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(SnapAssignment {
                    id: r.try_get("id")?,
                    task_id: r.try_get("task_id")?,
                    task_path: r.try_get("path")?,
                    task_title: r.try_get("title")?,
                    unit_id: r.try_get("unit_id")?,
                    unit: r.try_get("unit_name")?,
                    role: r.try_get("role")?,
                    district: r.try_get("district_name")?,
                    group: r.try_get("grp")?,
                })
            })
            .collect::<Result<_>>()?;
        let shares = sqlx::query("SELECT s.target_id, d.name, s.value FROM target_shares s JOIN districts d ON d.id = s.district_id JOIN targets g ON g.id = s.target_id JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1 ORDER BY s.target_id, d.id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("target_id")?, r.try_get("name")?, r.try_get("value")?)))
            .collect::<Result<_>>()?;
        let reports = sqlx::query("SELECT r.assignment_id, p.key, r.status, r.submitted_late, r.progress, r.problems, r.next_steps, r.coordination FROM reports r JOIN periods p ON p.id = r.period_id WHERE p.plan_id = $1 AND p.kind = 'month' ORDER BY p.starts_on, r.assignment_id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(SnapReport {
                    assignment_id: r.try_get("assignment_id")?,
                    month: month_of(&r.try_get::<String, _>("key")?),
                    status: r.try_get("status")?,
                    late: r.try_get::<i64, _>("submitted_late")? != 0,
                    progress: r.try_get("progress")?,
                    problems: r.try_get("problems")?,
                    next_steps: r.try_get("next_steps")?,
                    coordination: r.try_get("coordination")?,
                })
            })
            .collect::<Result<_>>()?;
        let values = sqlx::query("SELECT r.assignment_id, p.key, v.target_id, v.value FROM report_values v JOIN reports r ON r.id = v.report_id JOIN periods p ON p.id = r.period_id WHERE p.plan_id = $1 AND p.kind = 'month' ORDER BY p.starts_on, r.assignment_id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(SnapValue {
                    assignment_id: r.try_get("assignment_id")?,
                    month: month_of(&r.try_get::<String, _>("key")?),
                    target_id: r.try_get("target_id")?,
                    value: r.try_get("value")?,
                })
            })
            .collect::<Result<_>>()?;
        let milestones = sqlx::query("SELECT m.target_id, m.month, m.fraction FROM target_milestones m JOIN targets g ON g.id = m.target_id JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1 ORDER BY m.target_id, m.month")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("target_id")?,
                    u32::try_from(r.try_get::<i64, _>("month")?).unwrap_or(0),
                    r.try_get("fraction")?,
                ))
            })
            .collect::<Result<_>>()?;
        Ok(Snapshot {
            plan,
            milestones,
            months,
            targets,
            assignments,
            shares,
            reports,
            values,
        })
    }
}

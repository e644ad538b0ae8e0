//! Everything the evaluation of one plan needs, read in a handful of queries: its months, numeric
//! targets, assignments, district shares, reports and reported values. Plain data; the rules in
//! `luoshi-evaluation` and the outputs work from it without touching the database.

use std::collections::HashMap;
use std::sync::Arc;

use luoshi_reporting::{Months, ReportStatus};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

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
    /// A 分别 target: each member of its printed group owes the whole value.
    pub per_each: bool,
    /// The months it is due in (from the plan's reporting start).
    pub months: Months,
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
    /// A printed name that says no body (`各依托单位`, `有关专班单位`): a review item, never
    /// scored or ranked.
    pub placeholder: bool,
    /// The months it is due in: from the reporting start, or from the amendment that added
    /// it; an amendment that removed it ends them.
    pub months: Months,
}

/// A responsible unit's share of a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapUnitShare {
    pub target_id: i64,
    pub unit: String,
    pub value: f64,
    /// The months it is due in.
    pub months: Months,
}

/// A district's share of a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapShare {
    pub target_id: i64,
    pub district: String,
    pub value: f64,
    /// The months it is due in.
    pub months: Months,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapReport {
    pub assignment_id: i64,
    /// 1–12.
    pub month: u32,
    pub status: ReportStatus,
    pub late: bool,
    /// Read only for the months asked for (see [`Texts`]); empty otherwise.
    pub problems: String,
    pub coordination: String,
    /// For a task without a numeric target, the lead's word on the month (`on_plan`, `done`,
    /// `behind`) and why.
    pub confirmation: Option<String>,
    pub reason: Option<String>,
}

/// A task with no numeric target to evaluate: tracked by its deadline, its lead's monthly word
/// and the office's 销号.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapTask {
    pub id: i64,
    pub path: String,
    pub title: String,
    pub section_path: String,
    /// As the plan states it (`2021年12月底`, `上半年`), when it does.
    pub deadline: Option<String>,
    /// The day it was closed (销号), when it stands closed.
    pub closed_on: Option<String>,
    /// Its milestones (节点): `(month, what is done by its end)`, by month.
    pub milestones: Vec<(u32, String)>,
}

/// Which months' problems and coordination requests a snapshot carries: only the monthly
/// bulletin reads them, and a year of them is most of a ledger's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    All,
    /// 1–12.
    Month(u32),
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapValue {
    pub assignment_id: i64,
    pub month: u32,
    pub target_id: i64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub plan: PlanSummary,
    /// The plan's months, January first.
    pub months: Vec<PeriodRow>,
    /// The plan's structure (shared with the store's cache, see [`Structure`]).
    pub targets: Arc<Vec<SnapTarget>>,
    pub assignments: Arc<Vec<SnapAssignment>>,
    pub shares: Arc<Vec<SnapShare>>,
    /// Responsible units' shares.
    pub unit_shares: Arc<Vec<SnapUnitShare>>,
    /// Every monthly report saved, in no particular order.
    pub reports: Vec<SnapReport>,
    /// Every reported value, in no particular order.
    pub values: Vec<SnapValue>,
    /// `(target id, month, fraction due)`: milestones (节点) set on targets.
    pub milestones: Arc<Vec<(i64, u32, f64)>>,
    /// Tasks without a numeric target.
    pub tasks: Arc<Vec<SnapTask>>,
}

/// What a snapshot reads besides the reports: targets, assignments, shares and milestones. It
/// changes only through edits, publishing and amendments, never through report saves, so the
/// store keeps it until an audit record other than a report's is written (see
/// [`Store::structure_version`]): a year's evaluation then reads only the packed series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Structure {
    pub targets: Arc<Vec<SnapTarget>>,
    pub assignments: Arc<Vec<SnapAssignment>>,
    pub shares: Arc<Vec<SnapShare>>,
    pub unit_shares: Arc<Vec<SnapUnitShare>>,
    pub milestones: Arc<Vec<(i64, u32, f64)>>,
    pub tasks: Arc<Vec<SnapTask>>,
}

/// `2021-06` → 6.
fn month_of(key: &str) -> u32 {
    key.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0)
}

impl Store {
    /// The plan's evaluation inputs: the whole year, every month's problems and coordination
    /// requests.
    pub async fn snapshot(&self, plan_id: i64) -> Result<Snapshot> {
        self.snapshot_with(plan_id, Texts::All, 12).await
    }

    /// The plan's evaluation inputs for January through `through` (1–12), with the problems and
    /// coordination requests of `texts`: what one month's bulletin, a summary or the year's
    /// assessment needs, and no more.
    pub async fn snapshot_with(
        &self,
        plan_id: i64,
        texts: Texts,
        through: u32,
    ) -> Result<Snapshot> {
        let plan = self.plan(plan_id).await?;
        let mut conn = self.pool.acquire().await?;
        let months: Vec<PeriodRow> = sqlx::query("SELECT id, plan_id, kind, key, label, starts_on, ends_on, due_on, reopened_until FROM periods WHERE plan_id = $1 AND kind = 'month' ORDER BY starts_on")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(period_row)
            .collect::<Result<_>>()?;
        let structure = self.structure(&mut conn, plan_id).await?;
        // Statuses and values from the packed series, one row per assignment.
        let mut reports = Vec::with_capacity(structure.assignments.len() * 12);
        let mut values = Vec::with_capacity(structure.targets.len() * 12);
        let series =
            sqlx::query("SELECT assignment_id, packed FROM report_series WHERE plan_id = $1")
                .bind(plan_id)
                .fetch_all(&mut *conn)
                .await?;
        for row in &series {
            crate::series::unpack(
                row.try_get(0)?,
                row.try_get::<&str, _>(1)?,
                through,
                &mut reports,
                &mut values,
            )?;
        }
        let month = match texts {
            Texts::None => None,
            Texts::All => Some(String::new()),
            Texts::Month(m) => Some(format!("{m:02}")),
        };
        if let Some(month) = month {
            // An empty month asks for all of them.
            let raised = sqlx::query("SELECT r.assignment_id, p.key, r.problems, r.coordination FROM reports r JOIN periods p ON p.id = r.period_id WHERE p.plan_id = $1 AND p.kind = 'month' AND ($2 = '' OR substr(p.key, 6, 2) = $2) AND (r.problems <> '' OR r.coordination <> '')")
                .bind(plan_id)
                .bind(month)
                .fetch_all(&mut *conn)
                .await?;
            let mut texts: HashMap<(i64, u32), (String, String)> = HashMap::new();
            for r in &raised {
                texts.insert(
                    (r.try_get(0)?, month_of(&r.try_get::<String, _>(1)?)),
                    (r.try_get(2)?, r.try_get(3)?),
                );
            }
            for report in &mut reports {
                if let Some((problems, coordination)) =
                    texts.remove(&(report.assignment_id, report.month))
                {
                    report.problems = problems;
                    report.coordination = coordination;
                }
            }
        }
        // The leads' words on tasks without a numeric target.
        let confirmed = sqlx::query("SELECT r.assignment_id, p.key, r.task_status, r.status_reason FROM reports r JOIN periods p ON p.id = r.period_id WHERE p.plan_id = $1 AND p.kind = 'month' AND r.task_status IS NOT NULL")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        if !confirmed.is_empty() {
            let mut words: HashMap<(i64, u32), (String, Option<String>)> = HashMap::new();
            for r in &confirmed {
                words.insert(
                    (r.try_get(0)?, month_of(&r.try_get::<String, _>(1)?)),
                    (r.try_get(2)?, r.try_get(3)?),
                );
            }
            for report in &mut reports {
                if let Some((status, reason)) = words.remove(&(report.assignment_id, report.month))
                {
                    report.confirmation = Some(status);
                    report.reason = reason;
                }
            }
        }
        Ok(Snapshot {
            plan,
            months,
            targets: structure.targets,
            assignments: structure.assignments,
            shares: structure.shares,
            unit_shares: structure.unit_shares,
            milestones: structure.milestones,
            tasks: structure.tasks,
            reports,
            values,
        })
    }

    /// The newest audit record that is not a report's: advanced by every write that can change a
    /// plan's structure.
    async fn structure_version(conn: &mut AnyConnection) -> Result<i64> {
        // Two ranges of the (entity, id) index rather than `<>`, which would visit every report's
        // record. `+id` keeps SQLite from answering MAX by walking the rowids backwards, which
        // also visits every report's record when the range is empty.
        let row = sqlx::query("SELECT COALESCE((SELECT MAX(+id) FROM audit_log WHERE entity < 'report'), 0) AS below, COALESCE((SELECT MAX(+id) FROM audit_log WHERE entity > 'report'), 0) AS above")
            .fetch_one(&mut *conn)
            .await?;
        Ok(row
            .try_get::<i64, _>("below")?
            .max(row.try_get::<i64, _>("above")?))
    }

    /// The plan's structure, from the cache while no structural write has happened since.
    async fn structure(&self, conn: &mut AnyConnection, plan_id: i64) -> Result<Structure> {
        let version = Self::structure_version(conn).await?;
        if let Some(structure) = self.structures.get(&plan_id, version) {
            return Ok((*structure).clone());
        }
        let structure = Self::structure_uncached(conn, plan_id).await?;
        self.structures
            .put(plan_id, version, Arc::new(structure.clone()));
        Ok(structure)
    }

    /// Counts of what already exists (`推动 28 家国家重点实验室优化调整`) are context, not targets:
    /// they are left out here, so no output evaluates them.
    async fn structure_uncached(conn: &mut AnyConnection, plan_id: i64) -> Result<Structure> {
        let targets: Vec<SnapTarget> = sqlx::query("SELECT g.id, g.task_id, t.path, t.title, t.section_path, g.text, g.value, g.max_value, g.unit, g.qualifier, g.aspirational, g.per_each, g.months_due FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1 AND g.kind <> 'existing_count' ORDER BY t.ord, g.ord")
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
                    per_each: r.try_get::<Option<String>, _>("per_each")?.is_some(),
                    months: Months::from_bits(r.try_get("months_due")?),
                })
            })
            .collect::<Result<_>>()?;
        let assignments: Vec<SnapAssignment> = sqlx::query("SELECT a.id, a.task_id, t.path, t.title, a.unit_id, u.name AS unit_name, u.kind AS unit_kind, a.role, a.months_due, d.name AS district_name, d.grp FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id LEFT JOIN districts d ON d.id = a.district_id WHERE a.plan_id = $1 ORDER BY t.ord, a.role, a.id")
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
                    placeholder: r.try_get::<String, _>("unit_kind")? == "unspecified",
                    months: Months::from_bits(r.try_get("months_due")?),
                })
            })
            .collect::<Result<_>>()?;
        let shares = sqlx::query("SELECT s.target_id, d.name, s.value, s.months_due FROM target_shares s JOIN districts d ON d.id = s.district_id JOIN targets g ON g.id = s.target_id JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1 ORDER BY s.target_id, d.id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(SnapShare {
                    target_id: r.try_get("target_id")?,
                    district: r.try_get("name")?,
                    value: r.try_get("value")?,
                    months: Months::from_bits(r.try_get("months_due")?),
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
        let tasks = sqlx::query("SELECT t.id, t.path, t.title, t.section_path, t.deadline, (SELECT MAX(c.closed_on) FROM task_closures c WHERE c.task_id = t.id AND c.reopened_on IS NULL) AS closed_on FROM tasks t WHERE t.plan_id = $1 AND NOT EXISTS (SELECT 1 FROM targets g WHERE g.task_id = t.id AND g.kind <> 'existing_count') ORDER BY t.ord")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(SnapTask {
                    id: r.try_get("id")?,
                    path: r.try_get("path")?,
                    title: r.try_get("title")?,
                    section_path: r.try_get("section_path")?,
                    deadline: r.try_get("deadline")?,
                    closed_on: r.try_get("closed_on")?,
                    milestones: Vec::new(),
                })
            })
            .collect::<Result<Vec<SnapTask>>>()?;
        let mut tasks = tasks;
        for r in sqlx::query("SELECT m.task_id, m.month, m.text FROM task_milestones m JOIN tasks t ON t.id = m.task_id WHERE t.plan_id = $1 ORDER BY m.task_id, m.month")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            let task: i64 = r.try_get("task_id")?;
            if let Some(t) = tasks.iter_mut().find(|t| t.id == task) {
                t.milestones.push((
                    u32::try_from(r.try_get::<i64, _>("month")?).unwrap_or(12),
                    r.try_get("text")?,
                ));
            }
        }
        let unit_shares = sqlx::query("SELECT s.target_id, u.name, s.value, s.months_due FROM target_unit_shares s JOIN units u ON u.id = s.unit_id JOIN targets g ON g.id = s.target_id JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1 ORDER BY s.target_id, u.id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(SnapUnitShare {
                    target_id: r.try_get("target_id")?,
                    unit: r.try_get("name")?,
                    value: r.try_get("value")?,
                    months: Months::from_bits(r.try_get("months_due")?),
                })
            })
            .collect::<Result<_>>()?;
        Ok(Structure {
            targets: Arc::new(targets),
            assignments: Arc::new(assignments),
            shares: Arc::new(shares),
            unit_shares: Arc::new(unit_shares),
            milestones: Arc::new(milestones),
            tasks: Arc::new(tasks),
        })
    }
}

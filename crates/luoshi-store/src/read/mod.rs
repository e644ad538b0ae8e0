//! Reading the ledger: plans, their parts, tasks with filters and pages, units, districts,
//! assignments; the district table (一区一表) in `district_table`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

mod district_table;

use crate::rows::*;
use crate::{Result, Store, StoreError};

/// Filters of the task list; every one is optional and they combine with AND.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    utoipa::IntoParams,
    Hash,
)]
pub struct TaskFilter {
    /// A unit (canonical name or alias) that leads or is responsible.
    pub unit: Option<String>,
    /// A district whose government or zone committee is assigned, or that has a target share.
    pub district: Option<String>,
    /// A section path; tasks in it and below it.
    pub section: Option<String>,
    /// `lead` or `responsible` (with `unit` or `district`).
    pub role: Option<String>,
    /// Words in the title or text.
    pub text: Option<String>,
    /// Only tasks with (true) or without (false) numeric targets.
    pub has_target: Option<bool>,
    /// Only tasks with (true) or without (false) an aspirational target (力争/争取).
    #[serde(default)]
    pub aspirational: Option<bool>,
}

/// A page of results and the total count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

fn opt_bool(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}

/// Values bound to a dynamically built query, in `$n` order.
#[derive(Clone)]
enum Arg {
    Int(i64),
    Text(String),
}

struct Query {
    sql: String,
    args: Vec<Arg>,
}

impl Query {
    fn new(sql: &str) -> Query {
        Query {
            sql: sql.to_string(),
            args: Vec::new(),
        }
    }

    /// Appends SQL with one placeholder `?` replaced by the next `$n`.
    fn push(&mut self, sql: &str, arg: Arg) -> &mut Query {
        self.args.push(arg);
        self.sql
            .push_str(&sql.replace('?', &format!("${}", self.args.len())));
        self
    }

    fn text(&mut self, sql: &str) -> &mut Query {
        self.sql.push_str(sql);
        self
    }

    async fn fetch_all(&self, conn: &mut AnyConnection) -> Result<Vec<AnyRow>> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(self.sql.clone()));
        for arg in &self.args {
            q = match arg {
                Arg::Int(i) => q.bind(*i),
                Arg::Text(t) => q.bind(t.clone()),
            };
        }
        Ok(q.fetch_all(&mut *conn).await?)
    }
}

/// `%` and `_` in user text match themselves.
pub(crate) fn like(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    pub(crate) async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// The ledger's version: the newest audit record's id, which every write advances.
    async fn version(&self) -> Result<i64> {
        let mut conn = self.conn().await?;
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS v FROM audit_log")
            .fetch_one(&mut *conn)
            .await?;
        Ok(row.try_get("v")?)
    }

    /// The tasks of a plan that pass `filter`, in plan order, `limit` from `offset`.
    pub async fn tasks(
        &self,
        plan_id: i64,
        filter: &TaskFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Page<TaskRow>> {
        let version = self.version().await?;
        let key = (plan_id, filter.clone(), offset, limit);
        if let Some(page) = self.task_pages.get(&key, version) {
            return Ok((*page).clone());
        }
        let page = self.tasks_uncached(plan_id, filter, offset, limit).await?;
        self.task_pages
            .put(key, version, std::sync::Arc::new(page.clone()));
        Ok(page)
    }

    /// Fails with NotFound unless the plan exists (cheaper than `plan`, which counts).
    pub(crate) async fn ensure_plan(&self, plan_id: i64) -> Result<()> {
        let mut conn = self.conn().await?;
        let found = sqlx::query("SELECT id FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?;
        found.map(|_| ()).ok_or(StoreError::NotFound {
            entity: "方案",
            id: plan_id.to_string(),
        })
    }

    pub async fn plans(&self) -> Result<Vec<PlanSummary>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query(PLAN_SELECT_ALL).fetch_all(&mut *conn).await?;
        rows.iter().map(plan_row).collect()
    }

    pub async fn plan(&self, plan_id: i64) -> Result<PlanSummary> {
        let mut conn = self.conn().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PLAN_SELECT} WHERE p.id = $1"
        )))
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "方案",
            id: plan_id.to_string(),
        })?;
        plan_row(&row)
    }

    pub async fn sections(&self, plan_id: i64) -> Result<Vec<SectionRow>> {
        self.ensure_plan(plan_id).await?;
        let mut conn = self.conn().await?;
        let rows = sqlx::query(
            "SELECT s.id, s.path, s.title, s.level, s.line, \
             (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = s.plan_id AND (t.section_path = s.path OR t.section_path LIKE s.path || '.%')) AS task_count \
             FROM sections s WHERE s.plan_id = $1 ORDER BY s.ord",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SectionRow {
                    id: r.try_get("id")?,
                    path: r.try_get("path")?,
                    title: r.try_get("title")?,
                    level: r.try_get("level")?,
                    line: r.try_get("line")?,
                    task_count: r.try_get("task_count")?,
                })
            })
            .collect()
    }

    pub async fn indicators(&self, plan_id: i64) -> Result<Vec<IndicatorRow>> {
        self.ensure_plan(plan_id).await?;
        let mut conn = self.conn().await?;
        let rows = sqlx::query("SELECT id, text, name, value, max_value, unit, qualifier, aspirational, line, goal_year, source, target_id FROM indicators WHERE plan_id = $1 ORDER BY ord")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        let mut entered: HashMap<i64, Vec<(u32, f64)>> = HashMap::new();
        for r in sqlx::query("SELECT v.indicator_id, v.month, v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id WHERE i.plan_id = $1 ORDER BY v.month")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            entered.entry(r.try_get("indicator_id")?).or_default().push((
                u32::try_from(r.try_get::<i64, _>("month")?).unwrap_or(0),
                r.try_get("value")?,
            ));
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(IndicatorRow {
                    id,
                    text: r.try_get("text")?,
                    name: r.try_get("name")?,
                    value: r.try_get("value")?,
                    max: r.try_get("max_value")?,
                    unit: r.try_get("unit")?,
                    qualifier: r.try_get("qualifier")?,
                    aspirational: opt_bool(r, "aspirational")?,
                    line: r.try_get("line")?,
                    goal_year: r.try_get("goal_year")?,
                    source: r.try_get("source")?,
                    target_id: r.try_get("target_id")?,
                    entered: entered.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }

    async fn tasks_uncached(
        &self,
        plan_id: i64,
        filter: &TaskFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Page<TaskRow>> {
        if !(1..=1000).contains(&limit) {
            return Err(StoreError::invalid("limit", "每页条数须在 1 到 1000 之间"));
        }
        if offset < 0 {
            return Err(StoreError::invalid("offset", "起始位置不能为负数"));
        }
        if let Some(role) = &filter.role
            && role != "lead"
            && role != "responsible"
        {
            return Err(StoreError::invalid(
                "role",
                "只能是 lead（牵头）或 responsible（责任）",
            ));
        }
        self.ensure_plan(plan_id).await?;
        let district = match filter
            .district
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(name) => Some(self.district_id(name).await?),
            None => None,
        };
        let units = match filter
            .unit
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(typed) => self.unit_spellings(plan_id, typed).await?,
            None => Vec::new(),
        };
        let section = match filter
            .section
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(typed) => Some(self.section_spelling(plan_id, typed).await?),
            None => None,
        };
        let mut conn = self.conn().await?;
        let mut q = Query::new("FROM tasks t WHERE ");
        q.push("t.plan_id = ?", Arg::Int(plan_id));
        let role_clause = |q: &mut Query| {
            if let Some(role) = &filter.role {
                q.push(" AND a.role = ?", Arg::Text(role.clone()));
            }
        };
        if !units.is_empty() {
            // Published plans answer from assignments; drafts from the units as printed (by the
            // name or any spelling the directory knows for it). A unit typed in part may stand
            // for several names: any of them matches.
            q.text(" AND (");
            for (i, unit) in units.iter().enumerate() {
                if i > 0 {
                    q.text(" OR ");
                }
                q.text("EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.task_id = t.id");
                q.push(" AND (u.name = ?", Arg::Text(unit.clone()));
                q.push(
                    " OR u.id IN (SELECT unit_id FROM unit_aliases WHERE alias = ?))",
                    Arg::Text(unit.clone()),
                );
                role_clause(&mut q);
                q.text(") OR EXISTS (SELECT 1 FROM task_units a WHERE a.task_id = t.id");
                q.push(" AND (a.printed = ?", Arg::Text(unit.clone()));
                q.push(" OR a.printed IN (SELECT al.alias FROM unit_aliases al WHERE al.unit_id IN (SELECT x.id FROM units x WHERE x.name = ?))", Arg::Text(unit.clone()));
                q.push(" OR a.printed IN (SELECT x.name FROM units x JOIN unit_aliases al ON al.unit_id = x.id WHERE al.alias = ?))", Arg::Text(unit.clone()));
                role_clause(&mut q);
                q.text(")");
            }
            q.text(")");
        }
        if let Some(id) = district {
            q.push(" AND (EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.district_id = ?", Arg::Int(id));
            role_clause(&mut q);
            q.push(") OR EXISTS (SELECT 1 FROM targets g JOIN target_shares s ON s.target_id = g.id WHERE g.task_id = t.id AND s.district_id = ?))", Arg::Int(id));
        }
        if let Some(section) = section.as_deref() {
            q.push(" AND (t.section_path = ?", Arg::Text(section.to_string()));
            q.push(
                " OR t.section_path LIKE ?)",
                Arg::Text(format!("{section}.%")),
            );
        }
        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            q.push(" AND (t.title LIKE ? ESCAPE '\\'", Arg::Text(like(text)));
            q.push(" OR t.text LIKE ? ESCAPE '\\')", Arg::Text(like(text)));
        }
        match filter.aspirational {
            Some(true) => q.text(" AND EXISTS (SELECT 1 FROM targets g WHERE g.task_id = t.id AND g.aspirational = 1)"),
            Some(false) => q.text(" AND NOT EXISTS (SELECT 1 FROM targets g WHERE g.task_id = t.id AND g.aspirational = 1)"),
            None => &mut q,
        };
        match filter.has_target {
            Some(true) => q.text(" AND EXISTS (SELECT 1 FROM targets g WHERE g.task_id = t.id)"),
            Some(false) => {
                q.text(" AND NOT EXISTS (SELECT 1 FROM targets g WHERE g.task_id = t.id)")
            }
            None => &mut q,
        };
        let count = Query {
            sql: format!("SELECT COUNT(*) AS n {}", q.sql),
            args: q.args.clone(),
        };
        let total: i64 = count
            .fetch_all(&mut conn)
            .await?
            .first()
            .map(|r| r.try_get("n"))
            .transpose()?
            .unwrap_or(0);
        q.sql = format!(
            "SELECT t.id, t.plan_id, t.path, t.section_path, t.title, t.deadline, (SELECT COUNT(*) FROM targets g WHERE g.task_id = t.id) AS target_count {}",
            q.sql
        );
        q.push(" ORDER BY t.ord LIMIT ?", Arg::Int(limit));
        q.push(" OFFSET ?", Arg::Int(offset));
        let rows = q.fetch_all(&mut conn).await?;
        let mut units = if rows.is_empty() {
            Default::default()
        } else {
            plan_units(&mut conn, plan_id).await?
        };
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let (lead, responsible) = units.remove(&id).unwrap_or_default();
            items.push(TaskRow {
                id,
                plan_id: r.try_get("plan_id")?,
                path: r.try_get("path")?,
                section_path: r.try_get("section_path")?,
                title: r.try_get("title")?,
                lead,
                responsible,
                deadline: r.try_get("deadline")?,
                target_count: r.try_get("target_count")?,
            });
        }
        Ok(Page {
            items,
            total,
            offset,
            limit,
        })
    }

    pub async fn task(&self, task_id: i64) -> Result<TaskDetail> {
        let mut conn = self.conn().await?;
        let r = sqlx::query("SELECT t.id, t.plan_id, t.path, t.section_path, t.title, t.deadline, t.text, t.annotation, t.annotation_present, t.line, (SELECT COUNT(*) FROM targets g WHERE g.task_id = t.id) AS target_count FROM tasks t WHERE t.id = $1")
            .bind(task_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound { entity: "任务", id: task_id.to_string() })?;
        let row = task_row(&mut conn, &r).await?;
        let targets = targets_of(&mut conn, task_id).await?;
        let focuses = sqlx::query(
            "SELECT district_name, grp, items FROM focuses WHERE task_id = $1 ORDER BY ord",
        )
        .bind(task_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|f| {
            Ok(FocusRow {
                district: f.try_get("district_name")?,
                group: f.try_get("grp")?,
                items: serde_json::from_str(&f.try_get::<String, _>("items")?)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let assignments = self
            .assignments_where(&mut conn, "a.task_id = $1", task_id)
            .await?;
        let review_items = review_rows(&mut conn, "task_id = $1", task_id).await?;
        let support = crate::support::support_of_task(&mut conn, task_id).await?;
        Ok(TaskDetail {
            row,
            text: r.try_get("text")?,
            annotation: r.try_get("annotation")?,
            annotation_present: opt_bool(&r, "annotation_present")?,
            line: r.try_get("line")?,
            targets,
            support,
            focuses,
            assignments,
            review_items,
        })
    }

    pub async fn review_items(&self, plan_id: i64) -> Result<Vec<ReviewItem>> {
        self.ensure_plan(plan_id).await?;
        let mut conn = self.conn().await?;
        review_rows(&mut conn, "plan_id = $1", plan_id).await
    }

    /// Units with how many tasks of `plan_id` each leads and shares (all plans when `None`).
    pub async fn units(&self, plan_id: Option<i64>) -> Result<Vec<UnitRow>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query("SELECT u.id, u.name, u.kind, d.name AS district FROM units u LEFT JOIN districts d ON d.unit_id = u.id ORDER BY u.id").fetch_all(&mut *conn).await?;
        // One pass over the plan's assignments (an index range), not two subqueries per unit.
        let counts = match plan_id {
            Some(plan) => {
                sqlx::query("SELECT unit_id, role, COUNT(DISTINCT task_id) AS n FROM assignments WHERE plan_id = $1 GROUP BY unit_id, role")
                    .bind(plan)
                    .fetch_all(&mut *conn)
                    .await?
            }
            None => sqlx::query("SELECT unit_id, role, COUNT(DISTINCT task_id) AS n FROM assignments GROUP BY unit_id, role").fetch_all(&mut *conn).await?,
        };
        let mut count: std::collections::HashMap<(i64, String), i64> =
            std::collections::HashMap::new();
        for c in counts {
            count.insert((c.try_get("unit_id")?, c.try_get("role")?), c.try_get("n")?);
        }
        let aliases = sqlx::query("SELECT alias, unit_id FROM unit_aliases ORDER BY alias")
            .fetch_all(&mut *conn)
            .await?;
        let mut by_unit: std::collections::HashMap<i64, Vec<String>> =
            std::collections::HashMap::new();
        for a in aliases {
            by_unit
                .entry(a.try_get("unit_id")?)
                .or_default()
                .push(a.try_get("alias")?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let name: String = r.try_get("name")?;
                let aliases = by_unit
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|a| *a != name)
                    .collect();
                Ok(UnitRow {
                    id,
                    name,
                    kind: r.try_get("kind")?,
                    aliases,
                    district: r.try_get("district")?,
                    lead_count: count.get(&(id, "lead".to_string())).copied().unwrap_or(0),
                    responsible_count: count
                        .get(&(id, "responsible".to_string()))
                        .copied()
                        .unwrap_or(0),
                })
            })
            .collect()
    }

    /// For an overview: each unit assigned in the plan with how many tasks it leads and shares,
    /// most leads first.
    pub async fn unit_counts(&self, plan_id: i64) -> Result<Vec<(String, i64, i64)>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query(
            "SELECT u.id, u.name, COUNT(DISTINCT CASE WHEN a.role = 'lead' THEN a.task_id END) AS leads, \
             COUNT(DISTINCT CASE WHEN a.role = 'responsible' THEN a.task_id END) AS shares \
             FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.plan_id = $1 GROUP BY u.id, u.name ORDER BY leads DESC, shares DESC, u.id",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("name")?,
                    r.try_get("leads")?,
                    r.try_get("shares")?,
                ))
            })
            .collect()
    }

    /// For an overview: each district with how many tasks of the plan fall to it.
    pub async fn district_counts(&self, plan_id: i64) -> Result<Vec<(String, i64)>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query("SELECT d.id, d.name, COUNT(DISTINCT a.task_id) AS n FROM assignments a JOIN districts d ON d.id = a.district_id WHERE a.plan_id = $1 GROUP BY d.id, d.name ORDER BY d.id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("name")?, r.try_get("n")?)))
            .collect()
    }

    pub async fn districts(&self) -> Result<Vec<DistrictRow>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query("SELECT d.id, d.name, d.grp, d.zone, u.name AS government FROM districts d JOIN units u ON u.id = d.unit_id ORDER BY d.id").fetch_all(&mut *conn).await?;
        rows.iter().map(district_row).collect()
    }

    pub(super) async fn district_id(&self, name: &str) -> Result<i64> {
        let mut conn = self.conn().await?;
        let row = sqlx::query("SELECT d.id FROM districts d JOIN units u ON u.id = d.unit_id LEFT JOIN unit_aliases a ON a.unit_id = d.unit_id WHERE d.name = $1 OR u.name = $1 OR a.alias = $1 LIMIT 1")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            Some(r) => Ok(r.try_get("id")?),
            None => Err(StoreError::invalid(
                "district",
                format!("「{name}」不是名录中的区"),
            )),
        }
    }

    /// Every assignment of a plan, optionally of one unit or district.
    pub async fn assignments(
        &self,
        plan_id: i64,
        unit: Option<&str>,
        district: Option<&str>,
    ) -> Result<Vec<AssignmentRow>> {
        self.ensure_plan(plan_id).await?;
        // Looked up before taking a connection of our own, so one request never holds two.
        let district = match district.map(str::trim).filter(|d| !d.is_empty()) {
            Some(name) => Some(self.district_id(name).await?),
            None => None,
        };
        let mut conn = self.conn().await?;
        let mut q = Query::new(ASSIGNMENT_SELECT);
        q.push(" WHERE a.plan_id = ?", Arg::Int(plan_id));
        if let Some(unit) = unit.map(str::trim).filter(|u| !u.is_empty()) {
            q.push(" AND (u.name = ?", Arg::Text(unit.to_string()));
            q.push(
                " OR u.id IN (SELECT unit_id FROM unit_aliases WHERE alias = ?))",
                Arg::Text(unit.to_string()),
            );
        }
        if let Some(id) = district {
            q.push(" AND a.district_id = ?", Arg::Int(id));
        }
        q.text(" ORDER BY t.ord, a.role, a.id");
        q.fetch_all(&mut conn)
            .await?
            .iter()
            .map(assignment_row)
            .collect()
    }

    async fn assignments_where(
        &self,
        conn: &mut AnyConnection,
        condition: &str,
        value: i64,
    ) -> Result<Vec<AssignmentRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ASSIGNMENT_SELECT} WHERE {condition} ORDER BY a.role, a.id"
        )))
        .bind(value)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(assignment_row).collect()
    }
}

/// Every task's units in a plan, as printed in the draft: task id → (lead, responsible).
pub(super) async fn plan_units(
    conn: &mut AnyConnection,
    plan_id: i64,
) -> Result<std::collections::HashMap<i64, (Vec<String>, Vec<String>)>> {
    let rows = sqlx::query("SELECT u.task_id, u.role, u.printed FROM task_units u JOIN tasks t ON t.id = u.task_id WHERE t.plan_id = $1 ORDER BY u.task_id, u.ord")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut out: std::collections::HashMap<i64, (Vec<String>, Vec<String>)> =
        std::collections::HashMap::new();
    for r in rows {
        let entry = out.entry(r.try_get("task_id")?).or_default();
        let role: String = r.try_get("role")?;
        let printed: String = r.try_get("printed")?;
        if role == "lead" {
            entry.0.push(printed)
        } else {
            entry.1.push(printed)
        }
    }
    Ok(out)
}

const PLAN_SELECT: &str = "SELECT p.id, p.title, p.plan_title, p.issuer, p.doc_number, p.index_no, p.date_written, p.date_published, p.year, p.source_name, p.status, p.created_at, p.published_at, p.reporting_start, p.demo, \
    (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id) AS task_count, \
    (SELECT COUNT(*) FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = p.id) AS target_count, \
    (SELECT COUNT(*) FROM review_items r WHERE r.plan_id = p.id AND r.resolved = 0) AS open_review_items FROM plans p";
const PLAN_SELECT_ALL: &str = "SELECT p.id, p.title, p.plan_title, p.issuer, p.doc_number, p.index_no, p.date_written, p.date_published, p.year, p.source_name, p.status, p.created_at, p.published_at, p.reporting_start, p.demo, \
    (SELECT COUNT(*) FROM tasks t WHERE t.plan_id = p.id) AS task_count, \
    (SELECT COUNT(*) FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = p.id) AS target_count, \
    (SELECT COUNT(*) FROM review_items r WHERE r.plan_id = p.id AND r.resolved = 0) AS open_review_items FROM plans p ORDER BY p.id";
const ASSIGNMENT_SELECT: &str = "SELECT a.id, a.plan_id, a.task_id, t.path, t.title, u.name AS unit, a.role, a.printed, d.name AS district, a.months_due \
    FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id LEFT JOIN districts d ON d.id = a.district_id";

fn plan_row(r: &AnyRow) -> Result<PlanSummary> {
    Ok(PlanSummary {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        plan_title: r.try_get("plan_title")?,
        issuer: r.try_get("issuer")?,
        doc_number: r.try_get("doc_number")?,
        index_no: r.try_get("index_no")?,
        date_written: r.try_get("date_written")?,
        date_published: r.try_get("date_published")?,
        year: r.try_get("year")?,
        source_name: r.try_get("source_name")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
        published_at: r.try_get("published_at")?,
        reporting_start: r
            .try_get::<Option<i64>, _>("reporting_start")?
            .and_then(|m| u32::try_from(m).ok()),
        demo: r.try_get::<i64, _>("demo")? != 0,
        task_count: r.try_get("task_count")?,
        target_count: r.try_get("target_count")?,
        open_review_items: r.try_get("open_review_items")?,
    })
}

pub(super) fn district_row(r: &AnyRow) -> Result<DistrictRow> {
    Ok(DistrictRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        group: r.try_get("grp")?,
        government: r.try_get("government")?,
        zone: r.try_get("zone")?,
    })
}

fn assignment_row(r: &AnyRow) -> Result<AssignmentRow> {
    Ok(AssignmentRow {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        task_id: r.try_get("task_id")?,
        task_path: r.try_get("path")?,
        task_title: r.try_get("title")?,
        unit: r.try_get("unit")?,
        role: r.try_get("role")?,
        printed: r.try_get("printed")?,
        district: r.try_get("district")?,
        months: luoshi_reporting::Months::from_bits(r.try_get("months_due")?),
    })
}

/// A task row with its units as the draft names them.
async fn task_row(conn: &mut AnyConnection, r: &AnyRow) -> Result<TaskRow> {
    let id: i64 = r.try_get("id")?;
    let units = sqlx::query("SELECT role, printed FROM task_units WHERE task_id = $1 ORDER BY ord")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let mut lead = Vec::new();
    let mut responsible = Vec::new();
    for u in units {
        let role: String = u.try_get("role")?;
        let printed: String = u.try_get("printed")?;
        if role == "lead" {
            lead.push(printed)
        } else {
            responsible.push(printed)
        }
    }
    Ok(TaskRow {
        id,
        plan_id: r.try_get("plan_id")?,
        path: r.try_get("path")?,
        section_path: r.try_get("section_path")?,
        title: r.try_get("title")?,
        lead,
        responsible,
        deadline: r.try_get("deadline")?,
        target_count: r.try_get("target_count")?,
    })
}

async fn targets_of(conn: &mut AnyConnection, task_id: i64) -> Result<Vec<TargetRow>> {
    let rows = sqlx::query("SELECT id, task_id, text, value, max_value, unit, qualifier, aspirational, per_each, subject, kind, span_start, span_end FROM targets WHERE task_id = $1 ORDER BY ord")
        .bind(task_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let value: f64 = r.try_get("value")?;
        let shares = sqlx::query("SELECT d.name, s.value, s.source FROM target_shares s JOIN districts d ON d.id = s.district_id WHERE s.target_id = $1 ORDER BY d.id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|s| Ok(ShareRow { district: s.try_get("name")?, value: s.try_get("value")?, source: s.try_get("source")? }))
            .collect::<Result<Vec<_>>>()?;
        let manual: f64 = shares
            .iter()
            .filter(|s| s.source == "manual")
            .map(|s| s.value)
            .sum();
        let has_manual = shares.iter().any(|s| s.source == "manual");
        let share_warning = (has_manual && (manual - value).abs() > 1e-9)
            .then(|| format!("各区分解合计 {manual} 与目标 {value} 不一致"));
        let start: Option<i64> = r.try_get("span_start")?;
        let end: Option<i64> = r.try_get("span_end")?;
        out.push(TargetRow {
            id,
            task_id: r.try_get("task_id")?,
            text: r.try_get("text")?,
            value,
            max: r.try_get("max_value")?,
            unit: r.try_get("unit")?,
            qualifier: r.try_get("qualifier")?,
            aspirational: opt_bool(&r, "aspirational")?,
            per_each: r.try_get("per_each")?,
            subject: r.try_get("subject")?,
            kind: r.try_get("kind")?,
            span: start.zip(end).map(|(a, b)| [a, b]),
            shares,
            share_warning,
        });
    }
    Ok(out)
}

async fn review_rows(
    conn: &mut AnyConnection,
    condition: &str,
    value: i64,
) -> Result<Vec<ReviewItem>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT id, plan_id, task_id, path, line, field, reason, resolved, resolution FROM review_items WHERE {condition} ORDER BY id")))
        .bind(value)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ReviewItem {
                id: r.try_get("id")?,
                plan_id: r.try_get("plan_id")?,
                task_id: r.try_get("task_id")?,
                path: r.try_get("path")?,
                line: r.try_get("line")?,
                field: r.try_get("field")?,
                reason: r.try_get("reason")?,
                resolved: opt_bool(r, "resolved")?,
                resolution: r.try_get("resolution")?,
            })
        })
        .collect()
}

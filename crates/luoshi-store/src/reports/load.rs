//! Reading report forms: many assignments of one period in a fixed number of queries (the
//! assignments with their reports and last month's texts, the tasks' leads, the targets with
//! this report's and earlier months' values, the attachments), so a group commit of saves or a
//! unit's list of forms costs four round trips rather than four per form.

use std::collections::HashMap;

use luoshi_reporting::{Months, ReportStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{AttachmentRow, ContextTarget, PreviousTexts, ReportTarget, ReportView};
use crate::periods::{PeriodRow, period_row};
use crate::{Result, StoreError};

/// Ids bound per statement: within both databases' parameter limits.
const CHUNK: usize = 500;

/// `$from, $from+1, …` for `count` parameters.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) async fn load_period(conn: &mut AnyConnection, period_id: i64) -> Result<PeriodRow> {
    let row = sqlx::query("SELECT id, plan_id, kind, key, label, starts_on, ends_on, due_on, reopened_until FROM periods WHERE id = $1")
        .bind(period_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound { entity: "填报期间", id: period_id.to_string() })?;
    period_row(&row)
}

/// Why an assignment's form could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unreadable {
    Missing,
    OtherPlan,
}

impl Unreadable {
    pub fn error(self, assignment_id: i64) -> StoreError {
        match self {
            Unreadable::Missing => StoreError::NotFound {
                entity: "任务分工",
                id: assignment_id.to_string(),
            },
            Unreadable::OtherPlan => StoreError::invalid("period", "填报期间与任务不属于同一方案"),
        }
    }
}

/// Each assignment's view, or why it could not be read.
pub(crate) type Views = HashMap<i64, std::result::Result<ReportView, Unreadable>>;

/// The full view of one assignment's report in `period`.
pub(crate) async fn load_view(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    assignment_id: i64,
) -> Result<ReportView> {
    let mut views = load_views(conn, period, &[assignment_id]).await?;
    views
        .remove(&assignment_id)
        .unwrap_or(Err(Unreadable::Missing))
        .map_err(|why| why.error(assignment_id))
}

/// The views of `assignment_ids` in `period`, each with its targets (expected, current and
/// previous values), texts, attachments and last month's texts. An unknown assignment, or one of
/// another plan, is an entry of its own (`Unreadable`); a database error fails the whole read.
pub(crate) async fn load_views(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    assignment_ids: &[i64],
) -> Result<Views> {
    let mut ids = assignment_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut views = Views::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        load_chunk(conn, period, chunk, &mut views).await?;
    }
    for id in ids {
        views.entry(id).or_insert(Err(Unreadable::Missing));
    }
    Ok(views)
}

/// One view in the making: the view, and what its targets and attachments are read with.
struct Form {
    view: ReportView,
    district_id: Option<i64>,
    attachment_count: i64,
}

async fn load_chunk(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    ids: &[i64],
    out: &mut Views,
) -> Result<()> {
    let list = placeholders(3, ids.len());
    // Each assignment with its report in this period and the texts of its latest report in an
    // earlier month (to copy forward).
    let previous = previous_report_join(conn.backend_name());
    let sql = format!(
        "SELECT a.id, a.plan_id, a.task_id, a.unit_id, a.role, a.district_id, a.months_due, t.path, t.title, u.name AS unit_name, d.name AS district_name, r.id AS report_id, r.status, r.progress, r.problems, r.next_steps, r.coordination, r.review_comment, r.version, r.updated_at, r.updated_by, r.submitted_at, r.submitted_late, r.reviewed_by, r.task_status, r.status_reason, (SELECT COUNT(*) FROM attachments x WHERE x.report_id = r.id) AS attachment_count, (SELECT COUNT(*) FROM report_values x WHERE x.report_id = r.id) AS value_count, pp.key AS previous_key, pr.progress AS previous_progress, pr.problems AS previous_problems, pr.next_steps AS previous_next_steps, pr.coordination AS previous_coordination FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id LEFT JOIN districts d ON d.id = a.district_id LEFT JOIN reports r ON r.assignment_id = a.id AND r.period_id = $1 {previous} WHERE a.id IN ({list})"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(period.id)
        .bind(&period.starts_on);
    for id in ids {
        query = query.bind(*id);
    }
    let mut forms: HashMap<i64, Form> = HashMap::with_capacity(ids.len());
    for row in query.fetch_all(&mut *conn).await? {
        let view = blank_view(&row, period)?;
        if view.plan_id != period.plan_id {
            out.insert(view.assignment_id, Err(Unreadable::OtherPlan));
            continue;
        }
        let mut form = Form {
            district_id: row.try_get("district_id")?,
            attachment_count: row.try_get("attachment_count")?,
            view,
        };
        if row.try_get::<Option<i64>, _>("report_id")?.is_some() {
            fill_report(&mut form.view, &row)?;
            form.view.stored_values = row.try_get("value_count")?;
        }
        if let Some(key) = row.try_get::<Option<String>, _>("previous_key")? {
            form.view.previous = Some(PreviousTexts {
                period_key: key,
                progress: row.try_get("previous_progress")?,
                problems: row.try_get("previous_problems")?,
                next_steps: row.try_get("previous_next_steps")?,
                coordination: row.try_get("previous_coordination")?,
            });
        }
        forms.insert(form.view.assignment_id, form);
    }
    if forms.is_empty() {
        return Ok(());
    }
    let leads = load_leads(conn, ids).await?;
    let targets = load_targets(conn, period, ids).await?;
    let attachments = load_attachments(conn, &forms).await?;
    for (id, mut form) in forms {
        let task_leads = leads
            .get(&form.view.task_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        form.view.lead_unit_ids = task_leads.iter().map(|lead| lead.unit_id).collect();
        let rows = targets.get(&id).map(Vec::as_slice).unwrap_or_default();
        fill_targets(&mut form, period, task_leads, rows)?;
        if let Some(report) = form.view.id {
            form.view.attachments = attachments.get(&report).cloned().unwrap_or_default();
        }
        out.insert(id, Ok(form.view));
    }
    Ok(())
}

/// Joins `pr` (and its period `pp`): the assignment's report in the latest earlier month. Each
/// database gets the form its planner runs well (measured on the reports benchmark): PostgreSQL
/// an anti-join (the other form hash-joins every report), SQLite the subquery for the id.
fn previous_report_join(backend_name: &str) -> &'static str {
    if backend_name.eq_ignore_ascii_case("postgresql") {
        "LEFT JOIN (reports pr JOIN periods pp ON pp.id = pr.period_id AND pp.kind = 'month' AND pp.starts_on < $2) ON pr.assignment_id = a.id AND NOT EXISTS (SELECT 1 FROM reports lr JOIN periods lp ON lp.id = lr.period_id WHERE lr.assignment_id = a.id AND lp.kind = 'month' AND lp.starts_on < $2 AND lp.starts_on > pp.starts_on)"
    } else {
        "LEFT JOIN reports pr ON pr.id = (SELECT lr.id FROM reports lr JOIN periods lp ON lp.id = lr.period_id WHERE lr.assignment_id = a.id AND lp.kind = 'month' AND lp.starts_on < $2 ORDER BY lp.starts_on DESC LIMIT 1) LEFT JOIN periods pp ON pp.id = pr.period_id"
    }
}

/// A lead assignment of a task.
struct Lead {
    unit_id: i64,
    district_id: Option<i64>,
    months: Months,
}

/// The leads of the tasks of `ids`, by task, in assignment order.
async fn load_leads(conn: &mut AnyConnection, ids: &[i64]) -> Result<HashMap<i64, Vec<Lead>>> {
    let sql = format!(
        "SELECT task_id, unit_id, district_id, months_due FROM assignments WHERE role = 'lead' AND task_id IN (SELECT task_id FROM assignments WHERE id IN ({})) ORDER BY id",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    let mut leads: HashMap<i64, Vec<Lead>> = HashMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        leads
            .entry(row.try_get("task_id")?)
            .or_default()
            .push(Lead {
                unit_id: row.try_get("unit_id")?,
                district_id: row.try_get("district_id")?,
                months: Months::from_bits(row.try_get("months_due")?),
            });
    }
    Ok(leads)
}

/// Each assignment's task's targets (counts of what already exists are not reported on), with
/// the assignment's share, this report's value and the latest value reported in an earlier
/// month ("previous"); by assignment, in target order.
async fn load_targets(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<AnyRow>>> {
    // A responsible unit (not a district) answers for the shares the office gave it.
    let sql = format!(
        "SELECT a.id AS assignment_id, t.id, t.text, t.unit, t.qualifier, t.aspirational, t.value, t.per_each, t.months_due, COALESCE(s.value, us.value) AS share, COALESCE(s.months_due, us.months_due) AS share_months, rv.value AS reported, rv.note, (SELECT pv.value FROM report_values pv JOIN reports pr ON pr.id = pv.report_id JOIN periods pp ON pp.id = pr.period_id WHERE pr.assignment_id = a.id AND pv.target_id = t.id AND pp.kind = 'month' AND pp.starts_on < $2 ORDER BY pp.starts_on DESC LIMIT 1) AS previous FROM assignments a JOIN targets t ON t.task_id = a.task_id LEFT JOIN target_shares s ON s.target_id = t.id AND s.district_id = a.district_id LEFT JOIN target_unit_shares us ON us.target_id = t.id AND us.unit_id = a.unit_id AND a.district_id IS NULL AND a.role = 'responsible' LEFT JOIN reports r ON r.assignment_id = a.id AND r.period_id = $1 LEFT JOIN report_values rv ON rv.target_id = t.id AND rv.report_id = r.id WHERE a.id IN ({}) AND t.kind <> 'existing_count' ORDER BY a.id, t.ord",
        placeholders(3, ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(period.id)
        .bind(&period.starts_on);
    for id in ids {
        query = query.bind(*id);
    }
    let mut by_assignment: HashMap<i64, Vec<AnyRow>> = HashMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        by_assignment
            .entry(row.try_get("assignment_id")?)
            .or_default()
            .push(row);
    }
    Ok(by_assignment)
}

/// The attachments of the forms' reports, by report, in upload order.
async fn load_attachments(
    conn: &mut AnyConnection,
    forms: &HashMap<i64, Form>,
) -> Result<HashMap<i64, Vec<AttachmentRow>>> {
    let reports: Vec<i64> = forms
        .values()
        .filter(|f| f.attachment_count > 0)
        .filter_map(|f| f.view.id)
        .collect();
    let mut out: HashMap<i64, Vec<AttachmentRow>> = HashMap::new();
    if reports.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT report_id, id, filename, content_type, size, sha256, uploaded_by, created_at FROM attachments WHERE report_id IN ({}) ORDER BY id",
        placeholders(1, reports.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in &reports {
        query = query.bind(*id);
    }
    for a in query.fetch_all(&mut *conn).await? {
        out.entry(a.try_get("report_id")?)
            .or_default()
            .push(super::attachments::attachment_row(&a)?);
    }
    Ok(out)
}

/// Sorts a task's targets into those this assignment answers for and those shown for context.
/// Ownership (DESIGN: a target's owners): a 分别 target belongs to each member of its group
/// through its share; any other target to the task's lead as the city's total, and to a
/// district or responsible unit only through a share the office gave it. Where the lead is a
/// group of districts (各区人民政府), each member answers for its own share only. Only what is
/// due in this period's month counts: a target, share or district lead in force then.
fn fill_targets(
    form: &mut Form,
    period: &PeriodRow,
    leads: &[Lead],
    targets: &[AnyRow],
) -> Result<()> {
    let view = &mut form.view;
    let district_leads = leads
        .iter()
        .filter(|lead| lead.district_id.is_some() && period.holds(lead.months))
        .count();
    let is_lead = view.role == "lead";
    let owns_total = is_lead && (form.district_id.is_none() || district_leads <= 1);
    for t in targets {
        if !period.holds(Months::from_bits(t.try_get("months_due")?)) {
            continue;
        }
        let id: i64 = t.try_get("id")?;
        let share_months: Option<i64> = t.try_get("share_months")?;
        let share: Option<f64> = t
            .try_get::<Option<f64>, _>("share")?
            .filter(|_| share_months.is_some_and(|m| period.holds(Months::from_bits(m))));
        let per_each: Option<String> = t.try_get("per_each")?;
        if share.is_none() && !(owns_total && per_each.is_none()) {
            view.context.push(ContextTarget {
                target_id: id,
                text: t.try_get("text")?,
                value: t.try_get("value")?,
                unit: t.try_get("unit")?,
                owner: if per_each.is_some() {
                    "分别目标，由所列各单位各自报送".into()
                } else {
                    "全市目标，由牵头单位报送".into()
                },
            });
            continue;
        }
        view.targets.push(ReportTarget {
            target_id: id,
            text: t.try_get("text")?,
            unit: t.try_get("unit")?,
            qualifier: t.try_get("qualifier")?,
            aspirational: t.try_get::<i64, _>("aspirational")? != 0,
            expected: share.map_or_else(|| t.try_get("value"), Ok)?,
            value: t.try_get("reported")?,
            note: t.try_get("note")?,
            previous: t.try_get("previous")?,
        });
    }
    // A task with no numeric target at all is tracked by its lead's monthly word.
    view.asks_status = is_lead && targets.is_empty();
    Ok(())
}

/// The assignment half of a view (no report data yet).
fn blank_view(row: &AnyRow, period: &PeriodRow) -> Result<ReportView> {
    Ok(ReportView {
        id: None,
        period_id: period.id,
        period_key: period.key.clone(),
        assignment_id: row.try_get("id")?,
        plan_id: row.try_get("plan_id")?,
        task_id: row.try_get("task_id")?,
        task_path: row.try_get("path")?,
        task_title: row.try_get("title")?,
        unit_id: row.try_get("unit_id")?,
        unit: row.try_get("unit_name")?,
        role: row.try_get("role")?,
        district: row.try_get("district_name")?,
        months: Months::from_bits(row.try_get("months_due")?),
        status: None,
        progress: String::new(),
        problems: String::new(),
        next_steps: String::new(),
        coordination: String::new(),
        review_comment: None,
        version: 0,
        updated_at: None,
        updated_by: None,
        submitted_at: None,
        submitted_late: false,
        reviewed_by: None,
        asks_status: false,
        task_status: None,
        status_reason: None,
        targets: Vec::new(),
        context: Vec::new(),
        attachments: Vec::new(),
        previous: None,
        lead_unit_ids: Vec::new(),
        stored_values: 0,
    })
}

fn fill_report(view: &mut ReportView, row: &AnyRow) -> Result<()> {
    let status: String = row.try_get("status")?;
    view.id = Some(row.try_get("report_id")?);
    view.status = ReportStatus::parse(&status);
    view.progress = row.try_get("progress")?;
    view.problems = row.try_get("problems")?;
    view.next_steps = row.try_get("next_steps")?;
    view.coordination = row.try_get("coordination")?;
    view.review_comment = row.try_get("review_comment")?;
    view.version = row.try_get("version")?;
    view.updated_at = Some(row.try_get("updated_at")?);
    view.updated_by = Some(row.try_get("updated_by")?);
    view.submitted_at = row.try_get("submitted_at")?;
    view.submitted_late = row.try_get::<i64, _>("submitted_late")? != 0;
    view.reviewed_by = row.try_get("reviewed_by")?;
    view.task_status = row.try_get("task_status")?;
    view.status_reason = row.try_get("status_reason")?;
    Ok(())
}

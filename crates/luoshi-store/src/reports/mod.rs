//! Progress reports: one per assignment and month, carrying the cumulative value reached on each
//! of the task's numeric targets and the four texts of a dispatch report. Saves are versioned
//! (the second of two concurrent saves is refused, nothing lost) and every save, submission and
//! review is one audited write.

mod attachments;
mod check;
mod load;
mod notices;
mod write;

pub(crate) use check::{check_version, rule};
pub(crate) use load::{load_period, load_view};
pub(crate) use write::{SaveRequest, save_group};

use luoshi_reporting::access::Principal;
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{AssignmentScope, Day, Months, ReportStatus};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::audit::Change;
use crate::{Result, Store};
use load::{Unreadable, load_views};

/// One numeric target as a report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportTarget {
    pub target_id: i64,
    pub text: String,
    pub unit: String,
    pub qualifier: String,
    pub aspirational: bool,
    /// What this assignment is expected to reach: the district's share, else the whole target.
    pub expected: f64,
    /// The cumulative value reported this period.
    pub value: Option<f64>,
    pub note: Option<String>,
    /// The latest value reported in an earlier month.
    pub previous: Option<f64>,
}

/// Last month's texts, to copy forward.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PreviousTexts {
    pub period_key: String,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub coordination: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttachmentRow {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub created_at: String,
}

/// A report for one assignment in one period, or the empty form when none was started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportView {
    /// `None` until first saved.
    pub id: Option<i64>,
    pub period_id: i64,
    pub period_key: String,
    pub assignment_id: i64,
    pub plan_id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    pub unit_id: i64,
    pub unit: String,
    /// `lead` (the consolidated report) or `responsible`.
    pub role: String,
    pub district: Option<String>,
    /// The months the assignment is due in (from the reporting start or the amendment that
    /// added it).
    #[schema(value_type = Vec<u32>)]
    pub months: Months,
    /// `None` when nothing was saved yet (未填报).
    pub status: Option<ReportStatus>,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub coordination: String,
    pub review_comment: Option<String>,
    /// Send this back with the next save; 0 before the first.
    pub version: i64,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
    pub submitted_at: Option<String>,
    pub submitted_late: bool,
    pub reviewed_by: Option<String>,
    /// The lead of a task without a numeric target confirms each month where it stands.
    #[serde(default)]
    pub asks_status: bool,
    /// `on_plan` (按计划推进), `done` (已完成) or `behind` (滞后).
    #[serde(default)]
    pub task_status: Option<String>,
    /// Why, when not on plan.
    #[serde(default)]
    pub status_reason: Option<String>,
    /// The targets this assignment answers for: those it owns or holds a share of.
    pub targets: Vec<ReportTarget>,
    /// The task's other targets, shown for context and not reported here.
    #[serde(default)]
    pub context: Vec<ContextTarget>,
    pub attachments: Vec<AttachmentRow>,
    pub previous: Option<PreviousTexts>,
    #[serde(skip)]
    pub lead_unit_ids: Vec<i64>,
    /// How many values the stored report holds, shown or not (a save replaces them).
    #[serde(skip)]
    pub stored_values: i64,
}

/// A target of the task that another assignment answers for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContextTarget {
    pub target_id: i64,
    pub text: String,
    pub value: f64,
    pub unit: String,
    /// Who answers for it, in words (`全市目标，由牵头单位报送`).
    pub owner: String,
}

impl ReportView {
    /// Whose report it is, for access checks.
    pub fn scope(&self) -> AssignmentScope {
        AssignmentScope {
            unit_id: self.unit_id,
            is_lead: self.role == "lead",
            lead_unit_ids: self.lead_unit_ids.clone(),
        }
    }

    /// The status with 未填报 for a report not started.
    pub fn status_label(&self) -> &'static str {
        self.status.map_or("未填报", ReportStatus::label)
    }
}

/// A cumulative value for one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ValueInput {
    pub target_id: i64,
    pub value: f64,
    /// Required when the value is below last month's.
    #[serde(default)]
    pub note: Option<String>,
    /// The reporter confirms a value a hundred times its target or more is right (数值无误).
    #[serde(default)]
    pub confirmed: bool,
}

/// What a reporter sends: texts, values, and the version the edit started from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    #[serde(default)]
    pub progress: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub next_steps: String,
    #[serde(default)]
    pub coordination: String,
    #[serde(default)]
    pub values: Vec<ValueInput>,
    /// For a task without a numeric target, its lead's word on the month: `on_plan`, `done`
    /// or `behind` (needed to submit).
    #[serde(default)]
    pub task_status: Option<String>,
    /// Why, when `behind`.
    #[serde(default)]
    pub status_reason: Option<String>,
    /// The `version` of the report as loaded (0 for a new report).
    #[serde(default)]
    pub version: i64,
}

/// Who has reported in a period, per unit: what 催报 works from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitReporting {
    pub unit_id: i64,
    pub unit: String,
    pub district: Option<String>,
    pub assigned: i64,
    pub reported: i64,
    pub returned: i64,
    /// Assignments with no submitted report: `path 标题`.
    pub missing: Vec<String>,
}

/// An in-app notice (催报) to a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notice {
    pub id: i64,
    pub text: String,
    pub created_by: String,
    pub created_at: String,
    pub read: bool,
}

impl Store {
    /// One assignment's report in a period (the empty form if none was started).
    pub async fn report(&self, period_id: i64, assignment_id: i64) -> Result<ReportView> {
        let mut conn = self.pool.acquire().await?;
        let period = load_period(&mut conn, period_id).await?;
        load_view(&mut conn, &period, assignment_id).await
    }

    /// Saves a draft (`Save`) or submits (`Submit`) one report, on `today`'s calendar, for a
    /// caller that has checked who may (see [`Store::save_report_as`]). Saves arriving together
    /// are committed together (see `save_queue`); the answer comes only after the commit.
    pub async fn save_report(
        &self,
        period_id: i64,
        assignment_id: i64,
        input: &ReportInput,
        action: ReportAction,
        today: Day,
        actor: &str,
    ) -> Result<ReportView> {
        self.queue_save(period_id, assignment_id, input, action, today, actor, None)
            .await
    }

    /// [`Store::save_report`] by `editor`, refused (`Forbidden`) unless they may edit the
    /// report: checked against the form the commit reads, so the check costs no query of its own.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_report_as(
        &self,
        editor: &Principal,
        period_id: i64,
        assignment_id: i64,
        input: &ReportInput,
        action: ReportAction,
        today: Day,
        actor: &str,
    ) -> Result<ReportView> {
        let editor = Some(editor.clone());
        self.queue_save(
            period_id,
            assignment_id,
            input,
            action,
            today,
            actor,
            editor,
        )
        .await
    }

    /// Queues one save for the group commit and waits for its answer.
    #[allow(clippy::too_many_arguments)]
    async fn queue_save(
        &self,
        period_id: i64,
        assignment_id: i64,
        input: &ReportInput,
        action: ReportAction,
        today: Day,
        actor: &str,
        editor: Option<Principal>,
    ) -> Result<ReportView> {
        let pending = crate::save_queue::Pending::new(
            period_id,
            assignment_id,
            input.clone(),
            action,
            today,
            actor,
            editor,
        );
        crate::save_queue::save(self, pending).await
    }

    /// Saves many reports of one period in one transaction: all or none. Each entry's
    /// `field_prefix` names where its values came from (a spreadsheet row) in messages.
    pub async fn save_reports(
        &self,
        period_id: i64,
        entries: &[(i64, ReportInput, Vec<String>)],
        action: ReportAction,
        today: Day,
        actor: &str,
    ) -> Result<usize> {
        let mut write = self.begin_write(actor).await?;
        let period = load_period(write.conn(), period_id).await?;
        let places: Vec<_> = entries
            .iter()
            .map(|(_, _, places)| {
                move |i: usize| {
                    places
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("values[{i}]"))
                }
            })
            .collect();
        let requests: Vec<SaveRequest<'_>> = entries
            .iter()
            .zip(&places)
            .map(|((assignment_id, input, _), field_of)| SaveRequest {
                assignment_id: *assignment_id,
                input,
                action,
                today,
                actor,
                editor: None,
                field_of,
            })
            .collect();
        let mut changes = Vec::with_capacity(entries.len());
        for answer in save_group(write.conn(), &period, &requests).await? {
            let saved = answer?;
            changes.push(Change::new(saved.verb(), "report", Some(saved.id)).after(saved.after));
        }
        for change in changes {
            write.record(change);
        }
        let assignments: Vec<i64> = entries.iter().map(|(a, _, _)| *a).collect();
        crate::series::refresh_many(write.conn(), &assignments).await?;
        write.commit().await?;
        Ok(entries.len())
    }

    /// Every report (or empty form) of one unit in a period, in task order.
    pub async fn unit_reports(&self, period_id: i64, unit_id: i64) -> Result<Vec<ReportView>> {
        self.views_where(period_id, "a.unit_id = $2", unit_id).await
    }

    /// Every report (or empty form) on one task in a period: the lead's and its responsible units'.
    pub async fn task_reports(&self, period_id: i64, task_id: i64) -> Result<Vec<ReportView>> {
        self.views_where(period_id, "a.task_id = $2", task_id).await
    }

    async fn views_where(
        &self,
        period_id: i64,
        condition: &str,
        id: i64,
    ) -> Result<Vec<ReportView>> {
        let mut conn = self.pool.acquire().await?;
        let period = load_period(&mut conn, period_id).await?;
        let ids = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.months_due FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE a.plan_id = $1 AND {condition} ORDER BY t.ord, a.role, a.id"
        )))
        .bind(period.plan_id)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        // Only the assignments due in the period, read together.
        let mut due = Vec::with_capacity(ids.len());
        for row in ids {
            if period.holds(Months::from_bits(row.try_get("months_due")?)) {
                due.push(row.try_get::<i64, _>("id")?);
            }
        }
        let mut views = load_views(&mut conn, &period, &due).await?;
        due.iter()
            .map(|id| {
                views
                    .remove(id)
                    .unwrap_or(Err(Unreadable::Missing))
                    .map_err(|why| why.error(*id))
            })
            .collect()
    }

    /// Per unit: how many assignments it has, how many are reported (submitted or accepted), how
    /// many were returned, and which are missing — for 催报.
    pub async fn reporting_status(&self, period_id: i64) -> Result<Vec<UnitReporting>> {
        let period = self.period(period_id).await?;
        let rows = sqlx::query("SELECT a.unit_id, a.months_due, u.name AS unit_name, d.name AS district_name, t.path, t.title, r.status FROM assignments a JOIN units u ON u.id = a.unit_id JOIN tasks t ON t.id = a.task_id LEFT JOIN districts d ON d.unit_id = a.unit_id LEFT JOIN reports r ON r.assignment_id = a.id AND r.period_id = $2 WHERE a.plan_id = $1 ORDER BY u.name, t.ord")
            .bind(period.plan_id)
            .bind(period_id)
            .fetch_all(&self.pool)
            .await?;
        let mut out: Vec<UnitReporting> = Vec::new();
        for row in rows {
            // Only assignments due in the period are owed.
            if !period.holds(Months::from_bits(row.try_get("months_due")?)) {
                continue;
            }
            let unit_id: i64 = row.try_get("unit_id")?;
            if out.last().is_none_or(|u| u.unit_id != unit_id) {
                out.push(UnitReporting {
                    unit_id,
                    unit: row.try_get("unit_name")?,
                    district: row.try_get("district_name")?,
                    assigned: 0,
                    reported: 0,
                    returned: 0,
                    missing: Vec::new(),
                });
            }
            let Some(unit) = out.last_mut() else { continue };
            unit.assigned += 1;
            let status = row
                .try_get::<Option<String>, _>("status")?
                .as_deref()
                .and_then(ReportStatus::parse);
            match status {
                Some(s) if s.is_reported() => unit.reported += 1,
                other => {
                    if other == Some(ReportStatus::Returned) {
                        unit.returned += 1;
                    }
                    let path: String = row.try_get("path")?;
                    let title: String = row.try_get("title")?;
                    unit.missing.push(format!("{path} {title}"));
                }
            }
        }
        Ok(out)
    }

    /// The assignment a unit holds on a task (by task path), for uploads that name tasks.
    pub async fn unit_assignments(
        &self,
        plan_id: i64,
        unit_id: i64,
    ) -> Result<Vec<(i64, String, String)>> {
        let rows = sqlx::query("SELECT a.id, t.path, a.role FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE a.plan_id = $1 AND a.unit_id = $2 ORDER BY t.ord")
            .bind(plan_id)
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("path")?, r.try_get("role")?)))
            .collect()
    }
}

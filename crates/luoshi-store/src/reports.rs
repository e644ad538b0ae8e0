//! Progress reports: one per assignment and month, carrying the cumulative value reached on each
//! of the task's numeric targets and the four texts of a dispatch report. Saves are versioned
//! (the second of two concurrent saves is refused, nothing lost) and every save, submission and
//! review is one audited write.

use luoshi_reporting::report::{ReportAction, check_text};
use luoshi_reporting::{AssignmentScope, Day, Months, ReportStatus, ValueCheck};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::Change;
use crate::periods::{PeriodRow, period_row};
use crate::{Result, Store, StoreError, now};

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

/// An assignment and its report in period `$2`, if any (report columns may be NULL).
const ASSIGNMENT_SQL: &str = "SELECT a.id, a.plan_id, a.task_id, a.unit_id, a.role, a.district_id, a.months_due, t.path, t.title, u.name AS unit_name, d.name AS district_name, r.id AS report_id, r.status, r.progress, r.problems, r.next_steps, r.coordination, r.review_comment, r.version, r.updated_at, r.updated_by, r.submitted_at, r.submitted_late, r.reviewed_by, r.task_status, r.status_reason FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id LEFT JOIN districts d ON d.id = a.district_id LEFT JOIN reports r ON r.assignment_id = a.id AND r.period_id = $2";

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

pub(crate) async fn load_period(conn: &mut AnyConnection, period_id: i64) -> Result<PeriodRow> {
    let row = sqlx::query("SELECT id, plan_id, kind, key, label, starts_on, ends_on, due_on, reopened_until FROM periods WHERE id = $1")
        .bind(period_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound { entity: "填报期间", id: period_id.to_string() })?;
    period_row(&row)
}

/// The full view of one assignment's report in `period`: targets with expected, current and
/// previous values, the texts, attachments and last month's texts.
pub(crate) async fn load_view(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    assignment_id: i64,
) -> Result<ReportView> {
    let mut view = load_core(conn, period, assignment_id).await?;
    load_extras(conn, period, &mut view).await?;
    Ok(view)
}

/// What a save needs to check and write a report, in two queries: the assignment with its
/// report, and the targets with this report's and earlier months' values.
async fn load_core(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    assignment_id: i64,
) -> Result<ReportView> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{ASSIGNMENT_SQL} WHERE a.id = $1"
    )))
    .bind(assignment_id)
    .bind(period.id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound {
        entity: "任务分工",
        id: assignment_id.to_string(),
    })?;
    let mut view = blank_view(&row, period)?;
    if view.plan_id != period.plan_id {
        return Err(StoreError::invalid(
            "period",
            "填报期间与任务不属于同一方案",
        ));
    }
    let district_id: Option<i64> = row.try_get("district_id")?;
    if row.try_get::<Option<i64>, _>("report_id")?.is_some() {
        fill_report(&mut view, &row)?;
    }
    // Each target with the district's share, this report's value, and the latest value reported
    // in an earlier month ("previous"). Counts of what already exists are not reported on.
    // Ownership (DESIGN: a target's owners): a 分别 target belongs to each member of its group
    // through its share; any other target to the task's lead as the city's total, and to a
    // district or responsible unit only through a share the office gave it. Where the lead is
    // a group of districts (各区人民政府), each member answers for its own share only.
    // Only what is due in this period's month: a target, share or district lead in force then.
    let role: String = row.try_get("role")?;
    let district_leads = sqlx::query(
        "SELECT months_due FROM assignments WHERE task_id = $1 AND role = 'lead' AND district_id IS NOT NULL",
    )
    .bind(view.task_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("months_due").map(Months::from_bits))
    .collect::<std::result::Result<Vec<Months>, _>>()?
    .into_iter()
    .filter(|m| period.holds(*m))
    .count();
    let owns_total = role == "lead" && (district_id.is_none() || district_leads <= 1);
    let targets = sqlx::query("SELECT t.id, t.text, t.unit, t.qualifier, t.aspirational, t.value, t.per_each, t.months_due, COALESCE(s.value, us.value) AS share, COALESCE(s.months_due, us.months_due) AS share_months, rv.value AS reported, rv.note, (SELECT pv.value FROM report_values pv JOIN reports pr ON pr.id = pv.report_id JOIN periods pp ON pp.id = pr.period_id WHERE pr.assignment_id = $4 AND pv.target_id = t.id AND pp.kind = 'month' AND pp.starts_on < $5 ORDER BY pp.starts_on DESC LIMIT 1) AS previous FROM targets t LEFT JOIN target_shares s ON s.target_id = t.id AND s.district_id = $2 LEFT JOIN target_unit_shares us ON us.target_id = t.id AND us.unit_id = $6 LEFT JOIN report_values rv ON rv.target_id = t.id AND rv.report_id = $3 WHERE t.task_id = $1 AND t.kind <> 'existing_count' ORDER BY t.ord")
        .bind(view.task_id)
        .bind(district_id.unwrap_or(-1))
        .bind(view.id.unwrap_or(-1))
        .bind(assignment_id)
        .bind(&period.starts_on)
        // A responsible unit (not a district) answers for the shares the office gave it.
        .bind(if district_id.is_none() && role == "responsible" {
            view.unit_id
        } else {
            -1
        })
        .fetch_all(&mut *conn)
        .await?;
    for t in &targets {
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
    view.asks_status = role == "lead" && targets.is_empty();
    Ok(view)
}

/// What a save does not need: the task's lead units (for access checks), attachments and last
/// month's texts.
async fn load_extras(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    view: &mut ReportView,
) -> Result<()> {
    view.lead_unit_ids =
        sqlx::query("SELECT unit_id FROM assignments WHERE task_id = $1 AND role = 'lead'")
            .bind(view.task_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("unit_id"))
            .collect::<std::result::Result<_, _>>()?;
    view.attachments.clear();
    if let Some(id) = view.id {
        for a in sqlx::query("SELECT id, filename, content_type, size, sha256, uploaded_by, created_at FROM attachments WHERE report_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            view.attachments.push(AttachmentRow {
                id: a.try_get("id")?,
                filename: a.try_get("filename")?,
                content_type: a.try_get("content_type")?,
                size: a.try_get("size")?,
                sha256: a.try_get("sha256")?,
                uploaded_by: a.try_get("uploaded_by")?,
                created_at: a.try_get("created_at")?,
            });
        }
    }
    let last = sqlx::query("SELECT p.key, r.progress, r.problems, r.next_steps, r.coordination FROM reports r JOIN periods p ON p.id = r.period_id WHERE r.assignment_id = $1 AND p.kind = 'month' AND p.starts_on < $2 ORDER BY p.starts_on DESC LIMIT 1")
        .bind(view.assignment_id)
        .bind(&period.starts_on)
        .fetch_optional(&mut *conn)
        .await?;
    view.previous = match last {
        Some(last) => Some(PreviousTexts {
            period_key: last.try_get("key")?,
            progress: last.try_get("progress")?,
            problems: last.try_get("problems")?,
            next_steps: last.try_get("next_steps")?,
            coordination: last.try_get("coordination")?,
        }),
        None => None,
    };
    Ok(())
}

/// Checks `input` against the form it fills: texts within limits, values for this task's targets
/// only, decreases explained. `field_of` names a value's place for messages (`values[0]`, a cell).
/// The lead's word on a task without a numeric target: known, asked of this report, explained
/// when behind, and given before submitting.
fn check_confirmation(view: &ReportView, input: &ReportInput, submitting: bool) -> Result<()> {
    let status = input
        .task_status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match status {
        None if submitting && view.asks_status => Err(StoreError::invalid(
            "task_status",
            "请确认本月进展：按计划推进、已完成或滞后",
        )),
        None => Ok(()),
        Some(_) if !view.asks_status => Err(StoreError::invalid(
            "task_status",
            "只有无量化指标任务的牵头单位需要确认进展",
        )),
        Some("on_plan" | "done") => Ok(()),
        Some("behind") => match input.status_reason.as_deref().map(str::trim) {
            Some(reason) if !reason.is_empty() => check_text("status_reason", reason).map_err(rule),
            _ => Err(StoreError::invalid("status_reason", "进展滞后时须说明原因")),
        },
        Some(other) => Err(StoreError::invalid(
            "task_status",
            format!("「{other}」不是可选的进展（on_plan、done、behind）"),
        )),
    }
}

fn check_input(
    view: &ReportView,
    input: &ReportInput,
    field_of: &(dyn Fn(usize) -> String + Sync),
) -> Result<()> {
    for (field, text) in [
        ("progress", &input.progress),
        ("problems", &input.problems),
        ("next_steps", &input.next_steps),
        ("coordination", &input.coordination),
    ] {
        check_text(field, text).map_err(rule)?;
    }
    let mut seen = Vec::new();
    for (i, value) in input.values.iter().enumerate() {
        let field = field_of(i);
        let Some(target) = view.targets.iter().find(|t| t.target_id == value.target_id) else {
            return Err(StoreError::invalid(
                field,
                format!(
                    "指标 {} 不属于任务 {}（{}），不能为它填报",
                    value.target_id, view.task_path, view.task_title
                ),
            ));
        };
        if seen.contains(&value.target_id) {
            return Err(StoreError::invalid(
                field,
                format!("指标 {} 填了两次", value.target_id),
            ));
        }
        seen.push(value.target_id);
        ValueCheck {
            field: &field,
            value: value.value,
            previous: target.previous,
            note: value.note.as_deref(),
            target: Some((target.expected, &target.unit)),
            confirmed: value.confirmed,
        }
        .check()
        .map_err(rule)?;
    }
    Ok(())
}

pub(crate) fn rule(e: luoshi_reporting::report::RuleError) -> StoreError {
    match e {
        luoshi_reporting::report::RuleError::Field { field, message } => {
            StoreError::Invalid { field, message }
        }
        other => StoreError::Conflict(other.to_string()),
    }
}

/// Refuses a save that did not start from the stored version.
pub(crate) fn check_version(view: &ReportView, version: i64) -> Result<()> {
    if view.version != version {
        return Err(StoreError::Conflict(format!(
            "这份报告已由 {} 于 {} 保存为第 {} 版，而您是在第 {} 版上修改的；您的内容未保存，请核对最新内容后重新提交",
            view.updated_by.as_deref().unwrap_or("他人"),
            view.updated_at.as_deref().unwrap_or(""),
            view.version,
            version
        )));
    }
    Ok(())
}

/// What every report in one save shares: the period, the action, the day and who acts.
pub(crate) struct SaveContext<'a> {
    pub period: &'a PeriodRow,
    pub action: ReportAction,
    pub today: Day,
    pub actor: &'a str,
}

/// Saves (or submits) one report inside an open write; returns the report id.
pub(crate) async fn save_in(
    conn: &mut AnyConnection,
    how: &SaveContext<'_>,
    assignment_id: i64,
    input: &ReportInput,
    field_of: &(dyn Fn(usize) -> String + Sync),
) -> Result<(i64, ReportStatus, serde_json::Value, ReportView)> {
    let SaveContext {
        period,
        action,
        today,
        actor,
    } = *how;
    if !period.is_month() {
        return Err(StoreError::invalid(
            "period",
            format!("{}不单独填报，请在月度期间填报", period.label),
        ));
    }
    let window = period.window(today);
    if !window.accepts_entries() {
        return Err(StoreError::invalid(
            "period",
            format!(
                "{}的填报{}（截止日 {}）；如需补报，请协调办公室重新开放",
                period.label,
                window.label(),
                period.due_on
            ),
        ));
    }
    let view = load_core(conn, period, assignment_id).await?;
    if !period.holds(view.months) {
        return Err(StoreError::invalid(
            "period",
            format!(
                "「{} {}」在{}无需填报：{}承担该任务的月份为{}",
                view.task_path,
                view.task_title,
                period.label,
                view.unit,
                view.months.label()
            ),
        ));
    }
    check_version(&view, input.version)?;
    let from = view.status.unwrap_or(ReportStatus::Draft);
    let to = from.after(action).map_err(rule)?;
    check_input(&view, input, field_of)?;
    check_confirmation(&view, input, to == ReportStatus::Submitted)?;
    if to == ReportStatus::Submitted {
        let texts = [
            input.progress.as_str(),
            input.problems.as_str(),
            input.next_steps.as_str(),
            input.coordination.as_str(),
        ];
        luoshi_reporting::report::check_substance(&texts, input.values.len()).map_err(rule)?;
    }
    let task_status = input
        .task_status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let status_reason = input
        .status_reason
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && task_status.is_some())
        .map(str::to_string);
    let at = now();
    let late = window == luoshi_reporting::Window::Reopened;
    let submitted_at = (to == ReportStatus::Submitted).then(|| at.clone());
    let id = match view.id {
        None => {
            let row = sqlx::query("INSERT INTO reports (period_id, assignment_id, status, progress, problems, next_steps, coordination, version, created_at, updated_at, updated_by, submitted_at, submitted_late, task_status, status_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $9, $10, $11, $12, $13) RETURNING id")
                .bind(period.id)
                .bind(assignment_id)
                .bind(to.as_str())
                .bind(&input.progress)
                .bind(&input.problems)
                .bind(&input.next_steps)
                .bind(&input.coordination)
                .bind(&at)
                .bind(actor)
                .bind(submitted_at.as_deref())
                .bind(i64::from(late && submitted_at.is_some()))
                .bind(task_status.as_deref())
                .bind(status_reason.as_deref())
                .fetch_one(&mut *conn)
                .await?;
            row.try_get("id")?
        }
        Some(id) => {
            let done = sqlx::query("UPDATE reports SET status = $1, progress = $2, problems = $3, next_steps = $4, coordination = $5, version = version + 1, updated_at = $6, updated_by = $7, submitted_at = COALESCE($8, submitted_at), submitted_late = CASE WHEN $8 IS NULL THEN submitted_late ELSE $9 END, task_status = $12, status_reason = $13 WHERE id = $10 AND version = $11")
                .bind(to.as_str())
                .bind(&input.progress)
                .bind(&input.problems)
                .bind(&input.next_steps)
                .bind(&input.coordination)
                .bind(&at)
                .bind(actor)
                .bind(submitted_at.as_deref())
                .bind(i64::from(late))
                .bind(id)
                .bind(input.version)
                .bind(task_status.as_deref())
                .bind(status_reason.as_deref())
                .execute(&mut *conn)
                .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(
                    "这份报告刚被他人保存，您的内容未保存，请刷新后重试".into(),
                ));
            }
            if view.targets.iter().any(|t| t.value.is_some()) {
                sqlx::query("DELETE FROM report_values WHERE report_id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
            id
        }
    };
    // All of a report's values in one statement (a form holds a task's few targets; the
    // chunks keep within the databases' parameter limits all the same).
    for chunk in input.values.chunks(1000) {
        let mut sql =
            String::from("INSERT INTO report_values (report_id, target_id, value, note) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let n = i * 4;
            sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in chunk {
            query = query.bind(id).bind(value.target_id).bind(value.value).bind(
                value
                    .note
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
            );
        }
        query.execute(&mut *conn).await?;
    }
    let after = json!({
        "period": period.key, "assignment": assignment_id, "status": to.as_str(),
        "version": input.version + 1, "late": late, "input": input,
    });
    // The report as it now stands, without reading it back.
    let mut saved = view;
    saved.id = Some(id);
    saved.status = Some(to);
    saved.progress.clone_from(&input.progress);
    saved.problems.clone_from(&input.problems);
    saved.next_steps.clone_from(&input.next_steps);
    saved.coordination.clone_from(&input.coordination);
    saved.task_status = task_status;
    saved.status_reason = status_reason;
    saved.version = input.version + 1;
    saved.updated_at = Some(at);
    saved.updated_by = Some(actor.to_string());
    if submitted_at.is_some() {
        saved.submitted_at = submitted_at;
        saved.submitted_late = late;
    }
    for target in &mut saved.targets {
        let given = input
            .values
            .iter()
            .find(|v| v.target_id == target.target_id);
        target.value = given.map(|v| v.value);
        target.note = given
            .and_then(|v| v.note.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
    }
    Ok((id, to, after, saved))
}

/// Attachments one report may hold, and their total size.
pub const MAX_ATTACHMENTS: i64 = 10;
pub const MAX_ATTACHMENT_TOTAL: i64 = 30 * 1024 * 1024;

impl Store {
    /// Whose report an assignment's is, for access checks: two small queries instead of the
    /// whole report.
    pub async fn assignment_scope(&self, assignment_id: i64) -> Result<AssignmentScope> {
        // One round trip: the assignment, once per lead of its task (or once with none).
        let rows = sqlx::query(
            "SELECT a.unit_id, a.role, l.unit_id AS lead_unit FROM assignments a LEFT JOIN assignments l ON l.task_id = a.task_id AND l.role = 'lead' WHERE a.id = $1",
        )
        .bind(assignment_id)
        .fetch_all(&self.pool)
        .await?;
        let first = rows.first().ok_or_else(|| StoreError::NotFound {
            entity: "任务分工",
            id: assignment_id.to_string(),
        })?;
        let role: String = first.try_get("role")?;
        let mut lead_unit_ids = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(unit) = row.try_get::<Option<i64>, _>("lead_unit")? {
                lead_unit_ids.push(unit);
            }
        }
        Ok(AssignmentScope {
            unit_id: first.try_get("unit_id")?,
            is_lead: role == "lead",
            lead_unit_ids,
        })
    }

    /// One assignment's report in a period (the empty form if none was started).
    pub async fn report(&self, period_id: i64, assignment_id: i64) -> Result<ReportView> {
        let mut conn = self.pool.acquire().await?;
        let period = load_period(&mut conn, period_id).await?;
        load_view(&mut conn, &period, assignment_id).await
    }

    /// Saves a draft (`Save`) or submits (`Submit`) one report, on `today`'s calendar. Saves
    /// arriving together are committed together (see `save_queue`); the answer comes only after
    /// the commit.
    pub async fn save_report(
        &self,
        period_id: i64,
        assignment_id: i64,
        input: &ReportInput,
        action: ReportAction,
        today: Day,
        actor: &str,
    ) -> Result<ReportView> {
        let (mut view, period) = crate::save_queue::save(
            self,
            crate::save_queue::Pending::new(
                period_id,
                assignment_id,
                input.clone(),
                action,
                today,
                actor,
            ),
        )
        .await?;
        // What only people look at is read after the commit, outside the writer's turn.
        let mut conn = self.pool.acquire().await?;
        load_extras(&mut conn, &period, &mut view).await?;
        Ok(view)
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
        let mut changes = Vec::new();
        for (assignment_id, input, places) in entries {
            let (id, to, after, _) = save_in(
                write.conn(),
                &SaveContext {
                    period: &period,
                    action,
                    today,
                    actor,
                },
                *assignment_id,
                input,
                &|i| {
                    places
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("values[{i}]"))
                },
            )
            .await?;
            let verb = if to == ReportStatus::Submitted {
                "submit"
            } else {
                "save"
            };
            changes.push(Change::new(verb, "report", Some(id)).after(after));
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
        let mut out = Vec::with_capacity(ids.len());
        // Only the assignments due in the period.
        for row in ids {
            if period.holds(Months::from_bits(row.try_get("months_due")?)) {
                out.push(load_view(&mut conn, &period, row.try_get("id")?).await?);
            }
        }
        Ok(out)
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

    /// Sends an in-app notice to each unit; returns how many were sent.
    pub async fn send_notices(
        &self,
        period_id: Option<i64>,
        unit_ids: &[i64],
        text: &str,
        actor: &str,
    ) -> Result<usize> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::invalid("text", "催报内容不能为空"));
        }
        check_text("text", text).map_err(rule)?;
        let mut write = self.begin_write(actor).await?;
        let at = now();
        for unit in unit_ids {
            let row = sqlx::query("INSERT INTO notices (unit_id, period_id, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(unit)
                .bind(period_id)
                .bind(text)
                .bind(actor)
                .bind(&at)
                .fetch_one(write.conn())
                .await?;
            let id: i64 = row.try_get("id")?;
            write.record(
                Change::new("notify", "notice", Some(id))
                    .after(json!({ "unit": unit, "period": period_id, "text": text })),
            );
        }
        write.commit().await?;
        Ok(unit_ids.len())
    }

    /// A unit's notices, newest first.
    pub async fn notices(&self, unit_id: i64) -> Result<Vec<Notice>> {
        let rows = sqlx::query("SELECT id, text, created_by, created_at, read_at FROM notices WHERE unit_id = $1 ORDER BY id DESC LIMIT 50")
            .bind(unit_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Notice {
                    id: r.try_get("id")?,
                    text: r.try_get("text")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                    read: r.try_get::<Option<String>, _>("read_at")?.is_some(),
                })
            })
            .collect()
    }

    pub async fn mark_notices_read(&self, unit_id: i64) -> Result<()> {
        sqlx::query("UPDATE notices SET read_at = $1 WHERE unit_id = $2 AND read_at IS NULL")
            .bind(now())
            .bind(unit_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores an attachment (its type checked by the caller) on a saved report that can still
    /// be edited on `today` (a draft or a returned report, in an open period), within the
    /// report's quota of [`MAX_ATTACHMENTS`] files and [`MAX_ATTACHMENT_TOTAL`] bytes.
    pub async fn add_attachment(
        &self,
        report_id: i64,
        filename: &str,
        content_type: &str,
        data: &[u8],
        today: Day,
        actor: &str,
    ) -> Result<i64> {
        use sha2::{Digest, Sha256};
        let sha: String = Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut write = self.begin_write(actor).await?;
        let report = sqlx::query("SELECT period_id, status FROM reports WHERE id = $1")
            .bind(report_id)
            .fetch_optional(write.conn())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "报告",
                id: report_id.to_string(),
            })?;
        let status: String = report.try_get("status")?;
        let status = ReportStatus::parse(&status).unwrap_or(ReportStatus::Draft);
        if status.after(ReportAction::Save).is_err() {
            return Err(StoreError::Conflict(format!(
                "报告已{}，不能再添加附件；如需补充，请先由审核方退回",
                status.label()
            )));
        }
        let period = load_period(write.conn(), report.try_get("period_id")?).await?;
        let window = period.window(today);
        if !window.accepts_entries() {
            return Err(StoreError::Conflict(format!(
                "{}的填报{}，不能再添加附件",
                period.label,
                window.label()
            )));
        }
        let used = sqlx::query(
            "SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM attachments WHERE report_id = $1",
        )
        .bind(report_id)
        .fetch_one(write.conn())
        .await?;
        let (files, bytes): (i64, i64) = (used.try_get("files")?, used.try_get("bytes")?);
        if files >= MAX_ATTACHMENTS {
            return Err(StoreError::invalid(
                "file",
                format!("每份报告最多 {MAX_ATTACHMENTS} 个附件，已有 {files} 个"),
            ));
        }
        if bytes + data.len() as i64 > MAX_ATTACHMENT_TOTAL {
            return Err(StoreError::invalid(
                "file",
                format!(
                    "每份报告的附件合计不超过 {} MB，已用 {:.1} MB",
                    MAX_ATTACHMENT_TOTAL / 1_048_576,
                    bytes as f64 / 1_048_576.0
                ),
            ));
        }
        let row = sqlx::query("INSERT INTO attachments (report_id, filename, content_type, size, sha256, data, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(report_id)
            .bind(filename)
            .bind(content_type)
            .bind(data.len() as i64)
            .bind(&sha)
            .bind(data.to_vec())
            .bind(actor)
            .bind(now())
            .fetch_one(write.conn())
            .await?;
        let id: i64 = row.try_get("id")?;
        write.record(Change::new("attach", "report", Some(report_id)).after(
            json!({ "attachment": id, "filename": filename, "size": data.len(), "sha256": sha }),
        ));
        write.commit().await?;
        Ok(id)
    }

    /// An attachment's metadata, bytes, and the report it belongs to (period, assignment).
    pub async fn attachment(&self, id: i64) -> Result<(AttachmentRow, Vec<u8>, i64, i64)> {
        let a = sqlx::query("SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.created_at, a.data, r.period_id, r.assignment_id FROM attachments a JOIN reports r ON r.id = a.report_id WHERE a.id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { entity: "附件", id: id.to_string() })?;
        Ok((
            AttachmentRow {
                id: a.try_get("id")?,
                filename: a.try_get("filename")?,
                content_type: a.try_get("content_type")?,
                size: a.try_get("size")?,
                sha256: a.try_get("sha256")?,
                uploaded_by: a.try_get("uploaded_by")?,
                created_at: a.try_get("created_at")?,
            },
            a.try_get("data")?,
            a.try_get("period_id")?,
            a.try_get("assignment_id")?,
        ))
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

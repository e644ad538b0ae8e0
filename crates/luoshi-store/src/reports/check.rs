//! The rules a save must pass before anything is written: an open monthly period, the month
//! due, the stored version, an allowed step of the report's life, texts and values within their
//! limits. Pure: the form is read beforehand, so the checks of a whole group of saves run
//! between the group's reads and its writes.

use luoshi_reporting::report::{ReportAction, check_text};
use luoshi_reporting::{Day, ReportStatus, ValueCheck, Window};

use super::{ReportInput, ReportView};
use crate::periods::PeriodRow;
use crate::{Result, StoreError};

/// A save that passed its checks: what its write needs.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub input: &'a ReportInput,
    /// The form as read before the save.
    pub view: ReportView,
    pub to: ReportStatus,
    pub late: bool,
    pub submitting: bool,
    pub task_status: Option<String>,
    pub status_reason: Option<String>,
}

impl Prepared<'_> {
    /// A value's note as stored: trimmed, none when blank.
    pub fn note(note: Option<&str>) -> Option<String> {
        note.map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    }

    /// The audit record's body and the report as it now stands (without reading it back), once
    /// written as report `id` at `at` by `actor`.
    pub fn saved(self, id: i64, at: &str, actor: &str) -> (serde_json::Value, ReportView) {
        let input = self.input;
        let after = serde_json::json!({
            "period": self.view.period_key, "assignment": self.view.assignment_id,
            "status": self.to.as_str(), "version": input.version + 1, "late": self.late,
            "input": input,
        });
        let mut saved = self.view;
        saved.id = Some(id);
        saved.status = Some(self.to);
        saved.progress.clone_from(&input.progress);
        saved.problems.clone_from(&input.problems);
        saved.next_steps.clone_from(&input.next_steps);
        saved.coordination.clone_from(&input.coordination);
        saved.task_status = self.task_status;
        saved.status_reason = self.status_reason;
        saved.version = input.version + 1;
        saved.stored_values = input.values.len() as i64;
        saved.updated_at = Some(at.to_string());
        saved.updated_by = Some(actor.to_string());
        if self.submitting {
            saved.submitted_at = Some(at.to_string());
            saved.submitted_late = self.late;
        }
        for target in &mut saved.targets {
            let given = input
                .values
                .iter()
                .find(|v| v.target_id == target.target_id);
            target.value = given.map(|v| v.value);
            target.note = given.and_then(|v| Prepared::note(v.note.as_deref()));
        }
        (after, saved)
    }
}

/// Whether `period` takes entries on `today`: a month, open (or reopened) for reporting.
pub(crate) fn check_period(period: &PeriodRow, today: Day) -> Result<Window> {
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
    Ok(window)
}

/// Checks one save of `view` (read in `period`, whose window on the day is `window`) and says
/// what to write. `field_of` names a value's place for messages (`values[0]`, a cell).
pub(crate) fn prepare<'a>(
    period: &PeriodRow,
    window: Window,
    view: ReportView,
    input: &'a ReportInput,
    action: ReportAction,
    field_of: &(dyn Fn(usize) -> String + Sync),
) -> Result<Prepared<'a>> {
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
    let submitting = to == ReportStatus::Submitted;
    check_input(&view, input, field_of)?;
    check_confirmation(&view, input, submitting)?;
    if submitting {
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
    Ok(Prepared {
        input,
        view,
        to,
        late: window == Window::Reopened,
        submitting,
        task_status,
        status_reason,
    })
}

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

/// Checks `input` against the form it fills: texts within limits, values for this task's targets
/// only, decreases explained.
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

//! Bulk upload: the rows of a unit's filled-in sheet become that unit's reports for the period.
//! Every row is checked against what the unit holds (unknown task, target of another task, text
//! in a number column), and the reports are saved in one transaction: all or nothing.

use std::collections::BTreeMap;

use luoshi_export::report_sheet::{
    CONFIRMATIONS, FilledLine, SheetError, SheetInfo, SheetLine, place,
};
use luoshi_store::{PeriodRow, ReportInput, ReportView, ValueInput};

/// The sheet lines of a unit's reports: one per target, one per assignment without targets.
pub fn sheet_lines(views: &[ReportView]) -> Vec<SheetLine> {
    let mut lines = Vec::new();
    for v in views {
        let base = SheetLine {
            task_path: v.task_path.clone(),
            task_title: v.task_title.clone(),
            role: role_label(&v.role).to_string(),
            progress: v.progress.clone(),
            problems: v.problems.clone(),
            next_steps: v.next_steps.clone(),
            coordination: v.coordination.clone(),
            asks_status: v.asks_status,
            confirmation: v
                .task_status
                .as_deref()
                .and_then(|s| CONFIRMATIONS.iter().find(|(_, code)| *code == s))
                .map(|(label, _)| label.to_string())
                .unwrap_or_default(),
            note: v.status_reason.clone().unwrap_or_default(),
            ..Default::default()
        };
        if v.targets.is_empty() {
            lines.push(base);
            continue;
        }
        for t in &v.targets {
            lines.push(SheetLine {
                target_id: Some(t.target_id),
                target_text: t.text.clone(),
                unit: t.unit.clone(),
                expected: Some(t.expected),
                previous: t.previous,
                value: t.value,
                note: t.note.clone().unwrap_or_default(),
                ..base.clone()
            });
        }
    }
    lines
}

pub fn role_label(role: &str) -> &'static str {
    if role == "lead" { "牵头" } else { "责任" }
}

pub fn sheet_info(period: &PeriodRow, unit: &str) -> SheetInfo {
    SheetInfo {
        period_key: period.key.clone(),
        period_label: period.label.clone(),
        unit: unit.to_string(),
    }
}

/// A report being gathered from rows: its input, the places of its values, and the row each of
/// the four texts was first seen on.
type Gathered = (ReportInput, Vec<String>, [Option<u32>; 4]);

/// One report to save, with the sheet places its values came from.
pub type Entry = (i64, ReportInput, Vec<String>);

/// Turns a unit's uploaded rows into reports on its own assignments, or the first problem found.
pub fn entries(
    period: &PeriodRow,
    info: &SheetInfo,
    lines: &[FilledLine],
    views: &[ReportView],
) -> Result<Vec<Entry>, SheetError> {
    if info.period_key != period.key {
        return Err(SheetError {
            row: None,
            column: None,
            message: format!(
                "这是 {} 的填报表，不能上传到 {}；请下载本期的填报表",
                info.period_key, period.key
            ),
        });
    }
    // Per assignment: its input and the first row it was seen on.
    let mut by_assignment: BTreeMap<i64, Gathered> = BTreeMap::new();
    for filled in lines {
        let row = filled.row;
        let line = &filled.line;
        let matching: Vec<&ReportView> = views
            .iter()
            .filter(|v| v.task_path == line.task_path)
            .collect();
        let view = match matching.as_slice() {
            [] => {
                return Err(err(
                    row,
                    0,
                    format!("任务「{}」不在本单位本期的清单中", line.task_path),
                ));
            }
            [only] => *only,
            several => several
                .iter()
                .find(|v| role_label(&v.role) == line.role)
                .copied()
                .ok_or_else(|| {
                    err(
                        row,
                        2,
                        format!("分工应为「牵头」或「责任」，实为「{}」", line.role),
                    )
                })?,
        };
        let entry = by_assignment.entry(view.assignment_id).or_insert_with(|| {
            (
                ReportInput {
                    version: view.version,
                    // The lead's word on a task without a number is given on the page; the
                    // sheet keeps what was given there.
                    task_status: view.task_status.clone(),
                    status_reason: view.status_reason.clone(),
                    ..Default::default()
                },
                Vec::new(),
                [None; 4],
            )
        });
        let texts = [
            (&mut entry.0.progress, &line.progress, 10usize),
            (&mut entry.0.problems, &line.problems, 11),
            (&mut entry.0.next_steps, &line.next_steps, 12),
            (&mut entry.0.coordination, &line.coordination, 13),
        ];
        for (i, (slot, given, col)) in texts.into_iter().enumerate() {
            if given.is_empty() {
                continue;
            }
            match entry.2[i] {
                Some(first) if slot != given => {
                    return Err(err(
                        row,
                        col,
                        format!("与第 {first} 行同一任务的内容不一致；同一任务的文字只需填一处"),
                    ));
                }
                Some(_) => {}
                None => {
                    *slot = given.clone();
                    entry.2[i] = Some(row);
                }
            }
        }
        if !line.confirmation.is_empty() {
            let Some((_, code)) = CONFIRMATIONS
                .iter()
                .find(|(label, _)| *label == line.confirmation)
            else {
                return Err(err(
                    row,
                    14,
                    format!(
                        "「{}」不是可填的本月进展（按计划推进、已完成、滞后）",
                        line.confirmation
                    ),
                ));
            };
            if !view.asks_status {
                return Err(err(
                    row,
                    14,
                    "只有无量化指标任务的牵头单位填本月进展".into(),
                ));
            }
            entry.0.task_status = Some(code.to_string());
            entry.0.status_reason =
                (*code == "behind" && !line.note.is_empty()).then(|| line.note.clone());
        }
        if let (Some(target_id), Some(value)) = (line.target_id, line.value) {
            if !view.targets.iter().any(|t| t.target_id == target_id) {
                return Err(err(
                    row,
                    3,
                    format!(
                        "指标 {target_id} 不属于任务 {}，不能为它填报",
                        view.task_path
                    ),
                ));
            }
            entry.0.values.push(ValueInput {
                target_id,
                value,
                note: (!line.note.is_empty()).then(|| line.note.clone()),
                // A sheet has no tick box: an explanation in the row confirms a value far beyond its target.
                confirmed: !line.note.is_empty(),
            });
            entry
                .1
                .push(place(Some(row), Some(8)).trim_end_matches('：').to_string());
        }
    }
    let mut out = Vec::new();
    for (id, (input, places, rows)) in by_assignment {
        let Some(view) = views.iter().find(|v| v.assignment_id == id) else {
            continue;
        };
        if view.status.is_some_and(|s| s.is_reported()) {
            // Re-uploading the whole sheet after some reports went in is normal: unchanged
            // reported rows are skipped; changed ones need the report returned first.
            if same_content(view, &input) {
                continue;
            }
            let row = rows
                .iter()
                .flatten()
                .min()
                .copied()
                .or_else(|| first_row(lines, &view.task_path));
            return Err(SheetError {
                row,
                column: None,
                message: format!(
                    "任务 {} 的报告已{}，不能再改；如需修改，请先由审核方退回",
                    view.task_path,
                    view.status_label()
                ),
            });
        }
        out.push((id, input, places));
    }
    Ok(out)
}

fn first_row(lines: &[FilledLine], path: &str) -> Option<u32> {
    lines
        .iter()
        .find(|l| l.line.task_path == path)
        .map(|l| l.row)
}

/// Whether an upload says the same as the stored report.
fn same_content(view: &ReportView, input: &ReportInput) -> bool {
    let stored: Vec<(i64, Option<f64>)> = view
        .targets
        .iter()
        .filter(|t| t.value.is_some())
        .map(|t| (t.target_id, t.value))
        .collect();
    let mut given: Vec<(i64, Option<f64>)> = input
        .values
        .iter()
        .map(|v| (v.target_id, Some(v.value)))
        .collect();
    given.sort_by_key(|g| g.0);
    let mut stored_sorted = stored;
    stored_sorted.sort_by_key(|g| g.0);
    view.progress == input.progress
        && view.problems == input.problems
        && view.next_steps == input.next_steps
        && view.coordination == input.coordination
        && stored_sorted == given
}

fn err(row: u32, column: usize, message: String) -> SheetError {
    SheetError {
        row: Some(row),
        column: Some(column),
        message,
    }
}

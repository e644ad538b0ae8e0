//! Tasks without a numeric target in a month's bulletin: each one's status from its lead unit's
//! monthly word, its deadline and the office's 销号 (see `luoshi_evaluation::task_status`). A
//! task led by a group of districts stands as its furthest-behind member.

use luoshi_evaluation::{Confirmation, Status, TaskFacts, deadline_month, task_status, worst};
use luoshi_reporting::Day;
use luoshi_store::SnapTask;
use serde::Serialize;

use crate::monthly::Ledger;

/// One task's line.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TaskLine {
    pub task_id: i64,
    pub path: String,
    pub title: String,
    pub section_path: String,
    /// The lead unit; for a group of districts, the group in words.
    pub lead: String,
    /// The month it is due by (12 when the plan names none).
    pub deadline: u32,
    pub status: Status,
    /// The lead's word this month, in words, with its reason.
    pub confirmation: Option<String>,
    /// The day it was closed (销号).
    pub closed_on: Option<String>,
    /// Each answering unit (the lead, or each district of a group) with its own status: what
    /// the assessment credits.
    pub answers: Vec<(String, Status)>,
    /// Its milestones (节点): `(month, what is done by its end)`.
    pub milestones: Vec<(u32, String)>,
}

/// The completion credit (0–1) a task's status earns its lead in rankings and the assessment.
pub fn credit(status: Status) -> f64 {
    match status {
        Status::Completed | Status::OnPace => 1.0,
        Status::Lagging | Status::NotStarted => 0.5,
        Status::SeriouslyLagging | Status::NotReported => 0.0,
    }
}

/// The month of `year` a 销号 made on `day` counts from (before the year: January; after: never).
fn closed_month(day: &str, year: i32) -> Option<u32> {
    let day = Day::parse(day)?;
    match day.year.cmp(&year) {
        std::cmp::Ordering::Less => Some(1),
        std::cmp::Ordering::Equal => Some(day.month),
        std::cmp::Ordering::Greater => None,
    }
}

/// The lines of `month` (1–12) of a `year` plan: every task without a numeric target that has a
/// lead due this month.
pub fn lines(ledger: &Ledger, tasks: &[SnapTask], month: u32, year: i32) -> Vec<TaskLine> {
    let mut out = Vec::new();
    for task in tasks {
        // The deadline as stated, else the last milestone, else the year's end.
        let deadline = task
            .deadline
            .as_deref()
            .and_then(|d| deadline_month(d, year))
            .or_else(|| task.milestones.iter().map(|(m, _)| *m).max())
            .unwrap_or(12);
        let milestone_due = task.milestones.iter().any(|(m, _)| *m == month);
        let closed = task
            .closed_on
            .as_deref()
            .and_then(|d| closed_month(d, year));
        // Who answers: the lead, or each district of a group.
        let answering = match ledger.group_led(task.id, month) {
            Some(_) => ledger.district_leads_in(task.id, month),
            None => ledger.answering(task.id, month).into_iter().collect(),
        };
        if answering.is_empty() {
            continue;
        }
        let mut words = Vec::new();
        let mut answers = Vec::new();
        let statuses: Vec<Status> = answering
            .iter()
            .map(|a| {
                let report = ledger.report_of(a.id, month);
                let confirmation =
                    report.map(|r| r.confirmation.as_deref().and_then(Confirmation::parse));
                if let Some(r) = report
                    && let Some(c) = r.confirmation.as_deref().and_then(Confirmation::parse)
                {
                    let reason = r
                        .reason
                        .as_deref()
                        .map(|x| format!("（{x}）"))
                        .unwrap_or_default();
                    words.push(match answering.len() {
                        1 => format!("{}{reason}", c.label()),
                        _ => format!(
                            "{}：{}{reason}",
                            a.district.as_deref().unwrap_or(&a.unit),
                            c.label()
                        ),
                    });
                }
                let status = task_status(
                    &TaskFacts {
                        deadline,
                        closed,
                        confirmation,
                        milestone_due,
                    },
                    month,
                );
                answers.push((a.unit.clone(), status));
                status
            })
            .collect();
        let Some(status) = worst(statuses) else {
            continue;
        };
        out.push(TaskLine {
            task_id: task.id,
            path: task.path.clone(),
            title: task.title.clone(),
            section_path: task.section_path.clone(),
            lead: match answering.as_slice() {
                [one] => one.unit.clone(),
                many => format!("{} 个区（各自确认）", many.len()),
            },
            deadline,
            status,
            confirmation: (!words.is_empty()).then(|| words.join("；")),
            closed_on: task
                .closed_on
                .clone()
                .filter(|_| closed.is_some_and(|c| c <= month)),
            answers,
            milestones: task.milestones.clone(),
        });
    }
    out
}

/// The bulletin's section on tasks without a numeric target: counts, then every task with its
/// lead, deadline, status and the lead's word.
pub fn section(lines: &[TaskLine]) -> crate::document::Section {
    use crate::document::{Block, Section};
    let count = |s: Status| lines.iter().filter(|l| l.status == s).count();
    let overview = format!(
        "无量化指标的任务 {} 项，按牵头单位每月确认的进展和完成时限评价：已完成（含销号） {} 项、按计划推进 {} 项、滞后 {} 项、未确认 {} 项、严重滞后（超过完成时限未完成） {} 项、未报送 {} 项。",
        lines.len(),
        count(Status::Completed),
        count(Status::OnPace),
        count(Status::Lagging),
        count(Status::NotStarted),
        count(Status::SeriouslyLagging),
        count(Status::NotReported),
    );
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                l.path.clone(),
                l.title.clone(),
                l.lead.clone(),
                l.milestones
                    .iter()
                    .map(|(m, text)| format!("{m} 月底：{text}"))
                    .chain(std::iter::once(format!("完成时限 {} 月底", l.deadline)))
                    .collect::<Vec<_>>()
                    .join("；"),
                l.status.label().to_string(),
                match (&l.closed_on, &l.confirmation) {
                    (Some(day), _) => format!("{day} 销号"),
                    (None, Some(words)) => words.clone(),
                    (None, None) => String::new(),
                },
            ]
        })
        .collect();
    Section {
        heading: "无量化指标任务推进情况".into(),
        blocks: vec![
            Block::Paragraph(overview),
            Block::Table {
                caption: "无量化指标任务".into(),
                headers: [
                    "任务",
                    "内容",
                    "牵头单位",
                    "完成时限",
                    "状态",
                    "牵头单位确认",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closing_counts_from_its_month() {
        assert_eq!(closed_month("2021-05-10", 2021), Some(5));
        assert_eq!(closed_month("2020-12-30", 2021), Some(1));
        assert_eq!(closed_month("2022-01-03", 2021), None);
        assert_eq!(closed_month("不是日期", 2021), None);
    }
}

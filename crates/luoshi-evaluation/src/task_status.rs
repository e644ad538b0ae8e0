//! Where a task without a numeric target stands: by its lead unit's monthly confirmation
//! (按计划推进 / 已完成 / 滞后), its milestones (节点) and deadline (完成时限, 年底前, 上半年 …; the
//! last milestone, else the year's end, when the plan names none) and the office's 销号.

use serde::{Deserialize, Serialize};

use crate::Status;

/// What the lead unit confirms in its monthly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    /// 按计划推进
    OnPlan,
    /// 已完成
    Done,
    /// 滞后
    Behind,
}

impl Confirmation {
    pub fn parse(text: &str) -> Option<Confirmation> {
        match text {
            "on_plan" => Some(Confirmation::OnPlan),
            "done" => Some(Confirmation::Done),
            "behind" => Some(Confirmation::Behind),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confirmation::OnPlan => "on_plan",
            Confirmation::Done => "done",
            Confirmation::Behind => "behind",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Confirmation::OnPlan => "按计划推进",
            Confirmation::Done => "已完成",
            Confirmation::Behind => "滞后",
        }
    }

    pub const ALL: [Confirmation; 3] = [
        Confirmation::OnPlan,
        Confirmation::Done,
        Confirmation::Behind,
    ];
}

/// One month's facts about a task without a numeric target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFacts {
    /// The month (1–12) it is due to be done by.
    pub deadline: u32,
    /// The month the office closed it (销号), if it stands closed.
    pub closed: Option<u32>,
    /// The lead's report that counts this month: `None` without one; `Some(None)` with one that
    /// confirms nothing.
    pub confirmation: Option<Option<Confirmation>>,
    /// A milestone (节点) falls due this month.
    pub milestone_due: bool,
}

/// The task's status after `month`: closed → completed; no report → not reported; the lead's
/// word otherwise, except that a task still open once its deadline month is over is seriously
/// lagging, whatever was confirmed, and 滞后 in a month a milestone falls due (a 节点 missed) is
/// seriously lagging too.
pub fn task_status(facts: &TaskFacts, month: u32) -> Status {
    if facts.closed.is_some_and(|c| c <= month) {
        return Status::Completed;
    }
    let Some(confirmation) = facts.confirmation else {
        return Status::NotReported;
    };
    let overdue = month >= facts.deadline;
    match confirmation {
        Some(Confirmation::Done) => Status::Completed,
        _ if overdue => Status::SeriouslyLagging,
        Some(Confirmation::Behind) if facts.milestone_due => Status::SeriouslyLagging,
        Some(Confirmation::Behind) => Status::Lagging,
        Some(Confirmation::OnPlan) => Status::OnPace,
        None => Status::NotStarted,
    }
}

/// The month a deadline as plans write it falls in, for a plan of `year`: `2021年12月底`,
/// `6月底前`, `上半年`, `三季度`, `年底前`, `年内`. `None` for text that names no month of that
/// year.
pub fn deadline_month(text: &str, year: i32) -> Option<u32> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some((y, _)) = text.split_once('年')
        && let Ok(y) = y.parse::<i32>()
        && y != year
    {
        return None;
    }
    if text.contains("上半年") {
        return Some(6);
    }
    for (words, month) in [
        (["一季度", "第一季度"], 3),
        (["二季度", "第二季度"], 6),
        (["三季度", "第三季度"], 9),
        (["四季度", "第四季度"], 12),
    ] {
        if words.iter().any(|w| text.contains(w)) {
            return Some(month);
        }
    }
    if let Some(before) = text.split('月').next().filter(|_| text.contains('月')) {
        let digits: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if let Ok(m) = digits.parse::<u32>()
            && (1..=12).contains(&m)
        {
            return Some(m);
        }
        let chinese = [
            "十二", "十一", "十", "九", "八", "七", "六", "五", "四", "三", "二", "一",
        ];
        for (i, word) in chinese.iter().enumerate() {
            if before.ends_with(word) {
                return Some(12 - i as u32);
            }
        }
    }
    if text.contains("年底")
        || text.contains("年内")
        || text.contains("全年")
        || text.contains("下半年")
    {
        return Some(12);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(deadline: u32, confirmation: Option<Option<Confirmation>>) -> TaskFacts {
        TaskFacts {
            deadline,
            closed: None,
            confirmation,
            milestone_due: false,
        }
    }

    #[test]
    fn the_leads_word_until_the_deadline_passes() {
        let on_plan = Some(Some(Confirmation::OnPlan));
        assert_eq!(task_status(&facts(12, on_plan), 6), Status::OnPace);
        assert_eq!(task_status(&facts(6, on_plan), 6), Status::SeriouslyLagging);
        assert_eq!(
            task_status(&facts(12, Some(Some(Confirmation::Behind))), 6),
            Status::Lagging
        );
        assert_eq!(
            task_status(&facts(6, Some(Some(Confirmation::Done))), 9),
            Status::Completed
        );
        assert_eq!(task_status(&facts(12, None), 6), Status::NotReported);
        let missed = TaskFacts {
            milestone_due: true,
            ..facts(12, Some(Some(Confirmation::Behind)))
        };
        assert_eq!(
            task_status(&missed, 6),
            Status::SeriouslyLagging,
            "a 节点 missed"
        );
        assert_eq!(task_status(&facts(12, Some(None)), 6), Status::NotStarted);
        let closed = TaskFacts {
            closed: Some(5),
            ..facts(12, None)
        };
        assert_eq!(task_status(&closed, 5), Status::Completed);
        assert_eq!(
            task_status(&closed, 4),
            Status::NotReported,
            "not yet closed in April"
        );
    }

    #[test]
    fn deadlines_as_plans_write_them() {
        assert_eq!(deadline_month("2021年12月底", 2021), Some(12));
        assert_eq!(deadline_month("6月底前", 2021), Some(6));
        assert_eq!(deadline_month("九月底前", 2021), Some(9));
        assert_eq!(deadline_month("十一月", 2021), Some(11));
        assert_eq!(deadline_month("上半年", 2021), Some(6));
        assert_eq!(deadline_month("三季度末", 2021), Some(9));
        assert_eq!(deadline_month("年底前", 2021), Some(12));
        assert_eq!(deadline_month("2022年6月", 2021), None);
        assert_eq!(deadline_month("长期坚持", 2021), None);
        assert_eq!(Confirmation::parse("done"), Some(Confirmation::Done));
        assert_eq!(Confirmation::parse("x"), None);
    }
}

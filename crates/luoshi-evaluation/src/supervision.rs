//! 督办: which follow-up order a lagging or unreported item calls for, from its course month by
//! month under the plan's rules (e.g. 滞后 two months running → 黄色督办; 严重滞后 or three missed
//! reports → 红色督办), and what an order at each level asks: days to answer, the assessment's
//! deduction. Pure: the office confirms or dismisses each suggestion.

use serde::Serialize;

pub use luoshi_reporting::followup::{Level, SupervisionRules};

use crate::status::Status;

/// A suggested order: its level and, in words, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub level: Level,
    pub reason: String,
}

/// How many of the last entries of `course` satisfy `which`, counting back from the end.
fn running(course: &[Status], which: impl Fn(Status) -> bool) -> u32 {
    course.iter().rev().take_while(|s| which(**s)).count() as u32
}

/// The order an item's course calls for in its latest month, if any. `course` holds the item's
/// status in each month it was due, oldest first, ending with the month the bulletin is for.
/// The strongest rule that applies wins.
pub fn suggest(course: &[Status], rules: &SupervisionRules) -> Option<Suggestion> {
    let latest = *course.last()?;
    let missed = running(course, |s| s == Status::NotReported);
    let lagging = running(course, |s| {
        matches!(
            s,
            Status::Lagging | Status::NotStarted | Status::SeriouslyLagging
        )
    });
    let suggestion = |level: Level, reason: String| Some(Suggestion { level, reason });
    if missed >= rules.red_after_missed {
        return suggestion(Level::Red, format!("连续 {missed} 个月未报送"));
    }
    if rules.red_when_serious && latest == Status::SeriouslyLagging {
        return suggestion(Level::Red, "严重滞后".into());
    }
    if lagging >= rules.yellow_after_lagging {
        return suggestion(Level::Yellow, format!("连续 {lagging} 个月滞后"));
    }
    if missed >= rules.prompt_after_missed {
        let months = if missed == 1 {
            "本月未报送".to_string()
        } else {
            format!("连续 {missed} 个月未报送")
        };
        return suggestion(Level::Prompt, months);
    }
    if lagging >= rules.prompt_after_lagging {
        let months = if lagging == 1 {
            format!("本月{}", latest.label())
        } else {
            format!("连续 {lagging} 个月滞后")
        };
        return suggestion(Level::Prompt, months);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    fn level(course: &[Status]) -> Option<Level> {
        suggest(course, &SupervisionRules::default()).map(|s| s.level)
    }

    #[test]
    fn the_default_rules_escalate_with_the_course() {
        assert_eq!(level(&[]), None);
        assert_eq!(level(&[OnPace, OnPace]), None);
        assert_eq!(level(&[Completed]), None);
        assert_eq!(level(&[OnPace, Lagging]), Some(Level::Prompt));
        assert_eq!(level(&[OnPace, NotStarted]), Some(Level::Prompt));
        assert_eq!(
            suggest(&[OnPace, Lagging, Lagging], &SupervisionRules::default()),
            Some(Suggestion {
                level: Level::Yellow,
                reason: "连续 2 个月滞后".into()
            })
        );
        assert_eq!(level(&[Lagging, OnPace, Lagging]), Some(Level::Prompt));
        assert_eq!(level(&[OnPace, SeriouslyLagging]), Some(Level::Red));
        assert_eq!(level(&[NotReported]), Some(Level::Prompt));
        assert_eq!(level(&[NotReported, NotReported]), Some(Level::Prompt));
        assert_eq!(
            suggest(
                &[OnPace, NotReported, NotReported, NotReported],
                &SupervisionRules::default()
            ),
            Some(Suggestion {
                level: Level::Red,
                reason: "连续 3 个月未报送".into()
            })
        );
    }

    #[test]
    fn a_plans_own_rules_change_what_is_suggested() {
        let rules = SupervisionRules {
            prompt_after_lagging: 2,
            yellow_after_lagging: 3,
            red_when_serious: false,
            ..SupervisionRules::default()
        };
        assert_eq!(suggest(&[OnPace, Lagging], &rules), None);
        assert_eq!(
            suggest(&[Lagging, Lagging], &rules).map(|s| s.level),
            Some(Level::Prompt)
        );
        assert_eq!(
            suggest(&[Lagging, Lagging, SeriouslyLagging], &rules).map(|s| s.level),
            Some(Level::Yellow),
            "serious is lagging too, but not red under these rules"
        );
    }
}

//! 督办: which follow-up order a lagging or unreported item calls for, from its course month by
//! month under the plan's rules (e.g. 滞后 two months running → 黄色督办; 严重滞后 or three missed
//! reports → 红色督办), and what an order at each level asks: days to answer, the assessment's
//! deduction. Pure: the office confirms or dismisses each suggestion.

use serde::{Deserialize, Serialize};

pub use luoshi_reporting::followup::Level;

use crate::status::Status;

/// When each level is suggested and what it asks; configurable per plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionRules {
    /// 提示 once an item has lagged (or not started) this many months running.
    pub prompt_after_lagging: u32,
    /// 黄色督办 once it has lagged this many months running.
    pub yellow_after_lagging: u32,
    /// 红色督办 as soon as it is seriously lagging.
    pub red_when_serious: bool,
    /// 提示 once its report has been missing this many months running.
    pub prompt_after_missed: u32,
    /// 红色督办 once its report has been missing this many months running.
    pub red_after_missed: u32,
    /// Days an order gives to answer, per level (提示, 黄色, 红色).
    pub days_to_answer: [u32; 3],
    /// Points the annual assessment deducts per order, per level.
    pub deduction: [f64; 3],
    /// Further points per order answered late or not at all.
    pub overdue_deduction: f64,
}

impl Default for SupervisionRules {
    fn default() -> SupervisionRules {
        SupervisionRules {
            prompt_after_lagging: 1,
            yellow_after_lagging: 2,
            red_when_serious: true,
            prompt_after_missed: 1,
            red_after_missed: 3,
            days_to_answer: [10, 7, 5],
            deduction: [0.0, 1.0, 2.0],
            overdue_deduction: 1.0,
        }
    }
}

impl SupervisionRules {
    pub fn days_to_answer(&self, level: Level) -> u32 {
        self.days_to_answer[level.index()]
    }

    pub fn deduction(&self, level: Level) -> f64 {
        self.deduction[level.index()]
    }

    /// The first rule that does not hold, as (field, message).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.prompt_after_lagging == 0 || self.yellow_after_lagging == 0 {
            return Err(("yellow_after_lagging", "连续滞后月数须至少为 1".into()));
        }
        if self.prompt_after_lagging > self.yellow_after_lagging {
            return Err((
                "prompt_after_lagging",
                "提示的连续滞后月数不能多于黄色督办的".into(),
            ));
        }
        if self.prompt_after_missed == 0 || self.red_after_missed < self.prompt_after_missed {
            return Err((
                "red_after_missed",
                "连续未报送月数：提示须至少为 1，且不多于红色督办的".into(),
            ));
        }
        if self.days_to_answer.iter().any(|d| !(1..=90).contains(d)) {
            return Err(("days_to_answer", "办理期限须在 1 至 90 天之间".into()));
        }
        if self
            .deduction
            .iter()
            .chain([&self.overdue_deduction])
            .any(|d| !d.is_finite() || !(0.0..=100.0).contains(d))
        {
            return Err(("deduction", "扣分须在 0 至 100 之间".into()));
        }
        Ok(())
    }
}

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

    #[test]
    fn rules_that_contradict_themselves_are_refused() {
        assert!(SupervisionRules::default().check().is_ok());
        let upside_down = SupervisionRules {
            prompt_after_lagging: 3,
            yellow_after_lagging: 2,
            ..SupervisionRules::default()
        };
        assert_eq!(
            upside_down.check().map_err(|e| e.0),
            Err("prompt_after_lagging")
        );
        let forever = SupervisionRules {
            days_to_answer: [10, 7, 0],
            ..SupervisionRules::default()
        };
        assert!(forever.check().is_err());
        assert_eq!(Level::Prompt.next(), Level::Yellow);
        assert_eq!(Level::Red.next(), Level::Red);
        assert_eq!(Level::parse("yellow"), Some(Level::Yellow));
        assert_eq!(Level::parse("blue"), None);
    }
}

//! 督办单 (follow-up orders): their levels and the states an order passes through, with who may
//! move it on — pure rules the store and the pages share.

use serde::{Deserialize, Serialize};

/// The level of a 督办单, mildest first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 提示: a reminder in writing.
    Prompt,
    /// 黄色督办.
    Yellow,
    /// 红色督办.
    Red,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Prompt, Level::Yellow, Level::Red];

    pub fn label(self) -> &'static str {
        match self {
            Level::Prompt => "提示",
            Level::Yellow => "黄色督办",
            Level::Red => "红色督办",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Prompt => "prompt",
            Level::Yellow => "yellow",
            Level::Red => "red",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == text)
    }

    /// The level an overdue order escalates to (a red one stays red, flagged).
    pub fn next(self) -> Level {
        match self {
            Level::Prompt => Level::Yellow,
            Level::Yellow | Level::Red => Level::Red,
        }
    }

    /// The level's place in per-level settings (提示 0, 黄色 1, 红色 2).
    pub fn index(self) -> usize {
        match self {
            Level::Prompt => 0,
            Level::Yellow => 1,
            Level::Red => 2,
        }
    }
}

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

/// Where an order stands: 已下达 → 已签收 → 已反馈 → 已办结, or 退回 (answered again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Issued,
    Signed,
    Answered,
    Returned,
    Closed,
}

impl OrderState {
    pub const ALL: [OrderState; 5] = [
        OrderState::Issued,
        OrderState::Signed,
        OrderState::Answered,
        OrderState::Returned,
        OrderState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Issued => "issued",
            OrderState::Signed => "signed",
            OrderState::Answered => "answered",
            OrderState::Returned => "returned",
            OrderState::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<OrderState> {
        OrderState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderState::Issued => "已下达，待签收",
            OrderState::Signed => "已签收，办理中",
            OrderState::Answered => "已反馈，待复核",
            OrderState::Returned => "已退回，重新办理",
            OrderState::Closed => "已办结",
        }
    }

    /// The unit may sign for it.
    pub fn can_sign(self) -> bool {
        self == OrderState::Issued
    }

    /// The unit may answer it (整改措施): once signed, or when sent back.
    pub fn can_answer(self) -> bool {
        matches!(self, OrderState::Signed | OrderState::Returned)
    }

    /// The office may close it or send it back.
    pub fn can_review(self) -> bool {
        self == OrderState::Answered
    }

    /// Still waiting for the unit (its deadline counts).
    pub fn awaits_unit(self) -> bool {
        matches!(
            self,
            OrderState::Issued | OrderState::Signed | OrderState::Returned
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_moves_on_only_in_its_order() {
        use OrderState::*;
        let sign: Vec<_> = OrderState::ALL
            .into_iter()
            .filter(|s| s.can_sign())
            .collect();
        assert_eq!(sign, [Issued]);
        let answer: Vec<_> = OrderState::ALL
            .into_iter()
            .filter(|s| s.can_answer())
            .collect();
        assert_eq!(answer, [Signed, Returned]);
        let review: Vec<_> = OrderState::ALL
            .into_iter()
            .filter(|s| s.can_review())
            .collect();
        assert_eq!(review, [Answered]);
        for s in OrderState::ALL {
            assert_eq!(OrderState::parse(s.as_str()), Some(s));
        }
        assert_eq!(Level::Prompt.next(), Level::Yellow);
        assert_eq!(Level::Red.next(), Level::Red);
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

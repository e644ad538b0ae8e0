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
}

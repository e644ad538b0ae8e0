//! What a progress report must satisfy: the status flow (draft → submitted → accepted, or returned
//! with a comment) and the checks on the values and texts it carries.

use serde::{Deserialize, Serialize};

use crate::access::ReportStatusRef;

/// The longest text a report field takes, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

/// How a month with nothing to report is submitted: this, then the reason (`本月无进展：…`).
pub const NO_PROGRESS: &str = "本月无进展";

/// A value this many times its target or more is taken for a typing slip until confirmed.
pub const IMPLAUSIBLE_RATIO: f64 = 100.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Submitted,
    Accepted,
    Returned,
}

/// What someone does to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAction {
    Save,
    Submit,
    Accept,
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("报告当前为「{}」，不能{}", .from.label(), .action)]
    Transition {
        from: ReportStatus,
        action: &'static str,
    },
    #[error("{field}：{message}")]
    Field { field: String, message: String },
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Returned => "returned",
        }
    }

    pub fn parse(text: &str) -> Option<ReportStatus> {
        [
            ReportStatus::Draft,
            ReportStatus::Submitted,
            ReportStatus::Accepted,
            ReportStatus::Returned,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::Draft => "草稿",
            ReportStatus::Submitted => "已报送",
            ReportStatus::Accepted => "已审核",
            ReportStatus::Returned => "已退回",
        }
    }

    /// Drafts (and returned reports being reworked) are seen only by those who may edit them.
    pub fn visibility(self) -> ReportStatusRef {
        match self {
            ReportStatus::Draft => ReportStatusRef::Draft,
            _ => ReportStatusRef::Shared,
        }
    }

    /// Whether the report counts as reported for the period (催报 skips it).
    pub fn is_reported(self) -> bool {
        matches!(self, ReportStatus::Submitted | ReportStatus::Accepted)
    }

    /// The status after `action`, or why it is not allowed.
    pub fn after(self, action: ReportAction) -> Result<ReportStatus, RuleError> {
        use ReportAction::*;
        use ReportStatus::*;
        let next = match (self, action) {
            (Draft | Returned, Save) => Some(self),
            (Draft | Returned, Submit) => Some(Submitted),
            (Submitted, Accept) => Some(Accepted),
            (Submitted | Accepted, Return) => Some(Returned),
            _ => None,
        };
        next.ok_or(RuleError::Transition {
            from: self,
            action: match action {
                Save => "修改（请先由审核方退回）",
                Submit => "报送",
                Accept => "审核通过",
                Return => "退回",
            },
        })
    }
}

/// A reported cumulative value for one target, with what was reported before.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueCheck<'a> {
    /// Names the field in messages (`指标 12`, `第 5 行 H 列`).
    pub field: &'a str,
    pub value: f64,
    pub previous: Option<f64>,
    /// The reporter's explanation, required when the value goes down.
    pub note: Option<&'a str>,
    /// What the assignment is to reach, and its unit (`场`), to question a value far beyond it.
    pub target: Option<(f64, &'a str)>,
    /// The reporter has confirmed a value far beyond the target is right.
    pub confirmed: bool,
}

impl ValueCheck<'_> {
    /// Cumulative values are finite and not negative; a value below last period's is questioned
    /// and needs an explanation.
    pub fn check(&self) -> Result<(), RuleError> {
        let fail = |message: String| {
            Err(RuleError::Field {
                field: self.field.to_string(),
                message,
            })
        };
        if !self.value.is_finite() {
            return fail("不是有效数字".into());
        }
        if self.value < 0.0 {
            return fail(format!("累计值不能为负数（填了 {}）", self.value));
        }
        if let Some(previous) = self.previous
            && self.value < previous
            && self.note.is_none_or(|n| n.trim().is_empty())
        {
            return fail(format!(
                "累计值 {} 低于上期已报的 {previous}，请在说明中写明原因",
                self.value
            ));
        }
        if let Some((target, unit)) = self.target
            && target > 0.0
            && self.value >= target * IMPLAUSIBLE_RATIO
            && !self.confirmed
        {
            return fail(format!(
                "累计值 {} 是目标 {}{unit} 的 {} 倍，请核对是否多填了位数；确认无误请勾选「数值无误」（上传表格时在该行说明中写明）",
                self.value,
                target,
                (self.value / target).round()
            ));
        }
        Ok(())
    }
}

/// A submitted report says something: a value or one of its texts. A month with nothing to
/// report is submitted as [`NO_PROGRESS`] followed by its reason, and then carries no values.
/// `texts` are the report's texts, progress first.
pub fn check_substance(texts: &[&str], values: usize) -> Result<(), RuleError> {
    let fail = |field: &str, message: &str| {
        Err(RuleError::Field {
            field: field.to_string(),
            message: message.to_string(),
        })
    };
    let progress = texts.first().map_or("", |t| t.trim());
    if let Some(rest) = progress.strip_prefix(NO_PROGRESS) {
        let reason = rest.trim_start_matches(['：', ':', '，', ',', ' ']).trim();
        if reason.is_empty() {
            return fail("progress", "报「本月无进展」须写明原因");
        }
        if values > 0 {
            return fail(
                "values",
                "已报「本月无进展」，不能同时填写本期数值；有数值请取消「本月无进展」",
            );
        }
        return Ok(());
    }
    if values == 0 && texts.iter().all(|t| t.trim().is_empty()) {
        return fail(
            "progress",
            "报告是空的：请填写工作进展或本期数值；本月确无进展，请选择「本月无进展」并写明原因",
        );
    }
    Ok(())
}

/// A text field within its length limit.
pub fn check_text(field: &str, text: &str) -> Result<(), RuleError> {
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(RuleError::Field {
            field: field.to_string(),
            message: format!("不能超过 {MAX_TEXT_CHARS} 字（现有 {chars} 字）"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ReportAction::*;
    use super::ReportStatus::*;
    use super::*;

    #[test]
    fn status_flow() {
        assert_eq!(Draft.after(Save), Ok(Draft));
        assert_eq!(Draft.after(Submit), Ok(Submitted));
        assert_eq!(Submitted.after(Return), Ok(Returned));
        assert_eq!(Returned.after(Save), Ok(Returned));
        assert_eq!(Returned.after(Submit), Ok(Submitted));
        assert_eq!(Submitted.after(Accept), Ok(Accepted));
        assert_eq!(Accepted.after(Return), Ok(Returned));
        let refused = Submitted
            .after(Save)
            .expect_err("submitted reports are frozen");
        assert!(refused.to_string().contains("已报送"), "{refused}");
        assert!(Draft.after(Accept).is_err());
        assert!(Accepted.after(Submit).is_err());
        assert!(Draft.after(Return).is_err());
    }

    #[test]
    fn decreases_need_a_reason() {
        let check = |value, previous, note| {
            ValueCheck {
                field: "指标 1",
                value,
                previous,
                note,
                target: None,
                confirmed: false,
            }
            .check()
        };
        assert!(check(120.0, Some(100.0), None).is_ok());
        assert!(check(100.0, Some(100.0), None).is_ok());
        let e = check(90.0, Some(100.0), None).expect_err("decrease");
        assert!(e.to_string().contains("低于上期已报的 100"), "{e}");
        assert!(check(90.0, Some(100.0), Some("  ")).is_err());
        assert!(check(90.0, Some(100.0), Some("统计口径调整")).is_ok());
        assert!(check(-1.0, None, None).is_err());
        assert!(check(f64::NAN, None, None).is_err());
        assert!(check(0.0, None, None).is_ok());
    }

    #[test]
    fn texts_have_a_limit() {
        assert!(check_text("工作进展", &"字".repeat(MAX_TEXT_CHARS)).is_ok());
        let e = check_text("工作进展", &"字".repeat(MAX_TEXT_CHARS + 1)).expect_err("long");
        assert!(e.to_string().starts_with("工作进展："), "{e}");
    }

    #[test]
    fn a_value_far_beyond_its_target_needs_confirming() {
        let check = |value, confirmed| {
            ValueCheck {
                field: "指标 1",
                value,
                previous: None,
                note: None,
                target: Some((10.0, "场")),
                confirmed,
            }
            .check()
        };
        assert!(check(40.0, false).is_ok(), "four times over is plausible");
        let e = check(1e9, false).expect_err("a slip");
        assert!(e.to_string().contains("目标 10场 的 100000000 倍"), "{e}");
        assert!(check(1e9, true).is_ok());
    }

    #[test]
    fn an_empty_report_is_not_submitted_and_no_progress_needs_its_reason() {
        let e = check_substance(&["", " ", "", ""], 0).expect_err("empty");
        assert!(e.to_string().contains("本月无进展"), "{e}");
        assert!(check_substance(&["", "资金未到位", "", ""], 0).is_ok());
        assert!(check_substance(&["", "", "", ""], 1).is_ok());
        assert!(check_substance(&["本月无进展：", "", "", ""], 0).is_err());
        assert!(check_substance(&["本月无进展：项目待批复", "", "", ""], 0).is_ok());
        let e = check_substance(&["本月无进展：待批复", "", "", ""], 1).expect_err("values too");
        assert!(e.to_string().starts_with("values："), "{e}");
    }
}

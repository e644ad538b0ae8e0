//! luoshi-cadence: what the office walks into each meeting with. [`monthly`] computes the monthly
//! dispatch bulletin (调度通报) from a ledger [`Snapshot`](luoshi_store::Snapshot) with the rules of
//! `luoshi-evaluation`; [`document`] lays any bulletin out as an official document and renders it
//! as .docx ([`docx`]), .xlsx ([`xlsx`]) or printable HTML ([`html`]).

use luoshi_store::Texts;

pub mod annual;
pub mod document;
pub mod docx;
pub(crate) mod docx_package;
pub(crate) mod docx_table;
pub mod halfyear;
pub mod html;
pub mod indicators;
pub mod instructions;
pub mod monthly;
mod monthly_document;
pub mod quarterly;
mod raised;
mod shares;
pub mod simulate;
pub mod standing;
pub mod supervision;
pub mod tasks;
pub mod xlsx;

pub use annual::{AnnualAssessment, closed_through};
pub use document::{Block, OfficialDocument, Section};
pub use halfyear::HalfYearReview;
pub use monthly::{Ledger, MonthlyBulletin};
pub use quarterly::QuarterlySummary;
pub use standing::Standing;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("生成 Word 文档失败：{0}")]
    Docx(String),
    #[error("生成 xlsx 失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The formats a bulletin comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Xlsx,
    Html,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "docx" => Some(Format::Docx),
            "xlsx" => Some(Format::Xlsx),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// Renders `doc` in `format`.
pub fn render(doc: &OfficialDocument, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Docx => docx::render(doc),
        Format::Xlsx => xlsx::render(doc),
        Format::Html => Ok(html::render(doc).into_bytes()),
    }
}

/// A plan's stored rules as the evaluation's and the assessment's.
pub fn rules_of(
    plan: &luoshi_store::PlanRules,
) -> (luoshi_evaluation::Rules, luoshi_evaluation::AssessmentRules) {
    (
        luoshi_evaluation::Rules {
            on_pace_gap: plan.on_pace_gap,
            serious_gap: plan.serious_gap,
            not_started_serious_after: u32::try_from(plan.not_started_serious_after).unwrap_or(3),
            about_tolerance: plan.about_tolerance,
        },
        luoshi_evaluation::AssessmentRules {
            completion_weight: plan.completion_weight,
            discipline_weight: plan.discipline_weight,
            review_weight: plan.review_weight,
            late_deduction: plan.late_deduction,
            missing_deduction: plan.missing_deduction,
        },
    )
}

/// Which meeting of the cadence a period key names: `2021-06` (每月一调度), `2021-Q2` (每季一小结),
/// `2021-H1` (半年一讲评).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    Monthly(u32),
    Quarterly(u32),
    HalfYear(u32),
    /// The year (`2021`): the annual assessment (全年一考核).
    Annual,
}

impl Cadence {
    /// What the output reads of the ledger: the problems and coordination requests it quotes
    /// (only the monthly bulletin quotes them) and the last month it looks at.
    pub fn scope(self) -> (Texts, u32) {
        match self {
            Cadence::Monthly(m) => (Texts::Month(m), m),
            Cadence::Quarterly(q) => (Texts::None, q * 3),
            Cadence::HalfYear(h) => (Texts::None, h * 6),
            Cadence::Annual => (Texts::None, 12),
        }
    }

    /// Parses a period key of `year`'s calendar.
    pub fn parse(key: &str) -> Option<(i32, Cadence)> {
        let key = key.trim();
        if key.len() == 4 {
            let year: i32 = key.parse().ok().filter(|y| (1900..=2999).contains(y))?;
            return Some((year, Cadence::Annual));
        }
        let (year, rest) = key.split_once('-')?;
        let year: i32 = year.parse().ok().filter(|y| (1900..=2999).contains(y))?;
        let number = |s: &str| s.parse::<u32>().ok();
        let cadence = match rest.as_bytes().first()? {
            b'Q' | b'q' => Cadence::Quarterly(number(&rest[1..]).filter(|q| (1..=4).contains(q))?),
            b'H' | b'h' => Cadence::HalfYear(number(&rest[1..]).filter(|h| (1..=2).contains(h))?),
            _ if rest.len() == 2 => {
                Cadence::Monthly(number(rest).filter(|m| (1..=12).contains(m))?)
            }
            _ => return None,
        };
        Some((year, cadence))
    }

    /// The document for this meeting, or `None` when the plan has no such period. `items` are
    /// the office's assessment entries (used by the annual assessment); `plan_rules` the plan's
    /// evaluation and assessment rules.
    /// The document for this meeting as `scope` may read it on `today` (its date; the annual
    /// assessment counts the months closed by then), or `None` when the plan has no such period. `items` are the office's assessment entries and `plan_rules` the plan's
    /// evaluation and assessment rules; the annual assessment holds only the score sheets
    /// `scope` covers (the other documents are circulated whole).
    #[allow(clippy::too_many_arguments)]
    pub fn document(
        self,
        snapshot: &luoshi_store::Snapshot,
        items: &[luoshi_store::AssessmentItem],
        plan_rules: &luoshi_store::PlanRules,
        issuer: &str,
        today: luoshi_reporting::Day,
        demo: bool,
        scope: &luoshi_reporting::ScoreScope,
    ) -> Option<OfficialDocument> {
        let (rules, assess) = rules_of(plan_rules);
        let rules = &rules;
        let date = format!("{}年{}月{}日", today.year, today.month, today.day);
        let date = date.as_str();
        Some(match self {
            // Only closed months count: before the year closes this is a 预评估.
            Cadence::Annual => AnnualAssessment::as_of(snapshot, items, rules, &assess, today)?
                .limited_to(scope)
                .document(issuer, date, demo),
            Cadence::Monthly(m) => {
                MonthlyBulletin::build(snapshot, m, rules)?.document(issuer, date, demo)
            }
            Cadence::Quarterly(q) => {
                QuarterlySummary::build(snapshot, q, rules)?.document(issuer, date, demo)
            }
            Cadence::HalfYear(h) => {
                HalfYearReview::build(snapshot, h, rules)?.document(issuer, date, demo)
            }
        })
    }

    /// `调度通报`, `季度小结`, `半年讲评`.
    pub fn name(self) -> &'static str {
        match self {
            Cadence::Monthly(_) => "调度通报",
            Cadence::Quarterly(_) => "季度小结",
            Cadence::HalfYear(_) => "半年讲评",
            Cadence::Annual => "年度考核结果",
        }
    }
    /// The document's name after its period's (`2021年第二季度` + `季度小结` →
    /// `2021年第二季度小结`): the words they share are said once.
    pub fn titled(self, period: &str) -> String {
        let name = self.name();
        let overlap = name
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .filter(|&end| period.ends_with(&name[..end]))
            .max()
            .unwrap_or(0);
        format!("{period}{}", &name[overlap..])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_say_a_word_once() {
        assert_eq!(
            Cadence::Quarterly(2).titled("2021年第二季度"),
            "2021年第二季度小结"
        );
        assert_eq!(
            Cadence::HalfYear(1).titled("2021年上半年"),
            "2021年上半年讲评"
        );
        assert_eq!(Cadence::Monthly(6).titled("2021年6月"), "2021年6月调度通报");
        assert_eq!(Cadence::Annual.titled("2021年度"), "2021年度考核结果");
    }

    use super::*;

    #[test]
    fn period_keys() {
        assert_eq!(Cadence::parse("2021-06"), Some((2021, Cadence::Monthly(6))));
        assert_eq!(
            Cadence::parse("2021-Q2"),
            Some((2021, Cadence::Quarterly(2)))
        );
        assert_eq!(
            Cadence::parse("2021-H2"),
            Some((2021, Cadence::HalfYear(2)))
        );
        assert_eq!(Cadence::parse("2021"), Some((2021, Cadence::Annual)));
        for bad in [
            "2021-13", "2021-Q5", "2021-H3", "2021-6", "21-06", "20x1", "2021-Q", "x-06",
        ] {
            assert_eq!(Cadence::parse(bad), None, "{bad}");
        }
    }
}

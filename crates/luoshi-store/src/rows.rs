//! What the ledger answers with: plain serialisable rows, the same whichever database holds them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub id: i64,
    pub title: Option<String>,
    pub plan_title: Option<String>,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    pub index_no: Option<String>,
    pub date_written: Option<String>,
    pub date_published: Option<String>,
    pub year: Option<i64>,
    pub source_name: String,
    /// `draft` or `published`.
    pub status: String,
    pub created_at: String,
    pub published_at: Option<String>,
    /// The month (1–12) reports are due from, set at publishing.
    #[serde(default)]
    pub reporting_start: Option<u32>,
    /// Filled with simulated reports (`serve --demo`): shown as 演示数据 everywhere.
    pub demo: bool,
    pub task_count: i64,
    pub target_count: i64,
    pub open_review_items: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SectionRow {
    pub id: i64,
    pub path: String,
    pub title: String,
    pub level: i64,
    pub line: i64,
    pub task_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorRow {
    pub id: i64,
    pub text: String,
    pub name: String,
    pub value: f64,
    pub max: Option<f64>,
    pub unit: String,
    pub qualifier: String,
    pub aspirational: bool,
    pub line: i64,
    /// The year the goal is for (`到2025年…`), when the plan prints one.
    pub goal_year: Option<i64>,
    /// Where its monthly figures come from: `auto`, `target` or `entered`.
    pub source: String,
    /// The target chosen by the office (`source` = `target`).
    pub target_id: Option<i64>,
    /// Figures entered by the office: `(month, value)`, January first.
    pub entered: Vec<(u32, f64)>,
}

/// A task in a list: who leads, who is responsible, how many targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskRow {
    pub id: i64,
    pub plan_id: i64,
    pub path: String,
    pub section_path: String,
    pub title: String,
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub deadline: Option<String>,
    pub target_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub row: TaskRow,
    pub text: String,
    pub annotation: Option<String>,
    pub annotation_present: bool,
    pub line: i64,
    pub targets: Vec<TargetRow>,
    /// 政策支持 the task gives: listed, never evaluated.
    pub support: Vec<crate::SupportRow>,
    pub focuses: Vec<FocusRow>,
    pub assignments: Vec<AssignmentRow>,
    pub review_items: Vec<ReviewItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TargetRow {
    pub id: i64,
    pub task_id: i64,
    pub text: String,
    pub value: f64,
    pub max: Option<f64>,
    pub unit: String,
    pub qualifier: String,
    pub aspirational: bool,
    pub per_each: Option<String>,
    pub subject: String,
    pub kind: String,
    /// Byte range of `text` in the task's text, when it was read from it.
    pub span: Option<[i64; 2]>,
    pub shares: Vec<ShareRow>,
    /// Set when hand-split shares do not add up to the target (a warning, not an error).
    pub share_warning: Option<String>,
}

/// A district's share of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShareRow {
    pub district: String,
    pub value: f64,
    /// `per_each` (the full value, from 分别) or `manual` (split by the office).
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FocusRow {
    pub district: String,
    pub group: Option<String>,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    /// `department`, `district_government`, `unspecified`, `learned`.
    pub kind: String,
    pub aliases: Vec<String>,
    pub district: Option<String>,
    pub lead_count: i64,
    pub responsible_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistrictRow {
    pub id: i64,
    pub name: String,
    pub group: Option<String>,
    pub government: String,
    pub zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssignmentRow {
    pub id: i64,
    pub plan_id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    pub unit: String,
    pub role: String,
    /// The name as printed in the plan that this assignment comes from.
    pub printed: String,
    pub district: Option<String>,
    /// The months it is due in (from the reporting start, or the amendment that added it;
    /// one that removed it ends them).
    #[schema(value_type = Vec<u32>)]
    pub months: luoshi_reporting::Months,
}

impl AssignmentRow {
    /// Still assigned: due through December (an amendment that removed it ends its months).
    pub fn in_force(&self) -> bool {
        self.months.contains(12)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewItem {
    pub id: i64,
    pub plan_id: i64,
    pub task_id: Option<i64>,
    pub path: Option<String>,
    pub line: Option<i64>,
    pub field: String,
    pub reason: String,
    pub resolved: bool,
    pub resolution: Option<String>,
}

/// The annual table of one district (一区一表): everything that falls to it in one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistrictTable {
    pub plan_id: i64,
    pub district: DistrictRow,
    pub rows: Vec<DistrictTableRow>,
    pub focuses: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistrictTableRow {
    pub task_id: Option<i64>,
    pub path: String,
    pub title: String,
    /// The district's role on the task: `lead`, `responsible`, or `share` (a target share only).
    pub role: String,
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub targets: Vec<DistrictTarget>,
    pub deadline: Option<String>,
    pub note: Option<String>,
    /// Added by hand by the office (the plan's 一区一表 attachment is not in the document).
    pub hand_added: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistrictTarget {
    pub target_id: Option<i64>,
    pub text: String,
    /// The district's own value where it has a share; otherwise the city-wide value.
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub qualifier: Option<String>,
    /// `per_each`, `manual`, `city` (the city's target, not divided among districts), or
    /// `existing` (a count of what already exists, shown as context and never evaluated).
    pub source: String,
}

//! The plain-data result of extraction. Field names are the stable JSON format documented in
//! `docs/plan-json.md`; the gold annotation uses the same names.

use serde::{Deserialize, Serialize, Serializer};

/// Version of the JSON format; bump when a field changes meaning or disappears.
pub const FORMAT_VERSION: u32 = 1;

/// Everything the extractor read from one plan document, before anyone has reviewed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PlanDraft {
    pub title: Option<String>,
    /// The plan's own name when the document is a notice that carries it (`关于印发《X》的通知`).
    pub plan_title: Option<String>,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    pub index_no: Option<String>,
    /// ISO dates (`2021-03-28`).
    pub date_written: Option<String>,
    pub date_published: Option<String>,
    /// The year the plan's goals are for.
    pub year: Option<i32>,
    pub indicators: Vec<Indicator>,
    pub sections: Vec<Section>,
    pub tasks: Vec<Task>,
    pub mechanisms: Vec<Mechanism>,
    /// Every unit name as printed, in order of first appearance.
    pub units: Vec<String>,
    /// Scope notes such as `〈含开发区管委会，下同〉` attached to a printed unit name.
    pub scope_notes: Vec<ScopeNote>,
    /// What the extractor could not decide; a person must look at each.
    pub review: Vec<ReviewFlag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub text: String,
    pub name: String,
    #[serde(serialize_with = "number")]
    pub value: f64,
    #[serde(serialize_with = "optional_number")]
    pub max: Option<f64>,
    pub unit: String,
    pub qualifier: Qualifier,
    pub aspirational: bool,
    /// The year the goal is for (`到2025年…`), when the plan prints one: a plan with two
    /// horizons keeps each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// 1-based line of the source document.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub path: String,
    pub title: String,
    pub level: usize,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub path: String,
    /// Path of the section the task sits in (`二.（一）`); empty for a top-level task.
    pub section: String,
    pub title: String,
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub annotation_present: bool,
    /// 完成时限 as printed (`2021年12月底`), when the plan gives one.
    #[serde(default)]
    pub deadline: Option<String>,
    pub targets: Vec<Target>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub district_focus: Vec<DistrictFocus>,
    /// The task as printed after its number, page breaks joined, annotation included.
    pub text: String,
    /// The annotation as printed (inside its brackets), if any.
    pub annotation: Option<String>,
    /// Byte range of the annotation within `text`.
    pub annotation_span: Option<Span>,
    pub line: usize,
    /// Every printed unit resolved through the directory (filled by `luoshi-directory`).
    #[serde(default)]
    pub assignees: Vec<Assignee>,
    /// The scope note in force for district-wide names in this task (`含开发区管委会`), if any
    /// (filled by `luoshi-directory`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_scope: Option<String>,
    /// Units an earlier note made part of every later task (`以下均需各区政府落实，不再一一列出`):
    /// responsible here too, though this task's own note does not print them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherited_responsible: Vec<String>,
    /// 政策支持: what the task gives beneficiaries (amounts, rates, durations). Tracked as 政策兑现,
    /// never evaluated and never asked for in a report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub support: Vec<SupportMeasure>,
}

/// A support measure (政策支持): `给予最高100万元奖励`, `按不超过实际投入的30%给予补助`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupportMeasure {
    /// The clause that states it, as printed.
    pub text: String,
    #[serde(serialize_with = "number")]
    pub value: f64,
    #[serde(serialize_with = "optional_number")]
    pub max: Option<f64>,
    pub unit: String,
    /// `最高` / `不超过` make it a cap (`at_most`); `不低于` a floor.
    pub qualifier: Qualifier,
    pub kind: SupportKind,
    /// What it is given for: the sentence around it (`对首次认定的高新技术企业，给予…`).
    pub purpose: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportKind {
    /// Money: awards, subsidies, vouchers, loans, fund and credit sizes.
    Funding,
    /// A share of what the beneficiary spends or pays (`实际投入的30%`).
    Rate,
    /// How long the support lasts (`最长6个月`, `7天免费住宿`).
    Duration,
    /// How many may receive it (`名额100名`).
    Quota,
}

impl SupportKind {
    pub fn label(self) -> &'static str {
        match self {
            SupportKind::Funding => "资金",
            SupportKind::Rate => "比例",
            SupportKind::Duration => "期限",
            SupportKind::Quota => "名额",
        }
    }
}

/// A printed unit of a task's annotation and what it stands for in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub printed: String,
    pub role: Role,
    /// The canonical unit name (`市发改委` → `市发展改革委`); the printed name if none is known.
    pub unit: String,
    pub kind: AssigneeKind,
    /// The districts the name covers (`各区人民政府` → every district; `洪山区` → `洪山区`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Lead,
    Responsible,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssigneeKind {
    /// A department or other single body.
    Unit,
    /// The government (or zone committee) of one district.
    District,
    /// A group name that expands to several districts.
    Group,
    /// A name that does not say which body (`各依托单位`, `有关专班单位`).
    Unspecified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub text: String,
    #[serde(serialize_with = "number")]
    pub value: f64,
    #[serde(serialize_with = "optional_number")]
    pub max: Option<f64>,
    pub unit: String,
    pub qualifier: Qualifier,
    pub aspirational: bool,
    /// The printed group the value applies to each member of (`各区`), when the text says 分别.
    pub per_each: Option<String>,
    pub subject: String,
    pub kind: TargetKind,
    /// Byte range of `text` within the task's `text`.
    pub span: Span,
    /// With `per_each`: the districts the group expands to, each owing the full value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    AtLeast,
    About,
    MoreThan,
    AtMost,
    Range,
}

impl Qualifier {
    pub fn label(self) -> &'static str {
        match self {
            Qualifier::Exact => "",
            Qualifier::AtLeast => "以上",
            Qualifier::About => "左右",
            Qualifier::MoreThan => "超过",
            Qualifier::AtMost => "不超过",
            Qualifier::Range => "区间",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// Something to produce or reach this year.
    Target,
    /// A count of what already exists (`推动 28 家国家重点实验室优化调整`).
    ExistingCount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictFocus {
    pub district: String,
    pub group: Option<String>,
    pub focus: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mechanism {
    pub path: String,
    pub title: String,
    pub kind: MechanismKind,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MechanismKind {
    DistrictTable,
    MonthlyDispatch,
    QuarterlySummary,
    SemiannualReview,
    AnnualAssessment,
    Publicity,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeNote {
    /// The printed unit the note is attached to (`各相关区人民政府`).
    pub unit: String,
    /// The note without its brackets and without `下同` (`含开发区管委会`).
    pub note: String,
    /// `下同`: the note holds for every later mention too.
    pub carries_forward: bool,
    /// Path of the task where the note is printed.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFlag {
    /// The task or section the flag is about, if any.
    pub path: Option<String>,
    pub line: Option<usize>,
    /// Which field needs a decision (`lead`, `responsible`, `annotation`, `path`, …).
    pub field: String,
    /// Why, in words for the coordinating office.
    pub reason: String,
}

/// Whole numbers are written without a fraction (`7`, not `7.0`) so the JSON reads like the document.
fn number<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGER_LIMIT {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

fn optional_number<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => number(v, serializer),
        None => serializer.serialize_none(),
    }
}

//! The annual assessment (全年一考核): every district and unit scored out of 100 — target
//! completion at year end (70: each target capped at 100 %, equal weights), reporting discipline
//! (20: 1 point off per late report, 2 per missing one), the office's review mark (10) — plus
//! bonus and deduction items, ranked within groups, with the evidence behind every point.

use luoshi_evaluation::forecast::thousands;
use luoshi_evaluation::{AssessmentRules, Rules, Score};
use luoshi_store::{AssessmentItem, Snapshot};

use crate::document::{Block, OfficialDocument, Section};
use crate::halfyear::{UNIT_GROUP, months_through, scores};

#[derive(Debug, Clone, PartialEq)]
pub struct AnnualAssessment {
    pub plan_title: String,
    pub year: i32,
    pub rules: AssessmentRules,
    pub districts: Vec<Score>,
    pub units: Vec<Score>,
    /// The last month counted: 12 for the year's assessment; earlier for a 预评估 made before
    /// the year has closed, which counts closed months only.
    pub through: u32,
}

/// The last month whose reporting has closed on `today` (0 when none has): a month still open
/// (or reopened for 补报) is never counted as missing.
pub fn closed_through(snapshot: &Snapshot, today: luoshi_reporting::Day) -> u32 {
    snapshot
        .months
        .iter()
        .filter(|p| p.window(today) == luoshi_reporting::Window::Closed)
        .filter_map(|p| p.key.get(5..7)?.parse().ok())
        .max()
        .unwrap_or(0)
}

impl AnnualAssessment {
    /// The whole year's assessment (all twelve months counted).
    pub fn build(
        snapshot: &Snapshot,
        items: &[AssessmentItem],
        rules: &Rules,
        assess: &AssessmentRules,
    ) -> Option<AnnualAssessment> {
        AnnualAssessment::through(snapshot, items, rules, assess, 12)
    }

    /// The assessment as it stands on `today`: the year's once December has closed, before
    /// that a 预评估 of the closed months; `None` while no month in which anything is due has
    /// closed (a plan reporting from June has nothing to score before June closes).
    pub fn as_of(
        snapshot: &Snapshot,
        items: &[AssessmentItem],
        rules: &Rules,
        assess: &AssessmentRules,
        today: luoshi_reporting::Day,
    ) -> Option<AnnualAssessment> {
        let through = closed_through(snapshot, today);
        let anything_due = snapshot
            .assignments
            .iter()
            .any(|a| a.months.count_through(through) > 0);
        (through > 0 && anything_due)
            .then(|| AnnualAssessment::through(snapshot, items, rules, assess, through))
            .flatten()
    }

    fn through(
        snapshot: &Snapshot,
        items: &[AssessmentItem],
        rules: &Rules,
        assess: &AssessmentRules,
        through: u32,
    ) -> Option<AnnualAssessment> {
        let months = months_through(snapshot, through, rules);
        let last = months.last().filter(|m| m.month == through)?;
        let (units, districts): (Vec<Score>, Vec<Score>) = scores(snapshot, &months, assess, items)
            .into_iter()
            .partition(|s| s.group.as_deref() == Some(UNIT_GROUP));
        Some(AnnualAssessment {
            plan_title: last.plan_title.clone(),
            year: last.year,
            rules: assess.clone(),
            districts,
            units,
            through,
        })
    }

    /// Whether this is a 预评估 (the year has not closed).
    pub fn preliminary(&self) -> bool {
        self.through < 12
    }

    /// Only the score sheets `scope` may see (ranks kept as they are among everyone).
    pub fn limited_to(mut self, scope: &luoshi_reporting::ScoreScope) -> AnnualAssessment {
        self.districts.retain(|s| scope.covers(&s.name));
        self.units.retain(|s| scope.covers(&s.name));
        self
    }

    /// Every district and unit that can be assessed (for the office's forms).
    pub fn subjects(&self) -> Vec<&str> {
        self.districts
            .iter()
            .chain(&self.units)
            .map(|s| s.name.as_str())
            .collect()
    }

    pub fn document(&self, issuer: &str, date: &str, demo: bool) -> OfficialDocument {
        let r = &self.rules;
        let headers = [
            "分组",
            "排名",
            "名称",
            "目标完成",
            "报送纪律",
            "评议",
            "加减分",
            "总分",
        ]
        .map(String::from)
        .to_vec();
        let row = |s: &Score| {
            vec![
                s.group.clone().unwrap_or_default(),
                s.rank.to_string(),
                s.name.clone(),
                thousands(s.completion),
                thousands(s.discipline),
                thousands(s.review),
                if s.adjustments == 0.0 {
                    "0".into()
                } else {
                    format!(
                        "{}{}",
                        if s.adjustments > 0.0 { "+" } else { "" },
                        thousands(s.adjustments)
                    )
                },
                thousands(s.total),
            ]
        };
        let evidence: Vec<Block> = self
            .districts
            .iter()
            .chain(&self.units)
            .flat_map(|s| {
                [
                    Block::Subheading(format!(
                        "{}（{}，总分 {}，{}第 {} 名）",
                        s.name,
                        s.group.clone().unwrap_or_default(),
                        thousands(s.total),
                        s.group.clone().unwrap_or_default(),
                        s.rank
                    )),
                    Block::Items(s.evidence.clone()),
                ]
            })
            .collect();
        let (title, subtitle) = if self.preliminary() {
            (
                format!(
                    "{}年度考核预评估（截至{}月）",
                    self.plan_title, self.through
                ),
                format!(
                    "（{}年度，只计已截止的 1—{} 月；年度结束后以正式考核结果为准）",
                    self.year, self.through
                ),
            )
        } else {
            (
                format!("{}年度考核结果", self.plan_title),
                format!("（{}年度）", self.year),
            )
        };
        OfficialDocument {
            title,
            subtitle,
            signature: vec![issuer.to_string(), date.to_string()],
            demo,
            issue: None,
            frame: None,
            foreword: None,
            sections: vec![
                Section {
                    heading: "考核办法".into(),
                    blocks: vec![Block::Paragraph(format!(
                        "满分 100 分：目标完成 {} 分（各项量化指标年末完成率，单项最高按 100% 计，等权）；报送纪律 {} 分（每迟报一次扣 {} 分，每漏报一次扣 {} 分，扣完为止）；协调办公室评议 {} 分。另计加分、减分事项。各区在所在分组内排名，市直单位统一排名。",
                        thousands(r.completion_weight),
                        thousands(r.discipline_weight),
                        thousands(r.late_deduction),
                        thousands(r.missing_deduction),
                        thousands(r.review_weight)
                    ))],
                },
                Section {
                    heading: "各区考核结果".into(),
                    blocks: vec![Block::Table {
                        caption: "各区考核".into(),
                        headers: headers.clone(),
                        rows: self.districts.iter().map(row).collect(),
                    }],
                },
                Section {
                    heading: "市直单位考核结果".into(),
                    blocks: vec![Block::Table {
                        caption: "市直单位考核".into(),
                        headers,
                        rows: self.units.iter().map(row).collect(),
                    }],
                },
                Section {
                    heading: "得分依据".into(),
                    blocks: evidence,
                },
            ],
        }
    }
}
